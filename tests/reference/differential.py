#!/usr/bin/env python3
"""Differential test: the gridroute CLI against the Python reference (gridref.py).

    tests/reference/differential.py --seed S --bundles N --bin PATH [--issues K] [--cases K]
                                    [--keep DIR] [--golden [--shared DIR]]

For each of N random bundles (seeds S, S+1, ...) it writes the bundle, K issues and K cases, runs
`gridroute check`, `gridroute route` and `gridroute escalate --now T` (for two values of T), and compares
every answer with the reference on the contract fields (as shared/tools/compare_jsonl.py does, and
`error` texts are not compared).  Disagreeing bundles are kept under --keep (default
/tmp/gridroute-differential) with their inputs and both outputs.  --golden also checks the reference
against the golden examples first.  Exits 1 on any disagreement.
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import gen  # noqa: E402
import gridref  # noqa: E402

ROUTE_FIELDS = ["id", "status", "rule", "role", "department", "handler", "unit", "alternates", "assist",
                "level", "escalation", "respond_by", "resolve_by", "fallback"]
ESC_FIELDS = ["id", "action", "level", "handler", "role", "department", "reasons", "next_check",
              "respond_by", "resolve_by", "assist", "repinned"]
TIME_FIELDS = {"respond_by", "resolve_by", "next_check"}
NOWS = 3  # escalate runs per bundle, each at its own --now


def norm(field, v, mode):
    if field in ("fallback", "repinned"):
        return bool(v)
    if field == "assist" and mode == "escalate" and v is None:
        return []
    if field in TIME_FIELDS and isinstance(v, str):
        try:
            return gridref.parse_time(v)
        except gridref.LineError:
            return v
    if field == "reasons" and isinstance(v, list):
        return sorted(v)
    return v


def offset_problems(act, tz):
    """SPEC §3.4: times are written in the jurisdiction's time zone."""
    out = []
    for f in TIME_FIELDS:
        v = act.get(f)
        if isinstance(v, str):
            try:
                t = gridref.parse_time(v)
            except gridref.LineError:
                out.append((f + " (format)", "RFC 3339", v))
                continue
            if gridref.fmt_time(t, tz)[-6:] != v[-6:] and not (v[-1:] in "Zz" and not t.astimezone(tz).utcoffset()):
                out.append((f + " (offset)", gridref.fmt_time(t, tz), v))
    return out


def diff_line(mode, ref, act, tz=None):
    key = "status" if mode == "route" else "action"
    fields = ROUTE_FIELDS if mode == "route" else ESC_FIELDS
    if ref.get(key) in ("rejected", "unrouted") or act.get(key) in ("rejected", "unrouted"):
        fields = ["id", key]
    out = []
    for f in fields:
        a, b = norm(f, ref.get(f), mode), norm(f, act.get(f), mode)
        if a != b or type(a) is not type(b) and not (a is None and b is None):
            out.append((f, ref.get(f), act.get(f)))
    if tz is not None:
        out += offset_problems(act, tz)
    return out


def run(cmd, stdin=None):
    p = subprocess.run(cmd, input=stdin, capture_output=True, text=True)
    return p.returncode, p.stdout, p.stderr


def golden_examples(shared):
    """The bundles with golden answers under the shared folder: examples/* and examples-1.1/*."""
    out = []
    for group in ("examples", "examples-1.1"):
        root = os.path.join(shared, group)
        if os.path.isdir(root):
            for name in sorted(os.listdir(root)):
                d = os.path.join(root, name)
                if all(os.path.isfile(os.path.join(d, f)) for f in ("jurisdiction.json", "NOW.txt", "issues.jsonl",
                                                                   "cases.jsonl")):
                    out.append(d)
    return out


