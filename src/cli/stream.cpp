// Answering a stream of JSON Lines (see stream.hpp).
#include "cli/stream.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <optional>
#include <vector>

#include "io/lines.hpp"

namespace gridroute::cli {
namespace {

// Whether standard output is the terminal standard error is on: decisions are then being shown there,
// and the bar must be taken off the screen before each block of them is written (Progress::suspend).
bool same_terminal() {
  struct stat o, e;
  return isatty(1) && isatty(2) && ::fstat(1, &o) == 0 && ::fstat(2, &e) == 0 && o.st_rdev == e.st_rdev;
}

// A progress bar on stderr, only when stderr is a terminal (SPEC §5), and only for long batches: it first
// appears after half a second, then is redrawn at most ten times a second. When standard output is the
// same terminal, the bar is erased before each block of output is written and drawn again below it, so
// that no decision line is ever cut by it.
class Progress {
 public:
  Progress(bool enabled, std::int64_t total_bytes)
      : on_(enabled && isatty(2)), shared_(on_ && same_terminal()), total_(total_bytes) {}
  void update(std::int64_t lines, std::int64_t bytes) {
    if (!on_) return;
    auto now = std::chrono::steady_clock::now();
    if (now - start_ < std::chrono::milliseconds(500)) return;
    // Taken off for a block of output: back at once, under it.
    if (now - last_ < std::chrono::milliseconds(100) && (drawn_ || !shown_)) return;
    last_ = now;
    shown_ = true;
    draw(lines, bytes);
  }
  // Before output is written to the terminal the bar is on: the bar's line is cleared, and the output
  // starts there.
  void suspend() {
    if (!shared_ || !drawn_) return;
    std::fputs("\r\033[K", stderr);
    std::fflush(stderr);
    drawn_ = false;
  }
  // Whether output must reach the terminal before the bar is drawn again.
  bool shares_terminal() const { return shared_; }
  // At the end: the last count stays on the screen, unless the output is there too (the summary line
  // follows it).
  void done(std::int64_t lines, std::int64_t bytes) {
    if (!on_ || !shown_) return;
    if (shared_) return suspend();
    draw(lines, bytes);
    std::fputs("\n", stderr);
    drawn_ = false;
  }

 private:
  void draw(std::int64_t lines, std::int64_t bytes) {
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    double rate = secs > 0 ? static_cast<double>(lines) / secs : 0;
    if (total_ > 0) {
      int width = 30;
      double frac = std::min(1.0, static_cast<double>(bytes) / static_cast<double>(total_));
      int fill = static_cast<int>(frac * width);
      std::fprintf(stderr, "\r[%.*s%*s] %3d%%  %lld lines  %.0f lines/s ", fill, "##############################",
                   width - fill, "", static_cast<int>(frac * 100), static_cast<long long>(lines), rate);
    } else {
      std::fprintf(stderr, "\r%lld lines  %.0f lines/s ", static_cast<long long>(lines), rate);
    }
    std::fflush(stderr);
    drawn_ = true;
  }
  bool on_;
  bool shared_;
  bool drawn_ = false;
  std::int64_t total_;
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
  std::chrono::steady_clock::time_point last_{};
  bool shown_ = false;
};

// Hardening: a file mapped for reading that someone truncates (a log rotated by copytruncate) would end
// the process with SIGBUS at the first page past its new end, and the records of the lines before it
// would be lost. While a map is read, a SIGBUS inside it puts zero pages over the rest of the map and
// raises a flag; the reader then answers only the lines that ended before the new end, and says so.
// Any other SIGBUS goes to the default action, as before.
std::atomic<char*> g_map_begin{nullptr};
std::atomic<std::size_t> g_map_size{0};
std::atomic<bool> g_map_truncated{false};

void on_sigbus(int sig, siginfo_t* info, void*) {
  char* begin = g_map_begin.load();
  char* at = static_cast<char*>(info->si_addr);
  const std::size_t size = g_map_size.load();
  if (begin && at >= begin && at < begin + size) {
    const std::size_t page = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
    char* from = begin + static_cast<std::size_t>(at - begin) / page * page;
    if (::mmap(from, static_cast<std::size_t>(begin + size - from), PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED,
               -1, 0) != MAP_FAILED) {
      g_map_truncated.store(true);
      return;
    }
  }
  ::signal(sig, SIG_DFL);  // not ours: the fault repeats and ends the process as it would have
}

// Installs on_sigbus for the life of one map.
class MapGuard {
 public:
  MapGuard(const char* begin, std::size_t size) {
    g_map_truncated.store(false);
    g_map_size.store(size);
    g_map_begin.store(const_cast<char*>(begin));
    struct sigaction sa{};
    sa.sa_sigaction = on_sigbus;
    sa.sa_flags = SA_SIGINFO;
    sigemptyset(&sa.sa_mask);
    installed_ = ::sigaction(SIGBUS, &sa, &old_) == 0;
  }
  ~MapGuard() {
    if (installed_) ::sigaction(SIGBUS, &old_, nullptr);
    g_map_begin.store(nullptr);
    g_map_size.store(0);
  }
  bool installed() const { return installed_; }
  MapGuard(const MapGuard&) = delete;
  MapGuard& operator=(const MapGuard&) = delete;

