#!/usr/bin/env python3
"""A real layer that gridroute refuses, and the repair docs/locations.md gives for it.

The 76 NYC police precincts of nyc_police_precincts_dcp2013.geojson.gz hold, in precinct 113, 64 "rings"
of three positions that go out and back ([a, b, a]). SPEC §7 refuses a ring of fewer than four positions,
so `gridroute check` refuses the bundle, naming each ring by file, line, column and JSON pointer, and the cell.
examples/gis/drop_short_rings.py writes the layer without them; the bundle then loads, and every NYC 311
request with coordinates falls in a precinct.

Usage: short_rings_test.py --bin GRIDROUTE --shared SHARED_DIR
"""
import argparse
import csv
import gzip
import json
import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
SCRIPT = os.path.join(HERE, "..", "..", "examples", "gis", "drop_short_rings.py")


def bundle(root, layer_name, precincts):
    os.makedirs(root, exist_ok=True)
    cells = [{"id": str(p), "tier": "cell", "parent": "nyc"} for p in precincts]
    jurisdiction = {
        "format": "gridroute.jurisdiction/1", "name": "nyc-precincts", "timezone": "America/New_York",
        "tiers": ["community", "area", "cell"],
        "units": [{"id": "city", "tier": "community"}, {"id": "nyc", "tier": "area", "parent": "city"}] + cells,
        "handlers": [{"id": "precinct-%s" % p, "role": "enforcement_squad", "serves": [str(p)]} for p in precincts],
        "cells_geojson": {"file": layer_name, "id_property": "Precinct"},
    }
    rules = {"format": "gridroute.rules/1",
             "rules": [{"id": "any", "categories": ["*"], "route": ["enforcement_squad"]}]}
    with open(os.path.join(root, "jurisdiction.json"), "w") as f:
        json.dump(jurisdiction, f)
    with open(os.path.join(root, "rules.json"), "w") as f:
        json.dump(rules, f)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--shared", required=True)
    a = ap.parse_args()
    source = os.path.join(a.shared, "data", "nyc_police_precincts_dcp2013.geojson.gz")
    with gzip.open(source, "rt", encoding="utf-8") as f:
        raw = f.read()
    precincts = [ft["properties"]["Precinct"] for ft in json.loads(raw)["features"]]
    failures = []

    with tempfile.TemporaryDirectory() as tmp:
        root = os.path.join(tmp, "nyc")
        bundle(root, "precincts.geojson", precincts)
        with open(os.path.join(root, "precincts.geojson"), "w", encoding="utf-8") as f:
            f.write(raw)

        # As published: refused, every short ring named.
        check = subprocess.run([a.bin, "check", root], capture_output=True, text=True)
        errors = [l for l in check.stderr.splitlines()
                  if re.match(r"\S*precincts\.geojson:\d+:\d+: /features/70/geometry/coordinates/\d+/0: a ring needs at "
                               r'least 4 positions \(the last one repeating the first\), this one has 3 \(cell "113"\)$', l)]
        print("[ as published ] exit %d, %d short rings named; first: %s" % (check.returncode, len(errors),
                                                                         errors[0] if errors else "-"))
        if check.returncode != 1:
            failures.append("check of the published layer exited %d, not 1" % check.returncode)
        if len(errors) != 64:
            failures.append("%d short rings named, not 64" % len(errors))

        # Repaired as docs/locations.md says: loads, with the 64 rings listed as dropped.
        fixed = subprocess.run([sys.executable, SCRIPT, source, os.path.join(root, "precincts.geojson")],
                               capture_output=True, text=True)
        dropped = [l for l in fixed.stderr.splitlines() if l.startswith("dropped /features/70/")]
        print("[ repaired ] %s" % fixed.stderr.splitlines()[-1])
        if fixed.returncode != 0 or len(dropped) != 64:
            failures.append("the repair exited %d and dropped %d rings: %s" % (fixed.returncode, len(dropped), fixed.stderr))
        check = subprocess.run([a.bin, "check", root], capture_output=True, text=True)
        print("[ repaired ] check: exit %d; %s" % (check.returncode, check.stdout.strip().splitlines()[-2:]))
        if check.returncode != 0:
            failures.append("check of the repaired layer exited %d: %s" % (check.returncode, check.stdout + check.stderr))

        # Every NYC 311 request with coordinates falls in a precinct.
        lines = []
        with gzip.open(os.path.join(a.shared, "data", "nyc311_sample_multisource.csv.gz"), "rt", encoding="utf-8") as f:
            for row in csv.DictReader(f):
                try:
                    lon, lat = float(row["longitude"]), float(row["latitude"])
                except ValueError:
                    continue
                lines.append(json.dumps({"id": row["unique_key"], "category": "any", "location": [lon, lat],
                                         "at": "2024-01-02T09:00:00-05:00"}))
        route = subprocess.run([a.bin, "route", root, "-", "--quiet"], input="\n".join(lines) + "\n",
                               capture_output=True, text=True)
        answers = [json.loads(l) for l in route.stdout.splitlines()]
        inside = sum(1 for d in answers if d["status"] == "routed" and d.get("cell") in {str(p) for p in precincts})
        print("[ repaired ] %d NYC 311 requests with coordinates: %d in a precinct" % (len(lines), inside))
        if len(answers) != len(lines) or inside < 0.99 * len(lines):
            failures.append("%d of %d requests in a precinct" % (inside, len(lines)))

    for f in failures:
        print("FAIL: " + f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
