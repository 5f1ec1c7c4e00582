"""Calibrates the classical-upscale rule on lr-2's training clips only (RULE.md): results/train-<rule>.json (limits and
in-sample numbers), data/lr2-upscale-off (lr-2 without the rule). With WRITE=1 it also writes the rule into
Classifiers/assay-npr-lr-2/calibration.json, as was done for the held-out run; the rule failed, so the default is not to.

  calibrate.py            needs data/train.jsonl (probe_all.py train)
"""
import collections, json, os, shutil
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
LR2 = os.path.join(HERE, "..", "..", "assay-npr-lr-2")
GENERATORS = ["esrgan_x4plus", "esrgan_animev3_x2", "ae_tconv", "ae_nearest", "ae_bilinear", "ae_pixelshuffle",
              "esrgan_animev3_x3", "esrgan_animev3_x4", "esrgan_x4plus_anime", "vae_kl8"]


def measure(seg):
    return seg.get("upscale") if "upscale" in seg else seg.get("profile", {}).get("upscale")


def load(path):
    rows = []
    for line in open(path):
        d = json.loads(line)
        parts = d["name"].split("__")
        base = parts[1]
        group = "generated" if base in GENERATORS else ("cgi" if base == "cgi" else "real-labelled")
        if parts[0].split("-")[-1].startswith("x") and base == "real":
            base = "real_extra"
        variant = "__".join([base] + parts[2:])
        for seg in d["segments"]:
            m = measure(seg)
            if m:
                rows.append(dict(name=d["name"], variant=variant, group=group, e2=m["explained2"],
                                 e3=m["explained3"], e4=m["explained4"], kernels=m["kernels"]))
    return rows


def detect(r, lim):
    if r["e2"] >= lim["minimumExplained2"] and r["e4"] <= lim["maximumExplained4ForFactor2"]:
        return 2
    if r["e3"] >= lim["minimumExplained3"]:
        return 3
    if r["e4"] >= lim["minimumExplained4"]:
        return 4
    if "minimumExplained4Smooth" in lim and r["e4"] >= lim["minimumExplained4Smooth"] \
            and r["e2"] <= lim["maximumExplained2ForFactor4"]:
        return 4
    return None


def main():
    rows = load(os.path.join(HERE, "data", "train.jsonl"))
    gen = [r for r in rows if r["group"] == "generated"]
    q = lambda xs: float(np.percentile(xs, 99))
    lim = dict(minimumExplained2=round(q([r["e2"] for r in gen if r["e4"] <= 0]), 4),
               maximumExplained4ForFactor2=0.0,
               minimumExplained3=round(q([r["e3"] for r in gen]), 4),
               minimumExplained4=round(q([r["e4"] for r in gen]), 4))
    v1 = dict(lim)
    lim["maximumExplained2ForFactor4"] = 0.05    # RULE.md amendment v2, fixed a priori
    lim["minimumExplained4Smooth"] = round(q([r["e4"] for r in gen if r["e2"] <= 0.05]), 4)
    version = os.environ.get("RULE", "v2")
    if version == "v1":
        lim = v1
    by = collections.defaultdict(list)
    for r in rows:
        by[r["variant"]].append(r)
    table = {}
    for v, rs in sorted(by.items()):
        hits = collections.Counter(detect(r, lim) for r in rs)
        table[v] = dict(segments=len(rs), detected=len(rs) - hits[None], by_factor={str(k): n for k, n in hits.items() if k},
                        e2_median=float(np.median([r["e2"] for r in rs])), e3_median=float(np.median([r["e3"] for r in rs])),
                        e4_median=float(np.median([r["e4"] for r in rs])))
    os.makedirs(os.path.join(HERE, "results"), exist_ok=True)
    json.dump(dict(rule=version, limits=lim, generated_segments=len(gen), variants=table),
              open(os.path.join(HERE, "results", f"train-{version}.json"), "w"), indent=1)
    print(json.dumps(lim))
    for v, t in table.items():
        print(f"{v:34s} {t['segments']:5d} det {t['detected']:4d} {t['by_factor']}  med e2 {t['e2_median']:.3f} "
              f"e3 {t['e3_median']:.3f} e4 {t['e4_median']:.3f}")
    # the rule-off copy of lr-2 (for the before/after comparison), then the shipped calibration with the rule
    off = os.path.join(HERE, "data", "lr2-upscale-off")
    os.makedirs(off, exist_ok=True)
    shutil.copy(os.path.join(LR2, "model.json"), off)
    cal = json.load(open(os.path.join(LR2, "calibration.json")))
    cal["abstention"].pop("upscale", None)
    json.dump(cal, open(os.path.join(off, "calibration.json"), "w"), indent=1)
    if os.environ.get("WRITE", "0") != "1":     # the rule failed its held-out test: lr-2 is left without it
        return
    cal["abstention"]["upscale"] = lim
    with open(os.path.join(LR2, "calibration.json"), "w") as fh:
        json.dump(cal, fh, indent=1)
        fh.write("\n")


if __name__ == "__main__":
    main()
