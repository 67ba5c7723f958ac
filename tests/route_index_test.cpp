// The fast routing paths agree with the plain one on random bundles: the scope index (which visits only
// candidates whose scope holds the cell) against the full candidate scan of an explained decision, and
// the batched call against one call per issue.
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "gridroute/engine.hpp"
#include "gridroute/jsonl.hpp"
#include "gridroute/time.hpp"
#include "base/hash.hpp"
#include "base/text.hpp"
#include "base/time.hpp"
#include "compile/index.hpp"
#include "fixture.hpp"
#include "decide/decide.hpp"
#include "io/fast_line.hpp"
#include "io/lines.hpp"
#include "io/parser.hpp"
#include "io/writer.hpp"

namespace {

using gridroute::Decision;
using gridroute::Issue;

struct RandomBundle {
  gridroute::BundleSources src;
  std::vector<std::string> cells;
  std::vector<std::string> codes;
};

// A random tree (town → communities → areas → cells, some communities without areas), handlers of a
// few roles scattered over it, and rules with random scopes, priorities, patterns and conditions.
RandomBundle make_bundle(unsigned seed) {
  std::mt19937 rng(seed);
  auto pick = [&](int n) { return static_cast<int>(rng() % static_cast<unsigned>(n)); };
  RandomBundle b;
  std::vector<std::string> units = {"town"};
  std::string jur = R"({"format": "gridroute.jurisdiction/1", "timezone": "Asia/Shanghai",
    "tiers": ["town", "community", "area", "cell"], "units": [{"id": "town", "tier": "town"})";
  const int communities = 3 + pick(5);
  for (int c = 0; c < communities; ++c) {
    std::string cid = "c" + std::to_string(c);
    jur += R"(, {"id": ")" + cid + R"(", "tier": "community", "parent": "town"})";
    units.push_back(cid);
    const int areas = pick(3);
    for (int a = 0; a < std::max(areas, 1); ++a) {
      std::string parent = cid;
      if (areas > 0) {
        parent = cid + "-a" + std::to_string(a);
        jur += R"(, {"id": ")" + parent + R"(", "tier": "area", "parent": ")" + cid + R"("})";
        units.push_back(parent);
      }
      const int cells = 1 + pick(4);
      for (int k = 0; k < cells; ++k) {
        std::string id = parent + "-" + std::to_string(k);
        jur += R"(, {"id": ")" + id + R"(", "tier": "cell", "parent": ")" + parent + R"("})";
        units.push_back(id);
        b.cells.push_back(id);
      }
    }
  }
  jur += R"(], "handlers": [)";
  const char* roles[] = {"resident_council", "property_manager", "enforcement_squad", "mediator"};
  const int handlers = 4 + pick(12);
  for (int h = 0; h < handlers; ++h) {
    if (h) jur += ", ";
    jur += R"({"id": "h)" + std::to_string(h) + R"(", "role": ")" + roles[pick(4)] + R"(", "serves": [")" +
           units[static_cast<std::size_t>(pick(static_cast<int>(units.size())))] + R"("]})";
  }
  jur += "]}";
  b.src.jurisdiction_json = jur;

  b.codes = {"env.noise.a", "env.noise.b", "env.green", "street.vending", "safety.ebike"};
  std::string rules = R"({"format": "gridroute.rules/1", "roles": ["mediator"],
    "attributes": {"severity": "number", "private": "bool"}, "categories": [)";
  for (std::size_t i = 0; i < b.codes.size(); ++i) rules += (i ? ", " : "") + (R"({"code": ")" + b.codes[i] + R"("})");
  rules += R"(], "rules": [)";
  const char* patterns[] = {"*", "env.*", "env.noise.*", "env.noise.a", "env.noise.b", "env.green", "street.vending",
                            "safety.*", "safety.ebike"};
  const char* conditions[] = {R"({"attr": "severity", "ge": 2})", R"({"attr": "private", "eq": true})",
                              R"({"not": {"attr": "severity", "lt": 1}})"};
  const int nrules = 5 + pick(40);
  for (int r = 0; r < nrules; ++r) {
    if (r) rules += ", ";
    rules += R"({"id": "r)" + std::to_string(r) + R"(", "priority": )" + std::to_string(pick(3)) + R"(, "categories": [")" +
             patterns[pick(9)] + "\"]";
    if (pick(3) > 0) rules += R"(, "scope": ")" + units[static_cast<std::size_t>(pick(static_cast<int>(units.size())))] + "\"";
    if (pick(3) == 0) rules += std::string(R"(, "when": )") + conditions[pick(3)];
    rules += R"(, "route": [")" + std::string(roles[pick(4)]) + "\"";
    if (pick(2) == 0) rules += R"(, ")" + std::string(roles[pick(4)]) + "\"";
    rules += "]}";
  }
  rules += "]}";
  b.src.rules_json = rules;
  return b;
}

// Random bundle `seed` into `b`, and its snapshot (null, the test failed, when it does not load).
std::shared_ptr<const gridroute::Snapshot> load_random(unsigned seed, RandomBundle& b) {
  b = make_bundle(seed);
  auto snap = gridroute::load_bundle(b.src);
  EXPECT_TRUE(snap.ok()) << "seed " << seed << ": " << snap.status();
  return snap.ok() ? *std::move(snap) : nullptr;
}

std::vector<Issue> make_issues(const RandomBundle& b, unsigned seed, std::size_t n) {
  std::mt19937 rng(seed);
  std::vector<Issue> issues(n);
  for (auto& is : issues) {
    is.id = "I";
    is.cell = b.cells[rng() % b.cells.size()];
    is.category = b.codes[rng() % b.codes.size()];
    is.at = 1'790'000'000 + static_cast<gridroute::Instant>(rng() % 1'000'000);
    if (rng() % 2) is.attrs.push_back({"severity", gridroute::AttrValue::number(static_cast<double>(rng() % 4))});
    if (rng() % 2) is.attrs.push_back({"private", gridroute::AttrValue::boolean(rng() % 2 == 0)});
  }
  // A few issues the batch must reject on their own, among routable ones.
  if (n > 10) {
    issues[3].cell = "no-such-cell";
    issues[7].category = "no.such.category";
    issues[9].cell = "town";
  }
  return issues;
}

void expect_same(const Decision& a, const Decision& b, const std::string& where) {
  EXPECT_EQ(a.status, b.status) << where;
  EXPECT_EQ(a.rule, b.rule) << where;
  EXPECT_EQ(a.role, b.role) << where;
  EXPECT_EQ(a.handler, b.handler) << where;
  EXPECT_EQ(a.unit, b.unit) << where;
  EXPECT_EQ(a.level, b.level) << where;
  EXPECT_EQ(a.respond_by, b.respond_by) << where;
  EXPECT_EQ(a.resolve_by, b.resolve_by) << where;
  EXPECT_EQ(a.message, b.message) << where;
  EXPECT_EQ(std::vector<int>(a.assist.begin(), a.assist.end()), std::vector<int>(b.assist.begin(), b.assist.end()))
      << where;
  EXPECT_EQ(std::vector<int>(a.alternates.begin(), a.alternates.end()),
            std::vector<int>(b.alternates.begin(), b.alternates.end()))
      << where;
}

void expect_same(const gridroute::Action& a, const gridroute::Action& b, const std::string& where) {
  EXPECT_EQ(a.kind, b.kind) << where;
  EXPECT_EQ(a.rule, b.rule) << where;
  EXPECT_EQ(a.handler, b.handler) << where;
  EXPECT_EQ(a.unit, b.unit) << where;
  EXPECT_EQ(a.level, b.level) << where;
  EXPECT_EQ(a.respond_by, b.respond_by) << where;
  EXPECT_EQ(a.resolve_by, b.resolve_by) << where;
  EXPECT_EQ(a.error, b.error) << where;
}

// A handler's units, each once, in the order its list first names them: a short list is searched, a long
// one marked by unit (a search of the list so far at each entry made a district's 200,000 cells on one
// row take 11 s to load).
TEST(RouteIndex, AHandlersUnitsAreKeptOnceInTheirFirstOrder) {
  for (const int repeats : {2, 12}) {
    std::string serves;
    for (int k = 0; k < repeats; ++k) serves += R"("c2", "c1", )";
    serves += R"("c1-a-01")";
    const std::string handlers = R"([{"id": "h-long", "role": "resident_council", "serves": [)" + serves + "]}]";
    auto snap = gridroute::load_bundle(fixture::sources(fixture::town(handlers), R"({"format": "gridroute.rules/1",
      "calendars": [{"id": "gov", "weekdays": [1, 2, 3, 4, 5], "hours": [["09:00", "17:00"]]}],
      "defaults": {"calendar": "gov", "sla": {"respond": "2h", "resolve": "2d"}},
      "rules": [{"id": "r", "categories": ["a.*"], "route": ["resident_council"]}]})"));
    ASSERT_TRUE(snap.ok()) << snap.status();
    const gridroute::detail::Index& ix = (*snap)->index();
    const gridroute::HandlerId h = ix.find_handler("h-long");
    ASSERT_NE(h, gridroute::kNone);
    std::vector<std::string> units;
    for (gridroute::UnitId u : ix.serves_of(h)) units.emplace_back(ix.unit_id(u));
    EXPECT_EQ(units, (std::vector<std::string>{"c2", "c1", "c1-a-01"})) << repeats;
  }
}

// A route reference of a role no handler has never resolves: the keys a rule tries leave it out (a rule
// of thousands of them cost each issue a walk for each), and the answers, trace included, are those of
// every reference tried.
TEST(RouteIndex, ReferencesOfRolesNoHandlerHasAreNotTried) {
  const std::string handlers = R"([{"id": "council", "role": "resident_council", "serves": ["c1"]},
                                   {"id": "pm", "role": "property_manager", "serves": ["c1-a-01"]}])";
  auto snap = gridroute::load_bundle(fixture::sources(fixture::town(handlers), R"({"format": "gridroute.rules/1",
    "roles": ["mediator"],
    "calendars": [{"id": "gov", "weekdays": [1, 2, 3, 4, 5], "hours": [["09:00", "17:00"]]}],
    "defaults": {"calendar": "gov", "sla": {"respond": "2h", "resolve": "2d"}},
    "rules": [{"id": "none", "priority": 9, "categories": ["a.*"], "route": ["mediator", {"role": "partner_department", "department": "police"}]},
              {"id": "some", "priority": 5, "categories": ["a.*"], "route": ["mediator", "property_manager", "mediator", "resident_council"]}]})"));
  ASSERT_TRUE(snap.ok()) << snap.status();
  const gridroute::detail::Index& ix = (*snap)->index();
  const gridroute::RuleId none = ix.find_rule("none"), some = ix.find_rule("some");
  ASSERT_NE(none, gridroute::kNone);
  EXPECT_EQ(ix.rule_hot[static_cast<std::size_t>(none)].route_count, 0u);
  EXPECT_EQ(ix.rule_hot[static_cast<std::size_t>(some)].route_count, 2u);
  EXPECT_EQ(ix.rules[static_cast<std::size_t>(some)].route.size(), 4u);  // the rule itself keeps all four
  gridroute::LineCodec codec(*snap, {.explain = true});
  std::string out;
  codec.route_line(R"({"id": "1", "category": "a.b", "cell": "c1-a-01", "at": "2026-11-18T10:00:00+08:00"})", out);
  EXPECT_NE(out.find(R"("rule": "some", "role": "property_manager", "handler": "pm")"), std::string::npos) << out;
  // `none` lost, its route resolving nobody, and its trace names every reference it has.
  EXPECT_NE(out.find(R"("tried": ["mediator", "partner_department/police"])"), std::string::npos) << out;
  out.clear();
  codec.route_line(R"({"id": "2", "category": "a.b", "cell": "c1-b-01", "at": "2026-11-18T10:00:00+08:00"})", out);
  EXPECT_NE(out.find(R"("rule": "some", "role": "resident_council", "handler": "council")"), std::string::npos) << out;
}

