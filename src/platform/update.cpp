#include "platform/update.hpp"

#include <boost/json.hpp>

#include "gridroute/time.hpp"

namespace gridroute::platform {

namespace json = boost::json;

namespace {

const json::string* string_field(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v ? v->if_string() : nullptr;
}

// The next check `text`, unless it is missing, unreadable or not after `now`: then the case parks.
void set_next_check(CaseUpdate& u, const json::string* text, Instant now) {
  if (!text) return;
  auto t = parse_rfc3339(std::string_view(*text));
  if (!t.ok()) {
    u.warning = "next check " + std::string(*text) + " is not an RFC 3339 time; the case is parked";
    return;
  }
  if (*t <= now) {
    u.warning = "next check " + std::string(*text) + " is not after now; the case is parked";
    return;
  }
  u.next_check = std::string(*text);
}

}  // namespace

CaseUpdate plan_update(std::string_view answer, std::string_view now_text) {
  CaseUpdate u;
  json::error_code ec;
  json::value v = json::parse(json::string_view(answer.data(), answer.size()), ec);
  const json::object* a = ec ? nullptr : v.if_object();
  const json::string* action = a ? string_field(*a, "action") : nullptr;
  if (!action) {
    u.action = "rejected";
    u.warning = "the engine's answer has no action; the case is parked";
    return u;
  }
  u.action = std::string(*action);
  if (const json::string* b = string_field(*a, "bundle")) u.bundle = std::string(*b);
  auto now = parse_rfc3339(now_text);
  if (!now.ok()) {  // the worker formats `now` itself; this is a guard, not an input check
    u.warning = "now is not an RFC 3339 time; the case is parked";
    return u;
  }

  json::object patch;
  if (u.action == "escalate" || u.action == "reopen" || u.action == "redispatch") {
    const json::value* level = a->if_contains("level");
    if (!level || !level->is_int64()) {
      u.warning = "the " + u.action + " answer has no level; the case is parked";
      return u;
    }
    u.moved = true;
    patch["level"] = level->as_int64();
    patch["level_started_at"] = json::string_view(now_text.data(), now_text.size());
    patch["responded"] = false;
    patch["reports"] = 0;
    patch["status"] = "open";
    if (const json::value* rule = a->if_contains("rule")) patch["rule"] = *rule;
    if (const json::value* handler = a->if_contains("handler")) patch["handler"] = *handler;
    // The earlier of the new level's two deadlines: the first one that can fire.
    const json::string* respond = string_field(*a, "respond_by");
    const json::string* resolve = string_field(*a, "resolve_by");
    const json::string* first = respond ? respond : resolve;
    if (respond && resolve) {
      auto r1 = parse_rfc3339(std::string_view(*respond));
      auto r2 = parse_rfc3339(std::string_view(*resolve));
      if (r1.ok() && r2.ok() && *r2 < *r1) first = resolve;
    }
    set_next_check(u, first, *now);
    if (!first) u.warning = "the " + u.action + " answer has no deadline; the case is parked";
  } else if (u.action == "hold" || u.action == "suspended") {
    const json::string* next = string_field(*a, "next_check");
    set_next_check(u, next, *now);
    // An open-ended suspension has no next check; a hold always has one.
    if (!next && u.action == "hold") u.warning = "the hold answer has no next_check; the case is parked";
  } else if (u.action != "none" && u.action != "overdue" && u.action != "dispute" && u.action != "rejected") {
    u.warning = "unknown action '" + u.action + "'; the case is parked";
  }
  // A located case keeps the cell found (SPEC §7): the platform sends it as `cell` from then on.
  if (const json::string* cell = string_field(*a, "cell")) patch["cell"] = *cell;
  // An answer that re-pins the case (SPEC §6.1: its pinned rule or handler is no longer in the bundle)
  // names the new owner, and the rule when it gives one: stored whatever the action, so that the case is
  // pinned again and not re-pinned at every evaluation. A rule the answer does not give stays as it is.
  if (const json::value* rp = a->if_contains("repinned"); rp && rp->is_bool() && rp->get_bool()) {
    if (const json::value* rule = a->if_contains("rule"); rule && !patch.contains("rule")) patch["rule"] = *rule;
    if (const json::value* handler = a->if_contains("handler"); handler && !patch.contains("handler"))
      patch["handler"] = *handler;
  }
  if (!patch.empty()) u.patch = json::serialize(patch);
  return u;
}

}  // namespace gridroute::platform
