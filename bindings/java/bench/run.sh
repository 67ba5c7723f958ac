#!/usr/bin/env bash
# Times 1M routings through the Java binding (struct path one issue at a time and routeMany in lists of 1024,
# one JSON line, batched JSON Lines) against the C struct path and the CLI, in one run, and prints the ratios.
#
#   bindings/java/bench/run.sh [BUNDLE [ISSUES.jsonl [N]]]
#
# Defaults: the shared example shuangcheng, its issues, N = 1,000,000. GRIDROUTE_BUILD_DIR: the CMake build
# directory (default build/); the targets needed are built there first.
set -euo pipefail
root=$(cd "$(dirname "$0")/../../.." && pwd)
build=${GRIDROUTE_BUILD_DIR:-$root/build}
bundle=${1:-$root/../shared/examples/shuangcheng}
issues=${2:-$bundle/issues.jsonl}
n=${3:-1000000}
cmake --build "$build" --target gridroute gridroute_shared gridroute_route_typed_c gridroute_java_bench >&2
java=${JAVA_HOME:+$JAVA_HOME/bin/}java
GRIDROUTE_LIBRARY=$build/capi/libgridroute.so.1 exec "$java" -Xms512m -Xmx512m \
  -cp "$build/bindings/java/gridroute-bench.jar:$(cat "$build/bindings/java/classpath.txt")" \
  RouteBench "$bundle" "$issues" "$n" "$build/bindings/route_typed_c" "$build/gridroute" "$build/bindings/java/bench"
