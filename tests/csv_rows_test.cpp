// The CSV files stream into the loader's row tables: a field is read in place, or unescaped when it held
// a doubled quote; line numbers count the lines inside quoted fields. These tests read CSV text through
// the parser and through a whole bundle load, and check what a user sees: names, ids and error lines.
#include <tuple>
#include <vector>

#include <gtest/gtest.h>

#include "hardening_util.hpp"
#include "load/csv.hpp"

namespace {
using namespace hardening;

struct Seen {
  std::int64_t line;
  std::vector<std::string> fields;
};

std::vector<Seen> records(std::string_view text, std::string* error = nullptr) {
  std::vector<Seen> out;
  std::string err;
  std::int64_t err_line = 0;
  gridroute::detail::for_each_csv_record(text, err, err_line, {}, [&](std::int64_t line, std::span<const std::string_view> f) {
    out.push_back({line, std::vector<std::string>(f.begin(), f.end())});
  });
  if (error) *error = err.empty() ? "" : err + " at line " + std::to_string(err_line);
  return out;
}

TEST(CsvRows, DoubledQuotesInSeveralFieldsOfOneRecordStayIntact) {
  // Each unescaped field lives in its own buffer: a later one must not move an earlier one.
  auto r = records("a,b,c\n\"x \"\"1\"\"\",\"y \"\"2\"\"\",\"a long field with \"\"quotes\"\" that does not fit a short string\"\n");
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r[1].fields, (std::vector<std::string>{"x \"1\"", "y \"2\"", "a long field with \"quotes\" that does not fit a short string"}));
}

TEST(CsvRows, LinesCountInsideQuotedFieldsAndBlankLinesAreNoRecords) {
  auto r = records("\xEF\xBB\xBFid,name\r\n\r\nu1,\"two\nlines\"\r\nu2,plain\n\nu3,\"\"\n");
  ASSERT_EQ(r.size(), 4u);
  EXPECT_EQ(r[0].fields, (std::vector<std::string>{"id", "name"}));
  EXPECT_EQ(r[1].line, 3);
  EXPECT_EQ(r[1].fields[1], "two\nlines");
  EXPECT_EQ(r[2].line, 5);
  EXPECT_EQ(r[3].line, 7);
  EXPECT_EQ(r[3].fields[1], "");
}

TEST(CsvRows, AMalformedRecordStopsWithItsLine) {
  std::string error;
  auto r = records("id,name\nu1,ok\nu2,bad\"quote\nu3,never\n", &error);
  EXPECT_EQ(r.size(), 2u);
  EXPECT_NE(error.find("a quote inside an unquoted field (column 'name')"), std::string::npos) << error;
  EXPECT_NE(error.find("line 3"), std::string::npos) << error;
}

// A quote opened and not closed on its line runs into the lines below until the next quote: the error
// names the line where it opened, not the one where the parser noticed.
TEST(CsvRows, AQuoteLeftOpenIsReportedWhereItOpened) {
  std::string error;
  auto r = records("id,name\nu1,\"open\nu2,ok\nu3,\"closed\"\n", &error);
  EXPECT_EQ(r.size(), 1u);  // the header
  EXPECT_NE(error.find("line 2"), std::string::npos) << error;
  EXPECT_NE(error.find("the quoted field (column 'name') that opens on this line runs to line 4"), std::string::npos) << error;
  auto r2 = records("id,name\nu1,\"open\nu2,ok\n", &error);
  EXPECT_EQ(r2.size(), 1u);
  EXPECT_NE(error.find("unterminated quoted field (column 'name')"), std::string::npos) << error;
}

fs::path base() { return fs::path(GRIDROUTE_SOURCE_DIR) / "tests" / "malformed" / "_base"; }

void write(const fs::path& p, std::string_view text) {
  std::ofstream(p, std::ios::binary) << text;
}

TEST(CsvRows, QuotedNamesAndServesLoadAsWritten) {
  TempDir dir;
  copy_bundle(base(), dir.path());
  write(dir / "units.csv",
        "id,parent,tier,name\n"
        "c1-a-02,c1-a,cell,\"二网格, \"\"东\"\"\"\n"
        "c1-a-03,c1-a,cell,\"three\nlines\nname\"\n"
        "c1-a-04,c1-a,cell,\n");
  write(dir / "handlers.csv",
        "id,role,department,serves,name,calendar\n"
        "dept-gas,partner_department,\"gas\",\"town;;c1-a-02\",燃气公司,gov\n");
  auto r = load(dir.path());
  ASSERT_TRUE(r.ok) << r.all;
  const auto& s = *r.snapshot;
  EXPECT_EQ(s.unit_name(s.find_unit("c1-a-02")), "二网格, \"东\"");
  EXPECT_EQ(s.unit_name(s.find_unit("c1-a-03")), "three\nlines\nname");
  EXPECT_EQ(s.unit_name(s.find_unit("c1-a-04")), "");
  EXPECT_NE(s.find_handler("dept-gas"), gridroute::kNone);
}

