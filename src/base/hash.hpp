// Internal: a hash of ids that is the same in every process and on every run (XXH3-64, from Debian's
// libxxhash-dev, inlined), for the tables a compiled bundle file stores: a per-process seeded hash would
// make a file's tables useless to the next process.
#pragma once

#include <cstdint>
#include <string_view>

#ifndef XXH_INLINE_ALL
#define XXH_INLINE_ALL
#endif
#include <xxhash.h>

namespace gridroute::detail {

inline std::uint64_t stable_hash(std::string_view s) noexcept { return XXH3_64bits(s.data(), s.size()); }

}  // namespace gridroute::detail
