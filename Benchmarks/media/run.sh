#!/usr/bin/env bash
# AssayMedia speed against the ffmpeg CLI doing the same work on the same clip.
# Makes a 720p30 10 s clip (the command from ../shared/notes/swift-platform.md §2), builds media-bench in
# release mode, then times decode (1 and 2 threads) and transcode (x264 veryfast and medium, 1 thread and
# auto) with both, best of RUNS runs each, and prints a Markdown table: wall time and CPU time (user+sys) of
# the whole process; a ratio above 1 means AssayMedia is faster.
# Usage: Benchmarks/media/run.sh [RUNS]   (default 2; run on an otherwise idle machine for headline numbers)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
runs=${1:-2}
work="$root/Benchmarks/out/media"
mkdir -p "$work"
clip="$work/clip720p10s.mp4"
if [ ! -s "$clip" ]; then
  nice -n 10 timeout 300 ffmpeg -nostdin -hide_banner -loglevel error -y \
    -f lavfi -i "testsrc2=size=1280x720:rate=30,noise=alls=3:allf=t,format=yuv420p" \
    -f lavfi -i "sine=frequency=440:sample_rate=48000" -t 10 -c:v libx264 -preset medium -crf 20 -g 60 \
    -c:a aac -b:a 128k -movflags +faststart "$clip.tmp.mp4"
  mv -f "$clip.tmp.mp4" "$clip"
fi
frames=$(ffprobe -v error -count_frames -select_streams v:0 -show_entries stream=nb_read_frames -of csv=p=0 "$clip")

(cd "$root" && nice -n 10 timeout 900 swift build -c release --product media-bench >/dev/null)
bench="$root/.build/release/media-bench"

# "wall cpu rss" of a command: the lowest wall time and the lowest CPU time (user+sys) in seconds over $runs
# runs, and the peak resident set size in MiB (GNU time). CPU time is much less disturbed than wall time when
# other jobs share the machine.
measure() {
  local best_w="" best_c="" rss=0
  for _ in $(seq "$runs"); do
    local w c m
    nice -n 10 timeout 600 /usr/bin/time -o "$work/time.txt" -f '%e %U %S %M' "$@" >/dev/null 2>&1 \
      || { echo "FAILED: $*" >&2; echo "nan nan nan"; return; }
    read -r w u s m < <(tail -1 "$work/time.txt")
    c=$(echo "$u + $s" | bc -l)
    if [ -z "$best_w" ] || [ "$(echo "$w < $best_w" | bc -l)" = 1 ]; then best_w=$w; fi
    if [ -z "$best_c" ] || [ "$(echo "$c < $best_c" | bc -l)" = 1 ]; then best_c=$c; fi
    if [ "$m" -gt "$rss" ]; then rss=$m; fi
  done
  echo "$best_w $best_c $((rss / 1024))"
}

row() {  # name "ours_wall ours_cpu ours_rss" "cli_wall cli_cpu cli_rss"
  local ow oc om cw cc cm
  read -r ow oc om <<<"$2"
  read -r cw cc cm <<<"$3"
  printf '| %s | %.0f fps (%.2f s) | %.0f fps (%.2f s) | %.2f | %.2f s | %.2f s | %.2f | %s / %s MiB |\n' "$1" \
    "$(echo "$frames / $ow" | bc -l)" "$ow" "$(echo "$frames / $cw" | bc -l)" "$cw" "$(echo "$cw / $ow" | bc -l)" \
    "$oc" "$cc" "$(echo "$cc / $oc" | bc -l)" "$om" "$cm"
}

echo "clip: $(basename "$clip"), $frames frames 1280x720 H.264 + AAC; best of $runs; load before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| job | AssayMedia (wall) | ffmpeg CLI (wall) | wall ratio (CLI / ours) | AssayMedia CPU | CLI CPU | CPU ratio (CLI / ours) | peak RSS ours / CLI |"
echo "|---|---|---|---|---|---|---|---|"
for t in 1 2; do
  o=$(measure "$bench" decode "$clip" "$t")
  c=$(measure ffmpeg -nostdin -loglevel error -threads "$t" -i "$clip" -an -f null -)
  row "decode, $t thread(s)" "$o" "$c"
done
for preset in veryfast medium; do
  for t in 1 0; do
    label=$([ "$t" = 0 ] && echo auto || echo "$t thread")
    o=$(measure "$bench" transcode "$clip" "$work/ours.mp4" "$preset" "$t" 18)
    c=$(measure ffmpeg -nostdin -loglevel error -y -threads "$t" -i "$clip" -c:v libx264 -preset "$preset" -crf 18 \
          -threads "$t" -c:a copy -movflags +faststart "$work/cli.mp4")
    row "transcode x264 $preset, $label" "$o" "$c"
  done
done
echo
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) cores; $(ffmpeg -version | head -1 | cut -d' ' -f1-3)"
