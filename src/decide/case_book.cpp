// gridroute::CaseBook: the first half of a case's evaluation (case_steps.hpp) once per case, the second
// half at each sweep. What each entry keeps is what escalate_into computes before it reads `now`.
#include "gridroute/case_book.hpp"

#include <algorithm>
#include <stdexcept>

#include "compile/index.hpp"
#include "decide/case_steps.hpp"
#include "decide/levels.hpp"
#include "decide/sweep_parts.hpp"
#include "decide/validate.hpp"
#include "io/parser.hpp"
#include "io/writer.hpp"
#include "gridroute/jsonl.hpp"

namespace gridroute {
namespace book {

using detail::CaseState;
using detail::Move;

// What a case is at its level, before `now` is read.
struct Entry {
  enum class Kind : std::uint8_t {
    rejected,            // its own values are wrong: rejected whatever `now` is
    rejected_after_now,  // its level does not exist or resolves nobody: rejected once `now` is valid
    resolved,            // none, or reopen when rated low
    returned,            // open, its owner returned it: redispatch or dispute (after a suspension)
    open,                // hold, escalate or overdue (after a suspension)
  };
  Kind kind = Kind::rejected;
  detail::LineId::Kind id_kind = detail::LineId::string;
  std::string id;  // the case's id, as its line gave it
  bool located = false, fallback = false, repinned = false, responded = false, repeat = false, low = false;
  std::int32_t level = 0;
  RoleKeyId role = kNone;
  HandlerId handler = kNone;
  UnitId unit = kNone, cell = kNone;
  RuleId rule = kNone;
  PolicyId policy = kNone;
  // open: the level's deadlines from its start, moved by the extension; with suspensions, not yet moved.
  Instant respond = kNoInstant, resolve = kNoInstant;
  Move move;  // where it goes when it leaves the level (escalate, reopen, redispatch)
  // The rare parts: the rejection's message; the suspensions, which move the deadlines as `now` passes.
  struct Extra {
    std::string error;
    std::vector<Suspension> suspended;
    Instant level_started_at = kNoInstant, extended_to = kNoInstant;
  };
  std::unique_ptr<Extra> extra;
};

// The fields of an action that say what the case is at its level (settle_case sets them), between an
// Action and an Entry, whose members share their names.
template <class From, class To>
void copy_base(const From& from, To& to) {
  to.cell = from.cell;
  to.located = from.located;
  to.rule = from.rule;
  to.fallback = from.fallback;
  to.policy = from.policy;
  to.repinned = from.repinned;
  to.level = from.level;
  to.role = from.role;
  to.handler = from.handler;
  to.unit = from.unit;
}

void settle(const detail::Index& s, const Case& c, Entry& e);
void settle(const detail::Index& s, const Case& c, Entry& e, std::uint64_t cell_hash, const std::uint64_t* handler_hash,
            std::int32_t located) {
  e.id.assign(c.issue.id);
  e.id_kind = detail::LineId::string;
  e.extra.reset();
  e.kind = Entry::Kind::rejected;
  e.responded = e.repeat = e.low = false;
  e.respond = e.resolve = kNoInstant;
  e.move.found = false;
  e.move.assist.clear();
  Action a;
  CaseState st;
  const detail::Settled how =
      detail::settle_case(s, c, cell_hash, handler_hash, located, nullptr, a, false, st);
  if (how != detail::Settled::ok) {
    e.kind = how == detail::Settled::rejected ? Entry::Kind::rejected : Entry::Kind::rejected_after_now;
    e.extra = std::make_unique<Entry::Extra>();
    e.extra->error = std::move(a.error);
    return;
  }
  copy_base(a, e);  // what settle_case made of the case
  if (c.resolved) {
    // Returns and suspensions concern open cases only.
    e.kind = Entry::Kind::resolved;
    e.low = detail::rated_low(st, c.rating);
    if (e.low) detail::next_level(s, st, c.level, e.move, a, false);
    return;
  }
  if (!c.suspended.empty()) {
    e.extra = std::make_unique<Entry::Extra>();
    e.extra->suspended = c.suspended;
    e.extra->level_started_at = c.level_started_at;
    e.extra->extended_to = c.extended_to;
  }
  if (!c.returned.empty() && detail::owner_returned(s, c, st.owner)) {
    e.kind = Entry::Kind::returned;
    detail::redispatch_target(s, c, st, e.move, a, false);
    return;
  }
  e.kind = Entry::Kind::open;
  e.responded = c.responded;
  e.repeat = detail::repeated(st, c.reports);
  detail::level_dues(s, c, st, e.respond, e.resolve);
  // Without suspensions only the extension moves them, whatever `now` is.
  if (c.suspended.empty()) detail::moved_dues({}, c.level_started_at, c.extended_to, 0, e.respond, e.resolve);
  detail::next_level(s, st, c.level, e.move, a, false);
}

// The action of one entry at a valid `now` into `a`, which is as an Action is constructed.
void answer(const detail::Index& s, const Entry& e, Instant now, const std::string* now_error,
            detail::NowDeadlines& memo, Action& a) {
  auto reject = [&](const std::string& msg) {
    a.kind = Action::Kind::rejected;
    a.error = msg;
  };
  if (e.kind == Entry::Kind::rejected) return reject(e.extra->error);
  if (now_error) return reject(*now_error);
  if (e.kind == Entry::Kind::rejected_after_now) return reject(e.extra->error);
  copy_base(e, a);
  CaseState st;  // what apply_move reads: the rule and its policy
  st.rule = e.rule == kNone ? &s.fallback_rule : &s.rules[static_cast<std::size_t>(e.rule)];
  st.policy = e.policy == kNone ? nullptr : &s.policies[static_cast<std::size_t>(e.policy)];
  if (e.kind == Entry::Kind::resolved) {
    if (!e.low) {
      a.kind = Action::Kind::none;
      return;
    }
    a.reasons = static_cast<std::uint8_t>(Reason::low_rating);
    return detail::apply_move(s, st, e.move, Action::Kind::reopen, now, &memo, a);
  }
  if (Instant until; e.extra && detail::suspended_at(e.extra->suspended, now, until)) {
    a.kind = Action::Kind::suspended;
    a.next_check = until;
    return;
  }
  if (e.kind == Entry::Kind::returned) {
    a.reasons = static_cast<std::uint8_t>(Reason::returned);
    return detail::apply_move(s, st, e.move, Action::Kind::redispatch, now, &memo, a);
  }
  Instant respond = e.respond, resolve = e.resolve;
  if (e.extra)
    detail::moved_dues(e.extra->suspended, e.extra->level_started_at, e.extra->extended_to, now, respond, resolve);
  a.reasons = detail::missed_at(e.responded, respond, resolve, e.repeat, now);
  if (a.reasons) return detail::apply_move(s, st, e.move, Action::Kind::escalate, now, &memo, a);
  a.kind = Action::Kind::hold;
  a.next_check = detail::hold_until(e.responded, respond, resolve);
}

void settle(const detail::Index& s, const Case& c, Entry& e) {
  settle(s, c, e, detail::UnitIndex::hash(c.issue.cell), nullptr, detail::kNotLocated);
}

// A line that cannot be read: rejected at every sweep, with why.
void unreadable(Entry& e, const detail::LineId& id, std::string error) {
  e.extra = std::make_unique<Entry::Extra>();
  e.extra->error = std::move(error);
  e.kind = Entry::Kind::rejected;
  e.id.assign(id.text);
  e.id_kind = id.kind;
}

}  // namespace book

struct CaseBook::Impl {
  std::shared_ptr<const Snapshot> snapshot;
  std::vector<book::Entry> entries;
  // Reading case lines, made on first use.
  std::unique_ptr<detail::LineParser> parser;
  detail::LineSlot slot;
  Case c;

