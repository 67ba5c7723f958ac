// The gridroute command line: check, route, escalate (SPEC §5).
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gridroute/engine.hpp"
#include "gridroute/jsonl.hpp"

namespace {

constexpr const char* kUsage = R"(gridroute — who owns a resident's issue, and when and to whom it escalates

Usage:
  gridroute check BUNDLE                                  load a bundle and lint it
  gridroute route BUNDLE [ISSUES.jsonl|-] [--explain]     route issues (JSON Lines) to handlers
  gridroute escalate BUNDLE [CASES.jsonl|-] --now TIME    evaluate open cases for escalation
  gridroute version                                       print the version
  gridroute COMMAND --help                                help on one command

A BUNDLE is a directory with jurisdiction.json and rules.json (see docs/formats.md).
Input defaults to standard input ('-'); output is JSON Lines on standard output, one line per
non-blank input line, in input order. Bad lines get a "rejected" record; the batch goes on.

Exit status: 0 success, 1 the bundle has errors, 2 usage error, 3 an input file cannot be read.
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
  --quiet     no progress bar
A progress bar is drawn on standard error when it is a terminal.
)";

constexpr const char* kEscalateHelp = R"(Usage: gridroute escalate BUNDLE [CASES.jsonl|-] --now TIME

Reads cases (an issue's fields plus level, level_started_at, responded, reports, status and an
optional rating) and writes one action per line at TIME (RFC 3339 with an offset):
  none | hold (with next_check) | escalate | reopen (with the new level's respond_by, resolve_by)
  | overdue | rejected (with error).

  --now TIME  the evaluation time, e.g. 2026-11-23T10:00:00+08:00 (required)
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

// A progress bar on stderr, redrawn at most ten times a second, only when stderr is a terminal.
class Progress {
 public:
  Progress(bool enabled, std::int64_t total_bytes) : on_(enabled && isatty(2)), total_(total_bytes) {}
  void update(std::int64_t lines, std::int64_t bytes) {
    if (!on_) return;
    auto now = std::chrono::steady_clock::now();
    if (now - last_ < std::chrono::milliseconds(100)) return;
    last_ = now;
    draw(lines, bytes);
  }
  void done(std::int64_t lines, std::int64_t bytes) {
    if (!on_) return;
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
};

template <class Fn>
int run_lines(const std::string& input, bool quiet, Fn&& fn) {
  std::FILE* in = stdin;
  std::int64_t total = 0;
  if (input != "-") {
    in = std::fopen(input.c_str(), "rb");
    if (!in) {
      std::cerr << "gridroute: cannot read " << input << ": " << std::strerror(errno) << "\n";
      return 3;
    }
    std::fseek(in, 0, SEEK_END);
    total = std::ftell(in);
    std::fseek(in, 0, SEEK_SET);
  }
  Progress progress(!quiet, total);
  std::string out;
  out.reserve(1 << 20);
  char* buf = nullptr;
  std::size_t cap = 0;
  std::int64_t lines = 0, bytes = 0;
  ssize_t n;
  while ((n = getline(&buf, &cap, in)) != -1) {
    bytes += n;
    std::string_view line(buf, static_cast<std::size_t>(n));
    if (!line.empty() && line.back() == '\n') line.remove_suffix(1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (lines == 0 && line.substr(0, 3) == "\xEF\xBB\xBF") line.remove_prefix(3);
    if (line.find_first_not_of(" \t") == std::string_view::npos) continue;
    fn(line, out);
    out.push_back('\n');
    ++lines;
    if (out.size() > (1 << 20) - 4096) {
      std::fwrite(out.data(), 1, out.size(), stdout);
      out.clear();
    }
    progress.update(lines, bytes);
  }
  std::free(buf);
  std::fwrite(out.data(), 1, out.size(), stdout);
  std::fflush(stdout);
  progress.done(lines, bytes);
  if (in != stdin) std::fclose(in);
  return 0;
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
  for (const auto& a : args) {
    if (a == "--help" || a == "-h") { std::cout << kRouteHelp; return 0; }
    if (a == "--explain") explain = true;
    else if (a == "--quiet" || a == "-q") quiet = true;
    else if (a.starts_with("--")) return usage_error("route: unknown option " + a);
    else pos.push_back(a);
  }
  if (pos.empty()) return usage_error("route: missing BUNDLE");
  if (pos.size() > 2) return usage_error("route: too many arguments");
  auto snap = load_or_report(pos[0]);
  if (!snap) return 1;
  gridroute::LineCodec codec(snap);
  return run_lines(pos.size() > 1 ? pos[1] : "-", quiet,
                   [&](std::string_view line, std::string& out) { codec.route_line(line, explain, out); });
}

int cmd_escalate(const std::vector<std::string>& args) {
  std::vector<std::string> pos;
  std::string now_text;
  bool quiet = false;
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
  auto snap = load_or_report(pos[0]);
  if (!snap) return 1;
  gridroute::LineCodec codec(snap);
  return run_lines(pos.size() > 1 ? pos[1] : "-", quiet,
                   [&](std::string_view line, std::string& out) { codec.escalate_line(line, *now, out); });
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
  } catch (const std::exception& e) {
    std::cerr << "gridroute: internal error: " << e.what() << "\n";
    return 70;
  }
  return usage_error("unknown command '" + cmd + "'");
}
