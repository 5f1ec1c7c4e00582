#!/usr/bin/env python3
"""Trains, calibrates and evaluates assay-npr-fused-1 by RULE.md's protocol (committed before any fused score).

Every fit (the final model, 3 cross-fit folds, 10 generators x 3 folds left out) trains both components on the
same training set with their own code, imported unchanged:
  - lr-2 (Classifiers/assay-npr-lr-2/train.py): nested choose_hyper, then fit; its out-of-distribution bound from
    the fit on all base clips, as lr-2's train.py sets it;
  - cnn-1 (Classifiers/assay-npr-cnn-1/train.py): nested choose_steps, then train, with cnn-1's seeds.
Each component is standardised by the median and IQR/1.349 of its clip statistics on the training set's
real-labelled base clips; a segment's fused score is the sum of the two standardised segment scores, scored only
where both components score it; the clip statistic is the mean over scored segments (>= 50 % scored).

The same fits also give each component's statistic alone, so eval.json carries the cnn-1 baseline from the same
networks (the lr-2 baseline is its own train.py re-run, `lr2_rerun.sh` of cnn-1).

Needs lr-2's data/features.jsonl and cnn-1's data/tiles-lr2.pkl. Writes model.json, logistic.json, cnn.json,
calibration.json, eval.json beside this script (data/fits.pkl keeps every fit's statistics).
  .venv/bin/python Classifiers/assay-npr-fused-1/train.py            (ASSAY_WORKERS, default 2)
  .venv/bin/python Classifiers/assay-npr-fused-1/train.py evaluate   (again from data/fits.pkl)
"""
import importlib.util, json, multiprocessing as mp, os, pickle, sys, time
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
CNN_DIR = os.path.join(ROOT, "Classifiers", "assay-npr-cnn-1")
LR2_DIR = os.path.join(ROOT, "Classifiers", "assay-npr-lr-2")
sys.path.insert(0, CNN_DIR)
sys.path.insert(0, LR2_DIR)


