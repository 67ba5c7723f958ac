#!/usr/bin/env python3
"""Builds a gridroute bundle for San Francisco 311 from the public data in shared/data, and its issues.

    examples/sf311/make_bundle.py SHARED_DATA_DIR OUT_DIR [--citywide]

SHARED_DATA_DIR holds the files described in its README (the SF311 sample of 2008-2019); nothing of it is
kept in this repository. There are no polygons for San Francisco: cells are given by id. OUT_DIR gets:

- jurisdiction.json: the city (tier community) -> the supervisor districts that have requests (tier area)
  -> the parts of neighbourhoods that lie in one district (tier cell: "d7-sunnyside" and "d8-sunnyside",
  since 23 of the 66 neighbourhoods of the sample straddle a district line), with "local_times": true (the
  requests' times are local, without an offset); one handler per work queue that a rule can reach, named
  as the requests name it (`agency_name`), whose department is the queue's family (below);
- rules.json: the requests' category and complaint type as categories (category.type), for each category
  seen at least MIN_REQUESTS times a rule for the whole category (category.*) to the family that received
  most of its requests, and for each complaint type seen at least MIN_REQUESTS times whose family is
  another, a rule for that type; a weekday calendar; the 311 Supervisor Queue as defaults.fallback;
- issues.jsonl: every request, by cell, with its local created_date as at, plus "expect_queue",
  "expect_district" and "expect_neighborhood": what the city recorded (fields gridroute ignores);
- tests.jsonl: expectations for `gridroute test` (TESTS below), one for each way the walk up the tree
  finds an owner.

Families (a handler's department; the walk up the tree picks the queue):
- a queue and its hold queue ("311 Service Request Queue" and "... - Hold") are one family; both serve
  the same units, the one that received more requests first, so the other is an alternate;
- AREA_FAMILIES: queues of one service that split the city among themselves. The family's citywide queue
  (if it has one) serves the city; at each level the family names (district, then cell), a queue serves
  a unit when it received most of the family's requests there (at least MIN_AREA) and the unit above
  would give another queue. Queues named after a district ("DPT SignShop 07 Queue") serve that district
  after the one placed there, as its alternate. The San Francisco Housing Authority is a
  property_manager: it serves the cells of its estates (where it received at least MIN_ESTATE
  requests), not the city.

Landowners (LANDOWNERS): the Port of San Francisco takes what happens on its waterfront land. Where it
received most of a category's requests in a cell (at least MIN_AREA), a rule scoped to that cell routes the
category to it; the deeper scope wins over the city's rule (SPEC §3.3).

With --citywide, there are no scoped rules, and every area family is one citywide queue (the AREA_FAMILIES city queue, for the Housing
Authority its own queue) serving the city: the bundle without area-specific queues, for `gridroute diff`.
"""
import collections
import csv
import gzip
import json
import os
import re
import sys

REQUESTS = "sf311_sample_2019.csv.gz"
MIN_REQUESTS = 3  # a category or complaint type seen fewer times gets no rule of its own
MIN_AREA = 3      # requests before an area queue is said to serve a district or a cell
MIN_ESTATE = 2    # requests before the Housing Authority is said to serve a cell
FALLBACK = "311 Supervisor Queue"

# department -> its citywide queue (or None), the queues the data places (pattern), the levels at which it
# places them, the queues that serve the district in their name (pattern), and the handlers' role
AREA_FAMILIES = {
    "rpd_nsa": ("RPD NSA Queue", r"RPD (Park|Neighborhood) Service Area \d+ Queue", ("district", "cell"), None,
                "partner_department"),
    "dpt_signshop": ("DPT SignShop Queue", r"DPT SignShop Surveyed - Area \d+ Queue", ("district",),
                     r"DPT SignShop (\d\d) Queue", "partner_department"),
    "streetlights": ("PUC Streetlights Queue", r"PG and E - Streetlights Queue", ("district", "cell"), None,
                     "partner_department"),
    "sfha": (None, r"Housing Authority SR Queue", ("cell",), None, "property_manager"),
}

LANDOWNERS = ["Port Authority - G"]

