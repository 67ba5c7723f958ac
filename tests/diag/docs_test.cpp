// The docs' examples run as the pages show them. A code block right after the line `<!-- runs -->` is a
// terminal transcript: each `$ COMMAND` (a line ending in a backslash goes on) is run by bash from the
// repository's root, one shell per block, and what it prints (standard output and error together) must
// be the lines that follow it, exactly. `build/gridroute` is the CLI under test and `examples/` the
// repository's, whatever the build directory is: the commands run in a scratch folder that links both.
#include <algorithm>
#include <string>
#include <vector>

#include "diag_util.hpp"

namespace diag_test {
namespace {

struct Command {
  std::string text;    // without "$ "
  std::string output;  // the lines after it, each with its newline
  int line = 0;        // in the page
};

struct Block {
  std::string page;
  int line = 0;
  std::vector<Command> commands;
};

// The transcript blocks of a page.
std::vector<Block> blocks_of(const fs::path& page) {
  std::vector<Block> out;
  const auto lines = lines_of(read_text(page));
  for (std::size_t i = 0; i + 1 < lines.size(); ++i) {
    if (lines[i] != "<!-- runs -->" || !lines[i + 1].starts_with("```")) continue;
    Block b;
    b.page = page.filename().string();
    b.line = static_cast<int>(i + 2);
    std::size_t k = i + 2;
    for (; k < lines.size() && !lines[k].starts_with("```"); ++k) {
      const std::string& l = lines[k];
      if (l.starts_with("$ ")) {
        Command c;
        c.text = l.substr(2);
        c.line = static_cast<int>(k + 1);
        while (c.text.ends_with("\\") && k + 1 < lines.size()) c.text += "\n" + lines[++k];
        b.commands.push_back(std::move(c));
      } else if (!b.commands.empty()) {
        b.commands.back().output += l + "\n";
      } else {
        ADD_FAILURE() << b.page << ":" << k + 1 << ": a transcript must start with a $ command";
      }
    }
    out.push_back(std::move(b));
    i = k;
  }
  return out;
}

// A scratch folder in which build/gridroute is the CLI under test and examples/ the repository's.
fs::path docs_root() {
  static const fs::path root = [] {
    const fs::path r = scratch() / "docs-root";
    fs::create_directories(r / "build");
    fs::create_symlink(GRIDROUTE_CLI, r / "build" / "gridroute");
    fs::create_symlink(kSource / "examples", r / "examples");
    return r;
  }();
  return root;
}

const std::string kSeparator = "@@gridroute-docs-separator@@";

// Runs a block in one bash; returns each command's output.
std::vector<std::string> run(const Block& b) {
  // After each command a separator line, then its status is put back for the next one ($?).
  std::string script = "cd '" + docs_root().string() + "' || exit 99\n";
  for (const auto& c : b.commands)
    script += "{ " + c.text + "\n} 2>&1; __status=$?; printf '\\n%s\\n' '" + kSeparator + "'; (exit $__status)\n";
  const fs::path file = scratch() / "docs-block.sh", out = scratch() / "docs-out";
  write_text(file, script);
  pid_t pid = fork();
  if (pid == 0) {
    int o = open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644), i = open("/dev/null", O_RDONLY);
    dup2(i, 0);
    dup2(o, 1);
    dup2(o, 2);
    execl("/bin/bash", "bash", "--noprofile", "--norc", file.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  std::vector<std::string> outputs;
  std::string rest = read_text(out);
  for (std::size_t at; (at = rest.find(kSeparator + "\n")) != std::string::npos;) {
    std::string o = rest.substr(0, at);
    if (!o.empty() && o.back() == '\n') o.pop_back();  // the separator's own newline
    outputs.push_back(o);
    rest = rest.substr(at + kSeparator.size() + 1);
  }
  return outputs;
}

std::vector<fs::path> pages() {
  std::vector<fs::path> v{kSource / "README.md"};
  for (const auto& e : fs::directory_iterator(kSource / "docs"))
    if (e.path().extension() == ".md") v.push_back(e.path());
  std::sort(v.begin(), v.end());
  return v;
}

TEST(Docs, TranscriptsRunAsShown) {
  std::size_t commands = 0;
  for (const auto& page : pages()) {
    for (const Block& b : blocks_of(page)) {
      SCOPED_TRACE(b.page + ":" + std::to_string(b.line));
      const auto outputs = run(b);
      ASSERT_EQ(outputs.size(), b.commands.size()) << "the block stopped early";
      for (std::size_t i = 0; i < outputs.size(); ++i) {
        ++commands;
        EXPECT_EQ(outputs[i], b.commands[i].output)
            << b.page << ":" << b.commands[i].line << ": $ " << b.commands[i].text;
      }
    }
  }
  // The pages this work wrote carry transcripts: a marker lost in an edit is noticed.
  EXPECT_GE(commands, 20u);
}

TEST(Docs, ThePagesOnThisWorkHaveTranscripts) {
  for (const char* page : {"platform-input.md", "cli.md"}) {
    SCOPED_TRACE(page);
    EXPECT_GE(blocks_of(kSource / "docs" / page).size(), 3u);
  }
}

TEST(Docs, EveryOptionOfRouteEscalateAndCheckIsInCliMdAndInItsHelp) {
  const std::string cli_md = read_text(kSource / "docs" / "cli.md");
  const std::vector<std::pair<std::string, std::vector<std::string>>> options = {
      {"check", {"--format json", "--strict", "--coverage"}},
      {"route", {"--explain", "--map", "--summary", "--fail-on-rejected", "--quiet", "--threads", "--max-line-bytes"}},
      {"escalate", {"--now", "--map", "--summary", "--fail-on-rejected", "--quiet"}}};
  for (const auto& [command, opts] : options) {
    const std::string help = cli({command, "--help"}).out;
    for (const auto& o : opts) {
      EXPECT_NE(help.find(o), std::string::npos) << command << " --help lacks " << o;
      EXPECT_NE(cli_md.find("`" + o), std::string::npos) << "docs/cli.md lacks " << o;
    }
  }
}

}  // namespace
}  // namespace diag_test
