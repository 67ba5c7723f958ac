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

// Clinger's fast path: a number of at most 19 significant digits whose digits make an integer m <= 2^53,
// scaled by 10^e with |e| <= 22: m and 10^e are exact doubles, so m * 10^e (or m / 10^-e) is one
// correctly rounded operation. Covers coordinates written with up to 15 or so digits; returns false
// for anything else.
inline bool clinger_fast_path(std::string_view t, double& out) {
  static constexpr double kPow10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
                                      1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
  const char* p = t.data();
  const char* const end = p + t.size();
  const bool neg = p < end && *p == '-';
  p += neg;
  std::uint64_t m = 0;
  const char* const first = p;
  while (p < end && static_cast<unsigned>(*p - '0') < 10) m = m * 10 + static_cast<unsigned>(*p++ - '0');
  std::ptrdiff_t digits = p - first, frac = 0;
  if (p < end && *p == '.') {
    const char* const f = ++p;
    while (p < end && static_cast<unsigned>(*p - '0') < 10) m = m * 10 + static_cast<unsigned>(*p++ - '0');
    frac = p - f;
    digits += frac;
  }
  if (digits > 19) return false;  // m may have wrapped (leading zeros too are counted: from_chars takes those)
  int e = 0;
  if (p < end && (*p == 'e' || *p == 'E')) {
    ++p;
    const bool eneg = p < end && *p == '-';
    if (p < end && (*p == '-' || *p == '+')) ++p;
    for (; p < end && static_cast<unsigned>(*p - '0') < 10; ++p) {
      if (e > 1000) return false;
      e = e * 10 + (*p - '0');
    }
    if (eneg) e = -e;
  }
  if (p != end) return false;
  if (m == 0) {
    out = neg ? -0.0 : 0.0;
    return true;
  }
  e -= static_cast<int>(frac);
  if (m > (std::uint64_t{1} << 53) || e < -22 || e > 22) return false;
  double d = static_cast<double>(m);
  d = e < 0 ? d / kPow10[-e] : d * kPow10[e];
  out = neg ? -d : d;
  return true;
}

// Reads a JSON number's text (as the grammar above accepts it) into `out`. Returns false when its
// magnitude is too large for binary64. A magnitude too small for the smallest subnormal is ±0, its
// correctly rounded value.
inline bool json_number_value(std::string_view text, double& out) {
  if (clinger_fast_path(text, out)) return true;
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
