// What the CLI tests share: running `gridroute` as a user does (arguments, standard input, working folder,
// exit status, both outputs), a per-process scratch folder, and text files read and written whole.
#pragma once

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace cli_test_util {
namespace fs = std::filesystem;

inline std::string read_text(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline void write_text(const fs::path& p, const std::string& text) { std::ofstream(p, std::ios::binary) << text; }

// A per-process scratch folder, removed at exit.
inline fs::path scratch() {
  struct Dir {
    fs::path path = fs::temp_directory_path() / ("gridroute_test_" + std::to_string(getpid()));
    Dir() { fs::create_directories(path); }
    ~Dir() {
      std::error_code ec;
      fs::remove_all(path, ec);
    }
  };
  static Dir d;
  return d.path;
}

struct CliRun {
  int code = -1;
  std::string out, err;
};

// Runs the CLI (GRIDROUTE_CLI) with `args`, `input` on standard input, in `cwd` when given.
inline CliRun cli(std::vector<std::string> args, const std::string& input = "", const fs::path& cwd = {}) {
  static int n = 0;
  const int k = n++;
  const fs::path in = scratch() / ("in" + std::to_string(k)), out = scratch() / ("out" + std::to_string(k)),
                 err = scratch() / ("err" + std::to_string(k));
  write_text(in, input);
  pid_t pid = fork();
  if (pid == 0) {
    int i = open(in.c_str(), O_RDONLY), o = open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644),
        e = open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (i < 0 || o < 0 || e < 0) _exit(127);
    dup2(i, 0);
    dup2(o, 1);
    dup2(e, 2);
    if (!cwd.empty() && chdir(cwd.c_str()) != 0) _exit(127);
    std::string exe = GRIDROUTE_CLI;
    std::vector<char*> argv{exe.data()};
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    execv(exe.c_str(), argv.data());
    _exit(127);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  CliRun r;
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  r.out = read_text(out);
  r.err = read_text(err);
  return r;
}

inline std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> v;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) v.push_back(line);
  return v;
}

}  // namespace cli_test_util