# Expectations for `gridroute test`: (id, category, cell, at, expect). Each exercises one way the walk
# up the tree finds the owner, or a rule's specificity, the fallback, or the calendar.
TESTS = [
    ("T1", "rec_and_park_requests.park_neighborhood_services_area", "d10-mclaren_park", "2019-06-03 10:00:00",
     {"rule": "rec_and_park_requests", "handler": "rpd_park_service_area_3", "unit": "d10",
      "department": "rpd_nsa"}),
    ("T2", "rec_and_park_requests.park_neighborhood_services_area", "d10-dogpatch", "2019-06-03 10:00:00",
     {"handler": "rpd_park_service_area_2", "unit": "d10-dogpatch"}),
    ("T3", "rec_and_park_requests.park_neighborhood_services_area", "d11-outer_mission", "2019-06-03 10:00:00",
     {"handler": "rpd_nsa", "unit": "sf", "alternates": []}),
    ("T4", "sign_repair.sign_bent", "d7-west_portal", "2015-06-03 10:00:00",
     {"rule": "sign_repair", "handler": "dpt_signshop_surveyed_area_2", "unit": "d7",
      "alternates": ["dpt_signshop_07"]}),
    ("T5", "sign_repair.sign_bent", "d10-dogpatch", "2015-06-03 10:00:00",
     {"handler": "dpt_signshop_surveyed_area_1", "unit": "d10", "alternates": ["dpt_signshop_10"]}),
    ("T6", "sfha_requests.electrical", "d10-sunnydale", "2019-06-03 10:00:00",
     {"rule": "sfha_requests", "role": "property_manager", "handler": "housing_authority_sr",
      "unit": "d10-sunnydale", "alternates": ["housing_authority_sr_hold"]}),
    ("T7", "sfha_requests.electrical", "d2-cow_hollow", "2019-06-03 10:00:00",
     {"status": "routed", "fallback": True, "rule": None, "handler": "311_supervisor", "unit": "sf"}),
    ("T8", "sewer_issues.flooding", "d7-sunnyside", "2019-06-03 10:00:00",
     {"rule": "sewer_issues", "handler": "puc_sewer_ops"}),
    ("T9", "sewer_issues.water_leak", "d7-sunnyside", "2019-06-03 10:00:00",
     {"rule": "sewer_issues-water_leak", "handler": "puc_water_g"}),
    ("T10", "general_request_county_clerk.mailing_request", "d2-cow_hollow", "2019-06-03 10:00:00",
     {"fallback": True, "handler": "311_supervisor"}),
    ("T11", "streetlights.streetlight_light_flickering_on_off", "d1-sutro_heights", "2019-03-08 16:00:00",
     {"handler": "pg_and_e_streetlights", "unit": "d1", "respond_by": "2019-03-11T17:00:00-07:00",
      "resolve_by": "2019-03-15T17:00:00-07:00"}),
    ("T12", "streetlights.streetlight_light_flickering_on_off", "d7-stonestown", "2019-03-08 16:00:00",
     {"handler": "puc_streetlights", "unit": "sf", "alternates": ["puc_streetlights_hold"]}),
    ("T13", "rec_and_park_requests.park_park_patrol", "d10-central_waterfront", "2019-06-03 10:00:00",
     {"rule": "rec_and_park_requests@d10-central_waterfront", "handler": "port_authority_g",
      "unit": "d10-central_waterfront"}),
]


def slug(text):
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")


def category_code(category, complaint_type):
    return slug(category) + "." + (slug(complaint_type) or "none")


def queue_id(queue):
    """ "DPW Ops Queue" -> "dpw_ops", "311 Service Request Queue - Hold" -> "311_service_request_hold"."""
    return slug(re.sub(r"\bQueue\b", "", queue))


def base_queue(queue):
    """The queue a hold queue holds for: "PUC Streetlights Hold Queue" -> "PUC Streetlights Queue"."""
    return re.sub(r"( - Hold$| Hold(?= Queue$))", "", queue)


def cell_id(r):
    return "d%s-%s" % (r["supervisor_district"], slug(r["neighborhood"]))


