// Golden tests (SPEC §5 and the examples): every example bundle checks clean, and `route` / `escalate`
// through the command-line tool give exactly its expected-*.jsonl on the contract fields.
//
// Bundles are discovered at start-up: every directory with a jurisdiction.json under
// GRIDROUTE_SHARED_DIR/examples (when that folder exists) and GRIDROUTE_SOURCE_DIR/examples.
// One test per bundle × mode (check, route, escalate).
#include <sys/wait.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <boost/json.hpp>
#include <gtest/gtest-spi.h>
#include <gtest/gtest.h>

#include "gridroute/case_book.hpp"

namespace {
namespace fs = std::filesystem;
namespace json = boost::json;

std::string read_text(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

struct RunResult {
  int exit_code = -1;
  std::string out, err;
};

// Runs the CLI with `args`, stdin from `stdin_path` (or /dev/null), capturing stdout and stderr.
RunResult run_cli(const std::vector<std::string>& args, const std::string& stdin_path = "/dev/null") {
  static int counter = 0;
  struct Scratch {
    fs::path dir = fs::temp_directory_path() / ("gridroute_golden_" + std::to_string(getpid()));
    Scratch() { fs::create_directories(dir); }
    ~Scratch() {
      std::error_code ec;
      fs::remove_all(dir, ec);
    }
  };
  static Scratch scratch;
  const fs::path& dir = scratch.dir;
  fs::path out = dir / ("out" + std::to_string(counter));
  fs::path err = dir / ("err" + std::to_string(counter++));
  pid_t pid = fork();
  if (pid == 0) {
    int in_fd = open(stdin_path.c_str(), O_RDONLY);
    int out_fd = open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int err_fd = open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (in_fd < 0 || out_fd < 0 || err_fd < 0) _exit(127);
    dup2(in_fd, 0);
    dup2(out_fd, 1);
    dup2(err_fd, 2);
    std::vector<char*> argv;
    std::string cli = GRIDROUTE_CLI;
    argv.push_back(cli.data());
    std::vector<std::string> copy = args;
    for (auto& a : copy) argv.push_back(a.data());
    argv.push_back(nullptr);
    execv(cli.c_str(), argv.data());
    _exit(127);
  }
  RunResult r;
  int status = 0;
  waitpid(pid, &status, 0);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  r.out = read_text(out);
  r.err = read_text(err);
  fs::remove(out);
  fs::remove(err);
  return r;
}

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> lines;
  std::string line;
  std::istringstream in(text);
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    lines.push_back(line);
  }
  // A trailing blank line (from a final newline) is not a record.
  while (!lines.empty() && lines.back().empty()) lines.pop_back();
  return lines;
}

// An RFC 3339 time as seconds (and microseconds) since the epoch, parsed here independently of the
// engine so that a bug in its parser cannot hide a bug in its output.
std::optional<long long> instant_micros(const json::value& v) {
  if (!v.is_string()) return std::nullopt;
  std::string s(v.get_string());
  int Y, M, D, h, m, sec;
  char t;
  int n = 0;
  if (std::sscanf(s.c_str(), "%4d-%2d-%2d%c%2d:%2d:%2d%n", &Y, &M, &D, &t, &h, &m, &sec, &n) != 7 || n != 19)
    return std::nullopt;
  std::size_t pos = 19;
  long long frac = 0;
  if (pos < s.size() && s[pos] == '.') {
    long long scale = 100000;
    for (++pos; pos < s.size() && std::isdigit(static_cast<unsigned char>(s[pos])); ++pos, scale /= 10)
      frac += (s[pos] - '0') * scale;
  }
  int offset = 0;
  if (pos < s.size() && (s[pos] == 'Z' || s[pos] == 'z')) {
    ++pos;
  } else if (pos + 6 == s.size() && (s[pos] == '+' || s[pos] == '-') && s[pos + 3] == ':') {
    offset = (std::stoi(s.substr(pos + 1, 2)) * 3600 + std::stoi(s.substr(pos + 4, 2)) * 60) * (s[pos] == '-' ? -1 : 1);
    pos += 6;
  } else {
    return std::nullopt;
  }
  if (pos != s.size()) return std::nullopt;
  // Days from civil (Howard Hinnant's algorithm).
  int y = M <= 2 ? Y - 1 : Y;
  int era = (y >= 0 ? y : y - 399) / 400;
  unsigned yoe = static_cast<unsigned>(y - era * 400);
  unsigned doy = (153 * static_cast<unsigned>(M + (M > 2 ? -3 : 9)) + 2) / 5 + static_cast<unsigned>(D) - 1;
  unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  long long days = static_cast<long long>(era) * 146097 + static_cast<long long>(doe) - 719468;
  long long secs = days * 86400 + h * 3600 + m * 60 + sec - offset;
  return secs * 1000000 + frac;
}

