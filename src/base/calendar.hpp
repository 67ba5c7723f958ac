// Internal: a working calendar (SPEC §3.4) — working weekdays and periods, holidays, make-up workdays —
// and deadlines counted on it. Within 2000–2099 a deadline is a search over counts in closed form
// (whole weeks, then the holidays and make-up days in sorted lists, then the days a daylight-saving
// change makes longer or shorter); outside those years it walks day by day. In a zone without
// daylight saving, the first deadline counted numbers the working days of the nine years around it
// (13 KB), and a deadline among them is two reads of that table. Apart from that table, a calendar
// costs memory in proportion to what it declares, not to the years it spans.
//
//   Calendar gov("gov", zone, {1, 2, 3, 4, 5}, {{8 * 3600 + 1800, 12 * 3600}}, holidays, workdays);
//   Instant due = gov.add(start, Duration{Duration::Kind::working_days, 3});
#pragma once

#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/time/civil_time.h"
#include "base/time.hpp"
#include "base/zone.hpp"

namespace gridroute::detail {

// Immutable once built; safe to share across threads (the daylight-saving table is built once, on the
// first deadline in working hours that needs it, under std::call_once; the table of working days once,
// on the first deadline in working time, under a mutex, and published by an atomic pointer).
// How far a count of working time looks before it gives up (about 30 years): a deadline past it is
// kNoInstant, written null (lint warns about the durations it happens to).
inline constexpr std::int64_t kCountHorizonDays = 11000;

class Calendar {
 public:
  struct Period {
    int begin;  // seconds from local midnight
    int end;    // seconds from local midnight, <= 86400
  };

  // `weekdays` are ISO (1 = Monday … 7 = Sunday). Periods must be sorted, non-empty and disjoint.
  // A period bound that falls in a daylight-saving gap (a local time that never occurs) is the instant
  // the clocks jump; one that occurs twice is its first occurrence (docs/decisions.md).
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
  // add(start, a) and add(start, b) (a decision's respond and resolve deadlines), the start's place in
  // the working time found once for both.
  void add_two(Instant start, Duration a, Duration b, Instant& due_a, Instant& due_b) const;

  // Reference implementation that walks day by day with Abseil's time-zone rules; `add` must agree
  // with it (tests compare them).
  Instant add_by_walking(Instant start, Duration d) const;

  // The bytes this calendar holds (its lists, and the daylight-saving table once built): what a
  // bundle's calendars cost, for tests and the cost model in docs/security.md.
  std::size_t bytes() const;

 private:
  using Day = std::int64_t;  // days since 1970-01-01
  // A working day whose working time differs from the nominal (a daylight-saving change on it or
  // next to it), with the sum of the differences of the earlier ones.
  struct Irregular {
    Day day;
    std::int64_t delta;         // micros, actual - nominal
    std::int64_t delta_before;  // sum of `delta` of the earlier entries
  };
  struct Lazy;
  struct Table;

  Day local_day(Instant t) const { return zone_.local_day(t); }
  bool is_working(Day day) const;
  bool is_working_by_sets(Day day) const;
  // Bit k set when day d + k is worked.
  std::uint64_t window(Day d) const;
  // The n-th working day (1-based) from `a` on, `a` included, within kWindowSteps windows; else kNoDay.
  static constexpr Day kNoDay = std::numeric_limits<Day>::min();
  static constexpr int kWindowSteps = 8;
  static constexpr std::int64_t kWindowDays = 256;  // the longest count asked of nth_working_day
  Day nth_working_day(Day a, std::int64_t n) const;
  Instant period_instant(Day day, int seconds, bool exact_zone) const;
  bool in_index(Day day) const { return day >= index_first_ && day < index_end_; }
  // Working days, and working micros, in the days [a, b) of the index.
  std::int64_t working_days(Day a, Day b) const;
  std::int64_t working_micros(Day a, Day b) const;
  const std::vector<Irregular>& irregular() const;
  std::int64_t day_micros(Day day) const;
  // Every count looks for its working time in the kCountHorizonDays days from the start's day on (`Nwd`:
  // after it), whichever way it counts: a deadline past them is kNoInstant. A walk that continues a
  // count from the index's end is given the last day of the start's horizon.
  Instant add_working_hours_walk(Instant start, std::int64_t micros, Day last = kNoDay) const;
  Instant add_working_days_walk(Day from, std::int64_t n, Day last = kNoDay) const;
  Instant add_working_hours_indexed(Instant start, std::int64_t micros) const;
  Instant add_working_days_indexed(Day from, std::int64_t n) const;
  // A deadline in working time of a fixed-offset zone, counted from the table of the working days near
  // the first day a deadline was asked from: false, leaving `out` alone, when the table does not cover
  // it (the counts above answer). build_table makes the table once (or finds the budget spent).
  bool add_by_table(Instant start, Duration d, Instant& out) const;
  // The table's side of add_by_table in two steps, so that two deadlines from one start share the first:
  // where the start is (its local day, and its working micros that day once a count in hours asks)...
  struct Place {
    const Table* table = nullptr;
    std::int64_t offset = 0;  // micros
    Instant local = 0;
    Day day = 0;
    std::int64_t used = -1;  // the working micros of `day` before the start; -1: not counted yet
  };
  bool table_place(Instant start, Place& p) const;
  // ...and the deadline `d` from there (false: the table does not cover it).
  bool table_due(Place& p, Duration d, Instant& out) const;
  const Table* build_table(Day near) const;
  // Working time in `day` at or after `start`, and the instant `micros` of it is reached (or kNoInstant).
  std::pair<std::int64_t, Instant> consume_day(Day day, Instant start, std::int64_t micros, bool exact_zone) const;

  std::string id_;
  Zone zone_;
  std::uint8_t weekday_mask_ = 0;  // bit (iso weekday - 1)
  int weekday_count_ = 0;          // working weekdays in a week
  std::vector<Period> periods_;
  std::int64_t nominal_micros_ = 0;  // a working day's working time without a daylight-saving change
  absl::flat_hash_set<Day> holidays_;
  absl::flat_hash_set<Day> workdays_;
  // Sorted: the days a holiday takes off a working weekday, and the make-up days that are not
  // working weekdays anyway.
  std::vector<Day> off_;
  std::vector<Day> on_;
  // Whether each day of [bits_first_, bits_first_ + bits_days_) is worked (set when `bitmap_`; the days
  // outside follow the weekdays). Without it, is_working asks the hash sets.
  std::uint64_t week_pattern_[7] = {};  // window() without exceptions, by the weekday of its first day
  bool bitmap_ = false;
  Day bits_first_ = 0;
  std::uint64_t bits_days_ = 0;
  std::vector<std::uint64_t> bits_;

  // The years counted in closed form: [index_first_, index_end_).
  Day index_first_ = 0;
  Day index_end_ = 0;
  std::shared_ptr<Lazy> lazy_;  // shared by copies: the same calendar
};

}  // namespace gridroute::detail
