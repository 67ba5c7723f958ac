// gridroute check on a bundle that loads: lint findings placed at their FILE:LINE:COLUMN (a handler of
// handlers.csv at its CSV line), the warning about conditions false on every issue without an attribute,
// categories the fallback owner takes as notes (SPEC §6.4) rather than holes, --format json and --strict.
#include <chrono>
#include <string>

#include "diag_util.hpp"

namespace diag_test {
namespace {

// The fixture with a rule whose `ne` is false on issues without `channel`.
Bundle with_ne_rule() {
  Bundle b;
  b.edit("rules.json", R"({"id": "waste", "categories": ["waste.dump"], "route": ["resident_council"]})",
         R"({"id": "waste", "categories": ["waste.dump"], "route": ["resident_council"]},
    {"id": "waste-app", "priority": 1, "categories": ["waste.dump"],
     "when": {"all": [{"attr": "severity", "lt": 3}, {"attr": "channel", "ne": "hotline"}]},
     "route": ["enforcement_squad"]})");
  return b;
}

TEST(LintMissingAttribute, ANeFalseOnEveryIssueWithoutTheAttributeIsAWarningAtTheLeaf) {
  CliRun r = cli({"check", "."}, "", with_ne_rule().write("ne"));
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(lines_of(r.out)[0],
            "./rules.json:11:54: /rules/2/when/all/1: warning: rule 'waste-app' never applies to an issue without "
            "attribute 'channel': a comparison on a missing attribute is false, ne too; if such issues should match, "
            "write {\"any\": [{\"attr\": \"channel\", \"exists\": false}, ...the ne...]}; if not, say so with "
            "{\"attr\": \"channel\", \"exists\": true}")
      << r.out;
  EXPECT_NE(r.out.find(".: ok — 7 units, 3 handlers, 3 rules, 1 escalation policy; 1 warning\n"), std::string::npos)
      << r.out;
}

TEST(LintMissingAttribute, AConditionThatSaysWhatItWantsOfAMissingAttributeIsNotWarnedAbout) {
  for (const std::string& guard : {std::string(R"({"attr": "channel", "exists": false})"),
                                   std::string(R"({"attr": "channel", "exists": true})")}) {
    SCOPED_TRACE(guard);
    Bundle b = with_ne_rule();
    b.edit("rules.json", R"({"attr": "channel", "ne": "hotline"})",
           guard.find("false") != std::string::npos ? R"({"any": [)" + guard + R"(, {"attr": "channel", "ne": "hotline"}]})"
                                                    : guard + R"(, {"attr": "channel", "ne": "hotline"})");
    CliRun r = cli({"check", "."}, "", b.write("ne-guarded"));
    EXPECT_EQ(r.code, 0) << r.err;
    EXPECT_EQ(r.out.find("warning:"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("; 0 warnings\n"), std::string::npos) << r.out;
  }
}

// A condition of thousands of `ne` on as many attributes: each attribute is checked once (a scan of those
// done was the square), each check walks the tree, and past the lint budget of nodes walked the check
// stops with a note instead of running for minutes (80,000 attributes over three rules ran past 60 s).
TEST(LintMissingAttribute, ThousandsOfAttributesStopAtTheLintBudgetWithANote) {
  constexpr int kMany = 20'000;
  std::string declared, tests;
  for (int i = 0; i < kMany; ++i) {
    const std::string a = "a" + std::to_string(i);
    declared += R"(, ")" + a + R"(": "number")";
    tests += std::string(i ? ", " : "") + R"({"attr": ")" + a + R"(", "ne": 1})";
  }
  Bundle b;
  b.edit("rules.json", R"("attributes": {"severity": "number", "channel": "string", "private": "bool")",
         R"("attributes": {"severity": "number", "channel": "string", "private": "bool")" + declared)
      .edit("rules.json", R"({"id": "waste", "categories": ["waste.dump"], "route": ["resident_council"]})",
            R"({"id": "waste", "categories": ["waste.dump"], "route": ["resident_council"]},
    {"id": "waste-many", "priority": 1, "categories": ["waste.dump"], "when": {"all": [)" + tests + R"(]},
     "route": ["enforcement_squad"]})");
  CliRun r = cli({"check", "."}, "", b.write("ne-many"));
  EXPECT_EQ(r.code, 0) << r.err.substr(0, 2000);
  EXPECT_NE(r.out.find("rule 'waste-many' never applies to an issue without attribute 'a0'"), std::string::npos)
      << r.out.substr(0, 2000);
  EXPECT_NE(r.out.find("rules that never apply to an issue without an attribute not all checked: the check walked "
                       "more than 20000000 condition nodes (the lint budget)"),
            std::string::npos)
      << r.out.substr(r.out.size() > 2000 ? r.out.size() - 2000 : 0);
}

TEST(LintMissingAttribute, OtherComparisonsAreNotWarnedAbout) {
  // lt, eq and the rest read as false on a missing attribute to anyone: only ne surprises.
  Bundle b;
  b.edit("rules.json", R"({"id": "waste", "categories": ["waste.dump"], "route": ["resident_council"]})",
         R"({"id": "waste", "categories": ["waste.dump"], "route": ["resident_council"]},
    {"id": "waste-eq", "priority": 1, "categories": ["waste.dump"], "when": {"attr": "channel", "eq": "app"}, "route": ["enforcement_squad"]},
    {"id": "waste-lt", "priority": 2, "categories": ["waste.dump"], "when": {"attr": "severity", "lt": 2}, "route": ["enforcement_squad"]},
    {"id": "waste-not", "priority": 3, "categories": ["waste.dump"], "when": {"not": {"attr": "channel", "ne": "app"}}, "route": ["enforcement_squad"]})");
  CliRun r = cli({"check", "."}, "", b.write("other-ops"));
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out.find("warning:"), std::string::npos) << r.out;
}

TEST(LintPlaces, AHandlerOfHandlersCsvIsNamedAtItsLine) {
  Bundle b;
  b.edit("jurisdiction.json", R"("handlers": [)", R"("handlers_csv": "handlers.csv",
  "handlers": [)")
      .file("handlers.csv", "id,role,department,serves,name,calendar\nmed-1,mediator,,c2,,\n")
      .edit("rules.json", R"("format": "gridroute.rules/1",)", R"("format": "gridroute.rules/1", "roles": ["mediator"],)");
  CliRun r = cli({"check", "."}, "", b.write("csv-handler"));
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(lines_of(r.out)[0],
            "./handlers.csv:2: warning: handler 'med-1' serves nothing routable: no rule or escalation level refers "
            "to role 'mediator'")
      << r.out;
}

// A handler that a nearer one of its role hides in every cell is never the first choice: a note, since a
// return (SPEC §6.2) still reaches it. One whose unit is a level's start is reached, and so not noted.
TEST(LintPlaces, AHandlerHiddenEverywhereByNearerOnesIsNoted) {
  Bundle b;
  b.edit("jurisdiction.json", R"({"id": "squad", "role": "enforcement_squad", "serves": ["town"]})",
         R"({"id": "squad", "role": "enforcement_squad", "serves": ["town"]},
    {"id": "council-town", "role": "resident_council", "serves": ["town"]})");
  CliRun r = cli({"check", "."}, "", b.write("hidden-handler"));
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("/handlers/3: note: handler 'council-town' is never an owner nor an alternate: wherever a "
                       "case looks for resident_council, a handler at a nearer unit (or before it at its own) "
                       "answers first; it takes a case only when those return it"),
            std::string::npos)
      << r.out;
  // The squad serves the town, where the policy's level "town" starts: reached, not noted.
  EXPECT_EQ(r.out.find("'squad' is never"), std::string::npos) << r.out;
}

TEST(LintPlaces, RulesJsonFindingsHaveLineAndColumn) {
  Bundle b;
  b.edit("rules.json", R"("escalation_policies": [)", R"("escalation_policies": [
    {"id": "spare", "levels": [{"name": "grid"}]},)");
  CliRun r = cli({"check", "."}, "", b.write("unused-policy"));
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(lines_of(r.out)[0],
            "./rules.json:12:5: /escalation_policies/0: warning: escalation policy 'spare' is never used by any rule "
            "or default")
      << r.out;
}

// ---- coverage and the fallback owner (SPEC §6.4)

Bundle with_uncovered_category(bool fallback) {
  Bundle b;
  b.edit("rules.json", R"({"code": "waste.dump"}])", R"({"code": "waste.dump"}, {"code": "road.pothole"}])");
  if (fallback) b.edit("rules.json", R"("escalation": "std"})", R"("escalation": "std", "fallback": "council-c1"})");
  return b;
}

TEST(LintFallback, WithoutAFallbackAnUnroutedCategoryIsAHole) {
  CliRun r = cli({"check", "."}, "", with_uncovered_category(false).write("hole"));
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(lines_of(r.out)[0],
            "./rules.json:4:66: /categories/2: warning: coverage hole: no rule routes category 'road.pothole' in any "
            "cell (all 3): no rule's pattern matches it")
      << r.out;
}

// A hole whose rule applies but finds no handler says so, naming the rule and its roles, rather than
// reading as if no rule covered the category.
TEST(LintFallback, AHoleSaysWhichRuleAppliesButFindsNoHandler) {
  Bundle b = with_uncovered_category(false);
  b.edit("jurisdiction.json", R"({"id": "squad", )", R"({"id": "pm-1", "role": "property_manager", "serves": ["c1-a-01"]},
    {"id": "squad", )")
      .edit("rules.json", R"("rules": [)", R"("rules": [
    {"id": "estate-roads", "categories": ["road.*"], "route": ["property_manager"]},)");
  CliRun r = cli({"check", "."}, "", b.write("hole-no-handler"));
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("coverage hole: no rule routes category 'road.pothole' in 2 cells (c1-a-02, c2-01): in c1-a-02 "
                       "rule 'estate-roads' applies, but no handler of its route (property_manager) serves the cell or "
                       "its ancestors"),
            std::string::npos)
      << r.out;
}

TEST(LintFallback, WithAFallbackItIsANoteSayingWhoTakesThem) {
  CliRun r = cli({"check", "."}, "", with_uncovered_category(true).write("fallback"));
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(lines_of(r.out)[0],
            "./rules.json:4:66: /categories/2: note: no rule routes category 'road.pothole' in any cell (all 3): "
            "no rule's pattern matches it: taken by the fallback owner 'council-c1' (defaults.fallback)")
      << r.out;
  EXPECT_EQ(r.out.find("coverage hole"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("; 0 warnings, 1 note\n"), std::string::npos) << r.out;
  // A note never fails a check, not even a strict one.
  EXPECT_EQ(cli({"check", "--strict", "."}, "", with_uncovered_category(true).write("fallback-strict")).code, 0);
}

// A handler whose role no rule names but that is defaults.fallback, or whose role only a level's assist
// names, serves something: the lint does not say otherwise.
TEST(LintFallback, TheFallbackHandlerAndALevelsCoHandlersServeSomething) {
  Bundle b = with_uncovered_category(false);
  b.edit("jurisdiction.json", R"({"id": "squad", "role": "enforcement_squad", "serves": ["town"]})",
         R"({"id": "squad", "role": "enforcement_squad", "serves": ["town"]},
    {"id": "hotline", "role": "center", "serves": ["town"]},
    {"id": "med-1", "role": "mediator", "serves": ["town"]},
    {"id": "spare", "role": "spare_role", "serves": ["c2"]})")
      .edit("rules.json", R"("format": "gridroute.rules/1",)",
            R"("format": "gridroute.rules/1", "roles": ["center", "mediator", "spare_role"],)")
      .edit("rules.json", R"("escalation": "std"})", R"("escalation": "std", "fallback": "hotline"})")
      .edit("rules.json", R"("route": ["enforcement_squad"]}]})", R"("route": ["enforcement_squad"], "assist": ["mediator"]}]})");
  CliRun r = cli({"check", "."}, "", b.write("fallback-and-assist-roles"));
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out.find("handler 'hotline' serves nothing routable"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("handler 'med-1' serves nothing routable"), std::string::npos) << r.out;
  // A role that nothing names is still found.
  EXPECT_NE(r.out.find("warning: handler 'spare' serves nothing routable: no rule or escalation level refers to "
                       "role 'spare_role'"),
            std::string::npos)
      << r.out;
}

TEST(LintFallback, CoverageListsThePairsAsTheFallbackHandlersNotAsHoles) {
  CliRun with = cli({"check", "--coverage", "."}, "", with_uncovered_category(true).write("cov-fallback"));
  EXPECT_EQ(with.code, 0) << with.err;
  EXPECT_EQ(with.out.find("coverage holes"), std::string::npos) << with.out;
  EXPECT_NE(with.out.find("\nleft to the fallback handler 'council-c1' where no rule routes (1; each names the highest unit "
                          "where every cell misses):\n  category group `road`: 3 cells of town `town` route nothing for "
                          "road.pothole\n"),
            std::string::npos)
      << with.out;
  CliRun without = cli({"check", "--coverage", "."}, "", with_uncovered_category(false).write("cov-hole"));
  EXPECT_NE(without.out.find("\ncoverage holes (1; each names the highest unit where every cell misses):\n"),
            std::string::npos)
      << without.out;
}

// ---- --format json and --strict

json::object parse_doc(const std::string& text) {
  json::error_code ec;
  json::value v = json::parse(text, ec);
  EXPECT_FALSE(ec) << "not one JSON document: " << text;
  EXPECT_TRUE(v.is_object()) << text;
  return v.is_object() ? v.as_object() : json::object();
}

TEST(CheckJson, ABundleThatLoadsWithItsWarnings) {
  CliRun r = cli({"check", "--format", "json", "."}, "", with_ne_rule().write("json-ok"));
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.err, "");
  json::object d = parse_doc(r.out);
  EXPECT_EQ(d.at("bundle"), ".");
  EXPECT_EQ(d.at("ok"), true);
  EXPECT_EQ(d.at("strict"), false);
  EXPECT_EQ(d.at("digest").as_string().size(), 16u);
  EXPECT_EQ(d.at("units"), 7);
  EXPECT_EQ(d.at("handlers"), 3);
  EXPECT_EQ(d.at("rules"), 3);
  EXPECT_EQ(d.at("escalation_policies"), 1);
  EXPECT_EQ(d.at("errors"), 0);
  EXPECT_EQ(d.at("warnings"), 1);
  EXPECT_EQ(d.at("notes"), 0);
  const auto& list = d.at("diagnostics").as_array();
  ASSERT_EQ(list.size(), 1u);
  const auto& w = list[0].as_object();
  EXPECT_EQ(w.at("severity"), "warning");
  EXPECT_EQ(w.at("file"), "./rules.json");
  EXPECT_EQ(w.at("line"), 11);
  EXPECT_EQ(w.at("column"), 54);
  EXPECT_EQ(w.at("pointer"), "/rules/2/when/all/1");
  EXPECT_EQ(str(w.at("message")).rfind("rule 'waste-app' never applies to an issue without attribute 'channel'", 0), 0u);
  EXPECT_EQ(str(w.at("text")), "./rules.json:11:54: /rules/2/when/all/1: warning: " + str(w.at("message")));
  // The same digest as the text report.
  EXPECT_NE(cli({"check", "."}, "", with_ne_rule().write("json-ok")).out.find(": bundle " + str(d.at("digest"))),
            std::string::npos);
}

TEST(CheckJson, ARefusedBundleIsStillOneDocumentOnStandardOutput) {
  Bundle b;
  b.edit("jurisdiction.json", R"("role": "enforcement_squad")", R"("role": "enforcment_squad")")
      .file("extra.txt", "");
  CliRun r = cli({"check", "--format=json", "."}, "", b.write("json-refused"));
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.err, "");
  json::object d = parse_doc(r.out);
  EXPECT_EQ(d.at("ok"), false);
  EXPECT_TRUE(d.at("digest").is_null());
  EXPECT_EQ(d.at("errors"), 1);
  const auto& list = d.at("diagnostics").as_array();
  ASSERT_EQ(list.size(), 1u);
  const auto& e = list[0].as_object();
  EXPECT_EQ(e.at("severity"), "error");
  EXPECT_EQ(e.at("file"), "./jurisdiction.json");
  EXPECT_EQ(e.at("line"), 17);
  EXPECT_EQ(e.at("pointer"), "/handlers/2/role");
  EXPECT_EQ(e.at("message"), R"(unknown role "enforcment_squad" (did you mean "enforcement_squad"?))");
}

TEST(CheckJson, AMissingBundleIsOneErrorWithoutAFile) {
  CliRun r = cli({"check", "--format", "json", (scratch() / "no-such-bundle").string()});
  EXPECT_EQ(r.code, 1);
  json::object d = parse_doc(r.out);
  EXPECT_EQ(d.at("ok"), false);
  ASSERT_EQ(d.at("diagnostics").as_array().size(), 1u);
  EXPECT_EQ(d.at("diagnostics").as_array()[0].as_object().at("severity"), "error");
}

TEST(CheckJson, CoverageComesWithIt) {
  CliRun r = cli({"check", "--format", "json", "--coverage", "."}, "", with_uncovered_category(true).write("json-cov"));
  EXPECT_EQ(r.code, 0);
  json::object d = parse_doc(r.out);
  EXPECT_EQ(d.at("notes"), 1);
  EXPECT_NE(str(d.at("coverage")).find("fallback handler 'council-c1'"), std::string::npos) << r.out;
}

TEST(CheckStrict, WarningsFailIt) {
  const fs::path warned = with_ne_rule().write("strict-warned");
  CliRun r = cli({"check", "--strict", "."}, "", warned);
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.out.find("; 1 warning\n"), std::string::npos) << r.out;
  EXPECT_EQ(r.err, "gridroute: check --strict: 1 warning fails the check\n");
  CliRun j = cli({"check", "--strict", "--format", "json", "."}, "", warned);
  EXPECT_EQ(j.code, 1);
  json::object d = parse_doc(j.out);
  EXPECT_EQ(d.at("ok"), false);
  EXPECT_EQ(d.at("strict"), true);
  EXPECT_EQ(d.at("warnings"), 1);
  // Without --strict the same bundle passes.
  EXPECT_EQ(cli({"check", "."}, "", warned).code, 0);
}

