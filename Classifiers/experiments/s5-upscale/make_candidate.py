"""Writes candidate-v3/ (lr-2's model.json and its calibration plus the v3 upscale rule), the post-hoc, *not shipped*
variant of RESULTS.md: v2's limits (from calibrate.py, training data only) without the plain x3 and x4 branches.
"""
import json, os, shutil

HERE = os.path.dirname(os.path.abspath(__file__))
LR2 = os.path.join(HERE, "..", "..", "assay-npr-lr-2")
lim = json.load(open(os.path.join(HERE, "results", "train-v2.json")))["limits"]
v3 = {k: lim[k] for k in ("minimumExplained2", "maximumExplained4ForFactor2", "minimumExplained4Smooth",
                          "maximumExplained2ForFactor4")}
out = os.path.join(HERE, "candidate-v3")
os.makedirs(out, exist_ok=True)
shutil.copy(os.path.join(LR2, "model.json"), out)
cal = json.load(open(os.path.join(LR2, "calibration.json")))
cal["abstention"]["upscale"] = v3
with open(os.path.join(out, "calibration.json"), "w") as fh:
    json.dump(cal, fh, indent=1)
    fh.write("\n")
print(json.dumps(v3))
