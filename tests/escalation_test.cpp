// Escalation (SPEC §3.5, §4): every action and reason, deadlines exactly at `now`, level skipping,
// overdue, severity_skip in routing, and which calendar counts the deadlines of each level.
#include <algorithm>
#include <cctype>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include "gridroute/bundle.hpp"
#include "gridroute/engine.hpp"
#include "gridroute/jsonl.hpp"
#include "compile/index.hpp"
#include "fixture.hpp"

namespace {
namespace json = boost::json;

const std::string kJur = fixture::town(R"([
    {"id": "squad-1", "role": "enforcement_squad", "serves": ["c1", "c2"]},
    {"id": "council-c1", "role": "resident_council", "serves": ["c1"]},
    {"id": "council-c1a", "role": "resident_council", "serves": ["c1-a"]},
    {"id": "council-c2", "role": "resident_council", "serves": ["c2"]},
    {"id": "pm-a", "role": "property_manager", "serves": ["c1-a-01"], "calendar": "late"},
    {"id": "mediator-b", "role": "mediator", "serves": ["c1-b"]},
    {"id": "dept-urban", "role": "partner_department", "department": "urban", "serves": ["town"]},
    {"id": "dept-urban-2", "role": "partner_department", "department": "urban", "serves": ["town"]},
    {"id": "dept-fire", "role": "partner_department", "department": "fire", "serves": ["town"], "calendar": "always"}
  ])");

const char* kRules = R"({
  "format": "gridroute.rules/1",
  "roles": ["mediator"],
  "attributes": {"severity": "number"},
  "calendars": [
    {"id": "gov", "weekdays": [1, 2, 3, 4, 5], "hours": [["09:00", "12:00"], ["13:00", "17:00"]]},
    {"id": "always", "weekdays": [1, 2, 3, 4, 5, 6, 7], "hours": [["00:00", "24:00"]]},
    {"id": "late", "weekdays": [1, 2, 3, 4, 5, 6, 7], "hours": [["10:00", "20:00"]]}
  ],
  "defaults": {"calendar": "gov", "sla": {"respond": "2wh", "resolve": "3wd"}, "escalation": "std"},
  "rules": [
    {"id": "noise", "categories": ["noise"], "route": ["enforcement_squad"], "sla": {"respond": "1h", "resolve": "1wd"},
     "assist": ["resident_council", {"role": "partner_department", "department": "urban"}]},
    {"id": "dispute", "categories": ["dispute"], "route": ["resident_council"], "escalation": "ladder"},
    {"id": "tail", "categories": ["tail"], "route": ["resident_council"], "escalation": "tail"},
    {"id": "fire", "categories": ["fire"], "route": [{"role": "partner_department", "department": "fire"}],
     "sla": {"respond": "15m", "resolve": "4h"}, "escalation": "fire"},
    {"id": "estate", "categories": ["estate"], "route": ["property_manager", "resident_council"], "escalation": "single"},
    {"id": "estatecal", "categories": ["estatecal"], "route": ["property_manager"], "calendar": "always",
     "sla": {"respond": "1wh", "resolve": "1wd"}},
    {"id": "rulecal", "categories": ["rulecal"], "route": ["resident_council"], "calendar": "always",
     "sla": {"respond": "1wh", "resolve": "1wd"}},
    {"id": "odd", "categories": ["odd"], "route": ["resident_council"], "sla": {"respond": "3wd", "resolve": "1wd"}},
    {"id": "quiet", "categories": ["quiet"], "route": ["mediator"]}
  ],
  "escalation_policies": [
    {"id": "std", "levels": [
      {"name": "grid"},
      {"name": "community", "tier": "community", "route": ["resident_council"], "respond": "1wd", "resolve": "3wd"},
      {"name": "town", "tier": "town", "route": [{"role": "partner_department", "department": "urban"}],
       "respond": "1wd", "resolve": "5wd"}
    ], "repeat_reports": 3, "rating_below": 3, "severity_skip": {"at_least": 5, "to_level": 2}},
    {"id": "ladder", "levels": [
      {"name": "grid"},
      {"name": "area-mediator", "tier": "area", "route": ["mediator"], "resolve": "2wd"},
      {"name": "community", "tier": "community", "route": ["resident_council"], "respond": "1wd", "resolve": "3wd"},
      {"name": "town", "tier": "town", "route": [{"role": "partner_department", "department": "urban"}]}
    ], "repeat_reports": 2, "rating_below": 4, "severity_skip": {"at_least": 3, "to_level": 1}},
    {"id": "tail", "levels": [
      {"name": "grid"},
      {"name": "community", "tier": "community", "route": ["resident_council"]},
      {"name": "area-mediator", "tier": "area", "route": ["mediator"]}
    ]},
    {"id": "fire", "levels": [
      {"name": "first"},
      {"name": "command", "tier": "town", "route": [{"role": "partner_department", "department": "fire"}],
       "respond": "1wh", "resolve": "1wd"}
    ]},
    {"id": "single", "levels": [{"name": "owner"}], "rating_below": 5}
  ]
})";

std::shared_ptr<const gridroute::Snapshot> load(const std::string& rules = kRules) {
  gridroute::BundleSources src;
  src.jurisdiction_json = kJur;
  src.rules_json = rules;
  std::vector<gridroute::Diagnostic> diags;
  auto s = gridroute::load_bundle(src, &diags);
  if (!s.ok()) {
    std::string all;
    for (auto& d : diags) all += d.to_string() + "\n";
    ADD_FAILURE() << "bundle refused:\n" << all;
    return nullptr;
  }
  return *s;
}

const std::shared_ptr<const gridroute::Snapshot>& snap() {
  static auto s = load();
  return s;
}

constexpr const char* kNow = "2026-11-23T10:00:00+08:00";  // a Monday

struct CaseSpec {
  std::string category = "noise";
  std::string cell = "c1-a-01";
  std::string at = "2026-11-23T09:30:00+08:00";
  int level = 0;
  std::string started;  // default: `at`
  bool responded = false;
  int reports = 0;
  bool resolved = false;
  int rating = 0;  // 0: none
  std::string attrs = "{}";
};

std::string line_of(const CaseSpec& c) {
  std::string s = R"({"id": "C", "category": ")" + c.category + R"(", "cell": ")" + c.cell + R"(", "at": ")" + c.at +
                  R"(", "attrs": )" + c.attrs + R"(, "level": )" + std::to_string(c.level) + R"(, "level_started_at": ")" +
                  (c.started.empty() ? c.at : c.started) + R"(", "responded": )" + (c.responded ? "true" : "false") +
                  R"(, "reports": )" + std::to_string(c.reports) + R"(, "status": ")" + (c.resolved ? "resolved" : "open") +
                  "\"";
  if (c.rating) s += R"(, "rating": )" + std::to_string(c.rating);
  return s + "}";
}

