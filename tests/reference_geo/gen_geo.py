"""Random bundles with a cells layer, and issue lines given by location, for differential tests of
SPEC §7 (see differential_geo.py). Standard library only; everything comes from one random.Random.

A scenario is a small jurisdiction (town > community > area > cells, a property manager per cell, one
rule routing `a.*` to the property manager) and a GeoJSON layer built on a dyadic grid, so that edges,
vertices and many points on edges are exact binary64 values:

- rectangles sharing edges and vertices, some split along a diagonal into two cells;
- holes (one touching the outline at a vertex), an outline that touches itself around an inverted hole,
  a spike, an enclave (a MultiPolygon part inside another cell's hole), a part far away;
- rings of 64 edges and more (collinear subdivisions, a sawtooth);
- overlapping star-shaped polygons with arbitrary (non-dyadic) vertices, some with holes;
- rings in either orientation and from any start vertex, positions with an altitude, repeated positions,
  `"geometry": null`, cells missing from the layer;
- string and integer ids (also negative and beyond 64 bits), or ids in a property (`id_property`);
- frames in mid-latitudes, on the antimeridian (both sides), at a pole, around (0, 0) with subnormal
  coordinates, and huge cells of degrees.

Points: vertices, points exactly on edges, edge points rounded to binary64, one ulp off, inside holes,
at distances just under and over snap_meters from an edge or a vertex, anywhere in the frame, the
extreme longitudes and latitudes, -0.0; numbers written shortest, with the exact decimal expansion,
with an exponent, padded with digits, or as the decimal halfway between two doubles (ties to even).
"""

import json
import math
import random
from decimal import Decimal, getcontext
from fractions import Fraction

getcontext().prec = 2000

R = 6371008.8
AT = "2026-03-02T09:00:00Z"


# ----------------------------------------------------------------------------------------------------
# numbers as text

def fnum(x):
    """Shortest text that reads back as x (valid JSON)."""
    if x == 0.0:
        return "-0.0" if math.copysign(1.0, x) < 0 else "0.0"
    r = repr(x)
    if r in ("inf", "-inf", "nan"):
        raise ValueError(r)
    return r


def exact_decimal(x):
    d = Decimal(x)
    s = format(d, "f") if abs(x) >= 1e-20 or x == 0.0 else format(d, "e")
    return s


def num_text(rng, x, allow_value_change=False):
    """x written in one of several forms; with allow_value_change, also halfway decimals, whose
    binary64 value may be x or its neighbour (the reference reads the text itself)."""
    forms = ["short"] * 6 + ["exact", "exp", "pad", "shift", "zeros"]
    if x == math.floor(x) and abs(x) < 1e15:
        forms.append("int")
    if allow_value_change:
        forms += ["half", "half+", "half-"]
    f = rng.choice(forms)
    if f == "short":
        return fnum(x)
    if f == "int":
        return str(int(x))
    if f == "exact":
        return exact_decimal(x)
    if f == "exp":
        sign, digits, exp = Decimal(fnum(x)).as_tuple()
        return ("-" if sign else "") + "".join(map(str, digits)) + "e" + str(exp)
    if f == "shift":
        # leading zeros and a large positive exponent: 0.000…000DIGITSe(K)
        sign, digits, exp = Decimal(fnum(x)).as_tuple()
        z = rng.choice([5, 40, 350])
        ds = "".join(map(str, digits))
        return ("-" if sign else "") + "0." + "0" * z + ds + "e" + str(exp + z + len(ds))
    if f == "zeros" and x != 0.0:
        # trailing zeros and a large negative exponent: DIGITS000…000e(K)
        sign, digits, exp = Decimal(fnum(x)).as_tuple()
        z = rng.choice([3, 30, 400])
        return ("-" if sign else "") + "".join(map(str, digits)) + "0" * z + "E" + str(exp - z)
    if f == "zeros":
        return fnum(x)
    if f == "pad":
        s = fnum(x)
        if "e" in s or "E" in s or x == 0.0:
            return s
        return s + "0" * 30 + str(rng.randint(1, 9))
    nxt = math.nextafter(x, math.inf)
    if math.isinf(nxt):
        return fnum(x)
    mid = (Decimal(x) + Decimal(nxt)) / 2
    tiny = Decimal(nxt) - Decimal(x)
    if f == "half+":
        mid += tiny / 1000
    elif f == "half-":
        mid -= tiny / 1000
    s = format(mid, "f") if abs(x) >= 1e-20 else format(mid, "e")
    return s


