// Hot swap: reader threads route through Engine::route while another thread swaps in a different
// snapshot every 10 ms (Engine::swap). Rounds alternate "no swaps" and "swap storm" in one run, so the
// ratio compares like with like on a noisy machine. Every call is timed with the cycle counter: the
// slowest call of each mode shows whether a reader ever waited for a swap.
#include <chrono>
#include <thread>

#include "common.hpp"

namespace grbench {
namespace {

struct ModeResult {
  double dps = 0;
  double cpu_dps = 0;  // per CPU-second the readers got
  double max_us = 0;
  double over_10us = 0;  // calls slower than 10 us, per million
  std::uint64_t swaps = 0;
};

// storm: 0 no swaps; 1 alternate between two distinct snapshots of the bundle; 2 swap in the same snapshot
// again (the swap mechanism alone, without the cache misses of a snapshot the readers have not touched yet).
ModeResult run_mode(Workload& w, Engine& engine, int readers, double seconds, int storm) {
  const std::size_t n = w.issues.size();
  std::vector<std::uint64_t> max_ticks(static_cast<std::size_t>(readers), 0), slow(static_cast<std::size_t>(readers), 0);
  const std::uint64_t ten_us = static_cast<std::uint64_t>(10'000 / ns_per_tick());
  std::atomic<bool> stop_swapper{false};
  std::uint64_t swaps = 0;
  std::thread swapper;
  if (storm) {
    swapper = std::thread([&] {
      auto next = std::chrono::steady_clock::now();
      bool flip = false;
      while (!stop_swapper.load(std::memory_order_relaxed)) {
        next += std::chrono::milliseconds(10);
        std::this_thread::sleep_until(next);
        engine.swap(flip || storm == 2 ? w.snap : w.snap2);
        flip = !flip;
        ++swaps;
      }
    });
  }
  std::uint64_t total = 0;
  ThreadRun tr = run_threads(readers, seconds, [&](int t, const std::atomic<bool>& stop) -> std::uint64_t {
    std::size_t i = n / 2 * static_cast<std::size_t>(t);
    std::uint64_t count = 0, mx = 0, sl = 0;
    while (!stop.load(std::memory_order_relaxed)) {
      for (int k = 0; k < 64; ++k) {
        std::uint64_t a = ticks();
        Decision d = engine.route(w.issues[i]).decision;
        benchmark::DoNotOptimize(d);
        std::uint64_t dt = ticks() - a;
        mx = std::max(mx, dt);
        sl += dt > ten_us;
        if (++i == n) i = 0;
      }
      count += 64;
    }
    max_ticks[static_cast<std::size_t>(t)] = mx;
    slow[static_cast<std::size_t>(t)] = sl;
    return count;
  });
  if (storm) {
    stop_swapper.store(true);
    swapper.join();
  }
  ModeResult r;
  r.dps = tr.wall_ops_per_s;
  r.cpu_dps = tr.cpu_ops_per_s;
  total = static_cast<std::uint64_t>(r.dps * seconds);
  for (std::size_t t = 0; t < max_ticks.size(); ++t) {
    r.max_us = std::max(r.max_us, static_cast<double>(max_ticks[t]) * ns_per_tick() / 1000);
    r.over_10us += static_cast<double>(slow[t]);
  }
  r.over_10us = total ? r.over_10us * 1e6 / static_cast<double>(total) : 0;
  r.swaps = swaps;
  return r;
}

void BM_HotSwap(benchmark::State& st, std::string size, int readers) {
  Workload& w = workload(size);
  need_issues(w);
  need_snap2(w);
  Engine engine(w.snap);
  const int rounds = static_cast<int>(env_size("GRIDROUTE_BENCH_ROUNDS", 5));
  const double secs = env_double("GRIDROUTE_BENCH_ROUND_SECONDS", 0.4);
  std::vector<double> base, storm, ratio, cpu_ratio, same_ratio, same_cpu_ratio, base_max, storm_max, base_slow, storm_slow;
  double swaps = 0;
  for (auto _ : st) {
    for (int r = 0; r < rounds; ++r) {
      ModeResult a = run_mode(w, engine, readers, secs, 0);
      ModeResult b = run_mode(w, engine, readers, secs, 1);
      ModeResult c = run_mode(w, engine, readers, secs, 2);
      same_ratio.push_back(c.dps / a.dps);
      same_cpu_ratio.push_back(c.cpu_dps / a.cpu_dps);
      base.push_back(a.dps);
      storm.push_back(b.dps);
      ratio.push_back(b.dps / a.dps);
      cpu_ratio.push_back(b.cpu_dps / a.cpu_dps);
      base_max.push_back(a.max_us);
      storm_max.push_back(b.max_us);
      base_slow.push_back(a.over_10us);
      storm_slow.push_back(b.over_10us);
      swaps += static_cast<double>(b.swaps);
    }
  }
  st.counters["dps_no_swap"] = median(base);
  st.counters["dps_storm"] = median(storm);
  st.counters["storm_vs_no_swap"] = median(ratio);
  st.counters["storm_vs_no_swap_cpu"] = median(cpu_ratio);
  st.counters["same_snap_storm_vs_no_swap"] = median(same_ratio);
  st.counters["same_snap_storm_vs_no_swap_cpu"] = median(same_cpu_ratio);
  st.counters["swaps_per_s"] = swaps / (rounds * secs);
  st.counters["max_us_no_swap"] = median(base_max);
  st.counters["max_us_storm"] = median(storm_max);
  st.counters["ppm_over_10us_no_swap"] = median(base_slow);
  st.counters["ppm_over_10us_storm"] = median(storm_slow);
}

// The reader side of a swap alone: Engine::snapshot() (an atomic shared_ptr load + the reference count
// going up and down), with and without a writer swapping every 10 ms. With 2 threads the reference count's
// cache line moves between the cores on every call.
void BM_SnapshotLoad(benchmark::State& st, std::string size, bool storm) {
  Workload& w = workload(size);
  need_snap2(w);
  static Engine* engine = nullptr;
  static std::thread swapper;
  static std::atomic<bool> stop{false};
  if (st.thread_index() == 0) {
    engine = new Engine(w.snap);
    stop = false;
    if (storm)
      swapper = std::thread([&w] {
        bool flip = false;
        while (!stop.load()) {
          std::this_thread::sleep_for(std::chrono::milliseconds(10));
          engine->swap(flip ? w.snap : w.snap2);
          flip = !flip;
        }
      });
  }
  for (auto _ : st) {
    auto snap = engine->snapshot();
    benchmark::DoNotOptimize(snap.get());
  }
  if (st.thread_index() == 0) {
    stop = true;
    if (swapper.joinable()) swapper.join();
    st.counters["lock_free"] = std::atomic<std::shared_ptr<const Snapshot>>::is_always_lock_free;
    delete engine;
    engine = nullptr;
  }
  st.SetItemsProcessed(static_cast<std::int64_t>(st.iterations()));
}

}  // namespace

void register_swap(const std::string& size) {
  if (size == "S") {
    const double min_time = env_double("GRIDROUTE_BENCH_MIN_TIME", 0.5);
    for (bool storm : {false, true})
      benchmark::RegisterBenchmark(storm ? "SnapshotLoad/storm" : "SnapshotLoad/no_swap", BM_SnapshotLoad, size, storm)
          ->ThreadRange(1, 2)->MinTime(min_time);
  }
  if (size != "L" && size != "S" && size != "M") return;  // two copies of XL / real would take ~10 GB
  for (int readers : {1, 2})
    benchmark::RegisterBenchmark(("HotSwap/" + size + "/readers:" + std::to_string(readers)).c_str(), BM_HotSwap,
                                 size, readers)
        ->Iterations(1)->UseRealTime()->Unit(benchmark::kSecond);
}

}  // namespace grbench
