// Instants, durations and calendar arithmetic (SPEC §3.4).
#include "gridroute/time.hpp"

#include <algorithm>
#include <cstdio>

#include "util.hpp"

namespace gridroute {
namespace {

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

constexpr int kIndexFirstYear = 2000;
constexpr int kIndexLastYear = 2100;  // exclusive
// How far a walk looks for working time before it gives up (about 30 years).
constexpr std::int64_t kWalkHorizonDays = 11000;


}  // namespace

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

namespace {
// lower_bound for a value expected near `first`: doubling steps, then a binary search in the last one.
// Deadlines are days or hours ahead, so this reads a line or two of the prefix index, not its whole span.
template <class It, class T>
It gallop_lower_bound(It first, It last, const T& value) {
  std::ptrdiff_t step = 1;
  while (step < last - first && *(first + step) < value) {
    first += step;
    step *= 2;
  }
  return std::lower_bound(first, first + std::min(step + 1, last - first), value);
}

std::int64_t floor_secs(Instant t) { return floor_div<kMicrosPerSecond>(t); }
}  // namespace

Zone::Zone(absl::TimeZone tz) : tz_(std::move(tz)) {
  absl::Time from = absl::FromCivil(absl::CivilSecond(2000, 1, 1, 0, 0, 0), absl::UTCTimeZone());
  absl::Time to = absl::FromCivil(absl::CivilSecond(2100, 1, 1, 0, 0, 0), absl::UTCTimeZone());
  absl::TimeZone::CivilTransition tr;
  bool changes = tz_.NextTransition(from, &tr) && absl::FromCivil(tr.to, tz_) < to;
  if (!changes) {
    fixed_ = true;
    offset_ = tz_.At(from).offset;
    fixed_from_ = absl::ToUnixMicros(from) + 86400LL * kMicrosPerSecond;  // a day's margin either side
    fixed_to_ = absl::ToUnixMicros(to) - 86400LL * kMicrosPerSecond;
  }
}

absl::CivilSecond Zone::civil(Instant t, int* offset) const {
  std::int64_t y;
  int m, d, h, mi, sec, off;
  fields(t, y, m, d, h, mi, sec, off);
  if (offset) *offset = off;
  return absl::CivilSecond(y, m, d, h, mi, sec);
}

void Zone::fields(Instant t, std::int64_t& y, int& m, int& d, int& h, int& mi, int& sec, int& off) const {
  std::int64_t secs = floor_secs(t);
  if (in_fixed_range(t)) {
    off = offset_;
    std::int64_t local = secs + offset_;
    std::int64_t day = floor_div<86400>(local);
    auto sod = static_cast<int>(local - day * 86400);
    civil_from_days(day, y, m, d);
    h = sod / 3600;
    mi = (sod / 60) % 60;
    sec = sod % 60;
    return;
  }
  absl::TimeZone::CivilInfo ci = tz_.At(absl::FromUnixSeconds(secs));
  off = ci.offset;
  y = ci.cs.year();
  m = ci.cs.month();
  d = ci.cs.day();
  h = ci.cs.hour();
  mi = ci.cs.minute();
  sec = ci.cs.second();
}

int Zone::seconds_of_day(Instant t) const {
  if (in_fixed_range(t)) {
    std::int64_t local = floor_secs(t) + offset_;
    return static_cast<int>(local - floor_div<86400>(local) * 86400);
  }
  absl::CivilSecond cs = tz_.At(absl::FromUnixSeconds(floor_secs(t))).cs;
  return cs.hour() * 3600 + cs.minute() * 60 + cs.second();
}

std::int64_t Zone::local_day_by_rules(Instant t) const {
  absl::CivilSecond cs = tz_.At(absl::FromUnixSeconds(floor_secs(t))).cs;
  return days_from_civil(cs.year(), cs.month(), cs.day());
}

Instant Zone::instant_by_rules(std::int64_t day, int seconds) const {
  std::int64_t y;
  int m, d;
  civil_from_days(day, y, m, d);
  return absl::ToUnixMicros(absl::FromCivil(absl::CivilSecond(y, m, d, 0, 0, 0) + seconds, tz_));
}

Instant Zone::instant(absl::CivilSecond cs) const {
  return instant(days_from_civil(cs.year(), cs.month(), cs.day()), cs.hour() * 3600 + cs.minute() * 60 + cs.second());
}

absl::StatusOr<Instant> parse_rfc3339(std::string_view s) {
  auto bad = [&] {
    return absl::InvalidArgumentError(detail::cat("not an RFC 3339 time with an offset: \"", s, "\""));
  };
  int Y, M, D, h, m, sec;
  if (s.size() < 20 || !digits(s, 0, 4, Y) || s[4] != '-' || !digits(s, 5, 2, M) || s[7] != '-' ||
      !digits(s, 8, 2, D) || (s[10] != 'T' && s[10] != 't' && s[10] != ' ') || !digits(s, 11, 2, h) ||
      s[13] != ':' || !digits(s, 14, 2, m) || s[16] != ':' || !digits(s, 17, 2, sec))
    return bad();
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
    if (pos == start) return bad();
  }
  if (pos >= s.size()) return bad();
  int offset = 0;
  if (s[pos] == 'Z' || s[pos] == 'z') {
    ++pos;
  } else if (s[pos] == '+' || s[pos] == '-') {
    int oh, om;
    if (!digits(s, pos + 1, 2, oh) || pos + 3 >= s.size() || s[pos + 3] != ':' || !digits(s, pos + 4, 2, om) ||
        oh > 23 || om > 59)
      return bad();
    offset = (oh * 3600 + om * 60) * (s[pos] == '-' ? -1 : 1);
    pos += 6;
  } else {
    return bad();
  }
  if (pos != s.size()) return bad();
  if (M < 1 || M > 12 || D < 1 || h > 23 || m > 59 || sec > 59) return bad();
  absl::CivilSecond cs(Y, M, D, h, m, sec);
  if (cs.day() != D) return bad();  // e.g. 02-30 normalised into March
  std::int64_t local = cs - absl::CivilSecond(1970, 1, 1, 0, 0, 0);
  return (local - offset) * kMicrosPerSecond + frac_us;
}

