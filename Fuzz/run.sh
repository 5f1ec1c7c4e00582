#!/usr/bin/env bash
# libFuzzer + AddressSanitizer over Assay's parsers (the targets in Fuzz/Package.swift).
# Usage: Fuzz/run.sh [SECONDS_PER_TARGET=60] [TARGET…]   (`make fuzz`; CI runs a short pass)
# Prints one Markdown row per target: executions, coverage, corpus size, result. Exit 1 if any target
# crashed, leaked, hung or ran out of memory; the crashing input is kept in Fuzz/artifacts/ and must
# become a regression test.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
seconds=${1:-60}; shift || true
targets=("$@"); [ ${#targets[@]} -gt 0 ] || targets=(fuzz-bmff fuzz-c2pa fuzz-manifest fuzz-aigc fuzz-archive)
work="$here/.build-work"; mkdir -p "$work" "$here/artifacts"
"$root/Fixtures/make-generated.sh" >/dev/null

build() {
    (cd "$here" && swift build -c debug --sanitize fuzzer --sanitize address --scratch-path "$here/.build" \
        $(printf -- '--product %s ' "$@") 2>&1 | grep -E "error|warning: unre" >&2; exit "${PIPESTATUS[0]}")
}
# A fuzzer over objects without the coverage pass finds nothing: check objects of every module and
# rebuild clean if they lack it (SwiftPM has been seen to leave it out).
instrumented() {
    local o
    for o in AssayBMFF.build/BoxTree.swift.o AssayC2PA.build/CBOR.swift.o AssayArchive.build/ZipReader.swift.o \
             AssayCore.build/ContentID.swift.o; do
        [ -f "$here/.build/debug/$o" ] || continue
        # grep -c, not grep -q: under pipefail an early-exiting grep makes objdump die of SIGPIPE.
        [ "$(objdump -h "$here/.build/debug/$o" 2>/dev/null | grep -c sancov)" -gt 0 ] || return 1
    done
    [ -f "$here/.build/debug/AssayBMFF.build/BoxTree.swift.o" ]
}
for t in "${targets[@]}"; do build "$t" || { echo "fuzz build of $t failed" >&2; exit 1; }; done
for attempt in 1 2 3 4 5 6; do
    instrumented && break
    echo "objects lack coverage instrumentation; clean rebuild $attempt of 6" >&2
    rm -rf "$here/.build"; for t in "${targets[@]}"; do build "$t"; done
done
if ! instrumented; then
    echo "fuzz build has no coverage instrumentation after 6 clean builds: no fuzz results this run" >&2
    exit 3
fi

seeds() { # target → corpus folder with committed seeds plus fixture-derived ones
    local t=$1 dir="$work/corpus-$1"
    mkdir -p "$dir"
    [ -d "$here/corpus/${t#fuzz-}" ] && cp -n "$here/corpus/${t#fuzz-}"/* "$dir/" 2>/dev/null
    case $t in
    fuzz-bmff|fuzz-manifest)
        for f in "$root"/Fixtures/generated/*.mp4 "$root"/Fixtures/generated/*.mov; do head -c 8192 "$f" > "$dir/$(basename "$f")"; done ;;
    esac
    echo "$dir"
}

status=0
echo "| target | seconds | executions | exec/s | coverage (edges) | corpus | result |"
echo "|---|---|---|---|---|---|---|"
for t in "${targets[@]}"; do
    corpus=$(seeds "$t")
    log="$work/$t.log"
    (cd "$work" && SWIFT_BACKTRACE=enable=no ASAN_OPTIONS=detect_leaks=1 "$here/.build/debug/$t" -max_len=65536 \
        -max_total_time="$seconds" -timeout=20 -rss_limit_mb=2048 -print_final_stats=1 \
        -artifact_prefix="$here/artifacts/$t-" "$corpus" > "$log" 2>&1)
    rc=$?
    execs=$(grep -a "stat::number_of_executed_units" "$log" | awk '{print $2}')
    cov=$(grep -aoE "cov: [0-9]+" "$log" | tail -1 | awk '{print $2}')
    files=$(ls "$corpus" | wc -l)
    result="ok"
    if [ $rc -ne 0 ]; then
        result="FAILED ($(grep -aoE 'ERROR: [A-Za-z]+: [a-z-]+|deadly signal|Fatal error[^\n]*|out-of-memory|timeout' "$log" | head -1))"
        status=1
    fi
    printf '| %s | %s | %s | %s | %s | %s | %s |\n' "$t" "$seconds" "${execs:-?}" \
        "$( [ -n "${execs:-}" ] && echo $((execs / seconds)) || echo ?)" "${cov:-?}" "$files" "$result"
done
exit $status
