// The command line (SPEC §5): exit codes, --help, JSON Lines batches (blank lines skipped, one output per
// non-blank line in order, bad lines rejected while the batch goes on), and `-` for standard input.
#include <map>
#include <sys/wait.h>
#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include "cli_util.hpp"

namespace {
namespace fs = std::filesystem;
namespace json = boost::json;

const fs::path kData = fs::path(GRIDROUTE_SOURCE_DIR) / "tests" / "data";
const std::string kTown = (kData / "town_v1").string();
const std::string kBroken = (kData / "broken").string();
constexpr const char* kNow = "2026-11-23T10:00:00+08:00";

std::string read_text(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// A per-process scratch folder, removed at exit.
struct Scratch {
  fs::path dir = fs::temp_directory_path() / ("gridroute_cli_" + std::to_string(getpid()));
  Scratch() { fs::create_directories(dir); }
  ~Scratch() {
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
};
fs::path scratch_dir() {
  static Scratch s;
  return s.dir;
}

fs::path write_temp(const std::string& name, const std::string& text) {
  fs::path p = scratch_dir() / name;
  std::ofstream(p, std::ios::binary) << text;
  return p;
}

using cli_test_util::CliRun;
// Runs the CLI with `args` and `input` on standard input (tests/cli_util.hpp).
CliRun cli(std::vector<std::string> args, const std::string& input = "") {
  return cli_test_util::cli(std::move(args), input);
}

std::vector<json::object> records(const std::string& out) {
  std::vector<json::object> v;
  std::istringstream in(out);
  std::string line;
  while (std::getline(in, line)) {
    json::error_code ec;
    json::value x = json::parse(line, ec);
    EXPECT_FALSE(ec) << "not JSON: " << line;
    EXPECT_TRUE(x.is_object()) << line;
    if (!ec && x.is_object()) v.push_back(x.as_object());
  }
  return v;
}

std::string id_of(const json::object& o) {
  const auto& v = o.at("id");
  return v.is_string() ? std::string(v.get_string()) : json::serialize(v);
}

std::string issue(const std::string& id, const std::string& category = "noise.loudspeaker",
                  const std::string& cell = "c1-a-01") {
  return R"({"id": ")" + id + R"(", "category": ")" + category + R"(", "cell": ")" + cell +
         R"(", "at": "2026-11-18T10:00:00+08:00"})";
}

// ---------------------------------------------------------------- streaming