namespace {
inline char* put2(char* p, int v) {
  p[0] = static_cast<char>('0' + v / 10);
  p[1] = static_cast<char>('0' + v % 10);
  return p + 2;
}
}  // namespace

void append_rfc3339(std::string& out, Instant t, const Zone& zone) {
  std::int64_t y;
  int m, d, h, mi, sec, off;
  zone.fields(t, y, m, d, h, mi, sec, off);
  std::int64_t frac = t - floor_secs(t) * kMicrosPerSecond;
  char buf[48];
  char* p = buf;
  if (y >= 0 && y <= 9999) {
    auto yy = static_cast<int>(y);
    p = put2(p, yy / 100);
    p = put2(p, yy % 100);
  } else {
    p += std::snprintf(p, 16, "%04lld", static_cast<long long>(y));
  }
  *p++ = '-';
  p = put2(p, m);
  *p++ = '-';
  p = put2(p, d);
  *p++ = 'T';
  p = put2(p, h);
  *p++ = ':';
  p = put2(p, mi);
  *p++ = ':';
  p = put2(p, sec);
  if (frac != 0) {
    *p++ = '.';
    int digits = 6;
    std::int64_t f = frac;
    while (f % 10 == 0) {
      f /= 10;
      --digits;
    }
    for (int i = digits - 1; i >= 0; --i) {
      p[i] = static_cast<char>('0' + f % 10);
      f /= 10;
    }
    p += digits;
  }
  *p++ = off < 0 ? '-' : '+';
  off = off < 0 ? -off : off;
  p = put2(p, off / 3600);
  *p++ = ':';
  p = put2(p, (off / 60) % 60);
  out.append(buf, static_cast<std::size_t>(p - buf));
}

