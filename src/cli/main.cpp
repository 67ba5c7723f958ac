// The gridroute command line (SPEC §5): check, route, escalate, version, help.
#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "cli/batch_extras.hpp"
#include "cli/check_report.hpp"
#include "cli/help.hpp"
#include "cli/cmd_db.hpp"
#include "cli/stream.hpp"
#include "cli/tool_common.hpp"
#include "cli/tools.hpp"
#include "base/suggest.hpp"
#include "base/zone.hpp"
#include "compile/index.hpp"
#include "gridroute/engine.hpp"
#include "gridroute/jsonl.hpp"

namespace {

using gridroute::cli::BatchExtras;
using gridroute::cli::kUsage;

using gridroute::cli::usage_error;
int print(std::string_view text) { return gridroute::cli::print_out(text); }
std::shared_ptr<const gridroute::Snapshot> load_or_report(const std::string& dir,
                                                          const gridroute::LoadOptions& options = {}) {
  return gridroute::cli::load_reporting(dir, options);
}

// Parses a whole unsigned number in [lo, hi].
bool parse_count(const std::string& text, std::size_t lo, std::size_t hi, std::size_t& out) {
  std::size_t v = 0;
  auto r = std::from_chars(text.data(), text.data() + text.size(), v);
  if (r.ec != std::errc() || r.ptr != text.data() + text.size() || v < lo || v > hi) return false;
  out = v;
  return true;
}

std::string plural(std::size_t n, std::string_view one, std::string_view many) {
  return std::to_string(n) + " " + std::string(n == 1 ? one : many);
}

int cmd_compile(const std::vector<std::string>& args) {
  std::string dir, out;
  bool quiet = false;
  gridroute::cli::SeenOptions seen{{"-o", "--output"}};
  for (std::size_t i = 0; i < args.size(); ++i) {
    const auto& a = args[i];
    if (a == "--help" || a == "-h") return print(gridroute::cli::kCompileHelp);
    // As for every other command's options: one given twice is a usage error, not the last one winning.
    if (const std::string twice = seen.repeated(a); !twice.empty()) return usage_error("compile: " + twice + " is given twice");
    if (a == "--quiet") { quiet = true; continue; }
    if (a == "-o" || a == "--output") {
      if (i + 1 >= args.size() || gridroute::cli::is_option_like(args[i + 1]))
        return usage_error("compile: -o takes a FILE (a file whose name starts with '-' is written ./-x)");
      out = args[++i];
      continue;
    }
    if (a.starts_with("--output=")) {
      out = a.substr(9);
      if (out.empty()) return usage_error("compile: --output= takes a FILE");
      continue;
    }
    if (a.starts_with("-")) return usage_error("compile: unknown option " + a);
    if (!dir.empty()) return usage_error("compile: takes one BUNDLE");
    dir = a;
  }
  if (dir.empty()) return usage_error("compile: missing BUNDLE");
  if (out.empty()) return usage_error("compile: missing -o FILE");
  if (out == "-")
    return usage_error("compile: -o takes a FILE: the compiled file is written beside it and renamed into place, "
                       "not to standard output (a file named '-' is written ./-)");
  auto snap = load_or_report(dir, gridroute::LoadOptions{});
  if (!snap) return 1;
  // Hardening: the compiled file replaces what is at OUT by a rename, so never a bundle's own file, a
  // device or a FIFO.
  if (const std::string why = gridroute::cli::output_refusal(out, gridroute::cli::bundle_inputs(dir, *snap), true); !why.empty()) {
    std::cerr << "gridroute: cannot write " << why << "\n";
    return 3;
  }
  if (auto st = gridroute::write_compiled(*snap, out); !st.ok()) {
    std::cerr << "gridroute: " << st.message() << "\n";
    return 3;
  }
  if (!quiet)
    std::cerr << out << ": compiled " << plural(snap->unit_count(), "unit", "units") << ", "
              << plural(snap->handler_count(), "handler", "handlers") << ", " << plural(snap->rule_count(), "rule", "rules")
              << "; bundle " << snap->digest() << "\n";
  return 0;
}

int cmd_check(const std::vector<std::string>& args) {
  std::string dir;
  gridroute::cli::CheckOptions options;
  gridroute::cli::SeenOptions seen;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const auto& a = args[i];
    if (a == "--help" || a == "-h") return print(gridroute::cli::kCheckHelp);
    if (const std::string twice = seen.repeated(a); !twice.empty()) return usage_error("check: " + twice + " is given twice");
    if (a == "--strict") { options.strict = true; continue; }
    if (a == "--coverage") { options.coverage = true; continue; }
    if (a == "--format" || a.starts_with("--format=")) {
      std::string f = a.size() > 8 ? a.substr(9) : (i + 1 < args.size() && !gridroute::cli::is_option_like(args[i + 1]) ? args[++i] : "");
      if (f != "json" && f != "text") return usage_error("check: --format takes text or json");
      options.json = f == "json";
      continue;
    }
    if (gridroute::cli::is_option_like(a)) return usage_error("check: unknown option " + a);
    if (!dir.empty()) return usage_error("check: takes one BUNDLE");
    dir = a;
  }
  if (dir.empty()) return usage_error("check: missing BUNDLE");
  return gridroute::cli::run_check(dir, options);
}

