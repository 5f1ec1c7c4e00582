#!/usr/bin/env python3
"""Trains, calibrates and evaluates assay-npr-cnn-1 from the tile caches (prep.py), by RULE.md's protocol.

Writes model.json, calibration.json and eval.json beside this script (and data/scores.json: every clip's
statistic under every fit, for heldout.py and the model card).

Protocol (RULE.md; lr-2's train.py is imported for its statistics, p-values, bootstrap and abstention rules)
- Unit of training: a 64x64 tile; unit of scoring: a segment (mean tile logit); unit of decision: a clip
  (mean score of the scored segments, >= 50 % scored).
- Training length in {300, 600, 1200} steps is chosen inside every training set only: train on one half of
  its sources (sorted, alternate), score the other half, best mean over training generators of the segment
  AUC (generator vs real-labelled) wins, ties -> shorter; then train on the whole training set that long.
- Cross-fitting by lr-2's 3 source folds -> the null (real-labelled base clips, out of fold); p-values with
  lr-2's pvalue; flagged = p <= 0.01 against the null without the clip's own source.
- Leave-one-generator-out: for each generator G and fold k, train without G and without fold k, score fold
  k's real-labelled clips against its G clips; pooled over folds; source-bootstrap intervals.
- TAEF2 (held-out generator, information only): scored by the cross-fitted networks (out of fold, never
  trained on TAEF2).
"""
import importlib.util, json, multiprocessing as mp, os, pickle, sys, time
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
LR2 = os.path.join(ROOT, "Classifiers", "assay-npr-lr-2")
sys.path.insert(0, HERE)
sys.path.insert(0, LR2)
import cnn  # noqa: E402

_spec = importlib.util.spec_from_file_location("lr2_train", os.path.join(LR2, "train.py"))
T = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(T)

MODEL_ID = "assay-npr-cnn-1"
ALPHA = 0.01
STEPS = (300, 600, 1200)
BATCH = 128
LR = 2e-3
SEED = 20261204
WORKERS = int(os.environ.get("ASSAY_WORKERS", "2"))
ABSTENTION = dict(T.ABSTENTION)
ABSTENTION.pop("maximumMeanSquaredZ")      # no features, no feature-based out-of-distribution rule
ABSTENTION.pop("maximumAbsoluteZ")

ROWS = []          # every clip (lr-2 base + CGI + TAEF2), filled in main() before the workers fork


def log(*a):
    print(time.strftime("%H:%M:%S"), *a, file=sys.stderr, flush=True)


def segment_ok(row, s):
    """Abstention reason of segment s of a row (lr-2's content rules, this model's limits), or None."""
    reason = T.content_abstention(row["profiles"][s], ABSTENTION)
    if reason is None and len(row["segs"][s]) == 0:
        reason = "unmeasurable"
    return reason


def training_tiles(idx):
    """Tiles, labels and sampling weights (lr-2's `generator` weighting) of rows idx."""
    tiles, labels, groups = [], [], []
    for i in idx:
        r = ROWS[i]
        for s in range(len(r["segs"])):
            if segment_ok(r, s) is None:
                tiles.append(r["segs"][s])
                labels += [r["label"]] * len(r["segs"][s])
                groups += [r["variant"] if r["label"] == 1 else "real"] * len(r["segs"][s])
    X = np.concatenate(tiles)
    y = np.array(labels, np.float32)
    g = np.array(groups)
    w = np.zeros(len(y))
    gens = sorted(set(g[y == 1]))
    w[y == 0] = 0.5 / max(int((y == 0).sum()), 1)
    for v in gens:
        sel = g == v
        w[sel] = 0.5 / len(gens) / sel.sum()
    return X, y, w / w.sum()


def train(idx, steps, seed):
    """Networks (state dicts) at each of `steps`, trained on rows idx."""
    import copy, torch
    torch.set_num_threads(1)
    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    X, y, w = training_tiles(idx)
    net = cnn.build()
    opt = torch.optim.Adam(net.parameters(), lr=LR)
    lossf = torch.nn.BCEWithLogitsLoss()
    out = {}
    for step in range(1, max(steps) + 1):
        b = rng.choice(len(y), BATCH, p=w)
        xb = torch.from_numpy(cnn.npr_residual(X[b]))
        loss = lossf(net(xb)[:, 0], torch.from_numpy(y[b]))
        opt.zero_grad()
        loss.backward()
        opt.step()
        if step in steps:
            out[step] = copy.deepcopy(net.state_dict())
    return out


