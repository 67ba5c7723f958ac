// Internal: decision and action records (SPEC §4), as `gridroute route` and `escalate` print them.
#pragma once

#include <string>
#include <string_view>

#include "base/zone.hpp"
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
// `times`, when given, remembers the deadlines' texts from one record to the next (one writer's own).
// `where`, with `explain`, adds "located": how the location gave its cell.
void append_decision(std::string& out, const Index& s, const LineId& id, const Decision& d, bool explain,
                     Rfc3339Memo* times = nullptr, const LocationTrace* where = nullptr);
// The general path of append_decision, for every kind of decision (the usual routed one has a faster
// writer that gives the same bytes; tests compare the two).
void append_general(std::string& out, const Index& s, const LineId& id, const Decision& d, bool explain,
                    const LocationTrace* where = nullptr);
void append_action(std::string& out, const Index& s, const LineId& id, const Action& a, bool explain = false,
                   Rfc3339Memo* times = nullptr, const LocationTrace* where = nullptr);
void append_action_general(std::string& out, const Index& s, const LineId& id, const Action& a, bool explain,
                           const LocationTrace* where = nullptr);

}  // namespace gridroute::detail
