"""Held-out evaluation of the classical-upscale rule (RULE.md) on the s4-real-sources clips and the s5 ffmpeg-CLI
upscales. Reads data/heldout.jsonl (probe_all.py heldout) and s4's scores.jsonl (lr-2 without the rule, session 4),
writes results/heldout.json and prints the tables of RESULTS.md.

The runtime result in heldout.jsonl is lr-2 with the rule as the release binary of the run understood it: that binary
was built before the v2 fields existed in UpscaleLimits, so it ignored them and ran **v1** (an accident, recorded in
RESULTS.md). v1, v2, v3 and "off" are *simulated* from the rule-off segment logits and the per-segment upscale
measures; the v1 simulation must reproduce the runtime decisions exactly (checked), which validates the simulation
for the others. v3 and x2only are exploratory and post hoc (RESULTS.md): v2 without the plain x3 / x4 branches, and
the guarded x2 branch alone; same limits.
"""
import bisect, collections, json, math, os

HERE = os.path.dirname(os.path.abspath(__file__))
S4 = os.path.join(HERE, "..", "s4-real-sources", "data", "scores.jsonl")
LR2 = os.path.join(HERE, "..", "..", "assay-npr-lr-2", "calibration.json")
GENERATORS = ["ae_tconv", "ae_nearest", "ae_pixelshuffle", "ae_bilinear", "vae_kl8", "esrgan_animev3_x2",
              "esrgan_animev3_x4", "esrgan_animev3_x3", "esrgan_x4plus", "esrgan_x4plus_anime"]
CONTROLS = ["rescale_down075", "rescale_up2", "lanczos_up4", "denoise", "sharpen", "reencode"]
NEW = ["ff_bicubic_up2", "ff_lanczos_up3", "ff_bicubic_up1.5"]
VERSIONS = ("off", "v1", "v2", "v3", "x2only")


def wilson(k, n, z=1.96):
    if n == 0:
        return (0.0, 1.0)
    p = k / n
    d = 1 + z * z / n
    c = (p + z * z / (2 * n)) / d
    h = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / d
    return (max(0.0, c - h), min(1.0, c + h))


def detect(m, lim, version):
    if m is None or lim is None:
        return False
    if version == "x2only":
        return m["explained2"] >= lim["minimumExplained2"] and m["explained4"] <= lim["maximumExplained4ForFactor2"]
    if version == "v3":
        return (m["explained2"] >= lim["minimumExplained2"] and m["explained4"] <= lim["maximumExplained4ForFactor2"]) \
            or (m["explained4"] >= lim["minimumExplained4Smooth"] and m["explained2"] <= lim["maximumExplained2ForFactor4"])
    if m["explained2"] >= lim["minimumExplained2"] and m["explained4"] <= lim["maximumExplained4ForFactor2"]:
        return True
    if m["explained3"] >= lim["minimumExplained3"] or m["explained4"] >= lim["minimumExplained4"]:
        return True
    return version == "v2" and m["explained4"] >= lim["minimumExplained4Smooth"] \
        and m["explained2"] <= lim["maximumExplained2ForFactor4"]


def simulate(off, measures, lim, version, cal):
    """Clip decision from a rule-off classify result plus per-segment upscale measures."""
    abst = list(off["segmentAbstentions"])
    scores = iter(s["score"] for s in off["evidence"].get("segments", []))
    logits = []
    for i, a in enumerate(abst):
        if a == "":
            sc = next(scores)
            logit = math.log(sc / (1 - sc)) if 0 < sc < 1 else (40.0 if sc >= 1 else -40.0)
            if version != "off" and i < len(measures) and detect(measures[i], lim, version):
                abst[i] = "classically-upscaled"
            else:
                logits.append(logit)
    if off.get("abstention") and not abst:     # clip-level abstention (too small, single frame)
        return "inconclusive", off["abstention"], abst
    if not logits or len(logits) / max(len(abst), 1) < cal["abstention"]["minimumUsableSegmentFraction"]:
        main = collections.Counter(a for a in abst if a).most_common(1)
        return "inconclusive", main[0][0] if main else off.get("abstention"), abst
    stat = sum(logits) / len(logits)
    null = sorted(cal["nullStatistics"])
    p = (1 + len(null) - bisect.bisect_left(null, stat)) / (1 + len(null))
    return ("artifacts" if p <= cal["alpha"] else "no-artifacts-found"), None, abst