TEST(CsvRows, ErrorsNameTheLineAfterAMultiLineField) {
  TempDir dir;
  copy_bundle(base(), dir.path());
  write(dir / "units.csv",
        "id,parent,tier,name\n"
        "c1-a-02,c1-a,cell,\"a name\nover two lines\"\n"
        "c1-a-03,nowhere,cell,x\n");
  write(dir / "handlers.csv",
        "id,role,department,serves,name,calendar\n"
        "dept-gas,partner_department,gas,town,\"燃气\n公司\",gov\n"
        "dept-water,partner_department,water,\"town;missing-unit\",水务,gov\n");
  auto r = load(dir.path());
  ASSERT_FALSE(r.ok);
  EXPECT_NE(r.all.find("units.csv:4: parent: unknown parent unit \"nowhere\""), std::string::npos) << r.all;
  EXPECT_NE(r.all.find("handlers.csv:4: serves: unknown unit \"missing-unit\""), std::string::npos) << r.all;

  // A row without its id is a shape error of the file, on its own line.
  write(dir / "units.csv", "id,parent,tier,name\nc1-a-02,c1-a,cell,\"x\ny\"\n,c1-a,cell,no id\n");
  r = load(dir.path());
  ASSERT_FALSE(r.ok);
  EXPECT_NE(r.all.find("units.csv:4: id: missing unit id"), std::string::npos) << r.all;
}

// A file whose last line has no line end and is short of fields, or ends inside a character, was likely
// cut short: its error says so. The same row with its line end, or a bad row before the last, does not.
TEST(CsvRows, AFileCutShortSaysSo) {
  TempDir dir;
  copy_bundle(base(), dir.path());
  const std::string head = "id,role,department,serves,name,calendar\ndept-gas,partner_department,gas,town,燃气公司,gov\n";
  write(dir / "handlers.csv", head + "dept-water,partner_dep");
  auto r = load(dir.path());
  ASSERT_FALSE(r.ok);
  EXPECT_NE(r.all.find("handlers.csv:3: has 2 fields; the header has 6 (the file's last line, without a line end: "
                       "was the file cut short?)"),
            std::string::npos)
      << r.all;
  write(dir / "handlers.csv", head + "dept-water\n");
  r = load(dir.path());
  EXPECT_NE(r.all.find("handlers.csv:3: has 1 field; the header has 6\n"), std::string::npos) << r.all;
  write(dir / "units.csv", "id,parent,tier,name\nc1-a-02,c1-a,cell,二网\xE6\xA0");
  r = load(dir.path());
  EXPECT_NE(r.all.find("units.csv:2: name: invalid UTF-8: the file ends inside a character (was it cut short?)"),
            std::string::npos)
      << r.all;
}

// Two large CSV files (4 MiB or more each) are parsed at once, on two threads: the result, and the order
// of their errors, are those of a load one file after the other.
struct BigCsv {
  std::string units = "id,parent,tier,name\nc1-a-02,c1-a,cell,二网格\n";
  std::string handlers = "id,role,department,serves,name,calendar\ndept-gas,partner_department,gas,town,燃气公司,gov\n";
  std::size_t unit_rows = 1, handler_rows = 1;
  BigCsv() {
    for (int a = 0; units.size() < (std::size_t{5} << 20); ++a) {
      const std::string area = "c1-b" + std::to_string(a);
      units += area + ",c1,area,\"片区 " + std::to_string(a) + "\"\n";
      ++unit_rows;
      for (int k = 0; k < 50; ++k) {
        const std::string cell = area + "-" + std::to_string(k);
        units += cell + "," + area + ",cell,网格\n";
        ++unit_rows;
        handlers += "h-" + cell + ",resident_council,," + cell + ",\"council of \"\"" + cell + "\"\"\",\n";
        ++handler_rows;
      }
    }
    while (handlers.size() < (std::size_t{5} << 20)) {
      handlers += "h-more-" + std::to_string(handler_rows) + ",resident_council,,c1-a-02,,\n";
      ++handler_rows;
    }
  }
};

