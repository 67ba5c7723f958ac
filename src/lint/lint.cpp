// Lint findings of `gridroute check` (SPEC §5): coverage holes, shadowed rules, handlers that serve
// nothing routable, unused policies. All are warnings: the bundle still loads.
#include <algorithm>

#include "base/strings.hpp"
#include "compile/candidates.hpp"
#include "lint/lint.hpp"

namespace gridroute::detail {
namespace {

Diagnostic warn(std::string file, std::string pointer, std::string msg) {
  Diagnostic d;
  d.severity = Diagnostic::Severity::warning;
  d.file = std::move(file);
  d.pointer = std::move(pointer);
  d.message = std::move(msg);
  return d;
}

// Coverage work above this many cell × category pairs is summarised per category only.
constexpr std::size_t kCoverageBudget = 20'000'000;

}  // namespace

std::vector<Diagnostic> lint(const Index& s, std::size_t max_per_kind) {
  std::vector<Diagnostic> out;
  const std::size_t n = s.unit_count();
  // Units by tour position; a role key "covers" a unit when it resolves from it.
  std::vector<UnitId> by_tin(n, kNone);
  for (std::size_t u = 0; u < n; ++u)
    if (s.hot[u].tin >= 0) by_tin[static_cast<std::size_t>(s.hot[u].tin)] = static_cast<UnitId>(u);
  auto resolves_below = [&](RoleKeyId k, UnitId scope) { return static_cast<bool>(s.resolve(k, scope)); };

  // ---- coverage holes
  if (s.has_taxonomy) {
    std::size_t cells = 0;
    for (std::size_t u = 0; u < n; ++u) cells += s.hot[u].tier == s.cell_tier;
    std::size_t reported = 0;
    if (cells * s.categories.size() > kCoverageBudget)
      out.push_back(warn("rules.json", "/categories",
                         cat("coverage holes not checked: ", cells, " cells x ", s.categories.size(),
                                     " categories is over the lint budget of ", kCoverageBudget, " pairs")));
    std::vector<std::uint8_t> covered(cells * s.categories.size() > kCoverageBudget ? 0 : n);
    for (std::size_t c = 0; c < s.categories.size(); ++c) {
      if (cells * s.categories.size() > kCoverageBudget) break;
      std::fill(covered.begin(), covered.end(), 0);
      std::vector<Candidate> scratch;
      std::span<const Candidate> cands;
      candidates_for(s, s.categories[c], static_cast<CategoryId>(c), scratch, cands);
      for (const Candidate& cand : cands) {
        const CompiledRule& r = s.rules[cand.rule];
        for (auto pos = s.hot[r.scope].tin; pos < s.hot[r.scope].tout; ++pos) {
          UnitId u = by_tin[static_cast<std::size_t>(pos)];
          if (covered[static_cast<std::size_t>(pos)] || s.hot[u].tier != s.cell_tier) continue;
          for (RoleKeyId k : r.route)
            if (s.resolve(k, u)) {
              covered[static_cast<std::size_t>(pos)] = 1;
              break;
            }
        }
      }
      std::size_t holes = 0;
      std::string sample;
      for (std::size_t pos = 0; pos < n; ++pos) {
        UnitId u = by_tin[pos];
        if (u == kNone || s.hot[u].tier != s.cell_tier || covered[pos]) continue;
        if (holes++ < 3) append(sample, holes > 1 ? ", " : "", s.unit_id(u));
      }
      if (holes && reported++ < max_per_kind)
        out.push_back(warn("rules.json", "/categories",
                           cat("coverage hole: no rule routes category '", s.categories[c], "' in ", holes,
                                        " cell", holes == 1 ? "" : "s", " (", sample, holes > 3 ? ", ..." : "", ")")));
    }
  }

  // ---- shadowed rules: for every category the rule matches, an earlier unconditional rule whose scope
  // contains the rule's scope and whose route resolves there always wins first.
  {
    std::vector<std::uint8_t> can_win(s.rules.size(), 0), seen(s.rules.size(), 0);
    std::vector<Candidate> scratch;
    auto consider = [&](std::span<const Candidate> cands) {
      for (std::size_t i = 0; i < cands.size(); ++i) {
        const CompiledRule& r = s.rules[cands[i].rule];
        seen[cands[i].rule] = 1;
        bool blocked = false;
        for (std::size_t j = 0; j < i && !blocked; ++j) {
          const CompiledRule& w = s.rules[cands[j].rule];
          if (w.when >= 0 || !s.is_ancestor_or_self(w.scope, r.scope)) continue;
          for (RoleKeyId k : w.route)
            if (resolves_below(k, r.scope)) { blocked = true; break; }
        }
        if (!blocked) can_win[cands[i].rule] = 1;
      }
    };
    if (s.has_taxonomy) {
      for (std::size_t c = 0; c < s.categories.size(); ++c) {
        std::span<const Candidate> cands;
        candidates_for(s, s.categories[c], static_cast<CategoryId>(c), scratch, cands);
        consider(cands);
      }
    } else {
      for (const auto& r : s.rules)
        for (const auto& p : r.patterns) {
          if (p == "*") continue;
          std::string_view code = p.ends_with(".*") ? std::string_view(p).substr(0, p.size() - 2) : std::string_view(p);
          std::span<const Candidate> cands;
          candidates_for(s, code, kNone, scratch, cands);
          consider(std::vector<Candidate>(cands.begin(), cands.end()));
        }
    }
    std::size_t reported = 0;
    for (std::size_t r = 0; r < s.rules.size() && reported < max_per_kind; ++r) {
      if (!seen[r] || can_win[r]) continue;
      ++reported;
      out.push_back(warn("rules.json", cat("/rules/", r),
                         cat("rule '", s.rules[r].id, "' can never win: for each of its categories an earlier "
                                      "rule without a condition covers its scope and always has a handler")));
    }
    // Rules none of whose route references resolve anywhere.
    std::vector<bool> has(s.role_keys.size(), false);
    for (RoleKeyId k : s.handler_role)
      if (k != kNone) has[k] = true;
    reported = 0;
    for (std::size_t r = 0; r < s.rules.size() && reported < max_per_kind; ++r) {
      bool any = false;
      for (RoleKeyId k : s.rules[r].route) any = any || has[k];
      if (!any) {
        ++reported;
        out.push_back(warn("rules.json", cat("/rules/", r, "/route"),
                           cat("rule '", s.rules[r].id, "' can never route: no handler has any of its roles")));
      }
    }
  }

  // ---- handlers that serve nothing routable
  {
    std::vector<bool> referenced(s.role_keys.size(), false);
    for (const auto& r : s.rules) {
      for (RoleKeyId k : r.route) referenced[k] = true;
      for (RoleKeyId k : r.assist) referenced[k] = true;
    }
    for (const auto& p : s.policies)
      for (const auto& l : p.levels)
        for (RoleKeyId k : l.route) referenced[k] = true;
    std::size_t reported = 0;
    for (std::size_t h = 0; h < s.handler_ids.size() && reported < max_per_kind; ++h) {
      RoleKeyId k = s.handler_role[h];
      if (k == kNone || referenced[k]) continue;
      ++reported;
      out.push_back(warn("jurisdiction.json", "",
                         cat("handler '", s.handler_ids[h], "' serves nothing routable: no rule or escalation "
                                      "level refers to role '", s.role_key_label(k), "'")));
    }
  }

  // ---- cells without a polygon, polygons of different cells that overlap (SPEC §7)
  if (s.locator) {
    std::vector<std::int32_t> cells;
    for (std::size_t u = 0; u < n; ++u)
      if (s.hot[u].tier == s.cell_tier) cells.push_back(static_cast<std::int32_t>(u));
    geo::GeoLintOptions options;
    options.max_findings_per_kind = max_per_kind;
    auto found = s.locator->lint(cells, [&](std::int32_t c) { return std::string(s.unit_id(c)); }, options);
    out.insert(out.end(), std::make_move_iterator(found.begin()), std::make_move_iterator(found.end()));
  }

  // ---- policies never used
  {
    std::vector<bool> used(s.policies.size(), false);
    for (const auto& r : s.rules)
      if (r.policy != kNone) used[r.policy] = true;
    for (std::size_t p = 0; p < s.policies.size(); ++p)
      if (!used[p])
        out.push_back(warn("rules.json", cat("/escalation_policies/", p),
                           cat("escalation policy '", s.policies[p].id, "' is never used by any rule or default")));
  }
  return out;
}

}  // namespace gridroute::detail
