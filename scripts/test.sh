#!/usr/bin/env bash
# Sets up, builds, and runs every test: unit and golden tests, CLI, C ABI, Python and Go bindings,
# then the whole suite again under AddressSanitizer + UndefinedBehaviorSanitizer, the concurrency tests
# under ThreadSanitizer, and a short run of each fuzz target.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --tests
jobs=$(nproc)
summary=()
run_suite() {  # name build-dir ctest-args...
  local name=$1 dir=$2; shift 2
  echo "== $name"
  if ctest --test-dir "$dir" --output-on-failure -j"$jobs" "$@"; then summary+=("$name: ok"); else summary+=("$name: FAILED"); fail=1; fi
}
fail=0
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DGRIDROUTE_BUILD_TESTS=ON >/dev/null
cmake --build build -j"$jobs"
run_suite "tests" build
if [[ "${GRIDROUTE_SKIP_SANITIZERS:-0}" != 1 ]]; then
  cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DGRIDROUTE_SANITIZE=address,undefined -DGRIDROUTE_BUILD_TESTS=ON >/dev/null
  cmake --build build-asan -j"$jobs"
  ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 run_suite "tests under ASan+UBSan" build-asan -LE "no_asan"
  cmake -S . -B build-tsan -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DGRIDROUTE_SANITIZE=thread -DGRIDROUTE_BUILD_TESTS=ON >/dev/null
  cmake --build build-tsan -j"$jobs" --target gridroute_tests gridroute_capi_tests gridroute
  TSAN_OPTIONS=halt_on_error=1 run_suite "concurrency tests under TSan" build-tsan -R "Concurrency|concurrency|capi\.Threads|Cli\.Threads"
fi
if [[ -x scripts/fuzz.sh && "${GRIDROUTE_SKIP_FUZZ:-0}" != 1 ]]; then
  if scripts/fuzz.sh "${GRIDROUTE_FUZZ_SECONDS:-20}"; then summary+=("fuzz: ok"); else summary+=("fuzz: FAILED"); fail=1; fi
fi
echo
printf '%s\n' "${summary[@]}"
exit $fail
