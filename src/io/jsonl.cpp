// JSON Lines in and out (SPEC §4).
#include "gridroute/jsonl.hpp"

#include <atomic>
#include <cmath>
#include <cstring>
#include <optional>

#include <boost/json.hpp>

#include "io/line_limits.hpp"
#include "load/json_text.hpp"
#include "util.hpp"

namespace gridroute {
namespace json = boost::json;

namespace {

constexpr std::size_t kMaxLineDepth = 32;


// Length of the well-formed UTF-8 sequence at s[i] (a byte >= 0x80), or 0 when it is not one.
std::size_t utf8_sequence(std::string_view s, std::size_t i) {
  auto c = static_cast<unsigned char>(s[i]);
  std::size_t n = c >= 0xC2 && c <= 0xDF ? 2 : c >= 0xE0 && c <= 0xEF ? 3 : c >= 0xF0 && c <= 0xF4 ? 4 : 0;
  if (n == 0 || i + n > s.size()) return 0;
  std::size_t bad = 0;
  return detail::valid_utf8(s.substr(i, n), bad) ? n : 0;
}

std::atomic<std::size_t> g_max_line_bytes{detail::kDefaultMaxLineBytes};

// Counts the members of every object in `v` (the keys Boost.JSON kept).
std::size_t kept_keys(const json::value& v) {
  if (v.is_object()) {
    std::size_t n = v.get_object().size();
    for (const auto& kv : v.get_object()) n += kept_keys(kv.value());
    return n;
  }
  if (v.is_array()) {
    std::size_t n = 0;
    for (const auto& e : v.get_array()) n += kept_keys(e);
    return n;
  }
  return 0;
}

// Counts the keys written in valid JSON text: the ':' outside strings.
std::size_t written_keys(std::string_view t) {
  std::size_t n = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < t.size(); ++i) {
    char c = t[i];
    if (in_string) {
      if (c == '\\') ++i;
      else if (c == '"') in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == ':') {
      ++n;
    }
  }
  return n;
}

std::string brief(const json::value& v) {
  switch (v.kind()) {
    case json::kind::object: return "an object";
    case json::kind::array: return "a list";
    default: {
      std::string s = json::serialize(v);
      // Hardening: cut on a UTF-8 boundary so the message stays valid UTF-8.
      if (s.size() > 60) s = std::string(detail::utf8_prefix(s, 57)) + "...";
      return s;
    }
  }
}

}  // namespace

bool valid_utf8(std::string_view s) {
  std::size_t bad = 0;
  return detail::valid_utf8(s, bad);
}

namespace detail {
void set_max_line_bytes(std::size_t bytes) { g_max_line_bytes.store(bytes ? bytes : kDefaultMaxLineBytes); }
std::size_t max_line_bytes() { return g_max_line_bytes.load(); }
}  // namespace detail

void append_json_string(std::string& out, std::string_view s) {
  out.push_back('"');
  // Fast path: most ids need no escaping (plain ASCII), checked eight bytes at a time — a word with a
  // byte >= 0x80, below 0x20, '"' or '\\' (possibly a false alarm) falls to the byte loop.
  std::size_t plain = 0;
  constexpr std::uint64_t kOnes = 0x0101010101010101ull, kHigh = 0x8080808080808080ull;
  while (plain + 8 <= s.size()) {
    std::uint64_t w;
    std::memcpy(&w, s.data() + plain, 8);
    const std::uint64_t q = w ^ (kOnes * '"'), b = w ^ (kOnes * '\\');
    if ((w | (w - kOnes * 0x20) | ((q - kOnes) & ~q) | ((b - kOnes) & ~b)) & kHigh) break;
    plain += 8;
  }
  while (plain < s.size()) {
    auto c = static_cast<unsigned char>(s[plain]);
    if (c < 0x20 || c == '"' || c == '\\' || c >= 0x80) break;
    ++plain;
  }
  out.append(s.data(), plain);
  s.remove_prefix(plain);
  for (std::size_t i = 0; i < s.size(); ++i) {
    char ch = s[i];
    auto c = static_cast<unsigned char>(ch);
    if (c >= 0x80) {
      // Hardening: output is always valid UTF-8. Inputs are validated, but a message may quote a
      // value cut short elsewhere; a byte that does not start a well-formed sequence becomes U+FFFD.
      std::size_t n = utf8_sequence(s, i);
      if (n == 0) {
        out += "\\ufffd";
      } else {
        out.append(s.data() + i, n);
        i += n - 1;
      }
      continue;
    }
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out.push_back(ch);
        }
    }
  }
  out.push_back('"');
}