def main():
    cal = json.load(open(LR2))
    lim = json.load(open(os.path.join(HERE, "results", "train-v2.json")))["limits"]   # v1/v3 are subsets
    s4 = {}
    for line in open(S4):
        d = json.loads(line)
        s4[d["name"]] = d
    rows = []
    mismatches, checked, repro = [], 0, []
    runtime_kind = collections.Counter()
    for line in open(os.path.join(HERE, "data", "heldout.jsonl")):
        d = json.loads(line)
        name = d["name"]
        cid, variant = name.split("__", 1)
        source = cid.rsplit("-c", 1)[0]
        measures = [s.get("upscale") for s in d["segments"]]
        on = d["classify"]["lr2"]
        off = d["classify"].get("lr2-upscale-off")
        if name in s4:
            base = s4[name]["classify"]
            if off is not None:
                repro.append(abs((off.get("statistic") or 0) - (base.get("statistic") or 0)) < 1e-9
                             and off["evidence"]["decision"] == base["evidence"]["decision"])
            off = base
        if variant == "real" and not name.endswith(("-c0__real", "-c1__real", "-c2__real")):
            variant = "real_extra"
        sims = {v: simulate(off, measures, lim, v, cal) for v in VERSIONS}
        checked += 1
        # the runtime ran v1 until lr-2's calibration.json was put back to rule-off mid-run (RESULTS.md), then "off":
        # a clip's runtime result must equal one of the two simulations, and the run's order tells which
        ran_with = "v1" if on["evidence"]["decision"] == sims["v1"][0] and on.get("abstention") == sims["v1"][1] \
            else "off" if on["evidence"]["decision"] == sims["off"][0] and on.get("abstention") == sims["off"][1] \
            else None
        runtime_kind[ran_with] += 1
        if ran_with is None:
            mismatches.append((name, sims["v1"][0], on["evidence"]["decision"]))
        if sims["off"][0] != off["evidence"]["decision"]:
            mismatches.append((name + " (off)", sims["off"][0], off["evidence"]["decision"]))
        rows.append(dict(name=name, source=source, variant=variant, decisions={v: s[0] for v, s in sims.items()},
                         reasons={v: s[1] for v, s in sims.items()}, runtime=on["evidence"]["decision"],
                         runtime_abstention=on.get("abstention"), measures=measures))
    out = dict(limits=lim, clips=len(rows), simulation_mismatches=mismatches[:20],
               n_mismatches=len(mismatches), rule_off_reproduced=f"{sum(repro)} / {len(repro)}")
    out["runtime_equals"] = dict(runtime_kind)
    print(f"clips {len(rows)}; runtime result equals the v1 / off simulation: {dict(runtime_kind)}; "
          f"equal to neither: {len(mismatches)} {mismatches[:5]}; "
          f"session-4 rule-off results reproduced: {sum(repro)} / {len(repro)}")

    def group(pred):
        return [r for r in rows if pred(r)]

    def stats(rs, v):
        n = len(rs)
        fl = sum(r["decisions"][v] == "artifacts" for r in rs)
        ab = sum(r["decisions"][v] == "inconclusive" for r in rs)
        up = sum(r["reasons"][v] == "classically-upscaled" for r in rs)
        return dict(n=n, flagged=fl, abstained=ab, upscale_abstained=up, flagged_wilson=wilson(fl, n))

    table = collections.OrderedDict()
    table["real (base + extra)"] = group(lambda r: r["variant"] in ("real", "real_extra"))
    table["controls (6 kinds)"] = group(lambda r: r["variant"] in CONTROLS)
    for c in CONTROLS:
        table[c] = group(lambda r, c=c: r["variant"] == c)
    for g in NEW:
        table["new: " + g] = group(lambda r, g=g: r["variant"] == g)
    for g in GENERATORS:
        table[g] = group(lambda r, g=g: r["variant"] == g)
    res = {}
    print(f"{'material':26s} {'n':>4s} | {'flagged off/v1/v2/v3/x2':>26s} | {'abstained off/v1/v2/v3/x2':>26s} | upscale-abst v1/v2/v3/x2")
    for k, rs in table.items():
        st = {v: stats(rs, v) for v in VERSIONS}
        res[k] = st
        f = " / ".join(str(st[v]["flagged"]) for v in VERSIONS)
        a = " / ".join(str(st[v]["abstained"]) for v in VERSIONS)
        u = " / ".join(str(st[v]["upscale_abstained"]) for v in VERSIONS[1:])
        print(f"{k:26s} {len(rs):4d} | {f:>26s} | {a:>26s} | {u}")
    out["table"] = res
    # ship criteria (RULE.md)
    crit = {}
    for v in VERSIONS[1:]:
        c = res["controls (6 kinds)"][v]
        r, r0 = res["real (base + extra)"][v], res["real (base + extra)"]["off"]
        lost = {g: res[g]["off"]["flagged"] - res[g][v]["flagged"] for g in GENERATORS}
        lost_pts = {g: 100 * lost[g] / max(res[g][v]["n"], 1) for g in GENERATORS}
        c1 = c["flagged"] / c["n"] <= 0.01
        c2 = r["flagged"] <= r0["flagged"]
        c3 = 100 * (r["abstained"] - r0["abstained"]) / r["n"] <= 2
        c4 = all(p <= 3 for p in lost_pts.values())
        crit[v] = dict(controls_flagged=f"{c['flagged']} / {c['n']}", controls_wilson_upper=c["flagged_wilson"][1],
                       c1=c1, real_flagged=f"{r['flagged']} / {r['n']} (off {r0['flagged']})", c2=c2,
                       real_abstention_points=100 * (r["abstained"] - r0["abstained"]) / r["n"], c3=c3,
                       generator_lost=lost, c4=c4, ship=c1 and c2 and c3 and c4)
        print(v, json.dumps(crit[v]))
    out["criteria"] = crit
    # per-clip list of what the rule changed
    out["changed"] = [dict(name=r["name"], **r["decisions"])
                      for r in rows if len(set(r["decisions"].values())) > 1]
    os.makedirs(os.path.join(HERE, "results"), exist_ok=True)
    json.dump(out, open(os.path.join(HERE, "results", "heldout.json"), "w"), indent=1)
    # the probe on held-out material (segments), for the diagnosis
    import numpy as np
    probe = {}
    print(f"{'probe on held-out segments':26s}   n   E2 median/p90      E3 median/p90      E4 median/p90")
    for k in ["real"] + ["real_extra"] + CONTROLS + NEW + GENERATORS:
        ms = [m for r in rows if r["variant"] == k for m in r["measures"] if m]
        if not ms:
            continue
        a = np.array([[m["explained2"], m["explained3"], m["explained4"]] for m in ms])
        probe[k] = dict(n=len(ms), median=np.median(a, 0).round(3).tolist(), p90=np.percentile(a, 90, 0).round(3).tolist())
        print(f"{k:26s} {len(ms):4d} " + "  ".join(f"{np.median(a[:, i]):7.3f}/{np.percentile(a[:, i], 90):7.3f}"
                                                  for i in range(3)))
    out["probe"] = probe
    json.dump(out, open(os.path.join(HERE, "results", "heldout.json"), "w"), indent=1)
    for ch in out["changed"]:
        print("  changed:", ch)


if __name__ == "__main__":
    main()
