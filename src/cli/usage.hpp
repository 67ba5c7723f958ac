// The message of a usage error (exit status 2), shared by every command of the CLI.
#pragma once

#include <iostream>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace gridroute::cli {

// An argument that is an option, not a file: "-x" or "--x" (a lone "-" is standard input). A file whose
// name starts with '-' is named "./-x".
inline bool is_option_like(std::string_view a) { return a.size() > 1 && a[0] == '-'; }
// "-5", "-0.5", "-.5": a negative number, which an option's value may be (and its range refuses).
inline bool is_number_like(std::string_view a) {
  return a.size() > 1 && a[0] == '-' && ((a[1] >= '0' && a[1] <= '9') || (a[1] == '.' && a.size() > 2));
}

// `--opt VALUE` or `--opt=VALUE` at args[i]: whether args[i] is that option.
inline bool is_option(const std::string& a, std::string_view opt) {
  return a == opt || (a.size() > opt.size() && a.starts_with(opt) && a[opt.size()] == '=');
}
// Its value (advancing `i` past a separate value), or nullopt when it has none. A separate value that
// looks like an option (`--html --quiet`) is not taken: the option's value was forgotten, and taking
// the next option as a file name would write a file named `--quiet` and drop the option. A value that
// starts with '-' is given as `--opt=-x` (or a file as ./-x).
inline std::optional<std::string> option_value(const std::vector<std::string>& args, std::size_t& i,
                                               std::string_view opt) {
  const std::string& a = args[i];
  if (a.size() > opt.size() && a[opt.size()] == '=') return a.substr(opt.size() + 1);
  if (i + 1 < args.size() && (!is_option_like(args[i + 1]) || is_number_like(args[i + 1]))) return args[++i];
  return std::nullopt;
}

// Options given so far, so that one given twice is a usage error (the last one silently winning would
// drop the first): `repeated(a)` is the option's name as args[i] gives it when it repeats one, else
// empty. `aliases` pairs a short name with its long one (`{"-q", "--quiet"}`): `-q --quiet` repeats too.
class SeenOptions {
 public:
  SeenOptions() = default;
  SeenOptions(std::initializer_list<std::pair<std::string_view, std::string_view>> aliases) : aliases_(aliases) {}
  std::string repeated(const std::string& a) {
    if (!is_option_like(a)) return {};
    std::string name = a.substr(0, a.find('='));
    if (name == "-h" || name == "--help") return {};
    std::string key = name;
    for (const auto& [short_name, long_name] : aliases_)
      if (key == short_name) key = long_name;
    for (const std::string& s : seen_)
      if (s == key) return name;
    seen_.push_back(std::move(key));
    return {};
  }

 private:
  std::vector<std::pair<std::string_view, std::string_view>> aliases_;
  std::vector<std::string> seen_;
};

// Writes "gridroute: MESSAGE" and where to read more: a message of a command ("route: ...", "db init:
// ...") points at that command's own help. Returns 2.
inline int usage_error(const std::string& msg) {
  static constexpr std::string_view kCommands[] = {"check", "compile", "route", "escalate", "test",
                                                   "diff",  "graph",   "db",    "worker",   "version"};
  const std::string_view first = std::string_view(msg).substr(0, msg.find_first_of(": "));
  std::string_view command;
  for (std::string_view c : kCommands)
    if (first == c && msg.size() > first.size()) command = c;
  std::cerr << "gridroute: " << msg << "\nTry 'gridroute " << command << (command.empty() ? "" : " ") << "--help'.\n";
  return 2;
}

}  // namespace gridroute::cli
