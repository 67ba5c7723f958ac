// Writing answers (SPEC §4): decision and action records as JSON objects, in the contract's field order.
#include "io/writer.hpp"

#include <algorithm>
#include <charconv>
#include <cstring>

#include "base/strings.hpp"
#include "base/text.hpp"
#include "base/time.hpp"
#include "base/zone.hpp"

namespace gridroute::detail {
namespace {

void append_id(std::string& out, const LineId& id) {
  out += "{\"id\": ";
  if (id.kind == LineId::null) out += "null";
  else if (id.kind == LineId::integer) out.append(id.text);
  else append_json_string(out, id.text);
}

void append_time(std::string& out, const Index& s, Instant t) {
  if (t == kNoInstant) {
    out += "null";
    return;
  }
  out.push_back('"');
  append_rfc3339(out, t, s.zone);
  out.push_back('"');
}

void append_owner(std::string& out, const Index& s, RoleKeyId role, HandlerId h) {
  out += ", \"role\": ";
  append_json_string(out, s.role_name(role));
  if (auto d = s.department(role); !d.empty()) {
    out += ", \"department\": ";
    append_json_string(out, d);
  }
  out += ", \"handler\": ";
  append_json_string(out, s.handler_id(h));
}

void append_handler_list(std::string& out, const Index& s, auto&& list) {
  out.push_back('[');
  bool first = true;
  for (HandlerId h : list) {
    if (!first) out += ", ";
    first = false;
    append_json_string(out, s.handler_id(h));
  }
  out.push_back(']');
}

std::string_view why(Verdict v) {
  switch (v) {
    case Verdict::won: return "the first applicable rule whose route resolves";
    case Verdict::not_in_scope: return "the cell is outside the rule's scope";
    case Verdict::condition_false: return "its condition does not hold";
    case Verdict::no_handler: return "no handler for any of its roles serves the cell or its ancestors";
    case Verdict::lower_priority: return "lower priority than the winner";
    case Verdict::shallower_scope: return "same priority, shallower scope than the winner";
    case Verdict::less_specific: return "same priority and scope depth, less specific category pattern";
    case Verdict::later_in_file: return "all else equal, later in rules.json than the winner";
    case Verdict::fallback: return "no rule gives an owner: the fallback owner (defaults.fallback) takes the issue";
  }
  return "";
}


// How the winner's owner was found (SPEC §3.3): the route reference that resolved (those before it
// resolved nothing), and the walk from the start unit up to the first unit served by a handler of it.
// With a severity skip the owner is the skipped-to level's, found from that level's start unit.
void append_resolution(std::string& out, const Index& s, const CompiledRule& r, const Decision& d) {
  UnitId from = d.cell;
  out += ", \"owner\": {";
  // The severity skip (SPEC §3.5), taken or declined, in words.
  auto skip_text = [&](const CompiledPolicy& p, bool taken) {
    const CompiledLevel& lv = p.levels[static_cast<std::size_t>(p.skip_to_level)];
    std::string t = cat("severity at least ", p.skip_at_least, " (severity_skip of policy '", p.id, "')");
    if (taken) append(t, ": the owner is found at level ", p.skip_to_level, " (", lv.name, ")");
    else append(t, ", but level ", p.skip_to_level, " (", lv.name, ") resolves no handler for the cell: the issue stays at level 0");
    return t;
  };
  if (d.level > 0 && d.policy != kNone) {
    const CompiledPolicy& p = s.policies[d.policy];
    const CompiledLevel& lv = p.levels[static_cast<std::size_t>(d.level)];
    append(out, "\"level\": ", d.level, ", \"skip\": ");
    append_json_string(out, skip_text(p, true));
    out += ", ";
    from = s.ancestor_at_tier(d.cell, lv.tier);
  } else {
    if (d.skip_declined && d.policy != kNone) {
      out += "\"skip\": ";
      append_json_string(out, skip_text(s.policies[d.policy], false));
      out += ", ";
    }
    out += "\"tried\": [";
    bool first = true;
    for (RoleKeyId k : r.route) {
      if (k == d.role) break;
      if (!first) out += ", ";
      first = false;
      append_json_string(out, s.role_key_label(k));
    }
    out += "], ";
  }
  out += "\"reference\": ";
  append_json_string(out, s.role_key_label(d.role));
  out += ", \"from\": ";
  append_json_string(out, s.unit_id(from));
  out += ", \"passed\": [";  // the units below the owner's where no handler of the reference serves
  bool first = true;
  for (UnitId u = from; u != kNone && u != d.unit; u = s.hot[static_cast<std::size_t>(u)].parent) {
    if (!first) out += ", ";
    first = false;
    append_json_string(out, s.unit_id(u));
  }
  out += "], \"at\": ";
  append_json_string(out, s.unit_id(d.unit));
  out.push_back('}');
}

// How the winner's deadlines were counted (SPEC §3.4): the durations of the level, the calendar and
// where it came from (the rule's, the owner's, defaults.calendar). And each of the rule's assist
// references (SPEC §3.3): the handler it gave, or why it gave none.
void append_deadlines_and_assists(std::string& out, const Index& s, const CompiledRule& r, const Decision& d) {
  const CompiledPolicy* p = d.policy == kNone ? nullptr : &s.policies[d.policy];
  const bool level0 = d.level == 0 || !p;
  const std::optional<Duration>& rd = level0 ? r.respond : p->levels[static_cast<std::size_t>(d.level)].respond;
  const std::optional<Duration>& sd = level0 ? r.resolve : p->levels[static_cast<std::size_t>(d.level)].resolve;
  out += ", \"deadlines\": {\"respond\": ";
  if (rd) append_json_string(out, to_string(*rd));
  else out += "null";
  out += ", \"resolve\": ";
  if (sd) append_json_string(out, to_string(*sd));
  else out += "null";
  out += ", \"sla\": ";
  append_json_string(out, level0 ? std::string("the rule's sla, else defaults.sla")
                                  : cat("level ", d.level, " (", p->levels[static_cast<std::size_t>(d.level)].name,
                                        ")'s respond and resolve, else defaults.sla"));
  const Calendar& cal = s.level_calendar(r, level0 ? 0 : d.level, d.handler);
  out += ", \"calendar\": ";
  append_json_string(out, cal.id());
  out += ", \"calendar_from\": ";
  append_json_string(out, level0 && r.calendar != kNone                                   ? "the rule"
                          : d.handler != kNone && s.handler_calendar[d.handler] != kNone ? "the owner"
                          : &cal == &s.calendars[s.default_calendar] && cal.id() == "(always)"
                              ? "no calendar given: every hour of every day"
                              : "defaults.calendar");
  out += "}, \"assists\": [";
  std::vector<HandlerId> listed;
  bool first = true;
  for (RoleKeyId k : r.assist) {
    if (!first) out += ", ";
    first = false;
    out += "{\"reference\": ";
    append_json_string(out, s.role_key_label(k));
    const Resolution res = s.resolve(k, d.cell);
    out += ", \"handler\": ";
    if (!res) {
      out += "null, \"why\": \"no handler of it serves the cell or its ancestors\"}";
      continue;
    }
    append_json_string(out, s.handler_id(res.owner));
    if (res.owner == d.handler) out += ", \"why\": \"the owner: left out\"";
    else if (std::find(listed.begin(), listed.end(), res.owner) != listed.end()) out += ", \"why\": \"listed already\"";
    else listed.push_back(res.owner);
    out.push_back('}');
  }
  out += "]";
}

// The `--explain` trace: every rule considered, in winning order, and why each lost.
void append_trace(std::string& out, const Index& s, const Decision& d) {
  out += ", \"trace\": [";
  bool first = true;
  for (const TraceEntry& t : d.trace) {
    if (!first) out += ", ";
    first = false;
    if (t.rule == kNone) {  // the fallback owner
      out += "{\"rule\": null, \"verdict\": ";
      append_json_string(out, to_string(t.verdict));
      out += ", \"handler\": ";
      append_json_string(out, s.handler_id(d.handler));
      out += ", \"why\": ";
      append_json_string(out, why(t.verdict));
      out.push_back('}');
      continue;
    }
    const CompiledRule& r = s.rules[t.rule];
    out += "{\"rule\": ";
    append_json_string(out, r.id);
    out += ", \"verdict\": ";
    append_json_string(out, to_string(t.verdict));
    append(out, ", \"priority\": ", r.priority, ", \"scope\": ");
    append_json_string(out, s.unit_id(r.scope));
    append(out, ", \"scope_depth\": ", r.scope_depth, ", \"pattern\": ");
    append_json_string(out, r.patterns[static_cast<std::size_t>(t.pattern)]);
    if (t.verdict == Verdict::no_handler) {
      out += ", \"tried\": [";
      for (std::size_t k = 0; k < r.route.size(); ++k) {
        if (k) out += ", ";
        append_json_string(out, s.role_key_label(r.route[k]));
      }
      out += "]";
    }
    if (t.verdict == Verdict::won && d.status == Decision::Status::routed) {
      append_resolution(out, s, r, d);
      append_deadlines_and_assists(out, s, r, d);
    }
    out += ", \"why\": ";
    append_json_string(out, why(t.verdict));
    if (!t.why_not.empty()) {
      out += ", \"why_not\": ";
      append_json_string(out, t.why_not);
    }
    out.push_back('}');
  }
  out += "]";
}

// Metres with centimetres, as a JSON number.
void append_meters(std::string& out, double m) {
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof buf, m, std::chars_format::fixed, 2);
  out.append(buf, r.ec == std::errc() ? r.ptr : buf);
}

// snap_meters as jurisdiction.json gives it (the shortest text of its value: 30, 12.5).
void append_setting(std::string& out, double v) {
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, r.ec == std::errc() ? r.ptr : buf);
}

