#include "platform/pg.hpp"

#include <poll.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>

namespace gridroute::pg {

namespace {

// libpq's multi-line messages (a line, then a tab-indented detail) as one line, single spaces.
std::string one_line(std::string s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    if (c == '\n' || c == '\t' || c == '\r') c = ' ';
    if (c == ' ' && (out.empty() || out.back() == ' ')) continue;
    out.push_back(c);
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

// Waits until `fd` is ready for `events` (or fails, which libpq then reports): false when the deadline
// passes first. The worker takes its signals from a descriptor, so an interrupted wait just goes on.
bool wait_fd(int fd, short events, std::chrono::steady_clock::time_point deadline) {
  using namespace std::chrono;
  while (true) {
    int ms = -1;
    if (deadline != steady_clock::time_point::max()) {
      const auto left = ceil<milliseconds>(deadline - steady_clock::now()).count();
      if (left <= 0) return false;
      ms = static_cast<int>(std::min<long long>(left, 1 << 30));
    }
    pollfd p{fd, events, 0};
    const int rc = ::poll(&p, 1, ms);
    if (rc < 0 && errno == EINTR) continue;
    if (rc == 0) return false;
    return true;
  }
}

}  // namespace

Result Result::lost(std::string message) {
  Result r;
  r.error_ = std::move(message);
  r.failure_ = Failure::transient;
  return r;
}

Failure classify(std::string_view sqlstate, bool connection_ok) {
  if (!connection_ok || sqlstate.empty()) return Failure::transient;
  auto cls = sqlstate.substr(0, 2);
  // 08 connection exception, 53 insufficient resources (too many connections, disk full), 58 I/O
  // error, 57P0x shutdown or start-up, 40001/40P01 serialization failure or deadlock, 55P03 lock not
  // available: all pass or change with time.
  if (cls == "08" || cls == "53" || cls == "58") return Failure::transient;
  if (sqlstate == "57P01" || sqlstate == "57P02" || sqlstate == "57P03") return Failure::transient;
  if (sqlstate == "40001" || sqlstate == "40P01" || sqlstate == "55P03") return Failure::transient;
  // 57014: a statement timeout or a cancel, which the same statement may pass later.
  if (sqlstate == "57014") return Failure::transient;
  return Failure::refused;
}

bool statement_fault(std::string_view sqlstate) {
  if (sqlstate.size() != 5) return false;
  const std::string_view cls = sqlstate.substr(0, 2);
  return cls == "42" || cls == "0A" || cls == "3D" || cls == "3F" || cls == "28" || cls == "0L" || cls == "0P";
}

Result::Result(PGresult* r, PGconn* conn) : res_(r) {
  ExecStatusType st = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
  ok_ = st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK || st == PGRES_COPY_IN;
  if (ok_) {
    failure_ = Failure::none;
    return;
  }
  const char* state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : nullptr;
  // The server's primary message without the "ERROR:  " prefix; else libpq's own.
  const char* primary = r ? PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY) : nullptr;
  std::string msg = primary ? primary : r ? PQresultErrorMessage(r) : "";
  if (msg.empty() && conn) msg = PQerrorMessage(conn);
  if (msg.empty()) msg = "the server sent no result";
  error_ = one_line(std::move(msg));
  if (state) {
    error_ += std::string(" (SQLSTATE ") + state + ")";
    sqlstate_ = state;
  }
  failure_ = classify(state ? state : "", conn && PQstatus(conn) == CONNECTION_OK);
}

std::string dsn_error(const std::string& dsn) {
  if (dsn.empty()) return "";
  char* err = nullptr;
  PQconninfoOption* opts = PQconninfoParse(dsn.c_str(), &err);
  if (opts) {
    PQconninfoFree(opts);
    return "";
  }
  std::string msg = err ? one_line(err) : std::string("libpq cannot read it");
  if (err) PQfreemem(err);
  return msg;
}

bool invalid_option_error(std::string_view m) {
  // libpq's words for a value it does not take: `invalid sslmode value: "bogus"`, and, once per host it
  // would try, `connection to server at "h", port 5432 failed: invalid integer value "abc" for connection
  // option "connect_timeout"`; `invalid port number: "x"`.
  std::size_t at = m.starts_with("invalid ") ? 0 : m.find("failed: invalid ");
  if (at == std::string_view::npos) return false;
  const std::string_view rest = m.substr(at);
  const std::size_t end = std::min(rest.find(';'), rest.find(" connection to server"));
  const std::string_view first = rest.substr(0, end);
  return first.find(" value") != std::string_view::npos || first.find("port number") != std::string_view::npos;
}

bool permanent_connect_error(std::string_view m) {
  return (m.find("database \"") != std::string_view::npos && m.find("does not exist") != std::string_view::npos) ||
         m.find("pg_hba.conf rejects connection") != std::string_view::npos ||
         m.find("no password supplied") != std::string_view::npos ||
         (m.find("role \"") != std::string_view::npos && m.find("does not exist") != std::string_view::npos) ||
         m.find("password authentication failed") != std::string_view::npos ||
         m.find("no pg_hba.conf entry") != std::string_view::npos ||
         // A setting the DSN's `options` pass that the server does not take (`-c nosuch=1`, a bad value).
         m.find("unrecognized configuration parameter") != std::string_view::npos ||
         m.find("invalid value for parameter") != std::string_view::npos;
}

absl::Status Connection::open(const std::string& dsn, const std::string& app, int connect_timeout) {
  // expand_dbname = 1: `dbname` holds the whole DSN. Keys are applied in order, so the DSN overrides
  // connect_timeout (before it) and the keys after it override the DSN (client_encoding; a fallback
  // application name applies only where the DSN names none).
  const std::string timeout = std::to_string(std::max(connect_timeout, 2));
  const char* env_timeout = std::getenv("PGCONNECT_TIMEOUT");
  const bool own_timeout = env_timeout == nullptr || *env_timeout == '\0';
  const char* keys[] = {"connect_timeout", "dbname", "fallback_application_name", "client_encoding", nullptr};
  const char* vals[] = {timeout.c_str(), dsn.c_str(), app.c_str(), "UTF8", nullptr};
  const int first = own_timeout ? 0 : 1;
  conn_.reset(PQconnectdbParams(keys + first, vals + first, 1));
  if (!conn_) return absl::ResourceExhaustedError("libpq could not allocate a connection");
  if (PQstatus(conn_.get()) != CONNECTION_OK) {
    std::string msg = one_line(PQerrorMessage(conn_.get()));
    conn_.reset();
    return absl::UnavailableError(msg);
  }
  // The server's notices (a trigger's RAISE NOTICE, a warning) go to standard error as the rest of the
  // log does, marked as what they are.
  PQsetNoticeProcessor(
      conn_.get(),
      [](void*, const char* message) {
        std::fprintf(stderr, "gridroute: notice from the database: %s\n", one_line(message).c_str());
      },
      nullptr);
  // Statements are sent and awaited without blocking, so that a server that stops answering is
  // given up after the answer timeout rather than waited on for ever.
  if (PQsetnonblocking(conn_.get(), 1) != 0) {
    std::string msg = one_line(PQerrorMessage(conn_.get()));
    conn_.reset();
    return absl::UnavailableError(msg);
  }
  return absl::OkStatus();
}

void Connection::start_clock() {
  if (!(answer_timeout_ > 0)) {
    until_ = Clock::time_point::max();
    return;
  }
  until_ = Clock::now() + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(answer_timeout_));
}

