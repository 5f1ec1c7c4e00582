#!/usr/bin/env python3
"""Trains, calibrates and evaluates assay-npr-gbt-1: lr-2's data, features, protocol and calibration
(Classifiers/assay-npr-lr-2/train.py, imported unchanged) with the logistic head replaced by a small
gradient-boosted tree ensemble. The plan and ship rule were committed first (RULE.md).

Writes model.json, calibration.json, eval.json and parity.json beside this script. Deterministic.
Parallel over the 34 nested choices with ASSAY_JOBS processes (default 2).
"""
import json, os, sys, time
from multiprocessing import Pool
import numpy as np
from sklearn.ensemble import GradientBoostingClassifier
from sklearn.metrics import roc_auc_score

HERE = os.path.dirname(os.path.abspath(__file__))
LR2 = os.path.join(HERE, "..", "assay-npr-lr-2")
sys.path.insert(0, LR2)
import importlib.util  # noqa: E402
_spec = importlib.util.spec_from_file_location("lr2_train", os.path.join(LR2, "train.py"))
T = importlib.util.module_from_spec(_spec)   # lr-2's protocol: data, folds, abstention, p-values
_spec.loader.exec_module(T)
from make_data import CONTROLS, GENERATORS, ROBUST, FOLDS  # noqa: E402

MODEL_ID = "assay-npr-gbt-1"
FEATURE_SET = T.FEATURE_SET
ALPHA = T.ALPHA
DEPTHS = (3,)             # RULE.md amendment 2 (timing, before any evaluation)
STAGES = (25, 50, 100)
WEIGHTINGS = ("generator",)   # RULE.md amendment 1 (timing, before any evaluation)
GRID = [(d, n, w) for d in DEPTHS for n in STAGES for w in WEIGHTINGS]
LEARNING_RATE = 0.1
MIN_LEAF = 20
JOBS = int(os.environ.get("ASSAY_JOBS", "2"))


def hyper_name(h):
    return f"gbt-d{h[0]}-n{h[1]}-{h[2]}"


class Model:
    """Same interface as lr-2's Model: z() for the OOD rule, logits() for the segment score."""

    def __init__(self, X, y, depth, n, weights):
        self.mean = X.mean(0)
        self.scale = X.std(0) + 1e-6
        self.gbc = GradientBoostingClassifier(n_estimators=n, max_depth=depth, learning_rate=LEARNING_RATE,
                                              subsample=1.0, min_samples_leaf=MIN_LEAF, random_state=0)
        self.gbc.fit(X, y, sample_weight=weights)

    def z(self, X):
        return (np.asarray(X) - self.mean) / self.scale

    def logits(self, X):
        return self.gbc.decision_function(np.asarray(X, dtype=np.float64))


def choose_hyper(train_rows, cols=None):
    """lr-2's nested choice (LOGO over training generators × 2-way source split, mean segment AUC),
    with the grid above; the tree counts are stages of one fit per (depth, weighting)."""
    gens = sorted({r["variant"] for r in train_rows if r["label"] == 1})
    sources = sorted({r["source"] for r in train_rows})
    half = {s: i % 2 for i, s in enumerate(sources)}
    aucs = {h: [] for h in GRID}
    for side in (0, 1):
        for g in gens:
            tr = [r for r in train_rows if half[r["source"]] != side and r["variant"] != g]
            te = [r for r in train_rows if half[r["source"]] == side and (r["label"] == 0 or r["variant"] == g)]
            Xtr, ytr, otr = T.segment_matrix(tr, cols)
            Xte, yte, _ = T.segment_matrix(te, cols)
            if len(set(ytr)) < 2 or len(set(yte)) < 2:
                continue
            for w in WEIGHTINGS:
                for d in DEPTHS:
                    m = Model(Xtr, ytr, d, max(STAGES), T.sample_weights(tr, ytr, otr, w))
                    for i, raw in enumerate(m.gbc.staged_decision_function(Xte)):
                        if i + 1 in STAGES:
                            aucs[(d, i + 1, w)].append(roc_auc_score(yte, raw.ravel()))
    best, best_score, scores = None, -1, {}
    for h in GRID:
        score = float(np.mean(aucs[h])) if aucs[h] else 0
        scores[hyper_name(h)] = round(score, 4)
        if score > best_score + 1e-9:
            best, best_score = h, score
    return best, scores


