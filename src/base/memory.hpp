// Internal: large arrays backed by transparent huge pages where the system allows it.
//
// Loading a national tree touches over a GiB of fresh memory; with 4 KiB pages every 4 KiB costs a page
// fault, and on virtual machines those faults were a third of the load's time. Large arrays ask the kernel
// for 2 MiB pages instead (madvise MADV_HUGEPAGE: honoured when transparent huge pages are set to
// "madvise" or "always", ignored otherwise): the load's own, which live only while it runs (the file
// texts, the row tables, the compiler's working arrays), and the index's columns that routing reads,
// where a lookup at random then misses the TLB less (docs/performance.md, "The index in huge pages,
// measured again": batches 0.87-0.96x in quiet minutes, the national tree's text load 0.63-0.87x). GRIDROUTE_HUGE_PAGES=0
// in the environment keeps the index in ordinary pages, for a machine where they measure faster; it also
// leaves a compiled file's mapping unadvised (store/file.cpp).
#pragma once

#include <sys/mman.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <new>
#include <string_view>
#include <vector>

namespace gridroute::detail {

inline constexpr std::size_t kHugePage = std::size_t{2} << 20;

// Advises the 2 MiB-aligned pages inside [p, p + n) to be huge pages; a no-op for small ranges.
inline void prefer_huge_pages(const void* p, std::size_t n) {
#ifdef MADV_HUGEPAGE
  if (n < 2 * kHugePage) return;
  const std::uintptr_t begin = (reinterpret_cast<std::uintptr_t>(p) + kHugePage - 1) & ~(kHugePage - 1);
  const std::uintptr_t end = (reinterpret_cast<std::uintptr_t>(p) + n) & ~(kHugePage - 1);
  if (end > begin) ::madvise(reinterpret_cast<void*>(begin), end - begin, MADV_HUGEPAGE);
#else
  (void)p;
  (void)n;
#endif
}

// How a large allocation's pages are prepared (see MappedAllocator).
enum class Pages { huge, populated };

// Whether the index's columns ask for huge pages: unless GRIDROUTE_HUGE_PAGES=0 (read at each large
// allocation, so that a process can load one snapshot each way: gridroute_profile's ab-huge-pages).
inline bool index_in_huge_pages() {
  const char* v = std::getenv("GRIDROUTE_HUGE_PAGES");
  return v == nullptr || std::string_view(v) != "0";
}

// std::allocator, but an allocation of 4 MiB or more is a mapping of its own, unmapped when freed:
// - Pages::huge (the load's transient arrays, BigVector): advised for huge pages before any page is
//   touched. A mapping of its own, not the heap's: an advice given to heap pages would stay on them after
//   the free and reach whatever the heap puts there later.
// - Pages::populated (the index's columns): advised for huge pages too (unless GRIDROUTE_HUGE_PAGES=0),
//   then its pages populated in one call (MADV_POPULATE_WRITE, Linux 5.14; ignored where unknown) instead
//   of a page fault at each page while the compiler fills it.
template <class T, Pages kPages>
struct MappedAllocator {
  using value_type = T;
  template <class U>
  struct rebind {
    using other = MappedAllocator<U, kPages>;
  };
  static constexpr std::size_t kOwnMapping = 2 * kHugePage;
  MappedAllocator() noexcept = default;
  template <class U>
  MappedAllocator(const MappedAllocator<U, kPages>&) noexcept {}
  T* allocate(std::size_t n) {
    if (n > static_cast<std::size_t>(-1) / sizeof(T)) throw std::bad_array_new_length();
    const std::size_t bytes = n * sizeof(T);
    if (bytes < kOwnMapping) return std::allocator<T>().allocate(n);
    void* p = ::mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) throw std::bad_alloc();
    if constexpr (kPages == Pages::huge) {
      prefer_huge_pages(p, bytes);
    } else {
      if (index_in_huge_pages()) prefer_huge_pages(p, bytes);
#ifdef MADV_POPULATE_WRITE
      ::madvise(p, bytes, MADV_POPULATE_WRITE);
#endif
    }
    return static_cast<T*>(p);
  }
  void deallocate(T* p, std::size_t n) noexcept {
    const std::size_t bytes = n * sizeof(T);
    if (bytes < kOwnMapping) std::allocator<T>().deallocate(p, n);
    else ::munmap(p, bytes);
  }
  template <class U>
  bool operator==(const MappedAllocator<U, kPages>&) const noexcept { return true; }
};

template <class T>
using BigAllocator = MappedAllocator<T, Pages::huge>;
template <class T>
using ColumnAllocator = MappedAllocator<T, Pages::populated>;

template <class T>
using BigVector = std::vector<T, BigAllocator<T>>;

}  // namespace gridroute::detail
