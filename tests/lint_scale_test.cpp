// `gridroute check` at scale: the shadowed-rules finding ("rule … can never win") is computed per
// distinct candidate list with the earlier unconditional rules kept per scope, so its work grows with
// the candidates, not with their square (thousands of conditional rules used to take minutes). Checked
// against the pairwise definition on random bundles; bundles whose candidate lists are too large for
// the lint budget get one warning naming it, at once, instead of an answer hours later (and so does
// `check --coverage`).
#include <random>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "compile/candidates.hpp"
#include "gridroute/engine.hpp"
#include "hardening_util.hpp"

namespace {
using gridroute::detail::Candidate;
using gridroute::detail::CompiledRule;
using gridroute::detail::Index;

// The rules reported as "can never win" (max findings high enough to see them all).
std::set<std::string> never_win(const gridroute::Snapshot& s) {
  std::set<std::string> out;
  for (const auto& d : gridroute::lint(s, 1'000'000)) {
    const std::string pre = "rule '", post = "' can never win";
    if (!d.message.starts_with(pre)) continue;
    const std::size_t end = d.message.find(post);
    if (end != std::string::npos) out.insert(d.message.substr(pre.size(), end - pre.size()));
  }
  return out;
}

// The definition, pair by pair: a candidate is blocked in a list when an earlier candidate without a
// condition has a scope that contains its scope and a route that resolves there, or when such earlier
// candidates together route by every role key of its route; a rule can never win
// when it is blocked in every list it is in (every declared category, or without a taxonomy every code
// that may come: those the rules name, codes below them, and codes nobody names).
std::set<std::string> never_win_pairwise(const Index& s) {
  std::vector<std::uint8_t> seen(s.rules.size()), can_win(s.rules.size());
  std::vector<Candidate> scratch;
  auto consider = [&](std::string_view code, gridroute::CategoryId c) {
    std::span<const Candidate> view;
    gridroute::detail::candidates_for(s, code, c, scratch, view);
    const std::vector<Candidate> cands(view.begin(), view.end());
    for (std::size_t i = 0; i < cands.size(); ++i) {
      const CompiledRule& r = s.rules[cands[i].rule];
      seen[cands[i].rule] = 1;
      bool blocked = false;
      std::set<gridroute::RoleKeyId> earlier;  // the route keys of the earlier unconditional rules over it
      for (std::size_t j = 0; j < i && !blocked; ++j) {
        const CompiledRule& w = s.rules[cands[j].rule];
        if (w.when >= 0 || !s.is_ancestor_or_self(w.scope, r.scope)) continue;
        for (auto k : w.route) blocked = blocked || static_cast<bool>(s.resolve(k, r.scope));
        earlier.insert(w.route.begin(), w.route.end());
      }
      // Or every key of its route is routed by one of them: wherever it finds a handler, they do first.
      if (!blocked && std::all_of(r.route.begin(), r.route.end(), [&](auto k) { return earlier.count(k) > 0; }))
        blocked = true;
      if (!blocked) can_win[cands[i].rule] = 1;
    }
  };
  if (s.has_taxonomy) {
    for (std::size_t c = 0; c < s.categories.size(); ++c) consider(s.categories[c], static_cast<gridroute::CategoryId>(c));
  } else {
    // Any code may come: every code a rule names, a code below each, and a code nobody names (no pattern
    // of these bundles has the segment "zzz").
    std::vector<std::string> codes = {"zzz"};
    for (const CompiledRule& r : s.rules)
      for (const std::string& p : r.patterns)
        if (p != "*") {
          const std::string code = p.ends_with(".*") ? p.substr(0, p.size() - 2) : p;
          codes.push_back(code);
          codes.push_back(code + ".zzz");
        }
    for (const std::string& code : codes) consider(code, gridroute::kNone);
  }
  std::set<std::string> out;
  for (std::size_t r = 0; r < s.rules.size(); ++r)
    if (seen[r] && !can_win[r]) out.insert(s.rules[r].id);
  return out;
}

// A random bundle: a town of communities, areas and cells; three roles served at different depths (the
// council for the first community only, a property manager for one area, a squad for one cell), so a
// route resolves in some scopes and not others; rules with random priorities, scopes, conditions and
// overlapping patterns.
gridroute::BundleSources random_bundle(unsigned seed, bool taxonomy) {
  std::mt19937 rng(seed);
  auto pick = [&](int n) { return static_cast<int>(rng() % static_cast<unsigned>(n)); };
  std::vector<std::string> units = {"town"};
  std::string jur = R"({"format": "gridroute.jurisdiction/1", "timezone": "Asia/Shanghai",
    "tiers": ["town", "community", "area", "cell"], "units": [{"id": "town", "tier": "town"})";
  auto add = [&](const std::string& id, const char* tier, const std::string& parent) {
    jur += R"(, {"id": ")" + id + R"(", "tier": ")" + tier + R"(", "parent": ")" + parent + R"("})";
    units.push_back(id);
  };
  for (int c = 0; c < 3; ++c) {
    const std::string ci = "c" + std::to_string(c);
    add(ci, "community", "town");
    for (int a = 0; a < 2; ++a) {
      const std::string ai = ci + "-a" + std::to_string(a);
      add(ai, "area", ci);
      for (int k = 0; k < 2; ++k) add(ai + "-" + std::to_string(k), "cell", ai);
    }
  }
  jur += R"(], "handlers": [{"id": "council", "role": "resident_council", "serves": ["c0"]},
    {"id": "pm", "role": "property_manager", "serves": ["c1-a0"]},
    {"id": "squad", "role": "enforcement_squad", "serves": ["c2-a1-0"]}]})";
  const std::vector<std::string> codes = {"a", "a.b", "a.b.c", "a.b.d", "a.e", "f.g", "f.g.h"};
  const std::vector<std::string> pool = {"*", "a.*", "a.b.*", "a.b.c", "a.b.d", "a.b", "a", "a.e", "f.*", "f.g.*", "f.g.h"};
  const std::vector<std::string> roles = {"resident_council", "property_manager", "enforcement_squad"};
  std::string rules = R"({"format": "gridroute.rules/1", "attributes": {"severity": "number"})";
  if (taxonomy) {
    rules += R"(, "categories": [)";
    for (std::size_t i = 0; i < codes.size(); ++i) rules += (i ? ", " : "") + (R"({"code": ")" + codes[i] + R"("})");
    rules += "]";
  }
  rules += R"(, "rules": [)";
  const int n = 5 + pick(40);
  for (int r = 0; r < n; ++r) {
    rules += (r ? ", " : "") + (R"({"id": "r)" + std::to_string(r) + R"(", "priority": )" + std::to_string(pick(3)) +
                                R"(, "scope": ")" + units[static_cast<std::size_t>(pick(3) == 0 ? 0 : pick(static_cast<int>(units.size())))] +
                                R"(", "categories": [)");
    const int np = 1 + pick(3);
    for (int k = 0; k < np; ++k) rules += (k ? ", \"" : "\"") + pool[static_cast<std::size_t>(pick(static_cast<int>(pool.size())))] + "\"";
    rules += "]";
    if (pick(3) == 0) rules += R"(, "when": {"attr": "severity", "ge": 2})";
    rules += R"(, "route": [")" + roles[static_cast<std::size_t>(pick(3))] + "\"";
    if (pick(4) == 0) rules += R"(, ")" + roles[static_cast<std::size_t>(pick(3))] + "\"";
    rules += "]}";
  }
  gridroute::BundleSources b;
  b.label = "mem";
  b.jurisdiction_json = jur;
  b.rules_json = rules + "]}";
  return b;
}

