// route and escalate around the decisions: --map (a platform's own work orders, docs/platform-input.md),
// the summary line on standard error, --fail-on-rejected, a closed pipe, and the progress bar that never
// mixes with decisions shown on the same terminal.
#include <poll.h>
#include <pty.h>
#include <signal.h>

#include <chrono>
#include <string>
#include <thread>

#include "diag_util.hpp"

namespace diag_test {
namespace {

const std::string kMap = (kLanxi / "platform-map.json").string();
const std::string kOrders = (kLanxi / "platform-orders.jsonl").string();

// What each order of platform-orders.jsonl stands for, written as the contract's issue line by hand: the
// map must give the same decision, byte for byte. An empty line: the order is rejected.
const std::vector<std::string> kByHand = {
    R"({"id": 20261120001, "category": "env.noise.loudspeaker", "cell": "qiaodong-a-01", "at": "2026-11-20T09:40:00+08:00", "attrs": {"severity": 3, "channel": "hotline"}})",
    R"({"id": 20261120002, "category": "env.noise.loudspeaker", "cell": "qiaodong-b-02", "at": "2026-11-18T15:00:00+08:00", "attrs": {"severity": 1, "channel": "wechat"}})",
    R"({"id": 20261120003, "category": "env.noise.loudspeaker", "cell": "qiaodong-b-01", "at": "2026-11-18T15:00:00+08:00", "attrs": {"severity": 1, "channel": "hotline"}})",
    R"({"id": 20261120004, "category": "env.noise.square_dance", "cell": "binjiang-b-01", "at": "2026-11-19T19:30:00+08:00", "attrs": {"channel": "grid_patrol", "households": 35}})",
    R"({"id": 20261120005, "category": "nuisance.dog.stairwell", "cell": "qiaodong-a-02", "at": "2026-11-20T10:00:00+08:00", "attrs": {"channel": "hotline", "private_property": true}})",
    R"({"id": 20261120006, "category": "safety.ebike.cable", "cell": "binjiang-a-02", "at": "2026-11-20T20:15:00+08:00", "attrs": {"channel": "hotline", "floor": 7}})",
    "",
    "",
    R"({"id": 20261120009, "category": "housing.roof.leak", "cell": "shangtang-04", "at": "2026-11-21T08:00:00+08:00", "attrs": {"severity": 2, "channel": "hotline"}})",
    R"({"id": "WX-20261120-010", "category": "street.vending.gate", "cell": "qiaodong-a-01", "at": "2026-11-17T14:00:00+08:00", "attrs": {"channel": "wechat"}})",
};

TEST(MapOption, TheLanxiOrdersDecideAsTheirHandWrittenIssueLines) {
  CliRun r = cli({"route", "--map", kMap, kLanxi.string(), kOrders});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.err, "");  // standard error is not a terminal: no summary unless asked for
  const auto got = lines_of(r.out);
  ASSERT_EQ(got.size(), kByHand.size()) << r.out;
  std::string by_hand_input;
  for (const auto& l : kByHand)
    if (!l.empty()) by_hand_input += l + "\n";
  const auto want = lines_of(cli({"route", kLanxi.string()}, by_hand_input).out);
  std::size_t k = 0;
  for (std::size_t i = 0; i < got.size(); ++i) {
    SCOPED_TRACE("order " + std::to_string(i + 1));
    if (kByHand[i].empty()) continue;
    ASSERT_LT(k, want.size());
    EXPECT_EQ(got[i], want[k++]);
  }
  // What a reader of the decisions sees.
  auto recs = records(r.out);
  ASSERT_EQ(recs.size(), 10u);
  EXPECT_EQ(json::serialize(recs[0].at("id")), "20261120001");  // an integer, written back as one
  EXPECT_EQ(str(recs[0].at("rule")), "loudspeaker");
  EXPECT_EQ(str(recs[0].at("handler")), "squad-1");
  EXPECT_EQ(str(recs[1].at("rule")), "loudspeaker-minor");  // level "1" read as a number, channel by the table
  EXPECT_EQ(str(recs[1].at("handler")), "hsl-laojie");
  EXPECT_EQ(str(recs[2].at("rule")), "loudspeaker");  // no channel: the map's default, the hotline
  EXPECT_EQ(str(recs[4].at("rule")), "nuisance-estate");  // inEstate "yes" read as true
  EXPECT_EQ(str(recs[9].at("id")), "WX-20261120-010");
  EXPECT_EQ(str(recs[6].at("status")), "rejected");
  EXPECT_EQ(json::serialize(recs[6].at("id")), "20261120007");
  EXPECT_EQ(str(recs[6].at("error")),
            "field 'eventType': \"噪音扰民\" is not in table \"event_types\" of " + kMap);
  EXPECT_EQ(str(recs[7].at("status")), "rejected");
  EXPECT_EQ(str(recs[7].at("error")), "field 'gridCode' is missing (mapped to 'cell')");
  EXPECT_EQ(str(recs[7].at("bundle")), str(recs[0].at("bundle")));
}

TEST(MapOption, EscalateMapsCasesToo) {
  const fs::path map = scratch() / "case-map.json";
  write_text(map, R"({"format": "gridroute.map/1",
  "fields": {
    "id": "caseNo", "category": {"path": "type", "table": "types"}, "cell": "grid",
    "at": {"path": "opened", "as": "epoch_s"},
    "level": {"path": "stage", "default": 0}, "level_started_at": {"path": "stageSince", "as": "epoch_s"},
    "responded": {"path": "answered", "as": "bool"}, "reports": {"path": "complaints", "default": 0},
    "status": {"value": "open"}
  },
  "tables": {"types": {"高音喇叭扰民": "env.noise.loudspeaker"}}
})");
  // C01 and C02 of examples/lanxi/cases.jsonl, as a platform stores them (times in epoch seconds).
  const std::string cases =
      R"({"caseNo": 1, "type": "高音喇叭扰民", "grid": "qiaodong-a-01", "opened": 1795396800, "stageSince": 1795396800, "answered": "0"})"
      "\n"
      R"({"caseNo": 2, "type": "高音喇叭扰民", "grid": "binjiang-c-01", "opened": 1795394700, "stage": 0, "stageSince": 1795394700, "answered": 0, "complaints": 0})"
      "\n";
  CliRun r = cli({"escalate", "--map", map.string(), kLanxi.string(), "--now", "2026-11-23T10:00:00+08:00", "--summary"},
                 cases);
  ASSERT_EQ(r.code, 0) << r.err;
  auto recs = records(r.out);
  ASSERT_EQ(recs.size(), 2u) << r.out;
  EXPECT_EQ(json::serialize(recs[0].at("id")), "1");
  EXPECT_EQ(str(recs[0].at("action")), "hold") << r.out;
  EXPECT_EQ(str(recs[0].at("next_check")), "2026-11-23T10:20:00+08:00");
  EXPECT_EQ(str(recs[1].at("action")), "escalate") << r.out;
  EXPECT_EQ(str(recs[1].at("handler")), "council-binjiang");
  EXPECT_EQ(r.err, "gridroute escalate: 2 lines: 1 hold, 1 escalate\n");
}

