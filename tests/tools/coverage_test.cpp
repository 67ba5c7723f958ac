// `gridroute check --coverage` (lint/coverage.hpp): the shares per tier and per category group, and the
// holes named at the highest unit that misses them, with the categories folded into prefixes.
#include <gtest/gtest.h>

#include "../fixture.hpp"
#include "gridroute/snapshot.hpp"
#include "lint/coverage.hpp"

namespace {
using gridroute::detail::Coverage;

// town ─ c1 ─ c1-a ─ c1-a-01, c1-a-02 ; c1-b ─ c1-b-01 ; c2 ─ c2-01. A council serves c1 only, a
// housing department the whole town; housing.* routes to the department except where scoped away.
constexpr const char* kHandlers = R"([
  {"id": "council-c1", "role": "resident_council", "serves": ["c1"]},
  {"id": "dept-housing", "role": "partner_department", "department": "housing", "serves": ["town"]}])";

std::string rules(std::string_view extra_rules) {
  return std::string(R"({
  "format": "gridroute.rules/1",
  "attributes": {"private_property": "bool"},
  "categories": [{"code": "housing.repair.roof"}, {"code": "housing.repair.pipe"}, {"code": "housing.dilapidated"},
                 {"code": "nuisance.dog"}, {"code": "nuisance.clutter"}],
  "rules": [)") + std::string(extra_rules) + "]}";
}

std::shared_ptr<const gridroute::Snapshot> load(std::string_view extra_rules) {
  auto s = gridroute::load_bundle(fixture::sources(fixture::town(kHandlers), rules(extra_rules)));
  EXPECT_TRUE(s.ok()) << s.status();
  return *s;
}

TEST(Coverage, SharesAndHolesGroupedByUnitAndPrefix) {
  // nuisance.* routes to the council (c1 only); housing.repair.* routes to the department only under a
  // condition; housing.dilapidated routes everywhere.
  auto snap = load(R"(
    {"id": "nuisance", "categories": ["nuisance.*"], "route": ["resident_council"]},
    {"id": "repair", "categories": ["housing.repair.*"], "when": {"attr": "private_property", "eq": false},
     "route": [{"role": "partner_department", "department": "housing"}]},
    {"id": "dilapidated", "categories": ["housing.dilapidated"],
     "route": [{"role": "partner_department", "department": "housing"}]})");
  const auto& s = snap->index();
  Coverage c = gridroute::detail::coverage(s);
  ASSERT_TRUE(c.computed);
  EXPECT_EQ(c.cells, 4u);
  EXPECT_EQ(c.categories, 5u);
  EXPECT_EQ(c.total.pairs, 20u);
  // dilapidated: 4 cells; nuisance: 3 cells of c1 x 2 codes; repair: conditional in 4 cells x 2 codes.
  EXPECT_EQ(c.total.routed, 4u + 6u);
  EXPECT_EQ(c.total.conditional, 8u);
  EXPECT_EQ(c.total.nothing(), 2u);

  ASSERT_EQ(c.groups.size(), 2u);
  EXPECT_EQ(c.groups[0].group, "housing");
  EXPECT_EQ(c.groups[0].categories, 3u);
  EXPECT_EQ(c.groups[0].share.pairs, 12u);
  EXPECT_EQ(c.groups[0].share.routed, 4u);
  EXPECT_EQ(c.groups[0].share.conditional, 8u);
  EXPECT_EQ(c.groups[1].group, "nuisance");
  EXPECT_EQ(c.groups[1].share.routed, 6u);

  // The community tier: c2 is the lowest (its one cell routes 1 of 5 pairs; 2 conditional).
  const auto& community = c.tiers[1];
  EXPECT_EQ(community.tier, "community");
  EXPECT_EQ(community.units, 2u);
  EXPECT_EQ(community.complete, 0u);
  ASSERT_FALSE(community.lowest.empty());
  EXPECT_EQ(s.unit_id(community.lowest[0].unit), "c2");
  EXPECT_EQ(community.lowest[0].share.routed, 1u);

  const std::string text = gridroute::detail::format_coverage(s, c);
  // A hole of nothing at c2 for the whole nuisance group; a conditional one at the town for repair.
  EXPECT_NE(text.find("category group `nuisance`: 1 cell of community `c2` routes nothing for nuisance.*"), std::string::npos) << text;
  EXPECT_NE(text.find("category group `housing`: 4 cells of town `town` route housing.repair.* only when a rule's "
                      "condition holds"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("coverage: 4 cells x 5 categories = 20 pairs: 10 route (50.0%)"), std::string::npos) << text;
}

TEST(Coverage, ExactCodesWhenOnlyPartOfAPrefixIsMissing) {
  // Only housing.repair.roof routes (in c1): pipe and dilapidated are missing everywhere, roof in c2.
  auto snap = load(R"(
    {"id": "roof", "categories": ["housing.repair.roof"], "route": ["resident_council"]},
    {"id": "nuisance", "categories": ["nuisance.*"], "route": [{"role": "partner_department", "department": "housing"}]})");
  const auto& s = snap->index();
  const std::string text = gridroute::detail::format_coverage(s, gridroute::detail::coverage(s));
  EXPECT_NE(text.find("category group `housing`: 4 cells of town `town` route nothing for housing.repair.pipe, "
                      "housing.dilapidated"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("category group `housing`: 1 cell of community `c2` routes nothing for housing.repair.roof"), std::string::npos)
      << text;
  // Not a prefix: housing.repair.* would claim roof is missing in c1 too.
  EXPECT_EQ(text.find("housing.repair.*"), std::string::npos) << text;
}

TEST(Coverage, EveryCategoryMissingIsOneLine) {
  auto snap = load(R"({"id": "all", "categories": ["*"], "route": ["resident_council"]})");
  const auto& s = snap->index();
  const std::string text = gridroute::detail::format_coverage(s, gridroute::detail::coverage(s));
  EXPECT_NE(text.find("every category: 1 cell of community `c2` routes nothing for any category"), std::string::npos) << text;
  EXPECT_NE(text.find("coverage by community: 2 units with cells; 1 routes every pair"), std::string::npos) << text;
}

TEST(Coverage, OverTheBudgetSaysSo) {
  auto snap = load(R"({"id": "all", "categories": ["*"], "route": ["resident_council"]})");
  Coverage c = gridroute::detail::coverage(snap->index(), 19);
  EXPECT_FALSE(c.computed);
  EXPECT_EQ(gridroute::detail::format_coverage(snap->index(), c),
            "coverage: not computed: 4 cells x 5 categories is over the budget of 19 pairs\n");
}

}  // namespace
