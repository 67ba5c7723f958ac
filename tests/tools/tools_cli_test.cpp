// The commands as a bundle owner runs them: gridroute test, diff, graph and check --coverage — exit
// statuses, what is printed, and diff's lines checked against routing each line under both bundles.
#include <algorithm>
#include <map>
#include <set>

#include "tools_util.hpp"

namespace {
using namespace tools_test;
using gridroute::Decision;

// ---------------------------------------------------------------- gridroute test

TEST(ToolsCli, TheDemoBundlesTestsPass) {
  auto r = cli({"test", kLanxi.string(), (kLanxi / "tests.jsonl").string()});
  EXPECT_EQ(r.code, 0) << r.out << r.err;
  const auto lines = lines_of(r.out);
  ASSERT_FALSE(lines.empty());
  EXPECT_EQ(lines.back(), "35 passed, 0 failed");
}

// The demo bundle's tests cover its rules: each rule wins for at least one test line.
TEST(ToolsCli, TheDemoBundlesTestsCoverEveryRule) {
  auto snap = load(kLanxi);
  ASSERT_TRUE(snap);
  std::set<std::string> won;
  for_each_issue(kLanxi / "tests.jsonl", [&](const std::string&, const gridroute::Issue& is) {
    const Decision d = snap->route(is);
    if (d.status == Decision::Status::routed && d.rule != gridroute::kNone) won.insert(std::string(snap->rule_id(d.rule)));
  });
  for (std::size_t r = 0; r < snap->rule_count(); ++r)
    EXPECT_TRUE(won.count(std::string(snap->rule_id(static_cast<gridroute::RuleId>(r)))))
        << "no test in examples/lanxi/tests.jsonl is won by rule " << snap->rule_id(static_cast<gridroute::RuleId>(r));
}

TEST(ToolsCli, AFailureShowsTheFieldBothValuesAndTheTrace) {
  const fs::path tests = scratch() / "failing.jsonl";
  write_text(tests,
             R"({"id": "F1", "category": "street.vending.gate", "cell": "qiaodong-a-01", "at": "2026-11-18T10:00:00+08:00", "expect": {"rule": "vending-gate", "handler": "squad-2"}})"
             "\n\n"
             R"({"id": "F2", "category": "market.food", "cell": "binjiang-a-01", "at": "2026-11-18T10:00:00+08:00", "expect": {"handler": "dept-market"}})"
             "\n");
  auto r = cli({"test", kLanxi.string(), tests.string()});
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.out.find(tests.string() + ":1: \"F1\": 1 field differs\n  handler: expected \"squad-2\", got \"squad-1\"\n  trace:\n"),
            std::string::npos)
      << r.out;
  // The trace: every rule considered, the winner and why the others lost.
  EXPECT_NE(r.out.find("    won             vending-gate (priority 0, scope lanxi, pattern street.vending.gate): "
                       "the first applicable rule whose route resolves\n"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("    less_specific   vending ("), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("F2"), std::string::npos) << r.out;  // passes quietly
  EXPECT_EQ(lines_of(r.out).back(), "1 passed, 1 failed");
}

// A decision names its cell only for an issue given by its location (SPEC §7): a test that expects the
// cell of an issue that gave it is told why it got null; expecting null passes.
TEST(ToolsCli, ExpectingTheCellAnIssueGaveSaysWhyItIsNull) {
  const fs::path tests = scratch() / "given-cell.jsonl";
  write_text(tests,
             R"({"id": "C1", "category": "street.vending.gate", "cell": "qiaodong-a-01", "at": "2026-11-18T10:00:00+08:00", "expect": {"cell": "qiaodong-a-01"}})"
             "\n"
             R"({"id": "C2", "category": "street.vending.gate", "cell": "qiaodong-a-01", "at": "2026-11-18T10:00:00+08:00", "expect": {"cell": null}})"
             "\n");
  auto r = cli({"test", kLanxi.string(), tests.string()});
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.out.find("  cell: expected \"qiaodong-a-01\", got null (a decision names the cell only of an issue given "
                       "by its location; this issue gave its cell)\n"),
            std::string::npos)
      << r.out;
  EXPECT_EQ(lines_of(r.out).back(), "1 passed, 1 failed");
}

// A located line's failure says first how its location gave the cell (or none).
TEST(ToolsCli, AFailureOfALocatedLineSaysHowTheCellWasFound) {
  const fs::path lianshi = fs::path(GRIDROUTE_SHARED_DIR) / "examples-1.1" / "lianshi";
  const fs::path tests = scratch() / "located.jsonl";
  write_text(tests,
             R"({"id": "G21", "category": "nuisance.dog.stairwell", "location": [120.437744140625, 30.7119140625], "at": "2026-12-03T09:30:00+08:00", "expect": {"cell": "xinhua-a-02"}})"
             "\n"
             R"({"id": "G26", "category": "nuisance.dog.stairwell", "location": [120.42936706542969, 30.7109375], "at": "2026-12-03T09:30:00+08:00", "expect": {"cell": "xinhua-a-02"}})"
             "\n");
  auto r = cli({"test", lianshi.string(), tests.string()});
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.out.find("  trace:\n    located         snapped: no polygon holds the point; its boundary is 23.34 m away "
                       "(snap_meters 30)\n    condition_false nuisance-in-estate"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("    rejected: location outside every cell\n    located         outside every cell: the nearest, "
                       "xinhua-a-02, is 30.63 m away (snap_meters 30)\n"),
            std::string::npos)
      << r.out;
  EXPECT_EQ(lines_of(r.out).back(), "0 passed, 2 failed");
}

