// Internal: the binary64 value of a JSON number's text, correctly rounded (std::from_chars), for SPEC §7's
// "positions and points are the binary64 values of their JSON numbers". Boost.JSON 1.81 converts some
// numbers with many digits one unit in the last place off, so coordinates are read again from their text.
#pragma once

#include <charconv>
#include <cstdint>
#include <string_view>
#include <system_error>

namespace gridroute::geo::detail {

// Length of the JSON number (RFC 8259 grammar) at the start of `s`, or 0 when there is none.
inline std::size_t json_number_length(std::string_view s) {
  std::size_t i = 0;
  auto digit = [&](std::size_t k) { return k < s.size() && s[k] >= '0' && s[k] <= '9'; };
  if (i < s.size() && s[i] == '-') ++i;
  if (!digit(i)) return 0;
  if (s[i] == '0') {
    ++i;
  } else {
    while (digit(i)) ++i;
  }
  if (i < s.size() && s[i] == '.') {
    if (!digit(i + 1)) return 0;
    ++i;
    while (digit(i)) ++i;
  }
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    std::size_t j = i + 1;
    if (j < s.size() && (s[j] == '+' || s[j] == '-')) ++j;
    if (!digit(j)) return 0;
    i = j;
    while (digit(i)) ++i;
  }
  return i;
}

// Reads a JSON number's text (as the grammar above accepts it) into `out`. Returns false when its
// magnitude is too large for binary64. A magnitude too small for the smallest subnormal is ±0, its
// correctly rounded value.
inline bool json_number_value(std::string_view text, double& out) {
  auto r = std::from_chars(text.data(), text.data() + text.size(), out);
  if (r.ec == std::errc()) return true;
  if (r.ec != std::errc::result_out_of_range) return false;
  // Out of range: overflow or underflow? The decimal exponent of the leading digit tells.
  std::size_t i = 0;
  bool negative = i < text.size() && text[i] == '-';
  if (negative) ++i;
  std::int64_t leading = 0;  // decimal exponent of the first nonzero digit, before the 'e' part
  bool found = false;
  std::int64_t int_digits = 0;
  for (; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i) {
    if (!found && text[i] != '0') {
      found = true;
      int_digits = 0;
    }
    if (found) ++int_digits;
  }
  if (found) leading = int_digits - 1;
  if (i < text.size() && text[i] == '.') {
    ++i;
    std::int64_t pos = 0;
    for (; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i) {
      --pos;
      if (!found && text[i] != '0') {
        found = true;
        leading = pos;
      }
    }
  }
  std::int64_t exp = 0;
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    bool eneg = i < text.size() && text[i] == '-';
    if (i < text.size() && (text[i] == '-' || text[i] == '+')) ++i;
    for (; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i)
      if (exp < 1'000'000'000) exp = exp * 10 + (text[i] - '0');
    if (eneg) exp = -exp;
  }
  if (!found || leading + exp < 0) {
    out = negative ? -0.0 : 0.0;
    return true;
  }
  return false;
}

}  // namespace gridroute::geo::detail
