#!/usr/bin/env bash
# Routes every line of ISSUES.jsonl through one binding's typed API and prints the decisions as JSON Lines
# with the contract fields (SPEC §4, §6.6), so that each binding can be compared with `gridroute route`;
# with --now, evaluates every line of CASES.jsonl at T through the typed case API instead, to be compared
# with `gridroute escalate` (SPEC §3.5, §6):
#
#   scripts/route-with.sh c|c-batch|python|go|java BUNDLE ISSUES.jsonl > decisions.jsonl
#   scripts/route-with.sh c|python|go|java BUNDLE CASES.jsonl --now T > actions.jsonl
#
# c: examples/c/route_typed.c (gridroute_issue -> gridroute_engine_route -> gridroute_decision;
#    gridroute_case -> gridroute_engine_escalate -> gridroute_action);
# c-batch: the same C driver with --batch (gridroute_engine_route_batch, 256 issues a call, each cell by
#    its number from gridroute_engine_find_units);
# python: bindings/python/examples/route_typed.py (gridroute.Issue -> Engine.route -> gridroute.Decision;
#    gridroute.Case -> Engine.escalate -> gridroute.Action);
# go: bindings/go/examples/routetyped (gridroute.Issue -> Engine.Route -> gridroute.Decision; gridroute.Case
#    -> Engine.Escalate -> gridroute.Action);
# java: org.gridroute.examples.RouteTyped (Issue -> Engine.route -> Decision; Case -> Engine.escalate -> Action).
#
# GRIDROUTE_BUILD_DIR: the CMake build directory (default: build/ in this checkout; configured here if it is
# not yet). What the language needs is built there first, unless GRIDROUTE_NO_BUILD=1.
set -euo pipefail
now=()
if [[ $# -eq 5 && "$4" == --now ]]; then
  now=(--now "$5")
elif [[ $# -ne 3 ]]; then
  echo "usage: $0 c|c-batch|python|go|java BUNDLE ISSUES.jsonl | BUNDLE CASES.jsonl --now T" >&2
  exit 2
fi
lang=$1 bundle=$2 issues=$3
root=$(cd "$(dirname "$0")/.." && pwd)
build=${GRIDROUTE_BUILD_DIR:-$root/build}

build_targets() {
  [[ "${GRIDROUTE_NO_BUILD:-0}" == 1 ]] && return 0
  if [[ ! -f "$build/CMakeCache.txt" ]]; then
    cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
  fi
  cmake --build "$build" --target "$@" >&2
}

need() {
  if [[ ! -e "$1" ]]; then
    echo "route-with: $1 is missing ($2)" >&2
    exit 1
  fi
}

lib=$build/capi/libgridroute.so.1
case "$lang" in
  c)
    build_targets gridroute_route_typed_c
    need "$build/bindings/route_typed_c" "the C driver needs libjansson-dev"
    exec "$build/bindings/route_typed_c" "$bundle" "$issues" "${now[@]}"
    ;;
  c-batch)
    [[ ${#now[@]} -eq 0 ]] || { echo "route-with: c-batch routes issues; it takes no --now" >&2; exit 2; }
    build_targets gridroute_route_typed_c
    need "$build/bindings/route_typed_c" "the C driver needs libjansson-dev"
    exec "$build/bindings/route_typed_c" --batch "$bundle" "$issues"
    ;;
  python)
    build_targets gridroute_shared
    need "$lib" "build the target gridroute_shared"
    GRIDROUTE_LIBRARY=$lib PYTHONPATH=$root/bindings/python${PYTHONPATH:+:$PYTHONPATH} \
      exec "${PYTHON:-python3}" -B "$root/bindings/python/examples/route_typed.py" "$bundle" "$issues" "${now[@]}"
    ;;
  go)
    build_targets gridroute_route_typed_go
    need "$build/bindings/route_typed_go" "the Go driver needs golang-go"
    exec "$build/bindings/route_typed_go" "$bundle" "$issues" "${now[@]}"
    ;;
  java)
    build_targets gridroute_shared gridroute_java_examples
    need "$build/bindings/java/classpath.txt" "the Java driver needs openjdk-17-jdk-headless, libjna-java and libjackson2-databind-java"
    java=${JAVA_HOME:+$JAVA_HOME/bin/}java
    GRIDROUTE_LIBRARY=$lib exec "$java" -XX:+UseSerialGC -XX:TieredStopAtLevel=1 \
      -cp "$(cat "$build/bindings/java/classpath.txt")" org.gridroute.examples.RouteTyped "$bundle" "$issues" "${now[@]}"
    ;;
  *)
    echo "route-with: unknown language '$lang' (c, python, go or java)" >&2
    exit 2
    ;;
esac
