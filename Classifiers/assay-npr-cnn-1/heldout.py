#!/usr/bin/env python3
"""RULE.md part 5 and the held-out-generator information: the shipped assay-npr-cnn-1 (model.json +
calibration.json) and the shipped lr-2 on clips neither was trained on.

- Session-4 sources (12, data/tiles-s4.pkl): real and non-AI controls flagged at alpha = 0.01 by each model
  (rule part 5), generated-like detection per generator (information). lr-2: its Swift runtime's decision
  (assay-features classify, recorded by prep.py). CNN: the Swift runtime's decision when the release build
  runs this model (`swift`), and the Python mirror's (`python`); the rule uses the Swift one.
- TAEF2 (a held-out generator, data/tiles-taef2.pkl on lr-2's sources and the s4 TAEF2 clips): flagged by
  each shipped model; AUC of each model's statistic against its own calibration null.
Writes heldout.json.
"""
import json, math, os, pickle, subprocess, sys
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, HERE)
import cnn  # noqa: E402
import train as TR  # noqa: E402

BIN = os.path.join(ROOT, ".build", "release", "assay-features")
LR2 = os.path.join(ROOT, "Classifiers", "assay-npr-lr-2")


def wilson(k, n, z=1.96):
    if n == 0:
        return None
    p = k / n
    d = 1 + z * z / n
    c = (p + z * z / (2 * n)) / d
    h = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / d
    return [round(max(0.0, c - h), 4), round(min(1.0, c + h), 4)]


def python_statistic(net, r):
    return TR.clip_statistic(net, r)


def swift_statistic(r, mp4):
    raw, w, h = cnn.decode_yuv(mp4)
    out = subprocess.run([BIN, "classify", "--model", HERE, "--width", str(w), "--height", str(h), "--fps", "25", "-"],
                         input=raw, capture_output=True, check=True).stdout
    return json.loads(out)


def main():
    net, _ = cnn.load_json_model(os.path.join(HERE, "model.json"))
    cal = json.load(open(os.path.join(HERE, "calibration.json")))
    TR.ABSTENTION.clear()
    TR.ABSTENTION.update(cal["abstention"])
    null = np.array(cal["nullStatistics"])
    lr2_null = np.array(json.load(open(os.path.join(LR2, "calibration.json")))["nullStatistics"])
    alpha = cal["alpha"]
    use_swift = os.path.exists(BIN) and "--python-only" not in sys.argv
    sys.path.insert(0, os.path.join(ROOT, "Classifiers", "experiments", "s4-real-sources"))
    s4dir = os.path.join(ROOT, "Classifiers", "experiments", "s4-real-sources", "data", "mp4")
    lr2dir = os.path.join(LR2, "data", "mp4")
    out = {}
    for set_name, mp4dir in (("s4", s4dir), ("taef2", lr2dir)):
        path = os.path.join(HERE, "data", f"tiles-{set_name}.pkl")
        if not os.path.exists(path):
            continue
        rows = pickle.load(open(path, "rb"))
        table = {}
        for name, r in sorted(rows.items()):
            py, reason = python_statistic(net, r)
            row = dict(variant=r["variant"], source=r["source"], label=r["label"], python=py, reason=reason,
                       python_flagged=bool(py is not None and TR.T.pvalue(py, null) <= alpha),
                       lr2_flagged=bool(r["lr2"]["evidence"]["decision"] == "artifacts"),
                       lr2_statistic=r["lr2"].get("statistic"))
            if use_swift:
                sw = swift_statistic(r, os.path.join(mp4dir, name + ".mp4"))
                row.update(swift=sw.get("statistic"), swift_decision=sw["evidence"]["decision"],
                           swift_flagged=sw["evidence"]["decision"] == "artifacts")
            table[name] = row
        key = "swift_flagged" if use_swift else "python_flagged"

        def count(sel, k):
            n = len(sel)
            f = sum(1 for v in sel if v[k])
            return dict(flagged=f, clips=n, rate=round(f / n, 4) if n else None, wilson95=wilson(f, n))

        groups = {"real": lambda v: v["variant"] in ("real", "real_extra"),
                  "controls": lambda v: v["label"] == 0 and v["variant"] not in ("real", "real_extra")}
        for g in sorted({v["variant"] for v in table.values() if v["label"] == 1}):
            groups[g] = lambda v, g=g: v["variant"] == g
        res = {}
        for g, f in groups.items():
            sel = [v for v in table.values() if f(v)]
            res[g] = dict(cnn=count(sel, key), lr2=count(sel, "lr2_flagged"),
                          cnn_python=count(sel, "python_flagged"),
                          cnn_abstained=sum(1 for v in sel if v["python"] is None))
        if use_swift:
            diffs = [abs(v["python"] - v["swift"]) for v in table.values()
                     if v["python"] is not None and v.get("swift") is not None]
            mismatch = sum(1 for v in table.values() if (v["python"] is None) != (v.get("swift") is None))
            res["parity"] = dict(clips=len(diffs), max_abs_difference=max(diffs) if diffs else None,
                                 scored_abstained_mismatches=mismatch)
        held = [v for v in table.values() if v["variant"] == "taef2"]
        if held:
            cp = [v["python"] for v in held if v["python"] is not None]
            lp = [v["lr2_statistic"] for v in held if v["lr2_statistic"] is not None]
            res["taef2_auc_vs_own_null"] = dict(cnn=round(TR.T.auc(null, cp), 4) if cp else None,
                                                lr2=round(TR.T.auc(lr2_null, lp), 4) if lp else None,
                                                cnn_scored=len(cp), lr2_scored=len(lp))
        out[set_name] = dict(summary=res, clips=table)
        print(set_name, json.dumps(res, indent=1))
    with open(os.path.join(HERE, "heldout.json"), "w") as fh:
        json.dump(out, fh, indent=1)
        fh.write("\n")


if __name__ == "__main__":
    main()