TEST(RouteIndex, ScopeIndexAgreesWithFullScanOnRandomBundles) {
  std::size_t routed = 0, unrouted = 0;
  for (unsigned seed = 1; seed <= 60; ++seed) {
    RandomBundle b = make_bundle(seed);
    auto snap = gridroute::load_bundle(b.src);
    ASSERT_TRUE(snap.ok()) << "seed " << seed << ": " << snap.status();
    for (const Issue& is : make_issues(b, seed * 7919, 300)) {
      Decision fast = (*snap)->route(is, false);
      Decision full = (*snap)->route(is, true);  // explain walks every candidate in order
      expect_same(fast, full, "seed " + std::to_string(seed) + " cell " + std::string(is.cell) + " category " +
                                  std::string(is.category));
      routed += fast.status == Decision::Status::routed;
      unrouted += fast.status == Decision::Status::unrouted;
    }
  }
  // The random bundles exercise both outcomes.
  EXPECT_GT(routed, 1000u);
  EXPECT_GT(unrouted, 100u);
}

// Each unit's record carries a bit per role key it serves, and resolution passes a unit whose bits lack
// the key it looks for without reading its entries. With up to 32 role keys each key has a bit of its
// own; beyond, keys share bits and such a unit's entries are read. Either way, every resolution from
// every unit finds what a walk up the parents reading every entry finds.
TEST(RouteIndex, ResolutionFindsWhatAWalkReadingEveryEntryFinds) {
  for (int roles : {5, 32, 33, 70}) {
    for (unsigned seed = 1; seed <= 4; ++seed) {
      std::mt19937 rng(seed * 131 + static_cast<unsigned>(roles));
      auto pick = [&](std::size_t n) { return static_cast<std::size_t>(rng() % n); };
      std::vector<std::string> units = {"town"};
      std::string jur = R"({"format": "gridroute.jurisdiction/1", "timezone": "Asia/Shanghai",
        "tiers": ["town", "community", "area", "cell"], "units": [{"id": "town", "tier": "town"})";
      for (int c = 0; c < 5; ++c) {
        const std::string cid = "c" + std::to_string(c);
        jur += R"(, {"id": ")" + cid + R"(", "tier": "community", "parent": "town"})";
        units.push_back(cid);
        for (int a = 0; a < 2; ++a) {
          const std::string aid = cid + "-a" + std::to_string(a);
          jur += R"(, {"id": ")" + aid + R"(", "tier": "area", "parent": ")" + cid + R"("})";
          units.push_back(aid);
          for (int k = 0; k < 3; ++k) {
            const std::string id = aid + "-" + std::to_string(k);
            jur += R"(, {"id": ")" + id + R"(", "tier": "cell", "parent": ")" + aid + R"("})";
            units.push_back(id);
          }
        }
      }
      jur += R"(], "handlers": [)";
      // Every role served somewhere, most several times, some units by many roles, others by none.
      const std::size_t handlers = static_cast<std::size_t>(roles) * 3;
      for (std::size_t h = 0; h < handlers; ++h) {
        const std::size_t role = h < static_cast<std::size_t>(roles) ? h : pick(static_cast<std::size_t>(roles));
        jur += (h ? ", " : "") + (R"({"id": "h)" + std::to_string(h) + R"(", "role": "r)" + std::to_string(role) +
                                  R"(", "serves": [")" + units[pick(units.size())] + R"("]})");
      }
      jur += "]}";
      std::string rules = R"({"format": "gridroute.rules/1", "roles": [)";
      for (int r = 0; r < roles; ++r) rules += (r ? ", \"r" : "\"r") + std::to_string(r) + "\"";
      rules += R"(], "rules": [{"id": "any", "categories": ["*"], "route": ["r0"]}]})";
      gridroute::BundleSources src;
      src.jurisdiction_json = jur;
      src.rules_json = rules;
      auto snap = gridroute::load_bundle(src);
      ASSERT_TRUE(snap.ok()) << roles << " roles, seed " << seed << ": " << snap.status();
      const gridroute::detail::Index& s = (*snap)->index();
      ASSERT_EQ(s.role_keys.size(), static_cast<std::size_t>(roles));
      std::size_t found = 0, passed_by_bits = 0;
      for (gridroute::UnitId start = 0; start < static_cast<gridroute::UnitId>(s.unit_count()); ++start) {
        for (gridroute::RoleKeyId k = 0; k < static_cast<gridroute::RoleKeyId>(roles); ++k) {
          gridroute::UnitId unit = gridroute::kNone;
          gridroute::HandlerId owner = gridroute::kNone;
          for (gridroute::UnitId u = start; u != gridroute::kNone && unit == gridroute::kNone;
               u = s.hot[static_cast<std::size_t>(u)].parent) {
            const auto& h = s.hot[static_cast<std::size_t>(u)];
            passed_by_bits += h.served_count > 0 && (h.served_keys & gridroute::detail::Index::key_bit(k)) == 0;
            for (std::uint32_t i = h.served_begin; i < h.served_begin + h.served_count; ++i)
              if (s.served[i].key == k) {
                unit = u;
                owner = s.served[i].owner;
                break;
              }
          }
          const gridroute::detail::Resolution r = s.resolve(k, start);
          EXPECT_EQ(r.unit, unit) << roles << " roles, seed " << seed << ", from " << s.unit_id(start) << ", key " << k;
          EXPECT_EQ(r.owner, owner) << roles << " roles, seed " << seed << ", from " << s.unit_id(start) << ", key " << k;
          found += unit != gridroute::kNone;
        }
      }
      EXPECT_GT(found, 0u);
      EXPECT_GT(passed_by_bits, 0u) << "no unit served others' keys only";
    }
  }
}

TEST(RouteIndex, BatchAnswersEachIssueAsOneCallWould) {
  for (unsigned seed = 100; seed < 120; ++seed) {
    RandomBundle b = make_bundle(seed);
    auto snap = gridroute::load_bundle(b.src);
    ASSERT_TRUE(snap.ok()) << snap.status();
    // Sizes around the prefetch group (64, whose issues are prepared together and their scope searches
    // run side by side) and the part of four groups whose cells are found first: empty, partial, exact
    // and ragged tails.
    for (std::size_t n : {0u, 1u, 15u, 16u, 17u, 31u, 32u, 33u, 63u, 64u, 65u, 255u, 256u, 257u, 333u}) {
      std::vector<Issue> issues = make_issues(b, seed + static_cast<unsigned>(n), n);
      for (bool explain : {false, true}) {
        std::vector<Decision> out(n);
        (*snap)->route_batch(issues, out, explain);
        for (std::size_t i = 0; i < n; ++i) {
          Decision one = (*snap)->route(issues[i], explain);
          expect_same(out[i], one, "seed " + std::to_string(seed) + " n " + std::to_string(n) + " i " + std::to_string(i));
          EXPECT_EQ(out[i].trace.size(), one.trace.size());
        }
        if (n > 10) {
          EXPECT_EQ(out[3].status, Decision::Status::rejected);
          EXPECT_EQ(out[3].message, "unknown cell 'no-such-cell'");
        }
      }
    }
  }
}

// route_batch finds the cells of a part of 256 issues by id before routing them by number. Issues it
// must not find, or must find otherwise, sit at the edges of the groups and parts and in between: their
// answers (and everyone else's) are those of one call each.
TEST(RouteIndex, ABatchFindsItsCellsAPartAheadAndAnswersEachAsOneCall) {
  for (unsigned seed = 700; seed < 706; ++seed) {
    RandomBundle b;
    const auto snap = load_random(seed, b);
    ASSERT_NE(snap, nullptr);
    std::vector<Issue> issues = make_issues(b, seed, 700);
    const std::string real = b.cells[seed % b.cells.size()];
    // A slot that leads "no-such-cell" to a real cell, as a slot of a compiled file overwritten in place
    // can: found by its slot, the id is still compared, and the issue is refused as one call refuses it.
    const gridroute::detail::Index& ix = snap->index();
    const std::uint64_t h = gridroute::detail::UnitIndex::hash("no-such-cell");
    auto* slot = static_cast<std::uint64_t*>(const_cast<void*>(ix.unit_index.slot_address(h)));
    const gridroute::UnitId real_unit = ix.find_unit(real);
    *slot = (h & (~std::uint64_t{0} << 32)) | static_cast<std::uint32_t>(real_unit);
    ASSERT_EQ(ix.unit_index.first_match(h), real_unit);
    const std::string near = real.substr(0, real.size() - 1) + (real.back() == 'x' ? "y" : "x");
    const std::string with_nul = real + std::string(1, '\0');
    const std::string long_id(40, 'c');
    const std::string not_utf8 = real + "\xff";
    std::mt19937 rng(seed);
    std::size_t bad = 0;
    for (std::size_t at : {0u, 63u, 64u, 127u, 128u, 255u, 256u, 257u, 300u, 511u, 512u, 513u, 699u}) {
      for (std::size_t k = 0; k < 2; ++k) {
        const std::size_t i = k == 0 ? at : rng() % issues.size();
        Issue& is = issues[i];
        switch ((at + k + seed) % 8) {
          case 0: is.cell = "no-such-cell"; break;
          case 1: is.cell = "town"; break;  // a unit, not a cell
          case 2: is.cell = near; break;
          case 3: is.cell = with_nul; break;
          case 4: is.cell = long_id; break;
          case 5: is.cell = not_utf8; break;
          case 6: is.cell = {}; break;  // neither a cell nor a location
          case 7: is.cell = {}; is.has_location = true; is.lon = 121.5; is.lat = 31.2; break;  // no polygons
        }
        ++bad;
      }
    }
    for (bool explain : {false, true}) {
      std::vector<Decision> out(issues.size());
      snap->route_batch(issues, out, explain);
      std::size_t rejected = 0;
      for (std::size_t i = 0; i < issues.size(); ++i) {
        const Decision one = snap->route(issues[i], explain);
        const std::string where = "seed " + std::to_string(seed) + " issue " + std::to_string(i) + " cell '" +
                                  std::string(issues[i].cell) + "'";
        expect_same(out[i], one, where);
        EXPECT_EQ(out[i].cell, one.cell) << where;
        EXPECT_EQ(out[i].located, one.located) << where;
        rejected += out[i].status == Decision::Status::rejected;
        if (issues[i].cell == "no-such-cell") {
          EXPECT_EQ(out[i].status, Decision::Status::rejected) << where;
          EXPECT_EQ(out[i].message, "unknown cell 'no-such-cell'") << where;
        }
      }
      EXPECT_GE(rejected, bad / 2) << "seed " << seed;
      EXPECT_LT(rejected, issues.size() / 2) << "seed " << seed;
    }
  }
}

