// gridroute_bench: the Google Benchmark suite. Benchmarks are registered at run time, one group per
// workload found under the data directory (benchmarks/gen_bundle.py writes them), so that each bundle
// is loaded once per process; --benchmark_filter works as usual.
//
//   build-bench/gridroute_bench                                    # everything that has data
//   GRIDROUTE_BENCH_SIZES=L build-bench/gridroute_bench --benchmark_filter='Route'
//
// Environment: GRIDROUTE_BENCH_DATA (data dir), GRIDROUTE_BENCH_SIZES (e.g. "S,M,L"),
// GRIDROUTE_BENCH_ISSUES / GRIDROUTE_BENCH_CASES (lines read per workload, default 1,000,000),
// GRIDROUTE_BENCH_ROUNDS / GRIDROUTE_BENCH_ROUND_SECONDS (the paired A/B benchmarks: rounds x seconds).
#include <cstdio>

#include "common.hpp"

namespace grbench {
void register_machine();
void register_time();
void register_load(const std::vector<std::string>& sizes);
void register_route(const std::string& size);
void register_escalate(const std::string& size);
void register_swap(const std::string& size);
void register_capi(const std::string& size);
}  // namespace grbench

int main(int argc, char** argv) {
  using namespace grbench;
  auto sz = sizes();
  std::fprintf(stderr, "gridroute_bench: data %s; workloads:", data_dir().c_str());
  for (const auto& s : sz) std::fprintf(stderr, " %s", s.c_str());
  std::fprintf(stderr, "\n");
  register_machine();
  register_time();
  register_load(sz);
  for (const auto& s : sz) {
    register_route(s);
    register_escalate(s);
    register_swap(s);
    register_capi(s);
  }
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
