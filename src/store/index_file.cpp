// The compiled index as a file: what is written, and every check made when it is opened.
#include "store/index_file.hpp"

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <span>
#include <system_error>
#include <thread>
#include <utility>

#include <boost/describe/class.hpp>
#include <boost/describe/enum.hpp>

#include "base/strings.hpp"
#include "base/text.hpp"
#include "compile/candidates.hpp"
#include "geo/polygons.hpp"
#include "gridroute/version.hpp"
#include "store/codec.hpp"
#include "store/file.hpp"

namespace gridroute::detail {
// What the codec stores of the small structures: every member, in declared order.
BOOST_DESCRIBE_STRUCT(Duration, (), (kind, n))
BOOST_DESCRIBE_STRUCT(TextPos, (), (line, column))
BOOST_DESCRIBE_STRUCT(RoleKey, (), (role, department))
BOOST_DESCRIBE_STRUCT(CondNode, (),
                      (op, attr_type, attr, first_child, child_count, b, num, str, nums, strs, bools, window_begin,
                       window_end, next))
BOOST_DESCRIBE_STRUCT(CompiledRule, (),
                      (id, priority, scope, scope_depth, when, route, assist, respond, resolve, calendar,
                       condition_calendar, policy, patterns))
BOOST_DESCRIBE_STRUCT(CompiledLevel, (), (name, tier, route, assist, respond, resolve))
BOOST_DESCRIBE_STRUCT(CompiledPolicy, (),
                      (id, levels, repeat_reports, rating_below, has_skip, skip_at_least, skip_to_level))
}  // namespace gridroute::detail

