// Internal: a column of the compiled index — an array of plain values that the compiler fills (owned) or
// that a compiled bundle file supplies in place (borrowed from a read-only memory map, so that processes
// opening one file share its pages). Readers see the same span either way.
//
//   Column<UnitHot> hot;
//   hot.push_back(h);                 // while compiling: owned, grows like a vector
//   hot.borrow(mapped_ptr, n);        // when opening a compiled file: no copy
//   const UnitHot& x = hot[u];        // reading: one pointer, whatever the source
#pragma once

#include <cstddef>
#include <span>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "base/memory.hpp"

namespace gridroute::detail {

template <class T>
class Column {
  static_assert(std::is_trivially_copyable_v<T>, "a column holds plain values (it may live in a mapped file)");

 public:
  Column() = default;
  Column(const Column& o) : own_(o.p_, o.p_ + o.n_) { sync(); }
  Column& operator=(const Column& o) {
    if (this != &o) {
      own_.assign(o.p_, o.p_ + o.n_);
      sync();
    }
    return *this;
  }
  Column(Column&& o) noexcept : own_(std::move(o.own_)), p_(o.p_), n_(o.n_) { o.reset_view(); }
  Column& operator=(Column&& o) noexcept {
    own_ = std::move(o.own_);
    p_ = o.p_;
    n_ = o.n_;
    o.reset_view();
    return *this;
  }

  // ---- reading
  const T* data() const noexcept { return p_; }
  std::size_t size() const noexcept { return n_; }
  bool empty() const noexcept { return n_ == 0; }
  const T& operator[](std::size_t i) const noexcept { return p_[i]; }
  // Writable while building (owned); a borrowed column is read-only memory, never written.
  T& operator[](std::size_t i) noexcept { return const_cast<T*>(p_)[i]; }
  const T* begin() const noexcept { return p_; }
  const T* end() const noexcept { return p_ + n_; }
  const T& back() const noexcept { return p_[n_ - 1]; }
  std::span<const T> span() const noexcept { return {p_, n_}; }
  // Bytes of heap it owns (0 when borrowed).
  std::size_t bytes() const noexcept { return own_.capacity() * sizeof(T); }
  bool borrowed() const noexcept { return own_.empty() && n_ > 0; }

  // ---- building (owned)
  void push_back(const T& v) {
    own_.push_back(v);
    sync();
  }
  template <class... A>
  T& emplace_back(A&&... a) {
    T& r = own_.emplace_back(std::forward<A>(a)...);
    sync();
    return r;
  }
  void reserve(std::size_t n) {
    own_.reserve(n);
    sync();
  }
  void resize(std::size_t n) {
    own_.resize(n);
    sync();
  }
  void assign(std::size_t n, const T& v) {
    own_.assign(n, v);
    sync();
  }
  template <class It>
  void assign(It b, It e) {
    own_.assign(b, e);
    sync();
  }
  template <class It>
  void append(It b, It e) {
    own_.insert(own_.end(), b, e);
    sync();
  }
  void clear() {
    own_.clear();
    sync();
  }
  void shrink_to_fit() {
    own_.shrink_to_fit();
    sync();
  }
  // Mutable access while building (owned columns only).
  T& at_mut(std::size_t i) { return own_[i]; }
  T& back_mut() { return own_.back(); }
  std::vector<T, ColumnAllocator<T>>& owned() { return own_; }
  void sync() {
    p_ = own_.data();
    n_ = own_.size();
  }

  // ---- borrowing (a compiled file's mapping; the mapping must outlive the column)
  void borrow(const T* p, std::size_t n) {
    own_.clear();
    own_.shrink_to_fit();
    p_ = p;
    n_ = n;
  }

 private:
  void reset_view() {
    p_ = own_.data();
    n_ = own_.size();
  }
  std::vector<T, ColumnAllocator<T>> own_;  // base/memory.hpp
  const T* p_ = nullptr;
  std::size_t n_ = 0;
};

// Strings of one kind (unit ids, handler ids, names) in one column of bytes, with offsets: string i is
// chars[offsets[i], offsets[i + 1]).
struct StringColumn {
  Column<std::uint32_t> offsets;  // size count + 1 (or 0 when empty)
  Column<char> chars;

  std::size_t size() const noexcept { return offsets.empty() ? 0 : offsets.size() - 1; }
  bool empty() const noexcept { return size() == 0; }
  std::string_view operator[](std::size_t i) const noexcept {
    return std::string_view(chars.data() + offsets[i], offsets[i + 1] - offsets[i]);
  }
  void push_back(std::string_view s) {
    if (offsets.empty()) offsets.push_back(0);
    chars.append(s.begin(), s.end());
    offsets.push_back(static_cast<std::uint32_t>(chars.size()));
  }
  void reserve(std::size_t n, std::size_t bytes) {
    offsets.reserve(n + 1);
    chars.reserve(bytes);
  }
  std::size_t bytes() const noexcept { return offsets.bytes() + chars.bytes(); }
  // Iterates the strings as string_views.
  struct iterator {
    const StringColumn* c;
    std::size_t i;
    std::string_view operator*() const noexcept { return (*c)[i]; }
    iterator& operator++() noexcept {
      ++i;
      return *this;
    }
    bool operator==(const iterator& o) const noexcept { return i == o.i; }
  };
  iterator begin() const noexcept { return {this, 0}; }
  iterator end() const noexcept { return {this, size()}; }
  friend bool operator==(const StringColumn& a, const StringColumn& b) noexcept {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
      if (a[i] != b[i]) return false;
    return true;
  }
};

}  // namespace gridroute::detail
