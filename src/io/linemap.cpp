// Maps: a platform's own work-order JSON onto issue and case lines (gridroute/linemap.hpp).
#include "gridroute/linemap.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cstdio>
#include <ctime>
#include <limits>
#include <cstdlib>
#include <cmath>
#include <optional>

#include <boost/json.hpp>

#include "base/encoding.hpp"
#include "base/json_text.hpp"
#include "base/strings.hpp"
#include "base/time.hpp"
#include "base/suggest.hpp"
#include "base/text.hpp"
#include "gridroute/time.hpp"

namespace gridroute {
namespace {

namespace json = boost::json;
using detail::append;
using detail::cat;

// What a value becomes on the way.
enum class As : std::uint8_t { keep, string, number, integer, boolean, epoch_s, epoch_ms };

// The fields a line may carry (SPEC §4, §6, §7), in the order a mapped line writes them.
constexpr std::string_view kTargets[] = {"id",       "category", "cell",     "location",         "at",
                                         "attrs",    "level",    "level_started_at", "responded", "reports",
                                         "status",   "rating",   "rule",     "handler",          "returned",
                                         "suspended", "extended_to"};
constexpr const char* kLocationTakes =
    "location takes {\"lon\": PATH, \"lat\": PATH} (two fields), or a PATH to a [longitude, latitude] pair or a "
    "GeoJSON Point";

bool is_time(std::string_view t) { return t == "at" || t == "level_started_at" || t == "extended_to"; }
// Ids and codes: a platform that stores them as numbers gets them as decimal strings.
bool is_code(std::string_view t) {
  return t == "category" || t == "cell" || t == "rule" || t == "handler" || t == "status";
}

// A path into the platform's object: dotted keys ("grid.code"; a key of digits also indexes a list), or a
// JSON pointer ("/a.b/c") for keys that hold dots.
struct Path {
  std::string text;
  std::vector<std::string> keys;
};

std::optional<Path> parse_path(std::string_view text) {
  Path p;
  p.text = std::string(text);
  if (text.empty()) return std::nullopt;
  if (text.front() == '/') {
    std::size_t i = 1;
    while (true) {
      std::size_t j = text.find('/', i);
      std::string key;
      std::string_view raw = text.substr(i, j == std::string_view::npos ? std::string_view::npos : j - i);
      for (std::size_t k = 0; k < raw.size(); ++k) {
        if (raw[k] == '~' && k + 1 < raw.size() && (raw[k + 1] == '0' || raw[k + 1] == '1')) {
          key.push_back(raw[k + 1] == '0' ? '~' : '/');
          ++k;
        } else {
          key.push_back(raw[k]);
        }
      }
      p.keys.push_back(std::move(key));
      if (j == std::string_view::npos) break;
      i = j + 1;
    }
    return p;
  }
  std::size_t i = 0;
  while (true) {
    std::size_t j = text.find('.', i);
    std::string_view key = text.substr(i, j == std::string_view::npos ? std::string_view::npos : j - i);
    if (key.empty()) return std::nullopt;
    p.keys.emplace_back(key);
    if (j == std::string_view::npos) break;
    i = j + 1;
  }
  return p;
}

// The value a path names, or null when any step is missing (a JSON null counts as missing).
const json::value* resolve(const json::value& root, const Path& path) {
  const json::value* v = &root;
  for (const std::string& key : path.keys) {
    if (v->is_object()) {
      v = v->get_object().if_contains(key);
    } else if (v->is_array()) {
      std::size_t k = 0;
      auto r = std::from_chars(key.data(), key.data() + key.size(), k);
      if (r.ec != std::errc() || r.ptr != key.data() + key.size() || k >= v->get_array().size()) return nullptr;
      v = &v->get_array()[k];
    } else {
      return nullptr;
    }
    if (v == nullptr || v->is_null()) return nullptr;
  }
  return v;
}

// An empty text ("" or spaces only), as a CSV export writes for a value it does not have.
bool blank(const json::value* v) {
  if (!v || !v->is_string()) return false;
  for (char c : v->get_string())
    if (c != ' ') return false;
  return true;
}

struct Source {
  std::string target;  // "id", "attrs.severity", ...
  std::optional<Path> path;
  std::optional<json::value> value;     // a constant
  std::optional<json::value> fallback;  // "default": when the path is missing
  int table = -1;
  As as = As::keep;
  std::string offset;  // "+08:00", appended to a time written without an offset
  std::string format;  // strptime(3) pattern of a time written otherwise ("%m/%d/%Y %I:%M:%S %p")
  std::optional<Path> lon, lat;  // location
};

std::string decimal(const json::value& v) {
  if (v.is_int64()) return std::to_string(v.get_int64());
  if (v.is_uint64()) return std::to_string(v.get_uint64());
  // A whole number written with a fraction or an exponent (330781001101.0, 1e3) is that integer.
  if (v.is_double() && std::isfinite(v.get_double()) && v.get_double() == std::floor(v.get_double()) &&
      std::fabs(v.get_double()) < 9e15)
    return std::to_string(static_cast<std::int64_t>(v.get_double()));
  return "";
}

// Whether a date-time text ends with its offset ("Z", "+08:00", "-0500").
bool has_offset(std::string_view t) {
  if (t.size() < 11) return true;  // not a date-time: leave it to the core's check
  std::string_view time = t.substr(10);
  return time.find_first_of("Zz+") != std::string_view::npos || time.find('-') != std::string_view::npos;
}

// " (did you mean 'name'?)" for a misspelt field name (quoted as bundle errors quote fields), or "".
std::string field_hint(std::string_view word, const std::vector<std::string>& fields) {
  detail::Suggest s(word);
  s.consider_all(fields);
  return s.found() ? cat(" (did you mean '", s.best(), "'?)") : std::string();
}

// The digits a numeric conversion writes in full ("%Y" 4, "%m" 2, "%j" 3); 0 for any other conversion.
int full_width(char c) {
  switch (c) {
    case 'Y': return 4;
    case 'j': return 3;
    case 'm': case 'd': case 'H': case 'M': case 'S': case 'I': case 'y': case 'C': return 2;
    default: return 0;
  }
}

// strptime(3) reads each numeric conversion greedily, up to its width: with no separator between two of
// them ("%Y%m%d%H%M%S"), a text that lost a digit is read all the same, the wrong way ("2026112009530"
// as 09:53:00). Where a pattern holds such a run of conversions side by side, the text must hold that
// many digits there, each conversion in full. The text before each run is passed over with strptime on
// the pattern before it, so the runs are found where the parse finds them.
bool runs_in_full(const std::string& text, const std::string& format) {
  struct Run {
    std::size_t begin, end;  // in `format`
    int width;
  };
  std::vector<Run> runs;
  for (std::size_t i = 0; i + 1 < format.size();) {
    if (format[i] != '%') { ++i; continue; }
    std::size_t j = i;
    int width = 0, count = 0;
    while (j + 1 < format.size() && format[j] == '%') {
      std::size_t k = j + 1;
      if (format[k] == 'E' || format[k] == 'O') ++k;  // strptime's modifiers read the same digits
      const int w = k < format.size() ? full_width(format[k]) : 0;
      if (w == 0) break;
      width += w;
      ++count;
      j = k + 1;
    }
    if (count >= 2) runs.push_back({i, j, width});
    i = j > i ? j : i + 2;  // past the run, or past a conversion that is not numeric ("%%" too)
  }
  if (runs.empty()) return true;
  const char* at = text.c_str();
  std::size_t from = 0;
  for (const Run& r : runs) {
    if (r.begin > from) {
      struct tm scratch {};
      at = ::strptime(at, format.substr(from, r.begin - from).c_str(), &scratch);
      if (!at) return false;
    }
    while (*at == ' ' || *at == '\t') ++at;  // as strptime skips before a number
    int digits = 0;
    while (at[digits] >= '0' && at[digits] <= '9') ++digits;
    if (digits != r.width) return false;
    at += digits;
    from = r.end;
  }
  return true;
}

// A time written as `format` (strptime(3), the C locale: %Y %m %d %H %M %S, %I with %p, %b, %y, %z ...)
// as "YYYY-MM-DDTHH:MM:SS", with its offset when the pattern reads one (%z); nullopt when the text does
// not match the whole pattern (spaces at its end aside), or holds too few or too many digits where the
// pattern's numeric conversions stand side by side (runs_in_full).
std::optional<std::string> with_format(std::string_view text, const std::string& format) {
  const std::string t(text);
  struct tm tm {};
  tm.tm_gmtoff = std::numeric_limits<long>::min();  // left alone unless the pattern reads an offset
  const char* end = ::strptime(t.c_str(), format.c_str(), &tm);
  if (!end) return std::nullopt;
  if (!runs_in_full(t, format)) return std::nullopt;
  while (*end == ' ') ++end;
  if (*end != '\0') return std::nullopt;
  if (tm.tm_year < -1900 || tm.tm_year > 9999 - 1900) return std::nullopt;
  char buf[64];
  int n = std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                        tm.tm_hour, tm.tm_min, tm.tm_sec);
  std::string out(buf, static_cast<std::size_t>(n));
  if (tm.tm_gmtoff != std::numeric_limits<long>::min()) {
    const long off = tm.tm_gmtoff;
    const long a = off < 0 ? -off : off;
    n = std::snprintf(buf, sizeof buf, "%c%02ld:%02ld", off < 0 ? '-' : '+', a / 3600, (a % 3600) / 60);
    out.append(buf, static_cast<std::size_t>(n));
  }
  return out;
}

}  // namespace