// A platform that writes a line into a pipe and waits gets its record without closing the pipe: the
// CLI answers in blocks, but hands over what it has whenever the input pauses.
TEST(Cli, APipeGetsEachAnswerWhenItsInputPauses) {
  int to_child[2], from_child[2];
  ASSERT_EQ(pipe(to_child), 0);
  ASSERT_EQ(pipe(from_child), 0);
  pid_t pid = fork();
  if (pid == 0) {
    dup2(to_child[0], 0);
    dup2(from_child[1], 1);
    close(to_child[1]);
    close(from_child[0]);
    std::string exe = GRIDROUTE_CLI, cmd = "route", bundle = kTown;
    char* argv[] = {exe.data(), cmd.data(), bundle.data(), nullptr};
    execv(exe.c_str(), argv);
    _exit(127);
  }
  close(to_child[0]);
  close(from_child[1]);
  auto ask = [&](const std::string& id) {
    std::string line = issue(id) + "\n";
    EXPECT_EQ(write(to_child[1], line.data(), line.size()), static_cast<ssize_t>(line.size()));
    std::string got;
    char c;
    pollfd pfd{from_child[0], POLLIN, 0};
    while (got.empty() || got.back() != '\n') {
      if (poll(&pfd, 1, 10000) != 1 || read(from_child[0], &c, 1) != 1) break;  // 10 s: a hang fails
      got.push_back(c);
    }
    return got;
  };
  for (const char* id : {"P1", "P2", "P3"}) {
    std::string got = ask(id);
    EXPECT_NE(got.find(std::string("\"id\": \"") + id + "\""), std::string::npos) << got;
  }
  close(to_child[1]);
  int status = 0;
  waitpid(pid, &status, 0);
  close(from_child[0]);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

// ---------------------------------------------------------------- exit codes

TEST(Cli, CheckACleanBundle) {
  CliRun r = cli({"check", kTown});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.err, "");
  // Lint warnings do not fail the check: a coverage hole (waste.dumping) and an unused policy.
  EXPECT_NE(r.out.find("waste.dumping"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("unused"), std::string::npos) << r.out;
}

TEST(Cli, CheckABrokenBundle) {
  CliRun r = cli({"check", kBroken});
  EXPECT_EQ(r.code, 1);
  // Every error as FILE:LINE:COLUMN: /pointer: message.
  EXPECT_NE(r.err.find((kData / "broken" / "jurisdiction.json").string() + ":11:"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("/handlers/0/serves/1: "), std::string::npos) << r.err;
  EXPECT_NE(r.err.find((kData / "broken" / "rules.json").string() + ":4:"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("/rules/0/sla/respond: "), std::string::npos) << r.err;
}

TEST(Cli, RouteAndEscalateRefuseABrokenBundle) {
  CliRun r = cli({"route", kBroken, "-"}, issue("I-1") + "\n");
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.out, "") << "an engine never runs half a bundle";
  CliRun e = cli({"escalate", kBroken, "-", "--now", kNow}, "");
  EXPECT_EQ(e.code, 1);
  EXPECT_EQ(e.out, "");
  CliRun missing = cli({"check", (kData / "no-such-bundle").string()});
  EXPECT_EQ(missing.code, 1);
  EXPECT_NE(missing.err.find("no-such-bundle"), std::string::npos) << missing.err;
}

TEST(Cli, UsageErrorsExitWith2) {
  for (const auto& args : std::vector<std::vector<std::string>>{
           {},
           {"frobnicate"},
           {"check"},
           {"check", kTown, kTown},
           {"check", kTown, "--bogus"},
           {"route"},
           {"route", kTown, "a.jsonl", "b.jsonl"},
           {"route", kTown, "--bogus"},
           {"route", kTown, "-x"},   // a short option it does not know, not a file named "-x"
           {"check", "-x", kTown},
           {"test", kTown, "-x"},
           {"graph", kTown, "-x"},
           {"escalate", kTown, "-"},
           {"escalate", kTown, "-", "--now"},
           {"escalate", kTown, "-", "--now", "tomorrow"},
           {"escalate", kTown, "-", "--now", "2026-11-23T10:00:00"},
           {"escalate"},
           {"escalate", kTown, "a", "b", "--now", kNow},
           // An option given twice: the second is not silently taken over the first.
           {"escalate", kTown, "-", "--now", kNow, "--now=2026-11-24T10:00:00+08:00"},
           {"route", kTown, "-", "--threads", "1", "--threads", "2"},
           {"route", kTown, "-", "-q", "-q"},
           {"route", kTown, "-", "--quiet", "-q"},  // a short name and its long one are one option
           {"compile", kTown, "-o", "a.grb", "--quiet", "--quiet"},
           {"compile", kTown, "-o", "a.grb", "--output", "b.grb"},
           {"db", "init", "--db", "", "--db", ""},
           {"worker", kTown, "--db", "", "--once", "--once"},
           {"version", "extra"},
           {"help", "route", "extra"},
       }) {
    std::string joined;
    for (const auto& a : args) joined += a + " ";
    CliRun r = cli(args);
    EXPECT_EQ(r.code, 2) << "gridroute " << joined << "\n" << r.out << r.err;
    EXPECT_FALSE(r.err.empty()) << "a usage error says why: gridroute " << joined;
    EXPECT_EQ(r.out, "") << joined;
  }
}

// SPEC §4: under "local_times" an instant without an offset is read in the jurisdiction's time zone, and
// escalate's --now is read so too; without it such a --now is a usage error that says what would take it.
TEST(Cli, EscalateReadsANowWithoutOffsetWhereTheBundleReadsLocalTimes) {
  const fs::path town = kTown;
  const fs::path local = scratch_dir() / "town-local-times";
  fs::remove_all(local);
  fs::copy(town, local, fs::copy_options::recursive);
  std::string j = read_text(local / "jurisdiction.json");
  j.insert(j.find('{') + 1, "\"local_times\": true, ");
  std::ofstream(local / "jurisdiction.json", std::ios::binary) << j;
  const std::string cases = R"({"id": "K1", "category": "noise.loudspeaker", "cell": "c1-a-01", "at": "2026-11-20T09:00:00+08:00", "level": 0, "level_started_at": "2026-11-20T09:00:00+08:00", "responded": false, "reports": 1, "status": "open"})"
                            "\n";
  CliRun offset = cli({"escalate", local.string(), "-", "--now", kNow}, cases);
  CliRun plain = cli({"escalate", local.string(), "-", "--now", "2026-11-23T10:00:00"}, cases);
  ASSERT_EQ(offset.code, 0) << offset.err;
  EXPECT_EQ(plain.code, 0) << plain.err;
  EXPECT_EQ(plain.out, offset.out);
  EXPECT_NE(offset.out.find(R"("id": "K1")"), std::string::npos) << offset.out;
  CliRun refused = cli({"escalate", kTown, "-", "--now", "2026-11-23T10:00:00"}, cases);
  EXPECT_EQ(refused.code, 2);
  EXPECT_NE(refused.err.find(R"(jurisdiction.json sets "local_times": true)"), std::string::npos) << refused.err;
  EXPECT_EQ(cli({"escalate", local.string(), "-", "--now", "2026-11-23T25:00:00"}, cases).code, 2);
}

TEST(Cli, UnreadableInputExitsWith3) {
  CliRun r = cli({"route", kTown, (scratch_dir() / "missing.jsonl").string()});
  EXPECT_EQ(r.code, 3);
  EXPECT_NE(r.err.find("missing.jsonl"), std::string::npos) << r.err;
  CliRun e = cli({"escalate", kTown, (scratch_dir() / "missing.jsonl").string(), "--now", kNow});
  EXPECT_EQ(e.code, 3);
}

TEST(Cli, HelpOnEveryCommand) {
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"--help"}, {"-h"}, {"help"}, {"check", "--help"}, {"route", "--help"}, {"escalate", "--help"},
           {"check", "-h"}, {"route", "-h"}, {"escalate", "-h"}}) {
    CliRun r = cli(args);
    std::string cmd = args.size() > 1 ? args[0] : "";
    EXPECT_EQ(r.code, 0) << args[0] << " " << (args.size() > 1 ? args[1] : "");
    EXPECT_NE(r.out.find("Usage"), std::string::npos) << r.out;
    if (!cmd.empty()) EXPECT_NE(r.out.find("gridroute " + cmd), std::string::npos) << r.out;
  }
  // Help wins over missing arguments.
  EXPECT_EQ(cli({"escalate", "--help"}).code, 0);
  CliRun v = cli({"version"});
  EXPECT_EQ(v.code, 0);
  EXPECT_EQ(v.out.rfind("gridroute ", 0), 0u) << v.out;
  EXPECT_EQ(cli({"help", "--help"}).code, 0);
  // Every batch command says what its exit status means.
  for (const char* cmd : {"route", "escalate", "check", "compile", "test", "diff", "graph"})
    EXPECT_NE(cli({cmd, "--help"}).out.find("Exit status:"), std::string::npos) << cmd;
}

