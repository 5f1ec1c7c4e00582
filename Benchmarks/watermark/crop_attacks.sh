#!/usr/bin/env bash
# Session 11 large-crop attacks (issue 4): the marked clip cropped around its centre to 60 %, 50 % and 40 % of each
# side and rescaled back to its size (bicubic; scales 1.667, 2.0 and 2.5), x264 CRF 18 like the other non-codec
# attacks, then detected. CROP_ATTACKS="vert916 square" makes the social reframes instead: the centre 9:16 of the frame
# scaled to 1080x1920 (a vertical upload), the centre square scaled to 1080x1080. The attacks are geom_attacks.sh's.
# usage: crop_attacks.sh make [CLIP...]            -> $OUT/<clip>/attacks/<attack>.mp4
#        crop_attacks.sh detect RESULTS [CLIP...]  -> one redetect-style JSON line per file appended to RESULTS
# SRC: directory of <clip>/marked.mp4 (default ../out/v9, session 9's corpus); OUT (default ../out/s11crop).
# WM_BENCH picks the detector binary (default: release wm-bench); DETECT_ARGS adds wm-bench detect options.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
SRC="${SRC:-$HERE/../out/v9}" OUT="${OUT:-$HERE/../out/s11crop}" \
  GEOM_ATTACKS="${CROP_ATTACKS:-crop60r crop50r crop40r}" exec "$HERE/geom_attacks.sh" "$@"
