// The C ABI's struct path: an issue or a case in C structs, a decision or an action out, no JSON.
#include "boundary.hpp"

#include "compile/index.hpp"
#include "io/writer.hpp"

using namespace gridroute::capi;

extern "C" {

// ---- fast path

int gridroute_engine_route(gridroute_decision* out, const gridroute_engine* engine, const gridroute_issue* issue,
                           const gridroute_route_options* opts, gridroute_error** err) {
  if (out && out->struct_size == sizeof(gridroute_decision)) clear_decision(out);
  int rc = guard(err, [&] {
    require(out, "out");
    check_size(out, "gridroute_decision");
    const EngineImpl& e = check_engine(engine);
    bool explain = route_flags(opts) & GRIDROUTE_ROUTE_EXPLAIN;
    HoldImpl& h = hold_of(out->hold_);
    h.snap = e.engine.snapshot();
    const Snapshot& s = *h.snap;
    out->timezone = out_str(s.time_zone());

    gridroute::Issue is;
    is.attrs.swap(h.attrs);  // reuse the attribute vector's memory
    read_issue(issue, is);
    gridroute::Decision d = s.route(is, explain);
    is.attrs.clear();
    is.attrs.swap(h.attrs);

    h.message = std::move(d.message);
    out->message = out_str(h.message);
    h.json.clear();
    if (explain && d.status != gridroute::Decision::Status::rejected) {
      gridroute::detail::append_decision(h.json, s.index(), {is.id, gridroute::detail::LineId::string}, d, true);
      out->json = out_str(h.json);
    }
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
    out->rule = out_str(s.rule_id(d.rule));
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
    out->respond_by = d.respond_by == gridroute::kNoInstant ? GRIDROUTE_TIME_NONE : d.respond_by;
    out->resolve_by = d.resolve_by == gridroute::kNoInstant ? GRIDROUTE_TIME_NONE : d.resolve_by;
    return GRIDROUTE_OK;
  });
  // On a failure other than a rejection, the decision holds nothing.
  if (rc != GRIDROUTE_OK && rc != GRIDROUTE_E_REJECTED && out && out->struct_size == sizeof(gridroute_decision))
    gridroute_decision_release(out);
  return rc;
}

void gridroute_decision_release(gridroute_decision* decision) {
  guard_void([&] {
    if (!decision || decision->struct_size != sizeof(gridroute_decision)) return;
    release_hold(decision->hold_);
    clear_decision(decision);
    decision->respond_by = decision->resolve_by = 0;
  });
}

int gridroute_engine_escalate(gridroute_action* out, const gridroute_engine* engine, const gridroute_case* c,
                              int64_t now, const gridroute_escalate_options* opts, gridroute_error** err) {
  if (out && out->struct_size == sizeof(gridroute_action)) clear_action(out);
  int rc = guard(err, [&] {
    require(out, "out");
    check_size(out, "gridroute_action");
    const EngineImpl& e = check_engine(engine);
    escalate_flags(opts);
    require(c, "case");
    check_size(c, "gridroute_case");
    HoldImpl& h = hold_of(out->hold_);
    h.snap = e.engine.snapshot();
    const Snapshot& s = *h.snap;
    out->timezone = out_str(s.time_zone());

    gridroute::Case cs;
    cs.issue.attrs.swap(h.attrs);
    std::string error;
    gridroute::Action a;
    read_issue(c->issue, cs.issue);
    bool ok = true;
    if (ok && (c->responded != 0 && c->responded != 1))
      ok = false, error = "field 'responded' must be 0 or 1, got " + std::to_string(c->responded);
    if (ok && (c->resolved != 0 && c->resolved != 1))
      ok = false, error = "field 'resolved' must be 0 or 1, got " + std::to_string(c->resolved);
    if (ok) {
      cs.level = c->level;
      cs.level_started_at = c->level_started_at == GRIDROUTE_TIME_NONE ? gridroute::kNoInstant : c->level_started_at;
      cs.responded = c->responded != 0;
      cs.reports = c->reports;
      cs.resolved = c->resolved != 0;
      if (c->rating != 0) cs.rating = c->rating;  // 0: no rating
      a = s.escalate(cs, now == GRIDROUTE_TIME_NONE ? gridroute::kNoInstant : now);
    } else {
      a.kind = gridroute::Action::Kind::rejected;
      a.error = std::move(error);
    }
    cs.issue.attrs.clear();
    cs.issue.attrs.swap(h.attrs);

    h.message = std::move(a.error);
    out->message = out_str(h.message);
    if (a.kind == gridroute::Action::Kind::rejected) {
      out->kind = GRIDROUTE_ACTION_REJECTED;
      fail(GRIDROUTE_E_REJECTED, h.message);
    }
    switch (a.kind) {
      case gridroute::Action::Kind::none: out->kind = GRIDROUTE_ACTION_NONE; break;
      case gridroute::Action::Kind::hold: out->kind = GRIDROUTE_ACTION_HOLD; break;
      case gridroute::Action::Kind::escalate: out->kind = GRIDROUTE_ACTION_ESCALATE; break;
      case gridroute::Action::Kind::reopen: out->kind = GRIDROUTE_ACTION_REOPEN; break;
      case gridroute::Action::Kind::overdue: out->kind = GRIDROUTE_ACTION_OVERDUE; break;
      case gridroute::Action::Kind::rejected: break;
    }
    out->level = a.level;
    out->reasons = a.reasons;
    out->handler = out_str(s.handler_id(a.handler));
    out->role = out_str(s.role_name(a.role));
    out->department = out_str(s.department(a.role));
    out->unit = out_str(s.unit_id(a.unit));
    if (a.rule != gridroute::kNone) out->rule = out_str(s.rule_id(a.rule));
    if (a.policy != gridroute::kNone) out->escalation = out_str(s.policy_id(a.policy));
    auto t = [](Instant v) { return v == gridroute::kNoInstant ? GRIDROUTE_TIME_NONE : v; };
    out->next_check = t(a.next_check);
    out->respond_by = t(a.respond_by);
    out->resolve_by = t(a.resolve_by);
    return GRIDROUTE_OK;
  });
  if (rc != GRIDROUTE_OK && rc != GRIDROUTE_E_REJECTED && out && out->struct_size == sizeof(gridroute_action))
    gridroute_action_release(out);
  return rc;
}

void gridroute_action_release(gridroute_action* action) {
  guard_void([&] {
    if (!action || action->struct_size != sizeof(gridroute_action)) return;
    release_hold(action->hold_);
    clear_action(action);
    action->next_check = action->respond_by = action->resolve_by = 0;
  });
}

}  // extern "C"
