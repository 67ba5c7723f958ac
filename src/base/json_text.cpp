#include "base/json_text.hpp"

#include <cstdio>
#include <cstring>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "base/strings.hpp"
#include "base/text.hpp"

namespace gridroute::detail {
namespace json = boost::json;

namespace {
// A line ends at "\n", and at a "\r" that no "\n" follows (a file saved with classic Mac line ends), as
// editors count lines; the "\r" of "\r\n" is the line's last column.
bool line_end(std::string_view text, std::size_t i) {
  return text[i] == '\n' || (text[i] == '\r' && (i + 1 == text.size() || text[i + 1] != '\n'));
}
}  // namespace

TextPos position_of(std::string_view text, std::size_t offset) {
  TextPos p;
  offset = std::min(offset, text.size());
  for (std::size_t i = 0; i < offset; ++i) {
    if (line_end(text, i)) {
      ++p.line;
      p.column = 1;
    } else {
      ++p.column;
    }
  }
  return p;
}

std::string json_syntax_hint(std::string_view text, std::size_t offset) {
  // The tokens before the error, read again to know what the parser expected there: a name (in an object,
  // after '{' or ','), a colon, a value, or a comma or the end of the object or list.
  enum class Want { value, name, colon, comma_or_end };
  auto space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  auto word_char = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; };
  offset = std::min(offset, text.size());
  std::string open;  // the '{' and '[' not closed yet
  Want want = Want::value;
  char punct = '\0';            // the last punctuation read: { [ : , } ]
  std::string_view last_word;   // the last number or bare word read, when it is the last token
  std::size_t i = 0;
  while (i < offset) {
    const char c = text[i];
    if (space(c)) {
      ++i;
      continue;
    }
    last_word = {};
    if (c == '"') {
      std::size_t j = i + 1;
      while (j < offset && text[j] != '"') j += text[j] == '\\' ? 2 : 1;
      if (j >= offset) {  // the error is inside a string
        const auto b = offset < text.size() ? static_cast<unsigned char>(text[offset]) : 0x20u;
        if (b >= 0x20) return {};
        static constexpr const char* kNames[] = {"a NUL byte", "a tab", "a line end", "a carriage return"};
        const char* name = b == 0 ? kNames[0] : b == '\t' ? kNames[1] : b == '\n' ? kNames[2] : b == '\r' ? kNames[3] : nullptr;
        char hex[8];
        std::snprintf(hex, sizeof hex, "0x%02X", b);
        return cat(name ? name : cat("control byte ", hex), " inside a string: JSON writes it escaped, as ",
                   b == '\t' ? "\\t" : b == '\n' ? "\\n" : b == '\r' ? "\\r" : cat("\\u00", hex + 2));
      }
      want = want == Want::name ? Want::colon : Want::comma_or_end;
      punct = '"';
      i = j + 1;
      continue;
    }
    if (c == '-' || word_char(c)) {
      std::size_t j = i + 1;
      while (j < offset && (word_char(text[j]) || text[j] == '.' || text[j] == '+' || text[j] == '-')) ++j;
      last_word = text.substr(i, j - i);
      want = Want::comma_or_end;
      punct = 'w';
      i = j;
      continue;
    }
    if (c == '{' || c == '[') {
      open.push_back(c);
      want = c == '{' ? Want::name : Want::value;
    } else if (c == '}' || c == ']') {
      if (!open.empty()) open.pop_back();
      want = Want::comma_or_end;
    } else if (c == ':') {
      want = Want::value;
    } else if (c == ',') {
      want = !open.empty() && open.back() == '{' ? Want::name : Want::value;
    }
    punct = c;
    ++i;
  }
  std::size_t at = offset;
  while (at < text.size() && space(text[at])) ++at;
  if (at >= text.size()) return "the text ends before the JSON is complete";
  const char c = text[at];
  const char top = open.empty() ? '\0' : open.back();
  if (c == '/' && at + 1 < text.size() && (text[at + 1] == '/' || text[at + 1] == '*')) return "a comment: JSON has none";
  if (c == '\'') return "a single quote: JSON strings and names take double quotes";
  if (!last_word.empty() && at == offset) {
    const std::string_view w = last_word.front() == '-' ? last_word.substr(1) : last_word;
    if (w == "0" && std::isdigit(static_cast<unsigned char>(c))) return "a number with a leading zero";
    if (!std::isdigit(static_cast<unsigned char>(last_word.back())) && last_word != "true" && last_word != "false" &&
        last_word != "null")
      return "a value JSON does not have: true, false and null are lowercase, and strings take double quotes";
  }
  switch (want) {
    case Want::colon: return "a colon is missing after the name";
    case Want::name:
      if (c == '}' && punct == ',') return "a comma before '}': JSON has none after the last member";
      if (c == ',') return "a comma where a name should be";
      if (c == ']') return "a ']' that closes no list: the object opened with '{' is not closed";
      if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') return "a name without double quotes";
      return {};
    case Want::value:
      if (c == ']' && punct == ',') return "a comma before ']': JSON has none after the last element";
      if (c == ',') return "a comma where a value should be";
      if (c == '}' && punct == ':') return "a value is missing after the colon";
      if ((c == '}' && top == '[') || (c == ']' && top == '{'))
        return cat("a '", std::string(1, c), "' that does not match the '", std::string(1, top), "' it closes");
      if (std::isalpha(static_cast<unsigned char>(c)))
        return "a value JSON does not have: true, false and null are lowercase, and strings take double quotes";
      return {};
    case Want::comma_or_end:
      if ((c == '}' && top == '[') || (c == ']' && top == '{'))
        return cat("a '", std::string(1, c), "' that does not match the '", std::string(1, top), "' it closes");
      if (c == '"' || c == '{' || c == '[' || c == '-' || std::isalnum(static_cast<unsigned char>(c)))
        return "a comma is missing before it";
      return {};
  }
  return {};
}

