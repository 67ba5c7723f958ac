// The case lifecycle (SPEC §6) as a user sees it through JSON Lines: the bundle digest, the fallback
// owner, pins, returns, suspensions and extensions, their errors, and the explain trace. The golden
// example (examples-1.1/lianshi) is compared line by line in golden_test.cpp.
#include <string>
#include <vector>

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include "fixture.hpp"
#include "gridroute/engine.hpp"
#include "gridroute/jsonl.hpp"

namespace {
namespace json = boost::json;

const std::string kHandlers = R"([
    {"id": "squad-1", "role": "enforcement_squad", "serves": ["c1", "c2"]},
    {"id": "squad-1b", "role": "enforcement_squad", "serves": ["c1"]},
    {"id": "council-c1", "role": "resident_council", "serves": ["c1"]},
    {"id": "council-c2", "role": "resident_council", "serves": ["c2"]},
    {"id": "pm-a", "role": "property_manager", "serves": ["c1-a-01"]},
    {"id": "dept-urban", "role": "partner_department", "department": "urban", "serves": ["town"]},
    {"id": "centre", "role": "governance_center", "serves": ["town"], "calendar": "duty"}
  ])";

std::string rules(const std::string& fallback = R"(, "fallback": "centre")") {
  return R"({
  "format": "gridroute.rules/1",
  "roles": ["governance_center"],
  "calendars": [
    {"id": "gov", "weekdays": [1, 2, 3, 4, 5], "hours": [["09:00", "17:00"]]},
    {"id": "duty", "weekdays": [1, 2, 3, 4, 5, 6, 7], "hours": [["08:00", "20:00"]]}
  ],
  "defaults": {"calendar": "gov", "sla": {"respond": "2h", "resolve": "2d"}, "escalation": "std")" +
         fallback + R"(},
  "rules": [
    {"id": "vending", "categories": ["street.vending"], "route": ["enforcement_squad"], "assist": ["property_manager"]},
    {"id": "clutter", "categories": ["nuisance.clutter"], "route": ["property_manager"]}
  ],
  "escalation_policies": [{"id": "std", "levels": [
    {"name": "grid"},
    {"name": "community", "tier": "community", "route": ["resident_council"], "respond": "4h", "resolve": "3d",
     "assist": ["enforcement_squad", {"role": "partner_department", "department": "urban"}]}
  ]}]
})";
}

std::shared_ptr<const gridroute::Snapshot> load(const std::string& rules_json, std::vector<gridroute::Diagnostic>* d = nullptr) {
  auto s = gridroute::load_bundle(fixture::sources(fixture::town(kHandlers), rules_json), d);
  return s.ok() ? *s : nullptr;
}

json::object one(const std::shared_ptr<const gridroute::Snapshot>& s, const std::string& line, bool is_case,
                 bool explain = false) {
  gridroute::LineCodec codec(s, {.explain = explain});
  std::string out;
  if (is_case) codec.escalate_line(line, *gridroute::parse_rfc3339("2026-11-18T10:00:00+08:00"), out);  // a Wednesday
  else codec.route_line(line, out);
  return json::parse(out).as_object();
}

std::string kase(const std::string& category, const std::string& cell, const std::string& extra, int level = 0,
                 const std::string& started = "2026-11-18T09:00:00+08:00", bool responded = false) {
  return R"({"id": "K", "category": ")" + category + R"(", "cell": ")" + cell +
         R"(", "at": "2026-11-18T09:00:00+08:00", "level": )" + std::to_string(level) + R"(, "level_started_at": ")" +
         started + R"(", "responded": )" + (responded ? "true" : "false") + R"(, "reports": 0, "status": "open")" +
         extra + "}";
}

