// Internal to the CLI: the help texts — `gridroute --help`, `gridroute COMMAND --help`, and the man page,
// which is generated from the same text.
#pragma once

#include <string_view>

namespace gridroute::cli {

inline constexpr std::string_view kUsage = R"(gridroute — who owns a resident's issue, and when and to whom it escalates

Usage:
  gridroute check BUNDLE [--format json] [--strict] [--coverage]   load a bundle and lint it
  gridroute route BUNDLE [ISSUES.jsonl|-] [--explain]     route issues (JSON Lines) to handlers
  gridroute escalate BUNDLE [CASES.jsonl|-] --now TIME    evaluate open cases for escalation
  gridroute compile BUNDLE -o FILE                        compile a bundle into one file that opens at once
  gridroute test BUNDLE TESTS.jsonl                       check a bundle's decisions against expectations
  gridroute diff OLD NEW ISSUES.jsonl [--html REPORT]     the lines whose answers differ between bundles
  gridroute graph BUNDLE [--root UNIT] [--depth N]        the unit tree and who serves it, as Graphviz DOT
  gridroute db init --db DSN                              create the PostgreSQL cases and events tables
  gridroute worker BUNDLE --db DSN [--once]               evaluate the due cases in PostgreSQL
  gridroute version (or --version)                        print the version
  gridroute help [COMMAND]                                help on gridroute or on one command

A BUNDLE is a directory with jurisdiction.json and rules.json (see docs/formats.md; installed in
share/doc/gridroute/docs/), or a file written by 'gridroute compile'.
Input defaults to standard input ('-'); output is JSON Lines on standard output, one line per
non-blank input line, in input order. Bad lines get a "rejected" record; the batch goes on.
route and escalate read a platform's own work orders with --map FILE (see docs/platform-input.md).

Exit status: 0 success, 1 the bundle has errors, 2 usage error, 3 an input file cannot be read
(or the output cannot be written), 4 a line was rejected (with --fail-on-rejected), 70 an internal
error (a bug: please report it), 141 the output is a pipe that was closed (as by head).
)";

inline constexpr std::string_view kCheckHelp = R"(Usage: gridroute check BUNDLE [--format json] [--strict] [--coverage]

Loads BUNDLE (jurisdiction.json, rules.json and the CSV and GeoJSON files they name), reports
every error as FILE:LINE:COLUMN: /json/pointer: message (the cause first, e.g. an unknown parent
before the unit it left without children; "did you mean" for a misspelt name), then lints the
bundle and prints warnings, each at its FILE:LINE:COLUMN:
  - coverage holes: cells x declared categories that no rule routes (with defaults.fallback a
    note instead: the fallback owner takes those issues);
  - shadowed rules: rules that can never win;
  - rules that can never route: no handler has any of their roles; escalation levels that never
    resolve: no handler has their roles, or those handlers all serve below where the level starts;
  - rules that never apply to an issue without an attribute (a ne is false on a missing one);
  - handlers that serve nothing routable;
  - escalation policies that no case uses (through a rule, defaults.escalation or the fallback owner);
  - escalation policies whose severity_skip never applies (severity not declared as a number);
  - calendars that work on no weekday (their time runs out after the last make-up day), and
    make-up days that are working weekdays already;
  - working durations whose deadline falls past the 30 years a count looks ahead (written null), on
    a calendar that use counts on;
  - local_time windows that hold no time: they start where they end, or run ["24:00", "00:00"];
  - with cells_geojson: cells without a polygon, polygons of different cells that overlap, and
    rings that cross themselves.

  --format json  print one JSON document on standard output instead: {"bundle" (the path given),
              "ok", "strict", "digest", "units", "handlers", "rules", "escalation_policies",
              "errors", "warnings", "notes", "diagnostics": [{"severity", "file", "line",
              "column", "pointer", "message", "text"}], ...}, for a refused bundle too
  --format text  the default
  --strict    warnings fail the check (exit status 1); notes never do
  --coverage  then report coverage: the share of (cell x declared category) pairs that route, per
              category group (the first segment of the code) and per unit of each tier, and the
              holes grouped by the highest unit that misses them, e.g.
                category group `housing`: 12 cells of community `xinhua` route nothing for housing.repair.*
              (computed up to 20000000 pairs, the lint's budget)
At most 100 findings of each kind are listed; a note says how many more were found.
Exit status: 0 when the bundle loads (warnings do not fail it, unless --strict), 1 on errors,
2 on usage errors, 3 when the output cannot be written.
)";

inline constexpr std::string_view kCompileHelp = R"(Usage: gridroute compile BUNDLE -o FILE [--quiet]

