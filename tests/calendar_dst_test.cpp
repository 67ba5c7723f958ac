// Deadlines across daylight-saving changes beyond Berlin's: Australia/Lord_Howe (a 30-minute change),
// America/Santiago (the change at midnight, so one day has no 00:00), and working periods whose bounds
// fall in the skipped or the repeated hour (docs/decisions.md, "Daylight saving time": a bound in the
// gap is the instant the clocks jump, a bound in the overlap its first occurrence). Each table is
// checked against the indexed `add` and the day-by-day `add_by_walking`, and both against each other
// on random starts around the changes.
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "absl/time/time.h"
#include "base/calendar.hpp"
#include "gridroute/time.hpp"

namespace {
using gridroute::Instant;
using gridroute::detail::Calendar;
using gridroute::detail::Duration;

gridroute::detail::Zone zone(const char* name) {
  absl::TimeZone tz;
  EXPECT_TRUE(absl::LoadTimeZone(name, &tz)) << name;
  return gridroute::detail::Zone(tz);
}

Instant T(const std::string& text) {
  auto t = gridroute::parse_rfc3339(text);
  EXPECT_TRUE(t.ok()) << text;
  return t.ok() ? *t : gridroute::kNoInstant;
}

Duration D(const std::string& text) {
  auto d = gridroute::detail::parse_duration(text);
  EXPECT_TRUE(d.ok()) << text;
  return d.ok() ? *d : Duration{};
}

std::string show(Instant t, const absl::TimeZone& tz) {
  if (t == gridroute::kNoInstant) return "(none)";
  return absl::FormatTime("%Y-%m-%dT%H:%M:%E*S%Ez (%a)", absl::FromUnixMicros(t), tz);
}

int hm(int h, int m) { return h * 3600 + m * 60; }

Calendar daily(const char* id, const char* tz, int begin, int end) {
  return Calendar(id, zone(tz), {1, 2, 3, 4, 5, 6, 7}, {{begin, end}}, {}, {});
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
    const Instant start = T(c.start), due = T(c.due);
    const Instant got = cal.add(start, D(c.duration));
    EXPECT_EQ(got, due) << "expected " << show(due, cal.time_zone()) << ", got " << show(got, cal.time_zone());
    const Instant walked = cal.add_by_walking(start, D(c.duration));
    EXPECT_EQ(walked, due) << "walking: expected " << show(due, cal.time_zone()) << ", got "
                           << show(walked, cal.time_zone());
  }
}

// Lord Howe Island: +10:30, +11:00 in summer; 2026-04-05 02:00 → 01:30, 2026-10-04 02:00 → 02:30.
// Before standard zones a place kept its local mean time, an offset with seconds (Shanghai +08:05:43
// until 1901, New York -04:56:02 until 1883). RFC 3339 writes whole minutes: the clock is written in the
// offset as written, so that the text reads back as the same instant.
TEST(CalendarDst, AnOffsetWithSecondsIsWrittenAsTheSameInstant) {
  for (const char* zone : {"Asia/Shanghai", "America/New_York"}) {
    const Instant t = *gridroute::parse_rfc3339("1880-06-01T00:00:00Z");
    const auto text = gridroute::format_rfc3339(t, zone);
    ASSERT_TRUE(text.ok()) << zone;
    EXPECT_EQ(*gridroute::parse_rfc3339(*text), t) << zone << " " << *text;
  }
  EXPECT_EQ(*gridroute::format_rfc3339(*gridroute::parse_rfc3339("1900-06-01T00:00:00Z"), "Asia/Shanghai"),
            "1900-06-01T08:05:00+08:05");
}

