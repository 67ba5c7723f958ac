// Hardening (issue #6): routing and escalation under reloads. Threads route and escalate through one
// gridroute::Engine while another thread reloads, in a loop, two good bundles (A and B, which route the
// same issue to different handlers with different deadlines) and bad ones. Every answer must come whole
// from exactly one snapshot (A's handler with A's deadline, or B's with B's), a bad reload must leave
// the old snapshot serving, and the run must be clean under TSan (suite name holds "Concurrency", which
// scripts/test.sh selects for the TSan build).
#include <atomic>
#include <chrono>
#include <thread>

#include "hardening_util.hpp"

namespace {
using namespace hardening;
using gridroute::Instant;

constexpr Instant kMinute = 60 * gridroute::kMicrosPerSecond;

fs::path base_bundle() { return fs::path(GRIDROUTE_SOURCE_DIR) / "tests" / "malformed" / "_base"; }

void replace(const fs::path& file, const std::string& from, const std::string& to) {
  std::string t = read_text(file);
  auto at = t.find(from);
  ASSERT_NE(at, std::string::npos) << from;
  t.replace(at, from.size(), to);
  write_text(file, t);
}

class HardeningConcurrency : public ::testing::Test {
 protected:
  void SetUp() override {
    // A: env.noise -> enforcement_squad "squad", respond in 1h. B: -> resident_council "council-c1", 2h.
    copy_bundle(base_bundle(), a_);
    copy_bundle(base_bundle(), b_);
    copy_bundle(base_bundle(), bad_json_);
    copy_bundle(base_bundle(), bad_ref_);
    replace(a_ / "jurisdiction.json", "Malformed corpus base", "A");
    replace(b_ / "jurisdiction.json", "Malformed corpus base", "B");
    std::string rules = read_text(b_ / "rules.json");
    auto noise = rules.find("\"enforcement_squad\"");
    ASSERT_NE(noise, std::string::npos);
    rules.replace(noise, 19, "\"resident_council\"");
    auto respond = rules.find("\"respond\": \"1h\"");
    ASSERT_NE(respond, std::string::npos);
    rules.replace(respond, 15, "\"respond\": \"2h\"");
    write_text(b_ / "rules.json", rules);
    write_text(bad_json_ / "rules.json", read_text(bad_json_ / "rules.json").substr(0, 300));
    replace(bad_ref_ / "rules.json", "\"scope\": \"c1\"", "\"scope\": \"nowhere\"");
  }
  TempDir tmp_;
  fs::path a_ = tmp_ / "a", b_ = tmp_ / "b", bad_json_ = tmp_ / "bad-json", bad_ref_ = tmp_ / "bad-ref";
};

TEST_F(HardeningConcurrency, RouteAndEscalateWhileReloadingGoodAndBadBundles) {
  auto engine = gridroute::Engine::load(a_.string());
  ASSERT_TRUE(engine.ok()) << engine.status();
  {
    std::vector<gridroute::Diagnostic> d;
    ASSERT_TRUE(gridroute::load_bundle(b_.string(), &d).ok()) << (d.empty() ? "" : d[0].to_string());
    ASSERT_FALSE(gridroute::load_bundle(bad_json_.string()).ok());
    ASSERT_FALSE(gridroute::load_bundle(bad_ref_.string()).ok());
  }
  const std::string at_text = "2026-11-20T09:15:00+08:00";
  const Instant at = *gridroute::parse_rfc3339(at_text);
  const std::string issue_line =
      R"({"id": "I", "category": "env.noise", "cell": "c1-a-01", "at": ")" + at_text + R"(", "attrs": {"severity": 2}})";
  const std::string case_line = issue_line.substr(0, issue_line.size() - 1) +
                                R"(, "level": 0, "level_started_at": ")" + at_text +
                                R"(", "responded": false, "reports": 0, "status": "open"})";
  const Instant now = at + 90 * kMinute;  // past A's respond (1h), before B's (2h)
  // The two answers, as the codec writes them.
  std::string a_decision, b_decision, a_action, b_action;
  for (auto* dir : {&a_, &b_}) {
    auto s = gridroute::load_bundle(dir->string());
    ASSERT_TRUE(s.ok());
    gridroute::LineCodec codec(*s);
    codec.route_line(issue_line, dir == &a_ ? a_decision : b_decision);
    codec.escalate_line(case_line, now, dir == &a_ ? a_action : b_action);
  }
  ASSERT_NE(a_decision, b_decision);
  ASSERT_NE(a_action, b_action);
  ASSERT_NE(a_decision.find("\"handler\": \"squad\""), std::string::npos) << a_decision;
  ASSERT_NE(b_decision.find("\"handler\": \"council-c1\""), std::string::npos) << b_decision;
  ASSERT_NE(a_action.find("\"action\": \"escalate\""), std::string::npos) << a_action;
  ASSERT_NE(b_action.find("\"action\": \"hold\""), std::string::npos) << b_action;

  gridroute::Issue issue;
  issue.id = "I";
  issue.category = "env.noise";
  issue.cell = "c1-a-01";
  issue.at = at;
  issue.attrs.push_back({"severity", gridroute::AttrValue::number(2)});
  gridroute::Case kase;
  kase.issue = issue;
  kase.level = 0;
  kase.level_started_at = at;

  std::atomic<bool> stop{false};
  std::atomic<long> seen_a{0}, seen_b{0}, torn{0}, answers{0};
  std::atomic<long> reloads_ok{0}, reloads_refused{0}, kept_after_refusal{0};
  std::vector<std::thread> threads;
  // Engine::route / Engine::escalate: the answer's handler index and deadline must belong together.
  // (Handler ids are indexes into the snapshot the call used; only fields that need no snapshot are
  // read here: see docs/security.md on holding the snapshot.)
  for (int t = 0; t < 2; ++t) {
    threads.emplace_back([&] {
      while (!stop.load(std::memory_order_relaxed)) {
        gridroute::Decision d = engine->route(issue).decision;
        bool is_a = d.status == gridroute::Decision::Status::routed && d.respond_by == at + 60 * kMinute;
        bool is_b = d.status == gridroute::Decision::Status::routed && d.respond_by == at + 120 * kMinute;
        // In both bundles handler 2 is "squad" (A's owner) and handler 0 "council-c1" (B's owner).
        if (!((is_a && d.handler == 2) || (is_b && d.handler == 0))) ++torn;
        (is_a ? seen_a : seen_b)++;
        gridroute::Action a = engine->escalate(kase, now).action;
        bool act_a = a.kind == gridroute::Action::Kind::escalate && a.level == 1 && a.handler == 0;
        bool act_b = a.kind == gridroute::Action::Kind::hold && a.level == 0 && a.next_check == at + 120 * kMinute;
        if (!(act_a || act_b)) ++torn;
        answers += 2;
      }
    });
  }
  // The codec path: one snapshot per batch; each answer whole from it.
  for (int t = 0; t < 2; ++t) {
    threads.emplace_back([&] {
      std::string out;
      while (!stop.load(std::memory_order_relaxed)) {
        auto snap = engine->snapshot();
        gridroute::LineCodec codec(snap);
        const bool a = snap->name() == "A";
        for (int i = 0; i < 20; ++i) {
          out.clear();
          codec.route_line(issue_line, out);
          if (out != (a ? a_decision : b_decision)) ++torn;
          out.clear();
          codec.escalate_line(case_line, now, out);
          if (out != (a ? a_action : b_action)) ++torn;
          answers += 2;
        }
      }
    });
  }
  // The reloader: A, a broken bundle, B, a bundle with a bad reference, ...
  threads.emplace_back([&] {
    const fs::path* order[] = {&b_, &bad_json_, &a_, &bad_ref_};
    for (std::size_t i = 0; !stop.load(std::memory_order_relaxed); ++i) {
      const fs::path& dir = *order[i % 4];
      auto before = engine->snapshot();
      std::vector<gridroute::Diagnostic> diags;
      auto st = engine->reload(dir.string(), &diags);
      bool bad = &dir == &bad_json_ || &dir == &bad_ref_;
      if (st.ok() == bad) ++torn;  // a good bundle must load, a bad one must not
      if (st.ok()) {
        ++reloads_ok;
      } else {
        ++reloads_refused;
        if (diags.empty()) ++torn;
        if (engine->snapshot() == before) ++kept_after_refusal;  // only this thread swaps
      }
    }
  });
  std::this_thread::sleep_for(std::chrono::seconds(2));
  stop = true;
  for (auto& t : threads) t.join();

  EXPECT_EQ(torn.load(), 0);
  EXPECT_GT(answers.load(), 0);
  EXPECT_GT(reloads_ok.load(), 0);
  EXPECT_GT(reloads_refused.load(), 0);
  EXPECT_EQ(kept_after_refusal.load(), reloads_refused.load());
  EXPECT_GT(seen_a.load() + seen_b.load(), 0);
  std::printf("answers %ld (A %ld, B %ld via Engine::route), reloads %ld ok, %ld refused\n", answers.load(),
              seen_a.load(), seen_b.load(), reloads_ok.load(), reloads_refused.load());
}

// Many threads on one snapshot give, line for line, the same bytes as one thread.
TEST(HardeningConcurrencyDeterminism, SameOutputForAnyThreadCount) {
  auto s = gridroute::load_bundle(example().string());
  ASSERT_TRUE(s.ok());
  auto lines = read_text(example() / "issues.jsonl");
  std::vector<std::string> input;
  for (std::size_t i = 0; i < lines.size();) {
    auto nl = lines.find('\n', i);
    if (nl == std::string::npos) nl = lines.size();
    if (nl > i) input.push_back(lines.substr(i, nl - i));
    i = nl + 1;
  }
  auto run = [&](int threads) {
    std::vector<std::string> out(input.size());
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; ++t)
      pool.emplace_back([&, t] {
        gridroute::LineCodec codec(*s, {.explain = true});
        for (std::size_t i = static_cast<std::size_t>(t); i < input.size(); i += static_cast<std::size_t>(threads))
          codec.route_line(input[i], out[i]);
      });
    for (auto& p : pool) p.join();
    return out;
  };
  auto one = run(1);
  for (int n : {2, 4, 8}) EXPECT_EQ(run(n), one) << n << " threads";
}

}  // namespace
