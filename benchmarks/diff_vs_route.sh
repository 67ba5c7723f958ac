#!/usr/bin/env bash
# `gridroute diff` against `gridroute route` on the same lines (docs/tools-performance.md): the two
# commands alternate for ROUNDS rounds, each timed by /usr/bin/time, and the median per-round ratios
# (wall and CPU = user + sys) are printed — paired, so that a busy machine slows both sides alike.
#
#   benchmarks/diff_vs_route.sh BUNDLE [ROUNDS]        e.g. benchmarks/diff_vs_route.sh /work/benchdata/L 3
#
# NEW is a copy of BUNDLE whose rules.json gives the rule base-env (every env.* code, at the root)
# priority 100, so that about a fifth of the lines change owner (the generated bundles of
# benchmarks/gen_bundle.py have that rule); its other files are links to BUNDLE's. Also timed: diff with
# --threads 2, diff of the bundle against itself, and the case stream (escalate vs diff --cases).
set -euo pipefail
bundle=${1:?usage: diff_vs_route.sh BUNDLE [ROUNDS]}
rounds=${2:-3}
cli=${GRIDROUTE_CLI:-build/gridroute}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/new"
for f in "$bundle"/*; do
  [[ $(basename "$f") == rules.json ]] || ln -s "$(realpath "$f")" "$work/new/"
done
python3 - "$bundle/rules.json" "$work/new/rules.json" <<'EOF'
import json, sys
rules = json.load(open(sys.argv[1]))
hit = [r for r in rules["rules"] if r["id"] == "base-env"]
if not hit:
    sys.exit("no rule base-env in " + sys.argv[1])
hit[0]["priority"] = 100
json.dump(rules, open(sys.argv[2], "w"))
EOF
now=$(cat "$bundle/NOW.txt")
: > "$work/empty.jsonl"

# time NAME CMD...: prints "NAME wall cpu rss" (seconds, seconds, KiB) and keeps stdout out of the way.
time_one() {
  local name=$1; shift
  /usr/bin/time -f "$name %e %U %S %M" -o "$work/t" "$@" > "$work/out" 2> /dev/null
  awk '{printf "%s %.2f %.2f %d\n", $1, $2, $3 + $4, $5}' "$work/t"
}
echo "machine: $(nproc) cores, $(uptime | sed 's/.*load/load/')"
echo "bundle: $bundle; lines: $(wc -l < "$bundle/issues.jsonl") issues, $(wc -l < "$bundle/cases.jsonl") cases"
for ((i = 1; i <= rounds; i++)); do
  time_one route "$cli" route "$bundle" "$bundle/issues.jsonl"
  time_one diff "$cli" diff "$bundle" "$work/new" "$bundle/issues.jsonl" --quiet
  echo "changed-lines $(wc -l < "$work/out")" >&2
  time_one diff-threads2 "$cli" diff "$bundle" "$work/new" "$bundle/issues.jsonl" --quiet --threads 2
  time_one diff-self "$cli" diff "$bundle" "$bundle" "$bundle/issues.jsonl" --quiet
  time_one load-route "$cli" route "$bundle" "$work/empty.jsonl"
  time_one load-diff "$cli" diff "$bundle" "$work/new" "$work/empty.jsonl" --quiet
  time_one escalate "$cli" escalate "$bundle" "$bundle/cases.jsonl" --now "$now"
  time_one diff-cases "$cli" diff "$bundle" "$work/new" "$work/empty.jsonl" --cases "$bundle/cases.jsonl" --now "$now" --quiet
done > "$work/times"
cat "$work/times"
python3 - "$work/times" <<'EOF'
import statistics, sys
rows = [l.split() for l in open(sys.argv[1])]
by = {}
for name, wall, cpu, rss in rows:
    by.setdefault(name, []).append((float(wall), float(cpu), int(rss)))
def ratio(a, b, k):
    return statistics.median(x[k] / y[k] for x, y in zip(by[a], by[b]))
print("median of %d rounds (wall s / cpu s / peak RSS MiB):" % len(by["route"]))
for name, v in by.items():
    print("  %-14s %6.2f  %6.2f  %6d" % (name, statistics.median(x[0] for x in v), statistics.median(x[1] for x in v),
                                          max(x[2] for x in v) // 1024))
for a, b in (("diff", "route"), ("diff-threads2", "route"), ("diff-self", "route"), ("diff-cases", "escalate"),
             ("load-diff", "load-route")):
    print("  %s / %s: wall %.2fx, cpu %.2fx" % (a, b, ratio(a, b, 0), ratio(a, b, 1)))
EOF
