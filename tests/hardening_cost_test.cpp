// Hardening: no bundle buys memory out of proportion to its size. A calendar costs what it declares
// (not a table per day of a century), a category costs its text (not a list of every rule that
// matches it), and the count of calendars has a limit that names its option. Memory is measured as
// the heap a loaded snapshot keeps (glibc's mallinfo2); times are measured in benchmarks, never here
// (benchmarks/cost_model.py, docs/security.md).
#include <malloc.h>

#include <string>

#include "hardening_util.hpp"
#include "base/calendar.hpp"
#include "compile/index.hpp"

#if defined(__SANITIZE_ADDRESS__)
#define GRIDROUTE_HEAP_UNMEASURED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer) || __has_feature(memory_sanitizer)
#define GRIDROUTE_HEAP_UNMEASURED 1
#endif
#endif
#if defined(__SANITIZE_THREAD__)
#define GRIDROUTE_HEAP_UNMEASURED 1
#endif

namespace {
using namespace hardening;

// Bytes the heap holds now (sanitizers replace malloc, and mallinfo2 then says nothing).
std::size_t heap_in_use() {
  struct mallinfo2 m = ::mallinfo2();
  return m.uordblks + m.hblkhd;
}

constexpr const char* kJurisdiction = R"({"format": "gridroute.jurisdiction/1", "timezone": "Europe/Berlin",
  "tiers": ["community", "area", "cell"],
  "units": [{"id": "c", "tier": "community"}, {"id": "a", "tier": "area", "parent": "c"},
            {"id": "x", "tier": "cell", "parent": "a"}, {"id": "y", "tier": "cell", "parent": "a"}],
  "handlers": [{"id": "h", "role": "resident_council", "serves": ["c"], "calendar": "cal7"},
               {"id": "p", "role": "property_manager", "serves": ["a"]}]})";

gridroute::BundleSources bundle(std::string rules, bool owner_calendar = true) {
  gridroute::BundleSources b;
  b.label = "mem";
  b.jurisdiction_json = kJurisdiction;
  const std::string cal = R"(, "calendar": "cal7")";
  if (!owner_calendar) b.jurisdiction_json.replace(b.jurisdiction_json.find(cal), cal.size(), "");
  b.rules_json = std::move(rules);
  return b;
}

std::string calendars(int n, bool with_rule = true) {
  std::string r = R"({"format": "gridroute.rules/1", "calendars": [)";
  for (int i = 0; i < n; ++i) {
    r += i ? ", " : "";
    r += R"({"id": "cal)" + std::to_string(i) + R"(", "weekdays": [1, 2, 3, 4, 5], "hours": [["08:30", "12:00"], ["13:30", "17:30"]])";
    if (i % 3 == 0) r += R"(, "timezone": "Asia/Shanghai")";
    if (i % 2 == 0) r += R"(, "holidays": ["2026-10-01", "2026-10-02"], "workdays": ["2026-09-27"])";
    r += "}";
  }
  r += R"(], "defaults": {"sla": {"respond": "4wh", "resolve": "5wd"}}, "rules": [)";
  if (with_rule) r += R"({"id": "r", "categories": ["*"], "route": ["resident_council"]})";
  return r + "]}";
}

// Loads `src` and returns the heap the snapshot keeps.
std::size_t kept_by(const gridroute::BundleSources& src, LoadResult& out, const gridroute::LoadOptions& opt = {}) {
  ::malloc_trim(0);
  const std::size_t before = heap_in_use();
  out = load(src, opt);
  const std::size_t after = heap_in_use();
  return after > before ? after - before : 0;
}

