#!/usr/bin/env bash
# Reproduces assay-npr-fused-1 end to end (RULE.md's protocol): lr-2's data, the session-4 clips, cnn-1's tile caches,
# lr-2's train.py re-run as the baseline, then the fused fits -> model.json, logistic.json, cnn.json,
# calibration.json, eval.json. (Rule parts 5-7 need a Swift runtime, which RULE.md writes only if parts 1-4 hold;
# they did not.) CPU only, offline after the Python packages are installed. About 75 min on 2 quiet vCPUs
# (data 30, tiles 4, lr-2 re-run 2, fused fits 34, evaluation 2); every data stage resumes.
#   Classifiers/assay-npr-fused-1/train.sh
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
cd "$ROOT"
source "$ROOT/Classifiers/tools/training-env.sh"
PY=("nice" "-n" "15" "$VENV/bin/python")
CNN="$ROOT/Classifiers/assay-npr-cnn-1"
"${PY[@]}" Classifiers/assay-npr-lr-2/make_data.py all
"${PY[@]}" "$CNN/prep.py" lr2
VENV="$VENV" bash "$CNN/lr2_rerun.sh"
"${PY[@]}" "$HERE/train.py"
