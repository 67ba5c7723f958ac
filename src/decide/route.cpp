// Routing (SPEC §3.1–§3.3, §3.5 severity_skip): which rule wins, who owns the issue, its deadlines.
#include <algorithm>

#include "base/strings.hpp"
#include "base/text.hpp"
#include "compile/candidates.hpp"
#include "compile/order.hpp"
#include "decide/decide.hpp"
#include "decide/levels.hpp"

namespace gridroute::detail {
namespace {

Verdict lost_to(const Index& s, const Candidate& winner, const Candidate& c) {
  OrderBy by;
  wins_over(s, winner, c, &by);
  switch (by) {
    case OrderBy::priority: return Verdict::lower_priority;
    case OrderBy::scope_depth: return Verdict::shallower_scope;
    case OrderBy::specificity: return Verdict::less_specific;
    default: return Verdict::later_in_file;
  }
}

// Tries a candidate whose scope holds the cell: its condition, then its route references in order.
// Fills `d` when it wins.
Verdict try_candidate(const Index& s, const Candidate& c, const PreparedIssue& is, Decision& d) {
  const Index::RuleHot& r = s.rule_hot[static_cast<std::size_t>(c.rule)];
  // What route_into reads of the winner (its assists, durations and calendar), fetched while the
  // condition and the route are tried.
  const CompiledRule& full = s.rules[static_cast<std::size_t>(c.rule)];
  __builtin_prefetch(&full.assist);
  __builtin_prefetch(&full.calendar);
  if (r.when >= 0 && !eval(s, r.when, is, r.condition_calendar)) return Verdict::condition_false;
  for (const RoleKeyId* k = s.rule_route_keys.data() + r.route_first, *e = k + r.route_count; k != e; ++k) {
    Resolution res = s.resolve(*k, is.cell);
    if (!res) continue;
    d.status = Decision::Status::routed;
    d.rule = c.rule;
    d.role = *k;
    d.handler = res.owner;
    d.unit = res.unit;
    d.alternates = res.alternates;
    d.policy = r.policy;
    d.level = 0;
    return Verdict::won;
  }
  return Verdict::no_handler;
}

// A trace entry; a condition that failed says which part of it failed, and on what value.
void trace(const Index& s, const Candidate& c, Verdict v, const PreparedIssue& is, Decision& d) {
  d.trace.push_back({c.rule, v, c.pattern, {}});
  if (v != Verdict::condition_false) return;
  const CompiledRule& r = s.rules[c.rule];
  eval_explained(s, r.when, is, r.condition_calendar, d.trace.back().why_not);
}

void unrouted_message(const PreparedIssue& is, std::size_t candidates, std::size_t applicable, Decision& d) {
  if (candidates == 0) d.message = cat("no rule matches category '", is.category_code, "'");
  else if (applicable == 0)
    d.message = cat(candidates, candidates == 1 ? " rule matches" : " rules match", " category '", is.category_code,
                    "', but none applies here (scope or condition)");
  else
    d.message = cat(applicable, applicable == 1 ? " rule applies, but no handler of its roles"
                                                : " rules apply, but no handler of their roles",
                    " serves the cell or its ancestors");
}

// The tables a search runs over: the pattern groups themselves, or the merged chains (Index::merged).
struct GroupTables {
  const Index::PatternGroup* groups;
  const Candidate* candidates;
  const Index::ScopeNode* nodes;
  const std::int32_t* tins;  // nodes[i].tin
  const std::uint32_t* positions;
};

// The fast path: only the candidates whose scope holds the cell, in winning order — in each group of
// `search`, the chain of enclosing scopes from the deepest one; the heads merged by position within a
// group and by the winning order across groups. `search` is the code's chain of pattern groups, or the
// one merged group of that chain. Returns true when a candidate won; else `applicable` counts the
// candidates whose scope and condition held (for the unrouted message).
// `start`, for a search of one group, is that group's deepest node at or before the cell (find_scope_starts
// found it beside the other issues of a batch), or kSearch to find it here.
constexpr std::int32_t kSearch = kSearchScope;
bool route_by_scope(const Index& s, const PreparedIssue& is, const GroupTables& t, std::span<const std::int32_t> search,
                    std::size_t& applicable, Decision& d, std::int32_t start = kSearch, std::int32_t first = -1) {
  // The candidate find_starts found first: most issues are routed by it, without the heads below. One
  // that does not win leaves `d` as it was, and the search below tries it again in its turn.
  if (first >= 0) {
    const Candidate& c = t.candidates[t.groups[static_cast<std::size_t>(search[0])].first + static_cast<std::uint32_t>(first)];
    if (try_candidate(s, c, is, d) == Verdict::won) return true;
  }
  const std::int32_t cell_tin = s.hot[is.cell].tin;
  const Index::ScopeNode* nodes = t.nodes;
  struct Head {
    const std::uint32_t* p;
    const std::uint32_t* e;
    const Candidate* cands;  // the group's candidates
    std::uint32_t at;        // the group's position in the chain
  };
  absl::InlinedVector<Head, 16> heads;
  for (std::uint32_t k = 0; k < search.size(); ++k) {
    const Index::PatternGroup& g = t.groups[static_cast<std::size_t>(search[k])];
    std::int32_t node = start;
    if (node == kSearch) {
      const std::int32_t* tb = t.tins + g.node_first;
      const std::int32_t* it = std::upper_bound(tb, tb + g.node_count, cell_tin);
      node = it == tb ? -1 : static_cast<std::int32_t>(it - 1 - t.tins);
    }
    while (node >= 0 && cell_tin >= nodes[node].tout) node = nodes[node].up;
    for (; node >= 0; node = nodes[node].up) {
      const std::uint32_t* p = t.positions + nodes[node].first;
      heads.push_back({p, p + nodes[node].count, t.candidates + g.first, k});
    }
  }
  applicable = 0;
  for (;;) {
    Head* best = nullptr;
    for (Head& h : heads) {
      if (h.p == h.e) continue;
      if (best == nullptr || (h.cands == best->cands ? *h.p < *best->p
                                                     : wins_over(s, h.cands[*h.p], best->cands[*best->p])))
        best = &h;
    }
    if (best == nullptr) break;
    const Candidate& c = best->cands[*best->p++];
    if (search.size() > 1 && dominated(s, c.rule, search, best->at)) continue;  // counted at its more specific pattern
    const Verdict v = try_candidate(s, c, is, d);
    if (v == Verdict::condition_false) continue;
    ++applicable;
    if (v == Verdict::won) return true;
  }
  return false;
}

// The merged group of the issue's category (Index::merged), or -1 when its chain has none.
std::int32_t merged_group_of(const Index& s, std::string_view code, CategoryId category) {
  if (category != kNone && !s.merged.by_category.empty())  // with a taxonomy: its table
    return s.merged.by_category[static_cast<std::size_t>(category)];
  const std::int32_t last = s.merged.merged_of.empty() ? -1 : last_group_for(s, code, category);
  return last < 0 ? -1 : s.merged.merged_of[static_cast<std::size_t>(last)];
}

// The scope searches of a batch's issues, side by side: each a binary search over its group's tins, the
// issues' probes of one step issued together so that their misses overlap (one issue's probes depend on
// each other); then up the nodes that do not hold the cell, and the positions of those that do
// prefetched. Issues whose chain has several groups and no merged group are searched when routed.
// The search itself, for issues given by category (code, and CategoryId with a taxonomy) and cell
// (kNone: none).
void find_starts(const Index& s, const std::string_view* codes, const CategoryId* categories, const UnitId* cells,
                 std::size_t n, ScopeStart* out) {
  const std::int32_t* tins[kPrefetchGroup];  // the tables of the group of each issue: merged or own
  const Index::ScopeNode* nodes[kPrefetchGroup];
  const std::uint32_t* positions[kPrefetchGroup];
  const Candidate* cands[kPrefetchGroup];  // the group's candidates
  const std::int32_t* first[kPrefetchGroup];
  const std::int32_t* base[kPrefetchGroup];
  std::size_t len[kPrefetchGroup];
  std::int32_t tin[kPrefetchGroup];
  n = std::min(n, kPrefetchGroup);
  std::size_t longest = 0;
  GroupChain chain;
  for (std::size_t i = 0; i < n; ++i) {
    out[i] = {};
    len[i] = 0;
    first[i] = nullptr;
    if (cells[i] < 0) continue;
    out[i].cell = cells[i];
    const Index::PatternGroup* g = nullptr;
    out[i].merged = merged_group_of(s, codes[i], categories[i]);
    if (out[i].merged >= 0) {
      g = &s.merged.groups[static_cast<std::size_t>(out[i].merged)];
      tins[i] = s.merged.scope_tins.data();
      nodes[i] = s.merged.scope_nodes.data();
      positions[i] = s.merged.scope_positions.data();
      cands[i] = s.merged.candidates.data() + g->first;
    } else {
      groups_for(s, codes[i], categories[i], chain);
      if (chain.size() != 1) continue;
      out[i].single = chain[0];
      g = &s.groups[static_cast<std::size_t>(chain[0])];
      tins[i] = s.scope_tins.data();
      nodes[i] = s.scope_nodes.data();
      positions[i] = s.scope_positions.data();
      cands[i] = s.candidates.data() + g->first;
    }
    first[i] = base[i] = tins[i] + g->node_first;
    len[i] = g->node_count;
    tin[i] = s.hot[static_cast<std::size_t>(cells[i])].tin;
    longest = std::max(longest, len[i]);
  }
  // Branch-free upper_bound: `base` moves to the last tin <= the cell's while more than one remains.
  for (; longest > 1; longest -= longest / 2)
    for (std::size_t i = 0; i < n; ++i) {
      if (len[i] <= 1) continue;
      const std::size_t half = len[i] / 2;
      base[i] = base[i][half] <= tin[i] ? base[i] + half : base[i];
      len[i] -= half;
    }
  std::int32_t cur[kPrefetchGroup];
  bool holds[kPrefetchGroup];
  for (std::size_t i = 0; i < n; ++i) {
    cur[i] = -1;
    holds[i] = false;
    if (first[i] == nullptr) continue;
    const std::size_t below = static_cast<std::size_t>(base[i] - first[i]) + (len[i] == 1 && *base[i] <= tin[i]);
    out[i].node = below == 0 ? -1 : static_cast<std::int32_t>(first[i] - tins[i] + static_cast<std::ptrdiff_t>(below) - 1);
    cur[i] = out[i].node;
    if (cur[i] >= 0) __builtin_prefetch(&nodes[i][cur[i]]);
  }
  // Up the chains side by side, a node per step: the nodes that do not hold the cell skipped (as
  // route_by_scope would), the positions of those that do prefetched.
  constexpr int kSteps = 4;
  std::uint32_t held[kPrefetchGroup][kSteps];  // the first positions of the nodes that hold the cell (and have any)
  int nheld[kPrefetchGroup] = {};
  for (int step = 0; step < kSteps; ++step) {
    bool more = false;
    for (std::size_t i = 0; i < n; ++i) {
      if (cur[i] < 0) continue;
      const Index::ScopeNode& node = nodes[i][cur[i]];
      if (!holds[i] && tin[i] >= node.tout) {
        out[i].node = node.up;
      } else {
        holds[i] = true;
        if (node.count > 0) {
          __builtin_prefetch(&positions[i][node.first]);
          held[i][nheld[i]++] = node.first;
        }
      }
      cur[i] = node.up;
      if (cur[i] >= 0) {
        __builtin_prefetch(&nodes[i][cur[i]]);
        more = true;
      }
    }
    if (!more) break;
  }
  // The candidate tried first (the least position at the heads of the nodes that hold the cell), then its
  // rule's record.
  const Candidate* tried[kPrefetchGroup];
  for (std::size_t i = 0; i < n; ++i) {
    tried[i] = nullptr;
    if (nheld[i] == 0) continue;
    std::uint32_t least = positions[i][held[i][0]];
    for (int k = 1; k < nheld[i]; ++k) least = std::min(least, positions[i][held[i][k]]);
    tried[i] = &cands[i][least];
    __builtin_prefetch(tried[i]);
    if (cur[i] < 0) out[i].first = static_cast<std::int32_t>(least);  // every node that holds the cell seen
  }
  for (std::size_t i = 0; i < n; ++i)
    if (tried[i]) __builtin_prefetch(&s.rule_hot[static_cast<std::size_t>(tried[i]->rule)]);
}

// The starts of prepared issues (those that prepared: `ok`).
void find_starts(const Index& s, const PreparedIssue* is, const bool* ok, std::size_t n, ScopeStart* out) {
  std::string_view codes[kPrefetchGroup];
  CategoryId categories[kPrefetchGroup] = {};
  UnitId cells[kPrefetchGroup] = {};
  n = std::min(n, kPrefetchGroup);
  for (std::size_t i = 0; i < n; ++i) {
    codes[i] = is[i].category_code;
    categories[i] = is[i].category;
    cells[i] = ok[i] ? is[i].cell : kNone;
  }
  find_starts(s, codes, categories, cells, n, out);
}

void route_prepared_from(const Index& s, const PreparedIssue& is, Decision& d, bool explain, const ScopeStart* start) {
  d.status = Decision::Status::unrouted;
  if (start && start->cell != is.cell) start = nullptr;  // found for another cell than the one prepared
  if (!explain) {
    std::size_t applicable = 0;
    // One merged group for the code's whole chain when the index has it: found from the chain's most
    // specific group alone, and the chain itself only gathered for the message of an unrouted issue.
    const std::int32_t m = start ? start->merged : merged_group_of(s, is.category_code, is.category);
    GroupChain chain;
    if (m < 0 && start && start->single >= 0) {
      const GroupTables own{s.groups.data(), s.candidates.data(), s.scope_nodes.data(), s.scope_tins.data(),
                            s.scope_positions.data()};
      chain.push_back(start->single);
      if (route_by_scope(s, is, own, chain, applicable, d, start->node, start->first)) return;
    } else if (m >= 0) {
      const GroupTables merged{s.merged.groups.data(), s.merged.candidates.data(), s.merged.scope_nodes.data(), s.merged.scope_tins.data(),
                               s.merged.scope_positions.data()};
      const std::int32_t one[1] = {m};
      if (route_by_scope(s, is, merged, one, applicable, d, start ? start->node : kSearch, start ? start->first : -1)) return;
      groups_for(s, is.category_code, is.category, chain);
    } else {
      groups_for(s, is.category_code, is.category, chain);
      const GroupTables own{s.groups.data(), s.candidates.data(), s.scope_nodes.data(), s.scope_tins.data(),
                            s.scope_positions.data()};
      if (route_by_scope(s, is, own, chain, applicable, d)) return;
    }
    return unrouted_message(is, candidate_count(s, chain), applicable, d);
  }
  // Every candidate, in winning order, with the trace.
  const std::int32_t cell_tin = s.hot[is.cell].tin;
  std::vector<Candidate> scratch;
  std::span<const Candidate> cands;
  candidates_for(s, is.category_code, is.category, scratch, cands);
  std::size_t applicable = 0;
  std::size_t won_at = cands.size();
  for (std::size_t i = 0; i < cands.size(); ++i) {
    const Candidate& c = cands[i];
    if (cell_tin < c.scope_tin || cell_tin >= c.scope_tout) {
      if (explain) d.trace.push_back({c.rule, Verdict::not_in_scope, c.pattern, {}});
      continue;
    }
    const Verdict v = try_candidate(s, c, is, d);
    if (v != Verdict::condition_false) ++applicable;
    if (explain) trace(s, c, v, is, d);
    if (v == Verdict::won) {
      won_at = i;
      break;
    }
  }
  if (explain && won_at < cands.size()) {
    for (std::size_t i = won_at + 1; i < cands.size(); ++i) {
      const Candidate& c = cands[i];
      const CompiledRule& r = s.rules[c.rule];
      if (cell_tin < c.scope_tin || cell_tin >= c.scope_tout)
        d.trace.push_back({c.rule, Verdict::not_in_scope, c.pattern, {}});
      else if (r.when >= 0 && !eval(s, r.when, is, r.condition_calendar))
        trace(s, c, Verdict::condition_false, is, d);
      else
        d.trace.push_back({c.rule, lost_to(s, cands[won_at], c), c.pattern, {}});
    }
  }
  if (d.status != Decision::Status::routed) unrouted_message(is, cands.size(), applicable, d);
}

}  // namespace

void route_prepared(const Index& s, const PreparedIssue& is, Decision& d, bool explain, const ScopeStart* start) {
  route_prepared_from(s, is, d, explain, start);
}

void find_scope_starts(const Index& s, const Issue* const* issues, const std::uint64_t* cell_hashes,
                       const std::int32_t* located, const bool* skip, std::size_t n, ScopeStart* out) {
  std::string_view codes[kPrefetchGroup];
  CategoryId categories[kPrefetchGroup];
  UnitId cells[kPrefetchGroup];
  n = std::min(n, kPrefetchGroup);
  for (std::size_t i = 0; i < n; ++i) {
    const Issue& is = *issues[i];
    codes[i] = is.category;
    categories[i] = kNone;
    cells[i] = kNone;
    if (skip && skip[i]) continue;
    cells[i] = located[i] >= 0 ? located[i] : s.unit_index.first_match(cell_hashes[i]);
    if (cells[i] >= 0 && static_cast<std::size_t>(cells[i]) >= s.hot.size()) cells[i] = kNone;
    if (cells[i] >= 0 && s.has_taxonomy) {
      categories[i] = s.find_category(is.category);
      if (categories[i] == kNone) cells[i] = kNone;  // rejected when prepared
    }
  }
  find_starts(s, codes, categories, cells, n, out);
}

namespace {

// The decision of a prepared issue: level 0, the fallback, the severity skip, assists and deadlines.
void decide_prepared(const Index& s, const PreparedIssue& is, bool explain, Decision& d, const ScopeStart* start) {
  d.cell = is.cell;
  d.located = is.located;
  route_prepared_from(s, is, d, explain, start);
  if (d.status == Decision::Status::unrouted && s.fallback != kNone) {
    // SPEC §6.4: what no rule routes goes to the fallback owner, at the root, at level 0.
    d.status = Decision::Status::routed;
    d.fallback = true;
    d.rule = kNone;
    d.role = s.handler_role[s.fallback];
    d.handler = s.fallback;
    d.unit = s.root;
    d.alternates = {};
    d.policy = s.fallback_rule.policy;
    d.level = 0;
    if (explain) d.trace.push_back({kNone, Verdict::fallback, 0, {}});
    d.message.clear();
    deadlines(s, s.fallback_rule, nullptr, 0, d.handler, is.at, d.respond_by, d.resolve_by);
    return;
  }
  if (d.status != Decision::Status::routed) return;
  const CompiledRule& rule = s.rules[d.rule];
  const CompiledPolicy* p = d.policy == kNone ? nullptr : &s.policies[d.policy];
  if (p && p->has_skip && is.has_severity && is.severity >= p->skip_at_least) {
    LevelOwner owner;
    if (level_owner(s, *p, p->skip_to_level, is.cell, owner)) {
      d.level = p->skip_to_level;
      d.role = owner.role;
      d.handler = owner.res.owner;
      d.unit = owner.res.unit;
      d.alternates = owner.res.alternates;
    } else {
      d.skip_declined = true;
    }
  }
  add_assists(s, s.assist_keys(d.rule), is.cell, d.handler, d.assist);
  // The owner was found at d.unit by d.role: its calendar is read from that served entry.
  deadlines_on(s.level_calendar(rule, d.level, d.handler, d.unit, d.role), rule, p, d.level, is.at, d.respond_by,
               d.resolve_by);
}

}  // namespace

void route_into(const Index& s, const Issue& issue, bool explain, std::uint64_t cell_hash, Decision& d,
                std::int32_t located, const UnitId* cell) {
  d.clear();
  PreparedIssue is;
  // One call by cell id: a unit's id is confirmed by its id's record (or, for an id longer than the
  // record holds, by its offset and then its text), and deciding waits on none of it. So the unit whose
  // index slot matches the id's hash is decided as if given by number while those lines arrive, and the
  // id is compared last. When it is not that unit's id (another id with the same 32-bit tag, or one the
  // bundle does not have), or the issue is rejected, the call is decided again as below, which names the
  // field that failed.
  if (!explain && cell == nullptr && located == kNotLocated && !issue.cell.empty()) {
    UnitId guess = s.unit_index.first_match(cell_hash);
    if (guess >= 0 && static_cast<std::size_t>(guess) < s.hot.size()) {
      __builtin_prefetch(s.unit_id_record(guess));
      if (prepare(s, issue, is, d.message, 0, true, located, &guess)) {
        decide_prepared(s, is, false, d, nullptr);
        if (s.is_unit_id(guess, issue.cell)) return;
      }
      d.clear();
    }
  }
  if (!prepare(s, issue, is, d.message, cell_hash, true, located, cell)) {
    d.status = Decision::Status::rejected;
    return;
  }
  decide_prepared(s, is, explain, d, nullptr);
}

void route_group(const Index& s, const Issue* const* issues, std::size_t n, bool explain,
                 const std::uint64_t* cell_hashes, const std::int32_t* located, const UnitId* cells, Decision* const* out,
                 const UnitId* found, const CAttrs* c_attrs) {
  n = std::min(n, kPrefetchGroup);
  PreparedIssue is[kPrefetchGroup];
  bool ok[kPrefetchGroup];
  for (std::size_t i = 0; i < n; ++i) {
    Decision& d = *out[i];
    d.clear();
    const UnitId* number = cells ? &cells[i] : found && found[i] >= 0 ? &found[i] : nullptr;
    ok[i] = prepare(s, *issues[i], is[i], d.message, cell_hashes ? cell_hashes[i] : 0, true,
                    located ? located[i] : kNotLocated, number, c_attrs ? &c_attrs[i] : nullptr);
    if (!ok[i]) d.status = Decision::Status::rejected;
  }
  ScopeStart start[kPrefetchGroup];
  const bool starts = !explain && !s.merged.merged_of.empty();
  if (starts) find_starts(s, is, ok, n, start);
  for (std::size_t i = 0; i < n; ++i)
    if (ok[i]) decide_prepared(s, is[i], explain, *out[i], starts ? &start[i] : nullptr);
}

namespace {

// The stages after a unit's record (and id offset): its id text when `id_text` and the records above
// it, then up the chain of served units.
// Inlined into its callers: as a call of its own the stages measured 5-8% slower by the clock.
[[gnu::always_inline]] inline void prefetch_unit_stages(const Index& s, const UnitId* guess, std::size_t n,
                                                        bool id_text) {
  for (std::size_t i = 0; i < n; ++i) {
    if (guess[i] < 0) continue;
    const Index::UnitHot& h = s.hot[static_cast<std::size_t>(guess[i])];
    if (id_text) __builtin_prefetch(s.unit_id_chars.data() + s.unit_id_offset[static_cast<std::size_t>(guess[i])]);
    if (h.served_up >= 0) __builtin_prefetch(&s.hot[static_cast<std::size_t>(h.served_up)]);
    if (h.parent >= 0) __builtin_prefetch(&s.hot[static_cast<std::size_t>(h.parent)]);
  }
  // Then up the chain of served units, a level per stage: each unit's served entries and the next
  // served unit's record (roles are often served at the area, community or street above the cell).
  // Escalation levels start from the cell's ancestors: their records, a level per stage too.
  UnitId cur[kPrefetchGroup], up[kPrefetchGroup];
  for (std::size_t i = 0; i < n; ++i) {
    cur[i] = guess[i] < 0 ? kNone : s.hot[static_cast<std::size_t>(guess[i])].served_up;
    up[i] = guess[i] < 0 ? kNone : s.hot[static_cast<std::size_t>(guess[i])].parent;
  }
  for (int level = 0; level < 3; ++level) {
    for (std::size_t i = 0; i < n; ++i) {
      if (cur[i] >= 0) {
        const Index::UnitHot& h = s.hot[static_cast<std::size_t>(cur[i])];
        __builtin_prefetch(s.served.data() + h.served_begin);
        if (h.served_next >= 0) __builtin_prefetch(&s.hot[static_cast<std::size_t>(h.served_next)]);
        cur[i] = h.served_next;
      }
      if (up[i] >= 0) {
        up[i] = s.hot[static_cast<std::size_t>(up[i])].parent;
        if (up[i] >= 0) __builtin_prefetch(&s.hot[static_cast<std::size_t>(up[i])]);
      }
    }
  }
}

}  // namespace

void prefetch_cells(const Index& s, const std::string_view* cells, std::size_t n, std::uint64_t* hashes) {
  // Each stage issues the loads the next one needs for every cell of the group, so the misses of a
  // stage overlap: index slots, then the matching unit's record and id offset, then its id text and
  // the record of the nearest served unit, then that unit's served entries.
  UnitId guess[kPrefetchGroup];
  n = std::min(n, kPrefetchGroup);
  for (std::size_t i = 0; i < n; ++i) {
    hashes[i] = UnitIndex::hash(cells[i]);
    __builtin_prefetch(s.unit_index.slot_address(hashes[i]));
  }
  // Each unit's loads go out as soon as its slot is read, beside the reads of the other slots (a loop
  // that first reads every slot and then prefetches measured 5-8% slower by the clock).
  for (std::size_t i = 0; i < n; ++i) {
    guess[i] = s.unit_index.first_match(hashes[i]);
    if (guess[i] < 0) continue;
    __builtin_prefetch(&s.hot[static_cast<std::size_t>(guess[i])]);
    // The id's record (16 or 32 bytes), which confirms it in one line (a longer id's text is read when
    // compared).
    __builtin_prefetch(s.unit_id_record(guess[i]));
  }
  prefetch_unit_stages(s, guess, n, false);
}

void prefetch_units(const Index& s, const UnitId* guess, std::size_t n) {
  n = std::min(n, kPrefetchGroup);
  for (std::size_t i = 0; i < n; ++i) {
    if (guess[i] < 0) continue;
    __builtin_prefetch(&s.hot[static_cast<std::size_t>(guess[i])]);
    __builtin_prefetch(&s.unit_id_offset[static_cast<std::size_t>(guess[i])]);
  }
  prefetch_unit_stages(s, guess, n, true);
}


void prefetch_handler_slots(const Index& s, const std::string_view* ids, std::size_t n, std::uint64_t* hashes) {
  for (std::size_t i = 0; i < n; ++i) {
    hashes[i] = 0;
    if (ids[i].empty()) continue;
    hashes[i] = UnitIndex::hash(ids[i]);
    __builtin_prefetch(s.handler_index.slot_address(hashes[i]));
  }
}

void prefetch_handler_records(const Index& s, const std::string_view* ids, std::size_t n, const std::uint64_t* hashes) {
  HandlerId guess[kPrefetchGroup];
  n = std::min(n, kPrefetchGroup);
  for (std::size_t i = 0; i < n; ++i) {
    guess[i] = ids[i].empty() ? kNone : s.handler_index.first_match(hashes[i]);
    if (guess[i] < 0) continue;
    const auto h = static_cast<std::size_t>(guess[i]);
    __builtin_prefetch(s.handler_ids.offsets.data() + h);
    __builtin_prefetch(s.serves_offset.data() + h);
    __builtin_prefetch(s.handler_role.data() + h);
    __builtin_prefetch(s.handler_calendar.data() + h);
  }
  for (std::size_t i = 0; i < n; ++i) {
    if (guess[i] < 0) continue;
    const auto h = static_cast<std::size_t>(guess[i]);
    __builtin_prefetch(s.handler_ids.chars.data() + s.handler_ids.offsets[h]);
    __builtin_prefetch(s.serves_units.data() + s.serves_offset[h]);
  }
}

namespace {

// The first line of an issue's attributes and of the first name, which prepare reads.
inline void prefetch_attrs(const Issue& is, const CAttrs* c_attrs) {
  if (c_attrs && c_attrs->data) {
    __builtin_prefetch(c_attrs->data);
    __builtin_prefetch(CAttrs::name(c_attrs->data).data());
  } else if (!is.attrs.empty()) {
    __builtin_prefetch(is.attrs.data());
    __builtin_prefetch(is.attrs.front().first.data());
  }
}

}  // namespace

void route_batch(const Index& s, std::span<const Issue> issues, std::span<Decision> out, bool explain,
                 const CAttrs* c_attrs) {
  // The cells of a part of four groups are found first, all their lines asked for side by side: the
  // slots, then the units' and their ids' records, then each id confirmed. The groups then route those
  // cells by number, as route_batch_in_cells does; an issue whose id was not found (or that gives a
  // location) is looked up by id in its group as before, so its answer and its error are the same.
  // (The part's lines asked for ahead but each group looking its ids up as before: 1.03-1.04x slower;
  // the cells found first: 0.956-0.961x of before, docs/performance.md, "A batch's cells found a part
  // ahead".)
  constexpr std::size_t kPart = 4 * kPrefetchGroup;
  std::uint64_t hashes[kPart];
  UnitId found[kPart];
  const std::size_t n = std::min(issues.size(), out.size());
  for (std::size_t part = 0; part < n; part += kPart) {
    const std::size_t c = std::min(kPart, n - part);
    for (std::size_t i = 0; i < c; ++i) {
      hashes[i] = UnitIndex::hash(issues[part + i].cell);
      __builtin_prefetch(s.unit_index.slot_address(hashes[i]));
    }
    for (std::size_t i = 0; i < c; ++i) {
      found[i] = issues[part + i].cell.empty() ? kNone : s.unit_index.first_match(hashes[i]);
      if (found[i] >= 0) __builtin_prefetch(s.unit_id_record(found[i]));
    }
    for (std::size_t i = 0; i < c; ++i) {
      const std::string_view id = issues[part + i].cell;
      if (found[i] >= 0 && !s.is_unit_id(found[i], id)) found[i] = s.find_unit(id, hashes[i]);
    }
    for (std::size_t base = 0; base < c; base += kPrefetchGroup) {
      const std::size_t m = std::min(kPrefetchGroup, c - base);
      const Issue* group[kPrefetchGroup];
      Decision* ds[kPrefetchGroup];
      for (std::size_t i = 0; i < m; ++i) {
        const Issue& is = issues[part + base + i];
        group[i] = &is;
        ds[i] = &out[part + base + i];
        // The caller's text: the attributes are read by prepare.
        __builtin_prefetch(is.category.data());
        prefetch_attrs(is, c_attrs ? &c_attrs[part + base + i] : nullptr);
        if (found[base + i] >= 0) __builtin_prefetch(&s.hot[static_cast<std::size_t>(found[base + i])]);
      }
      prefetch_unit_stages(s, found + base, m, false);
      std::int32_t located[kPrefetchGroup];
      locate_group(s, group, m, located);
      route_group(s, group, m, explain, hashes + base, located, nullptr, ds, found + base,
                  c_attrs ? c_attrs + part + base : nullptr);
    }
  }
}

void route_batch_in_cells(const Index& s, std::span<const Issue> issues, std::span<const UnitId> cells,
                          std::span<Decision> out, bool explain, const CAttrs* c_attrs) {
  UnitId units[kPrefetchGroup];
  const std::size_t n = std::min({issues.size(), cells.size(), out.size()});
  for (std::size_t base = 0; base < n; base += kPrefetchGroup) {
    const std::size_t m = std::min(kPrefetchGroup, n - base);
    for (std::size_t i = 0; i < m; ++i) {
      const Issue& is = issues[base + i];
      __builtin_prefetch(is.category.data());
      prefetch_attrs(is, c_attrs ? &c_attrs[base + i] : nullptr);
      // A number that is not a unit is prefetched as nothing; prepare rejects it.
      const UnitId u = cells[base + i];
      units[i] = u >= 0 && static_cast<std::size_t>(u) < s.hot.size() ? u : kNone;
    }
    // The cells' records, then the stages above them (prefetch_unit_stages). Not their id offsets or
    // texts, which routing by number never reads: with the offsets in the burst of loads a decision
    // measured 40% slower.
    for (std::size_t i = 0; i < m; ++i)
      if (units[i] >= 0) __builtin_prefetch(&s.hot[static_cast<std::size_t>(units[i])]);
    prefetch_unit_stages(s, units, m, false);
    const Issue* group[kPrefetchGroup];
    Decision* ds[kPrefetchGroup];
    for (std::size_t i = 0; i < m; ++i) {
      group[i] = &issues[base + i];
      ds[i] = &out[base + i];
    }
    route_group(s, group, m, explain, nullptr, nullptr, &cells[base], ds, nullptr, c_attrs ? c_attrs + base : nullptr);
  }
}

}  // namespace gridroute::detail
