// gridroute::LineMap (gridroute/linemap.hpp), what `--map` runs: each part of a map on one platform line,
// and the line it gives or why it refuses it.
#include <string>
#include <vector>

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include "gridroute/linemap.hpp"

namespace {

using gridroute::LineMap;

LineMap map_of(const std::string& text) {
  std::vector<gridroute::Diagnostic> errors;
  auto m = LineMap::parse(text, "test-map.json", &errors);
  EXPECT_TRUE(m.ok()) << m.status() << (errors.empty() ? "" : "\n" + errors[0].to_string());
  return std::move(*m);
}

// Every error of a map that must not load, one a line.
std::string map_errors(const std::string& text) {
  std::vector<gridroute::Diagnostic> errors;
  auto m = LineMap::parse(text, "test-map.json", &errors);
  EXPECT_FALSE(m.ok());
  std::string all;
  for (const auto& d : errors) all += d.to_string() + "\n";
  return all;
}

struct Applied {
  bool ok = false;
  std::string line, id, error;
};

Applied apply_map(const LineMap& m, const std::string& in) {
  Applied a;
  a.ok = m.apply(in, a.line, a.id, a.error);
  return a;
}

const std::string kBase = R"({"format": "gridroute.map/1", "fields": {
  "id": "no", "category": {"path": "kind", "table": "kinds"}, "cell": "grid.code",
  "at": {"path": "time", "offset": "+08:00"})";

TEST(LineMapApply, RenamesNestedPathsTablesAndOrdersTheContractsFields) {
  LineMap m = map_of(kBase + R"(, "attrs.severity": {"path": "lvl", "as": "integer"}},
    "tables": {"kinds": {"噪音": "env.noise", "*": "other"}}})");
  Applied a = apply_map(m, R"({"time": "2026-11-20 09:15:00", "lvl": "2", "grid": {"code": "c-01"}, "kind": "噪音", "no": 12})");
  ASSERT_TRUE(a.ok) << a.error;
  EXPECT_EQ(a.line,
            R"({"id":12,"category":"env.noise","cell":"c-01","at":"2026-11-20T09:15:00+08:00","attrs":{"severity":2}})");
  EXPECT_EQ(a.id, "12");
  // "*" catches every name the table does not list.
  a = apply_map(m, R"({"no": "A-1", "kind": "井盖", "grid": {"code": "c-01"}, "time": "2026-11-20T09:15:00Z"})");
  ASSERT_TRUE(a.ok) << a.error;
  EXPECT_EQ(a.line, R"({"id":"A-1","category":"other","cell":"c-01","at":"2026-11-20T09:15:00Z"})");
}

TEST(LineMapApply, DefaultsConstantsAndConversions) {
  LineMap m = map_of(kBase + R"(,
    "attrs.channel": {"path": "src", "default": "hotline"},
    "attrs.private": {"path": "estate", "as": "bool"},
    "attrs.rating": {"path": "/score.v2", "as": "number"},
    "status": {"value": "open"}},
    "tables": {"kinds": {"噪音": "env.noise"}}})");
  Applied a = apply_map(m, R"({"no": 5, "kind": "噪音", "grid": {"code": 330781001101}, "time": "2026-11-20T09:15:00+08:00",
                           "estate": "Y", "score.v2": "4.5"})");
  ASSERT_TRUE(a.ok) << a.error;
  // A numeric grid code becomes a string (codes are strings); a missing channel takes its default.
  EXPECT_EQ(boost::json::parse(a.line),
            boost::json::parse(R"({"id":5,"category":"env.noise","cell":"330781001101","at":"2026-11-20T09:15:00+08:00",)"
                               R"("attrs":{"channel":"hotline","private":true,"rating":4.5},"status":"open"})"))
      << a.line;
  // A number kept as a string is written as the shortest text that reads back as it.
  LineMap s = map_of(kBase + R"(, "attrs.floor": {"path": "floor", "as": "string"}}, "tables": {"kinds": {"噪音": "env.noise"}}})");
  Applied f = apply_map(s, R"({"no": 5, "kind": "噪音", "grid": {"code": "c"}, "time": "2026-11-20T09:15:00+08:00", "floor": 8.5})");
  ASSERT_TRUE(f.ok) << f.error;
  EXPECT_NE(f.line.find(R"("floor":"8.5")"), std::string::npos) << f.line;
}

