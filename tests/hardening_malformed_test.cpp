// Hardening (issue #6): the corpus in tests/malformed/ (README.md there). Each directory but _base and
// lines holds the files that differ from tests/malformed/_base (a small, clean bundle) and `expected`:
// lines FILE|FIELD|TEXT, each matched by some diagnostic (about FILE, at FIELD, saying TEXT). Every case is refused, every diagnostic names its file, and
// nothing crashes or hangs. tests/malformed/lines/ holds bad issue and case lines with, line by line,
// a text their answer must hold.
#include <chrono>

#include "hardening_util.hpp"

namespace {
using namespace hardening;

fs::path corpus() { return fs::path(GRIDROUTE_SOURCE_DIR) / "tests" / "malformed"; }

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start < text.size()) {
    auto nl = text.find('\n', start);
    if (nl == std::string::npos) nl = text.size();
    out.push_back(text.substr(start, nl - start));
    start = nl + 1;
  }
  return out;
}

std::vector<std::string> case_names() {
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(corpus()))
    if (e.is_directory() && e.path().filename() != "_base" && e.path().filename() != "lines")
      names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

TEST(HardeningMalformed, BaseBundleIsClean) {
  auto r = load(corpus() / "_base");
  ASSERT_TRUE(r.ok) << r.all;
  EXPECT_TRUE(gridroute::lint(*r.snapshot).empty());
}

// SPEC §7: snap_meters is optional with a default of 0, and nothing ties it to cells_geojson: a bundle
// that keeps the setting without the layer loads (the setting has no effect); a negative one is refused.
TEST(HardeningMalformed, SnapMetersWithoutALayerLoads) {
  for (const char* snap : {"30", "0", "-1"}) {
    TempDir dir;
    copy_bundle(corpus() / "_base", dir.path());
    std::string j = read_text(dir / "jurisdiction.json");
    j.replace(j.find("\"timezone\""), 0, std::string("\"snap_meters\": ") + snap + ",\n ");
    write_text(dir / "jurisdiction.json", j);
    auto r = load(dir.path());
    if (std::string(snap) == "-1") {
      EXPECT_FALSE(r.ok);
      EXPECT_NE(r.all.find("/snap_meters: snap_meters must be a number >= 0"), std::string::npos) << r.all;
    } else {
      EXPECT_TRUE(r.ok) << snap << ": " << r.all;
    }
  }
}

class HardeningMalformedBundle : public ::testing::TestWithParam<std::string> {};

TEST_P(HardeningMalformedBundle, IsRefusedNamingFileAndField) {
  const std::string name = GetParam();
  fs::path src = corpus() / name;
  TempDir dir;
  copy_bundle(corpus() / "_base", dir.path());
  for (const auto& e : fs::directory_iterator(src)) {
    auto f = e.path().filename().string();
    if (f != "expected" && f != "README") fs::copy_file(e.path(), dir / f, fs::copy_options::overwrite_existing);
  }
  auto start = std::chrono::steady_clock::now();
  auto r = load(dir.path());
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(20)) << "slow refusal";
  expect_well_formed(r);
  for (const auto& d : r.diagnostics) {
    const bool json_file = d.file.ends_with(".json") || d.file.ends_with(".geojson");
    if (json_file && d.line > 0) EXPECT_GT(d.column, 0) << d.to_string();
    if (d.file.ends_with(".csv") && d.message.find("no such file") == std::string::npos) {
      EXPECT_GT(d.line, 0) << d.to_string();
    }
  }
  std::string expected = read_text(src / "expected");
  ASSERT_FALSE(expected.empty()) << name << ": no expected file";
  for (const auto& line : lines_of(expected)) {
    if (line.empty()) continue;
    // FILE|FIELD|TEXT: FIELD is the JSON pointer (a prefix, for very deep ones), or for CSV the column
    // the message starts with; empty for an error about the whole file or record.
    auto bar1 = line.find('|');
    auto bar2 = line.find('|', bar1 + 1);
    ASSERT_TRUE(bar1 != std::string::npos && bar2 != std::string::npos) << "bad expected line: " << line;
    std::string file = "/" + line.substr(0, bar1), field = line.substr(bar1 + 1, bar2 - bar1 - 1),
                text = line.substr(bar2 + 1);
    bool found = false;
    for (const auto& d : r.diagnostics) {
      if (!d.file.ends_with(file) || d.message.find(text) == std::string::npos) continue;
      if ((file.ends_with(".json") || file.ends_with(".geojson")) && !field.empty())
        found = found || d.pointer == field || (field.size() >= 24 && d.pointer.starts_with(field));
      else if (!field.empty())
        found = found || d.message.starts_with(field + ": ");
      else
        found = true;
    }
    EXPECT_TRUE(found) << name << ": no diagnostic of " << file << " at " << field << " holds: " << text << "\n"
                       << r.all;
  }
  // The same bundle in memory gives the same messages (file names aside).
  gridroute::BundleSources mem;
  mem.label = "mem";
  mem.jurisdiction_json = read_text(dir / "jurisdiction.json");
  mem.rules_json = read_text(dir / "rules.json");
  for (const char* f : {"units.csv", "handlers.csv"}) mem.files.emplace_back(f, read_text(dir / f));
  auto m = load(mem);
  EXPECT_FALSE(m.ok);
  EXPECT_FALSE(m.diagnostics.empty());
}

INSTANTIATE_TEST_SUITE_P(Corpus, HardeningMalformedBundle, ::testing::ValuesIn(case_names()),
                         [](const ::testing::TestParamInfo<std::string>& i) {
                           std::string n = i.param;
                           for (char& c : n)
                             if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
                           return n;
                         });

void check_lines(const char* kind) {
  auto base = load(corpus() / "_base");
  ASSERT_TRUE(base.ok) << base.all;
  gridroute::LineCodec codec(base.snapshot);
  auto input = lines_of(read_text(corpus() / "lines" / (std::string(kind) + ".jsonl")));
  auto expected = lines_of(read_text(corpus() / "lines" / (std::string(kind) + ".expected")));
  ASSERT_EQ(input.size(), expected.size()) << kind;
  const auto now = *gridroute::parse_rfc3339("2026-11-23T10:00:00+08:00");
  for (std::size_t i = 0; i < input.size(); ++i) {
    std::string out;
    if (std::string_view(kind) == "route") codec.route_line(input[i], out);
    else codec.escalate_line(input[i], now, out);
    EXPECT_NE(out.find(expected[i]), std::string::npos)
        << kind << ".jsonl line " << (i + 1) << "\n  expected: " << expected[i] << "\n  got:      " << out;
    boost::json::error_code ec;
    auto v = boost::json::parse(out, ec);
    EXPECT_FALSE(ec) << "not valid JSON (or not UTF-8): " << out;
  }
}

TEST(HardeningMalformed, IssueLines) { check_lines("route"); }
TEST(HardeningMalformed, CaseLines) { check_lines("escalate"); }

}  // namespace
