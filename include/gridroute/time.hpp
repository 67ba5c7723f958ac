// gridroute/time.hpp — instants, durations and working calendars.
//
//   auto t = gridroute::parse_rfc3339("2026-11-20T09:15:00+08:00");   // StatusOr<Instant>
//   auto d = gridroute::parse_duration("2wh");                          // StatusOr<Duration>
//   Instant due = calendar.add(*t, *d);                                 // deadline on a calendar
//   std::string s = gridroute::format_rfc3339(due, zone);                // "2026-11-20T11:15:00+08:00"
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

// Floor division by a positive constant (the compiler turns it into a multiply).
template <std::int64_t B>
constexpr std::int64_t floor_div(std::int64_t a) {
  static_assert(B > 0);
  return a / B - (a % B < 0);
}

// A time zone with a fast path: where the zone keeps one UTC offset over 2000–2099 (Asia/Shanghai
// and most zones without daylight saving time), civil time is plain arithmetic; otherwise Abseil's
// time-zone rules are consulted.
class Zone {
 public:
  Zone() : Zone(absl::UTCTimeZone()) {}
  explicit Zone(absl::TimeZone tz);

  const absl::TimeZone& tz() const { return tz_; }
  // Local civil second and UTC offset (seconds east) at `t`.
  absl::CivilSecond civil(Instant t, int* offset = nullptr) const;
  // Seconds since local midnight at `t`.
  int seconds_of_day(Instant t) const;
  // Local date of `t` as days since 1970-01-01, and the local fields of `t` (fast for fixed offsets).
  std::int64_t local_day(Instant t) const {
    if (in_fixed_range(t)) return floor_div<86400>(floor_div<kMicrosPerSecond>(t) + offset_);
    return local_day_by_rules(t);
  }
  void fields(Instant t, std::int64_t& year, int& month, int& day, int& hour, int& minute, int& second,
              int& offset) const;
  // The instant of local second `seconds` of day `day` (days since 1970-01-01).
  Instant instant(std::int64_t day, int seconds) const {
    if (fixed_) {
      Instant t = (day * 86400 + seconds - offset_) * kMicrosPerSecond;
      if (in_fixed_range(t)) return t;
    }
    return instant_by_rules(day, seconds);
  }
  // The instant of a local civil time (for a time skipped by a DST change, the later instant).
  Instant instant(absl::CivilSecond cs) const;
  bool fixed() const { return fixed_; }

 private:
  bool in_fixed_range(Instant t) const { return fixed_ && t >= fixed_from_ && t < fixed_to_; }
  std::int64_t local_day_by_rules(Instant t) const;
  Instant instant_by_rules(std::int64_t day, int seconds) const;
  absl::TimeZone tz_;
  bool fixed_ = false;
  int offset_ = 0;
  Instant fixed_from_ = 0, fixed_to_ = 0;
};

// Parses an RFC 3339 date-time with an offset (`Z` or `±hh:mm`); fractional seconds are kept to the
// microsecond. A time without an offset is an error.
absl::StatusOr<Instant> parse_rfc3339(std::string_view text);

// Writes `t` in the time zone `tz`, e.g. "2026-11-20T09:15:00+08:00" (fraction only when non-zero).
std::string format_rfc3339(Instant t, const Zone& zone);
void append_rfc3339(std::string& out, Instant t, const Zone& zone);

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

// Days since 1970-01-01 of a civil date, and back (proleptic Gregorian).
std::int64_t days_from_civil(std::int64_t y, int m, int d);
void civil_from_days(std::int64_t days, std::int64_t& y, int& m, int& d);
inline std::int64_t day_number(absl::CivilDay d) { return days_from_civil(d.year(), d.month(), d.day()); }

// A working calendar (SPEC §3.4). Immutable once built; safe to share across threads.
class Calendar {
 public:
  struct Period {
    int begin;  // seconds from local midnight
    int end;    // seconds from local midnight, <= 86400
  };

  // `weekdays` are ISO (1 = Monday … 7 = Sunday). Periods must be sorted, non-empty and disjoint.
  Calendar(std::string id, Zone zone, std::vector<int> weekdays, std::vector<Period> periods,
           std::vector<absl::CivilDay> holidays, std::vector<absl::CivilDay> workdays);

  const std::string& id() const { return id_; }
  const absl::TimeZone& time_zone() const { return zone_.tz(); }
  const Zone& zone() const { return zone_; }
  const std::vector<Period>& periods() const { return periods_; }

  bool is_working_day(absl::CivilDay day) const { return is_working(day_number(day)); }
  // Whether the local date of `t` (in this calendar's time zone) is a working day.
  bool is_working_at(Instant t) const { return is_working(local_day(t)); }

  // The deadline `d` after `start`. Returns kNoInstant when the calendar has no working time left
  // within its search horizon (for example, no working weekdays and no later make-up day).
  Instant add(Instant start, Duration d) const;

  // Reference implementation that walks day by day with Abseil's time-zone rules; `add` must agree
  // with it (tests compare them).
  Instant add_by_walking(Instant start, Duration d) const;

 private:
  using Day = std::int64_t;  // days since 1970-01-01
  Day local_day(Instant t) const { return zone_.local_day(t); }
  bool is_working(Day day) const;
  Instant period_instant(Day day, int seconds, bool exact_zone) const;
  bool in_index(Day day) const { return day >= index_first_ && day < index_first_ + index_days_; }
  bool working_indexed(Day idx) const {
    return working_days_before_[static_cast<size_t>(idx) + 1] != working_days_before_[static_cast<size_t>(idx)];
  }
  Instant add_working_hours_walk(Instant start, std::int64_t micros) const;
  Instant add_working_days_walk(Day from, std::int64_t n) const;
  Instant add_working_hours_indexed(Instant start, std::int64_t micros) const;
  Instant add_working_days_indexed(Day from, std::int64_t n) const;
  // Working time in `day` at or after `start`, and the instant `micros` of it is reached (or kNoInstant).
  std::pair<std::int64_t, Instant> consume_day(Day day, Instant start, std::int64_t micros, bool exact_zone) const;

  std::string id_;
  Zone zone_;
  std::uint8_t weekday_mask_ = 0;  // bit (iso weekday - 1)
  std::vector<Period> periods_;
  absl::flat_hash_set<Day> holidays_;
  absl::flat_hash_set<Day> workdays_;

  // Index over [index_first_, index_first_ + index_days_): prefix sums over whole days.
  Day index_first_ = 0;
  Day index_days_ = 0;
  std::vector<std::int32_t> working_days_before_;    // size index_days_ + 1
  std::vector<std::int64_t> working_micros_before_;  // size index_days_ + 1
};

}  // namespace gridroute