 private:
  struct sigaction old_{};
  bool installed_ = false;
};

}  // namespace

int answer_stream(const StreamOptions& options,
                  const std::function<void(std::span<const std::string_view>, std::string&)>& block_fn,
                  const std::function<void(std::size_t, std::string&)>& too_long) {
  const std::string& input = options.input;
  int fd = 0;
  std::int64_t total = 0;
  bool regular = false;
  if (input != "-") {
    // Hardening: a directory opens fine and then fails every read; say so up front.
    struct stat st;
    if (::stat(input.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) {
      std::cerr << "gridroute: cannot read " << input << ": is a directory\n";
      return 3;
    }
    fd = ::open(input.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      std::cerr << "gridroute: cannot read " << input << ": " << std::strerror(errno) << "\n";
      return 3;
    }
  }
  struct stat fst;
  if (input == "-" && ::fstat(fd, &fst) == 0 && S_ISDIR(fst.st_mode)) {  // `< /tmp`: said as for a path
    std::cerr << "gridroute: cannot read standard input: is a directory\n";
    return 3;
  }
  if (::fstat(fd, &fst) == 0 && S_ISREG(fst.st_mode)) {
    regular = true;
    if (input != "-") total = static_cast<std::int64_t>(fst.st_size);  // for the progress bar
    // Hardening: `gridroute route B f.jsonl >> f.jsonl` would read its own records back as lines and
    // grow the file until the disk is full (the records of those lines are rejections, more lines).
    // (With standard output closed, the input itself may have been given descriptor 1: not the case.)
    struct stat ost;
    if (fd != 1 && ::fstat(1, &ost) == 0 && S_ISREG(ost.st_mode) && ost.st_dev == fst.st_dev && ost.st_ino == fst.st_ino) {
      std::cerr << "gridroute: " << (input == "-" ? std::string("standard input") : input)
                << " is also the output: write the records to another file\n";
      if (fd != 0) ::close(fd);
      return 3;
    }
  }
  Progress progress(!options.quiet, total);
  std::string out;
  out.reserve(1 << 20);
  std::string_view line;
  std::int64_t lines = 0, bytes = 0;
  std::uint64_t length = 0;
  int status = 0;
  // Lines are answered in blocks (the codec decides a block in prefetching groups, on its threads);
  // records keep the input order, and a rejected over-long line flushes the block before it. A block
  // closes at 8 MiB of input or at `block_lines` lines: 64 at first, doubling up to 4,096 while a
  // block's answers stay within 16 MiB, and cut to what would fill 16 MiB when they do not (answers of
  // hundreds of kilobytes, an owner with thousands of alternates or a long trace, are not held by the
  // thousand).
  constexpr std::size_t kFirstBlockLines = 64, kMostBlockLines = 4096, kBlockAnswerBytes = std::size_t{16} << 20;
  std::size_t block_lines = kFirstBlockLines;
  auto next_block = [&](std::size_t lines_answered, std::size_t answer_bytes) {
    if (answer_bytes > kBlockAnswerBytes)
      block_lines = std::max<std::size_t>(1, lines_answered * kBlockAnswerBytes / answer_bytes);
    else if (answer_bytes <= kBlockAnswerBytes / 2)
      block_lines = std::min(kMostBlockLines, std::max(block_lines, lines_answered) * 2);
  };
  std::string block;
  std::vector<std::pair<std::size_t, std::size_t>> spans;
  std::vector<std::string_view> views;
  // Hardening: a failed write (a full disk, a closed pipe) stops the batch; nobody reads what follows.
  int write_errno = 0;
  auto write_out = [&](bool force) {
    if (force || out.size() > (1 << 20) - 4096) {
      if (!out.empty()) progress.suspend();
      if (!write_errno && std::fwrite(out.data(), 1, out.size(), stdout) != out.size()) write_errno = errno ? errno : EIO;
      // On the bar's terminal, the output is shown before the bar comes back under it.
      if (!out.empty() && progress.shares_terminal() && !write_errno && std::fflush(stdout) != 0)
        write_errno = errno ? errno : EIO;
      out.clear();
    }
  };
  auto flush = [&] {
    if (spans.empty()) return;
    views.clear();
    for (auto [at, len] : spans) views.emplace_back(block.data() + at, len);
    const std::size_t before = out.size();
    block_fn(views, out);
    next_block(views.size(), out.size() - before);
    spans.clear();
    block.clear();
    write_out(false);
  };
  // A regular file is read through a memory map: its lines are answered where they lie, not copied into
  // the block; the pages behind each answered block are let go, so the resident set stays a block's
  // worth however long the file. What is appended after the open is read after the map, as from a pipe.
  bool first_line = true;
  if (regular && fst.st_size > 0 && !write_errno) {
    const auto size = static_cast<std::size_t>(fst.st_size);
    void* map = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
    std::optional<MapGuard> guard;
    if (map != MAP_FAILED) guard.emplace(static_cast<const char*>(map), size);
    if (map != MAP_FAILED && !guard->installed()) {
      ::munmap(map, size);
      map = MAP_FAILED;
    }
    if (map != MAP_FAILED) {
      ::madvise(map, size, MADV_SEQUENTIAL);
      const char* base = static_cast<const char*>(map);
      const std::size_t page = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
      const std::size_t max = options.max_line_bytes;
      std::size_t pos = 0, released = 0, block_start = 0;
      bool truncated = false;
      // After the lines before `pos` are answered: whether the file was cut under them. If it was, only
      // the records of the lines that ended before its new end are kept, and reading stops.
      auto cut = [&](std::size_t records_from) {
        if (!g_map_truncated.load()) return false;
        struct stat now;
        const std::size_t end = ::fstat(fd, &now) == 0 ? static_cast<std::size_t>(now.st_size) : 0;
        std::size_t keep = 0;
        for (std::string_view v : views) keep += static_cast<std::size_t>(v.data() + v.size() - base) < end;
        std::size_t at = records_from;
        for (std::size_t k = 0; k < keep && at < out.size(); ++k) {
          const std::size_t nl = out.find('\n', at);
          at = nl == std::string::npos ? out.size() : nl + 1;
        }
        out.resize(at);
        std::cerr << "gridroute: " << input << " was cut to " << end
                  << " bytes while it was read: the lines read before the cut was seen are answered (some may lie "
                     "past the new end), the rest is not\n";
        status = 3;
        truncated = true;
        return true;
      };
      auto answer = [&] {
        if (views.empty()) return;
        const std::size_t records_from = out.size();
        block_fn(views, out);
        next_block(views.size(), out.size() - records_from);
        if (cut(records_from)) return;
        views.clear();
        write_out(false);
        const std::size_t upto = pos / page * page;  // every view so far is answered
        if (upto > released) ::madvise(const_cast<char*>(base) + released, upto - released, MADV_DONTNEED);
        released = std::max(released, upto);
        block_start = pos;
      };
      while (pos < size && !write_errno && !truncated) {
        const char* start = base + pos;
        const char* nl = static_cast<const char*>(std::memchr(start, '\n', size - pos));
        if (!nl) {
          // A last line without its newline, in a file that has grown since: the reader takes it whole.
          struct stat now;
          if (::fstat(fd, &now) == 0 && static_cast<std::size_t>(now.st_size) > size) break;
        }
        const std::size_t take = nl ? static_cast<std::size_t>(nl - start) : size - pos;
        pos += take + (nl ? 1 : 0);
        bytes += static_cast<std::int64_t>(take) + 1;
        std::string_view line(start, take);
        const bool first = first_line;
        first_line = false;
        std::uint64_t too_long_length = 0;
        const detail::Framed framed = detail::frame_line(line, take, first, max, too_long_length);
        if (framed == detail::Framed::blank) continue;
        if (framed == detail::Framed::too_long) {
          answer();
          if (truncated) break;
          views.clear();  // a line cut by the truncation shows here only when the scan above faulted
          if (cut(out.size())) break;
          const std::size_t before = out.size();
          too_long(too_long_length, out);
          if (out.size() != before) out.push_back('\n');
          write_out(false);
        } else {
          views.push_back(line);
          if (views.size() >= block_lines || pos - block_start >= (std::size_t{8} << 20)) answer();
        }
        ++lines;
        if ((lines & 255) == 0) progress.update(lines, bytes);
      }
      if (!write_errno && !truncated) answer();
      if (!truncated && !write_errno) cut(out.size());  // a cut that only the last scan met
      ::munmap(map, size);
      guard.reset();
      if (truncated) {
        write_out(true);
      } else if (::lseek(fd, static_cast<off_t>(pos), SEEK_SET) < 0) {
        std::cerr << "gridroute: cannot read " << input << ": " << std::strerror(errno) << "\n";
        status = 3;
      }
    }
  }
  detail::StreamReader reader(fd, options.max_line_bytes, first_line);
  while (status == 0) {
    // A pipe or terminal that has nothing more for now gets the answers so far: a platform that
    // writes a few lines and waits reads their records without closing its end.
    if (!regular && !reader.buffered()) {
      flush();
      write_out(true);
      if (!write_errno && std::fflush(stdout) != 0) write_errno = errno ? errno : EIO;
    }
    if (write_errno) break;
    const auto got = reader.next(line, length);
    if (got == detail::StreamReader::Got::eof) break;
    if (got == detail::StreamReader::Got::error) {
      std::cerr << "gridroute: cannot read " << (input == "-" ? std::string("standard input") : input) << ": "
                << std::strerror(reader.error()) << "\n";
      status = 3;
      break;
    }
    bytes += static_cast<std::int64_t>(length) + 1;
    if (got == detail::StreamReader::Got::blank) continue;
    if (got == detail::StreamReader::Got::too_long) {
      flush();
      const std::size_t before = out.size();
      too_long(length, out);
      if (out.size() != before) out.push_back('\n');  // a caller may have nothing to say (diff)
    } else {
      spans.emplace_back(block.size(), line.size());
      block.append(line);
      if (spans.size() >= block_lines || block.size() >= (std::size_t{8} << 20)) flush();
    }
    ++lines;
    if ((lines & 255) == 0) progress.update(lines, bytes);
  }
  if (!write_errno) {
    flush();
    write_out(true);
  }
  // Hardening: a failed write (a full disk) is an error, not a silent success. A closed pipe (the reader
  // has all it wants, as `| head` has) ends the command quietly with status 141, as SIGPIPE would.
  if (!write_errno && (std::fflush(stdout) != 0 || std::ferror(stdout))) write_errno = errno ? errno : EIO;
  if (write_errno == EPIPE) {
    status = kClosedPipe;
  } else if (write_errno) {
    std::cerr << "gridroute: cannot write the output: " << std::strerror(write_errno) << "\n";
    status = 3;
  }
  progress.done(lines, bytes);
  if (fd != 0) ::close(fd);
  return status;
}

}  // namespace gridroute::cli