std::string show(const json::value* v) { return v ? json::serialize(*v) : std::string("(absent)"); }

bool is_null(const json::value* v) { return v == nullptr || v->is_null(); }

// Compares one field; returns an empty string when equal, else a description. As compare_jsonl.py
// (contract 1.1): the flags `fallback` and `repinned` absent or null equal false, an absent `assist` equals [].
std::string compare_field(const std::string& field, const json::value* exp, const json::value* act) {
  const bool time = field == "respond_by" || field == "resolve_by" || field == "next_check";
  static const json::value kFalse(false), kEmpty(json::array{});
  if (field == "fallback" || field == "repinned") {
    if (is_null(exp)) exp = &kFalse;
    if (is_null(act)) act = &kFalse;
  }
  if (field == "assist_action") {
    if (is_null(exp)) exp = &kEmpty;
    if (is_null(act)) act = &kEmpty;
  }
  if (is_null(exp) || is_null(act)) {
    if (is_null(exp) && is_null(act)) return "";
  } else if (time) {
    auto e = instant_micros(*exp), a = instant_micros(*act);
    if (!a) return "not an RFC 3339 time";
    if (e && *e == *a) {
      // Written in the jurisdiction's time zone: the same instant in the same zone has the same offset.
      std::string es(exp->get_string()), as(act->get_string());
      if (es.size() >= 6 && as.size() >= 6 && es.substr(es.size() - 6) != as.substr(as.size() - 6))
        return "same instant, but not written in the jurisdiction's time zone";
      return "";
    }
  } else if (field == "reasons") {
    if (exp->is_array() && act->is_array()) {
      std::set<std::string> es, as;
      for (const auto& x : exp->get_array()) es.insert(json::serialize(x));
      for (const auto& x : act->get_array()) as.insert(json::serialize(x));
      if (es == as && as.size() == act->get_array().size()) return "";
    }
  } else if (*exp == *act) {
    return "";
  }
  return "differs";
}

struct Bundle {
  std::string label;  // e.g. shared_shuangcheng
  fs::path dir;
};

std::vector<Bundle> discover() {
  std::vector<Bundle> out;
  auto scan = [&](const fs::path& root, const std::string& prefix) {
    std::error_code ec;
    if (!fs::is_directory(root, ec)) return;
    std::vector<fs::path> dirs;
    for (const auto& e : fs::directory_iterator(root, ec))
      if (e.is_directory() && fs::exists(e.path() / "jurisdiction.json")) dirs.push_back(e.path());
    std::sort(dirs.begin(), dirs.end());
    for (const auto& d : dirs) {
      std::string name = prefix + "_" + d.filename().string();
      for (char& c : name)
        if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
      out.push_back({name, d});
    }
  };
  scan(fs::path(GRIDROUTE_SHARED_DIR) / "examples", "shared");
  scan(fs::path(GRIDROUTE_SHARED_DIR) / "examples-1.1", "shared11");
  scan(fs::path(GRIDROUTE_SOURCE_DIR) / "examples", "project");
  return out;
}

enum class Mode { check, route, escalate, located };

struct GoldenCase {
  Bundle bundle;
  Mode mode;
};

std::vector<GoldenCase> cases() {
  std::vector<GoldenCase> out;
  for (const auto& b : discover())
    for (Mode m : {Mode::check, Mode::route, Mode::escalate, Mode::located})
      if (m != Mode::located || fs::exists(b.dir / "located.jsonl")) out.push_back({b, m});
  return out;
}

std::string mode_name(Mode m) {
  return m == Mode::check ? "check" : m == Mode::route ? "route" : m == Mode::escalate ? "escalate" : "located";
}

