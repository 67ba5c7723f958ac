// `gridroute check --coverage` (see coverage.hpp): the state of every (cell, declared category) pair,
// counted per unit through prefix sums over the Euler tour, so the work stays linear in
// units × categories — the same budget as the coverage lint.
#include "lint/coverage.hpp"

#include <algorithm>
#include <cstdio>
#include <map>
#include <set>
#include <string_view>

#include "absl/container/flat_hash_map.h"
#include "base/strings.hpp"
#include "compile/candidates.hpp"

namespace gridroute::detail {
namespace {

enum : std::uint8_t { kNothing = 0, kConditional = 1, kRoutes = 2 };

std::string_view first_segment(std::string_view code) { return code.substr(0, code.find('.')); }

// Every dotted prefix of `code`, shortest first, the code itself last ("a.b.c": "a", "a.b", "a.b.c").
template <class Fn>
void for_each_prefix(std::string_view code, Fn&& fn) {
  for (std::size_t dot = code.find('.'); dot != std::string_view::npos; dot = code.find('.', dot + 1))
    fn(code.substr(0, dot));
  fn(code);
}

// The categories `set` as the fewest patterns: `p.*` where every declared code at or below p is in the
// set (and there are several), else the exact code.
std::vector<std::string> compress(const Index& s, const std::vector<CategoryId>& set,
                                  const absl::flat_hash_map<std::string, std::size_t>& declared_under) {
  absl::flat_hash_map<std::string, std::size_t> under;
  for (CategoryId c : set) for_each_prefix(s.categories[c], [&](std::string_view p) { ++under[std::string(p)]; });
  std::vector<std::string> out;
  std::set<std::string> seen;
  for (CategoryId c : set) {
    const std::string& code = s.categories[c];
    std::string pattern;
    for_each_prefix(code, [&](std::string_view p) {
      if (!pattern.empty()) return;
      const std::string key(p);
      const bool full = under.at(key) == declared_under.at(key);
      // A prefix only when it stands for more than one code: "facility.streetlight", not "facility.*".
      const bool several = declared_under.at(key) > 1;
      if (p.size() == code.size()) pattern = full && several ? key + ".*" : key;
      else if (full && several) pattern = key + ".*";
    });
    if (seen.insert(pattern).second) out.push_back(pattern);
  }
  return out;
}

std::string percent(std::size_t part, std::size_t whole) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%.1f%%", whole ? 100.0 * static_cast<double>(part) / static_cast<double>(whole) : 0.0);
  return buf;
}

double routed_share(const CoverageShare& c) {
  return c.pairs ? static_cast<double>(c.routed) / static_cast<double>(c.pairs) : 1.0;
}

// A left-aligned column of `width` display columns (CJK names count two).
std::string pad(std::string_view text, std::size_t width) {
  std::size_t cols = 0;
  for (std::size_t i = 0; i < text.size();) {
    const auto b = static_cast<unsigned char>(text[i]);
    const std::size_t len = b < 0x80 ? 1 : b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4;
    cols += len >= 3 ? 2 : 1;
    i += len;
  }
  std::string out(text);
  if (cols < width) out.append(width - cols, ' ');
  return out;
}

std::string share_row(std::string_view label, std::size_t label_width, std::size_t count, const CoverageShare& c) {
  return cat("  ", pad(label, label_width), " ", pad(std::to_string(count), 7), " ", pad(std::to_string(c.pairs), 9),
             " ", pad(percent(c.routed, c.pairs), 8), " ", pad(percent(c.conditional, c.pairs), 9), " ",
             percent(c.nothing(), c.pairs));
}

}  // namespace