std::string format_rfc3339(Instant t, const Zone& zone) {
  std::string s;
  append_rfc3339(s, t, zone);
  return s;
}

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
  // Bound elapsed durations to about 100 years so deadlines never overflow.
  constexpr std::int64_t kMaxMinutes = 100LL * 366 * 24 * 60;
  std::int64_t minutes = d.kind == Duration::Kind::minutes ? n
                         : d.kind == Duration::Kind::days ? n * 1440
                         : d.kind == Duration::Kind::working_days ? n * 1440
                                                                   : n * 60;
  if (minutes > kMaxMinutes)
    return absl::InvalidArgumentError(detail::cat("duration \"", s, "\" is longer than 100 years"));
  return d;
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

// ---------------------------------------------------------------------------------------------
// Calendar

Calendar::Calendar(std::string id, Zone zone, std::vector<int> weekdays, std::vector<Period> periods,
                   std::vector<absl::CivilDay> holidays, std::vector<absl::CivilDay> workdays)
    : id_(std::move(id)), zone_(std::move(zone)), periods_(std::move(periods)) {
  for (int w : weekdays)
    if (w >= 1 && w <= 7) weekday_mask_ |= static_cast<std::uint8_t>(1u << (w - 1));
  for (auto d : holidays) holidays_.insert(day_number(d));
  for (auto d : workdays) workdays_.insert(day_number(d));
  index_first_ = days_from_civil(kIndexFirstYear, 1, 1);
  index_days_ = days_from_civil(kIndexLastYear, 1, 1) - index_first_;
  working_days_before_.resize(static_cast<size_t>(index_days_) + 1);
  working_micros_before_.resize(static_cast<size_t>(index_days_) + 1);
  std::int32_t days = 0;
  std::int64_t micros = 0;
  for (Day i = 0; i < index_days_; ++i) {
    working_days_before_[static_cast<size_t>(i)] = days;
    working_micros_before_[static_cast<size_t>(i)] = micros;
    Day day = index_first_ + i;
    if (is_working(day)) {
      ++days;
      for (const Period& p : periods_) micros += period_instant(day, p.end, true) - period_instant(day, p.begin, true);
    }
  }
  working_days_before_.back() = days;
  working_micros_before_.back() = micros;
}

bool Calendar::is_working(Day n) const {
  if (!workdays_.empty() && workdays_.contains(n)) return true;
  int iso0 = static_cast<int>(((n + 3) % 7 + 7) % 7);  // 1970-01-01 was a Thursday; Monday = 0
  if (!(weekday_mask_ & (1u << iso0))) return false;
  return holidays_.empty() || !holidays_.contains(n);
}


Instant Calendar::period_instant(Day day, int seconds, bool exact_zone) const {
  if (exact_zone) {
    std::int64_t y;
    int m, d;
    civil_from_days(day, y, m, d);
    return absl::ToUnixMicros(absl::FromCivil(absl::CivilSecond(y, m, d, 0, 0, 0) + seconds, zone_.tz()));
  }
  return zone_.instant(day, seconds);
}

std::pair<std::int64_t, Instant> Calendar::consume_day(Day day, Instant start, std::int64_t micros,
                                                       bool exact_zone) const {
  std::int64_t used = 0;
  for (const Period& p : periods_) {
    Instant pe = period_instant(day, p.end, exact_zone);
    if (pe <= start) continue;
    Instant b = std::max(period_instant(day, p.begin, exact_zone), start);
    std::int64_t avail = pe - b;
    if (micros - used <= avail) return {used, b + (micros - used)};
    used += avail;
  }
  return {used, kNoInstant};
}

Instant Calendar::add(Instant start, Duration d) const {
  switch (d.kind) {
    case Duration::Kind::minutes: return start + d.n * 60 * kMicrosPerSecond;
    case Duration::Kind::hours: return start + d.n * 3600 * kMicrosPerSecond;
    case Duration::Kind::days: return start + d.n * 86400 * kMicrosPerSecond;
    case Duration::Kind::working_hours: {
      Day day = local_day(start);
      if (in_index(day)) return add_working_hours_indexed(start, d.n * 3600 * kMicrosPerSecond);
      return add_working_hours_walk(start, d.n * 3600 * kMicrosPerSecond);
    }
    case Duration::Kind::working_days: {
      Day day = local_day(start);
      if (in_index(day)) return add_working_days_indexed(day, d.n);
      return add_working_days_walk(day, d.n);
    }
  }
  return kNoInstant;
}

