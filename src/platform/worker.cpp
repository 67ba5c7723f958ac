#include "platform/worker.hpp"

#include <charconv>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <utility>
#include <string>
#include <vector>

#include <boost/json.hpp>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "base/text.hpp"
#include "gridroute/engine.hpp"
#include "gridroute/jsonl.hpp"
#include "gridroute/snapshot.hpp"
#include "platform/pg.hpp"
#include "platform/update.hpp"

namespace gridroute::platform {

namespace {

using Steady = std::chrono::steady_clock;

void log(const std::string& msg) { std::fprintf(stderr, "gridroute worker: %s\n", msg.c_str()); }

// Abseil here has its own string_view type; StrCat takes that one.
absl::string_view av(std::string_view s) { return {s.data(), s.size()}; }

double seconds_since(Steady::time_point t) { return std::chrono::duration<double>(Steady::now() - t).count(); }

// SIGHUP, SIGINT and SIGTERM, read from a signalfd: the worker sees them between batches and while it
// waits, never in the middle of a transaction.
class Signals {
 public:
  Signals() {
    sigemptyset(&set_);
    sigaddset(&set_, SIGHUP);
    sigaddset(&set_, SIGINT);
    sigaddset(&set_, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set_, &old_);
    fd_ = signalfd(-1, &set_, SFD_NONBLOCK | SFD_CLOEXEC);
  }
  ~Signals() {
    if (fd_ >= 0) ::close(fd_);
    pthread_sigmask(SIG_SETMASK, &old_, nullptr);
  }
  Signals(const Signals&) = delete;
  Signals& operator=(const Signals&) = delete;
  int fd() const { return fd_; }
  // Reads the signals received so far.
  void drain(bool& reload, bool& stop) {
    signalfd_siginfo info;
    while (fd_ >= 0 && ::read(fd_, &info, sizeof info) == static_cast<ssize_t>(sizeof info)) {
      if (info.ssi_signo == SIGHUP) reload = true;
      else stop = true;
    }
  }

 private:
  sigset_t set_, old_;
  int fd_ = -1;
};

// Counts of evaluated cases by action, and where the time went.
struct Tally {
  enum Phase { claim, evaluate, events, update, commit, kPhases };
  std::map<std::string, long long> by_action;
  long long cases = 0;
  double seconds[kPhases] = {};
  void add(const Tally& o) {
    for (const auto& [k, v] : o.by_action) by_action[k] += v;
    cases += o.cases;
    for (int i = 0; i < kPhases; ++i) seconds[i] += o.seconds[i];
  }
  std::string to_string() const {
    std::vector<std::string> parts;
    for (const auto& [k, v] : by_action) parts.push_back(absl::StrCat(k, " ", v));
    return parts.empty() ? "nothing due" : absl::StrJoin(parts, ", ");
  }
  std::string times() const {
    static constexpr const char* kNames[kPhases] = {"claim", "evaluate", "events", "update", "commit"};
    std::vector<std::string> parts;
    for (int i = 0; i < kPhases; ++i) parts.push_back(absl::StrCat(kNames[i], " ", std::round(seconds[i] * 100) / 100));
    return absl::StrJoin(parts, ", ");
  }
};

// Adds the time since the last lap to a phase of a tally.
class Stopwatch {
 public:
  explicit Stopwatch(Tally& t) : t_(t), last_(Steady::now()) {}
  void lap(Tally::Phase p) {
    auto now = Steady::now();
    t_.seconds[p] += std::chrono::duration<double>(now - last_).count();
    last_ = now;
  }

 private:
  Tally& t_;
  Steady::time_point last_;
};

// Cases still due after their update, in one pass, at which the worker stops (exit 4): past a few, it is
// the table's triggers or the --where filter, not a case.
constexpr std::size_t kStillDueLimit = 1000;

class Worker {
 public:
  Worker(const WorkerOptions& o, Engine engine) : o_(o), engine_(std::move(engine)), clock_start_(Steady::now()) {
    conn_.set_answer_timeout(o_.query_timeout, "--query-timeout");
    if (o_.now) clock_base_ = *o_.now;
  }

  int run() {
    if (signals_.fd() < 0) {
      log("cannot watch signals (signalfd failed)");
      return kExitRefused;
    }
    log(absl::StrCat(o_.bundle, " loaded; ", o_.once ? "one pass" : "serving", ", batches of ", o_.batch));
    Step s = connect();
    if (s != Step::ok) return exit_code(s);
    // With --now, the first pass is at exactly that time; the clock runs on from there.
    clock_start_ = Steady::now();
    if (o_.once) {
      s = sweep(now());
      if (s == Step::ok || s == Step::stop)
        log(absl::StrCat(stop_ ? "stopped by a signal; " : "", "done: ", total_.cases, " cases: ", total_.to_string()));
      else
        log(absl::StrCat("stopped before the pass was done; ", total_.cases, " cases done",
                         total_.cases > 0 ? absl::StrCat(": ", total_.to_string()) : std::string()));
      return exit_code(s);
    }
    bool first = true;
    while (!stop_) {
      s = sweep(first && o_.now ? *o_.now : kNoInstant);
      first = false;
      if (s != Step::ok) return exit_code(s);
      if (stop_) break;
      s = idle();
      if (s != Step::ok) return exit_code(s);
    }
    log(absl::StrCat("stopped by a signal; ", total_.cases, " cases in all: ", total_.to_string()));
    return kExitOk;
  }

 private:
  enum class Step { ok, stop, give_up, refused, usage };

  struct Batch {
    int claimed = 0;
    pg::Failure failure = pg::Failure::none;
    std::string error;
    std::string first_id;  // the first claimed case, for a batch of one that the database refuses
    std::string last_next_check, last_id;  // the last claimed case, where the next claim of the pass starts
    Tally tally;
    std::vector<std::string> warnings;
    bool fatal = false;  // not one case's fault: the table's ids (or the --where filter) cannot work
    std::string sqlstate;  // of the failed statement
    std::string step;      // what the failed statement was doing: "updating the cases", ...
    std::vector<std::string> still_due;  // cases answered and updated whose next_check is still due
    std::string first_answer;            // the first claimed case's answer line (its `id` is the doc's)
  };

