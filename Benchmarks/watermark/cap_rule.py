#!/usr/bin/env python3
"""Session 14's rule (docs/watermark.md): a new run against a bar run on different encodes of the same clips,
counted per resolution class and attack (the files themselves differ, so nothing is compared file by file).
usage: cap_rule.py NEW.jsonl BAR.jsonl [NAME]
Each file holds wm-bench detect lines with "clip" and either "attack" (geom_attacks.sh, crop_attacks.sh) or "file"
(redetect.sh). Prints a Markdown table: payload exact and present for both runs, and which clips changed. The
checks: in every (resolution, attack) group the new run has at least the bar's payloads and present files, and no
new file has a wrong payload (clip or segment). Exit status 1 when a check fails.
"""
import os, sys
from collections import defaultdict

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from summarize import detect_lines as load, group_counts, group_row


def resolution(clip):
    return "1080p" if clip.endswith("1080") else "720p"


def main():
    new_path, bar_path = sys.argv[1:3]
    name = sys.argv[3] if len(sys.argv) > 3 else "set"
    new, bar = load(new_path), load(bar_path)
    keys = sorted(set(new) & set(bar))
    missing = sorted(set(new) ^ set(bar))
    groups = defaultdict(list)
    for k in keys:
        groups[(resolution(k[0]), k[1])].append(k)
    print(f"{name}: {len(keys)} files in both runs" + (f"; {len(missing)} in one only: {missing}" if missing else ""))
    print()
    print("| res | attack | files | payload new | payload bar | present new | present bar | median z new | bar "
          "| payload only new | payload only bar |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    failed = []
    for g in sorted(groups, key=lambda g: (g[0], g[1] != "marked", g[1])):
        ks = groups[g]
        c = group_counts(new, bar, ks)
        (pn, pb), (sn, sb) = c["payload"], c["present"]
        print(group_row(f"{g[0]} | {g[1]}", ks, c))
        if pn < pb or sn < sb:
            failed.append(f"{g[0]} {g[1]}: payload {pn} < {pb}" if pn < pb else f"{g[0]} {g[1]}: present {sn} < {sb}")
    wrong = [k for k in keys if new[k].get("payload_wrong") or new[k].get("segments_wrong", 0)]
    print()
    print(f"payload exact: new {sum(new[k]['payload_ok'] for k in keys)}, bar {sum(bar[k]['payload_ok'] for k in keys)}; "
          f"present: new {sum(new[k]['present'] for k in keys)}, bar {sum(bar[k]['present'] for k in keys)}")
    print(f"groups below the bar: {len(failed)} {failed or ''}")
    print(f"wrong payload (clip or segment) in the new run: {len(wrong)} {wrong or ''}")
    ok = not failed and not wrong and not missing
    print("checks:", "hold" if ok else "FAIL")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
