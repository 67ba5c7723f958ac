// Hardening (issue #6): every dimension that input controls has a cap, and going over it gives an
// error that names the limit and the offending file and field. The limits table is docs/security.md.
#include <algorithm>
#include <random>
#include <string>

#include "hardening_util.hpp"
#include "base/calendar.hpp"
#include "base/suggest.hpp"
#include "base/text.hpp"
#include "compile/index.hpp"

namespace {
using namespace hardening;

constexpr const char* kJurisdiction = R"({
  "format": "gridroute.jurisdiction/1",
  "timezone": "Asia/Shanghai",
  "tiers": ["community", "area", "cell"],
  "units": [
    {"id": "c", "tier": "community"},
    {"id": "a", "tier": "area", "parent": "c"},
    {"id": "x", "tier": "cell", "parent": "a"}
  ],
  "handlers": [{"id": "h", "role": "resident_council", "serves": ["c"]}]
})";

std::string rules_with_when(const std::string& when) {
  return R"({"format": "gridroute.rules/1", "attributes": {"severity": "number"},
  "rules": [{"id": "r", "categories": ["*"], "route": ["resident_council"], "when": )" +
         when + "}]}";
}

gridroute::BundleSources minimal(const std::string& rules) {
  gridroute::BundleSources b;
  b.label = "mem";
  b.jurisdiction_json = kJurisdiction;
  b.rules_json = rules;
  return b;
}

std::string not_chain(std::size_t depth) {
  std::string s;
  s.reserve(depth * 9 + 40);
  for (std::size_t i = 0; i < depth; ++i) s += R"({"not": )";
  s += R"({"attr": "severity", "ge": 3})";
  s.append(depth, '}');
  return s;
}

TEST(HardeningLimits, NotChain100000DeepIsRefusedWithoutStackOverflow) {
  auto r = load(minimal(rules_with_when(not_chain(100'000))));
  expect_well_formed(r);
  ASSERT_EQ(r.diagnostics.size(), 1u) << r.all;
  const auto& d = r.diagnostics[0];
  EXPECT_EQ(d.file, "mem/rules.json");
  EXPECT_NE(d.message.find("nested deeper than 64 levels (LoadOptions::max_json_depth)"), std::string::npos) << r.all;
  EXPECT_TRUE(d.pointer.starts_with("/rules/0/when/not/not/not")) << d.pointer;
  EXPECT_GT(d.line, 0);
  EXPECT_GT(d.column, 0);
}

TEST(HardeningLimits, JsonDepthOptionIsClampedSoNoSettingOverflowsTheStack) {
  gridroute::LoadOptions opt;
  opt.max_json_depth = 10'000'000;  // clamped to 1000
  auto r = load(minimal(rules_with_when(not_chain(100'000))), opt);
  expect_well_formed(r);
  EXPECT_TRUE(has_diagnostic(r, "rules.json", "nested deeper than 1000 levels")) << r.all;
  // Also an array nested 100,000 deep where a string is expected.
  auto j = std::string(kJurisdiction);
  j.replace(j.find("\"Asia/Shanghai\""), 15, std::string(100'000, '[') + std::string(100'000, ']'));
  gridroute::BundleSources b = minimal(rules_with_when(R"({"attr": "severity", "ge": 3})"));
  b.jurisdiction_json = j;
  auto r2 = load(b, opt);
  expect_well_formed(r2);
  EXPECT_TRUE(has_diagnostic(r2, "jurisdiction.json", "/timezone")) << r2.all;
}

TEST(HardeningLimits, ConditionDepthIsCappedAt32) {
  auto deep = load(minimal(rules_with_when(not_chain(40))));
  expect_well_formed(deep);
  EXPECT_TRUE(has_diagnostic(deep, "rules.json", "condition nested deeper than 32 levels")) << deep.all;
  EXPECT_TRUE(has_diagnostic(deep, "rules.json", "/rules/0/when/not/not")) << deep.all;

  // 31 nested `not`s are 32 levels of condition: accepted, and evaluated correctly.
  auto ok = load(minimal(rules_with_when(not_chain(31))));
  ASSERT_TRUE(ok.ok) << ok.all;
  gridroute::LineCodec codec(ok.snapshot);
  std::string out;
  codec.route_line(R"({"id": "1", "category": "a", "cell": "x", "at": "2026-11-20T09:00:00+08:00", "attrs": {"severity": 1}})", out);
  // not^31 (severity >= 3) == !(1 >= 3) == true: routed.
  EXPECT_NE(out.find("\"status\": \"routed\""), std::string::npos) << out;
}

TEST(HardeningLimits, FileSizeCapNamesTheFileAndTheOption) {
  gridroute::LoadOptions opt;
  opt.max_file_bytes = 100;
  auto r = load(example(), opt);
  expect_well_formed(r);
  EXPECT_TRUE(has_diagnostic(r, "jurisdiction.json", "larger than the limit of 100 bytes (LoadOptions::max_file_bytes)"))
      << r.all;
  // In-memory sources obey the same cap, CSV files included.
  auto m = load(example_sources(), opt);
  expect_well_formed(m);
  EXPECT_TRUE(has_diagnostic(m, "mem/jurisdiction.json", "LoadOptions::max_file_bytes")) << m.all;
  auto src = example_sources();
  opt.max_file_bytes = std::max(src.jurisdiction_json.size(), src.rules_json.size());
  src.files.at(0).second.append(opt.max_file_bytes, '\n');
  auto c = load(src, opt);
  expect_well_formed(c);
  EXPECT_TRUE(has_diagnostic(c, ".csv", "LoadOptions::max_file_bytes")) << c.all;
}

TEST(HardeningLimits, IdLengthCap) {
  std::string id(65, 'u');
  std::string j = kJurisdiction;
  j.replace(j.find(R"("id": "x")"), 9, R"("id": ")" + id + "\"");
  gridroute::BundleSources b = minimal(rules_with_when(R"({"attr": "severity", "ge": 3})"));
  b.jurisdiction_json = j;
  auto r = load(b);
  expect_well_formed(r);
  EXPECT_TRUE(has_diagnostic(r, "jurisdiction.json", "/units/2/id")) << r.all;
  EXPECT_TRUE(has_diagnostic(r, "jurisdiction.json", "must be 1-64 bytes")) << r.all;
  gridroute::LoadOptions opt;
  opt.max_id_bytes = 128;
  EXPECT_TRUE(load(b, opt).ok) << load(b, opt).all;
}

TEST(HardeningLimits, UnitHandlerRuleAndTierCounts) {
  gridroute::LoadOptions opt;
  opt.max_units = 3;
  auto u = load(example(), opt);
  expect_well_formed(u);
  EXPECT_TRUE(has_diagnostic(u, "jurisdiction.json", "LoadOptions::max_units") ||
              has_diagnostic(u, "units.csv", "LoadOptions::max_units"))
      << u.all;

  opt = {};
  opt.max_handlers = 2;
  auto h = load(example(), opt);
  expect_well_formed(h);
  EXPECT_TRUE(has_diagnostic(h, "jurisdiction.json", "/handlers: more than 2 handlers (LoadOptions::max_handlers)"))
      << h.all;

  opt = {};
  opt.max_rules = 1;
  auto r = load(example(), opt);
  expect_well_formed(r);
  EXPECT_TRUE(has_diagnostic(r, "rules.json", "/rules: more than 1 rules (LoadOptions::max_rules)")) << r.all;

  opt = {};
  opt.max_tiers = 3;
  auto t = load(example(), opt);
  expect_well_formed(t);
  EXPECT_TRUE(has_diagnostic(t, "jurisdiction.json", "/tiers: more than 3 tiers")) << t.all;
}

TEST(HardeningLimits, CsvRowAndFieldCaps) {
  auto src = base_sources();  // 4 units in jurisdiction.json
  // A units.csv with more rows than max_units allows is refused while it is read.
  gridroute::LoadOptions opt;
  opt.max_units = 4;
  std::string rows = "id,parent,tier,name\n";
  for (int i = 0; i < 5; ++i) rows += "u" + std::to_string(i) + ",c1-a,cell,\n";
  src.files[0] = {"units.csv", rows};
  auto r = load(src, opt);
  expect_well_formed(r);
  EXPECT_TRUE(has_diagnostic(r, "units.csv", "more than 4 rows (LoadOptions::max_units)")) << r.all;
  // JSON units and CSV rows together are counted too.
  rows = "id,parent,tier,name\nu0,c1-a,cell,\n";
  src.files[0] = {"units.csv", rows};
  auto t = load(src, opt);
  expect_well_formed(t);
  EXPECT_TRUE(has_diagnostic(t, "jurisdiction.json", "/units: more than 4 units, with those of units.csv (LoadOptions::max_units)")) << t.all;

  // A record of 100 fields.
  src = base_sources();
  src.files[0] = {"units.csv", "id,parent,tier,name\n" + std::string(99, ',') + "\n"};
  auto f = load(src);
  expect_well_formed(f);
  EXPECT_TRUE(has_diagnostic(f, "units.csv", "more than 64 fields")) << f.all;
}

TEST(HardeningLimits, MaxErrorsZeroStillRefusesABrokenBundle) {
  gridroute::LoadOptions opt;
  opt.max_errors = 0;  // treated as 1: a broken bundle must never compile
  auto r = load(minimal(R"({"format": "gridroute.rules/1", "rules": [{"id": 7}]})"), opt);
  expect_well_formed(r);
  EXPECT_EQ(r.diagnostics.size(), 1u) << r.all;
}

TEST(HardeningLimits, DurationsAreCappedAt100Years) {
  EXPECT_TRUE(gridroute::detail::parse_duration("876000h").ok());
  auto d = gridroute::detail::parse_duration("900000h");
  ASSERT_FALSE(d.ok());
  EXPECT_NE(std::string(d.status().message()).find("longer than 100 years"), std::string::npos);
  EXPECT_FALSE(gridroute::detail::parse_duration("99999999999999999999999m").ok());
}

TEST(HardeningLimits, TimesAtTheEdgesOfTheCalendarRangeGiveValidRecords) {
  auto ex = load(example());
  ASSERT_TRUE(ex.ok) << ex.all;
  gridroute::LineCodec codec(ex.snapshot, {.explain = true});
  std::string cell(ex.snapshot->unit_id(0));
  for (std::size_t u = 0; u < ex.snapshot->unit_count(); ++u)
    if (ex.snapshot->index().hot[u].tier == ex.snapshot->index().cell_tier) cell = ex.snapshot->unit_id(static_cast<int>(u));
  std::string cat = ex.snapshot->index().categories.empty() ? "env.noise.loudspeaker" : ex.snapshot->index().categories[0];
  EXPECT_EQ(*gridroute::parse_rfc3339("9000-01-01T00:00:00Z"), gridroute::kMaxInstant);
  for (const char* at : {"0000-01-01T00:00:00Z", "1900-01-01T00:00:00+08:00", "2099-12-31T23:59:59+08:00",
                         "2100-01-01T00:00:00Z", "8999-12-31T23:59:59Z"}) {
    std::string out;
    codec.route_line(R"({"id": "t", "category": ")" + cat + R"(", "cell": ")" + cell + R"(", "at": ")" + at + "\"}",
                     out);
    EXPECT_TRUE(out.starts_with(R"({"id": "t", "status": )")) << out;
    out.clear();
    codec.escalate_line(R"({"id": "t", "category": ")" + cat + R"(", "cell": ")" + cell + R"(", "at": ")" + at +
                            R"(", "level": 0, "level_started_at": ")" + at +
                            R"(", "responded": false, "reports": 0, "status": "open"})",
                        *gridroute::parse_rfc3339(at), out);
    EXPECT_TRUE(out.starts_with(R"({"id": "t", "action": )")) << out;
    EXPECT_EQ(out.find("\"10"), std::string::npos) << "a five-digit year: " << out;
  }
  // Past the calendar range: rejected, naming the field and the limit.
  std::string out;
  codec.route_line(R"({"id": "t", "category": ")" + cat + R"(", "cell": ")" + cell +
                       R"(", "at": "9000-01-01T00:00:00Z"})", out);
  EXPECT_NE(out.find("field 'at' must be before 9000-01-01T00:00:00Z (the calendar range)"), std::string::npos)
      << out;
  auto cli = run_cli({"escalate", example().string(), "--now", "9999-01-01T00:00:00Z"});
  EXPECT_EQ(cli.exit_code, 2);
  EXPECT_NE(cli.err.find("the calendar range"), std::string::npos) << cli.err;
}

TEST(HardeningLimits, LineLengthCapInLineCodec) {
  auto ex = load(example());
  ASSERT_TRUE(ex.ok) << ex.all;
  std::string big = R"({"id": "big", "pad": ")" + std::string(gridroute::CodecOptions{}.max_line_bytes, 'x') + "\"}";
  {
    gridroute::LineCodec codec(ex.snapshot);
    std::string out;
    codec.route_line(big, out);
    EXPECT_NE(out.find(R"("id": null, "status": "rejected")"), std::string::npos) << out.substr(0, 300);
    EXPECT_NE(out.find("over the limit of 1048576 bytes per line"), std::string::npos) << out.substr(0, 300);
    out.clear();
    codec.escalate_line(big, 0, out);
    EXPECT_NE(out.find(R"("action": "rejected")"), std::string::npos) << out.substr(0, 300);
    EXPECT_NE(out.find("over the limit of 1048576 bytes per line"), std::string::npos) << out.substr(0, 300);
  }
  // Raised by the codec's option (the CLI's --max-line-bytes sets it).
  {
    gridroute::LineCodec codec(ex.snapshot, {.max_line_bytes = 4 << 20});
    std::string out;
    codec.route_line(big, out);
    EXPECT_NE(without_bundle(out).find(R"({"id": "big", "status": "rejected", "error": "missing field 'category'"})"),
              std::string::npos)
        << out.substr(0, 300);
  }
  EXPECT_EQ(gridroute::LineCodec(ex.snapshot).options().max_line_bytes, std::size_t{1} << 20);  // the default
}

// A tier name of a megabyte, quoted in the error of each of a thousand units of an unknown tier, would
// make a gigabyte of messages: each message quotes at most a clipped value and is at most
// kMaxMessageBytes, and the nearest-name hint costs each comparison its length times the hint's limit
// (near-identical names of 200 kB once took their lengths' product: hours for this bundle).
TEST(HardeningLimits, LongTierNamesKeepEveryMessageShort) {
  const std::string longest(200000, 'x');
  std::string j = R"({"format": "gridroute.jurisdiction/1", "timezone": "Asia/Shanghai",
    "tiers": [")" + longest + R"(a", "community", "area", "cell"], "units": [{"id": "t", "tier": ")" + longest +
                  R"(a"}, {"id": "c", "tier": "community", "parent": "t"}, {"id": "a", "tier": "area", "parent": "c"},
    {"id": "x", "tier": "cell", "parent": "a"})";
  for (int i = 0; i < 300; ++i)
    j += R"(, {"id": "e)" + std::to_string(i) + R"(", "tier": ")" + (i % 2 ? "zz" : longest + "b") + R"(", "parent": "a"})";
  j += R"(], "handlers": [{"id": "h", "role": "resident_council", "serves": ["c"]}]})";
  gridroute::BundleSources b = minimal(rules_with_when(R"({"attr": "severity", "ge": 3})"));
  b.jurisdiction_json = j;
  auto r = load(b);
  expect_well_formed(r);
  EXPECT_FALSE(r.ok);
  EXPECT_TRUE(has_diagnostic(r, "jurisdiction.json", "/units/4/tier: unknown tier \"xxxxxxxx")) << r.all.substr(0, 2000);
  EXPECT_TRUE(has_diagnostic(r, "jurisdiction.json", "...\" (did you mean \"xxxx")) << r.all.substr(0, 2000);
  EXPECT_TRUE(has_diagnostic(r, "jurisdiction.json", "/units/5/tier: unknown tier \"zz\" (tiers: xxxx")) << r.all.substr(0, 2000);
  std::size_t longest_message = 0;
  for (const auto& d : r.diagnostics) longest_message = std::max(longest_message, d.message.size());
  EXPECT_LE(longest_message, gridroute::detail::kMaxMessageBytes);
  EXPECT_LE(r.all.size(), 400 * 1024u);
}

TEST(HardeningLimits, AMessageOverItsBoundKeepsItsStartAndSaysWhatWasLeftOut) {
  using gridroute::detail::bounded_message;
  EXPECT_EQ(bounded_message("short"), "short");
  std::string text = "quoted \"" + std::string(3000, 'z') + "\"";
  const std::string b = bounded_message(text);
  EXPECT_LE(b.size(), gridroute::detail::kMaxMessageBytes);
  EXPECT_EQ(b.substr(0, 9), "quoted \"z");
  EXPECT_NE(b.find("bytes more)"), std::string::npos) << b;
  // Cut on a character's boundary: the message stays UTF-8.
  std::string wide;
  for (int i = 0; i < 1000; ++i) wide += "网格";
  EXPECT_TRUE(gridroute::detail::valid_utf8(bounded_message(wide)));
  EXPECT_EQ(gridroute::detail::clipped("abc", 2), "ab...");
  EXPECT_EQ(gridroute::detail::clipped("abc", 3), "abc");
}

// The banded distance agrees with the whole dynamic programme wherever it is within the limit.
TEST(HardeningLimits, EditDistanceInItsBandAgreesWithTheWholeTable) {
  auto whole = [](const std::string& a, const std::string& b) {
    std::vector<std::vector<std::size_t>> d(a.size() + 1, std::vector<std::size_t>(b.size() + 1));
    for (std::size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
    for (std::size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i)
      for (std::size_t j = 1; j <= b.size(); ++j) {
        d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
        if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
      }
    return d[a.size()][b.size()];
  };
  std::mt19937 rng(7);
  auto word = [&] {
    std::string w(rng() % 12, 'a');
    for (char& c : w) c = static_cast<char>('a' + rng() % 3);
    return w;
  };
  for (int k = 0; k < 20000; ++k) {
    const std::string a = word(), b = word();
    const std::size_t limit = rng() % 5;
    const std::size_t exact = whole(a, b);
    EXPECT_EQ(gridroute::detail::edit_distance(a, b, limit), std::min(exact, limit + 1)) << a << " / " << b << " limit " << limit;
  }
}

}  // namespace