TEST(LintScale, ShadowedRulesMatchThePairwiseDefinition) {
  std::size_t bundles = 0, shadowed = 0;
  for (bool taxonomy : {true, false}) {
    for (unsigned seed = 1; seed <= 200; ++seed) {
      std::vector<gridroute::Diagnostic> diags;
      auto snap = gridroute::load_bundle(random_bundle(seed * 7 + taxonomy, taxonomy), &diags);
      if (!snap.ok()) {
        // With a taxonomy a pattern may match no declared code: the one refusal expected.
        ASSERT_TRUE(taxonomy) << snap.status();
        continue;
      }
      ++bundles;
      const std::set<std::string> want = never_win_pairwise((*snap)->index());
      EXPECT_EQ(never_win(**snap), want) << "seed " << seed << (taxonomy ? "" : " (no taxonomy)");
      shadowed += want.size();
    }
  }
  EXPECT_GT(bundles, 250u);
  EXPECT_GT(shadowed, 300u);  // the bundles do shadow rules: the comparison means something
}

std::string categories_json(int n) {
  std::string r;
  for (int i = 0; i < n; ++i) r += (i ? ", " : "") + (R"({"code": "env.noise.c)" + std::to_string(i) + R"("})");
  return r;
}

constexpr const char* kJurisdiction = R"({"format": "gridroute.jurisdiction/1", "timezone": "Europe/Berlin",
  "tiers": ["community", "area", "cell"],
  "units": [{"id": "c", "tier": "community"}, {"id": "a", "tier": "area", "parent": "c"},
            {"id": "x", "tier": "cell", "parent": "a"}, {"id": "y", "tier": "cell", "parent": "a"}],
  "handlers": [{"id": "h", "role": "resident_council", "serves": ["c"]},
               {"id": "p", "role": "property_manager", "serves": ["x"]}]})";