def net_of(state):
    net = cnn.build()
    net.load_state_dict(state)
    net.eval()
    return net


def segment_scores(net, r):
    """[score or None per segment], [reason or None]."""
    scores, reasons = [], []
    for s in range(len(r["segs"])):
        reason = segment_ok(r, s)
        reasons.append(reason)
        scores.append(None if reason else float(np.mean(cnn.tile_logits(net, r["segs"][s]))))
    return scores, reasons


def clip_statistic(net, r):
    scores, reasons = segment_scores(net, r)
    used = [v for v in scores if v is not None]
    if not used or len(used) / max(len(scores), 1) < ABSTENTION["minimumUsableSegmentFraction"]:
        rs = [x for x in reasons if x]
        return None, max(set(rs), key=rs.count) if rs else "unmeasurable"
    return float(np.mean(used)), None


def choose_steps(idx, seed):
    """The nested choice of the training length inside rows idx (RULE.md)."""
    sources = sorted({ROWS[i]["source"] for i in idx})
    half = {s: k % 2 for k, s in enumerate(sources)}
    inner = [i for i in idx if half[ROWS[i]["source"]] == 0]
    val = [i for i in idx if half[ROWS[i]["source"]] == 1]
    states = train(inner, STEPS, seed + 7)
    gens = sorted({ROWS[i]["variant"] for i in idx if ROWS[i]["label"] == 1})
    scores = {}
    for st in STEPS:
        net = net_of(states[st])
        neg, pos = [], {g: [] for g in gens}
        for i in val:
            r = ROWS[i]
            segs, _ = segment_scores(net, r)
            for v in segs:
                if v is None:
                    continue
                if r["label"] == 0:
                    neg.append(v)
                elif r["variant"] in pos:
                    pos[r["variant"]].append(v)
        aucs = [T.auc(neg, p) for p in pos.values() if len(p) >= 1 and len(neg) >= 2]
        scores[st] = round(float(np.mean(aucs)), 4) if aucs else 0.0
    best = STEPS[0]
    for st in STEPS:
        if scores[st] > scores[best] + 1e-9:
            best = st
    return best, scores


def task(args):
    """One fit: nested choice of the length, training on idx, statistics of the rows in score_idx."""
    tag, idx, score_idx, keep, seed = args
    t0 = time.time()
    steps, inner = choose_steps(idx, seed)
    state = train(idx, (steps,), seed)[steps]
    net = net_of(state)
    stats = {ROWS[i]["name"]: clip_statistic(net, ROWS[i]) for i in score_idx}
    log(f"{tag}: steps {steps} inner {inner} ({time.time() - t0:.0f}s)")
    return tag, steps, inner, stats, (state if keep else None)


def load():
    with open(os.path.join(HERE, "data", "tiles-lr2.pkl"), "rb") as fh:
        lr2 = pickle.load(fh)
    taef2_path = os.path.join(HERE, "data", "tiles-taef2.pkl")
    taef2 = pickle.load(open(taef2_path, "rb")) if os.path.exists(taef2_path) else {}
    ROWS.extend(sorted(lr2.values(), key=lambda r: r["name"]))
    ROWS.extend(sorted(taef2.values(), key=lambda r: r["name"]))
    base = [i for i, r in enumerate(ROWS) if r["variant"] not in ("cgi", "taef2")]
    cgi = [i for i, r in enumerate(ROWS) if r["variant"] == "cgi"]
    held = [i for i, r in enumerate(ROWS) if r["variant"] == "taef2"]
    gens = sorted({ROWS[i]["variant"] for i in base if ROWS[i]["label"] == 1})
    NAMES.update({r["name"]: r for r in ROWS})
    log(f"{len(ROWS)} clips: {len(base)} base, {len(cgi)} CGI, {len(held)} TAEF2; generators {gens}")

    # Palette rule limits from the real-labelled base segments, as lr-2 sets them.
    prof = [p for i in base if ROWS[i]["label"] == 0 for p in ROWS[i]["profiles"]]
    ABSTENTION["maximumChromaEntropy"] = round(float(max(p["chromaEntropy"] for p in prof) + 0.05), 3)
    ABSTENTION["minimumColourfulness"] = round(float(np.median([p["colourfulness"] for p in prof])), 3)
    return base, cgi, held, gens


