"""What the tests of the city bundles (examples/la311, nyc311, sf311) share: building a bundle, checking
it, and the two ways of routing it that must answer byte for byte as its issue lines do (a compiled file,
and the city's own export read through --map)."""
import argparse
import collections
import json
import os
import subprocess
import sys


def run(*args, **kw):
    return subprocess.run(list(args), capture_output=True, text=True, **kw)


def args():
    """The tests' command line: --bin GRIDROUTE --shared SHARED_DIR."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--shared", required=True)
    return ap.parse_args()


def make(make_py, shared, out, *extra):
    """Runs the example's make_bundle.py; its stderr (the summary line), or None when it failed."""
    made = run(sys.executable, make_py, os.path.join(shared, "data"), out, *extra)
    if made.returncode != 0:
        print(made.stderr)
        return None
    return made.stderr.strip()


def check(cli, bundle, tag, failures, fallback):
    """gridroute check: exit 0, the fallback owner `fallback` takes what no rule routes and is not said to
    serve nothing. Returns its output."""
    r = run(cli, "check", bundle)
    summary = [l for l in r.stdout.splitlines() if ": ok — " in l]
    print("[ %s ] check: exit %d; %s" % (tag, r.returncode, summary[0] if summary else r.stdout[-300:]))
    if r.returncode != 0:
        failures.append("check exited %d: %s" % (r.returncode, r.stderr[-500:]))
    if "serves nothing routable" in r.stdout:
        failures.append("the fallback 311 centre is said to serve nothing")
    if "taken by the fallback owner '%s' (defaults.fallback)" % fallback not in r.stdout:
        failures.append("check does not say that the fallback takes what no rule routes")
    return r.stdout


def same_from_compiled(cli, bundle, issues, tmp, answers, failures):
    """A compiled file of the bundle answers the issue lines byte for byte as the directory did."""
    grb = os.path.join(tmp, os.path.basename(bundle) + ".grb")
    subprocess.run([cli, "compile", bundle, "-o", grb, "--quiet"], check=True)
    if run(cli, "route", grb, issues, "--quiet").stdout != answers:
        failures.append("the compiled file answers otherwise than the directory")


def same_through_map(cli, bundle, answers, tag, failures):
    """The city's export (orders.jsonl) through --map platform-map.json answers each located request as its
    issue line does, and rejects the requests without coordinates, saying so."""
    mapped = run(cli, "route", bundle, os.path.join(bundle, "orders.jsonl"), "--map",
                 os.path.join(bundle, "platform-map.json"), "--quiet")
    direct = {json.loads(l)["id"]: l for l in answers.splitlines()}
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
    print("[ %s ] the city's export through --map: %d answered as the issue lines, %d without coordinates "
          "rejected, %d otherwise" % (tag, same, without, other))
    if same != len(direct) or other or without == 0:
        failures.append("--map: %d of %d the same, %d without coordinates, %d otherwise"
                        % (same, len(direct), without, other))


def answered(issues, answers, failures):
    """The issue lines with their answers, in order, and the answers counted by status (routed by the
    fallback apart); a missing or misplaced answer is a failure."""
    with open(issues, encoding="utf-8") as f:
        asked = [json.loads(l) for l in f]
    decided = [json.loads(l) for l in answers.splitlines()]
    if len(decided) != len(asked):
        failures.append("%d answers for %d issues" % (len(decided), len(asked)))
    pairs, status = [], collections.Counter()
    for q, d in zip(asked, decided):
        if q["id"] != d["id"]:
            failures.append("answer %s for issue %s" % (d["id"], q["id"]))
            break
        status[d["status"] + (" by the fallback" if d.get("fallback") else "")] += 1
        pairs.append((q, d))
    return pairs, status