// What one call by cell id answers when the id's hash leads to another unit. One call decides the unit
// of the id's index slot before it compares the id (the lines of the comparison arrive meanwhile), and
// decides again as before when that unit is not the id's. `answer(index, i, issue, hash, where)` is
// asked for the issues of twenty random bundles from `first_seed`, each with the hash of another cell's
// id (sometimes the issue's own), and compares the call with the one without that shortcut (explained);
// it returns whether the issue was rejected, and why. Where the hash is another cell's and nothing else
// rejects the issue, the cell is not found.
struct Outcome {
  bool rejected = false;
  std::string message;
};
template <class Answer>
void answer_with_another_cells_hash(unsigned first_seed, Answer&& answer) {
  std::size_t wrong = 0, right = 0;
  for (unsigned seed = first_seed; seed < first_seed + 20; ++seed) {
    RandomBundle b;
    const auto snap = load_random(seed, b);
    ASSERT_NE(snap, nullptr);
    const gridroute::detail::Index& ix = snap->index();
    const std::vector<Issue> issues = make_issues(b, seed, 120);
    for (std::size_t i = 0; i < issues.size(); ++i) {
      const Issue& is = issues[i];
      const std::string& other = b.cells[(i * 7 + seed) % b.cells.size()];
      const std::string where = "seed " + std::to_string(seed) + " issue " + std::to_string(i) + " cell " +
                                std::string(is.cell) + " hashed as " + other;
      const Outcome o = answer(ix, i, is, gridroute::detail::UnitIndex::hash(other), where);
      if (other == is.cell) {
        right += !o.rejected;
      } else if (ix.find_unit(is.cell) >= 0 && ix.category_index.contains(is.category)) {
        EXPECT_TRUE(o.rejected) << where;
        EXPECT_EQ(o.message, "unknown cell '" + std::string(is.cell) + "'") << where;
        ++wrong;
      }
    }
  }
  EXPECT_GT(wrong, 1000u);
  EXPECT_GT(right, 50u);
}

TEST(RouteIndex, OneCallByIdAnswersOnlyForTheUnitWhoseIdItCompared) {
  answer_with_another_cells_hash(400, [](const gridroute::detail::Index& ix, std::size_t, const Issue& is,
                                         std::uint64_t h, const std::string& where) {
    Decision fast, plain;
    gridroute::detail::route_into(ix, is, false, h, fast);
    gridroute::detail::route_into(ix, is, true, h, plain);
    expect_same(fast, plain, where);
    return Outcome{fast.status == Decision::Status::rejected, fast.message};
  });
}

// The same for one case (escalate), pinned to a rule or not.
TEST(RouteIndex, OneCaseByIdAnswersOnlyForTheUnitWhoseIdItCompared) {
  const gridroute::Instant now = 1'790'500'000'000'000;
  answer_with_another_cells_hash(500, [&](const gridroute::detail::Index& ix, std::size_t i, const Issue& is,
                                          std::uint64_t h, const std::string& where) {
    gridroute::Case c;
    c.issue = is;
    c.level_started_at = is.at;
    if (i % 3 == 1) c.rule = "r0";  // pinned to a rule (selected again where it resolves nobody)
    const gridroute::Action fast = gridroute::detail::escalate(ix, c, now, h, false);
    const gridroute::Action plain = gridroute::detail::escalate(ix, c, now, h, true);
    expect_same(fast, plain, where);
    return Outcome{fast.kind == gridroute::Action::Kind::rejected, fast.error};
  });
}

// A sweep (whose cases' scope searches run side by side before each case selects its rule again) and the
// JSON Lines codec's escalation give each case the action one call to escalate gives it, on random
// bundles whose scopes nest: unpinned cases at level 0, pinned ones, and the batch's rejected lines.
TEST(RouteIndex, SweepAndCodecEscalateEachCaseAsOneCallWould) {
  RandomBundle b;  // each seed's, in turn
  std::size_t compared = 0;
  for (unsigned seed = 300; seed < 320; ++seed) {
    const auto snap = load_random(seed, b);
    ASSERT_NE(snap, nullptr);
    const std::vector<Issue> issues = make_issues(b, seed, 333);
    std::vector<gridroute::Case> cases(issues.size());
    std::string lines;
    for (std::size_t i = 0; i < issues.size(); ++i) {
      cases[i].issue = issues[i];
      cases[i].level_started_at = issues[i].at;
      if (i % 7 == 3) cases[i].rule = "r0";  // pinned (SPEC §6.1), and not routed again
      std::string line = R"({"id": "c)" + std::to_string(i) + R"(", "category": ")" + std::string(issues[i].category) +
                         R"(", "cell": ")" + std::string(issues[i].cell) + R"(", "at": ")" +
                         *gridroute::format_rfc3339(issues[i].at, "UTC") + "\"";
      if (cases[i].rule) line += R"(, "rule": "r0")";
      lines += line + "}\n";
    }
    const gridroute::Instant now = 1'790'500'000'000'000;
    std::vector<gridroute::Action> swept;
    snap->sweep(cases, now, swept);
    gridroute::LineCodec codec(snap);
    std::string coded;
    codec.escalate_text(lines, now, coded);
    std::string one_by_one;
    std::size_t at = 0;
    for (std::size_t i = 0; i < cases.size(); ++i) {
      const gridroute::Action one = snap->escalate(cases[i], now);
      const std::string where = "seed " + std::to_string(seed) + " case " + std::to_string(i);
      expect_same(swept[i], one, where);
      const std::size_t eol = lines.find('\n', at);
      codec.escalate_line(std::string_view(lines).substr(at, eol - at), now, one_by_one);
      one_by_one += '\n';
      at = eol + 1;
      ++compared;
    }
    EXPECT_EQ(coded, one_by_one) << "seed " << seed;
  }
  EXPECT_EQ(compared, 20u * 333u);
}

// A cell given by its number answers as the same cell given by its id, one call at a time and in a
// batch, explained or not; the issue's cell text is not read at all (here it names another cell, or
// nothing). A number that is not a cell of the snapshot is rejected on its own line of the batch.
TEST(RouteIndex, CellsByNumberAnswerAsTheirIds) {
  std::size_t compared = 0;
  for (unsigned seed = 200; seed < 230; ++seed) {
    RandomBundle b;
    const auto snap = load_random(seed, b);
    ASSERT_NE(snap, nullptr);
    const gridroute::Snapshot& s = *snap;
    for (std::size_t n : {0u, 1u, 31u, 32u, 33u, 300u}) {
      std::vector<Issue> by_id = make_issues(b, seed * 31 + static_cast<unsigned>(n), n);
      std::vector<Issue> by_number = by_id;
      std::vector<gridroute::UnitId> cells(n);
      for (std::size_t i = 0; i < n; ++i) {
        cells[i] = s.find_unit(by_id[i].cell);
        // What the number replaces is never read: the text names nothing, or another cell.
        by_number[i].cell = i % 2 ? std::string_view() : std::string_view(b.cells[(i * 7) % b.cells.size()]);
      }
      for (bool explain : {false, true}) {
        std::vector<Decision> out(n);
        s.route_batch_in_cells(by_number, cells, out, explain);
        for (std::size_t i = 0; i < n; ++i) {
          const std::string where = "seed " + std::to_string(seed) + " n " + std::to_string(n) + " i " + std::to_string(i);
          Decision one = s.route_in_cell(by_number[i], cells[i], explain);
          expect_same(out[i], one, where);
          EXPECT_EQ(out[i].cell, one.cell) << where;
          if (cells[i] == gridroute::kNone) continue;  // "no-such-cell": its id was never found
          Decision ref = s.route(by_id[i], explain);
          expect_same(one, ref, where);
          EXPECT_EQ(one.cell, ref.cell) << where;
          EXPECT_EQ(one.trace.size(), ref.trace.size()) << where;
          ++compared;
        }
        if (n > 10) {
          EXPECT_EQ(out[3].status, Decision::Status::rejected);
          EXPECT_EQ(out[3].message,
                    "no cell: the cell number is -1, which stands for an id the bundle does not have");
          EXPECT_EQ(out[9].message, "unit 'town' is not a cell (tier 'town')");
          EXPECT_EQ(out[7].message, "unknown category 'no.such.category'");
        }
      }
    }
    // Past the last unit, and far past it: rejected, never read.
    Issue is = make_issues(b, seed, 1)[0];
    for (gridroute::UnitId bad : {static_cast<gridroute::UnitId>(s.unit_count()), gridroute::UnitId{1} << 30,
                                  gridroute::UnitId{-2}, std::numeric_limits<gridroute::UnitId>::min()}) {
      Decision d = s.route_in_cell(is, bad);
      EXPECT_EQ(d.status, Decision::Status::rejected);
      EXPECT_EQ(d.message, "cell number " + std::to_string(bad) + " is not a unit of this snapshot (it has " +
                               std::to_string(s.unit_count()) + " units): give the number of a cell of this bundle");
    }
  }
  EXPECT_GT(compared, 20000u);
}

// An issue that gives a location is routed in the cell whose number is given; the location is not
// looked up (the bundle here has no polygons, which would reject it by id).
TEST(RouteIndex, ACellByNumberIsUsedInsteadOfALocation) {
  RandomBundle b = make_bundle(7);
  auto snap = gridroute::load_bundle(b.src);
  ASSERT_TRUE(snap.ok()) << snap.status();
  Issue is = make_issues(b, 7, 1)[0];
  const gridroute::UnitId cell = (*snap)->find_unit(is.cell);
  Decision ref = (*snap)->route(is);
  is.cell = {};
  is.has_location = true;
  is.lon = 120.1;
  is.lat = 30.2;
  EXPECT_EQ((*snap)->route(is).status, Decision::Status::rejected);
  Decision d = (*snap)->route_in_cell(is, cell);
  expect_same(d, ref, "located");
  EXPECT_FALSE(d.located);
  EXPECT_EQ(d.cell, cell);
}

// Attribute names that share a slot of the direct table ("a_b" and "bx_") fall back to the hash index:
// each still reaches its own condition.
TEST(RouteIndex, AttributeNamesThatShareASlotStayApart) {
  ASSERT_EQ(gridroute::detail::Index::attr_slot_of("a_b"), gridroute::detail::Index::attr_slot_of("bx_"));
  gridroute::BundleSources src;
  src.jurisdiction_json = R"({"format": "gridroute.jurisdiction/1", "timezone": "Asia/Shanghai",
    "tiers": ["community", "area", "cell"], "units": [{"id": "t", "tier": "community"}, {"id": "c", "tier": "cell", "parent": "t"}],
    "handlers": [{"id": "pm", "role": "property_manager", "serves": ["t"]},
                 {"id": "rc", "role": "resident_council", "serves": ["t"]},
                 {"id": "sq", "role": "enforcement_squad", "serves": ["t"]}]})";
  src.rules_json = R"({"format": "gridroute.rules/1", "attributes": {"a_b": "number", "bx_": "string"},
    "rules": [{"id": "by-a", "priority": 2, "categories": ["*"], "when": {"attr": "a_b", "eq": 1}, "route": ["property_manager"]},
              {"id": "by-b", "priority": 1, "categories": ["*"], "when": {"attr": "bx_", "eq": "x"}, "route": ["resident_council"]},
              {"id": "rest", "categories": ["*"], "route": ["enforcement_squad"]}]})";
  auto snap = gridroute::load_bundle(src);
  ASSERT_TRUE(snap.ok()) << snap.status();
  const gridroute::Snapshot& s = **snap;
  EXPECT_FALSE(s.index().attr_slot_direct);
  auto owner = [&](std::vector<std::pair<std::string_view, gridroute::AttrValue>> attrs) -> std::string {
    Issue is;
    is.id = "I";
    is.cell = "c";
    is.at = *gridroute::parse_rfc3339("2026-11-20T09:15:00+08:00");
    is.category = "any.thing";
    is.attrs = std::move(attrs);
    Decision d = s.route(is);
    return d.status == Decision::Status::routed ? std::string(s.handler_id(d.handler)) : "(" + d.message + ")";
  };
  EXPECT_EQ(owner({{"a_b", gridroute::AttrValue::number(1)}}), "pm");
  EXPECT_EQ(owner({{"bx_", gridroute::AttrValue::string("x")}}), "rc");
  EXPECT_EQ(owner({{"bx_", gridroute::AttrValue::string("y")}, {"a_b", gridroute::AttrValue::number(2)}}), "sq");
  // The declared type is checked per name.
  EXPECT_EQ(owner({{"bx_", gridroute::AttrValue::number(1)}}), "(attribute 'bx_' must be string, got 1)");
  EXPECT_EQ(owner({{"a_c", gridroute::AttrValue::number(1)}}), "sq");  // undeclared: ignored
}

