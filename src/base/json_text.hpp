// Internal: JSON text helpers for diagnostics — parse with a depth limit, find where a JSON pointer
// points in the source text, and find duplicate object keys (which Boost.JSON would silently merge).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json.hpp>

#include "base/text.hpp"

namespace gridroute::detail {

struct TextPos {
  int line = 1;
  int column = 1;
};

TextPos position_of(std::string_view text, std::size_t offset);

// Parses `text`; on failure returns nullopt and sets `error` and `offset` (where parsing stopped).
// What a JSON syntax error at `offset` of `text` most likely is, in words ("a comma before '}': JSON has
// none after the last member"), for the usual mistakes of hand-edited JSON; empty when no hint fits.
std::string json_syntax_hint(std::string_view text, std::size_t offset);

std::optional<boost::json::value> parse_json(std::string_view text, std::size_t max_depth, std::string& error,
                                             std::size_t& offset);

// Parses one input line with `parser` (reset by the caller, with its depth limit `max_depth`), to the end
// of the line: empty when it is one JSON value (then in parser.release()), else the error as the line
// readers give it — `invalid JSON: syntax error at column 12 (a comma before '}': ...)`, `invalid JSON:
// extra data at column N` for bytes after the value, `invalid JSON: nested deeper than 32 levels`.
// Any exponent is JSON (RFC 8259), and Boost.JSON reads those up to 2^31 only.
std::string parse_line(boost::json::parser& parser, std::string_view line, std::size_t max_depth);

// `text` with every exponent past 2^30 - 1 written as 1073741823, padded with zeros to the same length, and
// the exponent past 300 of a mantissa of zeros written as zeros: the same values (an infinity, or a zero)
// at the same positions, for Boost.JSON, which refuses an exponent past 2^31 and reads 0e400 as a NaN.
// "" when no exponent needs it.
std::string cap_exponents(std::string_view text);

// Byte offset of the value (or, for a missing member, of the enclosing object) that `pointer` names.
std::size_t locate(std::string_view text, std::string_view pointer);

// The text of the value that `pointer` names, in valid JSON text (e.g. "[120.43, 30.71]" for "/location"):
// for reading a number exactly as written rather than as a parser rounded it.
std::string_view value_text(std::string_view text, std::string_view pointer);

// Hardening: `locate` for many pointers in one pass over the text (each `locate` call walks from the
// start, so a bundle with many errors in a large file would otherwise cost errors x file size).
std::vector<std::size_t> locate_many(std::string_view text, const std::vector<std::string>& pointers);

// Hardening: the JSON pointer of the value at (or enclosing) byte `offset`, for errors found by the parser
// (e.g. "nested too deep") that otherwise carry only a position. The text before `offset` must be the
// prefix of valid JSON (as it is when the parser stopped there).
std::string pointer_at(std::string_view text, std::size_t offset);

// Where a JSON text's byte `bad` is: in a member's name (then `depth` is its object's, 1 for the top-level
// object, and `parent` the name of the member that holds that object), in a value (or where one begins),
// or outside the top-level value (after it closed, say). Scanned as JSON reads the text before it.
struct BytePlace {
  enum class In { name, value, outside } in = In::outside;
  std::size_t depth = 0;
  std::string parent;
  bool quoted = false;  // inside a string (a name or a value), not where one begins
};

BytePlace byte_place(std::string_view text, std::size_t bad);

// Line and column of many offsets at once (same meaning as position_of), in one pass.
std::vector<TextPos> positions_of(std::string_view text, const std::vector<std::size_t>& offsets);

// Pointers of object members whose key repeats an earlier key of the same object.
// Each with the byte offset of the repeated member's value.
std::vector<std::pair<std::string, std::size_t>> duplicate_keys(std::string_view text, std::size_t limit);

// Whether `v`, parsed from valid JSON `text`, lost a repeated key (Boost.JSON keeps the last of them): a
// count of the keys written against the keys kept, cheap enough for every line; duplicate_keys then says
// which.
bool keys_repeat(std::string_view text, const boost::json::value& v);

// Appends one RFC 6901 reference token, escaping '~' and '/'.
void append_token(std::string& pointer, std::string_view token);

// A short, quoted rendering of a JSON value for messages: "high", 12, true, {...}.
std::string brief(const boost::json::value& v);

// Whether a JSON number's text is an integer (no fraction, no exponent): an optional '-', then digits.
// JSON has no leading zeros, so the text is also the integer's decimal form, however long.
inline bool integer_text(std::string_view t) {
  if (!t.empty() && t.front() == '-') t.remove_prefix(1);
  return !t.empty() && t.find_first_not_of("0123456789") == std::string_view::npos;
}

// Whether `t` is a number as JSON writes one: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)? (".5", "5.",
// "05", "+5" and "0x10" are not).
inline bool json_number_text(std::string_view t) {
  std::size_t i = 0;
  const auto digits = [&] {
    const std::size_t from = i;
    while (i < t.size() && t[i] >= '0' && t[i] <= '9') ++i;
    return i > from;
  };
  if (i < t.size() && t[i] == '-') ++i;
  if (i < t.size() && t[i] == '0') ++i;
  else if (!digits()) return false;
  if (i < t.size() && t[i] == '.' && (++i, !digits())) return false;
  if (i < t.size() && (t[i] == 'e' || t[i] == 'E')) {
    ++i;
    if (i < t.size() && (t[i] == '+' || t[i] == '-')) ++i;
    if (!digits()) return false;
  }
  return i == t.size();
}

}  // namespace gridroute::detail
