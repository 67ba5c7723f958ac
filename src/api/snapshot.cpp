// gridroute::Snapshot: the public face of the compiled index. Each method forwards to the room that
// does the work (decide/ for answers); nothing here decides anything itself.
#include "gridroute/snapshot.hpp"

#include <algorithm>
#include <atomic>

#include "base/zone.hpp"
#include "compile/index.hpp"
#include "decide/decide.hpp"
#include "decide/levels.hpp"
#include "decide/sweep_parts.hpp"

namespace gridroute {

namespace {
std::atomic<std::uint64_t> g_generations{0};
}  // namespace

Snapshot::Snapshot(std::unique_ptr<const detail::Index> index)
    : index_(std::move(index)), generation_(g_generations.fetch_add(1, std::memory_order_relaxed) + 1) {}
Snapshot::~Snapshot() = default;

std::string_view Snapshot::name() const { return index_->name; }
std::string_view Snapshot::time_zone() const { return index_->tz_name; }
std::string_view Snapshot::digest() const { return index_->digest; }
std::string Snapshot::format_time(Instant t) const {
  return t == kNoInstant ? std::string() : detail::format_rfc3339(t, index_->zone);
}

std::size_t Snapshot::unit_count() const { return index_->unit_count(); }
std::string_view Snapshot::unit_id(UnitId u) const { return index_->unit_id(u); }
std::string_view Snapshot::unit_name(UnitId u) const { return index_->unit_name(u); }
std::string_view Snapshot::unit_tier(UnitId u) const { return index_->tiers[index_->hot[u].tier]; }
UnitId Snapshot::find_unit(std::string_view id) const { return index_->find_unit(id); }
std::size_t Snapshot::handler_count() const { return index_->handler_ids.size(); }
std::string_view Snapshot::handler_id(HandlerId h) const { return index_->handler_id(h); }
HandlerId Snapshot::find_handler(std::string_view id) const { return index_->find_handler(id); }
std::size_t Snapshot::rule_count() const { return index_->rules.size(); }
std::string_view Snapshot::rule_id(RuleId r) const { return index_->rules[static_cast<std::size_t>(r)].id; }
RuleId Snapshot::find_rule(std::string_view id) const { return index_->find_rule(id); }
std::size_t Snapshot::policy_count() const { return index_->policies.size(); }
std::string_view Snapshot::policy_id(PolicyId p) const { return index_->policies[static_cast<std::size_t>(p)].id; }
std::string_view Snapshot::role_name(RoleKeyId k) const { return index_->role_name(k); }
std::string_view Snapshot::department(RoleKeyId k) const { return index_->department(k); }

Decision Snapshot::route(const Issue& issue, bool explain) const {
  Decision d;
  route_into(issue, d, explain);
  return d;
}

void Snapshot::route_into(const Issue& issue, Decision& d, bool explain) const {
  detail::route_into(*index_, issue, explain, detail::UnitIndex::hash(issue.cell), d);
}

void Snapshot::route_batch(std::span<const Issue> issues, std::span<Decision> out, bool explain) const {
  detail::route_batch(*index_, issues, out, explain);
}

Decision Snapshot::route_in_cell(const Issue& issue, UnitId cell, bool explain) const {
  Decision d;
  detail::route_into(*index_, issue, explain, 0, d, detail::kNotLocated, &cell);
  return d;
}

void Snapshot::route_batch_in_cells(std::span<const Issue> issues, std::span<const UnitId> cells,
                                    std::span<Decision> out, bool explain) const {
  detail::route_batch_in_cells(*index_, issues, cells, out, explain);
}

LocationTrace Snapshot::explain_location(const Issue& issue) const {
  LocationTrace out;
  detail::explain_location(*index_, issue, out);
  return out;
}

Action Snapshot::escalate(const Case& c, Instant now, bool explain) const {
  return detail::escalate(*index_, c, now, detail::UnitIndex::hash(c.issue.cell), explain);
}

Snapshot::SweepSummary Snapshot::sweep(std::span<const Case> cases, Instant now, std::vector<Action>& actions,
                                       unsigned threads) const {
  const detail::Index& s = *index_;
  return detail::sweep_in_parts(cases.size(), threads, actions, [&](std::size_t begin, std::size_t end,
                                                                     SweepSummary& sum, auto&& slot) {
    // In groups, with what each case reads prefetched for the whole group first (see route_batch).
    std::uint64_t hashes[detail::kPrefetchGroup], handler_hashes[detail::kPrefetchGroup];
    std::int32_t located[detail::kPrefetchGroup];
    detail::NowDeadlines memo(now);
    for (std::size_t base = begin; base < end; base += detail::kPrefetchGroup) {
      const std::size_t m = std::min(detail::kPrefetchGroup, end - base);
      detail::prefetch_cases(s, cases.data() + base, m, cases.data() + std::min(end, base + m + m), hashes,
                             handler_hashes, located);
      // The scope searches of the cases whose rule is selected again (not pinned), side by side.
      const Issue* issues[detail::kPrefetchGroup];
      bool pinned[detail::kPrefetchGroup];
      for (std::size_t i = 0; i < m; ++i) {
        issues[i] = &cases[base + i].issue;
        pinned[i] = cases[base + i].rule.has_value();
      }
      detail::ScopeStart starts[detail::kPrefetchGroup];
      detail::find_scope_starts(s, issues, hashes, located, pinned, m, starts);
      for (std::size_t i = 0; i < m; ++i) {
        Action& a = slot(base + i);
        detail::escalate_into(s, cases[base + i], now, hashes[i], a, false, &handler_hashes[i], &memo, located[i],
                              &starts[i]);
        detail::tally(sum, a);
      }
    }
  });
}

}  // namespace gridroute
