"""Random small bundles, issues and cases for differential testing (seeded, reproducible).

Every generated bundle and line is meant to be valid per SPEC.md: the point is to compare
semantics, not error messages.
"""
import datetime as dt
import json
import os
import random

import gridref

ZONES = ["Asia/Shanghai", "Asia/Shanghai", "Europe/Berlin", "America/New_York", "Asia/Kolkata", "UTC",
         "America/Santiago", "Australia/Lord_Howe"]
DEPTS = ["police", "fire", "housing", "gas"]
CUSTOM_ROLES = ["mediator", "center"]
CODES = ["env.noise.loud", "env.noise.night", "env.green", "nuisance.dog", "nuisance.junk.passage",
         "safety.ebike", "safety", "civic.cert"]
PATTERNS = ["*", "env.*", "env.noise.*", "env.noise.loud", "env.green", "nuisance.*", "nuisance.junk.*",
            "nuisance.dog", "safety.*", "safety", "safety.ebike", "civic.*", "civic.cert", "env.noise.night"]
ATTRS = {"severity": "number", "private": "bool", "channel": "string", "households": "number"}
CHANNELS = ["hotline", "app", "walkin"]
# dates the cases and issues live around (DST changes of 2026 included)
BASE_DATES = [dt.date(2026, 3, 6), dt.date(2026, 3, 27), dt.date(2026, 4, 3), dt.date(2026, 9, 28),
              dt.date(2026, 10, 23), dt.date(2026, 10, 30), dt.date(2026, 12, 28), dt.date(2026, 11, 20),
              dt.date(2026, 9, 4), dt.date(2026, 10, 2)]
# the edges of the years 2000-2099 (a counting that starts in them, or runs out of them)
EDGE_DATES = [dt.date(2099, 12, 27), dt.date(1999, 12, 27), dt.date(2099, 10, 22), dt.date(2000, 3, 24)]


def pattern_matches(p, code):
    return gridref.pattern_spec(p, code) is not None