TEST(MapOption, AMapWithErrorsIsRefusedWithTheirPlaces) {
  const fs::path map = scratch() / "bad-map.json";
  write_text(map, R"({"format": "gridroute.map/1",
  "fields": {
    "id": "orderNo",
    "categroy": {"path": "eventType", "table": "event_type"},
    "attrs.severity": {"path": "level", "as": "nubmer"}
  },
  "tables": {"event_types": {}}
})");
  CliRun r = cli({"route", "--map", map.string(), kLanxi.string(), kOrders});
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.out, "");
  const auto lines = lines_of(r.err);
  ASSERT_EQ(lines.size(), 3u) << r.err;
  EXPECT_EQ(lines[0], map.string() + ":4:17: /fields/categroy: unknown field 'categroy' of an issue or case line (did "
                                     "you mean 'category'?) (fields: id, category, cell, location, at, attrs.NAME, "
                                     "level, level_started_at, responded, reports, status, rating, rule, handler, "
                                     "returned, suspended, extended_to)");
  EXPECT_EQ(lines[1], map.string() + ":5:47: /fields/attrs.severity/as: as must be one of string, number, integer, "
                                     "bool, epoch_s, epoch_ms (did you mean \"number\"?)");
  EXPECT_EQ(lines[2].rfind("gridroute: map refused: 2 errors; first: " + map.string() + ":4:17:", 0), 0u) << lines[2];
}