Loads BUNDLE (a directory; errors are reported as 'gridroute check' reports them) and writes its compiled
form to FILE: one versioned, checksummed file that every command, the C ABI and the bindings open in
place of the directory. Opening it maps it into memory instead of parsing CSV and JSON, so a national tree
opens in a fraction of a second, and processes on one machine share one copy in the page cache. Cell
polygons (cells_geojson) are stored as their index, not as GeoJSON: a million cells open in about half a
second. Answers from the file are those of the directory, with the same bundle digest.
FILE is written through a temporary file and a rename: a process that opens it meanwhile sees the old file
or the new one. A file written by another format version is refused by name; compile the bundle again.

  -o FILE, --output FILE, --output=FILE   the file to write (required); a name that starts with
              '-' is ./-x
  --quiet     no summary on standard error
Exit status: 0 written, 1 the bundle has errors, 2 usage error, 3 FILE cannot be written.
)";

inline constexpr std::string_view kRouteHelp = R"(Usage: gridroute route BUNDLE [ISSUES.jsonl|-] [--explain]

Reads issues, one JSON object per line:
  {"id": "I-1", "category": "env.noise.loudspeaker", "cell": "qiaodong-a-01",
   "at": "2026-11-20T09:15:00+08:00", "attrs": {"severity": 2}}
and writes one decision per line: status routed (rule, role, handler, unit, alternates, assist,
level, escalation, respond_by, resolve_by), unrouted (reason) or rejected (error).

  --explain   add "trace": every rule considered, in winning order, and why each lost; a rule
              whose condition is false says which part failed in "why_not", e.g.
                attr severity is missing; ne is false on a missing attribute
  --map FILE  read a platform's own work orders: FILE renames their fields, looks names up in
              tables and gives defaults (docs/platform-input.md); a line it cannot map is
              rejected with the reason
  --max-line-bytes N   longest accepted line, in bytes (1 to 1073741824; default 1048576); a
              longer line is answered with a "rejected" record and not parsed
  --threads N decide on N threads (0 to 256; 0: one per core; default 1); the output order stays
              the input order
  --summary   print the summary line on standard error even when it is not a terminal,
              and under it the first five rejected lines with their errors:
                gridroute route: 10 lines: 8 routed, 0 unrouted, 2 rejected
                gridroute route: orders.jsonl:8: rejected: missing field 'cell' (...)
  --fail-on-rejected   exit with status 4 when a line was rejected (every line is still answered)
  --quiet, -q  no progress bar, and no summary line unless --summary
A progress bar is drawn on standard error when it is a terminal; when the decisions are shown on
it too, the bar is erased before each block of them and drawn again under it. The summary line
follows the last decision. Lines are answered in blocks; a pipe
that pauses gets the answers so far, so a caller may write a line and wait for its record.

Exit status: 0 every line answered (rejected lines included), 1 the bundle has errors, 2 usage
error, 3 the input cannot be read or the output cannot be written, 4 a line was rejected (with
--fail-on-rejected), 70 an internal error (a bug: please report it), 141 the output is a pipe that
was closed (as by head).
)";

inline constexpr std::string_view kEscalateHelp = R"(Usage: gridroute escalate BUNDLE [CASES.jsonl|-] --now TIME

Reads cases (an issue's fields plus level, level_started_at, responded, reports, status and an
optional rating; and the lifecycle of docs/lifecycle.md: a pinned rule and handler, returned,
suspended, extended_to), one JSON object per line:
  {"id": "C01", "category": "env.noise.loudspeaker", "cell": "qiaodong-a-01",
   "at": "2026-11-23T09:20:00+08:00", "level": 0, "level_started_at": "2026-11-23T09:20:00+08:00",
   "responded": false, "reports": 0, "status": "open"}
and writes one action per line at TIME (RFC 3339 with an offset):
  none | hold (with next_check) | escalate | reopen (with the new level's respond_by, resolve_by,
  assist) | overdue | redispatch (a new owner after a return) | dispute (nobody left)
  | suspended (with next_check) | rejected (with error).

  --now TIME  the evaluation time, e.g. 2026-11-23T10:00:00+08:00 (required; without an offset
              when jurisdiction.json sets "local_times": true, read in the jurisdiction's zone)
  --explain   add "trace": the steps that led to the action
  --map FILE  read a platform's own case records, as route --map does (docs/platform-input.md)
  --max-line-bytes N   longest accepted line, in bytes (1 to 1073741824; default 1048576); a
              longer line is answered with a "rejected" record and not parsed
  --threads N decide on N threads (0 to 256; 0: one per core; default 1); the output order stays
              the input order
  --summary   print the summary line (the count of each action) on standard error even when it
              is not a terminal: gridroute escalate: 41 lines: 3 none, 14 hold, ...; under it
              the first five rejected lines, as FILE:LINE: rejected: error
  --fail-on-rejected   exit with status 4 when a case was rejected
  --quiet, -q  no progress bar, and no summary line unless --summary

Exit status: 0 every case answered (rejected cases included), 1 the bundle has errors, 2 usage
error (--now missing or not a time too), 3 the input cannot be read or the output cannot be
written, 4 a case was rejected (with --fail-on-rejected), 70 an internal error (a bug: please report
it), 141 the output is a pipe that was closed.
)";

