// Hardening (issue #6) through the command-line tool: byte-identical output across runs, the line
// length limit (--max-line-bytes), BOM/CRLF/NUL in JSON Lines input, directories and unreadable
// inputs, and refused bundles reported as FILE:LINE:COLUMN: /pointer: message.
#include <cerrno>
#include <cstdlib>

#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "hardening_util.hpp"

namespace {
using namespace hardening;

std::string now_text() {
  std::string t = read_text(example() / "NOW.txt");
  while (!t.empty() && (t.back() == '\n' || t.back() == '\r' || t.back() == ' ')) t.pop_back();
  return t;
}

TEST(HardeningCli, OutputIsByteIdenticalAcrossRuns) {
  const std::string dir = example().string();
  auto r1 = run_cli({"route", dir, (example() / "issues.jsonl").string(), "--explain"});
  auto r2 = run_cli({"route", dir, (example() / "issues.jsonl").string(), "--explain"});
  ASSERT_EQ(r1.exit_code, 0) << r1.err;
  EXPECT_FALSE(r1.out.empty());
  EXPECT_EQ(r1.out, r2.out);
  auto e1 = run_cli({"escalate", dir, (example() / "cases.jsonl").string(), "--now", now_text()});
  auto e2 = run_cli({"escalate", dir, (example() / "cases.jsonl").string(), "--now", now_text()});
  ASSERT_EQ(e1.exit_code, 0) << e1.err;
  EXPECT_EQ(e1.out, e2.out);
  // Standard input gives the same bytes as a file.
  auto e3 = run_cli({"escalate", dir, "-", "--now", now_text()}, (example() / "cases.jsonl").string());
  EXPECT_EQ(e1.out, e3.out);
  auto c1 = run_cli({"check", dir});
  auto c2 = run_cli({"check", dir});
  EXPECT_EQ(c1.out, c2.out);
  EXPECT_EQ(c1.exit_code, 0);
  // A refused bundle's report is stable too.
  fs::path bad = fs::path(GRIDROUTE_SOURCE_DIR) / "tests" / "malformed" / "tree-cycle";
  TempDir tmp;
  copy_bundle(fs::path(GRIDROUTE_SOURCE_DIR) / "tests" / "malformed" / "_base", tmp.path());
  fs::copy_file(bad / "jurisdiction.json", tmp / "jurisdiction.json", fs::copy_options::overwrite_existing);
  auto b1 = run_cli({"check", tmp.path().string()});
  auto b2 = run_cli({"check", tmp.path().string()});
  EXPECT_EQ(b1.exit_code, 1);
  EXPECT_EQ(b1.err, b2.err);
}

TEST(HardeningCli, LongLinesAreRejectedNotRead) {
  TempDir tmp;
  std::string good = read_text(example() / "issues.jsonl");
  good = good.substr(0, good.find('\n'));
  std::string big = R"({"id": "big", "pad": ")" + std::string(2 << 20, 'x') + "\"}";
  // The long line, a CRLF line, a blank line, and a last line without a newline.
  write_text(tmp / "in.jsonl", big + "\n" + good + "\r\n\n" + good);
  auto r = run_cli({"route", example().string(), (tmp / "in.jsonl").string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto first = without_bundle(r.out.substr(0, r.out.find('\n')));
  EXPECT_EQ(first, R"({"id": null, "status": "rejected", "error": "the line is )" + std::to_string(big.size()) +
                       R"x( bytes, over the limit of 1048576 bytes per line (--max-line-bytes)"})x");
  EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 3) << r.out.substr(0, 500);
  // Raised, the line is read (and rejected for what it lacks).
  auto raised = run_cli({"route", example().string(), (tmp / "in.jsonl").string(), "--max-line-bytes", "4194304"});
  EXPECT_TRUE(without_bundle(raised.out).starts_with(R"({"id": "big", "status": "rejected", "error": "missing field 'category'"})"))
      << raised.out.substr(0, 300);
  // Lowered, the ordinary lines are refused too; escalate has the same option.
  auto low = run_cli({"escalate", example().string(), (tmp / "in.jsonl").string(), "--now", now_text(),
                      "--max-line-bytes=10"});
  EXPECT_EQ(low.exit_code, 0);
  EXPECT_EQ(std::count(low.out.begin(), low.out.end(), '\n'), 3);
  EXPECT_NE(low.out.find(R"("action": "rejected", "error": "the line is )"), std::string::npos);
  for (const char* bad : {"0", "-1", "abc", "1073741825", ""}) {
    auto u = run_cli({"route", example().string(), "--max-line-bytes", bad});
    EXPECT_EQ(u.exit_code, 2) << bad;
  }
}