namespace {
// Whether `text` may hold a mantissa of zeros with an exponent (a quick test before cap_exponents' scan).
bool zero_with_exponent(std::string_view text) {
  return text.find("0e") != std::string_view::npos || text.find("0E") != std::string_view::npos;
}
}  // namespace

std::string cap_exponents(std::string_view text) {
  constexpr std::string_view kCap = "1073741823";  // 2^30 - 1: past any double's reach, within Boost.JSON's
  std::string out;
  bool in_string = false, escaped = false;
  const auto digit = [&](std::size_t k) { return k < text.size() && text[k] >= '0' && text[k] <= '9'; };
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (escaped) escaped = false;
      else if (c == '\\') escaped = true;
      else if (c == '"') in_string = false;
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if ((c == 'e' || c == 'E') && i > 0 && digit(i - 1)) {
      std::size_t j = i + 1;
      if (j < text.size() && (text[j] == '+' || text[j] == '-')) ++j;
      const std::size_t from = j;
      while (digit(j)) ++j;
      std::size_t k = from;
      while (k < j && text[k] == '0') ++k;
      const bool past = j - k > kCap.size() || (j - k == kCap.size() && text.substr(k, kCap.size()) > kCap);
      // A mantissa of zeros is 0 whatever its exponent, which the parser makes a NaN (0 x 10^400) once
      // the power is past a double's range: such an exponent is left all zeros.
      std::size_t m = i;
      while (m > 0 && ((text[m - 1] >= '0' && text[m - 1] <= '9') || text[m - 1] == '.')) --m;
      const bool zero = text.substr(m, i - m).find_first_not_of("0.") == std::string_view::npos;
      if (past || (zero && (j - k > 3 || (j - k == 3 && text.substr(k, 3) > "300")))) {
        if (out.empty()) out.assign(text);
        std::fill(out.begin() + static_cast<std::ptrdiff_t>(from), out.begin() + static_cast<std::ptrdiff_t>(j), '0');
        if (!zero) out.replace(j - kCap.size(), kCap.size(), kCap);
      }
      i = j - 1;
    }
  }
  return out;
}

std::string parse_line(json::parser& parser, std::string_view line, std::size_t max_depth) {
  json::error_code ec;
  std::size_t n = parser.write_some(line.data(), line.size(), ec);
  std::string capped;
  if ((ec == json::error::exponent_overflow || (!ec && zero_with_exponent(line))) &&
      !(capped = cap_exponents(line)).empty()) {
    // Any exponent is JSON (RFC 8259); Boost.JSON reads up to 2^31, and 0e400 as a NaN. The line again
    // with those written as exponents that give the same value, at the same columns.
    parser.reset();
    ec = {};
    n = parser.write_some(capped.data(), capped.size(), ec);
  }
  if (!ec && line.substr(n).find_first_not_of(" \t\r\n") != std::string_view::npos) ec = json::error::extra_data;
  if (!ec) return {};
  if (ec == json::error::too_deep) return cat("invalid JSON: nested deeper than ", max_depth, " levels");
  const std::string hint = ec == json::error::syntax ? json_syntax_hint(line, n) : std::string();
  return cat("invalid JSON: ", ec.message(), " at column ", n + 1, hint.empty() ? "" : " (" + hint + ")");
}

