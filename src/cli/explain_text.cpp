// A decision's trace as text (see explain_text.hpp). The words are the trace record's own: the record is
// written by the library's writer (io/writer) and read back, so `test`, `diff` and `route --explain`
// never word a verdict differently.
#include "cli/explain_text.hpp"

#include <boost/json.hpp>

#include "base/strings.hpp"
#include "io/writer.hpp"

namespace gridroute::cli {
namespace json = boost::json;
using detail::append;
using detail::cat;

std::vector<std::string> explain_lines(const Snapshot& s, const Decision& d) {
  std::vector<std::string> out;
  if (d.status == Decision::Status::rejected) {
    out.push_back(cat("rejected: ", d.message));
    return out;
  }
  if (d.status == Decision::Status::unrouted) out.push_back(cat("unrouted: ", d.message));
  std::string record;
  detail::append_decision(record, s.index(), detail::LineId{}, d, true);
  json::error_code ec;
  json::value v = json::parse(record, ec);
  const json::array* trace = ec ? nullptr : v.get_object().at("trace").if_array();
  if (!trace || trace->empty()) {
    out.push_back("no rule matches the category");
    return out;
  }
  for (const auto& e : *trace) {
    const json::object& t = e.get_object();
    const std::string verdict(t.at("verdict").get_string());
    std::string line = verdict + std::string(verdict.size() < 16 ? 16 - verdict.size() : 1, ' ');
    if (t.at("rule").is_null()) {
      append(line, "(fallback) ", t.at("handler").get_string());
    } else {
      append(line, t.at("rule").get_string(), " (priority ", json::serialize(t.at("priority")), ", scope ",
             t.at("scope").get_string(), ", pattern ", t.at("pattern").get_string());
      if (auto tried = t.if_contains("tried")) append(line, ", tried ", json::serialize(*tried));
      line += ")";
    }
    append(line, ": ", t.at("why").get_string());
    out.push_back(std::move(line));
  }
  return out;
}

}  // namespace gridroute::cli
