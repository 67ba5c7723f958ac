// Internal: the jurisdiction's units and handlers as compact row tables.
//
// A national tree has millions of units and handlers. Rather than a heap object per row (a std::string per
// field), a row holds 8-byte references to its fields' bytes: in the CSV file's text where the field is
// there as it is (the loader keeps that text until the compiler is done), or in the table's own pool
// (fields read from JSON, and CSV fields whose doubled quotes had to be undone). The compiler reads rows
// through small views of string_views.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/memory.hpp"

namespace gridroute::spec {

// Where a field's bytes are: `at` within the file text, or within the pool when kPooled is set.
struct TextRef {
  static constexpr std::uint32_t kPooled = 1u << 31;
  static constexpr std::uint32_t kAbsent = ~0u;  // as `size`: the field is absent (an empty CSV field)
  std::uint32_t at = 0;
  std::uint32_t size = kAbsent;
};

// The text that a table's references point into.
class TextSource {
 public:
  // Each reference must fit 31 bits of offset: text beyond 2 GiB is copied to the pool, which is itself
  // bounded by 2 GiB (ref() then fails; the loader reports it).
  static constexpr std::size_t kMaxBytes = TextRef::kPooled - 1;

  // The file text that fields may point into; it must outlive the table.
  void set_file(std::string_view text) { file_ = text; }

  // A reference to `text`: into the file when it lies there, otherwise a copy in the pool. False when
  // the pool is full.
  bool ref(std::string_view text, TextRef& out) {
    const char* base = file_.data();
    if (!file_.empty() && text.data() >= base && text.data() + text.size() <= base + file_.size()) {
      const std::size_t at = static_cast<std::size_t>(text.data() - base);
      if (at + text.size() <= kMaxBytes) {
        out = {static_cast<std::uint32_t>(at), static_cast<std::uint32_t>(text.size())};
        return true;
      }
    }
    if (pool_.size() + text.size() > kMaxBytes) return false;
    out = {static_cast<std::uint32_t>(pool_.size()) | TextRef::kPooled, static_cast<std::uint32_t>(text.size())};
    pool_.append(text);
    return true;
  }
  bool ref(const std::optional<std::string_view>& text, TextRef& out) {
    if (!text) {
      out = TextRef{};
      return true;
    }
    return ref(*text, out);
  }

  std::string_view operator()(TextRef r) const {
    if (r.size == TextRef::kAbsent) return {};
    if (r.at & TextRef::kPooled) return std::string_view(pool_).substr(r.at & ~TextRef::kPooled, r.size);
    return file_.substr(r.at, r.size);
  }
  std::optional<std::string_view> optional(TextRef r) const {
    if (r.size == TextRef::kAbsent) return std::nullopt;
    return (*this)(r);
  }

 private:
  std::string_view file_;
  std::string pool_;
};

// A unit as the compiler reads it.
struct UnitView {
  std::string_view id;
  std::string_view tier;
  std::optional<std::string_view> parent;
  std::optional<std::string_view> name;
  bool from_csv = false;
  std::int64_t origin = 0;  // a JSON index in /units, or a CSV line
};

class UnitRows {
 public:
  std::size_t size() const { return rows_.size(); }
  bool empty() const { return rows_.empty(); }
  void reserve(std::size_t n) { rows_.reserve(n); }
  void set_file(std::string_view text) { text_.set_file(text); }

  // JSON units come first (their origin is their index), then CSV rows (their origin is their line).
  // False when the field pool is full (over 2 GiB of field text).
  bool add(std::string_view id, std::string_view tier, std::optional<std::string_view> parent,
           std::optional<std::string_view> name, bool from_csv, std::int64_t origin) {
    Row r;
    if (!text_.ref(id, r.id) || !text_.ref(tier, r.tier) || !text_.ref(parent, r.parent) || !text_.ref(name, r.name))
      return false;
    r.origin = static_cast<std::uint32_t>(origin);
    rows_.push_back(r);
    if (!from_csv) json_count_ = rows_.size();
    return true;
  }

