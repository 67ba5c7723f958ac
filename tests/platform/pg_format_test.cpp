// The text forms the worker sends to PostgreSQL (array literals for unnest, COPY text rows) and which
// failures it retries.
#include "platform/pg.hpp"

#include <gtest/gtest.h>

namespace {

using gridroute::pg::append_copy_field;
using gridroute::pg::ArrayLiteral;
using gridroute::pg::classify;
using gridroute::pg::Failure;

TEST(ArrayLiteral, QuotesEveryElementAndEscapesQuotesAndBackslashes) {
  ArrayLiteral a;
  EXPECT_EQ(a.finish(), "{}");
  a.add("S1");
  a.add_null();
  a.add(R"({"id": "a\"b\\c", "x": [1,2]})");
  a.add("");
  a.add("NULL");  // the text NULL, quoted, is not SQL NULL
  EXPECT_EQ(a.finish(), R"({"S1",NULL,"{\"id\": \"a\\\"b\\\\c\", \"x\": [1,2]}","","NULL"})");
  a.clear();
  a.add("x");
  EXPECT_EQ(a.finish(), R"({"x"})");
}

TEST(CopyField, EscapesWhatCopyTextFormatReads) {
  std::string out;
  append_copy_field(out, "plain");
  EXPECT_EQ(out, "plain");
  out.clear();
  append_copy_field(out, "a\\b\tc\nd\re\"f");
  EXPECT_EQ(out, "a\\\\b\\tc\\nd\\re\"f");
  out.clear();
  append_copy_field(out, R"({"error": "bad \u0007 \\ end"})");
  EXPECT_EQ(out, R"({"error": "bad \\u0007 \\\\ end"})");
}

TEST(Classify, RetriesConnectionsAndConflictsNotRefusals) {
  EXPECT_EQ(classify("", false), Failure::transient);
  EXPECT_EQ(classify("42P01", false), Failure::transient);  // the connection is gone, whatever it said
  EXPECT_EQ(classify("", true), Failure::transient);        // libpq's own failure
  for (const char* s : {"08006", "08001", "57P01", "57P03", "40001", "40P01", "53300", "55P03", "58030"})
    EXPECT_EQ(classify(s, true), Failure::transient) << s;
  for (const char* s : {"42P01", "42501", "23505", "22P02", "P0001", "XX000", "25P02"})
    EXPECT_EQ(classify(s, true), Failure::refused) << s;
}

// A refusal of SQL that fails whatever the row is no case's fault; a raise, a constraint or bad data is.
TEST(Classify, StatementFaultsAreNotACasesFault) {
  for (const char* s : {"42702", "42703", "42P01", "42501", "42846", "0A000", "3F000", "3D000", "28000"})
    EXPECT_TRUE(gridroute::pg::statement_fault(s)) << s;
  for (const char* s : {"P0001", "23505", "23514", "22P02", "22021", "57014", "40001", "", "42"})
    EXPECT_FALSE(gridroute::pg::statement_fault(s)) << s;
}

// Logins that no retry will change are given up at once; a server not yet up is waited for.
TEST(Classify, LoginsRefusedForGoodAreNotRetried) {
  using gridroute::pg::permanent_connect_error;
  for (const char* m : {"FATAL: pg_hba.conf rejects connection for host \"127.0.0.1\", user \"rj\"",
                        "fe_sendauth: no password supplied", "FATAL: no pg_hba.conf entry for host \"h\"",
                        "FATAL: password authentication failed for user \"x\"", "FATAL: database \"x\" does not exist",
                        "FATAL: role \"x\" does not exist"})
    EXPECT_TRUE(permanent_connect_error(m)) << m;
  for (const char* m : {"connection refused", "timeout expired", "FATAL: the database system is starting up",
                        "FATAL: sorry, too many clients already"})
    EXPECT_FALSE(permanent_connect_error(m)) << m;
}

}  // namespace
