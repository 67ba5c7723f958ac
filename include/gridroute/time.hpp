// gridroute/time.hpp — instants, durations and working calendars.
//
//   auto t = gridroute::parse_rfc3339("2026-11-20T09:15:00+08:00");   // StatusOr<Instant>
//   auto d = gridroute::parse_duration("2wh");                          // StatusOr<Duration>
//   Instant due = calendar.add(*t, *d);                                 // deadline on a calendar
//   std::string s = gridroute::format_rfc3339(due, tz);                 // "2026-11-20T11:15:00+08:00"
//
// An Instant is a count of microseconds since the Unix epoch (UTC). Calendars precompute, for a span
// of years, cumulative working days and working time per day, so a deadline is a binary search
// rather than a walk; outside that span they walk day by day.
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"

namespace gridroute {

// Microseconds since 1970-01-01T00:00:00Z.
using Instant = std::int64_t;
inline constexpr Instant kNoInstant = std::numeric_limits<Instant>::min();
inline constexpr std::int64_t kMicrosPerSecond = 1'000'000;

// Parses an RFC 3339 date-time with an offset (`Z` or `±hh:mm`); fractional seconds are kept to the
// microsecond. A time without an offset is an error.
absl::StatusOr<Instant> parse_rfc3339(std::string_view text);

// Writes `t` in the time zone `tz`, e.g. "2026-11-20T09:15:00+08:00" (fraction only when non-zero).
std::string format_rfc3339(Instant t, const absl::TimeZone& tz);
void append_rfc3339(std::string& out, Instant t, const absl::TimeZone& tz);

inline absl::Time to_absl(Instant t) { return absl::FromUnixMicros(t); }
inline Instant from_absl(absl::Time t) { return absl::ToUnixMicros(t); }

// A duration of the contract: `30m`, `2h`, `1d` (elapsed), `4wh` (working hours), `3wd` (working days).
struct Duration {
  enum class Kind : std::uint8_t { minutes, hours, days, working_hours, working_days };
  Kind kind = Kind::minutes;
  std::int64_t n = 0;

  friend bool operator==(const Duration&, const Duration&) = default;
};

absl::StatusOr<Duration> parse_duration(std::string_view text);
std::string to_string(const Duration& d);

// Parses "HH:MM" into seconds from local midnight; "24:00" is accepted only when `allow_24` is set.
absl::StatusOr<int> parse_clock(std::string_view text, bool allow_24);

// Parses "YYYY-MM-DD".
absl::StatusOr<absl::CivilDay> parse_civil_day(std::string_view text);

// A working calendar (SPEC §3.4). Immutable once built; safe to share across threads.
class Calendar {
 public:
  struct Period {
    int begin;  // seconds from local midnight
    int end;    // seconds from local midnight, <= 86400
  };

  // `weekdays` are ISO (1 = Monday … 7 = Sunday). Periods must be sorted, non-empty and disjoint.
  Calendar(std::string id, absl::TimeZone tz, std::vector<int> weekdays, std::vector<Period> periods,
           std::vector<absl::CivilDay> holidays, std::vector<absl::CivilDay> workdays);

  const std::string& id() const { return id_; }
  const absl::TimeZone& time_zone() const { return tz_; }
  const std::vector<Period>& periods() const { return periods_; }

  bool is_working_day(absl::CivilDay day) const;
  absl::CivilDay local_day(Instant t) const;

  // The deadline `d` after `start`. Returns kNoInstant when the calendar has no working time left
  // within its search horizon (for example, no working weekdays and no later make-up day).
  Instant add(Instant start, Duration d) const;

  // Reference implementation that walks day by day; `add` must agree with it (tests compare them).
  Instant add_by_walking(Instant start, Duration d) const;

 private:
  Instant period_instant(absl::CivilDay day, int seconds) const;
  Instant add_working_hours_walk(Instant start, std::int64_t micros) const;
  Instant add_working_days_walk(absl::CivilDay from, std::int64_t n) const;
  Instant add_working_hours_indexed(Instant start, std::int64_t micros) const;
  Instant add_working_days_indexed(absl::CivilDay from, std::int64_t n) const;
  // Working time in `day` at or after `start`, and the instant `micros` of it is reached (or kNoInstant).
  std::pair<std::int64_t, Instant> consume_day(absl::CivilDay day, Instant start, std::int64_t micros) const;
  bool in_index(absl::CivilDay day) const { return day >= index_first_ && day < index_first_ + index_days_; }

  std::string id_;
  absl::TimeZone tz_;
  std::uint8_t weekday_mask_ = 0;  // bit (iso weekday - 1)
  std::vector<Period> periods_;
  absl::flat_hash_set<std::int64_t> holidays_;  // days since 1970-01-01
  absl::flat_hash_set<std::int64_t> workdays_;
  absl::CivilDay last_special_day_;  // the latest holiday or make-up day (horizon for empty weekdays)

  // Index over [index_first_, index_first_ + index_days_): prefix sums over whole days.
  absl::CivilDay index_first_;
  std::int64_t index_days_ = 0;
  std::vector<std::int32_t> working_days_before_;  // size index_days_ + 1
  std::vector<std::int64_t> working_micros_before_;  // size index_days_ + 1
};

}  // namespace gridroute
