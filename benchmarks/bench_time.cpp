// Deadline arithmetic on a working calendar (Calendar::add for elapsed hours, working hours and working
// days), RFC 3339 parsing and formatting. The calendars are the generated bundles' (`gov`: Mon-Fri,
// 08:30-12:00 and 14:00-17:30, Asia/Shanghai, 2026 holidays and make-up days).
#include <random>

#include "common.hpp"
#include "compile/index.hpp"

namespace grbench {
namespace {

using benchmark::Counter;
using namespace gridroute::detail;

// The smallest workload available has the same calendars as the others.
const Index& calendar_source() {
  static std::shared_ptr<const Snapshot> s = [] {
    auto all = sizes();
    return load_or_die(bundle_dir(all.empty() ? "S" : all.front()));
  }();
  return s->index();
}

std::vector<Instant> random_starts(std::size_t n) {
  std::mt19937_64 rng(42);
  // Uniform over 2026 (any minute, day or night, workday or not).
  const Instant from = 1767196800LL * kMicrosPerSecond;  // 2026-01-01T00:00:00+08:00
  const Instant span = 365LL * 86400 * kMicrosPerSecond;
  std::vector<Instant> v(n);
  for (auto& t : v) t = from + static_cast<Instant>(rng() % static_cast<std::uint64_t>(span / 60'000'000)) * 60'000'000;
  return v;
}

// The snapshot's time zone as format_rfc3339 takes it (a Zone in newer engines, an absl::TimeZone before).
template <class S>
const auto& zone_of(const S& s) {
  if constexpr (requires { s.zone; }) return s.zone;
  else return s.tz;
}

template <class C>
concept HasWalk = requires(const C& c, Instant t, Duration d) { c.add_by_walking(t, d); };

template <class C>
Instant add_walk(const C& c, Instant t, Duration d) {
  if constexpr (HasWalk<C>) return c.add_by_walking(t, d);
  else return c.add(t, d);
}

void BM_CalendarAdd(benchmark::State& st, Duration::Kind kind, std::int64_t n, bool walk) {
  const Index& s = calendar_source();
  const Calendar& cal = s.calendars[static_cast<std::size_t>(s.default_calendar)];
  static const std::vector<Instant> starts = random_starts(1 << 20);
  const Duration d{kind, n};
  std::size_t i = 0;
  for (auto _ : st) {
    Instant due = walk ? add_walk(cal, starts[i], d) : cal.add(starts[i], d);
    benchmark::DoNotOptimize(due);
    i = (i + 1) & ((1 << 20) - 1);
  }
  st.SetItemsProcessed(static_cast<std::int64_t>(st.iterations()));
}

void BM_ParseRfc3339(benchmark::State& st) {
  static const std::vector<std::string> texts = [] {
    std::vector<std::string> v;
    const Index& s = calendar_source();
    for (Instant t : random_starts(4096)) v.push_back(format_rfc3339(t, zone_of(s)));
    return v;
  }();
  std::size_t i = 0;
  for (auto _ : st) {
    auto t = parse_rfc3339(texts[i]);
    benchmark::DoNotOptimize(t);
    i = (i + 1) & 4095;
  }
  st.SetItemsProcessed(static_cast<std::int64_t>(st.iterations()));
}

void BM_FormatRfc3339(benchmark::State& st) {
  const Index& s = calendar_source();
  static const std::vector<Instant> starts = random_starts(4096);
  std::string out;
  std::size_t i = 0;
  for (auto _ : st) {
    out.clear();
    append_rfc3339(out, starts[i], zone_of(s));
    benchmark::DoNotOptimize(out.data());
    i = (i + 1) & 4095;
  }
  st.SetItemsProcessed(static_cast<std::int64_t>(st.iterations()));
}

}  // namespace

void register_time() {
  if (sizes().empty()) return;
  const double min_time = env_double("GRIDROUTE_BENCH_MIN_TIME", 0.5);
  using K = Duration::Kind;
  struct Case { const char* name; K kind; std::int64_t n; };
  for (Case c : {Case{"2h", K::hours, 2}, Case{"2wh", K::working_hours, 2}, Case{"40wh", K::working_hours, 40},
                 Case{"3wd", K::working_days, 3}, Case{"10wd", K::working_days, 10}}) {
    benchmark::RegisterBenchmark((std::string("CalendarAdd/") + c.name).c_str(), BM_CalendarAdd, c.kind, c.n, false)
        ->MinTime(min_time);
  }
  for (Case c : {Case{"2wh", K::working_hours, 2}, Case{"3wd", K::working_days, 3}}) {
    benchmark::RegisterBenchmark((std::string("CalendarAddWalk/") + c.name).c_str(), BM_CalendarAdd, c.kind, c.n,
                                 true)
        ->MinTime(min_time);
  }
  benchmark::RegisterBenchmark("ParseRfc3339", BM_ParseRfc3339)->MinTime(min_time);
  benchmark::RegisterBenchmark("FormatRfc3339", BM_FormatRfc3339)->MinTime(min_time);
}

}  // namespace grbench