# ----------------------------------------------------------------------------------------------------
# geometry helpers (exact where it matters)

def orient_exact(a, b, p):
    d = ((Fraction(b[0]) - Fraction(a[0])) * (Fraction(p[1]) - Fraction(a[1])) -
         (Fraction(b[1]) - Fraction(a[1])) * (Fraction(p[0]) - Fraction(a[0])))
    return (d > 0) - (d < 0)


def segments_cross(a, b, c, d):
    """Proper crossing of a-b and c-d (interiors cross at one point)."""
    o1, o2 = orient_exact(a, b, c), orient_exact(a, b, d)
    o3, o4 = orient_exact(c, d, a), orient_exact(c, d, b)
    return o1 * o2 < 0 and o3 * o4 < 0


def ring_is_simple(ring):
    n = len(ring) - 1
    box = [(min(ring[i][0], ring[i + 1][0]), max(ring[i][0], ring[i + 1][0]),
            min(ring[i][1], ring[i + 1][1]), max(ring[i][1], ring[i + 1][1])) for i in range(n)]
    for i in range(n):
        for j in range(i + 2, n):
            if i == 0 and j == n - 1:
                continue
            bi, bj = box[i], box[j]
            if bi[1] < bj[0] or bj[1] < bi[0] or bi[3] < bj[2] or bj[3] < bi[2]:
                continue
            if segments_cross(ring[i], ring[i + 1], ring[j], ring[j + 1]):
                return False
    return True


def exact_float(fr):
    """Fraction -> float when it is exactly representable, else None."""
    try:
        f = float(fr)
    except OverflowError:
        return None
    return f if Fraction(f) == fr else None


# ----------------------------------------------------------------------------------------------------
# a scenario

class Scenario:
    def __init__(self):
        self.cells = []          # cell ids, in units order
        self.features = []       # dicts: cid, idform, geom, alt
        self.snap = 0.0
        self.snap_text = "0"
        self.id_property = None
        self.frame = None        # (lon_min, lat_min, lon_max, lat_max)
        self.kind = ""

    # rings of every feature: (feature index, ring as list of (lon, lat))
    def all_rings(self):
        out = []
        for fi, f in enumerate(self.features):
            g = f["geom"]
            if g is None:
                continue
            polys = g[1] if g[0] == "MultiPolygon" else [g[1]]
            for p in polys:
                for r in p:
                    out.append((fi, r, p))
        return out


def close(ring):
    return ring + [ring[0]]


def finish_ring(rng, pts, hole=False):
    """pts: an open ring (no repeat), counter-clockwise; randomly reversed and rotated, closed, with an
    occasional repeated position."""
    pts = list(pts)
    if rng.random() < 0.5:
        pts.reverse()
    k = rng.randrange(len(pts))
    pts = pts[k:] + pts[:k]
    if rng.random() < 0.08:
        i = rng.randrange(len(pts))
        pts.insert(i, pts[i])
    return close(pts)


def rect(x0, y0, x1, y1):
    return [(x0, y0), (x1, y0), (x1, y1), (x0, y1)]


def subdivide(pts, pieces, rng):
    """Split every edge of an open ring into `pieces` collinear pieces at exact points where possible."""
    out = []
    n = len(pts)
    for i in range(n):
        a, b = pts[i], pts[(i + 1) % n]
        out.append(a)
        for k in range(1, pieces):
            t = Fraction(k, pieces)
            fx = exact_float(Fraction(a[0]) + t * (Fraction(b[0]) - Fraction(a[0])))
            fy = exact_float(Fraction(a[1]) + t * (Fraction(b[1]) - Fraction(a[1])))
            if fx is not None and fy is not None:
                out.append((fx, fy))
    return out


def star(rng, cx, cy, r, n, jitter=True):
    pts = []
    for k in range(n):
        th = 2 * math.pi * (k + (rng.uniform(-0.35, 0.35) if jitter else 0)) / n
        rr = r * rng.uniform(0.55, 1.0)
        pts.append((cx + rr * math.cos(th), cy + rr * math.sin(th)))
    return pts