struct LineMap::Impl {
  std::string label;
  std::vector<Source> sources;
  std::vector<std::string> table_names;
  std::vector<json::object> tables;
  int id_source = -1;

  // The value of one source for a line: nullopt with `error` empty when the line has none (the field is
  // left out), nullopt with `error` set when the line is refused.
  std::optional<json::value> value_of(const Source& s, const json::value& line, std::string& error) const {
    if (s.lon) {
      // An empty text counts as missing, as null does: an export's row without coordinates.
      const json::value* lon = resolve(line, *s.lon);
      const json::value* lat = resolve(line, *s.lat);
      if (blank(lon)) lon = nullptr;
      if (blank(lat)) lat = nullptr;
      if (!lon && !lat) return std::nullopt;
      json::array a;
      for (auto [v, p] : {std::pair{lon, &*s.lon}, std::pair{lat, &*s.lat}}) {
        if (!v) {
          error = cat("field '", p->text, "' is missing (mapped to '", s.target, "')");
          return std::nullopt;
        }
        auto n = as_number(*v);
        if (!n) {
          error = cat("field '", p->text, "' must be a number (mapped to '", s.target, "'), got ", detail::brief(*v));
          return std::nullopt;
        }
        a.emplace_back(*n);
      }
      return json::value(std::move(a));
    }
    if (s.target == "location" && s.path) {
      // One field: [longitude, latitude] (numbers or their texts), or a GeoJSON Point.
      const json::value* found = resolve(line, *s.path);
      if (!found || blank(found)) return std::nullopt;
      const json::value* pair = found;
      if (found->is_object()) {
        const json::value* coordinates = found->get_object().if_contains("coordinates");
        if (coordinates) pair = coordinates;
      }
      // Numbers past the latitude (an altitude, an XYZM export's measure) are dropped, as in a cell layer;
      // each must still be a number.
      json::array a;
      bool numbers = pair->is_array() && pair->get_array().size() >= 2 && pair->get_array().size() <= 4;
      for (std::size_t k = 0; numbers && k < pair->get_array().size(); ++k) {
        auto n = as_number(pair->get_array()[k]);
        if (!n) numbers = false;
        else if (k < 2) a.emplace_back(*n);
      }
      if (!numbers) {
        error = cat("field '", s.path->text, "' must be [longitude, latitude] or a GeoJSON Point (mapped to 'location'), got ",
                    detail::brief(*found));
        return std::nullopt;
      }
      return json::value(std::move(a));
    }
    std::optional<json::value> v;
    if (s.value) v = *s.value;
    if (s.path) {
      const json::value* found = resolve(line, *s.path);
      // An empty text is missing too, except for an attribute kept as a string (where "" is a value).
      if (blank(found) && !(s.target.starts_with("attrs.") && (s.as == As::keep || s.as == As::string))) found = nullptr;
      if (found) v = *found;
      else if (s.fallback) v = *s.fallback;
      else return std::nullopt;
    }
    if (!v) return std::nullopt;
    const std::string_view from = s.path ? std::string_view(s.path->text) : std::string_view("value");
    if (s.table >= 0) {
      std::string key = v->is_string() ? std::string(v->get_string()) : decimal(*v);
      if (key.empty() && !v->is_string()) {
        error = cat("field '", from, "' must be a name of table \"", table_names[s.table], "\", got ",
                    detail::brief(*v));
        return std::nullopt;
      }
      const json::object& t = tables[static_cast<std::size_t>(s.table)];
      const json::value* hit = t.if_contains(key);
      if (!hit) hit = t.if_contains("*");
      if (!hit) {
        json::value shown(json::string_view(key.data(), key.size()));
        error = cat("field '", from, "': ", detail::brief(shown), " is not in table \"", table_names[s.table],
                    "\" of ", label, table_hint(t, key));
        return std::nullopt;
      }
      v = *hit;
    }
    if (!convert(*v, s, from, error)) return std::nullopt;
    // A JSON number past binary64 (1e400) reads as infinite, which no line can carry (it would be written
    // as the non-JSON `Infinity`): refused here, naming the platform's field.
    if (!all_finite(*v)) {
      error = cat("field '", from, "' holds a number beyond the range of a double, about 1.8e308 (mapped to '",
                  s.target, "')");
      return std::nullopt;
    }
    return v;
  }