TEST(CheckStrict, ACleanBundlePassesIt) {
  CliRun r = cli({"check", "--strict", "."}, "", Bundle().write("strict-clean"));
  EXPECT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_EQ(r.err, "");
}

TEST(CheckOptions, UsageErrors) {
  const fs::path b = Bundle().write("usage");
  CliRun bad = cli({"check", "--format", "yaml", b.string()});
  EXPECT_EQ(bad.code, 2);
  EXPECT_EQ(bad.err, "gridroute: check: --format takes text or json\nTry 'gridroute check --help'.\n");
  EXPECT_EQ(cli({"check", b.string(), "--format"}).code, 2);
  EXPECT_EQ(cli({"check", "--format", "text", b.string()}).code, 0);
}

}  // namespace
}  // namespace diag_test

namespace diag_test {
namespace {

TEST(LintBudget, ALargeJurisdictionIsANoteAndAStrictCheckPasses) {
  // 2,001 cells x 10,000 categories: over the 20 million pairs coverage is checked for.
  std::string units = R"({"id": "town", "tier": "town"}, {"id": "c1", "tier": "community", "parent": "town"},
    {"id": "c1-a", "tier": "area", "parent": "c1"})";
  for (int i = 0; i < 2001; ++i) units += R"(, {"id": "cell-)" + std::to_string(i) + R"(", "tier": "cell", "parent": "c1-a"})";
  std::string categories = R"({"code": "noise.loud"}, {"code": "waste.dump"})";
  for (int i = 0; i < 9998; ++i) categories += R"(, {"code": "misc.c)" + std::to_string(i) + R"("})";
  Bundle b;
  b.file("jurisdiction.json", R"({"format": "gridroute.jurisdiction/1", "timezone": "Asia/Shanghai",
  "tiers": ["town", "community", "area", "cell"], "units": [)" + units + R"(],
  "handlers": [{"id": "council-c1", "role": "resident_council", "serves": ["c1"]},
               {"id": "squad", "role": "enforcement_squad", "serves": ["town"]}]})")
      .edit("rules.json", R"("categories": [{"code": "noise.loud"}, {"code": "waste.dump"}])",
            R"("categories": [)" + categories + "]")
      .edit("rules.json", R"({"id": "waste", "categories": ["waste.dump"], "route": ["resident_council"]})",
            R"({"id": "waste", "categories": ["waste.dump", "misc.*"], "route": ["resident_council"]})");
  CliRun r = cli({"check", "--strict", "."}, "", b.write("budget"));
  EXPECT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_EQ(lines_of(r.out)[0].rfind("./rules.json:4:17: /categories: note: coverage holes not checked: 2001 cells x "
                                     "10000 categories is over the lint budget of 20000000 pairs",
                                     0),
            0u)
      << lines_of(r.out)[0];
}

