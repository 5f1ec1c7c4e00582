#!/usr/bin/env bash
# AssayMedia speed against the ffmpeg CLI doing the same work on the same clip.
# Makes a 720p30 10 s clip (the command from ../shared/notes/swift-platform.md §2), builds media-bench in
# release mode, then times decode (1 and 2 threads) and transcode (x264 veryfast and medium, 1 thread and
# auto) with both, best of RUNS runs each, and prints a Markdown table. Wall time of the whole process.
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

# wall seconds of a command (best of $runs)
best() {
  local best_s=""
  for _ in $(seq "$runs"); do
    local t0 t1 s
    t0=$(date +%s.%N)
    nice -n 10 timeout 600 "$@" >/dev/null 2>&1 || { echo "FAILED: $*" >&2; echo "nan"; return; }
    t1=$(date +%s.%N)
    s=$(echo "$t1 - $t0" | bc -l)
    if [ -z "$best_s" ] || [ "$(echo "$s < $best_s" | bc -l)" = 1 ]; then best_s=$s; fi
  done
  echo "$best_s"
}

ff() { ffmpeg -nostdin -hide_banner -loglevel error -y "$@"; }

row() {  # name ours_seconds cli_seconds
  local ours=$2 cli=$3
  local fo fc ratio
  fo=$(echo "$frames / $ours" | bc -l)
  fc=$(echo "$frames / $cli" | bc -l)
  ratio=$(echo "$fo / $fc" | bc -l)
  printf '| %s | %.0f fps (%.2f s) | %.0f fps (%.2f s) | %.2f |\n' "$1" "$fo" "$ours" "$fc" "$cli" "$ratio"
}

echo "clip: $(basename "$clip"), $frames frames 1280x720 H.264 + AAC; best of $runs; load before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| job | AssayMedia | ffmpeg CLI | ratio (ours/CLI fps) |"
echo "|---|---|---|---|"
for t in 1 2; do
  o=$(best "$bench" decode "$clip" "$t")
  c=$(best ffmpeg -nostdin -loglevel error -threads "$t" -i "$clip" -an -f null -)
  row "decode, $t thread(s)" "$o" "$c"
done
for preset in veryfast medium; do
  for t in 1 0; do
    label=$([ "$t" = 0 ] && echo auto || echo "$t thread")
    o=$(best "$bench" transcode "$clip" "$work/ours.mp4" "$preset" "$t" 18)
    c=$(best ffmpeg -nostdin -loglevel error -y -threads "$t" -i "$clip" -c:v libx264 -preset "$preset" -crf 18 \
          -threads "$t" -c:a copy -movflags +faststart "$work/cli.mp4")
    row "transcode x264 $preset, $label" "$o" "$c"
  done
done
echo
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) cores; $(ffmpeg -version | head -1 | cut -d' ' -f1-3)"
