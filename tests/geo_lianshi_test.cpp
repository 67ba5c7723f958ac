// The Lianshi example's locations (SPEC §7; examples-1.1/lianshi/README.md, "Locations"): every line of
// located.jsonl that gives a location and no cell finds the cell that expected-located.jsonl names, or is
// rejected as that file says (outside every cell with snap_meters 30, or an invalid location).
#include <algorithm>
#include <atomic>
#include <thread>

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "geo_test_util.hpp"
#include "base/json_text.hpp"
#include "gridroute/bundle.hpp"
#include "gridroute/jsonl.hpp"

namespace {
namespace json = boost::json;
using geotest::Cells;

const std::string kDir = geotest::shared_path("examples-1.1/lianshi");

// The cells of jurisdiction.json (units of tier "cell"), and its snap_meters.
Cells lianshi_cells(double& snap_meters) {
  json::value j = json::parse(geotest::read_file(kDir + "/jurisdiction.json"));
  Cells cells;
  for (const auto& u : j.at("units").as_array())
    if (u.at("tier").as_string() == "cell") cells.add(std::string(u.at("id").as_string()));
  snap_meters = j.at("snap_meters").to_number<double>();
  return cells;
}

// The JSON text of the member `key` of a one-line object (the value's own text, so that numbers are
// read exactly).
std::string member_text(std::string_view line, const std::string& key) {
  std::size_t at = gridroute::detail::locate(line, "/" + key);
  std::size_t end = at;
  int depth = 0;
  bool in_string = false;
  for (; end < line.size(); ++end) {
    char c = line[end];
    if (in_string) {
      if (c == '\\') ++end;
      else if (c == '"') in_string = false;
      continue;
    }
    if (c == '"') in_string = true;
    else if (c == '[' || c == '{') ++depth;
    else if (c == ']' || c == '}') {
      if (depth == 0) break;
      if (--depth == 0) {
        ++end;
        break;
      }
    } else if (c == ',' && depth == 0) break;
  }
  return std::string(line.substr(at, end - at));
}

TEST(GeoLianshi, LoadsAndWarnsAboutTheCellWithoutPolygon) {
  double snap = 0;
  Cells cells = lianshi_cells(snap);
  std::string text = geotest::read_file(kDir + "/cells.geojson");
  auto r = geotest::load(text, cells, std::nullopt, {}, "lianshi/cells.geojson");
  ASSERT_TRUE(r.loc.ok()) << r.loc.status() << "\n" << r.all();
  EXPECT_EQ(r.loc->feature_count(), 8u);
  EXPECT_EQ(r.loc->polygon_count(), 9u);  // rujiadian-a-02 is a MultiPolygon of two
  auto warnings = r.loc->lint(cells.all(), [&](std::int32_t c) { return cells.name(c); });
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_EQ(warnings[0].to_string(),
            "lianshi/cells.geojson: warning: cell \"husheng-02\" has no polygon: no location can find it");
}

TEST(GeoLianshi, EveryLocatedLineMatchesTheExpectedDecision) {
  double snap = 0;
  Cells cells = lianshi_cells(snap);
  ASSERT_EQ(snap, 30);
  std::string text = geotest::read_file(kDir + "/cells.geojson");
  auto r = geotest::load(text, cells, std::nullopt, {}, "lianshi/cells.geojson");
  ASSERT_TRUE(r.loc.ok()) << r.all();

  std::map<std::string, json::object> expected;
  {
    std::istringstream in(geotest::read_file(kDir + "/expected-located.jsonl"));
    for (std::string line; std::getline(in, line);)
      if (!line.empty()) {
        json::object o = json::parse(line).as_object();
        expected[std::string(o.at("id").as_string())] = o;
      }
  }
  std::istringstream in(geotest::read_file(kDir + "/located.jsonl"));
  int located = 0, outside = 0, invalid = 0, with_cell = 0;
  for (std::string line; std::getline(in, line);) {
    if (line.empty()) continue;
    json::object issue = json::parse(line).as_object();
    std::string id(issue.at("id").as_string());
    SCOPED_TRACE(id + ": " + line);
    ASSERT_TRUE(expected.count(id));
    const json::object& want = expected[id];
    const json::value* cell = issue.if_contains("cell");
    const json::value* location = issue.if_contains("location");
    if (cell && !cell->is_null()) {  // cell wins; the location is not even checked
      ++with_cell;
      EXPECT_FALSE(want.contains("cell"));
      continue;
    }
    ASSERT_TRUE(location);
    auto p = gridroute::geo::read_location_text(member_text(line, "location"));
    const std::string status(want.at("status").as_string());
    if (!p.ok()) {
      ++invalid;
      EXPECT_EQ(status, "rejected") << p.status();
      if (!location->is_null()) EXPECT_EQ(std::string(p.status().message()), std::string(want.at("error").as_string()));
      continue;
    }
    std::int32_t c = r.loc->locate(*p, snap);
    if (status == "rejected") {
      EXPECT_EQ(std::string(want.at("error").as_string()), gridroute::geo::kOutsideMessage);
      EXPECT_EQ(c, gridroute::geo::kOutside) << "found " << cells.name(c);
      ++outside;
    } else {
      ASSERT_TRUE(want.contains("cell"));
      EXPECT_EQ(cells.name(c), want.at("cell").as_string());
      ++located;
    }
  }
  // The README's counts: 26 located, 4 outside every cell, 7 invalid (+ the null location), 2 with a cell.
  EXPECT_EQ(located, 26);
  EXPECT_EQ(outside, 4);
  EXPECT_EQ(invalid, 7);
  EXPECT_EQ(with_cell, 2);
}

TEST(GeoLianshi, WithoutSnappingTheSnappedPointsAreOutside) {
  double snap = 0;
  Cells cells = lianshi_cells(snap);
  auto r = geotest::load(geotest::read_file(kDir + "/cells.geojson"), cells);
  ASSERT_TRUE(r.loc.ok()) << r.all();
  // G15 (11.7 m from the pond's edge) and G21 (23.3 m east of xinhua-a-03) need snapping.
  EXPECT_EQ(r.loc->locate({120.4346923828125, 30.71240234375}, 0), gridroute::geo::kOutside);
  EXPECT_EQ(r.loc->locate({120.437744140625, 30.7119140625}, 0), gridroute::geo::kOutside);
  EXPECT_EQ(cells.name(r.loc->locate({120.4346923828125, 30.71240234375}, 30)), "xinhua-a-03");
  // G25/G26: 29.2 m snaps, 30.6 m does not (cos φ₀ makes the difference).
  EXPECT_EQ(cells.name(r.loc->locate({120.42938232421875, 30.7109375}, 30)), "xinhua-a-02");
  EXPECT_EQ(r.loc->locate({120.42936706542969, 30.7109375}, 30), gridroute::geo::kOutside);
}

// `--explain` says how each location gave its cell: "located" agrees with the decision's cell, a point
// rejected as outside names the nearest cell beyond snap_meters, and a line by cell has no "located".
TEST(GeoLianshi, ExplainSaysHowEachLocationGaveItsCell) {
  auto bundle = gridroute::load_bundle(kDir);
  ASSERT_TRUE(bundle.ok()) << bundle.status();
  gridroute::LineCodec codec(*bundle, {.explain = true});
  std::string out;
  codec.route_text(geotest::read_file(kDir + "/located.jsonl"), out);
  std::map<std::string, json::object> by_id;
  int inside = 0, snapped = 0, outside = 0;
  std::istringstream in(out);
  for (std::string line; std::getline(in, line);) {
    json::object d = json::parse(line).as_object();
    const std::string id(d.at("id").as_string());
    SCOPED_TRACE(line);
    const json::object* where = d.contains("located") ? &d.at("located").as_object() : nullptr;
    if (d.contains("cell")) {  // found from the location
      ASSERT_TRUE(where);
      const std::string how(where->at("how").as_string());
      EXPECT_TRUE(how == "inside" || how == "snapped");
      if (how == "inside") ++inside;
      if (how == "snapped") {
        ++snapped;
        EXPECT_LE(where->at("meters").to_number<double>(), 30);
      }
    } else if (d.at("status") == "rejected" && d.at("error") == gridroute::geo::kOutsideMessage) {
      ASSERT_TRUE(where);
      EXPECT_EQ(where->at("how"), "outside");
      EXPECT_GT(where->at("meters").to_number<double>(), 30);
      EXPECT_TRUE(where->at("nearest").is_string());
      ++outside;
    } else {
      EXPECT_FALSE(where) << "a line by cell, or with a location that is not a point";
    }
    by_id[id] = std::move(d);
  }
  EXPECT_EQ(inside + snapped, 26);
  EXPECT_EQ(outside, 4);
  // G21 is 23.3 m east of xinhua-a-03; G26, 30.6 m from xinhua-a-02, is past the 30 m.
  const json::object& g21 = by_id.at("G21").at("located").as_object();
  EXPECT_EQ(g21.at("how"), "snapped");
  EXPECT_NEAR(g21.at("meters").to_number<double>(), 23.34, 0.01);
  const json::object& g26 = by_id.at("G26").at("located").as_object();
  EXPECT_EQ(g26.at("nearest"), "xinhua-a-02");
  EXPECT_NEAR(g26.at("meters").to_number<double>(), 30.63, 0.01);

  // A case gets the same member with its action.
  std::string action;
  codec.escalate_line(
      R"({"id": "K1", "category": "nuisance.dog.stairwell", "location": [120.437744140625, 30.7119140625], )"
      R"("at": "2026-12-03T09:30:00+08:00", "level": 0, "level_started_at": "2026-12-03T09:30:00+08:00", )"
      R"("responded": false, "reports": 1, "status": "open"})",
      *gridroute::parse_rfc3339("2026-12-03T10:00:00+08:00"), action);
  json::object a = json::parse(action).as_object();
  EXPECT_EQ(a.at("cell"), "xinhua-a-03") << action;
  EXPECT_EQ(a.at("located").at("how"), "snapped") << action;
  // Without --explain there is no such member.
  gridroute::LineCodec plain(*bundle);
  out.clear();
  plain.route_text(geotest::read_file(kDir + "/located.jsonl"), out);
  EXPECT_EQ(out.find("\"located\""), std::string::npos);
}

// The answers list their members in the order of the contract's expected file ("cell" after "status").
TEST(GeoLianshi, AnswersListTheirFieldsInTheContractsOrder) {
  auto bundle = gridroute::load_bundle(kDir);
  ASSERT_TRUE(bundle.ok()) << bundle.status();
  for (bool explain : {false, true}) {
    gridroute::LineCodec codec(*bundle, {.explain = explain});
    std::string out;
    codec.route_text(geotest::read_file(kDir + "/located.jsonl"), out);
    std::istringstream got(out), want(geotest::read_file(kDir + "/expected-located.jsonl"));
    std::string g, w;
    int compared = 0;
    while (std::getline(got, g) && std::getline(want, w)) {
      std::vector<std::string> keys_got, keys_want;
      const json::value vg = json::parse(g), vw = json::parse(w);
      for (const auto& kv : vg.as_object())
        if (kv.key() != "bundle" && kv.key() != "trace" && kv.key() != "located") keys_got.emplace_back(kv.key());
      for (const auto& kv : vw.as_object()) keys_want.emplace_back(kv.key());
      EXPECT_EQ(keys_got, keys_want) << g;
      ++compared;
    }
    EXPECT_EQ(compared, 39);
  }
}

TEST(GeoLianshi, TheUsageExampleOfTheDocsRuns) {
  std::string text = geotest::read_file(kDir + "/cells.geojson");
  double snap = 0;
  Cells cells = lianshi_cells(snap);
  const std::map<std::string, std::int32_t, std::less<>>& cell_number = cells.number;
  // As in docs/locations.md ("In the code") and the header of src/geo/locator.hpp:
  std::vector<gridroute::Diagnostic> diags;
  gridroute::geo::CellsSource src{text, "lianshi/cells.geojson", std::nullopt};
  auto loc = gridroute::geo::Locator::load(src, [&](std::string_view id) -> std::int32_t {
    auto it = cell_number.find(id);          // the caller decides what a cell is
    return it == cell_number.end() ? -1 : it->second;
  }, &diags);
  auto p = gridroute::geo::read_location_text("[120.4326171875, 30.7109375]");
  std::int32_t cell = loc->locate(*p, 30.0);   // kOutside (-1): "location outside every cell"
  // The example's answer (G01 of located.jsonl).
  ASSERT_TRUE(loc.ok());
  EXPECT_TRUE(diags.empty());
  EXPECT_EQ(cells.name(cell), "xinhua-a-01");
}

// One Locator, shared by copies, locating from several threads at once gives every thread the answers of
// one thread (run under ThreadSanitizer by scripts/test.sh, as the other *Concurrency* tests).
TEST(GeoConcurrency, ManyThreadsLocateThroughCopiesOfOneLocator) {
  double snap = 0;
  Cells cells = lianshi_cells(snap);
  auto r = geotest::load(geotest::read_file(kDir + "/cells.geojson"), cells);
  ASSERT_TRUE(r.loc.ok()) << r.all();
  std::vector<gridroute::geo::Point> pts;
  for (int i = 0; i < 400; ++i) pts.push_back({120.429 + 0.015 * (i % 20) / 20, 30.709 + 0.007 * (i / 20) / 20.0});
  std::vector<std::int32_t> want;
  for (const auto& p : pts) want.push_back(r.loc->locate(p, snap));
  std::vector<std::thread> threads;
  std::atomic<int> mismatches{0};
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&, copy = *r.loc] {
      for (int round = 0; round < 20; ++round)
        for (std::size_t i = 0; i < pts.size(); ++i)
          if (copy.locate(pts[i], snap) != want[i]) ++mismatches;
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(mismatches.load(), 0);
  EXPECT_GT(std::count_if(want.begin(), want.end(), [](std::int32_t c) { return c >= 0; }), 100);
}

}  // namespace
