#!/usr/bin/env python3
"""Summarizes a benchmarks/run_all.sh run as Markdown: the targets of issue #5 with the measured figure,
the scaling curve S -> L (XL, real), the CLI end to end, the peers, and every benchmark line.

  summarize.py RESULTS_DIR BUILD_DIR"""
import json
import os
import sys

res_dir, build = sys.argv[1], sys.argv[2]


def load(path, default=None):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return default


bench = load(os.path.join(res_dir, "bench.json"), {"benchmarks": []})["benchmarks"]
hyper = load(os.path.join(res_dir, "cli-hyperfine.json"), {"results": []})["results"]
rss = load(os.path.join(res_dir, "cli-rss.json"), [])
peers = []
if os.path.exists(os.path.join(build, "peers-results.jsonl")):
    peers = [json.loads(l) for l in open(os.path.join(build, "peers-results.jsonl")) if l.strip()]


def get(prefix, field=None, agg="median"):
    """The entry whose name starts with prefix + '/' (or equals it): the `agg` aggregate when the benchmark
    has repetitions, else its single run."""
    hits = [b for b in bench if b["name"] == prefix or b["name"].startswith(prefix + "/")]
    if not hits:
        return None
    aggs = [b for b in hits if b.get("run_type") == "aggregate" and b.get("aggregate_name") == agg]
    b = aggs[0] if aggs else [h for h in hits if h.get("run_type") != "aggregate"][0]
    return b if field is None else b.get(field)


def get_threads(prefix, threads):
    for b in bench:
        if b["name"].startswith(prefix + "/") and b["name"].endswith("/threads:%d" % threads):
            return b
    return None


def fmt_rate(x):
    if x is None:
        return "–"
    if x >= 1e6:
        return "%.2f M/s" % (x / 1e6)
    if x >= 1e3:
        return "%.0f k/s" % (x / 1e3)
    return "%.0f /s" % x


def ns_per(x):
    return "–" if not x else "%.0f ns" % (1e9 / x)


def to_ms(b):
    if not b:
        return None
    t = b["real_time"]
    u = b.get("time_unit", "ns")
    return t * {"ns": 1e-6, "us": 1e-3, "ms": 1, "s": 1e3}[u]


def hyper_mean(name):
    """(median wall s, mean wall s, stddev, mean user+system CPU s) of a hyperfine command."""
    for r in hyper:
        if r["command"] == name:
            return r["median"], r["mean"], r["stddev"] or 0, r["user"] + r["system"]
    return None


def status(ok):
    return "met" if ok else "**missed**"


machine = open(os.path.join(res_dir, "machine.txt")).read() if os.path.exists(os.path.join(res_dir, "machine.txt")) else ""
print("## Machine\n\n```\n" + machine.strip() + "\n```\n")
# The machine's own baseline in the same run (bench_machine.cpp): one dependent load at random. The
# routing figures below are also given in such loads, which compares runs on machines whose memory differs.
latency = {m: get("MemoryLatency/MiB:%d/huge:0" % m, "ns_per_load") for m in (8, 32, 256)}
if latency[256]:
    print("One dependent load at random, ordinary pages (`MemoryLatency/…/huge:0`): " +
          ", ".join("%d MiB %.0f ns" % (m, v) for m, v in latency.items() if v) + ".\n")


def in_loads(rate):
    """A rate's time per item in dependent loads of 256 MiB measured in the same run, or ''."""
    return "; %.2f loads of 256 MiB" % (1e9 / rate / latency[256]) if rate and latency[256] else ""



# ---- targets (L, single thread unless stated)
rows = []
r = get("Route/L/snapshot", "items_per_second")
rows.append(("routing, C++ API, string ids (Snapshot::route)", ">= 5 M/s (<= 200 ns)",
             "%s (%s)" % (fmt_rate(r), ns_per(r)), status(r and r >= 5e6)))
rb = get("RouteBatch/L", "items_per_second")
if rb:
    rows.append(("routing, C++ API, string ids, batched (Snapshot::route_batch, 256 per call)", ">= 5 M/s (<= 200 ns)",
                 "%s (%s%s)" % (fmt_rate(rb), ns_per(rb), in_loads(rb)), status(rb >= 5e6)))
