// UTF-8 and JSON string text: the checks every input string passes, the escapes every output string gets.
#include "base/text.hpp"

#include <cstdint>
#include <cstdio>
#include <cstring>

namespace gridroute::detail {

std::string_view utf8_prefix(std::string_view s, std::size_t max) {
  if (s.size() <= max) return s;
  std::size_t n = max;
  // Back up over continuation bytes to the start of the sequence that straddles the cut, and drop it.
  while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
  return s.substr(0, n);
}

std::string clipped(std::string_view value, std::size_t max) {
  if (value.size() <= max) return std::string(value);
  std::string out(utf8_prefix(value, max));
  out += "...";
  return out;
}

std::string bounded_message(std::string message) {
  if (message.size() <= kMaxMessageBytes) return message;
  // A new string: the long one's buffer is not kept behind a short text.
  const std::string_view kept = utf8_prefix(message, kMaxMessageBytes - 64);
  std::string out;
  out.reserve(kept.size() + 40);
  out.append(kept);
  out += "... (";
  out += std::to_string(message.size() - kept.size());
  out += " bytes more)";
  return out;
}

bool valid_utf8(std::string_view s, std::size_t& bad_at) {
  std::size_t i = 0;
  const std::size_t size = s.size();
  while (i < size) {
    // Eight ASCII bytes at a time (most text is ASCII).
    while (i + 8 <= size) {
      std::uint64_t w;
      std::memcpy(&w, s.data() + i, 8);
      if (w & 0x8080808080808080ull) break;
      i += 8;
    }
    if (i >= size) break;
    auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) { ++i; continue; }
    std::size_t n;
    unsigned lo = 0x80, hi = 0xBF;  // range of the second byte
    if (c >= 0xC2 && c <= 0xDF) n = 2;
    else if (c == 0xE0) { n = 3; lo = 0xA0; }           // no overlong 3-byte forms
    else if (c >= 0xE1 && c <= 0xEC) n = 3;
    else if (c == 0xED) { n = 3; hi = 0x9F; }           // no UTF-16 surrogates
    else if (c >= 0xEE && c <= 0xEF) n = 3;
    else if (c == 0xF0) { n = 4; lo = 0x90; }           // no overlong 4-byte forms
    else if (c >= 0xF1 && c <= 0xF3) n = 4;
    else if (c == 0xF4) { n = 4; hi = 0x8F; }           // nothing above U+10FFFF
    else { bad_at = i; return false; }
    if (i + n > size) { bad_at = i; return false; }
    auto c1 = static_cast<unsigned char>(s[i + 1]);
    if (c1 < lo || c1 > hi) { bad_at = i; return false; }
    for (std::size_t k = 2; k < n; ++k)
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) { bad_at = i; return false; }
    i += n;
  }
  return true;
}

namespace {

// Length of the well-formed UTF-8 sequence at s[i] (a byte >= 0x80), or 0 when it is not one.
std::size_t utf8_sequence(std::string_view s, std::size_t i) {
  auto c = static_cast<unsigned char>(s[i]);
  std::size_t n = c >= 0xC2 && c <= 0xDF ? 2 : c >= 0xE0 && c <= 0xEF ? 3 : c >= 0xF0 && c <= 0xF4 ? 4 : 0;
  if (n == 0 || i + n > s.size()) return 0;
  std::size_t bad = 0;
  return valid_utf8(s.substr(i, n), bad) ? n : 0;
}

}  // namespace

void append_json_string(std::string& out, std::string_view s) {
  out.push_back('"');
  const std::size_t plain = plain_json_prefix(s);
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

}  // namespace gridroute::detail
