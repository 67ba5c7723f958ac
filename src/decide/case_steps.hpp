// Internal: the steps of evaluating a case (SPEC §3.5, §6), split where `now` enters. Everything up to
// the case's rule, owner and level's dues does not read `now`; what is done with them does. escalate.cpp
// runs the steps one after the other for each case; a CaseBook (case_book.cpp) runs the first half once
// per case and the second half at each sweep, through the same functions.
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include "absl/container/inlined_vector.h"
#include "decide/decide.hpp"

namespace gridroute::detail {

// What a case is at its current level: the rule it is under, the level's owner, and how they were found.
struct CaseState {
  const CompiledRule* rule = nullptr;  // s.rules[r], or the fallback rule
  RuleId rule_id = kNone;              // kNone with the fallback rule
  bool fallback = false;
  bool rule_pinned = false;            // the case's pinned rule was kept
  bool owner_pinned = false;           // the case's pinned handler was kept
  const CompiledPolicy* policy = nullptr;
  int levels = 1;
  RoleKeyId role = kNone;
  HandlerId owner = kNone;
  UnitId unit = kNone;
  bool repinned = false;
  UnitId cell = kNone;
  bool located = false;
};

// How settle_case ended.
enum class Settled : std::uint8_t {
  ok,
  rejected,             // the case's own values (or `now`, when given) are wrong
  rejected_after_now,   // its level does not exist, or resolves nobody: an error only a valid `now` reaches
};

// Checks the case and finds its rule and the owner at its level (SPEC §6.1), without reading `now`
// unless `now` is given (then checked where escalate checks it). Sets the base fields of `a` (cell,
// rule, policy, level, owner, repinned), or makes `a` a rejection.
// `start`, when given, is where the scope search starts should the rule be selected again; `cell`, when
// given, is the cell by number (its id not read).
Settled settle_case(const Index& s, const Case& c, std::uint64_t cell_hash, const std::uint64_t* handler_hash,
                    std::int32_t located, const Instant* now, Action& a, bool explain, CaseState& st,
                    const ScopeStart* start = nullptr, const UnitId* cell = nullptr);

// Where a case goes when it leaves its owner: the next level that resolves (escalate, reopen), or
// another handler at the same level (redispatch). `found` false: overdue, or a dispute.
struct Move {
  bool found = false;
  int level = 0;
  RoleKeyId role = kNone;
  HandlerId handler = kNone;
  UnitId unit = kNone;
  absl::InlinedVector<HandlerId, 4> assist;
};

// The first level above `level` that resolves (SPEC §3.5), with its co-handlers; notes the levels skipped.
void next_level(const Index& s, const CaseState& st, int level, Move& m, Action& a, bool explain);
// The case's owner returned it (SPEC §6.2): whether any of its returns names the current owner.
bool owner_returned(const Index& s, const Case& c, HandlerId owner);
// Another handler of the level's roles, passing over every handler that returned the case, else the
// fallback owner; `found` false when nobody is left (a dispute).
void redispatch_target(const Index& s, const Case& c, const CaseState& st, Move& m, Action& a, bool explain);

// The current level's deadlines counted from its start (respond not counted for a case that responded).
void level_dues(const Index& s, const Case& c, const CaseState& st, Instant& respond, Instant& resolve);
// Those deadlines moved by the suspensions begun by `now` and the extension (SPEC §6.3).
void moved_dues(std::span<const Suspension> suspended, Instant level_started_at, Instant extended_to, Instant now,
                Instant& respond, Instant& resolve);
// Whether a suspension holds at `now`; `until` is when the last holding one ends (kNoInstant: one has no end).
bool suspended_at(std::span<const Suspension> suspended, Instant now, Instant& until);
// The reasons missed at `now` (Reason bits) on the level's moved deadlines.
inline std::uint8_t missed_at(bool responded, Instant respond, Instant resolve, bool repeat, Instant now) {
  std::uint8_t r = 0;
  if (!responded && respond != kNoInstant && now >= respond) r |= static_cast<std::uint8_t>(Reason::missed_respond);
  if (resolve != kNoInstant && now >= resolve) r |= static_cast<std::uint8_t>(Reason::missed_resolve);
  if (repeat) r |= static_cast<std::uint8_t>(Reason::repeat_reports);
  return r;
}
// A holding case's next check: the earlier of its deadlines still counted.
inline Instant hold_until(bool responded, Instant respond, Instant resolve) {
  Instant t = !responded ? respond : kNoInstant;
  if (resolve != kNoInstant && (t == kNoInstant || resolve < t)) t = resolve;
  return t;
}
// Whether the policy's repeat_reports is reached.
inline bool repeated(const CaseState& st, std::int64_t reports) {
  return st.policy && st.policy->repeat_reports && reports >= *st.policy->repeat_reports;
}
// Whether a resolved case's rating is below the policy's rating_below.
inline bool rated_low(const CaseState& st, const std::optional<int>& rating) {
  return st.policy && st.policy->rating_below && rating && *rating < *st.policy->rating_below;
}

// Makes `a` the move: `kind` at the move's level and owner with deadlines from `now` (through `memo`
// when given), or overdue when the move found no level.
void apply_move(const Index& s, const CaseState& st, const Move& m, Action::Kind kind, Instant now,
                NowDeadlines* memo, Action& a);

}  // namespace gridroute::detail
