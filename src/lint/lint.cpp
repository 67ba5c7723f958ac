// Lint findings of `gridroute check` (SPEC §5): coverage holes, shadowed rules, handlers that serve
// nothing routable, unused policies. All are warnings: the bundle still loads.
#include <algorithm>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/time/civil_time.h"
#include "base/calendar.hpp"
#include "base/strings.hpp"
#include "base/suggest.hpp"
#include "compile/candidates.hpp"
#include "compile/order.hpp"
#include "lint/lint.hpp"

namespace gridroute::detail {
namespace {

constexpr auto kWarning = Diagnostic::Severity::warning;

// A warning about a pointer of rules.json, placed at its line and column.
Diagnostic warn(const Index& s, std::string pointer, std::string msg) {
  return s.sources.json(FileId::rules, std::move(pointer), kWarning, std::move(msg));
}

// At most `max` findings of one kind are listed (docs/cli.md); the rest are counted, and one finding of the
// same severity at the end says how many were left out.
class Capped {
 public:
  Capped(std::vector<Diagnostic>& out, std::size_t max) : out_(out), max_(max) {}
  // Whether the next finding of the kind is listed; it is counted either way.
  bool take() { return found_++ < max_; }
  // "N more WHAT not listed", placed at `d` (its message is replaced), when findings were left out: a note,
  // not a finding of its own, so that the count of warnings is the count of those listed.
  void close(Diagnostic d, std::string_view what) {
    if (found_ <= max_) return;
    d.severity = Diagnostic::Severity::note;
    d.message = cat(found_ - max_, " more ", what, " not listed");
    out_.push_back(std::move(d));
  }

 private:
  std::vector<Diagnostic>& out_;
  std::size_t max_;
  std::size_t found_ = 0;
};

// Coverage work above this many cell × category pairs, or rule entries in the categories' distinct
// candidate lists, is summarised in one warning.
constexpr std::size_t kCoverageBudget = 20'000'000;
// The shadowed-rules check is skipped, or stopped, with a warning above this many rule entries and steps.
constexpr std::size_t kShadowBudget = 20'000'000;

// One distinct candidate list: a code that has it (and its category, or kNone) and its pattern groups.
struct DistinctList {
  std::string_view code;
  CategoryId category;
  GroupChain chain;
};

// The distinct candidate lists of items 0..count-1: `codes(i, each)` calls each(code, category) for the
// codes of item i. Codes matched by the same pattern groups have the same candidates. `list_of[i]` (when
// given) is the list of item i's (last) code. Returns the entries of the distinct lists' groups (a rule
// in two groups of a list counts twice): the work of gathering them.
template <class Codes>
std::size_t distinct_lists(const Index& s, Codes&& codes, std::size_t count, std::vector<DistinctList>& lists,
                           std::vector<std::int32_t>* list_of) {
  absl::flat_hash_map<std::vector<std::int32_t>, std::int32_t> seen;
  GroupChain chain;
  std::size_t total = 0;
  for (std::size_t i = 0; i < count; ++i) {
    codes(i, [&](std::string_view code, CategoryId category) {
      groups_for(s, code, category, chain);
      auto [it, fresh] = seen.try_emplace(std::vector<std::int32_t>(chain.begin(), chain.end()),
                                          static_cast<std::int32_t>(lists.size()));
      if (fresh) {
        for (std::int32_t g : chain) total += s.groups[static_cast<std::size_t>(g)].count;
        lists.push_back({code, category, chain});
      }
      if (list_of) (*list_of)[i] = it->second;
    });
  }
  return total;
}

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

// The `ne` leaves of the tree at `n`, in order, and the attributes it tests with `exists`; `nodes` counts
// the tree's nodes.
void ne_leaves(const Index& s, std::int32_t n, std::vector<std::int32_t>& out, std::vector<std::int32_t>& exists,
               std::size_t& nodes) {
  const CondNode& c = s.conditions[static_cast<std::size_t>(n)];
  ++nodes;
  if (c.op == spec::Condition::Op::ne) out.push_back(n);
  if (c.op == spec::Condition::Op::exists) exists.push_back(c.attr);
  for (std::int32_t k = c.first_child; k >= 0; k = s.conditions[static_cast<std::size_t>(k)].next)
    ne_leaves(s, k, out, exists, nodes);
}

void lint_missing_attributes(const Index& s, std::size_t max_per_kind, std::vector<Diagnostic>& out) {
  Capped cap(out, max_per_kind);
  std::vector<std::int32_t> leaves, exists;
  // Each distinct attribute of a rule's `ne` leaves walks the rule's tree once (`without`): a tree of
  // thousands of `ne` on as many attributes is that many walks. Past the lint budget of nodes walked the
  // check stops, with a note. `done` marks the attributes of the rule at hand (by number, in one pass).
  std::vector<std::int32_t> done(s.attr_names.size(), -1);
  std::size_t steps = 0;
  bool over = false;
  for (std::size_t ri = 0; ri < s.rules.size() && !over; ++ri) {
    const CompiledRule& r = s.rules[ri];
    if (r.when < 0) continue;
    leaves.clear();
    exists.clear();
    std::size_t nodes = 0;
    ne_leaves(s, r.when, leaves, exists, nodes);
    // A condition that tests the attribute with `exists` says what it wants when it is missing.
    const auto mark = static_cast<std::int32_t>(ri);
    for (std::int32_t a : exists)
      if (a >= 0 && static_cast<std::size_t>(a) < done.size()) done[static_cast<std::size_t>(a)] = mark;
    for (std::int32_t leaf : leaves) {
      const CondNode& c = s.conditions[static_cast<std::size_t>(leaf)];
      if (c.attr < 0 || static_cast<std::size_t>(c.attr) >= done.size() || done[static_cast<std::size_t>(c.attr)] == mark)
        continue;
      done[static_cast<std::size_t>(c.attr)] = mark;
      if ((steps += nodes) > kShadowBudget) {
        over = true;
        break;
      }
      if (without(s, r.when, c.attr) != Tri::no || !cap.take()) continue;
      const std::string& a = s.attr_names[static_cast<std::size_t>(c.attr)];
      out.push_back(warn(s, s.sources.positions().condition_pointer[static_cast<std::size_t>(leaf)],
                         cat("rule '", r.id, "' never applies to an issue without attribute '", a,
                             "': a comparison on a missing attribute is false, ne too; if such issues should "
                             "match, write {\"any\": [{\"attr\": \"", a,
                             "\", \"exists\": false}, ...the ne...]}; if not, say so with {\"attr\": \"", a,
                             "\", \"exists\": true}")));
    }
  }
  cap.close(warn(s, "/rules", ""), "rules that never apply to an issue without an attribute");
  if (over)
    out.push_back(s.sources.json(FileId::rules, "/rules", Diagnostic::Severity::note,
                                 cat("rules that never apply to an issue without an attribute not all checked: the "
                                     "check walked more than ", kShadowBudget,
                                     " condition nodes (the lint budget)")));
}

// Who may own a case, without routing every cell: per role key, the units its handlers serve (tour
// positions, sorted), by the calendar those handlers' deadlines count on (the handler's, else
// defaults.calendar; SPEC §3.4). Built in one pass over the served units; a tier's start units in one pass
// over the tree.
class Owners {
 public:
  Owners(const Index& s, std::span<const UnitId> by_tin) : s_(s), by_tin_(by_tin), of_key_(s.role_keys.size()) {
    for (std::size_t pos = 0; pos < by_tin.size(); ++pos) {
      const UnitId u = by_tin[pos];
      if (u == kNone) continue;
      const Index::UnitHot& h = s.hot[u];
      for (std::uint32_t i = h.served_begin; i < h.served_begin + h.served_count; ++i) {
        const Index::Served& e = s.served[i];
        add(e.key, e.owner, static_cast<std::int32_t>(pos));
        for (HandlerId a : s.alternates_of(e)) add(e.key, a, static_cast<std::int32_t>(pos));
      }
    }
  }

