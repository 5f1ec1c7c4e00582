#!/usr/bin/env bash
# Robustness + quality benchmark for AssayWatermark.
# usage: robustness.sh OUTDIR CLIP.mp4...   (release build of wm-bench first: swift build -c release --product wm-bench)
# For each clip: embed (key seed 1, payload seed 1, x264 CRF 12), run ../shared/tools/wm_attacks.sh on the
# marked file, detect on the marked file and every attack. JSON lines go to OUTDIR/results.jsonl.
# env: WM_ATTACKS (subset), STRENGTH (default 1), EMBED_ARGS (more wm-bench embed options, e.g. --ssim-budget 0.0045), KEY (1), WM_BENCH (wm-bench binary to use),
#      SKIP_DETECT=1 (embed and attack only; detect later with redetect.sh), WM_THREADS (ffmpeg threads, 2)
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
B="${WM_BENCH:-$ROOT/.build/release/wm-bench}"
ATTACKS="$ROOT/../shared/tools/wm_attacks.sh"
OUT=$1; shift
mkdir -p "$OUT"
for clip in "$@"; do
  name=$(basename "$clip" .mp4)
  d="$OUT/$name"
  mkdir -p "$d"
  "$B" embed "$clip" "$d/marked.mp4" --key "${KEY:-1}" --strength "${STRENGTH:-1}" --crops "$d/crop" ${EMBED_ARGS:-} \
    | sed "s/^{/{\"clip\":\"$name\",\"kind\":\"quality\",/" >> "$OUT/results.jsonl"
  WM_THREADS=${WM_THREADS:-2} "$ATTACKS" "$d/marked.mp4" "$d/attacks" "$clip" 2>>"$OUT/attacks.log" || true
  [ "${SKIP_DETECT:-0}" = 1 ] && continue
  for f in "$d/marked.mp4" "$d"/attacks/*.mp4; do
    "$B" detect "$f" --key "${KEY:-1}" | sed "s/^{/{\"clip\":\"$name\",\"kind\":\"detect\",/" >> "$OUT/results.jsonl"
  done
done
