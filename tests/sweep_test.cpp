// Snapshot::sweep (SPEC §3.5, §6) gives, for every case, the action Snapshot::escalate gives it alone,
// in input order, on one thread or two, and a summary that counts those actions: over a mix of open,
// resolved, pinned, returned, suspended, extended and rejected cases.
#include <cstdint>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "fixture.hpp"
#include "gridroute/case_book.hpp"
#include "gridroute/jsonl.hpp"
#include "gridroute/snapshot.hpp"

namespace {

using gridroute::Action;
using gridroute::Case;
using gridroute::Instant;
using gridroute::kNoInstant;

const std::string kHandlers = R"([
    {"id": "squad-1", "role": "enforcement_squad", "serves": ["c1", "c2"]},
    {"id": "squad-1b", "role": "enforcement_squad", "serves": ["c1"]},
    {"id": "council-c1", "role": "resident_council", "serves": ["c1"]},
    {"id": "council-c2", "role": "resident_council", "serves": ["c2"]},
    {"id": "pm-a", "role": "property_manager", "serves": ["c1-a-01"]},
    {"id": "centre", "role": "governance_center", "serves": ["town"], "calendar": "duty"}
  ])";

const std::string kRules = R"({
  "format": "gridroute.rules/1",
  "roles": ["governance_center"],
  "calendars": [
    {"id": "gov", "weekdays": [1, 2, 3, 4, 5], "hours": [["09:00", "12:00"], ["14:00", "18:00"]]},
    {"id": "duty", "weekdays": [1, 2, 3, 4, 5, 6, 7], "hours": [["08:00", "20:00"]]}
  ],
  "defaults": {"calendar": "gov", "sla": {"respond": "2wh", "resolve": "3wd"}, "escalation": "std",
               "fallback": "centre"},
  "rules": [
    {"id": "vending", "categories": ["street.vending"], "route": ["enforcement_squad"], "assist": ["property_manager"]},
    {"id": "clutter", "categories": ["nuisance.clutter"], "route": ["property_manager"],
     "sla": {"respond": "30m", "resolve": "1d"}}
  ],
  "escalation_policies": [{"id": "std", "rating_below": 3, "repeat_reports": 3, "levels": [
    {"name": "grid"},
    {"name": "community", "tier": "community", "route": ["resident_council"], "respond": "4wh", "resolve": "2wd",
     "assist": ["enforcement_squad"]},
    {"name": "town", "tier": "town", "route": ["governance_center"], "respond": "1d", "resolve": "5d"}
  ]}]
})";

Instant at(const char* t) { return *gridroute::parse_rfc3339(t); }

// A deterministic mix: every field that changes the action takes several values across the cases.
std::vector<Case> cases(std::size_t n) {
  static const char* const kCells[] = {"c1-a-01", "c1-a-02", "c1-b-01", "c2-01", "nowhere"};
  static const char* const kCategories[] = {"street.vending", "nuisance.clutter", "other.thing"};
  static const char* const kHandlerIds[] = {"squad-1", "squad-1b", "pm-a", "council-c1", "gone"};
  const Instant day = at("2026-11-02T00:00:00+08:00") - at("2026-11-01T00:00:00+08:00");
  const Instant base = at("2026-11-09T09:30:00+08:00");
  std::vector<Case> out(n);
  std::uint64_t x = 12345;
  auto next = [&](std::uint64_t m) {
    x = x * 6364136223846793005ull + 1442695040888963407ull;
    return (x >> 33) % m;
  };
  for (std::size_t i = 0; i < n; ++i) {
    Case& c = out[i];
    c.issue.id = "case";
    c.issue.category = kCategories[next(3)];
    c.issue.cell = kCells[next(20) == 0 ? 4 : next(4)];
    c.issue.at = base - static_cast<Instant>(next(10)) * day / 2;
    c.level = static_cast<int>(next(8) == 0 ? 3 : next(3));
    c.level_started_at = c.issue.at + static_cast<Instant>(next(5)) * day / 4;
    c.responded = next(2) == 0;
    c.reports = static_cast<std::int64_t>(next(5));
    c.resolved = next(5) == 0;
    if (next(3) == 0) c.rating = static_cast<int>(1 + next(5));
    if (next(6) == 0) c.handler = kHandlerIds[next(5)];
    if (next(8) == 0) c.rule = next(2) ? "vending" : "retired";
    if (next(6) == 0) c.returned.push_back({kHandlerIds[next(5)], c.level_started_at + day / 8, "not mine"});
    if (next(7) == 0) {
      const Instant from = c.level_started_at + static_cast<Instant>(next(4)) * day / 2;
      c.suspended.push_back({from, next(4) == 0 ? kNoInstant : from + static_cast<Instant>(1 + next(6)) * day / 3});
    }
    if (next(9) == 0) c.extended_to = c.level_started_at + static_cast<Instant>(next(12)) * day;
  }
  return out;
}

