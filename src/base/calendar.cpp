// Working calendars: working days, working periods, deadlines (SPEC §3.4).
#include "base/calendar.hpp"

#include <algorithm>
#include <atomic>
#include <bit>
#include <limits>
#include <mutex>

namespace gridroute::detail {
namespace {

constexpr int kIndexFirstYear = 2000;
constexpr int kIndexLastYear = 2100;  // exclusive
// The longest span of holidays and make-up days kept as a bitmap (about 32 years, 1.5 KB).
constexpr std::int64_t kMaxBitmapDays = 12 * 1024;

std::int64_t floor_secs(Instant t) { return floor_div<kMicrosPerSecond>(t); }

// ISO weekday of a day number, Monday = 0 (1970-01-01 was a Thursday).
int iso0(std::int64_t day) { return static_cast<int>(((day + 3) % 7 + 7) % 7); }

// How many of the sorted `days` are in [a, b).
std::int64_t count_in(const std::vector<std::int64_t>& days, std::int64_t a, std::int64_t b) {
  return std::lower_bound(days.begin(), days.end(), b) - std::lower_bound(days.begin(), days.end(), a);
}

// The smallest day j in [a, last] with count(a, j + 1) >= target, given count(a, a) < target <=
// count(a, last + 1) and count non-decreasing: doubling steps from `a` (deadlines are near), then a
// binary search in the last step.
template <class Count>
std::int64_t first_day_reaching(std::int64_t a, std::int64_t last, std::int64_t target, Count&& count) {
  std::int64_t lo = a - 1, hi = a, step = 1;
  for (;;) {
    hi = std::min(lo + step, last);
    if (count(a, hi + 1) >= target) break;
    lo = hi;
    step *= 2;
  }
  while (hi - lo > 1) {
    const std::int64_t mid = lo + (hi - lo) / 2;
    if (count(a, mid + 1) >= target) hi = mid;
    else lo = mid;
  }
  return hi;
}

// The same search from a guess: the first day j >= a with count(a, j + 1) >= target, found from
// count(a, guess) and single days (`day(d)` is count(d, d + 1)), never past `end`. Returns j + 1 and
// count(a, j + 1) — or `end` and count(a, end) < target when the days up to `end` do not reach it.
template <class Count, class Day1>
std::pair<std::int64_t, std::int64_t> day_reaching_from(std::int64_t a, std::int64_t guess, std::int64_t end,
                                                         std::int64_t target, Count&& count, Day1&& day) {
  std::int64_t g = std::min(guess, end);
  std::int64_t c = count(a, g);
  // Single days first (holidays and make-up days are sparse: the guess is within a few days); past
  // kSteps of them (a calendar whose holidays run for years), the search by doubling steps and halves.
  constexpr int kSteps = 64;
  int steps = 0;
  if (c >= target) {
    while (g > a && c - day(g - 1) >= target && ++steps <= kSteps) c -= day(--g);
    if (steps > kSteps) {
      g = first_day_reaching(a, g - 1, target, count) + 1;
      c = count(a, g);
    }
  } else {
    while (c < target && g < end && ++steps <= kSteps) c += day(g++);
    if (steps > kSteps) {
      if (const std::int64_t all = count(a, end); all < target) return {end, all};
      g = first_day_reaching(g, end - 1, target - c, count) + 1;
      c = count(a, g);
    }
  }
  return {g, c};
}

// The days a table covers around the first day it is asked for (three years before, six after; a
// deadline outside them is counted as without one), and what all the tables of a process may hold:
// 13 KB a calendar, so some 2,500 calendars with deadlines have one.
constexpr std::int64_t kTableBefore = 1100, kTableAfter = 2200;
constexpr std::int64_t kTableBudgetBytes = 32 << 20;
std::atomic<std::int64_t> g_table_bytes{0};
}  // namespace

// The working days of [first, first + covered), numbered: rank(k) is how many of the days [first,
// first + k) are worked (k <= covered), day(r) the (r + 1)-th worked day less `first` (r < worked). The
// n-th working day from a day is then one read of each, with no branch on the days between. The days
// covered keep three days off either end of the index, so all of them, and every instant of them,
// lie where a fixed() zone keeps its offset.
struct Calendar::Table {
  Day first = 0;
  std::int64_t covered = 0;
  std::int64_t worked = 0;
  std::vector<std::uint16_t> data;  // rank(0..covered), then day(0..worked - 1)
  std::uint16_t rank(std::int64_t k) const { return data[static_cast<std::size_t>(k)]; }
  std::uint16_t day(std::int64_t r) const { return data[static_cast<std::size_t>(covered + 1 + r)]; }
};

// Built on first use: the working days within the index whose working time a daylight-saving change
// makes differ from the nominal.
struct Calendar::Lazy {
  std::once_flag once;
  std::atomic<bool> built{false};
  std::vector<Irregular> irregular;
  // The working-day table (fixed-offset zones), built on the first deadline counted within the index;
  // `table_tried` without a table: the process's budget for tables was spent.
  std::mutex table_mutex;
  std::atomic<const Table*> table{nullptr};
  std::atomic<bool> table_tried{false};
  std::unique_ptr<const Table> table_owned;
  std::int64_t table_bytes = 0;  // what the table took of the process's budget, given back with it
  ~Lazy() { g_table_bytes.fetch_sub(table_bytes, std::memory_order_relaxed); }
};

Calendar::Calendar(std::string id, Zone zone, std::vector<int> weekdays, std::vector<Period> periods,
                   std::vector<absl::CivilDay> holidays, std::vector<absl::CivilDay> workdays)
    : id_(std::move(id)), zone_(std::move(zone)), periods_(std::move(periods)), lazy_(std::make_shared<Lazy>()) {
  for (int w : weekdays)
    if (w >= 1 && w <= 7) weekday_mask_ |= static_cast<std::uint8_t>(1u << (w - 1));
  for (int k = 0; k < 7; ++k) weekday_count_ += (weekday_mask_ >> k) & 1;
  for (int first = 0; first < 7; ++first)
    for (int k = 0; k < 64; ++k)
      if ((weekday_mask_ >> ((first + k) % 7)) & 1) week_pattern_[first] |= std::uint64_t{1} << k;
  for (const Period& p : periods_) nominal_micros_ += std::int64_t{p.end - p.begin} * kMicrosPerSecond;
  for (auto d : holidays) holidays_.insert(day_number(d));
  for (auto d : workdays) workdays_.insert(day_number(d));
  // A day is worked when it is a make-up day, or a working weekday and not a holiday: counted as the
  // working weekdays, less the holidays on them, plus the make-up days not counted already.
  for (Day d : holidays_)
    if (weekday_mask_ & (1u << iso0(d))) off_.push_back(d);
  for (Day d : workdays_)
    if (!(weekday_mask_ & (1u << iso0(d))) || holidays_.contains(d)) on_.push_back(d);
  std::sort(off_.begin(), off_.end());
  std::sort(on_.begin(), on_.end());
  off_.shrink_to_fit();
  on_.shrink_to_fit();
  index_first_ = days_from_civil(kIndexFirstYear, 1, 1);
  index_end_ = days_from_civil(kIndexLastYear, 1, 1);
  // The days from the first holiday or make-up day to the last, one bit each: a deadline's day-by-day
  // steps test a bit instead of probing two hash sets. Outside them the weekdays alone decide. A span
  // past kMaxBitmapDays (holidays centuries apart) keeps the hash sets.
  if (!off_.empty() || !on_.empty()) {
    Day lo = std::numeric_limits<Day>::max(), hi = std::numeric_limits<Day>::min();
    for (const std::vector<Day>* v : {&off_, &on_})
      if (!v->empty()) {
        lo = std::min(lo, v->front());
        hi = std::max(hi, v->back());
      }
    if (hi - lo < kMaxBitmapDays) {
      bits_first_ = lo;
      bits_days_ = static_cast<std::uint64_t>(hi - lo + 1);
      bits_.assign((bits_days_ + 63) / 64, 0);
      for (std::uint64_t k = 0; k < bits_days_; ++k)
        if (is_working_by_sets(lo + static_cast<Day>(k))) bits_[k >> 6] |= std::uint64_t{1} << (k & 63);
      bits_.shrink_to_fit();
      bitmap_ = true;
    }
  } else {
    bitmap_ = true;  // no exceptions: the weekdays decide every day
  }
}

bool Calendar::is_working_by_sets(Day n) const {
  if (!workdays_.empty() && workdays_.contains(n)) return true;
  if (!(weekday_mask_ & (1u << iso0(n)))) return false;
  return holidays_.empty() || !holidays_.contains(n);
}

std::uint64_t Calendar::window(Day d) const {
  std::uint64_t m = week_pattern_[iso0(d)];
  if (bits_days_ == 0) return m;
  const Day off = d - bits_first_;  // the window's first day in the bitmap
  if (off >= static_cast<Day>(bits_days_) || off <= -64) return m;
  auto extract = [this](std::uint64_t pos) {  // 64 bits of the bitmap from `pos`
    const std::size_t w = pos >> 6;
    const unsigned sh = pos & 63;
    std::uint64_t v = bits_[w] >> sh;
    if (sh != 0 && w + 1 < bits_.size()) v |= bits_[w + 1] << (64 - sh);
    return v;
  };
  // Window bits [lo, hi) lie in the bitmap.
  const std::int64_t lo = off < 0 ? -off : 0;
  const std::int64_t hi = std::min<std::int64_t>(64, static_cast<std::int64_t>(bits_days_) - off);
  const std::uint64_t from_bits = off < 0 ? extract(0) << lo : extract(static_cast<std::uint64_t>(off));
  const std::uint64_t valid = (hi == 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << hi) - 1) & (~std::uint64_t{0} << lo);
  return (m & ~valid) | (from_bits & valid);
}

