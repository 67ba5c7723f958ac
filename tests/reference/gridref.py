"""An independent reading of SPEC.md §2-§6, in plain Python (standard library only).

It loads a bundle (the parts that decide answers; it does not lint and reports few bundle errors),
routes issues (§3, §4) and evaluates cases (§3.5, §6).  Where the contract is silent it follows
docs/decisions.md and docs/lifecycle.md.  Locations (§7) are not covered: a line that gives only a
location is answered with {"skip": true}.

    python3 gridref.py route BUNDLE ISSUES.jsonl
    python3 gridref.py escalate BUNDLE CASES.jsonl --now T
"""
import csv
import datetime as dt
import json
import os
import re
import sys
from zoneinfo import ZoneInfo

UTC = dt.timezone.utc
BUILTIN_ROLES = ("resident_council", "property_manager", "enforcement_squad", "partner_department")

# ---------------------------------------------------------------------------------------------
# times

TS_RE = re.compile(r"(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})?")


class LineError(Exception):
    pass


def parse_time(s, local_tz=None):
    """RFC 3339 with an offset (or, with local_tz, without one: read in that zone)."""
    if not isinstance(s, str):
        raise LineError("not a time")
    m = TS_RE.fullmatch(s)
    if not m:
        raise LineError("bad time %r" % s)
    y, mo, d, h, mi, se = (int(m.group(k)) for k in range(1, 7))
    frac, off = m.group(7), m.group(8)
    micro = int((frac[1:] + "000000")[:6]) if frac else 0
    try:
        naive = dt.datetime(y, mo, d, h, mi, se, micro)
    except ValueError:
        raise LineError("bad date")
    if off is None:
        if local_tz is None:
            raise LineError("time without an offset")
        a = naive.replace(tzinfo=local_tz, fold=0)
        if a.astimezone(UTC).astimezone(local_tz).replace(tzinfo=None) != naive:
            raise LineError("local time does not exist")
        return a.astimezone(UTC)
    if off in ("Z", "z"):
        tz = UTC
    else:
        hh, mm = int(off[1:3]), int(off[4:6])
        if hh > 23 or mm > 59:
            raise LineError("bad offset")
        delta = dt.timedelta(hours=hh, minutes=mm)
        tz = dt.timezone(-delta if off[0] == "-" else delta)
    return naive.replace(tzinfo=tz).astimezone(UTC)