// `--explain`: how the location gave its cell (SPEC §7), or why it gave none.
void append_where(std::string& out, const Index& s, const LocationTrace* w) {
  using How = LocationTrace::How;
  if (!w || w->how == How::none) return;
  out += ", \"located\": {\"how\": ";
  switch (w->how) {
    case How::inside:
      out += "\"inside\", \"also_inside\": [";
      for (std::size_t i = 0; i < w->also_inside.size(); ++i) {
        if (i) out += ", ";
        append_json_string(out, s.unit_id(w->also_inside[i]));
      }
      out += "], \"why\": \"the first Feature, in file order, whose polygon holds the point\"";
      break;
    case How::snapped:
      out += "\"snapped\", \"meters\": ";
      append_meters(out, w->meters);
      out += ", \"snap_meters\": ";
      append_setting(out, s.snap_meters);
      out += ", \"others\": [";
      for (std::size_t i = 0; i < w->others.size(); ++i) {
        if (i) out += ", ";
        out += "{\"cell\": ";
        append_json_string(out, s.unit_id(w->others[i].first));
        out += ", \"meters\": ";
        append_meters(out, w->others[i].second);
        out.push_back('}');
      }
      out += "], \"why\": \"no polygon holds the point; the cell whose boundary is nearest, within snap_meters\"";
      break;
    default:
      out += "\"outside\", \"nearest\": ";
      if (w->nearest == kNone) {
        out += "null";
      } else {
        append_json_string(out, s.unit_id(w->nearest));
        out += ", \"meters\": ";
        append_meters(out, w->meters);
      }
      out += ", \"snap_meters\": ";
      append_setting(out, s.snap_meters);
      if (w->swapped != kNone) {  // the point read as [latitude, longitude] would be in a cell
        out += ", \"swapped\": ";
        append_json_string(out, s.unit_id(w->swapped));
      }
      out += w->nearest == kNone ? ", \"why\": \"no polygon holds the point, and no boundary is within 100 km\""
                                 : ", \"why\": \"no polygon holds the point, and the nearest boundary is farther than snap_meters\"";
      break;
  }
  out.push_back('}');
}

}  // namespace