TEST(LineMapApply, EpochTimesAndALocationFromTwoFields) {
  LineMap m = map_of(R"({"format": "gridroute.map/1", "fields": {
    "id": "no", "category": {"value": "env.noise"}, "location": {"lon": "pos.x", "lat": "pos.y"},
    "at": {"path": "ms", "as": "epoch_ms"}}})");
  Applied a = apply_map(m, R"({"no": 1, "pos": {"x": 119.46, "y": "29.21"}, "ms": 1795396800000})");
  ASSERT_TRUE(a.ok) << a.error;
  EXPECT_EQ(boost::json::parse(a.line),
            boost::json::parse(R"({"id":1,"category":"env.noise","location":[119.46,29.21],"at":"2026-11-23T01:20:00+00:00"})"))
      << a.line;
}

// A coordinate written as a string reads as the same text would as a JSON number: one too small for
// binary64 is 0, one too large is no number.
TEST(LineMapApply, StringCoordinatesReadAsTheirNumbers) {
  LineMap m = map_of(R"({"format": "gridroute.map/1", "fields": {
    "id": "no", "category": {"value": "env.noise"}, "location": {"lon": "pos.x", "lat": "pos.y"},
    "at": {"value": "2026-11-23T01:20:00+00:00"}}})");
  Applied a = apply_map(m, R"({"no": 1, "pos": {"x": " 0.5", "y": "1e-400"}})");
  ASSERT_TRUE(a.ok) << a.error;
  const boost::json::array loc = boost::json::parse(a.line).at("location").as_array();
  ASSERT_EQ(loc.size(), 2u) << a.line;
  EXPECT_EQ(loc[0].to_number<double>(), 0.5) << a.line;
  EXPECT_EQ(loc[1].to_number<double>(), 0.0) << a.line;
  for (const char* bad : {"1e400", "+0.5", "NaN", "0,5", ".5", "5.", "05", "0x10", "1e", "-", "inf"}) {
    Applied b = apply_map(m, std::string(R"({"no": 1, "pos": {"x": 0.5, "y": ")") + bad + "\"}}");
    EXPECT_FALSE(b.ok) << bad << ": " << b.line;
    EXPECT_NE(b.error.find("field 'pos.y' must be a number (mapped to 'location')"), std::string::npos) << b.error;
  }
  // An empty text is missing, as an export writes a value it does not have.
  Applied one = apply_map(m, R"({"no": 1, "pos": {"x": 0.5, "y": ""}})");
  EXPECT_FALSE(one.ok);
  EXPECT_EQ(one.error, "field 'pos.y' is missing (mapped to 'location')");
  Applied both = apply_map(m, R"({"no": 1, "pos": {"x": " ", "y": ""}})");
  EXPECT_FALSE(both.ok);
  EXPECT_EQ(both.error, "fields 'pos.x' and 'pos.y' are missing (mapped to 'location')");
}

