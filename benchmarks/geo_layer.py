#!/usr/bin/env python3
"""Gives a generated bundle (benchmarks/gen_bundle.py) a polygon layer and located issues (SPEC §7).
Python 3 stdlib only; the same input and seed give the same bytes.

  geo_layer.py BUNDLE OUT [--seed 11] [--sigma 1.7]

BUNDLE is a directory written by gen_bundle.py (units.csv, issues.jsonl ...). OUT receives:

  jurisdiction.json   BUNDLE's, plus "cells_geojson": "cells.geojson"; units.csv, handlers.csv and
                      rules.json are symbolic links to BUNDLE's
  cells.geojson       one Feature per cell, in units.csv order, laid row by row on an N x N lattice over
                      116-117°E, 39.5-40.3°N (N = ceil(sqrt(cells)); ~85 x 89 m cells at a million): a
                      Polygon of 32 vertices (corners jittered by 5% of a cell, 7 points on each side pushed
                      off the line by up to 15% of a step, shared exactly with the neighbour), every tenth
                      cell with a square hole of 30% of its width in the middle (the layer of
                      benchmarks/bench_geo.cpp)
  located-uniform.jsonl  BUNDLE's issues.jsonl, each line's "cell" replaced by "location": a point inside
                      that cell, 20-35% of a cell from its middle on each axis (never in the hole). The
                      cells of issues.jsonl are uniform, so the points are uniform over the grid.
  located-skewed.jsonl   the same lines, but each point is in a cell drawn with a weight that is
                      log-normal (sigma --sigma, independent per cell): most requests come from a
                      minority of places. With sigma 1.7, a sample of 37k points over a 180k-cell grid
                      repeats squares as the 37,128 MyLA311 requests repeat 85 m squares of Los Angeles
                      (60% vs 63% of points share a square with another; uniform points: 19%).
  meta.json           counts and parameters

Each line of located-uniform.jsonl decides as the line of issues.jsonl it came from (the decision adds
"cell"); benchmarks/geo_cli.sh checks that on the first 100,000.
"""
import argparse
import bisect
import csv
import itertools
import json
import math
import os
import random
import re

LON0, LAT0, LON_SPAN, LAT_SPAN = 116.0, 39.5, 1.0, 0.8


def cells_of(bundle):
    with open(os.path.join(bundle, "jurisdiction.json"), encoding="utf-8") as f:
        tiers = json.load(f)["tiers"]
    with open(os.path.join(bundle, "units.csv"), newline="", encoding="utf-8") as f:
        return [r["id"] for r in csv.DictReader(f) if r["tier"] == tiers[-1]]


def write_layer(path, cells, n, rng):
    """Writes the lattice; returns (positions, holes)."""
    w, h = LON_SPAN / n, LAT_SPAN / n

    def corner_row(j):
        out = []
        for i in range(n + 1):
            jx = 0 if i in (0, n) else 0.1 * (rng.random() - 0.5)
            jy = 0 if j in (0, n) else 0.1 * (rng.random() - 0.5)
            out.append((LON0 + (i + jx) * w, LAT0 + (j + jy) * h))
        return out

    def side(a, b):
        """The 7 points inside side a -> b, as JSON text."""
        dx, dy = b[0] - a[0], b[1] - a[1]
        pts = []
        for k in range(1, 8):
            t, off = k / 8.0, 0.3 * (rng.random() - 0.5) / 8.0
            pts.append("[%.7f,%.7f]" % (a[0] + t * dx - off * dy, a[1] + t * dy + off * dx))
        return pts

    def fmt(p):
        return "[%.7f,%.7f]" % p

    positions = holes = 0
    lo = corner_row(0)
    lo_txt = [fmt(p) for p in lo]
    bottom = [side(lo[i], lo[i + 1]) for i in range(n)]  # west to east
    with open(path, "w", encoding="utf-8") as f:
        f.write('{"type": "FeatureCollection", "features": [\n')
        first = True
        for j in range(n):
            hi = corner_row(j + 1)
            hi_txt = [fmt(p) for p in hi]
            top = [side(hi[i], hi[i + 1]) for i in range(n)]
            vert = [side(lo[i], hi[i]) for i in range(n + 1)]  # south to north
            buf = []
            for i in range(n):
                c = j * n + i
                if c >= len(cells):
                    break
                ring = ([lo_txt[i]] + bottom[i] + [lo_txt[i + 1]] + vert[i + 1] + [hi_txt[i + 1]] +
                        top[i][::-1] + [hi_txt[i]] + vert[i][::-1] + [lo_txt[i]])
                rings = "[" + ",".join(ring) + "]"
                positions += len(ring)
                if (i + j) % 10 == 0:  # a pond: a clockwise square hole in the middle
                    cx = (lo[i][0] + hi[i + 1][0]) / 2
                    cy = (lo[i][1] + hi[i + 1][1]) / 2
                    hw, hh = 0.15 * w, 0.15 * h
                    sq = [(cx - hw, cy - hh), (cx - hw, cy + hh), (cx + hw, cy + hh), (cx + hw, cy - hh),
                          (cx - hw, cy - hh)]
                    rings += ",[" + ",".join(fmt(p) for p in sq) + "]"
                    positions += 5
                    holes += 1
                buf.append(('' if first else ',\n') + '{"type": "Feature", "id": ' + json.dumps(cells[c]) +
                           ', "properties": {}, "geometry": {"type": "Polygon", "coordinates": [' + rings + "]}}")
                first = False
            f.write("".join(buf))
            lo, lo_txt, bottom = hi, hi_txt, top
        f.write("\n]}\n")
    return positions, holes


