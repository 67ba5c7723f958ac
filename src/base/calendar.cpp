// Working calendars: working days, working periods, deadlines (SPEC §3.4).
#include "base/calendar.hpp"

#include <algorithm>

namespace gridroute::detail {
namespace {

constexpr int kIndexFirstYear = 2000;
constexpr int kIndexLastYear = 2100;  // exclusive
// How far a walk looks for working time before it gives up (about 30 years).
constexpr std::int64_t kWalkHorizonDays = 11000;

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

std::vector<int> Calendar::weekdays() const {
  std::vector<int> out;
  for (int w = 1; w <= 7; ++w)
    if (weekday_mask_ & (1u << (w - 1))) out.push_back(w);
  return out;
}

namespace {
std::vector<absl::CivilDay> sorted_days(const absl::flat_hash_set<std::int64_t>& days) {
  std::vector<std::int64_t> v(days.begin(), days.end());
  std::sort(v.begin(), v.end());
  std::vector<absl::CivilDay> out;
  out.reserve(v.size());
  for (std::int64_t d : v) out.push_back(absl::CivilDay(1970, 1, 1) + d);
  return out;
}
}  // namespace

std::vector<absl::CivilDay> Calendar::holidays() const { return sorted_days(holidays_); }
std::vector<absl::CivilDay> Calendar::workdays() const { return sorted_days(workdays_); }

}  // namespace gridroute::detail
