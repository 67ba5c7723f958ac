// Conditions (SPEC §3.2): the one evaluator, over the flattened trees of the index. The explaining form
// (`--explain`'s `why_not`) is the same code with the description switched on, so the two cannot disagree.
#include <algorithm>
#include <cstdio>
#include <type_traits>

#include "base/strings.hpp"
#include "base/text.hpp"
#include "decide/decide.hpp"

namespace gridroute::detail {
namespace {

using Op = spec::Condition::Op;

std::string_view op_text(Op op) {
  switch (op) {
    case Op::eq: return "eq";
    case Op::ne: return "ne";
    case Op::lt: return "lt";
    case Op::le: return "le";
    case Op::gt: return "gt";
    case Op::ge: return "ge";
    case Op::in: return "in";
    case Op::exists: return "exists";
    default: return "";
  }
}

void append_number(std::string& out, double v) { append(out, v); }

std::string clock_text(int seconds) {
  char buf[16];
  if (seconds % 60) std::snprintf(buf, sizeof buf, "%02d:%02d:%02d", seconds / 3600, seconds / 60 % 60, seconds % 60);
  else std::snprintf(buf, sizeof buf, "%02d:%02d", seconds / 3600, seconds / 60 % 60);
  return buf;
}

void append_value(std::string& out, const AttrValue& v) {
  switch (v.type) {
    case AttrValue::Type::number: append_number(out, v.num); break;
    case AttrValue::Type::string: append_json_string(out, v.str); break;
    case AttrValue::Type::boolean: out += v.b ? "true" : "false"; break;
    default: out += "missing"; break;
  }
}

// The value a leaf compares with, as the rule wrote it.
void append_operand(std::string& out, const CondNode& c) {
  if (c.op == Op::in) {
    out.push_back('[');
    bool first = true;
    auto sep = [&] {
      if (!first) out += ", ";
      first = false;
    };
    for (double d : c.nums) sep(), append_number(out, d);
    for (const auto& s : c.strs) sep(), append_json_string(out, s);
    for (bool b : c.bools) sep(), out += b ? "true" : "false";
    out.push_back(']');
    return;
  }
  if (c.op == Op::exists) {
    out += c.b ? "true" : "false";
    return;
  }
  switch (c.attr_type) {
    case AttrType::number: append_number(out, c.num); break;
    case AttrType::string: append_json_string(out, c.str); break;
    case AttrType::boolean: out += c.b ? "true" : "false"; break;
  }
}

// Evaluates node `n`; with kExplain, `*why_out` receives a description of the node's value (why it holds or
// why it does not), in terms of the issue's values. Without, `why_out` is null and never touched.
// The children's reasons an `all` that holds or an `any` that fails lists: the first kWhyChildren, within
// kWhyBytes, then how many more (a condition of thousands of children would write each one's reason in
// every trace entry, megabytes a line).
constexpr std::size_t kWhyChildren = 16;
constexpr std::size_t kWhyBytes = 2048;
void add_reason(std::string& parts, std::size_t& listed, std::size_t& more, const std::string& why) {
  if (listed < kWhyChildren && parts.size() + why.size() <= kWhyBytes) {
    append(parts, parts.empty() ? "[" : " [", why, "]");
    ++listed;
  } else {
    ++more;
  }
}
std::string reasons(std::string parts, std::size_t more) {
  if (more > 0) append(parts, parts.empty() ? "[and " : " [and ", more, " more]");
  return parts;
}

template <bool kExplain>
bool node(const Index& s, std::int32_t n, const PreparedIssue& is, CalendarId calendar, std::string* why_out) {
  const CondNode& c = s.conditions[n];
  switch (c.op) {
    case Op::all: {
      // Why it holds: each child's reason (read under a `not`, where holding is the failure).
      [[maybe_unused]] std::conditional_t<kExplain, std::string, char> parts{};
      [[maybe_unused]] std::size_t listed = 0, more = 0;
      for (std::int32_t k = c.first_child; k >= 0; k = s.conditions[k].next) {
        if (!node<kExplain>(s, k, is, calendar, why_out)) return false;  // why: the first child that fails
        if constexpr (kExplain) add_reason(parts, listed, more, *why_out);
      }
      if constexpr (kExplain)
        (*why_out) = listed + more == 0 ? std::string("an empty all holds")
                                        : cat("all of its conditions hold: ", reasons(std::move(parts), more));
      return true;
    }
    case Op::any: {
      [[maybe_unused]] std::conditional_t<kExplain, std::string, char> parts{};
      [[maybe_unused]] std::size_t listed = 0, more = 0;
      for (std::int32_t k = c.first_child; k >= 0; k = s.conditions[k].next) {
        if (node<kExplain>(s, k, is, calendar, why_out)) return true;  // why: the child that holds
        if constexpr (kExplain) add_reason(parts, listed, more, *why_out);  // each child's reason
      }
      if constexpr (kExplain)
        (*why_out) = listed + more == 0 ? "an empty any is false" : cat("none of any holds: ", reasons(std::move(parts), more));
      return false;
    }
    case Op::not_: {
      const bool v = c.first_child >= 0 && !node<kExplain>(s, c.first_child, is, calendar, why_out);
      if constexpr (kExplain) (*why_out) = c.first_child < 0 ? std::string("an empty not is false") : cat("not: ", (*why_out));
      return v;
    }
    case Op::local_time: {
      const int t = s.zone.seconds_of_day(is.at);
      const bool v = c.window_begin <= c.window_end ? t >= c.window_begin && t < c.window_end
                                                    : t >= c.window_begin || t < c.window_end;
      if constexpr (kExplain)
        (*why_out) = cat("local_time ", clock_text(t), v ? " is inside [\"" : " is outside [\"", clock_text(c.window_begin),
                  "\", \"", clock_text(c.window_end), "\")");
      return v;
    }
    case Op::workday: {
      // The rule's calendar, else defaults.calendar (a rule with neither cannot load).
      const bool working = calendar != kNone && s.calendars[calendar].is_working_at(is.at);
      const bool v = calendar != kNone && working == c.b;
      if constexpr (kExplain) {
        if (calendar == kNone) {
          (*why_out) = "no calendar to test a workday with";
        } else {
          const Calendar& cal = s.calendars[calendar];
          const absl::CivilDay day = absl::CivilDay(1970, 1, 1) + cal.zone().local_day(is.at);
          (*why_out) = cat("workday ", c.b ? "true" : "false", ": ", absl::FormatCivilTime(day), working ? " is" : " is not",
                    " a working day of calendar '", cal.id(), "'");
        }
      }
      return v;
    }
    default: break;
  }
  AttrValue decoded;  // a C caller's value, read where it was laid out
  const AttrValue& v = is.attr(c.attr, decoded);
  bool result = false;
  if (c.op == Op::exists) {
    result = (v.type != AttrValue::Type::missing) == c.b;
  } else if (v.type != AttrValue::Type::missing) {
    switch (c.op) {
      case Op::in:
        if (v.type == AttrValue::Type::number) result = std::find(c.nums.begin(), c.nums.end(), v.num) != c.nums.end();
        else if (v.type == AttrValue::Type::string) result = std::find(c.strs.begin(), c.strs.end(), v.str) != c.strs.end();
        else result = std::find(c.bools.begin(), c.bools.end(), v.b) != c.bools.end();
        break;
      case Op::eq:
      case Op::ne: {
        const bool eq = v.type == AttrValue::Type::number ? v.num == c.num
                        : v.type == AttrValue::Type::string ? v.str == c.str
                                                             : v.b == c.b;
        result = c.op == Op::eq ? eq : !eq;
        break;
      }
      case Op::lt: result = v.num < c.num; break;
      case Op::le: result = v.num <= c.num; break;
      case Op::gt: result = v.num > c.num; break;
      case Op::ge: result = v.num >= c.num; break;
      default: break;
    }
  }
  if constexpr (kExplain) {
    (*why_out) = cat("attr ", s.attr_names[static_cast<std::size_t>(c.attr)], " is ");
    append_value((*why_out), v);
    if (c.op != Op::exists && v.type == AttrValue::Type::missing) {
      append((*why_out), "; ", op_text(c.op), " is false on a missing attribute");
    } else {
      append((*why_out), "; ", op_text(c.op), " ");
      append_operand((*why_out), c);
      (*why_out) += result ? " holds" : " is false";
    }
  }
  return result;
}

}  // namespace

bool eval(const Index& s, std::int32_t n, const PreparedIssue& is, CalendarId calendar) {
  return node<false>(s, n, is, calendar, nullptr);
}

bool eval_explained(const Index& s, std::int32_t n, const PreparedIssue& is, CalendarId calendar, std::string& why) {
  why.clear();
  return node<true>(s, n, is, calendar, &why);
}

}  // namespace gridroute::detail