namespace {

void append_id(std::string& out, std::string_view id, bool id_null) {
  out += "{\"id\": ";
  if (id_null) out += "null";
  else append_json_string(out, id);
}

void append_time(std::string& out, const Snapshot& s, Instant t) {
  if (t == kNoInstant) {
    out += "null";
    return;
  }
  out.push_back('"');
  append_rfc3339(out, t, s.zone);
  out.push_back('"');
}

void append_owner(std::string& out, const Snapshot& s, RoleKeyId role, HandlerId h) {
  out += ", \"role\": ";
  append_json_string(out, s.role_name(role));
  if (auto d = s.department(role); !d.empty()) {
    out += ", \"department\": ";
    append_json_string(out, d);
  }
  out += ", \"handler\": ";
  append_json_string(out, s.handler_id(h));
}

void append_handler_list(std::string& out, const Snapshot& s, auto&& list) {
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
  }
  return "";
}

}  // namespace

void append_decision(std::string& out, const Snapshot& s, std::string_view id, bool id_null, const Decision& d,
                     bool explain) {
  append_id(out, id, id_null);
  if (d.status == Decision::Status::rejected) {
    out += ", \"status\": \"rejected\", \"error\": ";
    append_json_string(out, d.message);
    out.push_back('}');
    return;
  }
  if (d.status == Decision::Status::unrouted) {
    out += ", \"status\": \"unrouted\", \"reason\": ";
    append_json_string(out, d.message);
  } else {
    const CompiledRule& r = s.rules[d.rule];
    out += ", \"status\": \"routed\", \"rule\": ";
    append_json_string(out, r.id);
    append_owner(out, s, d.role, d.handler);
    out += ", \"unit\": ";
    append_json_string(out, s.unit_id(d.unit));
    out += ", \"alternates\": ";
    append_handler_list(out, s, d.alternates);
    out += ", \"assist\": ";
    append_handler_list(out, s, d.assist);
    detail::append(out, ", \"level\": ", d.level, ", \"escalation\": ");
    if (d.policy == kNone) out += "null";
    else append_json_string(out, s.policies[d.policy].id);
    out += ", \"respond_by\": ";
    append_time(out, s, d.respond_by);
    out += ", \"resolve_by\": ";
    append_time(out, s, d.resolve_by);
  }
  if (explain) {
    out += ", \"trace\": [";
    bool first = true;
    for (const TraceEntry& t : d.trace) {
      if (!first) out += ", ";
      first = false;
      const CompiledRule& r = s.rules[t.rule];
      out += "{\"rule\": ";
      append_json_string(out, r.id);
      out += ", \"verdict\": ";
      append_json_string(out, to_string(t.verdict));
      detail::append(out, ", \"priority\": ", r.priority, ", \"scope\": ");
      append_json_string(out, s.unit_id(r.scope));
      detail::append(out, ", \"scope_depth\": ", r.scope_depth, ", \"pattern\": ");
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
      out.push_back('}');
    }
    out += "]";
  }
  out.push_back('}');
}

void append_action(std::string& out, const Snapshot& s, std::string_view id, bool id_null, const Action& a) {
  append_id(out, id, id_null);
  out += ", \"action\": ";
  append_json_string(out, to_string(a.kind));
  if (a.kind == Action::Kind::rejected) {
    out += ", \"error\": ";
    append_json_string(out, a.error);
    out.push_back('}');
    return;
  }
  detail::append(out, ", \"level\": ", a.level);
  append_owner(out, s, a.role, a.handler);
  out += ", \"unit\": ";
  append_json_string(out, s.unit_id(a.unit));
  out += ", \"reasons\": [";
  bool first = true;
  for (Reason r : {Reason::missed_respond, Reason::missed_resolve, Reason::repeat_reports, Reason::low_rating}) {
    if (!(a.reasons & static_cast<std::uint8_t>(r))) continue;
    if (!first) out += ", ";
    first = false;
    append_json_string(out, to_string(r));
  }
  out += "]";
  if (a.kind == Action::Kind::hold) {
    out += ", \"next_check\": ";
    append_time(out, s, a.next_check);
  } else if (a.kind == Action::Kind::escalate || a.kind == Action::Kind::reopen) {
    out += ", \"respond_by\": ";
    append_time(out, s, a.respond_by);
    out += ", \"resolve_by\": ";
    append_time(out, s, a.resolve_by);
  }
  out.push_back('}');
}

