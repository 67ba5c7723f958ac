// gridroute/snapshot.hpp — a compiled, immutable bundle.
//
// A Snapshot is built once from a bundle (load_bundle, or Engine::load) and never changes, so any number
// of threads may route against one `std::shared_ptr<const Snapshot>` at once. The integer ids in a
// Decision or Action index the snapshot that made it; read them through the same snapshot:
//
//   auto snap = gridroute::load_bundle("examples/lanxi").value();
//   gridroute::Decision d = snap->route(issue);
//   if (d.status == gridroute::Decision::Status::routed) std::cout << snap->handler_id(d.handler) << "\n";
//
// The compiled index behind it is private to the library (re2 shows `RE2`, never its `Prog`).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "gridroute/bundle.hpp"
#include "gridroute/decision.hpp"
#include "gridroute/time.hpp"

namespace gridroute {

namespace detail {
struct Index;
}

class Snapshot {
 public:
  // Made by load_bundle; the index is the library's own.
  explicit Snapshot(std::unique_ptr<const detail::Index> index);
  ~Snapshot();
  Snapshot(const Snapshot&) = delete;
  Snapshot& operator=(const Snapshot&) = delete;

  // ---- what it is
  std::string_view name() const;       // jurisdiction.json "name", or ""
  std::string_view time_zone() const;  // the jurisdiction's IANA time zone; answers are written in it
  // A digest of the bundle's files (SPEC §6.6): the first 16 lowercase hex digits of their SHA-256 (see
  // docs/lifecycle.md). The same files give the same digest on every machine; any changed byte changes it.
  std::string_view digest() const;
  // `t` as RFC 3339 in the jurisdiction's time zone, e.g. "2026-11-20T09:15:00+08:00"; "" for kNoInstant.
  std::string format_time(Instant t) const;
  // A number that no other snapshot made in this process has (never 0): the cell numbers of find_unit
  // belong to it. The C ABI's cells by number (gridroute_engine_find_units) carry it so that a number
  // from before a reload is recognised as such rather than read in the new snapshot.
  std::uint64_t generation() const { return generation_; }

  // ---- ids by index (each valid while the snapshot lives)
  std::size_t unit_count() const;
  std::string_view unit_id(UnitId u) const;
  std::string_view unit_name(UnitId u) const;  // "" when the unit has none
  std::string_view unit_tier(UnitId u) const;
  UnitId find_unit(std::string_view id) const;  // kNone when absent
  std::size_t handler_count() const;
  std::string_view handler_id(HandlerId h) const;
  HandlerId find_handler(std::string_view id) const;  // kNone when absent
  std::size_t rule_count() const;
  std::string_view rule_id(RuleId r) const;
  RuleId find_rule(std::string_view id) const;  // kNone when absent
  std::size_t policy_count() const;
  std::string_view policy_id(PolicyId p) const;
  std::string_view role_name(RoleKeyId k) const;
  std::string_view department(RoleKeyId k) const;  // "" when the role has none

  // ---- deciding (SPEC §3–§4). Every issue and case is checked first (instants in range, strings
  // valid UTF-8, counts and levels in range, attribute types); a bad one is `rejected` with a message.
  Decision route(const Issue& issue, bool explain = false) const;
  // The same into `d` (cleared first, its buffers reused).
  void route_into(const Issue& issue, Decision& d, bool explain = false) const;
  // Routes many issues: out[i] is route(issues[i], explain); `out` must be as long as `issues`. The
  // batch is taken in groups whose index reads are prefetched together, so the memory latency of one
  // issue overlaps the others': the fast way to route a stream over a large jurisdiction.
  void route_batch(std::span<const Issue> issues, std::span<Decision> out, bool explain = false) const;
  // The same decisions with the issue's cell given by its number in this snapshot (find_unit), for a
  // caller that keeps the numbers of its cells: the cell's id is not looked up, so a decision reads
  // fewer lines of memory. The issue's `cell` text and location are not read (they may be empty), and
  // the decision's `located` is false. A number that is not a cell of this snapshot (kNone, which
  // find_unit gives for an unknown id, included) gets a `rejected` decision. The numbers belong to the
  // snapshot that gave them: look them up again after a reload (Engine::snapshot), as the other integer
  // ids. Escalation (escalate, sweep, CaseBook) still reads a case's cell id or location: keep the id
  // in the issues that become cases.
  Decision route_in_cell(const Issue& issue, UnitId cell, bool explain = false) const;
  // out[i] is route_in_cell(issues[i], cells[i], explain); `cells` and `out` must be as long as
  // `issues`: only the first of the shortest length are routed, and the rest of `out` is left as it was.
  void route_batch_in_cells(std::span<const Issue> issues, std::span<const UnitId> cells, std::span<Decision> out,
                            bool explain = false) const;
  // How an issue's location gives its cell (SPEC §7): inside a polygon (and which later polygons hold the
  // point too), snapped to the nearest boundary within snap_meters (and the other cells within it), or
  // outside (and the nearest cell within 100 km). `how` is none for an issue that gives a cell, or a
  // location that is not a valid point or has no polygons to be looked up in. `--explain` writes it as
  // "located".
  LocationTrace explain_location(const Issue& issue) const;
  // The action for a case at `now` (SPEC §3.5, §6); `explain` fills Action::trace with the steps.
  Action escalate(const Case& c, Instant now, bool explain = false) const;
  // Evaluates many cases at one `now` (a scheduler's sweep): `actions[i]` answers `cases[i]`, the same
  // for any thread count. `threads` 0 means one per hardware thread. `actions` is replaced, its capacity
  // kept: a scheduler that keeps the vector from one sweep to the next writes into memory already
  // touched (a fresh one pays the first touch of its pages, 150 MB for a million actions). Nothing is
  // asked of the vector's pages: they are the caller's allocator's.
  struct SweepSummary {
    std::size_t counts[Action::kKinds] = {};  // by Action::Kind
    Instant next_sweep = kNoInstant;  // the earliest next_check among holding cases
  };
  SweepSummary sweep(std::span<const Case> cases, Instant now, std::vector<Action>& actions,
                     unsigned threads = 1) const;

  // The compiled index, for the library's own code.
  const detail::Index& index() const { return *index_; }

 private:
  std::unique_ptr<const detail::Index> index_;
  std::uint64_t generation_;
};

}  // namespace gridroute