rbc = get("RouteBatchInCells/L", "items_per_second")
if rbc:
    rows.append(("routing batched, cells by number (Snapshot::route_batch_in_cells)", ">= 5 M/s (<= 200 ns)",
                 "%s (%s%s)" % (fmt_rate(rbc), ns_per(rbc), in_loads(rbc)), status(rbc >= 5e6)))
for name, what in (("RouteBatchFresh/L", "by cell id"), ("RouteBatchInCellsFresh/L", "by cell number")):
    rf = get(name, "items_per_second")
    if rf:
        rows.append(("routing batched %s, each batch's issues written just before (as a parser leaves them)" % what,
                     ">= 5 M/s (<= 200 ns)", "%s (%s%s)" % (fmt_rate(rf), ns_per(rf), in_loads(rf)), status(rf >= 5e6)))
rh = get("RouteHot/L", "items_per_second")
if rh:
    rows.append(("routing with every table in cache (1,024 issues cycled): the CPU floor", "–",
                 "%s (%s)" % (fmt_rate(rh), ns_per(rh)), ""))
r2 = get("Route/L/engine", "items_per_second")
rows.append(("routing through Engine::route", ">= 5 M/s", "%s (%s)" % (fmt_rate(r2), ns_per(r2)), status(r2 and r2 >= 5e6)))
lat = get("RouteLatency/L")
if lat:
    rows.append(("routing latency p50 / p99 / p99.9", "p99 <= 1 us",
                 "%.0f / %.0f / %.0f ns" % (lat["p50_ns"], lat["p99_ns"], lat["p999_ns"]), status(lat["p99_ns"] <= 1000)))
c = get("CApiVsCpp/L")
if c:
    rows.append(("C ABI struct fast path vs C++ Engine::route", "within 10%",
                 "%.3f× (C %s, C++ %s)" % (c["capi_vs_cpp"], fmt_rate(c["dps_capi"]), fmt_rate(c["dps_cpp"])),
                 status(c["capi_vs_cpp"] >= 0.9)))
    if "capi_vs_cpp_with_ids" in c:
        rows.append(("C ABI struct fast path vs a C++ caller that reads the rule, handler and unit ids", "within 10%",
                     "%.3f× (C++ %s)" % (c["capi_vs_cpp_with_ids"], fmt_rate(c["dps_cpp_with_ids"])),
                     status(c["capi_vs_cpp_with_ids"] >= 0.9)))
else:
    rows.append(("C ABI struct fast path vs C++", "within 10%", "not built (no C ABI library)", "–"))
cb = get("CApiBatch/L")
if cb and cb.get("ns_cpp_batch_in_cells_with_ids"):
    r = cb["ns_capi_batch_by_number"] / cb["ns_cpp_batch_in_cells_with_ids"]
    rows.append(("C batch by number vs C++ route_batch_in_cells reading the same ids (issues built before)", "within 10%",
                 "%.2f× (C %.0f ns, C++ %.0f ns)" % (r, cb["ns_capi_batch_by_number"], cb["ns_cpp_batch_in_cells_with_ids"]),
                 status(r <= 1.1)))
cf = get("CApiBatchFresh/L")
if cf:
    rows.append(("the same, each batch's issues written just before it is routed", "within 10%",
                 "%.2f× (C %.0f ns, C++ %.0f ns)" % (cf["capi_vs_cpp_fresh"], cf["ns_capi_fresh_by_number"],
                                                    cf["ns_cpp_fresh_in_cells_with_ids"]),
                 status(cf["capi_vs_cpp_fresh"] <= 1.1)))
h = hyper_mean("route L 1M")
hl = hyper_mean("load L")
if h:
    n = 1e6
    e2e = n / h[0]
    steady = n / max(h[0] - (hl[0] if hl else 0), 1e-9)
    e2e_cpu = n / h[3]
    steady_cpu = n / max(h[3] - (hl[3] if hl else 0), 1e-9)
    rows.append(("`gridroute route` end to end, 1M issues (incl. load)", ">= 1 M issues/s",
                 "%s wall (%.2f s); %s per CPU-s (%.2f s user+sys)" % (fmt_rate(e2e), h[0], fmt_rate(e2e_cpu), h[3]),
                 status(max(e2e, e2e_cpu) >= 1e6)))
    rows.append(("`gridroute route`, 1M issues, excluding the load", ">= 1 M issues/s",
                 "%s wall; %s per CPU-s" % (fmt_rate(steady), fmt_rate(steady_cpu)), status(max(steady, steady_cpu) >= 1e6)))
