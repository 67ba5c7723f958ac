#!/usr/bin/env bash
# Builds and runs the whole gridroute benchmark suite and the peer comparison, then writes a summary with
# every figure of docs/performance.md.
#
#   benchmarks/run_all.sh                          # S, M, L + peers: about 12 min here (first run: +3 min of data)
#   GRIDROUTE_BENCH_BIG=1 benchmarks/run_all.sh    # also XL (5M cells) and the real national tree (+~10 min)
#
# Output: build-bench/results/{machine.txt,bench.json,bench.txt,cli.json,summary.md}, build-bench/peers-*.
# Environment: BUILD (build dir, default build-bench), GRIDROUTE_BENCH_DATA (generated bundles, default
# benchmarks/data, gitignored), SKIP_PEERS=1, SKIP_BUILD=1, BENCH_FILTER (a --benchmark_filter regex), and the
# knobs of benchmarks/main.cpp and benchmarks/peers/run.sh.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=$(realpath -m "${BUILD:-$root/build-bench}")
data=$(realpath -m "${GRIDROUTE_BENCH_DATA:-$root/benchmarks/data}")
results="$build/results"
big=${GRIDROUTE_BENCH_BIG:-0}
start=$(date +%s)
stamp() { echo "[$(( $(date +%s) - start ))s] $*"; }
mkdir -p "$results" "$data"

# ---- 0. tools (Debian packages; nothing else is downloaded)
need=()
dpkg-query -W -f='${Status}' libbenchmark-dev 2>/dev/null | grep -q "install ok installed" || need+=(libbenchmark-dev)
command -v hyperfine >/dev/null || need+=(hyperfine)
command -v node >/dev/null || need+=(nodejs)
command -v npm >/dev/null || need+=(npm)
[[ -x /usr/bin/time ]] || need+=(time)
if ((${#need[@]})); then
  stamp "installing ${need[*]}"
  SUDO=""; [[ $(id -u) -ne 0 ]] && SUDO=sudo
  $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
"$root/scripts/setup.sh" >/dev/null 2>&1 || true

# ---- 1. build (Release, benchmarks on, tests off)
if [[ ${SKIP_BUILD:-0} != 1 ]]; then
  stamp "configure + build in $build"
  cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DGRIDROUTE_BUILD_BENCHMARKS=ON \
    -DGRIDROUTE_BUILD_TESTS=OFF -DGRIDROUTE_BENCH_DATA="$data" >/dev/null
  # CLEAN_BUILD=1 rebuilds everything: while sources change under a build, an object can be older than
  # its headers yet newer by mtime, and a mixed build misreads the snapshot's layout.
  [[ ${CLEAN_BUILD:-0} == 1 ]] && cmake --build "$build" --target clean >/dev/null
  cmake --build "$build" --target gridroute gridroute_bench gridroute_peers_bench gridroute_profile -- -j2 >/dev/null
fi
gr="$build/gridroute"

# ---- 2. data (deterministic from the seed; generated once and kept)
sizes=(S M L)
((big)) && sizes+=(XL)
for s in "${sizes[@]}"; do
  if [[ ! -f $data/$s/meta.json ]]; then
    stamp "generating $s"
    python3 "$root/benchmarks/gen_bundle.py" synth "$data/$s" --size "$s" >/dev/null
  fi
done
bench_sizes=$(IFS=,; echo "${sizes[*]}")
if ((big)); then
  if [[ ! -f $data/real/meta.json ]]; then
    stamp "generating real (cn_admin_divisions_2021)"
    python3 "$root/benchmarks/gen_bundle.py" real "$data/real" >/dev/null
  fi
  bench_sizes+=",real"
fi

# ---- 3. the machine
{
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "commit: $(git -C "$root" rev-parse --short HEAD 2>/dev/null)$(git -C "$root" diff --quiet 2>/dev/null || echo ' (+ uncommitted changes)')"
  lscpu | grep -E '^(Model name|CPU\(s\)|Thread|Core|Socket|L1d|L2|L3|Hypervisor)' | sed 's/  */ /g'
  free -g | awk 'NR==2{print "memory: " $2 " GiB"}'
  echo "kernel: $(uname -r)"
  echo "compiler: $(c++ --version | head -1)"
  echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
} > "$results/machine.txt"
cat "$results/machine.txt"

# ---- 4. peers (first: the suite below then also runs the peers workload through the C++ benchmarks)
if [[ ${SKIP_PEERS:-0} != 1 ]]; then
  stamp "peers"
  "$root/benchmarks/peers/run.sh" "$build" || echo "!! peers: see above" >&2
fi

spec=$(ls -d "$build"/peers/data/w-*-spec 2>/dev/null | head -1 || true)
if [[ -n $spec && -f $spec/rules.json ]]; then
  ln -sfn "$spec" "$data/peers"
  bench_sizes+=",peers"
fi

# ---- 5. the Google Benchmark suite
stamp "gridroute_bench ($bench_sizes)"
GRIDROUTE_BENCH_DATA="$data" GRIDROUTE_BENCH_SIZES="$bench_sizes" "$build/gridroute_bench" \
  --benchmark_filter="${BENCH_FILTER:-.}" \
  --benchmark_out="$results/bench.json" --benchmark_out_format=json 2>&1 | tee "$results/bench.txt" | grep -v '^$' | cut -c1-180

# ---- 6. the CLI end to end: route / escalate 1M lines on L, load only, peak RSS per size
stamp "CLI end to end"
now=$(cat "$data/L/NOW.txt")
hyperfine --warmup 1 --runs 3 --style basic --export-json "$results/cli-hyperfine.json" \
  -n "route L 1M" "$gr route $data/L $data/L/issues.jsonl --quiet" \
  -n "load L" "$gr route $data/L /dev/null --quiet" \
  -n "escalate L 1M" "$gr escalate $data/L $data/L/cases.jsonl --now $now --quiet" 2>&1 | grep -v '^$' || true
rss_json="["
rss_sizes=("${sizes[@]}")
((big)) && rss_sizes+=(real)
for s in "${rss_sizes[@]}"; do
  read -r el rss < <(/usr/bin/time -f "%e %M" "$gr" route "$data/$s" /dev/null --quiet 2>&1 >/dev/null | tail -1)
  read -r el2 rss2 < <(/usr/bin/time -f "%e %M" "$gr" route "$data/$s" "$data/$s/issues.jsonl" --quiet 2>&1 >/dev/null | tail -1)
  n=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["issues"])' "$data/$s/meta.json")
  echo "   $s: load ${el}s peak ${rss} KiB; route $n issues ${el2}s peak ${rss2} KiB"
  rss_json+="{\"size\":\"$s\",\"load_s\":$el,\"load_peak_rss_kib\":$rss,\"route_s\":$el2,\"route_peak_rss_kib\":$rss2,\"issues\":$n},"
done
echo "${rss_json%,}]" > "$results/cli-rss.json"

# ---- 7. summary
stamp "summary"
python3 "$root/benchmarks/summarize.py" "$results" "$build" | tee "$results/summary.md"
stamp "done"
