// The docs' examples run as the pages show them. A code block right after the line `<!-- runs -->` is a
// terminal transcript: each `$ COMMAND` (a line ending in a backslash goes on) is run by bash from the
// repository's root, one shell per block, and what it prints (standard output and error together) must
// be the lines that follow it, exactly. `build/gridroute` is the CLI under test and every other path the
// repository's, whatever the build directory is: the commands run in a scratch folder that links the
// repository's top-level entries and, under `build/`, the build directory's. Every other fenced block says
// by its mark how it is checked, or why it is not run (EveryBlockRunsOrSaysWhyNot).
#include <algorithm>
#include <cctype>
#include <set>
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
    b.page = fs::relative(page, kSource).string();
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
    for (const auto& e : fs::directory_iterator(fs::path(GRIDROUTE_CLI).parent_path()))
      if (e.path().filename() != "gridroute") fs::create_symlink(e.path(), r / "build" / e.path().filename());
    for (const auto& e : fs::directory_iterator(kSource))
      if (e.path().filename() != "build" && !e.path().filename().string().starts_with("."))
        fs::create_symlink(e.path(), r / e.path().filename());
    return r;
  }();
  return root;
}

// How many blocks of the pages may be marked <!-- not run: REASON -->.
constexpr std::size_t kMostBlocksNotRun = 47;

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
  for (const auto& e : fs::directory_iterator(kSource / "examples"))
    if (fs::exists(e.path() / "README.md")) v.push_back(e.path() / "README.md");
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


// Every fenced block of the pages says, on the line right before it, how it is checked:
//   <!-- runs -->             a transcript, run by TranscriptsRunAsShown
//   <!-- runs: sh -->         commands, run by bash from the repository's root (as above); it must exit 0
//   <!-- runs: c -->          a C program, built against build/capi's library as docs/c-api.md says, and run
//   <!-- its output -->       right after a <!-- runs: sh/c --> block: what it prints (both outputs), exactly
//   <!-- parses -->           JSON, or JSON Lines (each line that is not blank parses)
//   <!-- quotes PATH -->      PATH holds the block as it is (up to indentation); the suite builds and runs PATH
//   <!-- run by PATH -->      the test PATH runs the block; PATH names the page
//   <!-- test: NAME -->       docs/platform.md's PostgreSQL steps, run by tests/platform/pg_test.py
//   <!-- not run: REASON -->  not run, and why
const std::string kItsOutput = "<!-- its output -->";

struct Fence {
  std::string page;
  int line = 0;  // of the opening ```
  std::string marker, body;
};

std::vector<Fence> fences_of(const fs::path& page) {
  std::vector<Fence> out;
  const auto lines = lines_of(read_text(page));
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (!lines[i].starts_with("```")) continue;
    Fence f;
    f.page = fs::relative(page, kSource).string();
    f.line = static_cast<int>(i + 1);
    if (i > 0 && lines[i - 1].starts_with("<!--")) f.marker = lines[i - 1];
    std::size_t k = i + 1;
    for (; k < lines.size() && !lines[k].starts_with("```"); ++k) f.body += lines[k] + "\n";
    EXPECT_LT(k, lines.size()) << f.page << ":" << f.line << ": the block is not closed";
    out.push_back(std::move(f));
    i = k;
  }
  return out;
}

// The lines without their indentation: a quoted block may sit deeper in its file than on the page.
std::string unindented(const std::string& text) {
  std::string out;
  for (const auto& l : lines_of(text)) {
    const std::size_t at = l.find_first_not_of(" \t");
    out += (at == std::string::npos ? std::string() : l.substr(at)) + "\n";
  }
  return out;
}

std::string marker_argument(const std::string& marker, const std::string& head) {
  if (!marker.starts_with(head) || !marker.ends_with(" -->")) return {};
  return marker.substr(head.size(), marker.size() - head.size() - 4);
}

// Runs a script from the docs' root; the exit status and what it printed.
std::pair<int, std::string> run_script(const std::string& body) {
  const fs::path file = scratch() / "docs-script.sh", out = scratch() / "docs-script-out";
  write_text(file, "cd '" + docs_root().string() + "' || exit 99\nset -e\n" + body);
  // Go builds offline, reusing the build tree's cache when the Go binding was built (bindings/CMakeLists.txt).
  const fs::path go_cache = fs::path(GRIDROUTE_CLI).parent_path() / "go" / "cache";
  pid_t pid = fork();
  if (pid == 0) {
    setenv("GOPROXY", "off", 1);
    if (fs::exists(go_cache)) setenv("GOCACHE", go_cache.c_str(), 1);
    int o = open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644), i = open("/dev/null", O_RDONLY);
    dup2(i, 0);
    dup2(o, 1);
    dup2(o, 2);
    execl("/bin/bash", "bash", "--noprofile", "--norc", file.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status), read_text(out)};
}

