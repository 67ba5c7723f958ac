#!/usr/bin/env bash
# `gridroute route --map` against `gridroute route` on the same work (docs/platform-input.md, "Cost"):
# N work orders made from the eight good ones of examples/lanxi/platform-orders.jsonl (each with its own
# orderNo), and the same orders written by hand as issue lines (this script maps them itself, in
# Python, as platform-map.json says). The two outputs must be equal byte for byte; then the two commands
# alternate for ROUNDS rounds, each timed by /usr/bin/time (wall, and CPU = user + sys).
#
#   benchmarks/map_vs_route.sh [N] [ROUNDS]        e.g. benchmarks/map_vs_route.sh 200000 3
set -euo pipefail
n=${1:-200000}
rounds=${2:-3}
cli=${GRIDROUTE_CLI:-build/gridroute}
lanxi=examples/lanxi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 - "$lanxi" "$n" "$work/orders.jsonl" "$work/issues.jsonl" <<'EOF'
import json, sys
lanxi, n, orders_path, issues_path = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
tables = json.load(open(lanxi + "/platform-map.json", encoding="utf-8"))["tables"]
orders = [json.loads(l) for l in open(lanxi + "/platform-orders.jsonl", encoding="utf-8") if l.strip()]
good = [o for o in orders if o["eventType"] in tables["event_types"] and "gridCode" in o]
with open(orders_path, "w", encoding="utf-8") as fo, open(issues_path, "w", encoding="utf-8") as fi:
    for i in range(n):
        o = dict(good[i % len(good)], orderNo=30000000000 + i)
        fo.write(json.dumps(o, ensure_ascii=False) + "\n")
        at = o["reportTime"]
        if "+" not in at[10:] and "Z" not in at:
            at = at.replace(" ", "T") + "+08:00"
        attrs = {}
        if "level" in o:
            attrs["severity"] = int(o["level"])
        attrs["channel"] = tables["channels"][o.get("source", {}).get("channel", "12345热线")]
        d = o.get("detail", {})
        if "households" in d:
            attrs["households"] = d["households"]
        if "inEstate" in d:
            attrs["private_property"] = d["inEstate"] in ("yes", "1", "true", "y")
        if "floor" in d:
            attrs["floor"] = int(d["floor"])
        line = {"id": o["orderNo"], "category": tables["event_types"][o["eventType"]],
                "cell": tables["grids"][str(o["gridCode"])], "at": at, "attrs": attrs}
        fi.write(json.dumps(line, ensure_ascii=False) + "\n")
EOF
"$cli" route --map "$lanxi/platform-map.json" "$lanxi" "$work/orders.jsonl" > "$work/mapped.out"
"$cli" route "$lanxi" "$work/issues.jsonl" > "$work/plain.out"
cmp "$work/mapped.out" "$work/plain.out"
echo "machine: $(nproc) cores, $(uptime | sed 's/.*load/load/')"
echo "lines: $n; the two outputs are equal"
time_one() {
  local name=$1; shift
  /usr/bin/time -f "$name %e %U %S" -o "$work/t" "$@" > /dev/null 2> /dev/null
  awk '{printf "%-10s wall %.2f s  cpu %.2f s\n", $1, $2, $3 + $4}' "$work/t"
}
for ((i = 1; i <= rounds; i++)); do
  time_one route "$cli" route -q "$lanxi" "$work/issues.jsonl"
  time_one route-map "$cli" route -q --map "$lanxi/platform-map.json" "$lanxi" "$work/orders.jsonl"
done