std::optional<json::value> parse_json(std::string_view text, std::size_t max_depth, std::string& error,
                                      std::size_t& offset) {
  json::parse_options opt;
  opt.max_depth = max_depth;
  json::parser p(json::storage_ptr(), opt);
  json::error_code ec;
  std::size_t n = p.write_some(text.data(), text.size(), ec);
  if (ec == json::error::exponent_overflow || (!ec && zero_with_exponent(text))) {  // as parse_line
    if (const std::string capped = cap_exponents(text); !capped.empty()) {
      p.reset();
      ec = {};
      n = p.write_some(capped.data(), capped.size(), ec);
    }
  }
  if (!ec && text.substr(n).find_first_not_of(" \t\r\n") != std::string_view::npos) ec = json::error::extra_data;
  if (ec) {
    offset = n;
    if (ec == json::error::too_deep)
      error = detail::cat("JSON nested deeper than ", max_depth, " levels");
    else if (std::string hint = ec == json::error::syntax ? json_syntax_hint(text, n) : std::string(); !hint.empty())
      error = detail::cat("invalid JSON: ", ec.message(), " (", hint, ")");
    else
      error = detail::cat("invalid JSON: ", ec.message());
    return std::nullopt;
  }
  return p.release();
}

void append_token(std::string& pointer, std::string_view token) {
  pointer.push_back('/');
  for (char c : token) {
    if (c == '~') pointer += "~0";
    else if (c == '/') pointer += "~1";
    else pointer.push_back(c);
  }
}

std::string brief(const json::value& v) {
  switch (v.kind()) {
    case json::kind::object: return "an object";
    case json::kind::array: return "a list";
    case json::kind::null: return "null";
    case json::kind::string: {
      std::string s = json::serialize(v);
      // Hardening: cut on a UTF-8 boundary so the message stays valid UTF-8.
      if (s.size() > 60) s = std::string(utf8_prefix(s, 57)) + "...";
      return s;
    }
    case json::kind::double_: {
      // The shortest text that reads back as the same number ("1.5", not Boost.JSON's "1.5E0").
      const double d = v.get_double();
      if (!std::isfinite(d)) return json::serialize(v);  // "Infinity": 1e400 read as a double
      char buf[32];
      const auto r = std::to_chars(buf, buf + sizeof buf, d);
      return r.ec == std::errc() ? std::string(buf, r.ptr) : json::serialize(v);
    }
    default: return json::serialize(v);
  }
}

namespace {

// A minimal scanner over text that is already known to be valid JSON.
struct Scanner {
  std::string_view t;
  std::size_t i = 0;

