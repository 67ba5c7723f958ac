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

// What an issue's cell number says (1.3): none given, one of the engine's current snapshot, or one of an
// earlier snapshot (the engine was reloaded since the numbers were looked up).
enum class Number { none, current, stale };
// GRIDROUTE_UNIT_NONE (an id the snapshot does not have) in an issue that gives its cell id or location
// too is no number: the id or location routes it, and a rejection names the id.
Number number_of(const Snapshot& s, const gridroute_issue* in) {
  if (!has_13(in) || in->cell_generation == 0) return Number::none;
  if (in->cell_number == GRIDROUTE_UNIT_NONE && (in->cell || in->has_location)) return Number::none;
  return in->cell_generation == s.generation() ? Number::current : Number::stale;
}

// Why an issue is refused before the core sees it (the C shapes the core cannot), or "". `in_place`: its
// attributes are read where they are (attrs_in_place), not copied into `is`.
std::string refusal(const Snapshot& s, const gridroute_issue* in, const gridroute::Issue& is, Number number,
                    bool in_place = false) {
  // An id is required (SPEC §4); NULL is "never filled in", refused as the JSON path refuses a line
  // without one. (An empty string is an id, as "" is on the JSON path.)
  if (!in->id) return "missing field 'id'";
  if (std::string repeated = in_place ? repeated_attr(in) : repeated_attr(is); !repeated.empty()) return repeated;
  // A number from before a reload is never read in the new snapshot: the issue's own cell or location
  // routes it when it gives one.
  if (number == Number::stale && !in->cell && !is.has_location)
    return "cell number " + std::to_string(in->cell_number) + " belongs to generation " +
           std::to_string(in->cell_generation) + ", but the engine serves generation " +
           std::to_string(s.generation()) +
           " (reloaded since, or another engine's number): look the cells' numbers up again, or give the cell's "
           "id with its number";
  return {};
}

// The decision for one issue read by read_issue, whose number says `number`.
void decide_one(const Snapshot& s, const gridroute_issue* in, const gridroute::Issue& is, Number number,
                bool explain, gridroute::Decision& d) {
  if (std::string why = refusal(s, in, is, number); !why.empty()) {
    d.status = gridroute::Decision::Status::rejected;
    d.message = std::move(why);
  } else if (number == Number::current) {
    d = s.route_in_cell(is, in->cell_number, explain);
  } else {
    s.route_into(is, d, explain);
  }
}

// Writes a decision into the caller's struct (its texts kept in `h`, whose snapshot made it); true when
// the issue was rejected (the message is h.message).
bool fill_decision(gridroute_decision* out, HoldImpl& h, const gridroute::Issue& is, gridroute::Decision& d,
                   bool explain, bool by_number) {
  const Snapshot& s = *h.snap;
  // The ids through the index's inline accessors (the Snapshot's are calls into another unit).
  const gridroute::detail::Index& x = s.index();
  out->timezone = out_str(x.tz_name);
  if (has_11(out)) out->bundle = out_str(x.digest);
  if (!d.message.empty() || !h.message.empty()) h.message = std::move(d.message);
  out->message = out_str(h.message);
  h.json.clear();
  if (explain && d.status != gridroute::Decision::Status::rejected) {
    gridroute::LocationTrace where;  // "located" in the JSON: how the issue's location gave its cell
    if (!by_number) where = s.explain_location(is);  // a number: the location is not read
    gridroute::detail::append_decision(h.json, x, {is.id, gridroute::detail::LineId::string}, d, true,
                                       nullptr, &where);
    out->json = out_str(h.json);
  }
  if (has_11(out) && d.located) out->cell = out_str(x.unit_id_from_record(d.cell));
  switch (d.status) {
    case gridroute::Decision::Status::rejected:
      out->status = GRIDROUTE_DECISION_REJECTED;
      return true;
    case gridroute::Decision::Status::unrouted:
      out->status = GRIDROUTE_DECISION_UNROUTED;
      return false;
    case gridroute::Decision::Status::routed: break;
  }
  out->status = GRIDROUTE_DECISION_ROUTED;
  if (d.rule != gridroute::kNone) out->rule = out_str(x.rules[static_cast<std::size_t>(d.rule)].id);
  if (has_11(out)) out->fallback = d.fallback ? 1 : 0;
  out->role = out_str(x.role_name(d.role));
  out->department = out_str(x.department(d.role));
  out->handler = out_str(x.handler_id(d.handler));
  out->unit = out_str(x.unit_id_from_record(d.unit));  // one line: the id's record
  if (d.policy != gridroute::kNone) out->escalation = out_str(x.policies[static_cast<std::size_t>(d.policy)].id);
  h.lists.clear();
  for (gridroute::HandlerId a : d.alternates) h.lists.push_back(out_str(x.handler_id(a)));
  for (gridroute::HandlerId a : d.assist) h.lists.push_back(out_str(x.handler_id(a)));
  out->alternate_count = d.alternates.size();
  out->assist_count = d.assist.size();
  if (out->alternate_count) out->alternates = h.lists.data();
  if (out->assist_count) out->assist = h.lists.data() + out->alternate_count;
  out->level = d.level;
  out->respond_by = out_time(d.respond_by);
  out->resolve_by = out_time(d.resolve_by);
  return false;
}

