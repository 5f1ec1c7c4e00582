#!/usr/bin/env python3
"""assay-npr-lr-4 = assay-npr-lr-2's exact recipe (its train.py, imported and run unchanged) with the
session-4 camera-made sources from PyPI wheels added to the real / control / generated pools.

Pre-registered in RULE.md (committed before this script was run). Data:
- lr-2's data/features.jsonl (every clip it was trained and evaluated on, unchanged), and
- Classifiers/experiments/s4-real-sources/data/scores.jsonl (the same assay-features rows, made with
  lr-2's make_data.py functions), WITHOUT the held-out test sources named in RULE.md (HELD_OUT), which
  no part of training, hyper-parameter choice or calibration sees.
New training sources are added to lr-2's 3 source folds round-robin in a fixed order (NEW_FOLDS).
Writes model.json, calibration.json, eval.json beside this script (lr-2's main(), with HERE/MODEL_ID set).
"""
import importlib.util, json, os, sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
LR2 = os.path.join(ROOT, "Classifiers", "assay-npr-lr-2")
S4 = os.path.join(ROOT, "Classifiers", "experiments", "s4-real-sources")
sys.path.insert(0, LR2)   # lr-2's train.py imports its make_data by name
_spec = importlib.util.spec_from_file_location("lr2_train", os.path.join(LR2, "train.py"))
T = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(T)

# RULE.md: the held-out test sources (the real video, and the first 3 photographs by sha256 of the name).
HELD_OUT = ["city", "face", "bus", "kiwi"]
# Real-ESRGAN clips of the new sources were made after lr-4's training had started; keep them out so that a
# re-run trains on exactly what lr-4 was trained on.
LATE = {"esrgan_x4plus", "esrgan_x4plus_anime", "esrgan_animev3_x3"}
NEW_FOLDS = {"quokka": 0, "wall": 1, "china": 2, "luispedro": 0, "faust": 1, "grace_hopper": 2,
             "flower": 0, "zidane": 1}


def load():
    rows = _lr2_load()
    seen = {r["name"] for r in rows}
    with open(os.path.join(S4, "data", "scores.jsonl")) as fh:
        for line in fh:
            r = json.loads(line)
            if r["source"] in HELD_OUT or r["name"] in seen:
                continue
            if r["variant"] in LATE:   # made after training had started (RULE.md, added after): not trained on
                continue
            assert r["source"] in NEW_FOLDS, r["source"]
            for s in r["segments"]:
                assert s["featureSetVersion"] == T.FEATURE_SET
            seen.add(r["name"])
            rows.append(dict(name=r["name"], clip=r["clip"], source=r["source"], fold=NEW_FOLDS[r["source"]],
                             variant=r["variant"], robust=None, label=r["label"], width=r["width"],
                             height=r["height"], segments=r["segments"]))
    return rows


_lr2_load = T.load   # reads lr-2's data/features.jsonl through T.HERE, so call it before T.HERE changes


def main():
    rows = load()
    T.load = lambda: rows
    T.HERE = HERE
    T.MODEL_ID = "assay-npr-lr-4"
    T.FOLDS = dict(T.FOLDS, **NEW_FOLDS)
    T.main()


if __name__ == "__main__":
    main()
