#!/usr/bin/env bash
# Reproduces assay-npr-cnn-1 end to end: data -> tiles -> model.json, calibration.json, eval.json, parity.json,
# heldout.json. CPU only, offline after the Python packages are installed (and TAEF2's two weight files placed
# in data/taef2/, see taef2.py). Every stage resumes where it stopped.
#   Classifiers/assay-npr-cnn-1/train.sh
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
cd "$ROOT"
source "$ROOT/Classifiers/tools/training-env.sh"
PY=("nice" "-n" "15" "$VENV/bin/python")
# 1. lr-2's data (its own script), the session-4 clips (that experiment's own script), TAEF2 clips.
"${PY[@]}" Classifiers/assay-npr-lr-2/make_data.py all
"${PY[@]}" "$HERE/s4_clips.py" controls
"${PY[@]}" "$HERE/taef2.py" lr2
# Not run in session 6 (CPU time), information only: the s4 generated clips and their TAEF2 round trips
#   "$HERE/s4_clips.py" generators-c0 ; "$HERE/taef2.py" s4   (heldout.py then reports them too)
# 2. Tile caches, the lr-2 baseline on the same data, the network (RULE.md's protocol).
"${PY[@]}" "$HERE/prep.py" lr2
"${PY[@]}" "$HERE/prep.py" taef2
"${PY[@]}" "$HERE/prep.py" s4
bash "$HERE/lr2_rerun.sh"
"${PY[@]}" "$HERE/train.py"
# 3. Swift runtime parity, held-out sources and generator, CPU.
"${PY[@]}" "$HERE/check_runtime.py"
"${PY[@]}" "$HERE/heldout.py"
swift build -c release --product assay-features
"$VENV/bin/python" "$HERE/speed.py"
