#!/usr/bin/env python3
"""Differential test: each binding's typed path against the gridroute CLI, on random inputs.

    tests/reference/bindings_differential.py --seed S --bundles N [--langs c,python,go,java]
                                             [--java-bundles M] [--issues K] [--cases K] [--keep DIR]

For each of N random bundles (seeds S, S+1, ...; the bundles, issues, cases and --now values are those
that differential.py makes for the same seeds) it writes the bundle, its issue lines and its case lines,
then for every language runs bindings/tests/compare_with_cli.sh: once on the issues (`route`) and once per
--now on the cases (`escalate`).  Every line where the typed driver and the CLI differ on a contract field
(compare_jsonl.py) or on the bundle digest is collected; the disagreeing bundles are kept under --keep
(default /tmp/gridroute-bindings-differential) with their inputs and both outputs.  --java-bundles limits
Java (slow to start) to the first M bundles.  The C, Go and Java typed paths carry instants only, so in a
bundle with `"local_times": true` they get the lines with their offset-less times written with the
jurisdiction's offset (counted in the summary); Python gets the lines as they are.  Exits 1 on any
mismatch.

Environment (as compare_with_cli.sh needs it): GRIDROUTE_BUILD_DIR, GRIDROUTE_CLI, GRIDROUTE_COMPARE_JSONL;
defaults: build/ of this checkout, build/gridroute, ../shared/tools/compare_jsonl.py.  The build is used
as it is (GRIDROUTE_NO_BUILD=1).
"""
import argparse
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, HERE)

import gen  # noqa: E402
import gridref  # noqa: E402

NOWS = 3  # as differential.py: the cases are split over three --now values
LANGS = ("c", "python", "go", "java")
# The typed paths of these languages carry instants (microseconds since the epoch): an offset-less local
# time (contract 1.1, `"local_times": true`) has no typed form, and their drivers reject such a line.  In a
# bundle with local times they are given the same lines with every offset-less time written with the
# jurisdiction's offset (the same instant), and the lines that needed it are counted as not expressible.
INSTANT_ONLY = ("c", "go", "java")
TIME_KEYS = ("at", "level_started_at", "extended_to")


def with_offsets(obj, tz):
    """(the line with every offset-less time rewritten with tz's offset, whether any was)."""
    if not isinstance(obj, dict):
        return obj, False
    changed = [False]

    def fix(v):
        if isinstance(v, str) and gridref.TS_RE.fullmatch(v) and not gridref.TS_RE.fullmatch(v).group(8):
            try:
                t = gridref.parse_time(v, tz)
            except gridref.LineError:
                return v
            changed[0] = True
            return gridref.fmt_time(t, tz)
        return v

    out = dict(obj)
    for k in TIME_KEYS:
        if k in out:
            out[k] = fix(out[k])
    for k, sub in (("returned", ("at",)), ("suspended", ("from", "to"))):
        if isinstance(out.get(k), list):
            out[k] = [dict(e, **{x: fix(e[x]) for x in sub if x in e}) if isinstance(e, dict) else e
                      for e in out[k]]
    return out, changed[0]


