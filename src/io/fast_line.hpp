// Internal: a fast reader for the usual JSON line — one flat object of plain fields and an `attrs`
// object of scalars. It accepts only text it fully understands (strings without escapes or control
// characters, integers of at most 15 digits, true/false/null, no repeated key) and refuses everything
// else, which then goes through Boost.JSON and the checks that word every error (io/parser.cpp). What
// it accepts, it reads exactly as that path would: the strings are views into the line.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <string_view>
#include <utility>
#include <vector>

#include "base/text.hpp"
#include "geo/number.hpp"
#include "gridroute/decision.hpp"

namespace gridroute::detail {

class FastLine {
 public:
  struct Field {
    std::string_view key;
    // 's' string, 'i' integer, 't' true, 'f' false, 'n' null, 'a' the attrs object, 'l' a `location` of
    // two JSON numbers (text: the array, brackets included)
    char kind;
    std::string_view text;
    std::int64_t integer;
  };
  static constexpr std::size_t kMaxFields = 16;
  Field fields[kMaxFields];
  std::size_t count = 0;
  // The fields of the contract, found while reading (a repeat of one sends the line to the full path).
  enum Known {
    id, category, cell, at, attrs_key, level, level_started_at, responded, reports, status, rating,
    rule, handler, returned, suspended, extended_to, location, kKnown
  };
  const Field* known[kKnown];
  const Field* get(Known k) const { return known[k]; }
  std::vector<std::pair<std::string_view, AttrValue>>* attrs = nullptr;  // where `attrs` members go

  bool read(std::string_view line) {
    p_ = line.data();
    e_ = line.data() + line.size();
    count = 0;
    for (auto& k : known) k = nullptr;
    ws();
    if (!eat('{')) return false;
    ws();
    if (eat('}')) return end();
    bool in_order = true;   // every key so far was one of the last line's, in its order (KeyMemo)
    std::size_t next = 0;   // where in the memo the next key is looked for
    while (true) {
      std::string_view key;
      int slot;
      if (count == kMaxFields) return false;
      if (in_order && memo_.take(next, p_, e_, key, slot)) {
        // `"key":` as the last line had it: its keys were distinct, and the ones taken so far come from
        // ever later places in it, so they are distinct too.
        ws();
      } else {
        in_order = false;
        if (!string(key) || !colon()) return false;
        slot = known_slot(key);
        if (slot >= 0) {
          if (known[slot]) return false;
        } else {
          for (std::size_t k = 0; k < count; ++k)
            if (fields[k].key == key) return false;
        }
      }
      Field& f = fields[count++];
      f.key = key;
      if (slot >= 0) known[slot] = &f;
      if (slot == attrs_key && p_ < e_ && *p_ == '{') {
        if (!attrs || !object_of_scalars()) return false;
        f.kind = 'a';
      } else if (slot == location && p_ < e_ && *p_ == '[') {
        if (!pair_of_numbers(f.text)) return false;
        f.kind = 'l';
      } else if (!scalar(f.kind, f.text, f.integer)) {
        return false;
      }
      ws();
      if (eat(',')) {
        ws();
        continue;
      }
      if (!eat('}') || !end()) return false;
      if (!in_order) memo_.remember(fields, count);
      return true;
    }
  }

 private:
  // The keys of the last line that had a key the memo did not, in order, as `"key":`. Platforms write
  // every line with the same keys in the same order, some of them optional, so a key that is the next
  // one of the memo, or one of the two after it, is taken by a compare or three instead of a scan for
  // its end, a colon and a lookup of its slot. Any other key or spelling (a space before the colon, an
  // escape) takes the general path for the rest of the line, which then becomes the memo.
  struct KeyMemo {
    static constexpr std::size_t kBytes = 512;
    char text[kBytes + 32] = {};  // zero padding past the keys: room for the word loads of a compare
    std::uint16_t at[kMaxFields] = {}, len[kMaxFields] = {};  // offset and length of `"key":` in text
    std::int8_t slot[kMaxFields] = {};
    std::size_t count = 0;

