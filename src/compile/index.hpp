// Internal: the compiled bundle — the index that routing, escalation and lint read. Never installed;
// C++ users see it through gridroute::Snapshot (gridroute/snapshot.hpp).
//
// Built once by compile/ and never changed, so any number of threads may read one Index at once.
// String ids map once to dense integers; the unit tree is kept as Euler-tour intervals, so "scope is an
// ancestor of the cell" is two integer compares; each category pattern has its rules pre-sorted in
// winning order; each unit lists the handlers serving it grouped by role, so resolving a role walks at
// most the cell's depth.
#pragma once

#include <array>
#include <bit>
#include <cstdint>
#include <cstring>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/hash/hash.h"
#include "absl/strings/string_view.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "base/calendar.hpp"
#include "base/hash.hpp"
#include "base/text.hpp"
#include "base/zone.hpp"
#include "compile/column.hpp"
#include "compile/sources.hpp"
#include "gridroute/bundle.hpp"
#include "gridroute/decision.hpp"
#include "geo/locator.hpp"
#include "load/model.hpp"

namespace gridroute::detail {

// Hash maps keyed by strings, looked up by std::string_view without a copy.
struct StringHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const noexcept {
    return absl::Hash<absl::string_view>{}(absl::string_view(s.data(), s.size()));
  }
};
struct StringEq {
  using is_transparent = void;
  bool operator()(std::string_view a, std::string_view b) const noexcept { return same_text(a, b); }
};
template <class K, class V>
using StringMap = absl::flat_hash_map<K, V, StringHash, StringEq>;

// Unit ids to dense unit numbers: open addressing over 8-byte slots (the upper half of the id's hash,
// then the unit), so a lookup reads one slot line and then the id's text to confirm. Half the size of a
// general hash map at a million units, and each step can be prefetched ahead (decide: route_batch).
class UnitIndex {
 public:
  // The same in every process: the slots are stored in compiled bundle files.
  static std::uint64_t hash(std::string_view id) noexcept { return stable_hash(id); }
  // Sizes the table for `n` units (load factor 5/8); drops what it held.
  void reset(std::size_t n);
  // The slots, for a compiled bundle file (store/): written as they are, borrowed back in place.
  const Column<std::uint64_t>& slots() const noexcept { return slots_; }
  void borrow(const std::uint64_t* p, std::size_t n) { slots_.borrow(p, n); }
  // Adds `u` under `id` (its text must outlive the index); returns the unit already there when the id is
  // taken, else kNone.
  template <class IdOf>
  std::int32_t insert(std::string_view id, std::int32_t u, IdOf&& id_of) {
    return insert(id, hash(id), u, id_of);
  }
  // The same with the id's hash already computed (bulk inserts prefetch slot_address(h) ahead).
  template <class IdOf>
  std::int32_t insert(std::string_view id, std::uint64_t h, std::int32_t u, IdOf&& id_of) {
    for (std::size_t i = home(h);; i = next(i)) {
      if (slots_[i] == kEmpty) {
        slots_[i] = (h & kTagMask) | static_cast<std::uint32_t>(u);
        return -1;
      }
      if ((slots_[i] & kTagMask) == (h & kTagMask)) {
        const auto other = static_cast<std::int32_t>(static_cast<std::uint32_t>(slots_[i]));
        if (id_of(other) == id) return other;
      }
    }
  }
  // Lookups probe at most every slot once: a table is never full, but the slots of a compiled file that
  // was overwritten in place while open (docs/cli.md) can be anything, and must not loop.
  template <class IdOf>
  std::int32_t find(std::string_view id, std::uint64_t h, IdOf&& id_of) const {
    return find_if(h, [&](std::int32_t u) { return same_text(id_of(u), id); });
  }
  // The same with the id compared by `is` (a unit number -> whether it is that unit's id).
  template <class Is>
  std::int32_t find_if(std::uint64_t h, Is&& is) const {
    if (slots_.empty()) return -1;
    for (std::size_t i = home(h), n = slots_.size(); n > 0; i = next(i), --n) {
      const std::uint64_t v = slots_[i];
      if (v == kEmpty) return -1;
      if ((v & kTagMask) == (h & kTagMask)) {
        const auto u = static_cast<std::int32_t>(static_cast<std::uint32_t>(v));
        if (is(u)) return u;
      }
    }
    return -1;
  }
  // The first unit whose slot matches the hash (without comparing ids), for prefetching; -1 if none.
  std::int32_t first_match(std::uint64_t h) const noexcept {
    if (slots_.empty()) return -1;
    for (std::size_t i = home(h), n = slots_.size(); n > 0; i = next(i), --n) {
      const std::uint64_t v = slots_[i];
      if (v == kEmpty) return -1;
      if ((v & kTagMask) == (h & kTagMask)) return static_cast<std::int32_t>(static_cast<std::uint32_t>(v));
    }
    return -1;
  }
  const void* slot_address(std::uint64_t h) const noexcept {
    return slots_.empty() ? nullptr : slots_.data() + home(h);
  }
  std::size_t bytes() const noexcept { return slots_.bytes(); }

