#!/usr/bin/env python3
"""Checks that the Swift runtime (assay-features classify --model <this folder>) reproduces the clip statistic
computed in Python from this folder's model.json and calibration.json, on 12 clips (lr-2's check_runtime.py
clips plus clips of the new session-4 training sources). Needs the release build; run after train.py."""
import json, os, subprocess, sys
import numpy as np
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import train as L4  # noqa: E402
T = L4.T
m = json.load(open(os.path.join(HERE, "model.json")))
c = json.load(open(os.path.join(HERE, "calibration.json")))
T.ABSTENTION.update(c["abstention"])
rows = {r["name"]: r for r in L4.load()}
names = ["astronaut-pan0__ae_tconv", "coffee-pan1__real", "bikes-seg1__lanczos_up4", "rocket-pan2__ae_pixelshuffle",
         "motorcycle-x01__real_extra", "chelsea-pan1__vae_kl8", "china-c0__lanczos_up4", "quokka-c1__real",
         "wall-c2__esrgan_animev3_x2", "zidane-c4__real_extra", "faust-c0__ae_bilinear", "grace_hopper-c1__rescale_up2"]
mp4_dirs = [os.path.join(L4.LR2, "data", "mp4"), os.path.join(L4.S4, "data", "mp4")]
bad = checked = 0
for n in names:
    if n not in rows:
        print(f"{n:40s} (not in data)")
        bad += 1
        continue
    r = rows[n]
    logits = []
    for s in r["segments"]:
        if s.get("values") is None or T.content_abstention(s["profile"]):
            continue
        z = (np.array(s["values"]) - m["mean"]) / np.array(m["scale"])
        if np.mean(z ** 2) > c["abstention"]["maximumMeanSquaredZ"] or np.abs(z).max() > c["abstention"]["maximumAbsoluteZ"]:
            continue
        logits.append(float(z @ np.array(m["weights"]) + m["bias"]))
    py = np.mean(logits) if len(logits) * 2 >= len(r["segments"]) and logits else None
    mp4 = next(os.path.join(d, n + ".mp4") for d in mp4_dirs if os.path.exists(os.path.join(d, n + ".mp4")))
    raw = subprocess.run(["ffmpeg", "-v", "error", "-i", mp4, "-f", "rawvideo", "-pix_fmt", "yuv420p", "-"],
                         capture_output=True, check=True).stdout
    out = json.loads(subprocess.run([os.path.join(L4.ROOT, ".build", "release", "assay-features"), "classify",
                                     "--model", HERE, "--width", str(r["width"]), "--height", str(r["height"]), "-"],
                                    input=raw, capture_output=True, check=True).stdout)
    sw = out.get("statistic")
    checked += 1
    print(f"{n:40s} python {py if py is None else round(py, 6)!s:>10} swift {sw if sw is None else round(sw, 6)!s:>10} "
          f"{out['evidence']['decision']}")
    if (py is None) != (sw is None) or (py is not None and abs(py - sw) > 1e-6):
        bad += 1
print(f"{checked} clips checked, {bad} mismatches or missing")
sys.exit(1 if bad else 0)
