// Internal: the bundle's file model (SPEC §2), as described structs.
//
// Each struct mirrors one JSON object of `jurisdiction.json` or `rules.json`; Boost.Describe lists its
// fields once, and the reader (load/reader.hpp) reads, checks unknown fields and reports errors from
// that list. The compiler (compile/) turns the model into the index that routing reads.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include <boost/describe.hpp>

#include "load/rows.hpp"

namespace gridroute {

namespace spec {

// A role reference: "resident_council" or {"role": "partner_department", "department": "gas"}.
struct RoleRef {
  std::string role;
  std::optional<std::string> department;
};
BOOST_DESCRIBE_STRUCT(RoleRef, (), (role, department))

// A unit or handler as jurisdiction.json holds it (CSV rows go straight to the row tables of rows.hpp).
struct Unit {
  std::string id;
  std::string tier;
  std::optional<std::string> parent;
  std::optional<std::string> name;
  std::vector<std::pair<std::string, std::string>> extra;  // other string fields (e.g. "estate"), kept as is
  // Where it came from, for error messages: a JSON index or a CSV line.
  bool from_csv = false;
  std::int64_t origin = 0;
};

struct Handler {
  std::string id;
  std::string role;
  std::optional<std::string> department;
  std::vector<std::string> serves;
  std::optional<std::string> name;
  std::optional<std::string> calendar;
  bool from_csv = false;
  std::int64_t origin = 0;
};
BOOST_DESCRIBE_STRUCT(Handler, (), (id, role, department, serves, name, calendar))

// cells_geojson (SPEC §7): a file name, or {"file": F, "id_property": P}; read by hand (two shapes).
struct CellsGeojson {
  std::string file;
  std::optional<std::string> id_property;
};

struct Jurisdiction {
  std::string format;
  std::optional<std::string> name;
  std::string timezone;
  std::vector<std::string> tiers;
  std::vector<Unit> units;  // as read from jurisdiction.json; the loader moves them to unit_rows
  std::optional<std::string> units_csv;
  std::optional<std::string> handlers_csv;
  std::vector<Handler> handlers;  // as read from jurisdiction.json; the loader moves them to handler_rows
  // Set by the loader: every unit and handler, those of jurisdiction.json first, then the CSV rows.
  UnitRows unit_rows;
  HandlerRows handler_rows;
  // Set by the loader: the handlers of jurisdiction.json whose own shape is broken (a field of the wrong
  // type), by index. They are not checked further; the other handlers are (SPEC §2: every error found).
  // `unknown_handlers`: one of them has no id that could be read, so a reference to an unknown handler
  // may mean it.
  std::vector<bool> broken_handlers;
  bool unknown_handlers = false;
  std::optional<CellsGeojson> cells_geojson;
  std::optional<double> snap_meters;
  std::optional<bool> local_times;  // contract 1.1: instants without an offset are read in `timezone`
  // Set by the loader, not read from JSON: the text of the cells_geojson file and its display name.
  std::string_view cells_text;
  std::string cells_label;
  // Or, for a file read by chunks (geo::CellsSource::read, whole), with cells_text empty.
  std::function<std::ptrdiff_t(char*, std::size_t)> cells_read;
  std::function<std::optional<std::string_view>()> cells_whole;
  // Set by the loader when handler rows point into a CSV file's text: frees that text. The compiler calls
  // it once it has dropped the rows, so that the largest of the load's transient memory goes before the
  // tree's working arrays come.
  std::function<void()> release_handlers_text;
  // The same for the unit rows and the units' CSV file, once the compiler has read the rows.
  std::function<void()> release_units_text;
};
BOOST_DESCRIBE_STRUCT(Jurisdiction, (), (format, name, timezone, tiers, units, units_csv, handlers_csv, handlers,
                                         cells_geojson, snap_meters, local_times))

struct Category {
  std::string code;
  std::optional<std::string> name;
};
BOOST_DESCRIBE_STRUCT(Category, (), (code, name))

struct Calendar {
  std::string id;
  std::optional<std::string> timezone;  // default: the jurisdiction's
  std::vector<int> weekdays;
  std::vector<std::vector<std::string>> hours;
  std::vector<std::string> holidays;
  std::vector<std::string> workdays;
};
BOOST_DESCRIBE_STRUCT(Calendar, (), (id, timezone, weekdays, hours, holidays, workdays))

struct Sla {
  std::optional<std::string> respond;
  std::optional<std::string> resolve;
};
BOOST_DESCRIBE_STRUCT(Sla, (), (respond, resolve))

struct Defaults {
  std::optional<std::string> calendar;
  std::optional<Sla> sla;
  std::optional<std::string> escalation;
  std::optional<std::string> fallback;  // a handler id: the owner of what no rule routes (SPEC §6.4)
};
BOOST_DESCRIBE_STRUCT(Defaults, (), (calendar, sla, escalation, fallback))

// A condition (SPEC §3.2); read by hand because its shape depends on its keys.
struct Condition {
  enum class Op : std::uint8_t { eq, ne, lt, le, gt, ge, in, exists, all, any, not_, local_time, workday };
  Op op = Op::eq;
  std::string attr;
  // The compared value: bool, number or string; `in` holds a list.
  std::variant<std::monostate, bool, double, std::string> value;
  std::vector<std::variant<bool, double, std::string>> list;
  std::vector<Condition> children;
  int window_begin = 0, window_end = 0;  // local_time, seconds from midnight
  bool workday = true;
  std::string pointer;  // where it was read, for errors found when compiling
};

struct Rule {
  std::string id;
  std::vector<std::string> categories;
  std::int64_t priority = 0;
  std::optional<std::string> scope;
  std::optional<Condition> when;
  std::vector<RoleRef> route;
  std::vector<RoleRef> assist;
  std::optional<Sla> sla;
  std::optional<std::string> escalation;
  std::optional<std::string> calendar;
};
BOOST_DESCRIBE_STRUCT(Rule, (), (id, categories, priority, scope, when, route, assist, sla, escalation, calendar))

struct Level {
  std::optional<std::string> name;
  std::optional<std::string> tier;
  std::vector<RoleRef> route;
  std::optional<std::string> respond;
  std::optional<std::string> resolve;
  std::vector<RoleRef> assist;  // co-handlers at this level (SPEC §6.4)
};
BOOST_DESCRIBE_STRUCT(Level, (), (name, tier, route, respond, resolve, assist))

struct SeveritySkip {
  double at_least = 0;
  std::int64_t to_level = 0;
};
BOOST_DESCRIBE_STRUCT(SeveritySkip, (), (at_least, to_level))

struct Policy {
  std::string id;
  std::vector<Level> levels;
  std::optional<std::int64_t> repeat_reports;
  std::optional<std::int64_t> rating_below;
  std::optional<SeveritySkip> severity_skip;
};
BOOST_DESCRIBE_STRUCT(Policy, (), (id, levels, repeat_reports, rating_below, severity_skip))

struct Rules {
  std::string format;
  std::vector<std::string> roles;
  std::map<std::string, std::string> attributes;
  std::optional<std::vector<Category>> categories;
  std::vector<Calendar> calendars;
  std::optional<Defaults> defaults;
  std::vector<Rule> rules;
  std::vector<Policy> escalation_policies;
  // Not read from the file: the rules whose own shape is broken (a field of the wrong type, an unknown
  // field). They are not checked further; the others are (SPEC §2: every error found).
  std::vector<bool> broken_rules;
  // The same for the other parts of rules.json, by index: a broken policy or calendar is still known by
  // its id (references to it are not unknown), but not checked further; a broken role name is not
  // checked at all.
  std::vector<bool> broken_policies;
  std::vector<bool> broken_calendars;
  std::vector<bool> broken_roles;
  // Attributes declared with a value that is not a string: known by name, of no type.
  std::vector<std::string> broken_attributes;
  bool broken_format = false;
  bool broken_defaults = false;  // `defaults` was dropped whole: what rules take from it is not there
  // Some part could not be read far enough to know its name (the list itself is of the wrong type, or an
  // element's id is): a reference to an unknown one of its kind may mean it, and is not reported.
  bool unknown_roles = false;
  bool unknown_attributes = false;
  bool unknown_calendars = false;
  bool unknown_policies = false;
};
BOOST_DESCRIBE_STRUCT(Rules, (), (format, roles, attributes, categories, calendars, defaults, rules,
                                  escalation_policies))

}  // namespace spec

}  // namespace gridroute