Connection::Io Connection::wait(short events) {
  if (!wait_fd(PQsocket(conn_.get()), events, until_)) return Io::silent;
  start_clock();  // the server sent or took something: the silence starts again
  return PQconsumeInput(conn_.get()) == 0 ? Io::gone : Io::ready;
}

Result Connection::give_up() {
  conn_.reset();
  char seconds[32];
  std::snprintf(seconds, sizeof seconds, "%g", answer_timeout_);
  return Result::lost(std::string("the database did not answer within ") + seconds + " s" +
                      (timeout_source_.empty() ? std::string() : " (" + timeout_source_ + ")") +
                      "; the connection was closed (its open transaction is rolled back by the server)");
}

bool Connection::flush() {
  while (true) {
    if (PQflush(conn_.get()) <= 0) return true;  // all sent, or failed: the result says why
    // Read while waiting to write, as libpq asks, so that the server's own output cannot stall both.
    const Io io = wait(POLLIN | POLLOUT);
    if (io != Io::ready) return io == Io::gone;
  }
}

bool Connection::await_result() {
  while (PQisBusy(conn_.get())) {
    const Io io = wait(POLLIN);
    if (io != Io::ready) return io == Io::gone;  // gone: PQgetResult says so
  }
  return true;
}

Result Connection::results() {
  Result out;
  bool have = false;
  while (true) {
    if (!await_result()) return give_up();
    PGresult* r = PQgetResult(conn_.get());
    if (!r) break;
    const ExecStatusType st = PQresultStatus(r);
    Result cur(r, conn_.get());
    if (!have || out.ok()) {
      out = std::move(cur);
      have = true;
    }
    if (st == PGRES_COPY_IN || st == PGRES_COPY_OUT || st == PGRES_COPY_BOTH) break;
  }
  if (!have) return Result(nullptr, conn_.get());
  return out;
}