def fmt_time(t, tz):
    if t is None:
        return None
    loc = t.astimezone(tz)
    s = loc.strftime("%Y-%m-%dT%H:%M:%S")
    if loc.microsecond:
        s += ("." + "%06d" % loc.microsecond).rstrip("0")
    off = loc.utcoffset()
    total = int(off.total_seconds()) // 60
    sign = "+" if total >= 0 else "-"
    total = abs(total)
    return s + "%s%02d:%02d" % (sign, total // 60, total % 60)


def local_instant(tz, date, minutes):
    """The instant of local wall-clock time `minutes` (0..1440) on `date` in tz.  A time in a
    skipped hour is the moment of the change; a repeated time is its first occurrence."""
    if minutes >= 1440:
        date = date + dt.timedelta(days=1)
        minutes -= 1440
    naive = dt.datetime(date.year, date.month, date.day) + dt.timedelta(minutes=minutes)
    a = naive.replace(tzinfo=tz, fold=0)
    ua = a.astimezone(UTC)
    if ua.astimezone(tz).replace(tzinfo=None) == naive:
        return ua
    # in a gap: find the transition between the two readings
    b = naive.replace(tzinfo=tz, fold=1).astimezone(UTC)
    lo, hi = min(ua, b), max(ua, b)
    off_after = max(a.utcoffset(), naive.replace(tzinfo=tz, fold=1).utcoffset())
    # smallest t in (lo, hi] whose offset is off_after
    lo_s, hi_s = int(lo.timestamp()), int(hi.timestamp())
    while hi_s - lo_s > 1:
        mid = (lo_s + hi_s) // 2
        if dt.datetime.fromtimestamp(mid, UTC).astimezone(tz).utcoffset() == off_after:
            hi_s = mid
        else:
            lo_s = mid
    return dt.datetime.fromtimestamp(hi_s, UTC)


def hm(s):
    h, m = s.split(":")
    return int(h) * 60 + int(m)


class Calendar:
    def __init__(self, cid, tz, weekdays, hours, holidays, workdays):
        self.id = cid
        self.tz = tz
        self.weekdays = set(weekdays)
        self.hours = [(hm(a), hm(b)) for a, b in hours]
        self.holidays = set(dt.date.fromisoformat(x) for x in holidays)
        self.workdays = set(dt.date.fromisoformat(x) for x in workdays)

    def is_workday(self, d):
        if d in self.workdays:
            return True
        return d.isoweekday() in self.weekdays and d not in self.holidays

    def periods(self, d):
        out = []
        for a, b in self.hours:
            ia, ib = local_instant(self.tz, d, a), local_instant(self.tz, d, b)
            if ib < ia:
                ib = ia
            out.append((ia, ib))
        return out

    def local_date(self, t):
        return t.astimezone(self.tz).date()

    def exhausted(self, d):
        """True when no date from d on is a working day (no weekdays, the make-up days past)."""
        return not self.weekdays and all(w < d for w in self.workdays)

    def add(self, start, dur):
        n, unit = dur
        if unit == "m":
            return start + dt.timedelta(minutes=n)
        if unit == "h":
            return start + dt.timedelta(hours=n)
        if unit == "d":
            return start + dt.timedelta(hours=24 * n)
        if unit == "wh":
            remaining = dt.timedelta(hours=n)
            d = self.local_date(start) - dt.timedelta(days=1)
            # The working time is looked for in the 11,000 days from the start's date on
            # (docs/decisions.md): a deadline further away is null, as on an exhausted calendar.
            last = self.local_date(start) + dt.timedelta(days=HORIZON_DAYS - 1)
            while True:
                if self.exhausted(d) or d > last:
                    return None
                if self.is_workday(d):
                    for a, b in self.periods(d):
                        if b <= start or b <= a:
                            continue
                        a2 = max(a, start)
                        avail = b - a2
                        if avail >= remaining:
                            return a2 + remaining
                        remaining -= avail
                d += dt.timedelta(days=1)
        if unit == "wd":
            d = self.local_date(start)
            last = d + dt.timedelta(days=HORIZON_DAYS)  # the working days after the start's date, as for wh
            count = 0
            while True:
                d += dt.timedelta(days=1)
                if self.exhausted(d) or d > last:
                    return None
                if self.is_workday(d):
                    count += 1
                    if count == n:
                        return self.periods(d)[-1][1]
        raise ValueError(unit)


# How far a deadline is looked for (docs/decisions.md, "Deadlines in 2000–2099 are counted in closed form").
HORIZON_DAYS = 11000

DUR_RE = re.compile(r"([1-9][0-9]*)(m|h|d|wh|wd)")


def parse_dur(s):
    if s is None:
        return None
    m = DUR_RE.fullmatch(s)
    if not m:
        raise ValueError("bad duration %r" % s)
    return (int(m.group(1)), m.group(2))


# ---------------------------------------------------------------------------------------------
# the bundle

class Unit:
    def __init__(self, uid, tier, parent):
        self.id, self.tier, self.parent_id = uid, tier, parent
        self.parent = None
        self.depth = 0
        self.tier_index = 0


class Handler:
    def __init__(self, idx, hid, role, dept, serves, calendar):
        self.idx, self.id, self.role, self.dept, self.serves, self.calendar = idx, hid, role, dept, serves, calendar


class Ref:
    def __init__(self, j):
        if isinstance(j, str):
            self.role, self.dept = j, None
        else:
            self.role, self.dept = j["role"], j.get("department")


class Level:
    def __init__(self, j):
        self.name = j.get("name")
        self.tier = j.get("tier")
        self.route = [Ref(r) for r in j.get("route", [])]
        self.assist = [Ref(r) for r in j.get("assist", [])]
        self.respond = parse_dur(j.get("respond"))
        self.resolve = parse_dur(j.get("resolve"))


class Policy:
    def __init__(self, j):
        self.id = j["id"]
        self.levels = [Level(x) for x in j["levels"]]
        self.repeat_reports = j.get("repeat_reports")
        self.rating_below = j.get("rating_below")
        sk = j.get("severity_skip")
        self.skip = (sk["at_least"], int(sk["to_level"])) if sk else None


class Rule:
    def __init__(self, idx, j):
        self.idx = idx
        self.id = j["id"]
        self.categories = j["categories"]
        self.priority = int(j.get("priority", 0))
        self.scope = j.get("scope")
        self.when = j.get("when")
        self.route = [Ref(r) for r in j["route"]]
        self.assist = [Ref(r) for r in j.get("assist", [])]
        sla = j.get("sla", {})
        self.respond = parse_dur(sla.get("respond"))
        self.resolve = parse_dur(sla.get("resolve"))
        self.escalation = j.get("escalation")
        self.calendar = j.get("calendar")
        self.fallback = False


def pattern_spec(pat, cat):
    """None when the pattern does not match the category, else its specificity."""
    if pat == "*":
        return 0
    if pat.endswith(".*"):
        pre = pat[:-2]
        if cat == pre or cat.startswith(pre + "."):
            return len(pre.split("."))
        return None
    return 10 ** 6 if pat == cat else None


class Bundle:
    def __init__(self, path):
        self.path = path
        with open(os.path.join(path, "jurisdiction.json"), encoding="utf-8-sig") as f:
            jj = json.load(f)
        with open(os.path.join(path, "rules.json"), encoding="utf-8-sig") as f:
            rj = json.load(f)
        self.tz = ZoneInfo(jj["timezone"])
        self.local_times = bool(jj.get("local_times", False))
        self.tiers = jj["tiers"]
        units = [dict(u) for u in jj.get("units", [])]
        if jj.get("units_csv"):
            with open(os.path.join(path, jj["units_csv"]), encoding="utf-8-sig", newline="") as f:
                for row in csv.DictReader(f):
                    units.append({"id": row["id"], "tier": row["tier"], "parent": row.get("parent") or None})
        self.units = {}
        self.unit_order = []
        for u in units:
            un = Unit(u["id"], u["tier"], u.get("parent"))
            self.units[un.id] = un
            self.unit_order.append(un)
        self.root = None
        for un in self.unit_order:
            un.tier_index = self.tiers.index(un.tier)
            if un.parent_id is None:
                self.root = un
            else:
                un.parent = self.units[un.parent_id]
        for un in self.unit_order:
            d, p = 0, un.parent
            while p is not None:
                d, p = d + 1, p.parent
            un.depth = d
        handlers = list(jj.get("handlers", []))
        if jj.get("handlers_csv"):
            with open(os.path.join(path, jj["handlers_csv"]), encoding="utf-8-sig", newline="") as f:
                for row in csv.DictReader(f):
                    h = {"id": row["id"], "role": row["role"],
                         "serves": [s for s in row["serves"].split(";") if s]}
                    if row.get("department"):
                        h["department"] = row["department"]
                    if row.get("calendar"):
                        h["calendar"] = row["calendar"]
                    handlers.append(h)
        self.handlers = {}
        self.handler_list = []
        self.serving = {}  # unit id -> [Handler] in handler order
        for i, h in enumerate(handlers):
            hh = Handler(i, h["id"], h["role"], h.get("department"), h["serves"], h.get("calendar"))
            self.handlers[hh.id] = hh
            self.handler_list.append(hh)
            for s in dict.fromkeys(h["serves"]):
                self.serving.setdefault(s, []).append(hh)
        # rules.json
        self.attributes = rj.get("attributes", {})
        self.taxonomy = None
        if "categories" in rj:
            self.taxonomy = set(c["code"] for c in rj["categories"])
        self.calendars = {}
        for c in rj.get("calendars", []):
            tz = ZoneInfo(c["timezone"]) if c.get("timezone") else self.tz
            self.calendars[c["id"]] = Calendar(c["id"], tz, c.get("weekdays", []), c["hours"],
                                               c.get("holidays", []), c.get("workdays", []))
        d = rj.get("defaults", {})
        self.default_calendar = self.calendars[d["calendar"]] if d.get("calendar") else \
            Calendar("(built-in)", self.tz, [1, 2, 3, 4, 5, 6, 7], [["00:00", "24:00"]], [], [])
        self.default_calendar_named = self.calendars[d["calendar"]] if d.get("calendar") else None
        sla = d.get("sla", {})
        self.d_respond = parse_dur(sla.get("respond"))
        self.d_resolve = parse_dur(sla.get("resolve"))
        self.d_escalation = d.get("escalation")
        self.fallback = self.handlers[d["fallback"]] if d.get("fallback") else None
        self.rules = [Rule(i, r) for i, r in enumerate(rj.get("rules", []))]
        self.rules_by_id = {r.id: r for r in self.rules}
        self.policies = {p["id"]: Policy(p) for p in rj.get("escalation_policies", [])}
        # the fallback as a rule (§6.4)
        fb = Rule(-1, {"id": None, "categories": ["*"], "route": ["x"]})
        fb.fallback = True
        fb.route = []
        fb.respond, fb.resolve = None, None
        self.fallback_rule = fb

    # -- helpers ---------------------------------------------------------------------------

    def cal(self, cid):
        return self.calendars[cid] if cid else None

    def ancestors_or_self(self, unit):
        u = unit
        while u is not None:
            yield u
            u = u.parent

    def resolve_ref(self, ref, start, excluded=()):
        for u in self.ancestors_or_self(start):
            hs = [h for h in self.serving.get(u.id, ())
                  if h.role == ref.role and (ref.dept is None or h.dept == ref.dept) and h.id not in excluded]
            if ref.role == "partner_department" and ref.dept is None:
                hs = []
            if hs:
                return hs[0], hs[1:], u
        return None

    def resolve_route(self, refs, start, excluded=()):
        for ref in refs:
            r = self.resolve_ref(ref, start, excluded)
            if r:
                return r
        return None

    def resolve_assist(self, refs, start, owner_id):
        out = []
        for ref in refs:
            r = self.resolve_ref(ref, start)
            if r and r[0].id != owner_id and r[0].id not in out:
                out.append(r[0].id)
        return out

    def policy_of(self, rule):
        pid = rule.escalation if (rule is not None and not rule.fallback and rule.escalation) else self.d_escalation
        return self.policies[pid] if pid else None

    def rule_sla(self, rule):
        if rule.fallback:
            return self.d_respond, self.d_resolve
        return (rule.respond or self.d_respond), (rule.resolve or self.d_resolve)

    def level_sla(self, level):
        return (level.respond or self.d_respond), (level.resolve or self.d_resolve)

    def level_start(self, cell, level):
        ti = self.tiers.index(level.tier)
        best = None
        for u in self.ancestors_or_self(cell):
            if u.tier_index == ti:
                return u
            if u.tier_index < ti and best is None:
                best = u
        return best

    def resolve_level(self, cell, level, excluded=()):
        start = self.level_start(cell, level)
        if start is None:
            return None, None
        return self.resolve_route(level.route, start, excluded), start

    def cal0(self, rule, owner):
        if rule is not None and not rule.fallback and rule.calendar:
            return self.calendars[rule.calendar]
        if owner is not None and owner.calendar:
            return self.calendars[owner.calendar]
        return self.default_calendar

    def calk(self, owner):
        if owner is not None and owner.calendar:
            return self.calendars[owner.calendar]
        return self.default_calendar

    # -- conditions ------------------------------------------------------------------------

    def cond(self, c, rule, issue):
        if "all" in c:
            return all(self.cond(x, rule, issue) for x in c["all"])
        if "any" in c:
            return any(self.cond(x, rule, issue) for x in c["any"])
        if "not" in c:
            return not self.cond(c["not"], rule, issue)
        if "local_time" in c:
            f, t = hm(c["local_time"][0]) * 60, hm(c["local_time"][1]) * 60
            loc = issue["at"].astimezone(self.tz)
            s = loc.hour * 3600 + loc.minute * 60 + loc.second
            if f == t:
                return False
            if f < t:
                return f <= s < t
            return s >= f or s < t
        if "workday" in c:
            cal = self.calendars[rule.calendar] if rule.calendar else self.default_calendar_named
            return cal.is_workday(cal.local_date(issue["at"])) == c["workday"]
        a = c["attr"]
        attrs = issue["attrs"]
        present = a in attrs
        if "exists" in c:
            return present == c["exists"]
        if not present:
            return False
        v = attrs[a]
        for op in ("eq", "ne", "lt", "le", "gt", "ge", "in"):
            if op in c:
                w = c[op]
                if op == "eq":
                    return v == w
                if op == "ne":
                    return v != w
                if op == "lt":
                    return v < w
                if op == "le":
                    return v <= w
                if op == "gt":
                    return v > w
                if op == "ge":
                    return v >= w
                if op == "in":
                    return any(v == x for x in w)
        raise ValueError("bad condition %r" % c)

    # -- routing ---------------------------------------------------------------------------

    def ordered_rules(self, issue):
        cat, cell = issue["category"], issue["cell"]
        anc = set(u.id for u in self.ancestors_or_self(cell))
        cands = []
        for r in self.rules:
            specs = [s for s in (pattern_spec(p, cat) for p in r.categories) if s is not None]
            if not specs:
                continue
            scope = self.units[r.scope] if r.scope else self.root
            if scope.id not in anc:
                continue
            if r.when is not None and not self.cond(r.when, r, issue):
                continue
            cands.append(((-r.priority, -scope.depth, -max(specs), r.idx), r))
        cands.sort(key=lambda x: x[0])
        return [r for _, r in cands]

    def select(self, issue):
        """(rule, (owner, alternates, unit)) by §3.3, the fallback (§6.4), or (None, None)."""
        for r in self.ordered_rules(issue):
            res = self.resolve_route(r.route, issue["cell"])
            if res:
                return r, res
        if self.fallback is not None:
            return self.fallback_rule, (self.fallback, [], self.root)
        return None, None

    def route(self, issue):
        rule, res = self.select(issue)
        out = {"id": issue["id"]}
        if rule is None:
            out.update({"status": "unrouted", "reason": "no rule routes the issue"})
            return out
        owner, alts, unit = res
        cell = issue["cell"]
        policy = self.policy_of(rule)
        level = 0
        if rule.fallback:
            assist = []
        else:
            assist = self.resolve_assist(rule.assist, cell, None)
        respond, resolve = self.rule_sla(rule)
        cal = self.cal0(rule, owner)
        if not rule.fallback and policy is not None and policy.skip is not None:
            sev = issue["attrs"].get("severity")  # undeclared attributes are ignored (SPEC §4)
            if isinstance(sev, (int, float)) and not isinstance(sev, bool) and sev >= policy.skip[0]:
                k = policy.skip[1]
                lvl = policy.levels[k]
                lres, _ = self.resolve_level(cell, lvl)
                if lres:
                    owner, alts, unit = lres
                    level = k
                    respond, resolve = self.level_sla(lvl)
                    cal = self.calk(owner)
        assist = [a for a in assist if a != owner.id]
        at = issue["at"]
        out.update({
            "status": "routed", "rule": None if rule.fallback else rule.id, "role": owner.role,
            "handler": owner.id, "unit": unit.id, "alternates": [h.id for h in alts], "assist": assist,
            "level": level, "escalation": policy.id if policy else None,
            "respond_by": fmt_time(cal.add(at, respond), self.tz) if respond else None,
            "resolve_by": fmt_time(cal.add(at, resolve), self.tz) if resolve else None,
        })
        if owner.dept is not None:
            out["department"] = owner.dept
        if rule.fallback:
            out["fallback"] = True
        return out

    # -- lines -----------------------------------------------------------------------------

    def read_issue(self, obj):
        if not isinstance(obj, dict):
            raise LineError("not an object")
        for k in ("category", "cell", "at"):
            if k not in obj or obj[k] is None:
                if k == "cell" and obj.get("location") is not None:
                    raise SkipLine()
                raise LineError("missing " + k)
        if not isinstance(obj["category"], str) or not isinstance(obj["cell"], str):
            raise LineError("type")
        at = parse_time(obj["at"], self.tz if self.local_times else None)
        attrs = obj.get("attrs")
        if attrs is None:
            attrs = {}
        if not isinstance(attrs, dict):
            raise LineError("attrs")
        decl = {}
        for k, t in self.attributes.items():
            if k in attrs:
                v = attrs[k]
                ok = (t == "bool" and isinstance(v, bool)) or \
                     (t == "number" and isinstance(v, (int, float)) and not isinstance(v, bool)) or \
                     (t == "string" and isinstance(v, str))
                if not ok:
                    raise LineError("attribute %s type" % k)
                decl[k] = v
        if self.taxonomy is not None and obj["category"] not in self.taxonomy:
            raise LineError("unknown category")
        cell = self.units.get(obj["cell"])
        if cell is None or cell.tier != "cell":
            raise LineError("unknown cell")
        return {"id": obj["id"], "category": obj["category"], "cell": cell, "at": at, "attrs": decl}


class SkipLine(Exception):
    pass


def read_id(obj):
    if not isinstance(obj, dict) or "id" not in obj:
        return None
    i = obj["id"]
    if isinstance(i, bool) or not isinstance(i, (str, int)):
        return None
    return i


def parse_line(line):
    """(obj, id) or raises LineError with id None."""
    def no_dupes(pairs):
        d = {}
        for k, v in pairs:
            if k in d:
                raise DupKey(k)
            d[k] = v
        return d
    try:
        obj = json.loads(line, object_pairs_hook=no_dupes)
    except DupKey:
        obj = json.loads(line)
        raise LineError("duplicate key", read_id(obj))
    except ValueError:
        raise LineError("invalid JSON", None)
    return obj


class DupKey(Exception):
    pass


# ---------------------------------------------------------------------------------------------
# escalation and the case lifecycle

def get_int(obj, k, lo, hi, required=True):
    if k not in obj or obj[k] is None:
        if required:
            raise LineError("missing " + k)
        return None
    v = obj[k]
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        raise LineError(k)
    if isinstance(v, float):
        if v != int(v):
            raise LineError(k)
        v = int(v)
    if v < lo or v > hi:
        raise LineError(k)
    return v


def opt_str(obj, k):
    v = obj.get(k)
    if v is None:
        return None
    if not isinstance(v, str):
        raise LineError(k)
    return v


def read_case(b, obj):
    c = b.read_issue(obj)
    c["level"] = get_int(obj, "level", 0, 1000000)
    c["level_started_at"] = parse_time(obj.get("level_started_at"), b.tz if b.local_times else None)
    if not isinstance(obj.get("responded"), bool):
        raise LineError("responded")
    c["responded"] = obj["responded"]
    c["reports"] = get_int(obj, "reports", 0, 2 ** 50)
    if obj.get("status") not in ("open", "resolved"):
        raise LineError("status")
    c["status"] = obj["status"]
    c["rating"] = get_int(obj, "rating", 1, 5, required=False)
    c["pin_rule"] = opt_str(obj, "rule")
    c["pin_handler"] = opt_str(obj, "handler")
    lt = b.tz if b.local_times else None
    ret = obj.get("returned")
    c["returned"] = []
    if ret is not None:
        if not isinstance(ret, list):
            raise LineError("returned")
        for e in ret:
            if not isinstance(e, dict) or set(e) - {"handler", "at", "reason"}:
                raise LineError("returned entry")
            if not isinstance(e.get("handler"), str):
                raise LineError("returned handler")
            parse_time(e.get("at"), lt)
            if e.get("reason") is not None and not isinstance(e["reason"], str):
                raise LineError("returned reason")
            c["returned"].append(e["handler"])
    sus = obj.get("suspended")
    c["suspended"] = []
    if sus is not None:
        if not isinstance(sus, list):
            raise LineError("suspended")
        for e in sus:
            if not isinstance(e, dict) or set(e) - {"from", "to"}:
                raise LineError("suspended entry")
            f = parse_time(e.get("from"), lt)
            t = parse_time(e["to"], lt) if e.get("to") is not None else None
            if t is not None and not t > f:
                raise LineError("suspension to not after from")
            c["suspended"].append((f, t))
    c["extended_to"] = parse_time(obj["extended_to"], lt) if obj.get("extended_to") is not None else None
    return c


def evaluate(b, c, now):
    cell = c["cell"]
    L = c["level"]
    repinned = False
    hp = None
    if c["pin_handler"] is not None:
        hp = b.handlers.get(c["pin_handler"])
        if hp is None:
            repinned = True
    rule, res = None, None
    if c["pin_rule"] is not None and c["pin_rule"] in b.rules_by_id:
        rule = b.rules_by_id[c["pin_rule"]]
        if L == 0 and hp is None:
            res = b.resolve_route(rule.route, cell)
            if res is None:
                repinned = True
                rule, res = b.select(c)
    else:
        if c["pin_rule"] is not None:
            repinned = True
        rule, res = b.select(c)
    if rule is None:
        raise LineError("the case's issue is unrouted")
    policy = b.policy_of(rule)
    if L > 0 and (policy is None or L >= len(policy.levels)):
        raise LineError("no such level")
    # the current owner
    if L == 0:
        if hp is not None:
            owner = hp
        else:
            owner = res[0]
        respond, resolve = b.rule_sla(rule)
        cal = b.cal0(rule, owner)
    else:
        lvl = policy.levels[L]
        if hp is not None:
            owner = hp
        else:
            lres, _ = b.resolve_level(cell, lvl)
            if lres is None:
                raise LineError("level %d resolves no handler" % L)
            owner = lres[0]
        respond, resolve = b.level_sla(lvl)
        cal = b.calk(owner)
    lsa = c["level_started_at"]
    due_respond = cal.add(lsa, respond) if respond else None
    due_resolve = cal.add(lsa, resolve) if resolve else None

    out = {"id": c["id"]}
    if repinned:
        out["repinned"] = True

    def who(h):
        d = {"handler": h.id if h else None, "role": h.role if h else None}
        if h is not None and h.dept is not None:
            d["department"] = h.dept
        return d

    def next_level(reasons, action):
        """escalate/reopen to the next level that resolves, else overdue."""
        if policy is not None:
            for k in range(L + 1, len(policy.levels)):
                lvl = policy.levels[k]
                lres, start = b.resolve_level(cell, lvl)
                if lres:
                    nh = lres[0]
                    r, s = b.level_sla(lvl)
                    ncal = b.calk(nh)
                    out.update({"action": action, "level": k})
                    out.update(who(nh))
                    out["assist"] = b.resolve_assist(lvl.assist, start, nh.id)
                    out["reasons"] = reasons
                    out["respond_by"] = fmt_time(ncal.add(now, r), b.tz) if r else None
                    out["resolve_by"] = fmt_time(ncal.add(now, s), b.tz) if s else None
                    return out
        out.update({"action": "overdue", "level": L})
        out.update(who(owner))
        out["reasons"] = reasons
        return out

    if c["status"] == "resolved":
        rb = policy.rating_below if policy else None
        if rb is not None and c["rating"] is not None and c["rating"] < rb:
            return next_level(["low_rating"], "reopen")
        out.update({"action": "none", "level": L})
        out.update(who(owner))
        out["reasons"] = []
        return out

    # (1) suspended
    active = [(f, t) for f, t in c["suspended"] if f <= now]
    holding = [(f, t) for f, t in active if t is None or now < t]
    if holding:
        out.update({"action": "suspended", "level": L})
        out.update(who(owner))
        out["reasons"] = []
        out["next_check"] = None if any(t is None for _, t in holding) else \
            fmt_time(max(t for _, t in holding), b.tz)
        return out

    # (2) redispatch / dispute
    returned = set(c["returned"])
    if owner.id in returned:
        if L == 0:
            start = cell
            nres = b.resolve_route(rule.route, cell, returned)
            assist_refs = rule.assist
        else:
            lvl = policy.levels[L]
            nres, start = b.resolve_level(cell, lvl, returned)
            assist_refs = lvl.assist
        if nres is None and b.fallback is not None and b.fallback.id not in returned:
            nres = (b.fallback, [], b.root)
        if nres is None:
            out.update({"action": "dispute", "level": L, "handler": None, "role": None,
                        "reasons": ["returned"]})
            return out
        nh = nres[0]
        ncal = b.cal0(rule, nh) if L == 0 else b.calk(nh)
        out.update({"action": "redispatch", "level": L})
        out.update(who(nh))
        out["assist"] = [] if rule.fallback and L == 0 else b.resolve_assist(assist_refs, start, nh.id)
        out["reasons"] = ["returned"]
        out["respond_by"] = fmt_time(ncal.add(now, respond), b.tz) if respond else None
        out["resolve_by"] = fmt_time(ncal.add(now, resolve), b.tz) if resolve else None
        return out

    # moved due instants (§6.3)
    ivs = []
    for f, t in active:
        if t is None:
            continue
        if t < lsa:
            continue
        ivs.append((max(f, lsa), t))
    ivs.sort()
    merged = []
    for a, z in ivs:
        if merged and a <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], z))
        else:
            merged.append((a, z))
    for a, z in merged:
        if due_respond is not None and a < due_respond:
            due_respond += z - a
        if due_resolve is not None and a < due_resolve:
            due_resolve += z - a
    if c["extended_to"] is not None:
        # a level without a resolve due has nothing to extend (the CLI's reading; SPEC §6.3 is silent)
        if due_resolve is not None:
            due_resolve = max(due_resolve, c["extended_to"])

    # (3) escalate / overdue
    reasons = []
    if not c["responded"] and due_respond is not None and now >= due_respond:
        reasons.append("missed_respond")
    if due_resolve is not None and now >= due_resolve:
        reasons.append("missed_resolve")
    if policy is not None and policy.repeat_reports is not None and c["reports"] >= policy.repeat_reports:
        reasons.append("repeat_reports")
    if reasons:
        return next_level(reasons, "escalate")
    # (4) hold
    cands = []
    if not c["responded"] and due_respond is not None and due_respond > now:
        cands.append(due_respond)
    if due_resolve is not None and due_resolve > now:
        cands.append(due_resolve)
    out.update({"action": "hold", "level": L})
    out.update(who(owner))
    out["reasons"] = []
    out["next_check"] = fmt_time(min(cands), b.tz) if cands else None
    return out