def main():
    t0 = time.time()
    base, cgi, held, gens = load()
    tasks = [("final", base, cgi + held, True, SEED)]
    for k in range(3):
        tasks.append((f"fold{k}", [i for i in base if ROWS[i]["fold"] != k],
                      [i for i in base + held if ROWS[i]["fold"] == k], True, SEED + 10 + k))
    for gi, g in enumerate(gens):
        for k in range(3):
            tasks.append((f"{g}/fold{k}", [i for i in base if ROWS[i]["fold"] != k and ROWS[i]["variant"] != g],
                          [i for i in base if ROWS[i]["fold"] == k and (ROWS[i]["label"] == 0 or ROWS[i]["variant"] == g)],
                          False, SEED + 100 + 3 * gi + k))
    results = {}
    only = os.environ.get("ASSAY_ONLY")          # smoke test: one task tag
    if only:
        tasks = [t for t in tasks if t[0] == only]
    with mp.get_context("fork").Pool(WORKERS) as pool:
        for tag, steps, inner, stats, state in pool.imap_unordered(task, tasks):
            results[tag] = dict(steps=steps, inner=inner, stats=stats, state=state)
    if only:
        print(json.dumps({k: dict(steps=v["steps"], inner=v["inner"]) for k, v in results.items()}))
        return
    log(f"fits done ({time.time() - t0:.0f}s)")
    with open(os.path.join(HERE, "data", "fits.pkl"), "wb") as fh:
        pickle.dump(results, fh, protocol=4)
    evaluate(results, base, cgi, held, gens, t0)


