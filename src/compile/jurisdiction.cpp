// Compiling the jurisdiction: tiers, units, handlers, and the unit tree with what routing reads of it
// (Euler-tour intervals, served roles per unit, the nearest served ancestor).
#include <algorithm>
#include <cstdint>
#include <cstring>
#include <exception>
#include <thread>
#include <utility>

#include <boost/graph/compressed_sparse_row_graph.hpp>
#include <boost/graph/depth_first_search.hpp>
#include <boost/graph/two_bit_color_map.hpp>

#include "absl/strings/str_join.h"
#include "base/suggest.hpp"
#include "base/text.hpp"
#include "compile/compiler.hpp"
#include "compile/names.hpp"

namespace gridroute::detail {
namespace {

// Vertices and edges numbered in 32 bits (units are int32 ids): half the memory of the default's
// size_t. The tour of a tree of millions runs while the text load still holds the CSV files and their
// rows, near its peak of memory.
using UnitTree = boost::compressed_sparse_row_graph<boost::directedS, boost::no_property, boost::no_property,
                                                    boost::no_property, std::uint32_t, std::uint32_t>;

// Records the discover/finish order of a DFS over the unit tree (Euler-tour intervals).
struct TourVisitor : boost::default_dfs_visitor {
  BigVector<std::int32_t>* tin;
  BigVector<std::int32_t>* tout;
  std::int32_t* clock;
  std::size_t units;
  template <class V, class G>
  void discover_vertex(V v, const G&) {
    if (v < units) (*tin)[v] = (*clock)++;
  }
  template <class V, class G>
  void finish_vertex(V v, const G&) {
    if (v < units) (*tout)[v] = *clock;
  }
};

// " (the first is /units/3 in jurisdiction.json)" or " (the first is on line 14 of units.csv)": where the
// first of two equal ids was read, for an error on the second (in a bundle of thousands of rows, finding
// the other is the hard part).
std::string first_copy(bool from_csv, std::int64_t origin, std::string_view list, const std::optional<std::string>& csv) {
  if (from_csv) return detail::cat(" (the first is on line ", origin, " of ", csv ? std::string_view(*csv) : "the CSV file", ")");
  return detail::cat(" (the first is ", list, "/", origin, " in jurisdiction.json)");
}

}  // namespace

std::unique_ptr<Index> compile(spec::Jurisdiction& jur, spec::Rules& rules, Problems& problems,
                               const LoadOptions& options) {
  return Compiler(jur, rules, problems, options).run();
}

std::unique_ptr<Index> Compiler::run() {
  // Every check reads both sides unless it says otherwise.
  auto both = reads(kBoth);
  header();
  {
    // A long handler list's ids go into their column and table on a second thread while the units are
    // read: the two are independent until handlers() looks up the units each handler serves. The thread
    // records nothing in problems_ (handlers() reports what it flagged, in row order). What it throws (an
    // allocation that fails) is thrown here after the join, as it would be on one thread.
    std::exception_ptr ids_failed;
    {
      std::jthread ids;
      if (jur_.handler_rows.size() >= kHandlerIdsThread && std::thread::hardware_concurrency() > 1)
        ids = std::jthread([this, &ids_failed] {
          try {
            handler_ids();
          } catch (...) {
            ids_failed = std::current_exception();
          }
        });
      else
        handler_ids();
      {
        auto j = reads(kJ);
        const std::size_t before = problems_.list.size();
        tiers();
        {
          auto ju = reads(kJ | kU);
          units();
        }
        units_sound_ = rows_sound_ = problems_.list.size() == before;
      }
      {
        auto r = reads(kR);
        rules_preamble();
      }
    }
    if (ids_failed) std::rethrow_exception(ids_failed);
  }
  {
    // The unit tree's tour reads only the units: for a long list it runs on a second thread while
    // handlers() reads the handlers. It records no problem; when it finds the tree is not clean,
    // tree_errors() reports why afterwards, in the order one thread would have.
    std::exception_ptr tour_failed;
    bool tree_clean = true;
    {
      std::jthread tour_thread;
      if (parent_.size() >= kTourThread && std::thread::hardware_concurrency() > 1)
        tour_thread = std::jthread([this, &tree_clean, &tour_failed] {
          try {
            tree_clean = tour();
          } catch (...) {
            tour_failed = std::current_exception();
          }
        });
      else
        tree_clean = tour();
      handlers();
    }
    if (tour_failed) std::rethrow_exception(tour_failed);
    auto ju = reads(kJ | kU);
    if (!tree_clean) tree_errors();
    units_sound_ = units_sound_ && tree_clean;
    served_index();
    cells();
  }
  rules();
  policies_and_defaults();
  {
    auto r = reads(kR);
    categories();
  }
  if (!problems_.empty()) return nullptr;
  return std::move(s_);
}

void Compiler::header() {
  auto j = reads(kJ);
  if (jur_.format != "gridroute.jurisdiction/1")
    jerr("/format", detail::cat("format must be \"gridroute.jurisdiction/1\", got \"", jur_.format, "\""));
  if (auto r = reads(kR); rules_.format != "gridroute.rules/1" && !rules_.broken_format)
    rerr("/format", detail::cat("format must be \"gridroute.rules/1\", got \"", rules_.format, "\""));
  s_->name = jur_.name.value_or("");
  s_->tz_name = jur_.timezone;
  s_->local_times = jur_.local_times.value_or(false);
  if (!absl::LoadTimeZone(jur_.timezone, &s_->tz))
    jerr("/timezone", detail::cat("unknown time zone \"", jur_.timezone, "\" (an IANA name such as Asia/Shanghai)"));
  s_->zone = Zone(s_->tz);
}

void Compiler::tiers() {
  auto& t = jur_.tiers;
  if (t.size() < 3) jerr("/tiers", "must list at least the tiers community, area, cell");
  if (t.size() > opt_.max_tiers) jerr("/tiers", detail::cat("more than ", opt_.max_tiers, " tiers (LoadOptions::max_tiers)"));
  for (std::size_t i = 0; i < t.size(); ++i) {
    if (!valid_name(t[i])) jerr(ptr("/tiers", i), detail::cat("tier name \"", t[i], "\" must match [a-z][a-z0-9_]*"));
    if (tier_index_.contains(t[i])) jerr(ptr("/tiers", i), detail::cat("duplicate tier \"", t[i], "\""));
    tier_index_.emplace(t[i], static_cast<std::int32_t>(i));
  }
  if (t.size() >= 3 && (t[t.size() - 3] != "community" || t[t.size() - 2] != "area" || t.back() != "cell"))
    jerr("/tiers", "the last three tiers must be \"community\", \"area\", \"cell\", in that order");
  s_->tiers = t;
  s_->cell_tier = static_cast<std::int32_t>(t.size()) - 1;
}

void Compiler::units() {
  const auto& us = jur_.unit_rows;
  if (us.size() > opt_.max_units) {
    jerr("/units", detail::cat("more than ", opt_.max_units, " units (LoadOptions::max_units)"));
    return;
  }
  std::size_t n = us.size();
  // Ids and names are copied into columns sized once (not appended row by row).
  std::size_t id_chars = 0, name_chars = 0;
  for (std::size_t i = 0; i < n; ++i) {
    id_chars += us.id_bytes(i);
    name_chars += us.name_bytes(i);
  }
  if (id_chars > UINT32_MAX || name_chars > UINT32_MAX) {
    jerr("/units", "the unit ids or names take more than 4 GiB");
    return;
  }
  s_->unit_id_offset.reserve(n + 1);
  s_->unit_id_chars.resize(id_chars);
  s_->unit_name_offset.reserve(n + 1);
  s_->unit_name_chars.resize(name_chars);
  std::size_t id_at = 0, name_at = 0;
  s_->unit_index.reset(n);
  tier_of_.assign(n, 0);
  parent_.assign(n, kNone);
  unit_origin_.resize(n);
  json_units_ = 0;
  unknown_tier_units_.clear();
  std::vector<bool> bad(n, false);
  for (std::size_t i = 0; i < n; ++i) {
    const spec::UnitView u = us[i];
    unit_origin_[i] = static_cast<std::uint32_t>(u.origin);
    if (!u.from_csv) json_units_ = i + 1;  // jurisdiction.json's units come first
    s_->unit_id_offset.push_back(static_cast<std::uint32_t>(id_at));
    if (!u.id.empty()) std::memcpy(&s_->unit_id_chars[id_at], u.id.data(), u.id.size());
    id_at += u.id.size();
    if (!valid_id(u.id, opt_.max_id_bytes)) {
      unit_err(u, "id", detail::cat("unit id \"", u.id.substr(0, 80), "\" must be 1-", opt_.max_id_bytes,
                                     " bytes of [A-Za-z0-9._:-]"));
      bad[i] = true;
    }
    auto it = tier_index_.find(u.tier);
    if (it == tier_index_.end()) {
      const std::string hint = tier_hint(u.tier);
      const std::string tiers = absl::StrJoin(jur_.tiers, ", ", [](std::string* out, const std::string& t) {
        out->append(detail::clipped(t));
      });
      unit_err(u, "tier", hint.empty() ? detail::cat("unknown tier \"", detail::clipped(u.tier), "\" (tiers: ", tiers, ")")
                                       : detail::cat("unknown tier \"", detail::clipped(u.tier), "\"", hint));
      bad[i] = true;
      unknown_tiers_ = true;
      unknown_tier_units_.push_back(static_cast<UnitId>(i));
    } else {
      tier_of_[i] = static_cast<std::uint8_t>(it->second);
    }
    s_->unit_name_offset.push_back(static_cast<std::uint32_t>(name_at));
    if (u.name && !u.name->empty()) std::memcpy(&s_->unit_name_chars[name_at], u.name->data(), u.name->size());
    if (u.name) name_at += u.name->size();
  }
  s_->unit_id_offset.push_back(static_cast<std::uint32_t>(id_at));
  s_->unit_name_offset.push_back(static_cast<std::uint32_t>(name_at));
  // Records of 16 bytes when 99% of the ids fit in one, else of 32 (SPEC ids are up to 64 bytes).
  std::size_t long_ids = 0;
  for (std::size_t i = 0; i < n; ++i) long_ids += s_->unit_id(static_cast<UnitId>(i)).size() > ShortId::longest(2);
  const std::uint32_t words = long_ids * 100 > n ? 4 : 2;
  s_->unit_id_words = words;
  s_->unit_id_short.reserve(words * n);
  for (std::size_t i = 0; i < n; ++i) {
    const ShortId r = ShortId::of(s_->unit_id(static_cast<UnitId>(i)), words, true);
    for (std::uint32_t k = 0; k < words; ++k) s_->unit_id_short.push_back(r.w[k]);
  }
  // Inserted with the slots of the units a few rows ahead prefetched (each insert is a cache miss in a
  // table of millions).
  constexpr std::size_t kAhead = 8;
  std::uint64_t ahead[kAhead];
  for (std::size_t i = 0; i < std::min(n, kAhead); ++i) {
    ahead[i] = UnitIndex::hash(s_->unit_id(static_cast<UnitId>(i)));
    __builtin_prefetch(s_->unit_index.slot_address(ahead[i]));
  }
  for (std::size_t i = 0; i < n; ++i) {
    const std::uint64_t h = ahead[i % kAhead];
    if (i + kAhead < n) {
      ahead[i % kAhead] = UnitIndex::hash(s_->unit_id(static_cast<UnitId>(i + kAhead)));
      __builtin_prefetch(s_->unit_index.slot_address(ahead[i % kAhead]));
    }
    const UnitId taken = s_->unit_index.insert(s_->unit_id(static_cast<UnitId>(i)), h, static_cast<UnitId>(i),
                                               [this](UnitId u) { return s_->unit_id(u); });
    if (taken != kNone) {
      const spec::UnitView first = us[static_cast<std::size_t>(taken)];
      unit_err(us[i], "id", detail::cat("duplicate unit id \"", us[i].id, "\"",
                                        first_copy(first.from_csv, first.origin, "/units", jur_.units_csv)));
      bad[i] = true;
    }
  }
  std::int64_t roots = 0;
  // Siblings are usually listed together: the previous row's parent is looked up once.
  std::string_view last_parent;
  UnitId last_parent_unit = kNone;
  UnitLookupsAhead ahead_parents(*s_, n, [&us](std::size_t j) -> std::string_view {
    const auto p = us.parent(j);
    if (!p || (j > 0 && us.parent(j - 1) == p)) return {};
    return *p;
  });
  for (std::size_t i = 0; i < n; ++i) {
    ahead_parents.advance(i);
    const spec::UnitView u = us[i];
    if (!u.parent) {
      if (roots++ == 0) s_->root = static_cast<UnitId>(i);
      else unit_err(u, "parent", detail::cat("a second root \"", u.id, "\" (the root is \"", us[s_->root].id,
                                              "\"; every other unit needs a parent)"));
      if (!jur_.tiers.empty() && u.tier != jur_.tiers.front() && !bad[i])
        unit_err(u, "tier", detail::cat("the root must be of the first tier \"", jur_.tiers.front(), "\""));
      continue;
    }
    UnitId p;
    if (last_parent_unit != kNone && *u.parent == last_parent) {
      p = last_parent_unit;
    } else {
      p = s_->find_unit(*u.parent, ahead_parents.hash(i, *u.parent));
      last_parent = *u.parent;
      last_parent_unit = p;
    }
    if (p == kNone) {
      unknown_parent_.push_back(static_cast<UnitId>(i));  // reported by tree(), with what it cuts off
      unknown_parent_ids_.emplace_back(*u.parent);
      continue;
    }
    if (static_cast<std::size_t>(p) == i) {
      unit_err(u, "parent", "a unit cannot be its own parent");
      continue;
    }
    parent_[i] = p;
    if (!bad[i] && !bad[p] && tier_of_[p] >= tier_of_[i])
      unit_err(u, "tier", detail::cat("tier \"", u.tier, "\" must be below its parent's tier \"", us[p].tier, "\""));
  }
  has_root_ = roots > 0;
  if (n > 0 && roots == 0) jerr("/units", "no root unit (a unit without a parent, of the first tier)");
  if (n == 0) jerr("/units", "the jurisdiction has no units");
  // Nothing later reads the unit rows or the units' CSV text they point into (what the tree's errors
  // name is kept above): their memory goes before the handlers' pass and the tour.
  jur_.unit_rows = spec::UnitRows{};
  if (jur_.release_units_text) std::exchange(jur_.release_units_text, nullptr)();
}

void Compiler::add_role(std::string r) {
  role_index_.emplace(r, static_cast<std::int32_t>(s_->role_names.size()));
  s_->role_names.push_back(std::move(r));
}

void Compiler::handler_ids() {
  const auto& hs = jur_.handler_rows;
  if (hs.size() > opt_.max_handlers) return;  // handlers() says so
  std::size_t id_bytes = 0;
  for (std::size_t i = 0; i < hs.size(); ++i) id_bytes += hs[i].id.size();
  s_->handler_ids.reserve(hs.size(), id_bytes);
  s_->handler_index.reset(hs.size());
  handler_id_flags_.assign(hs.size(), 0);
  for (std::size_t i = 0; i < hs.size(); ++i) {
    s_->handler_ids.push_back(hs[i].id);
    if (!valid_id(hs[i].id, opt_.max_id_bytes)) handler_id_flags_[i] |= kBadHandlerId;
  }
  // Inserted with the slots of the ids a few rows ahead prefetched (each insert is a cache miss in a
  // table of millions); the first of two equal ids keeps it.
  constexpr std::size_t kAhead = 8;
  std::uint64_t ahead[kAhead];
  for (std::size_t i = 0; i < std::min(hs.size(), kAhead); ++i) {
    ahead[i] = UnitIndex::hash(s_->handler_ids[i]);
    __builtin_prefetch(s_->handler_index.slot_address(ahead[i]));
  }
  for (std::size_t i = 0; i < hs.size(); ++i) {
    const std::uint64_t h = ahead[i % kAhead];
    if (i + kAhead < hs.size()) {
      ahead[i % kAhead] = UnitIndex::hash(s_->handler_ids[i + kAhead]);
      __builtin_prefetch(s_->handler_index.slot_address(ahead[i % kAhead]));
    }
    const HandlerId taken = s_->handler_index.insert(s_->handler_ids[i], h, static_cast<HandlerId>(i), [this](HandlerId x) {
      return s_->handler_ids[static_cast<std::size_t>(x)];
    });
    if (taken != kNone) handler_id_flags_[i] |= kDuplicateHandlerId;
  }
}

void Compiler::handlers() {
  const auto& hs = jur_.handler_rows;
  if (hs.size() > opt_.max_handlers) {
    jerr("/handlers", detail::cat("more than ", opt_.max_handlers, " handlers (LoadOptions::max_handlers)"));
    return;
  }
  // A handler's own fields and the units it serves are the jurisdiction's; its role and calendar are
  // declared in rules.json. Its id is already in the index (handler_ids()).
  auto j = reads(kJ);
  s_->serves_offset.reserve(hs.size() + 1);
  s_->serves_offset.push_back(0);
  // Where each handler was read (lint names FILE:LINE): a CSV line, or 0 for a JSON handler.
  s_->sources.building().handler_line.assign(hs.size(), 0);
  std::vector<UnitId> serves;
  std::vector<HandlerId> served_mark;  // by unit: the last handler (of a long serves list) that served it
  UnitId last_served = kNone;
  // Each row's first served unit is looked up with prefetches ahead, unless the row before ended with it.
  UnitLookupsAhead ahead_served(*s_, hs.size(), [&hs](std::size_t j) -> std::string_view {
    const std::string_view first = hs.first_serve(j);
    return j > 0 && hs.last_serve(j - 1) == first ? std::string_view() : first;
  });
  for (std::size_t i = 0; i < hs.size(); ++i) {
    ahead_served.advance(i);
    const spec::HandlerView h = hs[i];
    if (h.from_csv) s_->sources.building().handler_line[i] = h.origin;
    // A handler of jurisdiction.json whose own shape is broken is not checked further.
    Problems::Muted unchecked(problems_, !h.from_csv && broken(jur_.broken_handlers, static_cast<std::size_t>(h.origin)));
    if (handler_id_flags_[i] & kBadHandlerId)
      handler_err(h, "id", detail::cat("handler id \"", h.id.substr(0, 80), "\" must be 1-", opt_.max_id_bytes,
                                        " bytes of [A-Za-z0-9._:-]"));
    RoleKeyId key = kNone;
    auto rit = role_index_.find(h.role);
    if (rit == role_index_.end()) {
      auto both = reads(kBoth);
      // A declared role that could not be read may be this one.
      Problems::Muted maybe_declared(problems_, rules_.unknown_roles);
      const std::string hint = role_hint(h.role);
      handler_err(h, "role", hint.empty() ? detail::cat("unknown role \"", h.role, "\" (declare it in rules.json \"roles\")")
                                          : detail::cat("unknown role \"", h.role, "\"", hint));
    } else if (h.role == kPartner) {
      if (!h.department || h.department->empty())
        handler_err(h, "department", "a partner_department handler needs a \"department\"");
      else if (!valid_label(*h.department))
        handler_err(h, "department", "a department name must be 1-64 bytes, without control characters");
      else
        key = intern_key(rit->second, intern_department(std::string(*h.department)));
    } else if (h.department) {
      handler_err(h, "department", detail::cat("only partner_department handlers have a department (role \"",
                                                h.role, "\")"));
    } else {
      key = intern_key(rit->second, -1);
    }
    s_->handler_role.push_back(key);
    CalendarId cal = kNone;
    if (h.calendar) {
      bool ok = true;
      std::string p = h.from_csv ? "" : ptr("/handlers", static_cast<std::size_t>(h.origin), "calendar");
      auto it = s_->calendar_index.find(*h.calendar);
      if (it == s_->calendar_index.end()) {
        auto both = reads(kBoth);
        Problems::Muted maybe_declared(problems_, rules_.unknown_calendars);
        handler_err(h, "calendar", detail::cat("unknown calendar \"", *h.calendar, "\"", calendar_hint(*h.calendar)));
        ok = false;
      } else {
        cal = it->second;
      }
      (void)ok;
      (void)p;
    }
    s_->handler_calendar.push_back(cal);
    serves.clear();
    if (h.serves.empty()) handler_err(h, "serves", "a handler must serve at least one unit");
    for (std::size_t k = 0; k < h.serves.size(); ++k) {
      UnitId u;
      if (last_served != kNone && h.serves[k] == s_->unit_id(last_served)) {
        u = last_served;  // handlers of one unit are usually listed together
      } else {
        u = k == 0 ? s_->find_unit(h.serves[0], ahead_served.hash(i, h.serves[0])) : s_->find_unit(h.serves[k]);
        last_served = u;
      }
      if (u == kNone) {
        auto ju = reads(kJ | kU);
        std::string msg = detail::cat("unknown unit \"", h.serves[k], "\"", unit_hint(h.serves[k]));
        if (h.from_csv) handler_err(h, "serves", std::move(msg));
        else jerr(detail::cat(ptr("/handlers", static_cast<std::size_t>(h.origin), "serves"), "/", k), std::move(msg));
        continue;
      }
      // A unit listed twice is served once. A short list is searched; a long one (a handler serving a whole
      // district's 200,000 cells on one row) marks its units by number, which a search of the list so far
      // at each entry made the square of its length.
      if (h.serves.size() <= 16) {
        if (std::find(serves.begin(), serves.end(), u) == serves.end()) serves.push_back(u);
      } else {
        if (static_cast<std::size_t>(u) >= served_mark.size()) served_mark.resize(static_cast<std::size_t>(u) + 1, kNone);
        const auto mark = static_cast<HandlerId>(i);
        if (served_mark[static_cast<std::size_t>(u)] != mark) {
          served_mark[static_cast<std::size_t>(u)] = mark;
          serves.push_back(u);
        }
      }
    }
    s_->serves_units.append(serves.begin(), serves.end());
    s_->serves_offset.push_back(static_cast<std::uint32_t>(s_->serves_units.size()));
    if (handler_id_flags_[i] & kDuplicateHandlerId) {
      const HandlerId taken = s_->find_handler(h.id);
      std::string where;
      if (taken != kNone && static_cast<std::size_t>(taken) < i) {
        const spec::HandlerView first = hs[static_cast<std::size_t>(taken)];
        where = first_copy(first.from_csv, first.origin, "/handlers", jur_.handlers_csv);
      }
      handler_err(h, "id", detail::cat("duplicate handler id \"", h.id, "\"", where));
    }
  }
  handler_id_flags_ = {};
  // Nothing later reads the handler rows: their memory goes before the tree's working arrays come, and
  // so does the text of the handlers' CSV file they point into.
  jur_.handler_rows = spec::HandlerRows{};
  if (jur_.release_handlers_text) std::exchange(jur_.release_handlers_text, nullptr)();
}

// The cell polygons (SPEC §7): a Feature's id must be a cell of the jurisdiction. They are read whenever
// the units are sound — errors elsewhere (a handler, a rule) do not hide the layer's own (SPEC §2: every
// error found) — but not against a unit table with errors, whose every "not a cell" might be an echo.
void Compiler::cells() {
  if (!jur_.cells_geojson || jur_.cells_label.empty()) return;
  // The polygons need the cells' ids and tiers, not a whole tree: an unknown parent elsewhere does not
  // hold back the errors of the cells' file.
  if (!rows_sound_ || (problems_.broken() & (kJurisdictionSide | kUnitsSide))) return;
  geo::CellsSource src{jur_.cells_text, jur_.cells_label, jur_.cells_geojson->id_property};
  geo::CellsChunks chunks{jur_.cells_read, jur_.cells_whole};
  geo::GeoOptions options;
  options.max_json_depth = opt_.max_json_depth;
  options.max_errors = opt_.max_errors;
  options.max_features = opt_.max_units;
  std::vector<Diagnostic> diags;
  auto loc = geo::Locator::load(
      src, chunks,
      [&](std::string_view id) -> std::int32_t {
        const UnitId u = s_->find_unit(id);
        return u != kNone && s_->hot[u].tier == s_->cell_tier ? u : -1;
      },
      &diags, options);
  for (Diagnostic& d : diags) problems_.placed(std::move(d));
  if (loc.ok()) {
    s_->locator.emplace(std::move(*loc));
    s_->cells_label = src.label;
    s_->cells_id_property = src.id_property;
  }
  else if (diags.empty() && !absl::IsAborted(loc.status())) problems_.json(FileId::jurisdiction, "/cells_geojson", std::string(loc.status().message()));
  s_->snap_meters = jur_.snap_meters.value_or(0);
}

bool Compiler::tour() {
  const std::size_t n = parent_.size();
  if (n == 0) return true;
  // The unit tree as a Boost.Graph (parent → child edges), only for the depth-first tour below.
  {  // the graph and its working arrays live only for the tour
    // The edges in (parent, child) order, by a counting sort over parents (a unit's children ascending);
    // they live only until the graph is built from them.
    const UnitTree graph = [&] {
      BigVector<std::pair<std::uint32_t, std::uint32_t>> edges;
      {
        BigVector<std::uint32_t> at(n + 1, 0);
        for (std::size_t i = 0; i < n; ++i)
          if (parent_[i] != kNone) ++at[static_cast<std::size_t>(parent_[i]) + 1];
        for (std::size_t i = 0; i < n; ++i) at[i + 1] += at[i];
        edges.resize(at[n]);
        for (std::size_t i = 0; i < n; ++i)
          if (parent_[i] != kNone)
            edges[at[static_cast<std::size_t>(parent_[i])]++] = {static_cast<std::uint32_t>(parent_[i]), static_cast<std::uint32_t>(i)};
      }
      return UnitTree(boost::edges_are_sorted, edges.begin(), edges.end(), static_cast<std::uint32_t>(n),
                      static_cast<std::uint32_t>(edges.size()));
    }();
    tin_.assign(n, -1);
    tout_.assign(n, -1);
    std::int32_t clock = 0;
    TourVisitor vis;
    vis.tin = &tin_;
    vis.tout = &tout_;
    vis.clock = &clock;
    vis.units = n;
    // Two bits a unit (white, gray, black) rather than an enum's four bytes.
    boost::two_bit_color_map<boost::property_map<UnitTree, boost::vertex_index_t>::const_type> colors(
        num_vertices(graph), get(boost::vertex_index, graph));
    // Without a root (every unit has a parent: they form cycles) nothing is reached, and tree_errors()
    // names the cycles; a tour from unit 0 would take a cycle for the tree.
    if (has_root_) boost::depth_first_visit(graph, static_cast<std::uint32_t>(s_->root), vis, colors);
  }
  // Parents come first in tour order, so depth follows from a pass in discover order.
  depth_.assign(n, 0);
  order_.assign(n, kNone);
  bool reached_all = true;
  for (std::size_t i = 0; i < n; ++i) {
    if (tin_[i] >= 0) order_[static_cast<std::size_t>(tin_[i])] = static_cast<UnitId>(i);
    else reached_all = false;
  }
  for (UnitId u : order_) {
    if (u == kNone) continue;
    if (parent_[u] != kNone) depth_[u] = static_cast<std::uint16_t>(depth_[parent_[u]] + 1);
  }
  // Every leaf is a cell and every cell is a leaf (reported by tree_errors()).
  has_child_.assign(n, 0);
  for (std::size_t i = 0; i < n; ++i)
    if (parent_[i] != kNone) has_child_[static_cast<std::size_t>(parent_[i])] = 1;
  bool leaves_ok = true;
  for (std::size_t i = 0; i < n && leaves_ok; ++i)
    if (tin_[i] >= 0) leaves_ok = (tier_of_[i] == s_->cell_tier) != static_cast<bool>(has_child_[i]);
  return reached_all && leaves_ok && unknown_parent_.empty() && !unknown_tiers_;
}

void Compiler::tree_errors() {
  const std::size_t n = parent_.size();
  // Units the DFS did not reach either hang below a unit whose parent is already reported (unknown
  // parent, a second root) or sit on a cycle. Classify each chain once: 1 = dangling, 2 = cycle.
  std::vector<std::uint8_t> state(n, 0);
  for (std::size_t i = 0; i < n; ++i) {
    if (tin_[i] >= 0 || state[i]) continue;
    std::vector<UnitId> path;
    UnitId u = static_cast<UnitId>(i);
    std::vector<std::uint8_t>& st = state;
    UnitId cycle_start = kNone;
    while (true) {
      if (u == kNone || tin_[u] >= 0 || st[u] == 1 || st[u] == 2) break;
      if (st[u] == 3) { cycle_start = u; break; }  // met our own path: the cycle starts here
      st[u] = 3;
      path.push_back(u);
      u = parent_[u];
    }
    // A cycle is one error, at its first unit in file order; units hanging below it, or below a unit
    // whose parent is unknown, are not reported one by one (the cause's message counts them).
    bool on_cycle = false;
    std::vector<UnitId> cycle;
    for (UnitId p : path) {
      on_cycle = on_cycle || p == cycle_start;
      st[p] = on_cycle ? 2 : 1;
      if (on_cycle) cycle.push_back(p);
    }
    if (!cycle.empty()) {
      const auto first_at = std::min_element(cycle.begin(), cycle.end());
      const UnitId first = *first_at;
      const std::size_t from = static_cast<std::size_t>(first_at - cycle.begin());
      std::string chain;
      for (std::size_t k = 0; k <= cycle.size(); ++k)  // from `first` round to itself, following parents
        detail::append(chain, k ? " -> " : "", "\"", s_->unit_id(cycle[(from + k) % cycle.size()]), "\"");
      unit_err(first, "parent",
               has_root_ ? detail::cat("units ", chain, " form a cycle of parents: ",
                                       cycle.size() == 1 ? "it is" : "none of them is", " reachable from the root")
                         : detail::cat("units ", chain, " form a cycle of parents, so no unit is the root"));
    }
  }
  // Each unit whose parent is unknown, with the units below it that it cuts off from the root; the unit
  // it probably meant is not then reported for having no child units.
  // Each dangling unit's top (the unit of its chain whose parent is unknown or not dangling) is found
  // once per chain: a unit's walk stops at a unit whose top is known, and the walk's units take it, so
  // a chain of a million units is walked once, not once per unit.
  BigVector<std::uint32_t> cut(n, 0);
  {
    BigVector<UnitId> top(n, kNone);
    std::vector<UnitId> path;
    for (std::size_t i = 0; i < n; ++i) {
      if (tin_[i] >= 0 || state[i] != 1) continue;
      UnitId u = static_cast<UnitId>(i);
      path.clear();
      while (top[static_cast<std::size_t>(u)] == kNone && parent_[u] != kNone && state[parent_[u]] == 1) {
        path.push_back(u);
        u = parent_[u];
      }
      const UnitId t = top[static_cast<std::size_t>(u)] != kNone ? top[static_cast<std::size_t>(u)] : u;
      top[static_cast<std::size_t>(u)] = t;
      for (UnitId p : path) top[static_cast<std::size_t>(p)] = t;
      ++cut[static_cast<std::size_t>(t)];
    }
  }
  std::vector<std::uint8_t> meant(n, 0);
  for (std::size_t k = 0; k < unknown_parent_.size(); ++k) {
    const UnitId u = unknown_parent_[k];
    const std::string& parent = unknown_parent_ids_[k];
    const std::string best = unit_suggestion(parent, tier_known(u) ? static_cast<std::int32_t>(tier_of_[u]) : -1);
    std::string msg = detail::cat("unknown parent unit \"", parent, "\"");
    if (!best.empty()) {
      detail::append(msg, " (did you mean \"", best, "\"?)");
      const UnitId b = s_->find_unit(best);
      if (b != kNone) meant[static_cast<std::size_t>(b)] = 1;
    }
    const std::size_t below = cut[static_cast<std::size_t>(u)] > 0 ? cut[static_cast<std::size_t>(u)] - 1 : 0;
    if (below > 0)
      detail::append(msg, "; \"", s_->unit_id(u), "\" and the ", below, below == 1 ? " unit" : " units",
                     " below it are cut off from the root");
    unit_err(u, "parent", std::move(msg));
  }
  const bool cut_off = !unknown_parent_.empty() || std::any_of(state.begin(), state.end(), [](auto v) { return v != 0; });
  // Every leaf is a cell and every cell is a leaf.
  for (std::size_t i = 0; i < n; ++i) {
    if (tin_[i] < 0) continue;
    const UnitId u = static_cast<UnitId>(i);
    const bool known = tier_known(u);
    bool cell = tier_of_[i] == s_->cell_tier && known;
    if (cell && has_child_[i]) unit_err(u, "tier", detail::cat("cell \"", s_->unit_id(u), "\" has child units; a cell must be a leaf"));
    // With units cut off from the tree, a unit without children may only have lost them: reported after
    // the causes, and not at all for the unit an unknown parent most likely meant.
    if (!cell && !has_child_[i] && known && !meant[i])
      unit_err(u, "tier", detail::cat("unit \"", s_->unit_id(u), "\" has no child units; every leaf must be a cell"),
               cut_off);
  }
}

void Compiler::served_index() {
  const std::size_t n = parent_.size();
  if (n == 0) return;
  const std::size_t nh = s_->handler_ids.size();
  has_child_ = {};
  // Served index: per unit, (role key, handlers in jurisdiction order).
  // (unit, role key, handler) in that order: a counting sort over units (handlers ascending within a
  // unit), then each unit's few entries by role key.
  BigVector<std::tuple<UnitId, RoleKeyId, HandlerId>> triples;
  {
    BigVector<std::uint32_t> at(n + 1, 0);
    for (std::size_t h = 0; h < nh; ++h)
      if (s_->handler_role[h] != kNone)
        for (UnitId u : s_->serves_of(static_cast<HandlerId>(h))) ++at[static_cast<std::size_t>(u) + 1];
    for (std::size_t i = 0; i < n; ++i) at[i + 1] += at[i];
    triples.resize(at[n]);
    BigVector<std::uint32_t> next(at.begin(), at.end() - 1);
    for (std::size_t h = 0; h < nh; ++h) {
      if (s_->handler_role[h] == kNone) continue;
      for (UnitId u : s_->serves_of(static_cast<HandlerId>(h)))
        triples[next[static_cast<std::size_t>(u)]++] = {u, s_->handler_role[h], static_cast<HandlerId>(h)};
    }
    for (std::size_t i = 0; i < n; ++i)
      if (at[i + 1] - at[i] > 1) std::sort(triples.begin() + at[i], triples.begin() + at[i + 1]);
  }
  // Both columns sized first: grown by doubling, they were copied and their pages touched twice over.
  const auto same_group = [&](std::size_t i) {
    return i > 0 && std::get<0>(triples[i - 1]) == std::get<0>(triples[i]) &&
           std::get<1>(triples[i - 1]) == std::get<1>(triples[i]);
  };
  {
    // An entry per group; for a group of several handlers, its alternates' count and the alternates.
    std::size_t groups = 0, with_alternates = 0;
    for (std::size_t i = 0; i < triples.size(); ++i) {
      groups += !same_group(i);
      with_alternates += same_group(i) && !same_group(i - 1);
    }
    s_->served.reserve(groups);
    s_->served_handlers.reserve(triples.size() - groups + with_alternates);
  }
  served_offset_.assign(n + 1, 0);
  for (std::size_t i = 0; i < triples.size(); ++i) {
    auto [u, k, h] = triples[i];
    if (!same_group(i)) {
      s_->served.push_back({k, h, kNone, s_->handler_calendar[static_cast<std::size_t>(h)]});
      ++served_offset_[static_cast<std::size_t>(u) + 1];
      continue;
    }
    Index::Served& v = s_->served.back_mut();
    if (v.alternates_at == kNone) {
      v.alternates_at = static_cast<std::int32_t>(s_->served_handlers.size());
      s_->served_handlers.push_back(0);
    }
    s_->served_handlers.push_back(h);
    ++s_->served_handlers.at_mut(static_cast<std::size_t>(v.alternates_at));
  }
  for (std::size_t i = 0; i < n; ++i) served_offset_[i + 1] += served_offset_[i];
  // The packed per-unit record routing reads, with skip lists filled parents-first in tour order.
  s_->hot.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    Index::UnitHot& h = s_->hot.emplace_back();
    h.tin = tin_[i];
    h.tout = tout_[i];
    h.parent = parent_[i];
    h.tier = tier_of_[i];
    h.served_begin = served_offset_[i];
    std::uint32_t count = served_offset_[i + 1] - served_offset_[i];
    if (count > 0xFFFF) {
      unit_err(static_cast<UnitId>(i), "id", detail::cat("unit \"", s_->unit_id(static_cast<UnitId>(i)), "\" is served by more than 65535 distinct roles"));
      count = 0xFFFF;
    }
    h.served_count = static_cast<std::uint16_t>(count);
    h.served_keys = s_->key_bits_of_entries(h);
  }
  for (UnitId u : order_) {
    if (u == kNone) continue;
    UnitId p = parent_[u];
    UnitId above = p == kNone ? kNone : s_->hot[p].served_up;
    s_->hot[u].served_next = above;
    s_->hot[u].served_up = s_->hot[u].served_count > 0 ? u : above;
  }
  order_ = {};
}

}  // namespace gridroute::detail

namespace gridroute::detail {

void UnitIndex::reset(std::size_t n) {
  slots_.assign(std::max<std::size_t>(8, n * 8 / 5 + 1), kEmpty);
  slots_.shrink_to_fit();
}

}  // namespace gridroute::detail