// A fast reader for the usual line: one flat object of plain fields, an `attrs` object of scalars.
// It accepts only text it fully understands — strings without escapes or control characters,
// integers of at most 15 digits, true/false/null, no repeated key — and refuses everything else,
// which then goes through Boost.JSON and the checks that word every error. What it accepts, it
// reads exactly as that path would (the strings are views into the line).
class FastLine {
 public:
  struct Field {
    std::string_view key;
    char kind;  // 's' string, 'i' integer, 't' true, 'f' false, 'n' null, 'a' the attrs object
    std::string_view text;
    std::int64_t integer;
  };
  static constexpr std::size_t kMaxFields = 16;
  Field fields[kMaxFields];
  std::size_t count = 0;
  // The fields of the contract, found while reading (a repeat of one sends the line to the full path).
  enum Known { id, category, cell, at, attrs_key, level, level_started_at, responded, reports, status, rating, kKnown };
  const Field* known[kKnown];
  const Field* get(Known k) const { return known[k]; }
  std::vector<std::pair<std::string_view, AttrValue>>* attrs = nullptr;  // where `attrs` members go

  bool read(std::string_view line) {
    p_ = line.data();
    e_ = line.data() + line.size();
    count = 0;
    for (auto& k : known) k = nullptr;
    ws();
    if (!eat('{')) return false;
    ws();
    if (eat('}')) return end();
    while (true) {
      std::string_view key;
      if (!string(key) || !colon()) return false;
      if (count == kMaxFields) return false;
      const int slot = known_slot(key);
      if (slot >= 0) {
        if (known[slot]) return false;
      } else {
        for (std::size_t k = 0; k < count; ++k)
          if (fields[k].key == key) return false;
      }
      Field& f = fields[count++];
      f.key = key;
      if (slot >= 0) known[slot] = &f;
      if (slot == attrs_key && p_ < e_ && *p_ == '{') {
        if (!attrs || !object_of_scalars()) return false;
        f.kind = 'a';
      } else if (!scalar(f.kind, f.text, f.integer)) {
        return false;
      }
      ws();
      if (eat(',')) {
        ws();
        continue;
      }
      if (eat('}')) return end();
      return false;
    }
  }

 private:
  static bool is(std::string_view key, std::string_view word) {
    return key.size() == word.size() && std::memcmp(key.data(), word.data(), word.size()) == 0;
  }
  static int known_slot(std::string_view key) {
    switch (key.size()) {
      case 2: return is(key, "id") ? id : is(key, "at") ? at : -1;
      case 4: return is(key, "cell") ? cell : -1;
      case 5: return is(key, "attrs") ? attrs_key : is(key, "level") ? level : -1;
      case 6: return is(key, "status") ? status : is(key, "rating") ? rating : -1;
      case 7: return is(key, "reports") ? reports : -1;
      case 8: return is(key, "category") ? category : -1;
      case 9: return is(key, "responded") ? responded : -1;
      case 16: return is(key, "level_started_at") ? level_started_at : -1;
      default: return -1;
    }
  }

  const char* p_ = nullptr;
  const char* e_ = nullptr;

