#!/usr/bin/env bash
# Generates the synthetic test clips with the ffmpeg CLI into Fixtures/generated/ (git-ignored).
# Idempotent: a clip that exists is not made again. Each clip is written to a temp name and renamed,
# so a killed run never leaves a half clip behind. Usage: Fixtures/make-generated.sh [OUTDIR]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=${1:-$here/generated}
mkdir -p "$out"
ff() { ffmpeg -nostdin -hide_banner -loglevel error -y "$@"; }

src_v="testsrc2=size=640x360:rate=30,noise=alls=3:allf=t,format=yuv420p"
src_a="sine=frequency=440:sample_rate=48000"

tmp_clip() { local name=$1; shift; local tmp="$out/.tmp.$$.$name"; ff "$@" "$tmp"; }
gen() { local name=$1; shift; [ -s "$out/$name" ] && return 0; tmp_clip "$name" "$@"; mv -f "$out/.tmp.$$.$name" "$out/$name"; }

gen h264_aac.mp4      -f lavfi -i "$src_v" -f lavfi -i "$src_a" -t 2 -c:v libx264 -preset veryfast -crf 23 -g 30 -c:a aac -b:a 96k -f mp4
# Two 2 s watermark windows: one window decodes the payload after a CRF 23 re-encode in about 98 of 100
# keys x content IDs (z 13-16 on this content); two windows combine (see LabelVerifyTests).
gen h264_aac_4s.mp4   -f lavfi -i "$src_v" -f lavfi -i "$src_a" -t 4 -c:v libx264 -preset veryfast -crf 23 -g 30 -c:a aac -b:a 96k -f mp4
gen h264_faststart.mp4 -f lavfi -i "$src_v" -f lavfi -i "$src_a" -t 2 -c:v libx264 -preset veryfast -crf 23 -g 30 -c:a aac -b:a 96k -movflags +faststart -f mp4
gen h264_fragmented.mp4 -f lavfi -i "$src_v" -f lavfi -i "$src_a" -t 2 -c:v libx264 -preset veryfast -crf 23 -g 15 -c:a aac -b:a 96k -movflags +frag_keyframe+empty_moov+default_base_moof -f mp4
gen h264_aac.mov      -f lavfi -i "$src_v" -f lavfi -i "$src_a" -t 2 -c:v libx264 -preset veryfast -crf 23 -g 30 -c:a aac -b:a 96k -f mov
gen video_only.mkv    -f lavfi -i "$src_v" -t 2 -c:v libx264 -preset veryfast -crf 23 -f matroska
gen vp9.webm          -f lavfi -i "testsrc2=size=320x240:rate=25,format=yuv420p" -t 1 -c:v libvpx-vp9 -b:v 300k -deadline realtime -cpu-used 8 -f webm
gen mpeg4.avi         -f lavfi -i "testsrc2=size=320x240:rate=25,format=yuv420p" -t 1 -c:v mpeg4 -q:v 5 -f avi
gen odd_size.mp4      -f lavfi -i "testsrc2=size=321x181:rate=24,format=yuv420p" -t 1 -c:v libx264 -preset veryfast -crf 23 -f mp4
gen yuv444.mp4        -f lavfi -i "testsrc2=size=320x240:rate=25,format=yuv444p" -t 1 -c:v libx264 -preset veryfast -crf 23 -f mp4
gen yuv420p10.mp4     -f lavfi -i "testsrc2=size=320x240:rate=25,format=yuv420p10le" -t 1 -c:v libx264 -preset veryfast -crf 23 -f mp4
gen audio_only.m4a    -f lavfi -i "$src_a" -t 1 -c:a aac -b:a 64k -f mp4
gen vfr.mp4           -f lavfi -i "testsrc2=size=320x240:rate=30,format=yuv420p,setpts='N/30/TB+if(gt(N,15),0.1,0)/TB'" -t 1.5 -fps_mode passthrough -c:v libx264 -preset veryfast -crf 23 -f mp4
gen single_frame.mp4  -f lavfi -i "testsrc2=size=320x240:rate=25,format=yuv420p" -frames:v 1 -c:v libx264 -preset veryfast -f mp4
gen rotated.mp4       -f lavfi -i "testsrc2=size=320x240:rate=25,format=yuv420p" -t 1 -c:v libx264 -preset veryfast -crf 23 -metadata:s:v:0 rotate=90 -f mp4
gen clip_720p.mp4     -f lavfi -i "testsrc2=size=1280x720:rate=30,noise=alls=3:allf=t,format=yuv420p" -f lavfi -i "$src_a" -t 2 -c:v libx264 -preset veryfast -crf 20 -g 60 -c:a aac -b:a 128k -f mp4
# rotated.mp4 above carries no display matrix with FFmpeg 5.1 (the rotate tag is dropped when encoding);
# a stream copy keeps it: tkhd matrix for 90 degrees (ffprobe: rotation=90).
gen rotated_90.mp4    -i "$out/rotated.mp4" -c copy -metadata:s:v:0 rotate=90 -f mp4
# 4:2:2 and gray inputs for the reader's swscale conversion.
gen yuv422.mkv        -f lavfi -i "testsrc2=size=320x240:rate=25,format=yuv422p" -t 1 -c:v libx264 -preset veryfast -crf 23 -f matroska
gen gray.mkv          -f lavfi -i "testsrc2=size=320x240:rate=25,format=gray" -t 1 -c:v ffv1 -f matroska
# odd_size.mp4 above comes out 320x180 (libx264 4:2:0 needs even sizes); FFV1 keeps 321x181.
gen odd_size_ffv1.mkv -f lavfi -i "testsrc2=size=321x181:rate=24,format=rgb24" -t 0.5 -pix_fmt yuv420p -c:v ffv1 -f matroska
# Audio with cover art: the only "video" stream is an attached picture (not video for Assay).
gen cover.jpg         -f lavfi -i "testsrc2=size=64x64:rate=1" -frames:v 1 -c:v mjpeg -f image2
gen cover_art.m4a     -i "$out/audio_only.m4a" -i "$out/cover.jpg" -map 0:a -map 1:v -c copy -disposition:v:0 attached_pic -f mp4
echo "fixtures in $out"
