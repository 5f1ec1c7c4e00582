#!/usr/bin/env python3
"""Session-3 experiment (issue 5, the weak spot): candidate features for *learned* smooth upscalers
(Real-ESRGAN, realesr-animevideov3) versus *classical* upscales of real footage. Python only: nothing here
is in the Swift runtime. Computed per 8-frame segment (the runtime's segments: frames 0-7, 8-15, ...)
on the luma of every other frame, at native resolution, and appended to a copy of a model folder's
data/features.jsonl so that the unchanged train.py protocol (nested LOGO, cross-fitted null, controls)
evaluates them.

Two groups:
  edge.*   edge profile: a learned upscaler redraws edges sharply (a one-pixel step) while leaving flat areas
           clean; a classical ×k upscale spreads every edge over ~k pixels; camera footage has sharp edges
           *and* noise/texture in flat areas.
             sharp2   median over the strongest 1 % of 3-pixel rises of max(single step) / total rise  [0.5, 1]
             sharp4   the same over 5-pixel rises                                                    [0.25, 1]
             hpKurtosis  log kurtosis of the high-pass residual (Y - Gauss_1(Y)): edges only = heavy tail
             flatToEdge  log( 10th / 90th percentile of 8x8-block residual RMS ): noise floor vs edges
  orient.* local gradient direction (structure tensor, Gaussian window sigma 1.5)
             textureCoherence  mean coherence where |grad| is between its 50th and 90th percentile
             edgeCoherence     mean coherence where |grad| is above its 97th percentile
             axisFraction      share of gradient energy (|grad|^2, textured pixels) within 11.25 deg of the axes
"""
import json, os, subprocess, sys
import numpy as np
from scipy import ndimage

NAMES = ["edge.sharp2", "edge.sharp4", "edge.hpKurtosis", "edge.flatToEdge",
         "orient.textureCoherence", "orient.edgeCoherence", "orient.axisFraction"]
SEGMENT = 8


def _profile(Y, axis):
    """Steps along one axis: (rise over 3 px, largest single step in it), (rise over 5 px, largest step)."""
    d = np.diff(Y, axis=axis)
    n = d.shape[axis]
    take = lambda a, lo, hi: np.take(a, np.arange(lo, n - hi), axis=axis)
    a, b = take(d, 0, 1), take(d, 1, 0)
    rise3 = a + b
    step3 = np.maximum(np.abs(a), np.abs(b))
    ok3 = a * b >= 0
    d0, d1, d2, d3 = take(d, 0, 3), take(d, 1, 2), take(d, 2, 1), take(d, 3, 0)
    rise5 = d0 + d1 + d2 + d3
    step5 = np.maximum.reduce([np.abs(d0), np.abs(d1), np.abs(d2), np.abs(d3)])
    return (rise3[ok3].ravel(), step3[ok3].ravel()), (rise5.ravel(), step5.ravel())


def _sharpness(pairs, floor=8.0):
    rise = np.concatenate([np.abs(p[0]) for p in pairs])
    step = np.concatenate([p[1] for p in pairs])
    if rise.size == 0:
        return np.nan
    thr = max(np.percentile(rise, 99.0), floor)
    sel = rise >= thr
    if sel.sum() < 20:
        return np.nan
    return float(np.median(step[sel] / rise[sel]))


def frame_features(Y):
    h3x, h5x = _profile(Y, 1)
    h3y, h5y = _profile(Y, 0)
    sharp2 = _sharpness([h3x, h3y])
    sharp4 = _sharpness([h5x, h5y])
    r = Y - ndimage.gaussian_filter(Y, 1.0)
    m2 = np.mean(r ** 2)
    kurt = float(np.log(np.mean(r ** 4) / (m2 ** 2 + 1e-12) + 1e-6)) if m2 > 1e-6 else np.nan
    H, W = (Y.shape[0] // 8) * 8, (Y.shape[1] // 8) * 8
    blocks = np.sqrt((r[:H, :W] ** 2).reshape(H // 8, 8, W // 8, 8).mean(axis=(1, 3))).ravel()
    flat = float(np.log((np.percentile(blocks, 10) + 0.05) / (np.percentile(blocks, 90) + 0.05)))
    gy, gx = np.gradient(Y)
    j11 = ndimage.gaussian_filter(gx * gx, 1.5)
    j22 = ndimage.gaussian_filter(gy * gy, 1.5)
    j12 = ndimage.gaussian_filter(gx * gy, 1.5)
    coh = np.sqrt((j11 - j22) ** 2 + 4 * j12 ** 2) / (j11 + j22 + 1e-3)
    mag = np.hypot(gx, gy)
    p50, p90, p97 = np.percentile(mag, [50, 90, 97])
    tex = (mag >= max(p50, 1.0)) & (mag < max(p90, 1.0))
    edge = mag >= max(p97, 4.0)
    tcoh = float(coh[tex].mean()) if tex.sum() > 50 else np.nan
    ecoh = float(coh[edge].mean()) if edge.sum() > 50 else np.nan
    if tex.sum() > 50:
        ang = np.abs(np.arctan2(gy[tex], gx[tex])) % (np.pi / 2)
        near = (ang < np.pi / 16) | (ang > np.pi / 2 - np.pi / 16)
        e = mag[tex] ** 2
        axis = float(e[near].sum() / (e.sum() + 1e-9))
    else:
        axis = np.nan
    return [sharp2, sharp4, kurt, flat, tcoh, ecoh, axis]


def clip_segments(mp4, width, height):
    raw = subprocess.run(["ffmpeg", "-v", "error", "-i", mp4, "-f", "rawvideo", "-pix_fmt", "gray", "-"],
                         capture_output=True, check=True).stdout
    n = len(raw) // (width * height)
    frames = np.frombuffer(raw[: n * width * height], np.uint8).reshape(n, height, width)
    out = []
    for s in range(n // SEGMENT):
        vals = [frame_features(frames[s * SEGMENT + i].astype(np.float32)) for i in range(0, SEGMENT, 2)]
        v = np.nanmean(np.array(vals, dtype=float), axis=0)
        out.append([float(x) for x in v])
    return out


def main():
    src, dst = sys.argv[1], sys.argv[2]   # model folder holding data/ ; output features-new.jsonl
    shard, shards = (int(sys.argv[3]), int(sys.argv[4])) if len(sys.argv) > 4 else (0, 1)
    done = set()
    if os.path.exists(dst):
        done = {json.loads(l)["name"] for l in open(dst)}
    with open(dst, "a") as out:
        rows = [json.loads(line) for line in open(os.path.join(src, "data", "features.jsonl"))]
        rows.sort(key=lambda r: r["robust"] is not None)   # base clips (and upscales) first
        for i, r in enumerate(rows):
            if i % shards != shard:
                continue
            if r["name"] in done:
                continue
            mp4 = os.path.join(src, "data", "mp4", r["name"] + ".mp4")
            segs = clip_segments(mp4, r["width"], r["height"])
            out.write(json.dumps(dict(name=r["name"], names=NAMES, segments=segs)) + "\n")
            out.flush()


if __name__ == "__main__":
    main()
