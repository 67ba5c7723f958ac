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

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "gridroute/bundle.hpp"
#include "gridroute/snapshot.hpp"
#include "compile/index.hpp"
#include "cli/usage.hpp"

namespace gridroute::cli {



// Writes `text` on standard output; 3 (with a message) when it cannot be written, 141 (silently) when
// it is a pipe whose reader has gone and SIGPIPE is ignored (as under systemd), else 0.
inline int print_out(std::string_view text) {
  std::cout << text;
  std::cout.flush();
  if (!std::cout) {
    if (errno == EPIPE) return 141;
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

// Whether `path` is the regular file that standard output writes to (`gridroute test T.jsonl >> T.jsonl`):
// an input that is also the output would read its own records back, or lose its lines to them.
inline bool is_standard_output(const std::string& path) {
  struct stat in {}, out {};
  return !path.empty() && path != "-" && ::stat(path.c_str(), &in) == 0 && S_ISREG(in.st_mode) &&
         ::fstat(1, &out) == 0 && S_ISREG(out.st_mode) && in.st_dev == out.st_dev && in.st_ino == out.st_ino;
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

// A whole unsigned number in [lo, hi].
inline bool parse_count(const std::string& text, std::size_t lo, std::size_t hi, std::size_t& out) {
  std::size_t v = 0;
  auto r = std::from_chars(text.data(), text.data() + text.size(), v);
  if (r.ec != std::errc() || r.ptr != text.data() + text.size() || v < lo || v > hi) return false;
  out = v;
  return true;
}

// Reads a whole file; on failure prints "gridroute: cannot read PATH: why" and returns false.
// `-` is standard input. Every read error is one (a directory given as standard input, a closed
// standard input, an I/O error): none is taken for the end of the file.
inline bool read_whole_file(const std::string& path, std::string& out) {
  const bool stdin_ = path == "-";
  const std::string name = stdin_ ? std::string("standard input") : path;
  auto fail = [&](const char* why) {
    std::cerr << "gridroute: cannot read " << name << ": " << why << "\n";
    return false;
  };
  int fd = 0;
  if (!stdin_) {
    fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return fail(std::strerror(errno));
  }
  struct stat st {};
  if (::fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
    if (!stdin_) ::close(fd);
    return fail("is a directory");
  }
  out.clear();
  char buf[1 << 16];
  while (true) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n > 0) {
      out.append(buf, static_cast<std::size_t>(n));
      continue;
    }
    if (n == 0) break;
    if (errno == EINTR) continue;
    const int e = errno;
    if (!stdin_) ::close(fd);
    return fail(std::strerror(e));
  }
  if (!stdin_) ::close(fd);
  return true;
}

}  // namespace gridroute::cli