// A location from one field: a [longitude, latitude] pair (numbers or their texts), or a GeoJSON Point.
TEST(LineMapApply, ALocationFromOneField) {
  LineMap m = map_of(R"({"format": "gridroute.map/1", "fields": {
    "id": "no", "category": {"value": "env.noise"}, "location": "geom", "at": {"value": "2026-11-23T01:20:00+00:00"}}})");
  for (const char* geom : {R"({"type": "Point", "coordinates": [120.5, 30.25]})", R"([120.5, 30.25])",
                           R"(["120.5", " 30.25"])", R"([120.5, 30.25, 12])"}) {
    Applied a = apply_map(m, std::string(R"({"no": 1, "geom": )") + geom + "}");
    ASSERT_TRUE(a.ok) << geom << ": " << a.error;
    const boost::json::array loc = boost::json::parse(a.line).at("location").as_array();
    ASSERT_EQ(loc.size(), 2u) << a.line;
    EXPECT_EQ(loc[0].to_number<double>(), 120.5) << geom;
    EXPECT_EQ(loc[1].to_number<double>(), 30.25) << geom;
  }
  for (const char* geom : {R"("x")", R"([120.5])", R"({"type": "Point"})", R"([120.5, "north"])"}) {
    Applied b = apply_map(m, std::string(R"({"no": 1, "geom": )") + geom + "}");
    EXPECT_FALSE(b.ok) << geom;
    EXPECT_NE(b.error.find("field 'geom' must be [longitude, latitude] or a GeoJSON Point (mapped to 'location')"),
              std::string::npos) << b.error;
  }
  EXPECT_EQ(apply_map(m, R"({"no": 1})").error, "field 'geom' is missing (mapped to 'location')");
  // Numbers past the latitude are dropped (an altitude, an XYZM export's measure); each must be a number.
  Applied xyzm = apply_map(m, R"({"no": 1, "geom": [120.5, 30.25, 12, 7]})");
  ASSERT_TRUE(xyzm.ok) << xyzm.error;
  EXPECT_EQ(boost::json::parse(xyzm.line).at("location"), boost::json::parse("[120.5, 30.25]")) << xyzm.line;
  for (const char* geom : {R"([120.5, 30.25, "x"])", R"([120.5, 30.25, 12, null])", R"([1, 2, 3, 4, 5])"})
    EXPECT_FALSE(apply_map(m, std::string(R"({"no": 1, "geom": )") + geom + "}").ok) << geom;
}

// A line with a cell routes by its cell and its location is not checked (SPEC §7): a location the map
// cannot read is left out instead of refusing the line; without a cell it refuses the line, naming the field.
TEST(LineMapApply, ALocationBesideACellIsNotChecked) {
  LineMap m = map_of(R"({"format": "gridroute.map/1", "fields": {
    "id": "no", "category": {"value": "env.noise"}, "cell": "grid", "location": {"lon": "lng", "lat": "lat"},
    "at": {"value": "2026-11-23T01:20:00+00:00"}}})");
  for (const char* bad : {R"("lng": "abc", "lat": "0.25")", R"("lng": 120.5)", R"("lng": 1e400, "lat": 1)"}) {
    Applied a = apply_map(m, std::string(R"({"no": 7, "grid": "B", )") + bad + "}");
    ASSERT_TRUE(a.ok) << bad << ": " << a.error;
    EXPECT_EQ(boost::json::parse(a.line),
              boost::json::parse(R"({"id":7,"category":"env.noise","cell":"B","at":"2026-11-23T01:20:00+00:00"})"))
        << a.line;
    Applied b = apply_map(m, std::string(R"({"no": 7, )") + bad + "}");
    EXPECT_FALSE(b.ok) << bad << ": " << b.line;
    EXPECT_NE(b.error.find("(mapped to 'location')"), std::string::npos) << b.error;
  }
}