  static bool all_finite(const json::value& v) {
    if (v.is_double()) return std::isfinite(v.get_double());
    if (v.is_array()) {
      for (const auto& e : v.get_array())
        if (!all_finite(e)) return false;
    } else if (v.is_object()) {
      for (const auto& kv : v.get_object())
        if (!all_finite(kv.value())) return false;
    }
    return true;
  }

  // " (did you mean ...?)" for a name a table does not have, compared with each of its names in place.
  // A table of more than kSuggestFrom names (a grid's codes, say) gives none: every line that misses
  // would compare it whole, and a platform's batch of such lines cost lines x names.
  static constexpr std::size_t kSuggestFrom = 10'000;
  static std::string table_hint(const json::object& t, std::string_view key) {
    if (t.size() > kSuggestFrom) return {};
    detail::Suggest s(key);
    for (const auto& kv : t) s.consider(kv.key());
    return s.hint();
  }

  static std::optional<double> as_number(const json::value& v) {
    if (v.is_number()) {  // a JSON number past binary64 (1e400) reads as infinite: no number a line can carry
      const double d = v.to_number<double>();
      if (!std::isfinite(d)) return std::nullopt;
      return d;
    }
    if (!v.is_string()) return std::nullopt;
    std::string_view t = v.get_string();
    while (!t.empty() && t.front() == ' ') t.remove_prefix(1);
    while (!t.empty() && t.back() == ' ') t.remove_suffix(1);
    if (!detail::json_number_text(t)) return std::nullopt;  // read as a JSON number would be
    double d = 0;
    auto r = std::from_chars(t.data(), t.data() + t.size(), d);
    if (t.empty() || r.ptr != t.data() + t.size()) return std::nullopt;
    if (r.ec == std::errc::result_out_of_range) {
      // Too small for binary64 is its nearest value, as for a JSON number (1e-400 is 0); too large is no
      // number a coordinate can be.
      const std::string text(t);
      d = std::strtod(text.c_str(), nullptr);
      if (!std::isfinite(d) || std::fabs(d) >= 1) return std::nullopt;
      return d;
    }
    if (r.ec != std::errc() || !std::isfinite(d)) return std::nullopt;
    return d;
  }

