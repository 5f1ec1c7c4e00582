#!/usr/bin/env bash
# Session 11 large-crop attacks (issue 4): the marked clip cropped around its centre to 60 %, 50 % and 40 % of each
# side and rescaled back to its size (bicubic; scales 1.667, 2.0 and 2.5), x264 CRF 18 like the other non-codec
# attacks, then detected. CROP_ATTACKS="vert916 square" makes the social reframes instead: the centre 9:16 of the frame
# scaled to 1080x1920 (a vertical upload), the centre square scaled to 1080x1080.
# usage: crop_attacks.sh make [CLIP...]            -> $OUT/<clip>/attacks/<attack>.mp4
#        crop_attacks.sh detect RESULTS [CLIP...]  -> one redetect-style JSON line per file appended to RESULTS
# SRC: directory of <clip>/marked.mp4 (default ../out/v9, session 9's corpus); OUT (default ../out/s11crop).
# WM_BENCH picks the detector binary (default: release wm-bench); DETECT_ARGS adds wm-bench detect options.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
SRC="${SRC:-$HERE/../out/v9}"
OUT="${OUT:-$HERE/../out/s11crop}"
B="${WM_BENCH:-$HERE/../../.build/release/wm-bench}"
read -r -a ATTACKS <<< "${CROP_ATTACKS:-crop60r crop50r crop40r}"
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
      case $a in
        crop60r | crop50r | crop40r)
          case $a in crop60r) f=0.3 ;; crop50r) f=0.25 ;; *) f=0.2 ;; esac
          vf="crop=trunc(iw*$f)*2:trunc(ih*$f)*2,scale=${W}:${H}:flags=bicubic" ;;
        vert916) vf="crop=trunc(ih*9/32)*2:ih,scale=1080:1920:flags=bicubic" ;;
        square) vf="crop=ih:ih,scale=1080:1080:flags=bicubic" ;;
        *) echo "unknown attack $a" >&2; exit 2 ;;
      esac
      timeout 300 $FF -i "$in" -map 0:v:0 -vf "$vf" $X18 "$d/$a.mp4.tmp.mp4" && mv "$d/$a.mp4.tmp.mp4" "$d/$a.mp4" \
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
