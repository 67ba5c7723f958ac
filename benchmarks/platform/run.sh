#!/usr/bin/env bash
# Cases per second through PostgreSQL: gridroute worker with 1 and 2 workers, over a plain and a
# hash-partitioned cases table (docs/platform.md, "Throughput"). A benchmark, not a test.
#
#   benchmarks/platform/run.sh [bench.py options]     e.g. --cases 500000 --runs 5 --partitions 16
#
# Builds the CLI (Release) in BUILD (default build-bench) unless SKIP_BUILD=1; needs postgresql-15
# (scripts/setup.sh --tests). Figures go to standard output and BUILD/results/platform.json.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=$(realpath -m "${BUILD:-$root/build-bench}")
shared=${GRIDROUTE_SHARED_DIR:-$(realpath -m "$root/../shared")}
if [[ ${SKIP_BUILD:-0} != 1 ]]; then
  cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DGRIDROUTE_BUILD_TESTS=OFF >/dev/null
  cmake --build "$build" --target gridroute >/dev/null
fi
mkdir -p "$build/results"
exec python3 "$root/benchmarks/platform/bench.py" --cli "$build/gridroute" --shared "$shared" \
  --json "$build/results/platform.json" "$@"
