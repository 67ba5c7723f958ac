// Compiled bundle files (`gridroute compile`, gridroute::write_compiled): a file of an earlier build
// opens and answers the same; a file of another format version, a truncated, corrupted or crafted file is
// refused with an error that names it; a reload swaps to a new file while the old one keeps answering.
// (Every example answers byte-identically from its compiled file: golden_test.cpp.)
#include <algorithm>
#include <cstddef>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <boost/json.hpp>
#include <gtest/gtest.h>
#include <sys/mman.h>
#include <unistd.h>

#include "base/hash.hpp"
#include "compile/index.hpp"
#include "geo/locator.hpp"
#include "gridroute/bundle.hpp"
#include "gridroute/engine.hpp"
#include "gridroute/jsonl.hpp"
#include "gridroute/snapshot.hpp"
#include "store/file.hpp"
#include "store/index_file.hpp"
#include "fixture.hpp"

namespace {
namespace fs = std::filesystem;
namespace store = gridroute::detail::store;

const fs::path kData = fs::path(GRIDROUTE_SOURCE_DIR) / "tests" / "data" / "compiled";
const fs::path kLanxi = fs::path(GRIDROUTE_SOURCE_DIR) / "examples" / "lanxi";
// Written by a build of the current format version (tests/data/compiled/README.md).
const fs::path kLanxiFile = kData / "lanxi-format5.grb";

std::string read(const fs::path& p) {
  std::ifstream f(p, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

void write(const fs::path& p, const std::string& bytes) {
  std::ofstream f(p, std::ios::binary | std::ios::trunc);
  f.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

fs::path temp(const std::string& name) {
  return fs::path(::testing::TempDir()) / (name + "-" + std::to_string(::getpid()) + ".grb");
}

// Every line of `issues` routed through the snapshot, one answer per line.
std::string route_all(const std::shared_ptr<const gridroute::Snapshot>& snap, const std::string& issues) {
  gridroute::LineCodec codec(snap);
  std::string out, line;
  std::istringstream in(issues);
  while (std::getline(in, line)) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    codec.route_line(line, out);
    out += '\n';
  }
  return out;
}

std::string refusal(const fs::path& p, const gridroute::LoadOptions& options = {}) {
  std::vector<gridroute::Diagnostic> diags;
  auto s = gridroute::load_bundle(p.string(), &diags, options);
  EXPECT_FALSE(s.ok()) << p << " opened";
  if (s.ok()) return "";
  EXPECT_EQ(diags.size(), 1u);
  if (!diags.empty()) EXPECT_EQ(diags[0].file, p.string()) << "the diagnostic names the file";
  return std::string(s.status().message());
}

// The header of a compiled file, changed by `edit`, with the checksum made right again when asked.
std::string with_header(std::string bytes, auto&& edit, bool fix_checksum) {
  store::FileHeader h;
  std::memcpy(&h, bytes.data(), sizeof(h));
  edit(h, bytes);
  if (fix_checksum) h.checksum = XXH3_64bits(bytes.data() + sizeof(h), bytes.size() - sizeof(h));
  std::memcpy(bytes.data(), &h, sizeof(h));
  return bytes;
}

// The first byte of the section `tag` of a compiled file's bytes, or nullptr.
char* section(std::uint32_t tag, std::string& bytes) {
  store::FileHeader h;
  std::memcpy(&h, bytes.data(), sizeof(h));
  for (std::uint32_t i = 0; i < h.section_count; ++i) {
    store::SectionEntry e;
    std::memcpy(&e, bytes.data() + sizeof(h) + i * sizeof(e), sizeof(e));
    if (e.tag == tag) return bytes.data() + e.offset;
  }
  return nullptr;
}

TEST(CompiledFile, AFileOfAnEarlierBuildOpensAndAnswersTheSame) {
  auto snap = gridroute::load_bundle(kLanxiFile.string());
  ASSERT_TRUE(snap.ok()) << snap.status();
  EXPECT_EQ(route_all(*snap, read(kData / "lanxi-issues.jsonl")), read(kData / "lanxi-format5-route.jsonl"));
  // With cell polygons (examples/xincheng: a hole, an island, a shared border), located lines.
  auto located = gridroute::load_bundle((kData / "xincheng-format5.grb").string());
  ASSERT_TRUE(located.ok()) << located.status();
  EXPECT_EQ(route_all(*located, read(kData / "xincheng-located.jsonl")), read(kData / "xincheng-format5-located.jsonl"));
}

// Format 1 stored the cell polygons' GeoJSON text, format 2 their index; format 3 keeps the owner's
// calendar in each served entry and counts the alternates in their column; format 4 gives each unit's
// record the bits of the role keys served there; format 5 adds a record of each unit's id. A file
// of a former format is refused by name, with what to do.
TEST(CompiledFile, AFileOfAFormerFormatIsRefusedByName) {
  for (int version : {1, 2, 3, 4}) {
    const std::string why = refusal(kData / ("lanxi-format" + std::to_string(version) + ".grb"));
    EXPECT_NE(why.find("compiled bundle format version " + std::to_string(version)), std::string::npos) << why;
    EXPECT_NE(why.find("this build reads format version " + std::to_string(store::kFormatVersion)), std::string::npos)
        << why;
    EXPECT_NE(why.find("gridroute compile"), std::string::npos) << why;
  }
}

// The example bundle from its directory, and from a file compiled from it (at `file`, for the caller to
// remove).
struct DirAndFile {
  std::shared_ptr<const gridroute::Snapshot> dir, compiled;
  fs::path file;
};
void open_both(const std::string& name, DirAndFile& out) {
  auto dir = gridroute::load_bundle(kLanxi.string());
  ASSERT_TRUE(dir.ok()) << dir.status();
  out.file = temp(name);
  ASSERT_TRUE(gridroute::write_compiled(**dir, out.file.string()).ok());
  auto compiled = gridroute::load_bundle(out.file.string());
  ASSERT_TRUE(compiled.ok()) << compiled.status();
  out.dir = *std::move(dir);
  out.compiled = *std::move(compiled);
}

TEST(CompiledFile, TheFileAnswersAsTheDirectoryWithTheSameDigest) {
  DirAndFile both;
  ASSERT_NO_FATAL_FAILURE(open_both("lanxi", both));
  EXPECT_EQ(both.compiled->digest(), both.dir->digest());
  EXPECT_EQ(both.compiled->unit_count(), both.dir->unit_count());
  const std::string issues = read(kLanxi / "issues.jsonl");
  EXPECT_EQ(route_all(both.compiled, issues), route_all(both.dir, issues));
  EXPECT_EQ(gridroute::lint(*both.compiled).size(), gridroute::lint(*both.dir).size());
  fs::remove(both.file);
}

// Lint's findings name FILE:LINE:COLUMN from a compiled file as from the directory. A file's positions are
// decoded on first use (routing never reads them): lint from several threads at once, the first of them
// decoding, places every finding as the directory does.
TEST(CompiledFile, LintPlacesFindingsFromTheFileAsFromTheDirectoryFromSeveralThreads) {
  DirAndFile both;
  ASSERT_NO_FATAL_FAILURE(open_both("lanxi-lint", both));
  auto placed = [](const std::vector<gridroute::Diagnostic>& ds) {
    std::vector<std::string> out;
    for (const auto& d : ds)
      out.push_back(d.file + ":" + std::to_string(d.line) + ":" + std::to_string(d.column) + ": " + d.pointer + ": " +
                    d.message);
    return out;
  };
  const std::vector<std::string> expected = placed(gridroute::lint(*both.dir));
  ASSERT_FALSE(expected.empty());
  ASSERT_GT(gridroute::lint(*both.dir)[0].line, 0) << "the example's finding has a line: the test compares places";
  std::vector<std::vector<std::string>> got(4);
  {
    std::vector<std::jthread> threads;
    for (auto& g : got) threads.emplace_back([&g, &both, &placed] { g = placed(gridroute::lint(*both.compiled)); });
  }
  for (const auto& g : got) EXPECT_EQ(g, expected);
  fs::remove(both.file);
}

// A rule id and a role name may hold quotes and backslashes (the loader refuses only control characters,
// and '/' in a role): a bundle that loads from its directory opens from its compiled file too, and answers
// the same, those names escaped in the records.
TEST(CompiledFile, NamesWithQuotesOpenFromTheFileAsFromTheDirectory) {
  const fs::path dir = fs::path(::testing::TempDir()) / ("quoted-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::copy(kLanxi, dir, fs::copy_options::recursive);
  boost::json::value rules = boost::json::parse(read(kLanxi / "rules.json"));
  auto& list = rules.at("rules").as_array();
  for (auto& r : list) r.as_object()["id"] = std::string(r.at("id").as_string()) + " \"quoted\" \\ rule";
  rules.at("roles").as_array().push_back(boost::json::string("night \"watch\" \\ desk"));
  write(dir / "rules.json", boost::json::serialize(rules));
  auto loaded = gridroute::load_bundle(dir.string());
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  const fs::path file = temp("quoted");
  ASSERT_TRUE(gridroute::write_compiled(**loaded, file.string()).ok());
  auto compiled = gridroute::load_bundle(file.string());
  ASSERT_TRUE(compiled.ok()) << compiled.status();
  const std::string issues = read(kLanxi / "issues.jsonl");
  const std::string answers = route_all(*compiled, issues);
  EXPECT_EQ(answers, route_all(*loaded, issues));
  EXPECT_NE(answers.find("\\\"quoted\\\" \\\\ rule\""), std::string::npos) << answers.substr(0, 400);
  fs::remove(file);
  fs::remove_all(dir);
}

// A unit found by its id's hash is confirmed by a record of its id, of 16 bytes (ids of up to 15 bytes)
// or 32 (up to 31) as the bundle's ids need, or by its text (longer ones). Ids of every length from 1 to
// 40 bytes, ids that share all but their last byte or their first 15 or 31 bytes, are each found as
// themselves, from the directory and from a compiled file; their prefixes, extensions and ids with a NUL
// byte after them are not; routing by id, one call and in a batch, answers for the cell named. Once with
// records of 32 bytes (many long ids), once of 16 (thousands of short ids beside the same long ones).
class UnitIds : public ::testing::TestWithParam<int> {};
INSTANTIATE_TEST_SUITE_P(CompiledFile, UnitIds, ::testing::Values(32, 16));
TEST_P(UnitIds, OfEveryLengthAreFoundExactly) {
  const std::size_t record = static_cast<std::size_t>(GetParam());
  std::vector<std::string> cells;  // the ids compared below, then the short ones
  for (std::size_t n = 1; n <= 40; ++n) {
    std::string id(n, 'c');
    for (std::size_t i = 0; i < n; ++i) id[i] = "abcdefghijklmnopqrstuvwxyz0123456789.:-A"[(i * 7 + n) % 40];
    cells.push_back(id);
    std::string last = id;
    last.back() = last.back() == 'Z' ? 'Y' : 'Z';
    cells.push_back(last);
  }
  // Ids of 15, 16 and 17 bytes that share their first 15, of 31, 32 and 33 that share their first 31.
  for (const char* id : {"fifteen-bytes-x", "fifteen-bytes-xA", "fifteen-bytes-xAB", "thirty-one-bytes-of-one-id-here",
                         "thirty-one-bytes-of-one-id-hereA", "thirty-one-bytes-of-one-id-hereAB"})
    cells.push_back(id);
  const std::size_t compared = cells.size();
  if (record == 16)
    for (int i = 0; i < 9000; ++i) cells.push_back("s" + std::to_string(i));
  const std::set<std::string> known(cells.begin(), cells.end());
  std::string jur = R"({"format": "gridroute.jurisdiction/1", "timezone": "Asia/Shanghai",
    "tiers": ["community", "area", "cell"], "units": [{"id": "root", "tier": "community"},
    {"id": "area", "tier": "area", "parent": "root"})";
  for (const std::string& c : cells) jur += R"(, {"id": ")" + c + R"(", "tier": "cell", "parent": "area"})";
  jur += R"(], "handlers": [{"id": "h-council", "role": "resident_council", "serves": ["root"]}]})";
  gridroute::BundleSources src;
  src.jurisdiction_json = jur;
  src.rules_json = R"({"format": "gridroute.rules/1", "rules": [{"id": "r", "categories": ["*"], "scope": "root",
    "route": ["resident_council"]}]})";
  auto dir = gridroute::load_bundle(src);
  ASSERT_TRUE(dir.ok()) << dir.status();
  const fs::path file = temp("ids");
  ASSERT_TRUE(gridroute::write_compiled(**dir, file.string()).ok());
  auto compiled = gridroute::load_bundle(file.string());
  ASSERT_TRUE(compiled.ok()) << compiled.status();
  for (const auto* snap : {&*dir, &*compiled}) {
    const gridroute::Snapshot& s = **snap;
    ASSERT_EQ(s.index().unit_id_short.size(), s.index().unit_count() * record / 8);
    std::vector<gridroute::Issue> issues;
    for (const std::string& c : cells) {
      const gridroute::UnitId u = s.find_unit(c);
      ASSERT_NE(u, gridroute::kNone) << c;
      EXPECT_EQ(s.index().unit_id(u), c);
      EXPECT_EQ(s.index().unit_id_from_record(u), c);  // what records and actions write
      // Not found: the id less its last byte (when that is no unit), with a byte more, with a NUL after it.
      for (const std::string& other : {c.substr(0, c.size() - 1), c + "q", c + std::string(1, '\0')})
        if (known.count(other) == 0)
          EXPECT_EQ(s.find_unit(other), gridroute::kNone) << "'" << other << "' (" << other.size() << " bytes)";
      gridroute::Issue is;
      is.id = "I";
      is.category = "x.y";
      is.cell = c;
      is.at = 1'790'000'000;
      issues.push_back(is);
    }
    // The hash's 32-bit tag keeps most other ids from being compared at all: each unit's record is
    // compared here with every id above and its variants.
    std::vector<std::string> asked;
    for (std::size_t i = 0; i < compared; ++i)
      for (const std::string& other : {cells[i], cells[i].substr(0, cells[i].size() - 1), cells[i] + "q",
                                       cells[i] + std::string(1, '\0')})
        asked.push_back(other);
    const gridroute::detail::Index& index = s.index();
    for (std::size_t u = 0; u < index.unit_count(); u += u < compared + 2 ? 1 : 97)
      for (const std::string& q : asked)
        ASSERT_EQ(index.is_unit_id(static_cast<gridroute::UnitId>(u), q), index.unit_id(static_cast<gridroute::UnitId>(u)) == q)
            << "unit '" << index.unit_id(static_cast<gridroute::UnitId>(u)) << "', id '" << q << "'";
    const std::string unknown = "fifteen-bytes-xABC";
    gridroute::Issue missing = issues.back();
    missing.cell = unknown;
    issues.push_back(missing);
    std::vector<gridroute::Decision> batch(issues.size());
    s.route_batch(issues, batch);
    for (std::size_t i = 0; i < issues.size(); ++i) {
      const gridroute::Decision one = s.route(issues[i], false);
      for (const gridroute::Decision* d : {&one, static_cast<const gridroute::Decision*>(&batch[i])}) {
        if (i + 1 == issues.size()) {
          EXPECT_EQ(d->status, gridroute::Decision::Status::rejected);
          EXPECT_EQ(d->message, "unknown cell '" + unknown + "'");
          continue;
        }
        ASSERT_EQ(d->status, gridroute::Decision::Status::routed) << issues[i].cell << ": " << d->message;
        EXPECT_EQ(s.index().unit_id(d->cell), issues[i].cell);
      }
    }
  }
  // A record whose length byte is past what the record holds (a long id's mark, or a byte no compile
  // writes) is not read for its text: the id comes from its offset and text, and nothing past the record
  // is read.
  gridroute::detail::Index& index = const_cast<gridroute::detail::Index&>((*dir)->index());
  const gridroute::UnitId u = index.find_unit("fifteen-bytes-x");
  ASSERT_NE(u, gridroute::kNone);
  unsigned char* last = reinterpret_cast<unsigned char*>(const_cast<void*>(index.unit_id_record(u))) + record - 1;
  ASSERT_EQ(*last, 15u);
  for (unsigned char mark : {static_cast<unsigned char>(record), static_cast<unsigned char>(0xFE),
                             static_cast<unsigned char>(0xFF)}) {
    *last = mark;
    EXPECT_EQ(index.unit_id_from_record(u), "fifteen-bytes-x") << int{mark};
  }
  *last = 15;
  // A record whose text JSON would not take as it is (a quote, a control byte, a byte from 0x80) is not
  // written: the id comes from its checked text.
  char* text = reinterpret_cast<char*>(const_cast<void*>(index.unit_id_record(u)));
  for (char bad : {'"', '\\', '\n', static_cast<char>(0xC3)}) {
    const char was = text[3];
    text[3] = bad;
    EXPECT_EQ(index.unit_id_from_record(u), "fifteen-bytes-x") << int{bad};
    text[3] = was;
  }
  EXPECT_EQ(index.unit_id_from_record(u), "fifteen-bytes-x");
  fs::remove(file);
}