  static int exit_code(Step s) {
    switch (s) {
      case Step::ok:
      case Step::stop: return kExitOk;
      case Step::give_up: return kExitUnreachable;
      case Step::usage: return kExitUsage;
      case Step::refused: return kExitRefused;
    }
    return kExitRefused;
  }

  // The clock: --now plus the time since the first pass started, else the system's clock.
  Instant now() const {
    if (o_.once && clock_base_ != kNoInstant) return clock_base_;
    if (clock_base_ != kNoInstant)
      return clock_base_ + std::chrono::duration_cast<std::chrono::microseconds>(Steady::now() - clock_start_).count();
    return std::chrono::duration_cast<std::chrono::microseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  }

  // --- connection -------------------------------------------------------------------------------

  // Connects (again), with backoff while the database cannot be reached.
  Step connect() {
    double delay = 0.1;
    auto since = Steady::now();
    std::mt19937 jitter(static_cast<unsigned>(::getpid()) ^ static_cast<unsigned>(since.time_since_epoch().count()));
    for (int attempt = 0;; ++attempt) {
      if (stop_) return Step::stop;
      conn_.close();
      std::string error;
      // An attempt waits at most what is left of --retry-for (and 10 s), so that a server that takes
      // connections and never answers is given up when --retry-for says.
      int attempt_timeout = pg::Connection::kConnectTimeout;
      if (o_.retry_for > 0)
        attempt_timeout = static_cast<int>(std::clamp(std::ceil(o_.retry_for - seconds_since(since)), 2.0,
                                                      static_cast<double>(pg::Connection::kConnectTimeout)));
      auto st = conn_.open(o_.dsn, "gridroute worker", attempt_timeout);
      if (st.ok()) {
        pg::Failure f = setup(error);
        if (f == pg::Failure::none) {
          if (connected_once_) log("connected to the database again");
          else if (attempt > 0) log("connected to the database");
          connected_once_ = true;
          return Step::ok;
        }
        if (f == pg::Failure::refused) {
          log(error);
          return Step::refused;
        }
      } else {
        error = std::string(st.message());
        // A value libpq does not accept (sslmode=bogus) is the --db string's mistake: a usage error.
        if (pg::invalid_option_error(error)) {
          log(absl::StrCat("--db: ", error, " (not retried)"));
          return Step::usage;
        }
        // Before the first connection, a login the server refuses for good is not waited for.
        if (!connected_once_ && pg::permanent_connect_error(error)) {
          log(absl::StrCat("cannot connect to the database: ", error, "; not retried (check --db)"));
          return Step::give_up;
        }
      }
      const double spent = seconds_since(since);
      if (o_.retry_for > 0 && spent >= o_.retry_for) {
        log(absl::StrCat("cannot reach the database: ", error, "; giving up after ", o_.retry_for, " s (--retry-for)"));
        return Step::give_up;
      }
      // The backoff with its jitter stays within 30 s, and within what is left of --retry-for.
      double wait = std::min(delay * std::uniform_real_distribution<double>(0.75, 1.25)(jitter), 30.0);
      if (o_.retry_for > 0) wait = std::min(wait, o_.retry_for - spent);
      log(absl::StrCat("cannot reach the database: ", error, "; retrying in ", std::round(wait * 10) / 10, " s"));
      wait_for(wait, /*with_connection=*/false);
      delay = std::min(delay * 2, 30.0);
    }
  }

