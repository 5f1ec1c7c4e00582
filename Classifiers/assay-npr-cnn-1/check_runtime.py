#!/usr/bin/env python3
"""RULE.md part 6: the Swift runtime (assay-features classify, release build) gives the clip statistic PyTorch
gives with model.json, within 1e-4, on the clips below (and agrees on which clips are abstained). Writes
parity.json, and parity-tiles.json: a few tiles with PyTorch's logits, the fixture of the unit test
`TileCNNTests`/`ShippedCNNParityTests`. Exit status 1 on any mismatch."""
import base64, json, os, pickle, subprocess, sys
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, HERE)
import cnn  # noqa: E402
import train as TR  # noqa: E402

BIN = os.path.join(ROOT, ".build", "release", "assay-features")
NAMES = ["astronaut-pan0__ae_tconv", "coffee-pan1__real", "bikes-seg1__lanczos_up4", "retina-pan2__esrgan_animev3_x2",
         "rocket-pan2__ae_pixelshuffle", "hubble_deep_field-pan0__reencode", "bigbuckbunny-seg0__cgi",
         "carphone-seg0__real", "motorcycle-x01__real_extra", "bikes-x03__real_extra", "chelsea-pan1__vae_kl8",
         "coffee-pan0__esrgan_animev3_x4", "astronaut-pan0__esrgan_x4plus", "immunohistochemistry-pan0__esrgan_x4plus_anime",
         "rocket-x15__real_extra", "chelsea-pan0__taef2"]
TOLERANCE = 1e-4


def main():
    net, doc = cnn.load_json_model(os.path.join(HERE, "model.json"))
    cal = json.load(open(os.path.join(HERE, "calibration.json")))
    TR.ABSTENTION.clear()
    TR.ABSTENTION.update(cal["abstention"])
    rows = {}
    for s in ("lr2", "taef2"):
        p = os.path.join(HERE, "data", f"tiles-{s}.pkl")
        if os.path.exists(p):
            rows.update(pickle.load(open(p, "rb")))
    out, bad = [], 0
    for n in NAMES:
        if n not in rows:
            print(f"{n:48s} (not in data)")
            continue
        r = rows[n]
        py, reason = TR.clip_statistic(net, r)
        raw, w, h = cnn.decode_yuv(os.path.join(ROOT, "Classifiers", "assay-npr-lr-2", "data", "mp4", n + ".mp4"))
        res = json.loads(subprocess.run([BIN, "classify", "--model", HERE, "--width", str(w), "--height", str(h),
                                         "--fps", "25", "-"], input=raw, capture_output=True, check=True).stdout)
        sw = res.get("statistic")
        ok = (py is None) == (sw is None) and (py is None or abs(py - sw) <= TOLERANCE)
        bad += not ok
        out.append(dict(clip=n, python=py, swift=sw, python_abstention=reason, swift_decision=res["evidence"]["decision"],
                        abs_difference=None if py is None or sw is None else abs(py - sw), ok=ok))
        print(f"{n:48s} python {py if py is None else round(py, 7)!s:>12} swift {sw if sw is None else round(sw, 7)!s:>12} "
              f"{res['evidence']['decision']} {'ok' if ok else 'MISMATCH'}")
    diffs = [o["abs_difference"] for o in out if o["abs_difference"] is not None]
    summary = dict(clips=len(out), scored_by_both=len(diffs), max_abs_difference=max(diffs) if diffs else None,
                   tolerance=TOLERANCE, mismatches=bad, clips_detail=out)
    with open(os.path.join(HERE, "parity.json"), "w") as fh:
        json.dump(summary, fh, indent=1)
        fh.write("\n")
    # Fixture tiles for the unit test: 6 tiles of 3 clips (scikit-image photographs and a tiny autoencoder).
    tiles = []
    for n in ["astronaut-pan0__real", "coffee-pan1__ae_tconv", "chelsea-pan0__esrgan_animev3_x2"]:
        if n in rows and len(rows[n]["segs"]) and len(rows[n]["segs"][0]) >= 2:
            tiles += [(n, rows[n]["segs"][0][0]), (n, rows[n]["segs"][0][-1])]
    logits = cnn.tile_logits(net, np.stack([t for _, t in tiles])) if tiles else []
    fixture = dict(model=doc["modelID"], tolerance=TOLERANCE,
                   tiles=[dict(clip=n, luma=base64.b64encode(t.tobytes()).decode(), logit=float(l))
                          for (n, t), l in zip(tiles, logits)])
    with open(os.path.join(HERE, "parity-tiles.json"), "w") as fh:
        json.dump(fixture, fh, indent=1)
        fh.write("\n")
    print(f"max |python - swift| = {summary['max_abs_difference']} over {len(diffs)} scored clips; mismatches {bad}")
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
