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

std::int64_t day_number(absl::CivilDay d) { return d - absl::CivilDay(1970, 1, 1); }

}  // namespace

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

void append_rfc3339(std::string& out, Instant t, const absl::TimeZone& tz) {
  std::int64_t secs = t >= 0 ? t / kMicrosPerSecond : -((-t + kMicrosPerSecond - 1) / kMicrosPerSecond);
  std::int64_t frac = t - secs * kMicrosPerSecond;
  absl::TimeZone::CivilInfo ci = tz.At(absl::FromUnixSeconds(secs));
  char buf[64];
  int n = std::snprintf(buf, sizeof buf, "%04lld-%02d-%02dT%02d:%02d:%02d", static_cast<long long>(ci.cs.year()),
                        ci.cs.month(), ci.cs.day(), ci.cs.hour(), ci.cs.minute(), ci.cs.second());
  out.append(buf, static_cast<size_t>(n));
  if (frac != 0) {
    n = std::snprintf(buf, sizeof buf, ".%06lld", static_cast<long long>(frac));
    while (n > 1 && buf[n - 1] == '0') --n;
    out.append(buf, static_cast<size_t>(n));
  }
  int off = ci.offset;
  char sign = off < 0 ? '-' : '+';
  off = off < 0 ? -off : off;
  n = std::snprintf(buf, sizeof buf, "%c%02d:%02d", sign, off / 3600, (off / 60) % 60);
  out.append(buf, static_cast<size_t>(n));
}

std::string format_rfc3339(Instant t, const absl::TimeZone& tz) {
  std::string s;
  append_rfc3339(s, t, tz);
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

Calendar::Calendar(std::string id, absl::TimeZone tz, std::vector<int> weekdays, std::vector<Period> periods,
                   std::vector<absl::CivilDay> holidays, std::vector<absl::CivilDay> workdays)
    : id_(std::move(id)), tz_(std::move(tz)), periods_(std::move(periods)) {
  for (int w : weekdays)
    if (w >= 1 && w <= 7) weekday_mask_ |= static_cast<std::uint8_t>(1u << (w - 1));
  last_special_day_ = absl::CivilDay(1970, 1, 1);
  for (auto d : holidays) {
    holidays_.insert(day_number(d));
    last_special_day_ = std::max(last_special_day_, d);
  }
  for (auto d : workdays) {
    workdays_.insert(day_number(d));
    last_special_day_ = std::max(last_special_day_, d);
  }
  index_first_ = absl::CivilDay(kIndexFirstYear, 1, 1);
  index_days_ = absl::CivilDay(kIndexLastYear, 1, 1) - index_first_;
  working_days_before_.resize(static_cast<size_t>(index_days_) + 1);
  working_micros_before_.resize(static_cast<size_t>(index_days_) + 1);
  std::int32_t days = 0;
  std::int64_t micros = 0;
  for (std::int64_t i = 0; i < index_days_; ++i) {
    working_days_before_[static_cast<size_t>(i)] = days;
    working_micros_before_[static_cast<size_t>(i)] = micros;
    absl::CivilDay day = index_first_ + i;
    if (is_working_day(day)) {
      ++days;
      for (const Period& p : periods_) micros += period_instant(day, p.end) - period_instant(day, p.begin);
    }
  }
  working_days_before_.back() = days;
  working_micros_before_.back() = micros;
}

bool Calendar::is_working_day(absl::CivilDay day) const {
  std::int64_t n = day_number(day);
  if (!workdays_.empty() && workdays_.contains(n)) return true;
  int iso = static_cast<int>(absl::GetWeekday(day)) + 1;  // absl: monday == 0
  if (!(weekday_mask_ & (1u << (iso - 1)))) return false;
  return holidays_.empty() || !holidays_.contains(n);
}

absl::CivilDay Calendar::local_day(Instant t) const {
  return absl::CivilDay(tz_.At(absl::FromUnixMicros(t)).cs);
}

Instant Calendar::period_instant(absl::CivilDay day, int seconds) const {
  absl::CivilSecond cs = absl::CivilSecond(day) + seconds;
  return absl::ToUnixMicros(absl::FromCivil(cs, tz_));
}

std::pair<std::int64_t, Instant> Calendar::consume_day(absl::CivilDay day, Instant start,
                                                       std::int64_t micros) const {
  std::int64_t used = 0;
  for (const Period& p : periods_) {
    Instant pe = period_instant(day, p.end);
    if (pe <= start) continue;
    Instant b = std::max(period_instant(day, p.begin), start);
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
      absl::CivilDay day = local_day(start);
      if (in_index(day)) return add_working_hours_indexed(start, d.n * 3600 * kMicrosPerSecond);
      return add_working_hours_walk(start, d.n * 3600 * kMicrosPerSecond);
    }
    case Duration::Kind::working_days: {
      absl::CivilDay day = local_day(start);
      if (in_index(day)) return add_working_days_indexed(day, d.n);
      return add_working_days_walk(day, d.n);
    }
  }
  return kNoInstant;
}