  void read(std::string_view line, book::Entry& e) {
    const detail::Index& s = snapshot->index();
    if (!parser) parser = std::make_unique<detail::LineParser>(CodecOptions{}.max_line_bytes, s.local_times ? &s.zone : nullptr);
    detail::LineId id;
    if (line.size() > parser->max_line_bytes()) {
      book::unreadable(e, id, parser->too_long(line.size()));
    } else if (!parser->read_case(line, c, id, slot, boost::json::storage_ptr())) {
      book::unreadable(e, id, std::move(parser->error()));
    } else {
      book::settle(s, c, e);
      e.id.assign(id.text);
      e.id_kind = id.kind;
    }
    slot.value = nullptr;
  }
};

CaseBook::CaseBook(std::shared_ptr<const Snapshot> snapshot) : impl_(std::make_unique<Impl>()) {
  impl_->snapshot = std::move(snapshot);
}
CaseBook::~CaseBook() = default;
CaseBook::CaseBook(CaseBook&&) noexcept = default;
CaseBook& CaseBook::operator=(CaseBook&&) noexcept = default;

const std::shared_ptr<const Snapshot>& CaseBook::snapshot() const { return impl_->snapshot; }
std::size_t CaseBook::size() const { return impl_->entries.size(); }
void CaseBook::reserve(std::size_t n) { impl_->entries.reserve(n); }

std::size_t CaseBook::add(const Case& c) {
  book::settle(impl_->snapshot->index(), c, impl_->entries.emplace_back());
  return impl_->entries.size() - 1;
}

std::size_t CaseBook::add(std::span<const Case> cases) {
  const detail::Index& s = impl_->snapshot->index();
  auto& v = impl_->entries;
  const std::size_t first = v.size();
  v.reserve(first + cases.size());
  // In groups, with what settling each case reads prefetched for the whole group first (as a sweep).
  std::uint64_t hashes[detail::kPrefetchGroup], handler_hashes[detail::kPrefetchGroup];
  std::int32_t located[detail::kPrefetchGroup];
  for (std::size_t base = 0; base < cases.size(); base += detail::kPrefetchGroup) {
    const std::size_t m = std::min(detail::kPrefetchGroup, cases.size() - base);
    detail::prefetch_cases(s, cases.data() + base, m, cases.data() + std::min(cases.size(), base + m + m), hashes,
                           handler_hashes, located);
    for (std::size_t i = 0; i < m; ++i)
      book::settle(s, cases[base + i], v.emplace_back(), hashes[i], &handler_hashes[i], located[i]);
  }
  return first;
}

void CaseBook::replace(std::size_t slot, const Case& c) { settle(impl_->snapshot->index(), c, impl_->entries.at(slot)); }

void CaseBook::remove(std::size_t slot) {
  auto& v = impl_->entries;
  if (slot >= v.size()) throw std::out_of_range("CaseBook::remove: no such slot");
  if (slot + 1 != v.size()) v[slot] = std::move(v.back());
  v.pop_back();
}

void CaseBook::clear() { impl_->entries.clear(); }

std::size_t CaseBook::add_line(std::string_view line) {
  impl_->read(line, impl_->entries.emplace_back());
  return impl_->entries.size() - 1;
}

std::size_t CaseBook::add_lines(std::string_view text) {
  const std::size_t first = impl_->entries.size();
  if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);
  while (!text.empty()) {
    const std::size_t end = text.find('\n');
    std::string_view line = text.substr(0, end);
    text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
    if (line.ends_with('\r')) line.remove_suffix(1);
    if (line.find_first_not_of(" \t") != std::string_view::npos) add_line(line);
  }
  return first;
}

