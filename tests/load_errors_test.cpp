// Bundle errors (SPEC §2): every kind of error is reported as FILE:LINE:COLUMN: /json/pointer: message
// (CSV: FILE:LINE: message), naming the offending field; all errors are reported at once; the bundle
// is refused whole; nothing crashes.
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "gridroute/engine.hpp"

namespace {
namespace fs = std::filesystem;
using gridroute::BundleSources;
using gridroute::Diagnostic;

// A small valid bundle; each test breaks one thing. Every value sits where a test can find it by text.
const std::string kJur = R"({
  "format": "gridroute.jurisdiction/1",
  "name": "Testtown",
  "timezone": "Asia/Shanghai",
  "tiers": ["town", "community", "area", "cell"],
  "units": [
    {"id": "town", "tier": "town"},
    {"id": "c1", "tier": "community", "parent": "town"},
    {"id": "c1-a", "tier": "area", "parent": "c1"},
    {"id": "c1-a-01", "tier": "cell", "parent": "c1-a", "estate": "sunshine"},
    {"id": "c1-a-02", "tier": "cell", "parent": "c1-a"},
    {"id": "c2", "tier": "community", "parent": "town"},
    {"id": "c2-01", "tier": "cell", "parent": "c2"}
  ],
  "handlers": [
    {"id": "council-c1", "role": "resident_council", "serves": ["c1"]},
    {"id": "council-c2", "role": "resident_council", "serves": ["c2"], "calendar": "gov"},
    {"id": "dept-gas", "role": "partner_department", "department": "gas", "serves": ["town"]}
  ]
}
)";

const std::string kRules = R"({
  "format": "gridroute.rules/1",
  "roles": ["mediator"],
  "attributes": {"severity": "number", "private": "bool", "channel": "string"},
  "categories": [{"code": "a.b.c"}, {"code": "a.b.d"}, {"code": "x.y"}],
  "calendars": [
    {"id": "gov", "weekdays": [1, 2, 3, 4, 5], "hours": [["09:00", "12:00"], ["13:00", "17:00"]],
     "holidays": ["2026-10-01"], "workdays": ["2026-10-10"]}
  ],
  "defaults": {"calendar": "gov", "sla": {"respond": "2wh", "resolve": "3wd"}, "escalation": "std"},
  "rules": [
    {"id": "r-council", "categories": ["a.*"], "route": ["resident_council"]},
    {"id": "r-gas", "priority": 1, "categories": ["x.y"], "when": {"attr": "severity", "ge": 2},
     "route": [{"role": "partner_department", "department": "gas"}], "sla": {"respond": "1h", "resolve": "2wd"}}
  ],
  "escalation_policies": [
    {"id": "std", "levels": [
      {"name": "grid"},
      {"name": "community", "tier": "community", "route": ["resident_council"], "resolve": "2wd"},
      {"name": "town", "tier": "town", "route": [{"role": "partner_department", "department": "gas"}]}
    ], "repeat_reports": 3, "rating_below": 3, "severity_skip": {"at_least": 5, "to_level": 2}}
  ]
}
)";

// Replaces the only occurrence of `from` in `text`.
std::string edit(std::string text, const std::string& from, const std::string& to) {
  auto at = text.find(from);
  EXPECT_NE(at, std::string::npos) << "fixture has no '" << from << "'";
  if (at == std::string::npos) return text;
  EXPECT_EQ(text.find(from, at + 1), std::string::npos) << "fixture has '" << from << "' twice";
  return text.replace(at, from.size(), to);
}

struct Pos {
  int line = 0, column = 0;
};
// 1-based line and byte column in `text` of the marker "@@" inside `needle` (or of the needle's start).
// The needle, without the marker, must occur exactly once.
Pos pos_of(const std::string& text, std::string needle) {
  std::size_t mark = needle.find("@@");
  std::size_t shift = 0;
  if (mark != std::string::npos) {
    needle.erase(mark, 2);
    shift = mark;
  }
  std::size_t at = text.find(needle);
  EXPECT_NE(at, std::string::npos) << "no '" << needle << "' in the text";
  if (at == std::string::npos) return {};
  EXPECT_EQ(text.find(needle, at + 1), std::string::npos) << "'" << needle << "' is not unique in the text";
  at += shift;
  Pos p{1, 1};
  for (std::size_t i = 0; i < at && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++p.line;
      p.column = 1;
    } else {
      ++p.column;
    }
  }
  return p;
}

std::string dump(const std::vector<Diagnostic>& ds) {
  std::string s;
  for (const auto& d : ds) s += "  " + d.to_string() + "\n";
  return s.empty() ? "  (no diagnostics)\n" : s;
}

struct Loaded {
  bool ok = false;
  std::string status;
  std::vector<Diagnostic> diags;
};

Loaded load(const std::string& jur, const std::string& rules,
            std::vector<std::pair<std::string, std::string>> files = {}) {
  BundleSources src;
  src.label = "mem";
  src.jurisdiction_json = jur;
  src.rules_json = rules;
  src.files = std::move(files);
  Loaded l;
  auto r = gridroute::load_bundle(src, &l.diags);
  l.ok = r.ok();
  if (!r.ok()) l.status = std::string(r.status().message());
  return l;
}

// Finds the diagnostic with `pointer` in `file`; fails the test when there is none.
const Diagnostic* find(const Loaded& l, const std::string& file, const std::string& pointer) {
  for (const auto& d : l.diags)
    if (d.file == file && d.pointer == pointer) return &d;
  ADD_FAILURE() << "no diagnostic for " << file << " " << pointer << "; got:\n" << dump(l.diags);
  return nullptr;
}

// Asserts one JSON diagnostic: file, pointer, position (that of `needle` in `text`), and that the
// message contains each of `words`.
void expect_json_error(const Loaded& l, const std::string& file, const std::string& text, const std::string& pointer,
                       const std::string& needle, std::vector<std::string> words) {
  SCOPED_TRACE("pointer " + pointer);
  EXPECT_FALSE(l.ok) << "the bundle must be refused";
  const Diagnostic* d = find(l, "mem/" + file, pointer);
  if (!d) return;
  Pos p = pos_of(text, needle);
  EXPECT_EQ(d->severity, Diagnostic::Severity::error);
  EXPECT_EQ(d->line, p.line) << d->to_string();
  EXPECT_EQ(d->column, p.column) << d->to_string();
  for (const auto& w : words) EXPECT_NE(d->message.find(w), std::string::npos) << "message should name '" << w << "': " << d->to_string();
}

const Diagnostic* find_csv(const Loaded& l, const std::string& file, int line) {
  for (const auto& d : l.diags)
    if (d.file == file && d.line == line) return &d;
  ADD_FAILURE() << "no diagnostic for " << file << ":" << line << "; got:\n" << dump(l.diags);
  return nullptr;
}

void expect_csv_error(const Loaded& l, const std::string& file, int line, std::vector<std::string> words) {
  SCOPED_TRACE(file + ":" + std::to_string(line));
  EXPECT_FALSE(l.ok);
  const Diagnostic* d = find_csv(l, "mem/" + file, line);
  if (!d) return;
  EXPECT_EQ(d->column, 0) << "CSV diagnostics are FILE:LINE";
  EXPECT_EQ(d->pointer, "") << "CSV diagnostics have no JSON pointer";
  for (const auto& w : words) EXPECT_NE(d->message.find(w), std::string::npos) << "message should name '" << w << "': " << d->to_string();
  EXPECT_EQ(d->to_string().rfind("mem/" + file + ":" + std::to_string(line) + ": ", 0), 0u) << d->to_string();
}

TEST(LoadErrors, TheFixtureIsValid) {
  Loaded l = load(kJur, kRules);
  EXPECT_TRUE(l.ok) << l.status << "\n" << dump(l.diags);
  EXPECT_TRUE(l.diags.empty()) << dump(l.diags);
}

// ---------------------------------------------------------------- jurisdiction.json

TEST(LoadErrors, UnknownParent) {
  std::string j = edit(kJur, R"({"id": "c1-a-02", "tier": "cell", "parent": "c1-a"})",
                       R"({"id": "c1-a-02", "tier": "cell", "parent": "nowhere"})");
  Loaded l = load(j, kRules);
  expect_json_error(l, "jurisdiction.json", j, "/units/4/parent", R"("nowhere")", {"parent", "nowhere"});
}

// The errors of the test jurisdiction with `rules`, up to `max_errors` (the bundle must be refused).
std::vector<Diagnostic> errors_of_rules(const std::string& rules, std::size_t max_errors) {
  BundleSources src;
  src.label = "mem";
  src.jurisdiction_json = kJur;
  src.rules_json = rules;
  std::vector<Diagnostic> diags;
  gridroute::LoadOptions opt;
  opt.max_errors = max_errors;
  EXPECT_FALSE(gridroute::load_bundle(src, &diags, opt).ok());
  return diags;
}

// "Did you mean" searches every id of its kind, and every kind draws on one budget of candidates for the
// whole bundle: a bundle of 20,000 rules, each naming a misspelt one of 20,000 escalation policies, is
// refused in the time of a few hundred searches, not 20,000 of them (once minutes), the first errors with
// their suggestion and every error reported.
TEST(LoadErrors, SuggestionsOfManyMisspeltReferencesShareOneBudget) {
  constexpr int kMany = 20'000;
  std::string policies, rules;
  for (int i = 0; i < kMany; ++i) {
    const std::string n = std::to_string(100000 + i);
    policies += R"(,{"id": "policy-number-)" + n + R"(", "levels": [{"name": "g"}]})";
    rules += R"(,{"id": "r)" + n + R"(", "categories": ["a.*"], "route": ["resident_council"], "escalation": "policy-numbr-)" + n + "\"}";
  }
  std::string r = edit(kRules, R"(], "repeat_reports": 3, "rating_below": 3, "severity_skip": {"at_least": 5, "to_level": 2}})",
                       R"(], "repeat_reports": 3, "rating_below": 3, "severity_skip": {"at_least": 5, "to_level": 2}})" + policies);
  r = edit(r, R"("sla": {"respond": "1h", "resolve": "2wd"}})", R"("sla": {"respond": "1h", "resolve": "2wd"}})" + rules);
  const std::vector<Diagnostic> diags = errors_of_rules(r, 2 * kMany);
  ASSERT_EQ(diags.size(), static_cast<std::size_t>(kMany)) << dump(diags).substr(0, 2000);
  EXPECT_EQ(diags.front().message, R"(unknown escalation policy "policy-numbr-100000" (did you mean "policy-number-100000"?))");
  EXPECT_EQ(diags.back().message, R"(unknown escalation policy "policy-numbr-119999")");
}

// The same for category patterns that match no declared category: each suggestion searched the whole
// taxonomy (12,000 misspelt patterns over 12,000 codes took 5 s); they share the budget too.
TEST(LoadErrors, SuggestionsForManyUnknownCategoryPatternsShareTheBudget) {
  constexpr int kMany = 20'000;
  std::string codes, rules;
  for (int i = 0; i < kMany; ++i) {
    const std::string n = std::to_string(100000 + i);
    codes += R"(, {"code": "c.code_)" + n + R"("})";
    rules += R"(,{"id": "rc)" + n + R"(", "categories": ["c.cdoe_)" + n + R"("], "route": ["resident_council"]})";
  }
  std::string r = edit(kRules, R"({"code": "x.y"}])", R"({"code": "x.y"})" + codes + "]");
  r = edit(r, R"(    {"id": "r-council", "categories": ["a.*"], "route": ["resident_council"]},)",
           R"(    {"id": "r-council", "categories": ["a.*"], "route": ["resident_council"]})" + rules + ",");
  const std::vector<Diagnostic> diags = errors_of_rules(r, 2 * kMany);
  ASSERT_EQ(diags.size(), static_cast<std::size_t>(kMany)) << dump(diags).substr(0, 2000);
  EXPECT_EQ(diags.front().message,
            R"(category pattern "c.cdoe_100000" matches no declared category (did you mean "c.code_100000"?))");
  EXPECT_EQ(diags.back().message, R"(category pattern "c.cdoe_119999" matches no declared category)");
}

