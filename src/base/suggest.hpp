// Internal: "did you mean" — the closest known name to an unknown one, by edit distance.
//
//   Suggest s("enforcment_squad");
//   for (auto r : roles) s.consider(r);
//   msg += s.hint();   // ` (did you mean "enforcement_squad"?)`, or "" when nothing is close
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace gridroute::detail {

// The optimal-string-alignment (restricted Damerau–Levenshtein) distance between `a` and `b`, in bytes,
// ASCII letters compared without case: insertions, deletions, substitutions and swaps of two adjacent
// bytes cost 1. Stops early and returns `limit + 1` once the distance is known to exceed `limit`.
std::size_t edit_distance(std::string_view a, std::string_view b, std::size_t limit);

// The candidate closest to a word, among those within a distance that grows with the word's length
// (1 for up to 7 bytes, 2 up to 11, 3 beyond); ties go to the first candidate considered. A candidate that
// differs from the word only in the case of its letters is the closest of all. A word that is not ASCII
// (a Chinese event type, say) is measured in code points, lengths and distances alike.
class Suggest {
 public:
  explicit Suggest(std::string_view word);
  // Considers one candidate (equal to the word: ignored). Cheap filters (length, a byte histogram) run
  // before the distance, so a million candidates cost a few tens of milliseconds.
  void consider(std::string_view candidate);
  template <class Range>
  Suggest& consider_all(const Range& candidates) {
    for (const auto& c : candidates) consider(c);
    return *this;
  }
  bool found() const { return !best_.empty(); }
  const std::string& best() const { return best_; }
  // ` (did you mean "best"?)`, or "" when no candidate is close enough.
  std::string hint() const;
  // How many candidates reached the distance computation (for budgets).
  std::size_t measured() const { return measured_; }

 private:
  std::string word_;
  std::u32string wide_;  // the word's code points, when it is not ASCII
  std::size_t limit_ = 1;
  std::size_t best_distance_ = 2;
  std::string best_;
  std::array<std::uint8_t, 64> histogram_{};
  std::size_t measured_ = 0;
};

// The hint for `word` among `candidates` (any range of things convertible to std::string_view).
template <class Range>
std::string did_you_mean(std::string_view word, const Range& candidates) {
  Suggest s(word);
  for (const auto& c : candidates) s.consider(c);
  return s.hint();
}

}  // namespace gridroute::detail
