// `gridroute db init`: the cases and events tables, created when absent.
#include <cstdio>
#include <string>

#include "absl/strings/str_cat.h"
#include "platform/pg.hpp"
#include "platform/worker.hpp"

namespace gridroute::platform {

namespace {

void say(const std::string& msg) { std::fprintf(stderr, "gridroute db: %s\n", msg.c_str()); }

}  // namespace

std::string dsn_problem(const std::string& dsn) { return pg::dsn_error(dsn); }

// Whether the cases relation $1 needs no index for the claim: 't' for a view (not checked) or a table
// with a B-tree index that starts with the next_check column $2 and whose predicate, if any, is that
// column's IS NOT NULL. Shared with the worker's check at start (worker.cpp).
const char* const kIndexedSql =
    "SELECT c.relkind NOT IN ('r', 'p') OR EXISTS (SELECT 1 FROM pg_index i JOIN pg_attribute a ON a.attrelid = "
    "i.indrelid AND a.attnum = i.indkey[0] JOIN pg_class ic ON ic.oid = i.indexrelid JOIN pg_am am ON am.oid = "
    "ic.relam WHERE i.indrelid = c.oid AND a.attname = (parse_ident($2))[1] AND am.amname = 'btree' AND "
    "(i.indpred IS NULL OR pg_get_expr(i.indpred, i.indrelid) = '(' || quote_ident(a.attname) || ' IS NOT NULL)')) "
    "FROM pg_class c WHERE c.oid = $1::regclass";

// Seconds a statement of db init may go without a word from the server (waiting for a lock included).
constexpr double kInitAnswerTimeout = 300;

int run_db_init(const InitOptions& o) {
  pg::Connection conn;
  if (auto st = conn.open(o.dsn, "gridroute db"); !st.ok()) {
    // A value libpq does not take (sslmode=bogus) is the --db string's mistake, as for the worker.
    if (pg::invalid_option_error(std::string(st.message()))) {
      say(absl::StrCat("--db: ", st.message(), " (not retried)"));
      return kExitUsage;
    }
    say(absl::StrCat("cannot reach the database: ", st.message()));
    return kExitUnreachable;
  }
  // A server that stops answering is not waited on for ever: the transaction is then rolled back by the
  // server, and nothing is created (exit 3).
  conn.set_answer_timeout(kInitAnswerTimeout);
  std::string error;
  auto run = [&](const std::string& sql, const std::vector<std::optional<std::string>>& params = {}) {
    pg::Result r = params.empty() ? conn.exec(sql) : conn.exec(sql, params);
    if (!r.ok()) error = r.error();
    return r;
  };
  auto failed = [&] {
    // What was said to be created was in the transaction that the failure rolls back.
    say(absl::StrCat(error, "; nothing was created (the transaction is rolled back)"));
    conn.exec("ROLLBACK");
    return conn.alive() ? kExitRefused : kExitUnreachable;
  };
  // A name as SQL reads it (schema-qualified, quoted or folded): quoted for statements, the quoted
  // schema prefix ("" or `platform.`) and the bare last part, for the names of partitions and indexes.
  // Returns whether a relation of that name exists, or -1 on an error.
  auto parse_name = [&](const std::string& name, std::string& full, std::string& prefix, std::string& last) {
    pg::Result r = run(
        "SELECT string_agg(quote_ident(p), '.' ORDER BY n), "
        "coalesce(string_agg(quote_ident(p) || '.', '' ORDER BY n) FILTER (WHERE n < k), ''), "
        "(array_agg(p ORDER BY n DESC))[1], to_regclass($1) IS NOT NULL "
        "FROM unnest(parse_ident($1)) WITH ORDINALITY AS t(p, n), cardinality(parse_ident($1)) AS k",
        {name});
    if (!r.ok()) return -1;
    full = std::string(r.value(0, 0));
    prefix = std::string(r.value(0, 1));
    last = std::string(r.value(0, 2));
    return r.value(0, 3) == "t" ? 1 : 0;
  };
  auto quote = [&](const std::string& bare, std::string& out) {
    pg::Result r = run("SELECT quote_ident($1)", {bare});
    if (r.ok()) out = std::string(r.value(0, 0));
    return r.ok();
  };

  if (!run("BEGIN").ok()) return failed();
  // Two inits at once would race on the catalogue; the second waits, then finds the tables.
  if (!run("SELECT pg_advisory_xact_lock(hashtext('gridroute db init'))").ok()) return failed();
  std::string cases, cases_prefix, cases_last, events, events_prefix, events_last;
  int cases_exist = parse_name(o.tables.cases, cases, cases_prefix, cases_last);
  if (cases_exist < 0) return failed();
  int events_exist = parse_name(o.tables.events, events, events_prefix, events_last);
  if (events_exist < 0) return failed();

  if (!cases_exist) {
    std::string id, doc, nc;
    const std::pair<const std::string*, std::string*> columns[] = {
        {&o.tables.id, &id}, {&o.tables.doc, &doc}, {&o.tables.next_check, &nc}};
    for (auto [given, col] : columns) {
      pg::Result r = run("SELECT quote_ident((parse_ident($1))[1])", {*given});
      if (!r.ok()) return failed();
      *col = std::string(r.value(0, 0));
    }
    std::string sql = absl::StrCat("CREATE TABLE ", cases, " (", id, " text PRIMARY KEY, ", doc, " jsonb NOT NULL, ",
                                   nc, " timestamptz)");
    if (o.partitions > 0) absl::StrAppend(&sql, " PARTITION BY HASH (", id, ")");
    if (!run(sql).ok()) return failed();
    for (int i = 0; i < o.partitions; ++i) {
      std::string part;
      if (!quote(absl::StrCat(cases_last, "_p", i), part)) return failed();
      if (!run(absl::StrCat("CREATE TABLE ", cases_prefix, part, " PARTITION OF ", cases,
                            " FOR VALUES WITH (MODULUS ", o.partitions, ", REMAINDER ", i, ")"))
               .ok())
        return failed();
    }
    std::string index;
    if (!quote(cases_last + "_next_check", index)) return failed();
    // (next_check, id): the order workers claim in, each claim going on from the last one's last case.
    // Partial: parked cases (most of them, on a platform that keeps its closed cases) cost nothing to
    // index and are never scanned; the claim (next_check <= now) implies the predicate.
    if (!run(absl::StrCat("CREATE INDEX ", index, " ON ", cases, " (", nc, ", ", id, ") WHERE ", nc, " IS NOT NULL"))
             .ok())
      return failed();
    say(absl::StrCat("created ", cases,
                     o.partitions > 0 ? absl::StrCat(" (", o.partitions, " partitions by hash of ", id, ")") : ""));
  } else {
    // A table of the platform's (or one whose index was dropped) is left as it is, but a claim without an
    // index that starts with next_check reads the whole table each batch: said, with what creates one.
    // A view is not checked (its table's indexes are the platform's); a table needs a B-tree index that
    // starts with next_check and covers every row the claim reads (no predicate but `next_check IS NOT
    // NULL`): a BRIN index, or one partial on something else, does not serve the claim's order.
    pg::Result indexed = run(kIndexedSql, {cases, o.tables.next_check});
    if (!indexed.ok()) return failed();
    if (indexed.value(0, 0) == "t") {
      say(absl::StrCat(cases, " exists; left as it is"));
    } else {
      std::string nc, id;
      pg::Result q = run("SELECT quote_ident((parse_ident($1))[1]), quote_ident((parse_ident($2))[1])",
                         {o.tables.next_check, o.tables.id});
      if (!q.ok()) return failed();
      nc = std::string(q.value(0, 0));
      id = std::string(q.value(0, 1));
      say(absl::StrCat(cases, " exists; left as it is, but no index of it starts with ", nc,
                       ": each claim reads the whole table. Create one with: CREATE INDEX ON ", cases, " (", nc, ", ",
                       id, ") WHERE ", nc, " IS NOT NULL"));
    }
  }
  if (!events_exist) {
    if (!run(absl::StrCat("CREATE TABLE ", events,
                          " (seq bigserial PRIMARY KEY, case_id text NOT NULL, at timestamptz NOT NULL, "
                          "bundle text NOT NULL, action jsonb NOT NULL)"))
             .ok())
      return failed();
    say(absl::StrCat("created ", events));
  } else {
    say(absl::StrCat(events, " exists; left as it is"));
  }
  if (!run("COMMIT").ok()) return failed();
  return kExitOk;
}

}  // namespace gridroute::platform
