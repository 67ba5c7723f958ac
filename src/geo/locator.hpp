// Internal: locations (SPEC §7) — cell polygons from a GeoJSON FeatureCollection, and the cell that holds
// a point.
//
//   // Load: the text of cells.geojson, how diagnostics name it, and which ids are cells.
//   std::vector<gridroute::Diagnostic> diags;
//   gridroute::geo::CellsSource src{text, "lianshi/cells.geojson", std::nullopt};
//   auto loc = gridroute::geo::Locator::load(src, [&](std::string_view id) -> std::int32_t {
//     auto it = cell_number.find(id);          // the caller decides what a cell is
//     return it == cell_number.end() ? -1 : it->second;
//   }, &diags);
//   if (!loc.ok()) { /* diags holds every error as FILE:LINE:COLUMN: /pointer: message */ }
//
//   // Locate: read the issue's "location", then find its cell (snap_meters from jurisdiction.json).
//   auto p = gridroute::geo::read_location_text(R"([120.4326171875, 30.7109375])");
//   if (!p.ok()) { /* reject the line with p.status().message() */ }
//   std::int32_t cell = loc->locate(*p, 30.0);
//   if (cell == gridroute::geo::kOutside) { /* reject the line with gridroute::geo::kOutsideMessage */ }
//
//   // Lint (gridroute check): cells without a polygon, polygons of different cells that overlap.
//   auto warnings = loc->lint(all_cell_numbers, [&](std::int32_t c) { return cell_id_of(c); });
//
// A Locator is immutable once loaded; copies share it, and `locate` may be called from any number of
// threads at once. A moved-from Locator may only be assigned to or destroyed.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/value.hpp>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "gridroute/bundle.hpp"

namespace gridroute::geo {

// `locate` found no cell; the line is then rejected with kOutsideMessage.
inline constexpr std::int32_t kOutside = -1;

struct StoredPolygons;  // polygons.hpp
inline constexpr const char* kOutsideMessage = "location outside every cell";

// A WGS 84 position: longitude, latitude, degrees.
struct Point {
  double lon = 0;
  double lat = 0;
};

// ---- Reading an issue's "location" (SPEC §7: exactly two numbers, longitude in [-180, 180], latitude in
// [-90, 90]; anything else rejects the line). The status message is the line's error as decisions write
// it: "field 'location' must be [longitude, latitude], two numbers", "location latitude 120.43 is out of
// range [-90, 90]". A `null` location counts as absent (SPEC §7): the caller checks that first.

// The exact check of a point already read as two doubles (a NaN or an infinity is refused too).
absl::Status check_point(double lon, double lat);

// From the JSON text of the value, e.g. `[120.43, 30.71]`: each number is the binary64 value nearest to
// what is written (Boost.JSON 1.81 may be one unit in the last place off for numbers with many digits).
// Whitespace around the value is allowed.
absl::StatusOr<Point> read_location_text(std::string_view json_text);

// From a parsed Boost.JSON value. Integers are exact; for a double, Boost.JSON's own conversion is used,
// which can differ from the nearest binary64 in the last bit: prefer read_location_text where the text
// is at hand.
absl::StatusOr<Point> read_location(const boost::json::value& v);

// ---- Loading cells_geojson.

struct CellsSource {
  std::string_view text;                   // the whole file (a leading UTF-8 byte order mark is skipped)
  std::string label;                       // names the file in diagnostics, e.g. "lianshi/cells.geojson"
  std::optional<std::string> id_property;  // cells_geojson {"id_property": P}: the id is properties[P]
};

// The file read by chunks rather than given whole (CellsSource::text is then unused), so that its whole
// text is never held: `read` fills up to `size` bytes of the file, from its start on, and returns how many
// (0 at its end, < 0 when it could not read, which `read` reports itself). Only when the file has an
// error is `whole` asked for its whole text (nullopt when it could not be read), to place the errors
// exactly as for a text given whole.
struct CellsChunks {
  std::function<std::ptrdiff_t(char* buf, std::size_t size)> read;
  std::function<std::optional<std::string_view>()> whole;
};

struct GeoOptions {
  std::size_t max_json_depth = 64;          // nesting of the GeoJSON text (clamped to 1000)
  std::size_t max_features = 20'000'000;    // Features in the collection
  std::size_t max_positions = 500'000'000;  // positions over all rings (clamped to 2^32 - 2)
  std::size_t max_errors = 1000;            // errors kept (the count of the rest is reported)
  // A file read by chunks (CellsChunks) is parsed in chunks of this many bytes (at least 16).
  std::size_t read_chunk_bytes = std::size_t{16} << 20;
};

// Maps a Feature's id to a cell number (>= 0), or returns -1 when the id is not a cell of the
// jurisdiction.
using CellOf = absl::FunctionRef<std::int32_t(std::string_view id)>;
// Names a cell number in messages.
using CellName = absl::FunctionRef<std::string(std::int32_t cell)>;

struct GeoLintOptions {
  std::size_t max_findings_per_kind = 100;
  // The overlap check stops once it has looked at this many boxes plus positions (those of the pairs of
  // polygons of different cells whose boxes overlap, tested exactly, each pair counting 256 more for the
  // test itself); a warning then says where.
  std::size_t overlap_budget_positions = 50'000'000;
};

class Locator {
 public:
  // Parses and checks the file. On any error returns an InvalidArgument status (the count and the first)
  // and appends every error (up to GeoOptions::max_errors) to `diagnostics`, as
  // FILE:LINE:COLUMN: /json/pointer: message.
  static absl::StatusOr<Locator> load(const CellsSource& source, CellOf cell_of,
                                      std::vector<Diagnostic>* diagnostics, const GeoOptions& options = {});
  // The same, the file read by chunks: the peak memory is the index and one chunk (16 MiB). A read error
  // returns an Aborted status without diagnostics.
  static absl::StatusOr<Locator> load(const CellsSource& source, const CellsChunks& chunks, CellOf cell_of,
                                      std::vector<Diagnostic>* diagnostics, const GeoOptions& options = {});