TEST(ToolsCli, BadTestLinesFailWithFileLineAndField) {
  const fs::path tests = scratch() / "bad.jsonl";
  write_text(tests,
             "{not json\n"
             R"({"id": "N1", "category": "market.food", "cell": "binjiang-a-01", "at": "2026-11-18T10:00:00+08:00"})"
             "\n"
             R"({"id": "N2", "category": "market.food", "cell": "binjiang-a-01", "at": "2026-11-18T10:00:00+08:00", "expect": {"owner": "x"}})"
             "\n"
             R"({"id": "N3", "category": "market.food", "cell": "nowhere", "at": "2026-11-18T10:00:00+08:00", "expect": {"status": "rejected"}})"
             "\n{\"id\": \"\xff\"}\n");
  auto r = cli({"test", kLanxi.string(), tests.string()});
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.out.find(tests.string() + ":5: not UTF-8 (an invalid byte at column 9)"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find(tests.string() + ":1: not a JSON object"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find(tests.string() + ":2: /expect: missing"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find(tests.string() + ":3: \"N2\": bad expectation: /expect/owner: unknown field"), std::string::npos) << r.out;
  EXPECT_EQ(lines_of(r.out).back(), "1 passed, 4 failed");
}

// A copy of the demo bundle whose jurisdiction.json sets local_times (SPEC §4), in zone `tz`.
fs::path lanxi_with_local_times(const std::string& name, const std::string& tz = "Asia/Shanghai") {
  return copy_with(kLanxi, name, "jurisdiction.json", [&](json::object& j) {
    j["local_times"] = true;
    j["timezone"] = tz;
  });
}

// `gridroute test` reads its lines as `route` does: with local_times, a time without an offset is the
// jurisdiction's local time.
TEST(ToolsCli, TestReadsLocalTimesAsRouteDoes) {
  const fs::path bundle = lanxi_with_local_times("lanxi-local-times");
  const fs::path tests = scratch() / "local-times.jsonl";
  write_text(tests,
             R"({"id": "T1", "category": "env.noise.loudspeaker", "cell": "qiaodong-a-01", "at": "2026-11-20 09:15:00", "attrs": {"severity": 2}, "expect": {"status": "routed", "respond_by": "2026-11-20T10:15:00+08:00"}})"
             "\n");
  auto r = cli({"test", bundle.string(), tests.string()});
  EXPECT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_EQ(lines_of(r.out).back(), "1 passed, 0 failed") << r.out;
  // Without local_times the same line is rejected, as route rejects it.
  r = cli({"test", kLanxi.string(), tests.string()});
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.out.find("must be an RFC 3339 time with an offset"), std::string::npos) << r.out;
}

// A local time in a daylight-saving gap says so in every field that takes a time, not only in `at`: a
// suspension's `from` and `to` and `extended_to` of a case line too.
TEST(ToolsCli, ALocalTimeInTheGapSaysSoInEveryTimeField) {
  const fs::path bundle = lanxi_with_local_times("lanxi-new-york", "America/New_York");
  const fs::path cases = scratch() / "gap-cases.jsonl";
  const std::string head =
      R"({"category": "env.noise.loudspeaker", "cell": "qiaodong-a-01", "at": "2026-03-02 09:00:00", "level": 0, "level_started_at": "2026-03-02 09:00:00", "responded": true, "reports": 0, "status": "open", )";
  write_text(cases, head + R"("id": "G1", "suspended": [{"from": "2026-03-08 02:30:00", "to": "2026-03-09 09:00:00"}]})" "\n" +
                        head + R"("id": "G2", "suspended": [{"from": "2026-03-03 09:00:00", "to": "2026-03-08 02:10:00"}]})" "\n" +
                        head + R"("id": "G3", "extended_to": "2026-03-08 02:59:59"})" "\n" +
                        head + R"("id": "G4", "extended_to": "2026-03-08 2:30"})" "\n");
  auto r = cli({"escalate", bundle.string(), cases.string(), "--now", "2026-03-10T09:00:00-04:00"});
  ASSERT_EQ(r.code, 0) << r.err;
  const auto lines = lines_of(r.out);
  ASSERT_EQ(lines.size(), 4u) << r.out;
  EXPECT_NE(lines[0].find(R"(field 'suspended/0/from': the local time \"2026-03-08 02:30:00\" does not exist in America/New_York)"),
            std::string::npos) << lines[0];
  EXPECT_NE(lines[1].find(R"(field 'suspended/0/to': the local time \"2026-03-08 02:10:00\" does not exist)"), std::string::npos)
      << lines[1];
  EXPECT_NE(lines[2].find(R"(field 'extended_to': the local time \"2026-03-08 02:59:59\" does not exist)"), std::string::npos)
      << lines[2];
  // What is no time at all is still refused as such.
  EXPECT_NE(lines[3].find("field 'extended_to' must be an RFC 3339 time, got"), std::string::npos) << lines[3];
}

TEST(ToolsCli, TestExitStatuses) {
  EXPECT_EQ(cli({"test", kLanxi.string()}).code, 2);
  EXPECT_EQ(cli({"test", kLanxi.string(), "a", "b"}).code, 2);
  EXPECT_EQ(cli({"test", "--bogus", kLanxi.string(), "a"}).code, 2);
  auto missing = cli({"test", kLanxi.string(), (scratch() / "no-such.jsonl").string()});
  EXPECT_EQ(missing.code, 3);
  EXPECT_NE(missing.err.find("cannot read"), std::string::npos);
  EXPECT_EQ(cli({"test", kLanxi.string(), scratch().string()}).code, 3);  // a directory
  // Against a bundle with errors no test runs: each counts as failed, and the last line says so.
  auto refused = cli({"test", (scratch() / "no-bundle").string(), (kLanxi / "tests.jsonl").string()});
  EXPECT_EQ(refused.code, 1);
  ASSERT_FALSE(lines_of(refused.out).empty()) << refused.err;
  EXPECT_EQ(lines_of(refused.out).back(), "0 passed, 35 failed");
  EXPECT_NE(refused.out.find("the bundle has errors: no test was run"), std::string::npos) << refused.out;
  // `-` is standard input.
  auto piped = cli({"test", kLanxi.string(), "-"}, read_text(kLanxi / "tests.jsonl"));
  EXPECT_EQ(piped.code, 0) << piped.err;
  ASSERT_FALSE(lines_of(piped.out).empty()) << piped.err;
  EXPECT_EQ(lines_of(piped.out).back(), "35 passed, 0 failed");
  auto help = cli({"test", "--help"});
  EXPECT_EQ(help.code, 0);
  EXPECT_EQ(help.out.rfind("Usage: gridroute test BUNDLE TESTS.jsonl", 0), 0u);
  // A file without a test checks nothing: not a green run.
  const fs::path empty = scratch() / "empty-tests.jsonl";
  write_text(empty, "\n  \n");
  auto none = cli({"test", kLanxi.string(), empty.string()});
  EXPECT_EQ(none.code, 1);
  EXPECT_EQ(lines_of(none.out).back(), "0 passed, 0 failed: no test in " + empty.string() + " (every line is blank)");
  // The bundle is loaded first: a bad bundle is status 1 whatever the test file.
  EXPECT_EQ(cli({"test", (scratch() / "no-bundle").string(), (scratch() / "no-such.jsonl").string()}).code, 1);
  EXPECT_EQ(cli({"test", kLanxi.string(), "--verbose", "--verbose", "-"}).code, 2);  // an option given twice
}

// A read error is an error, not the end of the file: a directory or a closed standard input is status 3.
TEST(ToolsCli, TestRefusesAStandardInputItCannotRead) {
  const std::string cmd = std::string(GRIDROUTE_CLI) + " test " + kLanxi.string() + " - ";
  EXPECT_EQ(WEXITSTATUS(std::system((cmd + "< " + scratch().string() + " 2>/dev/null >/dev/null").c_str())), 3);
  EXPECT_EQ(WEXITSTATUS(std::system((cmd + "<&- 2>/dev/null >/dev/null").c_str())), 3);
}

// A key written twice in `expect` is the test's mistake: a bad expectation, not the issue rejected.
TEST(ToolsCli, ADuplicateKeyInTheExpectationIsABadExpectation) {
  const fs::path tests = scratch() / "dup-expect.jsonl";
  write_text(tests,
             R"({"id": "D2", "category": "street.vending.roadside", "cell": "binjiang-a-02", "at": "2026-11-18T10:00:00+08:00", "expect": {"handler": "squad-1", "handler": "squad-1"}})"
             "\n");
  auto r = cli({"test", kLanxi.string(), tests.string()});
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.out.find(tests.string() + ":1: \"D2\": bad expectation: duplicate key at /expect/handler"), std::string::npos)
      << r.out;
}

