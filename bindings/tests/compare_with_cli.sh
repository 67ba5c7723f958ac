#!/usr/bin/env bash
# Routes ISSUES with one binding's typed driver (scripts/route-with.sh) and with the CLI, and compares the
# two on the contract fields (compare_jsonl.py). With EXPECTED, the CLI must first match it; with
# --may-skip, a CLI that does not match it yet makes the test skip instead of fail.
#   compare_with_cli.sh LANG BUNDLE ISSUES [EXPECTED [--may-skip]]
# Environment: GRIDROUTE_BUILD_DIR, GRIDROUTE_CLI, GRIDROUTE_COMPARE_JSONL, PYTHON.
set -uo pipefail
lang=$1 bundle=$2 issues=$3 expected=${4:-} may_skip=${5:-}
root=$(cd "$(dirname "$0")/../.." && pwd)
python=${PYTHON:-python3}
compare=${GRIDROUTE_COMPARE_JSONL:?}
out=$GRIDROUTE_BUILD_DIR/bindings/out/$lang-$(basename "$bundle")-$(basename "$issues" .jsonl)
mkdir -p "$out"

case "$lang" in
  c) [[ -x "$GRIDROUTE_BUILD_DIR/bindings/route_typed_c" ]] || { echo "SKIP: no C driver (libjansson-dev)"; exit 0; } ;;
  go) [[ -x "$GRIDROUTE_BUILD_DIR/bindings/route_typed_go" ]] || { echo "SKIP: no Go driver (golang-go)"; exit 0; } ;;
  java) [[ -f "$GRIDROUTE_BUILD_DIR/bindings/java/classpath.txt" ]] || { echo "SKIP: no Java driver (JDK, JNA, Jackson)"; exit 0; } ;;
esac

"$GRIDROUTE_CLI" route "$bundle" "$issues" >"$out/cli.jsonl" 2>"$out/cli.err"
cli_rc=$?
if [[ -n "$expected" ]]; then
  if [[ $cli_rc -ne 0 ]] || ! "$python" "$compare" "$out/cli.jsonl" "$expected" >"$out/cli-vs-expected.txt"; then
    if [[ "$may_skip" == --may-skip ]]; then
      echo "SKIP: the CLI does not produce $expected yet (exit $cli_rc: $(head -c 300 "$out/cli.err"); $(tail -n 1 "$out/cli-vs-expected.txt" 2>/dev/null))"
      exit 0
    fi
    echo "FAIL: the CLI's own answers differ from $expected:"
    cat "$out/cli.err" "$out/cli-vs-expected.txt" 2>/dev/null | head -40
    exit 1
  fi
elif [[ $cli_rc -ne 0 ]]; then
  echo "FAIL: gridroute route $bundle $issues failed ($cli_rc)"; cat "$out/cli.err"; exit 1
fi

if ! "$root/scripts/route-with.sh" "$lang" "$bundle" "$issues" >"$out/$lang.jsonl" 2>"$out/$lang.err"; then
  echo "FAIL: scripts/route-with.sh $lang $bundle $issues failed:"; cat "$out/$lang.err"; exit 1
fi
echo "$lang vs the CLI ($out):"
"$python" "$compare" "$out/$lang.jsonl" "$out/cli.jsonl"
