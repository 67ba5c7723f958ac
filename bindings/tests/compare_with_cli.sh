#!/usr/bin/env bash
# Routes ISSUES with one binding's typed driver (scripts/route-with.sh) and with the CLI, and compares the
# two on the contract fields (compare_jsonl.py) and on the bundle digest of every line (SPEC §6.6). With
# --now T the file holds cases, evaluated at T by both (`gridroute escalate`). With EXPECTED, the CLI must
# first match it.
#   compare_with_cli.sh LANG BUNDLE FILE [EXPECTED] [--now T]
# Environment: GRIDROUTE_BUILD_DIR, GRIDROUTE_CLI, GRIDROUTE_COMPARE_JSONL, PYTHON.
set -uo pipefail
lang=$1 bundle=$2 input=$3
shift 3
expected='' now=''
while [[ $# -gt 0 ]]; do
  case "$1" in
    --now) now=$2; shift 2 ;;
    *) expected=$1; shift ;;
  esac
done
root=$(cd "$(dirname "$0")/../.." && pwd)
python=${PYTHON:-python3}
compare=${GRIDROUTE_COMPARE_JSONL:?}
mode=route
[[ -n "$now" ]] && mode=escalate
out=$GRIDROUTE_BUILD_DIR/bindings/out/$lang-$mode-$(basename "$bundle")-$(basename "$input" .jsonl)
mkdir -p "$out"

case "$lang" in
  c|c-batch) [[ -x "$GRIDROUTE_BUILD_DIR/bindings/route_typed_c" ]] || { echo "SKIP: no C driver (libjansson-dev)"; exit 0; } ;;
  go) [[ -x "$GRIDROUTE_BUILD_DIR/bindings/route_typed_go" ]] || { echo "SKIP: no Go driver (golang-go)"; exit 0; } ;;
  java) [[ -f "$GRIDROUTE_BUILD_DIR/bindings/java/classpath.txt" ]] || { echo "SKIP: no Java driver (JDK, JNA, Jackson)"; exit 0; } ;;
esac

if [[ $mode == route ]]; then
  "$GRIDROUTE_CLI" route "$bundle" "$input" >"$out/cli.jsonl" 2>"$out/cli.err"
else
  "$GRIDROUTE_CLI" escalate "$bundle" "$input" --now "$now" >"$out/cli.jsonl" 2>"$out/cli.err"
fi
cli_rc=$?
if [[ -n "$expected" ]]; then
  if [[ $cli_rc -ne 0 ]] || ! "$python" "$compare" "$out/cli.jsonl" "$expected" >"$out/cli-vs-expected.txt"; then
    echo "FAIL: the CLI's own answers differ from $expected:"
    cat "$out/cli.err" "$out/cli-vs-expected.txt" 2>/dev/null | head -40
    exit 1
  fi
elif [[ $cli_rc -ne 0 ]]; then
  echo "FAIL: gridroute $mode $bundle $input failed ($cli_rc)"; cat "$out/cli.err"; exit 1
fi

with=("$root/scripts/route-with.sh" "$lang" "$bundle" "$input")
[[ -n "$now" ]] && with+=(--now "$now")
if ! "${with[@]}" >"$out/$lang.jsonl" 2>"$out/$lang.err"; then
  echo "FAIL: ${with[*]} failed:"; cat "$out/$lang.err"; exit 1
fi
echo "$lang vs the CLI ($out):"
"$python" "$compare" "$out/$lang.jsonl" "$out/cli.jsonl" || exit 1
# Every answer names the bundle that made it: the driver's digest must be the CLI's, line by line.
"$python" - "$out/$lang.jsonl" "$out/cli.jsonl" <<'EOF'
import json, sys
mine, cli = ([json.loads(l) for l in open(p, encoding="utf-8") if l.strip()] for p in sys.argv[1:])
bad = [(i + 1, a.get("bundle"), b.get("bundle")) for i, (a, b) in enumerate(zip(mine, cli))
       if a.get("bundle") != b.get("bundle") or not isinstance(b.get("bundle"), str)]
for line, a, b in bad[:10]:
    print("BUNDLE line %d: expected %s, got %s" % (line, json.dumps(b), json.dumps(a)))
print("BUNDLE %d/%d" % (len(cli) - len(bad), len(cli)))
sys.exit(1 if bad or len(mine) != len(cli) else 0)
EOF
[[ $? -eq 0 ]] || exit 1
# The driver writes what the CLI writes, member for member and in its order (bindings.md): the contract
# fields above, and every other member (`cell`, `repinned`, `fallback`...) too.
"$python" - "$out/$lang.jsonl" "$out/cli.jsonl" <<'PY'
import json, sys
pairs = lambda p: p  # an object as its members in order
mine, cli = ([json.loads(l, object_pairs_hook=pairs) for l in open(p, encoding="utf-8") if l.strip()] for p in sys.argv[1:])

def same(a, b):
    # A line the driver could not read is rejected in its language's words (its own JSON reader): the
    # members and their order must still be the CLI's.
    if ("status", "rejected") in b or ("action", "rejected") in b:
        return [k for k, _ in a] == [k for k, _ in b]
    return a == b

bad = [(i + 1, a, b) for i, (a, b) in enumerate(zip(mine, cli)) if not same(a, b)]
for line, a, b in bad[:5]:
    print("MEMBERS line %d:\n  CLI:    %s\n  driver: %s" % (line, json.dumps(b, ensure_ascii=False), json.dumps(a, ensure_ascii=False)))
print("MEMBERS %d/%d in the CLI's order" % (len(cli) - len(bad), len(cli)))
sys.exit(1 if bad or len(mine) != len(cli) else 0)
PY
