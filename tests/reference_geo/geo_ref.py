"""Reference implementation of SPEC §7 (Locations), written from the contract text only.

Standard library only. It reads the same files the engine reads (jurisdiction.json, the cells GeoJSON,
issue lines) and says, for each issue line, which answers the contract allows:

    answers = ref.decide_line(text)   # an Answer

An Answer holds the set of acceptable outcomes: ("cell", ID) for a line located (or routed) in cell ID,
("given", ID) for a line that named its cell (location not used), ("reject", KIND) for a rejected line
(KIND "outside" for `location outside every cell`, "invalid" for any other reason). More than one
acceptable outcome only arises when snapping compares a distance with snap_meters, or two distances with
each other, and they are equal within floating-point rounding (the contract's distance is computed with
cos, pi and a square root, so such a comparison depends on how it is evaluated); `ambiguous` says so.

Containment is exact: every orientation test is decided on the binary64 values with a float filter and a
fractions.Fraction fallback.
"""

import json
import math
from fractions import Fraction

R = 6371008.8

IN, OUT, ON = 1, 0, 2


class BundleError(Exception):
    pass


# ----------------------------------------------------------------------------------------------------
# JSON reading

def _no_constants(name):
    raise ValueError("not JSON: " + name)


def _pairs(pairs):
    seen = set()
    for k, _ in pairs:
        if k in seen:
            raise ValueError("duplicate key " + k)
        seen.add(k)
    return dict(pairs)


def loads(text):
    """JSON as RFC 8259 reads it: no NaN/Infinity, no repeated keys. Numbers with a fraction or an
    exponent become the nearest binary64 (Python's float() is correctly rounded); integers stay ints."""
    return json.loads(text, parse_constant=_no_constants, object_pairs_hook=_pairs)


def is_number(v):
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def to_binary64(v):
    """The binary64 value of a JSON number (an int is rounded to nearest, ties to even)."""
    if isinstance(v, float):
        return v
    try:
        return float(v)
    except OverflowError:
        return math.inf if v > 0 else -math.inf


# ----------------------------------------------------------------------------------------------------
# exact predicates

def orient(ax, ay, bx, by, px, py):
    """Sign of the cross product (b - a) x (p - a), exactly, on binary64 inputs."""
    dl = (bx - ax) * (py - ay)
    dr = (by - ay) * (px - ax)
    det = dl - dr
    perm = abs(dl) + abs(dr)
    # The differences of binary64 values and the two products carry at most a few ulps of error; a
    # wide margin, and no trust at all when products may have underflowed.
    if perm > 1e-250 and abs(det) > 1e-14 * perm:
        return 1 if det > 0 else -1
    fa, fb, fp = (Fraction(ax), Fraction(ay)), (Fraction(bx), Fraction(by)), (Fraction(px), Fraction(py))
    d = (fb[0] - fa[0]) * (fp[1] - fa[1]) - (fb[1] - fa[1]) * (fp[0] - fa[0])
    return (d > 0) - (d < 0)


def ring_where(ring, px, py):
    """ON when the point is on an edge or a vertex of the ring, else IN/OUT by the crossing rule."""
    inside = False
    n = len(ring)
    for i in range(n - 1):
        ax, ay = ring[i]
        bx, by = ring[i + 1]
        # on the (closed) segment?
        if (min(ay, by) <= py <= max(ay, by)) and (min(ax, bx) <= px <= max(ax, bx)):
            if orient(ax, ay, bx, by, px, py) == 0:
                return ON
        # crossing of the ray to +x (half-open in y)
        if (ay > py) != (by > py):
            o = orient(ax, ay, bx, by, px, py)
            if (o > 0) == (by > ay):
                inside = not inside
    return IN if inside else OUT


def polygon_contains(rings, px, py):
    """rings[0] the outline, the rest holes. On any ring's boundary is inside; strictly inside a hole is
    not."""
    where = [ring_where(r, px, py) for r in rings]
    if ON in where:
        return True
    if where[0] != IN:
        return False
    return all(w == OUT for w in where[1:])


# ----------------------------------------------------------------------------------------------------
# distances on the tangent plane

def _project(lon0, lat0):
    c = R * math.cos(math.radians(lat0))
    k = math.pi / 180.0

    def proj(lon, lat):
        return c * (lon - lon0) * k, R * (lat - lat0) * k
    return proj


def seg_dist(ax, ay, bx, by):
    """Distance from the origin to the segment a-b (plane coordinates), in floating point."""
    dx, dy = bx - ax, by - ay
    ll = dx * dx + dy * dy
    if ll == 0.0:
        return math.hypot(ax, ay)
    t = -(ax * dx + ay * dy) / ll
    if t <= 0.0:
        return math.hypot(ax, ay)
    if t >= 1.0:
        return math.hypot(bx, by)
    return math.hypot(ax + t * dx, ay + t * dy)


