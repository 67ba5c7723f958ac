// SPEC §7, rule by rule: what cells_geojson may hold, every error it can carry (FILE:LINE:COLUMN:
// /pointer: message), which cell holds a point (boundaries, holes, MultiPolygons, file order, exactness),
// snapping, the location check, and the lint.
#include <charconv>
#include <cmath>
#include <cstring>
#include <random>

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "geo/exact.hpp"
#include "geo/number.hpp"
#include "geo_test_util.hpp"

namespace {
using geotest::Cells;
using geotest::load;
using gridroute::geo::kOutside;
using gridroute::geo::Point;

std::string square(double x0, double y0, double x1, double y1) {
  std::ostringstream s;
  s.precision(17);
  s << "[[" << x0 << "," << y0 << "],[" << x1 << "," << y0 << "],[" << x1 << "," << y1 << "],[" << x0 << "," << y1
    << "],[" << x0 << "," << y0 << "]]";
  return s.str();
}

std::string feature(const std::string& id_member, const std::string& geometry) {
  return "{\"type\": \"Feature\", " + id_member + ", \"properties\": {}, \"geometry\": " + geometry + "}";
}
std::string polygon(const std::string& rings) { return "{\"type\": \"Polygon\", \"coordinates\": [" + rings + "]}"; }
std::string collection(const std::vector<std::string>& features) {
  std::string s = "{\"type\": \"FeatureCollection\", \"features\": [\n";
  for (std::size_t i = 0; i < features.size(); ++i) s += features[i] + (i + 1 < features.size() ? ",\n" : "\n");
  return s + "]}\n";
}

const Cells kCells({"a", "b", "c", "52"});

// The only error of a load that must fail.
std::string only_error(const std::string& text, const Cells& cells = kCells,
                       std::optional<std::string> id_property = std::nullopt, gridroute::geo::GeoOptions o = {}) {
  auto r = load(text, cells, std::move(id_property), o);
  EXPECT_FALSE(r.loc.ok());
  EXPECT_EQ(r.diags.size(), 1u) << r.all();
  return r.diags.empty() ? "" : r.diags[0].to_string();
}

// ---- containment

TEST(GeoRules, InsideOutsideAndTheBoundaryOfASquare) {
  auto r = load(collection({feature("\"id\": \"a\"", polygon(square(0, 0, 1, 1)))}), kCells);
  ASSERT_TRUE(r.loc.ok()) << r.all();
  const auto& loc = *r.loc;
  EXPECT_EQ(loc.locate({0.5, 0.5}), 0);
  EXPECT_EQ(loc.locate({1.5, 0.5}), kOutside);
  EXPECT_EQ(loc.locate({0.5, -0.0001}), kOutside);
  for (Point p : {Point{0, 0.5}, Point{1, 0.25}, Point{0.5, 0}, Point{0.5, 1}, Point{0, 0}, Point{1, 1}, Point{1, 0}})
    EXPECT_EQ(loc.locate(p), 0) << p.lon << "," << p.lat << " is on the boundary";
  EXPECT_EQ(loc.locate({std::nextafter(1.0, 2.0), 0.5}), kOutside);
  EXPECT_EQ(loc.locate({std::nextafter(1.0, 0.0), 0.5}), 0);
}

TEST(GeoRules, PointsOnADiagonalEdgeAreDecidedExactly) {
  // Triangle (0,0) (3,1) (0,1): the edge (0,0)-(3,1) holds every (3t, t).
  auto r = load(collection({feature("\"id\": \"a\"", polygon("[[0,0],[3,1],[0,1],[0,0]]"))}), kCells);
  ASSERT_TRUE(r.loc.ok()) << r.all();
  EXPECT_EQ(r.loc->locate({0.75, 0.25}), 0);  // on the edge
  EXPECT_EQ(r.loc->locate({std::nextafter(0.75, 1.0), 0.25}), kOutside);  // one ulp right of it
  EXPECT_EQ(r.loc->locate({std::nextafter(0.75, 0.0), 0.25}), 0);
  EXPECT_EQ(r.loc->locate({0.75, std::nextafter(0.25, 0.0)}), kOutside);
}

// A Polygon's "coordinates": the rings, each position written to the last digit.
std::string rings_json(const std::vector<std::vector<gridroute::geo::detail::Pt>>& rings) {
  std::ostringstream s;
  s.precision(17);
  s << "[";
  for (std::size_t r = 0; r < rings.size(); ++r) {
    s << (r ? ",[" : "[");
    for (std::size_t i = 0; i < rings[r].size(); ++i) s << (i ? "," : "") << "[" << rings[r][i].x << "," << rings[r][i].y << "]";
    s << "]";
  }
  return s.str() + "]";
}

// An independent exact oracle: crossing number and boundary test on big integers.
bool oracle_contains(const std::vector<std::vector<gridroute::geo::detail::Pt>>& rings, gridroute::geo::detail::Pt p) {
  using gridroute::geo::detail::orient_bigint;
  bool in_outer = false, in_hole = false;
  for (std::size_t r = 0; r < rings.size(); ++r) {
    bool odd = false;
    const auto& v = rings[r];
    for (std::size_t i = 0; i + 1 < v.size(); ++i) {
      auto a = v[i], b = v[i + 1];
      if (p.y < std::min(a.y, b.y) || p.y > std::max(a.y, b.y)) continue;  // can neither hold p nor cross its ray
      int o = orient_bigint(a, b, p);
      if (o == 0 && std::min(a.x, b.x) <= p.x && p.x <= std::max(a.x, b.x) && std::min(a.y, b.y) <= p.y &&
          p.y <= std::max(a.y, b.y))
        return true;
      if ((a.y > p.y) != (b.y > p.y)) {
        if ((b.y > a.y) ? o > 0 : o < 0) odd = !odd;
      }
    }
    if (r == 0) in_outer = odd;
    else in_hole |= odd;
  }
  return in_outer && !in_hole;
}

TEST(GeoRules, AgreesWithAnExactOracleNearEdgesOfLongRings) {
  // A star-shaped ring of 301 vertices with irregular (non-representable) slopes, with a hole: long
  // enough for the strip index. Points are drawn on, and a few ulps either side of, its edges and
  // vertices, and at random.
  using gridroute::geo::detail::Pt;
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> u(0, 1);
  std::vector<std::vector<Pt>> rings(2);
  const int n = 301;
  for (int i = 0; i < n; ++i) {
    double t = 2 * M_PI * i / n, rad = 0.01 + 0.004 * u(rng);
    rings[0].push_back({120.3 + rad * std::cos(t), 30.2 + rad * std::sin(t)});
  }
  rings[0].push_back(rings[0][0]);
  for (int i = 0; i < 70; ++i) {
    double t = -2 * M_PI * i / 70, rad = 0.003;
    rings[1].push_back({120.3 + rad * std::cos(t), 30.2 + rad * std::sin(t)});
  }
  rings[1].push_back(rings[1][0]);
  std::string text = collection({feature("\"id\": \"a\"", "{\"type\": \"Polygon\", \"coordinates\": " + rings_json(rings) + "}")});
  auto r = load(text, kCells);
  ASSERT_TRUE(r.loc.ok()) << r.all();
  int checked = 0, inside = 0, boundary_hits = 0;
  auto check = [&](Pt p) {
    bool want = oracle_contains(rings, p);
    bool got = r.loc->locate({p.x, p.y}) == 0;
    ASSERT_EQ(got, want) << std::setprecision(17) << p.x << "," << p.y;
    ++checked;
    inside += got;
  };
  for (const auto& ring : rings)
    for (std::size_t i = 0; i + 1 < ring.size(); ++i) {
      Pt a = ring[i], b = ring[i + 1];
      check(a);  // vertices are on the boundary
      ++boundary_hits;
      double t = u(rng);
      Pt m{a.x + t * (b.x - a.x), a.y + t * (b.y - a.y)};  // near the edge, maybe on it
      for (int dx = -2; dx <= 2; ++dx) {
        Pt q = m;
        for (int k = 0; k < std::abs(dx); ++k) q.x = std::nextafter(q.x, dx > 0 ? 200.0 : -200.0);
        check(q);
      }
      check({a.x, std::nextafter(a.y, 100.0)});
      check({std::nextafter(a.x, -200.0), a.y});
    }
  for (int i = 0; i < 5000; ++i) check({120.3 + 0.03 * (u(rng) - 0.5), 30.2 + 0.03 * (u(rng) - 0.5)});
  EXPECT_GT(inside, 1000);
  EXPECT_GT(checked, 7000);
}

TEST(GeoRules, ACombOfLongEdges) {
  // A ring whose edges nearly all span the same latitudes (teeth of a comb): listing them in strips would
  // cost edges x strips, and sweeping them for crossings edges squared; both step aside (the ring is
  // scanned whole, the self-crossing check gives up within its budget) and containment stays exact.
  const int teeth = 3000;  // a tooth every 1/32 degree: peaks at (i/32, 1), valleys at (i/32 - 1/64, 0)
  std::ostringstream s;
  s.precision(17);
  s << "[[0,-1],[" << teeth / 32.0 << ",-1]";
  for (int i = teeth; i > 0; --i) s << ",[" << i / 32.0 << ",1],[" << i / 32.0 - 1 / 64.0 << ",0]";
  s << ",[0,1],[0,-1]]";
  auto r = load(collection({feature("\"id\": \"a\"", polygon(s.str()))}), kCells);
  ASSERT_TRUE(r.loc.ok()) << r.all().substr(0, 500);
  EXPECT_EQ(r.loc->locate({0.34875, 0.5}), 0);         // in the tooth of 11/32
  EXPECT_EQ(r.loc->locate({0.328125, 0.5}), kOutside);  // between the teeth of 10/32 and 11/32
  EXPECT_EQ(r.loc->locate({0.3359375, 0.5}), 0);        // on a tooth's edge
  EXPECT_EQ(r.loc->locate({40.25, -0.5}), 0);           // in the back of the comb
}

TEST(GeoRules, TinyCoordinatesAreExactToo) {
  // 1e-300 is a valid JSON number; the adaptive predicate would underflow on it.
  auto r = load(collection({feature("\"id\": \"a\"", polygon("[[0,0],[3e-300,1e-300],[0,1e-300],[0,0]]"))}), kCells);
  ASSERT_TRUE(r.loc.ok()) << r.all();
  EXPECT_EQ(r.loc->locate({1.5e-300, 0.5e-300}), 0);  // on the diagonal edge
  EXPECT_EQ(r.loc->locate({std::nextafter(1.5e-300, 1.0), 0.5e-300}), kOutside);
  EXPECT_EQ(r.loc->locate({1e-300, 0.5e-300}), 0);
}

TEST(GeoRules, EitherOrientationHolesAndMultiPolygons) {
  std::string cw = "[[0,0],[0,1],[1,1],[1,0],[0,0]]";  // clockwise exterior
  std::string hole = square(0.25, 0.25, 0.75, 0.75);
  std::string multi = "{\"type\": \"MultiPolygon\", \"coordinates\": [[" + square(5, 5, 6, 6) + "], [" +
                      square(0.4, 0.4, 0.6, 0.6) + "]]}";
  auto r = load(collection({feature("\"id\": \"a\"", polygon(cw + "," + hole)), feature("\"id\": \"b\"", multi)}), kCells);
  ASSERT_TRUE(r.loc.ok()) << r.all();
  const auto& loc = *r.loc;
  EXPECT_EQ(loc.locate({0.1, 0.1}), 0);                 // in the clockwise exterior
  EXPECT_EQ(loc.locate({0.3, 0.3}), kOutside);          // strictly inside the hole
  EXPECT_EQ(loc.locate({0.25, 0.5}), 0);                // on the hole's edge
  EXPECT_EQ(loc.locate({0.75, 0.75}), 0);               // on the hole's vertex
  EXPECT_EQ(loc.locate({0.5, 0.5}), 1);                 // the enclave of b in a's hole
  EXPECT_EQ(loc.locate({5.5, 5.5}), 1);                 // b's first part
  EXPECT_EQ(loc.locate({0.4, 0.5}), 1);                 // the enclave's edge
}

TEST(GeoRules, TheFirstFeatureInFileOrderWins) {
  // b (cell 1) comes first in the file, then a (cell 0); they overlap on [1,2]x[0,1] and share x = 2.
  auto r = load(collection({feature("\"id\": \"b\"", polygon(square(1, 0, 2, 1))),
                            feature("\"id\": \"a\"", polygon(square(0, 0, 2, 1))),
                            feature("\"id\": \"c\"", polygon(square(2, 0, 3, 1)))}),
                kCells);
  ASSERT_TRUE(r.loc.ok()) << r.all();
  EXPECT_EQ(r.loc->locate({1.5, 0.5}), 1);
  EXPECT_EQ(r.loc->locate({0.5, 0.5}), 0);
  EXPECT_EQ(r.loc->locate({2, 0.5}), 1);  // the edge b and c share: b is first
  EXPECT_EQ(r.loc->locate({2.5, 0.5}), 2);
}

TEST(GeoRules, AnAltitudeIsIgnored) {
  auto r = load(collection({feature("\"id\": \"a\"", polygon("[[0,0,12.5],[1,0,12.5],[1,1,-3],[0,1,0],[0,0,12.5]]"))}),
                kCells);
  ASSERT_TRUE(r.loc.ok()) << r.all();
  EXPECT_EQ(r.loc->locate({0.5, 0.5}), 0);
  // Whatever its size: one past the range of binary64 is still a number, and ignored.
  auto big = load(collection({feature("\"id\": \"a\"", polygon("[[0,0,1e400],[1,0,-1e999],[1,1,5],[0,1],[0,0,1e400]]"))}),
                  kCells);
  ASSERT_TRUE(big.loc.ok()) << big.all();
  EXPECT_EQ(big.loc->locate({0.5, 0.5}), 0);
  // Not a number, it is an error still.
  EXPECT_NE(only_error(collection({feature("\"id\": \"a\"", polygon("[[0,0,\"x\"],[1,0],[1,1],[0,1],[0,0]]"))}))
                .find("altitude must be a number, got a string"),
            std::string::npos);
}

TEST(GeoRules, CoordinatesAreTheNearestBinary64OfTheirText) {
  // Boost.JSON 1.81 reads -9.146229953197121 as -9.1462299531971194; the nearest binary64 is
  // -9.1462299531971212. A point at the latter is on the west edge, so inside.
  auto r = load(collection({feature("\"id\": \"a\"",
                                    polygon("[[-9.146229953197121,0],[0,0],[0,1],[-9.146229953197121,1],[-9.146229953197121,0]]"))}),
                kCells);
  ASSERT_TRUE(r.loc.ok()) << r.all();
  auto p = gridroute::geo::read_location_text("[-9.146229953197121, 0.5]");
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->lon, -9.1462299531971212);
  EXPECT_EQ(r.loc->locate(*p), 0);
  EXPECT_EQ(r.loc->locate({std::nextafter(p->lon, -100.0), 0.5}), kOutside);
}