TEST(CalendarDst, LordHoweHalfHourChange) {
  run_table(daily("always", "Australia/Lord_Howe", 0, 86400), {
      {"2026-10-04T00:00:00+10:30", "23wh", "2026-10-04T23:30:00+11:00", "the short day is 23.5 hours"},
      {"2026-10-04T00:00:00+10:30", "24wh", "2026-10-05T00:30:00+11:00", "and half an hour of the next"},
      {"2026-10-03T12:00:00+10:30", "1wd", "2026-10-05T00:00:00+11:00", "1wd ends at the short day's 24:00"},
      {"2026-04-05T00:00:00+11:00", "24wh", "2026-04-05T23:30:00+10:30", "the long day is 24.5 hours"},
      {"2026-04-05T00:00:00+11:00", "25wh", "2026-04-06T00:30:00+10:30", "and half an hour of the next"},
  });
  run_table(daily("nights", "Australia/Lord_Howe", hm(1, 0), hm(3, 0)), {
      {"2026-10-04T01:00:00+10:30", "1wh", "2026-10-04T02:30:00+11:00", "lands on the jump"},
      {"2026-10-04T01:00:00+10:30", "2wh", "2026-10-05T01:30:00+11:00", "01:00–03:00 is 1.5 hours that night"},
      {"2026-04-05T01:00:00+11:00", "2wh", "2026-04-05T02:30:00+10:30", "01:00–03:00 is 2.5 hours that night"},
      {"2026-04-05T01:00:00+11:00", "3wh", "2026-04-06T01:30:00+10:30", "then the next night"},
  });
  run_table(daily("gap-start", "Australia/Lord_Howe", hm(2, 15), hm(4, 0)), {
      {"2026-10-04T00:00:00+10:30", "1wh", "2026-10-04T03:30:00+11:00", "02:15 does not exist: the period starts at 02:30"},
      {"2026-10-04T00:00:00+10:30", "2wh", "2026-10-05T02:45:00+11:00", "1.5 hours that day"},
  });
  run_table(daily("overlap-start", "Australia/Lord_Howe", hm(1, 45), hm(4, 0)), {
      {"2026-04-05T00:00:00+11:00", "2wh", "2026-04-05T03:15:00+10:30", "01:45 twice: the first"},
      {"2026-04-05T00:00:00+11:00", "3wh", "2026-04-06T02:00:00+10:30", "2.75 hours that day"},
  });
}

// Santiago: 2026-09-06 00:00 → 01:00 (that Sunday has no midnight); 2026-04-05 00:00 → 2026-04-04 23:00.
TEST(CalendarDst, SantiagoChangeAtMidnight) {
  run_table(daily("always", "America/Santiago", 0, 86400), {
      {"2026-09-04T12:00:00-04:00", "1wd", "2026-09-06T01:00:00-03:00", "Saturday's 24:00 is the jump"},
      {"2026-09-05T12:00:00-04:00", "1wd", "2026-09-07T00:00:00-03:00", "the Sunday without a midnight"},
      {"2026-09-05T00:00:00-04:00", "24wh", "2026-09-06T01:00:00-03:00", "Saturday is 24 hours"},
      {"2026-09-05T00:00:00-04:00", "25wh", "2026-09-06T02:00:00-03:00", "Sunday starts at 01:00"},
      {"2026-09-06T01:00:00-03:00", "23wh", "2026-09-07T00:00:00-03:00", "Sunday is 23 hours"},
      {"2026-09-06T01:00:00-03:00", "1wd", "2026-09-08T00:00:00-03:00", "1wd from the short Sunday"},
      {"2026-04-04T00:00:00-03:00", "25wh", "2026-04-05T00:00:00-04:00", "Saturday 4 April is 25 hours"},
      {"2026-04-04T00:00:00-03:00", "24wh", "2026-04-04T23:00:00-04:00", "the second 23:00"},
      {"2026-04-03T12:00:00-03:00", "1wd", "2026-04-05T00:00:00-04:00", "1wd ends at the long day's 24:00"},
  });
  run_table(daily("early", "America/Santiago", 0, hm(8, 0)), {
      {"2026-09-05T23:00:00-04:00", "7wh", "2026-09-06T08:00:00-03:00", "00:00–08:00 is 7 hours on that Sunday"},
      {"2026-09-05T23:00:00-04:00", "8wh", "2026-09-07T01:00:00-03:00", "then Monday"},
      {"2026-09-04T12:00:00-04:00", "1wd", "2026-09-05T08:00:00-04:00", "Saturday"},
      {"2026-09-05T12:00:00-04:00", "1wd", "2026-09-06T08:00:00-03:00", "the Sunday without a midnight"},
  });
  // Office hours never see the change (it happens on a weekend night).
  run_table(Calendar("office", zone("America/Santiago"), {1, 2, 3, 4, 5}, {{hm(8, 30), hm(17, 30)}}, {}, {}), {
      {"2026-09-04T16:30:00-04:00", "2wh", "2026-09-07T09:30:00-03:00", "Friday to Monday over the change"},
      {"2026-04-03T16:30:00-03:00", "2wh", "2026-04-06T09:30:00-04:00", "and back"},
  });
}

