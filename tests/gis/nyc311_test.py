#!/usr/bin/env python3
"""The New York City 311 bundle of examples/nyc311 (examples/nyc311/README.md), built from the public data and run.

examples/nyc311/make_bundle.py builds the bundle from shared/data: the 71 community districts of 2013 as
cells, the agency that handled most requests of each complaint type as its rule, the 311 centre (OTI) as the
fallback owner of the rare types. This routes every request that has coordinates by its location and
compares the answer with what the city recorded: the agency (`agency`) and the community district
(`community_board`). It also checks the bundle's lint, that the compiled file answers byte for byte as the
directory, and that the city's export read through the map answers as the issue lines do.

Usage: nyc311_test.py --bin GRIDROUTE --shared SHARED_DIR
"""
import collections
import json
import os
import sys
import tempfile

import city311

HERE = os.path.dirname(os.path.abspath(__file__))
MAKE = os.path.join(HERE, "..", "..", "examples", "nyc311", "make_bundle.py")
CONSUMER = {"DCWP", "DCA"}  # the Department of Consumer and Worker Protection, under its former code too


def main():
    a = city311.args()
    failures = []
    with tempfile.TemporaryDirectory() as tmp:
        bundle = os.path.join(tmp, "nyc311")
        made = city311.make(MAKE, a.shared, bundle)
        if made is None:
            return 1
        print("[ nyc311 ] " + made)
        check_out = city311.check(a.bin, bundle, "nyc311", failures, "oti")
        if "overlaps that of cell" in check_out:  # the 2013 districts do not overlap (README: 210 and 228)
            failures.append("check calls two districts overlapping: " + check_out[-400:])

        issues = os.path.join(bundle, "issues.jsonl")
        route = city311.run(a.bin, "route", bundle, issues, "--quiet")
        city311.same_from_compiled(a.bin, bundle, issues, tmp, route.stdout, failures)
        city311.same_through_map(a.bin, bundle, route.stdout, "nyc311", failures)

        pairs, status = city311.answered(issues, route.stdout, failures)
        owner = collections.Counter()
        district = collections.Counter()
        district_misses = collections.Counter()
        owner_misses = collections.Counter()
        for q, d in pairs:
            if d["status"] != "routed":
                continue
            got, want = d.get("department"), q["expect_owner"]
            agree = got == want or (got in CONSUMER and want in CONSUMER)
            owner["agree" if agree else "differ"] += 1
            if not agree:
                owner_misses["%s: city %s, bundle %s" % ("fallback" if d.get("fallback") else q["category"], want, got)] += 1
            if q["expect_cd"]:
                district["agree" if d.get("cell") == q["expect_cd"] else "differ"] += 1
                if d.get("cell") != q["expect_cd"]:
                    district_misses["city %s, bundle %s" % (q["expect_cd"], d.get("cell"))] += 1
        rate = lambda c: c["agree"] / max(1, c["agree"] + c["differ"])
        print("[ nyc311 ] %d requests: %s" % (len(pairs), dict(status)))
        print("[ nyc311 ] agency as the city recorded it: %d of %d (%.2f%%); the others: %s" % (
            owner["agree"], owner["agree"] + owner["differ"], 100 * rate(owner), dict(owner_misses.most_common(5))))
        print("[ nyc311 ] community district as the city recorded it: %d of %d (%.2f%%); the others: %s" % (
            district["agree"], district["agree"] + district["differ"], 100 * rate(district),
            dict(district_misses.most_common(5))))
        if rate(owner) < 0.99:
            failures.append("agency agreement %.4f < 0.99" % rate(owner))
        if rate(district) < 0.985:
            failures.append("community district agreement %.4f < 0.985" % rate(district))
        if district["agree"] + district["differ"] < 10000:
            failures.append("only %d requests compared by district" % (district["agree"] + district["differ"]))
        if status["routed by the fallback"] < 40:
            failures.append("only %d requests went to the fallback owner" % status["routed by the fallback"])
    for f in failures:
        print("FAIL: " + f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