// The cell polygons are stored as their index (positions, rings, parts, Features), so that opening a file
// parses no GeoJSON; the R-tree is built again on open.
TEST(CompiledFile, CellPolygonsAreStoredAsTheirIndex) {
  const fs::path lianshi = fs::path(GRIDROUTE_SHARED_DIR) / "examples-1.1" / "lianshi";
  if (!fs::exists(lianshi / "cells.geojson")) GTEST_SKIP() << lianshi;
  auto plain = gridroute::load_bundle(lianshi.string());
  ASSERT_TRUE(plain.ok()) << plain.status();
  const fs::path file = temp("lianshi");
  ASSERT_TRUE(gridroute::write_compiled(**plain, file.string()).ok());
  auto compiled = gridroute::load_bundle(file.string());
  ASSERT_TRUE(compiled.ok()) << compiled.status();
  const gridroute::geo::Locator& a = *(*plain)->index().locator;
  const gridroute::geo::Locator& b = *(*compiled)->index().locator;
  EXPECT_EQ(b.feature_count(), a.feature_count());
  EXPECT_EQ(b.polygon_count(), a.polygon_count());
  EXPECT_EQ(b.position_count(), a.position_count());
  const std::string located = read(lianshi / "located.jsonl");
  EXPECT_EQ(route_all(*compiled, located), route_all(*plain, located));
  // --explain reads the Features and the distances as the directory does; lint places the GeoJSON
  // warnings (a cell without a polygon) as the directory does.
  {
    gridroute::LineCodec x(*compiled, {.explain = true}), y(*plain, {.explain = true});
    std::string p, q, line;
    std::istringstream in(located);
    while (std::getline(in, line)) {
      x.route_line(line, p);
      y.route_line(line, q);
    }
    EXPECT_EQ(p, q);
  }
  auto messages = [](const std::vector<gridroute::Diagnostic>& ds) {
    std::vector<std::string> out;
    for (const auto& d : ds) out.push_back(d.file + ":" + std::to_string(d.line) + ": " + d.message);
    return out;
  };
  EXPECT_EQ(messages(gridroute::lint(**compiled)), messages(gridroute::lint(**plain)));
  // Written again from the file, the same file; opened with the checksum beside the reading (the path of
  // a large file), the same polygons.
  const fs::path again = temp("lianshi-again");
  ASSERT_TRUE(gridroute::write_compiled(**compiled, again.string()).ok());
  EXPECT_EQ(read(again), read(file));
  auto beside = store::open_index(file.string(), 0);
  ASSERT_TRUE(beside.ok()) << beside.status();
  ASSERT_TRUE((*beside)->locator.has_value());
  EXPECT_EQ((*beside)->locator->polygon_count(), a.polygon_count());
  fs::remove(again);
  fs::remove(file);
}

