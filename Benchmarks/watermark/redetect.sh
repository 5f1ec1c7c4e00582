#!/usr/bin/env bash
# Re-runs detection (current wm-bench build) on the marked files and attack outputs that robustness.sh left in
# OUTDIR, writing OUTDIR/results_final.jsonl (quality lines are copied from results.jsonl).
# usage: redetect.sh OUTDIR
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
B="$HERE/../../.build/release/wm-bench"
OUT=$1
grep '"kind":"quality"' "$OUT/results.jsonl" > "$OUT/results_final.jsonl" || true
for d in "$OUT"/*/; do
  name=$(basename "$d")
  [ -f "$d/marked.mp4" ] || continue
  for f in "$d/marked.mp4" "$d"/attacks/*.mp4; do
    [ -f "$f" ] || continue
    "$B" detect "$f" --key "${KEY:-1}" | sed "s/^{/{\"clip\":\"$name\",\"kind\":\"detect\",/" >> "$OUT/results_final.jsonl"
  done
done
