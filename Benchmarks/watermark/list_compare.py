#!/usr/bin/env python3
"""Compares redetect.sh (or geom_attacks.sh detect) result files of two or more detectors on the same encodes
(session 4 part 2: list Viterbi; session 6: the extended geometry search on and off).
usage: list_compare.py NAME=FILE ...   prints, per resolution and attack: payload exact / present per run,
wrong payloads (clip and segment level), and the files whose payload differs between the first run and the others."""
import json, sys
from collections import defaultdict

runs = [a.split("=", 1) for a in sys.argv[1:]]
data = {}
for name, path in runs:
    rows = {}
    for line in open(path):
        r = json.loads(line)
        if r.get("kind") != "detect":
            continue
        rows[(r["clip"], r["file"])] = r
    data[name] = rows
keys = sorted(set.intersection(*(set(d) for d in data.values())))
def res(clip): return "1080p" if clip.endswith("1080") else "720p"
groups = defaultdict(list)
for k in keys:
    groups[(res(k[0]), k[1].replace(".mp4", ""))].append(k)
names = [n for n, _ in runs]
print("| res | attack | files | " + " | ".join(f"{n} payload / present" for n in names)
      + " | " + " | ".join(f"{n} wrong (clip/segments)" for n in names) + " |")
print("|---|---|---|" + "---|" * (2 * len(names)))
for g in sorted(groups):
    ks = groups[g]
    cells, wrong = [], []
    for n in names:
        d = data[n]
        cells.append(f"{sum(d[k]['payload_ok'] for k in ks)} / {sum(d[k]['present'] for k in ks)}")
        wrong.append(f"{sum(d[k].get('payload_wrong', False) for k in ks)} / {sum(d[k].get('segments_wrong', 0) for k in ks)}")
    print(f"| {g[0]} | {g[1]} | {len(ks)} | " + " | ".join(cells) + " | " + " | ".join(wrong) + " |")
tot = {n: (sum(data[n][k]["payload_ok"] for k in keys), sum(data[n][k].get("payload_wrong", False) for k in keys),
           sum(data[n][k].get("segments_wrong", 0) for k in keys), sum(data[n][k]["present"] for k in keys),
           sum(data[n][k]["cpu_s"] for k in keys)) for n in names}
for n in names:
    print(f"{n}: {len(keys)} files, payload exact {tot[n][0]}, present {tot[n][3]}, wrong payload (clip) {tot[n][1]},"
          f" wrong segments {tot[n][2]}, detector cpu_s total {tot[n][4]:.1f}")
base = names[0]
for n in names[1:]:
    # Session 6: session 4's region must keep its candidates (the first 3 of the search) whatever the extension does.
    same3 = sum(data[base][k].get("search", [])[:3] == data[n][k].get("search", [])[:3] for k in keys)
    print(f"{n} vs {base}: first 3 search candidates identical on {same3} of {len(keys)} files")
    for k in keys:
        a, b = data[base][k], data[n][k]
        if a["payload_ok"] != b["payload_ok"] or a["present"] != b["present"]:
            print(f"{n} vs {base}: {k[0]}/{k[1]} payload {a['payload_ok']} -> {b['payload_ok']}, present {a['present']}"
                  f" -> {b['present']}, z {b['z']} pooled {b.get('pooled_z')}")
