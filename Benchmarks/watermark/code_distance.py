#!/usr/bin/env python3
"""Exact distance distribution of the watermark's payload code (session 9).

PayloadCodec: 64 data bits, CRC-16-CCITT (poly 0x1021, init 0xFFFF, MSB first), a terminated K=7 rate-1/2
convolutional code (133/171 octal): 172 coded bits. The code is affine in the payload (the CRC's initial value),
so the Hamming distance between the codewords of two independent uniform payloads a, b is the weight of the linear
code's codeword for d = a xor b, d uniform. This computes that weight distribution exactly, by dynamic programming
over the trellis (64 convolutional states x 65,536 CRC states, weights up to WMAX), and prints P(r >= x) for the
repository match's statistic on a clean codeword, r = 1 - 2 d / 172, beside the bound exp(-172 x^2 / 2) and the
binomial tail of random 172-bit strings. Needs numpy; about 2 GB of memory and a few minutes of CPU.

usage: code_distance.py [WMAX] [--save FILE]   (default WMAX 86: every x >= 0; FILE gets the distribution as JSON)
"""
import math, sys
import numpy as np

N_CODED, K, G0, G1 = 172, 7, 0o133, 0o171
args = sys.argv[1:]
SAVE = None
if "--save" in args:
    i = args.index("--save"); SAVE = args[i + 1]; del args[i : i + 2]
WMAX = int(args[0]) if args else 86
W = WMAX + 1


def parity(x):
    return bin(x).count("1") & 1


def out_weight(conv, b):
    reg = conv << 1 | b
    return parity(reg & G0) + parity(reg & G1)


crc = np.arange(65536, dtype=np.int64)
# Linear part of one data bit's CRC step: source register -> destination register, for input bit b.
dest_crc = {b: ((crc << 1) & 0xFFFF) ^ np.where(((crc >> 15) & 1) ^ b, 0x1021, 0) for b in (0, 1)}

P = np.zeros((64, 65536, W), dtype=np.float64)
P[0, 0, 0] = 1.0


def step(P, transitions):
    """transitions: list of (conv, src_rows, b, dest_rows); each adds P[conv, src_rows] shifted by the output
    weight, halved for data bits (weight 1 for the deterministic CRC/tail steps handled by the caller)."""
    Q = np.zeros_like(P)
    for conv, src, b, dst, scale in transitions:
        inc = out_weight(conv, b)
        nc = ((conv << 1) | b) & 63
        block = P[conv] if src is None else P[conv, src]
        if scale != 1.0:
            block = block * scale
        if dst is None:
            Q[nc, :, inc:] += block[:, : W - inc]
        else:
            Q[nc, dst, inc:] += block[:, : W - inc]
    return Q


for i in range(64):  # data bits: each value with probability 1/2
    P = step(P, [(c, None, b, dest_crc[b], 0.5) for c in range(64) for b in (0, 1)])
    print(f"data bit {i + 1}/64", file=sys.stderr, end="\r" if i < 63 else "\n")
low, high = crc[crc < 32768], crc[crc >= 32768]
for i in range(16):  # CRC bits: the register's top bit, shifted out (no feedback)
    P = step(P, [(c, rows, b, (rows << 1) & 0xFFFF, 1.0) for c in range(64) for b, rows in ((0, low), (1, high))])
assert np.allclose(P[:, 1:, :].sum(), 0), "CRC register not empty after its 16 bits"
v = P[:, 0, :]
for i in range(K - 1):  # tail zeros
    nv = np.zeros_like(v)
    for c in range(64):
        inc = out_weight(c, 0)
        nv[(c << 1) & 63, inc:] += v[c, : W - inc]
    v = nv
dist = v[0]
mass = dist.sum()
print(f"mass up to weight {WMAX}: {mass:.6f} (the rest is above), P(weight 0) = {dist[0]:.3g} (2^-64 = {2.0**-64:.3g})",
      file=sys.stderr)
if SAVE:
    import json
    json.dump({"coded_bits": N_CODED, "max_weight": WMAX, "probability_of_weight": [float(p) for p in dist]}, open(SAVE, "w"))
nz = [w for w in range(1, W) if dist[w] > 0]
print(f"minimum nonzero weight {nz[0]}: probability {dist[nz[0]]:.3g}")
print("| x | distance <= | P(r >= x) exact | random 172-bit strings (binomial) | exact / binomial | bound exp(-172 x^2/2) | bound / exact |")
print("|---|---|---|---|---|---|---|")
for x in [0.20, 0.25, 0.30, 0.35, 0.40, 0.45, 0.50, 0.55, 0.574, 0.60, 0.65, 0.70, 0.75]:
    t = math.floor((1 - x) * N_CODED / 2 + 1e-9)
    if t > WMAX:
        continue
    exact = dist[1 : t + 1].sum()
    binom = sum(math.comb(N_CODED, d) for d in range(t + 1)) / 2.0**N_CODED
    bound = math.exp(-N_CODED * x * x / 2)
    print(f"| {x:.3g} | {t} | {exact:.3g} | {binom:.3g} | {exact / binom:.2f} | {bound:.3g} | {bound / exact:.1f} |")
