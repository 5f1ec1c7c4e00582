#!/usr/bin/env python3
"""Builds the watermark benchmark clip set (3 s each, yuv420p, x264 CRF 10) into OUTDIR.

usage: make_clips.py OUTDIR [--only NAME...]

Sources: segments of the bundled Fixtures (bigbuckbunny CGI, bikes camera footage, carphone) and the
scikit-image photographs rendered as slow camera moves (pan, zoom, static) with camera-like noise added
at the output resolution (signal-dependent shot noise plus read noise, new every frame). Dark and flat
scenes are included on purpose: they are the worst case for visibility and SSIM.
Needs: numpy, opencv-python-headless, scikit-image (in the worktree venv) and the ffmpeg CLI.
"""
import os, subprocess, sys
import numpy as np

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
FIX = os.path.join(ROOT, "Fixtures")
SECONDS = 3
FPS = 30


def ffmpeg_fixture(out, src, start, vf, fps=None):
    cmd = ["ffmpeg", "-v", "error", "-y", "-ss", str(start), "-i", os.path.join(FIX, src), "-t", str(SECONDS), "-an"]
    filters = vf + ([f"fps={fps}"] if fps else [])
    if filters:
        cmd += ["-vf", ",".join(filters)]
    cmd += ["-c:v", "libx264", "-preset", "medium", "-crf", "10", "-pix_fmt", "yuv420p", "-threads", "1", "-f", "mp4", out]
    subprocess.run(cmd, check=True)


def render(out, image, w, h, move, rng, gain=1.0, offset=0.0, read_noise=1.2, shot=0.08):
    """Renders a camera move over `image` (HxWx3 float 0..255) at w x h, FPS, SECONDS."""
    import cv2
    ih, iw = image.shape[:2]
    n = SECONDS * FPS
    proc = subprocess.Popen(
        ["ffmpeg", "-v", "error", "-y", "-f", "rawvideo", "-pix_fmt", "rgb24", "-s", f"{w}x{h}", "-r", str(FPS),
         "-i", "-", "-an", "-c:v", "libx264", "-preset", "medium", "-crf", "10", "-pix_fmt", "yuv420p",
         "-threads", "1", "-f", "mp4", out], stdin=subprocess.PIPE)
    for i in range(n):
        t = i / max(1, n - 1)
        # view rectangle in image coordinates: centre (cx, cy), width vw (height from the output aspect)
        cx, cy, vw = move(t, iw, ih)
        vh = vw * h / w
        s = w / vw
        m = np.array([[s, 0, w / 2 - s * cx], [0, s, h / 2 - s * cy]], dtype=np.float64)
        frame = cv2.warpAffine(image, m, (w, h), flags=cv2.INTER_CUBIC, borderMode=cv2.BORDER_REFLECT)
        frame = frame * gain + offset
        # camera noise at the output resolution: shot noise (variance ~ signal) + read noise, per frame
        sd = np.sqrt(shot * np.clip(frame, 0, 255) + read_noise ** 2)
        frame = frame + rng.standard_normal(frame.shape[:2])[..., None] * sd
        proc.stdin.write(np.clip(frame + 0.5, 0, 255).astype(np.uint8).tobytes())
    proc.stdin.close()
    if proc.wait() != 0:
        raise SystemExit(f"ffmpeg failed for {out}")


def pan(x0, x1, y0, y1, zoom0, zoom1):
    """Linear move: centre from (x0, y0) to (x1, y1) and view width from zoom0 to zoom1 (fractions of the image)."""
    def f(t, iw, ih):
        return ((x0 + (x1 - x0) * t) * iw, (y0 + (y1 - y0) * t) * ih, (zoom0 + (zoom1 - zoom0) * t) * iw)
    return f


def load(name):
    import skimage.data as d
    img = getattr(d, name)()
    if img.ndim == 2:
        img = np.stack([img] * 3, axis=-1)
    img = img[..., :3].astype(np.float32)
    if img.max() <= 1.0:
        img = img * 255
    return img


def flat_scene(w, h):
    """A smooth sky-like gradient with a soft horizon (no texture at all)."""
    y = np.linspace(0, 1, h, dtype=np.float32)[:, None, None]
    x = np.linspace(0, 1, w, dtype=np.float32)[None, :, None]
    sky = np.array([90, 140, 200], np.float32) * (1 - 0.35 * y) + 12 * x
    ground = np.array([70, 90, 60], np.float32) * np.ones_like(y)
    mix = 1 / (1 + np.exp(-(y - 0.7) * 40))
    return (sky * (1 - mix) + ground * mix).astype(np.float32) * np.ones((1, w, 1), np.float32)