namespace gridroute::detail::store {
namespace {

// A member added to Index must be stored here (and kFormatVersion raised), or derived on open as
// Index::merged, Index::scope_tins, Index::rule_hot, Index::held_refs and its ranges,
// Index::category_slots, Index::unit_id_words and Index::attr_checks are: this fails the build until then.
static_assert(sizeof(void*) != 8 || sizeof(Index) == 4968,
              "Index changed: store the new member in write_index/open_index and raise kFormatVersion");

// Section tags.
constexpr std::uint32_t kMeta = tag("META");  // the codec blob of the small structures
constexpr std::uint32_t kUnitIdOffset = tag("UIDO"), kUnitIdChars = tag("UIDC"), kUnitSlots = tag("UIDX");
constexpr std::uint32_t kUnitIdShort = tag("UIDS");
constexpr std::uint32_t kUnitNameOffset = tag("UNMO"), kUnitNameChars = tag("UNMC");
constexpr std::uint32_t kHot = tag("UHOT"), kServed = tag("SRVD"), kServedHandlers = tag("SRVH");
constexpr std::uint32_t kHandlerIdOffset = tag("HIDO"), kHandlerIdChars = tag("HIDC"), kHandlerSlots = tag("HIDX");
constexpr std::uint32_t kHandlerRole = tag("HROL"), kHandlerCalendar = tag("HCAL");
constexpr std::uint32_t kServesOffset = tag("HSVO"), kServesUnits = tag("HSVU");
constexpr std::uint32_t kCandidates = tag("CAND"), kGroups = tag("GRPS"), kMultiPositions = tag("GRPM");
constexpr std::uint32_t kScopeNodes = tag("SCND"), kScopePositions = tag("SCNP");
constexpr std::uint32_t kCategoryGroupOffset = tag("CGRO"), kCategoryGroups = tag("CGRP");
constexpr std::uint32_t kRuleGroupOffset = tag("RGRO"), kRuleGroups = tag("RGRP");
// The cell polygons (geo::StoredPolygons): positions, rings, parts, each part's Feature, the Features.
constexpr std::uint32_t kGeoPoints = tag("GPTS"), kGeoRings = tag("GRNG"), kGeoParts = tag("GPRT");
constexpr std::uint32_t kGeoPartFeature = tag("GPFE"), kGeoFeatures = tag("GFEA");

// A calendar as its constructor's arguments (days as days since 1970-01-01).
struct StoredCalendar {
  std::string id;
  std::string tz;
  std::vector<int> weekdays;
  std::vector<std::pair<int, int>> periods;
  std::vector<std::int64_t> holidays, workdays;
};
BOOST_DESCRIBE_STRUCT(StoredCalendar, (), (id, tz, weekdays, periods, holidays, workdays))

template <class Map>
auto sorted_pairs(const Map& m) {
  using V = typename Map::mapped_type;
  std::vector<std::pair<std::string, V>> out(m.begin(), m.end());
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  return out;
}

std::int64_t day_of(absl::CivilDay d) { return d - absl::CivilDay(1970, 1, 1); }

std::string meta_bytes(const Index& s) {
  Encoder e;
  e.put(s.name);
  e.put(s.tz_name);
  e.put(s.tiers);
  e.put(s.cell_tier);
  e.put(s.root);
  e.put(s.role_names);
  e.put(s.department_names);
  e.put(s.role_keys);
  e.put(sorted_pairs(s.role_key_index));
  e.put(s.attr_names);
  e.put(s.attr_types);
  e.put(s.attr_slot);
  e.put(s.attr_slot_direct);
  e.put(s.has_taxonomy);
  e.put(s.categories);
  e.put(sorted_pairs(s.exact_groups));
  e.put(sorted_pairs(s.prefix_groups));
  e.put(s.star_group);
  e.put(s.rules);
  e.put(s.conditions);
  std::vector<StoredCalendar> cals;
  for (const Calendar& c : s.calendars) {
    StoredCalendar sc{c.id(), c.time_zone().name(), c.weekdays(), {}, {}, {}};
    for (const auto& p : c.periods()) sc.periods.emplace_back(p.begin, p.end);
    for (auto d : c.holidays()) sc.holidays.push_back(day_of(d));
    for (auto d : c.workdays()) sc.workdays.push_back(day_of(d));
    cals.push_back(std::move(sc));
  }
  e.put(cals);
  e.put(sorted_pairs(s.calendar_index));
  e.put(s.default_calendar);
  e.put(s.policies);
  e.put(sorted_pairs(s.policy_index));
  e.put(s.default_respond);
  e.put(s.default_resolve);
  e.put(s.fallback);
  e.put(s.fallback_rule);
  e.put(s.digest);
  e.put(s.cells_label);
  e.put(s.cells_id_property);
  e.put(s.snap_meters);
  e.put(s.local_times);
  // Where things were read, so that lint on the file places its findings as on the directory.
  e.put(s.sources.files);
  // The positions last: an open takes their bytes whole and decodes them on first use (decode_positions).
  const SourceMap::Positions& positions = s.sources.positions();
  e.put(positions.condition_pointer);
  e.put(positions.handler_line);
  for (const auto& at : positions.at) e.put(sorted_pairs(at));
  return e.bytes();
}

FileWriter writer_for(const Index& s, const std::string& meta) {
  FileWriter w;
  w.add<char>(kMeta, std::span<const char>(meta.data(), meta.size()));
  w.add(kUnitIdOffset, s.unit_id_offset.span());
  w.add(kUnitIdChars, s.unit_id_chars.span());
  w.add(kUnitIdShort, s.unit_id_short.span());
  w.add(kUnitSlots, s.unit_index.slots().span());
  w.add(kUnitNameOffset, s.unit_name_offset.span());
  w.add(kUnitNameChars, s.unit_name_chars.span());
  w.add(kHot, s.hot.span());
  w.add(kServed, s.served.span());
  w.add(kServedHandlers, s.served_handlers.span());
  w.add(kHandlerIdOffset, s.handler_ids.offsets.span());
  w.add(kHandlerIdChars, s.handler_ids.chars.span());
  w.add(kHandlerSlots, s.handler_index.slots().span());
  w.add(kHandlerRole, s.handler_role.span());
  w.add(kHandlerCalendar, s.handler_calendar.span());
  w.add(kServesOffset, s.serves_offset.span());
  w.add(kServesUnits, s.serves_units.span());
  w.add(kCandidates, std::span<const Candidate>(s.candidates));
  w.add(kGroups, std::span<const Index::PatternGroup>(s.groups));
  w.add(kMultiPositions, std::span<const std::uint32_t>(s.multi_positions));
  w.add(kScopeNodes, std::span<const Index::ScopeNode>(s.scope_nodes));
  w.add(kScopePositions, std::span<const std::uint32_t>(s.scope_positions));
  w.add(kCategoryGroupOffset, std::span<const std::uint32_t>(s.category_group_offset));
  w.add(kCategoryGroups, std::span<const std::int32_t>(s.category_groups));
  w.add(kRuleGroupOffset, std::span<const std::uint32_t>(s.rule_group_offset));
  w.add(kRuleGroups, std::span<const std::int32_t>(s.rule_groups));
  const geo::StoredPolygons polygons = s.locator ? s.locator->stored() : geo::StoredPolygons{};
  w.add(kGeoPoints, polygons.points);
  w.add(kGeoRings, polygons.rings);
  w.add(kGeoParts, polygons.parts);
  w.add(kGeoPartFeature, polygons.part_feature);
  w.add(kGeoFeatures, polygons.features);
  return w;
}

std::string producer() { return cat("gridroute ", kVersionString); }

// ---- opening: every check that keeps routing, escalation and lint inside the index

// The positions of a file's META (the last of meta_bytes), decoded on first use: lint reads them, routing
// never does. The checksum vouched for the bytes on open; positions that do not decode (a file made by
// hand with a valid checksum) are dropped, and lint's findings then carry the pointer alone. Lint reads a
// pointer per condition: there is one, empty where unknown.
void decode_positions(std::string_view bytes, std::size_t conditions, SourceMap::Positions& out) {
  Decoder d(bytes, "META");
  std::vector<std::pair<std::string, TextPos>> at[2];
  d.get(out.condition_pointer);
  d.get(out.handler_line);
  d.get(at[0]);
  d.get(at[1]);
  if (d.failed() || !d.at_end()) {
    out = {};
  } else {
    for (std::size_t f = 0; f < 2; ++f) {
      out.at[f].reserve(at[f].size());
      for (auto& [k, v] : at[f]) out.at[f].emplace(std::move(k), v);
    }
  }
  out.condition_pointer.resize(conditions);
}

class Opener {
 public:
  Opener(std::shared_ptr<const MappedFile> file) : f_(std::move(file)), s_(std::make_unique<Index>()) {}