def point_in(c, n, rng):
    """A point of cell number c: 20-35% of a cell from its nominal middle on each axis. Corners move by
    at most 5% and sides by about 2%, the hole reaches 15% (plus 5%): the point is inside the cell."""
    i, j = c % n, c // n
    w, h = LON_SPAN / n, LAT_SPAN / n
    u = rng.uniform(0.20, 0.35) * (1 if rng.random() < 0.5 else -1)
    v = rng.uniform(0.20, 0.35) * (1 if rng.random() < 0.5 else -1)
    return LON0 + (i + 0.5 + u) * w, LAT0 + (j + 0.5 + v) * h


CELL_RE = re.compile(r'"cell":"([^"]*)"')


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("bundle")
    ap.add_argument("out")
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--sigma", type=float, default=1.7)
    a = ap.parse_args()
    rng = random.Random(a.seed)
    cells = cells_of(a.bundle)
    n = math.isqrt(len(cells))
    if n * n < len(cells):
        n += 1
    os.makedirs(a.out, exist_ok=True)
    for name in ("units.csv", "handlers.csv", "rules.json"):
        link = os.path.join(a.out, name)
        if os.path.lexists(link):
            os.remove(link)
        os.symlink(os.path.abspath(os.path.join(a.bundle, name)), link)
    with open(os.path.join(a.bundle, "jurisdiction.json"), encoding="utf-8") as f:
        jur = json.load(f)
    jur["cells_geojson"] = "cells.geojson"
    with open(os.path.join(a.out, "jurisdiction.json"), "w", encoding="utf-8") as f:
        json.dump(jur, f, ensure_ascii=False, indent=1)
    positions, holes = write_layer(os.path.join(a.out, "cells.geojson"), cells, n, rng)

    number = {c: k for k, c in enumerate(cells)}
    weights = list(itertools.accumulate(rng.lognormvariate(0, a.sigma) for _ in cells))
    total = weights[-1]
    lines = 0
    with open(os.path.join(a.bundle, "issues.jsonl"), encoding="utf-8") as src, \
            open(os.path.join(a.out, "located-uniform.jsonl"), "w", encoding="utf-8") as uni, \
            open(os.path.join(a.out, "located-skewed.jsonl"), "w", encoding="utf-8") as skw:
        bu, bs = [], []
        for line in src:
            m = CELL_RE.search(line)
            if not m:
                raise SystemExit(f"{a.bundle}/issues.jsonl:{lines + 1}: no \"cell\"")
            x, y = point_in(number[m.group(1)], n, rng)
            bu.append(line[:m.start()] + '"location":[%.7f,%.7f]' % (x, y) + line[m.end():])
            x, y = point_in(min(bisect.bisect(weights, rng.random() * total), len(cells) - 1), n, rng)
            bs.append(line[:m.start()] + '"location":[%.7f,%.7f]' % (x, y) + line[m.end():])
            lines += 1
            if len(bu) >= 65536:
                uni.write("".join(bu))
                skw.write("".join(bs))
                bu.clear()
                bs.clear()
        uni.write("".join(bu))
        skw.write("".join(bs))
    meta = {"cells": len(cells), "lattice": n, "positions": positions, "holes": holes, "issues": lines,
            "seed": a.seed, "sigma": a.sigma}
    with open(os.path.join(a.out, "meta.json"), "w") as f:
        json.dump(meta, f, indent=1)
    print(json.dumps(meta))


if __name__ == "__main__":
    main()
