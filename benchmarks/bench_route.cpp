// Routing through the C++ API (string ids in, Decision out, deadlines included): single thread, with a
// thread range, with and without explain, per-call latency percentiles, 1 vs 2 threads paired in one
// run, and the JSON Lines codec the CLI uses (parse + route + format, no I/O).
#include <chrono>
#include <thread>

#include "common.hpp"
#include "compile/index.hpp"
#include "decide/decide.hpp"
#include "gridroute/jsonl.hpp"

namespace grbench {
namespace {

using benchmark::Counter;

void set_rate(benchmark::State& st) {
  st.SetItemsProcessed(static_cast<std::int64_t>(st.iterations()));
  st.counters["ns_per_op"] = Counter(static_cast<double>(st.iterations()), Counter::kIsRate | Counter::kInvert);
}

// Snapshot::route (the caller holds the snapshot) or Engine::route (atomic snapshot load per call).
void BM_Route(benchmark::State& st, std::string size, bool via_engine, bool explain) {
  Workload& w = workload(size);
  need_issues(w);
  const Snapshot& s = *w.snap;
  const Engine& e = *w.engine;
  const std::size_t n = w.issues.size();
  // Each thread starts at its own place in the stream.
  std::size_t i = n / static_cast<std::size_t>(st.threads()) * static_cast<std::size_t>(st.thread_index());
  std::size_t routed = 0;
  for (auto _ : st) {
    Decision d = via_engine ? e.route(w.issues[i], explain).decision : s.route(w.issues[i], explain);
    routed += d.status == Decision::Status::routed;
    benchmark::DoNotOptimize(d);
    if (++i == n) i = 0;
  }
  set_rate(st);
  st.counters["routed_pct"] = Counter(100.0 * static_cast<double>(routed) / static_cast<double>(st.iterations()),
                                      Counter::kAvgThreads);
}

// Snapshot::route_batch over the same stream, 256 issues per call: the group prefetching overlaps the
// cache misses of different issues. Items are decisions. `in_cells`: route_batch_in_cells, the cells
// given by number.
//
// `fresh` (RouteBatchFresh, RouteBatchInCellsFresh): a platform's batch as it has it, each batch's issues
// written just before they are routed (FreshBatch: as a parser of JSON lines or database rows writes
// them), so that they are in the cache when routing reads them. Without it the issues were built long
// before and have left every cache by the time they are routed: 1M of them and their attributes take
// some 375 MB. Only the routing is timed then (manual time; ns_per_op, and items_per_second from it);
// write_ns_per_op is the copying, apart. The same decisions either way.
void BM_RouteBatch(benchmark::State& st, std::string size, bool in_cells, bool fresh) {
  Workload& w = workload(size);
  need_issues(w);
  const Snapshot& s = *w.snap;
  const std::vector<gridroute::UnitId>* cells = in_cells ? &cell_numbers(w) : nullptr;
  constexpr std::size_t kBatch = 256;
  const std::size_t n = w.issues.size() / kBatch * kBatch;
  std::vector<Decision> out(kBatch);
  FreshBatch written;
  using Clock = std::chrono::steady_clock;
  double route_s = 0, write_s = 0;
  std::size_t i = 0, routed = 0;
  for (auto _ : st) {
    std::span<const Issue> batch(w.issues.data() + i, kBatch);
    Clock::time_point r0;
    if (fresh) {
      const auto w0 = Clock::now();
      written.write(batch);
      batch = std::span<const Issue>(written.issues.data(), kBatch);
      r0 = Clock::now();
      write_s += std::chrono::duration<double>(r0 - w0).count();
    }
    if (cells)
      s.route_batch_in_cells(batch, std::span<const gridroute::UnitId>(cells->data() + i, kBatch), out);
    else
      s.route_batch(batch, out);
    if (fresh) {
      const double took = std::chrono::duration<double>(Clock::now() - r0).count();
      st.SetIterationTime(took);
      route_s += took;
    }
    for (const Decision& d : out) routed += d.status == Decision::Status::routed;
    benchmark::DoNotOptimize(out.data());
    i += kBatch;
    if (i >= n) i = 0;
  }
  const double decisions = static_cast<double>(st.iterations() * kBatch);
  st.SetItemsProcessed(static_cast<std::int64_t>(decisions));
  if (fresh) {
    st.counters["ns_per_op"] = route_s * 1e9 / decisions;
    st.counters["write_ns_per_op"] = write_s * 1e9 / decisions;
  } else {
    st.counters["ns_per_op"] = Counter(decisions, Counter::kIsRate | Counter::kInvert);
  }
  st.counters["routed_pct"] = Counter(100.0 * static_cast<double>(routed) / decisions);
}

// The same call on only the first 1,024 issues, cycled: their cells, units and handlers stay in the
// caches, so the difference from Route/<size>/snapshot is what the cache misses on the big tables cost.
void BM_RouteHot(benchmark::State& st, std::string size) {
  Workload& w = workload(size);
  need_issues(w);
  const Snapshot& s = *w.snap;
  const std::size_t n = std::min<std::size_t>(w.issues.size(), 1024);
  std::size_t i = 0;
  for (auto _ : st) {
    Decision d = s.route(w.issues[i], false);
    benchmark::DoNotOptimize(d);
    if (++i == n) i = 0;
  }
  set_rate(st);
}

// The two halves of a decision: resolving the string ids (prepare) and the rule scan + role resolution
// on a prepared issue (route_prepared, no deadlines).
void BM_Prepare(benchmark::State& st, std::string size) {
  Workload& w = workload(size);
  need_issues(w);
  const gridroute::detail::Index& s = w.snap->index();
  gridroute::detail::PreparedIssue p;
  std::string err;
  std::size_t i = 0, n = w.issues.size();
  for (auto _ : st) {
    bool ok = gridroute::detail::prepare(s, w.issues[i], p, err, gridroute::detail::UnitIndex::hash(w.issues[i].cell));
    benchmark::DoNotOptimize(ok);
    benchmark::DoNotOptimize(p);
    if (++i == n) i = 0;
  }
  set_rate(st);
}

void BM_RoutePrepared(benchmark::State& st, std::string size) {
  Workload& w = workload(size);
  need_issues(w);
  const gridroute::detail::Index& s = w.snap->index();
  std::size_t n = std::min<std::size_t>(w.issues.size(), 200'000);
  std::vector<gridroute::detail::PreparedIssue> prepared(n);
  std::string err;
  for (std::size_t k = 0; k < n; ++k)
    gridroute::detail::prepare(s, w.issues[k], prepared[k], err, gridroute::detail::UnitIndex::hash(w.issues[k].cell));
  std::size_t i = 0;
  double scanned = 0;
  for (auto _ : st) {
    Decision d;
    gridroute::detail::route_prepared(s, prepared[i], d, false);
    benchmark::DoNotOptimize(d);
    if (++i == n) i = 0;
  }
  // Per decision, from an explain pass over a sample: the category's candidate rules up to the winner
  // (what a plain scan reads), and those of them whose scope holds the cell (what the scope index visits).
  double visited = 0;
  for (std::size_t k = 0; k < std::min<std::size_t>(n, 20'000); ++k) {
    Decision d;
    gridroute::detail::route_prepared(s, prepared[k], d, true);
    std::size_t upto = d.trace.size();
    for (std::size_t t = 0; t < d.trace.size(); ++t)
      if (d.trace[t].verdict == Verdict::won) upto = t + 1;
    scanned += static_cast<double>(upto);
    for (std::size_t t = 0; t < upto; ++t) visited += d.trace[t].verdict != Verdict::not_in_scope;
  }
  set_rate(st);
  st.counters["rules_scanned"] = scanned / static_cast<double>(std::min<std::size_t>(n, 20'000));
  st.counters["rules_visited"] = visited / static_cast<double>(std::min<std::size_t>(n, 20'000));
}

// Per-call latency: each call timed with the cycle counter; percentiles as counters (ns).
void BM_RouteLatency(benchmark::State& st, std::string size, bool in_cell) {
  Workload& w = workload(size);
  need_issues(w);
  const Snapshot& s = *w.snap;
  const std::vector<gridroute::UnitId>* cells = in_cell ? &cell_numbers(w) : nullptr;
  const std::size_t n = w.issues.size();
  // Written before the loop, so that no page of it is first touched (and faulted in) inside a timed call.
  std::vector<double> samples(static_cast<std::size_t>(st.max_iterations));
  std::size_t taken = 0;
  // The timer's own cost, subtracted from every sample.
  double overhead = 0;
  {
    std::vector<double> o;
    for (int k = 0; k < 10000; ++k) {
      std::uint64_t a = ticks();
      std::uint64_t b = ticks();
      o.push_back(static_cast<double>(b - a));
    }
    overhead = median(o);
  }
  std::size_t i = 0;
  for (auto _ : st) {
    std::uint64_t a = ticks();
    Decision d = cells ? s.route_in_cell(w.issues[i], (*cells)[i], false) : s.route(w.issues[i], false);
    benchmark::DoNotOptimize(d);
    std::uint64_t b = ticks();
    if (taken < samples.size()) samples[taken++] = static_cast<double>(b - a) - overhead;
    if (++i == n) i = 0;
  }
  samples.resize(taken);
  const double k = ns_per_tick();
  for (double& x : samples) x *= k;
  set_rate(st);
  st.counters["p50_ns"] = percentile(samples, 0.50);
  st.counters["p90_ns"] = percentile(samples, 0.90);
  st.counters["p99_ns"] = percentile(samples, 0.99);
  st.counters["p999_ns"] = percentile(samples, 0.999);
  st.counters["max_ns"] = samples.empty() ? 0 : samples.back();
  st.counters["timer_ns"] = overhead * k;
}

// 1 thread vs 2 threads, alternated in rounds within one run (the machine is noisy): medians and ratio.
void BM_Scaling(benchmark::State& st, std::string size, bool via_engine) {
  Workload& w = workload(size);
  need_issues(w);
  const std::size_t n = w.issues.size();
  const int rounds = static_cast<int>(env_size("GRIDROUTE_BENCH_ROUNDS", 5));
  const double secs = env_double("GRIDROUTE_BENCH_ROUND_SECONDS", 0.4);
  auto body = [&](int t, const std::atomic<bool>& stop) -> std::uint64_t {
    std::size_t i = n / 2 * static_cast<std::size_t>(t);
    std::uint64_t count = 0;
    while (!stop.load(std::memory_order_relaxed)) {
      for (int k = 0; k < 64; ++k) {
        Decision d = via_engine ? w.engine->route(w.issues[i]).decision : w.snap->route(w.issues[i]);
        benchmark::DoNotOptimize(d);
        if (++i == n) i = 0;
      }
      count += 64;
    }
    return count;
  };
  std::vector<double> one, two, ratio, eff, share1, share2;
  for (auto _ : st) {
    for (int r = 0; r < rounds; ++r) {
      ThreadRun a = run_threads(1, secs, body);
      ThreadRun b = run_threads(2, secs, body);
      one.push_back(a.wall_ops_per_s);
      two.push_back(b.wall_ops_per_s);
      ratio.push_back(b.wall_ops_per_s / a.wall_ops_per_s);
      // Per CPU-second: what each thread gets done while it runs. On an idle 2-core machine the speedup
      // is 2 x this efficiency; below 1 it is lost to shared caches, memory and cache-line traffic.
      eff.push_back(b.cpu_ops_per_s / a.cpu_ops_per_s);
      share1.push_back(a.cpu_share);
      share2.push_back(b.cpu_share);
    }
  }
  st.counters["dps_1thread"] = median(one);
  st.counters["dps_2threads"] = median(two);
  st.counters["speedup_wall"] = median(ratio);
  st.counters["per_thread_eff"] = median(eff);
  st.counters["speedup_cpu_norm"] = 2 * median(eff);
  st.counters["cpu_share_1t"] = median(share1);
  st.counters["cpu_share_2t"] = median(share2);
}

// The CLI's per-line work without I/O: parse the JSON lines, route, write the decision lines, in the
// CLI's blocks of 1,024 lines (LineCodec::route_lines). Items are lines.
void BM_Codec(benchmark::State& st, std::string size, bool explain) {
  Workload& w = workload(size);
  need_issues(w);
  LineCodec codec(w.snap, {.explain = explain});
  std::string out;
  out.reserve(1 << 22);
  constexpr std::size_t kBlock = 1024;
  const std::size_t n = w.issue_lines.size() / kBlock * kBlock;
  std::size_t i = 0, bytes = 0;
  for (auto _ : st) {
    out.clear();
    std::span<const std::string_view> block(w.issue_lines.data() + i, kBlock);
    codec.route_lines(block, out);
    for (auto l : block) bytes += l.size() + 1;
    bytes += out.size();
    benchmark::DoNotOptimize(out.data());
    i += kBlock;
    if (i >= n) i = 0;
  }
  st.SetItemsProcessed(static_cast<std::int64_t>(st.iterations() * kBlock));
  st.counters["ns_per_op"] = Counter(static_cast<double>(st.iterations() * kBlock), Counter::kIsRate | Counter::kInvert);
  st.SetBytesProcessed(static_cast<std::int64_t>(bytes));
}

}  // namespace

void register_route(const std::string& size) {
  const double min_time = env_double("GRIDROUTE_BENCH_MIN_TIME", 0.5);
  benchmark::RegisterBenchmark(("Route/" + size + "/snapshot").c_str(), BM_Route, size, false, false)
      ->MinTime(min_time);
  benchmark::RegisterBenchmark(("Route/" + size + "/engine").c_str(), BM_Route, size, true, false)
      ->MinTime(min_time);
  benchmark::RegisterBenchmark(("RouteBatch/" + size).c_str(), BM_RouteBatch, size, false, false)->MinTime(min_time);
  benchmark::RegisterBenchmark(("RouteBatchInCells/" + size).c_str(), BM_RouteBatch, size, true, false)
      ->MinTime(min_time);
  benchmark::RegisterBenchmark(("RouteBatchFresh/" + size).c_str(), BM_RouteBatch, size, false, true)
      ->MinTime(min_time)->UseManualTime();
  benchmark::RegisterBenchmark(("RouteBatchInCellsFresh/" + size).c_str(), BM_RouteBatch, size, true, true)
      ->MinTime(min_time)->UseManualTime();
  benchmark::RegisterBenchmark(("RouteHot/" + size).c_str(), BM_RouteHot, size)->MinTime(min_time);
  benchmark::RegisterBenchmark(("RouteExplain/" + size).c_str(), BM_Route, size, false, true)->MinTime(min_time);
  benchmark::RegisterBenchmark(("Prepare/" + size).c_str(), BM_Prepare, size)->MinTime(min_time);
  benchmark::RegisterBenchmark(("RoutePrepared/" + size).c_str(), BM_RoutePrepared, size)->MinTime(min_time);
  benchmark::RegisterBenchmark(("RouteLatency/" + size).c_str(), BM_RouteLatency, size, false)->Iterations(1'000'000);
  benchmark::RegisterBenchmark(("RouteLatencyInCell/" + size).c_str(), BM_RouteLatency, size, true)
      ->Iterations(1'000'000);
  benchmark::RegisterBenchmark(("RouteThreads/" + size + "/snapshot").c_str(), BM_Route, size, false, false)
      ->ThreadRange(1, 2)->UseRealTime()->MinTime(min_time);
  benchmark::RegisterBenchmark(("RouteThreads/" + size + "/engine").c_str(), BM_Route, size, true, false)
      ->ThreadRange(1, 2)->UseRealTime()->MinTime(min_time);
  benchmark::RegisterBenchmark(("Scaling/" + size + "/snapshot").c_str(), BM_Scaling, size, false)
      ->Iterations(1)->UseRealTime()->Unit(benchmark::kSecond);
  benchmark::RegisterBenchmark(("Scaling/" + size + "/engine").c_str(), BM_Scaling, size, true)
      ->Iterations(1)->UseRealTime()->Unit(benchmark::kSecond);
  benchmark::RegisterBenchmark(("Codec/" + size).c_str(), BM_Codec, size, false)->MinTime(min_time);
  benchmark::RegisterBenchmark(("CodecExplain/" + size).c_str(), BM_Codec, size, true)->MinTime(min_time);
}

}  // namespace grbench
