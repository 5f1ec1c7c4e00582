# Shared helpers for Benchmarks/*/run.sh (sourced).
# measure CMD… → "wall cpu rss": lowest wall and CPU (user+sys) seconds over $RUNS runs, peak RSS in MiB.
RUNS=${RUNS:-2}
measure() {
  local best_w="" best_c="" rss=0 w u s m c
  for _ in $(seq "$RUNS"); do
    if ! nice -n 5 timeout 900 /usr/bin/time -o "$BENCH_TMP/time.txt" -f '%e %U %S %M' "$@" >/dev/null 2>"$BENCH_TMP/err.txt"; then
      # verify exits non-zero by design for some outcomes; keep the timing unless time itself failed
      grep -q "Command exited with non-zero status" "$BENCH_TMP/time.txt" || { echo "FAILED: $*" >&2; cat "$BENCH_TMP/err.txt" >&2; echo "nan nan 0"; return; }
    fi
    read -r w u s m < <(tail -1 "$BENCH_TMP/time.txt")
    c=$(echo "$u + $s" | bc -l)
    if [ -z "$best_w" ] || [ "$(echo "$w < $best_w" | bc -l)" = 1 ]; then best_w=$w; fi
    if [ -z "$best_c" ] || [ "$(echo "$c < $best_c" | bc -l)" = 1 ]; then best_c=$c; fi
    if [ "$m" -gt "$rss" ]; then rss=$m; fi
  done
  echo "$best_w $best_c $((rss / 1024))"
}
load_note() { echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores"; }
