// The names of verdicts, actions and reasons, as the JSON answers write them.
#include "gridroute/decision.hpp"

namespace gridroute {

std::string_view to_string(Verdict v) {
  switch (v) {
    case Verdict::won: return "won";
    case Verdict::not_in_scope: return "not_in_scope";
    case Verdict::condition_false: return "condition_false";
    case Verdict::no_handler: return "no_handler";
    case Verdict::lower_priority: return "lower_priority";
    case Verdict::shallower_scope: return "shallower_scope";
    case Verdict::less_specific: return "less_specific";
    case Verdict::later_in_file: return "later_in_file";
    case Verdict::fallback: return "fallback";
  }
  return "?";
}

std::string_view to_string(Action::Kind k) {
  switch (k) {
    case Action::Kind::none: return "none";
    case Action::Kind::hold: return "hold";
    case Action::Kind::escalate: return "escalate";
    case Action::Kind::reopen: return "reopen";
    case Action::Kind::overdue: return "overdue";
    case Action::Kind::rejected: return "rejected";
    case Action::Kind::redispatch: return "redispatch";
    case Action::Kind::dispute: return "dispute";
    case Action::Kind::suspended: return "suspended";
  }
  return "?";
}

std::string_view to_string(Reason r) {
  switch (r) {
    case Reason::missed_respond: return "missed_respond";
    case Reason::missed_resolve: return "missed_resolve";
    case Reason::repeat_reports: return "repeat_reports";
    case Reason::low_rating: return "low_rating";
    case Reason::returned: return "returned";
  }
  return "?";
}

}  // namespace gridroute
