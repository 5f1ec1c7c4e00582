#!/usr/bin/env python3
"""s14-paired (PLAN.md): paired comparisons of lr-2's 33 features, TAEF2 (and lr-2's KL-VAE, for reference) against
the content-matched real clip and its six non-AI controls, segment 0 (frames 0-7). Writes results.json and prints
Markdown tables.
  python3 Classifiers/experiments/s14-paired/run.py     (needs lr-2's data/features.jsonl and s10-taef2's data)"""
import json, math, os, statistics, sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
LR2 = os.path.join(ROOT, "Classifiers", "assay-npr-lr-2")
TAEF2 = os.path.join(ROOT, "Classifiers", "experiments", "s10-taef2", "data", "taef2.jsonl")
COMPARISONS = ["real", "denoise", "sharpen", "reencode", "rescale_down075", "rescale_up2", "lanczos_up4"]
GENERATORS = ["taef2", "vae_kl8"]
FAMILY_ALPHA = 0.05


def segment0(row):
    for s in row.get("segments", []):
        if s.get("start") == 0 and s.get("values"):
            return s["values"]
    return None


def sign_test(wins, n):
    """Two-sided exact sign test p-value."""
    k = min(wins, n - wins)
    tail = sum(math.comb(n, i) for i in range(0, k + 1)) / 2 ** n
    return min(1.0, 2 * tail)


def main():
    names = json.load(open(os.path.join(LR2, "model.json")))["featureNames"]
    rows = {}
    for path in (os.path.join(LR2, "data", "features.jsonl"), TAEF2):
        for line in open(path):
            r = json.loads(line)
            if "__" in r["name"] and r["name"].count("__") == 1:     # base variants only, no robustness copies
                rows[r["name"]] = r
    clips = sorted({n.split("__")[0] for n in rows if n.endswith("__taef2")})
    real_values = [segment0(rows[f"{c}__real"]) for c in clips if f"{c}__real" in rows]
    real_values = [v for v in real_values if v is not None]
    spread = []
    for j in range(len(names)):
        q = statistics.quantiles([v[j] for v in real_values], n=4)
        spread.append((q[2] - q[0]) / 1.349 or 1e-12)
    tests = len(names) * len(COMPARISONS)
    out = {"tests_per_generator": tests, "family_alpha": FAMILY_ALPHA, "generators": {}}
    for g in GENERATORS:
        res = {}
        dropped = {}
        for comp in COMPARISONS:
            pairs = []
            for c in clips:
                a, b = rows.get(f"{c}__{g}"), rows.get(f"{c}__{comp}")
                va, vb = (segment0(a) if a else None), (segment0(b) if b else None)
                if va is None or vb is None:
                    dropped.setdefault(comp, []).append(c)
                    continue
                pairs.append((va, vb))
            for j, name in enumerate(names):
                diffs = [va[j] - vb[j] for va, vb in pairs]
                n = sum(1 for d in diffs if d != 0)
                wins = sum(1 for d in diffs if d > 0)
                p = sign_test(wins, n) if n else 1.0
                res.setdefault(name, {})[comp] = dict(
                    n=n, wins=wins, p=p, significant=p < FAMILY_ALPHA / tests,
                    d=statistics.median(diffs) / spread[j] if diffs else 0.0)
        traces = []
        for name in names:
            cells = res[name]
            signs = {(c["wins"] > c["n"] / 2) for c in cells.values()}
            if all(c["significant"] for c in cells.values()) and len(signs) == 1:
                traces.append(name)
        out["generators"][g] = dict(features=res, traces=traces, dropped=dropped)
        print(f"\n## {g}: pairs per comparison "
              + ", ".join(f"{c} {res[names[0]][c]['n']}" for c in COMPARISONS)
              + (f"; dropped {dropped}" if dropped else ""))
        print("\n| feature | " + " | ".join(COMPARISONS) + " |")
        print("|---|" + "---|" * len(COMPARISONS))
        for name in names:
            cells = []
            for comp in COMPARISONS:
                c = res[name][comp]
                mark = "**" if c["significant"] else ""
                cells.append(f"{mark}{c['wins']}/{c['n']}{mark} d {c['d']:+.2f}")
            print(f"| {name} | " + " | ".join(cells) + " |")
        print(f"\ntraces (significant against all seven, same direction): {traces or 'none'}")
    with open(os.path.join(HERE, "results.json.tmp"), "w") as fh:
        json.dump(out, fh, indent=1)
    os.replace(os.path.join(HERE, "results.json.tmp"), os.path.join(HERE, "results.json"))


if __name__ == "__main__":
    main()