TEST(Lifecycle, TheDigestIsTheSameForTheSameFilesAndChangesWithAnyByte) {
  auto a = load(rules()), b = load(rules());
  ASSERT_TRUE(a && b);
  EXPECT_EQ(a->digest(), b->digest());
  EXPECT_EQ(a->digest().size(), 16u);
  EXPECT_EQ(a->digest().find_first_not_of("0123456789abcdef"), std::string_view::npos);
  // One byte of rules.json, one byte of jurisdiction.json (a space), one byte of a CSV file.
  std::string r = rules();
  r[r.find("\"clutter\"") + 1] = 'C';
  auto c = load(r);
  ASSERT_TRUE(c);
  EXPECT_NE(c->digest(), a->digest());
  auto j = gridroute::load_bundle(fixture::sources(fixture::town(kHandlers) + " ", rules()));
  ASSERT_TRUE(j.ok());
  EXPECT_NE((*j)->digest(), a->digest());
  auto with_csv = [&](const std::string& csv) {
    auto s = gridroute::load_bundle(fixture::sources(fixture::town(kHandlers, R"(, "units_csv": "u.csv")", false), rules(),
                                                     {{"u.csv", csv}}));
    EXPECT_TRUE(s.ok()) << s.status();
    return s.ok() ? std::string((*s)->digest()) : std::string();
  };
  const std::string u1 = with_csv("id,parent,tier,name\nc2-01,c2,cell,A\n");
  EXPECT_EQ(u1, with_csv("id,parent,tier,name\nc2-01,c2,cell,A\n"));
  EXPECT_NE(u1, with_csv("id,parent,tier,name\nc2-01,c2,cell,B\n"));
  // Every answer carries it, rejected ones too.
  EXPECT_EQ(one(a, R"({"id": "x"})", false).at("bundle").as_string(), a->digest());
  EXPECT_EQ(one(a, kase("street.vending", "c1-a-01", ""), true).at("bundle").as_string(), a->digest());
}

TEST(Lifecycle, WhatNoRuleRoutesGoesToTheFallbackOwnerAndTheTraceSaysSo) {
  auto s = load(rules());
  ASSERT_TRUE(s);
  auto d = one(s, R"({"id": "F", "category": "no.rule.here", "cell": "c1-a-01", "at": "2026-11-21T21:00:00+08:00"})",
               false, true);
  EXPECT_EQ(d.at("status"), "routed");
  EXPECT_TRUE(d.at("rule").is_null());
  EXPECT_EQ(d.at("fallback"), true);
  EXPECT_EQ(d.at("handler"), "centre");
  EXPECT_EQ(d.at("unit"), "town");
  EXPECT_EQ(d.at("level"), 0);
  EXPECT_EQ(d.at("escalation"), "std");
  // defaults.sla on the centre's duty calendar (08:00-20:00 every day): elapsed 2h from 21:00.
  EXPECT_EQ(d.at("respond_by"), "2026-11-21T23:00:00+08:00");
  const auto& trace = d.at("trace").as_array();
  ASSERT_FALSE(trace.empty());
  EXPECT_EQ(trace.back().at("verdict"), "fallback");
  EXPECT_EQ(trace.back().at("handler"), "centre");
  // Without a fallback: unrouted as before.
  auto plain = load(rules(""));
  ASSERT_TRUE(plain);
  EXPECT_EQ(one(plain, R"({"id": "F", "category": "no.rule.here", "cell": "c1-a-01", "at": "2026-11-21T21:00:00+08:00"})",
                false).at("status"), "unrouted");
}

TEST(Lifecycle, AFallbackThatNamesNoHandlerIsABundleError) {
  std::vector<gridroute::Diagnostic> diags;
  EXPECT_FALSE(load(rules(R"(, "fallback": "nobody")"), &diags));
  ASSERT_FALSE(diags.empty());
  EXPECT_EQ(diags[0].pointer, "/defaults/fallback");
  EXPECT_NE(diags[0].message.find("nobody"), std::string::npos) << diags[0].to_string();
  EXPECT_GT(diags[0].line, 0);
}

TEST(Lifecycle, ReturnsRedispatchThenDisputeWithTheHandlersPassedOver) {
  auto s = load(rules());
  ASSERT_TRUE(s);
  // squad-1 owns street.vending in c1 (first in jurisdiction order); returned, squad-1b takes it.
  auto a = one(s, kase("street.vending", "c1-a-01", R"(, "returned": [{"handler": "squad-1", "at": "2026-11-18T09:30:00+08:00"}])"),
               true, true);
  EXPECT_EQ(a.at("action"), "redispatch");
  EXPECT_EQ(a.at("handler"), "squad-1b");
  EXPECT_EQ(a.at("reasons"), json::array{"returned"});
  EXPECT_EQ(a.at("assist"), json::array{"pm-a"});
  EXPECT_NE(json::serialize(a.at("trace")).find("passed over: squad-1"), std::string::npos) << a;
  // Both squads returned: the fallback owner; all three: a dispute without an owner.
  auto b = one(s, kase("street.vending", "c1-a-01", R"(, "returned": [{"handler": "squad-1", "at": "2026-11-18T09:30:00+08:00"},
      {"handler": "squad-1b", "at": "2026-11-18T09:40:00+08:00"}])"), true);
  EXPECT_EQ(b.at("handler"), "centre");
  auto c = one(s, kase("street.vending", "c1-a-01", R"(, "returned": [{"handler": "squad-1", "at": "2026-11-18T09:30:00+08:00"},
      {"handler": "squad-1b", "at": "2026-11-18T09:40:00+08:00"}, {"handler": "centre", "at": "2026-11-18T09:50:00+08:00"}])"),
               true, true);
  EXPECT_EQ(c.at("action"), "dispute");
  EXPECT_TRUE(c.at("handler").is_null());
  EXPECT_TRUE(c.at("role").is_null());
  EXPECT_TRUE(c.at("unit").is_null());  // every owner field is there, null
  EXPECT_NE(json::serialize(c.at("trace")).find("dispute"), std::string::npos) << c;
  // A return by someone who does not own the case changes nothing.
  EXPECT_EQ(one(s, kase("street.vending", "c1-a-01", R"(, "returned": [{"handler": "squad-1b", "at": "2026-11-18T09:30:00+08:00"}])"),
                true).at("action"), "hold");
}