Coverage coverage(const Index& s, std::size_t budget, std::size_t rows_per_tier) {
  Coverage out;
  const std::size_t n = s.unit_count();
  const std::size_t cats = s.categories.size();
  if (!s.has_taxonomy) {
    out.not_computed = "rules.json declares no categories; coverage counts the declared ones";
    return out;
  }
  std::vector<UnitId> by_tin(n, kNone);
  for (std::size_t u = 0; u < n; ++u) by_tin[static_cast<std::size_t>(s.hot[u].tin)] = static_cast<UnitId>(u);
  // cells_before[p]: cells at tour positions below p, so a unit holds cells_before[tout] - cells_before[tin].
  std::vector<std::uint32_t> cells_before(n + 1, 0);
  for (std::size_t p = 0; p < n; ++p) cells_before[p + 1] = cells_before[p] + (s.hot[by_tin[p]].tier == s.cell_tier);
  out.cells = cells_before[n];
  out.categories = cats;
  if (out.cells * cats > budget) {
    out.not_computed = cat(out.cells, " cells x ", cats, " categories is over the budget of ", budget, " pairs");
    return out;
  }
  // The candidates are read per category from its pattern groups (compile/index.hpp): their entries
  // count against the same budget.
  std::vector<GroupChain> chains(cats);
  std::size_t entries = 0;
  for (std::size_t c = 0; c < cats; ++c) {
    groups_for(s, s.categories[c], static_cast<CategoryId>(c), chains[c]);
    for (std::int32_t g : chains[c]) entries += s.groups[static_cast<std::size_t>(g)].count;
  }
  if (entries > budget) {
    out.not_computed =
        cat("the candidate lists of the categories hold ", entries, " rule entries, over the budget of ", budget);
    return out;
  }
  out.computed = true;
  auto cells_in = [&](UnitId u) { return cells_before[s.hot[u].tout] - cells_before[s.hot[u].tin]; };

  absl::flat_hash_map<std::string, std::size_t> declared_under;
  for (const auto& code : s.categories) for_each_prefix(code, [&](std::string_view p) { ++declared_under[std::string(p)]; });

  std::vector<std::uint8_t> state(n);
  std::vector<std::uint32_t> routed_before(n + 1), cond_before(n + 1);
  std::vector<std::uint64_t> unit_routed(n, 0), unit_cond(n, 0);
  std::map<std::string, CoverageGroup, std::less<>> groups;
  // (tour position of the unit, conditional) → the categories missing throughout it.
  std::map<std::pair<std::int32_t, bool>, std::vector<CategoryId>> hole_sets;

  for (std::size_t c = 0; c < cats; ++c) {
    std::fill(state.begin(), state.end(), kNothing);
    // Every candidate of the category (a rule in two of its groups twice: the state only rises).
    for (std::int32_t g : chains[c]) {
      const Index::PatternGroup& grp = s.groups[static_cast<std::size_t>(g)];
      for (std::uint32_t i = grp.first; i < grp.first + grp.count; ++i) {
        const CompiledRule& r = s.rules[s.candidates[i].rule];
        const std::uint8_t gives = r.when < 0 ? kRoutes : kConditional;
        for (auto p = s.hot[r.scope].tin; p < s.hot[r.scope].tout; ++p) {
          const UnitId u = by_tin[static_cast<std::size_t>(p)];
          if (state[static_cast<std::size_t>(p)] >= gives || s.hot[u].tier != s.cell_tier) continue;
          for (RoleKeyId k : r.route)
            if (s.resolve(k, u)) {
              state[static_cast<std::size_t>(p)] = gives;
              break;
            }
        }
      }
    }
    for (std::size_t p = 0; p < n; ++p) {
      const bool cell = s.hot[by_tin[p]].tier == s.cell_tier;
      routed_before[p + 1] = routed_before[p] + (cell && state[p] == kRoutes);
      cond_before[p + 1] = cond_before[p] + (cell && state[p] == kConditional);
    }
    auto routed_in = [&](UnitId u) { return routed_before[s.hot[u].tout] - routed_before[s.hot[u].tin]; };
    auto cond_in = [&](UnitId u) { return cond_before[s.hot[u].tout] - cond_before[s.hot[u].tin]; };
    CoverageGroup& g = groups[std::string(first_segment(s.categories[c]))];
    ++g.categories;
    g.share.pairs += out.cells;
    g.share.routed += routed_before[n];
    g.share.conditional += cond_before[n];
    for (std::size_t p = 0; p < n; ++p) {
      const UnitId u = by_tin[p];
      const std::uint32_t cin = cells_in(u);
      if (cin == 0) continue;
      const std::uint32_t r = routed_in(u), cd = cond_in(u);
      unit_routed[u] += r;
      unit_cond[u] += cd;
      // A hole is reported at the highest unit that misses the category throughout.
      const UnitId up = s.hot[u].parent;
      if (r == 0 && cd == 0 && (up == kNone || routed_in(up) + cond_in(up) != 0))
        hole_sets[{static_cast<std::int32_t>(p), false}].push_back(static_cast<CategoryId>(c));
      if (cd == cin && (up == kNone || cond_in(up) != cells_in(up)))
        hole_sets[{static_cast<std::int32_t>(p), true}].push_back(static_cast<CategoryId>(c));
    }
  }

  for (std::size_t u = 0; u < n; ++u) {
    const std::uint32_t cin = cells_in(static_cast<UnitId>(u));
    if (cin == 0) continue;
    out.total.pairs += s.hot[u].tier == s.cell_tier ? cats : 0;
    out.total.routed += s.hot[u].tier == s.cell_tier ? unit_routed[u] : 0;
    out.total.conditional += s.hot[u].tier == s.cell_tier ? unit_cond[u] : 0;
  }
  // Per tier: the units with the lowest routed share.
  std::vector<std::vector<CoverageUnit>> per_tier(s.tiers.size());
  for (std::size_t u = 0; u < n; ++u) {
    const std::uint32_t cin = cells_in(static_cast<UnitId>(u));
    if (cin == 0) continue;
    CoverageUnit cu{static_cast<UnitId>(u), cin, {cin * cats, unit_routed[u], unit_cond[u]}};
    per_tier[s.hot[u].tier].push_back(cu);
  }
  for (std::size_t t = 0; t < s.tiers.size(); ++t) {
    auto& units = per_tier[t];
    if (units.empty()) continue;
    CoverageTier tier;
    tier.tier = s.tiers[t];
    tier.units = units.size();
    auto incomplete = std::partition(units.begin(), units.end(),
                                     [](const CoverageUnit& x) { return x.share.routed != x.share.pairs; });
    tier.complete = static_cast<std::size_t>(units.end() - incomplete);
    units.erase(incomplete, units.end());
    auto lower = [&](const CoverageUnit& a, const CoverageUnit& b) {
      const double ra = routed_share(a.share), rb = routed_share(b.share);
      if (ra != rb) return ra < rb;
      if (a.share.nothing() != b.share.nothing()) return a.share.nothing() > b.share.nothing();
      return s.hot[a.unit].tin < s.hot[b.unit].tin;
    };
    const std::size_t keep = std::min(rows_per_tier, units.size());
    std::partial_sort(units.begin(), units.begin() + static_cast<std::ptrdiff_t>(keep), units.end(), lower);
    units.resize(keep);
    tier.lowest = std::move(units);
    out.tiers.push_back(std::move(tier));
  }
  for (auto& [name, g] : groups) {
    g.group = name;
    out.groups.push_back(std::move(g));
  }
  // Holes: each unit's missing categories as patterns, one line per category group.
  for (auto& [key, set] : hole_sets) {
    const UnitId u = by_tin[static_cast<std::size_t>(key.first)];
    const std::size_t cin = cells_in(u);
    if (set.size() == cats) {
      out.holes.push_back({"*", u, cin, key.second, {"*"}, cin * cats});
      continue;
    }
    std::map<std::string, std::pair<std::vector<CategoryId>, std::size_t>, std::less<>> by_group;
    for (CategoryId c : set) by_group[std::string(first_segment(s.categories[c]))].first.push_back(c);
    for (auto& [group, part] : by_group)
      out.holes.push_back({group, u, cin, key.second, compress(s, part.first, declared_under), cin * part.first.size()});
  }
  std::stable_sort(out.holes.begin(), out.holes.end(), [](const CoverageHole& a, const CoverageHole& b) {
    if (a.group != b.group) return a.group < b.group;
    if (a.conditional != b.conditional) return !a.conditional;
    return a.pairs > b.pairs;
  });
  return out;
}

