// A decision's trace as text (see explain_text.hpp). The words are the trace record's own: the record is
// written by the library's writer (io/writer) and read back, so `test`, `diff` and `route --explain`
// never word a verdict differently.
#include "cli/explain_text.hpp"

#include <charconv>

#include <boost/json.hpp>

#include "base/strings.hpp"
#include "io/writer.hpp"

namespace gridroute::cli {
namespace json = boost::json;
using detail::append;
using detail::cat;

namespace {

// Metres as a person writes them: 23.34, 30.
std::string metres(const json::value& v) {
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof buf, v.to_number<double>(), std::chars_format::fixed, 2);
  std::string t(buf, r.ec == std::errc() ? r.ptr : buf);
  if (t.ends_with(".00")) t.resize(t.size() - 3);
  return t;
}

// The "located" member of a record, as one line.
std::string located_line(const json::object& w) {
  std::string line = "located         ";
  const std::string_view how = w.at("how").get_string();
  auto cells = [](const json::array& a) {
    std::string t;
    for (const auto& c : a) append(t, t.empty() ? "" : ", ", c.get_string());
    return t;
  };
  if (how == "inside") {
    line += "inside its polygon (the first Feature in file order that holds the point)";
    if (const auto& also = w.at("also_inside").get_array(); !also.empty())
      append(line, "; also inside ", cells(also), ", later in the file");
  } else if (how == "snapped") {
    append(line, "snapped: no polygon holds the point; its boundary is ", metres(w.at("meters")),
           " m away (snap_meters ", metres(w.at("snap_meters")), ")");
    std::string others;
    for (const auto& o : w.at("others").get_array())
      append(others, others.empty() ? "" : ", ", o.at("cell").get_string(), " at ", metres(o.at("meters")), " m");
    if (!others.empty()) append(line, "; also within snap_meters: ", others, " (nearest first; ties go by file order)");
  } else if (w.at("nearest").is_null()) {
    append(line, "outside every cell: no boundary within 100 km (snap_meters ", metres(w.at("snap_meters")), ")");
  } else {
    append(line, "outside every cell: the nearest, ", w.at("nearest").get_string(), ", is ", metres(w.at("meters")),
           " m away (snap_meters ", metres(w.at("snap_meters")), ")");
  }
  if (how == "outside" && w.contains("swapped"))
    append(line, "; with longitude and latitude exchanged the point is in ", w.at("swapped").get_string(),
           ": is the location written [latitude, longitude]?");
  return line;
}

}  // namespace

std::vector<std::string> explain_lines(const Snapshot& s, const Decision& d, const LocationTrace* where) {
  std::vector<std::string> out;
  std::string record;
  detail::append_decision(record, s.index(), detail::LineId{}, d, true, nullptr, where);
  json::error_code ec;
  json::value v = json::parse(record, ec);
  const json::object* o = ec ? nullptr : v.if_object();
  const json::value* located = o ? o->if_contains("located") : nullptr;
  if (d.status == Decision::Status::rejected) {
    out.push_back(cat("rejected: ", d.message));
    if (located) out.push_back(located_line(located->get_object()));
    return out;
  }
  if (located) out.push_back(located_line(located->get_object()));
  if (d.status == Decision::Status::unrouted) out.push_back(cat("unrouted: ", d.message));
  const json::array* trace = o ? o->at("trace").if_array() : nullptr;
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
    // Which part of a condition failed, and on what value, as route --explain says it.
    if (const json::value* why_not = t.if_contains("why_not"); why_not && why_not->is_string())
      append(line, " (", why_not->get_string(), ")");
    out.push_back(std::move(line));
    if (const json::value* owner = t.if_contains("owner")) {  // how the winner's owner was found
      const json::object& o = owner->get_object();
      std::string how = "owner           ";
      if (const json::value* level = o.if_contains("level"))
        append(how, "level ", json::serialize(*level), " (severity_skip): ");
      if (const json::value* skip = o.if_contains("skip"); skip && skip->is_string())
        out.push_back(cat("severity_skip   ", skip->get_string()));
      if (const json::value* tried = o.if_contains("tried"); tried && !tried->get_array().empty())
        append(how, json::serialize(*tried), " resolved nothing; ");
      append(how, o.at("reference").get_string(), " found at ", o.at("at").get_string());
      if (!o.at("passed").get_array().empty())
        append(how, ", walking up from ", o.at("from").get_string(), " past ", json::serialize(o.at("passed")));
      out.push_back(std::move(how));
    }
    if (const json::value* dl = t.if_contains("deadlines"); dl && dl->is_object()) {  // how they were counted
      const json::object& o = dl->get_object();
      auto dur = [](const json::value& v) { return v.is_string() ? std::string(v.get_string()) : std::string("none"); };
      out.push_back(cat("deadlines       respond ", dur(o.at("respond")), ", resolve ", dur(o.at("resolve")),
                        ", on calendar ", o.at("calendar").get_string(), " (", o.at("calendar_from").get_string(), ")"));
    }
  }
  return out;
}

}  // namespace gridroute::cli