// LoadOptions::max_errors caps the whole list: the readers of the files and the checks after them stop at
// it each, and together are cut to it (a repeated key read first, then the checks, once gave one more).
TEST(LoadErrors, MaxErrorsCapsTheWholeList) {
  const std::string r = edit(kRules, R"("attributes": {"severity": "number",)",
                             R"("attributes": {"severity": "number", "severity": "bool", "floor": 3, "kind": 4,)");
  BundleSources src;
  src.label = "mem";
  src.jurisdiction_json = kJur;
  src.rules_json = r;
  std::vector<Diagnostic> all;
  ASSERT_FALSE(gridroute::load_bundle(src, &all).ok());
  ASSERT_GE(all.size(), 3u) << dump(all);
  for (std::size_t cap = 1; cap <= all.size(); ++cap) {
    gridroute::LoadOptions opt;
    opt.max_errors = cap;
    std::vector<Diagnostic> some;
    auto loaded = gridroute::load_bundle(src, &some, opt);
    ASSERT_FALSE(loaded.ok());
    ASSERT_EQ(some.size(), cap) << dump(some);
    for (std::size_t k = 0; k < cap; ++k) EXPECT_EQ(some[k].to_string(), all[k].to_string()) << k;
    if (cap < all.size())
      EXPECT_NE(std::string(loaded.status().message()).find("at least " + std::to_string(cap) + " error"), std::string::npos)
          << loaded.status().message();
  }
}

// Bytes after the document's closing brace are past the whole document: no member's pointer is named.
TEST(LoadErrors, BytesAfterTheDocumentNameNoMember) {
  for (const std::string& tail : {std::string("x"), std::string("\xff"), std::string("\n{}")}) {
    Loaded l = load(kJur, kRules + tail);
    ASSERT_FALSE(l.ok);
    ASSERT_EQ(l.diags.size(), 1u) << dump(l.diags);
    EXPECT_EQ(l.diags[0].pointer, "") << l.diags[0].to_string();
    EXPECT_EQ(l.diags[0].to_string().find(": /"), std::string::npos) << l.diags[0].to_string();
  }
}

TEST(LoadErrors, UnknownParentIsNotReportedAsACycle) {
  std::string j = edit(kJur, R"({"id": "c2-01", "tier": "cell", "parent": "c2"})",
                       R"({"id": "c2-01", "tier": "cell", "parent": "nowhere"})");
  Loaded l = load(j, kRules);
  ASSERT_FALSE(l.ok);
  for (const auto& d : l.diags) EXPECT_EQ(d.message.find("cycle"), std::string::npos) << d.to_string();
  expect_json_error(l, "jurisdiction.json", j, "/units/6/parent", R"("parent": @@"nowhere")", {"nowhere"});
  // Only the unit itself is blamed for its parent: no other diagnostic names its parent field.
  for (const auto& d : l.diags)
    if (d.pointer == "/units/6/parent") EXPECT_NE(d.message.find("nowhere"), std::string::npos) << d.to_string();
}

TEST(LoadErrors, Cycle) {
  // x1 and x2 are each other's parent: unreachable from the root.
  std::string j = edit(kJur, R"({"id": "c2-01", "tier": "cell", "parent": "c2"})",
                       R"({"id": "c2-01", "tier": "cell", "parent": "c2"},
    {"id": "x1", "tier": "area", "parent": "x2"},
    {"id": "x2", "tier": "area", "parent": "x1"},
    {"id": "x1-01", "tier": "cell", "parent": "x1"})");
  Loaded l = load(j, kRules);
  // One cause, one error: at the cycle's first unit in file order, naming every unit on it.
  expect_json_error(l, "jurisdiction.json", j, "/units/7/parent", R"("parent": @@"x2"})",
                    {"cycle", R"("x1" -> "x2" -> "x1")"});
  for (const auto& d : l.diags) {
    EXPECT_NE(d.pointer, "/units/8/parent") << "the cycle is reported once:\n" << dump(l.diags);
    // x1-01 hangs below the cycle: not reported on its own.
    EXPECT_NE(d.pointer, "/units/9/parent") << dump(l.diags);
  }
}

// The root given a parent below it: every unit is on, or below, one cycle, and the cycle is named.
TEST(LoadErrors, ACycleThroughTheRootIsNamed) {
  std::string j = edit(kJur, R"({"id": "town", "tier": "town"})", R"({"id": "town", "tier": "town", "parent": "c1-a-01"})");
  Loaded l = load(j, kRules);
  ASSERT_FALSE(l.ok);
  bool named = false;
  for (const auto& d : l.diags) {
    named = named || (d.pointer == "/units/0/parent" &&
                      d.message.find(R"("town" -> "c1-a-01" -> "c1-a" -> "c1" -> "town" form a cycle of parents, so no unit is the root)") !=
                          std::string::npos);
    EXPECT_EQ(d.message.find("has child units"), std::string::npos) << dump(l.diags);
  }
  EXPECT_TRUE(named) << dump(l.diags);
}

TEST(LoadErrors, OwnParent) {
  std::string j = edit(kJur, R"({"id": "c2-01", "tier": "cell", "parent": "c2"})",
                       R"({"id": "c2-01", "tier": "cell", "parent": "c2-01"})");
  Loaded l = load(j, kRules);
  expect_json_error(l, "jurisdiction.json", j, "/units/6/parent", R"("c2-01"})", {"parent"});
}

TEST(LoadErrors, TwoRoots) {
  std::string j = edit(kJur, R"({"id": "town", "tier": "town"},)", R"({"id": "town", "tier": "town"},
    {"id": "other-town", "tier": "town"},)");
  Loaded l = load(j, kRules);
  // The second root has no "parent": the diagnostic points at the unit object.
  expect_json_error(l, "jurisdiction.json", j, "/units/1/parent", R"({"id": "other-town")", {"root", "other-town"});
}

TEST(LoadErrors, NoRoot) {
  std::string j = edit(kJur, R"({"id": "town", "tier": "town"},)", R"({"id": "town", "tier": "town", "parent": "c1"},)");
  Loaded l = load(j, kRules);
  EXPECT_FALSE(l.ok);
  bool root = false;
  for (const auto& d : l.diags) root = root || d.message.find("root") != std::string::npos;
  EXPECT_TRUE(root) << dump(l.diags);
}

TEST(LoadErrors, TierOutOfOrder) {
  // An area whose parent is an area.
  std::string j = edit(kJur, R"({"id": "c2-01", "tier": "cell", "parent": "c2"})",
                       R"({"id": "c2-a", "tier": "area", "parent": "c2"},
    {"id": "c2-a-x", "tier": "area", "parent": "c2-a"},
    {"id": "c2-01", "tier": "cell", "parent": "c2-a-x"})");
  Loaded l = load(j, kRules);
  expect_json_error(l, "jurisdiction.json", j, "/units/7/tier", R"("area", "parent": "c2-a"})", {"area"});
}

TEST(LoadErrors, RootNotOfTheFirstTier) {
  std::string j = edit(kJur, R"({"id": "town", "tier": "town"},)", R"({"id": "town", "tier": "community"},)");
  Loaded l = load(j, kRules);
  expect_json_error(l, "jurisdiction.json", j, "/units/0/tier", R"("community"},)", {"town"});
}

TEST(LoadErrors, UnknownTierOfAUnit) {
  std::string j = edit(kJur, R"({"id": "c2", "tier": "community")", R"({"id": "c2", "tier": "village")");
  Loaded l = load(j, kRules);
  expect_json_error(l, "jurisdiction.json", j, "/units/5/tier", R"("village")", {"village"});
}

TEST(LoadErrors, TiersMustEndWithCommunityAreaCell) {
  std::string j = edit(kJur, R"(["town", "community", "area", "cell"])", R"(["town", "community", "cell", "area"])");
  Loaded l = load(j, kRules);
  expect_json_error(l, "jurisdiction.json", j, "/tiers", R"(["town", "community", "cell", "area"])", {"community"});
}

TEST(LoadErrors, LeafThatIsNotACell) {
  std::string j = edit(kJur, R"({"id": "c2-01", "tier": "cell", "parent": "c2"})",
                       R"({"id": "c2-01", "tier": "cell", "parent": "c2"},
    {"id": "c2-a", "tier": "area", "parent": "c2"})");
  Loaded l = load(j, kRules);
  expect_json_error(l, "jurisdiction.json", j, "/units/7/tier", R"("area", "parent": "c2"})", {"c2-a", "cell"});
}

TEST(LoadErrors, DuplicateUnitId) {
  std::string j = edit(kJur, R"({"id": "c1-a-02", "tier": "cell", "parent": "c1-a"})",
                       R"({"id": "c1-a-01", "tier": "cell", "parent": "c1-a"})");
  Loaded l = load(j, kRules);
  expect_json_error(l, "jurisdiction.json", j, "/units/4/id", R"({"id": @@"c1-a-01", "tier": "cell", "parent": "c1-a"})", {"duplicate", "c1-a-01"});
}

TEST(LoadErrors, DuplicateHandlerId) {
  std::string j = edit(kJur, R"({"id": "council-c2", )", R"({"id": "council-c1", )");
  Loaded l = load(j, kRules);
  expect_json_error(l, "jurisdiction.json", j, "/handlers/1/id", R"({"id": @@"council-c1", "role": "resident_council", "serves": ["c2"])", {"duplicate", "council-c1"});
}

TEST(LoadErrors, InvalidUnitId) {
  std::string j = edit(kJur, R"({"id": "c2-01", "tier": "cell", "parent": "c2"})",
                       R"({"id": "c2 01", "tier": "cell", "parent": "c2"})");
  Loaded l = load(j, kRules);
  expect_json_error(l, "jurisdiction.json", j, "/units/6/id", R"("c2 01")", {"c2 01"});
}

TEST(LoadErrors, UnknownUnitInServes) {
  std::string j = edit(kJur, R"("serves": ["c1"]})", R"("serves": ["c1", "c9"]})");
  Loaded l = load(j, kRules);
  expect_json_error(l, "jurisdiction.json", j, "/handlers/0/serves/1", R"("c9")", {"c9"});
}

TEST(LoadErrors, EmptyServes) {
  std::string j = edit(kJur, R"("serves": ["c1"]})", R"("serves": []})");
  Loaded l = load(j, kRules);
  expect_json_error(l, "jurisdiction.json", j, "/handlers/0/serves", R"([]})", {"serve"});
}

TEST(LoadErrors, UnknownFieldInJurisdiction) {
  std::string j = edit(kJur, R"("name": "Testtown",)", R"("name": "Testtown", "colour": "red",)");
  j = edit(j, R"({"id": "council-c1", "role")", R"({"id": "council-c1", "phone": "110", "role")");
  Loaded l = load(j, kRules);
  expect_json_error(l, "jurisdiction.json", j, "/colour", R"("red")", {"colour"});
  expect_json_error(l, "jurisdiction.json", j, "/handlers/0/phone", R"("110")", {"phone"});
}

TEST(LoadErrors, ExtraUnitFieldsMustBeStrings) {
  // Extra unit fields with string values are kept; any other value is an error naming the field.
  std::string j = edit(kJur, R"("estate": "sunshine"})", R"("estate": "sunshine", "floors": 12})");
  Loaded l = load(j, kRules);
  expect_json_error(l, "jurisdiction.json", j, "/units/3/floors", "12}", {"floors"});
}

TEST(LoadErrors, WrongJsonTypeInJurisdiction) {
  std::string j = edit(kJur, R"("timezone": "Asia/Shanghai")", R"("timezone": 8)");
  j = edit(j, R"({"id": "c2-01", "tier": "cell", "parent": "c2"})", R"({"id": 201, "tier": "cell", "parent": "c2"})");
  j = edit(j, R"("serves": ["c2"])", R"("serves": "c2")");
  Loaded l = load(j, kRules);
  expect_json_error(l, "jurisdiction.json", j, "/timezone", "8,", {"string"});
  expect_json_error(l, "jurisdiction.json", j, "/units/6/id", "201", {"string", "201"});
  expect_json_error(l, "jurisdiction.json", j, "/handlers/1/serves", R"("serves": @@"c2")", {"list"});
}

TEST(LoadErrors, MissingRequiredField) {
  std::string j = edit(kJur, R"({"id": "c2", "tier": "community", "parent": "town"})", R"({"id": "c2", "parent": "town"})");
  Loaded l = load(j, kRules);
  expect_json_error(l, "jurisdiction.json", j, "/units/5", R"({"id": "c2")", {"tier"});
}

TEST(LoadErrors, UnknownTimeZone) {
  std::string j = edit(kJur, R"("Asia/Shanghai")", R"("Mars/Olympus")");
  Loaded l = load(j, kRules);
  expect_json_error(l, "jurisdiction.json", j, "/timezone", R"("Mars/Olympus")", {"Mars/Olympus"});
}

