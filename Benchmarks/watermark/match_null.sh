#!/usr/bin/env bash
# Session 9: the repository match on present clips without a payload (docs/watermark.md, "Session 9").
# Marks 8 fixture-based clips of the set2 list (720p and 1080p, key seed 1, payload seed 1), re-encodes each at
# x264 CRF 32, 34, 36 and "social" (480p, CRF 30), then
#   - OUTDIR/detect.jsonl: wm-bench detect --match-decoys 10000 on every attacked file (match_ok: the embedded
#     payload found among 10^4 random decoys where no decoder found it; match_wrong / match_wrong_without: a decoy
#     taken, with and without the embedded payload in the list: must never be true),
#   - OUTDIR/null_present.txt: the null tail of rule part 1 (b) on the soft vectors of the attacked files that are
#     present without a payload, and OUTDIR/null_absent.txt on the unmarked clips (10^6 random IDs each).
# usage: match_null.sh OUTDIR      (release wm-bench first: swift build -c release --product wm-bench)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
B="${WM_BENCH:-$ROOT/.build/release/wm-bench}"
O=$1; mkdir -p "$O/clips"
python3 "$ROOT/Benchmarks/watermark/make_clips.py" "$O/clips" --only bikesA720 bikesB720 bikesC720 bunnyA720 \
  bunnyB720 bunnydark720 carphone720 bikes1080
enc() { ffmpeg -nostdin -v error -y -i "$1" "${@:3}" -c:v libx264 -preset medium -threads 2 -an "$2.part.mp4" && mv -f "$2.part.mp4" "$2"; }
for c in "$O"/clips/*.mp4; do
  d="$O/$(basename "$c" .mp4)"; mkdir -p "$d"
  [ -s "$d/marked.mp4" ] || "$B" embed "$c" "$d/marked.mp4" --key 1 > "$d/quality.json"
  for crf in 32 34 36; do [ -s "$d/crf$crf.mp4" ] || enc "$d/marked.mp4" "$d/crf$crf.mp4" -crf "$crf"; done
  [ -s "$d/social.mp4" ] || enc "$d/marked.mp4" "$d/social.mp4" -vf scale=-2:480 -crf 30
done
for f in "$O"/*/crf*.mp4 "$O"/*/social.mp4; do
  "$B" detect "$f" --key 1 --match-decoys 10000 | sed "s|^{|{\"path\":\"$f\",|"
done > "$O/detect.jsonl"
python3 - "$O/detect.jsonl" > "$O/present_no_payload.txt" <<'PY'
import json, sys
for line in open(sys.argv[1]):
    d = json.loads(line)
    if d.get("match_ran"):
        print(d["path"])
PY
"$B" match-null --pairs 0 --ids 1000000 --key 1 $(cat "$O/present_no_payload.txt") > "$O/null_present.txt"
"$B" match-null --pairs 0 --ids 1000000 --key 1 "$O"/clips/*.mp4 > "$O/null_absent.txt"
python3 - "$O/detect.jsonl" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
ran = [r for r in rows if r.get("match_ran")]
print("files %d; payload %d; present without payload %d: matched %d, wrong %d, wrong without the payload %d"
      % (len(rows), sum(1 for r in rows if r.get("payload_ok")), len(ran), sum(r["match_ok"] for r in ran),
         sum(r["match_wrong"] for r in ran), sum(r["match_wrong_without"] for r in ran)))
for r in ran:
    print("  %s r=%.3f decoy max %.3f tau %.3f ok=%s" % (r["path"], r["match_r"], r["match_decoy_max_r"], r["match_tau"], r["match_ok"]))
PY
