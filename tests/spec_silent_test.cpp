// Where the contract names no syntax, bundles that users would reasonably write load and route:
// department and declared role names beyond [a-z0-9_], levels without a name, rating_below 1.
#include <gtest/gtest.h>

#include "gridroute/jsonl.hpp"
#include "gridroute/snapshot.hpp"
#include "fixture.hpp"

namespace {

const std::string kJur = fixture::small_town(R"([
    {"id": "fire", "role": "partner_department", "department": "Fire-Rescue 119", "serves": ["town"]},
    {"id": "warden", "role": "Grid-Warden", "serves": ["c1"]}
  ])");

const char* kRules = R"({
  "format": "gridroute.rules/1",
  "roles": ["Grid-Warden"],
  "defaults": {"sla": {"respond": "1h", "resolve": "4h"}, "escalation": "p"},
  "rules": [
    {"id": "r", "categories": ["*"], "route": ["Grid-Warden"]}
  ],
  "escalation_policies": [{
    "id": "p",
    "levels": [{}, {"tier": "town", "route": [{"role": "partner_department", "department": "Fire-Rescue 119"}]}],
    "rating_below": 1
  }]
})";

std::shared_ptr<const gridroute::Snapshot> load() {
  gridroute::BundleSources src;
  src.label = "mem";
  src.jurisdiction_json = kJur;
  src.rules_json = kRules;
  std::vector<gridroute::Diagnostic> diags;
  auto s = gridroute::load_bundle(src, &diags);
  std::string all;
  for (auto& d : diags) all += d.to_string() + "\n";
  EXPECT_TRUE(s.ok()) << all;
  return s.ok() ? *s : nullptr;
}

TEST(SpecSilent, FreeFormDepartmentAndRoleNamesRouteAndEscalate) {
  auto s = load();
  ASSERT_TRUE(s);
  gridroute::LineCodec codec(s);
  std::string out;
  codec.route_line(R"({"id": "a", "category": "x.y", "cell": "c1-01", "at": "2026-11-20T09:00:00+08:00"})", out);
  EXPECT_NE(out.find(R"("role": "Grid-Warden", "handler": "warden")"), std::string::npos) << out;
  out.clear();
  codec.escalate_line(R"({"id": "b", "category": "x.y", "cell": "c1-01", "at": "2026-11-20T09:00:00+08:00",
                          "level": 0, "level_started_at": "2026-11-20T09:00:00+08:00", "responded": false,
                          "reports": 0, "status": "open"})",
                      *gridroute::parse_rfc3339("2026-11-20T10:00:00+08:00"), out);
  EXPECT_NE(out.find(R"("action": "escalate", "level": 1)"), std::string::npos) << out;
  EXPECT_NE(out.find(R"("handler": "fire", "role": "partner_department", "department": "Fire-Rescue 119")"), std::string::npos) << out;
}

TEST(SpecSilent, RatingBelowOneNeverReopens) {
  auto s = load();
  ASSERT_TRUE(s);
  gridroute::LineCodec codec(s);
  std::string out;
  codec.escalate_line(R"({"id": "c", "category": "x.y", "cell": "c1-01", "at": "2026-11-20T09:00:00+08:00",
                          "level": 0, "level_started_at": "2026-11-20T09:00:00+08:00", "responded": true,
                          "reports": 0, "status": "resolved", "rating": 1})",
                      *gridroute::parse_rfc3339("2026-11-20T10:00:00+08:00"), out);
  EXPECT_NE(out.find(R"("action": "none")"), std::string::npos) << out;
}

}  // namespace