TEST(GeoRules, EveryCoordinateIsTheNearestBinary64OfItsText) {
  // Numbers of every length and shape, written as coordinates of one ring, must load as std::from_chars
  // reads them (the loader takes Boost.JSON's value only where it is provably correctly rounded).
  std::mt19937_64 rng(11);
  std::vector<std::string> texts;
  std::vector<double> want;
  for (int i = 0; i < 4000; ++i) {
    char buf[64];
    double v = std::uniform_real_distribution<double>(-179.9, 179.9)(rng);
    int digits = 1 + static_cast<int>(rng() % 18);
    switch (i % 4) {
      case 0: std::snprintf(buf, sizeof buf, "%.*f", digits, v); break;
      case 1: std::snprintf(buf, sizeof buf, "%.*e", digits, v); break;
      case 2: std::snprintf(buf, sizeof buf, "%.*E", digits, v / 1000); break;
      default: std::snprintf(buf, sizeof buf, "%.17g", v); break;
    }
    texts.push_back(buf);
    double d;
    std::from_chars(buf, buf + std::strlen(buf), d);
    want.push_back(d);
  }
  // A "ring" through all the numbers as longitudes (latitude 0 and 1 alternate), closed; self-crossings
  // are not the point here.
  std::string ring = "[";
  for (std::size_t i = 0; i < texts.size(); ++i) ring += "[" + texts[i] + "," + (i % 2 ? "1" : "0") + "],";
  ring += "[" + texts[0] + ",0]]";
  auto r = load(collection({feature("\"id\": \"a\"", polygon(ring))}), kCells);
  ASSERT_TRUE(r.loc.ok()) << r.all();
  // Every vertex is on the boundary: exactly at the value from_chars gives, inside; one ulp off, the
  // point is no longer that vertex (it may still be inside the ring, so only the vertex itself is checked
  // through the snapping distance, which is 0 exactly there).
  for (std::size_t i = 0; i < want.size(); ++i) {
    Point p{want[i], i % 2 ? 1.0 : 0.0};
    ASSERT_EQ(r.loc->locate(p), 0) << texts[i];
  }
  for (const char* t : {"1e-400", "-0", "0.0", "120.4296875", "-9.146229953197121", "1234567890123456789e-17"}) {
    double a = 0, b = 0;
    ASSERT_TRUE(gridroute::geo::detail::json_number_value(t, a));
    if (std::from_chars(t, t + std::strlen(t), b).ec == std::errc()) EXPECT_EQ(a, b) << t;
    EXPECT_EQ(std::signbit(a), t[0] == '-') << t;
  }
}

// ---- snapping

// Metres from `from` to `to` on the plane tangent at `from` (SPEC §7).
double tangent_metres(Point from, Point to) {
  const double k = 6371008.8 * M_PI / 180;
  return std::hypot(k * std::cos(from.lat * M_PI / 180) * (to.lon - from.lon), k * (to.lat - from.lat));
}

