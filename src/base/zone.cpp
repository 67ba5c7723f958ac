// Time zones with a fixed-offset fast path, and RFC 3339 output.
#include "base/zone.hpp"

#include <cstdio>

#include "base/strings.hpp"
#include "base/text.hpp"
#include "base/time.hpp"

namespace gridroute::detail {
namespace {
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
  const absl::TimeZone::TimeInfo info = tz_.At(absl::CivilSecond(y, m, d, 0, 0, 0) + seconds);
  // Abseil's `pre` for a skipped time is past the jump by the skipped span (02:30 → 03:30 on a
  // 02:00 → 03:00 day), so 02:59 would come after 03:00; the jump itself keeps the order.
  return absl::ToUnixMicros(info.kind == absl::TimeZone::TimeInfo::SKIPPED ? info.trans : info.pre);
}

Instant Zone::instant(absl::CivilSecond cs) const {
  return instant(days_from_civil(cs.year(), cs.month(), cs.day()), cs.hour() * 3600 + cs.minute() * 60 + cs.second());
}

namespace {
inline char* put2(char* p, int v) {
  p[0] = static_cast<char>('0' + v / 10);
  p[1] = static_cast<char>('0' + v % 10);
  return p + 2;
}
}  // namespace

void append_rfc3339(std::string& out, Instant t, const Zone& zone) {
  char buf[kMaxRfc3339];
  out.append(buf, static_cast<std::size_t>(put_rfc3339(buf, t, zone) - buf));
}

char* put_rfc3339(char* out, Instant t, const Zone& zone) {
  std::int64_t y;
  int m, d, h, mi, sec, off;
  zone.fields(t, y, m, d, h, mi, sec, off);
  if (off % 60 != 0) {
    // A local mean time before standard zones (Shanghai's +08:05:43 before 1901): RFC 3339 writes whole
    // minutes, so the clock is written in the offset as written, and the text still names the instant.
    off -= off % 60;
    const std::int64_t local = floor_secs(t) + off;
    const std::int64_t day = floor_div<86400>(local);
    const auto sod = static_cast<int>(local - day * 86400);
    civil_from_days(day, y, m, d);
    h = sod / 3600;
    mi = (sod / 60) % 60;
    sec = sod % 60;
  }
  if (y < 0 || y > 9999) {
    // Only near the ends of the range (year -1 west of UTC): the same instant in UTC keeps a year
    // RFC 3339 can write and a reader can parse back.
    static const Zone utc;
    utc.fields(t, y, m, d, h, mi, sec, off);
  }
  std::int64_t frac = t - floor_secs(t) * kMicrosPerSecond;
  char* p = out;
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
  return p;
}

std::string format_rfc3339(Instant t, const Zone& zone) {
  std::string s;
  append_rfc3339(s, t, zone);
  return s;
}

}  // namespace gridroute::detail

namespace gridroute::detail {

bool iana_zone_name(std::string_view name) {
  if (name.empty() || name.size() > 64 || name.front() == '/' || name.back() == '/') return false;
  for (char c : name)
    if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '/' || c == '_' ||
          c == '+' || c == '-'))
      return false;
  // Abseil reads "localtime" as the host's zone ($TZ, /etc/localtime): the answer would follow the host.
  std::string lower(name);
  for (char& c : lower) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  return lower != "localtime" && name.find("//") == std::string_view::npos;
}

absl::StatusOr<Instant> parse_time_local(std::string_view text, const Zone& zone) {
  DateTime dt;
  if (!parse_date_time(text, dt))
    return absl::InvalidArgumentError(cat("not an RFC 3339 time: \"", utf8_prefix(text, 80), "\""));
  if (dt.has_offset)
    return ((dt.civil - absl::CivilSecond(1970, 1, 1, 0, 0, 0)) - dt.offset) * kMicrosPerSecond + dt.frac_us;
  const absl::TimeZone::TimeInfo info = zone.tz().At(dt.civil);
  if (info.kind == absl::TimeZone::TimeInfo::SKIPPED)
    return absl::InvalidArgumentError(cat("the local time \"", utf8_prefix(text, 80), "\" does not exist in ",
                                          zone.tz().name(), " (clocks moved forward over it)"));
  // A repeated local time (clocks moved back) is the earlier of its two instants.
  const absl::Time t = info.kind == absl::TimeZone::TimeInfo::REPEATED ? std::min(info.pre, info.post) : info.pre;
  return absl::ToUnixMicros(t) + dt.frac_us;
}

absl::StatusOr<Zone> load_zone(std::string_view name) {
  if (!iana_zone_name(name))
    return absl::InvalidArgumentError(detail::cat("time zone \"", utf8_prefix(name, 80),
                                                  "\" must be an IANA name such as Asia/Shanghai (letters, digits, "
                                                  "'/', '_', '+', '-')"));
  absl::TimeZone tz;
  if (!absl::LoadTimeZone(std::string(name), &tz))
    return absl::InvalidArgumentError(
        detail::cat("unknown time zone \"", name, "\" (an IANA name such as Asia/Shanghai)"));
  return Zone(tz);
}

}  // namespace gridroute::detail
