// "Did you mean" (see suggest.hpp).
#include "base/suggest.hpp"

#include <algorithm>
#include <vector>

#include "base/strings.hpp"
#include "base/text.hpp"

namespace gridroute::detail {
namespace {

unsigned char fold(char c) {
  const auto u = static_cast<unsigned char>(c);
  return u >= 'A' && u <= 'Z' ? static_cast<unsigned char>(u + 32) : u;
}

std::array<std::uint8_t, 64> histogram(std::string_view s) {
  std::array<std::uint8_t, 64> h{};
  for (char c : s) {
    auto& slot = h[fold(c) & 63];
    if (slot < 255) ++slot;
  }
  return h;
}

char32_t fold(char32_t c) { return c >= U'A' && c <= U'Z' ? c + 32 : c; }

// The optimal-string-alignment distance over any two sequences of bytes or code points (see edit_distance).
template <class A, class B>
std::size_t osa(const A& a, const B& b, std::size_t limit) {
  const std::size_t n = a.size(), m = b.size();
  if ((n > m ? n - m : m - n) > limit) return limit + 1;
  // Three rows of the dynamic programme: the one before the previous (for swaps), the previous, the current.
  // Only the band |i - j| <= limit is computed: a cell outside it is more than `limit` edits away, and is
  // held at `limit + 1`. So two long texts cost their length times the limit, not the product of their
  // lengths (a tier name of a megabyte against another one is otherwise hours of work).
  const std::size_t far = limit + 1;
  std::vector<std::size_t> r0(m + 2, far), r1(m + 2, far), r2(m + 2, far);
  for (std::size_t j = 0; j <= std::min(m, limit); ++j) r1[j] = j;
  for (std::size_t i = 1; i <= n; ++i) {
    const std::size_t lo = i > limit ? i - limit : 1;
    const std::size_t hi = std::min(m, i + limit);
    r2[lo - 1] = lo == 1 ? std::min(i, far) : far;
    std::size_t row_min = r2[lo - 1];
    for (std::size_t j = lo; j <= hi; ++j) {
      const bool same = fold(a[i - 1]) == fold(b[j - 1]);
      std::size_t d = std::min({r1[j] + 1, r2[j - 1] + 1, r1[j - 1] + (same ? 0 : 1)});
      if (i > 1 && j > 1 && fold(a[i - 1]) == fold(b[j - 2]) && fold(a[i - 2]) == fold(b[j - 1]))
        d = std::min(d, r0[j - 2] + 1);
      r2[j] = std::min(d, far);
      row_min = std::min(row_min, r2[j]);
    }
    r2[hi + 1] = far;  // read as the next row's r1[hi + 1]: outside this row's band
    if (row_min > limit) return limit + 1;
    std::swap(r0, r1);
    std::swap(r1, r2);
  }
  return std::min(r1[m], limit + 1);
}

bool ascii(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}

// The code points of a UTF-8 text; a byte that starts no valid sequence counts as one of its own.
std::u32string code_points(std::string_view s) {
  std::u32string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size();) {
    const auto b = static_cast<unsigned char>(s[i]);
    const std::size_t len = b < 0x80 ? 1 : (b >> 5) == 6 ? 2 : (b >> 4) == 14 ? 3 : (b >> 3) == 30 ? 4 : 0;
    bool ok = len > 0 && i + len <= s.size();
    char32_t cp = len == 1 ? b : len == 2 ? (b & 0x1F) : len == 3 ? (b & 0x0F) : (b & 0x07);
    for (std::size_t k = 1; ok && k < len; ++k) {
      const auto t = static_cast<unsigned char>(s[i + k]);
      ok = (t & 0xC0) == 0x80;
      cp = (cp << 6) | (t & 0x3F);
    }
    out.push_back(ok ? cp : 0x110000 + b);
    i += ok ? len : 1;
  }
  return out;
}

}  // namespace

std::size_t edit_distance(std::string_view a, std::string_view b, std::size_t limit) { return osa(a, b, limit); }

Suggest::Suggest(std::string_view word)
    : word_(word), wide_(ascii(word) ? std::u32string() : code_points(word)), histogram_(histogram(word)) {
  // Lengths in characters: three bytes of a Chinese character are one typo, not three.
  const std::size_t length = wide_.empty() ? word.size() : wide_.size();
  limit_ = length <= 7 ? 1 : length <= 11 ? 2 : 3;
  best_distance_ = limit_ + 1;
}

void Suggest::consider(std::string_view c) {
  if (best_distance_ == 0 || c == word_ || c.empty() || word_.empty()) return;
  if (!wide_.empty()) {
    const std::u32string w = code_points(c);
    const std::size_t n = wide_.size(), m = w.size();
    if ((n > m ? n - m : m - n) >= best_distance_) return;
    ++measured_;
    const std::size_t d = osa(wide_, w, best_distance_ - 1);
    if (d >= best_distance_ || d >= std::max(n, m)) return;
    best_distance_ = d;
    best_.assign(c.data(), c.size());
    return;
  }
  const std::size_t n = word_.size(), m = c.size();
  if ((n > m ? n - m : m - n) >= best_distance_) return;
  // Each edit changes the byte histogram by at most 2: a histogram further off than that cannot be close.
  const auto h = histogram(c);
  std::size_t off = 0;
  for (std::size_t k = 0; k < 64; ++k) off += h[k] > histogram_[k] ? h[k] - histogram_[k] : histogram_[k] - h[k];
  if (off > 2 * (best_distance_ - 1)) return;
  ++measured_;
  const std::size_t d = edit_distance(word_, c, best_distance_ - 1);
  // A candidate must keep something of the word: "a" is not a suggestion for "b".
  if (d >= best_distance_ || d >= std::max(n, m)) return;
  best_distance_ = d;
  best_.assign(c.data(), c.size());
}

std::string Suggest::hint() const {
  if (best_.empty()) return "";
  return cat(" (did you mean \"", clipped(best_), "\"?)");
}

}  // namespace gridroute::detail