// The scratch of gridroute_engine_route_batch, reused by the calls of one thread. Reached through a call
// of its own, once a batch: in a shared library each use of a thread_local by name looks its address up
// again (__tls_get_addr), and the batch's loops would do so several times an issue.
struct BatchScratch {
  std::vector<gridroute::Issue> issues;
  std::vector<gridroute::Decision> decisions;
  std::vector<gridroute::UnitId> cells;
  std::vector<char> numbered;
  std::vector<std::string> refused;
  std::vector<gridroute::detail::CAttrs> attrs;
};
[[gnu::noinline]] BatchScratch& batch_scratch() {
  thread_local BatchScratch scratch;
  return scratch;
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
    const bool explain = route_flags(opts) & GRIDROUTE_ROUTE_EXPLAIN;
    HoldImpl& h = hold_of(out->hold_);
    h.snap = e.engine.snapshot();
    const Snapshot& s = *h.snap;

    gridroute::Issue is;
    is.attrs.swap(h.attrs);  // reuse the attribute vector's memory
    read_issue(issue, is);
    gridroute::Decision d;
    const Number number = number_of(s, issue);
    decide_one(s, issue, is, number, explain, d);
    const bool rejected = fill_decision(out, h, is, d, explain, number == Number::current);
    is.attrs.clear();
    is.attrs.swap(h.attrs);
    if (rejected) fail(GRIDROUTE_E_REJECTED, h.message);
    return GRIDROUTE_OK;
  });
  // On a failure other than a rejection, the decision holds nothing.
  if (rc != GRIDROUTE_OK && rc != GRIDROUTE_E_REJECTED && out && known_size(out)) gridroute_decision_release(out);
  return rc;
}