std::string format_coverage(const Index& s, const Coverage& c, std::size_t max_holes) {
  if (!c.computed) return cat("coverage: not computed: ", c.not_computed, "\n");
  std::string out;
  append(out, "coverage: ", c.cells, " cells x ", c.categories, " categories = ", c.total.pairs, " pairs: ",
         c.total.routed, " route (", percent(c.total.routed, c.total.pairs), "), ", c.total.conditional,
         " only when a condition holds (", percent(c.total.conditional, c.total.pairs), "), ", c.total.nothing(),
         " route nothing (", percent(c.total.nothing(), c.total.pairs), ")\n");
  if (s.fallback != kNone && c.total.nothing())
    append(out, "  pairs that route nothing go to the fallback handler '", s.handler_id(s.fallback), "'\n");

  std::size_t width = 5;
  for (const auto& g : c.groups) width = std::max(width, g.group.size());
  append(out, "\ncoverage by category group:\n  ", pad("group", width), " ", pad("codes", 7), " ", pad("pairs", 9), " ",
         pad("route", 8), " ", pad("only-if", 9), " nothing\n");
  for (const auto& g : c.groups) append(out, share_row(g.group, width, g.categories, g.share), "\n");

  for (const auto& t : c.tiers) {
    width = 4;
    for (const auto& u : t.lowest) width = std::max(width, s.unit_id(u.unit).size());
    append(out, "\ncoverage by ", t.tier, ": ", t.units, " unit", t.units == 1 ? "" : "s", " with cells; ");
    if (t.complete == t.units) append(out, t.units == 1 ? "it routes" : "all route", " every pair");
    else append(out, t.complete, " route", t.complete == 1 ? "s" : "", " every pair");
    if (t.lowest.empty()) {
      out += "\n";
      continue;
    }
    append(out, "; the lowest:\n  ", pad("unit", width), " ", pad("cells", 7), " ", pad("pairs", 9), " ", pad("route", 8),
           " ", pad("only-if", 9), " nothing\n");
    for (const auto& u : t.lowest) {
      append(out, share_row(s.unit_id(u.unit), width, u.cells, u.share));
      if (auto name = s.unit_name(u.unit); !name.empty()) append(out, "   ", name);
      out += "\n";
    }
  }

  if (c.holes.empty()) {
    out += "\ncoverage holes: none\n";
    return out;
  }
  // With defaults.fallback these pairs are not holes: the fallback owner takes them (SPEC §6.4).
  if (s.fallback != kNone)
    append(out, "\nleft to the fallback handler '", s.handler_id(s.fallback), "' where no rule routes (",
           c.holes.size(), "; each names the highest unit where every cell misses):\n");
  else
    append(out, "\ncoverage holes (", c.holes.size(), "; each names the highest unit where every cell misses):\n");
  std::size_t shown = 0;
  for (const auto& h : c.holes) {
    if (shown++ == max_holes) {
      append(out, "  ... and ", c.holes.size() - max_holes, " more\n");
      break;
    }
    std::string where;
    const std::string_view tier = s.tiers[s.hot[h.unit].tier];
    if (s.hot[h.unit].tier == s.cell_tier) where = cat(tier, " `", s.unit_id(h.unit), "`");
    else append(where, h.cells, h.cells == 1 ? " cell of " : " cells of ", tier, " `", s.unit_id(h.unit), "`");
    if (auto name = s.unit_name(h.unit); !name.empty()) append(where, " (", name, ")");
    std::string what;
    if (h.group == "*") what = "any category";
    else for (std::size_t i = 0; i < h.patterns.size(); ++i) append(what, i ? ", " : "", h.patterns[i]);
    const bool one = h.cells == 1;
    append(out, "  ", h.group == "*" ? std::string("every category") : cat("category group `", h.group, "`"), ": ",
           where);
    if (h.conditional) append(out, one ? " routes " : " route ", what, " only when a rule's condition holds\n");
    else append(out, one ? " routes nothing for " : " route nothing for ", what, "\n");
  }
  return out;
}

}  // namespace gridroute::detail
