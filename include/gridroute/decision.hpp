// gridroute/decision.hpp — issues and cases in, decisions and actions out (SPEC §4).
//
//   gridroute::Issue issue;
//   issue.id = "I-1"; issue.category = "env.noise.loudspeaker"; issue.cell = "chengnan-a-01";
//   issue.at = *gridroute::parse_rfc3339("2026-11-20T09:15:00+08:00");
//   issue.attrs.push_back({"severity", gridroute::AttrValue::number(2)});
//   gridroute::Decision d = snapshot->route(issue);   // its ids index `snapshot`
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/inlined_vector.h"
#include "gridroute/time.hpp"

namespace gridroute {

using UnitId = std::int32_t;
using HandlerId = std::int32_t;
using RuleId = std::int32_t;
using RoleKeyId = std::int32_t;
using PolicyId = std::int32_t;
using CalendarId = std::int32_t;
using CategoryId = std::int32_t;
inline constexpr std::int32_t kNone = -1;

// An attribute value of an issue.
struct AttrValue {
  // `null_`, `object` and `list` are values an issue may carry but no attribute may have: a declared
  // attribute holding one rejects the issue.
  enum class Type : std::uint8_t { missing, boolean, number, string, null_, object, list };
  Type type = Type::missing;
  bool b = false;
  double num = 0;
  std::string_view str;  // not owned: points into the caller's issue text

  static AttrValue boolean(bool v) { AttrValue a; a.type = Type::boolean; a.b = v; return a; }
  static AttrValue number(double v) { AttrValue a; a.type = Type::number; a.num = v; return a; }
  static AttrValue string(std::string_view v) { AttrValue a; a.type = Type::string; a.str = v; return a; }
};

// An issue to route. String views are not owned: keep their text alive during the call.
struct Issue {
  std::string_view id;
  std::string_view category;
  std::string_view cell;       // empty when the issue gives a location (or route_in_cell its number)
  Instant at = kNoInstant;
  // Attributes by name; names the bundle does not declare are ignored. The value's type must match the
  // declared one, or the issue is rejected.
  std::vector<std::pair<std::string_view, AttrValue>> attrs;
  // A place instead of a cell (SPEC §7): the cell is the one whose polygon holds [lon, lat].
  bool has_location = false;
  double lon = 0, lat = 0;
};

// Why a rule considered for an issue did not give the owner (the `--explain` trace).
enum class Verdict : std::uint8_t {
  won,              // this rule gave the owner
  not_in_scope,     // the issue's cell is outside the rule's scope
  condition_false,  // the rule's `when` does not hold
  no_handler,       // none of its route references resolves from the cell
  lower_priority,   // applicable, but the winner has a higher priority
  shallower_scope,  // same priority, the winner's scope is deeper
  less_specific,    // same priority and depth, the winner's category pattern is more specific
  later_in_file,    // all equal, the winner comes earlier in rules.json
  fallback,         // no rule gave an owner: defaults.fallback takes the issue (rule kNone)
};
std::string_view to_string(Verdict v);

struct TraceEntry {
  RuleId rule = kNone;
  Verdict verdict = Verdict::won;
  std::int32_t pattern = 0;      // index of the rule's most specific matching category pattern
  std::string why_not;           // condition_false: which part of the condition failed, and on what value
};

// How the cell of an issue that gave a location was found (SPEC §7): Snapshot::explain_location, and
// "located" in the `--explain` output.
struct LocationTrace {
  enum class How : std::uint8_t { none, inside, snapped, outside };
  How how = How::none;  // none: the issue gave a cell, or no location could be looked up
  // snapped: the distance in metres from the cell's boundary; outside: from `nearest`'s boundary.
  double meters = 0;
  UnitId nearest = kNone;  // outside: the cell whose boundary is nearest within 100 km, else kNone
  UnitId swapped = kNone;  // outside: the cell of the point with longitude and latitude exchanged, if any
  std::vector<UnitId> also_inside;  // inside: the later cells, in file order, whose polygons hold the point too
  std::vector<std::pair<UnitId, double>> others;  // snapped: the other cells within snap_meters, nearest first
};

struct Decision {
  enum class Status : std::uint8_t { routed, unrouted, rejected };
  Status status = Status::unrouted;
  RuleId rule = kNone;      // kNone for the fallback owner (`fallback`) and for answers without a rule
  bool fallback = false;    // routed to defaults.fallback because no rule gave an owner (SPEC §6.4)
  RoleKeyId role = kNone;
  HandlerId handler = kNone;
  UnitId unit = kNone;                    // the unit at which the owner was found
  UnitId cell = kNone;                    // the issue's cell (found from its location when it gave one)
  bool located = false;                   // the cell was found from a location (SPEC §7)
  // The issue's severity called for the policy's severity_skip (SPEC §3.5), but the skipped-to level
  // resolves no handler for the cell: the issue stays at level 0 (said in the --explain trace).
  bool skip_declined = false;
  std::span<const HandlerId> alternates;  // view into the snapshot
  absl::InlinedVector<HandlerId, 4> assist;
  int level = 0;
  PolicyId policy = kNone;
  Instant respond_by = kNoInstant;
  Instant resolve_by = kNoInstant;
  std::string message;              // `reason` when unrouted, `error` when rejected
  std::vector<TraceEntry> trace;    // filled only when asked for