def _seg_dist2(ax, ay, bx, by):
    """The squared distance from the origin to segment a-b, in the arithmetic of its arguments: to a
    vertex when the foot of the perpendicular falls outside the segment."""
    dx, dy = bx - ax, by - ay
    ll = dx * dx + dy * dy
    if ll == 0:
        return ax * ax + ay * ay
    tn = -(ax * dx + ay * dy)
    if tn <= 0:
        return ax * ax + ay * ay
    if tn >= ll:
        return bx * bx + by * by
    cr = ax * by - ay * bx
    return cr * cr / ll


def seg_dist_deg_exact(lon0, lat0, plon, plat, lon, lat):
    """The distance from (lon0, lat0) to the edge, computed exactly on the binary64 degrees with the two
    scale factors of the tangent plane (metres per degree east and north at the point, as binary64):
    only those two factors and the final square root round, so two edges at the same distance in exact
    arithmetic come out equal, and the nearer of two edges is told apart however close they are.
    Returns the squared distance."""
    kx = Fraction(R * math.cos(math.radians(lat0)) * math.pi / 180.0)
    ky = Fraction(R * math.pi / 180.0)
    fl0, fp0 = Fraction(lon0), Fraction(lat0)
    return _seg_dist2(kx * (Fraction(plon) - fl0), ky * (Fraction(plat) - fp0),
                      kx * (Fraction(lon) - fl0), ky * (Fraction(lat) - fp0))


def boundary_distance(polys, proj, lon0, lat0, cutoff):
    """Smallest distance from the point to any edge of any ring; edges whose box is farther than cutoff
    metres are passed over (their distance is more than cutoff). Returns (distance, scale) where scale is
    the size of the plane coordinates that went into the winning distance (for the rounding margin).
    Edges within a millionth of the smallest floating-point distance are measured again exactly."""
    cand = []
    # degrees per metre along each axis at the point, to pass over far edges cheaply
    cosp = math.cos(math.radians(lat0))
    dlat = cutoff / (R * math.pi / 180.0) if cutoff < math.inf else math.inf
    dlon = cutoff / (R * cosp * math.pi / 180.0) if (cutoff < math.inf and cosp > 0) else math.inf
    bestf = math.inf
    for rings in polys:
        for ring in rings:
            prev = None
            for (lon, lat) in ring:
                if prev is not None:
                    plon, plat = prev
                    if (min(plat, lat) - lat0 > dlat or lat0 - max(plat, lat) > dlat or
                            min(plon, lon) - lon0 > dlon or lon0 - max(plon, lon) > dlon):
                        prev = (lon, lat)
                        continue
                    ax, ay = proj(plon, plat)
                    bx, by = proj(lon, lat)
                    d = seg_dist(ax, ay, bx, by)
                    if d <= bestf * (1 + 1e-6) + 1e-300:
                        cand.append((d, ax, ay, bx, by, plon, plat, lon, lat))
                        bestf = min(bestf, d)
                prev = (lon, lat)
    best2, scale = None, 0.0
    for d, ax, ay, bx, by, plon, plat, lon, lat in cand:
        if d <= bestf * (1 + 1e-6) + 1e-300:
            d2 = seg_dist_deg_exact(lon0, lat0, plon, plat, lon, lat)
            if best2 is None or d2 < best2:
                best2, scale = d2, max(abs(ax), abs(ay), abs(bx), abs(by))
    if best2 is None:
        return math.inf, 0.0
    return ExactDistance(best2), scale


class ExactDistance(float):
    """A distance as a float (rounded square root), carrying its exact square for comparisons."""

    def __new__(cls, d2):
        v = float.__new__(cls, math.sqrt(float(d2)) if d2 > 0 else 0.0)
        v.d2 = d2
        return v


# ----------------------------------------------------------------------------------------------------
# the layer

