// Internal: UTF-8 text. Every string that enters the engine is checked with valid_utf8; every string it
// writes goes through append_json_string, so output is valid UTF-8 JSON whatever a message quotes.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace gridroute::detail {

// The first byte in [p, e) that a JSON string cannot hold as it is — '"', '\\' or a control character
// below 0x20 — or e when there is none. Sixteen bytes at a compare where SSE2 is (v <= 0x1f: min(v, 0x1f)
// == v), then eight at a time in a word (the lowest flag of a word is exact: a borrow can raise false
// flags above the first special byte, never below it), then single bytes.
[[gnu::always_inline]] inline const char* json_special(const char* p, const char* e) noexcept {
#if defined(__SSE2__)
  const __m128i quote = _mm_set1_epi8('"'), backslash = _mm_set1_epi8('\\'), control = _mm_set1_epi8(0x1f);
  while (e - p >= 16) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    const __m128i special = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, backslash)),
                                         _mm_cmpeq_epi8(_mm_min_epu8(v, control), v));
    if (const auto mask = static_cast<unsigned>(_mm_movemask_epi8(special))) return p + std::countr_zero(mask);
    p += 16;
  }
#endif
  constexpr std::uint64_t kOnes = 0x0101010101010101ull, kHigh = 0x8080808080808080ull;
  while (e - p >= 8) {
    std::uint64_t w;
    std::memcpy(&w, p, 8);
    const std::uint64_t q = w ^ (kOnes * '"'), bs = w ^ (kOnes * '\\');
    const std::uint64_t flags = (((q - kOnes) & ~q) | ((bs - kOnes) & ~bs) | ((w - kOnes * 0x20) & ~w)) & kHigh;
    if (flags) {
      static_assert(std::endian::native == std::endian::little, "the first byte of a word is its lowest");
      return p + (std::countr_zero(flags) >> 3);
    }
    p += 8;
  }
  for (; p < e; ++p) {
    const auto c = static_cast<unsigned char>(*p);
    if (c == '"' || c == '\\' || c < 0x20) return p;
  }
  return e;
}

// Strict UTF-8 (RFC 3629: no overlong forms, no surrogates, nothing above U+10FFFF). On failure sets
// `bad_at` to the offset of the first bad byte.
bool valid_utf8(std::string_view s, std::size_t& bad_at);

// True when no byte of `s` is above 0x7F (such text is valid UTF-8). Branch-light for the short ids and
// names of an issue: a word at a time, the last word overlapping, and a string under eight bytes in two
// overlapping loads.
inline bool ascii_only(std::string_view s) noexcept {
  const char* p = s.data();
  const std::size_t n = s.size();
  if (n >= 8) {
    std::uint64_t acc = 0, w = 0;
    for (std::size_t i = 0; i + 8 <= n; i += 8) {
      std::memcpy(&w, p + i, 8);
      acc |= w;
    }
    std::memcpy(&w, p + n - 8, 8);
    return ((acc | w) & 0x8080808080808080ull) == 0;
  }
  if (n >= 4) {
    std::uint32_t a = 0, b = 0;
    std::memcpy(&a, p, 4);
    std::memcpy(&b, p + n - 4, 4);
    return ((a | b) & 0x80808080u) == 0;
  }
  if (n == 0) return true;
  // One to three bytes: the first, the middle and the last cover them all.
  return ((static_cast<unsigned char>(p[0]) | static_cast<unsigned char>(p[n / 2]) |
           static_cast<unsigned char>(p[n - 1])) & 0x80u) == 0;
}

// The first and the last sizeof(Word) bytes of p and q, compared (n >= sizeof(Word)): overlapping loads
// cover every byte up to twice the word.
template <class Word>
inline bool same_ends(const char* p, const char* q, std::size_t n) noexcept {
  Word p0 = 0, p1 = 0, q0 = 0, q1 = 0;
  std::memcpy(&p0, p, sizeof(Word));
  std::memcpy(&q0, q, sizeof(Word));
  std::memcpy(&p1, p + n - sizeof(Word), sizeof(Word));
  std::memcpy(&q1, q + n - sizeof(Word), sizeof(Word));
  return ((p0 ^ q0) | (p1 ^ q1)) == 0;
}