lc = get("LoadCompile/L")
if lc:
    rows.append(("load + compile, 1M cells (in process, median)", "<= 3 s", "%.2f s" % (to_ms(lc) / 1e3), status(to_ms(lc) <= 3000)))
if hl:
    rows.append(("load + compile, 1M cells (`gridroute route L /dev/null`)", "<= 3 s",
                 "%.2f s wall, %.2f s user+sys" % (hl[0], hl[3]), status(min(hl[0], hl[3]) <= 3)))
for x in rss:
    if x["size"] == "L":
        rows.append(("peak RSS of load + compile, 1M cells", "<= 1 GiB", "%.0f MiB" % (x["load_peak_rss_kib"] / 1024),
                     status(x["load_peak_rss_kib"] <= 1024 * 1024)))
if lc:
    rows.append(("compiled snapshot size per cell (all of it, rules included)", "<= 200 B/cell + rules",
                 "%.0f B/cell (%.0f MB)" % (lc["bytes_per_cell"], lc["snapshot_MB"]), status(lc["bytes_per_cell"] <= 200)))
sw = get("Sweep/L/threads:1")
if sw:
    rows.append(("escalation sweep, 1M cases, 1 thread", ">= 5 M cases/s", fmt_rate(sw["items_per_second"]),
                 status(sw["items_per_second"] >= 5e6)))
sw2 = get("Sweep/L/threads:2")
if sw2:
    rows.append(("escalation sweep, 1M cases, 2 threads (wall)", "–", fmt_rate(sw2["items_per_second"]), ""))
s10 = get("Sweep10M/L/threads:1")
if s10:
    rows.append(("escalation sweep, 10M cases (10 × 1M), 1 thread", ">= 5 M cases/s",
                 "%s (%.1f s)" % (fmt_rate(s10["items_per_second"]), to_ms(s10) / 1e3), status(s10["items_per_second"] >= 5e6)))
for d in ("2wh", "3wd", "40wh", "10wd", "2h"):
    ca = get("CalendarAdd/" + d, "items_per_second")
    if ca:
        rows.append(("deadline arithmetic Calendar::add(%s)" % d, ">= 10 M/s", "%s (%s)" % (fmt_rate(ca), ns_per(ca)),
                     status(ca >= 1e7)))
sc = get("Scaling/L/snapshot")
if sc:
    rows.append(("2 threads vs 1 (Snapshot::route), wall clock", ">= 1.8×",
                 "%.2f× (threads got %.0f%% of 2 cores)" % (sc["speedup_wall"], 100 * sc["cpu_share_2t"]),
                 status(sc["speedup_wall"] >= 1.8)))
    rows.append(("2 threads vs 1, per CPU-second (2 × per-thread efficiency)", ">= 1.8×",
                 "%.2f×" % sc["speedup_cpu_norm"], status(sc["speedup_cpu_norm"] >= 1.8)))
sce = get("Scaling/L/engine")
if sce:
    rows.append(("2 threads vs 1 (Engine::route), per CPU-second", ">= 1.8×", "%.2f× (wall %.2f×)" % (
        sce["speedup_cpu_norm"], sce["speedup_wall"]), status(sce["speedup_cpu_norm"] >= 1.8)))
for rd in (1, 2):
    hs = get("HotSwap/L/readers:%d" % rd)
    if hs:
        drop = 1 - hs["storm_vs_no_swap"]
        rows.append(("hot swap every 10 ms, %d reader(s): throughput vs no swaps" % rd, "drop <= 5%",
                     "%.3f× wall, %.3f× per CPU-s; slowest call %.0f us vs %.0f us without swaps" % (
                         hs["storm_vs_no_swap"], hs["storm_vs_no_swap_cpu"], hs["max_us_storm"], hs["max_us_no_swap"]),
                     status(hs["storm_vs_no_swap_cpu"] >= 0.95)))