TEST(Docs, EveryBlockRunsOrSaysWhyNot) {
  std::size_t checked = 0, exempt = 0;
  for (const auto& page : pages()) {
    const auto fences = fences_of(page);
    for (std::size_t i = 0; i < fences.size(); ++i) {
      const Fence& f = fences[i];
      SCOPED_TRACE(f.page + ":" + std::to_string(f.line));
      const std::string& m = f.marker;
      if (m == "<!-- runs -->") {
        ++checked;  // TranscriptsRunAsShown
      } else if (m == "<!-- runs: sh -->" || m == "<!-- runs: c -->") {
        ++checked;
        std::string script = f.body;
        if (m == "<!-- runs: c -->") {  // built as c-api.md says
          const fs::path c = scratch() / "docs-app.c", app = scratch() / "docs-app";
          write_text(c, f.body);
          script = "cc -std=c99 -Wall -Wextra -pedantic -Werror " + c.string() +
                   " -I capi/include -I build/include -L build/capi -lgridroute -o " + app.string() +
                   "\nLD_LIBRARY_PATH=build/capi " + app.string() + "\n";
        }
        const auto [status, output] = run_script(script);
        EXPECT_EQ(status, 0) << f.page << ":" << f.line << ": the commands failed:\n" << output;
        if (i + 1 < fences.size() && fences[i + 1].marker == kItsOutput) {
          ++checked;
          EXPECT_EQ(output, fences[i + 1].body) << f.page << ":" << fences[i + 1].line
                                                << ": not what the commands above print";
          ++i;
        }
      } else if (m == kItsOutput) {
        ADD_FAILURE() << f.page << ":" << f.line << ": " << kItsOutput << " follows a block that is not <!-- runs: sh --> or c";
      } else if (m == "<!-- parses -->") {
        ++checked;
        json::error_code ec;
        json::parse(f.body, ec);
        if (ec) {
          int n = f.line;
          for (const auto& l : lines_of(f.body)) {
            ++n;
            if (l.find_first_not_of(" \t") == std::string::npos) continue;
            json::error_code lec;
            json::parse(l, lec);
            EXPECT_FALSE(lec) << f.page << ":" << n << ": neither JSON nor JSON Lines: " << lec.message();
          }
        }
      } else if (const std::string path = marker_argument(m, "<!-- quotes "); !path.empty()) {
        ++checked;
        EXPECT_NE(unindented(read_text(kSource / path)).find(unindented(f.body)), std::string::npos)
            << f.page << ":" << f.line << ": " << path << " does not hold the block as it is";
      } else if (const std::string path = marker_argument(m, "<!-- run by "); !path.empty()) {
        ++checked;
        ASSERT_TRUE(fs::exists(kSource / path)) << path;
        EXPECT_NE(read_text(kSource / path).find(f.page), std::string::npos)
            << path << " does not name " << f.page << ", so it does not run its blocks";
      } else if (!marker_argument(m, "<!-- test: ").empty() && f.page == "docs/platform.md") {
        ++checked;
        EXPECT_NE(read_text(kSource / "tests/platform/pg_test.py").find("<!-- test: "), std::string::npos);
      } else if (const std::string why = marker_argument(m, "<!-- not run: "); why.size() >= 10) {
        ++exempt;
      } else {
        ADD_FAILURE() << f.page << ":" << f.line << ": a block with no <!-- runs --> (or another mark) "
                      << "before it; say how it is checked, or why it is not (<!-- not run: REASON -->)";
      }
    }
  }
  EXPECT_GE(checked, 1u);
  // Blocks that are not run stay few: a new one is a decision, made here.
  EXPECT_LE(exempt, kMostBlocksNotRun) << exempt << " blocks are not run";
}

// "SPEC §6.4", "§7": every section a page cites is a heading of the contract.
TEST(Docs, EverySpecSectionCitedExists) {
  const std::string spec = read_text(fs::path(GRIDROUTE_SHARED_DIR) / "spec" / "SPEC.md");
  std::set<std::string> sections;
  for (const auto& l : lines_of(spec)) {
    if (!l.starts_with("#")) continue;
    const std::size_t at = l.find_first_not_of("# ");
    const std::size_t end = l.find_first_not_of("0123456789.", at);
    if (at == std::string::npos || end == at) continue;
    std::string n = l.substr(at, end - at);
    while (n.ends_with(".")) n.pop_back();
    sections.insert(n);
  }
  ASSERT_TRUE(sections.contains("4")) << "SPEC.md's headings were not read";
  std::size_t cited = 0;
  const std::string section_sign = "\u00a7";
  for (const auto& page : pages()) {
    const auto lines = lines_of(read_text(page));
    for (std::size_t i = 0; i < lines.size(); ++i) {
      const std::string& l = lines[i];
      for (std::size_t at = l.find(section_sign); at != std::string::npos; at = l.find(section_sign, at + 1)) {
        std::size_t b = at + section_sign.size();
        while (b < l.size() && l[b] == ' ') ++b;
        std::size_t e = b;
        while (e < l.size() && (std::isdigit(static_cast<unsigned char>(l[e])) ||
                                (l[e] == '.' && e + 1 < l.size() && std::isdigit(static_cast<unsigned char>(l[e + 1])))))
          ++e;
        if (e == b) continue;
        ++cited;
        const std::string n = l.substr(b, e - b);
        EXPECT_TRUE(sections.contains(n))
            << fs::relative(page, kSource).string() << ":" << i + 1 << ": cites SPEC " << section_sign << n
            << ", which SPEC.md does not have";
      }
    }
  }
  EXPECT_GE(cited, 10u);
}

// docs/README.md lists every page, a table row each; the README's table has the binding pages.
TEST(Docs, TheIndexListsEveryPage) {
  const auto index = lines_of(read_text(kSource / "docs" / "README.md"));
  for (const auto& e : fs::directory_iterator(kSource / "docs")) {
    const std::string name = e.path().filename().string();
    if (e.path().extension() != ".md" || name == "README.md") continue;
    const auto rows = std::count_if(index.begin(), index.end(), [&](const std::string& l) {
      return l.starts_with("| [" + name + "](" + name + ") | ") && l.size() > name.size() * 2 + 20;
    });
    EXPECT_EQ(rows, 1) << "docs/README.md needs one row, with a line on what it is, for " << name;
  }
  const std::string readme = read_text(kSource / "README.md");
  for (const char* page : {"docs/README.md", "docs/python.md", "docs/go.md"})
    EXPECT_NE(readme.find(std::string("[") + page + "](" + page + ")"), std::string::npos) << "README.md lacks " << page;
}

}  // namespace
}  // namespace diag_test