TEST(GeoRules, SnapsToTheNearestBoundaryWithinSnapMeters) {
  auto r = load(collection({feature("\"id\": \"a\"", polygon(square(10, 60, 10.01, 60.01))),
                            feature("\"id\": \"b\"", polygon(square(10.02, 60, 10.03, 60.01)))}),
                kCells);
  ASSERT_TRUE(r.loc.ok()) << r.all();
  Point p{10.0101, 60.005};  // just east of a
  double d = tangent_metres(p, {10.01, 60.005});
  EXPECT_NEAR(d, 5.56, 0.01);  // cos 60° halves the metres of a degree of longitude
  EXPECT_EQ(r.loc->locate(p, 0), kOutside);
  EXPECT_EQ(r.loc->locate(p, 5.5), kOutside);
  EXPECT_EQ(r.loc->locate(p, 5.6), 0);
  // Nearer to b across the gap.
  EXPECT_EQ(r.loc->locate({10.0199, 60.005}, 100), 1);
  // A tie: the middle of a gap of 2^-7 degrees between two squares, all binary fractions, so both
  // distances are computed from the same difference: the first in the file wins, whichever comes first.
  for (bool b_first : {false, true}) {
    std::vector<std::string> fs = {feature("\"id\": \"a\"", polygon(square(10, 60, 10.0078125, 60.0078125))),
                                   feature("\"id\": \"b\"", polygon(square(10.015625, 60, 10.0234375, 60.0078125)))};
    if (b_first) std::swap(fs[0], fs[1]);
    auto tie = load(collection(fs), kCells);
    ASSERT_TRUE(tie.loc.ok()) << tie.all();
    EXPECT_EQ(tie.loc->locate({10.01171875, 60.00390625}, 1000), b_first ? 1 : 0);
  }
  // Distance to a vertex, diagonally off a's south-west corner.
  Point sw{9.9999, 59.9999};
  double dv = tangent_metres(sw, {10, 60});
  EXPECT_EQ(r.loc->locate(sw, dv * 0.999), kOutside);
  EXPECT_EQ(r.loc->locate(sw, dv * 1.001), 0);
  // Negative or non-finite snap_meters is no snapping.
  EXPECT_EQ(r.loc->locate(p, -1), kOutside);
  EXPECT_EQ(r.loc->locate(p, NAN), kOutside);
}

// Snapping beside rings long enough for the strip index measures only the edges of the strips within
// reach: the cell and the metres are those of every edge measured, at every reach (the locate answer at
// snap radii around each point's distance, and explain's nearest boundary).
TEST(GeoRules, SnappingBesideLongRingsAgreesWithEveryEdgeMeasured) {
  using gridroute::geo::detail::Pt;
  std::mt19937_64 rng(11);
  std::uniform_real_distribution<double> u(0, 1);
  // Two stars of 2,000 and 1,200 vertices side by side, the first with a hole of 500.
  auto star = [&](double cx, double cy, int n, double r0, double dr, bool clockwise) {
    std::vector<Pt> ring;
    for (int i = 0; i < n; ++i) {
      const double t = (clockwise ? -2 : 2) * M_PI * i / n, rad = r0 + dr * u(rng);
      ring.push_back({cx + rad * std::cos(t), cy + rad * std::sin(t)});
    }
    ring.push_back(ring[0]);
    return ring;
  };
  const std::vector<std::vector<std::vector<Pt>>> parts = {
      {star(120.30, 30.2, 2000, 0.010, 0.004, false), star(120.30, 30.2, 500, 0.003, 0.0005, true)},
      {star(120.33, 30.2, 1200, 0.008, 0.003, false)}};
  auto r = load(collection({feature("\"id\": \"a\"", "{\"type\": \"Polygon\", \"coordinates\": " + rings_json(parts[0]) + "}"),
                            feature("\"id\": \"b\"", "{\"type\": \"Polygon\", \"coordinates\": " + rings_json(parts[1]) + "}")}),
                kCells);
  ASSERT_TRUE(r.loc.ok()) << r.all();
  // Every edge measured, on the plane tangent at p (SPEC §7), as the locator measures one.
  auto distance = [](const std::vector<std::vector<Pt>>& rings, Point p) {
    const double ky = 6371008.8 * M_PI / 180, kx = ky * std::cos(p.lat * M_PI / 180);
    double best = HUGE_VAL;
    for (const auto& ring : rings)
      for (std::size_t i = 0; i + 1 < ring.size(); ++i) {
        const double ax = kx * (ring[i].x - p.lon), ay = ky * (ring[i].y - p.lat);
        const double bx = kx * (ring[i + 1].x - p.lon), by = ky * (ring[i + 1].y - p.lat);
        const double dx = bx - ax, dy = by - ay, t = -(ax * dx + ay * dy), len2 = dx * dx + dy * dy;
        const double cross = ax * by - ay * bx;
        best = std::min(best, t <= 0 ? ax * ax + ay * ay : t >= len2 ? bx * bx + by * by : cross * cross / len2);
      }
    return std::sqrt(best);
  };
  int snapped = 0, outside = 0;
  for (int i = 0; i < 1500; ++i) {
    const Point p{120.28 + 0.07 * u(rng), 30.18 + 0.04 * u(rng)};
    const gridroute::geo::Locator::Explained e = r.loc->explain(p, 0);
    if (e.how == gridroute::geo::Locator::Explained::How::inside) continue;
    const double da = distance(parts[0], p), db = distance(parts[1], p);
    const double d = std::min(da, db);
    const std::int32_t want = da <= db ? 0 : 1;
    if (std::fabs(da - db) < 1e-6 * d) continue;  // a tie within rounding: the file order's, tested elsewhere
    ASSERT_EQ(e.nearest, want) << std::setprecision(17) << p.lon << "," << p.lat;
    EXPECT_NEAR(e.meters, d, 1e-9 * d + 1e-9) << std::setprecision(17) << p.lon << "," << p.lat;
    for (double f : {0.5, 0.999999, 1.000001, 2.0, 50.0}) {
      const std::int32_t got = r.loc->locate(p, d * f);
      ASSERT_EQ(got, f < 1 ? kOutside : want) << std::setprecision(17) << p.lon << "," << p.lat << " at " << f << " x " << d;
    }
    const gridroute::geo::Locator::Explained s = r.loc->explain(p, d * 1.5);
    EXPECT_EQ(s.cell, want);
    EXPECT_NEAR(s.meters, d, 1e-9 * d + 1e-9);
    ++outside;
    snapped += s.how == gridroute::geo::Locator::Explained::How::snapped;
  }
  EXPECT_GT(outside, 500);
  EXPECT_EQ(snapped, outside);
}

// A part with many holes finds those that may hold a point through an R-tree over their boxes (a part
// with few tests each): both agree with every hole tested, inside, on a hole's boundary and snapped from
// inside a hole to its nearest edge.
TEST(GeoRules, PartsWithManyHolesAgreeWithEveryHoleTested) {
  using gridroute::geo::detail::Pt;
  struct Box {
    double x0, y0, x1, y1;
  };
  // Squares of 1/512 degree on a pitch of 1/128 (every coordinate exact in binary), k x k of them in an
  // exterior square from (ox, 30).
  auto part = [](double ox, int k, Box& outer, std::vector<Box>& holes) {
    outer = {ox, 30, ox + (k + 1) / 128.0, 30 + (k + 1) / 128.0};
    std::vector<std::vector<Pt>> rings = {{{outer.x0, outer.y0}, {outer.x1, outer.y0}, {outer.x1, outer.y1}, {outer.x0, outer.y1}, {outer.x0, outer.y0}}};
    for (int i = 1; i <= k; ++i)
      for (int j = 1; j <= k; ++j) {
        const Box h{ox + i / 128.0, 30 + j / 128.0, ox + i / 128.0 + 1 / 512.0, 30 + j / 128.0 + 1 / 512.0};
        holes.push_back(h);
        rings.push_back({{h.x0, h.y0}, {h.x0, h.y1}, {h.x1, h.y1}, {h.x1, h.y0}, {h.x0, h.y0}});
      }
    return rings;
  };
  Box outer[2];
  std::vector<Box> holes[2];
  const auto many = part(120, 24, outer[0], holes[0]), few = part(121, 3, outer[1], holes[1]);
  auto r = load(collection({feature("\"id\": \"a\"", "{\"type\": \"Polygon\", \"coordinates\": " + rings_json(many) + "}"),
                            feature("\"id\": \"b\"", "{\"type\": \"Polygon\", \"coordinates\": " + rings_json(few) + "}")}),
                kCells);
  ASSERT_TRUE(r.loc.ok()) << r.all();
  const std::int32_t cell[2] = {kCells.of("a"), kCells.of("b")};
  std::mt19937_64 rng(17);
  std::uniform_real_distribution<double> u(0, 1);
  std::vector<Point> points;
  for (int f = 0; f < 2; ++f) {
    const Box& o = outer[f];
    for (int i = 0; i < 3000; ++i)
      points.push_back({o.x0 - 0.001 + (o.x1 - o.x0 + 0.002) * u(rng), o.y0 - 0.001 + (o.y1 - o.y0 + 0.002) * u(rng)});
    for (std::size_t h = 0; h < holes[f].size(); h += 7) {  // a hole's corners and the middles of its edges
      const Box& b = holes[f][h];
      const double mx = (b.x0 + b.x1) / 2, my = (b.y0 + b.y1) / 2;
      for (Point p : {Point{b.x0, b.y0}, Point{b.x1, b.y1}, Point{mx, b.y0}, Point{b.x1, my}, Point{mx, my}}) points.push_back(p);
    }
  }
  // Every hole tested: inside the closed exterior and not strictly inside a hole.
  auto expected = [&](Point p, const Box** in_hole) {
    *in_hole = nullptr;
    for (int f = 0; f < 2; ++f) {
      const Box& o = outer[f];
      if (p.lon < o.x0 || p.lon > o.x1 || p.lat < o.y0 || p.lat > o.y1) continue;
      for (const Box& b : holes[f])
        if (b.x0 < p.lon && p.lon < b.x1 && b.y0 < p.lat && p.lat < b.y1) *in_hole = &b;
      return *in_hole ? kOutside : cell[f];
    }
    return kOutside;
  };
  std::vector<std::int32_t> many_at(points.size());
  r.loc->locate_many(points, 0, many_at);
  int inside = 0, boundary = 0, snapped = 0;
  for (std::size_t i = 0; i < points.size(); ++i) {
    const Point p = points[i];
    const Box* hole = nullptr;
    const std::int32_t want = expected(p, &hole);
    ASSERT_EQ(r.loc->locate(p), want) << std::setprecision(17) << p.lon << "," << p.lat;
    ASSERT_EQ(many_at[i], want) << std::setprecision(17) << p.lon << "," << p.lat;
    inside += want != kOutside;
    for (int f = 0; f < 2; ++f)
      for (const Box& b : holes[f])
        boundary += want != kOutside && b.x0 <= p.lon && p.lon <= b.x1 && b.y0 <= p.lat && p.lat <= b.y1;
    if (!hole) continue;
    // Snapped from inside a hole: its nearest edge, on the plane tangent at p (SPEC §7).
    const double ky = 6371008.8 * M_PI / 180, kx = ky * std::cos(p.lat * M_PI / 180);
    const double d = std::min({kx * (p.lon - hole->x0), kx * (hole->x1 - p.lon), ky * (p.lat - hole->y0), ky * (hole->y1 - p.lat)});
    const std::int32_t owner = hole >= holes[1].data() && hole < holes[1].data() + holes[1].size() ? cell[1] : cell[0];
    ASSERT_EQ(r.loc->locate(p, d * 0.999999), kOutside) << std::setprecision(17) << p.lon << "," << p.lat;
    ASSERT_EQ(r.loc->locate(p, d * 1.000001), owner) << std::setprecision(17) << p.lon << "," << p.lat;
    const gridroute::geo::Locator::Explained e = r.loc->explain(p, d * 1.5);
    EXPECT_EQ(e.cell, owner);
    EXPECT_NEAR(e.meters, d, 1e-9 * d + 1e-9);
    ++snapped;
  }
  EXPECT_GT(inside, 4000);
  EXPECT_GT(boundary, 300);
  EXPECT_GT(snapped, 150);
}

