// `gridroute test BUNDLE TESTS.jsonl` (SPEC §8): every line is an issue with an "expect" object; the
// decision must carry every field it names. Failures are printed with the field, both values and the
// decision's trace; the last line counts passes and failures.
#include <boost/json.hpp>

#include "base/json_text.hpp"
#include "base/strings.hpp"
#include "cli/expect.hpp"
#include "cli/explain_text.hpp"
#include "cli/help.hpp"
#include "cli/tool_common.hpp"
#include "cli/tools.hpp"
#include "gridroute/jsonl.hpp"
#include "io/lines.hpp"
#include "io/parser.hpp"

namespace gridroute::cli {
namespace json = boost::json;
using detail::append;
using detail::cat;

namespace {

// The decision's --explain trace, indented under the failure.
std::string trace_lines(const Snapshot& snap, const Decision& d, const LocationTrace* where) {
  std::string out = "  trace:\n";
  for (const auto& line : explain_lines(snap, d, where)) append(out, "    ", line, "\n");
  return out;
}

}  // namespace

int cmd_test(const std::vector<std::string>& args) {
  std::vector<std::string> pos;
  bool verbose = false;
  std::size_t max_line_bytes = CodecOptions{}.max_line_bytes;
  SeenOptions seen{{"-v", "--verbose"}};
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--help" || a == "-h") return print_out(kTestHelp);
    if (const std::string twice = seen.repeated(a); !twice.empty()) return usage_error("test: " + twice + " is given twice");
    if (a == "--verbose" || a == "-v") {
      verbose = true;
    } else if (is_option(a, "--max-line-bytes")) {
      // As route's: a test line longer than the default (1 MiB) is read when this says so.
      auto v = option_value(args, i, "--max-line-bytes");
      if (!v || !parse_count(*v, 1, std::size_t{1} << 30, max_line_bytes))
        return usage_error("test: --max-line-bytes needs a byte count from 1 to 1073741824");
    } else if (is_option_like(a)) {
      return usage_error("test: unknown option " + a);
    } else {
      pos.push_back(a);
    }
  }
  if (pos.size() != 2) return usage_error(pos.size() < 2 ? "test: needs BUNDLE and TESTS.jsonl" : "test: too many arguments");
  const std::string& tests_path = pos[1];
  // The report goes to standard output: a test file that is also standard output would get the report
  // written into it (`gridroute test B T.jsonl >> T.jsonl`), and fail on it from then on.
  if (is_standard_output(tests_path)) {
    std::cerr << "gridroute: " << tests_path << " is also the output: write the report to another file\n";
    return 3;
  }
  std::string text;
  // The bundle first, as route loads it before its input: a bad bundle is status 1 whatever the tests.
  auto snap = load_reporting(pos[0]);
  if (!snap) {
    // No test can pass against a refused bundle: each counts as failed, and the last line says so.
    if (!read_whole_file(tests_path, text)) text.clear();
    std::size_t tests = 0;
    bool first = true;
    for (std::string_view rest = text; !rest.empty();) {
      const std::size_t nl = rest.find('\n');
      std::string_view line = rest.substr(0, nl);
      rest = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
      tests += detail::clean_line(line, first);
      first = false;
    }
    std::cout << "the bundle has errors: no test was run\n0 passed, " << tests << " failed\n";
    return 1;
  }

  if (!read_whole_file(tests_path, text)) return 3;

