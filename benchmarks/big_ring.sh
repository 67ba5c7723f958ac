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
python3 - "$dir" "$n" <<'PY'
import json, math, sys
d, n = sys.argv[1], int(sys.argv[2])
with open(f"{d}/jurisdiction.json", "w") as f:
    json.dump({"format": "gridroute.jurisdiction/1", "name": "ring", "timezone": "UTC",
               "tiers": ["community", "area", "cell"], "units": [{"id": "root", "tier": "community"},
               {"id": "ar", "tier": "area", "parent": "root"}, {"id": "A", "tier": "cell", "parent": "ar"}],
               "handlers": [{"id": "h", "role": "resident_council", "serves": ["root"]}],
               "cells_geojson": "cells.geojson", "snap_meters": 30}, f)
with open(f"{d}/rules.json", "w") as f:
    json.dump({"format": "gridroute.rules/1", "defaults": {"sla": {"respond": "1h", "resolve": "1d"}},
               "rules": [{"id": "all", "categories": ["*"], "route": ["resident_council"]}]}, f)
ring = [[round(0.1 * math.cos(2 * math.pi * i / n), 12), round(0.1 * math.sin(2 * math.pi * i / n), 12)]
        for i in range(n)]
ring.append(ring[0])
with open(f"{d}/cells.geojson", "w") as f:
    json.dump({"type": "FeatureCollection", "features": [{"type": "Feature", "id": "A", "properties": {},
               "geometry": {"type": "Polygon", "coordinates": [ring]}}]}, f)
for name, (lon, lat) in {"inside": (0.05, 0.01), "near": (0.1001, 0.0), "far": (1.0, 1.0)}.items():
    with open(f"{d}/{name}.jsonl", "w") as f:
        for i in range(2000):
            f.write(json.dumps({"id": i, "category": "x", "at": "2026-01-05T10:00:00Z", "location": [lon, lat]}) + "\n")
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
