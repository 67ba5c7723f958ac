// Internal to compile/: the compiler's state while it turns one file model into an index. The
// jurisdiction side (tiers, units, handlers, the unit tree) is in jurisdiction.cpp, the rules side
// (roles, attributes, calendars, conditions, rules, policies, candidate lists) in rules.cpp.
#pragma once

#include <algorithm>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "base/memory.hpp"
#include "base/strings.hpp"
#include "compile/compile.hpp"

namespace gridroute::detail {

inline constexpr std::string_view kBuiltinRoles[] = {"resident_council", "property_manager", "enforcement_squad",
                                                     "partner_department"};
inline constexpr std::string_view kPartner = "partner_department";

// "/base/index" or "/base/index/field": the pointer of a list element (or one of its fields).
inline std::string ptr(std::string_view base, std::size_t index, std::string_view field = {}) {
  std::string p = cat(base, "/", index);
  if (!field.empty()) append(p, "/", field);
  return p;
}

// Unit ids looked up in turn over a long list of rows (each unit row's parent, each handler row's first
// served unit). One lookup is three dependent cache misses in tables of millions: the id's slot, its
// offset, its text. So while row i is looked up, row i + kStep has its text prefetched, row i + 2·kStep
// its offset and row i + 3·kStep its slot, and the misses of several rows overlap. `key(j)` is row j's
// id, or an empty view when row j needs no lookup (the caller reuses the row before's).
template <class Key>
class UnitLookupsAhead {
 public:
  UnitLookupsAhead(const Index& s, std::size_t rows, Key key) : s_(s), n_(rows), key_(std::move(key)) {
    for (std::size_t j = 0; j < 3 * kStep; ++j) slot(j);
    for (std::size_t j = 0; j < 2 * kStep; ++j) offset(j);
    for (std::size_t j = 0; j < kStep; ++j) text(j);
  }
  // Before row i's lookup, rows in order: moves the prefetches on by one row.
  void advance(std::size_t i) {
    slot(i + 3 * kStep);
    offset(i + 2 * kStep);
    text(i + kStep);
  }
  // The hash of row i's id (computed ahead when key(i) gave it).
  std::uint64_t hash(std::size_t i, std::string_view id) const {
    const Entry& e = ring_[i % kRing];
    return e.keyed ? e.hash : UnitIndex::hash(id);
  }

 private:
  static constexpr std::size_t kStep = 6, kRing = 32;
  static_assert(kRing > 3 * kStep);
  struct Entry {
    std::uint64_t hash = 0;
    std::int32_t unit = -1;
    bool keyed = false;
  };
  void slot(std::size_t j) {
    if (j >= n_) return;
    Entry& e = ring_[j % kRing];
    const std::string_view id = key_(j);
    e.keyed = !id.empty();
    e.unit = -1;
    if (!e.keyed) return;
    e.hash = UnitIndex::hash(id);
    __builtin_prefetch(s_.unit_index.slot_address(e.hash));
  }
  void offset(std::size_t j) {
    if (j >= n_) return;
    Entry& e = ring_[j % kRing];
    if (!e.keyed) return;
    e.unit = s_.unit_index.first_match(e.hash);
    if (e.unit >= 0) __builtin_prefetch(s_.unit_id_offset.data() + e.unit);
  }
  void text(std::size_t j) {
    if (j >= n_) return;
    const Entry& e = ring_[j % kRing];
    if (e.unit >= 0) __builtin_prefetch(s_.unit_id_chars.data() + s_.unit_id_offset[static_cast<std::size_t>(e.unit)]);
  }
  const Index& s_;
  std::size_t n_;
  Key key_;
  Entry ring_[kRing];
};

class Compiler {
 public:
  Compiler(spec::Jurisdiction& j, spec::Rules& r, Problems& p, const LoadOptions& o)
      : jur_(j), rules_(r), problems_(p), opt_(o), s_(std::make_unique<Index>()) {}

  std::unique_ptr<Index> run();