// With local_times, the expected deadlines may be local too, as the line's own times are.
TEST(ToolsCli, TestReadsLocalExpectedTimes) {
  const fs::path bundle = lanxi_with_local_times("lanxi-local-expect");
  const fs::path tests = scratch() / "local-expect.jsonl";
  write_text(tests,
             R"({"id": "T1", "category": "street.vending.roadside", "cell": "binjiang-a-02", "at": "2026-11-18T10:00:00", "expect": {"respond_by": "2026-11-18T12:00:00"}})"
             "\n");
  auto r = cli({"test", bundle.string(), tests.string()});
  EXPECT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_EQ(lines_of(r.out).back(), "1 passed, 0 failed") << r.out;
}

// ---------------------------------------------------------------- gridroute diff

TEST(ToolsCli, DiffOfABundleAgainstItselfReportsNothing) {
  const std::string now = "2026-11-23T10:00:00+08:00";
  auto r = cli({"diff", kLanxi.string(), kLanxi.string(), (kLanxi / "issues.jsonl").string(), "--cases",
                (kLanxi / "cases.jsonl").string(), "--now", now});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, "");
  EXPECT_NE(r.err.find("gridroute diff: 70 lines compared, 0 changed\n"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("gridroute diff: 41 cases compared at " + now + ", 0 changed\n"), std::string::npos) << r.err;
  EXPECT_EQ(cli({"diff", kLanxi.string(), kLanxi.string(), (kLanxi / "issues.jsonl").string(), "--exit-code"}).code, 0);
}