// A usage error of a command points at that command's help; one of no command at the general help.
TEST(Cli, AUsageErrorPointsAtItsCommandsHelp) {
  EXPECT_EQ(cli({"route"}).err, "gridroute: route: missing BUNDLE\nTry 'gridroute route --help'.\n");
  EXPECT_EQ(cli({"version", "x"}).err, "gridroute: version: takes no argument, got 'x'\nTry 'gridroute version --help'.\n");
  EXPECT_EQ(cli({"frobnicate"}).err, "gridroute: unknown command 'frobnicate'\nTry 'gridroute --help'.\n");
  // A misspelt command is named; coverage and lint are part of check.
  EXPECT_EQ(cli({"rout"}).err, "gridroute: unknown command 'rout' (did you mean \"route\"?)\nTry 'gridroute --help'.\n");
  CliRun coverage = cli({"coverage", "."});
  EXPECT_EQ(coverage.code, 2);
  EXPECT_NE(coverage.err.find("'gridroute check --coverage' lists every cell and category no rule routes"), std::string::npos)
      << coverage.err;
}

// ---------------------------------------------------------------- batches

TEST(Cli, OneOutputPerNonBlankLineInOrder) {
  std::string input = issue("A") + "\n\n   \n" + issue("B", "noise.night", "c2-01") + "\n\t\n" +
                      issue("C", "waste.dumping") + "\n" + issue("D") + "\n\n";
  CliRun r = cli({"route", kTown, "-"}, input);
  ASSERT_EQ(r.code, 0) << r.err;
  auto recs = records(r.out);
  ASSERT_EQ(recs.size(), 4u) << r.out;
  EXPECT_EQ(id_of(recs[0]), "A");
  EXPECT_EQ(id_of(recs[1]), "B");
  EXPECT_EQ(id_of(recs[2]), "C");
  EXPECT_EQ(id_of(recs[3]), "D");
  EXPECT_EQ(recs[0].at("status"), "routed");
  EXPECT_EQ(recs[0].at("handler"), "council-c1");
  EXPECT_EQ(recs[1].at("handler"), "council-c2");
  EXPECT_EQ(recs[2].at("status"), "unrouted");
  EXPECT_EQ(r.err, "") << "no progress bar when stderr is not a terminal";
}

