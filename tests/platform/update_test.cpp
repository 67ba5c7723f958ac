// What a worker writes back for each kind of answer (docs/platform.md, "What a worker does"), including
// the SPEC §6 actions (redispatch, dispute, suspended) and a pinned rule, from answer lines written by hand.
#include "platform/update.hpp"

#include <boost/json.hpp>
#include <gtest/gtest.h>

namespace {

using gridroute::platform::CaseUpdate;
using gridroute::platform::plan_update;
namespace json = boost::json;

constexpr const char* kNow = "2026-11-23T10:00:00+08:00";

json::object patch_of(const CaseUpdate& u) {
  EXPECT_TRUE(u.patch.has_value());
  return u.patch ? json::parse(*u.patch).as_object() : json::object{};
}

TEST(PlanUpdate, EscalateStartsTheNewLevelNowAndChecksAtItsFirstDeadline) {
  CaseUpdate u = plan_update(
      R"({"id": "C02", "action": "escalate", "level": 1, "handler": "council-chengnan", "role": "resident_council",)"
      R"( "reasons": ["missed_respond"], "respond_by": "2026-11-24T17:30:00+08:00", "resolve_by": "2026-11-26T17:30:00+08:00"})",
      kNow);
  EXPECT_EQ(u.action, "escalate");
  EXPECT_EQ(patch_of(u), (json::object{{"level", 1},
                                       {"level_started_at", kNow},
                                       {"responded", false},
                                       {"reports", 0},
                                       {"status", "open"},
                                       {"handler", "council-chengnan"}}));
  EXPECT_EQ(u.next_check, "2026-11-24T17:30:00+08:00");
  EXPECT_FALSE(u.bundle.has_value());
  EXPECT_EQ(u.warning, "");
}

TEST(PlanUpdate, TheEarlierDeadlineWinsWhateverTheOrderOrOffset) {
  // resolve_by before respond_by once both are read as instants (different offsets).
  CaseUpdate u = plan_update(
      R"({"id": "C", "action": "reopen", "level": 2, "handler": "h", "respond_by": "2026-11-24T12:00:00+08:00",)"
      R"( "resolve_by": "2026-11-24T03:30:00Z"})",
      kNow);
  EXPECT_EQ(u.next_check, "2026-11-24T03:30:00Z");
  u = plan_update(R"({"id": "C", "action": "reopen", "level": 1, "handler": "h", "resolve_by": "2026-11-26T17:30:00+08:00"})",
                  kNow);
  EXPECT_EQ(u.next_check, "2026-11-26T17:30:00+08:00");
}

TEST(PlanUpdate, RedispatchPinsRuleAndHandlerAndCarriesTheBundle) {
  CaseUpdate u = plan_update(
      R"({"id": "L16", "action": "redispatch", "level": 0, "handler": "squad-1-relief", "role": "enforcement_squad",)"
      R"( "rule": "night-noise", "assist": [], "reasons": ["returned"], "respond_by": "2026-12-07T12:00:00+08:00",)"
      R"( "resolve_by": "2026-12-09T17:00:00+08:00", "bundle": "00112233445566778899aabbccddeeff"})",
      "2026-12-07T10:00:00+08:00");
  json::object p = patch_of(u);
  EXPECT_EQ(p["rule"], "night-noise");
  EXPECT_EQ(p["handler"], "squad-1-relief");
  EXPECT_EQ(p["level"], 0);
  EXPECT_EQ(p["level_started_at"], "2026-12-07T10:00:00+08:00");
  EXPECT_EQ(u.next_check, "2026-12-07T12:00:00+08:00");
  EXPECT_EQ(u.bundle, "00112233445566778899aabbccddeeff");
}

TEST(PlanUpdate, AFallbackRuleOfNullIsPinnedAsNull) {
  CaseUpdate u = plan_update(
      R"({"id": "L63", "action": "escalate", "level": 1, "rule": null, "handler": "council-xinhua",)"
      R"( "respond_by": "2026-12-08T17:00:00+08:00", "resolve_by": "2026-12-10T17:00:00+08:00"})",
      "2026-12-07T10:00:00+08:00");
  json::object p = patch_of(u);
  ASSERT_TRUE(p.contains("rule"));
  EXPECT_TRUE(p["rule"].is_null());
}

// SPEC §7: a located case's answer names the cell found; the worker keeps it in the document whatever
// the action, adding to it (a hold drops nothing) or with a move's fields.
TEST(PlanUpdate, ALocatedCaseKeepsTheCellFound) {
  CaseUpdate u = plan_update(
      R"({"id": "K01", "action": "hold", "cell": "xincheng-a-01", "level": 0, "handler": "pm", "reasons": [], "next_check": "2026-11-23T10:30:00+08:00"})",
      kNow);
  ASSERT_TRUE(u.patch.has_value());
  EXPECT_EQ(*u.patch, R"({"cell":"xincheng-a-01"})");
  EXPECT_FALSE(u.moved);
  EXPECT_EQ(u.next_check, "2026-11-23T10:30:00+08:00");
  u = plan_update(
      R"({"id": "K02", "action": "escalate", "cell": "xincheng-a-02", "level": 1, "handler": "council", "role": "resident_council", "rule": "nuisance", "assist": [], "reasons": ["missed_respond"], "respond_by": "2026-11-23T12:00:00+08:00", "resolve_by": "2026-11-25T17:00:00+08:00"})",
      kNow);
  ASSERT_TRUE(u.patch.has_value());
  EXPECT_TRUE(u.moved);
  EXPECT_NE(u.patch->find(R"("cell":"xincheng-a-02")"), std::string::npos) << *u.patch;
  EXPECT_NE(u.patch->find(R"("level":1)"), std::string::npos) << *u.patch;
  u = plan_update(R"({"id": "K03", "action": "none", "cell": "xincheng-b-01", "level": 0, "reasons": []})", kNow);
  EXPECT_EQ(u.patch, R"({"cell":"xincheng-b-01"})");
  EXPECT_FALSE(u.next_check.has_value());
}

TEST(PlanUpdate, HoldAndSuspendedWaitForTheAnswersNextCheck) {
  CaseUpdate u = plan_update(
      R"({"id": "C01", "action": "hold", "level": 0, "handler": "squad-east", "reasons": [], "next_check": "2026-11-23T10:30:00+08:00"})",
      kNow);
  EXPECT_EQ(u.action, "hold");
  EXPECT_FALSE(u.patch.has_value());
  EXPECT_EQ(u.next_check, "2026-11-23T10:30:00+08:00");
  u = plan_update(R"({"id": "L33", "action": "suspended", "level": 0, "reasons": [], "next_check": "2026-12-08T09:00:00+08:00"})",
                  "2026-12-07T10:00:00+08:00");
  EXPECT_FALSE(u.patch.has_value());
  EXPECT_EQ(u.next_check, "2026-12-08T09:00:00+08:00");
  // An open-ended suspension parks the case until the platform changes it.
  u = plan_update(R"({"id": "L32", "action": "suspended", "level": 0, "reasons": [], "next_check": null})",
                  "2026-12-07T10:00:00+08:00");
  EXPECT_FALSE(u.next_check.has_value());
  EXPECT_EQ(u.warning, "");
  // A hold always has one: without it the case parks, with a warning.
  u = plan_update(R"({"id": "C", "action": "hold", "level": 0, "reasons": []})", kNow);
  EXPECT_FALSE(u.next_check.has_value());
  EXPECT_NE(u.warning.find("no next_check"), std::string::npos);
}

// A re-pinned answer (SPEC §6.1) names the new owner whatever its action: stored, so that the case is
// pinned again (lianshi's L09 is a hold whose pinned rule is gone).
TEST(PlanUpdate, ARepinnedAnswerPinsItsOwnerWhateverTheAction) {
  CaseUpdate u = plan_update(
      R"({"id": "L09", "action": "hold", "level": 0, "handler": "council-xinhua", "role": "resident_council", "reasons": [], "next_check": "2026-12-07T11:00:00+08:00", "repinned": true})",
      "2026-12-07T10:00:00+08:00");
  EXPECT_EQ(u.next_check, "2026-12-07T11:00:00+08:00");
  EXPECT_EQ(patch_of(u), (json::object{{"handler", "council-xinhua"}}));  // no rule given: the stored one stays
  EXPECT_FALSE(u.moved);
  u = plan_update(R"({"id": "X", "action": "none", "level": 1, "rule": "r2", "handler": "h2", "reasons": [], "repinned": true})",
                  kNow);
  EXPECT_EQ(patch_of(u), (json::object{{"rule", "r2"}, {"handler", "h2"}}));
  EXPECT_FALSE(u.next_check.has_value());
  // Not re-pinned: nothing of the owner is written for a hold.
  u = plan_update(R"({"id": "X", "action": "hold", "level": 0, "handler": "h", "reasons": [], "next_check": "2026-11-23T11:00:00+08:00", "repinned": false})",
                  kNow);
  EXPECT_FALSE(u.patch.has_value());
}

TEST(PlanUpdate, FinalActionsParkTheCase) {
  for (const char* action : {"none", "overdue", "dispute", "rejected"}) {
    std::string line = std::string(R"({"id": "X", "action": ")") + action + R"(", "level": 2, "handler": null, "reasons": []})";
    CaseUpdate u = plan_update(line, kNow);
    EXPECT_EQ(u.action, action);
    EXPECT_FALSE(u.patch.has_value()) << action;
    EXPECT_FALSE(u.next_check.has_value()) << action;
    EXPECT_EQ(u.warning, "") << action;
  }
}

TEST(PlanUpdate, ANextCheckNotAfterNowParksWithAWarning) {
  CaseUpdate u = plan_update(R"({"id": "C", "action": "hold", "next_check": "2026-11-23T10:00:00+08:00"})", kNow);
  EXPECT_FALSE(u.next_check.has_value());
  EXPECT_NE(u.warning.find("not after now"), std::string::npos);
  u = plan_update(R"({"id": "C", "action": "hold", "next_check": "soon"})", kNow);
  EXPECT_FALSE(u.next_check.has_value());
  EXPECT_NE(u.warning.find("not an RFC 3339 time"), std::string::npos);
}

TEST(PlanUpdate, UnreadableOrUnknownAnswersParkWithAWarning) {
  for (const char* line : {"", "not json", "[]", R"({"id": "C"})", R"({"action": 5})"}) {
    CaseUpdate u = plan_update(line, kNow);
    EXPECT_EQ(u.action, "rejected") << line;
    EXPECT_FALSE(u.next_check.has_value()) << line;
    EXPECT_NE(u.warning, "") << line;
  }
  CaseUpdate u = plan_update(R"({"id": "C", "action": "teleport", "next_check": "2027-01-01T00:00:00Z"})", kNow);
  EXPECT_EQ(u.action, "teleport");
  EXPECT_FALSE(u.next_check.has_value());
  EXPECT_NE(u.warning.find("unknown action"), std::string::npos);
  u = plan_update(R"({"id": "C", "action": "escalate", "handler": "h", "respond_by": "2027-01-01T00:00:00Z"})", kNow);
  EXPECT_FALSE(u.patch.has_value());
  EXPECT_NE(u.warning.find("no level"), std::string::npos);
}

}  // namespace
