"""Cyclic-coherence probe (numpy prototype of the runtime detector; see RESULTS.md).

A classical interpolation upscale by an integer s of one low-resolution signal is rank-1 cyclostationary with
period s: the DFT of a run of luma satisfies X[k + jN/s] = (H[k + jN/s] / H[k]) X[k] for every row, so the spectral
coherence between bins k and k + jN/s across rows is ~1 wherever the kernel's images rise above the compression
noise. Native footage is stationary (coherence ~ 1/rows).
"""
import json, sys
import numpy as np
sys.path.insert(0, __import__("os").path.dirname(__file__))
from upscale_probe import luma

N = 96
WIN = np.hanning(N)

def spectra(frames):
    """DFTs of windowed runs of N pixels starting on multiples of N, along rows and columns; returns (rowsX, colsX)."""
    out = []
    for axis in (0, 1):
        acc = []
        for y in frames:
            img = y if axis == 0 else y.T
            h, w = img.shape
            for c0 in range(0, w - N + 1, N):
                seg = img[:, c0:c0 + N]
                seg = seg - seg.mean(1, keepdims=True)
                acc.append(np.fft.fft(seg * WIN, axis=1))
        out.append(np.concatenate(acc, 0) if acc else np.zeros((0, N), complex))
    return out

def coherence(X, s, lo=0.06, hi=None):
    """Mean over bins k in [lo*N, N/(2s)) of the coherence between k and k + N/s (all cycle shifts j=1..s-1)."""
    if len(X) == 0: return float("nan")
    hi = hi or 0.5 / s
    ks = range(int(lo * N), int(hi * N))
    vals = []
    for k in ks:
        for j in range(1, s):
            a, b = X[:, k], X[:, (k + j * N // s) % N]
            num = np.abs((a * np.conj(b)).sum()) ** 2
            den = (np.abs(a) ** 2).sum() * (np.abs(b) ** 2).sum() + 1e-12
            vals.append(num / den)
    return float(np.mean(vals))

def probe(frames):
    R, C = spectra(frames)
    return {f"s{s}": [coherence(R, s), coherence(C, s)] for s in (2, 3, 4)}

if __name__ == "__main__":
    for p in sys.argv[1:]:
        print(json.dumps({"path": p, "probe": probe(luma(p, 8))}), flush=True)
