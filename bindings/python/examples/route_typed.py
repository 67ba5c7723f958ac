#!/usr/bin/env python3
"""Routes every line of an issues.jsonl through the binding's issue API and prints one decision per line
with the contract fields (SPEC §4), so the binding can be compared with `gridroute route` on any bundle.

    python3 bindings/python/examples/route_typed.py BUNDLE ISSUES.jsonl

Each line becomes an issue dict ({"id", "category", "cell", "at", "attrs"}), Engine.route() gives the
decision dict, and its contract fields are written back. A line that cannot become an issue (not UTF-8, not
JSON, not an object, a repeated key, a missing or mistyped field) is answered as the CLI answers it:
{"id", "status": "rejected", "error"}, the id null unless the line is a JSON object with a string id.
"""
import json
import sys

import gridroute

ROUTED_FIELDS = ["rule", "role", "department", "handler", "unit", "alternates", "assist", "level", "escalation",
                 "respond_by", "resolve_by", "fallback"]


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


def read_issue(line):
    """The issue dict of one line (bytes), or raises Bad(id, error)."""
    try:
        text = line.decode("utf-8")
    except UnicodeDecodeError:
        raise Bad(None, "invalid UTF-8 in the line")
    repeated = []
    try:
        obj = json.loads(text, object_pairs_hook=_pairs(repeated), parse_constant=_no_constant)
    except ValueError as e:
        raise Bad(None, "invalid JSON: %s" % e)
    if not _well_formed(obj):
        raise Bad(None, "invalid JSON: an unpaired surrogate in a \\u escape")
    if not isinstance(obj, dict):
        raise Bad(None, "a line must be a JSON object")
    id_ = obj.get("id") if isinstance(obj.get("id"), str) else None
    if repeated:
        raise Bad(None if "id" in obj.repeated else id_, "duplicate key (a key may appear once in an object)")
    if "id" not in obj:
        raise Bad(None, "missing field 'id'")
    if id_ is None:
        raise Bad(None, "field 'id' must be a string, got %s" % json.dumps(obj["id"]))
    issue = {"id": id_}
    for name in ("category", "cell", "at"):
        if name not in obj:
            raise Bad(id_, "missing field '%s'" % name)
        if not isinstance(obj[name], str):
            raise Bad(id_, "field '%s' must be a string, got %s" % (name, json.dumps(obj[name])))
        issue[name] = obj[name]
    try:
        gridroute.parse_time(issue["at"])
    except gridroute.GridrouteError:
        raise Bad(id_, "field 'at' must be an RFC 3339 time with an offset, got %s" % json.dumps(issue["at"]))
    attrs = obj.get("attrs")
    if attrs is not None:
        if not isinstance(attrs, dict):
            raise Bad(id_, "field 'attrs' must be an object, got %s" % json.dumps(attrs))
        issue["attrs"] = dict(attrs)
    return issue


def answer(engine, line):
    try:
        issue = read_issue(line)
    except Bad as b:
        return {"id": b.id, "status": "rejected", "error": str(b)}
    try:
        d = engine.route(issue)
    except gridroute.GridrouteError as e:  # RejectedError: the engine's reason
        return {"id": issue["id"], "status": "rejected", "error": e.message}
    out = {"id": issue["id"], "status": d["status"]}
    if d["status"] == "unrouted":
        out["reason"] = d.get("reason")
    else:
        for f in ROUTED_FIELDS:
            if f in d:
                out[f] = d[f]
    return out


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
    if len(argv) != 3:
        print("usage: route_typed.py BUNDLE ISSUES.jsonl", file=sys.stderr)
        return 2
    try:
        with open(argv[2], "rb") as f:
            data = f.read()
    except OSError as e:
        print("cannot read %s: %s" % (argv[2], e), file=sys.stderr)
        return 3
    try:
        engine = gridroute.Engine.load(argv[1])
    except gridroute.BundleError as e:
        for d in e.diagnostics:
            print(d.text, file=sys.stderr)
        print(e.message, file=sys.stderr)
        return 1
    out = sys.stdout.buffer
    with engine:
        for line in lines(data):
            out.write(json.dumps(answer(engine, line), ensure_ascii=False).encode("utf-8") + b"\n")
    out.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
