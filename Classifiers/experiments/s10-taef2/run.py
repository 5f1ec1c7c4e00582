#!/usr/bin/env python3
"""s10-taef2 (PLAN.md): lr-2's features and training code, with TAEF2 round trips held out (A), seen as an 11th
generator (B), or alone against the real-labelled clips (C); 3 source folds, cross-fitted. Writes results.json.
Needs lr-2's data/ (make_data.py all) and the TAEF2 clips (Classifiers/assay-npr-cnn-1/taef2.py lr2).
  .venv/bin/python Classifiers/experiments/s10-taef2/run.py"""
import importlib.util, json, os, sys
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
LR2 = os.path.join(ROOT, "Classifiers", "assay-npr-lr-2")
BIN = os.path.join(ROOT, ".build", "release", "assay-features")
ALPHA = 0.01


def _load(name, path):
    spec = importlib.util.spec_from_file_location(name, path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


T = _load("lr2_train", os.path.join(LR2, "train.py"))
M = _load("lr2_make_data", os.path.join(LR2, "make_data.py"))


def taef2_rows():
    """Feature rows of the TAEF2 clips (cached in data/taef2.jsonl)."""
    os.makedirs(os.path.join(HERE, "data"), exist_ok=True)
    cache = os.path.join(HERE, "data", "taef2.jsonl")
    if os.path.exists(cache):
        return [json.loads(line) for line in open(cache)]
    rows = []
    for f in sorted(os.listdir(os.path.join(M.DATA, "mp4"))):
        if not f.endswith("__taef2.mp4"):
            continue
        mp4 = os.path.join(M.DATA, "mp4", f)
        cid = f[: -len("__taef2.mp4")]
        source = cid.rsplit("-", 1)[0]
        w, h = M.run(["ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries", "stream=width,height",
                      "-of", "csv=p=0", mp4]).decode().strip().split(",")
        raw = M.run(["ffmpeg", "-v", "error", "-i", mp4, "-f", "rawvideo", "-pix_fmt", "yuv420p", "-"])
        lines = M.run([BIN, "features", "--width", w, "--height", h, "--fps", str(M.FPS), "-"], raw)
        rows.append(dict(name=f[:-4], width=int(w), height=int(h), clip=cid, source=source, fold=M.FOLDS[source],
                         variant="taef2", robust=None, label=1,
                         segments=[json.loads(l) for l in lines.decode().splitlines() if l.strip()]))
    with open(cache + ".tmp", "w") as fh:
        for r in rows:
            fh.write(json.dumps(r) + "\n")
    os.replace(cache + ".tmp", cache)
    return rows


def summary(oof, base, taef2):
    """TAEF2 against the real-labelled base clips from out-of-fold statistics `oof` (name -> (statistic, reason)):
    AUC with a source-bootstrap interval, TPR at 1 % FPR, and clips flagged at ALPHA (p against the cross-fitted null
    without the clip's own source, as lr-2). Returns the summary and the null's values. cnn_run.py uses it too."""
    null = [(r["source"], oof[r["name"]][0]) for r in base if r["label"] == 0 and oof[r["name"]][0] is not None]
    pos = [(r["source"], oof[r["name"]][0]) for r in taef2 if oof[r["name"]][0] is not None]

    def flagged(rows):
        return sum(1 for r in rows if oof[r["name"]][0] is not None
                   and T.pvalue(oof[r["name"]][0], [s for src, s in null if src != r["source"]]) <= ALPHA)

    nv, pv = [s for _, s in null], [s for _, s in pos]
    ctrl = [r for r in base if r["variant"] in T.CONTROLS]
    return dict(taef2_scored=len(pv), taef2_clips=len(taef2), auc=round(T.auc(nv, pv), 4),
                auc_ci95_source_bootstrap=T.cluster_bootstrap(null, pos, T.auc, 7),
                tpr_at_fpr_1pct=round(T.tpr_at_fpr(nv, pv, 0.01), 4), taef2_flagged=flagged(taef2),
                controls_flagged=flagged(ctrl), controls=len(ctrl),
                real_flagged=flagged([r for r in base if r["variant"] in ("real", "real_extra")])), nv


def write_json(name, obj):
    """Writes obj to HERE/name through a temporary file and a rename."""
    tmp = os.path.join(HERE, name + ".tmp")
    with open(tmp, "w") as fh:
        json.dump(obj, fh, indent=1)
        fh.write("\n")
    os.replace(tmp, os.path.join(HERE, name))


def run(name, base, taef2, train_filter, hyper=None):
    """Cross-fitted statistics of every real-labelled base clip and TAEF2 clip, training on train_filter(rows)."""
    pool = train_filter(base + taef2)
    full = T.fit(pool, hyper=hyper or T.choose_hyper(pool)[0])
    Xa, _, _ = T.segment_matrix(pool)
    msz = float(2.0 * np.percentile(np.mean(full.z(Xa) ** 2, axis=1), 99.5))
    T.ABSTENTION["maximumMeanSquaredZ"] = msz
    oof, chosen = {}, {}
    for k in range(3):
        train = [r for r in pool if r["fold"] != k]
        h = hyper or T.choose_hyper(train)[0]
        chosen[k] = T.hyper_name(h)
        m = T.fit(train, hyper=h)
        for r in base + taef2:
            if r["fold"] == k:
                oof[r["name"]] = T.clip_statistic(m, r, msz)
    res, null_values = summary(oof, base, taef2)
    gens = sorted({r["variant"] for r in base if r["label"] == 1})
    other = {g: round(T.auc(null_values, [oof[r["name"]][0] for r in base if r["variant"] == g
                                          and oof[r["name"]][0] is not None]), 4) for g in gens}
    res = dict(hyper=chosen, ood_bound=round(msz, 3), **res, in_distribution_auc_other_generators=other)
    print(name, json.dumps(res), flush=True)
    return res


def main():
    rows = T.load()
    base = [r for r in rows if r["robust"] is None and r["variant"] != "cgi"]
    prof = [s["profile"] for r in base if r["label"] == 0 for s in r["segments"]]
    T.ABSTENTION["maximumChromaEntropy"] = round(float(max(p["chromaEntropy"] for p in prof) + 0.05), 3)
    T.ABSTENTION["minimumColourfulness"] = round(float(np.median([p["colourfulness"] for p in prof])), 3)
    taef2 = taef2_rows()
    out = dict(taef2_clips=len(taef2))
    out["A_held_out"] = run("A", base, taef2, lambda rs: [r for r in rs if r["variant"] != "taef2"])
    out["B_seen"] = run("B", base, taef2, lambda rs: rs)
    out["C_alone"] = run("C", base, taef2, lambda rs: [r for r in rs if r["label"] == 0 or r["variant"] == "taef2"],
                         hyper=("l1", 0.03, "generator"))
    write_json("results.json", out)


if __name__ == "__main__":
    main()
