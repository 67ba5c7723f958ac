// Internal: a growable array of positions in its own anonymous memory mapping.
//
// A layer of a million cells holds hundreds of megabytes of positions, and their count is known only
// once the file is read. A std::vector would copy them at every doubling and once more to shrink; here
// the mapping grows and shrinks in place with mremap (no copy, no second first-touch of every page), and
// asks for transparent huge pages, which cut page faults while loading and TLB misses while locating.
// Elsewhere than Linux it falls back to realloc.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <new>
#include <utility>

#if defined(__linux__)
#include <sys/mman.h>
#endif

#include "geo/exact.hpp"

namespace gridroute::geo::detail {

class PointArray {
 public:
  PointArray() = default;
  PointArray(const PointArray&) = delete;
  PointArray& operator=(const PointArray&) = delete;
  PointArray(PointArray&& o) noexcept { swap(o); }
  PointArray& operator=(PointArray&& o) noexcept {
    PointArray tmp(std::move(o));
    swap(tmp);
    return *this;
  }
  ~PointArray() { release(); }

  void swap(PointArray& o) noexcept {
    std::swap(p_, o.p_);
    std::swap(size_, o.size_);
    std::swap(bytes_, o.bytes_);
    std::swap(borrowed_, o.borrowed_);
  }

  // Positions that lie elsewhere (a compiled file's memory map, which must outlive this array): read in
  // place, never written or freed.
  void borrow(const Pt* p, std::size_t n) {
    release();
    p_ = const_cast<Pt*>(p);
    size_ = n;
    borrowed_ = true;
  }
  bool borrowed() const { return borrowed_; }

  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  const Pt* data() const { return p_; }
  const Pt& operator[](std::size_t i) const { return p_[i]; }
  const Pt* begin() const { return p_; }
  const Pt* end() const { return p_ + size_; }
  std::size_t bytes() const { return bytes_; }  // memory held

  void append(const Pt* src, std::size_t n) {
    if ((size_ + n) * sizeof(Pt) > bytes_) grow((size_ + n) * sizeof(Pt));
    if (n) std::memcpy(static_cast<void*>(p_ + size_), src, n * sizeof(Pt));
    size_ += n;
  }

  // Gives back the memory past the last position (in place).
  void shrink_to_fit() {
    std::size_t want = round_up(size_ * sizeof(Pt));
    if (want >= bytes_) return;
    if (want == 0) {
      release();
      return;
    }
#if defined(__linux__)
    void* q = ::mremap(p_, bytes_, want, 0);
    if (q == MAP_FAILED) return;  // keeping the larger mapping is harmless
    p_ = static_cast<Pt*>(q);
#else
    void* q = std::realloc(p_, want);
    if (!q) return;
    p_ = static_cast<Pt*>(q);
#endif
    bytes_ = want;
  }

 private:
  static constexpr std::size_t kPage = 4096;
  static constexpr std::size_t kHuge = 2u << 20;
  static std::size_t round_up(std::size_t b) {
    std::size_t unit = b >= kHuge ? kHuge : kPage;
    return (b + unit - 1) / unit * unit;
  }

  void grow(std::size_t need) {
    std::size_t want = round_up(std::max(need, bytes_ * 2));
#if defined(__linux__)
    void* q = p_ ? ::mremap(p_, bytes_, want, MREMAP_MAYMOVE)
                 : ::mmap(nullptr, want, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (q == MAP_FAILED) throw std::bad_alloc();
#if defined(MADV_HUGEPAGE)
    if (want >= kHuge) ::madvise(q, want, MADV_HUGEPAGE);  // advice only: ignored where THP is off
#endif
#else
    void* q = std::realloc(p_, want);
    if (!q) throw std::bad_alloc();
#endif
    p_ = static_cast<Pt*>(q);
    bytes_ = want;
  }

  void release() noexcept {
    if (borrowed_) {
      p_ = nullptr;
      size_ = bytes_ = 0;
      borrowed_ = false;
      return;
    }
    if (!p_) return;
#if defined(__linux__)
    ::munmap(p_, bytes_);
#else
    std::free(p_);
#endif
    p_ = nullptr;
    size_ = bytes_ = 0;
  }

  Pt* p_ = nullptr;
  std::size_t size_ = 0;
  std::size_t bytes_ = 0;  // 0 when borrowed
  bool borrowed_ = false;
};

}  // namespace gridroute::geo::detail