def evaluate(results, base, cgi, held, gens, t0):
    oof = {}
    for k in range(3):
        oof.update(results[f"fold{k}"]["stats"])
    final = results["final"]
    for i in cgi:
        oof[ROWS[i]["name"]] = final["stats"][ROWS[i]["name"]]
    for k in range(3):      # TAEF2 clips made after the fits (`train.py evaluate`): the fold's saved network
        late = [i for i in held if ROWS[i]["fold"] == k and ROWS[i]["name"] not in oof]
        if late:
            net_k = net_of(results[f"fold{k}"]["state"])
            for i in late:
                oof[ROWS[i]["name"]] = clip_statistic(net_k, ROWS[i])
    null_rows = [ROWS[i] for i in base if ROWS[i]["label"] == 0 and oof[ROWS[i]["name"]][0] is not None]
    null = np.array([oof[r["name"]][0] for r in null_rows])

    def loso_p(r):
        same = [oof[n["name"]][0] for n in null_rows if n["source"] != r["source"]]
        return T.pvalue(oof[r["name"]][0], same)

    per_variant = {}
    for v in ["real", "real_extra"] + T.CONTROLS + T.GENERATORS + ["cgi", "taef2"]:
        sel = [ROWS[i] for i in base + cgi + held if ROWS[i]["variant"] == v]
        if not sel:
            continue
        abst, flagged, reasons = T.decisions(sel, oof, null, loso_p, v == "cgi", ALPHA)
        per_variant[v] = dict(clips=len(sel), abstained=len(abst), flagged=len(flagged),
                              flagged_names=sorted(r["name"] for r in flagged) if v not in T.GENERATORS + ["taef2"] else None,
                              flagged_rate_of_all=round(len(flagged) / len(sel), 4), abstention_reasons=reasons)

    logo_res = {}
    for gi, g in enumerate(gens):
        neg, pos = [], []
        for k in range(3):
            for name, (s, _) in results[f"{g}/fold{k}"]["stats"].items():
                if s is None:
                    continue
                r = NAMES[name]
                (pos if r["label"] == 1 else neg).append((r["source"], s))
        logo_res[g] = T.logo_row(neg, pos, gi)
    summ = T.summary(logo_res)

    neg = [oof[ROWS[i]["name"]][0] for i in base if ROWS[i]["label"] == 0 and oof[ROWS[i]["name"]][0] is not None]
    pos = [oof[ROWS[i]["name"]][0] for i in base if ROWS[i]["label"] == 1 and oof[ROWS[i]["name"]][0] is not None]
    seen = dict(auc=round(T.auc(neg, pos), 4), tpr_at_fpr_1pct=round(T.tpr_at_fpr(neg, pos, 0.01), 4),
                real_clips=len(neg), generated_clips=len(pos))
    held_pos = [(ROWS[i]["source"], oof[ROWS[i]["name"]][0]) for i in held if oof[ROWS[i]["name"]][0] is not None]
    taef2 = None
    if held_pos:
        negs = [(r["source"], oof[r["name"]][0]) for r in null_rows]
        hv = [v for _, v in held_pos]
        taef2 = dict(clips=len(held), scored=len(hv), auc_vs_null=round(T.auc(null, hv), 4),
                     tpr_at_fpr_1pct=round(T.tpr_at_fpr(null, hv, 0.01), 4),
                     auc_ci95_source_bootstrap=T.cluster_bootstrap(negs, held_pos, T.auc, 999),
                     how="cross-fitted networks (never trained on TAEF2), against the out-of-fold null")

    ctrl = [c for c in T.CONTROLS if c in per_variant]
    ctrl_f, ctrl_n = sum(per_variant[c]["flagged"] for c in ctrl), sum(per_variant[c]["clips"] for c in ctrl)
    real_f = sum(per_variant[c]["flagged"] for c in ["real", "real_extra"] if c in per_variant)
    real_n = sum(per_variant[c]["clips"] for c in ["real", "real_extra"] if c in per_variant)
    abst_rate = sum(1 for i in base if oof[ROWS[i]["name"]][0] is None) / len(base)

    net = net_of(final["state"])
    model = cnn.export(net, MODEL_ID, final["steps"])
    calibration = dict(schema=1, featureSetVersion=cnn.INPUT_VERSION, statistic="mean-segment-logit", alpha=ALPHA,
                       nullStatistics=sorted(round(float(v), 6) for v in null),
                       nullDescription=f"{len(null)} real and non-AI-control clips, cross-fitted by source",
                       abstention=ABSTENTION)
    ev = dict(
        modelID=MODEL_ID, inputVersion=cnn.INPUT_VERSION, alpha=ALPHA,
        data=dict(clips=len(base), real_labelled_base_clips=sum(1 for i in base if ROWS[i]["label"] == 0),
                  generated_base_clips=sum(1 for i in base if ROWS[i]["label"] == 1), generators=gens,
                  cgi_clips=len(cgi), taef2_clips=len(held),
                  tiles_per_segment_max=4 * cnn.TILES_PER_FRAME),
        training=dict(steps_grid=list(STEPS), batch=BATCH, lr=LR, final_steps=final["steps"],
                      final_inner_scores=final["inner"],
                      chosen={t: results[t]["steps"] for t in sorted(results)},
                      how="nested: train on one half of the training sources, segment AUC on the other half"),
        leave_one_generator_out=logo_res,
        leave_one_generator_out_mean_auc=summ["mean_auc"],
        leave_one_generator_out_min_auc=summ["min_auc"],
        leave_one_generator_out_mean_tpr_at_fpr_1pct=summ["mean_tpr_at_fpr_1pct"],
        all_generators_seen_sources_held_out=seen,
        calibration=dict(null_clips=len(null), smallest_p=round(1 / (len(null) + 1), 5)),
        at_alpha=per_variant,
        non_ai_controls_flagged=dict(flagged=ctrl_f, clips=ctrl_n, rate=round(ctrl_f / max(ctrl_n, 1), 4)),
        real_clips_flagged=dict(flagged=real_f, clips=real_n, rate=round(real_f / max(real_n, 1), 4)),
        abstention_rate_base_clips=round(abst_rate, 4),
        taef2_held_out_generator=taef2,
        seconds=round(time.time() - t0))

    def write(name, obj):
        tmp = os.path.join(HERE, name + ".tmp")
        with open(tmp, "w") as fh:
            json.dump(obj, fh, indent=1)
            fh.write("\n")
        os.replace(tmp, os.path.join(HERE, name))

    write("model.json", model)
    write("calibration.json", calibration)
    write("eval.json", ev)
    with open(os.path.join(HERE, "data", "scores.json"), "w") as fh:
        json.dump(dict(oof=oof, logo={t: v["stats"] for t, v in results.items() if "/" in t}), fh)
    print(json.dumps({k: ev[k] for k in ["leave_one_generator_out_mean_auc", "leave_one_generator_out_min_auc",
                                         "leave_one_generator_out_mean_tpr_at_fpr_1pct", "non_ai_controls_flagged",
                                         "real_clips_flagged", "abstention_rate_base_clips", "calibration",
                                         "all_generators_seen_sources_held_out", "taef2_held_out_generator"]}, indent=1))


NAMES = {}

if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "evaluate":      # re-run only the evaluation, from data/fits.pkl
        b, c, h, g = load()
        with open(os.path.join(HERE, "data", "fits.pkl"), "rb") as fh:
            evaluate(pickle.load(fh), b, c, h, g, time.time())
    else:
        main()
