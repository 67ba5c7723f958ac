// Thin RAII over libpq for the platform workers: a connection, results, error classes, and the text
// formats the worker sends (array literals for `unnest`, COPY text rows).
//
//   gridroute::pg::Connection c;
//   if (auto st = c.open("host=/run/postgresql dbname=platform"); !st.ok()) ...;
//   gridroute::pg::Result r = c.exec("SELECT 1");
//   if (!r.ok()) std::cerr << r.error() << "\n";
#pragma once

#include <libpq-fe.h>

#include <chrono>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"

namespace gridroute::pg {

// How a failed statement should be handled.
enum class Failure {
  none,       // it did not fail
  transient,  // the connection is gone, or the server asks to retry (serialization, deadlock, shutdown)
  refused,    // the server refused the statement itself (missing table, permission, constraint, ...)
};

class Result {
 public:
  Result() = default;
  explicit Result(PGresult* r, PGconn* conn);
  // A statement whose connection was given up (no answer in time): a transient failure with `message`.
  static Result lost(std::string message);
  bool ok() const { return ok_; }
  Failure failure() const { return failure_; }
  // The server's (or libpq's) message, one line, with the SQLSTATE when there is one.
  const std::string& error() const { return error_; }
  // The SQLSTATE of a failure the server reported ("42702"), or "".
  const std::string& sqlstate() const { return sqlstate_; }
  int rows() const { return res_ ? PQntuples(res_.get()) : 0; }
  bool null(int row, int col) const { return PQgetisnull(res_.get(), row, col); }
  std::string_view value(int row, int col) const {
    return {PQgetvalue(res_.get(), row, col), static_cast<std::size_t>(PQgetlength(res_.get(), row, col))};
  }
  // Rows an INSERT, UPDATE, DELETE or COPY touched; -1 when the command reports none.
  long long affected() const {
    const char* n = res_ ? PQcmdTuples(res_.get()) : "";
    return *n ? std::atoll(n) : -1;
  }

 private:
  struct Free {
    void operator()(PGresult* r) const { PQclear(r); }
  };
  std::unique_ptr<PGresult, Free> res_;
  bool ok_ = false;
  Failure failure_ = Failure::transient;
  std::string error_, sqlstate_;
};

// libpq's own reading of a DSN (PQconninfoParse): "" when it is well formed, else why not. An empty DSN
// is well formed (the PG* environment variables and the defaults apply).
std::string dsn_error(const std::string& dsn);
// Whether a failed connection's message is libpq refusing a value of the connection string itself
// (sslmode=bogus, connect_timeout=abc): the string's mistake, not the network's.
bool invalid_option_error(std::string_view message);

// Whether a failed connection's message says something no retry will change: the database or the role
// does not exist, the password or pg_hba.conf refuses the login.
bool permanent_connect_error(std::string_view message);

class Connection {
 public:
  // Connects with `dsn` (a conninfo string or a postgresql:// URI); application_name defaults to
  // `app` unless the DSN sets one. The session speaks UTF-8. A connection attempt waits at most
  // kConnectTimeout seconds for the server unless the DSN or PGCONNECT_TIMEOUT says otherwise: a
  // server that accepts the connection and then says nothing (stopped, frozen) is not waited on for ever.
  static constexpr int kConnectTimeout = 10;
  // `connect_timeout`: seconds in place of kConnectTimeout (libpq takes at least 2).
  absl::Status open(const std::string& dsn, const std::string& app = "gridroute", int connect_timeout = kConnectTimeout);
  // How long a statement may go without an answer before the connection is given up (closed; the
  // statement's Result is then a transient failure saying so). The clock starts again whenever the
  // server sends or takes some of the statement's bytes, so a long transfer that moves is not cut.
  // 0: wait for ever, as libpq does.
  // The server goes on with what it was doing until it notices the connection is gone, and then
  // rolls the open transaction back.
  // `source` names where the bound comes from in the message (a flag).
  void set_answer_timeout(double seconds, std::string source = {}) {
    answer_timeout_ = seconds;
    timeout_source_ = std::move(source);
  }
  void close() { conn_.reset(); }
  bool alive() const { return conn_ && PQstatus(conn_.get()) == CONNECTION_OK; }
  PGconn* raw() const { return conn_.get(); }
  int socket() const { return conn_ ? PQsocket(conn_.get()) : -1; }

  Result exec(const std::string& sql);
  // Text parameters; std::nullopt is SQL NULL.
  Result exec(const std::string& sql, const std::vector<std::optional<std::string>>& params);
  // Runs `COPY ... FROM STDIN` and sends `data` (COPY text format).
  Result copy_in(const std::string& sql, std::string_view data);

  // Reads what the server has sent (notifications) without blocking; false when the connection is gone.
  bool consume();
  // Channel names of the notifications received so far, oldest first.
  std::vector<std::string> notifications();

 private:
  struct Free {
    void operator()(PGconn* c) const { PQfinish(c); }
  };
  using Clock = std::chrono::steady_clock;
  // Starts the silence a statement may keep: the answer timeout from now.
  void start_clock();
  // Waits until the socket is ready for `events`, starts the clock again and reads what came: `silent`
  // when the server was silent for the whole timeout, `gone` when the connection is (libpq's next call
  // says why).
  enum class Io { ready, silent, gone };
  Io wait(short events);
  // Sends what libpq holds, waiting while the socket is full: false on the timeout.
  bool flush();
  // Waits until a result can be read without blocking: false on the timeout.
  bool await_result();
  // The results of what was sent, as PQexec gives them: the last, or the first that failed; stops at
  // a COPY's start.
  Result results();
  Result give_up();
  std::unique_ptr<PGconn, Free> conn_;
  double answer_timeout_ = 0;
  std::string timeout_source_;
  Clock::time_point until_ = Clock::time_point::max();
};

// SQLSTATE classes that are worth a retry on a new connection or a new transaction.
Failure classify(std::string_view sqlstate, bool connection_ok);

// Whether a refusal is the statement's, whatever row it is run for: SQL the server cannot run as written
// (class 42: a syntax error, an ambiguous or missing column or table, a type that does not fit, a
// permission), a feature it lacks (0A), a schema or database that is not there (3D, 3F), or a role's
// rights (28, 0L, 0P). A case taken alone cannot be the cause, so none is parked for it.
bool statement_fault(std::string_view sqlstate);

// Builders for the text forms the server parses.
// `{"a","b",NULL}`: one element per call, quoted, for `$1::text[]`, `$2::jsonb[]`, `$3::timestamptz[]`.
class ArrayLiteral {
 public:
  ArrayLiteral() { text_.push_back('{'); }
  void add(std::string_view element);
  void add_null();
  void clear() {
    text_.assign(1, '{');
    n_ = 0;
  }
  std::string finish() const { return text_ + "}"; }

 private:
  std::string text_;
  std::size_t n_ = 0;
};

// Appends one field of a COPY text-format row (backslash escapes for \, newline, carriage return, tab).
void append_copy_field(std::string& out, std::string_view field);

}  // namespace gridroute::pg