// Whether `a` and `b` hold the same bytes. Ids are short: up to 16 bytes this is two overlapping loads a
// side, in place, where a call to memcmp costs more than the comparison (longer ids go to memcmp).
inline bool same_text(std::string_view a, std::string_view b) noexcept {
  const std::size_t n = a.size();
  if (n != b.size()) return false;
  const char* p = a.data();
  const char* q = b.data();
  if (n > 16) return std::memcmp(p, q, n) == 0;
  if (n >= 8) return same_ends<std::uint64_t>(p, q, n);
  if (n >= 4) return same_ends<std::uint32_t>(p, q, n);
  // Zero to three bytes: the first, the middle and the last cover them all.
  return n == 0 || (p[0] == q[0] && p[n / 2] == q[n / 2] && p[n - 1] == q[n - 1]);
}

inline bool valid_utf8(std::string_view s) {
  if (ascii_only(s)) return true;
  std::size_t bad = 0;
  return valid_utf8(s, bad);
}

// The longest prefix of `s` of at most `max` bytes that does not end inside a UTF-8 sequence, so that a
// truncated rendering in a message stays valid UTF-8.
std::string_view utf8_prefix(std::string_view s, std::size_t max);

// A bundle diagnostic's message of at most kMaxMessageBytes: a longer one (a value of a megabyte quoted
// in it) keeps its first part, cut on a UTF-8 boundary, and says how much was left out. Each of up to
// LoadOptions::max_errors messages then costs a kilobyte or two, whatever the bundle's values hold.
inline constexpr std::size_t kMaxMessageBytes = 1024;
std::string bounded_message(std::string message);
// A value quoted in a message: at most `max` bytes of it, cut on a UTF-8 boundary, with "..." when cut.
std::string clipped(std::string_view value, std::size_t max = 80);

// Appends a byte as two lowercase hex digits ("1b").
inline void append_hex(std::string& out, unsigned char b) {
  static constexpr char kHex[] = "0123456789abcdef";
  out.push_back(kHex[b >> 4]);
  out.push_back(kHex[b & 15]);
}

// Appends a JSON string literal with escapes; a byte that does not start a well-formed UTF-8 sequence
// becomes U+FFFD.
void append_json_string(std::string& out, std::string_view s);
// Whether a word of bytes holds one that a JSON string cannot take as it is, or one from 0x80 (a false
// alarm is possible, a miss is not).
template <class Word>
inline bool json_unplain_word(Word w) noexcept {
  constexpr Word kOnes = static_cast<Word>(0x0101010101010101ull), kHigh = static_cast<Word>(0x8080808080808080ull);
  const Word q = w ^ static_cast<Word>(kOnes * '"'), b = w ^ static_cast<Word>(kOnes * '\\');
  return ((w | static_cast<Word>(w - kOnes * 0x20) | (static_cast<Word>(q - kOnes) & ~q) |
           (static_cast<Word>(b - kOnes) & ~b)) & kHigh) != 0;
}

// How many bytes at the start of `s` a JSON string takes as they are: none below 0x20, '"', '\\' or
// from 0x80. Most ids need no escaping: the whole string is checked first in overlapping words (two
// loads up to 16 bytes), and only a string with a flagged word is walked byte by byte.
inline std::size_t plain_json_prefix(std::string_view s) {
  const char* p = s.data();
  const std::size_t n = s.size();
  bool flagged;
  if (n >= 8) {
    std::uint64_t w = 0, last = 0;
    std::memcpy(&last, p + n - 8, 8);
    flagged = json_unplain_word(last);
    for (std::size_t i = 0; !flagged && i + 8 < n; i += 8) {
      std::memcpy(&w, p + i, 8);
      flagged = json_unplain_word(w);
    }
  } else if (n >= 4) {
    std::uint32_t a = 0, b = 0;
    std::memcpy(&a, p, 4);
    std::memcpy(&b, p + n - 4, 4);
    flagged = json_unplain_word(a) || json_unplain_word(b);
  } else {
    flagged = true;  // zero to three bytes: the loop below
  }
  if (!flagged) return n;
  std::size_t plain = 0;
  while (plain < n) {
    auto c = static_cast<unsigned char>(p[plain]);
    if (c < 0x20 || c == '"' || c == '\\' || c >= 0x80) break;
    ++plain;
  }
  return plain;
}

}  // namespace gridroute::detail
