#!/usr/bin/env python3
"""Differential test of `gridroute route` against geo_ref.py, the reference of SPEC §7 (Locations).

    tests/reference_geo/differential_geo.py --seed 1 --points 5000 --bin build/gridroute

Generates bundles with random cell layers (gen_geo.py), routes located issue lines through the CLI and
checks every answer against the reference: the cell found (and the owner found from it), `"cell"` in the
decision, rejections (`location outside every cell`, invalid locations), `cell` + `location`.
Also runs the Lianshi example's located.jsonl and, when shared/data is there, points on the vertices and
edges of the 2019 Los Angeles neighbourhood councils and of the New York community districts (read from
the .gz, written to a temporary bundle).

Where snapping compares two distances, or a distance and snap_meters, that are equal up to rounding, the
answer depends on how the distances are computed: the reference accepts either answer within 1e-14, and
an answer that differs from it only within 1e-9 (or 2e-8 m) is printed as ROUNDING and counted apart,
not as a disagreement (see README.md). Exit status 1 on any disagreement; the last line of output is a
one-line summary.
"""

import argparse
import csv
import gzip
import json
import math
import os
import random
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import geo_ref  # noqa: E402
import gen_geo  # noqa: E402

REPO = os.path.dirname(os.path.dirname(HERE))
SHARED = os.environ.get("GRIDROUTE_SHARED", os.path.join(os.path.dirname(REPO), "shared"))


def run_cli(binary, bundle, issues_path):
    p = subprocess.run([binary, "route", bundle, issues_path], capture_output=True, text=True)
    if p.returncode not in (0,):
        raise RuntimeError("gridroute route exited %d: %s" % (p.returncode, p.stderr[-2000:]))
    return [json.loads(l) for l in p.stdout.splitlines() if l.strip()]


def run_test_cmd(binary, bundle, tests_path):
    p = subprocess.run([binary, "test", bundle, tests_path], capture_output=True, text=True)
    return p.returncode, (p.stdout + p.stderr)


def other_paths(args, stats, d, ip, ref, lines, outs):
    """The same lines through a compiled bundle (same answers, digest included), on two threads, as
    open cases through `gridroute escalate`, and as `gridroute test` expectations."""
    if "compiled" in args.paths:
        cf = os.path.join(d, "bundle.grc")
        p = subprocess.run([args.bin, "compile", d, "-o", cf, "--quiet"], capture_output=True, text=True)
        if p.returncode != 0:
            stats.bad.append((d, "<compile>", "compiles", p.stderr[-1000:], ["compile"]))
        else:
            couts = run_cli(args.bin, cf, ip)
            for (iid, text, kind), a, b in zip(lines, outs, couts):
                if a != b:
                    stats.bad.append((d + " (compiled)", text, a, b, ["compiled bundle answers otherwise"]))
            os.remove(cf)
    if "threads" in args.paths:
        p = subprocess.run([args.bin, "route", d, ip, "--threads", "2"], capture_output=True, text=True)
        touts = [json.loads(l) for l in p.stdout.splitlines() if l.strip()]
        if len(touts) != len(outs):
            stats.bad.append((d + " (--threads 2)", "<batch>", len(outs), len(touts), ["threads"]))
        for (iid, text, kind), a, b in zip(lines, outs, touts):
            if a != b:
                stats.bad.append((d + " (--threads 2)", text, a, b, ["--threads 2 answers otherwise"]))
    if "escalate" in args.paths:
        # the same lines as open cases at level 0: a case may give a location too (SPEC §7)
        cp = os.path.join(d, "cases.jsonl")
        pairs = [(line, o) for line, o in zip(lines, outs) if '"category": "a.b"' in line[1]]
        case_lines = [line for line, _ in pairs]
        case_outs = [o for _, o in pairs]
        with open(cp, "w") as f:
            for iid, text, kind in case_lines:
                t = text.rstrip()
                f.write(t[:-1] + ', "level": 0, "level_started_at": "2026-03-02T09:00:00Z", '
                        '"responded": false, "reports": 0, "status": "open"}\n')
        p = subprocess.run([args.bin, "escalate", d, cp, "--now", "2026-03-02T10:00:00Z"],
                           capture_output=True, text=True)
        eouts = [json.loads(l) for l in p.stdout.splitlines() if l.strip()]
        if len(eouts) != len(case_lines):
            stats.bad.append((d + " (escalate)", "<batch>", len(case_lines), len(eouts), ["escalate"]))
        for (iid, text, kind), a, e in zip(case_lines, case_outs, eouts):
            # the action must agree with the decision: rejected together, and the same cell
            ra, re_ = a.get("status") == "rejected", e.get("action") == "rejected"
            if ra != re_ or (not ra and a.get("cell") != e.get("cell")):
                stats.bad.append((d + " (escalate)", text, a, e, ["escalate answers otherwise than route"]))
    if "test" in args.paths:
        tp = os.path.join(d, "tests.jsonl")
        n = 0
        with open(tp, "w") as f:
            for iid, text, kind in lines:
                ans = ref.decide_line(text)
                ref.loose = True
                loose = ref.decide_line(text)
                ref.loose = False
                if ans.ambiguous or len(ans.outcomes) != 1 or len(loose.outcomes) != 1:
                    continue
                (what, val), = ans.outcomes
                obj = geo_ref.loads(text)
                if what == "cell":
                    exp = {"cell": val, "status": "routed" if obj["category"].startswith("a.") else "unrouted"}
                elif what == "reject":
                    exp = {"status": "rejected"}
                else:
                    continue
                t = text.rstrip()
                f.write(t[:-1] + ', "expect": ' + json.dumps(exp) + "}\n")
                n += 1
        rc, msg = run_test_cmd(args.bin, d, tp)
        if rc != 0 or ("%d passed, 0 failed" % n) not in msg:
            stats.bad.append((d + " (gridroute test)", tp, "%d passed, 0 failed" % n, msg[-1500:], ["test"]))


