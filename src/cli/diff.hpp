// Internal to the CLI: comparing the answers of two bundles for `gridroute diff` (SPEC §8) — field by
// field on the decided structs (never by parsing records back), and the summary of what moved.
//
//   cli::FieldSet f = cli::compare(*old_snap, *new_snap, d_old, d_new);
//   if (f) summary.add_decision(*old_snap, *new_snap, d_old, d_new, f);
//
// The contract fields are those of a decision or action record. The `bundle` digest is not one: it
// differs between two bundles by design, so it never makes a line "changed".
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/json.hpp>

#include "absl/container/flat_hash_map.h"
#include "gridroute/decision.hpp"
#include "gridroute/snapshot.hpp"

namespace gridroute::cli {

// The fields compared, in record order; a FieldSet has bit i set when field i differs.
inline constexpr std::string_view kDecisionFields[] = {
    "status", "rule", "fallback", "role", "department", "handler", "unit", "cell", "alternates", "assist",
    "level", "escalation", "respond_by", "resolve_by", "reason", "error"};
inline constexpr std::string_view kActionFields[] = {
    "action", "cell", "level", "role", "department", "handler", "unit", "rule", "assist", "reasons", "next_check",
    "respond_by", "resolve_by", "repinned", "error"};
inline constexpr std::size_t kDecisionFieldCount = std::size(kDecisionFields);
inline constexpr std::size_t kActionFieldCount = std::size(kActionFields);
using FieldSet = std::uint32_t;

// Which contract fields differ between `a` (decided by `sa`) and `b` (by `sb`); ids compare by their text.
FieldSet compare(const Snapshot& sa, const Snapshot& sb, const Decision& a, const Decision& b);
FieldSet compare(const Snapshot& sa, const Snapshot& sb, const Action& a, const Action& b);

// Appends `"changed": ["handler", ...]` (without braces) for the set bits of `f`.
void append_changed(std::string& out, FieldSet f, const std::string_view* names, std::size_t count);

// Counted moves from one value to another ("squad-1" → "council-qiaodong"), largest first.
class Moves {
 public:
  struct Move {
    std::string from, to;
    std::size_t count = 0;
  };
  void add(std::string_view from, std::string_view to);
  std::vector<Move> largest_first() const;
  std::size_t total() const { return total_; }

 private:
  absl::flat_hash_map<std::pair<std::string, std::string>, std::size_t> counts_;
  std::size_t total_ = 0;
};

// How a deadline moved on the lines where it differs (instants; a null on either side is "appeared" or
// "vanished").
// A duration as "3d 10h 30m" ("-2h" when negative, "0" when none).
std::string duration_text(std::int64_t seconds);

struct Shift {
  std::size_t earlier = 0, later = 0, appeared = 0, vanished = 0;
  std::int64_t max_earlier = 0, max_later = 0;  // seconds
  void add(Instant a, Instant b);
};

struct DiffSummary {
  std::string old_dir, new_dir, old_bundle, new_bundle;
  // Routing the issue lines.
  std::size_t lines = 0, changed = 0;
  std::size_t field_counts[kDecisionFieldCount] = {};
  Moves handler, rule, tier;  // tier: the tier of the owner's unit, old → new
  Shift respond_by, resolve_by;
  // Escalating the case lines (when given).
  bool cases_given = false;
  std::string now;  // RFC 3339, in the new bundle's zone
  std::size_t cases = 0, cases_changed = 0;
  std::size_t action_field_counts[kActionFieldCount] = {};
  Moves action, action_handler;

  void add_decision(const Snapshot& sa, const Snapshot& sb, const Decision& a, const Decision& b, FieldSet f);
  void add_action(const Snapshot& sa, const Snapshot& sb, const Action& a, const Action& b, FieldSet f);

  // The summary for stderr: counts, then the moves (at most `max_moves` of each kind), largest first.
  std::string text(std::size_t max_moves = 20) const;
  // The same as JSON (every move, up to `max_moves` of each kind, and how many were left out).
  boost::json::object to_json(std::size_t max_moves = 1000) const;
};

// What a decision or action is called in moves: the handler's id, else "(unrouted)", "(rejected)", ...
std::string handler_label(const Snapshot& s, const Decision& d);
std::string rule_label(const Snapshot& s, const Decision& d);
std::string tier_label(const Snapshot& s, const Decision& d);
std::string handler_label(const Snapshot& s, const Action& a);

}  // namespace gridroute::cli