// One rule's priority changes in shuangcheng: diff reports exactly the lines that rule's winning changes
// — computed here by routing every line under both bundles through the library.
TEST(ToolsCli, DiffReportsExactlyTheLinesWhoseWinnerChanges) {
  const std::string rule = "night-noise";
  const fs::path changed = copy_with_rules(kShuangcheng, "shuangcheng-night", [&](json::object& r) {
    for (auto& x : r.at("rules").as_array())
      if (x.at("id").as_string() == rule) x.as_object()["priority"] = -1;
  });
  auto a = load(kShuangcheng), b = load(changed);
  ASSERT_TRUE(a && b);
  std::map<std::string, std::pair<std::string, std::string>> expected;  // id → (old rule, new rule)
  std::size_t decided = 0;
  const std::size_t lines = for_each_issue(kShuangcheng / "issues.jsonl", [&](const std::string& id, const gridroute::Issue& is) {
    ++decided;
    const Decision da = a->route(is), db = b->route(is);
    auto winner = [](const gridroute::Snapshot& s, const Decision& d) {
      return d.status == Decision::Status::routed && d.rule != gridroute::kNone ? std::string(s.rule_id(d.rule)) : "";
    };
    const std::string wa = winner(*a, da), wb = winner(*b, db);
    if ((wa == rule) != (wb == rule)) expected[id] = {wa, wb};
  });
  ASSERT_FALSE(expected.empty());
  ASSERT_LT(expected.size(), decided);

  auto r = cli({"diff", kShuangcheng.string(), changed.string(), (kShuangcheng / "issues.jsonl").string()});
  ASSERT_EQ(r.code, 0) << r.err;
  std::set<std::string> seen;
  for (const auto& line : lines_of(r.out)) {
    const json::object o = json::parse(line).as_object();
    const std::string id(o.at("id").as_string());
    seen.insert(id);
    ASSERT_TRUE(expected.count(id)) << "not a line whose winner changes: " << line;
    const auto& ch = o.at("changed").as_array();
    EXPECT_NE(std::find(ch.begin(), ch.end(), json::value("rule")), ch.end()) << line;
    EXPECT_EQ(o.at("old").at("rule").as_string(), expected[id].first) << line;
    EXPECT_EQ(o.at("new").at("rule").as_string(), expected[id].second) << line;
    // The records are the route command's, each from its own bundle.
    EXPECT_EQ(o.at("old").at("bundle").as_string(), a->digest());
    EXPECT_EQ(o.at("new").at("bundle").as_string(), b->digest());
  }
  EXPECT_EQ(seen.size(), expected.size());
  EXPECT_NE(r.err.find(std::to_string(lines) + " lines compared, " + std::to_string(expected.size()) + " changed"),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("rule moves (old -> new: lines, largest first):"), std::string::npos) << r.err;
  EXPECT_EQ(cli({"diff", kShuangcheng.string(), changed.string(), (kShuangcheng / "issues.jsonl").string(), "--exit-code",
                 "--quiet"})
                .code,
            1);
}