// Times in a platform's own form: a strptime pattern (`format`), with %z the offset it carries; a time in
// no form the core reads is refused naming the platform's field.
TEST(LineMapApply, TimesInAPlatformsOwnFormat) {
  LineMap m = map_of(R"({"format": "gridroute.map/1", "fields": {
    "id": "no", "category": {"value": "env.noise"}, "cell": {"value": "c1"},
    "at": {"path": "created", "format": "%m/%d/%Y %I:%M:%S %p", "offset": "-05:00"},
    "level_started_at": {"path": "started", "format": "%Y%m%d%H%M%S%z"}, "extended_to": "until"}})");
  Applied a = apply_map(m, R"({"no": 1, "created": "04/15/2024 10:05:09 PM", "started": "20240415221000+0800"})");
  ASSERT_TRUE(a.ok) << a.error;
  EXPECT_EQ(a.line, R"({"id":1,"category":"env.noise","cell":"c1","at":"2024-04-15T22:05:09-05:00","level_started_at":"2024-04-15T22:10:00+08:00"})");
  for (const char* bad : {"2024-04-15 22:05:09", "13/15/2024 10:05:09 AM", "04/15/2024 10:05:09 PM x"}) {
    Applied b = apply_map(m, std::string(R"({"no": 1, "created": ")") + bad + "\"}");
    EXPECT_FALSE(b.ok) << bad;
    EXPECT_NE(b.error.find("field 'created' must be a time as \"%m/%d/%Y %I:%M:%S %p\" (mapped to 'at')"),
              std::string::npos) << b.error;
  }
  Applied c = apply_map(m, R"({"no": 1, "created": "04/15/2024 10:05:09 PM", "until": "15.04.2024"})");
  EXPECT_FALSE(c.ok);
  EXPECT_NE(c.error.find("field 'until' must be a time: RFC 3339"), std::string::npos) << c.error;
  EXPECT_NE(c.error.find("(mapped to 'extended_to'), got \"15.04.2024\""), std::string::npos) << c.error;
  // The pattern is checked where the map is read.
  EXPECT_NE(map_errors(R"({"format": "gridroute.map/1", "fields": {"id": "no", "category": "c", "cell": "g",
    "at": {"path": "t", "format": "MM/DD/YYYY"}}})").find("/fields/at/format: format must be a strptime pattern"),
            std::string::npos);
}

// strptime reads each number greedily: where a pattern's numbers stand side by side ("%Y%m%d%H%M%S"), a
// text that lost a digit would be read the wrong way ("2026112009530" as 09:53:00). There each number
// must be written in full; patterns with separators still read numbers without their leading zero.
TEST(LineMapApply, NumbersSideBySideMustBeWrittenInFull) {
  auto at_of = [](const std::string& format, const std::string& text) {
    LineMap m = map_of(R"({"format": "gridroute.map/1", "fields": {"id": "no", "category": {"value": "env.noise"},
      "cell": {"value": "c1"}, "at": {"path": "t", "offset": "+08:00", "format": ")" + format + R"("}}})");
    Applied a = apply_map(m, R"({"no": 1, "t": ")" + text + R"("})");
    return a.ok ? a.line.substr(a.line.find("\"at\":")) : "refused: " + a.error;
  };
  EXPECT_EQ(at_of("%Y%m%d%H%M%S", "20261120094000"), R"("at":"2026-11-20T09:40:00+08:00"})");
  EXPECT_EQ(at_of("%Y%m%d%H%M%S", "20261120094000  "), R"("at":"2026-11-20T09:40:00+08:00"})");
  for (const char* bad : {"2026112009530", "202611200940001", "2026 11 20 9 40 0", "2026112 094000"})
    EXPECT_EQ(at_of("%Y%m%d%H%M%S", bad),
              std::string("refused: field 't' must be a time as \"%Y%m%d%H%M%S\" (mapped to 'at'), got \"") + bad + "\"");
  // A run after other text, found where the parse finds it; %z's digits are not the run's.
  EXPECT_EQ(at_of("No.%d %b %Y, %H%M", "No.5 Nov 2026, 0940"), R"("at":"2026-11-05T09:40:00+08:00"})");
  EXPECT_EQ(at_of("No.%d %b %Y, %H%M", "No.5 Nov 2026, 940").substr(0, 8), "refused:");
  EXPECT_EQ(at_of("%d.%m.%Y %H%M%z", "20.11.2026 0940+0800"), R"("at":"2026-11-20T09:40:00+08:00"})");
  EXPECT_EQ(at_of("%Y%j%H%M", "20263240940"), R"("at":"2026-11-20T09:40:00+08:00"})");
  // With separators, a number may still come without its leading zero.
  EXPECT_EQ(at_of("%Y/%m/%d %H:%M", "2026/11/5 9:40"), R"("at":"2026-11-05T09:40:00+08:00"})");
}