for th in (1, 2):
    a, b = get_threads("SnapshotLoad/no_swap", th), get_threads("SnapshotLoad/storm", th)
    if a and b:
        rows.append(("Engine::snapshot() alone, %d thread(s): no swaps / storm" % th, "–",
                     "%.0f ns / %.0f ns (lock-free: %s)" % (a["cpu_time"], b["cpu_time"], "yes" if b.get("lock_free") else "no"), ""))
print("## Targets (L workload, one thread unless stated)\n")
print("| what | target | measured | |\n| --- | --- | --- | --- |")
for row in rows:
    print("| %s | %s | %s | %s |" % row)
print()

# ---- scaling curve
print("## Scaling: decisions/s and memory vs cells\n")
print("| workload | cells | units | handlers | load+compile (in process) | snapshot | bytes/cell | peak RSS, load (CLI) | "
      "Snapshot::route | candidate rules up to the winner / visited (in scope) | p99 | sweep (1 thread) | CLI route, all issues |")
print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
for x in rss:
    s = x["size"]
    lc = get("LoadCompile/" + s)
    rt = get("Route/%s/snapshot" % s, "items_per_second")
    rp = get("RoutePrepared/" + s)
    lt = get("RouteLatency/" + s)
    sw = get("Sweep/%s/threads:1" % s)
    print("| %s | %s | %s | %s | %s | %s | %s | %.0f MiB | %s | %s | %s | %s | %s |" % (
        s, f"{int(lc['cells']):,}" if lc else "–", f"{int(lc['units']):,}" if lc else "–",
        f"{int(lc['handlers']):,}" if lc else "–", "%.2f s" % (to_ms(lc) / 1e3) if lc else "–",
        "%.0f MB" % lc["snapshot_MB"] if lc else "–", "%.0f" % lc["bytes_per_cell"] if lc else "–",
        x["load_peak_rss_kib"] / 1024, "%s (%s)" % (fmt_rate(rt), ns_per(rt)),
        ("%.1f / %.2f" % (rp["rules_scanned"], rp["rules_visited"]) if "rules_visited" in rp else "%.1f" % rp["rules_scanned"]) if rp else "–", "%.0f ns" % lt["p99_ns"] if lt else "–",
        fmt_rate(sw["items_per_second"]) if sw else "–",
        "%s issues in %.2f s (%s incl. load)" % (f"{x['issues']:,}", x["route_s"], fmt_rate(x["issues"] / x["route_s"]))))
print()

# ---- CLI
if hyper:
    print("## CLI end to end (hyperfine, median of runs)\n")
    print("| command | median wall | mean ± σ | user + system |\n| --- | ---: | ---: | ---: |")
    for r in hyper:
        print("| `%s` | %.3f s | %.3f ± %.3f s | %.3f s |" % (r["command"], r["median"], r["mean"], r["stddev"] or 0,
                                                          r["user"] + r["system"]))
    print()

# ---- peers
if peers:
    print("## Peers (same decisions; gridroute checked against expected.jsonl)\n")
    chk = os.path.join(build, "peers-check.txt")
    if os.path.exists(chk):
        print("```\n" + open(chk).read().strip() + "\n```\n")
    rep = os.path.join(build, "peers-report.md")
    if os.path.exists(rep):
        print(open(rep).read())

# ---- every benchmark
print("## Every benchmark line (median of repetitions where repeated)\n")
print("| benchmark | real time | CPU time | items/s | counters |\n| --- | ---: | ---: | ---: | --- |")
seen = set()
for b in bench:
    if b.get("run_type") == "aggregate" and b.get("aggregate_name") != "median":
        continue
    if b.get("repetitions", 1) > 1 and b.get("run_type") != "aggregate":
        continue
    name = b["name"]
    if name in seen:
        continue
    seen.add(name)
    skip = {"name", "run_name", "run_type", "repetitions", "repetition_index", "threads", "iterations", "real_time",
            "cpu_time", "time_unit", "items_per_second", "bytes_per_second", "family_index", "per_family_instance_index",
            "aggregate_name", "aggregate_unit", "label", "error_occurred", "error_message"}
    counters = ", ".join("%s=%.4g" % (k, v) for k, v in b.items() if k not in skip and isinstance(v, (int, float)))
    print("| %s | %.4g %s | %.4g %s | %s | %s |" % (name, b["real_time"], b["time_unit"], b["cpu_time"], b["time_unit"],
                                                 fmt_rate(b.get("items_per_second")), counters))