def _load(name, path):
    spec = importlib.util.spec_from_file_location(name, path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


C = _load("cnn1_train", os.path.join(CNN_DIR, "train.py"))    # imports lr-2's train.py as C.T
T = C.T
import cnn  # noqa: E402  (cnn-1's network module)

MODEL_ID = "assay-npr-fused-1"
INPUT_VERSION = f"{T.FEATURE_SET}+{cnn.INPUT_VERSION}"
ALPHA = 0.01
WORKERS = int(os.environ.get("ASSAY_WORKERS", "2"))
KINDS = ("fused", "lr", "cnn")
LR_ROWS = {}       # name -> lr-2 feature row
OOD = {}           # maximumMeanSquaredZ of lr-2's fit on all base clips


def log(*a):
    print(time.strftime("%H:%M:%S"), *a, file=sys.stderr, flush=True)


def lr_segments(model, row):
    """lr-2's per-segment (logit or None, reason or None), mirroring its clip_statistic."""
    out = []
    for s in row["segments"]:
        reason = T.content_abstention(s["profile"]) if s.get("values") is not None else "unmeasurable"
        logit = None
        if reason is None:
            v = np.array(s["values"])
            z = model.z([v])[0]
            if np.mean(z ** 2) > OOD["M"] or np.abs(z).max() > T.ABSTENTION["maximumAbsoluteZ"]:
                reason = "out-of-distribution"
            else:
                logit = float(model.logits([v])[0])
        out.append((logit, reason))
    return out


def clip_of(values, reasons):
    """Clip statistic from per-segment values (None = not scored), the components' shared rule."""
    used = [v for v in values if v is not None]
    if not used or len(used) / max(len(values), 1) < T.ABSTENTION["minimumUsableSegmentFraction"]:
        rs = [r for r in reasons if r]
        return None, max(set(rs), key=rs.count) if rs else "unmeasurable"
    return float(np.mean(used)), None


def robust_scale(values):
    v = np.array([x for x in values if x is not None])
    q1, med, q3 = np.percentile(v, [25, 50, 75])
    return float(med), float(max((q3 - q1) / 1.349, 1e-6))


def statistics(lm, net, std, row):
    """{kind: (statistic or None, reason or None)} of one clip under one fit."""
    lr = lr_segments(lm, LR_ROWS[row["name"]])
    cs, creasons = C.segment_scores(net, row)
    assert len(lr) == len(cs), row["name"]
    fused, freasons = [], []
    for (l, lreason), c, creason in zip(lr, cs, creasons):
        reason = lreason or creason
        freasons.append(reason)
        fused.append(None if reason else (l - std["lr"][0]) / std["lr"][1] + (c - std["cnn"][0]) / std["cnn"][1])
    return dict(fused=clip_of(fused, freasons),
                lr=clip_of([l for l, _ in lr], [r for _, r in lr]),
                cnn=clip_of(cs, creasons))


def task(args):
    tag, idx, score_idx, keep, seed = args
    t0 = time.time()
    rows = [C.ROWS[i] for i in idx]
    lr_train = [LR_ROWS[r["name"]] for r in rows]
    hyper, _ = T.choose_hyper(lr_train)
    lm = T.fit(lr_train, hyper=hyper)
    steps, inner = C.choose_steps(idx, seed)
    state = C.train(idx, (steps,), seed)[steps]
    net = C.net_of(state)
    real = [r for r in rows if r["label"] == 0]
    std = dict(lr=robust_scale([T.clip_statistic(lm, LR_ROWS[r["name"]], OOD["M"])[0] for r in real]),
               cnn=robust_scale([C.clip_statistic(net, r)[0] for r in real]))
    stats = {C.ROWS[i]["name"]: statistics(lm, net, std, C.ROWS[i]) for i in score_idx}
    log(f"{tag}: lr {T.hyper_name(hyper)}, cnn {steps} steps, std {std} ({time.time() - t0:.0f}s)")
    return tag, dict(hyper=T.hyper_name(hyper), steps=steps, inner=inner, std=std, stats=stats,
                     lr=(dict(mean=lm.mean.tolist(), scale=lm.scale.tolist(), weights=lm.lr.coef_[0].tolist(),
                              bias=float(lm.lr.intercept_[0])) if keep else None),   # plain values: picklable
                     state=state if keep else None)


def setup():
    base, cgi, held, gens = C.load()
    assert not held, "TAEF2 clips are not part of this model's data (RULE.md)"
    for r in T.load():
        if r["robust"] is None:
            LR_ROWS[r["name"]] = r
    missing = [C.ROWS[i]["name"] for i in base + cgi if C.ROWS[i]["name"] not in LR_ROWS]
    assert not missing, missing[:5]
    base_lr = [LR_ROWS[C.ROWS[i]["name"]] for i in base]
    # The palette limits lr-2 sets from its real-labelled base segments; cnn-1's load() set its own the same way.
    prof = [s["profile"] for r in base_lr if r["label"] == 0 for s in r["segments"]]
    T.ABSTENTION["maximumChromaEntropy"] = round(float(max(p["chromaEntropy"] for p in prof) + 0.05), 3)
    T.ABSTENTION["minimumColourfulness"] = round(float(np.median([p["colourfulness"] for p in prof])), 3)
    for k in ("maximumChromaEntropy", "minimumColourfulness"):
        assert T.ABSTENTION[k] == C.ABSTENTION[k], (k, T.ABSTENTION[k], C.ABSTENTION[k])
    hyper, _ = T.choose_hyper(base_lr)
    full = T.fit(base_lr, hyper=hyper)
    Xa, _, _ = T.segment_matrix(base_lr)
    OOD["M"] = float(round(2.0 * np.percentile(np.mean(full.z(Xa) ** 2, axis=1), 99.5), 3))
    T.ABSTENTION["maximumMeanSquaredZ"] = OOD["M"]
    log(f"{len(base)} base clips, {len(cgi)} CGI; generators {gens}; OOD bound {OOD['M']}")
    return base, cgi, gens


def main():
    t0 = time.time()
    base, cgi, gens = setup()
    R = C.ROWS
    tasks = [("final", base, cgi, True, C.SEED)]
    for k in range(3):
        tasks.append((f"fold{k}", [i for i in base if R[i]["fold"] != k], [i for i in base if R[i]["fold"] == k],
                      False, C.SEED + 10 + k))
    for gi, g in enumerate(gens):
        for k in range(3):
            tasks.append((f"{g}/fold{k}", [i for i in base if R[i]["fold"] != k and R[i]["variant"] != g],
                          [i for i in base if R[i]["fold"] == k and (R[i]["label"] == 0 or R[i]["variant"] == g)],
                          False, C.SEED + 100 + 3 * gi + k))
    only = os.environ.get("ASSAY_ONLY")          # smoke test: one task tag
    if only:
        tasks = [t for t in tasks if t[0] == only]
    results = {}
    with mp.get_context("fork").Pool(WORKERS) as pool:
        for tag, res in pool.imap_unordered(task, tasks):
            results[tag] = res
    log(f"fits done ({time.time() - t0:.0f}s)")
    if only:
        return
    with open(os.path.join(HERE, "data", "fits.pkl"), "wb") as fh:
        pickle.dump(dict(results=results, ood=OOD["M"]), fh, protocol=4)
    evaluate(results, base, cgi, gens, t0)


def evaluate_kind(kind, results, base, cgi, gens):
    R = C.ROWS
    oof = {}
    for k in range(3):
        oof.update({n: v[kind] for n, v in results[f"fold{k}"]["stats"].items()})
    for i in cgi:
        oof[R[i]["name"]] = results["final"]["stats"][R[i]["name"]][kind]
    null_rows = [R[i] for i in base if R[i]["label"] == 0 and oof[R[i]["name"]][0] is not None]
    null = np.array([oof[r["name"]][0] for r in null_rows])

    def loso_p(r):
        return T.pvalue(oof[r["name"]][0], [oof[n["name"]][0] for n in null_rows if n["source"] != r["source"]])

    per_variant = {}
    for v in ["real", "real_extra"] + T.CONTROLS + T.GENERATORS + ["cgi"]:
        sel = [R[i] for i in base + cgi if R[i]["variant"] == v]
        if not sel:
            continue
        abst, flagged, reasons = T.decisions(sel, oof, null, loso_p, v == "cgi", ALPHA)
        per_variant[v] = dict(clips=len(sel), abstained=len(abst), flagged=len(flagged),
                              flagged_names=sorted(r["name"] for r in flagged) if v not in T.GENERATORS else None,
                              flagged_rate_of_all=round(len(flagged) / len(sel), 4), abstention_reasons=reasons)
    logo_res = {}
    for gi, g in enumerate(gens):
        neg, pos = [], []
        for k in range(3):
            for name, v in results[f"{g}/fold{k}"]["stats"].items():
                s = v[kind][0]
                if s is not None:
                    r = C.NAMES[name]
                    (pos if r["label"] == 1 else neg).append((r["source"], s))
        logo_res[g] = T.logo_row(neg, pos, gi)
    summ = T.summary(logo_res)
    neg = [oof[R[i]["name"]][0] for i in base if R[i]["label"] == 0 and oof[R[i]["name"]][0] is not None]
    pos = [oof[R[i]["name"]][0] for i in base if R[i]["label"] == 1 and oof[R[i]["name"]][0] is not None]
    ctrl = [c for c in T.CONTROLS if c in per_variant]
    real = [c for c in ("real", "real_extra") if c in per_variant]
    ctrl_f, ctrl_n = sum(per_variant[c]["flagged"] for c in ctrl), sum(per_variant[c]["clips"] for c in ctrl)
    real_f, real_n = sum(per_variant[c]["flagged"] for c in real), sum(per_variant[c]["clips"] for c in real)
    return dict(
        leave_one_generator_out=logo_res,
        leave_one_generator_out_mean_auc=summ["mean_auc"],
        leave_one_generator_out_min_auc=summ["min_auc"],
        leave_one_generator_out_mean_tpr_at_fpr_1pct=summ["mean_tpr_at_fpr_1pct"],
        all_generators_seen_sources_held_out=dict(auc=round(T.auc(neg, pos), 4),
                                                  tpr_at_fpr_1pct=round(T.tpr_at_fpr(neg, pos, 0.01), 4),
                                                  real_clips=len(neg), generated_clips=len(pos)),
        calibration=dict(null_clips=len(null), smallest_p=round(1 / (len(null) + 1), 5)),
        at_alpha=per_variant,
        non_ai_controls_flagged=dict(flagged=ctrl_f, clips=ctrl_n, rate=round(ctrl_f / max(ctrl_n, 1), 4)),
        real_clips_flagged=dict(flagged=real_f, clips=real_n, rate=round(real_f / max(real_n, 1), 4)),
        abstention_rate_base_clips=round(sum(1 for i in base if oof[R[i]["name"]][0] is None) / len(base), 4),
    ), null


def write(name, obj):
    tmp = os.path.join(HERE, name + ".tmp")      # write, fsync, rename: never a half-written model file
    with open(tmp, "w") as fh:
        json.dump(obj, fh, indent=1)
        fh.write("\n")
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, os.path.join(HERE, name))