// Berlin: 2026-03-29 02:00 → 03:00, 2026-10-25 03:00 → 02:00.
TEST(CalendarDst, PeriodBoundsInTheGapOrTheOverlap) {
  run_table(daily("early", "Europe/Berlin", hm(2, 0), hm(4, 0)), {
      {"2026-03-29T00:00:00+01:00", "1wh", "2026-03-29T04:00:00+02:00", "02:00 does not exist: 03:00–04:00, one hour"},
      {"2026-03-29T00:00:00+01:00", "2wh", "2026-03-30T03:00:00+02:00", "then the next night"},
      {"2026-10-25T00:00:00+02:00", "3wh", "2026-10-25T04:00:00+01:00", "from the first 02:00: three hours"},
      {"2026-10-25T00:00:00+02:00", "2wh", "2026-10-25T03:00:00+01:00", "inside the long night"},
  });
  run_table(daily("gap-only", "Europe/Berlin", hm(2, 15), hm(2, 45)), {
      {"2026-03-28T23:00:00+01:00", "1wh", "2026-03-31T02:45:00+02:00", "no working time on the day of the jump"},
      {"2026-03-28T23:00:00+01:00", "1wd", "2026-03-29T03:00:00+02:00", "the day still counts as a working day"},
  });
  run_table(daily("straddle", "Europe/Berlin", hm(2, 30), hm(3, 30)), {
      {"2026-03-29T00:00:00+01:00", "1wh", "2026-03-30T03:00:00+02:00", "03:00–03:30 on the day of the jump"},
  });
  run_table(daily("to-the-jump", "Europe/Berlin", hm(2, 30), hm(3, 0)), {
      {"2026-03-29T00:00:00+01:00", "1wh", "2026-03-31T03:00:00+02:00", "02:30–03:00 is empty, never negative"},
  });
  run_table(daily("end-in-gap", "Europe/Berlin", 0, hm(2, 30)), {
      {"2026-03-28T12:00:00+01:00", "1wd", "2026-03-29T03:00:00+02:00", "a period ending in the gap ends at the jump"},
      {"2026-03-29T00:00:00+01:00", "2wh", "2026-03-29T03:00:00+02:00", "00:00–02:30 holds two hours that day"},
      {"2026-10-25T00:00:00+02:00", "2wh", "2026-10-25T02:00:00+02:00", "00:00 to the first 02:30"},
      {"2026-10-25T00:00:00+02:00", "3wh", "2026-10-26T00:30:00+01:00", "2.5 hours on the long day"},
  });
}