json::object escalate_line(const std::string& line, const std::string& now = kNow,
                           const std::shared_ptr<const gridroute::Snapshot>& s = snap()) {
  if (!s) return {};
  gridroute::LineCodec codec(s);
  std::string out;
  codec.escalate_line(line, *gridroute::parse_rfc3339(now), out);
  json::error_code ec;
  json::value v = json::parse(out, ec);
  EXPECT_FALSE(ec) << out;
  return ec ? json::object{} : v.as_object();
}

json::object escalate(const CaseSpec& c, const std::string& now = kNow,
                      const std::shared_ptr<const gridroute::Snapshot>& s = snap()) {
  return escalate_line(line_of(c), now, s);
}

json::object route(const std::string& category, const std::string& cell, const std::string& at,
                   const std::string& attrs = "{}", const std::shared_ptr<const gridroute::Snapshot>& s = snap()) {
  if (!s) return {};
  gridroute::LineCodec codec(s);
  std::string out;
  codec.route_line(R"({"id": "I", "category": ")" + category + R"(", "cell": ")" + cell + R"(", "at": ")" + at +
                       R"(", "attrs": )" + attrs + "}", out);
  return json::parse(out).as_object();
}

std::string str(const json::object& o, const char* key) {
  auto* v = o.if_contains(key);
  if (!v) return "(absent)";
  if (v->is_string()) return std::string(v->get_string());
  return json::serialize(*v);
}

std::set<std::string> reasons(const json::object& o) {
  std::set<std::string> out;
  auto* v = o.if_contains("reasons");
  if (!v || !v->is_array()) {
    ADD_FAILURE() << "no reasons list in " << json::serialize(o);
    return out;
  }
  for (const auto& r : v->get_array()) out.insert(std::string(r.as_string()));
  EXPECT_EQ(out.size(), v->get_array().size()) << "a reason is listed twice: " << json::serialize(o);
  return out;
}

// Instants compare equal whatever the offset they are written with.
void expect_time(const json::object& o, const char* key, const std::string& want) {
  SCOPED_TRACE(json::serialize(o));
  auto* v = o.if_contains(key);
  ASSERT_TRUE(v && v->is_string()) << key << " missing";
  auto got = gridroute::parse_rfc3339(std::string(v->get_string()));
  ASSERT_TRUE(got.ok()) << key << " = " << *v;
  EXPECT_EQ(*got, *gridroute::parse_rfc3339(want)) << key << ": expected " << want << ", got " << *v;
  EXPECT_EQ(std::string(v->get_string()).substr(19), "+08:00") << "written in the jurisdiction's zone";
}

using R = std::set<std::string>;

// ---------------------------------------------------------------- hold

TEST(Escalation, HoldWithNextCheck) {
  CaseSpec c;  // noise: respond 1h → 10:30, resolve 1wd → Tue 17:00
  auto a = escalate(c);
  EXPECT_EQ(str(a, "action"), "hold");
  EXPECT_EQ(str(a, "level"), "0");
  EXPECT_EQ(str(a, "handler"), "squad-1");
  EXPECT_EQ(str(a, "role"), "enforcement_squad");
  EXPECT_FALSE(a.contains("department"));
  EXPECT_EQ(reasons(a), R{});
  expect_time(a, "next_check", "2026-11-23T10:30:00+08:00");
  EXPECT_FALSE(a.contains("respond_by"));
}

TEST(Escalation, RespondedLeavesTheRespondDueOutOfNextCheck) {
  CaseSpec c;
  c.responded = true;
  auto a = escalate(c);
  EXPECT_EQ(str(a, "action"), "hold");
  expect_time(a, "next_check", "2026-11-24T17:00:00+08:00");
}

TEST(Escalation, NextCheckIsTheEarliestDue) {
  CaseSpec c;
  c.category = "odd";  // respond 3wd (Thu), resolve 1wd (Tue)
  auto a = escalate(c);
  EXPECT_EQ(str(a, "action"), "hold");
  expect_time(a, "next_check", "2026-11-24T17:00:00+08:00");
}

TEST(Escalation, DeadlinesCountFromLevelStartedAtNotFromAt) {
  CaseSpec c;
  c.at = "2026-11-19T09:00:00+08:00";
  c.started = "2026-11-23T09:30:00+08:00";
  auto a = escalate(c);
  EXPECT_EQ(str(a, "action"), "hold");
  expect_time(a, "next_check", "2026-11-23T10:30:00+08:00");
}

TEST(Escalation, ALevelStartedAfterNowHolds) {
  CaseSpec c;
  c.started = "2026-11-24T09:00:00+08:00";
  auto a = escalate(c);
  EXPECT_EQ(str(a, "action"), "hold");
  expect_time(a, "next_check", "2026-11-24T10:00:00+08:00");
}

// ---------------------------------------------------------------- escalate and reasons

TEST(Escalation, MissedRespondExactlyAtNow) {
  CaseSpec c;
  c.at = "2026-11-23T09:00:00+08:00";  // respond due 10:00 == now
  auto a = escalate(c);
  EXPECT_EQ(str(a, "action"), "escalate");
  EXPECT_EQ(reasons(a), (R{"missed_respond"}));
  // Level 1 resolves from the cell's community (c1), not from the cell: council-c1, not council-c1a.
  EXPECT_EQ(str(a, "level"), "1");
  EXPECT_EQ(str(a, "handler"), "council-c1");
  EXPECT_EQ(str(a, "role"), "resident_council");
  expect_time(a, "respond_by", "2026-11-24T17:00:00+08:00");
  expect_time(a, "resolve_by", "2026-11-26T17:00:00+08:00");
  EXPECT_FALSE(a.contains("next_check"));
}

TEST(Escalation, OneSecondEitherSideOfTheRespondDue) {
  CaseSpec before;
  before.at = "2026-11-23T08:59:59+08:00";
  EXPECT_EQ(str(escalate(before), "action"), "escalate");
  CaseSpec after;
  after.at = "2026-11-23T09:00:01+08:00";
  auto a = escalate(after);
  EXPECT_EQ(str(a, "action"), "hold");
  expect_time(a, "next_check", "2026-11-23T10:00:01+08:00");
}

TEST(Escalation, RespondedCaseDoesNotMissRespond) {
  CaseSpec c;
  c.at = "2026-11-23T09:00:00+08:00";
  c.responded = true;
  EXPECT_EQ(str(escalate(c), "action"), "hold");
}