TEST(ToolsCli, DiffWritesTheSummaryAndThePage) {
  const fs::path changed = copy_with_rules(kLanxi, "lanxi-vending", [](json::object& r) {
    for (auto& x : r.at("rules").as_array())
      if (x.at("id") == "vending") x.as_object()["route"] = json::array{"resident_council"};
  });
  const fs::path html = scratch() / "report.html", summary = scratch() / "summary.json";
  auto r = cli({"diff", kLanxi.string(), changed.string(), (kLanxi / "issues.jsonl").string(), "--html", html.string(),
                "--summary", summary.string(), "--explain"});
  ASSERT_EQ(r.code, 0) << r.err;
  const auto out = lines_of(r.out);
  ASSERT_FALSE(out.empty());
  for (const auto& line : out) {
    const json::object o = json::parse(line).as_object();
    EXPECT_EQ(o.at("old").at("rule"), "vending") << line;
    EXPECT_TRUE(o.at("new").as_object().contains("trace")) << line;
  }
  const json::object s = json::parse(read_text(summary)).as_object();
  EXPECT_EQ(s.at("changed").to_number<std::size_t>(), out.size());
  EXPECT_EQ(s.at("lines").to_number<std::size_t>(), 70u);
  const std::string page = read_text(html);
  EXPECT_EQ(page.rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_NE(page.find("<td id=\"n-changed\">" + std::to_string(out.size()) + "</td>"), std::string::npos);
  // Self-contained: nothing is fetched.
  EXPECT_EQ(page.find("http://"), std::string::npos);
  EXPECT_EQ(page.find("https://"), std::string::npos);
  EXPECT_EQ(page.find("<link"), std::string::npos);
  EXPECT_EQ(page.find("src="), std::string::npos);
  // With cases, the page's tables hold the cases' handler moves the summary counts (SPEC §8: the summary
  // as tables and charts).
  auto c = cli({"diff", kLanxi.string(), changed.string(), (kLanxi / "issues.jsonl").string(), "--cases",
                (kLanxi / "cases.jsonl").string(), "--now", "2026-11-23T10:00:00+08:00", "--html", html.string(),
                "--summary", summary.string()});
  ASSERT_EQ(c.code, 0) << c.err;
  const json::value with_cases_summary = json::parse(read_text(summary));
  const json::array& moves = with_cases_summary.at("cases").at("handler_moves").as_array();
  ASSERT_FALSE(moves.empty()) << "the change must move some case to another handler";
  const std::string with_cases = read_text(html);
  const std::size_t table = with_cases.find("<table class=\"grid\" id=\"case-handler-moves\">");
  ASSERT_NE(table, std::string::npos);
  const std::string rows = with_cases.substr(table, with_cases.find("</table>", table) - table);
  for (const auto& m : moves)
    EXPECT_NE(rows.find("<td class=\"n\">" + std::to_string(m.at("count").to_number<std::size_t>()) + "</td>"),
              std::string::npos) << json::serialize(m);
  // An id that holds a control character (NUL most of all, an HTML parse error a browser drops) is shown
  // as its JSON escape, as the JSON Lines write it; markup in it is escaped.
  const fs::path odd = scratch() / "odd-id-issues.jsonl";
  std::string odd_lines;
  for (const std::string& line : lines_of(read_text(kLanxi / "issues.jsonl"))) {
    boost::system::error_code ec;
    json::value v = json::parse(line, ec);
    if (ec || !v.is_object()) continue;  // the example's blank and broken lines
    json::object o = v.as_object();
    o["id"] = std::string("<b>x\0y\x01z", 8) + json::serialize(o["id"]);
    odd_lines += json::serialize(o) + "\n";
  }
  write_text(odd, odd_lines);
  auto o = cli({"diff", kLanxi.string(), changed.string(), odd.string(), "--html", html.string()});
  ASSERT_EQ(o.code, 0) << o.err;
  const std::string odd_page = read_text(html);
  EXPECT_EQ(odd_page.find('\0'), std::string::npos);
  EXPECT_EQ(odd_page.find('\x01'), std::string::npos);
  EXPECT_NE(odd_page.find("&lt;b&gt;x\\u0000y\\u0001z"), std::string::npos);
}

// Each bundle reads a line as its own `route` would: a time without an offset is rejected by a bundle
// without local_times and read in the zone of one with them, so the line changes; a line both read
// alike does not. The same for cases.
TEST(ToolsCli, DiffReadsEachLineAsEachBundleDoes) {
  const fs::path local = lanxi_with_local_times("lanxi-local-times-diff");
  const fs::path issues = scratch() / "local-times-issues.jsonl";
  write_text(issues,
             R"({"id": "L1", "category": "env.noise.loudspeaker", "cell": "qiaodong-a-01", "at": "2026-11-20 09:15:00", "attrs": {"severity": 2}})"
             "\n"
             R"({"id": "L2", "category": "env.noise.loudspeaker", "cell": "qiaodong-a-01", "at": "2026-11-20T09:15:00+08:00", "attrs": {"severity": 2}})"
             "\n"
             R"({"id": "L3", "category": "env.noise.loudspeaker", "cell": "nowhere", "at": "bad"})"
             "\n");
  const fs::path cases = scratch() / "local-times-cases.jsonl";
  write_text(cases,
             R"({"id": "C1", "category": "env.noise.loudspeaker", "cell": "qiaodong-a-01", "at": "2026-11-23 09:20:00", "level": 0, "level_started_at": "2026-11-23 09:20:00", "responded": false, "reports": 0, "status": "open"})"
             "\n");
  const std::string now = "2026-11-23T10:00:00+08:00";
  auto r = cli({"diff", kLanxi.string(), local.string(), issues.string(), "--cases", cases.string(), "--now", now});
  EXPECT_EQ(r.code, 0) << r.err;
  const auto out = lines_of(r.out);
  ASSERT_EQ(out.size(), 2u) << r.out;
  EXPECT_EQ(out[0].rfind(R"({"id": "L1", "changed": ["status", "rule", "role", "handler", "unit", "alternates", )"
                         R"("escalation", "respond_by", "resolve_by", "error"], "old": {"id": "L1", "status": "rejected", )"
                         R"("error": "field 'at' must be an RFC 3339 time with an offset)", 0),
            0u)
      << out[0];
  EXPECT_NE(out[0].find(R"("new": {"id": "L1", "status": "routed", "rule": "loudspeaker")"), std::string::npos) << out[0];
  EXPECT_EQ(out[1].rfind(R"({"id": "C1", "changed": ["action", )", 0), 0u) << out[1];
  EXPECT_NE(out[1].find(R"("old": {"id": "C1", "action": "rejected")"), std::string::npos) << out[1];
  EXPECT_NE(r.err.find("gridroute diff: 3 lines compared, 1 changed\n"), std::string::npos) << r.err;
  // Both with local_times but in other zones: the same local time is another instant (9:15 in Berlin is
  // 16:15 in Shanghai).
  const fs::path berlin = lanxi_with_local_times("lanxi-local-times-berlin", "Europe/Berlin");
  r = cli({"diff", local.string(), berlin.string(), issues.string()});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out.rfind(R"({"id": "L1", "changed": [)", 0), 0u) << r.out;
  EXPECT_NE(r.out.find(R"("old": {"id": "L1", "status": "routed", "rule": "loudspeaker")"), std::string::npos) << r.out;
  // A bundle against itself, with local_times: nothing changes.
  r = cli({"diff", local.string(), local.string(), issues.string()});
  EXPECT_EQ(r.out, "") << r.out;
}