  // Back to a default Decision, keeping the buffers (for reuse across a batch).
  void clear() {
    status = Status::unrouted;
    rule = role = handler = unit = cell = kNone;
    fallback = located = skip_declined = false;
    alternates = {};
    assist.clear();
    level = 0;
    policy = kNone;
    respond_by = resolve_by = kNoInstant;
    message.clear();
    trace.clear();
  }
};

// A return (退单) the platform approved at the case's current level (SPEC §6.2).
struct Return {
  std::string_view handler;
  Instant at = kNoInstant;
  std::string_view reason;  // may be empty
};

// A suspension (挂起): the clock stops from `from` until `to` (kNoInstant: still suspended) (SPEC §6.3).
struct Suspension {
  Instant from = kNoInstant;
  Instant to = kNoInstant;
};

// An open or resolved case to evaluate for escalation (SPEC §3.5, §4, §6).
struct Case {
  Issue issue;
  int level = 0;
  Instant level_started_at = kNoInstant;
  bool responded = false;
  std::int64_t reports = 0;
  bool resolved = false;
  std::optional<int> rating;  // the resident's rating, 1..5, when given
  // The lifecycle (SPEC §6); all optional. Strings view the caller's text, as the issue's do.
  std::optional<std::string_view> rule;     // the rule the case was dispatched under (pinned)
  std::optional<std::string_view> handler;  // the owner at the current level (pinned)
  std::vector<Return> returned;              // returns approved at the current level
  std::vector<Suspension> suspended;
  Instant extended_to = kNoInstant;          // the current level's resolve due, extended (延期)
};

enum class Reason : std::uint8_t {
  missed_respond = 1, missed_resolve = 2, repeat_reports = 4, low_rating = 8, returned = 16
};

struct Action {
  enum class Kind : std::uint8_t { none, hold, escalate, reopen, overdue, rejected, redispatch, dispute, suspended };
  static constexpr int kKinds = 9;
  Kind kind = Kind::none;
  int level = 0;
  RoleKeyId role = kNone;       // kNone for a dispute (no owner is left)
  HandlerId handler = kNone;
  UnitId unit = kNone;
  UnitId cell = kNone;          // the case's cell when it was found from a location (`located`)
  bool located = false;
  std::uint8_t reasons = 0;  // bit set of Reason
  Instant next_check = kNoInstant;  // hold and suspended (kNoInstant: none, or suspended without an end)
  Instant respond_by = kNoInstant;  // escalate, reopen, redispatch: the level's deadlines from `now`
  Instant resolve_by = kNoInstant;
  absl::InlinedVector<HandlerId, 4> assist;  // escalate, reopen, redispatch: the co-handlers (SPEC §6.4)
  bool repinned = false;    // the case's pinned rule or handler could not be kept (SPEC §6.1)
  bool fallback = false;    // the case's rule is the fallback owner's (SPEC §6.4)
  RuleId rule = kNone;
  PolicyId policy = kNone;
  std::string error;  // when rejected
  std::vector<std::string> trace;  // why, step by step, when asked for (escalate --explain)

  // Back to a default Action, keeping the buffers (for reuse across a batch).
  void clear() {
    kind = Kind::none;
    level = 0;
    role = handler = unit = cell = rule = policy = kNone;
    located = repinned = fallback = false;
    reasons = 0;
    next_check = respond_by = resolve_by = kNoInstant;
    assist.clear();
    error.clear();
    trace.clear();
  }
};
std::string_view to_string(Action::Kind k);
std::string_view to_string(Reason r);

}  // namespace gridroute
