#!/usr/bin/env bash
# Snapping beside one very long ring (SPEC §7): a cell whose boundary is a circle of N vertices (default
# 2,000,000, 70 MB of GeoJSON) and 2,000 points each just inside, 11 m outside (snapped at 30 m) and far
# outside; each set routed, then routed with --explain, by the CLI as a whole process.
#   benchmarks/big_ring.sh [GRIDROUTE] [N]      (docs/performance.md, "Snapping beside a long ring")
set -euo pipefail
cli=${1:-build-bench/gridroute}
n=${2:-2000000}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
python3 - "$dir" "$n" "$(dirname "$0")" <<'PY'
import math, sys
d, n = sys.argv[1], int(sys.argv[2])
sys.path.insert(0, sys.argv[3])
import one_cell
ring = [[round(0.1 * math.cos(2 * math.pi * i / n), 12), round(0.1 * math.sin(2 * math.pi * i / n), 12)]
        for i in range(n)]
ring.append(ring[0])
one_cell.write(d, "ring", [ring])
for name, (lon, lat) in {"inside": (0.05, 0.01), "near": (0.1001, 0.0), "far": (1.0, 1.0)}.items():
    one_cell.write_points(f"{d}/{name}.jsonl", [(lon, lat)] * 2000)
PY
for set in inside near far; do
  for explain in "" --explain; do
    start=$EPOCHREALTIME
    "$cli" route "$dir" "$dir/$set.jsonl" $explain --quiet > "$dir/out.jsonl"
    end=$EPOCHREALTIME
    printf '%-7s %-10s %6.2f s  %s\n' "$set" "${explain:-plain}" "$(python3 -c "print($end - $start)")" \
      "$(grep -o '"status": *"[a-z]*"' "$dir/out.jsonl" | sort | uniq -c | tr -s ' ' | tr '\n' ' ')"
  done
done
