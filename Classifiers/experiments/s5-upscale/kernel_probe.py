"""Classical-upscale probe (numpy reference of the runtime `UpscaleProbe`; see RESULTS.md).

An upscale by an integer s with a fixed interpolation kernel K is Y(f) = L(s f) G_K(f): the spectrum at
f + j/s is the kernel's deterministic image of the spectrum at f, Y(f + j/s) = T_K,j(f) Y(f) with
T = G(f + j/s) / G(f). For runs of N = 96 luma pixels starting on multiples of 96 (so every factor 2, 3, 4 has the
same grid phase in every run, up to a global shift phi that the bank enumerates), the probe measures, for each
(s, K, phi), the share of the image bins' energy that the kernel model explains:

    E = sum_k [2 Re(conj(T) c_k) - |T|^2 p_k] / sum_k q_k,   c_k = sum_runs Y[b] conj(Y[k]), p = |Y[k]|^2, q = |Y[b]|^2

E is near 0 or negative for stationary (native) footage and for outputs whose images do not follow a classical
kernel; it approaches the leakage-to-total share of the image bins for a classical upscale.
"""
import json, os, sys
import numpy as np
sys.path.insert(0, os.path.dirname(__file__))
from upscale_probe import luma

N = 96
WIN = np.hanning(N)
FACTORS = (2, 3, 4)
LOW_BIN = 4

def cubic(a):
    def f(x):
        x = np.abs(x)
        return np.where(x <= 1, (a + 2) * x**3 - (a + 3) * x**2 + 1,
                        np.where(x < 2, a * x**3 - 5 * a * x**2 + 8 * a * x - 4 * a, 0.0))
    return f, 2.0

KERNELS = {
    "bicubic-0.5": cubic(-0.5), "bicubic-0.6": cubic(-0.6), "bicubic-0.75": cubic(-0.75),
    "lanczos3": (lambda x: np.where(np.abs(x) < 3, np.sinc(x) * np.sinc(np.asarray(x) / 3), 0.0), 3.0),
    "bilinear": (lambda x: np.maximum(0, 1 - np.abs(x)), 1.0),
}

def gain(kernel, s, f):
    """G(f) of the interpolation filter g[d] = K((d + (1 - s)/2) / s) applied to the s-fold zero-stuffed signal."""
    K, support = kernel
    d = np.arange(-int(np.ceil(support * s)) - s, int(np.ceil(support * s)) + s + 1)
    g = K((d + (1 - s) / 2) / s)
    return (g[None, :] * np.exp(-2j * np.pi * np.asarray(f)[:, None] * d[None, :])).sum(1)

def runs(frames, rows_step=2):
    out = []
    for y in frames:
        for img in (y, y.T):
            h, w = img.shape
            for c0 in range(0, w - N + 1, N):
                seg = img[::rows_step, c0:c0 + N]
                seg = seg - seg.mean(1, keepdims=True)
                out.append(np.fft.fft(seg * WIN, axis=1))
    return np.concatenate(out, 0) if out else None

def probe(frames):
    X = runs(frames)
    res = {}
    if X is None: return res
    for s in FACTORS:
        ks = np.arange(LOW_BIN, N // (2 * s))
        f = ks / N
        for kname, kern in KERNELS.items():
            G0 = gain(kern, s, f)
            best = -9.0
            for phi in range(s):
                num = 0.0; den = 0.0
                for j in range(1, s):
                    b = (ks + j * N // s) % N
                    T = gain(kern, s, f + j / s) / G0 * np.exp(2j * np.pi * j * phi / s)
                    c = (X[:, b] * np.conj(X[:, ks])).sum(0)
                    p = (np.abs(X[:, ks]) ** 2).sum(0)
                    q = (np.abs(X[:, b]) ** 2).sum(0)
                    num += (2 * np.real(np.conj(T) * c) - np.abs(T) ** 2 * p).sum()
                    den += q.sum()
                best = max(best, num / max(den, 1e-9))
            res[f"{s}:{kname}"] = best
    return res

def summary(res):
    if not res: return None, None, None
    k = max(res, key=res.get)
    return res[k], int(k.split(":")[0]), k.split(":")[1]

if __name__ == "__main__":
    for p in sys.argv[1:]:
        r = probe(luma(p, 8))
        print(json.dumps({"path": p, "best": summary(r), "probe": r}), flush=True)
