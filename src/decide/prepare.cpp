// Preparing an issue: its values checked (validate.hpp), its cell, category and attributes resolved
// against the index (SPEC §4: what rejects an issue).
#include <cmath>

#include "base/strings.hpp"
#include "base/text.hpp"
#include "compile/names.hpp"
#include "decide/decide.hpp"
#include "decide/validate.hpp"

namespace gridroute::detail {
namespace {

std::string render(const AttrValue& v) {
  switch (v.type) {
    case AttrValue::Type::boolean: return v.b ? "true" : "false";
    case AttrValue::Type::number:
      return std::isfinite(v.num) ? cat(v.num) : std::isnan(v.num) ? "NaN" : v.num > 0 ? "Infinity" : "-Infinity";
    case AttrValue::Type::string: {
      std::string s = "\"";
      for (char c : v.str.substr(0, 40)) {
        if (c == '"' || c == '\\') s.push_back('\\');
        s.push_back(c);
      }
      return s + "\"";
    }
    case AttrValue::Type::object: return "an object";
    case AttrValue::Type::list: return "a list";
    default: return "null";
  }
}

// Why a declared attribute's value rejects the issue: an attribute declared a number that is not finite,
// or a value not of the declared type, after any text that is not UTF-8 (check_later_text), in the order check_issue gives them.
[[gnu::cold, gnu::noinline]] bool attr_error(const Issue& issue, std::string_view name, const AttrValue& value,
                                             AttrValue::Type want, std::string& error) {
  if (!check_later_text(issue, error)) return false;
  if (want == AttrValue::Type::number && value.type == AttrValue::Type::number && !std::isfinite(value.num))
    error = cat("attribute '", name, "' must be a finite number (within double range), got ",
                std::isnan(value.num) ? "NaN" : value.num > 0 ? "Infinity" : "-Infinity");
  else
    error = cat("attribute '", name, "' must be ",
                want == AttrValue::Type::boolean  ? "bool"
                : want == AttrValue::Type::number ? "number"
                                                  : "string",
                ", got ", render(value));
  return false;
}

// The cell of the issue's location: the polygon that holds it, or the nearest boundary within snap_meters.
bool locate(const Index& s, const Issue& issue, PreparedIssue& out, std::string& error, std::int32_t located) {
  if (auto ok = geo::check_point(issue.lon, issue.lat); !ok.ok()) {
    error = std::string(ok.message());
    return false;
  }
  if (!s.locator) {
    error = "the issue gives a location, but the bundle has no cell polygons (jurisdiction.json cells_geojson)";
    return false;
  }
  const std::int32_t cell =
      located != kNotLocated ? located : s.locator->locate(geo::Point{issue.lon, issue.lat}, s.snap_meters);
  if (cell == geo::kOutside) {
    error = geo::kOutsideMessage;
    return false;
  }
  out.cell = cell;
  out.located = true;
  out.at = issue.at;
  return true;
}

}  // namespace

bool prepare(const Index& s, const Issue& issue, PreparedIssue& out, std::string& error, std::uint64_t cell_hash,
             bool with_attrs, std::int32_t located, const UnitId* cell_given, const CAttrs* c_attrs) {
  // The cell's loads go out first and overlap the checks below: its index slot now, its record and its
  // id's record once the slot is read (in a batch they are already in cache). A cell given by number
  // needs only its record.
  const bool by_number = cell_given != nullptr;
  const bool number_ok = by_number && *cell_given >= 0 && static_cast<std::size_t>(*cell_given) < s.hot.size();
  if (number_ok) __builtin_prefetch(&s.hot[static_cast<std::size_t>(*cell_given)]);
  else if (!by_number) __builtin_prefetch(s.unit_index.slot_address(cell_hash));
  // The category's and the attributes' text are checked below, where a known category or a declared
  // name (the bundle's own text, UTF-8 already) needs no check of its own.
  if (!check_issue(issue, error, by_number, true)) return false;
  // Without them, no condition reads the positions: they are left as they are.
  if (with_attrs) out.reset_where(s.attr_names.size());
  out.has_severity = false;
  // The names and string values in the same pass as their lookup: only an undeclared name is read.
  bool text_plain = true;
  // Where the conditions find each declared attribute (none without with_attrs).
  std::int32_t* const where = !with_attrs ? nullptr : out.where_is_inline ? out.where_inline : out.where_more.data();
  if (c_attrs && c_attrs->data) [[unlikely]] {
    // The same pass over a C caller's list. What only the full checks can word (text that is not UTF-8,
    // a value of the wrong type) rejects the issue here with a message of no use: the C layer routes it
    // again from a copy, whose message is the answer. A loop of its own: one loop over both shapes
    // through a lambda measured 1.5-3% slower on the copied shape (docs/performance.md, "The C batch's
    // attributes read where the caller laid them out").
    out.given = nullptr;
    out.c_attrs = c_attrs->data;
    const std::size_t count = c_attrs->count;
    AttrValue value;
    for (std::size_t i = 0; i < count; ++i) {
      const std::byte* attr = c_attrs->data + i * CAttrs::kSize;
      const std::string_view name = CAttrs::name(attr);
      CAttrs::value(attr, value);
      const Index::AttrCheck* a = s.find_attr_check(name);
      text_plain &= value.type != AttrValue::Type::string || ascii_only(value.str);
      if (!a) {
        text_plain &= ascii_only(name);
        continue;
      }
      if (value.type != a->want || (value.type == AttrValue::Type::number && !std::isfinite(value.num))) {
        error = "an attribute to check from a copy";
        return false;
      }
      if (a->severity) {
        out.has_severity = true;
        out.severity = value.num;
      }
      if (where) where[a->attr] = static_cast<std::int32_t>(i);
    }
    // Text past ASCII (a platform's own words) is checked here; only text that is not UTF-8 needs
    // the message that names it.
    if (!text_plain)
      for (std::size_t i = 0; i < count; ++i) {
        const std::byte* attr = c_attrs->data + i * CAttrs::kSize;
        CAttrs::value(attr, value);
        if (!valid_utf8(CAttrs::name(attr)) || (value.type == AttrValue::Type::string && !valid_utf8(value.str))) {
          error = "an attribute's text to check from a copy";
          return false;
        }
      }
  } else {
    const auto* given = issue.attrs.data();
    const std::size_t count = issue.attrs.size();  // read once: the stores below could alias the vector
    out.given = given;
    out.c_attrs = nullptr;
    for (std::size_t i = 0; i < count; ++i) {
      const auto& [name, value] = given[i];
      const Index::AttrCheck* a = s.find_attr_check(name);
      const bool value_plain = value.type != AttrValue::Type::string || ascii_only(value.str);
      if (!a) {
        // Undeclared attributes are ignored (SPEC §4), `severity` too: severity_skip reads a declared one.
        text_plain &= value_plain & ascii_only(name);
        continue;
      }
      text_plain &= value_plain;
      // A declared number must be finite: NaN and ±Inf (1e400 in JSON) compare in ways no rule means.
      if (value.type != a->want || (value.type == AttrValue::Type::number && !std::isfinite(value.num)))
        return attr_error(issue, name, value, a->want, error);
      if (a->severity) {
        out.has_severity = true;
        out.severity = value.num;
      }
      if (where) where[a->attr] = static_cast<std::int32_t>(i);
    }
  }
  if (!text_plain && !check_later_text(issue, error)) return false;
  if (number_ok) {
    // The loads routing starts with: the nearest served unit's record, while the category is looked up.
    const UnitId up = s.hot[static_cast<std::size_t>(*cell_given)].served_up;
    if (up >= 0) __builtin_prefetch(&s.hot[static_cast<std::size_t>(up)]);
  } else if (!by_number) {
    if (const UnitId guess = s.unit_index.first_match(cell_hash); guess >= 0) {
      __builtin_prefetch(&s.hot[static_cast<std::size_t>(guess)]);
      __builtin_prefetch(s.unit_id_record(guess));
    }
  }
  if (s.has_taxonomy) {
    const CategoryId category = s.find_category_inline(issue.category);
    if (category == kNone) {
      if (!check_later_text(issue, error)) return false;
      error = cat("unknown category '", issue.category.substr(0, 200), "'");
      return false;
    }
    out.category = category;
  } else {
    if (!valid_code(issue.category)) {
      if (!check_later_text(issue, error)) return false;
      error = cat("field 'category' must be a dotted code of [a-z0-9_] segments, got \"", issue.category.substr(0, 200),
                  "\"");
      return false;
    }
    out.category = kNone;
  }
  out.category_code = issue.category;
  out.located = false;
  if (by_number) {
    if (!number_ok) {
      // kNone is what find_unit answers for an id it does not know: the usual way to get here.
      error = *cell_given == kNone
                  ? std::string("no cell: the cell number is -1, which stands for an id the bundle does not have")
                  : cat("cell number ", *cell_given, " is not a unit of this snapshot (it has ", s.hot.size(),
                        " units): give the number of a cell of this bundle");
      return false;
    }
    const UnitId u = *cell_given;
    if (s.hot[u].tier != s.cell_tier) {
      error = cat("unit '", s.unit_id(u), "' is not a cell (tier '", s.tiers[s.hot[u].tier], "')");
      return false;
    }
    out.cell = u;
    out.at = issue.at;
    return true;
  }
  if (issue.cell.empty()) return locate(s, issue, out, error, located);  // a place instead of a cell (SPEC §7)
  UnitId cell = s.find_unit(issue.cell, cell_hash);
  if (cell == kNone) {
    error = cat("unknown cell '", issue.cell.substr(0, 200), "'");
    return false;
  }
  if (s.hot[cell].tier != s.cell_tier) {
    error = cat("unit '", issue.cell, "' is not a cell (tier '", s.tiers[s.hot[cell].tier], "')");
    return false;
  }
  out.cell = cell;
  out.at = issue.at;
  return true;
}

void explain_location(const Index& s, const Issue& issue, LocationTrace& out) {
  out = LocationTrace{};
  if (!issue.cell.empty() || !issue.has_location || !s.locator || !geo::check_point(issue.lon, issue.lat).ok()) return;
  geo::Locator::Explained e = s.locator->explain(geo::Point{issue.lon, issue.lat}, s.snap_meters);
  using How = geo::Locator::Explained::How;
  out.how = e.how == How::inside ? LocationTrace::How::inside
            : e.how == How::snapped ? LocationTrace::How::snapped
                                    : LocationTrace::How::outside;
  out.meters = e.meters;
  out.nearest = e.nearest;
  out.swapped = e.swapped;
  out.also_inside.assign(e.also_inside.begin(), e.also_inside.end());
  out.others.assign(e.others.begin(), e.others.end());
}

void locate_group(const Index& s, const Issue* const* issues, std::size_t n, std::int32_t* located) {
  std::fill_n(located, n, kNotLocated);
  if (!s.locator) return;
  geo::Point points[kPrefetchGroup];
  std::size_t at[kPrefetchGroup];
  std::size_t m = 0;
  for (std::size_t i = 0; i < n && i < kPrefetchGroup; ++i) {
    const Issue& is = *issues[i];
    if (!is.cell.empty() || !is.has_location || !geo::check_point(is.lon, is.lat).ok()) continue;
    points[m] = geo::Point{is.lon, is.lat};
    at[m++] = i;
  }
  if (m == 0) return;
  std::int32_t cells[kPrefetchGroup];
  s.locator->locate_many(std::span<const geo::Point>(points, m), s.snap_meters, std::span<std::int32_t>(cells, m));
  for (std::size_t k = 0; k < m; ++k) located[at[k]] = cells[k];
  // What deciding reads of those cells, as prefetch_cells does for cells given by id.
  prefetch_units(s, cells, m);
}

}  // namespace gridroute::detail
