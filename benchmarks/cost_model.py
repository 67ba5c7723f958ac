#!/usr/bin/env python3
"""The cost model of loading a bundle (docs/security.md): what each unit, handler, rule, category and
calendar costs in memory and time, measured end to end.

For each dimension it writes bundles of growing size (everything else small and fixed), loads each with
`gridroute route BUNDLE /dev/null` (load, compile, route nothing) in a child process, and records the
wall time and the child's peak resident memory (getrusage; the child is started from a small helper
interpreter, whose few MB the baseline includes). A least-squares line through the points
gives the cost per item; the peak over the file size gives the memory per byte of bundle. Python 3
standard library only.

  benchmarks/cost_model.py build/gridroute                 # the table of docs/security.md
  benchmarks/cost_model.py build/gridroute --scale 0.2     # quicker, smaller bundles
  benchmarks/cost_model.py build/gridroute --only calendars star --json out.json

The "star" dimension is the adversarial bundle of docs/security.md: N categories and 1,000 rules whose
pattern is `*` (each rule a candidate of every category); "prefix" is N categories each with its own
exact rule besides 500 prefix rules that all of them match; "check" times `gridroute check` (load and
lint) on N conditional rules that name one code, without a taxonomy.
"""
import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time

JURISDICTION = {
    "format": "gridroute.jurisdiction/1",
    "timezone": "Europe/Berlin",
    "tiers": ["community", "area", "cell"],
    "units_csv": "units.csv",
    "handlers_csv": "handlers.csv",
}