TEST(ToolsCli, DiffUsageErrors) {
  const std::string l = kLanxi.string(), issues = (kLanxi / "issues.jsonl").string();
  EXPECT_EQ(cli({"diff", l, l}).code, 2);
  EXPECT_EQ(cli({"diff", l, l, issues, "--cases", (kLanxi / "cases.jsonl").string()}).code, 2);  // no --now
  EXPECT_EQ(cli({"diff", l, l, issues, "--now", "2026-11-23T10:00:00+08:00"}).code, 2);           // no --cases
  EXPECT_EQ(cli({"diff", l, l, issues, "--cases", issues, "--now", "tomorrow"}).code, 2);
  EXPECT_EQ(cli({"diff", l, l, (scratch() / "none.jsonl").string()}).code, 3);
  EXPECT_EQ(cli({"diff", l, (scratch() / "no-bundle").string(), issues}).code, 1);
  // An unreadable --cases file is found before any line is written: no partial answer on stdout, though
  // the issues alone would change (a rule of lanxi loses its priority).
  const fs::path changed = copy_with_rules(kLanxi, "lanxi-flat", [](json::object& r) {
    for (auto& x : r.at("rules").as_array()) x.as_object().erase("priority");
  });
  ASSERT_NE(cli({"diff", l, changed.string(), issues}).out, "") << "the two bundles must differ on some line";
  auto missing = cli({"diff", l, changed.string(), issues, "--cases", (scratch() / "none.jsonl").string(), "--now",
                      "2026-11-23T10:00:00+08:00"});
  EXPECT_EQ(missing.code, 3);
  EXPECT_EQ(missing.out, "");
  EXPECT_NE(missing.err.find("cannot read"), std::string::npos) << missing.err;
  // A value forgotten before the next option: the option is not taken for a file name.
  const fs::path cwd_file = scratch() / "--exit-code";
  auto forgot = cli({"diff", l, changed.string(), issues, "--summary", "--exit-code"}, "", scratch());
  EXPECT_EQ(forgot.code, 2);
  EXPECT_NE(forgot.err.find("diff: --summary needs a value"), std::string::npos) << forgot.err;
  EXPECT_FALSE(fs::exists(cwd_file));
  // An option given twice: refused, not the last one winning.
  auto twice = cli({"diff", l, l, issues, "--html", (scratch() / "a.html").string(), "--html", (scratch() / "b.html").string()});
  EXPECT_EQ(twice.code, 2);
  EXPECT_NE(twice.err.find("diff: --html is given twice"), std::string::npos) << twice.err;
}

// An input that is also standard output is refused before anything is written to it: test's file (its
// report would go into it), diff's --cases file (found out only after the issues' records had gone into
// it); and an output given as '-', which no report or compiled file is written to.
TEST(ToolsCli, AnInputThatIsAlsoTheOutputIsLeftAsItWas) {
  const std::string l = kLanxi.string(), issues = (kLanxi / "issues.jsonl").string();
  const fs::path changed = copy_with_rules(kLanxi, "lanxi-flat-out", [](json::object& r) {
    for (auto& x : r.at("rules").as_array()) x.as_object().erase("priority");
  });
  const fs::path tests = scratch() / "self-tests.jsonl", cases = scratch() / "self-cases.jsonl";
  const std::string tests_text = read_text(kLanxi / "tests.jsonl"), cases_text = read_text(kLanxi / "cases.jsonl");
  write_text(tests, tests_text);
  write_text(cases, cases_text);
  const std::string cli_path = GRIDROUTE_CLI;
  EXPECT_EQ(WEXITSTATUS(std::system((cli_path + " test " + l + " " + tests.string() + " >> " + tests.string() +
                                     " 2>/dev/null").c_str())), 3);
  EXPECT_EQ(read_text(tests), tests_text);
  EXPECT_EQ(WEXITSTATUS(std::system((cli_path + " diff " + l + " " + changed.string() + " " + issues + " --cases " +
                                     cases.string() + " --now 2026-11-23T10:00:00+08:00 >> " + cases.string() +
                                     " 2>/dev/null").c_str())), 3);
  EXPECT_EQ(read_text(cases), cases_text);
  auto html = cli({"diff", l, changed.string(), issues, "--html", "-"}, "", scratch());
  EXPECT_EQ(html.code, 2);
  EXPECT_NE(html.err.find("diff: --html takes a FILE"), std::string::npos) << html.err;
  EXPECT_EQ(cli({"diff", l, changed.string(), issues, "--html-rows", "5"}).code, 2);  // rows of no page
  auto compiled = cli({"compile", l, "-o", "-"}, "", scratch());
  EXPECT_EQ(compiled.code, 2);
  EXPECT_FALSE(fs::exists(scratch() / "-"));
}