// A case returned by thousands of the handlers that could take it goes to the one left: each candidate is
// looked for among the returns once, by a search (20,000 returns over as many candidates were a scan of
// the returns for each candidate, seconds a line).
TEST(Lifecycle, ACaseReturnedByThousandsOfHandlersGoesToTheOneLeft) {
  constexpr int kMany = 20'000;
  std::string handlers = R"([{"id": "centre", "role": "governance_center", "serves": ["town"]})";
  std::string returned;
  for (int i = 0; i < kMany; ++i) {
    const std::string id = "sq-" + std::to_string(i);
    handlers += R"(, {"id": ")" + id + R"(", "role": "enforcement_squad", "serves": ["c1"]})";
    if (i + 1 < kMany) returned += std::string(returned.empty() ? "" : ", ") + R"({"handler": ")" + id + R"(", "at": "2026-11-18T09:30:00+08:00"})";
  }
  handlers += "]";
  auto s = gridroute::load_bundle(fixture::sources(fixture::town(handlers), rules()));
  ASSERT_TRUE(s.ok()) << s.status();
  gridroute::LineCodec codec(*s, {.max_line_bytes = std::size_t{16} << 20});
  std::string out;
  codec.escalate_line(kase("street.vending", "c1-a-01", R"(, "handler": "sq-0", "returned": [)" + returned + "]"),
                      *gridroute::parse_rfc3339("2026-11-18T10:00:00+08:00"), out);
  const json::object a = json::parse(out).as_object();
  EXPECT_EQ(a.at("action"), "redispatch") << out.substr(0, 500);
  EXPECT_EQ(a.at("handler").as_string(), "sq-" + std::to_string(kMany - 1));
}

// Levels passed over because they resolve no handler: a few are each named in the trace, a run of more is
// one step (a policy of thousands of such levels wrote a step a level, megabytes a case).
TEST(Lifecycle, ARunOfLevelsThatResolveNoHandlerIsOneStepOfTheTrace) {
  for (const int empty : {3, 40}) {
    std::string levels = R"({"name": "grid"})";
    for (int l = 1; l <= empty; ++l)
      levels += R"(, {"name": "l)" + std::to_string(l) + R"(", "tier": "community", "route": [{"role": "partner_department", "department": "none"}]})";
    levels += R"(, {"name": "top", "tier": "town", "route": ["governance_center"]})";
    const std::string r = R"({"format": "gridroute.rules/1", "roles": ["governance_center"],
      "calendars": [{"id": "gov", "weekdays": [1, 2, 3, 4, 5, 6, 7], "hours": [["00:00", "24:00"]]},
                    {"id": "duty", "weekdays": [1, 2, 3, 4, 5, 6, 7], "hours": [["08:00", "20:00"]]}],
      "defaults": {"calendar": "gov", "sla": {"respond": "30m", "resolve": "2d"}, "escalation": "deep"},
      "rules": [{"id": "vending", "categories": ["street.vending"], "route": ["enforcement_squad"]}],
      "escalation_policies": [{"id": "deep", "levels": [)" + levels + "]}]}";
    std::vector<gridroute::Diagnostic> d;
    auto s = load(r, &d);
    ASSERT_TRUE(s) << (d.empty() ? std::string() : d.front().to_string());
    auto a = one(s, kase("street.vending", "c1-a-01", ""), true, true);
    EXPECT_EQ(a.at("action"), "escalate") << a;
    EXPECT_EQ(a.at("level"), empty + 1) << a;
    const std::string t = json::serialize(a.at("trace"));
    if (empty <= 3) {
      EXPECT_NE(t.find("level 1 (l1) resolves no handler: skipped"), std::string::npos) << t;
      EXPECT_NE(t.find("level 3 (l3) resolves no handler: skipped"), std::string::npos) << t;
    } else {
      EXPECT_NE(t.find("levels 1 (l1) to 40 (l40) resolve no handler: 40 skipped"), std::string::npos) << t;
      EXPECT_EQ(t.find("level 2 (l2)"), std::string::npos) << t;
    }
  }
}