# ---------------------------------------------------------------------------------------------
# batch entry points

def _answer_lines(lines, answer, status_key):
    """Answers every non-blank line with answer(obj); a line's error is its `rejected` record."""
    outs = []
    for line in lines:
        if not line.strip(" \t\r"):
            continue
        try:
            obj = parse_line(line)
            iid = read_id(obj)
            if iid is None:
                raise LineError("id", None)
            try:
                outs.append(answer(obj))
            except LineError as e:
                outs.append({"id": iid, status_key: "rejected", "error": str(e.args[0])})
        except SkipLine:
            outs.append({"skip": True})
        except LineError as e:
            outs.append({"id": e.args[1] if len(e.args) > 1 else None, status_key: "rejected",
                         "error": str(e.args[0])})
    return outs


def route_lines(b, lines):
    return _answer_lines(lines, lambda obj: b.route(b.read_issue(obj)), "status")


def escalate_lines(b, lines, now):
    return _answer_lines(lines, lambda obj: evaluate(b, read_case(b, obj), now), "action")


def main(argv):
    if len(argv) < 3 or argv[0] not in ("route", "escalate"):
        print(__doc__.strip(), file=sys.stderr)
        return 2
    b = Bundle(argv[1])
    with open(argv[2], encoding="utf-8") as f:
        lines = f.read().split("\n")
    if argv[0] == "route":
        outs = route_lines(b, lines)
    else:
        now = parse_time(argv[argv.index("--now") + 1])
        outs = escalate_lines(b, lines, now)
    for o in outs:
        print(json.dumps(o, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
