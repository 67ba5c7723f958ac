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

}  // namespace gridroute::detail
