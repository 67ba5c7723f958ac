#!/usr/bin/env python3
"""Checks gridroute's decisions on the peers workload against the generator's expected.jsonl.

  check_expected.py DECISIONS.jsonl EXPECTED.jsonl

A decision matches when its issue id is "i<id>", its rule is "r<rule>" (or it is unrouted where the
expected rule is null) and its role (role:department for partner departments) is the expected
handler_role. Prints a summary line and the first mismatches (line, issue, expected vs actual); exits 1
when any line differs."""
import json
import sys


def main():
    got_path, exp_path = sys.argv[1], sys.argv[2]
    n = bad = 0
    first = []
    with open(got_path) as g, open(exp_path) as e:
        for n, (gl, el) in enumerate(zip(g, e), start=1):
            d, x = json.loads(gl), json.loads(el)
            want_rule = x["rule"]
            want_role = x["handler_role"]
            if d.get("status") == "routed":
                got_rule = int(d["rule"][1:]) if d["rule"].startswith("r") else d["rule"]
                got_role = d["role"] + (":" + d["department"] if "department" in d else "")
            else:
                got_rule, got_role = None, None
            ok = d.get("id") == "i%d" % x["id"] and got_rule == want_rule and got_role == want_role
            if not ok:
                bad += 1
                if len(first) < 20:
                    first.append("line %d issue %s: expected rule %s (%s), got %s (%s) status=%s %s" % (
                        n, x["id"], want_rule, want_role, got_rule, got_role, d.get("status"),
                        d.get("reason") or d.get("error") or ""))
        extra_g = sum(1 for _ in g)
        extra_e = sum(1 for _ in e)
    if extra_g or extra_e:
        first.append("line counts differ: %d extra decisions, %d extra expected lines" % (extra_g, extra_e))
        bad += max(extra_g, extra_e)
    print("check vs expected.jsonl: %d decisions, %d mismatches%s" % (n, bad, "" if bad else " (exact match)"))
    for line in first:
        print("  MISMATCH " + line)
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