  // Lines are read as `route` reads them: instants without an offset in the jurisdiction's zone when it
  // sets local_times (SPEC §4).
  const detail::Index& index = snap->index();
  detail::LineParser parser(max_line_bytes, index.local_times ? &index.zone : nullptr);
  std::size_t passed = 0, failed = 0, number = 0;
  std::string out;
  std::string_view rest = text;
  bool first = true;
  while (!rest.empty()) {
    // The report goes out as it grows: thousands of failures with their traces are not held whole.
    if (out.size() >= (std::size_t{1} << 20)) {
      if (int rc = print_out(out)) return rc;
      out.clear();
    }
    const std::size_t nl = rest.find('\n');
    std::string_view line = rest.substr(0, nl);
    rest = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
    ++number;
    const bool keep = detail::clean_line(line, first);
    first = false;
    if (!keep) continue;
    const std::string where = cat(tests_path, ":", number, ": ");
    if (std::size_t bad = 0; !detail::valid_utf8(line, bad)) {
      append(out, where, "not UTF-8 (an invalid byte at column ", bad + 1, ")\n");
      ++failed;
      continue;
    }
    json::error_code ec;
    json::value v = json::parse(line, ec);
    const json::object* expect = nullptr;
    if (ec || !v.is_object()) {
      append(out, where, "not a JSON object", ec ? cat(": ", ec.message()) : std::string(), "\n");
      ++failed;
      continue;
    }
    const json::value* e = v.get_object().if_contains("expect");
    if (!e || !e->is_object()) {
      append(out, where, "/expect: ", e ? "must be an object" : "missing",
             " (a test line is an issue with an \"expect\" object of decision fields)\n");
      ++failed;
      continue;
    }
    expect = &e->get_object();
    const json::value* idv = v.get_object().if_contains("id");
    // An integer id past 64 bits (held as a double) is named by the line's own digits.
    const std::string_view digits = idv && idv->is_double() ? detail::value_text(line, "/id") : std::string_view();
    const std::string label = !idv ? std::string("(no id)") : !digits.empty() ? std::string(digits) : json::serialize(*idv);
    // A key written twice in the expectation is the test's mistake, not the issue's: said as such, not
    // as the issue's rejection.
    if (const auto dups = detail::duplicate_keys(line, 1);
        !dups.empty() && (dups.front().first == "/expect" || dups.front().first.starts_with("/expect/"))) {
      append(out, where, label, ": bad expectation: duplicate key at ", dups.front().first,
             " (a key may appear once in an object)\n");
      ++failed;
      continue;
    }

    Issue issue;
    detail::LineId id;
    detail::LineSlot slot;
    Decision d;
    LocationTrace located;  // how the issue's location gave its cell, for the trace
    const bool read = parser.read_issue(line, issue, id, slot, json::storage_ptr());
    if (read) {
      // Without the trace: a passing test shows none, and the trace of a large bundle (every rule
      // considered, every cell near a point) costs more than the decision. A failure is decided again
      // with it, below.
      snap->route_into(issue, d, false);
    } else {
      d.status = Decision::Status::rejected;
      d.message = parser.error();
    }
    std::vector<Mismatch> diffs;
    std::string error;
    if (!check_expect(*snap, d, *expect, diffs, error)) {
      append(out, where, label, ": bad expectation: ", error, "\n");
      ++failed;
      continue;
    }
    if (diffs.empty()) {
      ++passed;
      if (verbose) append(out, where, label, ": ok\n");
      continue;
    }
    ++failed;
    if (read) {
      snap->route_into(issue, d, true);
      located = snap->explain_location(issue);
    }
    append(out, where, label, ": ", diffs.size(), diffs.size() == 1 ? " field differs\n" : " fields differ\n");
    for (const auto& m : diffs) {
      append(out, "  ", m.field, ": expected ", m.expected, ", got ", m.actual);
      // A decision names its cell only for an issue given by its location (SPEC §7).
      if (m.field == "cell" && m.actual == "null" && !issue.cell.empty() && d.status != Decision::Status::rejected)
        out += " (a decision names the cell only of an issue given by its location; this issue gave its cell)";
      out += "\n";
    }
    out += trace_lines(*snap, d, &located);
  }
  // A file without a test checks nothing: a wrong or emptied path must not pass as a green run.
  const bool none = passed + failed == 0;
  append(out, passed, " passed, ", failed, " failed", none ? cat(": no test in ", tests_path, " (every line is blank)") : std::string(), "\n");
  if (int rc = print_out(out)) return rc;
  return failed || none ? 1 : 0;
}

}  // namespace gridroute::cli