  absl::StatusOr<std::unique_ptr<Index>> run() {
    if (!sections() || !meta() || !units() || !handlers() || !served() || !rules() || !candidates() || !names() ||
        !finish())
      return absl::InvalidArgumentError(cat(f_->label(), ": not a valid compiled bundle: ", error_));
    build_merged_chains(*s_, merged_chain_budget(*s_));  // derived from the checked groups, not stored
    s_->build_attr_checks();  // derived from the checked names, types and slots
    s_->sources.defer([file = f_, bytes = positions_, n = s_->conditions.size()](SourceMap::Positions& p) {
      decode_positions(bytes, n, p);
    });
    s_->backing = f_;
    return std::move(s_);
  }

 private:
  bool bad(std::string what) {
    if (error_.empty()) error_ = std::move(what);
    return false;
  }
  template <class T>
  bool take(std::uint32_t t, Column<T>& col) {
    auto sec = f_->section<T>(t);
    if (!sec.ok()) return bad(std::string(sec.status().message()));
    col.borrow(sec->data(), sec->size());
    return true;
  }
  template <class T>
  bool copy(std::uint32_t t, std::vector<T>& v) {
    auto sec = f_->section<T>(t);
    if (!sec.ok()) return bad(std::string(sec.status().message()));
    v.assign(sec->begin(), sec->end());
    return true;
  }
  template <class T>
  bool in(T v, std::size_t n, bool none_ok = false) const {
    return (none_ok && v == static_cast<T>(kNone)) || (v >= 0 && static_cast<std::size_t>(v) < n);
  }
  // Offsets into a column of `total` elements: `count` + 1 of them, from 0, never decreasing, ending at total.
  bool offsets(const Column<std::uint32_t>& o, std::size_t count, std::size_t total, std::string_view what) {
    if (count == 0 && o.empty()) return total == 0 || bad(cat(what, ": elements without offsets"));
    if (o.size() != count + 1 || o[0] != 0 || o[count] != total)
      return bad(cat(what, ": offsets do not span the column"));
    for (std::size_t i = 0; i < count; ++i)
      if (o[i] > o[i + 1]) return bad(cat(what, ": offsets decrease"));
    return true;
  }
  // An open-addressing table of `n` ids: every used slot names one of them, and one slot at least is free
  // (a lookup of a missing id stops there). That each id is found at its own slot is the checksum's to
  // vouch for: a lookup in a table that breaks it answers "unknown id" or the wrong entry, never reads
  // outside the index — and checking it would cost a lookup per unit and handler on every open.
  bool slots(const Column<std::uint64_t>& t, std::size_t n, std::string_view what) {
    if (t.empty()) return n == 0 || bad(cat(what, ": no table"));
    std::size_t used = 0;
    for (std::uint64_t v : t) {
      if (v == ~std::uint64_t{0}) continue;
      ++used;
      if (static_cast<std::uint32_t>(v) >= n) return bad(cat(what, ": a slot names no entry"));
    }
    if (used != n || used >= t.size()) return bad(cat(what, ": the table does not hold each entry once"));
    return true;
  }

