#!/usr/bin/env bash
# Classifier speed on 2 cores: frames/s of the release build (feature extraction + model), decode
# excluded, beside the baselines: real time (the clip's frame rate) and the ffmpeg CLI's decode speed.
#   Benchmarks/classifier/run.sh [clip.mp4 ...]
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$ROOT"
swift build -c release --product assay-features >/dev/null
BIN="$ROOT/.build/release/assay-features"
MODEL="$ROOT/Classifiers/assay-npr-lr-1"
CLIPS=("$@")
[ ${#CLIPS[@]} -eq 0 ] && CLIPS=(Fixtures/carphone.mp4 Fixtures/bikes.mp4 Fixtures/bigbuckbunny.mp4)
TMP="$(mktemp -d)"; trap 'rm -rf "$TMP"' EXIT
printf '%-28s %10s %6s %14s %14s %12s %12s\n' clip size frames "classify f/s" "features f/s" "real time" "decode f/s"
for clip in "${CLIPS[@]}"; do
    read -r W H FPS < <(ffprobe -v error -select_streams v:0 -show_entries stream=width,height,r_frame_rate \
        -of csv=p=0 "$clip" | tr ',' ' ')
    FPSN=$(python3 -c "print(round($FPS, 2))" 2>/dev/null || echo "$FPS")
    t0=$(date +%s.%N)
    ffmpeg -v error -y -i "$clip" -frames:v 48 -f rawvideo -pix_fmt yuv420p "$TMP/f.yuv"
    t1=$(date +%s.%N)
    N=$(( $(stat -c %s "$TMP/f.yuv") / (W * H * 3 / 2) ))
    t2=$(date +%s.%N)
    "$BIN" classify --model "$MODEL" --width "$W" --height "$H" "$TMP/f.yuv" > /dev/null
    t3=$(date +%s.%N)
    "$BIN" features --width "$W" --height "$H" "$TMP/f.yuv" > /dev/null
    t4=$(date +%s.%N)
    python3 - "$clip" "${W}x${H}" "$N" "$t0" "$t1" "$t2" "$t3" "$t4" "$FPSN" <<'PY'
import sys
clip, size, n, t0, t1, t2, t3, t4, fps = sys.argv[1:]
n = int(n); t0, t1, t2, t3, t4 = map(float, (t0, t1, t2, t3, t4))
print(f"{clip:<28} {size:>10} {n:>6} {n/(t3-t2):>14.1f} {n/(t4-t3):>14.1f} {float(fps):>12.2f} {n/(t1-t0):>12.1f}")
PY
done
echo "(2 shared vCPUs; one process; classify = features + model + decision on the first 48 frames; decode = ffmpeg CLI to raw yuv420p)"