def make_scenario(rng, kind=None):
    sc = Scenario()
    kind = kind or rng.choice(["mid", "mid", "mid", "antimeridian", "pole", "tiny", "huge", "origin",
                               "dense"])
    sc.kind = kind
    nx, ny = rng.randint(2, 4), rng.randint(2, 3)
    if kind == "dense":
        # many cells (a deeper index) and one ring of thousands of edges
        nx, ny = rng.randint(10, 40), rng.randint(10, 40)
    if kind in ("mid", "dense"):
        k = rng.randint(8, 30)
        u = 2.0 ** -k
        lon0 = rng.randint(-170 * 1024, 170 * 1024) / 1024
        lat0 = rng.randint(-80 * 1024, 80 * 1024) / 1024
    elif kind == "antimeridian":
        k = rng.randint(4, 24)
        u = 2.0 ** -k
        lon0 = 180.0 - nx * u
        lat0 = rng.randint(-60 * 64, 60 * 64) / 64
    elif kind == "pole":
        k = rng.randint(4, 24)
        u = 2.0 ** -k
        lon0 = rng.randint(-170 * 64, 170 * 64) / 64
        lat0 = 90.0 - ny * u if rng.random() < 0.5 else -90.0
    elif kind == "tiny":
        k = rng.choice([126, 140, 149, 160, 300, 1000, 1030, 1060, 1068])
        u = 2.0 ** -k
        lon0 = -rng.randint(0, nx) * u
        lat0 = -rng.randint(0, ny) * u
    elif kind == "huge":
        k = rng.randint(-3, 1)
        u = 2.0 ** -k
        lon0 = max(-180.0, rng.randint(-170, 150) * 1.0)
        lat0 = rng.choice([-80.0, -40.0, 0.0, 10.0, 50.0])
        while lat0 + ny * u > 90:
            ny -= 1
        ny = max(ny, 1)
        while lon0 + nx * u > 180:
            nx -= 1
        nx = max(nx, 1)
    else:  # origin
        k = rng.randint(4, 30)
        u = 2.0 ** -k
        lon0 = -u * rng.randint(0, nx)
        lat0 = -u * rng.randint(0, ny)
    X = lambda i: lon0 + i * u
    Y = lambda j: lat0 + j * u

    feats = []      # (cid, geom) before ids are assigned: geom = ("Polygon", rings) / ("MultiPolygon", polys)
    enclave_targets = []
    n = 0

    def new_cell():
        nonlocal n
        n += 1
        return n - 1

    for i in range(nx):
        for j in range(ny):
            x0, y0, x1, y1 = X(i), Y(j), X(i + 1), Y(j + 1)
            h = u / 4
            t = rng.choices(["rect", "tri2", "hole", "hole_touch", "keyhole", "spike", "many",
                             "saw", "null", "skip", "multi", "hole_edge", "two_holes", "multi_overlap",
                             "degenerate"],
                            weights=[6, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1])[0]
            if kind == "pole" and t == "spike":
                t = "rect"
            if t == "rect":
                feats.append((new_cell(), ("Polygon", [finish_ring(rng, rect(x0, y0, x1, y1))])))
            elif t == "tri2":
                if rng.random() < 0.5:
                    a = [(x0, y0), (x1, y0), (x1, y1)]
                    b = [(x0, y0), (x1, y1), (x0, y1)]
                else:
                    a = [(x0, y0), (x1, y0), (x0, y1)]
                    b = [(x1, y0), (x1, y1), (x0, y1)]
                feats.append((new_cell(), ("Polygon", [finish_ring(rng, a)])))
                feats.append((new_cell(), ("Polygon", [finish_ring(rng, b)])))
            elif t == "hole":
                outer = finish_ring(rng, rect(x0, y0, x1, y1))
                hole = finish_ring(rng, rect(x0 + h, y0 + h, x1 - h, y1 - h))
                feats.append((new_cell(), ("Polygon", [outer, hole])))
                enclave_targets.append((x0 + 1.5 * h, y0 + 1.5 * h, x1 - 1.5 * h, y1 - 1.5 * h))
            elif t == "hole_touch":
                outer = finish_ring(rng, rect(x0, y0, x1, y1))
                hole = finish_ring(rng, [(x0, y0), (x0 + 2 * h, y0 + h), (x0 + h, y0 + 2 * h)])
                feats.append((new_cell(), ("Polygon", [outer, hole])))
            elif t == "keyhole":
                # the outline touches itself at (xm, y1) and runs round an inverted hole, clockwise
                # inside a counter-clockwise outline
                xm = x0 + 2 * h
                pts = [(x0, y0), (x1, y0), (x1, y1), (xm, y1), (x0 + 3 * h, y0 + 2 * h),
                       (x0 + h, y0 + 2 * h), (xm, y1), (x0, y1)]
                if rng.random() < 0.5:
                    pts.reverse()
                kk = rng.randrange(len(pts))
                pts = pts[kk:] + pts[:kk]
                feats.append((new_cell(), ("Polygon", [close(pts)])))
            elif t == "spike":
                ym = y0 + 2 * h
                pts = [(x0, y0), (x1, y0), (x1, ym), (x1 + 2 * h, ym), (x1, ym), (x1, y1), (x0, y1)]
                if rng.random() < 0.5:
                    pts.reverse()
                feats.append((new_cell(), ("Polygon", [close(pts)])))
            elif t == "many":
                pieces = rng.choice([16, 17, 20, 33, 64])
                outer = finish_ring(rng, subdivide(rect(x0, y0, x1, y1), pieces, rng))
                rings = [outer]
                if rng.random() < 0.4:
                    rings.append(finish_ring(rng, subdivide(rect(x0 + h, y0 + h, x1 - h, y1 - h), 20, rng)))
                feats.append((new_cell(), ("Polygon", rings)))
            elif t == "saw":
                teeth = rng.choice([32, 40, 64])
                step = (x1 - x0) / teeth
                pts = [(x0, y0), (x1, y0)]
                for kk in range(teeth, -1, -1):
                    pts.append((x0 + kk * step, y1 if kk % 2 == 0 else y1 - h))
                if all(exact_float(Fraction(x0) + kk * Fraction(step)) is not None for kk in range(teeth + 1)):
                    feats.append((new_cell(), ("Polygon", [finish_ring(rng, pts)])))
                else:
                    feats.append((new_cell(), ("Polygon", [finish_ring(rng, rect(x0, y0, x1, y1))])))
            elif t == "degenerate":
                # rings without area: a segment walked there and back, or one point four times; a point
                # on them is on an edge or a vertex, so inside
                if rng.random() < 0.7:
                    ring = [(x0, y0), (x0 + 2 * h, y0 + 2 * h), (x1, y1), (x0, y0)]
                else:
                    ring = [(x0 + h, y0 + h)] * 4
                feats.append((new_cell(), ("Polygon", [ring])))
                # and the square itself, as another cell, later in the file
                feats.append((new_cell(), ("Polygon", [finish_ring(rng, rect(x0, y0, x1, y1))])))
            elif t == "hole_edge":
                # a hole that runs along part of the outline's left edge
                outer = finish_ring(rng, rect(x0, y0, x1, y1))
                hole = finish_ring(rng, rect(x0, y0 + h, x0 + 2 * h, y0 + 3 * h))
                feats.append((new_cell(), ("Polygon", [outer, hole])))
            elif t == "two_holes":
                # two holes sharing an edge
                outer = finish_ring(rng, rect(x0, y0, x1, y1))
                ha = finish_ring(rng, rect(x0 + h, y0 + h, x0 + 2 * h, y0 + 3 * h))
                hb = finish_ring(rng, rect(x0 + 2 * h, y0 + h, x0 + 3 * h, y0 + 3 * h))
                feats.append((new_cell(), ("Polygon", [outer, ha, hb])))
            elif t == "multi_overlap":
                # two parts of one MultiPolygon that overlap (a point in both is in the cell)
                pa = [finish_ring(rng, rect(x0, y0, x0 + 3 * h, y0 + 3 * h))]
                pb = [finish_ring(rng, rect(x0 + h, y0 + h, x1, y1))]
                feats.append((new_cell(), ("MultiPolygon", [pa, pb])))
            elif t == "null":
                feats.append((new_cell(), None if rng.random() < 0.7 else
                              rng.choice([("Polygon", []), ("MultiPolygon", []), ("MultiPolygon", [[]])])))
            elif t == "skip":
                new_cell()          # a cell without a Feature
            elif t == "multi":
                parts = [[finish_ring(rng, rect(x0, y0, x1, y1))]]
                # a far part, outside the grid (to the south-west or the north-east)
                if X(nx + 2) <= 180 and Y(ny + 2) <= 90:
                    parts.append([finish_ring(rng, rect(X(nx + 1), Y(ny + 1), X(nx + 2), Y(ny + 2)))])
                feats.append((new_cell(), ("MultiPolygon", parts)))

    # enclaves: a MultiPolygon part inside a hole
    for (a0, b0, a1, b1) in enclave_targets:
        if rng.random() < 0.7:
            main = rect(X(nx) + 0.0, Y(0), X(nx) + u / 2, Y(0) + u / 2)
            if X(nx) + u / 2 > 180:
                main = rect(X(0), Y(ny), X(0) + u / 2, Y(ny) + u / 2 if Y(ny) + u / 2 <= 90 else Y(ny))
            parts = [[finish_ring(rng, rect(a0, b0, a1, b1))]]
            if main[2][1] > main[0][1]:
                parts.append([finish_ring(rng, main)])
            rng.shuffle(parts)
            feats.insert(rng.randrange(len(feats) + 1), (new_cell(), ("MultiPolygon", parts)))

    # overlapping stars with arbitrary vertices
    for _ in range(rng.randint(1, 4)):
        cx = rng.uniform(X(0), X(nx))
        cy = rng.uniform(Y(0), Y(ny))
        r = u * rng.uniform(0.1, 1.2)
        m = rng.randint(5, 14) if rng.random() < 0.85 else rng.randint(64, 90)
        if kind == "dense" and _ == 0:
            m, r = rng.randint(1000, 3000), u * rng.uniform(2, 6)
        pts = star(rng, cx, cy, r, m)
        if m <= 200 and rng.random() < 0.3:
            g = u / 16
            pts = [(round(p[0] / g) * g, round(p[1] / g) * g) for p in pts]
        if not all(-180 <= p[0] <= 180 and -90 <= p[1] <= 90 for p in pts):
            continue
        rings = [finish_ring(rng, pts)]
        # (a star with unrounded vertices and more than 200 of them is simple by construction: its
        # angles increase by at least 0.3 of a step, far more than the rounding of a position)
        if m <= 200 and not ring_is_simple(rings[0]):
            continue
        if rng.random() < 0.35:
            hr = r * 0.2
            hole = [(cx + hr * math.cos(a), cy + hr * math.sin(a)) for a in (0.3, 2.4, 4.4)]
            rings.append(finish_ring(rng, hole))
        feats.insert(rng.randrange(len(feats) + 1), (new_cell(), ("Polygon", rings)))

    # a copy of a polygon as another cell, before or after it (the first in the file wins)
    if feats and rng.random() < 0.3:
        k = rng.randrange(len(feats))
        if feats[k][1] is not None:
            feats.insert(rng.choice([k, k + 1, len(feats)]), (new_cell(), feats[k][1]))

    # a catch-all cell (the whole world, or a band of latitude), at the end or anywhere
    if rng.random() < 0.12:
        if rng.random() < 0.5:
            pts = rect(-180.0, -90.0, 180.0, 90.0)
        else:
            lo, hi = max(-90.0, Y(0) - u), min(90.0, Y(ny) + u)
            pts = rect(-180.0, lo, 180.0, hi)
        pos = len(feats) if rng.random() < 0.7 else rng.randrange(len(feats) + 1)
        feats.insert(pos, (new_cell(), ("Polygon", [finish_ring(rng, pts)])))

    # near +-180: a cell on the other side of the antimeridian
    if kind == "antimeridian":
        pts = rect(-180.0, Y(0), -180.0 + u, Y(1))
        feats.insert(rng.randrange(len(feats) + 1), (new_cell(), ("Polygon", [finish_ring(rng, pts)])))

    # every ring must be simple (rounding at subnormal scales can make a sawtooth cross itself)
    def simple(geom):
        if geom is None:
            return True
        polys = geom[1] if geom[0] == "MultiPolygon" else [geom[1]]
        return all(len(r) > 200 or ring_is_simple(r) for p in polys for r in p)
    feats = [(c, g if simple(g) else None) for c, g in feats]

    # ids
    sc.id_property = rng.choice([None, None, None, "cid"])
    cell_names = {}
    for cidx in range(n):
        form = rng.choices(["str", "int", "negint", "bigint", "zero"], weights=[10, 4, 1, 1, 1])[0]
        if form == "str":
            name = "c%d" % cidx
            text = json.dumps(name)
            if rng.random() < 0.2:      # the same id written with escapes
                text = '"' + "".join("\\u%04x" % ord(ch) if rng.random() < 0.5 else ch for ch in name) + '"'
            cell_names[cidx] = (name, text)
        elif form == "int":
            v = 100 + cidx * 7
            cell_names[cidx] = (str(v), str(v))
        elif form == "negint":
            v = -(1000 + cidx)
            cell_names[cidx] = (str(v), str(v))
        elif form == "bigint":
            v = 18446744073709551616 + cidx
            cell_names[cidx] = (str(v), str(v))
        else:
            if "0" in [c for c, _ in cell_names.values()]:
                cell_names[cidx] = ("c%d" % cidx, json.dumps("c%d" % cidx))
            else:
                cell_names[cidx] = ("0", rng.choice(["0", "-0"]))
    sc.cells = [cell_names[i][0] for i in range(n)]
    for cidx, geom in feats:
        alt = rng.choice(["none", "none", "all", "some"])
        sc.features.append({"cid": cell_names[cidx][0], "idtext": cell_names[cidx][1], "geom": geom,
                            "alt": alt})
    # snap_meters
    if kind == "huge":
        choices = [0, 1000.0, 50000.0, 200000.0]
    elif kind == "tiny":
        choices = [0, 0, 1.0]
    else:
        span_m = u * math.pi / 180 * R
        choices = [0, 0.5, 10.0, 30.0, 123.456, round(span_m / 3, 3) or 1.0, round(span_m * 2, 3) or 1.0]
    sc.snap = float(rng.choice(choices))
    sc.snap_text = fnum(sc.snap) if sc.snap != int(sc.snap) or rng.random() < 0.5 else str(int(sc.snap))
    sc.frame = (X(0), Y(0), X(nx), Y(ny))
    sc.u = u
    return sc