  void ws() {
    while (i < t.size() && (t[i] == ' ' || t[i] == '\t' || t[i] == '\n' || t[i] == '\r')) ++i;
  }
  // Reads a string at t[i] == '"'; returns its content with escapes decoded. Hardening: \u escapes
  // are decoded as UTF-16 (a surrogate pair is one code point); a lone surrogate or bad hex becomes
  // U+FFFD, so the result is valid UTF-8 even on text that is not valid JSON (pointer_at reads such).
  static int hex4(std::string_view t, std::size_t at) {
    if (at + 4 > t.size()) return -1;
    int v = 0;
    for (std::size_t k = at; k < at + 4; ++k) {
      char c = t[k];
      int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
      if (d < 0) return -1;
      v = v * 16 + d;
    }
    return v;
  }
  static void put_utf8(std::string& out, unsigned cp) {
    if (cp < 0x80) {
      out.push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
      out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
      out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
      out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
      out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
      out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
  }
  std::string str() {
    std::string out;
    ++i;
    while (i < t.size() && t[i] != '"') {
      if (t[i] == '\\' && i + 1 < t.size()) {
        char e = t[i + 1];
        if (e == 'u') {
          int cp = hex4(t, i + 2);
          i += 2;
          if (cp >= 0) i += 4;
          if (cp >= 0xD800 && cp <= 0xDBFF && i + 1 < t.size() && t[i] == '\\' && t[i + 1] == 'u') {
            int lo = hex4(t, i + 2);
            if (lo >= 0xDC00 && lo <= 0xDFFF) {
              cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
              i += 6;
            }
          }
          if (cp < 0 || (cp >= 0xD800 && cp <= 0xDFFF)) cp = 0xFFFD;
          put_utf8(out, static_cast<unsigned>(cp));
          continue;
        }
        if (e == '"' || e == '\\' || e == '/') out.push_back(e);
        else if (e == 'n') out.push_back('\n');
        else if (e == 't') out.push_back('\t');
        else if (e == 'r') out.push_back('\r');
        else if (e == 'b') out.push_back('\b');
        else if (e == 'f') out.push_back('\f');
        else {
          ++i;  // not an escape (invalid JSON): drop the backslash only, keep what follows whole
          continue;
        }
        i += 2;
      } else {
        out.push_back(t[i++]);
      }
    }
    ++i;
    return out;
  }
  void skip() {
    ws();
    if (i >= t.size()) return;
    char c = t[i];
    if (c == '"') { str(); return; }
    if (c == '{' || c == '[') {
      // Skip a container by counting brackets outside strings.
      int level = 0;
      while (i < t.size()) {
        char d = t[i];
        if (d == '"') { str(); continue; }
        if (d == '{' || d == '[') ++level;
        else if (d == '}' || d == ']') {
          if (--level == 0) { ++i; return; }
        }
        ++i;
      }
      return;
    }
    while (i < t.size() && t[i] != ',' && t[i] != '}' && t[i] != ']' && t[i] != ' ' && t[i] != '\n' &&
           t[i] != '\r' && t[i] != '\t')
      ++i;
  }
};

std::vector<std::string> split_pointer(std::string_view p) {
  std::vector<std::string> out;
  std::size_t i = 0;
  while (i < p.size() && p[i] == '/') {
    ++i;
    std::string tok;
    while (i < p.size() && p[i] != '/') {
      if (p[i] == '~' && i + 1 < p.size()) {
        tok.push_back(p[i + 1] == '1' ? '/' : '~');
        i += 2;
      } else {
        tok.push_back(p[i++]);
      }
    }
    out.push_back(std::move(tok));
  }
  return out;
}

}  // namespace

std::size_t locate(std::string_view text, std::string_view pointer) {
  Scanner s{text};
  auto tokens = split_pointer(pointer);
  s.ws();
  for (const std::string& tok : tokens) {
    s.ws();
    if (s.i >= text.size()) return text.size();
    std::size_t container = s.i;
    if (text[s.i] == '{') {
      ++s.i;
      bool found = false;
      while (true) {
        s.ws();
        if (s.i >= text.size() || text[s.i] == '}') break;
        std::size_t key_at = s.i;
        std::string key = s.str();
        s.ws();
        ++s.i;  // ':'
        if (key == tok) {
          s.ws();
          found = true;
          (void)key_at;
          break;
        }
        s.skip();
        s.ws();
        if (s.i < text.size() && text[s.i] == ',') ++s.i;
      }
      if (!found) return container;
    } else if (text[s.i] == '[') {
      ++s.i;
      std::size_t want = static_cast<std::size_t>(std::strtoull(tok.c_str(), nullptr, 10));
      bool found = false;
      for (std::size_t k = 0;; ++k) {
        s.ws();
        if (s.i >= text.size() || text[s.i] == ']') break;
        if (k == want) { found = true; break; }
        s.skip();
        s.ws();
        if (s.i < text.size() && text[s.i] == ',') ++s.i;
      }
      if (!found) return container;
    } else {
      return s.i;
    }
  }
  s.ws();
  return s.i;
}

std::string_view value_text(std::string_view text, std::string_view pointer) {
  const std::size_t at = locate(text, pointer);
  Scanner s{text};
  s.i = at;
  s.skip();
  return at < text.size() ? text.substr(at, s.i - at) : std::string_view();
}

std::vector<TextPos> positions_of(std::string_view text, const std::vector<std::size_t>& offsets) {
  std::vector<std::size_t> order(offsets.size());
  for (std::size_t k = 0; k < order.size(); ++k) order[k] = k;
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return offsets[a] < offsets[b]; });
  std::vector<TextPos> out(offsets.size());
  TextPos p;
  std::size_t i = 0;
  for (std::size_t k : order) {
    std::size_t target = std::min(offsets[k], text.size());
    for (; i < target; ++i) {
      if (line_end(text, i)) {
        ++p.line;
        p.column = 1;
      } else {
        ++p.column;
      }
    }
    out[k] = p;
  }
  return out;
}

