#!/usr/bin/env bash
# Session 9: how far the repository match's threshold is from the embedded payload's correlation, one 2 s window.
# 20 payloads (seeds 1..20, key seed 7) embedded by wm-bench in the 640x360 2 s test clip (x264 CRF 20), each
# re-encoded at x264 CRF 27, 28 and 29 (veryfast), detected with --match-decoys 1000; prints per CRF: present,
# decoded, the embedded payload's correlation r for each present file without a payload, tau and the best decoy.
# usage: match_margin.sh OUTDIR      (release wm-bench first)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
B="${WM_BENCH:-$ROOT/.build/release/wm-bench}"
IN="$ROOT/Fixtures/generated/h264_aac.mp4"
[ -s "$IN" ] || "$ROOT/Fixtures/make-generated.sh" >/dev/null
O=$1; mkdir -p "$O"
for i in $(seq 1 20); do
  "$B" embed "$IN" "$O/m$i.mp4" --key 7 --payload "$i" --crf 20 > /dev/null
  for crf in 27 28 29; do
    ffmpeg -nostdin -v error -y -i "$O/m$i.mp4" -c:v libx264 -crf "$crf" -preset veryfast -threads 1 -an "$O/a${i}_$crf.mp4"
    "$B" detect "$O/a${i}_$crf.mp4" --key 7 --payload "$i" --match-decoys 1000 | sed "s|^{|{\"crf\":$crf,\"seed\":$i,|"
  done
done > "$O/detect.jsonl"
python3 - "$O/detect.jsonl" <<'PY'
import collections, json, sys
by = collections.defaultdict(list)
for line in open(sys.argv[1]):
    r = json.loads(line); by[r["crf"]].append(r)
for crf in sorted(by):
    rs = by[crf]; ran = [r for r in rs if r.get("match_ran")]
    print("CRF %d: %d files, present %d, payload %d; present without payload %d: list candidate %d, matched %d "
          "(%d not by the list), wrong %d; tau %s; r %s; best decoy %.3f" % (
        crf, len(rs), sum(r["present"] for r in rs), sum(r["payload_ok"] for r in rs), len(ran),
        sum(bool(r.get("candidate_ok")) for r in ran), sum(r["match_ok"] for r in ran),
        sum(r["match_ok"] and not r.get("candidate_ok") for r in ran),
        sum(r["match_wrong"] or r["match_wrong_without"] for r in ran),
        sorted({round(r["match_tau"], 3) for r in ran}), sorted(round(r["match_r"], 3) for r in ran),
        max([r["match_decoy_max_r"] for r in ran] or [0])))
PY