  // The calendars of the handlers of `k` that may own a case of a rule scoped at `scope` (SPEC §3.3): those
  // that serve an ancestor-or-self of the scope or a unit inside it. Added to `out`, each once; only the
  // calendars `wanted` marks are looked for.
  void rule_calendars(RoleKeyId k, UnitId scope, const std::vector<std::uint8_t>& wanted, std::vector<CalendarId>& out) const {
    const Index::UnitHot& sh = s_.hot[scope];
    for (const ByCalendar& b : of_key_[static_cast<std::size_t>(k)]) {
      if (!wanted[static_cast<std::size_t>(b.calendar)]) continue;
      auto it = std::lower_bound(b.tins.begin(), b.tins.end(), sh.tin);
      bool may = it != b.tins.end() && *it < sh.tout;
      for (UnitId a = sh.parent; !may && a != kNone; a = s_.hot[a].parent)
        may = std::binary_search(b.tins.begin(), b.tins.end(), s_.hot[a].tin);
      if (may && std::find(out.begin(), out.end(), b.calendar) == out.end()) out.push_back(b.calendar);
    }
  }

  // The calendars of the handlers of `k` that a level at `tier` finds from one of its start units (each
  // cell's ancestor at the tier, or the nearest above it; SPEC §3.5): empty when `k` resolves for no cell.
  const std::vector<CalendarId>& level_calendars(RoleKeyId k, std::int32_t tier) {
    auto [it, fresh] = level_.try_emplace(std::pair(tier, k));
    if (!fresh) return it->second;
    const std::vector<std::int32_t>& before = starts_before(tier);
    for (const ByCalendar& b : of_key_[static_cast<std::size_t>(k)])
      for (std::int32_t pos : b.tins) {
        const std::int32_t end = s_.hot[by_tin_[static_cast<std::size_t>(pos)]].tout;
        if (before[static_cast<std::size_t>(end)] == before[static_cast<std::size_t>(pos)]) continue;
        it->second.push_back(b.calendar);
        break;
      }
    return it->second;
  }

 private:
  struct ByCalendar {
    CalendarId calendar;
    std::vector<std::int32_t> tins;
  };

  void add(RoleKeyId k, HandlerId h, std::int32_t pos) {
    const CalendarId own = s_.handler_calendar[static_cast<std::size_t>(h)];
    const CalendarId c = own != kNone ? own : s_.default_calendar;
    std::vector<ByCalendar>& list = of_key_[static_cast<std::size_t>(k)];
    auto [slot, fresh] = group_.try_emplace(std::pair(k, c), static_cast<std::uint32_t>(list.size()));
    if (fresh) list.push_back(ByCalendar{c, {}});
    ByCalendar& b = list[slot->second];
    if (b.tins.empty() || b.tins.back() != pos) b.tins.push_back(pos);
  }

  // Per tour position i, how many start units of a level at `tier` come before it.
  const std::vector<std::int32_t>& starts_before(std::int32_t tier) {
    auto [it, fresh] = before_.try_emplace(tier);
    if (!fresh) return it->second;
    const std::size_t n = by_tin_.size();
    std::vector<UnitId> start(s_.unit_count(), kNone);  // per unit: where a level at `tier` starts from it
    std::vector<std::int32_t>& before = it->second;
    before.assign(n + 1, 0);
    for (std::size_t pos = 0; pos < n; ++pos) {  // parents before children
      const UnitId u = by_tin_[pos];
      if (u == kNone) continue;
      const UnitId p = s_.hot[u].parent;
      start[u] = s_.hot[u].tier <= tier ? u : p == kNone ? kNone : start[p];
      if (s_.hot[u].tier == s_.cell_tier && start[u] != kNone) before[static_cast<std::size_t>(s_.hot[start[u]].tin) + 1] = 1;
    }
    for (std::size_t i = 0; i < n; ++i) before[i + 1] += before[i];
    return before;
  }

