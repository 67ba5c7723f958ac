// Instants and durations: RFC 3339 text, civil dates, the contract's durations (SPEC §3.4).
#include "base/time.hpp"

#include <cstring>

#include "base/strings.hpp"
#include "base/text.hpp"
#include "base/zone.hpp"

namespace gridroute {
namespace detail {

bool digits(std::string_view s, size_t pos, size_t n, int& out) {
  if (pos + n > s.size()) return false;
  int v = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + (s[i] - '0');
  }
  out = v;
  return true;
}

std::int64_t days_from_civil(std::int64_t y, int m, int d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const std::int64_t yoe = y - era * 400;
  const std::int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const std::int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

void civil_from_days(std::int64_t z, std::int64_t& y, int& m, int& d) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const std::int64_t doe = z - era * 146097;
  const std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const std::int64_t mp = (5 * doy + 2) / 153;
  d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  y = yoe + era * 400 + (m <= 2);
}

}  // namespace detail

using detail::digits;

namespace detail {

bool leap_second_minute(int y, int mo, int d, int h, int m, bool has_offset, int offset) {
  if (!has_offset) return false;  // a local time's offset is not known here: its minute cannot be checked
  // RFC 3339 §5.7: a leap second is inserted at the end of a month, at 23:59:60 UTC.
  const absl::CivilMinute utc = absl::CivilMinute(y, mo, d, h, m) - offset / 60;
  return utc.hour() == 23 && utc.minute() == 59 && (absl::CivilDay(utc) + 1).day() == 1;
}

bool parse_date_time(std::string_view s, DateTime& out) {
  int Y, M, D, h, m, sec;
  if (s.size() < 19 || !digits(s, 0, 4, Y) || s[4] != '-' || !digits(s, 5, 2, M) || s[7] != '-' ||
      !digits(s, 8, 2, D) || (s[10] != 'T' && s[10] != 't' && s[10] != ' ') || !digits(s, 11, 2, h) ||
      s[13] != ':' || !digits(s, 14, 2, m) || s[16] != ':' || !digits(s, 17, 2, sec))
    return false;
  size_t pos = 19;
  std::int64_t frac_us = 0;
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    size_t start = pos;
    std::int64_t scale = 100000;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
      frac_us += (s[pos] - '0') * scale;
      scale /= 10;
      ++pos;
    }
    if (pos == start) return false;
  }
  out.has_offset = pos < s.size();
  out.offset = 0;
  if (pos < s.size()) {
    if (s[pos] == 'Z' || s[pos] == 'z') {
      ++pos;
    } else if (s[pos] == '+' || s[pos] == '-') {
      int oh, om;
      if (!digits(s, pos + 1, 2, oh) || pos + 3 >= s.size() || s[pos + 3] != ':' || !digits(s, pos + 4, 2, om) ||
          oh > 23 || om > 59)
        return false;
      out.offset = (oh * 3600 + om * 60) * (s[pos] == '-' ? -1 : 1);
      pos += 6;
    } else {
      return false;
    }
  }
  if (pos != s.size()) return false;
  if (M < 1 || M > 12 || D < 1 || h > 23 || m > 59 || sec > 60) return false;
  if (sec == 60 && !leap_second_minute(Y, M, D, h, m, out.has_offset, out.offset)) return false;
  absl::CivilSecond cs(Y, M, D, h, m, sec == 60 ? 59 : sec);
  if (cs.day() != D) return false;  // e.g. 02-30 normalised into March
  // A leap second is read as the instant right after it, the next minute's :00 (as PostgreSQL reads it),
  // whatever its fraction.
  out.civil = sec == 60 ? cs + 1 : cs;
  out.frac_us = sec == 60 ? 0 : frac_us;
  return true;
}