// A bundle's text may hold control characters where an id or a name goes: the text report writes them
// escaped, so a refused id can neither forge a FILE:LINE line of its own nor reach the terminal.
TEST(CheckText, ControlCharactersOfTheBundleAreWrittenEscaped) {
  Bundle b;
  b.edit("jurisdiction.json", R"({"id": "c2-01", "tier": "cell", "parent": "c2"})",
         R"({"id": "c2-01\nrules.json:1:1: forged\u001b]0;title\u0007", "tier": "cell", "parent": "c2"})");
  CliRun r = cli({"check", "."}, "", b.write("control-characters"));
  EXPECT_EQ(r.code, 1) << r.err;
  const std::string all = r.out + r.err;
  for (const std::string& line : lines_of(all)) EXPECT_FALSE(line.starts_with("rules.json:1:1: forged")) << all;
  EXPECT_EQ(all.find('\x1b'), std::string::npos) << all;
  EXPECT_EQ(all.find('\x07'), std::string::npos) << all;
  EXPECT_NE(all.find(R"(c2-01\nrules.json:1:1: forged\x1b]0;title\x07)"), std::string::npos) << all;
}

// A calendar that works on no weekday runs out after its last make-up day, and its deadlines then never
// fall: a warning, as is a make-up day that is a working weekday already.
TEST(LintCalendars, WorkingTimeThatRunsOutAndMakeUpDaysThatChangeNothing) {
  Bundle b;
  b.edit("rules.json", R"({"id": "gov", "weekdays": [1, 2, 3, 4, 5], "hours": [["09:00", "17:00"]]})",
         R"({"id": "gov", "weekdays": [], "hours": [["09:00", "17:00"]], "workdays": ["2026-09-27", "2026-10-10"]},
    {"id": "week", "weekdays": [1, 2, 3, 4, 5], "hours": [["09:00", "17:00"]], "workdays": ["2026-09-27", "2026-09-30"], "holidays": ["2026-10-01"]})");
  CliRun r = cli({"check", "."}, "", b.write("calendars"));
  EXPECT_EQ(r.code, 0) << r.err;
  const auto lines = lines_of(r.out);
  ASSERT_GE(lines.size(), 2u) << r.out;
  EXPECT_EQ(lines[0], "./rules.json:5:43: /calendars/0/weekdays: warning: calendar 'gov' works on no weekday, only on its "
                      "2 make-up days: a deadline in wh or wd that runs past 2026-10-10 never falls (null), so a case on "
                      "this calendar never misses it") << r.out;
  EXPECT_NE(r.out.find("/calendars/1/workdays: warning: calendar 'week': make-up day 2026-09-30 is a working weekday "
                       "already"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("2026-09-27 is a working"), std::string::npos) << r.out;  // a Sunday
  EXPECT_EQ(r.out.find("in both its holidays"), std::string::npos) << r.out;
  // A holiday copied into the make-up days (a Thursday and a Saturday): worked, and said so.
  b.edit("rules.json", R"("workdays": ["2026-09-27", "2026-09-30"], "holidays": ["2026-10-01"]})",
         R"("workdays": ["2026-10-01", "2026-10-03"], "holidays": ["2026-10-01", "2026-10-02", "2026-10-03"]})");
  r = cli({"check", "."}, "", b.write("calendars-both"));
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(lines_with(r.out, "in both its holidays"),
            (std::vector<std::string>{
                "./rules.json:6:92: /calendars/1/workdays: warning: calendar 'week': 2026-10-01 is in both its holidays "
                "and its workdays, so it is worked (a date in workdays always is); take it out of the list it does not "
                "belong to",
                "./rules.json:6:92: /calendars/1/workdays: warning: calendar 'week': 2026-10-03 is in both its holidays "
                "and its workdays, so it is worked (a date in workdays always is); take it out of the list it does not "
                "belong to"}))
      << r.out;
}

// A working duration whose deadline falls past the 11000 days a count looks ahead is written null and
// never missed: lint says so, for each calendar it happens on.
TEST(LintCalendars, ADurationPastTheSearchHorizonIsWarnedAbout) {
  Bundle b;
  b.edit("rules.json", R"({"id": "waste", "categories": ["waste.dump"], "route": ["resident_council"]})",
         R"({"id": "waste", "categories": ["waste.dump"], "route": ["resident_council"], "sla": {"respond": "2wh", "resolve": "8000wd"}})");
  CliRun r = cli({"check", "."}, "", b.write("horizon"));
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("/rules/1: warning: a deadline of 8000wd on calendar 'gov' falls more than 11000 days (about 30 "
                       "years) after its start, past what is counted: it is written null, and a case never misses it"),
            std::string::npos)
      << r.out;
  EXPECT_EQ(r.out.find("a deadline of 2wh"), std::string::npos) << r.out;
  // 7000wd on a Monday-to-Friday calendar is about 27 years: counted.
  Bundle c;
  c.edit("rules.json", R"({"id": "waste", "categories": ["waste.dump"], "route": ["resident_council"]})",
         R"({"id": "waste", "categories": ["waste.dump"], "route": ["resident_council"], "sla": {"resolve": "7000wd"}})");
  r = cli({"check", "."}, "", c.write("horizon-ok"));
  EXPECT_EQ(r.out.find("search horizon"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("falls more than"), std::string::npos) << r.out;
}

// A local_time window that starts where it ends is empty (SPEC §3.2: half-open): a rule with it never
// applies, which lint says.
TEST(LintConditions, AnEmptyLocalTimeWindowIsWarnedAbout) {
  Bundle b;
  b.edit("rules.json", R"({"id": "loud", "categories": ["noise.*"], "route": ["enforcement_squad"]})",
         R"({"id": "loud", "categories": ["noise.*"], "when": {"local_time": ["09:00", "09:00"]}, "route": ["enforcement_squad"]})");
  CliRun r = cli({"check", "."}, "", b.write("empty-window"));
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("/rules/0/when: warning: this local_time window starts where it ends, so it holds no time"),
            std::string::npos) << r.out;
}

}  // namespace
}  // namespace diag_test

