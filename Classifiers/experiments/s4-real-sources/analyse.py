#!/usr/bin/env python3
"""Tables for RESULTS.md from data/scores.jsonl (made by make_data.py score): the shipped assay-npr-lr-2's
decisions (Swift runtime, alpha = 0.01 as shipped) on sources it has never seen.

Counts: "flagged" = decision `artifacts`; "abstained" = decision `inconclusive` (the clip is not scored).
Rates are given over all clips (an abstention is not a detection) with 95 % Wilson intervals. Clips of one
source are correlated, so the intervals are optimistic; the per-source table shows where anything comes from.
Writes results/summary.json and prints Markdown tables.
"""
import json, math, os, sys
from collections import Counter, defaultdict
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from make_data import CONTROLS, SOURCES  # noqa: E402
from sklearn.metrics import roc_auc_score  # noqa: E402


def wilson(k, n, z=1.959964):
    if n == 0:
        return (float("nan"), float("nan"))
    p = k / n
    d = 1 + z * z / n
    c = (p + z * z / (2 * n)) / d
    h = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / d
    return (max(0.0, c - h), min(1.0, c + h))


def fmt(k, n):
    lo, hi = wilson(k, n)
    return f"{k} / {n} = {100 * k / n:.1f} % [{100 * lo:.1f}, {100 * hi:.1f}]" if n else "0 / 0"


def main():
    rows = [json.loads(line) for line in open(os.path.join(HERE, "data", "scores.jsonl"))]
    for r in rows:
        ev = r["classify"]["evidence"]
        r["decision"], r["p"], r["stat"] = ev["decision"], ev.get("pValue"), r["classify"].get("statistic")
        r["group"] = ("real" if r["variant"] in ("real", "real_extra") else
                      "control" if r["variant"] in CONTROLS else "generated")
    summary = {}
    out = []

    def table(title, keyf, keys):
        out.append(f"\n### {title}\n\n| {title.split(' by ')[-1]} | clips | abstained | flagged (all clips) [95 % Wilson] | flagged / scored |\n|---|---|---|---|---|")
        for k in keys:
            sel = [r for r in rows if keyf(r) == k]
            if not sel:
                continue
            n = len(sel)
            ab = sum(r["decision"] == "inconclusive" for r in sel)
            fl = sum(r["decision"] == "artifacts" for r in sel)
            out.append(f"| {k} | {n} | {ab} | {fmt(fl, n)} | {fl} / {n - ab} |")
            summary.setdefault(title, {})[k] = dict(clips=n, abstained=ab, flagged=fl, wilson95=wilson(fl, n))

    table("Real-labelled by kind", lambda r: r["group"] if r["group"] != "real" else r["variant"],
          ["real", "real_extra", "control"])
    table("Real clips (base + extra) pooled by group", lambda r: r["group"], ["real"])
    table("Non-AI controls by kind", lambda r: r["variant"] if r["group"] == "control" else None, CONTROLS)
    gens = sorted({r["variant"] for r in rows if r["group"] == "generated"})
    table("Generated-like (TPR at alpha 0.01) by generator", lambda r: r["variant"] if r["group"] == "generated" else None, gens)

    # Per source
    out.append("\n### Per source\n\n| source | real flagged / n (abst.) | controls flagged / n (abst.) | generated flagged / n (abst.) | median p, real |\n|---|---|---|---|---|")
    for s in SOURCES:
        cells = []
        for g in ("real", "control", "generated"):
            sel = [r for r in rows if r["source"] == s and r["group"] == g]
            cells.append(f"{sum(r['decision'] == 'artifacts' for r in sel)} / {len(sel)} "
                         f"({sum(r['decision'] == 'inconclusive' for r in sel)})")
        ps = [r["p"] for r in rows if r["source"] == s and r["group"] == "real" and r["p"] is not None]
        out.append(f"| {s} | " + " | ".join(cells) + f" | {np.median(ps):.3f} |" if ps else f"| {s} | " + " | ".join(cells) + " | – |")

    # Calibration on unseen real footage: p-values of scored real clips should be ~uniform if the null holds.
    out.append("\n### Calibration on unseen real footage (scored real clips, base + extra)\n")
    ps = np.array([r["p"] for r in rows if r["group"] == "real" and r["p"] is not None])
    psc = np.array([r["p"] for r in rows if r["group"] == "control" and r["p"] is not None])
    out.append("| threshold t | real: share with p ≤ t | controls: share with p ≤ t | expected if calibrated |\n|---|---|---|---|")
    for t in (0.01, 0.05, 0.1, 0.25, 0.5):
        out.append(f"| {t} | {np.mean(ps <= t):.3f} ({int(np.sum(ps <= t))} / {len(ps)}) | "
                   f"{np.mean(psc <= t):.3f} ({int(np.sum(psc <= t))} / {len(psc)}) | {t} |")
    summary["calibration"] = {str(t): dict(real=float(np.mean(ps <= t)), controls=float(np.mean(psc <= t)))
                              for t in (0.01, 0.05, 0.1, 0.25, 0.5)}

    # AUC, generated vs all real-labelled clips of the new sources (clip statistic; abstained clips left out).
    out.append("\n### Separation on the new sources (clip statistic; abstentions left out; generators seen in training, sources never)\n\n| generator | AUC vs real + controls | AUC vs real only |\n|---|---|---|")
    neg = [r["stat"] for r in rows if r["group"] != "generated" and r["stat"] is not None]
    negr = [r["stat"] for r in rows if r["group"] == "real" and r["stat"] is not None]
    for g in gens:
        pos = [r["stat"] for r in rows if r["variant"] == g and r["stat"] is not None]
        if pos:
            a1 = roc_auc_score([0] * len(neg) + [1] * len(pos), neg + pos)
            a2 = roc_auc_score([0] * len(negr) + [1] * len(pos), negr + pos)
            out.append(f"| {g} | {a1:.3f} | {a2:.3f} |")
            summary.setdefault("auc", {})[g] = dict(vs_real_and_controls=a1, vs_real=a2)

    # Every flagged real-labelled clip, named.
    out.append("\n### Every flagged real-labelled clip\n\n| clip | p |\n|---|---|")
    for r in sorted((r for r in rows if r["group"] != "generated" and r["decision"] == "artifacts"), key=lambda r: r["p"]):
        out.append(f"| {r['name']} | {r['p']:.4f} |")
    # Abstention reasons.
    reasons = Counter()
    for r in rows:
        for a in r["classify"].get("segmentAbstentions", []):
            if a:
                reasons[a.split(":")[0][:60]] += 1
    out.append("\n### Segment abstention reasons (all clips)\n\n| reason | segments |\n|---|---|")
    for k, v in reasons.most_common():
        out.append(f"| {k} | {v} |")
    summary["segment_abstentions"] = dict(reasons)
    os.makedirs(os.path.join(HERE, "results"), exist_ok=True)
    with open(os.path.join(HERE, "results", "summary.json"), "w") as fh:
        json.dump(summary, fh, indent=1)
        fh.write("\n")
    print("\n".join(out))


if __name__ == "__main__":
    main()
