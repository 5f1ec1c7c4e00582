#!/usr/bin/env python3
"""A detector option "on" against "off", same binary: the checks of sessions 11 and 12's ship rules (docs/watermark.md).
usage: onoff_rule.py core|geom|crops ON.jsonl OFF.jsonl [--more] [--gain ATTACK=N ...]
(session 11, the large-crop region: `core`, `geom`, `crops --more`; session 12, the intra-frame test:
`core --gain h264_crf35=3`, `geom`, `crops`). Each file holds wm-bench detect lines with "clip" and either "attack" (geom_attacks.sh, crop_attacks.sh) or "file"
(redetect.sh: marked.mp4 or the attack's file name). Prints a Markdown table per attack and the rule's checks for
the set: files present / payload exact with "off" that "on" loses, wrong payloads (clip or segment) with "on", and
for "core" whether the first 7 search candidates (sessions 4-6's regions) are the same. Exit status 1 when a check
fails; with --more also when "on" does not give more payloads than "off" in total, and with --gain ATTACK=N when
"on" gives fewer than N more payloads than "off" on that attack.
"""
import os, sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from summarize import detect_lines as load, group_counts, group_row


def main():
    kind, on_path, off_path = sys.argv[1:4]
    extra = sys.argv[4:]
    more = "--more" in extra
    gains = {}
    for i, a in enumerate(extra):
        if a == "--gain":
            attack, n = extra[i + 1].split("=")
            gains[attack] = int(n)
    on, off = load(on_path), load(off_path)
    keys = sorted(set(on) & set(off))
    missing = sorted(set(on) ^ set(off))
    attacks = sorted({a for _, a in keys}, key=lambda a: (a != "marked", a))
    print(f"{kind}: {len(keys)} files in both runs" + (f"; {len(missing)} in one only: {missing}" if missing else ""))
    print()
    print("| attack | files | payload on | payload off | present on | present off | median best z on | off "
          "| payload only on | payload only off |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for a in attacks:
        ks = [k for k in keys if k[1] == a]
        print(group_row(a, ks, group_counts(on, off, ks)))
    lost_present = [k for k in keys if off[k]["present"] and not on[k]["present"]]
    lost_payload = [k for k in keys if off[k]["payload_ok"] and not on[k]["payload_ok"]]
    wrong = [k for k in keys if on[k].get("payload_wrong") or on[k].get("segments_wrong", 0)]
    total_on = sum(on[k]["payload_ok"] for k in keys)
    total_off = sum(off[k]["payload_ok"] for k in keys)
    print()
    print(f"payload exact: on {total_on}, off {total_off}; present: on {sum(on[k]['present'] for k in keys)}, "
          f"off {sum(off[k]['present'] for k in keys)}")
    print(f"present with off, not with on: {len(lost_present)} {lost_present or ''}")
    print(f"payload with off, not with on: {len(lost_payload)} {lost_payload or ''}")
    print(f"wrong payload (clip or segment) with on: {len(wrong)} {wrong or ''}")
    ok = not lost_present and not lost_payload and not wrong
    if kind == "core":
        changed = [k for k in keys if on[k].get("search", [])[:7] != off[k].get("search", [])[:7]]
        print(f"first 7 search candidates differ: {len(changed)} {changed or ''}")
        ok = ok and not changed
    if more:
        ok = ok and total_on > total_off
    for attack, n in gains.items():
        ks = [k for k in keys if k[1] == attack]
        gain = sum(on[k]["payload_ok"] for k in ks) - sum(off[k]["payload_ok"] for k in ks)
        print(f"{attack}: {gain} more payloads with on (needs >= {n})")
        ok = ok and gain >= n
    print("checks:", "hold" if ok else "FAIL")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
