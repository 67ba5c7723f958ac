// Internal: what every sweep shares (Snapshot::sweep, CaseBook::sweep) — counting each action as it is
// stored, and a batch split over threads with the actions in input order.
#pragma once

#include <algorithm>
#include <thread>
#include <vector>

#include "gridroute/snapshot.hpp"

namespace gridroute::detail {

// Counts `a` in the summary, while it is still in cache: a second pass over the actions (152 bytes each)
// would read them all back from memory.
inline void tally(Snapshot::SweepSummary& sum, const Action& a) {
  ++sum.counts[static_cast<int>(a.kind)];
  if (a.kind == Action::Kind::hold && a.next_check != kNoInstant &&
      (sum.next_sweep == kNoInstant || a.next_check < sum.next_sweep))
    sum.next_sweep = a.next_check;
}

// Runs `work(begin, end, summary, slot)` over [0, n), where slot(i) is the Action to fill for item i (as
// an Action is constructed) and `work` tallies each. On one thread the actions are made in place, where
// they stay; on several (0: one per hardware thread, at most one per 4,096 items) each thread fills its
// part of `actions`, sized first. Returns the summaries merged.
template <class Work>
Snapshot::SweepSummary sweep_in_parts(std::size_t n, unsigned threads, std::vector<Action>& actions, Work&& work) {
  actions.clear();
  // The caller's memory, from the caller's allocator: it is written, and nothing is asked of its pages
  // (an advice such as huge pages would stay on them after the vector is freed).
  actions.reserve(n);
  if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
  threads = static_cast<unsigned>(std::min<std::size_t>(threads, std::max<std::size_t>(1, n / 4096)));
  Snapshot::SweepSummary summary;
  if (threads <= 1) {
    work(std::size_t{0}, n, summary, [&](std::size_t) -> Action& { return actions.emplace_back(); });
    return summary;
  }
  actions.resize(n);
  std::vector<Snapshot::SweepSummary> part(threads);
  std::vector<std::thread> pool;
  const std::size_t chunk = (n + threads - 1) / threads;
  for (unsigned t = 0; t < threads; ++t) {
    const std::size_t b = std::min(n, t * chunk), e = std::min(n, b + chunk);
    pool.emplace_back([&, t, b, e] { work(b, e, part[t], [&](std::size_t i) -> Action& { return actions[i]; }); });
  }
  for (auto& th : pool) th.join();
  for (const Snapshot::SweepSummary& p : part) {
    for (int k = 0; k < Action::kKinds; ++k) summary.counts[k] += p.counts[k];
    if (p.next_sweep != kNoInstant && (summary.next_sweep == kNoInstant || p.next_sweep < summary.next_sweep))
      summary.next_sweep = p.next_sweep;
  }
  return summary;
}

}  // namespace gridroute::detail