// The indexed `add` agrees with the walk on random starts in these zones, with periods in the gaps.
TEST(CalendarDst, AddEqualsAddByWalkingAroundTheChanges) {
  std::vector<Calendar> cals = {
      daily("lh-always", "Australia/Lord_Howe", 0, 86400),
      daily("lh-nights", "Australia/Lord_Howe", hm(1, 0), hm(3, 0)),
      daily("lh-gap", "Australia/Lord_Howe", hm(2, 0), hm(2, 30)),
      Calendar("lh-office", zone("Australia/Lord_Howe"), {1, 2, 3, 4, 5}, {{hm(1, 45), hm(2, 15)}, {hm(9, 0), hm(17, 0)}},
               {absl::CivilDay(2026, 10, 5)}, {absl::CivilDay(2026, 10, 4)}),
      daily("scl-always", "America/Santiago", 0, 86400),
      daily("scl-early", "America/Santiago", 0, hm(8, 0)),
      Calendar("scl-late", zone("America/Santiago"), {5, 6, 7}, {{hm(20, 0), 86400}}, {}, {}),
      daily("ber-early", "Europe/Berlin", hm(2, 0), hm(4, 0)),
      daily("ber-gap", "Europe/Berlin", hm(2, 15), hm(2, 45)),
      Calendar("ber-mixed", zone("Europe/Berlin"), {6, 7}, {{0, hm(2, 30)}, {hm(2, 40), hm(3, 10)}, {hm(22, 0), 86400}},
               {absl::CivilDay(2027, 3, 28)}, {absl::CivilDay(2026, 10, 26)}),
  };
  // Starts near the changes of 2025–2028 and anywhere in those years, some on whole half hours.
  std::vector<Instant> changes;
  for (const char* t : {"2026-04-04T15:00:00Z", "2026-10-03T15:30:00Z", "2026-04-05T03:00:00Z", "2026-09-06T04:00:00Z",
                        "2026-03-29T01:00:00Z", "2026-10-25T01:00:00Z", "2027-04-03T15:00:00Z", "2027-09-05T04:00:00Z"})
    changes.push_back(T(t));
  std::mt19937_64 rng(20261004);
  std::uniform_int_distribution<Instant> anywhere(T("2025-01-01T00:00:00Z"), T("2028-12-31T00:00:00Z"));
  std::uniform_int_distribution<Instant> near(-3 * 86400LL * 1'000'000, 3 * 86400LL * 1'000'000);
  std::uniform_int_distribution<int> kind(0, 2), hours(1, 40), days(1, 12);
  int checked = 0;
  for (const Calendar& cal : cals) {
    for (int i = 0; i < 400; ++i) {
      Instant start = i % 2 ? anywhere(rng) : changes[static_cast<std::size_t>(i / 2) % changes.size()] + near(rng);
      if (i % 3 == 0) start -= ((start % (1800 * gridroute::kMicrosPerSecond)) + 1800 * gridroute::kMicrosPerSecond) %
                               (1800 * gridroute::kMicrosPerSecond);
      const int k = kind(rng);
      const Duration d = k == 0 ? Duration{Duration::Kind::working_days, days(rng)}
                                : Duration{Duration::Kind::working_hours, hours(rng)};
      const Instant a = cal.add(start, d), w = cal.add_by_walking(start, d);
      ASSERT_EQ(a, w) << cal.id() << ": " << show(start, cal.time_zone()) << " + " << gridroute::detail::to_string(d)
                      << ": add " << show(a, cal.time_zone()) << ", walk " << show(w, cal.time_zone());
      ASSERT_GT(a, start) << cal.id();
      ++checked;
    }
  }
  EXPECT_EQ(checked, 400 * static_cast<int>(cals.size()));
}

// A calendar costs what it declares: its lists, not a table per day of the years it spans.
TEST(CalendarDst, ACalendarCostsWhatItDeclares) {
  Calendar office("office", zone("Europe/Berlin"), {1, 2, 3, 4, 5}, {{hm(9, 0), hm(17, 0)}},
                  {absl::CivilDay(2026, 12, 25)}, {});
  EXPECT_LT(office.bytes(), 4096u);
  // Deadlines in working hours build the table of days a change makes longer or shorter, once:
  // two a year, whatever the span.
  EXPECT_EQ(office.add(T("2026-03-27T16:00:00+01:00"), D("2wh")), T("2026-03-30T10:00:00+02:00"));
  EXPECT_LT(office.bytes(), 4096u);  // office hours: no day of the week differs
  Calendar nights = daily("nights", "Europe/Berlin", hm(1, 0), hm(4, 0));
  nights.add(T("2026-03-27T16:00:00+01:00"), D("2wh"));
  EXPECT_LT(nights.bytes(), 4096u + 200u * 24u);  // 200 changes in 2000–2099
  EXPECT_GT(nights.bytes(), 100u * 24u);          // which the nightly periods do feel
  Calendar shanghai = daily("sh", "Asia/Shanghai", hm(8, 0), hm(18, 0));
  EXPECT_LT(shanghai.bytes(), 1024u);
  // A zone without daylight saving numbers the working days of the nine years around its first
  // deadline instead (two bytes a day and a working day), whatever else it declares.
  shanghai.add(T("2026-03-27T16:00:00+08:00"), D("200wh"));
  EXPECT_LT(shanghai.bytes(), 1024u + 14u * 1024u);
}

}  // namespace