void expect_same(const Action& a, const Action& b, std::size_t i) {
  SCOPED_TRACE(testing::Message() << "case " << i);
  EXPECT_EQ(a.kind, b.kind);
  EXPECT_EQ(a.level, b.level);
  EXPECT_EQ(a.role, b.role);
  EXPECT_EQ(a.handler, b.handler);
  EXPECT_EQ(a.unit, b.unit);
  EXPECT_EQ(a.cell, b.cell);
  EXPECT_EQ(a.located, b.located);
  EXPECT_EQ(a.reasons, b.reasons);
  EXPECT_EQ(a.next_check, b.next_check);
  EXPECT_EQ(a.respond_by, b.respond_by);
  EXPECT_EQ(a.resolve_by, b.resolve_by);
  EXPECT_EQ(std::vector<gridroute::HandlerId>(a.assist.begin(), a.assist.end()),
            std::vector<gridroute::HandlerId>(b.assist.begin(), b.assist.end()));
  EXPECT_EQ(a.repinned, b.repinned);
  EXPECT_EQ(a.fallback, b.fallback);
  EXPECT_EQ(a.rule, b.rule);
  EXPECT_EQ(a.policy, b.policy);
  EXPECT_EQ(a.error, b.error);
  EXPECT_EQ(a.trace, b.trace);
}