  bool sections() {
    return take(kUnitIdOffset, s_->unit_id_offset) && take(kUnitIdChars, s_->unit_id_chars) &&
           take(kUnitIdShort, s_->unit_id_short) &&
           take(kUnitNameOffset, s_->unit_name_offset) && take(kUnitNameChars, s_->unit_name_chars) &&
           take(kHot, s_->hot) && take(kServed, s_->served) && take(kServedHandlers, s_->served_handlers) &&
           take(kHandlerIdOffset, s_->handler_ids.offsets) && take(kHandlerIdChars, s_->handler_ids.chars) &&
           take(kHandlerRole, s_->handler_role) && take(kHandlerCalendar, s_->handler_calendar) &&
           take(kServesOffset, s_->serves_offset) && take(kServesUnits, s_->serves_units) &&
           take(kCandidates, s_->candidates) && take(kGroups, s_->groups) &&
           take(kMultiPositions, s_->multi_positions) && take(kScopeNodes, s_->scope_nodes) &&
           take(kScopePositions, s_->scope_positions) && take(kCategoryGroupOffset, s_->category_group_offset) &&
           take(kCategoryGroups, s_->category_groups) && take(kRuleGroupOffset, s_->rule_group_offset) &&
           take(kRuleGroups, s_->rule_groups) && slot_tables();
  }
  bool slot_tables() {
    auto u = f_->section<std::uint64_t>(kUnitSlots);
    if (!u.ok()) return bad(std::string(u.status().message()));
    s_->unit_index.borrow(u->data(), u->size());
    auto h = f_->section<std::uint64_t>(kHandlerSlots);
    if (!h.ok()) return bad(std::string(h.status().message()));
    s_->handler_index.borrow(h->data(), h->size());
    return true;
  }

  bool meta() {
    auto sec = f_->section<char>(kMeta);
    if (!sec.ok()) return bad(std::string(sec.status().message()));
    Decoder d(std::string_view(sec->data(), sec->size()), "META");
    Index& s = *s_;
    std::vector<std::pair<std::string, RoleKeyId>> role_key_index;
    std::vector<std::pair<std::string, std::int32_t>> exact, prefix;
    std::vector<std::pair<std::string, CalendarId>> calendar_index;
    std::vector<std::pair<std::string, PolicyId>> policy_index;
    d.get(s.name);
    d.get(s.tz_name);
    d.get(s.tiers);
    d.get(s.cell_tier);
    d.get(s.root);
    d.get(s.role_names);
    d.get(s.department_names);
    d.get(s.role_keys);
    d.get(role_key_index);
    d.get(s.attr_names);
    d.get(s.attr_types);
    d.get(s.attr_slot);
    d.get(s.attr_slot_direct);
    d.get(s.has_taxonomy);
    d.get(s.categories);
    d.get(exact);
    d.get(prefix);
    d.get(s.star_group);
    d.get(s.rules);
    d.get(s.conditions);
    d.get(calendars_);
    d.get(calendar_index);
    d.get(s.default_calendar);
    d.get(s.policies);
    d.get(policy_index);
    d.get(s.default_respond);
    d.get(s.default_resolve);
    d.get(s.fallback);
    d.get(s.fallback_rule);
    d.get(s.digest);
    d.get(s.cells_label);
    d.get(s.cells_id_property);
    d.get(s.snap_meters);
    d.get(s.local_times);
    d.get(s.sources.files);
    positions_ = d.take_rest();
    if (d.failed() || !d.at_end()) return bad("the META section is cut short or has extra bytes");
    for (auto& [k, v] : role_key_index) s.role_key_index.emplace(std::move(k), v);
    for (auto& [k, v] : exact) s.exact_groups.emplace(std::move(k), v);
    for (auto& [k, v] : prefix) s.prefix_groups.emplace(std::move(k), v);
    for (auto& [k, v] : calendar_index) s.calendar_index.emplace(std::move(k), v);
    for (auto& [k, v] : policy_index) s.policy_index.emplace(std::move(k), v);
    for (std::size_t i = 0; i < s.attr_names.size(); ++i)
      s.attr_index.emplace(s.attr_names[i], static_cast<std::int32_t>(i));
    for (std::size_t i = 0; i < s.categories.size(); ++i)
      s.category_index.emplace(s.categories[i], static_cast<CategoryId>(i));
    s.category_slots.build(s.categories);
    for (std::size_t i = 0; i < s.rules.size(); ++i) s.rule_index.emplace(s.rules[i].id, static_cast<RuleId>(i));
    if (!absl::LoadTimeZone(s.tz_name, &s.tz)) return bad(cat("unknown time zone \"", s.tz_name, "\""));
    s.zone = Zone(s.tz);
    return true;
  }

