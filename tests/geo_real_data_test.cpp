// Locating real service requests in real polygon layers, against the city's own assignment:
//   Los Angeles: MyLA311 requests (latitude, longitude, nc) in the 99 neighbourhood councils of 2019
//                (MultiPolygons, cell id = properties.nc_id; the cells are the councils of
//                la_neighborhood_councils.csv);
//                and the same requests (cd) in the 15 council districts of 2012 (cell id = properties.name);
//   New York:    311 requests (latitude, longitude, community_board "01 MANHATTAN") in the 71 community
//                districts (cell id = properties.BoroCD, an integer: 101 = Manhattan 1).
// Misses are explained in the output: requests whose council is not in the layer, points outside every
// polygon, and points near a border (a neighbour within 50 m holds the city's choice).
#include <charconv>
#include <cmath>
#include <iostream>
#include <span>
#include <vector>

#include <gtest/gtest.h>

#include "geo_test_util.hpp"
#include "load/csv.hpp"

namespace {
using geotest::Cells;
using gridroute::geo::kOutside;
using gridroute::geo::Point;

struct Csv {
  std::vector<gridroute::detail::CsvRecord> rows;
  std::map<std::string, std::size_t> col;
  explicit Csv(const std::string& text) {
    std::string err;
    std::int64_t line = 0;
    rows = gridroute::detail::parse_csv(text, err, line);
    if (!err.empty()) throw std::runtime_error(err);
    for (std::size_t i = 0; i < rows[0].fields.size(); ++i) col[rows[0].fields[i]] = i;
  }
  const std::string& at(std::size_t row, const std::string& name) const { return rows[row].fields.at(col.at(name)); }
};

bool number(const std::string& s, double& v) {
  auto r = std::from_chars(s.data(), s.data() + s.size(), v);
  return !s.empty() && r.ec == std::errc() && r.ptr == s.data() + s.size();
}

struct Tally {
  std::size_t rows = 0, no_coordinates = 0, bad_coordinates = 0, no_assignment = 0, not_in_layer = 0;
  std::size_t compared = 0, agree = 0, outside = 0, near_border = 0, elsewhere = 0, agree_snapped = 0;
  std::map<std::string, std::size_t> elsewhere_by_year;
  double rate() const { return compared ? static_cast<double>(agree) / static_cast<double>(compared) : 0; }
  void print(const char* city) const {
    std::cout << "[ " << city << " ] " << rows << " requests: " << no_coordinates << " without coordinates, "
              << bad_coordinates << " with coordinates out of range, " << no_assignment << " without an assignment, "
              << not_in_layer << " assigned to a unit not in the layer; " << compared << " compared: " << agree
              << " agree (" << std::fixed << std::setprecision(2) << 100 * rate() << "%), " << outside
              << " outside every polygon, " << near_border << " within 50 m of the assigned unit (border), "
              << elsewhere << " farther away";
    if (!elsewhere_by_year.empty()) {
      std::cout << " (by year of the request:";
      for (auto& [y, n] : elsewhere_by_year) std::cout << " " << y << ": " << n;
      std::cout << ")";
    }
    std::cout << "; with snap_meters 30: " << agree_snapped << " agree ("
              << 100.0 * static_cast<double>(agree_snapped) / static_cast<double>(compared) << "%)\n";
  }
};

// Is `want` within ~50 m of p? (The point moved 50 m in 8 directions, on the tangent plane.)
bool near(const gridroute::geo::Locator& loc, Point p, std::int32_t want) {
  const double k = 6371008.8 * M_PI / 180, dlat = 50 / k, dlon = 50 / (k * std::cos(p.lat * M_PI / 180));
  for (int i = 0; i < 8; ++i) {
    double a = i * M_PI / 4;
    if (loc.locate({p.lon + dlon * std::cos(a), p.lat + dlat * std::sin(a)}) == want) return true;
  }
  return false;
}

void compare(const gridroute::geo::Locator& loc, Tally& t, Point p, std::int32_t want, const std::string& year) {
  ++t.compared;
  std::int32_t got = loc.locate(p);
  if (got == want) ++t.agree;
  else if (got == kOutside) ++t.outside;
  else if (near(loc, p, want)) ++t.near_border;
  else {
    ++t.elsewhere;
    ++t.elsewhere_by_year[year];
  }
  std::int32_t snapped = loc.locate(p, 30);
  t.agree_snapped += snapped == want;
  // Snapping only ever places points that no polygon holds.
  if (got != kOutside) EXPECT_EQ(snapped, got);
}

// locate_many (a group's lookups a stage at a time, as the JSON Lines codec and route_batch call it) gives
// each point the cell that locate gives it, with and without snapping, whatever the group's size.
void expect_many_agrees(const gridroute::geo::Locator& loc, const std::vector<Point>& points) {
  for (double snap : {0.0, 30.0}) {
    std::vector<std::int32_t> many(points.size() + 1, -7);
    loc.locate_many(points, snap, std::span<std::int32_t>(many.data(), points.size()));
    EXPECT_EQ(many.back(), -7) << "wrote past the points";
    std::size_t differ = 0;
    for (std::size_t i = 0; i < points.size(); ++i) differ += many[i] != loc.locate(points[i], snap);
    EXPECT_EQ(differ, 0u) << "snap " << snap;
    // Groups of 5 (fewer than a whole group of the locator's) give the same cells too.
    for (std::size_t i = 0; i + 5 <= points.size() && i < 2000; i += 5) {
      std::int32_t five[5];
      loc.locate_many(std::span<const Point>(points.data() + i, 5), snap, five);
      for (std::size_t k = 0; k < 5; ++k) ASSERT_EQ(five[k], many[i + k]) << "point " << i + k;
    }
  }
}

constexpr std::int32_t kNoAssignment = -1, kNotInLayer = -2;

// Every request of `req` with coordinates, located in `loc` and compared with the cell the city gave it:
// `want(row)` is that cell, kNoAssignment or kNotInLayer. The points located are added to `located`.
template <class Want>
Tally compare_requests(const gridroute::geo::Locator& loc, const Csv& req, Want&& want, std::vector<Point>& located) {
  Tally t;
  for (std::size_t i = 1; i < req.rows.size(); ++i) {
    ++t.rows;
    Point p;
    if (req.at(i, "latitude").empty() || req.at(i, "longitude").empty()) {
      ++t.no_coordinates;
      continue;
    }
    if (!number(req.at(i, "longitude"), p.lon) || !number(req.at(i, "latitude"), p.lat)) {
      ADD_FAILURE() << "row " << i << ": coordinates that are not numbers";
      continue;
    }
    if (!gridroute::geo::check_point(p.lon, p.lat).ok()) {
      ++t.bad_coordinates;
      continue;
    }
    located.push_back(p);
    const std::int32_t cell = want(i);
    if (cell == kNoAssignment) ++t.no_assignment;
    else if (cell == kNotInLayer) ++t.not_in_layer;
    else compare(loc, t, p, cell, req.at(i, "created_date").substr(0, 4));
  }
  return t;
}

TEST(GeoRealData, LosAngelesNeighborhoodCouncils) {
  Cells cells;
  {
    Csv councils(geotest::read_file(geotest::shared_path("data/la_neighborhood_councils.csv")));
    for (std::size_t i = 1; i < councils.rows.size(); ++i) cells.add(councils.at(i, "council_id"));
  }
  ASSERT_EQ(cells.ids.size(), 99u);
  std::string text = geotest::read_gz(geotest::shared_path("data/la_neighborhood_councils_2019.geojson.gz"));
  auto r = geotest::load(text, cells, "nc_id", {}, "la_neighborhood_councils_2019.geojson");
  ASSERT_TRUE(r.loc.ok()) << r.all();
  const auto& loc = *r.loc;
  EXPECT_EQ(loc.feature_count(), 99u);
  EXPECT_EQ(loc.polygon_count(), 100u);  // one council is a MultiPolygon of two
  // The 2019 councils overlap: some by whole blocks (47 and 128 share ~0.09 km²), most by slivers of a few
  // square metres along shared borders. The lint says so; a location there goes to the first in the file.
  auto lint = loc.lint(cells.all(), [&](std::int32_t c) { return cells.name(c); });
  ASSERT_GE(lint.size(), 100u);
  for (std::size_t i = 0; i < 3; ++i) std::cout << "[ LA lint ] " << lint[i].to_string() << "\n";
  std::cout << "[ LA lint ] ...\n[ LA lint ] " << lint.back().to_string() << "\n";
  const std::string first_overlap =
            "la_neighborhood_councils_2019.geojson:4:577140: /features/29: warning: the polygon of cell \"128\" overlaps "
            "that of cell \"47\" (/features/0)";
  EXPECT_EQ(lint[0].to_string().substr(0, first_overlap.size()), first_overlap);

  Csv req(geotest::read_gz(geotest::shared_path("data/la311_myla311_sample.csv.gz")));
  std::vector<Point> located;
  const Tally t = compare_requests(loc, req, [&](std::size_t i) {
    const std::string& nc = req.at(i, "nc");
    if (nc.empty()) return kNoAssignment;
    const std::int32_t c = cells.of(nc);
    return c < 0 ? kNotInLayer : c;  // councils renumbered before the 2019 layer
  }, located);
  t.print("LA");
  expect_many_agrees(loc, located);
  EXPECT_EQ(t.rows, 39999u);
  EXPECT_GT(t.compared, 36000u);
  EXPECT_GE(t.rate(), 0.95);
  EXPECT_GE(t.agree_snapped, t.agree);
}

// The 15 council districts of 2012 (cell id = properties.name, "1".."15"), against the council district
// `cd` the city gave each MyLA311 request. The layer's districts overlap along their borders by slivers of
// tens to thousands of square metres, which the lint reports.
TEST(GeoRealData, LosAngelesCouncilDistricts) {
  Cells cells;
  for (int d = 1; d <= 15; ++d) cells.add(std::to_string(d));
  std::string text = geotest::read_gz(geotest::shared_path("data/la_council_districts_2012.geojson.gz"));
  auto r = geotest::load(text, cells, "name", {}, "la_council_districts_2012.geojson");
  ASSERT_TRUE(r.loc.ok()) << r.all();
  const auto& loc = *r.loc;
  EXPECT_EQ(loc.feature_count(), 15u);
  auto lint = loc.lint(cells.all(), [&](std::int32_t c) { return cells.name(c); });
  for (auto& d : lint) std::cout << "[ LA districts lint ] " << d.to_string() << "\n";
  std::size_t overlaps = 0;
  for (auto& d : lint) overlaps += d.message.find("overlaps that of cell") != std::string::npos;
  EXPECT_GE(overlaps, 15u);  // 20 pairs overlap by 0.7 to 5,900 square metres

  Csv req(geotest::read_gz(geotest::shared_path("data/la311_myla311_sample.csv.gz")));
  std::vector<Point> located;
  const Tally t = compare_requests(loc, req, [&](std::size_t i) {
    const std::string& cd = req.at(i, "cd");
    if (cd.empty()) return kNoAssignment;
    const std::int32_t c = cells.of(cd);
    return c < 0 ? kNotInLayer : c;
  }, located);
  t.print("LA districts");
  expect_many_agrees(loc, located);
  EXPECT_GT(t.compared, 36000u);
  EXPECT_GE(t.rate(), 0.99);
  EXPECT_GE(t.agree_snapped, t.agree);
}

TEST(GeoRealData, NewYorkCommunityDistricts) {
  // Cells: every BoroCD-shaped id (borough 1-5, district 01-99), numbered as met.
  Cells cells;
  std::map<std::string, std::int32_t, std::less<>> seen;
  auto cell_of = [&](std::string_view id) -> std::int32_t {
    if (id.size() != 3 || id[0] < '1' || id[0] > '5' || id.find_first_not_of("0123456789") != std::string_view::npos)
      return -1;
    return cells.add(std::string(id));
  };
  std::string text = geotest::read_gz(geotest::shared_path("data/nyc_community_districts_dcp2013.geojson.gz"));
  gridroute::geo::CellsSource src{text, "nyc_community_districts_dcp2013.geojson", "BoroCD"};
  std::vector<gridroute::Diagnostic> diags;
  auto loaded = gridroute::geo::Locator::load(src, cell_of, &diags);
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  const auto& loc = *loaded;
  EXPECT_EQ(loc.feature_count(), 71u);
  EXPECT_EQ(cells.ids.size(), 71u);
  auto lint = loc.lint(cells.all(), [&](std::int32_t c) { return cells.name(c); });
  for (auto& d : lint) std::cout << "[ NYC lint ] " << d.to_string() << "\n";

  const std::map<std::string, int> borough{{"MANHATTAN", 1}, {"BRONX", 2}, {"BROOKLYN", 3}, {"QUEENS", 4}, {"STATEN ISLAND", 5}};
  Csv req(geotest::read_gz(geotest::shared_path("data/nyc311_sample_multisource.csv.gz")));
  std::vector<Point> located;
  const Tally t = compare_requests(loc, req, [&](std::size_t i) {
    // "01 MANHATTAN" -> 101; "Unspecified MANHATTAN" and "0 Unspecified" name no district.
    const std::string& board = req.at(i, "community_board");
    auto space = board.find(' ');
    int district = 0;
    auto b = space == std::string::npos ? borough.end() : borough.find(board.substr(space + 1));
    if (b == borough.end() || std::from_chars(board.data(), board.data() + space, district).ec != std::errc() ||
        district <= 0)
      return kNoAssignment;
    const std::int32_t c = cells.of(std::to_string(b->second * 100 + district));
    return c < 0 ? kNotInLayer : c;
  }, located);
  t.print("NYC");
  expect_many_agrees(loc, located);
  EXPECT_EQ(t.rows, 11434u);
  EXPECT_GT(t.compared, 10000u);
  EXPECT_GE(t.rate(), 0.95);
}

}  // namespace