void CaseBook::replace_line(std::size_t slot, std::string_view line) { impl_->read(line, impl_->entries.at(slot)); }

std::string_view CaseBook::id(std::size_t slot) const { return impl_->entries.at(slot).id; }

Snapshot::SweepSummary CaseBook::sweep_lines(Instant now, std::string& out) const {
  const detail::Index& s = impl_->snapshot->index();
  std::string now_error_text;
  const std::string* now_error = detail::check_now(now, now_error_text) ? nullptr : &now_error_text;
  detail::NowDeadlines memo(now);
  detail::Rfc3339Memo times;
  Snapshot::SweepSummary sum;
  Action a;
  for (const book::Entry& e : impl_->entries) {
    a.clear();  // back to a fresh action, keeping its buffers
    book::answer(s, e, now, now_error, memo, a);
    detail::tally(sum, a);
    detail::append_action(out, s, detail::LineId{e.id, e.id_kind}, a, false, &times);
    out.push_back('\n');
  }
  return sum;
}

Snapshot::SweepSummary CaseBook::sweep(Instant now, std::vector<Action>& actions, unsigned threads) const {
  const detail::Index& s = impl_->snapshot->index();
  const std::vector<book::Entry>& entries = impl_->entries;
  std::string now_error_text;
  const std::string* now_error = detail::check_now(now, now_error_text) ? nullptr : &now_error_text;
  return detail::sweep_in_parts(entries.size(), threads, actions, [&](std::size_t begin, std::size_t end,
                                                                       Snapshot::SweepSummary& sum, auto&& slot) {
    detail::NowDeadlines memo(now);
    for (std::size_t i = begin; i < end; ++i) {
      Action& a = slot(i);
      book::answer(s, entries[i], now, now_error, memo, a);
      detail::tally(sum, a);
    }
  });
}

}  // namespace gridroute