TEST(Escalation, MissedResolveAlone) {
  CaseSpec c;
  c.at = "2026-11-19T10:00:00+08:00";  // resolve 1wd → Fri 11-20 17:00
  c.responded = true;
  auto a = escalate(c);
  EXPECT_EQ(str(a, "action"), "escalate");
  EXPECT_EQ(reasons(a), (R{"missed_resolve"}));
}

TEST(Escalation, MissedResolveExactlyAtNow) {
  CaseSpec c;
  c.at = "2026-11-20T10:00:00+08:00";  // resolve 1wd → Mon 11-23 17:00
  c.responded = true;
  EXPECT_EQ(str(escalate(c, "2026-11-23T16:59:59+08:00"), "action"), "hold");
  auto a = escalate(c, "2026-11-23T17:00:00+08:00");
  EXPECT_EQ(str(a, "action"), "escalate");
  EXPECT_EQ(reasons(a), (R{"missed_resolve"}));
  // The new level's deadlines count from now (Monday 17:00).
  expect_time(a, "respond_by", "2026-11-24T17:00:00+08:00");
  expect_time(a, "resolve_by", "2026-11-26T17:00:00+08:00");
}

TEST(Escalation, BothDeadlinesMissed) {
  CaseSpec c;
  c.at = "2026-11-19T10:00:00+08:00";
  auto a = escalate(c);
  EXPECT_EQ(str(a, "action"), "escalate");
  EXPECT_EQ(reasons(a), (R{"missed_respond", "missed_resolve"}));
}

TEST(Escalation, RepeatReports) {
  CaseSpec c;
  c.reports = 2;
  EXPECT_EQ(str(escalate(c), "action"), "hold");
  c.reports = 3;
  auto a = escalate(c);
  EXPECT_EQ(str(a, "action"), "escalate");
  EXPECT_EQ(reasons(a), (R{"repeat_reports"}));
  c.reports = 100;
  EXPECT_EQ(reasons(escalate(c)), (R{"repeat_reports"}));
}

TEST(Escalation, AllThreeReasons) {
  CaseSpec c;
  c.at = "2026-11-19T10:00:00+08:00";
  c.reports = 4;
  auto a = escalate(c);
  EXPECT_EQ(str(a, "action"), "escalate");
  EXPECT_EQ(reasons(a), (R{"missed_respond", "missed_resolve", "repeat_reports"}));
}

TEST(Escalation, FromLevelOneToLevelTwo) {
  CaseSpec c;
  c.level = 1;
  c.started = "2026-11-18T10:00:00+08:00";  // level 1: respond 1wd → Thu 17:00, resolve 3wd → Mon 17:00
  c.responded = true;
  auto hold = escalate(c);
  EXPECT_EQ(str(hold, "action"), "hold");
  EXPECT_EQ(str(hold, "level"), "1");
  EXPECT_EQ(str(hold, "handler"), "council-c1");
  expect_time(hold, "next_check", "2026-11-23T17:00:00+08:00");
  c.responded = false;
  auto a = escalate(c);
  EXPECT_EQ(str(a, "action"), "escalate");
  EXPECT_EQ(reasons(a), (R{"missed_respond"}));
  EXPECT_EQ(str(a, "level"), "2");
  EXPECT_EQ(str(a, "handler"), "dept-urban");
  EXPECT_EQ(str(a, "role"), "partner_department");
  EXPECT_EQ(str(a, "department"), "urban");
  expect_time(a, "respond_by", "2026-11-24T17:00:00+08:00");
  expect_time(a, "resolve_by", "2026-11-30T17:00:00+08:00");
}

TEST(Escalation, OverduePastTheLastLevel) {
  CaseSpec c;
  c.level = 2;
  c.started = "2026-11-16T10:00:00+08:00";  // level 2: respond 1wd → Tue 11-17 17:00
  auto a = escalate(c);
  EXPECT_EQ(str(a, "action"), "overdue");
  EXPECT_EQ(str(a, "level"), "2");
  EXPECT_EQ(str(a, "handler"), "dept-urban");
  EXPECT_EQ(str(a, "department"), "urban");
  EXPECT_EQ(reasons(a), (R{"missed_respond"}));
  EXPECT_FALSE(a.contains("next_check"));
}

TEST(Escalation, SkipsALevelThatResolvesNoHandler) {
  // ladder: level 1 is a mediator at the area; only c1-b has one.
  CaseSpec c;
  c.category = "dispute";
  c.reports = 2;
  auto a = escalate(c);
  EXPECT_EQ(str(a, "action"), "escalate");
  EXPECT_EQ(str(a, "level"), "2");
  EXPECT_EQ(str(a, "handler"), "council-c1");
  expect_time(a, "respond_by", "2026-11-24T17:00:00+08:00");
  expect_time(a, "resolve_by", "2026-11-26T17:00:00+08:00");
  c.cell = "c1-b-01";
  auto b = escalate(c);
  EXPECT_EQ(str(b, "level"), "1");
  EXPECT_EQ(str(b, "handler"), "mediator-b");
  EXPECT_EQ(str(b, "role"), "mediator");
  // Level 1 has no respond of its own: defaults.sla (2wh); its resolve is 2wd.
  expect_time(b, "respond_by", "2026-11-23T12:00:00+08:00");
  expect_time(b, "resolve_by", "2026-11-25T17:00:00+08:00");
}

TEST(Escalation, ALevelAtAMissingTierStartsAtTheNearestAncestorAbove) {
  // c2-01 has no area: the area-tier level starts at c2, which has no mediator, so it is skipped too.
  CaseSpec c;
  c.category = "dispute";
  c.cell = "c2-01";
  c.reports = 2;
  auto a = escalate(c);
  EXPECT_EQ(str(a, "level"), "2");
  EXPECT_EQ(str(a, "handler"), "council-c2");
}

TEST(Escalation, OverdueWhenNoLaterLevelResolves) {
  CaseSpec c;
  c.category = "tail";  // last level: a mediator at the area
  c.level = 1;
  c.reports = 0;
  c.at = "2026-11-16T10:00:00+08:00";
  auto a = escalate(c);
  EXPECT_EQ(str(a, "action"), "overdue");
  EXPECT_EQ(str(a, "level"), "1");
  EXPECT_EQ(str(a, "handler"), "council-c1");
  c.cell = "c1-b-01";
  auto b = escalate(c);
  EXPECT_EQ(str(b, "action"), "escalate");
  EXPECT_EQ(str(b, "handler"), "mediator-b");
}

