#!/usr/bin/env bash
# False positives: detection with keys that did not mark the video (seeds KEYBASE.., never key 1 used by
# robustness.sh) on unmarked clips, clips marked with key 1, and every attacked version.
# usage: false_positives.sh KEYS_PER_FILE OUT.jsonl FILE...
# DETECT_ARGS adds wm-bench fp options (e.g. --no-intra-test; session 13), as in redetect.sh.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
B="${WM_BENCH:-$HERE/../../.build/release/wm-bench}"
K=$1; OUT=$2; shift 2
for f in "$@"; do
  # A file that does not decode is reported on stderr and skipped.
  # shellcheck disable=SC2086
  "$B" fp "$f" --keys "$K" --key-base "${KEYBASE:-1000000}" ${DETECT_ARGS:-} | sed "s|^{|{\"path\":\"$f\",|" >> "$OUT" || echo "skipped $f" >&2
done
