// Load + compile of each bundle (files -> JSON/CSV -> checks -> compiled snapshot), with the memory the
// snapshot holds afterwards, whichever way it was allocated (malloc, or the index's own mappings of its
// large columns), and where it is.
#include <malloc.h>

#include <chrono>

#include "common.hpp"
#include "compile/index.hpp"
#include "decide/decide.hpp"

namespace grbench {
namespace {

// Bytes of a vector's buffer, a string's heap buffer.
template <class V>
double vec_bytes(const V& v) { return static_cast<double>(v.capacity() * sizeof(typename V::value_type)); }
double str_heap(const std::string& x) { return x.capacity() > 15 ? static_cast<double>(x.capacity() + 1) : 0; }
double strs_bytes(const std::vector<std::string>& v) {
  double b = vec_bytes(v);
  for (const auto& x : v) b += str_heap(x);
  return b;
}

// Where the snapshot's bytes are: its columns (Column::bytes, the owned buffer wherever it was allocated)
// and its larger vectors, by the index's members of this version (a member renamed or removed fails to
// compile here, so the breakdown cannot silently drop a part). `mapped` sums the columns that are
// mappings of their own (base/memory.hpp: 4 MiB or more), which malloc's count does not see.
struct Breakdown {
  std::vector<std::pair<std::string, double>> parts;
  double mapped = 0;
};
Breakdown breakdown(const gridroute::detail::Index& s) {
  Breakdown b;
  constexpr std::size_t kOwn = gridroute::detail::ColumnAllocator<char>::kOwnMapping;
  // A column's bytes, counted as mapped when its buffer is a mapping of its own.
  auto col = [&](std::size_t bytes) {
    if (bytes >= kOwn) b.mapped += static_cast<double>(bytes);
    return static_cast<double>(bytes);
  };
  auto strings = [&](const gridroute::detail::StringColumn& c) { return col(c.offsets.bytes()) + col(c.chars.bytes()); };
  auto& out = b.parts;
  out.emplace_back("unit_records", col(s.hot.bytes()));
  out.emplace_back("unit_index", col(s.unit_index.bytes()));
  out.emplace_back("unit_ids", col(s.unit_id_offset.bytes()) + col(s.unit_id_chars.bytes()));
  out.emplace_back("unit_id_records", col(s.unit_id_short.bytes()));
  out.emplace_back("unit_names", col(s.unit_name_offset.bytes()) + col(s.unit_name_chars.bytes()));
  out.emplace_back("served", col(s.served.bytes()) + col(s.served_handlers.bytes()));
  out.emplace_back("handler_ids", strings(s.handler_ids));
  out.emplace_back("handler_index", col(s.handler_index.bytes()));
  out.emplace_back("handler_columns", col(s.handler_role.bytes()) + col(s.handler_calendar.bytes()) +
                                          col(s.serves_offset.bytes()) + col(s.serves_units.bytes()));
  double rules = col(s.candidates.bytes()) + col(s.groups.bytes()) + col(s.scope_nodes.bytes()) +
                 col(s.scope_positions.bytes()) + col(s.multi_positions.bytes()) + col(s.category_group_offset.bytes()) +
                 col(s.category_groups.bytes()) + col(s.rule_group_offset.bytes()) + col(s.rule_groups.bytes());
  rules += vec_bytes(s.scope_tins) + vec_bytes(s.rules) + vec_bytes(s.rule_hot) + vec_bytes(s.rule_route_keys) +
           vec_bytes(s.conditions);
  const auto& m = s.merged;
  rules += vec_bytes(m.merged_of) + vec_bytes(m.groups) + vec_bytes(m.candidates) + vec_bytes(m.scope_nodes) +
           vec_bytes(m.scope_tins) + vec_bytes(m.scope_positions) + vec_bytes(m.by_category);
  out.emplace_back("rules_and_scopes", rules);
  out.emplace_back("names", strs_bytes(s.role_names) + strs_bytes(s.department_names) + strs_bytes(s.attr_names) +
                                strs_bytes(s.categories) + strs_bytes(s.tiers));
  return b;
}

void BM_LoadCompile(benchmark::State& st, std::string size) {
  const std::string dir = bundle_dir(size);
  double snapshot_bytes = 0, heap_bytes = 0, anon_bytes = 0, units = 0, cells = 0, handlers = 0, rules = 0;
  Breakdown parts;
  malloc_trim(0);
  for (auto _ : st) {
    const std::size_t a0 = anon_rss_bytes(), h0 = heap_in_use();
    std::shared_ptr<const Snapshot> s = load_or_die(dir);
    st.PauseTiming();
    // What the load freed goes back first, so that what is left is what the snapshot holds.
    malloc_trim(0);
    const std::size_t a1 = anon_rss_bytes(), h1 = heap_in_use();
    heap_bytes = h1 > h0 ? static_cast<double>(h1 - h0) : 0;
    anon_bytes = a1 > a0 ? static_cast<double>(a1 - a0) : 0;
    units = static_cast<double>(s->unit_count());
    cells = 0;
    const gridroute::detail::Index& index = s->index();
    for (std::size_t u = 0; u < s->unit_count(); ++u) cells += index.hot[u].tier == index.cell_tier;
    handlers = static_cast<double>(s->handler_count());
    rules = static_cast<double>(s->rule_count());
    parts = breakdown(index);
    // All in: what malloc holds for it, and the columns that are mappings of their own.
    snapshot_bytes = heap_bytes + parts.mapped;
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
  st.counters["heap_MB"] = heap_bytes / 1e6;          // of it, malloc's
  st.counters["mapped_MB"] = parts.mapped / 1e6;      // of it, the columns of 4 MiB or more
  // A cross-check from the kernel's side: the private resident memory the load left (RssAnon gained).
  // It moves by 10-20% from one load to the next (pages malloc keeps or gives back), so it is not the
  // figure of record.
  st.counters["anon_rss_MB"] = anon_bytes / 1e6;
  double known = 0;
  for (const auto& [name, bytes] : parts.parts) {
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
