// Internal: string concatenation without depending on absl::string_view being std::string_view
// (Debian's Abseil keeps its own string_view type).
#pragma once

#include <charconv>
#include <string>
#include <string_view>
#include <type_traits>

#include "absl/strings/string_view.h"

namespace gridroute::detail {

inline void append_one(std::string& s, std::string_view v) { s.append(v.data(), v.size()); }
inline void append_one(std::string& s, const char* v) { s.append(v); }
#if !ABSL_USES_STD_STRING_VIEW
inline void append_one(std::string& s, absl::string_view v) { s.append(v.data(), v.size()); }
#endif
inline void append_one(std::string& s, const std::string& v) { s.append(v); }
inline void append_one(std::string& s, char c) { s.push_back(c); }
template <class T, std::enable_if_t<std::is_arithmetic_v<T> && !std::is_same_v<T, char> && !std::is_same_v<T, bool>, int> = 0>
inline void append_one(std::string& s, T v) {
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  s.append(buf, r.ptr);
}

template <class... A>
void append(std::string& s, const A&... a) {
  (append_one(s, a), ...);
}

template <class... A>
std::string cat(const A&... a) {
  std::string s;
  (append_one(s, a), ...);
  return s;
}

}  // namespace gridroute::detail
