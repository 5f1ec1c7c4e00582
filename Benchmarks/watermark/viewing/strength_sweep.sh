#!/usr/bin/env bash
# Visibility against robustness on one clip: embed at several strengths (wm-bench, key seed 1), run the core attacks,
# detect, and write the x-t slice of the marked clip (xt_slices.py) for each strength.
# usage: strength_sweep.sh OUTDIR CLIP.mp4 ROW [STRENGTHS]   (default STRENGTHS "0.5 0.7 1")
# Needs a release wm-bench (WM_BENCH overrides) and python3 with numpy and opencv (PY overrides).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../../.." && pwd)
B="${WM_BENCH:-$ROOT/.build/release/wm-bench}"
PY="${PY:-python3}"
OUT=$1; CLIP=$2; ROW=$3; STRENGTHS=${4:-"0.5 0.7 1"}
export WM_ATTACKS="h264_crf28 h264_crf35 rotate2 screencap social scale_480p crop10_rescale hflip" WM_THREADS=1
name=$(basename "$CLIP" .mp4)
mkdir -p "$OUT"
for st in $STRENGTHS; do
  d="$OUT/$name-$st"; mkdir -p "$d"
  "$B" embed "$CLIP" "$d/marked.mp4" --strength "$st" | sed "s/^{/{\"run\":\"$name-$st\",\"kind\":\"quality\",/" >> "$OUT/results.jsonl"
  bash "$ROOT/../shared/tools/wm_attacks.sh" "$d/marked.mp4" "$d/attacks" "$CLIP" 2>>"$OUT/attacks.log"
  for f in "$d/marked.mp4" "$d"/attacks/*.mp4; do
    "$B" detect "$f" | sed "s/^{/{\"run\":\"$name-$st\",\"kind\":\"detect\",/" >> "$OUT/results.jsonl"
  done
  "$PY" "$HERE/xt_slices.py" "$CLIP" "$d/marked.mp4" "$OUT/$name-$st-xt.png" "$ROW" 400 720 4 | tee -a "$OUT/xt.txt"
done