  bool convert(json::value& v, const Source& s, std::string_view from, std::string& error) const {
    const json::value given = v;  // what the messages show: the platform's value, not a converted one
    auto fail = [&](std::string_view want) {
      error = cat("field '", from, "' must be ", want, " (mapped to '", s.target, "'), got ", detail::brief(given));
      return false;
    };
    switch (s.as) {
      case As::keep: break;
      case As::string:
        if (v.is_string()) break;
        if (v.is_double()) {
          // The shortest text that reads back as the number (8.5, not Boost.JSON's 8.5E0).
          char buf[32];
          const auto r = std::to_chars(buf, buf + sizeof buf, v.get_double());
          v = json::string(std::string_view(buf, static_cast<std::size_t>(r.ptr - buf)));
          break;
        }
        if (v.is_number() || v.is_bool()) {
          v = json::string(json::serialize(v));
          break;
        }
        return fail("a string or number");
      case As::number:
      case As::integer: {
        auto n = as_number(v);
        if (!n) return fail("a number");
        if (s.as == As::integer) {
          if (*n != std::floor(*n) || std::fabs(*n) > 9e15) return fail("an integer");
          v = static_cast<std::int64_t>(*n);
        } else {
          v = *n;
          if (*n == std::floor(*n) && std::fabs(*n) < 9e15) v = static_cast<std::int64_t>(*n);
        }
        break;
      }
      case As::boolean: {
        if (v.is_bool()) break;
        std::string t = v.is_string() ? std::string(v.get_string()) : decimal(v);
        for (char& c : t) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c);
        if (t == "true" || t == "1" || t == "yes" || t == "y") v = true;
        else if (t == "false" || t == "0" || t == "no" || t == "n") v = false;
        else return fail("true or false (or 1/0, yes/no)");
        break;
      }
      case As::epoch_s:
      case As::epoch_ms: {
        auto n = as_number(v);
        if (!n) return fail(s.as == As::epoch_s ? "seconds since 1970 (a number)" : "milliseconds since 1970 (a number)");
        const double us = s.as == As::epoch_s ? *n * 1e6 : *n * 1e3;
        if (!(us >= static_cast<double>(kMinInstant) && us < static_cast<double>(kMaxInstant)))
          return fail("a time from 0000 to 9000");
        auto text = format_rfc3339(static_cast<Instant>(std::llround(us)), "UTC");
        if (!text.ok()) return fail("a time from 0000 to 9000");
        v = json::string(*text);
        break;
      }
    }
    if (s.target == "id" && v.is_double() && std::isfinite(v.get_double())) {  // 17.0 is 17; 14.5 is no id
      if (decimal(v).empty()) return fail("a string or an integer");
      v = static_cast<std::int64_t>(v.get_double());
    }
    if (is_time(s.target) && v.is_number() && s.format.empty())
      return fail("a time; a number is read as one with \"as\": \"epoch_s\" (seconds since 1970) or \"epoch_ms\"");
    if (is_code(s.target) && (v.is_int64() || v.is_uint64())) v = json::string(decimal(v));
    if (is_time(s.target) && !s.format.empty()) {
      if (!v.is_string()) return fail(cat("a time as \"", s.format, "\""));
      auto t = with_format(v.get_string(), s.format);
      if (!t) return fail(cat("a time as \"", s.format, "\""));
      v = json::string(*t);
    }
    if (is_time(s.target) && !s.offset.empty() && v.is_string() && !has_offset(v.get_string())) {
      std::string t(v.get_string());
      if (t.size() > 10 && t[10] == ' ') t[10] = 'T';
      v = json::string(t + s.offset);
    }
    if (is_time(s.target) && v.is_string()) {
      // The core reads RFC 3339, or a local time under the bundle's local_times: anything else is refused
      // here, naming the platform's field and what would read it.
      detail::DateTime dt;
      if (const std::string why = detail::date_time_fault(v.get_string()); !why.empty()) {
        // The shape is a time's, a value is not (30 February, hour 25): say which.
        error = cat("field '", from, "' is no time (mapped to '", s.target, "'): ", why, ", got ", detail::brief(given));
        return false;
      }
      if (!detail::parse_date_time(v.get_string(), dt))
        return fail("a time: RFC 3339 (2026-11-20T09:40:00+08:00), or a local time (2026-11-20 09:40:00) with "
                    "\"offset\" or the bundle's local_times; for another form give \"format\" (a strptime "
                    "pattern)");
    }
    return true;
  }
};

