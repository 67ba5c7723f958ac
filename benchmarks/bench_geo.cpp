// Locations (SPEC §7): lookups per second on real polygons, and load + index of a generated layer of a
// million cells.
//
//   BM_GeoLocateLA        the 99 Los Angeles neighbourhood councils of 2019 (62,678 positions), located at
//                         the coordinates of the 37,128 MyLA311 requests that have them (real spread)
//   BM_GeoLocateLABox     the same polygons, points uniform over their box (a third outside: snapping)
//   BM_GeoLoadGrid        a generated grid of $GRIDROUTE_BENCH_GEO_CELLS cells (default 1,000,000; a
//                         1000 x 1000 tiling of 116-117°E, 39.5-40.3°N, ~85 x 89 m cells), each a Polygon
//                         of 32 vertices with wavy shared edges, every tenth with a hole: load + index time,
//                         the Locator's bytes, and the growth of resident and peak memory during the load
//   BM_GeoLocateGrid      lookups on that grid (uniform points; some in holes, some outside)
//   BM_GeoLocateGridMany  the same points through Locator::locate_many, 32 at a time (as the JSON Lines
//                         codec and route_batch call it)
//   BM_GeoLocateGridSkewed  the same grid, points clustered as service requests are (log-normal weights)
//
// Run: build with -DGRIDROUTE_BUILD_BENCHMARKS=ON, then build/gridroute_bench_geo (docs/locations.md has
// the figures and the command). $GRIDROUTE_BENCH_GEO_SAVE=FILE also writes the generated layer to FILE.
#include <benchmark/benchmark.h>
#include <zlib.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <memory>
#include <random>
#include <span>
#include <string>
#include <vector>

#include "geo/locator.hpp"
#include "load/csv.hpp"

namespace {
using gridroute::geo::Locator;
using gridroute::geo::Point;

std::string read_gz(const std::string& path) {
  gzFile f = gzopen(path.c_str(), "rb");
  if (!f) {
    std::fprintf(stderr, "cannot open %s\n", path.c_str());
    std::exit(1);
  }
  std::string out;
  char buf[1 << 16];
  int n;
  while ((n = gzread(f, buf, sizeof buf)) > 0) out.append(buf, static_cast<std::size_t>(n));
  gzclose(f);
  return out;
}

std::string data(const char* name) { return std::string(GRIDROUTE_SHARED_DIR) + "/data/" + name; }

// Resident and peak resident memory of the process, bytes (/proc/self/status).
std::size_t status_kb(const char* key) {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind(key, 0) == 0) return std::strtoull(line.c_str() + std::strlen(key), nullptr, 10);
  return 0;
}
std::size_t rss() { return status_kb("VmRSS:") * 1024; }
std::size_t peak() { return status_kb("VmHWM:") * 1024; }
// Resets the peak to the current resident size (Linux: clear_refs "5").
void reset_peak() {
  std::ofstream out("/proc/self/clear_refs");
  out << "5";
}

// ---- Los Angeles

struct LA {
  std::string text;
  std::map<std::string, std::int32_t, std::less<>> cells;
  std::unique_ptr<Locator> loc;
  std::vector<Point> requests;
};

const LA& la() {
  static const LA* la = [] {
    auto* d = new LA;
    d->text = read_gz(data("la_neighborhood_councils_2019.geojson.gz"));
    gridroute::geo::CellsSource src{d->text, "la_neighborhood_councils_2019.geojson", "nc_id"};
    auto loaded = Locator::load(src, [&](std::string_view id) {
      return d->cells.emplace(std::string(id), static_cast<std::int32_t>(d->cells.size())).first->second;
    }, nullptr);
    if (!loaded.ok()) {
      std::fprintf(stderr, "%s\n", std::string(loaded.status().message()).c_str());
      std::exit(1);
    }
    d->loc = std::make_unique<Locator>(*loaded);
    std::string err;
    std::int64_t line = 0;
    auto rows = gridroute::detail::parse_csv(read_gz(data("la311_myla311_sample.csv.gz")), err, line);
    std::size_t lat = 0, lon = 0;
    for (std::size_t i = 0; i < rows[0].fields.size(); ++i) {
      if (rows[0].fields[i] == "latitude") lat = i;
      if (rows[0].fields[i] == "longitude") lon = i;
    }
    for (std::size_t r = 1; r < rows.size(); ++r) {
      const auto& f = rows[r].fields;
      Point p;
      if (f[lat].empty() || f[lon].empty()) continue;
      std::from_chars(f[lon].data(), f[lon].data() + f[lon].size(), p.lon);
      std::from_chars(f[lat].data(), f[lat].data() + f[lat].size(), p.lat);
      if (gridroute::geo::check_point(p.lon, p.lat).ok()) d->requests.push_back(p);
    }
    return d;
  }();
  return *la;
}