namespace {

// Walks every value of (a prefix of) valid JSON text in document order, calling
// `visit(pointer, offset_of_value)`; stops when `visit` returns false or the text ends or stops being
// JSON. Iterative: an explicit stack, so nesting depth cannot overflow the machine stack.
template <class Visit>
void walk_values(std::string_view text, Visit&& visit) {
  struct Frame {
    std::size_t restore;  // pointer length to restore when the container closes
    bool object;
    std::size_t index;
  };
  Scanner s{text};
  std::vector<Frame> stack;
  std::string ptr;
  bool started = false;
  while (true) {
    s.ws();
    if (s.i >= text.size()) return;
    char c = text[s.i];
    if (c == ',') { ++s.i; continue; }
    if (c == '}' || c == ']') {
      ++s.i;
      if (stack.empty()) return;
      ptr.resize(stack.back().restore);
      stack.pop_back();
      continue;
    }
    std::size_t base = ptr.size();
    if (!stack.empty() && stack.back().object) {
      if (c != '"') return;
      std::string key = s.str();
      s.ws();
      if (s.i < text.size() && text[s.i] == ':') ++s.i;
      append_token(ptr, key);
      s.ws();
      if (s.i >= text.size()) return;
      c = text[s.i];
    } else if (!stack.empty()) {
      append_token(ptr, std::to_string(stack.back().index++));
    } else if (started) {
      return;  // a second top-level value: not part of the document
    }
    started = true;
    if (!visit(static_cast<const std::string&>(ptr), s.i)) return;
    if (c == '{' || c == '[') {
      stack.push_back({base, c == '{', 0});
      ++s.i;
      continue;
    }
    std::size_t before = s.i;
    s.skip();
    if (s.i == before) ++s.i;  // never stall on a byte the scanner does not know
    ptr.resize(base);
  }
}

}  // namespace

namespace {

// Where the text's first value ends when it is an object or an array (npos when it does not end): a
// byte past it is past the whole document, not in its last member.
std::size_t root_end(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size() && (text[i] == ' ' || text[i] == '\t' || text[i] == '\r' || text[i] == '\n')) ++i;
  if (i >= text.size() || (text[i] != '{' && text[i] != '[')) return std::string_view::npos;
  std::size_t depth = 0;
  for (; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '"') {
      for (++i; i < text.size() && text[i] != '"'; ++i)
        if (text[i] == '\\') ++i;
      if (i >= text.size()) return std::string_view::npos;
    } else if (c == '{' || c == '[') {
      ++depth;
    } else if (c == '}' || c == ']') {
      if (--depth == 0) return i + 1;
    }
  }
  return std::string_view::npos;
}

}  // namespace

std::string pointer_at(std::string_view text, std::size_t offset) {
  // Past the end of the document (bytes after its closing brace): the document itself.
  if (const std::size_t end = root_end(text); end != std::string_view::npos && offset >= end) return "";
  std::string where;
  walk_values(text, [&](const std::string& ptr, std::size_t at) {
    if (at > offset) return false;
    where = ptr;
    return true;
  });
  // The text past `offset` may be anything (even invalid UTF-8, read as part of a key): keep the
  // valid prefix only, so that a message never carries invalid UTF-8.
  std::size_t bad = 0;
  if (!valid_utf8(where, bad)) where.resize(bad);
  return where;
}

