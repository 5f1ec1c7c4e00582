#!/usr/bin/env python3
"""Markdown tables from robustness.sh / iwm_robustness.sh / false_positives.sh output.
usage: summarize.py robust RESULTS.jsonl...   |   summarize.py fp FP.jsonl...   |   summarize.py cpu CPU.jsonl...
"""
import json, sys, collections, math, os, re, statistics

def best_z(r):
    """Best pilot z of a detect line: every window's, and the pooled test's (session 4) when present."""
    return max((r.get("z") or [0]) + [r.get("pooled_z", 0)])



def wilson_lower(k, n, z=1.96):
    """Wilson score interval, 95 % lower bound for k successes in n trials."""
    if n == 0:
        return float("nan")
    p = k / n
    centre = p + z * z / (2 * n)
    spread = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return (centre - spread) / (1 + z * z / n)

def load(paths):
    rows = []
    for p in paths:
        for line in open(p):
            line = line.strip()
            if line.startswith("{"):
                try:
                    rows.append(json.loads(line))
                except json.JSONDecodeError:
                    pass
    return rows

def detect_lines(path):
    """Detect lines of one run keyed by (clip, attack); "attack" from geom_attacks.sh / crop_attacks.sh, else the file
    name of redetect.sh. A re-run replaces an earlier line."""
    return {(r["clip"], r.get("attack") or r["file"].replace(".mp4", "")): r
            for r in load([path]) if r.get("kind") == "detect"}


def group_counts(a, b, ks):
    """Two runs on one group of files: payloads exact, present and median best z of each, and the clips whose payload
    only one of them has."""
    return dict(payload=(sum(a[k]["payload_ok"] for k in ks), sum(b[k]["payload_ok"] for k in ks)),
                present=(sum(a[k]["present"] for k in ks), sum(b[k]["present"] for k in ks)),
                z=(statistics.median(best_z(a[k]) for k in ks), statistics.median(best_z(b[k]) for k in ks)),
                only=([k[0] for k in ks if a[k]["payload_ok"] and not b[k]["payload_ok"]],
                      [k[0] for k in ks if b[k]["payload_ok"] and not a[k]["payload_ok"]]))


def group_row(label, ks, c):
    """A Markdown table row of group_counts: label cells, files, payloads, present, median z, payload only in each."""
    (pa, pb), (sa, sb), (za, zb), (oa, ob) = c["payload"], c["present"], c["z"], c["only"]
    return (f"| {label} | {len(ks)} | {pa} | {pb} | {sa} | {sb} | {za:.1f} | {zb:.1f} "
            f"| {', '.join(oa) or '-'} | {', '.join(ob) or '-'} |")


def robust(paths):
    rows = load(paths)
    # one row per (clip, kind, file): a re-run replaces an earlier line
    unique = collections.OrderedDict()
    for r in rows:
        unique[(r.get("clip"), r.get("kind"), r.get("file"))] = r
    rows = list(unique.values())
    only = os.environ.get("CLIPS")  # regex on clip names, e.g. "720$" or "1080$"
    if only:
        rows = [r for r in rows if re.search(only, r.get("clip", ""))]
    q = [r for r in rows if r.get("kind") == "quality"]
    print("| clip | PSNR-Y (dB) | SSIM-Y | max abs change | embed fps (in harness) |")
    print("|---|---|---|---|---|")
    for r in q:
        print(f"| {r['clip']} | {r['psnr_y']:.2f} | {r['ssim_y']:.4f} | {r.get('max_abs', '-')} | {r['embed_fps']} |")
    d = [r for r in rows if r.get("kind") == "detect"]
    by = collections.OrderedDict()
    for r in d:
        name = r["file"].replace(".mp4", "")
        by.setdefault(name, []).append(r)
    print()
    ours = "present" in (d[0] if d else {})
    if ours:
        print("| attack | clips | payload exact | Wilson 95 % lower bound | present (p <= 1e-6) | min z (best test) | clips failing payload |")
        print("|---|---|---|---|---|---|---|")
    else:
        print("| attack | clips | payload exact (majority over frames) | mean per-frame bit accuracy |")
        print("|---|---|---|---|")
    order = ["marked"] + sorted(k for k in by if k != "marked")
    for k in order:
        if k not in by:
            continue
        rs = by[k]
        n = len(rs)
        ok = sum(1 for r in rs if r["payload_ok"])
        if ours:
            pres = sum(1 for r in rs if r["present"])
            minz = min(best_z(r) for r in rs)
            fails = ", ".join(r["clip"] for r in rs if not r["payload_ok"]) or "-"
            print(f"| {k} | {n} | {ok}/{n} ({100*ok/n:.0f} %) | {100*wilson_lower(ok, n):.0f} % | {pres}/{n} ({100*pres/n:.0f} %) | {minz:.1f} | {fails} |")
        else:
            acc = sum(r["bit_acc"] for r in rs) / n
            print(f"| {k} | {n} | {ok}/{n} ({100*ok/n:.0f} %) | {acc:.3f} |")


