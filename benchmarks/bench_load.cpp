// Load + compile of each bundle (files -> JSON/CSV -> checks -> compiled snapshot), with the snapshot's
// live heap size (bytes malloc'ed by load_bundle and still held by the snapshot afterwards).
#include <malloc.h>

#include <chrono>

#include "common.hpp"
#include "compile/index.hpp"
#include "decide/decide.hpp"

namespace grbench {
namespace {

using benchmark::Counter;

// Bytes of a vector's buffer, a string's heap buffer, a swiss table's slots + control bytes.
template <class V>
double vec_bytes(const V& v) { return static_cast<double>(v.capacity() * sizeof(typename V::value_type)); }
double str_heap(const std::string& x) { return x.capacity() > 15 ? static_cast<double>(x.capacity() + 1) : 0; }
template <class M>
double map_bytes(const M& m) {
  return static_cast<double>(m.capacity()) * (sizeof(typename M::value_type) + 1) + 16;
}

// Where the snapshot's bytes are (the fields that exist in this engine version; the rest is "other").
// Each field is guarded, so this keeps compiling as the snapshot's layout evolves.
template <class S>
std::vector<std::pair<std::string, double>> breakdown(const S& s) {
  std::vector<std::pair<std::string, double>> out;
  if constexpr (requires { s.unit_index.capacity(); }) out.emplace_back("unit_index", map_bytes(s.unit_index));
  else if constexpr (requires { s.unit_index.bytes(); })
    out.emplace_back("unit_index", static_cast<double>(s.unit_index.bytes()));
  if constexpr (requires { s.unit_id_chars.capacity(); s.unit_id_offset.capacity(); })
    out.emplace_back("unit_ids", static_cast<double>(s.unit_id_chars.capacity()) + vec_bytes(s.unit_id_offset));
  if constexpr (requires { s.unit_id_short.bytes(); })
    out.emplace_back("unit_id_records", static_cast<double>(s.unit_id_short.bytes()));
  double tree = 0;
  if constexpr (requires { s.parent.capacity(); }) tree += vec_bytes(s.parent);
  if constexpr (requires { s.tier_of.capacity(); }) tree += vec_bytes(s.tier_of);
  if constexpr (requires { s.depth.capacity(); }) tree += vec_bytes(s.depth);
  if constexpr (requires { s.tin.capacity(); s.tout.capacity(); }) tree += vec_bytes(s.tin) + vec_bytes(s.tout);
  out.emplace_back("tree_arrays", tree);
  if constexpr (requires { s.unit_name_chars.capacity(); })
    out.emplace_back("unit_names", static_cast<double>(s.unit_name_chars.capacity()));
  if constexpr (requires { s.unit_names.capacity(); }) {
    double b = vec_bytes(s.unit_names);
    for (const auto& x : s.unit_names) b += str_heap(x);
    out.emplace_back("unit_names", b);
  }
  if constexpr (requires { s.served.capacity(); s.served_handlers.capacity(); })
    out.emplace_back("served", vec_bytes(s.served) + vec_bytes(s.served_handlers));
  if constexpr (requires { s.hot.capacity(); }) out.emplace_back("unit_records", vec_bytes(s.hot));
  if constexpr (requires { s.graph.m_forward.m_rowstart.capacity(); s.graph.m_forward.m_column.capacity(); })
    out.emplace_back("graph", vec_bytes(s.graph.m_forward.m_rowstart) + vec_bytes(s.graph.m_forward.m_column));
  if constexpr (requires { s.handler_ids.capacity(); }) {
    double b = vec_bytes(s.handler_ids);
    for (const auto& x : s.handler_ids) b += str_heap(x);
    out.emplace_back("handler_ids", b);
  }
  if constexpr (requires { s.handler_serves.capacity(); }) {
    double b = vec_bytes(s.handler_serves);
    for (const auto& x : s.handler_serves) b += vec_bytes(x) + (x.capacity() ? 16 : 0);  // + malloc header
    out.emplace_back("handler_serves", b);
  }
  if constexpr (requires { s.handler_index.capacity(); }) out.emplace_back("handler_index", map_bytes(s.handler_index));
  if constexpr (requires { s.candidates.capacity(); s.rules.capacity(); s.conditions.capacity(); })
    out.emplace_back("rules_and_candidates", vec_bytes(s.candidates) + vec_bytes(s.rules) + vec_bytes(s.conditions));
  return out;
}

void BM_LoadCompile(benchmark::State& st, std::string size) {
  const std::string dir = bundle_dir(size);
  double snapshot_bytes = 0, units = 0, cells = 0, handlers = 0, rules = 0;
  std::vector<std::pair<std::string, double>> parts;
  for (auto _ : st) {
    std::size_t h0 = heap_in_use();
    std::shared_ptr<const Snapshot> s = load_or_die(dir);
    std::size_t h1 = heap_in_use();
    st.PauseTiming();
    snapshot_bytes = static_cast<double>(h1 - h0);
    units = static_cast<double>(s->unit_count());
    cells = 0;
    const gridroute::detail::Index& index = s->index();
    for (std::size_t u = 0; u < s->unit_count(); ++u) cells += index.hot[u].tier == index.cell_tier;
    handlers = static_cast<double>(s->handler_count());
    rules = static_cast<double>(s->rule_count());
    parts = breakdown(index);
    s.reset();
    malloc_trim(0);
    st.ResumeTiming();
  }
  st.counters["units"] = units;
  st.counters["cells"] = cells;
  st.counters["handlers"] = handlers;
  st.counters["rules"] = rules;
  st.counters["snapshot_MB"] = snapshot_bytes / 1e6;
  st.counters["bytes_per_cell"] = cells ? snapshot_bytes / cells : 0;
  st.counters["bytes_per_unit"] = units ? snapshot_bytes / units : 0;
  double known = 0;
  for (const auto& [name, bytes] : parts) {
    st.counters["B/cell_" + name] = cells ? bytes / cells : 0;
    known += bytes;
  }
  st.counters["B/cell_other"] = cells ? (snapshot_bytes - known) / cells : 0;
  st.counters["peak_rss_MB"] = static_cast<double>(peak_rss_bytes()) / 1e6;  // process-wide, monotonic
}

}  // namespace

void register_load(const std::vector<std::string>& sizes) {
  for (const auto& size : sizes) {
    int reps = size == "S" || size == "M" || size == "peers" ? 3 : size == "L" ? 2 : 1;
    reps = static_cast<int>(env_size("GRIDROUTE_BENCH_LOAD_REPS", static_cast<std::size_t>(reps)));
    auto* b = benchmark::RegisterBenchmark(("LoadCompile/" + size).c_str(), BM_LoadCompile, size)
                  ->Iterations(1)
                  ->UseRealTime()
                  ->MeasureProcessCPUTime()
                  ->Unit(benchmark::kMillisecond);
    if (reps > 1) b->Repetitions(reps);
  }
}

}  // namespace grbench