  void ws() {
    while (p_ < e_ && (*p_ == ' ' || *p_ == '\t' || *p_ == '\r' || *p_ == '\n')) ++p_;
  }
  bool eat(char c) {
    if (p_ < e_ && *p_ == c) {
      ++p_;
      return true;
    }
    return false;
  }
  bool end() {
    ws();
    return p_ == e_;
  }
  bool colon() {
    ws();
    if (!eat(':')) return false;
    ws();
    return true;
  }
  bool string(std::string_view& out) {
    if (!eat('"')) return false;
    const char* b = p_;
    while (p_ < e_) {
      auto c = static_cast<unsigned char>(*p_);
      if (c == '"') {
        out = std::string_view(b, static_cast<std::size_t>(p_ - b));
        ++p_;
        return true;
      }
      if (c == '\\' || c < 0x20) return false;
      ++p_;
    }
    return false;
  }
  bool word(std::string_view w) {
    if (static_cast<std::size_t>(e_ - p_) < w.size() || std::string_view(p_, w.size()) != w) return false;
    p_ += w.size();
    return true;
  }
  bool scalar(char& kind, std::string_view& text, std::int64_t& integer) {
    if (p_ == e_) return false;
    switch (*p_) {
      case '"': kind = 's'; return string(text);
      case 't': kind = 't'; return word("true");
      case 'f': kind = 'f'; return word("false");
      case 'n': kind = 'n'; return word("null");
      default: break;
    }
    // -?(0|[1-9][0-9]*) with at most 15 digits, not followed by a fraction or exponent.
    const char* b = p_;
    bool neg = eat('-');
    const char* d = p_;
    std::int64_t v = 0;
    while (p_ < e_ && *p_ >= '0' && *p_ <= '9') {
      if (p_ - d == 15) return false;  // longer numbers take the full path
      v = v * 10 + (*p_++ - '0');
    }
    const auto digits = p_ - d;
    if (digits == 0 || (digits > 1 && *d == '0')) return false;
    if (p_ < e_ && (*p_ == '.' || *p_ == 'e' || *p_ == 'E')) return false;
    kind = 'i';
    text = std::string_view(b, static_cast<std::size_t>(p_ - b));
    integer = neg ? -v : v;
    return true;
  }
  bool object_of_scalars() {
    ++p_;  // '{'
    ws();
    const std::size_t first = attrs->size();
    if (eat('}')) return true;
    while (true) {
      std::string_view key;
      if (!string(key) || !colon()) return false;
      for (std::size_t k = first; k < attrs->size(); ++k)
        if ((*attrs)[k].first == key) return false;
      char kind;
      std::string_view text;
      std::int64_t integer = 0;
      if (!scalar(kind, text, integer)) return false;
      AttrValue v;
      switch (kind) {
        case 's': v = AttrValue::string(text); break;
        case 'i': v = AttrValue::number(static_cast<double>(integer)); break;
        case 't': v = AttrValue::boolean(true); break;
        case 'f': v = AttrValue::boolean(false); break;
        default: v.type = AttrValue::Type::null_; break;
      }
      attrs->emplace_back(key, v);
      ws();
      if (eat(',')) {
        ws();
        continue;
      }
      return eat('}');
    }
  }
};

struct LineCodec::Impl {
  json::parser parser;
  json::value value;
  std::string error;
  std::string duplicate;  // pointer of a repeated key in the line, if any
  const Snapshot* snapshot = nullptr;
  std::size_t max_line_bytes = detail::max_line_bytes();
  Impl() : parser(json::storage_ptr(), [] {
    json::parse_options o;
    o.max_depth = kMaxLineDepth;
    return o;
  }()) {}

  // Parses `line` into `value`; on failure returns false with `error` set.
  bool parse(std::string_view line) { return parse(line, value, json::storage_ptr()); }
  bool parse(std::string_view line, json::value& value, json::storage_ptr sp) {
    duplicate.clear();
    // Hardening: a line over the cap is not parsed at all (its id is not read either).
    if (line.size() > max_line_bytes) {
      error = detail::cat("the line is ", line.size(), " bytes, over the limit of ", max_line_bytes,
                          " bytes per line (max line bytes; gridroute --max-line-bytes)");
      return false;
    }
    if (!valid_utf8(line)) {
      error = "invalid UTF-8 in the line";
      return false;
    }
    parser.reset(std::move(sp));
    json::error_code ec;
    std::size_t n = parser.write_some(line.data(), line.size(), ec);
    if (!ec && line.substr(n).find_first_not_of(" \t\r\n") != std::string_view::npos) ec = json::error::extra_data;
    if (ec) {
      error = ec == json::error::too_deep
                  ? detail::cat("invalid JSON: nested deeper than ", kMaxLineDepth, " levels")
                  : detail::cat("invalid JSON: ", ec.message(), " at column ", n + 1);
      return false;
    }
    value = parser.release();
    if (!value.is_object()) {
      error = "a line must be a JSON object";
      return false;
    }
    // Hardening: Boost.JSON keeps the last of repeated keys; a line that says "cell" twice is refused
    // rather than routed on one of them (different readers would pick different ones). Counting is
    // cheap; the slow search for the key runs only when the counts differ.
    if (written_keys(line) != kept_keys(value)) {
      auto dups = detail::duplicate_keys(line, 1);
      duplicate = dups.empty() ? std::string("/") : dups.front().first;
    }
    return true;
  }

