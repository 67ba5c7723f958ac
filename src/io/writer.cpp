// Writing answers (SPEC §4): decision and action records as JSON objects, in the contract's field order.
#include "io/writer.hpp"

#include "base/strings.hpp"
#include "base/text.hpp"
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

}  // namespace

// Every answer ends with the bundle's digest (SPEC §6.6).
void append_bundle(std::string& out, const Index& s) {
  out += ", \"bundle\": \"";
  out += s.digest;
  out += "\"}";
}

void append_decision(std::string& out, const Index& s, const LineId& id, const Decision& d, bool explain) {
  append_id(out, id);
  if (d.status == Decision::Status::rejected) {
    out += ", \"status\": \"rejected\", \"error\": ";
    append_json_string(out, d.message);
    return append_bundle(out, s);
  }
  if (d.located) {  // SPEC §7: the cell found from the location
    out += ", \"cell\": ";
    append_json_string(out, s.unit_id(d.cell));
  }
  if (d.status == Decision::Status::unrouted) {
    out += ", \"status\": \"unrouted\", \"reason\": ";
    append_json_string(out, d.message);
  } else {
    out += ", \"status\": \"routed\", \"rule\": ";
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
  if (explain) append_trace(out, s, d);
  append_bundle(out, s);
}

void append_action(std::string& out, const Index& s, const LineId& id, const Action& a, bool explain) {
  append_id(out, id);
  out += ", \"action\": ";
  append_json_string(out, to_string(a.kind));
  if (a.kind == Action::Kind::rejected) {
    out += ", \"error\": ";
    append_json_string(out, a.error);
    return append_bundle(out, s);
  }
  if (a.located) {
    out += ", \"cell\": ";
    append_json_string(out, s.unit_id(a.cell));
  }
  append(out, ", \"level\": ", a.level);
  if (a.kind == Action::Kind::dispute) {
    out += ", \"role\": null, \"handler\": null";
  } else {
    append_owner(out, s, a.role, a.handler);
    out += ", \"unit\": ";
    append_json_string(out, s.unit_id(a.unit));
  }
  const bool moves = a.kind == Action::Kind::escalate || a.kind == Action::Kind::reopen ||
                     a.kind == Action::Kind::redispatch;
  if (moves) {
    // The rule the case is under (null for the fallback owner's): a platform pins it with the new owner.
    out += ", \"rule\": ";
    if (a.rule == kNone) out += "null";
    else append_json_string(out, s.rules[static_cast<std::size_t>(a.rule)].id);
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
  }
  append_bundle(out, s);
}

}  // namespace gridroute::detail