// Stored polygons whose checksum is right but whose arrays were not written by gridroute: every offset
// and cell is checked on open, so a lookup never follows one out of its arrays.
TEST(CompiledFile, CraftedPolygonsAreRefused) {
  const std::string good = read(kData / "xincheng-format5.grb");
  auto section = [&](std::uint32_t tag, std::string& bytes) -> std::pair<char*, std::uint64_t> {
    store::FileHeader h;
    std::memcpy(&h, bytes.data(), sizeof(h));
    for (std::uint32_t i = 0; i < h.section_count; ++i) {
      store::SectionEntry e;
      std::memcpy(&e, bytes.data() + sizeof(h) + i * sizeof(e), sizeof(e));
      if (e.tag == tag) return {bytes.data() + e.offset, e.count};
    }
    return {nullptr, 0};
  };
  const fs::path file = temp("crafted-polygons");
  struct Case {
    std::uint32_t tag;
    std::size_t offset;  // bytes into the section
    std::uint32_t value;
    const char* says;
  };
  for (const Case& c : {Case{store::tag("GRNG"), 8, 1u << 30, "positions"},          // ring 1 begins past every position
                        Case{store::tag("GRNG"), 8, 1, "fewer than four"},           // ring 0 of one position
                        Case{store::tag("GPRT"), 4, 0, "of no Feature of its cell"},  // part 0 of another cell (unit 0: the root)
                        Case{store::tag("GPRT"), 8, 0, "has no ring"},               // part 1 from ring 0 again
                        Case{store::tag("GPFE"), 0, 1u << 20, "of no Feature"},      // part 0 of a Feature past the list
                        Case{store::tag("GFEA"), 0, 7u << 20, "not of a cell"}}) {   // Feature 0 of no unit
    write(file, with_header(good, [&](store::FileHeader&, std::string& b) {
            auto [at, count] = section(c.tag, b);
            ASSERT_NE(at, nullptr) << c.tag;
            ASSERT_GT(count, 1u) << c.tag;
            std::memcpy(at + c.offset, &c.value, sizeof(c.value));
          }, true));
    const std::string why = refusal(file);
    EXPECT_NE(why.find("not a valid compiled bundle: the cell polygons: "), std::string::npos) << c.tag << ": " << why;
    EXPECT_NE(why.find(c.says), std::string::npos) << c.tag << ": " << why;
  }
  // A position out of range (longitude 400).
  write(file, with_header(good, [&](store::FileHeader&, std::string& b) {
          auto [at, count] = section(store::tag("GPTS"), b);
          ASSERT_NE(at, nullptr);
          const double lon = 400;
          std::memcpy(at + 16, &lon, sizeof(lon));
        }, true));
  EXPECT_NE(refusal(file).find("not a longitude and latitude in range"), std::string::npos);
  fs::remove(file);
}

