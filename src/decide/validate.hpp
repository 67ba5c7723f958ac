// Internal: the one check of the values in an issue, a case and an evaluation time. Every front end —
// the C++ API, the C struct path, the JSON Lines codec, the CLI, the bindings — hands its raw values to
// these functions (through Snapshot::route/escalate), so a bound exists once, with one wording.
//
// Shape errors stay with the front end that can see them (a JSON string where a number belongs); what
// is checked here is what every front end can get wrong: instants out of range or absent, strings that
// are not UTF-8, counts, levels and ratings out of range, attribute numbers that are not finite.
#pragma once

#include <string>

#include "gridroute/decision.hpp"

namespace gridroute::detail {

// The longest issue id accepted, in bytes.
inline constexpr std::size_t kMaxIssueIdBytes = 4096;
// The highest case level accepted (a policy has far fewer; a level beyond the policy is an error of its own).
inline constexpr int kMaxCaseLevel = 1'000'000;
// The most reports a case may count.
inline constexpr std::int64_t kMaxReports = std::int64_t{1} << 50;

// Each returns true when the values are acceptable, else false with `error` set.
// `cell_known`: the caller gave the cell by its number (Snapshot::route_in_cell), so an issue with
// neither a cell id nor a location is whole.
// `text_later`: the caller checks the text of the category and of the attributes itself (prepare, which
// compares them with the bundle's own, UTF-8 already): an issue whose other fields pass is accepted
// here without reading them, and the caller must call check_later_text before it reports any error of
// the category or an attribute, so that the errors come in the same order.
bool check_issue(const Issue& issue, std::string& error, bool cell_known = false, bool text_later = false);
// What check_issue leaves to such a caller: the category, then each attribute name and string value,
// as check_issue names the first that is not UTF-8.
bool check_later_text(const Issue& issue, std::string& error);
bool check_case(const Case& c, std::string& error);  // the issue's values too
bool check_case_state(const Case& c, std::string& error);  // the case's own fields, not its issue's
bool check_now(Instant now, std::string& error);

// The error for an instant field: "missing field 'NAME'" for kNoInstant, the calendar range when out of
// [kMinInstant, kMaxInstant); empty when fine.
std::string instant_error(Instant t, std::string_view name);

}  // namespace gridroute::detail
