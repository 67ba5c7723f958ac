// Sweeps over a platform's PostgreSQL: `gridroute db init` and `gridroute worker` (docs/platform.md).
//
//   gridroute::platform::WorkerOptions o;
//   o.bundle = "bundles/town";
//   o.dsn = "host=/run/postgresql dbname=platform";
//   o.once = true;
//   int status = gridroute::platform::run_worker(o);   // one of the kExit* codes
//
// A worker claims due cases (`next_check <= now`) with FOR UPDATE SKIP LOCKED, evaluates them, appends
// one event per case and updates the cases, one transaction per batch; any number of workers may run
// against one database.
#pragma once

#include <optional>
#include <string>

#include "gridroute/time.hpp"

namespace gridroute::platform {

// Exit statuses of `gridroute worker` and `gridroute db`.
inline constexpr int kExitOk = 0;           // the pass is done, or a signal stopped the worker
inline constexpr int kExitBundle = 1;       // the bundle could not be loaded at start
inline constexpr int kExitUsage = 2;        // bad arguments
inline constexpr int kExitUnreachable = 3;  // the database could not be reached within --retry-for
inline constexpr int kExitRefused = 4;      // the database refused the work (tables, permissions, ...)

// Where the cases and events live. Names are SQL: a table may be schema-qualified and quoted
// (`platform."Cases"`), unquoted names fold to lower case.
struct Tables {
  std::string cases = "gridroute_cases";
  std::string id = "id";
  std::string doc = "doc";
  std::string next_check = "next_check";
  std::string events = "gridroute_events";
  // An SQL condition on the cases table (alias `c`) that limits a worker to a slice of it, e.g.
  // `c.bucket = 3` on a distributed table; empty: all of it.
  std::string where;
};

struct WorkerOptions {
  std::string bundle;
  std::string dsn;
  Tables tables;
  std::optional<Instant> now;  // the time of the first pass; later passes add the time elapsed since
  bool once = false;           // one pass over what is due at the start, then exit
  int batch = 1000;            // cases per claim and transaction
  double max_sleep = 60;       // seconds an idle worker waits at most before it looks again
  double retry_for = 0;        // give up after the database is unreachable this long (0: never)
  // A statement during which the database sends and takes nothing for this many seconds (a server or
  // network that has stopped) closes the connection, which is made again as after a lost one (0: wait
  // for ever).
  double query_timeout = 300;
  std::size_t max_line_bytes = 0;  // the longest case document read (0: the codec's default, 1 MiB)
};

int run_worker(const WorkerOptions& options);

struct InitOptions {
  std::string dsn;
  Tables tables;
  int partitions = 0;  // > 0: the cases table is partitioned by hash of id into this many tables
};

int run_db_init(const InitOptions& options);

// SQL: whether the cases relation ($1) has an index its claims can use, on the next_check column ($2).
extern const char* const kIndexedSql;

// "" when libpq reads `dsn` (a conninfo string or a postgresql:// URI; "" is the PG* environment), else
// why not: a DSN that cannot be read is a usage error, not something to retry.
std::string dsn_problem(const std::string& dsn);

}  // namespace gridroute::platform
