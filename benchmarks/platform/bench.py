#!/usr/bin/env python3
"""Cases per second through PostgreSQL: `gridroute worker` with 1 and 2 workers, over a plain cases
table and over one partitioned by hash of id. Not a test: it prints figures (and writes them as JSON).

    bench.py --cli build/gridroute --shared ../shared [--cases 200000] [--batch 1000] [--partitions 8]
             [--runs 3] [--json out.json]

Each run: a fresh table of N cases made from the case lines of examples/shuangcheng (the lines that are
JSON; ids S0000000..), all due; the workers started together with --once; the time from their start to
the last one's exit. The server is a private cluster (tests/platform/pgcluster.py) with durable
settings (fsync, synchronous_commit and full_page_writes on). Besides the wall-clock rate it reports
the CPU time spent per case by the server and by the workers, which says what the same run would do on
an idle machine: the machine's cores divided by the CPU per case.
"""
import argparse
import json
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "tests", "platform"))
import pgcluster  # noqa: E402

NOW = "2026-11-23T10:00:00+08:00"
TICK = os.sysconf("SC_CLK_TCK")


def proc_cpu(pid, children=True):
    """CPU seconds of a process (and of its children it has waited for)."""
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    ut, st, cut, cst = (int(fields[i]) for i in (11, 12, 13, 14))
    return (ut + st + ((cut + cst) if children else 0)) / TICK


def server_cpu(pg):
    """CPU seconds of the postmaster, the backends it reaped, and the processes still running under it."""
    with open(os.path.join(pg.data, "postmaster.pid")) as f:
        pm = int(f.readline())
    total = proc_cpu(pm)
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                with open("/proc/%s/stat" % d) as f:
                    ppid = int(f.read().rsplit(")", 1)[1].split()[1])
                if ppid == pm:
                    total += proc_cpu(int(d), children=False)
            except (OSError, ValueError):
                pass
    return total


def prepare(pg, cli, shared, n, partitions):
    pg.psql("DROP TABLE IF EXISTS gridroute_cases, gridroute_events, bench_templates")
    argv = [cli, "db", "init", "--db", pg.dsn] + (["--partitions", str(partitions)] if partitions else [])
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    rows = []
    with open(os.path.join(shared, "examples", "shuangcheng", "cases.jsonl"), encoding="utf-8") as f:
        for line in f:
            try:
                json.loads(line)
            except ValueError:
                continue
            rows.append([str(len(rows)), line.strip()])
    pg.psql("CREATE TABLE bench_templates (k int PRIMARY KEY, doc jsonb NOT NULL)")
    pg.copy_in("bench_templates (k, doc)", rows)
    pg.psql("INSERT INTO gridroute_cases (id, doc, next_check) "
            "SELECT 'S' || lpad(g::text, 7, '0'), t.doc || jsonb_build_object('id', 'S' || lpad(g::text, 7, '0')), "
            "'%s' FROM generate_series(0, %d) g JOIN bench_templates t ON t.k = g %% %d"
            % (NOW, n - 1, len(rows)))
    pg.psql("VACUUM ANALYZE gridroute_cases")
    pg.psql("CHECKPOINT")


def run_once(pg, cli, shared, n, workers, batch, partitions):
    prepare(pg, cli, shared, n, partitions)
    bundle = os.path.join(shared, "examples", "shuangcheng")
    cpu0 = server_cpu(pg)
    ru0 = os.times()
    t0 = time.perf_counter()
    procs = [subprocess.Popen([cli, "worker", bundle, "--db", pg.dsn, "--once", "--now", NOW, "--batch", str(batch)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True) for _ in range(workers)]
    errs = [p.communicate()[1] for p in procs]
    wall = time.perf_counter() - t0
    ru1 = os.times()
    time.sleep(0.2)  # let the backends exit and be reaped
    cpu1 = server_cpu(pg)
    for p, e in zip(procs, errs):
        if p.returncode != 0:
            raise RuntimeError("worker exit %d: %s" % (p.returncode, e))
    events = int(pg.psql("SELECT count(*) FROM gridroute_events")[0])
    if events != n:
        raise RuntimeError("%d events for %d cases" % (events, n))
    worker_cpu = (ru1.children_user - ru0.children_user) + (ru1.children_system - ru0.children_system)
    return {"wall_s": wall, "cases_per_s": n / wall,
            "server_cpu_us_per_case": (cpu1 - cpu0) / n * 1e6,
            "worker_cpu_us_per_case": worker_cpu / n * 1e6}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--cli", required=True)
    ap.add_argument("--shared", required=True)
    ap.add_argument("--cases", type=int, default=200000)
    ap.add_argument("--batch", type=int, default=1000)
    ap.add_argument("--partitions", type=int, default=8)
    ap.add_argument("--workers", default="1,2")
    ap.add_argument("--runs", type=int, default=3, help="runs per configuration; the best is reported")
    ap.add_argument("--json", help="also write the figures here")
    args = ap.parse_args()
    cli = os.path.abspath(args.cli)
    shared = os.path.abspath(args.shared)
    with open("/proc/loadavg") as f:
        load_before = f.read().split()[0]
    results = []
    settings = {"fsync": "on", "synchronous_commit": "on", "full_page_writes": "on"}
    with pgcluster.Cluster(settings=settings) as pg:
        version = pg.psql("SHOW server_version")[0]
        print("PostgreSQL %s, %d cores, load average %s; %d cases, batches of %d, best of %d runs"
              % (version, os.cpu_count(), load_before, args.cases, args.batch, args.runs), flush=True)
        print("%-24s %8s %10s %12s %12s %14s" % ("table", "workers", "wall s", "cases/s", "server us", "worker us"))
        for layout, parts in (("plain", 0), ("hash x%d" % args.partitions, args.partitions)):
            for w in (int(x) for x in args.workers.split(",")):
                runs = [run_once(pg, cli, shared, args.cases, w, args.batch, parts) for _ in range(args.runs)]
                best = max(runs, key=lambda r: r["cases_per_s"])
                best.update(table=layout, workers=w, cases=args.cases, batch=args.batch,
                            all_cases_per_s=[round(r["cases_per_s"]) for r in runs])
                results.append(best)
                print("%-24s %8d %10.2f %12.0f %12.1f %14.1f   (runs: %s)"
                      % (layout, w, best["wall_s"], best["cases_per_s"], best["server_cpu_us_per_case"],
                         best["worker_cpu_us_per_case"], best["all_cases_per_s"]), flush=True)
    with open("/proc/loadavg") as f:
        print("load average after: %s" % f.read().split()[0])
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"postgres": version, "load_before": load_before, "results": results}, f, indent=1)


if __name__ == "__main__":
    main()