// ---------------------------------------------------------------- resolved cases

TEST(Escalation, ReopenOnALowRating) {
  CaseSpec c;
  c.resolved = true;
  c.rating = 2;
  c.at = "2026-11-16T10:00:00+08:00";
  auto a = escalate(c);
  EXPECT_EQ(str(a, "action"), "reopen");
  EXPECT_EQ(reasons(a), (R{"low_rating"}));
  EXPECT_EQ(str(a, "level"), "1");
  EXPECT_EQ(str(a, "handler"), "council-c1");
  expect_time(a, "respond_by", "2026-11-24T17:00:00+08:00");
  expect_time(a, "resolve_by", "2026-11-26T17:00:00+08:00");
}

TEST(Escalation, NoneAtTheThresholdOrWithoutARating) {
  CaseSpec c;
  c.resolved = true;
  c.at = "2026-11-16T10:00:00+08:00";
  c.rating = 3;
  auto a = escalate(c);
  EXPECT_EQ(str(a, "action"), "none");
  EXPECT_EQ(str(a, "level"), "0");
  EXPECT_EQ(str(a, "handler"), "squad-1");
  EXPECT_EQ(reasons(a), R{});
  c.rating = 5;
  EXPECT_EQ(str(escalate(c), "action"), "none");
  c.rating = 0;
  EXPECT_EQ(str(escalate(c), "action"), "none");
  // A resolved case does not escalate on missed deadlines or reports.
  c.reports = 10;
  EXPECT_EQ(str(escalate(c), "action"), "none");
}

TEST(Escalation, NoneWhenThePolicyHasNoRatingThreshold) {
  CaseSpec c;
  c.category = "fire";
  c.resolved = true;
  c.rating = 1;
  auto a = escalate(c);
  EXPECT_EQ(str(a, "action"), "none");
  EXPECT_EQ(str(a, "handler"), "dept-fire");
  EXPECT_EQ(str(a, "department"), "fire");
}

TEST(Escalation, ReopenSkipsALevelThatResolvesNoHandler) {
  CaseSpec c;
  c.category = "dispute";  // rating_below 4
  c.resolved = true;
  c.rating = 3;
  auto a = escalate(c);
  EXPECT_EQ(str(a, "action"), "reopen");
  EXPECT_EQ(str(a, "level"), "2");
  EXPECT_EQ(str(a, "handler"), "council-c1");
}

TEST(Escalation, ReopenPastTheLastLevelIsOverdue) {
  CaseSpec c;
  c.level = 2;
  c.resolved = true;
  c.rating = 1;
  auto a = escalate(c);
  EXPECT_EQ(str(a, "action"), "overdue");
  EXPECT_EQ(str(a, "level"), "2");
  EXPECT_EQ(str(a, "handler"), "dept-urban");
  EXPECT_EQ(reasons(a), (R{"low_rating"}));
  // A one-level policy: a reopen is overdue at once.
  CaseSpec s;
  s.category = "estate";
  s.resolved = true;
  s.rating = 4;
  auto b = escalate(s);
  EXPECT_EQ(str(b, "action"), "overdue");
  EXPECT_EQ(str(b, "level"), "0");
  EXPECT_EQ(str(b, "handler"), "pm-a");
}

// ---------------------------------------------------------------- no policy

TEST(Escalation, WithoutAPolicyThereIsLevelZeroOnly) {
  std::string rules = kRules;
  rules.replace(rules.find(R"(, "escalation": "std"})"), 22, "}");
  auto s = load(rules);
  ASSERT_TRUE(s);
  auto d = route("noise", "c1-a-01", "2026-11-23T09:30:00+08:00", "{\"severity\": 9}", s);
  EXPECT_EQ(str(d, "escalation"), "null");
  EXPECT_EQ(str(d, "level"), "0") << "no policy, no severity_skip";
  CaseSpec c;
  c.at = "2026-11-19T10:00:00+08:00";
  auto a = escalate(c, kNow, s);
  EXPECT_EQ(str(a, "action"), "overdue");
  EXPECT_EQ(str(a, "level"), "0");
  EXPECT_EQ(str(a, "handler"), "squad-1");
  EXPECT_EQ(reasons(a), (R{"missed_respond", "missed_resolve"}));
  c.level = 1;
  EXPECT_EQ(str(escalate(c, kNow, s), "action"), "rejected");
  // No repeat_reports threshold: reports alone never escalate.
  CaseSpec r;
  r.reports = 50;
  EXPECT_EQ(str(escalate(r, kNow, s), "action"), "hold");
}

// ---------------------------------------------------------------- rejected cases

TEST(Escalation, RejectedCases) {
  CaseSpec unrouted;
  unrouted.category = "quiet";  // only a mediator, none above c1-a
  auto a = escalate(unrouted);
  EXPECT_EQ(str(a, "action"), "rejected");
  EXPECT_EQ(str(a, "id"), "C");
  EXPECT_FALSE(str(a, "error").empty());
  CaseSpec too_high;
  too_high.level = 3;
  EXPECT_EQ(str(escalate(too_high), "action"), "rejected");
  CaseSpec bad_rating;
  bad_rating.resolved = true;
  bad_rating.rating = 6;
  EXPECT_EQ(str(escalate(bad_rating), "action"), "rejected");
  CaseSpec unknown_cell;
  unknown_cell.cell = "c9";
  EXPECT_EQ(str(escalate(unknown_cell), "action"), "rejected");
  const std::string base =
      R"("category": "noise", "cell": "c1-a-01", "at": "2026-11-23T09:30:00+08:00", "level_started_at": "2026-11-23T09:30:00+08:00")";
  for (const std::string& line : std::vector<std::string>{
           R"({"id": "X", )" + base + R"(, "level": 0, "responded": false, "reports": 0})",                       // no status
           R"({"id": "X", )" + base + R"(, "level": 0, "reports": 0, "status": "open"})",                         // no responded
           R"({"id": "X", )" + base + R"(, "level": 0, "responded": "no", "reports": 0, "status": "open"})",
           R"({"id": "X", )" + base + R"(, "level": -1, "responded": false, "reports": 0, "status": "open"})",
           R"({"id": "X", )" + base + R"(, "level": 0, "responded": false, "reports": -1, "status": "open"})",
           R"({"id": "X", )" + base + R"(, "level": 0, "responded": false, "reports": 0, "status": "closed"})",
           R"({"id": "X", )" + base + R"(, "level": 0, "responded": false, "reports": 0, "status": "resolved", "rating": 0})",
           R"({"id": "X", )" + base + R"(, "level": 0.5, "responded": false, "reports": 0, "status": "open"})",
           std::string(R"({"id": "X", "category": "noise", "cell": "c1-a-01", "at": "2026-11-23T09:30:00+08:00", "level": 0, "level_started_at": "soon", "responded": false, "reports": 0, "status": "open"})"),
       }) {
    auto r = escalate_line(line);
    EXPECT_EQ(str(r, "action"), "rejected") << line;
    EXPECT_EQ(str(r, "id"), "X") << line;
    EXPECT_FALSE(r.contains("handler")) << line;
  }
  auto broken = escalate_line(R"({"id": "X", "category": )");
  EXPECT_EQ(str(broken, "action"), "rejected");
  EXPECT_EQ(str(broken, "id"), "null");
}

