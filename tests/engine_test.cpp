// gridroute::Engine: swapping and reloading snapshots while other threads route, a failed reload
// keeping the old snapshot, and deterministic output. Tests that use threads are in suites named
// Concurrency* (they also run under ThreadSanitizer).
#include <atomic>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include "gridroute/engine.hpp"
#include "gridroute/jsonl.hpp"

namespace {
namespace fs = std::filesystem;
namespace json = boost::json;

const fs::path kData = fs::path(GRIDROUTE_SOURCE_DIR) / "tests" / "data";

std::string read_text(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line))
    if (line.find_first_not_of(" \t\r") != std::string::npos) out.push_back(line);
  return out;
}

gridroute::Engine load_engine(const fs::path& dir) {
  std::vector<gridroute::Diagnostic> diags;
  auto e = gridroute::Engine::load(dir.string(), &diags);
  if (!e.ok()) {
    std::string all;
    for (auto& d : diags) all += d.to_string() + "\n";
    ADD_FAILURE() << dir << " refused:\n" << all;
    return gridroute::Engine(nullptr);
  }
  return *std::move(e);
}

std::shared_ptr<const gridroute::Snapshot> load_snapshot(const fs::path& dir) {
  auto s = gridroute::load_bundle(dir.string());
  EXPECT_TRUE(s.ok()) << dir << ": " << s.status();
  return s.ok() ? *s : nullptr;
}

// Routes every line of `lines` with one codec; the JSON Lines output.
std::string route_all(const std::shared_ptr<const gridroute::Snapshot>& s, const std::vector<std::string>& lines,
                      bool explain = false) {
  gridroute::LineCodec codec(s, {.explain = explain});
  std::string out;
  for (const auto& l : lines) {
    codec.route_line(l, out);
    out.push_back('\n');
  }
  return out;
}

std::string escalate_all(const std::shared_ptr<const gridroute::Snapshot>& s, const std::vector<std::string>& lines,
                         gridroute::Instant now) {
  gridroute::LineCodec codec(s);
  std::string out;
  for (const auto& l : lines) {
    codec.escalate_line(l, now, out);
    out.push_back('\n');
  }
  return out;
}

// The example bundles with their issues and cases, for determinism tests.
struct Example {
  fs::path dir;
  std::vector<std::string> issues, cases;
  gridroute::Instant now = 0;
};
std::vector<Example> examples() {
  std::vector<Example> out;
  for (const fs::path& d : {fs::path(GRIDROUTE_SOURCE_DIR) / "examples" / "lanxi",
                            fs::path(GRIDROUTE_SHARED_DIR) / "examples" / "shuangcheng", kData / "town_v1"}) {
    if (!fs::exists(d / "jurisdiction.json")) continue;
    Example e;
    e.dir = d;
    e.issues = lines_of(read_text(d / "issues.jsonl"));
    e.cases = lines_of(read_text(d / "cases.jsonl"));
    std::string now = fs::exists(d / "NOW.txt") ? read_text(d / "NOW.txt") : "2026-11-23T10:00:00+08:00";
    now.erase(now.find_last_not_of(" \r\n") + 1);
    e.now = *gridroute::parse_rfc3339(now);
    out.push_back(std::move(e));
  }
  return out;
}

// ---------------------------------------------------------------- single-threaded

TEST(Engine, LoadAndRoute) {
  gridroute::Engine e = load_engine(kData / "town_v1");
  ASSERT_NE(e.snapshot(), nullptr);
  gridroute::Issue is;
  is.id = "I-1";
  is.category = "noise.loudspeaker";
  is.cell = "c1-a-01";
  is.at = *gridroute::parse_rfc3339("2026-11-18T10:00:00+08:00");
  gridroute::Decision d = e.route(is).decision;
  ASSERT_EQ(d.status, gridroute::Decision::Status::routed) << d.message;
  auto s = e.snapshot();
  EXPECT_EQ(s->handler_id(d.handler), "council-c1");
  EXPECT_EQ(s->rule_id(d.rule), "noise");
  EXPECT_EQ(d.respond_by, *gridroute::parse_rfc3339("2026-11-18T11:00:00+08:00"));
  EXPECT_EQ(d.resolve_by, *gridroute::parse_rfc3339("2026-11-19T17:00:00+08:00"));
}

