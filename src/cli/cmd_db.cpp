// `gridroute db init` and `gridroute worker`: sweeps over a platform's PostgreSQL (docs/platform.md).
#include "cmd_db.hpp"
#include "usage.hpp"

#include <charconv>
#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#ifdef GRIDROUTE_WITH_POSTGRES
#include "gridroute/time.hpp"
#include "../platform/worker.hpp"  // internal; the CLI target has no src/ include path
#endif

namespace {

constexpr const char* kDbHelp = R"(Usage: gridroute db init --db DSN [--partitions N] [TABLE OPTIONS]

Creates, when absent, the table of cases
  gridroute_cases(id text primary key, doc jsonb not null, next_check timestamptz), indexed on next_check
and the table of events
  gridroute_events(seq bigserial primary key, case_id text not null, at timestamptz not null,
                   bundle text not null, action jsonb not null).
Tables that exist are left as they are. A case's doc is its case line (SPEC sections 4 and 6: the issue's
fields, level, level_started_at, responded, reports, status, ...), as 'gridroute escalate' reads it;
its next_check says when a worker looks at it (NULL: never). docs/platform.md has the whole cycle.

  --db DSN             a libpq connection string or URI ("host=/run/postgresql dbname=platform",
                       "postgresql://gridroute@db.example/platform"); "" takes the PG* variables
  --partitions N       partition the cases table by hash of id into N tables (N from 1 to 1024)
  --cases-table NAME   the cases table (default gridroute_cases; may be schema-qualified)
  --events-table NAME  the events table (default gridroute_events)
  --id-column, --doc-column, --next-check-column NAME   the cases table's column names

Exit status: 0 done, 2 usage error, 3 the database cannot be reached, 4 the database refused a
statement (the message says which).
)";

constexpr const char* kWorkerHelp = R"(Usage: gridroute worker BUNDLE --db DSN [--now TIME] [--once] [--batch N] [OPTIONS]

Evaluates the cases that are due (next_check <= now) in the database's cases table (made by
'gridroute db init'; each row's doc is a case line, as 'gridroute escalate' reads it), in batches, one
transaction per batch: claims them (FOR UPDATE SKIP LOCKED, so any number of workers can share the
table), appends one event per case (the answer line of 'gridroute escalate', the bundle's digest) and
updates each case: escalate, reopen and redispatch start the answer's level now (next_check: the earlier
of its respond_by and resolve_by); hold and suspended wait for the answer's next_check; none, overdue,
dispute and rejected park the case (next_check null) until the platform changes it.

  --db DSN           a libpq connection string or URI; "" takes the PG* variables
  --now TIME         evaluate at TIME (RFC 3339 with an offset) instead of the clock: all of a
                     --once pass; without --once the first pass, and later ones at TIME plus the
                     time elapsed since
  --once             one pass over what is due at the start, then exit
  --batch N          cases per transaction (default 1000, at most 100000)
  --max-sleep S      an idle worker looks for due cases at least every S seconds (default 60)
  --max-line-bytes N the longest case document read, in bytes of its JSON text (default
                     1048576); a longer one is answered 'rejected' and parked
  --retry-for S      give up when the database stays unreachable S seconds (default: never;
                     60 with --once); 0 never gives up
  --query-timeout S  a statement during which the database sends and takes nothing for S
                     seconds (a stopped server, a cut network) closes the connection, which is
                     then made again as after a lost one (default 300; 0 waits for ever)
  --cases-table, --events-table, --id-column, --doc-column, --next-check-column NAME
                     the platform's own table and column names (see gridroute db --help)
  --where CONDITION  only the cases for which this SQL condition holds (the cases table is
                     'c'), e.g. "c.bucket = 3": workers that share out a distributed table

