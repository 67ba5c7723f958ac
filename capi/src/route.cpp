// The C ABI's struct path: an issue or a case in C structs, a decision or an action out, no JSON.
// Structs of an older struct_size (1.0) are read and written only as far as that size reaches.
#include "boundary.hpp"

#include "compile/index.hpp"
#include "io/writer.hpp"

using namespace gridroute::capi;

namespace {

gridroute::Instant in_time(int64_t t) { return t == GRIDROUTE_TIME_NONE ? gridroute::kNoInstant : t; }
// A time a zeroed struct leaves unset (as `issue.at`): 0 is "not set", so a case whose start, a return's
// time or a suspension's start was never filled is refused as the JSON path refuses it (missing field),
// not read as 1970-01-01.
gridroute::Instant in_time_set(int64_t t) { return t == 0 ? gridroute::kNoInstant : in_time(t); }
int64_t out_time(gridroute::Instant t) { return t == gridroute::kNoInstant ? GRIDROUTE_TIME_NONE : t; }

// The lifecycle fields of a 1.1 case (SPEC §6); C shapes only, the core checks the values.
void read_lifecycle(const gridroute_case* c, gridroute::Case& cs, std::vector<gridroute::Return>& returns,
                    std::vector<gridroute::Suspension>& suspensions) {
  if (!has_11(c)) return;
  // NULL is "not pinned"; NULL with a length is a caller's bug, refused as for every other string.
  if (const std::string_view rule = in_str(c->rule, c->rule_len, "case->rule"); c->rule) cs.rule = rule;
  if (const std::string_view handler = in_str(c->handler, c->handler_len, "case->handler"); c->handler) cs.handler = handler;
  if (c->returned_count && !c->returned)
    fail(GRIDROUTE_E_INVALID_ARGUMENT, "case->returned is NULL with a non-zero returned_count");
  if (c->suspended_count && !c->suspended)
    fail(GRIDROUTE_E_INVALID_ARGUMENT, "case->suspended is NULL with a non-zero suspended_count");
  check_count(c->returned_count, sizeof(gridroute_return), "case->returned_count");
  check_count(c->suspended_count, sizeof(*c->suspended), "case->suspended_count");
  returns.clear();
  for (std::size_t i = 0; i < c->returned_count; ++i) {
    const gridroute_return& r = c->returned[i];
    returns.push_back({in_str(r.handler, r.handler_len, "case->returned[].handler", true), in_time_set(r.at),
                       in_str(r.reason, r.reason_len, "case->returned[].reason")});
  }
  suspensions.clear();
  for (std::size_t i = 0; i < c->suspended_count; ++i)
    suspensions.push_back({in_time_set(c->suspended[i].from), in_time(c->suspended[i].to)});
  cs.returned.swap(returns);
  cs.suspended.swap(suspensions);
  cs.extended_to = in_time_set(c->extended_to);
}

gridroute_action_kind kind_of(gridroute::Action::Kind k) {
  switch (k) {
    case gridroute::Action::Kind::none: return GRIDROUTE_ACTION_NONE;
    case gridroute::Action::Kind::hold: return GRIDROUTE_ACTION_HOLD;
    case gridroute::Action::Kind::escalate: return GRIDROUTE_ACTION_ESCALATE;
    case gridroute::Action::Kind::reopen: return GRIDROUTE_ACTION_REOPEN;
    case gridroute::Action::Kind::overdue: return GRIDROUTE_ACTION_OVERDUE;
    case gridroute::Action::Kind::rejected: return GRIDROUTE_ACTION_REJECTED;
    case gridroute::Action::Kind::redispatch: return GRIDROUTE_ACTION_REDISPATCH;
    case gridroute::Action::Kind::dispute: return GRIDROUTE_ACTION_DISPUTE;
    case gridroute::Action::Kind::suspended: return GRIDROUTE_ACTION_SUSPENDED;
  }
  return GRIDROUTE_ACTION_REJECTED;
}

}  // namespace

