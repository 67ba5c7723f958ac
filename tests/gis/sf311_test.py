#!/usr/bin/env python3
"""The San Francisco 311 bundle of examples/sf311 (examples/sf311/README.md), built from the public data and run.

examples/sf311/make_bundle.py builds the bundle from shared/data: the city, its supervisor districts and
the part of each neighbourhood in each district as cells (given by id: there are no polygons), the work
queues as handlers, the queues of one service that split the city among themselves (Rec and Park service
areas, sign shops, PG&E and PUC streetlights, the Housing Authority's estates) serving the districts and
cells they took most of; rules by category and complaint type, and rules scoped to the cells where the Port
takes a category. This routes every request by its cell and

- checks each decision against the contract (SPEC §3.3, §3.4, §6.4) computed here independently;
- compares the handler with the queue the city recorded (`agency_name`), with and without the
  area-specific queues (make_bundle.py --citywide), and says where they differ;
- checks the lint, that the compiled file and --threads 2 answer byte for byte as the directory, the
  bundle's tests.jsonl (gridroute test), and what gridroute diff says between the two variants: the
  lines whose owner is now below the city, and the Port's scoped rules as the only rule moves.

Usage: sf311_test.py --bin GRIDROUTE --shared SHARED_DIR
"""
import collections
import datetime
import json
import os
import re
import subprocess
import sys
import tempfile
import zoneinfo

import city311

HERE = os.path.dirname(os.path.abspath(__file__))
MAKE = os.path.join(HERE, "..", "..", "examples", "sf311", "make_bundle.py")
AREA_DEPARTMENTS = {"rpd_nsa", "dpt_signshop", "streetlights"}  # and the Housing Authority (property_manager)
AGENCIES = [(r"DPW", "DPW"), (r"PUC", "PUC"), (r"DPT|SFMTA|MUNI|Parking Enforcement", "SFMTA"),
            (r"RPD|Rec and Park", "RPD"), (r"Recology", "Recology"), (r"DBI", "DBI"), (r"DPH", "DPH")]


def agency(queue):
    for pattern, name in AGENCIES:
        if re.match(pattern, queue):
            return name
    return queue


class Contract:
    """What SPEC §3.3 (rules without conditions, as make_bundle.py writes them), §3.4
    (working days of one calendar without holidays) and §6.4 give for an issue of the bundle."""

    def __init__(self, bundle):
        with open(os.path.join(bundle, "jurisdiction.json"), encoding="utf-8") as f:
            j = json.load(f)
        with open(os.path.join(bundle, "rules.json"), encoding="utf-8") as f:
            self.r = json.load(f)
        self.parent = {u["id"]: u.get("parent") for u in j["units"]}
        self.handlers = {h["id"]: h for h in j["handlers"]}
        self.at = collections.defaultdict(list)  # (role, department, unit) -> handler ids in file order
        for h in j["handlers"]:
            for u in h["serves"]:
                self.at[(h["role"], h.get("department"), u)].append(h["id"])
        self.zone = zoneinfo.ZoneInfo(j["timezone"])
        cal = self.r["calendars"][0]
        assert cal["weekdays"] == [1, 2, 3, 4, 5] and not cal["holidays"] and not cal["workdays"]
        self.closing = datetime.time.fromisoformat(cal["hours"][-1][1])

    def resolve(self, ref, cell):
        role, dept = (ref, None) if isinstance(ref, str) else (ref["role"], ref.get("department"))
        u = cell
        while u:
            hs = self.at.get((role, dept, u))
            if hs:
                return hs[0], u, hs[1:]
            u = self.parent[u]
        return None

    def specificity(self, pattern):
        if pattern == "*":
            return (0, 0)
        return (2, 0) if not pattern.endswith(".*") else (1, pattern.count("."))

    def matches(self, pattern, code):
        return pattern == "*" or pattern == code or (pattern.endswith(".*") and (
            code == pattern[:-2] or code.startswith(pattern[:-1])))

    def due(self, start, n):
        day = start.date()
        while n:
            day += datetime.timedelta(days=1)
            n -= day.isoweekday() <= 5
        return datetime.datetime.combine(day, self.closing, self.zone).isoformat()

    def decide(self, issue):
        start = datetime.datetime.fromisoformat(issue["at"]).replace(tzinfo=self.zone)
        applicable = []
        ancestors = [issue["cell"]]
        while self.parent[ancestors[-1]]:
            ancestors.append(self.parent[ancestors[-1]])
        for i, rule in enumerate(self.r["rules"]):
            assert "when" not in rule
            scope = rule.get("scope", ancestors[-1])
            best = max((self.specificity(p) for p in rule["categories"] if self.matches(p, issue["category"])), default=None)
            if best is not None and scope in ancestors:
                depth = len(ancestors) - 1 - ancestors.index(scope)
                applicable.append((-rule.get("priority", 0), -depth) + tuple(-x for x in best) + (i,))
        sla = self.r["defaults"]["sla"]
        deadlines = {"respond_by": self.due(start, int(sla["respond"][:-2])),
                     "resolve_by": self.due(start, int(sla["resolve"][:-2]))}
        for key in sorted(applicable):
            rule = self.r["rules"][key[-1]]
            for ref in rule["route"]:
                found = self.resolve(ref, issue["cell"])
                if found:
                    return dict(rule=rule["id"], handler=found[0], unit=found[1], alternates=found[2], **deadlines)
        root = [u for u, p in self.parent.items() if p is None][0]
        return dict(rule=None, fallback=True, handler=self.r["defaults"]["fallback"], unit=root, alternates=[], **deadlines)


