#!/usr/bin/env bash
# Locations end to end (SPEC §7; docs/performance.md, "Locations"): `gridroute route` on a bundle of a
# million cells with a generated polygon layer, fed a million issue lines that give "location" instead
# of "cell".
#
#   benchmarks/geo_cli.sh DATA_DIR [ROUNDS]       e.g. benchmarks/geo_cli.sh /tmp/geo 3
#
# DATA_DIR receives (once; later runs reuse it, ~2.5 GB):
#   L/      benchmarks/gen_bundle.py synth --size L (1,000,000 cells) with 1,000,000 issues (by cell)
#   L-geo/  the same bundle plus cells.geojson (benchmarks/geo_layer.py: 32-vertex polygons, every tenth
#           with a hole), located-uniform.jsonl (each issue's cell replaced by a point in it: uniform over
#           the grid) and located-skewed.jsonl (points in cells drawn with log-normal weights, as real
#           requests cluster)
#   L-geo.grc  `gridroute compile L-geo`
# Then it checks that the located lines decide as the lines by cell do, and times, ROUNDS times (default
# 2) in alternation, with /usr/bin/time (wall, CPU = user + sys, peak RSS):
#   load L (no polygons), load L-geo, load L-geo.grc         (`route BUNDLE /dev/null`)
#   route L by cell, route L-geo uniform, skewed, uniform --threads 2, skewed --threads 2,
#   route L-geo.grc uniform
# and prints, per run, lines/s excluding the load: lines / (wall - the same round's load of that bundle).
# GRIDROUTE_CLI (default build-bench/gridroute) is the binary under test.
set -euo pipefail
data=${1:?usage: benchmarks/geo_cli.sh DATA_DIR [ROUNDS]}
rounds=${2:-2}
here=$(cd "$(dirname "$0")" && pwd)
cli=${GRIDROUTE_CLI:-$here/../build-bench/gridroute}
mkdir -p "$data"
data=$(cd "$data" && pwd)

if [[ ! -f $data/L/meta.json ]]; then
  echo "generating $data/L (about 2 minutes)" >&2
  python3 "$here/gen_bundle.py" synth "$data/L" --size L --issues 1000000 --cases 0 > /dev/null
fi
if [[ ! -f $data/L-geo/meta.json ]]; then
  echo "generating $data/L-geo (about 3 minutes)" >&2
  python3 "$here/geo_layer.py" "$data/L" "$data/L-geo" > /dev/null
fi
if [[ ! -f $data/L-geo.grc ]]; then
  "$cli" compile "$data/L-geo" -o "$data/L-geo.grc"
fi

# The located lines decide as the lines by cell, and each finds the cell its point was drawn in.
n=100000
"$cli" route -q "$data/L-geo" <(head -n $n "$data/L/issues.jsonl") > "$data/by-cell.out"
"$cli" route -q "$data/L-geo" <(head -n $n "$data/L-geo/located-uniform.jsonl") > "$data/located.out"
cmp <(sed -E 's/, "cell": "[^"]*"//' "$data/located.out") "$data/by-cell.out"
cmp <(grep -o '"cell": "[^"]*"' "$data/located.out" | tr -d ' ') <(head -n $n "$data/L/issues.jsonl" | grep -o '"cell":"[^"]*"')
rm -f "$data/by-cell.out" "$data/located.out"
lines=$(wc -l < "$data/L-geo/located-uniform.jsonl")
echo "machine: $(nproc) cores, $(uptime | sed 's/.*load/load/')"
echo "lines: $lines; the first $n located lines find their cells and decide as the lines by cell"

t=$(mktemp)
trap 'rm -f "$t"' EXIT
# run NAME LOAD_NAME CMD...: times CMD; prints wall, CPU, peak RSS and, with a LOAD_NAME, lines/s without
# that round's load.
declare -A wall
run() {
  local name=$1 load=$2; shift 2
  /usr/bin/time -f "%e %U %S %M" -o "$t" "$@" > /dev/null
  read -r w u s m < "$t"
  wall[$name]=$w
  local rate=""
  if [[ $load != - ]]; then
    rate=$(awk -v n="$lines" -v w="$w" -v l="${wall[$load]}" 'BEGIN { printf "%.0f lines/s without the load (%.2f s)", n / (w - l), w - l }')
  fi
  printf "%-22s wall %6.2f s  cpu %6.2f s  peak %5.0f MB  %s\n" "$name" "$w" "$(awk -v u="$u" -v s="$s" 'BEGIN{print u+s}')" \
    "$(awk -v m="$m" 'BEGIN{print m/1024}')" "$rate"
}
for ((r = 1; r <= rounds; r++)); do
  echo "round $r ($(uptime | sed 's/.*load/load/'))"
  run load-L - "$cli" route -q "$data/L" /dev/null
  run route-L-by-cell load-L "$cli" route -q "$data/L" "$data/L/issues.jsonl"
  run load-L-geo - "$cli" route -q "$data/L-geo" /dev/null
  run route-uniform load-L-geo "$cli" route -q "$data/L-geo" "$data/L-geo/located-uniform.jsonl"
  run route-skewed load-L-geo "$cli" route -q "$data/L-geo" "$data/L-geo/located-skewed.jsonl"
  run route-uniform-t2 load-L-geo "$cli" route -q --threads 2 "$data/L-geo" "$data/L-geo/located-uniform.jsonl"
  run route-skewed-t2 load-L-geo "$cli" route -q --threads 2 "$data/L-geo" "$data/L-geo/located-skewed.jsonl"
  run load-L-geo.grc - "$cli" route -q "$data/L-geo.grc" /dev/null
  run route-grc-uniform load-L-geo.grc "$cli" route -q "$data/L-geo.grc" "$data/L-geo/located-uniform.jsonl"
done