// A bundle of kJurisdiction and `rules`, loaded from memory.
absl::StatusOr<std::shared_ptr<const gridroute::Snapshot>> load_rules(const std::string& rules) {
  gridroute::BundleSources b;
  b.label = "mem";
  b.jurisdiction_json = kJurisdiction;
  b.rules_json = rules;
  std::vector<gridroute::Diagnostic> diags;
  return gridroute::load_bundle(b, &diags);
}

TEST(LintScale, EightThousandConditionalRulesAreChecked) {
  // 8,000 conditional rules for every category, ahead of each category's own unconditional rule: 200
  // distinct candidate lists of 8,001 rules or more. Pair by pair, each conditional rule was compared
  // with every one before it: 6.4 billion comparisons.
  std::string rules = R"({"format": "gridroute.rules/1", "attributes": {"severity": "number"}, "categories": [)" +
                      categories_json(200) + R"(], "rules": [)";
  for (int i = 0; i < 8000; ++i)
    rules += (i ? ", " : "") + (R"({"id": "w)" + std::to_string(i) + R"(", "priority": 2, "scope": ")" + (i % 2 ? "x" : "a") +
                                R"(", "categories": ["*"], "when": {"attr": "severity", "ge": )" + std::to_string(i) +
                                R"(}, "route": ["resident_council"]})");
  for (int c = 0; c < 200; ++c)
    rules += R"(, {"id": "own)" + std::to_string(c) + R"(", "priority": 1, "scope": "a", "categories": ["env.noise.c)" +
             std::to_string(c) + R"("], "route": ["resident_council"]})";
  // Behind own0 (scope a, its route resolves everywhere below): never wins.
  rules += R"(, {"id": "behind", "scope": "x", "categories": ["env.noise.c0"], "route": ["resident_council"]})";
  // The property manager serves cell x only: pm-x shadows the conditional rules of cell x in c1, but
  // they win in the other categories; behind-y, in cell y, is still behind own1.
  rules += R"(, {"id": "pm-x", "priority": 3, "scope": "x", "categories": ["env.noise.c1"], "route": ["property_manager"]})";
  rules += R"(, {"id": "behind-y", "scope": "y", "categories": ["env.noise.c1"], "route": ["resident_council"]})";
  rules += "]}";
  auto snap = load_rules(rules);
  ASSERT_TRUE(snap.ok()) << snap.status();
  EXPECT_EQ(never_win(**snap), (std::set<std::string>{"behind", "behind-y"}));
  for (const auto& d : gridroute::lint(**snap, 5)) EXPECT_EQ(d.message.find("lint budget"), std::string::npos) << d.to_string();
}

TEST(LintScale, RulesNamingTheSameCodeWithoutATaxonomyAreCheckedOnce) {
  // Without a taxonomy the check walks the list of each code the rules name: 8,000 rules naming one code
  // had its 8,000 candidates walked 8,000 times, each compared with every one before it. Now the list
  // is walked once.
  std::string rules = R"({"format": "gridroute.rules/1", "attributes": {"severity": "number"}, "rules": [)";
  for (int i = 0; i < 8000; ++i)
    rules += (i ? ", " : "") + (R"({"id": "w)" + std::to_string(i) + R"(", "priority": 1, "scope": ")" + (i % 2 ? "x" : "a") +
                                R"(", "categories": ["env.noise"], "when": {"attr": "severity", "ge": )" + std::to_string(i) +
                                R"(}, "route": ["resident_council"]})");
  rules += R"(, {"id": "last", "scope": "c", "categories": ["env.noise"], "route": ["resident_council"]})";
  rules += R"(, {"id": "behind", "scope": "c", "categories": ["env.noise"], "route": ["resident_council"]})";
  rules += R"(, {"id": "other", "scope": "c", "categories": ["env.noise", "env.other.*"], "route": ["resident_council"]}]})";
  auto snap = load_rules(rules);
  ASSERT_TRUE(snap.ok()) << snap.status();
  // `other` is behind `last` for env.noise but wins for env.other.
  EXPECT_EQ(never_win(**snap), (std::set<std::string>{"behind"}));
}

TEST(LintScale, ARuleOfManyRouteReferencesListsEachOnce) {
  // An unconditional rule of 100,000 route references: each was compared with those listed before it
  // at its scope (the square of the references, 5e9 steps), so the check ran out of its budget and left
  // the rules behind it unchecked. Now each is listed in one step, and the rule behind is found.
  std::string roles, route;
  for (int i = 0; i < 100000; ++i) {
    roles += (i ? ", \"r" : "\"r") + std::to_string(i) + "\"";
    route += "\"r" + std::to_string(i) + "\", ";
  }
  const std::string rules = R"({"format": "gridroute.rules/1", "roles": [)" + roles + R"(], "rules": [)" +
                            R"({"id": "many", "priority": 5, "categories": ["*"], "route": [)" + route + R"("resident_council"]},)" +
                            R"({"id": "behind", "categories": ["env.noise"], "route": ["resident_council"]}]})";
  auto snap = load_rules(rules);
  ASSERT_TRUE(snap.ok()) << snap.status();
  for (const auto& d : gridroute::lint(**snap, 1000))
    EXPECT_EQ(d.message.find("rules that can never win not checked"), std::string::npos) << d.message;
  EXPECT_EQ(never_win(**snap), (std::set<std::string>{"behind"}));
}

