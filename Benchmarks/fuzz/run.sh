#!/usr/bin/env bash
# Long fuzz runs: every libFuzzer target (Fuzz/) until RUNS executions (default 10^7) or CAP seconds
# per target (default 4 hours), two targets at a time on a 2-core machine. Prints the Markdown table of
# Fuzz/run.sh (executions, exec/s, coverage, corpus, result) and exits nonzero on any finding.
# Usage: Benchmarks/fuzz/run.sh [TARGET…]      RUNS=N CAP=SECONDS JOBS=2
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
targets=("$@"); [ ${#targets[@]} -gt 0 ] || targets=(fuzz-manifest fuzz-archive fuzz-media fuzz-bmff fuzz-aigc fuzz-c2pa)
export FUZZ_RUNS=${RUNS:-10000000}
cap=${CAP:-14400}
out="$root/Benchmarks/out/fuzz"; mkdir -p "$out"
"$root/Fuzz/run.sh" 1 fuzz-bmff >/dev/null || exit 1   # build once (and check instrumentation)
status=0
printf '%s\n' "${targets[@]}" | xargs -P "${JOBS:-2}" -I{} sh -c \
    "'$root/Fuzz/run.sh' $cap {} 2>&1 | tail -1 > '$out/{}.row'" || status=1
echo "| target | seconds | executions | exec/s | coverage (edges) | corpus | result |"
echo "|---|---|---|---|---|---|---|"
for t in "${targets[@]}"; do cat "$out/$t.row"; done
if grep -q FAILED "$out"/*.row; then status=1; fi
exit $status