inline constexpr std::string_view kTestHelp = R"(Usage: gridroute test BUNDLE TESTS.jsonl [--verbose] [--max-line-bytes BYTES]

Each line of TESTS.jsonl (- for standard input) is an issue line with an "expect" object of decision
fields:
  {"id": "T1", "category": "street.vending.gate", "cell": "qiaodong-a-01",
   "at": "2026-11-16T10:00:00+08:00", "expect": {"rule": "vending-gate", "handler": "squad-1"}}
The fields a test may name: status, rule, handler, role, department, unit, cell, level, escalation,
alternates, assist (lists, in order), respond_by, resolve_by (compared as instants, so any offset
will do), fallback. A test passes when every field it names equals the decision's (`cell` is the cell
found from a location: a decision for an issue that gave its cell carries none). Each failure is
printed as FILE:LINE: ID with the field, the expected and the actual value, and the decision's
--explain trace; the last line is "N passed, M failed".

  --verbose, -v           also print a line for each test that passes
  --max-line-bytes BYTES  read test lines up to this long (default 1048576, as route)
Exit status: 0 when every test passes, 1 when one fails (or the bundle has errors), 2 on usage
errors, 3 when TESTS.jsonl cannot be read (or is also standard output).
)";

inline constexpr std::string_view kDiffHelp = R"(Usage: gridroute diff OLD NEW ISSUES.jsonl [--cases CASES.jsonl --now TIME] [--html REPORT.html]

Decides every issue line (and with --cases every case line, at TIME) under both bundles and writes,
for each line whose answer differs in a contract field, one JSON line on standard output:
  {"id": "L16", "changed": ["rule", "handler"], "old": DECISION, "new": DECISION}
issue lines first, then case lines, in input order. The bundle digest ("bundle") is not a contract
field: it differs between two bundles by design. A summary goes to standard error: lines compared
and changed, the fields that changed, moves from handler to handler, from rule to rule and from tier
to tier (counted, largest first), and deadlines moved earlier or later.

  --cases FILE        also evaluate these cases (escalation) under both bundles
  --now TIME          the time the cases are evaluated at, RFC 3339 with an offset (without
                      one when both bundles set "local_times" in the same time zone)
  --html FILE         write a self-contained page (no network): the summary as tables and charts,
                      and the changed lines as a sortable table with each side's trace
  --html-rows N       changed lines in the page's table (default 2000; the output has all)
  --summary FILE      write the summary as JSON
  --explain           add each side's "trace" to the old and new records
  --exit-code         exit with status 1 when a line changed (as diff(1) and git diff do)
  --threads N         1 (default) or 2: decide under the two bundles at once, on two threads
  --max-line-bytes N  longest accepted line, in bytes (default 1048576)
  --quiet, -q         no progress bar
Exit status: 0 (1 with --exit-code when a line changed), 1 when a bundle has errors, 2 on usage
errors, 3 when an input cannot be read or an output cannot be written.
)";

inline constexpr std::string_view kGraphHelp = R"(Usage: gridroute graph BUNDLE [--root UNIT] [--depth N]

Writes the unit tree and the handlers that serve each unit as Graphviz DOT on standard output:
units are boxes (id, name, tier), handlers are ellipses (id, role, department) coloured by role,
with a dashed arrow to each unit they serve. Render it with Graphviz, e.g.
  gridroute graph examples/lanxi | dot -Tsvg > lanxi.svg

  --root UNIT  only the tree below UNIT; handlers that serve its ancestors are drawn to it, marked
               "via ANCESTOR"
  --depth N    only N tiers of units below the root (0: the root alone); a unit cut off says how
               many units lie below it
Exit status: 0, 1 when the bundle has errors, 2 on usage errors (an unknown --root unit too).
)";

inline constexpr std::string_view kVersionHelp = R"(Usage: gridroute version

Prints the version of gridroute, e.g. "gridroute 1.4.0" (MAJOR.MINOR.PATCH; also with --version).
)";

}  // namespace gridroute::cli
