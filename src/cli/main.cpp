// The gridroute command line: check, route, escalate (SPEC §5).
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <string>
#include <thread>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <optional>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gridroute/engine.hpp"
#include "gridroute/jsonl.hpp"
#include "../io/line_limits.hpp"  // internal; the CLI target has no src/ include path
#include "cmd_db.hpp"

namespace {

constexpr const char* kUsage = R"(gridroute — who owns a resident's issue, and when and to whom it escalates

Usage:
  gridroute check BUNDLE                                  load a bundle and lint it
  gridroute route BUNDLE [ISSUES.jsonl|-] [--explain]     route issues (JSON Lines) to handlers
  gridroute escalate BUNDLE [CASES.jsonl|-] --now TIME    evaluate open cases for escalation
  gridroute db init --db DSN                              create the PostgreSQL cases and events tables
  gridroute worker BUNDLE --db DSN [--once]               evaluate the due cases in PostgreSQL
  gridroute version                                       print the version
  gridroute COMMAND --help                                help on one command

A BUNDLE is a directory with jurisdiction.json and rules.json (see docs/formats.md).
Input defaults to standard input ('-'); output is JSON Lines on standard output, one line per
non-blank input line, in input order. Bad lines get a "rejected" record; the batch goes on.

Exit status: 0 success, 1 the bundle has errors, 2 usage error, 3 an input file cannot be read
(or the output cannot be written).
)";

constexpr const char* kCheckHelp = R"(Usage: gridroute check BUNDLE

Loads BUNDLE (jurisdiction.json, rules.json and the CSV files they name), reports every error as
FILE:LINE:COLUMN: /json/pointer: message, then lints the bundle and prints warnings:
  - coverage holes: cells x declared categories that no rule routes;
  - shadowed rules: rules that can never win;
  - handlers that serve nothing routable;
  - escalation policies that no rule uses.
Exit status: 0 when the bundle loads (warnings do not fail it), 1 on errors, 2 on usage errors.
)";

constexpr const char* kRouteHelp = R"(Usage: gridroute route BUNDLE [ISSUES.jsonl|-] [--explain]

Reads issues, one JSON object per line:
  {"id": "I-1", "category": "env.noise.loudspeaker", "cell": "chengnan-a-01",
   "at": "2026-11-20T09:15:00+08:00", "attrs": {"severity": 2}}
and writes one decision per line: status routed (rule, role, handler, unit, alternates, assist,
level, escalation, respond_by, resolve_by), unrouted (reason) or rejected (error).

  --explain   add "trace": every rule considered, in winning order, and why each lost
  --max-line-bytes N   longest accepted line, in bytes (default 1048576); a longer line is
              answered with a "rejected" record and not parsed
  --threads N decide on N threads (0: one per core; default 1); the output order stays the
              input order
  --quiet     no progress bar
A progress bar is drawn on standard error when it is a terminal. Lines are answered in blocks; a pipe
that pauses gets the answers so far, so a caller may write a line and wait for its record.
)";

constexpr const char* kEscalateHelp = R"(Usage: gridroute escalate BUNDLE [CASES.jsonl|-] --now TIME

Reads cases (an issue's fields plus level, level_started_at, responded, reports, status and an
optional rating) and writes one action per line at TIME (RFC 3339 with an offset):
  none | hold (with next_check) | escalate | reopen (with the new level's respond_by, resolve_by)
  | overdue | rejected (with error).

  --now TIME  the evaluation time, e.g. 2026-11-23T10:00:00+08:00 (required)
  --max-line-bytes N   longest accepted line, in bytes (default 1048576); a longer line is
              answered with a "rejected" record and not parsed
  --threads N decide on N threads (0: one per core; default 1); the output order stays the
              input order
  --quiet     no progress bar
)";

int usage_error(const std::string& msg) {
  std::cerr << "gridroute: " << msg << "\nTry 'gridroute --help'.\n";
  return 2;
}

std::shared_ptr<const gridroute::Snapshot> load_or_report(const std::string& dir) {
  std::vector<gridroute::Diagnostic> diags;
  auto s = gridroute::load_bundle(dir, &diags);
  if (!s.ok()) {
    for (const auto& d : diags) std::cerr << d.to_string() << "\n";
    std::cerr << "gridroute: " << s.status().message() << "\n";
    return nullptr;
  }
  return *s;
}

