#!/usr/bin/env python3
"""Tile caches for assay-npr-cnn-1 (resumable): decodes every clip once, keeps the tiles the runtime would
give the network (cnn.py) per 8-frame segment, and each segment's content profile from `assay-features
features` (the profile the Swift runtime computes for the abstention rules).

  prep.py lr2     lr-2's base clips and CGI clips (profiles from lr-2's data/features.jsonl)
  prep.py taef2   TAEF2 clips of lr-2's sources (profiles and lr-2's runtime decision from assay-features)
  prep.py s4      the session-4 clips present (real, controls, generators, TAEF2; lr-2's decision too)

Writes data/tiles-<set>.pkl: {name: dict(meta..., segs=[uint8 (N,64,64)], profiles=[...], lr2=...)}.
"""
import importlib.util, json, os, pickle, subprocess, sys, time
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, HERE)
import cnn  # noqa: E402

LR2 = os.path.join(ROOT, "Classifiers", "assay-npr-lr-2")
S4 = os.path.join(ROOT, "Classifiers", "experiments", "s4-real-sources")
BIN = os.path.join(ROOT, ".build", "release", "assay-features")


def _load(name, path):
    spec = importlib.util.spec_from_file_location(name, path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def log(*a):
    print(time.strftime("%H:%M:%S"), *a, file=sys.stderr, flush=True)


def runtime_rows(raw, w, h, lr2=True):
    """Segment profiles (assay-features features) and lr-2's runtime decision (classify)."""
    args = ["--width", str(w), "--height", str(h), "--fps", "25", "-"]
    feats = subprocess.run([BIN, "features"] + args, input=raw, capture_output=True, check=True).stdout
    segs = [json.loads(line) for line in feats.decode().splitlines() if line.strip()]
    cls = None
    if lr2:
        cls = json.loads(subprocess.run([BIN, "classify", "--model", LR2] + args, input=raw, capture_output=True,
                                        check=True).stdout)
    return segs, cls


def build(set_name, items):
    """items: list of (name, mp4 path, meta dict, profiles or None)."""
    path = os.path.join(HERE, "data", f"tiles-{set_name}.pkl")
    cache = {}
    if os.path.exists(path):
        with open(path, "rb") as fh:
            cache = pickle.load(fh)
    todo = [it for it in items if it[0] not in cache and os.path.exists(it[1])]
    log(f"{set_name}: {len(cache)} cached, {len(todo)} to do")
    t0 = time.time()
    for i, (name, mp4, meta, profiles) in enumerate(todo):
        raw, w, h = cnn.decode_yuv(mp4)
        lumas = cnn.lumas_of(raw, w, h)
        segs = [cnn.segment_tiles(lumas[s * cnn.SEGMENT:(s + 1) * cnn.SEGMENT])[0]
                for s in range(len(lumas) // cnn.SEGMENT)]
        lr2 = None
        if profiles is None:
            rows, lr2 = runtime_rows(raw, w, h)
            profiles = [r["profile"] for r in rows]
            meta = dict(meta, lr2_values=[r.get("values") for r in rows])
        assert len(profiles) == len(segs), (name, len(profiles), len(segs))
        cache[name] = dict(meta, name=name, width=w, height=h, segs=segs, profiles=profiles, lr2=lr2)
        if (i + 1) % 50 == 0 or i + 1 == len(todo):
            with open(path + ".tmp", "wb") as fh:
                pickle.dump(cache, fh, protocol=4)
            os.replace(path + ".tmp", path)
            log(f"{set_name}: {i + 1}/{len(todo)} ({time.time() - t0:.0f}s)")
    return cache


def lr2_items():
    items, seen = [], set()
    with open(os.path.join(LR2, "data", "features.jsonl")) as fh:
        for line in fh:
            r = json.loads(line)
            if r["name"] in seen or r["robust"] is not None:
                continue
            seen.add(r["name"])
            meta = {k: r[k] for k in ("clip", "source", "fold", "variant", "robust", "label")}
            items.append((r["name"], os.path.join(LR2, "data", "mp4", r["name"] + ".mp4"), meta,
                          [s["profile"] for s in r["segments"]]))
    return items


def taef2_items():
    M = _load("lr2_make_data", os.path.join(LR2, "make_data.py"))
    clips, _ = M.make_sources()
    return [(f"{cid}__taef2", os.path.join(LR2, "data", "mp4", f"{cid}__taef2.mp4"),
             dict(clip=cid, source=src, fold=M.FOLDS[src], variant="taef2", robust=None, label=1), None)
            for cid, src in clips]


def s4_items():
    S = _load("s4_make_data", os.path.join(S4, "make_data.py"))
    items = []
    gens = S.CHEAP_GENERATORS + S.SLOW_GENERATORS
    for name, cid, _, v in S.all_samples(gens):
        items.append((f"{cid}__{v}", os.path.join(S.DATA, "mp4", f"{cid}__{v}.mp4"),
                      dict(clip=cid, source=name, fold=-1, variant=v, robust=None, label=1 if v in gens else 0), None))
    for si, name in enumerate(S.SOURCES):
        cid = f"{name}-c0"
        items.append((f"{cid}__taef2", os.path.join(S.DATA, "mp4", f"{cid}__taef2.mp4"),
                      dict(clip=cid, source=name, fold=-1, variant="taef2", robust=None, label=1), None))
    return items


if __name__ == "__main__":
    which = sys.argv[1]
    items = dict(lr2=lr2_items, taef2=taef2_items, s4=s4_items)[which]()
    build(which, items)
    log("done", which)
