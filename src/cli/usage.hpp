// The message of a usage error (exit status 2), shared by every command of the CLI.
#pragma once

#include <iostream>
#include <string>
#include <string_view>

namespace gridroute::cli {

// An argument that is an option, not a file: "-x" or "--x" (a lone "-" is standard input). A file whose
// name starts with '-' is named "./-x".
inline bool is_option_like(std::string_view a) { return a.size() > 1 && a[0] == '-'; }
// "-5", "-0.5", "-.5": a negative number, which an option's value may be (and its range refuses).
inline bool is_number_like(std::string_view a) {
  return a.size() > 1 && a[0] == '-' && ((a[1] >= '0' && a[1] <= '9') || (a[1] == '.' && a.size() > 2));
}

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