  // After a connection is made: listen, and find the tables and their column types.
  pg::Failure setup(std::string& error) {
    // The batch update joins a few thousand ids to the cases table: index lookups, whatever the
    // planner guesses. Left to itself it merges with a scan of the whole table when the table is
    // partitioned (it prices a lookup as one per partition, not knowing that all but one are pruned at
    // run time), which makes a batch cost as much as the table is large.
    // ISO dates: a claim hands the last next_check it read back to the next claim as text.
    for (const char* sql : {"LISTEN gridroute_reload", "LISTEN gridroute_wake", "SET enable_hashjoin = off",
                            "SET enable_mergejoin = off", "SET DateStyle = 'ISO, YMD'"}) {
      pg::Result r = conn_.exec(sql);
      if (!r.ok()) {
        error = r.error();
        return r.failure();
      }
    }
    struct Column {
      std::string* name;
      std::string quoted, type;
    };
    std::string cases, events;
    auto relation = [&](const std::string& name, std::string& out) {
      pg::Result r = conn_.exec("SELECT to_regclass($1)::text", {name});
      if (!r.ok()) {
        error = absl::StrCat("table ", name, ": ", r.error());
        return r.failure();
      }
      if (r.null(0, 0)) {
        error = absl::StrCat("table ", name, " does not exist (create it with: gridroute db init --db DSN",
                             name == o_.tables.cases && name != "gridroute_cases" ? absl::StrCat(" --cases-table ", name)
                                                                                  : std::string(),
                             ")");
        return pg::Failure::refused;
      }
      out = std::string(r.value(0, 0));
      return pg::Failure::none;
    };
    // The quoted name and the type of a column, and its type's base name (a domain's: over jsonb, jsonb).
    auto column = [&](const std::string& table, const std::string& name, std::string& quoted, std::string& type,
                      std::string& base) {
      pg::Result r = conn_.exec(
          "SELECT quote_ident(a.attname), format_type(a.atttypid, a.atttypmod), "
          "CASE WHEN t.typtype = 'd' THEN bt.typname ELSE t.typname END "
          "FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid LEFT JOIN pg_type bt ON bt.oid = t.typbasetype "
          "WHERE a.attrelid = to_regclass($1) AND a.attnum > 0 AND NOT a.attisdropped "
          "AND a.attname = (parse_ident($2))[1]",
          {table, name});
      if (!r.ok()) {
        error = absl::StrCat("column ", name, " of ", table, ": ", r.error());
        return r.failure();
      }
      if (r.rows() == 0) {
        error = absl::StrCat("table ", table, " has no column ", name);
        return pg::Failure::refused;
      }
      quoted = std::string(r.value(0, 0));
      type = std::string(r.value(0, 1));
      base = std::string(r.value(0, 2));
      return pg::Failure::none;
    };
    pg::Failure f;
    if ((f = relation(o_.tables.cases, cases)) != pg::Failure::none) return f;
    if ((f = relation(o_.tables.events, events)) != pg::Failure::none) return f;
    std::string id, id_type, doc, doc_type, nc, nc_type, base;
    if ((f = column(cases, o_.tables.id, id, id_type, base)) != pg::Failure::none) return f;
    if ((f = column(cases, o_.tables.doc, doc, doc_type, base)) != pg::Failure::none) return f;
    if (base != "jsonb" && base != "json") {
      error = absl::StrCat("column ", doc, " of ", cases, " is ", doc_type, "; a case document is jsonb or json");
      return pg::Failure::refused;
    }
    if ((f = column(cases, o_.tables.next_check, nc, nc_type, base)) != pg::Failure::none) return f;
    if (base == "timestamp") {
      // Without a zone its times would be read and written in the server's TimeZone setting, hours off
      // wherever that is not the zone the platform meant.
      error = absl::StrCat("column ", nc, " of ", cases, " is ", nc_type,
                           absl::StrContains(nc_type, "without time zone") ? "" : " (without time zone)", ": next_check must be a timestamptz, or its times are read in the "
                           "server's TimeZone; convert it with ALTER TABLE ", cases, " ALTER COLUMN ", nc,
                           " TYPE timestamptz USING ", nc, " AT TIME ZONE 'the zone it was written in'");
      return pg::Failure::refused;
    }
    if (base != "timestamptz") {
      error = absl::StrCat("column ", nc, " of ", cases, " is ", nc_type, "; next_check is a timestamptz");
      return pg::Failure::refused;
    }
    for (const char* ev : {"case_id", "at", "bundle", "action"}) {
      std::string q, t;
      if ((f = column(events, ev, q, t, base)) != pg::Failure::none) return f;
      if (std::string_view(ev) == "at" && base == "timestamp") {
        // As for next_check: the worker's times carry their offset, which a timestamp column drops.
        error = absl::StrCat("column ", q, " of ", events, " is ", t,
                             absl::StrContains(t, "without time zone") ? "" : " (without time zone)", ": an event's at must be a timestamptz, or its times are stored "
                             "without their offset; convert it with ALTER TABLE ", events, " ALTER COLUMN ", q,
                             " TYPE timestamptz USING ", q, " AT TIME ZONE 'the zone it was written in'");
        return pg::Failure::refused;
      }
      if (std::string_view(ev) == "at" && (base == "date" || base == "time" || base == "timetz")) {
        error = absl::StrCat("column ", q, " of ", events, " is ", t, ": an event's at is the instant it was evaluated "
                             "at, which a ", t, " column would cut; make it a timestamptz");
        return pg::Failure::refused;
      }
    }

    std::string dropped = "'{";
    for (std::size_t i = 0; i < kDroppedFields.size(); ++i) absl::StrAppend(&dropped, i ? "," : "", av(kDroppedFields[i]));
    dropped += "}'::text[]";
    id_label_ = absl::StrCat("column ", id, " of ", cases);
    // A row without an id cannot be updated by it: it is never claimed (said once below).
    const std::string filter = o_.tables.where.empty() ? "" : absl::StrCat(" AND (", o_.tables.where, ")");
    const std::string slice = absl::StrCat(" AND c.", id, " IS NOT NULL", filter);
    // Claims go in (next_check, id) order; within a pass each claim starts after the last case the
    // previous one took, so it does not walk again over the index entries of the cases already done
    // (they stay in the index until VACUUM) nor over the batches other workers hold.
    // A document longer than --max-line-bytes is not sent: only its length, which its rejection names (a
    // row of 100 MB is answered without the worker holding it; a batch of them would hold gigabytes).
    const std::string claim_head = absl::StrCat(
        "SELECT c.", id, "::text, CASE WHEN octet_length(x.t) <= $LIMIT::bigint THEN x.t END, c.", nc,
        "::text, octet_length(x.t), c.", nc, " <= $1::timestamptz FROM ", cases,
        " c CROSS JOIN LATERAL (SELECT c.", doc, "::text AS t) x WHERE c.", nc,
        " <= $1::timestamptz", slice);
    const std::string claim_tail = absl::StrCat(" ORDER BY c.", nc, ", c.", id, " LIMIT $2::int FOR UPDATE OF c SKIP LOCKED");
    // The ids of cases whose documents the database cannot build (passed_over_), then the longest document
    // read.
    claim_sql_ = absl::StrReplaceAll(absl::StrCat(claim_head, " AND NOT (c.", id, "::text = ANY($3::text[]))", claim_tail),
                                     {{"$LIMIT", "$4"}});
    claim_after_sql_ = absl::StrReplaceAll(
        absl::StrCat(claim_head, " AND c.", nc, " >= $3::", nc_type, " AND (c.", nc, ", c.", id, ") > ($3::", nc_type,
                     ", $4::", id_type, ") AND NOT (c.", id, "::text = ANY($5::text[]))", claim_tail),
        {{"$LIMIT", "$6"}});
    // A move drops the old level's fields before its patch; another answer's patch (a located case's
    // cell) only adds to the document.
    update_sql_ = absl::StrCat("UPDATE ", cases, " AS c SET ", doc, " = CASE WHEN u.patch IS NULL THEN c.", doc,
                               " ELSE ((CASE WHEN u.moved THEN c.", doc, "::jsonb - ", dropped, " ELSE c.", doc,
                               "::jsonb END) || u.patch)::", doc_type, " END, ", nc,
                               " = u.next_check FROM unnest($1::", id_type,
                               "[], $2::jsonb[], $3::timestamptz[], $4::bool[]) AS u(id, patch, next_check, moved) "
                               "WHERE c.", id, " = u.id", slice, " RETURNING CASE WHEN c.", nc,
                               " <= $5::timestamptz THEN c.", id, "::text END");
    copy_sql_ = absl::StrCat("COPY ", events, " (case_id, at, bundle, action) FROM STDIN");
    // The next finite next_check (an index's first entry), or 0 when a case is due since '-infinity';
    // 'infinity' is never due.
    // The cases passed over ($2) are left out: they are looked at again once --max-sleep has gone by,
    // which an idle wait never exceeds, and an idle daemon does not wake each second for them.
    const std::string not_passed_over = absl::StrCat(" AND NOT (c.", id, "::text = ANY($2::text[]))");
    next_due_sql_ = absl::StrCat("SELECT CASE WHEN EXISTS (SELECT 1 FROM ", cases, " c WHERE c.", nc,
                                 " = '-infinity'", slice, not_passed_over, ") THEN 0::float8 ELSE (SELECT extract(epoch FROM c.", nc,
                                 " - $1::timestamptz)::float8 FROM ", cases, " c WHERE c.", nc, " > '-infinity' AND c.",
                                 nc, " < 'infinity'", slice, not_passed_over, " ORDER BY c.", nc, " LIMIT 1) END");
    park_claim_sql_ = absl::StrCat("SELECT c.", id, "::text FROM ", cases, " c WHERE c.", id, " = $1::", id_type,
                                   " AND c.", nc, " <= $2::timestamptz", slice, " FOR UPDATE SKIP LOCKED");
    park_sql_ = absl::StrCat("UPDATE ", cases, " AS c SET ", nc, " = NULL WHERE c.", id, " = $1::", id_type, slice);
    // Without the cases passed over already: else a second case whose document cannot be built is
    // never reached, the first found again and again.
    due_ids_sql_ = absl::StrCat("SELECT c.", id, "::text FROM ", cases, " c WHERE c.", nc, " <= $1::timestamptz", slice,
                                " AND NOT (c.", id, "::text = ANY($3::text[])) ORDER BY c.", nc, ", c.", id, " LIMIT $2::int");
    // The same ids as their bytes in hex, which any encoding can send.
    due_id_bytes_sql_ = absl::StrCat("SELECT encode(convert_to(c.", id, "::text, current_setting('server_encoding')), "
                                     "'hex') FROM ", cases, " c WHERE c.", nc, " <= $1::timestamptz", slice,
                                     " ORDER BY c.", nc, ", c.", id, " LIMIT $2::int");
    // Whether the database can build a case's document and send it: the text is sent when it is within
    // the longest line read, so that one the connection cannot carry (bytes that are not UTF-8 in a
    // SQL_ASCII database) is found too.
    doc_of_sql_ = absl::StrCat("SELECT CASE WHEN octet_length(x.t) <= $2::bigint THEN x.t END FROM ", cases,
                               " c CROSS JOIN LATERAL (SELECT c.", doc, "::text AS t) x WHERE c.", id, " = $1::", id_type);
    if (!connected_once_) {
      pg::Result nulls = conn_.exec(absl::StrCat("SELECT count(*) FROM (SELECT 1 FROM ", cases, " c WHERE c.", id,
                                                 " IS NULL AND c.", nc, " IS NOT NULL", filter, " LIMIT 1000) x"));
      if (nulls.ok() && nulls.rows() == 1 && nulls.value(0, 0) != "0")
        log(absl::StrCat(nulls.value(0, 0) == "1000" ? "1000 or more" : std::string(nulls.value(0, 0)),
                         " rows of ", cases, " have a ", nc, " but no id (", id,
                         " is NULL): they are never taken, as a case is written back by its id; give them ids"));
      // A table (not a view) that no index starts with next_check: each claim reads all of it.
      pg::Result indexed = conn_.exec(kIndexedSql, {cases, o_.tables.next_check});
      if (indexed.ok() && indexed.rows() == 1 && indexed.value(0, 0) == "f")
        log(absl::StrCat("no index of ", cases, " starts with ", nc, ": each claim reads the whole table. Create one with: "
                         "CREATE INDEX ON ", cases, " (", nc, ", ", id, ") WHERE ", nc, " IS NOT NULL"));
      pg::Result enc = conn_.exec("SHOW server_encoding");
      if (enc.ok() && enc.rows() == 1 && enc.value(0, 0) != "UTF8")
        log(absl::StrCat("the database's encoding is ", av(enc.value(0, 0)), ", not UTF8: text it cannot hold is refused"));
      log(absl::StrCat("database ", PQdb(conn_.raw()), " on ", PQhost(conn_.raw()), "; cases in ", cases,
                       ", events in ", events));
    }
    return pg::Failure::none;
  }