TEST(CompiledFile, AnotherFormatVersionIsRefusedByName) {
  const fs::path file = temp("version");
  write(file, with_header(read(kLanxiFile),
                          [](store::FileHeader& h, std::string&) { h.format_version = store::kFormatVersion + 1; }, true));
  const std::string why = refusal(file);
  EXPECT_NE(why.find("format version " + std::to_string(store::kFormatVersion + 1)), std::string::npos) << why;
  EXPECT_NE(why.find("this build reads format version " + std::to_string(store::kFormatVersion)), std::string::npos) << why;
  EXPECT_NE(why.find("gridroute compile"), std::string::npos) << "says how to make a file this build reads: " << why;
  fs::remove(file);
}

TEST(CompiledFile, TruncatedCorruptedAndForeignFilesAreRefused) {
  const std::string good = read(kLanxiFile);
  const fs::path file = temp("bad");
  write(file, good.substr(0, good.size() / 2));
  EXPECT_NE(refusal(file).find("truncated"), std::string::npos);
  std::string flipped = good;
  flipped[flipped.size() / 2] ^= 0x40;
  write(file, flipped);
  EXPECT_NE(refusal(file).find("checksum mismatch"), std::string::npos);
  write(file, good.substr(0, 40));
  EXPECT_NE(refusal(file).find("shorter than a header"), std::string::npos);
  write(file, good + "extra");
  EXPECT_NE(refusal(file).find("extra bytes"), std::string::npos);
  fs::remove(file);
  // Not a compiled file and not a directory: the bundle reader's refusal, naming the path.
  std::vector<gridroute::Diagnostic> diags;
  auto s = gridroute::load_bundle((kLanxi / "README.md").string(), &diags);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.status().message().find("README.md"), std::string_view::npos) << s.status();
}

