#!/usr/bin/env bash
# Reproduces every number of RESULTS.md (about 45 min on 2 shared vCPUs; every stage resumes).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../../.." && pwd)"; cd "$ROOT"
P="$ROOT/.venv/bin/python"; D=Classifiers/experiments/s5-upscale
swift build -c release --product assay-features >/dev/null
nice -n 15 "$P" $D/probe_all.py train        # UpscaleMeasure of lr-2's clips (training)
RULE=v1 "$P" $D/calibrate.py >/dev/null      # limits, in-sample tables -> results/train-v1.json
"$P" $D/calibrate.py                         # v2 (the amendment) -> results/train-v2.json, data/lr2-upscale-off
nice -n 15 "$P" $D/make_upscales.py          # ffmpeg-CLI x2 / x3 / x1.5 of the s4 base clips
nice -n 15 "$P" $D/probe_all.py heldout      # Swift runtime on the held-out clips
"$P" $D/analyse.py | tee $D/results/heldout.txt
"$P" $D/make_candidate.py
"$P" $D/check_candidate.py v3 && "$P" $D/check_candidate.py x2only