  // Waits up to `seconds` for a signal or (with_connection) a notification; handles them.
  void wait_for(double seconds, bool with_connection) {
    auto deadline = Steady::now() + std::chrono::duration_cast<Steady::duration>(std::chrono::duration<double>(seconds));
    while (!stop_) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Steady::now()).count();
      if (left <= 0) return;
      pollfd fds[2] = {{signals_.fd(), POLLIN, 0}, {conn_.socket(), POLLIN, 0}};
      int n = with_connection && conn_.alive() ? 2 : 1;
      int rc = ::poll(fds, n, static_cast<int>(std::min<long long>(left, 1 << 30)));
      if (rc < 0 && errno == EINTR) continue;
      if (rc <= 0) return;
      bool woken = false;
      if (fds[0].revents) signals_.drain(reload_, stop_);
      if (n == 2 && fds[1].revents) {
        if (!conn_.consume()) return;  // the connection is gone: the next statement finds out and reconnects
        woken = read_notifications();
      }
      if (reload_) do_reload();
      if (woken || stop_) return;
    }
  }

  // Takes the notifications received; true when one asks the worker to look for due cases.
  bool read_notifications() {
    bool wake = false;
    for (const auto& ch : conn_.notifications()) {
      if (ch == "gridroute_reload") reload_ = true;
      else wake = true;
    }
    return wake;
  }

  // Between batches: signals and notifications that arrived meanwhile.
  void poll_events() {
    signals_.drain(reload_, stop_);
    if (conn_.alive()) {
      conn_.consume();
      read_notifications();
    }
    if (reload_) do_reload();
  }

