#!/usr/bin/env bash
# Sets up, builds, and runs every test: unit and golden tests, CLI, C ABI, Python and Go bindings,
# then the whole suite again under AddressSanitizer + UndefinedBehaviorSanitizer, the concurrency tests
# under ThreadSanitizer, and a short run of each fuzz target.
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
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DGRIDROUTE_BUILD_TESTS=ON >/dev/null
build "tests" build
run_suite "tests" build
if [[ "${GRIDROUTE_SKIP_SANITIZERS:-0}" != 1 ]]; then
  cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DGRIDROUTE_SANITIZE=address,undefined -DGRIDROUTE_BUILD_TESTS=ON >/dev/null
  build "ASan+UBSan" build-asan
  ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 run_suite "tests under ASan+UBSan" build-asan -LE "no_asan"
  cmake -S . -B build-tsan -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DGRIDROUTE_SANITIZE=thread -DGRIDROUTE_BUILD_TESTS=ON >/dev/null
  build "TSan" build-tsan --target gridroute_tests gridroute_capi_tests gridroute
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