// ---------------------------------------------------------------- severity_skip in routing

TEST(SeveritySkip, StartsAtTheSkipLevel) {
  auto d = route("noise", "c1-a-01", "2026-11-18T10:00:00+08:00", R"({"severity": 5})");
  EXPECT_EQ(str(d, "status"), "routed");
  EXPECT_EQ(str(d, "rule"), "noise") << "rule still names the winning rule";
  EXPECT_EQ(str(d, "level"), "2");
  EXPECT_EQ(str(d, "handler"), "dept-urban");
  EXPECT_EQ(str(d, "role"), "partner_department");
  EXPECT_EQ(str(d, "department"), "urban");
  EXPECT_EQ(str(d, "unit"), "town");
  EXPECT_EQ(str(d, "alternates"), R"(["dept-urban-2"])");
  EXPECT_EQ(str(d, "escalation"), "std");
  // Assist is the rule's, without the decision's owner (dept-urban).
  EXPECT_EQ(str(d, "assist"), R"(["council-c1a"])");
  // Level 2's deadlines (1wd, 5wd) from `at`.
  expect_time(d, "respond_by", "2026-11-19T17:00:00+08:00");
  expect_time(d, "resolve_by", "2026-11-25T17:00:00+08:00");
}

TEST(SeveritySkip, BelowTheThresholdOrMissingStaysAtLevelZero) {
  for (const char* attrs : {R"({"severity": 4.99})", "{}"}) {
    SCOPED_TRACE(attrs);
    auto d = route("noise", "c1-a-01", "2026-11-18T10:00:00+08:00", attrs);
    EXPECT_EQ(str(d, "level"), "0");
    EXPECT_EQ(str(d, "handler"), "squad-1");
    EXPECT_EQ(str(d, "unit"), "c1");
    EXPECT_EQ(str(d, "assist"), R"(["council-c1a","dept-urban"])");
    expect_time(d, "respond_by", "2026-11-18T11:00:00+08:00");
    expect_time(d, "resolve_by", "2026-11-19T17:00:00+08:00");
  }
  auto at = route("noise", "c1-a-01", "2026-11-18T10:00:00+08:00", R"({"severity": 5.0})");
  EXPECT_EQ(str(at, "level"), "2") << "severity equal to at_least skips";
}

TEST(SeveritySkip, StaysAtLevelZeroWhenTheSkipLevelResolvesNothing) {
  // ladder: skip to level 1 (a mediator at the area) from severity 3; only c1-b has a mediator.
  auto a = route("dispute", "c1-a-01", "2026-11-18T10:00:00+08:00", R"({"severity": 4})");
  EXPECT_EQ(str(a, "level"), "0");
  EXPECT_EQ(str(a, "handler"), "council-c1a");
  auto b = route("dispute", "c1-b-01", "2026-11-18T10:00:00+08:00", R"({"severity": 4})");
  EXPECT_EQ(str(b, "level"), "1");
  EXPECT_EQ(str(b, "handler"), "mediator-b");
  EXPECT_EQ(str(b, "unit"), "c1-b");
  EXPECT_EQ(str(b, "rule"), "dispute");
  expect_time(b, "respond_by", "2026-11-18T12:00:00+08:00");  // defaults.sla 2wh
  expect_time(b, "resolve_by", "2026-11-20T17:00:00+08:00");  // level 1: 2wd
}

// --explain says whether the skip was taken or declined, and why; below the threshold it says nothing.
TEST(SeveritySkip, TheTraceSaysWhetherTheSkipWasTakenOrDeclined) {
  auto owner_of = [](const std::string& category, const std::string& cell, const std::string& attrs) {
    gridroute::LineCodec codec(snap(), {.explain = true});
    std::string out;
    codec.route_line(R"({"id": "I", "category": ")" + category + R"(", "cell": ")" + cell +
                         R"(", "at": "2026-11-18T10:00:00+08:00", "attrs": )" + attrs + "}",
                     out);
    const json::value record = json::parse(out);
    for (const auto& t : record.at("trace").as_array())
      if (t.as_object().contains("owner")) return t.at("owner").as_object();
    return json::object{};
  };
  const json::object taken = owner_of("noise", "c1-a-01", R"({"severity": 5})");
  EXPECT_EQ(taken.at("level"), 2);
  EXPECT_NE(json::serialize(taken.at("skip")).find("severity at least 5 (severity_skip of policy 'std'): the owner is found at level 2"),
            std::string::npos) << taken;
  const json::object declined = owner_of("dispute", "c1-a-01", R"({"severity": 4})");
  EXPECT_FALSE(declined.contains("level"));
  EXPECT_NE(json::serialize(declined.at("skip")).find("resolves no handler for the cell: the issue stays at level 0"),
            std::string::npos) << declined;
  EXPECT_FALSE(owner_of("noise", "c1-a-01", R"({"severity": 4})").contains("skip"));
}

TEST(SeveritySkip, APolicyWithoutSkipNeverSkips) {
  auto d = route("fire", "c1-a-01", "2026-11-18T10:00:00+08:00", R"({"severity": 9})");
  EXPECT_EQ(str(d, "level"), "0");
  EXPECT_EQ(str(d, "handler"), "dept-fire");
}

