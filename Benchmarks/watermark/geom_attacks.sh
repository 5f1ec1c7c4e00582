#!/usr/bin/env bash
# Session 5 geometry attacks (issue 4): zoom-outs inside a black canvas, a 6 degree rotation, and crop10_rescale
# followed by hflip, made from the v1 marked files (x264 CRF 18 like the other non-codec attacks), then detected.
# usage: geom_attacks.sh make [CLIP...]            -> Benchmarks/out/s5geom/<clip>/attacks/<attack>.mp4
#        geom_attacks.sh detect RESULTS [CLIP...]  -> one redetect-style JSON line per file appended to RESULTS
# SRC: directory of <clip>/marked.mp4 (default ../out/v1); OUT: where the attacks go (default ../out/s5geom).
# WM_BENCH picks the detector binary (default: release wm-bench); DETECT_ARGS adds wm-bench detect options.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
SRC="${SRC:-$HERE/../out/v1}"
OUT="${OUT:-$HERE/../out/s5geom}"
B="${WM_BENCH:-$HERE/../../.build/release/wm-bench}"
# GEOM_ATTACKS (space-separated) picks other attacks of the list below, e.g. session 11's crops (crop_attacks.sh) or
# session 12's codecs (GEOM_ATTACKS="av1_crf40 h265_crf28 h264_crf35_g2").
read -r -a ATTACKS <<< "${GEOM_ATTACKS:-zoomout80 zoomout60 rotate6 crop10_rescale_hflip}"
mode=$1; shift
RESULTS=""
if [ "$mode" = detect ]; then RESULTS=$1; shift; fi
if [ $# -gt 0 ]; then names=("$@"); else names=(); for d in "$SRC"/*/; do names+=("$(basename "$d")"); done; fi
FF="ffmpeg -hide_banner -loglevel error -nostdin -y -threads 2"
X18="-c:v libx264 -preset medium -crf 18 -pix_fmt yuv420p"
for name in "${names[@]}"; do
  in="$SRC/$name/marked.mp4"
  [ -f "$in" ] || continue
  d="$OUT/$name/attacks"
  if [ "$mode" = make ]; then
    mkdir -p "$d"
    IFS=x read -r W H < <(ffprobe -v error -select_streams v:0 -show_entries stream=width,height -of csv=p=0:s=x "$in")
    for a in "${ATTACKS[@]}"; do
      [ -s "$d/$a.mp4" ] && continue
      enc=$X18
      case $a in
        zoomout80) vf="scale=trunc(iw*0.4)*2:trunc(ih*0.4)*2,pad=iw/0.8:ih/0.8:(ow-iw)/2:(oh-ih)/2" ;;
        zoomout60) vf="scale=trunc(iw*0.3)*2:trunc(ih*0.3)*2,pad=iw/0.6:ih/0.6:(ow-iw)/2:(oh-ih)/2" ;;
        rotate6) vf="rotate=6*PI/180:fillcolor=black" ;;
        crop10_rescale_hflip) vf="crop=trunc(iw*0.4)*2:trunc(ih*0.4)*2,scale=${W}:${H}:flags=bicubic,hflip" ;;
        # session 11: centre crops to 60 / 50 / 40 % of each side rescaled back; social reframes (centre 9:16 to
        # 1080x1920, centre square to 1080x1080)
        crop60r) vf="crop=trunc(iw*0.3)*2:trunc(ih*0.3)*2,scale=${W}:${H}:flags=bicubic" ;;
        crop50r) vf="crop=trunc(iw*0.25)*2:trunc(ih*0.25)*2,scale=${W}:${H}:flags=bicubic" ;;
        crop40r) vf="crop=trunc(iw*0.2)*2:trunc(ih*0.2)*2,scale=${W}:${H}:flags=bicubic" ;;
        vert916) vf="crop=trunc(ih*9/32)*2:ih,scale=1080:1920:flags=bicubic" ;;
        square) vf="crop=ih:ih,scale=1080:1080:flags=bicubic" ;;
        # session 12: codecs, no filter (the encoder is the attack): wm_attacks.sh's AV1 CRF 40 and H.265 CRF 28, and
        # x264 CRF 35 with a 2 s GOP (keyint 60 at 30 frames/s, as streaming and upload encoders use) beside its default
        av1_crf40) vf=null; enc="-c:v libsvtav1 -preset 10 -crf 40 -pix_fmt yuv420p" ;;
        h265_crf28) vf=null; enc="-c:v libx265 -preset medium -crf 28 -pix_fmt yuv420p -tag:v hvc1 -x265-params log-level=error" ;;
        h264_crf35_g2) vf=null; enc="-c:v libx264 -preset medium -crf 35 -g 60 -pix_fmt yuv420p" ;;
        *) echo "unknown attack $a" >&2; exit 2 ;;
      esac
      timeout 300 $FF -i "$in" -map 0:v:0 -vf "$vf" $enc "$d/$a.mp4.tmp.mp4" && mv "$d/$a.mp4.tmp.mp4" "$d/$a.mp4" \
        || { echo "attack $name/$a FAILED" >&2; rm -f "$d/$a.mp4.tmp.mp4"; }
    done
  else
    for a in "${ATTACKS[@]}"; do
      f="$d/$a.mp4"
      [ -f "$f" ] || continue
      # shellcheck disable=SC2086
      "$B" detect "$f" --key "${KEY:-1}" ${DETECT_ARGS:-} \
        | sed "s/^{/{\"clip\":\"$name\",\"kind\":\"detect\",\"attack\":\"$a\",/" >> "$RESULTS"
    done
  fi
done
