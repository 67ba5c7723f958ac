#!/usr/bin/env bash
# Sets up, builds, and runs every test once: the unit, golden, CLI, C ABI, tools and PostgreSQL tests under
# AddressSanitizer + UndefinedBehaviorSanitizer; against the optimised build, what a sanitizer build cannot
# run (the Python, Go and Java bindings, the installed prefix and the .deb, the browser, the docs' own
# programs); the concurrency tests again under ThreadSanitizer; and a short run of each fuzz target.
set -euo pipefail
cd "$(dirname "$0")/.."
t0=$SECONDS
scripts/setup.sh --tests
jobs=$(nproc)
summary=()
started=$SECONDS
since() {  # minutes and seconds since $1 (seconds)
  local s=$((SECONDS - $1))
  printf '%dm%02ds' $((s / 60)) $((s % 60))
}
run_suite() {  # name build-dir ctest-args...
  local name=$1 dir=$2; shift 2
  echo "== $name"
  local t=$SECONDS
  if ctest --test-dir "$dir" --output-on-failure -j"$jobs" "$@"; then summary+=("$name: ok ($(since $t))")
  else summary+=("$name: FAILED ($(since $t))"); fail=1; fi
}
build() {  # name build-dir cmake-build-args...: builds, and records how long it took
  local name=$1 dir=$2; shift 2
  local t=$SECONDS
  cmake --build "$dir" -j"$jobs" "$@"
  summary+=("build $name: $(since $t)")
}
fail=0
# The optimised build as released (-O2), with line tables only (-g1): enough for a stack or a profile, in a
# third less compile time than full debug information.
optimised=(-DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O2 -g1 -DNDEBUG" -DCMAKE_C_FLAGS_RELWITHDEBINFO="-O2 -g1 -DNDEBUG")
if [[ "${GRIDROUTE_SKIP_SANITIZERS:-0}" != 1 ]]; then
  # The unit tests are built and run in the sanitizer build only.
  cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo "${optimised[@]}" -DGRIDROUTE_BUILD_TESTS=ON -DGRIDROUTE_UNITY_BUILD=ON -DGRIDROUTE_UNIT_TESTS=OFF >/dev/null
  build "optimised" build
  run_suite "tests of the optimised build" build -L no_asan
else
  cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo "${optimised[@]}" -DGRIDROUTE_BUILD_TESTS=ON -DGRIDROUTE_UNITY_BUILD=ON -DGRIDROUTE_UNIT_TESTS=ON >/dev/null
  build "optimised" build
  run_suite "tests" build
fi
if [[ "${GRIDROUTE_SKIP_SANITIZERS:-0}" != 1 ]]; then
  # Line tables only (-g1): what the sanitizers' stacks need, in less build time than full debug information.
  cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG="-g1" \
    -DGRIDROUTE_SANITIZE=address,undefined -DGRIDROUTE_BUILD_TESTS=ON -DGRIDROUTE_UNITY_BUILD=ON >/dev/null
  build "ASan+UBSan" build-asan
  ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 run_suite "tests under ASan+UBSan" build-asan -LE "no_asan"
  # -O1 and line tables: enough for ThreadSanitizer's reports, and a faster build.
  cmake -S . -B build-tsan -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g1 -DNDEBUG" \
    -DGRIDROUTE_SANITIZE=thread -DGRIDROUTE_BUILD_TESTS=ON -DGRIDROUTE_UNITY_BUILD=ON >/dev/null
  build "TSan" build-tsan --target gridroute_concurrency_tests gridroute_capi_tests gridroute
  TSAN_OPTIONS=halt_on_error=1 run_suite "concurrency tests under TSan" build-tsan -R "Concurrency|concurrency|capi\.Threads|Cli\.Threads"
fi
if [[ -x scripts/fuzz.sh && "${GRIDROUTE_SKIP_FUZZ:-0}" != 1 ]]; then
  # The targets run side by side, one per core.
  t=$SECONDS
  if GRIDROUTE_FUZZ_JOBS=${GRIDROUTE_FUZZ_JOBS:-$jobs} scripts/fuzz.sh "${GRIDROUTE_FUZZ_SECONDS:-20}"; then
    summary+=("fuzz: ok ($(since $t), with its build)")
  else summary+=("fuzz: FAILED ($(since $t), with its build)"); fail=1; fi
fi
echo
printf '%s\n' "${summary[@]}"
echo "in all: $(since $started) after the setup, $(since $t0) with it"
exit $fail
