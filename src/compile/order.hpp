// Internal: the winning order of SPEC §3.3, in one place — compile sorts candidate lists by it, and the
// explain trace names the criterion on which each rule lost.
#pragma once

#include "compile/index.hpp"

namespace gridroute::detail {

// The criterion on which two candidates for one issue first differ.
enum class OrderBy : std::uint8_t { same, priority, scope_depth, specificity, position };

// Which of `a`, `b` comes first: `by` is the deciding criterion and the result is true when `a` wins.
inline bool wins_over(const Index& s, const Candidate& a, const Candidate& b, OrderBy* by = nullptr) {
  const CompiledRule& ra = s.rules[a.rule];
  const CompiledRule& rb = s.rules[b.rule];
  OrderBy k = OrderBy::same;
  bool first = false;
  if (ra.priority != rb.priority) k = OrderBy::priority, first = ra.priority > rb.priority;
  else if (ra.scope_depth != rb.scope_depth) k = OrderBy::scope_depth, first = ra.scope_depth > rb.scope_depth;
  else if (a.specificity != b.specificity) k = OrderBy::specificity, first = a.specificity > b.specificity;
  else if (a.rule != b.rule) k = OrderBy::position, first = a.rule < b.rule;
  if (by) *by = k;
  return first;
}

}  // namespace gridroute::detail