int gridroute_engine_route_batch(gridroute_decision* out, const gridroute_engine* engine,
                                 const gridroute_issue* issues, size_t count, const gridroute_route_options* opts,
                                 gridroute_error** err) {
  // The arrays' strides are their first structs' sizes, so that a program built against a later header
  // (a longer struct) is read right; every struct of an array must have the size of the first.
  const std::size_t out_stride = out && count && known_size(out) ? out->struct_size : 0;
  auto decision_at = [&](std::size_t i) {
    return reinterpret_cast<gridroute_decision*>(reinterpret_cast<char*>(out) + i * out_stride);
  };
  // Each decision is cleared as it is filled, and every decision that can be walked to is released if
  // the call fails: a call that fails leaves them all released, one that succeeds all filled.
  const bool out_ok = out_stride && count <= static_cast<std::size_t>(PTRDIFF_MAX) / out_stride;
  int rc = guard(err, [&] {
    const EngineImpl& e = check_engine(engine);
    const bool explain = route_flags(opts) & GRIDROUTE_ROUTE_EXPLAIN;
    if (count == 0) return GRIDROUTE_OK;
    require(out, "out");
    require(issues, "issues");
    check_size(out, "out[0] (gridroute_decision)");
    check_count(count, out_stride, "count");
    check_size(issues, "issues[0] (gridroute_issue)");
    const std::size_t in_stride = issues->struct_size;
    check_count(count, in_stride, "count");
    auto issue_at = [&](std::size_t i) {
      return reinterpret_cast<const gridroute_issue*>(reinterpret_cast<const char*>(issues) + i * in_stride);
    };

    const std::shared_ptr<const Snapshot> snap = e.engine.snapshot();
    const Snapshot& s = *snap;
    const gridroute::detail::Index& index = s.index();
    // The batch is taken in parts of 64 issues (the core's group): a part's issues are read into the
    // scratch and routed, and the decisions of the part before are written out, by when the lines of the
    // ids they hand over (asked for after that part was routed) have arrived. Each caller's struct is
    // written once, when it is filled. The scratch holds two parts, reused by the calls of one thread,
    // whatever the batch's size.
    constexpr std::size_t kPart = 64;
    BatchScratch& scratch = batch_scratch();
    std::vector<gridroute::Issue>& is = scratch.issues;
    std::vector<gridroute::Decision>& ds = scratch.decisions;
    std::vector<gridroute::UnitId>& cells = scratch.cells;
    std::vector<char>& numbered = scratch.numbered;  // per issue: its cell is given by a current number
    std::vector<std::string>& refused = scratch.refused;  // per issue: why it is refused before routing, or ""
    // Per issue: its attributes read by the core where the caller laid them out, instead of copied into
    // its Issue (docs/performance.md, "The C batch's attributes read where the caller laid them out"). Not
    // with explanations, whose traces are the slow path anyway.
    std::vector<gridroute::detail::CAttrs>& attrs = scratch.attrs;
    if (is.size() < 2 * kPart) {
      is.resize(2 * kPart);
      ds.resize(2 * kPart);
      cells.resize(2 * kPart);
      numbered.resize(2 * kPart);
      refused.resize(2 * kPart);
      attrs.resize(2 * kPart);
    }
    // Reads issues [b, e) into the scratch from `at`; routes them.
    auto read_and_route = [&](std::size_t b, std::size_t e, std::size_t at) {
      std::size_t by_number = 0, by_text = 0;
      for (std::size_t k = b, i = at; k < e; ++k, ++i) {
        gridroute::Issue& x = is[i];
        refused[i].clear();
        cells[i] = gridroute::kNone;
        numbered[i] = 0;
        const gridroute_issue* in = issue_at(k);
        // The caller's structs and their attributes are read in turn: fetch them a few issues ahead.
        if (k + 16 < count) __builtin_prefetch(issue_at(k + 16));
        if (k + 8 < count && issue_at(k + 8)->struct_size == in_stride && issue_at(k + 8)->attr_count)
          __builtin_prefetch(issue_at(k + 8)->attrs);
        Number number = Number::none;
        try {
          if (in->struct_size != in_stride)
            fail(GRIDROUTE_E_STRUCT_SIZE, "issues[" + std::to_string(k) + "]: struct_size is " +
                                              std::to_string(in->struct_size) + ", issues[0]'s is " +
                                              std::to_string(in_stride) + ": the issues of an array are of one size");
          attrs[i] = explain ? gridroute::detail::CAttrs{} : attrs_in_place(in);
          if (attrs[i].data) read_issue_head(in, x);
          else read_issue(in, x);
          number = number_of(s, in);
          refused[i] = refusal(s, in, x, number, attrs[i].data != nullptr);
        } catch (const Failure& f) {
          refused[i] = f.message;
        }
        if (!refused[i].empty()) {
          x.id = x.category = x.cell = {};  // routed as nothing; the refusal is its answer
          x.at = gridroute::kNoInstant;
          x.attrs.clear();
          attrs[i] = {};
          x.has_location = false;
          continue;
        }
        if (number == Number::current) {
          cells[i] = in->cell_number;
          numbered[i] = 1;
          ++by_number;
        } else {
          ++by_text;
        }
      }
      const std::size_t m = e - b;
      const std::span<const gridroute::Issue> batch(is.data() + at, m);
      const std::span<gridroute::Decision> decided(ds.data() + at, m);
      // An issue routed one at a time: its attributes copied first if they were to be read in place.
      auto route_one = [&](std::size_t i) {
        if (attrs[i].data) {
          read_attrs(issue_at(b + (i - at)), is[i]);  // their shapes were checked by attrs_in_place
          attrs[i] = {};
        }
        if (numbered[i])
          ds[i] = s.route_in_cell(is[i], cells[i], explain);
        else
          s.route_into(is[i], ds[i], explain);
      };
      if (by_number == 0) {
        gridroute::detail::route_batch(index, batch, decided, explain, attrs.data() + at);
      } else if (by_text == 0) {
        gridroute::detail::route_batch_in_cells(index, batch, std::span<const gridroute::UnitId>(cells.data() + at, m),
                                                decided, explain, attrs.data() + at);
      } else {  // both kinds: one at a time
        for (std::size_t i = at; i < at + m; ++i) route_one(i);
      }
      // An issue rejected while its attributes were read in place is routed again from a copy: the core
      // words only there what is wrong with their text or types (and any other rejection is worded the
      // same either way).
      for (std::size_t i = at; i < at + m; ++i)
        if (attrs[i].data && ds[i].status == gridroute::Decision::Status::rejected) [[unlikely]]
          route_one(i);
      // The lines of the ids the decisions hand over (through their offsets), asked for now: the part is
      // written out after the next part is routed. (Asking for them 8 decisions ahead of the writing
      // measured 4% slower: the writing waited on them.)
      for (std::size_t i = at; i < at + m; ++i) {
        const gridroute::Decision& x = ds[i];
        if (x.status != gridroute::Decision::Status::routed) continue;
        __builtin_prefetch(index.unit_id_record(x.unit));  // the unit's id is handed over from its record
        __builtin_prefetch(&index.handler_ids.offsets[static_cast<std::size_t>(x.handler)]);
        for (gridroute::HandlerId a : x.alternates) __builtin_prefetch(&index.handler_ids.offsets[static_cast<std::size_t>(a)]);
        for (gridroute::HandlerId a : x.assist) __builtin_prefetch(&index.handler_ids.offsets[static_cast<std::size_t>(a)]);
      }
    };
    // Writes the decisions of issues [b, e), read into the scratch from `at`.
    auto fill = [&](std::size_t b, std::size_t e, std::size_t at) {
      for (std::size_t k = b, i = at; k < e; ++k, ++i) {
        gridroute_decision* d = decision_at(k);
        if (d->struct_size != out_stride)
          fail(GRIDROUTE_E_STRUCT_SIZE, "out[" + std::to_string(k) + "]: struct_size is " +
                                            std::to_string(d->struct_size) + ", out[0]'s is " +
                                            std::to_string(out_stride) + ": the decisions of an array are of one size");
        clear_decision(d);
        HoldImpl& h = hold_of(d->hold_);
        if (h.snap != snap) h.snap = snap;  // a decision reused on the same snapshot keeps its reference
        if (!refused[i].empty()) {
          ds[i] = gridroute::Decision{};
          ds[i].status = gridroute::Decision::Status::rejected;
          ds[i].message = std::move(refused[i]);
        }
        fill_decision(d, h, is[i], ds[i], explain, numbered[i] != 0);
      }
    };
    for (std::size_t b = 0; b < count; b += kPart) {
      const std::size_t at = (b / kPart % 2) * kPart;
      read_and_route(b, std::min(count, b + kPart), at);
      if (b > 0) fill(b - kPart, b, kPart - at);
    }
    const std::size_t last = (count - 1) / kPart * kPart;
    fill(last, count, (last / kPart % 2) * kPart);
    return GRIDROUTE_OK;
  });
  if (rc != GRIDROUTE_OK && out_ok)
    for (std::size_t i = 0; i < count; ++i)
      if (decision_at(i)->struct_size == out_stride) gridroute_decision_release(decision_at(i));
  return rc;
}