extern "C" {

int gridroute_engine_route(gridroute_decision* out, const gridroute_engine* engine, const gridroute_issue* issue,
                           const gridroute_route_options* opts, gridroute_error** err) {
  if (out && known_size(out)) clear_decision(out);
  int rc = guard(err, [&] {
    require(out, "out");
    check_size(out, "gridroute_decision");
    const EngineImpl& e = check_engine(engine);
    bool explain = route_flags(opts) & GRIDROUTE_ROUTE_EXPLAIN;
    HoldImpl& h = hold_of(out->hold_);
    h.snap = e.engine.snapshot();
    const Snapshot& s = *h.snap;
    out->timezone = out_str(s.time_zone());
    if (has_11(out)) out->bundle = out_str(s.digest());

    gridroute::Issue is;
    is.attrs.swap(h.attrs);  // reuse the attribute vector's memory
    read_issue(issue, is);
    gridroute::Decision d;
    if (!issue->id) {
      // An id is required (SPEC §4); NULL is "never filled in", refused as the JSON path refuses a line
      // without one. (An empty string is an id, as "" is on the JSON path.)
      d.status = gridroute::Decision::Status::rejected;
      d.message = "missing field 'id'";
    } else if (std::string repeated = repeated_attr(is); !repeated.empty()) {
      d.status = gridroute::Decision::Status::rejected;
      d.message = std::move(repeated);
    } else {
      d = s.route(is, explain);
    }
    gridroute::LocationTrace where;  // "located" in the JSON: how the issue's location gave its cell
    if (explain) where = s.explain_location(is);
    is.attrs.clear();
    is.attrs.swap(h.attrs);

    h.message = std::move(d.message);
    out->message = out_str(h.message);
    h.json.clear();
    if (explain && d.status != gridroute::Decision::Status::rejected) {
      gridroute::detail::append_decision(h.json, s.index(), {is.id, gridroute::detail::LineId::string}, d, true,
                                         nullptr, &where);
      out->json = out_str(h.json);
    }
    if (has_11(out) && d.located) out->cell = out_str(s.unit_id(d.cell));
    switch (d.status) {
      case gridroute::Decision::Status::rejected:
        out->status = GRIDROUTE_DECISION_REJECTED;
        fail(GRIDROUTE_E_REJECTED, h.message);
      case gridroute::Decision::Status::unrouted:
        out->status = GRIDROUTE_DECISION_UNROUTED;
        return GRIDROUTE_OK;
      case gridroute::Decision::Status::routed: break;
    }
    out->status = GRIDROUTE_DECISION_ROUTED;
    if (d.rule != gridroute::kNone) out->rule = out_str(s.rule_id(d.rule));
    if (has_11(out)) out->fallback = d.fallback ? 1 : 0;
    out->role = out_str(s.role_name(d.role));
    out->department = out_str(s.department(d.role));
    out->handler = out_str(s.handler_id(d.handler));
    out->unit = out_str(s.unit_id(d.unit));
    if (d.policy != gridroute::kNone) out->escalation = out_str(s.policy_id(d.policy));
    h.lists.clear();
    for (gridroute::HandlerId a : d.alternates) h.lists.push_back(out_str(s.handler_id(a)));
    for (gridroute::HandlerId a : d.assist) h.lists.push_back(out_str(s.handler_id(a)));
    out->alternate_count = d.alternates.size();
    out->assist_count = d.assist.size();
    if (out->alternate_count) out->alternates = h.lists.data();
    if (out->assist_count) out->assist = h.lists.data() + out->alternate_count;
    out->level = d.level;
    out->respond_by = out_time(d.respond_by);
    out->resolve_by = out_time(d.resolve_by);
    return GRIDROUTE_OK;
  });
  // On a failure other than a rejection, the decision holds nothing.
  if (rc != GRIDROUTE_OK && rc != GRIDROUTE_E_REJECTED && out && known_size(out)) gridroute_decision_release(out);
  return rc;
}

void gridroute_decision_release(gridroute_decision* decision) {
  guard_void([&] {
    if (!decision || !known_size(decision)) return;
    release_hold(decision->hold_);
    clear_decision(decision);
    decision->respond_by = decision->resolve_by = 0;
  });
}

int gridroute_engine_escalate(gridroute_action* out, const gridroute_engine* engine, const gridroute_case* c,
                              int64_t now, const gridroute_escalate_options* opts, gridroute_error** err) {
  if (out && known_size(out)) clear_action(out);
  int rc = guard(err, [&] {
    require(out, "out");
    check_size(out, "gridroute_action");
    const EngineImpl& e = check_engine(engine);
    const bool explain = escalate_flags(opts) & GRIDROUTE_ESCALATE_EXPLAIN;
    require(c, "case");
    check_size(c, "gridroute_case");
    HoldImpl& h = hold_of(out->hold_);
    h.snap = e.engine.snapshot();
    const Snapshot& s = *h.snap;
    out->timezone = out_str(s.time_zone());
    if (has_11(out)) out->bundle = out_str(s.digest());

    gridroute::Case cs;
    cs.issue.attrs.swap(h.attrs);
    gridroute::Action a;
    read_issue(c->issue, cs.issue);
    cs.level = c->level;
    cs.level_started_at = in_time_set(c->level_started_at);
    cs.responded = c->responded != 0;
    cs.reports = c->reports;
    cs.resolved = c->resolved != 0;
    if (c->rating != 0) cs.rating = c->rating;  // 0: no rating
    read_lifecycle(c, cs, h.returns, h.suspensions);
    // The C shape of two booleans; the rest of the values are the core's to check.
    if (!c->issue->id) {
      a.kind = gridroute::Action::Kind::rejected;
      a.error = "missing field 'id'";  // as route() refuses it
    } else if (std::string repeated = repeated_attr(cs.issue); !repeated.empty()) {
      a.kind = gridroute::Action::Kind::rejected;
      a.error = std::move(repeated);
    } else if (c->responded != 0 && c->responded != 1) {
      a.kind = gridroute::Action::Kind::rejected;
      a.error = "field 'responded' must be 0 or 1, got " + std::to_string(c->responded);
    } else if (c->resolved != 0 && c->resolved != 1) {
      a.kind = gridroute::Action::Kind::rejected;
      a.error = "field 'resolved' must be 0 or 1, got " + std::to_string(c->resolved);
    } else {
      a = s.escalate(cs, in_now(now), explain);
    }
    gridroute::LocationTrace where;
    if (explain && has_11(out)) where = s.explain_location(cs.issue);
    cs.issue.attrs.clear();
    cs.issue.attrs.swap(h.attrs);
    cs.returned.swap(h.returns);  // keep their memory for the next call
    cs.suspended.swap(h.suspensions);

    h.json.clear();
    if (explain && has_11(out)) {
      gridroute::detail::append_action(h.json, s.index(), {cs.issue.id, gridroute::detail::LineId::string}, a, true,
                                       nullptr, &where);
      out->json = out_str(h.json);
    }
    h.message = std::move(a.error);
    out->message = out_str(h.message);
    out->kind = kind_of(a.kind);
    if (a.kind == gridroute::Action::Kind::rejected) fail(GRIDROUTE_E_REJECTED, h.message);
    out->level = a.level;
    out->reasons = a.reasons;
    if (a.handler != gridroute::kNone) {  // a dispute has no owner
      out->handler = out_str(s.handler_id(a.handler));
      out->role = out_str(s.role_name(a.role));
      out->department = out_str(s.department(a.role));
      out->unit = out_str(s.unit_id(a.unit));
    }
    if (a.rule != gridroute::kNone) out->rule = out_str(s.rule_id(a.rule));
    if (a.policy != gridroute::kNone) out->escalation = out_str(s.policy_id(a.policy));
    out->next_check = out_time(a.next_check);
    out->respond_by = out_time(a.respond_by);
    out->resolve_by = out_time(a.resolve_by);
    if (has_11(out)) {
      h.lists.clear();
      for (gridroute::HandlerId x : a.assist) h.lists.push_back(out_str(s.handler_id(x)));
      out->assist_count = h.lists.size();
      if (out->assist_count) out->assist = h.lists.data();
      out->repinned = a.repinned ? 1 : 0;
      out->fallback = a.fallback ? 1 : 0;
      if (a.located && a.cell != gridroute::kNone) out->cell = out_str(s.unit_id(a.cell));
    }
    return GRIDROUTE_OK;
  });
  if (rc != GRIDROUTE_OK && rc != GRIDROUTE_E_REJECTED && out && known_size(out)) gridroute_action_release(out);
  return rc;
}

void gridroute_action_release(gridroute_action* action) {
  guard_void([&] {
    if (!action || !known_size(action)) return;
    release_hold(action->hold_);
    clear_action(action);
    action->next_check = action->respond_by = action->resolve_by = 0;
  });
}

}  // extern "C"