def fp(paths):
    # one row per file (two runs over overlapping file lists: the later line wins)
    unique = collections.OrderedDict()
    for r in load(paths):
        if r.get("windows", 0) > 0:
            unique[r.get("path", r.get("file"))] = r
    rows = list(unique.values())
    pairs = sum(r["keys"] for r in rows)
    present = sum(r["present"] for r in rows)
    # tests per key: the time windows, plus a pooled test when there are several windows (v2's detector: POOLED=1)
    pooled = os.environ.get("POOLED") == "1"
    windows = sum(r["keys"] * (r["windows"] + (1 if pooled and r["windows"] > 1 else 0)) for r in rows)
    minp = min(r["min_p"] for r in rows)
    maxz = max(r["max_z_first25"] for r in rows)
    label = "test x key (windows + pooled)" if pooled else "window x key tests"
    print(f"| files | clip x key pairs | {label} | called present | smallest clip p-value | largest null z (25 keys/file) |")
    print("|---|---|---|---|---|---|")
    print(f"| {len(rows)} | {pairs} | {windows} | {present} | {minp:.3g} | {maxz:.2f} |")

def cpu(paths):
    """detect_cpu.sh output: per file the median cpu_s of each side (A, B) over its runs, then per class (the
    CLASSES env: comma-separated name=regex on the path, default 720p/1080p by name) the median over files of
    A, of B and of B - A, and the largest B - A."""
    per = collections.defaultdict(lambda: collections.defaultdict(list))
    cmds = {}
    for r in load(paths):
        per[r["path"]][r["bin"]].append(r["cpu_s"])
        cmds[r["bin"]] = r.get("cmd", r["bin"])
    spec = os.environ.get("CLASSES", "3 s 720p=set2/.*720,3 s 1080p=set2/.*1080,10 s 1080p=10s")
    classes = [c.split("=", 1) for c in spec.split(",")]
    print(f"A: `{cmds.get('A')}`, B: `{cmds.get('B')}`\n")
    print("| class | files | runs per file and side | median cpu_s A | median cpu_s B | median B - A | largest B - A |")
    print("|---|---|---|---|---|---|---|")
    for name, rx in classes:
        files = [p for p in per if re.search(rx, p) and per[p]["A"] and per[p]["B"]]
        if not files:
            continue
        a = [statistics.median(per[p]["A"]) for p in files]
        b = [statistics.median(per[p]["B"]) for p in files]
        d = [y - x for x, y in zip(a, b)]
        runs = min(min(len(per[p]["A"]), len(per[p]["B"])) for p in files)
        print(f"| {name} | {len(files)} | {runs} | {statistics.median(a):.3f} | {statistics.median(b):.3f} | "
              f"{statistics.median(d):+.3f} | {max(d):+.3f} |")

if __name__ == "__main__":
    {"robust": robust, "fp": fp, "cpu": cpu}[sys.argv[1]](sys.argv[2:])