// Each declared name is found by its whole text, whatever its length: the direct table keeps names of up
// to 24 bytes in its slot and reads longer ones from the names, so a name that shares a longer one's
// first 24 bytes, or differs only in its middle, is not it. The value types and `severity` come from the
// same slot; a compiled file, which derives the slots again on open, answers the same.
TEST(RouteIndex, AttributeNamesOfAnyLengthAreFoundByTheirWholeText) {
  const std::string long_name = "households_of_the_whole_building";  // 32 bytes
  const std::string edge_name = "exactly_twenty_four_byte";          // 24 bytes
  ASSERT_EQ(edge_name.size(), gridroute::detail::Index::AttrCheck::kInline);
  gridroute::BundleSources src;
  src.jurisdiction_json = R"({"format": "gridroute.jurisdiction/1", "timezone": "Asia/Shanghai",
    "tiers": ["community", "area", "cell"], "units": [{"id": "t", "tier": "community"}, {"id": "c", "tier": "cell", "parent": "t"}],
    "handlers": [{"id": "pm", "role": "property_manager", "serves": ["t"]}]})";
  src.rules_json = R"({"format": "gridroute.rules/1", "attributes": {")" + long_name + R"(": "number", ")" + edge_name +
                   R"(": "bool", "channel": "string", "severity": "number"},
    "rules": [{"id": "all", "categories": ["*"], "route": ["property_manager"]}]})";
  auto dir = gridroute::load_bundle(src);
  ASSERT_TRUE(dir.ok()) << dir.status();
  const std::string file = ::testing::TempDir() + "attr-names-" + std::to_string(::getpid()) + ".grb";
  ASSERT_TRUE(gridroute::write_compiled(**dir, file).ok());
  auto compiled = gridroute::load_bundle(file);
  std::remove(file.c_str());
  ASSERT_TRUE(compiled.ok()) << compiled.status();
  for (const auto& [how, snap] : {std::pair{"directory", *dir}, std::pair{"compiled file", *compiled}}) {
    SCOPED_TRACE(how);
    const gridroute::detail::Index& x = snap->index();
    ASSERT_TRUE(x.attr_slot_direct);
    std::string wrong_middle = long_name;
    wrong_middle[12] = 'X';
    const std::string long_prefix = long_name.substr(0, 24), longer = long_name + "s", edge_prefix = edge_name.substr(0, 23);
    Issue is;
    is.id = "I";
    is.cell = "c";
    is.category = "any.thing";
    is.at = *gridroute::parse_rfc3339("2026-11-20T09:15:00+08:00");
    is.attrs = {{long_name, gridroute::AttrValue::number(7)},
                {edge_name, gridroute::AttrValue::boolean(true)},
                {"channel", gridroute::AttrValue::string("walk_in")},
                {"severity", gridroute::AttrValue::number(4)},
                {long_prefix, gridroute::AttrValue::string("not declared")},
                {longer, gridroute::AttrValue::string("not declared")},
                {wrong_middle, gridroute::AttrValue::string("not declared")},
                {edge_prefix, gridroute::AttrValue::string("not declared")}};
    gridroute::detail::PreparedIssue p;
    std::string error;
    ASSERT_TRUE(gridroute::detail::prepare(x, is, p, error, gridroute::detail::UnitIndex::hash(is.cell), true,
                                           gridroute::detail::kNotLocated, nullptr))
        << error;
    EXPECT_EQ(p.attr(x.find_attr(long_name)).num, 7);
    EXPECT_TRUE(p.attr(x.find_attr(edge_name)).b);
    EXPECT_EQ(p.attr(x.find_attr("channel")).str, "walk_in");
    EXPECT_TRUE(p.has_severity);
    EXPECT_EQ(p.severity, 4);
    // The declared type is the long name's own.
    is.attrs = {{long_name, gridroute::AttrValue::string("7")}};
    EXPECT_EQ(snap->route(is).message, "attribute '" + long_name + "' must be number, got \"7\"");
    is.attrs = {{edge_name, gridroute::AttrValue::number(1)}};
    EXPECT_EQ(snap->route(is).message, "attribute '" + edge_name + "' must be bool, got 1");
    // A number past a double's range (1e400) for a declared bool is a value of the wrong type, and a
    // declared number's own must be finite.
    is.attrs = {{edge_name, gridroute::AttrValue::number(std::numeric_limits<double>::infinity())}};
    EXPECT_EQ(snap->route(is).message, "attribute '" + edge_name + "' must be bool, got Infinity");
    is.attrs = {{long_name, gridroute::AttrValue::number(-std::numeric_limits<double>::infinity())}};
    EXPECT_EQ(snap->route(is).message,
              "attribute '" + long_name + "' must be a finite number (within double range), got -Infinity");
    // Undeclared names of the same length as a declared one, and a severity not given, leave it unset.
    is.attrs = {{wrong_middle, gridroute::AttrValue::number(1)}};
    ASSERT_TRUE(gridroute::detail::prepare(x, is, p, error, gridroute::detail::UnitIndex::hash(is.cell), true,
                                           gridroute::detail::kNotLocated, nullptr));
    EXPECT_FALSE(p.has_severity);
    EXPECT_EQ(p.attr(x.find_attr(long_name)).type, gridroute::AttrValue::Type::missing);
  }
}

// The text of an issue's category and attributes is checked where they are looked up (a known category
// or a declared name is the bundle's own text), yet the first error is the one the checks in field order
// give: the category's text, then each attribute's text, then an attribute's type, then the category
// being unknown. One call, one call by cell number and a batch say the same.
TEST(RouteIndex, TextIsCheckedInFieldOrderWhereverItIsRead) {
  gridroute::BundleSources src;
  src.jurisdiction_json = R"({"format": "gridroute.jurisdiction/1", "timezone": "Asia/Shanghai",
    "tiers": ["community", "area", "cell"], "units": [{"id": "t", "tier": "community"}, {"id": "c", "tier": "cell", "parent": "t"}],
    "handlers": [{"id": "pm", "role": "property_manager", "serves": ["t"]}]})";
  src.rules_json = R"({"format": "gridroute.rules/1", "attributes": {"floors": "number", "kind": "string"},
    "categories": [{"code": "env.noise"}, {"code": "env.dust"}],
    "rules": [{"id": "all", "categories": ["*"], "route": ["property_manager"]}]})";
  auto snap = gridroute::load_bundle(src);
  ASSERT_TRUE(snap.ok()) << snap.status();
  const gridroute::Snapshot& s = **snap;
  using A = gridroute::AttrValue;
  const std::string bad = "\xC0\xAF";  // an overlong '/': not UTF-8
  auto says = [&](std::string_view category, std::vector<std::pair<std::string_view, A>> attrs) {
    Issue is;
    is.id = "I";
    is.cell = "c";
    is.at = *gridroute::parse_rfc3339("2026-11-20T09:15:00+08:00");
    is.category = category;
    is.attrs = std::move(attrs);
    const Decision one = s.route(is);
    const Decision by_number = s.route_in_cell(is, s.find_unit("c"));
    std::vector<Issue> batch(3, is);
    std::vector<Decision> out(3);
    s.route_batch(batch, out);
    const std::string said = one.status == Decision::Status::routed ? "routed" : one.message;
    EXPECT_EQ(by_number.status == Decision::Status::routed ? "routed" : by_number.message, said) << said;
    for (const Decision& d : out) EXPECT_EQ(d.status == Decision::Status::routed ? "routed" : d.message, said) << said;
    return said;
  };
  EXPECT_EQ(says("env.noise", {{"floors", A::number(3)}, {"kind", A::string("x")}}), "routed");
  // Undeclared names and string values that are UTF-8 but not ASCII are read, and pass.
  EXPECT_EQ(says("env.noise", {{"楼层", A::number(3)}, {"kind", A::string("高音喇叭")}, {"备注", A::string("夜间")}}),
            "routed");
  EXPECT_EQ(says("env.噪声", {}), "unknown category 'env.噪声'");
  // The category's text comes first, then each attribute's in order, then the other errors.
  EXPECT_EQ(says("env." + bad, {{bad, A::number(1)}}), "invalid UTF-8 in field 'category'");
  EXPECT_EQ(says("no.such", {{"floors", A::number(1)}, {"z" + bad, A::number(1)}}), "invalid UTF-8 in an attribute name");
  EXPECT_EQ(says("env.noise", {{"floors", A::string("three")}, {"z" + bad, A::number(1)}}),
            "invalid UTF-8 in an attribute name");
  EXPECT_EQ(says("env.noise", {{"floors", A::number(std::numeric_limits<double>::infinity())}, {"note", A::string(bad)}}),
            "invalid UTF-8 in attribute 'note'");
  EXPECT_EQ(says("env.noise", {{"kind", A::string(bad)}}), "invalid UTF-8 in attribute 'kind'");
  EXPECT_EQ(says("env.noise", {{"floors", A::string("three")}}), "attribute 'floors' must be number, got \"three\"");
  EXPECT_EQ(says("no.such", {{"floors", A::string("three")}}), "attribute 'floors' must be number, got \"three\"");
  EXPECT_EQ(says("no.such", {{"note", A::string("fine")}}), "unknown category 'no.such'");
}

// The categories are found through a table of slots by the codes' hash; a taxonomy whose codes crowd
// one run of slots past its bound is answered by the map instead, with the same categories.
TEST(RouteIndex, CategoriesThatCrowdOneRunOfSlotsAreStillFound) {
  using Slots = gridroute::detail::Index::CategorySlots;
  // 17 codes on one slot of 128 (17 codes take 128 slots): the 17th is 16 slots from its own.
  std::vector<std::string> crowd;
  for (int i = 0; crowd.size() < 17; ++i) {
    std::string code = "c.k" + std::to_string(i);
    if ((gridroute::detail::stable_hash(code) & 127) == 5) crowd.push_back(code);
  }
  Slots direct;
  direct.build(std::vector<std::string>(crowd.begin(), crowd.begin() + 16));
  EXPECT_TRUE(direct.direct);
  Slots crowded;
  crowded.build(crowd);
  EXPECT_FALSE(crowded.direct);
  for (std::size_t n : {16u, 17u}) {
    std::string cats, rules;
    for (std::size_t i = 0; i < n; ++i) {
      cats += (i ? ", " : "") + std::string(R"({"code": ")") + crowd[i] + "\"}";
      rules += std::string(R"({"id": "r)") + std::to_string(i) + R"(", "categories": [")" + crowd[i] + R"("], "route": [")" +
               (i % 2 ? "resident_council" : "property_manager") + "\"]},";
    }
    gridroute::BundleSources src;
    src.jurisdiction_json = R"({"format": "gridroute.jurisdiction/1", "timezone": "Asia/Shanghai",
      "tiers": ["community", "area", "cell"], "units": [{"id": "t", "tier": "community"}, {"id": "c", "tier": "cell", "parent": "t"}],
      "handlers": [{"id": "pm", "role": "property_manager", "serves": ["t"]}, {"id": "rc", "role": "resident_council", "serves": ["t"]}]})";
    src.rules_json = R"({"format": "gridroute.rules/1", "categories": [)" + cats + R"(], "rules": [)" + rules +
                     R"({"id": "rest", "categories": ["*"], "route": ["property_manager"]}]})";
    auto snap = gridroute::load_bundle(src);
    ASSERT_TRUE(snap.ok()) << snap.status();
    const gridroute::Snapshot& s = **snap;
    EXPECT_EQ(s.index().category_slots.direct, n == 16);
    for (std::size_t i = 0; i < n; ++i) {
      Issue is;
      is.id = "I";
      is.cell = "c";
      is.at = *gridroute::parse_rfc3339("2026-11-20T09:15:00+08:00");
      is.category = crowd[i];
      const Decision d = s.route(is);
      ASSERT_EQ(d.status, Decision::Status::routed) << crowd[i] << ": " << d.message;
      EXPECT_EQ(s.handler_id(d.handler), i % 2 ? "rc" : "pm") << crowd[i];
    }
    Issue is;
    is.id = "I";
    is.cell = "c";
    is.at = *gridroute::parse_rfc3339("2026-11-20T09:15:00+08:00");
    const std::string absent = crowd[16] + "x";
    is.category = absent;
    EXPECT_EQ(s.route(is).message, "unknown category '" + absent + "'");
  }
}