  bool units() {
    Index& s = *s_;
    const std::size_t n = s.hot.size();
    if (n == 0) return bad("no units");
    if (s.tiers.empty() || s.tiers.size() > 255 || !in(s.cell_tier, s.tiers.size()) || !in(s.root, n))
      return bad("the tiers or the root are out of range");
    if (!offsets(s.unit_id_offset, n, s.unit_id_chars.size(), "unit ids") ||
        !offsets(s.unit_name_offset, n, s.unit_name_chars.size(), "unit names") ||
        !slots(s.unit_index.slots(), n, "the unit id table"))
      return false;
    // A record per unit; what a record holds is compared, never followed, so it is not checked against the
    // unit's id (as the slots are not): that would cost every open a pass over every id.
    if (s.unit_id_short.size() != 2 * n && s.unit_id_short.size() != 4 * n)
      return bad("unit ids: the records of 16 or 32 bytes do not number the units");
    s.unit_id_words = static_cast<std::uint32_t>(s.unit_id_short.size() / n);
    std::vector<bool> tour_seen(n);
    for (std::size_t u = 0; u < n; ++u) {
      const Index::UnitHot& h = s.hot[u];
      // Parents and the served skip lists point up the tree (earlier in tour order), so every walk ends.
      if (h.tin < 0 || h.tout <= h.tin || static_cast<std::size_t>(h.tout) > n || h.tier >= s.tiers.size())
        return bad(cat("unit record ", u, " is out of range"));
      // Tour positions are a permutation and each unit's interval lies inside its parent's, so a scope's
      // interval holds exactly the units below it.
      if (tour_seen[static_cast<std::size_t>(h.tin)]) return bad(cat("unit record ", u, " shares its tour position"));
      tour_seen[static_cast<std::size_t>(h.tin)] = true;
      if (!in(h.parent, n, true) || (h.parent != kNone && (s.hot[h.parent].tin >= h.tin ||
                                                           s.hot[h.parent].tout < h.tout)))
        return bad(cat("unit record ", u, ": its parent is not above it"));
      if (!in(h.served_up, n, true) || (h.served_up != kNone && s.hot[h.served_up].tin > h.tin) ||
          !in(h.served_next, n, true) || (h.served_next != kNone && s.hot[h.served_next].tin >= h.tin))
        return bad(cat("unit record ", u, ": its served links do not point up"));
      if (static_cast<std::size_t>(h.served_begin) + h.served_count > s.served.size())
        return bad(cat("unit record ", u, ": its served entries are outside the table"));
      // Resolution passes a unit whose key bits lack the key it looks for: the bits are its entries'.
      if (s.key_bits_of_entries(h) != h.served_keys)
        return bad(cat("unit record ", u, ": its served key bits are not its entries' keys"));
      if (h.served_up != kNone && h.served_up != static_cast<UnitId>(u) &&
          s.hot[h.served_up].tin == h.tin)
        return bad(cat("unit record ", u, ": its served links do not point up"));
    }
    return true;
  }

  bool handlers() {
    Index& s = *s_;
    const std::size_t nh = s.handler_ids.size();
    if (s.handler_ids.offsets.empty() && !s.handler_ids.chars.empty()) return bad("handler ids without offsets");
    if (!offsets(s.handler_ids.offsets, nh, s.handler_ids.chars.size(), "handler ids") ||
        !slots(s.handler_index.slots(), nh, "the handler id table") ||
        !offsets(s.serves_offset, nh, s.serves_units.size(), "served units"))
      return false;
    if (s.handler_role.size() != nh || s.handler_calendar.size() != nh) return bad("handler columns differ in length");
    for (std::size_t h = 0; h < nh; ++h)
      // Every handler of a bundle that compiles has a role key (one without is an error of the bundle).
      if (!in(s.handler_role[h], s.role_keys.size()) || !in(s.handler_calendar[h], calendars_.size(), true))
        return bad(cat("handler ", h, ": its role or calendar is out of range"));
    for (UnitId u : s.serves_units)
      if (!in(u, s.hot.size())) return bad("a handler serves a unit out of range");
    for (const RoleKey& k : s.role_keys)
      if (!in(k.role, s.role_names.size()) || !in(k.department, s.department_names.size(), true))
        return bad("a role key is out of range");
    for (const auto& [label, k] : s.role_key_index)
      if (!in(k, s.role_keys.size())) return bad("the role key index is out of range");
    return true;
  }

  bool served() {
    Index& s = *s_;
    // The alternates' lists follow each other in the entries' order, each a count and that many
    // handlers, and fill served_handlers: each entry's list is where the one before it ended.
    std::size_t next = 0;
    const std::size_t size = s.served_handlers.size();
    for (const Index::Served& v : s.served) {
      if (!in(v.key, s.role_keys.size()) || !in(v.owner, s.handler_ids.size()) ||
          !in(v.calendar, calendars_.size(), true) || v.calendar != s.handler_calendar[v.owner])
        return bad("a served entry is out of range");
      if (v.alternates_at == kNone) continue;
      if (v.alternates_at < 0 || static_cast<std::size_t>(v.alternates_at) != next || next >= size)
        return bad("a served entry's alternates are out of place");
      const std::int32_t count = s.served_handlers[next];
      if (count <= 0 || static_cast<std::size_t>(count) > size - next - 1)
        return bad("a served entry's alternates are out of range");
      for (std::size_t i = next + 1, e = next + 1 + static_cast<std::size_t>(count); i < e; ++i)
        if (!in(s.served_handlers[i], s.handler_ids.size())) return bad("a served handler is out of range");
      next += 1 + static_cast<std::size_t>(count);
    }
    if (next != size) return bad("the served alternates hold more than the entries name");
    return true;
  }