// Every answer ends with the bundle's digest (SPEC §6.6).
void append_bundle(std::string& out, const Index& s) {
  out += ", \"bundle\": \"";
  out += s.digest;
  out += "\"}";
}

namespace {

// The usual routed decision, written through a cursor into room made once: the general path's string
// appends cost a capacity check and a call each, twenty-odd times a line. The same bytes as the general
// path (FastPaths.DecisionWriterAgreesWithTheGeneralOne).
class Cursor {
 public:
  Cursor(char* p, Rfc3339Memo* times) : p_(p), times_(times) {}
  template <std::size_t N>
  void lit(const char (&s)[N]) {
    std::memcpy(p_, s, N - 1);
    p_ += N - 1;
  }
  void raw(std::string_view s) {
    std::memcpy(p_, s.data(), s.size());
    p_ += s.size();
  }
  // A JSON string: copied as it is when no byte needs escaping, else through append_json_string.
  void str(std::string_view s) {
    if (plain_json_prefix(s) == s.size()) {
      *p_++ = '"';
      raw(s);
      *p_++ = '"';
    } else {
      std::string escaped;
      append_json_string(escaped, s);
      raw(escaped);
    }
  }
  // A name the loader restricts to characters JSON takes as they are (unit and handler ids:
  // [A-Za-z0-9._:-], checked again when a compiled file is opened; the engine's own words): quoted, not
  // scanned.
  void name(std::string_view s) {
    *p_++ = '"';
    raw(s);
    *p_++ = '"';
  }
  void time(Instant t, const Zone& z) {
    if (t == kNoInstant) return lit("null");
    *p_++ = '"';
    p_ = times_ ? times_->put(p_, t, z) : put_rfc3339(p_, t, z);
    *p_++ = '"';
  }
  void list(const Index& s, auto&& handlers) {
    *p_++ = '[';
    bool first = true;
    for (HandlerId h : handlers) {
      if (!first) lit(", ");
      first = false;
      name(s.handler_id(h));
    }
    *p_++ = ']';
  }
  char* end() const { return p_; }

