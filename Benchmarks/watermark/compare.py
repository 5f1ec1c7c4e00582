#!/usr/bin/env python3
"""Side-by-side Markdown tables for two robustness runs (redetect.sh's results_final.jsonl), on the clips both hold.
usage: compare.py NAME_A A/results_final.jsonl NAME_B B/results_final.jsonl   (env CLIPS: regex on clip names)
"""
import json, sys, os, re, statistics

def best_z(r):
    """Best pilot z of a detect line: every window's, and the pooled test's (session 4) when present."""
    return max((r.get("z") or [0]) + [r.get("pooled_z", 0)])



def load(path):
    quality, detect = {}, {}
    for line in open(path):
        line = line.strip()
        if not line.startswith("{"):
            continue
        try:
            r = json.loads(line)
        except json.JSONDecodeError:
            continue
        if r.get("kind") == "quality":
            quality[r["clip"]] = r
        elif r.get("kind") == "detect":
            detect[(r["clip"], r["file"].replace(".mp4", ""))] = r
    return quality, detect


def main():
    na, pa, nb, pb = sys.argv[1:5]
    qa, da = load(pa)
    qb, db = load(pb)
    only = os.environ.get("CLIPS", "")
    clips = sorted(c for c in set(qa) & set(qb) if re.search(only, c))
    print(f"{len(clips)} clips in both runs.\n")
    print(f"| clip | PSNR-Y {na} | SSIM-Y {na} | PSNR-Y {nb} | SSIM-Y {nb} |")
    print("|---|---|---|---|---|")
    for c in clips:
        print(f"| {c} | {qa[c]['psnr_y']:.2f} | {qa[c]['ssim_y']:.4f} | {qb[c]['psnr_y']:.2f} | {qb[c]['ssim_y']:.4f} |")
    for name, q in ((na, qa), (nb, qb)):
        ps = [q[c]["psnr_y"] for c in clips]
        ss = [q[c]["ssim_y"] for c in clips]
        low = [c for c in clips if q[c]["ssim_y"] < 0.995 or q[c]["psnr_y"] < 48]
        print(f"\n{name}: PSNR-Y {min(ps):.2f}-{max(ps):.2f} dB, SSIM-Y {min(ss):.4f}-{max(ss):.4f}; "
              f"clips below SSIM-Y 0.995 or PSNR-Y 48 dB: {len(low)} ({', '.join(low) or '-'})")
    attacks = sorted({a for (_, a) in da} | {a for (_, a) in db}, key=lambda a: (a != "marked", a))
    print(f"\nCells: payload exact / present (p <= 1e-6), then the median best-test z.\n")
    print(f"| attack | clips | {na} payload | {nb} payload | {na} present | {nb} present | {na} median z | {nb} median z "
          f"| payload only {na} | payload only {nb} |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for a in attacks:
        both = [c for c in clips if (c, a) in da and (c, a) in db]
        if not both:
            continue
        ra = [da[(c, a)] for c in both]
        rb = [db[(c, a)] for c in both]
        pay_a = sum(r["payload_ok"] for r in ra)
        pay_b = sum(r["payload_ok"] for r in rb)
        pre_a = sum(r["present"] for r in ra)
        pre_b = sum(r["present"] for r in rb)
        za = statistics.median(best_z(r) for r in ra)
        zb = statistics.median(best_z(r) for r in rb)
        only_a = [c for c in both if da[(c, a)]["payload_ok"] and not db[(c, a)]["payload_ok"]]
        only_b = [c for c in both if db[(c, a)]["payload_ok"] and not da[(c, a)]["payload_ok"]]
        n = len(both)
        print(f"| {a} | {n} | {pay_a}/{n} | {pay_b}/{n} | {pre_a}/{n} | {pre_b}/{n} | {za:.1f} | {zb:.1f} "
              f"| {', '.join(only_a) or '-'} | {', '.join(only_b) or '-'} |")


if __name__ == "__main__":
    main()