// test reads lines as long as --max-line-bytes says, as route does.
TEST(ToolsCli, TestReadsLinesUpToMaxLineBytes) {
  std::string line = R"({"id": "BIG", "category": "env.noise.loudspeaker", "cell": "binjiang-a-01", )"
                     R"("at": "2026-11-18T10:00:00+08:00", "attrs": {"channel": ")" +
                     std::string(2'000'000, 'x') + R"("}, "expect": {"status": "routed"}})";
  const fs::path big = scratch() / "big-test.jsonl";
  write_text(big, line + "\n");
  auto refused = cli({"test", kLanxi.string(), big.string()});
  EXPECT_EQ(refused.code, 1);
  EXPECT_NE(refused.out.find("over the limit of 1048576 bytes per line (--max-line-bytes)"), std::string::npos) << refused.out;
  auto read = cli({"test", kLanxi.string(), big.string(), "--max-line-bytes", "3000000"});
  EXPECT_EQ(read.code, 0) << read.out;
  EXPECT_EQ(lines_of(read.out).back(), "1 passed, 0 failed");
  EXPECT_EQ(cli({"test", kLanxi.string(), big.string(), "--max-line-bytes", "0"}).code, 2);
}

// --now without an offset, when both bundles read local times in the same zone, as escalate reads it.
TEST(ToolsCli, DiffReadsALocalNowWhereBothBundlesDo) {
  const fs::path a = lanxi_with_local_times("lanxi-local-a"), b = lanxi_with_local_times("lanxi-local-b");
  const std::string issues = (kLanxi / "issues.jsonl").string(), cases = (kLanxi / "cases.jsonl").string();
  auto local = cli({"diff", a.string(), b.string(), issues, "--cases", cases, "--now", "2026-11-23T10:00:00"});
  EXPECT_EQ(local.code, 0) << local.err;
  EXPECT_NE(local.err.find("cases compared at 2026-11-23T10:00:00+08:00"), std::string::npos) << local.err;
  auto one = cli({"diff", kLanxi.string(), b.string(), issues, "--cases", cases, "--now", "2026-11-23T10:00:00"});
  EXPECT_EQ(one.code, 2);
  EXPECT_NE(one.err.find("both bundles' jurisdiction.json set \"local_times\": true"), std::string::npos) << one.err;
  const fs::path ny = lanxi_with_local_times("lanxi-local-ny", "America/New_York");
  auto zones = cli({"diff", a.string(), ny.string(), issues, "--cases", cases, "--now", "2026-11-23T10:00:00"});
  EXPECT_EQ(zones.code, 2);
  EXPECT_NE(zones.err.find("the bundles' time zones differ"), std::string::npos) << zones.err;
}

// Every command: an option's value is not the next option, and an option is given once.
TEST(ToolsCli, NoCommandTakesTheNextOptionForAValueOrAnOptionTwice) {
  const std::string l = kLanxi.string(), issues = (kLanxi / "issues.jsonl").string();
  struct Case {
    std::vector<std::string> args;
    std::string said;
  };
  const std::vector<Case> cases = {
      {{"compile", l, "-o", "--quiet"}, "compile: -o takes a FILE"},
      {{"route", l, issues, "--map", "--explain"}, "route: --map needs a map file"},
      {{"escalate", l, "--now", "--quiet"}, "escalate: --now needs a time"},
      {{"graph", l, "--root", "--depth", "1"}, "graph: --root needs a unit id"},
      {{"graph", l, "--depth", "1", "--depth", "2"}, "graph: --depth is given twice"},
      {{"check", l, "--format", "json", "--format", "text"}, "check: --format is given twice"},
      {{"check", l, "--format", "--strict"}, "check: --format takes text or json"},
      {{"worker", l, "--db", "--once"}, "worker: --db needs a value"},
      // A short name and its long one are one option: given both, it is given twice.
      {{"route", l, "-", "--quiet", "-q"}, "route: -q is given twice"},
      {{"compile", l, "-o", "a.grb", "--output", "b.grb"}, "compile: --output is given twice"},
      {{"compile", l, "-o", "a.grb", "--quiet", "--quiet"}, "compile: --quiet is given twice"},
      {{"diff", l, l, "-", "-q", "--quiet"}, "diff: --quiet is given twice"},
      {{"test", l, "-", "--verbose", "-v"}, "test: -v is given twice"},
      {{"worker", l, "--db", "", "--once", "--once"}, "worker: --once is given twice"},
      {{"db", "init", "--db", "", "--db", ""}, "db init: --db is given twice"},
  };
  for (const Case& c : cases) {
    auto r = cli(c.args, "", scratch());
    EXPECT_EQ(r.code, 2) << c.args[0] << " " << c.args.back() << ": " << r.err;
    EXPECT_NE(r.err.find(c.said), std::string::npos) << r.err;
  }
  EXPECT_FALSE(fs::exists(scratch() / "--quiet"));
  // A value that starts with '-' is given with '='.
  EXPECT_EQ(cli({"graph", l, "--root=-x"}).code, 2);
  // Names are suggested where a unit or a command is misspelt.
  EXPECT_NE(cli({"graph", l, "--root", "binjang"}).err.find("(did you mean \"binjiang\"?)"), std::string::npos);
  EXPECT_NE(cli({"help", "chek"}).err.find("(did you mean \"check\"?)"), std::string::npos);
  // A BUNDLE that is not there may have been a directory or a compiled file.
  EXPECT_NE(cli({"route", (scratch() / "lanx.grb").string(), issues}).err.find("no such directory or compiled bundle file"),
            std::string::npos);
}

