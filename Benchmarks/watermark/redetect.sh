#!/usr/bin/env bash
# Re-runs detection (current wm-bench build, or WM_BENCH) on the marked files and attack outputs that robustness.sh
# left in OUTDIR, appending to OUTDIR/results_final.jsonl (quality lines are copied from results.jsonl).
# usage: redetect.sh OUTDIR [CLIP...]   (default: every clip folder; clips already in results_final.jsonl are skipped)
# RESULTS=FILE writes there instead of OUTDIR/results_final.jsonl (two detectors on the same encodes);
# DETECT_ARGS adds options to wm-bench detect (e.g. --no-search).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
B="${WM_BENCH:-$HERE/../../.build/release/wm-bench}"
OUT=$1; shift
FINAL="${RESULTS:-$OUT/results_final.jsonl}"
touch "$FINAL"
if [ $# -gt 0 ]; then names=("$@"); else names=(); for d in "$OUT"/*/; do names+=("$(basename "$d")"); done; fi
for name in "${names[@]}"; do
  d="$OUT/$name"
  [ -f "$d/marked.mp4" ] || continue
  grep -q "\"clip\":\"$name\",\"kind\":\"detect\"" "$FINAL" && continue
  grep "\"clip\":\"$name\",\"kind\":\"quality\"" "$OUT/results.jsonl" >> "$FINAL" || true
  for f in "$d/marked.mp4" "$d"/attacks/*.mp4; do
    [ -f "$f" ] || continue
    "$B" detect "$f" --key "${KEY:-1}" ${DETECT_ARGS:-} | sed "s/^{/{\"clip\":\"$name\",\"kind\":\"detect\",/" >> "$FINAL"
  done
done
