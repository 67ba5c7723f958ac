// Shared helpers of the gridroute benchmarks: where the generated bundles are, loading a workload
// (snapshot + issues + cases) once per process, timing helpers and memory probes.
#pragma once

#include <benchmark/benchmark.h>

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "gridroute/engine.hpp"

namespace grbench {
using namespace gridroute;

// ---- data
// $GRIDROUTE_BENCH_DATA, else the CMake cache value GRIDROUTE_BENCH_DATA (benchmarks/data).
std::string data_dir();
std::string bundle_dir(const std::string& name);
bool have_bundle(const std::string& name);
// The workloads to benchmark: $GRIDROUTE_BENCH_SIZES (comma-separated; default "S,M,L,XL,real,peers"),
// keeping those whose bundle exists.
std::vector<std::string> sizes();
// Environment helpers.
std::size_t env_size(const char* name, std::size_t fallback);
double env_double(const char* name, double fallback);

// Copies strings into stable storage; the views stay valid as long as the arena lives.
class Arena {
 public:
  std::string_view copy(std::string_view s);

 private:
  std::vector<std::unique_ptr<char[]>> blocks_;
  std::size_t used_ = 0, cap_ = 0;
};

// A batch of issues as a platform has it when it routes them: written just before, by a parser of JSON
// lines or database rows. write() copies `from`'s text into one buffer and the structs and their
// attribute lists into vectors reused from batch to batch, so that the batch is in the cache (the
// workload's own issues, built once, have left it by the time they are routed).
struct FreshBatch {
  std::vector<Issue> issues;
  std::vector<char> text;
  void write(std::span<const Issue> from);
};

struct Workload {
  std::string name;
  std::string dir;
  std::shared_ptr<const Snapshot> snap;
  std::unique_ptr<Engine> engine;
  double load_seconds = 0;
  Arena arena;
  // Issues (first $GRIDROUTE_BENCH_ISSUES lines of issues.jsonl, default 1,000,000).
  std::vector<Issue> issues;
  std::vector<gridroute::UnitId> issue_cells;  // their cells by number (cell_numbers)
  std::string issue_text;                  // the raw lines, for the JSON codec benchmarks
  std::vector<std::string_view> issue_lines;
  // Cases (first $GRIDROUTE_BENCH_CASES lines of cases.jsonl, default 1,000,000), evaluated at `now`.
  std::vector<Case> cases;
  Instant now = 0;
  // The same cases pinned (SPEC §6.1) to the rule and the owner of their current level, as a platform
  // stores them after each dispatch and escalation; cases whose issue is unrouted or rejected, or whose
  // level resolves nobody, stay unpinned.
  std::vector<Case> pinned_cases;
  std::size_t pinned_count = 0;
  std::vector<std::string> pinned_text;  // the rule and handler ids the pins view
  // A second, distinct snapshot of the same bundle (for the hot-swap storm), loaded on demand.
  std::shared_ptr<const Snapshot> snap2;
};

// The workload `name`, loaded on first use. Only one workload is kept at a time (the large ones take
// gigabytes): asking for another one frees the previous one. Thread-safe.
Workload& workload(const std::string& name);
void need_issues(Workload& w);
// The cells of the workload's issues by number (Snapshot::find_unit), looked up once outside the
// measured loops, as a platform that keeps its cells' numbers would. Calls need_issues.
const std::vector<gridroute::UnitId>& cell_numbers(Workload& w);
void need_cases(Workload& w);
void need_pinned_cases(Workload& w);
void need_snap2(Workload& w);
// Loads a bundle or aborts with its diagnostics.
std::shared_ptr<const Snapshot> load_or_die(const std::string& dir);

// ---- memory
std::size_t heap_in_use();    // bytes malloc'ed and not freed (mallinfo2)
std::size_t rss_bytes();      // resident set size now
std::size_t anon_rss_bytes(); // private anonymous memory resident now (RssAnon)
std::size_t peak_rss_bytes(); // VmHWM

// ---- timing
// Cycle counter, and its rate (calibrated once against steady_clock).
std::uint64_t ticks();
double ns_per_tick();
double percentile(std::vector<double>& xs, double p);  // sorts xs
double median(std::vector<double> xs);

// Runs `threads` threads for `seconds`; each calls body(thread_index, stop) which loops until `stop` and
// returns how many operations it did.
struct ThreadRun {
  double wall_ops_per_s = 0;  // all threads' operations / wall time
  double cpu_ops_per_s = 0;   // all threads' operations / the CPU time the threads actually got
  double cpu_share = 0;       // CPU time the threads got / (threads x wall time): 1 on an idle machine
};
ThreadRun run_threads(int threads, double seconds,
                      const std::function<std::uint64_t(int, const std::atomic<bool>&)>& body);
double thread_cpu_seconds();

// A benchmark name suffix for a workload, e.g. "L".
inline std::string tag(const std::string& size) { return size; }

}  // namespace grbench