 private:
  static constexpr std::uint64_t kEmpty = ~std::uint64_t{0};
  static constexpr std::uint64_t kTagMask = ~std::uint64_t{0} << 32;
  // The home slot from the hash's lower half by multiply-shift, so the table needs no power-of-two size.
  std::size_t home(std::uint64_t h) const noexcept { return static_cast<std::size_t>(((h & 0xFFFFFFFFu) * slots_.size()) >> 32); }
  std::size_t next(std::size_t i) const noexcept { return i + 1 == slots_.size() ? 0 : i + 1; }
  Column<std::uint64_t> slots_;
};

// A unit id as a record of Index::unit_id_short, of 2 or 4 words (16 or 32 bytes) as the bundle's ids
// need: an id shorter than the record zero-padded, its length in the record's last byte. A record of an id
// as long as the record or longer holds kLongId there and is compared by its text; such an id asked for
// gets kNoShortForm there, which no record holds.
struct ShortId {
  std::uint64_t w[4] = {0, 0, 0, 0};
  static constexpr unsigned char kLongId = 0xFF, kNoShortForm = 0xFE;
  // The longest id a record of `words` words holds.
  static constexpr std::size_t longest(std::size_t words) { return words * 8 - 1; }
  // A record (`record`) is built byte by byte, as below; an id looked up of 8 to 15 bytes is keyed from
  // two loads inside it, its first 8 bytes and its last 8 shifted down to follow them: the same words
  // without two calls of memcpy (0.978-0.981x a batch by id, docs/performance.md, "Unit ids keyed from
  // two loads").
  static ShortId of(std::string_view id, std::size_t words, bool record = false) noexcept {
    if constexpr (std::endian::native == std::endian::little) {
      const std::size_t n = id.size();
      if (!record && words == 2 && n >= 8 && n <= 15) {
        std::uint64_t head, tail;
        std::memcpy(&head, id.data(), 8);
        std::memcpy(&tail, id.data() + n - 8, 8);
        ShortId k;
        k.w[0] = head;
        k.w[1] = (n == 8 ? 0 : tail >> ((16 - n) * 8)) | (std::uint64_t{n} << 56);
        return k;
      }
    }
    unsigned char b[32] = {};
    const std::size_t last = longest(words);
    if (id.size() <= last) {
      if (!id.empty()) std::memcpy(b, id.data(), id.size());
      b[last] = static_cast<unsigned char>(id.size());
    } else {
      b[last] = record ? kLongId : kNoShortForm;
    }
    ShortId k;
    std::memcpy(k.w, b, words * 8);
    return k;
  }
};

enum class AttrType : std::uint8_t { boolean, number, string };

struct RoleKey {
  std::int32_t role = 0;        // index into Index::role_names
  std::int32_t department = -1; // index into Index::department_names, or -1
};

// A flattened condition node; children are `child_count` consecutive subtrees starting at `first_child`.
struct CondNode {
  spec::Condition::Op op;
  AttrType attr_type = AttrType::number;
  std::int32_t attr = -1;
  std::int32_t first_child = -1;
  std::int32_t child_count = 0;
  bool b = false;
  double num = 0;
  std::string str;
  std::vector<double> nums;          // `in` over numbers
  std::vector<std::string> strs;     // `in` over strings
  std::vector<bool> bools;           // `in` over bools
  int window_begin = 0, window_end = 0;
  std::int32_t next = -1;  // index of the next sibling subtree (for skipping)
};