// An outside point's nearest boundary (explain's `nearest`) is found through the R-tree's nearest
// boxes, not by measuring every cell within a reach: it agrees with every cell measured, ties going to
// the first in the file, for points beside a layer of 1,600 small cells and up to past 100 km away.
TEST(GeoRules, TheNearestBoundaryOfAnOutsidePointAgreesWithEveryCellMeasured) {
  // 40 x 40 squares of 1/4096 degree (about 24 m), side by side (shared edges), from (120, 30).
  const int k = 40;
  const double step = 1 / 4096.0;
  Cells cells;
  std::vector<std::string> features;
  for (int i = 0; i < k; ++i)
    for (int j = 0; j < k; ++j) {
      const std::string id = "g" + std::to_string(i) + "-" + std::to_string(j);
      cells.add(id);
      features.push_back(feature("\"id\": \"" + id + "\"", polygon(square(120 + i * step, 30 + j * step, 120 + (i + 1) * step, 30 + (j + 1) * step))));
    }
  auto r = load(collection(features), cells);
  ASSERT_TRUE(r.loc.ok()) << r.all();
  // Every cell measured, on the plane tangent at p (SPEC §7); an equal distance to the first.
  auto nearest = [&](Point p, double& meters) {
    const double ky = 6371008.8 * M_PI / 180, kx = ky * std::cos(p.lat * M_PI / 180);
    double best = HUGE_VAL;
    std::int32_t at = kOutside;
    for (int c = 0; c < k * k; ++c) {
      const double x0 = 120 + (c / k) * step, y0 = 30 + (c % k) * step, x1 = x0 + step, y1 = y0 + step;
      const double dx = kx * std::max({x0 - p.lon, 0.0, p.lon - x1}), dy = ky * std::max({y0 - p.lat, 0.0, p.lat - y1});
      const double d = std::sqrt(dx * dx + dy * dy);
      if (d < best) best = d, at = c;
    }
    meters = best;
    return best <= 100'000 ? at : kOutside;
  };
  std::mt19937_64 rng(23);
  std::uniform_real_distribution<double> u(-1, 1);
  int found = 0, none = 0;
  for (int i = 0; i < 600; ++i) {
    // From metres to a degree away, on every side; and the corners' diagonals, where cells tie.
    const double far = std::pow(10.0, -4 + 4.5 * (u(rng) + 1) / 2);
    Point p{120 + k * step / 2 + far * u(rng), 30 + k * step / 2 + far * u(rng)};
    if (i % 10 == 0) p = {120 - far, 30 - far};
    double want_m = 0;
    const std::int32_t want = nearest(p, want_m);
    const gridroute::geo::Locator::Explained e = r.loc->explain(p, 0);
    if (e.how == gridroute::geo::Locator::Explained::How::inside) continue;
    ASSERT_EQ(e.nearest, want) << std::setprecision(17) << p.lon << "," << p.lat;
    if (want == kOutside) {
      ++none;
      continue;
    }
    EXPECT_NEAR(e.meters, want_m, 1e-9 * want_m + 1e-9) << std::setprecision(17) << p.lon << "," << p.lat;
    ++found;
  }
  EXPECT_GT(found, 200);
  EXPECT_GT(none, 20);  // past 100 km: no nearest
}

// Ties that floating point does not see as ties still go by file order: two edges on one line, or on two
// lines equally far, at the same distance from a point whose foot of the perpendicular lies on both,
// whose other ends make the last bits of the computed distances differ.
TEST(GeoRules, TiesBetweenEdgesOfDifferentLengthsGoByFileOrder) {
  // a's east edge and the west edge of b's hole lie on the meridian 120°; the point is in the hole.
  const std::string a = feature("\"id\": \"a\"", polygon(square(119.9990234375, 30, 120, 30.0009765625)));
  const std::string b = feature("\"id\": \"b\"", polygon(square(120, 30, 120.0009765625, 30.0009765625) + "," +
                                                          square(120, 30.000244140625, 120.00048828125, 30.000732421875)));
  for (bool b_first : {false, true}) {
    auto r = load(collection(b_first ? std::vector<std::string>{b, a} : std::vector<std::string>{a, b}), kCells);
    ASSERT_TRUE(r.loc.ok()) << r.all();
    EXPECT_EQ(r.loc->locate({120.00002047874668, 30.000696853750522}, 30), b_first ? 1 : 0) << b_first;
    for (int k = 1; k < 40; ++k) {  // points up the hole, 0.05 to 1.9 m east of the meridian, nearer to it
      const Point p{120 + k * 5e-7, 30.0004 + k * 7e-6};  // than to the hole's north and south edges
      EXPECT_EQ(r.loc->locate(p, 30), b_first ? 1 : 0) << b_first << " " << k;
    }
  }
  // Two squares a gap apart, the second's west edge shorter and offset: the middle of the gap.
  for (bool b_first : {false, true}) {
    std::vector<std::string> fs = {
        feature("\"id\": \"a\"", polygon(square(10, 60, 10.0078125, 60.0078125))),
        feature("\"id\": \"b\"", polygon(square(10.015625, 60.0009765625, 10.0234375, 60.0068359375)))};
    if (b_first) std::swap(fs[0], fs[1]);
    auto r = load(collection(fs), kCells);
    ASSERT_TRUE(r.loc.ok()) << r.all();
    for (int k = 0; k < 40; ++k) {
      const Point p{10.01171875, 60.0013 + k * 1.3e-4};
      EXPECT_EQ(r.loc->locate(p, 1000), b_first ? 1 : 0) << b_first << " " << k;
    }
  }
}

