// Internal: a fast reader for the usual JSON line — one flat object of plain fields and an `attrs`
// object of scalars. It accepts only text it fully understands (strings without escapes or control
// characters, integers of at most 15 digits, true/false/null, no repeated key) and refuses everything
// else, which then goes through Boost.JSON and the checks that word every error (io/parser.cpp). What
// it accepts, it reads exactly as that path would: the strings are views into the line.
#pragma once

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
    while (true) {
      std::string_view key;
      if (!string(key) || !colon()) return false;
      if (count == kMaxFields) return false;
      const int slot = known_slot(key);
      if (slot >= 0) {
        if (known[slot]) return false;
      } else {
        for (std::size_t k = 0; k < count; ++k)
          if (fields[k].key == key) return false;
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
      if (eat('}')) return end();
      return false;
    }
  }

 private:
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
  bool object_of_scalars() {
    ++p_;  // '{'
    ws();
    const std::size_t first = attrs->size();
    if (eat('}')) return true;
    while (true) {
      std::string_view key;
      if (!string(key) || !colon()) return false;
      for (std::size_t k = first; k < attrs->size(); ++k)
        if ((*attrs)[k].first == key) return false;
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
      return eat('}');
    }
  }
};


}  // namespace gridroute::detail