// A large file's checksum runs beside the reading of its sections: a mismatch still refuses the file,
// whatever the reading made of the bytes (here every file takes that path).
TEST(CompiledFile, AChecksumVerifiedBesideTheReadingStillRefuses) {
  const std::string good = read(kLanxiFile);
  const fs::path file = temp("beside");
  write(file, good);
  auto opened = store::open_index(file.string(), 0);
  ASSERT_TRUE(opened.ok()) << opened.status();
  // In the section table (an offset of the first section), in the sections, and the last byte.
  const std::size_t table = sizeof(store::FileHeader);
  for (std::size_t at : {table + 9, table + 15, good.size() / 3, good.size() / 2, good.size() - 1}) {
    std::string flipped = good;
    flipped[at] ^= 0x40;
    write(file, flipped);
    auto refused = store::open_index(file.string(), 0);
    ASSERT_FALSE(refused.ok()) << "a byte flipped at " << at;
    EXPECT_NE(refused.status().message().find("checksum mismatch"), std::string_view::npos) << refused.status();
    EXPECT_NE(refused.status().message().find(file.string()), std::string_view::npos) << refused.status();
  }
  fs::remove(file);
}

// A file whose checksum is right but whose sections were not written by gridroute: every index is
// checked on open, so it is refused rather than followed.
TEST(CompiledFile, ACraftedFileWithARightChecksumIsRefused) {
  const std::string good = read(kLanxiFile);
  const fs::path file = temp("crafted");
  // A unit whose parent lies outside the units.
  write(file, with_header(good, [&](store::FileHeader&, std::string& b) {
          char* hot = section(store::tag("UHOT"), b);
          ASSERT_NE(hot, nullptr);
          const std::int32_t far = 1 << 30;
          std::memcpy(hot + 8, &far, sizeof(far));  // UnitHot::parent of unit 0
        }, true));
  std::string why = refusal(file);
  EXPECT_NE(why.find("not a valid compiled bundle"), std::string::npos) << why;
  // A handler id table that loses a handler.
  write(file, with_header(good, [&](store::FileHeader&, std::string& b) {
          char* slots = section(store::tag("HIDX"), b);
          ASSERT_NE(slots, nullptr);
          std::memset(slots, 0xFF, 8 * 4);
        }, true));
  why = refusal(file);
  EXPECT_NE(why.find("not a valid compiled bundle"), std::string::npos) << why;
  // A handler without a role key (kNone), which `graph` and a pinned case would read a role name of.
  write(file, with_header(good, [&](store::FileHeader&, std::string& b) {
          char* roles = section(store::tag("HROL"), b);
          ASSERT_NE(roles, nullptr);
          std::memset(roles, 0xFF, 4);
        }, true));
  why = refusal(file);
  EXPECT_NE(why.find("its role or calendar is out of range"), std::string::npos) << why;
  // A served entry whose owner's calendar is not the owner's: the deadlines read it in place of
  // handler_calendar, so it must say the same.
  write(file, with_header(good, [&](store::FileHeader&, std::string& b) {
          char* served = section(store::tag("SRVD"), b);
          ASSERT_NE(served, nullptr);
          const std::int32_t far = 1 << 30;
          std::memcpy(served + offsetof(gridroute::detail::Index::Served, calendar), &far, sizeof(far));
        }, true));
  why = refusal(file);
  EXPECT_NE(why.find("a served entry is out of range"), std::string::npos) << why;
  // A served unit whose key bits are cleared: resolution would pass it by.
  auto snap = gridroute::load_bundle(kLanxiFile.string());
  ASSERT_TRUE(snap.ok()) << snap.status();
  const gridroute::detail::Index& index = (*snap)->index();
  std::size_t served_unit = 0;
  while (served_unit < index.hot.size() && index.hot[served_unit].served_count == 0) ++served_unit;
  ASSERT_LT(served_unit, index.hot.size());
  write(file, with_header(good, [&](store::FileHeader&, std::string& b) {
          char* hot = section(store::tag("UHOT"), b);
          ASSERT_NE(hot, nullptr);
          const std::uint32_t none = 0;
          std::memcpy(hot + served_unit * sizeof(gridroute::detail::Index::UnitHot) +
                          offsetof(gridroute::detail::Index::UnitHot, served_keys),
                      &none, sizeof(none));
        }, true));
  why = refusal(file);
  EXPECT_NE(why.find("its served key bits are not its entries' keys"), std::string::npos) << why;
  fs::remove(file);
}

