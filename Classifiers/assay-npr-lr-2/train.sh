#!/usr/bin/env bash
# Reproduces assay-npr-lr-2 end to end: data → features → model.json, calibration.json, eval.json.
# CPU only, offline after the Python packages are installed. Takes ~1.5 h of CPU on 2 shared vCPUs
# (data ~1 h, training + evaluation ~10 min); every stage resumes where it stopped.
#   Classifiers/assay-npr-lr-2/train.sh
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
cd "$ROOT"
source "$ROOT/Classifiers/tools/training-env.sh"
nice -n 15 "$VENV/bin/python" "$HERE/make_data.py" all
nice -n 15 "$VENV/bin/python" "$HERE/train.py"
nice -n 15 "$VENV/bin/python" "$HERE/check_runtime.py"
