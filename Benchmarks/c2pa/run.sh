#!/usr/bin/env bash
# Manifest-lane benchmark: sign and verify a ~200 MB MP4 (made with the ffmpeg CLI, deleted after).
#   verify: `assay verify` vs `openssl dgst -sha256` on the same file (goal: within 1.15x), page cache warm
#   sign:   `assay sign` vs c2pa-python signing the same file; peak RSS of each (/usr/bin/time -v)
# Usage: Benchmarks/c2pa/run.sh [SIZE_MB]   (release build; run it niced; prints a Markdown table)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
size_mb=${1:-200}
runs=${RUNS:-3}
py=${ASSAY_PYTHON:-$root/.venv/bin/python}
tool=$root/../shared/tools/c2pa_interop.py
bin=$root/.build/release/assay
[ -x "$bin" ] || (cd "$root" && swift build -c release --product assay >&2)

work=$(mktemp -d "${TMPDIR:-/tmp}/assay-bench-c2pa.XXXXXX")
trap 'rm -rf "$work"' EXIT
export XDG_CONFIG_HOME=$work/config

# ~200 MB input: a high-bitrate 720p clip looped with stream copy (no re-encode of the big file).
ffmpeg -nostdin -hide_banner -loglevel error -y -f lavfi -i "testsrc2=size=1280x720:rate=30,noise=alls=20:allf=t,format=yuv420p" \
    -t 4 -c:v libx264 -preset ultrafast -qp 8 "$work/seed.mp4"
seed_bytes=$(stat -c %s "$work/seed.mp4")
loops=$(( size_mb * 1024 * 1024 / seed_bytes ))
ffmpeg -nostdin -hide_banner -loglevel error -y -stream_loop "$loops" -i "$work/seed.mp4" -c copy "$work/big.mp4"
rm -f "$work/seed.mp4"
big_bytes=$(stat -c %s "$work/big.mp4")

"$bin" keys init --organization Bench >/dev/null
cert=$XDG_CONFIG_HOME/assay/signer.pem
key=$XDG_CONFIG_HOME/assay/signer.key

# measure LABEL CMD...: prints "wall_s max_rss_kib" (median wall of $runs runs, max RSS of the median run)
measure() {
    local results=()
    for _ in $(seq "$runs"); do
        /usr/bin/time -f "%e %M" -o "$work/time.txt" "$@" >/dev/null 2>"$work/err.txt" || {
            echo "command failed: $*" >&2; cat "$work/err.txt" >&2; exit 1; }
        results+=("$(cat "$work/time.txt")")
    done
    printf '%s\n' "${results[@]}" | sort -n | sed -n "$(( (runs + 1) / 2 ))p"
}

cat "$work/big.mp4" >/dev/null   # warm the page cache
read -r sign_s sign_kib < <(measure "$bin" sign "$work/big.mp4" -o "$work/signed.mp4")
have_py=0
if [ -x "$py" ] && "$py" -c 'import c2pa' 2>/dev/null; then have_py=1; fi
if [ $have_py = 1 ]; then
    read -r pysign_s pysign_kib < <(measure "$py" "$tool" sign "$work/big.mp4" "$work/py-signed.mp4" "$cert" "$key")
fi
rm -f "$work/py-signed.mp4"
cat "$work/signed.mp4" >/dev/null
read -r ver_s ver_kib < <(measure "$bin" verify "$work/signed.mp4")
read -r dgst_s dgst_kib < <(measure openssl dgst -sha256 "$work/signed.mp4")
read -r boot_s boot_kib < <(measure "$bin" --version)   # process start-up floor (Swift runtime + linked libs)
if [ $have_py = 1 ]; then
    read -r pyread_s pyread_kib < <(measure "$py" "$tool" check "$work/signed.mp4" --trust-anchors "$XDG_CONFIG_HOME/assay/root-ca.pem")
fi

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2fx", a / b; else print "n/a" }'; }
mib() { awk -v k="$1" 'BEGIN { printf "%.1f MiB", k / 1024 }'; }
echo
echo "Manifest lane on a $(awk -v b="$big_bytes" 'BEGIN { printf "%.0f MB", b / 1e6 }') MP4 (page cache warm, median of $runs runs, $(nproc) CPUs, $(date -u +%Y-%m-%d))"
echo
echo "| job | Assay | baseline | ratio | Assay peak RSS | baseline peak RSS |"
echo "|---|---|---|---|---|---|"
echo "| verify (manifest lane) | ${ver_s} s | openssl dgst -sha256: ${dgst_s} s | $(ratio "$ver_s" "$dgst_s") | $(mib "$ver_kib") | $(mib "$dgst_kib") |"
net=$(awk -v a="$ver_s" -v b="$boot_s" 'BEGIN { printf "%.2f", a - b }')
echo "| verify minus start-up | ${net} s | openssl dgst -sha256: ${dgst_s} s | $(ratio "$net" "$dgst_s") | +$(mib $(( ver_kib - boot_kib ))) | |"
echo "| start-up floor (assay --version) | ${boot_s} s | | | $(mib "$boot_kib") | |"
if [ $have_py = 1 ]; then
    echo "| verify | ${ver_s} s | c2pa-python read: ${pyread_s} s | $(ratio "$ver_s" "$pyread_s") | $(mib "$ver_kib") | $(mib "$pyread_kib") |"
    echo "| sign (no re-encode) | ${sign_s} s | c2pa-python sign: ${pysign_s} s | $(ratio "$sign_s" "$pysign_s") | $(mib "$sign_kib") | $(mib "$pysign_kib") |"
else
    echo "| sign (no re-encode) | ${sign_s} s | c2pa-python not installed | | $(mib "$sign_kib") | |"
fi