bool Rfc3339Reader::read(std::string_view s, Instant& out) {
  if (s.size() != 20 && s.size() != 25) return false;
  auto two = [&](std::size_t at, int& v) {
    const unsigned a = static_cast<unsigned>(s[at] - '0'), b = static_cast<unsigned>(s[at + 1] - '0');
    v = static_cast<int>(a * 10 + b);
    return a < 10 && b < 10;
  };
  int h, mi, sec;
  if ((s[10] != 'T' && s[10] != 't' && s[10] != ' ') || s[13] != ':' || s[16] != ':' || !two(11, h) ||
      !two(14, mi) || !two(17, sec) || h > 23 || mi > 59 || sec > 59)
    return false;
  int offset = 0;
  if (s.size() == 20) {
    if (s[19] != 'Z' && s[19] != 'z') return false;
  } else {
    int oh, om;
    if ((s[19] != '+' && s[19] != '-') || s[22] != ':' || !two(20, oh) || !two(23, om) || oh > 23 || om > 59)
      return false;
    offset = (oh * 3600 + om * 60) * (s[19] == '-' ? -1 : 1);
  }
  if (!have_ || std::memcmp(date_, s.data(), 10) != 0) {
    int y1, y2, m, d;
    if (s[4] != '-' || s[7] != '-' || !two(0, y1) || !two(2, y2) || !two(5, m) || !two(8, d) || m < 1 || m > 12 ||
        d < 1)
      return false;
    const int y = y1 * 100 + y2;
    if (d > days_in_month(y, m)) return false;
    days_ = days_from_civil(y, m, d);
    std::memcpy(date_, s.data(), 10);
    have_ = true;
  }
  out = (days_ * 86400 + h * 3600 + mi * 60 + sec - offset) * kMicrosPerSecond;
  return true;
}

}  // namespace detail

namespace detail {

std::string date_time_fault(std::string_view s) {
  int y = 0, m = 0, d = 0, h = 0, mi = 0, sec = 0;
  if (s.size() < 19 || s[4] != '-' || s[7] != '-' || (s[10] != 'T' && s[10] != 't' && s[10] != ' ') || s[13] != ':' ||
      s[16] != ':' || !digits(s, 0, 4, y) || !digits(s, 5, 2, m) || !digits(s, 8, 2, d) || !digits(s, 11, 2, h) ||
      !digits(s, 14, 2, mi) || !digits(s, 17, 2, sec))
    return {};
  static constexpr const char* kMonths[12] = {"January", "February", "March",     "April",   "May",      "June",
                                              "July",    "August",   "September", "October", "November", "December"};
  if (m < 1 || m > 12) return cat("there is no month ", s.substr(5, 2));
  const int days = days_in_month(y, m);
  if (d < 1 || d > days) return cat("there is no day ", d, " in ", kMonths[m - 1], " ", y, " (it has ", days, " days)");
  if (h > 23) return cat("hour ", h, " is past 23");
  if (mi > 59) return cat("minute ", mi, " is past 59");
  if (sec == 60) {
    // Read when it is at 23:59:60 UTC (parse_date_time); the text has another fault otherwise, or this.
    int offset = 0;
    std::string_view rest = s.substr(19);
    while (!rest.empty() && (rest.front() == '.' || (rest.front() >= '0' && rest.front() <= '9'))) rest.remove_prefix(1);
    int oh = 0, om = 0;
    const bool has_offset = !rest.empty();
    if (rest.size() == 6 && (rest[0] == '+' || rest[0] == '-') && digits(rest, 1, 2, oh) && digits(rest, 4, 2, om))
      offset = (oh * 3600 + om * 60) * (rest[0] == '-' ? -1 : 1);
    if (!has_offset) return "a leap second (:60) is read only with an offset";
    if (!leap_second_minute(y, m, d, h, mi, true, offset))
      return "a leap second (:60) comes only at 23:59:60 UTC on the last day of a month";
    return {};
  }
  if (sec > 59) return cat("second ", sec, " is past 59");
  return {};
}

}  // namespace detail

absl::StatusOr<Instant> parse_rfc3339(std::string_view s) {
  detail::DateTime dt;
  if (!detail::parse_date_time(s, dt) || !dt.has_offset)
    return absl::InvalidArgumentError(
        detail::cat("not an RFC 3339 time with an offset: \"", detail::utf8_prefix(s, 80), "\"",
                    [&] {
                      std::string why = detail::date_time_fault(s);
                      return why.empty() ? why : "; " + why;
                    }()));
  std::int64_t local = dt.civil - absl::CivilSecond(1970, 1, 1, 0, 0, 0);
  return (local - dt.offset) * kMicrosPerSecond + dt.frac_us;
}