struct CompiledRule {
  std::string id;
  std::int64_t priority = 0;
  UnitId scope = 0;
  std::int32_t scope_depth = 0;
  std::int32_t when = -1;  // root CondNode, or -1
  std::vector<RoleKeyId> route;
  std::vector<RoleKeyId> assist;
  std::optional<Duration> respond, resolve;  // the rule's SLA, else defaults.sla
  CalendarId calendar = kNone;               // the rule's own calendar
  CalendarId condition_calendar = kNone;     // for `workday`: the rule's, else defaults.calendar
  PolicyId policy = kNone;                   // the rule's escalation, else defaults.escalation
  std::vector<std::string> patterns;
};

struct CompiledLevel {
  std::string name;
  std::int32_t tier = -1;
  std::vector<RoleKeyId> route;
  std::vector<RoleKeyId> assist;
  std::optional<Duration> respond, resolve;
};

struct CompiledPolicy {
  std::string id;
  std::vector<CompiledLevel> levels;
  std::optional<std::int64_t> repeat_reports;
  std::optional<std::int64_t> rating_below;
  bool has_skip = false;
  double skip_at_least = 0;
  int skip_to_level = 0;
};

// A candidate rule for a category, with the specificity of its best matching pattern.
struct Candidate {
  RuleId rule;
  std::int32_t specificity;  // exact: 1<<20; prefix: its segment count; `*`: 0
  std::int32_t pattern;      // index into the rule's patterns
  std::int32_t scope_tin;    // the rule's scope interval, inline so the scan stays in this array
  std::int32_t scope_tout;
};

// Where a role reference resolved: the unit, the owner there and the other handlers of the role there.
struct Resolution {
  UnitId unit = kNone;
  HandlerId owner = kNone;
  std::span<const HandlerId> alternates;
  explicit operator bool() const { return unit != kNone; }
};

struct Index {
  // ---- identity
  std::string name;
  absl::TimeZone tz;
  Zone zone;  // tz with a fixed-offset fast path
  std::string tz_name;

  // ---- tiers and units
  std::vector<std::string> tiers;
  std::int32_t cell_tier = 0;
  Column<std::uint32_t> unit_id_offset;  // into unit_id_chars; size units+1
  Column<char> unit_id_chars;
  // Each unit's id again as a record of unit_id_words words (ShortId: 2, or 4 when more than 1% of the
  // ids are longer than 15 bytes), so that a unit found by its id's hash is confirmed by one line at an
  // address known from its number, not by its offset and then its text.
  Column<std::uint64_t> unit_id_short;
  std::uint32_t unit_id_words = 2;  // derived on open from the column's size
  UnitIndex unit_index;
  Column<std::uint32_t> unit_name_offset;  // into unit_name_chars; size units+1 (names are optional)
  Column<char> unit_name_chars;
  // One role key served at a unit: the owner and its calendar inline (resolution and the deadlines read
  // no other line), the alternates in served_handlers.
  struct Served {
    RoleKeyId key;
    HandlerId owner;
    // kNone when the owner is the only handler; else served_handlers[alternates_at] is how many
    // alternates there are, and they follow it.
    std::int32_t alternates_at;
    CalendarId calendar;  // handler_calendar[owner]
  };
  Column<Served> served;
  // The alternates of the served entries, in the entries' order: a count, then that many handlers.
  Column<HandlerId> served_handlers;
  std::span<const HandlerId> alternates_of(const Served& v) const {
    if (v.alternates_at < 0) return {};
    const auto at = static_cast<std::size_t>(v.alternates_at);
    return {served_handlers.data() + at + 1, static_cast<std::size_t>(served_handlers[at])};
  }
  // What routing reads of a unit, packed in one cache line's half so that a decision touches few lines.
  // served_up: the nearest ancestor-or-self with served entries; served_next: the nearest strict
  // ancestor with them (kNone when none) — resolution skips units that no handler serves.
  // served_keys: key_bit of each role key served here, in what was padding — resolution passes a unit
  // that serves none of the role keys it looks for without reading its entries (exact for bundles of up
  // to 32 role keys; beyond, keys share bits and such a unit's entries are read as before).
  struct alignas(32) UnitHot {
    std::int32_t tin = 0, tout = 0;  // Euler tour: a is ancestor-or-self of b iff tin[a] <= tin[b] < tout[a]
    UnitId parent = kNone;
    UnitId served_up = kNone, served_next = kNone;
    std::uint32_t served_begin = 0;
    std::uint16_t served_count = 0;
    std::uint8_t tier = 0;
    std::uint32_t served_keys = 0;
  };
  static_assert(sizeof(UnitHot) == 32, "a unit's record is half a cache line");
  static std::uint32_t key_bit(RoleKeyId k) { return 1u << (static_cast<std::uint32_t>(k) & 31u); }
  // The served_keys a unit's entries make (compile sets them, the open of a compiled file checks them).
  std::uint32_t key_bits_of_entries(const UnitHot& h) const {
    std::uint32_t bits = 0;
    for (std::uint32_t i = h.served_begin, e = h.served_begin + h.served_count; i < e; ++i) bits |= key_bit(served[i].key);
    return bits;
  }
  Column<UnitHot> hot;
  UnitId root = 0;

