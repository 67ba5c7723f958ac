// Sweeps: one `now`, many cases, answers in input order whatever the thread count.
#include <algorithm>
#include <thread>

#include "gridroute/snapshot.hpp"

namespace gridroute {

Snapshot::SweepSummary Snapshot::sweep(std::span<const Case> cases, Instant now, std::vector<Action>& actions,
                                       unsigned threads) const {
  actions.clear();
  actions.resize(cases.size());
  if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
  threads = static_cast<unsigned>(std::min<std::size_t>(threads, std::max<std::size_t>(1, cases.size() / 4096)));
  auto work = [&](std::size_t begin, std::size_t end) {
    // In groups, with what each case reads prefetched for the whole group first (see route_batch).
    std::string_view cells[kPrefetchGroup];
    std::uint64_t hashes[kPrefetchGroup];
    for (std::size_t base = begin; base < end; base += kPrefetchGroup) {
      const std::size_t m = std::min(kPrefetchGroup, end - base);
      for (std::size_t i = 0; i < m; ++i) cells[i] = cases[base + i].issue.cell;
      prefetch_cells(cells, m, hashes);
      for (std::size_t i = 0; i < m; ++i) actions[base + i] = escalate(cases[base + i], now, hashes[i]);
    }
  };
  if (threads <= 1) {
    work(0, cases.size());
  } else {
    std::vector<std::thread> pool;
    std::size_t chunk = (cases.size() + threads - 1) / threads;
    for (unsigned t = 0; t < threads; ++t) {
      std::size_t b = std::min(cases.size(), t * chunk), e = std::min(cases.size(), b + chunk);
      pool.emplace_back(work, b, e);
    }
    for (auto& th : pool) th.join();
  }
  SweepSummary s;
  for (const Action& a : actions) {
    ++s.counts[static_cast<int>(a.kind)];
    if (a.kind == Action::Kind::hold && a.next_check != kNoInstant &&
        (s.next_sweep == kNoInstant || a.next_check < s.next_sweep))
      s.next_sweep = a.next_check;
  }
  return s;
}

}  // namespace gridroute
