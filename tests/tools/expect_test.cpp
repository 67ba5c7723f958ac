// `gridroute test`'s expectations (cli/expect.hpp) on the demo bundle: fields equal or not, times as
// instants, lists in order, and a malformed expectation refused with its pointer.
#include <gtest/gtest.h>

#include "cli/expect.hpp"
#include "gridroute/bundle.hpp"
#include "gridroute/snapshot.hpp"

namespace {
namespace json = boost::json;

class Expect : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto s = gridroute::load_bundle(std::string(GRIDROUTE_SOURCE_DIR) + "/examples/lanxi");
    ASSERT_TRUE(s.ok()) << s.status();
    snap_ = *s;
  }
  static void TearDownTestSuite() { snap_.reset(); }

  // vending-gate at qiaodong-a-01: squad-1 at qiaodong, alternates [squad-1-night], assist [pm-jinxiu].
  gridroute::Decision decide(gridroute::Issue& is) {
    is.id = "T";
    is.category = "street.vending.gate";
    is.cell = "qiaodong-a-01";
    is.at = *gridroute::parse_rfc3339("2026-11-18T10:00:00+08:00");
    return snap_->route(is);
  }
  std::vector<gridroute::cli::Mismatch> check(std::string_view expect, bool ok = true) {
    gridroute::Issue is;
    auto d = decide(is);
    std::vector<gridroute::cli::Mismatch> out;
    error_.clear();
    EXPECT_EQ(gridroute::cli::check_expect(*snap_, d, json::parse(expect).as_object(), out, error_), ok) << error_;
    return out;
  }
  static std::shared_ptr<const gridroute::Snapshot> snap_;
  std::string error_;
};
std::shared_ptr<const gridroute::Snapshot> Expect::snap_;

TEST_F(Expect, EveryNamedFieldThatMatchesPasses) {
  EXPECT_TRUE(check(R"({"status": "routed", "rule": "vending-gate", "role": "enforcement_squad", "department": null,
                        "handler": "squad-1", "unit": "qiaodong", "cell": null,
                        "alternates": ["squad-1-night"], "assist": ["pm-jinxiu"], "level": 0,
                        "escalation": "standard", "fallback": false,
                        "respond_by": "2026-11-18T12:00:00+08:00", "resolve_by": "2026-11-20T17:00:00+08:00"})")
                  .empty());
  EXPECT_TRUE(check("{}").empty());
}

// SPEC §8: a field equals the decision's. A decision carries `cell` only when it was found from a location
// (§7), so an issue that gave its cell has none to expect.
TEST_F(Expect, TheCellIsTheOneTheDecisionCarries) {
  auto m = check(R"({"cell": "qiaodong-a-01"})");
  ASSERT_EQ(m.size(), 1u);
  EXPECT_EQ(m[0].field, "cell");
  EXPECT_EQ(m[0].expected, "\"qiaodong-a-01\"");
  EXPECT_EQ(m[0].actual, "null");
}

TEST_F(Expect, TimesCompareAsInstants) {
  EXPECT_TRUE(check(R"({"respond_by": "2026-11-18T04:00:00Z", "resolve_by": "2026-11-20T18:00:00+09:00"})").empty());
  auto m = check(R"({"resolve_by": "2026-11-20T17:00:01+08:00"})");
  ASSERT_EQ(m.size(), 1u);
  EXPECT_EQ(m[0].field, "resolve_by");
  EXPECT_EQ(m[0].expected, "\"2026-11-20T17:00:01+08:00\"");
  EXPECT_EQ(m[0].actual, "\"2026-11-20T17:00:00+08:00\"");
}

TEST_F(Expect, EachDifferingFieldIsReportedWithBothValues) {
  auto m = check(R"({"level": 1, "handler": "squad-2", "alternates": [], "assist": ["pm-jinxiu", "council-qiaodong"],
                     "rule": "vending", "department": "police"})");
  ASSERT_EQ(m.size(), 6u);
  // In record order, whatever the order of the expectation.
  EXPECT_EQ(m[0].field, "rule");
  EXPECT_EQ(m[1].field, "department");
  EXPECT_EQ(m[1].actual, "null");
  EXPECT_EQ(m[2].field, "handler");
  EXPECT_EQ(m[2].expected, "\"squad-2\"");
  EXPECT_EQ(m[2].actual, "\"squad-1\"");
  EXPECT_EQ(m[3].field, "alternates");
  EXPECT_EQ(m[3].actual, "[\"squad-1-night\"]");
  EXPECT_EQ(m[4].field, "assist");
  EXPECT_EQ(m[5].field, "level");
  EXPECT_EQ(m[5].actual, "0");
}