def run_check(binary, bundle):
    p = subprocess.run([binary, "check", bundle], capture_output=True, text=True)
    return p.returncode, p.stdout + p.stderr


def outcome(out):
    if out.get("status") == "rejected":
        return ("reject", "outside" if out.get("error") == "location outside every cell" else "invalid")
    if "cell" in out:
        return ("cell", out["cell"])
    return ("given", None)


class Stats:
    def __init__(self):
        self.lines = 0
        self.agree = 0
        self.ambiguous = 0
        self.bad = []            # (where, line text, expected, actual)
        self.amb_examples = []
        self.kinds = {}
        self.bundles = 0
        self.notes = {}
        self.amb_kinds = {}
        self.rounding = []       # answers that differ from the reference only within a billionth


def compare(stats, where, ref, lines, outs, check_owner=True):
    """lines: (id, text, kind); outs: CLI decisions in order."""
    if len(outs) != len(lines):
        stats.bad.append((where, "<batch>", "%d answers" % len(lines), "%d answers" % len(outs)))
        return
    for (iid, text, kind), out in zip(lines, outs):
        stats.lines += 1
        stats.kinds[kind] = stats.kinds.get(kind, 0) + 1
        ans = ref.decide_line(text)
        stats.notes[ans.note] = stats.notes.get(ans.note, 0) + 1
        got = outcome(out)
        problems = []
        if out.get("id") != iid:
            problems.append("id %r" % out.get("id"))
        def matches(a):
            return any(got == ("given", None) if exp[0] == "given" else got == exp for exp in a.outcomes)
        rounding = False
        if not matches(ans):
            ref.loose = True
            loose = ref.decide_line(text)
            ref.loose = False
            if matches(loose):
                rounding = True
            else:
                problems.append("outcome")
        # the owner must be the one of the cell found (each cell has its own property manager)
        if check_owner and got[0] in ("cell", "given") and out.get("status") == "routed":
            cell = got[1] if got[0] == "cell" else next(iter(ans.outcomes))[1]
            if out.get("unit") != cell:
                problems.append("unit %r is not the cell %r" % (out.get("unit"), cell))
        if check_owner and got[0] in ("cell", "given"):
            cat = geo_ref.loads(text).get("category")
            want = "routed" if cat.startswith("a.") else "unrouted"
            if out.get("status") != want:
                problems.append("status %r" % out.get("status"))
        if problems:
            stats.bad.append((where, text, ans, out, problems))
        elif rounding:
            stats.rounding.append((where, text, ans, out, rounding_detail(ref, text, got)))
        else:
            stats.agree += 1
            if ans.ambiguous or rounding:
                stats.ambiguous += 1
                kind = os.path.basename(where).split("-", 1)[-1]
                stats.amb_kinds[kind] = stats.amb_kinds.get(kind, 0) + 1
                if len(stats.amb_examples) < 20:
                    stats.amb_examples.append((where, text, ans, out))