TEST(LoadErrors, WrongFormat) {
  std::string j = edit(kJur, R"("gridroute.jurisdiction/1")", R"("gridroute.jurisdiction/2")");
  Loaded l = load(j, kRules);
  expect_json_error(l, "jurisdiction.json", j, "/format", R"("gridroute.jurisdiction/2")", {"format"});
}

// ---------------------------------------------------------------- roles and departments

TEST(LoadErrors, UnknownRoleOfAHandler) {
  std::string j = edit(kJur, R"("role": "resident_council", "serves": ["c1"])", R"("role": "janitor", "serves": ["c1"])");
  Loaded l = load(j, kRules);
  expect_json_error(l, "jurisdiction.json", j, "/handlers/0/role", R"("janitor")", {"janitor"});
}

TEST(LoadErrors, UnknownRoleInARule) {
  std::string r = edit(kRules, R"("route": ["resident_council"]},)", R"("route": ["resident_council", "janitor"]},)");
  Loaded l = load(kJur, r);
  expect_json_error(l, "rules.json", r, "/rules/0/route/1", R"("janitor")", {"janitor"});
}

TEST(LoadErrors, DeclaredRoleWorks) {
  // "mediator" is declared in rules.json "roles": a handler may have it.
  std::string j = edit(kJur, R"({"id": "council-c1", "role": "resident_council")", R"({"id": "council-c1", "role": "mediator")");
  Loaded l = load(j, kRules);
  EXPECT_TRUE(l.ok) << dump(l.diags);
}

TEST(LoadErrors, DepartmentRulesForHandlers) {
  std::string j = edit(kJur, R"("role": "partner_department", "department": "gas",)", R"("role": "partner_department",)");
  j = edit(j, R"({"id": "council-c1", "role": "resident_council",)",
           R"({"id": "council-c1", "role": "resident_council", "department": "civil",)");
  Loaded l = load(j, kRules);
  // A partner_department without a department: points at the handler object.
  expect_json_error(l, "jurisdiction.json", j, "/handlers/2/department", R"({"id": "dept-gas")", {"department"});
  expect_json_error(l, "jurisdiction.json", j, "/handlers/0/department", R"("civil")", {"department"});
}

TEST(LoadErrors, DepartmentRulesForRoleReferences) {
  std::string r = edit(kRules, R"("route": [{"role": "partner_department", "department": "gas"}], "sla")",
                       R"("route": [{"role": "partner_department"}], "sla")");
  r = edit(r, R"("route": ["resident_council"]},)", R"("route": [{"role": "resident_council", "department": "gas"}]},)");
  Loaded l = load(kJur, r);
  expect_json_error(l, "rules.json", r, "/rules/1/route/0", R"({"role": "partner_department"})", {"department"});
  expect_json_error(l, "rules.json", r, "/rules/0/route/0/department", R"("gas"}]},)", {"department"});
}

TEST(LoadErrors, UnknownFieldInARoleReference) {
  std::string r = edit(kRules, R"({"role": "partner_department", "department": "gas"}], "sla")",
                       R"({"role": "partner_department", "dept": "gas"}], "sla")");
  Loaded l = load(kJur, r);
  expect_json_error(l, "rules.json", r, "/rules/1/route/0/dept", R"("gas"}], "sla")", {"dept"});
}

// An unknown field that is no misspelling leaves its object read whole: the object's other errors are
// reported in the same run (SPEC §2: all errors found), in a handler and in a rule alike.
TEST(LoadErrors, AnUnknownFieldHidesNoOtherErrorOfItsObject) {
  std::string j = edit(kJur, R"({"id": "council-c1", "role": "resident_council", "serves": ["c1"]})",
                       R"({"id": "council-c1", "role": "resident_council", "serves": ["zz"], "zzz": 1})");
  std::string r = edit(kRules, R"({"id": "r-council", "categories": ["a.*"], "route": ["resident_council"]})",
                       R"({"id": "r-council", "categories": ["a.*"], "route": ["mayor"], "colour": "red"})");
  Loaded l = load(j, r);
  ASSERT_FALSE(l.ok);
  std::string all = dump(l.diags);
  for (const char* want : {"/handlers/0/zzz: unknown field 'zzz'", "/handlers/0/serves/0: unknown unit \"zz\"",
                           "/rules/0/colour: unknown field 'colour'", "/rules/0/route/0: unknown role \"mayor\""})
    EXPECT_NE(all.find(want), std::string::npos) << want << "\n" << all;
}

// ---------------------------------------------------------------- rules.json

TEST(LoadErrors, UnknownFieldsInRules) {
  std::string r = edit(kRules, R"("format": "gridroute.rules/1",)", R"("format": "gridroute.rules/1", "version": 2,)");
  r = edit(r, R"({"id": "r-council", "categories")", R"({"id": "r-council", "prio": 3, "categories")");
  r = edit(r, R"({"id": "gov", "weekdays")", R"({"id": "gov", "tz": "UTC", "weekdays")");
  r = edit(r, R"("sla": {"respond": "1h", "resolve": "2wd"}})", R"("sla": {"respnd": "1h", "resolve": "2wd"}})");
  r = edit(r, R"({"name": "grid"})", R"({"name": "grid", "owner": "x"})");
  r = edit(r, R"("severity_skip": {"at_least": 5, "to_level": 2})", R"("severity_skip": {"at_least": 5, "to_level": 2, "below": 1})");
  r = edit(r, R"({"code": "x.y"})", R"({"code": "x.y", "label": "X"})");
  Loaded l = load(kJur, r);
  expect_json_error(l, "rules.json", r, "/version", R"("version": @@2)", {"version"});
  expect_json_error(l, "rules.json", r, "/rules/0/prio", R"("prio": @@3)", {"prio"});
  expect_json_error(l, "rules.json", r, "/calendars/0/tz", R"("UTC")", {"tz"});
  expect_json_error(l, "rules.json", r, "/rules/1/sla/respnd", R"("1h")", {"respnd"});
  expect_json_error(l, "rules.json", r, "/escalation_policies/0/levels/0/owner", R"("x"})", {"owner"});
  expect_json_error(l, "rules.json", r, "/escalation_policies/0/severity_skip/below", R"(1})", {"below"});
  expect_json_error(l, "rules.json", r, "/categories/2/label", R"("X")", {"label"});
  // All seven are reported, not just the first.
  EXPECT_GE(l.diags.size(), 7u) << dump(l.diags);
}

// SPEC §2.2: with `categories`, every pattern must match a declared code. An empty list declares none,
// so even `*` matches nothing (and no issue could ever route).
TEST(LoadErrors, AStarMatchesNoCodeOfAnEmptyTaxonomy) {
  std::string r = edit(kRules, R"("categories": [{"code": "a.b.c"}, {"code": "a.b.d"}, {"code": "x.y"}],)",
                       R"("categories": [],)");
  r = edit(r, R"({"id": "r-council", "categories": ["a.*"])", R"({"id": "r-council", "categories": ["*"])");
  Loaded l = load(kJur, r);
  expect_json_error(l, "rules.json", r, "/rules/0/categories/0", R"("*"])", {"\"*\"", "matches no declared category", "empty list"});
  expect_json_error(l, "rules.json", r, "/rules/1/categories/0", R"("x.y"],)", {"\"x.y\"", "matches no declared category"});
}

// A declaration with a type that is not one is the error; the conditions on that attribute are not
// also called undeclared.
TEST(LoadErrors, AnAttributeOfAnUnknownTypeIsOneError) {
  std::string r = edit(kRules, R"("severity": "number")", R"("severity": "int")");
  Loaded l = load(kJur, r);
  ASSERT_FALSE(l.ok);
  expect_json_error(l, "rules.json", r, "/attributes/severity", R"("int")", {"attribute type must be", "got \"int\""});
  for (const Diagnostic& d : l.diags) EXPECT_EQ(d.message.find("is not declared"), std::string::npos) << d.to_string();
}

// SPEC §2 lists no error for a role declared again: a built-in one, or a repeat, names the same role.
TEST(LoadErrors, ARoleDeclaredAgainIsTheSameRole) {
  std::string r = edit(kRules, R"("roles": ["mediator"],)", R"("roles": ["resident_council", "mediator", "mediator"],)");
  Loaded l = load(kJur, r);
  EXPECT_TRUE(l.ok) << dump(l.diags);
}

TEST(LoadErrors, UnknownOperatorInACondition) {
  std::string r = edit(kRules, R"({"attr": "severity", "ge": 2})", R"({"attr": "severity", "ge": 2, "approx": 3})");
  Loaded l = load(kJur, r);
  expect_json_error(l, "rules.json", r, "/rules/1/when/approx", "3}", {"approx"});
}

TEST(LoadErrors, UnknownFieldBesideACombinator) {
  std::string r = edit(kRules, R"({"attr": "severity", "ge": 2})", R"({"all": [{"attr": "severity", "ge": 2}], "note": "x"})");
  Loaded l = load(kJur, r);
  ASSERT_FALSE(l.ok);
  expect_json_error(l, "rules.json", r, "/rules/1/when/note", R"("x"})", {"note"});
}

TEST(LoadErrors, WrongJsonTypeInRules) {
  std::string r = edit(kRules, R"({"id": "r-gas", "priority": 1,)", R"({"id": "r-gas", "priority": "high",)");
  r = edit(r, R"("weekdays": [1, 2, 3, 4, 5])", R"("weekdays": "1-5")");
  r = edit(r, R"("categories": ["a.*"])", R"("categories": "a.*")");
  r = edit(r, R"("repeat_reports": 3)", R"("repeat_reports": 2.5)");
  Loaded l = load(kJur, r);
  expect_json_error(l, "rules.json", r, "/rules/1/priority", R"("high")", {"integer", "high"});
  expect_json_error(l, "rules.json", r, "/calendars/0/weekdays", R"("1-5")", {"list"});
  expect_json_error(l, "rules.json", r, "/rules/0/categories", R"("a.*")", {"list"});
  expect_json_error(l, "rules.json", r, "/escalation_policies/0/repeat_reports", "2.5", {"integer", "2.5"});
}

TEST(LoadErrors, AttributeTypeMustBeKnown) {
  std::string r = edit(kRules, R"("channel": "string")", R"("channel": "text")");
  Loaded l = load(kJur, r);
  expect_json_error(l, "rules.json", r, "/attributes/channel", R"("text")", {"text"});
}

TEST(LoadErrors, UndeclaredAttributeInACondition) {
  std::string r = edit(kRules, R"({"attr": "severity", "ge": 2})",
                       R"({"any": [{"attr": "severity", "ge": 2}, {"not": {"attr": "colour", "eq": "red"}}]})");
  Loaded l = load(kJur, r);
  expect_json_error(l, "rules.json", r, "/rules/1/when/any/1/not/attr", R"("colour")", {"colour"});
}

TEST(LoadErrors, WrongValueTypeInACondition) {
  std::string r = edit(kRules, R"({"attr": "severity", "ge": 2})",
                       R"({"all": [{"attr": "severity", "eq": "high"}, {"attr": "private", "eq": 1},
       {"attr": "channel", "lt": "m"}, {"attr": "severity", "in": [1, "two"]},
       {"attr": "private", "gt": true}]})");
  Loaded l = load(kJur, r);
  expect_json_error(l, "rules.json", r, "/rules/1/when/all/0/eq", R"("high")", {"severity"});
  expect_json_error(l, "rules.json", r, "/rules/1/when/all/1/eq", R"(1})", {"private"});
  expect_json_error(l, "rules.json", r, "/rules/1/when/all/2/lt", R"("m")", {"channel"});
  expect_json_error(l, "rules.json", r, "/rules/1/when/all/3/in/1", R"("two")", {"severity"});
  expect_json_error(l, "rules.json", r, "/rules/1/when/all/4/gt", R"(true}]})", {"private"});
}

TEST(LoadErrors, ExistsTakesABool) {
  std::string r = edit(kRules, R"({"attr": "severity", "ge": 2})", R"({"attr": "channel", "exists": "yes"})");
  Loaded l = load(kJur, r);
  expect_json_error(l, "rules.json", r, "/rules/1/when/exists", R"("yes")", {"true or false"});
}

