#!/usr/bin/env bash
# Session 9: recovery of a stripped manifest by matching against the repository, one 2 s window after a re-encode.
# N labels of the 640x360 2 s test clip (Fixtures/generated/h264_aac.mp4) with ONE watermark key (one generator),
# each with its own random content ID; odd pairs go into repository A, even ones into B. Each labeled file is
# stripped of its metadata and re-encoded (x264 CRF $CRF veryfast). Then each stripped clip is verified
#   - against its own repository with matching off (`--no-repository-match`: session 8's recovery),
#   - against its own repository (default: decoded payload, list candidates, then matching),
#   - against the OTHER repository, which holds N/2 manifests of the same key but not its own (decoys): any
#     recovery there is a wrong match and must never happen.
# Prints one line per pair and a summary. Release build: swift build -c release --product assay
# Usage: N=30 CRF=25 Benchmarks/watermark/match_window.sh
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
A="$ROOT/.build/release/assay"
IN="$ROOT/Fixtures/generated/h264_aac.mp4"
[ -s "$IN" ] || "$ROOT/Fixtures/make-generated.sh" >/dev/null
W=$(mktemp -d); trap 'rm -rf "$W"' EXIT
export XDG_CONFIG_HOME="$W/cfg" XDG_DATA_HOME="$W/data"
"$A" keys init --organization Bench >/dev/null 2>&1
N=${N:-30}
for i in $(seq 1 "$N"); do
  repo="$W/$([ $((i % 2)) = 1 ] && echo A || echo B).sqlite"
  "$A" label "$IN" -o "$W/l$i.mp4" --generator g --generator-version 1 --crf 20 --preset veryfast --threads 1 \
      --repository "$repo" >/dev/null 2>&1 || { echo "$i label failed"; continue; }
  ffmpeg -nostdin -v error -y -i "$W/l$i.mp4" -map_metadata -1 -c:v libx264 -crf "${CRF:-25}" -preset veryfast -c:a copy "$W/s$i.mp4"
done
verify() {  # file repository [args]: "source payload confirmation correlation"
  { "$A" verify "$1" --json --no-classifier --repository "$2" ${3:-} 2>/dev/null || true; } | python3 -c '
import json, sys
try:
    v = json.load(sys.stdin)["verdict"]
except Exception:
    print("none None - -"); sys.exit()
m = v.get("manifest") or {}; w = v.get("watermark") or {}; pm = w.get("payloadMatch") or {}
print(m.get("source", "none"), w.get("payload"), w.get("payloadConfirmation", "-"),
      "%.3f/%.3f" % (pm["correlation"], pm["threshold"]) if pm else "-")'
}
total=0; base=0; withMatch=0; byMatch=0; byCandidate=0; decoyHits=0; wrong=0; present=0
for i in $(seq 1 "$N"); do
  [ -s "$W/s$i.mp4" ] || continue
  own="$W/$([ $((i % 2)) = 1 ] && echo A || echo B).sqlite"; other="$W/$([ $((i % 2)) = 1 ] && echo B || echo A).sqlite"
  want=$("$A" watermark detect "$W/l$i.mp4" --json 2>/dev/null | python3 -c 'import json,sys; print(json.load(sys.stdin).get("payload"))')
  det=$({ "$A" watermark detect "$W/s$i.mp4" --json 2>/dev/null || true; } | python3 -c '
import json, math, sys
d = json.load(sys.stdin); p = max(d.get("pValue", 1), 1e-300)
print(d.get("present"), d.get("payload"), "z=%.1f" % math.sqrt(max(0, 2 * (math.log(65536 * 24) - math.log(p)))))')
  b=$(verify "$W/s$i.mp4" "$own" --no-repository-match); m=$(verify "$W/s$i.mp4" "$own"); d=$(verify "$W/s$i.mp4" "$other")
  total=$((total + 1))
  set -- $det; [ "$1" = True ] && present=$((present + 1))
  set -- $b; [ "$1" = recoveredByWatermark ] && [ "$2" = "$want" ] && base=$((base + 1))
  set -- $m
  if [ "$1" = recoveredByWatermark ]; then
    if [ "$2" = "$want" ]; then
      withMatch=$((withMatch + 1))
      [ "$3" = repository-match ] && byMatch=$((byMatch + 1)); [ "$3" = manifest-repository ] && byCandidate=$((byCandidate + 1))
    else wrong=$((wrong + 1)); fi
  fi
  set -- $d; [ "$1" = recoveredByWatermark ] && decoyHits=$((decoyHits + 1))
  echo "$i want=$want detect=[$det] nomatch=[$b] match=[$m] decoys=[$d]"
done
echo "CRF ${CRF:-25}, $total pairs, one key: present $present; manifest recovered without matching $base, with matching $withMatch ($byMatch by a repository match, $byCandidate by a list candidate); wrong recoveries $wrong; recoveries from the repository without the clip's own manifest (must be 0): $decoyHits"