namespace diag_test {
namespace {

// ---- policies used through defaults.escalation (SPEC §3.5, §6.4)

// Both rules name policy "other"; defaults.escalation is "std".
Bundle rules_with_their_own_escalation(bool fallback) {
  Bundle b;
  b.edit("rules.json", R"({"id": "loud", "categories": ["noise.*"], "route": ["enforcement_squad"]})",
         R"({"id": "loud", "categories": ["noise.*"], "route": ["enforcement_squad"], "escalation": "other"})")
      .edit("rules.json", R"({"id": "waste", "categories": ["waste.dump"], "route": ["resident_council"]})",
            R"({"id": "waste", "categories": ["waste.dump"], "route": ["resident_council"], "escalation": "other"})")
      .edit("rules.json", R"("escalation_policies": [)", R"("escalation_policies": [
    {"id": "other", "levels": [{"name": "grid"}, {"name": "c", "tier": "community", "route": ["resident_council"]}]},)");
  if (fallback) b.edit("rules.json", R"("escalation": "std"})", R"("escalation": "std", "fallback": "squad"})");
  return b;
}

TEST(LintPolicies, APolicyTheFallbackOwnerUsesThroughDefaultsEscalationIsUsed) {
  CliRun r = cli({"check", "."}, "", rules_with_their_own_escalation(true).write("policy-fallback"));
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out.find("never used"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("; 0 warnings\n"), std::string::npos) << r.out;
}

TEST(LintPolicies, DefaultsEscalationThatNoCaseCanUseIsWarnedAboutAsSuch) {
  CliRun r = cli({"check", "."}, "", rules_with_their_own_escalation(false).write("policy-default-unused"));
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(lines_of(r.out)[0],
            "./rules.json:13:5: /escalation_policies/1: warning: escalation policy 'std' is never used: it is "
            "defaults.escalation, but every rule names its own escalation and there is no defaults.fallback")
      << r.out;
}

TEST(LintPolicies, DefaultsEscalationIsUsedByTheRulesWithoutTheirOwn) {
  // The fixture: no rule names a policy, defaults.escalation is "std", no fallback.
  CliRun r = cli({"check", "."}, "", Bundle().write("policy-default-used"));
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out.find("never used"), std::string::npos) << r.out;
}

// ---- wh/wd deadlines past the search horizon, on the calendar each use counts on (SPEC §3.4)

// A 24/7 calendar "always" beside "gov": 8000wd there is 8000 days, inside the 11000 days counted; on gov
// (Monday to Friday) it is about 30 years, past them.
Bundle with_calendar_always() {
  Bundle b;
  b.edit("rules.json", R"({"id": "gov", "weekdays": [1, 2, 3, 4, 5], "hours": [["09:00", "17:00"]]})",
         R"({"id": "gov", "weekdays": [1, 2, 3, 4, 5], "hours": [["09:00", "17:00"]]},
    {"id": "always", "weekdays": [1, 2, 3, 4, 5, 6, 7], "hours": [["00:00", "24:00"]]})");
  return b;
}

const std::string kPastHorizon = "a deadline of 8000wd on calendar 'gov' falls more than 11000 days";

TEST(LintHorizon, ARuleThatPinsACalendarIsCountedOnItOnly) {
  Bundle b = with_calendar_always();
  b.edit("rules.json", R"({"id": "waste", "categories": ["waste.dump"], "route": ["resident_council"]})",
         R"({"id": "waste", "categories": ["waste.dump"], "route": ["resident_council"], "calendar": "always", "sla": {"resolve": "8000wd"}})");
  CliRun r = cli({"check", "."}, "", b.write("horizon-pinned"));
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out.find("falls more than"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("; 0 warnings\n"), std::string::npos) << r.out;
}

TEST(LintHorizon, ItIsReportedAtTheUseThatCountsOnTheCalendar) {
  Bundle b = with_calendar_always();
  b.edit("rules.json", R"({"id": "waste", "categories": ["waste.dump"], "route": ["resident_council"]})",
         R"({"id": "waste", "categories": ["waste.dump"], "route": ["resident_council"], "calendar": "always", "sla": {"resolve": "8000wd"}},
    {"id": "slow", "categories": ["noise.loud"], "route": ["enforcement_squad"], "sla": {"resolve": "8000wd"}})");
  CliRun r = cli({"check", "."}, "", b.write("horizon-place"));
  EXPECT_EQ(r.code, 0) << r.err;
  const auto found = lines_with(r.out, "falls more than");
  ASSERT_EQ(found.size(), 1u) << r.out;  // none at /rules/1, whose calendar counts it
  EXPECT_EQ(found[0], "./rules.json:11:5: /rules/2: warning: " + kPastHorizon +
                          " (about 30 years) after its start, past what is counted: it is written null, and a case never "
                          "misses it")
      << r.out;
}

TEST(LintHorizon, ARuleWithoutACalendarCountsOnItsOwnersCalendars) {
  // The squad owns 'loud' and counts on its own calendar: 8000wd there is counted.
  Bundle b = with_calendar_always();
  b.edit("jurisdiction.json", R"({"id": "squad", "role": "enforcement_squad", "serves": ["town"]})",
         R"({"id": "squad", "role": "enforcement_squad", "serves": ["town"], "calendar": "always"})")
      .edit("rules.json", R"({"id": "loud", "categories": ["noise.*"], "route": ["enforcement_squad"]})",
            R"({"id": "loud", "categories": ["noise.*"], "route": ["enforcement_squad"], "sla": {"resolve": "8000wd"}})");
  CliRun r = cli({"check", "."}, "", b.write("horizon-owner-calendar"));
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out.find("falls more than"), std::string::npos) << r.out;
  // A council of the rule's scope counts on defaults.calendar (gov): warned; one outside the scope is not an owner.
  Bundle c = with_calendar_always();
  c.edit("jurisdiction.json", R"({"id": "council-c2", "role": "resident_council", "serves": ["c2"]})",
         R"({"id": "council-c2", "role": "resident_council", "serves": ["c2"], "calendar": "always"})")
      .edit("rules.json", R"({"id": "waste", "categories": ["waste.dump"], "route": ["resident_council"]})",
            R"({"id": "waste", "scope": "c2", "categories": ["waste.dump"], "route": ["resident_council"], "sla": {"resolve": "8000wd"}},
    {"id": "waste-c1", "scope": "c1", "categories": ["waste.dump"], "route": ["resident_council"], "sla": {"resolve": "8000wd"}})");
  r = cli({"check", "."}, "", c.write("horizon-scope"));
  EXPECT_EQ(r.code, 0) << r.err;
  const auto found = lines_with(r.out, "falls more than");
  ASSERT_EQ(found.size(), 1u) << r.out;
  EXPECT_NE(found[0].find("/rules/2: warning: " + kPastHorizon), std::string::npos) << r.out;
}

