#!/usr/bin/env bash
# AssayBMFF throughput vs baselines on one 1 GiB file (page cache warm), release build.
#   SHA-256: SHA256Hasher (OpenSSL EVP, 1 MiB pread chunks)      vs  `openssl dgst -sha256`
#   Copy:    BoxEditor insert-after-ftyp + commit (fsync, rename) vs  `cp` + `sync FILE`
# Each tool runs as its own process under GNU time; ours and the baseline alternate, RUNS times each.
# Reported: best wall time and best CPU time (user+sys; less sensitive to other load on the machine).
# Usage: Benchmarks/bmff/run.sh [SIZE_MIB] [RUNS]. The test files are deleted at exit.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
size_mib=${1:-1024}
runs=${2:-3}
work=$(mktemp -d "${TMPDIR:-/tmp}/bmff-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT
file="$work/big.mp4"
[ -x /usr/bin/time ] || { echo "needs GNU time (apt install time)" >&2; exit 2; }

cd "$root"
swift build -c release --product bmff-bench >&2
bin="$(swift build -c release --show-bin-path)/bmff-bench"

# A minimal MP4 shape: ftyp + mdat (largesize) with random payload.
payload=$((size_mib * 1024 * 1024))
{
    printf '\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isommp41'
    printf '\x00\x00\x00\x01mdat'
    python3 -c "import sys,struct; sys.stdout.buffer.write(struct.pack('>Q', $payload + 16))"
    head -c "$payload" /dev/urandom
} > "$file"
bytes=$(stat -c %s "$file")
cat "$file" > /dev/null  # warm the page cache

# measure NAME CMD...: appends "wall cpu" to $work/NAME
measure() {
    local name=$1; shift
    /usr/bin/time -f "%e %U %S" -o "$work/t" "$@" > /dev/null
    awk '{printf "%s %.3f\n", $1, $2 + $3}' "$work/t" >> "$work/$name"
}
for _ in $(seq "$runs"); do
    measure ours_hash "$bin" hash "$file" 1
    measure openssl openssl dgst -sha256 "$file"
    measure ours_copy "$bin" edit "$file" "$work/out.mp4" 1
    rm -f "$work/out.mp4"
    measure cp bash -c "cp '$file' '$work/cp.mp4' && sync '$work/cp.mp4'"
    rm -f "$work/cp.mp4"
done
# Same digest from both tools (sanity).
ours_digest=$("$bin" hash "$file" 1 | awk '/^run/ {print $NF}')
ossl_digest=$(openssl dgst -sha256 -r "$file" | cut -c1-64)
[ "$ours_digest" = "$ossl_digest" ] || { echo "digest mismatch: $ours_digest vs $ossl_digest" >&2; exit 1; }

best() { sort -n -k"$2" "$work/$1" | head -1 | awk -v k="$2" '{print $k}'; }
gbps() { python3 -c "print(f'{$bytes/1e9/max($1, 1e-9):.2f}')"; }
row() {  # label ours-name ours-label base-name base-label
    local ow oc bw bc
    ow=$(best "$2" 1); oc=$(best "$2" 2); bw=$(best "$4" 1); bc=$(best "$4" 2)
    echo "| $1 | $3 | $ow s ($(gbps "$ow") GB/s) | $oc s ($(gbps "$oc") GB/s) | $5 | $bw s ($(gbps "$bw") GB/s) | $bc s ($(gbps "$bc") GB/s) |"
}
size_gb=$(python3 -c "print(f'{$bytes/1e9:.2f}')")
echo
echo "${size_gb} GB file, page cache warm, best of $runs alternating runs; $(uptime | sed 's/.*load/load/')"
echo
echo "| operation | Assay | wall | CPU | baseline | wall | CPU |"
echo "|---|---|---|---|---|---|---|"
row "SHA-256 of the whole file" ours_hash "\`SHA256Hasher\`" openssl "\`openssl dgst -sha256\`"
row "copy + box after ftyp, fsync" ours_copy "\`BoxEditor\` apply+commit" cp "\`cp\` + \`sync FILE\`"
echo
echo "CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), sha_ni: $(grep -qw sha_ni /proc/cpuinfo && echo yes || echo no); $(openssl version)"
