#!/usr/bin/env bash
# The demo of `make demo`: runs Assay's main job end to end on a bundled clip.
set -euo pipefail
bin=${1:-.build/debug/assay}
root=$(cd "$(dirname "$0")/.." && pwd)
clip="$root/Fixtures/bikes.mp4"
echo "== assay --version"; "$bin" --version
echo "== assay info $clip"; "$bin" info "$clip"