void PrintTo(const GoldenCase& c, std::ostream* os) { *os << c.bundle.dir.string() << " [" << mode_name(c.mode) << "]"; }

class Golden : public ::testing::TestWithParam<GoldenCase> {};

// Compares the CLI's output with the expected file, line by line, on the contract fields.
void compare_output(Mode mode, const std::string& actual_text, const fs::path& expected_path) {
  static const std::vector<std::string> kRoute = {"id", "status", "rule", "role", "department", "handler", "unit",
                                                  "alternates", "assist", "level", "escalation", "respond_by",
                                                  "resolve_by", "fallback"};
  static const std::vector<std::string> kEscalate = {"id", "action", "level", "handler", "role", "department",
                                                     "reasons", "next_check", "respond_by", "resolve_by",
                                                     "assist_action", "repinned"};
  const bool routing = mode == Mode::route || mode == Mode::located;
  const std::string key = routing ? "status" : "action";
  auto expected = split_lines(read_text(expected_path));
  auto actual = split_lines(actual_text);
  ASSERT_FALSE(expected.empty()) << expected_path << " is empty";
  std::ostringstream report;
  int mismatches = 0;
  for (std::size_t i = 0; i < expected.size(); ++i) {
    json::value exp = json::parse(expected[i]);
    std::string label = "line " + std::to_string(i + 1) + " (id " + show(exp.as_object().if_contains("id")) + ")";
    if (i >= actual.size()) {
      ++mismatches;
      report << label << ": missing from the output\n";
      continue;
    }
    json::error_code ec;
    json::value act = json::parse(actual[i], ec);
    if (ec || !act.is_object()) {
      ++mismatches;
      report << label << ": output is not a JSON object: " << actual[i] << "\n";
      continue;
    }
    const json::object& eo = exp.as_object();
    const json::object& ao = act.as_object();
    std::vector<std::string> fields = routing ? kRoute : kEscalate;
    if (auto* k = eo.if_contains(key); k && k->is_string() && (k->get_string() == "rejected" || k->get_string() == "unrouted"))
      fields = {"id", key};
    if (routing && eo.contains("cell")) fields.push_back("cell");  // SPEC §7: where the issue gave a location only
    // SPEC §6.6: every answer carries the bundle's digest.
    if (!ao.contains("bundle") || !ao.at("bundle").is_string() || ao.at("bundle").get_string().size() < 16) {
      ++mismatches;
      report << label << ": no \"bundle\" digest of 16 or more hex digits\n";
    }
    std::string line_report;
    for (const auto& f : fields) {
      const std::string name = f == "assist_action" ? "assist" : f;
      std::string why = compare_field(f, eo.if_contains(name), ao.if_contains(name));
      if (!why.empty())
        line_report += "    " + f + ": expected " + show(eo.if_contains(f)) + ", got " + show(ao.if_contains(f)) +
                       " (" + why + ")\n";
    }
    if (!line_report.empty()) {
      ++mismatches;
      report << label << ":\n" << line_report;
    }
  }
  if (actual.size() > expected.size()) {
    ++mismatches;
    report << "the output has " << actual.size() - expected.size() << " more line(s) than expected\n";
  }
  EXPECT_EQ(mismatches, 0) << mismatches << " mismatching line(s) against " << expected_path << ":\n"
                           << report.str();
}

// The same command on the bundle compiled into one file (`gridroute compile`): byte-identical output, so
// the golden answers hold from the file as from the directory.
void expect_same_from_compiled(const fs::path& dir, std::vector<std::string> args, const std::string& from_dir) {
  const fs::path file = fs::path(::testing::TempDir()) /
                        ("golden-" + dir.filename().string() + "-" + std::to_string(::getpid()) + ".grb");
  RunResult c = run_cli({"compile", dir.string(), "-o", file.string(), "--quiet"});
  ASSERT_EQ(c.exit_code, 0) << "gridroute compile " << dir << ": " << c.err;
  std::replace(args.begin(), args.end(), dir.string(), file.string());
  RunResult r = run_cli(args);
  fs::remove(file);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, from_dir) << "the compiled file of " << dir << " answers differently from the directory";
}

