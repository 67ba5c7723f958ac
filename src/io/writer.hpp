// Internal: decision and action records (SPEC §4), as `gridroute route` and `escalate` print them.
#pragma once

#include <string>
#include <string_view>

#include "compile/index.hpp"
#include "gridroute/decision.hpp"

namespace gridroute::detail {

// An answer's id as the line gave it: a string, an integer (its digits, written back unquoted), or
// null when the line's id could not be read.
struct LineId {
  enum Kind : std::uint8_t { null, string, integer };
  std::string_view text;
  Kind kind = null;
};

// Appends one record (no newline). `explain` adds the decision's trace.
void append_decision(std::string& out, const Index& s, const LineId& id, const Decision& d, bool explain);
void append_action(std::string& out, const Index& s, const LineId& id, const Action& a, bool explain = false);

}  // namespace gridroute::detail
