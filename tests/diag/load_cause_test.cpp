// Bundle errors that name the cause (gridroute check): the first error is a cause, not a symptom; the
// follow-ups of one cause are folded into it; an unknown name gets "did you mean"; shape errors in one
// file do not hide the errors of the other.
#include <algorithm>
#include <string>

#include "diag_util.hpp"

namespace diag_test {
namespace {

// The error lines of a refused bundle (standard error without its last, "bundle refused" line).
std::vector<std::string> errors_of(const CliRun& r) {
  auto v = lines_of(r.err);
  EXPECT_FALSE(v.empty());
  if (!v.empty()) {
    EXPECT_EQ(v.back().rfind("gridroute: bundle refused: ", 0), 0u) << r.err;
    v.pop_back();
  }
  return v;
}

CliRun check(const Bundle& b, const std::string& name) { return cli({"check", "."}, "", b.write(name)); }

TEST(CauseFirst, AnUnknownParentComesBeforeTheUnitItLeftWithoutChildren) {
  // Both cells of c1-a name a parent that does not exist: c1-a is then left without children. That is a
  // symptom, reported after the cause although c1-a comes first in the file.
  Bundle b;
  b.edit("jurisdiction.json", R"({"id": "c1-a-01", "tier": "cell", "parent": "c1-a"})",
         R"({"id": "c1-a-01", "tier": "cell", "parent": "nowhere"})")
      .edit("jurisdiction.json", R"({"id": "c1-a-02", "tier": "cell", "parent": "c1-a"})",
            R"({"id": "c1-a-02", "tier": "cell", "parent": "nowhere"})");
  CliRun r = check(b, "unknown-parent");
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(errors_of(r), (std::vector<std::string>{
                              "./jurisdiction.json:9:49: /units/3/parent: unknown parent unit \"nowhere\"",
                              "./jurisdiction.json:10:49: /units/4/parent: unknown parent unit \"nowhere\"",
                              "./jurisdiction.json:8:28: /units/2/tier: unit \"c1-a\" has no child units; every leaf "
                              "must be a cell"}))
      << r.err;
  EXPECT_NE(r.err.find("bundle refused: 3 errors; first: ./jurisdiction.json:9:49: /units/3/parent: unknown parent"),
            std::string::npos)
      << r.err;
}

// A cells layer whose id property has no name: every Feature would need a property named "", which is no
// layer a platform has; refused by its pointer, before the layer is read.
TEST(CauseFirst, AnIdPropertyWithoutANameIsRefused) {
  Bundle b;
  b.edit("jurisdiction.json", R"("timezone": "Asia/Shanghai",)",
         R"("timezone": "Asia/Shanghai", "cells_geojson": {"file": "cells.geojson", "id_property": ""},)")
      .file("cells.geojson", R"({"type": "FeatureCollection", "features": []})");
  CliRun r = check(b, "empty-id-property");
  EXPECT_EQ(r.code, 1);
  const auto errors = errors_of(r);
  ASSERT_EQ(errors.size(), 1u) << r.err;
  EXPECT_NE(errors[0].find("/cells_geojson/id_property: must name a property of the features, got \"\""),
            std::string::npos)
      << r.err;
}

TEST(CauseFirst, TheParentItMeantIsSuggestedAndNotBlamed) {
  // "c1a" for "c1-a": the suggestion is the area (the tier right above a cell), not the community c1,
  // although both are one edit away; and c1-a is not reported for having no children.
  Bundle b;
  b.edit("jurisdiction.json", R"({"id": "c1-a-01", "tier": "cell", "parent": "c1-a"})",
         R"({"id": "c1-a-01", "tier": "cell", "parent": "c1a"})")
      .edit("jurisdiction.json", R"({"id": "c1-a-02", "tier": "cell", "parent": "c1-a"})",
            R"({"id": "c1-a-02", "tier": "cell", "parent": "c1a"})");
  CliRun r = check(b, "meant-parent");
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(errors_of(r),
            (std::vector<std::string>{
                "./jurisdiction.json:9:49: /units/3/parent: unknown parent unit \"c1a\" (did you mean \"c1-a\"?)",
                "./jurisdiction.json:10:49: /units/4/parent: unknown parent unit \"c1a\" (did you mean \"c1-a\"?)"}))
      << r.err;
}

TEST(CauseFirst, WhatAnUnknownParentCutsOffIsFoldedIntoIt) {
  // The community c1 names "twon": c1 and the three units below it are cut off from the root. One error.
  Bundle b;
  b.edit("jurisdiction.json", R"({"id": "c1", "tier": "community", "parent": "town"})",
         R"({"id": "c1", "tier": "community", "parent": "twon"})");
  CliRun r = check(b, "cut-off");
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(errors_of(r), (std::vector<std::string>{"./jurisdiction.json:7:49: /units/1/parent: unknown parent unit "
                                                    "\"twon\" (did you mean \"town\"?); \"c1\" and the 3 units below "
                                                    "it are cut off from the root"}))
      << r.err;
}

TEST(CauseFirst, ACycleIsOneErrorNamingItsUnits) {
  Bundle b;
  b.edit("jurisdiction.json", R"({"id": "c2", "tier": "community", "parent": "town"})",
         R"({"id": "c2", "tier": "community", "parent": "c2-01"})");
  CliRun r = check(b, "cycle");
  EXPECT_EQ(r.code, 1);
  auto errors = errors_of(r);
  std::size_t cycles = 0;
  for (const auto& e : errors) cycles += e.find("cycle") != std::string::npos;
  EXPECT_EQ(cycles, 1u) << r.err;
  EXPECT_NE(r.err.find(R"(/units/5/parent: units "c2" -> "c2-01" -> "c2" form a cycle of parents: none of them is reachable from the root)"),
            std::string::npos)
      << r.err;
}

TEST(CauseFirst, AMisspeltOperatorIsOneErrorWithItsSuggestion) {
  Bundle b;
  b.edit("rules.json", R"({"id": "waste", "categories": ["waste.dump"], "route": ["resident_council"]})",
         R"({"id": "waste", "categories": ["waste.dump"], "when": {"attr": "severity", "gte": 2}, "route": ["resident_council"]})");
  CliRun r = check(b, "gte");
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(errors_of(r), (std::vector<std::string>{"./rules.json:9:87: /rules/1/when/gte: unknown field 'gte' in a "
                                                    "condition (did you mean 'ge'?)"}))
      << r.err;
}

// ---- did you mean

struct Typo {
  const char* what;
  const char* file;
  const char* from;
  const char* to;
  const char* says;  // a part of the error line
};

class DidYouMean : public ::testing::TestWithParam<Typo> {};

TEST_P(DidYouMean, NamesTheClosestKnownName) {
  const Typo& t = GetParam();
  Bundle b;
  b.edit(t.file, t.from, t.to);
  CliRun r = check(b, std::string("typo-") + t.what);
  EXPECT_EQ(r.code, 1);
  auto errors = errors_of(r);
  ASSERT_EQ(errors.size(), 1u) << r.err;
  EXPECT_NE(errors[0].find(t.says), std::string::npos) << errors[0];
}

INSTANTIATE_TEST_SUITE_P(
    Names, DidYouMean,
    ::testing::Values(
        Typo{"handler-role", "jurisdiction.json", R"("role": "enforcement_squad")", R"("role": "enforcment_squad")",
             R"(/handlers/2/role: unknown role "enforcment_squad" (did you mean "enforcement_squad"?))"},
        Typo{"rule-role", "rules.json", R"("categories": ["noise.*"], "route": ["enforcement_squad"])",
             R"("categories": ["noise.*"], "route": ["enforcment_squad"])",
             R"(/rules/0/route/0: unknown role "enforcment_squad" (did you mean "enforcement_squad"?))"},
        Typo{"tier", "jurisdiction.json", R"({"id": "c2", "tier": "community")", R"({"id": "c2", "tier": "comunity")",
             R"(/units/5/tier: unknown tier "comunity" (did you mean "community"?))"},
        Typo{"level-tier", "rules.json", R"("tier": "town")", R"("tier": "twon")",
             R"(/escalation_policies/0/levels/1/tier: unknown tier "twon" (did you mean "town"?))"},
        Typo{"served-unit", "jurisdiction.json", R"("serves": ["c2"])", R"("serves": ["c02"])",
             R"(/handlers/1/serves/0: unknown unit "c02" (did you mean "c2"?))"},
        Typo{"scope", "rules.json", R"({"id": "waste", "categories")", R"({"id": "waste", "scope": "c1-a-1", "categories")",
             R"(/rules/1/scope: unknown unit "c1-a-1" (did you mean "c1-a-01"?))"},
        Typo{"calendar", "rules.json", R"("defaults": {"calendar": "gov")", R"("defaults": {"calendar": "gvo")",
             R"(/defaults/calendar: unknown calendar "gvo" (did you mean "gov"?))"},
        Typo{"policy", "rules.json", R"("escalation": "std"})", R"("escalation": "sdt"})",
             R"(/defaults/escalation: unknown escalation policy "sdt" (did you mean "std"?))"},
        Typo{"attribute", "rules.json", R"("route": ["resident_council"]})",
             R"("when": {"attr": "sevrity", "gt": 1}, "route": ["resident_council"]})",
             R"(/rules/1/when/attr: attribute "sevrity" is not declared in "attributes" (did you mean "severity"?))"},
        Typo{"category", "rules.json", R"("categories": ["waste.dump"])", R"("categories": ["waste.dumb"])",
             R"(/rules/1/categories/0: category pattern "waste.dumb" matches no declared category (did you mean "waste.dump"?))"},
        Typo{"rule-key", "rules.json", R"({"id": "waste", "categories")", R"({"id": "waste", "priorty": 2, "categories")",
             R"(/rules/1/priorty: unknown field 'priorty' (did you mean 'priority'?))"},
        Typo{"top-key", "jurisdiction.json", R"("timezone": "Asia/Shanghai")", R"("timzone": "Asia/Shanghai")",
             R"(/timzone: unknown field 'timzone' (did you mean 'timezone'?))"},
        Typo{"condition-key", "rules.json", R"("route": ["resident_council"]})",
             R"("when": {"attr": "severity", "gte": 1}, "route": ["resident_council"]})",
             R"(/rules/1/when/gte: unknown field 'gte' in a condition (did you mean 'ge'?))"},
        Typo{"condition-kind", "rules.json", R"("route": ["resident_council"]})",
             R"("when": {"locl_time": ["08:00", "12:00"]}, "route": ["resident_council"]})",
             R"(/rules/1/when/locl_time: unknown field 'locl_time' in a condition (did you mean 'local_time'?))"}),
    [](const ::testing::TestParamInfo<Typo>& i) {
      std::string n = i.param.what;
      for (char& c : n) c = c == '-' ? '_' : c;
      return n;
    });

TEST(DidYouMean, NothingCloseMeansNoSuggestion) {
  Bundle b;
  b.edit("jurisdiction.json", R"("role": "enforcement_squad")", R"("role": "volunteer")");
  CliRun r = check(b, "no-suggestion");
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find(R"(unknown role "volunteer" (declare it in rules.json "roles"))"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("did you mean"), std::string::npos) << r.err;
}

// ---- both sides

TEST(BothSides, AJurisdictionShapeErrorDoesNotHideARulesError) {
  // A misspelt field of a handler (jurisdiction.json) and an unknown role in a rule (rules.json): both
  // are reported, and nothing else (no echo of the broken side).
  Bundle b;
  b.edit("jurisdiction.json", R"("serves": ["c2"])", R"("serve": ["c2"])")
      .edit("rules.json", R"("categories": ["noise.*"], "route": ["enforcement_squad"])",
            R"("categories": ["noise.*"], "route": ["enforcment_squad"])");
  CliRun r = check(b, "both-sides-j");
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(errors_of(r),
            (std::vector<std::string>{
                "./jurisdiction.json:16:63: /handlers/1/serve: unknown field 'serve' (did you mean 'serves'?)",
                "./rules.json:8:57: /rules/0/route/0: unknown role \"enforcment_squad\" (did you mean \"enforcement_squad\"?)"}))
      << r.err;
}

TEST(BothSides, ARulesShapeErrorDoesNotHideTheUnitTree) {
  // A rules.json with a misspelt field, and a unit with an unknown parent. The jurisdiction's handlers
  // with a role only rules.json could declare are not blamed: that side is broken.
  Bundle b;
  b.edit("rules.json", R"({"id": "waste", "categories")", R"({"id": "waste", "prio": 2, "categories")")
      .edit("rules.json", R"("format": "gridroute.rules/1",)", R"("format": "gridroute.rules/1", "roles": ["mediator"],)")
      .edit("jurisdiction.json", R"({"id": "squad", "role": "enforcement_squad", "serves": ["town"]})",
            R"({"id": "squad", "role": "enforcement_squad", "serves": ["town"]},
    {"id": "med", "role": "mediator", "serves": ["c1"]})")
      .edit("jurisdiction.json", R"({"id": "c2-01", "tier": "cell", "parent": "c2"})",
            R"({"id": "c2-01", "tier": "cell", "parent": "c22"})");
  CliRun r = check(b, "both-sides-r");
  EXPECT_EQ(r.code, 1);
  auto errors = errors_of(r);
  ASSERT_EQ(errors.size(), 2u) << r.err;
  EXPECT_NE(r.err.find("/rules/1/prio: unknown field 'prio'"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("/units/6/parent: unknown parent unit \"c22\" (did you mean \"c2\"?)"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("mediator"), std::string::npos) << r.err;
}

TEST(BothSides, CsvErrorsDoNotHideARulesError) {
  Bundle b;
  b.edit("jurisdiction.json", R"("units": [)", R"("units_csv": "units.csv",
  "units": [)")
      .file("units.csv", "id,parent,tier,name\nc2-02,c2,cel,\n")
      .edit("rules.json", R"("escalation": "std"})", R"("escalation": "sdt"})");
  CliRun r = check(b, "both-sides-csv");
  EXPECT_EQ(r.code, 1);
  auto errors = errors_of(r);
  ASSERT_EQ(errors.size(), 2u) << r.err;
  EXPECT_NE(r.err.find("./units.csv:2: tier: unknown tier \"cel\" (did you mean \"cell\"?)"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("/defaults/escalation: unknown escalation policy \"sdt\" (did you mean \"std\"?)"),
            std::string::npos)
      << r.err;
}

// ---- CSV shape and encoding

fs::path csv_bundle(const std::string& name, const std::string& units_csv) {
  return Bundle()
      .edit("jurisdiction.json", R"("units": [)", R"("units_csv": "units.csv",
  "units": [)")
      .file("units.csv", units_csv)
      .write(name);
}

TEST(CsvHints, ATabSeparatedFileIsSaidToBeOne) {
  // A name with a quote in it, as a spreadsheet writes one in a tab-separated file: read as CSV, that is a
  // quote out of place, which is the header's error again and is not reported besides.
  CliRun r = cli({"check", "."}, "",
                 csv_bundle("tabs", "id\tparent\ttier\tname\nc2-02\tc2\tcell\t\nc2-03\tc2\tcell\tthe \"old\" gate\n"));
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(errors_of(r), (std::vector<std::string>{
                              "./units.csv:1: the file looks tab-separated (its header \"id\\tparent\\ttier\\tname\" has "
                              "no commas); gridroute reads comma-separated values (RFC 4180) with the header "
                              "id,parent,tier,name"}))
      << r.err;
}

TEST(CsvHints, ASemicolonSeparatedFileIsSaidToBeOne) {
  CliRun r = cli({"check", "."}, "", csv_bundle("semicolons", "id;parent;tier;name\nc2-02;c2;cell;\n"));
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("./units.csv:1: the file looks semicolon-separated (its header \"id;parent;tier;name\" has no "
                       "commas)"),
            std::string::npos)
      << r.err;
}

TEST(CsvHints, ACapitalisedHeaderIsSaidToBeOne) {
  CliRun r = cli({"check", "."}, "", csv_bundle("capitals", "Id,Parent,Tier,Name\nc2-02,c2,cell,\n"));
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(errors_of(r), (std::vector<std::string>{"./units.csv:1: column names are lower case: the header "
                                                    "\"Id,Parent,Tier,Name\" must read \"id,parent,tier,name\""}))
      << r.err;
}

TEST(CsvHints, AMisspeltColumnGetsASuggestion) {
  CliRun r = cli({"check", "."}, "", csv_bundle("column", "id,parnet,tier,name\nc2-02,c2,cell,\n"));
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("./units.csv:1: unknown column 'parnet' (did you mean 'parent'?)"), std::string::npos) << r.err;
}

// 城南社区 (Chengnan community) in GBK, as Excel on Chinese Windows saves "CSV".
const std::string kGbkName = "\xb3\xc7\xc4\xcf\xc9\xe7\xc7\xf8";

TEST(CsvHints, AGbkFileIsSaidToBeOneWithTheLineAsGbkReadsIt) {
  CliRun r = cli({"check", "."}, "", csv_bundle("gbk", "id,parent,tier,name\nc2-02,c2,cell," + kGbkName + "\n"));
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(errors_of(r),
            (std::vector<std::string>{
                "./units.csv:2: name: invalid UTF-8; the file looks GBK-encoded (what Excel saves as \"CSV\" on Chinese "
                "Windows): in GBK it reads \"c2-02,c2,cell,城南社区\"; save it as UTF-8 (\"CSV UTF-8\" in Excel) or "
                "convert it: iconv -f GBK -t UTF-8"}))
      << r.err;
}

// A file saved with classic Mac line ends (a "\r" alone) is placed by the lines an editor shows, as one with
// "\n" or "\r\n" is: before, every error of such a file was on line 1.
TEST(LoadCause, LinesEndedByCarriageReturnsAlonePlaceErrorsOnTheirLines) {
  for (const std::string end : {"\n", "\r\n", "\r"}) {
    std::string text = kJurisdiction;
    for (std::size_t at = 0; (at = text.find('\n', at)) != std::string::npos; at += end.size()) text.replace(at, 1, end);
    Bundle b;
    b.file("jurisdiction.json", text).edit("jurisdiction.json", R"("role": "enforcement_squad")", R"("role": "enforcement_sqaud")");
    CliRun r = check(b, "line-ends");
    EXPECT_EQ(r.code, 1);
    const auto errors = errors_of(r);
    ASSERT_EQ(errors.size(), 1u) << r.err;
    const auto line = 1 + std::count(kJurisdiction.begin(), kJurisdiction.begin() + kJurisdiction.find("enforcement_squad"), '\n');
    EXPECT_EQ(errors[0].rfind("./jurisdiction.json:" + std::to_string(line) + ":", 0), 0u) << errors[0];
  }
}

// Public data comes compressed (.csv.gz, .geojson.gz) and spreadsheets as .xlsx: a file that is one is
// said to be one, with what to do.
TEST(CsvHints, ACompressedFileIsSaidToBeOne) {
  static const char kGz[] = "\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03\xcb\x4c\xd1\x29\x48\x2c";
  const std::string gz(kGz, sizeof kGz - 1);
  CliRun r = cli({"check", "."}, "", csv_bundle("gzip", gz));
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(errors_of(r), (std::vector<std::string>{"./units.csv:1: invalid UTF-8; the file is gzip-compressed: "
                                                    "decompress it first (gunzip -k FILE) and name the file that writes"}))
      << r.err;
  static const char kXlsx[] = "PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00\x21\x00\x62\xee\x9d\x68";
  const std::string xlsx(kXlsx, sizeof kXlsx - 1);
  r = cli({"check", "."}, "", csv_bundle("xlsx", xlsx));
  EXPECT_EQ(r.code, 1);
  auto errors = errors_of(r);
  ASSERT_EQ(errors.size(), 1u) << r.err;
  EXPECT_NE(errors[0].find("invalid UTF-8; the file is a ZIP archive, as an Excel workbook (.xlsx) is: save it from "
                           "Excel as \"CSV UTF-8\""),
            std::string::npos)
      << errors[0];
  // "Unicode" text as Windows tools save it: UTF-16 with its byte-order mark.
  r = cli({"check", "."}, "", csv_bundle("utf16", std::string("\xFF\xFEi\0d\0,\0", 8)));
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(errors_of(r), (std::vector<std::string>{"./units.csv:1: invalid UTF-8; the file is UTF-16LE (it starts with "
                                                    "that byte-order mark): save it as UTF-8 or convert it: iconv -f "
                                                    "UTF-16LE -t UTF-8"}))
      << r.err;
  // The cells' GeoJSON layer, as a platform downloads it.
  Bundle b;
  b.edit("jurisdiction.json", R"("timezone": "Asia/Shanghai",)", R"("timezone": "Asia/Shanghai", "cells_geojson": "cells.geojson.gz",)")
      .file("cells.geojson.gz", gz);
  r = check(b, "gzip-geojson");
  EXPECT_EQ(r.code, 1);
  errors = errors_of(r);
  ASSERT_EQ(errors.size(), 1u) << r.err;
  EXPECT_EQ(errors[0], "./cells.geojson.gz:1:2: invalid UTF-8; the file is gzip-compressed: decompress it first "
                       "(gunzip -k FILE) and name the file that writes")
      << r.err;
  // Issue lines given compressed: the first line says so.
  r = cli({"route", kLanxi.string(), "-"}, gz + "\n");
  EXPECT_NE(r.out.find("invalid UTF-8 in the line; the input is gzip-compressed: decompress it first (zcat FILE | "
                       "gridroute ... -)"),
            std::string::npos)
      << r.out;
}

TEST(CsvHints, AGbkJsonFileIsSaidToBeOneWithoutExcel) {
  Bundle b;
  b.edit("jurisdiction.json", R"({"id": "town", "tier": "town"})", R"({"id": "town", "tier": "town", "name": ")" + kGbkName + R"("})");
  CliRun r = check(b, "gbk-json");
  EXPECT_EQ(r.code, 1);
  auto errors = errors_of(r);
  ASSERT_EQ(errors.size(), 1u) << r.err;
  EXPECT_EQ(errors[0].rfind("./jurisdiction.json:6:45: /units/0/name: invalid UTF-8; the file looks GBK-encoded: in GBK "
                            "it reads \"",
                            0),
            0u)
      << errors[0];
  EXPECT_NE(errors[0].find("城南社区"), std::string::npos) << errors[0];
  EXPECT_EQ(errors[0].find("Excel"), std::string::npos) << errors[0];
}

TEST(CsvHints, InvalidUtf8ThatIsNotGbkIsNotCalledGbk) {
  // Latin-1 "é" (0xE9) before an ASCII letter: no GBK character has a trail byte below 0x40.
  CliRun r = cli({"check", "."}, "", csv_bundle("latin1", "id,parent,tier,name\nc2-02,c2,cell,Caf\xe9!\n"));
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("./units.csv:2: name: invalid UTF-8"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("GBK"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace diag_test
