// Compiling the rules: roles, attributes, calendars, conditions, rules, escalation policies, and the
// candidate lists and scope index routing reads.
#include <algorithm>
#include <limits>

#include "absl/container/flat_hash_set.h"
#include "base/json_text.hpp"
#include "base/suggest.hpp"
#include "compile/candidates.hpp"
#include "compile/compiler.hpp"
#include "compile/order.hpp"
#include "compile/names.hpp"

namespace gridroute::detail {

void Compiler::rules_preamble() {
  for (auto r : kBuiltinRoles) add_role(std::string(r));
  for (std::size_t i = 0; i < rules_.roles.size(); ++i) {
    const auto& r = rules_.roles[i];
    if (broken(rules_.broken_roles, i)) continue;  // not a role name: its shape error says so
    if (!valid_label(r) || r.find('/') != std::string::npos)
      rerr(ptr("/roles", i), "a role name must be 1-64 bytes, without control characters or '/'");
    // A built-in role, or one listed before, declared again names the same role (SPEC §2 lists no
    // error for it): a bundle that lists every role it uses loads.
    else if (!role_index_.contains(r)) add_role(r);
  }
  // Declared with a value that is not a type name: known, with its error already reported.
  for (const auto& name : rules_.broken_attributes) bad_type_attrs_.insert(name);
  for (const auto& [name, type] : rules_.attributes) {
    std::string p = "/attributes";
    append_token(p, name);
    AttrType t;
    if (type == "bool") t = AttrType::boolean;
    else if (type == "number") t = AttrType::number;
    else if (type == "string") t = AttrType::string;
    else {
      rerr(p, detail::cat("attribute type must be \"bool\", \"number\" or \"string\", got \"", type, "\""));
      bad_type_attrs_.insert(name);  // declared, with a type already reported: no "not declared" below
      continue;
    }
    s_->attr_index.emplace(name, static_cast<std::int32_t>(s_->attr_names.size()));
    s_->attr_names.push_back(name);
    s_->attr_types.push_back(t);
  }
  // The direct table when the declared names do not collide in it.
  s_->attr_slot.fill(-1);
  s_->attr_slot_direct = s_->attr_names.size() < 128;
  for (std::size_t k = 0; k < s_->attr_names.size() && s_->attr_slot_direct; ++k) {
    std::int8_t& slot = s_->attr_slot[Index::attr_slot_of(s_->attr_names[k])];
    if (slot >= 0) s_->attr_slot_direct = false;
    slot = static_cast<std::int8_t>(k);
  }
  s_->build_attr_checks();
  if (rules_.calendars.size() > opt_.max_calendars) {
    rerr("/calendars", detail::cat("more than ", opt_.max_calendars, " calendars (LoadOptions::max_calendars)"));
    return;
  }
  for (std::size_t i = 0; i < rules_.calendars.size(); ++i) calendar(i);
}

void Compiler::calendar(std::size_t i) {
  auto& c = rules_.calendars[i];
  std::string base = ptr("/calendars", i);
  if (broken(rules_.broken_calendars, i)) {
    // Its own shape is broken: not checked further (its time zone is not even opened), but known, so
    // that references to it are not reported as unknown.
    s_->calendar_index.emplace(c.id, kNone);
    return;
  }
  bool ok = true;
  if (!valid_id(c.id, opt_.max_id_bytes)) {
    rerr(base + "/id", detail::cat("calendar id \"", c.id, "\" must be 1-64 bytes of [A-Za-z0-9._:-]"));
    ok = false;
  } else if (s_->calendar_index.contains(c.id)) {
    rerr(base + "/id", detail::cat("duplicate calendar id \"", c.id, "\""));
    ok = false;
  }
  absl::TimeZone tz = s_->tz;
  if (c.timezone && !absl::LoadTimeZone(*c.timezone, &tz)) {
    rerr(base + "/timezone", detail::cat("unknown time zone \"", *c.timezone, "\""));
    ok = false;
  }
  absl::flat_hash_set<int> seen;
  for (std::size_t k = 0; k < c.weekdays.size(); ++k) {
    int w = c.weekdays[k];
    if (w < 1 || w > 7) {
      rerr(ptr(base + "/weekdays", k), detail::cat("weekday must be 1 (Monday) to 7 (Sunday), got ", w));
      ok = false;
    } else if (!seen.insert(w).second) {
      rerr(ptr(base + "/weekdays", k), detail::cat("weekday ", w, " listed twice"));
      ok = false;
    }
  }
  std::vector<Calendar::Period> periods;
  if (c.hours.empty()) {
    rerr(base + "/hours", "a calendar needs at least one working period [\"HH:MM\", \"HH:MM\"]");
    ok = false;
  }
  for (std::size_t k = 0; k < c.hours.size(); ++k) {
    std::string p = ptr(base + "/hours", k);
    if (c.hours[k].size() != 2) {
      rerr(p, "a working period is [\"HH:MM\", \"HH:MM\"]");
      ok = false;
      continue;
    }
    auto b = parse_clock(c.hours[k][0], false);
    auto e = parse_clock(c.hours[k][1], true);
    // Both ends are checked, so that two bad times are reported in one run.
    if (!b.ok()) rerr(p + "/0", std::string(b.status().message()));
    if (!e.ok()) rerr(p + "/1", std::string(e.status().message()));
    if (!b.ok() || !e.ok()) {
      ok = false;
      continue;
    }
    if (*e <= *b) {
      rerr(p, *e < *b ? detail::cat("a working period must end after it starts; one over midnight is two: [\"",
                                    c.hours[k][0], "\", \"24:00\"] and [\"00:00\", \"", c.hours[k][1], "\"]")
                      : std::string("a working period must end after it starts"));
      ok = false;
      continue;
    }
    if (!periods.empty() && *b < periods.back().end) {
      rerr(p, "working periods must be in order and must not overlap");
      ok = false;
      continue;
    }
    periods.push_back({*b, *e});
  }
  auto days = [&](const std::vector<std::string>& list, std::string_view field) {
    std::vector<absl::CivilDay> out;
    for (std::size_t k = 0; k < list.size(); ++k) {
      auto d = parse_civil_day(list[k]);
      if (!d.ok()) {
        rerr(ptr(detail::cat(base, "/", field), k), std::string(d.status().message()));
        ok = false;
      } else {
        out.push_back(*d);
      }
    }
    return out;
  };
  auto holidays = days(c.holidays, "holidays");
  auto workdays = days(c.workdays, "workdays");
  if (c.weekdays.empty() && workdays.empty()) {
    rerr(base + "/weekdays", "a calendar needs working weekdays or make-up workdays");
    ok = false;
  }
  if (!ok) {
    s_->calendar_index.emplace(c.id, kNone);  // known, so references do not report twice
    return;
  }
  s_->calendar_index[c.id] = static_cast<CalendarId>(s_->calendars.size());
  s_->calendars.emplace_back(c.id, Zone(tz), c.weekdays, std::move(periods), std::move(holidays), std::move(workdays));
}

CalendarId Compiler::calendar_ref(const std::string& id, FileId file, std::string pointer, bool& ok) {
  auto it = s_->calendar_index.find(id);
  if (it == s_->calendar_index.end()) {
    Problems::Muted maybe_declared(problems_, rules_.unknown_calendars);  // a calendar without a readable id
    std::string msg = detail::cat("unknown calendar \"", id, "\"", calendar_hint(id));
    if (file == FileId::rules) rerr(std::move(pointer), msg);
    else jerr(std::move(pointer), msg);
    ok = false;
    return kNone;
  }
  return it->second;
}

RoleKeyId Compiler::intern_key(std::int32_t role, std::int32_t dept) {
  std::string label = dept < 0 ? s_->role_names[role] : detail::cat(s_->role_names[role], "/", s_->department_names[dept]);
  auto [it, inserted] = s_->role_key_index.emplace(label, static_cast<RoleKeyId>(s_->role_keys.size()));
  if (inserted) s_->role_keys.push_back({role, dept});
  return it->second;
}

std::int32_t Compiler::intern_department(const std::string& d) {
  auto [it, inserted] = dept_index_.emplace(d, static_cast<std::int32_t>(s_->department_names.size()));
  if (inserted) s_->department_names.push_back(d);
  return it->second;
}

RoleKeyId Compiler::role_ref(const spec::RoleRef& r, const std::string& pointer, bool& ok) {
  auto it = role_index_.find(r.role);
  if (it == role_index_.end()) {
    Problems::Muted maybe_declared(problems_, rules_.unknown_roles);  // a declared role that could not be read
    rerr(pointer, detail::cat("unknown role \"", r.role, "\"", role_hint(r.role)));
    ok = false;
    return kNone;
  }
  if (r.role == kPartner) {
    if (!r.department) {
      rerr(pointer, "partner_department needs a department: {\"role\": \"partner_department\", \"department\": ...}");
      ok = false;
      return kNone;
    }
    if (!valid_label(*r.department)) {
      rerr(pointer + "/department", "a department name must be 1-64 bytes, without control characters");
      ok = false;
      return kNone;
    }
    return intern_key(it->second, intern_department(*r.department));
  }
  if (r.department) {
    rerr(pointer + "/department", detail::cat("only partner_department takes a department (role \"", r.role, "\")"));
    ok = false;
    return kNone;
  }
  return intern_key(it->second, -1);
}

std::optional<Duration> Compiler::duration(const std::optional<std::string>& text, const std::string& pointer, bool& ok) {
  if (!text) return std::nullopt;
  auto d = parse_duration(*text);
  if (!d.ok()) {
    rerr(pointer, std::string(d.status().message()));
    ok = false;
    return std::nullopt;
  }
  return *d;
}

std::int32_t Compiler::condition(const spec::Condition& c, CalendarId cal, std::size_t depth, bool& ok) {
  using Op = spec::Condition::Op;
  auto index = static_cast<std::int32_t>(s_->conditions.size());
  s_->conditions.emplace_back();
  s_->sources.building().condition_pointer.push_back(c.pointer);
  CondNode node;
  node.op = c.op;
  if (depth > opt_.max_json_depth) {
    rerr(c.pointer, detail::cat("condition nested deeper than ", opt_.max_json_depth, " levels"));
    ok = false;
    return index;
  }
  switch (c.op) {
    case Op::all:
    case Op::any:
    case Op::not_: {
      std::vector<std::int32_t> kids;
      for (const auto& ch : c.children) kids.push_back(condition(ch, cal, depth + 1, ok));
      node.child_count = static_cast<std::int32_t>(kids.size());
      node.first_child = kids.empty() ? -1 : kids.front();
      for (std::size_t k = 0; k + 1 < kids.size(); ++k) s_->conditions[kids[k]].next = kids[k + 1];
      break;
    }
    case Op::local_time:
      node.window_begin = c.window_begin;
      node.window_end = c.window_end;
      break;
    case Op::workday:
      node.b = c.workday;
      if (cal == kNone) {
        if (!condition_calendar_broken_)
          rerr(c.pointer, "a workday condition needs a calendar: the rule's \"calendar\" or defaults.calendar");
        ok = false;
      }
      break;
    default: {
      auto it = s_->attr_index.find(c.attr);
      if (it == s_->attr_index.end() && (bad_type_attrs_.contains(c.attr) || rules_.unknown_attributes)) {
        ok = false;
        break;
      }
      if (it == s_->attr_index.end()) {
        rerr(c.pointer + "/attr", detail::cat("attribute \"", c.attr, "\" is not declared in \"attributes\"",
                                              attribute_hint(c.attr)));
        ok = false;
        break;
      }
      node.attr = it->second;
      node.attr_type = s_->attr_types[it->second];
      std::string op_ptr = c.pointer + "/" + std::string(op_name(c.op));
      auto type_name = [](AttrType t) { return t == AttrType::boolean ? "bool" : t == AttrType::number ? "number" : "string"; };
      auto matches = [&](const auto& v) {
        using V = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<V, bool>) return node.attr_type == AttrType::boolean;
        else if constexpr (std::is_same_v<V, double>) return node.attr_type == AttrType::number;
        else if constexpr (std::is_same_v<V, std::string>) return node.attr_type == AttrType::string;
        else return false;
      };
      if (c.op == Op::exists) {
        node.b = std::get<bool>(c.value);
      } else if (c.op == Op::in) {
        for (std::size_t k = 0; k < c.list.size(); ++k) {
          if (!std::visit(matches, c.list[k])) {
            rerr(detail::cat(op_ptr, "/", k), detail::cat("attribute \"", c.attr, "\" is a ", type_name(node.attr_type),
                                                            "; this value is of another type"));
            ok = false;
            continue;
          }
          std::visit([&](const auto& v) {
            using V = std::decay_t<decltype(v)>;
            if constexpr (std::is_same_v<V, bool>) node.bools.push_back(v);
            else if constexpr (std::is_same_v<V, double>) node.nums.push_back(v);
            else node.strs.push_back(v);
          }, c.list[k]);
        }
      } else {
        bool type_ok = std::visit(matches, c.value);
        if (!type_ok) {
          rerr(op_ptr, detail::cat("attribute \"", c.attr, "\" is a ", type_name(node.attr_type),
                                    "; the compared value must be a ", type_name(node.attr_type)));
          ok = false;
        } else if ((c.op == Op::lt || c.op == Op::le || c.op == Op::gt || c.op == Op::ge) &&
                   node.attr_type != AttrType::number) {
          rerr(op_ptr, detail::cat("lt, le, gt and ge compare numbers; attribute \"", c.attr, "\" is a ",
                                    type_name(node.attr_type)));
          ok = false;
        } else {
          std::visit([&](const auto& v) {
            using V = std::decay_t<decltype(v)>;
            if constexpr (std::is_same_v<V, bool>) node.b = v;
            else if constexpr (std::is_same_v<V, double>) node.num = v;
            else if constexpr (std::is_same_v<V, std::string>) node.str = v;
          }, c.value);
        }
      }
    }
  }
  std::int32_t next = s_->conditions[index].next;
  s_->conditions[index] = std::move(node);
  s_->conditions[index].next = next;
  return index;
}

