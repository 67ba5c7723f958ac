#!/usr/bin/env bash
# Sets up, builds, and routes the demo bundle examples/lanxi, printing decisions with their reasons.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release -DGRIDROUTE_BUILD_TESTS=OFF >/dev/null
cmake --build build --target gridroute
echo
echo "== gridroute check examples/lanxi"
build/gridroute check examples/lanxi
echo
echo "== gridroute route examples/lanxi (first 5 issues, with --explain)"
head -n 5 examples/lanxi/issues.jsonl | build/gridroute route examples/lanxi - --explain
echo
echo "== gridroute route examples/lanxi examples/lanxi/issues.jsonl (all decisions)"
build/gridroute route examples/lanxi examples/lanxi/issues.jsonl
echo
echo "== gridroute escalate examples/lanxi --now $(cat examples/lanxi/NOW.txt)"
build/gridroute escalate examples/lanxi examples/lanxi/cases.jsonl --now "$(cat examples/lanxi/NOW.txt)"
