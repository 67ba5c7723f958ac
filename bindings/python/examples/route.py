#!/usr/bin/env python3
"""Routes every issue of a bundle's issues.jsonl and escalates its cases: the Python binding in brief.

    python3 bindings/python/examples/route.py examples/lanxi
"""
import os
import sys

import gridroute

bundle = sys.argv[1] if len(sys.argv) > 1 else "examples/lanxi"
print("gridroute", gridroute.version())
with gridroute.Engine.load(bundle) as engine:
    print("lint findings:", len(engine.check()))
    with open(os.path.join(bundle, "issues.jsonl"), "rb") as f:
        for d in engine.route_many(f):
            print(d["id"], d["status"], d.get("handler") or d.get("reason") or d.get("error"), d.get("resolve_by", ""))
    with open(os.path.join(bundle, "NOW.txt")) as f:
        now = f.read().strip()
    with open(os.path.join(bundle, "cases.jsonl"), "rb") as f:
        for a in engine.escalate_many(f, now):
            print(a["id"], a["action"], a.get("handler", a.get("error")), a.get("reasons", []))