// explain() gives locate()'s cell and says how: inside (and which later polygons hold the point too),
// snapped (how far, and the other cells within snap_meters), or outside (the nearest boundary).
TEST(GeoRules, ExplainSaysHowTheCellWasFound) {
  using How = gridroute::geo::Locator::Explained::How;
  // a and b share the meridian 10.01; c lies 0.01° east of b, across a gap; "52" overlaps a's west half.
  auto r = load(collection({feature("\"id\": \"a\"", polygon(square(10, 60, 10.01, 60.01))),
                            feature("\"id\": \"b\"", polygon(square(10.01, 60, 10.02, 60.01))),
                            feature("\"id\": \"c\"", polygon(square(10.03, 60, 10.04, 60.01))),
                            feature("\"id\": \"52\"", polygon(square(9.99, 60, 10.005, 60.01)))}),
                kCells);
  ASSERT_TRUE(r.loc.ok()) << r.all();
  const auto& loc = *r.loc;
  auto inside = loc.explain({10.005, 60.005}, 30);  // on 52's east edge, inside a
  EXPECT_EQ(inside.how, How::inside);
  EXPECT_EQ(inside.cell, 0);
  EXPECT_EQ(inside.also_inside, std::vector<std::int32_t>({3}));
  auto edge = loc.explain({10.01, 60.002}, 0);  // on the shared edge: a first, b too
  EXPECT_EQ(edge.how, How::inside);
  EXPECT_EQ(edge.cell, 0);
  EXPECT_EQ(edge.also_inside, std::vector<std::int32_t>({1}));

  const Point gap{10.0249, 60.005};  // 0.0049° east of b, 0.0051° west of c
  const double to_b = tangent_metres(gap, {10.02, 60.005}), to_c = tangent_metres(gap, {10.03, 60.005});
  auto snapped = loc.explain(gap, 400);
  EXPECT_EQ(snapped.how, How::snapped);
  EXPECT_EQ(snapped.cell, loc.locate(gap, 400));
  EXPECT_EQ(snapped.cell, 1);
  EXPECT_NEAR(snapped.meters, to_b, 0.01);
  ASSERT_EQ(snapped.others.size(), 1u);  // c is within 400 m too, a is not
  EXPECT_EQ(snapped.others[0].first, 2);
  EXPECT_NEAR(snapped.others[0].second, to_c, 0.01);

  auto outside = loc.explain(gap, 100);  // b is 273 m away
  EXPECT_EQ(outside.how, How::outside);
  EXPECT_EQ(outside.cell, kOutside);
  EXPECT_EQ(outside.nearest, 1);
  EXPECT_NEAR(outside.meters, to_b, 0.01);
  auto far = loc.explain({10.5, 60.005}, 0);  // 25 km east: the nearest is still found
  EXPECT_EQ(far.how, How::outside);
  EXPECT_EQ(far.nearest, 2);
  EXPECT_NEAR(far.meters, tangent_metres({10.5, 60.005}, {10.04, 60.005}), 0.01);
  auto nowhere = loc.explain({-70, -30}, 30);  // nothing within 100 km
  EXPECT_EQ(nowhere.how, How::outside);
  EXPECT_EQ(nowhere.nearest, kOutside);
  EXPECT_EQ(nowhere.swapped, kOutside);
  auto swapped = loc.explain({60.005, 10.015}, 30);  // [lat, lon] of a point in b
  EXPECT_EQ(swapped.how, How::outside);
  EXPECT_EQ(swapped.swapped, 1);
}

TEST(GeoRules, SnappingNearThePolesAndTheAntimeridian) {
  auto r = load(collection({feature("\"id\": \"a\"", polygon(square(-180, 89.9999, -179, 89.99995))),
                            feature("\"id\": \"b\"", polygon(square(179.9, -10, 180, 10)))}),
                kCells);
  ASSERT_TRUE(r.loc.ok()) << r.all();
  // At the pole itself every longitude is 0 m away: the polygon's top edge is 0.00005° = 5.6 m south.
  EXPECT_EQ(r.loc->locate({120, 90}, 6), 0);
  EXPECT_EQ(r.loc->locate({120, 90}, 5), kOutside);
  // Longitudes are not wrapped: -179.9999 is 360° from b's east edge, not 11 m.
  EXPECT_EQ(r.loc->locate({-179.9999, 0}, 1000), kOutside);
  EXPECT_EQ(r.loc->locate({180, 0}, 0), 1);
}

// ---- errors, each with its position and pointer

TEST(GeoErrors, AnIdThatIsNotACell) {
  EXPECT_EQ(only_error(collection({feature("\"id\": \"zz\"", polygon(square(0, 0, 1, 1)))})),
            "cells.geojson:2:27: /features/0/id: \"zz\" is not a cell of the jurisdiction");
}

TEST(GeoErrors, ACellGivenTwice) {
  EXPECT_EQ(only_error(collection({feature("\"id\": \"a\"", polygon(square(0, 0, 1, 1))),
                                   feature("\"id\": \"a\"", polygon(square(1, 0, 2, 1)))})),
            "cells.geojson:3:27: /features/1/id: cell \"a\" is given twice (first by /features/0)");
}

TEST(GeoErrors, ARingWithFewerThanFourPositions) {
  EXPECT_EQ(only_error(collection({feature("\"id\": \"a\"", polygon("[[0,0],[1,0],[0,0]]"))})),
            "cells.geojson:2:98: /features/0/geometry/coordinates/0: a ring needs at least 4 positions (the last one "
            "repeating the first), this one has 3 (cell \"a\")");
}

TEST(GeoErrors, ARingNotClosed) {
  EXPECT_EQ(only_error(collection({feature("\"id\": \"a\"", polygon("[[0,0],[1,0],[1,1],[0,1]]"))})),
            "cells.geojson:2:98: /features/0/geometry/coordinates/0: the ring is not closed: its last position [0, 1] "
            "differs from its first [0, 0] (cell \"a\")");
}

TEST(GeoErrors, CoordinatesThatAreNotNumbersInRange) {
  std::string text = collection({feature("\"id\": \"a\"", polygon("[[0,0],[\"1\",0],[1,1],[0,1],[0,0]]")),
                                 feature("\"id\": \"b\"", polygon("[[0,0],[180.5,0],[1,1],[0,1],[0,0]]")),
                                 feature("\"id\": \"c\"", polygon("[[0,0],[1,-91],[1,1],[0,1],[0,0]]")),
                                 feature("\"id\": \"52\"", polygon("[[0,0],[1,0,5,\"m\"],[1,1],[0],[0,0]]"))});
  auto r = load(text, kCells);
  ASSERT_FALSE(r.loc.ok());
  EXPECT_EQ(r.all(),
            "cells.geojson:2:106: /features/0/geometry/coordinates/0/1/0: longitude must be a number, got a string (cell \"a\")\n"
            "cells.geojson:3:106: /features/1/geometry/coordinates/0/1/0: longitude must be in [-180, 180], got 180.5 (cell \"b\")\n"
            "cells.geojson:4:108: /features/2/geometry/coordinates/0/1/1: latitude must be in [-90, 90], got -91 (cell \"c\")\n"
            "cells.geojson:5:113: /features/3/geometry/coordinates/0/1/3: number 4 of a position must be a number, got a "
            "string (cell \"52\")\n"
            "cells.geojson:5:124: /features/3/geometry/coordinates/0/3: a position needs a longitude and a latitude, "
            "this one has 1 number (cell \"52\")\n");
  EXPECT_EQ(r.loc.status().message().substr(0, 40), "cells.geojson refused: 5 errors; first: ");
}

// SPEC §7 ignores a position's altitude and refuses no more numbers than that: a fourth (the measure of
// an XYZM export) and later ones are ignored too, whatever their size.
TEST(GeoRules, NumbersPastTheAltitudeAreIgnored) {
  auto r = load(collection({feature("\"id\": \"a\"", polygon("[[0,0,1,2],[2,0,3,4,5],[2,2,1e400,0],[0,2,0,0],[0,0,1,2]]"))}), kCells);
  ASSERT_TRUE(r.loc.ok()) << r.all();
  EXPECT_EQ(r.loc->locate(Point{1, 1}), 0);
  EXPECT_EQ(r.loc->locate(Point{3, 1}), kOutside);
  // Any exponent is JSON, past the 2^31 the parser reads too: an altitude of 1e99999999999999999999 is
  // ignored, and a latitude of 0e99999999999 is 0.
  r = load(collection({feature("\"id\": \"a\"",
                               polygon("[[0,0e99999999999,1e99999999999999999999],[2,0],[2,2,-1e-99999999999],[0,2],[0,0]]"))}),
           kCells);
  ASSERT_TRUE(r.loc.ok()) << r.all();
  EXPECT_EQ(r.loc->locate(Point{1, 1}), 0);
  EXPECT_EQ(r.loc->locate(Point{3, 1}), kOutside);
}

TEST(GeoErrors, CoordinatesOfTheWrongShape) {
  auto r = load(collection({feature("\"id\": \"a\"", "{\"type\": \"Polygon\", \"coordinates\": [0, 0]}"),
                            feature("\"id\": \"b\"", "{\"type\": \"Polygon\", \"coordinates\": [[0, 0], [1, 0], [1, 1], [0, 0]]}"),
                            feature("\"id\": \"c\"", "{\"type\": \"MultiPolygon\", \"coordinates\": [1, 2, 3]}"),
                            feature("\"id\": \"52\"", "{\"type\": \"MultiPolygon\", \"coordinates\": [[[0, 0], \"x\"]]}")}),
                kCells);
  EXPECT_EQ(r.all(),
            "cells.geojson:2:97: /features/0/geometry/coordinates: a polygon must be a list of rings, got a position [0, 0] "
            "(cell \"a\")\n"
            "cells.geojson:3:98: /features/1/geometry/coordinates/0: a ring must be a list of positions, got a position [0, 0] "
            "(cell \"b\")\n"
            "cells.geojson:3:106: /features/1/geometry/coordinates/1: a ring must be a list of positions, got a position [1, 0] "
            "(cell \"b\")\n"
            "cells.geojson:3:114: /features/1/geometry/coordinates/2: a ring must be a list of positions, got a position [1, 1] "
            "(cell \"b\")\n"
            "cells.geojson:3:122: /features/1/geometry/coordinates/3: a ring must be a list of positions, got a position [0, 0] "
            "(cell \"b\")\n"
            "cells.geojson:4:102: /features/2/geometry/coordinates: a MultiPolygon's coordinates must be a list of polygons, got "
            "a position [1, 2] (cell \"c\")\n"
            "cells.geojson:5:105: /features/3/geometry/coordinates/0/0: a ring must be a list of positions, got a position [0, 0] "
            "(cell \"52\")\n"
            "cells.geojson:5:113: /features/3/geometry/coordinates/0/1: a ring must be a list of positions, got a string "
            "(cell \"52\")\n");
}