def clips():
    # name: (kind, args)
    c = {}
    # --- Fixtures segments (720p)
    c["bunnyA720"] = ("fix", ("bigbuckbunny.mp4", 0, [], None))
    c["bunnyB720"] = ("fix", ("bigbuckbunny.mp4", 2.2, [], None))
    c["bunnydark720"] = ("fix", ("bigbuckbunny.mp4", 0, ["eq=brightness=-0.22:contrast=0.7"], None))
    c["bikesA720"] = ("fix", ("bikes.mp4", 0, ["scale=1280:720:flags=bicubic"], 30))
    c["bikesB720"] = ("fix", ("bikes.mp4", 3.5, ["scale=1280:720:flags=bicubic"], 30))
    c["bikesC720"] = ("fix", ("bikes.mp4", 7, ["scale=1280:544:flags=lanczos", "pad=1280:720:0:88"], 30))
    c["carphone720"] = ("fix", ("carphone.mp4", 0, ["scale=1280:720:flags=bicubic"], 30))
    # --- photographs as camera moves (720p)
    c["astronaut720"] = ("img", ("astronaut", pan(0.35, 0.6, 0.4, 0.45, 0.6, 0.6), {}))
    c["chelsea720"] = ("img", ("chelsea", pan(0.5, 0.5, 0.5, 0.5, 0.9, 0.6), {}))
    c["coffee720"] = ("img", ("coffee", pan(0.4, 0.6, 0.5, 0.5, 0.7, 0.7), {}))
    c["rocket720"] = ("img", ("rocket", pan(0.5, 0.5, 0.45, 0.55, 0.7, 0.7), {}))
    c["hubble720"] = ("img", ("hubble_deep_field", pan(0.4, 0.55, 0.5, 0.5, 0.5, 0.5), {}))
    c["ihc720"] = ("img", ("immunohistochemistry", pan(0.45, 0.55, 0.45, 0.55, 0.6, 0.6), {}))
    c["retina720"] = ("img", ("retina", pan(0.5, 0.5, 0.5, 0.5, 0.9, 0.8), {}))
    c["camera720"] = ("img", ("camera", pan(0.4, 0.6, 0.5, 0.5, 0.8, 0.8), {}))
    c["coins720"] = ("img", ("coins", pan(0.5, 0.5, 0.5, 0.5, 0.8, 0.7), {}))
    c["moon720"] = ("img", ("moon", pan(0.45, 0.55, 0.5, 0.5, 0.8, 0.8), {"gain": 0.45, "offset": 4}))
    c["brick720"] = ("img", ("brick", pan(0.4, 0.6, 0.5, 0.5, 0.7, 0.7), {}))
    c["grass720"] = ("img", ("grass", pan(0.45, 0.55, 0.5, 0.5, 0.7, 0.7), {}))
    c["gravel720"] = ("img", ("gravel", pan(0.5, 0.5, 0.45, 0.55, 0.7, 0.7), {}))
    c["page720"] = ("img", ("page", pan(0.3, 0.7, 0.5, 0.5, 0.5, 0.5), {}))
    c["astrodark720"] = ("img", ("astronaut", pan(0.5, 0.5, 0.5, 0.5, 0.8, 0.8), {"gain": 0.25, "offset": 6}))
    c["flatsky720"] = ("flat", (pan(0.45, 0.55, 0.5, 0.5, 0.9, 0.9), {"read_noise": 0.8, "shot": 0.02}))
    c["stillcoffee720"] = ("img", ("coffee", pan(0.5, 0.5, 0.5, 0.5, 0.8, 0.8), {"read_noise": 0.6, "shot": 0.01}))
    # --- 1080p
    c["bunny1080"] = ("fix", ("bigbuckbunny.mp4", 0, ["scale=1920:1080:flags=bicubic"], None))
    c["bikes1080"] = ("fix", ("bikes.mp4", 0, ["scale=1920:1080:flags=bicubic"], 30))
    c["astronaut1080"] = ("img", ("astronaut", pan(0.35, 0.6, 0.4, 0.45, 0.6, 0.6), {}))
    c["coffee1080"] = ("img", ("coffee", pan(0.4, 0.6, 0.5, 0.5, 0.7, 0.7), {}))
    c["moon1080"] = ("img", ("moon", pan(0.45, 0.55, 0.5, 0.5, 0.8, 0.8), {"gain": 0.45, "offset": 4}))
    c["flatsky1080"] = ("flat", (pan(0.45, 0.55, 0.5, 0.5, 0.9, 0.9), {"read_noise": 0.8, "shot": 0.02}))
    return c


def main():
    out = sys.argv[1]
    only = sys.argv[3:] if len(sys.argv) > 2 and sys.argv[2] == "--only" else None
    os.makedirs(out, exist_ok=True)
    for i, (name, (kind, a)) in enumerate(clips().items()):
        if only and name not in only:
            continue
        path = os.path.join(out, name + ".mp4")
        if os.path.exists(path):
            continue
        w, h = (1920, 1080) if name.endswith("1080") else (1280, 720)
        rng = np.random.default_rng(1000 + i)
        tmp = path + ".part"  # not matched by *.mp4 while it is written
        if kind == "fix":
            ffmpeg_fixture(tmp, *a)
        elif kind == "img":
            render(tmp, load(a[0]), w, h, a[1], rng, **a[2])
        else:
            render(tmp, flat_scene(640, 360), w, h, a[0], rng, **a[1])
        os.replace(tmp, path)
        print("made", path, flush=True)


if __name__ == "__main__":
    main()
