// Internal: large arrays backed by transparent huge pages where the system allows it.
//
// Loading a national tree touches over a GiB of fresh memory; with 4 KiB pages every 4 KiB costs a page
// fault, and on virtual machines those faults were a third of the load's time. Arrays of several MiB
// (the loaded file texts, the row tables, the index columns and the compiler's working arrays) ask the
// kernel for 2 MiB pages instead (madvise MADV_HUGEPAGE: honoured when transparent huge pages are set to
// "madvise" or "always", ignored otherwise). Nothing changes but the page size.
#pragma once

#include <sys/mman.h>

#include <cstddef>
#include <cstdint>
#include <new>
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

// std::allocator, but allocations of 4 MiB or more prefer huge pages (before any page is touched).
template <class T>
struct BigAllocator {
  using value_type = T;
  BigAllocator() noexcept = default;
  template <class U>
  BigAllocator(const BigAllocator<U>&) noexcept {}
  T* allocate(std::size_t n) {
    T* p = std::allocator<T>().allocate(n);
    if (n * sizeof(T) >= 2 * kHugePage) prefer_huge_pages(p, n * sizeof(T));
    return p;
  }
  void deallocate(T* p, std::size_t n) noexcept { std::allocator<T>().deallocate(p, n); }
  template <class U>
  bool operator==(const BigAllocator<U>&) const noexcept { return true; }
};

template <class T>
using BigVector = std::vector<T, BigAllocator<T>>;

}  // namespace gridroute::detail
