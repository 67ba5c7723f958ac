// Evaluating a case at `now` (SPEC §3.5 and the lifecycle of §6): one action per case, in the order of
// §6.5 — suspended, redispatch/dispute, escalate/overdue, hold; for a resolved case reopen/overdue/none.
#include <algorithm>

#include "absl/container/inlined_vector.h"
#include "base/strings.hpp"
#include "base/text.hpp"
#include "base/zone.hpp"
#include "decide/case_steps.hpp"
#include "decide/decide.hpp"
#include "decide/levels.hpp"
#include "decide/validate.hpp"

namespace gridroute::detail {
namespace {

// The unit a pinned handler answers from: the nearest unit it serves at or above the cell, else the first
// it serves (a pinned owner need not serve the cell any more).
UnitId pinned_unit(const Index& s, HandlerId h, UnitId cell) {
  UnitId best = kNone;
  for (UnitId u : s.serves_of(h))
    if (s.is_ancestor_or_self(u, cell) && (best == kNone || s.hot[u].tin > s.hot[best].tin)) best = u;
  if (best != kNone) return best;
  auto all = s.serves_of(h);
  return all.empty() ? s.root : all.front();
}

// Resolves a role reference from `start` as if the handlers in `skip` did not exist (SPEC §6.2): the first
// unit served by a handler of the role that is not skipped, and the first such handler there.
template <class Skip>
bool resolve_skipping(const Index& s, RoleKeyId k, UnitId start, Skip&& skip, HandlerId& owner, UnitId& unit) {
  const std::uint32_t bit = Index::key_bit(k);
  for (UnitId u = s.hot[start].served_up; u != kNone; u = s.hot[u].served_next) {
    const Index::Served* sv = s.served_entry(s.hot[u], k, bit);
    if (!sv) continue;
    if (!skip(sv->owner)) {
      owner = sv->owner;
      unit = u;
      return true;
    }
    for (HandlerId alt : s.alternates_of(*sv)) {
      if (!skip(alt)) {
        owner = alt;
        unit = u;
        return true;
      }
    }
  }
  return false;
}

// The level-0 owner: the fallback owner, or the first reference of rule `r`'s route that resolves from
// the cell.
bool rule_owner(const Index& s, RuleId r, UnitId cell, CaseState& st) {
  if (r == kNone) {
    st.owner = s.fallback;
    st.role = s.handler_role[s.fallback];
    st.unit = s.root;
    return true;
  }
  for (RoleKeyId k : s.route_keys(r)) {
    Resolution res = s.resolve(k, cell);
    if (!res) continue;
    st.role = k;
    st.owner = res.owner;
    st.unit = res.unit;
    return true;
  }
  return false;
}

void use_rule(const Index& s, RuleId r, CaseState& st) {
  st.rule_id = r;
  st.fallback = r == kNone;
  st.rule = r == kNone ? &s.fallback_rule : &s.rules[static_cast<std::size_t>(r)];
  st.policy = st.rule->policy == kNone ? nullptr : &s.policies[static_cast<std::size_t>(st.rule->policy)];
  st.levels = st.policy ? static_cast<int>(st.policy->levels.size()) : 1;
}

// Rule selection as for routing (SPEC §3.3), the fallback rule when no rule gives an owner; false with
// `error` when neither does. Sets the level-0 owner.
bool select_rule(const Index& s, const PreparedIssue& is, CaseState& st, std::string& error, const ScopeStart* start) {
  Decision d;
  route_prepared(s, is, d, false, start);
  if (d.status == Decision::Status::routed) {
    use_rule(s, d.rule, st);
    st.role = d.role;
    st.owner = d.handler;
    st.unit = d.unit;
    return true;
  }
  if (s.fallback == kNone) {
    error = cat("the case's issue is unrouted: ", d.message);
    return false;
  }
  use_rule(s, kNone, st);
  return rule_owner(s, kNone, is.cell, st);
}

void note(Action& a, bool explain, std::string text) {
  if (explain) a.trace.push_back(std::move(text));
}

// The co-handlers of `level` for `owner`: the rule's from the cell at level 0, the level's from its start
// unit above (SPEC §6.4).
void level_assists(const Index& s, const CaseState& st, int level, HandlerId owner,
                   absl::InlinedVector<HandlerId, 4>& out) {
  out.clear();
  if (level == 0) {
    add_assists(s, st.fallback ? std::span<const RoleKeyId>(st.rule->assist) : s.assist_keys(st.rule_id), st.cell,
                owner, out);
  } else {
    const CompiledLevel& lv = st.policy->levels[static_cast<std::size_t>(level)];
    const UnitId start = s.ancestor_at_tier(st.cell, lv.tier);
    if (start != kNone) add_assists(s, s.keys(s.keys_of_level(*st.policy, level).assist), start, owner, out);
  }
}

}  // namespace

Settled settle_case(const Index& s, const Case& c, std::uint64_t cell_hash, const std::uint64_t* handler_hash,
                    std::int32_t located, const Instant* now, Action& a, bool explain, CaseState& st,
                    const ScopeStart* start, const UnitId* cell) {
  auto reject = [&](std::string msg) {
    a.clear();
    a.kind = Action::Kind::rejected;
    a.error = std::move(msg);
  };
  std::string err;
  // The issue's values first (prepare checks them), then the case's own, as check_case orders them.
  // A case pinned to its rule and owner evaluates no condition: its attributes are checked, not copied.
  PreparedIssue is;
  const bool with_attrs = !(c.rule && c.handler);
  if (!prepare(s, c.issue, is, err, cell_hash, with_attrs, located, cell) || !check_case_state(c, err) ||
      (now && !check_now(*now, err))) {
    reject(std::move(err));
    return Settled::rejected;
  }
  // A cell given by number for an id compared later (escalate): its id's record is asked for now.
  if (cell && !c.issue.cell.empty()) __builtin_prefetch(s.unit_id_record(*cell));

  // ---- the case's rule and its current owner (SPEC §6.1)
  const HandlerId pinned = !c.handler      ? kNone
                           : handler_hash ? s.find_handler(*c.handler, *handler_hash)
                                          : s.find_handler(*c.handler);
  if (c.handler && pinned == kNone) {
    st.repinned = true;
    note(a, explain, cat("the pinned handler '", *c.handler, "' is not in this bundle: the owner is resolved again"));
  }
  bool rule_known = false;
  if (c.rule) {
    const RuleId r = s.find_rule(*c.rule);
    if (r == kNone) {
      st.repinned = true;
      note(a, explain, cat("the pinned rule '", *c.rule, "' is not in this bundle: the rule is selected again"));
    } else {
      use_rule(s, r, st);
      rule_known = true;
    }
  }
  if (c.level == 0 && pinned == kNone && rule_known && !rule_owner(s, st.rule_id, is.cell, st)) {
    // A pinned rule whose route resolves nobody from the cell any more: selected again.
    st.repinned = true;
    note(a, explain, cat("the pinned rule '", st.rule->id, "' resolves no handler from the cell: the rule is selected again"));
    rule_known = false;
  }
  if (!rule_known) {
    // Selected again after all: the conditions read the attributes (checked already, so this passes).
    if ((!with_attrs && !prepare(s, c.issue, is, err, cell_hash, true, located, cell)) ||
        !select_rule(s, is, st, err, start)) {
      reject(std::move(err));
      return Settled::rejected_after_now;
    }
  }
  st.rule_pinned = c.rule && rule_known;
  if (c.level >= st.levels) {
    if (st.policy)
      reject(cat("level ", c.level, " does not exist (policy '", st.policy->id, "' has ", st.levels,
                 st.levels == 1 ? " level)" : " levels)"));
    else
      reject(cat("level ", c.level, " does not exist (no escalation policy applies: level 0 only)"));
    return Settled::rejected_after_now;
  }
  if (pinned != kNone) {
    st.owner = pinned;
    st.owner_pinned = true;
    st.role = s.handler_role[pinned];
    st.unit = pinned_unit(s, pinned, is.cell);
  } else if (c.level > 0) {
    LevelOwner lo;
    if (!level_owner(s, *st.policy, c.level, is.cell, lo)) {
      reject(cat("level ", c.level, " of policy '", st.policy->id, "' resolves no handler for cell '", c.issue.cell,
                 "'"));
      return Settled::rejected_after_now;
    }
    st.role = lo.role;
    st.owner = lo.res.owner;
    st.unit = lo.res.unit;
  }
  st.cell = is.cell;
  st.located = is.located;
  a.cell = is.cell;
  a.located = is.located;
  a.rule = st.rule_id;
  a.fallback = st.fallback;
  a.policy = st.rule->policy;
  a.repinned = st.repinned;
  a.level = c.level;
  a.role = st.role;
  a.handler = st.owner;
  a.unit = st.unit;
  return Settled::ok;
}

void next_level(const Index& s, const CaseState& st, int level, Move& m, Action& a, bool explain) {
  m.found = false;
  const CompiledPolicy* p = st.policy;
  // The levels passed over, said in the trace: each of a few, or a run of more as one entry (a policy of
  // thousands of levels that resolve nothing wrote an entry a level, megabytes a case).
  int skipped_from = 0, skipped = 0;
  auto say_skipped = [&] {
    if (!explain || skipped == 0) return;
    auto name = [&](int l) -> const std::string& { return p->levels[static_cast<std::size_t>(l)].name; };
    if (skipped <= 3) {
      for (int l = skipped_from; l < skipped_from + skipped; ++l)
        note(a, true, cat("level ", l, " (", name(l), ") resolves no handler: skipped"));
    } else {
      const int last = skipped_from + skipped - 1;
      note(a, true, cat("levels ", skipped_from, " (", name(skipped_from), ") to ", last, " (", name(last),
                        ") resolve no handler: ", skipped, " skipped"));
    }
    skipped = 0;
  };
  for (int l = level + 1; p && l < st.levels; ++l) {
    LevelOwner lo;
    if (!level_owner(s, *p, l, st.cell, lo)) {
      if (skipped++ == 0) skipped_from = l;
      continue;
    }
    say_skipped();
    m.found = true;
    m.level = l;
    m.role = lo.role;
    m.handler = lo.res.owner;
    m.unit = lo.res.unit;
    level_assists(s, st, l, m.handler, m.assist);
    return;
  }
  say_skipped();
}

bool owner_returned(const Index& s, const Case& c, HandlerId owner) {
  for (const Return& r : c.returned)
    if (s.find_handler(r.handler) == owner) return true;
  return false;
}

void redispatch_target(const Index& s, const Case& c, const CaseState& st, Move& m, Action& a, bool explain) {
  // The handlers that returned the case, looked up once and sorted: each candidate is then one binary
  // search, not a lookup of every return (a case with thousands of returns cost candidates x returns).
  absl::InlinedVector<HandlerId, 8> returned;
  for (const Return& r : c.returned)
    if (const HandlerId h = s.find_handler(r.handler); h != kNone) returned.push_back(h);
  std::sort(returned.begin(), returned.end());
  auto skip = [&](HandlerId h) { return std::binary_search(returned.begin(), returned.end(), h); };
  m.found = false;
  m.level = c.level;
  m.role = kNone;
  m.handler = kNone;
  m.unit = kNone;
  m.assist.clear();
  if (c.level == 0) {
    if (!st.fallback)
      for (RoleKeyId k : s.route_keys(st.rule_id))
        if (resolve_skipping(s, k, st.cell, skip, m.handler, m.unit)) {
          m.role = k;
          break;
        }
  } else {
    const CompiledLevel& lv = st.policy->levels[static_cast<std::size_t>(c.level)];
    const UnitId start = s.ancestor_at_tier(st.cell, lv.tier);
    if (start != kNone)
      for (RoleKeyId k : s.keys(s.keys_of_level(*st.policy, c.level).route))
        if (resolve_skipping(s, k, start, skip, m.handler, m.unit)) {
          m.role = k;
          break;
        }
  }
  if (m.handler == kNone && s.fallback != kNone && !skip(s.fallback)) {
    m.handler = s.fallback;
    m.role = s.handler_role[s.fallback];
    m.unit = s.root;
    note(a, explain, "no other handler of the level's roles is left: the fallback owner (defaults.fallback) takes it");
  }
  m.found = m.handler != kNone;
  if (m.found) level_assists(s, st, c.level, m.handler, m.assist);
}

void level_dues(const Index& s, const Case& c, const CaseState& st, Instant& respond, Instant& resolve) {
  // A case that responded reads no respond deadline: it is not counted. An owner resolved here was found
  // at st.unit by st.role: its calendar is read from that served entry, whose line the resolution read.
  const Calendar& cal = st.owner_pinned ? s.level_calendar(*st.rule, c.level, st.owner)
                                        : s.level_calendar(*st.rule, c.level, st.owner, st.unit, st.role);
  deadlines_on(cal, *st.rule, st.policy, c.level, c.level_started_at, respond, resolve, !c.responded);
}

void moved_dues(std::span<const Suspension> suspended, Instant level_started_at, Instant extended_to, Instant now,
                Instant& respond, Instant& resolve) {
  if (suspended.empty() && extended_to == kNoInstant) return;  // the usual case: nothing moves
  // The entries with a `to` that have begun, cut to start no earlier than level_started_at, merged.
  absl::InlinedVector<Suspension, 4> spans;
  for (const Suspension& e : suspended) {
    if (e.from > now || e.to == kNoInstant) continue;
    Suspension cut{std::max(e.from, level_started_at), e.to};
    if (cut.to <= cut.from) continue;
    spans.push_back(cut);
  }
  std::sort(spans.begin(), spans.end(), [](const Suspension& a, const Suspension& b) { return a.from < b.from; });
  std::size_t n = 0;
  for (const Suspension& e : spans) {
    if (n > 0 && e.from <= spans[n - 1].to) spans[n - 1].to = std::max(spans[n - 1].to, e.to);
    else spans[n++] = e;
  }
  // Walk them in order: a due after the span's start (as moved so far) moves by its length.
  for (std::size_t i = 0; i < n; ++i) {
    const Instant a = spans[i].from, len = spans[i].to - spans[i].from;
    if (respond != kNoInstant && a < respond) respond += len;
    if (resolve != kNoInstant && a < resolve) resolve += len;
  }
  if (extended_to != kNoInstant && resolve != kNoInstant) resolve = std::max(resolve, extended_to);
}

bool suspended_at(std::span<const Suspension> suspended, Instant now, Instant& until) {
  bool held = false, open_ended = false;
  until = kNoInstant;
  for (const Suspension& e : suspended) {
    if (e.from > now) continue;
    if (e.to == kNoInstant) {
      held = open_ended = true;
    } else if (now < e.to) {
      held = true;
      until = until == kNoInstant ? e.to : std::max(until, e.to);
    }
  }
  if (open_ended) until = kNoInstant;
  return held;
}

void apply_move(const Index& s, const CaseState& st, const Move& m, Action::Kind kind, Instant now,
                NowDeadlines* memo, Action& a) {
  if (!m.found) {
    if (kind == Action::Kind::redispatch) {
      a.kind = Action::Kind::dispute;
      a.handler = kNone;
      a.role = kNone;
      a.unit = kNone;
    } else {
      a.kind = Action::Kind::overdue;
    }
    return;
  }
  a.kind = kind;
  a.level = m.level;
  a.role = m.role;
  a.handler = m.handler;
  a.unit = m.unit;
  a.assist = m.assist;
  if (memo && memo->now() == now) memo->get(s, *st.rule, st.policy, m.level, m.handler, a.respond_by, a.resolve_by);
  else deadlines(s, *st.rule, st.policy, m.level, m.handler, now, a.respond_by, a.resolve_by);
}

void escalate_into(const Index& s, const Case& c, Instant now, std::uint64_t cell_hash, Action& a, bool explain,
                   const std::uint64_t* handler_hash, NowDeadlines* memo, std::int32_t located, const ScopeStart* start,
                   const UnitId* cell) {
  CaseState st;
  if (settle_case(s, c, cell_hash, handler_hash, located, &now, a, explain, st, start, cell) != Settled::ok) return;
  const CompiledRule& rule = *st.rule;
  const CompiledPolicy* p = st.policy;
  auto when = [&](Instant t) { return format_rfc3339(t, s.zone); };
  auto level_name = [&](int l) {
    return p ? cat("level ", l, " (", p->levels[static_cast<std::size_t>(l)].name, ")") : cat("level ", l);
  };
  if (explain) {
    std::string under = st.fallback ? std::string("under the fallback owner's rule (defaults.fallback)")
                                    : cat("under rule '", rule.id, "'");
    if (st.fallback) {
    } else if (st.rule_pinned) {
      under += " (pinned)";
    } else {
      under += " (selected for the issue)";
    }
    append(under, ", ", p ? cat("escalation policy '", p->id, "' of ", st.levels, st.levels == 1 ? " level" : " levels")
                          : std::string("no escalation policy"));
    note(a, true, under);
    note(a, true, cat(level_name(c.level), ", started ", when(c.level_started_at), ": owner '", s.handler_id(st.owner),
                      "' at '", s.unit_id(st.unit), "'", st.owner_pinned ? " (pinned)" : ""));
  }

  // Moves the answer to the next level above the current one that resolves, with deadlines from `now`.
  auto move_up = [&](Action::Kind kind) {
    Move m;
    next_level(s, st, c.level, m, a, explain);
    apply_move(s, st, m, kind, now, memo, a);
    if (!explain) return;
    if (m.found)
      note(a, true, cat(kind == Action::Kind::reopen ? "reopened at " : "escalated to ", level_name(m.level), ": owner '",
                        s.handler_id(a.handler), "' at '", s.unit_id(a.unit), "', its deadlines counted from now"));
    else if (!p)
      note(a, true, "no escalation policy: no level to go to, overdue");
    else if (c.level + 1 >= st.levels)
      note(a, true, cat("the policy has no level above ", level_name(c.level), ": overdue"));
    else
      note(a, true, "no level above the current one resolves a handler: overdue");
  };

  if (c.resolved) {
    // Returns and suspensions concern open cases only.
    if (rated_low(st, c.rating)) {
      if (explain) note(a, true, cat("resolved, rated ", *c.rating, ", below the policy's rating_below ", *p->rating_below));
      a.reasons = static_cast<std::uint8_t>(Reason::low_rating);
      move_up(Action::Kind::reopen);
    } else {
      a.kind = Action::Kind::none;
      if (explain)
        note(a, true, !p || !p->rating_below ? std::string("resolved; no rating_below applies: nothing to do")
                      : !c.rating            ? std::string("resolved, not rated: nothing to do")
                                             : cat("resolved, rated ", *c.rating, ", not below rating_below ",
                                                   *p->rating_below, ": nothing to do"));
    }
    return;
  }

  // ---- (1) suspended (SPEC §6.3)
  if (Instant until; suspended_at(c.suspended, now, until)) {
    a.kind = Action::Kind::suspended;
    a.next_check = until;
    note(a, explain, until == kNoInstant ? "suspended without an end: parked until the platform says more"
                                         : "suspended: checked again when the last holding suspension ends");
    return;
  }

  // ---- (2) redispatch or dispute (SPEC §6.2)
  if (!c.returned.empty() && owner_returned(s, c, a.handler)) {
    if (explain) {
      std::string passed;
      for (const Return& r : c.returned) append(passed, passed.empty() ? "" : ", ", r.handler);
      note(a, true, cat("the owner '", s.handler_id(a.handler), "' returned the case; passed over: ", passed));
    }
    Move m;
    redispatch_target(s, c, st, m, a, explain);
    a.reasons = static_cast<std::uint8_t>(Reason::returned);
    apply_move(s, st, m, Action::Kind::redispatch, now, memo, a);
    note(a, explain, m.found ? cat("re-dispatched to '", s.handler_id(m.handler), "' at '", s.unit_id(m.unit), "'")
                             : s.fallback != kNone
                                 ? std::string("nobody is left to take it, the fallback owner included: a person must rule (dispute)")
                                 : std::string("nobody is left to take it, and the bundle has no fallback owner "
                                               "(defaults.fallback): a person must rule (dispute)"));
    return;
  }

  // ---- (3) escalate or overdue, on the moved due instants; (4) hold
  Instant respond = kNoInstant, resolve = kNoInstant;
  level_dues(s, c, st, respond, resolve);
  // For the trace: the dues on the calendar, and the resolve due moved by the suspensions alone.
  const Instant respond_counted = respond, resolve_counted = resolve;
  Instant resolve_suspended = resolve;
  if (explain && c.extended_to != kNoInstant) {
    Instant r = kNoInstant;
    moved_dues(c.suspended, c.level_started_at, kNoInstant, now, r, resolve_suspended);
  }
  moved_dues(c.suspended, c.level_started_at, c.extended_to, now, respond, resolve);
  if (c.extended_to == kNoInstant) resolve_suspended = resolve;
  a.reasons = missed_at(c.responded, respond, resolve, repeated(st, c.reports), now);
  if (explain) {
    // SPEC §6.3: what the suspensions and the extension did, each said only when it did something.
    for (const Suspension& e : c.suspended) {
      if (e.from > now)
        note(a, true, cat("the suspension from ", when(e.from), " begins after now: not counted"));
      else if (e.to != kNoInstant && e.to <= c.level_started_at)
        note(a, true, cat("the suspension from ", when(e.from), " to ", when(e.to), " ended before the level started: not counted"));
    }
    if (!c.returned.empty())
      note(a, true, "the case was returned by handlers other than its owner: no re-dispatch (only the owner's return "
                    "re-dispatches it)");
    // A length of time as "3d 4h 30m" (its whole seconds; zero parts left out).
    auto when_span = [](Instant us) {
      std::int64_t sec = us / kMicrosPerSecond;
      std::string out;
      for (auto [unit, name] : {std::pair<std::int64_t, const char*>{86400, "d"}, {3600, "h"}, {60, "m"}, {1, "s"}})
        if (sec >= unit) {
          append(out, out.empty() ? "" : " ", sec / unit, name);
          sec %= unit;
        }
      return out.empty() ? std::string("0s") : out;
    };
    auto moved_from = [&](Instant counted, Instant moved) {
      return moved == counted ? std::string()
                              : cat(" (", when(counted), " on the calendar, moved ", when_span(moved - counted),
                                    " later by the suspensions)");
    };
    if (c.responded) note(a, true, "responded: the respond deadline is not counted");
    else if (respond == kNoInstant) note(a, true, "no respond deadline applies");
    else
      note(a, true, cat("respond due ", when(respond), moved_from(respond_counted, respond),
                        now >= respond ? ": missed" : ": not yet due"));
    if (resolve == kNoInstant) {
      note(a, true, c.extended_to != kNoInstant
                        ? cat("no resolve deadline applies: extended_to ", when(c.extended_to), " has none to extend")
                        : std::string("no resolve deadline applies"));
    } else {
      std::string how = moved_from(resolve_counted, resolve_suspended);
      if (c.extended_to != kNoInstant)
        append(how, c.extended_to > resolve_suspended
                        ? cat(" (extended to it by extended_to, from ", when(resolve_suspended), ")")
                        : cat(" (extended_to ", when(c.extended_to), " is not later: no effect)"));
      note(a, true, cat("resolve due ", when(resolve), how, now >= resolve ? ": missed" : ": not yet due"));
    }
    if (p && p->repeat_reports)
      note(a, true, cat(c.reports, c.reports == 1 ? " report" : " reports",
                        c.reports >= *p->repeat_reports ? ", at least " : ", fewer than ", "the policy's repeat_reports ",
                        *p->repeat_reports));
  }
  if (a.reasons) {
    move_up(Action::Kind::escalate);
    return;
  }
  a.kind = Action::Kind::hold;
  a.next_check = hold_until(c.responded, respond, resolve);
  if (explain)
    note(a, true, a.next_check == kNoInstant ? std::string("nothing is missed: hold, with no deadline left to check")
                                             : cat("nothing is missed: hold until ", when(a.next_check)));
}

void prefetch_cases(const Index& s, const Case* cases, std::size_t m, const Case* next_end, std::uint64_t* hashes,
                    std::uint64_t* handler_hashes, std::int32_t* located) {
  // The next group's case records, whole: the lifecycle fields the case checks read sit lines past the
  // issue, and the hardware prefetcher does not run that far ahead of the misses below.
  for (const char* p = reinterpret_cast<const char*>(cases + m); p < reinterpret_cast<const char*>(next_end); p += 64)
    __builtin_prefetch(p);
  std::string_view cells[kPrefetchGroup], handlers[kPrefetchGroup];
  for (std::size_t i = 0; i < m; ++i) {
    const Issue& is = cases[i].issue;
    cells[i] = is.cell;
    // The caller's text and attributes, which the checks and prepare read first (as route_batch).
    __builtin_prefetch(is.cell.data());
    __builtin_prefetch(is.category.data());
    __builtin_prefetch(is.id.data());
    // A pinned case's ids (SPEC §6.1), which the case checks read and the handler lookup hashes.
    if (const Case& c = cases[i]; c.rule || c.handler) {
      if (c.rule) __builtin_prefetch(c.rule->data());
      if (c.handler) __builtin_prefetch(c.handler->data());
    }
    const auto* attrs = reinterpret_cast<const char*>(is.attrs.data());
    const auto* attrs_end = reinterpret_cast<const char*>(is.attrs.data() + std::min<std::size_t>(is.attrs.size(), 8));
    for (const char* p = attrs; p < attrs_end; p += 64) __builtin_prefetch(p);
  }
  // Pinned handlers (SPEC §6.1): their slots first, the cells' stages in between, then their records.
  for (std::size_t i = 0; i < m; ++i) handlers[i] = cases[i].handler.value_or(std::string_view{});
  prefetch_handler_slots(s, handlers, m, handler_hashes);
  prefetch_cells(s, cells, m, hashes);
  prefetch_handler_records(s, handlers, m, handler_hashes);
  const Issue* located_issues[kPrefetchGroup];
  for (std::size_t i = 0; i < m; ++i) located_issues[i] = &cases[i].issue;
  locate_group(s, located_issues, m, located);
}

Action escalate(const Index& s, const Case& c, Instant now, std::uint64_t cell_hash, bool explain,
                const std::uint64_t* handler_hash, NowDeadlines* memo, std::int32_t located) {
  Action a;
  // One case by cell id, as one issue in route_into: the unit whose index slot matches the id's hash is
  // evaluated as if given by number while its id's record arrives, and the id is compared last.
  // When it is not that unit's id, or the case is rejected, the case is evaluated again as below.
  if (!explain && located == kNotLocated && !c.issue.cell.empty()) {
    UnitId guess = s.unit_index.first_match(cell_hash);
    if (guess >= 0 && static_cast<std::size_t>(guess) < s.hot.size()) {
      __builtin_prefetch(s.unit_id_record(guess));
      escalate_into(s, c, now, cell_hash, a, false, handler_hash, memo, located, nullptr, &guess);
      if (a.kind != Action::Kind::rejected && s.is_unit_id(guess, c.issue.cell)) return a;
      a.clear();
    }
  }
  escalate_into(s, c, now, cell_hash, a, explain, handler_hash, memo, located);
  return a;
}

}  // namespace gridroute::detail