BytePlace byte_place(std::string_view line, std::size_t bad) {
  std::vector<char> open;                 // the containers not closed yet
  std::vector<std::string> holder(1);     // per depth: the member whose value opened it
  std::string last_name;                  // the last member name read at the current depth
  bool in_string = false, escaped = false, is_name = false, expect_name = false;
  std::size_t name_from = 0;
  for (std::size_t i = 0; i < bad && i < line.size(); ++i) {
    const char c = line[i];
    if (in_string) {
      if (escaped) escaped = false;
      else if (c == '\\') escaped = true;
      else if (c == '"') {
        in_string = false;
        if (is_name) last_name = std::string(line.substr(name_from, i - name_from));
      }
      continue;
    }
    switch (c) {
      case '"':
        in_string = true;
        is_name = expect_name;
        expect_name = false;
        name_from = i + 1;
        break;
      case '{':
      case '[':
        open.push_back(c);
        holder.push_back(last_name);
        expect_name = c == '{';
        break;
      case '}':
      case ']':
        if (!open.empty()) open.pop_back(), holder.pop_back();
        expect_name = false;
        break;
      case ',':
        expect_name = !open.empty() && open.back() == '{';
        break;
      default:
        break;
    }
  }
  BytePlace p;
  p.depth = open.size();
  p.parent = holder.back();
  p.quoted = in_string;
  if (in_string) p.in = is_name ? BytePlace::In::name : BytePlace::In::value;
  else if (open.empty()) p.in = BytePlace::In::outside;  // before the line's object, or after it closed
  else p.in = expect_name ? BytePlace::In::name : BytePlace::In::value;  // where a name or a value begins
  return p;
}

std::vector<std::size_t> locate_many(std::string_view text, const std::vector<std::string>& pointers) {
  // Every prefix of every wanted pointer: a missing member is reported at its nearest existing ancestor.
  absl::flat_hash_set<std::string> wanted;
  for (const auto& p : pointers) {
    std::string_view v = p;
    while (true) {
      if (!wanted.insert(std::string(v)).second) break;
      auto slash = v.rfind('/');
      if (slash == std::string_view::npos) break;
      v = v.substr(0, slash);
    }
  }
  absl::flat_hash_map<std::string, std::size_t> found;
  walk_values(text, [&](const std::string& ptr, std::size_t at) {
    if (wanted.contains(ptr)) found.emplace(ptr, at);
    return true;
  });
  std::vector<std::size_t> out;
  out.reserve(pointers.size());
  for (const auto& p : pointers) {
    std::string_view v = p;
    std::size_t at = 0;
    while (true) {
      if (auto it = found.find(std::string(v)); it != found.end()) {
        at = it->second;
        break;
      }
      auto slash = v.rfind('/');
      if (slash == std::string_view::npos) break;
      v = v.substr(0, slash);
    }
    out.push_back(at);
  }
  return out;
}

std::vector<std::pair<std::string, std::size_t>> duplicate_keys(std::string_view text, std::size_t limit) {
  std::vector<std::pair<std::string, std::size_t>> out;
  // Iterative walk with an explicit stack of (pointer, keys seen, array index).
  struct Frame {
    std::string pointer;
    bool object;
    absl::flat_hash_set<std::string> keys;
    std::size_t index = 0;
  };
  Scanner s{text};
  std::vector<Frame> stack;
  std::string pending;  // pointer of the value about to be read
  auto open = [&](bool object) {
    Frame f;
    f.pointer = pending;
    f.object = object;
    stack.push_back(std::move(f));
    ++s.i;
  };
  while (out.size() < limit) {
    s.ws();
    if (s.i >= text.size()) break;
    char c = text[s.i];
    if (c == ',') { ++s.i; continue; }
    if (c == '}' || c == ']') {
      ++s.i;
      if (!stack.empty()) stack.pop_back();
      continue;
    }
    if (!stack.empty() && stack.back().object) {
      if (c != '"') break;  // not valid JSON; nothing more to say
      std::string key = s.str();
      s.ws();
      ++s.i;  // ':'
      pending = stack.back().pointer;
      append_token(pending, key);
      s.ws();
      if (!stack.back().keys.insert(key).second) out.emplace_back(pending, s.i);
      if (s.i >= text.size()) break;
      c = text[s.i];
    } else if (!stack.empty()) {
      pending = stack.back().pointer;
      append_token(pending, std::to_string(stack.back().index++));
    } else {
      pending.clear();
    }
    if (c == '{') open(true);
    else if (c == '[') open(false);
    else s.skip();
  }
  return out;
}


namespace {

// Counts the members of every object in `v` (the keys Boost.JSON kept).
std::size_t kept_keys(const boost::json::value& v) {
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

}  // namespace

bool keys_repeat(std::string_view text, const boost::json::value& v) { return written_keys(text) != kept_keys(v); }

}  // namespace gridroute::detail