// The codec's batched calls (the CLI's path, with the fast line reader) write exactly what one call
// per line writes, for plain lines and for every kind the fast reader hands to the full parser.
// A batch's scope search walks up the scopes that hold each cell a few steps at a time, and hands the
// candidate it found first to routing. Here a cell is held by eight nested scopes, more than that walk
// sees, and the rule that wins is often at an outer one (a higher priority), or the first one tried fails
// its condition or finds no handler: the batch answers as one call does.
TEST(RouteIndex, DeepChainsOfScopesAreSearchedWholeInABatch) {
  std::size_t compared = 0, outer = 0;
  for (unsigned seed = 0; seed < 24; ++seed) {
    std::mt19937 rng(seed);
    auto pick = [&](int n) { return static_cast<int>(rng() % static_cast<unsigned>(n)); };
    // Eight tiers, the root's to the cells'; each unit has two children.
    std::string jur = R"({"format": "gridroute.jurisdiction/1", "timezone": "Asia/Shanghai", "tiers": [)";
    const char* tiers[] = {"t0", "t1", "t2", "t3", "t4", "community", "area", "cell"};
    for (int t = 0; t < 8; ++t) jur += std::string(t ? ", \"" : "\"") + tiers[t] + "\"";
    jur += R"(], "units": [{"id": "u", "tier": "t0"})";
    std::vector<std::vector<std::string>> at(8);
    at[0] = {"u"};
    std::vector<std::string> cells;
    for (int t = 1; t < 8; ++t)
      for (const std::string& parent : at[static_cast<std::size_t>(t - 1)])
        for (const char* child : {"a", "b"}) {
          const std::string id = parent + child;
          jur += R"(, {"id": ")" + id + R"(", "tier": ")" + tiers[t] + R"(", "parent": ")" + parent + "\"}";
          at[static_cast<std::size_t>(t)].push_back(id);
        }
    jur += R"(], "handlers": [{"id": "h-council", "role": "resident_council", "serves": ["u"]},
      {"id": "h-squad", "role": "enforcement_squad", "serves": ["ua", "ubb"]}]})";
    // Rules on the code at scopes of every depth but the cells', nested along random paths.
    std::string rules = R"({"format": "gridroute.rules/1", "roles": ["mediator"], "attributes": {"severity": "number"},
      "categories": [{"code": "x.y"}], "rules": [)";
    const char* patterns[] = {"*", "x.*", "x.y"};
    const char* roles[] = {"resident_council", "enforcement_squad", "mediator"};
    for (int r = 0; r < 40; ++r) {
      const int depth = pick(7);
      const auto& units = at[static_cast<std::size_t>(depth)];
      rules += std::string(r ? ", " : "") + R"({"id": "r)" + std::to_string(r) + R"(", "priority": )" +
               std::to_string(pick(4)) + R"(, "categories": [")" + patterns[pick(3)] + R"("], "scope": ")" +
               units[static_cast<std::size_t>(pick(static_cast<int>(units.size())))] + "\"";
      if (pick(3) == 0) rules += R"(, "when": {"attr": "severity", "ge": 2})";
      rules += R"(, "route": [")" + std::string(roles[pick(3)]) + "\"]}";
    }
    rules += "]}";
    gridroute::BundleSources src;
    src.jurisdiction_json = jur;
    src.rules_json = rules;
    auto loaded = gridroute::load_bundle(src);
    ASSERT_TRUE(loaded.ok()) << "seed " << seed << ": " << loaded.status();
    const gridroute::Snapshot& s = **loaded;
    const auto& leaves = at[7];
    std::vector<Issue> issues(200);
    std::vector<gridroute::UnitId> numbers(issues.size());
    for (std::size_t i = 0; i < issues.size(); ++i) {
      issues[i].id = "I";
      issues[i].cell = leaves[rng() % leaves.size()];
      issues[i].category = "x.y";
      issues[i].at = 1'790'000'000 + static_cast<gridroute::Instant>(rng() % 1'000'000);
      if (rng() % 2) issues[i].attrs.push_back({"severity", gridroute::AttrValue::number(static_cast<double>(rng() % 4))});
      numbers[i] = s.find_unit(issues[i].cell);
    }
    std::vector<Decision> by_id(issues.size()), by_number(issues.size());
    s.route_batch(issues, by_id);
    s.route_batch_in_cells(issues, numbers, by_number);
    for (std::size_t i = 0; i < issues.size(); ++i) {
      const std::string where = "seed " + std::to_string(seed) + " issue " + std::to_string(i);
      const Decision one = s.route(issues[i], true);
      expect_same(by_id[i], one, where);
      expect_same(by_number[i], one, where);
      ++compared;
      // The winner's scope is the root or its children: past the first steps of the walk from the cell.
      if (one.status == Decision::Status::routed && one.rule >= 0) {
        const std::string_view scope = s.index().unit_id(s.index().rules[static_cast<std::size_t>(one.rule)].scope);
        outer += scope.size() <= 2;
      }
    }
  }
  EXPECT_EQ(compared, 24u * 200u);
  EXPECT_GT(outer, 400u);  // the outer scopes win often enough to be tested
}

TEST(RouteIndex, CodecBatchAgreesWithOneLineAtATime) {
  auto snap = gridroute::load_bundle(std::string(GRIDROUTE_SOURCE_DIR) + "/examples/lanxi");
  ASSERT_TRUE(snap.ok()) << snap.status();
  const std::string base = R"("category": "env.noise.loudspeaker", "cell": "qiaodong-a-01", "at": "2026-11-20T09:15:00+08:00")";
  std::vector<std::string> lines = {
      R"({"id": "plain", )" + base + R"(, "attrs": {"severity": 1, "channel": "hotline"}})",
      R"({"id":"tight",)" + base + R"(,"attrs":{"severity":3,"elderly":true,"private_property":false}})",
      "  {\t\"id\": \"spaces\", " + base + " }  ",
      R"({"id": "escaped\"id", )" + base + "}",
      R"({"id": "unicode-\u00e9", )" + base + "}",
      R"({"id": "utf8-é", )" + base + R"(, "attrs": {"channel": "热线"}})",
      R"({"id": "decimal", )" + base + R"(, "attrs": {"severity": 2.5}})",
      R"({"id": "exponent", )" + base + R"(, "attrs": {"severity": 1e0}})",
      R"({"id": "negative", )" + base + R"(, "attrs": {"severity": -1}})",
      R"({"id": "negzero", )" + base + R"(, "attrs": {"severity": -0}})",
      R"({"id": "leading0", )" + base + R"(, "attrs": {"severity": 01}})",
      R"({"id": "huge", )" + base + R"(, "attrs": {"severity": 123456789012345678901234567890}})",
      R"({"id": "inf", )" + base + R"(, "attrs": {"severity": 1e400}})",
      R"({"id": "null-attrs", )" + base + R"(, "attrs": null})",
      R"({"id": "null-value", )" + base + R"(, "attrs": {"severity": null}})",
      R"({"id": "nested", )" + base + R"(, "attrs": {"severity": {"x": 1}}})",
      R"({"id": "list", )" + base + R"(, "attrs": {"channel": ["a"]}})",
      R"({"id": "wrong-type", )" + base + R"(, "attrs": {"severity": "high"}})",
      R"({"id": "dup-attr", )" + base + R"(, "attrs": {"severity": 1, "severity": 4}})",
      R"({"id": "dup-key", "id": "again", )" + base + "}",
      R"({"id": "extra", "note": {"deep": [1, 2]}, )" + base + "}",
      R"({"id": 7, )" + base + "}",
      R"({"category": "env.noise.loudspeaker", "cell": "qiaodong-a-01", "at": "2026-11-20T09:15:00+08:00"})",
      R"({"id": "bad-time", "category": "env.noise.loudspeaker", "cell": "qiaodong-a-01", "at": "yesterday"})",
      R"({"id": "far-time", "category": "env.noise.loudspeaker", "cell": "qiaodong-a-01", "at": "9999-01-01T00:00:00Z"})",
      R"({"id": "unknown-cell", "category": "env.noise.loudspeaker", "cell": "nowhere", "at": "2026-11-20T09:15:00Z"})",
      R"({"id": "trailing", )" + base + "} x",
      R"({"id": "unterminated", )" + base,
      "[1, 2]",
      "{}",
      "not json",
      std::string("{\"id\": \"bad-utf8-\xff\", ") + base + "}",
      std::string("{\"id\": \"ctrl-\x01\", ") + base + "}",
  };
  for (bool explain : {false, true}) {
    gridroute::LineCodec one(*snap, {.explain = explain}), batch(*snap, {.explain = explain});
    std::string expected;
    for (const auto& l : lines) {
      one.route_line(l, expected);
      expected += "\n";
    }
    std::vector<std::string_view> views(lines.begin(), lines.end());
    std::string got;
    std::size_t rejected = batch.route_lines(views, got);
    EXPECT_EQ(got, expected);
    EXPECT_GT(rejected, 10u);
  }
  // Case lines: the issue variants above plus the case fields.
  const std::string cs = R"(, "level": 0, "level_started_at": "2026-11-20T09:15:00+08:00", "responded": false, "reports": 1, "status": "open")";
  std::vector<std::string> cases;
  for (const auto& l : lines) {
    auto close = l.rfind('}');
    if (close == std::string::npos || l.front() != '{') { cases.push_back(l); continue; }
    cases.push_back(l.substr(0, close) + cs + l.substr(close));
  }
  const std::string head = R"({"id": "C", )" + base;
  for (std::string tail : {R"(, "level": 1, "level_started_at": "2026-11-20T09:15:00+08:00", "responded": true, "reports": 5, "status": "open"})",
                           R"(, "level": 0, "level_started_at": "2026-11-20T09:15:00+08:00", "responded": true, "reports": 1, "status": "resolved", "rating": 1})",
                           R"(, "level": 0, "level_started_at": "2026-11-20T09:15:00+08:00", "responded": true, "reports": 1, "status": "resolved", "rating": null})",
                           R"(, "level": 0, "level_started_at": "2026-11-20T09:15:00+08:00", "responded": true, "reports": 1, "status": "resolved", "rating": 9})",
                           R"(, "level": -1, "level_started_at": "2026-11-20T09:15:00+08:00", "responded": true, "reports": 1, "status": "open"})",
                           R"(, "level": 0, "level_started_at": "2026-11-20T09:15:00+08:00", "responded": "no", "reports": 1, "status": "open"})",
                           R"(, "level": 0, "level_started_at": "2026-11-20T09:15:00+08:00", "responded": true, "reports": 1.5, "status": "open"})",
                           R"(, "level": 0, "level_started_at": "2026-11-20T09:15:00+08:00", "responded": true, "reports": 1, "status": "closed"})",
                           R"(, "level": 0, "responded": true, "reports": 1, "status": "open"})",
                           R"(, "level": 99, "level_started_at": "2026-11-20T09:15:00+08:00", "responded": false, "reports": 0, "status": "open"})"})
    cases.push_back(head + tail);
  const auto now = *gridroute::parse_rfc3339("2026-11-23T10:00:00+08:00");
  gridroute::LineCodec one(*snap), batch(*snap);
  std::string expected;
  for (const auto& l : cases) {
    one.escalate_line(l, now, expected);
    expected += "\n";
  }
  std::vector<std::string_view> views(cases.begin(), cases.end());
  std::string got;
  batch.escalate_lines(views, now, got);
  EXPECT_EQ(got, expected);
}