TEST(Sweep, EveryActionIsTheOneEscalateGivesInInputOrderOnOneOrTwoThreads) {
  auto loaded = gridroute::load_bundle(fixture::sources(fixture::town(kHandlers), kRules));
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  const gridroute::Snapshot& s = **loaded;
  // More than twice the sweep's per-thread minimum (4,096 cases), so that two threads really split it.
  const std::vector<Case> all = cases(10'000);
  const Instant now = at("2026-11-18T10:00:00+08:00");
  std::vector<Action> expected;
  gridroute::Snapshot::SweepSummary want;
  for (const Case& c : all) {
    expected.push_back(s.escalate(c, now));
    const Action& a = expected.back();
    ++want.counts[static_cast<int>(a.kind)];
    if (a.kind == Action::Kind::hold && a.next_check != kNoInstant &&
        (want.next_sweep == kNoInstant || a.next_check < want.next_sweep))
      want.next_sweep = a.next_check;
  }
  // The mix covers every kind but `dispute` and `suspended`'s open-ended form at least once.
  for (Action::Kind k : {Action::Kind::none, Action::Kind::hold, Action::Kind::escalate, Action::Kind::reopen,
                         Action::Kind::rejected, Action::Kind::redispatch, Action::Kind::suspended})
    EXPECT_GT(want.counts[static_cast<int>(k)], 0u) << to_string(k);

  for (unsigned threads : {1u, 2u}) {
    SCOPED_TRACE(testing::Message() << threads << " thread(s)");
    std::vector<Action> got(3);  // a used vector: the sweep replaces what it held
    got[0].error = "stale";
    const auto summary = s.sweep(all, now, got, threads);
    ASSERT_EQ(got.size(), all.size());
    for (std::size_t i = 0; i < all.size(); ++i) expect_same(got[i], expected[i], i);
    for (int k = 0; k < Action::kKinds; ++k) EXPECT_EQ(summary.counts[k], want.counts[k]) << k;
    EXPECT_EQ(summary.next_sweep, want.next_sweep);
  }
  std::vector<Action> none(2);
  const auto empty = s.sweep({}, now, none, 1);
  EXPECT_TRUE(none.empty());
  EXPECT_EQ(empty.next_sweep, kNoInstant);
}

// The caller's vector is the caller's memory: a sweep writes the actions into it and asks nothing of its
// pages (an advice such as MADV_HUGEPAGE stays on the allocator's pages after the vector is freed and
// reaches whatever the caller's allocator puts there next). Checked on a sweep of actions past 4 MiB,
// where the library does ask for huge pages on the mappings it makes itself.
TEST(Sweep, AsksNothingOfTheCallersPages) {
#if !defined(__linux__)
  GTEST_SKIP() << "reads /proc/self/smaps";
#else
  auto loaded = gridroute::load_bundle(fixture::sources(fixture::town(kHandlers), kRules));
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  const std::vector<Case> all = cases(40'000);
  std::vector<Action> got;
  (*loaded)->sweep(all, at("2026-11-18T10:00:00+08:00"), got, 1);
  ASSERT_EQ(got.size(), all.size());
  ASSERT_GE(got.capacity() * sizeof(Action), std::size_t{4} << 20);
  const auto lo = reinterpret_cast<std::uintptr_t>(got.data());
  const std::uintptr_t hi = lo + got.capacity() * sizeof(Action);
  std::ifstream smaps("/proc/self/smaps");
  ASSERT_TRUE(smaps) << "no /proc/self/smaps";
  std::string line, range;
  bool overlaps = false;
  std::size_t seen = 0;
  while (std::getline(smaps, line)) {
    unsigned long a = 0, b = 0;
    char dash = 0;
    std::istringstream head(line);
    if (line.find("VmFlags:") == 0) {
      if (!overlaps) continue;
      ++seen;
      std::istringstream flags(line.substr(8));
      std::string f;
      while (flags >> f) EXPECT_NE(f, "hg") << "the caller's actions at " << range << " were advised for huge pages";
    } else if (head >> std::hex >> a >> dash >> b && dash == '-') {
      overlaps = a < hi && lo < b;
      range = line.substr(0, line.find(' '));
    }
  }
  EXPECT_GT(seen, 0u) << "no mapping holds the actions";
#endif
}

// A CaseBook answers every case as Snapshot::escalate does, at every `now`: before the cases' levels
// started, while suspensions hold and after they end, past every deadline, and at a `now` out of range
// (every case rejected, the case's own error first) — after cases are replaced and removed too.
TEST(CaseBook, EverySweepGivesTheActionsEscalateGivesAtThatNow) {
  auto loaded = gridroute::load_bundle(fixture::sources(fixture::town(kHandlers), kRules));
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  std::shared_ptr<const gridroute::Snapshot> snap = *std::move(loaded);
  std::vector<Case> all = cases(10'000);
  // Returned by every squad and by the fallback owner: nobody is left (a dispute).
  Case disputed = all[0];
  disputed.issue.cell = "c1-a-01";
  disputed.issue.category = "street.vending";
  disputed.level = 0;
  disputed.resolved = false;
  disputed.suspended.clear();
  disputed.handler.reset();
  disputed.rule.reset();
  disputed.returned = {{"squad-1", disputed.level_started_at, ""}, {"squad-1b", disputed.level_started_at, ""},
                       {"centre", disputed.level_started_at, ""}};
  all.push_back(disputed);
  gridroute::CaseBook book(snap);
  // The first half added as a batch (settled in prefetched groups), the rest one by one.
  EXPECT_EQ(book.add(std::span<const Case>(all).first(all.size() / 2)), 0u);
  for (std::size_t i = all.size() / 2; i < all.size(); ++i) EXPECT_EQ(book.add(all[i]), i);
  ASSERT_EQ(book.size(), all.size());
  // Replaced by another case's fields, and removed (the last case moves into the slot).
  book.replace(17, all[4]);
  all[17] = all[4];
  book.remove(3);
  all[3] = all.back();
  all.pop_back();
  ASSERT_EQ(book.size(), all.size());

  const Instant day = at("2026-11-02T00:00:00+08:00") - at("2026-11-01T00:00:00+08:00");
  std::vector<Instant> nows;
  for (Instant t = at("2026-11-03T08:00:00+08:00"); t < at("2026-11-30T00:00:00+08:00"); t += day / 3 + 7 * 60 * 1'000'000'000ll / 60)
    nows.push_back(t);
  nows.push_back(gridroute::kMaxInstant + day);  // out of range: every case rejected
  std::size_t kinds_seen[Action::kKinds] = {};
  std::vector<Action> got;
  for (Instant now : nows) {
    SCOPED_TRACE(testing::Message() << "now " << snap->format_time(now));
    gridroute::Snapshot::SweepSummary want;
    std::vector<Action> expected;
    for (const Case& c : all) {
      expected.push_back(snap->escalate(c, now));
      const Action& a = expected.back();
      ++want.counts[static_cast<int>(a.kind)];
      ++kinds_seen[static_cast<int>(a.kind)];
      if (a.kind == Action::Kind::hold && a.next_check != kNoInstant &&
          (want.next_sweep == kNoInstant || a.next_check < want.next_sweep))
        want.next_sweep = a.next_check;
    }
    for (unsigned threads : {1u, 2u}) {
      const auto summary = book.sweep(now, got, threads);
      ASSERT_EQ(got.size(), all.size());
      for (std::size_t i = 0; i < all.size(); ++i) {
        expect_same(got[i], expected[i], i);
        if (HasFailure()) return;
      }
      for (int k = 0; k < Action::kKinds; ++k) EXPECT_EQ(summary.counts[k], want.counts[k]) << k;
      EXPECT_EQ(summary.next_sweep, want.next_sweep);
    }
  }
  // Every kind of action came up in some sweep.
  for (int k = 1; k < Action::kKinds; ++k) EXPECT_GT(kinds_seen[k], 0u) << to_string(static_cast<Action::Kind>(k));
  book.clear();
  EXPECT_EQ(book.sweep(nows.front(), got).next_sweep, kNoInstant);
  EXPECT_TRUE(got.empty());
}

}  // namespace

namespace {

// Bad case lines (tests/malformed/lines) kept in a CaseBook are answered as `gridroute escalate` answers
// them, line for line: unreadable ones `rejected` with their id (or null) and why, the others as usual.
TEST(CaseBook, BadLinesAreAnsweredAsTheCodecAnswersThem) {
  const std::string root = std::string(GRIDROUTE_SOURCE_DIR) + "/tests/malformed";
  auto snap = gridroute::load_bundle(root + "/_base");
  ASSERT_TRUE(snap.ok()) << snap.status();
  std::ifstream in(root + "/lines/escalate.jsonl", std::ios::binary);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  ASSERT_FALSE(text.empty());
  const Instant now = at("2026-11-23T10:00:00+08:00");
  gridroute::LineCodec codec(*snap);
  std::string want;
  codec.escalate_text(text, now, want);
  gridroute::CaseBook book(*snap);
  std::size_t rejected = 0;
  EXPECT_EQ(book.add_lines(text), 0u);
  book.add_line(std::string(gridroute::CodecOptions{}.max_line_bytes + 1, ' '));  // over the limit, never parsed
  codec.escalate_too_long(gridroute::CodecOptions{}.max_line_bytes + 1, want);
  want += "\n";
  std::string got;
  const auto summary = book.sweep_lines(now, got);
  EXPECT_EQ(got, want);
  rejected = summary.counts[static_cast<int>(Action::Kind::rejected)];
  EXPECT_GT(rejected, 10u);
}

}  // namespace