TEST(HardeningCost, ThreeThousandCalendarsCostWhatTheyDeclare) {
  LoadResult r;
  const std::size_t kept = kept_by(bundle(calendars(3000)), r);
  ASSERT_TRUE(r.ok) << r.all;
  const auto& cals = r.snapshot->index().calendars;
  ASSERT_EQ(cals.size(), 3001u);  // and the built-in 24/7 one
  std::size_t bytes = 0;
  for (const auto& c : cals) bytes += c.bytes();
  EXPECT_LT(bytes, 3000u * 2048u) << "the calendars' own accounting";
#ifndef GRIDROUTE_HEAP_UNMEASURED
  // Each used to keep ~430 KB of per-day tables for 2000–2099: 1.3 GB for these.
  EXPECT_LT(kept, std::size_t{24} << 20) << "heap kept by the snapshot";
#else
  (void)kept;
#endif
  // Deadlines are still counted on them (cal7 is the owner's calendar).
  gridroute::Issue is;
  is.id = "I";
  is.category = "env.noise";
  is.cell = "x";
  is.at = *gridroute::parse_rfc3339("2026-09-30T16:00:00+02:00");
  gridroute::Decision d = r.snapshot->route(is);
  ASSERT_EQ(d.status, gridroute::Decision::Status::routed) << d.message;
  EXPECT_EQ(r.snapshot->format_time(d.respond_by), "2026-10-01T11:00:00+02:00");
  EXPECT_EQ(r.snapshot->format_time(d.resolve_by), "2026-10-07T17:30:00+02:00");
}