Calendar::Day Calendar::nth_working_day(Day a, std::int64_t n) const {
  // 64 days at a time: deadlines of up to about nine weeks of working days take one or two windows.
  // The working days are taken one bit at a time (a software popcount costs as much on a baseline
  // x86-64 build, and deadlines count a few days).
  for (int step = 0; step < kWindowSteps; ++step, a += 64) {
    for (std::uint64_t m = window(a); m != 0; m &= m - 1)
      if (--n == 0) return a + std::countr_zero(m);
  }
  return kNoDay;
}

bool Calendar::is_working(Day n) const {
  if (!bitmap_) return is_working_by_sets(n);
  const std::uint64_t k = static_cast<std::uint64_t>(n - bits_first_);
  if (k < bits_days_) return (bits_[k >> 6] >> (k & 63)) & 1;
  return (weekday_mask_ >> iso0(n)) & 1;
}

Instant Calendar::period_instant(Day day, int seconds, bool exact_zone) const {
  return exact_zone ? zone_.instant_by_rules(day, seconds) : zone_.instant(day, seconds);
}

std::int64_t Calendar::working_days(Day a, Day b) const {
  if (b <= a) return 0;
  const std::int64_t weeks = (b - a) / 7;
  std::int64_t n = weeks * weekday_count_;
  for (Day d = a + weeks * 7; d < b; ++d) n += (weekday_mask_ >> iso0(d)) & 1;
  return n - count_in(off_, a, b) + count_in(on_, a, b);
}

