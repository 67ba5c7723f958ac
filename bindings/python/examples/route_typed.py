#!/usr/bin/env python3
"""Routes every line of an issues.jsonl through the binding's typed API and prints one decision per line
with the contract fields (SPEC §4), so the binding can be compared with `gridroute route` on any bundle;
with --now, evaluates every line of a cases.jsonl at that time instead, as `gridroute escalate` does.

    python3 bindings/python/examples/route_typed.py BUNDLE ISSUES.jsonl
    python3 bindings/python/examples/route_typed.py BUNDLE CASES.jsonl --now 2026-12-07T10:00:00+08:00

Each line becomes a gridroute.Issue (or gridroute.Case, with the lifecycle of SPEC §6: pinned rule and
handler, returns, suspensions, extended_to), Engine.route (Engine.escalate) gives a gridroute.Decision
(gridroute.Action), and its typed fields are written back with to_dict(). A line that cannot become an
Issue or Case (not UTF-8, not JSON, not an object, a repeated key, a missing or mistyped field) is answered
as the CLI answers it: {"id", "status": "rejected", "error"} (or "action": "rejected"), the id null unless
the line is a JSON object with a string or integer id.
"""
import json
import sys

import gridroute

class Bad(Exception):
    def __init__(self, id_, message):
        super().__init__(message)
        self.id = id_


class _Object(dict):
    """A JSON object that remembers the keys it had more than once."""
    repeated = ()


def _pairs(seen):
    def hook(pairs):
        obj = _Object(pairs)
        if len(obj) != len(pairs):
            keys = [k for k, _ in pairs]
            obj.repeated = {k for k in keys if keys.count(k) > 1}
            seen.append(obj.repeated)
        return obj
    return hook


# A line's objects and lists nest at most this deep, the line's own object counting as one: as the
# engine reads a line (docs/security.md).
MAX_DEPTH = 32


def _depth(v):
    """How deep v's objects and lists nest (0 for a number or a string), without recursion."""
    deepest, stack = 0, [(v, 1)]
    while stack:
        x, d = stack.pop()
        if isinstance(x, dict):
            x = list(x.values())
        if isinstance(x, list):
            deepest = max(deepest, d)
            stack.extend((y, d + 1) for y in x)
    return deepest


def _no_constant(name):
    raise ValueError("%s is not JSON" % name)


def _well_formed(v):
    """Whether every string in v is valid Unicode (a \\u escape can encode half a surrogate pair)."""
    if isinstance(v, str):
        try:
            v.encode("utf-8")
            return True
        except UnicodeEncodeError:
            return False
    if isinstance(v, dict):
        return all(_well_formed(k) and _well_formed(x) for k, x in v.items())
    if isinstance(v, list):
        return all(_well_formed(x) for x in v)
    return True


def read_object(line):
    """The JSON object of one line (bytes), or raises Bad(id, error)."""
    try:
        text = line.decode("utf-8")
    except UnicodeDecodeError:
        raise Bad(None, "invalid UTF-8 in the line")
    repeated = []
    try:
        obj = json.loads(text, object_pairs_hook=_pairs(repeated), parse_constant=_no_constant)
    except ValueError as e:
        raise Bad(None, "invalid JSON: %s" % e)
    except RecursionError:  # thousands of levels: past Python's own stack, and the engine's limit too
        raise Bad(None, "invalid JSON: nested deeper than %d levels" % MAX_DEPTH)
    if _depth(obj) > MAX_DEPTH:
        raise Bad(None, "invalid JSON: nested deeper than %d levels" % MAX_DEPTH)
    if not _well_formed(obj):
        raise Bad(None, "invalid JSON: an unpaired surrogate in a \\u escape")
    if not isinstance(obj, dict):
        raise Bad(None, "a line must be a JSON object")
    if repeated:
        raise Bad(None if "id" in obj.repeated else line_id(obj), "duplicate key (a key may appear once in an object)")
    return obj


def line_id(obj):
    """The id of a line as the engine takes it (a string, or an integer of any length), else None."""
    v = obj.get("id")
    if isinstance(v, str) or (isinstance(v, int) and not isinstance(v, bool)):
        return v
    return None


def string(obj, id_, name, optional=False):
    if optional and obj.get(name) is None:  # null counts as absent (SPEC §6)
        return None
    if name not in obj:
        raise Bad(id_, "missing field '%s'" % name)
    v = obj[name]
    if not isinstance(v, str):
        raise Bad(id_, "field '%s' must be a string, got %s" % (name, json.dumps(v)))
    return v


def time(obj, id_, name, optional=False):
    """A time field as an aware datetime. A text that is not RFC 3339 with an offset stays a string: the
    engine reads it (as a local time, when the bundle allows them) or rejects it."""
    v = string(obj, id_, name, optional)
    if v is None:
        return None
    try:
        return gridroute.types.parse_rfc3339(v)
    except ValueError:
        return v


def integer(obj, id_, name, bits=64):
    """An integer field as the engine reads it: a JSON integer, or a number with an integral value (1.0) of
    at most 1e15."""
    if name not in obj:
        raise Bad(id_, "missing field '%s'" % name)
    v = obj[name]
    if isinstance(v, float) and v.is_integer() and abs(v) <= 1e15:
        v = int(v)
    if not isinstance(v, int) or isinstance(v, bool) or not -2**(bits - 1) <= v < 2**(bits - 1):
        raise Bad(id_, "field '%s' must be an integer, got %s" % (name, json.dumps(v)))
    return v


