#!/usr/bin/env bash
# `assay scan` throughput on a corpus of N short clips (a quarter each labeled, tampered, stripped,
# unsigned) with 1 and 2 workers, against the c2patool-style baseline: one c2pa-python process per
# file (manifest lane only, the only thing it does). Release build.
# Usage: Benchmarks/scan/run.sh [N]   (default 200; needs .venv with c2pa-python for the baseline)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
source "$root/Benchmarks/lib.sh"
n=${1:-200}
work="$root/Benchmarks/out/scan"; mkdir -p "$work"; BENCH_TMP=$work
export XDG_CONFIG_HOME="$work/config" XDG_DATA_HOME="$work/data"
(cd "$root" && nice -n 5 swift build -c release --product assay >/dev/null)
A="$root/.build/release/assay"
[ -s "$XDG_CONFIG_HOME/assay/signer.key" ] || "$A" keys init --organization Bench >/dev/null
corpus="$work/corpus-$n"
if [ ! -f "$corpus/.done" ]; then
  rm -rf "$corpus"; mkdir -p "$corpus"
  q=$((n / 4))
  for i in $(seq 0 $((n - 1))); do   # distinct 2 s 320x240 clips (the last quarter stays unsigned)
    nice -n 5 ffmpeg -nostdin -v error -y -f lavfi -i "testsrc2=size=320x240:rate=25" -t 2 \
      -vf "drawbox=x=$((i % 300)):y=$(((i * 7) % 220)):w=20:h=20:color=white:t=fill" -c:v libx264 -preset ultrafast "$corpus/src-$i.mp4"
  done
  for i in $(seq 0 $((2 * q - 1))); do   # labeled; the second half becomes tampered or stripped
    "$A" label "$corpus/src-$i.mp4" -o "$corpus/labeled-$i.mp4" --generator bench --generator-version 1 --preset ultrafast >/dev/null
    rm "$corpus/src-$i.mp4"
  done
  for i in $(seq "$q" $((2 * q - 1))); do
    python3 - "$corpus/labeled-$i.mp4" "$corpus/tampered-$i.mp4" <<'PY'
import sys; b = bytearray(open(sys.argv[1], 'rb').read()); b[len(b) - 500] ^= 0xff; open(sys.argv[2], 'wb').write(b)
PY
    rm "$corpus/labeled-$i.mp4"
  done
  for i in $(seq $((2 * q)) $((3 * q - 1))); do
    "$A" label "$corpus/src-$i.mp4" -o "$work/tmp.mp4" --generator bench --generator-version 1 --preset ultrafast >/dev/null
    ffmpeg -nostdin -v error -y -i "$work/tmp.mp4" -map_metadata -1 -c:v libx264 -crf 23 -preset ultrafast "$corpus/stripped-$i.mp4"
    rm "$corpus/src-$i.mp4" "$work/tmp.mp4"
  done
  touch "$corpus/.done"
fi
files=$(find "$corpus" -name '*.mp4' | wc -l)
bytes=$(du -sb "$corpus" | cut -f1)
load_note
echo "corpus: $files files, $((bytes / 1048576)) MiB"
echo
echo "| scan | wall | files/s | CPU | peak RSS | speed-up |"
echo "|---|---|---|---|---|---|"
declare -A wall
for j in 1 2; do
  read -r w c m < <(RUNS=1 measure bash -c "rm -rf '$work/out-$j' && '$A' scan '$corpus' --out '$work/out-$j' -j $j -q")
  wall[$j]=$w
  printf '| assay scan -j %d (all lanes) | %.1f s | %.1f | %.1f s | %s MiB | %s |\n' "$j" "$w" "$(echo "$files / $w" | bc -l)" "$c" "$m" \
    "$( [ "$j" = 1 ] && echo 1.00 || printf '%.2f' "$(echo "${wall[1]} / $w" | bc -l)")"
done
for j in 1 2; do
  read -r w c m < <(RUNS=1 measure bash -c "rm -rf '$work/m-$j' && '$A' scan '$corpus' --out '$work/m-$j' -j $j -q --no-watermark --no-classifier")
  printf '| assay scan -j %d (manifest lane only) | %.1f s | %.1f | %.1f s | %s MiB | |\n' "$j" "$w" "$(echo "$files / $w" | bc -l)" "$c" "$m"
done
py="$root/.venv/bin/python"
if "$py" -c 'import c2pa' 2>/dev/null; then
  cat > "$work/read_one.py" <<'PY'
import sys, c2pa
try:
    r = c2pa.Reader(sys.argv[1]); print(r.get_validation_state())
except Exception as e:
    print("error", type(e).__name__)
PY
  read -r w c m < <(RUNS=1 measure bash -c "for f in '$corpus'/*.mp4; do '$py' '$work/read_one.py' \"\$f\"; done")
  printf '| c2pa-python, one process per file (manifest only) | %.1f s | %.1f | %.1f s | %s MiB | |\n' "$w" "$(echo "$files / $w" | bc -l)" "$c" "$m"
else
  echo "| c2pa-python baseline | not run: .venv has no c2pa-python | | | | |"
fi
