// Candidate lists: the rules whose category patterns match a code, in winning order.
#include "compile/candidates.hpp"

#include <algorithm>

#include "compile/order.hpp"

namespace gridroute::detail {

void groups_for(const Index& s, std::string_view code, CategoryId category, GroupChain& out) {
  out.clear();
  if (category != kNone && !s.category_group_offset.empty()) {
    const auto b = s.category_group_offset[static_cast<std::size_t>(category)];
    const auto e = s.category_group_offset[static_cast<std::size_t>(category) + 1];
    out.assign(s.category_groups.begin() + b, s.category_groups.begin() + e);
    return;
  }
  if (s.star_group >= 0) out.push_back(s.star_group);
  if (!s.prefix_groups.empty()) {
    for (std::size_t i = 0; i <= code.size(); ++i) {
      if (i == code.size() || code[i] == '.') {
        if (auto it = s.prefix_groups.find(code.substr(0, i)); it != s.prefix_groups.end()) out.push_back(it->second);
      }
    }
  }
  if (auto it = s.exact_groups.find(code); it != s.exact_groups.end()) out.push_back(it->second);
}

std::int32_t last_group_for(const Index& s, std::string_view code, CategoryId category) {
  if (category != kNone && !s.category_group_offset.empty()) {
    const auto b = s.category_group_offset[static_cast<std::size_t>(category)];
    const auto e = s.category_group_offset[static_cast<std::size_t>(category) + 1];
    return e > b ? s.category_groups[e - 1] : -1;
  }
  if (auto it = s.exact_groups.find(code); it != s.exact_groups.end()) return it->second;
  if (!s.prefix_groups.empty()) {
    // The prefixes groups_for tries, longest first: the whole code, then up to each '.'.
    for (std::size_t i = code.size() + 1; i-- > 0;) {
      if (i == code.size() || code[i] == '.') {
        if (auto it = s.prefix_groups.find(code.substr(0, i)); it != s.prefix_groups.end()) return it->second;
      }
    }
  }
  return s.star_group;
}

std::size_t candidate_count(const Index& s, std::span<const std::int32_t> chain) {
  std::size_t n = 0;
  for (std::size_t k = 0; k < chain.size(); ++k) {
    const Index::PatternGroup& g = s.groups[static_cast<std::size_t>(chain[k])];
    n += g.count;
    for (std::uint32_t i = g.multi_first; i < g.multi_first + g.multi_count; ++i)
      n -= dominated(s, s.candidates[g.first + s.multi_positions[i]].rule, chain, k);
  }
  return n;
}

void candidates_for(const Index& s, std::string_view code, CategoryId category, std::vector<Candidate>& scratch,
                    std::span<const Candidate>& out) {
  GroupChain chain;
  groups_for(s, code, category, chain);
  if (chain.size() == 1) {
    const Index::PatternGroup& g = s.groups[static_cast<std::size_t>(chain[0])];
    out = std::span<const Candidate>(s.candidates.data() + g.first, g.count);
    return;
  }
  scratch.clear();
  for (std::size_t k = 0; k < chain.size(); ++k) {
    const Index::PatternGroup& g = s.groups[static_cast<std::size_t>(chain[k])];
    for (std::uint32_t i = g.first; i < g.first + g.count; ++i)
      if (!dominated(s, s.candidates[i].rule, chain, k)) scratch.push_back(s.candidates[i]);
  }
  std::sort(scratch.begin(), scratch.end(), [&](const Candidate& a, const Candidate& b) { return wins_over(s, a, b); });
  out = std::span<const Candidate>(scratch.data(), scratch.size());
}

template <class Nodes, class Positions>
void build_group_scope_index(std::span<const Candidate> candidates, Index::PatternGroup& g, Nodes& nodes,
                             Positions& positions) {
  std::vector<std::pair<std::int32_t, std::uint32_t>> by_tin;  // (scope tin, position)
  std::vector<std::int32_t> open;
  g.node_first = static_cast<std::uint32_t>(nodes.size());
  by_tin.reserve(g.count);
  for (std::uint32_t i = 0; i < g.count; ++i) by_tin.emplace_back(candidates[g.first + i].scope_tin, i);
  std::sort(by_tin.begin(), by_tin.end());  // by tin, then position: positions stay ascending
  for (std::size_t k = 0; k < by_tin.size(); ++k) {
    if (k == 0 || by_tin[k].first != by_tin[k - 1].first) {
      const Candidate& cand = candidates[g.first + by_tin[k].second];
      Index::ScopeNode node{cand.scope_tin, cand.scope_tout, -1, static_cast<std::uint32_t>(positions.size()), 0};
      while (!open.empty() && nodes[static_cast<std::size_t>(open.back())].tout <= node.tin) open.pop_back();
      if (!open.empty()) node.up = open.back();
      open.push_back(static_cast<std::int32_t>(nodes.size()));
      nodes.push_back(node);
    }
    positions.push_back(by_tin[k].second);
    ++nodes[nodes.size() - 1].count;
  }
  g.node_count = static_cast<std::uint32_t>(nodes.size()) - g.node_first;
}
template void build_group_scope_index(std::span<const Candidate>, Index::PatternGroup&,
                                      std::vector<Index::ScopeNode>&, std::vector<std::uint32_t>&);
template void build_group_scope_index(std::span<const Candidate>, Index::PatternGroup&, Column<Index::ScopeNode>&,
                                      Column<std::uint32_t>&);

std::size_t merged_chain_budget(const Index& s) { return std::max<std::size_t>(4 * s.candidates.size(), 1u << 18); }

namespace {
std::vector<std::int32_t> tins_of(std::span<const Index::ScopeNode> nodes) {
  std::vector<std::int32_t> tins(nodes.size());
  for (std::size_t i = 0; i < nodes.size(); ++i) tins[i] = nodes[i].tin;
  return tins;
}

// Index::MergedTables::by_category, from the merged tables and the categories' groups.
void merged_by_category(Index& s) {
  s.merged.by_category.clear();
  if (s.category_group_offset.empty()) return;
  s.merged.by_category.reserve(s.categories.size());
  for (std::size_t c = 0; c < s.categories.size(); ++c) {
    const std::int32_t last = last_group_for(s, {}, static_cast<CategoryId>(c));
    s.merged.by_category.push_back(last < 0 ? -1 : s.merged.merged_of[static_cast<std::size_t>(last)]);
  }
}

}  // namespace

void build_merged_chains(Index& s, std::size_t budget) {
  s.rule_hot.clear();
  s.rule_route_keys.clear();
  s.rule_hot.reserve(s.rules.size());
  // A route reference of a role key that no handler has never resolves: it is left out of the keys
  // tried, which give the same answers (a rule of thousands of such references cost every issue a walk
  // up the tree for each).
  const std::vector<bool> held = s.held_role_keys();
  for (const CompiledRule& r : s.rules) {
    const auto first = static_cast<std::uint32_t>(s.rule_route_keys.size());
    for (RoleKeyId k : r.route)
      if (k >= 0 && static_cast<std::size_t>(k) < held.size() && held[static_cast<std::size_t>(k)]) s.rule_route_keys.push_back(k);
    s.rule_hot.push_back({r.when, r.condition_calendar, r.policy, first,
                          static_cast<std::uint32_t>(s.rule_route_keys.size()) - first});
  }
  s.held_refs.clear();
  const auto held_of = [&](const std::vector<RoleKeyId>& refs) {
    Index::KeyRange range{static_cast<std::uint32_t>(s.held_refs.size()), 0};
    for (RoleKeyId k : refs)
      if (k >= 0 && static_cast<std::size_t>(k) < held.size() && held[static_cast<std::size_t>(k)]) s.held_refs.push_back(k);
    range.count = static_cast<std::uint32_t>(s.held_refs.size()) - range.first;
    return range;
  };
  s.rule_assist_keys.clear();
  s.rule_assist_keys.reserve(s.rules.size());
  for (const CompiledRule& r : s.rules) s.rule_assist_keys.push_back(held_of(r.assist));
  s.policy_levels_first.clear();
  s.level_keys.clear();
  for (const CompiledPolicy& p : s.policies) {
    s.policy_levels_first.push_back(static_cast<std::uint32_t>(s.level_keys.size()));
    for (const CompiledLevel& lv : p.levels) s.level_keys.push_back({held_of(lv.route), held_of(lv.assist)});
  }
  s.scope_tins = tins_of(s.scope_nodes.span());
  Index::MergedTables m;
  m.merged_of.assign(s.groups.size(), -1);
  // A code whose most specific group is g: g's own code when g is exact; for a prefix group, a code one
  // segment below it that no rule names ("~" is not a code character).
  std::vector<std::string> code_of(s.groups.size());
  bool known = true;
  for (const auto& [code, g] : s.exact_groups) code_of[static_cast<std::size_t>(g)] = code;
  for (const auto& [prefix, g] : s.prefix_groups) code_of[static_cast<std::size_t>(g)] = prefix + ".~";
  if (s.star_group >= 0) code_of[static_cast<std::size_t>(s.star_group)] = "~";
  for (std::size_t g = 0; g < s.groups.size() && known; ++g) known = !code_of[g].empty();
  if (!known) {
    s.merged = std::move(m);
    merged_by_category(s);
    return;
  }
  GroupChain chain;
  std::size_t total = 0;
  for (std::size_t g = 0; g < s.groups.size(); ++g) {
    groups_for(s, code_of[g], kNone, chain);
    if (chain.size() < 2 || chain.back() != static_cast<std::int32_t>(g)) continue;
    std::size_t n = 0;  // at most this many (a rule of several groups counts once)
    for (std::int32_t k : chain) n += s.groups[static_cast<std::size_t>(k)].count;
    if (total + n > budget) break;  // the rest are merged at routing, as without the tables
    total += n;
    Index::PatternGroup mg;
    mg.first = static_cast<std::uint32_t>(m.candidates.size());
    for (std::size_t k = 0; k < chain.size(); ++k) {
      const Index::PatternGroup& pg = s.groups[static_cast<std::size_t>(chain[k])];
      for (std::uint32_t i = pg.first; i < pg.first + pg.count; ++i)
        if (!dominated(s, s.candidates[i].rule, chain, k)) m.candidates.push_back(s.candidates[i]);
    }
    std::sort(m.candidates.begin() + mg.first, m.candidates.end(),
              [&](const Candidate& a, const Candidate& b) { return wins_over(s, a, b); });
    mg.count = static_cast<std::uint32_t>(m.candidates.size()) - mg.first;
    build_group_scope_index(m.candidates, mg, m.scope_nodes, m.scope_positions);
    m.merged_of[g] = static_cast<std::int32_t>(m.groups.size());
    m.groups.push_back(mg);
  }
  m.scope_tins = tins_of(m.scope_nodes);
  s.merged = std::move(m);
  merged_by_category(s);
}

}  // namespace gridroute::detail
