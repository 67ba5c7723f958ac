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
    print("bundle", engine.digest(), "lint findings:", len(engine.check()))
    with open(os.path.join(bundle, "issues.jsonl"), "rb") as f:
        for d in engine.route_many(f):  # one gridroute.Decision per line
            owner = "fallback " + d.handler if d.fallback else d.handler
            print(d.id, d.status, owner or d.reason or d.error, d.resolve_by.isoformat() if d.resolve_by else "")
    with open(os.path.join(bundle, "NOW.txt")) as f:
        now = f.read().strip()
    with open(os.path.join(bundle, "cases.jsonl"), "rb") as f:
        for a in engine.escalate_many(f, now):  # one gridroute.Action per line
            print(a.id, a.action, a.handler if a.action != gridroute.ActionKind.REJECTED else a.error,
                  [str(r) for r in a.reasons])
