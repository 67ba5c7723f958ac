// Internal: `gridroute check --coverage` — how much of the (cell × declared category) grid routes, per
// tier and per category group, and the holes grouped so that a person can act on each one.
//
//   detail::Coverage c = detail::coverage(snapshot.index());
//   std::cout << detail::format_coverage(snapshot.index(), c);
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "compile/index.hpp"

namespace gridroute::detail {

// Pairs of (cell, category), by how they route. A pair "routes" when a rule without a condition applies
// there and one of its route references resolves from the cell; "conditional" when only rules with a
// condition (`when`) do, so some issues of it route and others may not; else it routes nothing (it goes
// to defaults.fallback when the bundle has one).
struct CoverageShare {
  std::size_t pairs = 0, routed = 0, conditional = 0;
  std::size_t nothing() const { return pairs - routed - conditional; }
};

struct CoverageUnit {
  UnitId unit = kNone;
  std::size_t cells = 0;
  CoverageShare share;
};

struct CoverageTier {
  std::string tier;
  std::size_t units = 0;            // units of this tier that hold cells
  std::size_t complete = 0;         // of which every pair routes
  std::vector<CoverageUnit> lowest; // the units with the lowest routed share, lowest first (capped)
};

struct CoverageGroup {
  std::string group;  // the first segment of the category codes
  std::size_t categories = 0;
  CoverageShare share;
};

// One line a person can act on: every cell below `unit` routes nothing (or only under a condition)
// for the categories `patterns` (a prefix `a.b.*` when every declared code below it is meant).
struct CoverageHole {
  std::string group;  // the category group; "*" when the unit misses every declared category
  UnitId unit = kNone;
  std::size_t cells = 0;
  bool conditional = false;
  std::vector<std::string> patterns;
  std::size_t pairs = 0;  // cells × categories
};

struct Coverage {
  bool computed = false;
  std::string not_computed;  // why, when not computed
  std::size_t cells = 0, categories = 0;
  CoverageShare total;
  std::vector<CoverageTier> tiers;    // top to bottom, the cell tier last
  std::vector<CoverageGroup> groups;  // by group name
  std::vector<CoverageHole> holes;    // by group, then most pairs first
};

// The pair budget of the coverage lint: beyond it coverage is not computed (the work is linear in
// units × categories, like the lint's).
inline constexpr std::size_t kCoverageBudget = 20'000'000;

Coverage coverage(const Index& s, std::size_t budget = kCoverageBudget, std::size_t rows_per_tier = 10);

// The report `gridroute check --coverage` prints; at most `max_holes` hole lines.
std::string format_coverage(const Index& s, const Coverage& c, std::size_t max_holes = 100);

}  // namespace gridroute::detail