int gridroute_engine_find_units(int32_t* out_numbers, uint64_t* out_generation, const gridroute_engine* engine,
                                const gridroute_string* ids, size_t count, gridroute_error** err) {
  return guard(err, [&] {
    require(out_generation, "out_generation");
    const EngineImpl& e = check_engine(engine);
    const std::shared_ptr<const Snapshot> snap = e.engine.snapshot();
    if (count) {
      require(out_numbers, "out_numbers");
      require(ids, "ids");
      check_count(count, sizeof(gridroute_string), "count");
    }
    for (std::size_t i = 0; i < count; ++i) {
      const std::string_view id = in_str(ids[i].ptr, ids[i].len, "ids[]");
      out_numbers[i] = snap->find_unit(id);
    }
    *out_generation = snap->generation();
    return GRIDROUTE_OK;
  });
}

void gridroute_decision_release(gridroute_decision* decision) {
  guard_void([&] {
    if (!decision || !known_size(decision)) return;
    release_decision(decision);
  });
}

void gridroute_decision_release_batch(gridroute_decision* decisions, size_t count) {
  guard_void([&] {
    if (!decisions || count == 0 || !known_size(decisions)) return;
    const std::size_t stride = decisions->struct_size;
    if (count > static_cast<std::size_t>(PTRDIFF_MAX) / stride) return;  // no such array
    for (std::size_t i = 0; i < count; ++i) {
      auto* d = reinterpret_cast<gridroute_decision*>(reinterpret_cast<char*>(decisions) + i * stride);
      if (d->struct_size == stride) release_decision(d);
    }
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
      out->unit = out_str(s.index().unit_id_from_record(a.unit));
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
      if (a.located && a.cell != gridroute::kNone) out->cell = out_str(s.index().unit_id_from_record(a.cell));
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
