// `route --explain`: a rule whose condition is false says which part failed, and on what value
// (`why_not`), for each operator, on a missing attribute and on a present one.
#include <string>

#include "diag_util.hpp"

namespace diag_test {
namespace {

// One rule per operator, each at its own priority above the plain `loud` rule, so that every one of
// them is tried (and fails) before `loud` wins.
fs::path operators_bundle() {
  return Bundle()
      .edit("rules.json", R"({"id": "loud", "categories": ["noise.*"], "route": ["enforcement_squad"]},)",
            R"({"id": "r-eq", "priority": 10, "categories": ["noise.loud"], "when": {"attr": "channel", "eq": "hotline"}, "route": ["resident_council"]},
    {"id": "r-ne", "priority": 9, "categories": ["noise.loud"], "when": {"attr": "severity", "ne": 1}, "route": ["resident_council"]},
    {"id": "r-lt", "priority": 8, "categories": ["noise.loud"], "when": {"attr": "severity", "lt": 2}, "route": ["resident_council"]},
    {"id": "r-le", "priority": 7, "categories": ["noise.loud"], "when": {"attr": "severity", "le": 2}, "route": ["resident_council"]},
    {"id": "r-gt", "priority": 6, "categories": ["noise.loud"], "when": {"attr": "severity", "gt": 2.5}, "route": ["resident_council"]},
    {"id": "r-ge", "priority": 5, "categories": ["noise.loud"], "when": {"attr": "severity", "ge": 4}, "route": ["resident_council"]},
    {"id": "r-in", "priority": 4, "categories": ["noise.loud"], "when": {"attr": "channel", "in": ["hotline", "wechat"]}, "route": ["resident_council"]},
    {"id": "r-exists", "priority": 3, "categories": ["noise.loud"], "when": {"attr": "private", "exists": true}, "route": ["resident_council"]},
    {"id": "r-any", "priority": 2, "categories": ["noise.loud"], "when": {"any": [{"attr": "private", "eq": true}, {"not": {"attr": "channel", "exists": false}}]}, "route": ["resident_council"]},
    {"id": "r-all", "priority": 1, "categories": ["noise.loud"], "when": {"all": [{"local_time": ["08:00", "20:00"]}, {"attr": "severity", "ne": 3}]}, "route": ["resident_council"]},
    {"id": "r-night", "priority": 1, "categories": ["noise.loud"], "when": {"local_time": ["22:00", "06:00"]}, "route": ["resident_council"]},
    {"id": "r-weekend", "priority": 1, "categories": ["noise.loud"], "when": {"workday": false}, "route": ["resident_council"]},
    {"id": "r-not-all", "priority": 1, "categories": ["noise.loud"], "when": {"not": {"all": [{"local_time": ["08:00", "20:00"]}, {"attr": "severity", "exists": false}]}}, "route": ["resident_council"]},
    {"id": "loud", "categories": ["noise.*"], "route": ["enforcement_squad"]},)")
      .write("operators");
}

// The why_not of each rule of the trace, by rule id; "(none)" for an entry without one.
std::map<std::string, std::string> why_not_by_rule(const json::object& decision) {
  std::map<std::string, std::string> out;
  for (const auto& t : decision.at("trace").as_array()) {
    const auto& e = t.as_object();
    out[str(e.at("rule"))] = e.contains("why_not") ? str(e.at("why_not")) : "(none)";
  }
  return out;
}

TEST(ExplainWhyNot, EachOperatorOnAMissingAttribute) {
  const fs::path b = operators_bundle();
  CliRun r = cli({"route", "--explain", b.string()}, issue("I-1") + "\n");
  ASSERT_EQ(r.code, 0) << r.err;
  auto recs = records(r.out);
  ASSERT_EQ(recs.size(), 1u) << r.out;
  EXPECT_EQ(str(recs[0].at("rule")), "loud");
  auto why = why_not_by_rule(recs[0]);
  EXPECT_EQ(why["r-eq"], "attr channel is missing; eq is false on a missing attribute");
  EXPECT_EQ(why["r-ne"], "attr severity is missing; ne is false on a missing attribute");
  EXPECT_EQ(why["r-lt"], "attr severity is missing; lt is false on a missing attribute");
  EXPECT_EQ(why["r-le"], "attr severity is missing; le is false on a missing attribute");
  EXPECT_EQ(why["r-gt"], "attr severity is missing; gt is false on a missing attribute");
  EXPECT_EQ(why["r-ge"], "attr severity is missing; ge is false on a missing attribute");
  EXPECT_EQ(why["r-in"], "attr channel is missing; in is false on a missing attribute");
  EXPECT_EQ(why["r-exists"], "attr private is missing; exists true is false");
  EXPECT_EQ(why["r-any"],
            "none of any holds: [attr private is missing; eq is false on a missing attribute] "
            "[not: attr channel is missing; exists false holds]");
  // An all fails at its first false child: here the ne, after the time window held.
  EXPECT_EQ(why["r-all"], "attr severity is missing; ne is false on a missing attribute");
  EXPECT_EQ(why["r-night"], "local_time 10:00 is outside [\"22:00\", \"06:00\")");
  EXPECT_EQ(why["r-weekend"], "workday false: 2026-11-18 is a working day of calendar 'gov'");
  // A `not` of an `all` that holds says why each of its conditions held.
  EXPECT_EQ(why["r-not-all"], "not: all of its conditions hold: [local_time 10:00 is inside [\"08:00\", \"20:00\")] "
                              "[attr severity is missing; exists false holds]");
  // The winner has a why, and no why_not.
  EXPECT_EQ(why["loud"], "(none)");
}

TEST(ExplainWhyNot, OperatorsOnPresentValuesNameTheValue) {
  const fs::path b = operators_bundle();
  CliRun r = cli({"route", "--explain", b.string()},
              issue("I-2", R"({"severity": 1, "channel": "sms", "private": false})") + "\n");
  ASSERT_EQ(r.code, 0) << r.err;
  auto recs = records(r.out);
  ASSERT_EQ(recs.size(), 1u) << r.out;
  auto why = why_not_by_rule(recs[0]);
  EXPECT_EQ(why["r-eq"], R"(attr channel is "sms"; eq "hotline" is false)");
  EXPECT_EQ(why["r-ne"], "attr severity is 1; ne 1 is false");
  EXPECT_EQ(why["r-in"], R"(attr channel is "sms"; in ["hotline", "wechat"] is false)");
  EXPECT_EQ(why["r-gt"], "attr severity is 1; gt 2.5 is false");
  // r-lt (severity 1 < 2) wins: the rules after it lost to it, they were not tried.
  EXPECT_EQ(str(recs[0].at("rule")), "r-lt");
  EXPECT_EQ(why["r-lt"], "(none)");
  EXPECT_EQ(why["r-exists"], "(none)");
}

TEST(ExplainWhyNot, TheDemoBundleSaysWhyTheMinorRuleDoesNotApply) {
  // examples/lanxi L04: severity 1 and no channel; loudspeaker-minor needs channel ne "hotline".
  CliRun r = cli({"route", "--explain", kLanxi.string()},
              R"({"id": "L04", "category": "env.noise.loudspeaker", "cell": "qiaodong-b-01", "at": "2026-11-18T15:00:00+08:00", "attrs": {"severity": 1}})"
              "\n");
  ASSERT_EQ(r.code, 0) << r.err;
  auto recs = records(r.out);
  ASSERT_EQ(recs.size(), 1u);
  EXPECT_EQ(str(recs[0].at("rule")), "loudspeaker");
  EXPECT_EQ(why_not_by_rule(recs[0])["loudspeaker-minor"],
            "attr channel is missing; ne is false on a missing attribute");
}

// An `any` of thousands of parts lists the first 16 reasons and how many more: its why_not was every
// part's reason, megabytes a trace entry, held for a whole block of lines (1,600 issues took 1.1 GB).
TEST(ExplainWhyNot, AnAnyOfThousandsOfPartsListsSixteenAndHowManyMore) {
  std::string parts;
  for (int i = 0; i < 5000; ++i) parts += std::string(i ? ", " : "") + R"({"attr": "severity", "eq": )" + std::to_string(1000 + i) + "}";
  const fs::path b = Bundle()
                         .edit("rules.json", R"({"id": "loud", "categories": ["noise.*"], "route": ["enforcement_squad"]},)",
                               R"({"id": "r-wide", "priority": 10, "categories": ["noise.loud"], "when": {"any": [)" + parts +
                                   R"(]}, "route": ["resident_council"]},
    {"id": "loud", "categories": ["noise.*"], "route": ["enforcement_squad"]},)")
                         .write("wide-any");
  CliRun r = cli({"route", "--explain", b.string()}, issue("I-1") + "\n");
  ASSERT_EQ(r.code, 0) << r.err;
  auto recs = records(r.out);
  ASSERT_EQ(recs.size(), 1u) << r.out.substr(0, 2000);
  std::string want = "none of any holds:";
  for (int i = 0; i < 16; ++i) want += " [attr severity is missing; eq is false on a missing attribute]";
  want += " [and 4984 more]";
  EXPECT_EQ(why_not_by_rule(recs[0])["r-wide"], want);
}

TEST(ExplainWhyNot, WithoutExplainThereIsNoTrace) {
  const fs::path b = operators_bundle();
  CliRun r = cli({"route", b.string()}, issue("I-3") + "\n");
  ASSERT_EQ(r.code, 0);
  EXPECT_EQ(r.out.find("why_not"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("trace"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace diag_test