# ----------------------------------------------------------------------------------------------------
# files

def geojson_text(rng, sc):
    out = ['{"type": "FeatureCollection", "name": "generated", "features": [']
    for k, f in enumerate(sc.features):
        g = f["geom"]
        if g is None:
            gtext = "null"
        else:
            def pos(p):
                lon = num_text(rng, p[0]) if rng.random() < 0.15 else fnum(p[0])
                lat = num_text(rng, p[1]) if rng.random() < 0.15 else fnum(p[1])
                if f["alt"] == "all" or (f["alt"] == "some" and rng.random() < 0.5):
                    return "[%s, %s, %s]" % (lon, lat, rng.choice(["0", "12.5", "-3", "9999.5", "1e3"]))
                return "[%s, %s]" % (lon, lat)

            def poly(rings):
                return "[" + ", ".join("[" + ", ".join(pos(p) for p in r) + "]" for r in rings) + "]"
            if g[0] == "Polygon":
                gtext = '{"type": "Polygon", "coordinates": %s}' % poly(g[1])
            else:
                gtext = '{"type": "MultiPolygon", "coordinates": [%s]}' % ", ".join(poly(p) for p in g[1])
        if sc.id_property:
            decoy = ', "id": "decoy-%d"' % k if rng.random() < 0.5 else ""
            ftext = '{"type": "Feature"%s, "properties": {"name": "f%d", "cid": %s}, "geometry": %s}' % (
                decoy, k, f["idtext"], gtext)
        else:
            ftext = '{"type": "Feature", "id": %s, "properties": {"name": "f%d"}, "geometry": %s}' % (
                f["idtext"], k, gtext)
        out.append(ftext + ("," if k + 1 < len(sc.features) else ""))
    out.append("]}")
    return "\n".join(out) + "\n"