def fit(train_rows, cols=None, hyper=None):
    if hyper is None:
        hyper, _ = choose_hyper(train_rows, cols)
    X, y, owner = T.segment_matrix(train_rows, cols)
    return Model(X, y, hyper[0], hyper[1], T.sample_weights(train_rows, y, owner, hyper[2]))


# lr-2's bookkeeping functions look these names up in their own module.
T.Model, T.choose_hyper, T.fit, T.hyper_name, T.GRID = Model, choose_hyper, fit, hyper_name, GRID

BASE = None


def _choose(task):
    kind, g, k = task
    if kind == "final":
        train = BASE
    elif kind == "crossfit":
        train = [r for r in BASE if r["fold"] != k]
    else:
        train = [r for r in BASE if r["fold"] != k and r["variant"] != g]
    t = time.time()
    h, scores = choose_hyper(train)
    print(f"  {kind} {g} fold{k}: {hyper_name(h)} ({time.time() - t:.0f}s)", file=sys.stderr, flush=True)
    return task, h, scores


def export_trees(model, names):
    """The ensemble as plain arrays: score = bias + Σ_t value_t[leaf(x)], leaf found by going left while
    Float32(x[feature]) <= threshold (scikit-learn compares single-precision features)."""
    gbc = model.gbc
    bias = float(gbc._raw_predict_init(np.zeros((1, len(names))))[0, 0])
    trees = []
    for est in gbc.estimators_[:, 0]:
        t = est.tree_
        leaf = t.children_left < 0
        trees.append(dict(
            feature=[int(f) if not l else -1 for f, l in zip(t.feature, leaf)],
            threshold=[float(v) if not l else 0.0 for v, l in zip(t.threshold, leaf)],
            left=[int(v) for v in t.children_left], right=[int(v) for v in t.children_right],
            value=[float(v) * LEARNING_RATE if l else 0.0 for v, l in zip(t.value[:, 0, 0], leaf)]))
    return bias, trees


def score_exported(bias, trees, x):
    """Reference evaluator of the exported arrays (what the Swift runtime implements)."""
    x32 = np.asarray(x, dtype=np.float32).astype(np.float64)
    s = bias
    for t in trees:
        n = 0
        while t["left"][n] >= 0:
            n = t["left"][n] if x32[t["feature"][n]] <= t["threshold"][n] else t["right"][n]
        s += t["value"][n]
    return s