  void do_reload() {
    reload_ = false;
    std::vector<Diagnostic> diags;
    auto st = engine_.reload(o_.bundle, &diags);
    if (!st.ok()) {
      log(absl::StrCat("reload of ", o_.bundle, " failed; the bundle loaded before keeps serving: ", st.message()));
      int shown = 0;
      for (const auto& d : diags) {
        if (++shown > 20) {
          log(absl::StrCat("  ... and ", diags.size() - 20, " more"));
          break;
        }
        log("  " + d.to_string());
      }
      return;
    }
    log(absl::StrCat("reloaded ", o_.bundle, ": bundle ", av(engine_.snapshot()->digest())));
  }

  // --- sweeping ---------------------------------------------------------------------------------

  // Batches until nothing is due: at `fixed_now` (a --once pass), else at the clock's time per batch.
  Step sweep(Instant fixed_now) {
    Tally pass;
    // Cases passed over are tried again once --max-sleep has gone by (the platform may have fixed them),
    // and in every --once pass; not in each pass of an idle daemon, which would answer them every second.
    std::erase_if(passed_over_, [&](const auto& u) { return o_.once || seconds_since(u.second) >= o_.max_sleep; });
    std::size_t still_due = 0;
    auto started = Steady::now(), last_report = started;
    Instant pass_now = fixed_now != kNoInstant ? fixed_now : now();
    std::size_t warned = 0;
    int limit = o_.batch;
    int isolated = 0;  // cases left to take one per transaction after the database refused a batch
    double retry_delay = 0.05;
    std::map<std::string, int> timeouts;  // statement timeouts of a case taken alone, in this pass
    // Where the next claim starts. When a claim from there finds nothing, one more claim from the
    // start picks up what fell due behind it (a case changed by the platform, the batch of a worker
    // that died); the pass ends when a claim from the start finds nothing.
    std::optional<std::pair<std::string, std::string>> cursor;
    while (true) {
      poll_events();
      if (stop_) break;
      Instant at = fixed_now != kNoInstant ? fixed_now : now();
      Batch b = run_batch(at, isolated > 0 ? 1 : limit, isolated > 0 || !cursor ? nullptr : &*cursor);
      if (b.failure == pg::Failure::none) {
        // A case still due after its update (a trigger that keeps its next_check) would be taken again
        // and again in this pass, an event each time: answered once, then passed over.
        for (const std::string& id : b.still_due) {
          if (++still_due <= 20)
            log(absl::StrCat("case ", av(id), ": still due after its update (its ", o_.tables.next_check,
                             " is not after now: a trigger of the table that keeps or sets it?); passed over ",
                             passed_over_for()));
          passed_over_.emplace_back(id, Steady::now());
        }
        if (still_due >= kStillDueLimit) {
          log(absl::StrCat("the database refused the work: ", still_due, " cases were still due after their "
                           "update; the table's triggers keep ", o_.tables.next_check,
                           " due, or --where takes cases the update does not change"));
          return Step::refused;
        }
        retry_delay = 0.05;
        if (isolated > 0) --isolated;
        pass.add(b.tally);
        total_.add(b.tally);
        for (const auto& w : b.warnings) {
          if (++warned <= 20) log(w);
          else if (warned == 21) log("... further warnings of this pass are not shown");
        }
        if (b.claimed == 0) {
          if (!cursor) break;
          cursor.reset();
          continue;
        }
        cursor.emplace(std::move(b.last_next_check), std::move(b.last_id));
        if (seconds_since(last_report) >= 10) {
          last_report = Steady::now();
          log(absl::StrCat("... ", pass.cases, " cases so far (", rate(pass.cases, started), "/s): ", pass.to_string()));
        }
        continue;
      }
      if (b.fatal) {
        log(absl::StrCat("the database refused the work: ", b.error));
        return Step::refused;
      }
      if (b.failure == pg::Failure::refused && pg::statement_fault(b.sqlstate)) {
        // SQL that fails whatever case it is run for (a --where whose column is ambiguous, a trigger
        // whose table is gone, a permission): no case is to blame, so none is parked for it.
        log(absl::StrCat("the database refused the work: ", b.step, ": ", b.error,
                         " (the statement fails whatever the case; no case was parked)"));
        return Step::refused;
      }
      if (b.error.find("(SQLSTATE 57014)") != std::string::npos) {
        // A statement timeout (or a cancel) says nothing against the cases: a batch is taken again one
        // case per transaction, and a case whose own update keeps timing out is left due and passed over
        // in this pass (never parked: its answer was not refused, only not written in time).
        if (isolated == 0 && limit > 1) {
          log(absl::StrCat("batch rolled back: ", b.error, "; taking the next ", limit, " cases one at a time"));
          isolated = limit;
          continue;
        }
        if (!b.first_id.empty() && ++timeouts[b.first_id] >= 3) {
          log(absl::StrCat("case ", b.first_id, ": its update timed out 3 times (", b.error,
                           "); left due and passed over ", passed_over_for(), ""));
          passed_over_.emplace_back(b.first_id, Steady::now());
          if (isolated > 0) --isolated;
          continue;
        }
        log(absl::StrCat("batch rolled back: ", b.error, "; trying again"));
        wait_for(retry_delay, false);
        retry_delay = std::min(retry_delay * 2, 5.0);
        continue;
      }
      if (b.failure == pg::Failure::transient) {
        // A connection lost between batches (BEGIN failed) had no batch to roll back.
        log(absl::StrCat(b.step == "beginning a batch" ? "lost the database: " : "batch rolled back: ", b.error));
        if (!conn_.alive()) {
          Step s = connect();
          if (s != Step::ok) return s;
        } else {
          wait_for(retry_delay, false);
          retry_delay = std::min(retry_delay * 2, 5.0);
        }
        continue;
      }
      // Refused: find the case the database will not take by going one case per transaction.
      if (isolated == 0 && limit > 1) {
        log(absl::StrCat("batch rolled back: ", b.error, "; taking the next ", limit, " cases one at a time"));
        isolated = limit;
        continue;
      }
      std::string what = b.step == "writing the events" ? "the database refused the case's event: "
                                                        : "the database refused the case's update: ";
      if (b.first_id.empty() && b.error.find("(SQLSTATE 22") != std::string::npos) {
        // A data error in the claim itself: the database cannot build a due case's document (a view's
        // cast of a bad value). Find that case by its id alone, and park it like a refused one.
        std::string reason;
        b.first_id = unreadable_case(at, limit, reason);
        if (!b.first_id.empty()) {
          b.error = reason;
          what = "the database cannot build the case's document: ";
        }
      }
      if (b.first_id.empty()) {
        std::string bytes;
        if (b.error.find("(SQLSTATE 22021)") != std::string::npos && !(bytes = id_not_utf8(at, limit)).empty()) {
          // The id itself cannot be sent (a SQL_ASCII database holds any bytes): no event or update can
          // name the case, so the operator is told which row it is.
          log(absl::StrCat("the database refused the work: a due case's ", id_label_, " is not UTF-8: ", bytes,
                           " (the database's encoding is not UTF8); give it a UTF-8 id, or set its ",
                           o_.tables.next_check, " to NULL"));
          return Step::refused;
        }
        log(absl::StrCat("the database refused the work: ", b.error));
        return Step::refused;
      }
      Step s = park_refused(b.first_id, at, b.error, what, b.first_answer);
      if (s == Step::refused && what == "the database cannot build the case's document: ") {
        // Not even parked (a view's trigger builds the same document): leave it due, go on without it.
        log(absl::StrCat("case ", b.first_id, ": left due and passed over ", passed_over_for(), "; fix its row, or set its ",
                         o_.tables.next_check, " to NULL"));
        passed_over_.emplace_back(b.first_id, Steady::now());
        if (isolated > 0) --isolated;
        continue;
      }
      if (s != Step::ok) return s;
      pass.by_action["rejected"]++;
      pass.cases++;
      total_.by_action["rejected"]++;
      total_.cases++;
      if (isolated > 0) --isolated;
    }
    if (pass.cases > 0 || o_.once) {
      log(absl::StrCat("pass at ", engine_.snapshot()->format_time(pass_now), ": ", pass.cases,
                       " cases in ", std::round(seconds_since(started) * 100) / 100, " s (", rate(pass.cases, started),
                       "/s): ", pass.to_string()));
      if (pass.cases > 0) log(absl::StrCat("  seconds spent: ", pass.times()));
    }
    return Step::ok;
  }

