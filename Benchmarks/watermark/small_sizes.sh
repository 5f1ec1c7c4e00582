#!/usr/bin/env bash
# Smallest detectable size: native small clips embedded at their own size (key 1), then x264 CRF 23.
# usage: small_sizes.sh OUTDIR   (wm-bench release build; WM_BENCH overrides)
#   DURATION=6 makes 6 s clips (short sources are looped); SPS="15 30" detects each file once per sampling rate
#   (wm-bench detect --sps; 0 = the library's default) and adds "sps" to each line. Clips and marked files that
#   exist are reused, so a second run with another detector only detects (delete results.jsonl first).
#   Frames under WatermarkEmbedder.minimumReadablePixels are marked and analysed with --allow-small (the library
#   refuses them by default; the wm-bench of session 4 and earlier does not know the option: EMBED_ARGS= ALLOW=).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
B="${WM_BENCH:-$ROOT/.build/release/wm-bench}"
DURATION=${DURATION:-3}
SPS=${SPS:-0}
OUT=$1; mkdir -p "$OUT"
FF="ffmpeg -v error -y -nostdin -threads 1"
mk() {  # name source vf
  [ -f "$OUT/$1.mp4" ] || $FF -stream_loop -1 -i "$ROOT/Fixtures/$2" -t "$DURATION" -an -vf "$3" -c:v libx264 -crf 10 \
    -pix_fmt yuv420p "$OUT/$1.mp4"
}
mk carphone176x144 carphone.mp4 null
mk bunny256x144 bigbuckbunny.mp4 scale=256:144:flags=area
mk bunny320x180 bigbuckbunny.mp4 scale=320:180:flags=area
mk bunny426x240 bigbuckbunny.mp4 scale=426:240:flags=area
mk bunny640x360 bigbuckbunny.mp4 scale=640:360:flags=area
mk bikes320x136 bikes.mp4 scale=320:136:flags=area
mk bikes480x204 bikes.mp4 scale=480:204:flags=area
mk bikes640x272 bikes.mp4 null
for f in "$OUT"/*x*.mp4; do
  case "$f" in *_m.mp4|*_23.mp4) continue;; esac
  n=$(basename "$f" .mp4)
  if [ ! -f "$OUT/${n}_23.mp4" ]; then
    "$B" embed "$f" "$OUT/${n}_m.mp4" ${EMBED_ARGS---allow-small} | sed "s/^{/{\"clip\":\"$n\",\"kind\":\"quality\",/" >> "$OUT/results.jsonl" \
      || { echo "{\"clip\":\"$n\",\"kind\":\"quality\",\"refused\":true}" >> "$OUT/results.jsonl"; continue; }
    $FF -i "$OUT/${n}_m.mp4" -c:v libx264 -preset medium -crf 23 -pix_fmt yuv420p "$OUT/${n}_23.mp4"
  fi
  for g in "$OUT/${n}_m.mp4" "$OUT/${n}_23.mp4"; do
    for s in $SPS; do
      a=(${ALLOW---allow-small}); [ "$s" != 0 ] && a+=(--sps "$s")
      "$B" detect "$g" "${a[@]}" | sed "s/^{/{\"clip\":\"$n\",\"kind\":\"detect\",\"sps\":$s,/" >> "$OUT/results.jsonl"
    done
  done
done