// A JSON number past binary64 reads as infinite; a mapped line cannot carry it (fuzz_map found an id of
// 71e400 written on as `Infinity`, which the core then refused as invalid JSON at column 7).
TEST(LineMapApply, NumbersPastDoubleRangeAreRefusedNamingTheField) {
  LineMap m = map_of(R"({"format": "gridroute.map/1", "fields": {"id": "no", "category": {"value": "env.noise"},
    "cell": {"value": "c1"}, "at": {"value": "2026-11-23T01:20:00+00:00"}, "attrs.severity": "s", "returned": "r"}})");
  EXPECT_EQ(apply_map(m, R"({"no": 71e400})").error,
            "field 'no' holds a number beyond the range of a double, about 1.8e308 (mapped to 'id')");
  EXPECT_EQ(apply_map(m, R"({"no": 1, "s": -1e999})").error,
            "field 's' holds a number beyond the range of a double, about 1.8e308 (mapped to 'attrs.severity')");
  EXPECT_EQ(apply_map(m, R"({"no": 1, "r": [{"handler": "h", "at": 1e999}]})").error,
            "field 'r' holds a number beyond the range of a double, about 1.8e308 (mapped to 'returned')");
  EXPECT_TRUE(apply_map(m, R"({"no": 1, "s": 1e300})").ok);
  // A location's coordinates the same way, from one path or two.
  LineMap one = map_of(R"({"format": "gridroute.map/1", "fields": {"id": "no", "category": {"value": "env.noise"},
    "location": "geom", "at": {"value": "2026-11-23T01:20:00+00:00"}}})");
  EXPECT_NE(apply_map(one, R"({"no": 1, "geom": [120.5, 1e400]})").error.find("field 'geom' must be [longitude, latitude]"),
            std::string::npos);
  LineMap two = map_of(R"({"format": "gridroute.map/1", "fields": {"id": "no", "category": {"value": "env.noise"},
    "location": {"lon": "x", "lat": "y"}, "at": {"value": "2026-11-23T01:20:00+00:00"}}})");
  EXPECT_EQ(apply_map(two, R"({"no": 1, "x": 120.5, "y": -1e400})").error,
            "field 'y' must be a number (mapped to 'location'), got -Infinity");
}

// A CSV export writes "" for what it does not have: a converted field takes its default, or is left out,
// as for a missing value; an attribute kept as a string keeps "".
TEST(LineMapApply, AnEmptyTextIsMissingUnlessItIsAStringAttribute) {
  LineMap m = map_of(R"({"format": "gridroute.map/1", "fields": {
    "id": "no", "category": {"value": "env.noise"}, "cell": "grid", "at": "time",
    "attrs.zip": {"path": "zip", "as": "number", "default": 0}, "attrs.floor": {"path": "floor", "as": "integer"},
    "attrs.note": "note"}})");
  Applied a = apply_map(m, R"({"no": 1, "grid": "c1", "time": "2026-11-23T01:20:00+00:00", "zip": "", "floor": "  ", "note": ""})");
  ASSERT_TRUE(a.ok) << a.error;
  EXPECT_EQ(a.line, R"({"id":1,"category":"env.noise","cell":"c1","at":"2026-11-23T01:20:00+00:00","attrs":{"zip":0,"note":""}})");
  Applied b = apply_map(m, R"({"no": 1, "grid": "c1", "time": ""})");
  EXPECT_FALSE(b.ok);
  EXPECT_EQ(b.error, "field 'time' is missing (mapped to 'at')");
}

