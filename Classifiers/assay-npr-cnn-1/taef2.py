#!/usr/bin/env python3
"""A held-out generator for assay-npr-cnn-1: a latent-diffusion-style VAE round trip through TAEF2.

TAEF2 ("Tiny AutoEncoder for FLUX.2", Ollin Boer Bohan, MIT licence) is a small encoder/decoder distilled from
the FLUX.2 VAE: 3-channel image in [0, 1] -> 32-channel latent at 1/8 resolution -> image. Its decoder is a
pretrained generative decoder of the kind a latent-diffusion model ends with (nearest x2 upsampling + conv
stages that "make up" the detail the latent does not hold). The weights (taef2_encoder.pth, taef2_decoder.pth,
2.7 MB each) come from the public GitHub repository madebyollin/taesd, commit
5cccb12dc72074a4be35680c3b108548a7c69978, and are used locally only: they live in data/taef2/ (git-ignored)
and nothing of that repository is committed. The network below is written here from the checkpoint's layout
(state-dict keys and shapes), in this project's own words.

Clips: the first 8 frames of each of lr-2's 25 base source clips, and of the first base clip (c0) of each
of the 12 session-4 sources, through encode -> decode, then lr-2's common final encode.

No model in this folder is ever trained on TAEF2 output: it is a held-out generator for evaluation only.

  .venv/bin/python Classifiers/assay-npr-cnn-1/taef2.py lr2|s4     (resumable; needs lr-2's data/src)
"""
import glob, json, os, sys, time
import importlib.util
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
WEIGHTS = os.path.join(HERE, "data", "taef2")
SHA256 = {"taef2_encoder.pth": "10a4e1021e89d7551eaf161352da8dbd0b1aa83872ae28b150c1df1ce2f147b6",
          "taef2_decoder.pth": "0a44a31e1ae59eb9dbf9359d24942fd3ef5928162c1800d97a28c61d51be0ab5"}
LATENT = 32
FRAMES = 8          # one 8-frame segment per clip, like lr-2's Real-ESRGAN x4plus clips (CPU)


def _load(name, path):
    spec = importlib.util.spec_from_file_location(name, path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def build():
    import torch
    import torch.nn as nn

    def c3(cin, cout, stride=1, bias=True):
        return nn.Conv2d(cin, cout, 3, stride=stride, padding=1, bias=bias)

    class SoftClip(nn.Module):       # latent range limiter: 3 tanh(x / 3)
        def forward(self, x):
            return 3 * torch.tanh(x / 3)

    class Res(nn.Module):
        """Residual unit: three 3x3 convs with ReLUs between, a 1x1 skip when widths differ, ReLU after the
        sum; with `gn`, first a global-context branch (1x1 up, GroupNorm(4), ReLU, 1x1 down) added to x."""

        def __init__(self, cin, cout, gn=False):
            super().__init__()
            self.conv = nn.Sequential(c3(cin, cout), nn.ReLU(), c3(cout, cout), nn.ReLU(), c3(cout, cout))
            self.skip = nn.Conv2d(cin, cout, 1, bias=False) if cin != cout else nn.Identity()
            self.pool = (nn.Sequential(nn.Conv2d(cin, 4 * cin, 1, bias=False), nn.GroupNorm(4, 4 * cin), nn.ReLU(),
                                       nn.Conv2d(4 * cin, cin, 1, bias=False)) if gn else None)

        def forward(self, x):
            if self.pool is not None:
                x = x + self.pool(x)
            return torch.relu(self.conv(x) + self.skip(x))

    def down():
        return c3(64, 64, stride=2, bias=False)

    def up():
        return [nn.Upsample(scale_factor=2, mode="nearest"), c3(64, 64, bias=False)]

    enc = nn.Sequential(c3(3, 64), Res(64, 64),
                        down(), Res(64, 64), Res(64, 64), Res(64, 64),
                        down(), Res(64, 64), Res(64, 64), Res(64, 64),
                        down(), Res(64, 64, True), Res(64, 64, True), Res(64, 64, True),
                        c3(64, LATENT))
    dec = nn.Sequential(SoftClip(), c3(LATENT, 64), nn.ReLU(),
                        Res(64, 64, True), Res(64, 64, True), Res(64, 64, True), *up(),
                        Res(64, 64), Res(64, 64), Res(64, 64), *up(),
                        Res(64, 64), Res(64, 64), Res(64, 64), *up(),
                        Res(64, 64), c3(64, 3))
    import hashlib
    for name, net in (("taef2_encoder.pth", enc), ("taef2_decoder.pth", dec)):
        path = os.path.join(WEIGHTS, name)
        digest = hashlib.sha256(open(path, "rb").read()).hexdigest()
        if digest != SHA256[name]:
            raise SystemExit(f"{path}: sha256 {digest}, expected {SHA256[name]}")
        net.load_state_dict(torch.load(path, map_location="cpu", weights_only=True))
        net.eval()
    return enc, dec


_net = None


def apply_taef2(frames):
    """RGB uint8 frames (N, H, W, 3) -> their TAEF2 round trip (encode, decode from the latent), same size."""
    import torch
    global _net
    if _net is None:
        torch.set_num_threads(2)
        _net = build()
    enc, dec = _net
    out = []
    with torch.no_grad():
        for f in frames:
            h, w = f.shape[:2]
            ph, pw = (-h) % 8, (-w) % 8
            x = np.pad(f, ((0, ph), (0, pw), (0, 0)), mode="reflect")
            t = torch.from_numpy(x).permute(2, 0, 1)[None].float() / 255
            y = dec(enc(t))[0].clamp(0, 1).permute(1, 2, 0).numpy()
            out.append(np.clip(np.rint(y[:h, :w] * 255), 0, 255).astype(np.uint8))
    return np.stack(out)


def main():
    which = sys.argv[1] if len(sys.argv) > 1 else "lr2"
    M = _load("lr2_make_data", os.path.join(ROOT, "Classifiers", "assay-npr-lr-2", "make_data.py"))
    if which == "lr2":
        clips, _ = M.make_sources()
        todo = [(cid, lambda cid=cid: np.load(os.path.join(M.DATA, "src", cid + ".npy"))) for cid, _ in clips]
        todo = [t for t in todo if not t[0].startswith("bigbuckbunny")]
        outdir = os.path.join(M.DATA, "mp4")
    else:
        S = _load("s4_make_data", os.path.join(ROOT, "Classifiers", "experiments", "s4-real-sources", "make_data.py"))
        todo = []
        for si, name in enumerate(S.SOURCES):
            for cid, r, base in S.recipes(name, si):
                if cid.endswith("-c0"):     # one clip per source (CPU: ~8 s per 256x256 frame here)
                    todo.append((cid, lambda name=name, r=r: S.render(name, r)))
        outdir = os.path.join(S.DATA, "mp4")
    os.makedirs(outdir, exist_ok=True)
    for cid, frames_of in todo:
        out = os.path.join(outdir, f"{cid}__taef2.mp4")
        if os.path.exists(out):
            continue
        t0 = time.time()
        part = out + f".{os.getpid()}.part.mp4"
        M.encode(apply_taef2(frames_of()[:FRAMES]), part)
        os.replace(part, out)
        M.log(f"{cid}__taef2 {time.time() - t0:.1f}s")
    M.log("taef2 done", which)


if __name__ == "__main__":
    main()