run = city311.run


def main():
    a = city311.args()
    failures = []
    with tempfile.TemporaryDirectory() as tmp:
        bundle, citywide = os.path.join(tmp, "sf311"), os.path.join(tmp, "sf311-citywide")
        for out, extra in ((bundle, []), (citywide, ["--citywide"])):
            made = run(sys.executable, MAKE, os.path.join(a.shared, "data"), out, *extra)
            if made.returncode != 0:
                print(made.stderr)
                return 1
            print("[ sf311 ] " + made.stderr.strip())

        # ---- lint: no warning; a note for each category the fallback owner takes
        check = run(a.bin, "check", bundle, "--strict")
        summary = [l for l in check.stdout.splitlines() if ": ok — " in l]
        print("[ sf311 ] check: exit %d; %s" % (check.returncode, summary[0] if summary else check.stdout[-300:]))
        if check.returncode != 0 or "warning:" in check.stdout:
            failures.append("check --strict: exit %d: %s" % (check.returncode, (check.stdout + check.stderr)[-600:]))
        if "taken by the fallback owner '311_supervisor' (defaults.fallback)" not in check.stdout:
            failures.append("check does not say that the fallback takes the rare categories")
        if not re.search(r"no rule routes category 'sfha_requests\.electrical' in \d+ cells", check.stdout):
            failures.append("check does not say that the Housing Authority's requests outside its estates go to the fallback")

        # ---- route; the compiled file and two threads answer byte for byte the same
        issues = os.path.join(bundle, "issues.jsonl")
        route = run(a.bin, "route", bundle, issues, "--quiet")
        grb = os.path.join(tmp, "sf311.grb")
        subprocess.run([a.bin, "compile", bundle, "-o", grb, "--quiet"], check=True)
        if run(a.bin, "route", grb, issues, "--quiet").stdout != route.stdout:
            failures.append("the compiled file answers otherwise than the directory")
        if run(a.bin, "route", bundle, issues, "--quiet", "--threads", "2").stdout != route.stdout:
            failures.append("--threads 2 answers otherwise than one thread")

        # ---- the bundle's own expectations
        tested = run(a.bin, "test", bundle, os.path.join(bundle, "tests.jsonl"))
        last = tested.stdout.strip().splitlines()[-1] if tested.stdout.strip() else tested.stderr.strip()
        print("[ sf311 ] gridroute test: exit %d; %s" % (tested.returncode, last))
        if tested.returncode != 0 or not re.fullmatch(r"\d+ passed, 0 failed", last):
            failures.append("gridroute test: " + tested.stdout[-1500:])

        # ---- every decision as the contract gives it
        with open(issues, encoding="utf-8") as f:
            asked = [json.loads(l) for l in f]
        answers = [json.loads(l) for l in route.stdout.splitlines()]
        if len(answers) != len(asked):
            failures.append("%d answers for %d issues" % (len(answers), len(asked)))
        contract = Contract(bundle)
        status = collections.Counter()
        wrong = []
        for q, d in zip(asked, answers):
            status[d["status"] + (" by the fallback" if d.get("fallback") else "")] += 1
            want = contract.decide(q)
            got = {k: d.get(k) for k in want}
            if d["id"] != q["id"] or got != want:
                wrong.append((q["id"], got, want))
        print("[ sf311 ] %d requests: %s; %d decided otherwise than the contract gives" % (
            len(asked), dict(status), len(wrong)))
        for w in wrong[:5]:
            failures.append("issue %s: gridroute %s, the contract %s" % w)

        # ---- the queue the city recorded, with and without area-specific queues
        family_queues = collections.defaultdict(set)  # an area service's department -> its queues
        with open(os.path.join(bundle, "jurisdiction.json"), encoding="utf-8") as f:
            for h in json.load(f)["handlers"]:
                family_queues[h.get("department", h["role"])].add(h["name"])

        def compare(b, decisions):
            with open(os.path.join(b, "jurisdiction.json"), encoding="utf-8") as f:
                handlers = {h["id"]: h for h in json.load(f)["handlers"]}
            c = collections.Counter()
            for q, d in zip(asked, decisions):
                h = handlers[d["handler"]]
                family = h.get("department", h["role"])
                family = family if family in AREA_DEPARTMENTS or family == "property_manager" else "other"
                got, want = h["name"], q["expect_queue"]
                how = ("queue" if got == want else "alternate" if want in [handlers[x]["name"] for x in d["alternates"]]
                       else "miss")
                c[how] += 1
                c[(family, how)] += 1
                c[(q["at"][:4], how)] += 1
                if how == "miss":
                    c[("why", "the city's 311 queues" if want.startswith("311 ") else
                       "the fallback, the city an agency" if d.get("fallback") else
                       "the sign shops' citywide queues of 2018-2019"
                       if want in ("DPT SignShop Queue", "DPT SignShop Repair Queue") and q["at"] >= "2018" else
                       "another queue of the area service" if want in family_queues.get(family, ()) else
                       "another queue of the same agency" if agency(got) == agency(want) else
                       "another agency")] += 1
            return c

        city_route = run(a.bin, "route", citywide, issues, "--quiet")
        area, city = compare(bundle, answers), compare(citywide, [json.loads(l) for l in city_route.stdout.splitlines()])
        n = len(asked)
        for name, c in (("with area-specific queues", area), ("citywide queues only", city)):
            print("[ sf311 ] the queue the city recorded, %s: %d of %d (%.2f%%); or an alternate: %d (%.2f%%)" % (
                name, c["queue"], n, 100 * c["queue"] / n, c["queue"] + c["alternate"],
                100 * (c["queue"] + c["alternate"]) / n))
        for family in sorted(AREA_DEPARTMENTS | {"property_manager"}):
            total = lambda c: sum(c[(family, h)] for h in ("queue", "alternate", "miss"))
            print("[ sf311 ]   %-16s %4d requests: the queue %4d (citywide only %4d), an alternate %3d (%3d)" % (
                family, total(area), area[(family, "queue")], city[(family, "queue")], area[(family, "alternate")],
                city[(family, "alternate")]))
        years = sorted({k[0] for k in area if isinstance(k, tuple) and re.fullmatch(r"\d{4}", k[0])})
        print("[ sf311 ] the queue by year: " + ", ".join(
            "%s %.1f%%" % (y, 100 * area[(y, "queue")] / sum(area[(y, h)] for h in ("queue", "alternate", "miss")))
            for y in years))
        print("[ sf311 ] the %d misses: %s" % (area["miss"], ", ".join(
            "%s %d" % (k[1], v) for k, v in sorted(area.items(), key=lambda x: -x[1])
            if isinstance(k, tuple) and k[0] == "why")))
        if area["queue"] / n < 0.77:
            failures.append("queue agreement %.4f < 0.77" % (area["queue"] / n))
        if area["queue"] - city["queue"] < 0.04 * n:
            failures.append("the area-specific queues add only %d requests" % (area["queue"] - city["queue"]))

        # ---- gridroute diff between the two variants: only the owners of the area services move, to a
        # district or a cell, within their department
        summary_file = os.path.join(tmp, "diff.json")
        diff = run(a.bin, "diff", citywide, bundle, issues, "--summary", summary_file)
        print("[ sf311 ] gridroute diff citywide -> area-specific: " + " | ".join(
            l.strip() for l in diff.stderr.strip().splitlines()[:4]))
        changed = [json.loads(l) for l in diff.stdout.splitlines()]
        moved_down = {d["id"] for d in answers if d["unit"] != "sf"}
        if {c["id"] for c in changed} != moved_down:
            failures.append("diff: %d lines changed, %d decisions of the area bundle are owned below the city"
                            % (len(changed), len(moved_down)))
        scoped = collections.Counter()  # the Port's scoped rules: the only rule moves
        for c in changed:
            to_port = "%s@%s" % (c["old"]["rule"], c["new"]["unit"]) == c["new"]["rule"]
            scoped[(c["old"]["rule"], c["new"]["rule"])] += to_port
            same_department = c["old"].get("department") == c["new"].get("department")
            if not set(c["changed"]) <= {"handler", "unit", "alternates"} | ({"rule", "department"} if to_port else set()) \
                    or (not to_port and not same_department) or c["old"]["role"] != c["new"]["role"]:
                failures.append("diff: line %s changed %s" % (c["id"], c["changed"]))
                break
        with open(summary_file, encoding="utf-8") as f:
            s = json.load(f)
        if s["lines"] != n or s["changed"] != len(changed) or \
                {(m["from"], m["to"]): m["count"] for m in s["rule_moves"]} != {k: v for k, v in scoped.items() if v} or \
                sum(m["count"] for m in s["tier_moves"]) != len(changed):
            failures.append("diff summary: " + json.dumps(s)[:600])
    for f in failures:
        print("FAIL: " + f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