// The word-at-a-time scans (UTF-8 check, JSON string escaping) agree with a byte-by-byte reference
// for every special byte at every position of strings around the word size.
std::string reference_json(std::string_view s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    if (c == '"') out += "\\\"";
    else if (c == '\\') out += "\\\\";
    else if (c == '\n') out += "\\n";
    else if (c == '\r') out += "\\r";
    else if (c == '\t') out += "\\t";
    else if (c < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      out += buf;
    } else out.push_back(static_cast<char>(c));
  }
  return out + "\"";
}

TEST(FastPaths, WordScansAgreeWithByteByByte) {
  const std::string specials[] = {"\"", "\\", "\n", "\x01", "\x1f", "\x7f", " ", "~", "é", "\xff", "\xed\xa0\x80"};
  for (std::size_t len = 0; len <= 20; ++len) {
    for (std::size_t pos = 0; pos <= len; ++pos) {
      for (const std::string& sp : specials) {
        std::string str(len, 'a');
        str.insert(pos, sp);
        const bool ascii_ok = sp != "\xff" && sp != "\xed\xa0\x80";
        EXPECT_EQ(gridroute::detail::valid_utf8(str), ascii_ok) << len << " " << pos;
        EXPECT_EQ(gridroute::detail::ascii_only(str), static_cast<unsigned char>(sp[0]) < 0x80) << len << " " << pos;
        if (!ascii_ok) continue;
        std::string got;
        gridroute::detail::append_json_string(got, str);
        EXPECT_EQ(got, sp == "é" ? "\"" + str + "\"" : reference_json(str)) << len << " " << pos;
      }
    }
  }
}

// json_special finds the first quote, backslash or control byte sixteen bytes, then eight, then one at a
// time: at every position of strings up to 40 bytes, after bytes at and above 0x80 (which a signed compare
// would take for control bytes) and beside 0x20 and 0x7f, it finds what a byte-by-byte scan finds.
TEST(FastPaths, JsonSpecialFindsWhatAByteScanFinds) {
  const std::string fillers[] = {"a", " ", "\x7f", "\x80", "\xe4\xb8\xad", "\xff"};
  const std::string specials[] = {"\"", "\\", "\n", std::string(1, '\0'), "\x01", "\x1f"};
  auto byte_scan = [](const std::string& s) {
    for (std::size_t i = 0; i < s.size(); ++i) {
      const auto c = static_cast<unsigned char>(s[i]);
      if (c == '"' || c == '\\' || c < 0x20) return i;
    }
    return s.size();
  };
  for (const std::string& fill : fillers) {
    for (std::size_t len = 0; len <= 40; ++len) {
      std::string base;
      while (base.size() < len) base += fill;
      base.resize(len, 'a');
      EXPECT_EQ(static_cast<std::size_t>(gridroute::detail::json_special(base.data(), base.data() + base.size()) -
                                         base.data()),
                byte_scan(base));
      for (std::size_t pos = 0; pos <= len; ++pos) {
        for (const std::string& sp : specials) {
          std::string str = base;
          str.insert(pos, sp);
          str += '"';  // a later special byte must not be found first
          const std::size_t got =
              static_cast<std::size_t>(gridroute::detail::json_special(str.data(), str.data() + str.size()) - str.data());
          EXPECT_EQ(got, byte_scan(str)) << len << " " << pos;
        }
      }
    }
  }
}

// The fast line reader scans strings eight bytes at a time: a quote, a backslash or a control byte at any
// position of a string around the word size must still end it or send the line to the full reader.
TEST(FastPaths, FastReaderStringsStopAtEverySpecialByte) {
  const std::string specials[] = {"\"", "\\", "\n", "\x01", "\x1f", "\x7f", " ", "~", "é"};
  for (std::size_t len = 0; len <= 20; ++len) {
    for (std::size_t pos = 0; pos <= len; ++pos) {
      for (const std::string& sp : specials) {
        std::string str(len, 'a');
        str.insert(pos, sp);
        const std::string line = "{\"id\": \"" + str + "\", \"cell\": \"c1\"}";
        gridroute::detail::FastLine f;
        const bool plain = sp != "\"" && sp != "\\" && static_cast<unsigned char>(sp[0]) >= 0x20;
        ASSERT_EQ(f.read(line), plain) << len << " " << pos << " " << line;
        if (!plain) continue;
        ASSERT_NE(f.get(gridroute::detail::FastLine::id), nullptr);
        EXPECT_EQ(f.get(gridroute::detail::FastLine::id)->text, str) << len << " " << pos;
        EXPECT_EQ(f.get(gridroute::detail::FastLine::cell)->text, "c1") << len << " " << pos;
      }
    }
  }
}

// The stream reader answers a line where it lies in its buffer and gathers only the lines a read cut:
// over a file of lines of every size around its 64 KiB buffer (CRLF ends, a byte order mark, blank and
// too-long lines, no newline at the end), it gives what the whole text's line split gives.
TEST(FastPaths, StreamReaderGivesTheLinesOfTheWholeText) {
  std::string text = "\xEF\xBB\xBF{\"first\": 1}\r\n";
  std::mt19937 rng(11);
  for (int i = 0; i < 400; ++i) {
    const std::size_t n = i % 7 == 0 ? std::uniform_int_distribution<std::size_t>(30000, 140000)(rng)
                                     : std::uniform_int_distribution<std::size_t>(0, 300)(rng);
    std::string line(n, static_cast<char>('a' + i % 26));
    if (i % 5 == 0) line += "\r";
    if (i % 11 == 0) line = "  \t ";
    text += line + "\n";
  }
  text += "last line without a newline";
  char path[] = "/tmp/gridroute-stream-XXXXXX";
  const int fd = ::mkstemp(path);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(::write(fd, text.data(), text.size()), static_cast<ssize_t>(text.size()));
  ::lseek(fd, 0, SEEK_SET);
  const std::size_t max = 100000;
  std::vector<std::string> want;
  gridroute::detail::for_each_line(text, [&](std::string_view l) { want.emplace_back(l.size() > max ? "<too long>" : std::string(l)); });
  std::vector<std::string> got;
  gridroute::detail::StreamReader reader(fd, max);
  while (true) {
    std::string_view line;
    std::uint64_t length = 0;
    const auto g = reader.next(line, length);
    if (g == gridroute::detail::StreamReader::Got::eof) break;
    ASSERT_NE(g, gridroute::detail::StreamReader::Got::error);
    if (g == gridroute::detail::StreamReader::Got::blank) continue;
    if (g == gridroute::detail::StreamReader::Got::too_long) {
      EXPECT_GT(length, max);
      got.emplace_back("<too long>");
    } else {
      got.emplace_back(line);
    }
  }
  ::close(fd);
  ::unlink(path);
  ASSERT_EQ(got.size(), want.size());
  for (std::size_t i = 0; i < got.size(); ++i) EXPECT_EQ(got[i], want[i]) << "line " << i;
}

// The fast reader's times (Rfc3339Reader: the usual form, the last date remembered) are those of
// parse_rfc3339, and what it does not take parse_rfc3339 reads or refuses: dates of every month and
// leap rule, every field at and past its bounds, offsets either side, and texts that share the date of
// the one before (the remembered day) but break elsewhere.
TEST(FastPaths, TimeReaderAgreesWithParseRfc3339) {
  std::vector<std::string> texts;
  std::mt19937 rng(7);
  for (int i = 0; i < 4000; ++i) {
    const int y = std::uniform_int_distribution<int>(0, 9999)(rng), m = std::uniform_int_distribution<int>(0, 13)(rng),
              d = std::uniform_int_distribution<int>(0, 32)(rng), h = std::uniform_int_distribution<int>(0, 25)(rng),
              mi = std::uniform_int_distribution<int>(0, 61)(rng), sec = std::uniform_int_distribution<int>(0, 61)(rng);
    const char* zones[] = {"Z", "z", "+08:00", "-05:30", "+23:59", "+24:00", "-00:60", "+0800", "Q", "", ".5Z"};
    char buf[64];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d%s", y, m, d, h, mi, sec, zones[i % 11]);
    texts.push_back(buf);
    texts.push_back(buf);  // again: the remembered date
    if (i > 0) texts.push_back(texts[texts.size() - 3]);  // the one before: the other remembered date
  }
  for (std::string t : {"2024-02-29T10:00:00Z", "2023-02-29T10:00:00Z", "1900-02-29T00:00:00Z", "2000-02-29T23:59:59+08:00",
                        "2024-02-29t10:00:00z", "2024-02-29 10:00:00Z", "2024-02-29X10:00:00Z", "2024-02-29T10:00:00+08:0x",
                        "2024-02-2910:00:00Z", "2024/02/29T10:00:00Z", "0000-01-01T00:00:00+00:00", "9999-12-31T23:59:59-23:59",
                        "2024-04-31T00:00:00Z", "2024-04-30T00:00:00Z", "２024-04-30T00:00:00Z"})
    texts.push_back(t);
  // Every byte of both forms replaced by its neighbours and by bytes that are no digit: each field's
  // digits and separators are checked where they are.
  for (std::string base : {"2024-02-29T19:59:59Z", "1999-12-31T09:09:09-09:59"}) {
    for (std::size_t i = 0; i < base.size(); ++i)
      for (char c : {'/', ':', '-', '0', '9', ';', '@', 'a', ' ', '\x7f', '\xff', '\x00'}) {
        std::string t = base;
        t[i] = c;
        texts.push_back(t);
        texts.push_back(base);  // the date remembered again before the next one
      }
  }
  gridroute::detail::Rfc3339Reader reader;
  std::size_t fast = 0;
  for (const std::string& t : texts) {
    gridroute::Instant got = 0;
    auto want = gridroute::parse_rfc3339(t);
    if (reader.read(t, got)) {
      ++fast;
      ASSERT_TRUE(want.ok()) << t;
      EXPECT_EQ(got, *want) << t;
    }
  }
  EXPECT_GT(fast, 1000u);  // the usual form does take the fast way
  // Every valid usual-form text of the list took it.
  gridroute::detail::Rfc3339Reader again;
  gridroute::Instant t0 = 0;
  EXPECT_TRUE(again.read("2024-02-29T10:00:00+08:00", t0));
  EXPECT_EQ(t0, *gridroute::parse_rfc3339("2024-02-29T10:00:00+08:00"));
  EXPECT_FALSE(again.read("2024-02-29T10:00:00.5+08:00", t0));
}