TEST(HardeningCost, CalendarCountHasALimitThatNamesItsOption) {
  // The default: 10,000. One more is refused before anything is built from the list.
  auto over = load(bundle(calendars(10'001, false)));
  expect_well_formed(over);
  EXPECT_TRUE(has_diagnostic(over, "rules.json", "/calendars: more than 10000 calendars (LoadOptions::max_calendars)"))
      << over.all.substr(0, 2000);
  EXPECT_EQ(over.diagnostics.size(), 1u);
  gridroute::LoadOptions opt;
  opt.max_calendars = 2;
  auto small = load(bundle(calendars(3)), opt);
  expect_well_formed(small);
  EXPECT_TRUE(has_diagnostic(small, "rules.json", "/calendars: more than 2 calendars (LoadOptions::max_calendars)"))
      << small.all;
  opt.max_calendars = 10'001;
  EXPECT_TRUE(load(bundle(calendars(10'001, false)), opt).ok);
}

std::string categories(int n, const std::string& prefix) {
  std::string r;
  for (int i = 0; i < n; ++i) r += (i ? ", " : "") + (R"({"code": ")" + prefix + std::to_string(i) + R"("})");
  return r;
}

// Routes `issue` on the fast path and explained (which walks every candidate): the same answer.
void expect_fast_equals_full(const gridroute::Snapshot& s, const gridroute::Issue& is) {
  gridroute::Decision fast = s.route(is), full = s.route(is, true);
  EXPECT_EQ(fast.status, full.status) << is.category;
  EXPECT_EQ(fast.rule, full.rule) << is.category;
  EXPECT_EQ(fast.handler, full.handler) << is.category;
  EXPECT_EQ(fast.message, full.message) << is.category;
}

TEST(HardeningCost, CategoriesTimesStarRulesCostTheirText) {
  // 40,000 categories and 1,000 `*` rules (about 1 MB): the candidate lists used to be 40 million
  // entries (1.3 GB, 19 s to load).
  std::string rules = R"({"format": "gridroute.rules/1", "attributes": {"severity": "number"}, "categories": [)" +
                      categories(40'000, "env.noise.c") + R"(], "rules": [)";
  for (int i = 0; i < 1000; ++i)
    rules += (i ? ", " : "") + (R"({"id": "r)" + std::to_string(i) + R"(", "categories": ["*"], "when": {"attr": "severity", "ge": )" +
                                std::to_string(i) + R"(}, "route": ["resident_council"]})");
  rules += "]}";
  LoadResult r;
  const std::size_t kept = kept_by(bundle(rules, false), r);
  ASSERT_TRUE(r.ok) << r.all.substr(0, 2000);
#ifndef GRIDROUTE_HEAP_UNMEASURED
  EXPECT_LT(kept, std::size_t{40} << 20) << "heap kept by the snapshot";
#else
  (void)kept;
#endif
  EXPECT_LE(r.snapshot->index().candidates.size(), 1000u);
  gridroute::Issue is;
  is.id = "I";
  is.cell = "y";
  is.at = *gridroute::parse_rfc3339("2026-09-30T16:00:00+02:00");
  for (int c : {0, 17, 39'999}) {
    const std::string code = "env.noise.c" + std::to_string(c);
    is.category = code;
    for (double sev : {0.0, 500.5, 999.0, 1e9}) {
      is.attrs = {{"severity", gridroute::AttrValue::number(sev)}};
      expect_fast_equals_full(*r.snapshot, is);
      gridroute::Decision d = r.snapshot->route(is);
      ASSERT_EQ(d.status, gridroute::Decision::Status::routed);
      EXPECT_EQ(r.snapshot->rule_id(d.rule), "r0");
    }
    is.attrs = {{"severity", gridroute::AttrValue::number(-1)}};
    gridroute::Decision none = r.snapshot->route(is);
    EXPECT_EQ(none.status, gridroute::Decision::Status::unrouted);
    EXPECT_EQ(none.message, "1000 rules match category '" + code + "', but none applies here (scope or condition)");
  }
}

TEST(HardeningCost, PrefixRulesAndOneExactRulePerCategoryCostTheirText) {
  // Sharing identical lists would not help here: every category has its own exact rule besides the 500
  // prefix rules they all match. Checking that each pattern matches a declared category used to compare
  // it with every category too.
  const int n = 20'000;
  std::string rules = R"({"format": "gridroute.rules/1", "categories": [)" + categories(n, "a.b.x") + R"(], "rules": [)";
  for (int i = 0; i < 500; ++i)
    rules += (i ? ", " : "") + (R"({"id": "p)" + std::to_string(i) + R"(", "priority": 1, "scope": "a", "categories": ["a.*", "a.b.*"], "route": ["resident_council"]})");
  for (int i = 0; i < n; ++i)
    rules += R"(, {"id": "e)" + std::to_string(i) + R"(", "scope": "x", "categories": ["a.b.x)" + std::to_string(i) +
             R"(", "*"], "route": ["property_manager"]})";
  rules += "]}";
  LoadResult r;
  const std::size_t kept = kept_by(bundle(rules, false), r);
  ASSERT_TRUE(r.ok) << r.all.substr(0, 2000);
#ifndef GRIDROUTE_HEAP_UNMEASURED
  EXPECT_LT(kept, std::size_t{64} << 20) << "heap kept by the snapshot";
#else
  (void)kept;
#endif
  gridroute::Issue is;
  is.id = "I";
  is.at = *gridroute::parse_rfc3339("2026-09-30T16:00:00+02:00");
  for (int c : {0, 4321, n - 1}) {
    const std::string code = "a.b.x" + std::to_string(c);
    is.category = code;
    for (const char* cell : {"x", "y"}) {
      is.cell = cell;
      expect_fast_equals_full(*r.snapshot, is);
    }
    is.cell = "x";
    gridroute::Decision d = r.snapshot->route(is);
    ASSERT_EQ(d.status, gridroute::Decision::Status::routed);
    EXPECT_EQ(r.snapshot->rule_id(d.rule), "p0");  // priority first
    // Explained: every candidate once, each rule at its most specific pattern (p* at "a.b.*",
    // e<c> at its code; the other e* by "*", out of scope in cell y alike).
    gridroute::Decision ex = r.snapshot->route(is, true);
    EXPECT_EQ(ex.trace.size(), static_cast<std::size_t>(500 + n));
    std::size_t at_code = 0;
    for (const auto& t : ex.trace)
      if (t.rule != gridroute::kNone && r.snapshot->rule_id(t.rule)[0] == 'p') EXPECT_EQ(t.pattern, 1);
      else if (t.rule != gridroute::kNone && r.snapshot->rule_id(t.rule) == "e" + std::to_string(c)) at_code += t.pattern == 0;
    EXPECT_EQ(at_code, 1u);
  }
}

}  // namespace
