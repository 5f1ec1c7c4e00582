#!/usr/bin/env python3
"""Runs one session-3 feature experiment through lr-2's unchanged train.py protocol (nested hyper-parameter
choice, leave-one-generator-out by source fold, cross-fitted null, controls at alpha = 0.01, group ablation).

    run_experiment.py NAME DATA_MODEL_DIR NEW_FEATURES.jsonl [--drop GROUP ...] [--no-new] [--only-new GROUP]

Writes OUT = scratch/s3-experiments/NAME/ (git-ignored): a copy of lr-2's train.py and make_data.py whose
FEATURE_NAMES is read from data/feature_names.json, data/features.jsonl = DATA_MODEL_DIR's rows with the
new per-segment values appended (and the dropped groups removed), then runs train.py there. Only base
clips and their robustness copies that have new features are kept. A new value that is NaN (too few
strong edges in a segment) is replaced by that feature's median over all segments (label-free).
"""
import argparse, json, os, shutil, subprocess, sys
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
LR2 = os.path.join(ROOT, "Classifiers", "assay-npr-lr-2")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("name")
    ap.add_argument("data_model_dir")
    ap.add_argument("new_features", nargs="+")
    ap.add_argument("--drop", action="append", default=[])
    ap.add_argument("--no-new", action="store_true")
    ap.add_argument("--keep-new", action="append", default=[], help="keep only these new features")
    ap.add_argument("--head", choices=["lr", "gbm"], default="lr",
                    help="gbm: exploratory bounded non-linear head (one fixed setting, no ablation)")
    ap.add_argument("--random-new", action="store_true",
                    help="control: replace the kept new values by N(0, 1) noise (seeded), same shape")
    a = ap.parse_args()
    out = os.path.join(ROOT, "scratch", "s3-experiments", a.name)
    os.makedirs(os.path.join(out, "data"), exist_ok=True)
    sys.path.insert(0, LR2)
    import train as T   # lr-2's FEATURE_NAMES (assay-fs-2)
    base_names = list(T.FEATURE_NAMES)
    new = {}
    for p in ([] if a.no_new else a.new_features):
        for line in open(p):
            r = json.loads(line)
            new[r["name"]] = r
    new_names = next(iter(new.values()))["names"] if new else []
    keep_new = [i for i, n in enumerate(new_names) if (not a.keep_new or n in a.keep_new)] if not a.no_new else []
    keep_base = [i for i, n in enumerate(base_names) if n.split(".")[0] not in a.drop]
    names = [base_names[i] for i in keep_base] + [new_names[i] for i in keep_new]
    allnew = np.array([s for r in new.values() for s in r["segments"]], dtype=float)
    med = np.nanmedian(allnew, axis=0) if new else None
    rows, missing, mismatch, nans = [], 0, 0, 0
    rng = np.random.default_rng(20261125)
    for line in open(os.path.join(data_dir(a.data_model_dir), "features.jsonl")):
        r = json.loads(line)
        if new and r["name"] not in new:
            missing += 1
            continue
        nsegs = new[r["name"]]["segments"] if new else [[]] * len(r["segments"])
        if len(nsegs) != len(r["segments"]):
            mismatch += 1
            continue
        for s, v in zip(r["segments"], nsegs):
            if s.get("values") is None:
                continue
            v = np.array(v, dtype=float)
            nans += int(np.isnan(v[keep_new]).sum()) if keep_new else 0
            v = np.where(np.isnan(v), med, v) if new else v
            if a.random_new:
                v = rng.standard_normal(len(v))
            s["values"] = [s["values"][i] for i in keep_base] + [float(v[i]) for i in keep_new]
        rows.append(json.dumps(r))
    with open(os.path.join(out, "data", "features.jsonl"), "w") as fh:
        fh.write("\n".join(rows) + "\n")
    json.dump(names, open(os.path.join(out, "data", "feature_names.json"), "w"))
    for f in ("make_data.py",):
        shutil.copy(os.path.join(LR2, f), os.path.join(out, f))
    src = open(os.path.join(LR2, "train.py")).read()
    src = src.replace('MODEL_ID = "assay-npr-lr-2"', f'MODEL_ID = "experiment-{a.name}"')
    src = src.replace('\nif __name__ == "__main__":',
                      '\nFEATURE_NAMES = json.load(open(os.path.join(HERE, "data", "feature_names.json")))\n'
                      '\nif __name__ == "__main__":')
    if a.head == "gbm":
        src = src.replace('\nif __name__ == "__main__":', GBM_HEAD + '\nif __name__ == "__main__":')
    open(os.path.join(out, "train.py"), "w").write(src)
    print(f"{a.name}: {len(rows)} clips ({missing} without new features, {mismatch} segment-count mismatches, "
          f"{nans} NaN values imputed), {len(names)} features", file=sys.stderr)
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
    if a.head == "gbm":
        env["ASSAY_QUICK"] = "1"   # no ablation, no speed; GRID is replaced by GBM_HEAD
        env["OMP_NUM_THREADS"] = "1"
    subprocess.run([sys.executable, os.path.join(out, "train.py")], check=True, env=env)


# Exploratory head (session 3): gradient-boosted trees, whose scores are bounded (no linear extrapolation on
# a source outside the training range). One fixed setting; "C" is unused; weighting as in lr-2.
GBM_HEAD = '''
from sklearn.ensemble import HistGradientBoostingClassifier
import types


class Model:
    def __init__(self, X, y, penalty, C, weights):
        self.mean = X.mean(0)
        self.scale = X.std(0) + 1e-6
        self.clf = HistGradientBoostingClassifier(max_iter=150, learning_rate=0.1, max_leaf_nodes=15,
                                                  l2_regularization=1.0, early_stopping=False,
                                                  random_state=0).fit(self.z(X), y, sample_weight=weights)
        self.lr = types.SimpleNamespace(coef_=np.zeros((1, X.shape[1])), intercept_=np.zeros(1))

    def z(self, X):
        return (np.asarray(X) - self.mean) / self.scale

    def logits(self, X):
        return self.clf.decision_function(self.z(X))


GRID = [("gbm", 0.0, "generator")]
_choose_hyper_lr = choose_hyper


def choose_hyper(train_rows, cols=None):   # one fixed setting: nothing to choose
    return GRID[0], {hyper_name(GRID[0]): None}
'''


def data_dir(model_dir):
    return os.path.join(model_dir, "data")


if __name__ == "__main__":
    main()