def rounding_detail(ref, text, got):
    """How far apart the compared distances are, for a line answered otherwise than the reference
    within rounding: a tie between two cells, or a distance against snap_meters."""
    lon, lat = (geo_ref.to_binary64(v) for v in geo_ref.loads(text)["location"])
    info = ref.layer.nearest_info(lon, lat)
    dmin = min(d for _, d in info)
    best = [c for c, d in info if d == dmin][0]
    n = ref.snap
    if got[0] == "cell" and got[1] != best:
        dg = dict(info)[got[1]]
        return "tie: %s at %r m, %s (reference) at %r m, relative gap %.1e" % (
            got[1], float(dg), best, float(dmin), (float(dg) - float(dmin)) / max(float(dmin), 1e-300))
    return "limit: nearest %s at %r m, snap_meters %r, relative gap %.1e" % (
        best, float(dmin), n, (float(dmin) - n) / n)


def write_bundle(dirpath, rng, sc):
    os.makedirs(dirpath, exist_ok=True)
    with open(os.path.join(dirpath, "jurisdiction.json"), "w") as f:
        f.write(gen_geo.jurisdiction_text(sc))
    with open(os.path.join(dirpath, "rules.json"), "w") as f:
        f.write(gen_geo.RULES)
    with open(os.path.join(dirpath, "cells.geojson"), "w") as f:
        f.write(gen_geo.geojson_text(rng, sc))


def write_lines(path, lines, rng=None):
    """One line per issue; with rng, blank lines (skipped, unanswered) here and there, so that the
    groups in which the engine locates points start at varying offsets."""
    with open(path, "w") as f:
        for _, text, _ in lines:
            if rng is not None and rng.random() < 0.03:
                f.write(rng.choice(["", "  ", "\t", " \t "]) + "\n")
            f.write(text + "\n")


def synthetic(args, stats, rng, total, work):
    done = 0
    b = 0
    while done < total:
        sc = gen_geo.make_scenario(rng)
        d = os.path.join(work, "b%03d-%s" % (b, sc.kind))
        b += 1
        write_bundle(d, rng, sc)
        rc, msg = run_check(args.bin, d)
        try:
            ref = geo_ref.Reference(d)
        except (geo_ref.BundleError, ValueError) as e:
            ref, msg = None, msg + "\nreference: " + str(e)
        if rc != 0 or ref is None:
            if ref is not None:
                stats.bad.append((d, "<check>", "bundle loads (reference)", msg.strip()[-1500:], ["check"]))
            continue
        stats.bundles += 1
        count = min(args.per_bundle, total - done)
        lines = gen_geo.gen_lines(rng, sc, count)
        ip = os.path.join(d, "issues.jsonl")
        write_lines(ip, lines, rng)
        outs = run_cli(args.bin, d, ip)
        compare(stats, d, ref, lines, outs)
        other_paths(args, stats, d, ip, ref, lines, outs)
        done += count


def lianshi(args, stats, work):
    src = os.path.join(SHARED, "examples-1.1", "lianshi")
    if not os.path.isdir(src):
        return
    ref = geo_ref.Reference(src)
    expected = [json.loads(l) for l in open(os.path.join(src, "expected-located.jsonl")) if l.strip()]
    lines = []
    for k, l in enumerate(open(os.path.join(src, "located.jsonl"))):
        if l.strip():
            lines.append((json.loads(l)["id"], l.rstrip("\n"), "lianshi"))
    # the reference against the example's expected answers
    for (iid, text, _), exp in zip(lines, expected):
        ans = ref.decide_line(text)
        if outcome(exp) not in ans.outcomes and not (outcome(exp)[0] == "given" and
                                                     next(iter(ans.outcomes))[0] == "given"):
            stats.bad.append(("reference vs lianshi expected", text, ans, exp, ["reference"]))
    outs = run_cli(args.bin, src, os.path.join(src, "located.jsonl"))
    compare(stats, src, ref, lines, outs, check_owner=False)