// The alternates of a served entry are a count and that many handlers, one list after another: a list
// moved, or a count past the end, is refused on open.
TEST(CompiledFile, ServedAlternatesOutOfPlaceAreRefused) {
  // Two handlers of one role at c1 (one entry with an alternate), each with its own calendar.
  const std::string jurisdiction = fixture::town(R"([
    {"id": "squad-1", "role": "enforcement_squad", "serves": ["c1"], "calendar": "late"},
    {"id": "squad-2", "role": "enforcement_squad", "serves": ["c1", "c2"]},
    {"id": "council-c1", "role": "resident_council", "serves": ["c1"]}
  ])");
  const std::string rules = R"({
  "format": "gridroute.rules/1",
  "calendars": [
    {"id": "gov", "weekdays": [1, 2, 3, 4, 5], "hours": [["09:00", "12:00"], ["13:00", "17:00"]]},
    {"id": "late", "weekdays": [1, 2, 3, 4, 5, 6, 7], "hours": [["10:00", "20:00"]]}
  ],
  "defaults": {"calendar": "gov", "sla": {"respond": "2wh", "resolve": "3wd"}},
  "rules": [{"id": "noise", "categories": ["noise"], "route": ["enforcement_squad"]}]
})";
  const fs::path file = temp("alternates");
  auto snap = gridroute::load_bundle(fixture::sources(jurisdiction, rules));
  ASSERT_TRUE(snap.ok()) << snap.status();
  const gridroute::detail::Index& index = (*snap)->index();
  std::size_t with = 0;
  for (const auto& v : index.served) with += v.alternates_at >= 0;
  ASSERT_GT(with, 0u) << "the example has no unit served by two handlers of one role";
  ASSERT_TRUE(gridroute::write_compiled(**snap, file.string()).ok());
  const std::string good = read(file);
  using Served = gridroute::detail::Index::Served;
  const auto first_with = [&](std::string& b) -> char* {
    char* served = section(store::tag("SRVD"), b);
    for (std::size_t i = 0; i < index.served.size(); ++i)
      if (index.served[i].alternates_at >= 0) return served + i * sizeof(Served);
    return nullptr;
  };
  // The first list said to start one element later.
  write(file, with_header(good, [&](store::FileHeader&, std::string& b) {
          char* v = first_with(b);
          ASSERT_NE(v, nullptr);
          std::int32_t at;
          std::memcpy(&at, v + offsetof(Served, alternates_at), sizeof(at));
          ++at;
          std::memcpy(v + offsetof(Served, alternates_at), &at, sizeof(at));
        }, true));
  std::string why = refusal(file);
  EXPECT_NE(why.find("alternates are out of place"), std::string::npos) << why;
  // Its count past the end of the column.
  write(file, with_header(good, [&](store::FileHeader&, std::string& b) {
          char* v = first_with(b);
          ASSERT_NE(v, nullptr);
          std::int32_t at;
          std::memcpy(&at, v + offsetof(Served, alternates_at), sizeof(at));
          char* lists = section(store::tag("SRVH"), b);
          const std::int32_t huge = 1 << 30;
          std::memcpy(lists + static_cast<std::size_t>(at) * 4, &huge, sizeof(huge));
        }, true));
  why = refusal(file);
  EXPECT_NE(why.find("alternates are out of range"), std::string::npos) << why;
  // Unchanged, the file answers as the sources do: the owner at c1 with its alternate and its own
  // calendar's deadlines (Saturday, 10:00-20:00), the one at c2 on the default calendar.
  write(file, good);
  auto compiled = gridroute::load_bundle(file.string());
  ASSERT_TRUE(compiled.ok()) << compiled.status();
  const std::string issues =
      R"({"id": "a", "category": "noise", "cell": "c1-a-01", "at": "2026-11-07T09:00:00+08:00"})" "\n"
      R"({"id": "b", "category": "noise", "cell": "c2-01", "at": "2026-11-07T09:00:00+08:00"})" "\n";
  const std::string answers = route_all(*snap, issues);
  EXPECT_EQ(route_all(*compiled, issues), answers);
  EXPECT_NE(answers.find(R"("handler": "squad-1")"), std::string::npos) << answers;
  EXPECT_NE(answers.find(R"("alternates": ["squad-2"])"), std::string::npos) << answers;
  EXPECT_NE(answers.find(R"("respond_by": "2026-11-07T12:00:00+08:00")"), std::string::npos) << answers;
  EXPECT_NE(answers.find(R"("respond_by": "2026-11-09T11:00:00+08:00")"), std::string::npos) << answers;
  fs::remove(file);
}

