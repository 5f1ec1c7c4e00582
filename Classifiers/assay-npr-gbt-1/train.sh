#!/usr/bin/env bash
# Reproduces assay-npr-gbt-1 from assay-npr-lr-2's data (run Classifiers/assay-npr-lr-2/train.sh first, or
# have its data/features.jsonl): nested choice, cross-fitted calibration, LOGO → model.json, calibration.json,
# eval.json, parity.json. ~20 min on 2 shared vCPUs (ASSAY_JOBS=3 processes).
#   Classifiers/assay-npr-gbt-1/train.sh
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
cd "$ROOT"
VENV="${VENV:-$ROOT/.venv}"
ASSAY_JOBS="${ASSAY_JOBS:-3}" nice -n 15 "$VENV/bin/python" "$HERE/train.py"
