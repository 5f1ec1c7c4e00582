#!/usr/bin/env bash
# `make demo`: the whole story on a bundled clip, with keys and repository in a private folder.
#   label → verify (Trusted) → strip metadata and re-encode at 720p → verify again (manifest
#   recovered by watermark) → classify → scan the folder.
set -euo pipefail
bin=$(cd "$(dirname "${1:-.build/debug/assay}")" && pwd)/$(basename "${1:-.build/debug/assay}")
root=$(cd "$(dirname "$0")/.." && pwd)
work="$root/out/demo"
rm -rf "$work" && mkdir -p "$work"
export XDG_CONFIG_HOME="$work/config" XDG_DATA_HOME="$work/data"
input="$root/Fixtures/bigbuckbunny.mp4"   # 1280×720, stands in for a generator's output

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
expect_exit() { # expected, then the command
    local want=$1; shift
    set +e; "$@"; local got=$?; set -e
    if [ "$got" -ne "$want" ]; then echo "demo: expected exit $want, got $got: $*" >&2; exit 1; fi
}

step "1. assay keys init   (development CA, signing certificate, watermark key in $XDG_CONFIG_HOME/assay)"
"$bin" keys init --organization "Demo Studio"

step "2. assay label   (watermark → x264 → GB 45438 AIGC metadata → signed C2PA manifest → repository)"
"$bin" label "$input" -o "$work/labeled.mp4" --generator demo-video-model --generator-version 1.0 \
    --producer "Demo Studio" --preset veryfast

step "3. assay verify labeled.mp4   (expect VERIFIED, exit 0; HTML report in $work/labeled.html)"
expect_exit 0 "$bin" verify "$work/labeled.mp4" --html "$work/labeled.html"

step "4. a platform strips the metadata and re-encodes at 720p (ffmpeg CLI)"
ffmpeg -nostdin -v error -y -i "$work/labeled.mp4" -map_metadata -1 -vf scale=-2:720 \
    -c:v libx264 -crf 26 -preset veryfast -c:a aac "$work/reuploaded.mp4"
"$bin" info "$work/reuploaded.mp4" | grep -E '^(format|C2PA|AIGC)'

step "5. assay verify reuploaded.mp4   (expect: manifest recovered by watermark, exit 0)"
expect_exit 0 "$bin" verify "$work/reuploaded.mp4" --html "$work/reuploaded.html"

step "6. assay classify   (the weakest lane: a calibrated score, never proof)"
"$bin" classify "$work/reuploaded.mp4" || true

step "7. assay scan $work   (every file above, in one report)"
cp "$root/Fixtures/bikes.mp4" "$work/camera.mp4"
"$bin" scan "$work" --out "$work/scan" -j 2 -q
python3 -c 'import json,sys; print(json.dumps(json.load(open(sys.argv[1]))["buckets"], indent=1))' "$work/scan/summary.json"
echo
echo "demo done: outputs and reports in $work"
