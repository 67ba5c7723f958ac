// Internal: memory for the location index, which is built once and then only read, at random, by every
// lookup. Large arrays go to their own mappings with transparent huge pages (on a million cells a lookup
// otherwise spends most of its time in TLB misses, expensive on virtual machines); the R-tree's nodes,
// small and many, are carved from an arena of such mappings and freed all at once.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <new>
#include <utility>
#include <vector>

#if defined(__linux__)
#include <sys/mman.h>
#endif

namespace gridroute::geo::detail {

inline constexpr std::size_t kHugePage = 2u << 20;

// Large blocks (>= 2 MiB) are mappings of their own that ask for huge pages; smaller ones come from
// operator new.
inline void* huge_alloc(std::size_t bytes) {
#if defined(__linux__)
  if (bytes >= kHugePage) {
    void* p = ::mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) throw std::bad_alloc();
#if defined(MADV_HUGEPAGE)
    ::madvise(p, bytes, MADV_HUGEPAGE);  // advice only: ignored where THP is off
#endif
    return p;
  }
#endif
  return ::operator new(bytes);
}

inline void huge_free(void* p, std::size_t bytes) noexcept {
#if defined(__linux__)
  if (bytes >= kHugePage) {
    ::munmap(p, bytes);
    return;
  }
#endif
  ::operator delete(p);
}

template <class T>
struct HugeAllocator {
  using value_type = T;
  HugeAllocator() = default;
  template <class U>
  HugeAllocator(const HugeAllocator<U>&) noexcept {}
  T* allocate(std::size_t n) { return static_cast<T*>(huge_alloc(n * sizeof(T))); }
  void deallocate(T* p, std::size_t n) noexcept { huge_free(p, n * sizeof(T)); }
  template <class U>
  bool operator==(const HugeAllocator<U>&) const noexcept { return true; }
};

template <class T>
using HugeVector = std::vector<T, HugeAllocator<T>>;

// Bump allocation from blocks that double from 64 KiB to 16 MiB; nothing is freed before the arena.
class Arena {
 public:
  Arena() = default;
  Arena(const Arena&) = delete;
  Arena& operator=(const Arena&) = delete;
  ~Arena() {
    for (auto& [p, n] : blocks_) huge_free(p, n);
  }
  void* allocate(std::size_t bytes, std::size_t align) {
    std::size_t at = (used_ + align - 1) & ~(align - 1);
    if (blocks_.empty() || at + bytes > blocks_.back().second) {
      std::size_t size = blocks_.empty() ? (64u << 10) : std::min<std::size_t>(blocks_.back().second * 2, 16u << 20);
      while (size < bytes) size *= 2;
      blocks_.emplace_back(huge_alloc(size), size);
      total_ += size;
      at = 0;
    }
    used_ = at + bytes;
    return static_cast<char*>(blocks_.back().first) + at;
  }
  std::size_t bytes() const { return total_ + blocks_.capacity() * sizeof(blocks_[0]); }

 private:
  std::vector<std::pair<void*, std::size_t>> blocks_;
  std::size_t used_ = 0, total_ = 0;
};

template <class T>
struct ArenaAllocator {
  using value_type = T;
  Arena* arena = nullptr;
  explicit ArenaAllocator(Arena* a) noexcept : arena(a) {}
  template <class U>
  ArenaAllocator(const ArenaAllocator<U>& o) noexcept : arena(o.arena) {}
  T* allocate(std::size_t n) { return static_cast<T*>(arena->allocate(n * sizeof(T), alignof(T))); }
  void deallocate(T*, std::size_t) noexcept {}  // freed with the arena
  template <class U>
  bool operator==(const ArenaAllocator<U>& o) const noexcept { return arena == o.arena; }
};

}  // namespace gridroute::geo::detail