 private:
  char* p_;
  Rfc3339Memo* times_;
};

// Room for a JSON string of `s` at its longest (every byte escaped as \u00XX) and its quotes.
std::size_t room(std::string_view s) { return 6 * s.size() + 2; }

void put_id(Cursor& c, const LineId& id) {
  c.lit("{\"id\": ");
  if (id.kind == LineId::null) c.lit("null");
  else if (id.kind == LineId::integer) c.raw(id.text);
  else c.str(id.text);
}

void put_int(Cursor& c, int v) {
  char digits[16];
  const auto [end, ec] = std::to_chars(digits, digits + sizeof digits, v);
  c.raw(std::string_view(digits, static_cast<std::size_t>(end - digits)));
}

void append_routed(std::string& out, const Index& s, const LineId& id, const Decision& d, Rfc3339Memo* times) {
  const std::string_view rule = s.rules[d.rule].id, role = s.role_name(d.role), dept = s.department(d.role),
                         handler = s.handler_id(d.handler), unit = s.unit_id_from_record(d.unit);
  std::size_t need = 400 + room(id.text) + room(rule) + room(role) + room(dept) + room(handler) + room(unit) +
                     s.digest.size() + 2 * kMaxRfc3339;
  if (d.located) need += room(s.unit_id_from_record(d.cell));
  for (HandlerId h : d.alternates) need += room(s.handler_id(h)) + 2;
  for (HandlerId h : d.assist) need += room(s.handler_id(h)) + 2;
  if (d.policy != kNone) need += room(s.policies[d.policy].id);
  const std::size_t at = out.size();
  out.resize(at + need);
  Cursor c(out.data() + at, times);
  put_id(c, id);
  c.lit(", \"status\": \"routed\"");
  if (d.located) {  // SPEC §7: the cell found from the location, after the status
    c.lit(", \"cell\": ");
    c.name(s.unit_id_from_record(d.cell));
  }
  c.lit(", \"rule\": ");
  c.str(rule);
  c.lit(", \"role\": ");
  c.str(role);
  if (!dept.empty()) {
    c.lit(", \"department\": ");
    c.str(dept);
  }
  c.lit(", \"handler\": ");
  c.name(handler);
  c.lit(", \"unit\": ");
  c.name(unit);
  c.lit(", \"alternates\": ");
  c.list(s, d.alternates);
  c.lit(", \"assist\": ");
  c.list(s, d.assist);
  c.lit(", \"level\": ");
  put_int(c, d.level);
  c.lit(", \"escalation\": ");
  if (d.policy == kNone) c.lit("null");
  else c.str(s.policies[d.policy].id);
  c.lit(", \"respond_by\": ");
  c.time(d.respond_by, s.zone);
  c.lit(", \"resolve_by\": ");
  c.time(d.resolve_by, s.zone);
  c.lit(", \"bundle\": \"");
  c.raw(s.digest);
  c.lit("\"}");
  out.resize(static_cast<std::size_t>(c.end() - out.data()));
}

// An action other than a rejected line, without its trace: the same bytes as the general path.
void append_action_fast(std::string& out, const Index& s, const LineId& id, const Action& a, Rfc3339Memo* times) {
  const bool owner = a.kind != Action::Kind::dispute;
  const bool moves = a.kind == Action::Kind::escalate || a.kind == Action::Kind::reopen ||
                     a.kind == Action::Kind::redispatch;
  std::size_t need = 500 + room(id.text) + s.digest.size() + 3 * kMaxRfc3339;
  if (a.located) need += room(s.unit_id_from_record(a.cell));
  if (owner) need += room(s.role_name(a.role)) + room(s.department(a.role)) + room(s.handler_id(a.handler)) +
                     room(s.unit_id_from_record(a.unit));
  // The rule: on an answer that moves the case, and on one that re-pins it (SPEC §6.1), so that the
  // platform pins the case again.
  const bool names_rule = moves || a.repinned;
  if (names_rule && a.rule != kNone) need += room(s.rules[static_cast<std::size_t>(a.rule)].id);
  if (moves)
    for (HandlerId h : a.assist) need += room(s.handler_id(h)) + 2;
  const std::size_t at = out.size();
  out.resize(at + need);
  Cursor c(out.data() + at, times);
  put_id(c, id);
  c.lit(", \"action\": ");
  c.name(to_string(a.kind));
  if (a.located) {
    c.lit(", \"cell\": ");
    c.name(s.unit_id_from_record(a.cell));
  }
  c.lit(", \"level\": ");
  put_int(c, a.level);
  if (!owner) {
    c.lit(", \"handler\": null, \"role\": null, \"unit\": null");
  } else {
    c.lit(", \"handler\": ");
    c.name(s.handler_id(a.handler));
    c.lit(", \"role\": ");
    c.str(s.role_name(a.role));
    if (const std::string_view d = s.department(a.role); !d.empty()) {
      c.lit(", \"department\": ");
      c.str(d);
    }
    c.lit(", \"unit\": ");
    c.name(s.unit_id_from_record(a.unit));
  }
  if (names_rule) {
    c.lit(", \"rule\": ");
    if (a.rule == kNone) c.lit("null");
    else c.str(s.rules[static_cast<std::size_t>(a.rule)].id);
  }
  if (moves) {
    c.lit(", \"assist\": ");
    c.list(s, a.assist);
  }
  c.lit(", \"reasons\": [");
  bool first = true;
  for (Reason r : {Reason::missed_respond, Reason::missed_resolve, Reason::repeat_reports, Reason::low_rating,
                   Reason::returned}) {
    if (!(a.reasons & static_cast<std::uint8_t>(r))) continue;
    if (!first) c.lit(", ");
    first = false;
    c.name(to_string(r));
  }
  c.lit("]");
  if (a.kind == Action::Kind::hold || a.kind == Action::Kind::suspended) {
    c.lit(", \"next_check\": ");
    c.time(a.next_check, s.zone);
  } else if (moves) {
    c.lit(", \"respond_by\": ");
    c.time(a.respond_by, s.zone);
    c.lit(", \"resolve_by\": ");
    c.time(a.resolve_by, s.zone);
  }
  if (a.repinned) c.lit(", \"repinned\": true");
  c.lit(", \"bundle\": \"");
  c.raw(s.digest);
  c.lit("\"}");
  out.resize(static_cast<std::size_t>(c.end() - out.data()));
}

}  // namespace

