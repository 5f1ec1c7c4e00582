"""Writes the two post-hoc, *not shipped* candidates of RESULTS.md: lr-2's model.json and calibration plus
- candidate-v3/: v2's limits (from calibrate.py, training data only) without the plain x3 and x4 branches;
- candidate-x2only/: the guarded x2 branch alone.
"""
import json, os, shutil

HERE = os.path.dirname(os.path.abspath(__file__))
LR2 = os.path.join(HERE, "..", "..", "assay-npr-lr-2")
lim = json.load(open(os.path.join(HERE, "results", "train-v2.json")))["limits"]
RULES = {
    "candidate-v3": ("minimumExplained2", "maximumExplained4ForFactor2", "minimumExplained4Smooth",
                     "maximumExplained2ForFactor4"),
    "candidate-x2only": ("minimumExplained2", "maximumExplained4ForFactor2"),
}
for folder, keys in RULES.items():
    out = os.path.join(HERE, folder)
    os.makedirs(out, exist_ok=True)
    shutil.copy(os.path.join(LR2, "model.json"), out)
    cal = json.load(open(os.path.join(LR2, "calibration.json")))
    cal["abstention"]["upscale"] = {k: lim[k] for k in keys}
    with open(os.path.join(out, "calibration.json"), "w") as fh:
        json.dump(cal, fh, indent=1)
        fh.write("\n")
    print(folder, json.dumps(cal["abstention"]["upscale"]))
