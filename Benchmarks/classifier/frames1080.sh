#!/usr/bin/env bash
# Prints the path of a raw yuv420p file holding the frames `assay verify` hands the classifier for a
# 10 s 1920×1080 clip: 6 runs of 8 consecutive frames starting at 0, 10/6, 20/6, ... s (see
# Sources/Assay/Verify/Verifier.swift). The clip is Fixtures/bikes.mp4 (10 s, 25 fps) scaled to
# 1080p with bicubic and encoded with libx264 CRF 23; made once into Benchmarks/out/ (git-ignored).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
OUT="$ROOT/Benchmarks/out/classifier"
mkdir -p "$OUT"
CLIP="$OUT/bikes-1080p-10s.mp4"
YUV="$OUT/verify-frames-1080p.yuv"
if [ ! -s "$YUV" ]; then
    ffmpeg -v error -y -i "$ROOT/Fixtures/bikes.mp4" -vf scale=1920:1080:flags=bicubic -c:v libx264 -preset veryfast \
        -crf 23 -pix_fmt yuv420p -threads 1 "$CLIP.part.mp4"
    mv "$CLIP.part.mp4" "$CLIP"
    # Frame n is at n/25 s; runs start at the first frame with t >= k*10/6.
    SEL=""
    for k in 0 1 2 3 4 5; do
        s=$(( (k * 250 + 5) / 6 ))
        SEL="${SEL:+$SEL+}between(n\\,$s\\,$((s + 7)))"
    done
    ffmpeg -v error -y -i "$CLIP" -vf "select=$SEL" -vsync 0 -f rawvideo -pix_fmt yuv420p "$YUV.part"
    mv "$YUV.part" "$YUV"
fi
echo "$YUV"
