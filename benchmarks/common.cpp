#include "common.hpp"

#include <malloc.h>
#include <time.h>
#include <x86intrin.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <thread>

#include <boost/json.hpp>

namespace grbench {
namespace json = boost::json;

std::string data_dir() {
  if (const char* e = std::getenv("GRIDROUTE_BENCH_DATA"); e && *e) return e;
  return GRIDROUTE_BENCH_DATA;
}

std::string bundle_dir(const std::string& name) { return data_dir() + "/" + name; }

bool have_bundle(const std::string& name) {
  return std::filesystem::exists(bundle_dir(name) + "/jurisdiction.json");
}

std::vector<std::string> sizes() {
  std::string list = "S,M,L,XL,real,peers";
  if (const char* e = std::getenv("GRIDROUTE_BENCH_SIZES"); e && *e) list = e;
  std::vector<std::string> out;
  std::stringstream ss(list);
  for (std::string s; std::getline(ss, s, ',');)
    if (!s.empty() && have_bundle(s)) out.push_back(s);
  return out;
}

std::size_t env_size(const char* name, std::size_t fallback) {
  const char* e = std::getenv(name);
  return e && *e ? static_cast<std::size_t>(std::strtoull(e, nullptr, 10)) : fallback;
}

double env_double(const char* name, double fallback) {
  const char* e = std::getenv(name);
  return e && *e ? std::strtod(e, nullptr) : fallback;
}

std::string_view Arena::copy(std::string_view s) {
  if (used_ + s.size() > cap_) {
    cap_ = std::max<std::size_t>(1 << 20, s.size());
    blocks_.push_back(std::make_unique<char[]>(cap_));
    used_ = 0;
  }
  char* p = blocks_.back().get() + used_;
  std::memcpy(p, s.data(), s.size());
  used_ += s.size();
  return {p, s.size()};
}

void FreshBatch::write(std::span<const Issue> from) {
  std::size_t bytes = 0;
  for (const Issue& is : from) {
    bytes += is.id.size() + is.category.size() + is.cell.size();
    for (const auto& [name, v] : is.attrs) bytes += name.size() + v.str.size();
  }
  if (text.size() < bytes) text.resize(bytes * 2);  // before any view into it is made
  if (issues.size() < from.size()) issues.resize(from.size());
  char* at = text.data();
  auto copy = [&](std::string_view t) {
    if (!t.empty()) std::memcpy(at, t.data(), t.size());
    const std::string_view copied(at, t.size());
    at += t.size();
    return copied;
  };
  for (std::size_t k = 0; k < from.size(); ++k) {
    const Issue& src = from[k];
    Issue& to = issues[k];
    to.id = copy(src.id);
    to.category = copy(src.category);
    to.cell = copy(src.cell);
    to.at = src.at;
    to.has_location = src.has_location;
    to.lon = src.lon;
    to.lat = src.lat;
    to.attrs.clear();
    for (const auto& [name, v] : src.attrs) {
      AttrValue copied = v;
      if (v.type == AttrValue::Type::string) copied.str = copy(v.str);
      to.attrs.emplace_back(copy(name), copied);
    }
  }
}

std::shared_ptr<const Snapshot> load_or_die(const std::string& dir) {
  std::vector<Diagnostic> diags;
  auto s = load_bundle(dir, &diags);
  if (!s.ok()) {
    for (const auto& d : diags) std::cerr << d.to_string() << "\n";
    std::cerr << "gridroute_bench: cannot load " << dir << ": " << s.status().message() << "\n";
    std::exit(1);
  }
  return *s;
}

namespace {

std::mutex g_mu;
std::unique_ptr<Workload> g_workload;

std::string read_lines(const std::string& path, std::size_t limit) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::cerr << "gridroute_bench: cannot read " << path << "\n";
    std::exit(1);
  }
  std::string text, line;
  std::size_t n = 0;
  while (n < limit && std::getline(in, line)) {
    if (line.empty()) continue;
    text += line;
    text.push_back('\n');
    ++n;
  }
  return text;
}

std::vector<std::string_view> split_lines(std::string_view text) {
  std::vector<std::string_view> out;
  std::size_t b = 0;
  while (b < text.size()) {
    std::size_t e = text.find('\n', b);
    if (e == std::string_view::npos) e = text.size();
    if (e > b) out.push_back(text.substr(b, e - b));
    b = e + 1;
  }
  return out;
}

Instant time_of(const json::value& v) {
  auto t = parse_rfc3339(std::string_view(v.as_string()));
  if (!t.ok()) {
    std::cerr << "gridroute_bench: bad time " << json::serialize(v) << "\n";
    std::exit(1);
  }
  return *t;
}