def jurisdiction_text(sc):
    units = [{"id": "t", "tier": "town"}, {"id": "c", "tier": "community", "parent": "t"},
             {"id": "a", "tier": "area", "parent": "c"}]
    units += [{"id": cid, "tier": "cell", "parent": "a"} for cid in sc.cells]
    handlers = [{"id": "council", "role": "resident_council", "serves": ["t"]}]
    handlers += [{"id": "pm-" + cid, "role": "property_manager", "serves": [cid]} for cid in sc.cells]
    cg = '"cells.geojson"' if sc.id_property is None else \
        '{"file": "cells.geojson", "id_property": "%s"}' % sc.id_property
    return ('{"format": "gridroute.jurisdiction/1", "name": "generated", "timezone": "UTC",\n'
            ' "tiers": ["town", "community", "area", "cell"],\n'
            ' "cells_geojson": %s, "snap_meters": %s,\n'
            ' "units": %s,\n "handlers": %s}\n') % (cg, sc.snap_text, json.dumps(units), json.dumps(handlers))


RULES = ('{"format": "gridroute.rules/1", "rules": [\n'
         ' {"id": "pm", "categories": ["a.*"], "route": ["property_manager", "resident_council"]}]}\n')


# ----------------------------------------------------------------------------------------------------
# points

