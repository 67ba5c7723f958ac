"""A bundle of one cell "A" under an area and a community, served by one council, with a catch-all
rule, and its polygon layer: what benchmarks/big_ring.sh and benchmarks/many_holes.sh route points
against. Python 3 stdlib only.

  one_cell.write(DIR, NAME, RINGS)   # RINGS: the Polygon's rings, each a list of [lon, lat]
"""
import json


def write(d, name, rings):
    with open(f"{d}/jurisdiction.json", "w") as f:
        json.dump({"format": "gridroute.jurisdiction/1", "name": name, "timezone": "UTC",
                   "tiers": ["community", "area", "cell"], "units": [{"id": "root", "tier": "community"},
                   {"id": "ar", "tier": "area", "parent": "root"}, {"id": "A", "tier": "cell", "parent": "ar"}],
                   "handlers": [{"id": "h", "role": "resident_council", "serves": ["root"]}],
                   "cells_geojson": "cells.geojson", "snap_meters": 30}, f)
    with open(f"{d}/rules.json", "w") as f:
        json.dump({"format": "gridroute.rules/1", "defaults": {"sla": {"respond": "1h", "resolve": "1d"}},
                   "rules": [{"id": "all", "categories": ["*"], "route": ["resident_council"]}]}, f)
    with open(f"{d}/cells.geojson", "w") as f:
        json.dump({"type": "FeatureCollection", "features": [{"type": "Feature", "id": "A", "properties": {},
                   "geometry": {"type": "Polygon", "coordinates": rings}}]}, f)


def write_points(path, points):
    """One issue line a point, ids from 0."""
    with open(path, "w") as f:
        for i, (lon, lat) in enumerate(points):
            f.write(json.dumps({"id": i, "category": "x", "at": "2026-01-05T10:00:00Z", "location": [lon, lat]}) + "\n")