void run_lookups(benchmark::State& state, const Locator& loc, const std::vector<Point>& pts, double snap) {
  std::size_t i = static_cast<std::size_t>(state.thread_index()) * 7919 % pts.size();
  std::size_t found = 0;
  for (auto _ : state) {
    found += loc.locate(pts[i], snap) >= 0;
    if (++i == pts.size()) i = 0;
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
  state.counters["found_pct"] =
      benchmark::Counter(100.0 * static_cast<double>(found) / static_cast<double>(state.iterations()),
                         benchmark::Counter::kAvgThreads);
}

void BM_GeoLocateLA(benchmark::State& state) {
  const LA& d = la();
  run_lookups(state, *d.loc, d.requests, static_cast<double>(state.range(0)));
  if (state.thread_index() == 0) {
    state.counters["polygons"] = static_cast<double>(d.loc->polygon_count());
    state.counters["positions"] = static_cast<double>(d.loc->position_count());
    state.counters["index_bytes"] = static_cast<double>(d.loc->bytes());
  }
}
BENCHMARK(BM_GeoLocateLA)->ArgName("snap_m")->Arg(0)->Arg(30)->ThreadRange(1, 2)->UseRealTime();

void BM_GeoLocateLABox(benchmark::State& state) {
  const LA& d = la();
  static const std::vector<Point> pts = [&] {
    double x0 = 1e9, y0 = 1e9, x1 = -1e9, y1 = -1e9;
    for (const Point& p : d.requests) {
      x0 = std::min(x0, p.lon);
      x1 = std::max(x1, p.lon);
      y0 = std::min(y0, p.lat);
      y1 = std::max(y1, p.lat);
    }
    std::mt19937_64 rng(1);
    std::vector<Point> v(100000);
    for (auto& p : v)
      p = {std::uniform_real_distribution<double>(x0, x1)(rng), std::uniform_real_distribution<double>(y0, y1)(rng)};
    return v;
  }();
  run_lookups(state, *d.loc, pts, static_cast<double>(state.range(0)));
}
BENCHMARK(BM_GeoLocateLABox)->ArgName("snap_m")->Arg(0)->Arg(30)->UseRealTime();

// ---- the generated grid

std::uint64_t mix(std::uint64_t x) {
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdULL;
  x ^= x >> 33;
  x *= 0xc4ceb9fe1a85ec53ULL;
  x ^= x >> 33;
  return x;
}
double unit(std::uint64_t key) { return static_cast<double>(mix(key) >> 11) * 0x1p-53 - 0.5; }  // [-0.5, 0.5)

struct Grid {
  static constexpr double kLon0 = 116.0, kLat0 = 39.5, kLonSpan = 1.0, kLatSpan = 0.8;
  std::size_t nx = 0, ny = 0;
  std::string text;
  std::size_t positions = 0;
  std::unique_ptr<Locator> loc;
  double load_seconds = 0;
  std::size_t rss_growth = 0, peak_growth = 0;
};

// A corner of the lattice, jittered by 5% of a cell.
Point corner(const Grid& g, std::size_t i, std::size_t j) {
  const double w = Grid::kLonSpan / static_cast<double>(g.nx), h = Grid::kLatSpan / static_cast<double>(g.ny);
  const std::uint64_t key = (static_cast<std::uint64_t>(i) << 32) | j;
  double jx = (i == 0 || i == g.nx) ? 0 : 0.1 * unit(key * 2), jy = (j == 0 || j == g.ny) ? 0 : 0.1 * unit(key * 2 + 1);
  return {Grid::kLon0 + (static_cast<double>(i) + jx) * w, Grid::kLat0 + (static_cast<double>(j) + jy) * h};
}

// The 7 points inside the side from corner a to corner b (identified by `side`), from a towards b: equal
// steps, each pushed off the straight line by up to 15% of a step. Both cells of a side get the same values.
void side_points(Point a, Point b, std::uint64_t side, bool reverse, std::vector<Point>& out) {
  Point tmp[7];
  const double dx = b.lon - a.lon, dy = b.lat - a.lat;
  for (int k = 1; k <= 7; ++k) {
    double t = k / 8.0, off = 0.3 * unit(side * 8 + static_cast<std::uint64_t>(k)) / 8.0;
    tmp[k - 1] = {a.lon + t * dx - off * dy, a.lat + t * dy + off * dx};
  }
  for (int k = 0; k < 7; ++k) out.push_back(tmp[reverse ? 6 - k : k]);
}

void append_number(std::string& s, double v) {
  char buf[32];
  auto r = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed, 7);
  s.append(buf, r.ptr);
}

void append_ring(std::string& s, const std::vector<Point>& ring) {
  s += '[';
  for (std::size_t k = 0; k < ring.size(); ++k) {
    if (k) s += ',';
    s += '[';
    append_number(s, ring[k].lon);
    s += ',';
    append_number(s, ring[k].lat);
    s += ']';
  }
  s += ']';
}