// SPEC §4: attributes not declared in rules.json are ignored, and `severity` is one. Without the
// declaration the skip never applies, and `check` says so at the policy's severity_skip.
TEST(SeveritySkip, AnUndeclaredSeverityIsIgnored) {
  std::string rules = kRules;
  const std::string declared = R"("attributes": {"severity": "number"},)";
  ASSERT_NE(rules.find(declared), std::string::npos);
  rules.replace(rules.find(declared), declared.size(), R"("attributes": {},)");
  auto s = load(rules);
  ASSERT_TRUE(s);
  auto d = route("noise", "c1-a-01", "2026-11-18T10:00:00+08:00", R"({"severity": 9})", s);
  EXPECT_EQ(str(d, "status"), "routed");
  EXPECT_EQ(str(d, "level"), "0");
  EXPECT_EQ(str(d, "handler"), "squad-1");
  // Undeclared, even a number past double range is ignored rather than refused.
  EXPECT_EQ(str(route("noise", "c1-a-01", "2026-11-18T10:00:00+08:00", R"({"severity": 1e400})", s), "status"), "routed");
  std::vector<std::string> warned;
  for (const auto& w : gridroute::lint(*s))
    if (w.message.find("severity_skip") != std::string::npos) {
      warned.push_back(w.pointer + ": " + w.message);
      EXPECT_GT(w.line, 0) << w.to_string();  // placed at its line and column, as every finding of rules.json
      EXPECT_GT(w.column, 0) << w.to_string();
    }
  ASSERT_EQ(warned.size(), 2u) << "std and ladder skip";
  EXPECT_NE(warned[0].find("/severity_skip: severity_skip of policy"), std::string::npos) << warned[0];
  EXPECT_NE(warned[0].find("does not declare \"severity\""), std::string::npos) << warned[0];
  // Declared, the skip applies and nothing is said.
  for (const auto& w : gridroute::lint(*snap())) EXPECT_EQ(w.message.find("severity_skip"), std::string::npos) << w.message;
}

TEST(SeveritySkip, ACaseAtLevelZeroKeepsTheRoutedOwner) {
  CaseSpec c;
  c.attrs = R"({"severity": 7})";
  auto a = escalate(c);
  EXPECT_EQ(str(a, "action"), "hold");
  EXPECT_EQ(str(a, "level"), "0");
  EXPECT_EQ(str(a, "handler"), "squad-1");
  expect_time(a, "next_check", "2026-11-23T10:30:00+08:00");
}

// ---------------------------------------------------------------- which calendar

TEST(Calendars, LevelZeroUsesTheRulesCalendarFirst) {
  // rulecal: calendar `always`; the owner (council-c1a) has none.
  auto d = route("rulecal", "c1-a-01", "2026-11-21T10:00:00+08:00");  // Saturday
  expect_time(d, "respond_by", "2026-11-21T11:00:00+08:00");
  expect_time(d, "resolve_by", "2026-11-23T00:00:00+08:00");  // Sunday 24:00
  // estatecal: calendar `always` beats the owner's `late`.
  auto e = route("estatecal", "c1-a-01", "2026-11-21T21:00:00+08:00");
  EXPECT_EQ(str(e, "handler"), "pm-a");
  expect_time(e, "respond_by", "2026-11-21T22:00:00+08:00");
}

// --explain says how the deadlines were counted (durations, calendar and whose it is) and what each
// assist reference gave: a handler, none (and why), or one left out (the owner, one listed already).
TEST(Calendars, TheTraceSaysWhichCalendarAndDurationsCountedAndWhatEachAssistGave) {
  auto won = [](const std::string& category, const std::string& cell) {
    gridroute::LineCodec codec(snap(), {.explain = true});
    std::string out;
    codec.route_line(R"({"id": "I", "category": ")" + category + R"(", "cell": ")" + cell +
                         R"(", "at": "2026-11-18T10:00:00+08:00"})",
                     out);
    const json::value record = json::parse(out);
    for (const auto& t : record.at("trace").as_array())
      if (t.at("verdict") == "won") return t.as_object();
    return json::object{};
  };
  const json::object rulecal = won("rulecal", "c1-a-01");
  EXPECT_EQ(rulecal.at("deadlines").at("calendar"), "always");
  EXPECT_EQ(rulecal.at("deadlines").at("calendar_from"), "the rule");
  const json::object estate = won("estate", "c1-a-01");
  EXPECT_EQ(estate.at("deadlines").at("calendar"), "late");
  EXPECT_EQ(estate.at("deadlines").at("calendar_from"), "the owner");
  const json::object noise = won("noise", "c1-a-01");
  EXPECT_EQ(noise.at("deadlines").at("respond"), "1h");
  EXPECT_EQ(noise.at("deadlines").at("resolve"), "1wd");
  EXPECT_EQ(noise.at("deadlines").at("calendar"), "gov");
  EXPECT_EQ(noise.at("deadlines").at("calendar_from"), "defaults.calendar");
  EXPECT_EQ(json::serialize(noise.at("assists")),
            R"([{"reference":"resident_council","handler":"council-c1a"},)"
            R"({"reference":"partner_department/urban","handler":"dept-urban"}])");
  // A rule without assists lists none.
  EXPECT_EQ(won("dispute", "c1-a-01").at("assists").as_array().size(), 0u);
  // The assists of noise on a bundle where no council serves c2, and the urban department is the owner.
  std::string rules = kRules;
  rules.replace(rules.find(R"("route": ["enforcement_squad"], "sla": {"respond": "1h")"),
                std::string_view(R"("route": ["enforcement_squad"])").size(),
                R"("route": [{"role": "partner_department", "department": "urban"}])");
  std::string jur = kJur;
  jur.erase(jur.find(R"({"id": "council-c2")"), std::string(R"({"id": "council-c2", "role": "resident_council", "serves": ["c2"]},)").size());
  auto other = gridroute::load_bundle(fixture::sources(jur, rules));
  ASSERT_TRUE(other.ok()) << other.status();
  gridroute::LineCodec codec(*other, {.explain = true});
  std::string out;
  codec.route_line(R"({"id": "I", "category": "noise", "cell": "c2-01", "at": "2026-11-18T10:00:00+08:00"})", out);
  EXPECT_NE(out.find(R"("assists": [{"reference": "resident_council", "handler": null, "why": "no handler of it serves )"
                     R"(the cell or its ancestors"}, {"reference": "partner_department/urban", "handler": "dept-urban", )"
                     R"("why": "the owner: left out"}])"),
            std::string::npos) << out;
}

TEST(Calendars, LevelZeroUsesTheOwnersCalendarNext) {
  // estate: no rule calendar; pm-a works on `late` (10:00–20:00 every day).
  auto d = route("estate", "c1-a-01", "2026-11-21T19:00:00+08:00");
  EXPECT_EQ(str(d, "handler"), "pm-a");
  expect_time(d, "respond_by", "2026-11-22T11:00:00+08:00");
  expect_time(d, "resolve_by", "2026-11-24T20:00:00+08:00");
  // c1-a-02 has no property manager: the council (no calendar) owns it, on defaults.calendar.
  auto g = route("estate", "c1-a-02", "2026-11-21T19:00:00+08:00");
  EXPECT_EQ(str(g, "handler"), "council-c1a");
  expect_time(g, "respond_by", "2026-11-23T11:00:00+08:00");
  expect_time(g, "resolve_by", "2026-11-25T17:00:00+08:00");
  // And for a case at level 0.
  CaseSpec c;
  c.category = "estate";
  c.at = "2026-11-21T19:00:00+08:00";
  auto a = escalate(c, "2026-11-22T10:30:00+08:00");
  EXPECT_EQ(str(a, "action"), "hold");
  expect_time(a, "next_check", "2026-11-22T11:00:00+08:00");
}

