// Hardening: the host never changes an answer, and never hides a failure. A bundle's time zones are
// IANA names, not the host's zone ("localtime", "libc:…") nor files; every command that prints exits 3
// when its output cannot be written (a full disk, a closed standard output).
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "hardening_util.hpp"

namespace {
using namespace hardening;

const std::vector<std::string> kHostZones = {"localtime", "LOCALTIME", "libc:localtime", "libc:UTC",
                                             "/etc/localtime", "../../etc/localtime", "./Asia/Shanghai",
                                             "Asia/../Asia/Shanghai", "Asia//Shanghai", ":UTC"};

std::string replace_once(std::string s, const std::string& from, const std::string& to) {
  const std::size_t at = s.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) s.replace(at, from.size(), to);
  return s;
}

TEST(HardeningHost, BundleTimeZonesMustBeIanaNames) {
  for (const std::string& tz : kHostZones) {
    SCOPED_TRACE(tz);
    // The jurisdiction's zone.
    gridroute::BundleSources src = base_sources();
    src.jurisdiction_json = replace_once(src.jurisdiction_json, "\"timezone\": \"Asia/Shanghai\"",
                                         "\"timezone\": " + boost::json::serialize(boost::json::value(tz)));
    LoadResult r = load(src);
    expect_well_formed(r);
    EXPECT_TRUE(has_diagnostic(r, "jurisdiction.json", "/timezone: time zone")) << r.all;
    EXPECT_TRUE(has_diagnostic(r, "jurisdiction.json", "must be an IANA name such as Asia/Shanghai")) << r.all;
    // A calendar's zone.
    src = base_sources();
    src.rules_json = replace_once(src.rules_json, "\"calendars\": [",
                                  "\"calendars\": [{\"id\": \"host\", \"timezone\": " +
                                      boost::json::serialize(boost::json::value(tz)) +
                                      ", \"weekdays\": [1], \"hours\": [[\"09:00\", \"17:00\"]]}, ");
    r = load(src);
    expect_well_formed(r);
    EXPECT_TRUE(has_diagnostic(r, "rules.json", "/calendars/0/timezone: time zone")) << r.all;
  }
  // The same names through the public formatter: refused, naming what is expected.
  for (const std::string& tz : kHostZones) {
    auto s = gridroute::format_rfc3339(0, tz);
    ASSERT_FALSE(s.ok()) << tz << " wrote " << *s;
    EXPECT_NE(std::string(s.status().message()).find("IANA"), std::string::npos) << s.status();
  }
  EXPECT_EQ(*gridroute::format_rfc3339(0, "Asia/Shanghai"), "1970-01-01T08:00:00+08:00");
}

// Runs the CLI with standard output on /dev/full (`full`) or closed; the exit status and stderr.
RunResult run_without_stdout(const std::vector<std::string>& args, bool full) {
  TempDir tmp;
  const std::string err_path = (tmp / "err").string();
  pid_t pid = ::fork();
  if (pid == 0) {
    int in = ::open("/dev/null", O_RDONLY);
    int err = ::open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (in < 0 || err < 0 || ::dup2(in, 0) < 0 || ::dup2(err, 2) < 0) ::_exit(127);
    if (full) {
      int out = ::open("/dev/full", O_WRONLY);
      if (out < 0 || ::dup2(out, 1) < 0) ::_exit(127);
    } else {
      ::close(1);
    }
    std::vector<std::string> copy = args;
    std::vector<char*> argv;
    std::string exe = GRIDROUTE_CLI;
    argv.push_back(exe.data());
    for (auto& a : copy) argv.push_back(a.data());
    argv.push_back(nullptr);
    ::execv(exe.c_str(), argv.data());
    ::_exit(127);
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  RunResult r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  r.err = read_text(err_path);
  return r;
}

TEST(HardeningHost, EveryCommandThatPrintsExits3WhenItCannotWrite) {
  ASSERT_TRUE(fs::exists("/dev/full"));
  TempDir tmp;
  const std::string bundle = example().string();
  // Enough lines that the output does not fit a buffer that is never flushed.
  std::string issues;
  for (int i = 0; i < 2000; ++i)
    issues += R"({"id": "I)" + std::to_string(i) + R"(", "category": "x.y", "cell": "nowhere", "at": "2026-11-20T09:15:00+08:00"})" "\n";
  write_text(tmp / "issues.jsonl", issues);
  const std::string input = (tmp / "issues.jsonl").string();
  const std::vector<std::vector<std::string>> commands = {
      {"version"},
      {"--version"},
      {"--help"},
      {"version", "--help"},
      {"check", "--help"},
      {"route", "--help"},
      {"check", bundle},
      {"route", bundle, input},
      {"escalate", bundle, input, "--now", "2026-11-21T09:15:00+08:00"},
  };
  for (const auto& args : commands) {
    std::string joined;
    for (const auto& a : args) joined += " " + a;
    for (bool full : {true, false}) {
      RunResult r = run_without_stdout(args, full);
      EXPECT_EQ(r.exit_code, 3) << "gridroute" << joined << (full ? " > /dev/full" : " >&-") << "\n" << r.err;
      EXPECT_NE(r.err.find("cannot write"), std::string::npos) << "gridroute" << joined << ": " << r.err;
    }
  }
  // And with somewhere to write, the same commands succeed.
  EXPECT_EQ(run_cli({"version"}).exit_code, 0);
  EXPECT_EQ(run_cli({"check", bundle}).exit_code, 0);
}

}  // namespace