  // ---- roles and handlers
  std::vector<std::string> role_names;
  std::vector<std::string> department_names;
  std::vector<RoleKey> role_keys;
  StringMap<std::string, RoleKeyId> role_key_index;  // "role" or "role/department"
  StringColumn handler_ids;
  Column<RoleKeyId> handler_role;
  Column<CalendarId> handler_calendar;
  // The units each handler serves, in its file order: handler h's are serves_units[serves_offset[h],
  // serves_offset[h + 1]).
  Column<std::uint32_t> serves_offset;  // size handlers+1
  Column<UnitId> serves_units;
  std::span<const UnitId> serves_of(HandlerId h) const {
    const auto i = static_cast<std::size_t>(h);
    return {serves_units.data() + serves_offset[i], serves_offset[i + 1] - serves_offset[i]};
  }
  HandlerId find_handler(std::string_view id) const { return find_handler(id, UnitIndex::hash(id)); }
  HandlerId find_handler(std::string_view id, std::uint64_t hash) const {
    return handler_index.find(id, hash, [this](HandlerId h) { return handler_ids[static_cast<std::size_t>(h)]; });
  }
  UnitIndex handler_index;  // handler ids to handler numbers (the same open addressing as units)

  // ---- rules
  std::vector<std::string> attr_names;
  std::vector<AttrType> attr_types;
  StringMap<std::string, std::int32_t> attr_index;
  // Attribute names by length and end letters: when no two declared names share a slot (the usual case),
  // a name is declared iff it equals the one in its slot — one compare instead of a hash.
  static std::size_t attr_slot_of(std::string_view name) noexcept {
    return name.empty() ? 0
                        : (name.size() * 7 + static_cast<unsigned char>(name.front()) * 3 +
                           static_cast<unsigned char>(name.back())) & 63;
  }
  std::array<std::int8_t, 64> attr_slot{};
  bool attr_slot_direct = false;
  std::int32_t find_attr(std::string_view name) const {
    if (attr_slot_direct) {
      const std::int8_t k = attr_slot[attr_slot_of(name)];
      return k >= 0 && same_text(attr_names[static_cast<std::size_t>(k)], name) ? k : -1;
    }
    auto it = attr_index.find(name);
    return it == attr_index.end() ? -1 : it->second;
  }
  // What checking an issue's attribute reads of its declared name, in one 32-byte entry (derived, not
  // stored: by build_attr_checks): the attribute, the value type it takes, whether it is the number
  // `severity`, and the name itself when it fits. By slot of the direct table when attr_slot_direct,
  // else by attribute for the map's answers.
  struct AttrCheck {
    static constexpr std::size_t kInline = 24;
    static constexpr std::uint8_t kLong = 0xFF;
    std::int32_t attr = -1;  // the declared attribute, or -1 (an empty slot)
    AttrValue::Type want = AttrValue::Type::missing;
    bool severity = false;  // "severity" declared a number: severity_skip reads it
    std::uint8_t size = 0;  // the name's length, or kLong above kInline: then it is read from attr_names
    char text[kInline] = {};
  };
  std::array<AttrCheck, 64> attr_checks{};
  std::vector<AttrCheck> attr_checks_by_attr;
  // The check of a declared attribute by its name, or null when the name is not declared.
  const AttrCheck* find_attr_check(std::string_view name) const {
    if (attr_slot_direct) [[likely]] {
      const AttrCheck& c = attr_checks[attr_slot_of(name)];
      const bool same = c.size <= AttrCheck::kInline ? same_text(std::string_view(c.text, c.size), name)
                                                     : same_text(attr_names[static_cast<std::size_t>(c.attr)], name);
      return c.attr >= 0 && same ? &c : nullptr;
    }
    const std::int32_t at = find_attr(name);
    return at < 0 ? nullptr : &attr_checks_by_attr[static_cast<std::size_t>(at)];
  }
  // Fills the checks from the names, their types and attr_slot (after compiling, and after opening).
  void build_attr_checks() {
    attr_checks_by_attr.assign(attr_names.size(), AttrCheck{});
    for (std::size_t k = 0; k < attr_names.size(); ++k) {
      const std::string& name = attr_names[k];
      const AttrType t = attr_types[k];
      AttrCheck& c = attr_checks_by_attr[k];
      c.attr = static_cast<std::int32_t>(k);
      c.want = t == AttrType::boolean  ? AttrValue::Type::boolean
               : t == AttrType::number ? AttrValue::Type::number
                                       : AttrValue::Type::string;
      c.severity = t == AttrType::number && name == "severity";
      c.size = name.size() <= AttrCheck::kInline ? static_cast<std::uint8_t>(name.size()) : AttrCheck::kLong;
      if (name.size() <= AttrCheck::kInline) std::memcpy(c.text, name.data(), name.size());
    }
    attr_checks.fill(AttrCheck{});
    if (attr_slot_direct)
      for (std::size_t slot = 0; slot < attr_slot.size(); ++slot)
        if (attr_slot[slot] >= 0) attr_checks[slot] = attr_checks_by_attr[static_cast<std::size_t>(attr_slot[slot])];
  }
  bool has_taxonomy = false;
  std::vector<std::string> categories;
  StringMap<std::string_view, CategoryId> category_index;
  // The same for the lookup every issue makes: open addressing over the codes' stable hash, four slots
  // a code, probed linearly. Every code lies within kMaxProbe slots of its hash's slot, or `direct` is
  // false and the map above answers (a taxonomy whose codes crowd one run of slots).
  struct CategorySlots {
    static constexpr std::uint64_t kMaxProbe = 16;
    std::vector<CategoryId> slot;  // a category, or kNone
    std::uint64_t mask = 0;
    bool direct = false;
    void build(const std::vector<std::string>& codes) {
      direct = false;
      slot.clear();
      std::uint64_t n = 16;
      while (n < codes.size() * 4) n *= 2;
      slot.assign(n, kNone);
      mask = n - 1;
      for (std::size_t k = 0; k < codes.size(); ++k) {
        std::uint64_t i = stable_hash(codes[k]) & mask, probe = 0;
        while (slot[i] != kNone) {
          if (++probe >= kMaxProbe) {
            slot = {};
            return;
          }
          i = (i + 1) & mask;
        }
        slot[i] = static_cast<CategoryId>(k);
      }
      direct = true;
    }
  };
  CategorySlots category_slots;
  // The category of `code`, or kNone.
  CategoryId find_category(std::string_view code) const { return find_category_inline(code); }
  // The same, inline where every issue asks it (prepare).
  [[gnu::always_inline]] CategoryId find_category_inline(std::string_view code) const {
    if (category_slots.direct) [[likely]] {
      std::uint64_t i = stable_hash(code) & category_slots.mask;
      for (std::uint64_t probe = 0; probe < CategorySlots::kMaxProbe; ++probe, i = (i + 1) & category_slots.mask) {
        const CategoryId k = category_slots.slot[i];
        if (k == kNone) return kNone;
        if (same_text(categories[static_cast<std::size_t>(k)], code)) return k;
      }
      return kNone;
    }
    auto it = category_index.find(code);
    return it == category_index.end() ? kNone : it->second;
  }
  // Candidates are indexed by pattern, not expanded per category (a bundle's size bounds the index):
  // each distinct pattern of the rules ("a.b.c", "a.b.*", "*") is a group — the rules that name it, in
  // winning order, a run of `candidates` — with the scope index of that run. A code's candidates are
  // those of the groups its code matches (`*`, its prefixes, itself), merged in winning order; a rule
  // that several of them hold counts once, by its most specific pattern.
  // The scope index of a group: the distinct scopes of its candidates, tree intervals (so nested or
  // disjoint) sorted by tin; `up` is the nearest enclosing scope of the same group (absolute index, or
  // -1), and each lists the positions of its candidates in the group. Routing finds the cell's deepest
  // enclosing scope by binary search and merges the chain above it, so it visits only the candidates
  // whose scope holds the cell (the explain trace still walks every candidate).
  struct ScopeNode {
    std::int32_t tin, tout;
    std::int32_t up;
    std::uint32_t first, count;  // into scope_positions
  };
  struct PatternGroup {
    std::uint32_t first = 0, count = 0;            // into candidates
    std::uint32_t node_first = 0, node_count = 0;  // into scope_nodes
    std::uint32_t multi_first = 0, multi_count = 0;  // into multi_positions: rules with other patterns too
  };
  Column<Candidate> candidates;
  Column<PatternGroup> groups;
  Column<ScopeNode> scope_nodes;
  // scope_nodes[i].tin alone (derived, not stored: by build_merged_chains): the binary search for a cell's
  // deepest scope reads 16 of them a cache line instead of 3 nodes.
  std::vector<std::int32_t> scope_tins;
  Column<std::uint32_t> scope_positions;
  Column<std::uint32_t> multi_positions;
  StringMap<std::string, std::int32_t> exact_groups;   // by code
  StringMap<std::string, std::int32_t> prefix_groups;  // by the prefix without ".*"
  std::int32_t star_group = -1;
  // For the fast path (derived, not stored: built after compiling or opening, by build_merged_chains):
  // per group g, the candidates of the chain of groups that ends at g (every group whose pattern matches
  // the codes whose most specific group is g), each rule once, in winning order, with their own scope
  // index — routing then searches one group instead of merging several. merged_of[g] indexes
  // merged_groups, or -1 (a chain of g alone, or over the size budget: the chain is merged at routing).
  struct MergedTables {
    std::vector<std::int32_t> merged_of;
    std::vector<PatternGroup> groups;
    std::vector<Candidate> candidates;
    std::vector<ScopeNode> scope_nodes;
    std::vector<std::int32_t> scope_tins;
    std::vector<std::uint32_t> scope_positions;
    // Per declared category (with a taxonomy): the merged group of its chain, or -1 — what
    // merged_of[last_group_for(category)] gives, without the call.
    std::vector<std::int32_t> by_category;
  };
  MergedTables merged;
  // Per declared category (with a taxonomy): its groups, least specific first; size categories+1.
  Column<std::uint32_t> category_group_offset;
  Column<std::int32_t> category_groups;
  // Per rule: the sorted groups of a rule with more than one pattern (empty for the others).
  Column<std::uint32_t> rule_group_offset;  // size rules+1
  Column<std::int32_t> rule_groups;
  std::span<const std::int32_t> groups_of_rule(RuleId r) const {
    return {rule_groups.data() + rule_group_offset[static_cast<std::size_t>(r)],
            rule_group_offset[static_cast<std::size_t>(r) + 1] - rule_group_offset[static_cast<std::size_t>(r)]};
  }
  std::vector<CompiledRule> rules;
  // What trying a candidate reads of its rule, packed (derived, not stored: by build_merged_chains): a
  // rule of the fast path is 20 bytes here instead of a CompiledRule's 192 and the heap block of its
  // route list, so that the rules tried stay in the near caches of a bundle of thousands of rules.
  struct RuleHot {
    std::int32_t when;
    CalendarId condition_calendar;
    PolicyId policy;
    std::uint32_t route_first;  // into rule_route_keys
    std::uint32_t route_count;
  };
  std::vector<RuleHot> rule_hot;
  std::vector<RoleKeyId> rule_route_keys;
  // The other lists of references a decision or a sweep tries, with the role keys no handler has left
  // out as in rule_route_keys (derived, not stored: by build_merged_chains): each rule's assists, and
  // each escalation level's route and assists. A list of thousands of references of roles nobody has
  // then costs a case nothing; the trace still names every reference of the rule.
  struct KeyRange {
    std::uint32_t first = 0, count = 0;
  };
  struct LevelKeys {
    KeyRange route, assist;
  };
  std::vector<RoleKeyId> held_refs;
  std::vector<KeyRange> rule_assist_keys;          // per rule
  std::vector<std::uint32_t> policy_levels_first;  // per policy, into level_keys
  std::vector<LevelKeys> level_keys;
  std::span<const RoleKeyId> keys(KeyRange r) const { return {held_refs.data() + r.first, r.count}; }
  std::span<const RoleKeyId> route_keys(RuleId r) const {
    const RuleHot& h = rule_hot[static_cast<std::size_t>(r)];
    return {rule_route_keys.data() + h.route_first, h.route_count};
  }
  // A rule's assists to try: its list as written when short (it is on the line the routing has read),
  // else the keys some handler has.
  std::span<const RoleKeyId> assist_keys(RuleId r) const {
    const std::vector<RoleKeyId>& all = rules[static_cast<std::size_t>(r)].assist;
    if (all.size() <= 4) return all;
    return keys(rule_assist_keys[static_cast<std::size_t>(r)]);
  }
  const LevelKeys& keys_of_level(const CompiledPolicy& p, int level) const {
    const auto pid = static_cast<std::size_t>(&p - policies.data());
    return level_keys[policy_levels_first[pid] + static_cast<std::size_t>(level)];
  }
  StringMap<std::string_view, RuleId> rule_index;  // keys view rules[i].id
  RuleId find_rule(std::string_view id) const {
    auto it = rule_index.find(id);
    return it == rule_index.end() ? kNone : it->second;
  }
  std::vector<CondNode> conditions;
  std::vector<Calendar> calendars;
  StringMap<std::string, CalendarId> calendar_index;
  CalendarId default_calendar = kNone;  // defaults.calendar, else a built-in 24/7 calendar
  std::vector<CompiledPolicy> policies;
  StringMap<std::string, PolicyId> policy_index;
  std::optional<Duration> default_respond, default_resolve;
  // defaults.fallback (SPEC §6.4): its handler, and the rule a fallback case behaves as — no condition,
  // no assist, defaults.sla and defaults.escalation, a route that resolves to the fallback handler only.
  HandlerId fallback = kNone;
  CompiledRule fallback_rule;
  // A digest of the bundle's files (SPEC §6.6): lowercase hex, on every answer.
  std::string digest;
  // The cell polygons (SPEC §7), when jurisdiction.json names cells_geojson; locations snap to the nearest
  // boundary within snap_meters.
  std::optional<geo::Locator> locator;
  double snap_meters = 0;
  std::string cells_label;
  std::optional<std::string> cells_id_property;
  // A compiled bundle file's mapping, when columns are borrowed from it (store/): kept alive with the index.
  std::shared_ptr<const void> backing;
  // jurisdiction.json local_times (contract 1.1): line instants without an offset are read in `zone`.
  bool local_times = false;
  // Where rules, policies, categories, conditions and handlers were read (for lint's positions).
  SourceMap sources;