// A progress bar on stderr, only when stderr is a terminal and only for long batches: it first appears
// after half a second, then is redrawn at most ten times a second.
class Progress {
 public:
  Progress(bool enabled, std::int64_t total_bytes) : on_(enabled && isatty(2)), total_(total_bytes) {}
  void update(std::int64_t lines, std::int64_t bytes) {
    if (!on_) return;
    auto now = std::chrono::steady_clock::now();
    if (now - start_ < std::chrono::milliseconds(500) || now - last_ < std::chrono::milliseconds(100)) return;
    last_ = now;
    shown_ = true;
    draw(lines, bytes);
  }
  void done(std::int64_t lines, std::int64_t bytes) {
    if (!on_ || !shown_) return;
    draw(lines, bytes);
    std::fputs("\n", stderr);
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
  }
  bool on_;
  std::int64_t total_;
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
  std::chrono::steady_clock::time_point last_{};
  bool shown_ = false;
};

// Hardening: reads lines without ever holding more than `max` bytes of one line. A longer line is read
// to its end but not kept; the caller answers it with a `rejected` record. (getline would grow its
// buffer to the size of the longest line, so one endless line could exhaust memory.)
class LineReader {
 public:
  enum class Got { line, too_long, eof, error };
  LineReader(std::FILE* in, std::size_t max) : in_(in), max_(max), buf_(1 << 16) {}

  // `length` receives the line's length in bytes (without the newline), also when it is too long.
  Got next(std::string& line, std::uint64_t& length) {
    line.clear();
    length = 0;
    bool over = false, any = false;
    while (true) {
      if (pos_ == end_) {
        // read(2), not fread: it returns what a pipe has now instead of waiting for a full buffer.
        ssize_t n = ::read(::fileno(in_), buf_.data(), buf_.size());
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return Got::error;
        if (n == 0) {
          if (!any) return Got::eof;
          return over ? Got::too_long : Got::line;  // a last line without a newline
        }
        pos_ = 0;
        end_ = static_cast<std::size_t>(n);
      }
      any = true;
      const char* start = buf_.data() + pos_;
      const char* nl = static_cast<const char*>(std::memchr(start, '\n', end_ - pos_));
      std::size_t take = nl ? static_cast<std::size_t>(nl - start) : end_ - pos_;
      length += take;
      if (!over) {
        if (line.size() + take > max_) {
          over = true;
          std::string().swap(line);
        } else {
          line.append(start, take);
        }
      }
      pos_ += take;
      if (nl) {
        ++pos_;
        return over ? Got::too_long : Got::line;
      }
    }
  }

  // Whether the next line (or part of it) is already read, so next() returns without waiting.
  bool buffered() const { return pos_ < end_; }

 private:
  std::FILE* in_;
  std::size_t max_;
  std::vector<char> buf_;
  std::size_t pos_ = 0, end_ = 0;
};

std::string line_error(std::uint64_t length, std::size_t max) {
  return "the line is " + std::to_string(length) + " bytes, over the limit of " + std::to_string(max) +
         " bytes per line (--max-line-bytes)";
}

// `fn(lines, out)` answers a block of lines, one record and newline each; `reject(message, out)` answers a line over the length limit.
// Threads that run one job at a time on all of them (`--threads`): started once, reused per block.
class WorkerPool {
 public:
  explicit WorkerPool(unsigned n) {
    for (unsigned t = 1; t < n; ++t) threads_.emplace_back([this, t] { loop(t); });
  }
  ~WorkerPool() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stop_ = true;
    }
    start_.notify_all();
    for (auto& th : threads_) th.join();
  }
  // Runs job(t) for t = 0..n-1, 0 on the calling thread, and returns when all are done.
  void run(const std::function<void(unsigned)>& job) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      job_ = &job;
      pending_ = static_cast<unsigned>(threads_.size());
      ++generation_;
    }
    start_.notify_all();
    job(0);
    std::unique_lock<std::mutex> lock(mu_);
    done_.wait(lock, [&] { return pending_ == 0; });
  }

 private:
  void loop(unsigned t) {
    std::uint64_t seen = 0;
    while (true) {
      const std::function<void(unsigned)>* job;
      {
        std::unique_lock<std::mutex> lock(mu_);
        start_.wait(lock, [&] { return stop_ || generation_ != seen; });
        if (stop_) return;
        seen = generation_;
        job = job_;
      }
      (*job)(t);
      std::lock_guard<std::mutex> lock(mu_);
      if (--pending_ == 0) done_.notify_one();
    }
  }
  std::vector<std::thread> threads_;
  std::mutex mu_;
  std::condition_variable start_, done_;
  const std::function<void(unsigned)>* job_ = nullptr;
  unsigned pending_ = 0;
  std::uint64_t generation_ = 0;
  bool stop_ = false;
};