TEST(LoadErrors, BadLocalTimeWindow) {
  std::string r = edit(kRules, R"({"attr": "severity", "ge": 2})", R"({"local_time": ["22:00", "25:00"]})");
  Loaded l = load(kJur, r);
  expect_json_error(l, "rules.json", r, "/rules/1/when/local_time/1", R"("25:00")", {"25:00"});
  // An element that is not a string is named at its own position too.
  r = edit(kRules, R"({"attr": "severity", "ge": 2})", R"({"local_time": ["22:00", 6]})");
  l = load(kJur, r);
  expect_json_error(l, "rules.json", r, "/rules/1/when/local_time/1", R"(6]})", {"must be a time \"HH:MM\", got 6"});
}

TEST(LoadErrors, WorkdayConditionNeedsACalendar) {
  std::string r = edit(kRules, R"("defaults": {"calendar": "gov", )", R"("defaults": {)");
  r = edit(r, R"({"attr": "severity", "ge": 2})", R"({"workday": true})");
  Loaded l = load(kJur, r);
  expect_json_error(l, "rules.json", r, "/rules/1/when", R"({"workday": true})", {"calendar"});
}

TEST(LoadErrors, CategoryPatternMatchingNoDeclaredCode) {
  std::string r = edit(kRules, R"("categories": ["a.*"])", R"("categories": ["a.*", "z.*", "a.b"])");
  Loaded l = load(kJur, r);
  expect_json_error(l, "rules.json", r, "/rules/0/categories/1", R"("z.*")", {"z.*"});
  // "a.b" is a declared prefix but not a declared code: an exact pattern must name a code.
  expect_json_error(l, "rules.json", r, "/rules/0/categories/2", R"("a.b"])", {"a.b"});
}

TEST(LoadErrors, MalformedCategoryPatterns) {
  std::string r = edit(kRules, R"("categories": ["a.*"])", R"("categories": ["a.*", "A.B", "a.b*", "a..b", ""])");
  Loaded l = load(kJur, r);
  expect_json_error(l, "rules.json", r, "/rules/0/categories/1", R"("A.B")", {"A.B"});
  expect_json_error(l, "rules.json", r, "/rules/0/categories/2", R"("a.b*")", {"a.b*"});
  expect_json_error(l, "rules.json", r, "/rules/0/categories/3", R"("a..b")", {"a..b"});
  expect_json_error(l, "rules.json", r, "/rules/0/categories/4", R"(""])", {"category"});
}

TEST(LoadErrors, EmptyCategoriesAndRoute) {
  std::string r = edit(kRules, R"({"id": "r-council", "categories": ["a.*"], "route": ["resident_council"]})",
                       R"({"id": "r-council", "categories": [], "route": []})");
  Loaded l = load(kJur, r);
  expect_json_error(l, "rules.json", r, "/rules/0/categories", R"([], "route")", {"categor"});
  expect_json_error(l, "rules.json", r, "/rules/0/route", R"([]})", {"route"});
}

TEST(LoadErrors, DuplicateRuleId) {
  std::string r = edit(kRules, R"({"id": "r-gas",)", R"({"id": "r-council",)");
  Loaded l = load(kJur, r);
  expect_json_error(l, "rules.json", r, "/rules/1/id", R"({"id": @@"r-council", "priority")", {"duplicate", "r-council"});
}

TEST(LoadErrors, BadDurations) {
  std::string r = edit(kRules, R"("sla": {"respond": "1h", "resolve": "2wd"})", R"("sla": {"respond": "0h", "resolve": "2x"})");
  r = edit(r, R"("sla": {"respond": "2wh", "resolve": "3wd"})", R"("sla": {"respond": "-1h", "resolve": "1.5wd"})");
  r = edit(r, R"("resolve": "2wd"},)", R"("resolve": "wd", "respond": "10"},)");
  Loaded l = load(kJur, r);
  expect_json_error(l, "rules.json", r, "/rules/1/sla/respond", R"("0h")", {"0h"});
  expect_json_error(l, "rules.json", r, "/rules/1/sla/resolve", R"("2x")", {"2x"});
  expect_json_error(l, "rules.json", r, "/defaults/sla/respond", R"("-1h")", {"-1h"});
  expect_json_error(l, "rules.json", r, "/defaults/sla/resolve", R"("1.5wd")", {"1.5wd"});
  expect_json_error(l, "rules.json", r, "/escalation_policies/0/levels/1/resolve", R"("wd")", {"wd"});
  expect_json_error(l, "rules.json", r, "/escalation_policies/0/levels/1/respond", R"("10")", {"10"});
}

TEST(LoadErrors, UnknownCalendar) {
  std::string r = edit(kRules, R"("defaults": {"calendar": "gov")", R"("defaults": {"calendar": "gvo")");
  r = edit(r, R"("route": ["resident_council"]},)", R"("route": ["resident_council"], "calendar": "night"},)");
  std::string j = edit(kJur, R"("calendar": "gov")", R"("calendar": "weekend")");
  Loaded l = load(j, r);
  expect_json_error(l, "rules.json", r, "/defaults/calendar", R"("gvo")", {"gvo"});
  expect_json_error(l, "rules.json", r, "/rules/0/calendar", R"("night")", {"night"});
  expect_json_error(l, "jurisdiction.json", j, "/handlers/1/calendar", R"("weekend")", {"weekend"});
}

TEST(LoadErrors, UnknownPolicy) {
  std::string r = edit(kRules, R"("escalation": "std"})", R"("escalation": "standard"})");
  r = edit(r, R"("route": ["resident_council"]},)", R"("route": ["resident_council"], "escalation": "fast"},)");
  Loaded l = load(kJur, r);
  expect_json_error(l, "rules.json", r, "/defaults/escalation", R"("standard")", {"standard"});
  expect_json_error(l, "rules.json", r, "/rules/0/escalation", R"("fast")", {"fast"});
}

TEST(LoadErrors, UnknownTierOfALevel) {
  std::string r = edit(kRules, R"("tier": "community")", R"("tier": "district")");
  Loaded l = load(kJur, r);
  expect_json_error(l, "rules.json", r, "/escalation_policies/0/levels/1/tier", R"("district")", {"district"});
}

TEST(LoadErrors, ToLevelOutOfRange) {
  for (const char* bad : {"3", "0", "-1"}) {
    SCOPED_TRACE(bad);
    std::string r = edit(kRules, R"("to_level": 2})", std::string(R"("to_level": )") + bad + "}");
    Loaded l = load(kJur, r);
    expect_json_error(l, "rules.json", r, "/escalation_policies/0/severity_skip/to_level", std::string(bad) + "}}",
                      {"to_level"});
  }
}

TEST(LoadErrors, ALevelRouteThatCanNeverResolveIsNoError) {
  // "mediator" is a declared role but no handler has it: SPEC §3.5 passes the level over for every cell,
  // and §2 lists no error for it, so the bundle loads (`check` warns: Escalation.ALevelNoHandlerCouldOwnIsPassedOverAndWarnedAbout).
  std::string r = edit(kRules, R"("tier": "community", "route": ["resident_council"])", R"("tier": "community", "route": ["mediator"])");
  Loaded l = load(kJur, r);
  EXPECT_TRUE(l.ok) << l.status;
}

TEST(LoadErrors, Level0TakesOnlyAName) {
  std::string r = edit(kRules, R"({"name": "grid"})", R"({"name": "grid", "resolve": "1wd"})");
  Loaded l = load(kJur, r);
  expect_json_error(l, "rules.json", r, "/escalation_policies/0/levels/0", R"({"name": "grid")", {"level 0"});
}

TEST(LoadErrors, CalendarErrors) {
  std::string r = edit(kRules, R"("weekdays": [1, 2, 3, 4, 5], "hours": [["09:00", "12:00"], ["13:00", "17:00"]])",
                       R"("weekdays": [1, 2, 8, 2], "hours": [["09:00", "12:00"], ["11:00", "17:00"], ["18:00", "17:30"], ["19:00", "24:30"], ["8:30", "25:00"]])");
  r = edit(r, R"("holidays": ["2026-10-01"])", R"("holidays": ["2026-02-30"])");
  r = edit(r, R"("workdays": ["2026-10-10"])", R"("workdays": ["10/10/2026"])");
  Loaded l = load(kJur, r);
  expect_json_error(l, "rules.json", r, "/calendars/0/weekdays/2", "8,", {"8"});
  expect_json_error(l, "rules.json", r, "/calendars/0/weekdays/3", "8, @@2]", {"twice"});
  expect_json_error(l, "rules.json", r, "/calendars/0/hours/1", R"(["11:00")", {"overlap"});
  expect_json_error(l, "rules.json", r, "/calendars/0/hours/2", R"(["18:00")",
                    {"end", R"(one over midnight is two: ["18:00", "24:00"] and ["00:00", "17:30"])"});
  expect_json_error(l, "rules.json", r, "/calendars/0/hours/3/1", R"("24:30")", {"24:30"});
  // Both ends of one period wrong: both reported.
  expect_json_error(l, "rules.json", r, "/calendars/0/hours/4/0", R"("8:30")", {"8:30"});
  expect_json_error(l, "rules.json", r, "/calendars/0/hours/4/1", R"("25:00")", {"25:00"});
  expect_json_error(l, "rules.json", r, "/calendars/0/holidays/0", R"("2026-02-30")", {"2026-02-30"});
  expect_json_error(l, "rules.json", r, "/calendars/0/workdays/0", R"("10/10/2026")", {"10/10/2026"});
}

// A rule's workday condition on a calendar that has errors of its own: the calendar's errors are reported,
// not one more for each condition as if no calendar were named.
TEST(LoadErrors, ABrokenCalendarIsNotReportedAgainByItsConditions) {
  std::string r = edit(kRules, R"("hours": [["09:00", "12:00"], ["13:00", "17:00"]])", R"("hours": [["22:00", "06:00"]])");
  r = edit(r, R"({"attr": "severity", "ge": 2})", R"({"workday": true})");
  Loaded l = load(kJur, r);
  expect_json_error(l, "rules.json", r, "/calendars/0/hours/0", R"(["22:00")", {"midnight"});
  EXPECT_EQ(l.diags.size(), 1u) << dump(l.diags);
}