Signals and notifications: SIGHUP or NOTIFY gridroute_reload reloads BUNDLE between two batches (a
bundle that does not load is logged and the old one keeps serving); NOTIFY gridroute_wake makes an
idle worker look for due cases at once; SIGTERM or SIGINT stops it after the batch in hand.
Progress and counts per action go to standard error.

Exit status: 0 the pass is done (--once) or a signal stopped the worker, 1 the bundle cannot be loaded,
2 usage error, 3 the database could not be reached within --retry-for, 4 the database refused the work
(a missing table or column, a permission, ids that repeat, a case it refuses even alone that cannot be
parked). docs/platform.md: the tables, a platform's own tables, several workers, reloads.
)";

using gridroute::cli::usage_error;

#ifdef GRIDROUTE_WITH_POSTGRES

template <class T>
bool parse_number(const std::string& text, T lo, T hi, T& out) {
  T v{};
  auto r = std::from_chars(text.data(), text.data() + text.size(), v);
  // `!(v >= lo && v <= hi)`: a NaN ("nan") is in no range.
  if (r.ec != std::errc() || r.ptr != text.data() + text.size() || !(v >= lo && v <= hi)) return false;
  out = v;
  return true;
}

// Reads `--name VALUE` or `--name=VALUE` at args[i] (cli::option_value: a value forgotten before the
// next option, `--db --once`, is missing); false when args[i] is not that option.
bool option(const std::vector<std::string>& args, std::size_t& i, const std::string& name, std::string& value,
            bool& missing) {
  if (!gridroute::cli::is_option(args[i], name)) return false;
  if (std::optional<std::string> v = gridroute::cli::option_value(args, i, name)) value = std::move(*v);
  else missing = true;
  return true;
}

// The table options shared by both commands; true when args[i] was one of them.
bool table_option(const std::vector<std::string>& args, std::size_t& i, gridroute::platform::Tables& t,
                  bool& missing) {
  return option(args, i, "--cases-table", t.cases, missing) || option(args, i, "--events-table", t.events, missing) ||
         option(args, i, "--id-column", t.id, missing) || option(args, i, "--doc-column", t.doc, missing) ||
         option(args, i, "--next-check-column", t.next_check, missing) || option(args, i, "--where", t.where, missing);
}

bool empty_name(const gridroute::platform::Tables& t) {
  return t.cases.empty() || t.events.empty() || t.id.empty() || t.doc.empty() || t.next_check.empty();
}

#endif

}  // namespace

int cmd_db(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  for (const auto& a : args)
    if (a == "--help" || a == "-h") {
      std::cout << kDbHelp;
      return 0;
    }
#ifndef GRIDROUTE_WITH_POSTGRES
  return usage_error("db: this gridroute was built without PostgreSQL support (GRIDROUTE_POSTGRES=OFF)");
#else
  if (args.empty()) return usage_error("db: missing a subcommand (init)");
  if (args[0] != "init") return usage_error("db: unknown subcommand '" + args[0] + "' (expected init)");
  gridroute::platform::InitOptions o;
  bool have_db = false;
  gridroute::cli::SeenOptions seen;  // one given twice is a usage error, not the last one winning
  for (std::size_t i = 1; i < args.size(); ++i) {
    bool missing = false;
    std::string v;
    if (const std::string twice = seen.repeated(args[i]); !twice.empty())
      return usage_error("db init: " + twice + " is given twice");
    if (option(args, i, "--db", o.dsn, missing)) {
      have_db = true;
    } else if (option(args, i, "--partitions", v, missing)) {
      if (!missing && !parse_number(v, 1, 1024, o.partitions))
        return usage_error("db init: --partitions needs a count from 1 to 1024");
    } else if (!table_option(args, i, o.tables, missing)) {
      return usage_error("db init: unknown argument " + args[i]);
    }
    if (missing) return usage_error("db init: " + args[i] + " needs a value");
  }
  if (!have_db) return usage_error("db init: --db DSN is required");
  if (std::string e = gridroute::platform::dsn_problem(o.dsn); !e.empty()) return usage_error("db init: --db: " + e);
  if (!o.tables.where.empty()) return usage_error("db init: --where is an option of gridroute worker");
  if (empty_name(o.tables)) return usage_error("db init: a table or column name is empty");
  return gridroute::platform::run_db_init(o);
#endif
}

