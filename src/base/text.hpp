// Internal: UTF-8 text. Every string that enters the engine is checked with valid_utf8; every string it
// writes goes through append_json_string, so output is valid UTF-8 JSON whatever a message quotes.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace gridroute::detail {

// Strict UTF-8 (RFC 3629: no overlong forms, no surrogates, nothing above U+10FFFF). On failure sets
// `bad_at` to the offset of the first bad byte.
bool valid_utf8(std::string_view s, std::size_t& bad_at);
inline bool valid_utf8(std::string_view s) {
  std::size_t bad = 0;
  return valid_utf8(s, bad);
}

// The longest prefix of `s` of at most `max` bytes that does not end inside a UTF-8 sequence, so that a
// truncated rendering in a message stays valid UTF-8.
std::string_view utf8_prefix(std::string_view s, std::size_t max);

// Appends a JSON string literal with escapes; a byte that does not start a well-formed UTF-8 sequence
// becomes U+FFFD.
void append_json_string(std::string& out, std::string_view s);

}  // namespace gridroute::detail
