#!/usr/bin/env python3
"""Deterministic workload generator for the gridroute benchmarks (Python 3 stdlib only).

Writes a SPEC bundle (jurisdiction.json, rules.json, units.csv, handlers.csv) plus matching streams:
issues.jsonl (for `gridroute route`), cases.jsonl (for `gridroute escalate`, evaluated at NOW.txt) and
meta.json (parameters and counts). The same seed and size give the same bytes.

  gen_bundle.py synth OUTDIR --size S|M|L|XL [--seed 7] [--issues N] [--cases N] [--rules N]
  gen_bundle.py real  OUTDIR --admin /work/shared/data/cn_admin_divisions_2021.csv.gz [--issues N] ...

Synthetic sizes (cells): S 1,000 / M 50,000 / L 1,000,000 / XL 5,000,000. Tiers:
province > city > district > street > community > area > cell; about 10 cells per area, 4 areas per
community, 10 communities per street, 10 streets per district, 10 districts per city. Every size has the
same rule book shape: ~5,000 rules over 200 categories (20 groups x 2 subgroups x 5 codes), scopes at
every tier, conditions on 6 attributes (plus local_time and workday windows), 7 roles (4 built-in and
3 declared), 12 departments, 3 calendars and 3 escalation policies. Handlers (handlers_csv): a council
per community, a property manager per estate (1-6 cells), a grid worker per area, peacemakers, squads,
mediators and departments: about 0.3 handlers per cell.

The real-data jurisdiction takes the 663k units of the 2021 Chinese administrative division table
(nation > province > prefecture > county > township > community) and adds, below each community,
1-2 area branches and 1-3 cells per area, chosen from a CRC of the community code (about 1.85M cells);
the few units of the table that have no children (such as 市辖区 placeholders) get one cell each.
"""
import argparse
import csv
import gzip
import json
import os
import random
import zlib

SIZES = {"S": 1_000, "M": 50_000, "L": 1_000_000, "XL": 5_000_000}
DEFAULT_ISSUES = {"S": 100_000, "M": 1_000_000, "L": 1_000_000, "XL": 1_000_000}
DEFAULT_CASES = {"S": 100_000, "M": 1_000_000, "L": 1_000_000, "XL": 1_000_000}

GROUPS = ["env", "street", "nuisance", "safety", "housing", "traffic", "utility", "dispute", "building",
          "market", "facility", "health", "sanitation", "water", "power", "parks", "transport", "education",
          "elderly", "petition"]
SUBGROUPS = 2
LEAVES = 5
DEPARTMENTS = ["water", "power", "sanitation", "transport", "parks", "housing", "health", "fire", "police",
               "market", "gas", "urban_mgmt"]
ATTRS = {"severity": "number", "private_property": "bool", "channel": "string", "households": "number",
         "floor": "number", "elderly": "bool"}
CHANNELS = ["hotline", "wechat", "app", "grid_patrol", "property_app", "walk_in"]
NOW = "2026-11-23T10:00:00+08:00"


def categories():
    return [f"{g}.s{s + 1}.k{k + 1}" for g in GROUPS for s in range(SUBGROUPS) for k in range(LEAVES)]


# ---------------------------------------------------------------------------------------------------
# Units


class Tree:
    """Units in generation order; by_tier[t] lists the ids of tier t (index into tiers)."""

    def __init__(self, tiers):
        self.tiers = tiers
        self.by_tier = [[] for _ in tiers]
        self.rows = []  # (id, parent, tier, name)
        self.parent = {}

    def add(self, uid, parent, tier, name=""):
        self.rows.append((uid, parent, tier, name))
        self.by_tier[tier].append(uid)
        self.parent[uid] = parent


def group_sizes(rng, n, lo, hi):
    """Splits n items into consecutive groups of lo..hi items (the last may be smaller)."""
    out = []
    while n > 0:
        k = min(n, rng.randint(lo, hi))
        out.append(k)
        n -= k
    return out