def main():
    global BASE
    t0 = time.time()
    rows = T.load()
    base = [r for r in rows if r["robust"] is None and r["variant"] != "cgi"]
    BASE = base
    present = sorted({r["variant"] for r in base if r["label"] == 1})
    names = T.FEATURE_NAMES
    A = T.ABSTENTION
    print(f"{len(rows)} clips, {len(base)} base clips, generators {present}", file=sys.stderr)

    real_profiles = [s["profile"] for r in base if r["label"] == 0 for s in r["segments"]]
    ent = np.array([p["chromaEntropy"] for p in real_profiles])
    col = np.array([p["colourfulness"] for p in real_profiles])
    A["maximumChromaEntropy"] = round(float(ent.max() + 0.05), 3)
    A["minimumColourfulness"] = round(float(np.median(col)), 3)

    # All 34 nested choices (final, 3 cross-fit folds, 30 LOGO fits), in parallel.
    tasks = [("final", None, None)] + [("crossfit", None, k) for k in range(3)] + \
            [("logo", g, k) for g in present for k in range(3)]
    with Pool(JOBS) as pool:
        chosen = {task: (h, s) for task, h, s in pool.imap_unordered(_choose, tasks)}
    print(f"nested choices done ({time.time() - t0:.0f}s)", file=sys.stderr)

    final_hyper, final_scores = chosen[("final", None, None)]
    full = fit(base, hyper=final_hyper)
    Xa, ya, _ = T.segment_matrix(base)
    msz = np.mean(full.z(Xa) ** 2, axis=1)
    A["maximumMeanSquaredZ"] = float(round(2.0 * np.percentile(msz, 99.5), 3))
    M = A["maximumMeanSquaredZ"]

    oof, fold_hyper = {}, {}
    for k in range(3):
        h = chosen[("crossfit", None, k)][0]
        fold_hyper[k] = hyper_name(h)
        m = fit([r for r in base if r["fold"] != k], hyper=h)
        for r in rows:
            if r["fold"] == k:
                oof[r["name"]] = T.clip_statistic(m, r, M)
    for r in rows:
        if r["variant"] == "cgi":
            oof[r["name"]] = T.clip_statistic(full, r, M)

    null_rows = [r for r in base if r["label"] == 0 and oof[r["name"]][0] is not None]
    null = np.array([oof[r["name"]][0] for r in null_rows])

    def loso_p(r):
        same = [oof[n["name"]][0] for n in null_rows if n["source"] != r["source"]]
        return T.pvalue(oof[r["name"]][0], same)

    per_variant, flagged_names = {}, []
    for v in ["real", "real_extra"] + CONTROLS + GENERATORS + ["cgi"]:
        for rob in [None] + ROBUST:
            sel = [r for r in rows if r["variant"] == v and r["robust"] == rob]
            if not sel:
                continue
            abst = [r for r in sel if oof[r["name"]][0] is None]
            scored = [r for r in sel if oof[r["name"]][0] is not None]
            if v == "cgi":
                flagged = [r for r in scored if T.pvalue(oof[r["name"]][0], null) <= ALPHA]
            else:
                flagged = [r for r in scored if loso_p(r) <= ALPHA]
            if rob is None and sel[0]["label"] == 0:
                flagged_names += [f["name"] for f in flagged]
            key = v + (f"+{rob}" if rob else "")
            reasons = {}
            for r in abst:
                reasons[oof[r["name"]][1]] = reasons.get(oof[r["name"]][1], 0) + 1
            per_variant[key] = dict(clips=len(sel), abstained=len(abst), flagged=len(flagged),
                                    flagged_rate_of_all=round(len(flagged) / len(sel), 4),
                                    abstention_reasons=reasons)

    # LOGO with the nested choices made above (lr-2's `logo` bookkeeping, hyper looked up per fit).
    logo_res, logo_hyper = {}, {}
    for gi, g in enumerate(present):
        neg, pos = [], []
        for k in range(3):
            h = chosen[("logo", g, k)][0]
            logo_hyper[f"{g}/fold{k}"] = hyper_name(h)
            m = fit([r for r in base if r["fold"] != k and r["variant"] != g], hyper=h)
            for r in base:
                if r["fold"] != k or (r["label"] == 1 and r["variant"] != g):
                    continue
                s, _ = T.clip_statistic(m, r, M)
                if s is not None:
                    (pos if r["label"] == 1 else neg).append((r["source"], s))
        nv, pv = [v for _, v in neg], [v for _, v in pos]
        logo_res[g] = dict(real_clips=len(nv), generated_clips=len(pv), auc=round(T.auc(nv, pv), 4),
                           tpr_at_fpr_1pct=round(T.tpr_at_fpr(nv, pv, 0.01), 4),
                           tpr_at_fpr_0_1pct=round(T.tpr_at_fpr(nv, pv, 0.001), 4),
                           auc_ci95_source_bootstrap=T.cluster_bootstrap(neg, pos, T.auc, 100 + gi),
                           tpr_at_fpr_1pct_ci95_source_bootstrap=T.cluster_bootstrap(
                               neg, pos, lambda a, b: T.tpr_at_fpr(a, b, 0.01), 200 + gi))
    summ = T.summary(logo_res)
    print(f"LOGO ({time.time() - t0:.0f}s): {summ}", file=sys.stderr)

    neg = [oof[r["name"]][0] for r in base if r["label"] == 0 and oof[r["name"]][0] is not None]
    pos = [oof[r["name"]][0] for r in base if r["label"] == 1 and oof[r["name"]][0] is not None]
    seen = dict(auc=round(T.auc(neg, pos), 4), tpr_at_fpr_1pct=round(T.tpr_at_fpr(neg, pos, 0.01), 4),
                real_clips=len(neg), generated_clips=len(pos))
    control_keys = [c for c in CONTROLS if c in per_variant]
    ctrl_flagged = sum(per_variant[c]["flagged"] for c in control_keys)
    ctrl_total = sum(per_variant[c]["clips"] for c in control_keys)
    real_flagged = sum(per_variant[c]["flagged"] for c in ["real", "real_extra"] if c in per_variant)
    real_total = sum(per_variant[c]["clips"] for c in ["real", "real_extra"] if c in per_variant)
    abst_rate = sum(1 for r in base if oof[r["name"]][0] is None) / len(base)

    bias, trees = export_trees(full, names)
    model = dict(schema=1, modelID=MODEL_ID, kind="gradient-boosted-trees", featureSetVersion=FEATURE_SET,
                 featureNames=names, mean=[round(float(v), 8) for v in full.mean],
                 scale=[round(float(v), 8) for v in full.scale], bias=bias, trees=trees,
                 treeSemantics="score = bias + sum of leaf values; at node n go to left[n] if "
                               "Float32(x[feature[n]]) <= threshold[n] else right[n]; leaf iff left[n] < 0")
    calibration = dict(schema=1, featureSetVersion=FEATURE_SET, statistic="mean-segment-logit", alpha=ALPHA,
                       nullStatistics=sorted(round(float(v), 6) for v in null),
                       nullDescription=f"{len(null)} real and non-AI-control clips, cross-fitted by source",
                       abstention=A)
    rule = dict(logo_mean_auc_min=0.821, controls_flagged_max=6, real_flagged_max=1, null_clips_min=578,
                abstention_rate_max=0.0464)
    passed = dict(logo_mean_auc=summ["mean_auc"] >= rule["logo_mean_auc_min"],
                  controls=ctrl_flagged <= rule["controls_flagged_max"],
                  real=real_flagged <= rule["real_flagged_max"],
                  calibration=len(null) >= rule["null_clips_min"]
                  and round(abst_rate, 4) <= rule["abstention_rate_max"])   # lr-2 reports its rate rounded
    ev = dict(
        modelID=MODEL_ID, featureSetVersion=FEATURE_SET, alpha=ALPHA,
        data=dict(clips=len(rows), base_clips=len(base), note="assay-npr-lr-2's data/features.jsonl, unchanged",
                  sources=sorted(FOLDS), folds=FOLDS, generators=present, controls=CONTROLS),
        hyper_parameters=dict(grid=[hyper_name(h) for h in GRID], final=hyper_name(final_hyper),
                              final_inner_scores=final_scores, cross_fit_folds=fold_hyper, logo=logo_hyper,
                              fixed=dict(learning_rate=LEARNING_RATE, min_samples_leaf=MIN_LEAF, subsample=1.0),
                              how="nested: leave-one-generator-out x 2-way source split inside each training set"),
        leave_one_generator_out=logo_res,
        leave_one_generator_out_mean_auc=summ["mean_auc"],
        leave_one_generator_out_min_auc=summ["min_auc"],
        leave_one_generator_out_mean_tpr_at_fpr_1pct=summ["mean_tpr_at_fpr_1pct"],
        all_generators_seen_sources_held_out=seen,
        calibration=dict(null_clips=len(null), smallest_p=round(1 / (len(null) + 1), 5)),
        at_alpha=per_variant,
        real_labelled_flagged_names=sorted(flagged_names),
        non_ai_controls_flagged=dict(flagged=ctrl_flagged, clips=ctrl_total,
                                     rate=round(ctrl_flagged / max(ctrl_total, 1), 4)),
        real_clips_flagged=dict(flagged=real_flagged, clips=real_total,
                                rate=round(real_flagged / max(real_total, 1), 4)),
        abstention_rate_base_clips=round(abst_rate, 4),
        ship_rule=dict(rule=rule, passed=passed, qualifies=all(passed.values()), see="RULE.md"),
        seconds=round(time.time() - t0),
    )

    # Parity rows: segment features of a few clips with Python's score (for the Swift parity test).
    parity = []
    for r in base[::40]:
        for s in r["segments"]:
            if s.get("values") is None:
                continue
            sk = float(full.logits([s["values"]])[0])
            ex = score_exported(bias, trees, s["values"])
            assert abs(sk - ex) < 1e-9, (r["name"], sk, ex)
            parity.append(dict(clip=r["name"], values=s["values"], score=sk))

    def write(name, obj):
        tmp = os.path.join(HERE, name + ".tmp")
        with open(tmp, "w") as fh:
            json.dump(obj, fh, indent=1)
            fh.write("\n")
        os.replace(tmp, os.path.join(HERE, name))

    for name, obj in [("model.json", model), ("calibration.json", calibration), ("eval.json", ev),
                      ("parity.json", dict(modelID=MODEL_ID, rows=parity))]:
        write(name, obj)
    print(json.dumps({k: ev[k] for k in ["leave_one_generator_out_mean_auc", "leave_one_generator_out_min_auc",
                                         "leave_one_generator_out_mean_tpr_at_fpr_1pct", "non_ai_controls_flagged",
                                         "real_clips_flagged", "abstention_rate_base_clips", "calibration",
                                         "all_generators_seen_sources_held_out", "ship_rule"]}, indent=1))


if __name__ == "__main__":
    main()
