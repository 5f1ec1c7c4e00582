"""assay-npr-cnn-1: the input pipeline and the network, shared by train.py, check_runtime.py and heldout.py.

Input version `assay-cnn-in-1` (the Swift runtime mirrors every step and refuses another version):
- a segment is 8 consecutive frames; analysed frames are every other one (0, 2, 4, 6), as in lr-2;
- tile candidates: lr-2's `TileGrid.usableTiles(firstFrame.luma, limit: 24)` (64x64 luma tiles at native
  resolution on the fixed 64-pixel grid; never resized);
- per analysed frame, the candidates that are usable in that frame (`TileGrid.isUsable`), at most
  TILES_PER_FRAME of them, picked evenly (`usable[i * n / K]`);
- each tile -> its NPR residual r(y, x) = L(y, x) - L(2*floor(y/2), 2*floor(x/2)) (luma minus its 2x2
  nearest-neighbour down/up-sample; the 2x2 grid is the frame's, since tile corners are multiples of 64),
  divided by INPUT_SCALE;
- the network gives one logit per tile; the segment score is the mean tile logit; the clip statistic is the
  mean score of the scored segments (lr-2's statistic with the feature logit replaced).
"""
import json, os, subprocess
import numpy as np

INPUT_VERSION = "assay-cnn-in-1"
TILE = 64
CANDIDATE_LIMIT = 24          # lr-2's maximumTilesPerFrame (the profile's usable-tile count uses the same set)
TILES_PER_FRAME = 12          # tiles the network sees per analysed frame
SEGMENT = 8
INPUT_SCALE = 16.0
MIN_TILE_STD = 2.0
WIDTHS = (8, 16, 32)          # conv1 4x4/2, conv2 3x3/2, conv3 3x3/2 output channels


# ------------------------------------------------------------------ tile selection (mirror of TileGrid.swift)
def is_usable(luma, x, y):
    t = luma[y:y + TILE, x:x + TILE].astype(np.float64)
    n = float(TILE * TILE)
    s, s2 = float(t.sum()), float((t * t).sum())
    mean = s / n
    std = max(s2 / n - mean * mean, 0.0) ** 0.5
    clipped = int(np.count_nonzero((t <= 16) | (t >= 235)))
    return std >= MIN_TILE_STD and clipped < 0.5 * n