template <class Fn, class Reject>
int run_lines(const std::string& input, bool quiet, std::size_t max_line, unsigned threads, Fn&& fn,
              Reject&& reject) {
  std::FILE* in = stdin;
  std::int64_t total = 0;
  bool regular = false;
  if (input != "-") {
    // Hardening: a directory opens fine with fopen and then fails every read; say so up front.
    struct stat st;
    if (::stat(input.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) {
      std::cerr << "gridroute: cannot read " << input << ": is a directory\n";
      return 3;
    }
    in = std::fopen(input.c_str(), "rb");
    if (!in) {
      std::cerr << "gridroute: cannot read " << input << ": " << std::strerror(errno) << "\n";
      return 3;
    }
    // The size for the progress bar; fstat, not fseek/ftell: the lines are read with read(2) on the
    // descriptor, whose offset stdio's seeking does not reliably restore.
    struct stat fst;
    if (::fstat(::fileno(in), &fst) == 0 && S_ISREG(fst.st_mode)) {
      total = static_cast<std::int64_t>(fst.st_size);
      regular = true;
    }
  } else {
    struct stat fst;
    regular = ::fstat(::fileno(stdin), &fst) == 0 && S_ISREG(fst.st_mode);
  }
  Progress progress(!quiet, total);
  std::string out;
  out.reserve(1 << 20);
  std::string buf;
  std::int64_t lines = 0, bytes = 0;
  std::uint64_t length = 0;
  bool first = true;
  int status = 0;
  // Lines are answered in blocks (the codec decides a block in prefetching groups); records keep
  // the input order, a rejected over-long line flushes the block before it.
  std::string block;
  std::vector<std::pair<std::size_t, std::size_t>> spans;
  std::vector<std::string_view> views;
  auto write_out = [&](bool force) {
    if (force || out.size() > (1 << 20) - 4096) {
      std::fwrite(out.data(), 1, out.size(), stdout);
      out.clear();
    }
  };
  // With several threads, each answers a consecutive share of the block into its own buffer; the
  // buffers are written in order.
  std::vector<std::string> parts(threads > 1 ? threads : 0);
  std::optional<WorkerPool> pool;
  if (threads > 1) pool.emplace(threads);
  auto flush = [&] {
    if (spans.empty()) return;
    views.clear();
    for (auto [at, len] : spans) views.emplace_back(block.data() + at, len);
    std::span<const std::string_view> all(views);
    if (threads <= 1 || all.size() < 2 * threads) {
      fn(0u, all, out);
    } else {
      const std::size_t share = (all.size() + threads - 1) / threads;
      pool->run([&](unsigned t) {
        const std::size_t b = std::min(all.size(), t * share), e = std::min(all.size(), b + share);
        if (t == 0) return fn(0u, all.subspan(b, e - b), out);
        parts[t].clear();
        fn(t, all.subspan(b, e - b), parts[t]);
      });
      for (unsigned t = 1; t < threads; ++t) out += parts[t];
    }
    spans.clear();
    block.clear();
    write_out(false);
  };
  // One more byte than the limit: room for the '\r' of a CRLF line end, which is not counted.
  LineReader reader(in, max_line + 1);
  while (true) {
    // A pipe or terminal that has nothing more for now gets the answers so far: a platform that
    // writes a few lines and waits reads their records without closing its end.
    if (!regular && !reader.buffered()) {
      flush();
      write_out(true);
      std::fflush(stdout);
    }
    LineReader::Got got = reader.next(buf, length);
    if (got == LineReader::Got::eof) break;
    if (got == LineReader::Got::error) {
      std::cerr << "gridroute: cannot read " << input << ": " << std::strerror(errno) << "\n";
      status = 3;
      break;
    }
    bytes += static_cast<std::int64_t>(length) + 1;
    std::string_view line(buf);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (first && line.substr(0, 3) == "\xEF\xBB\xBF") line.remove_prefix(3);  // a BOM on the first line
    first = false;
    if (got == LineReader::Got::too_long || line.size() > max_line) {
      if (got == LineReader::Got::line) length = line.size();
      flush();
      reject(line_error(length, max_line), out);
      out.push_back('\n');
    } else {
      if (line.find_first_not_of(" \t") == std::string_view::npos) continue;
      spans.emplace_back(block.size(), line.size());
      block.append(line);
      if (spans.size() >= 1024 * std::max(1u, threads) || block.size() >= (4u << 20) * std::max(1u, threads)) flush();
    }
    ++lines;
    if ((lines & 255) == 0) progress.update(lines, bytes);
  }
  flush();
  write_out(true);
  // Hardening: a failed write (a full disk, a closed pipe) is an error, not a silent success.
  if (std::fflush(stdout) != 0 || std::ferror(stdout)) {
    std::cerr << "gridroute: cannot write the output: " << std::strerror(errno) << "\n";
    status = 3;
  }
  progress.done(lines, bytes);
  if (in != stdin) std::fclose(in);
  return status;
}

// Parses --threads N (0: one per hardware thread).
bool parse_threads(const std::string& text, unsigned& out) {
  unsigned v = 0;
  auto r = std::from_chars(text.data(), text.data() + text.size(), v);
  if (r.ec != std::errc() || r.ptr != text.data() + text.size() || v > 256) return false;
  out = v == 0 ? std::max(1u, std::thread::hardware_concurrency()) : v;
  return true;
}

// Parses --max-line-bytes N (a positive byte count up to 1 GiB).
bool parse_max_line(const std::string& text, std::size_t& out) {
  std::size_t v = 0;
  auto r = std::from_chars(text.data(), text.data() + text.size(), v);
  if (r.ec != std::errc() || r.ptr != text.data() + text.size() || v == 0 || v > (std::size_t{1} << 30)) return false;
  out = v;
  return true;
}

int cmd_check(const std::vector<std::string>& args) {
  std::string dir;
  for (const auto& a : args) {
    if (a == "--help" || a == "-h") { std::cout << kCheckHelp; return 0; }
    if (a.starts_with("--")) return usage_error("check: unknown option " + a);
    if (!dir.empty()) return usage_error("check: takes one BUNDLE");
    dir = a;
  }
  if (dir.empty()) return usage_error("check: missing BUNDLE");
  auto snap = load_or_report(dir);
  if (!snap) return 1;
  auto findings = gridroute::lint(*snap);
  for (const auto& f : findings) std::cout << f.to_string() << "\n";
  std::cout << dir << ": ok — " << snap->unit_count() << " units, " << snap->handler_ids.size() << " handlers, "
            << snap->rules.size() << " rules, " << snap->policies.size() << " escalation policies; "
            << findings.size() << " warning" << (findings.size() == 1 ? "" : "s") << "\n";
  return 0;
}

int cmd_route(const std::vector<std::string>& args) {
  std::vector<std::string> pos;
  bool explain = false, quiet = false;
  unsigned threads = 1;
  std::size_t max_line = gridroute::detail::kDefaultMaxLineBytes;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const auto& a = args[i];
    if (a == "--help" || a == "-h") { std::cout << kRouteHelp; return 0; }
    if (a == "--explain") explain = true;
    else if (a == "--quiet" || a == "-q") quiet = true;
    else if (a == "--max-line-bytes" || a.starts_with("--max-line-bytes=")) {
      std::string v = a.size() > 16 ? a.substr(17) : (i + 1 < args.size() ? args[++i] : "");
      if (!parse_max_line(v, max_line)) return usage_error("route: --max-line-bytes needs a byte count from 1 to 1073741824");
    }
    else if (a == "--threads" || a.starts_with("--threads=")) {
      std::string v = a.size() > 9 ? a.substr(10) : (i + 1 < args.size() ? args[++i] : "");
      if (!parse_threads(v, threads)) return usage_error("route: --threads needs a count from 0 to 256");
    }
    else if (a.starts_with("--")) return usage_error("route: unknown option " + a);
    else pos.push_back(a);
  }
  if (pos.empty()) return usage_error("route: missing BUNDLE");
  if (pos.size() > 2) return usage_error("route: too many arguments");
  auto snap = load_or_report(pos[0]);
  if (!snap) return 1;
  gridroute::detail::set_max_line_bytes(max_line);  // before the codec: it reads the cap when made
  std::vector<std::unique_ptr<gridroute::LineCodec>> codecs;  // one per thread
  for (unsigned t = 0; t < threads; ++t) codecs.push_back(std::make_unique<gridroute::LineCodec>(snap));
  return run_lines(
      pos.size() > 1 ? pos[1] : "-", quiet, max_line, threads,
      [&](unsigned t, std::span<const std::string_view> lines, std::string& out) {
        codecs[t]->route_lines(lines, explain, out);
      },
      [&](const std::string& error, std::string& out) {
        gridroute::Decision d;
        d.status = gridroute::Decision::Status::rejected;
        d.message = error;
        gridroute::append_decision(out, *snap, {}, true, d, explain);
      });
}