// A CaseBook holding the same case lines writes, at the same `now`, the bytes `gridroute escalate` wrote.
void expect_same_from_case_book(const fs::path& dir, const std::string& now_text, const std::string& cli_out) {
  auto snap = gridroute::load_bundle(dir.string());
  ASSERT_TRUE(snap.ok()) << snap.status();
  gridroute::CaseBook book(*snap);
  EXPECT_EQ(book.add_lines(read_text(dir / "cases.jsonl")), 0u);
  std::string out;
  book.sweep_lines(*gridroute::parse_rfc3339(now_text), out);
  EXPECT_EQ(out, cli_out) << "a CaseBook of " << dir << " answers differently from gridroute escalate";
}

TEST_P(Golden, MatchesExpected) {
  const GoldenCase& c = GetParam();
  const fs::path& dir = c.bundle.dir;
  switch (c.mode) {
    case Mode::check: {
      RunResult r = run_cli({"check", dir.string()});
      EXPECT_EQ(r.exit_code, 0) << "gridroute check " << dir << "\nstdout:\n" << r.out << "\nstderr:\n" << r.err;
      EXPECT_EQ(r.err, "") << "a clean bundle reports no errors";
      EXPECT_NE(r.out.find("ok"), std::string::npos) << r.out;
      break;
    }
    case Mode::route: {
      if (!fs::exists(dir / "issues.jsonl") || !fs::exists(dir / "expected-route.jsonl"))
        GTEST_SKIP() << dir << " has no issues.jsonl / expected-route.jsonl";
      RunResult r = run_cli({"route", dir.string(), (dir / "issues.jsonl").string(), "--quiet"});
      ASSERT_EQ(r.exit_code, 0) << r.err;
      compare_output(Mode::route, r.out, dir / "expected-route.jsonl");
      RunResult e = run_cli({"route", dir.string(), (dir / "issues.jsonl").string(), "--quiet", "--explain"});
      ASSERT_EQ(e.exit_code, 0) << e.err;
      expect_same_from_compiled(dir, {"route", dir.string(), (dir / "issues.jsonl").string(), "--quiet", "--explain"},
                                e.out);
      break;
    }
    case Mode::escalate: {
      if (!fs::exists(dir / "cases.jsonl") || !fs::exists(dir / "expected-escalate.jsonl"))
        GTEST_SKIP() << dir << " has no cases.jsonl / expected-escalate.jsonl";
      ASSERT_TRUE(fs::exists(dir / "NOW.txt")) << dir << " has cases but no NOW.txt";
      std::string now = read_text(dir / "NOW.txt");
      now.erase(now.find_last_not_of(" \t\r\n") + 1);
      now.erase(0, now.find_first_not_of(" \t\r\n"));
      RunResult r = run_cli({"escalate", dir.string(), (dir / "cases.jsonl").string(), "--now", now, "--quiet"});
      ASSERT_EQ(r.exit_code, 0) << r.err;
      compare_output(Mode::escalate, r.out, dir / "expected-escalate.jsonl");
      expect_same_from_compiled(dir, {"escalate", dir.string(), (dir / "cases.jsonl").string(), "--now", now, "--quiet"},
                                r.out);
      expect_same_from_case_book(dir, now, r.out);
      break;
    }
    case Mode::located: {
      ASSERT_TRUE(fs::exists(dir / "expected-located.jsonl")) << dir << " has located.jsonl but no expected-located.jsonl";
      RunResult r = run_cli({"route", dir.string(), (dir / "located.jsonl").string(), "--quiet"});
      ASSERT_EQ(r.exit_code, 0) << r.err;
      compare_output(Mode::located, r.out, dir / "expected-located.jsonl");
      expect_same_from_compiled(dir, {"route", dir.string(), (dir / "located.jsonl").string(), "--quiet"}, r.out);
      break;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Examples, Golden, ::testing::ValuesIn(cases()),
                         [](const ::testing::TestParamInfo<GoldenCase>& info) {
                           return info.param.bundle.label + "_" + mode_name(info.param.mode);
                         });

TEST(GoldenDiscovery, FindsTheProjectsOwnExample) {
  auto bundles = discover();
  bool lanxi = std::any_of(bundles.begin(), bundles.end(), [](const Bundle& b) { return b.label == "project_lanxi"; });
  EXPECT_TRUE(lanxi) << "examples/lanxi was not discovered under " << GRIDROUTE_SOURCE_DIR;
  if (fs::is_directory(fs::path(GRIDROUTE_SHARED_DIR) / "examples" / "shuangcheng")) {
    bool shared = std::any_of(bundles.begin(), bundles.end(),
                              [](const Bundle& b) { return b.label == "shared_shuangcheng"; });
    EXPECT_TRUE(shared);
  }
}

// The comparison itself must be able to fail: a deliberately wrong expectation is reported.
TEST(GoldenComparator, ReportsAMismatch) {
  json::value a = json::parse(R"("2026-11-20T10:15:00+08:00")");
  json::value b = json::parse(R"("2026-11-20T02:15:00Z")");
  json::value c = json::parse(R"("2026-11-20T10:16:00+08:00")");
  EXPECT_EQ(compare_field("respond_by", &a, &a), "");
  EXPECT_NE(compare_field("respond_by", &a, &c), "");
  // Same instant, other offset: the output must be in the jurisdiction's zone.
  EXPECT_NE(compare_field("respond_by", &a, &b), "");
  json::value r1 = json::parse(R"(["missed_respond","repeat_reports"])");
  json::value r2 = json::parse(R"(["repeat_reports","missed_respond"])");
  json::value r3 = json::parse(R"(["repeat_reports","missed_respond","missed_respond"])");
  EXPECT_EQ(compare_field("reasons", &r1, &r2), "");
  EXPECT_NE(compare_field("reasons", &r1, &r3), "");
  json::value null_v = json::parse("null");
  EXPECT_EQ(compare_field("department", nullptr, &null_v), "");
  json::value dept = json::parse(R"("gas")");
  EXPECT_NE(compare_field("department", nullptr, &dept), "");
}

// The whole line-by-line comparison fails on one wrong field, a missing line and an extra line.
TEST(GoldenComparator, CompareOutputFailsOnWrongOutput) {
  fs::path p = fs::temp_directory_path() / ("gridroute_golden_expected_" + std::to_string(getpid()) + ".jsonl");
  {
    std::ofstream f(p);
    f << R"({"id": "A", "status": "routed", "rule": "r1", "level": 0})" << "\n"
      << R"({"id": "B", "status": "rejected", "error": "x"})" << "\n";
  }
  // Equal on the contract fields (the error text is free for rejected lines): passes.
  compare_output(Mode::route, "{\"id\": \"A\", \"status\": \"routed\", \"rule\": \"r1\", \"level\": 0, \"bundle\": \"0123456789abcdef\"}\n"
                              "{\"id\": \"B\", \"status\": \"rejected\", \"error\": \"other\", \"bundle\": \"0123456789abcdef\"}\n", p);
  EXPECT_NONFATAL_FAILURE(compare_output(Mode::route,
                                         "{\"id\": \"A\", \"status\": \"routed\", \"rule\": \"r2\", \"level\": 0, \"bundle\": \"0123456789abcdef\"}\n"
                                         "{\"id\": \"B\", \"status\": \"rejected\", \"bundle\": \"0123456789abcdef\"}\n", p),
                          "rule: expected \"r1\", got \"r2\"");
  EXPECT_NONFATAL_FAILURE(compare_output(Mode::route, "{\"id\": \"A\", \"status\": \"routed\", \"rule\": \"r1\", \"level\": 0, \"bundle\": \"0123456789abcdef\"}\n", p),
                          "missing from the output");
  EXPECT_NONFATAL_FAILURE(compare_output(Mode::route,
                                         "{\"id\": \"A\", \"status\": \"routed\", \"rule\": \"r1\", \"level\": 0, \"bundle\": \"0123456789abcdef\"}\n"
                                         "{\"id\": \"B\", \"status\": \"rejected\", \"bundle\": \"0123456789abcdef\"}\n{\"id\": \"C\"}\n", p),
                          "more line(s) than expected");
  // Every answer carries the bundle's digest (SPEC §6.6).
  EXPECT_NONFATAL_FAILURE(compare_output(Mode::route,
                                         "{\"id\": \"A\", \"status\": \"routed\", \"rule\": \"r1\", \"level\": 0}\n"
                                         "{\"id\": \"B\", \"status\": \"rejected\", \"bundle\": \"0123456789abcdef\"}\n", p),
                          "no \"bundle\" digest");
  fs::remove(p);
}

}  // namespace