void append_decision(std::string& out, const Index& s, const LineId& id, const Decision& d, bool explain,
                     Rfc3339Memo* times, const LocationTrace* where) {
  if (!explain && d.status == Decision::Status::routed && !d.fallback) return append_routed(out, s, id, d, times);
  append_general(out, s, id, d, explain, where);
}

void append_general(std::string& out, const Index& s, const LineId& id, const Decision& d, bool explain,
                    const LocationTrace* where) {
  append_id(out, id);
  if (d.status == Decision::Status::rejected) {
    out += ", \"status\": \"rejected\", \"error\": ";
    append_json_string(out, d.message);
    if (explain) append_where(out, s, where);
    return append_bundle(out, s);
  }
  out += d.status == Decision::Status::unrouted ? ", \"status\": \"unrouted\"" : ", \"status\": \"routed\"";
  if (d.located) {  // SPEC §7: the cell found from the location, after the status
    out += ", \"cell\": ";
    append_json_string(out, s.unit_id(d.cell));
  }
  if (d.status == Decision::Status::unrouted) {
    out += ", \"reason\": ";
    append_json_string(out, d.message);
  } else {
    out += ", \"rule\": ";
    if (d.fallback) out += "null, \"fallback\": true";
    else append_json_string(out, s.rules[d.rule].id);
    append_owner(out, s, d.role, d.handler);
    out += ", \"unit\": ";
    append_json_string(out, s.unit_id(d.unit));
    out += ", \"alternates\": ";
    append_handler_list(out, s, d.alternates);
    out += ", \"assist\": ";
    append_handler_list(out, s, d.assist);
    append(out, ", \"level\": ", d.level, ", \"escalation\": ");
    if (d.policy == kNone) out += "null";
    else append_json_string(out, s.policies[d.policy].id);
    out += ", \"respond_by\": ";
    append_time(out, s, d.respond_by);
    out += ", \"resolve_by\": ";
    append_time(out, s, d.resolve_by);
  }
  if (explain) {
    append_trace(out, s, d);
    append_where(out, s, where);
  }
  append_bundle(out, s);
}