TEST(MapOption, AMissingMapFileAndAMissingValueAreUsageAndLoadErrors) {
  CliRun none = cli({"route", kLanxi.string(), kOrders, "--map"});
  EXPECT_EQ(none.code, 2);
  EXPECT_NE(none.err.find("route: --map needs a map file"), std::string::npos) << none.err;
  CliRun missing = cli({"route", "--map=" + (scratch() / "nope.json").string(), kLanxi.string(), kOrders});
  EXPECT_EQ(missing.code, 1);
  EXPECT_EQ(missing.err, (scratch() / "nope.json").string() + ": no such file\ngridroute: map refused: 1 error; first: " +
                             (scratch() / "nope.json").string() + ": no such file\n");
}

TEST(MapOption, AGbkLineIsRejectedSayingSo) {
  // 高音喇叭扰民 in GBK, as an older platform may export it.
  const std::string line =
      "{\"orderNo\": 7, \"eventType\": \"\xb8\xdf\xd2\xf4\xc0\xae\xb0\xc8\xc8\xc5\xc3\xf1\", \"gridCode\": "
      "\"330781001101\", \"reportTime\": \"2026-11-20 09:40:00\"}\n";
  CliRun r = cli({"route", "--map", kMap, kLanxi.string()}, line);
  EXPECT_EQ(r.code, 0);
  auto recs = records(r.out);
  ASSERT_EQ(recs.size(), 1u);
  EXPECT_EQ(str(recs[0].at("status")), "rejected");
  EXPECT_NE(str(recs[0].at("error")).find("invalid UTF-8 in the line; the line looks GBK-encoded: in GBK it reads"),
            std::string::npos)
      << r.out;
  EXPECT_NE(str(recs[0].at("error")).find("高音喇叭扰民"), std::string::npos) << r.out;
}

// ---- the summary line and --fail-on-rejected

TEST(Summary, RouteCountsRoutedUnroutedAndRejected) {
  CliRun r = cli({"route", "--summary", "--map", kMap, kLanxi.string(), kOrders});
  EXPECT_EQ(r.code, 0);
  EXPECT_EQ(r.err, "gridroute route: 10 lines: 8 routed, 0 unrouted, 2 rejected\n"
                   "gridroute route: " + std::string(kOrders) + ":7: rejected: field 'eventType': \"噪音扰民\" is not in table "
                   "\"event_types\" of " + std::string(kMap) + "\n"
                   "gridroute route: " + std::string(kOrders) + ":8: rejected: field 'gridCode' is missing (mapped to 'cell')\n");
  CliRun one = cli({"route", "--summary", kLanxi.string()}, kByHand[0] + "\n\n");
  EXPECT_EQ(one.err, "gridroute route: 1 line: 1 routed, 0 unrouted, 0 rejected\n");
}

// Under the summary, the first rejected lines by FILE:LINE (blank lines counted, as an editor counts them)
// with their error, then how many more; from standard input, by their record's number.
TEST(Summary, NamesTheFirstRejectedLines) {
  const fs::path in = scratch() / "mostly-bad.jsonl";
  std::string text = kByHand[0] + "\n\n   \n";
  for (int i = 0; i < 7; ++i) text += "{\"id\": \"B" + std::to_string(i) + "\", \"category\": \"no.such\"}\n";
  text += "{broken\n";
  write_text(in, text);
  CliRun r = cli({"route", "--summary", kLanxi.string(), in.string()});
  EXPECT_EQ(r.code, 0);
  const std::string head = "gridroute route: " + in.string();
  EXPECT_EQ(r.err, "gridroute route: 9 lines: 1 routed, 0 unrouted, 8 rejected\n" + head +
                       ":4: rejected: missing field 'cell' (or 'location': [longitude, latitude])\n" + head +
                       ":5: rejected: missing field 'cell' (or 'location': [longitude, latitude])\n" + head +
                       ":6: rejected: missing field 'cell' (or 'location': [longitude, latitude])\n" + head +
                       ":7: rejected: missing field 'cell' (or 'location': [longitude, latitude])\n" + head +
                       ":8: rejected: missing field 'cell' (or 'location': [longitude, latitude])\n"
                       "gridroute route: ... and 3 more rejected\n");
  CliRun piped = cli({"route", "--summary", kLanxi.string()}, "\n" + kByHand[0] + "\n{broken\n");
  EXPECT_EQ(piped.err, "gridroute route: 2 lines: 1 routed, 0 unrouted, 1 rejected\n"
                       "gridroute route: standard input: record 2 rejected: invalid JSON: syntax error at column 2 (a name "
                       "without double quotes)\n");
}