// A pipe whose reader has gone ends every command with 141 and nothing said, SIGPIPE ignored or not (a
// service manager may ignore it).
TEST(ToolsCli, AClosedPipeIsStatus141WithSigpipeIgnored) {
  for (const std::string& command : std::vector<std::string>{"graph " + kLanxi.string(), "help", "version", "test --help",
                                                               "check " + kLanxi.string()}) {
    const fs::path err = scratch() / "pipe.err";
    const std::string sh = "trap '' PIPE; { sleep 0.3; " + std::string(GRIDROUTE_CLI) + " " + command + " 2>" +
                           err.string() + "; echo $? > " + (scratch() / "pipe.rc").string() + "; } | true";
    write_text(scratch() / "pipe.sh", sh + "\n");
    ASSERT_EQ(std::system(("sh " + (scratch() / "pipe.sh").string()).c_str()), 0);
    EXPECT_EQ(read_text(scratch() / "pipe.rc"), "141\n") << command << ": " << read_text(err);
    EXPECT_EQ(read_text(err), "") << command;
  }
}

// ---------------------------------------------------------------- gridroute graph

TEST(ToolsCli, GraphNamesEveryUnitAndHandler) {
  auto r = cli({"graph", kLanxi.string()});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out.rfind("digraph G {", 0), 0u);
  auto snap = load(kLanxi);
  for (std::size_t u = 0; u < snap->unit_count(); ++u)
    EXPECT_NE(r.out.find("\"unit:" + std::string(snap->unit_id(static_cast<gridroute::UnitId>(u))) + "\""),
              std::string::npos)
        << snap->unit_id(static_cast<gridroute::UnitId>(u));
  for (std::size_t h = 0; h < snap->handler_count(); ++h)
    EXPECT_NE(r.out.find("\"handler:" + std::string(snap->handler_id(static_cast<gridroute::HandlerId>(h))) + "\""),
              std::string::npos);
  // squad-1 serves two communities.
  EXPECT_NE(r.out.find("\"handler:squad-1\"->\"unit:qiaodong\""), std::string::npos);
  EXPECT_NE(r.out.find("\"handler:squad-1\"->\"unit:binjiang\""), std::string::npos);
}

TEST(ToolsCli, GraphBelowARootToADepth) {
  auto r = cli({"graph", kLanxi.string(), "--root", "binjiang", "--depth", "1"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("\"unit:binjiang-c\""), std::string::npos);
  EXPECT_EQ(r.out.find("\"unit:binjiang-c-01\""), std::string::npos);
  EXPECT_EQ(r.out.find("\"unit:qiaodong\""), std::string::npos);
  EXPECT_NE(r.out.find("+2 units below"), std::string::npos);
  // A department that serves the street serves binjiang too: drawn to the root, via the street.
  EXPECT_NE(r.out.find("\"handler:dept-fire\"->\"unit:binjiang\" [style=dotted"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("via lanxi"), std::string::npos);
  EXPECT_EQ(cli({"graph", kLanxi.string(), "--root", "nowhere"}).code, 2);
  EXPECT_EQ(cli({"graph", kLanxi.string(), "--depth", "x"}).code, 2);
}

// ---------------------------------------------------------------- gridroute check --coverage

TEST(ToolsCli, CheckCoverageAddsAReportAndLeavesCheckAsItWas) {
  auto plain = cli({"check", kLanxi.string()});
  auto cov = cli({"check", kLanxi.string(), "--coverage"});
  ASSERT_EQ(plain.code, 0);
  ASSERT_EQ(cov.code, 0);
  EXPECT_EQ(plain.out.find("coverage:"), std::string::npos);
  EXPECT_EQ(cov.out.rfind(plain.out, 0), 0u) << cov.out;
  // triage routes every category to a council, and every community has one: all 16 x 18 pairs route.
  EXPECT_NE(cov.out.find("coverage: 16 cells x 18 categories = 288 pairs: 288 route (100.0%)"), std::string::npos)
      << cov.out;
  EXPECT_NE(cov.out.find("coverage holes: none"), std::string::npos) << cov.out;
}

TEST(ToolsCli, CheckCoverageNamesTheHoles) {
  // Without triage, market.food routes to the market department everywhere, but the categories no
  // other rule names (facility.streetlight) route nowhere.
  const fs::path changed = copy_with_rules(kLanxi, "lanxi-no-triage", [](json::object& r) {
    auto& rules = r.at("rules").as_array();
    rules.erase(std::remove_if(rules.begin(), rules.end(), [](const json::value& x) { return x.at("id") == "triage"; }),
                rules.end());
  });
  auto cov = cli({"check", changed.string(), "--coverage"});
  ASSERT_EQ(cov.code, 0) << cov.err;
  EXPECT_NE(cov.out.find("category group `facility`: 16 cells of street `lanxi` (兰溪街道) route nothing for facility.streetlight"),
            std::string::npos)
      << cov.out;
  // building.illegal routes only on working days.
  EXPECT_NE(cov.out.find("category group `building`: 16 cells of street `lanxi` (兰溪街道) route building.illegal only when "
                         "a rule's condition holds"),
            std::string::npos)
      << cov.out;
}

}  // namespace