// route and escalate: the same options, the same stream; only what answers a block differs.
enum class Batch { route, escalate };

int cmd_batch(Batch kind, const std::vector<std::string>& args) {
  const bool route = kind == Batch::route;
  const std::string name = route ? "route" : "escalate";
  std::vector<std::string> pos;
  std::string now_text;
  bool quiet = false;
  BatchExtras extras;
  gridroute::CodecOptions codec;
  auto value = [&](std::size_t& i, const std::string&, std::string_view opt) {
    return gridroute::cli::option_value(args, i, opt);
  };
  auto is_opt = [](const std::string& a, std::string_view opt) {
    return a == opt || (a.starts_with(opt) && a.size() > opt.size() && a[opt.size()] == '=');
  };
  // Options given: one given twice is a usage error, not the last one winning.
  gridroute::cli::SeenOptions seen{{"-q", "--quiet"}};
  for (std::size_t i = 0; i < args.size(); ++i) {
    const auto& a = args[i];
    if (a == "--help" || a == "-h") return print(route ? gridroute::cli::kRouteHelp : gridroute::cli::kEscalateHelp);
    if (const std::string twice = seen.repeated(a); !twice.empty()) return usage_error(name + ": " + twice + " is given twice");
    if (a == "--explain") {
      codec.explain = true;
    } else if (a == "--quiet" || a == "-q") {
      quiet = true;
    } else if (int r = extras.option(name, args, i); r >= 0) {
      if (r > 0) return usage_error(extras.usage);
    } else if (!route && is_opt(a, "--now")) {
      auto v = value(i, a, "--now");
      if (!v || v->empty()) return usage_error("escalate: --now needs a time (RFC 3339 with an offset)");
      now_text = *v;
    } else if (is_opt(a, "--max-line-bytes")) {
      auto v = value(i, a, "--max-line-bytes");
      if (!v || !parse_count(*v, 1, std::size_t{1} << 30, codec.max_line_bytes))
        return usage_error(name + ": --max-line-bytes needs a byte count from 1 to 1073741824");
    } else if (is_opt(a, "--threads")) {
      auto v = value(i, a, "--threads");
      std::size_t n = 0;
      if (!v || !parse_count(*v, 0, 256, n)) return usage_error(name + ": --threads needs a count from 0 to 256");
      codec.threads = static_cast<unsigned>(n);
    } else if (gridroute::cli::is_option_like(a)) {
      return usage_error(name + ": unknown option " + a);
    } else {
      pos.push_back(a);
    }
  }
  if (pos.empty()) return usage_error(name + ": missing BUNDLE");
  if (pos.size() > 2) return usage_error(name + ": too many arguments");
  gridroute::Instant now = gridroute::kNoInstant;
  auto now_in_range = [](gridroute::Instant t) { return t >= gridroute::kMinInstant && t < gridroute::kMaxInstant; };
  const char* const kNowRange =
      "escalate: --now must be before 9000-01-01T00:00:00Z (the calendar range) and not before 0000-01-01T00:00:00Z";
  // A time without an offset is read in the jurisdiction's time zone when jurisdiction.json sets
  // "local_times", as the lines' times are (SPEC §4): decided once the bundle is loaded.
  std::string now_error;
  if (!route) {
    if (now_text.empty()) return usage_error("escalate: --now TIME is required (RFC 3339 with an offset)");
    auto t = gridroute::parse_rfc3339(now_text);
    if (!t.ok()) {
      now_error = "escalate: --now: " + std::string(t.status().message());
      if (!gridroute::detail::parse_time_local(now_text, gridroute::detail::Zone()).ok()) return usage_error(now_error);
    } else {
      if (!now_in_range(*t)) return usage_error(kNowRange);
      now = *t;
    }
  }
  auto snap = load_or_report(pos[0]);
  if (!snap) return 1;
  if (!now_error.empty()) {
    const gridroute::detail::Index& ix = snap->index();
    if (!ix.local_times)
      return usage_error(now_error +
                         " (a time without an offset is read in the jurisdiction's time zone when "
                         "jurisdiction.json sets \"local_times\": true)");
    auto t = gridroute::detail::parse_time_local(now_text, ix.zone);
    if (!t.ok()) return usage_error("escalate: --now: " + std::string(t.status().message()));
    if (!now_in_range(*t)) return usage_error(kNowRange);
    now = *t;
  }
  if (!extras.load_map()) return 1;
  gridroute::LineCodec lines(snap, codec);
  gridroute::cli::StreamOptions stream;
  stream.input = pos.size() > 1 ? pos[1] : "-";
  stream.max_line_bytes = lines.options().max_line_bytes;
  stream.quiet = quiet;
  extras.begin(route, snap->digest(), quiet);
  const int status = gridroute::cli::answer_stream(
      stream,
      extras.block([&](std::span<const std::string_view> block, std::string& out) {
        if (route) lines.route_lines(block, out);
        else lines.escalate_lines(block, now, out);
      }),
      extras.too_long([&](std::size_t length, std::string& out) {
        if (route) lines.route_too_long(length, out);
        else lines.escalate_too_long(length, out);
      }));
  return extras.finish(name, status, quiet, stream.input, stream.max_line_bytes);
}