TEST(Summary, EscalateCountsTheActionsThatOccurred) {
  CliRun r = cli({"escalate", "--summary", kLanxi.string(), (kLanxi / "cases.jsonl").string(), "--now",
                  read_text(kLanxi / "NOW.txt").substr(0, 25)});
  ASSERT_EQ(r.code, 0) << r.err;
  // The counts of the expected answers, in the contract's order of actions.
  std::map<std::string, int> n;
  int total = 0;
  for (const auto& rec : records(read_text(kLanxi / "expected-escalate.jsonl"))) ++n[str(rec.at("action"))], ++total;
  std::string want = "gridroute escalate: " + std::to_string(total) + " lines";
  bool first = true;
  for (const char* a : {"none", "hold", "escalate", "reopen", "overdue", "redispatch", "dispute", "suspended", "rejected"})
    if (n[a]) want += (first ? ": " : ", ") + std::to_string(n[a]) + " " + a, first = false;
  // The summary line first; the rejected lines under it.
  EXPECT_EQ(r.err.substr(0, r.err.find('\n') + 1), want + "\n");
  EXPECT_NE(r.err.find("cases.jsonl:38: rejected: missing field 'reports'\n"), std::string::npos) << r.err;
}

TEST(FailOnRejected, ExitsWith4WhenALineWasRejectedAndStillAnswersEveryLine) {
  CliRun r = cli({"route", "--fail-on-rejected", "--map", kMap, kLanxi.string(), kOrders});
  EXPECT_EQ(r.code, 4);
  EXPECT_EQ(lines_of(r.out).size(), 10u);
  CliRun clean = cli({"route", "--fail-on-rejected", kLanxi.string()}, kByHand[0] + "\n" + kByHand[1] + "\n");
  EXPECT_EQ(clean.code, 0) << clean.err;
  CliRun esc = cli({"escalate", "--fail-on-rejected", kLanxi.string(), (kLanxi / "cases.jsonl").string(), "--now",
                    "2026-11-23T10:00:00+08:00"});
  EXPECT_EQ(esc.code, 4);  // cases.jsonl has 6 rejected cases
  // A line over --max-line-bytes is rejected too.
  CliRun longline = cli({"route", "--fail-on-rejected", "--max-line-bytes", "100", "--summary", kLanxi.string()},
                        kByHand[0] + "\n");
  EXPECT_EQ(longline.code, 4);
  EXPECT_EQ(longline.err, "gridroute route: 1 line: 0 routed, 0 unrouted, 1 rejected\n"
                         "gridroute route: standard input: record 1 rejected: the line is " +
                             std::to_string(kByHand[0].size()) +
                             " bytes, over the limit of 100 bytes per line (--max-line-bytes)\n");
}

// ---- a closed pipe