TEST(GeoErrors, AnotherGeometryType) {
  EXPECT_EQ(only_error(collection({feature("\"id\": \"a\"", "{\"type\": \"Point\", \"coordinates\": [0, 0]}")})),
            "cells.geojson:2:71: /features/0/geometry/type: the geometry must be a \"Polygon\" or a \"MultiPolygon\", got "
            "\"Point\"");
  auto r = load(collection({feature("\"id\": \"a\"", "{\"type\": \"GeometryCollection\", \"geometries\": []}")}), kCells);
  EXPECT_EQ(r.all(),
            "cells.geojson:2:62: /features/0/geometry: a geometry needs \"coordinates\"\n"
            "cells.geojson:2:71: /features/0/geometry/type: the geometry must be a \"Polygon\" or a \"MultiPolygon\", got "
            "\"GeometryCollection\"\n");
}

TEST(GeoErrors, NotAFeatureCollection) {
  EXPECT_EQ(only_error("[1, 2]"),
            "cells.geojson:1:1: must be a GeoJSON FeatureCollection (an object with \"type\": \"FeatureCollection\"), "
            "got a list");
  EXPECT_EQ(only_error("{\"type\": \"Feature\", \"features\": []}"),
            "cells.geojson:1:10: /type: must be \"FeatureCollection\", got \"Feature\"");
  EXPECT_EQ(only_error("{\"type\": \"FeatureCollection\"}"),
            "cells.geojson:1:1: a FeatureCollection needs \"features\": a list of Features");
  EXPECT_EQ(only_error("{\"type\": \"FeatureCollection\", \"features\": {}}"),
            "cells.geojson:1:43: /features: must be a list of Features, got an object");
  EXPECT_EQ(only_error("{\"type\": \"FeatureCollection\", \"features\": [3]}"),
            "cells.geojson:1:44: /features/0: a Feature must be an object, got 3");
}

TEST(GeoErrors, FeaturesWithoutIdOrWithAnIdOfTheWrongType) {
  EXPECT_EQ(only_error(collection({"{\"type\": \"Feature\", \"geometry\": null}"})),
            "cells.geojson:2:1: /features/0: a Feature needs an \"id\": the cell it outlines (a string, or an integer)");
  auto r = load(collection({feature("\"id\": true", "null"), feature("\"id\": 5.0", "null"), feature("\"id\": [1]", "null")}),
                kCells);
  EXPECT_EQ(r.all(),
            "cells.geojson:2:27: /features/0/id: the cell id must be a string or an integer, got true\n"
            "cells.geojson:3:27: /features/1/id: the cell id must be a string or an integer, got 5.0 (an integer is "
            "written without a fraction or exponent)\n"
            "cells.geojson:4:27: /features/2/id: the cell id must be a string or an integer, got a list\n");
}

TEST(GeoErrors, AFeatureNeedsTypeAndGeometry) {
  auto r = load(collection({"{\"id\": \"a\", \"geometry\": null}", "{\"type\": \"Feature\", \"id\": \"b\"}",
                            "{\"type\": \"feature\", \"id\": \"c\", \"geometry\": 7}"}),
                kCells);
  EXPECT_EQ(r.all(),
            "cells.geojson:2:1: /features/0: a Feature needs \"type\": \"Feature\"\n"
            "cells.geojson:3:1: /features/1: a Feature needs a \"geometry\" (null for a cell without a polygon)\n"
            "cells.geojson:4:10: /features/2/type: must be \"Feature\", got \"feature\"\n"
            "cells.geojson:4:44: /features/2/geometry: must be a Polygon or MultiPolygon object, or null; got 7\n");
}

TEST(GeoErrors, EveryErrorIsReportedInFileOrder) {
  std::string text = collection({feature("\"id\": \"zz\"", polygon(square(0, 0, 1, 1))),
                                 feature("\"id\": \"a\"", polygon("[[0,0],[1,0],[0,0]]")),
                                 feature("\"id\": \"b\"", "{\"type\": \"LineString\", \"coordinates\": [[0,0],[1,1]]}")});
  auto r = load(text, kCells);
  ASSERT_FALSE(r.loc.ok());
  ASSERT_EQ(r.diags.size(), 3u) << r.all();
  EXPECT_EQ(r.diags[0].pointer, "/features/0/id");
  EXPECT_EQ(r.diags[1].pointer, "/features/1/geometry/coordinates/0");
  EXPECT_EQ(r.diags[2].pointer, "/features/2/geometry/type");
  for (auto& d : r.diags) {
    EXPECT_EQ(d.file, "cells.geojson");
    EXPECT_EQ(d.severity, gridroute::Diagnostic::Severity::error);
    EXPECT_GT(d.line, 1);
    EXPECT_GT(d.column, 1);
  }
  EXPECT_LT(r.diags[0].line, r.diags[1].line);
}

// SPEC §7 refuses rings with fewer than four positions or not closed, not rings that cross themselves: a
// bow tie is accepted, inside by the even-odd rule (both lobes), and lint warns about it.
TEST(GeoLint, ARingThatCrossesItselfIsAcceptedAndWarnedAbout) {
  // A bow tie: (0,0)-(1,1) crosses (1,0)-(0,1); its lobes meet at (0.5, 0.5).
  auto r = load(collection({feature("\"id\": \"a\"", polygon("[[0,0],[1,1],[1,0],[0,1],[0,0]]"))}), kCells);
  ASSERT_TRUE(r.loc.ok()) << r.all();
  EXPECT_EQ(r.loc->locate(Point{0.2, 0.5}), 0);   // the left lobe
  EXPECT_EQ(r.loc->locate(Point{0.8, 0.5}), 0);   // the right lobe
  EXPECT_EQ(r.loc->locate(Point{0.5, 0.5}), 0);   // where the edges cross: on the boundary
  EXPECT_EQ(r.loc->locate(Point{0.5, 0.2}), kOutside);  // below the waist
  auto lint = [](const geotest::Loaded& l) {
    std::string all;
    for (auto& d : l.loc->lint(kCells.all(), [&](std::int32_t c) { return kCells.name(c); }))
      if (d.message.find("crosses itself") != std::string::npos) all += d.to_string() + "\n";
    return all;
  };
  EXPECT_EQ(lint(r),
            "cells.geojson:2:1: /features/0/geometry: warning: ring 0 of cell \"a\" crosses itself: its edge from "
            "position 0 to 1 crosses the edge from position 2 to 3; a location is inside where a ray from it crosses "
            "the ring an odd number of times\n");
  // In the second polygon of a MultiPolygon, in a hole.
  std::string multi = "{\"type\": \"MultiPolygon\", \"coordinates\": [[" + square(5, 5, 6, 6) + "], [" + square(0, 0, 4, 4) +
                      ", [[1,1],[3,3],[3,1],[1,3],[1,1]]]]}";
  auto m = load(collection({feature("\"id\": \"a\"", multi)}), kCells);
  ASSERT_TRUE(m.loc.ok()) << m.all();
  EXPECT_NE(lint(m).find("ring 1 of polygon 1 of cell \"a\" crosses itself"), std::string::npos) << lint(m);
  EXPECT_EQ(m.loc->locate(Point{1.5, 2}), kOutside);  // in a lobe of the hole
  EXPECT_EQ(m.loc->locate(Point{2, 1.5}), 0);         // below the hole's waist
}

// A MultiPolygon of many parts: each part's polygon number is counted as the parts go (it was found by
// walking back over the Feature's earlier parts at each part, the square of their count: 131,072 parts
// took 5 s), and the crossing in its last part is named by that number.
// A comb whose long teeth overlap in latitude is more edge pairs than the self-crossing check compares
// (64 a position): the ring is said to be unchecked, in a note at its Feature, not passed over in silence.
TEST(GeoRules, ARingTooCostlyToCheckForCrossingIsNoted) {
  constexpr int kTeeth = 5'000;
  std::ostringstream ring;
  ring.precision(17);
  ring << "[[0,0],[" << kTeeth * 0.001 << ",0]";
  for (int k = kTeeth - 1; k >= 0; --k) {
    const double x = k * 0.001;
    ring << ",[" << x + 0.0008 << ",1],[" << x + 0.0002 << ",1],[" << x + 0.0002 << ",0.1],[" << x << ",0.1]";
  }
  ring << ",[0,0]]";
  auto r = load(collection({feature("\"id\": \"a\"", "{\"type\": \"Polygon\", \"coordinates\": [" + ring.str() + "]}")}),
                kCells);
  ASSERT_TRUE(r.loc.ok()) << r.all();
  std::string said;
  for (auto& d : r.loc->lint(kCells.all(), [&](std::int32_t c) { return kCells.name(c); }))
    if (d.message.find("crossing itself") != std::string::npos || d.message.find("crosses itself") != std::string::npos)
      said += d.to_string() + "\n";
  EXPECT_EQ(said,
            "cells.geojson:2:1: /features/0/geometry: note: 1 ring not checked for crossing itself (its edges overlap in "
            "latitude past the lint budget of 64 edge pairs a position); the first: ring 0 of cell \"a\"\n");
}