def _edge(rng, sc):
    rings = sc.all_rings()
    fi, ring, _ = rng.choice(rings)
    i = rng.randrange(len(ring) - 1)
    return ring[i], ring[i + 1]


def point_on_edge_exact(rng, a, b):
    if a[0] == b[0] and a[1] != b[1]:
        lo, hi = sorted((a[1], b[1]))
        return (a[0], rng.uniform(lo, hi))
    if a[1] == b[1] and a[0] != b[0]:
        lo, hi = sorted((a[0], b[0]))
        return (rng.uniform(lo, hi), a[1])
    for _ in range(6):
        m = rng.randint(1, 8)
        t = Fraction(rng.randint(0, 2 ** m), 2 ** m)
        fx = exact_float(Fraction(a[0]) + t * (Fraction(b[0]) - Fraction(a[0])))
        fy = exact_float(Fraction(a[1]) + t * (Fraction(b[1]) - Fraction(a[1])))
        if fx is not None and fy is not None:
            return (fx, fy)
    return None


def ulp_step(rng, p):
    x, y = p
    mode = rng.choice(["x", "y", "xy"])
    if "x" in mode:
        x = math.nextafter(x, rng.choice([math.inf, -math.inf]))
    if "y" in mode:
        y = math.nextafter(y, rng.choice([math.inf, -math.inf]))
    return (x, y)