TEST(LintScale, CandidateListsOverTheBudgetAreReportedAtOnce) {
  // 5,000 categories, each with its own exact rule that also names "*", and 500 prefix rules: each
  // category's list holds 6,001 entries (the 5,000 "*" group, the two prefix groups of 500, its code), 30
  // million in all, over the budget of 20 million. The check says so instead of working through them.
  const int n = 5'000;
  std::string rules = R"({"format": "gridroute.rules/1", "categories": [)";
  for (int i = 0; i < n; ++i) rules += (i ? ", " : "") + (R"({"code": "a.b.x)" + std::to_string(i) + R"("})");
  rules += R"(], "rules": [)";
  for (int i = 0; i < 500; ++i)
    rules += (i ? ", " : "") + (R"({"id": "p)" + std::to_string(i) +
                                R"(", "priority": 1, "scope": "a", "categories": ["a.*", "a.b.*"], "route": ["resident_council"]})");
  for (int i = 0; i < n; ++i)
    rules += R"(, {"id": "e)" + std::to_string(i) + R"(", "scope": "x", "categories": ["a.b.x)" + std::to_string(i) +
             R"(", "*"], "route": ["property_manager"]})";
  rules += "]}";
  auto snap = load_rules(rules);
  ASSERT_TRUE(snap.ok()) << snap.status();
  bool coverage = false, shadowed = false;
  for (const auto& d : gridroute::lint(**snap)) {
    if (d.message.starts_with("coverage holes not checked:")) {
      coverage = true;
      EXPECT_EQ(d.message,
                "coverage holes not checked: the candidate lists of the categories hold 30005000 rule entries, "
                "over the lint budget of 20000000");
    }
    if (d.message.starts_with("rules that can never win not checked:")) {
      shadowed = true;
      EXPECT_EQ(d.pointer, "/rules");
      EXPECT_EQ(d.message,
                "rules that can never win not checked: the candidate lists of the categories hold 30005000 rule "
                "entries, over the lint budget of 20000000");
    }
    EXPECT_EQ(d.message.find("can never win:"), std::string::npos) << "no verdict without the whole check";
  }
  EXPECT_TRUE(coverage);
  EXPECT_TRUE(shadowed);
  // `gridroute check --coverage` says so too, rather than reading 30 million entries.
  hardening::TempDir dir;
  hardening::write_text(dir / "jurisdiction.json", kJurisdiction);
  hardening::write_text(dir / "rules.json", rules);
  const hardening::RunResult run = hardening::run_cli({"check", "--coverage", dir.path().string()});
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_NE(run.out.find("coverage: not computed: the candidate lists of the categories hold 30005000 rule "
                         "entries, over the budget of 20000000"),
            std::string::npos)
      << run.out.substr(0, 2000);
}

TEST(LintScale, CategoriesSharingTheirRulesAreCheckedOnce) {
  // 40,000 categories that only `*` rules match share one candidate list: the check reads it once and
  // still reports per category (one coverage hole each: no rule routes in cell y).
  std::string rules = R"({"format": "gridroute.rules/1", "categories": [)" + categories_json(40'000) + R"(], "rules": [)";
  for (int i = 0; i < 1000; ++i)
    rules += (i ? ", " : "") + (R"({"id": "r)" + std::to_string(i) + R"(", "scope": "x", "categories": ["*"], "route": ["resident_council"]})");
  rules += "]}";
  auto snap = load_rules(rules);
  ASSERT_TRUE(snap.ok()) << snap.status();
  std::size_t holes = 0;
  std::set<std::string> never;
  for (const auto& d : gridroute::lint(**snap, 1'000'000)) {
    EXPECT_EQ(d.message.find("lint budget"), std::string::npos) << d.to_string();
    if (d.message.starts_with("coverage hole: no rule routes category 'env.noise.c")) {
      ++holes;
      EXPECT_NE(d.message.find("' in 1 cell (y)"), std::string::npos) << d.message;
    }
  }
  EXPECT_EQ(holes, 40'000u);
  // r0 covers x unconditionally: r1..r999 never win.
  never = never_win(**snap);
  EXPECT_EQ(never.size(), 999u);
  EXPECT_FALSE(never.contains("r0"));
}

}  // namespace