def read_issue(obj):
    """The gridroute.Issue of one line's object, or raises Bad(id, error)."""
    if "id" not in obj:
        raise Bad(None, "missing field 'id'")
    id_ = line_id(obj)
    if id_ is None:
        raise Bad(None, "field 'id' must be a string or an integer, got %s" % json.dumps(obj["id"]))
    category = string(obj, id_, "category")
    cell, location = obj.get("cell"), None
    if cell is None and obj.get("location") is not None:  # SPEC §7: a place instead of a cell
        location = obj["location"]
        if (not isinstance(location, list) or len(location) != 2
                or not all(isinstance(x, (int, float)) and not isinstance(x, bool) for x in location)):
            raise Bad(id_, "field 'location' must be [longitude, latitude], got %s" % json.dumps(location))
    else:
        cell = string(obj, id_, "cell")
    at = time(obj, id_, "at")
    attrs = obj.get("attrs")
    if attrs is not None and not isinstance(attrs, dict):
        raise Bad(id_, "field 'attrs' must be an object, got %s" % json.dumps(attrs))
    return gridroute.Issue(id_, category, cell, at, dict(attrs) if attrs is not None else None, location)


def entries(obj, id_, name, keys):
    """A lifecycle list (`returned`, `suspended`): None or a list of objects with only `keys`."""
    v = obj.get(name)
    if v is None:
        return []
    if not isinstance(v, list):
        raise Bad(id_, "field '%s' must be a list, got %s" % (name, json.dumps(v)))
    for i, e in enumerate(v):
        if not isinstance(e, dict):
            raise Bad(id_, "field '%s/%d' must be an object, got %s" % (name, i, json.dumps(e)))
        for k in e:
            if k not in keys:
                raise Bad(id_, "field '%s/%d': unknown field '%s'" % (name, i, k))
    return v


def read_case(obj):
    """The gridroute.Case of one line's object, or raises Bad(id, error)."""
    issue = read_issue(obj)
    id_ = issue.id
    level = integer(obj, id_, "level", 32)
    started = time(obj, id_, "level_started_at")
    if "responded" not in obj:
        raise Bad(id_, "missing field 'responded'")
    if not isinstance(obj["responded"], bool):
        raise Bad(id_, "field 'responded' must be true or false, got %s" % json.dumps(obj["responded"]))
    reports = integer(obj, id_, "reports")
    status = string(obj, id_, "status")
    if status not in ("open", "resolved"):
        raise Bad(id_, "field 'status' must be 'open' or 'resolved', got %s" % json.dumps(status))
    rating = integer(obj, id_, "rating", 32) if obj.get("rating") is not None else None
    returned = [gridroute.Return(string(e, id_, "handler"), time(e, id_, "at"), string(e, id_, "reason", True))
                for e in entries(obj, id_, "returned", ("handler", "at", "reason"))]
    suspended = [gridroute.Suspension(time(e, id_, "from"), time(e, id_, "to", True))
                 for e in entries(obj, id_, "suspended", ("from", "to"))]
    return gridroute.Case(issue, level, started, obj["responded"], reports, gridroute.CaseStatus(status), rating,
                          rule=string(obj, id_, "rule", True), handler=string(obj, id_, "handler", True),
                          returned=returned, suspended=suspended,
                          extended_to=time(obj, id_, "extended_to", True))


def answer(engine, line, now=None):
    """The answer to one line: a Decision (an Action with `now`), or the record of a line that is not an
    Issue (a Case)."""
    key = "status" if now is None else "action"
    try:
        obj = read_object(line)
        typed = read_issue(obj) if now is None else read_case(obj)
    except Bad as b:  # answered as the engine answers a bad line: with the bundle's digest too
        return {"id": b.id, key: "rejected", "error": str(b), "bundle": engine.digest()}
    try:
        result = engine.route(typed) if now is None else engine.escalate(typed, now)
    except gridroute.RejectedError as e:  # the engine's reason, typed
        result = e.decision if now is None else e.action
    return result.to_dict()


def lines(data):
    """Non-blank lines as the CLI splits them: '\\n' ends a line, a final '\\r' and a first-line BOM go."""
    for i, line in enumerate(data.split(b"\n")):
        if line.endswith(b"\r"):
            line = line[:-1]
        if i == 0 and line.startswith(b"\xef\xbb\xbf"):
            line = line[3:]
        if line.strip(b" \t"):
            yield line


def main(argv):
    args = argv[1:]
    now = None
    if len(args) == 4 and args[2] == "--now":
        try:
            now = gridroute.types.parse_rfc3339(args[3])
        except ValueError:
            print("--now: not an RFC 3339 time with an offset: %s" % args[3], file=sys.stderr)
            return 2
        args = args[:2]
    if len(args) != 2:
        print("usage: route_typed.py BUNDLE ISSUES.jsonl | BUNDLE CASES.jsonl --now TIME", file=sys.stderr)
        return 2
    try:
        with open(args[1], "rb") as f:
            data = f.read()
    except OSError as e:
        print("cannot read %s: %s" % (args[1], e), file=sys.stderr)
        return 3
    try:
        engine = gridroute.Engine.load(args[0])
    except gridroute.BundleError as e:
        for d in e.diagnostics:
            print(d.text, file=sys.stderr)
        print(e.message, file=sys.stderr)
        return 1
    out = sys.stdout.buffer
    with engine:
        for line in lines(data):
            out.write(json.dumps(answer(engine, line, now), ensure_ascii=False).encode("utf-8") + b"\n")
    out.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
