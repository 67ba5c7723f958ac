// Escalation of cases (SPEC §3.5): one action per case at `now`.
#include "base/strings.hpp"
#include "decide/decide.hpp"
#include "decide/levels.hpp"
#include "decide/validate.hpp"

namespace gridroute::detail {

Action escalate(const Index& s, const Case& c, Instant now, std::uint64_t cell_hash) {
  Action a;
  auto reject = [&](std::string msg) {
    a.kind = Action::Kind::rejected;
    a.error = std::move(msg);
    return a;
  };
  std::string err;
  if (!check_now(now, err) || !check_case(c, err)) return reject(std::move(err));
  PreparedIssue is;
  if (!prepare(s, c.issue, is, err, cell_hash)) return reject(std::move(err));
  Decision d;
  route_prepared(s, is, d, false);
  if (d.status != Decision::Status::routed) return reject(cat("the case's issue is unrouted: ", d.message));
  const CompiledRule& rule = s.rules[d.rule];
  const CompiledPolicy* p = d.policy == kNone ? nullptr : &s.policies[d.policy];
  int levels = p ? static_cast<int>(p->levels.size()) : 1;
  a.rule = d.rule;
  a.policy = d.policy;
  if (c.level >= levels) {
    if (p)
      return reject(cat("level ", c.level, " does not exist (policy '", p->id, "' has ", levels,
                        levels == 1 ? " level)" : " levels)"));
    return reject(cat("level ", c.level, " does not exist (no escalation policy applies: level 0 only)"));
  }
  // The current level's owner.
  a.level = c.level;
  if (c.level == 0) {
    a.role = d.role;
    a.handler = d.handler;
    a.unit = d.unit;
  } else {
    LevelOwner owner;
    if (!level_owner(s, *p, c.level, is.cell, owner))
      return reject(cat("level ", c.level, " of policy '", p->id, "' resolves no handler for cell '", c.issue.cell, "'"));
    a.role = owner.role;
    a.handler = owner.res.owner;
    a.unit = owner.res.unit;
  }
  // Moves the answer to the next level above the current one that resolves, with deadlines from `now`.
  auto move_up = [&](Action::Kind kind) {
    for (int l = c.level + 1; p && l < levels; ++l) {
      LevelOwner owner;
      if (!level_owner(s, *p, l, is.cell, owner)) continue;
      a.kind = kind;
      a.level = l;
      a.role = owner.role;
      a.handler = owner.res.owner;
      a.unit = owner.res.unit;
      deadlines(s, rule, p, l, a.handler, now, a.respond_by, a.resolve_by);
      return;
    }
    a.kind = Action::Kind::overdue;
  };
  if (c.resolved) {
    if (p && p->rating_below && c.rating && *c.rating < *p->rating_below) {
      a.reasons = static_cast<std::uint8_t>(Reason::low_rating);
      move_up(Action::Kind::reopen);
    } else {
      a.kind = Action::Kind::none;
    }
    return a;
  }
  Instant respond = kNoInstant, resolve = kNoInstant;
  deadlines(s, rule, p, c.level, a.handler, c.level_started_at, respond, resolve);
  if (!c.responded && respond != kNoInstant && now >= respond)
    a.reasons |= static_cast<std::uint8_t>(Reason::missed_respond);
  if (resolve != kNoInstant && now >= resolve) a.reasons |= static_cast<std::uint8_t>(Reason::missed_resolve);
  if (p && p->repeat_reports && c.reports >= *p->repeat_reports)
    a.reasons |= static_cast<std::uint8_t>(Reason::repeat_reports);
  if (a.reasons) {
    move_up(Action::Kind::escalate);
    return a;
  }
  a.kind = Action::Kind::hold;
  if (!c.responded && respond != kNoInstant) a.next_check = respond;
  if (resolve != kNoInstant && (a.next_check == kNoInstant || resolve < a.next_check)) a.next_check = resolve;
  return a;
}

}  // namespace gridroute::detail