def offset_metres(p, dx, dy):
    lon, lat = p
    c = math.cos(math.radians(lat))
    if c <= 1e-12:
        return None
    return (lon + dx / (R * c) * 180 / math.pi, lat + dy / R * 180 / math.pi)


def snap_point(rng, sc, vertex=False):
    n = sc.snap if sc.snap > 0 else rng.choice([1.0, 30.0])
    delta = rng.choice([-0.3, -1e-3, -1e-6, -1e-9, 1e-9, 1e-6, 1e-3, 0.3, rng.uniform(-0.5, 0.5)])
    dist = n * (1 + delta)
    a, b = _edge(rng, sc)
    if vertex:
        th = rng.uniform(0, 2 * math.pi)
        return offset_metres(a, dist * math.cos(th), dist * math.sin(th))
    t = rng.random()
    q = (a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1]))
    c = math.cos(math.radians(q[1]))
    ex, ey = (b[0] - a[0]) * c, (b[1] - a[1])
    ln = math.hypot(ex, ey)
    if ln == 0:
        return None
    nx_, ny_ = -ey / ln, ex / ln
    s = rng.choice([1, -1])
    return offset_metres(q, s * nx_ * dist, s * ny_ * dist)


def gen_point(rng, sc):
    """(kind, lon, lat) with lon/lat floats (before writing as text)."""
    rings = sc.all_rings()
    kinds = ["vertex", "edge", "edge_round", "ulp", "interior", "hole", "snap_edge", "snap_vertex",
             "frame", "special", "vertex_line"]
    weights = [12, 14, 8, 16, 8, 5, 10, 5, 8, 2, 8]
    if not rings:
        kinds, weights = ["frame", "special"], [9, 1]
    kind = rng.choices(kinds, weights)[0]
    p = None
    if kind == "vertex":
        _, ring, _ = rng.choice(rings)
        p = rng.choice(ring)
    elif kind == "edge":
        a, b = _edge(rng, sc)
        p = point_on_edge_exact(rng, a, b)
    elif kind == "edge_round":
        a, b = _edge(rng, sc)
        t = rng.random()
        p = (a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1]))
    elif kind == "ulp":
        if rng.random() < 0.4:
            _, ring, _ = rng.choice(rings)
            p = ulp_step(rng, rng.choice(ring))
        else:
            a, b = _edge(rng, sc)
            q = point_on_edge_exact(rng, a, b)
            if q is None:
                t = rng.random()
                q = (a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1]))
            p = ulp_step(rng, q)
    elif kind == "vertex_line":
        # on the parallel or the meridian of a vertex (a ray cast from the point passes through it)
        _, ring, _ = rng.choice(rings)
        v = rng.choice(ring)
        xs, ys = [q[0] for q in ring], [q[1] for q in ring]
        if rng.random() < 0.6:
            p = (rng.uniform(min(xs), max(xs)), v[1])
        else:
            p = (v[0], rng.uniform(min(ys), max(ys)))
    elif kind == "interior":
        _, ring, _ = rng.choice(rings)
        xs, ys = [q[0] for q in ring], [q[1] for q in ring]
        p = (rng.uniform(min(xs), max(xs)), rng.uniform(min(ys), max(ys)))
    elif kind == "hole":
        holes = [r for _, r, poly in rings if r is not poly[0]]
        if holes:
            ring = rng.choice(holes)
            xs, ys = [q[0] for q in ring], [q[1] for q in ring]
            p = (rng.uniform(min(xs), max(xs)), rng.uniform(min(ys), max(ys)))
    elif kind == "snap_edge":
        p = snap_point(rng, sc)
    elif kind == "snap_vertex":
        p = snap_point(rng, sc, vertex=True)
    elif kind == "frame":
        x0, y0, x1, y1 = sc.frame
        w, h = x1 - x0, y1 - y0
        p = (rng.uniform(x0 - 0.2 * w, x1 + 0.2 * w), rng.uniform(y0 - 0.2 * h, y1 + 0.2 * h))
    if kind == "special" or p is None:
        kind = "special"
        x0, y0, x1, y1 = sc.frame
        p = rng.choice([(180.0, y0), (-180.0, y0), (x0, 90.0), (x0, -90.0), (-0.0, -0.0), (0.0, y0),
                        (x0, -0.0), (180.0, 90.0), (-180.0, -90.0), (x1, y1), (x0, y0),
                        (math.nextafter(180.0, 0), y0), (x0, math.nextafter(90.0, 0)),
                        (rng.uniform(-180, 180), rng.choice([90.0, -90.0])),
                        (rng.uniform(-180, 180), rng.choice([89.99999, -89.99999, 89.9999999999])),
                        (rng.choice([180.0, -180.0]), rng.uniform(y0, y1))])
    lon, lat = p
    if not (math.isfinite(lon) and math.isfinite(lat)):
        lon, lat = sc.frame[0], sc.frame[1]
    return kind, lon, lat