def candidates(luma, limit=CANDIDATE_LIMIT):
    h, w = luma.shape
    if w < TILE or h < TILE:
        return [], 0
    all_tiles = [(tx * TILE, ty * TILE) for ty in range(h // TILE) for tx in range(w // TILE)]
    cap = max(limit, 1) * 16
    cand = [all_tiles[i * len(all_tiles) // cap] for i in range(cap)] if len(all_tiles) > cap else all_tiles
    usable = [t for t in cand if is_usable(luma, *t)]
    if len(usable) > limit and limit > 0:
        usable = [usable[i * len(usable) // limit] for i in range(limit)]
    return usable, len(all_tiles)


def segment_tiles(lumas):
    """lumas: the 8 (or fewer, >= 2) luma planes of one segment -> uint8 tiles (N, 64, 64) and their frame index."""
    cand, _ = candidates(lumas[0])
    tiles, where = [], []
    for fi in range(0, len(lumas), 2):
        f = lumas[fi]
        usable = [t for t in cand if is_usable(f, *t)]
        k = TILES_PER_FRAME
        if len(usable) > k:
            usable = [usable[i * len(usable) // k] for i in range(k)]
        for x, y in usable:
            tiles.append(f[y:y + TILE, x:x + TILE])
            where.append(fi)
    if not tiles:
        return np.zeros((0, TILE, TILE), np.uint8), np.zeros(0, np.int16)
    return np.stack(tiles), np.array(where, np.int16)


def npr_residual(tiles):
    """uint8 (N, 64, 64) -> float32 (N, 1, 64, 64): luma minus its 2x2 nearest down/up-sample, / INPUT_SCALE."""
    t = tiles.astype(np.float32)
    base = t[:, 0::2, 0::2].repeat(2, axis=1).repeat(2, axis=2)
    return ((t - base) / INPUT_SCALE)[:, None]


# ------------------------------------------------------------------ decoding
def probe(path):
    out = subprocess.run(["ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries", "stream=width,height",
                          "-of", "csv=p=0", path], capture_output=True, check=True, text=True).stdout
    w, h = out.strip().split(",")[:2]
    return int(w), int(h)


def decode_yuv(path):
    """Raw yuv420p bytes of every frame, and (width, height)."""
    w, h = probe(path)
    raw = subprocess.run(["ffmpeg", "-v", "error", "-i", path, "-f", "rawvideo", "-pix_fmt", "yuv420p", "-"],
                         capture_output=True, check=True).stdout
    return raw, w, h


def lumas_of(raw, w, h):
    cw, ch = (w + 1) // 2, (h + 1) // 2
    size = w * h + 2 * cw * ch
    n = len(raw) // size
    return [np.frombuffer(raw, np.uint8, w * h, k * size).reshape(h, w) for k in range(n)]


def clip_tiles(path):
    """Tiles of every full 8-frame segment of an mp4, as assay-features cuts them (the tool's segments are
    consecutive runs of 8 frames from the first; a trailing partial run is not a segment there)."""
    raw, w, h = decode_yuv(path)
    lumas = lumas_of(raw, w, h)
    segs = []
    for s in range(len(lumas) // SEGMENT):
        t, where = segment_tiles(lumas[s * SEGMENT:(s + 1) * SEGMENT])
        segs.append(t)
    return segs, w, h


# ------------------------------------------------------------------ network
def build(widths=WIDTHS):
    import torch.nn as nn
    a, b, c = widths
    return nn.Sequential(
        nn.Conv2d(1, a, 4, stride=2, padding=1), nn.ReLU(),
        nn.Conv2d(a, b, 3, stride=2, padding=1), nn.ReLU(),
        nn.Conv2d(b, c, 3, stride=2, padding=1), nn.ReLU(),
        nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(c, 1))


def tile_logits(net, tiles, batch=512):
    """Logit per tile (float64 array), float32 arithmetic in torch."""
    import torch
    out = []
    with torch.no_grad():
        for i in range(0, len(tiles), batch):
            x = torch.from_numpy(npr_residual(tiles[i:i + batch]))
            out.append(net(x)[:, 0].double().numpy())
    return np.concatenate(out) if out else np.zeros(0)


def export(net, model_id, steps, extra=None):
    """model.json document: weights as nested lists in PyTorch's layout (out, in, kh, kw)."""
    convs = [m for m in net if m.__class__.__name__ == "Conv2d"]
    lin = [m for m in net if m.__class__.__name__ == "Linear"][0]
    layers = []
    for m in convs:
        layers.append(dict(kind="conv2d", inChannels=m.in_channels, outChannels=m.out_channels,
                           kernel=m.kernel_size[0], stride=m.stride[0], padding=m.padding[0], activation="relu",
                           weight=[float(v) for v in m.weight.detach().double().numpy().ravel()],
                           bias=[float(v) for v in m.bias.detach().double().numpy()]))
    layers.append(dict(kind="global-mean-pool"))
    layers.append(dict(kind="linear", inChannels=lin.in_features, outChannels=1,
                       weight=[float(v) for v in lin.weight.detach().double().numpy().ravel()],
                       bias=[float(v) for v in lin.bias.detach().double().numpy()]))
    doc = dict(schema=1, modelID=model_id, kind="tile-cnn", inputVersion=INPUT_VERSION,
               input=dict(tileSize=TILE, candidateTilesPerFrame=CANDIDATE_LIMIT, tilesPerFrame=TILES_PER_FRAME,
                          residual="npr-2x2-nearest", scale=INPUT_SCALE, frameStep=2),
               aggregation="mean-tile-logit", trainingSteps=steps, layers=layers)
    if extra:
        doc.update(extra)
    return doc


def load_json_model(path):
    """A torch network from model.json (for checks)."""
    import torch
    doc = json.load(open(path))
    convs = [l for l in doc["layers"] if l["kind"] == "conv2d"]
    net = build(tuple(l["outChannels"] for l in convs))
    mods = [m for m in net if m.__class__.__name__ in ("Conv2d", "Linear")]
    layers = [l for l in doc["layers"] if l["kind"] in ("conv2d", "linear")]
    with torch.no_grad():
        for m, l in zip(mods, layers):
            m.weight.copy_(torch.tensor(l["weight"], dtype=torch.float32).reshape(m.weight.shape))
            m.bias.copy_(torch.tensor(l["bias"], dtype=torch.float32))
    net.eval()
    return net, doc
