#!/usr/bin/env bash
# Smallest detectable size: native small clips (3 s) embedded at their own size (key 1), then x264 CRF 23.
# usage: small_sizes.sh OUTDIR   (wm-bench release build; WM_BENCH overrides)
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
B="${WM_BENCH:-$ROOT/.build/release/wm-bench}"
OUT=$1; mkdir -p "$OUT"
FF="ffmpeg -v error -y -nostdin -threads 1"
mk() {  # name source vf
  [ -f "$OUT/$1.mp4" ] || $FF -i "$ROOT/Fixtures/$2" -t 3 -an -vf "$3" -c:v libx264 -crf 10 -pix_fmt yuv420p "$OUT/$1.mp4"
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
  "$B" embed "$f" "$OUT/${n}_m.mp4" | sed "s/^{/{\"clip\":\"$n\",\"kind\":\"quality\",/" >> "$OUT/results.jsonl"
  $FF -i "$OUT/${n}_m.mp4" -c:v libx264 -preset medium -crf 23 -pix_fmt yuv420p "$OUT/${n}_23.mp4"
  for g in "$OUT/${n}_m.mp4" "$OUT/${n}_23.mp4"; do
    "$B" detect "$g" | sed "s/^{/{\"clip\":\"$n\",\"kind\":\"detect\",/" >> "$OUT/results.jsonl"
  done
done