const std::vector<Calendar::Irregular>& Calendar::irregular() const {
  Lazy& lz = *lazy_;
  std::call_once(lz.once, [&] {
    // Every offset change near the index: the local dates on either side of it, and a day's margin.
    std::vector<Day> days;
    absl::Time t = absl::FromUnixSeconds((index_first_ - 2) * 86400);
    const absl::Time end = absl::FromUnixSeconds((index_end_ + 2) * 86400);
    absl::TimeZone::CivilTransition tr;
    while (zone_.tz().NextTransition(t, &tr)) {
      const absl::Time at = zone_.tz().At(tr.to).trans;
      if (at >= end) break;
      const Day from = day_number(absl::CivilDay(tr.from)), to = day_number(absl::CivilDay(tr.to));
      for (Day d = std::min(from, to) - 1; d <= std::max(from, to) + 1; ++d) days.push_back(d);
      t = std::max(at, t + absl::Seconds(1));
    }
    std::sort(days.begin(), days.end());
    days.erase(std::unique(days.begin(), days.end()), days.end());
    std::int64_t before = 0;
    for (Day d : days) {
      if (!in_index(d) || !is_working(d)) continue;
      std::int64_t actual = 0;
      for (const Period& p : periods_) actual += period_instant(d, p.end, false) - period_instant(d, p.begin, false);
      if (actual == nominal_micros_) continue;
      lz.irregular.push_back({d, actual - nominal_micros_, before});
      before += actual - nominal_micros_;
    }
    lz.irregular.shrink_to_fit();
    lz.built.store(true, std::memory_order_release);
  });
  return lz.irregular;
}