def evaluate(results, base, cgi, gens, t0):
    ev = dict(modelID=MODEL_ID, inputVersion=INPUT_VERSION, alpha=ALPHA)
    nulls = {}
    for kind in KINDS:
        ev[kind], nulls[kind] = evaluate_kind(kind, results, base, cgi, gens)
    ev["fits"] = {t: dict(lr=v["hyper"], cnn_steps=v["steps"], std=v["std"]) for t, v in sorted(results.items())}
    ev["seconds"] = round(time.time() - t0)
    final = results["final"]
    lm, net = final["lr"], C.net_of(final["state"])
    logistic = dict(schema=1, modelID=MODEL_ID + "/logistic", kind="logistic-regression",
                    featureSetVersion=T.FEATURE_SET, featureNames=T.FEATURE_NAMES,
                    mean=[round(float(v), 8) for v in lm["mean"]], scale=[round(float(v), 8) for v in lm["scale"]],
                    weights=[round(float(v), 8) for v in lm["weights"]], bias=round(float(lm["bias"]), 8))
    model = dict(schema=1, modelID=MODEL_ID, kind="fusion", inputVersion=INPUT_VERSION,
                 combination="sum-of-standardised-segment-scores",
                 parts=[dict(file="logistic.json", center=final["std"]["lr"][0], scale=final["std"]["lr"][1]),
                        dict(file="cnn.json", center=final["std"]["cnn"][0], scale=final["std"]["cnn"][1])])
    calibration = dict(schema=1, featureSetVersion=INPUT_VERSION, statistic="mean-segment-fused-score", alpha=ALPHA,
                       nullStatistics=sorted(round(float(v), 6) for v in nulls["fused"]),
                       nullDescription=f"{len(nulls['fused'])} real and non-AI-control clips, cross-fitted by source",
                       abstention=T.ABSTENTION)
    write("logistic.json", logistic)
    write("cnn.json", cnn.export(net, MODEL_ID + "/cnn", final["steps"]))
    write("model.json", model)
    write("calibration.json", calibration)
    write("eval.json", ev)
    keys = ["leave_one_generator_out_mean_auc", "leave_one_generator_out_min_auc",
            "leave_one_generator_out_mean_tpr_at_fpr_1pct", "non_ai_controls_flagged", "real_clips_flagged",
            "abstention_rate_base_clips", "all_generators_seen_sources_held_out"]
    print(json.dumps({kind: {k: ev[kind][k] for k in keys} for kind in KINDS}, indent=1))


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "evaluate":
        b, c, g = setup()
        with open(os.path.join(HERE, "data", "fits.pkl"), "rb") as fh:
            saved = pickle.load(fh)
        OOD["M"] = saved["ood"]
        evaluate(saved["results"], b, c, g, time.time())
    else:
        main()
