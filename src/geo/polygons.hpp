// Internal: how a Locator holds its polygons — flat arrays with offsets, a packed R-tree over the boxes
// of the polygons, and strip indexes for long rings.
//
// Every Polygon (each part of a MultiPolygon counts as one) is a "part". Parts are numbered in file order,
// so the smallest part number that holds a point belongs to the first Feature in file order that does.
//   pts    every ring's positions, the closing position included (so edge i is pts[i], pts[i + 1])
//   rings  ring r is pts[rings[r].begin, rings[r + 1].begin), with its strip index (a last entry closes)
//   parts  part p has rings [parts[p].first_ring, parts[p + 1].first_ring), the first one the exterior,
//          and its cell (a last entry closes)
// What one candidate polygon needs sits together (a part's rings and cell, a ring's bounds and strips), so
// that a lookup touches few cache lines.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <memory>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include <boost/geometry/core/cs.hpp>
#include <boost/geometry/geometries/box.hpp>
#include <boost/geometry/geometries/point.hpp>
#include <boost/geometry/geometries/register/point.hpp>
#include <boost/geometry/algorithms/distance.hpp>
#include <boost/geometry/index/rtree.hpp>
#include <boost/geometry/index/detail/rtree/utilities/view.hpp>
#include <boost/geometry/strategies/strategies.hpp>

#include "absl/container/flat_hash_map.h"
#include "absl/container/inlined_vector.h"
#include "geo/exact.hpp"
#include "geo/locator.hpp"
#include "geo/memory.hpp"
#include "geo/point_array.hpp"

BOOST_GEOMETRY_REGISTER_POINT_2D(gridroute::geo::detail::Pt, double, boost::geometry::cs::cartesian, x, y)

namespace gridroute::geo::detail {

using Box = boost::geometry::model::box<Pt>;
// The R-tree holds each part's box in single precision, rounded outwards (IndexBox): it only picks the
// candidates, which the exact tests then decide, so a box a float's step too large costs at most a
// candidate more, and the tree's nodes take half the cache lines (a lookup on a large layer is bound by
// the lines it must bring in).
using IndexBox = boost::geometry::model::box<boost::geometry::model::point<float, 2, boost::geometry::cs::cartesian>>;
using BoxValue = std::pair<IndexBox, std::uint32_t>;  // a part's box and the part's number
IndexBox index_box(const Box& b);

using RTree = boost::geometry::index::rtree<BoxValue, boost::geometry::index::linear<16>,
                                            boost::geometry::index::indexable<BoxValue>,
                                            boost::geometry::index::equal_to<BoxValue>, ArenaAllocator<BoxValue>>;

inline constexpr std::uint32_t kNoStrips = std::numeric_limits<std::uint32_t>::max();
// Rings with at least this many edges get a strip index (shorter ones are scanned whole).
inline constexpr std::size_t kStripMinEdges = 64;
// Parts with at least this many holes get an R-tree over their holes' boxes (a lookup tests the holes
// whose boxes hold the point); parts with fewer test each hole.
inline constexpr std::size_t kHoleTreeMinHoles = 16;

// Horizontal strips of equal height over a ring's latitude range; each lists the ring's edges whose
// latitude range meets it. strip(y) is monotone in y, so an edge whose closed range holds y is listed
// in strip(y).
struct Strips {
  double y0 = 0;     // the ring's lowest latitude
  double y1 = 0;     // the ring's highest latitude
  double scale = 0;  // strips per degree
  std::uint32_t count = 0;
  std::uint32_t first = 0;  // strip s lists strip_edges[strip_offsets[first + s], strip_offsets[first + s + 1])
  std::uint32_t strip(double y) const {
    double s = (y - y0) * scale;
    if (!(s > 0)) return 0;
    if (s >= static_cast<double>(count - 1)) return count - 1;
    return static_cast<std::uint32_t>(s);
  }
};

struct PartInfo {
  std::uint32_t first_ring = 0;
  std::int32_t cell = kOutside;
};

struct RingInfo {
  std::uint32_t begin = 0;
  std::uint32_t strips = kNoStrips;
};

// Where a Feature was, for messages.
struct FeatureInfo {
  std::int32_t cell = kOutside;
  std::uint32_t index = 0;  // position in /features
  std::int32_t line = 0;    // of the Feature's '{' (0: unknown)
  std::int32_t column = 0;
};

}  // namespace gridroute::geo::detail