Grid& grid() {
  static Grid* g = [] {
    auto* gr = new Grid;
    std::size_t cells = 1'000'000;
    if (const char* e = std::getenv("GRIDROUTE_BENCH_GEO_CELLS")) cells = std::strtoull(e, nullptr, 10);
    gr->nx = gr->ny = static_cast<std::size_t>(std::sqrt(static_cast<double>(cells)));
    gr->text.reserve(gr->nx * gr->ny * 900);
    gr->text += "{\"type\": \"FeatureCollection\", \"features\": [\n";
    std::vector<Point> ring, hole;
    const std::uint64_t sides = static_cast<std::uint64_t>(gr->nx + 1) * (gr->ny + 1);
    for (std::size_t j = 0; j < gr->ny; ++j)
      for (std::size_t i = 0; i < gr->nx; ++i) {
        // Counter-clockwise: bottom (west to east), right (south to north), top, left.
        Point c00 = corner(*gr, i, j), c10 = corner(*gr, i + 1, j), c11 = corner(*gr, i + 1, j + 1),
              c01 = corner(*gr, i, j + 1);
        auto hside = [&](std::size_t ii, std::size_t jj) { return static_cast<std::uint64_t>(jj) * (gr->nx + 1) + ii; };
        auto vside = [&](std::size_t ii, std::size_t jj) { return sides + static_cast<std::uint64_t>(jj) * (gr->nx + 1) + ii; };
        ring.clear();
        ring.push_back(c00);
        side_points(c00, c10, hside(i, j), false, ring);
        ring.push_back(c10);
        side_points(c10, c11, vside(i + 1, j), false, ring);
        ring.push_back(c11);
        side_points(c01, c11, hside(i, j + 1), true, ring);
        ring.push_back(c01);
        side_points(c00, c01, vside(i, j), true, ring);
        ring.push_back(c00);
        gr->text += "{\"type\": \"Feature\", \"id\": \"c";
        gr->text += std::to_string(j * gr->nx + i);
        gr->text += "\", \"properties\": {}, \"geometry\": {\"type\": \"Polygon\", \"coordinates\": [";
        append_ring(gr->text, ring);
        gr->positions += ring.size();
        if ((i + j) % 10 == 0) {  // a pond: a clockwise square hole in the middle
          double cx = (c00.lon + c11.lon) / 2, cy = (c00.lat + c11.lat) / 2;
          double hw = 0.15 * Grid::kLonSpan / static_cast<double>(gr->nx), hh = 0.15 * Grid::kLatSpan / static_cast<double>(gr->ny);
          hole = {{cx - hw, cy - hh}, {cx - hw, cy + hh}, {cx + hw, cy + hh}, {cx + hw, cy - hh}, {cx - hw, cy - hh}};
          gr->text += ',';
          append_ring(gr->text, hole);
          gr->positions += hole.size();
        }
        gr->text += "]}}";
        gr->text += (j + 1 == gr->ny && i + 1 == gr->nx) ? "\n" : ",\n";
      }
    gr->text += "]}\n";
    gr->text.shrink_to_fit();
    if (const char* path = std::getenv("GRIDROUTE_BENCH_GEO_SAVE")) std::ofstream(path, std::ios::binary) << gr->text;
    return gr;
  }();
  return *g;
}

// Cell ids are "c<number>": the number is the cell.
std::int32_t grid_cell(std::string_view id) {
  std::int32_t n = -1;
  if (id.size() < 2 || id[0] != 'c') return -1;
  auto r = std::from_chars(id.data() + 1, id.data() + id.size(), n);
  return r.ec == std::errc() && r.ptr == id.data() + id.size() ? n : -1;
}

void load_grid(Grid& g) {
  gridroute::geo::CellsSource src{g.text, "grid.geojson", std::nullopt};
  std::vector<gridroute::Diagnostic> diags;
  const std::size_t before = rss();
  reset_peak();
  auto t0 = std::chrono::steady_clock::now();
  auto loaded = Locator::load(src, grid_cell, &diags);
  g.load_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (!loaded.ok()) {
    for (auto& d : diags) std::fprintf(stderr, "%s\n", d.to_string().c_str());
    std::exit(1);
  }
  g.loc = std::make_unique<Locator>(std::move(*loaded));
  g.rss_growth = rss() - before;
  g.peak_growth = peak() - before;
}

