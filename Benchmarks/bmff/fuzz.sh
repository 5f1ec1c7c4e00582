#!/usr/bin/env bash
# Robustness run: libFuzzer + ASan over AssayBMFF (see fuzz/fuzz.swift).
# Usage: Benchmarks/bmff/fuzz.sh [SECONDS]   (default 120). Prints libFuzzer's summary; exit 0 = no crash.
# Builds a scratch package in a temp folder that links this repo's AssayCore/AssayBMFF/COpenSSL sources,
# so Package.swift needs no fuzz target. Seeds: the first 8 KiB of each generated fixture.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
seconds=${1:-120}
work=$(mktemp -d "${TMPDIR:-/tmp}/bmff-fuzz.XXXXXX")
trap 'rm -rf "$work"' EXIT
[ -n "${KEEP:-}" ] && trap - EXIT && echo "work: $work" >&2

"$root/Fixtures/make-generated.sh" > /dev/null
mkdir -p "$work/Sources/fuzz-bmff" "$work/corpus"
for m in AssayCore AssayBMFF COpenSSL; do ln -s "$root/Sources/$m" "$work/Sources/$m"; done
cp "$here/fuzz/fuzz.swift" "$work/Sources/fuzz-bmff/"
cat > "$work/Package.swift" <<'PKG'
// swift-tools-version:6.1
import PackageDescription
let package = Package(
    name: "BMFFFuzz",
    targets: [
        .systemLibrary(name: "COpenSSL", pkgConfig: "libcrypto"),
        .target(name: "AssayCore"),
        .target(name: "AssayBMFF", dependencies: ["AssayCore", "COpenSSL"]),
        .executableTarget(name: "fuzz-bmff", dependencies: ["AssayBMFF"]),
    ],
    swiftLanguageModes: [.v6]
)
PKG
for f in "$root"/Fixtures/generated/*.mp4 "$root"/Fixtures/generated/*.mov "$root"/Fixtures/generated/*.m4a; do
    head -c 8192 "$f" > "$work/corpus/$(basename "$f")"
done
build() {
    (cd "$work" && swift build -c debug --sanitize fuzzer --sanitize address --product fuzz-bmff \
        --scratch-path "$work/.build" >&2)
}
instrumented() { objdump -h "$work/.build/debug/AssayBMFF.build/BoxTree.swift.o" | grep -q sancov; }
build
# We have seen SwiftPM produce uninstrumented objects now and then; libFuzzer then finds no coverage
# ("no interesting inputs"). Check, rebuild clean once, and refuse to report a run without coverage.
if ! instrumented; then
    echo "objects lack coverage instrumentation; rebuilding clean" >&2
    rm -rf "$work/.build"
    build
    instrumented || { echo "fuzz build has no coverage instrumentation" >&2; exit 1; }
fi
cd "$work"
SWIFT_BACKTRACE=enable=no ./.build/debug/fuzz-bmff -max_len=16384 -max_total_time="$seconds" -timeout=10 \
    -rss_limit_mb=2048 -print_final_stats=1 corpus 2>&1 | grep -aE "INITED|DONE|ERROR|SUMMARY|stat::number_of_executed_units|Test unit written"
