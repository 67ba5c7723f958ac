// gridroute_profile: a driver for profilers. Loads a workload and its issues (or cases) outside the
// measured region, then routes (or escalates) N of them inside it. Under callgrind the region is the
// only instrumented part, so the counts are per decision:
//
//   valgrind --tool=callgrind --instr-atstart=no --cache-sim=yes build-bench/gridroute_profile L 20000 route
//   perf record -g build-bench/gridroute_profile L 3000000 route
//
// An optional fourth argument takes only the first K issues or cases, over and over (batch, sweep,
// sweep-pinned): with K small they stay in cache, which shows the cost of the work without the misses.
//
// Modes: route (Snapshot::route), batch (Snapshot::route_batch, 256 per call), batch-cells (the same through
// Snapshot::route_batch_in_cells, the cells' numbers looked up outside the region), prepare (Snapshot::prepare only),
// escalate (Snapshot::escalate), sweep and sweep-pinned (Snapshot::sweep over N cases, unpinned or pinned as
// in SweepPinned, one thread), latency and latency-cells (one call at a time, each timed: Snapshot::route by
// id, or route_in_cell by number; prints p50, p90, p99 and p99.9), latency-tail and latency-tail-cells (every
// issue timed twice, a pass apart: whether the slowest 1% are the same issues, and what they have in common),
// ab-huge-pages (the index in huge pages against ordinary pages, in one process: batches and single calls),
// ab-compiled (the same, the bundle loaded from its text against opened from the compiled file that
// GRIDROUTE_AB_GRB names; with GRIDROUTE_AB_GRB_A, a copy of that file opened without the huge-page advice
// against it: docs/performance.md, "A compiled file in the page cache's huge pages").
#include <chrono>
#include <cstdio>
#include <cstdlib>

#if __has_include(<valgrind/callgrind.h>)
#include <valgrind/callgrind.h>
#else
#define CALLGRIND_START_INSTRUMENTATION
#define CALLGRIND_STOP_INSTRUMENTATION
#endif

#include "common.hpp"
#include "decide/decide.hpp"