REAL_LAYERS = [
    # (name, file in shared/data, id_property, CSV of the cells and its id column, or None: the layer's ids)
    ("la", "la_neighborhood_councils_2019.geojson.gz", "nc_id", ("la_neighborhood_councils.csv", "council_id")),
    ("nyc", "nyc_community_districts_dcp2013.geojson.gz", "BoroCD", None),
]


def real_layers(args, stats, rng, total, work):
    """Points on the vertices and edges of real layers (read from shared/data into a temporary bundle,
    with snap_meters 0 and 30)."""
    layers = [l for l in REAL_LAYERS if os.path.exists(os.path.join(SHARED, "data", l[1]))]
    if not layers or total <= 0:
        return
    per = total // len(layers)
    for li, (name, fname, prop, cells_csv) in enumerate(layers):
        count = per if li + 1 < len(layers) else total - per * (len(layers) - 1)
        with gzip.open(os.path.join(SHARED, "data", fname), "rt", encoding="utf-8") as f:
            text = f.read()
        doc = json.loads(text)
        layer_ids = [str(ft["properties"][prop]) for ft in doc["features"]]
        cells = []
        if cells_csv:
            with open(os.path.join(SHARED, "data", cells_csv[0]), newline="", encoding="utf-8") as f:
                cells = [row[cells_csv[1]] for row in csv.DictReader(f)]
        cells = list(dict.fromkeys(cells + layer_ids))
        sc = gen_geo.Scenario()
        sc.cells = cells
        for ft, cid in zip(doc["features"], layer_ids):
            g = ft["geometry"]
            if g is None:
                geom = None
            elif g["type"] == "Polygon":
                geom = ("Polygon", [[tuple(p[:2]) for p in r] for r in g["coordinates"]])
            else:
                geom = ("MultiPolygon", [[[tuple(p[:2]) for p in r] for r in poly] for poly in g["coordinates"]])
            sc.features.append({"cid": cid, "geom": geom})
        xs = [p[0] for _, r, _ in sc.all_rings() for p in r]
        ys = [p[1] for _, r, _ in sc.all_rings() for p in r]
        sc.frame = (min(xs), min(ys), max(xs), max(ys))
        for snap in [0.0, 30.0]:
            d = os.path.join(work, "%s-snap%d" % (name, snap))
            os.makedirs(d, exist_ok=True)
            with open(os.path.join(d, "layer.geojson"), "w") as f:
                f.write(text)
            jur = {"format": "gridroute.jurisdiction/1", "name": name, "timezone": "UTC",
                   "tiers": ["city", "community", "area", "cell"],
                   "cells_geojson": {"file": "layer.geojson", "id_property": prop}, "snap_meters": snap,
                   "units": [{"id": "top", "tier": "city"}, {"id": "r", "tier": "community", "parent": "top"},
                             {"id": "a", "tier": "area", "parent": "r"}] +
                            [{"id": c, "tier": "cell", "parent": "a"} for c in cells],
                   "handlers": [{"id": "council", "role": "resident_council", "serves": ["top"]}] +
                               [{"id": "pm-" + c, "role": "property_manager", "serves": [c]} for c in cells]}
            with open(os.path.join(d, "jurisdiction.json"), "w") as f:
                json.dump(jur, f)
            with open(os.path.join(d, "rules.json"), "w") as f:
                f.write(gen_geo.RULES)
            ref = geo_ref.Reference(d)
            sc.snap = snap
            n = count // 2 if snap == 0.0 else count - count // 2
            lines = gen_geo.gen_lines(rng, sc, n)
            ip = os.path.join(d, "issues.jsonl")
            write_lines(ip, lines, rng)
            stats.bundles += 1
            compare(stats, d, ref, lines, run_cli(args.bin, d, ip))