def load_compare(path):
    spec = importlib.util.spec_from_file_location("compare_jsonl", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def read_jsonl(path):
    out = []
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            for ln in f:
                if ln.strip():
                    try:
                        out.append(json.loads(ln))
                    except ValueError:
                        out.append(ln.rstrip("\n"))
    except OSError:
        pass
    return out


def input_lines(text):
    return [ln for ln in text.split("\n") if ln.strip(" \t\r")]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--bundles", type=int, default=20)
    ap.add_argument("--langs", default="c,python,go,java")
    ap.add_argument("--java-bundles", type=int, default=None, help="run Java on the first M bundles only")
    ap.add_argument("--issues", type=int, default=30)
    ap.add_argument("--cases", type=int, default=40)
    ap.add_argument("--keep", default=os.path.join(tempfile.gettempdir(), "gridroute-bindings-differential"))
    ap.add_argument("--max-show", type=int, default=20)
    a = ap.parse_args()
    langs = [x for x in a.langs.split(",") if x]
    for lg in langs:
        if lg not in LANGS:
            ap.error("unknown language %r (c, python, go, java)" % lg)

    env = dict(os.environ)
    env.setdefault("GRIDROUTE_BUILD_DIR", os.path.join(ROOT, "build"))
    env.setdefault("GRIDROUTE_CLI", os.path.join(env["GRIDROUTE_BUILD_DIR"], "gridroute"))
    env.setdefault("GRIDROUTE_COMPARE_JSONL", os.path.join(ROOT, "..", "shared", "tools", "compare_jsonl.py"))
    env["GRIDROUTE_NO_BUILD"] = "1"
    compare = load_compare(env["GRIDROUTE_COMPARE_JSONL"])
    script = os.path.join(ROOT, "bindings", "tests", "compare_with_cli.sh")

    work = tempfile.mkdtemp(prefix="gridroute-bdiff-")
    # a private copy of what the drivers run, so that a rebuild during a long run swaps nothing under it
    snapshot_build(env, os.path.join(work, "build"))
    cli = env["GRIDROUTE_CLI"]
    stats = {lg: {"bundles": 0, "issues": 0, "cases": 0, "mismatches": 0, "failures": 0, "skipped": False,
                  "local": 0}
             for lg in langs}
    bundles = refused = 0
    bad_seeds = []
    shown = 0

    def show(msg):
        nonlocal shown
        if shown < a.max_show:
            shown += 1
            print(msg, flush=True)

    for n, seed in enumerate(range(a.seed, a.seed + a.bundles)):
        g = gen.Gen(seed)
        files = g.bundle()
        bdir = os.path.join(work, "b%d" % seed)
        shutil.rmtree(bdir, ignore_errors=True)
        gen.write_bundle(files, bdir)
        p = subprocess.run([cli, "check", bdir], capture_output=True, text=True)
        if p.returncode != 0:
            refused += 1
            continue
        bundles += 1
        ref = gridref.Bundle(bdir)
        # the same draws, in the same order, as differential.py
        issues = [g.maybe_break(g.issue(i)[0]) for i in range(a.issues)]
        nows = [g.now() for _ in range(NOWS)]
        cases = [g.maybe_break(g.case(i, ref, nows[i % NOWS]), case=True) for i in range(a.cases)]
        inputs = [("route", "issues.jsonl", None,
                   "\n".join(json.dumps(x, ensure_ascii=False) for x in issues) + "\n")]
        for k, now in enumerate(nows):
            inputs.append(("escalate", "cases-%d.jsonl" % k, gridref.fmt_time(now, gridref.UTC),
                           "\n".join(json.dumps(x, ensure_ascii=False) for x in cases[k::NOWS]) + "\n"))
        local = bool(json.loads(files["jurisdiction.json"]).get("local_times"))
        nlocal = 0
        if local:  # the inputs of the instant-only typed paths: the same instants, with offsets
            tz = gridref.ZoneInfo(json.loads(files["jurisdiction.json"])["timezone"])
            for mode, name, now, text in list(inputs):
                objs = []
                for ln in input_lines(text):
                    o, ch = with_offsets(json.loads(ln), tz)
                    nlocal += ch
                    objs.append(o)
                inputs.append((mode, "off-" + name, now, "\n".join(json.dumps(x, ensure_ascii=False)
                                                                   for x in objs) + "\n"))
        idir = os.path.join(work, "in%d" % seed)
        os.makedirs(idir, exist_ok=True)
        for _, name, _, text in inputs:
            with open(os.path.join(idir, name), "w", encoding="utf-8") as f:
                f.write(text)
        problems = []
        outputs = {}
        for lg in langs:
            if lg == "java" and a.java_bundles is not None and n >= a.java_bundles:
                continue
            st = stats[lg]
            if st["skipped"]:
                continue
            st["bundles"] += 1
            if local and lg in INSTANT_ONLY:
                st["local"] += nlocal
            for mode, name, now, text in inputs:
                if local and (lg in INSTANT_ONLY) != name.startswith("off-"):
                    continue
                # a name of its own per seed, so that the driver's output folder is too
                ipath = os.path.join(idir, name)
                cmd = [script, lg, bdir, ipath] + (["--now", now] if now else [])
                p = subprocess.run(cmd, capture_output=True, text=True, env=env)
                if p.stdout.startswith("SKIP"):
                    st["skipped"] = True
                    print("%s: %s" % (lg, p.stdout.strip()), flush=True)
                    break
                lines = input_lines(text)
                st["issues" if mode == "route" else "cases"] += len(lines)
                out = os.path.join(env["GRIDROUTE_BUILD_DIR"], "bindings", "out",
                                   "%s-%s-%s-%s" % (lg, mode, os.path.basename(bdir), name[:-len(".jsonl")]))
                mine = read_jsonl(os.path.join(out, lg + ".jsonl"))
                theirs = read_jsonl(os.path.join(out, "cli.jsonl"))
                outputs[(lg, name)] = (mine, theirs)
                shutil.rmtree(out, ignore_errors=True)  # one folder per run: do not let them pile up
                if p.stdout.startswith("FAIL"):
                    st["failures"] += 1
                    problems.append("%s %s %s%s: %s" % (lg, mode, name, " --now " + now if now else "",
                                                        p.stdout.strip()[:1500]))
                    continue
                nbad = 0
                for i, ln in enumerate(lines):
                    exp = theirs[i] if i < len(theirs) else None
                    act = mine[i] if i < len(mine) else None
                    if not isinstance(exp, dict):
                        diffs = [("(line)", "a CLI line", exp)]
                    elif act is None:
                        diffs = [("(line)", "a line", "missing")]
                    else:
                        diffs = compare.compare_line(mode, exp, act)
                        if isinstance(act, dict) and act.get("bundle") != exp.get("bundle"):
                            diffs.append(("bundle", exp.get("bundle"), act.get("bundle")))
                    if diffs:
                        nbad += 1
                        problems.append("%s %s%s line %d %s: %s" % (
                            lg, mode, " --now " + now if now else "", i + 1, ln,
                            "; ".join("%s: cli %s, %s %s" % (f, json.dumps(e, ensure_ascii=False), lg,
                                                              json.dumps(x, ensure_ascii=False))
                                      for f, e, x in diffs)))
                if len(mine) > len(lines):
                    nbad += 1
                    problems.append("%s %s %s: %d extra lines" % (lg, mode, name, len(mine) - len(lines)))
                if nbad == 0 and p.returncode != 0:
                    nbad += 1
                    problems.append("%s %s %s: compare_with_cli.sh exits %d:\n%s" % (
                        lg, mode, name, p.returncode, p.stdout.strip()[:1500]))
                st["mismatches"] += nbad
        if problems:
            bad_seeds.append(seed)
            keep(a.keep, seed, bdir, inputs, outputs)
            for pr in problems:
                show("seed %d: %s" % (seed, pr))
        shutil.rmtree(bdir, ignore_errors=True)
        shutil.rmtree(idir, ignore_errors=True)
    shutil.rmtree(work, ignore_errors=True)
    per = "; ".join("%s: %d bundles, %d issue + %d case lines (%d with local times given with offsets), "
                    "%d mismatching, %d failed runs%s" % (
        lg, s["bundles"], s["issues"], s["cases"], s["local"], s["mismatches"], s["failures"],
        " (SKIPPED)" if s["skipped"] else "") for lg, s in stats.items())
    print("bindings-differential: %d bundles (seeds %d..%d, %d refused by check); %s%s" % (
        bundles, a.seed, a.seed + a.bundles - 1, refused, per,
        (" -- kept in %s: seeds %s" % (a.keep, " ".join(map(str, bad_seeds[:30])))) if bad_seeds else ""))
    return 1 if bad_seeds else 0


def snapshot_build(env, dst):
    """Copies the CLI, the library, the C and Go drivers and the Java jars to dst, and points env at them
    (GRIDROUTE_BUILD_DIR, GRIDROUTE_CLI, LD_LIBRARY_PATH ahead of the drivers' run path)."""
    src = env["GRIDROUTE_BUILD_DIR"]
    os.makedirs(os.path.join(dst, "capi"))
    os.makedirs(os.path.join(dst, "bindings", "java"))
    shutil.copy2(env["GRIDROUTE_CLI"], os.path.join(dst, "gridroute"))
    for name in os.listdir(os.path.join(src, "capi")):
        if name.startswith("libgridroute.so"):
            shutil.copy2(os.path.join(src, "capi", name), os.path.join(dst, "capi", name), follow_symlinks=False)
    for name in ("route_typed_c", "route_typed_go"):
        if os.path.exists(os.path.join(src, "bindings", name)):
            shutil.copy2(os.path.join(src, "bindings", name), os.path.join(dst, "bindings", name))
    cp = os.path.join(src, "bindings", "java", "classpath.txt")
    if os.path.exists(cp):
        jars = []
        for j in open(cp).read().strip().split(":"):
            if os.path.dirname(os.path.abspath(j)) == os.path.abspath(os.path.join(src, "bindings", "java")):
                shutil.copy2(j, os.path.join(dst, "bindings", "java", os.path.basename(j)))
                j = os.path.join(dst, "bindings", "java", os.path.basename(j))
            jars.append(j)
        with open(os.path.join(dst, "bindings", "java", "classpath.txt"), "w") as f:
            f.write(":".join(jars) + "\n")
    env["GRIDROUTE_BUILD_DIR"] = dst
    env["GRIDROUTE_CLI"] = os.path.join(dst, "gridroute")
    env["LD_LIBRARY_PATH"] = os.path.join(dst, "capi") + (":" + env["LD_LIBRARY_PATH"] if env.get("LD_LIBRARY_PATH") else "")


def keep(root, seed, bdir, inputs, outputs):
    d = os.path.join(root, "seed-%d" % seed)
    shutil.rmtree(d, ignore_errors=True)
    shutil.copytree(bdir, os.path.join(d, "bundle"))
    for _, name, now, text in inputs:
        with open(os.path.join(d, name), "w", encoding="utf-8") as f:
            f.write(text)
        if now:
            with open(os.path.join(d, name + ".now"), "w") as f:
                f.write(now + "\n")
    for (lg, name), (mine, theirs) in outputs.items():
        base = name[:-len(".jsonl")]
        for who, objs in ((lg, mine), ("cli", theirs)):
            with open(os.path.join(d, "%s.%s.jsonl" % (base, who)), "w", encoding="utf-8") as f:
                for o in objs:
                    f.write((json.dumps(o, ensure_ascii=False) if not isinstance(o, str) else o) + "\n")


if __name__ == "__main__":
    sys.exit(main())
