// Candidates are indexed by pattern (compile/index.hpp): a code's candidates are merged from the
// groups of `*`, its prefixes and itself. Checked here against the winning order of SPEC §3.3 written
// out directly — on random bundles whose rules have several, overlapping and repeated patterns, with
// and without a taxonomy: the fast path, the explain trace (the order and each rule's most specific
// pattern) and the count in the unrouted message.
#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "compile/candidates.hpp"
#include "gridroute/engine.hpp"

namespace {

struct Rule {
  std::string id;
  int priority = 0;
  int scope = 0;  // index into Tree::units
  int min_severity = -1;  // -1: no condition
  std::vector<std::string> patterns;
};

struct Tree {
  std::vector<std::string> units;
  std::vector<int> parent;
  std::vector<int> depth;
  std::vector<int> cells;
  bool ancestor_or_self(int a, int b) const {
    for (int u = b; u >= 0; u = parent[static_cast<std::size_t>(u)])
      if (u == a) return true;
    return false;
  }
};

// The specificity of `pattern` for `code`: exact 1<<20, a prefix its segments, `*` 0; -1 if no match.
int specificity(const std::string& pattern, const std::string& code) {
  if (pattern == "*") return 0;
  if (pattern.ends_with(".*")) {
    const std::string p = pattern.substr(0, pattern.size() - 2);
    if (code == p || (code.size() > p.size() && code.starts_with(p) && code[p.size()] == '.'))
      return static_cast<int>(std::count(p.begin(), p.end(), '.')) + 1;
    return -1;
  }
  return pattern == code ? 1 << 20 : -1;
}

struct Expected {
  std::vector<std::pair<int, int>> order;  // (rule, pattern index) in winning order
};

Expected reference(const std::vector<Rule>& rules, const Tree& t, const std::string& code) {
  struct C {
    int rule, spec, pattern;
  };
  std::vector<C> cands;
  for (std::size_t r = 0; r < rules.size(); ++r) {
    int best = -1, at = 0;
    for (std::size_t k = 0; k < rules[r].patterns.size(); ++k) {
      const int s = specificity(rules[r].patterns[k], code);
      if (s > best) best = s, at = static_cast<int>(k);
    }
    if (best >= 0) cands.push_back({static_cast<int>(r), best, at});
  }
  std::sort(cands.begin(), cands.end(), [&](const C& a, const C& b) {
    const Rule &x = rules[static_cast<std::size_t>(a.rule)], &y = rules[static_cast<std::size_t>(b.rule)];
    if (x.priority != y.priority) return x.priority > y.priority;
    const int dx = t.depth[static_cast<std::size_t>(x.scope)], dy = t.depth[static_cast<std::size_t>(y.scope)];
    if (dx != dy) return dx > dy;
    if (a.spec != b.spec) return a.spec > b.spec;
    return a.rule < b.rule;
  });
  Expected e;
  for (const C& c : cands) e.order.emplace_back(c.rule, c.pattern);
  return e;
}

struct Bundle {
  gridroute::BundleSources src;
  Tree tree;
  std::vector<Rule> rules;
  std::vector<std::string> codes;
};

Bundle make(unsigned seed, bool taxonomy) {
  std::mt19937 rng(seed);
  auto pick = [&](int n) { return static_cast<int>(rng() % static_cast<unsigned>(n)); };
  Bundle b;
  Tree& t = b.tree;
  std::string jur = R"({"format": "gridroute.jurisdiction/1", "timezone": "Asia/Shanghai",
    "tiers": ["town", "community", "area", "cell"], "units": [{"id": "town", "tier": "town"})";
  t.units = {"town"};
  t.parent = {-1};
  t.depth = {0};
  auto add = [&](std::string id, const char* tier, int parent) {
    jur += R"(, {"id": ")" + id + R"(", "tier": ")" + tier + R"(", "parent": ")" + t.units[static_cast<std::size_t>(parent)] + R"("})";
    t.units.push_back(std::move(id));
    t.parent.push_back(parent);
    t.depth.push_back(t.depth[static_cast<std::size_t>(parent)] + 1);
    return static_cast<int>(t.units.size()) - 1;
  };
  for (int c = 0; c < 2 + pick(3); ++c) {
    const int ci = add("c" + std::to_string(c), "community", 0);
    for (int a = 0; a < 1 + pick(2); ++a) {
      const int ai = add(t.units[static_cast<std::size_t>(ci)] + "-a" + std::to_string(a), "area", ci);
      for (int k = 0; k < 1 + pick(3); ++k)
        t.cells.push_back(add(t.units[static_cast<std::size_t>(ai)] + "-" + std::to_string(k), "cell", ai));
    }
  }
  // Every rule routes to the council, which serves the whole town: the winner is the first candidate
  // in scope whose condition holds.
  jur += R"(], "handlers": [{"id": "h", "role": "resident_council", "serves": ["town"]}]})";
  b.src.jurisdiction_json = jur;

  b.codes = {"a", "a.b", "a.b.c", "a.b.d", "a.e", "f.g", "f.g.h.i"};
  const std::vector<std::string> pool = {"*", "a.*", "a.b.*", "a.b.c.*", "a.b.c", "a.b.d", "a.b", "a", "a.e",
                                         "f.*", "f.g.*", "f.g.h.*", "f.g.h.i", "f.g", "a.e.*"};
  std::string rules = R"({"format": "gridroute.rules/1", "attributes": {"severity": "number"})";
  if (taxonomy) {
    rules += R"(, "categories": [)";
    for (std::size_t i = 0; i < b.codes.size(); ++i) rules += (i ? ", " : "") + (R"({"code": ")" + b.codes[i] + R"("})");
    rules += "]";
  }
  rules += R"(, "rules": [)";
  const int n = 3 + pick(30);
  for (int r = 0; r < n; ++r) {
    Rule x;
    x.id = "r" + std::to_string(r);
    x.priority = pick(3);
    x.scope = pick(3) == 0 ? 0 : pick(static_cast<int>(t.units.size()));
    if (pick(3) == 0) x.min_severity = pick(4);
    const int np = 1 + pick(4);
    for (int k = 0; k < np; ++k) x.patterns.push_back(pool[static_cast<std::size_t>(pick(static_cast<int>(pool.size())))]);
    if (pick(5) == 0) x.patterns.push_back(x.patterns.front());  // the same pattern twice
    rules += (r ? ", " : "") + (R"({"id": ")" + x.id + R"(", "priority": )" + std::to_string(x.priority) +
                                R"(, "scope": ")" + t.units[static_cast<std::size_t>(x.scope)] + R"(", "categories": [)");
    for (std::size_t k = 0; k < x.patterns.size(); ++k) rules += (k ? ", \"" : "\"") + x.patterns[k] + "\"";
    rules += "]";
    if (x.min_severity >= 0) rules += R"(, "when": {"attr": "severity", "ge": )" + std::to_string(x.min_severity) + "}";
    rules += R"(, "route": ["resident_council"]})";
    b.rules.push_back(std::move(x));
  }
  b.src.rules_json = rules + "]}";
  return b;
}

// An issue of `code` in `cell`, with a severity unless it is negative (the strings must outlive it).
gridroute::Issue issue(const std::string& code, const std::string& cell, int severity) {
  gridroute::Issue is;
  is.id = "I";
  is.category = code;
  is.cell = cell;
  is.at = 1'790'000'000'000'000;
  if (severity >= 0) is.attrs.push_back({"severity", gridroute::AttrValue::number(severity)});
  return is;
}

TEST(RoutePatterns, MergedPatternGroupsFollowTheWinningOrder) {
  std::size_t routed = 0, unrouted = 0, multi = 0;
  for (bool taxonomy : {true, false}) {
    for (unsigned seed = 1; seed <= 150; ++seed) {
      Bundle b = make(seed * 31 + taxonomy, taxonomy);
      std::vector<gridroute::Diagnostic> diags;
      auto snap = gridroute::load_bundle(b.src, &diags);
      if (!snap.ok()) {
        // With a taxonomy, a pattern may match no declared code; that is the only refusal expected.
        ASSERT_TRUE(taxonomy) << snap.status();
        for (const auto& d : diags) ASSERT_NE(d.message.find("matches no declared category"), std::string::npos) << d.to_string();
        continue;
      }
      const gridroute::Snapshot& s = **snap;
      std::vector<std::string> codes = b.codes;
      if (!taxonomy) codes.insert(codes.end(), {"a.b.c.x", "f.g.h.i.j", "z"});
      for (const std::string& code : codes) {
        const Expected want = reference(b.rules, b.tree, code);
        for (int cell : b.tree.cells) {
          for (int severity : {-1, 0, 2, 5}) {
            const std::string where = "seed " + std::to_string(seed) + (taxonomy ? "" : " (no taxonomy)") + " code " +
                                      code + " cell " + b.tree.units[static_cast<std::size_t>(cell)] + " severity " +
                                      std::to_string(severity);
            const gridroute::Issue is = issue(code, b.tree.units[static_cast<std::size_t>(cell)], severity);
            // The winner: the first candidate in scope whose condition holds.
            int winner = -1;
            std::size_t applicable = 0;
            for (auto [r, k] : want.order) {
              const Rule& rule = b.rules[static_cast<std::size_t>(r)];
              if (!b.tree.ancestor_or_self(rule.scope, cell)) continue;
              if (rule.min_severity >= 0 && severity < rule.min_severity) continue;
              ++applicable;
              winner = r;
              break;
            }
            const gridroute::Decision fast = s.route(is), full = s.route(is, true);
            if (winner >= 0) {
              ASSERT_EQ(fast.status, gridroute::Decision::Status::routed) << where << ": " << fast.message;
              EXPECT_EQ(s.rule_id(fast.rule), b.rules[static_cast<std::size_t>(winner)].id) << where;
              ++routed;
            } else {
              ASSERT_EQ(fast.status, gridroute::Decision::Status::unrouted) << where;
              const std::string count = want.order.empty() ? "no rule matches"
                                                           : std::to_string(want.order.size()) +
                                                                 (want.order.size() == 1 ? " rule matches" : " rules match");
              EXPECT_TRUE(fast.message.starts_with(count)) << where << ": " << fast.message;
              ++unrouted;
            }
            EXPECT_EQ(fast.message, full.message) << where;
            EXPECT_EQ(fast.rule, full.rule) << where;
            // The trace lists every candidate once, in winning order, at its most specific pattern.
            ASSERT_EQ(full.trace.size(), want.order.size()) << where;
            for (std::size_t i = 0; i < want.order.size(); ++i) {
              EXPECT_EQ(s.rule_id(full.trace[i].rule), b.rules[static_cast<std::size_t>(want.order[i].first)].id)
                  << where << " at " << i;
              EXPECT_EQ(full.trace[i].pattern, want.order[i].second) << where << " at " << i;
            }
            (void)applicable;
          }
        }
        for (auto [r, k] : want.order) multi += b.rules[static_cast<std::size_t>(r)].patterns.size() > 1;
      }
    }
  }
  EXPECT_GT(routed, 5000u);
  EXPECT_GT(unrouted, 500u);
  EXPECT_GT(multi, 1000u);
}

// Routing searches one merged group per chain of pattern groups when the index has it
// (Index::merged), else merges the chain's groups as it goes: both give the same decisions.
TEST(RoutePatterns, MergedChainsDecideAsTheGroupsMergedAtRouting) {
  std::size_t merged_chains = 0, compared = 0;
  for (bool taxonomy : {true, false}) {
    for (unsigned seed = 1; seed <= 60; ++seed) {
      Bundle b = make(seed * 17 + taxonomy, taxonomy);
      auto snap = gridroute::load_bundle(b.src);
      if (!snap.ok()) continue;
      auto& index = const_cast<gridroute::detail::Index&>((*snap)->index());
      for (std::int32_t m : index.merged.merged_of) merged_chains += m >= 0;
      std::vector<std::string> codes = b.codes;
      if (!taxonomy) codes.insert(codes.end(), {"a.b.c.x", "f.g.h.i.j", "z"});
      std::vector<gridroute::Decision> with;
      std::vector<gridroute::Issue> issues;
      for (const std::string& code : codes)
        for (int cell : b.tree.cells)
          for (int severity : {-1, 0, 2, 5}) {
            issues.push_back(issue(code, b.tree.units[static_cast<std::size_t>(cell)], severity));
          }
      for (const auto& is : issues) with.push_back((*snap)->route(is));
      gridroute::detail::build_merged_chains(index, 0);  // no budget: every chain merged at routing
      for (std::int32_t m : index.merged.merged_of) ASSERT_LT(m, 0);
      for (std::size_t i = 0; i < issues.size(); ++i) {
        const gridroute::Decision without = (*snap)->route(issues[i]);
        const std::string where = "seed " + std::to_string(seed) + " code " + std::string(issues[i].category) + " cell " + std::string(issues[i].cell);
        EXPECT_EQ(with[i].status, without.status) << where;
        EXPECT_EQ(with[i].rule, without.rule) << where;
        EXPECT_EQ(with[i].handler, without.handler) << where;
        EXPECT_EQ(with[i].message, without.message) << where;
        ++compared;
      }
    }
  }
  EXPECT_GT(merged_chains, 100u);
  EXPECT_GT(compared, 10000u);
}

}  // namespace