// Lines that give a location instead of a cell (SPEC §7) are read by the fast reader too: every one must
// read as the full reader reads it (the same point to the bit, or the same error), whatever the number's
// form. The second line of each pair has an escaped string, which sends it to the full reader.
TEST(FastPaths, LocatedLinesReadAsTheFullReaderReadsThem) {
  const std::string locations[] = {
      "[120.4326171875, 30.7109375]", "[ -73.98 , 40.75 ]", "[0,0]", "[-0, -0.0]", "[1e2, 4E+1]", "[1.5e-3,2]",
      "[180, 90]", "[-180, -90]", "[180.0000000000001, 0]", "[0, 90.5]", "[120.43261718750000000000001, 30.7]",
      "[1e400, 2]", "[1, 2, 3]", "[1]", "[]", "[\"1\", 2]", "[1., 2]", "[01, 2]", "[.5, 2]", "[+1, 2]", "[1,2",
      "[1 2]", "[NaN, 1]", "null", "\"here\"", "{}", "[[1, 2]]", "[1, null]", "[-, 2]", "[1e, 2]"};
  gridroute::detail::LineParser fast(1 << 20), full(1 << 20);
  for (const std::string& loc : locations) {
    for (const std::string& cell : {std::string(), std::string(", \"cell\": null"), std::string(", \"cell\": \"\""),
                                    std::string(", \"cell\": \"c7\"")}) {
      const std::string line = "{\"id\": \"i\", \"category\": \"noise\"" + cell + ", \"location\": " + loc +
                               ", \"at\": \"2024-05-01T10:00:00+08:00\"";
      gridroute::Issue a, b;
      gridroute::detail::LineId ia, ib;
      gridroute::detail::LineSlot sa, sb;
      // The issues keep views into their lines: the lines must outlive them.
      const std::string line_a = line + "}", line_b = line + ", \"note\": \"\\u0041\"}";
      const bool ok_a = fast.read_issue(line_a, a, ia, sa, {});
      const bool ok_b = full.read_issue(line_b, b, ib, sb, {});
      ASSERT_EQ(ok_a, ok_b) << line;
      if (!ok_a) {
        EXPECT_EQ(fast.error(), full.error()) << line;
        continue;
      }
      EXPECT_EQ(a.cell, b.cell) << line;
      EXPECT_EQ(a.has_location, b.has_location) << line;
      EXPECT_EQ(std::memcmp(&a.lon, &b.lon, sizeof a.lon), 0) << line;
      EXPECT_EQ(std::memcmp(&a.lat, &b.lat, sizeof a.lat), 0) << line;
      EXPECT_EQ(a.at, b.at) << line;
    }
  }
  // An empty cell is a cell id (SPEC §7: only null counts as absent), which no cell has: with a location
  // too, the cell is used, and the line is rejected on either path.
  for (std::string tail : {std::string("}"), std::string(", \"note\": \"\\u0041\"}")}) {
    const std::string line =
        R"({"id": "i", "category": "noise", "cell": "", "location": [120.5, 30.5], "at": "2024-05-01T10:00:00+08:00")" + tail;
    gridroute::Issue is;
    gridroute::detail::LineId id;
    gridroute::detail::LineSlot slot;
    ASSERT_FALSE(fast.read_issue(line, is, id, slot, {})) << line;
    EXPECT_EQ(fast.error(), "unknown cell ''");
    EXPECT_EQ(id.text, "i");
  }
  // And the fast reader does take the usual located line.
  gridroute::detail::FastLine f;
  ASSERT_TRUE(f.read(R"({"id": "i", "category": "noise", "location": [ 120.43 , 30.71 ], "at": "x"})"));
  ASSERT_NE(f.get(gridroute::detail::FastLine::location), nullptr);
  EXPECT_EQ(f.get(gridroute::detail::FastLine::location)->kind, 'l');
  EXPECT_EQ(f.get(gridroute::detail::FastLine::location)->text, "[ 120.43 , 30.71 ]");
}

// An attribute object of many names is read with each name checked against the others once (sorted at
// its end past a few dozen names, not compared with every earlier one: 100,000 names cost seconds that
// way): a name given twice, wherever it stands, sends the line to the full reader, which names it; every
// name given once is read.
TEST(FastPaths, ManyAttributeNamesAreCheckedOnceEach) {
  for (int n : {3, 32, 33, 34, 100, 100'000}) {
    for (int repeat : {-1, 0, n / 2, n - 1}) {
      std::string attrs;
      for (int k = 0; k < n; ++k) attrs += (k ? ",\"a" : "\"a") + std::to_string(k) + "\":" + std::to_string(k);
      if (repeat >= 0) attrs += ",\"a" + std::to_string(repeat) + "\":0";
      const std::string line = R"({"id":"i","category":"noise","cell":"c1","at":"x","attrs":{)" + attrs + "}}";
      gridroute::detail::FastLine f;
      std::vector<std::pair<std::string_view, gridroute::AttrValue>> read;
      f.attrs = &read;
      EXPECT_EQ(f.read(line), repeat < 0) << n << " names, repeat " << repeat;
      if (repeat < 0) EXPECT_EQ(read.size(), static_cast<std::size_t>(n));
    }
  }
  gridroute::detail::LineParser parser(1 << 22);
  std::string attrs;
  for (int k = 0; k < 100'000; ++k) attrs += (k ? ",\"a" : "\"a") + std::to_string(k) + "\":" + std::to_string(k);
  const std::string line = R"({"id":"i","category":"noise","cell":"c1","at":"2024-05-01T10:00:00+08:00","attrs":{)" +
                           attrs + R"(,"a99999":1}})";
  gridroute::Issue is;
  gridroute::detail::LineId id;
  gridroute::detail::LineSlot slot;
  ASSERT_FALSE(parser.read_issue(line, is, id, slot, {}));
  EXPECT_EQ(parser.error(), "duplicate key at /attrs/a99999 (a key may appear once in an object)");
}

// The fast reader remembers the last line's keys in order and takes a key that stands where it stood by
// one compare: over lines whose keys come in the same order, in another, with one more or one less, with
// a space before a colon, an escape, a repeat, a key that extends or shortens a remembered one, and keys
// too long to remember, read in a random sequence by one reader, every line reads as a fresh reader
// (which remembers nothing) reads it.
TEST(FastPaths, RememberedKeyOrderReadsAsAFreshReader) {
  const std::vector<std::string> lines = {
      R"({"id":"a","category":"noise","cell":"c1","at":"2026-11-19T09:00:00+08:00","attrs":{"severity":1}})",
      R"({"id":"b","category":"noise","cell":"c2","at":"2026-11-19T09:00:00+08:00","attrs":{"severity":2}})",
      R"({"id":"c","category":"noise","cell":"c2","at":"x","attrs":{"severity":2},"level":1})",
      R"({"category":"noise","id":"d","cell":"c2","at":"x"})",
      R"({"id" :"e","category":"noise","cell":"c2"})",
      R"({"id":"f","category":"noise","cell":"c2","id":"again"})",
      R"({"id":"g","category":"noise","cell":"c2","cell":"again"})",
      R"({"id":"g2","cell":"c1","cell":"c2"})",
      R"({"id":"s1","cell":"c1","category":"n","cell":"c2"})",
      R"({"id":"s2","cell":"c1","at":"x"})",
      R"({"id":"s3","category":"noise","cell":"c1","at":"2026-11-19T09:00:00+08:00","attrs":{"kind":"x","on":true,"kind":"y"}})",
      R"({"id":"a2","category":"noise","cell":"c1","at":"2026-11-19T09:00:00+08:00","attrs":{"severity":1,"kind":"x","on":true}})",
      R"({"id":"a3","category":"noise","cell":"c1","at":"2026-11-19T09:00:00+08:00","attrs":{"kind":"x","severity":1,"kind":"y"}})",
      R"({"id":"a4","category":"noise","cell":"c1","at":"2026-11-19T09:00:00+08:00","attrs":{"severity":1,"severity":2}})",
      R"({"id":"a8","category":"noise","cell":"c1","at":"2026-11-19T09:00:00+08:00","attrs":{"kind":"x","kind":"y"}})",
      R"({"id":"a5","category":"noise","cell":"c1","at":"2026-11-19T09:00:00+08:00","attrs":{"severity" :1,"kind":null}})",
      R"({"id":"a6","category":"noise","cell":"c1","at":"2026-11-19T09:00:00+08:00","attrs":{}})",
      R"({"id":"a7","category":"noise","cell":"c1","attrs":{"a":1,"b":2,"c":3,"d":4,"e":5,"f":6,"g":7,"h":8,"i":9,"j":10,"k":11,"l":12,"m":13,"n":14,"o":15,"p":16,"q":17,"a":18}})",
      R"({"id":"g3","at":"x","cell":"c1","at":"y"})",
      R"({"idx":"h","category":"noise","cell":"c2"})",
      R"({"i":"h","category":"noise","cell":"c2"})",
      R"({"id":"i","categor\u0079":"noise","cell":"c2"})",
      R"({"id":"j","category":"noise"})",
      R"({"id":"k","category":"noise","cell":"c2","note":"n","note":"m"})",
      R"({"id":"l","category":"noise","cell":"c2","note":"n","other":1})",
      R"({"id":"m","category":"noise","cell":"c2","level_started_at":"x","a_key_that_is_longer_than_thirty_two_bytes":1})",
      R"({"id":"n","category":"noise","cell":"c2","level_started_at":"y","a_key_that_is_longer_than_thirty_two_bytez":1})",
      R"({"id":"o","category":"noise","cell":"c2","level_started_at":"y","a_key_that_is_longer_than_thirty_two_bytes":1,"a_key_that_is_longer_than_thirty_two_bytes":2})",
      R"({"id":"p","category":"noise","cell":"c2","location":[1,2]})",
      R"({"id":"q","category":"noise","cell":"c2","location":"x"})",
      R"({"id":"r","category":"noise","cell":"c2","attrs":"not an object"})",
      R"({"id":"s","category":"noise","cell":"c2"} )",
      R"({"id":"t","category":"noise","cell":"c2"}x)",
      R"({"id":"u","category":"noise","cell":"c2")",
      R"({"id":"v","category":"noise","ce)",
      R"({"id":"w","category":"noise","cell")",
      R"({})",
      R"({"id":"x"})",
      R"({"id":"y","category":"noise","cell":"c2","at":"x","attrs":{"severity":1},"level":1,"level_started_at":"x","responded":true,"reports":2,"status":"open","rating":3,"rule":"r","handler":"h","extended_to":"z","suspended":null,"returned":null})",
      R"({"id":"z","category":"noise","cell":"c2","at":"x","attrs":{"severity":1},"level":1,"level_started_at":"x","responded":true,"reports":2,"status":"open","rating":3,"rule":"r","handler":"h","extended_to":"z","suspended":null,"returned":null,"k17":1})",
  };
  auto describe = [](const gridroute::detail::FastLine& f, bool ok,
                     const std::vector<std::pair<std::string_view, gridroute::AttrValue>>& attrs) {
    std::string out = ok ? "ok" : "refused";
    if (!ok) return out;
    for (std::size_t i = 0; i < f.count; ++i) {
      const auto& fl = f.fields[i];
      out += " [" + std::string(fl.key) + " " + fl.kind + " ";  // what each kind sets
      out += fl.kind == 'i' ? std::to_string(fl.integer) : fl.kind == 's' || fl.kind == 'l' ? std::string(fl.text) : "";
      out += "]";
    }
    for (int k = 0; k < gridroute::detail::FastLine::kKnown; ++k) {
      const auto* fl = f.get(static_cast<gridroute::detail::FastLine::Known>(k));
      out += " " + (fl ? std::to_string(fl - f.fields) : std::string("-"));
    }
    for (const auto& [key, v] : attrs)
      out += " {" + std::string(key) + " " + std::to_string(static_cast<int>(v.type)) + " " + std::to_string(v.num) + " " +
             std::to_string(v.b) + " " + std::string(v.str) + "}";
    return out;
  };
  std::mt19937 rng(5);
  gridroute::detail::FastLine kept;
  std::vector<std::pair<std::string_view, gridroute::AttrValue>> kept_attrs, fresh_attrs;
  kept.attrs = &kept_attrs;
  for (int i = 0; i < 5000; ++i) {
    // Runs of the same line or of lines with one key order, broken by the others.
    const std::string& line = lines[rng() % 4 == 0 ? rng() % lines.size() : rng() % 3];
    kept_attrs.clear();
    fresh_attrs.clear();
    gridroute::detail::FastLine fresh;
    fresh.attrs = &fresh_attrs;
    const bool a = kept.read(line), b = fresh.read(line);
    ASSERT_EQ(describe(kept, a, kept_attrs), describe(fresh, b, fresh_attrs)) << line;
  }
  for (const std::string& line : lines) {  // and each line right after each other
    for (const std::string& before : lines) {
      kept_attrs.clear();
      kept.read(before);
      kept_attrs.clear();
      fresh_attrs.clear();
      gridroute::detail::FastLine fresh;
      fresh.attrs = &fresh_attrs;
      const bool a = kept.read(line), b = fresh.read(line);
      ASSERT_EQ(describe(kept, a, kept_attrs), describe(fresh, b, fresh_attrs)) << before << "\n" << line;
    }
  }
}

// The usual decision and action records have a writer of their own (a cursor into room made once, the
// deadlines' texts remembered): it must write the bytes the general writer writes, for every kind of
// line id (plain, needing escapes, not UTF-8, an integer, null) and every branch of the record.
TEST(FastPaths, DecisionWriterAgreesWithTheGeneralOne) {
  using gridroute::detail::LineId;
  const std::pair<std::string, LineId::Kind> ids[] = {
      {"I-1", LineId::string},       {"a \"quoted\" id\\", LineId::string}, {"tab\there\x01", LineId::string},
      {"长长的编号-0123456789", LineId::string}, {"\xff\xfe cut", LineId::string}, {"42", LineId::integer},
      {"", LineId::null}};
  std::size_t routed = 0;
  for (unsigned seed = 200; seed < 210; ++seed) {
    RandomBundle b = make_bundle(seed);
    auto snap = gridroute::load_bundle(b.src);
    ASSERT_TRUE(snap.ok()) << snap.status();
    const gridroute::detail::Index& s = (*snap)->index();
    gridroute::detail::Rfc3339Memo times;
    for (const Issue& is : make_issues(b, seed, 200)) {
      Decision d = (*snap)->route(is, false);
      routed += d.status == Decision::Status::routed;
      for (const auto& [text, kind] : ids) {
        const LineId id{text, kind};
        std::string general, fast, remembered;
        gridroute::detail::append_general(general, s, id, d, false);
        gridroute::detail::append_decision(fast, s, id, d, false);
        gridroute::detail::append_decision(remembered, s, id, d, false, &times);
        ASSERT_EQ(fast, general);
        ASSERT_EQ(remembered, general);
      }
    }
  }
  EXPECT_GT(routed, 500u);

  // A partner department whose name needs escapes, alternates, co-handlers and a policy.
  gridroute::BundleSources src;
  src.jurisdiction_json = R"({"format": "gridroute.jurisdiction/1", "timezone": "Asia/Shanghai",
    "tiers": ["community", "area", "cell"], "units": [{"id": "t", "tier": "community"}, {"id": "c", "tier": "cell", "parent": "t"}],
    "handlers": [{"id": "w1", "role": "partner_department", "department": "water \"east\" 水务", "serves": ["t"]},
                 {"id": "w2", "role": "partner_department", "department": "water \"east\" 水务", "serves": ["t"]},
                 {"id": "w3", "role": "partner_department", "department": "water \"east\" 水务", "serves": ["t"]},
                 {"id": "rc", "role": "resident_council", "serves": ["t"]}]})";
  src.rules_json = R"({"format": "gridroute.rules/1",
    "rules": [{"id": "water", "categories": ["*"], "route": [{"role": "partner_department", "department": "water \"east\" 水务"}],
               "assist": ["resident_council"], "escalation": "up"}],
    "escalation_policies": [{"id": "up", "levels": [{"name": "owner"}, {"name": "grid", "tier": "community", "route": ["resident_council"], "respond": "2h", "resolve": "3wd"}]}]})";
  auto snap = gridroute::load_bundle(src);
  ASSERT_TRUE(snap.ok()) << snap.status();
  Issue is;
  is.id = "I";
  is.cell = "c";
  is.at = *gridroute::parse_rfc3339("2026-11-20T09:15:00.25+08:00");
  is.category = "water.leak";
  const Decision d = (*snap)->route(is, false);
  ASSERT_EQ(d.status, Decision::Status::routed) << d.message;
  EXPECT_EQ(d.alternates.size(), 2u);
  for (const auto& [text, kind] : ids) {
    const LineId id{text, kind};
    std::string general, fast;
    gridroute::detail::append_general(general, (*snap)->index(), id, d, false);
    gridroute::detail::append_decision(fast, (*snap)->index(), id, d, false);
    ASSERT_EQ(fast, general);
    EXPECT_NE(fast.find(R"("department": "water \"east\" 水务")"), std::string::npos) << fast;
  }
}