  UnitView operator[](std::size_t i) const {
    const Row& r = rows_[i];
    return {text_(r.id), text_(r.tier), text_.optional(r.parent), text_.optional(r.name), i >= json_count_, r.origin};
  }
  // Bytes of row i's id and name (0 when absent), to size the compiler's columns before it fills them.
  std::size_t id_bytes(std::size_t i) const { return bytes(rows_[i].id); }
  std::size_t name_bytes(std::size_t i) const { return bytes(rows_[i].name); }
  // Row i's parent alone (for the compiler's lookahead).
  std::optional<std::string_view> parent(std::size_t i) const { return text_.optional(rows_[i].parent); }

 private:
  struct Row {
    TextRef id, tier, parent, name;
    std::uint32_t origin = 0;
  };
  static std::size_t bytes(TextRef r) { return r.size == TextRef::kAbsent ? 0 : r.size; }
  detail::BigVector<Row> rows_;
  std::size_t json_count_ = 0;
  TextSource text_;
};

class HandlerRows;

// The units a handler serves, as written.
class ServesView {
 public:
  ServesView(const HandlerRows* rows, std::uint32_t begin, std::uint32_t count) : rows_(rows), begin_(begin), count_(count) {}
  std::size_t size() const { return count_; }
  bool empty() const { return count_ == 0; }
  std::string_view operator[](std::size_t k) const;

 private:
  const HandlerRows* rows_;
  std::uint32_t begin_, count_;
};

// A handler as the compiler reads it.
struct HandlerView {
  std::string_view id;
  std::string_view role;
  std::optional<std::string_view> department;
  std::optional<std::string_view> name;
  std::optional<std::string_view> calendar;
  ServesView serves;
  bool from_csv = false;
  std::int64_t origin = 0;  // a JSON index in /handlers, or a CSV line
};

class HandlerRows {
 public:
  std::size_t size() const { return rows_.size(); }
  bool empty() const { return rows_.empty(); }
  void reserve(std::size_t n) { rows_.reserve(n); }
  void set_file(std::string_view text) { text_.set_file(text); }

  // A handler is added as its served units (add_serve, in order), then the row (add); drop_serves()
  // forgets the served units of a row that is not added after all. False when the field pool is full.
  bool add_serve(std::string_view unit) {
    TextRef r;
    if (!text_.ref(unit, r)) return false;
    serves_.push_back(r);
    return true;
  }
  void drop_serves() { serves_.resize(serves_begin_); }
  bool add(std::string_view id, std::string_view role, std::optional<std::string_view> department,
           std::optional<std::string_view> name, std::optional<std::string_view> calendar, bool from_csv,
           std::int64_t origin) {
    Row r;
    if (!text_.ref(id, r.id) || !text_.ref(role, r.role) || !text_.ref(department, r.department) ||
        !text_.ref(name, r.name) || !text_.ref(calendar, r.calendar))
      return false;
    r.serves_begin = static_cast<std::uint32_t>(serves_begin_);
    r.serves_count = static_cast<std::uint32_t>(serves_.size() - serves_begin_);
    serves_begin_ = serves_.size();
    r.origin = static_cast<std::uint32_t>(origin);
    rows_.push_back(r);
    if (!from_csv) json_count_ = rows_.size();
    return true;
  }

  HandlerView operator[](std::size_t i) const {
    const Row& r = rows_[i];
    return {text_(r.id),
            text_(r.role),
            text_.optional(r.department),
            text_.optional(r.name),
            text_.optional(r.calendar),
            ServesView(this, r.serves_begin, r.serves_count),
            i >= json_count_,
            r.origin};
  }
  std::string_view serve(std::size_t k) const { return text_(serves_[k]); }
  // Row i's first and last served units, as written (empty when it serves none).
  std::string_view first_serve(std::size_t i) const {
    const Row& r = rows_[i];
    return r.serves_count ? serve(r.serves_begin) : std::string_view();
  }
  std::string_view last_serve(std::size_t i) const {
    const Row& r = rows_[i];
    return r.serves_count ? serve(r.serves_begin + r.serves_count - 1) : std::string_view();
  }

 private:
  struct Row {
    TextRef id, role, department, name, calendar;
    std::uint32_t serves_begin = 0, serves_count = 0;
    std::uint32_t origin = 0;
  };
  detail::BigVector<Row> rows_;
  detail::BigVector<TextRef> serves_;
  std::size_t serves_begin_ = 0;
  std::size_t json_count_ = 0;
  TextSource text_;
};

inline std::string_view ServesView::operator[](std::size_t k) const { return rows_->serve(begin_ + k); }

}  // namespace gridroute::spec