TEST(Calendars, AHigherLevelIgnoresTheRulesCalendar) {
  // rulecal (calendar `always`) skipped to level 2: dept-urban has no calendar, so defaults.calendar.
  auto d = route("rulecal", "c1-a-01", "2026-11-21T10:00:00+08:00", R"({"severity": 5})");
  EXPECT_EQ(str(d, "level"), "2");
  expect_time(d, "respond_by", "2026-11-23T17:00:00+08:00");
  expect_time(d, "resolve_by", "2026-11-27T17:00:00+08:00");
  CaseSpec c;
  c.category = "rulecal";
  c.level = 2;
  c.attrs = R"({"severity": 5})";
  c.at = "2026-11-21T10:00:00+08:00";
  auto a = escalate(c, "2026-11-22T10:00:00+08:00");
  EXPECT_EQ(str(a, "action"), "hold");
  expect_time(a, "next_check", "2026-11-23T17:00:00+08:00");
}

TEST(Calendars, AHigherLevelUsesItsOwnersCalendar) {
  // fire: level 1 is dept-fire on `always`; 1wd from Monday 10:00 ends at Tuesday 24:00.
  CaseSpec c;
  c.category = "fire";
  c.at = "2026-11-23T09:00:00+08:00";  // respond 15m missed
  auto a = escalate(c);
  EXPECT_EQ(str(a, "action"), "escalate");
  EXPECT_EQ(str(a, "handler"), "dept-fire");
  expect_time(a, "respond_by", "2026-11-23T11:00:00+08:00");
  expect_time(a, "resolve_by", "2026-11-25T00:00:00+08:00");
  // On a Saturday too: `always` works weekends.
  CaseSpec s = c;
  s.at = "2026-11-21T09:00:00+08:00";
  auto b = escalate(s, "2026-11-21T10:00:00+08:00");
  expect_time(b, "respond_by", "2026-11-21T11:00:00+08:00");
  expect_time(b, "resolve_by", "2026-11-23T00:00:00+08:00");
}

TEST(Calendars, EscalatedDeadlinesOfAPlainLevelUseDefaults) {
  // From Saturday: level 1 (council-c1, no calendar) counts on `gov`.
  CaseSpec c;
  c.at = "2026-11-21T08:00:00+08:00";
  auto a = escalate(c, "2026-11-21T10:00:00+08:00");
  EXPECT_EQ(str(a, "action"), "escalate");
  expect_time(a, "respond_by", "2026-11-23T17:00:00+08:00");
  expect_time(a, "resolve_by", "2026-11-25T17:00:00+08:00");
}

}  // namespace

// ---- escalate --explain: what was compared, and why the action follows

namespace {
std::string file_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}
}  // namespace

// Every action of the demo bundle's and the shared examples' cases explains itself: the rule and the
// level's owner, then each deadline or count that gave a reason, then where the case went.
TEST(EscalationExplain, EveryActionSaysWhatWasComparedAndWhy) {
  std::vector<std::string> dirs = {std::string(GRIDROUTE_SOURCE_DIR) + "/examples/lanxi",
                                   std::string(GRIDROUTE_SOURCE_DIR) + "/examples/xincheng"};
  for (const char* shared : {"/examples/shuangcheng", "/examples-1.1/lianshi"})
    if (std::ifstream(std::string(GRIDROUTE_SHARED_DIR) + shared + "/NOW.txt")) dirs.push_back(std::string(GRIDROUTE_SHARED_DIR) + shared);
  std::size_t checked = 0;
  for (const std::string& dir : dirs) {
    auto snap = gridroute::load_bundle(dir);
    ASSERT_TRUE(snap.ok()) << dir << ": " << snap.status();
    std::string now_text = file_text(dir + "/NOW.txt");
    while (!now_text.empty() && std::isspace(static_cast<unsigned char>(now_text.back()))) now_text.pop_back();
    gridroute::LineCodec codec(*snap, {.explain = true});
    std::string out;
    codec.escalate_text(file_text(dir + "/cases.jsonl"), *gridroute::parse_rfc3339(now_text), out);
    std::istringstream lines(out);
    for (std::string line; std::getline(lines, line);) {
      json::object a = json::parse(line).as_object();
      const std::string kind(a.at("action").as_string());
      if (kind == "rejected") continue;
      SCOPED_TRACE(dir + ": " + line);
      std::vector<std::string> steps;
      for (const auto& t : a.at("trace").as_array()) steps.emplace_back(t.as_string());
      auto has = [&](const std::string& part) {
        return std::any_of(steps.begin(), steps.end(), [&](const std::string& t) { return t.find(part) != std::string::npos; });
      };
      ASSERT_FALSE(steps.empty());
      EXPECT_TRUE(has("under ")) << "the rule the case is under";
      EXPECT_TRUE(has("started ")) << "the current level, its start and owner";
      std::set<std::string> reasons;
      for (const auto& r : a.at("reasons").as_array()) reasons.emplace(r.as_string());
      if (reasons.count("missed_respond")) EXPECT_TRUE(has("respond due ") && has(": missed"));
      if (reasons.count("missed_resolve")) EXPECT_TRUE(has("resolve due "));
      if (reasons.count("repeat_reports")) EXPECT_TRUE(has(", at least the policy's repeat_reports"));
      if (reasons.count("low_rating")) EXPECT_TRUE(has("below the policy's rating_below"));
      if (kind == "escalate") EXPECT_TRUE(has("escalated to level " + json::serialize(a.at("level")) + " ("));
      if (kind == "reopen") EXPECT_TRUE(has("reopened at level " + json::serialize(a.at("level")) + " ("));
      if (kind == "none") EXPECT_TRUE(has("nothing to do"));
      if (kind == "overdue")
        EXPECT_TRUE(has("no level above the current one resolves a handler") || has("the policy has no level above") ||
                    has("no escalation policy: no level to go to"));
      if (kind == "hold") {
        EXPECT_FALSE(has(": missed")) << "a hold misses nothing";
        const std::string last = steps.back();
        if (a.at("next_check").is_null()) EXPECT_EQ(last, "nothing is missed: hold, with no deadline left to check");
        else EXPECT_EQ(last, "nothing is missed: hold until " + std::string(a.at("next_check").as_string()));
      }
      ++checked;
    }
  }
  EXPECT_GT(checked, 30u);
}