INVALID_LOCATIONS = [
    "[120.5]", "[120.5, 30.5, 0]", '["120.5", "30.5"]', "[true, false]", "{}", '"120.5,30.5"',
    "[[1], [2]]", "[1, null]", "[]", "[180.00000000000003, 0]", "[0, 90.00000000000001]",
    "[-180.5, 0]", "[0, -91]", "[1e400, 0]", "[0, -1e400]", '{"lon": 1, "lat": 2}', "[null, null]",
    "[1, [2]]", "1", "true", "[18446744073709551616, 0]", "[-9223372036854775809, 0]", "[0, 1e-400, 0]",
    "[-180.00000000000003, 0]", "[0, 9e1, null]",
]

# values whose binary64 is in range although the decimal is not
EDGE_OF_RANGE = ["[180.0000000000000000001, 0]", "[-180.00000000000000000001, 0]",
                 "[0, 90.000000000000000000001]", "[0, -90.0000000000000000000001]",
                 "[1.8e2, 9e1]", "[-1.8E+2, -0.9e2]"]


def gen_lines(rng, sc, count, start_id=1):
    """count issue lines: (id, text, kind)."""
    lines = []
    for k in range(count):
        iid = start_id + k
        cat = "a.b" if rng.random() < 0.9 else "z.b"
        r = rng.random()
        if r < 0.03:
            loc = rng.choice(INVALID_LOCATIONS)
            kind = "invalid"
        elif r < 0.04:
            loc = rng.choice(EDGE_OF_RANGE)
            kind = "range_edge"
        else:
            kind, lon, lat = gen_point(rng, sc)
            loc = "[%s, %s]" % (num_text(rng, lon, kind in ("edge", "vertex", "ulp")),
                                num_text(rng, lat, kind in ("edge", "vertex", "ulp")))
        extra = ""
        r = rng.random()
        if r < 0.03:
            extra = ', "cell": null'
        elif r < 0.05:
            extra = ', "cell": ""'
        elif r < 0.08 and sc.cells:
            extra = ', "cell": %s' % json.dumps(rng.choice(sc.cells))
            kind = "cell+location"
            if rng.random() < 0.5:
                loc = rng.choice(INVALID_LOCATIONS)
        elif r < 0.09 and sc.cells:
            extra = ', "cell": %s' % json.dumps(rng.choice(sc.cells))
            loc = "null"
            kind = "cell+null"
        elif r < 0.095:
            loc = "null"
            kind = "null"
        text = '{"id": %d, "category": "%s", "location": %s%s, "at": "%s"}' % (iid, cat, loc, extra, AT)
        lines.append((iid, text, kind))
    return lines