void fill_issue(const json::object& o, Issue& is, Arena& arena, std::map<std::string, std::string_view, std::less<>>& names) {
  auto str = [&](const char* k) -> std::string_view {
    const json::value* v = o.if_contains(k);
    if (!v) return {};
    if (v->is_string()) return arena.copy(std::string_view(v->get_string()));
    return arena.copy(json::serialize(*v));  // numeric ids of the peers workload
  };
  is.id = str("id");
  is.category = str("category");
  is.cell = str("cell");
  is.at = time_of(o.at("at"));
  is.attrs.clear();
  const json::value* a = o.if_contains("attrs");
  if (!a || !a->is_object()) return;
  for (const auto& kv : a->get_object()) {
    std::string_view key(kv.key());
    auto it = names.find(key);
    if (it == names.end()) it = names.emplace(std::string(key), arena.copy(key)).first;
    const json::value& v = kv.value();
    AttrValue av;
    switch (v.kind()) {
      case json::kind::bool_: av = AttrValue::boolean(v.get_bool()); break;
      case json::kind::int64:
      case json::kind::uint64:
      case json::kind::double_: av = AttrValue::number(v.to_number<double>()); break;
      case json::kind::string: av = AttrValue::string(arena.copy(std::string_view(v.get_string()))); break;
      case json::kind::null: av.type = AttrValue::Type::null_; break;
      case json::kind::object: av.type = AttrValue::Type::object; break;
      case json::kind::array: av.type = AttrValue::Type::list; break;
    }
    is.attrs.emplace_back(it->second, av);
  }
}

}  // namespace

Workload& workload(const std::string& name) {
  std::lock_guard<std::mutex> lock(g_mu);
  if (g_workload && g_workload->name == name) return *g_workload;
  g_workload.reset();
  malloc_trim(0);
  auto w = std::make_unique<Workload>();
  w->name = name;
  w->dir = bundle_dir(name);
  auto t0 = std::chrono::steady_clock::now();
  w->snap = load_or_die(w->dir);
  w->load_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  w->engine = std::make_unique<Engine>(w->snap);
  g_workload = std::move(w);
  return *g_workload;
}

void need_issues(Workload& w) {
  std::lock_guard<std::mutex> lock(g_mu);
  if (!w.issues.empty()) return;
  std::size_t limit = env_size("GRIDROUTE_BENCH_ISSUES", 1'000'000);
  w.issue_text = read_lines(w.dir + "/issues.jsonl", limit);
  w.issue_lines = split_lines(w.issue_text);
  std::map<std::string, std::string_view, std::less<>> names;
  w.issues.resize(w.issue_lines.size());
  json::parser p;
  for (std::size_t i = 0; i < w.issue_lines.size(); ++i) {
    p.reset();
    p.write(w.issue_lines[i].data(), w.issue_lines[i].size());
    json::value v = p.release();
    fill_issue(v.as_object(), w.issues[i], w.arena, names);
  }
}

const std::vector<gridroute::UnitId>& cell_numbers(Workload& w) {
  need_issues(w);
  std::lock_guard<std::mutex> lock(g_mu);
  if (w.issue_cells.empty()) {
    w.issue_cells.reserve(w.issues.size());
    for (const Issue& is : w.issues) w.issue_cells.push_back(w.snap->find_unit(is.cell));
  }
  return w.issue_cells;
}

void need_cases(Workload& w) {
  std::lock_guard<std::mutex> lock(g_mu);
  if (!w.cases.empty()) return;
  std::size_t limit = env_size("GRIDROUTE_BENCH_CASES", 1'000'000);
  std::string text = read_lines(w.dir + "/cases.jsonl", limit);
  auto lines = split_lines(text);
  std::map<std::string, std::string_view, std::less<>> names;
  w.cases.resize(lines.size());
  json::parser p;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    p.reset();
    p.write(lines[i].data(), lines[i].size());
    json::value v = p.release();
    const json::object& o = v.as_object();
    Case& c = w.cases[i];
    fill_issue(o, c.issue, w.arena, names);
    c.level = static_cast<int>(o.at("level").to_number<std::int64_t>());
    c.level_started_at = time_of(o.at("level_started_at"));
    c.responded = o.at("responded").as_bool();
    c.reports = o.at("reports").to_number<std::int64_t>();
    c.resolved = o.at("status").as_string() == "resolved";
    if (auto r = o.if_contains("rating"); r && !r->is_null()) c.rating = static_cast<int>(r->to_number<std::int64_t>());
  }
  std::ifstream now_file(w.dir + "/NOW.txt");
  std::string now_text;
  std::getline(now_file, now_text);
  auto now = parse_rfc3339(now_text.empty() ? "2026-11-23T10:00:00+08:00" : now_text);
  w.now = now.ok() ? *now : 0;
}