 private:
  // ---- where problems go
  void jerr(std::string pointer, std::string msg) { problems_.json(FileId::jurisdiction, std::move(pointer), std::move(msg)); }
  void rerr(std::string pointer, std::string msg) { problems_.json(FileId::rules, std::move(pointer), std::move(msg)); }
  void unit_err(const spec::UnitView& u, std::string_view field, std::string msg, bool followup = false) {
    if (u.from_csv) problems_.csv(FileId::units_csv, u.origin, cat(field, ": ", msg), followup);
    else problems_.json(FileId::jurisdiction, ptr("/units", static_cast<std::size_t>(u.origin), field), std::move(msg), followup);
  }
  // The same for a unit after units() has freed the rows: where its row was read (unit_origin_).
  void unit_err(UnitId u, std::string_view field, std::string msg, bool followup = false) {
    const auto i = static_cast<std::size_t>(u);
    if (i >= json_units_) problems_.csv(FileId::units_csv, unit_origin_[i], cat(field, ": ", msg), followup);
    else problems_.json(FileId::jurisdiction, ptr("/units", unit_origin_[i], field), std::move(msg), followup);
  }
  // Whether a unit's tier is a declared one (after units()).
  bool tier_known(UnitId u) const {
    return !std::binary_search(unknown_tier_units_.begin(), unknown_tier_units_.end(), u);
  }
  void handler_err(const spec::HandlerView& h, std::string_view field, std::string msg) {
    if (h.from_csv) problems_.csv(FileId::handlers_csv, h.origin, cat(field, ": ", msg));
    else jerr(ptr("/handlers", static_cast<std::size_t>(h.origin), field), std::move(msg));
  }

  // ---- which sides of the bundle a check reads (see Problems::Reading): a check that reads a side with
  // shape errors records nothing.
  Problems::Reading reads(std::uint8_t sides) { return Problems::Reading(problems_, sides); }
  static constexpr std::uint8_t kJ = kJurisdictionSide, kR = kRulesSide, kBoth = kJurisdictionSide | kRulesSide;
  // Checks that read the unit table (see kUnitsSide) read kU besides.
  static constexpr std::uint8_t kU = kUnitsSide;
  // Whether part `i` of a list is marked broken in `flags` (see spec::Rules::broken_rules).
  static bool broken(const std::vector<bool>& flags, std::size_t i) { return i < flags.size() && flags[i]; }

  // ---- "did you mean" (suggest.cpp): the closest unit, handler, role, calendar, policy... to an unknown
  // one. Unit and handler lists can be long: their suggestions stop after a budget of candidates.
  // The closest unit id, or ""; with `child_tier` (>= 0), the closest that could be the parent of a unit of
  // that tier.
  std::string unit_suggestion(std::string_view id, std::int32_t child_tier = -1);
  std::string unit_hint(std::string_view id);
  std::string handler_hint(std::string_view id);
  std::string role_hint(std::string_view role);
  std::string calendar_hint(std::string_view id);
  std::string policy_hint(std::string_view id);
  std::string tier_hint(std::string_view tier);
  std::string attribute_hint(std::string_view name);
  // For a category pattern's code (`prefix`: the pattern ends in ".*", which the suggestion keeps).
  std::string category_hint(std::string_view code, bool prefix);
  // Whether `n` more candidates may be looked at for a suggestion (and counts them): every suggestion
  // draws on one budget, so that a bundle of many misspelt references costs a bounded time, not one
  // search of every id per error.
  bool suggest_within(std::size_t n) {
    if (n > suggest_budget_) return false;
    suggest_budget_ -= n;
    return true;
  }
  std::size_t suggest_budget_ = std::size_t{8} << 20;  // candidates looked at, over the whole bundle

