#!/usr/bin/env python3
"""Builds a gridroute bundle for New York City 311 from the public data in shared/data, and its issues.

    examples/nyc311/make_bundle.py SHARED_DATA_DIR OUT_DIR

SHARED_DATA_DIR holds the files described in its README (the NYC 311 requests and the community districts
of 2013); nothing of them is kept in this repository. OUT_DIR gets:

- jurisdiction.json: the city (tier community) -> its 5 boroughs (tier area) -> the 71 community districts
  of the 2013 layer (tier cell: the 59 districts and the 12 joint-interest areas, large parks and airports,
  whose BoroCD is 164, 226-228, 355-356, 480-484, 595), with that layer as cells_geojson (id_property
  BoroCD), snap_meters 10 and "local_times": true (the requests' times are local, without an offset); one
  handler per agency that owns a complaint type (partner_department, the agency's code as department, the
  name the requests give it) serving the whole city, and the Office of Technology and Innovation (OTI),
  which runs 311, as the fallback owner;
- rules.json: the complaint types as categories, a rule for each type seen at least MIN_REQUESTS times,
  routing it to the agency that handled most of its requests, a weekday calendar, and OTI as
  defaults.fallback for the rarer types;
- nyc_community_districts_dcp2013.geojson: the layer, uncompressed;
- issues.jsonl: the requests that have coordinates, by location, with the complaint type's category, plus
  "expect_owner" and "expect_cd": the agency the city recorded, and the community district of its
  community_board ("07 QUEENS" is 407; "" for "0 Unspecified" and "Unspecified QUEENS");
- orders.jsonl and platform-map.json: every request as the city's export holds it (unique_key,
  created_date, agency, complaint_type, descriptor, community_board, borough, latitude and longitude as
  text), and the map that turns those lines into issue lines
  (`gridroute route OUT_DIR OUT_DIR/orders.jsonl --map OUT_DIR/platform-map.json`, docs/platform-input.md).

Category codes: a complaint type's name in lower case, each run of other characters than [a-z0-9] an
underscore, " - " a dot ("Noise - Residential" is noise.residential). Names written wholly in capitals are
the housing-maintenance types of HPD's own system; they get the prefix housing. ("PLUMBING" is
housing.plumbing, apart from DOB's "Plumbing", plumbing), except acronyms of up to five letters (IGR,
SCRIE). Names that differ only in punctuation ("Animal Abuse", "Animal-Abuse") share a code.
"""
import collections
import csv
import gzip
import json
import os
import re
import sys

REQUESTS = "nyc311_sample_multisource.csv.gz"
LAYER = "nyc_community_districts_dcp2013.geojson"
BOROUGHS = {"1": ("manhattan", "MANHATTAN", "Manhattan"), "2": ("bronx", "BRONX", "Bronx"),
            "3": ("brooklyn", "BROOKLYN", "Brooklyn"), "4": ("queens", "QUEENS", "Queens"),
            "5": ("staten_island", "STATEN ISLAND", "Staten Island")}
MIN_REQUESTS = 3  # a complaint type seen fewer times gets no rule: the fallback owner takes it
FALLBACK = ("OTI", "Office of Technology and Innovation (NYC 311)")


def category_code(name):
    segments = [re.sub(r"[^a-z0-9]+", "_", s.lower()).strip("_") for s in name.split(" - ")]
    code = ".".join(segments)
    if name == name.upper() and len(re.sub(r"[^A-Z]", "", name)) > 5:
        code = "housing." + code
    return code


def community_district(board):
    """ "07 QUEENS" -> "407"; "" when the board names no district ("0 Unspecified", "Unspecified BRONX")."""
    number, _, borough = board.partition(" ")
    for digit, (_, upper, _) in BOROUGHS.items():
        if borough == upper and number.isdigit() and int(number) > 0:
            return "%s%02d" % (digit, int(number))
    return ""