using namespace grbench;

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: gridroute_profile WORKLOAD N [route|batch|batch-cells|prepare|escalate|sweep|sweep-pinned|latency|latency-cells|latency-tail|latency-tail-cells|ab-huge-pages|ab-compiled] [K distinct]\n");
    return 2;
  }
  std::string size = argv[1];
  std::size_t n = std::strtoull(argv[2], nullptr, 10);
  std::string mode = argc > 3 ? argv[3] : "route";
  Workload& w = workload(size);
  if (mode == "escalate" || mode == "sweep") need_cases(w);
  else if (mode == "sweep-pinned") need_pinned_cases(w);
  else need_issues(w);
  std::vector<gridroute::Action> actions;
  if (mode.starts_with("sweep")) actions.reserve(n);
  const Snapshot& s = *w.snap;
  std::size_t sink = 0;
  auto t0 = std::chrono::steady_clock::now();
  CALLGRIND_START_INSTRUMENTATION;
  if (mode == "route") {
    for (std::size_t i = 0; i < n; ++i) sink += s.route(w.issues[i % w.issues.size()]).handler;
  } else if (mode == "latency" || mode == "latency-cells") {
    // One call at a time, each timed: the percentiles of Snapshot::route (by id) or route_in_cell (by
    // number, looked up outside the region), over the first K issues in turn.
    std::vector<gridroute::UnitId> cells;
    if (mode == "latency-cells")
      for (const Issue& is : w.issues) cells.push_back(s.find_unit(is.cell));
    const std::size_t distinct = std::min<std::size_t>(w.issues.size(), argc > 4 ? std::strtoull(argv[4], nullptr, 10) : w.issues.size());
    std::vector<double> ns(n);  // written before the loop: no page is first touched inside it
    t0 = std::chrono::steady_clock::now();
    for (std::size_t i = 0; i < n; ++i) {
      const std::size_t j = i % distinct;
      const std::uint64_t a = ticks();
      Decision d = cells.empty() ? s.route(w.issues[j], false) : s.route_in_cell(w.issues[j], cells[j], false);
      benchmark::DoNotOptimize(d);
      const std::uint64_t b = ticks();
      ns[i] = static_cast<double>(b - a);
      sink += static_cast<std::size_t>(d.handler);
    }
    const double k = ns_per_tick();
    for (double& x : ns) x *= k;
    std::printf("%s %s: p50 %.0f ns, p90 %.0f ns, p99 %.0f ns, p99.9 %.0f ns\n", size.c_str(), mode.c_str(),
                percentile(ns, 0.50), percentile(ns, 0.90), percentile(ns, 0.99), percentile(ns, 0.999));
  } else if (mode == "latency-tail" || mode == "latency-tail-cells") {
    // Whether one call's tail is the same issues each time: every issue timed twice, a whole pass of the
    // workload apart (each call cold), then the slowest 1% of the first pass looked up in the second, and
    // what those issues' decisions have in common (traced after the timing, outside it).
    std::vector<gridroute::UnitId> cells;
    if (mode == "latency-tail-cells")
      for (const Issue& is : w.issues) cells.push_back(s.find_unit(is.cell));
    const std::size_t k = std::min(n, w.issues.size());
    std::vector<double> pass[2] = {std::vector<double>(k), std::vector<double>(k)};
    t0 = std::chrono::steady_clock::now();
    for (int p = 0; p < 2; ++p)
      for (std::size_t j = 0; j < k; ++j) {
        const std::uint64_t a = ticks();
        Decision d = cells.empty() ? s.route(w.issues[j], false) : s.route_in_cell(w.issues[j], cells[j], false);
        benchmark::DoNotOptimize(d);
        pass[p][j] = static_cast<double>(ticks() - a);
        sink += static_cast<std::size_t>(d.handler);
      }
    const double tick = ns_per_tick();
    for (auto& v : pass)
      for (double& x : v) x *= tick;
    std::vector<double> sorted[2] = {pass[0], pass[1]};
    const double p99a = percentile(sorted[0], 0.99), p99b = percentile(sorted[1], 0.99);
    const double p50a = percentile(sorted[0], 0.50), p50b = percentile(sorted[1], 0.50);
    std::size_t tail = 0, both = 0;
    double tail_b = 0;
    // What the tail's decisions are like, against all: routed at the cell or above, assists, level,
    // entries in the trace (rules and units tried).
    struct Mix { double n = 0, above = 0, assists = 0, trace = 0, unrouted = 0, level = 0; };
    Mix all, slow, twice;
    double at_level[2][2] = {};  // [level > 0][calls, ns of both passes]
    for (std::size_t j = 0; j < k; ++j) {
      const bool is_tail = pass[0][j] >= p99a, in_both = is_tail && pass[1][j] >= p99b;
      if (is_tail) { ++tail; tail_b += pass[1][j]; both += in_both; }
      Decision d = cells.empty() ? s.route(w.issues[j], true) : s.route_in_cell(w.issues[j], cells[j], true);
      at_level[d.level > 0][0] += 2;
      at_level[d.level > 0][1] += pass[0][j] + pass[1][j];
      for (Mix* m : {&all, is_tail ? &slow : nullptr, in_both ? &twice : nullptr}) {
        if (!m) continue;
        m->n += 1;
        m->above += d.unit != d.cell;
        m->assists += static_cast<double>(d.assist.size());
        m->trace += static_cast<double>(d.trace.size());
        m->unrouted += d.status != Decision::Status::routed;
        m->level += d.level;
      }
    }
    std::printf("%s %s over %zu issues, each twice: p50 %.0f / %.0f ns, p99 %.0f / %.0f ns\n", size.c_str(),
                mode.c_str(), k, p50a, p50b, p99a, p99b);
    std::printf("  the first pass's slowest 1%% (%zu): %.1f%% of them in the second pass's slowest 1%%, mean %.0f ns there\n",
                tail, 100.0 * static_cast<double>(both) / static_cast<double>(tail), tail_b / static_cast<double>(tail));
    std::printf("  mean at level 0 %.0f ns (%.1f%% of issues), above level 0 %.0f ns\n", at_level[0][1] / at_level[0][0],
                50 * at_level[0][0] / static_cast<double>(k), at_level[1][1] / std::max(1.0, at_level[1][0]));
    for (const Mix* m : {&all, &slow, &twice})
      std::printf("  %-8s owner above the cell %.1f%%, assists %.2f, trace entries %.1f, not routed %.1f%%, level %.2f\n",
                  m == &all ? "all" : m == &slow ? "slowest" : "twice", 100 * m->above / m->n, m->assists / m->n, m->trace / m->n,
                  100 * m->unrouted / m->n, m->level / m->n);
  } else if (mode == "ab-huge-pages" || mode == "ab-compiled") {
    // The index's columns in huge pages (the default) against ordinary pages (GRIDROUTE_HUGE_PAGES=0), in
    // one process: both loaded here, the huge side second or first (GRIDROUTE_AB_HUGE_FIRST), or both
    // alike (GRIDROUTE_AB_AA: the control); batches of 20 x 256 and blocks of 500 single calls alternate.
    const bool huge_first = std::getenv("GRIDROUTE_AB_HUGE_FIRST") != nullptr;
    const bool aa = std::getenv("GRIDROUTE_AB_AA") != nullptr;
    auto load_side = [&](bool huge) {
      if (huge || aa) unsetenv("GRIDROUTE_HUGE_PAGES");
      else setenv("GRIDROUTE_HUGE_PAGES", "0", 1);
      auto snap = gridroute::load_bundle(w.dir);
      unsetenv("GRIDROUTE_HUGE_PAGES");
      return snap;
    };
    std::shared_ptr<const Snapshot> first, second;
    const char* ratio = "huge/ordinary";  // side B / side A, as printed
    if (mode == "ab-compiled") {
      // The same bundle loaded from its text (side A) and opened from its compiled file (side B, the file
      // named by GRIDROUTE_AB_GRB), or from its text twice (GRIDROUTE_AB_AA: the control).
      const char* grb = std::getenv("GRIDROUTE_AB_GRB");
      if (!grb && !aa) {
        std::fprintf(stderr, "ab-compiled: set GRIDROUTE_AB_GRB to the bundle's compiled file\n");
        return 2;
      }
      // GRIDROUTE_AB_GRB_A names a copy of the file for side A instead of the text, opened as
      // GRIDROUTE_HUGE_PAGES=0 opens it (unless GRIDROUTE_AB_AA): with the page cache dropped first, the two
      // copies' folios are each decided by the open that reads them.
      const char* grb_a = std::getenv("GRIDROUTE_AB_GRB_A");
      ratio = grb_a ? "advised file/plain file" : "compiled file/text";
      if (grb_a && !aa) setenv("GRIDROUTE_HUGE_PAGES", "0", 1);
      auto a = gridroute::load_bundle(grb_a ? std::string(grb_a) : w.dir);
      unsetenv("GRIDROUTE_HUGE_PAGES");
      auto b = gridroute::load_bundle(aa && !grb_a ? w.dir : std::string(grb));
      if (!a.ok() || !b.ok()) return 1;
      first = *a;
      second = *b;
    } else {
      auto a = load_side(huge_first);
      auto b = load_side(!huge_first);
      if (!a.ok() || !b.ok()) return 1;
      first = huge_first ? *b : *a;
      second = huge_first ? *a : *b;
    }
    const Snapshot* side[2] = {first.get(), second.get()};
    std::vector<gridroute::UnitId> cells;
    for (const Issue& is : w.issues) {
      cells.push_back(side[0]->find_unit(is.cell));
      if (side[1]->find_unit(is.cell) != cells.back()) {
        std::fprintf(stderr, "the two sides number cell %s differently\n", std::string(is.cell).c_str());
        return 1;
      }
    }
    std::vector<Decision> out(256);
    const std::size_t m = w.issues.size() / 256 * 256;
    double batch_ns[2][2] = {};  // [side][by id, by number]
    std::vector<double> lat[2][2];
    std::size_t at = 0, one = 0;
    for (std::size_t round = 0; round * 256 * 20 * 2 < n; ++round) {
      for (int k = 0; k < 2; ++k) {
        const int sd = static_cast<int>((round + static_cast<std::size_t>(k)) & 1);
        const Snapshot& sn = *side[sd];
        for (int by = 0; by < 2; ++by) {
          const std::uint64_t a = ticks();
          for (int b = 0; b < 20; ++b, at = (at + 256) % m) {
            if (by == 0) sn.route_batch(std::span<const Issue>(w.issues.data() + at, 256), out);
            else sn.route_batch_in_cells(std::span<const Issue>(w.issues.data() + at, 256),
                                         std::span<const gridroute::UnitId>(cells.data() + at, 256), out);
            sink += static_cast<std::size_t>(out[0].handler);
          }
          batch_ns[sd][by] += static_cast<double>(ticks() - a);
          for (int c = 0; c < 500; ++c, one = (one + 7919) % w.issues.size()) {
            const std::uint64_t a1 = ticks();
            Decision d = by == 0 ? sn.route(w.issues[one], false) : sn.route_in_cell(w.issues[one], cells[one], false);
            benchmark::DoNotOptimize(d);
            lat[sd][by].push_back(static_cast<double>(ticks() - a1));
          }
        }
      }
    }
    const double tk = ns_per_tick();
    const char* names[2] = {"by id", "by number"};
    for (int by = 0; by < 2; ++by) {
      const double p50a = percentile(lat[0][by], 0.5), p50b = percentile(lat[1][by], 0.5);
      const double p99a = percentile(lat[0][by], 0.99), p99b = percentile(lat[1][by], 0.99);
      std::printf("%s: batch %s %.3f; one call p50 %.0f/%.0f ns (%.3f), p99 %.0f/%.0f ns (%.3f)\n", names[by], ratio,
                  batch_ns[1][by] / batch_ns[0][by], p50b * tk, p50a * tk, p50b / p50a, p99b * tk, p99a * tk, p99b / p99a);
    }
  } else if (mode == "batch" || mode == "batch-cells") {
    std::vector<gridroute::UnitId> cells;
    if (mode == "batch-cells") {
      CALLGRIND_STOP_INSTRUMENTATION;
      for (const Issue& is : w.issues) cells.push_back(s.find_unit(is.cell));
      t0 = std::chrono::steady_clock::now();
      CALLGRIND_START_INSTRUMENTATION;
    }
    std::vector<Decision> out(256);
    const std::size_t distinct = std::min<std::size_t>(w.issues.size(), argc > 4 ? std::strtoull(argv[4], nullptr, 10) : w.issues.size());
    const std::size_t m = std::max<std::size_t>(256, distinct / 256 * 256);
    for (std::size_t i = 0; i < n; i += 256) {
      if (cells.empty())
        s.route_batch(std::span<const Issue>(w.issues.data() + i % m, 256), out);
      else
        s.route_batch_in_cells(std::span<const Issue>(w.issues.data() + i % m, 256),
                               std::span<const gridroute::UnitId>(cells.data() + i % m, 256), out);
      sink += static_cast<std::size_t>(out[0].handler);
    }
  } else if (mode == "prepare") {
    gridroute::detail::PreparedIssue p;
    std::string err;
    for (std::size_t i = 0; i < n; ++i) {
      const gridroute::Issue& is = w.issues[i % w.issues.size()];
      sink += gridroute::detail::prepare(s.index(), is, p, err, gridroute::detail::UnitIndex::hash(is.cell)) + p.cell;
    }
  } else if (mode.starts_with("sweep")) {
    const std::vector<gridroute::Case>& cases = mode == "sweep" ? w.cases : w.pinned_cases;
    const std::size_t distinct = std::min<std::size_t>(cases.size(), argc > 4 ? std::strtoull(argv[4], nullptr, 10) : cases.size());
    for (std::size_t done = 0; done < n;) {
      const std::size_t m = std::min(n - done, distinct);
      sink += static_cast<std::size_t>(s.sweep(std::span<const gridroute::Case>(cases.data(), m), w.now, actions, 1).counts[0]);
      done += m;
    }
  } else {
    for (std::size_t i = 0; i < n; ++i) sink += s.escalate(w.cases[i % w.cases.size()], w.now).handler;
  }
  CALLGRIND_STOP_INSTRUMENTATION;
  double dt = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf("%s %s: %zu in %.3f s (%.0f ns each) [%zu]\n", size.c_str(), mode.c_str(), n, dt, dt * 1e9 / n, sink);
  return 0;
}