class Layer:
    """Features in file order: (cell id, [polygon = [ring = [(lon, lat), ...], ...], ...], bbox)."""

    def __init__(self, features):
        self.features = features

    @staticmethod
    def from_text(text, cell_ids, id_property=None):
        doc = loads(text)
        if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection":
            raise BundleError("not a FeatureCollection")
        feats = []
        seen = set()
        for i, f in enumerate(doc.get("features", [])):
            if id_property is None:
                if "id" not in f:
                    raise BundleError("/features/%d: no id" % i)
                raw = f["id"]
            else:
                props = f.get("properties") or {}
                if id_property not in props:
                    raise BundleError("/features/%d: no %s" % (i, id_property))
                raw = props[id_property]
            if isinstance(raw, bool) or not isinstance(raw, (str, int)):
                raise BundleError("/features/%d: id type" % i)
            cid = raw if isinstance(raw, str) else str(raw)
            if cid not in cell_ids:
                raise BundleError("/features/%d: %r is not a cell" % (i, cid))
            if cid in seen:
                raise BundleError("/features/%d: %r given twice" % (i, cid))
            seen.add(cid)
            g = f.get("geometry")
            polys = []
            if g is not None:
                t = g.get("type")
                if t == "Polygon":
                    raw_polys = [g["coordinates"]]
                elif t == "MultiPolygon":
                    raw_polys = g["coordinates"]
                else:
                    raise BundleError("/features/%d: geometry type %r" % (i, t))
                for rp in raw_polys:
                    rings = []
                    for rr in rp:
                        ring = []
                        for pos in rr:
                            if len(pos) < 2 or not all(is_number(v) for v in pos):  # numbers past the altitude are ignored too
                                raise BundleError("/features/%d: bad position" % i)
                            lon, lat = to_binary64(pos[0]), to_binary64(pos[1])
                            if not (-180.0 <= lon <= 180.0 and -90.0 <= lat <= 90.0):
                                raise BundleError("/features/%d: coordinate out of range" % i)
                            ring.append((lon, lat))
                        if len(ring) < 4:
                            raise BundleError("/features/%d: ring of %d positions" % (i, len(ring)))
                        if ring[0] != ring[-1]:
                            raise BundleError("/features/%d: ring not closed" % i)
                        rings.append(ring)
                    if rings:
                        polys.append(rings)
            if polys:
                xs = [p[0] for rings in polys for r in rings for p in r]
                ys = [p[1] for rings in polys for r in rings for p in r]
                bbox = (min(xs), min(ys), max(xs), max(ys))
            else:
                bbox = None
            feats.append((cid, polys, bbox))
        return Layer(feats)

    def containing(self, lon, lat):
        """The first Feature, in file order, whose polygon holds the point, or None."""
        for cid, polys, bbox in self.features:
            if bbox is None:
                continue
            if not (bbox[0] <= lon <= bbox[2] and bbox[1] <= lat <= bbox[3]):
                continue
            for rings in polys:
                if polygon_contains(rings, lon, lat):
                    return cid
        return None

    def on_boundary(self, lon, lat):
        for cid, polys, bbox in self.features:
            if bbox and bbox[0] <= lon <= bbox[2] and bbox[1] <= lat <= bbox[3]:
                if any(ring_where(r, lon, lat) == ON for rings in polys for r in rings):
                    return True
        return False

    def snap(self, lon, lat, n, loose=False):
        """Acceptable answers for a point that no polygon holds, with snap_meters n > 0:
        a set of ("cell", id) / ("reject", "outside"), and whether the set came from a rounding tie.

        Two distances, or a distance and n, are taken as equal when they differ by less than the
        rounding of the plane coordinates (a few units in the last place of the largest coordinate that
        went into them); with loose, when they differ by less than a billionth, or 2e-8 m (the rounding
        of an angle near 180 degrees, in radians, times R): answers that differ from the reference only in
        this band depend on how the distance is computed."""
        proj = _project(lon, lat)
        cutoff = 2.0 * n + 1.0
        dists = []
        cosp = math.cos(math.radians(lat))
        dlat = cutoff / (R * math.pi / 180.0)
        dlon = cutoff / (R * cosp * math.pi / 180.0) if cosp > 0 else math.inf
        for cid, polys, bbox in self.features:
            if bbox is None:
                continue
            if (bbox[1] - lat > dlat or lat - bbox[3] > dlat or
                    bbox[0] - lon > dlon or lon - bbox[2] > dlon):
                continue
            d, scale = boundary_distance(polys, proj, lon, lat, cutoff)
            if d < math.inf:
                dists.append((cid, d, scale))
        if not dists:
            return {("reject", "outside")}, False
        if not loose:
            return self._snap_exact(dists, n)
        dmin = min(d for _, d, _ in dists)
        if loose:
            band = lambda d, s: 1e-9 * max(n, d) + 1e-12 * s + 2e-8
        else:
            band = lambda d, s: 1e-14 * (max(n, d) + s)
        near = [(cid, d, s) for cid, d, s in dists if d <= dmin + band(dmin, s)]
        # an exact tie (the same distance, e.g. from a shared vertex) goes by file order; features whose
        # distance differs from the smallest only by rounding may be the nearest too
        first = next(x for x in near if x[1] == dmin)
        picks = near if loose else [x for x in near if x[1] != dmin or x is first]
        acceptable = set()
        ambiguous = len(picks) > 1
        for cid, d, s in picks:
            if d <= n + band(d, s):
                acceptable.add(("cell", cid))
        if dmin >= n - band(dmin, first[2]):
            acceptable.add(("reject", "outside"))
        if len(acceptable) > 1:
            ambiguous = True
        return acceptable, ambiguous

    @staticmethod
    def _snap_exact(dists, n):
        """The contract's rule on exact distances: the nearest boundary, ties (equal exact distances) by
        file order, when at most n. Distances that differ by less than the rounding of plane coordinates
        (1e-14 of n plus the coordinates' size) may come out in either order in floating point, and a
        distance that close to n may come out on either side: those answers are all accepted and the
        line is marked ambiguous."""
        band = lambda d, s: 1e-14 * (max(n, d) + s)
        best = min(dists, key=lambda x: x[1].d2)
        dmin, smin = best[1], best[2]
        near = [x for x in dists if x[1] <= dmin + band(dmin, x[2])]
        exact_first = next(x for x in dists if x[1].d2 == dmin.d2)
        if all(x[1].d2 == dmin.d2 for x in near):
            near = [exact_first]
        acceptable = set()
        for cid, d, s in near:
            if d <= n + band(d, s):
                acceptable.add(("cell", cid))
        if dmin >= n - band(dmin, smin):
            acceptable.add(("reject", "outside"))
        return acceptable, len(acceptable) > 1

    def nearest_info(self, lon, lat):
        """(cell, distance) of every Feature, for reports."""
        proj = _project(lon, lat)
        out = []
        for cid, polys, bbox in self.features:
            if bbox is None:
                continue
            out.append((cid, boundary_distance(polys, proj, lon, lat, math.inf)[0]))
        return out


