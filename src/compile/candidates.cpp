// Candidate lists: the rules whose category patterns match a code, in winning order.
#include "compile/candidates.hpp"

#include <algorithm>

#include "compile/order.hpp"

namespace gridroute::detail {

void candidates_for(const Index& s, std::string_view code, CategoryId category, std::vector<Candidate>& scratch,
                    std::span<const Candidate>& out) {
  if (category != kNone && !s.candidate_offset.empty()) {
    auto b = s.candidate_offset[category], e = s.candidate_offset[category + 1];
    out = std::span<const Candidate>(s.candidates.data() + b, e - b);
    return;
  }
  // Gather from the pattern indexes: the exact code, each prefix of it, and `*`.
  scratch.clear();
  auto add = [&](const std::vector<std::pair<RuleId, std::int32_t>>& list, std::int32_t spec) {
    for (auto [r, k] : list) {
      auto it = std::find_if(scratch.begin(), scratch.end(), [r = r](const Candidate& c) { return c.rule == r; });
      const UnitId scope = s.rules[r].scope;
      if (it == scratch.end()) scratch.push_back({r, spec, k, s.hot[scope].tin, s.hot[scope].tout});
      else if (spec > it->specificity) *it = {r, spec, k, s.hot[scope].tin, s.hot[scope].tout};
    }
  };
  if (auto it = s.exact_patterns.find(code); it != s.exact_patterns.end()) add(it->second, 1 << 20);
  std::int32_t segments = 1;
  for (std::size_t i = 0; i <= code.size(); ++i) {
    if (i == code.size() || code[i] == '.') {
      if (auto it = s.prefix_patterns.find(code.substr(0, i)); it != s.prefix_patterns.end())
        add(it->second, segments);
      ++segments;
    }
  }
  add(s.star_patterns, 0);
  std::sort(scratch.begin(), scratch.end(), [&](const Candidate& a, const Candidate& b) { return wins_over(s, a, b); });
  out = std::span<const Candidate>(scratch.data(), scratch.size());
}

}  // namespace gridroute::detail