TEST(LineMapApply, RefusalsSayWhichFieldAndWhy) {
  LineMap m = map_of(kBase + R"(, "attrs.floor": {"path": "floor", "as": "integer"}},
    "tables": {"kinds": {"噪音": "env.noise", "占道经营": "street.vending"}}})");
  const std::string ok = R"("no": 9, "kind": "噪音", "grid": {"code": "c-01"}, "time": "2026-11-20 09:15:00")";
  auto refused = [&](const std::string& line, const std::string& error, const std::string& id) {
    SCOPED_TRACE(line);
    Applied a = apply_map(m, line);
    EXPECT_FALSE(a.ok) << a.line;
    EXPECT_EQ(a.error, error);
    EXPECT_EQ(a.id, id);
  };
  refused(R"({"no": 9, "grid": {"code": "c-01"}, "time": "2026-11-20 09:15:00"})",
          "field 'kind' is missing (mapped to 'category')", "9");
  refused(R"({"no": 9, "kind": "噪音", "time": "2026-11-20 09:15:00"})", "field 'grid.code' is missing (mapped to 'cell')",
          "9");
  refused("{" + ok + R"(, "floor": 2.5})", "field 'floor' must be an integer (mapped to 'attrs.floor'), got 2.5", "9");
  refused(R"({"no": "K-1", "kind": "占道经", "grid": {"code": "c-01"}, "time": "2026-11-20 09:15:00"})",
          "field 'kind': \"占道经\" is not in table \"kinds\" of test-map.json (did you mean \"占道经营\"?)", "\"K-1\"");
  refused(R"({"kind": "噪音"})", "field 'no' is missing (mapped to 'id')", "null");
  refused("[1, 2]", "a line must be a JSON object", "null");
  // Invalid JSON is told as on a line without a map: where it stopped, and what stood there.
  refused("{\"no\": 1,", "invalid JSON: incomplete JSON at column 10", "null");
  refused(R"({"no": 9,, "kind": "噪音"})", "invalid JSON: syntax error at column 10 (a comma where a name should be)", "null");
  refused(R"({"no": 9} x)", "invalid JSON: extra data at column 11", "null");
  std::string deep = "{\"no\": ";
  for (int k = 0; k < 70; ++k) deep += "[";
  refused(deep + std::string(70, ']') + "}", "invalid JSON: nested deeper than 64 levels", "null");
  // A key written twice would decide on whichever came last: refused, as a line without a map is; the id
  // stays only when it is not the repeated key.
  refused("{" + ok + R"(, "kind": "占道经营"})", "duplicate key at /kind (a key may appear once in an object)", "9");
  refused(R"({"no": 9, "grid": {"code": "c-01", "code": "c-02"}, "kind": "噪音", "time": "2026-11-20 09:15:00"})",
          "duplicate key at /grid/code (a key may appear once in an object)", "9");
  refused("{" + ok + R"(, "no": 10})", "duplicate key at /no (a key may appear once in an object)", "null");
  // What the platform's field holds, named by the platform's field, with what would read it.
  refused(R"({"no": 9, "kind": "噪音", "grid": {"code": "c-01"}, "time": 1763601300})",
          "field 'time' must be a time; a number is read as one with \"as\": \"epoch_s\" (seconds since 1970) or "
          "\"epoch_ms\" (mapped to 'at'), got 1763601300",
          "9");
  refused(R"({"no": 14.5, "kind": "噪音", "grid": {"code": "c-01"}, "time": "2026-11-20 09:15:00"})",
          "field 'no' must be a string or an integer (mapped to 'id'), got 14.5", "null");
  refused(R"({"no": 9, "kind": "噪音", "grid": {"code": "c-01"}, "time": "2026-02-30 09:15:00"})",
          "field 'time' is no time (mapped to 'at'): there is no day 30 in February 2026 (it has 28 days), got "
          "\"2026-02-30 09:15:00\"",
          "9");
}

// A whole number written with a fraction is that integer: as an id, and as a table's key.
TEST(LineMapApply, AWholeNumberWithAFractionIsItsInteger) {
  LineMap m = map_of(R"({"format": "gridroute.map/1", "fields": {
    "id": "no", "category": "kind", "cell": {"path": "grid", "table": "grids"}, "at": "time"},
    "tables": {"grids": {"330781001101": "c-01"}}})");
  Applied a = apply_map(m, R"({"no": 17.0, "kind": "env.noise", "grid": 330781001101.0, "time": "2026-11-20T09:15:00+08:00"})");
  ASSERT_TRUE(a.ok) << a.error;
  EXPECT_NE(a.line.find(R"("id":17)"), std::string::npos) << a.line;
  EXPECT_NE(a.line.find(R"("cell":"c-01")"), std::string::npos) << a.line;
}

