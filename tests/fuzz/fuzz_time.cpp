// libFuzzer target: parse_duration, parse_rfc3339, parse_clock and parse_civil_day on the same text.
// Oracles: what parses round-trips (format, parse again, same value), and nothing else crashes.
#include <cstring>

#include "fuzz_common.hpp"
#include "gridroute/time.hpp"
#include "base/calendar.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);

  if (auto d = gridroute::detail::parse_duration(text); d.ok()) {
    std::string s = gridroute::detail::to_string(*d);
    auto again = gridroute::detail::parse_duration(s);
    if (!again.ok() || !(*again == *d)) fuzz::fail("duration does not round-trip", s);
    if (d->n <= 0) fuzz::fail("a duration parsed to a non-positive count", s);
  }

  if (auto t = gridroute::parse_rfc3339(text); t.ok()) {
    // UTC and a whole-minute fixed offset: zones whose historical offsets have seconds (LMT) cannot be
    // written exactly in RFC 3339 (docs/security.md, "known limitations").
    static const gridroute::detail::Zone zones[] = {gridroute::detail::Zone(absl::UTCTimeZone()),
                                            gridroute::detail::Zone(absl::FixedTimeZone(-(9 * 3600 + 30 * 60)))};
    for (const auto& tz : zones) {
      std::string s = gridroute::detail::format_rfc3339(*t, tz);
      auto again = gridroute::parse_rfc3339(s);
      // Years outside 0000-9999 cannot be written back in four digits; those are not round-trips.
      bool four_digit_year = s.size() >= 20 && s[0] >= '0' && s[0] <= '9' && s[4] == '-';
      if (four_digit_year && (!again.ok() || *again != *t))
        fuzz::fail("an RFC 3339 time does not round-trip", std::string(text) + " -> " + s);
    }
  }

  for (bool allow_24 : {false, true}) {
    if (auto c = gridroute::detail::parse_clock(text, allow_24); c.ok()) {
      if (*c < 0 || *c > 86400 || (!allow_24 && *c >= 86400)) fuzz::fail("a clock time out of range", text);
      char buf[8];
      std::snprintf(buf, sizeof buf, "%02d:%02d", *c / 3600, (*c / 60) % 60);
      if (std::string_view(buf) != text) fuzz::fail("a clock time does not round-trip", text);
    }
  }

  if (auto d = gridroute::detail::parse_civil_day(text); d.ok()) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%04lld-%02d-%02d", static_cast<long long>(d->year()), d->month(), d->day());
    if (std::string_view(buf) != text) fuzz::fail("a date does not round-trip", text);
  }
  return 0;
}
