// Internal to the CLI: what its commands share — usage errors, loading a
// bundle with its diagnostics, option values — worded as the other commands word them.
#pragma once

#include <cerrno>
#include <charconv>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <sys/stat.h>
#include <unistd.h>

#include "gridroute/bundle.hpp"
#include "gridroute/snapshot.hpp"
#include "compile/index.hpp"
#include "cli/usage.hpp"

namespace gridroute::cli {

// An argument that is an option, not a file: "-x" or "--x" (a lone "-" is standard input). A file whose
// name starts with '-' is named "./-x".
inline bool is_option_like(std::string_view a) { return a.size() > 1 && a[0] == '-'; }


// Writes `text` on standard output; 3 (with a message) when it cannot be written, else 0.
inline int print_out(std::string_view text) {
  std::cout << text;
  std::cout.flush();
  if (!std::cout) {
    std::cerr << "gridroute: cannot write the output: " << std::strerror(errno) << "\n";
    return 3;
  }
  return 0;
}

// Whether two paths name the same existing file.
inline bool same_file(const std::string& a, const std::string& b) {
  struct stat x {}, y {};
  return !a.empty() && !b.empty() && a != "-" && b != "-" && ::stat(a.c_str(), &x) == 0 && ::stat(b.c_str(), &y) == 0 &&
         x.st_dev == y.st_dev && x.st_ino == y.st_ino;
}

// The files a bundle was read from: its compiled file, or the files of its directory that were read.
inline std::vector<std::string> bundle_inputs(const std::string& path, const Snapshot& snapshot) {
  std::vector<std::string> files;
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode)) files.push_back(path);
  for (const std::string& f : snapshot.index().sources.files)
    if (!f.empty()) files.push_back(f);
  return files;
}

// Hardening: an output file named by an option is checked before anything is written to it. Returns
// why it must not be written — it is one of `inputs` or a directory; or, when the output `replaces`
// what is at its path (by a rename), anything there but a regular file (a device, a FIFO) — or empty
// when it may be written.
inline std::string output_refusal(const std::string& output, const std::vector<std::string>& inputs, bool replaces) {
  struct stat st {};
  if (::stat(output.c_str(), &st) != 0) {
    // A new file: its folder must be there and writable, found out now rather than after the work.
    std::filesystem::path folder = std::filesystem::path(output).parent_path();
    if (folder.empty()) folder = ".";
    struct stat folder_st {};
    if (::stat(folder.c_str(), &folder_st) != 0 || !S_ISDIR(folder_st.st_mode))
      return output + ": its folder " + folder.string() + " does not exist";
    if (::access(folder.c_str(), W_OK | X_OK) != 0)
      return output + ": its folder " + folder.string() + " cannot be written (" + std::strerror(errno) + ")";
    return {};
  }
  if (S_ISREG(st.st_mode) && ::access(output.c_str(), W_OK) != 0)
    return output + ": cannot be written (" + std::strerror(errno) + ")";
  if (S_ISDIR(st.st_mode)) return output + ": is a directory";
  if (replaces && !S_ISREG(st.st_mode))
    return output + ": not a regular file, and the output would replace it: name a new file or an earlier output";
  for (const std::string& in : inputs)
    if (same_file(output, in)) return output + ": it is also an input (" + in + "): name another file";
  return {};
}

// Loads a bundle; on errors prints every diagnostic on stderr and returns null.
inline std::shared_ptr<const Snapshot> load_reporting(const std::string& dir, const LoadOptions& options = {}) {
  std::vector<Diagnostic> diags;
  auto s = load_bundle(dir, &diags, options);
  if (!s.ok()) {
    for (const auto& d : diags) std::cerr << d.to_string() << "\n";
    std::cerr << "gridroute: " << s.status().message() << "\n";
    return nullptr;
  }
  return *s;
}

// `--opt VALUE` or `--opt=VALUE` at args[i]: whether args[i] is that option.
inline bool is_option(const std::string& a, std::string_view opt) {
  return a == opt || (a.size() > opt.size() && a.starts_with(opt) && a[opt.size()] == '=');
}
// Its value (advancing `i` past a separate value), or nullopt when it has none.
inline std::optional<std::string> option_value(const std::vector<std::string>& args, std::size_t& i,
                                               std::string_view opt) {
  const std::string& a = args[i];
  if (a.size() > opt.size() && a[opt.size()] == '=') return a.substr(opt.size() + 1);
  if (i + 1 < args.size()) return args[++i];
  return std::nullopt;
}

// A whole unsigned number in [lo, hi].
inline bool parse_count(const std::string& text, std::size_t lo, std::size_t hi, std::size_t& out) {
  std::size_t v = 0;
  auto r = std::from_chars(text.data(), text.data() + text.size(), v);
  if (r.ec != std::errc() || r.ptr != text.data() + text.size() || v < lo || v > hi) return false;
  out = v;
  return true;
}

// Reads a whole file; on failure prints "gridroute: cannot read PATH: why" and returns false.
// `-` is standard input.
inline bool read_whole_file(const std::string& path, std::string& out) {
  if (path == "-") {
    std::ostringstream ss;
    ss << std::cin.rdbuf();
    if (std::cin.bad()) {
      std::cerr << "gridroute: cannot read standard input: " << std::strerror(errno) << "\n";
      return false;
    }
    out = std::move(ss).str();
    return true;
  }
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    std::cerr << "gridroute: cannot read " << path << ": is a directory\n";
    return false;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::cerr << "gridroute: cannot read " << path << ": " << std::strerror(errno) << "\n";
    return false;
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) {
    std::cerr << "gridroute: cannot read " << path << ": " << std::strerror(errno) << "\n";
    return false;
  }
  out = std::move(ss).str();
  return true;
}

}  // namespace gridroute::cli