TEST(LintHorizon, ALevelCountsOnTheCalendarsOfTheHandlersItFinds) {
  Bundle b = with_calendar_always();
  b.edit("rules.json", R"({"name": "town", "tier": "town", "route": ["enforcement_squad"]})",
         R"({"name": "town", "tier": "town", "route": ["enforcement_squad"], "resolve": "8000wd"})");
  CliRun r = cli({"check", "."}, "", b.write("horizon-level"));
  EXPECT_EQ(r.code, 0) << r.err;
  const auto found = lines_with(r.out, "falls more than");
  ASSERT_EQ(found.size(), 1u) << r.out;
  EXPECT_EQ(found[0].rfind("./rules.json:13:5: /escalation_policies/0: warning: " + kPastHorizon, 0), 0u) << r.out;
  b.edit("jurisdiction.json", R"({"id": "squad", "role": "enforcement_squad", "serves": ["town"]})",
         R"({"id": "squad", "role": "enforcement_squad", "serves": ["town"], "calendar": "always"})");
  r = cli({"check", "."}, "", b.write("horizon-level-owner"));
  EXPECT_EQ(r.out.find("falls more than"), std::string::npos) << r.out;
}

// defaults.sla's own deadline is placed where it is written, like every other finding.
TEST(LintHorizon, TheDefaultDeadlineIsPlacedAtItsLineAndColumn) {
  Bundle b;
  b.edit("rules.json", R"("sla": {"respond": "2wh", "resolve": "3wd"})", R"("sla": {"respond": "2wh", "resolve": "8000wd"})");
  CliRun r = cli({"check", "."}, "", b.write("horizon-default"));
  EXPECT_EQ(r.code, 0) << r.err;
  const auto found = lines_with(r.out, "falls more than");
  ASSERT_EQ(found.size(), 1u) << r.out;
  EXPECT_EQ(found[0].rfind("./rules.json:", 0), 0u) << r.out;
  EXPECT_NE(found[0].find(": /defaults/sla/resolve: warning: " + kPastHorizon), std::string::npos) << r.out;
  EXPECT_EQ(found[0].find("./rules.json: /"), std::string::npos) << r.out;  // a line and a column
}

