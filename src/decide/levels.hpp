// Internal: what routing and escalation share — the owner of an escalation level, the co-handlers of a
// list of role references, and a level's deadlines on the calendar SPEC §3.4 names.
#pragma once

#include <algorithm>

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
  for (RoleKeyId k : lv.route) {
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
void add_assists(const Index& s, const std::vector<RoleKeyId>& refs, UnitId start, HandlerId owner, List& out) {
  for (RoleKeyId k : refs) {
    Resolution res = s.resolve(k, start);
    if (!res) continue;
    HandlerId h = res.owner;
    if (h == owner || std::find(out.begin(), out.end(), h) != out.end()) continue;
    out.push_back(h);
  }
}

// The deadlines of `level` counted from `start`: level 0 takes the rule's SLA, level k its own.
inline void deadlines(const Index& s, const CompiledRule& rule, const CompiledPolicy* p, int level, HandlerId owner,
                      Instant start, Instant& respond, Instant& resolve) {
  const Calendar& cal = s.level_calendar(rule, level, owner);
  const std::optional<Duration>& rd = level == 0 ? rule.respond : p->levels[static_cast<std::size_t>(level)].respond;
  const std::optional<Duration>& sd = level == 0 ? rule.resolve : p->levels[static_cast<std::size_t>(level)].resolve;
  respond = rd ? cal.add(start, *rd) : kNoInstant;
  resolve = sd ? cal.add(start, *sd) : kNoInstant;
}

}  // namespace gridroute::detail