  // The cell of the first Feature, in file order, whose polygon holds `p` (edges and vertices of every ring
  // count as inside; the inside of a hole does not); else, when snap_meters > 0, the cell whose boundary is
  // nearest within snap_meters on the plane tangent at `p` (ties: file order); else kOutside. `p` must pass
  // check_point; snap_meters that is negative or not finite counts as 0.
  std::int32_t locate(Point p, double snap_meters = 0) const;
  // The same for many points: cells[i] = locate(points[i], snap_meters) for i < min of the two sizes.
  // On a large layer this is faster than a call a point: the lookups of a group of points go a stage at a
  // time (the R-tree, then each candidate's polygon record, ring table and positions), so that the cache
  // misses of one point's stage overlap the other points' instead of following each other.
  void locate_many(std::span<const Point> points, double snap_meters, std::span<std::int32_t> cells) const;

  // Why locate() gives its answer (`--explain`): which polygons hold the point, or how far the boundaries
  // are. `cell` is always what locate(p, snap_meters) gives.
  struct Explained {
    enum class How : std::uint8_t { inside, snapped, outside };
    How how = How::outside;
    std::int32_t cell = kOutside;
    // snapped: the distance from the cell's boundary; outside: from the nearest cell's boundary, when one is
    // within kExplainReachMeters (`nearest`), else 0.
    double meters = 0;
    std::int32_t nearest = kOutside;  // outside only
    // outside: the cell of the point with longitude and latitude exchanged, when there is one (the usual
    // mistake of a platform that writes [lat, lon]).
    std::int32_t swapped = kOutside;
    std::vector<std::int32_t> also_inside;  // inside: the later cells, in file order, whose polygons hold it too
    std::vector<std::pair<std::int32_t, double>> others;  // snapped: the other cells within snap_meters, nearest first
  };
  static constexpr double kExplainReachMeters = 100'000;
  Explained explain(Point p, double snap_meters = 0) const;

  // True when the cell was given a polygon (a Feature with a non-empty geometry).
  bool has_polygon(std::int32_t cell) const;

  // Warnings: every cell of `cells` without a polygon, and polygons of different cells whose interiors
  // intersect. Each names the file, the Feature's position and pointer.
  std::vector<Diagnostic> lint(std::span<const std::int32_t> cells, CellName name,
                               const GeoLintOptions& options = {}) const;

  std::size_t feature_count() const;
  std::size_t polygon_count() const;   // Polygons, counting each part of a MultiPolygon
  std::size_t position_count() const;  // positions of all rings, closing ones included
  // Heap bytes held (coordinates, offsets, the R-tree, the strip indexes).
  std::size_t bytes() const;

  // ---- a compiled bundle file (src/store/index_file.cpp) stores the arrays the index is built from
  // (polygons.hpp: StoredPolygons), not the GeoJSON text, so that opening it does not parse again.
  // What to store: views of this Locator's arrays.
  StoredPolygons stored() const;
  // A Locator from stored arrays: every offset, count and coordinate checked (rings closed and of four
  // positions at least, every cell one for which `is_cell` is true), the R-tree and strips built again.
  // The positions, most of the bytes, are read where they lie (a compiled file's memory map, shared by
  // every process that opens the file), kept alive by `owner`; the smaller arrays are copied. An
  // InvalidArgument status says what is wrong.
  using IsCell = absl::FunctionRef<bool(std::int32_t cell)>;
  static absl::StatusOr<Locator> from_stored(std::string label, const StoredPolygons& stored, IsCell is_cell,
                                             std::shared_ptr<const void> owner);

  Locator(const Locator&) = default;
  Locator& operator=(const Locator&) = default;
  Locator(Locator&&) noexcept = default;
  Locator& operator=(Locator&&) noexcept = default;
  ~Locator();

  struct Impl;

 private:
  explicit Locator(std::shared_ptr<const Impl> impl);
  std::shared_ptr<const Impl> impl_;
};

}  // namespace gridroute::geo