void append_action(std::string& out, const Index& s, const LineId& id, const Action& a, bool explain,
                   Rfc3339Memo* times, const LocationTrace* where) {
  if (!explain && a.kind != Action::Kind::rejected) return append_action_fast(out, s, id, a, times);
  append_action_general(out, s, id, a, explain, where);
}

void append_action_general(std::string& out, const Index& s, const LineId& id, const Action& a, bool explain,
                           const LocationTrace* where) {
  append_id(out, id);
  out += ", \"action\": ";
  append_json_string(out, to_string(a.kind));
  if (a.kind == Action::Kind::rejected) {
    out += ", \"error\": ";
    append_json_string(out, a.error);
    if (explain) append_where(out, s, where);
    return append_bundle(out, s);
  }
  if (a.located) {
    out += ", \"cell\": ";
    append_json_string(out, s.unit_id(a.cell));
  }
  append(out, ", \"level\": ", a.level);
  // An action names its owner as SPEC §4 and §6 write it: "level", "handler", "role", ["department"].
  if (a.kind == Action::Kind::dispute) {
    out += ", \"handler\": null, \"role\": null, \"unit\": null";
  } else {
    out += ", \"handler\": ";
    append_json_string(out, s.handler_id(a.handler));
    out += ", \"role\": ";
    append_json_string(out, s.role_name(a.role));
    if (auto d = s.department(a.role); !d.empty()) {
      out += ", \"department\": ";
      append_json_string(out, d);
    }
    out += ", \"unit\": ";
    append_json_string(out, s.unit_id(a.unit));
  }
  const bool moves = a.kind == Action::Kind::escalate || a.kind == Action::Kind::reopen ||
                     a.kind == Action::Kind::redispatch;
  if (moves || a.repinned) {
    // The rule the case is under (null for the fallback owner's): a platform pins it with the new owner,
    // and again when the answer re-pins the case (SPEC §6.1), whatever its action.
    out += ", \"rule\": ";
    if (a.rule == kNone) out += "null";
    else append_json_string(out, s.rules[static_cast<std::size_t>(a.rule)].id);
  }
  if (moves) {
    out += ", \"assist\": ";
    append_handler_list(out, s, a.assist);
  }
  out += ", \"reasons\": [";
  bool first = true;
  for (Reason r : {Reason::missed_respond, Reason::missed_resolve, Reason::repeat_reports, Reason::low_rating,
                   Reason::returned}) {
    if (!(a.reasons & static_cast<std::uint8_t>(r))) continue;
    if (!first) out += ", ";
    first = false;
    append_json_string(out, to_string(r));
  }
  out += "]";
  if (a.kind == Action::Kind::hold || a.kind == Action::Kind::suspended) {
    out += ", \"next_check\": ";
    append_time(out, s, a.next_check);
  } else if (moves) {
    out += ", \"respond_by\": ";
    append_time(out, s, a.respond_by);
    out += ", \"resolve_by\": ";
    append_time(out, s, a.resolve_by);
  }
  if (a.repinned) out += ", \"repinned\": true";
  if (explain) {
    out += ", \"trace\": [";
    for (std::size_t i = 0; i < a.trace.size(); ++i) {
      if (i) out += ", ";
      append_json_string(out, a.trace[i]);
    }
    out += "]";
    append_where(out, s, where);
  }
  append_bundle(out, s);
}

}  // namespace gridroute::detail
