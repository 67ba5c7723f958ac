// Internal to the CLI: the help texts — `gridroute --help`, `gridroute COMMAND --help`, and the man page,
// which is generated from the same text.
#pragma once

#include <string_view>

namespace gridroute::cli {

inline constexpr std::string_view kUsage = R"(gridroute — who owns a resident's issue, and when and to whom it escalates

Usage:
  gridroute check BUNDLE                                  load a bundle and lint it
  gridroute route BUNDLE [ISSUES.jsonl|-] [--explain]     route issues (JSON Lines) to handlers
  gridroute escalate BUNDLE [CASES.jsonl|-] --now TIME    evaluate open cases for escalation
  gridroute db init --db DSN                              create the PostgreSQL cases and events tables
  gridroute worker BUNDLE --db DSN [--once]               evaluate the due cases in PostgreSQL
  gridroute version                                       print the version
  gridroute help [COMMAND]                                help on gridroute or on one command

A BUNDLE is a directory with jurisdiction.json and rules.json (see docs/formats.md).
Input defaults to standard input ('-'); output is JSON Lines on standard output, one line per
non-blank input line, in input order. Bad lines get a "rejected" record; the batch goes on.

Exit status: 0 success, 1 the bundle has errors, 2 usage error, 3 an input file cannot be read
(or the output cannot be written).
)";

inline constexpr std::string_view kCheckHelp = R"(Usage: gridroute check BUNDLE

Loads BUNDLE (jurisdiction.json, rules.json and the CSV files they name), reports every error as
FILE:LINE:COLUMN: /json/pointer: message, then lints the bundle and prints warnings:
  - coverage holes: cells x declared categories that no rule routes;
  - shadowed rules: rules that can never win;
  - handlers that serve nothing routable;
  - escalation policies that no rule uses.
Exit status: 0 when the bundle loads (warnings do not fail it), 1 on errors, 2 on usage errors,
3 when the output cannot be written.
)";

inline constexpr std::string_view kRouteHelp = R"(Usage: gridroute route BUNDLE [ISSUES.jsonl|-] [--explain]

Reads issues, one JSON object per line:
  {"id": "I-1", "category": "env.noise.loudspeaker", "cell": "chengnan-a-01",
   "at": "2026-11-20T09:15:00+08:00", "attrs": {"severity": 2}}
and writes one decision per line: status routed (rule, role, handler, unit, alternates, assist,
level, escalation, respond_by, resolve_by), unrouted (reason) or rejected (error).

  --explain   add "trace": every rule considered, in winning order, and why each lost
  --max-line-bytes N   longest accepted line, in bytes (default 1048576); a longer line is
              answered with a "rejected" record and not parsed
  --threads N decide on N threads (0: one per core; default 1); the output order stays the
              input order
  --quiet     no progress bar
A progress bar is drawn on standard error when it is a terminal. Lines are answered in blocks; a pipe
that pauses gets the answers so far, so a caller may write a line and wait for its record.
)";

inline constexpr std::string_view kEscalateHelp = R"(Usage: gridroute escalate BUNDLE [CASES.jsonl|-] --now TIME

Reads cases (an issue's fields plus level, level_started_at, responded, reports, status and an
optional rating; and the lifecycle of docs/lifecycle.md: a pinned rule and handler, returned,
suspended, extended_to) and writes one action per line at TIME (RFC 3339 with an offset):
  none | hold (with next_check) | escalate | reopen (with the new level's respond_by, resolve_by,
  assist) | overdue | redispatch (a new owner after a return) | dispute (nobody left)
  | suspended (with next_check) | rejected (with error).

  --now TIME  the evaluation time, e.g. 2026-11-23T10:00:00+08:00 (required)
  --explain   add "trace": the steps that led to the action
  --max-line-bytes N   longest accepted line, in bytes (default 1048576); a longer line is
              answered with a "rejected" record and not parsed
  --threads N decide on N threads (0: one per core; default 1); the output order stays the
              input order
  --quiet     no progress bar
)";

inline constexpr std::string_view kVersionHelp = R"(Usage: gridroute version

Prints the version of gridroute, e.g. "gridroute 1.0.0".
)";

}  // namespace gridroute::cli