def read_csv(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def main(argv):
    if len(argv) != 3:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    data, out = argv[1], argv[2]
    os.makedirs(out, exist_ok=True)
    requests = read_csv(os.path.join(data, REQUESTS))

    # ---- the layer, uncompressed; its districts are the cells
    with gzip.open(os.path.join(data, LAYER + ".gz"), "rb") as src, open(os.path.join(out, LAYER), "wb") as dst:
        layer = src.read()
        dst.write(layer)
    districts = sorted(str(f["properties"]["BoroCD"]) for f in json.loads(layer)["features"])

    # ---- categories, and which agency handled most requests of each
    codes = {}  # complaint type -> code
    seen = collections.defaultdict(collections.Counter)  # code -> complaint type -> requests
    agencies = collections.defaultdict(collections.Counter)  # code -> agency -> requests
    agency_names = collections.defaultdict(collections.Counter)
    for r in requests:
        code = codes.setdefault(r["complaint_type"], category_code(r["complaint_type"]))
        seen[code][r["complaint_type"]] += 1
        agencies[code][r["agency"]] += 1
        agency_names[r["agency"]][r["agency_name"]] += 1
    owners = {code: c.most_common(1)[0][0] for code, c in agencies.items() if sum(c.values()) >= MIN_REQUESTS}

    # ---- jurisdiction.json
    units = [{"id": "nyc", "tier": "community", "name": "New York City"}]
    units += [{"id": uid, "tier": "area", "parent": "nyc", "name": name} for uid, _, name in BOROUGHS.values()]
    for cd in districts:
        uid, _, borough = BOROUGHS[cd[0]]
        kind = "Community District" if int(cd[1:]) <= 18 else "joint interest area"  # no borough has 19
        units.append({"id": cd, "tier": "cell", "parent": uid, "name": "%s %s %d" % (borough, kind, int(cd[1:]))})
    handlers = [{"id": a.lower(), "role": "partner_department", "department": a, "serves": ["nyc"],
                 "name": agency_names[a].most_common(1)[0][0]} for a in sorted(set(owners.values()))]
    handlers.append({"id": FALLBACK[0].lower(), "role": "partner_department", "department": FALLBACK[0],
                     "serves": ["nyc"], "name": FALLBACK[1]})
    jurisdiction = {
        "format": "gridroute.jurisdiction/1", "name": "New York City 311", "timezone": "America/New_York",
        "tiers": ["community", "area", "cell"], "local_times": True,
        "cells_geojson": {"file": LAYER, "id_property": "BoroCD"}, "snap_meters": 10,
        "units": units, "handlers": handlers,
    }
    with open(os.path.join(out, "jurisdiction.json"), "w", encoding="utf-8") as f:
        json.dump(jurisdiction, f, ensure_ascii=False, indent=1)

    # ---- rules.json
    rules = {
        "format": "gridroute.rules/1",
        "categories": [{"code": code, "name": seen[code].most_common(1)[0][0]} for code in sorted(seen)],
        "calendars": [{"id": "city", "timezone": "America/New_York", "weekdays": [1, 2, 3, 4, 5],
                       "hours": [["09:00", "17:00"]], "holidays": [], "workdays": []}],
        "defaults": {"calendar": "city", "sla": {"respond": "1wd", "resolve": "5wd"},
                     "fallback": FALLBACK[0].lower()},
        "rules": [{"id": code.replace(".", "-"), "categories": [code],
                   "route": [{"role": "partner_department", "department": agency}]}
                  for code, agency in sorted(owners.items())],
    }
    with open(os.path.join(out, "rules.json"), "w", encoding="utf-8") as f:
        json.dump(rules, f, ensure_ascii=False, indent=1)

    # ---- issues.jsonl
    n = 0
    with open(os.path.join(out, "issues.jsonl"), "w", encoding="utf-8") as f:
        for r in requests:
            if not r["latitude"] or not r["longitude"]:
                continue
            issue = {"id": r["unique_key"], "category": codes[r["complaint_type"]],
                     "location": [float(r["longitude"]), float(r["latitude"])], "at": r["created_date"],
                     "expect_owner": r["agency"], "expect_cd": community_district(r["community_board"])}
            f.write(json.dumps(issue) + "\n")
            n += 1
    # ---- the city's export as it is, and the map that reads it
    export = ("unique_key", "created_date", "agency", "complaint_type", "descriptor", "community_board", "borough",
              "latitude", "longitude")
    with open(os.path.join(out, "orders.jsonl"), "w", encoding="utf-8") as f:
        for r in requests:
            f.write(json.dumps({k: r[k] for k in export}) + "\n")
    platform_map = {
        "format": "gridroute.map/1",
        "fields": {"id": "unique_key", "category": {"path": "complaint_type", "table": "complaint_types"},
                   "location": {"lon": "longitude", "lat": "latitude"}, "at": "created_date"},
        "tables": {"complaint_types": dict(sorted(codes.items()))},
    }
    with open(os.path.join(out, "platform-map.json"), "w", encoding="utf-8") as f:
        json.dump(platform_map, f, ensure_ascii=False, indent=1)
    print(f"{out}: {len(units)} units, {len(handlers)} handlers, {len(rules['categories'])} categories, "
          f"{len(rules['rules'])} rules; {n} issues", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
