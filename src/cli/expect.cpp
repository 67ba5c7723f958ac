// The expectations of `gridroute test` (see expect.hpp).
#include "cli/expect.hpp"

#include "base/zone.hpp"
#include "compile/index.hpp"

#include <algorithm>
#include <cmath>

#include "base/json_text.hpp"
#include "gridroute/time.hpp"

namespace gridroute::cli {
namespace json = boost::json;

namespace {

json::value id_or_null(std::string_view id) { return id.empty() ? json::value(nullptr) : json::value(json::string_view(id.data(), id.size())); }

json::value time_or_null(const Snapshot& s, Instant t) {
  return t == kNoInstant ? json::value(nullptr) : json::value(s.format_time(t));
}

template <class List>
json::value handler_list(const Snapshot& s, const List& list) {
  json::array a;
  for (HandlerId h : list) a.emplace_back(json::string_view(s.handler_id(h).data(), s.handler_id(h).size()));
  return a;
}

std::string_view status_name(Decision::Status st) {
  switch (st) {
    case Decision::Status::routed: return "routed";
    case Decision::Status::unrouted: return "unrouted";
    case Decision::Status::rejected: return "rejected";
  }
  return "";
}

// The JSON type an expectation has (besides null, which expects no value).
enum class Shape { string, integer, boolean, strings, time };

// A JSON number with a fraction of zero, within the range of a level (0.0, 2.0, 1e2).
bool integral(const json::value& v) {
  return v.is_double() && std::isfinite(v.get_double()) && std::trunc(v.get_double()) == v.get_double() &&
         std::abs(v.get_double()) < 9.0e15;
}

Shape shape_of(std::string_view field) {
  if (field == "level") return Shape::integer;
  if (field == "fallback") return Shape::boolean;
  if (field == "alternates" || field == "assist") return Shape::strings;
  if (field == "respond_by" || field == "resolve_by") return Shape::time;
  return Shape::string;
}

std::string fields_list() {
  std::string out;
  for (auto f : kExpectFields) {
    if (!out.empty()) out += ", ";
    out += f;
  }
  return out;
}

}  // namespace

json::value decision_field(const Snapshot& s, const Decision& d, std::string_view field) {
  const bool routed = d.status == Decision::Status::routed;
  if (field == "status") return json::string(status_name(d.status));
  if (field == "rule") return routed && d.rule != kNone ? id_or_null(s.rule_id(d.rule)) : json::value(nullptr);
  // A record writes "fallback": true only for the fallback owner (SPEC §6.4): false and null both
  // expect a decision that is not the fallback's.
  if (field == "fallback") return d.fallback;
  if (field == "role") return d.role != kNone ? id_or_null(s.role_name(d.role)) : json::value(nullptr);
  if (field == "department") return d.role != kNone ? id_or_null(s.department(d.role)) : json::value(nullptr);
  if (field == "handler") return d.handler != kNone ? id_or_null(s.handler_id(d.handler)) : json::value(nullptr);
  if (field == "unit") return d.unit != kNone ? id_or_null(s.unit_id(d.unit)) : json::value(nullptr);
  // The decision's cell is the one found from a location (SPEC §7); a decision for an issue that gave
  // its cell writes none, so a test expecting a cell of it fails (SPEC §8: fields equal the decision's).
  if (field == "cell") return d.located ? id_or_null(s.unit_id(d.cell)) : json::value(nullptr);
  // An unrouted or rejected record writes no owner, lists or level: null, which a test expects with null.
  if (field == "alternates") return routed ? handler_list(s, d.alternates) : json::value(nullptr);
  if (field == "assist") return routed ? handler_list(s, d.assist) : json::value(nullptr);
  if (field == "level") return routed ? json::value(static_cast<std::int64_t>(d.level)) : json::value(nullptr);
  if (field == "escalation") return routed && d.policy != kNone ? id_or_null(s.policy_id(d.policy)) : json::value(nullptr);
  if (field == "respond_by") return time_or_null(s, d.respond_by);
  if (field == "resolve_by") return time_or_null(s, d.resolve_by);
  return nullptr;
}

// An expected time, read as the test line's own times are: without an offset in the jurisdiction's time
// zone when it sets local_times (SPEC §4).
static absl::StatusOr<Instant> expected_time(const Snapshot& s, std::string_view text) {
  auto t = parse_rfc3339(text);
  if (t.ok() || !s.index().local_times) return t;
  auto local = detail::parse_time_local(text, s.index().zone);
  return local.ok() ? local : t;
}

bool check_expect(const Snapshot& s, const Decision& d, const json::object& expect,
                  std::vector<Mismatch>& out, std::string& error) {
  for (const auto& kv : expect) {
    const std::string_view key = kv.key();
    if (std::find(std::begin(kExpectFields), std::end(kExpectFields), key) == std::end(kExpectFields)) {
      error = "/expect/" + std::string(key) + ": unknown field (a test may name " + fields_list() + ")";
      return false;
    }
    const json::value& v = kv.value();
    std::string want;
    if (v.is_null()) continue;  // null expects no value, for every field
    switch (shape_of(key)) {
      case Shape::string: if (!v.is_string()) want = "a string or null"; break;
      case Shape::integer:
        // 0.0 is the integer 0, as in the bundle's files and the case lines.
        if (!v.is_int64() && !v.is_uint64() && !integral(v)) want = "an integer or null";
        break;
      case Shape::boolean: if (!v.is_bool()) want = "true, false or null"; break;
      case Shape::strings:
        if (!v.is_array() || !std::all_of(v.get_array().begin(), v.get_array().end(),
                                          [](const json::value& e) { return e.is_string(); }))
          want = "a list of handler ids, or null";
        break;
      case Shape::time:
        if (!v.is_string()) {
          want = "an RFC 3339 time with an offset, or null";
        } else if (auto t = expected_time(s, v.get_string()); !t.ok()) {
          error = "/expect/" + std::string(key) + ": " + std::string(t.status().message());
          return false;
        }
        break;
    }
    if (!want.empty()) {
      error = "/expect/" + std::string(key) + ": must be " + want + ", got " + detail::brief(v);
      return false;
    }
  }
  for (std::string_view field : kExpectFields) {
    const json::value* want = expect.if_contains(field);
    if (!want) continue;
    json::value got = decision_field(s, d, field);
    bool same;
    if (shape_of(field) == Shape::time && want->is_string()) {
      const Instant t = d.*(field == "respond_by" ? &Decision::respond_by : &Decision::resolve_by);
      same = t != kNoInstant && *expected_time(s, want->get_string()) == t;
    } else if (shape_of(field) == Shape::integer && want->is_double()) {
      same = got.is_int64() && static_cast<double>(got.get_int64()) == want->get_double();
    } else if (field == "fallback" && want->is_null()) {
      same = got == json::value(false);
    } else {
      same = *want == got;
    }
    if (!same)
      out.push_back({std::string(field),
                     integral(*want) ? std::to_string(static_cast<std::int64_t>(want->get_double())) : json::serialize(*want),
                     json::serialize(got)});
  }
  return true;
}

}  // namespace gridroute::cli
