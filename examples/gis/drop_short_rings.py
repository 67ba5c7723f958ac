#!/usr/bin/env python3
"""Drops the rings of fewer than four positions from a GeoJSON layer, so that gridroute can read it.

Layers converted from shapefiles sometimes carry slivers written as "rings" of three positions that go
out and back ([a, b, a]): no area, but not a ring either, and gridroute refuses the file over them
(docs/locations.md, "What is refused"). This script writes the layer again without them:

- a hole of fewer than four positions is dropped;
- a polygon whose outer ring has fewer than four positions is dropped with its holes;
- a Feature left with no polygon keeps its properties and gets "geometry": null (its cell then has no
  polygon, which `gridroute check` reports).

Everything else is kept: the same numbers (each reads back to the same binary64), properties and ids. What was
dropped is listed on standard error, one line each, by the JSON pointer of the ring.

Usage: drop_short_rings.py IN.geojson[.gz] OUT.geojson
"""
import gzip
import json
import sys


def _open(path):
    return gzip.open(path, "rt", encoding="utf-8") if path.endswith(".gz") else open(path, encoding="utf-8")


def clean_polygon(rings, pointer, dropped):
    """The polygon's rings without the short ones, or None when its outer ring is short."""
    if not rings or len(rings[0]) < 4:
        dropped.append(f"{pointer}/0: outer ring of {len(rings[0]) if rings else 0} positions (polygon dropped)")
        return None
    kept = [rings[0]]
    for i, ring in enumerate(rings[1:], start=1):
        if len(ring) < 4:
            dropped.append(f"{pointer}/{i}: hole of {len(ring)} positions")
        else:
            kept.append(ring)
    return kept


def clean(layer):
    dropped = []
    for f, feature in enumerate(layer.get("features", [])):
        geometry = feature.get("geometry")
        if not isinstance(geometry, dict):
            continue
        pointer = f"/features/{f}/geometry/coordinates"
        if geometry.get("type") == "Polygon":
            polygon = clean_polygon(geometry["coordinates"], pointer, dropped)
            if polygon is None:
                feature["geometry"] = None
            else:
                geometry["coordinates"] = polygon
        elif geometry.get("type") == "MultiPolygon":
            polygons = []
            for p, rings in enumerate(geometry["coordinates"]):
                polygon = clean_polygon(rings, f"{pointer}/{p}", dropped)
                if polygon is not None:
                    polygons.append(polygon)
            if polygons:
                geometry["coordinates"] = polygons
            else:
                feature["geometry"] = None
    return dropped


def main(argv):
    if len(argv) != 3:
        print("usage: drop_short_rings.py IN.geojson[.gz] OUT.geojson", file=sys.stderr)
        return 2
    with _open(argv[1]) as f:
        # Numbers are kept as written: a float's repr reads back to the same binary64.
        layer = json.load(f)
    dropped = clean(layer)
    with open(argv[2], "w", encoding="utf-8") as out:
        json.dump(layer, out, ensure_ascii=False, separators=(",", ":"))
        out.write("\n")
    for d in dropped:
        print(f"dropped {d}", file=sys.stderr)
    print(f"{argv[2]}: {len(dropped)} short rings dropped", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