TEST(Lifecycle, PinsAreKeptWhileTheBundleHasThemAndRepinnedOtherwise) {
  auto s = load(rules());
  ASSERT_TRUE(s);
  // A pinned rule is kept although it does not match the category; the owner comes from its route.
  auto a = one(s, kase("street.vending", "c1-a-01", R"(, "rule": "clutter")"), true);
  EXPECT_EQ(a.at("handler"), "pm-a");
  EXPECT_FALSE(a.contains("repinned"));
  // A pinned owner is kept although it does not serve the cell.
  EXPECT_EQ(one(s, kase("street.vending", "c2-01", R"(, "handler": "pm-a")"), true).at("handler"), "pm-a");
  // What the bundle no longer has: selected and resolved again, and said so.
  auto b = one(s, kase("street.vending", "c1-a-01", R"(, "rule": "gone", "handler": "gone-too")"), true);
  EXPECT_EQ(b.at("handler"), "squad-1");
  EXPECT_EQ(b.at("repinned"), true);
  // Whatever the action (a hold here), a re-pinning answer names the rule selected again, so that the
  // platform pins it with the handler; with --explain too.
  EXPECT_EQ(b.at("action"), "hold");
  const auto* rule = b.if_contains("rule");
  ASSERT_TRUE(rule && rule->is_string()) << b;
  EXPECT_EQ(*rule, one(s, kase("street.vending", "c1-a-01", R"(, "rule": "gone", "handler": "gone-too")"), true, true).at("rule"));
  // A kept pin adds no rule to a hold.
  EXPECT_FALSE(a.contains("rule"));
}

// A case pinned to its owner and to a rule the bundle no longer has is evaluated without copying its
// attributes, until the rule must be selected again: then the conditions read them as for routing. The
// rule shows in the deadline: big-vending's respond is 30m (missed at 10:00), vending's 2h (not yet).
TEST(Lifecycle, ARuleSelectedAgainForAPinnedOwnerReadsTheAttributes) {
  std::string r = rules();
  r.insert(r.find(R"("rules": [)"), R"("attributes": {"households": "number"}, )");
  r.insert(r.find(R"({"id": "vending")"),
           R"({"id": "big-vending", "priority": 10, "categories": ["street.vending"], "route": ["resident_council"],
               "when": {"attr": "households", "ge": 100}, "sla": {"respond": "30m", "resolve": "1d"}}, )");
  auto s = load(r);
  ASSERT_TRUE(s);
  auto pinned = [&](const std::string& households, const std::string& rule) {
    return one(s, kase("street.vending", "c1-a-01",
                       R"(, "attrs": {"households": )" + households + R"(}, "rule": ")" + rule + R"(", "handler": "squad-1")"),
               true);
  };
  // Pinned to a rule that is gone: selected again, and the condition on households holds.
  auto a = pinned("120", "gone");
  EXPECT_EQ(a.at("action"), "escalate");
  EXPECT_EQ(a.at("repinned"), true);
  // The same case unpinned selects the same rule (its owner is the council, so it is compared on the action).
  EXPECT_EQ(one(s, kase("street.vending", "c1-a-01", R"(, "attrs": {"households": 120})"), true).at("action"), "escalate");
  // With fewer households the other rule: its 2h respond is not yet due.
  auto b = pinned("20", "gone");
  EXPECT_EQ(b.at("action"), "hold");
  EXPECT_EQ(b.at("handler"), "squad-1");  // the pinned owner is kept
  // A rule that is kept reads no attribute, but they are still checked: a wrong type rejects the case.
  EXPECT_EQ(pinned("120", "vending").at("action"), "hold");
  auto bad = pinned(R"("many")", "vending");
  EXPECT_EQ(bad.at("action"), "rejected");
  EXPECT_NE(std::string(bad.at("error").as_string()).find("households"), std::string::npos) << bad;
}

