#!/usr/bin/env python3
"""Wrong-match probability of the repository match for a noisy codeword, from the code's exact distance
distribution (code_distance.py --save FILE), session 9.

Model: the clip's soft bits are s = a x(c) + n (x(c) the +-1 codeword of the clip's payload c, n white Gaussian),
so that the correlation with the clip's own codeword is about alpha = a / sqrt(a^2 + var(n)) (what the match
reports as r for the right payload), and the correlation with a stored payload c' that is not the clip's is
r' = alpha rho + N(0, (1 - alpha^2) / 172), rho = 1 - 2 d(c, c') / 172, d distributed as the code's weights.
Prints, per alpha, P(r' >= tau) per stored payload, the same for random 172-bit strings (what Hoeffding's bound
assumes), the bound exp(-172 tau^2 / 2), and the wrong-match rate k N P for k = 2 vectors and N = 2^20 and 10^4
stored payloads (the design's target: 1e-6 per present clip at N = 2^20).

usage: match_risk.py DISTRIBUTION.json [TAU...]   (default: session 9's first threshold for k = 2, N = 2^20, Hoeffding
only, 0.5744, and the shipped ones, k = 2: just above 1 - 72/172 = 0.5814; k = 3 or 4: just above 1 - 68/172 = 0.6047)
"""
import json, math, sys

d = json.load(open(sys.argv[1]))
n = d["coded_bits"]
p = d["probability_of_weight"]
taus = [float(t) for t in sys.argv[2:]] or [math.sqrt(2 * math.log(2 * 2**20 / 1e-6) / n), 1 - 72 / n + 1e-9,
                                              1 - 68 / n + 1e-9]
# Weights above max_weight: the rest of the mass, put at the weight where it hurts most (max_weight + 1).
rest = max(0.0, 1.0 - sum(p))
weights = list(enumerate(p)) + [(len(p), rest)]
binom = [(w, math.comb(n, w) / 2.0**n) for w in range(n + 1)]


def Q(z):
    return 0.5 * math.erfc(z / math.sqrt(2))


def tail(dist, alpha, tau):
    s = math.sqrt(max(1e-300, (1 - alpha * alpha) / n))
    total = 0.0
    for w, pw in dist:
        if w == 0 or pw == 0:
            continue
        rho = 1 - 2 * w / n
        total += pw * (Q((tau - alpha * rho) / s) if alpha < 1 else (1.0 if rho >= tau else 0.0))
    return total


for tau in taus:
    bound = math.exp(-n * tau * tau / 2)
    print(f"\ntau = {tau:.4f}; bound exp(-172 tau^2/2) = {bound:.3g}; mass of the distribution beyond weight "
          f"{len(p) - 1}: {rest:.3g}")
    print("| alpha (the clip's own r) | P(r' >= tau) per stored payload, this code | random strings | code / bound | "
          "wrong matches per present clip, k = 2, N = 2^20 | k = 2, N = 10^4 |")
    print("|---|---|---|---|---|---|")
    for alpha in [0.0, 0.3, 0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95, 1.0]:
        pc, pb = tail(weights, alpha, tau), tail(binom, alpha, tau)
        print(f"| {alpha:.2f} | {pc:.3g} | {pb:.3g} | {pc / bound:.2g} | {2 * 2**20 * pc:.2g} | {2 * 1e4 * pc:.2g} |")
