// Routing (SPEC §3.1–§3.3, §3.5 severity_skip) and escalation of cases (§3.5).
#include <algorithm>
#include <cmath>

#include "util.hpp"
#include "compile/compile.hpp"  // valid_code: one definition of the category syntax
#include "gridroute/snapshot.hpp"

namespace gridroute {

std::string_view to_string(Verdict v) {
  switch (v) {
    case Verdict::won: return "won";
    case Verdict::not_in_scope: return "not_in_scope";
    case Verdict::condition_false: return "condition_false";
    case Verdict::no_handler: return "no_handler";
    case Verdict::lower_priority: return "lower_priority";
    case Verdict::shallower_scope: return "shallower_scope";
    case Verdict::less_specific: return "less_specific";
    case Verdict::later_in_file: return "later_in_file";
  }
  return "?";
}

std::string_view to_string(Action::Kind k) {
  switch (k) {
    case Action::Kind::none: return "none";
    case Action::Kind::hold: return "hold";
    case Action::Kind::escalate: return "escalate";
    case Action::Kind::reopen: return "reopen";
    case Action::Kind::overdue: return "overdue";
    case Action::Kind::rejected: return "rejected";
  }
  return "?";
}

std::string_view to_string(Reason r) {
  switch (r) {
    case Reason::missed_respond: return "missed_respond";
    case Reason::missed_resolve: return "missed_resolve";
    case Reason::repeat_reports: return "repeat_reports";
    case Reason::low_rating: return "low_rating";
  }
  return "?";
}

std::string Snapshot::role_key_label(RoleKeyId k) const {
  if (role_keys[k].department < 0) return role_names[role_keys[k].role];
  return detail::cat(role_names[role_keys[k].role], "/", department_names[role_keys[k].department]);
}

namespace {

std::string_view type_name(AttrType t) {
  return t == AttrType::boolean ? "bool" : t == AttrType::number ? "number" : "string";
}

std::string render(const AttrValue& v) {
  switch (v.type) {
    case AttrValue::Type::boolean: return v.b ? "true" : "false";
    case AttrValue::Type::number: {
      std::string s = detail::cat(v.num);
      return s;
    }
    case AttrValue::Type::string: {
      std::string s = "\"";
      for (char c : v.str.substr(0, 40)) {
        if (c == '"' || c == '\\') s.push_back('\\');
        s.push_back(c);
      }
      return s + "\"";
    }
    case AttrValue::Type::object: return "an object";
    case AttrValue::Type::list: return "a list";
    default: return "null";
  }
}

}  // namespace

bool Snapshot::prepare(const Issue& issue, PreparedIssue& out, std::string& error, std::uint64_t cell_hash) const {
  // The cell's loads go out first and overlap the attribute and category work below: its index slot
  // now, its record and id offset once the slot is read (in a batch they are already in cache).
  __builtin_prefetch(unit_index.slot_address(cell_hash));
  out.attrs.assign(attr_names.size(), AttrValue{});
  out.has_severity = false;
  for (const auto& [name, value] : issue.attrs) {
    const std::int32_t at = find_attr(name);
    // A number the JSON reader cannot produce (1e400 reads as infinity) arrives through the C struct path
    // too: a declared attribute, or the severity that severity_skip compares, must be finite.
    if (value.type == AttrValue::Type::number && !std::isfinite(value.num) && (at >= 0 || name == "severity")) {
      error = detail::cat("attribute '", name, "' must be a finite number (within double range), got ",
                          std::isnan(value.num) ? "NaN" : value.num > 0 ? "Infinity" : "-Infinity");
      return false;
    }
    if (value.type == AttrValue::Type::number && name == "severity") {
      out.has_severity = true;
      out.severity = value.num;
    }
    if (at < 0) continue;
    AttrType want = attr_types[static_cast<std::size_t>(at)];
    bool ok = (want == AttrType::boolean && value.type == AttrValue::Type::boolean) ||
              (want == AttrType::number && value.type == AttrValue::Type::number) ||
              (want == AttrType::string && value.type == AttrValue::Type::string);
    if (!ok) {
      error = detail::cat("attribute '", name, "' must be ", type_name(want), ", got ", render(value));
      return false;
    }
    out.attrs[static_cast<std::size_t>(at)] = value;
  }
  if (const UnitId guess = unit_index.first_match(cell_hash); guess >= 0) {
    __builtin_prefetch(&hot[static_cast<std::size_t>(guess)]);
    __builtin_prefetch(&unit_id_offset[static_cast<std::size_t>(guess)]);
  }
  if (has_taxonomy) {
    auto it = category_index.find(issue.category);
    if (it == category_index.end()) {
      error = detail::cat("unknown category '", issue.category.substr(0, 200), "'");
      return false;
    }
    out.category = it->second;
  } else {
    if (!detail::valid_code(issue.category)) {
      error = detail::cat("field 'category' must be a dotted code of [a-z0-9_] segments, got \"",
                          issue.category.substr(0, 200), "\"");
      return false;
    }
    out.category = kNone;
  }
  out.category_code = issue.category;
  UnitId cell = find_unit(issue.cell, cell_hash);
  if (cell == kNone) {
    error = detail::cat("unknown cell '", issue.cell.substr(0, 200), "'");
    return false;
  }
  if (hot[cell].tier != cell_tier) {
    error = detail::cat("unit '", issue.cell, "' is not a cell (tier '", tiers[tier_of[cell]], "')");
    return false;
  }
  out.cell = cell;
  out.at = issue.at;
  return true;
}

void Snapshot::candidates_for(const PreparedIssue& issue, std::vector<Candidate>& scratch,
                              std::span<const Candidate>& out) const {
  if (issue.category != kNone && !candidate_offset.empty()) {
    auto b = candidate_offset[issue.category], e = candidate_offset[issue.category + 1];
    out = std::span<const Candidate>(candidates.data() + b, e - b);
    return;
  }
  // Gather from the pattern indexes: the exact code, each prefix of it, and `*`.
  scratch.clear();
  std::string_view code = issue.category_code;
  auto add = [&](const std::vector<std::pair<RuleId, std::int32_t>>& list, std::int32_t spec) {
    for (auto [r, k] : list) {
      auto it = std::find_if(scratch.begin(), scratch.end(), [r = r](const Candidate& c) { return c.rule == r; });
      const UnitId scope = rules[r].scope;
      if (it == scratch.end()) scratch.push_back({r, spec, k, hot[scope].tin, hot[scope].tout});
      else if (spec > it->specificity) *it = {r, spec, k, hot[scope].tin, hot[scope].tout};
    }
  };
  if (auto it = exact_patterns.find(code); it != exact_patterns.end()) add(it->second, 1 << 20);
  std::int32_t segments = 1;
  for (std::size_t i = 0; i <= code.size(); ++i) {
    if (i == code.size() || code[i] == '.') {
      if (auto it = prefix_patterns.find(code.substr(0, i)); it != prefix_patterns.end())
        add(it->second, segments);
      ++segments;
    }
  }
  add(star_patterns, 0);
  std::sort(scratch.begin(), scratch.end(), [&](const Candidate& a, const Candidate& b) {
    const auto& ra = rules[a.rule];
    const auto& rb = rules[b.rule];
    if (ra.priority != rb.priority) return ra.priority > rb.priority;
    if (ra.scope_depth != rb.scope_depth) return ra.scope_depth > rb.scope_depth;
    if (a.specificity != b.specificity) return a.specificity > b.specificity;
    return a.rule < b.rule;
  });
  out = std::span<const Candidate>(scratch.data(), scratch.size());
}

bool Snapshot::eval(std::int32_t n, const PreparedIssue& is) const {
  using Op = spec::Condition::Op;
  const CondNode& c = conditions[n];
  switch (c.op) {
    case Op::all:
      for (std::int32_t k = c.first_child; k >= 0; k = conditions[k].next)
        if (!eval(k, is)) return false;
      return true;
    case Op::any:
      for (std::int32_t k = c.first_child; k >= 0; k = conditions[k].next)
        if (eval(k, is)) return true;
      return false;
    case Op::not_: return c.first_child >= 0 && !eval(c.first_child, is);
    case Op::local_time: {
      int t = zone.seconds_of_day(is.at);
      if (c.window_begin <= c.window_end) return t >= c.window_begin && t < c.window_end;
      return t >= c.window_begin || t < c.window_end;
    }
    case Op::workday: {
      // Rules without a calendar test defaults.calendar (checked at load).
      return false;  // handled by eval_rule, which knows the rule's calendar
    }
    default: break;
  }
  const AttrValue& v = is.attrs[c.attr];
  if (c.op == Op::exists) return (v.type != AttrValue::Type::missing) == c.b;
  if (v.type == AttrValue::Type::missing) return false;
  switch (c.op) {
    case Op::in:
      if (v.type == AttrValue::Type::number) return std::find(c.nums.begin(), c.nums.end(), v.num) != c.nums.end();
      if (v.type == AttrValue::Type::string) return std::find(c.strs.begin(), c.strs.end(), v.str) != c.strs.end();
      return std::find(c.bools.begin(), c.bools.end(), v.b) != c.bools.end();
    case Op::eq:
    case Op::ne: {
      bool eq = v.type == AttrValue::Type::number ? v.num == c.num
                : v.type == AttrValue::Type::string ? v.str == c.str
                                                     : v.b == c.b;
      return c.op == Op::eq ? eq : !eq;
    }
    case Op::lt: return v.num < c.num;
    case Op::le: return v.num <= c.num;
    case Op::gt: return v.num > c.num;
    case Op::ge: return v.num >= c.num;
    default: return false;
  }
}

namespace {

// Evaluates a rule's condition tree; `workday` needs the rule's calendar, so it is handled here.
bool eval_rule(const Snapshot& s, std::int32_t n, const PreparedIssue& is, CalendarId cal) {
  using Op = spec::Condition::Op;
  const CondNode& c = s.conditions[n];
  switch (c.op) {
    case Op::all:
      for (std::int32_t k = c.first_child; k >= 0; k = s.conditions[k].next)
        if (!eval_rule(s, k, is, cal)) return false;
      return true;
    case Op::any:
      for (std::int32_t k = c.first_child; k >= 0; k = s.conditions[k].next)
        if (eval_rule(s, k, is, cal)) return true;
      return false;
    case Op::not_: return c.first_child >= 0 && !eval_rule(s, c.first_child, is, cal);
    case Op::workday: {
      if (cal == kNone) return false;
      const Calendar& k = s.calendars[cal];
      return k.is_working_at(is.at) == c.b;
    }
    default: return s.eval(n, is);
  }
}

Verdict lost_to(const Snapshot& s, const Candidate& winner, const Candidate& c) {
  const auto& w = s.rules[winner.rule];
  const auto& r = s.rules[c.rule];
  if (r.priority != w.priority) return Verdict::lower_priority;
  if (r.scope_depth != w.scope_depth) return Verdict::shallower_scope;
  if (c.specificity != winner.specificity) return Verdict::less_specific;
  return Verdict::later_in_file;
}

}  // namespace

namespace {

// Tries a candidate whose scope holds the cell: its condition, then its route references in order.
// Fills `d` when it wins.
Verdict try_candidate(const Snapshot& s, const Candidate& c, const PreparedIssue& is, Decision& d) {
  const CompiledRule& r = s.rules[c.rule];
  if (r.when >= 0 && !eval_rule(s, r.when, is, r.condition_calendar)) return Verdict::condition_false;
  for (RoleKeyId k : r.route) {
    Resolution res = s.resolve(k, is.cell);
    if (!res) continue;
    d.status = Decision::Status::routed;
    d.rule = c.rule;
    d.role = k;
    d.handler = res.owner;
    d.unit = res.unit;
    d.alternates = res.alternates;
    d.policy = r.policy;
    d.level = 0;
    return Verdict::won;
  }
  return Verdict::no_handler;
}

void unrouted_message(const PreparedIssue& is, std::size_t candidates, std::size_t applicable, Decision& d) {
  if (candidates == 0) d.message = detail::cat("no rule matches category '", is.category_code, "'");
  else if (applicable == 0)
    d.message = detail::cat(candidates, " rule", candidates == 1 ? "" : "s", " match category '", is.category_code,
                            "', but none applies here (scope or condition)");
  else
    d.message = detail::cat(applicable, " rule", applicable == 1 ? " applies" : "s apply",
                            ", but no handler of their roles serves the cell or its ancestors");
}

}  // namespace

void Snapshot::route_prepared(const PreparedIssue& is, Decision& d, bool explain) const {
  d.status = Decision::Status::unrouted;
  std::size_t applicable = 0;
  const std::int32_t cell_tin = hot[is.cell].tin;
  if (!explain && is.category != kNone && !scope_node_offset.empty()) {
    // Only the candidates whose scope holds the cell, in winning order: the chain of enclosing scopes
    // from the deepest one, merged by position.
    const Candidate* cands = candidates.data() + candidate_offset[is.category];
    const std::size_t total = candidate_offset[is.category + 1] - candidate_offset[is.category];
    const ScopeNode* nodes = scope_nodes.data();
    const ScopeNode* nb = nodes + scope_node_offset[is.category];
    const ScopeNode* ne = nodes + scope_node_offset[is.category + 1];
    const ScopeNode* it =
        std::upper_bound(nb, ne, cell_tin, [](std::int32_t t, const ScopeNode& n) { return t < n.tin; });
    std::int32_t node = it == nb ? -1 : static_cast<std::int32_t>(it - 1 - nodes);
    while (node >= 0 && cell_tin >= nodes[node].tout) node = nodes[node].up;
    struct Head {
      const std::uint32_t* p;
      const std::uint32_t* e;
    };
    absl::InlinedVector<Head, 16> heads;
    for (; node >= 0; node = nodes[node].up) {
      const std::uint32_t* p = scope_positions.data() + nodes[node].first;
      heads.push_back({p, p + nodes[node].count});
    }
    for (;;) {
      Head* best = nullptr;
      for (Head& h : heads)
        if (h.p != h.e && (best == nullptr || *h.p < *best->p)) best = &h;
      if (best == nullptr) break;
      const Verdict v = try_candidate(*this, cands[*best->p++], is, d);
      if (v == Verdict::condition_false) continue;
      ++applicable;
      if (v == Verdict::won) return;
    }
    unrouted_message(is, total, applicable, d);
    return;
  }
  thread_local std::vector<Candidate> scratch;
  std::span<const Candidate> cands;
  candidates_for(is, scratch, cands);
  std::size_t won_at = cands.size();
  for (std::size_t i = 0; i < cands.size(); ++i) {
    const Candidate& c = cands[i];
    if (cell_tin < c.scope_tin || cell_tin >= c.scope_tout) {
      if (explain) d.trace.push_back({c.rule, Verdict::not_in_scope, c.pattern});
      continue;
    }
    const Verdict v = try_candidate(*this, c, is, d);
    if (v != Verdict::condition_false) ++applicable;
    if (explain) d.trace.push_back({c.rule, v, c.pattern});
    if (v == Verdict::won) {
      won_at = i;
      break;
    }
  }
  if (explain && won_at < cands.size()) {
    for (std::size_t i = won_at + 1; i < cands.size(); ++i) {
      const Candidate& c = cands[i];
      const CompiledRule& r = rules[c.rule];
      if (cell_tin < c.scope_tin || cell_tin >= c.scope_tout)
        d.trace.push_back({c.rule, Verdict::not_in_scope, c.pattern});
      else if (r.when >= 0 && !eval_rule(*this, r.when, is, r.condition_calendar))
        d.trace.push_back({c.rule, Verdict::condition_false, c.pattern});
      else d.trace.push_back({c.rule, lost_to(*this, cands[won_at], c), c.pattern});
    }
  }
  if (d.status != Decision::Status::routed) unrouted_message(is, cands.size(), applicable, d);
}

const Calendar& Snapshot::level_calendar(const CompiledRule& rule, int level, HandlerId owner) const {
  if (level == 0 && rule.calendar != kNone) return calendars[rule.calendar];
  if (owner != kNone && handler_calendar[owner] != kNone) return calendars[handler_calendar[owner]];
  return calendars[default_calendar];
}

namespace {

// The owner of level `level` (k >= 1) of `policy` for `cell`.
bool level_owner(const Snapshot& s, const CompiledPolicy& p, int level, UnitId cell, RoleKeyId& role, Resolution& res) {
  const CompiledLevel& lv = p.levels[static_cast<std::size_t>(level)];
  UnitId start = s.ancestor_at_tier(cell, lv.tier);
  if (start == kNone) return false;
  for (RoleKeyId k : lv.route) {
    res = s.resolve(k, start);
    if (res) {
      role = k;
      return true;
    }
  }
  return false;
}

void deadlines(const Snapshot& s, const CompiledRule& rule, const CompiledPolicy* p, int level, HandlerId owner,
               Instant start, Instant& respond, Instant& resolve) {
  const Calendar& cal = s.level_calendar(rule, level, owner);
  std::optional<Duration> rd, sd;
  if (level == 0) {
    rd = rule.respond;
    sd = rule.resolve;
  } else {
    rd = p->levels[static_cast<std::size_t>(level)].respond;
    sd = p->levels[static_cast<std::size_t>(level)].resolve;
  }
  respond = rd ? cal.add(start, *rd) : kNoInstant;
  resolve = sd ? cal.add(start, *sd) : kNoInstant;
}

}  // namespace

void Snapshot::route_into(const Issue& issue, bool explain, std::uint64_t cell_hash, Decision& d) const {
  d.clear();
  PreparedIssue is;
  if (!prepare(issue, is, d.message, cell_hash)) {
    d.status = Decision::Status::rejected;
    return;
  }
  route_prepared(is, d, explain);
  if (d.status != Decision::Status::routed) return;
  const CompiledRule& rule = rules[d.rule];
  const CompiledPolicy* p = d.policy == kNone ? nullptr : &policies[d.policy];
  if (p && p->has_skip && is.has_severity && is.severity >= p->skip_at_least) {
    RoleKeyId role;
    Resolution res;
    if (level_owner(*this, *p, p->skip_to_level, is.cell, role, res)) {
      d.level = p->skip_to_level;
      d.role = role;
      d.handler = res.owner;
      d.unit = res.unit;
      d.alternates = res.alternates;
    }
  }
  // Assist: the rule's references from the cell, each to its first handler, without repeats or the owner.
  for (RoleKeyId k : rule.assist) {
    Resolution res = resolve(k, is.cell);
    if (!res) continue;
    HandlerId h = res.owner;
    if (h == d.handler || std::find(d.assist.begin(), d.assist.end(), h) != d.assist.end()) continue;
    d.assist.push_back(h);
  }
  deadlines(*this, rule, p, d.level, d.handler, is.at, d.respond_by, d.resolve_by);
}

void Snapshot::prefetch_cells(const std::string_view* cells, std::size_t n, std::uint64_t* hashes) const {
  // Each stage issues the loads the next one needs for every cell of the group, so the misses of a
  // stage overlap: index slots, then the matching unit's record and id offset, then its id text and
  // the record of the nearest served unit, then that unit's served entries.
  UnitId guess[kPrefetchGroup];
  n = std::min(n, kPrefetchGroup);
  for (std::size_t i = 0; i < n; ++i) {
    hashes[i] = UnitIndex::hash(cells[i]);
    __builtin_prefetch(unit_index.slot_address(hashes[i]));
  }
  for (std::size_t i = 0; i < n; ++i) {
    guess[i] = unit_index.first_match(hashes[i]);
    if (guess[i] < 0) continue;
    __builtin_prefetch(&hot[static_cast<std::size_t>(guess[i])]);
    __builtin_prefetch(&unit_id_offset[static_cast<std::size_t>(guess[i])]);
  }
  for (std::size_t i = 0; i < n; ++i) {
    if (guess[i] < 0) continue;
    const UnitHot& h = hot[static_cast<std::size_t>(guess[i])];
    __builtin_prefetch(unit_id_chars.data() + unit_id_offset[static_cast<std::size_t>(guess[i])]);
    if (h.served_up >= 0) __builtin_prefetch(&hot[static_cast<std::size_t>(h.served_up)]);
    if (h.parent >= 0) __builtin_prefetch(&hot[static_cast<std::size_t>(h.parent)]);
  }
  // Then up the chain of served units, a level per stage: each unit's served entries and the next
  // served unit's record (roles are often served at the area, community or street above the cell).
  // Escalation levels start from the cell's ancestors: their records, a level per stage too.
  UnitId cur[kPrefetchGroup], up[kPrefetchGroup];
  for (std::size_t i = 0; i < n; ++i) {
    cur[i] = guess[i] < 0 ? kNone : hot[static_cast<std::size_t>(guess[i])].served_up;
    up[i] = guess[i] < 0 ? kNone : hot[static_cast<std::size_t>(guess[i])].parent;
  }
  for (int level = 0; level < 3; ++level) {
    for (std::size_t i = 0; i < n; ++i) {
      if (cur[i] >= 0) {
        const UnitHot& h = hot[static_cast<std::size_t>(cur[i])];
        __builtin_prefetch(served.data() + h.served_begin);
        if (h.served_next >= 0) __builtin_prefetch(&hot[static_cast<std::size_t>(h.served_next)]);
        cur[i] = h.served_next;
      }
      if (up[i] >= 0) {
        up[i] = hot[static_cast<std::size_t>(up[i])].parent;
        if (up[i] >= 0) __builtin_prefetch(&hot[static_cast<std::size_t>(up[i])]);
      }
    }
  }
}

void Snapshot::route_batch(std::span<const Issue> issues, std::span<Decision> out, bool explain) const {
  std::string_view cells[kPrefetchGroup];
  std::uint64_t hashes[kPrefetchGroup];
  const std::size_t n = std::min(issues.size(), out.size());
  for (std::size_t base = 0; base < n; base += kPrefetchGroup) {
    const std::size_t m = std::min(kPrefetchGroup, n - base);
    for (std::size_t i = 0; i < m; ++i) {
      const Issue& is = issues[base + i];
      cells[i] = is.cell;
      // The caller's text too: the cell id is hashed first, the attributes are read by prepare.
      __builtin_prefetch(is.cell.data());
      __builtin_prefetch(is.category.data());
      if (!is.attrs.empty()) {
        __builtin_prefetch(is.attrs.data());
        __builtin_prefetch(is.attrs.front().first.data());
      }
    }
    prefetch_cells(cells, m, hashes);
    for (std::size_t i = 0; i < m; ++i) route_into(issues[base + i], explain, hashes[i], out[base + i]);
  }
}

Action Snapshot::escalate(const Case& c, Instant now, std::uint64_t cell_hash) const {
  Action a;
  auto reject = [&](std::string msg) {
    a.kind = Action::Kind::rejected;
    a.error = std::move(msg);
    return a;
  };
  PreparedIssue is;
  std::string err;
  if (!prepare(c.issue, is, err, cell_hash)) return reject(std::move(err));
  Decision d;
  route_prepared(is, d, false);
  if (d.status != Decision::Status::routed) return reject(detail::cat("the case's issue is unrouted: ", d.message));
  const CompiledRule& rule = rules[d.rule];
  const CompiledPolicy* p = d.policy == kNone ? nullptr : &policies[d.policy];
  int levels = p ? static_cast<int>(p->levels.size()) : 1;
  a.rule = d.rule;
  a.policy = d.policy;
  if (c.level < 0 || c.level >= levels) {
    if (p)
      return reject(detail::cat("level ", c.level, " does not exist (policy '", p->id, "' has ", levels, " level",
                                 levels == 1 ? "" : "s", ")"));
    return reject(detail::cat("level ", c.level, " does not exist (no escalation policy applies: level 0 only)"));
  }
  // The current level's owner.
  a.level = c.level;
  if (c.level == 0) {
    a.role = d.role;
    a.handler = d.handler;
    a.unit = d.unit;
  } else {
    Resolution res;
    if (!level_owner(*this, *p, c.level, is.cell, a.role, res))
      return reject(detail::cat("level ", c.level, " of policy '", p->id, "' resolves no handler for cell '",
                                 c.issue.cell, "'"));
    a.handler = res.owner;
    a.unit = res.unit;
  }
  // Moves the answer to the next level above the current one that resolves, with deadlines from `now`.
  auto move_up = [&](Action::Kind kind) {
    for (int l = c.level + 1; p && l < levels; ++l) {
      RoleKeyId role;
      Resolution res;
      if (!level_owner(*this, *p, l, is.cell, role, res)) continue;
      a.kind = kind;
      a.level = l;
      a.role = role;
      a.handler = res.owner;
      a.unit = res.unit;
      deadlines(*this, rule, p, l, a.handler, now, a.respond_by, a.resolve_by);
      return;
    }
    a.kind = Action::Kind::overdue;
  };
  if (c.resolved) {
    if (p && p->rating_below && c.rating > 0 && c.rating < *p->rating_below) {
      a.reasons = static_cast<std::uint8_t>(Reason::low_rating);
      move_up(Action::Kind::reopen);
    } else {
      a.kind = Action::Kind::none;
    }
    return a;
  }
  Instant respond = kNoInstant, resolve = kNoInstant;
  deadlines(*this, rule, p, c.level, a.handler, c.level_started_at, respond, resolve);
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

}  // namespace gridroute
