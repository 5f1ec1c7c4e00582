#!/usr/bin/env bash
# `assay label` against the ffmpeg CLI doing the same x264 encode, and `assay verify` (all lanes)
# against `openssl dgst -sha256` of the same file, at 720p and 1080p (10 s, 30 fps). Release build.
# Usage: Benchmarks/label-verify/run.sh   (RUNS=N for more repetitions; idle machine for headline numbers)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
source "$root/Benchmarks/lib.sh"
work="$root/Benchmarks/out/label-verify"; mkdir -p "$work"; BENCH_TMP=$work
export XDG_CONFIG_HOME="$work/config" XDG_DATA_HOME="$work/data"
(cd "$root" && nice -n 5 swift build -c release --product assay >/dev/null)
A="$root/.build/release/assay"
[ -s "$XDG_CONFIG_HOME/assay/signer.key" ] || "$A" keys init --organization Bench >/dev/null
for size in 1280x720 1920x1080; do
  clip="$work/src-$size.mp4"
  [ -s "$clip" ] || nice -n 5 ffmpeg -nostdin -v error -y -f lavfi -i "testsrc2=size=$size:rate=30,noise=alls=3:allf=t,format=yuv420p" \
      -f lavfi -i "sine=frequency=440:sample_rate=48000" -t 10 -c:v libx264 -preset medium -crf 20 -g 60 -c:a aac -b:a 128k "$clip"
done
load_note
echo
echo "| job | Assay wall | Assay CPU | baseline | baseline wall | baseline CPU | wall ratio | peak RSS Assay / baseline |"
echo "|---|---|---|---|---|---|---|---|"
for size in 1280x720 1920x1080; do
  clip="$work/src-$size.mp4"
  for preset in veryfast medium; do
    read -r ow oc om < <(measure "$A" label "$clip" -o "$work/l-$size-$preset.mp4" --generator bench --generator-version 1 \
        --preset "$preset" --crf 18 --no-repository)
    read -r cw cc cm < <(measure ffmpeg -nostdin -v error -y -i "$clip" -c:v libx264 -preset "$preset" -crf 18 -c:a copy \
        -movflags +faststart "$work/f-$size-$preset.mp4")
    printf '| label %s %s | %.2f s | %.2f s | ffmpeg x264 same settings | %.2f s | %.2f s | %.2f | %s / %s MiB |\n' \
        "$size" "$preset" "$ow" "$oc" "$cw" "$cc" "$(echo "$ow / $cw" | bc -l)" "$om" "$cm"
  done
  labeled="$work/l-$size-medium.mp4"
  read -r hw hc hm < <(measure openssl dgst -sha256 "$labeled")
  read -r mw mc mm < <(measure "$A" verify "$labeled" --no-watermark --no-classifier)
  printf '| verify %s manifest lane | %.2f s | %.2f s | openssl dgst -sha256 | %.2f s | %.2f s | | %s / %s MiB |\n' \
      "$size" "$mw" "$mc" "$hw" "$hc" "$mm" "$hm"
  read -r dw dc dm < <(measure ffmpeg -nostdin -v error -threads 2 -i "$labeled" -f null -)
  for secs in 2 6 10; do
    read -r vw vc vm < <(measure "$A" verify "$labeled" --seconds "$secs")
    printf '| verify %s all lanes, first %s s | %.2f s | %.2f s | manifest lane + ffmpeg decode of the whole 10 s | %.2f s | %.2f s | +%.2f s beyond the manifest lane | %s / %s MiB |\n' \
        "$size" "$secs" "$vw" "$vc" "$(echo "$mw + $dw" | bc -l)" "$(echo "$mc + $dc" | bc -l)" "$(echo "$vw - $mw" | bc -l)" "$vm" "$dm"
  done
  # The watermark lane alone over 10 s: stops at the first window with the payload, or reads every window.
  for mode in "" --all-windows; do
    read -r ww wc wm < <(measure "$A" watermark detect "$labeled" --seconds 10 $mode)
    printf '| watermark detect %s, 10 s %s | %.2f s | %.2f s | ffmpeg decode of the whole 10 s | %.2f s | %.2f s | | %s / %s MiB |\n' \
        "$size" "${mode:-(stops when settled)}" "$ww" "$wc" "$dw" "$dc" "$wm" "$dm"
  done
done
