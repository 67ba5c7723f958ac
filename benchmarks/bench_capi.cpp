// The C ABI struct fast path (gridroute_engine_route with a gridroute_issue) against the C++ call
// (Engine::route) on the same issues. Built only when capi/ provides gridroute.h and its library.
#include "common.hpp"

#ifdef GRIDROUTE_BENCH_HAVE_CAPI
#include <chrono>
#include <cstdlib>
#include <dlfcn.h>
#include <span>

#include "gridroute.h"

namespace grbench {
namespace {

struct CIssues {
  std::vector<gridroute_issue> issues;
  std::vector<gridroute_attr> attrs;
};

// The C structs of `in`, into `c`'s vectors (their memory reused: a platform writes its batch's structs
// again for each batch).
void to_c_into(std::span<const Issue> in, CIssues& c) {
  std::size_t total = 0;
  for (const auto& is : in) total += is.attrs.size();
  c.attrs.clear();
  c.issues.clear();
  c.attrs.reserve(total);  // before any struct points into it
  c.issues.reserve(in.size());
  for (const auto& is : in) {
    gridroute_issue g = GRIDROUTE_ISSUE_INIT;
    g.id = is.id.data();
    g.id_len = is.id.size();
    g.category = is.category.data();
    g.category_len = is.category.size();
    g.cell = is.cell.data();
    g.cell_len = is.cell.size();
    g.at = is.at;
    g.attrs = c.attrs.data() + c.attrs.size();
    g.attr_count = is.attrs.size();
    for (const auto& [name, v] : is.attrs) {
      gridroute_attr a{};
      a.name = name.data();
      a.name_len = name.size();
      switch (v.type) {
        case AttrValue::Type::boolean: a.type = GRIDROUTE_ATTR_BOOL; a.boolean = v.b; break;
        case AttrValue::Type::number: a.type = GRIDROUTE_ATTR_NUMBER; a.number = v.num; break;
        case AttrValue::Type::string:
          a.type = GRIDROUTE_ATTR_STRING;
          a.string = v.str.data();
          a.string_len = v.str.size();
          break;
        default: a.type = GRIDROUTE_ATTR_NULL; break;
      }
      c.attrs.push_back(a);
    }
    c.issues.push_back(g);
  }
}

CIssues to_c(const std::vector<Issue>& in) {
  CIssues c;
  to_c_into(in, c);
  return c;
}

struct CEngine {
  gridroute_engine* engine = nullptr;
  CIssues issues;
  std::string name;
  // The issues' cells by number (gridroute_engine_find_units), looked up once as a platform keeps them:
  // empty until cell_numbers() is asked, or if the lookup failed.
  std::vector<int32_t> numbers;
  uint64_t generation = 0;
  ~CEngine() { gridroute_engine_free(engine); }
};

// The numbers of ce's issues' cells (CEngine::numbers); false if the C ABI refused the lookup.
bool cell_numbers(CEngine& ce) {
  if (!ce.numbers.empty()) return true;
  std::vector<gridroute_string> ids;
  ids.reserve(ce.issues.issues.size());
  for (const gridroute_issue& i : ce.issues.issues) ids.push_back({i.cell, i.cell_len});
  std::vector<int32_t> numbers(ids.size());
  if (gridroute_engine_find_units(numbers.data(), &ce.generation, ce.engine, ids.data(), ids.size(), nullptr) !=
      GRIDROUTE_OK)
    return false;
  ce.numbers = std::move(numbers);
  return true;
}

CEngine& c_engine(Workload& w) {
  static std::unique_ptr<CEngine> e;
  if (!e || e->name != w.name) {
    e.reset();
    e = std::make_unique<CEngine>();
    e->name = w.name;
    gridroute_error* err = nullptr;
    if (gridroute_engine_load(&e->engine, w.dir.data(), w.dir.size(), nullptr, &err) != GRIDROUTE_OK) {
      std::fprintf(stderr, "gridroute_bench: C ABI load failed: %s\n", err ? err->message : "?");
      gridroute_error_free(err);
      std::exit(1);
    }
    e->issues = to_c(w.issues);
  }
  return *e;
}

void BM_CApiRoute(benchmark::State& st, std::string size) {
  Workload& w = workload(size);
  need_issues(w);
  CEngine& ce = c_engine(w);
  gridroute_decision d = GRIDROUTE_DECISION_INIT;
  const std::size_t n = ce.issues.issues.size();
  std::size_t i = 0;
  for (auto _ : st) {
    int rc = gridroute_engine_route(&d, ce.engine, &ce.issues.issues[i], nullptr, nullptr);
    benchmark::DoNotOptimize(rc);
    benchmark::DoNotOptimize(d);
    if (++i == n) i = 0;
  }
  gridroute_decision_release(&d);
  st.SetItemsProcessed(static_cast<std::int64_t>(st.iterations()));
  st.counters["ns_per_op"] = benchmark::Counter(static_cast<double>(st.iterations()),
                                                benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

// C++ Engine::route and the C call alternated in rounds over the same issues: medians and the ratio.
void BM_CApiVsCpp(benchmark::State& st, std::string size) {
  Workload& w = workload(size);
  need_issues(w);
  CEngine& ce = c_engine(w);
  const std::size_t n = w.issues.size();
  const int rounds = static_cast<int>(env_size("GRIDROUTE_BENCH_ROUNDS", 5));
  const std::size_t per_round = std::min<std::size_t>(n, 200'000);
  std::vector<double> cpp, c, ratio, cpp_ids, ratio_ids;
  gridroute_decision d = GRIDROUTE_DECISION_INIT;
  std::size_t start = 0;
  for (auto _ : st) {
    for (int r = 0; r < rounds; ++r) {
      // Thread CPU time, not wall time: other processes on the machine do not count against either side.
      double t0 = thread_cpu_seconds();
      for (std::size_t k = 0, i = start; k < per_round; ++k, i = i + 1 == n ? 0 : i + 1) {
        gridroute::Routed x = w.engine->route(w.issues[i]);
        benchmark::DoNotOptimize(x);
      }
      double t1 = thread_cpu_seconds();
      for (std::size_t k = 0, i = start; k < per_round; ++k, i = i + 1 == n ? 0 : i + 1) {
        int rc = gridroute_engine_route(&d, ce.engine, &ce.issues.issues[i], nullptr, nullptr);
        benchmark::DoNotOptimize(rc);
        benchmark::DoNotOptimize(d);
      }
      double t2 = thread_cpu_seconds();
      // The C++ call plus what a caller reads to use the answer — the rule, handler and unit ids the C
      // struct hands over as strings.
      std::size_t bytes = 0;
      for (std::size_t k = 0, i = start; k < per_round; ++k, i = i + 1 == n ? 0 : i + 1) {
        gridroute::Routed x = w.engine->route(w.issues[i]);
        if (x.decision.status == Decision::Status::routed)
          bytes += x.rule().front() + x.handler().front() + x.unit().front();
        benchmark::DoNotOptimize(x);
      }
      benchmark::DoNotOptimize(bytes);
      double t3 = thread_cpu_seconds();
      double a = static_cast<double>(per_round) / (t1 - t0);
      double b = static_cast<double>(per_round) / (t2 - t1);
      double a2 = static_cast<double>(per_round) / (t3 - t2);
      cpp.push_back(a);
      c.push_back(b);
      ratio.push_back(b / a);
      cpp_ids.push_back(a2);
      ratio_ids.push_back(b / a2);
      start = (start + per_round) % n;
    }
  }
  gridroute_decision_release(&d);
  st.counters["dps_cpp"] = median(cpp);
  st.counters["dps_capi"] = median(c);
  st.counters["capi_vs_cpp"] = median(ratio);
  st.counters["dps_cpp_with_ids"] = median(cpp_ids);
  st.counters["capi_vs_cpp_with_ids"] = median(ratio_ids);
}

// What the batch benchmarks share: the workload's issues in batches of 256, taken in rounds of up to
// 262,144 ($GRIDROUTE_BENCH_ROUNDS rounds, 5 by default), and the C engine's copy of them (whose cells'
// numbers cell_numbers looks up once, as a platform keeps them).
struct BatchRounds {
  static constexpr std::size_t kBatch = 256;
  Workload& w;
  CEngine& ce;
  std::size_t n;  // the issues that fill whole batches
  int rounds;
  std::size_t per_round;
  explicit BatchRounds(const std::string& size)
      : w(workload(size)), ce((need_issues(w), c_engine(w))), n(w.issues.size() / kBatch * kBatch),
        rounds(static_cast<int>(env_size("GRIDROUTE_BENCH_ROUNDS", 5))), per_round(std::min<std::size_t>(n, 262'144)) {}
};

// A batch's issues written fresh (`fresh`, as a platform's parser leaves them) and their C structs from
// those (`c`), each with its cell's number from `numbers` of `generation`, or by cell id when `numbers` is
// null.
void write_c_batch(FreshBatch& fresh, CIssues& c, std::span<const Issue> issues, const int32_t* numbers,
                   uint64_t generation) {
  fresh.write(issues);
  to_c_into(std::span<const Issue>(fresh.issues.data(), issues.size()), c);
  if (numbers)
    for (std::size_t j = 0; j < issues.size(); ++j) {
      c.issues[j].cell_number = numbers[j];
      c.issues[j].cell_generation = generation;
    }
}

// The batched C call (gridroute_engine_route_batch) by cell id and by cell number, against the C++
// Snapshot::route_batch and route_batch_in_cells and against the C call one at a time, alternated in
// rounds over the same issues (batches of 256, as RouteBatch): thread CPU ns a decision, medians.
void BM_CApiBatch(benchmark::State& st, std::string size) {
  BatchRounds r(size);
  if (!cell_numbers(r.ce)) return st.SkipWithError("gridroute_engine_find_units failed");
  auto& [w, ce, n, rounds, per_round] = r;
  constexpr std::size_t kBatch = BatchRounds::kBatch;
  std::vector<gridroute_issue> numbered = ce.issues.issues;
  for (std::size_t i = 0; i < numbered.size(); ++i) {
    numbered[i].cell_number = ce.numbers[i];
    numbered[i].cell_generation = ce.generation;
  }
  const std::vector<gridroute::UnitId>& cells = cell_numbers(w);
  std::vector<gridroute_decision> out(kBatch, gridroute_decision(GRIDROUTE_DECISION_INIT));
  std::vector<Decision> cpp_out(kBatch);
  std::vector<double> cpp_ns, cpp_cells_ns, cpp_ids_ns, c_ns, c_number_ns, c_one_ns;
  std::size_t start = 0, routed = 0;
  auto per = [&](double t0, double t1) { return (t1 - t0) * 1e9 / static_cast<double>(per_round); };
  for (auto _ : st) {
    for (int r = 0; r < rounds; ++r) {
      double t0 = thread_cpu_seconds();
      for (std::size_t k = 0, i = start; k < per_round; k += kBatch, i = i + kBatch >= n ? 0 : i + kBatch)
        w.snap->route_batch(std::span<const Issue>(w.issues.data() + i, kBatch), cpp_out);
      double t1 = thread_cpu_seconds();
      for (std::size_t k = 0, i = start; k < per_round; k += kBatch, i = i + kBatch >= n ? 0 : i + kBatch)
        w.snap->route_batch_in_cells(std::span<const Issue>(w.issues.data() + i, kBatch),
                                     std::span<const gridroute::UnitId>(cells.data() + i, kBatch), cpp_out);
      double t2 = thread_cpu_seconds();
      // The same, and what the C struct hands over besides: every id of the decision as a string.
      std::size_t chars = 0;
      for (std::size_t k = 0, i = start; k < per_round; k += kBatch, i = i + kBatch >= n ? 0 : i + kBatch) {
        w.snap->route_batch_in_cells(std::span<const Issue>(w.issues.data() + i, kBatch),
                                     std::span<const gridroute::UnitId>(cells.data() + i, kBatch), cpp_out);
        for (const Decision& d : cpp_out) {
          if (d.status != Decision::Status::routed) continue;
          if (d.rule != gridroute::kNone) chars += w.snap->rule_id(d.rule).size();
          chars += w.snap->handler_id(d.handler).size() +
                   w.snap->unit_id(d.unit).size() + w.snap->role_name(d.role).size();
          for (gridroute::HandlerId a : d.alternates) chars += w.snap->handler_id(a).size();
          for (gridroute::HandlerId a : d.assist) chars += w.snap->handler_id(a).size();
        }
      }
      benchmark::DoNotOptimize(chars);
      double t2b = thread_cpu_seconds();
      for (std::size_t k = 0, i = start; k < per_round; k += kBatch, i = i + kBatch >= n ? 0 : i + kBatch)
        gridroute_engine_route_batch(out.data(), ce.engine, ce.issues.issues.data() + i, kBatch, nullptr, nullptr);
      double t3 = thread_cpu_seconds();
      for (std::size_t k = 0, i = start; k < per_round; k += kBatch, i = i + kBatch >= n ? 0 : i + kBatch) {
        gridroute_engine_route_batch(out.data(), ce.engine, numbered.data() + i, kBatch, nullptr, nullptr);
        for (const gridroute_decision& d : out) routed += d.status == GRIDROUTE_DECISION_ROUTED;
      }
      double t4 = thread_cpu_seconds();
      for (std::size_t k = 0, i = start; k < per_round; ++k, i = i + 1 == n ? 0 : i + 1)
        gridroute_engine_route(out.data(), ce.engine, &ce.issues.issues[i], nullptr, nullptr);
      double t5 = thread_cpu_seconds();
      cpp_ns.push_back(per(t0, t1));
      cpp_cells_ns.push_back(per(t1, t2));
      cpp_ids_ns.push_back(per(t2, t2b));
      c_ns.push_back(per(t2b, t3));
      c_number_ns.push_back(per(t3, t4));
      c_one_ns.push_back(per(t4, t5));
      start = (start + per_round) % n;
    }
  }
  for (gridroute_decision& d : out) gridroute_decision_release(&d);
  st.counters["ns_cpp_batch"] = median(cpp_ns);
  st.counters["ns_cpp_batch_in_cells"] = median(cpp_cells_ns);
  st.counters["ns_cpp_batch_in_cells_with_ids"] = median(cpp_ids_ns);
  st.counters["ns_capi_batch"] = median(c_ns);
  st.counters["ns_capi_batch_by_number"] = median(c_number_ns);
  st.counters["ns_capi_one_at_a_time"] = median(c_one_ns);
  st.counters["routed_pct"] = 100.0 * static_cast<double>(routed) / static_cast<double>(rounds * per_round);
}

// The C batch by cell number against C++ route_batch_in_cells followed by reading the decision's ids
// (the work of CApiBatch's ns_capi_batch_by_number and ns_cpp_batch_in_cells_with_ids), each batch's
// issues written just before it is routed, as a platform has them (FreshBatch; the C structs written
// from it into arrays reused from batch to batch). Only the routing is timed, a batch at a time; the two
// ways alternated in rounds over the same issues, the ratio's median.
void BM_CApiBatchFresh(benchmark::State& st, std::string size) {
  BatchRounds r(size);
  if (!cell_numbers(r.ce)) return st.SkipWithError("gridroute_engine_find_units failed");
  auto& [w, ce, n, rounds, per_round] = r;
  constexpr std::size_t kBatch = BatchRounds::kBatch;
  const std::vector<gridroute::UnitId>& cells = cell_numbers(w);
  std::vector<gridroute_decision> out(kBatch, gridroute_decision(GRIDROUTE_DECISION_INIT));
  std::vector<Decision> cpp_out(kBatch);
  FreshBatch fresh;
  CIssues c_fresh;
  std::vector<double> cpp_ns, c_ns, ratio;
  std::size_t start = 0, routed = 0, chars = 0;
  // Each batch timed on the steady clock (read in user space): the thread's CPU clock is a system call,
  // which twice a batch measured the batches 10-25% slower.
  using Clock = std::chrono::steady_clock;
  for (auto _ : st) {
    for (int r = 0; r < rounds; ++r) {
      double cpp = 0, c = 0;
      for (std::size_t k = 0, i = start; k < per_round; k += kBatch, i = i + kBatch >= n ? 0 : i + kBatch) {
        fresh.write(std::span<const Issue>(w.issues.data() + i, kBatch));
        const auto t0 = Clock::now();
        w.snap->route_batch_in_cells(std::span<const Issue>(fresh.issues.data(), kBatch),
                                     std::span<const gridroute::UnitId>(cells.data() + i, kBatch), cpp_out);
        for (const Decision& d : cpp_out) {
          if (d.status != Decision::Status::routed) continue;
          if (d.rule != gridroute::kNone) chars += w.snap->rule_id(d.rule).size();
          chars += w.snap->handler_id(d.handler).size() + w.snap->unit_id(d.unit).size() +
                   w.snap->role_name(d.role).size();
          for (gridroute::HandlerId a : d.alternates) chars += w.snap->handler_id(a).size();
          for (gridroute::HandlerId a : d.assist) chars += w.snap->handler_id(a).size();
        }
        cpp += std::chrono::duration<double>(Clock::now() - t0).count();
      }
      for (std::size_t k = 0, i = start; k < per_round; k += kBatch, i = i + kBatch >= n ? 0 : i + kBatch) {
        write_c_batch(fresh, c_fresh, std::span<const Issue>(w.issues.data() + i, kBatch), ce.numbers.data() + i,
                      ce.generation);
        const auto t0 = Clock::now();
        gridroute_engine_route_batch(out.data(), ce.engine, c_fresh.issues.data(), kBatch, nullptr, nullptr);
        c += std::chrono::duration<double>(Clock::now() - t0).count();
        for (const gridroute_decision& d : out) routed += d.status == GRIDROUTE_DECISION_ROUTED;
      }
      cpp_ns.push_back(cpp * 1e9 / static_cast<double>(per_round));
      c_ns.push_back(c * 1e9 / static_cast<double>(per_round));
      ratio.push_back(c / cpp);
      start = (start + per_round) % n;
    }
  }
  benchmark::DoNotOptimize(chars);
  for (gridroute_decision& d : out) gridroute_decision_release(&d);
  st.counters["ns_cpp_fresh_in_cells_with_ids"] = median(cpp_ns);
  st.counters["ns_capi_fresh_by_number"] = median(c_ns);
  st.counters["capi_vs_cpp_fresh"] = median(ratio);
  st.counters["routed_pct"] = 100.0 * static_cast<double>(routed) / static_cast<double>(rounds * per_round);
}

// This library's C batch against another build's, in one process, to measure a change of the library as
// an A/B in one run. GRIDROUTE_AB_LIB names the other build's libgridroute.so, loaded beside this one
// (RTLD_DEEPBIND: its calls stay in it) with an engine of its own on the same bundle. Each batch of 256
// issues is written fresh, as in CApiBatchFresh, and the two libraries take turns every 20 batches, each
// batch timed on the steady clock; new_over_old is this library's time a decision over the other's.
// Issues by cell number; GRIDROUTE_AB_BY_ID=1 by cell id; GRIDROUTE_AB_AA=1 this library on both sides
// (the alternation's own bias, for a control); GRIDROUTE_AB_BATCHES batches in all (16,000). The first
// 100 batches are routed by both libraries first and their answers compared (differing_decisions).
// Registered only when GRIDROUTE_AB_LIB is set.
void BM_CApiAB(benchmark::State& st, std::string size) {
  BatchRounds r(size);
  if (!cell_numbers(r.ce)) return st.SkipWithError("gridroute_engine_find_units failed");
  auto& [w, ce, n, rounds, per_round] = r;
  constexpr std::size_t kBatch = BatchRounds::kBatch;
  void* lib = dlopen(std::getenv("GRIDROUTE_AB_LIB"), RTLD_NOW | RTLD_LOCAL | RTLD_DEEPBIND);
  if (!lib) return st.SkipWithError(dlerror());
  const auto load = reinterpret_cast<decltype(&gridroute_engine_load)>(dlsym(lib, "gridroute_engine_load"));
  const auto batch = reinterpret_cast<decltype(&gridroute_engine_route_batch)>(dlsym(lib, "gridroute_engine_route_batch"));
  const auto find = reinterpret_cast<decltype(&gridroute_engine_find_units)>(dlsym(lib, "gridroute_engine_find_units"));
  const auto release = reinterpret_cast<decltype(&gridroute_decision_release)>(dlsym(lib, "gridroute_decision_release"));
  const auto free_engine = reinterpret_cast<decltype(&gridroute_engine_free)>(dlsym(lib, "gridroute_engine_free"));
  if (!load || !batch || !find || !release || !free_engine) return st.SkipWithError("GRIDROUTE_AB_LIB lacks the batch of ABI 1.3");
  gridroute_engine* other = nullptr;
  if (load(&other, w.dir.data(), w.dir.size(), nullptr, nullptr) != GRIDROUTE_OK)
    return st.SkipWithError("GRIDROUTE_AB_LIB does not load the bundle");
  // The other engine's numbers of the same cells.
  std::vector<int32_t> other_numbers(ce.numbers.size());
  uint64_t other_generation = 0;
  {
    std::vector<gridroute_string> ids;
    ids.reserve(ce.issues.issues.size());
    for (const gridroute_issue& i : ce.issues.issues) ids.push_back({i.cell, i.cell_len});
    find(other_numbers.data(), &other_generation, other, ids.data(), ids.size(), nullptr);
  }
  const bool by_id = std::getenv("GRIDROUTE_AB_BY_ID") != nullptr;
  const bool aa = std::getenv("GRIDROUTE_AB_AA") != nullptr;
  const std::size_t batches = env_size("GRIDROUTE_AB_BATCHES", 16'000);
  std::vector<gridroute_decision> out[2] = {std::vector<gridroute_decision>(kBatch, gridroute_decision(GRIDROUTE_DECISION_INIT)),
                                            std::vector<gridroute_decision>(kBatch, gridroute_decision(GRIDROUTE_DECISION_INIT))};
  FreshBatch fresh;
  CIssues c_fresh;
  // Batch `i` written fresh and routed by one side (1: the other library).
  auto route = [&](std::size_t i, int side) {
    write_c_batch(fresh, c_fresh, std::span<const Issue>(w.issues.data() + i, kBatch),
                  by_id ? nullptr : (side ? other_numbers.data() : ce.numbers.data()) + i,
                  side ? other_generation : ce.generation);
    const auto t0 = std::chrono::steady_clock::now();
    if (side) batch(out[1].data(), other, c_fresh.issues.data(), kBatch, nullptr, nullptr);
    else gridroute_engine_route_batch(out[0].data(), ce.engine, c_fresh.issues.data(), kBatch, nullptr, nullptr);
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  };
  auto text = [](gridroute_string s) { return std::string_view(s.ptr ? s.ptr : "", s.len); };
  std::size_t differing = 0;
  for (std::size_t b = 0, i = 0; b < std::min<std::size_t>(100, n / kBatch); ++b, i += kBatch) {
    route(i, 0);
    route(i, aa ? 0 : 1);
    if (aa) continue;
    for (std::size_t j = 0; j < kBatch; ++j) {
      const gridroute_decision& x = out[0][j];
      const gridroute_decision& y = out[1][j];
      differing += x.status != y.status || text(x.rule) != text(y.rule) || text(x.handler) != text(y.handler) ||
                   text(x.unit) != text(y.unit) || x.assist_count != y.assist_count || x.resolve_by != y.resolve_by;
    }
  }
  double t[2] = {0, 0};
  std::size_t decisions[2] = {0, 0};
  for (auto _ : st) {
    for (std::size_t b = 0, i = 0; b < batches; ++b, i = i + kBatch >= n ? 0 : i + kBatch) {
      const int side = static_cast<int>((b / 20) % 2);
      t[side] += route(i, aa ? 0 : side);
      decisions[side] += kBatch;
    }
  }
  for (gridroute_decision& d : out[0]) gridroute_decision_release(&d);
  for (gridroute_decision& d : out[1]) release(&d);
  free_engine(other);  // the library stays loaded: its thread's scratch is freed at the thread's exit
  const double ns_new = t[0] * 1e9 / static_cast<double>(decisions[0]);
  const double ns_old = t[1] * 1e9 / static_cast<double>(decisions[1]);
  st.counters["ns_new"] = ns_new;
  st.counters["ns_old"] = ns_old;
  st.counters["new_over_old"] = ns_new / ns_old;
  st.counters["differing_decisions"] = static_cast<double>(differing);
}

}  // namespace

void register_capi(const std::string& size) {
  if (size == "XL" || size == "real") return;  // a second engine of that size would not fit comfortably
  if (std::getenv("GRIDROUTE_AB_LIB"))
    benchmark::RegisterBenchmark(("CApiAB/" + size).c_str(), BM_CApiAB, size)->Iterations(1)->UseRealTime();
  const double min_time = env_double("GRIDROUTE_BENCH_MIN_TIME", 0.5);
  benchmark::RegisterBenchmark(("CApiRoute/" + size).c_str(), BM_CApiRoute, size)->MinTime(min_time);
  benchmark::RegisterBenchmark(("CApiVsCpp/" + size).c_str(), BM_CApiVsCpp, size)
      ->Iterations(1)->UseRealTime()->Unit(benchmark::kSecond);
  benchmark::RegisterBenchmark(("CApiBatch/" + size).c_str(), BM_CApiBatch, size)
      ->Iterations(1)->UseRealTime()->Unit(benchmark::kSecond);
  benchmark::RegisterBenchmark(("CApiBatchFresh/" + size).c_str(), BM_CApiBatchFresh, size)
      ->Iterations(1)->UseRealTime()->Unit(benchmark::kSecond);
}

}  // namespace grbench

#else

namespace grbench {
void register_capi(const std::string&) {}
}  // namespace grbench

#endif