TEST(GeoRules, APolygonNumberOfAManyPartMultiPolygonIsCountedOnce) {
  constexpr int kParts = 100'000;
  std::string coords;
  for (int i = 0; i + 1 < kParts; ++i) coords += "[" + square(0.0015 * i, 0, 0.0015 * i + 0.001, 0.001) + "],";
  const std::string x0 = std::to_string(0.0015 * (kParts - 1)), x1 = std::to_string(0.0015 * (kParts - 1) + 0.001);
  coords += "[[[" + x0 + ",0],[" + x1 + ",0.001],[" + x1 + ",0],[" + x0 + ",0.001],[" + x0 + ",0]]]";  // a bow tie
  auto r = load(collection({feature("\"id\": \"a\"", "{\"type\": \"MultiPolygon\", \"coordinates\": [" + coords + "]}")}),
                kCells);
  ASSERT_TRUE(r.loc.ok()) << r.all();
  std::string crossing;
  for (auto& d : r.loc->lint(kCells.all(), [&](std::int32_t c) { return kCells.name(c); }))
    if (d.message.find("crosses itself") != std::string::npos) crossing += d.message + "\n";
  EXPECT_EQ(crossing.rfind("ring 0 of polygon " + std::to_string(kParts - 1) + " of cell \"a\" crosses itself", 0), 0u)
      << crossing;
}

// Text that is not JSON where a number goes is placed at that number, not the one before.
TEST(GeoErrors, ANaNIsPlacedAtItsOwnCoordinate) {
  const std::string e = only_error(collection({feature("\"id\": \"a\"", polygon("[[0,0],[1,NaN],[1,1],[0,1],[0,0]]"))}));
  EXPECT_NE(e.find("/features/0/geometry/coordinates/0/1/1: invalid JSON"), std::string::npos) << e;
}

TEST(GeoErrors, RingsThatOnlyTouchThemselvesAreAccepted) {
  // A ring touching itself at a vertex (an "inverted hole"), a spike, and a repeated position.
  for (const char* ring : {"[[0,0],[4,0],[4,4],[2,4],[3,2],[1,2],[2,4],[0,4],[0,0]]",
                           "[[0,0],[4,0],[4,4],[4,6],[4,4],[0,4],[0,0]]", "[[0,0],[4,0],[4,0],[4,4],[0,4],[0,0]]"}) {
    auto r = load(collection({feature("\"id\": \"a\"", polygon(ring))}), kCells);
    EXPECT_TRUE(r.loc.ok()) << ring << "\n" << r.all();
  }
}

TEST(GeoErrors, DuplicateKeysInvalidJsonAndLimits) {
  EXPECT_EQ(only_error(collection({"{\"type\": \"Feature\", \"id\": \"a\", \"id\": \"b\", \"geometry\": null}"})),
            "cells.geojson:2:32: /features/0/id: duplicate key");
  EXPECT_EQ(only_error("{\"type\": \"FeatureCollection\",\n \"features\": [\n  {\"type\": \"Feature\" \"id\": 1}]}"),
            "cells.geojson:3:22: /features/0/type: invalid JSON: syntax error");
  EXPECT_EQ(only_error("{\"type\": \"FeatureCollection\", \"features\": []} x"),
            "cells.geojson:1:47: invalid JSON: extra data after the FeatureCollection");
  EXPECT_EQ(only_error(""), "cells.geojson: the file is empty (expected a GeoJSON FeatureCollection)");
  EXPECT_EQ(only_error("{\"type\": \"FeatureCollection\", \"features\": [], \"name\": \"\xC3\"}"),
            "cells.geojson:1:56: /name: invalid UTF-8");
  gridroute::geo::GeoOptions o;
  o.max_json_depth = 8;
  std::string deep = collection({feature("\"id\": \"a\", \"properties\": {\"x\": [[[[[1]]]]]}", "null")});
  EXPECT_EQ(only_error(deep, kCells, std::nullopt, o).substr(0, 24), "cells.geojson:2:56: /fea");
  EXPECT_NE(only_error(deep, kCells, std::nullopt, o).find("JSON nested deeper than 8 levels (GeoOptions::max_json_depth)"),
            std::string::npos);
  o = {};
  o.max_features = 1;
  EXPECT_EQ(only_error(collection({feature("\"id\": \"a\"", "null"), feature("\"id\": \"b\"", "null")}), kCells, std::nullopt, o),
            "cells.geojson:3:1: /features/1: more than 1 Features (GeoOptions::max_features)");
  o = {};
  o.max_positions = 9;
  EXPECT_EQ(only_error(collection({feature("\"id\": \"a\"", polygon(square(0, 0, 1, 1))),
                                   feature("\"id\": \"b\"", polygon(square(1, 0, 2, 1)))}),
                       kCells, std::nullopt, o),
            "cells.geojson:3:62: /features/1/geometry: more than 9 positions in the file (GeoOptions::max_positions)");
}

// ---- ids

TEST(GeoRules, IntegerIdsAreWrittenInDecimal) {
  auto r = load(collection({feature("\"id\": 52", polygon(square(0, 0, 1, 1)))}), kCells);
  ASSERT_TRUE(r.loc.ok()) << r.all();
  EXPECT_EQ(kCells.name(r.loc->locate({0.5, 0.5})), "52");
  // An integer past 64 bits is still an integer: its digits are its decimal form, as an id or a property.
  const Cells big({"18446744073709551616", "-99999999999999999999999"});
  auto r2 = load(collection({feature("\"id\": 18446744073709551616", polygon(square(0, 0, 1, 1))),
                             feature("\"id\": -99999999999999999999999", polygon(square(2, 0, 3, 1)))}),
                 big);
  ASSERT_TRUE(r2.loc.ok()) << r2.all();
  EXPECT_EQ(big.name(r2.loc->locate({0.5, 0.5})), "18446744073709551616");
  EXPECT_EQ(big.name(r2.loc->locate({2.5, 0.5})), "-99999999999999999999999");
  auto r3 = load(collection({"{\"type\": \"Feature\", \"properties\": {\"cd\": 18446744073709551616}, \"geometry\": " +
                             polygon(square(0, 0, 1, 1)) + "}"}),
                 big, std::string("cd"));
  ASSERT_TRUE(r3.loc.ok()) << r3.all();
  EXPECT_EQ(big.name(r3.loc->locate({0.5, 0.5})), "18446744073709551616");
  // A number with a fraction or an exponent is no integer, however large.
  EXPECT_NE(only_error(collection({feature("\"id\": 1e30", polygon(square(0, 0, 1, 1)))}), big).find("got 1e30"),
            std::string::npos);
}

TEST(GeoRules, IdProperty) {
  std::string text = collection({
      "{\"type\": \"Feature\", \"id\": 0, \"properties\": {\"name\": \"x\", \"cd\": \"a\"}, \"geometry\": " +
          polygon(square(0, 0, 1, 1)) + "}",
      "{\"type\": \"Feature\", \"id\": 0, \"properties\": {\"cd\": 52, \"deep\": {\"cd\": \"b\"}}, \"geometry\": " +
          polygon(square(1, 0, 2, 1)) + "}",
  });
  auto r = load(text, kCells, "cd");
  ASSERT_TRUE(r.loc.ok()) << r.all();
  EXPECT_EQ(kCells.name(r.loc->locate({0.5, 0.5})), "a");
  EXPECT_EQ(kCells.name(r.loc->locate({1.5, 0.5})), "52");
  // Without the property, or properties null.
  auto bad = load(collection({"{\"type\": \"Feature\", \"properties\": {\"name\": \"x\"}, \"geometry\": null}",
                              "{\"type\": \"Feature\", \"properties\": null, \"geometry\": null}",
                              "{\"type\": \"Feature\", \"properties\": {\"cd\": null}, \"geometry\": null}"}),
                  kCells, "cd");
  EXPECT_EQ(bad.all(),
            "cells.geojson:2:35: /features/0/properties: the Feature has no \"cd\" in its properties (the cell id, "
            "cells_geojson id_property)\n"
            "cells.geojson:3:1: /features/1: the Feature has no \"cd\" in its properties (the cell id, cells_geojson "
            "id_property)\n"
            "cells.geojson:4:42: /features/2/properties/cd: the cell id must be a string or an integer, got null\n");
}

// ---- polygons that are absent