def write_bundle(d, cells=100, handlers=None, rules=None, categories=None, calendars=0, star_rules=0,
                 prefix_rules=0, exact_per_category=False, taxonomy=True, conditional_code_rules=0):
    os.makedirs(d, exist_ok=True)
    areas = max(1, cells // 100)
    with open(os.path.join(d, "units.csv"), "w") as f:
        f.write("id,parent,tier,name\nc,,community,\n")
        for a in range(areas):
            f.write("a%d,c,area,\n" % a)
        for i in range(cells):
            f.write("x%d,a%d,cell,\n" % (i, i % areas))
    with open(os.path.join(d, "handlers.csv"), "w") as f:
        f.write("id,role,department,serves,name,calendar\nh,resident_council,,c,,\n")
        for i in range(handlers or 0):
            f.write("p%d,property_manager,,x%d,,%s\n" % (i, i % cells, ("cal%d" % (i % calendars)) if calendars else ""))
    j = dict(JURISDICTION)
    j["units"] = []
    j["handlers"] = []
    with open(os.path.join(d, "jurisdiction.json"), "w") as f:
        json.dump(j, f)
    ncat = categories if categories is not None else 20
    codes = ["g%d.s%d.c%d" % (i % 7, i % 3, i) for i in range(ncat)]
    r = {"format": "gridroute.rules/1", "attributes": {"severity": "number"},
         "categories": [{"code": c} for c in codes],
         "defaults": {"sla": {"respond": "4wh", "resolve": "5wd"}}, "rules": []}
    if calendars:
        r["calendars"] = [{"id": "cal%d" % i, "weekdays": [1, 2, 3, 4, 5], "hours": [["08:30", "12:00"], ["13:30", "17:30"]],
                           "holidays": ["2026-10-0%d" % k for k in range(1, 8)], "workdays": ["2026-09-27"]}
                          for i in range(calendars)]
    n = rules if rules is not None else 10
    for i in range(n):
        r["rules"].append({"id": "r%d" % i, "priority": i % 3, "categories": [codes[i % len(codes)]] if codes else ["*"],
                           "scope": "x%d" % (i % cells) if i % 2 else "c",
                           "when": {"attr": "severity", "ge": i % 5}, "route": ["property_manager", "resident_council"]})
    for i in range(star_rules):
        r["rules"].append({"id": "s%d" % i, "categories": ["*"], "when": {"attr": "severity", "ge": i},
                           "route": ["resident_council"]})
    for i in range(prefix_rules):
        r["rules"].append({"id": "p%d" % i, "priority": 1, "categories": ["g%d.*" % (i % 7)], "route": ["resident_council"]})
    if exact_per_category:
        for i, c in enumerate(codes):
            r["rules"].append({"id": "e%d" % i, "categories": [c, "*"], "scope": "x%d" % (i % cells),
                               "route": ["resident_council"]})
    for i in range(conditional_code_rules):
        r["rules"].append({"id": "w%d" % i, "scope": "x%d" % (i % cells) if i % 2 else "c", "categories": [codes[0]],
                           "when": {"attr": "severity", "ge": i}, "route": ["resident_council"]})
    if not taxonomy:
        del r["categories"]
    if not r["rules"]:
        r["rules"].append({"id": "any", "categories": ["*"], "route": ["resident_council"]})
    with open(os.path.join(d, "rules.json"), "w") as f:
        json.dump(r, f, separators=(",", ":"))
    return sum(os.path.getsize(os.path.join(d, n)) for n in os.listdir(d))


# Runs argv[1:] as a child of a fresh, small interpreter and prints its wall seconds, peak RSS (KiB) and
# exit status. A process started straight from this script would carry this script's own peak (the bundle
# it just wrote) into its ru_maxrss: Linux keeps the high-water mark across exec.
_SPAWN = """import os, sys, time
t = time.perf_counter()
pid = os.fork()
if pid == 0:
    os.execv(sys.argv[1], sys.argv[1:])
_, status, usage = os.wait4(pid, 0)
print(time.perf_counter() - t, usage.ru_maxrss, os.waitstatus_to_exitcode(status))
"""


def measure(exe, d, command="route"):
    """Wall seconds and peak RSS bytes of loading bundle `d` in a child process (`check`: and linting it)."""
    args = [exe, "route", d, "/dev/null"] if command == "route" else [exe, "check", d]
    p = subprocess.run([sys.executable, "-S", "-c", _SPAWN] + args, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    wall, rss_kib, code = p.stdout.decode().split()[-3:]
    if int(code) != 0:
        err = p.stderr.decode("utf-8", "replace")
        raise SystemExit("gridroute %s %s failed (%s):\n%s" % (command, d, code, err[:2000]))
    return float(wall), int(rss_kib) * 1024


def fit(xs, ys):
    """Slope and intercept of the least-squares line."""
    n = len(xs)
    mx, my = sum(xs) / n, sum(ys) / n
    sxx = sum((x - mx) ** 2 for x in xs)
    slope = sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sxx if sxx else 0.0
    return slope, my - slope * mx


def dimensions(scale):
    s = lambda n: max(1, int(n * scale))
    return {
        "units": ("cell", [s(n) for n in (100_000, 200_000, 400_000)], lambda n: dict(cells=n)),
        "handlers": ("handler", [s(n) for n in (50_000, 100_000, 200_000)], lambda n: dict(cells=1000, handlers=n)),
        "rules": ("rule", [s(n) for n in (25_000, 50_000, 100_000)], lambda n: dict(cells=1000, categories=200, rules=n)),
        "categories": ("category", [s(n) for n in (25_000, 50_000, 100_000)], lambda n: dict(categories=n, rules=10)),
        "calendars": ("calendar", [s(n) for n in (2_500, 5_000, 10_000)],
                      lambda n: dict(cells=1000, handlers=1000, calendars=n)),
        "star": ("category", [s(n) for n in (10_000, 20_000, 40_000)],
                 lambda n: dict(categories=n, rules=0, star_rules=1000)),
        "prefix": ("category", [s(n) for n in (5_000, 10_000, 20_000)],
                   lambda n: dict(cells=1000, categories=n, rules=0, prefix_rules=500, exact_per_category=True)),
        # `gridroute check` (load and lint) on N conditional rules naming one code, without a taxonomy.
        "check": ("rule", [s(n) for n in (2_000, 4_000, 8_000)],
                  lambda n: dict(cells=1000, rules=0, taxonomy=False, conditional_code_rules=n), "check"),
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("gridroute", help="the gridroute executable")
    ap.add_argument("--scale", type=float, default=1.0, help="multiply every size (default 1)")
    ap.add_argument("--only", nargs="*", help="dimensions to measure (default all)")
    ap.add_argument("--json", help="also write the raw points here")
    ap.add_argument("--repeat", type=int, default=3, help="runs per point; the fastest counts (default 3)")
    args = ap.parse_args()
    exe = os.path.abspath(args.gridroute)
    dims = dimensions(args.scale)
    chosen = args.only or list(dims)
    tmp = tempfile.mkdtemp(prefix="gridroute-cost-")
    raw = {}
    try:
        base_dir = os.path.join(tmp, "base")
        write_bundle(base_dir)
        base_wall, base_rss = min(measure(exe, base_dir) for _ in range(args.repeat))
        print("baseline: %.1f ms, %.1f MB peak (a tiny bundle)" % (base_wall * 1e3, base_rss / 2**20))
        print()
        print("| dimension | per | sizes | time per item | memory per item (peak) | peak at the largest | peak / file size |")
        print("|---|---|---|---|---|---|---|")
        for name in chosen:
            unit, sizes, params = dims[name][:3]
            command = dims[name][3] if len(dims[name]) > 3 else "route"
            points = []
            for n in sizes:
                d = os.path.join(tmp, "%s-%d" % (name, n))
                size = write_bundle(d, **params(n))
                wall, rss = min(measure(exe, d, command) for _ in range(args.repeat))
                points.append({"n": n, "bytes": size, "seconds": wall, "peak_rss": rss})
                shutil.rmtree(d)
            raw[name] = points
            xs = [p["n"] for p in points]
            t_slope, _ = fit(xs, [p["seconds"] for p in points])
            m_slope, _ = fit(xs, [p["peak_rss"] for p in points])
            last = points[-1]
            print("| %s | %s | %s | %.2f µs | %.0f B | %.0f MB in %.2f s | %.1f× of %.1f MB |" % (
                name, unit, " / ".join("{:,}".format(n) for n in sizes), t_slope * 1e6, m_slope,
                last["peak_rss"] / 2**20, last["seconds"], last["peak_rss"] / last["bytes"], last["bytes"] / 2**20))
            sys.stdout.flush()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"baseline": {"seconds": base_wall, "peak_rss": base_rss}, "points": raw}, f, indent=1)


if __name__ == "__main__":
    main()