CHUNK = 16 * 1024 * 1024   # docs/locations.md: a bundle's cells.geojson is read in chunks of 16 MiB


def chunk_boundaries(args, stats, rng, work, bundles=3):
    """Long numbers (exact decimal expansions, halfway cases) across the 16 MiB boundary at which the
    layer is read in chunks: an ignored property of a first Feature pads the file so that the boundary
    falls inside the coordinates of a staircase polygon. Points on its vertical and horizontal edges and
    one ulp either side tell whether every coordinate was read as its binary64 value."""
    for b in range(bundles):
        n = 60
        lon0 = rng.uniform(-100, 100)
        lat0 = rng.uniform(-60, 60)
        d_ = 1e-4
        xs = sorted(lon0 + i * d_ + rng.uniform(0, d_ / 3) for i in range(n + 1))
        ys = sorted(lat0 + i * d_ + rng.uniform(0, d_ / 3) for i in range(n + 1))
        verts = [(xs[0], ys[0])]
        for i in range(1, n + 1):
            verts.append((xs[i], ys[i - 1]))
            verts.append((xs[i], ys[i]))
        verts.append((xs[0], ys[n]))
        verts.append(verts[0])

        def long_text(x):
            return gen_geo.num_text(rng, x, True) if rng.random() < 0.2 else rng.choice([
                gen_geo.exact_decimal(x), gen_geo.num_text(rng, x, True)])
        texts = ["[%s, %s]" % (long_text(x), long_text(y)) for x, y in verts[:-1]]
        coords = "[[" + ", ".join(texts + [texts[0]]) + "]]"
        head = '{"type": "FeatureCollection", "features": [\n{"type": "Feature", "id": "pad", "properties": {"pad": "'
        mid = '"}, "geometry": null},\n{"type": "Feature", "id": "stairs", "properties": {}, "geometry": {"type": "Polygon", "coordinates": '
        tail = "}}\n]}\n"
        # the boundary falls at a random byte of the coordinates
        target = rng.randrange(len(coords))
        pad = CHUNK - target - len(head.encode()) - len(mid.encode())
        text = head + "x" * pad + mid + coords + tail
        d = os.path.join(work, "chunks-%d" % b)
        os.makedirs(d, exist_ok=True)
        with open(os.path.join(d, "cells.geojson"), "w") as f:
            f.write(text)
        cut = text.encode()[CHUNK - 40:CHUNK + 40].decode(errors="replace")
        jur = {"format": "gridroute.jurisdiction/1", "name": "chunks", "timezone": "UTC",
               "tiers": ["town", "community", "area", "cell"], "cells_geojson": "cells.geojson",
               "units": [{"id": "t", "tier": "town"}, {"id": "c", "tier": "community", "parent": "t"},
                         {"id": "a", "tier": "area", "parent": "c"},
                         {"id": "pad", "tier": "cell", "parent": "a"}, {"id": "stairs", "tier": "cell", "parent": "a"}],
               "handlers": [{"id": "council", "role": "resident_council", "serves": ["t"]},
                            {"id": "pm-stairs", "role": "property_manager", "serves": ["stairs"]},
                            {"id": "pm-pad", "role": "property_manager", "serves": ["pad"]}]}
        with open(os.path.join(d, "jurisdiction.json"), "w") as f:
            json.dump(jur, f)
        with open(os.path.join(d, "rules.json"), "w") as f:
            f.write(gen_geo.RULES)
        ref = geo_ref.Reference(d)
        (_, polys, _), = [ft for ft in ref.layer.features if ft[0] == "stairs"]
        ring = polys[0][0]
        lines = []
        for i in range(len(ring) - 1):
            (ax, ay), (bx, by) = ring[i], ring[i + 1]
            for p in ([(ax, (ay + by) / 2)] if ax == bx else [((ax + bx) / 2, ay)]) + [(ax, ay)]:
                for q in (p, (math.nextafter(p[0], math.inf), p[1]), (math.nextafter(p[0], -math.inf), p[1]),
                          (p[0], math.nextafter(p[1], math.inf)), (p[0], math.nextafter(p[1], -math.inf))):
                    iid = len(lines) + 1
                    lines.append((iid, '{"id": %d, "category": "a.b", "location": [%s, %s], "at": "%s"}' % (
                        iid, gen_geo.fnum(q[0]), gen_geo.fnum(q[1]), gen_geo.AT), "chunk_boundary"))
        ip = os.path.join(d, "issues.jsonl")
        write_lines(ip, lines)
        stats.bundles += 1
        compare(stats, d + " (16 MiB boundary at ...%s...)" % cut, ref, lines, run_cli(args.bin, d, ip))
        if not args.keep:
            shutil.rmtree(d, ignore_errors=True)