// What the fuzz target found (tests/fuzz/regressions/fuzz_compiled), through the same fix-up of the
// header: each is refused on open, so lint and routing never follow it.
TEST(CompiledFile, FuzzFindingsAreRefused) {
  const fs::path dir = fs::path(GRIDROUTE_SOURCE_DIR) / "tests" / "fuzz" / "regressions" / "fuzz_compiled";
  std::size_t n = 0;
  for (const auto& e : fs::directory_iterator(dir)) {
    std::string bytes = read(e.path());
    if (bytes.size() >= sizeof(store::FileHeader))
      bytes = with_header(bytes, [&](store::FileHeader& h, std::string& b) {
        h.file_size = b.size();
        h.format_version = store::kFormatVersion;  // (found under format 1: as far into the checks as they go)
      }, true);
    auto index = store::open_index_bytes(bytes, e.path().filename().string());
    EXPECT_FALSE(index.ok()) << e.path() << " opened";
    if (!index.ok()) EXPECT_NE(index.status().message().find(e.path().filename().string()), std::string_view::npos);
    ++n;
  }
  EXPECT_GE(n, 1u);
}

TEST(CompiledFile, LoadOptionsLimitsApplyToFilesToo) {
  gridroute::LoadOptions small;
  small.max_units = 3;
  EXPECT_NE(refusal(kLanxiFile, small).find("max_units"), std::string::npos);
}