std::string_view Compiler::op_name(spec::Condition::Op op) {
  static constexpr std::string_view names[] = {"eq", "ne", "lt", "le", "gt", "ge", "in", "exists",
                                               "all", "any", "not", "local_time", "workday"};
  return names[static_cast<int>(op)];
}

void Compiler::rules() {
  // rules.json's own references; a rule's scope and the fallback owner are the jurisdiction's.
  auto r_side = reads(kR);
  // Defaults first: rules fall back on them.
  bool ok = true;
  if (rules_.defaults) {
    auto& d = *rules_.defaults;
    if (d.calendar) s_->default_calendar = calendar_ref(*d.calendar, FileId::rules, "/defaults/calendar", ok);
    if (d.sla) {
      s_->default_respond = duration(d.sla->respond, "/defaults/sla/respond", ok);
      s_->default_resolve = duration(d.sla->resolve, "/defaults/sla/resolve", ok);
    }
  }
  if (s_->default_calendar == kNone) {
    // A built-in 24/7 calendar in the jurisdiction's time zone.
    s_->default_calendar = static_cast<CalendarId>(s_->calendars.size());
    s_->calendars.emplace_back("(always)", s_->zone, std::vector<int>{1, 2, 3, 4, 5, 6, 7},
                               std::vector<Calendar::Period>{{0, 86400}}, std::vector<absl::CivilDay>{},
                               std::vector<absl::CivilDay>{});
    explicit_default_calendar_ = false;
  }
  for (std::size_t i = 0; i < rules_.escalation_policies.size(); ++i) {
    const auto& id = rules_.escalation_policies[i].id;
    if (s_->policy_index.contains(id)) {
      Problems::Muted unchecked(problems_, broken(rules_.broken_policies, i));
      rerr(ptr("/escalation_policies", i, "id"), detail::cat("duplicate policy id \"", id, "\""));
    } else {
      // A broken policy too: known by its id, so that references to it are not reported as unknown.
      s_->policy_index.emplace(id, static_cast<PolicyId>(i));
    }
  }
  PolicyId default_policy = kNone;
  if (rules_.defaults && rules_.defaults->escalation) {
    auto it = s_->policy_index.find(*rules_.defaults->escalation);
    Problems::Muted maybe_declared(problems_, rules_.unknown_policies);  // a policy without a readable id
    if (it == s_->policy_index.end())
      rerr("/defaults/escalation", detail::cat("unknown escalation policy \"", *rules_.defaults->escalation, "\"",
                                               policy_hint(*rules_.defaults->escalation)));
    else
      default_policy = it->second;
  }
  // The fallback owner and the rule its cases behave as (SPEC §6.4).
  s_->fallback_rule.respond = s_->default_respond;
  s_->fallback_rule.resolve = s_->default_resolve;
  s_->fallback_rule.policy = default_policy;
  s_->fallback_rule.scope = s_->root;
  if (rules_.defaults && rules_.defaults->fallback) {
    auto both = reads(kBoth);
    const std::string& id = *rules_.defaults->fallback;
    const HandlerId fh = s_->find_handler(id);
    // A handler whose shape is broken is not checked further, and one without a readable id may be it.
    Problems::Muted unchecked(problems_, fh == kNone ? jur_.unknown_handlers : broken(jur_.broken_handlers, fh));
    if (fh == kNone)
      rerr("/defaults/fallback", detail::cat("defaults.fallback names no handler: \"", id,
                                             "\" is not a handler of jurisdiction.json", handler_hint(id)));
    else if (s_->handler_role[fh] == kNone) {
      // Its role is an error of the handler's own (or of the roles list): nothing more to say here.
    } else {
      s_->fallback = fh;
      s_->fallback_rule.route.push_back(s_->handler_role[fh]);
    }
  }
  if (rules_.rules.size() > opt_.max_rules) {
    rerr("/rules", detail::cat("more than ", opt_.max_rules, " rules (LoadOptions::max_rules)"));
    return;
  }
  absl::flat_hash_set<std::string_view> declared;
  std::vector<std::string_view> sorted_codes;
  if (rules_.categories) {
    for (auto& c : *rules_.categories) {
      declared.insert(c.code);
      sorted_codes.push_back(c.code);
    }
    std::sort(sorted_codes.begin(), sorted_codes.end());
  }
  absl::flat_hash_set<std::string> ids;
  for (std::size_t i = 0; i < rules_.rules.size(); ++i) {
    auto& r = rules_.rules[i];
    std::string base = ptr("/rules", i);
    Problems::Muted unchecked(problems_, i < rules_.broken_rules.size() && rules_.broken_rules[i]);
    CompiledRule cr;
    cr.id = r.id;
    if (r.id.empty()) rerr(base + "/id", "a rule id must not be empty");
    else if (!ids.insert(r.id).second) rerr(base + "/id", detail::cat("duplicate rule id \"", r.id, "\""));
    cr.priority = r.priority;
    if (r.categories.empty()) rerr(base + "/categories", "a rule needs at least one category pattern");
    for (std::size_t k = 0; k < r.categories.size(); ++k) {
      const std::string& pat = r.categories[k];
      std::string p = ptr(base + "/categories", k);
      bool prefix = pat.size() > 2 && pat.ends_with(".*");
      std::string_view code = prefix ? std::string_view(pat).substr(0, pat.size() - 2) : std::string_view(pat);
      if (pat != "*" && !valid_code(code)) {
        rerr(p, detail::cat("category pattern \"", pat, "\" must be a code a.b.c, a prefix a.b.*, or *"));
        continue;
      }
      if (rules_.categories && pat == "*" && rules_.categories->empty()) {
        // SPEC §2.2: every pattern must match a declared code; an empty taxonomy declares none.
        rerr(p, "category pattern \"*\" matches no declared category (\"categories\" is an empty list: declare "
                "the codes, or leave \"categories\" out to accept any dotted code)");
        continue;
      }
      if (rules_.categories && pat != "*") {
        // The code itself, or (a prefix) a declared code below it: the first sorted code from "code."
        // on starts with it if any does.
        bool any = declared.contains(code);
        if (!any && prefix) {
          std::string below = detail::cat(code, ".");
          auto it = std::lower_bound(sorted_codes.begin(), sorted_codes.end(), std::string_view(below));
          any = it != sorted_codes.end() && it->starts_with(below);
        }
        if (!any) rerr(p, detail::cat("category pattern \"", pat, "\" matches no declared category", category_hint(code, prefix)));
      }
      cr.patterns.push_back(pat);
    }
    if (auto both = reads(kBoth | kU); r.scope) {
      UnitId u = s_->find_unit(*r.scope);
      if (u == kNone) rerr(base + "/scope", detail::cat("unknown unit \"", *r.scope, "\"", unit_hint(*r.scope)));
      else cr.scope = u;
    } else {
      cr.scope = s_->root;
    }
    cr.scope_depth = depth_.empty() ? 0 : depth_[cr.scope];
    bool rok = true;
    if (r.calendar) cr.calendar = calendar_ref(*r.calendar, FileId::rules, base + "/calendar", rok);
    cr.condition_calendar = cr.calendar != kNone ? cr.calendar : (explicit_default_calendar_ ? s_->default_calendar : kNone);
    {
      const std::string* named = r.calendar ? &*r.calendar
                                 : rules_.defaults && rules_.defaults->calendar ? &*rules_.defaults->calendar
                                                                               : nullptr;
      auto it = named ? s_->calendar_index.find(*named) : s_->calendar_index.end();
      condition_calendar_broken_ = it != s_->calendar_index.end() && it->second == kNone;
      // A calendar without a readable id may be the one named; broken defaults were dropped whole, their
      // calendar with them.
      if (named && it == s_->calendar_index.end() && rules_.unknown_calendars) condition_calendar_broken_ = true;
      if (!r.calendar && rules_.broken_defaults) condition_calendar_broken_ = true;
    }
    if (r.when) cr.when = condition(*r.when, cr.condition_calendar, 0, rok);
    if (r.route.empty()) rerr(base + "/route", "a rule needs at least one role reference in \"route\"");
    for (std::size_t k = 0; k < r.route.size(); ++k) {
      RoleKeyId key = role_ref(r.route[k], ptr(base + "/route", k), rok);
      if (key != kNone) cr.route.push_back(key);
    }
    for (std::size_t k = 0; k < r.assist.size(); ++k) {
      RoleKeyId key = role_ref(r.assist[k], ptr(base + "/assist", k), rok);
      if (key != kNone) cr.assist.push_back(key);
    }
    if (r.sla) {
      cr.respond = duration(r.sla->respond, base + "/sla/respond", rok);
      cr.resolve = duration(r.sla->resolve, base + "/sla/resolve", rok);
    }
    if (!cr.respond) cr.respond = s_->default_respond;
    if (!cr.resolve) cr.resolve = s_->default_resolve;
    if (r.escalation) {
      auto it = s_->policy_index.find(*r.escalation);
      Problems::Muted maybe_declared(problems_, rules_.unknown_policies);
      if (it == s_->policy_index.end())
        rerr(base + "/escalation", detail::cat("unknown escalation policy \"", *r.escalation, "\"", policy_hint(*r.escalation)));
      else
        cr.policy = it->second;
    } else {
      cr.policy = default_policy;
    }
    s_->rules.push_back(std::move(cr));
  }
}