Result Connection::exec(const std::string& sql) {
  if (!conn_) return Result(nullptr, nullptr);
  start_clock();
  if (PQsendQuery(conn_.get(), sql.c_str()) != 1) return Result(nullptr, conn_.get());
  if (!flush()) return give_up();
  return results();
}

Result Connection::exec(const std::string& sql, const std::vector<std::optional<std::string>>& params) {
  if (!conn_) return Result(nullptr, nullptr);
  std::vector<const char*> values;
  values.reserve(params.size());
  for (const auto& p : params) values.push_back(p ? p->c_str() : nullptr);
  start_clock();
  if (PQsendQueryParams(conn_.get(), sql.c_str(), static_cast<int>(values.size()), nullptr, values.data(), nullptr,
                        nullptr, 0) != 1)
    return Result(nullptr, conn_.get());
  if (!flush()) return give_up();
  return results();
}

Result Connection::copy_in(const std::string& sql, std::string_view data) {
  if (!conn_) return Result(nullptr, nullptr);
  Result start = exec(sql);
  if (!start.ok()) return start;
  // libpq buffers and sends in pieces itself; chunks keep each call's int length in range.
  constexpr std::size_t kChunk = 1 << 20;
  start_clock();
  bool failed = false;
  for (std::size_t at = 0; at < data.size() && !failed; at += kChunk) {
    const std::size_t n = std::min(kChunk, data.size() - at);
    while (true) {
      const int r = PQputCopyData(conn_.get(), data.data() + at, static_cast<int>(n));
      if (r == 1) break;
      if (r < 0) {
        failed = true;
        break;
      }
      const Io io = wait(POLLIN | POLLOUT);
      if (io == Io::silent) return give_up();
      if (io == Io::gone) {
        failed = true;
        break;
      }
    }
  }
  while (PQputCopyEnd(conn_.get(), nullptr) == 0) {
    const Io io = wait(POLLIN | POLLOUT);
    if (io == Io::silent) return give_up();
    if (io == Io::gone) break;
  }
  if (!flush()) return give_up();
  // The COPY's own result, then NULL; keep the first failure.
  return results();
}

bool Connection::consume() { return conn_ && PQconsumeInput(conn_.get()) == 1; }

std::vector<std::string> Connection::notifications() {
  std::vector<std::string> out;
  if (!conn_) return out;
  while (PGnotify* n = PQnotifies(conn_.get())) {
    out.emplace_back(n->relname);
    PQfreemem(n);
  }
  return out;
}

void ArrayLiteral::add(std::string_view element) {
  if (n_++) text_.push_back(',');
  text_.push_back('"');
  for (char c : element) {
    if (c == '"' || c == '\\') text_.push_back('\\');
    text_.push_back(c);
  }
  text_.push_back('"');
}

void ArrayLiteral::add_null() {
  if (n_++) text_.push_back(',');
  text_ += "NULL";
}

void append_copy_field(std::string& out, std::string_view field) {
  std::size_t start = 0;
  for (std::size_t i = 0; i < field.size(); ++i) {
    char c = field[i];
    const char* esc = nullptr;
    switch (c) {
      case '\\': esc = "\\\\"; break;
      case '\n': esc = "\\n"; break;
      case '\r': esc = "\\r"; break;
      case '\t': esc = "\\t"; break;
      default: continue;
    }
    out.append(field.data() + start, i - start);
    out += esc;
    start = i + 1;
  }
  out.append(field.data() + start, field.size() - start);
}

}  // namespace gridroute::pg