// compile's -o given twice is a usage error, as every other option given twice is: neither file is written.
TEST(HardeningCli, CompileOutputGivenTwiceIsAUsageError) {
  TempDir tmp;
  auto r = run_cli({"compile", example().string(), "-o", (tmp / "a.grb").string(), "-o", (tmp / "b.grb").string()});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("compile: -o is given twice"), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(tmp / "a.grb"));
  EXPECT_FALSE(std::filesystem::exists(tmp / "b.grb"));
}

TEST(HardeningCli, BomCrlfAndNulInInput) {
  TempDir tmp;
  std::string good = read_text(example() / "issues.jsonl");
  good = good.substr(0, good.find('\n'));
  write_text(tmp / "in.jsonl", "\xEF\xBB\xBF" + good + "\r\n" + std::string("{\"id\": \"n\0l\"}\r\n", 15));
  auto r = run_cli({"route", example().string(), (tmp / "in.jsonl").string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto nl = r.out.find('\n');
  EXPECT_NE(r.out.substr(0, nl).find("\"status\": \"routed\""), std::string::npos) << r.out;
  EXPECT_NE(r.out.substr(nl).find(R"({"id": null, "status": "rejected", "error": "invalid JSON)"), std::string::npos)
      << r.out;
}

// A file named on the command line is read through a memory map, standard input from a pipe by reads:
// both frame the same lines the same way (a byte-order mark on the first line, CRLF ends, blank lines,
// lines over the limit, blank or not, and a last line without its newline), over blocks of lines.
TEST(HardeningCli, AFileAndAPipeGiveTheSameRecords) {
  TempDir tmp;
  std::vector<std::string> good;
  for (std::string all = read_text(example() / "issues.jsonl"); !all.empty();) {
    const std::size_t nl = all.find('\n');
    if (nl) good.push_back(all.substr(0, nl));
    all.erase(0, nl == std::string::npos ? all.size() : nl + 1);
  }
  ASSERT_GT(good.size(), 1u);
  std::string text = "\xEF\xBB\xBF" + good[0] + "\r\n";
  std::size_t expected = 1;
  for (int i = 0; i < 9000; ++i) {
    if (i % 1000 == 7) text += std::string(700, 'x') + "\n", ++expected;           // over the limit
    else if (i % 1000 == 8) text += std::string(700, ' ') + "\n", ++expected;      // blank, but over it
    else if (i % 97 == 0) text += " \t\r\n";                                     // blank
    else text += good[static_cast<std::size_t>(i) % good.size()] + (i % 3 ? "\n" : "\r\n"), ++expected;
  }
  text += good[1];  // no newline at the end
  ++expected;
  write_text(tmp / "in.jsonl", text);
  const std::string in = (tmp / "in.jsonl").string();
  auto file = run_cli({"route", example().string(), in, "--max-line-bytes", "600"});
  ASSERT_EQ(file.exit_code, 0) << file.err;
  EXPECT_EQ(static_cast<std::size_t>(std::count(file.out.begin(), file.out.end(), '\n')), expected);
  EXPECT_EQ(file.out.substr(0, file.out.find('\n')).find("\"status\": \"routed\""), file.out.find("\"status\""))
      << "the byte-order mark is skipped: " << file.out.substr(0, 200);
  EXPECT_NE(file.out.find("over the limit of 600 bytes"), std::string::npos);
  auto redirected = run_cli({"route", example().string(), "-", "--max-line-bytes", "600"}, in);
  EXPECT_EQ(redirected.out, file.out);
  const std::string piped = (tmp / "piped.out").string();
  const std::string cmd = "cat '" + in + "' | '" + std::string(GRIDROUTE_CLI) + "' route '" + example().string() +
                          "' - --max-line-bytes 600 > '" + piped + "'";
  ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
  EXPECT_EQ(read_text(piped), file.out);
}

// Answers of hundreds of kilobytes (an owner with 20,000 alternates) are not held by the thousand: the
// blocks of lines start at 64 and shrink to 16 MiB of answers, so 600 answers of 330 KB (197 MB written)
// keep the process within some tens of megabytes. (It used to answer the 600 lines as one block, held
// whole: 400 MB.)
TEST(HardeningCli, LargeAnswersAreWrittenAFewMegabytesAtATime) {
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
  GTEST_SKIP() << "a CLI built with a sanitizer keeps freed memory in quarantine: its peak says nothing of the blocks";
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
  GTEST_SKIP() << "a CLI built with a sanitizer keeps freed memory in quarantine: its peak says nothing of the blocks";
#endif
#endif
  TempDir tmp;
  write_text(tmp / "jurisdiction.json", R"({"format": "gridroute.jurisdiction/1", "timezone": "UTC",
    "tiers": ["community", "area", "cell"], "handlers_csv": "handlers.csv",
    "units": [{"id": "c", "tier": "community"}, {"id": "a", "tier": "area", "parent": "c"},
              {"id": "x", "tier": "cell", "parent": "a"}]})");
  write_text(tmp / "rules.json", R"({"format": "gridroute.rules/1", "defaults": {"sla": {"respond": "1h", "resolve": "1d"}},
    "rules": [{"id": "all", "categories": ["*"], "route": ["resident_council"]}]})");
  std::string handlers = "id,role,department,serves\n";
  for (int i = 0; i < 20000; ++i) handlers += "council-" + std::to_string(i) + ",resident_council,,x\n";
  write_text(tmp / "handlers.csv", handlers);
  std::string issues;
  for (int i = 0; i < 600; ++i) issues += R"({"id": )" + std::to_string(i) + R"(, "category": "a.b", "cell": "x", "at": "2026-01-05T10:00:00Z"})" "\n";
  write_text(tmp / "issues.jsonl", issues);
  const std::string dir = tmp.path().string(), in = (tmp / "issues.jsonl").string(), out = (tmp / "out.jsonl").string();
  pid_t pid = ::fork();
  if (pid == 0) {
    if (!std::freopen(out.c_str(), "wb", stdout)) ::_exit(127);
    std::string exe = GRIDROUTE_CLI, cmd = "route", quiet = "--quiet";
    std::string d = dir, i = in;
    char* argv[] = {exe.data(), cmd.data(), d.data(), i.data(), quiet.data(), nullptr};
    ::execv(exe.c_str(), argv);
    ::_exit(127);
  }
  int status = 0;
  struct rusage usage {};
  ASSERT_EQ(::wait4(pid, &status, 0, &usage), pid);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
  EXPECT_GT(fs::file_size(out), 100u << 20);
  EXPECT_LT(usage.ru_maxrss, 80 * 1024) << "kilobytes at most, for " << fs::file_size(out) << " bytes written";
  fs::remove(out);
}

// An over-long line is reported at the length the limit counts: without the '\r' of a CRLF end, whether
// the line is read from a map, from a redirected file or from a pipe in parts (past the read buffer).
TEST(HardeningCli, AnOverLongCrlfLineIsReportedWithoutItsCr) {
  TempDir tmp;
  const std::string text = std::string(700, 'x') + "\r\n" + std::string(70000, 'y') + "\r\n" + std::string(650, 'z') + "\n";
  write_text(tmp / "in.jsonl", text);
  const std::string in = (tmp / "in.jsonl").string();
  auto expect_lengths = [](const std::string& out) {
    EXPECT_NE(out.find("the line is 700 bytes, over the limit of 600"), std::string::npos) << out;
    EXPECT_NE(out.find("the line is 70000 bytes, over the limit of 600"), std::string::npos) << out;
    EXPECT_NE(out.find("the line is 650 bytes, over the limit of 600"), std::string::npos) << out;
  };
  auto file = run_cli({"route", example().string(), in, "--max-line-bytes", "600"});
  expect_lengths(file.out);
  expect_lengths(run_cli({"route", example().string(), "-", "--max-line-bytes", "600"}, in).out);
  const std::string piped = (tmp / "piped.out").string();
  const std::string cmd = "cat '" + in + "' | '" + std::string(GRIDROUTE_CLI) + "' route '" + example().string() +
                          "' - --max-line-bytes 600 > '" + piped + "'";
  ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
  EXPECT_EQ(read_text(piped), file.out);
}

// A file cut while the CLI reads it through its map (a log rotated by copytruncate): the lines that ended
// before the new end are answered, the rest is not, and the command says so with exit status 3 instead of
// dying of SIGBUS and losing the records it had.
TEST(HardeningCli, AFileCutWhileItIsReadIsReportedNotACrash) {
  TempDir tmp;
  std::string all = read_text(example() / "issues.jsonl");
  std::string text;
  while (text.size() < (std::size_t{24} << 20)) text += all;
  const std::string in = (tmp / "in.jsonl").string();
  write_text(in, text);
  auto whole = run_cli({"route", example().string(), in, "--quiet"});
  ASSERT_EQ(whole.exit_code, 0) << whole.err;
  // The CLI writes into a pipe nobody reads yet, so it stops early in the file; the file is cut then.
  int pipe_fds[2];
  ASSERT_EQ(::pipe(pipe_fds), 0);
  const std::string err_path = (tmp / "err.txt").string();
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::dup2(pipe_fds[1], 1);
    ::close(pipe_fds[0]);
    if (!std::freopen(err_path.c_str(), "wb", stderr)) ::_exit(127);
    std::string exe = GRIDROUTE_CLI, cmd = "route", bundle = example().string(), input = in, q = "--quiet";
    char* argv[] = {exe.data(), cmd.data(), bundle.data(), input.data(), q.data(), nullptr};
    ::execv(exe.c_str(), argv);
    ::_exit(127);
  }
  ::close(pipe_fds[1]);
  char buf[4096];
  const ssize_t got = ::read(pipe_fds[0], buf, sizeof buf);  // it is writing: its first blocks are answered
  ASSERT_GT(got, 0);
  std::string out(buf, static_cast<std::size_t>(got));
  ::usleep(300 * 1000);  // and it waits on the full pipe
  const std::size_t cut_at = text.size() / 2;
  ASSERT_EQ(::truncate(in.c_str(), static_cast<off_t>(cut_at)), 0);
  for (ssize_t n = 0; (n = ::read(pipe_fds[0], buf, sizeof buf)) != 0;) {
    if (n < 0 && errno == EINTR) continue;
    ASSERT_GT(n, 0);
    out.append(buf, static_cast<std::size_t>(n));
  }
  ::close(pipe_fds[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFEXITED(status)) << "ended by signal " << WTERMSIG(status);
  EXPECT_EQ(WEXITSTATUS(status), 3);
  EXPECT_NE(read_text(err_path).find("was cut to " + std::to_string(cut_at) + " bytes while it was read"),
            std::string::npos)
      << read_text(err_path);
  // Every line that ended before the cut has its record, the same as from the whole file; no other.
  const auto lines_before_cut = static_cast<std::size_t>(std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(cut_at), '\n'));
  std::size_t at = 0;
  for (std::size_t k = 0; k < lines_before_cut; ++k) at = whole.out.find('\n', at) + 1;
  EXPECT_EQ(std::count(out.begin(), out.end(), '\n'), static_cast<std::ptrdiff_t>(lines_before_cut));
  EXPECT_TRUE(out == whole.out.substr(0, at)) << "the records differ from the whole file's";
}