TEST(Cli, BadLinesAreRejectedAndTheBatchGoesOn) {
  std::string input = issue("A") + "\n" + "{not json\n" + R"({"id": 5, "category": "noise.night"})" + "\n" +
                      issue("B", "noise.night", "c9") + "\n" + issue("C", "no.such.category") + "\n" +
                      R"({"id": "D", "category": "noise.night", "cell": "c1-a-01", "at": "2026-11-18T10:00:00+08:00", "attrs": {"severity": "high"}})" +
                      "\n" + "[1, 2]\n" + issue("E") + "\n";
  CliRun r = cli({"route", kTown, "-"}, input);
  ASSERT_EQ(r.code, 0) << r.err;
  auto recs = records(r.out);
  ASSERT_EQ(recs.size(), 8u) << r.out;
  std::vector<std::pair<std::string, std::string>> want = {{"A", "routed"},    {"null", "rejected"}, {"5", "rejected"},
                                                           {"B", "rejected"},  {"C", "rejected"},    {"D", "rejected"},
                                                           {"null", "rejected"}, {"E", "routed"}};
  for (std::size_t i = 0; i < want.size(); ++i) {
    SCOPED_TRACE(i);
    EXPECT_EQ(id_of(recs[i]), want[i].first);
    EXPECT_EQ(recs[i].at("status"), want[i].second.c_str());
    if (want[i].second == "rejected") {
      ASSERT_TRUE(recs[i].contains("error"));
      EXPECT_FALSE(recs[i].at("error").as_string().empty());
    }
  }
}

TEST(Cli, RouteFromAFileAndFromStdin) {
  fs::path file = kData / "town_v1" / "issues.jsonl";
  CliRun from_file = cli({"route", kTown, file.string()});
  CliRun dash = cli({"route", kTown, "-"}, read_text(file));
  CliRun implicit = cli({"route", kTown}, read_text(file));
  ASSERT_EQ(from_file.code, 0) << from_file.err;
  EXPECT_EQ(dash.code, 0);
  EXPECT_EQ(implicit.code, 0);
  EXPECT_EQ(records(from_file.out).size(), 4u);
  EXPECT_EQ(from_file.out, dash.out);
  EXPECT_EQ(from_file.out, implicit.out);
  auto recs = records(from_file.out);
  EXPECT_EQ(recs[3].at("status"), "rejected") << "I-4 names a community, not a cell";
}

