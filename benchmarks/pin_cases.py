#!/usr/bin/env python3
"""Writes a bundle's case stream with every case pinned (SPEC §6.1), as a platform stores its cases after
each dispatch and escalation: `rule` and `handler` set to the rule and the owner of the case's current
level, found by evaluating the case at the start of its level (before anything fell due).

    benchmarks/pin_cases.py BUNDLE CASES.jsonl OUT.jsonl [--lib build-bench/capi/libgridroute.so]

The pinned stream is what `gridroute escalate` reads in the pinned-sweep figures of docs/performance.md.
Cases whose probe is not a `hold` (a level that resolves nobody, a rejected case) are written unpinned.
"""
import argparse
import collections
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("bundle")
    ap.add_argument("cases")
    ap.add_argument("out")
    ap.add_argument("--lib", help="libgridroute.so to use (default: the binding's search)")
    args = ap.parse_args()
    if args.lib:
        os.environ["GRIDROUTE_LIBRARY"] = os.path.abspath(args.lib)
    sys.path.insert(0, os.path.join(HERE, "..", "bindings", "python"))
    import gridroute  # noqa: E402

    with open(args.cases, encoding="utf-8") as f:
        lines = [line for line in f.read().splitlines() if line.strip()]
    cases = [json.loads(line) for line in lines]
    # One batch per start instant: the probe of a case is evaluated at its own level_started_at.
    by_start = collections.defaultdict(list)
    for i, c in enumerate(cases):
        by_start[c["level_started_at"]].append(i)
    pinned = 0
    with gridroute.Engine.load(args.bundle) as engine:
        # The rule a case was dispatched under is the one its issue routes to (every level follows it).
        issue_keys = ("id", "category", "cell", "location", "at", "attrs")
        for start in range(0, len(cases), 100_000):
            part = cases[start:start + 100_000]
            issues = "\n".join(json.dumps({k: c[k] for k in issue_keys if k in c}, ensure_ascii=False) for c in part)
            for c, out in zip(part, engine.route_jsonl(issues).splitlines()):
                d = json.loads(out)
                if d.get("status") == "routed" and d.get("rule"):
                    c["_rule"] = d["rule"]
        for start, idx in by_start.items():
            probes = []
            for i in idx:
                p = dict(cases[i])
                p.update(status="open", responded=False, reports=0)
                p.pop("rating", None)
                p.pop("_rule", None)
                probes.append(json.dumps(p, ensure_ascii=False))
            answers = engine.escalate_jsonl("\n".join(probes), start).splitlines()
            for i, out in zip(idx, answers):
                a = json.loads(out)
                if a.get("action") != "hold" or not a.get("handler"):
                    continue
                if "_rule" in cases[i]:
                    cases[i]["rule"] = cases[i]["_rule"]
                cases[i]["handler"] = a["handler"]
                pinned += 1
    with open(args.out, "w", encoding="utf-8") as f:
        for c in cases:
            c.pop("_rule", None)
            f.write(json.dumps(c, ensure_ascii=False, separators=(",", ":")) + "\n")
    print(f"{pinned} of {len(cases)} cases pinned -> {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