def read_csv(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def family_of(queue):
    base = base_queue(queue)
    for dept, (city, placed, _, named, _) in AREA_FAMILIES.items():
        if base == city or re.fullmatch(placed, base) or (named and re.fullmatch(named, base)):
            return dept
    return queue_id(base)


def main(argv):
    args = [a for a in argv[1:] if a != "--citywide"]
    citywide = len(args) != len(argv) - 1
    if len(args) != 2:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    data, out = args
    os.makedirs(out, exist_ok=True)
    requests = read_csv(os.path.join(data, REQUESTS))

    # ---- units: the city, its districts, the part of each neighbourhood in each district
    districts = sorted({r["supervisor_district"] for r in requests}, key=int)
    cells = {}
    for r in requests:
        cells.setdefault(cell_id(r), (r["supervisor_district"], r["neighborhood"]))
    units = [{"id": "sf", "tier": "community", "name": "City and County of San Francisco"}]
    units += [{"id": "d" + d, "tier": "area", "parent": "sf", "name": "Supervisor District " + d} for d in districts]
    units += [{"id": c, "tier": "cell", "parent": "d" + d, "name": "%s (District %s)" % (n, d)}
              for c, (d, n) in sorted(cells.items(), key=lambda x: (int(x[1][0]), x[0]))]

    # ---- categories, and the family that received most requests of each category and type
    codes = collections.defaultdict(collections.Counter)  # code -> complaint type as written
    families = collections.defaultdict(collections.Counter)  # category slug or code -> family -> requests
    for r in requests:
        code = category_code(r["category"], r["complaint_type"])
        codes[code][r["category"] + " / " + r["complaint_type"]] += 1
        families[slug(r["category"])][family_of(r["agency_name"])] += 1
        families[code][family_of(r["agency_name"])] += 1
    owner = {key: c.most_common(1)[0][0] for key, c in families.items() if sum(c.values()) >= MIN_REQUESTS}
    fallback_family = family_of(FALLBACK)

    # ---- scoped rules: a landowner's categories in the cells where it took most of them
    scoped = []  # (cell, category slug, landowner queue)
    by_cell = collections.defaultdict(collections.Counter)
    for r in requests:
        by_cell[(cell_id(r), slug(r["category"]))][r["agency_name"]] += 1
    for (cell, cat), c in sorted(by_cell.items()):
        q, n = c.most_common(1)[0]
        if not citywide and q in LANDOWNERS and n >= MIN_AREA and 2 * n > sum(c.values()) and cat in owner:
            scoped.append((cell, cat, q))

    # ---- handlers: the queues of each family that a rule reaches, and the units each serves
    taken = collections.Counter(r["agency_name"] for r in requests)
    serves = collections.defaultdict(list)  # queue -> units, in the order added
    for cell, _, q in scoped:
        serves[q].append(cell)
    for dept in sorted(set(owner.values()) | {fallback_family}):
        members = sorted({r["agency_name"] for r in requests if family_of(r["agency_name"]) == dept},
                         key=lambda q: (-taken[q], q))
        if dept not in AREA_FAMILIES:
            for q in members:  # a queue and its hold queue, both citywide
                serves[q].append("sf")
            continue
        city, placed, levels, named, _ = AREA_FAMILIES[dept]
        if citywide:
            levels, named = (), None
            serves[city or members[0]].append("sf")
        elif city:
            serves[city].append("sf")
        # the queues the data places, and the citywide one, by district and by cell
        counted = [r for r in requests if base_queue(r["agency_name"]) == city
                   or re.fullmatch(placed, base_queue(r["agency_name"]))]
        at = {"sf": city}
        for level in levels:
            unit_of = (lambda r: "d" + r["supervisor_district"]) if level == "district" else cell_id
            parent_of = (lambda r: "sf") if level == "district" else (lambda r: "d" + r["supervisor_district"])
            least = MIN_AREA if city else MIN_ESTATE
            seen = collections.defaultdict(collections.Counter)
            parents = {}
            for r in counted:
                seen[unit_of(r)][base_queue(r["agency_name"])] += 1
                parents[unit_of(r)] = parent_of(r)
            for unit in sorted(seen):
                q, n = seen[unit].most_common(1)[0]
                inherited = at.get(parents[unit], at.get("sf"))
                if n >= least and 2 * n > sum(seen[unit].values()) and q != inherited:
                    serves[q].append(unit)
                    at[unit] = q
                else:
                    at[unit] = inherited
        for q in members:  # a queue named after a district serves it, after the queue the data placed there
            m = named and re.fullmatch(named, q)
            if m and ("d%d" % int(m.group(1))) in {u["id"] for u in units}:
                serves[q].append("d%d" % int(m.group(1)))
        for q in members:  # a hold queue serves where the queue it holds for serves
            if base_queue(q) != q and serves.get(base_queue(q)):
                serves[q] = list(serves[base_queue(q)])
    handlers = []
    named_after = lambda q: any(n and re.fullmatch(n, q) for _, _, _, n, _ in AREA_FAMILIES.values())
    order = sorted((q for q in serves if serves[q]), key=lambda q: (family_of(q), named_after(q), -taken[q], q))
    for q in order:
        dept = family_of(q)
        role = AREA_FAMILIES[dept][4] if dept in AREA_FAMILIES else "partner_department"
        h = {"id": queue_id(q), "role": role}
        if role == "partner_department":
            h["department"] = dept
        h.update({"serves": serves[q], "name": q})
        handlers.append(h)
    jurisdiction = {
        "format": "gridroute.jurisdiction/1", "name": "San Francisco 311", "timezone": "America/Los_Angeles",
        "tiers": ["community", "area", "cell"], "local_times": True, "units": units, "handlers": handlers,
    }
    with open(os.path.join(out, "jurisdiction.json"), "w", encoding="utf-8") as f:
        json.dump(jurisdiction, f, ensure_ascii=False, indent=1)

    # ---- rules.json
    def route(dept):
        role = AREA_FAMILIES[dept][4] if dept in AREA_FAMILIES else "partner_department"
        return [role] if role != "partner_department" else [{"role": role, "department": dept}]

    rules_list = []
    for cat in sorted(k for k in owner if "." not in k):
        rules_list.append({"id": cat, "categories": [cat + ".*"], "route": route(owner[cat])})
        for code in sorted(k for k in owner if k.startswith(cat + ".")):
            if owner[code] != owner[cat]:
                rules_list.append({"id": code.replace(".", "-"), "categories": [code], "route": route(owner[code])})
        for cell, _, q in (x for x in scoped if x[1] == cat):
            rules_list.append({"id": "%s@%s" % (cat, cell), "scope": cell, "categories": [cat + ".*"],
                               "route": route(family_of(q))})
    rules = {
        "format": "gridroute.rules/1",
        "categories": [{"code": code, "name": c.most_common(1)[0][0]} for code, c in sorted(codes.items())],
        "calendars": [{"id": "city", "timezone": "America/Los_Angeles", "weekdays": [1, 2, 3, 4, 5],
                       "hours": [["08:00", "17:00"]], "holidays": [], "workdays": []}],
        "defaults": {"calendar": "city", "sla": {"respond": "1wd", "resolve": "5wd"}, "fallback": queue_id(FALLBACK)},
        "rules": rules_list,
    }
    with open(os.path.join(out, "rules.json"), "w", encoding="utf-8") as f:
        json.dump(rules, f, ensure_ascii=False, indent=1)

    # ---- issues.jsonl and tests.jsonl
    with open(os.path.join(out, "issues.jsonl"), "w", encoding="utf-8") as f:
        for r in requests:
            issue = {"id": r["unique_key"], "category": category_code(r["category"], r["complaint_type"]),
                     "cell": cell_id(r), "at": r["created_date"], "expect_queue": r["agency_name"],
                     "expect_district": r["supervisor_district"], "expect_neighborhood": r["neighborhood"]}
            f.write(json.dumps(issue) + "\n")
    with open(os.path.join(out, "tests.jsonl"), "w", encoding="utf-8") as f:
        for tid, category, cell, at, expect in TESTS:
            f.write(json.dumps({"id": tid, "category": category, "cell": cell, "at": at, "expect": expect}) + "\n")
    print(f"{out}: {len(units)} units ({len(districts)} districts, {len(cells)} cells), {len(handlers)} handlers, "
          f"{len(rules['categories'])} categories, {len(rules_list)} rules; {len(requests)} issues", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