TEST(Engine, RouteBatchAnswersOnTheSnapshotItReturns) {
  gridroute::Engine e = load_engine(kData / "town_v1");
  std::vector<gridroute::Issue> issues(3);
  const char* cells[] = {"c1-a-01", "nowhere", "c1-a-01"};
  for (std::size_t i = 0; i < issues.size(); ++i) {
    issues[i].id = "I";
    issues[i].category = "noise.loudspeaker";
    issues[i].cell = cells[i];
    issues[i].at = *gridroute::parse_rfc3339("2026-11-18T10:00:00+08:00");
  }
  std::vector<gridroute::Decision> out(issues.size());
  auto s = e.route_batch(issues, out);
  ASSERT_TRUE(s);
  ASSERT_TRUE(e.reload((kData / "town_v2").string()).ok());  // the batch's ids stay valid in `s`
  ASSERT_EQ(out[0].status, gridroute::Decision::Status::routed) << out[0].message;
  EXPECT_EQ(s->handler_id(out[0].handler), "council-c1");
  EXPECT_EQ(out[1].status, gridroute::Decision::Status::rejected);
  EXPECT_EQ(out[1].message, "unknown cell 'nowhere'");
  EXPECT_EQ(s->handler_id(out[2].handler), "council-c1");
}

TEST(Engine, ReloadSwapsTheSnapshot) {
  gridroute::Engine e = load_engine(kData / "town_v1");
  auto before = e.snapshot();
  ASSERT_TRUE(before);
  ASSERT_TRUE(e.reload((kData / "town_v2").string()).ok());
  auto after = e.snapshot();
  EXPECT_NE(before, after);
  std::vector<std::string> line = {R"({"id": "I", "category": "noise.night", "cell": "c1-a-01", "at": "2026-11-18T10:00:00+08:00"})"};
  EXPECT_NE(route_all(before, line).find("\"council-c1\""), std::string::npos) << "a held snapshot keeps serving";
  EXPECT_NE(route_all(after, line).find("\"squad-1\""), std::string::npos);
  EXPECT_NE(route_all(after, line).find("\"noise-v2\""), std::string::npos);
}

TEST(Engine, FailedReloadKeepsTheOldSnapshot) {
  gridroute::Engine e = load_engine(kData / "town_v1");
  auto before = e.snapshot();
  std::vector<gridroute::Diagnostic> diags;
  absl::Status st = e.reload((kData / "broken").string(), &diags);
  EXPECT_FALSE(st.ok());
  EXPECT_GE(diags.size(), 2u) << "both errors of the broken bundle are reported";
  EXPECT_EQ(e.snapshot(), before);
  st = e.reload((kData / "no-such-bundle").string(), &diags);
  EXPECT_FALSE(st.ok());
  EXPECT_EQ(e.snapshot(), before);
  gridroute::Issue is;
  is.id = "I";
  is.category = "noise.night";
  is.cell = "c1-a-01";
  is.at = *gridroute::parse_rfc3339("2026-11-18T10:00:00+08:00");
  gridroute::Decision d = e.route(is).decision;
  ASSERT_EQ(d.status, gridroute::Decision::Status::routed);
  EXPECT_EQ(e.snapshot()->handler_id(d.handler), "council-c1");
}

TEST(Engine, LoadOfABrokenBundleFails) {
  std::vector<gridroute::Diagnostic> diags;
  auto e = gridroute::Engine::load((kData / "broken").string(), &diags);
  EXPECT_FALSE(e.ok());
  bool serves = false, sla = false;
  for (const auto& d : diags) {
    serves = serves || (d.pointer == "/handlers/0/serves/1" && d.line == 11);
    sla = sla || (d.pointer == "/rules/0/sla/respond" && d.line == 4);
  }
  EXPECT_TRUE(serves && sla);
}

TEST(Engine, OutputIsDeterministic) {
  for (const Example& ex : examples()) {
    SCOPED_TRACE(ex.dir.string());
    auto a = load_snapshot(ex.dir), b = load_snapshot(ex.dir);
    ASSERT_TRUE(a && b);
    std::string r1 = route_all(a, ex.issues, true), r2 = route_all(a, ex.issues, true), r3 = route_all(b, ex.issues, true);
    EXPECT_EQ(r1, r2) << "same snapshot, same input, same output";
    EXPECT_EQ(r1, r3) << "two loads of one bundle give the same output";
    EXPECT_EQ(lines_of(r1).size(), ex.issues.size());
    std::string e1 = escalate_all(a, ex.cases, ex.now), e2 = escalate_all(b, ex.cases, ex.now);
    EXPECT_EQ(e1, e2);
    EXPECT_EQ(lines_of(e1).size(), ex.cases.size());
  }
}