void need_pinned_cases(Workload& w) {
  need_cases(w);
  std::lock_guard<std::mutex> lock(g_mu);
  if (!w.pinned_cases.empty()) return;
  w.pinned_cases = w.cases;
  w.pinned_text.reserve(2 * w.cases.size());
  for (Case& c : w.pinned_cases) {
    // The owner at the case's current level, as a platform stores it after each dispatch or escalation
    // (SPEC §6.1): the answer for the same case at the start of its level, before anything fell due.
    Case probe = c;
    probe.resolved = false;
    probe.responded = false;
    probe.reports = 0;
    probe.rating.reset();
    Action a = w.snap->escalate(probe, c.level_started_at);
    if (a.kind != Action::Kind::hold || a.handler == kNone) continue;
    if (a.rule != kNone) {
      w.pinned_text.emplace_back(w.snap->rule_id(a.rule));
      c.rule = w.pinned_text.back();
    }
    w.pinned_text.emplace_back(w.snap->handler_id(a.handler));
    c.handler = w.pinned_text.back();
    ++w.pinned_count;
  }
}

void need_snap2(Workload& w) {
  std::lock_guard<std::mutex> lock(g_mu);
  if (!w.snap2) w.snap2 = load_or_die(w.dir);
}

std::size_t heap_in_use() {
  struct mallinfo2 mi = mallinfo2();
  return mi.uordblks + mi.hblkhd;
}

namespace {
std::size_t status_field(const char* key) {
  std::ifstream f("/proc/self/status");
  std::string line;
  std::size_t klen = std::strlen(key);
  while (std::getline(f, line))
    if (line.compare(0, klen, key) == 0) return std::strtoull(line.c_str() + klen + 1, nullptr, 10) * 1024;
  return 0;
}
}  // namespace

std::size_t rss_bytes() { return status_field("VmRSS"); }
std::size_t anon_rss_bytes() { return status_field("RssAnon"); }
std::size_t peak_rss_bytes() { return status_field("VmHWM"); }

std::uint64_t ticks() { return __rdtsc(); }

double ns_per_tick() {
  static double v = [] {
    auto t0 = std::chrono::steady_clock::now();
    std::uint64_t c0 = __rdtsc();
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    auto t1 = std::chrono::steady_clock::now();
    std::uint64_t c1 = __rdtsc();
    return std::chrono::duration<double, std::nano>(t1 - t0).count() / static_cast<double>(c1 - c0);
  }();
  return v;
}

double percentile(std::vector<double>& xs, double p) {
  if (xs.empty()) return 0;
  std::sort(xs.begin(), xs.end());
  std::size_t k = std::min(xs.size() - 1, static_cast<std::size_t>(p * static_cast<double>(xs.size())));
  return xs[k];
}

double median(std::vector<double> xs) { return percentile(xs, 0.5); }

double thread_cpu_seconds() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

ThreadRun run_threads(int threads, double seconds,
                      const std::function<std::uint64_t(int, const std::atomic<bool>&)>& body) {
  std::atomic<bool> stop{false};
  std::atomic<int> ready{0};
  std::atomic<bool> go{false};
  std::vector<std::uint64_t> counts(static_cast<std::size_t>(threads), 0);
  std::vector<double> cpu(static_cast<std::size_t>(threads), 0);
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t)
    pool.emplace_back([&, t] {
      ready.fetch_add(1);
      while (!go.load(std::memory_order_acquire)) std::this_thread::yield();
      double c0 = thread_cpu_seconds();
      counts[static_cast<std::size_t>(t)] = body(t, stop);
      cpu[static_cast<std::size_t>(t)] = thread_cpu_seconds() - c0;
    });
  while (ready.load() < threads) std::this_thread::yield();
  auto t0 = std::chrono::steady_clock::now();
  go.store(true, std::memory_order_release);
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  stop.store(true, std::memory_order_relaxed);
  for (auto& th : pool) th.join();
  double dt = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::uint64_t total = 0;
  double cpu_total = 0;
  for (auto c : counts) total += c;
  for (auto c : cpu) cpu_total += c;
  ThreadRun r;
  r.wall_ops_per_s = static_cast<double>(total) / dt;
  r.cpu_ops_per_s = cpu_total > 0 ? static_cast<double>(total) / cpu_total : 0;
  r.cpu_share = cpu_total / (threads * dt);
  return r;
}

}  // namespace grbench