void Compiler::policies_and_defaults() {
  // Rules by id (pinned cases name theirs, SPEC §6.1); the rules no longer move.
  s_->rule_index.reserve(s_->rules.size());
  for (std::size_t r = 0; r < s_->rules.size(); ++r) s_->rule_index.emplace(s_->rules[r].id, static_cast<RuleId>(r));
  auto r_side = reads(kR);  // but a level's tier and whether a handler has its roles are the jurisdiction's
  for (std::size_t i = 0; i < rules_.escalation_policies.size(); ++i) {
    auto& p = rules_.escalation_policies[i];
    std::string base = ptr("/escalation_policies", i);
    // A policy whose own shape is broken is compiled (its index is its position) but not checked.
    Problems::Muted unchecked(problems_, broken(rules_.broken_policies, i));
    CompiledPolicy cp;
    cp.id = p.id;
    bool ok = true;
    if (p.levels.empty()) rerr(base + "/levels", "a policy needs at least one level (level 0: the routed owner)");
    for (std::size_t l = 0; l < p.levels.size(); ++l) {
      auto& lv = p.levels[l];
      std::string lb = ptr(base + "/levels", l);
      CompiledLevel cl;
      cl.name = lv.name.value_or(detail::cat("level ", l));
      if (l == 0) {
        if (lv.tier || !lv.route.empty() || lv.respond || lv.resolve || !lv.assist.empty())
          rerr(lb, "level 0 is the routed owner with the rule's SLA (and the rule's assists); it takes only a \"name\"");
        cp.levels.push_back(std::move(cl));
        continue;
      }
      if (!lv.tier) {
        rerr(lb, "missing field 'tier'");
      } else {
        auto both = reads(kBoth);
        auto it = tier_index_.find(*lv.tier);
        if (it == tier_index_.end()) rerr(lb + "/tier", detail::cat("unknown tier \"", detail::clipped(*lv.tier), "\"", tier_hint(*lv.tier)));
        else cl.tier = it->second;
      }
      if (lv.route.empty()) rerr(lb + "/route", "a level needs at least one role reference in \"route\"");
      // A level none of whose roles any handler has is valid (SPEC §3.5 passes it over for every cell);
      // `gridroute check` warns about it.
      for (std::size_t k = 0; k < lv.route.size(); ++k) {
        RoleKeyId key = role_ref(lv.route[k], ptr(lb + "/route", k), ok);
        if (key != kNone) cl.route.push_back(key);
      }
      for (std::size_t k = 0; k < lv.assist.size(); ++k) {
        RoleKeyId key = role_ref(lv.assist[k], ptr(lb + "/assist", k), ok);
        if (key != kNone) cl.assist.push_back(key);
      }
      cl.respond = duration(lv.respond, lb + "/respond", ok);
      cl.resolve = duration(lv.resolve, lb + "/resolve", ok);
      if (!cl.respond) cl.respond = s_->default_respond;
      if (!cl.resolve) cl.resolve = s_->default_resolve;
      cp.levels.push_back(std::move(cl));
    }
    if (p.repeat_reports && *p.repeat_reports < 1)
      rerr(base + "/repeat_reports", "repeat_reports must be at least 1");
    if (p.rating_below && (*p.rating_below < 1 || *p.rating_below > 6))
      rerr(base + "/rating_below", "rating_below must be 1 to 6 (ratings are 1 to 5; a rating below it reopens)");
    cp.repeat_reports = p.repeat_reports;
    cp.rating_below = p.rating_below;
    if (p.severity_skip) {
      cp.has_skip = true;
      cp.skip_at_least = p.severity_skip->at_least;
      auto to = p.severity_skip->to_level;
      if (to < 1 || to >= static_cast<std::int64_t>(p.levels.size()))
        rerr(base + "/severity_skip/to_level",
             p.levels.size() <= 1
                 ? detail::cat("to_level ", to, " is out of range: policy \"", p.id,
                               "\" has no level above level 0 to skip to")
                 : detail::cat("to_level ", to, " is out of range: policy \"", p.id, "\" has levels 1 to ",
                               static_cast<std::int64_t>(p.levels.size()) - 1));
      else
        cp.skip_to_level = static_cast<int>(to);
    }
    s_->policies.push_back(std::move(cp));
  }
}