TEST(CsvRows, TwoLargeFilesLoadAsOne) {
  static const BigCsv big;
  TempDir dir;
  copy_bundle(base(), dir.path());
  write(dir / "units.csv", big.units);
  write(dir / "handlers.csv", big.handlers);
  auto r = load(dir.path());
  ASSERT_TRUE(r.ok) << r.all.substr(0, 2000);
  const auto& s = *r.snapshot;
  EXPECT_EQ(s.unit_name(s.find_unit("c1-b3")), "片区 3");
  EXPECT_NE(s.find_handler("h-c1-b7-49"), gridroute::kNone);
  const std::string last = big.handlers.substr(big.handlers.rfind('\n', big.handlers.size() - 2) + 1);
  EXPECT_EQ(s.handler_id(static_cast<gridroute::HandlerId>(s.handler_count() - 1)), last.substr(0, last.find(',')));
  auto small = load(base());
  ASSERT_TRUE(small.ok) << small.all;
  EXPECT_EQ(s.unit_count(), small.snapshot->unit_count() - 1 + big.unit_rows);
  EXPECT_EQ(s.handler_count(), small.snapshot->handler_count() - 1 + big.handler_rows);

  // A bad row in each: the units' error comes first, each on its line.
  std::string units = big.units + "c1-bad,c1,area\n";
  std::string handlers = "id,role,department,serves,name,calendar\nh-bad,resident_council,,c1-a-02\n" +
                         big.handlers.substr(big.handlers.find('\n') + 1);
  write(dir / "units.csv", units);
  write(dir / "handlers.csv", handlers);
  r = load(dir.path());
  ASSERT_FALSE(r.ok);
  ASSERT_EQ(r.diagnostics.size(), 2u) << r.all.substr(0, 2000);
  EXPECT_TRUE(r.diagnostics[0].file.ends_with("units.csv")) << r.all;
  EXPECT_EQ(r.diagnostics[0].line, static_cast<int>(big.unit_rows + 2)) << r.all;
  EXPECT_NE(r.diagnostics[0].message.find("has 3 fields; the header has 4"), std::string::npos) << r.all;
  EXPECT_TRUE(r.diagnostics[1].file.ends_with("handlers.csv")) << r.all;
  EXPECT_EQ(r.diagnostics[1].line, 2) << r.all;
}

// From 65,536 handler rows on, their ids are indexed on a second thread while the units are read: a bad
// id and a duplicate id are still reported on their lines, in row order with the handlers' other errors.
TEST(CsvRows, HandlerIdErrorsOfALongListKeepTheirLinesAndOrder) {
  static const BigCsv big;
  ASSERT_GE(big.handler_rows, std::size_t{1} << 16);
  TempDir dir;
  copy_bundle(base(), dir.path());
  write(dir / "units.csv", big.units);
  const std::string body = big.handlers.substr(big.handlers.find('\n') + 1);
  write(dir / "handlers.csv", "id,role,department,serves,name,calendar\n"
                              "h bad!,resident_council,,c1-a-02,,\n"
                              "h-lost,resident_council,,no-such-unit,,\n" +
                                  body + "h-c1-b7-49,resident_council,,c1-a-02,,\n");
  auto r = load(dir.path());
  ASSERT_FALSE(r.ok);
  ASSERT_EQ(r.diagnostics.size(), 3u) << r.all.substr(0, 2000);
  for (const auto& d : r.diagnostics) EXPECT_TRUE(d.file.ends_with("handlers.csv")) << r.all.substr(0, 2000);
  EXPECT_EQ(r.diagnostics[0].line, 2) << r.all.substr(0, 2000);
  EXPECT_NE(r.diagnostics[0].message.find("handler id \"h bad!\" must be"), std::string::npos) << r.all.substr(0, 2000);
  EXPECT_EQ(r.diagnostics[1].line, 3) << r.all.substr(0, 2000);
  EXPECT_NE(r.diagnostics[1].message.find("unknown unit \"no-such-unit\""), std::string::npos) << r.all.substr(0, 2000);
  EXPECT_EQ(r.diagnostics[2].line, static_cast<int>(big.handler_rows + 4)) << r.all.substr(0, 2000);
  // The first is in the body, four lines below where it starts in `body` (the header and two rows above).
  const auto first_line = 4 + std::count(body.begin(), body.begin() + static_cast<std::ptrdiff_t>(body.find("h-c1-b7-49,")), '\n');
  EXPECT_NE(r.diagnostics[2].message.find("duplicate handler id \"h-c1-b7-49\" (the first is on line " +
                                          std::to_string(first_line) + " of handlers.csv)"),
            std::string::npos)
      << r.diagnostics[2].message;
}

}  // namespace