TEST(Cli, CrlfLinesAndAByteOrderMark) {
  std::string input = "\xEF\xBB\xBF" + issue("A") + "\r\n\r\n" + issue("B") + "\r\n";
  CliRun r = cli({"route", kTown, "-"}, input);
  ASSERT_EQ(r.code, 0) << r.err;
  auto recs = records(r.out);
  ASSERT_EQ(recs.size(), 2u) << r.out;
  EXPECT_EQ(recs[0].at("status"), "routed");
  EXPECT_EQ(recs[1].at("status"), "routed");
}

TEST(Cli, ALastLineWithoutNewline) {
  CliRun r = cli({"route", kTown, "-"}, issue("A") + "\n" + issue("B"));
  ASSERT_EQ(r.code, 0);
  auto recs = records(r.out);
  ASSERT_EQ(recs.size(), 2u);
  EXPECT_EQ(id_of(recs[1]), "B");
}

TEST(Cli, EmptyInputGivesNoOutput) {
  CliRun r = cli({"route", kTown, "-"}, "");
  EXPECT_EQ(r.code, 0);
  EXPECT_EQ(r.out, "");
  CliRun blank = cli({"route", kTown, "-"}, "\n \n\t\n");
  EXPECT_EQ(blank.code, 0);
  EXPECT_EQ(blank.out, "");
}

TEST(Cli, Explain) {
  CliRun r = cli({"route", kTown, "-", "--explain"}, issue("A") + "\n");
  ASSERT_EQ(r.code, 0) << r.err;
  auto recs = records(r.out);
  ASSERT_EQ(recs.size(), 1u);
  ASSERT_TRUE(recs[0].contains("trace"));
  EXPECT_EQ(recs[0].at("trace").as_array()[0].as_object().at("verdict"), "won");
  CliRun plain = cli({"route", kTown, "-"}, issue("A") + "\n");
  EXPECT_FALSE(records(plain.out)[0].contains("trace"));
}

// The winner's trace entry says how the owner was found: the route reference that resolved (those before
// it resolved nothing), and the units walked from the cell up to the one that has a handler of it.
TEST(Cli, ExplainSaysHowTheOwnerWasFound) {
  const fs::path lanxi = fs::path(GRIDROUTE_SOURCE_DIR) / "examples" / "lanxi";
  CliRun r = cli({"route", lanxi.string(), (lanxi / "issues.jsonl").string(), "--explain", "--quiet"}, "");
  ASSERT_EQ(r.code, 0) << r.err;
  std::map<std::string, json::object> won;
  int routed = 0;
  for (const json::object& d : records(r.out)) {
    if (d.at("status") != "routed" || d.contains("fallback")) continue;
    ++routed;
    const json::object* w = nullptr;
    for (const auto& t : d.at("trace").as_array())
      if (t.at("verdict") == "won") w = &t.as_object();
    ASSERT_TRUE(w) << json::serialize(d);
    const json::object& o = w->at("owner").as_object();
    SCOPED_TRACE(json::serialize(d));
    EXPECT_EQ(o.at("at"), d.at("unit"));
    std::string ref(d.at("role").as_string());
    if (d.contains("department")) ref += "/" + std::string(d.at("department").as_string());
    EXPECT_EQ(o.at("reference"), json::value(ref));
    const auto& passed = o.at("passed").as_array();
    if (passed.empty()) EXPECT_EQ(o.at("from"), o.at("at"));
    else EXPECT_EQ(passed[0], o.at("from"));
    won[std::string(d.at("id").as_string())] = o;
  }
  EXPECT_GT(routed, 40);
  // L38: no property manager serves the cell; the fire department is found at the street, three units up.
  EXPECT_EQ(json::serialize(won.at("L38")),
            R"({"tried":["property_manager"],"reference":"partner_department/fire","from":"qiaodong-b-01",)"
            R"("passed":["qiaodong-b-01","qiaodong-b","qiaodong"],"at":"lanxi"})");
  // L25 is skipped to level 2 by its severity: the level's owner, from that level's start unit.
  EXPECT_EQ(won.at("L25").at("level"), 2);
}