void Compiler::categories() {
  auto& rs = s_->rules;
  s_->has_taxonomy = rules_.categories.has_value();
  if (s_->has_taxonomy) {
    auto& cats = *rules_.categories;
    absl::flat_hash_set<std::string_view> seen;
    for (std::size_t i = 0; i < cats.size(); ++i) {
      if (!valid_code(cats[i].code)) {
        rerr(ptr("/categories", i, "code"), detail::cat("category code \"", cats[i].code,
                                                        "\" must be dotted segments of [a-z0-9_]"));
        continue;
      }
      if (!seen.insert(cats[i].code).second) {
        rerr(ptr("/categories", i, "code"), detail::cat("duplicate category code \"", cats[i].code, "\""));
        continue;
      }
      s_->categories.push_back(cats[i].code);
    }
    s_->category_index.reserve(s_->categories.size());
    for (std::size_t i = 0; i < s_->categories.size(); ++i)
      s_->category_index.emplace(s_->categories[i], static_cast<CategoryId>(i));
    s_->category_slots.build(s_->categories);
  }
  // One group per distinct pattern, with its rules in file order (a rule once, at its first such pattern).
  std::vector<std::vector<std::pair<RuleId, std::int32_t>>> members;
  std::vector<std::int32_t> specificity;
  auto group = [&](StringMap<std::string, std::int32_t>* map, std::string_view key, std::int32_t spec) {
    std::int32_t* slot = &s_->star_group;
    if (map) slot = &map->try_emplace(std::string(key), -1).first->second;
    if (*slot < 0) {
      *slot = static_cast<std::int32_t>(members.size());
      members.emplace_back();
      specificity.push_back(spec);
    }
    return *slot;
  };
  std::vector<std::int32_t> mine;
  s_->rule_group_offset.assign(1, 0);
  for (std::size_t r = 0; r < rs.size(); ++r) {
    mine.clear();
    for (std::size_t k = 0; k < rs[r].patterns.size(); ++k) {
      const std::string& pat = rs[r].patterns[k];
      std::int32_t g;
      if (pat == "*") {
        g = group(nullptr, {}, 0);
      } else if (pat.ends_with(".*")) {
        std::string_view code = std::string_view(pat).substr(0, pat.size() - 2);
        g = group(&s_->prefix_groups, code, static_cast<std::int32_t>(std::count(code.begin(), code.end(), '.')) + 1);
      } else {
        g = group(&s_->exact_groups, pat, 1 << 20);
      }
      auto& m = members[static_cast<std::size_t>(g)];
      if (!m.empty() && m.back().first == static_cast<RuleId>(r)) continue;  // the same pattern twice
      m.emplace_back(static_cast<RuleId>(r), static_cast<std::int32_t>(k));
      mine.push_back(g);
    }
    if (mine.size() > 1) {
      std::sort(mine.begin(), mine.end());
      s_->rule_groups.append(mine.begin(), mine.end());
    }
    s_->rule_group_offset.push_back(static_cast<std::uint32_t>(s_->rule_groups.size()));
  }
  // The groups read the unit tree's intervals: with errors already found the tree may be partial, and
  // the bundle is refused anyway.
  if (!problems_.empty()) return;
  if (s_->rule_groups.size() > std::numeric_limits<std::uint32_t>::max() ||
      [&] {
        std::size_t n = 0;
        for (auto& m : members) n += m.size();
        return n > std::numeric_limits<std::uint32_t>::max();
      }()) {
    rerr("/rules", "more category patterns than the index can hold (2^32)");
    return;
  }
  s_->groups.resize(members.size());
  for (std::size_t g = 0; g < members.size(); ++g) {
    Index::PatternGroup& pg = s_->groups[g];
    pg.first = static_cast<std::uint32_t>(s_->candidates.size());
    for (auto [r, k] : members[g]) {
      const UnitId scope = rs[static_cast<std::size_t>(r)].scope;
      s_->candidates.push_back({r, specificity[g], k, s_->hot[scope].tin, s_->hot[scope].tout});
    }
    members[g] = {};
    auto& owned = s_->candidates.owned();  // sorted in place: the column's view stays valid
    std::sort(owned.begin() + pg.first, owned.end(), [&](const Candidate& x, const Candidate& y) { return wins_over(*s_, x, y); });
    pg.count = static_cast<std::uint32_t>(s_->candidates.size() - pg.first);
    pg.multi_first = static_cast<std::uint32_t>(s_->multi_positions.size());
    for (std::uint32_t i = 0; i < pg.count; ++i)
      if (!s_->groups_of_rule(s_->candidates[pg.first + i].rule).empty()) s_->multi_positions.push_back(i);
    pg.multi_count = static_cast<std::uint32_t>(s_->multi_positions.size() - pg.multi_first);
  }
  if (s_->has_taxonomy) {
    s_->category_group_offset.assign(1, 0);
    GroupChain chain;
    for (const std::string& code : s_->categories) {
      groups_for(*s_, code, kNone, chain);
      s_->category_groups.append(chain.begin(), chain.end());
      s_->category_group_offset.push_back(static_cast<std::uint32_t>(s_->category_groups.size()));
    }
  }
  build_scope_index();
}

void Compiler::build_scope_index() {
  Index& s = *s_;
  for (std::size_t g = 0; g < s.groups.size(); ++g)
    build_group_scope_index(s.candidates.span(), s.groups.at_mut(g), s.scope_nodes, s.scope_positions);
  build_merged_chains(s, merged_chain_budget(s));
}

}  // namespace gridroute::detail