std::int64_t Calendar::working_micros(Day a, Day b) const {
  if (b <= a) return 0;
  std::int64_t n = working_days(a, b) * nominal_micros_;
  const std::vector<Irregular>& irr = irregular();
  if (irr.empty()) return n;
  auto by_day = [](const Irregular& x, Day d) { return x.day < d; };
  auto lo = std::lower_bound(irr.begin(), irr.end(), a, by_day);
  auto hi = std::lower_bound(lo, irr.end(), b, by_day);
  auto prefix = [&](std::vector<Irregular>::const_iterator it) {
    return it == irr.end() ? irr.back().delta_before + irr.back().delta : it->delta_before;
  };
  return n + prefix(hi) - prefix(lo);
}

std::int64_t Calendar::day_micros(Day day) const {
  if (!is_working(day)) return 0;
  const std::vector<Irregular>& irr = irregular();
  if (irr.empty()) return nominal_micros_;
  auto it = std::lower_bound(irr.begin(), irr.end(), day, [](const Irregular& x, Day d) { return x.day < d; });
  return it != irr.end() && it->day == day ? nominal_micros_ + it->delta : nominal_micros_;
}

std::size_t Calendar::bytes() const {
  std::size_t n = sizeof(*this) + sizeof(Lazy) + id_.capacity() + periods_.capacity() * sizeof(Period) +
                  (off_.capacity() + on_.capacity()) * sizeof(Day) +
                  (holidays_.capacity() + workdays_.capacity()) * (sizeof(Day) + 1) +
                  bits_.capacity() * sizeof(std::uint64_t);
  if (lazy_->built.load(std::memory_order_acquire)) n += lazy_->irregular.capacity() * sizeof(Irregular);
  if (const Table* t = lazy_->table.load(std::memory_order_acquire))
    n += sizeof(Table) + t->data.capacity() * sizeof(std::uint16_t);
  return n;
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

const Calendar::Table* Calendar::build_table(Day near) const {
  Lazy& lz = *lazy_;
  if (!zone_.fixed() || periods_.empty() || nominal_micros_ <= 0 || near < index_first_ + 3 || near >= index_end_ - 3)
    return nullptr;
  std::lock_guard<std::mutex> lock(lz.table_mutex);
  if (lz.table_tried.load(std::memory_order_relaxed)) return lz.table.load(std::memory_order_relaxed);
  const Day first = std::max(near - kTableBefore, index_first_ + 3), end = std::min(near + kTableAfter, index_end_ - 3);
  const std::int64_t bytes = (end - first + 1) * 2 * static_cast<std::int64_t>(sizeof(std::uint16_t));
  if (g_table_bytes.fetch_add(bytes, std::memory_order_relaxed) + bytes <= kTableBudgetBytes) {
    auto t = std::make_unique<Table>();
    t->first = first;
    t->covered = end - first;
    std::vector<std::uint16_t> days;
    t->data.reserve(static_cast<std::size_t>(t->covered + 1) * 2);
    for (Day d = first; d < end; ++d) {
      t->data.push_back(static_cast<std::uint16_t>(days.size()));
      if (is_working(d)) days.push_back(static_cast<std::uint16_t>(d - first));
    }
    t->data.push_back(static_cast<std::uint16_t>(days.size()));
    t->worked = static_cast<std::int64_t>(days.size());
    t->data.insert(t->data.end(), days.begin(), days.end());
    t->data.shrink_to_fit();
    lz.table.store(t.get(), std::memory_order_release);
    lz.table_owned = std::move(t);
    lz.table_bytes = bytes;
  } else {
    g_table_bytes.fetch_sub(bytes, std::memory_order_relaxed);
  }
  lz.table_tried.store(true, std::memory_order_release);
  return lz.table.load(std::memory_order_relaxed);
}

[[gnu::always_inline]] inline bool Calendar::table_place(Instant start, Place& p) const {
  if (!zone_.fixed()) return false;
  constexpr std::int64_t kDay = 86400 * kMicrosPerSecond;
  p.offset = std::int64_t{zone_.fixed_offset()} * kMicrosPerSecond;
  p.local = start + p.offset;
  p.day = floor_div<kDay>(p.local);
  p.used = -1;
  const Table* t = lazy_->table.load(std::memory_order_acquire);
  if (t == nullptr && (lazy_->table_tried.load(std::memory_order_acquire) || (t = build_table(p.day)) == nullptr))
    return false;
  p.table = t;
  return true;
}

[[gnu::always_inline]] inline bool Calendar::table_due(Place& p, Duration d, Instant& out) const {
  if (d.n <= 0 || d.n > 0xFFFF) return false;
  constexpr std::int64_t kDay = 86400 * kMicrosPerSecond;
  const Table* t = p.table;
  Day j;
  std::int64_t within;  // working micros into day j, in (0, nominal]; or -1: the day's close
  if (d.kind == Duration::Kind::working_days) {
    // The n-th working day after the start's day, at its close.
    const std::int64_t k = p.day + 1 - t->first;
    if (k < 0 || k > t->covered) return false;
    const std::int64_t r = std::int64_t{t->rank(k)} + d.n - 1;
    if (r >= t->worked) return false;
    j = t->first + t->day(r);
    within = -1;
  } else {
    // The start's place in the working time: the working days before its day, and the day's working
    // micros before it; the deadline is `micros` further on, in the first period that reaches it (a
    // deadline at a period's end is that end, as counting period by period gives).
    const std::int64_t k = p.day - t->first;
    if (k < 0 || k >= t->covered) return false;
    const std::int64_t base = t->rank(k);
    if (p.used < 0) {
      p.used = 0;
      if (t->rank(k + 1) != base) {
        const std::int64_t sod = p.local - p.day * kDay;
        for (const Period& q : periods_) {
          const std::int64_t b = std::int64_t{q.begin} * kMicrosPerSecond, e = std::int64_t{q.end} * kMicrosPerSecond;
          p.used += std::clamp<std::int64_t>(sod - b, 0, e - b);
        }
      }
    }
    const std::int64_t target = p.used + d.n * 3600 * kMicrosPerSecond;
    std::int64_t q = 0;
    within = target;
    if (within > nominal_micros_) {
      q = (target - 1) / nominal_micros_;
      within = target - q * nominal_micros_;
    }
    if (base + q >= t->worked) return false;
    j = t->first + t->day(base + q);
  }
  // The table's days are within the index, far inside the counts' horizon.
  Instant due = j * kDay - p.offset;
  if (within < 0) {
    due += std::int64_t{periods_.back().end} * kMicrosPerSecond;
  } else {
    for (const Period& q : periods_) {
      const std::int64_t len = std::int64_t{q.end - q.begin} * kMicrosPerSecond;
      if (within <= len) {
        due += std::int64_t{q.begin} * kMicrosPerSecond + within;
        break;
      }
      within -= len;
    }
  }
  out = due;
  return true;
}

[[gnu::always_inline]] inline bool Calendar::add_by_table(Instant start, Duration d, Instant& out) const {
  if (d.n <= 0 || d.n > 0xFFFF) return false;
  Place p;
  return table_place(start, p) && table_due(p, d, out);
}

Instant Calendar::add(Instant start, Duration d) const {
  if (d.working()) {
    if (Instant due; add_by_table(start, d, due)) return due;
  }
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

void Calendar::add_two(Instant start, Duration a, Duration b, Instant& due_a, Instant& due_b) const {
  // Both in working time (a decision's usual pair): the start's place is found once, for both.
  if (a.working() && b.working()) {
    Place p;
    if (table_place(start, p) && table_due(p, a, due_a) && table_due(p, b, due_b)) return;
  }
  due_a = add(start, a);
  due_b = add(start, b);
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

Instant Calendar::add_working_hours_walk(Instant start, std::int64_t micros, Day last) const {
  absl::CivilSecond cs = zone_.tz().At(absl::FromUnixSeconds(floor_secs(start))).cs;
  Day day = days_from_civil(cs.year(), cs.month(), cs.day());
  if (last == kNoDay) last = day + kCountHorizonDays - 1;
  for (; day <= last; ++day) {
    if (!is_working(day)) continue;
    auto [used, due] = consume_day(day, start, micros, true);
    if (due != kNoInstant) return due;
    micros -= used;
  }
  return kNoInstant;
}

Instant Calendar::add_working_days_walk(Day from, std::int64_t n, Day last) const {
  Day day = from;
  if (last == kNoDay) last = from + kCountHorizonDays;
  while (day < last) {
    ++day;
    if (is_working(day) && --n == 0) return period_instant(day, periods_.back().end, true);
  }
  return kNoInstant;
}

Instant Calendar::add_working_days_indexed(Day from, std::int64_t n) const {
  const Day a = from + 1;
  if (bitmap_ && n > 0 && n <= kWindowDays && a + kWindowSteps * 64 <= index_end_) {
    if (const Day j = nth_working_day(a, n); j != kNoDay) return period_instant(j, periods_.back().end, false);
  }
  if (n > 0 && weekday_count_ > 0) {
    // From a guess of whole weeks, one count, then day by day (holidays and make-up days are sparse).
    auto [g, c] = day_reaching_from(
        a, a + (n / weekday_count_) * 7, index_end_, n, [this](Day x, Day y) { return working_days(x, y); },
        [this](Day d) { return std::int64_t{is_working(d)}; });
    // Beyond the index: continue walking from its end.
    if (c < n) return add_working_days_walk(index_end_ - 1, n - c, from + kCountHorizonDays);
    if (g - 1 > from + kCountHorizonDays) return kNoInstant;
    return period_instant(g - 1, periods_.back().end, false);
  }
  const std::int64_t total = working_days(a, index_end_);
  // Beyond the index: continue walking from its end.
  if (total < n) return add_working_days_walk(index_end_ - 1, n - total, from + kCountHorizonDays);
  auto count = [this](Day x, Day y) { return working_days(x, y); };
  const Day j = first_day_reaching(a, index_end_ - 1, n, count);
  if (j > from + kCountHorizonDays) return kNoInstant;
  return period_instant(j, periods_.back().end, false);
}

Instant Calendar::add_working_hours_indexed(Instant start, std::int64_t micros) const {
  const Day day = local_day(start);
  if (is_working(day)) {
    auto [used, due] = consume_day(day, start, micros, false);
    if (due != kNoInstant) return due;
    micros -= used;
  }
  // Whole days after `day`: the first day k with working_micros(day + 1, k + 1) >= micros.
  const Day a = day + 1;
  if (bitmap_ && micros > 0 && nominal_micros_ > 0 && a + kWindowSteps * 64 <= index_end_ && irregular().empty()) {
    // Every working day has the nominal time: k is the ceil(micros / nominal)-th working day.
    const std::int64_t n = (micros + nominal_micros_ - 1) / nominal_micros_;
    if (n <= kWindowDays) {
      if (const Day k = nth_working_day(a, n); k != kNoDay)
        return consume_day(k, kNoInstant + 1, micros - (n - 1) * nominal_micros_, false).second;
    }
  }
  if (micros > 0 && weekday_count_ > 0 && nominal_micros_ > 0) {
    // As add_working_days_indexed: a guess of whole weeks, one count, then day by day.
    auto [g, c] = day_reaching_from(
        a, a + (micros / (nominal_micros_ * weekday_count_)) * 7, index_end_, micros,
        [this](Day x, Day y) { return working_micros(x, y); }, [this](Day d) { return day_micros(d); });
    if (c < micros)
      return add_working_hours_walk(period_instant(index_end_, 0, true), micros - c, day + kCountHorizonDays - 1);
    const Day k = g - 1;
    if (k > day + kCountHorizonDays - 1) return kNoInstant;
    return consume_day(k, kNoInstant + 1, micros - (c - day_micros(k)), false).second;
  }
  const std::int64_t total = working_micros(a, index_end_);
  if (total < micros)
    return add_working_hours_walk(period_instant(index_end_, 0, true), micros - total, day + kCountHorizonDays - 1);
  auto count = [this](Day x, Day y) { return working_micros(x, y); };
  const Day k = first_day_reaching(a, index_end_ - 1, micros, count);
  if (k > day + kCountHorizonDays - 1) return kNoInstant;
  return consume_day(k, kNoInstant + 1, micros - working_micros(a, k), false).second;
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
