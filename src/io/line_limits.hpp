// Internal: the cap on the length of one JSON Lines record (issue or case line), shared by LineCodec
// and the CLI. Hardening (issue #6): a line longer than the cap is answered with a `rejected` record
// naming the limit, and is never parsed.
//
// The cap is process-wide because LineCodec's public header has no options yet; the CLI sets it from
// `--max-line-bytes`. Codecs read it when they are constructed.
#pragma once

#include <cstddef>
#include <cstdint>

namespace gridroute::detail {

inline constexpr std::size_t kDefaultMaxLineBytes = std::size_t{1} << 20;  // 1 MiB

// Times in issue and case lines (and the CLI's --now) must be before 9000-01-01T00:00:00Z, so that
// every deadline (at most 100 years, plus a calendar's ~30-year search horizon) can be written with
// the four-digit year of RFC 3339. In microseconds since the Unix epoch.
inline constexpr std::int64_t kMaxLineInstant = std::int64_t{221'845'392'000} * 1'000'000;

// Sets the cap for codecs constructed afterwards (0 restores the default).
void set_max_line_bytes(std::size_t bytes);
std::size_t max_line_bytes();

}  // namespace gridroute::detail