// ---- at most 100 findings of each kind (docs/cli.md), and a last one that says how many more

TEST(LintCap, EveryKindListsAtMostAHundredAndSaysHowManyMore) {
  std::string policies, windows, workdays;
  for (int i = 0; i < 103; ++i) policies += R"({"id": "spare-)" + std::to_string(i) + R"(", "levels": [{"name": "grid"}]},)";
  for (int i = 0; i < 104; ++i) windows += std::string(i ? ", " : "") + R"({"local_time": ["09:00", "09:00"]})";
  // 105 make-up days that are working weekdays of gov (Monday to Friday) already.
  int days = 0;
  for (std::chrono::sys_days d = std::chrono::sys_days(std::chrono::year(2027) / 1 / 1); days < 105; d += std::chrono::days(1)) {
    const unsigned wd = std::chrono::weekday(d).iso_encoding();
    if (wd > 5) continue;
    const std::chrono::year_month_day ymd(d);
    char text[16];
    std::snprintf(text, sizeof text, "%04d-%02u-%02u", static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                  static_cast<unsigned>(ymd.day()));
    workdays += std::string(days++ ? ", " : "") + "\"" + text + "\"";
  }
  Bundle b;
  b.edit("rules.json", R"("escalation_policies": [)", R"("escalation_policies": [)" + policies)
      .edit("rules.json", R"({"id": "loud", "categories": ["noise.*"], "route": ["enforcement_squad"]})",
            R"({"id": "loud", "categories": ["noise.*"], "route": ["enforcement_squad"]},
    {"id": "never", "priority": 1, "categories": ["noise.*"], "when": {"any": [)" + windows + R"(]}, "route": ["enforcement_squad"]})")
      .edit("rules.json", R"("hours": [["09:00", "17:00"]]})", R"("hours": [["09:00", "17:00"]], "workdays": [)" + workdays + "]}");
  CliRun r = cli({"check", "."}, "", b.write("cap"));
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(lines_with(r.out, "is never used by any rule or default").size(), 100u);
  EXPECT_EQ(lines_with(r.out, "this local_time window starts where it ends").size(), 100u);
  EXPECT_EQ(lines_with(r.out, "is a working weekday already").size(), 100u);
  EXPECT_NE(r.out.find("rules.json:12:26: /escalation_policies: note: 3 more policies never used not listed\n"),
            std::string::npos) << r.out;
  EXPECT_NE(r.out.find("rules.json:7:12: /rules: note: 4 more local_time windows that hold no time not listed\n"),
            std::string::npos) << r.out;
  EXPECT_NE(r.out.find("rules.json:5:16: /calendars: note: 5 more make-up days that change nothing not listed\n"),
            std::string::npos) << r.out;
}