# ----------------------------------------------------------------------------------------------------
# a bundle, as far as §7 goes

class Answer:
    def __init__(self, outcomes, ambiguous=False, note="invalid"):
        self.outcomes = outcomes
        self.ambiguous = ambiguous
        self.note = note

    def __repr__(self):
        return "Answer(%r%s)" % (sorted(self.outcomes), ", ambiguous" if self.ambiguous else "")


class Reference:
    def __init__(self, bundle_dir, loose=False):
        import os
        self.loose = loose
        with open(os.path.join(bundle_dir, "jurisdiction.json"), encoding="utf-8") as f:
            jur = loads(f.read())
        units = list(jur.get("units", []))
        if jur.get("units_csv"):
            import csv
            with open(os.path.join(bundle_dir, jur["units_csv"]), encoding="utf-8", newline="") as f:
                for row in csv.DictReader(f):
                    units.append({k: v for k, v in row.items() if v != ""})
        cell_tier = jur["tiers"][-1]
        self.cells = {u["id"] for u in units if u.get("tier") == cell_tier}
        snap = jur.get("snap_meters", 0)
        if not is_number(snap) or snap < 0:
            raise BundleError("snap_meters")
        self.snap = to_binary64(snap)
        cg = jur.get("cells_geojson")
        self.layer = None
        if cg is not None:
            if isinstance(cg, str):
                fname, prop = cg, None
            else:
                fname, prop = cg["file"], cg.get("id_property")
            with open(os.path.join(bundle_dir, fname), encoding="utf-8") as f:
                self.layer = Layer.from_text(f.read(), self.cells, prop)

    def locate(self, lon, lat):
        cid = self.layer.containing(lon, lat) if self.layer else None
        if cid is not None:
            return Answer({("cell", cid)}, note="boundary" if self.layer.on_boundary(lon, lat) else "inside")
        if self.snap > 0 and self.layer is not None:
            outs, amb = self.layer.snap(lon, lat, self.snap)
            if self.loose:
                outs |= self.layer.snap(lon, lat, self.snap, loose=True)[0]
            return Answer(outs, amb, "snapped" if ("reject", "outside") not in outs else
                          "snap-limit" if amb else "outside")
        return Answer({("reject", "outside")}, note="outside")

    def decide_line(self, text):
        """Acceptable §7 outcomes of one issue line (only the location part: lines are otherwise
        valid)."""
        try:
            obj = loads(text)
        except ValueError:
            return Answer({("reject", "invalid")})
        if not isinstance(obj, dict):
            return Answer({("reject", "invalid")})
        cell = obj.get("cell")
        # SPEC §7: null counts as absent; "" is a cell id, and no cell's.
        if cell is not None:
            if not isinstance(cell, str) or cell not in self.cells:
                return Answer({("reject", "invalid")})
            return Answer({("given", cell)}, note="given")
        loc = obj.get("location")
        if loc is None:
            return Answer({("reject", "invalid")})
        if not isinstance(loc, list) or len(loc) != 2 or not all(is_number(v) for v in loc):
            return Answer({("reject", "invalid")})
        lon, lat = to_binary64(loc[0]), to_binary64(loc[1])
        if not (-180.0 <= lon <= 180.0) or not (-90.0 <= lat <= 90.0):
            return Answer({("reject", "invalid")})
        return self.locate(lon, lat)
