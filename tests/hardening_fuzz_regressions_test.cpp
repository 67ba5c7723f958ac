// Hardening (issue #6): every input the fuzzers found a problem with is a regression test.
//
// The reproducers live in tests/fuzz/regressions/<target>/ (libFuzzer replays them too, in the fuzz
// build); here they go through the same calls and oracles as the fuzz targets, so the ordinary and the
// ASan+UBSan test runs cover them. Each finding also has a focused test below.
#include "hardening_util.hpp"
#include "fuzz/fuzz_map_maps.hpp"
#include "gridroute/linemap.hpp"
#include "base/calendar.hpp"
#include "base/json_text.hpp"

namespace {
using namespace hardening;

fs::path regressions() { return fs::path(GRIDROUTE_SOURCE_DIR) / "tests" / "fuzz" / "regressions"; }

bool valid_utf8(std::string_view s) {
  std::size_t bad = 0;
  return gridroute::detail::valid_utf8(s, bad);
}

// The oracle of the bundle targets (tests/fuzz/fuzz_common.hpp).
void check_load(const gridroute::BundleSources& src, const std::string& what) {
  std::vector<gridroute::Diagnostic> diags;
  auto s = gridroute::load_bundle(src, &diags);
  if (!s.ok()) EXPECT_FALSE(diags.empty()) << what;
  for (const auto& d : diags) {
    EXPECT_FALSE(d.file.empty()) << what << ": " << d.to_string();
    EXPECT_FALSE(d.message.empty()) << what << ": " << d.to_string();
    EXPECT_TRUE(valid_utf8(d.to_string())) << what << ": " << d.to_string();
  }
  if (s.ok()) {
    gridroute::LineCodec codec(*s, {.explain = true});
    std::string out;
    codec.route_line(R"({"id": "x", "category": "a", "cell": "b", "at": "2026-01-01T00:00:00Z"})", out);
    EXPECT_TRUE(valid_utf8(out)) << what;
  }
}

void check_line(std::string_view out, const std::string& what) {
  EXPECT_EQ(out.find('\n'), std::string_view::npos) << what;
  boost::json::error_code ec;
  auto v = boost::json::parse(out, ec);  // refuses invalid UTF-8 as well
  EXPECT_FALSE(ec) << what << ": " << out;
  EXPECT_TRUE(v.is_object() && v.get_object().contains("id")) << what << ": " << out;
}

std::vector<std::string> split4(std::string_view data) {
  std::vector<std::string> parts;
  constexpr std::string_view sep = "\n%%%%\n";
  while (parts.size() < 3) {
    auto at = data.find(sep);
    if (at == std::string_view::npos) break;
    parts.emplace_back(data.substr(0, at));
    data.remove_prefix(at + sep.size());
  }
  parts.emplace_back(data);
  parts.resize(4);
  return parts;
}

TEST(HardeningFuzzRegressions, ReplayEveryReproducer) {
  if (!fs::exists(regressions())) GTEST_SKIP() << "no reproducers";
  auto example_src = example_sources();
  auto snap = gridroute::load_bundle(example().string());
  ASSERT_TRUE(snap.ok());
  const auto now = *gridroute::parse_rfc3339("2026-11-23T10:00:00+08:00");
  int replayed = 0;
  for (const auto& dir : fs::directory_iterator(regressions())) {
    const std::string target = dir.path().filename().string();
    for (const auto& f : fs::directory_iterator(dir.path())) {
      const std::string data = read_text(f.path());
      const std::string what = target + "/" + f.path().filename().string();
      ++replayed;
      if (target == "fuzz_bundle") {
        auto p = split4(data);
        gridroute::BundleSources src;
        src.label = "fuzz";
        src.jurisdiction_json = p[0];
        src.rules_json = p[1];
        src.files = {{"units.csv", p[2]}, {"handlers.csv", p[3]}};
        check_load(src, what);
      } else if (target == "fuzz_jurisdiction" || target == "fuzz_rules") {
        auto src = example_src;
        (target == "fuzz_rules" ? src.rules_json : src.jurisdiction_json) = data;
        check_load(src, what);
      } else if (target == "fuzz_csv") {
        if (data.empty()) continue;
        auto src = example_src;
        src.files.at(static_cast<std::size_t>(data[0] & 1)).second = data.substr(1);
        check_load(src, what);
      } else if (target == "fuzz_route_line" || target == "fuzz_escalate_line") {
        gridroute::LineCodec codec(*snap, {.explain = true});
        std::string out;
        std::string batched;
        std::string_view lines[] = {data};
        if (target == "fuzz_route_line") {
          codec.route_line(data, out);
          codec.route_lines(lines, batched);
        } else {
          codec.escalate_line(data, now, out);
          codec.escalate_lines(lines, now, batched);
        }
        check_line(out, what);
        EXPECT_EQ(batched, out + "\n") << what << ": the batched path (fast line reader) differs";
      } else if (target == "fuzz_map") {
        // As fuzz_map reads its input: a map, a NUL byte and lines; or lines through its two fixed maps.
        std::vector<gridroute::LineMap> maps;
        std::string_view lines = data;
        if (const std::size_t nul = data.find('\0'); nul != std::string::npos) {
          auto m = gridroute::LineMap::parse(std::string_view(data).substr(0, nul));
          if (!m.ok()) continue;
          maps.push_back(std::move(*m));
          lines = std::string_view(data).substr(nul + 1);
        } else {
          maps.push_back(*gridroute::LineMap::parse(fuzz::kFixedMap));
          maps.push_back(*gridroute::LineMap::parse(fuzz::kPairMap));
        }
        gridroute::LineCodec codec(*snap);
        while (!lines.empty()) {
          const std::size_t nl = lines.find('\n');
          const std::string_view line = lines.substr(0, nl);
          lines = nl == std::string_view::npos ? std::string_view() : lines.substr(nl + 1);
          for (const gridroute::LineMap& m : maps) {
            std::string mapped, id, error, out;
            if (!m.apply(line, mapped, id, error)) {
              EXPECT_FALSE(error.empty()) << what;
              continue;
            }
            boost::json::error_code ec;
            EXPECT_TRUE(boost::json::parse(mapped, ec).is_object() && !ec) << what << ": " << mapped;
            codec.route_line(mapped, out);
            check_line(out, what);
          }
        }
      } else if (target == "fuzz_time") {
        (void)gridroute::detail::parse_duration(data);
        (void)gridroute::parse_rfc3339(data);
        (void)gridroute::detail::parse_clock(data, true);
        (void)gridroute::detail::parse_civil_day(data);
      }
    }
  }
  std::printf("replayed %d reproducers\n", replayed);
}

// fuzz_rules, fuzz_bundle: a JSON syntax error after a key written with \u escapes (here a surrogate
// pair, U+1F600) gave a diagnostic whose pointer was not valid UTF-8: the scanner that names the field
// decoded each half of the pair on its own (CESU-8). Fixed in src/load/json_text.cpp (Scanner::str).
TEST(HardeningFuzzRegressions, PointerOfAnEscapedKeyIsValidUtf8) {
  auto src = base_sources();
  auto at = src.rules_json.find("\"code\": \"nuisance.dog\"");
  ASSERT_NE(at, std::string::npos);
  src.rules_json.replace(at, 22, R"("co\ud83d\ude00de": "nuisance.dog", "name": "x" "y")");
  auto r = load(src);
  expect_well_formed(r);
  ASSERT_EQ(r.diagnostics.size(), 1u) << r.all;
  EXPECT_TRUE(valid_utf8(r.all)) << r.all;
  EXPECT_EQ(r.diagnostics[0].pointer, "/categories/1/name") << r.all;
  // A lone surrogate or broken escape in a key (the parser refuses those) never yields invalid UTF-8.
  for (const char* key : {R"(\ud83d)", R"(\ude00x)", R"(\uZZZZ)", R"(\u12)"}) {
    std::string text = std::string(R"({"a": {")") + key + R"(": [1, 2 3]}})";
    std::string where = gridroute::detail::pointer_at(text, text.rfind('3'));
    EXPECT_TRUE(valid_utf8(where)) << key;
    EXPECT_TRUE(where.starts_with("/a/")) << where;
  }
  EXPECT_EQ(gridroute::detail::pointer_at(R"({"\ud83d\ude00": [0, 1, x]})", 24), "/\xF0\x9F\x98\x80/2");
}

// fuzz_jurisdiction: invalid UTF-8 after a key holding a backslash that starts no escape ("\" then a
// two-byte character): the scanner dropped the backslash and the character's first byte, leaving a lone
// continuation byte in the diagnostic's pointer. Fixed in Scanner::str (an unknown escape drops only the
// backslash), and pointer_at keeps only a valid UTF-8 prefix; the loader names the field from the text
// before the bad byte.
TEST(HardeningFuzzRegressions, InvalidUtf8AfterABadEscapeGivesAValidUtf8Pointer) {
  auto src = base_sources();
  src.jurisdiction_json = std::string("{\"for\\\xD6\x99\\\\\"code\"\x87: 1}");
  auto r = load(src);
  expect_well_formed(r);
  ASSERT_EQ(r.diagnostics.size(), 1u) << r.all;
  EXPECT_EQ(r.diagnostics[0].message, "invalid UTF-8");
  EXPECT_TRUE(valid_utf8(r.all)) << r.all;
  for (const char* text : {"{\"a\\\xD6\x99\": [1, 2 3]}", "{\"a\\\xD6\": 1, \"b\": [x]}"}) {
    std::string t = text;
    EXPECT_TRUE(valid_utf8(gridroute::detail::pointer_at(t, t.size() - 2))) << t;
  }
}

// Found while writing the limits tests: jurisdiction.json units plus units.csv rows over max_units
// crashed the compiler (it reported the limit, then indexed arrays it had not built). The loader now
// checks the counts before compiling.
TEST(HardeningFuzzRegressions, CountsOverTheLimitWithCsvRowsDoNotCrash) {
  auto src = base_sources();
  gridroute::LoadOptions opt;
  opt.max_units = 4;
  opt.max_handlers = 3;
  src.files[0].second += "c1-a-03,c1-a,cell,\n";
  auto r = load(src, opt);
  expect_well_formed(r);
  EXPECT_TRUE(has_diagnostic(r, "jurisdiction.json", "LoadOptions::max_units")) << r.all;
  EXPECT_TRUE(has_diagnostic(r, "jurisdiction.json", "LoadOptions::max_handlers")) << r.all;
}

}  // namespace

// Exponents past the 2^31 Boost.JSON reads are cut to 1073741823, padded with zeros to the same length
// (the same value: past any double's reach either way), outside strings only; a text without one gives "".
TEST(HardeningJsonText, ExponentsPastTheParsersReachAreCutInPlace) {
  using gridroute::detail::cap_exponents;
  EXPECT_EQ(cap_exponents(R"([1e1073741823, 2E-5, 0.5e+10, "1e99999999999"])"), "");
  EXPECT_EQ(cap_exponents("[1e1073741824]"), "[1e1073741823]");
  EXPECT_EQ(cap_exponents("[1E+0002147483648, -2.5e-99999999999999]"), "[1E+0001073741823, -2.5e-00001073741823]");
  EXPECT_EQ(cap_exponents(R"({"e99999999999": "x\"1e99999999999", "v": 1e99999999999})"),
            R"({"e99999999999": "x\"1e99999999999", "v": 1e01073741823})");
  EXPECT_EQ(cap_exponents(R"({"ok": true, "f": false})"), "");
  // A mantissa of zeros keeps its value, 0 (the parser makes 0 x 10^1073741823 a NaN).
  EXPECT_EQ(cap_exponents("[0e99999999999, -0.00E+99999999999, 10e99999999999]"),
            "[0e00000000000, -0.00E+00000000000, 10e01073741823]");
  EXPECT_EQ(cap_exponents("[0e400, 0e300, 0.0e-500, 1e400]"), "[0e000, 0e300, 0.0e-000, 1e400]");
}