  bool duration(const std::optional<Duration>& d) const {
    return !d || duration_in_bounds(*d);
  }
  bool keys(const std::vector<RoleKeyId>& ks) const {
    return std::all_of(ks.begin(), ks.end(), [&](RoleKeyId k) { return in(k, s_->role_keys.size()); });
  }
  bool rule(const CompiledRule& r) {
    const Index& s = *s_;
    return in(r.scope, s.hot.size()) && in(r.when, s.conditions.size(), true) && keys(r.route) && keys(r.assist) &&
           duration(r.respond) && duration(r.resolve) && in(r.calendar, calendars_.size(), true) &&
           in(r.condition_calendar, calendars_.size(), true) && in(r.policy, s.policies.size(), true);
  }

  // The operators that compare an attribute's value: their node must name a declared attribute.
  static bool reads_attribute(spec::Condition::Op op) {
    using Op = spec::Condition::Op;
    return op != Op::all && op != Op::any && op != Op::not_ && op != Op::local_time && op != Op::workday;
  }
  bool rules() {
    Index& s = *s_;
    for (const CompiledRule& r : s.rules)
      if (!rule(r)) return bad(cat("rule '", r.id, "' refers out of range"));
    if (!rule(s.fallback_rule) || !in(s.fallback, s.handler_ids.size(), true)) return bad("the fallback is out of range");
    const std::size_t nc = s.conditions.size();
    for (std::size_t i = 0; i < nc; ++i) {
      const CondNode& c = s.conditions[i];
      // Children and siblings come after their node (a tree in preorder), so every evaluation ends.
      if (static_cast<int>(c.op) > static_cast<int>(spec::Condition::Op::workday) ||
          static_cast<int>(c.attr_type) > static_cast<int>(AttrType::string) || !in(c.attr, s.attr_names.size(), true) ||
          (c.attr == kNone && reads_attribute(c.op)) ||
          c.child_count < 0 || (c.child_count > 0 && c.first_child == kNone) ||
          (c.first_child != kNone && (c.first_child <= static_cast<std::int32_t>(i) ||
                                      static_cast<std::size_t>(c.first_child) >= nc)) ||
          (c.next != kNone && (c.next <= static_cast<std::int32_t>(i) || static_cast<std::size_t>(c.next) >= nc)) ||
          c.window_begin < 0 || c.window_end < 0 || c.window_begin > 86400 || c.window_end > 86400)
        return bad(cat("condition ", i, " is out of range"));
    }
    if (s.attr_types.size() != s.attr_names.size()) return bad("attribute types and names differ in length");
    for (AttrType t : s.attr_types)
      if (static_cast<int>(t) > static_cast<int>(AttrType::string)) return bad("an attribute type is out of range");
    for (std::int8_t k : s.attr_slot)
      if (k >= 0 && static_cast<std::size_t>(k) >= s.attr_names.size()) return bad("an attribute slot is out of range");
    for (const CompiledPolicy& p : s.policies) {
      // As the compiler leaves them: level 0 at least, and a severity skip to one of the levels above it
      // (routing reads the level skipped to; a file that named one past the last read past the levels).
      if (p.levels.empty()) return bad(cat("policy '", p.id, "' has no level"));
      if (p.has_skip ? p.skip_to_level < 1 || static_cast<std::size_t>(p.skip_to_level) >= p.levels.size()
                     : p.skip_to_level != 0)
        return bad(cat("policy '", p.id, "' skips out of range"));
      for (const CompiledLevel& l : p.levels)
        if (!in(l.tier, s.tiers.size(), true) || !keys(l.route) || !keys(l.assist) || !duration(l.respond) ||
            !duration(l.resolve))
          return bad(cat("policy '", p.id, "' refers out of range"));
    }
    for (const auto& [id, p] : s.policy_index)
      if (!in(p, s.policies.size(), true)) return bad("the policy index is out of range");
    for (const auto& [id, c] : s.calendar_index)
      if (!in(c, calendars_.size(), true)) return bad("the calendar index is out of range");
    if (!duration(s.default_respond) || !duration(s.default_resolve)) return bad("a default duration is out of range");
    return calendars();
  }

