// Helpers shared by the hardening tests (tests/hardening_*_test.cpp, issue #6).
#pragma once

#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include "gridroute/engine.hpp"
#include "gridroute/jsonl.hpp"

namespace hardening {
namespace fs = std::filesystem;

// An answer without its `"bundle"` digest (SPEC §6.6), which every record ends with: for comparing the rest.
inline std::string without_bundle(std::string s) {
  for (std::size_t at; (at = s.find(", \"bundle\": \"")) != std::string::npos;) {
    std::size_t end = s.find('"', at + 13);
    s.erase(at, end == std::string::npos ? std::string::npos : end + 1 - at);
  }
  return s;
}

inline std::string read_text(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline void write_text(const fs::path& p, std::string_view text) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out.write(text.data(), static_cast<std::streamsize>(text.size()));
}

inline fs::path shuangcheng() { return fs::path(GRIDROUTE_SHARED_DIR) / "examples" / "shuangcheng"; }
inline fs::path lanxi() { return fs::path(GRIDROUTE_SOURCE_DIR) / "examples" / "lanxi"; }
// The example every hardening test starts from: shared/examples/shuangcheng, else examples/lanxi.
inline fs::path example() { return fs::exists(shuangcheng() / "jurisdiction.json") ? shuangcheng() : lanxi(); }

// A scratch directory, removed at the end of the test.
class TempDir {
 public:
  TempDir() {
    static std::atomic<int> counter{0};
    std::random_device rd;
    path_ = fs::temp_directory_path() /
            ("gridroute-hardening-" + std::to_string(::getpid()) + "-" + std::to_string(counter++) + "-" +
             std::to_string(rd()));
    fs::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    fs::permissions(path_, fs::perms::all, ec);
    fs::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const fs::path& path() const { return path_; }
  fs::path operator/(const std::string& name) const { return path_ / name; }

 private:
  fs::path path_;
};

// Copies a bundle directory (its four files) into `to` (which is created).
inline void copy_bundle(const fs::path& from, const fs::path& to) {
  fs::create_directories(to);
  for (const auto& e : fs::directory_iterator(from)) {
    auto name = e.path().filename().string();
    if (name == "jurisdiction.json" || name == "rules.json" || name.ends_with(".csv"))
      fs::copy_file(e.path(), to / name, fs::copy_options::overwrite_existing);
  }
}

struct LoadResult {
  bool ok = false;
  std::shared_ptr<const gridroute::Snapshot> snapshot;
  std::vector<gridroute::Diagnostic> diagnostics;
  std::string status;
  std::string all;  // every diagnostic's text, one a line
};

inline LoadResult load(const fs::path& dir, const gridroute::LoadOptions& opt = {}) {
  LoadResult r;
  auto s = gridroute::load_bundle(dir.string(), &r.diagnostics, opt);
  r.ok = s.ok();
  if (s.ok()) r.snapshot = *s;
  else r.status = std::string(s.status().message());
  for (const auto& d : r.diagnostics) r.all += d.to_string() + "\n";
  return r;
}

inline LoadResult load(const gridroute::BundleSources& src, const gridroute::LoadOptions& opt = {}) {
  LoadResult r;
  auto s = gridroute::load_bundle(src, &r.diagnostics, opt);
  r.ok = s.ok();
  if (s.ok()) r.snapshot = *s;
  else r.status = std::string(s.status().message());
  for (const auto& d : r.diagnostics) r.all += d.to_string() + "\n";
  return r;
}

// The example bundle as in-memory sources.
inline gridroute::BundleSources example_sources() {
  gridroute::BundleSources b;
  b.label = "mem";
  b.jurisdiction_json = read_text(example() / "jurisdiction.json");
  b.rules_json = read_text(example() / "rules.json");
  for (const char* f : {"units.csv", "handlers.csv"})
    if (fs::exists(example() / f)) b.files.emplace_back(f, read_text(example() / f));
  return b;
}

// tests/malformed/_base (a small clean bundle with both CSV files) as in-memory sources.
inline gridroute::BundleSources base_sources() {
  fs::path dir = fs::path(GRIDROUTE_SOURCE_DIR) / "tests" / "malformed" / "_base";
  gridroute::BundleSources b;
  b.label = "mem";
  b.jurisdiction_json = read_text(dir / "jurisdiction.json");
  b.rules_json = read_text(dir / "rules.json");
  for (const char* f : {"units.csv", "handlers.csv"}) b.files.emplace_back(f, read_text(dir / f));
  return b;
}

// True when some diagnostic is about a file whose name ends with `file` and its text contains `text`.
inline bool has_diagnostic(const LoadResult& r, std::string_view file, std::string_view text) {
  for (const auto& d : r.diagnostics)
    if (d.file.ends_with(file) && d.to_string().find(text) != std::string::npos) return true;
  return false;
}

// Every diagnostic names a file; JSON ones carry a position, CSV ones a line.
inline void expect_well_formed(const LoadResult& r) {
  EXPECT_FALSE(r.ok);
  EXPECT_FALSE(r.diagnostics.empty()) << r.status;
  for (const auto& d : r.diagnostics) {
    EXPECT_FALSE(d.file.empty()) << d.to_string();
    EXPECT_FALSE(d.message.empty()) << d.to_string();
  }
}

struct RunResult {
  int exit_code = -1;
  std::string out, err;
};

// Runs the CLI with `args`, standard input from `stdin_path` (or /dev/null).
inline RunResult run_cli(const std::vector<std::string>& args, const std::string& stdin_path = "/dev/null") {
  static std::atomic<int> counter{0};
  std::string base = (fs::temp_directory_path() / ("gridroute-cli-" + std::to_string(::getpid()) + "-" +
                                                   std::to_string(counter++)))
                         .string();
  std::string out_path = base + ".out", err_path = base + ".err";
  pid_t pid = ::fork();
  if (pid == 0) {
    if (!std::freopen(stdin_path.c_str(), "rb", stdin) || !std::freopen(out_path.c_str(), "wb", stdout) ||
        !std::freopen(err_path.c_str(), "wb", stderr))
      ::_exit(127);
    std::vector<char*> argv;
    std::string exe = GRIDROUTE_CLI;
    argv.push_back(exe.data());
    std::vector<std::string> copy = args;
    for (auto& a : copy) argv.push_back(a.data());
    argv.push_back(nullptr);
    ::execv(exe.c_str(), argv.data());
    ::_exit(127);
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  RunResult r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  r.out = read_text(out_path);
  r.err = read_text(err_path);
  std::remove(out_path.c_str());
  std::remove(err_path.c_str());
  return r;
}

}  // namespace hardening