  // How long a case passed over stays so, as the log says it.
  std::string passed_over_for() const {
    return o_.once ? "in this pass" : absl::StrCat("for ", o_.max_sleep, " s (--max-sleep)");
  }

  static long long rate(long long n, Steady::time_point since) {
    double s = seconds_since(since);
    return s > 0 ? static_cast<long long>(static_cast<double>(n) / s) : 0;
  }

  void rollback() {
    if (conn_.alive()) conn_.exec("ROLLBACK");
  }

  // One transaction: claim up to `limit` due cases, evaluate them, append their events, update them.
  // `after`: the (next_check, id) of the last case the pass claimed, or null to start from the first.
  Batch run_batch(Instant at, int limit, const std::pair<std::string, std::string>* after) {
    Batch b;
    Stopwatch watch(b.tally);
    auto fail = [&](const pg::Result& r, const char* step) {
      b.failure = r.failure();
      b.error = r.error();
      b.sqlstate = r.sqlstate();
      b.step = step;
      rollback();
      return b;
    };
    auto snap = engine_.snapshot();
    if (!codec_ || codec_snapshot_ != snap) {
      CodecOptions co;
      co.max_line_bytes = o_.max_line_bytes;  // 0: the default
      codec_ = std::make_unique<LineCodec>(snap, co);
      codec_snapshot_ = snap;
    }
    const std::string now_text = snap->format_time(at);
    pg::Result r = conn_.exec("BEGIN");
    if (!r.ok()) return fail(r, "beginning a batch");
    const std::string skip = passed_over_array();
    const std::string longest = std::to_string(codec_->options().max_line_bytes);
    pg::Result claim = after ? conn_.exec(claim_after_sql_,
                                          {now_text, std::to_string(limit), after->first, after->second, skip, longest})
                             : conn_.exec(claim_sql_, {now_text, std::to_string(limit), skip, longest});
    watch.lap(Tally::claim);
    if (!claim.ok()) return fail(claim, "claiming the due cases");
    const int n = claim.rows();
    if (n == 0) {
      r = conn_.exec("COMMIT");
      if (!r.ok()) return fail(r, "committing");
      return b;
    }
    // Every claimed case must be due: one that is not came through a --where that is not one condition
    // (`1=1) OR (true`), which would take every case again and again.
    for (int i = 0; i < n; ++i) {
      if (claim.value(i, 4) == "t") continue;
      b.failure = pg::Failure::refused;
      b.fatal = true;
      b.error = absl::StrCat("the claim took case ", av(claim.value(i, 0)), ", which is not due (its ", o_.tables.next_check,
                             " is ", claim.null(i, 2) ? std::string("NULL") : std::string(claim.value(i, 2)),
                             "): the --where condition is not one complete condition");
      rollback();
      return b;
    }
    b.claimed = n;
    // Two claimed rows of one id would be written back as one case twice: a table whose ids repeat cannot
    // be worked on (checked here within the batch, and by the update's row count across batches).
    seen_.clear();
    for (int i = 0; i < n; ++i) {
      if (seen_.insert(claim.value(i, 0)).second) continue;
      b.failure = pg::Failure::refused;
      b.fatal = true;
      b.error = absl::StrCat("two due rows have the id ", av(claim.value(i, 0)), ": the ids in ", id_label_,
                             " are not unique (give the table a primary key or a unique index on it)");
      rollback();
      return b;
    }
    b.first_id = std::string(claim.value(0, 0));
    b.last_id = std::string(claim.value(n - 1, 0));
    b.last_next_check = std::string(claim.value(n - 1, 2));

    docs_.clear();
    too_long_.assign(static_cast<std::size_t>(n), std::string());
    // A NULL document is read as the JSON null, which the engine rejects as not a case (not as a line
    // cut short). A document over the limit came as its length alone: answered as the codec answers a
    // line over it (its place in the batch held by a stand-in).
    for (int i = 0; i < n; ++i) {
      std::uint64_t length = 0;
      const std::string_view told = claim.null(i, 3) ? std::string_view() : claim.value(i, 3);
      if (claim.null(i, 1) && !told.empty() &&
          std::from_chars(told.data(), told.data() + told.size(), length).ec == std::errc()) {
        codec_->escalate_too_long(static_cast<std::size_t>(length), too_long_[static_cast<std::size_t>(i)]);
        if (!too_long_[static_cast<std::size_t>(i)].empty() && too_long_[static_cast<std::size_t>(i)].back() == '\n')
          too_long_[static_cast<std::size_t>(i)].pop_back();
      }
      docs_.push_back(claim.null(i, 1) ? std::string_view("null") : claim.value(i, 1));
    }
    answers_.clear();
    codec_->escalate_lines(docs_, at, answers_);

    const std::string fallback_digest(snap->digest());
    copy_.clear();
    ids_.clear();
    patches_.clear();
    next_checks_.clear();
    moved_.clear();
    std::size_t pos = 0;
    for (int i = 0; i < n; ++i) {
      std::size_t nl = answers_.find('\n', pos);
      if (nl == std::string::npos) {
        b.failure = pg::Failure::refused;
        b.error = absl::StrCat("internal error: the engine answered ", i, " of ", n, " cases");
        rollback();
        return b;
      }
      std::string_view answer(answers_.data() + pos, nl - pos);
      pos = nl + 1;
      if (!too_long_[static_cast<std::size_t>(i)].empty()) answer = too_long_[static_cast<std::size_t>(i)];
      std::string_view id = claim.value(i, 0);
      if (i == 0) b.first_answer = std::string(answer);
      CaseUpdate u = plan_update(answer, now_text);
      b.tally.by_action[u.action]++;
      if (!u.warning.empty()) b.warnings.push_back(absl::StrCat("case ", av(id), ": ", u.warning));
      pg::append_copy_field(copy_, id);
      copy_ += '\t';
      pg::append_copy_field(copy_, now_text);
      copy_ += '\t';
      pg::append_copy_field(copy_, u.bundle ? *u.bundle : fallback_digest);
      copy_ += '\t';
      pg::append_copy_field(copy_, answer);
      copy_ += '\n';
      ids_.add(id);
      if (u.patch) patches_.add(*u.patch);
      else patches_.add_null();
      if (u.next_check) next_checks_.add(*u.next_check);
      else next_checks_.add_null();
      moved_.add(u.moved ? "t" : "f");
    }
    b.tally.cases = n;
    watch.lap(Tally::evaluate);
    r = conn_.copy_in(copy_sql_, copy_);
    if (!r.ok()) return fail(r, "writing the events");
    watch.lap(Tally::events);
    r = conn_.exec(update_sql_, {ids_.finish(), patches_.finish(), next_checks_.finish(), moved_.finish(), now_text});
    if (!r.ok()) return fail(r, "updating the cases");
    for (int i = 0; i < r.rows(); ++i)
      if (!r.null(i, 0)) b.still_due.emplace_back(r.value(i, 0));
    if (r.affected() != n) {
      // Each claimed case is one row found by its id: more rows changed than claimed means an id that
      // several rows share (or a --where filter that is not one condition), fewer an id the update
      // cannot find again. Neither is one case's fault, and no case can be parked for it.
      b.failure = pg::Failure::refused;
      b.fatal = true;
      b.error = absl::StrCat("the update by id changed ", r.affected(), " rows for ", n, " claimed cases: ",
                             r.affected() > n ? absl::StrCat("the ids in ", id_label_, " are not unique (give the table a "
                                                             "primary key or a unique index on it), or the --where "
                                                             "filter is not one condition")
                                              : absl::StrCat("an id in ", id_label_, " does not find its row again"));
      rollback();
      return b;
    }
    watch.lap(Tally::update);
    r = conn_.exec("COMMIT");
    watch.lap(Tally::commit);
    if (!r.ok()) return fail(r, "committing");
    return b;
  }