  bool calendars() {
    Index& s = *s_;
    if (!in(s.default_calendar, calendars_.size())) return bad("the default calendar is out of range");
    s.calendars.reserve(calendars_.size());
    for (const StoredCalendar& c : calendars_) {
      absl::TimeZone tz;
      if (!absl::LoadTimeZone(c.tz, &tz)) return bad(cat("calendar '", c.id, "': unknown time zone"));
      std::vector<Calendar::Period> periods;
      int end = 0;
      for (const auto& [b, e] : c.periods) {
        if (b < end || e <= b || e > 86400) return bad(cat("calendar '", c.id, "': periods out of order"));
        periods.push_back({b, e});
        end = e;
      }
      if (periods.empty()) return bad(cat("calendar '", c.id, "' has no working period"));
      for (int w : c.weekdays)
        if (w < 1 || w > 7) return bad(cat("calendar '", c.id, "': a weekday is out of range"));
      auto days = [](const std::vector<std::int64_t>& v, std::vector<absl::CivilDay>& out) {
        for (std::int64_t d : v) {
          // The calendar's range (0000-01-01 to 9999-12-31).
          if (d < -719528 || d > 2932896) return false;
          out.push_back(absl::CivilDay(1970, 1, 1) + d);
        }
        return true;
      };
      std::vector<absl::CivilDay> holidays, workdays;
      if (!days(c.holidays, holidays) || !days(c.workdays, workdays))
        return bad(cat("calendar '", c.id, "': a day is out of range"));
      if (c.weekdays.empty() && workdays.empty()) return bad(cat("calendar '", c.id, "' has no working day"));
      s.calendars.emplace_back(c.id, Zone(tz), c.weekdays, std::move(periods), std::move(holidays), std::move(workdays));
    }
    return true;
  }

  bool candidates() {
    Index& s = *s_;
    const std::size_t ng = s.groups.size();
    auto spans = [](const Column<std::uint32_t>& o, std::size_t count, std::size_t total) {
      if (o.size() != count + 1 || o[0] != 0 || o.back() != total) return false;
      return std::is_sorted(o.begin(), o.end());
    };
    auto group_ids = [&](const Column<std::int32_t>& v) {
      return std::all_of(v.begin(), v.end(), [&](std::int32_t g) { return in(g, ng); });
    };
    for (const Candidate& c : s.candidates)
      if (!in(c.rule, s.rules.size()) || !in(c.pattern, s.rules[static_cast<std::size_t>(c.rule)].patterns.size()))
        return bad("a candidate is out of range");
    for (std::size_t gi = 0; gi < ng; ++gi) {
      const Index::PatternGroup& g = s.groups[gi];
      if (std::size_t{g.first} + g.count > s.candidates.size() ||
          std::size_t{g.node_first} + g.node_count > s.scope_nodes.size() ||
          std::size_t{g.multi_first} + g.multi_count > s.multi_positions.size())
        return bad(cat("pattern group ", gi, " is out of range"));
      for (std::uint32_t k = g.multi_first; k < g.multi_first + g.multi_count; ++k)
        if (s.multi_positions[k] >= g.count) return bad(cat("pattern group ", gi, " is out of range"));
      for (std::uint32_t i = g.node_first; i < g.node_first + g.node_count; ++i) {
        const Index::ScopeNode& node = s.scope_nodes[i];
        // `up` is an enclosing node of the same group, listed earlier: the chain ends.
        if ((node.up != -1 && (node.up < static_cast<std::int64_t>(g.node_first) || node.up >= static_cast<std::int64_t>(i))) ||
            std::size_t{node.first} + node.count > s.scope_positions.size())
          return bad("a scope node is out of range");
        for (std::uint32_t k = node.first; k < node.first + node.count; ++k)
          if (s.scope_positions[k] >= g.count) return bad("a scope position is out of range");
      }
    }
    if (!in(s.star_group, ng, true)) return bad("the pattern groups are out of range");
    for (const auto& [code, g] : s.exact_groups)
      if (!in(g, ng)) return bad("the pattern groups are out of range");
    for (const auto& [code, g] : s.prefix_groups)
      if (!in(g, ng)) return bad("the pattern groups are out of range");
    if ((!s.category_group_offset.empty() &&
         !spans(s.category_group_offset, s.categories.size(), s.category_groups.size())) ||
        !group_ids(s.category_groups))
      return bad("the groups of the categories are out of range");
    if (!spans(s.rule_group_offset, s.rules.size(), s.rule_groups.size()) || !group_ids(s.rule_groups))
      return bad("the groups of the rules are out of range");
    for (std::size_t r = 0; r < s.rules.size(); ++r) {
      auto mine = s.groups_of_rule(static_cast<RuleId>(r));
      if (!std::is_sorted(mine.begin(), mine.end())) return bad("the groups of the rules are out of order");
    }
    return true;
  }

