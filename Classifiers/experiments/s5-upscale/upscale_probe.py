"""Prototype of the classical-upscale probe (numpy), used for the diagnosis in RESULTS.md.

For a factor s and an interpolation kernel K, a frame that is K-upscaled by s lies (before the final encode) in
the span of the 1-D upscaling operator U applied along rows and along columns. The probe projects 1-D runs of
luma onto span(U) at each of the s grid phases and compares the residual energies: at the true phase the
residual is much smaller than at the others (the high band is the kernel's deterministic image of the low band);
for native footage and for learned decoders no phase is special.
"""
import json, subprocess, sys
import numpy as np

def k_cubic(a):
    def f(x):
        x = np.abs(x)
        return np.where(x <= 1, (a + 2) * x**3 - (a + 3) * x**2 + 1,
                        np.where(x < 2, a * x**3 - 5 * a * x**2 + 8 * a * x - 4 * a, 0.0))
    return f, 2

def k_lanczos(x):
    x = np.asarray(x, float)
    return np.where(np.abs(x) < 3, np.sinc(x) * np.sinc(x / 3), 0.0)

def k_linear(x):
    return np.maximum(0, 1 - np.abs(x))

KERNELS = {"cubic-0.5": k_cubic(-0.5), "lanczos3": (k_lanczos, 3), "linear": (k_linear, 1)}

def projector(L, s, phase, kernel):
    f, support = kernel
    j = np.arange(L) + phase
    u = (j + 0.5) / s - 0.5
    k0 = int(np.floor(u.min())) - support
    k1 = int(np.ceil(u.max())) + support
    ks = np.arange(k0, k1 + 1)
    U = f(u[:, None] - ks[None, :])
    U /= U.sum(1, keepdims=True)
    return U @ np.linalg.pinv(U)

_cache = {}
def P(L, s, phase, kname):
    key = (L, s, phase, kname)
    if key not in _cache:
        _cache[key] = projector(L, s, phase, KERNELS[kname])
    return _cache[key]

L = 96
def probe(frames, factors=(2, 3, 4), kernels=("cubic-0.5", "lanczos3", "linear")):
    """frames: list of 2-D float luma. Returns {(s,k): phase residual energies (rows+cols)}."""
    out = {}
    for s in factors:
        for kn in kernels:
            e = np.zeros(s)
            for y in frames:
                H, W = y.shape
                for axis_img in (y, y.T):
                    h, w = axis_img.shape
                    if w < L + s: continue
                    rows = axis_img[::4]  # every 4th line
                    starts = range(0, w - L - s + 1, L)
                    for c0 in starts:
                        for ph in range(s):
                            seg = rows[:, c0 + ph: c0 + ph + L]
                            # tile starting at global column c0+ph has grid phase (c0+ph) mod s
                            g = (c0 + ph) % s
                            r = seg - seg @ P(L, s, g, kn).T
                            e[ph] += (r[:, 8:-8] ** 2).sum()
            out[f"{s}:{kn}"] = e.tolist()
    return out

def luma(path, nframes=4):
    info = subprocess.run(["ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries",
                           "stream=width,height", "-of", "csv=p=0", path], capture_output=True, text=True).stdout
    w, h = map(int, info.strip().split(",")[:2])
    raw = subprocess.run(["ffmpeg", "-v", "error", "-i", path, "-frames:v", str(nframes), "-f", "rawvideo",
                          "-pix_fmt", "gray", "-"], capture_output=True).stdout
    a = np.frombuffer(raw, np.uint8).reshape(-1, h, w).astype(float)
    return [f for f in a[::2]]

if __name__ == "__main__":
    for p in sys.argv[1:]:
        print(json.dumps({"path": p, "probe": probe(luma(p))}), flush=True)
