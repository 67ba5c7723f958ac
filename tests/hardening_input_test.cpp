// Hardening (issue #6): bad input in bundles and lines — invalid UTF-8, NUL bytes, a BOM, CRLF,
// duplicate keys, numbers out of range, empty files, directories, unreadable files, FIFOs, symlink
// loops, paths out of the bundle, and a bundle changed while it is loaded. Each gets a clear error
// naming the file (and field), or the documented behaviour (docs/security.md); none crashes or hangs.
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include "hardening_util.hpp"
#include "base/json_text.hpp"
#include "compile/index.hpp"

namespace {
using namespace hardening;

// Replaces the first occurrence of `from` in `file` by `to`.
void edit(const fs::path& file, const std::string& from, const std::string& to) {
  std::string t = read_text(file);
  auto at = t.find(from);
  ASSERT_NE(at, std::string::npos) << from << " not in " << file;
  t.replace(at, from.size(), to);
  write_text(file, t);
}

class HardeningInput : public ::testing::Test {
 protected:
  void SetUp() override { copy_bundle(example(), dir_.path()); }
  fs::path file(const std::string& name) const { return dir_.path() / name; }
  LoadResult load_it() const { return load(dir_.path()); }
  TempDir dir_;
};

TEST_F(HardeningInput, InvalidUtf8InJsonNamesFileLineAndColumn) {
  edit(file("jurisdiction.json"), "\"format\"", "\"fo\xC3\x28rmat\"");
  auto r = load_it();
  expect_well_formed(r);
  ASSERT_EQ(r.diagnostics.size(), 1u) << r.all;
  EXPECT_TRUE(r.diagnostics[0].file.ends_with("jurisdiction.json"));
  EXPECT_EQ(r.diagnostics[0].message, "invalid UTF-8 in a field's name");
  EXPECT_EQ(r.diagnostics[0].pointer, "");  // the top-level object holds the member
  EXPECT_GT(r.diagnostics[0].line, 0);
  EXPECT_GT(r.diagnostics[0].column, 0);
}

// A bad byte in a member's name is placed at the object that holds it, not at the member read before it,
// and one in a value at the value.
TEST_F(HardeningInput, InvalidUtf8InANameIsPlacedAtItsObject) {
  const std::string rules = read_text(file("rules.json")), jur = read_text(file("jurisdiction.json"));
  edit(file("rules.json"), "\"priority\"", "\"prio\xFFrity\"");
  auto r = load_it();
  ASSERT_EQ(r.diagnostics.size(), 1u) << r.all;
  EXPECT_EQ(r.diagnostics[0].message, "invalid UTF-8 in a field's name");
  EXPECT_EQ(r.diagnostics[0].pointer, "/rules/0") << r.all;
  write_text(file("rules.json"), rules);
  edit(file("jurisdiction.json"), "\"parent\"", "\"par\xC3" "ent\"");
  r = load_it();
  ASSERT_EQ(r.diagnostics.size(), 1u) << r.all;
  EXPECT_EQ(r.diagnostics[0].message, "invalid UTF-8 in a field's name");
  EXPECT_EQ(r.diagnostics[0].pointer, "/units/1") << r.all;
  // Where a name would begin, before its quote: at the object, and not said to be in a name.
  write_text(file("jurisdiction.json"), jur);
  edit(file("rules.json"), "\"priority\"", "\xF8 \"priority\"");
  r = load_it();
  ASSERT_EQ(r.diagnostics.size(), 1u) << r.all;
  EXPECT_EQ(r.diagnostics[0].message, "invalid UTF-8");
  EXPECT_EQ(r.diagnostics[0].pointer, "/rules/0") << r.all;
}

TEST_F(HardeningInput, OverlongAndSurrogateUtf8AreInvalid) {
  // "/" as an overlong two-byte form, and a UTF-16 surrogate encoded in UTF-8.
  for (const char* bad : {"\xC0\xAF", "\xED\xA0\x80", "\xF4\x90\x80\x80", "\xFF"}) {
    copy_bundle(example(), dir_.path());
    std::string csv = read_text(file("units.csv"));
    csv += std::string("extra-1,town,cell,") + bad + "\n";
    write_text(file("units.csv"), csv);
    auto r = load_it();
    expect_well_formed(r);
    EXPECT_TRUE(has_diagnostic(r, "units.csv", "invalid UTF-8")) << r.all;
  }
}

TEST_F(HardeningInput, NulBytes) {
  // A raw NUL in JSON is a syntax error at its position.
  edit(file("rules.json"), "\"format\"", std::string("\"form\0at\"", 9));
  auto r = load_it();
  expect_well_formed(r);
  EXPECT_TRUE(has_diagnostic(r, "rules.json", "invalid JSON")) << r.all;
  EXPECT_TRUE(has_diagnostic(r, "rules.json", "(a NUL byte inside a string: JSON writes it escaped, as \\u0000)")) << r.all;
  // A raw tab (pasted from a spreadsheet) says so too.
  copy_bundle(example(), dir_.path());
  edit(file("rules.json"), "\"format\"", "\"form\tat\"");
  r = load_it();
  EXPECT_TRUE(has_diagnostic(r, "rules.json", "(a tab inside a string: JSON writes it escaped, as \\t)")) << r.all;
  // An escaped NUL in an id is not an id character.
  copy_bundle(example(), dir_.path());
  std::string j = read_text(file("jurisdiction.json"));
  auto at = j.find("\"tier\"");
  ASSERT_NE(at, std::string::npos);
  // The first unit's id gets a \u0000.
  auto id = j.rfind("\"id\": \"", at);
  ASSERT_NE(id, std::string::npos);
  j.insert(id + 7, "\\u0000");
  write_text(file("jurisdiction.json"), j);
  auto r2 = load_it();
  expect_well_formed(r2);
  EXPECT_TRUE(has_diagnostic(r2, "jurisdiction.json", "must be 1-64 bytes of [A-Za-z0-9._:-]")) << r2.all;
  // NUL in a CSV field of an id.
  copy_bundle(example(), dir_.path());
  write_text(file("units.csv"), read_text(file("units.csv")) + std::string("ab\0c,town,cell,\n", 16));
  auto r3 = load_it();
  expect_well_formed(r3);
  EXPECT_TRUE(has_diagnostic(r3, "units.csv", "id:")) << r3.all;
}

TEST_F(HardeningInput, BomAndCrlfAreAccepted) {
  auto plain = load_it();
  ASSERT_TRUE(plain.ok) << plain.all;
  for (const char* f : {"jurisdiction.json", "rules.json", "units.csv", "handlers.csv"}) {
    if (!fs::exists(file(f))) continue;
    std::string t = read_text(file(f)), crlf;
    for (char c : t) {
      if (c == '\n') crlf += '\r';
      crlf += c;
    }
    write_text(file(f), "\xEF\xBB\xBF" + crlf);
  }
  auto r = load_it();
  ASSERT_TRUE(r.ok) << r.all;
  EXPECT_EQ(r.snapshot->unit_count(), plain.snapshot->unit_count());
  EXPECT_EQ(r.snapshot->index().handler_ids, plain.snapshot->index().handler_ids);
  EXPECT_EQ(r.snapshot->index().rules.size(), plain.snapshot->index().rules.size());
  // Errors in a file with a BOM and CRLF still point at the right line.
  edit(file("rules.json"), "\"gridroute.rules/1\"", "\"gridroute.rules/2\"");
  auto bad = load_it();
  expect_well_formed(bad);
  ASSERT_EQ(bad.diagnostics.size(), 1u) << bad.all;
  EXPECT_EQ(bad.diagnostics[0].pointer, "/format");
  EXPECT_EQ(bad.diagnostics[0].line, 2) << bad.all;
}

TEST_F(HardeningInput, DuplicateKeysAreErrorsWithPointers) {
  edit(file("jurisdiction.json"), "\"timezone\"", "\"timezone\": \"UTC\", \"timezone\"");
  auto r = load_it();
  expect_well_formed(r);
  EXPECT_TRUE(has_diagnostic(r, "jurisdiction.json", "/timezone: duplicate key")) << r.all;
}

TEST(HardeningNumbers, OutOfRangeNumbersInRules) {
  auto base = base_sources();  // rule 0 has no priority, rule 2 no condition
  auto with_priority = [&](const std::string& value) {
    auto src = base;
    auto at = src.rules_json.find("\"rules\"");
    at = src.rules_json.find("{", at);
    src.rules_json.insert(at + 1, "\"priority\": " + value + ", ");
    return load(src);
  };
  for (const char* bad : {"1e400", "-1e400", "99999999999999999999", "18446744073709551615", "9.3e18", "0.5"}) {
    auto r = with_priority(bad);
    expect_well_formed(r);
    EXPECT_TRUE(has_diagnostic(r, "rules.json", "/rules/0/priority: must be an integer")) << bad << "\n" << r.all;
  }
  for (const char* good : {"-0", "-0.0", "9223372036854775807", "-9223372036854775808", "1e3"}) {
    auto r = with_priority(good);
    EXPECT_TRUE(r.ok) << good << "\n" << r.all;
  }
  // -0 is 0.
  auto zero = with_priority("-0");
  ASSERT_TRUE(zero.ok);
  EXPECT_EQ(zero.snapshot->index().rules[0].priority, 0);

  // A compared value of 1e400 (infinity) is refused.
  auto src = base;
  auto at = src.rules_json.find("\"id\": \"gas\"");
  ASSERT_NE(at, std::string::npos);
  src.rules_json.insert(at, R"("when": {"attr": "severity", "ge": 1e400}, )");
  auto r = load(src);
  expect_well_formed(r);
  EXPECT_TRUE(has_diagnostic(r, "rules.json", "/rules/2/when/ge: must be a finite number")) << r.all;
}

TEST_F(HardeningInput, EmptyFiles) {
  write_text(file("jurisdiction.json"), "");
  write_text(file("rules.json"), " \r\n\t");
  auto r = load_it();
  expect_well_formed(r);
  EXPECT_TRUE(has_diagnostic(r, "jurisdiction.json", "the file is empty")) << r.all;
  EXPECT_TRUE(has_diagnostic(r, "rules.json", "the file is empty")) << r.all;
  copy_bundle(example(), dir_.path());
  write_text(file("units.csv"), "");
  auto c = load_it();
  expect_well_formed(c);
  EXPECT_TRUE(has_diagnostic(c, "units.csv", "the file is empty (expected a header line)")) << c.all;
}

TEST_F(HardeningInput, DirectoriesInsteadOfFiles) {
  fs::remove(file("rules.json"));
  fs::create_directory(file("rules.json"));
  auto r = load_it();
  expect_well_formed(r);
  EXPECT_TRUE(has_diagnostic(r, "rules.json", "is a directory, not a file")) << r.all;
  copy_bundle(example(), dir_.path() / "b");
  fs::remove(dir_.path() / "b" / "units.csv");
  fs::create_directory(dir_.path() / "b" / "units.csv");
  auto c = load(dir_.path() / "b");
  expect_well_formed(c);
  EXPECT_TRUE(has_diagnostic(c, "units.csv", "is a directory, not a file")) << c.all;
  // A bundle path that is a file.
  auto f = load(file("jurisdiction.json"));
  expect_well_formed(f);
  EXPECT_TRUE(has_diagnostic(f, "jurisdiction.json", "is not a directory")) << f.all;
}

TEST_F(HardeningInput, UnreadableFiles) {
  fs::permissions(file("rules.json"), fs::perms::none);
  auto r = load_it();
  if (::geteuid() == 0) {
    // Root reads any file: the permissions do not stop the load (documented in docs/security.md).
    EXPECT_TRUE(r.ok) << r.all;
  } else {
    expect_well_formed(r);
    EXPECT_TRUE(has_diagnostic(r, "rules.json", "Permission denied")) << r.all;
  }
  fs::permissions(file("rules.json"), fs::perms::owner_read | fs::perms::owner_write);
  // A path through a file ("not a directory") cannot be read by anyone.
  auto sub = load(file("rules.json") / "x");
  expect_well_formed(sub);
  EXPECT_NE(sub.all.find("Not a directory"), std::string::npos) << sub.all;
}

TEST_F(HardeningInput, FifosAndDevicesAreNotReadAndDoNotHang) {
  fs::remove(file("rules.json"));
  ASSERT_EQ(::mkfifo(file("rules.json").c_str(), 0600), 0);
  auto start = std::chrono::steady_clock::now();
  auto r = load_it();
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
  expect_well_formed(r);
  EXPECT_TRUE(has_diagnostic(r, "rules.json", "is not a regular file")) << r.all;
  // A CSV that is /dev/zero (through a symlink) would never end.
  copy_bundle(example(), dir_.path() / "z");
  fs::remove(dir_.path() / "z" / "units.csv");
  fs::create_symlink("/dev/zero", dir_.path() / "z" / "units.csv");
  auto z = load(dir_.path() / "z");
  expect_well_formed(z);
  EXPECT_TRUE(has_diagnostic(z, "units.csv", "is not a regular file")) << z.all;
  // A time zone is looked up as a file: a name that is a path to a FIFO would block the load forever.
  copy_bundle(example(), dir_.path() / "tz");
  std::string j = read_text(dir_.path() / "tz" / "jurisdiction.json");
  auto at = j.find("\"Asia/Shanghai\"");
  ASSERT_NE(at, std::string::npos);
  j.replace(at, 15, "\"../../../../../../../.." + file("rules.json").string() + "\"");
  write_text(dir_.path() / "tz" / "jurisdiction.json", j);
  start = std::chrono::steady_clock::now();
  auto tz = load(dir_.path() / "tz");
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
  expect_well_formed(tz);
  EXPECT_TRUE(has_diagnostic(tz, "jurisdiction.json", "/timezone: time zone")) << tz.all;
  EXPECT_TRUE(has_diagnostic(tz, "jurisdiction.json", "must be an IANA name")) << tz.all;
}

TEST_F(HardeningInput, SymlinkLoops) {
  fs::remove(file("jurisdiction.json"));
  fs::create_symlink("jurisdiction.json", file("jurisdiction.json"));
  auto r = load_it();
  expect_well_formed(r);
  EXPECT_TRUE(has_diagnostic(r, "jurisdiction.json", "Too many levels of symbolic links")) << r.all;
  // The bundle directory itself.
  fs::create_symlink("loop", dir_.path() / "loop");
  auto d = load(dir_.path() / "loop");
  expect_well_formed(d);
  EXPECT_NE(d.all.find("Too many levels of symbolic links"), std::string::npos) << d.all;
}

TEST_F(HardeningInput, CsvPathsMustStayInTheBundle) {
  std::string j = read_text(file("jurisdiction.json"));
  if (j.find("\"units_csv\"") == std::string::npos) GTEST_SKIP() << "the example names no units_csv";
  for (const char* path : {"../units.csv", "/etc/passwd", "sub/units.csv", "..", "."}) {
    copy_bundle(example(), dir_.path());
    edit(file("jurisdiction.json"), "\"units.csv\"", std::string("\"") + path + "\"");
    auto r = load_it();
    expect_well_formed(r);
    EXPECT_TRUE(has_diagnostic(r, "jurisdiction.json", "/units_csv: must be the name of a file beside jurisdiction.json"))
        << path << "\n" << r.all;
  }
}

// A name longer than the file system takes (255 bytes here) is the naming field's error, as a name of no
// file is: placed at /units_csv, with the name cut short, not the whole name as a file that cannot be read.
TEST_F(HardeningInput, ACsvNameTooLongIsTheNamingFieldsError) {
  std::string j = read_text(file("jurisdiction.json"));
  if (j.find("\"units_csv\"") == std::string::npos) GTEST_SKIP() << "the example names no units_csv";
  edit(file("jurisdiction.json"), "\"units.csv\"", "\"" + std::string(100000, 'u') + ".csv\"");
  auto r = load_it();
  expect_well_formed(r);
  EXPECT_TRUE(has_diagnostic(r, "jurisdiction.json", "/units_csv: file name \"uuuu"));
  EXPECT_TRUE(has_diagnostic(r, "jurisdiction.json", "...\" is 100004 bytes, too long for the file system")) << r.all.substr(0, 1000);
  EXPECT_LT(r.all.size(), 2000u) << r.all.substr(0, 1000);
}

// A bundle edited while it is loaded is refused (or loads whole, from one version of each file):
// never a mix that the files never held together, and never a crash.
TEST_F(HardeningInput, BundleChangedWhileLoaded) {
  // A large units.csv makes the load take long enough for a writer to land in the middle of it.
  std::string csv = read_text(file("units.csv"));
  std::string parent;
  {
    auto ex = load(example());
    ASSERT_TRUE(ex.ok);
    // Extra cells under the parent of the first CSV row.
    auto nl = csv.find('\n');
    auto row = csv.substr(nl + 1, csv.find('\n', nl + 1) - nl - 1);
    parent = row.substr(row.find(',') + 1);
    parent = parent.substr(0, parent.find(','));
  }
  std::string big = csv;
  for (int i = 0; i < 100'000; ++i) big += "stress-" + std::to_string(i) + "," + parent + ",cell,\n";
  write_text(file("units.csv"), big);
  ASSERT_TRUE(load_it().ok) << load_it().all.substr(0, 2000);

  std::string rules = read_text(file("rules.json"));
  std::atomic<bool> stop{false};
  std::thread writer([&] {
    int i = 0;
    while (!stop.load()) {
      // Rewrite in place (not an atomic rename): the worst case for a reader.
      write_text(file("rules.json"), (i++ % 2) ? rules : rules + "\n\n");
      std::this_thread::sleep_for(std::chrono::milliseconds(3));
    }
  });
  int ok = 0, changed = 0, other = 0;
  auto until = std::chrono::steady_clock::now() + std::chrono::seconds(3);
  while (std::chrono::steady_clock::now() < until && ok + changed + other < 40) {
    auto r = load_it();
    if (r.ok) {
      ++ok;
      EXPECT_EQ(r.snapshot->unit_count(), 100'000 + load(example()).snapshot->unit_count());
    } else if (r.all.find("changed while the bundle was being loaded") != std::string::npos) {
      ++changed;
      EXPECT_TRUE(has_diagnostic(r, "rules.json", "changed while")) << r.all.substr(0, 2000);
    } else {
      ++other;  // a half-written rules.json: an ordinary JSON error, naming the file
      for (const auto& d : r.diagnostics) EXPECT_TRUE(d.file.ends_with("rules.json")) << d.to_string();
    }
  }
  stop = true;
  writer.join();
  EXPECT_GT(ok + changed + other, 0);
  std::printf("loads: %d ok, %d refused as changed, %d refused as broken JSON\n", ok, changed, other);
}

// Lines: the codec answers every bad line with one `rejected` record.
class HardeningLines : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto r = load(example());
    ASSERT_TRUE(r.ok) << r.all;
    snap_ = r.snapshot;
  }
  static void TearDownTestSuite() { snap_.reset(); }
  // The record without its bundle digest, which every record ends with (tested in lifecycle_test.cpp).
  std::string route(std::string_view line) {
    gridroute::LineCodec codec(snap_);
    std::string out;
    codec.route_line(line, out);
    return without_bundle(out);
  }
  std::string escalate(std::string_view line) {
    gridroute::LineCodec codec(snap_);
    std::string out;
    codec.escalate_line(line, *gridroute::parse_rfc3339("2026-11-23T10:00:00+08:00"), out);
    return without_bundle(out);
  }
  static std::shared_ptr<const gridroute::Snapshot> snap_;
};
std::shared_ptr<const gridroute::Snapshot> HardeningLines::snap_;

// A time whose shape is right but whose date or clock is not says which part is wrong.
TEST_F(HardeningLines, ATimeThatIsNoTimeSaysWhy) {
  auto line = [](const char* at) {
    return std::string(R"({"id": "t", "category": "x", "cell": "y", "at": ")") + at + "\"}";
  };
  EXPECT_NE(route(line("2026-02-30T10:00:00+08:00")).find("; there is no day 30 in February 2026 (it has 28 days)"),
            std::string::npos);
  EXPECT_NE(route(line("2028-02-30T10:00:00+08:00")).find("(it has 29 days)"), std::string::npos);
  EXPECT_NE(route(line("2026-06-30T23:59:60+08:00")).find("; a leap second (:60) comes only at 23:59:60 UTC on the "
                                                         "last day of a month"),
            std::string::npos);
  EXPECT_NE(route(line("2026-11-20T23:59:60Z")).find("; a leap second (:60) comes only at 23:59:60 UTC"), std::string::npos);
  EXPECT_NE(route(line("2016-12-31T23:59:60")).find("; a leap second (:60) is read only with an offset"), std::string::npos);
  EXPECT_NE(route(line("2026-13-01T10:00:00+08:00")).find("; there is no month 13"), std::string::npos);
  EXPECT_NE(route(line("2026-06-30T24:00:00+08:00")).find("; hour 24 is past 23"), std::string::npos);
  EXPECT_EQ(route(line("2026-06-30T10:00:00")).find("; "), std::string::npos);  // only the offset is missing
  EXPECT_NE(gridroute::parse_rfc3339("2026-04-31T10:00:00Z").status().message().find("no day 31 in April"), std::string_view::npos);
}

// RFC 3339 §5.7: 23:59:60 UTC is a time (a leap second), in any offset; it is read as the instant right
// after it, the next minute's :00, as PostgreSQL reads it.
TEST_F(HardeningLines, ALeapSecondIsReadAsTheNextMinute) {
  const auto next = gridroute::parse_rfc3339("2017-01-01T00:00:00Z");
  ASSERT_TRUE(next.ok());
  for (const char* leap : {"2016-12-31T23:59:60Z", "2017-01-01T07:59:60+08:00", "2016-12-31T18:29:60-05:30"}) {
    auto t = gridroute::parse_rfc3339(leap);
    ASSERT_TRUE(t.ok()) << leap << ": " << t.status().message();
    EXPECT_EQ(*t, *next) << leap;
  }
  EXPECT_EQ(*gridroute::parse_rfc3339("2016-12-31T23:59:60.5Z"), *next) << "the fraction of a leap second is dropped";
  auto line = [](const char* at) {
    return std::string(R"({"id": "t", "category": "x", "cell": "y", "at": ")") + at + "\"}";
  };
  // The line gets the answer of the next minute's line (a rejection for this bundle's unknown cell, but
  // not for its time).
  EXPECT_EQ(route(line("2016-12-31T23:59:60Z")), route(line("2017-01-01T00:00:00Z")));
  EXPECT_FALSE(gridroute::parse_rfc3339("2016-12-31T23:58:60Z").ok());
  EXPECT_FALSE(gridroute::parse_rfc3339("2016-12-30T23:59:60Z").ok()) << "not the last day of a month";
  EXPECT_TRUE(gridroute::parse_rfc3339("2015-06-30T23:59:60Z").ok());
}

// The usual mistakes of hand-written JSON are named: where a line is refused, and where a bundle file is.
TEST_F(HardeningLines, TheUsualJsonMistakesAreNamed) {
  const std::pair<const char*, const char*> cases[] = {
      {R"({"id": "a", "category": "x",})", "(a comma before '}': JSON has none after the last member)"},
      {R"({"id": "a", "tags": [1, 2,]})", "(a comma before ']': JSON has none after the last element)"},
      {R"({'id': 'a'})", "(a single quote: JSON strings and names take double quotes)"},
      {R"({"id": "a" "cell": "b"})", "(a comma is missing before it)"},
      {R"({id: "a"})", "(a name without double quotes)"},
      {R"({"id": "a", /* c */ "cell": "b"})", "(a comment: JSON has none)"},
      {R"({"id": "a",, "cell": "b"})", "(a comma where a name should be)"},
      {R"({"id": "a", "tags": [1,, 2]})", "(a comma where a value should be)"},
      {R"({"id": "a", "cell" "b"})", "(a colon is missing after the name)"},
      {R"({"id": "a", "n": 01})", "(a number with a leading zero)"},
      {R"({"id": "a", "b": True})", "(a value JSON does not have: true, false and null are lowercase"},
      {R"({"id": "a", "b": [1, NaN]})", "(a value JSON does not have"},
      {R"({"id": "a", "b": [1, 2})", "(a '}' that does not match the '[' it closes)"},
      {R"({"id": "a", "b": })", "(a value is missing after the colon)"},
  };
  for (const auto& [line, hint] : cases) {
    const std::string out = route(line);
    EXPECT_NE(out.find("invalid JSON: syntax error at column "), std::string::npos) << out;
    EXPECT_NE(out.find(hint), std::string::npos) << out;
  }
  std::string err;
  std::size_t offset = 0;
  EXPECT_FALSE(gridroute::detail::parse_json("{\n  \"rules\": [],\n}\n", 64, err, offset));
  EXPECT_EQ(err, "invalid JSON: syntax error (a comma before '}': JSON has none after the last member)");
}

TEST_F(HardeningLines, InvalidUtf8NulBomDuplicateKeys) {
  EXPECT_EQ(route("{\"id\": \"a\xC0\xAF\"}"), R"({"id": null, "status": "rejected", "error": "invalid UTF-8 in field 'id'"})");
  EXPECT_EQ(route("{\"id\": \"\xED\xA0\x80\"}"), R"({"id": null, "status": "rejected", "error": "invalid UTF-8 in field 'id'"})");
  // A line that is not UTF-8 is not JSON, and is rejected as a whole; the error names the field the bad
  // byte is in, also when it begins the value. Its id is written back when the id itself is readable and
  // the rest is JSON but for those bytes; a bare byte where a value belongs leaves no JSON to read it from.
  EXPECT_EQ(route("{\"id\": \"q\", \"cell\": \xFF}"), R"({"id": null, "status": "rejected", "error": "invalid UTF-8 in field 'cell'"})");
  EXPECT_EQ(route("{\"id\": \"q\", \"attrs\": {\"z\": \"\xFF\"}}"),
            R"({"id": "q", "status": "rejected", "error": "invalid UTF-8 in attribute 'z'"})");
  // A bad byte in a member's name is in that name, not in the value read before it; one after the line's
  // object is in the line.
  EXPECT_EQ(route("{\"id\": \"q\", \"cell\": \"c\", \"no\xFFte\": 1}"),
            R"({"id": "q", "status": "rejected", "error": "invalid UTF-8 in a field's name"})");
  EXPECT_EQ(route("{\"id\": \"q\", \"attrs\": {\"z\": 1, \"y\xFF\": 2}}"),
            R"({"id": "q", "status": "rejected", "error": "invalid UTF-8 in an attribute name"})");
  EXPECT_EQ(route("{\"id\": \"q\", \"cell\": \"c\"} \xFF").find("\"error\": \"invalid UTF-8 in the line"), 35u)
      << route("{\"id\": \"q\", \"cell\": \"c\"} \xFF");
  EXPECT_NE(route(std::string("{\"id\": \"a\0b\"}", 13)).find("\"status\": \"rejected\", \"error\": \"invalid JSON"),
            std::string::npos);
  // An escaped NUL is a valid id character in a line; it is written back escaped.
  EXPECT_TRUE(route(R"({"id": "a\u0000b"})").starts_with(R"({"id": "a\u0000b", "status": "rejected")"));
  // The CLI strips a BOM from the first line; the codec sees a line and refuses it.
  EXPECT_TRUE(route("\xEF\xBB\xBF{\"id\": \"x\"}").starts_with(R"({"id": null, "status": "rejected", "error": "invalid JSON)"));
  // Duplicate keys: refused, naming the key; the id is kept unless it is the id that repeats.
  EXPECT_EQ(route(R"({"id": "d", "cell": "a", "cell": "b"})"),
            R"x({"id": "d", "status": "rejected", "error": "duplicate key at /cell (a key may appear once in an object)"})x");
  EXPECT_EQ(route(R"({"id": "d", "id": "e"})"),
            R"x({"id": null, "status": "rejected", "error": "duplicate key at /id (a key may appear once in an object)"})x");
  EXPECT_NE(route(R"({"id": "d", "attrs": {"severity": 1, "severity": 5}})").find("duplicate key at /attrs/severity"),
            std::string::npos);
  EXPECT_NE(escalate(R"({"id": "d", "level": 0, "level": 2})").find("duplicate key at /level"), std::string::npos);
  // Keys that differ only after a colon inside a string are not duplicates.
  EXPECT_EQ(route(R"({"id": "a:b", "x:": "y:z"})"),
            R"({"id": "a:b", "status": "rejected", "error": "missing field 'category'"})");
  // An empty category is there, and names no category: said as such, as an empty cell is.
  EXPECT_EQ(route(R"({"id": "e", "category": "", "cell": "a", "at": "2026-11-20T09:00:00+08:00"})"),
            R"({"id": "e", "status": "rejected", "error": "unknown category ''"})");
  EXPECT_NE(escalate(R"({"id": "e", "category": ""})").find("unknown category ''"), std::string::npos);
}

TEST_F(HardeningLines, NumbersOutOfRange) {
  std::string good = read_text(example() / "issues.jsonl");
  std::string first = good.substr(0, good.find('\n'));
  ASSERT_NE(route(first).find("\"status\": \"routed\""), std::string::npos) << route(first);
  // "severity" (read by severity_skip) must be finite.
  std::string sev = first;
  auto at = sev.find("\"attrs\"");
  if (at != std::string::npos) {
    sev = sev.substr(0, at) + R"("attrs": {"severity": 1e400}})";
    EXPECT_NE(route(sev).find("attribute 'severity' must be a finite number"), std::string::npos) << route(sev);
  }
  // An undeclared attribute out of range is ignored, as undeclared attributes are.
  std::string other = first.substr(0, first.rfind('}'));
  if (other.find("\"attrs\"") == std::string::npos)
    EXPECT_NE(route(other + R"(, "attrs": {"undeclared_x": 1e400}})").find("\"status\": \"routed\""), std::string::npos);
  // Any exponent is JSON, past the 2^31 the parser reads too: the line is read, its id kept, and such a
  // number is what 1e400 is (the undeclared attribute ignored, the severity not finite). An exponent in
  // a string is text, not touched.
  const std::string rest = first.substr(0, first.rfind('}'));
  if (rest.find("\"attrs\"") == std::string::npos) {
    EXPECT_NE(route(rest + R"(, "attrs": {"undeclared_x": 1e2147483648, "y": -0.5E-99999999999999999999}})")
                  .find("\"status\": \"routed\""),
              std::string::npos)
        << route(rest + R"(, "attrs": {"undeclared_x": 1e2147483648}})");
    EXPECT_NE(route(rest + R"(, "note": "1e99999999999", "attrs": {"severity": 1e99999999999}})")
                  .find("attribute 'severity' must be a finite number"),
              std::string::npos);
    // 0e400 and 0e99999999999 are 0 (the parser alone made them NaN).
    for (const char* zero : {"0e400", "-0.0E+99999999999"})
      EXPECT_NE(route(rest + R"(, "attrs": {"severity": )" + zero + "}}").find("\"status\": \"routed\""), std::string::npos)
          << route(rest + R"(, "attrs": {"severity": )" + zero + "}}");
  }
  EXPECT_NE(route(R"({"id": "x", "category": "a", "at": "2026-01-05T10:00:00Z", "location": [1e2147483648, 0.5]})")
                .find(R"({"id": "x", "status": "rejected")"),
            std::string::npos)
      << route(R"({"id": "x", "category": "a", "at": "2026-01-05T10:00:00Z", "location": [1e2147483648, 0.5]})");
  // Case fields.
  std::string cases = read_text(example() / "cases.jsonl");
  std::string c = cases.substr(0, cases.find('\n'));
  ASSERT_EQ(escalate(c).find("rejected"), std::string::npos) << escalate(c);
  auto with = [&](const std::string& key, const std::string& value) {
    std::string s = c;
    auto k = s.find("\"" + key + "\": ");
    auto v = k + key.size() + 4;
    auto end = s.find_first_of(",}", v);
    return s.substr(0, v) + value + s.substr(end);
  };
  EXPECT_EQ(escalate(with("level", "-0")).find("rejected"), std::string::npos);  // -0 is 0
  for (const char* bad : {"1e400", "9223372036854775808", "99999999999999999999", "-1", "0.5", "1000001"})
    EXPECT_NE(escalate(with("level", bad)).find("field 'level' must be a non-negative integer"), std::string::npos)
        << bad << ": " << escalate(with("level", bad));
  for (const char* bad : {"1e400", "-1", "1e300"})
    EXPECT_NE(escalate(with("reports", bad)).find("field 'reports' must be a non-negative integer"), std::string::npos)
        << bad;
}

TEST_F(HardeningLines, OutputIsValidUtf8EvenWhenAMessageCutsAValue) {
  // An unknown category of multi-byte characters longer than the 200 bytes a message quotes.
  std::string cat;
  for (int i = 0; i < 100; ++i) cat += "\xE5\x99\xAA";  // 噪
  std::string out = route(R"({"id": "u", "category": ")" + cat +
                          R"(", "cell": "x", "at": "2026-11-20T09:15:00+08:00"})");
  boost::json::error_code ec;
  auto v = boost::json::parse(out, ec);  // Boost.JSON refuses invalid UTF-8
  EXPECT_FALSE(ec) << out;
}

}  // namespace
