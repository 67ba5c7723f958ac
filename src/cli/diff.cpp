// Comparing two bundles' answers (see diff.hpp).
#include "cli/diff.hpp"

#include <algorithm>

#include "base/strings.hpp"

namespace gridroute::cli {
namespace json = boost::json;
using detail::append;
using detail::cat;

namespace {

constexpr FieldSet bit(std::size_t i) { return FieldSet{1} << i; }

template <std::size_t N>
constexpr std::size_t index_of(const std::string_view (&names)[N], std::string_view name) {
  for (std::size_t i = 0; i < N; ++i)
    if (names[i] == name) return i;
  return N;
}
constexpr FieldSet D(std::string_view name) { return bit(index_of(kDecisionFields, name)); }
constexpr FieldSet A(std::string_view name) { return bit(index_of(kActionFields, name)); }

std::string_view rule_id(const Snapshot& s, RuleId r) { return r == kNone ? std::string_view() : s.rule_id(r); }
std::string_view role_of(const Snapshot& s, RoleKeyId k) { return k == kNone ? std::string_view() : s.role_name(k); }
std::string_view dept_of(const Snapshot& s, RoleKeyId k) { return k == kNone ? std::string_view() : s.department(k); }
std::string_view handler_of(const Snapshot& s, HandlerId h) { return h == kNone ? std::string_view() : s.handler_id(h); }
std::string_view unit_of(const Snapshot& s, UnitId u) { return u == kNone ? std::string_view() : s.unit_id(u); }
std::string_view policy_of(const Snapshot& s, PolicyId p) { return p == kNone ? std::string_view() : s.policy_id(p); }

template <class A, class B>
bool same_handlers(const Snapshot& sa, const Snapshot& sb, const A& a, const B& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (sa.handler_id(a[i]) != sb.handler_id(b[i])) return false;
  return true;
}

std::string_view status_label(Decision::Status st) {
  return st == Decision::Status::unrouted ? "(unrouted)" : "(rejected)";
}

}  // namespace

FieldSet compare(const Snapshot& sa, const Snapshot& sb, const Decision& a, const Decision& b) {
  FieldSet f = 0;
  if (a.status != b.status) f |= D("status");
  const bool ra = a.status == Decision::Status::routed, rb = b.status == Decision::Status::routed;
  if (ra || rb) {
    if (rule_id(sa, ra ? a.rule : kNone) != rule_id(sb, rb ? b.rule : kNone)) f |= D("rule");
    if ((ra && a.fallback) != (rb && b.fallback)) f |= D("fallback");
    if (role_of(sa, ra ? a.role : kNone) != role_of(sb, rb ? b.role : kNone)) f |= D("role");
    if (dept_of(sa, ra ? a.role : kNone) != dept_of(sb, rb ? b.role : kNone)) f |= D("department");
    if (handler_of(sa, ra ? a.handler : kNone) != handler_of(sb, rb ? b.handler : kNone)) f |= D("handler");
    if (unit_of(sa, ra ? a.unit : kNone) != unit_of(sb, rb ? b.unit : kNone)) f |= D("unit");
    if (!ra || !rb) {
      if ((ra && !a.alternates.empty()) || (rb && !b.alternates.empty())) f |= D("alternates");
      if ((ra && !a.assist.empty()) || (rb && !b.assist.empty())) f |= D("assist");
    } else {
      if (!same_handlers(sa, sb, a.alternates, b.alternates)) f |= D("alternates");
      if (!same_handlers(sa, sb, a.assist, b.assist)) f |= D("assist");
    }
    if ((ra ? a.level : 0) != (rb ? b.level : 0)) f |= D("level");
    if (policy_of(sa, ra ? a.policy : kNone) != policy_of(sb, rb ? b.policy : kNone)) f |= D("escalation");
    if ((ra ? a.respond_by : kNoInstant) != (rb ? b.respond_by : kNoInstant)) f |= D("respond_by");
    if ((ra ? a.resolve_by : kNoInstant) != (rb ? b.resolve_by : kNoInstant)) f |= D("resolve_by");
  }
  // The cell a record writes: the one found from a location (SPEC §7), unless the line was rejected.
  auto cell = [](const Snapshot& s, const Decision& d) {
    return d.located && d.status != Decision::Status::rejected ? unit_of(s, d.cell) : std::string_view();
  };
  if (cell(sa, a) != cell(sb, b)) f |= D("cell");
  const bool ua = a.status == Decision::Status::unrouted, ub = b.status == Decision::Status::unrouted;
  if ((ua || ub) && (ua ? std::string_view(a.message) : "") != (ub ? std::string_view(b.message) : "")) f |= D("reason");
  const bool ja = a.status == Decision::Status::rejected, jb = b.status == Decision::Status::rejected;
  if ((ja || jb) && (ja ? std::string_view(a.message) : "") != (jb ? std::string_view(b.message) : "")) f |= D("error");
  return f;
}

FieldSet compare(const Snapshot& sa, const Snapshot& sb, const Action& a, const Action& b) {
  using K = Action::Kind;
  FieldSet f = 0;
  if (a.kind != b.kind) f |= A("action");
  const bool ja = a.kind == K::rejected, jb = b.kind == K::rejected;
  if (ja || jb) {
    if ((ja ? std::string_view(a.error) : "") != (jb ? std::string_view(b.error) : "")) f |= A("error");
    if (ja && jb) return f;
  }
  // What a record carries for its kind (io/writer): an owner unless rejected or disputed; the rule and
  // assists when the case moves; next_check for hold and suspended; the new deadlines when it moves.
  auto owner = [](const Action& x) { return x.kind != K::rejected && x.kind != K::dispute; };
  auto moves = [](const Action& x) { return x.kind == K::escalate || x.kind == K::reopen || x.kind == K::redispatch; };
  auto checks = [](const Action& x) { return x.kind == K::hold || x.kind == K::suspended; };
  auto cell = [](const Snapshot& s, const Action& x) {
    return x.located && x.kind != K::rejected ? unit_of(s, x.cell) : std::string_view();
  };
  if (cell(sa, a) != cell(sb, b)) f |= A("cell");
  if ((ja ? 0 : a.level) != (jb ? 0 : b.level)) f |= A("level");
  if (role_of(sa, owner(a) ? a.role : kNone) != role_of(sb, owner(b) ? b.role : kNone)) f |= A("role");
  if (dept_of(sa, owner(a) ? a.role : kNone) != dept_of(sb, owner(b) ? b.role : kNone)) f |= A("department");
  if (handler_of(sa, owner(a) ? a.handler : kNone) != handler_of(sb, owner(b) ? b.handler : kNone)) f |= A("handler");
  if (unit_of(sa, owner(a) ? a.unit : kNone) != unit_of(sb, owner(b) ? b.unit : kNone)) f |= A("unit");
  if (moves(a) != moves(b)) {
    // One side writes the rule and the assists, the other neither: the rule is the case's either way,
    // and an absent list of co-handlers is an empty one (as compare_jsonl.py reads it).
    if ((moves(a) && !a.assist.empty()) || (moves(b) && !b.assist.empty())) f |= A("assist");
    if (rule_id(sa, a.rule) != rule_id(sb, b.rule)) f |= A("rule");
  } else if (moves(a)) {
    if (rule_id(sa, a.rule) != rule_id(sb, b.rule)) f |= A("rule");
    if (!same_handlers(sa, sb, a.assist, b.assist)) f |= A("assist");
  }
  if ((ja ? 0 : a.reasons) != (jb ? 0 : b.reasons)) f |= A("reasons");
  if ((checks(a) ? a.next_check : kNoInstant) != (checks(b) ? b.next_check : kNoInstant) || checks(a) != checks(b))
    f |= A("next_check");
  if ((moves(a) ? a.respond_by : kNoInstant) != (moves(b) ? b.respond_by : kNoInstant)) f |= A("respond_by");
  if ((moves(a) ? a.resolve_by : kNoInstant) != (moves(b) ? b.resolve_by : kNoInstant)) f |= A("resolve_by");
  if ((!ja && a.repinned) != (!jb && b.repinned)) f |= A("repinned");
  return f;
}

void append_changed(std::string& out, FieldSet f, const std::string_view* names, std::size_t count) {
  out += "\"changed\": [";
  bool first = true;
  for (std::size_t i = 0; i < count; ++i) {
    if (!(f & bit(i))) continue;
    append(out, first ? "\"" : ", \"", names[i], "\"");
    first = false;
  }
  out += "]";
}

void Moves::add(std::string_view from, std::string_view to) {
  ++counts_[{std::string(from), std::string(to)}];
  ++total_;
}

std::vector<Moves::Move> Moves::largest_first() const {
  std::vector<Move> out;
  out.reserve(counts_.size());
  for (const auto& [k, n] : counts_) out.push_back({k.first, k.second, n});
  std::sort(out.begin(), out.end(), [](const Move& a, const Move& b) {
    if (a.count != b.count) return a.count > b.count;
    return a.from != b.from ? a.from < b.from : a.to < b.to;
  });
  return out;
}

std::string duration_text(std::int64_t seconds) {
  if (seconds == 0) return "0";
  std::string out = seconds < 0 ? "-" : "";
  std::uint64_t s = static_cast<std::uint64_t>(seconds < 0 ? -seconds : seconds);
  bool any = false;
  auto part = [&](std::uint64_t v, const char* unit) {
    if (!v) return;
    append(out, any ? " " : "", v, unit);
    any = true;
  };
  part(s / 86400, "d");
  part(s % 86400 / 3600, "h");
  part(s % 3600 / 60, "m");
  part(s % 60, "s");
  return out;
}

void Shift::add(Instant a, Instant b) {
  if (a == b) return;
  if (a == kNoInstant) ++appeared;
  else if (b == kNoInstant) ++vanished;
  else if (b < a) {
    ++earlier;
    max_earlier = std::max(max_earlier, (a - b) / kMicrosPerSecond);
  } else {
    ++later;
    max_later = std::max(max_later, (b - a) / kMicrosPerSecond);
  }
}

std::string handler_label(const Snapshot& s, const Decision& d) {
  if (d.status != Decision::Status::routed) return std::string(status_label(d.status));
  return std::string(s.handler_id(d.handler));
}

std::string rule_label(const Snapshot& s, const Decision& d) {
  if (d.status != Decision::Status::routed) return std::string(status_label(d.status));
  if (d.fallback || d.rule == kNone) return "(fallback)";
  return std::string(s.rule_id(d.rule));
}

std::string tier_label(const Snapshot& s, const Decision& d) {
  if (d.status != Decision::Status::routed) return std::string(status_label(d.status));
  return std::string(s.unit_tier(d.unit));
}

std::string handler_label(const Snapshot& s, const Action& a) {
  if (a.kind == Action::Kind::rejected) return "(rejected)";
  if (a.kind == Action::Kind::dispute || a.handler == kNone) return "(nobody)";
  return std::string(s.handler_id(a.handler));
}

void DiffSummary::add_decision(const Snapshot& sa, const Snapshot& sb, const Decision& a, const Decision& b, FieldSet f) {
  ++changed;
  for (std::size_t i = 0; i < kDecisionFieldCount; ++i) field_counts[i] += (f & bit(i)) != 0;
  if (f & (D("handler") | D("status"))) handler.add(handler_label(sa, a), handler_label(sb, b));
  if (f & (D("rule") | D("status") | D("fallback"))) rule.add(rule_label(sa, a), rule_label(sb, b));
  if (f & (D("unit") | D("status"))) {
    std::string ta = tier_label(sa, a), tb = tier_label(sb, b);
    if (ta != tb) tier.add(ta, tb);
  }
  const bool ra = a.status == Decision::Status::routed, rb = b.status == Decision::Status::routed;
  if (f & D("respond_by")) respond_by.add(ra ? a.respond_by : kNoInstant, rb ? b.respond_by : kNoInstant);
  if (f & D("resolve_by")) resolve_by.add(ra ? a.resolve_by : kNoInstant, rb ? b.resolve_by : kNoInstant);
}

void DiffSummary::add_action(const Snapshot& sa, const Snapshot& sb, const Action& a, const Action& b, FieldSet f) {
  ++cases_changed;
  for (std::size_t i = 0; i < kActionFieldCount; ++i) action_field_counts[i] += (f & bit(i)) != 0;
  if (f & A("action")) action.add(to_string(a.kind), to_string(b.kind));
  if (f & A("handler")) action_handler.add(handler_label(sa, a), handler_label(sb, b));
}

namespace {

void moves_text(std::string& out, std::string_view title, const Moves& m, std::size_t max) {
  if (m.total() == 0) return;
  append(out, "  ", title, " (old -> new: lines, largest first):\n");
  auto all = m.largest_first();
  std::size_t shown = 0, rest = 0;
  for (const auto& mv : all) {
    if (shown == max) {
      rest += mv.count;
      continue;
    }
    ++shown;
    std::string n = std::to_string(mv.count);
    append(out, "    ", std::string(n.size() < 8 ? 8 - n.size() : 0, ' '), n, "  ", mv.from, " -> ", mv.to, "\n");
  }
  if (shown < all.size()) append(out, "    ... and ", all.size() - shown, " more moves (", rest, " lines)\n");
}

void fields_text(std::string& out, const std::size_t* counts, const std::string_view* names, std::size_t n) {
  std::string list;
  for (std::size_t i = 0; i < n; ++i)
    if (counts[i]) append(list, list.empty() ? "" : ", ", names[i], " ", counts[i]);
  if (!list.empty()) append(out, "  fields changed: ", list, "\n");
}

void shift_text(std::string& out, std::string_view name, const Shift& s) {
  append(out, name, " ", s.earlier, " earlier");
  if (s.earlier) append(out, " (by up to ", duration_text(s.max_earlier), ")");
  append(out, ", ", s.later, " later");
  if (s.later) append(out, " (by up to ", duration_text(s.max_later), ")");
  if (s.appeared) append(out, ", ", s.appeared, " new");
  if (s.vanished) append(out, ", ", s.vanished, " gone");
}

json::array moves_json(const Moves& m, std::size_t max, std::size_t& left_out) {
  json::array a;
  left_out = 0;
  for (const auto& mv : m.largest_first()) {
    if (a.size() == max) {
      ++left_out;
      continue;
    }
    a.push_back(json::object{{"from", mv.from}, {"to", mv.to}, {"count", mv.count}});
  }
  return a;
}

json::object shift_json(const Shift& s) {
  return {{"earlier", s.earlier},         {"later", s.later},        {"appeared", s.appeared},
          {"vanished", s.vanished},       {"max_earlier_seconds", s.max_earlier}, {"max_later_seconds", s.max_later}};
}

json::object fields_json(const std::size_t* counts, const std::string_view* names, std::size_t n) {
  json::object o;
  for (std::size_t i = 0; i < n; ++i)
    if (counts[i]) o[names[i]] = counts[i];
  return o;
}

}  // namespace

std::string DiffSummary::text(std::size_t max_moves) const {
  std::string out;
  append(out, "gridroute diff: ", lines, lines == 1 ? " line" : " lines", " compared, ", changed, " changed\n");
  fields_text(out, field_counts, kDecisionFields, kDecisionFieldCount);
  moves_text(out, "handler moves", handler, max_moves);
  moves_text(out, "rule moves", rule, max_moves);
  moves_text(out, "owner tier moves", tier, max_moves);
  if (field_counts[index_of(kDecisionFields, "respond_by")] || field_counts[index_of(kDecisionFields, "resolve_by")]) {
    out += "  deadlines: ";
    shift_text(out, "respond_by", respond_by);
    out += "; ";
    shift_text(out, "resolve_by", resolve_by);
    out += "\n";
  }
  if (cases_given) {
    append(out, "gridroute diff: ", cases, cases == 1 ? " case" : " cases", " compared at ", now, ", ", cases_changed,
           " changed\n");
    fields_text(out, action_field_counts, kActionFields, kActionFieldCount);
    moves_text(out, "action moves", action, max_moves);
    moves_text(out, "case handler moves", action_handler, max_moves);
  }
  return out;
}

json::object DiffSummary::to_json(std::size_t max_moves) const {
  json::object o;
  o["old"] = json::object{{"bundle_dir", old_dir}, {"bundle", old_bundle}};
  o["new"] = json::object{{"bundle_dir", new_dir}, {"bundle", new_bundle}};
  o["lines"] = lines;
  o["changed"] = changed;
  o["fields"] = fields_json(field_counts, kDecisionFields, kDecisionFieldCount);
  std::size_t left = 0;
  o["handler_moves"] = moves_json(handler, max_moves, left);
  o["handler_moves_left_out"] = left;
  o["rule_moves"] = moves_json(rule, max_moves, left);
  o["rule_moves_left_out"] = left;
  o["tier_moves"] = moves_json(tier, max_moves, left);
  o["tier_moves_left_out"] = left;
  o["deadlines"] = json::object{{"respond_by", shift_json(respond_by)}, {"resolve_by", shift_json(resolve_by)}};
  if (cases_given) {
    json::object c;
    c["now"] = now;
    c["compared"] = cases;
    c["changed"] = cases_changed;
    c["fields"] = fields_json(action_field_counts, kActionFields, kActionFieldCount);
    c["action_moves"] = moves_json(action, max_moves, left);
    c["action_moves_left_out"] = left;
    c["handler_moves"] = moves_json(action_handler, max_moves, left);
    c["handler_moves_left_out"] = left;
    o["cases"] = std::move(c);
  }
  return o;
}

}  // namespace gridroute::cli