Instant Calendar::add_by_walking(Instant start, Duration d) const {
  switch (d.kind) {
    case Duration::Kind::working_hours: return add_working_hours_walk(start, d.n * 3600 * kMicrosPerSecond);
    case Duration::Kind::working_days: return add_working_days_walk(local_day(start), d.n);
    default: return add(start, d);
  }
}

Instant Calendar::add_working_hours_walk(Instant start, std::int64_t micros) const {
  absl::CivilDay day = local_day(start);
  for (std::int64_t i = 0; i < kWalkHorizonDays; ++i, ++day) {
    if (!is_working_day(day)) continue;
    auto [used, due] = consume_day(day, start, micros);
    if (due != kNoInstant) return due;
    micros -= used;
  }
  return kNoInstant;
}

Instant Calendar::add_working_days_walk(absl::CivilDay from, std::int64_t n) const {
  absl::CivilDay day = from;
  for (std::int64_t i = 0; i < kWalkHorizonDays; ++i) {
    ++day;
    if (is_working_day(day) && --n == 0) return period_instant(day, periods_.back().end);
  }
  return kNoInstant;
}

Instant Calendar::add_working_days_indexed(absl::CivilDay from, std::int64_t n) const {
  auto idx = static_cast<size_t>(from - index_first_);
  std::int64_t target = working_days_before_[idx + 1] + n;  // working days in [first, day] reached
  // The answer is the day j whose prefix through j (working_days_before_[j + 1]) first reaches target.
  if (target > working_days_before_.back()) {
    // Beyond the index: continue walking from its end.
    std::int64_t left = target - working_days_before_.back();
    return add_working_days_walk(index_first_ + (index_days_ - 1), left);
  }
  auto it = std::lower_bound(working_days_before_.begin() + static_cast<std::ptrdiff_t>(idx) + 1,
                             working_days_before_.end(), static_cast<std::int32_t>(target));
  auto j = static_cast<std::int64_t>(it - working_days_before_.begin()) - 1;
  return period_instant(index_first_ + j, periods_.back().end);
}

Instant Calendar::add_working_hours_indexed(Instant start, std::int64_t micros) const {
  absl::CivilDay day = local_day(start);
  auto idx = static_cast<size_t>(day - index_first_);
  if (is_working_day(day)) {
    auto [used, due] = consume_day(day, start, micros);
    if (due != kNoInstant) return due;
    micros -= used;
  }
  // Whole days after `day`: find the first day k > idx with micros_before[k + 1] - micros_before[idx + 1] >= micros.
  std::int64_t base = working_micros_before_[idx + 1];
  std::int64_t target = base + micros;
  if (target > working_micros_before_.back()) {
    std::int64_t left = target - working_micros_before_.back();
    absl::CivilDay next = index_first_ + index_days_;
    return add_working_hours_walk(period_instant(next, 0), left);
  }
  auto it = std::lower_bound(working_micros_before_.begin() + static_cast<std::ptrdiff_t>(idx) + 1,
                             working_micros_before_.end(), target);
  auto k = static_cast<std::int64_t>(it - working_micros_before_.begin()) - 1;
  std::int64_t before = working_micros_before_[static_cast<size_t>(k)] - base;
  auto [used, due] = consume_day(index_first_ + k, kNoInstant + 1, micros - before);
  (void)used;
  return due;
}

}  // namespace gridroute
