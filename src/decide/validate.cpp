// The one check of issue, case and time values (see validate.hpp).
#include "decide/validate.hpp"

#include "base/strings.hpp"
#include "base/text.hpp"

namespace gridroute::detail {

std::string instant_error(Instant t, std::string_view name) {
  if (t >= kMinInstant && t < kMaxInstant) return {};
  if (t == kNoInstant) return cat("missing field '", name, "'");
  if (t < kMinInstant || t >= kMaxInstant)
    return cat("field '", name,
               "' must be before 9000-01-01T00:00:00Z (the calendar range) and not before 0000-01-01T00:00:00Z");
  return {};
}

namespace {

bool utf8_field(std::string_view value, std::string_view name, std::string& error) {
  if (valid_utf8(value)) return true;
  error = cat("invalid UTF-8 in field '", name, "'");
  return false;
}

// Each attribute name and string value, in order: the first that is not UTF-8.
bool check_attr_text(const Issue& is, std::string& error) {
  for (const auto& [name, v] : is.attrs) {
    if (!valid_utf8(name)) {
      error = "invalid UTF-8 in an attribute name";
      return false;
    }
    if (v.type == AttrValue::Type::string && !valid_utf8(v.str)) {
      error = cat("invalid UTF-8 in attribute '", name, "'");
      return false;
    }
  }
  return true;
}

}  // namespace

bool check_later_text(const Issue& is, std::string& error) {
  return utf8_field(is.category, "category", error) && check_attr_text(is, error);
}

bool check_issue(const Issue& is, std::string& error, bool cell_known, bool text_later) {
  // A cell given by number: the text of `cell` is not read at all.
  const std::string_view cell = cell_known ? std::string_view() : is.cell;
  // The usual issue first, in one pass without branches per field: ASCII text, every bound held. Any
  // doubt falls to the checks below, which name the field.
  // (`&`, not `&&`: every scan runs, with no branch between them.)
  const bool id_plain = ascii_only(is.id), cell_plain = ascii_only(cell);
  bool plain = id_plain & cell_plain;
  if (!text_later) {
    plain &= ascii_only(is.category);
    for (const auto& [name, v] : is.attrs) {
      const bool name_plain = ascii_only(name);
      const bool value_plain = v.type != AttrValue::Type::string || ascii_only(v.str);
      plain &= name_plain & value_plain;
    }
  }
  if (plain && is.id.size() <= kMaxIssueIdBytes && !is.category.empty() && (!cell.empty() || is.has_location || cell_known) &&
      is.at >= kMinInstant && is.at < kMaxInstant)
    return true;
  if (!utf8_field(is.id, "id", error)) return false;
  if (is.id.size() > kMaxIssueIdBytes) {
    error = cat("field 'id' is ", is.id.size(), " bytes, over the limit of ", kMaxIssueIdBytes);
    return false;
  }
  if (!utf8_field(is.category, "category", error) || !utf8_field(cell, "cell", error)) return false;
  if (is.category.empty()) {
    error = "missing field 'category'";
    return false;
  }
  if (cell.empty() && !is.has_location && !cell_known) {
    error = "missing field 'cell' (or 'location': [longitude, latitude])";
    return false;
  }
  if (is.at < kMinInstant || is.at >= kMaxInstant) {
    error = instant_error(is.at, "at");
    return false;
  }
  return check_attr_text(is, error);
}

bool check_case(const Case& c, std::string& error) {
  return check_issue(c.issue, error) && check_case_state(c, error);
}

bool check_case_state(const Case& c, std::string& error) {
  // The usual case first, in one pass: every bound held, ASCII ids, no lifecycle lists. Any doubt falls
  // to the checks below, which name the field.
  if (c.level >= 0 && c.level <= kMaxCaseLevel && c.level_started_at >= kMinInstant &&
      c.level_started_at < kMaxInstant && c.reports >= 0 && c.reports <= kMaxReports &&
      (!c.rating || (*c.rating >= 1 && *c.rating <= 5)) && (!c.rule || ascii_only(*c.rule)) &&
      (!c.handler || ascii_only(*c.handler)) && c.returned.empty() && c.suspended.empty() &&
      c.extended_to == kNoInstant)
    return true;
  if (c.level < 0 || c.level > kMaxCaseLevel) {
    error = cat("field 'level' must be a non-negative integer (at most ", kMaxCaseLevel, "), got ", c.level);
    return false;
  }
  if (c.level_started_at < kMinInstant || c.level_started_at >= kMaxInstant) {
    error = instant_error(c.level_started_at, "level_started_at");
    return false;
  }
  if (c.reports < 0 || c.reports > kMaxReports) {
    error = cat("field 'reports' must be a non-negative integer (at most ", kMaxReports, "), got ", c.reports);
    return false;
  }
  if (c.rating && (*c.rating < 1 || *c.rating > 5)) {
    error = cat("field 'rating' must be an integer 1..5, got ", *c.rating);
    return false;
  }
  // The lifecycle (SPEC §6).
  if ((c.rule && !utf8_field(*c.rule, "rule", error)) || (c.handler && !utf8_field(*c.handler, "handler", error)))
    return false;
  for (std::size_t i = 0; i < c.returned.size(); ++i) {
    const Return& r = c.returned[i];
    const std::string at = cat("returned/", i);
    if (r.handler.empty()) {
      error = cat("missing field '", at, "/handler'");
      return false;
    }
    if (!utf8_field(r.handler, at + "/handler", error) || !utf8_field(r.reason, at + "/reason", error)) return false;
    if (error = instant_error(r.at, at + "/at"); !error.empty()) return false;
  }
  for (std::size_t i = 0; i < c.suspended.size(); ++i) {
    const Suspension& e = c.suspended[i];
    const std::string at = cat("suspended/", i);
    if (error = instant_error(e.from, at + "/from"); !error.empty()) return false;
    if (e.to != kNoInstant) {
      if (error = instant_error(e.to, at + "/to"); !error.empty()) return false;
      if (e.to <= e.from) {
        error = cat("field '", at, "/to' must be after its 'from'");
        return false;
      }
    }
  }
  if (c.extended_to != kNoInstant) {
    if (error = instant_error(c.extended_to, "extended_to"); !error.empty()) return false;
  }
  return true;
}

bool check_now(Instant now, std::string& error) {
  if (now >= kMinInstant && now < kMaxInstant) return true;
  // Not a field of the case: the caller's time to evaluate at (--now, or an API's argument) was not given.
  error = now == kNoInstant ? "no time to evaluate at: 'now' is not set" : instant_error(now, "now");
  return false;
}

}  // namespace gridroute::detail