  // ---- accessors
  std::size_t unit_count() const { return hot.size(); }
  std::string_view unit_id(UnitId u) const {
    return std::string_view(unit_id_chars.data() + unit_id_offset[u], unit_id_offset[u + 1] - unit_id_offset[u]);
  }
  std::string_view unit_name(UnitId u) const {
    return std::string_view(unit_name_chars.data() + unit_name_offset[u], unit_name_offset[u + 1] - unit_name_offset[u]);
  }
  UnitId find_unit(std::string_view id) const { return find_unit(id, UnitIndex::hash(id)); }
  UnitId find_unit(std::string_view id, std::uint64_t hash) const {
    const ShortId key = ShortId::of(id, unit_id_words);
    return unit_index.find_if(hash, [&](UnitId u) { return is_unit_id(u, id, key); });
  }
  // Whether `id` (whose ShortId is `key`) is unit u's id: its record compared, or its text when the id is long.
  bool is_unit_id(UnitId u, std::string_view id, const ShortId& key) const {
    const std::uint64_t* r = unit_id_short.data() + unit_id_words * static_cast<std::size_t>(u);
    if (unit_id_words == 2) {
      if (reinterpret_cast<const unsigned char*>(r)[15] != ShortId::kLongId) return r[0] == key.w[0] && r[1] == key.w[1];
    } else if (reinterpret_cast<const unsigned char*>(r)[31] != ShortId::kLongId) {
      return ((r[0] ^ key.w[0]) | (r[1] ^ key.w[1]) | (r[2] ^ key.w[2]) | (r[3] ^ key.w[3])) == 0;
    }
    return same_text(unit_id(u), id);
  }
  bool is_unit_id(UnitId u, std::string_view id) const { return is_unit_id(u, id, ShortId::of(id, unit_id_words)); }
  // Unit u's id, the same text as unit_id(u), read from its record when the record holds it: one line, at an
  // address known from u, where unit_id reads the offset and then the text. What writes a decision's unit
  // and cell reads it so. Records are not checked when a file is opened, so a record is only read for its
  // length up to the record's size, and its text only as JSON takes it as it is (ASCII, no quote,
  // backslash or control byte, as every unit id is): else the id comes from its offset and text, which
  // were checked. A crafted file can thus show another such id for a unit, never write outside JSON.
  std::string_view unit_id_from_record(UnitId u) const {
    const char* r = reinterpret_cast<const char*>(unit_id_record(u));
    const std::size_t last = ShortId::longest(unit_id_words);
    const std::size_t len = static_cast<unsigned char>(r[last]);
    if (len <= last) {
      const std::string_view id(r, len);
      if (plain_json_prefix(id) == len) return id;
    }
    return unit_id(u);
  }
  // The address of unit u's record in unit_id_short, for prefetching.
  const void* unit_id_record(UnitId u) const { return unit_id_short.data() + unit_id_words * static_cast<std::size_t>(u); }
  bool is_ancestor_or_self(UnitId a, UnitId b) const {
    return hot[a].tin <= hot[b].tin && hot[b].tin < hot[a].tout;
  }
  std::string_view role_name(RoleKeyId k) const { return role_names[role_keys[k].role]; }
  // The department of a role key, or empty.
  std::string_view department(RoleKeyId k) const {
    return role_keys[k].department < 0 ? std::string_view() : std::string_view(department_names[role_keys[k].department]);
  }
  // "role" or "role/department".
  std::string role_key_label(RoleKeyId k) const {
    if (role_keys[k].department < 0) return role_names[role_keys[k].role];
    return role_names[role_keys[k].role] + "/" + department_names[role_keys[k].department];
  }
  std::string_view handler_id(HandlerId h) const { return handler_ids[static_cast<std::size_t>(h)]; }
  // Which role keys some handler has (a reference of any other never resolves).
  std::vector<bool> held_role_keys() const {
    std::vector<bool> held(role_keys.size(), false);
    for (RoleKeyId k : handler_role)
      if (k >= 0 && static_cast<std::size_t>(k) < held.size()) held[static_cast<std::size_t>(k)] = true;
    return held;
  }