TEST(Lifecycle, SuspensionsStopTheClockAndExtensionsMoveTheResolveDue) {
  auto s = load(rules());
  ASSERT_TRUE(s);
  // Suspended now, until a time: next_check is its end; open-ended: null.
  auto a = one(s, kase("street.vending", "c1-a-01", R"(, "suspended": [{"from": "2026-11-18T09:10:00+08:00", "to": "2026-11-19T09:00:00+08:00"}])"), true);
  EXPECT_EQ(a.at("action"), "suspended");
  EXPECT_EQ(a.at("next_check"), "2026-11-19T09:00:00+08:00");
  EXPECT_TRUE(one(s, kase("street.vending", "c1-a-01", R"(, "suspended": [{"from": "2026-11-18T09:10:00+08:00", "to": null}])"), true)
                  .at("next_check").is_null());
  // Over: the respond due (09:00 + 2h) moves by the 30 minutes the clock stood.
  auto b = one(s, kase("street.vending", "c1-a-01", R"(, "suspended": [{"from": "2026-11-18T09:10:00+08:00", "to": "2026-11-18T09:40:00+08:00"}])"), true);
  EXPECT_EQ(b.at("action"), "hold");
  EXPECT_EQ(b.at("next_check"), "2026-11-18T11:30:00+08:00");
  // extended_to moves the resolve due only.
  auto c = one(s, kase("street.vending", "c1-a-01", R"(, "extended_to": "2026-11-25T12:00:00+08:00")", 0,
                       "2026-11-18T09:00:00+08:00", true),
               true);
  EXPECT_EQ(c.at("next_check"), "2026-11-25T12:00:00+08:00") << c;
}

// The trace says what the suspensions and the extension did, each only when it did something: a due
// moved (and from where, by how much), a suspension that does not count, an extension with no effect.
TEST(Lifecycle, TheTraceSaysWhatSuspensionsAndExtensionsDid) {
  auto s = load(rules());
  ASSERT_TRUE(s);
  auto trace = [&](const std::string& extra, bool responded = false) {
    return json::serialize(one(s, kase("street.vending", "c1-a-01", extra, 0, "2026-11-18T09:00:00+08:00", responded),
                               true, true).at("trace"));
  };
  const std::string moved = trace(R"(, "suspended": [{"from": "2026-11-18T09:10:00+08:00", "to": "2026-11-18T09:40:00+08:00"}])");
  EXPECT_NE(moved.find("respond due 2026-11-18T11:30:00+08:00 (2026-11-18T11:00:00+08:00 on the calendar, moved 30m "
                       "later by the suspensions): not yet due"), std::string::npos) << moved;
  const std::string later = trace(R"(, "suspended": [{"from": "2026-11-19T09:00:00+08:00", "to": "2026-11-20T09:00:00+08:00"}])");
  EXPECT_NE(later.find("the suspension from 2026-11-19T09:00:00+08:00 begins after now: not counted"), std::string::npos) << later;
  EXPECT_EQ(later.find("moved"), std::string::npos) << later;
  const std::string before = trace(R"(, "suspended": [{"from": "2026-11-17T09:00:00+08:00", "to": "2026-11-17T10:00:00+08:00"}])");
  EXPECT_NE(before.find("ended before the level started: not counted"), std::string::npos) << before;
  const std::string no_effect = trace(R"(, "extended_to": "2026-11-18T12:00:00+08:00")", true);
  EXPECT_NE(no_effect.find("(extended_to 2026-11-18T12:00:00+08:00 is not later: no effect)"), std::string::npos) << no_effect;
  const std::string extended = trace(R"(, "extended_to": "2026-11-25T12:00:00+08:00")", true);
  EXPECT_NE(extended.find("resolve due 2026-11-25T12:00:00+08:00 (extended to it by extended_to, from "
                          "2026-11-20T09:00:00+08:00): not yet due"), std::string::npos) << extended;
  EXPECT_EQ(trace("").find("suspension"), std::string::npos);
  const std::string other = trace(R"(, "returned": [{"handler": "squad-1b", "at": "2026-11-18T09:30:00+08:00"}])");
  EXPECT_NE(other.find("returned by handlers other than its owner: no re-dispatch"), std::string::npos) << other;
}

