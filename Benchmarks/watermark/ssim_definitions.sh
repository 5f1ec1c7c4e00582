#!/usr/bin/env bash
# SSIM-Y of the mark alone under two definitions, plain mark against --ssim-cap (session 8, docs/watermark.md):
# the Gaussian-window SSIM of Wang et al. that every Assay figure uses (wm-bench embed) and ffmpeg's ssim filter
# (8x8 box windows). The clip is the end-to-end test's smooth noisy gradient (2.5 s 640x360); both marks are written
# losslessly (x264 CRF 0) so that the encode adds nothing. Then, for each corpus folder given, the mark's RMS on the
# flattest 256x256 crop of flatsky720's frame 30 (the crops robustness.sh saves before encoding).
# Usage (from Benchmarks/out, release wm-bench built): ../watermark/ssim_definitions.sh [v1 v8cap]
# Session 8: plain 0.98967 Gaussian / 0.98594 ffmpeg, capped 0.99554 / 0.99418; crop RMS v1 0.94, v8cap 0.64.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
B="${WM_BENCH:-$HERE/../../.build/release/wm-bench}"
W=$(mktemp -d); trap 'rm -rf "$W"' EXIT
ffmpeg -nostdin -v error -y -f lavfi \
  -i "gradients=s=640x360:c0=0x405878:c1=0x90a8c8:n=2:speed=0.002:d=2.5,format=yuv420p,noise=alls=2:allf=t" \
  -c:v libx264 -preset veryfast -crf 12 "$W/sky.mp4"
echo "| mark | SSIM-Y Gaussian (wm-bench) | SSIM-Y ffmpeg ssim (8x8 box) | PSNR-Y |"
echo "|---|---|---|---|"
for mode in plain cap; do
  extra=(); [ "$mode" = cap ] && extra=(--ssim-budget 0.0045)
  q=$("$B" embed "$W/sky.mp4" "$W/$mode.mp4" --crf 0 "${extra[@]}")
  f=$(ffmpeg -nostdin -i "$W/$mode.mp4" -i "$W/sky.mp4" -lavfi "[0:v][1:v]ssim" -f null - 2>&1 \
      | sed -n 's/.*SSIM Y:\([0-9.]*\).*/\1/p')
  echo "$q" | python3 -c "import json,sys; d=json.load(sys.stdin); print('| $mode | %.5f | $f | %.2f |' % (d['ssim_y'], d['psnr_y']))"
done
for dir in "$@"; do
  c="$dir/flatsky720"
  [ -s "$c/crop_marked.png" ] || { echo "$dir: no crops"; continue; }
  p=$(ffmpeg -nostdin -i "$c/crop_marked.png" -i "$c/crop_orig.png" \
      -lavfi "[0:v]format=gray[a];[1:v]format=gray[b];[a][b]psnr" -f null - 2>&1 | sed -n 's/.*PSNR y:\([0-9.]*\).*/\1/p')
  python3 -c "print('$dir: mark RMS on the flattest crop of flatsky720 %.2f grey levels (PSNR %s dB)' % (255 / 10 ** ($p / 20), '$p'))"
done