TEST_F(Expect, MalformedExpectationsAreRefusedWithTheirPointer) {
  check(R"({"handlr": "squad-1"})", false);
  EXPECT_EQ(error_.rfind("/expect/handlr: unknown field (a test may name status, rule,", 0), 0u) << error_;
  check(R"({"level": "0"})", false);
  EXPECT_EQ(error_, "/expect/level: must be an integer or null, got \"0\"");
  check(R"({"alternates": "squad-1-night"})", false);
  EXPECT_EQ(error_, "/expect/alternates: must be a list of handler ids, or null, got \"squad-1-night\"");
  check(R"({"respond_by": "2026-11-18T12:00:00"})", false);
  EXPECT_EQ(error_.rfind("/expect/respond_by: ", 0), 0u) << error_;
  check(R"({"fallback": "no"})", false);
  EXPECT_EQ(error_, "/expect/fallback: must be true, false or null, got \"no\"");
  check(R"({"level": 1.5})", false);
  EXPECT_EQ(error_, "/expect/level: must be an integer or null, got 1.5");  // as written, not 1.5E0
}

// null expects no value, whatever the field (docs/tools.md): a routed decision is not the fallback's,
// and a rejected one has no level, lists or owner, so expecting them fails (SPEC §8: every field named
// equals the decision's).
TEST_F(Expect, NullExpectsNoValueForEveryField) {
  EXPECT_TRUE(check(R"({"fallback": null, "department": null})").empty());
  auto m = check(R"({"level": null, "alternates": null, "status": null})");
  ASSERT_EQ(m.size(), 3u);
  EXPECT_EQ(m[0].field, "status");
  EXPECT_EQ(m[0].actual, "\"routed\"");
  gridroute::Issue is;
  is.id = "X";
  is.category = "market.food";
  is.cell = "shangtang";  // a community, not a cell: rejected
  is.at = *gridroute::parse_rfc3339("2026-11-18T10:00:00+08:00");
  const gridroute::Decision d = snap_->route(is);
  std::vector<gridroute::cli::Mismatch> out;
  std::string error;
  ASSERT_TRUE(gridroute::cli::check_expect(
      *snap_, d, json::parse(R"({"level": null, "alternates": null, "assist": null, "fallback": false})").as_object(), out, error));
  EXPECT_TRUE(out.empty()) << out[0].field;
  ASSERT_TRUE(gridroute::cli::check_expect(*snap_, d, json::parse(R"({"level": 0, "alternates": []})").as_object(), out, error));
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].actual, "null");
}

// A level written with a zero fraction is that integer, as in the bundle's files and the case lines.
TEST_F(Expect, ALevelWithAZeroFractionIsThatInteger) {
  EXPECT_TRUE(check(R"({"level": 0.0})").empty());
  auto m = check(R"({"level": 1.0})");
  ASSERT_EQ(m.size(), 1u);
  EXPECT_EQ(m[0].expected, "1");
  EXPECT_EQ(m[0].actual, "0");
}

TEST_F(Expect, ARejectedLineHasNoOwner) {
  gridroute::Issue is;
  is.id = "X";
  is.category = "market.food";
  is.cell = "shangtang";  // a community, not a cell
  is.at = *gridroute::parse_rfc3339("2026-11-18T10:00:00+08:00");
  auto d = snap_->route(is);
  std::vector<gridroute::cli::Mismatch> out;
  std::string error;
  ASSERT_TRUE(gridroute::cli::check_expect(
      *snap_, d, json::parse(R"({"status": "routed", "handler": null, "cell": null})").as_object(), out, error));
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].field, "status");
  EXPECT_EQ(out[0].actual, "\"rejected\"");
}

}  // namespace
