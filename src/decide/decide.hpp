// Internal: routing and escalation over the compiled index (SPEC §3, §4). gridroute::Snapshot's
// deciding methods forward here; the JSON Lines codec calls the hashed forms directly, having hashed
// and prefetched a group of cells first.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/inlined_vector.h"
#include "compile/index.hpp"
#include "gridroute/decision.hpp"

namespace gridroute::detail {

// An issue's attributes where a C caller laid them out: the C ABI's `gridroute_attr`, 48 bytes each
// (name, its length, type, boolean, number, string, its length), read in place instead of copied into
// `Issue::attrs` (docs/performance.md, "The C batch's attributes read where the caller laid them out").
// Read through memcpy, as bytes of another struct type. The C layer checks the layout against its header
// and hands over only lists that have every length (no NUL-terminated text), no NULL name and only known
// types; `data` null is the issue's own list.
struct CAttrs {
  static constexpr std::size_t kSize = 48, kName = 0, kNameLen = 8, kType = 16, kBoolean = 20, kNumber = 24,
                               kString = 32, kStringLen = 40;
  const std::byte* data = nullptr;
  std::size_t count = 0;

  template <class T>
  static T field(const std::byte* attr, std::size_t offset) {
    T v;
    std::memcpy(&v, attr + offset, sizeof v);
    return v;
  }
  static std::string_view name(const std::byte* attr) {
    return {field<const char*>(attr, kName), field<std::size_t>(attr, kNameLen)};
  }
  // The value: its type, and each field as the caller left it. Only the field of the type is ever read
  // (a declared attribute's type is checked before any condition reads it), so the others are not
  // cleared: decoding the four the same way whatever the type measured faster than choosing.
  static void value(const std::byte* attr, AttrValue& v) {
    v.type = static_cast<AttrValue::Type>(field<std::int32_t>(attr, kType));
    v.b = field<std::int32_t>(attr, kBoolean) != 0;
    v.num = field<double>(attr, kNumber);
    v.str = {field<const char*>(attr, kString), field<std::size_t>(attr, kStringLen)};
  }
};

// An issue already checked against an index: ids resolved to dense integers, attributes indexed by
// their declared position. The fast path routes these directly.
struct PreparedIssue {
  UnitId cell = kNone;
  bool located = false;         // the cell was found from the issue's location (SPEC §7)
  CategoryId category = kNone;  // kNone when the bundle declares no taxonomy
  std::string_view category_code;
  Instant at = 0;
  // The issue's attributes by declared position, not copied: where(a) is the position in `given` of
  // declared attribute a (the last one given, as a later value replaces an earlier), or -1 when missing.
  // Up to kWhereInline declared attributes the positions are kept inline (set in a few stores).
  static constexpr std::size_t kWhereInline = 32;
  // Or, for an issue prepared with CAttrs, those attributes (`given` is then null).
  const std::pair<std::string_view, AttrValue>* given = nullptr;
  const std::byte* c_attrs = nullptr;
  std::int32_t where_inline[kWhereInline];
  std::vector<std::int32_t> where_more;  // when the bundle declares more
  bool where_is_inline = true;
  void reset_where(std::size_t declared) {
    where_is_inline = declared <= kWhereInline;
    if (where_is_inline) std::fill_n(where_inline, declared, -1);
    else where_more.assign(declared, -1);
  }
  std::int32_t& where(std::size_t a) { return where_is_inline ? where_inline[a] : where_more[a]; }
  // Declared attribute a's value: a reference into `given`, or into `tmp` decoded from `c_attrs`.
  const AttrValue& attr(std::int32_t a, AttrValue& tmp) const {
    static constexpr AttrValue kMissing{};
    const auto k = static_cast<std::size_t>(a);
    const std::int32_t i = where_is_inline ? where_inline[k] : where_more[k];
    if (i < 0) return kMissing;
    if (c_attrs) [[unlikely]] {
      CAttrs::value(c_attrs + static_cast<std::size_t>(i) * CAttrs::kSize, tmp);
      return tmp;
    }
    return given[i].second;
  }
  AttrValue attr(std::int32_t a) const {
    AttrValue tmp;
    return attr(a, tmp);
  }
  bool has_severity = false;
  double severity = 0;
};

// Checks an issue against the index — its values (validate.hpp), its cell, category and attribute
// types — and resolves it. On error returns false with `error` set to the message of a `rejected`
// record. `cell_hash` is UnitIndex::hash(issue.cell). Without `with_attrs` the attributes are checked
// the same but not copied into `out` (a pinned case evaluates no condition). `located` is the cell of the
// issue's location when locate_group found it already, else kNotLocated. `cell`, when given, is the
// caller's number of the issue's cell (Snapshot::route_in_cell): checked to be a cell of the index, and
// the issue's cell id and location are not read (`cell_hash` is then unused).
inline constexpr std::int32_t kNotLocated = -2;
bool prepare(const Index& s, const Issue& issue, PreparedIssue& out, std::string& error, std::uint64_t cell_hash,
             bool with_attrs = true, std::int32_t located = kNotLocated, const UnitId* cell = nullptr,
             const CAttrs* c_attrs = nullptr);

// The cells of the issues of a group (at most kPrefetchGroup) that give a location (SPEC §7), found in
// one pass over the group whose memory loads overlap (geo::Locator::locate_many): located[i] is the cell
// or geo::kOutside for an issue with a valid location and no cell, kNotLocated for the others (prepare
// then reports what is wrong). Without cell polygons every entry is kNotLocated.
// For `--explain`: how the issue's location gave its cell (SPEC §7); `out.how` stays none when the issue
// gives a cell, or a location that cannot be looked up.
void explain_location(const Index& s, const Issue& issue, LocationTrace& out);
void locate_group(const Index& s, const Issue* const* issues, std::size_t n, std::int32_t* located);

// Whether the condition tree at `node` holds for the issue; `workday` tests `calendar` (kNone: false).
bool eval(const Index& s, std::int32_t node, const PreparedIssue& issue, CalendarId calendar);
// The same evaluation (the same code), also describing in `why` why the tree holds or not for this issue:
// e.g. `attr severity is missing; ne is false on a missing attribute`, or
// `local_time 09:15 is outside ["22:00", "06:00")` (the `why_not` of an `--explain` trace entry).
bool eval_explained(const Index& s, std::int32_t node, const PreparedIssue& issue, CalendarId calendar,
                    std::string& why);

// Where the scope search of an issue starts (found for a group of issues at once, their searches side
// by side: find_scope_starts): its merged group, else the one pattern group of its chain, and that
// group's deepest scope node at or before `cell` (kSearchScope: not found). Routing uses it only for an
// issue prepared with that cell.
inline constexpr std::int32_t kSearchScope = std::numeric_limits<std::int32_t>::min();
struct ScopeStart {
  UnitId cell = kNone;
  std::int32_t merged = -1;
  std::int32_t single = -1;  // the chain's one group, when it has one and no merged group
  std::int32_t node = kSearchScope;
  // The candidate the search tries first (its index in the group's candidates: the least position at the
  // heads of the nodes that hold the cell), when the walk up those nodes was finished; else -1.
  std::int32_t first = -1;
};
// The starts of `n` issues (at most kPrefetchGroup) that are not prepared yet: each for the cell its id
// most likely names (`cell_hashes`, as prepare takes them) or the one `located` gave; an issue with
// `skip[i]` (may be null) gets none.
void find_scope_starts(const Index& s, const Issue* const* issues, const std::uint64_t* cell_hashes,
                       const std::int32_t* located, const bool* skip, std::size_t n, ScopeStart* out);

// Level-0 routing of a prepared issue (no severity skip, no deadlines); with `explain`, the trace.
// `start`, when given, is where its scope search starts (used when it was found for the issue's cell).
void route_prepared(const Index& s, const PreparedIssue& issue, Decision& d, bool explain,
                    const ScopeStart* start = nullptr);
// The whole decision of SPEC §4 into `d` (cleared first, its buffers reused); `cell` as for prepare.
void route_into(const Index& s, const Issue& issue, bool explain, std::uint64_t cell_hash, Decision& d,
                std::int32_t located = kNotLocated, const UnitId* cell = nullptr);

// Hashes `n` (at most kPrefetchGroup) cell ids into `hashes` and prefetches, in stages, what deciding
// them reads, so that the memory latency of one issue overlaps the others'. 64 issues a group: 2-3% of
// a batch faster than 32 (docs/performance.md, "Deadlines from a table of working days").
inline constexpr std::size_t kPrefetchGroup = 64;
void prefetch_cells(const Index& s, const std::string_view* cells, std::size_t n, std::uint64_t* hashes);
// The stages of prefetch_cells after the lookup of the ids, for cells known by number (a negative entry
// is skipped): e.g. those that locate_group found.
void prefetch_units(const Index& s, const UnitId* cells, std::size_t n);
// route_into for a group of at most kPrefetchGroup issues whose cells were prefetched: every issue
// prepared first, then their scope searches side by side (their misses overlap), then each decided.
// `cell_hashes`, `located` and `cells` (each may be null) are per issue as route_into takes them.
// `found` (may be null): per issue given by cell id, the unit that id was already confirmed to be, which
// is then prepared as a cell given by number (the same answer: the id is that unit's), or kNone to
// look the id up as usual.
void route_group(const Index& s, const Issue* const* issues, std::size_t n, bool explain,
                 const std::uint64_t* cell_hashes, const std::int32_t* located, const UnitId* cells, Decision* const* out,
                 const UnitId* found = nullptr, const CAttrs* c_attrs = nullptr);
// `c_attrs` (may be null): per issue, its attributes where a C caller laid them out (an entry whose `data`
// is null: the issue's own). An issue prepared from them is never rejected for what their text or types
// would need the full checks to word: it is rejected with a message of no use, and the C layer routes it
// again from a copy (the same answer as if it had been copied first).
void route_batch(const Index& s, std::span<const Issue> issues, std::span<Decision> out, bool explain,
                 const CAttrs* c_attrs = nullptr);
// The same with each issue's cell given by number (Snapshot::route_batch_in_cells).
void route_batch_in_cells(const Index& s, std::span<const Issue> issues, std::span<const UnitId> cells,
                          std::span<Decision> out, bool explain, const CAttrs* c_attrs = nullptr);
// The same for the handler ids pinned on a group of cases (SPEC §6.1), in two stages to put around other
// work: hash each id into `hashes` and prefetch its index slot; then the handler's id offsets and text,
// role, calendar and served units. An empty id (no pinned handler) gets hash 0 and no loads.
void prefetch_handler_slots(const Index& s, const std::string_view* ids, std::size_t n, std::uint64_t* hashes);
void prefetch_handler_records(const Index& s, const std::string_view* ids, std::size_t n, const std::uint64_t* hashes);

// For a group of `m` (at most kPrefetchGroup) cases about to be evaluated: prefetches, in stages, what
// checking and evaluating them reads (the caller's text and attributes, the cells' and pinned handlers'
// index entries, the records up to `next_end`, where the next group ends), and fills the cells' hashes,
// the pinned handlers' hashes and the cells of the cases that give a location (locate_group).
void prefetch_cases(const Index& s, const Case* cases, std::size_t m, const Case* next_end, std::uint64_t* hashes,
                    std::uint64_t* handler_hashes, std::int32_t* located);

// The action of SPEC §3.5 and §6 for a case at `now`; with `explain`, the steps in Action::trace.
// `handler_hash`, when given, is UnitIndex::hash of the pinned handler id (prefetch_handler_slots).
// `memo`, when given for the same `now`, remembers the deadlines counted from `now` across the cases
// of a batch (levels.hpp).
class NowDeadlines;
Action escalate(const Index& s, const Case& c, Instant now, std::uint64_t cell_hash, bool explain = false,
                const std::uint64_t* handler_hash = nullptr, NowDeadlines* memo = nullptr,
                std::int32_t located = kNotLocated);
// The same into `a`, which must be as an Action is constructed: a sweep fills its output in place.
// `start`, when given, is where the scope search of the case's issue starts, should its rule be selected
// again (find_scope_starts over the batch's cases). `cell`, when given, is the issue's cell by number,
// and the issue's cell id is not read (as route_into takes it).
void escalate_into(const Index& s, const Case& c, Instant now, std::uint64_t cell_hash, Action& a, bool explain = false,
                   const std::uint64_t* handler_hash = nullptr, NowDeadlines* memo = nullptr,
                   std::int32_t located = kNotLocated, const ScopeStart* start = nullptr,
                   const UnitId* cell = nullptr);

}  // namespace gridroute::detail