void BM_GeoLoadGrid(benchmark::State& state) {
  Grid& g = grid();
  for (auto _ : state) {
    g.loc.reset();
    load_grid(g);
  }
  state.counters["cells"] = static_cast<double>(g.nx * g.ny);
  state.counters["positions"] = static_cast<double>(g.positions);
  state.counters["text_MB"] = static_cast<double>(g.text.size()) / 1e6;
  state.counters["load_index_s"] = g.load_seconds;
  state.counters["index_MB"] = static_cast<double>(g.loc->bytes()) / 1e6;
  state.counters["rss_growth_MB"] = static_cast<double>(g.rss_growth) / 1e6;
  state.counters["peak_growth_MB"] = static_cast<double>(g.peak_growth) / 1e6;
  state.counters["MB_per_s"] = static_cast<double>(g.text.size()) / 1e6 / g.load_seconds;
}
BENCHMARK(BM_GeoLoadGrid)->Iterations(1)->Unit(benchmark::kSecond)->UseRealTime();

const std::vector<Point>& uniform_grid_points() {
  static const std::vector<Point> pts = [] {
    std::mt19937_64 rng(2);
    std::vector<Point> v(1 << 20);
    for (auto& p : v)  // a margin of 0.5% outside the grid
      p = {std::uniform_real_distribution<double>(Grid::kLon0 - 0.005, Grid::kLon0 + Grid::kLonSpan + 0.005)(rng),
           std::uniform_real_distribution<double>(Grid::kLat0 - 0.004, Grid::kLat0 + Grid::kLatSpan + 0.004)(rng)};
    return v;
  }();
  return pts;
}

void BM_GeoLocateGrid(benchmark::State& state) {
  Grid& g = grid();
  if (!g.loc) load_grid(g);
  run_lookups(state, *g.loc, uniform_grid_points(), static_cast<double>(state.range(0)));
}
BENCHMARK(BM_GeoLocateGrid)->ArgName("snap_m")->Arg(0)->Arg(30)->ThreadRange(1, 2)->UseRealTime();

void BM_GeoLocateGridMany(benchmark::State& state) {
  Grid& g = grid();
  if (!g.loc) load_grid(g);
  const std::vector<Point>& pts = uniform_grid_points();  // a power of two long
  constexpr std::size_t kGroup = 32;
  std::int32_t cells[kGroup];
  std::size_t i = static_cast<std::size_t>(state.thread_index()) * 7936 % pts.size(), found = 0;
  for (auto _ : state) {
    g.loc->locate_many(std::span<const Point>(pts.data() + i, kGroup), static_cast<double>(state.range(0)), cells);
    for (std::int32_t c : cells) found += c >= 0;
    i = (i + kGroup) & (pts.size() - 1);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * kGroup));
  state.counters["found_pct"] =
      benchmark::Counter(100.0 * static_cast<double>(found) / static_cast<double>(state.iterations() * kGroup),
                         benchmark::Counter::kAvgThreads);
}
BENCHMARK(BM_GeoLocateGridMany)->ArgName("snap_m")->Arg(0)->Arg(30)->ThreadRange(1, 2)->UseRealTime();

// Points as service requests fall: each in a cell drawn with a log-normal weight (sigma 1.7, independent
// per cell), 20-35% of a cell from its middle on each axis — benchmarks/geo_layer.py's located-skewed
// lines. With that sigma, 37k points over 180k cells repeat cells as the 37,128 MyLA311 requests repeat
// 85 m squares of Los Angeles. Run next to BM_GeoLocateGrid: the same grid, uniform versus clustered.
void BM_GeoLocateGridSkewed(benchmark::State& state) {
  Grid& g = grid();
  if (!g.loc) load_grid(g);
  static const std::vector<Point> pts = [&] {
    std::mt19937_64 rng(3);
    std::lognormal_distribution<double> weight(0, 1.7);
    std::vector<double> cum(g.nx * g.ny);
    double total = 0;
    for (double& c : cum) c = total += weight(rng);
    const double w = Grid::kLonSpan / static_cast<double>(g.nx), h = Grid::kLatSpan / static_cast<double>(g.ny);
    std::uniform_real_distribution<double> u01(0, 1), off(0.20, 0.35);
    std::vector<Point> v(1 << 20);
    for (auto& p : v) {
      auto c = static_cast<std::size_t>(std::lower_bound(cum.begin(), cum.end(), u01(rng) * total) - cum.begin());
      c = std::min(c, cum.size() - 1);
      const double dx = off(rng) * (u01(rng) < 0.5 ? -1 : 1), dy = off(rng) * (u01(rng) < 0.5 ? -1 : 1);
      p = {Grid::kLon0 + (static_cast<double>(c % g.nx) + 0.5 + dx) * w,
           Grid::kLat0 + (static_cast<double>(c / g.nx) + 0.5 + dy) * h};
    }
    return v;
  }();
  run_lookups(state, *g.loc, pts, static_cast<double>(state.range(0)));
}
BENCHMARK(BM_GeoLocateGridSkewed)->ArgName("snap_m")->Arg(0)->ThreadRange(1, 2)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
