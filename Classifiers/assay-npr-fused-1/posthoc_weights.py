#!/usr/bin/env python3
"""Post hoc, information only (written after RESULTS.md's numbers were seen; decides nothing): would any fixed weight
w between the two standardised parts, w * z_lr + (1 - w) * z_cnn, have passed rule part 1? Uses the clip statistics
of every fit in data/fits.pkl (clip-level parts, so within ~1e-3 of the segment-level sum at w = 0.5), on the clips
the fused model scores; w is picked here on the evaluation itself, so the best row is an optimistic upper bound.
  .venv/bin/python Classifiers/assay-npr-fused-1/posthoc_weights.py"""
import importlib.util, os, pickle
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location("fused_train", os.path.join(HERE, "train.py"))
F = importlib.util.module_from_spec(spec)
spec.loader.exec_module(F)
C, T = F.C, F.T


def combined(v, std, w):
    if v["fused"][0] is None:
        return None
    return w * (v["lr"][0] - std["lr"][0]) / std["lr"][1] + (1 - w) * (v["cnn"][0] - std["cnn"][0]) / std["cnn"][1]


def main():
    base, _, gens = F.setup()
    res = pickle.load(open(os.path.join(HERE, "data", "fits.pkl"), "rb"))["results"]
    R = C.ROWS
    print(f"{'w':>5} {'LOGO mean AUC':>14} {'mean TPR@1%':>12} {'controls':>9} {'real':>5}")
    for w in (0.0, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 1.0):
        aucs, tprs = [], []
        for g in gens:
            neg, pos = [], []
            for k in range(3):
                f = res[f"{g}/fold{k}"]
                for name, v in f["stats"].items():
                    s = combined(v, f["std"], w)
                    if s is not None:
                        (pos if C.NAMES[name]["label"] == 1 else neg).append(s)
            aucs.append(T.auc(neg, pos))
            tprs.append(T.tpr_at_fpr(neg, pos, 0.01))
        oof = {}
        for k in range(3):
            f = res[f"fold{k}"]
            oof.update({n: combined(v, f["std"], w) for n, v in f["stats"].items()})
        null = [R[i] for i in base if R[i]["label"] == 0 and oof[R[i]["name"]] is not None]

        def flagged(r):
            s = oof[r["name"]]
            return s is not None and T.pvalue(s, [oof[n["name"]] for n in null if n["source"] != r["source"]]) <= 0.01

        ctrl = sum(flagged(R[i]) for i in base if R[i]["variant"] in T.CONTROLS)
        real = sum(flagged(R[i]) for i in base if R[i]["variant"] in ("real", "real_extra"))
        print(f"{w:>5.1f} {np.mean(aucs):>14.4f} {np.mean(tprs):>12.4f} {ctrl:>6}/150 {real:>3}/445")


if __name__ == "__main__":
    main()