  // Reads the issue fields; returns false with `error` set. `id_null` tells whether the id is readable.
  bool issue(const json::object& o, Issue& is, bool& id_null) {
    id_null = true;
    auto idv = o.if_contains("id");
    if (!idv) return fail("missing field 'id'");
    if (!idv->is_string()) return fail(detail::cat("field 'id' must be a string, got ", brief(*idv)));
    is.id = idv->get_string();
    id_null = false;
    if (!duplicate.empty()) {
      if (duplicate == "/id") id_null = true;  // which id would be a guess
      return fail(detail::cat("duplicate key at ", duplicate, " (a key may appear once in an object)"));
    }
    if (!str_field(o, "category", is.category)) return false;
    if (!str_field(o, "cell", is.cell)) return false;
    std::string_view at;
    if (!str_field(o, "at", at)) return false;
    if (!time_field(o, "at", is.at)) return false;
    is.attrs.clear();
    if (auto a = o.if_contains("attrs")) {
      if (a->is_null()) return true;
      if (!a->is_object()) return fail(detail::cat("field 'attrs' must be an object, got ", brief(*a)));
      for (const auto& kv : a->get_object()) {
        const json::value& v = kv.value();
        AttrValue av;
        switch (v.kind()) {
          case json::kind::bool_: av = AttrValue::boolean(v.get_bool()); break;
          case json::kind::int64:
          case json::kind::uint64:
          case json::kind::double_:
            av = AttrValue::number(v.to_number<double>());
            // Hardening: 1e400 parses as infinity. A declared attribute (or "severity", which
            // severity_skip reads) must be a finite number; other attributes are ignored anyway.
            if (!std::isfinite(av.num) && (kv.key() == "severity" ||
                                           (snapshot && snapshot->attr_index.contains(std::string_view(kv.key())))))
              return fail(detail::cat("attribute '", std::string_view(kv.key()),
                                      "' must be a finite number (within double range), got ", brief(v)));
            break;
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

  // Reads a case line's fields (after `issue`); returns false with `error` set.
  bool case_fields(const json::object& o, Case& c) {
    std::int64_t level = 0, reports = 0, rating = 0;
    bool ok = int_field(o, "level", level, 0, 1000000, "a non-negative integer") &&
              time_field(o, "level_started_at", c.level_started_at);
    if (ok) {
      auto r = o.if_contains("responded");
      if (!r) ok = fail("missing field 'responded'");
      else if (!r->is_bool()) ok = fail(detail::cat("field 'responded' must be true or false, got ", brief(*r)));
      else c.responded = r->get_bool();
    }
    ok = ok && int_field(o, "reports", reports, 0, std::int64_t{1} << 50, "a non-negative integer");
    if (ok) {
      auto st = o.if_contains("status");
      if (!st) ok = fail("missing field 'status'");
      else if (!st->is_string() || (st->get_string() != "open" && st->get_string() != "resolved"))
        ok = fail(detail::cat("field 'status' must be 'open' or 'resolved', got ", brief(*st)));
      else c.resolved = st->get_string() == "resolved";
    }
    if (ok && o.contains("rating") && !o.at("rating").is_null())
      ok = int_field(o, "rating", rating, 1, 5, "an integer 1..5");
    if (!ok) return false;
    c.level = static_cast<int>(level);
    c.reports = reports;
    c.rating = static_cast<int>(rating);
    return true;
  }

  // A group of lines read at once (route_lines, escalate_lines): their values live in `arena` until
  // the group is answered.
  FastLine fast;
  // The issue fields of a line through FastLine; false when the line needs the full path.
  bool fast_issue(std::string_view line, Issue& is, bool& id_null) {
    if (line.size() > max_line_bytes || !valid_utf8(line)) return false;
    is.attrs.clear();
    fast.attrs = &is.attrs;
    if (!fast.read(line)) return false;
    const FastLine::Field *id = fast.get(FastLine::id), *cat = fast.get(FastLine::category),
                          *cell = fast.get(FastLine::cell), *at = fast.get(FastLine::at),
                          *attrs = fast.get(FastLine::attrs_key);
    if (!id || !cat || !cell || !at || id->kind != 's' || cat->kind != 's' || cell->kind != 's' || at->kind != 's')
      return false;
    if (attrs && attrs->kind != 'a' && attrs->kind != 'n') return false;
    if (!fast_time(at, is.at)) return false;
    is.id = id->text;
    is.category = cat->text;
    is.cell = cell->text;
    id_null = false;
    return true;
  }
  static bool fast_time(const FastLine::Field* f, Instant& out) {
    if (!f || f->kind != 's') return false;
    auto t = parse_rfc3339(f->text);
    if (!t.ok() || *t >= detail::kMaxLineInstant) return false;
    out = *t;
    return true;
  }
  // The case fields after fast_issue; false when the line needs the full path.
  bool fast_case(Case& c) {
    const FastLine::Field *level = fast.get(FastLine::level), *started = fast.get(FastLine::level_started_at),
                          *responded = fast.get(FastLine::responded), *reports = fast.get(FastLine::reports),
                          *status = fast.get(FastLine::status), *rating = fast.get(FastLine::rating);
    if (!level || level->kind != 'i' || level->integer < 0 || level->integer > 1000000) return false;
    if (!fast_time(started, c.level_started_at)) return false;
    if (!responded || (responded->kind != 't' && responded->kind != 'f')) return false;
    if (!reports || reports->kind != 'i' || reports->integer < 0 || reports->integer > (std::int64_t{1} << 50))
      return false;
    if (!status || status->kind != 's' || (status->text != "open" && status->text != "resolved")) return false;
    std::int64_t r = 0;
    if (rating && rating->kind != 'n') {
      if (rating->kind != 'i' || rating->integer < 1 || rating->integer > 5) return false;
      r = rating->integer;
    }
    c.level = static_cast<int>(level->integer);
    c.responded = responded->kind == 't';
    c.reports = reports->integer;
    c.resolved = status->text == "resolved";
    c.rating = static_cast<int>(r);
    return true;
  }

  // A fresh arena per group (Boost.JSON 1.81's monotonic_resource cannot allocate again after
  // release()), starting in a buffer that holds a typical group without touching the heap.
  alignas(16) unsigned char arena_buffer[32 * 1024];
  std::optional<json::monotonic_resource> arena;
  json::storage_ptr new_arena() {
    arena.emplace(arena_buffer, sizeof arena_buffer);
    return json::storage_ptr(&*arena);
  }
  json::value values[Snapshot::kPrefetchGroup];
  Decision decisions[Snapshot::kPrefetchGroup];
  template <class T, class Read>
  void read_group(const Snapshot& s, std::span<const std::string_view> group, T* items, Read&& read,
                  std::uint64_t* hashes);
  bool ok[Snapshot::kPrefetchGroup];
  bool id_null[Snapshot::kPrefetchGroup];
  std::string errors[Snapshot::kPrefetchGroup];

  bool fail(std::string msg) {
    error = std::move(msg);
    return false;
  }
  bool str_field(const json::object& o, std::string_view name, std::string_view& out) {
    auto v = o.if_contains(name);
    if (!v) return fail(detail::cat("missing field '", name, "'"));
    if (!v->is_string()) return fail(detail::cat("field '", name, "' must be a string, got ", brief(*v)));
    out = v->get_string();
    return true;
  }
  bool time_field(const json::object& o, std::string_view name, Instant& out) {
    std::string_view text;
    if (!str_field(o, name, text)) {
      if (o.contains(name))
        error = detail::cat("field '", name, "' must be an RFC 3339 time with an offset, got ", brief(o.at(name)));
      return false;
    }
    auto t = parse_rfc3339(text);
    if (!t.ok()) return fail(detail::cat("field '", name, "' must be an RFC 3339 time with an offset, got ",
                                          brief(o.at(name))));
    // Hardening: the calendar range. Deadlines run up to 100 years (the duration cap) plus a calendar's
    // search horizon past the issue; from times before 9000 they stay within RFC 3339's four-digit years.
    if (*t >= detail::kMaxLineInstant)
      return fail(detail::cat("field '", name, "' must be before 9000-01-01T00:00:00Z (the calendar range), got ",
                              brief(o.at(name))));
    out = *t;
    return true;
  }
  bool int_field(const json::object& o, std::string_view name, std::int64_t& out, std::int64_t lo, std::int64_t hi,
                 std::string_view what) {
    auto v = o.if_contains(name);
    if (!v) return fail(detail::cat("missing field '", name, "'"));
    bool ok = false;
    if (v->is_int64()) { out = v->get_int64(); ok = true; }
    else if (v->is_uint64()) ok = false;
    else if (v->is_double()) {
      double d = v->get_double();
      if (d >= -1e15 && d <= 1e15 && d == static_cast<double>(static_cast<std::int64_t>(d))) {
        out = static_cast<std::int64_t>(d);
        ok = true;
      }
    }
    if (!ok || out < lo || out > hi) return fail(detail::cat("field '", name, "' must be ", what, ", got ", brief(*v)));
    return true;
  }
};

LineCodec::LineCodec(std::shared_ptr<const Snapshot> snapshot)
    : snapshot_(std::move(snapshot)), impl_(std::make_unique<Impl>()) {
  impl_->snapshot = snapshot_.get();
}
LineCodec::~LineCodec() = default;

LineResult LineCodec::route_line(std::string_view line, bool explain, std::string& out) {
  Impl& m = *impl_;
  Issue is;
  bool id_null = true;
  Decision d;
  if (!m.parse(line) || !m.issue(m.value.get_object(), is, id_null)) {
    d.status = Decision::Status::rejected;
    d.message = m.error;
  } else {
    d = snapshot_->route(is, explain);
  }
  append_decision(out, *snapshot_, is.id, id_null, d, explain);
  if (d.status != Decision::Status::rejected) return {};
  return {true, std::move(d.message)};
}

LineResult LineCodec::escalate_line(std::string_view line, Instant now, std::string& out) {
  Impl& m = *impl_;
  Case c;
  bool id_null = true;
  Action a;
  if (!m.parse(line) || !m.issue(m.value.get_object(), c.issue, id_null) ||
      !m.case_fields(m.value.get_object(), c)) {
    a.kind = Action::Kind::rejected;
    a.error = m.error;
  } else {
    a = snapshot_->escalate(c, now);
  }
  append_action(out, *snapshot_, c.issue.id, id_null, a);
  if (a.kind != Action::Kind::rejected) return {};
  return {true, std::move(a.error)};
}

namespace {
const Issue& issue_of(const Issue& is) { return is; }
const Issue& issue_of(const Case& c) { return c.issue; }
}  // namespace

// Reads one group of lines into `items` — each through the fast reader, else Boost.JSON, by `read` —
// and prefetches what deciding the ones that read will need; `hashes[i]` is line i's cell hash.
template <class T, class Read>
void LineCodec::Impl::read_group(const Snapshot& s, std::span<const std::string_view> group, T* items, Read&& read,
                                 std::uint64_t* hashes) {
  json::storage_ptr sp = new_arena();
  std::string_view cells[Snapshot::kPrefetchGroup];
  std::uint64_t found[Snapshot::kPrefetchGroup];
  std::size_t k = 0;
  for (std::size_t i = 0; i < group.size(); ++i) {
    id_null[i] = true;
    ok[i] = read(group[i], items[i], values[i], sp, id_null[i]);
    if (ok[i]) cells[k++] = issue_of(items[i]).cell;
    else errors[i] = error;
  }
  s.prefetch_cells(cells, k, found);
  for (std::size_t i = 0, j = 0; i < group.size(); ++i) hashes[i] = ok[i] ? found[j++] : 0;
}

std::size_t LineCodec::route_lines(std::span<const std::string_view> lines, bool explain, std::string& out) {
  Impl& m = *impl_;
  const Snapshot& s = *snapshot_;
  constexpr std::size_t G = Snapshot::kPrefetchGroup;
  Issue issues[G];
  std::uint64_t hashes[G];
  std::size_t rejected = 0;
  auto read = [&m](std::string_view line, Issue& is, json::value& v, const json::storage_ptr& sp, bool& id_null) {
    is.attrs.clear();
    is = Issue{std::string_view(), std::string_view(), std::string_view(), 0, std::move(is.attrs)};
    if (m.fast_issue(line, is, id_null)) return true;
    is.attrs.clear();
    id_null = true;
    return m.parse(line, v, sp) && m.issue(v.get_object(), is, id_null);
  };
  for (std::size_t base = 0; base < lines.size(); base += G) {
    const std::size_t n = std::min(G, lines.size() - base);
    m.read_group(s, lines.subspan(base, n), issues, read, hashes);
    for (std::size_t i = 0; i < n; ++i) {
      Decision& d = m.decisions[i];
      if (m.ok[i]) {
        s.route_into(issues[i], explain, hashes[i], d);
      } else {
        d.clear();
        d.status = Decision::Status::rejected;
        d.message = std::move(m.errors[i]);
      }
      rejected += d.status == Decision::Status::rejected;
    }
    // The records name the owner, its unit and rule: fetch those ids for the group before writing.
    for (std::size_t i = 0; i < n; ++i) {
      const Decision& d = m.decisions[i];
      if (d.status != Decision::Status::routed) continue;
      __builtin_prefetch(&s.handler_ids[static_cast<std::size_t>(d.handler)]);
      __builtin_prefetch(&s.unit_id_offset[static_cast<std::size_t>(d.unit)]);
      for (HandlerId h : d.alternates) __builtin_prefetch(&s.handler_ids[static_cast<std::size_t>(h)]);
      for (HandlerId h : d.assist) __builtin_prefetch(&s.handler_ids[static_cast<std::size_t>(h)]);
    }
    for (std::size_t i = 0; i < n; ++i) {
      const Decision& d = m.decisions[i];
      if (d.status != Decision::Status::routed) continue;
      __builtin_prefetch(s.unit_id_chars.data() + s.unit_id_offset[static_cast<std::size_t>(d.unit)]);
      __builtin_prefetch(s.handler_ids[static_cast<std::size_t>(d.handler)].data());
    }
    for (std::size_t i = 0; i < n; ++i) {
      append_decision(out, s, issues[i].id, m.id_null[i], m.decisions[i], explain);
      out.push_back('\n');
    }
    for (std::size_t i = 0; i < n; ++i) m.values[i] = nullptr;
  }
  return rejected;
}

std::size_t LineCodec::escalate_lines(std::span<const std::string_view> lines, Instant now, std::string& out) {
  Impl& m = *impl_;
  const Snapshot& s = *snapshot_;
  constexpr std::size_t G = Snapshot::kPrefetchGroup;
  Case cases[G];
  std::uint64_t hashes[G];
  std::size_t rejected = 0;
  auto read = [&m](std::string_view line, Case& c, json::value& v, const json::storage_ptr& sp, bool& id_null) {
    c.issue.attrs.clear();
    c = Case{Issue{std::string_view(), std::string_view(), std::string_view(), 0, std::move(c.issue.attrs)}};
    if (m.fast_issue(line, c.issue, id_null) && m.fast_case(c)) return true;
    c = Case{};
    id_null = true;
    return m.parse(line, v, sp) && m.issue(v.get_object(), c.issue, id_null) && m.case_fields(v.get_object(), c);
  };
  for (std::size_t base = 0; base < lines.size(); base += G) {
    const std::size_t n = std::min(G, lines.size() - base);
    m.read_group(s, lines.subspan(base, n), cases, read, hashes);
    for (std::size_t i = 0; i < n; ++i) {
      Action a;
      if (m.ok[i]) {
        a = s.escalate(cases[i], now, hashes[i]);
      } else {
        a.kind = Action::Kind::rejected;
        a.error = std::move(m.errors[i]);
      }
      rejected += a.kind == Action::Kind::rejected;
      append_action(out, s, cases[i].issue.id, m.id_null[i], a);
      out.push_back('\n');
    }
    for (std::size_t i = 0; i < n; ++i) m.values[i] = nullptr;
  }
  return rejected;
}

}  // namespace gridroute