// A dispute's trace speaks of the fallback owner only when the bundle has one.
TEST(Lifecycle, ADisputeWithoutAFallbackOwnerSaysThereIsNone) {
  auto s = load(rules(""));
  ASSERT_TRUE(s);
  auto a = one(s, kase("street.vending", "c1-a-01", R"(, "returned": [{"handler": "squad-1", "at": "2026-11-18T09:30:00+08:00"},
      {"handler": "squad-1b", "at": "2026-11-18T09:40:00+08:00"}])"), true, true);
  EXPECT_EQ(a.at("action"), "dispute");
  const std::string t = json::serialize(a.at("trace"));
  EXPECT_NE(t.find("the bundle has no fallback owner (defaults.fallback): a person must rule (dispute)"), std::string::npos) << t;
  EXPECT_EQ(t.find("the fallback owner included"), std::string::npos) << t;
}

TEST(Lifecycle, BadLifecycleFieldsAreRejectedNamingTheFieldAndTheBatchGoesOn) {
  auto s = load(rules());
  ASSERT_TRUE(s);
  const std::vector<std::pair<std::string, std::string>> bad = {
      {R"(, "rule": 7)", "field 'rule' must be a string"},
      {R"(, "handler": ["a"])", "field 'handler' must be a string"},
      {R"(, "returned": "squad-1")", "field 'returned' must be a list"},
      {R"(, "returned": [{"handler": "squad-1"}])", "missing field 'returned/0/at'"},
      {R"(, "returned": [{"handler": "squad-1", "at": "2026-11-18T09:30:00+08:00", "why": "x"}])", "unknown key 'why'"},
      {R"(, "returned": [{"handler": "squad-1", "at": "yesterday"}])", "field 'returned/0/at' must be an RFC 3339"},
      {R"(, "returned": [{"handler": 5, "at": "2026-11-18T09:30:00+08:00"}])", "field 'returned/0/handler' must be a string"},
      {R"(, "returned": [{"handler": "squad-1", "at": "2026-11-18T09:30:00+08:00", "reason": 1}])", "field 'returned/0/reason'"},
      {R"(, "suspended": [{"from": "2026-11-18T10:00:00+08:00", "to": "2026-11-18T10:00:00+08:00"}])",
       "field 'suspended/0/to' must be after its 'from'"},
      {R"(, "suspended": [{"to": "2026-11-18T10:00:00+08:00"}])", "missing field 'suspended/0/from'"},
      {R"(, "suspended": [{"from": "2026-11-18T10:00:00+08:00", "until": "x"}])", "unknown key 'until'"},
      {R"(, "suspended": {"from": "2026-11-18T10:00:00+08:00"})", "field 'suspended' must be a list"},
      {R"(, "suspended": ["2026-11-18T10:00:00+08:00"])", "field 'suspended/0' must be an object"},
      {R"(, "extended_to": "soon")", "field 'extended_to' must be an RFC 3339"},
  };
  std::string batch;
  for (const auto& [extra, _] : bad) batch += kase("street.vending", "c1-a-01", extra) + "\n";
  batch += kase("street.vending", "c1-a-01", "") + "\n";
  gridroute::LineCodec codec(s);
  std::string out;
  EXPECT_EQ(codec.escalate_text(batch, *gridroute::parse_rfc3339("2026-11-18T10:00:00+08:00"), out), bad.size());
  std::vector<json::object> records;
  for (std::size_t at = 0, nl; (nl = out.find('\n', at)) != std::string::npos; at = nl + 1)
    records.push_back(json::parse(out.substr(at, nl - at)).as_object());
  ASSERT_EQ(records.size(), bad.size() + 1);
  for (std::size_t i = 0; i < bad.size(); ++i) {
    SCOPED_TRACE(bad[i].first);
    EXPECT_EQ(records[i].at("action"), "rejected");
    EXPECT_EQ(records[i].at("id"), "K");
    EXPECT_NE(std::string(records[i].at("error").as_string()).find(bad[i].second), std::string::npos) << records[i];
  }
  EXPECT_EQ(records.back().at("action"), "hold");
}

TEST(Lifecycle, EveryLevelHasItsAssists) {
  auto s = load(rules());
  ASSERT_TRUE(s);
  // Missed: escalate to the community level, with its assists from c1 (the squad and the department).
  auto a = one(s, kase("street.vending", "c1-a-01", "", 0, "2026-11-10T09:00:00+08:00"), true);
  EXPECT_EQ(a.at("action"), "escalate") << a;
  EXPECT_EQ(a.at("handler"), "council-c1");
  EXPECT_EQ(a.at("assist"), (json::array{"squad-1", "dept-urban"}));
  EXPECT_EQ(a.at("rule"), "vending");
}

}  // namespace