    // Takes the key at p if it is memo entry `next`, `next + 1` or `next + 2`; `next` moves past it.
    [[gnu::always_inline]] bool take(std::size_t& next, const char*& p, const char* e, std::string_view& key,
                                     int& s) const {
      for (std::size_t i = next, stop = std::min(count, next + 3); i < stop; ++i) {
        const std::size_t n = len[i];
        if (static_cast<std::size_t>(e - p) < n) continue;
        const char* want = text + at[i];
        const bool same = n <= 16 ? same_text(std::string_view(p, n), std::string_view(want, n))
                                  : n <= 32 ? same_text(std::string_view(p, 16), std::string_view(want, 16)) &&
                                                  same_text(std::string_view(p + n - 16, 16), std::string_view(want + n - 16, 16))
                                            : std::memcmp(p, want, n) == 0;
        if (!same) continue;
        key = std::string_view(p + 1, n - 3);
        s = slot[i];
        p += n;
        next = i + 1;
        return true;
      }
      return false;
    }
    // Keys that do not fit end the memo there: lines take the general path from that key on.
    void remember(const Field* fields, std::size_t n) {
      count = 0;
      std::size_t used = 0;
      for (std::size_t i = 0; i < n; ++i) {
        const std::string_view k = fields[i].key;
        if (used + k.size() + 3 > kBytes) break;
        at[i] = static_cast<std::uint16_t>(used);
        len[i] = static_cast<std::uint16_t>(k.size() + 3);
        text[used++] = '"';
        std::memcpy(text + used, k.data(), k.size());
        used += k.size();
        text[used++] = '"';
        text[used++] = ':';
        slot[i] = static_cast<std::int8_t>(known_slot(k));
        count = i + 1;
      }
    }
  };
  KeyMemo memo_;       // the line's keys
  KeyMemo attr_memo_;  // the names of its `attrs`

  static bool is(std::string_view key, std::string_view word) {
    return key.size() == word.size() && std::memcmp(key.data(), word.data(), word.size()) == 0;
  }
  static int known_slot(std::string_view key) {
    switch (key.size()) {
      case 2: return is(key, "id") ? id : is(key, "at") ? at : -1;
      case 4: return is(key, "cell") ? cell : is(key, "rule") ? rule : -1;
      case 5: return is(key, "attrs") ? attrs_key : is(key, "level") ? level : -1;
      case 6: return is(key, "status") ? status : is(key, "rating") ? rating : -1;
      case 7: return is(key, "reports") ? reports : is(key, "handler") ? handler : -1;
      case 8: return is(key, "category") ? category : is(key, "returned") ? returned : is(key, "location") ? location : -1;
      case 9: return is(key, "responded") ? responded : is(key, "suspended") ? suspended : -1;
      case 11: return is(key, "extended_to") ? extended_to : -1;
      case 16: return is(key, "level_started_at") ? level_started_at : -1;
      default: return -1;
    }
  }

  const char* p_ = nullptr;
  const char* e_ = nullptr;

