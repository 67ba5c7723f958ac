// Internal: civil dates, the contract's durations, clock times. The public part (Instant, RFC 3339) is
// gridroute/time.hpp.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "gridroute/time.hpp"

namespace gridroute::detail {

// Floor division by a positive constant (the compiler turns it into a multiply).
template <std::int64_t B>
constexpr std::int64_t floor_div(std::int64_t a) {
  static_assert(B > 0);
  return a / B - (a % B < 0);
}

// `n` decimal digits of `s` at `pos`.
bool digits(std::string_view s, std::size_t pos, std::size_t n, int& out);

// The days of month `m` (1-12) of year `y` (proleptic Gregorian).
inline int days_in_month(std::int64_t y, int m) {
  static constexpr int kDays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return kDays[m - 1] + (m == 2 && y % 4 == 0 && (y % 100 != 0 || y % 400 == 0));
}

// Days since 1970-01-01 of a civil date, and back (proleptic Gregorian).
std::int64_t days_from_civil(std::int64_t y, int m, int d);
void civil_from_days(std::int64_t days, std::int64_t& y, int& m, int& d);
inline std::int64_t day_number(absl::CivilDay d) { return days_from_civil(d.year(), d.month(), d.day()); }

// The fields of an RFC 3339 date-time, the offset optional (contract 1.1's local times); a space may
// stand for the `T`.
struct DateTime {
  absl::CivilSecond civil;
  std::int64_t frac_us = 0;
  bool has_offset = false;
  int offset = 0;  // seconds east of UTC
};
// Second 60 (a leap second, RFC 3339 §5.7) is read at 23:59:60 UTC on the last day of a month only, with
// an offset, as the instant right after it (the next minute's :00, its fraction dropped).
bool parse_date_time(std::string_view text, DateTime& out);
// Whether a local date and clock y-mo-d h:m with that offset is 23:59 UTC on the last day of a month, where
// leap seconds are inserted (RFC 3339 §5.7).
bool leap_second_minute(int y, int mo, int d, int h, int m, bool has_offset, int offset);
// Why a text shaped as "YYYY-MM-DDTHH:MM:SS..." is no time: "there is no day 30 in February 2026 (it has
// 28 days)", "a leap second (:60) comes only at 23:59:60 UTC on the last day of a month", ...; empty when the date and clock fields are in range
// (or the text has another shape), for messages that add it to "must be an RFC 3339 time".
std::string date_time_fault(std::string_view text);

// Reads the usual RFC 3339 form, "YYYY-MM-DDTHH:MM:SS" then "Z" or "+HH:MM"/"-HH:MM", to the instant
// parse_rfc3339 gives it, remembering the day number of the last date read (the times of a batch mostly
// share their date). Returns false for any other text, a fraction included: parse_rfc3339 then reads it
// or words why not.
class Rfc3339Reader {
 public:
  bool read(std::string_view s, Instant& out);

 private:
  char date_[10] = {};
  std::int64_t days_ = 0;
  bool have_ = false;
};

// A duration of the contract: `30m`, `2h`, `1d` (elapsed), `4wh` (working hours), `3wd` (working days).
struct Duration {
  enum class Kind : std::uint8_t { minutes, hours, days, working_hours, working_days };
  Kind kind = Kind::minutes;
  std::int64_t n = 0;

  // Counted on a calendar's working time (wh, wd), not elapsed.
  bool working() const { return kind == Kind::working_hours || kind == Kind::working_days; }
  friend bool operator==(const Duration&, const Duration&) = default;
};

absl::StatusOr<Duration> parse_duration(std::string_view text);
// Whether a duration is one parse_duration could have returned: a known kind, positive, at most about 100 years,
// so that adding it to an instant of the contract never overflows. Compiled files are checked with it too.
bool duration_in_bounds(const Duration& d);
std::string to_string(const Duration& d);

// Parses "HH:MM" into seconds from local midnight; "24:00" is accepted only when `allow_24` is set.
absl::StatusOr<int> parse_clock(std::string_view text, bool allow_24);

// Parses "YYYY-MM-DD".
absl::StatusOr<absl::CivilDay> parse_civil_day(std::string_view text);

}  // namespace gridroute::detail
