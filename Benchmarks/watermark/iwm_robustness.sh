#!/usr/bin/env bash
# Baseline robustness: invisible-watermark dwtDctSvd through the same attacks. usage: iwm_robustness.sh OUTDIR CLIP.mp4...
# Needs the venv: python3 -m venv .venv && .venv/bin/pip install --no-deps invisible-watermark &&
#   .venv/bin/pip install numpy opencv-python-headless PyWavelets Pillow
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
PY="$ROOT/.venv/bin/python"
ATTACKS="$ROOT/../shared/tools/wm_attacks.sh"
OUT=$1; shift
mkdir -p "$OUT"
for clip in "$@"; do
  name=$(basename "$clip" .mp4)
  d="$OUT/$name"
  mkdir -p "$d"
  "$PY" "$HERE/iwm_baseline.py" embed "$clip" "$d/marked.mp4" | sed "s/^{/{\"clip\":\"$name\",\"kind\":\"quality\",/" >> "$OUT/results.jsonl"
  WM_THREADS=2 "$ATTACKS" "$d/marked.mp4" "$d/attacks" "$clip" 2>>"$OUT/attacks.log" || true
  "$PY" "$HERE/iwm_baseline.py" detect "$d/marked.mp4" "$d"/attacks/*.mp4 | sed "s/^{/{\"clip\":\"$name\",\"kind\":\"detect\",/" >> "$OUT/results.jsonl"
done
