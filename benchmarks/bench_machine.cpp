// The machine's own baseline, measured in the same run as the rest: what one dependent load at random
// costs in an array of 8, 32 and 256 MiB (a chase through a random cycle of cache lines, so that each
// load waits on the one before and no prefetcher can guess the next). Routing at L waits on such loads;
// dividing its time by this one compares runs on machines whose memory differs (docs/performance.md,
// "The machine, and how to read the numbers"). `huge:1` maps the array in transparent huge pages
// (madvise), `huge:0` forbids them: the difference is what the page walks cost.
//
//   build-bench/gridroute_bench --benchmark_filter='^MemoryLatency'
#include <sys/mman.h>

#include <chrono>
#include <cstdint>
#include <numeric>
#include <random>
#include <utility>
#include <vector>

#include "common.hpp"

namespace grbench {
namespace {

struct alignas(64) Line {
  std::uint32_t next = 0;
};

// An array of lines in a mapping of its own, so that its pages can be advised; unmapped when the next
// array is made, so that only one is held at a time (the largest is 256 MiB).
struct Lines {
  std::size_t mib = 0;
  bool huge = false;
  Line* p = nullptr;
  std::size_t n = 0;
  std::size_t size() const { return n; }
  const Line& operator[](std::size_t i) const { return p[i]; }
};

// One cycle through every line of `mib` MiB in a random order (Sattolo's shuffle gives a single cycle).
// Empty when the mapping fails.
const Lines& cycle_of(std::size_t mib, bool huge) {
  static Lines held;
  if (held.p && held.mib == mib && held.huge == huge) return held;
  if (held.p) munmap(held.p, held.n * sizeof(Line));
  held = Lines{mib, huge};
  const std::size_t n = mib * 1024 * 1024 / sizeof(Line);
  void* m = mmap(nullptr, n * sizeof(Line), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (m == MAP_FAILED) return held;
  madvise(m, n * sizeof(Line), huge ? MADV_HUGEPAGE : MADV_NOHUGEPAGE);
  std::vector<std::uint32_t> order(n);
  std::iota(order.begin(), order.end(), 0u);
  std::mt19937_64 rng(42);
  for (std::size_t i = n - 1; i > 0; --i) std::swap(order[i], order[rng() % i]);
  Line* lines = static_cast<Line*>(m);
  for (std::size_t i = 0; i < n; ++i) lines[order[i]].next = order[(i + 1) % n];
  held.p = lines;
  held.n = n;
  return held;
}

void BM_MemoryLatency(benchmark::State& state) {
  const auto& lines = cycle_of(static_cast<std::size_t>(state.range(0)), state.range(1) != 0);
  if (lines.size() == 0) {
    state.SkipWithError("could not map the array");
    return;
  }
  constexpr std::size_t kSteps = 1 << 20;
  std::uint32_t at = 0;
  for (std::size_t i = 0; i < lines.size(); ++i) at = lines[at].next;  // warm the page tables once
  double ns = 0;
  for (auto _ : state) {
    const auto t0 = std::chrono::steady_clock::now();
    for (std::size_t i = 0; i < kSteps; ++i) at = lines[at].next;
    benchmark::DoNotOptimize(at);
    ns += std::chrono::duration<double, std::nano>(std::chrono::steady_clock::now() - t0).count();
  }
  const double loads = static_cast<double>(state.iterations()) * kSteps;
  state.counters["ns_per_load"] = ns / loads;
  state.SetItemsProcessed(static_cast<std::int64_t>(loads));
}

}  // namespace

void register_machine() {
  const double min_time = env_double("GRIDROUTE_BENCH_MIN_TIME", 0.5);
  for (int mib : {8, 32, 256})
    for (int huge : {0, 1})
      benchmark::RegisterBenchmark("MemoryLatency", BM_MemoryLatency)
          ->Args({mib, huge})
          ->ArgNames({"MiB", "huge"})
          ->MinTime(min_time);
}

}  // namespace grbench