TEST(LoadErrors, DuplicateCodesAndIds) {
  std::string r = edit(kRules, R"({"code": "x.y"}])", R"({"code": "x.y"}, {"code": "a.b.c"}])");
  r = edit(r, R"({"id": "std", "levels")", R"({"id": "single", "levels": [{"name": "x"}]},
    {"id": "single", "levels")");
  r = edit(r, R"("escalation": "std"})", R"("escalation": "single"})");
  Loaded l = load(kJur, r);
  expect_json_error(l, "rules.json", r, "/escalation_policies/1/id", "{\"id\": @@\"single\", \"levels\": [\n", {"single"});
  // The duplicate category code: the diagnostic should name the second entry.
  const Diagnostic* d = nullptr;
  for (const auto& x : l.diags)
    if (x.message.find("a.b.c") != std::string::npos) d = &x;
  ASSERT_NE(d, nullptr) << dump(l.diags);
  expect_json_error(l, "rules.json", r, "/categories/3/code", R"({"code": @@"a.b.c"}])", {"a.b.c"});
}

TEST(LoadErrors, DuplicateTierAndCalendar) {
  std::string j = edit(kJur, R"(["town", "community", "area", "cell"])", R"(["town", "town", "community", "area", "cell"])");
  std::string r = edit(kRules, R"("calendars": [
)", R"("calendars": [
    {"id": "gov", "weekdays": [1], "hours": [["09:00", "10:00"]]},
)");
  Loaded l = load(j, r);
  expect_json_error(l, "jurisdiction.json", j, "/tiers/1", R"(["town", @@"town")", {"town"});
  expect_json_error(l, "rules.json", r, "/calendars/1/id", R"({"id": @@"gov", "weekdays": [1, 2)", {"gov"});
}

TEST(LoadErrors, ColumnsAreBytesAfterMultibyteText) {
  std::string j = edit(kJur, R"({"id": "c2", "tier": "community", "parent": "town"})",
                       R"({"id": "c2", "name": "城南社区", "tier": "village", "parent": "town"})");
  Loaded l = load(j, kRules);
  expect_json_error(l, "jurisdiction.json", j, "/units/5/tier", R"("tier": @@"village")", {"village"});
}

TEST(LoadErrors, PointerTokensAreEscaped) {
  std::string r = edit(kRules, R"("channel": "string")", R"("channel": "string", "a/b~c": "text")");
  Loaded l = load(kJur, r);
  expect_json_error(l, "rules.json", r, "/attributes/a~1b~0c", R"("a/b~c": @@"text")", {"text"});
}

TEST(LoadErrors, IdLengthLimit) {
  std::string ok_id(64, 'x'), long_id(65, 'x');
  std::string j = edit(kJur, R"({"id": "c2-01", "tier": "cell", "parent": "c2"})",
                       R"({"id": ")" + ok_id + R"(", "tier": "cell", "parent": "c2"},
    {"id": ")" + long_id + R"(", "tier": "cell", "parent": "c2"})");
  Loaded l = load(j, kRules);
  ASSERT_FALSE(l.ok);
  ASSERT_EQ(l.diags.size(), 1u) << dump(l.diags);
  expect_json_error(l, "jurisdiction.json", j, "/units/7/id", R"({"id": @@")" + long_id, {"64"});
}

TEST(LoadErrors, ByteOrderMarkIsAccepted) {
  Loaded l = load("\xEF\xBB\xBF" + kJur, "\xEF\xBB\xBF" + kRules);
  EXPECT_TRUE(l.ok) << dump(l.diags);
}

// ---------------------------------------------------------------- JSON text

TEST(LoadErrors, InvalidJsonWithLineAndColumn) {
  // A missing comma on line 4: the error is where the parser stopped.
  std::string j = edit(kJur, R"("timezone": "Asia/Shanghai",)", R"("timezone": "Asia/Shanghai")");
  Loaded l = load(j, kRules);
  ASSERT_FALSE(l.ok);
  ASSERT_EQ(l.diags.size(), 1u) << dump(l.diags);
  const Diagnostic& d = l.diags[0];
  EXPECT_EQ(d.file, "mem/jurisdiction.json");
  Pos p = pos_of(j, R"("tiers")");
  EXPECT_EQ(d.line, p.line) << d.to_string();
  EXPECT_EQ(d.column, p.column) << d.to_string();
  EXPECT_NE(d.message.find("JSON"), std::string::npos) << d.to_string();
  EXPECT_EQ(d.to_string().rfind("mem/jurisdiction.json:" + std::to_string(p.line) + ":" + std::to_string(p.column) + ": ", 0), 0u)
      << d.to_string();
}

TEST(LoadErrors, InvalidJsonInBothFilesIsReportedForBoth) {
  std::string j = kJur.substr(0, kJur.size() - 3);  // cut the closing brace
  std::string r = edit(kRules, R"("roles": ["mediator"],)", R"("roles": ["mediator"],,)");
  Loaded l = load(j, r);
  ASSERT_FALSE(l.ok);
  bool jur = false, rules = false;
  for (const auto& d : l.diags) {
    if (d.file == "mem/jurisdiction.json") jur = true;
    if (d.file == "mem/rules.json") {
      rules = true;
      Pos p = pos_of(r, ",,");
      EXPECT_EQ(d.line, p.line) << d.to_string();
      EXPECT_EQ(d.column, p.column + 1) << d.to_string();
    }
  }
  EXPECT_TRUE(jur && rules) << dump(l.diags);
}

TEST(LoadErrors, DuplicateKeys) {
  std::string j = edit(kJur, R"({"id": "c2", "tier": "community", "parent": "town"})",
                       R"({"id": "c2", "tier": "community", "parent": "town", "tier": "area"})");
  std::string r = edit(kRules, R"("roles": ["mediator"],)", R"("roles": ["mediator"], "roles": [],)");
  Loaded l = load(j, r);
  ASSERT_FALSE(l.ok);
  const Diagnostic* dj = find(l, "mem/jurisdiction.json", "/units/5/tier");
  const Diagnostic* dr = find(l, "mem/rules.json", "/roles");
  ASSERT_TRUE(dj && dr);
  EXPECT_NE(dj->message.find("duplicate"), std::string::npos) << dj->to_string();
  EXPECT_NE(dr->message.find("duplicate"), std::string::npos) << dr->to_string();
  // The diagnostic should point at the repeated key, not at the first one.
  expect_json_error(l, "jurisdiction.json", j, "/units/5/tier", R"("parent": "town", "tier": @@"area")", {"duplicate"});
  expect_json_error(l, "rules.json", r, "/roles", R"("roles": @@[],)", {"duplicate"});
}

TEST(LoadErrors, TopLevelMustBeAnObject) {
  for (const char* text : {"[]", "null", "42", "\"x\""}) {
    SCOPED_TRACE(text);
    Loaded l = load(text, kRules);
    EXPECT_FALSE(l.ok);
    ASSERT_FALSE(l.diags.empty());
    EXPECT_EQ(l.diags[0].file, "mem/jurisdiction.json");
    EXPECT_EQ(l.diags[0].line, 1);
  }
}

TEST(LoadErrors, InvalidUtf8IsReportedWithPosition) {
  std::string j = edit(kJur, R"("Testtown")", "\"Test\xFFtown\"");
  Loaded l = load(j, kRules);
  ASSERT_FALSE(l.ok);
  ASSERT_FALSE(l.diags.empty());
  Pos p = pos_of(j, "\xFF");
  EXPECT_EQ(l.diags[0].line, p.line) << l.diags[0].to_string();
  EXPECT_EQ(l.diags[0].column, p.column) << l.diags[0].to_string();
  EXPECT_NE(l.diags[0].message.find("UTF-8"), std::string::npos);
}

// ---------------------------------------------------------------- CSV

const std::string kJurCsv = [] {
  std::string j = kJur;
  j.replace(j.find(R"("units": [)"), 10, R"("units_csv": "units.csv",
  "handlers_csv": "handlers.csv",
  "units": [)");
  return j;
}();

TEST(LoadErrors, CsvFixtureIsValid) {
  Loaded l = load(kJurCsv, kRules,
                  {{"units.csv", "id,parent,tier,name\nc2-02,c2,cell,\"Cell, two\"\n"},
                   {"handlers.csv", "id,role,department,serves,name,calendar\npm-1,property_manager,,c1-a-01;c1-a-02,PM,gov\n"}});
  EXPECT_TRUE(l.ok) << dump(l.diags);
}

TEST(LoadErrors, CsvRowsInAnyOrder) {
  // A child before its parent, and a handler serving a unit from the CSV.
  Loaded l = load(kJurCsv, kRules,
                  {{"units.csv", "id,parent,tier,name\nc3-01,c3,cell,\nc3,town,community,\"C3, \"\"third\"\"\"\n"},
                   {"handlers.csv", "id,role,department,serves,name,calendar\ncouncil-c3,resident_council,,c3,,\n"}});
  EXPECT_TRUE(l.ok) << dump(l.diags);
}

TEST(LoadErrors, CsvUnterminatedQuote) {
  Loaded l = load(kJurCsv, kRules,
                  {{"units.csv", "id,parent,tier,name\nc2-02,c2,cell,ok\nc2-03,c2,cell,\"never closed\n"},
                   {"handlers.csv", "id,role,department,serves,name,calendar\n"}});
  expect_csv_error(l, "units.csv", 3, {"quote"});
}

TEST(LoadErrors, CsvWrongFieldCount) {
  Loaded l = load(kJurCsv, kRules,
                  {{"units.csv", "id,parent,tier,name\nc2-02,c2,cell\nc2-03,c2,cell,x,y\n"},
                   {"handlers.csv", "id,role,department,serves,name,calendar\n"}});
  expect_csv_error(l, "units.csv", 2, {"3"});
  expect_csv_error(l, "units.csv", 3, {"5"});
}

TEST(LoadErrors, CsvBadHeader) {
  Loaded l = load(kJurCsv, kRules,
                  {{"units.csv", "id,parent,level,name\nc2-02,c2,cell,\n"},
                   {"handlers.csv", "id,role,department,serves,name,calendar\n"}});
  expect_csv_error(l, "units.csv", 1, {"level"});
}

TEST(LoadErrors, CsvRowsAreCheckedLikeJson) {
  Loaded l = load(kJurCsv, kRules,
                  {{"units.csv", "id,parent,tier,name\n"
                                 "c2-02,c2,cell,\n"
                                 "c2-03,nowhere,cell,\n"
                                 "c2-04,c2,hamlet,\n"
                                 "c2-02,c2,cell,\n"},
                   {"handlers.csv", "id,role,department,serves,name,calendar\n"
                                    "pm-1,property_manager,,c1-a-01,,\n"
                                    "pm-2,janitor,,c1-a-01,,\n"
                                    "pm-3,property_manager,,c1-a-01;c9,,\n"
                                    "dept-x,partner_department,,town,,\n"
                                    "pm-4,property_manager,gas,c1-a-01,,\n"
                                    "pm-5,property_manager,,c1-a-01,,nocal\n"
                                    "council-c1,resident_council,,c1,,\n"}});
  expect_csv_error(l, "units.csv", 3, {"parent", "nowhere"});
  expect_csv_error(l, "units.csv", 4, {"hamlet"});
  expect_csv_error(l, "units.csv", 5, {"duplicate", "c2-02"});
  expect_csv_error(l, "handlers.csv", 3, {"janitor"});
  expect_csv_error(l, "handlers.csv", 4, {"c9"});
  expect_csv_error(l, "handlers.csv", 5, {"department"});
  expect_csv_error(l, "handlers.csv", 6, {"department"});
  expect_csv_error(l, "handlers.csv", 7, {"nocal"});
  expect_csv_error(l, "handlers.csv", 8, {"duplicate", "council-c1"});
}

TEST(LoadErrors, CsvQuotedNewlineKeepsLineNumbers) {
  // A quoted field spanning two lines: the next record starts on line 4.
  Loaded l = load(kJurCsv, kRules,
                  {{"units.csv", "id,parent,tier,name\nc2-02,c2,cell,\"two\nlines\"\nc2-03,nowhere,cell,\n"},
                   {"handlers.csv", "id,role,department,serves,name,calendar\n"}});
  expect_csv_error(l, "units.csv", 4, {"nowhere"});
}

TEST(LoadErrors, CsvFileNotProvided) {
  Loaded l = load(kJurCsv, kRules, {{"units.csv", "id,parent,tier,name\n"}});
  expect_json_error(l, "jurisdiction.json", kJurCsv, "/handlers_csv", R"("handlers.csv")", {"handlers.csv"});
}

// ---------------------------------------------------------------- several errors, ordering, robustness

TEST(LoadErrors, AllErrorsAreReportedAtOnce) {
  std::string j = edit(kJur, R"({"id": "c2-01", "tier": "cell", "parent": "c2"})",
                       R"({"id": "c2-01", "tier": "cell", "parent": "c3"})");
  j = edit(j, R"("serves": ["c1"]})", R"("serves": ["c7"]})");
  j = edit(j, R"("role": "partner_department", "department": "gas",)", R"("role": "plumber",)");
  std::string r = edit(kRules, R"("respond": "1h")", R"("respond": "1y")");
  r = edit(r, R"("route": ["resident_council"]},)", R"("route": ["resident_council"], "escalation": "nope"},)");
  r = edit(r, R"({"attr": "severity", "ge": 2})", R"({"attr": "sev", "ge": 2})");
  Loaded l = load(j, r);
  ASSERT_FALSE(l.ok);
  expect_json_error(l, "jurisdiction.json", j, "/units/6/parent", R"("c3")", {"c3"});
  expect_json_error(l, "jurisdiction.json", j, "/handlers/0/serves/0", R"("c7")", {"c7"});
  expect_json_error(l, "jurisdiction.json", j, "/handlers/2/role", R"("plumber")", {"plumber"});
  expect_json_error(l, "rules.json", r, "/rules/1/sla/respond", R"("1y")", {"1y"});
  expect_json_error(l, "rules.json", r, "/rules/0/escalation", R"("nope")", {"nope"});
  expect_json_error(l, "rules.json", r, "/rules/1/when/attr", R"("sev")", {"sev"});
  // The status names how many errors there were.
  EXPECT_NE(l.status.find(std::to_string(l.diags.size()) + " error"), std::string::npos) << l.status;
}

TEST(LoadErrors, ShapeErrorsInBothFilesAreReportedTogether) {
  std::string j = edit(kJur, R"("name": "Testtown",)", R"("name": 7,)");
  std::string r = edit(kRules, R"({"id": "r-council", "categories")", R"({"id": "r-council", "prio": 3, "categories")");
  Loaded l = load(j, r);
  expect_json_error(l, "jurisdiction.json", j, "/name", "7,", {"string"});
  expect_json_error(l, "rules.json", r, "/rules/0/prio", R"("prio": @@3)", {"prio"});
}

TEST(LoadErrors, ShapeAndReferenceErrorsAreReportedTogether) {
  // An unknown field in rules.json and an unknown parent in jurisdiction.json: SPEC §2 says all errors
  // found are reported.
  std::string j = edit(kJur, R"({"id": "c2-01", "tier": "cell", "parent": "c2"})",
                       R"({"id": "c2-01", "tier": "cell", "parent": "c3"})");
  std::string r = edit(kRules, R"({"id": "r-council", "categories")", R"({"id": "r-council", "prio": 3, "categories")");
  Loaded l = load(j, r);
  ASSERT_FALSE(l.ok);
  expect_json_error(l, "jurisdiction.json", j, "/units/6/parent", R"("parent": @@"c3")", {"unknown parent", "c3"});
  expect_json_error(l, "rules.json", r, "/rules/0/prio", R"("prio": @@3)", {"prio"});
}

TEST(LoadErrors, DiagnosticsOfOneFileComeInLineOrder) {
  // rules.json lists its calendars after its rules; a calendar error (line 7) and a rule error (line 4)
  // are found in the other order, with a jurisdiction error in between.
  std::string r = R"({
  "format": "gridroute.rules/1",
  "rules": [
    {"id": "r", "categories": ["*"], "route": ["nobody"]}
  ],
  "calendars": [
    {"id": "c", "weekdays": [9], "hours": [["09:00", "17:00"]]}
  ]
}
)";
  std::string j = edit(kJur, R"("serves": ["c1"]})", R"("serves": ["c7"]})");
  Loaded l = load(j, r);
  ASSERT_FALSE(l.ok);
  std::vector<int> rules_lines, jur_lines;
  for (const auto& d : l.diags) (d.file == "mem/rules.json" ? rules_lines : jur_lines).push_back(d.line);
  ASSERT_GE(rules_lines.size(), 2u) << dump(l.diags);
  EXPECT_TRUE(std::is_sorted(rules_lines.begin(), rules_lines.end())) << dump(l.diags);
  EXPECT_TRUE(std::is_sorted(jur_lines.begin(), jur_lines.end())) << dump(l.diags);
}

TEST(LoadErrors, DiagnosticToString) {
  Diagnostic d;
  d.file = "b/rules.json";
  d.line = 3;
  d.column = 7;
  d.pointer = "/rules/0/id";
  d.message = "duplicate rule id \"x\"";
  EXPECT_EQ(d.to_string(), "b/rules.json:3:7: /rules/0/id: duplicate rule id \"x\"");
  Diagnostic c;
  c.file = "b/units.csv";
  c.line = 4;
  c.message = "parent: unknown parent unit \"q\"";
  EXPECT_EQ(c.to_string(), "b/units.csv:4: parent: unknown parent unit \"q\"");
}

TEST(LoadErrors, GarbageNeverCrashes) {
  const std::vector<std::string> texts = {
      "", " ", "{", "}", "{}", "[]", "null", "{\"format\": null}", std::string(200, '['), std::string(5000, '{'),
      "{\"units\": [{}, {}, {}]}", "{\"units\": [[], 1, \"x\", null]}", "{\"handlers\": [{\"serves\": [[]]}]}",
      "{\"rules\": [{\"when\": {\"all\": [{\"any\": [{\"not\": 3}]}]}}]}", "{\"rules\": [{\"when\": []}]}",
      "{\"rules\": [{\"when\": {\"attr\": 1, \"eq\": {}}}]}", "{\"rules\": [{\"when\": {\"local_time\": [1, 2, 3]}}]}",
      "{\"tiers\": [\"a\", \"a\", \"a\"]}", "\xEF\xBB\xBF{}", "{\"a\": 1e999}", "{\"priority\": 99999999999999999999999}",
      "{\"escalation_policies\": [{\"levels\": [], \"severity_skip\": {\"to_level\": 1e300}}]}",
      "\xC3\x28", std::string("{\"x\": \"\0\"}", 10)};
  for (const auto& a : texts) {
    for (int which = 0; which < 3; ++which) {
      SCOPED_TRACE(::testing::Message() << "text #" << (&a - texts.data()) << " in file " << which);
      std::string j = which == 1 ? kJur : a;
      std::string r = which == 0 ? kRules : a;
      Loaded l = load(j, r);
      EXPECT_FALSE(l.ok);
      EXPECT_FALSE(l.diags.empty());
      for (const auto& d : l.diags) EXPECT_FALSE(d.message.empty()) << d.to_string();
    }
  }
}

TEST(LoadErrors, ManyErrorsAreCappedNotFatal) {
  std::string units;
  for (int i = 0; i < 3000; ++i) units += R"(, {"id": "u)" + std::to_string(i) + R"(", "tier": "cell", "parent": "zz"})";
  std::string j = edit(kJur, R"({"id": "c2-01", "tier": "cell", "parent": "c2"})",
                       std::string(R"({"id": "c2-01", "tier": "cell", "parent": "c2"})") + units);
  gridroute::LoadOptions opt;
  opt.max_errors = 50;
  BundleSources src;
  src.label = "mem";
  src.jurisdiction_json = j;
  src.rules_json = kRules;
  std::vector<Diagnostic> diags;
  auto s = gridroute::load_bundle(src, &diags, opt);
  EXPECT_FALSE(s.ok());
  EXPECT_GE(diags.size(), 1u);
  EXPECT_LE(diags.size(), 60u) << "LoadOptions::max_errors caps the list";
  // The summary says the list stopped, not that there were just that many.
  EXPECT_NE(std::string(s.status().message()).find("at least 50 errors (the list stops at LoadOptions::max_errors = 50)"),
            std::string::npos)
      << s.status();
}

// ---------------------------------------------------------------- directories

class TempDir {
 public:
  TempDir() {
    path_ = fs::temp_directory_path() / ("gridroute_load_" + std::to_string(getpid()) + "_" + std::to_string(counter_++));
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  const fs::path& path() const { return path_; }
  void write(const std::string& name, const std::string& text) const {
    std::ofstream(path_ / name, std::ios::binary) << text;
  }

 private:
  static inline int counter_ = 0;
  fs::path path_;
};

std::vector<Diagnostic> load_dir(const fs::path& dir, bool* ok = nullptr) {
  std::vector<Diagnostic> diags;
  auto s = gridroute::load_bundle(dir.string(), &diags);
  if (ok) *ok = s.ok();
  return diags;
}

TEST(LoadErrorsDir, ValidDirectoryLoads) {
  TempDir t;
  t.write("jurisdiction.json", kJurCsv);
  t.write("rules.json", kRules);
  t.write("units.csv", "id,parent,tier,name\nc2-02,c2,cell,\n");
  t.write("handlers.csv", "id,role,department,serves,name,calendar\n");
  bool ok = false;
  auto diags = load_dir(t.path(), &ok);
  EXPECT_TRUE(ok) << dump(diags);
}

TEST(LoadErrorsDir, MissingDirectory) {
  bool ok = true;
  fs::path p = fs::temp_directory_path() / "gridroute_no_such_bundle_dir";
  auto diags = load_dir(p, &ok);
  EXPECT_FALSE(ok);
  ASSERT_EQ(diags.size(), 1u) << dump(diags);
  EXPECT_EQ(diags[0].file, p.string());
  EXPECT_NE(diags[0].message.find("no such directory"), std::string::npos) << diags[0].to_string();
}

TEST(LoadErrorsDir, AFileInsteadOfADirectory) {
  TempDir t;
  t.write("plain.txt", "x");
  bool ok = true;
  auto diags = load_dir(t.path() / "plain.txt", &ok);
  EXPECT_FALSE(ok);
  ASSERT_EQ(diags.size(), 1u) << dump(diags);
  EXPECT_NE(diags[0].message.find("directory"), std::string::npos) << diags[0].to_string();
}

TEST(LoadErrorsDir, MissingFilesAreEachReported) {
  TempDir t;
  bool ok = true;
  auto diags = load_dir(t.path(), &ok);
  EXPECT_FALSE(ok);
  ASSERT_EQ(diags.size(), 2u) << dump(diags);
  std::vector<std::string> files = {diags[0].file, diags[1].file};
  std::sort(files.begin(), files.end());
  EXPECT_EQ(files[0], (t.path() / "jurisdiction.json").string());
  EXPECT_EQ(files[1], (t.path() / "rules.json").string());
  for (const auto& d : diags) EXPECT_NE(d.message.find("no such file"), std::string::npos) << d.to_string();
}

// With one of the two files missing, the other one's errors are still reported (SPEC §2: all errors
// found), and the bundle is refused.
TEST(LoadErrorsDir, AMissingFileHidesNoErrorOfTheOther) {
  TempDir t;
  t.write("jurisdiction.json", edit(kJur, R"({"id": "council-c1", "role": "resident_council", "serves": ["c1"]})",
                                    R"({"id": "council-c1", "role": "resident_council", "serves": ["zz"]})"));
  bool ok = true;
  auto diags = load_dir(t.path(), &ok);
  EXPECT_FALSE(ok);
  const std::string all = dump(diags);
  EXPECT_NE(all.find("rules.json: no such file"), std::string::npos) << all;
  EXPECT_NE(all.find("/handlers/0/serves/0: unknown unit \"zz\""), std::string::npos) << all;
}

TEST(LoadErrorsDir, DirectoryInsteadOfAFile) {
  TempDir t;
  t.write("jurisdiction.json", kJur);
  fs::create_directories(t.path() / "rules.json");
  bool ok = true;
  auto diags = load_dir(t.path(), &ok);
  EXPECT_FALSE(ok);
  ASSERT_EQ(diags.size(), 1u) << dump(diags);
  EXPECT_EQ(diags[0].file, (t.path() / "rules.json").string());
  EXPECT_NE(diags[0].message.find("directory"), std::string::npos) << diags[0].to_string();
}

TEST(LoadErrorsDir, MissingCsvFile) {
  TempDir t;
  t.write("jurisdiction.json", kJurCsv);
  t.write("rules.json", kRules);
  t.write("units.csv", "id,parent,tier,name\n");
  bool ok = true;
  auto diags = load_dir(t.path(), &ok);
  EXPECT_FALSE(ok);
  // SPEC §2: FILE:LINE:COLUMN: /pointer — the field of jurisdiction.json that names the missing file.
  ASSERT_EQ(diags.size(), 1u) << dump(diags);
  EXPECT_EQ(diags[0].file, (t.path() / "jurisdiction.json").string());
  EXPECT_EQ(diags[0].pointer, "/handlers_csv");
  EXPECT_GT(diags[0].line, 0);
  EXPECT_NE(diags[0].message.find("no such file \"handlers.csv\""), std::string::npos) << diags[0].to_string();
}

// An error in a CSV file holds back what depends on that file only: a units file's, what reads the unit
// table; a handlers file's, references to handlers by id. A handler's unknown role in jurisdiction.json
// and a rule's unknown role are still reported in the same run.
TEST(LoadErrorsDir, ACsvFilesErrorHidesOnlyWhatDependsOnIt) {
  const std::string j = edit(kJurCsv, R"({"id": "council-c1", "role": "resident_council", "serves": ["c1"]})",
                             R"({"id": "council-c1", "role": "resident_councl", "serves": ["c1"]})");
  const std::string r = edit(kRules, R"("route": ["resident_council"]})", R"("route": ["resident_counsil"]})");
  for (const bool units : {true, false}) {
    SCOPED_TRACE(units ? "units.csv" : "handlers.csv");
    TempDir t;
    t.write("jurisdiction.json", j);
    t.write("rules.json", r);
    t.write("units.csv", units ? "id,parent,tier,name\nc2-02,c2\n" : "id,parent,tier,name\n");
    t.write("handlers.csv", units ? "id,role,department,serves,name,calendar\n" : "id,role,department,serves,name,calendar\npm-1,property_manager\n");
    bool ok = true;
    const std::string all = dump(load_dir(t.path(), &ok));
    EXPECT_FALSE(ok);
    EXPECT_NE(all.find(units ? "units.csv:2: has 2 fields; the header has 4" : "handlers.csv:2: has 2 fields; the header has 6"),
              std::string::npos) << all;
    EXPECT_NE(all.find("unknown role \"resident_councl\""), std::string::npos) << all;
    EXPECT_NE(all.find("unknown role \"resident_counsil\""), std::string::npos) << all;
  }
}

TEST(LoadErrorsDir, CsvPathIsADirectory) {
  TempDir t;
  t.write("jurisdiction.json", kJurCsv);
  t.write("rules.json", kRules);
  t.write("handlers.csv", "id,role,department,serves,name,calendar\n");
  fs::create_directories(t.path() / "units.csv");
  bool ok = true;
  auto diags = load_dir(t.path(), &ok);
  EXPECT_FALSE(ok);
  ASSERT_FALSE(diags.empty());
  EXPECT_EQ(diags[0].file, (t.path() / "units.csv").string());
  EXPECT_NE(diags[0].message.find("directory"), std::string::npos) << diags[0].to_string();
}

TEST(LoadErrorsDir, CsvErrorsNameTheFileOnDisk) {
  TempDir t;
  t.write("jurisdiction.json", kJurCsv);
  t.write("rules.json", kRules);
  t.write("units.csv", "id,parent,tier,name\nc2-02,c2,cell,\nc2-03,c9,cell,\n");
  t.write("handlers.csv", "id,role,department,serves,name,calendar\n");
  bool ok = true;
  auto diags = load_dir(t.path(), &ok);
  EXPECT_FALSE(ok);
  ASSERT_FALSE(diags.empty());
  EXPECT_EQ(diags[0].to_string(),
            (t.path() / "units.csv").string() + ":3: parent: unknown parent unit \"c9\" (did you mean \"c1\"?)");
}

}  // namespace

namespace {

// SPEC §2: all errors found are reported. A wrong type inside one rule (or in defaults.fallback) leaves
// that rule unchecked, not the rest of rules.json: the other rules' errors are reported in the same run,
// and nothing is reported that only echoes the broken rule (its empty route, its missing categories).
TEST(LoadErrors, AWrongTypeInOneRuleHidesNoErrorOfTheOthers) {
  std::string r = edit(kRules, R"({"id": "r-council", "categories": ["a.*"], "route": ["resident_council"]})",
                       R"({"id": "r-council", "priority": "high", "categories": "a.*", "route": ["resident_council"]})");
  r = edit(r, R"("route": [{"role": "partner_department", "department": "gas"}], "sla")",
           R"("route": [{"role": "partner_department", "department": "water"}, "nosuchrole"], "sla")");
  r = edit(r, R"("escalation": "std"},)", R"("escalation": "std", "fallback": 7},)");
  Loaded l = load(kJur, r);
  expect_json_error(l, "rules.json", r, "/rules/0/priority", R"("priority": @@"high")", {"integer"});
  expect_json_error(l, "rules.json", r, "/rules/0/categories", R"("categories": @@"a.*")", {"list"});
  expect_json_error(l, "rules.json", r, "/defaults/fallback", R"("fallback": @@7)", {"string"});
  expect_json_error(l, "rules.json", r, "/rules/1/route/1", R"(@@"nosuchrole")", {"unknown role \"nosuchrole\""});
  EXPECT_EQ(l.diags.size(), 4u) << dump(l.diags);
}

// A wrong type in an optional setting of jurisdiction.json (snap_meters, name, local_times) leaves the
// units, handlers and rules checked: their errors are reported in the same run.
TEST(LoadErrors, AWrongTypeInASettingHidesNoErrorOfTheUnits) {
  std::string j = edit(kJur, R"("name": "Testtown",)", R"("name": "Testtown", "snap_meters": "30",)");
  j = edit(j, R"({"id": "c2-01", "tier": "cell", "parent": "c2"})", R"({"id": "c2-01", "tier": "cell", "parent": "c9"})");
  Loaded l = load(j, kRules);
  expect_json_error(l, "jurisdiction.json", j, "/snap_meters", R"("snap_meters": @@"30")", {"number"});
  EXPECT_NE(dump(l.diags).find("unknown parent unit \"c9\""), std::string::npos) << dump(l.diags);
}

}  // namespace

namespace {

// A file that is not JSON breaks its own side only: the other file's errors come in the same run.
TEST(LoadErrors, ASyntaxErrorInOneFileHidesNoErrorOfTheOther) {
  std::string r = edit(kRules, R"("route": ["resident_council"]})", R"("route": ["nosuchrole"]})");
  std::string j = edit(kJur, R"("name": "Testtown",)", R"("name": "Testtown")");  // a comma missing
  Loaded l = load(j, r);
  EXPECT_FALSE(l.ok);
  EXPECT_NE(dump(l.diags).find("invalid JSON"), std::string::npos) << dump(l.diags);
  expect_json_error(l, "rules.json", r, "/rules/0/route/0", R"(@@"nosuchrole")", {"unknown role"});

  // And the other way round: rules.json cut short, an unknown parent in jurisdiction.json.
  std::string j2 = edit(kJur, R"({"id": "c2-01", "tier": "cell", "parent": "c2"})",
                        R"({"id": "c2-01", "tier": "cell", "parent": "c9"})");
  Loaded l2 = load(j2, kRules.substr(0, kRules.size() / 2));
  EXPECT_NE(dump(l2.diags).find("invalid JSON"), std::string::npos) << dump(l2.diags);
  EXPECT_NE(dump(l2.diags).find("unknown parent unit \"c9\""), std::string::npos) << dump(l2.diags);
}

// Shape errors on both sides, when those of rules.json stay inside one rule: the other rules are
// checked still; a wrong type in an informative name (a unit's, a level's) breaks nothing.
TEST(LoadErrors, ShapeErrorsOnBothSidesStillCheckTheOtherRules) {
  std::string j = edit(kJur, R"("name": "Testtown",)", R"("name": "Testtown", "colour": 1,)");
  std::string r = edit(kRules, R"({"id": "r-council", "categories": ["a.*"], "route": ["resident_council"]})",
                       R"({"id": "r-council", "priority": "high", "categories": ["a.*"], "route": ["resident_council"]})");
  r = edit(r, R"("route": [{"role": "partner_department", "department": "gas"}], "sla")",
           R"("route": ["nosuchrole"], "sla")");
  Loaded l = load(j, r);
  expect_json_error(l, "jurisdiction.json", j, "/colour", R"("colour": @@1)", {"unknown field"});
  expect_json_error(l, "rules.json", r, "/rules/0/priority", R"("priority": @@"high")", {"integer"});
  expect_json_error(l, "rules.json", r, "/rules/1/route/0", R"(@@"nosuchrole")", {"unknown role"});

  std::string j3 = edit(kJur, R"({"id": "c1", "tier": "community", "parent": "town"})",
                        R"({"id": "c1", "tier": "community", "parent": "town", "name": 7})");
  j3 = edit(j3, R"({"id": "c2-01", "tier": "cell", "parent": "c2"})", R"({"id": "c2-01", "tier": "cell", "parent": "c9"})");
  std::string r3 = edit(kRules, R"({"name": "grid"})", R"({"name": 0})");
  r3 = edit(r3, R"({"id": "r-council", "categories": ["a.*"], "route": ["resident_council"]})",
            R"({"id": "r-council", "categories": ["a.*"], "route": ["nosuchrole"]})");
  Loaded l3 = load(j3, r3);
  expect_json_error(l3, "jurisdiction.json", j3, "/units/1/name", R"("name": @@7)", {"string"});
  expect_json_error(l3, "rules.json", r3, "/escalation_policies/0/levels/0/name", R"({"name": @@0})", {"string"});
  EXPECT_NE(dump(l3.diags).find("unknown parent unit \"c9\""), std::string::npos) << dump(l3.diags);
  expect_json_error(l3, "rules.json", r3, "/rules/0/route/0", R"(@@"nosuchrole")", {"unknown role"});
}

}  // namespace

namespace {

std::string example_file(const std::string& name) {
  std::ifstream in(fs::path(GRIDROUTE_SOURCE_DIR) / "examples" / "xincheng" / name, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// The cells' file is checked beside a jurisdiction whose tree has an error elsewhere, or whose
// snap_meters is negative: its polygons need the cells' ids and tiers, not a whole tree.
TEST(LoadErrorsDir, TheCellsFileIsCheckedBesideOtherJurisdictionErrors) {
  for (const std::string& breaking : {std::string("parent"), std::string("snap_meters")}) {
    SCOPED_TRACE(breaking);
    TempDir t;
    std::string j = example_file("jurisdiction.json");
    if (breaking == "parent")
      j = edit(j, R"("parent": "xincheng", "name": "北片")", R"("parent": "xincheng-c", "name": "北片")");
    else
      j = edit(j, R"("snap_meters": 30)", R"("snap_meters": -3)");
    t.write("jurisdiction.json", j);
    t.write("rules.json", example_file("rules.json"));
    t.write("cells.geojson", edit(example_file("cells.geojson"), "[119.48, 29.2], [119.482, 29.2]",
                                  "[119.48, 29.2], [199.482, 29.2]"));
    bool ok = true;
    const std::string all = dump(load_dir(t.path(), &ok));
    EXPECT_FALSE(ok);
    EXPECT_NE(all.find("longitude must be in [-180, 180], got 199.482"), std::string::npos) << all;
    EXPECT_NE(all.find(breaking == "parent" ? "unknown parent unit \"xincheng-c\"" : "snap_meters must be a number >= 0"),
              std::string::npos)
        << all;
  }
}

}  // namespace

namespace {

// One expected diagnostic of a JSON file, as Diagnostic::to_string() writes it: at `needle` (its "@@"
// marker) in `text`.
std::string diag_at(const std::string& file, const std::string& text, const std::string& pointer,
                    const std::string& needle, const std::string& message) {
  const Pos p = pos_of(text, needle);
  return "mem/" + file + ":" + std::to_string(p.line) + ":" + std::to_string(p.column) + ": " + pointer + ": " + message;
}

// Asserts that the bundle is refused with exactly the diagnostics `want`, in any order.
void expect_exactly(const Loaded& l, std::vector<std::string> want) {
  EXPECT_FALSE(l.ok) << "the bundle must be refused";
  std::vector<std::string> got;
  for (const auto& d : l.diags) got.push_back(d.to_string());
  std::sort(got.begin(), got.end());
  std::sort(want.begin(), want.end());
  EXPECT_EQ(got, want) << "got:\n" << dump(l.diags);
}

// Errors independent of what each test below breaks: an SLA and a route of the rules, a handler's
// serves. Each test expects them in the same run.
const std::string kBadSla = R"("sla": {"respond": "0h", "resolve": "2wd"}})";
const std::string kBadRoute = R"({"id": "r-council", "categories": ["a.*"], "route": ["enforcment_squad"]})";
const std::string kBadServes = R"({"id": "council-c1", "role": "resident_council", "serves": []})";
std::string with_rule_errors(const std::string& rules) {
  std::string r = edit(rules, R"("sla": {"respond": "1h", "resolve": "2wd"}})", kBadSla);
  return edit(r, R"({"id": "r-council", "categories": ["a.*"], "route": ["resident_council"]})", kBadRoute);
}
std::string with_handler_error(const std::string& jur) {
  return edit(jur, R"({"id": "council-c1", "role": "resident_council", "serves": ["c1"]})", kBadServes);
}
std::string sla_error(const std::string& r) {
  return diag_at("rules.json", r, "/rules/1/sla/respond", R"({"respond": @@"0h")",
                 "duration \"0h\" must be a positive integer followed by m, h, d, wh or wd");
}
std::string route_error(const std::string& r) {
  return diag_at("rules.json", r, "/rules/0/route/0", R"(@@"enforcment_squad")",
                 "unknown role \"enforcment_squad\" (did you mean \"enforcement_squad\"?)");
}
std::string serves_error(const std::string& j) {
  return diag_at("jurisdiction.json", j, "/handlers/0/serves", R"("serves": @@[]})", "a handler must serve at least one unit");
}

// SPEC §2: all errors found are reported. A wrong type in a policy, a calendar, the defaults, a declared
// attribute or role breaks that part only: its own checks and those that depend on it are held back
// (a reference to a broken policy or calendar is not "unknown"; a condition on a broken attribute is not
// checked), while the rules and handlers that do not depend on it are checked in the same run.
// One edit that breaks a part: what it replaces, the error it gives (its pointer, the text it is placed
// at with @@, the message), and whether a check that depends on the part still runs.
struct BrokenPart {
  const char* name;
  std::string from, to;
  const char* pointer;
  std::string needle;
  const char* message;
  bool still_checked = true;
};

TEST(LoadErrors, AWrongTypeInASharedPartOfTheRulesHidesNoErrorOfTheRules) {
  // still_checked false: the unknown role of a rule's route may be a declared role that could not be read.
  const BrokenPart cases[] = {
      {"policy field", R"("repeat_reports": 3)", R"("repeat_reports": "3")", "/escalation_policies/0/repeat_reports",
       R"("repeat_reports": @@"3")", "must be an integer, got \"3\""},
      // Its id unread, the policy is known by no name: defaults.escalation "std" is not called unknown.
      {"policy id", R"({"id": "std", "levels")", R"({"id": 7, "levels")", "/escalation_policies/0/id",
       R"({"id": @@7, "levels")", "must be a string, got 7"},
      // The broken calendar is known: defaults.calendar and council-c2's calendar are not called unknown.
      {"calendar field", R"("weekdays": [1, 2, 3, 4, 5])", R"("weekdays": "1-5")", "/calendars/0/weekdays",
       R"("weekdays": @@"1-5")", "must be a list, got \"1-5\""},
      {"calendar id", R"({"id": "gov", "weekdays")", R"({"id": ["gov"], "weekdays")", "/calendars/0/id",
       R"({"id": @@["gov"], "weekdays")", "must be a string, got a list"},
      {"defaults", R"("sla": {"respond": "2wh", "resolve": "3wd"})", R"("sla": "2wh")", "/defaults/sla",
       R"("sla": @@"2wh")", "must be an object, got \"2wh\""},
      // r-gas's condition on the broken attribute is not checked; the attribute is not called undeclared.
      {"attribute", R"("severity": "number")", R"("severity": 2)", "/attributes/severity", R"("severity": @@2)",
       "must be a string, got 2"},
      {"attributes", R"("attributes": {"severity": "number", "private": "bool", "channel": "string"})",
       R"("attributes": ["severity"])", "/attributes", R"("attributes": @@["severity"])", "must be an object, got a list"},
      {"role", R"("roles": ["mediator"])", R"("roles": [7])", "/roles/0", R"("roles": [@@7])", "must be a string, got 7",
       false},
  };
  for (const BrokenPart& c : cases) {
    SCOPED_TRACE(c.name);
    const std::string j = with_handler_error(kJur);
    const std::string r = edit(with_rule_errors(kRules), c.from, c.to);
    Loaded l = load(j, r);
    std::vector<std::string> want = {diag_at("rules.json", r, c.pointer, c.needle, c.message), sla_error(r), serves_error(j)};
    if (c.still_checked) want.push_back(route_error(r));
    expect_exactly(l, want);
  }
}

// A wrong type in one unit's extra field leaves the unit read whole: the tree, the handlers and the
// rules are all checked. One in a unit's own field holds back what reads the unit table (the tree, the
// units a handler serves, a rule's scope), not the handlers' other fields nor the rules.
TEST(LoadErrors, AWrongTypeInAUnitHidesNoErrorOfTheHandlersNorRules) {
  const std::string kCell = R"({"id": "c1-a-02", "tier": "cell", "parent": "c1-a"})";
  // still_checked: the tree is checked (an unknown parent elsewhere is reported).
  const BrokenPart cases[] = {
      {"extra object", kCell, R"({"id": "c1-a-02", "tier": "cell", "parent": "c1-a", "foo": {"a": 1}})", "/units/4/foo",
       R"("foo": @@{"a": 1})", "unknown field 'foo' must be a string (extra unit fields are kept as strings), got an object",
       true},
      {"extra number", R"("estate": "sunshine")", R"("estate": 5)", "/units/3/estate", R"("estate": @@5)",
       "unknown field 'estate' must be a string (extra unit fields are kept as strings), got 5", true},
      {"tier", kCell, R"({"id": "c1-a-02", "tier": 3, "parent": "c1-a"})", "/units/4/tier", R"("tier": @@3, "parent": "c1-a")",
       "must be a string, got 3", false},
  };
  for (const BrokenPart& c : cases) {
    SCOPED_TRACE(c.name);
    std::string j = edit(with_handler_error(kJur), c.from, c.to);
    j = edit(j, R"("parent": "c1-a", "estate")", R"("parent": "c9", "estate")");
    const std::string r = with_rule_errors(kRules);
    Loaded l = load(j, r);
    std::vector<std::string> want = {diag_at("jurisdiction.json", j, c.pointer, c.needle, c.message), serves_error(j),
                                     sla_error(r), route_error(r)};
    if (c.still_checked)
      want.push_back(diag_at("jurisdiction.json", j, "/units/3/parent", R"("parent": @@"c9")",
                             "unknown parent unit \"c9\" (did you mean \"c1\"?)"));
    expect_exactly(l, want);
  }
}

// A wrong type in one handler holds back that handler's checks only: the others' errors are reported,
// and defaults.fallback naming it (or, its id unread, naming what may be it) is not an error too.
TEST(LoadErrors, AWrongTypeInAHandlerHidesNoErrorOfTheOthers) {
  for (const bool id : {false, true}) {
    SCOPED_TRACE(id ? "id" : "role");
    const std::string from = R"({"id": "dept-gas", "role": "partner_department", "department": "gas", "serves": ["town"]})";
    const std::string to = id ? R"({"id": 5, "role": "partner_department", "department": "gas", "serves": ["nowhere"]})"
                              : R"({"id": "dept-gas", "role": 5, "department": "gas", "serves": ["nowhere"]})";
    const std::string j = edit(with_handler_error(kJur), from, to);
    std::string r = with_rule_errors(kRules);
    r = edit(r, R"("escalation": "std"},)", R"("escalation": "std", "fallback": "dept-gas"},)");
    Loaded l = load(j, r);
    expect_exactly(l, {id ? diag_at("jurisdiction.json", j, "/handlers/2/id", R"({"id": @@5, "role")", "must be a string, got 5")
                          : diag_at("jurisdiction.json", j, "/handlers/2/role", R"("role": @@5, "department")", "must be a string, got 5"),
                       serves_error(j), sla_error(r), route_error(r)});
  }
}

// A category's name that is not a string is left unset: the taxonomy is kept, and a rule's pattern that
// matches none of its codes is still reported in the same run.
TEST(LoadErrors, ACategoryNameOfTheWrongTypeKeepsTheTaxonomy) {
  std::string r = edit(kRules, R"({"code": "a.b.c"})", R"({"code": "a.b.c", "name": 5})");
  r = edit(r, R"({"id": "r-gas", "priority": 1, "categories": ["x.y"])", R"({"id": "r-gas", "priority": 1, "categories": ["x.z"])");
  Loaded l = load(kJur, r);
  expect_exactly(l, {diag_at("rules.json", r, "/categories/0/name", R"("name": @@5)", "must be a string, got 5"),
                     diag_at("rules.json", r, "/rules/1/categories/0", R"("categories": [@@"x.z"])",
                             "category pattern \"x.z\" matches no declared category (did you mean \"x.y\"?)")});
}

// defaults.fallback naming a handler whose role is unknown, or whose role is in a broken roles list: the
// handler's (or the list's) error is the cause, and the fallback adds none of its own.
TEST(LoadErrors, AFallbackWhoseHandlerHasABadRoleAddsNoErrorOfItsOwn) {
  const std::string from = R"({"id": "dept-gas", "role": "partner_department", "department": "gas", "serves": ["town"]})";
  const std::string to = R"({"id": "dept-gas", "role": "partner_departmnt", "department": "gas", "serves": ["town"]})";
  const std::string j = edit(kJur, from, to);
  const std::string r = edit(kRules, R"("escalation": "std"},)", R"("escalation": "std", "fallback": "dept-gas"},)");
  Loaded l = load(j, r);
  ASSERT_EQ(l.diags.size(), 1u) << dump(l.diags);
  EXPECT_EQ(l.diags[0].pointer, "/handlers/2/role") << dump(l.diags);
  EXPECT_EQ(dump(l.diags).find("fallback"), std::string::npos) << dump(l.diags);
}

// Shape errors in many parts at once (units, handlers, rules, a policy): every error of a part that is
// not broken is reported, a condition's wrong value type in a rule without a shape error among them.
TEST(LoadErrors, ShapeErrorsInManyPartsHideNoErrorOfTheOthers) {
  std::string j = with_handler_error(kJur);
  j = edit(j, R"("estate": "sunshine")", R"("estate": 5)");
  j = edit(j, R"({"id": "c2-01", "tier": "cell", "parent": "c2"})", R"({"id": "c2-01", "tier": "cell", "parent": "c2", "foo": {}})");
  j = edit(j, R"("serves": ["c2"], "calendar": "gov"})", R"("serves": ["c2"], "calendar": "gov", "department": "x"})");
  std::string r = edit(kRules, R"({"id": "r-council", "categories": ["a.*"], "route": ["resident_council"]})",
                       R"({"id": "r-council", "priority": 1.5, "categories": ["a.*"], "route": ["resident_counsil"]},
    {"id": "r-in", "categories": ["a.*"], "when": {"attr": "severity", "in": [1, "a"]}, "route": ["resident_council"]},
    {"id": "r-sla", "categories": ["a.*"], "sla": {"respond": "0h", "extra": "1h"}, "route": ["resident_council"]})");
  r = edit(r, R"("repeat_reports": 3)", R"("repeat_reports": "3")");
  r = edit(r, R"({"name": "grid"})", R"({"name": "grid", "bogus": 1})");
  Loaded l = load(j, r);
  const std::string extra = "must be a string (extra unit fields are kept as strings), got ";
  expect_exactly(
      l, {diag_at("jurisdiction.json", j, "/units/3/estate", R"("estate": @@5)", "unknown field 'estate' " + extra + "5"),
          diag_at("jurisdiction.json", j, "/units/6/foo", R"("foo": @@{})", "unknown field 'foo' " + extra + "an object"),
          serves_error(j),
          diag_at("jurisdiction.json", j, "/handlers/1/department", R"("department": @@"x")",
                  "only partner_department handlers have a department (role \"resident_council\")"),
          diag_at("rules.json", r, "/rules/0/priority", R"("priority": @@1.5)", "must be an integer, got 1.5"),
          diag_at("rules.json", r, "/rules/1/when/in/1", R"([1, @@"a"])",
                  "attribute \"severity\" is a number; this value is of another type"),
          diag_at("rules.json", r, "/rules/2/sla/respond", R"({"respond": @@"0h", "extra")",
                  "duration \"0h\" must be a positive integer followed by m, h, d, wh or wd"),
          diag_at("rules.json", r, "/rules/2/sla/extra", R"("extra": @@"1h")", "unknown field 'extra'"),
          diag_at("rules.json", r, "/escalation_policies/0/levels/0/bogus", R"("bogus": @@1)", "unknown field 'bogus'"),
          diag_at("rules.json", r, "/escalation_policies/0/repeat_reports", R"("repeat_reports": @@"3")",
                  "must be an integer, got \"3\"")});
}

// A unit's field misspelt is one error naming it (cli.md), not a unit without its tier, parent or name
// besides: a string field that reads as a field the unit lacks is not kept as an extra field. One near a
// field the unit has is an extra field as any other.
TEST(LoadErrors, AMisspeltFieldOfAUnitIsOneError) {
  const std::string from = R"({"id": "c2-01", "tier": "cell", "parent": "c2"})";
  const struct {
    const char* to;
    const char* pointer;
    const char* needle;
    const char* message;
  } cases[] = {
      {R"({"id": "c2-01", "teir": "cell", "parent": "c2"})", "/units/6/teir", R"("teir": @@"cell")",
       "unknown field 'teir' (did you mean 'tier'?)"},
      {R"({"id": "c2-01", "tier": "cell", "parnt": "c2"})", "/units/6/parnt", R"("parnt": @@"c2")",
       "unknown field 'parnt' (did you mean 'parent'?)"},
      {R"({"id": "c2-01", "tier": "cell", "parent": "c2", "nmae": "Gate 2"})", "/units/6/nmae", R"("nmae": @@"Gate 2")",
       "unknown field 'nmae' (did you mean 'name'?)"},
      {R"({"di": "c2-01", "tier": "cell", "parent": "c2"})", "/units/6/di", R"({"di": @@"c2-01")",
       "unknown field 'di' (did you mean 'id'?)"},
      {R"({"id": "c2-01", "tire": 3, "parent": "c2"})", "/units/6/tire", R"("tire": @@3)",
       "unknown field 'tire' (did you mean 'tier'?)"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.to);
    const std::string j = edit(kJur, from, c.to);
    Loaded l = load(j, kRules);
    expect_exactly(l, {diag_at("jurisdiction.json", j, c.pointer, c.needle, c.message)});
  }
  Loaded kept = load(edit(kJur, from, R"({"id": "c2-01", "uid": "44-01", "tier": "cell", "parent": "c2", "nam": "x", "name": "Gate"})"), kRules);
  EXPECT_TRUE(kept.ok) << dump(kept.diags);
  EXPECT_TRUE(kept.diags.empty()) << dump(kept.diags);
}

}  // namespace
