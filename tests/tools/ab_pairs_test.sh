#!/usr/bin/env bash
# benchmarks/ab_pairs.sh: two builds of the same output alternate and give a summary of their pairs; two
# commands whose outputs differ are refused before any timing.
set -euo pipefail
root=$1 cli=$2
out=$("$root/benchmarks/ab_pairs.sh" 3 "$cli" "$cli" route "$root/examples/lanxi" "$root/examples/lanxi/issues.jsonl" --quiet)
echo "$out"
[ "$(grep -c '^A .* s, B .* s, B/A ' <<< "$out")" = 3 ] || { echo "expected three pairs" >&2; exit 1; }
grep -q '^B/A over 3 pairs: median [0-9.]*, lowest [0-9.]*, highest [0-9.]*$' <<< "$out" || { echo "no summary" >&2; exit 1; }
if "$root/benchmarks/ab_pairs.sh" 1 "$cli" /bin/echo route "$root/examples/lanxi" 2> "${TMPDIR:-/tmp}/ab_pairs_err.$$"; then
  echo "outputs that differ were timed" >&2; exit 1
fi
grep -q "the two outputs differ" "${TMPDIR:-/tmp}/ab_pairs_err.$$" || { echo "no message for differing outputs" >&2; exit 1; }
rm -f "${TMPDIR:-/tmp}/ab_pairs_err.$$"
echo ok
