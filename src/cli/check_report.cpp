// What `gridroute check` prints (see check_report.hpp).
#include "cli/check_report.hpp"
#include "cli/tools.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <vector>

#include <boost/json.hpp>

#include "gridroute/engine.hpp"

namespace gridroute::cli {
namespace {

namespace json = boost::json;

std::string plural(std::size_t n, std::string_view one, std::string_view many) {
  return std::to_string(n) + " " + std::string(n == 1 ? one : many);
}

std::string_view severity_name(Diagnostic::Severity s) {
  switch (s) {
    case Diagnostic::Severity::error: return "error";
    case Diagnostic::Severity::warning: return "warning";
    case Diagnostic::Severity::note: return "note";
  }
  return "error";
}

json::object to_json(const Diagnostic& d) {
  json::object o;
  o["severity"] = severity_name(d.severity);
  o["file"] = d.file.empty() ? json::value(nullptr) : json::value(d.file);
  o["line"] = d.line > 0 ? json::value(d.line) : json::value(nullptr);
  o["column"] = d.column > 0 ? json::value(d.column) : json::value(nullptr);
  o["pointer"] = d.pointer.empty() ? json::value(nullptr) : json::value(d.pointer);
  o["message"] = d.message;
  o["text"] = d.to_string();
  return o;
}

int write(std::string_view text, std::FILE* to) {
  if (std::fwrite(text.data(), 1, text.size(), to) != text.size() || std::fflush(to) != 0) {
    if (errno == EPIPE) return 141;
    std::fprintf(stderr, "gridroute: cannot write the output: %s\n", std::strerror(errno));
    return 3;
  }
  return 0;
}

}  // namespace

int run_check(const std::string& dir, const CheckOptions& options) {
  std::vector<Diagnostic> errors;
  auto snap = load_bundle(dir, &errors);
  std::vector<Diagnostic> findings;
  if (snap.ok()) findings = lint(**snap);
  std::size_t warnings = 0, notes = 0;
  for (const auto& f : findings) (f.severity == Diagnostic::Severity::note ? notes : warnings) += 1;
  const bool failed = !snap.ok() || (options.strict && warnings > 0);

  if (options.json) {
    json::object doc;
    doc["bundle"] = dir;
    doc["ok"] = !failed;
    doc["strict"] = options.strict;
    json::array list;
    for (const auto& d : snap.ok() ? findings : errors) list.push_back(to_json(d));
    if (snap.ok()) {
      const Snapshot& s = **snap;
      doc["digest"] = std::string(s.digest());
      doc["units"] = s.unit_count();
      doc["handlers"] = s.handler_count();
      doc["rules"] = s.rule_count();
      doc["escalation_policies"] = s.policy_count();
      doc["errors"] = 0;
    } else {
      doc["digest"] = nullptr;
      doc["errors"] = errors.empty() ? 1 : errors.size();
      if (errors.empty()) list.push_back(to_json(Diagnostic{Diagnostic::Severity::error, dir, 0, 0, "",
                                                              std::string(snap.status().message())}));
    }
    doc["warnings"] = warnings;
    doc["notes"] = notes;
    doc["diagnostics"] = std::move(list);
    if (options.coverage && snap.ok()) doc["coverage"] = coverage_report(**snap);
    const int w = write(json::serialize(doc) + "\n", stdout);
    return w ? w : (failed ? 1 : 0);
  }

  if (!snap.ok()) {
    std::string text;
    for (const auto& d : errors) text += d.to_string() + "\n";
    text += "gridroute: " + std::string(snap.status().message()) + "\n";
    write(text, stderr);
    return 1;
  }
  const Snapshot& s = **snap;
  std::string text;
  for (const auto& f : findings) text += f.to_string() + "\n";
  text += dir + ": ok — " + plural(s.unit_count(), "unit", "units") + ", " + plural(s.handler_count(), "handler", "handlers") +
          ", " + plural(s.rule_count(), "rule", "rules") + ", " +
          plural(s.policy_count(), "escalation policy", "escalation policies") + "; " +
          plural(warnings, "warning", "warnings") + (notes ? ", " + plural(notes, "note", "notes") : std::string()) +
          "\n" + dir + ": bundle " + std::string(s.digest()) + "\n";
  if (options.coverage) text += "\n" + coverage_report(s);
  if (const int w = write(text, stdout)) return w;
  if (failed) {
    write("gridroute: check --strict: " + plural(warnings, "warning fails", "warnings fail") + " the check\n", stderr);
    return 1;
  }
  return 0;
}

}  // namespace gridroute::cli
