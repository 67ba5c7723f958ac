// Reading issue and case lines (see io/parser.hpp).
#include "io/parser.hpp"

#include <algorithm>

#include "base/encoding.hpp"
#include "base/json_text.hpp"
#include "base/strings.hpp"
#include "base/suggest.hpp"
#include "base/text.hpp"
#include "geo/locator.hpp"

namespace gridroute::detail {
namespace json = boost::json;
namespace {

// Lines are objects of fields, with attributes and lists inside: a little depth is plenty.
constexpr std::size_t kMaxLineDepth = 32;

// "invalid UTF-8 in field 'category'" (or in attribute 'x'), as the core words it for the struct path;
// the text before the bad byte is read as far as JSON goes to find the field. A bad byte in a member's
// name is said to be in a name, not in the value read before it.
std::string utf8_error(std::string_view line, std::size_t bad) {
  const BytePlace where = byte_place(line, bad);
  if (where.in == BytePlace::In::name) {
    if (where.depth == 1) return "invalid UTF-8 in a field's name";
    if (where.depth == 2 && where.parent == "attrs") return "invalid UTF-8 in an attribute name";
    return cat("invalid UTF-8 in the line", encoding_hint(line, bad, TextKind::line));
  }
  if (where.in == BytePlace::In::outside) return cat("invalid UTF-8 in the line", encoding_hint(line, bad, TextKind::line));
  std::string p = pointer_at(line.substr(0, bad + 1), bad);
  if (p.starts_with("/attrs/") && p.find('/', 7) == std::string::npos) return cat("invalid UTF-8 in attribute '", p.substr(7), "'");
  if (p.size() > 1 && p.find('/', 1) == std::string::npos) return cat("invalid UTF-8 in field '", p.substr(1), "'");
  return cat("invalid UTF-8 in the line", encoding_hint(line, bad, TextKind::line));
}

json::parse_options line_options() {
  json::parse_options o;
  o.max_depth = kMaxLineDepth;
  return o;
}

}  // namespace

LineParser::LineParser(std::size_t max_line_bytes, const Zone* local_zone)
    : max_line_bytes_(max_line_bytes), local_zone_(local_zone), parser_(json::storage_ptr(), line_options()) {}

// An instant of a line: RFC 3339 with an offset; without one only when the bundle reads local times.
bool LineParser::read_time(const json::value& v, Instant& out) const {
  if (!v.is_string()) return false;
  auto t = local_zone_ ? parse_time_local(v.get_string(), *local_zone_) : parse_rfc3339(v.get_string());
  if (!t.ok()) return false;
  out = *t;
  return true;
}

std::string LineParser::too_long(std::size_t length) const {
  return cat("the line is ", length, " bytes, over the limit of ", max_line_bytes_, " bytes per line (--max-line-bytes)");
}

bool LineParser::fail(std::string msg) {
  error_ = std::move(msg);
  return false;
}

bool LineParser::parse(std::string_view line, json::value& value, json::storage_ptr sp) {
  duplicate_.clear();
  not_utf8_ = false;
  // Hardening: a line over the cap is not parsed at all (its id is not read either).
  if (line.size() > max_line_bytes_) return fail(too_long(line.size()));
  if (std::size_t bad = 0; !valid_utf8(line, bad)) {
    not_utf8_ = true;
    return fail(utf8_error(line, bad));
  }
  parser_.reset(std::move(sp));
  if (std::string error = parse_line(parser_, line, kMaxLineDepth); !error.empty()) return fail(std::move(error));
  value = parser_.release();
  if (!value.is_object()) return fail("a line must be a JSON object");
  // Hardening: Boost.JSON keeps the last of repeated keys; a line that says "cell" twice is refused
  // rather than routed on one of them (different readers would pick different ones). Counting is
  // cheap; the slow search for the key runs only when the counts differ.
  if (keys_repeat(line, value)) {
    auto dups = duplicate_keys(line, 1);
    duplicate_ = dups.empty() ? std::string("/") : dups.front().first;
  }
  return true;
}

bool LineParser::issue_fields(std::string_view line, const json::object& o, Issue& is, LineId& id, LineSlot& slot) {
  id = {};
  auto idv = o.if_contains("id");
  if (!idv) return missing(o, "id");
  if (idv->is_string()) {
    id = {idv->get_string(), LineId::string};
  } else if (idv->is_int64() || idv->is_uint64()) {
    // Contract 1.1: an integer id (a platform's order number) is written back as the integer it was.
    // The digits as the line wrote them (so "-0" stays "-0", as on the fast path).
    auto raw = value_text(line, "/id");
    slot.id_digits = raw.empty() ? json::serialize(*idv) : std::string(raw);
    id = {slot.id_digits, LineId::integer};
  } else if (auto raw = idv->is_double() ? value_text(line, "/id") : std::string_view(); !raw.empty()) {
    // An integer past 64 bits (Boost.JSON holds it as a double) is an id all the same, written back
    // with the line's digits (SPEC §4 gives integer ids no range: an order number of 20 digits or more).
    // Any other number is quoted as the line wrote it (1e3, not the 1000 it stands for).
    if (!integer_text(raw)) return fail(cat("field 'id' must be a string or an integer, got ", utf8_prefix(raw, 80)));
    slot.id_digits = raw;
    id = {slot.id_digits, LineId::integer};
  } else {
    return fail(cat("field 'id' must be a string or an integer, got ", brief(*idv)));
  }
  is.id = id.text;
  if (!duplicate_.empty()) {
    if (duplicate_ == "/id") id = {};  // which id would be a guess
    return fail(cat("duplicate key at ", duplicate_, " (a key may appear once in an object)"));
  }
  if (!str_field(o, "category", is.category)) return false;
  // "" is a category id that the bundle cannot have (the core takes an empty category for none).
  if (is.category.empty()) return fail("unknown category ''");
  // The cell, or a location instead (SPEC §7): with both the cell is used; null counts as absent. "" is
  // a cell id, which no cell has (the core takes an empty cell for none, so it is answered here).
  is.has_location = false;
  if (auto cell = o.if_contains("cell"); cell && !cell->is_null()) {
    if (!cell->is_string()) return fail(cat("field 'cell' must be a string, got ", brief(*cell)));
    if (cell->get_string().empty()) return fail("unknown cell ''");
    is.cell = cell->get_string();
  } else if (auto loc = o.if_contains("location"); loc && !loc->is_null()) {
    // Read from the text: each coordinate is the binary64 value nearest to what is written.
    auto p = geo::read_location_text(value_text(line, "/location"));
    if (!p.ok()) return fail(std::string(p.status().message()));
    is.has_location = true;
    is.lon = p->lon;
    is.lat = p->lat;
  } else {
    return missing(o, "cell", " (or 'location': [longitude, latitude])");
  }
  if (!time_field(o, "at", is.at)) return false;
  is.attrs.clear();
  if (auto a = o.if_contains("attrs")) {
    if (a->is_null()) return true;
    if (!a->is_object()) return fail(cat("field 'attrs' must be an object, got ", brief(*a)));
    for (const auto& kv : a->get_object()) {
      const json::value& v = kv.value();
      AttrValue av;
      switch (v.kind()) {
        case json::kind::bool_: av = AttrValue::boolean(v.get_bool()); break;
        case json::kind::int64:
        case json::kind::uint64:
        case json::kind::double_: av = AttrValue::number(v.to_number<double>()); break;
        case json::kind::string: av = AttrValue::string(v.get_string()); break;
        case json::kind::null: av.type = AttrValue::Type::null_; break;
        case json::kind::object: av.type = AttrValue::Type::object; break;
        case json::kind::array: av.type = AttrValue::Type::list; break;
      }
      is.attrs.emplace_back(std::string_view(kv.key()), av);
    }
  }
  return true;
}

bool LineParser::case_fields(const json::object& o, Case& c) {
  std::int64_t level = 0, reports = 0, rating = 0;
  // The JSON shape only (an integer the field can hold); the range is the core's (decide/validate.hpp).
  if (!int_field(o, "level", level, INT32_MIN, INT32_MAX, "a non-negative integer") ||
      !time_field(o, "level_started_at", c.level_started_at))
    return false;
  auto r = o.if_contains("responded");
  if (!r) return missing(o, "responded");
  if (!r->is_bool()) return fail(cat("field 'responded' must be true or false, got ", brief(*r)));
  c.responded = r->get_bool();
  if (!int_field(o, "reports", reports, INT64_MIN, INT64_MAX, "a non-negative integer")) return false;
  auto st = o.if_contains("status");
  if (!st) return missing(o, "status");
  if (!st->is_string() || (st->get_string() != "open" && st->get_string() != "resolved"))
    return fail(cat("field 'status' must be 'open' or 'resolved', got ", brief(*st)));
  c.resolved = st->get_string() == "resolved";
  c.rating.reset();
  if (o.contains("rating") && !o.at("rating").is_null()) {
    if (!int_field(o, "rating", rating, INT32_MIN, INT32_MAX, "an integer 1..5")) return false;
    c.rating = static_cast<int>(rating);
  }
  c.level = static_cast<int>(level);
  c.reports = reports;
  return lifecycle_fields(o, c);
}

bool LineParser::optional_string(const json::object& o, std::string_view name, std::optional<std::string_view>& out) {
  out.reset();
  auto v = o.if_contains(name);
  if (!v || v->is_null()) return true;
  if (!v->is_string()) return fail(cat("field '", name, "' must be a string, got ", brief(*v)));
  out = std::string_view(v->get_string());
  return true;
}

bool LineParser::optional_time(const json::value& v, std::string_view name, Instant& out) {
  out = kNoInstant;
  if (v.is_null() || read_time(v, out)) return true;
  return time_fault(v, name);
}

bool LineParser::time_fault(const json::value& v, std::string_view name) {
  if (local_zone_ && v.is_string())  // say why a local time was refused (a daylight-saving gap)
    if (auto t = parse_time_local(v.get_string(), *local_zone_);
        !t.ok() && std::string(t.status().message()).find("does not exist") != std::string::npos)
      return fail(cat("field '", name, "': ", std::string(t.status().message())));
  const std::string why = v.is_string() ? date_time_fault(v.get_string()) : std::string();
  return fail(cat("field '", name, "' must be an RFC 3339 time", local_zone_ ? "" : " with an offset", ", got ", brief(v),
                  why.empty() ? "" : "; ", why));
}

// The lifecycle of SPEC §6: a pinned rule and handler, returns, suspensions, an extension. `null` counts
// as absent in each; the shape of each entry is checked here, the values by the core.
bool LineParser::lifecycle_fields(const json::object& o, Case& c) {
  if (!optional_string(o, "rule", c.rule) || !optional_string(o, "handler", c.handler)) return false;
  c.returned.clear();
  if (auto v = o.if_contains("returned"); v && !v->is_null()) {
    if (!v->is_array()) return fail(cat("field 'returned' must be a list of returns, got ", brief(*v)));
    for (std::size_t i = 0; i < v->get_array().size(); ++i) {
      const json::value& e = v->get_array()[i];
      const std::string at = cat("returned/", i);
      if (!e.is_object()) return fail(cat("field '", at, "' must be an object {\"handler\", \"at\", \"reason\"}, got ", brief(e)));
      Return r;
      for (const auto& kv : e.get_object()) {
        const std::string_view key = kv.key();
        const json::value& x = kv.value();
        if (key == "handler") {
          if (!x.is_string()) return fail(cat("field '", at, "/handler' must be a string, got ", brief(x)));
          r.handler = x.get_string();
        } else if (key == "at") {
          if (!optional_time(x, at + "/at", r.at)) return false;
        } else if (key == "reason") {
          if (!x.is_null() && !x.is_string()) return fail(cat("field '", at, "/reason' must be a string, got ", brief(x)));
          if (x.is_string()) r.reason = x.get_string();
        } else {
          return fail(cat("unknown key '", key, "' in field '", at, "' (a return has handler, at and reason)"));
        }
      }
      if (!e.get_object().contains("handler")) return fail(cat("missing field '", at, "/handler'"));
      if (r.at == kNoInstant) return fail(cat("missing field '", at, "/at'"));
      c.returned.push_back(r);
    }
  }
  c.suspended.clear();
  if (auto v = o.if_contains("suspended"); v && !v->is_null()) {
    if (!v->is_array()) return fail(cat("field 'suspended' must be a list of suspensions, got ", brief(*v)));
    for (std::size_t i = 0; i < v->get_array().size(); ++i) {
      const json::value& e = v->get_array()[i];
      const std::string at = cat("suspended/", i);
      if (!e.is_object()) return fail(cat("field '", at, "' must be an object {\"from\", \"to\"}, got ", brief(e)));
      Suspension s;
      for (const auto& kv : e.get_object()) {
        const std::string_view key = kv.key();
        if (key == "from") {
          if (!optional_time(kv.value(), at + "/from", s.from)) return false;
        } else if (key == "to") {
          if (!optional_time(kv.value(), at + "/to", s.to)) return false;
        } else {
          return fail(cat("unknown key '", key, "' in field '", at, "' (a suspension has from and to)"));
        }
      }
      if (s.from == kNoInstant) return fail(cat("missing field '", at, "/from'"));
      c.suspended.push_back(s);
    }
  }
  c.extended_to = kNoInstant;
  if (auto v = o.if_contains("extended_to")) return optional_time(*v, "extended_to", c.extended_to);
  return true;
}

bool LineParser::fast_issue(std::string_view line, Issue& is, LineId& id) {
  if (line.size() > max_line_bytes_ || !valid_utf8(line)) return false;
  is.attrs.clear();
  fast_.attrs = &is.attrs;
  if (!fast_.read(line)) return false;
  const FastLine::Field *idf = fast_.get(FastLine::id), *cat = fast_.get(FastLine::category),
                        *cell = fast_.get(FastLine::cell), *at = fast_.get(FastLine::at),
                        *attrs = fast_.get(FastLine::attrs_key), *location = fast_.get(FastLine::location);
  // An empty category goes the full way, which words it.
  if (!idf || !cat || !at || (idf->kind != 's' && idf->kind != 'i') || cat->kind != 's' || cat->text.empty() ||
      at->kind != 's')
    return false;
  // The cell, or (absent or null) a location of two numbers instead (SPEC §7), as issue_fields reads them;
  // an empty cell goes the full way, which rejects it.
  const bool by_cell = cell && cell->kind == 's' && !cell->text.empty();
  const bool no_cell = !cell || cell->kind == 'n';
  if (!by_cell && (!no_cell || !location || location->kind != 'l')) return false;
  if (attrs && attrs->kind != 'a' && attrs->kind != 'n') return false;
  if (!times_.read(at->text, is.at)) {
    auto t = parse_rfc3339(at->text);
    if (!t.ok()) return false;
    is.at = *t;
  }
  id = {idf->text, idf->kind == 'i' ? LineId::integer : LineId::string};
  is.id = idf->text;
  is.category = cat->text;
  if (by_cell) {
    is.cell = cell->text;
    return true;
  }
  auto p = geo::read_location_text(location->text);
  if (!p.ok()) return false;  // the full path words the error
  is.has_location = true;
  is.lon = p->lon;
  is.lat = p->lat;
  return true;
}

bool LineParser::fast_case(Case& c) {
  const FastLine::Field *level = fast_.get(FastLine::level), *started = fast_.get(FastLine::level_started_at),
                        *responded = fast_.get(FastLine::responded), *reports = fast_.get(FastLine::reports),
                        *status = fast_.get(FastLine::status), *rating = fast_.get(FastLine::rating);
  if (!level || level->kind != 'i' || level->integer < INT32_MIN || level->integer > INT32_MAX) return false;
  if (!started || started->kind != 's') return false;
  Instant started_at;
  if (!times_.read(started->text, started_at)) {
    auto t = parse_rfc3339(started->text);
    if (!t.ok()) return false;
    started_at = *t;
  }
  if (!responded || (responded->kind != 't' && responded->kind != 'f')) return false;
  if (!reports || reports->kind != 'i') return false;
  if (!status || status->kind != 's' || (status->text != "open" && status->text != "resolved")) return false;
  c.rating.reset();
  if (rating && rating->kind != 'n') {
    if (rating->kind != 'i' || rating->integer < INT32_MIN || rating->integer > INT32_MAX) return false;
    c.rating = static_cast<int>(rating->integer);
  }
  // The lifecycle fields take this path only as plain strings or null; lists go the full way.
  const FastLine::Field *rule = fast_.get(FastLine::rule), *handler = fast_.get(FastLine::handler),
                        *returned = fast_.get(FastLine::returned), *suspended = fast_.get(FastLine::suspended),
                        *extended = fast_.get(FastLine::extended_to);
  if ((returned && returned->kind != 'n') || (suspended && suspended->kind != 'n')) return false;
  if ((rule && rule->kind != 's' && rule->kind != 'n') || (handler && handler->kind != 's' && handler->kind != 'n'))
    return false;
  c.extended_to = kNoInstant;
  if (extended && extended->kind != 'n') {
    if (extended->kind != 's') return false;
    auto e = parse_rfc3339(extended->text);
    if (!e.ok()) return false;
    c.extended_to = *e;
  }
  c.rule.reset();
  c.handler.reset();
  if (rule && rule->kind == 's') c.rule = rule->text;
  if (handler && handler->kind == 's') c.handler = handler->text;
  c.returned.clear();
  c.suspended.clear();
  c.level_started_at = started_at;
  c.level = static_cast<int>(level->integer);
  c.responded = responded->kind == 't';
  c.reports = reports->integer;
  c.resolved = status->text == "resolved";
  return true;
}

void LineParser::id_of_line_not_utf8(std::string_view line, LineId& id, LineSlot& slot) const {
  // The line with each byte that breaks UTF-8 made a '?': the same offsets, and JSON wherever the line
  // is JSON apart from those bytes.
  std::string text(line);
  for (std::size_t from = 0, bad = 0; from < text.size() && !valid_utf8(std::string_view(text).substr(from), bad);
       from += bad + 1)
    text[from + bad] = '?';
  json::error_code ec;
  const json::value v = json::parse(text, ec, json::storage_ptr(), line_options());
  if (ec || !v.is_object()) return;
  const json::value* idv = v.get_object().if_contains("id");
  if (!idv || !(idv->is_string() || idv->is_int64() || idv->is_uint64() || idv->is_double())) return;
  // The id's own text must be the line's (no byte of it replaced), and its key written once.
  const std::string_view raw = value_text(text, "/id");
  if (raw.empty() || line.substr(static_cast<std::size_t>(raw.data() - text.data()), raw.size()) != raw) return;
  if (keys_repeat(text, v))
    for (const auto& [pointer, at] : duplicate_keys(text, std::size_t{1} << 20))
      if (pointer == "/id") return;
  if (idv->is_string()) {
    slot.id_digits = idv->get_string();
    id = {slot.id_digits, LineId::string};
  } else if (integer_text(raw)) {
    slot.id_digits = raw;
    id = {slot.id_digits, LineId::integer};
  }
}

bool LineParser::read_issue(std::string_view line, Issue& is, LineId& id, LineSlot& slot, json::storage_ptr sp) {
  // A fresh issue that keeps the attribute vector's capacity (no allocation per line).
  auto attrs = std::move(is.attrs);
  attrs.clear();
  is = Issue{};
  is.attrs = std::move(attrs);
  if (fast_issue(line, is, id)) return true;
  is.attrs.clear();
  id = {};
  if (!parse(line, slot.value, std::move(sp))) {
    if (not_utf8_) id_of_line_not_utf8(line, id, slot);
    return false;
  }
  return issue_fields(line, slot.value.get_object(), is, id, slot);
}

bool LineParser::read_case(std::string_view line, Case& c, LineId& id, LineSlot& slot, json::storage_ptr sp) {
  auto attrs = std::move(c.issue.attrs);
  attrs.clear();
  c = Case{};
  c.issue.attrs = std::move(attrs);
  if (fast_issue(line, c.issue, id) && fast_case(c)) return true;
  c.issue.attrs.clear();
  id = {};
  if (!parse(line, slot.value, std::move(sp))) {
    if (not_utf8_) id_of_line_not_utf8(line, id, slot);
    return false;
  }
  const json::object& o = slot.value.get_object();
  return issue_fields(line, o, c.issue, id, slot) && case_fields(o, c);
}

bool LineParser::missing(const json::object& o, std::string_view name, std::string_view more) {
  // A key of the line that is none of its fields and reads as this one misspelt ("catgory"); a line's
  // keys are few, and this runs only on a line already refused.
  static constexpr std::string_view kFields[] = {"id", "category", "cell", "location", "at", "attrs", "level",
                                                 "level_started_at", "responded", "reports", "status", "rating",
                                                 "rule", "handler", "returned", "suspended", "extended_to"};
  // The line's key nearest to `field` among those that are none of its fields, or "".
  const auto near_key = [&](std::string_view field) {
    Suggest near(field);
    for (const auto& kv : o)
      if (std::find(std::begin(kFields), std::end(kFields), kv.key()) == std::end(kFields)) near.consider(kv.key());
    return near.best();
  };
  std::string key = near_key(name);
  if (key.empty() && name == "cell") key = near_key("location");  // a location misspelt is the cell's absence too
  if (!key.empty()) return fail(cat("missing field '", name, "'", more, " (the line has '", key, "': misspelt?)"));
  return fail(cat("missing field '", name, "'", more));
}

bool LineParser::str_field(const json::object& o, std::string_view name, std::string_view& out) {
  auto v = o.if_contains(name);
  if (!v) return missing(o, name);
  if (!v->is_string()) return fail(cat("field '", name, "' must be a string, got ", brief(*v)));
  out = v->get_string();
  return true;
}

bool LineParser::time_field(const json::object& o, std::string_view name, Instant& out) {
  auto v = o.if_contains(name);
  if (!v) return missing(o, name);
  if (read_time(*v, out)) return true;
  return time_fault(*v, name);
}

bool LineParser::int_field(const json::object& o, std::string_view name, std::int64_t& out, std::int64_t lo,
                           std::int64_t hi, std::string_view what) {
  auto v = o.if_contains(name);
  if (!v) return missing(o, name);
  bool ok = false;
  if (v->is_int64()) {
    out = v->get_int64();
    ok = true;
  } else if (v->is_double()) {
    // Hardening: test the range before converting (converting an out-of-range double is undefined).
    double d = v->get_double();
    if (d >= -1e15 && d <= 1e15 && d == static_cast<double>(static_cast<std::int64_t>(d))) {
      out = static_cast<std::int64_t>(d);
      ok = true;
    }
  }
  if (!ok || out < lo || out > hi) return fail(cat("field '", name, "' must be ", what, ", got ", brief(*v)));
  return true;
}

}  // namespace gridroute::detail
