#!/usr/bin/env bash
# Classifier speed on 2 cores, release build, decode excluded.
#  1. The budget that matters: CPU seconds for the frames `assay verify` gives the classifier from a
#     10 s 1080p clip (48 frames: 6 runs of 8; frames1080.sh), against the 0.3 s goal and the
#     session-1 baseline (about 1 s).
#  2. Frames/s per fixture (first 48 frames) beside real time and the ffmpeg CLI's decode speed.
#   Benchmarks/classifier/run.sh [clip.mp4 ...]
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$ROOT"
swift build -c release --product assay-features >/dev/null
BIN="$ROOT/.build/release/assay-features"
MODEL="${MODEL:-$ROOT/Classifiers/assay-npr-lr-2}"
YUV="$("$ROOT/Benchmarks/classifier/frames1080.sh")"
echo "== verify budget: 48 frames of a 10 s 1920x1080 clip (6 runs of 8), median of 5 runs"
"$BIN" bench --model "$MODEL" --width 1920 --height 1080 --repeat 5 "$YUV" | python3 -c '
import json, sys
r = json.load(sys.stdin)
print("%8s %8s %8s %11s %16s" % ("frames", "CPU s", "wall s", "goal CPU s", "session-1 CPU s"))
print("%8d %8.3f %8.3f %11.2f %16s" % (r["frames"], r["cpuSecondsMedian"], r["wallSecondsMedian"], 0.3, "~1.0"))'
echo
CLIPS=("$@")
[ ${#CLIPS[@]} -eq 0 ] && CLIPS=(Fixtures/carphone.mp4 Fixtures/bikes.mp4 Fixtures/bigbuckbunny.mp4)
TMP="$(mktemp -d)"; trap 'rm -rf "$TMP"' EXIT
echo "== frames/s per clip (first 48 frames)"
printf '%-28s %10s %6s %14s %12s %12s\n' clip size frames "classify f/s" "real time" "decode f/s"
for clip in "${CLIPS[@]}"; do
    read -r W H FPS < <(ffprobe -v error -select_streams v:0 -show_entries stream=width,height,r_frame_rate \
        -of csv=p=0 "$clip" | tr ',' ' ')
    FPSN=$(python3 -c "print(round($FPS, 2))" 2>/dev/null || echo "$FPS")
    t0=$(date +%s.%N)
    ffmpeg -v error -y -i "$clip" -frames:v 48 -f rawvideo -pix_fmt yuv420p "$TMP/f.yuv"
    t1=$(date +%s.%N)
    N=$(( $(stat -c %s "$TMP/f.yuv") / (W * H * 3 / 2) ))
    CPU=$("$BIN" bench --model "$MODEL" --width "$W" --height "$H" --repeat 5 "$TMP/f.yuv" \
        | python3 -c 'import json,sys; print(json.load(sys.stdin)["cpuSecondsMedian"])')
    python3 - "$clip" "${W}x${H}" "$N" "$t0" "$t1" "$CPU" "$FPSN" <<'PY'
import sys
clip, size, n, t0, t1, cpu, fps = sys.argv[1:]
n = int(n); t0, t1, cpu = map(float, (t0, t1, cpu))
print(f"{clip:<28} {size:>10} {n:>6} {n/cpu:>14.1f} {float(fps):>12.2f} {n/(t1-t0):>12.1f}")
PY
done
echo "(2 shared vCPUs; one process; classify = features + model + decision, frames already in memory, CPU time)"
