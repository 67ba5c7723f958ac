#!/usr/bin/env bash
# Peers side by side: the same routing workload through gridroute (CLI end to end and C++ API), GoRules Zen
# and json-rules-engine, in one run, with gridroute's answers checked against the generator's expected.jsonl.
#
#   benchmarks/peers/run.sh [BUILD_DIR]          (default build-bench; gridroute must be built there)
#
# Environment:
#   PEERS_ARGS    arguments for gen_workload.py (default: its defaults, 100k cells / 20k rules / 1M issues)
#   PEERS_TARGET  seconds per timed run of each JS engine (default 5; they scan every rule, so each gets
#                 the first N issues sized for that time, as ../shared/peers/run_all.sh does)
#   PEERS_RUNS    timed runs per engine (default 3)
#   PEERS_CEDAR=1 also run the Cedar harness (slow to set up)
# Everything is written under BUILD_DIR/peers (a copy of ../shared/peers, node_modules, data, out/).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=$(realpath -m "${1:-$root/build-bench}")
shared=${GRIDROUTE_SHARED_DIR:-$(realpath -m "$root/../shared")}
peers_src="$shared/peers"
work="$build/peers"
runs=${PEERS_RUNS:-3}
target=${PEERS_TARGET:-5}
gridroute="$build/gridroute"
cppbench="$build/gridroute_peers_bench"
[[ -x $gridroute && -x $cppbench ]] || { echo "peers: build gridroute and gridroute_peers_bench in $build first" >&2; exit 2; }
[[ -d $peers_src ]] || { echo "peers: $peers_src not found" >&2; exit 2; }

mkdir -p "$work"
# A fresh copy of the harnesses (data/ and node_modules/ are kept between runs).
for f in "$peers_src"/*; do
  case $(basename "$f") in data|out|node_modules) ;; *) cp -r "$f" "$work/" ;; esac
done
cd "$work"
if [[ ! -d node_modules/@gorules/zen-engine || ! -d node_modules/json-rules-engine ]]; then
  echo "== npm ci (pinned: $(node -e 'const p=require("./package.json").dependencies; console.log(Object.entries(p).map(([k,v])=>k+"@"+v).join(" "))'))"
  # npm >= 10 refuses `npm ci` when the lock file lacks the optional native packages of other platforms;
  # `npm install` then resolves the same pinned versions from package.json + package-lock.json.
  npm ci --no-audit --no-fund --loglevel=error || npm install --no-audit --no-fund --loglevel=error
fi

# The workload (deterministic: same arguments, same bytes), cached by its arguments.
args=${PEERS_ARGS:-}
key=$(echo "default $args" | md5sum | cut -c1-8)
data="data/w-$key"
if [[ ! -f $data/meta.json ]]; then
  echo "== gen_workload.py $data $args"
  # shellcheck disable=SC2086
  python3 gen_workload.py "$data" $args
fi
if [[ ! -f $data-spec/rules.json ]]; then
  echo "== to_spec.py $data $data-spec"
  python3 to_spec.py "$data" "$data-spec"
fi
read -r RULES ISSUES CELLS < <(python3 -c 'import json,sys; m=json.load(open(sys.argv[1])); print(m["rules"], m["issues"], m["cells"])' "$data/meta.json")
echo "== workload: $CELLS cells, $RULES rules, $ISSUES issues"
out="out/w-$key"
mkdir -p "$out"
res="$out/results.jsonl"
: > "$res"

# 1. gridroute CLI end to end (load + parse + decide + write), and the exact check against expected.jsonl.
echo "== gridroute route (CLI, end to end)"
"$gridroute" route "$data-spec" "$data-spec/issues.jsonl" --quiet > "$out/gridroute-cli.jsonl"
check_ok=1
python3 "$here/check_expected.py" "$out/gridroute-cli.jsonl" "$data/expected.jsonl" > "$out/check.txt" || check_ok=0
cat "$out/check.txt"
cli_times=()
for ((r = 0; r < runs; r++)); do
  t0=$(date +%s.%N)
  "$gridroute" route "$data-spec" "$data-spec/issues.jsonl" --quiet > /dev/null
  t1=$(date +%s.%N)
  "$gridroute" route "$data-spec" /dev/null --quiet > /dev/null   # load only
  t2=$(date +%s.%N)
  cli_times+=("$(python3 -c "print($t1-$t0, $t2-$t1)")")
done
python3 - "$ISSUES" "$RULES" "${cli_times[@]}" >> "$res" <<'EOF'
import json, statistics, sys
n, rules = int(sys.argv[1]), int(sys.argv[2])
pairs = [tuple(map(float, a.split())) for a in sys.argv[3:]]
total = [n / t for t, _ in pairs]
steady = [n / max(t - l, 1e-9) for t, l in pairs]
print(json.dumps({"engine": "gridroute-cli", "rules": rules, "issues": n, "runs": [round(x) for x in total],
                  "median_dps": round(statistics.median(total)),
                  "median_dps_excluding_load": round(statistics.median(steady)),
                  "load_s": round(statistics.median(l for _, l in pairs), 3), "mismatches": None}))
EOF
echo "   $(tail -1 "$res")"

# 2. gridroute through the C++ API (decide loop only, as the JS harnesses time it), 1 and 2 threads.
echo "== gridroute C++ API"
{ "$cppbench" "$data-spec" "$data" --runs 5 || true; } | tail -1 >> "$res"
{ "$cppbench" "$data-spec" "$data" --runs 5 --threads 2 || true; } | tail -1 >> "$res"

# 3. The JS peers on the first N issues each (N sized for about $target s per run).
lim() { local n=$(( $1 * 1000 * target / RULES )); (( n > ISSUES )) && n=$ISSUES; (( n < 50 )) && n=50; echo $n; }
peer() { echo "== node $*" >&2; node "$@" --out "$out" --runs "$runs" | tail -1 >> "$res"; }
peer ref.js "$data" --runs 3
peer zen.js "$data" --limit "$(lim 380)"
peer zen.js "$data" --limit "$(lim 2800)" --split category
peer zen.js "$data" --limit "$(lim 760)" --inflight 8
peer jre.js "$data" --limit "$(lim 76)"
peer jre.js "$data" --limit "$(lim 2000)" --split category
if [[ ${PEERS_CEDAR:-0} == 1 ]]; then
  peer cedar.js "$data" --limit "$(lim 164)"
fi

python3 "$here/report.py" "$res" | tee "$out/report.md"
cp "$res" "$build/peers-results.jsonl"
cp "$out/report.md" "$build/peers-report.md"
cp "$out/check.txt" "$build/peers-check.txt"
if [[ $check_ok != 1 ]]; then echo "peers: gridroute disagrees with expected.jsonl (see $out/check.txt)" >&2; exit 1; fi
