#!/usr/bin/env python3
"""Part 4 of RULE.md: scores every clip of the held-out sources (HELD_OUT in train.py) with the Swift runtime,
once with lr-2's committed files and once with this folder's, and writes heldout.json. Needs the release build
and Classifiers/experiments/s4-real-sources/data/mp4."""
import json, os, subprocess, sys
from collections import defaultdict
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import train as L4  # noqa: E402
binary = os.path.join(L4.ROOT, ".build", "release", "assay-features")
controls = set(L4.T.CONTROLS)
rows = [json.loads(line) for line in open(os.path.join(L4.S4, "data", "scores.jsonl"))]
rows = [r for r in rows if r["source"] in L4.HELD_OUT]
counts = {m: defaultdict(lambda: dict(clips=0, abstained=0, flagged=0)) for m in ("assay-npr-lr-2", "assay-npr-lr-4")}
flagged = {m: [] for m in counts}
for r in rows:
    mp4 = os.path.join(L4.S4, "data", "mp4", r["name"] + ".mp4")
    raw = subprocess.run(["ffmpeg", "-v", "error", "-i", mp4, "-f", "rawvideo", "-pix_fmt", "yuv420p", "-"],
                         capture_output=True, check=True).stdout
    group = "real" if r["variant"] in ("real", "real_extra") else "control" if r["variant"] in controls else r["variant"]
    for mid, folder in (("assay-npr-lr-2", L4.LR2), ("assay-npr-lr-4", HERE)):
        out = json.loads(subprocess.run([binary, "classify", "--model", folder, "--width", str(r["width"]),
                                         "--height", str(r["height"]), "-"], input=raw, capture_output=True,
                                        check=True).stdout)
        d = out["evidence"]["decision"]
        c = counts[mid][group]
        c["clips"] += 1
        c["abstained"] += d == "inconclusive"
        c["flagged"] += d == "artifacts"
        if d == "artifacts" and r["label"] == 0:
            flagged[mid].append([r["name"], out["evidence"]["pValue"]])
fp = {m: sum(counts[m][g]["flagged"] for g in ("real", "control")) for m in counts}
res = dict(held_out_sources=L4.HELD_OUT, counts={m: dict(v) for m, v in counts.items()},
           false_positives=fp, flagged_real_labelled=flagged,
           rule_part_4_holds=fp["assay-npr-lr-4"] < fp["assay-npr-lr-2"])
with open(os.path.join(HERE, "heldout.json"), "w") as fh:
    json.dump(res, fh, indent=1)
    fh.write("\n")
print(json.dumps(res, indent=1))
