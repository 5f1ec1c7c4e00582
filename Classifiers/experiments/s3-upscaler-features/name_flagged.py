#!/usr/bin/env python3
"""Names every real-labelled clip a model folder's train.py flags at alpha: replicates lr-2-style train.py
main() (palette limits, final setting, OOD bound, cross-fitted statistics with per-fold nested choice,
leave-one-source-out p-values) and prints clip, variant, robustness copy, statistic, p.

    name_flagged.py DIR    # DIR holds train.py and data/ (Classifiers/assay-npr-lr-2, or an experiment copy)
"""
import sys, numpy as np
sys.path.insert(0, sys.argv[1])
import train as T
rows = T.load(); base = [r for r in rows if r["robust"] is None and r["variant"] != "cgi"]
rp = [s["profile"] for r in base if r["label"] == 0 for s in r["segments"]]
T.ABSTENTION["maximumChromaEntropy"] = round(float(max(p["chromaEntropy"] for p in rp) + 0.05), 3)
T.ABSTENTION["minimumColourfulness"] = round(float(np.median([p["colourfulness"] for p in rp])), 3)
fh, _ = T.choose_hyper(base); full = T.fit(base, hyper=fh)
Xa, _, _ = T.segment_matrix(base); msz = np.mean(full.z(Xa) ** 2, axis=1)
T.ABSTENTION["maximumMeanSquaredZ"] = M = float(round(2.0 * np.percentile(msz, 99.5), 3))
oof = {}
for k in range(3):
    train = [r for r in base if r["fold"] != k]
    h, _ = T.choose_hyper(train); m = T.fit(train, hyper=h)
    for r in rows:
        if r["fold"] == k: oof[r["name"]] = T.clip_statistic(m, r, M)
null_rows = [r for r in base if r["label"] == 0 and oof[r["name"]][0] is not None]
for r in rows:
    if r["label"] == 0 and r["variant"] != "cgi" and oof[r["name"]][0] is not None:
        same = [oof[n["name"]][0] for n in null_rows if n["source"] != r["source"]]
        p = T.pvalue(oof[r["name"]][0], same)
        if p <= T.ALPHA: print(r["name"], r["variant"], r["robust"], round(oof[r["name"]][0], 4), round(p, 5))