namespace {

// From 65,536 units on, the unit tree's tour runs on a second thread while the handlers are read; the
// errors of a tree that is not clean are then found after the handlers, and must read as on one thread:
// each on its line, the handlers' before the tree's within the jurisdiction, a leaf that may only have
// lost its children after the causes.
TEST(CsvRows, TreeErrorsOfALongUnitListKeepTheirLinesAndOrder) {
  static const BigCsv big;
  ASSERT_GE(big.unit_rows, std::size_t{1} << 16);
  TempDir dir;
  copy_bundle(base(), dir.path());
  const std::string tail =
      "loop-a,loop-b,area,\n"        // a cycle of two areas
      "loop-b,loop-a,area,\n"
      "orphan,no-such-parent,area,\n"  // an unknown parent
      "c1-b0-0x,c1-b0-0,cell,\n"     // a cell below a cell (line 4)
      "lonely,c1,area,\n";           // an area without cells
  const int first = static_cast<int>(big.unit_rows) + 2;  // the line of "loop-a"
  write(dir / "units.csv", big.units + tail);
  write(dir / "handlers.csv", big.handlers + "h-x,resident_council,,no-such-unit,,\n");
  auto r = load(dir.path());
  ASSERT_FALSE(r.ok);
  // As one thread reports them (the same list as before the tour had a thread of its own): by file and
  // line, the follow-up last.
  const std::vector<std::tuple<std::string, int, std::string>> want = {
      {"units.csv", 4, "tier: cell \"c1-b0-0\" has child units; a cell must be a leaf"},
      {"units.csv", first, "tier: tier \"area\" must be below its parent's tier \"area\""},
      {"units.csv", first, "parent: units \"loop-a\" -> \"loop-b\" -> \"loop-a\" form a cycle of parents: none of them is reachable from the root"},
      {"units.csv", first + 1, "tier: tier \"area\" must be below its parent's tier \"area\""},
      {"units.csv", first + 2, "parent: unknown parent unit \"no-such-parent\""},
      {"units.csv", first + 3, "tier: tier \"cell\" must be below its parent's tier \"cell\""},
      {"handlers.csv", static_cast<int>(big.handler_rows) + 2, "serves: unknown unit \"no-such-unit\""},
      {"units.csv", first + 4, "tier: unit \"lonely\" has no child units; every leaf must be a cell"},
  };
  ASSERT_EQ(r.diagnostics.size(), want.size()) << r.all.substr(0, 3000);
  for (std::size_t i = 0; i < want.size(); ++i) {
    const auto& d = r.diagnostics[i];
    EXPECT_EQ(fs::path(d.file).filename().string(), std::get<0>(want[i])) << i << "\n" << r.all.substr(0, 3000);
    EXPECT_EQ(d.line, std::get<1>(want[i])) << i << "\n" << r.all.substr(0, 3000);
    EXPECT_EQ(d.message, std::get<2>(want[i])) << i << "\n" << r.all.substr(0, 3000);
  }
}

// A chain of units cut off from the root by an unknown parent is walked once, not once per unit: a
// platform's export that lost one parent in a long list of units is reported at once (each unit's walk to
// the chain's top made a chain of n units n^2/2 steps: minutes at a million), and the unknown parent's
// message counts the units below it.
TEST(CsvRows, ALongChainCutOffByAnUnknownParentIsCountedOnce) {
  TempDir dir;
  copy_bundle(base(), dir.path());
  constexpr int kChain = 200'000;
  std::string units = "id,parent,tier,name\n";
  for (int i = 1; i <= kChain; ++i)
    units += "x" + std::to_string(i) + "," + (i < kChain ? "x" + std::to_string(i + 1) : std::string("nowhere")) + ",cell,\n";
  write(dir / "units.csv", units);
  gridroute::LoadOptions opt;
  opt.max_errors = 2 * kChain;
  auto r = load(dir.path(), opt);
  ASSERT_FALSE(r.ok);
  EXPECT_TRUE(has_diagnostic(r, "units.csv", "unknown parent unit \"nowhere\"; \"x200000\" and the 199999 units below it are cut off from the root"))
      << r.all.substr(0, 2000);
}

}  // namespace