TEST(GeoRules, NullOrEmptyGeometryGivesNoPolygonAndALintWarning) {
  std::string text = collection({feature("\"id\": \"a\"", "null"),
                                 feature("\"id\": \"b\"", "{\"type\": \"MultiPolygon\", \"coordinates\": []}"),
                                 feature("\"id\": \"c\"", polygon(square(0, 0, 1, 1)))});
  auto r = load(text, kCells);
  ASSERT_TRUE(r.loc.ok()) << r.all();
  EXPECT_FALSE(r.loc->has_polygon(0));
  EXPECT_FALSE(r.loc->has_polygon(1));
  EXPECT_TRUE(r.loc->has_polygon(2));
  EXPECT_FALSE(r.loc->has_polygon(3));  // "52" is not in the file at all
  auto w = r.loc->lint(kCells.all(), [&](std::int32_t c) { return kCells.name(c); });
  std::string all;
  for (auto& d : w) all += d.to_string() + "\n";
  EXPECT_EQ(all,
            "cells.geojson:2:1: /features/0: warning: cell \"a\" has no polygon: no location can find it\n"
            "cells.geojson:3:1: /features/1: warning: cell \"b\" has no polygon: no location can find it\n"
            "cells.geojson: warning: cell \"52\" has no polygon: no location can find it\n");  // no Feature: the file
}

// ---- lint: overlaps

// Two neighbours that share a vertex written with latitudes 1.4e-14 degrees apart (NYC community districts
// 210 and 228 in the 2013 layer): a gap between them is no overlap, an overlap as thin is one. The
// floating-point relate alone got both wrong.
TEST(GeoLint, NeighboursWhoseSharedVertexDiffersInTheLastDigitsAreDecidedExactly) {
  auto lint_of = [](const std::string& a_mid, const std::string& b_mid) {
    const std::string text = collection({
        feature("\"id\": \"a\"", polygon("[[-73.81864751617834,40.8606425154598],[-73.818639505620098," + a_mid +
                                         "],[-73.81862264626047,40.86075292981745],[-73.8180,40.8607],"
                                         "[-73.81864751617834,40.8606425154598]]")),
        feature("\"id\": \"b\"", polygon("[[-73.81862264626047,40.86075292981745],[-73.818639505620098," + b_mid +
                                         "],[-73.81864751617834,40.8606425154598],[-73.8192,40.8607],"
                                         "[-73.81862264626047,40.86075292981745]]"))});
    auto r = load(text, Cells({"a", "b"}));
    EXPECT_TRUE(r.loc.ok()) << r.all();
    std::string all;
    if (r.loc.ok())
      for (auto& d : r.loc->lint(Cells({"a", "b"}).all(), [](std::int32_t c) { return c == 0 ? "a" : "b"; }))
        all += d.to_string() + "\n";
    return all;
  };
  // a (east) bends east at 40.860698297066861, b (west) bends west at ...875: a sliver of a gap.
  EXPECT_EQ(lint_of("40.860698297066861", "40.860698297066875"), "");
  // Swapped: a bends west of b's vertex and b east of a's, so they overlap by a sliver.
  EXPECT_NE(lint_of("40.860698297066875", "40.860698297066861").find("the polygon of cell \"b\" overlaps that of cell \"a\""),
            std::string::npos);
  // The same vertex in both: they share two edges, and no more.
  EXPECT_EQ(lint_of("40.860698297066861", "40.860698297066861"), "");
  // Identical polygons of two cells overlap, though neither has a vertex strictly inside the other.
  const std::string same = collection({feature("\"id\": \"a\"", polygon(square(0, 0, 1, 1))),
                                       feature("\"id\": \"b\"", polygon(square(0, 0, 1, 1)))});
  auto r = load(same, Cells({"a", "b"}));
  ASSERT_TRUE(r.loc.ok()) << r.all();
  EXPECT_EQ(r.loc->lint(Cells({"a", "b"}).all(), [](std::int32_t c) { return c == 0 ? "a" : "b"; }).size(), 1u);
}

TEST(GeoLint, OverlapsOfDifferentCellsAreWarnedAbout) {
  std::string text = collection({
      feature("\"id\": \"a\"", polygon(square(0, 0, 2, 2))),
      feature("\"id\": \"b\"", polygon(square(2, 0, 4, 2))),        // shares an edge with a: fine
      feature("\"id\": \"c\"", polygon("[[1,1],[3,1.5],[1,3],[1,1]]")),  // overlaps a and b
      feature("\"id\": \"52\"", polygon(square(0.5, 0.5, 0.6, 0.6) + "," + square(0.52, 0.52, 0.58, 0.58))),  // inside a
  });
  auto r = load(text, kCells);
  ASSERT_TRUE(r.loc.ok()) << r.all();
  auto w = r.loc->lint(kCells.all(), [&](std::int32_t c) { return kCells.name(c); });
  std::string all;
  for (auto& d : w) all += d.to_string() + "\n";
  EXPECT_EQ(all,
            "cells.geojson:4:1: /features/2: warning: the polygon of cell \"c\" overlaps that of cell \"a\" "
            "(/features/0); a location in both goes to \"a\", the first in the file\n"
            "cells.geojson:5:1: /features/3: warning: the polygon of cell \"52\" overlaps that of cell \"a\" "
            "(/features/0); a location in both goes to \"a\", the first in the file\n"
            "cells.geojson:4:1: /features/2: warning: the polygon of cell \"c\" overlaps that of cell \"b\" "
            "(/features/1); a location in both goes to \"b\", the first in the file\n");
  gridroute::geo::GeoLintOptions o;
  o.overlap_budget_positions = 12;
  w = r.loc->lint(kCells.all(), [&](std::int32_t c) { return kCells.name(c); }, o);
  ASSERT_FALSE(w.empty());
  EXPECT_EQ(w.back().to_string(),
            "cells.geojson:2:1: /features/0: warning: overlaps checked only up to this Feature: the check's budget of "
            "12 (GeoLintOptions::overlap_budget_positions) ran out");
}

// A thousand polygons stacked over one another: each pair tested exactly counts for its setting up too, so
// the check stops within its budget (at some 10 µs a pair, half a million pairs counted by their positions
// alone ran for most of a minute).
TEST(GeoRules, StackedPolygonsStopTheOverlapCheckWithinItsBudget) {
  std::vector<std::string> features;
  Cells cells;
  for (int i = 0; i < 1000; ++i) {
    features.push_back(feature("\"id\": \"s" + std::to_string(i) + "\"", polygon(square(0, 0, 0.001, 0.001))));
    cells.add("s" + std::to_string(i));
  }
  auto r = load(collection(features), cells);
  ASSERT_TRUE(r.loc.ok()) << r.all();
  auto w = r.loc->lint(cells.all(), [&](std::int32_t c) { return cells.name(c); });
  ASSERT_FALSE(w.empty());
  EXPECT_NE(w.back().message.find("overlaps checked only up to this Feature: the check's budget of 50000000"),
            std::string::npos)
      << w.back().to_string();
}

// ---- the location of an issue

TEST(GeoLocation, ExactlyTwoNumbersInRange) {
  using gridroute::geo::read_location_text;
  auto p = read_location_text(" [120.4326171875, 30.7109375] ");
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->lon, 120.4326171875);
  EXPECT_EQ(p->lat, 30.7109375);
  EXPECT_TRUE(read_location_text("[-180,-90]").ok());
  EXPECT_TRUE(read_location_text("[180, 90]").ok());
  EXPECT_TRUE(read_location_text("[1e-400, 0]").ok());  // ±0: a valid number whose nearest binary64 is 0
  const std::string shape = "field 'location' must be [longitude, latitude], two numbers";
  for (const char* bad : {"[120.43]", "[120.43, 30.71, 5]", "[\"120.43\", \"30.71\"]", "{\"lon\": 1, \"lat\": 2}", "null",
                          "[]", "[1e400, 0]", "[1,2", "[01, 2]", "[1, 2] x", "[1,,2]", "[-, 2]", "[1.e5, 2]", "true"})
    EXPECT_EQ(read_location_text(bad).status().message(), shape) << bad;
  EXPECT_EQ(read_location_text("[30.71, 120.43]").status().message(), "location latitude 120.43 is out of range [-90, 90]");
  EXPECT_EQ(read_location_text("[-180.5, 30.71]").status().message(),
            "location longitude -180.5 is out of range [-180, 180]");
  EXPECT_EQ(gridroute::geo::check_point(NAN, 0).message(), shape);
  EXPECT_EQ(gridroute::geo::check_point(0, INFINITY).message(), shape);
  EXPECT_TRUE(gridroute::geo::check_point(-180, 90).ok());
  // From a parsed value.
  EXPECT_TRUE(gridroute::geo::read_location(boost::json::parse("[120, 30]")).ok());
  EXPECT_EQ(gridroute::geo::read_location(boost::json::parse("[120, true]")).status().message(), shape);
  EXPECT_EQ(gridroute::geo::read_location(boost::json::parse("[120, 95]")).status().message(),
            "location latitude 95 is out of range [-90, 90]");
}

TEST(GeoLocator, CopiesShareOneIndexAndReportTheirSize) {
  auto r = load(collection({feature("\"id\": \"a\"", polygon(square(0, 0, 1, 1)))}), kCells);
  ASSERT_TRUE(r.loc.ok());
  gridroute::geo::Locator copy = *r.loc;
  EXPECT_EQ(copy.locate({0.5, 0.5}), 0);
  EXPECT_EQ(copy.bytes(), r.loc->bytes());
  EXPECT_GT(copy.bytes(), 5 * 16u);
  EXPECT_EQ(copy.position_count(), 5u);
}

}  // namespace
