#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (ASan+UBSan, in build-fuzz) and runs each one for SECONDS
# (default 60) from its seed corpus in tests/fuzz/corpus/<target>/. Exits non-zero on any finding
# (a crash, a sanitizer report, a timeout, an out-of-memory, or a failed oracle).
#
# Usage: scripts/fuzz.sh [SECONDS] [TARGET...]
#   GRIDROUTE_FUZZ_JOBS=N   run N targets at a time (default 1)
#
# Findings are kept in build-fuzz/fuzz/findings/<target>/; turn each into a reproducer in
# tests/fuzz/regressions/<target>/ and a test in tests/hardening_*_test.cpp (docs/security.md).
# New coverage found is kept in build-fuzz/fuzz/work/<target>/, never in the source tree.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
shift || true
if ! [[ "$seconds" =~ ^[0-9]+$ ]]; then
  echo "usage: scripts/fuzz.sh [SECONDS] [TARGET...]" >&2
  exit 2
fi
cxx=$(command -v clang++ || command -v clang++-14 || true)
cc=$(command -v clang || command -v clang-14 || true)
if [[ -z "$cxx" || -z "$cc" ]]; then
  echo "fuzz: clang is not installed (scripts/setup.sh --tests installs it)" >&2
  exit 1
fi
build=build-fuzz
# -O1 and line tables: the fuzzers run about as fast as at -O2, and build in less time.
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_C_COMPILER="$cc" -DCMAKE_CXX_COMPILER="$cxx" \
  -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g1 -DNDEBUG" -DCMAKE_C_FLAGS_RELWITHDEBINFO="-O1 -g1 -DNDEBUG" \
  -DGRIDROUTE_BUILD_FUZZERS=ON -DGRIDROUTE_BUILD_TESTS=OFF -DGRIDROUTE_UNITY_BUILD=ON -DGRIDROUTE_SANITIZE=address,undefined >/dev/null
if (($# > 0)); then targets=("$@"); else
  targets=(fuzz_bundle fuzz_jurisdiction fuzz_rules fuzz_csv fuzz_route_line fuzz_escalate_line fuzz_time fuzz_geojson fuzz_compiled
           fuzz_map)
  # The C ABI target exists when capi/ is part of the build.
  if cmake --build "$build" --target help 2>/dev/null | grep -q '^fuzz_capi:'; then targets+=(fuzz_capi); fi
fi
cmake --build "$build" -j"$(nproc)" --target "${targets[@]}"

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:symbolize=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
jobs=${GRIDROUTE_FUZZ_JOBS:-1}
run_one() {  # target -> exit status of the fuzzer
  local t=$1
  local work="$build/fuzz/work/$t" findings="$build/fuzz/findings/$t" log="$build/fuzz/logs/$t.log"
  mkdir -p "$work" "$findings" "$(dirname "$log")"
  local inputs=(tests/fuzz/corpus/"$t")
  [[ -d tests/fuzz/regressions/$t ]] && inputs+=(tests/fuzz/regressions/"$t")
  local dict=()
  [[ $t != fuzz_time && $t != fuzz_compiled ]] && dict=(-dict=tests/fuzz/json.dict)
  "$build/fuzz/$t" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=4096 -max_len=65536 \
    -print_final_stats=1 -artifact_prefix="$findings/" "${dict[@]}" "$work" "${inputs[@]}" </dev/null >"$log" 2>&1
}
failed=()
summary=()
pids=()
names=()
flush() {  # waits for the running batch and records results
  local i
  for i in "${!pids[@]}"; do
    local t=${names[$i]} log="$build/fuzz/logs/${names[$i]}.log"
    if wait "${pids[$i]}"; then
      local execs cov
      execs=$(grep -Eo 'stat::number_of_executed_units: *[0-9]+' "$log" | grep -Eo '[0-9]+$' || echo "?")
      cov=$(grep -Eo 'cov: [0-9]+' "$log" | tail -1 | grep -Eo '[0-9]+' || echo "?")
      summary+=("$t: ok (${seconds}s, $execs runs, coverage $cov)")
    else
      summary+=("$t: FINDING — see $log and $build/fuzz/findings/$t/")
      failed+=("$t")
      echo "== $t: finding" >&2
      grep -E 'ERROR|FUZZ ORACLE|SUMMARY|runtime error|Test unit written|ParseDictionary|error' "$log" | head -20 >&2 || true
    fi
  done
  pids=()
  names=()
}
echo "== fuzzing ${#targets[@]} targets for ${seconds}s each"
for t in "${targets[@]}"; do
  run_one "$t" &
  pids+=($!)
  names+=("$t")
  if ((${#pids[@]} >= jobs)); then flush; fi
done
flush
printf '%s\n' "${summary[@]}"
if ((${#failed[@]} > 0)); then
  echo "fuzz: findings in: ${failed[*]}" >&2
  exit 1
fi
echo "fuzz: no findings"
