// Internal: what routing and escalation share — the owner of an escalation level, the co-handlers of a
// list of role references, and a level's deadlines on the calendar SPEC §3.4 names.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>

#include "compile/index.hpp"

namespace gridroute::detail {

struct LevelOwner {
  RoleKeyId role = kNone;
  Resolution res;
};

// The owner of level `level` (k >= 1) of `p` for `cell` (SPEC §3.5): the level's route resolved from
// the cell's ancestor at its tier, or the nearest ancestor above it.
inline bool level_owner(const Index& s, const CompiledPolicy& p, int level, UnitId cell, LevelOwner& out) {
  const CompiledLevel& lv = p.levels[static_cast<std::size_t>(level)];
  UnitId start = s.ancestor_at_tier(cell, lv.tier);
  if (start == kNone) return false;
  for (RoleKeyId k : s.keys(s.keys_of_level(p, level).route)) {
    out.res = s.resolve(k, start);
    if (out.res) {
      out.role = k;
      return true;
    }
  }
  return false;
}

// Co-handlers (SPEC §3.3): each reference resolved from `start` to its first handler, in order, without
// repeats and without `owner`; references that do not resolve are left out.
template <class List>
void add_assists(const Index& s, std::span<const RoleKeyId> refs, UnitId start, HandlerId owner, List& out) {
  for (RoleKeyId k : refs) {
    Resolution res = s.resolve(k, start);
    if (!res) continue;
    HandlerId h = res.owner;
    if (h == owner || std::find(out.begin(), out.end(), h) != out.end()) continue;
    out.push_back(h);
  }
}

// The deadlines of `level` counted from `start`: level 0 takes the rule's SLA, level k its own. Without
// `want_respond` the respond deadline is not counted (kNoInstant): a case that responded reads none.
inline void deadlines_on(const Calendar& cal, const CompiledRule& rule, const CompiledPolicy* p, int level,
                         Instant start, Instant& respond, Instant& resolve, bool want_respond = true) {
  const std::optional<Duration>& rd = level == 0 ? rule.respond : p->levels[static_cast<std::size_t>(level)].respond;
  const std::optional<Duration>& sd = level == 0 ? rule.resolve : p->levels[static_cast<std::size_t>(level)].resolve;
  if (rd && want_respond && sd) {
    cal.add_two(start, *rd, *sd, respond, resolve);
    return;
  }
  respond = rd && want_respond ? cal.add(start, *rd) : kNoInstant;
  resolve = sd ? cal.add(start, *sd) : kNoInstant;
}
inline void deadlines(const Index& s, const CompiledRule& rule, const CompiledPolicy* p, int level, HandlerId owner,
                      Instant start, Instant& respond, Instant& resolve, bool want_respond = true) {
  deadlines_on(s.level_calendar(rule, level, owner), rule, p, level, start, respond, resolve, want_respond);
}

// A level's deadlines counted from one instant, remembered for the next case that asks. A sweep evaluates
// every case at the same `now`, and the cases that move up to a level, or are re-dispatched at it, count
// the same deadlines from it: they depend only on the calendar and the level's durations (SPEC §3.4).
// One per thread, for one index and one `now`; 64 entries, the last asked of each slot.
class NowDeadlines {
 public:
  explicit NowDeadlines(Instant now) : now_(now) {}
  Instant now() const { return now_; }
  void get(const Index& s, const CompiledRule& rule, const CompiledPolicy* p, int level, HandlerId owner,
           Instant& respond, Instant& resolve) {
    const Calendar* cal = &s.level_calendar(rule, level, owner);
    // Level 0 counts the rule's durations, a level above the policy's.
    const void* from = level == 0 ? static_cast<const void*>(&rule) : static_cast<const void*>(p);
    const std::uint64_t key = (reinterpret_cast<std::uintptr_t>(from) ^ (reinterpret_cast<std::uintptr_t>(cal) << 7) ^
                               static_cast<std::uint64_t>(level)) * 0x9E3779B97F4A7C15ull;
    Entry& e = entries_[key >> 58];
    if (e.from != from || e.calendar != cal || e.level != level) {
      deadlines(s, rule, p, level, owner, now_, e.respond, e.resolve);
      e.from = from;
      e.calendar = cal;
      e.level = level;
    }
    respond = e.respond;
    resolve = e.resolve;
  }

 private:
  struct Entry {
    const void* from = nullptr;
    const Calendar* calendar = nullptr;
    int level = -1;
    Instant respond = kNoInstant, resolve = kNoInstant;
  };
  Instant now_;
  std::array<Entry, 64> entries_{};
};

}  // namespace gridroute::detail