TEST(Cli, Escalate) {
  fs::path cases = kData / "town_v1" / "cases.jsonl";
  CliRun r = cli({"escalate", kTown, cases.string(), "--now", kNow});
  ASSERT_EQ(r.code, 0) << r.err;
  auto recs = records(r.out);
  ASSERT_EQ(recs.size(), 2u) << r.out;
  EXPECT_EQ(recs[0].at("action"), "hold");
  EXPECT_EQ(recs[0].at("next_check"), "2026-11-23T10:30:00+08:00");
  EXPECT_EQ(recs[1].at("action"), "escalate") << "respond due exactly at now";
  EXPECT_EQ(recs[1].at("handler"), "dept-urban");
  // --now=TIME, `-` and a `Z` time give the same answers.
  CliRun eq = cli({"escalate", kTown, "-", "--now=2026-11-23T02:00:00Z"}, read_text(cases));
  EXPECT_EQ(eq.code, 0);
  EXPECT_EQ(eq.out, r.out);
  // A bad case line is rejected and the batch goes on.
  CliRun bad = cli({"escalate", kTown, "-", "--now", kNow}, "{\"id\": \"X\"}\n\n" + read_text(cases));
  ASSERT_EQ(bad.code, 0);
  auto b = records(bad.out);
  ASSERT_EQ(b.size(), 3u);
  EXPECT_EQ(b[0].at("action"), "rejected");
  EXPECT_EQ(id_of(b[0]), "X");
  EXPECT_EQ(b[1].at("action"), "hold");
}

TEST(Cli, ManyLinesKeepTheirOrder) {
  std::string input;
  for (int i = 0; i < 3000; ++i) input += issue("L" + std::to_string(i), i % 7 ? "noise.night" : "bad") + "\n";
  CliRun r = cli({"route", kTown, "-"}, input);
  ASSERT_EQ(r.code, 0);
  auto recs = records(r.out);
  ASSERT_EQ(recs.size(), 3000u);
  for (int i = 0; i < 3000; ++i) {
    ASSERT_EQ(id_of(recs[i]), "L" + std::to_string(i));
    ASSERT_EQ(recs[i].at("status"), i % 7 ? "routed" : "rejected") << i;
  }
}

// --threads N answers the same records in the same order as one thread, over many blocks, with bad
// and over-long lines among good ones.
TEST(Cli, ThreadsKeepTheOutputOfOneThread) {
  std::string issues, cases;
  for (int i = 0; i < 9000; ++i) {
    std::string line = i % 11 == 3 ? "{\"id\": \"B" + std::to_string(i) + "\"}"
                       : i % 13 == 5 ? std::string(300, 'x')
                                     : issue("T" + std::to_string(i), i % 5 ? "noise.night" : "noise.loudspeaker");
    issues += line + "\n";
    auto close = line.rfind('}');
    cases += (close == std::string::npos ? line
                                         : line.substr(0, close) + R"(, "level": 0, "level_started_at": "2026-11-18T10:00:00+08:00", "responded": false, "reports": )" +
                                               std::to_string(i % 4) + R"(, "status": "open"})") + "\n";
  }
  CliRun one = cli({"route", kTown, "-", "--max-line-bytes", "200"}, issues);
  ASSERT_EQ(one.code, 0) << one.err;
  EXPECT_EQ(records(one.out).size(), 9000u);
  for (const char* t : {"2", "3", "--threads=0"}) {
    std::vector<std::string> args = {"route", kTown, "-", "--max-line-bytes", "200"};
    if (std::string(t).starts_with("--")) args.push_back(t);
    else args.insert(args.end(), {"--threads", t});
    CliRun many = cli(args, issues);
    EXPECT_EQ(many.code, 0) << many.err;
    EXPECT_EQ(many.out, one.out) << t;
  }
  CliRun esc1 = cli({"escalate", kTown, "-", "--now", kNow}, cases);
  CliRun esc2 = cli({"escalate", kTown, "-", "--now", kNow, "--threads", "2"}, cases);
  ASSERT_EQ(esc1.code, 0) << esc1.err;
  EXPECT_EQ(records(esc1.out).size(), 9000u);
  EXPECT_EQ(esc2.out, esc1.out);
  EXPECT_EQ(cli({"route", kTown, "--threads", "999"}).code, 2);
}

}  // namespace