// A name missing from a table of more than 10,000 names (a grid's codes) is refused without a suggestion:
// every line that misses would compare it whole (8,000 such lines over 40,000 names took 15 s). A smaller
// table still suggests.
TEST(LineMapApply, ALargeTableIsNotSearchedForASuggestion) {
  for (const int names : {10'000, 10'001}) {
    std::string table;
    for (int i = 0; i < names; ++i) table += std::string(i ? ", " : "") + "\"code-" + std::to_string(100000 + i) + "\": \"c-01\"";
    LineMap m = map_of(R"({"format": "gridroute.map/1", "fields": {
      "id": "no", "category": "kind", "cell": {"path": "grid", "table": "grids"}, "at": "time"},
      "tables": {"grids": {)" + table + "}}}");
    Applied a = apply_map(m, R"({"no": 1, "kind": "env.noise", "grid": "cdoe-100000", "time": "2026-11-20T09:15:00+08:00"})");
    EXPECT_FALSE(a.ok);
    const std::string said = "field 'grid': \"cdoe-100000\" is not in table \"grids\" of test-map.json";
    EXPECT_EQ(a.error, names <= 10'000 ? said + " (did you mean \"code-100000\"?)" : said) << names;
  }
}

// An integer id past 64 bits keeps the line's digits, as a line without a map keeps them (SPEC §4 gives
// integer ids no range), nested or not; and it is the id a refusal names.
TEST(LineMapApply, AnIntegerIdPast64BitsKeepsItsDigits) {
  LineMap m = map_of(R"({"format": "gridroute.map/1", "fields": {
    "id": "order.no", "category": "kind", "cell": "grid", "at": "time"}})");
  Applied a = apply_map(m, R"({"order": {"no": 123456789012345678901234}, "kind": "env.noise", "grid": "c-01", "time": "2026-11-20T09:15:00+08:00"})");
  ASSERT_TRUE(a.ok) << a.error;
  EXPECT_EQ(a.line, R"({"id":123456789012345678901234,"category":"env.noise","cell":"c-01","at":"2026-11-20T09:15:00+08:00"})");
  EXPECT_EQ(a.id, "123456789012345678901234");
  a = apply_map(m, R"({"order": {"no": -99999999999999999999}, "kind": "env.noise", "grid": "c-01"})");
  EXPECT_FALSE(a.ok);
  EXPECT_EQ(a.id, "-99999999999999999999");
  EXPECT_EQ(a.error, "field 'time' is missing (mapped to 'at')");
  // A number with an exponent is no integer's digits: refused as before, by what the line wrote.
  a = apply_map(m, R"({"order": {"no": 1.5e30}, "kind": "env.noise", "grid": "c-01", "time": "2026-11-20T09:15:00+08:00"})");
  EXPECT_FALSE(a.ok);
  EXPECT_EQ(a.id, "null");
}

// A map of thousands of errors places them in one pass over its text (each placed on its own walked the
// text from its start: 20,000 took 18 s), each at its own line.
TEST(LineMapParse, ThousandsOfErrorsArePlacedEachAtItsLine) {
  constexpr int kMany = 20'000;
  std::string text = "{\"format\": \"gridroute.map/1\", \"fields\": {\n";
  for (int k = 0; k < kMany; ++k) text += "  \"f" + std::to_string(k) + "\": \"x\",\n";
  text += "  \"id\": \"no\", \"category\": \"kind\", \"cell\": \"grid\", \"at\": \"time\"}}\n";
  std::vector<gridroute::Diagnostic> errors;
  auto m = LineMap::parse(text, "m.json", &errors);
  ASSERT_FALSE(m.ok());
  ASSERT_EQ(errors.size(), static_cast<std::size_t>(kMany));
  EXPECT_EQ(errors.front().line, 2);
  EXPECT_EQ(errors.back().line, kMany + 1);
  EXPECT_EQ(errors.back().column, 8 + static_cast<int>(std::to_string(kMany - 1).size()));  // the value "x"
  EXPECT_EQ(errors.back().pointer, "/fields/f" + std::to_string(kMany - 1));
}

