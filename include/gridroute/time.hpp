// gridroute/time.hpp — instants: microseconds since the Unix epoch, written as RFC 3339.
//
//   auto t = gridroute::parse_rfc3339("2026-11-20T09:15:00+08:00");          // StatusOr<Instant>
//   auto s = gridroute::format_rfc3339(*t, "Asia/Shanghai");                 // "2026-11-20T09:15:00+08:00"
//
// Decisions and actions carry Instants; `Snapshot::format_time` writes them in the jurisdiction's zone.
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace gridroute {

// Microseconds since 1970-01-01T00:00:00Z.
using Instant = std::int64_t;
// "No time": a deadline without an SLA, a hold with nothing ahead.
inline constexpr Instant kNoInstant = std::numeric_limits<Instant>::min();
inline constexpr std::int64_t kMicrosPerSecond = 1'000'000;

// The instants an issue or case may carry (`at`, `level_started_at`, `now`, and the times of §6):
// from 0000-01-01T00:00:00Z up to, not including, 9000-01-01T00:00:00Z. Every deadline counted from
// such an instant (at most 100 years, plus a calendar's search horizon) keeps RFC 3339's four-digit year.
inline constexpr Instant kMinInstant = std::int64_t{-62'167'219'200} * kMicrosPerSecond;
inline constexpr Instant kMaxInstant = std::int64_t{221'845'392'000} * kMicrosPerSecond;

// Parses an RFC 3339 date-time with an offset (`Z` or `±hh:mm`; a space may stand for the `T`);
// fractional seconds are kept to the microsecond. A time without an offset is an error.
absl::StatusOr<Instant> parse_rfc3339(std::string_view text);

// Writes `t` in the IANA time zone `time_zone` (e.g. "Asia/Shanghai"), e.g. "2026-11-20T09:15:00+08:00".
// An error for a zone that is not an IANA name, and for `t` whose year in that zone is outside 0000 to
// 9999, the years RFC 3339 writes. That is wider than what parse_rfc3339's callers accept as an issue's
// time ([kMinInstant, kMaxInstant)): a deadline counted from 8999-12-31 falls in 9000 and is written.
absl::StatusOr<std::string> format_rfc3339(Instant t, std::string_view time_zone);

}  // namespace gridroute