Instant Calendar::add_by_walking(Instant start, Duration d) const {
  switch (d.kind) {
    case Duration::Kind::working_hours: return add_working_hours_walk(start, d.n * 3600 * kMicrosPerSecond);
    case Duration::Kind::working_days: {
      absl::CivilSecond cs = zone_.tz().At(absl::FromUnixSeconds(floor_secs(start))).cs;
      return add_working_days_walk(days_from_civil(cs.year(), cs.month(), cs.day()), d.n);
    }
    default: return add(start, d);
  }
}

Instant Calendar::add_working_hours_walk(Instant start, std::int64_t micros) const {
  absl::CivilSecond cs = zone_.tz().At(absl::FromUnixSeconds(floor_secs(start))).cs;
  Day day = days_from_civil(cs.year(), cs.month(), cs.day());
  for (std::int64_t i = 0; i < kWalkHorizonDays; ++i, ++day) {
    if (!is_working(day)) continue;
    auto [used, due] = consume_day(day, start, micros, true);
    if (due != kNoInstant) return due;
    micros -= used;
  }
  return kNoInstant;
}

Instant Calendar::add_working_days_walk(Day from, std::int64_t n) const {
  Day day = from;
  for (std::int64_t i = 0; i < kWalkHorizonDays; ++i) {
    ++day;
    if (is_working(day) && --n == 0) return period_instant(day, periods_.back().end, true);
  }
  return kNoInstant;
}

Instant Calendar::add_working_days_indexed(Day from, std::int64_t n) const {
  auto idx = static_cast<size_t>(from - index_first_);
  std::int64_t target = working_days_before_[idx + 1] + n;  // working days in [first, answer] reached
  if (target > working_days_before_.back()) {
    // Beyond the index: continue walking from its end.
    std::int64_t left = target - working_days_before_.back();
    return add_working_days_walk(index_first_ + index_days_ - 1, left);
  }
  // The answer is the day j whose prefix through j (working_days_before_[j + 1]) first reaches target.
  auto it = gallop_lower_bound(working_days_before_.begin() + static_cast<std::ptrdiff_t>(idx) + 1,
                               working_days_before_.end(), static_cast<std::int32_t>(target));
  auto j = static_cast<Day>(it - working_days_before_.begin()) - 1;
  return period_instant(index_first_ + j, periods_.back().end, false);
}

Instant Calendar::add_working_hours_indexed(Instant start, std::int64_t micros) const {
  Day day = local_day(start);
  auto idx = static_cast<size_t>(day - index_first_);
  if (working_indexed(static_cast<Day>(idx))) {
    auto [used, due] = consume_day(day, start, micros, false);
    if (due != kNoInstant) return due;
    micros -= used;
  }
  // Whole days after `day`: the first day k > idx with before[k + 1] - before[idx + 1] >= micros.
  std::int64_t base = working_micros_before_[idx + 1];
  std::int64_t target = base + micros;
  if (target > working_micros_before_.back()) {
    std::int64_t left = target - working_micros_before_.back();
    return add_working_hours_walk(period_instant(index_first_ + index_days_, 0, true), left);
  }
  auto it = gallop_lower_bound(working_micros_before_.begin() + static_cast<std::ptrdiff_t>(idx) + 1,
                               working_micros_before_.end(), target);
  auto k = static_cast<Day>(it - working_micros_before_.begin()) - 1;
  std::int64_t before = working_micros_before_[static_cast<size_t>(k)] - base;
  return consume_day(index_first_ + k, kNoInstant + 1, micros - before, false).second;
}

}  // namespace gridroute