def show(x):
    return json.dumps(x) if isinstance(x, (dict, list)) else str(x)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--points", type=int, default=2000, help="random issue lines in all (default 2000)")
    ap.add_argument("--bin", default=os.path.join(REPO, "build", "gridroute"))
    ap.add_argument("--per-bundle", type=int, default=250, help="lines per generated bundle")
    ap.add_argument("--la-share", type=float, default=0.15,
                    help="share of the points on the real layers (Los Angeles, New York; default 0.15)")
    ap.add_argument("--keep", help="keep the generated bundles in this directory")
    ap.add_argument("--show", type=int, default=10, help="disagreements to print")
    ap.add_argument("--show-ambiguous", action="store_true")
    ap.add_argument("--chunks", type=int, default=1,
                    help="layers of 16 MiB and more with long numbers across the boundary at which the "
                         "layer is read in chunks (default 1; 0 for none)")
    ap.add_argument("--paths", default="compiled,threads,test,escalate",
                    help="also check generated bundles compiled, on --threads 2, through 'gridroute "
                         "test', and as cases through 'gridroute escalate' (comma-separated; empty for "
                         "none)")
    args = ap.parse_args()

    rng = random.Random(args.seed)
    work = args.keep or tempfile.mkdtemp(prefix="gridroute-geo-")
    os.makedirs(work, exist_ok=True)
    stats = Stats()
    la_points = int(args.points * args.la_share)
    try:
        lianshi(args, stats, work)
        synthetic(args, stats, rng, args.points - la_points, work)
        real_layers(args, stats, rng, la_points, work)
        if args.chunks:
            chunk_boundaries(args, stats, rng, work, args.chunks)
    finally:
        if not args.keep and not stats.bad:
            shutil.rmtree(work, ignore_errors=True)

    for b in stats.bad[:args.show]:
        where, text = b[0], b[1]
        print("DISAGREEMENT in %s\n  line:     %s\n  expected: %s\n  actual:   %s\n  problems: %s" % (
            where, text, show(b[2]), show(b[3]), ", ".join(b[4]) if len(b) > 4 else ""))
    for where, text, ans, out, detail in stats.rounding[:args.show]:
        print("ROUNDING (a distance equal to snap_meters or to another within 1e-9; not counted as a "
              "disagreement) in %s\n  line: %s\n  reference: %s\n  actual: %s\n  %s" % (
                  where, text, ans, show(out), detail))
    if args.show_ambiguous:
        for where, text, ans, out in stats.amb_examples:
            print("AMBIGUOUS in %s\n  line: %s\n  allowed: %s\n  actual: %s" % (where, text, ans, show(out)))
    kinds = " ".join("%s=%d" % kv for kv in sorted(stats.kinds.items()))
    kinds += "; by answer: " + " ".join("%s=%d" % kv for kv in sorted(stats.notes.items()))
    kinds += "; within rounding, by frame: " + " ".join("%s=%d" % kv for kv in sorted(stats.amb_kinds.items()))
    print("differential_geo: seed %d: %d lines in %d bundles: %d agree (%d within rounding of a snap "
          "distance; %d of them answered otherwise than the reference within 1e-9), %d disagree%s [%s]" % (
              args.seed, stats.lines, stats.bundles, stats.agree, stats.ambiguous, len(stats.rounding),
              len(stats.bad),
              "; bundles kept in " + work if (stats.bad or args.keep) else "", kinds))
    return 1 if stats.bad else 0


if __name__ == "__main__":
    sys.exit(main())