  // Unit and handler ids, which the loader restricts to [A-Za-z0-9._:-] and the writers put in records
  // without escaping them: valid UTF-8 without quotes, backslashes or control characters.
  static bool plain(std::string_view v) {
    return json_special(v.data(), v.data() + v.size()) == v.data() + v.size() && valid_utf8(v);
  }
  // The other names (roles, tiers, codes, rule, policy and calendar ids), which the writers escape: valid
  // UTF-8, as every text the loader takes. A role name or a rule id may hold a quote.
  static bool text(std::string_view v) { return valid_utf8(v); }
  bool names() {
    const Index& s = *s_;
    auto all = [](const auto& list) { return std::all_of(list.begin(), list.end(), [](const auto& v) { return text(v); }); };
    bool ok = plain(std::string_view(s.unit_id_chars.data(), s.unit_id_chars.size())) &&
              plain(std::string_view(s.handler_ids.chars.data(), s.handler_ids.chars.size())) && all(s.role_names) &&
              all(s.tiers) && all(s.categories) && plain(s.digest);
    for (const CompiledRule& r : s.rules) ok = ok && text(r.id) && all(r.patterns);
    for (const CompiledPolicy& p : s.policies) ok = ok && text(p.id);
    for (const StoredCalendar& c : calendars_) ok = ok && text(c.id);
    return ok || bad("a name holds characters no bundle allows");
  }

  bool finish() {
    Index& s = *s_;
    geo::StoredPolygons stored;
    bool ok = span_of(kGeoPoints, stored.points) && span_of(kGeoRings, stored.rings) &&
              span_of(kGeoParts, stored.parts) && span_of(kGeoPartFeature, stored.part_feature) &&
              span_of(kGeoFeatures, stored.features);
    if (!ok) return false;
    if (s.cells_label.empty()) {
      if (!stored.points.empty() || !stored.rings.empty() || !stored.parts.empty() || !stored.features.empty())
        return bad("cell polygons without the name of their file");
      return true;
    }
    // The positions are read where they lie in the map: every process that opens the file shares them.
    // (Copied into memory of huge pages instead, a lookup on the million-cell grid measured no faster.)
    auto loc = geo::Locator::from_stored(
        s.cells_label, stored,
        [&s](std::int32_t cell) {
          return cell >= 0 && static_cast<std::size_t>(cell) < s.hot.size() && s.hot[cell].tier == s.cell_tier;
        },
        f_);
    if (!loc.ok()) return bad(std::string(loc.status().message()));
    s.locator.emplace(std::move(*loc));
    return true;
  }
  template <class T>
  bool span_of(std::uint32_t t, std::span<const T>& out) {
    auto sec = f_->section<T>(t);
    if (!sec.ok()) return bad(std::string(sec.status().message()));
    out = *sec;
    return true;
  }

  std::shared_ptr<const MappedFile> f_;
  std::unique_ptr<Index> s_;
  std::vector<StoredCalendar> calendars_;
  std::string_view positions_;  // META's last bytes: the sources' positions, decoded on first use
  std::string error_;
};

}  // namespace

std::string index_bytes(const Index& index) {
  const std::string meta = meta_bytes(index);
  return writer_for(index, meta).bytes(index.digest, producer());
}

absl::Status write_index(const Index& index, const std::string& path) {
  const std::string meta = meta_bytes(index);
  return writer_for(index, meta).write(path, index.digest, producer());
}

absl::StatusOr<std::unique_ptr<Index>> open_index(const std::string& path, std::size_t checksum_thread_bytes) {
  auto f = MappedFile::open(path, MappedFile::Checksum::deferred);
  if (!f.ok()) return f.status();
  std::shared_ptr<const MappedFile> file = *std::move(f);
  // The checksum reads the whole file; the reading of the sections only what it decodes. A large file's
  // checksum runs on a thread of its own beside the reading (which checks every bound itself), and a
  // mismatch refuses the file whatever the reading found.
  absl::Status sum;
  absl::StatusOr<std::unique_ptr<Index>> index;
  if (file->size() < checksum_thread_bytes) {
    sum = file->verify_checksum();
    if (!sum.ok()) return sum;
    return Opener(file).run();
  }
  std::jthread checksum;
  try {
    checksum = std::jthread([&sum, &file] { sum = file->verify_checksum(); });
  } catch (const std::system_error&) {
    sum = file->verify_checksum();  // no thread to be had: one after the other
    if (!sum.ok()) return sum;
  }
  index = Opener(file).run();
  if (checksum.joinable()) checksum.join();
  if (!sum.ok()) return sum;
  return index;
}

absl::StatusOr<std::unique_ptr<Index>> open_index_bytes(std::string bytes, std::string label) {
  auto f = MappedFile::from_bytes(std::move(bytes), std::move(label));
  if (!f.ok()) return f.status();
  return Opener(*std::move(f)).run();
}

bool is_compiled_file(const std::string& path) {
  std::error_code ec;
  // A bundle is a directory: any other file is opened as a compiled one (and refused by name if it is not).
  return std::filesystem::is_regular_file(path, ec) || MappedFile::looks_compiled(path);
}

}  // namespace gridroute::detail::store
