// "Did you mean" (see suggest.hpp).
#include "base/suggest.hpp"

#include <algorithm>
#include <vector>

#include "base/strings.hpp"

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

}  // namespace

std::size_t edit_distance(std::string_view a, std::string_view b, std::size_t limit) {
  const std::size_t n = a.size(), m = b.size();
  if ((n > m ? n - m : m - n) > limit) return limit + 1;
  // Three rows of the dynamic programme: the one before the previous (for swaps), the previous, the current.
  std::vector<std::size_t> r0(m + 1), r1(m + 1), r2(m + 1);
  for (std::size_t j = 0; j <= m; ++j) r1[j] = j;
  for (std::size_t i = 1; i <= n; ++i) {
    r2[0] = i;
    std::size_t row_min = r2[0];
    for (std::size_t j = 1; j <= m; ++j) {
      const bool same = fold(a[i - 1]) == fold(b[j - 1]);
      std::size_t d = std::min({r1[j] + 1, r2[j - 1] + 1, r1[j - 1] + (same ? 0 : 1)});
      if (i > 1 && j > 1 && fold(a[i - 1]) == fold(b[j - 2]) && fold(a[i - 2]) == fold(b[j - 1]))
        d = std::min(d, r0[j - 2] + 1);
      r2[j] = d;
      row_min = std::min(row_min, d);
    }
    if (row_min > limit) return limit + 1;
    std::swap(r0, r1);
    std::swap(r1, r2);
  }
  return std::min(r1[m], limit + 1);
}

Suggest::Suggest(std::string_view word)
    : word_(word),
      limit_(word.size() <= 7 ? 1 : word.size() <= 11 ? 2 : 3),
      best_distance_(limit_ + 1),
      histogram_(histogram(word)) {}

void Suggest::consider(std::string_view c) {
  if (best_distance_ == 0 || c == word_ || c.empty() || word_.empty()) return;
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
  return cat(" (did you mean \"", best_, "\"?)");
}

}  // namespace gridroute::detail