// An input that is also the output (`>> f.jsonl`) would be read back record by record and grow until the
// disk is full: it is refused before a line is read, and the file is left as it was.
TEST(HardeningCli, AnInputThatIsAlsoTheOutputIsRefused) {
  TempDir tmp;
  const std::string text = read_text(example() / "issues.jsonl");
  const std::string in = (tmp / "in.jsonl").string();
  write_text(in, text);
  for (const bool named : {true, false}) {
    const std::string cmd = "'" + std::string(GRIDROUTE_CLI) + "' route '" + example().string() + "' " +
                            (named ? "'" + in + "'" : std::string("- < '" + in + "'")) + " >> '" + in + "' 2> '" +
                            (tmp / "err.txt").string() + "'";
    const int status = std::system(cmd.c_str());
    ASSERT_TRUE(WIFEXITED(status)) << cmd;
    EXPECT_EQ(WEXITSTATUS(status), 3) << cmd;
    EXPECT_NE(read_text(tmp / "err.txt").find("is also the output"), std::string::npos) << read_text(tmp / "err.txt");
    EXPECT_EQ(read_text(in), text) << cmd;
  }
}

// `compile -o` renames its file over the target, and `diff --html/--summary` write theirs whole: neither
// may replace a file it reads, a device or a FIFO (the rename would put a regular file in its place).
TEST(HardeningCli, AnOutputFileIsNeverAnInputNorADevice) {
  TempDir tmp;
  copy_bundle(example(), tmp / "b");
  const std::string rules = read_text(tmp / "b" / "rules.json");
  auto r = run_cli({"compile", (tmp / "b").string(), "-o", (tmp / "b" / "rules.json").string()});
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_NE(r.err.find("is also an input"), std::string::npos) << r.err;
  EXPECT_EQ(read_text(tmp / "b" / "rules.json"), rules);
  ASSERT_EQ(::mkfifo((tmp / "fifo").c_str(), 0600), 0);
  r = run_cli({"compile", (tmp / "b").string(), "-o", (tmp / "fifo").string()});
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_NE(r.err.find("not a regular file"), std::string::npos) << r.err;
  EXPECT_TRUE(fs::is_fifo(tmp / "fifo"));
  r = run_cli({"compile", (tmp / "b").string(), "-o", tmp.path().string()});
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_NE(r.err.find("is a directory"), std::string::npos) << r.err;
  // A compiled file is not compiled over itself; an earlier output is replaced.
  const std::string grb = (tmp / "b.grb").string();
  ASSERT_EQ(run_cli({"compile", (tmp / "b").string(), "-o", grb, "--quiet"}).exit_code, 0);
  ASSERT_EQ(run_cli({"compile", (tmp / "b").string(), "-o", grb, "--quiet"}).exit_code, 0);
  r = run_cli({"compile", grb, "-o", grb});
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_NE(r.err.find("is also an input"), std::string::npos) << r.err;

  const std::string issues = (tmp / "issues.jsonl").string();
  const std::string text = read_text(example() / "issues.jsonl");
  write_text(issues, text);
  for (const char* option : {"--html", "--summary"}) {
    r = run_cli({"diff", (tmp / "b").string(), grb, issues, option, issues});
    EXPECT_EQ(r.exit_code, 3) << option;
    EXPECT_NE(r.err.find("is also an input"), std::string::npos) << r.err;
    EXPECT_EQ(read_text(issues), text) << option;
    EXPECT_TRUE(r.out.empty()) << option;
  }
  r = run_cli({"diff", (tmp / "b").string(), grb, issues, "--html", (tmp / "b" / "rules.json").string()});
  EXPECT_EQ(r.exit_code, 3);
  r = run_cli({"diff", (tmp / "b").string(), grb, issues, "--html", (tmp / "r").string(), "--summary", (tmp / "r").string()});
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_NE(r.err.find("also the --summary file"), std::string::npos) << r.err;
  // A device written in place is fine for a report.
  r = run_cli({"diff", (tmp / "b").string(), grb, issues, "--html", "/dev/null", "--quiet"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  // A report or compiled file in a folder that is not there is refused before any work, naming the folder.
  for (const char* option : {"--html", "--summary"}) {
    r = run_cli({"diff", (tmp / "b").string(), grb, issues, option, (tmp / "no-such" / "r.html").string()});
    EXPECT_EQ(r.exit_code, 3) << option;
    EXPECT_NE(r.err.find("its folder " + (tmp / "no-such").string() + " does not exist"), std::string::npos) << r.err;
    EXPECT_TRUE(r.out.empty()) << option << ": " << r.out;
  }
  r = run_cli({"compile", (tmp / "b").string(), "-o", (tmp / "no-such" / "b.grb").string()});
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_NE(r.err.find("does not exist"), std::string::npos) << r.err;
}

TEST(HardeningCli, InputsThatCannotBeRead) {
  TempDir tmp;
  auto dir = run_cli({"route", example().string(), tmp.path().string()});
  EXPECT_EQ(dir.exit_code, 3);
  EXPECT_NE(dir.err.find("is a directory"), std::string::npos) << dir.err;
  EXPECT_TRUE(dir.out.empty());
  auto missing = run_cli({"escalate", example().string(), (tmp / "nope.jsonl").string(), "--now", now_text()});
  EXPECT_EQ(missing.exit_code, 3);
  EXPECT_NE(missing.err.find("No such file"), std::string::npos) << missing.err;
  fs::create_symlink("loop", tmp / "loop");
  auto loop = run_cli({"route", example().string(), (tmp / "loop").string()});
  EXPECT_EQ(loop.exit_code, 3);
  EXPECT_NE(loop.err.find("Too many levels of symbolic links"), std::string::npos) << loop.err;
  auto bundle_loop = run_cli({"check", (tmp / "loop").string()});
  EXPECT_EQ(bundle_loop.exit_code, 1);
  EXPECT_NE(bundle_loop.err.find("Too many levels of symbolic links"), std::string::npos) << bundle_loop.err;
}

TEST(HardeningCli, RefusedBundleNamesFileLineColumnAndPointer) {
  TempDir tmp;
  copy_bundle(fs::path(GRIDROUTE_SOURCE_DIR) / "tests" / "malformed" / "_base", tmp.path());
  fs::copy_file(fs::path(GRIDROUTE_SOURCE_DIR) / "tests" / "malformed" / "number-priority-1e400" / "rules.json",
                tmp / "rules.json", fs::copy_options::overwrite_existing);
  auto r = run_cli({"check", tmp.path().string()});
  EXPECT_EQ(r.exit_code, 1);
  std::string want = (tmp / "rules.json").string() + ":";
  EXPECT_TRUE(r.err.starts_with(want)) << r.err;
  EXPECT_NE(r.err.find(": /rules/2/priority: must be an integer within 64-bit range, got Infinity"), std::string::npos)
      << r.err;
  // Routing against it never starts.
  auto route = run_cli({"route", tmp.path().string()}, (example() / "issues.jsonl").string());
  EXPECT_EQ(route.exit_code, 1);
  EXPECT_TRUE(route.out.empty());
}

}  // namespace

namespace {

// Standard input that is a directory (`route B - < /tmp`) is said as a path that is one is.
TEST(HardeningCli, StandardInputThatIsADirectoryIsNamedAsSuch) {
  TempDir tmp;
  const RunResult r = run_cli({"route", lanxi().string(), "-"}, tmp.path().string());
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_EQ(r.err, "gridroute: cannot read standard input: is a directory\n");
  EXPECT_TRUE(r.out.empty());
}

}  // namespace