  [[gnu::always_inline]] void ws() {
    // Compact JSON has no whitespace between tokens: one compare settles the usual case.
    if (p_ < e_ && static_cast<unsigned char>(*p_) > ' ') return;
    while (p_ < e_ && (*p_ == ' ' || *p_ == '\t' || *p_ == '\r' || *p_ == '\n')) ++p_;
  }
  [[gnu::always_inline]] bool eat(char c) {
    if (p_ < e_ && *p_ == c) {
      ++p_;
      return true;
    }
    return false;
  }
  bool end() {
    ws();
    return p_ == e_;
  }
  [[gnu::always_inline]] bool colon() {
    ws();
    if (!eat(':')) return false;
    ws();
    return true;
  }
  [[gnu::always_inline]] bool string(std::string_view& out) {
    if (!eat('"')) return false;
    const char* b = p_;
    p_ = json_special(p_, e_);
    if (p_ == e_ || *p_ != '"') return false;  // an escape or a control character: the full path
    out = std::string_view(b, static_cast<std::size_t>(p_ - b));
    ++p_;
    return true;
  }
  bool word(std::string_view w) {
    if (static_cast<std::size_t>(e_ - p_) < w.size() || std::string_view(p_, w.size()) != w) return false;
    p_ += w.size();
    return true;
  }
  bool scalar(char& kind, std::string_view& text, std::int64_t& integer) {
    if (p_ == e_) return false;
    switch (*p_) {
      case '"': kind = 's'; return string(text);
      case 't': kind = 't'; return word("true");
      case 'f': kind = 'f'; return word("false");
      case 'n': kind = 'n'; return word("null");
      default: break;
    }
    // -?(0|[1-9][0-9]*) with at most 15 digits, not followed by a fraction or exponent.
    const char* b = p_;
    bool neg = eat('-');
    const char* d = p_;
    std::int64_t v = 0;
    while (p_ < e_ && *p_ >= '0' && *p_ <= '9') {
      if (p_ - d == 15) return false;  // longer numbers take the full path
      v = v * 10 + (*p_++ - '0');
    }
    const auto digits = p_ - d;
    if (digits == 0 || (digits > 1 && *d == '0')) return false;
    if (p_ < e_ && (*p_ == '.' || *p_ == 'e' || *p_ == 'E')) return false;
    kind = 'i';
    text = std::string_view(b, static_cast<std::size_t>(p_ - b));
    integer = neg ? -v : v;
    return true;
  }
  // [number, number], each number JSON's grammar (read later, exactly, by geo::read_location_text).
  bool pair_of_numbers(std::string_view& text) {
    const char* b = p_++;  // '['
    for (int k = 0; k < 2; ++k) {
      ws();
      const std::size_t n = geo::detail::json_number_length(std::string_view(p_, static_cast<std::size_t>(e_ - p_)));
      if (n == 0) return false;
      p_ += n;
      ws();
      if (!eat(k == 0 ? ',' : ']')) return false;
    }
    text = std::string_view(b, static_cast<std::size_t>(p_ - b));
    return true;
  }
  static constexpr std::size_t kPairwiseNames = 32;
  bool object_of_scalars() {
    ++p_;  // '{'
    ws();
    const std::size_t first = attrs->size();
    if (eat('}')) return true;
    bool in_order = true;  // every name so far was one of the last object's, in its order (as for keys)
    std::size_t next = 0;
    while (true) {
      std::string_view key;
      int unused;
      if (in_order && attr_memo_.take(next, p_, e_, key, unused)) {
        ws();
      } else {
        in_order = false;
        if (!string(key) || !colon()) return false;
        // A name given twice sends the line to the full reader, which names it. Compared with each
        // earlier name while there are few; a longer object is checked once at its end, sorted, so that
        // a line of 100,000 names costs n log n, not n^2.
        if (attrs->size() - first <= kPairwiseNames)
          for (std::size_t k = first; k < attrs->size(); ++k)
            if ((*attrs)[k].first == key) return false;
      }
      char kind;
      std::string_view text;
      std::int64_t integer = 0;
      if (!scalar(kind, text, integer)) return false;
      AttrValue v;
      switch (kind) {
        case 's': v = AttrValue::string(text); break;
        case 'i': v = AttrValue::number(static_cast<double>(integer)); break;
        case 't': v = AttrValue::boolean(true); break;
        case 'f': v = AttrValue::boolean(false); break;
        default: v.type = AttrValue::Type::null_; break;
      }
      attrs->emplace_back(key, v);
      ws();
      if (eat(',')) {
        ws();
        continue;
      }
      if (!eat('}')) return false;
      const std::size_t n = attrs->size() - first;
      if (!in_order && n > kPairwiseNames + 1) {
        std::vector<std::string_view> sorted;
        sorted.reserve(n);
        for (std::size_t k = first; k < attrs->size(); ++k) sorted.push_back((*attrs)[k].first);
        std::sort(sorted.begin(), sorted.end());
        if (std::adjacent_find(sorted.begin(), sorted.end()) != sorted.end()) return false;
      }
      if (!in_order) {
        Field names[kMaxFields];
        if (n > kMaxFields) {
          attr_memo_.count = 0;
          return true;
        }
        for (std::size_t k = 0; k < n; ++k) names[k].key = (*attrs)[first + k].first;
        attr_memo_.remember(names, n);
      }
      return true;
    }
  }
};


}  // namespace gridroute::detail