// The digits of an integer id past 64 bits, as the line wrote them (Boost.JSON holds such a number as a
// double, which has lost them), for an id taken from the line as it is; else empty. A line without a map
// keeps them too (SPEC §4 gives integer ids no range: an order number of 20 digits or more).
std::string long_integer_id(const Source& s, const json::value& root, std::string_view line) {
  if (!s.path || s.table >= 0 || s.as != As::keep) return {};
  const json::value* v = resolve(root, *s.path);
  if (!v || !v->is_double()) return {};
  std::string pointer;
  for (const std::string& key : s.path->keys) detail::append_token(pointer, key);
  const std::string_view raw = detail::value_text(line, pointer);
  return detail::integer_text(raw) ? std::string(raw) : std::string();
}

const std::string& LineMap::label() const { return impl_->label; }

bool LineMap::apply(std::string_view line, std::string& out, std::string& id, std::string& error) const {
  const Impl& m = *impl_;
  out.clear();
  error.clear();
  id = "null";
  if (std::size_t bad = 0; !detail::valid_utf8(line, bad)) {
    error = cat("invalid UTF-8 in the line", detail::encoding_hint(line, bad, detail::TextKind::line));
    return false;
  }
  // A platform's own line may nest deeper than a SPEC line (32 levels): its work orders carry their own
  // objects. Its syntax errors are told as a SPEC line's are, with the column and what stood there.
  constexpr std::size_t kMaxMapLineDepth = 64;
  json::parse_options po;
  po.max_depth = kMaxMapLineDepth;
  json::parser parser({}, po);
  if (error = detail::parse_line(parser, line, kMaxMapLineDepth); !error.empty()) return false;
  json::value root = parser.release();
  if (!root.is_object()) {
    error = "a line must be a JSON object";
    return false;
  }
  std::string long_id;
  if (m.id_source >= 0) {
    const Source& ids = m.sources[static_cast<std::size_t>(m.id_source)];
    long_id = long_integer_id(ids, root, line);
    std::string ignored;
    if (!long_id.empty()) id = long_id;
    else if (auto v = m.value_of(ids, root, ignored))
      if (v->is_string() || v->is_int64() || v->is_uint64()) id = json::serialize(*v);
  }
  // A key written twice is refused, as a line without a map refuses it: Boost.JSON keeps the last one, so
  // a repeated level, cell or severity would decide on whichever came last.
  if (detail::keys_repeat(line, root)) {
    auto dups = detail::duplicate_keys(line, 1);
    const std::string where = dups.empty() ? std::string("/") : dups.front().first;
    if (m.id_source >= 0) {
      const Source& ids = m.sources[static_cast<std::size_t>(m.id_source)];
      std::string id_pointer = "/";
      if (ids.path) {
        id_pointer += ids.path->text;
        std::replace(id_pointer.begin(), id_pointer.end(), '.', '/');
      }
      if (where == id_pointer || where == "/") id = "null";  // which id would be a guess
    }
    error = cat("duplicate key at ", where, " (a key may appear once in an object)");
    return false;
  }
  json::object o;
  json::object attrs;
  bool has_cell = false, has_location = false;
  // A location that cannot be read refuses the line only when the line has no cell: with a cell, the
  // location is not checked (SPEC §7), so it is left out.
  std::string location_error;
  for (const Source& s : m.sources) {
    if (s.target == "id" && !long_id.empty()) continue;  // written with its digits below
    std::optional<json::value> v = m.value_of(s, root, error);
    if (!error.empty() && s.target == "location") {
      if (location_error.empty()) location_error = std::move(error);
      error.clear();
      continue;
    }
    if (!error.empty()) return false;
    if (!v) {
      if (s.target == "id" || s.target == "category" || s.target == "at") {
        error = cat("field '", s.path ? s.path->text : s.target, "' is missing (mapped to '", s.target, "')");
        return false;
      }
      continue;
    }
    if (s.target.starts_with("attrs.")) {
      attrs[s.target.substr(6)] = std::move(*v);
      continue;
    }
    has_cell = has_cell || s.target == "cell";
    has_location = has_location || s.target == "location";
    o[s.target] = std::move(*v);
  }
  if (!has_cell && !location_error.empty()) {
    error = std::move(location_error);
    return false;
  }
  if (!has_cell && !has_location) {
    std::string named;  // every source of a cell or a location, each said missing
    std::size_t count = 0;
    bool cell = false, location = false;
    for (const Source& s : m.sources) {
      if (s.target != "cell" && s.target != "location") continue;
      (s.target == "cell" ? cell : location) = true;
      for (const std::string* text : {s.path ? &s.path->text : nullptr, s.lon ? &s.lon->text : nullptr,
                                      s.lat ? &s.lat->text : nullptr}) {
        if (!text) continue;
        append(named, named.empty() ? "" : " and ", "'", *text, "'");
        ++count;
      }
    }
    if (count > 0) {
      error = cat(count == 1 ? "field " : "fields ", named, count == 1 ? " is" : " are", " missing (mapped to ",
                  cell && location ? "'cell' and 'location': a line needs one of them)"
                  : cell           ? "'cell')"
                                   : "'location')");
      return false;
    }
  }
  // In the order of the contract's fields, whatever the map's order.
  json::object ordered;
  for (std::string_view t : kTargets) {
    if (t == "attrs") {
      if (!attrs.empty()) ordered["attrs"] = std::move(attrs);
      continue;
    }
    if (auto* v = o.if_contains(t)) ordered[t] = std::move(*v);
  }
  out = json::serialize(ordered);
  // An id past 64 bits goes first (kTargets), with the line's digits.
  if (!long_id.empty()) out = cat("{\"id\":", long_id, out.size() > 2 ? "," : "", std::string_view(out).substr(1));
  return true;
}

