// Lint findings of `gridroute check` (SPEC §5): coverage holes, shadowed rules, handlers that serve
// nothing routable, unused policies. All are warnings: the bundle still loads.
#include <algorithm>

#include "base/strings.hpp"
#include "compile/candidates.hpp"
#include "lint/lint.hpp"

namespace gridroute::detail {
namespace {

constexpr auto kWarning = Diagnostic::Severity::warning;

// A warning about a pointer of rules.json, placed at its line and column.
Diagnostic warn(const Index& s, std::string pointer, std::string msg) {
  return s.sources.json(FileId::rules, std::move(pointer), kWarning, std::move(msg));
}

// Coverage work above this many cell × category pairs is summarised per category only.
constexpr std::size_t kCoverageBudget = 20'000'000;

// The value of condition node `n` on an issue without attribute `attr`, other leaves unknown.
enum class Tri : std::uint8_t { no, yes, unknown };
Tri without(const Index& s, std::int32_t n, std::int32_t attr) {
  using Op = spec::Condition::Op;
  const CondNode& c = s.conditions[static_cast<std::size_t>(n)];
  switch (c.op) {
    case Op::all:
    case Op::any: {
      const Tri stop = c.op == Op::all ? Tri::no : Tri::yes;
      bool unknown = false;
      for (std::int32_t k = c.first_child; k >= 0; k = s.conditions[static_cast<std::size_t>(k)].next) {
        const Tri t = without(s, k, attr);
        if (t == stop) return stop;
        unknown = unknown || t == Tri::unknown;
      }
      return unknown ? Tri::unknown : (c.op == Op::all ? Tri::yes : Tri::no);
    }
    case Op::not_: {
      if (c.first_child < 0) return Tri::no;
      const Tri t = without(s, c.first_child, attr);
      return t == Tri::unknown ? t : (t == Tri::yes ? Tri::no : Tri::yes);
    }
    case Op::local_time:
    case Op::workday: return Tri::unknown;
    default: break;
  }
  if (c.attr != attr) return Tri::unknown;
  if (c.op == Op::exists) return c.b ? Tri::no : Tri::yes;
  return Tri::no;
}

// The `ne` leaves of the tree at `n`, in order, and the attributes it tests with `exists`.
void ne_leaves(const Index& s, std::int32_t n, std::vector<std::int32_t>& out, std::vector<std::int32_t>& exists) {
  const CondNode& c = s.conditions[static_cast<std::size_t>(n)];
  if (c.op == spec::Condition::Op::ne) out.push_back(n);
  if (c.op == spec::Condition::Op::exists) exists.push_back(c.attr);
  for (std::int32_t k = c.first_child; k >= 0; k = s.conditions[static_cast<std::size_t>(k)].next)
    ne_leaves(s, k, out, exists);
}

void lint_missing_attributes(const Index& s, std::size_t max_per_kind, std::vector<Diagnostic>& out) {
  std::size_t reported = 0;
  std::vector<std::int32_t> leaves;
  for (const CompiledRule& r : s.rules) {
    if (r.when < 0) continue;
    leaves.clear();
    // A condition that tests the attribute with `exists` says what it wants when it is missing.
    std::vector<std::int32_t> done;
    ne_leaves(s, r.when, leaves, done);
    for (std::int32_t leaf : leaves) {
      const CondNode& c = s.conditions[static_cast<std::size_t>(leaf)];
      if (std::find(done.begin(), done.end(), c.attr) != done.end()) continue;
      done.push_back(c.attr);
      if (without(s, r.when, c.attr) != Tri::no || reported++ >= max_per_kind) continue;
      const std::string& a = s.attr_names[static_cast<std::size_t>(c.attr)];
      out.push_back(warn(s, s.sources.condition_pointer[static_cast<std::size_t>(leaf)],
                         cat("rule '", r.id, "' never applies to an issue without attribute '", a,
                             "': a comparison on a missing attribute is false, ne too; if such issues should "
                             "match, write {\"any\": [{\"attr\": \"", a,
                             "\", \"exists\": false}, ...the ne...]}; if not, say so with {\"attr\": \"", a,
                             "\", \"exists\": true}")));
    }
  }
}

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
      // Not a problem of the bundle, so a note: a strict check of a large jurisdiction still passes.
      out.push_back(s.sources.json(FileId::rules, "/categories", Diagnostic::Severity::note,
                                   cat("coverage holes not checked: ", cells, " cells x ", s.categories.size(),
                                       " categories is over the lint budget of ", kCoverageBudget, " pairs")));
    std::vector<std::uint8_t> covered(cells * s.categories.size() > kCoverageBudget ? 0 : n);
    for (std::size_t c = 0; c < s.categories.size(); ++c) {
      if (cells * s.categories.size() > kCoverageBudget) break;
      std::fill(covered.begin(), covered.end(), 0);
      for (std::uint32_t i = s.candidate_offset[c]; i < s.candidate_offset[c + 1]; ++i) {
        const CompiledRule& r = s.rules[s.candidates[i].rule];
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
      if (!holes || reported++ >= max_per_kind) continue;
      std::string where = cat(holes, " cell", holes == 1 ? "" : "s", " (", sample, holes > 3 ? ", ..." : "", ")");
      // With defaults.fallback nothing is left unrouted: say who takes these issues (SPEC §6.4).
      if (s.fallback != kNone)
        out.push_back(s.sources.json(FileId::rules, cat("/categories/", c), Diagnostic::Severity::note,
                                     cat("no rule routes category '", s.categories[c], "' in ", where,
                                         ": taken by the fallback owner '", s.handler_id(s.fallback),
                                         "' (defaults.fallback)")));
      else
        out.push_back(warn(s, cat("/categories/", c),
                           cat("coverage hole: no rule routes category '", s.categories[c], "' in ", where)));
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
      for (std::size_t c = 0; c < s.categories.size(); ++c)
        consider(std::span<const Candidate>(s.candidates.data() + s.candidate_offset[c],
                                            s.candidate_offset[c + 1] - s.candidate_offset[c]));
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
      out.push_back(warn(s, cat("/rules/", r),
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
        out.push_back(warn(s, cat("/rules/", r, "/route"),
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
      out.push_back(s.sources.handler(static_cast<std::int32_t>(h), kWarning,
                                      cat("handler '", s.handler_ids[h], "' serves nothing routable: no rule or "
                                          "escalation level refers to role '", s.role_key_label(k), "'")));
    }
  }

  // ---- conditions false on every issue without an attribute, through a `ne` (which users read as true
  // when the attribute is missing; SPEC §3.2 makes every comparison on a missing attribute false)
  lint_missing_attributes(s, max_per_kind, out);

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
        out.push_back(warn(s, cat("/escalation_policies/", p),
                           cat("escalation policy '", s.policies[p].id, "' is never used by any rule or default")));
  }
  return out;
}

}  // namespace gridroute::detail
