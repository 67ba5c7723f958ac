// Internal to the CLI: the expectations of `gridroute test` (SPEC §8) — an issue line's "expect" object
// against the decision the bundle gives.
//
//   std::vector<cli::Mismatch> diffs;
//   std::string error;
//   if (!cli::check_expect(snap, decision, expect, diffs, error)) report(error);  // a bad expectation
//   for (auto& m : diffs) std::cout << m.field << ": expected " << m.expected << ", got " << m.actual << "\n";
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <boost/json.hpp>

#include "gridroute/decision.hpp"
#include "gridroute/snapshot.hpp"

namespace gridroute::cli {

// The decision fields a test may name, in the order of a decision record.
inline constexpr std::string_view kExpectFields[] = {"status",   "rule",       "fallback",   "role",      "department",
                                                     "handler",  "unit",       "cell",       "alternates", "assist",
                                                     "level",    "escalation", "respond_by", "resolve_by"};

// A decision's field as JSON, as the decision record writes it (null where the record has none).
// `cell` is the cell found from a location (null for an issue that gave its cell). Times are RFC 3339 in
// the jurisdiction's zone.
boost::json::value decision_field(const Snapshot& s, const Decision& d, std::string_view field);

struct Mismatch {
  std::string field;
  std::string expected;  // as JSON
  std::string actual;    // as JSON
};

// Compares every field `expect` names with the decision; appends one Mismatch per differing field, in
// the order of kExpectFields. Times compare as instants ("09:15+08:00" equals "01:15Z"); lists compare in
// order. Returns false, with `error` as "/expect/FIELD: ..." , when the expectation itself is malformed
// (an unknown field, a value of the wrong type, a time without an offset).
bool check_expect(const Snapshot& s, const Decision& d, const boost::json::object& expect,
                  std::vector<Mismatch>& out, std::string& error);

}  // namespace gridroute::cli