int help(const std::vector<std::string>& args) {
  if (args.empty()) return print(kUsage);
  const std::string& c = args[0];
  if (c == "--help" || c == "-h" || c == "help") return print(kUsage);
  if (args.size() > 1) return usage_error("help: takes one COMMAND");
  if (c == "check") return print(gridroute::cli::kCheckHelp);
  if (c == "compile") return print(gridroute::cli::kCompileHelp);
  if (c == "route") return print(gridroute::cli::kRouteHelp);
  if (c == "escalate") return print(gridroute::cli::kEscalateHelp);
  if (c == "version") return print(gridroute::cli::kVersionHelp);
  if (c == "test") return print(gridroute::cli::kTestHelp);
  if (c == "diff") return print(gridroute::cli::kDiffHelp);
  if (c == "graph") return print(gridroute::cli::kGraphHelp);
  if (c == "db" || c == "worker") {  // their help lives with them (cmd_db.cpp)
    std::string name = c, flag = "--help";
    char* argv[] = {name.data(), flag.data(), nullptr};
    return c == "db" ? cmd_db(2, argv) : cmd_worker(2, argv);
  }
  static const std::vector<std::string> kTopics = {"check", "compile", "route", "escalate", "test", "diff",
                                                   "graph", "db",    "worker", "version"};
  return usage_error("help: unknown command '" + c + "'" + gridroute::detail::did_you_mean(c, kTopics));
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
  try {
    if (cmd == "--help" || cmd == "-h") return print(kUsage);
    if (cmd == "help") return help(args);
    if (cmd == "version" || cmd == "--version") {
      if (!args.empty() && (args[0] == "--help" || args[0] == "-h")) return print(gridroute::cli::kVersionHelp);
      if (!args.empty()) return usage_error("version: takes no argument, got '" + args[0] + "'");
      return print(std::string("gridroute ") + gridroute::kVersionString + "\n");
    }
    if (cmd == "check") return cmd_check(args);
    if (cmd == "compile") return cmd_compile(args);
    if (cmd == "route") return cmd_batch(Batch::route, args);
    if (cmd == "escalate") return cmd_batch(Batch::escalate, args);
    if (cmd == "test") return gridroute::cli::cmd_test(args);
    if (cmd == "diff") return gridroute::cli::cmd_diff(args);
    if (cmd == "graph") return gridroute::cli::cmd_graph(args);
    if (cmd == "db") return cmd_db(argc - 1, argv + 1);
    if (cmd == "worker") return cmd_worker(argc - 1, argv + 1);
  } catch (const std::exception& e) {
    std::cerr << "gridroute: internal error: " << e.what() << "\n";
    return 70;
  }
  // A misspelt command is named; what sounds like a command of its own but is part of another points there.
  if (cmd == "coverage" || cmd == "lint")
    return usage_error("unknown command '" + cmd + "' (lint and coverage are part of 'gridroute check'; "
                       "'gridroute check --coverage' lists every cell and category no rule routes)");
  static const std::vector<std::string> kCommands = {"check", "compile", "route", "escalate", "test", "diff",
                                                     "graph", "db",    "worker", "version", "help"};
  return usage_error("unknown command '" + cmd + "'" + gridroute::detail::did_you_mean(cmd, kCommands));
}