int cmd_escalate(const std::vector<std::string>& args) {
  std::vector<std::string> pos;
  std::string now_text;
  bool quiet = false;
  unsigned threads = 1;
  std::size_t max_line = gridroute::detail::kDefaultMaxLineBytes;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const auto& a = args[i];
    if (a == "--help" || a == "-h") { std::cout << kEscalateHelp; return 0; }
    if (a == "--now") {
      if (i + 1 >= args.size()) return usage_error("escalate: --now needs a time");
      now_text = args[++i];
    } else if (a.starts_with("--now=")) {
      now_text = a.substr(6);
    } else if (a == "--quiet" || a == "-q") {
      quiet = true;
    } else if (a == "--max-line-bytes" || a.starts_with("--max-line-bytes=")) {
      std::string v = a.size() > 16 ? a.substr(17) : (i + 1 < args.size() ? args[++i] : "");
      if (!parse_max_line(v, max_line))
        return usage_error("escalate: --max-line-bytes needs a byte count from 1 to 1073741824");
    } else if (a == "--threads" || a.starts_with("--threads=")) {
      std::string v = a.size() > 9 ? a.substr(10) : (i + 1 < args.size() ? args[++i] : "");
      if (!parse_threads(v, threads)) return usage_error("escalate: --threads needs a count from 0 to 256");
    } else if (a.starts_with("--")) {
      return usage_error("escalate: unknown option " + a);
    } else {
      pos.push_back(a);
    }
  }
  if (pos.empty()) return usage_error("escalate: missing BUNDLE");
  if (pos.size() > 2) return usage_error("escalate: too many arguments");
  if (now_text.empty()) return usage_error("escalate: --now TIME is required (RFC 3339 with an offset)");
  auto now = gridroute::parse_rfc3339(now_text);
  if (!now.ok()) return usage_error("escalate: --now: " + std::string(now.status().message()));
  if (*now >= gridroute::detail::kMaxLineInstant)  // hardening: the calendar range, as for case lines
    return usage_error("escalate: --now must be before 9000-01-01T00:00:00Z (the calendar range)");
  auto snap = load_or_report(pos[0]);
  if (!snap) return 1;
  gridroute::detail::set_max_line_bytes(max_line);  // before the codec: it reads the cap when made
  std::vector<std::unique_ptr<gridroute::LineCodec>> codecs;  // one per thread
  for (unsigned t = 0; t < threads; ++t) codecs.push_back(std::make_unique<gridroute::LineCodec>(snap));
  return run_lines(
      pos.size() > 1 ? pos[1] : "-", quiet, max_line, threads,
      [&](unsigned t, std::span<const std::string_view> lines, std::string& out) {
        codecs[t]->escalate_lines(lines, *now, out);
      },
      [&](const std::string& error, std::string& out) {
        gridroute::Action a;
        a.kind = gridroute::Action::Kind::rejected;
        a.error = error;
        gridroute::append_action(out, *snap, {}, true, a);
      });
}

}  // namespace

int main(int argc, char** argv) {
  std::ios::sync_with_stdio(false);
  if (argc < 2) {
    std::cerr << kUsage;
    return 2;
  }
  std::string cmd = argv[1];
  std::vector<std::string> args(argv + 2, argv + argc);
  if (cmd == "--help" || cmd == "-h" || cmd == "help") {
    std::cout << kUsage;
    return 0;
  }
  if (cmd == "version" || cmd == "--version") {
    std::cout << "gridroute " << gridroute::kVersionString << "\n";
    return 0;
  }
  try {
    if (cmd == "check") return cmd_check(args);
    if (cmd == "route") return cmd_route(args);
    if (cmd == "escalate") return cmd_escalate(args);
    if (cmd == "db") return cmd_db(argc - 1, argv + 1);
    if (cmd == "worker") return cmd_worker(argc - 1, argv + 1);
  } catch (const std::exception& e) {
    std::cerr << "gridroute: internal error: " << e.what() << "\n";
    return 70;
  }
  return usage_error("unknown command '" + cmd + "'");
}