  // A case whose update the database refuses on its own: a `rejected` event and the case parked, so
  // that it does not come back in every batch.
  // The first of the next `limit` due cases whose document the database cannot build, with why; "" when
  // each of them reads (the error is then not one case's).
  std::string unreadable_case(Instant at, int limit, std::string& reason) {
    auto snap = engine_.snapshot();
    pg::Result ids = conn_.exec(due_ids_sql_, {snap->format_time(at), std::to_string(std::max(limit, 1)), passed_over_array()});
    if (!ids.ok()) return "";
    for (int i = 0; i < ids.rows(); ++i) {
      const std::string id(ids.value(i, 0));
      pg::Result d = conn_.exec(doc_of_sql_, {id, std::to_string(codec_ ? codec_->options().max_line_bytes : 0)});
      if (!d.ok() && d.failure() == pg::Failure::refused) {
        reason = d.error();
        return id;
      }
    }
    return "";
  }

  // After the due ids could not be sent as UTF-8: the first due id that is not UTF-8, as its bytes
  // ("bad\xff", then in hex), or "" when none is.
  std::string id_not_utf8(Instant at, int limit) {
    auto snap = engine_.snapshot();
    pg::Result ids = conn_.exec(due_id_bytes_sql_, {snap->format_time(at), std::to_string(std::max(limit, 1))});
    if (!ids.ok()) return "";
    for (int i = 0; i < ids.rows(); ++i) {
      const std::string_view hex = ids.value(i, 0);
      std::string raw;
      for (std::size_t k = 0; k + 1 < hex.size(); k += 2) raw.push_back(static_cast<char>(std::stoi(std::string(hex.substr(k, 2)), nullptr, 16)));
      if (detail::valid_utf8(raw)) continue;
      std::string shown = "'";
      for (unsigned char ch : raw.substr(0, 200)) {
        if (ch >= 0x20 && ch < 0x7f && ch != '\\' && ch != '\'') shown.push_back(static_cast<char>(ch));
        else absl::StrAppend(&shown, "\\x", absl::Hex(ch, absl::kZeroPad2));
      }
      shown += raw.size() > 200 ? "...' (bytes " : "' (bytes ";
      shown.append(hex.substr(0, 400));
      shown += hex.size() > 400 ? "...)" : ")";
      return shown;
    }
    return "";
  }

