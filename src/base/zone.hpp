// Internal: time zones with a fast path for fixed offsets, and RFC 3339 output in a zone.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "base/time.hpp"

namespace gridroute::detail {

// Whether `name` has the shape of an IANA time-zone name ("Asia/Shanghai", "UTC", "Etc/GMT+8"):
// letters, digits and "/_+-", no leading '/'. Names that make the answer depend on the host —
// "localtime", "libc:...", paths — are refused, and nothing outside the zoneinfo tree is opened.
bool iana_zone_name(std::string_view name);

// A time zone with a fast path: where the zone keeps one UTC offset over 2000–2099 (Asia/Shanghai
// and most zones without daylight saving time), civil time is plain arithmetic; otherwise Abseil's
// time-zone rules are consulted.
class Zone {
 public:
  Zone() : Zone(absl::UTCTimeZone()) {}
  explicit Zone(absl::TimeZone tz);

  const absl::TimeZone& tz() const { return tz_; }
  // Local civil second and UTC offset (seconds east) at `t`.
  absl::CivilSecond civil(Instant t, int* offset = nullptr) const;
  // Seconds since local midnight at `t`.
  int seconds_of_day(Instant t) const;
  // Local date of `t` as days since 1970-01-01, and the local fields of `t` (fast for fixed offsets).
  std::int64_t local_day(Instant t) const {
    if (in_fixed_range(t)) return floor_div<86400>(floor_div<kMicrosPerSecond>(t) + offset_);
    return local_day_by_rules(t);
  }
  void fields(Instant t, std::int64_t& year, int& month, int& day, int& hour, int& minute, int& second,
              int& offset) const;
  // The instant of local second `seconds` of day `day` (days since 1970-01-01).
  Instant instant(std::int64_t day, int seconds) const {
    if (fixed_) {
      Instant t = (day * 86400 + seconds - offset_) * kMicrosPerSecond;
      if (in_fixed_range(t)) return t;
    }
    return instant_by_rules(day, seconds);
  }
  // The instant of a local civil time. A time that never occurs (skipped when the clocks jump forward)
  // is the instant of the jump; a time that occurs twice (the clocks moved back) is its first
  // occurrence. So later local times never give earlier instants (docs/decisions.md).
  Instant instant(absl::CivilSecond cs) const;
  // As instant(day, seconds), always by the zone's rules (no fixed-offset fast path).
  Instant instant_by_rules(std::int64_t day, int seconds) const;
  bool fixed() const { return fixed_; }
  // The one UTC offset of a fixed() zone over 2000–2099 (seconds east).
  int fixed_offset() const { return offset_; }

 private:
  bool in_fixed_range(Instant t) const { return fixed_ && t >= fixed_from_ && t < fixed_to_; }
  std::int64_t local_day_by_rules(Instant t) const;
  absl::TimeZone tz_;
  bool fixed_ = false;
  int offset_ = 0;
  Instant fixed_from_ = 0, fixed_to_ = 0;
};

// Loads an IANA zone by name (iana_zone_name first); an error that names the zone otherwise.
absl::StatusOr<Zone> load_zone(std::string_view name);

// Parses an RFC 3339 date-time; one without an offset is read as a local time in `zone` (contract 1.1,
// jurisdiction.json "local_times"): a local time that does not exist (a daylight-saving gap) is an
// error, one that occurs twice is the earlier instant.
absl::StatusOr<Instant> parse_time_local(std::string_view text, const Zone& zone);

// Writes `t` in `zone`, e.g. "2026-11-20T09:15:00+08:00" (fraction only when non-zero).
std::string format_rfc3339(Instant t, const Zone& zone);
void append_rfc3339(std::string& out, Instant t, const Zone& zone);
// The same into `out`, which has room for kMaxRfc3339 bytes; returns the end of what it wrote.
inline constexpr std::size_t kMaxRfc3339 = 48;
char* put_rfc3339(char* out, Instant t, const Zone& zone);

// The RFC 3339 texts of the instants one writer wrote last (not shared between threads). A batch's
// deadlines repeat often: working-day deadlines fall on the close of business, and every deadline of a
// sweep is counted from the same `now`.
class Rfc3339Memo {
 public:
  char* put(char* out, Instant t, const Zone& zone) {
    Entry& e = entries_[(static_cast<std::uint64_t>(t) * 0x9E3779B97F4A7C15ull) >> 60];
    if (e.len == 0 || e.t != t || e.zone != &zone) {
      e.len = static_cast<std::uint8_t>(put_rfc3339(e.text, t, zone) - e.text);
      e.t = t;
      e.zone = &zone;
    }
    std::memcpy(out, e.text, e.len);
    return out + e.len;
  }

 private:
  struct Entry {
    Instant t = 0;
    const Zone* zone = nullptr;
    std::uint8_t len = 0;
    char text[kMaxRfc3339];
  };
  Entry entries_[16];
};

}  // namespace gridroute::detail