namespace {

// SPEC §3.5 passes over a level that resolves no handler for the cell, and §2 lists no error for a level
// whose roles no handler has anywhere: such a bundle loads, escalation skips that level for every cell,
// and `check` warns about it at the level's route.
TEST(Escalation, ALevelNoHandlerCouldOwnIsPassedOverAndWarnedAbout) {
  const std::string rules = R"({
  "format": "gridroute.rules/1",
  "roles": ["mediator"],
  "calendars": [{"id": "gov", "weekdays": [1, 2, 3, 4, 5], "hours": [["09:00", "17:00"]]},
                {"id": "always", "weekdays": [1, 2, 3, 4, 5, 6, 7], "hours": [["00:00", "24:00"]]},
                {"id": "late", "weekdays": [1, 2, 3, 4, 5, 6, 7], "hours": [["10:00", "20:00"]]}],
  "defaults": {"calendar": "gov", "sla": {"respond": "2wh", "resolve": "3wd"}, "escalation": "std"},
  "rules": [{"id": "noise", "categories": ["noise"], "route": ["enforcement_squad"]}],
  "escalation_policies": [{"id": "std", "levels": [
    {"name": "grid"},
    {"name": "joint", "tier": "town", "route": [{"role": "partner_department", "department": "nobody"}]},
    {"name": "council", "tier": "community", "route": ["resident_council"]}
  ]}]
})";
  auto loaded = gridroute::load_bundle(fixture::sources(kJur, rules));
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  const gridroute::Snapshot& s = **loaded;
  gridroute::Case c;
  c.issue.id = "C1";
  c.issue.category = "noise";
  c.issue.cell = "c1-a-01";
  c.issue.at = *gridroute::parse_rfc3339("2026-11-16T10:00:00+08:00");
  c.level_started_at = c.issue.at;
  const gridroute::Action a = s.escalate(c, *gridroute::parse_rfc3339("2026-11-23T10:00:00+08:00"));
  EXPECT_EQ(a.kind, gridroute::Action::Kind::escalate);
  EXPECT_EQ(a.level, 2);
  EXPECT_EQ(s.handler_id(a.handler), "council-c1");
  c.level = 2;
  EXPECT_EQ(s.escalate(c, *gridroute::parse_rfc3339("2026-11-23T10:00:00+08:00")).kind,
            gridroute::Action::Kind::overdue);

  bool warned = false;
  for (const gridroute::Diagnostic& d : gridroute::lint(s))
    if (d.pointer == "/escalation_policies/0/levels/1/route") {
      warned = true;
      EXPECT_EQ(d.severity, gridroute::Diagnostic::Severity::warning);
      EXPECT_EQ(d.line, 11);
      EXPECT_NE(d.message.find("level \"joint\" of policy 'std' can never resolve"), std::string::npos) << d.message;
    }
  EXPECT_TRUE(warned);
}

// References of roles no handler has never resolve: the lists an escalation tries (a level's route and
// assists, a rule's route and assists, at a re-dispatch too) leave them out, derived on open, and every
// case gets the answer of the bundle without them.
TEST(Escalation, ReferencesOfRolesNoHandlerHasChangeNoAnswer) {
  auto padded_rules = [](std::string r) {
    auto pad = [&](const std::string& from, const std::string& to) {
      const auto at = r.find(from);
      ASSERT_NE(at, std::string::npos) << from;
      r.replace(at, from.size(), to);
    };
    pad(R"("roles": ["mediator"])", R"("roles": ["mediator", "nobody"])");
    const std::string none = R"("nobody", {"role": "partner_department", "department": "nowhere"}, )";
    pad(R"("route": ["enforcement_squad"], "sla")", R"("route": [)" + none + R"("enforcement_squad"], "sla")");
    pad(R"("assist": ["resident_council", )", R"("assist": [)" + none + none + R"("resident_council", "nobody", )");
    pad(R"("tier": "area", "route": ["mediator"])", R"("tier": "area", "route": [)" + none + R"("mediator"], "assist": [)" +
                                                        none + R"("nobody"])");
    pad(R"("tier": "community", "route": ["resident_council"], "respond": "1wd", "resolve": "3wd"},
      {"name": "town")",
        R"("tier": "community", "route": [)" + none + R"("resident_council", "nobody"], "respond": "1wd", "resolve": "3wd"},
      {"name": "town")");
    return r;
  };
  const std::string rules = padded_rules(kRules);
  auto padded = load(rules);
  ASSERT_TRUE(padded);
  const gridroute::detail::Index& ix = padded->index();
  const gridroute::detail::CompiledPolicy& ladder = ix.policies[static_cast<std::size_t>(ix.policy_index.at("ladder"))];
  EXPECT_EQ(ladder.levels[1].route.size(), 3u);  // the policy itself keeps every reference
  EXPECT_EQ(ix.keys(ix.keys_of_level(ladder, 1).route).size(), 1u);
  EXPECT_EQ(ladder.levels[1].assist.size(), 3u);
  EXPECT_EQ(ix.keys(ix.keys_of_level(ladder, 1).assist).size(), 0u);
  EXPECT_EQ(ix.keys(ix.keys_of_level(ladder, 2).route).size(), 1u);
  EXPECT_EQ(ix.assist_keys(ix.find_rule("noise")).size(), 2u);

  std::size_t compared = 0;
  for (const char* category : {"noise", "dispute", "tail", "estate", "quiet"})
    for (const char* cell : {"c1-a-01", "c1-a-02", "c1-b-01", "c2-01"})
      for (int level = 0; level <= 3; ++level)
        for (const char* returned : {"", "squad-1", "council-c1", "mediator-b"}) {
          CaseSpec c;
          c.category = category;
          c.cell = cell;
          c.level = level;
          c.at = "2026-11-16T09:30:00+08:00";  // a week before kNow: every deadline missed
          std::string line = line_of(c);
          if (*returned)
            line.insert(line.size() - 1, std::string(R"(, "returned": [{"handler": ")") + returned +
                                             R"(", "at": "2026-11-20T10:00:00+08:00"}])");
          json::object base = escalate_line(line), mine = escalate_line(line, kNow, padded);
          base.erase("bundle");
          mine.erase("bundle");
          EXPECT_EQ(json::serialize(mine), json::serialize(base)) << line;
          ++compared;
        }
  EXPECT_EQ(compared, 320u);
}

}  // namespace
