#!/usr/bin/env python3
"""Whether two runs of wm-bench printed the same thing (session 13: a faster detector whose output may not change).
usage: identical.py NEW.jsonl OLD.jsonl [--side B]
Lines are matched by (path or clip, attack, file, kind); every field must be equal except CPU times (*cpu_s).
With --side, only OLD lines with that "bin" (detect_cpu.sh's A or B) are compared, and the run fields
detect_cpu.sh adds (bin, cmd, rep) are ignored. Exit status 1 if any line differs or is missing.
"""
import json, sys

IGNORED = {"bin", "cmd", "rep"}


def key(r):
    return (r.get("path") or r.get("clip"), r.get("attack"), r.get("file"), r.get("kind"))


def strip(r):
    return {k: v for k, v in r.items() if not k.endswith("cpu_s") and k not in IGNORED}


def load(path, side=None):
    out = {}
    for line in open(path):
        r = json.loads(line)
        if side is not None and r.get("bin") != side:
            continue
        out.setdefault(key(r), strip(r))  # detect_cpu.sh repeats a file: its runs must agree (checked below)
    return out


def main(argv):
    side = None
    if "--side" in argv:
        i = argv.index("--side")
        side = argv[i + 1]
        del argv[i:i + 2]
    new, old = load(argv[0]), load(argv[1], side)
    differ = [k for k in old if k in new and new[k] != old[k]]
    missing = [k for k in old if k not in new]
    extra = [k for k in new if k not in old]
    for k in differ[:5]:
        fields = sorted(f for f in set(new[k]) | set(old[k]) if new[k].get(f) != old[k].get(f))
        print("DIFFERS", k, {f: (new[k].get(f), old[k].get(f)) for f in fields})
    for k in missing[:5]:
        print("MISSING", k)
    print(f"{argv[0]}: {len(old) - len(differ) - len(missing)} of {len(old)} lines identical, {len(differ)} differ, "
          f"{len(missing)} missing, {len(extra)} not in the old run")
    return 1 if differ or missing else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
