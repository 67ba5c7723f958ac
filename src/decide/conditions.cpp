// Conditions (SPEC §3.2): the one evaluator, over the flattened trees of the index.
#include <algorithm>

#include "decide/decide.hpp"

namespace gridroute::detail {

bool eval(const Index& s, std::int32_t n, const PreparedIssue& is, CalendarId calendar) {
  using Op = spec::Condition::Op;
  const CondNode& c = s.conditions[n];
  switch (c.op) {
    case Op::all:
      for (std::int32_t k = c.first_child; k >= 0; k = s.conditions[k].next)
        if (!eval(s, k, is, calendar)) return false;
      return true;
    case Op::any:
      for (std::int32_t k = c.first_child; k >= 0; k = s.conditions[k].next)
        if (eval(s, k, is, calendar)) return true;
      return false;
    case Op::not_: return c.first_child >= 0 && !eval(s, c.first_child, is, calendar);
    case Op::local_time: {
      int t = s.zone.seconds_of_day(is.at);
      if (c.window_begin <= c.window_end) return t >= c.window_begin && t < c.window_end;
      return t >= c.window_begin || t < c.window_end;
    }
    case Op::workday:
      // The rule's calendar, else defaults.calendar (a rule with neither cannot load).
      return calendar != kNone && s.calendars[calendar].is_working_at(is.at) == c.b;
    default: break;
  }
  const AttrValue& v = is.attrs[c.attr];
  if (c.op == Op::exists) return (v.type != AttrValue::Type::missing) == c.b;
  if (v.type == AttrValue::Type::missing) return false;
  switch (c.op) {
    case Op::in:
      if (v.type == AttrValue::Type::number) return std::find(c.nums.begin(), c.nums.end(), v.num) != c.nums.end();
      if (v.type == AttrValue::Type::string) return std::find(c.strs.begin(), c.strs.end(), v.str) != c.strs.end();
      return std::find(c.bools.begin(), c.bools.end(), v.b) != c.bools.end();
    case Op::eq:
    case Op::ne: {
      bool eq = v.type == AttrValue::Type::number ? v.num == c.num
                : v.type == AttrValue::Type::string ? v.str == c.str
                                                     : v.b == c.b;
      return c.op == Op::eq ? eq : !eq;
    }
    case Op::lt: return v.num < c.num;
    case Op::le: return v.num <= c.num;
    case Op::gt: return v.num > c.num;
    case Op::ge: return v.num >= c.num;
    default: return false;
  }
}

}  // namespace gridroute::detail