absl::StatusOr<LineMap> LineMap::load(const std::string& path, std::vector<Diagnostic>* diagnostics) {
  std::string text;
  auto refuse = [&](std::string message) -> absl::StatusOr<LineMap> {
    Diagnostic d;
    d.file = path;
    d.message = message;
    if (diagnostics) diagnostics->push_back(d);
    return absl::InvalidArgumentError(cat("map refused: 1 error; first: ", d.to_string()));
  };
  struct stat st;
  // Standard input is the lines' own input: a map is always a file.
  if (path == "-") return refuse("a map is read from a file, not standard input (which holds the lines)");
  if (::stat(path.c_str(), &st) != 0) return refuse("no such file");
  if (!S_ISREG(st.st_mode)) return refuse("is not a regular file");
  if (st.st_size > (std::int64_t{64} << 20)) return refuse("a map is at most 64 MiB");
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return refuse("cannot be read");
  char buf[1 << 16];
  while (true) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    text.append(buf, static_cast<std::size_t>(n));
  }
  ::close(fd);
  return parse(text, path, diagnostics);
}

absl::StatusOr<LineMap> LineMap::parse(std::string_view text, std::string label, std::vector<Diagnostic>* diagnostics) {
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  std::vector<Diagnostic> found;
  // Errors placed by their pointer are placed together in `finish`, in one pass over the text (each placed
  // on its own walked the text from its start: a map of 20,000 bad fields took 18 s).
  std::vector<std::size_t> by_pointer;  // indexes into `found`
  auto at = [&](std::string pointer, std::string message) {
    Diagnostic d;
    d.file = label;
    d.pointer = std::move(pointer);
    d.message = std::move(message);
    by_pointer.push_back(found.size());
    found.push_back(std::move(d));
  };
  auto at_offset = [&](std::size_t offset, std::string pointer, std::string message) {
    Diagnostic d;
    d.file = label;
    const auto pos = detail::position_of(text, offset);
    d.line = pos.line;
    d.column = pos.column;
    d.pointer = std::move(pointer);
    d.message = std::move(message);
    found.push_back(std::move(d));
  };
  auto finish = [&](std::shared_ptr<Impl> impl) -> absl::StatusOr<LineMap> {
    if (!by_pointer.empty()) {
      std::vector<std::string> pointers;
      pointers.reserve(by_pointer.size());
      for (std::size_t k : by_pointer) pointers.push_back(found[k].pointer);
      const std::vector<detail::TextPos> pos = detail::positions_of(text, detail::locate_many(text, pointers));
      for (std::size_t j = 0; j < by_pointer.size(); ++j) {
        found[by_pointer[j]].line = pos[j].line;
        found[by_pointer[j]].column = pos[j].column;
      }
    }
    if (diagnostics) diagnostics->insert(diagnostics->end(), found.begin(), found.end());
    if (!found.empty())
      return absl::InvalidArgumentError(cat("map refused: ", found.size(), found.size() == 1 ? " error" : " errors",
                                            "; first: ", found.front().to_string()));
    return LineMap(std::move(impl));
  };
  auto impl = std::make_shared<Impl>();
  impl->label = label;
  std::size_t bad = 0;
  if (!detail::valid_utf8(text, bad)) {
    at_offset(bad, "", "invalid UTF-8");
    return finish(nullptr);
  }
  std::string err;
  std::size_t offset = 0;
  auto root = detail::parse_json(text, 64, err, offset);
  if (!root) {
    at_offset(offset, "", err);
    return finish(nullptr);
  }
  // A table that lists a code twice (or a field named twice) would map by whichever came last: refused,
  // as a bundle's files refuse a repeated key.
  for (const auto& [p, where] : detail::duplicate_keys(text, 20)) at_offset(where, p, "duplicate key");
  if (!root->is_object()) {
    at("", "a map is a JSON object {\"format\": \"gridroute.map/1\", \"fields\": {...}, \"tables\": {...}}");
    return finish(nullptr);
  }
  const json::object& top = root->get_object();
  for (const auto& kv : top) {
    std::string_view k = kv.key();
    if (k != "format" && k != "fields" && k != "tables") {
      std::string p;
      detail::append_token(p, k);
      at(p, cat("unknown field '", k, "'", field_hint(k, std::vector<std::string>{"format", "fields", "tables"})));
    }
  }
  // A constant of the map (a table's value, a field's `value` or `default`) is checked where the map is
  // read, so that no line is blamed for it: not null (a value that is not there; leave the key out), no
  // number past a double's range (1e400, which no line can carry), and for the fields that hold a text,
  // a number or true/false, no list or object (`structured`: location, returned and suspended hold them).
  auto constant = [&](const json::value& v, const std::string& pointer, bool structured) {
    if (v.is_null()) {
      at(pointer, "null is not a value: leave the key out (a line without the value then leaves the field out)");
      return false;
    }
    if (!LineMap::Impl::all_finite(v)) {
      at(pointer, "a number beyond the range of a double, about 1.8e308");
      return false;
    }
    if (!structured && (v.is_array() || v.is_object())) {
      at(pointer, cat("must be a text, a number, true or false, got ", detail::brief(v)));
      return false;
    }
    return true;
  };
  const json::value* format = top.if_contains("format");
  if (!format || !format->is_string() || format->get_string() != "gridroute.map/1")
    at(format ? "/format" : "", "format must be \"gridroute.map/1\"");
  // Tables: name -> {platform name -> value}.
  if (const json::value* t = top.if_contains("tables")) {
    if (!t->is_object()) {
      at("/tables", "tables must be an object of tables: {\"event_types\": {\"高音喇叭扰民\": \"env.noise.loudspeaker\"}}");
    } else {
      for (const auto& kv : t->get_object()) {
        std::string p = "/tables";
        detail::append_token(p, kv.key());
        if (!kv.value().is_object()) {
          at(p, "a table is an object of names and values");
          continue;
        }
        for (const auto& e : kv.value().get_object()) {
          std::string ep = p;
          detail::append_token(ep, e.key());
          constant(e.value(), ep, true);
        }
        impl->table_names.emplace_back(kv.key());
        impl->tables.push_back(kv.value().get_object());
      }
    }
  }
  const json::value* fields = top.if_contains("fields");
  if (!fields || !fields->is_object()) {
    at(fields ? "/fields" : "", "fields must be an object: {\"id\": \"orderNo\", \"category\": ..., ...}");
    return finish(nullptr);
  }
  std::vector<std::string> target_names(std::begin(kTargets), std::end(kTargets));
  for (const auto& kv : fields->get_object()) {
    std::string target(kv.key());
    std::string p = "/fields";
    detail::append_token(p, target);
    const bool attr = target.starts_with("attrs.") && target.size() > 6;
    if (!attr && (target == "attrs" || std::find(target_names.begin(), target_names.end(), target) == target_names.end())) {
      at(p, cat("unknown field '", target, "' of an issue or case line", field_hint(target, target_names),
                " (fields: id, category, cell, location, at, attrs.NAME, level, level_started_at, responded, reports, "
                "status, rating, rule, handler, returned, suspended, extended_to)"));
      continue;
    }
    Source s;
    s.target = target;
    const json::value& spec = kv.value();
    auto path_at = [&](const json::value& v, std::string where) -> std::optional<Path> {
      if (!v.is_string()) {
        at(where, cat("a path must be a string such as \"reporter.grid\", got ", detail::brief(v)));
        return std::nullopt;
      }
      auto parsed = parse_path(v.get_string());
      if (!parsed) at(where, cat("path \"", std::string_view(v.get_string()), "\" must be dotted keys such as "
                                 "\"reporter.grid\", or a JSON pointer such as \"/reporter/grid\""));
      return parsed;
    };
    if (spec.is_string()) {
      s.path = path_at(spec, p);
      if (!s.path) continue;
    } else if (!spec.is_object()) {
      at(p, "a field is a path (\"orderNo\") or an object {\"path\": ..., \"table\": ..., \"default\": ..., \"as\": ...}");
      continue;
    } else {
      const json::object& o = spec.get_object();
      static const std::vector<std::string> kKeys{"path",   "value", "default", "table", "as",
                                                  "offset", "format", "lon",     "lat"};
      bool ok = true;
      for (const auto& f : o) {
        std::string fp = p;
        detail::append_token(fp, f.key());
        std::string_view k = f.key();
        if (std::find(kKeys.begin(), kKeys.end(), k) == kKeys.end()) {
          at(fp, cat("unknown field '", k, "'", field_hint(k, kKeys)));
          ok = false;
        } else if (k == "path") {
          s.path = path_at(f.value(), fp);
          ok = ok && s.path;
        } else if (k == "value" || k == "default") {
          const bool structured = target == "location" || target == "returned" || target == "suspended";
          if (!constant(f.value(), fp, structured)) ok = false;
          else (k == "value" ? s.value : s.fallback) = f.value();
        } else if (k == "lon" || k == "lat") {
          auto parsed = path_at(f.value(), fp);
          ok = ok && parsed;
          (k == "lon" ? s.lon : s.lat) = parsed;
        } else if (k == "table") {
          if (!f.value().is_string()) {
            at(fp, "table must name a table of \"tables\"");
            ok = false;
            continue;
          }
          std::string_view name = f.value().get_string();
          auto it = std::find(impl->table_names.begin(), impl->table_names.end(), name);
          if (it == impl->table_names.end()) {
            at(fp, cat("unknown table \"", name, "\"", detail::did_you_mean(name, impl->table_names)));
            ok = false;
          } else {
            s.table = static_cast<int>(it - impl->table_names.begin());
          }
        } else if (k == "as") {
          static const std::vector<std::string> kAs{"string", "number", "integer", "bool", "epoch_s", "epoch_ms"};
          std::string_view a = f.value().is_string() ? std::string_view(f.value().get_string()) : std::string_view();
          auto it = std::find(kAs.begin(), kAs.end(), a);
          if (it == kAs.end()) {
            at(fp, cat("as must be one of string, number, integer, bool, epoch_s, epoch_ms",
                       detail::did_you_mean(a, kAs)));
            ok = false;
          } else {
            s.as = static_cast<As>(1 + (it - kAs.begin()));
          }
        } else if (k == "offset") {
          std::string_view off = f.value().is_string() ? std::string_view(f.value().get_string()) : std::string_view();
          const bool shape = off == "Z" || (off.size() == 6 && (off[0] == '+' || off[0] == '-') &&
                                            std::isdigit(static_cast<unsigned char>(off[1])) &&
                                            std::isdigit(static_cast<unsigned char>(off[2])) && off[3] == ':' &&
                                            std::isdigit(static_cast<unsigned char>(off[4])) &&
                                            std::isdigit(static_cast<unsigned char>(off[5])) &&
                                            (off[1] - '0') * 10 + (off[2] - '0') <= 23 && off[4] <= '5');
          if (!shape) {
            at(fp, "offset must be a UTC offset from -23:59 to +23:59 such as \"+08:00\", or \"Z\"");
            ok = false;
          } else if (!is_time(target)) {
            at(fp, cat("offset applies to times (at, level_started_at, extended_to), not to '", target, "'"));
            ok = false;
          } else {
            s.offset = std::string(off);
          }
        } else if (k == "format") {
          if (!f.value().is_string() || f.value().get_string().find('%') == json::string::npos) {
            at(fp, "format must be a strptime pattern such as \"%m/%d/%Y %I:%M:%S %p\"");
            ok = false;
          } else if (!is_time(target)) {
            at(fp, cat("format applies to times (at, level_started_at, extended_to), not to '", target, "'"));
            ok = false;
          } else {
            s.format = std::string(f.value().get_string());
          }
        }
      }
      if (!ok) continue;
      const bool location = target == "location";
      const bool pair = s.lon.has_value() || s.lat.has_value();
      if ((!location && pair) || (location && pair && (!s.lon || !s.lat || s.path || s.value)) ||
          (location && !pair && !s.path)) {
        at(p, location ? kLocationTakes : "lon and lat are for location only");
        continue;
      }
      if (!location && !s.path && !s.value) {
        at(p, "a field needs a \"path\" (a field of the platform's line) or a \"value\" (a constant)");
        continue;
      }
      if (s.path && s.value) {
        at(p, "a field takes a \"path\" or a \"value\", not both (a value used when the path is missing is a \"default\")");
        continue;
      }
    }
    if (target == "location" && !s.lon && !s.path) {
      at(p, kLocationTakes);
      continue;
    }
    if (target == "id") impl->id_source = static_cast<int>(impl->sources.size());
    impl->sources.push_back(std::move(s));
  }
  if (impl->id_source < 0 && found.empty()) at("/fields", "a map must give the line's \"id\"");
  return finish(std::move(impl));
}

}  // namespace gridroute
