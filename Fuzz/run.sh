#!/usr/bin/env bash
# libFuzzer + AddressSanitizer over Assay's parsers (the targets in Fuzz/Package.swift).
# Usage: Fuzz/run.sh [SECONDS_PER_TARGET=60] [TARGET…]   (`make fuzz`; CI runs a short pass)
#        FUZZ_RUNS=10000000 Fuzz/run.sh 7200 fuzz-bmff    (long run: stop after N executions, at most SECONDS)
# Prints one Markdown row per target: executions, coverage, corpus size, result. Exit 1 if any target
# crashed, leaked, hung or ran out of memory; the crashing input is kept in Fuzz/artifacts/ and must
# become a regression test.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
seconds=${1:-60}; shift || true
targets=("$@"); [ ${#targets[@]} -gt 0 ] || targets=(fuzz-bmff fuzz-c2pa fuzz-manifest fuzz-aigc fuzz-archive fuzz-media)
work="$here/.build-work"; mkdir -p "$work" "$here/artifacts"
"$root/Fixtures/make-generated.sh" >/dev/null

# One release build of every target. SwiftPM passes `-sanitize=fuzzer` and `-sanitize=address` as two
# flags, and the Swift driver keeps only the LAST `-sanitize=` it sees, in an order that varies between
# builds: objects came out with coverage but no ASan, or ASan but no coverage (no fuzzing at all). The
# explicit combined `-Xswiftc -sanitize=fuzzer,address` comes last and wins; the `--sanitize` flags are
# still needed so that SwiftPM links libFuzzer's main instead of the target's own. Release (-O) keeps
# Swift's bounds and overflow checks and runs about 3x faster than debug under ASan.
config=release
bin="$here/.build/$config"
build() {
    (cd "$here" && swift build -c $config --sanitize fuzzer --sanitize address -Xswiftc -sanitize=fuzzer,address \
        --scratch-path "$here/.build" 2>&1 | grep -E "error|warning: unre" >&2; exit "${PIPESTATUS[0]}")
}
# Every module we compiled must carry both libFuzzer's coverage counters and ASan's checks (the flags
# go per module, one swiftc invocation each); a fuzzer without either finds nothing, so refuse to report
# results from such a build. Per module, not per object: under -O a file of plain types has no
# instrumentable code of its own.
check_instrumented() {
    local dir o bad=0 cov asan
    for dir in "$bin"/*.build; do
        cov=0; asan=0
        for o in "$dir"/*.swift.o; do
            [ -f "$o" ] || continue
            case $o in *.swiftmodule.o) continue ;; esac
            # grep -c, not grep -q: under pipefail an early-exiting grep makes objdump die of SIGPIPE.
            cov=$((cov + $(objdump -h "$o" 2>/dev/null | grep -c sancov)))
            asan=$((asan + $(nm "$o" 2>/dev/null | grep -c __asan_)))
        done
        if ls "$dir"/*.swift.o >/dev/null 2>&1 && { [ "$cov" -eq 0 ] || [ "$asan" -eq 0 ]; }; then
            echo "not instrumented (coverage $cov, ASan $asan): $dir" >&2; bad=1
        fi
    done
    return $bad
}
build || { echo "fuzz build failed" >&2; exit 1; }
check_instrumented || { echo "fuzz build lacks instrumentation: no fuzz results" >&2; exit 1; }

seeds() { # target → corpus folder with committed seeds plus fixture-derived ones
    local t=$1 dir="$work/corpus-$1"
    mkdir -p "$dir"
    [ -d "$here/corpus/${t#fuzz-}" ] && cp -n "$here/corpus/${t#fuzz-}"/* "$dir/" 2>/dev/null
    case $t in
    fuzz-bmff|fuzz-manifest)
        for f in "$root"/Fixtures/generated/*.mp4 "$root"/Fixtures/generated/*.mov; do head -c 8192 "$f" > "$dir/$(basename "$f")"; done ;;
    fuzz-media) # tiny clips (48x32, 3 frames) in every container and codec family the product meets
        local spec
        for spec in mp4:libx264 mkv:libx264 mov:libx264 webm:libvpx-vp9 avi:mpeg4 ts:mpeg2video flv:flv gif:gif \
                    mkv:ffv1 nut:rawvideo mp4:mpeg4; do
            [ -f "$dir/seed-${spec#*:}.${spec%%:*}" ] || ffmpeg -nostdin -v error -y -f lavfi -i testsrc2=size=48x32:rate=10 \
                -t 0.3 -c:v "${spec#*:}" -pix_fmt yuv420p "$dir/seed-${spec#*:}.${spec%%:*}" </dev/null
        done
        [ -f "$dir/seed-av.mp4" ] || ffmpeg -nostdin -v error -y -f lavfi -i testsrc2=size=48x32:rate=10 -f lavfi \
            -i sine=d=0.3 -t 0.3 -c:v libx264 -c:a aac "$dir/seed-av.mp4" </dev/null ;;
    esac
    echo "$dir"
}

status=0
echo "| target | seconds | executions | exec/s | coverage (edges) | corpus | result |"
echo "|---|---|---|---|---|---|---|"
for t in "${targets[@]}"; do
    corpus=$(seeds "$t")
    log="$work/$t.log"
    started=$(date +%s)
    (cd "$work" && SWIFT_BACKTRACE=enable=no ASAN_OPTIONS=detect_leaks=1:malloc_context_size=8 "$bin/$t" -max_len=65536 \
        -max_total_time="$seconds" ${FUZZ_RUNS:+-runs=$FUZZ_RUNS} -timeout=20 -rss_limit_mb=2048 -print_final_stats=1 \
        -artifact_prefix="$here/artifacts/$t-" "$corpus" > "$log" 2>&1)
    rc=$?
    elapsed=$(( $(date +%s) - started )); [ "$elapsed" -gt 0 ] || elapsed=1
    execs=$(grep -a "stat::number_of_executed_units" "$log" | awk '{print $2}')
    cov=$(grep -aoE "cov: [0-9]+" "$log" | tail -1 | awk '{print $2}')
    files=$(ls "$corpus" | wc -l)
    result="ok"
    if [ $rc -ne 0 ]; then
        result="FAILED ($(grep -aoE 'ERROR: [A-Za-z]+: [a-z-]+|deadly signal|Fatal error[^\n]*|out-of-memory|timeout' "$log" | head -1))"
        status=1
    fi
    printf '| %s | %s | %s | %s | %s | %s | %s |\n' "$t" "$elapsed" "${execs:-?}" \
        "$( [ -n "${execs:-}" ] && echo $((execs / elapsed)) || echo ?)" "${cov:-?}" "$files" "$result"
done
exit $status