  const Index& s_;
  std::span<const UnitId> by_tin_;
  std::vector<std::vector<ByCalendar>> of_key_;
  absl::flat_hash_map<std::pair<RoleKeyId, CalendarId>, std::uint32_t> group_;  // into of_key_[key]
  absl::flat_hash_map<std::int32_t, std::vector<std::int32_t>> before_;
  absl::flat_hash_map<std::pair<std::int32_t, RoleKeyId>, std::vector<CalendarId>> level_;
};

}  // namespace

std::vector<Diagnostic> lint(const Index& s, std::size_t max_per_kind) {
  std::vector<Diagnostic> out;
  const std::size_t n = s.unit_count();
  // Units by tour position; a role key "covers" a unit when it resolves from it.
  std::vector<UnitId> by_tin(n, kNone);
  for (std::size_t u = 0; u < n; ++u)
    if (s.hot[u].tin >= 0) by_tin[static_cast<std::size_t>(s.hot[u].tin)] = static_cast<UnitId>(u);
  auto resolves_below = [&](RoleKeyId k, UnitId scope) { return static_cast<bool>(s.resolve(k, scope)); };
  Owners owners(s, by_tin);

  // ---- coverage holes
  if (s.has_taxonomy) {
    std::size_t cells = 0;
    for (std::size_t u = 0; u < n; ++u) cells += s.hot[u].tier == s.cell_tier;
    // Categories whose codes match the same pattern groups have the same candidates, so the same holes:
    // each distinct list is checked once, and its candidates count against the budget as the cells do.
    std::vector<DistinctList> lists;
    std::vector<std::int32_t> list_of(s.categories.size());
    const std::size_t entries = distinct_lists(
        s, [&](std::size_t c, auto&& each) { each(std::string_view(s.categories[c]), static_cast<CategoryId>(c)); },
        s.categories.size(), lists, &list_of);
    const bool over_cells = cells * s.categories.size() > kCoverageBudget;
    // Not a problem of the bundle, so a note: a strict check of a large jurisdiction still passes.
    if (over_cells)
      out.push_back(s.sources.json(FileId::rules, "/categories", Diagnostic::Severity::note,
                                   cat("coverage holes not checked: ", cells, " cells x ", s.categories.size(),
                                       " categories is over the lint budget of ", kCoverageBudget, " pairs")));
    else if (entries > kCoverageBudget)
      out.push_back(s.sources.json(FileId::rules, "/categories", Diagnostic::Severity::note,
                                   cat("coverage holes not checked: the candidate lists of the categories hold ",
                                       entries, " rule entries, over the lint budget of ", kCoverageBudget)));
    if (!over_cells && entries <= kCoverageBudget) {
      struct Holes {
        std::size_t count = 0;
        std::string sample;
        UnitId first = kNone;  // the first cell without an owner
      };
      std::vector<Holes> holes_of(lists.size());
      std::vector<std::uint8_t> covered(n);
      for (std::size_t l = 0; l < lists.size(); ++l) {
        std::fill(covered.begin(), covered.end(), 0);
        // Every candidate of the list (a rule in two of its groups twice: covering is idempotent).
        for (std::int32_t g : lists[l].chain) {
          const Index::PatternGroup& grp = s.groups[static_cast<std::size_t>(g)];
          for (std::uint32_t i = grp.first; i < grp.first + grp.count; ++i) {
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
        }
        Holes& h = holes_of[l];
        for (std::size_t pos = 0; pos < n; ++pos) {
          UnitId u = by_tin[pos];
          if (u == kNone || s.hot[u].tier != s.cell_tier || covered[pos]) continue;
          if (h.count++ < 3) append(h.sample, h.count > 1 ? ", " : "", s.unit_id(u));
          if (h.first == kNone) h.first = u;
        }
      }
      // Why the first cell of a hole has no owner: a rule whose scope holds it (conditions aside) finds no
      // handler of its route; else no rule of the category has the cell in its scope.
      auto why_hole = [&](std::size_t l, UnitId cell) -> std::string {
        bool any = false;
        for (std::int32_t g : lists[l].chain) any = any || s.groups[static_cast<std::size_t>(g)].count > 0;
        if (!any) return ": no rule's pattern matches it";
        for (std::int32_t g : lists[l].chain) {
          const Index::PatternGroup& grp = s.groups[static_cast<std::size_t>(g)];
          for (std::uint32_t i = grp.first; i < grp.first + grp.count; ++i) {
            const CompiledRule& r = s.rules[s.candidates[i].rule];
            if (!s.is_ancestor_or_self(r.scope, cell)) continue;
            std::string roles;
            for (RoleKeyId k : r.route) append(roles, roles.empty() ? "" : ", ", s.role_key_label(k));
            return cat(": in ", s.unit_id(cell), " rule '", r.id, "' applies, but no handler of its route (", roles,
                       ") serves the cell or its ancestors");
          }
        }
        return cat(": no rule for it has ", s.unit_id(cell), " in its scope");
      };
      Capped cap(out, max_per_kind);
      for (std::size_t c = 0; c < s.categories.size(); ++c) {
        const Holes& h = holes_of[static_cast<std::size_t>(list_of[c])];
        if (!h.count || !cap.take()) continue;
        // Every cell: say so, rather than list three of them as if the gap were partial.
        std::string where = h.count == cells && cells > 1
                                ? cat("any cell (all ", cells, ")")
                                : cat(h.count, " cell", h.count == 1 ? "" : "s", " (", h.sample, h.count > 3 ? ", ..." : "", ")");
        where += why_hole(static_cast<std::size_t>(list_of[c]), h.first);
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
      cap.close(s.sources.json(FileId::rules, "/categories", s.fallback != kNone ? Diagnostic::Severity::note : kWarning, ""),
                s.fallback != kNone ? "categories that no rule routes in some cells" : "coverage holes");
    }
  }

  // ---- shadowed rules: for every category the rule matches, earlier unconditional rules whose scopes
  // contain the rule's scope win first wherever the rule could: one of them resolves at the rule's scope
  // (so in every cell below it), or together their routes hold every role key of the rule's route (where
  // the rule finds a handler, they find the same one first).
  // Each distinct candidate list is walked once, in winning order. The earlier unconditional candidates
  // are kept as the union of their route keys per scope, so a candidate costs the depth of its scope and
  // those keys, not every candidate before it (that was cubic in the rules of a category).
  {
    std::vector<std::uint8_t> can_win(s.rules.size(), 0), seen(s.rules.size(), 0);
    std::vector<Candidate> blocked_by(s.rules.size(), Candidate{kNone, 0, 0, 0, 0});
    std::vector<Candidate> blocked_cand(s.rules.size(), Candidate{kNone, 0, 0, 0, 0});
    std::vector<DistinctList> lists;
    std::vector<std::string> unnamed;  // codes of the lists without a taxonomy (below), which they view
    std::size_t entries = 0;
    if (s.has_taxonomy) {
      entries = distinct_lists(
          s, [&](std::size_t c, auto&& each) { each(std::string_view(s.categories[c]), static_cast<CategoryId>(c)); },
          s.categories.size(), lists, nullptr);
    } else {
      // Without a taxonomy any code may come: the codes the rules name (a prefix pattern by its code), and
      // for `*` and each prefix a code that only it and shorter patterns match — a segment no pattern can
      // name (\x01), so that a catch-all or a prefix rule that wins for codes nobody names is seen winning.
      std::size_t prefixes = 0;
      for (const CompiledRule& r : s.rules)
        for (const auto& p : r.patterns) prefixes += p.ends_with(".*");
      unnamed.reserve(prefixes + 1);  // the views below point into these strings: no reallocation
      if (s.star_group >= 0) unnamed.emplace_back("\x01");
      entries = distinct_lists(
          s,
          [&](std::size_t r, auto&& each) {
            for (const auto& p : s.rules[r].patterns) {
              if (p == "*") continue;
              if (!p.ends_with(".*")) {
                each(std::string_view(p), kNone);
                continue;
              }
              const std::string_view stem = std::string_view(p).substr(0, p.size() - 2);
              each(stem, kNone);
              unnamed.push_back(cat(stem, ".\x01"));
              each(std::string_view(unnamed.back()), kNone);
            }
          },
          s.rules.size(), lists, nullptr);
      if (s.star_group >= 0) {
        GroupChain chain;
        groups_for(s, unnamed.front(), kNone, chain);
        lists.push_back({unnamed.front(), kNone, chain});
        for (std::int32_t g : chain) entries += s.groups[static_cast<std::size_t>(g)].count;
      }
    }
    std::size_t steps = entries;
    bool over = entries > kShadowBudget;
    // Per scope: the route keys of the earlier unconditional candidates there, each with the first
    // candidate that has it.
    absl::flat_hash_map<UnitId, std::vector<std::pair<RoleKeyId, Candidate>>> keys_at;
    // The (unit, key) pairs in keys_at, so that a rule of many route references adds each in one step (a
    // search of the unit's list was the square of the references).
    absl::flat_hash_set<std::uint64_t> key_listed;
    std::vector<Candidate> scratch;
    for (std::size_t l = 0; l < lists.size() && !over; ++l) {
      std::span<const Candidate> cands;
      candidates_for(s, lists[l].code, lists[l].category, scratch, cands);
      for (const Candidate& cand : cands) {
        const CompiledRule& r = s.rules[cand.rule];
        seen[cand.rule] = 1;
        if (!can_win[cand.rule]) {
          bool blocked = false;
          Candidate by{kNone, 0, 0, 0, 0};
          // Which of the rule's route keys an earlier rule also routes by (a rule of more than 64 route
          // references is only checked the first way).
          std::uint64_t held = 0;
          const std::size_t nkeys = r.route.size();
          for (UnitId u = r.scope; !keys_at.empty() && u != kNone && !blocked; u = s.hot[u].parent) {
            ++steps;
            auto it = keys_at.find(u);
            if (it == keys_at.end()) continue;
            for (const auto& [k, e] : it->second) {
              ++steps;
              if (resolves_below(k, r.scope)) {
                blocked = true;
                by = e;
                break;
              }
              for (std::size_t i = 0; i < nkeys && i < 64; ++i)
                if (r.route[i] == k && !(held >> i & 1)) {
                  held |= std::uint64_t{1} << i;
                  if (by.rule == kNone) by = e;
                }
            }
          }
          if (!blocked && nkeys > 0 && nkeys <= 64 && held == (nkeys == 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << nkeys) - 1))
            blocked = true;
          if (!blocked) can_win[cand.rule] = 1;
          else if (blocked_by[cand.rule].rule == kNone) blocked_by[cand.rule] = by, blocked_cand[cand.rule] = cand;
        }
        if (r.when < 0) {
          std::vector<std::pair<RoleKeyId, Candidate>>& keys = keys_at[r.scope];
          for (RoleKeyId k : r.route) {
            ++steps;
            if (key_listed.insert(std::uint64_t{static_cast<std::uint32_t>(r.scope)} << 32 | static_cast<std::uint32_t>(k)).second)
              keys.emplace_back(k, cand);
          }
        }
        if (steps > kShadowBudget) {
          over = true;
          break;
        }
      }
      keys_at.clear();
      key_listed.clear();
    }
    if (over)
      out.push_back(s.sources.json(FileId::rules, "/rules", Diagnostic::Severity::note,
                         entries > kShadowBudget
                             ? cat("rules that can never win not checked: the candidate lists of the categories hold ",
                                   entries, " rule entries, over the lint budget of ", kShadowBudget)
                             : cat("rules that can never win not checked: the check took more than ", kShadowBudget,
                                   " steps (the lint budget)")));
    Capped shadowed(out, max_per_kind);
    for (std::size_t r = 0; r < s.rules.size() && !over; ++r) {
      if (!seen[r] || can_win[r] || !shadowed.take()) continue;
      // The first rule found ahead of it, and why that one comes first.
      const Candidate& by = blocked_by[r];
      std::string ahead;
      if (by.rule != kNone) {
        OrderBy order = OrderBy::same;
        wins_over(s, by, blocked_cand[r], &order);
        ahead = cat(" (here rule '", s.rules[by.rule].id, "', first by ",
                    order == OrderBy::priority      ? "its higher priority"
                    : order == OrderBy::scope_depth ? "its deeper scope"
                    : order == OrderBy::specificity ? "its more specific category pattern"
                                                    : "its place earlier in rules.json",
                    ")");
      }
      out.push_back(warn(s, cat("/rules/", r),
                         cat("rule '", s.rules[r].id, "' can never win: for each of its categories a rule that comes "
                             "first", ahead, ", without a condition and over its scope, finds a handler wherever it "
                             "would; raise its priority or narrow the other rule to change that")));
    }
    shadowed.close(warn(s, "/rules", ""), "rules that can never win");
    // Rules none of whose route references resolve anywhere.
    const std::vector<bool> has = s.held_role_keys();
    // The role keys that handlers have, by label, for "did you mean" (a department misspelt).
    std::vector<std::string> held_labels;
    for (std::size_t k = 0; k < s.role_keys.size(); ++k)
      if (has[k]) held_labels.push_back(s.role_key_label(static_cast<RoleKeyId>(k)));
    // " (did you mean ...?)" for a key no handler has: among the departments of its role that handlers
    // have, else among the roles.
    // The departments that handlers have, per role (built once: a search of every key for each unheld
    // reference was the square of the keys when findings are not capped low).
    std::vector<std::vector<std::string>> held_departments(s.role_names.size());
    for (std::size_t j = 0; j < s.role_keys.size(); ++j) {
      const RoleKey& o = s.role_keys[j];
      if (has[j] && o.department >= 0)
        held_departments[static_cast<std::size_t>(o.role)].push_back(s.department_names[static_cast<std::size_t>(o.department)]);
    }
    auto near_key = [&](RoleKeyId k) {
      const RoleKey& key = s.role_keys[static_cast<std::size_t>(k)];
      const std::vector<std::string>& near = held_departments[static_cast<std::size_t>(key.role)];
      if (key.department >= 0 && !near.empty()) {
        Suggest sg(s.department_names[static_cast<std::size_t>(key.department)]);
        sg.consider_all(near);
        return sg.found() ? cat(" (did you mean department \"", sg.best(), "\"?)") : std::string();
      }
      return did_you_mean(s.role_key_label(k), held_labels);
    };
    auto labels = [&](const std::vector<RoleKeyId>& keys) {
      std::string t;
      for (RoleKeyId k : keys) append(t, t.empty() ? "" : ", ", s.role_key_label(k));
      return t;
    };
    // Per role key, the tour positions of the units its handlers serve (sorted): a handler serves in a
    // rule's scope when one of them falls in the scope's interval.
    std::vector<std::vector<std::int32_t>> served_tins(s.role_keys.size());
    for (std::size_t h = 0; h < s.handler_role.size(); ++h) {
      const RoleKeyId k = s.handler_role[h];
      if (k == kNone) continue;
      for (UnitId u : s.serves_of(static_cast<HandlerId>(h))) served_tins[static_cast<std::size_t>(k)].push_back(s.hot[u].tin);
    }
    for (auto& v : served_tins) std::sort(v.begin(), v.end());
    auto serves_in = [&](RoleKeyId k, UnitId scope) {
      const auto& v = served_tins[static_cast<std::size_t>(k)];
      auto it = std::lower_bound(v.begin(), v.end(), s.hot[scope].tin);
      return it != v.end() && *it < s.hot[scope].tout;
    };
    Capped unroutable(out, max_per_kind), unheld(out, max_per_kind);
    std::vector<bool> flagged(s.rules.size(), false);
    for (std::size_t r = 0; r < s.rules.size(); ++r) {
      const CompiledRule& rule = s.rules[r];
      bool any = false, here = false;
      for (RoleKeyId k : rule.route) {
        any = any || has[k];
        here = here || (has[k] && (s.resolve(k, rule.scope) || serves_in(k, rule.scope)));
      }
      if (here) continue;
      flagged[r] = true;
      if (!unroutable.take()) continue;
      if (!any) {
        std::string hint;
        if (rule.route.size() == 1) hint = near_key(rule.route[0]);
        out.push_back(warn(s, cat("/rules/", r, "/route"),
                           cat("rule '", rule.id, "' can never route: no handler has any of its roles (",
                               labels(rule.route), ")", hint)));
      } else {
        out.push_back(warn(s, cat("/rules/", r, "/route"),
                           cat("rule '", rule.id, "' can never route in its scope '", s.unit_id(rule.scope),
                               "': no handler of its roles (", labels(rule.route), ") serves that unit, a unit above "
                               "it or a unit in it")));
      }
    }
    unroutable.close(warn(s, "/rules", ""), "rules that can never route");
    // A reference no handler has, among others that resolve (a misspelt department or role): it is passed
    // over on every issue.
    auto unheld_refs = [&](const std::vector<RoleKeyId>& keys, const std::string& where, const std::string& what) {
      for (std::size_t i = 0; i < keys.size(); ++i) {
        if (has[keys[i]] || !unheld.take()) continue;
        const std::string label = s.role_key_label(keys[i]);
        // At the list (the positions kept are the lists'), naming the reference by its place in it.
        out.push_back(warn(s, where,
                           cat(what, ": no handler has the role '", label, "' (reference ", i + 1,
                               "), so it never resolves", near_key(keys[i]))));
      }
    };
    for (std::size_t r = 0; r < s.rules.size(); ++r) {
      if (!flagged[r]) unheld_refs(s.rules[r].route, cat("/rules/", r, "/route"), cat("rule '", s.rules[r].id, "', route"));
      unheld_refs(s.rules[r].assist, cat("/rules/", r, "/assist"), cat("rule '", s.rules[r].id, "', assist"));
    }
    for (std::size_t p = 0; p < s.policies.size(); ++p)
      for (std::size_t l = 1; l < s.policies[p].levels.size(); ++l) {
        const CompiledLevel& lv = s.policies[p].levels[l];
        bool any = false;
        for (RoleKeyId k : lv.route) any = any || has[k];
        const std::string at = cat("/escalation_policies/", p, "/levels/", l);
        const std::string what = cat("level \"", lv.name, "\" of policy '", s.policies[p].id, "'");
        if (any) unheld_refs(lv.route, at + "/route", what + ", route");  // none at all: said below
        unheld_refs(lv.assist, at + "/assist", what + ", assist");
      }
    unheld.close(warn(s, "/rules", ""), "references that no handler has");
    // Escalation levels that resolve for no cell, passed over for every cell (SPEC §3.5): no handler has
    // any of their roles, or their handlers all serve below the units where the level starts.
    Capped never(out, max_per_kind);
    for (std::size_t p = 0; p < s.policies.size(); ++p)
      for (std::size_t l = 1; l < s.policies[p].levels.size(); ++l) {
        const CompiledLevel& lv = s.policies[p].levels[l];
        bool any = false, found = false;
        for (RoleKeyId k : lv.route) any = any || has[k];
        if (lv.route.empty() || (any && lv.tier < 0)) continue;
        for (RoleKeyId k : lv.route) found = found || (has[k] && !owners.level_calendars(k, lv.tier).empty());
        if (found || !never.take()) continue;
        std::string why = "no handler has any of its roles";
        if (any) {
          std::string roles;
          for (RoleKeyId k : lv.route) append(roles, roles.empty() ? "" : ", ", s.role_key_label(k));
          const std::string& tier = s.tiers[static_cast<std::size_t>(lv.tier)];
          why = cat("the handlers of its roles (", roles, ") serve no unit at or above where it starts (a cell's ", tier,
                    " unit, or the nearest above it)");
        }
        out.push_back(warn(s, cat("/escalation_policies/", p, "/levels/", l, "/route"),
                           cat("level \"", lv.name, "\" of policy '", s.policies[p].id, "' can never resolve: ", why,
                               "; escalation passes it over for every cell")));
      }
    never.close(warn(s, "/escalation_policies", ""), "escalation levels that can never resolve");
  }

  // ---- handlers that serve nothing routable
  {
    std::vector<bool> referenced(s.role_keys.size(), false);
    for (const auto& r : s.rules) {
      for (RoleKeyId k : r.route) referenced[k] = true;
      for (RoleKeyId k : r.assist) referenced[k] = true;
    }
    for (const auto& p : s.policies)
      for (const auto& l : p.levels) {
        for (RoleKeyId k : l.route) referenced[k] = true;
        for (RoleKeyId k : l.assist) referenced[k] = true;  // co-handlers of a level (SPEC §6.4)
      }
    Capped idle(out, max_per_kind);
    for (std::size_t h = 0; h < s.handler_ids.size(); ++h) {
      RoleKeyId k = s.handler_role[h];
      // The fallback owner takes what no rule routes (SPEC §6.4), whatever its role.
      if (k == kNone || referenced[k] || static_cast<HandlerId>(h) == s.fallback || !idle.take()) continue;
      out.push_back(s.sources.handler(static_cast<std::int32_t>(h), kWarning,
                                      cat("handler '", s.handler_ids[h], "' serves nothing routable: no rule or "
                                          "escalation level refers to role '", s.role_key_label(k), "'")));
    }
    idle.close(s.sources.json(FileId::jurisdiction, "/handlers", kWarning, ""), "handlers that serve nothing routable");

    // Handlers of a referenced role that no walk ever reaches: from every cell for the rules' roles, and
    // from every unit where an escalation level starts for that level's roles, a nearer unit's handler
    // of the role answers first (or one before them at their unit). They take a case only when those
    // return it (SPEC §6.2), so this is a note.
    std::vector<bool> by_rules(s.role_keys.size(), false);
    for (const auto& r : s.rules) {
      for (RoleKeyId k : r.route) by_rules[k] = true;
      for (RoleKeyId k : r.assist) by_rules[k] = true;
    }
    std::vector<RoleKeyId> rule_keys;
    for (std::size_t k = 0; k < by_rules.size(); ++k)
      if (by_rules[k]) rule_keys.push_back(static_cast<RoleKeyId>(k));
    std::size_t cells = 0, level_walks = 0;
    for (std::size_t u = 0; u < n; ++u) cells += s.hot[u].tier == s.cell_tier;
    for (const auto& p : s.policies)
      for (const auto& l : p.levels)
        if (l.tier >= 0) level_walks += cells * (l.route.size() + l.assist.size());
    const std::size_t walks = cells * rule_keys.size() + level_walks;
    if (walks > kCoverageBudget)
      out.push_back(s.sources.json(FileId::rules, "/rules", Diagnostic::Severity::note,
                                   cat("handlers that nearer ones hide everywhere not looked for: ", walks,
                                       " walks up the tree is over the lint budget of ", kCoverageBudget)));
    if (walks <= kCoverageBudget) {
      std::vector<std::uint8_t> reached(s.handler_ids.size(), 0);
      auto walk = [&](RoleKeyId k, UnitId from) {
        Resolution r = s.resolve(k, from);
        if (!r) return;
        reached[static_cast<std::size_t>(r.owner)] = 1;
        for (HandlerId a : r.alternates) reached[static_cast<std::size_t>(a)] = 1;
      };
      for (std::size_t u = 0; u < n; ++u) {
        if (s.hot[u].tier != s.cell_tier) continue;
        for (RoleKeyId k : rule_keys) walk(k, static_cast<UnitId>(u));
        for (const auto& p : s.policies)
          for (const auto& l : p.levels) {
            if (l.tier < 0) continue;
            const UnitId a = s.ancestor_at_tier(static_cast<UnitId>(u), l.tier);
            if (a == kNone) continue;
            for (RoleKeyId k : l.route) walk(k, a);
            for (RoleKeyId k : l.assist) walk(k, a);
          }
      }
      Capped hidden(out, max_per_kind);
      for (std::size_t h = 0; h < s.handler_ids.size(); ++h) {
        const RoleKeyId k = s.handler_role[h];
        if (k == kNone || !referenced[k] || reached[h] || static_cast<HandlerId>(h) == s.fallback || !hidden.take())
          continue;
        out.push_back(s.sources.handler(
            static_cast<std::int32_t>(h), Diagnostic::Severity::note,
            cat("handler '", s.handler_ids[h], "' is never an owner nor an alternate: wherever a case looks for ",
                s.role_key_label(k), ", a handler at a nearer unit (or before it at its own) answers first; it takes a "
                "case only when those return it")));
      }
      hidden.close(s.sources.json(FileId::jurisdiction, "/handlers", Diagnostic::Severity::note, ""),
                   "handlers that are never an owner nor an alternate");
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

  // ---- policies never used: a rule's own escalation, else defaults.escalation (the compiler gives it to the
  // rules without one), and defaults.escalation for the fallback owner's cases (SPEC §6.4)
  std::vector<bool> used(s.policies.size(), false);
  {
    for (const auto& r : s.rules)
      if (r.policy != kNone) used[r.policy] = true;
    if (s.fallback != kNone && s.fallback_rule.policy != kNone) used[s.fallback_rule.policy] = true;
    Capped cap(out, max_per_kind);
    for (std::size_t p = 0; p < s.policies.size(); ++p) {
      if (used[p] || !cap.take()) continue;
      out.push_back(warn(s, cat("/escalation_policies/", p),
                         static_cast<PolicyId>(p) == s.fallback_rule.policy
                             ? cat("escalation policy '", s.policies[p].id, "' is never used: it is defaults.escalation, "
                                   "but every rule names its own escalation and there is no defaults.fallback")
                             : cat("escalation policy '", s.policies[p].id, "' is never used by any rule or default")));
    }
    cap.close(warn(s, "/escalation_policies", ""), "policies never used");
  }

  // ---- local_time windows that hold no time (SPEC §3.2: half-open, wrapping midnight when the start is
  // later than the end; the time of day is 00:00 to 23:59). [a, a) is empty, and so is ["24:00", "00:00"]:
  // from the day's end round to its start.
  {
    Capped cap(out, max_per_kind);
    constexpr int kDay = 24 * 60;
    for (std::size_t i = 0; i < s.conditions.size() && i < s.sources.positions().condition_pointer.size(); ++i) {
      const CondNode& c = s.conditions[i];
      if (c.op != spec::Condition::Op::local_time) continue;
      const int begin = c.window_begin / 60, end = c.window_end / 60;  // minutes of the day, 24:00 is kDay
      const bool same = begin == end;
      if ((!same && !(begin == kDay && end == 0)) || !cap.take()) continue;
      out.push_back(warn(s, s.sources.positions().condition_pointer[i],
                         same ? std::string("this local_time window starts where it ends, so it holds no time and the "
                                            "condition is never true (the whole day is [\"00:00\", \"24:00\"])")
                              : std::string("this local_time window starts at 24:00, where the day ends, and wraps round "
                                            "to 00:00, where it begins, so it holds no time and the condition is never "
                                            "true (the whole day is [\"00:00\", \"24:00\"])")));
    }
    cap.close(warn(s, "/rules", ""), "local_time windows that hold no time");
  }

  // ---- working durations whose deadline falls past the search horizon of the calendar that counts it
  // A count of wh or wd looks for working time in the kCountHorizonDays after its start; a deadline past
  // them is written null, and a case never misses it. Each use is counted on the calendars it can count on
  // (SPEC §3.4): a rule's own calendar, else those of the handlers of its route that may own its cases,
  // else defaults.calendar; a level's, those of the handlers of its route found from its start units; the
  // fallback owner's. Counted from 2000-01-01 (the counts depend on the weekdays and hours, and on the
  // holidays near the start), each duration once per calendar. A use whose duration is defaults.sla's is
  // reported there.
  {
    const Instant from = (absl::CivilSecond(2000, 1, 1, 0, 0, 0) - absl::CivilSecond(1970, 1, 1, 0, 0, 0)) * kMicrosPerSecond;
    absl::flat_hash_map<std::pair<std::int64_t, CalendarId>, bool> past;  // (kind and count, calendar)
    absl::flat_hash_map<std::string, bool> reported;                      // pointer, duration, calendar
    Capped cap(out, max_per_kind);
    std::vector<CalendarId> cals;
    auto working = [](const std::optional<Duration>& d) {
      return d && d->working();
    };
    auto check = [&](const std::optional<Duration>& d, const std::optional<Duration>& by_default,
                     std::string_view default_pointer, std::string_view own_pointer) {
      if (!working(d)) return;
      const std::string_view pointer = by_default && *by_default == *d ? default_pointer : own_pointer;
      for (CalendarId c : cals) {
        const Calendar& cal = s.calendars[static_cast<std::size_t>(c)];
        const std::int64_t kind_and_n = d->n * 8 + static_cast<std::int64_t>(d->kind);
        auto [it, fresh] = past.try_emplace(std::pair(kind_and_n, c), false);
        // A calendar without weekdays runs out after its make-up days: warned below.
        if (fresh) it->second = !cal.weekdays().empty() && cal.add(from, *d) == kNoInstant;
        if (!it->second || !reported.try_emplace(cat(pointer, "\n", to_string(*d), "\n", c), true).second ||
            !cap.take())
          continue;
        out.push_back(warn(s, std::string(pointer),
                           cat("a deadline of ", to_string(*d), " on calendar '", cal.id(), "' falls more than ",
                               kCountHorizonDays, " days (about ", kCountHorizonDays / 365,
                               " years) after its start, past what is counted: it is written null, and a case never "
                               "misses it")));
      }
    };
    // First which calendars any working duration of the bundle runs past on: the uses are looked at on
    // those calendars only, and not at all when there is none (the usual case).
    std::vector<std::uint8_t> wanted(s.calendars.size(), 0);
    bool any_past = false;
    {
      std::vector<Duration> durations;
      auto note_duration = [&](const std::optional<Duration>& d) {
        if (working(d) && std::find(durations.begin(), durations.end(), *d) == durations.end()) durations.push_back(*d);
      };
      note_duration(s.default_respond);
      note_duration(s.default_resolve);
      for (const CompiledRule& rule : s.rules) note_duration(rule.respond), note_duration(rule.resolve);
      for (const CompiledPolicy& pol : s.policies)
        for (const CompiledLevel& lv : pol.levels) note_duration(lv.respond), note_duration(lv.resolve);
      for (std::size_t c = 0; c < s.calendars.size(); ++c) {
        const Calendar& cal = s.calendars[c];
        for (const Duration& d : durations) {
          // A calendar without weekdays runs out after its make-up days: warned below.
          const bool over = !cal.weekdays().empty() && cal.add(from, d) == kNoInstant;
          past.emplace(std::pair(d.n * 8 + static_cast<std::int64_t>(d.kind), static_cast<CalendarId>(c)), over);
          if (over) wanted[c] = 1, any_past = true;
        }
      }
    }
    if (any_past && s.fallback != kNone && (working(s.default_respond) || working(s.default_resolve))) {
      const CalendarId own = s.handler_calendar[static_cast<std::size_t>(s.fallback)];
      cals.assign(1, own != kNone ? own : s.default_calendar);
      check(s.default_respond, s.default_respond, "/defaults/sla/respond", "/defaults/sla/respond");
      check(s.default_resolve, s.default_resolve, "/defaults/sla/resolve", "/defaults/sla/resolve");
    }
    for (std::size_t r = 0; r < s.rules.size() && any_past; ++r) {
      const CompiledRule& rule = s.rules[r];
      if (!working(rule.respond) && !working(rule.resolve)) continue;
      cals.clear();
      if (rule.calendar != kNone) cals.push_back(rule.calendar);
      else
        for (RoleKeyId k : rule.route) owners.rule_calendars(k, rule.scope, wanted, cals);
      const std::string pointer = cat("/rules/", r);
      check(rule.respond, s.default_respond, "/defaults/sla/respond", pointer);
      check(rule.resolve, s.default_resolve, "/defaults/sla/resolve", pointer);
    }
    for (std::size_t p = 0; p < s.policies.size() && any_past; ++p) {
      if (!used[p]) continue;  // no case counts its deadlines
      const std::string pointer = cat("/escalation_policies/", p);
      for (std::size_t l = 1; l < s.policies[p].levels.size(); ++l) {
        const CompiledLevel& lv = s.policies[p].levels[l];
        if (lv.tier < 0 || (!working(lv.respond) && !working(lv.resolve))) continue;
        cals.clear();
        for (RoleKeyId k : lv.route)
          for (CalendarId c : owners.level_calendars(k, lv.tier))
            if (std::find(cals.begin(), cals.end(), c) == cals.end()) cals.push_back(c);
        check(lv.respond, s.default_respond, "/defaults/sla/respond", pointer);
        check(lv.resolve, s.default_resolve, "/defaults/sla/resolve", pointer);
      }
    }
    cap.close(warn(s, "", ""), "durations past the search horizon");
  }

  // ---- calendars whose working time runs out, and make-up days that change nothing
  Capped run_out(out, max_per_kind), idle_days(out, max_per_kind), both_lists(out, max_per_kind);
  for (std::size_t c = 0; c < s.calendars.size(); ++c) {
    const Calendar& cal = s.calendars[c];
    if (cal.id() == "(always)" && static_cast<CalendarId>(c) == s.default_calendar) continue;  // built in
    const std::vector<int> weekdays = cal.weekdays();
    const std::vector<absl::CivilDay> workdays = cal.workdays();
    if (weekdays.empty() && !workdays.empty()) {
      if (run_out.take())
        out.push_back(warn(s, cat("/calendars/", c, "/weekdays"),
                           cat("calendar '", cal.id(), "' works on no weekday, only on its ",
                               workdays.size() == 1 ? std::string("make-up day") : cat(workdays.size(), " make-up days"),
                               ": a deadline in wh or wd that runs past ", absl::FormatCivilTime(workdays.back()),
                               " never falls (null), so a case on this calendar never misses it")));
      continue;
    }
    const std::vector<absl::CivilDay> holidays = cal.holidays();
    for (std::size_t k = 0; k < workdays.size(); ++k) {
      const absl::CivilDay d = workdays[k];
      // In both lists: worked (SPEC §3.4: a date in workdays is a working day), which a holiday copied
      // into the wrong list, or a make-up day copied into the holidays, makes silently.
      if (std::binary_search(holidays.begin(), holidays.end(), d) && both_lists.take())
        out.push_back(warn(s, cat("/calendars/", c, "/workdays"),
                           cat("calendar '", cal.id(), "': ", absl::FormatCivilTime(d),
                               " is in both its holidays and its workdays, so it is worked (a date in workdays "
                               "always is); take it out of the list it does not belong to")));
      const int iso = static_cast<int>(absl::GetWeekday(d)) + 1;  // absl: Monday is 0
      if (std::find(weekdays.begin(), weekdays.end(), iso) == weekdays.end()) continue;
      if (std::binary_search(holidays.begin(), holidays.end(), d) || !idle_days.take()) continue;
      out.push_back(warn(s, cat("/calendars/", c, "/workdays"),
                         cat("calendar '", cal.id(), "': make-up day ", absl::FormatCivilTime(d),
                             " is a working weekday already, so it changes nothing (a make-up day is a weekend day "
                             "or holiday worked)")));
    }
  }
  run_out.close(warn(s, "/calendars", ""), "calendars that work on no weekday");
  idle_days.close(warn(s, "/calendars", ""), "make-up days that change nothing");
  both_lists.close(warn(s, "/calendars", ""), "dates in both holidays and workdays");

  // ---- severity_skip without a declared number to read: undeclared attributes are ignored (SPEC §4)
  {
    const std::int32_t at = s.find_attr("severity");
    const bool number = at >= 0 && s.attr_types[static_cast<std::size_t>(at)] == AttrType::number;
    Capped cap(out, max_per_kind);
    for (std::size_t p = 0; p < s.policies.size() && !number; ++p)
      if (s.policies[p].has_skip && cap.take())
        out.push_back(warn(s, cat("/escalation_policies/", p, "/severity_skip"),
                           cat("severity_skip of policy '", s.policies[p].id, "' never applies: /attributes ",
                               at < 0 ? "does not declare \"severity\"" : "declares \"severity\" as another type than number",
                               ", and an issue's undeclared attributes are ignored; declare \"severity\": \"number\"")));
    cap.close(warn(s, "/escalation_policies", ""), "policies whose severity_skip never applies");
  }
  return out;
}

}  // namespace gridroute::detail