namespace gridroute::geo {

// What a compiled bundle file stores of a Locator (Locator::stored, Locator::from_stored): the arrays
// above, each with its closing entry. The strips of `rings` are not used (built again with the R-tree).
struct StoredPolygons {
  std::span<const detail::Pt> points;
  std::span<const detail::RingInfo> rings;
  std::span<const detail::PartInfo> parts;
  std::span<const std::uint32_t> part_feature;
  std::span<const detail::FeatureInfo> features;
};

struct Locator::Impl {
  using Pt = detail::Pt;

  std::string label;
  std::shared_ptr<const void> owner;  // what `pts` lies in when borrowed (a compiled file's mapping)
  detail::PointArray pts;
  detail::HugeVector<detail::RingInfo> rings;
  detail::HugeVector<detail::PartInfo> parts;
  std::vector<std::uint32_t> part_feature;  // index into features
  std::vector<detail::FeatureInfo> features;
  std::vector<std::int32_t> cells_with_polygon;  // sorted

  std::vector<detail::Strips> strips;
  detail::HugeVector<std::uint32_t> strip_offsets;
  detail::HugeVector<std::uint32_t> strip_edges;  // edge number within its ring

  // The holes of parts with many (kHoleTreeMinHoles): an R-tree a part over its holes' boxes, each
  // value a hole's number among the part's holes (ring first_ring + 1 + number).
  detail::Arena hole_tree_nodes;  // before the trees: it outlives them
  std::vector<std::unique_ptr<detail::RTree>> hole_trees;
  absl::flat_hash_map<std::uint32_t, std::uint32_t> hole_tree_of_part;  // part -> index into hole_trees

  detail::Arena rtree_nodes;  // before the R-tree: it outlives it
  detail::RTree rtree{boost::geometry::index::linear<16>{}, {}, {}, detail::ArenaAllocator<detail::BoxValue>(&rtree_nodes)};

  Impl() = default;
  Impl(const Impl&) = delete;
  Impl& operator=(const Impl&) = delete;

  // Builds the list of cells with a polygon, the boxes, the R-tree and the strip indexes once
  // pts/rings/parts are filled.
  void build_index();

  std::size_t part_count() const { return parts.empty() ? 0 : parts.size() - 1; }
  detail::Box part_box(std::uint32_t part) const;
  // The box of the positions of rings [first, end).
  detail::Box rings_box(std::uint32_t first, std::uint32_t end) const;

  enum class Where : std::uint8_t { outside, inside, boundary };
  Where ring_where(std::uint32_t ring, Pt p) const;
  // The R-tree over `part`'s holes, or null when its holes are tested each.
  const detail::RTree* hole_tree(std::uint32_t part) const;
  bool part_contains(std::uint32_t part, Pt p) const;
  // The squared distance, on the plane tangent at p (kx, ky: metres per degree), from p to the part's
  // boundary: exact when it is within `meters`, else some value beyond `meters`.
  double part_distance2(std::uint32_t part, Pt p, double kx, double ky, double meters) const;
  std::int32_t locate(Pt p, double snap_meters) const;
  // locate() of n points, a stage at a time over groups of kLocateGroup.
  void locate_many(const Pt* p, std::size_t n, double snap_meters, std::int32_t* cells) const;
  static constexpr std::size_t kLocateGroup = 32;
  Locator::Explained explain(Pt p, double snap_meters) const;

 private:
  using Candidates = absl::InlinedVector<std::uint32_t, 4>;
  // The parts whose boxes hold p, in file order.
  void candidates(Pt p, Candidates& out) const;
  // The same for m <= kLocateGroup points, the R-tree descended a level at a time for all of them.
  void candidates_group(const Pt* p, std::size_t m, Candidates* out) const;
  // The cell of the first candidate that holds p, else the snapped cell (or kOutside).
  std::int32_t decide(Pt p, Candidates& cand, double snap_meters) const;
  // The parts whose boxes come within `meters` of p on the plane tangent at p (kx, ky: metres per degree
  // there), in file order.
  void parts_near(Pt p, double meters, double& kx, double& ky, Candidates& out) const;
};

}  // namespace gridroute::geo
