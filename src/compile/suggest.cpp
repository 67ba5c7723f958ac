// "Did you mean" for the compiler's unknown references (see base/suggest.hpp).
#include "base/suggest.hpp"
#include "compile/compiler.hpp"

namespace gridroute::detail {

std::string Compiler::unit_suggestion(std::string_view id, std::int32_t child_tier) {
  const std::size_t n = s_->unit_id_offset.empty() ? 0 : s_->unit_id_offset.size() - 1;
  if (!suggest_within(n)) return "";
  Suggest s(id);
  if (child_tier < 0) {
    for (std::size_t u = 0; u < n; ++u) s.consider(s_->unit_id(static_cast<UnitId>(u)));
    return s.best();
  }
  // A parent: only units of a tier above the child's can be one, and of those (ties go to the first
  // considered) the units of the tier right above come first: "c1a" for a cell is "c1-a", not "c1".
  for (std::size_t u = 0; u < n; ++u)
    if (tier_of_[u] + 1 == child_tier) s.consider(s_->unit_id(static_cast<UnitId>(u)));
  for (std::size_t u = 0; u < n; ++u)
    if (tier_of_[u] + 1 < child_tier) s.consider(s_->unit_id(static_cast<UnitId>(u)));
  return s.best();
}

std::string Compiler::unit_hint(std::string_view id) {
  const std::string best = unit_suggestion(id);
  return best.empty() ? "" : cat(" (did you mean \"", best, "\"?)");
}

std::string Compiler::handler_hint(std::string_view id) {
  if (!suggest_within(s_->handler_ids.size())) return "";
  return did_you_mean(id, s_->handler_ids);
}

std::string Compiler::role_hint(std::string_view role) {
  if (!suggest_within(s_->role_names.size())) return "";
  return did_you_mean(role, s_->role_names);
}

std::string Compiler::calendar_hint(std::string_view id) {
  if (!suggest_within(rules_.calendars.size())) return "";
  Suggest s(id);
  for (const auto& c : rules_.calendars) s.consider(c.id);
  return s.hint();
}

std::string Compiler::policy_hint(std::string_view id) {
  if (!suggest_within(rules_.escalation_policies.size())) return "";
  Suggest s(id);
  for (const auto& p : rules_.escalation_policies) s.consider(p.id);
  return s.hint();
}

std::string Compiler::tier_hint(std::string_view tier) {
  if (!suggest_within(jur_.tiers.size())) return "";
  return did_you_mean(tier, jur_.tiers);
}

std::string Compiler::category_hint(std::string_view code, bool prefix) {
  if (!rules_.categories || !suggest_within(rules_.categories->size())) return "";
  Suggest s(code);
  for (const auto& c : *rules_.categories) s.consider(c.code);
  return s.found() ? cat(" (did you mean \"", s.best(), prefix ? ".*" : "", "\"?)") : "";
}

std::string Compiler::attribute_hint(std::string_view name) {
  if (!suggest_within(s_->attr_names.size())) return "";
  return did_you_mean(name, s_->attr_names);
}

}  // namespace gridroute::detail