// ---- local_time windows that hold no time (SPEC §3.2; 24:00 is the day's end)

TEST(LintConditions, AWindowFromTheDaysEndRoundToItsStartIsWarnedAbout) {
  Bundle b;
  b.edit("rules.json", R"({"id": "loud", "categories": ["noise.*"], "route": ["enforcement_squad"]})",
         R"({"id": "loud", "categories": ["noise.*"], "when": {"any": [{"local_time": ["24:00", "00:00"]},
      {"local_time": ["00:00", "24:00"]}, {"local_time": ["24:00", "05:00"]}, {"local_time": ["22:00", "00:00"]},
      {"local_time": ["24:00", "24:00"]}]}, "route": ["enforcement_squad"]})");
  CliRun r = cli({"check", "."}, "", b.write("window-24"));
  EXPECT_EQ(r.code, 0) << r.err;
  const auto found = lines_with(r.out, "local_time window");
  ASSERT_EQ(found.size(), 2u) << r.out;
  EXPECT_EQ(found[0], "./rules.json:8:64: /rules/0/when/any/0: warning: this local_time window starts at 24:00, "
                      "where the day ends, and wraps round to 00:00, where it begins, so it holds no time and the "
                      "condition is never true (the whole day is [\"00:00\", \"24:00\"])")
      << r.out;
  EXPECT_NE(found[1].find("/rules/0/when/any/4: warning: this local_time window starts where it ends"), std::string::npos)
      << r.out;
}

// ---- escalation levels that resolve for no cell (SPEC §3.5)

