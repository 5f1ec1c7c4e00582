#!/usr/bin/env bash
# Detector CPU of two configurations on the same files (session 6): for each file, REPS interleaved runs of
# `A detect FILE` and `B detect FILE`, one JSON line per run (wm-bench's, with "bin" and "rep" added).
# usage: A="wm-bench-x --no-extended-search" B="wm-bench-x" detect_cpu.sh OUT.jsonl REPS FILE...
# (A and B: a wm-bench binary, then options that go after `detect FILE`)
# summary: python3 summarize.py cpu OUT.jsonl   (per file the median of the runs; per class the median of files)
set -euo pipefail
OUT=$1 REPS=$2; shift 2
for f in "$@"; do
  for r in $(seq "$REPS"); do
    for side in A B; do
      cmd=${!side}
      read -r bin opts <<< "$cmd"
      # shellcheck disable=SC2086
      "$bin" detect "$f" $opts | sed "s|^{|{\"bin\":\"$side\",\"cmd\":\"$cmd\",\"rep\":$r,\"path\":\"$f\",|" >> "$OUT"
    done
  done
done