def synth_tree(rng, cells):
    """Bottom-up: exactly `cells` cells, grouped into areas, communities, streets, districts, cities."""
    tiers = ["province", "city", "district", "street", "community", "area", "cell"]
    area_sizes = group_sizes(rng, cells, 6, 14)           # cells per area
    comm_sizes = group_sizes(rng, len(area_sizes), 2, 6)  # areas per community
    street_sizes = group_sizes(rng, len(comm_sizes), 5, 15)
    district_sizes = group_sizes(rng, len(street_sizes), 5, 15)
    city_sizes = group_sizes(rng, len(district_sizes), 5, 15)
    t = Tree(tiers)
    t.add("prov", None, 0, "示范省")
    ai = ci = si = di = 0  # running indexes of areas, communities, streets, districts
    for c, nd in enumerate(city_sizes):
        city = f"ct{c}"
        t.add(city, "prov", 1, f"市{c}")
        for _ in range(nd):
            dist = f"d{di}"
            t.add(dist, city, 2, f"区{di}")
            for _ in range(district_sizes[di]):
                st = f"s{si}"
                t.add(st, dist, 3, f"街道{si}")
                for _ in range(street_sizes[si]):
                    cm = f"cm{ci}"
                    t.add(cm, st, 4, f"社区{ci}")
                    for a in range(comm_sizes[ci]):
                        area = f"{cm}-a{a + 1}"
                        t.add(area, cm, 5)
                        for k in range(area_sizes[ai]):
                            t.add(f"{area}-{k + 1:02d}", area, 6)
                        ai += 1
                    ci += 1
                si += 1
            di += 1
    return t