// ---------------------------------------------------------------- threads


TEST(Concurrency, SwapWhileThreadsRoute) {
  gridroute::Engine e = load_engine(kData / "town_v1");
  auto v1 = e.snapshot();
  auto v2 = load_snapshot(kData / "town_v2");
  ASSERT_TRUE(v1 && v2);
  // One snapshot's answer, never a mix: (rule, handler, role) of v1 or of v2.
  auto label = [](const gridroute::Snapshot& s, const gridroute::Decision& d) {
    return std::string(s.rule_id(d.rule)) + "/" + std::string(s.handler_id(d.handler)) + "/" + std::string(s.role_name(d.role));
  };
  const std::string want1 = "noise/council-c1/resident_council", want2 = "noise-v2/squad-1/enforcement_squad";
  std::atomic<bool> stop{false};
  std::atomic<int> seen1{0}, seen2{0}, bad{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      gridroute::Issue is;
      is.id = "I";
      is.category = t % 2 ? "noise.night" : "noise.loudspeaker";
      is.cell = t % 2 ? "c1-a-01" : "c1-a-01";
      is.at = *gridroute::parse_rfc3339("2026-11-18T10:00:00+08:00");
      for (int i = 0; i < 3000 && !(stop && i > 200); ++i) {
        auto s = e.snapshot();  // hold the snapshot the decision came from
        gridroute::Decision d = s->route(is);
        std::string l = d.status == gridroute::Decision::Status::routed ? label(*s, d) : "unrouted";
        if (l == want1) ++seen1;
        else if (l == want2) ++seen2;
        else ++bad;
        // Through the Engine itself too.
        gridroute::Decision d2 = e.route(is).decision;
        if (d2.status != gridroute::Decision::Status::routed) ++bad;
      }
    });
  }
  for (int i = 0; i < 200; ++i) {
    e.swap(i % 2 ? v1 : v2);
    std::this_thread::yield();
  }
  // Reloads from disk while routing goes on, including a failing one.
  EXPECT_TRUE(e.reload((kData / "town_v2").string()).ok());
  EXPECT_FALSE(e.reload((kData / "broken").string()).ok());
  EXPECT_TRUE(e.reload((kData / "town_v1").string()).ok());
  stop = true;
  for (auto& t : threads) t.join();
  EXPECT_EQ(bad.load(), 0);
  EXPECT_GT(seen1.load() + seen2.load(), 0);
  // After the last reload, v1's answer.
  gridroute::Issue is;
  is.id = "I";
  is.category = "noise.night";
  is.cell = "c1-a-01";
  is.at = *gridroute::parse_rfc3339("2026-11-18T10:00:00+08:00");
  auto s = e.snapshot();
  EXPECT_EQ(label(*s, s->route(is)), want1);
}

TEST(Concurrency, CodecsOnSharedSnapshotsAgreeWithOneThread) {
  for (const Example& ex : examples()) {
    SCOPED_TRACE(ex.dir.string());
    auto s = load_snapshot(ex.dir);
    ASSERT_TRUE(s);
    const std::string want_route = route_all(s, ex.issues, true);
    const std::string want_escalate = escalate_all(s, ex.cases, ex.now);
    std::vector<std::string> got_route(4), got_escalate(4);
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
      threads.emplace_back([&, t] {
        for (int round = 0; round < 3; ++round) {
          got_route[t] = route_all(s, ex.issues, true);
          got_escalate[t] = escalate_all(s, ex.cases, ex.now);
        }
      });
    }
    for (auto& t : threads) t.join();
    for (int t = 0; t < 4; ++t) {
      EXPECT_EQ(got_route[t], want_route) << "thread " << t;
      EXPECT_EQ(got_escalate[t], want_escalate) << "thread " << t;
    }
  }
}

TEST(Concurrency, EngineRouteWhileReloadingTheSameBundle) {
  gridroute::Engine e = load_engine(kData / "town_v1");
  ASSERT_TRUE(e.snapshot());
  const auto lines = lines_of(read_text(kData / "town_v1" / "issues.jsonl"));
  const std::string want = route_all(e.snapshot(), lines);
  std::atomic<int> mismatches{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 3; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 150; ++i)
        if (route_all(e.snapshot(), lines) != want) ++mismatches;
    });
  }
  for (int i = 0; i < 15; ++i) ASSERT_TRUE(e.reload((kData / "town_v1").string()).ok());
  for (auto& t : threads) t.join();
  EXPECT_EQ(mismatches.load(), 0);
}

}  // namespace