class Gen:
    def __init__(self, seed):
        self.r = random.Random(seed)
        self.seed = seed
        self.local_times = False
        self.no_severity = False

    # -- durations, times ----------------------------------------------------------------------
    def dur(self):
        r = self.r
        u = r.choice(["m", "h", "d", "wh", "wh", "wd", "wd"])
        n = {"m": r.choice([1, 15, 30, 90]), "h": r.choice([1, 2, 4, 24]), "d": r.choice([1, 2]),
             "wh": r.choice([1, 2, 3, 4, 8, 13, 40, 2000]), "wd": r.choice([1, 1, 2, 3, 5, 20, 260])}[u]
        return "%d%s" % (n, u)

    def sla(self):
        s = {}
        if self.r.random() < 0.7:
            s["respond"] = self.dur()
        if self.r.random() < 0.7:
            s["resolve"] = self.dur()
        return s

    def hhmm(self, m):
        return "%02d:%02d" % (m // 60, m % 60)

    # -- the bundle -------------------------------------------------------------------------------
    def bundle(self):
        r = self.r
        self.tz = r.choice(ZONES)
        self.dates = BASE_DATES if r.random() < 0.85 else [r.choice(EDGE_DATES)]
        tiers = r.choice([["town", "community", "area", "cell"], ["community", "area", "cell"],
                          ["district", "town", "community", "area", "cell"]])
        self.tiers = tiers
        units = []
        root = {"id": "root", "tier": tiers[0]}
        units.append(root)
        ncomm = r.randint(1, 3)
        comms = []
        for i in range(ncomm):
            # the community's parent: the root, or an intermediate tier when there is one
            parent = "root"
            if tiers[0] == "community":
                cid = "root"
                comms.append(cid)
                break
            if len(tiers) == 5 and r.random() < 0.6:
                mid = "t%d" % r.randint(0, 1)
                if not any(u["id"] == mid for u in units):
                    units.append({"id": mid, "tier": "town", "parent": "root"})
                parent = mid
            cid = "c%d" % i
            units.append({"id": cid, "tier": "community", "parent": parent})
            comms.append(cid)
        cells = []
        for cid in comms:
            if r.random() < 0.25:
                # cells directly under the community
                for j in range(r.randint(1, 2)):
                    units.append({"id": "%s-%d" % (cid, j), "tier": "cell", "parent": cid})
                    cells.append("%s-%d" % (cid, j))
            else:
                for a in range(r.randint(1, 2)):
                    aid = "%s-a%d" % (cid, a)
                    units.append({"id": aid, "tier": "area", "parent": cid})
                    for j in range(r.randint(1, 2)):
                        units.append({"id": "%s-%d" % (aid, j), "tier": "cell", "parent": aid})
                        cells.append("%s-%d" % (aid, j))
        for u in units:
            if u["tier"] == "cell" and r.random() < 0.3:
                u["estate"] = "e%d" % r.randint(1, 3)
        self.units = units
        self.cells = cells
        unit_ids = [u["id"] for u in units]

        # calendars
        cals = []
        for k in range(r.randint(0, 3)):
            cal = {"id": "cal%d" % k}
            if r.random() < 0.6:
                cal["timezone"] = r.choice(ZONES)
            wd = r.choice([[1, 2, 3, 4, 5], [1, 2, 3, 4, 5, 6], [1, 2, 3, 4, 5, 6, 7], [2, 4], [6, 7]])
            if r.random() < 0.05:
                wd = []
            cal["weekdays"] = wd
            kind = r.random()
            if kind < 0.2:
                hours = [["00:00", "24:00"]]
            elif kind < 0.3:
                hours = [["08:00", "12:00"], ["12:00", "13:00"]]
            elif kind < 0.4:
                hours = [["00:00", "02:30"], ["03:00", "04:00"], ["22:00", "24:00"]]
            else:
                marks = sorted(r.sample(range(0, 24 * 4 + 1), 2 * r.randint(1, 3)))
                marks = [m * 15 for m in marks]
                hours = [[self.hhmm(marks[i]), self.hhmm(marks[i + 1])] for i in range(0, len(marks), 2)]
            cal["hours"] = hours
            hol, wk = [], []
            for _ in range(r.randint(0, 5)):
                d = r.choice(self.dates) + dt.timedelta(days=r.randint(-3, 10))
                hol.append(d.isoformat())
            for _ in range(r.randint(0, 3)):
                d = r.choice(self.dates) + dt.timedelta(days=r.randint(-3, 10))
                wk.append(d.isoformat())
            if not wd and not wk:
                wk.append(self.dates[0].isoformat())
            if hol or r.random() < 0.5:
                cal["holidays"] = sorted(set(hol))
            if wk or r.random() < 0.5:
                cal["workdays"] = sorted(set(wk))
            cals.append(cal)
        cal_ids = [c["id"] for c in cals]
        self.cal_ids = cal_ids

        # roles and handlers
        custom = [x for x in CUSTOM_ROLES if r.random() < 0.5]
        roles = ["resident_council", "property_manager", "enforcement_squad", "partner_department"] + custom
        # One bundle in ten has many role keys: more than the 32 that a unit's key bits tell apart.
        wide = r.random() < 0.1
        depts = DEPTS + ["dept%d" % k for k in range(40)] if wide else DEPTS
        handlers = []
        nh = r.randint(80, 120) if wide else r.randint(3, 14)
        for i in range(nh):
            role = "partner_department" if wide and r.random() < 0.6 else r.choice(roles)
            h = {"id": "h%d" % i, "role": role}
            if role == "partner_department":
                h["department"] = r.choice(depts)
            tier_pick = r.random()
            if tier_pick < 0.3:
                cand = cells
            elif tier_pick < 0.5:
                cand = ["root"]
            else:
                cand = unit_ids
            h["serves"] = r.sample(cand, min(len(cand), r.randint(1, 2)))
            if r.random() < 0.05:
                h["serves"].append(h["serves"][0])
            if cal_ids and r.random() < 0.4:
                h["calendar"] = r.choice(cal_ids)
            handlers.append(h)
        self.handlers = handlers
        held = set((h["role"], h.get("department")) for h in handlers)

        def ref(held_only=False):
            if held_only or r.random() < 0.6:
                role, dept = r.choice(sorted(held, key=str))
            else:
                role = r.choice(roles)
                dept = r.choice(depts) if role == "partner_department" else None
            if dept is not None:
                return {"role": role, "department": dept}
            if r.random() < 0.1:
                return {"role": role}
            return role

        # taxonomy
        use_tax = r.random() < 0.5
        codes = CODES[:] if use_tax else CODES + ["other.thing"]
        self.codes = codes
        patterns = [p for p in PATTERNS if any(pattern_matches(p, c) for c in CODES)] if use_tax else PATTERNS

        # defaults
        defaults = {}
        if cal_ids and r.random() < 0.7:
            defaults["calendar"] = r.choice(cal_ids)
        if r.random() < 0.8:
            defaults["sla"] = self.sla()

        # policies
        policies = []
        for p in range(r.randint(0, 3)):
            levels = [{"name": "owner"}] if r.random() < 0.5 else [{}]
            for k in range(r.choice([0, 1, 1, 2, 2, 3])):
                lv = {"tier": r.choice(tiers)}
                if r.random() < 0.5:
                    lv["name"] = "L%d" % (k + 1)
                rt = [ref(True)] + [ref() for _ in range(r.randint(0, 1))]
                r.shuffle(rt)
                lv["route"] = rt
                if r.random() < 0.5:
                    lv["assist"] = [ref() for _ in range(r.randint(1, 3))]
                s = self.sla()
                lv.update(s)
                levels.append(lv)
            pol = {"id": "p%d" % p, "levels": levels}
            if r.random() < 0.7:
                pol["repeat_reports"] = r.randint(1, 4)
            if r.random() < 0.7:
                pol["rating_below"] = r.randint(1, 6)
            if len(levels) > 1 and r.random() < 0.5:
                pol["severity_skip"] = {"at_least": r.choice([3, 4.5, 5]), "to_level": r.randint(1, len(levels) - 1)}
            policies.append(pol)
        pol_ids = [p["id"] for p in policies]
        if pol_ids and r.random() < 0.7:
            defaults["escalation"] = r.choice(pol_ids)
        if r.random() < 0.5:
            defaults["fallback"] = r.choice(handlers)["id"]

        # rules
        rules = []
        self.cond_attrs = set()
        for i in range(r.randint(2, 12)):
            rule = {"id": "r%d" % i}
            if r.random() < 0.4:
                rule["priority"] = r.choice([-1, 5, 5, 10])
            if r.random() < 0.5:
                rule["scope"] = r.choice(unit_ids)
            rule["categories"] = r.sample(patterns, r.randint(1, 2))
            cal = None
            if cal_ids and r.random() < 0.3:
                cal = r.choice(cal_ids)
                rule["calendar"] = cal
            if r.random() < 0.5:
                rule["when"] = self.cond(2, workday_ok=bool(cal or defaults.get("calendar")))
            rule["route"] = [ref() for _ in range(r.randint(1, 3))]
            if r.random() < 0.5:
                rule["assist"] = [ref() for _ in range(r.randint(1, 3))]
            if r.random() < 0.6:
                rule["sla"] = self.sla()
            if pol_ids and r.random() < 0.5:
                rule["escalation"] = r.choice(pol_ids)
            rules.append(rule)

        jur = {"format": "gridroute.jurisdiction/1", "name": "gen %d" % self.seed, "timezone": self.tz,
               "tiers": tiers, "units": units, "handlers": handlers}
        self.local_times = r.random() < 0.25
        if self.local_times:
            jur["local_times"] = True
        files = {}
        # some units and handlers in CSV files
        if r.random() < 0.3:
            csv_units = [u for u in units if u["id"] != "root" and "estate" not in u and r.random() < 0.5]
            if csv_units:
                jur["units"] = [u for u in units if u not in csv_units]
                r.shuffle(csv_units)
                cols = ["id", "parent", "tier", "name"]
                if r.random() < 0.3:
                    r.shuffle(cols)
                vals = []
                for u in csv_units:
                    row = {"id": u["id"], "parent": u["parent"], "tier": u["tier"],
                           "name": r.choice(["n %s" % u["id"], "a, \"b\"", "两行\n名字", ""])}
                    vals.append(",".join(self.csv_field(row[c]) for c in cols))
                files["units.csv"] = self.csv_text(",".join(cols), vals)
                jur["units_csv"] = "units.csv"
        if r.random() < 0.3 and len(handlers) > 1:
            cut = r.randint(1, len(handlers) - 1)
            jur["handlers"] = handlers[:cut]
            cols = ["id", "role", "department", "serves", "name", "calendar"]
            if r.random() < 0.3:
                r.shuffle(cols)
            vals = []
            for h in handlers[cut:]:
                serves = ";".join(h["serves"])
                if r.random() < 0.2:
                    serves = ";" + serves.replace(";", ";;") + ";"
                row = {"id": h["id"], "role": h["role"], "department": h.get("department", ""), "serves": serves,
                       "name": r.choice(["", "x", "a,b", "引号\"q\""]), "calendar": h.get("calendar", "")}
                vals.append(",".join(self.csv_field(row[c]) for c in cols))
            files["handlers.csv"] = self.csv_text(",".join(cols), vals)
            jur["handlers_csv"] = "handlers.csv"
        rj = {"format": "gridroute.rules/1"}
        if custom:
            rj["roles"] = custom
        rj["attributes"] = dict(ATTRS)
        if r.random() < 0.2 and "severity" not in self.cond_attrs:
            del rj["attributes"]["severity"]
            self.no_severity = True
        if use_tax:
            rj["categories"] = [{"code": c} for c in CODES]
        if cals:
            rj["calendars"] = cals
        if defaults:
            rj["defaults"] = defaults
        rj["rules"] = rules
        if policies:
            rj["escalation_policies"] = policies
        files["jurisdiction.json"] = json.dumps(jur, indent=1, ensure_ascii=False)
        files["rules.json"] = json.dumps(rj, indent=1, ensure_ascii=False)
        return files

    def csv_field(self, v):
        if any(ch in v for ch in ',"\n\r') or (v and self.r.random() < 0.2):
            return '"' + v.replace('"', '""') + '"'
        return v

    def csv_text(self, header, rows):
        r = self.r
        eol = "\r\n" if r.random() < 0.3 else "\n"
        lines = [header] + rows
        if r.random() < 0.2:
            lines.insert(r.randint(1, len(lines)), "")
        text = eol.join(lines) + (eol if r.random() < 0.8 else "")
        if r.random() < 0.2:
            text = "\ufeff" + text
        return text

    def cond(self, depth, workday_ok):
        r = self.r
        x = r.random()
        if depth > 0 and x < 0.15:
            return {r.choice(["all", "any"]): [self.cond(depth - 1, workday_ok) for _ in range(r.randint(0, 3))]}
        if depth > 0 and x < 0.22:
            return {"not": self.cond(depth - 1, workday_ok)}
        if x < 0.35:
            a = r.choice(["22:00", "06:00", "08:30", "12:00", "00:00", "24:00", "17:45"])
            b = r.choice(["22:00", "06:00", "08:30", "12:00", "00:00", "24:00", "17:45"])
            return {"local_time": [a, b]}
        if x < 0.45 and workday_ok:
            return {"workday": r.random() < 0.5}
        a = r.choice(list(ATTRS))
        t = ATTRS[a]
        self.cond_attrs.add(a)
        if r.random() < 0.1:
            return {"attr": a, "exists": r.random() < 0.5}
        if t == "number":
            op = r.choice(["eq", "ne", "lt", "le", "gt", "ge", "in"])
            if op == "in":
                return {"attr": a, "in": r.sample([1, 2, 3, 4, 5, 2.5], r.randint(0, 3))}
            return {"attr": a, op: r.choice([1, 2, 3, 4, 5, 2.5])}
        if t == "bool":
            op = r.choice(["eq", "ne", "in"])
            if op == "in":
                return {"attr": a, "in": r.sample([True, False], r.randint(0, 2))}
            return {"attr": a, op: r.random() < 0.5}
        op = r.choice(["eq", "ne", "in"])
        if op == "in":
            return {"attr": a, "in": r.sample(CHANNELS, r.randint(0, 3))}
        return {"attr": a, op: r.choice(CHANNELS)}

    # -- issues and cases ---------------------------------------------------------------------------
    def instant(self, near=None):
        """A random instant, biased to period edges, midnight and DST changes."""
        r = self.r
        if near is not None and r.random() < 0.7:
            return near + dt.timedelta(minutes=r.choice([0, 0, 1, -1, 15, 30, 60, 90, 120, 240, 600, 1440, 2880,
                                                         4320, 7200, 10080, -60, -1440]) + r.randint(0, 2) * 30)
        d = r.choice(self.dates) + dt.timedelta(days=r.randint(-2, 9))
        mins = r.choice([0, 6 * 60, 8 * 60 + 30, 12 * 60, 13 * 60 + 30, 17 * 60 + 30, 22 * 60, 2 * 60 + 30,
                         r.randint(0, 1439)])
        naive = dt.datetime(d.year, d.month, d.day) + dt.timedelta(minutes=mins)
        tz = gridref.ZoneInfo(r.choice([self.tz, self.tz, "UTC", "Asia/Shanghai"]))
        return naive.replace(tzinfo=tz).astimezone(gridref.UTC)

    def fmt(self, t):
        r = self.r
        choice = r.random()
        if choice < 0.5:
            tz = gridref.ZoneInfo(self.tz)
        elif choice < 0.7:
            tz = gridref.UTC
        else:
            tz = dt.timezone(dt.timedelta(minutes=r.choice([-300, 330, 480, 540, 0])))
        s = gridref.fmt_time(t, tz)
        if r.random() < 0.1 and s.endswith("+00:00"):
            s = s[:-6] + r.choice("Zz")
        if r.random() < 0.05:
            s = s.replace("T", r.choice(["t", " "]))
        if self.local_times and r.random() < 0.4:
            loc = gridref.fmt_time(t, gridref.ZoneInfo(self.tz))[:-6]
            # an offset-less time reads back as the same instant unless it is in a repeated hour
            if gridref.parse_time(loc, gridref.ZoneInfo(self.tz)) == t:
                s = loc if r.random() < 0.7 else loc.replace("T", " ")
        return s

    def issue(self, n):
        r = self.r
        cat = r.choice(self.codes)
        attrs = {}
        for a, t in ATTRS.items():
            if r.random() < 0.5:
                if t == "number":
                    attrs[a] = r.choice([1, 2, 3, 4, 4.5, 5, 6, 2.5])
                elif t == "bool":
                    attrs[a] = r.random() < 0.5
                else:
                    attrs[a] = r.choice(CHANNELS)
        if r.random() < 0.1:
            attrs["undeclared"] = [1, 2]
        if self.no_severity and r.random() < 0.3:
            attrs["severity"] = r.choice(["high", None, True, 7])
        at = self.instant()
        if r.random() < 0.1:
            at += dt.timedelta(seconds=r.choice([59, 59.5, 0.25, 30]))
        obj = {"id": "I%d" % n if r.random() < 0.8 else 1000 + n, "category": cat,
               "cell": r.choice(self.cells), "at": self.fmt(at)}
        if attrs or r.random() < 0.5:
            obj["attrs"] = attrs
        return obj, at

    def case(self, n, bundle, now):
        """A case line; the reference bundle is used only to pick levels that exist and owners to
        return, so that most lines exercise the lifecycle rather than being rejected."""
        r = self.r
        obj, at = self.issue(n)
        obj["id"] = "C%d" % n
        iss = bundle.read_issue(obj)
        rule, res = bundle.select(iss)
        policy = bundle.policy_of(rule) if rule is not None else None
        nlev = len(policy.levels) if policy else 1
        level = r.randrange(nlev) if r.random() < 0.95 else nlev
        obj["level"] = level if r.random() < 0.9 else float(level)
        lsa = at if level == 0 and r.random() < 0.5 else self.instant(near=at)
        if r.random() < 0.2:
            # a due instant (of an elapsed duration) exactly at now, or just before or after it
            lsa = now - dt.timedelta(minutes=r.choice([1, 15, 30, 60, 90, 120, 240, 1440, 2880])) + \
                dt.timedelta(seconds=r.choice([0, 0, 0, 1, -1]))
        obj["level_started_at"] = self.fmt(lsa)
        obj["responded"] = r.random() < 0.4
        obj["reports"] = r.choice([0, 0, 0, 1, 2, 3, 4])
        obj["status"] = "resolved" if r.random() < 0.2 else "open"
        if r.random() < (0.8 if obj["status"] == "resolved" else 0.3):
            obj["rating"] = r.randint(1, 5)
        # pins
        x = r.random()
        if rule is not None and x < 0.35:
            obj["rule"] = rule.id  # may be None for the fallback
        elif x < 0.45 and bundle.rules:
            obj["rule"] = r.choice(bundle.rules).id
        elif x < 0.5:
            obj["rule"] = "gone-rule"
        owner = None
        if res is not None and level == 0:
            owner = res[0].id
        elif policy is not None and 0 < level < nlev:
            lres, _ = bundle.resolve_level(iss["cell"], policy.levels[level])
            owner = lres[0].id if lres else None
        x = r.random()
        if owner is not None and x < 0.3:
            obj["handler"] = owner
        elif x < 0.4:
            obj["handler"] = r.choice(bundle.handler_list).id
        elif x < 0.45:
            obj["handler"] = "gone-handler"
        cur = obj.get("handler") if obj.get("handler") in bundle.handlers else owner
        # returns
        if r.random() < 0.35:
            ids = []
            if cur is not None and r.random() < 0.85:
                ids.append(cur)
            for _ in range(r.randint(0, 3)):
                ids.append(r.choice(bundle.handler_list).id)
            if bundle.fallback is not None and r.random() < 0.3:
                ids.append(bundle.fallback.id)
            r.shuffle(ids)
            obj["returned"] = [{"handler": h, "at": self.fmt(self.instant(near=lsa))} for h in ids]
            for e in obj["returned"]:
                if r.random() < 0.3:
                    e["reason"] = "不归我管"
        # suspensions
        if r.random() < 0.35:
            sus = []
            for _ in range(r.randint(1, 3)):
                f = self.instant(near=lsa if r.random() < 0.6 else now)
                if r.random() < 0.1:
                    f = r.choice([now, lsa])
                e = {"from": self.fmt(f)}
                y = r.random()
                if y < 0.7:
                    t = f + dt.timedelta(minutes=r.choice([1, 30, 60, 240, 1440, 2880, 4000]))
                    if r.random() < 0.1 and now > f:
                        t = now
                    e["to"] = self.fmt(t)
                elif y < 0.8:
                    e["to"] = None
                sus.append(e)
            obj["suspended"] = sus
        if r.random() < 0.2:
            obj["extended_to"] = self.fmt(self.instant(near=lsa))
        for k in ("rule", "handler"):
            if k in obj and obj[k] is None and r.random() < 0.5:
                del obj[k]
        return obj

    def maybe_break(self, obj, case=False, p=0.04):
        """Now and then, one invalid field (the line must be rejected)."""
        r = self.r
        if r.random() >= p:
            return obj
        obj = dict(obj)
        kinds = ["attr_type", "attr_null", "cell_unknown", "cell_not_cell", "no_at", "at_no_offset", "cat_type",
                 "attrs_list", "id_float"]
        if case:
            kinds += ["level_neg", "level_frac", "rating_0", "rating_6", "reports_neg", "responded_str",
                      "status_bad", "sus_to_before", "ret_no_at", "ret_unknown_key", "rule_int", "ext_bad",
                      "sus_not_list", "lsa_missing"]
        k = r.choice(kinds)
        if k == "attr_type":
            obj["attrs"] = dict(obj.get("attrs") or {}, private="yes")
        elif k == "attr_null":
            obj["attrs"] = dict(obj.get("attrs") or {}, channel=None)
        elif k == "cell_unknown":
            obj["cell"] = "nowhere"
        elif k == "cell_not_cell":
            obj["cell"] = "root"
        elif k == "no_at":
            del obj["at"]
        elif k == "at_no_offset":
            if self.local_times:
                obj["at"] = "2026-13-01T00:00:00"
            else:
                obj["at"] = "2026-11-20T09:15:00"
        elif k == "cat_type":
            obj["category"] = 5
        elif k == "attrs_list":
            obj["attrs"] = [1]
        elif k == "id_float":
            obj["id"] = 1.5
        elif k == "level_neg":
            obj["level"] = -1
        elif k == "level_frac":
            obj["level"] = 0.5
        elif k == "rating_0":
            obj["rating"] = 0
        elif k == "rating_6":
            obj["rating"] = 6
        elif k == "reports_neg":
            obj["reports"] = -2
        elif k == "responded_str":
            obj["responded"] = "no"
        elif k == "status_bad":
            obj["status"] = "closed"
        elif k == "sus_to_before":
            obj["suspended"] = [{"from": "2026-11-20T09:00:00+08:00", "to": "2026-11-20T09:00:00+08:00"}]
        elif k == "ret_no_at":
            obj["returned"] = [{"handler": "h0"}]
        elif k == "ret_unknown_key":
            obj["returned"] = [{"handler": "h0", "at": "2026-11-20T09:00:00+08:00", "by": "x"}]
        elif k == "rule_int":
            obj["rule"] = 3
        elif k == "ext_bad":
            obj["extended_to"] = "tomorrow"
        elif k == "sus_not_list":
            obj["suspended"] = {"from": "2026-11-20T09:00:00+08:00"}
        elif k == "lsa_missing":
            obj.pop("level_started_at", None)
        return obj

    def now(self):
        return self.instant()


def write_bundle(files, d):
    os.makedirs(d, exist_ok=True)
    for name, text in files.items():
        with open(os.path.join(d, name), "w", encoding="utf-8", newline="") as f:
            f.write(text)