def real_tree(path):
    """The 2021 national division table plus areas and cells below each community (deterministic)."""
    tiers = ["nation", "province", "prefecture", "county", "township", "community", "area", "cell"]
    t = Tree(tiers)
    t.add("cn", None, 0, "中华人民共和国")
    with gzip.open(path, "rt", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    rows.sort(key=lambda r: (int(r["level"]), r["code"]))
    parents = {r["parent_code"] for r in rows}
    for r in rows:
        lvl = int(r["level"])
        parent = r["parent_code"] or "cn"
        t.add(r["code"], parent, lvl, r["name"])
        if lvl < 5 and r["code"] not in parents:
            # A unit of the table without children (e.g. a 市辖区 county placeholder): every leaf must be a
            # cell, so it gets one cell directly below it (tiers may be skipped).
            t.add(f"{r['code']}-x1", r["code"], 7)
        if lvl == 5:
            h = zlib.crc32(r["code"].encode())
            for a in range(1 + h % 2):
                area = f"{r['code']}-a{a + 1}"
                t.add(area, r["code"], 6)
                for k in range(1 + (h >> (4 + 2 * a)) % 3):
                    t.add(f"{area}-{k + 1}", area, 7)
    return t


# ---------------------------------------------------------------------------------------------------
# Handlers


def make_handlers(rng, t):
    """Returns (json_handlers, csv_rows). Tier indexes are relative to the bottom three (community, area,
    cell) and the ones above them."""
    nt = len(t.tiers)
    COMM, AREA, CELL = nt - 3, nt - 2, nt - 1
    root = t.by_tier[0][0]
    children = {}
    for uid, parent, tier, _ in t.rows:
        if tier >= AREA:
            children.setdefault(parent, []).append(uid)
    json_handlers = [{"id": f"dept-{d}", "role": "partner_department", "department": d, "serves": [root],
                      "calendar": "gov"} for d in DEPARTMENTS]
    rows = []
    # Departments per unit of tier 2 (district / prefecture) for half of the departments.
    for u in t.by_tier[2]:
        for d in DEPARTMENTS[::2]:
            rows.append((f"dept-{d}-{u}", "partner_department", d, u, "", ""))
    # Street / township tier (COMM - 1): an enforcement squad and a mediator each.
    for u in t.by_tier[COMM - 1]:
        rows.append((f"squad-{u}", "enforcement_squad", "", u, "", "allday" if rng.random() < 0.2 else ""))
        if rng.random() < 0.6:
            rows.append((f"mediator-{u}", "mediator", "", u, "", ""))
    for u in t.by_tier[COMM]:
        rows.append((f"council-{u}", "resident_council", "", u, "", ""))
        r = rng.random()
        if r < 0.15:  # a squad posted to the community (the street's squad becomes the fallback)
            rows.append((f"squad-{u}", "enforcement_squad", "", u, "", ""))
        elif r < 0.2:  # a relief council: an alternate
            rows.append((f"council-{u}-2", "resident_council", "", u, "", ""))
    pm = 0
    for a in t.by_tier[AREA]:
        cells = children.get(a, [])
        if rng.random() < 0.3:
            rows.append((f"gw-{a}", "grid_worker", "", a, "", ""))
        if rng.random() < 0.3:
            rows.append((f"hsl-{a}", "peacemaker", "", a, "", ""))
        i = 0
        while i < len(cells):
            n = rng.randint(1, 6)
            if rng.random() < 0.75:  # an estate with a property manager
                rows.append((f"pm-{pm}", "property_manager", "", ";".join(cells[i:i + n]), "", ""))
                pm += 1
            i += n
    return json_handlers, rows


# ---------------------------------------------------------------------------------------------------
# Rules

ROLE_REFS = ["resident_council", "property_manager", "enforcement_squad", "peacemaker", "mediator",
             "grid_worker"]
RESPOND = ["30m", "1h", "2h", "1wh", "2wh", "4wh", "1d"]
RESOLVE = ["4h", "1d", "1wd", "2wd", "3wd", "5wd", "10wd"]


def role_ref(rng):
    if rng.random() < 0.3:
        return {"role": "partner_department", "department": rng.choice(DEPARTMENTS)}
    return rng.choices(ROLE_REFS, weights=[4, 4, 3, 1, 1, 1])[0]


def leaf_condition(rng):
    r = rng.random()
    if r < 0.25:
        return {"attr": "severity", rng.choice(["ge", "gt", "lt", "le"]): rng.randint(1, 5)}
    if r < 0.45:
        return {"attr": "private_property", "eq": rng.random() < 0.6}
    if r < 0.6:
        return {"attr": "channel", rng.choice(["eq", "ne"]): rng.choice(CHANNELS)}
    if r < 0.7:
        return {"attr": "channel", "in": sorted(rng.sample(CHANNELS, rng.randint(2, 3)))}
    if r < 0.8:
        return {"attr": "households", "gt": rng.choice([10, 20, 50, 100])}
    if r < 0.88:
        return {"attr": "floor", rng.choice(["le", "gt"]): rng.choice([2, 6, 10])}
    if r < 0.95:
        return {"attr": "elderly", "eq": True}
    return {"attr": "households", "exists": rng.random() < 0.5}


def condition(rng):
    r = rng.random()
    if r < 0.40:
        return None
    if r < 0.68:
        return leaf_condition(rng)
    if r < 0.83:
        return {"all": [leaf_condition(rng), leaf_condition(rng)]}
    if r < 0.91:
        return {"any": [leaf_condition(rng), leaf_condition(rng)]}
    if r < 0.94:
        return {"not": leaf_condition(rng)}
    if r < 0.97:
        b = rng.choice(["17:00", "20:00", "21:30", "22:00"])
        e = rng.choice(["06:00", "06:30", "07:00"])
        return {"local_time": [b, e]}
    return {"workday": rng.random() < 0.5}


def make_rules(rng, t, n_rules):
    cats = categories()
    nt = len(t.tiers)
    # Scope tier weights: the root and upper tiers are rare, communities, areas and cells common.
    weights = [1.0] * nt
    weights[0] = 0.5
    weights[nt - 3] = 30   # community
    weights[nt - 2] = 22   # area
    weights[nt - 1] = 20   # cell
    weights[nt - 4] = 12   # street / township
    rules = []
    for g in GROUPS:  # a root baseline per group: every issue has an owner
        rules.append({"id": f"base-{g}", "categories": [f"{g}.*"],
                      "route": [{"role": "partner_department", "department": DEPARTMENTS[GROUPS.index(g) % 12]}],
                      "sla": {"respond": "4wh", "resolve": "5wd"}})
    rules.append({"id": "triage", "priority": -100, "categories": ["*"], "route": ["resident_council"]})
    n = 0
    while len(rules) < n_rules:
        n += 1
        tier = rng.choices(range(nt), weights=weights)[0]
        units = t.by_tier[tier]
        scope = units[rng.randrange(len(units))]
        r = rng.random()
        g = rng.choice(GROUPS)
        s = rng.randint(1, SUBGROUPS)
        if r < 0.55:
            pats = [f"{g}.s{s}.k{rng.randint(1, LEAVES)}"]
        elif r < 0.80:
            pats = sorted({f"{g}.s{rng.randint(1, SUBGROUPS)}.k{rng.randint(1, LEAVES)}"
                           for _ in range(rng.randint(2, 4))})
        elif r < 0.92:
            pats = [f"{g}.s{s}.*"]
        elif r < 0.98:
            pats = [f"{g}.*"]
        elif r < 0.995:
            pats = sorted({rng.choice(cats) for _ in range(rng.randint(2, 5))})
        else:
            pats = ["*"]
        p = rng.random()
        prio = rng.randint(1, 10) if p < 0.7 else 0 if p < 0.9 else rng.randint(11, 50)
        rule = {"id": f"r{n}"}
        if prio:
            rule["priority"] = prio
        if tier:
            rule["scope"] = scope
        rule["categories"] = pats
        c = condition(rng)
        if c is not None:
            rule["when"] = c
        rule["route"] = [role_ref(rng) for _ in range(rng.choices([1, 2, 3], weights=[5, 3, 1])[0])]
        if rng.random() < 0.3:
            rule["assist"] = [role_ref(rng) for _ in range(rng.randint(1, 2))]
        if rng.random() < 0.6:
            rule["sla"] = {"respond": rng.choice(RESPOND), "resolve": rng.choice(RESOLVE)}
        e = rng.random()
        if e < 0.2:
            rule["escalation"] = "urgent"
        elif e < 0.4:
            rule["escalation"] = "neighbourhood"
        if rng.random() < 0.1:
            rule["calendar"] = "allday"
        rules.append(rule)
    return rules


def rules_doc(t, rules):
    nt = len(t.tiers)
    street, comm, top = t.tiers[nt - 4], t.tiers[nt - 3], t.tiers[2]
    holidays = ["2026-01-01", "2026-02-16", "2026-02-17", "2026-02-18", "2026-02-19", "2026-02-20",
                "2026-04-06", "2026-05-01", "2026-05-04", "2026-05-05", "2026-06-19", "2026-09-25",
                "2026-10-01", "2026-10-02", "2026-10-05", "2026-10-06", "2026-10-07", "2027-01-01"]
    return {
        "format": "gridroute.rules/1",
        "roles": ["peacemaker", "mediator", "grid_worker"],
        "attributes": ATTRS,
        "categories": [{"code": c} for c in categories()],
        "calendars": [
            {"id": "gov", "timezone": "Asia/Shanghai", "weekdays": [1, 2, 3, 4, 5],
             "hours": [["08:30", "12:00"], ["14:00", "17:30"]], "holidays": holidays,
             "workdays": ["2026-02-14", "2026-02-28", "2026-09-27", "2026-10-10"]},
            {"id": "allday", "timezone": "Asia/Shanghai", "weekdays": [1, 2, 3, 4, 5, 6, 7],
             "hours": [["00:00", "24:00"]], "holidays": [], "workdays": []},
            {"id": "extended", "timezone": "Asia/Shanghai", "weekdays": [1, 2, 3, 4, 5, 6],
             "hours": [["08:00", "20:00"]], "holidays": holidays[:6], "workdays": []},
        ],
        "defaults": {"calendar": "gov", "sla": {"respond": "2wh", "resolve": "3wd"}, "escalation": "standard"},
        "rules": rules,
        "escalation_policies": [
            {"id": "standard", "levels": [
                {"name": "grid"},
                {"name": "community", "tier": comm, "route": ["resident_council"], "resolve": "2wd"},
                {"name": "street", "tier": street, "route": ["enforcement_squad", "mediator"], "resolve": "3wd"},
                {"name": "joint", "tier": top, "route": [{"role": "partner_department", "department": "urban_mgmt"}],
                 "resolve": "5wd"}],
             "repeat_reports": 3, "rating_below": 3, "severity_skip": {"at_least": 5, "to_level": 2}},
            {"id": "urgent", "levels": [
                {"name": "first"},
                {"name": "street", "tier": street, "route": ["enforcement_squad"], "respond": "30m", "resolve": "4h"},
                {"name": "joint", "tier": top, "route": [{"role": "partner_department", "department": "police"}],
                 "respond": "30m", "resolve": "1d"}],
             "repeat_reports": 2, "rating_below": 3},
            {"id": "neighbourhood", "levels": [
                {"name": "grid"},
                {"name": "community", "tier": comm, "route": ["resident_council"], "resolve": "3wd"},
                {"name": "street", "tier": street, "route": ["mediator", "enforcement_squad"], "resolve": "5wd"}],
             "repeat_reports": 4, "rating_below": 2},
        ],
    }


# ---------------------------------------------------------------------------------------------------
# Streams

BASE_DAY = 20405  # 2026-11-13 (days since 1970-01-01), a Friday; issues span the 10 days before NOW


def fmt_time(minute):
    """Minutes after 2026-11-13T00:00 local (+08:00), as RFC 3339."""
    d, m = divmod(minute, 1440)
    day = 13 + d  # November 2026 has 30 days; the span stays within it
    return f"2026-11-{day:02d}T{m // 60:02d}:{m % 60:02d}:00+08:00"


def attrs_text(rng):
    parts = [f'"severity":{rng.choices((1, 2, 3, 4, 5), weights=(30, 30, 20, 12, 8))[0]}',
             '"private_property":' + ("true" if rng.random() < 0.35 else "false"),
             f'"channel":"{CHANNELS[rng.randrange(len(CHANNELS))]}"']
    if rng.random() < 0.5:
        parts.append(f'"households":{rng.randint(1, 200)}')
    if rng.random() < 0.4:
        parts.append(f'"floor":{rng.randint(1, 30)}')
    if rng.random() < 0.2:
        parts.append('"elderly":true')
    return "{" + ",".join(parts) + "}"


def write_streams(rng, out, t, n_issues, n_cases):
    cats = categories()
    cells = t.by_tier[-1]
    per_group = SUBGROUPS * LEAVES
    gw = [1.0 / (g + 1) ** 0.8 for g in range(len(GROUPS))]  # Zipf-like group popularity
    groups = rng.choices(range(len(GROUPS)), weights=gw, k=max(n_issues, n_cases))
    span = 10 * 1440 + 600  # up to NOW (2026-11-23T10:00)
    with open(os.path.join(out, "issues.jsonl"), "w") as f:
        buf = []
        for i in range(n_issues):
            cat = cats[groups[i] * per_group + rng.randrange(per_group)]
            cell = cells[rng.randrange(len(cells))]
            buf.append(f'{{"id":"I{i + 1}","category":"{cat}","cell":"{cell}","at":"{fmt_time(rng.randrange(span))}",'
                       f'"attrs":{attrs_text(rng)}}}\n')
            if len(buf) >= 65536:
                f.write("".join(buf))
                buf.clear()
        f.write("".join(buf))
    with open(os.path.join(out, "cases.jsonl"), "w") as f:
        buf = []
        for i in range(n_cases):
            cat = cats[groups[i] * per_group + rng.randrange(per_group)]
            cell = cells[rng.randrange(len(cells))]
            at = rng.randrange(span)
            level = rng.choices((0, 1, 2), weights=(70, 20, 10))[0]
            started = at if level == 0 else rng.randint(at, span - 1)
            resolved = rng.random() < 0.15
            tail = f',"rating":{rng.randint(1, 5)}' if resolved and rng.random() < 0.8 else ""
            buf.append(f'{{"id":"C{i + 1}","category":"{cat}","cell":"{cell}","at":"{fmt_time(at)}",'
                       f'"attrs":{attrs_text(rng)},"level":{level},"level_started_at":"{fmt_time(started)}",'
                       f'"responded":{"true" if rng.random() < 0.5 else "false"},'
                       f'"reports":{rng.choices((0, 1, 2, 3, 4), weights=(60, 20, 10, 6, 4))[0]},'
                       f'"status":"{"resolved" if resolved else "open"}"{tail}}}\n')
            if len(buf) >= 65536:
                f.write("".join(buf))
                buf.clear()
        f.write("".join(buf))


# ---------------------------------------------------------------------------------------------------


def write_bundle(out, name, t, json_handlers, handler_rows, rules):
    os.makedirs(out, exist_ok=True)
    root = t.rows[0]
    with open(os.path.join(out, "units.csv"), "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["id", "parent", "tier", "name"])
        tiers = t.tiers
        w.writerows((u, p, tiers[k], n) for u, p, k, n in t.rows[1:])
    with open(os.path.join(out, "handlers.csv"), "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["id", "role", "department", "serves", "name", "calendar"])
        w.writerows(handler_rows)
    jur = {"format": "gridroute.jurisdiction/1", "name": name, "timezone": "Asia/Shanghai", "tiers": t.tiers,
           "units": [{"id": root[0], "tier": t.tiers[0], "name": root[3]}], "units_csv": "units.csv",
           "handlers_csv": "handlers.csv", "handlers": json_handlers}
    with open(os.path.join(out, "jurisdiction.json"), "w", encoding="utf-8") as f:
        json.dump(jur, f, ensure_ascii=False, indent=1)
    with open(os.path.join(out, "rules.json"), "w", encoding="utf-8") as f:
        f.write(json.dumps({k: v for k, v in rules_doc(t, []).items() if k != "rules"}, ensure_ascii=False,
                           indent=1)[:-2])
        f.write(',\n "rules": [\n  ' + ",\n  ".join(json.dumps(r, separators=(",", ":")) for r in rules) + "\n ]\n}\n")
    with open(os.path.join(out, "NOW.txt"), "w") as f:
        f.write(NOW + "\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("kind", choices=["synth", "real"])
    ap.add_argument("outdir")
    ap.add_argument("--size", choices=list(SIZES), default="S")
    ap.add_argument("--cells", type=int, help="override the size's cell count")
    ap.add_argument("--admin", default=os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                                    "../../shared/data/cn_admin_divisions_2021.csv.gz"))
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--rules", type=int, default=5000)
    ap.add_argument("--issues", type=int)
    ap.add_argument("--cases", type=int)
    a = ap.parse_args()
    rng = random.Random(a.seed)
    if a.kind == "synth":
        cells = a.cells or SIZES[a.size]
        t = synth_tree(rng, cells)
        name = f"synthetic {a.size} ({cells} cells, seed {a.seed})"
        n_issues = a.issues if a.issues is not None else DEFAULT_ISSUES[a.size]
        n_cases = a.cases if a.cases is not None else DEFAULT_CASES[a.size]
    else:
        t = real_tree(a.admin)
        name = "China 2021 administrative divisions + synthetic areas and cells"
        n_issues = a.issues if a.issues is not None else 1_000_000
        n_cases = a.cases if a.cases is not None else 1_000_000
    json_handlers, handler_rows = make_handlers(rng, t)
    rules = make_rules(rng, t, a.rules)
    write_bundle(a.outdir, name, t, json_handlers, handler_rows, rules)
    write_streams(rng, a.outdir, t, n_issues, n_cases)
    meta = {"kind": a.kind, "size": a.size if a.kind == "synth" else "real", "seed": a.seed,
            "tiers": t.tiers, "units": len(t.rows), "units_by_tier": {t.tiers[i]: len(x) for i, x in enumerate(t.by_tier)},
            "cells": len(t.by_tier[-1]), "handlers": len(json_handlers) + len(handler_rows), "rules": len(rules),
            "categories": len(categories()), "issues": n_issues, "cases": n_cases, "now": NOW}
    with open(os.path.join(a.outdir, "meta.json"), "w") as f:
        json.dump(meta, f, indent=1)
    print(json.dumps(meta))


if __name__ == "__main__":
    main()