int cmd_worker(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  for (const auto& a : args)
    if (a == "--help" || a == "-h") {
      std::cout << kWorkerHelp;
      return 0;
    }
#ifndef GRIDROUTE_WITH_POSTGRES
  return usage_error("worker: this gridroute was built without PostgreSQL support (GRIDROUTE_POSTGRES=OFF)");
#else
  gridroute::platform::WorkerOptions o;
  bool have_db = false, have_retry = false;
  std::vector<std::string> pos;
  gridroute::cli::SeenOptions seen;  // one given twice is a usage error, not the last one winning
  for (std::size_t i = 0; i < args.size(); ++i) {
    bool missing = false;
    std::string v;
    if (const std::string twice = seen.repeated(args[i]); !twice.empty())
      return usage_error("worker: " + twice + " is given twice");
    if (option(args, i, "--db", o.dsn, missing)) {
      have_db = true;
    } else if (option(args, i, "--now", v, missing)) {
      if (!missing) {
        auto t = gridroute::parse_rfc3339(v);
        if (!t.ok()) return usage_error("worker: --now: " + std::string(t.status().message()));
        // The calendar range of case lines (deadlines must be writable with a four-digit year).
        if (*t >= *gridroute::parse_rfc3339("9000-01-01T00:00:00Z"))
          return usage_error("worker: --now must be before 9000-01-01T00:00:00Z (the calendar range)");
        o.now = *t;
      }
    } else if (args[i] == "--once") {
      o.once = true;
    } else if (option(args, i, "--batch", v, missing)) {
      if (!missing && !parse_number(v, 1, 100000, o.batch))
        return usage_error("worker: --batch needs a count from 1 to 100000");
    } else if (option(args, i, "--max-line-bytes", v, missing)) {
      if (!missing && !parse_number(v, std::size_t{1}, std::size_t{1} << 30, o.max_line_bytes))
        return usage_error("worker: --max-line-bytes needs a byte count from 1 to 1073741824");
    } else if (option(args, i, "--max-sleep", v, missing)) {
      if (!missing && (!parse_number(v, 0.01, 86400.0, o.max_sleep)))
        return usage_error("worker: --max-sleep needs seconds from 0.01 to 86400");
    } else if (option(args, i, "--retry-for", v, missing)) {
      if (!missing && !parse_number(v, 0.0, 1e9, o.retry_for))
        return usage_error("worker: --retry-for needs seconds (0: never give up)");
      have_retry = true;
    } else if (option(args, i, "--query-timeout", v, missing)) {
      if (!missing && !parse_number(v, 0.0, 1e9, o.query_timeout))
        return usage_error("worker: --query-timeout needs seconds (0: wait for ever)");
    } else if (table_option(args, i, o.tables, missing)) {
    } else if (args[i].size() > 1 && args[i][0] == '-') {
      return usage_error("worker: unknown option " + args[i]);
    } else {
      pos.push_back(args[i]);
    }
    if (missing) return usage_error("worker: " + args[i] + " needs a value");
  }
  if (pos.empty()) return usage_error("worker: missing BUNDLE");
  if (pos.size() > 1) return usage_error("worker: takes one BUNDLE");
  if (!have_db) return usage_error("worker: --db DSN is required");
  if (std::string e = gridroute::platform::dsn_problem(o.dsn); !e.empty()) return usage_error("worker: --db: " + e);
  if (empty_name(o.tables)) return usage_error("worker: a table or column name is empty");
  if (!have_retry && o.once) o.retry_for = 60;
  o.bundle = pos[0];
  return gridroute::platform::run_worker(o);
#endif
}
