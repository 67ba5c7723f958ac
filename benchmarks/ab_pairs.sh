#!/usr/bin/env bash
# Two builds of the CLI on the same work, as alternated pairs of whole processes pinned to one core: the
# order flips every pair, each process's user time is taken by bash's `time`, and the ratios B/A of the
# pairs are summarised (median, lowest, highest). On a shared machine whose speed drifts, the ratio of a
# pair is steadier than either time.
#
#   benchmarks/ab_pairs.sh PAIRS CLI_A CLI_B ARGS...
#   e.g. benchmarks/ab_pairs.sh 10 /tmp/before/gridroute build-bench/gridroute \
#          route L.grb benchmarks/data/L/issues.jsonl --quiet
#
# The outputs must be equal byte for byte first: the script stops when they are not.
set -euo pipefail
if [ $# -lt 4 ]; then
  sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'
  exit 2
fi
pairs=$1 a=$2 b=$3
shift 3
if ! cmp -s <("$a" "$@" 2>&1) <("$b" "$@" 2>&1); then
  echo "ab_pairs: the two outputs differ" >&2
  exit 1
fi
pin=(taskset -c 1)
command -v taskset > /dev/null || pin=()
# bash's own `time` (user seconds), so that nothing beyond bash is needed.
user_time() { local TIMEFORMAT=%U; { time "${pin[@]}" "$@" > /dev/null 2>&1; } 2>&1; }
for i in $(seq 1 "$pairs"); do
  if (( i % 2 )); then ta=$(user_time "$a" "$@"); tb=$(user_time "$b" "$@")
  else tb=$(user_time "$b" "$@"); ta=$(user_time "$a" "$@"); fi
  echo "$ta $tb"
done | awk '{ printf "%s %s %.4f\n", $1, $2, ($1 > 0 ? $2 / $1 : 0) }' | sort -k3 -n |
  awk '{ r[NR] = $3; print "A " $1 " s, B " $2 " s, B/A " $3 }
       END { m = NR % 2 ? r[(NR + 1) / 2] : (r[NR / 2] + r[NR / 2 + 1]) / 2; printf "B/A over %d pairs: median %.3f, lowest %.3f, highest %.3f\n", NR, m, r[1], r[NR] }'