TEST(ClosedPipe, EndsQuietlyWithStatus141) {
  // A reader that takes one line and goes away, as `| head -1` does.
  std::string input;
  for (int i = 0; i < 20000; ++i) input += kByHand[0] + "\n";
  const fs::path in = scratch() / "many.jsonl";
  write_text(in, input);
  const fs::path err = scratch() / "pipe-err";
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  pid_t pid = fork();
  if (pid == 0) {
    close(fds[0]);
    dup2(fds[1], 1);
    int e = open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(e, 2);
    std::string exe = GRIDROUTE_CLI, cmd = "route", b = kLanxi.string(), f = in.string();
    char* argv[] = {exe.data(), cmd.data(), b.data(), f.data(), nullptr};
    execv(exe.c_str(), argv);
    _exit(127);
  }
  close(fds[1]);
  char buf[64];
  ASSERT_GT(read(fds[0], buf, sizeof buf), 0);
  close(fds[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  const int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  EXPECT_EQ(code, 141);
  EXPECT_EQ(read_text(err), "");
}

// ---- the progress bar and the terminal

// Runs route with standard error on a new terminal and standard output on the same terminal or in a file;
// the input comes through a pipe in two parts, 0.7 s apart, so that the batch runs long enough for a bar.
std::string on_a_terminal(bool output_on_terminal) {
  const fs::path out = scratch() / "tty-out";
  int in[2];
  EXPECT_EQ(pipe(in), 0);
  int master = -1;
  pid_t pid = forkpty(&master, nullptr, nullptr, nullptr);
  if (pid == 0) {
    dup2(in[0], 0);
    close(in[1]);
    if (!output_on_terminal) dup2(open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644), 1);
    std::string exe = GRIDROUTE_CLI, cmd = "route", b = kLanxi.string();
    char* argv[] = {exe.data(), cmd.data(), b.data(), nullptr};
    execv(exe.c_str(), argv);
    _exit(127);
  }
  close(in[0]);
  std::string seen;
  auto drain = [&](int ms) {
    const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
    while (std::chrono::steady_clock::now() < until) {
      pollfd p{master, POLLIN, 0};
      if (poll(&p, 1, 20) > 0) {
        char buf[4096];
        const ssize_t n = read(master, buf, sizeof buf);
        if (n <= 0) return false;
        seen.append(buf, static_cast<std::size_t>(n));
      }
    }
    return true;
  };
  auto feed = [&](int lines) {
    std::string chunk;
    for (int i = 0; i < lines; ++i) chunk += kByHand[0] + "\n";
    EXPECT_EQ(write(in[1], chunk.data(), chunk.size()), static_cast<ssize_t>(chunk.size()));
  };
  feed(300);
  // The second part goes 0.7 s after the first part's decisions are out (on the terminal, or in the file),
  // not 0.7 s after it was sent: a bundle loaded slowly (a sanitizer, a busy machine) would otherwise read
  // both parts at once, too fast for a bar.
  auto first_out = [&] {
    if (output_on_terminal) return seen.find("\"status\"") != std::string::npos;
    std::error_code ec;
    return fs::file_size(out, ec) > 0 && !ec;
  };
  for (int waited = 0; waited < 100 && !first_out(); ++waited)
    if (!drain(100)) break;
  drain(700);
  feed(600);
  close(in[1]);
  while (drain(200)) {
    int status = 0;
    if (waitpid(pid, &status, WNOHANG) == pid) {
      drain(100);
      pid = -1;
      break;
    }
  }
  if (pid > 0) waitpid(pid, nullptr, 0);
  close(master);
  return seen;
}

// SPEC §5: a bar whenever standard error is a terminal — here the terminal the decisions are shown on too,
// so the bar is taken off before each block of them and comes back under it: no decision line holds any
// of it, and every decision is shown whole.
TEST(ProgressBar, DrawnUnderTheDecisionsOnTheSameTerminal) {
  const std::string tty = on_a_terminal(true);
  EXPECT_NE(tty.find("lines/s"), std::string::npos) << "no bar on the terminal standard error is on";
  EXPECT_NE(tty.find("\r\x1b[K"), std::string::npos) << "the bar is never erased";
  std::size_t decisions = 0;
  std::size_t at = 0;
  while (at < tty.size()) {
    std::size_t nl = tty.find("\r\n", at);
    if (nl == std::string::npos) nl = tty.size();
    std::string line = tty.substr(at, nl - at);
    at = nl + 2;
    // What a terminal shows of the line: the text after its last erase.
    if (const std::size_t e = line.rfind("\r\x1b[K"); e != std::string::npos) line = line.substr(e + 4);
    if (line.find("\"status\"") == std::string::npos) continue;
    ++decisions;
    EXPECT_EQ(line.front(), '{') << line;
    EXPECT_EQ(line.back(), '}') << line;
    EXPECT_EQ(line.find("lines/s"), std::string::npos) << line;
  }
  EXPECT_EQ(decisions, 900u);
  // The summary comes after the last decision, on a line of its own.
  EXPECT_NE(tty.find("gridroute route: 900 lines: 900 routed, 0 unrouted, 0 rejected\r\n"), std::string::npos);
  const std::size_t last = tty.rfind("}\r\n");
  EXPECT_LT(last, tty.find("gridroute route: 900 lines"));
}

TEST(ProgressBar, DrawnWhenTheDecisionsGoElsewhere) {
  const std::string tty = on_a_terminal(false);
  EXPECT_EQ(tty.find("\"status\""), std::string::npos);
  EXPECT_NE(tty.find("lines/s"), std::string::npos) << tty;
  EXPECT_NE(tty.find("gridroute route: 900 lines: 900 routed, 0 unrouted, 0 rejected\r\n"), std::string::npos) << tty;
}

}  // namespace
}  // namespace diag_test
