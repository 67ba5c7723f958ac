#!/usr/bin/env python3
"""The Los Angeles 311 bundle of examples/la311 (examples/la311/README.md), built from the public data and run.

examples/la311/make_bundle.py builds the bundle from shared/data: the 99 neighbourhood councils as cells
(their 2019 polygons), the city's own table of request types and the agencies that own them as rules, the
311 centre as the fallback owner. This routes every MyLA311 request that has coordinates by its location
and compares the answer with what the city recorded: the agency (`owner`) and the council (`nc`). It also
checks the bundle's lint and that the compiled file answers byte for byte as the directory.

Usage: la311_test.py --bin GRIDROUTE --shared SHARED_DIR
"""
import collections
import json
import os
import sys
import tempfile

import city311

HERE = os.path.dirname(os.path.abspath(__file__))
MAKE = os.path.join(HERE, "..", "..", "examples", "la311", "make_bundle.py")
SANITATION = {"BOS", "LASAN"}  # the Sanitation Bureau, under either of its codes


def main():
    a = city311.args()
    failures = []
    with tempfile.TemporaryDirectory() as tmp:
        bundle = os.path.join(tmp, "la311")
        made = city311.make(MAKE, a.shared, bundle)
        if made is None:
            return 1
        print("[ la311 ] " + made)
        city311.check(a.bin, bundle, "la311", failures, "ita")

        issues = os.path.join(bundle, "issues.jsonl")
        route = city311.run(a.bin, "route", bundle, issues, "--quiet")
        city311.same_from_compiled(a.bin, bundle, issues, tmp, route.stdout, failures)
        city311.same_through_map(a.bin, bundle, route.stdout, "la311", failures)

        pairs, status = city311.answered(issues, route.stdout, failures)
        owner = collections.Counter()
        council = collections.Counter()
        owner_misses = collections.Counter()
        for q, d in pairs:
            if d["status"] != "routed":
                continue
            got, want = d.get("department"), q["expect_owner"]
            same = got == want or (got == "BOS" and want in SANITATION)
            owner["agree" if same else "differ"] += 1
            if not same:
                owner_misses["%s: city %s, bundle %s" % (q["category"], want, got)] += 1
            if q["expect_nc"]:
                council["agree" if d.get("cell") == q["expect_nc"] else "differ"] += 1
        rate = lambda c: c["agree"] / max(1, c["agree"] + c["differ"])
        print("[ la311 ] %d requests: %s" % (len(pairs), dict(status)))
        print("[ la311 ] agency as the city recorded it: %d of %d (%.2f%%); the others: %s" % (
            owner["agree"], owner["agree"] + owner["differ"], 100 * rate(owner), dict(owner_misses.most_common(5))))
        print("[ la311 ] council as the city recorded it: %d of %d (%.2f%%)" % (
            council["agree"], council["agree"] + council["differ"], 100 * rate(council)))
        if rate(owner) < 0.99:
            failures.append("agency agreement %.4f < 0.99" % rate(owner))
        if rate(council) < 0.98:
            failures.append("council agreement %.4f < 0.98" % rate(council))
        if status["routed by the fallback"] < 500:
            failures.append("only %d requests went to the fallback owner" % status["routed by the fallback"])
    for f in failures:
        print("FAIL: " + f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
