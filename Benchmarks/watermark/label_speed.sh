#!/usr/bin/env bash
# `assay label` with two binaries (before/after an embedder change) against the ffmpeg CLI doing the same x264
# encode, as Benchmarks/label-verify/run.sh times its label rows (10 s 30 fps clips, CRF 18, audio copied), at
# 720p and 1080p, veryfast and medium. The three commands run back to back in each repetition, so they share the
# machine's load; the table has the lowest wall and CPU (user+sys) of RUNS repetitions and the CPU ratio to ffmpeg.
# Usage: Benchmarks/watermark/label_speed.sh ASSAY_BEFORE ASSAY_AFTER [WORKDIR]   (RUNS=3 by default)
# WORKDIR holds src-1280x720.mp4 and src-1920x1080.mp4 (made as in label-verify/run.sh if missing).
set -euo pipefail
before=$1 after=$2 work=${3:-Benchmarks/out/label-speed}
runs=${RUNS:-3}
mkdir -p "$work"
export XDG_CONFIG_HOME="$work/config" XDG_DATA_HOME="$work/data"
[ -s "$XDG_CONFIG_HOME/assay/signer.key" ] || "$after" keys init --organization Bench >/dev/null
for size in 1280x720 1920x1080; do
  clip="$work/src-$size.mp4"
  [ -s "$clip" ] || nice -n 5 ffmpeg -nostdin -v error -y -f lavfi -i "testsrc2=size=$size:rate=30,noise=alls=3:allf=t,format=yuv420p" \
      -f lavfi -i "sine=frequency=440:sample_rate=48000" -t 10 -c:v libx264 -preset medium -crf 20 -g 60 -c:a aac -b:a 128k "$clip"
done
# one run: prints "wall cpu"
run() {
  nice -n 5 timeout 900 /usr/bin/time -o "$work/time.txt" -f '%e %U %S' "$@" >/dev/null 2>"$work/err.txt" \
      || { echo "FAILED: $*" >&2; cat "$work/err.txt" >&2; exit 1; }
  read -r w u s < <(tail -1 "$work/time.txt")
  echo "$w $(echo "$u + $s" | bc -l)"
}
min() { echo "$1 $2" | awk '{print ($1 < $2) ? $1 : $2}'; }
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores; $runs runs each, lowest shown"
echo
echo "| size, preset | ffmpeg x264 wall / CPU | label before wall / CPU | CPU ratio before | label after wall / CPU | CPU ratio after |"
echo "|---|---|---|---|---|---|"
for size in 1280x720 1920x1080; do
  clip="$work/src-$size.mp4"
  for preset in veryfast medium; do
    fw=999999 fc=999999 bw=999999 bc=999999 aw=999999 ac=999999
    for _ in $(seq "$runs"); do
      read -r w c < <(run ffmpeg -nostdin -v error -y -i "$clip" -c:v libx264 -preset "$preset" -crf 18 -c:a copy \
          -movflags +faststart "$work/f.mp4")
      fw=$(min "$fw" "$w"); fc=$(min "$fc" "$c")
      for side in before after; do
        bin=$before; [ "$side" = after ] && bin=$after
        read -r w c < <(run "$bin" label "$clip" -o "$work/l-$side.mp4" --generator bench --generator-version 1 \
            --preset "$preset" --crf 18 --no-repository)
        if [ "$side" = before ]; then bw=$(min "$bw" "$w"); bc=$(min "$bc" "$c"); else aw=$(min "$aw" "$w"); ac=$(min "$ac" "$c"); fi
      done
    done
    printf '| %s %s | %.2f s / %.2f s | %.2f s / %.2f s | %.2f | %.2f s / %.2f s | %.2f |\n' "$size" "$preset" \
        "$fw" "$fc" "$bw" "$bc" "$(echo "$bc / $fc" | bc -l)" "$aw" "$ac" "$(echo "$ac / $fc" | bc -l)"
  done
done
rm -f "$work/f.mp4" "$work/l-before.mp4" "$work/l-after.mp4"
