// gridroute/case_book.hpp — the open cases a scheduler keeps between sweeps.
//
// A platform's scheduler sweeps its open cases every few minutes, and between two sweeps most of them do
// not change. A CaseBook checks each case once, when it is added or replaced after an event (a dispatch,
// an approved return, a suspension, an extension, a rating), and keeps what the case is at its level: its
// rule, owner and deadlines, and where it would go if it left that level. A sweep then only compares
// `now` with the deadlines. Every sweep gives exactly the actions Snapshot::sweep gives the same cases at
// the same `now` (SPEC §3.5, §6), rejections included.
//
//   gridroute::CaseBook book(engine.snapshot());
//   std::size_t slot = book.add(c);             // after each event of the case: book.replace(slot, c)
//   std::vector<gridroute::Action> actions;
//   auto summary = book.sweep(now, actions);    // actions[slot] answers the case in `slot`
//
// The book copies no text but each case's id: its other ids are resolved to its snapshot's integers when
// it is added, so the caller's strings need live only during add() and replace(). Actions index the book's snapshot; after
// Engine::reload, make a new book from the new snapshot (engine.snapshot() != book.snapshot()).
// A book is not safe to change while another thread sweeps it; sweeps themselves may run concurrently.
#pragma once

#include <cstddef>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "gridroute/decision.hpp"
#include "gridroute/snapshot.hpp"

namespace gridroute {

class CaseBook {
 public:
  explicit CaseBook(std::shared_ptr<const Snapshot> snapshot);
  ~CaseBook();
  CaseBook(CaseBook&&) noexcept;
  CaseBook& operator=(CaseBook&&) noexcept;
  CaseBook(const CaseBook&) = delete;
  CaseBook& operator=(const CaseBook&) = delete;

  const std::shared_ptr<const Snapshot>& snapshot() const;
  std::size_t size() const;
  void reserve(std::size_t n);

  // Adds a case and returns its slot (size() - 1). A case with a bad value is kept too: each sweep
  // answers it `rejected`, with the message Snapshot::escalate gives.
  std::size_t add(const Case& c);
  // Adds many cases, in order, and returns the slot of the first: the same entries as add() one by one,
  // faster, since the cases are settled in groups whose memory reads are prefetched together.
  std::size_t add(std::span<const Case> cases);
  // The case in `slot` after an event (its new fields, whole). `slot` must be < size().
  void replace(std::size_t slot, const Case& c);
  // Takes the case in `slot` out: the last case moves into `slot` (as a vector's swap and pop), so the
  // caller that maps its case ids to slots moves that one entry. `slot` must be < size().
  void remove(std::size_t slot);
  void clear();

  // The action of every case at `now`: actions[i] answers slot i, exactly as Snapshot::sweep(cases, now)
  // would. `threads` 0 means one per hardware thread.
  Snapshot::SweepSummary sweep(Instant now, std::vector<Action>& actions, unsigned threads = 1) const;

  // ---- the same with case lines as `gridroute escalate` reads them (SPEC §4, §6)
  // Adds a case line (a JSON object; a line that cannot be read is kept, and answered `rejected` with
  // why) and returns its slot. The book keeps each case's id to write it back.
  std::size_t add_line(std::string_view line);
  // Every non-blank line of JSON Lines text, framed as LineCodec::escalate_text frames it ('\n' ends a
  // line, a '\r' before it is dropped, a byte-order mark at the start is skipped); returns the slot of
  // the first (size() when the text holds no line).
  std::size_t add_lines(std::string_view text);
  void replace_line(std::size_t slot, std::string_view line);
  // The case's id as its line gave it ("" for a case added as a Case with an empty id).
  std::string_view id(std::size_t slot) const;
  // Appends one action line per case, in slot order, each ending in '\n': the bytes `gridroute escalate`
  // writes for the same lines at `now`.
  Snapshot::SweepSummary sweep_lines(Instant now, std::string& out) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace gridroute
