#!/usr/bin/env bash
# Lookups in a cell with many holes (SPEC §7): one cell whose polygon has K x K small square holes on a
# grid (default 200 x 200 = 40,000, 8 MB of GeoJSON), and 2,000 points at random over it (about one in
# sixteen falls in a hole, snapped at 30 m to the hole's edge); routed, then routed with --explain, by the
# CLI as a whole process, the load included.
#   benchmarks/many_holes.sh [GRIDROUTE] [K]      (docs/performance.md, "A cell with many holes")
set -euo pipefail
cli=${1:-build-bench/gridroute}
k=${2:-200}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
python3 - "$dir" "$k" "$(dirname "$0")" <<'PY'
import random, sys
d, k = sys.argv[1], int(sys.argv[2])
sys.path.insert(0, sys.argv[3])
import one_cell
side, step = 0.002, 0.002 / (k + 1)
rings = [[[0, 0], [side, 0], [side, side], [0, side], [0, 0]]]
for i in range(1, k + 1):
    for j in range(1, k + 1):
        x, y, e = step * i, step * j, step / 4
        rings.append([[x, y], [x, y + e], [x + e, y + e], [x + e, y], [x, y]])
one_cell.write(d, "holes", rings)
rng = random.Random(1)
one_cell.write_points(f"{d}/points.jsonl", [(rng.random() * side, rng.random() * side) for _ in range(2000)])
PY
for explain in "" --explain; do
  start=$EPOCHREALTIME
  "$cli" route "$dir" "$dir/points.jsonl" $explain --quiet > "$dir/out.jsonl"
  end=$EPOCHREALTIME
  printf '%-10s %6.2f s  %s\n' "${explain:-plain}" "$(python3 -c "print($end - $start)")" \
    "$(grep -o '"status": *"[a-z]*"' "$dir/out.jsonl" | sort | uniq -c | tr -s ' ' | tr '\n' ' ')"
done