TEST(FastPaths, ActionWriterAgreesWithTheGeneralOne) {
  using gridroute::Action;
  using gridroute::detail::LineId;
  RandomBundle b = make_bundle(300);
  auto snap = gridroute::load_bundle(b.src);
  ASSERT_TRUE(snap.ok()) << snap.status();
  const gridroute::detail::Index& s = (*snap)->index();
  ASSERT_GT(s.handler_ids.size(), 3u);
  ASSERT_GT(s.role_keys.size(), 1u);
  gridroute::detail::Rfc3339Memo times;
  const LineId ids[] = {{"C-1", LineId::string}, {"say \"hi\"", LineId::string}, {"7", LineId::integer}, {"", LineId::null}};
  std::size_t written = 0;
  for (int k = 0; k < Action::kKinds; ++k) {
    const auto kind = static_cast<Action::Kind>(k);
    if (kind == Action::Kind::rejected) continue;
    for (int variant = 0; variant < 16; ++variant) {
      Action a;
      a.kind = kind;
      a.level = variant % 3;
      if (kind != Action::Kind::dispute) {
        a.role = static_cast<gridroute::RoleKeyId>(variant % s.role_keys.size());
        a.handler = static_cast<gridroute::HandlerId>(variant % s.handler_ids.size());
        a.unit = static_cast<gridroute::UnitId>(variant % s.unit_count());
      }
      a.located = variant & 1;
      a.cell = static_cast<gridroute::UnitId>((variant * 7) % s.unit_count());
      a.reasons = static_cast<std::uint8_t>(variant * 5 % 32);
      a.repinned = variant & 2;
      a.rule = variant & 4 ? gridroute::kNone : static_cast<gridroute::RuleId>(variant % s.rules.size());
      if (variant & 8) a.assist = {0, static_cast<gridroute::HandlerId>(s.handler_ids.size() - 1)};
      const gridroute::Instant t0 = 1'790'000'000'000'000 + variant * 3'600'000'123LL;
      a.next_check = variant % 5 == 0 ? gridroute::kNoInstant : t0;
      a.respond_by = t0 + 7'200'000'000LL;
      a.resolve_by = variant % 7 == 0 ? gridroute::kNoInstant : t0 + 86'400'000'000LL * 3;
      for (const LineId& id : ids) {
        std::string general, fast, remembered;
        gridroute::detail::append_action_general(general, s, id, a, false);
        gridroute::detail::append_action(fast, s, id, a, false);
        gridroute::detail::append_action(remembered, s, id, a, false, &times);
        ASSERT_EQ(fast, general) << k << " " << variant;
        ASSERT_EQ(remembered, general) << k << " " << variant;
        ++written;
      }
    }
  }
  EXPECT_EQ(written, 8u * 16u * 4u);
}

// same_text compares ids in place up to 16 bytes: it must say what == says at every length around the
// word sizes, with the one differing byte anywhere, and with lengths that differ.
TEST(FastPaths, InPlaceIdComparisonAgreesWithEquality) {
  using gridroute::detail::same_text;
  for (std::size_t len = 0; len <= 40; ++len) {
    const std::string a(len, 'x');
    EXPECT_TRUE(same_text(a, std::string(len, 'x'))) << len;
    EXPECT_FALSE(same_text(a, std::string(len + 1, 'x'))) << len;
    for (std::size_t pos = 0; pos < len; ++pos) {
      std::string b = a;
      b[pos] = 'y';
      EXPECT_FALSE(same_text(a, b)) << len << " " << pos;
      EXPECT_FALSE(same_text(b, a)) << len << " " << pos;
      b[pos] = 'x';
      EXPECT_TRUE(same_text(std::string_view(b), a)) << len << " " << pos;
    }
  }
}

// An id looked up is keyed from two loads inside it (8 to 15 bytes, records of 16), where a unit's record
// is built byte by byte: the two must give the same words at every length from 0 to 40 bytes, with each
// byte changed in turn, and with NUL, 'A' or 0xFF bytes past the id (which the loads must not read into
// the key).
TEST(FastPaths, AnIdLookedUpIsKeyedAsItsRecordIs) {
  using gridroute::detail::ShortId;
  std::string buffer(64, '\0');
  for (std::size_t words : {2u, 4u}) {
    for (std::size_t len = 0; len <= 40; ++len) {
      for (int fill : {0x00, 0x41, 0xFF}) {
        for (std::size_t pos = 0; pos < std::max<std::size_t>(len, 1); ++pos) {
          for (std::size_t i = 0; i < buffer.size(); ++i) buffer[i] = static_cast<char>(i < len ? 'a' + (i * 5 + len) % 26 : fill);
          if (len > 0) buffer[pos] = static_cast<char>((pos * 37 + static_cast<std::size_t>(fill)) & 0xFF);
          const std::string_view id(buffer.data(), len);
          const ShortId looked_up = ShortId::of(id, words), record = ShortId::of(id, words, true);
          if (len <= ShortId::longest(words)) {
            for (std::size_t w = 0; w < 4; ++w)
              ASSERT_EQ(looked_up.w[w], record.w[w]) << words << " words, " << len << " bytes, byte " << pos
                                                     << " changed, fill " << fill << ", word " << w;
          } else {
            // Too long for a record: marked so that it never equals one (the text is compared instead).
            EXPECT_EQ(reinterpret_cast<const unsigned char*>(looked_up.w)[words * 8 - 1], ShortId::kNoShortForm);
          }
        }
      }
    }
  }
}

}  // namespace

namespace {

// A table with no empty slot (the slots of a compiled file overwritten while it was open, or crafted):
// a lookup probes each slot once and finds nothing, instead of going round for ever.
TEST(RouteIndex, ALookupInATableWithNoEmptySlotEnds) {
  const std::string id = "no-such-unit";
  const std::uint64_t h = gridroute::detail::UnitIndex::hash(id);
  std::vector<std::uint64_t> slots(64);  // every tag other than the id's
  for (std::size_t i = 0; i < slots.size(); ++i) slots[i] = ((h >> 32) + 1 + i) << 32 | i;
  gridroute::detail::UnitIndex ix;
  ix.borrow(slots.data(), slots.size());
  EXPECT_EQ(ix.find(id, h, [](std::int32_t) { return std::string_view("other"); }), -1);
  EXPECT_EQ(ix.first_match(h), -1);
}

}  // namespace
