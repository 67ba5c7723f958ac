// Deadline arithmetic (SPEC §3.4) through gridroute::detail::Calendar, table-driven; the indexed `add` against
// the day-by-day `add_by_walking` on many random starts; and parse_rfc3339 / parse_duration /
// parse_clock edge cases. Output formatting (the jurisdiction's zone, DST offsets, fractions) is
// checked through decision lines, as a user sees it.
#include <random>
#include <string>
#include <vector>

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include "absl/time/time.h"
#include "gridroute/engine.hpp"
#include "gridroute/jsonl.hpp"
#include "gridroute/time.hpp"
#include "base/calendar.hpp"

namespace {
using gridroute::detail::Calendar;
using gridroute::detail::Duration;
using gridroute::Instant;

absl::TimeZone abseil_zone(const char* name) {
  absl::TimeZone tz;
  EXPECT_TRUE(absl::LoadTimeZone(name, &tz)) << name;
  return tz;
}
gridroute::detail::Zone zone(const char* name) { return gridroute::detail::Zone(abseil_zone(name)); }

Instant T(const std::string& text) {
  auto t = gridroute::parse_rfc3339(text);
  EXPECT_TRUE(t.ok()) << text << ": " << t.status();
  return t.ok() ? *t : gridroute::kNoInstant;
}

std::string show(Instant t, const absl::TimeZone& tz) {
  if (t == gridroute::kNoInstant) return "(none)";
  return absl::FormatTime("%Y-%m-%dT%H:%M:%E*S%Ez (%a)", absl::FromUnixMicros(t), tz);
}

Duration D(const std::string& text) {
  auto d = gridroute::detail::parse_duration(text);
  EXPECT_TRUE(d.ok()) << text;
  return d.ok() ? *d : Duration{};
}

int hm(int h, int m) { return h * 3600 + m * 60; }

absl::CivilDay day(int y, int m, int d) { return absl::CivilDay(y, m, d); }

// The `gov` calendar of the examples: 08:30–12:00 and 14:00–17:30, Monday to Friday, National Day 2026
// (10-01, 10-02, 10-05…10-07 off; make-up Sunday 09-27 and Saturday 10-10) and New Year 2027.
Calendar gov() {
  return Calendar("gov", zone("Asia/Shanghai"), {1, 2, 3, 4, 5}, {{hm(8, 30), hm(12, 0)}, {hm(14, 0), hm(17, 30)}},
                  {day(2026, 10, 1), day(2026, 10, 2), day(2026, 10, 5), day(2026, 10, 6), day(2026, 10, 7),
                   day(2027, 1, 1)},
                  {day(2026, 9, 27), day(2026, 10, 10)});
}
Calendar always(const char* tz = "Asia/Shanghai") {
  return Calendar("always", zone(tz), {1, 2, 3, 4, 5, 6, 7}, {{0, 86400}}, {}, {});
}
Calendar berlin_office() {
  return Calendar("berlin", zone("Europe/Berlin"), {1, 2, 3, 4, 5}, {{hm(9, 0), hm(17, 0)}}, {}, {});
}
Calendar evenings() {  // 20:00–24:00, Monday to Friday
  return Calendar("evenings", zone("Asia/Shanghai"), {1, 2, 3, 4, 5}, {{hm(20, 0), 86400}}, {}, {});
}
Calendar berlin_nights() {  // 01:00–04:00 every day: spans both DST switches
  return Calendar("nights", zone("Europe/Berlin"), {1, 2, 3, 4, 5, 6, 7}, {{hm(1, 0), hm(4, 0)}}, {}, {});
}

struct Case {
  const char* start;
  const char* duration;
  const char* due;
  const char* what;
};

void run_table(const Calendar& cal, const std::vector<Case>& cases) {
  for (const Case& c : cases) {
    SCOPED_TRACE(::testing::Message() << cal.id() << ": " << c.start << " + " << c.duration << " (" << c.what << ")");
    Instant start = T(c.start), due = T(c.due);
    Instant got = cal.add(start, D(c.duration));
    EXPECT_EQ(got, due) << "expected " << show(due, cal.time_zone()) << ", got " << show(got, cal.time_zone());
    Instant walked = cal.add_by_walking(start, D(c.duration));
    EXPECT_EQ(walked, due) << "add_by_walking: expected " << show(due, cal.time_zone()) << ", got "
                           << show(walked, cal.time_zone());
  }
}

TEST(Calendar, WorkingHoursOnAWeekday) {
  run_table(gov(), {
      {"2026-11-16T09:00:00+08:00", "1wh", "2026-11-16T10:00:00+08:00", "inside the morning"},
      {"2026-11-16T10:00:00+08:00", "2wh", "2026-11-16T12:00:00+08:00", "lands exactly on the lunch break"},
      {"2026-11-16T10:30:00+08:00", "2wh", "2026-11-16T14:30:00+08:00", "across lunch"},
      {"2026-11-16T11:00:00+08:00", "2wh", "2026-11-16T15:00:00+08:00", "across lunch"},
      {"2026-11-16T11:59:59+08:00", "1wh", "2026-11-16T14:59:59+08:00", "one second before lunch"},
      {"2026-11-16T12:00:00+08:00", "1wh", "2026-11-16T15:00:00+08:00", "starts at a period end"},
      {"2026-11-16T12:30:00+08:00", "1wh", "2026-11-16T15:00:00+08:00", "starts in the lunch break"},
      {"2026-11-16T14:00:00+08:00", "1wh", "2026-11-16T15:00:00+08:00", "starts at a period start"},
      {"2026-11-16T07:00:00+08:00", "1wh", "2026-11-16T09:30:00+08:00", "starts before opening"},
      {"2026-11-16T00:00:00+08:00", "3wh", "2026-11-16T11:30:00+08:00", "starts at midnight"},
      {"2026-11-16T08:30:00+08:00", "7wh", "2026-11-16T17:30:00+08:00", "a whole day lands on its end"},
      {"2026-11-16T08:30:00+08:00", "8wh", "2026-11-17T09:30:00+08:00", "a day and an hour"},
      {"2026-11-16T17:00:00+08:00", "1wh", "2026-11-17T09:00:00+08:00", "half an hour left today"},
      {"2026-11-16T17:30:00+08:00", "1wh", "2026-11-17T09:30:00+08:00", "starts at the day's end"},
      {"2026-11-16T18:00:00+08:00", "1wh", "2026-11-17T09:30:00+08:00", "starts after hours"},
      {"2026-11-16T23:59:59+08:00", "1wh", "2026-11-17T09:30:00+08:00", "starts late at night"},
      {"2026-11-16T15:30:00+08:00", "2wh", "2026-11-16T17:30:00+08:00", "lands on the day's end"},
      {"2026-11-16T08:30:00+08:00", "35wh", "2026-11-20T17:30:00+08:00", "a whole week"},
      {"2026-11-16T09:00:00.5+08:00", "1wh", "2026-11-16T10:00:00.5+08:00", "a fractional start"},
      {"2026-11-16T01:00:00Z", "1wh", "2026-11-16T10:00:00+08:00", "a start given in UTC"},
  });
}

TEST(Calendar, WorkingHoursOverWeekends) {
  run_table(gov(), {
      {"2026-11-20T16:30:00+08:00", "2wh", "2026-11-23T09:30:00+08:00", "Friday afternoon to Monday"},
      {"2026-11-20T17:30:00+08:00", "1wh", "2026-11-23T09:30:00+08:00", "Friday at closing"},
      {"2026-11-21T10:00:00+08:00", "1wh", "2026-11-23T09:30:00+08:00", "Saturday"},
      {"2026-11-22T23:59:00+08:00", "1wh", "2026-11-23T09:30:00+08:00", "Sunday night"},
      {"2026-11-20T15:00:00+08:00", "10wh", "2026-11-24T09:00:00+08:00", "over the weekend, 2.5 + 7 + 0.5"},
  });
}

TEST(Calendar, WorkingHoursOverNationalDay2026) {
  run_table(gov(), {
      {"2026-09-30T17:00:00+08:00", "1wh", "2026-10-08T09:00:00+08:00", "the eve of the holidays"},
      {"2026-10-01T10:00:00+08:00", "1wh", "2026-10-08T09:30:00+08:00", "a holiday"},
      {"2026-10-04T10:00:00+08:00", "2wh", "2026-10-08T10:30:00+08:00", "a Sunday inside the holidays"},
      {"2026-09-26T10:00:00+08:00", "1wh", "2026-09-27T09:30:00+08:00", "Saturday before the make-up Sunday"},
      {"2026-09-27T16:30:00+08:00", "2wh", "2026-09-28T09:30:00+08:00", "on the make-up Sunday"},
      {"2026-10-09T17:00:00+08:00", "1wh", "2026-10-10T09:00:00+08:00", "into the make-up Saturday"},
      {"2026-10-10T17:00:00+08:00", "1wh", "2026-10-12T09:00:00+08:00", "from the make-up Saturday to Monday"},
  });
}

TEST(Calendar, WorkingHoursOverNewYear) {
  run_table(gov(), {
      {"2026-12-31T17:00:00+08:00", "1wh", "2027-01-04T09:00:00+08:00", "New Year's Day is a Friday holiday"},
      {"2026-12-31T23:00:00+08:00", "7wh", "2027-01-04T17:30:00+08:00", "a whole day after New Year"},
      {"2027-01-01T00:00:00+08:00", "1wh", "2027-01-04T09:30:00+08:00", "New Year's Day itself"},
  });
}

TEST(Calendar, WorkingDays) {
  run_table(gov(), {
      {"2026-11-16T10:00:00+08:00", "1wd", "2026-11-17T17:30:00+08:00", "Monday → Tuesday"},
      {"2026-11-16T00:00:00+08:00", "1wd", "2026-11-17T17:30:00+08:00", "the start's date is not counted"},
      {"2026-11-16T23:59:59+08:00", "1wd", "2026-11-17T17:30:00+08:00", "late start, same date"},
      {"2026-11-20T09:15:00+08:00", "1wd", "2026-11-23T17:30:00+08:00", "Friday → Monday (SPEC §4 sample)"},
      {"2026-11-21T10:00:00+08:00", "1wd", "2026-11-23T17:30:00+08:00", "Saturday"},
      {"2026-11-22T10:00:00+08:00", "1wd", "2026-11-23T17:30:00+08:00", "Sunday"},
      {"2026-11-20T09:15:00+08:00", "3wd", "2026-11-25T17:30:00+08:00", "three days over a weekend"},
      {"2026-11-16T10:00:00+08:00", "20wd", "2026-12-14T17:30:00+08:00", "twenty days"},
      {"2026-09-30T10:00:00+08:00", "1wd", "2026-10-08T17:30:00+08:00", "over National Day"},
      {"2026-09-26T10:00:00+08:00", "1wd", "2026-09-27T17:30:00+08:00", "the make-up Sunday is the 1st day"},
      {"2026-09-25T10:00:00+08:00", "1wd", "2026-09-27T17:30:00+08:00", "Friday → make-up Sunday"},
      {"2026-09-25T10:00:00+08:00", "2wd", "2026-09-28T17:30:00+08:00", "… then Monday"},
      {"2026-10-09T10:00:00+08:00", "1wd", "2026-10-10T17:30:00+08:00", "Friday → make-up Saturday"},
      {"2026-09-29T10:00:00+08:00", "5wd", "2026-10-12T17:30:00+08:00", "09-30, 10-08, 10-09, 10-10, 10-12"},
      {"2026-10-01T10:00:00+08:00", "1wd", "2026-10-08T17:30:00+08:00", "from a holiday"},
      {"2026-12-31T10:00:00+08:00", "1wd", "2027-01-04T17:30:00+08:00", "over New Year"},
      {"2026-12-30T10:00:00+08:00", "2wd", "2027-01-04T17:30:00+08:00", "12-31, then 01-04"},
      // The start's local date is taken in the calendar's zone: Friday 01:00 in Shanghai is Thursday in UTC.
      {"2026-11-19T17:00:00Z", "1wd", "2026-11-23T17:30:00+08:00", "a UTC start on the local Friday"},
  });
}

TEST(Calendar, PeriodsEndingAt24) {
  run_table(always(), {
      {"2026-11-20T10:00:00+08:00", "1wd", "2026-11-22T00:00:00+08:00", "1wd ends at Saturday 24:00"},
      {"2026-11-20T23:30:00+08:00", "1wh", "2026-11-21T00:30:00+08:00", "across midnight"},
      {"2026-11-20T23:00:00+08:00", "1wh", "2026-11-21T00:00:00+08:00", "lands exactly on 24:00"},
      {"2026-11-16T00:00:00+08:00", "24wh", "2026-11-17T00:00:00+08:00", "a whole day"},
      {"2026-11-16T00:00:00+08:00", "48wh", "2026-11-18T00:00:00+08:00", "two whole days"},
      {"2026-12-31T12:00:00+08:00", "24wh", "2027-01-01T12:00:00+08:00", "over the year end"},
  });
  run_table(evenings(), {
      {"2026-11-20T23:30:00+08:00", "1wh", "2026-11-23T20:30:00+08:00", "Friday night to Monday evening"},
      {"2026-11-16T20:00:00+08:00", "4wh", "2026-11-17T00:00:00+08:00", "a period ending at 24:00, not the next start"},
      {"2026-11-16T12:00:00+08:00", "1wd", "2026-11-18T00:00:00+08:00", "1wd: Tuesday 24:00"},
      {"2026-11-20T12:00:00+08:00", "1wd", "2026-11-24T00:00:00+08:00", "1wd from Friday: Monday 24:00"},
  });
}

TEST(Calendar, ElapsedDurationsIgnoreTheCalendar) {
  run_table(gov(), {
      {"2026-11-21T23:50:00+08:00", "30m", "2026-11-22T00:20:00+08:00", "minutes on a Saturday night"},
      {"2026-10-01T10:00:00+08:00", "2h", "2026-10-01T12:00:00+08:00", "hours on a holiday"},
      {"2026-11-20T17:00:00+08:00", "1d", "2026-11-21T17:00:00+08:00", "a day is 24 hours"},
      {"2026-11-20T17:00:00+08:00", "3d", "2026-11-23T17:00:00+08:00", "three days"},
      {"2026-11-20T17:00:00.25+08:00", "1m", "2026-11-20T17:01:00.25+08:00", "a fraction is kept"},
  });
  // Across a DST switch, days are 24 elapsed hours, not the same wall-clock time.
  run_table(berlin_office(), {
      {"2026-03-28T12:00:00+01:00", "1d", "2026-03-29T13:00:00+02:00", "spring forward"},
      {"2026-10-24T12:00:00+02:00", "1d", "2026-10-25T11:00:00+01:00", "fall back"},
      {"2026-03-29T01:30:00+01:00", "1h", "2026-03-29T03:30:00+02:00", "the skipped hour"},
      {"2026-10-25T02:30:00+02:00", "1h", "2026-10-25T02:30:00+01:00", "the repeated hour"},
  });
}

TEST(Calendar, BerlinAcrossDaylightSavingSwitches) {
  run_table(berlin_office(), {
      {"2026-03-27T16:00:00+01:00", "2wh", "2026-03-30T10:00:00+02:00", "Friday CET to Monday CEST"},
      {"2026-03-27T10:00:00+01:00", "1wd", "2026-03-30T17:00:00+02:00", "1wd over the spring switch"},
      {"2026-10-23T16:00:00+02:00", "2wh", "2026-10-26T10:00:00+01:00", "Friday CEST to Monday CET"},
      {"2026-10-23T10:00:00+02:00", "1wd", "2026-10-26T17:00:00+01:00", "1wd over the autumn switch"},
      {"2026-03-30T08:00:00+02:00", "8wh", "2026-03-30T17:00:00+02:00", "a whole CEST day"},
  });
  run_table(always("Europe/Berlin"), {
      // 2026-03-29 has 23 hours; 2026-10-25 has 25.
      {"2026-03-28T12:00:00+01:00", "24wh", "2026-03-29T13:00:00+02:00", "24 working hours over the short day"},
      {"2026-03-29T00:00:00+01:00", "23wh", "2026-03-30T00:00:00+02:00", "the short day is 23 hours"},
      {"2026-03-28T12:00:00+01:00", "1wd", "2026-03-30T00:00:00+02:00", "1wd ends at Sunday 24:00 CEST"},
      {"2026-10-25T00:00:00+02:00", "24wh", "2026-10-25T23:00:00+01:00", "24 hours inside the long day"},
      {"2026-10-25T00:00:00+02:00", "25wh", "2026-10-26T00:00:00+01:00", "the long day is 25 hours"},
      {"2026-10-24T12:00:00+02:00", "1wd", "2026-10-26T00:00:00+01:00", "1wd ends at Sunday 24:00 CET"},
  });
  run_table(berlin_nights(), {
      // 01:00–04:00 local is 2 real hours on 03-29 and 4 on 10-25.
      {"2026-03-29T01:00:00+01:00", "2wh", "2026-03-29T04:00:00+02:00", "the short night"},
      {"2026-03-29T01:00:00+01:00", "3wh", "2026-03-30T02:00:00+02:00", "the short night, then Monday"},
      {"2026-10-25T01:00:00+02:00", "4wh", "2026-10-25T04:00:00+01:00", "the long night"},
      {"2026-10-25T01:00:00+02:00", "3wh", "2026-10-25T03:00:00+01:00", "inside the long night"},
  });
}

TEST(Calendar, IsWorkingDay) {
  Calendar g = gov();
  EXPECT_TRUE(g.is_working_day(day(2026, 11, 16)));
  EXPECT_FALSE(g.is_working_day(day(2026, 11, 21)));
  EXPECT_FALSE(g.is_working_day(day(2026, 11, 22)));
  EXPECT_FALSE(g.is_working_day(day(2026, 10, 1)));
  EXPECT_FALSE(g.is_working_day(day(2026, 10, 3)));
  EXPECT_TRUE(g.is_working_day(day(2026, 9, 27)));
  EXPECT_TRUE(g.is_working_day(day(2026, 10, 10)));
  EXPECT_FALSE(g.is_working_day(day(2027, 1, 1)));
  EXPECT_TRUE(g.is_working_day(day(2027, 1, 4)));
  // A date both a holiday and a make-up day is worked (SPEC: "in workdays, or …").
  Calendar both("both", zone("UTC"), {1, 2, 3, 4, 5}, {{hm(9, 0), hm(17, 0)}}, {day(2026, 11, 21)}, {day(2026, 11, 21)});
  EXPECT_TRUE(both.is_working_day(day(2026, 11, 21)));
}

TEST(Calendar, NoWorkingTimeLeftGivesNoDeadline) {
  // Only a make-up day in the past: nothing to count on after it.
  Calendar c("past", zone("UTC"), {}, {{hm(9, 0), hm(17, 0)}}, {}, {day(2020, 1, 4)});
  EXPECT_EQ(c.add(T("2020-01-03T10:00:00Z"), D("1wd")), T("2020-01-04T17:00:00Z"));
  EXPECT_EQ(c.add(T("2020-01-03T10:00:00Z"), D("9wh")), gridroute::kNoInstant);
  EXPECT_EQ(c.add(T("2026-01-01T10:00:00Z"), D("1wd")), gridroute::kNoInstant);
  EXPECT_EQ(c.add(T("2026-01-01T10:00:00Z"), D("1wh")), gridroute::kNoInstant);
  EXPECT_EQ(c.add(T("2026-01-01T10:00:00Z"), D("1h")), T("2026-01-01T11:00:00Z"));
}

TEST(Calendar, OutsideThePrecomputedYears) {
  // Starts before 2000 and near 2100 must agree with the walk.
  run_table(gov(), {
      {"1999-12-31T17:00:00+08:00", "1wh", "2000-01-03T09:00:00+08:00", "before the index"},
      {"1999-12-30T10:00:00+08:00", "2wd", "2000-01-03T17:30:00+08:00", "before the index, working days"},
  });
  Calendar g = gov();
  for (const char* start : {"2099-12-20T10:00:00+08:00", "2099-12-31T16:00:00+08:00", "2100-01-05T10:00:00+08:00",
                            "1970-01-01T00:00:00Z", "1999-12-31T23:59:59+08:00"}) {
    for (const char* d : {"1wh", "9wh", "40wh", "1wd", "3wd", "25wd"}) {
      SCOPED_TRACE(std::string(start) + " + " + d);
      EXPECT_EQ(g.add(T(start), D(d)), g.add_by_walking(T(start), D(d)));
      EXPECT_NE(g.add(T(start), D(d)), gridroute::kNoInstant);
    }
  }
}

// A count looks for its working time in the ~30 years (11,000 days) after the start's day, whichever way
// it counts: before 2000 (walked), in 2000-2099 (closed form) or on past 2099 (walked on from 2100). One
// working hour a week: 500 of them are within reach from either side of 2000-01-01, 2000 (38 years) from
// neither, though both starts have the same next working period.
TEST(Calendar, EveryCountHasTheSameHorizon) {
  Calendar weekly("weekly", zone("UTC"), {1}, {{hm(8, 0), hm(9, 0)}}, {}, {});
  for (const char* start : {"1999-12-31T00:00:00Z", "2000-01-01T00:00:00Z"}) {
    SCOPED_TRACE(start);
    EXPECT_EQ(weekly.add(T(start), D("500wh")), T("2009-07-27T09:00:00Z"));
    EXPECT_EQ(weekly.add(T(start), D("500wd")), T("2009-07-27T09:00:00Z"));
    EXPECT_EQ(weekly.add(T(start), D("2000wh")), gridroute::kNoInstant);
    EXPECT_EQ(weekly.add(T(start), D("2000wd")), gridroute::kNoInstant);
    for (const char* d : {"500wh", "500wd", "1500wh", "1500wd", "1580wh", "1580wd", "2000wh"})
      EXPECT_EQ(weekly.add(T(start), D(d)), weekly.add_by_walking(T(start), D(d))) << d;
  }
  // From 2080, a count that runs past 2099 stops at the same horizon.
  EXPECT_EQ(weekly.add(T("2080-01-01T00:00:00Z"), D("2000wh")), gridroute::kNoInstant);
  EXPECT_EQ(weekly.add(T("2080-01-01T00:00:00Z"), D("2000wd")), gridroute::kNoInstant);
  EXPECT_EQ(weekly.add(T("2080-01-01T00:00:00Z"), D("1500wh")),
            weekly.add_by_walking(T("2080-01-01T00:00:00Z"), D("1500wh")));
  EXPECT_NE(weekly.add(T("2080-01-01T00:00:00Z"), D("1500wh")), gridroute::kNoInstant);
}

// The indexed `add` equals the day-by-day walk on many random starts and durations.
TEST(Calendar, AddEqualsAddByWalkingOnRandomInputs) {
  std::vector<Calendar> cals = {gov(), always(), berlin_office(), always("Europe/Berlin"), evenings(), berlin_nights(),
                                Calendar("sparse", zone("America/New_York"), {3}, {{hm(10, 0), hm(10, 30)}, {hm(15, 0), hm(16, 0)}},
                                         {day(2026, 11, 25)}, {day(2026, 11, 28), day(2027, 3, 13)})};
  std::mt19937_64 rng(20261118);
  const Instant lo = T("2025-06-01T00:00:00Z"), hi = T("2028-06-01T00:00:00Z");
  std::uniform_int_distribution<Instant> when(lo, hi);
  std::uniform_int_distribution<int> kind(0, 9), hours(1, 60), days(1, 25), minutes(1, 3000);
  int checked = 0;
  for (const Calendar& cal : cals) {
    for (int i = 0; i < 600; ++i) {
      Instant start = when(rng);
      // Some starts before the precomputed years (Shanghai kept DST in 1986–1991) and near their end.
      if (i % 11 == 0) start = T("1986-01-01T00:00:00Z") + start % (6LL * 365 * 86400 * gridroute::kMicrosPerSecond);
      if (i % 13 == 0) start = T("2099-06-01T00:00:00Z") + start % (2LL * 365 * 86400 * gridroute::kMicrosPerSecond);
      // Often start on a whole minute or exactly on a period boundary.
      if (i % 3 == 0) start -= start % (60 * gridroute::kMicrosPerSecond);
      if (i % 7 == 0) start -= start % (1800 * gridroute::kMicrosPerSecond);
      Duration d;
      int k = kind(rng);
      if (k < 5) d = Duration{Duration::Kind::working_hours, hours(rng)};
      else if (k < 8) d = Duration{Duration::Kind::working_days, days(rng)};
      else if (k == 8) d = Duration{Duration::Kind::minutes, minutes(rng)};
      else d = Duration{Duration::Kind::days, days(rng)};
      // Now and then a long one: past the 64-day windows, and (on the five-day week, within the walk's
      // horizon) past the counts they take.
      if (i % 17 == 0) d.n *= 12;
      else if (i % 19 == 0 && &cal == &cals.front()) d.n *= 60;
      Instant a = cal.add(start, d), w = cal.add_by_walking(start, d);
      ASSERT_EQ(a, w) << cal.id() << ": " << show(start, cal.time_zone()) << " + " << gridroute::detail::to_string(d)
                      << ": add " << show(a, cal.time_zone()) << ", walk " << show(w, cal.time_zone());
      ASSERT_NE(a, gridroute::kNoInstant);
      ASSERT_GT(a, start);
      ++checked;
    }
  }
  EXPECT_EQ(checked, 600 * static_cast<int>(cals.size()));
}

// Holidays and make-up days that run for decades (no table of working days: they span more than the
// bitmap's years) used to be counted a day at a time from a guess of whole weeks: 5 s for 16,000
// deadlines over 74 years of holidays. Past 64 single days the count searches by doubling steps and
// halves. Deadlines still equal the day-by-day walk, where the guess falls short and where it overshoots.
TEST(Calendar, DecadesOfHolidaysOrMakeUpDaysEqualTheWalk) {
  std::vector<absl::CivilDay> holidays, makeup;
  // Every weekday a holiday for 40 years from 2026, but one working weekday in 97.
  int n = 0;
  for (absl::CivilDay d = day(2026, 1, 1); d < day(2066, 1, 1); ++d)
    if (absl::GetWeekday(d) <= absl::Weekday::friday && ++n % 97 != 0) holidays.push_back(d);
  // Every weekend a make-up day for 40 years: the guess of whole weeks falls far past the count.
  for (absl::CivilDay d = day(2026, 1, 1); d < day(2066, 1, 1); ++d)
    if (absl::GetWeekday(d) >= absl::Weekday::saturday) makeup.push_back(d);
  const std::vector<Calendar> cals = {
      Calendar("holidays", zone("Asia/Shanghai"), {1, 2, 3, 4, 5}, {{hm(9, 0), hm(17, 0)}}, holidays, {}),
      Calendar("makeup", zone("Asia/Shanghai"), {1, 2, 3, 4, 5}, {{hm(9, 0), hm(17, 0)}}, {}, makeup),
      Calendar("makeup-ny", zone("America/New_York"), {1}, {{hm(9, 0), hm(17, 0)}}, {}, makeup)};
  std::mt19937_64 rng(20261207);
  std::uniform_int_distribution<Instant> when(T("2025-06-01T00:00:00Z"), T("2067-06-01T00:00:00Z"));
  std::uniform_int_distribution<int> kind(0, 3), count(1, 400);
  int found = 0;
  for (const Calendar& cal : cals)
    for (int i = 0; i < 300; ++i) {
      const Instant start = when(rng);
      const int k = kind(rng);
      const Duration d{k < 2 ? Duration::Kind::working_days : Duration::Kind::working_hours, count(rng) * (k == 1 ? 8 : 1)};
      const Instant a = cal.add(start, d), w = cal.add_by_walking(start, d);
      ASSERT_EQ(a, w) << cal.id() << ": " << show(start, cal.time_zone()) << " + " << gridroute::detail::to_string(d)
                      << ": add " << show(a, cal.time_zone()) << ", walk " << show(w, cal.time_zone());
      found += a != gridroute::kNoInstant;
    }
  EXPECT_GT(found, 600);
}

// In a zone without daylight saving, the first deadline a calendar counts numbers the working days of
// the years around it, and later deadlines among them are read from that table. Whichever day comes
// first, a deadline equals the day-by-day walk — inside the table, at both of its edges and past them —
// on calendars with holidays and make-up days, periods that end at midnight, half-hour and negative
// offsets, and starts on period boundaries.
TEST(Calendar, TableOfWorkingDaysEqualsTheWalk) {
  auto makers = std::vector<Calendar (*)()>{
      gov, [] { return always(); }, evenings,
      [] {
        return Calendar("kolkata", zone("Asia/Kolkata"), {1, 2, 3, 4, 5, 6}, {{hm(9, 30), hm(13, 0)}, {hm(13, 45), hm(18, 15)}},
                        {day(2026, 1, 26), day(2026, 8, 15), day(2027, 1, 26)}, {day(2026, 3, 1)});
      },
      [] {  // Phoenix keeps -07:00; two periods, the second to midnight
        return Calendar("phoenix", zone("America/Phoenix"), {1, 2, 3, 4, 5}, {{0, hm(2, 0)}, {hm(22, 0), 86400}},
                        {day(2026, 12, 25)}, {day(2026, 12, 26)});
      }};
  std::mt19937_64 rng(20261205);
  const std::int64_t kDay = 86400LL * gridroute::kMicrosPerSecond;
  std::uniform_int_distribution<int> kind(0, 1), hours(1, 80), days(1, 40);
  int checked = 0;
  for (auto make : makers) {
    for (const char* first : {"2026-11-20T10:00:00+08:00", "2003-02-01T00:00:00Z", "2097-06-30T12:00:00Z"}) {
      const Calendar cal = make();  // a new calendar: its table is made around `first`
      const Instant f = T(first);
      ASSERT_EQ(cal.add(f, D("2wh")), cal.add_by_walking(f, D("2wh"))) << cal.id() << " from " << first;
      // Starts from four years before the first day to seven after it: the table covers three and six.
      std::uniform_int_distribution<Instant> when(f - 4 * 365 * kDay, f + 7 * 365 * kDay);
      for (int i = 0; i < 400; ++i) {
        Instant start = when(rng);
        if (i % 3 == 0) start -= start % (60 * gridroute::kMicrosPerSecond);
        if (i % 5 == 0) start -= start % (1800 * gridroute::kMicrosPerSecond);
        const Duration d = kind(rng) == 0 ? Duration{Duration::Kind::working_hours, hours(rng)}
                                          : Duration{Duration::Kind::working_days, days(rng)};
        const Instant a = cal.add(start, d), w = cal.add_by_walking(start, d);
        ASSERT_EQ(a, w) << cal.id() << " (first " << first << "): " << show(start, cal.time_zone()) << " + "
                        << gridroute::detail::to_string(d) << ": add " << show(a, cal.time_zone()) << ", walk "
                        << show(w, cal.time_zone());
        ++checked;
      }
    }
  }
  EXPECT_EQ(checked, 400 * 3 * static_cast<int>(makers.size()));
}

// A decision's two deadlines are counted from one start (add_two): each equals its own count, whatever
// the two kinds, in fixed zones (the table's way) and with daylight saving (the counts' way), inside the
// table and past it.
TEST(Calendar, TwoDeadlinesFromOneStartEqualTheirOwnCounts) {
  auto makers = std::vector<Calendar (*)()>{
      gov, evenings,
      [] {
        return Calendar("kolkata", zone("Asia/Kolkata"), {1, 2, 3, 4, 5, 6}, {{hm(9, 30), hm(13, 0)}, {hm(13, 45), hm(18, 15)}},
                        {day(2026, 1, 26), day(2026, 8, 15)}, {day(2026, 3, 1)});
      },
      [] {  // daylight saving: no table
        return Calendar("berlin", zone("Europe/Berlin"), {1, 2, 3, 4, 5}, {{hm(8, 0), hm(12, 0)}, {hm(13, 0), hm(17, 0)}},
                        {day(2026, 12, 25)}, {});
      }};
  std::mt19937_64 rng(20261206);
  const std::int64_t kDay = 86400LL * gridroute::kMicrosPerSecond;
  std::uniform_int_distribution<int> kind(0, 4), n(1, 60);
  std::uniform_int_distribution<Instant> when(T("2020-01-01T00:00:00Z"), T("2034-01-01T00:00:00Z"));
  auto any = [&] {
    constexpr Duration::Kind kinds[] = {Duration::Kind::working_hours, Duration::Kind::working_days,
                                        Duration::Kind::working_hours, Duration::Kind::hours, Duration::Kind::days};
    return Duration{kinds[kind(rng)], n(rng)};
  };
  int checked = 0;
  for (auto make : makers) {
    const Calendar cal = make();
    for (int i = 0; i < 1500; ++i) {
      Instant start = when(rng);
      if (i % 4 == 0) start -= start % (1800 * gridroute::kMicrosPerSecond);
      if (i == 0) start = T("2026-11-20T10:00:00Z") + 4000 * kDay;  // past the table of a first day near 2026
      const Duration a = any(), b = any();
      Instant due_a = 0, due_b = 0;
      cal.add_two(start, a, b, due_a, due_b);
      ASSERT_EQ(due_a, cal.add(start, a)) << cal.id() << ": " << show(start, cal.time_zone()) << " + "
                                          << gridroute::detail::to_string(a) << " (with " << gridroute::detail::to_string(b) << ")";
      ASSERT_EQ(due_b, cal.add(start, b)) << cal.id() << ": " << show(start, cal.time_zone()) << " + "
                                          << gridroute::detail::to_string(b) << " (with " << gridroute::detail::to_string(a) << ")";
      ASSERT_EQ(due_a, cal.add_by_walking(start, a)) << cal.id();
      ++checked;
    }
  }
  EXPECT_EQ(checked, 1500 * static_cast<int>(makers.size()));
}

// The table is counted in what a calendar holds, once made, and stays small: a few years of days.
TEST(Calendar, TableOfWorkingDaysIsCountedAndSmall) {
  const Calendar cal = gov();
  const std::size_t before = cal.bytes();
  EXPECT_EQ(cal.add(T("2026-09-30T16:00:00+08:00"), D("3wd")), T("2026-10-10T17:30:00+08:00"));  // the make-up Saturday
  const std::size_t after = cal.bytes();
  EXPECT_GT(after, before);
  EXPECT_LE(after - before, 16u * 1024);
}

// The tables of a process share one budget (32 MB), and a calendar gives its table's share back when
// its last copy goes: a platform that reloads its bundle every minute keeps the tables of the new one.
TEST(Calendar, TablesOfWorkingDaysGiveTheirBudgetBack) {
  for (int reload = 0; reload < 3000; ++reload) {  // 3,000 × 13 KB: past the budget were it kept
    const Calendar cal = gov();
    ASSERT_EQ(cal.add(T("2026-11-20T09:15:00+08:00"), D("3wd")), T("2026-11-25T17:30:00+08:00"));
  }
  const Calendar cal = gov();
  const std::size_t before = cal.bytes();
  cal.add(T("2026-11-20T09:15:00+08:00"), D("3wd"));
  EXPECT_GT(cal.bytes(), before + 8u * 1024) << "the budget was not given back: no table made";
}

// A deadline never moves earlier when the start moves later (on random pairs).
TEST(Calendar, DeadlinesAreMonotonicInTheStart) {
  Calendar g = gov();
  std::mt19937_64 rng(7);
  std::uniform_int_distribution<Instant> when(T("2026-09-01T00:00:00Z"), T("2027-02-01T00:00:00Z"));
  std::uniform_int_distribution<Instant> gap(0, 3 * 86400 * gridroute::kMicrosPerSecond);
  for (int i = 0; i < 500; ++i) {
    Instant a = when(rng), b = a + gap(rng);
    for (const char* d : {"2wh", "1wd", "5wd", "13wh"}) {
      ASSERT_LE(g.add(a, D(d)), g.add(b, D(d))) << show(a, g.time_zone()) << " vs " << show(b, g.time_zone()) << " + " << d;
    }
  }
}

TEST(Calendar, ShanghaiDaylightSavingBefore2000) {
  // Asia/Shanghai observed DST from 1986 to 1991: 1988-04-17 to 1988-09-11 was +09:00.
  Calendar c("gov88", zone("Asia/Shanghai"), {1, 2, 3, 4, 5, 6, 7}, {{hm(9, 0), hm(17, 0)}}, {}, {});
  run_table(c, {
      {"1988-07-01T08:00:00+09:00", "1wh", "1988-07-01T10:00:00+09:00", "a summer day of 1988 is in +09:00"},
      {"1988-07-01T12:00:00+09:00", "1wd", "1988-07-02T17:00:00+09:00", "1wd in summer 1988"},
      {"1988-12-01T12:00:00+08:00", "1wd", "1988-12-02T17:00:00+08:00", "1wd in winter 1988"},
  });
}

// ---------------------------------------------------------------- formatting

TEST(Rfc3339, FormatsInTheZone) {
  EXPECT_EQ(gridroute::detail::format_rfc3339(T("2026-11-20T01:15:00Z"), zone("Asia/Shanghai")), "2026-11-20T09:15:00+08:00");
  EXPECT_EQ(gridroute::detail::format_rfc3339(T("2026-01-15T12:00:00Z"), zone("Europe/Berlin")), "2026-01-15T13:00:00+01:00");
  EXPECT_EQ(gridroute::detail::format_rfc3339(T("2026-07-15T12:00:00Z"), zone("Europe/Berlin")), "2026-07-15T14:00:00+02:00");
  EXPECT_EQ(gridroute::detail::format_rfc3339(T("2026-03-29T01:00:00Z"), zone("Europe/Berlin")), "2026-03-29T03:00:00+02:00");
  EXPECT_EQ(gridroute::detail::format_rfc3339(T("2026-10-25T00:30:00Z"), zone("Europe/Berlin")), "2026-10-25T02:30:00+02:00");
  EXPECT_EQ(gridroute::detail::format_rfc3339(T("2026-10-25T01:30:00Z"), zone("Europe/Berlin")), "2026-10-25T02:30:00+01:00");
  EXPECT_EQ(gridroute::detail::format_rfc3339(T("2026-11-20T01:15:00Z"), zone("Asia/Kolkata")), "2026-11-20T06:45:00+05:30");
  EXPECT_EQ(gridroute::detail::format_rfc3339(T("2026-11-20T01:15:00Z"), zone("Asia/Kathmandu")), "2026-11-20T07:00:00+05:45");
  EXPECT_EQ(gridroute::detail::format_rfc3339(T("2026-07-01T12:00:00Z"), zone("America/St_Johns")), "2026-07-01T09:30:00-02:30");
  EXPECT_EQ(gridroute::detail::format_rfc3339(T("1988-07-01T12:00:00Z"), zone("Asia/Shanghai")), "1988-07-01T21:00:00+09:00");
  EXPECT_EQ(gridroute::detail::format_rfc3339(T("2026-11-20T01:15:00.5Z"), zone("Asia/Shanghai")), "2026-11-20T09:15:00.5+08:00");
  EXPECT_EQ(gridroute::detail::format_rfc3339(T("2026-11-20T01:15:00.000001Z"), zone("Asia/Shanghai")),
            "2026-11-20T09:15:00.000001+08:00");
  EXPECT_EQ(gridroute::detail::format_rfc3339(T("1969-12-31T23:59:59.5Z"), zone("Asia/Shanghai")), "1970-01-01T07:59:59.5+08:00");
  EXPECT_EQ(gridroute::detail::format_rfc3339(T("2099-12-31T23:59:59+08:00"), zone("Asia/Shanghai")), "2099-12-31T23:59:59+08:00");
  EXPECT_EQ(gridroute::detail::format_rfc3339(T("2100-03-01T00:00:00+08:00"), zone("Asia/Shanghai")), "2100-03-01T00:00:00+08:00");
}

TEST(Rfc3339, FormatThenParseIsTheIdentity) {
  std::mt19937_64 rng(3339);
  std::uniform_int_distribution<Instant> when(T("1980-01-01T00:00:00Z"), T("2110-01-01T00:00:00Z"));
  for (const char* name : {"Asia/Shanghai", "Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "UTC"}) {
    gridroute::detail::Zone z = zone(name);
    for (int i = 0; i < 2000; ++i) {
      Instant t = when(rng);
      if (i % 2) t -= t % gridroute::kMicrosPerSecond;
      std::string s = gridroute::detail::format_rfc3339(t, z);
      auto back = gridroute::parse_rfc3339(s);
      ASSERT_TRUE(back.ok()) << s;
      ASSERT_EQ(*back, t) << name << ": " << s;
      ASSERT_EQ(s, absl::FormatTime("%Y-%m-%dT%H:%M:%E*S%Ez", absl::FromUnixMicros(t), abseil_zone(name))) << name;
    }
  }
}

// ---------------------------------------------------------------- parsing

TEST(Rfc3339, ParsesInstants) {
  EXPECT_EQ(T("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(T("1970-01-01T08:00:00+08:00"), 0);
  EXPECT_EQ(T("1969-12-31T19:00:00-05:00"), 0);
  EXPECT_EQ(T("1970-01-01T00:00:00z"), 0);
  EXPECT_EQ(T("1970-01-01t00:00:00Z"), 0);
  EXPECT_EQ(T("1970-01-01T00:00:01.5Z"), 1'500'000);
  EXPECT_EQ(T("1970-01-01T00:00:00.000001Z"), 1);
  EXPECT_EQ(T("1969-12-31T23:59:59.5Z"), -500'000);
  EXPECT_EQ(T("2026-11-20T09:15:00+08:00"), T("2026-11-20T01:15:00Z"));
  EXPECT_EQ(T("2026-11-20T09:15:00+05:30"), T("2026-11-20T03:45:00Z"));
  EXPECT_EQ(T("2024-02-29T12:00:00Z") + 86400LL * 1'000'000, T("2024-03-01T12:00:00Z"));
  EXPECT_EQ(T("2026-12-31T23:59:59+00:00") + 1'000'000, T("2027-01-01T00:00:00Z"));
  EXPECT_EQ(T("2026-11-20T09:15:00.123456789+08:00") - T("2026-11-20T09:15:00+08:00"), 123456)
      << "digits past the microsecond are dropped";
}

TEST(Rfc3339, RejectsBadTimes) {
  for (const char* bad : {"", "2026-11-20", "2026-11-20T09:15:00", "2026-11-20T09:15+08:00", "2026-11-20T09:15:00+0800",
                          "2026-11-20T09:15:00+08", "2026-11-20T09:15:00 +08:00", "2026-11-20T09:15:00+08:00 ",
                          " 2026-11-20T09:15:00+08:00", "2026-11-20T24:00:00Z", "2026-11-20T23:60:00Z",
                          "2026-02-29T10:00:00Z", "2026-13-01T10:00:00Z", "2026-00-10T10:00:00Z", "2026-11-00T10:00:00Z",
                          "2026-11-31T10:00:00Z", "2026-1-20T09:15:00Z", "2026-11-20T09:15:00.Z", "2026-11-20T09:15:00+24:00",
                          "2026-11-20T09:15:00+08:60", "2026-11-20X09:15:00Z", "2026/11/20T09:15:00Z", "now"}) {
    EXPECT_FALSE(gridroute::parse_rfc3339(bad).ok()) << "accepted \"" << bad << "\"";
  }
}

TEST(Durations, Parse) {
  struct Row {
    const char* text;
    Duration::Kind kind;
    std::int64_t n;
  };
  for (const Row& r : std::vector<Row>{{"30m", Duration::Kind::minutes, 30},
                                       {"2h", Duration::Kind::hours, 2},
                                       {"1d", Duration::Kind::days, 1},
                                       {"4wh", Duration::Kind::working_hours, 4},
                                       {"3wd", Duration::Kind::working_days, 3},
                                       {"1440m", Duration::Kind::minutes, 1440}}) {
    auto d = gridroute::detail::parse_duration(r.text);
    ASSERT_TRUE(d.ok()) << r.text;
    EXPECT_EQ(d->kind, r.kind) << r.text;
    EXPECT_EQ(d->n, r.n) << r.text;
  }
  EXPECT_EQ(gridroute::detail::to_string(D("4wh")), "4wh");
  EXPECT_EQ(gridroute::detail::to_string(D("3wd")), "3wd");
  EXPECT_EQ(gridroute::detail::to_string(D("30m")), "30m");
}

TEST(Durations, RejectsBadDurations) {
  for (const char* bad : {"", "0m", "0wd", "-1h", "+1h", "1", "h", "wh", "1.5h", "1 h", " 1h", "1h ", "1H", "1w", "1whh",
                          "1dw", "1s", "1y", "1hm", "h1", "99999999999999999999h", "100000000000m", "1000000d"}) {
    EXPECT_FALSE(gridroute::detail::parse_duration(bad).ok()) << "accepted \"" << bad << "\"";
  }
}

// A compiled bundle file carries durations as numbers: it is opened only when each is one the parser could
// have returned, so adding one to an instant never overflows (a fuzzed file once held 3e16 days).
TEST(Durations, BoundsOfACompiledFileAreTheParsersBounds) {
  using gridroute::detail::duration_in_bounds;
  for (const char* good : {"1m", "52704000m", "878400h", "36600d", "878400wh", "36600wd"}) {
    EXPECT_TRUE(duration_in_bounds(D(good))) << good;
  }
  EXPECT_FALSE(duration_in_bounds(Duration{Duration::Kind::days, 36601}));
  EXPECT_FALSE(duration_in_bounds(Duration{Duration::Kind::working_hours, 878401}));
  EXPECT_FALSE(duration_in_bounds(Duration{Duration::Kind::days, 31665934879952400}));
  EXPECT_FALSE(duration_in_bounds(Duration{Duration::Kind::minutes, 0}));
  EXPECT_FALSE(duration_in_bounds(Duration{Duration::Kind::hours, -1}));
  EXPECT_FALSE(duration_in_bounds(Duration{static_cast<Duration::Kind>(9), 1}));
}

TEST(Clock, Parse) {
  EXPECT_EQ(*gridroute::detail::parse_clock("00:00", false), 0);
  EXPECT_EQ(*gridroute::detail::parse_clock("08:30", false), hm(8, 30));
  EXPECT_EQ(*gridroute::detail::parse_clock("23:59", false), hm(23, 59));
  EXPECT_EQ(*gridroute::detail::parse_clock("24:00", true), 86400);
  EXPECT_FALSE(gridroute::detail::parse_clock("24:00", false).ok());
  for (const char* bad : {"24:01", "25:00", "8:30", "08:3", "08:60", "0830", "08-30", "", "ab:cd", "08:30:00"})
    EXPECT_FALSE(gridroute::detail::parse_clock(bad, true).ok()) << bad;
}

// ---------------------------------------------------------------- output times, as written by the engine

std::shared_ptr<const gridroute::Snapshot> berlin_bundle() {
  gridroute::BundleSources src;
  src.jurisdiction_json = R"({"format": "gridroute.jurisdiction/1", "timezone": "Europe/Berlin",
    "tiers": ["community", "area", "cell"],
    "units": [{"id": "k", "tier": "community"}, {"id": "k-1", "tier": "cell", "parent": "k"}],
    "handlers": [{"id": "h", "role": "resident_council", "serves": ["k"]}]})";
  src.rules_json = R"({"format": "gridroute.rules/1",
    "calendars": [{"id": "office", "weekdays": [1, 2, 3, 4, 5], "hours": [["09:00", "17:00"]]}],
    "defaults": {"calendar": "office"},
    "rules": [
      {"id": "elapsed", "categories": ["e"], "route": ["resident_council"], "sla": {"respond": "1m", "resolve": "1d"}},
      {"id": "working", "categories": ["w"], "route": ["resident_council"], "sla": {"respond": "2wh", "resolve": "1wd"}}
    ]})";
  std::vector<gridroute::Diagnostic> diags;
  auto s = gridroute::load_bundle(src, &diags);
  EXPECT_TRUE(s.ok()) << (diags.empty() ? "" : diags[0].to_string());
  return s.ok() ? *s : nullptr;
}

boost::json::object route(const std::shared_ptr<const gridroute::Snapshot>& s, const std::string& cat,
                          const std::string& at) {
  gridroute::LineCodec codec(s);
  std::string out;
  codec.route_line(R"({"id": "x", "category": ")" + cat + R"(", "cell": "k-1", "at": ")" + at + R"("})", out);
  return boost::json::parse(out).as_object();
}

TEST(OutputTimes, WrittenInTheJurisdictionsZoneWithDstOffsets) {
  auto s = berlin_bundle();
  ASSERT_TRUE(s);
  auto winter = route(s, "e", "2026-03-28T11:00:00Z");
  EXPECT_EQ(winter.at("respond_by"), "2026-03-28T12:01:00+01:00");
  EXPECT_EQ(winter.at("resolve_by"), "2026-03-29T13:00:00+02:00");
  auto autumn = route(s, "w", "2026-10-23T14:00:00Z");  // Friday 16:00 CEST
  EXPECT_EQ(autumn.at("respond_by"), "2026-10-26T10:00:00+01:00");
  EXPECT_EQ(autumn.at("resolve_by"), "2026-10-26T17:00:00+01:00");
}

TEST(OutputTimes, FractionsOnlyWhenNonZero) {
  auto s = berlin_bundle();
  ASSERT_TRUE(s);
  EXPECT_EQ(route(s, "e", "2026-11-20T10:00:00.250+01:00").at("respond_by"), "2026-11-20T10:01:00.25+01:00");
  EXPECT_EQ(route(s, "e", "2026-11-20T10:00:00.000001+01:00").at("respond_by"), "2026-11-20T10:01:00.000001+01:00");
  EXPECT_EQ(route(s, "e", "2026-11-20T10:00:00.000+01:00").at("respond_by"), "2026-11-20T10:01:00+01:00");
}

}  // namespace
