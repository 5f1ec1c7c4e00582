#!/usr/bin/env bash
# Runs every benchmark (release builds) and prints their tables. `make bench` calls this.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
for b in media bmff c2pa watermark label-verify scan; do  # fuzz: Benchmarks/fuzz/run.sh (hours)
  script="$root/Benchmarks/$b/run.sh"
  [ -x "$script" ] || continue
  echo "## $b"
  "$script" || echo "(benchmark $b failed)"
  echo
done
