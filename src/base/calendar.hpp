// Internal: a working calendar (SPEC §3.4) — working weekdays and periods, holidays, make-up workdays —
// and deadlines counted on it. Calendars precompute, for a span of years, cumulative working days and
// working time per day, so a deadline is a binary search rather than a walk; outside that span they
// walk day by day.
//
//   Calendar gov("gov", zone, {1, 2, 3, 4, 5}, {{8 * 3600 + 1800, 12 * 3600}}, holidays, workdays);
//   Instant due = gov.add(start, Duration{Duration::Kind::working_days, 3});
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/time/civil_time.h"
#include "base/time.hpp"
#include "base/zone.hpp"

namespace gridroute::detail {

// Immutable once built; safe to share across threads.
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
  // What the calendar was made of (a compiled bundle file stores these and makes the calendar again).
  std::vector<int> weekdays() const;
  std::vector<absl::CivilDay> holidays() const;
  std::vector<absl::CivilDay> workdays() const;

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

}  // namespace gridroute::detail