def golden(shared):
    ok = True
    examples = golden_examples(shared)
    if not examples:
        print("golden: no examples under %s" % shared)
    for d in examples:
        ex = os.path.relpath(d, shared)
        with open(os.path.join(d, "NOW.txt"), encoding="utf-8") as f:
            now = f.read().strip()
        b = gridref.Bundle(d)
        for mode, inp, exp in (("route", "issues.jsonl", "expected-route.jsonl"),
                               ("escalate", "cases.jsonl", "expected-escalate.jsonl")):
            lines = open(os.path.join(d, inp), encoding="utf-8").read().split("\n")
            outs = gridref.route_lines(b, lines) if mode == "route" else \
                gridref.escalate_lines(b, lines, gridref.parse_time(now))
            exps = [json.loads(x) for x in open(os.path.join(d, exp), encoding="utf-8").read().split("\n") if x]
            bad = sum(1 for o, e in zip(outs, exps) if diff_line(mode, o, e)) + abs(len(outs) - len(exps))
            print("golden %s %s: %d/%d agree" % (ex, mode, len(exps) - bad, len(exps)))
            ok = ok and bad == 0
    return ok


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--bundles", type=int, default=100)
    ap.add_argument("--bin", default=os.path.join(HERE, "..", "..", "build", "gridroute"))
    ap.add_argument("--issues", type=int, default=30)
    ap.add_argument("--cases", type=int, default=40)
    ap.add_argument("--keep", default=os.path.join(tempfile.gettempdir(), "gridroute-differential"))
    ap.add_argument("--golden", action="store_true")
    ap.add_argument("--shared", default=os.environ.get("GRIDROUTE_SHARED_DIR",
                                                       os.path.join(HERE, "..", "..", "..", "shared")),
                    help="the folder holding examples/ and examples-1.1/ (for --golden)")
    ap.add_argument("--max-show", type=int, default=10)
    ap.add_argument("--quiet", action="store_true")
    a = ap.parse_args()

    if a.golden and not golden(a.shared):
        print("the reference disagrees with the golden examples")
        return 1
    n_issues = n_cases = 0
    bad_lines = 0
    bad_bundles = []
    bundle_errors = 0
    shown = 0
    work = tempfile.mkdtemp(prefix="gridref-")
    # a private copy, so that a rebuild during a long run does not swap the binary under it
    binpath = os.path.join(work, "gridroute")
    shutil.copy2(a.bin, binpath)
    a.bin = binpath
    actions = {}
    for seed in range(a.seed, a.seed + a.bundles):
        g = gen.Gen(seed)
        files = g.bundle()
        bdir = os.path.join(work, "b%d" % seed)
        shutil.rmtree(bdir, ignore_errors=True)
        gen.write_bundle(files, bdir)
        rc, out, err = run([a.bin, "check", bdir])
        if rc != 0:
            bundle_errors += 1
            bad_bundles.append(seed)
            if shown < a.max_show:
                shown += 1
                print("seed %d: gridroute check exits %d:\n%s" % (seed, rc, err.strip()[:2000]))
            keep(a.keep, seed, bdir, {})
            continue
        ref = gridref.Bundle(bdir)
        issues = [g.maybe_break(g.issue(i)[0]) for i in range(a.issues)]
        nows = [g.now() for _ in range(NOWS)]
        cases = [g.maybe_break(g.case(i, ref, nows[i % NOWS]), case=True) for i in range(a.cases)]
        iss_text = "\n".join(json.dumps(x, ensure_ascii=False) for x in issues) + "\n"
        rc, out, err = run([a.bin, "route", bdir, "-"], iss_text)
        acts = [json.loads(x) for x in out.split("\n") if x]
        refs = gridref.route_lines(ref, iss_text.split("\n"))
        problems = []
        if len(acts) != len(refs):
            problems.append("route: %d lines from the CLI, %d from the reference (rc %d: %s)" %
                            (len(acts), len(refs), rc, err.strip()[:300]))
        for i, (r, c) in enumerate(zip(refs, acts)):
            d = diff_line("route", r, c, ref.tz)
            if d:
                problems.append("route line %d %s: %s" % (i + 1, json.dumps(issues[i], ensure_ascii=False),
                                                          "; ".join("%s: ref %s, cli %s" % (f, json.dumps(x),
                                                                    json.dumps(y)) for f, x, y in d)))
        n_issues += len(refs)
        case_texts = {}
        for k, now in enumerate(nows):
            sel = cases[k::NOWS]
            text = "\n".join(json.dumps(x, ensure_ascii=False) for x in sel) + "\n"
            nows_s = gridref.fmt_time(now, gridref.UTC)
            case_texts["cases-%d.jsonl" % k] = (nows_s, text)
            rc, out, err = run([a.bin, "escalate", bdir, "-", "--now", nows_s], text)
            acts = [json.loads(x) for x in out.split("\n") if x]
            refs = gridref.escalate_lines(ref, text.split("\n"), now)
            if len(acts) != len(refs):
                problems.append("escalate: %d lines from the CLI, %d from the reference (rc %d: %s)" %
                                (len(acts), len(refs), rc, err.strip()[:300]))
            for i, (r, c) in enumerate(zip(refs, acts)):
                actions[r.get("action")] = actions.get(r.get("action"), 0) + 1
                d = diff_line("escalate", r, c, ref.tz)
                if d:
                    problems.append("escalate --now %s line %d %s: %s" % (
                        nows_s, i + 1, json.dumps(sel[i], ensure_ascii=False),
                        "; ".join("%s: ref %s, cli %s" % (f, json.dumps(x, ensure_ascii=False),
                                                         json.dumps(y, ensure_ascii=False)) for f, x, y in d)))
            n_cases += len(refs)
        if problems:
            bad_bundles.append(seed)
            bad_lines += len(problems)
            keep(a.keep, seed, bdir, dict(case_texts, **{"issues.jsonl": (None, iss_text)}))
            for p in problems:
                if shown < a.max_show:
                    shown += 1
                    print("seed %d: %s" % (seed, p))
    shutil.rmtree(work, ignore_errors=True)
    print("differential: %d bundles (seeds %d..%d), %d issue lines, %d case lines (%s); "
          "%d bundles refused by check, %d disagreeing lines in %d bundles%s" % (
              a.bundles, a.seed, a.seed + a.bundles - 1, n_issues, n_cases,
              ", ".join("%s %d" % kv for kv in sorted(actions.items(), key=lambda kv: str(kv[0]))),
              bundle_errors, bad_lines, len(bad_bundles),
              (" (kept in %s: seeds %s)" % (a.keep, " ".join(map(str, bad_bundles[:30])))) if bad_bundles else ""))
    return 1 if bad_bundles else 0


def keep(root, seed, bdir, texts):
    d = os.path.join(root, "seed-%d" % seed)
    shutil.rmtree(d, ignore_errors=True)
    shutil.copytree(bdir, os.path.join(d, "bundle"))
    for name, (now, text) in texts.items():
        with open(os.path.join(d, name), "w", encoding="utf-8") as f:
            f.write(text)
        if now:
            with open(os.path.join(d, name + ".now"), "w") as f:
                f.write(now + "\n")


if __name__ == "__main__":
    sys.exit(main())