// A copy of a rule (its route resolves in every cell, though not at its scope: the councils serve the
// communities) never wins, and a rule behind one of higher priority; each finding names the rule that
// comes first and why.
TEST(LintShadow, ACopyOfARuleAndARuleBehindAHigherPriorityNameTheRuleAhead) {
  Bundle b;
  b.edit("rules.json", R"({"id": "waste", "categories": ["waste.dump"], "route": ["resident_council"]})",
         R"({"id": "waste", "categories": ["waste.dump"], "route": ["resident_council"]},
    {"id": "waste-copy", "categories": ["waste.dump"], "route": ["resident_council"]},
    {"id": "loud-low", "priority": -1, "categories": ["noise.loud"], "route": ["enforcement_squad"]},
    {"id": "waste-either", "categories": ["waste.*"], "route": ["property_manager", "resident_council"]})");
  CliRun r = cli({"check", "."}, "", b.write("shadow-named"));
  EXPECT_EQ(r.code, 0) << r.err;
  const auto found = lines_with(r.out, "can never win");
  ASSERT_EQ(found.size(), 2u) << r.out;
  EXPECT_NE(found[0].find("/rules/2: warning: rule 'waste-copy' can never win: for each of its categories a rule that "
                          "comes first (here rule 'waste', first by its place earlier in rules.json), without a "
                          "condition and over its scope, finds a handler wherever it would"),
            std::string::npos)
      << found[0];
  EXPECT_NE(found[1].find("rule 'loud-low' can never win: for each of its categories a rule that comes first (here "
                          "rule 'loud', first by its higher priority)"),
            std::string::npos)
      << found[1];
  // A rule with a role the rules ahead do not route by is not reported (it would win where a property
  // manager served).
  EXPECT_EQ(r.out.find("'waste-either' can never win"), std::string::npos) << r.out;
}

// A rule whose roles are had only outside its scope never routes there; a reference no handler has (a
// misspelt department) is passed over on every issue, and the nearest department handlers have is named.
TEST(LintRoutes, ARuleWithNoHandlerInItsScopeAndAReferenceNoHandlerHas) {
  Bundle b;
  b.edit("jurisdiction.json", R"({"id": "squad", "role": "enforcement_squad", "serves": ["town"]})",
         R"({"id": "squad", "role": "enforcement_squad", "serves": ["town"]},
    {"id": "pm-c1", "role": "property_manager", "serves": ["c1-a"]},
    {"id": "dept-fire", "role": "partner_department", "department": "fire", "serves": ["town"]})")
      .edit("rules.json", R"({"id": "waste", "categories": ["waste.dump"], "route": ["resident_council"]})",
            R"({"id": "waste", "categories": ["waste.dump"], "route": ["resident_council"]},
    {"id": "c2-estate", "scope": "c2", "categories": ["waste.dump"], "route": ["property_manager"]},
    {"id": "c1-estate", "scope": "c1", "categories": ["waste.dump"], "route": ["property_manager"]},
    {"id": "fire", "priority": 5, "categories": ["noise.loud"], "when": {"attr": "severity", "ge": 4},
     "route": ["resident_council", {"role": "partner_department", "department": "fyre"}],
     "assist": [{"role": "partner_department", "department": "fyre"}]})");
  CliRun r = cli({"check", "."}, "", b.write("routes"));
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(lines_with(r.out, "never route"),
            std::vector<std::string>{"./rules.json:10:79: /rules/2/route: warning: rule 'c2-estate' can never route in "
                                     "its scope 'c2': no handler of its roles (property_manager) serves that unit, a "
                                     "unit above it or a unit in it"})
      << r.out;
  EXPECT_EQ(lines_with(r.out, "never resolves"),
            (std::vector<std::string>{
                "./rules.json:13:15: /rules/4/route: warning: rule 'fire', route: no handler has the role "
                "'partner_department/fyre' (reference 2), so it never resolves (did you mean department \"fire\"?)",
                "./rules.json:14:16: /rules/4/assist: warning: rule 'fire', assist: no handler has the role "
                "'partner_department/fyre' (reference 1), so it never resolves (did you mean department \"fire\"?)"}))
      << r.out;
}

TEST(LintLevels, ALevelWhoseHandlersAllServeBelowWhereItStartsIsWarnedAbout) {
  Bundle b;
  b.edit("jurisdiction.json", R"({"id": "squad", "role": "enforcement_squad", "serves": ["town"]})",
         R"({"id": "squad", "role": "enforcement_squad", "serves": ["town"]},
    {"id": "pm-1", "role": "property_manager", "serves": ["c1-a-01", "c1-a"]})")
      .edit("rules.json", R"({"name": "town", "tier": "town", "route": ["enforcement_squad"]})",
            R"({"name": "estate", "tier": "community", "route": ["property_manager"]},
      {"name": "town", "tier": "town", "route": ["enforcement_squad"]})")
      .edit("rules.json", R"("route": ["resident_council"]})", R"("route": ["resident_council"], "assist": ["property_manager"]})");
  CliRun r = cli({"check", "."}, "", b.write("level-below"));
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(lines_with(r.out, "can never resolve"),
            std::vector<std::string>{"./rules.json:12:97: /escalation_policies/0/levels/1/route: warning: level "
                                     "\"estate\" of policy 'std' can never resolve: the handlers of its roles "
                                     "(property_manager) serve no unit at or above where it starts (a cell's "
                                     "community unit, or the nearest above it); escalation passes it over for every cell"})
      << r.out;
  // A handler at one community is enough: the level resolves for that community's cells.
  b.edit("jurisdiction.json", R"("serves": ["c1-a-01", "c1-a"])", R"("serves": ["c1-a-01", "c1"])");
  r = cli({"check", "."}, "", b.write("level-some"));
  EXPECT_EQ(r.out.find("can never resolve"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace diag_test
