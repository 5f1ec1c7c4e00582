#!/usr/bin/env bash
# Checks that two wm-bench binaries mark video identically, pixel for pixel: each marks every clip (key seed 1,
# payload 1, strength S) into a lossless x264 file (CRF 0), and the decoded frames' MD5s (ffmpeg framemd5) must match.
# Usage: Benchmarks/watermark/same_pixels.sh BIN_A BIN_B OUTDIR CLIP... (STRENGTH=s, default 1)
# Prints one line per clip (same/DIFFERENT, frames compared) and exits 1 if any clip differs.
set -euo pipefail
a=$1 b=$2 out=$3
shift 3
mkdir -p "$out"
status=0
for clip in "$@"; do
  name=$(basename "$clip" .mp4)
  for side in a b; do
    bin=$a; [ "$side" = b ] && bin=$b
    "$bin" embed "$clip" "$out/$name-$side.mkv" --crf 0 --strength "${STRENGTH:-1}" >/dev/null
    ffmpeg -nostdin -v error -y -i "$out/$name-$side.mkv" -map 0:v -f framemd5 "$out/$name-$side.md5"
  done
  frames=$(grep -vc '^#' "$out/$name-a.md5")
  if cmp -s <(grep -v '^#' "$out/$name-a.md5") <(grep -v '^#' "$out/$name-b.md5") && [ "$frames" -gt 0 ]; then
    echo "same      $name ($frames frames)"
  else
    echo "DIFFERENT $name"
    status=1
  fi
  rm -f "$out/$name-a.mkv" "$out/$name-b.mkv"
done
exit $status
