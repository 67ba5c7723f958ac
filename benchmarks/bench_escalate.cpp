// The escalation sweep: evaluate every open or resolved case at one `now` (SPEC §3.5). Per case through
// Snapshot::escalate, and as one batch through Snapshot::sweep (1 and 2 threads) when the engine has it;
// the 10M sweep evaluates the 1M generated cases ten times in one pass (the same per-case work as 10M
// distinct cases: the 1M cases and their cells already miss the caches).
#include <array>
#include <chrono>

#include "gridroute/case_book.hpp"

#include "common.hpp"

namespace grbench {
namespace {

using benchmark::Counter;

template <class S>
concept HasSweep = requires(const S& s, std::span<const Case> c, std::vector<Action>& a) {
  s.sweep(c, Instant{}, a, 1u);
};

template <class S>
bool sweep(const S& s, std::span<const Case> cases, Instant now, std::vector<Action>& actions, unsigned threads) {
  if constexpr (HasSweep<S>) {
    auto summary = s.sweep(cases, now, actions, threads);
    benchmark::DoNotOptimize(summary);
    return true;
  } else {
    actions.resize(cases.size());
    for (std::size_t i = 0; i < cases.size(); ++i) actions[i] = s.escalate(cases[i], now);
    return false;
  }
}

void count_kinds(benchmark::State& st, const std::vector<Action>& actions) {
  std::array<double, Action::kKinds> k{};
  for (const Action& a : actions) k[static_cast<std::size_t>(a.kind)]++;
  for (std::size_t i = 0; i < k.size(); ++i)
    if (k[i] > 0)
      st.counters[std::string("pct_") + std::string(to_string(static_cast<Action::Kind>(i)))] =
          100.0 * k[i] / static_cast<double>(actions.size());
}

void BM_Escalate(benchmark::State& st, std::string size) {
  Workload& w = workload(size);
  need_cases(w);
  const Snapshot& s = *w.snap;
  const std::size_t n = w.cases.size();
  std::size_t i = 0;
  for (auto _ : st) {
    Action a = s.escalate(w.cases[i], w.now);
    benchmark::DoNotOptimize(a);
    if (++i == n) i = 0;
  }
  st.SetItemsProcessed(static_cast<std::int64_t>(st.iterations()));
  st.counters["ns_per_case"] = Counter(static_cast<double>(st.iterations()), Counter::kIsRate | Counter::kInvert);
}

void BM_Sweep(benchmark::State& st, std::string size, unsigned threads, int passes, bool pinned) {
  Workload& w = workload(size);
  if (pinned) need_pinned_cases(w);
  else need_cases(w);
  const std::vector<Case>& cases = pinned ? w.pinned_cases : w.cases;
  // A scheduler keeps its actions from one sweep to the next (the header's advice): the sweep writes
  // into memory already touched. Touched here, untimed, so that each repetition (one iteration each)
  // measures the sweep and not the first touch of 1M fresh actions (some 0.4 s of page faults here).
  std::vector<Action> actions(cases.size());
  bool batch = true;
  for (auto _ : st)
    for (int p = 0; p < passes; ++p) batch = sweep(*w.snap, std::span<const Case>(cases), w.now, actions, threads);
  st.SetItemsProcessed(static_cast<std::int64_t>(st.iterations()) * passes * static_cast<std::int64_t>(cases.size()));
  st.counters["cases"] = static_cast<double>(cases.size()) * passes;
  st.counters["batch_api"] = batch;
  if (pinned) st.counters["pct_pinned"] = 100.0 * static_cast<double>(w.pinned_count) / static_cast<double>(cases.size());
  count_kinds(st, actions);
}

// The same pinned cases kept in a CaseBook between sweeps (a scheduler's open cases): each case is
// checked and settled once when added (`add_ns`, reported, not timed), and each sweep compares `now`
// with the deadlines it keeps. The actions are the ones SweepPinned gives (tests/sweep_test.cpp).
void BM_SweepBook(benchmark::State& st, std::string size, unsigned threads) {
  Workload& w = workload(size);
  need_pinned_cases(w);
  gridroute::CaseBook book(w.snap);
  book.reserve(w.pinned_cases.size());
  const auto t0 = std::chrono::steady_clock::now();
  book.add(std::span<const Case>(w.pinned_cases));  // in prefetched groups, as a scheduler loads its cases
  const double add_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::vector<Action> actions(book.size());  // touched before the timing, as in BM_Sweep
  for (auto _ : st) {
    auto summary = book.sweep(w.now, actions, threads);
    benchmark::DoNotOptimize(summary);
  }
  st.SetItemsProcessed(static_cast<std::int64_t>(st.iterations()) * static_cast<std::int64_t>(book.size()));
  st.counters["cases"] = static_cast<double>(book.size());
  st.counters["add_ns"] = 1e9 * add_s / static_cast<double>(std::max<std::size_t>(1, book.size()));
  count_kinds(st, actions);
}

}  // namespace

void register_escalate(const std::string& size) {
  if (size == "peers") return;  // the peers workload has no cases
  const double min_time = env_double("GRIDROUTE_BENCH_MIN_TIME", 0.5);
  benchmark::RegisterBenchmark(("Escalate/" + size).c_str(), BM_Escalate, size)->MinTime(min_time);
  // One thread: cases per CPU-second of the process (robust to other load on the machine); two threads:
  // wall clock (what a scheduler sees).
  // GRIDROUTE_BENCH_SWEEP_REPS overrides the repetitions (for A/B runs on a noisy machine).
  const int reps = static_cast<int>(env_size("GRIDROUTE_BENCH_SWEEP_REPS", size == "L" || size == "XL" || size == "real" ? 2 : 3));
  benchmark::RegisterBenchmark(("Sweep/" + size + "/threads:1").c_str(), BM_Sweep, size, 1u, 1, false)
      ->Iterations(1)->Repetitions(reps)->MeasureProcessCPUTime()->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark(("Sweep/" + size + "/threads:2").c_str(), BM_Sweep, size, 2u, 1, false)
      ->Iterations(1)->Repetitions(reps)->UseRealTime()->Unit(benchmark::kMillisecond);
  // Pinned cases (SPEC §6.1): the rule and owner come from the case, no rule selection.
  benchmark::RegisterBenchmark(("SweepPinned/" + size + "/threads:1").c_str(), BM_Sweep, size, 1u, 1, true)
      ->Iterations(1)->Repetitions(reps)->MeasureProcessCPUTime()->Unit(benchmark::kMillisecond);
  // The same cases kept in a CaseBook: settled once, swept again and again.
  benchmark::RegisterBenchmark(("SweepBook/" + size + "/threads:1").c_str(), BM_SweepBook, size, 1u)
      ->Repetitions(reps)->MeasureProcessCPUTime()->Unit(benchmark::kMillisecond);
  if (size == "L" && env_size("GRIDROUTE_BENCH_SWEEP10M", 0))
    benchmark::RegisterBenchmark(("Sweep10M/" + size + "/threads:1").c_str(), BM_Sweep, size, 1u, 10, false)
        ->Iterations(1)->MeasureProcessCPUTime()->Unit(benchmark::kMillisecond);
}

}  // namespace grbench
