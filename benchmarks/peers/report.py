#!/usr/bin/env python3
"""Prints the peers comparison as a Markdown table: every engine's median decisions/s, its runs, its
mismatches against expected.jsonl, and gridroute's throughput ratio against each peer.

  report.py RESULTS.jsonl"""
import json
import sys


def main():
    rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
    by = {r["engine"]: r for r in rows}
    cpp = by.get("gridroute-cpp", {}).get("median_dps")
    cli = by.get("gridroute-cli", {}).get("median_dps")
    print("| engine | rules | issues timed | median decisions/s | runs | mismatches | gridroute C++ / engine | gridroute CLI / engine |")
    print("| --- | ---: | ---: | ---: | --- | --- | ---: | ---: |")
    for r in rows:
        dps = r["median_dps"]
        mm = r.get("mismatches")
        mm = "n/a" if mm is None else str(mm)
        if r.get("expected_checksum") == r.get("checksum") and "checksum" in r:
            mm += " (checksum ok)"
        name = r["engine"]
        if name == "gridroute-cli":
            name += " (incl. load; %s/s excl. load %.2f s)" % (f"{r['median_dps_excluding_load']:,}", r["load_s"])
        ratio = lambda x: "%.0f×" % (x / dps) if x and dps else "–"
        print("| %s | %s | %s | %s | %s | %s | %s | %s |" % (
            name, r.get("rules", ""), f"{r['issues']:,}", f"{dps:,}", ", ".join(f"{x:,}" for x in r["runs"]), mm,
            ratio(cpp) if not name.startswith("gridroute") else "–",
            ratio(cli) if not name.startswith("gridroute") else "–"))


if __name__ == "__main__":
    main()