TEST(LineMapParse, EveryErrorIsPlacedAndTheMapIsRefused) {
  std::vector<gridroute::Diagnostic> errors;
  auto m = LineMap::parse(R"({"format": "gridroute.map/1",
  "feilds": {},
  "tables": {"kinds": []}
})",
                          "m.json", &errors);
  ASSERT_FALSE(m.ok());
  ASSERT_EQ(errors.size(), 3u);
  EXPECT_EQ(errors[0].to_string(), "m.json:2:13: /feilds: unknown field 'feilds' (did you mean 'fields'?)");
  EXPECT_EQ(errors[1].to_string(), "m.json:3:23: /tables/kinds: a table is an object of names and values");
  EXPECT_EQ(errors[2].to_string(), "m.json:1:1: fields must be an object: {\"id\": \"orderNo\", \"category\": ..., ...}");
  EXPECT_EQ(std::string(m.status().message()), "map refused: 3 errors; first: " + errors[0].to_string());
}

// A table that lists a code twice would send its orders by the value written last: refused, as a
// bundle's files refuse a repeated key; and an offset must be one a time can carry.
TEST(LineMapParse, ARepeatedKeyAndAnOffsetOutOfRangeAreRefused) {
  EXPECT_EQ(map_errors(R"({"format": "gridroute.map/1", "fields": {"id": "no", "id": "orderNo", "category": "kind"},
  "tables": {"kinds": {"喇叭": "noise.loudspeaker", "喇叭": "street.vending"}}})"),
            "test-map.json:1:60: /fields/id: duplicate key\n"
            "test-map.json:2:65: /tables/kinds/喇叭: duplicate key\n");
  for (const char* offset : {"+25:00", "+08:60", "-24:00"})
    EXPECT_EQ(map_errors(kBase.substr(0, kBase.find("+08:00")) + offset + "\"}}, \"tables\": {\"kinds\": {}}}"),
              std::string("test-map.json:3:36: /fields/at/offset: offset must be a UTC offset from -23:59 to +23:59 such "
                          "as \"+08:00\", or \"Z\"\n"))
        << offset;
  map_of(kBase.substr(0, kBase.find("+08:00")) + "-23:59\"}}, \"tables\": {\"kinds\": {}}}");
}

// A map's own constants are checked where it is read, so that no order is blamed for them: before,
// a table's 1e400 refused each order as "field 'type' holds a number beyond the range of a double",
// and a default of null refused each order without the field as "attribute ... got null".
TEST(LineMapParse, ItsConstantsAreCheckedWhereTheMapIsRead) {
  EXPECT_EQ(map_errors(R"({"format": "gridroute.map/1", "tables": {"kinds": {"喇叭": 1e400, "x": null, "y": [1]}},
  "fields": {"id": "no", "category": {"path": "kind", "table": "kinds"}, "cell": {"value": {"a": 1}},
  "attrs.channel": {"path": "src", "default": null}, "location": {"path": "p", "default": [120.1, 30.2]},
  "suspended": {"value": []}}})"),
            "test-map.json:1:62: /tables/kinds/喇叭: a number beyond the range of a double, about 1.8e308\n"
            "test-map.json:1:74: /tables/kinds/x: null is not a value: leave the key out (a line without the value "
            "then leaves the field out)\n"
            "test-map.json:2:92: /fields/cell/value: must be a text, a number, true or false, got an object\n"
            "test-map.json:3:47: /fields/attrs.channel/default: null is not a value: leave the key out (a line "
            "without the value then leaves the field out)\n");
}

TEST(LineMapParse, AMapMustGiveTheId) {
  std::vector<gridroute::Diagnostic> errors;
  auto m = LineMap::parse(R"({"format": "gridroute.map/1", "fields": {"category": "kind"}})", "m.json", &errors);
  ASSERT_FALSE(m.ok());
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].pointer, "/fields");
  EXPECT_EQ(errors[0].message, "a map must give the line's \"id\"");
}

}  // namespace