  // `answer`: the case's answer line when it was evaluated; its `id` (the document's, which a mapping
  // view may give other than the row's) is the event's, as for every answer. Else the row's id.
  Step park_refused(const std::string& id, Instant at, const std::string& error,
                    const std::string& what = "the database refused the case's update: ",
                    const std::string& answer = {}) {
    boost::json::value answer_id(id);
    if (!answer.empty()) {
      boost::json::error_code ec;
      boost::json::value v = boost::json::parse(answer, ec);
      if (!ec && v.is_object())
        if (const boost::json::value* a = v.get_object().if_contains("id")) answer_id = *a;
    }
    for (int attempt = 0;; ++attempt) {
      auto snap = engine_.snapshot();
      const std::string now_text = snap->format_time(at);
      boost::json::object action;
      action["id"] = answer_id;
      action["action"] = "rejected";
      action["error"] = what + error;
      action["bundle"] = std::string(snap->digest());  // SPEC §6.6: every answer names its bundle
      std::string copy;
      pg::append_copy_field(copy, id);
      copy += '\t';
      pg::append_copy_field(copy, now_text);
      copy += '\t';
      pg::append_copy_field(copy, std::string(snap->digest()));
      copy += '\t';
      pg::append_copy_field(copy, boost::json::serialize(action));
      copy += '\n';
      pg::Result r = conn_.exec("BEGIN");
      if (r.ok()) r = conn_.exec(park_claim_sql_, {id, now_text});
      if (r.ok() && r.rows() == 1) {
        pg::Result c = conn_.copy_in(copy_sql_, copy);
        if (c.ok()) c = conn_.exec(park_sql_, {id});
        if (c.ok()) c = conn_.exec("COMMIT");
        r = std::move(c);
      } else if (r.ok()) {
        r = conn_.exec("COMMIT");  // taken by another worker meanwhile, or no longer due
      }
      if (r.ok()) {
        log(absl::StrCat("case ", id, ": parked with a rejected event: ", what, error));
        return Step::ok;
      }
      rollback();
      if (r.failure() == pg::Failure::refused || attempt >= 5) {
        log(absl::StrCat("case ", id, ": ", what, error, "; cannot park it either: ", r.error()));
        return Step::refused;
      }
      if (!conn_.alive()) {
        Step s = connect();
        if (s != Step::ok) return s;
      }
    }
  }

  // The ids of the cases passed over, as a text[] literal.
  std::string passed_over_array() const {
    std::string a = "{";
    for (const auto& [u, since] : passed_over_) {
      if (a.size() > 1) a += ',';
      a += '"';
      for (char ch : u) {
        if (ch == '"' || ch == '\\') a += '\\';
        a += ch;
      }
      a += '"';
    }
    a += '}';
    return a;
  }

  // Waits until the next case is due, a notification or a signal.
  Step idle() {
    Instant at = now();
    auto snap = engine_.snapshot();
    pg::Result r = conn_.exec(next_due_sql_, {snap->format_time(at), passed_over_array()});
    if (!r.ok()) {
      if (r.failure() == pg::Failure::refused) {
        log(absl::StrCat("the database refused the work: ", r.error()));
        return Step::refused;
      }
      log(absl::StrCat("lost the database: ", r.error()));
      return conn_.alive() ? Step::ok : connect();
    }
    double wait = o_.max_sleep;
    if (r.rows() == 1 && !r.null(0, 0)) {
      double due_in = std::atof(std::string(r.value(0, 0)).c_str());
      // Due already but not claimable: another worker holds it; look again soon.
      wait = std::min(wait, due_in <= 0 ? 1.0 : due_in);
    }
    // A case passed over is looked at again once --max-sleep has gone by since.
    for (const auto& [u, since] : passed_over_) wait = std::min(wait, std::max(0.0, o_.max_sleep - seconds_since(since)));
    read_notifications();  // any that came with the query's answer
    wait_for(wait, true);
    return Step::ok;
  }

  const WorkerOptions& o_;
  Engine engine_;
  Signals signals_;
  pg::Connection conn_;
  bool connected_once_ = false;
  bool reload_ = false, stop_ = false;
  Instant clock_base_ = kNoInstant;
  Steady::time_point clock_start_;
  Tally total_;
  std::string claim_sql_, claim_after_sql_, update_sql_, copy_sql_, next_due_sql_, park_claim_sql_, park_sql_;
  std::string id_label_;  // "column <id> of <cases>", for messages
  absl::flat_hash_set<std::string_view> seen_;  // a batch's claimed ids
  std::string due_ids_sql_, due_id_bytes_sql_, doc_of_sql_;
  std::vector<std::string> too_long_;  // per claimed case: the answer to a document over the limit, or ""  // finding a due case whose document the database cannot build
  // Due cases whose documents the database cannot build and that cannot be parked: left due, and not
  // claimed again in this pass.
  std::vector<std::pair<std::string, Steady::time_point>> passed_over_;  // passed over, since when
  // Reused across batches.
  std::unique_ptr<LineCodec> codec_;
  std::shared_ptr<const Snapshot> codec_snapshot_;
  std::vector<std::string_view> docs_;
  std::string answers_, copy_;
  pg::ArrayLiteral ids_, patches_, next_checks_, moved_;
};

}  // namespace

int run_worker(const WorkerOptions& options) {
  std::vector<Diagnostic> diags;
  auto engine = Engine::load(options.bundle, &diags);
  if (!engine.ok()) {
    for (const auto& d : diags) std::fprintf(stderr, "%s\n", d.to_string().c_str());
    log(absl::StrCat("cannot load ", options.bundle, ": ", engine.status().message()));
    return kExitBundle;
  }
  Worker w(options, *std::move(engine));
  return w.run();
}

}  // namespace gridroute::platform