// The VmFlags of every mapping of `file` in this process, one string each (empty: none maps it).
std::vector<std::string> mapping_flags(const fs::path& file) {
  std::vector<std::string> out;
  std::ifstream smaps("/proc/self/smaps");
  const std::string name = fs::canonical(file).string();
  std::string line;
  bool ours = false;
  while (std::getline(smaps, line)) {
    if (line.starts_with("VmFlags:")) {
      if (ours) out.push_back(line.substr(8) + " ");
      ours = false;
    } else if (line.size() > name.size() && line.ends_with(" " + name)) {
      ours = true;
    }
  }
  return out;
}

// A compiled file's mapping is advised for huge pages, so that the page cache reads it in 2 MiB folios the
// kernel can map with huge pages (routing reads the index at random); GRIDROUTE_HUGE_PAGES=0 leaves it in
// ordinary pages. The advice is on the library's own mapping, not on any memory of the caller's.
TEST(CompiledFile, ItsMappingAsksForHugePagesUnlessToldNot) {
#if !defined(__linux__) || !defined(MADV_HUGEPAGE)
  GTEST_SKIP() << "reads /proc/self/smaps";
#else
  if (!fs::exists("/sys/kernel/mm/transparent_hugepage")) GTEST_SKIP() << "the kernel has no transparent huge pages";
  const fs::path file = temp("huge");
  auto lanxi = gridroute::load_bundle(kLanxi.string());
  ASSERT_TRUE(lanxi.ok());
  ASSERT_TRUE(gridroute::write_compiled(**lanxi, file.string()).ok());
  {
    ::setenv("GRIDROUTE_HUGE_PAGES", "0", 1);
    auto plain = gridroute::load_bundle(file.string());
    ::unsetenv("GRIDROUTE_HUGE_PAGES");
    ASSERT_TRUE(plain.ok()) << plain.status();
    const auto flags = mapping_flags(file);
    ASSERT_FALSE(flags.empty()) << "no mapping of " << file;
    for (const std::string& f : flags) EXPECT_EQ(f.find(" hg "), std::string::npos) << f;
  }
  EXPECT_TRUE(mapping_flags(file).empty()) << "the snapshot's file stays mapped after its last reference";
  auto huge = gridroute::load_bundle(file.string());
  ASSERT_TRUE(huge.ok()) << huge.status();
  const auto flags = mapping_flags(file);
  ASSERT_FALSE(flags.empty()) << "no mapping of " << file;
  for (const std::string& f : flags) EXPECT_NE(f.find(" hg "), std::string::npos) << f;
  const std::string issues = read(kLanxi / "issues.jsonl");
  EXPECT_EQ(route_all(*huge, issues), route_all(*lanxi, issues));
  fs::remove(file);
#endif
}

// A reload swaps to the new file; a snapshot of the old one keeps answering (its mapping stays valid
// after the file is replaced by a rename).
TEST(CompiledFile, AReloadSwapsToANewFileWhileTheOldOneKeepsAnswering) {
  const fs::path file = temp("reload");
  auto lanxi = gridroute::load_bundle(kLanxi.string());
  ASSERT_TRUE(lanxi.ok());
  ASSERT_TRUE(gridroute::write_compiled(**lanxi, file.string()).ok());
  auto engine = gridroute::Engine::load(file.string());
  ASSERT_TRUE(engine.ok()) << engine.status();
  auto old_snapshot = engine->snapshot();
  const std::string issues = read(kLanxi / "issues.jsonl");
  const std::string before = route_all(old_snapshot, issues);

  auto other = gridroute::load_bundle((fs::path(GRIDROUTE_SOURCE_DIR) / "tests" / "data" / "town_v2").string());
  ASSERT_TRUE(other.ok()) << other.status();
  ASSERT_TRUE(gridroute::write_compiled(**other, file.string()).ok());
  ASSERT_TRUE(engine->reload(file.string()).ok());
  EXPECT_EQ(engine->snapshot()->digest(), (*other)->digest());
  EXPECT_EQ(route_all(old_snapshot, issues), before) << "the old snapshot still answers from the old file";
  fs::remove(file);
}

}  // namespace
