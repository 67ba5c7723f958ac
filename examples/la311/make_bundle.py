#!/usr/bin/env python3
"""Builds a gridroute bundle for Los Angeles 311 from the public data in shared/data, and its issues.

    examples/la311/make_bundle.py SHARED_DATA_DIR OUT_DIR

SHARED_DATA_DIR holds the files described in its README (MyLA311 requests, the neighbourhood councils and
their regions, the request types and agencies); nothing of them is kept in this repository. OUT_DIR gets:

- jurisdiction.json: the city (tier community) -> its 12 neighbourhood-council regions (tier area) -> the
  99 neighbourhood councils (tier cell), with the councils' 2019 polygons as cells_geojson (id_property
  nc_id) and "local_times": true (the requests' times are local, without an offset); one handler per
  agency (partner_department, the agency's code as department) serving the whole city;
- rules.json: the 12 request types as categories, a rule for each type that an agency owns (from
  la311_request_types.csv), a weekday calendar, and the city's 311 centre (ITA) as defaults.fallback for
  the types no agency owns ("Other", "Feedback");
- la_neighborhood_councils_2019.geojson: the layer, uncompressed;
- issues.jsonl: the MyLA311 requests that have coordinates, by location, with the request type's category,
  plus "expect_owner" and "expect_nc": the agency and council the city recorded;
- orders.jsonl and platform-map.json: every request as the city's export holds it (srnumber, created_date,
  request_type, latitude and longitude as text), and the map that turns those lines into issue lines
  (`gridroute route OUT_DIR OUT_DIR/orders.jsonl --map OUT_DIR/platform-map.json`, docs/platform-input.md).
"""
import csv
import gzip
import json
import os
import sys

# Request types (la311_request_types.csv `data_code`, as the requests name them) -> category codes.
CATEGORIES = {
    "Bulky Items": "sanitation.bulky_items",
    "Electronic Waste": "sanitation.electronic_waste",
    "Illegal Dumping Pickup": "sanitation.illegal_dumping",
    "Metal/Household Appliances": "sanitation.metal_appliances",
    "Homeless Encampment": "sanitation.homeless_encampment",
    "Dead Animal Removal": "sanitation.dead_animal",
    "Graffiti Removal": "graffiti.removal",
    "Single Streetlight Issue": "streetlight.single",
    "Multiple Streetlight Issue": "streetlight.multiple",
    "Report Water Waste": "water.waste",
    "Other": "other",
    "Feedback": "feedback",
}
FALLBACK_AGENCY = "ITA"  # the Information Technology Agency runs the 311 centre


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

    agencies = {a["agency_id"]: a for a in read_csv(os.path.join(data, "la311_agencies.csv"))}
    types = read_csv(os.path.join(data, "la311_request_types.csv"))
    regions = read_csv(os.path.join(data, "la_nc_regions.csv"))
    councils = read_csv(os.path.join(data, "la_neighborhood_councils.csv"))

    # ---- jurisdiction.json
    units = [{"id": "la", "tier": "community", "name": "City of Los Angeles"}]
    units += [{"id": "region-" + r["region_id"], "tier": "area", "parent": "la", "name": r["region_name"]}
              for r in regions]
    units += [{"id": c["council_id"], "tier": "cell", "parent": "region-" + c["region_id"], "name": c["council_name"]}
              for c in councils]
    owners = {}  # category -> agency code
    for t in types:
        code = CATEGORIES[t["data_code"]]
        if t["agency_id"] in agencies:
            owners[code] = agencies[t["agency_id"]]["data_code"]
    departments = sorted(set(owners.values()) | {FALLBACK_AGENCY})
    names = {a["data_code"]: a["agency_name"] for a in agencies.values()}
    handlers = [{"id": d.lower(), "role": "partner_department", "department": d, "serves": ["la"], "name": names[d]}
                for d in departments]
    layer = "la_neighborhood_councils_2019.geojson"
    with gzip.open(os.path.join(data, layer + ".gz"), "rb") as src, open(os.path.join(out, layer), "wb") as dst:
        dst.write(src.read())
    jurisdiction = {
        "format": "gridroute.jurisdiction/1", "name": "Los Angeles 311", "timezone": "America/Los_Angeles",
        "tiers": ["community", "area", "cell"], "local_times": True,
        "cells_geojson": {"file": layer, "id_property": "nc_id"}, "snap_meters": 30,
        "units": units, "handlers": handlers,
    }
    with open(os.path.join(out, "jurisdiction.json"), "w", encoding="utf-8") as f:
        json.dump(jurisdiction, f, ensure_ascii=False, indent=1)

    # ---- rules.json
    rules = {
        "format": "gridroute.rules/1",
        "categories": [{"code": code, "name": name} for name, code in CATEGORIES.items()],
        "calendars": [{"id": "city", "timezone": "America/Los_Angeles", "weekdays": [1, 2, 3, 4, 5],
                       "hours": [["07:00", "17:00"]], "holidays": [], "workdays": []}],
        "defaults": {"calendar": "city", "sla": {"respond": "1wd", "resolve": "5wd"},
                     "fallback": FALLBACK_AGENCY.lower()},
        "rules": [{"id": code.replace(".", "-"), "categories": [code],
                   "route": [{"role": "partner_department", "department": agency}]}
                  for code, agency in sorted(owners.items())],
    }
    with open(os.path.join(out, "rules.json"), "w", encoding="utf-8") as f:
        json.dump(rules, f, ensure_ascii=False, indent=1)

    # ---- issues.jsonl
    n = 0
    with open(os.path.join(out, "issues.jsonl"), "w", encoding="utf-8") as f:
        for r in read_csv(os.path.join(data, "la311_myla311_sample.csv.gz")):
            if not r["latitude"] or not r["longitude"] or r["request_type"] not in CATEGORIES:
                continue
            issue = {"id": r["srnumber"], "category": CATEGORIES[r["request_type"]],
                     "location": [float(r["longitude"]), float(r["latitude"])], "at": r["created_date"],
                     "expect_owner": r["owner"], "expect_nc": r["nc"]}
            f.write(json.dumps(issue) + "\n")
            n += 1
    # ---- the city's export as it is, and the map that reads it
    with open(os.path.join(out, "orders.jsonl"), "w", encoding="utf-8") as f:
        for r in read_csv(os.path.join(data, "la311_myla311_sample.csv.gz")):
            f.write(json.dumps({k: r[k] for k in ("srnumber", "created_date", "request_type", "latitude", "longitude")})
                    + "\n")
    platform_map = {
        "format": "gridroute.map/1",
        "fields": {"id": "srnumber", "category": {"path": "request_type", "table": "request_types"},
                   "location": {"lon": "longitude", "lat": "latitude"}, "at": "created_date"},
        "tables": {"request_types": CATEGORIES},
    }
    with open(os.path.join(out, "platform-map.json"), "w", encoding="utf-8") as f:
        json.dump(platform_map, f, ensure_ascii=False, indent=1)
    print(f"{out}: {len(units)} units, {len(handlers)} handlers, {len(rules['rules'])} rules; {n} issues", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
