#!/usr/bin/env python3
"""The Los Angeles 311 bundle of examples/la311 (examples/la311/README.md), built from the public data and run.

examples/la311/make_bundle.py builds the bundle from shared/data: the 99 neighbourhood councils as cells
(their 2019 polygons), the city's own table of request types and the agencies that own them as rules, the
311 centre as the fallback owner. This routes every MyLA311 request that has coordinates by its location
and compares the answer with what the city recorded: the agency (`owner`) and the council (`nc`). It also
checks the bundle's lint and that the compiled file answers byte for byte as the directory.

Usage: la311_test.py --bin GRIDROUTE --shared SHARED_DIR
"""
import argparse
import collections
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
MAKE = os.path.join(HERE, "..", "..", "examples", "la311", "make_bundle.py")
SANITATION = {"BOS", "LASAN"}  # the Sanitation Bureau, under either of its codes


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--shared", required=True)
    a = ap.parse_args()
    failures = []
    with tempfile.TemporaryDirectory() as tmp:
        bundle = os.path.join(tmp, "la311")
        made = subprocess.run([sys.executable, MAKE, os.path.join(a.shared, "data"), bundle], capture_output=True, text=True)
        if made.returncode != 0:
            print(made.stderr)
            return 1
        print("[ la311 ] " + made.stderr.strip())

        check = subprocess.run([a.bin, "check", bundle], capture_output=True, text=True)
        summary = [l for l in check.stdout.splitlines() if ": ok — " in l]
        print("[ la311 ] check: exit %d; %s" % (check.returncode, summary[0] if summary else check.stdout[-300:]))
        if check.returncode != 0:
            failures.append("check exited %d" % check.returncode)
        if "serves nothing routable" in check.stdout:
            failures.append("the fallback 311 centre is said to serve nothing")
        if "taken by the fallback owner 'ita' (defaults.fallback)" not in check.stdout:
            failures.append("check does not say that the fallback takes 'other' and 'feedback'")

        issues = os.path.join(bundle, "issues.jsonl")
        route = subprocess.run([a.bin, "route", bundle, issues, "--quiet"], capture_output=True, text=True)
        grb = os.path.join(tmp, "la311.grb")
        subprocess.run([a.bin, "compile", bundle, "-o", grb, "--quiet"], check=True)
        compiled = subprocess.run([a.bin, "route", grb, issues, "--quiet"], capture_output=True, text=True)
        if compiled.stdout != route.stdout:
            failures.append("the compiled file answers otherwise than the directory")

        # The city's own export through --map answers each located request as the issue lines do, and
        # rejects the requests without coordinates, saying so.
        mapped = subprocess.run([a.bin, "route", bundle, os.path.join(bundle, "orders.jsonl"), "--map",
                                 os.path.join(bundle, "platform-map.json"), "--quiet"], capture_output=True, text=True)
        direct = {json.loads(l)["id"]: l for l in route.stdout.splitlines()}
        same = without = other = 0
        for line in mapped.stdout.splitlines():
            d = json.loads(line)
            if d["id"] in direct:
                same += line == direct[d["id"]]
                other += line != direct[d["id"]]
            elif d["status"] == "rejected" and "are missing (mapped to 'location')" in d["error"]:
                without += 1
            else:
                other += 1
        print("[ la311 ] the city's export through --map: %d answered as the issue lines, %d without coordinates "
              "rejected, %d otherwise" % (same, without, other))
        if same != len(direct) or other:
            failures.append("--map: %d of %d the same, %d otherwise" % (same, len(direct), other))

        with open(issues, encoding="utf-8") as f:
            asked = [json.loads(l) for l in f]
        answers = [json.loads(l) for l in route.stdout.splitlines()]
        if len(answers) != len(asked):
            failures.append("%d answers for %d issues" % (len(answers), len(asked)))
        status = collections.Counter()
        owner = collections.Counter()
        council = collections.Counter()
        owner_misses = collections.Counter()
        for q, d in zip(asked, answers):
            if q["id"] != d["id"]:
                failures.append("answer %s for issue %s" % (d["id"], q["id"]))
                break
            status[d["status"] + (" by the fallback" if d.get("fallback") else "")] += 1
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
        print("[ la311 ] %d requests: %s" % (len(asked), dict(status)))
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