  // The served entry of role key `k` at the unit whose record is `h` (a unit has one per key it serves),
  // or null; `bit` is key_bit(k). A unit whose bits lack the key is passed without reading its entries.
  const Served* served_entry(const UnitHot& h, RoleKeyId k, std::uint32_t bit) const {
    if ((h.served_keys & bit) == 0) return nullptr;
    for (std::uint32_t i = h.served_begin, e = h.served_begin + h.served_count; i < e; ++i)
      if (served[i].key == k) return &served[i];
    return nullptr;
  }
  // Walks from `start` to the root; the first unit served by handlers with role key `k`.
  Resolution resolve(RoleKeyId k, UnitId start) const {
    const std::uint32_t bit = key_bit(k);
    for (UnitId u = hot[start].served_up; u != kNone; u = hot[u].served_next)
      if (const Served* s = served_entry(hot[u], k, bit)) return Resolution{u, s->owner, alternates_of(*s)};
    return {};
  }
  // The start unit of an escalation level at `tier`: the cell's ancestor at that tier, or the nearest above.
  UnitId ancestor_at_tier(UnitId cell, std::int32_t tier) const {
    UnitId u = cell;
    while (u != kNone && hot[u].tier > tier) u = hot[u].parent;
    return u;
  }

  // The calendar that counts deadlines at `level` for `owner` (SPEC §3.4 precedence).
  const Calendar& level_calendar(const CompiledRule& rule, int level, HandlerId owner) const {
    if (level == 0 && rule.calendar != kNone) return calendars[rule.calendar];
    if (owner != kNone && handler_calendar[owner] != kNone) return calendars[handler_calendar[owner]];
    return calendars[default_calendar];
  }
  // The same for an owner found at `unit` by role key `key` (a routed decision's unit, role and handler):
  // its calendar read from its served entry there, whose line the resolution has just read, instead of
  // from handler_calendar, a line of its own in a column of every handler.
  const Calendar& level_calendar(const CompiledRule& rule, int level, HandlerId owner, UnitId unit,
                                 RoleKeyId key) const {
    if (level == 0 && rule.calendar != kNone) return calendars[rule.calendar];
    if (unit >= 0 && owner != kNone) {
      // The unit serves the key (the resolution found it there): no bits to consult.
      const Served* v = served_entry(hot[static_cast<std::size_t>(unit)], key, ~0u);
      if (v && v->owner == owner) return calendars[v->calendar != kNone ? v->calendar : default_calendar];
    }
    return level_calendar(rule, level, owner);
  }
};

}  // namespace gridroute::detail