  // ---- jurisdiction (jurisdiction.cpp)
  void header();
  void tiers();
  void units();
  void handler_ids();
  void handlers();
  // The unit tree in three steps: the tour (Euler-tour intervals, depths, which units have children),
  // which records no problem and says whether the tree is clean; the errors of a tree that is not; the
  // served index and the records routing reads (after handlers()).
  bool tour();
  void tree_errors();
  void served_index();
  void cells();
  void add_role(std::string r);

  // ---- rules (rules.cpp)
  void rules_preamble();
  void calendar(std::size_t i);
  CalendarId calendar_ref(const std::string& id, FileId file, std::string pointer, bool& ok);
  RoleKeyId intern_key(std::int32_t role, std::int32_t dept);
  std::int32_t intern_department(const std::string& d);
  RoleKeyId role_ref(const spec::RoleRef& r, const std::string& pointer, bool& ok);
  std::optional<Duration> duration(const std::optional<std::string>& text, const std::string& pointer, bool& ok);
  std::int32_t condition(const spec::Condition& c, CalendarId cal, std::size_t depth, bool& ok);
  static std::string_view op_name(spec::Condition::Op op);
  void rules();
  void policies_and_defaults();
  void categories();
  void build_scope_index();

  spec::Jurisdiction& jur_;
  spec::Rules& rules_;
  Problems& problems_;
  const LoadOptions& opt_;
  std::unique_ptr<Index> s_;
  // Working arrays of the unit tree (the index keeps what routing reads in `hot`).
  BigVector<UnitId> parent_;
  BigVector<std::uint8_t> tier_of_;
  BigVector<std::int32_t> tin_, tout_;
  BigVector<std::uint16_t> depth_;
  BigVector<UnitId> order_;              // units in tour order (kNone past the units reached)
  BigVector<std::uint8_t> has_child_;
  bool unknown_tiers_ = false;           // some unit's tier is not a declared tier
  bool units_sound_ = true;              // the tiers, units and tree recorded no problem
  bool rows_sound_ = true;               // the tiers and units did (the tree aside): cells() reads them
  BigVector<std::uint32_t> served_offset_;  // per unit, into Index::served; size units+1
  StringMap<std::string, std::int32_t> tier_index_;
  StringMap<std::string, std::int32_t> role_index_;
  StringMap<std::string, std::int32_t> dept_index_;
  bool explicit_default_calendar_ = true;
  // The rule being compiled names a calendar (its own or defaults.calendar) that has errors of its own:
  // its workday conditions are not reported again for lacking one.
  bool condition_calendar_broken_ = false;
  // Attributes declared with a type that is not one (already an error): conditions on them are not
  // reported again as undeclared.
  absl::flat_hash_set<std::string> bad_type_attrs_;
  bool has_root_ = true;  // a unit without a parent was found (the tour starts there)
  // Units whose parent is unknown: reported by tree(), with the units cut off below them, and the
  // parent ids they give (unknown_parent_ids_[k] is unknown_parent_[k]'s).
  std::vector<UnitId> unknown_parent_;
  std::vector<std::string> unknown_parent_ids_;
  // What the tree's errors name of a unit once units() has freed the unit rows and their text: where
  // each row was read (a CSV line, or the unit's index in jurisdiction.json's units, which come first:
  // json_units_ of them), and the units whose tier is not declared (ascending). Ids are in the index.
  BigVector<std::uint32_t> unit_origin_;
  std::size_t json_units_ = 0;
  std::vector<UnitId> unknown_tier_units_;
  // Per handler row, from handler_ids(): kBadHandlerId, kDuplicateHandlerId; reported by handlers().
  static constexpr std::uint8_t kBadHandlerId = 1, kDuplicateHandlerId = 2;
  // From this many handler rows on, handler_ids() runs on a thread of its own beside units().
  static constexpr std::size_t kHandlerIdsThread = std::size_t{1} << 16;
  // From this many units on, tour() runs on a thread of its own beside handlers().
  static constexpr std::size_t kTourThread = std::size_t{1} << 16;
  BigVector<std::uint8_t> handler_id_flags_;
};

}  // namespace gridroute::detail