absl::StatusOr<std::string> format_rfc3339(Instant t, std::string_view time_zone) {
  auto zone = detail::load_zone(time_zone);
  if (!zone.ok()) return zone.status();
  // Every instant whose year in the zone RFC 3339 can write (0000 to 9999): beyond the instants an issue
  // may carry (before 9000-01-01T00:00:00Z), so that a deadline counted from one is written too.
  // Near 0000-01-01T00:00:00Z a zone west of UTC is still in year -1, and near the end a zone east of
  // UTC is in year 10000: refused below, by the zone's own year.
  constexpr Instant kFormatEnd = std::int64_t{253'402'387'200} * kMicrosPerSecond;  // 10000-01-02T00:00:00Z
  if (t < kMinInstant || t >= kFormatEnd)
    return absl::InvalidArgumentError("the time is outside the years 0000 to 9999 that RFC 3339 writes");
  std::int64_t y;
  int m, d, h, mi, sec, off;
  zone->fields(t, y, m, d, h, mi, sec, off);
  if (y < 0 || y > 9999)
    return absl::InvalidArgumentError(detail::cat("the time is in year ", y, " in ", time_zone,
                                                  ", outside the years 0000 to 9999 that RFC 3339 writes"));
  return detail::format_rfc3339(t, *zone);
}

namespace detail {

absl::StatusOr<Duration> parse_duration(std::string_view s) {
  size_t i = 0;
  std::int64_t n = 0;
  while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
    if (n > 100'000'000) return absl::InvalidArgumentError(detail::cat("duration \"", s, "\" is too large"));
    n = n * 10 + (s[i] - '0');
    ++i;
  }
  std::string_view unit = s.substr(i);
  if (i == 0 || n <= 0)
    return absl::InvalidArgumentError(
        detail::cat("duration \"", s, "\" must be a positive integer followed by m, h, d, wh or wd"));
  Duration d;
  d.n = n;
  if (unit == "m") d.kind = Duration::Kind::minutes;
  else if (unit == "h") d.kind = Duration::Kind::hours;
  else if (unit == "d") d.kind = Duration::Kind::days;
  else if (unit == "wh") d.kind = Duration::Kind::working_hours;
  else if (unit == "wd") d.kind = Duration::Kind::working_days;
  else
    return absl::InvalidArgumentError(
        detail::cat("duration \"", s, "\" must be a positive integer followed by m, h, d, wh or wd"));
  if (!duration_in_bounds(d))
    return absl::InvalidArgumentError(detail::cat("duration \"", s, "\" is longer than 100 years"));
  return d;
}

bool duration_in_bounds(const Duration& d) {
  // Bound elapsed durations to about 100 years so deadlines never overflow.
  constexpr std::int64_t kMaxMinutes = 100LL * 366 * 24 * 60;
  if (static_cast<int>(d.kind) > static_cast<int>(Duration::Kind::working_days) || d.n <= 0 || d.n > kMaxMinutes)
    return false;
  std::int64_t minutes = d.kind == Duration::Kind::minutes ? d.n
                         : d.kind == Duration::Kind::days ? d.n * 1440
                         : d.kind == Duration::Kind::working_days ? d.n * 1440
                                                                   : d.n * 60;
  return minutes <= kMaxMinutes;
}

std::string to_string(const Duration& d) {
  static constexpr const char* kUnits[] = {"m", "h", "d", "wh", "wd"};
  return detail::cat(d.n, kUnits[static_cast<int>(d.kind)]);
}

absl::StatusOr<int> parse_clock(std::string_view s, bool allow_24) {
  int h, m;
  if (s.size() != 5 || !digits(s, 0, 2, h) || s[2] != ':' || !digits(s, 3, 2, m) || m > 59 || h > 24 ||
      (h == 24 && (m != 0 || !allow_24)))
    return absl::InvalidArgumentError(detail::cat("\"", s, "\" is not a time of day HH:MM",
                                                   allow_24 ? " (00:00 to 24:00)" : " (00:00 to 23:59)"));
  return h * 3600 + m * 60;
}

absl::StatusOr<absl::CivilDay> parse_civil_day(std::string_view s) {
  int Y, M, D;
  if (s.size() != 10 || !digits(s, 0, 4, Y) || s[4] != '-' || !digits(s, 5, 2, M) || s[7] != '-' ||
      !digits(s, 8, 2, D) || M < 1 || M > 12 || D < 1)
    return absl::InvalidArgumentError(detail::cat("\"", s, "\" is not a date YYYY-MM-DD"));
  absl::CivilDay d(Y, M, D);
  if (d.day() != D) return absl::InvalidArgumentError(detail::cat("\"", s, "\" is not a date YYYY-MM-DD"));
  return d;
}

}  // namespace detail
}  // namespace gridroute
