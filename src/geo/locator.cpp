// The point-in-polygon index (SPEC §7): a packed R-tree over the boxes of the polygons, then an exact
// crossing-number test on the candidates in file order; snapping to the nearest boundary on the plane
// tangent at the point when no polygon holds it.
#include <algorithm>
#include <type_traits>
#include <cmath>
#include <iterator>
#include <numbers>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/container/inlined_vector.h"
#include "geo/polygons.hpp"
#include "base/strings.hpp"

namespace gridroute::geo {

namespace bgi = boost::geometry::index;
using detail::Box;
using detail::Pt;

namespace {

// Earth's mean radius (IUGG), as SPEC §7 fixes it.
constexpr double kEarthRadius = 6371008.8;
constexpr double kRadPerDeg = std::numbers::pi / 180.0;

// Collects the part numbers of R-tree hits without copying boxes.
template <class Out>
struct PartSink {
  Out* out;
  using iterator_category = std::output_iterator_tag;
  using value_type = void;
  using difference_type = std::ptrdiff_t;
  using pointer = void;
  using reference = void;
  PartSink& operator=(const detail::BoxValue& v) {
    out->push_back(v.second);
    return *this;
  }
  PartSink& operator*() { return *this; }
  PartSink& operator++() { return *this; }
  PartSink& operator++(int) { return *this; }
};

// The degrees a disc of `meters` spans either side of its centre on the tangent plane, along an axis of
// `k` metres a degree, widened a little against rounding: parts_near's box, and the band of a ring's
// strips that part_distance2 measures.
inline double reach_degrees(double meters, double k) { return meters / k * (1 + 1e-9) + 1e-12; }

// The box of the disc of `meters` around p on the tangent plane (kx, ky: metres per degree there);
// near a pole it spans every longitude.
inline Box reach_box(Pt p, double meters, double kx, double ky) {
  const double dlat = reach_degrees(meters, ky);
  double dlon = kx > 0 ? reach_degrees(meters, kx) : HUGE_VAL;
  if (!(dlon < 720)) dlon = 720;
  return Box(Pt{p.x - dlon, p.y - dlat}, Pt{p.x + dlon, p.y + dlat});
}

}  // namespace

// ---- index

Box Locator::Impl::rings_box(std::uint32_t first, std::uint32_t end) const {
  double x0 = HUGE_VAL, y0 = HUGE_VAL, x1 = -HUGE_VAL, y1 = -HUGE_VAL;
  for (std::uint32_t i = rings[first].begin; i < rings[end].begin; ++i) {
    x0 = std::min(x0, pts[i].x);
    x1 = std::max(x1, pts[i].x);
    y0 = std::min(y0, pts[i].y);
    y1 = std::max(y1, pts[i].y);
  }
  return Box(Pt{x0, y0}, Pt{x1, y1});
}

Box Locator::Impl::part_box(std::uint32_t part) const {
  // The exterior ring bounds the polygon; holes are inside it in a valid polygon, but the box takes every
  // ring so that an odd file (a hole poking out) still finds its boundary.
  return rings_box(parts[part].first_ring, parts[part + 1].first_ring);
}

detail::IndexBox detail::index_box(const Box& b) {
  // Each corner to the float on its outer side: the float box holds the double one.
  auto down = [](double v) {
    float f = static_cast<float>(v);
    return static_cast<double>(f) > v ? std::nextafter(f, -HUGE_VALF) : f;
  };
  auto up = [](double v) {
    float f = static_cast<float>(v);
    return static_cast<double>(f) < v ? std::nextafter(f, HUGE_VALF) : f;
  };
  using FP = boost::geometry::model::point<float, 2, boost::geometry::cs::cartesian>;
  return IndexBox(FP(down(b.min_corner().x), down(b.min_corner().y)), FP(up(b.max_corner().x), up(b.max_corner().y)));
}

void Locator::Impl::build_index() {
  cells_with_polygon.clear();
  for (std::size_t p = 0; p < part_count(); ++p) cells_with_polygon.push_back(parts[p].cell);
  std::sort(cells_with_polygon.begin(), cells_with_polygon.end());
  cells_with_polygon.erase(std::unique(cells_with_polygon.begin(), cells_with_polygon.end()), cells_with_polygon.end());
  cells_with_polygon.shrink_to_fit();

  std::vector<detail::BoxValue> boxes;
  boxes.reserve(part_count());
  for (std::uint32_t p = 0; p < part_count(); ++p) boxes.emplace_back(detail::index_box(part_box(p)), p);
  detail::RTree packed(boxes.begin(), boxes.end(), bgi::linear<16>{}, bgi::indexable<detail::BoxValue>{},
                       bgi::equal_to<detail::BoxValue>{}, detail::ArenaAllocator<detail::BoxValue>(&rtree_nodes));
  rtree.swap(packed);

  // Strips for long rings: about four edges a strip.
  const std::size_t ring_count = rings.size() - 1;
  strip_offsets.push_back(0);
  for (std::uint32_t r = 0; r < ring_count; ++r) {
    const std::size_t edges = rings[r + 1].begin - rings[r].begin - 1;
    if (edges < detail::kStripMinEdges) continue;
    const Pt* v = pts.data() + rings[r].begin;
    double y0 = HUGE_VAL, y1 = -HUGE_VAL;
    for (std::size_t i = 0; i <= edges; ++i) {
      y0 = std::min(y0, v[i].y);
      y1 = std::max(y1, v[i].y);
    }
    if (!(y1 > y0)) continue;  // a flat ring: scanned whole
    detail::Strips s;
    s.y0 = y0;
    s.y1 = y1;
    s.count = static_cast<std::uint32_t>(std::min<std::size_t>(edges / 4, 1u << 16));
    s.scale = static_cast<double>(s.count) / (y1 - y0);
    s.first = static_cast<std::uint32_t>(strip_offsets.size() - 1);
    // Counting sort of (strip, edge) pairs into the strips. The counts come from a difference array (an
    // edge adds 1 at its first strip and -1 past its last), so a ring of long edges costs its edges plus
    // its strips here; if its edges would be listed more than 8 times over, it gets no strips.
    std::vector<std::int64_t> diff(s.count + 1, 0);
    for (std::size_t i = 0; i < edges; ++i) {
      ++diff[s.strip(std::min(v[i].y, v[i + 1].y))];
      --diff[s.strip(std::max(v[i].y, v[i + 1].y)) + 1];
    }
    std::vector<std::uint64_t> start(s.count + 1, 0);
    std::int64_t open = 0;
    std::uint64_t total = 0;
    for (std::uint32_t k = 0; k < s.count; ++k) {
      open += diff[k];
      start[k] = total;
      total += static_cast<std::uint64_t>(open);
    }
    if (total > 8 * static_cast<std::uint64_t>(edges) ||
        strip_edges.size() + total >= std::numeric_limits<std::uint32_t>::max())
      continue;
    const auto base = static_cast<std::uint32_t>(strip_edges.size());
    for (std::uint32_t k = 0; k < s.count; ++k)  // where strip k ends
      strip_offsets.push_back(base + static_cast<std::uint32_t>(k + 1 < s.count ? start[k + 1] : total));
    strip_edges.resize(base + total);
    for (std::size_t i = 0; i < edges; ++i) {
      std::uint32_t a = s.strip(std::min(v[i].y, v[i + 1].y)), b = s.strip(std::max(v[i].y, v[i + 1].y));
      for (std::uint32_t k = a; k <= b; ++k) strip_edges[base + start[k]++] = static_cast<std::uint32_t>(i);
    }
    rings[r].strips = static_cast<std::uint32_t>(strips.size());
    strips.push_back(s);
  }
  strips.shrink_to_fit();
  strip_offsets.shrink_to_fit();
  strip_edges.shrink_to_fit();

  // An R-tree over the holes of each part with many.
  hole_trees.clear();
  hole_tree_of_part.clear();
  for (std::uint32_t part = 0; part < part_count(); ++part) {
    const std::uint32_t h0 = parts[part].first_ring + 1, h1 = parts[part + 1].first_ring;
    if (h1 <= h0 || h1 - h0 < detail::kHoleTreeMinHoles) continue;
    boxes.clear();
    boxes.reserve(h1 - h0);
    for (std::uint32_t r = h0; r < h1; ++r) boxes.emplace_back(detail::index_box(rings_box(r, r + 1)), r - h0);
    hole_tree_of_part.emplace(part, static_cast<std::uint32_t>(hole_trees.size()));
    hole_trees.push_back(std::make_unique<detail::RTree>(boxes.begin(), boxes.end(), bgi::linear<16>{},
                                                         bgi::indexable<detail::BoxValue>{}, bgi::equal_to<detail::BoxValue>{},
                                                         detail::ArenaAllocator<detail::BoxValue>(&hole_tree_nodes)));
  }
  std::vector<detail::BoxValue>().swap(boxes);
}

const detail::RTree* Locator::Impl::hole_tree(std::uint32_t part) const {
  if (parts[part + 1].first_ring - parts[part].first_ring <= detail::kHoleTreeMinHoles) return nullptr;
  const auto it = hole_tree_of_part.find(part);
  return it == hole_tree_of_part.end() ? nullptr : hole_trees[it->second].get();
}

// ---- containment

Locator::Impl::Where Locator::Impl::ring_where(std::uint32_t ring, Pt p) const {
  const Pt* v = pts.data() + rings[ring].begin;
  bool odd = false;
  // Edge (a, b): on it -> boundary; else counts when it crosses the ray from p towards +x. The half-open
  // rule (a.y > p.y) != (b.y > p.y) counts a vertex on the ray once; horizontal edges never count.
  auto edge = [&](Pt a, Pt b) -> bool {
    if ((a.y > p.y && b.y > p.y) || (a.y < p.y && b.y < p.y)) return false;
    if (a.y == b.y) return (a.x <= p.x && p.x <= b.x) || (b.x <= p.x && p.x <= a.x);
    if (p.x > a.x && p.x > b.x) return false;  // wholly left of p
    const bool straddles = (a.y > p.y) != (b.y > p.y);
    if (p.x < a.x && p.x < b.x) {  // wholly right of p, and p is not on it
      odd ^= straddles;
      return false;
    }
    int o = detail::orient(a, b, p);
    if (o == 0) return true;  // on the line, within the edge's latitude range: on the edge
    if (straddles && ((b.y > a.y) == (o > 0))) odd = !odd;
    return false;
  };
  const std::uint32_t si = rings[ring].strips;
  if (si == detail::kNoStrips) {
    const std::uint32_t edges = rings[ring + 1].begin - rings[ring].begin - 1;
    for (std::uint32_t i = 0; i < edges; ++i)
      if (edge(v[i], v[i + 1])) return Where::boundary;
  } else {
    const detail::Strips& s = strips[si];
    if (p.y < s.y0 || p.y > s.y1) return Where::outside;
    const std::uint32_t k = s.first + s.strip(p.y);
    for (std::uint32_t j = strip_offsets[k]; j < strip_offsets[k + 1]; ++j) {
      const std::uint32_t i = strip_edges[j];
      if (edge(v[i], v[i + 1])) return Where::boundary;
    }
  }
  return odd ? Where::inside : Where::outside;
}

bool Locator::Impl::part_contains(std::uint32_t part, Pt p) const {
  // Inside the exterior and not strictly inside a hole; on any ring's boundary is inside.
  const std::uint32_t r0 = parts[part].first_ring, r1 = parts[part + 1].first_ring;
  Where outer = ring_where(r0, p);
  if (outer == Where::boundary) return true;
  bool in_hole = false;
  auto hole = [&](std::uint32_t r) {
    const Where w = ring_where(r, p);
    in_hole |= w == Where::inside;
    return w == Where::boundary;
  };
  if (const detail::RTree* holes = hole_tree(part)) {
    // Only the holes whose boxes hold the point can hold it or touch it.
    for (auto it = holes->qbegin(bgi::intersects(p)); it != holes->qend(); ++it)
      if (hole(r0 + 1 + it->second)) return true;
  } else {
    for (std::uint32_t r = r0 + 1; r < r1; ++r)
      if (hole(r)) return true;
  }
  return outer == Where::inside && !in_hole;
}

// ---- snapping

double Locator::Impl::part_distance2(std::uint32_t part, Pt p, double kx, double ky, double meters) const {
  double best = HUGE_VAL;
  // Distance from the origin (p) to segment a-b, both on the tangent plane: to a vertex when the foot of
  // the perpendicular falls outside the segment (the same vertex gives the same value from either of its
  // edges).
  auto segment = [](double ax, double ay, double bx, double by) {
    const double dx = bx - ax, dy = by - ay;
    const double t = -(ax * dx + ay * dy);
    const double len2 = dx * dx + dy * dy;
    if (t <= 0) return ax * ax + ay * ay;
    if (t >= len2) return bx * bx + by * by;
    const double cross = ax * by - ay * bx;
    return cross * cross / len2;
  };
  // An edge within `meters` of p meets the band of latitudes that the disc spans (parts_near's box), so
  // a ring with strips has only the edges of the strips over that band measured: a point beside a ring
  // of millions of edges measures hundreds. The band over most of the ring's strips is measured whole.
  const double dlat = reach_degrees(meters, ky);
  auto measure = [&](std::uint32_t r) {
    const Pt* v = pts.data() + rings[r].begin;
    const std::uint32_t n = rings[r + 1].begin - rings[r].begin;
    const std::uint32_t si = rings[r].strips;
    if (si != detail::kNoStrips && std::isfinite(dlat)) {
      const detail::Strips& st = strips[si];
      if (p.y + dlat < st.y0 || p.y - dlat > st.y1) return;  // the whole ring is farther than `meters`
      const std::uint32_t lo = st.strip(p.y - dlat), hi = st.strip(p.y + dlat);
      if (4 * (hi - lo + 1) <= st.count) {
        for (std::uint32_t k = st.first + lo; k <= st.first + hi; ++k)
          for (std::uint32_t j = strip_offsets[k]; j < strip_offsets[k + 1]; ++j) {
            const std::uint32_t i = strip_edges[j];
            best = std::min(best, segment(kx * (v[i].x - p.x), ky * (v[i].y - p.y), kx * (v[i + 1].x - p.x),
                                          ky * (v[i + 1].y - p.y)));
          }
        return;
      }
    }
    double ax = kx * (v[0].x - p.x), ay = ky * (v[0].y - p.y);
    for (std::uint32_t i = 1; i < n; ++i) {
      const double bx = kx * (v[i].x - p.x), by = ky * (v[i].y - p.y);
      best = std::min(best, segment(ax, ay, bx, by));
      ax = bx;
      ay = by;
    }
  };
  const std::uint32_t r0 = parts[part].first_ring, r1 = parts[part + 1].first_ring;
  measure(r0);
  // A part with many holes: only the holes whose boxes meet the disc's box (parts_near's) can come
  // within `meters`.
  if (const detail::RTree* holes = hole_tree(part); holes && std::isfinite(dlat)) {
    const Box around = reach_box(p, meters, kx, ky);
    for (auto it = holes->qbegin(bgi::intersects(around)); it != holes->qend(); ++it) measure(r0 + 1 + it->second);
    return best;
  }
  for (std::uint32_t r = r0 + 1; r < r1; ++r) measure(r);
  return best;
}

namespace {

// The R-tree's own nodes, through Boost.Geometry's view of its internals (index/detail/rtree/utilities):
// a point query a level at a time for a group of points needs the nodes themselves, so that the loads of
// a level's nodes for every point go out before any of them is read.
using TreeView = bgi::detail::rtree::utilities::view<detail::RTree>;
using Members = TreeView::members_holder;
using InternalNode = Members::internal_node;
using LeafNode = Members::leaf;

// Finds the root (the tree's apply_visitor hands it over; an empty tree has none).
struct RootOf : public Members::visitor_const {
  const InternalNode* internal = nullptr;
  const LeafNode* leaf = nullptr;
  void operator()(const InternalNode& n) { internal = &n; }
  void operator()(const LeafNode& n) { leaf = &n; }
};

// A child as the tree keeps it: a pointer to a variant of leaf and internal node, whose kind is read from the
// variant itself.
using NodePointer = InternalNode::elements_type::value_type::second_type;
static_assert(std::is_pointer_v<NodePointer>, "the tree's nodes are reached through plain pointers");
using NodeVariant = std::remove_cv_t<std::remove_pointer_t<NodePointer>>;

// An object's bytes, up to 12 cache lines (a node of 16 entries is about 10).
template <class T>
void prefetch_node(const T* n) {
  const char* a = reinterpret_cast<const char*>(n);
  for (std::size_t at = 0; at < std::min<std::size_t>(sizeof(T), 12 * 64); at += 64) __builtin_prefetch(a + at);
}

// The box holds the point, its boundary included: bgi::intersects(point) on a box.
template <class B>
inline bool holds(const B& b, Pt p) {
  namespace bg = boost::geometry;
  return bg::get<bg::min_corner, 0>(b) <= p.x && p.x <= bg::get<bg::max_corner, 0>(b) &&
         bg::get<bg::min_corner, 1>(b) <= p.y && p.y <= bg::get<bg::max_corner, 1>(b);
}

}  // namespace

void Locator::Impl::candidates_group(const Pt* p, std::size_t m, Candidates* out) const {
  for (std::size_t k = 0; k < m; ++k) out[k].clear();
  TreeView view(rtree);
  RootOf root;
  view.apply_visitor(root);
  if (!root.internal && !root.leaf) return;
  // Each point's nodes of the current level, all points' together: nodes[from[k], from[k + 1]). Below
  // the root they are the children as the tree holds them (variants): a child is prefetched without
  // being read — reading which kind it is would wait for it — and opened a level later.
  absl::InlinedVector<const void*, 2 * kLocateGroup> nodes, next;
  std::uint32_t from[kLocateGroup + 1], next_from[kLocateGroup + 1];
  from[0] = 0;
  for (std::size_t k = 0; k < m; ++k) {
    nodes.push_back(root.internal ? static_cast<const void*>(root.internal) : static_cast<const void*>(root.leaf));
    from[k + 1] = static_cast<std::uint32_t>(nodes.size());
  }
  bool variants = false;  // whether `nodes` are variants (below the root) or the root itself
  auto internal = [&variants](const void* n) -> const InternalNode& {
    if (!variants) return *static_cast<const InternalNode*>(n);
    return bgi::detail::rtree::get<InternalNode>(*const_cast<NodeVariant*>(static_cast<const NodeVariant*>(n)));
  };
  for (std::size_t level = root.internal ? view.depth() : 0; level > 0; --level) {
    next.clear();
    next_from[0] = 0;
    for (std::size_t k = 0; k < m; ++k) {
      for (std::uint32_t j = from[k]; j < from[k + 1]; ++j)
        for (const auto& [box, child] : bgi::detail::rtree::elements(internal(nodes[j]))) {
          if (!holds(box, p[k])) continue;
          prefetch_node(static_cast<const NodeVariant*>(child));
          next.push_back(child);
        }
      next_from[k + 1] = static_cast<std::uint32_t>(next.size());
    }
    nodes.swap(next);
    std::copy_n(next_from, m + 1, from);
    variants = true;
  }
  for (std::size_t k = 0; k < m; ++k) {
    for (std::uint32_t j = from[k]; j < from[k + 1]; ++j) {
      // (Boost.Geometry's get takes a mutable variant; the node is only read.)
      const LeafNode& leaf =
          variants ? bgi::detail::rtree::get<LeafNode>(*const_cast<NodeVariant*>(static_cast<const NodeVariant*>(nodes[j])))
                   : *static_cast<const LeafNode*>(nodes[j]);
      for (const detail::BoxValue& v : bgi::detail::rtree::elements(leaf))
        if (holds(v.first, p[k])) out[k].push_back(v.second);
    }
    if (out[k].size() > 1) std::sort(out[k].begin(), out[k].end());
  }
}

void Locator::Impl::candidates(Pt p, Candidates& out) const {
  PartSink<Candidates> sink{&out};
  rtree.query(bgi::intersects(p), sink);
  if (out.size() > 1) std::sort(out.begin(), out.end());
}

namespace {
constexpr double kTieRelative = 1e-12;
}  // namespace

std::int32_t Locator::Impl::decide(Pt p, Candidates& cand, double snap_meters) const {
  for (std::uint32_t part : cand)
    if (part_contains(part, p)) return parts[part].cell;
  if (!(snap_meters > 0) || !std::isfinite(snap_meters)) return kOutside;

  // The tangent plane at p: x = R cos(phi0) (lon - lon0), y = R (lat - lat0), in radians. The map is
  // affine, so the disc of radius N around p lies in the box below (widened a little against rounding);
  // near a pole the box spans every longitude.
  double kx, ky;
  parts_near(p, snap_meters, kx, ky, cand);
  double best = HUGE_VAL;
  std::int32_t cell = kOutside;
  for (std::uint32_t part : cand) {
    double d2 = part_distance2(part, p, kx, ky, snap_meters);
    // The earlier part (file order) keeps a tie, and a tie is any difference within the rounding of the
    // arithmetic: two edges on one line are at the same distance from a point whose foot lies on both,
    // but their other ends make the last bits of the two values differ. 1e-12 of d2 is 5e-13 of the
    // distance (15 pm at 30 m): above that rounding, even with the cancellation of a long edge, and
    // far below anything a map can tell apart.
    if (d2 < best * (1 - kTieRelative)) {
      best = d2;
      cell = parts[part].cell;
    }
  }
  if (cell != kOutside && std::sqrt(best) <= snap_meters) return cell;
  return kOutside;
}

void Locator::Impl::parts_near(Pt p, double meters, double& kx, double& ky, Candidates& out) const {
  // The tangent plane at p: x = R cos(phi0) (lon - lon0), y = R (lat - lat0), in radians. The map is
  // affine, so the disc of radius N around p lies in the box below (widened a little against rounding);
  // near a pole the box spans every longitude.
  const double cos0 = std::cos(p.y * kRadPerDeg);
  ky = kEarthRadius * kRadPerDeg;
  kx = ky * cos0;
  const Box around = reach_box(p, meters, kx, ky);
  out.clear();
  PartSink<Candidates> sink{&out};
  rtree.query(bgi::intersects(around), sink);
  std::sort(out.begin(), out.end());
}

Locator::Explained Locator::Impl::explain(Pt p, double snap_meters) const {
  using How = Locator::Explained::How;
  Locator::Explained e;
  Candidates cand;
  candidates(p, cand);
  // The cells listed so far, so that each is listed once (a search of the list at each part was the
  // square of the cells stacked over the point, or near it).
  absl::flat_hash_set<std::int32_t> listed;
  for (std::uint32_t part : cand) {
    if (!part_contains(part, p)) continue;
    const std::int32_t cell = parts[part].cell;
    if (e.how != How::inside) {
      e.how = How::inside;
      e.cell = cell;
      listed.insert(cell);
    } else if (listed.insert(cell).second) {
      e.also_inside.push_back(cell);
    }
  }
  if (e.how == How::inside) return e;
  const bool snaps = snap_meters > 0 && std::isfinite(snap_meters);
  e.cell = snaps ? decide(p, cand, snap_meters) : kOutside;  // the answer is locate()'s, ties and all
  // Each cell's nearest boundary within `reach`, in file order of the cells' first parts.
  std::vector<std::pair<std::int32_t, double>> near;
  absl::flat_hash_map<std::int32_t, std::size_t> near_at;  // a cell's place in `near`
  auto measure = [&](double reach) {
    double kx, ky;
    parts_near(p, reach, kx, ky, cand);
    near.clear();
    near_at.clear();
    for (std::uint32_t part : cand) {
      const double d = std::sqrt(part_distance2(part, p, kx, ky, reach));
      if (!(d <= reach)) continue;
      const std::int32_t cell = parts[part].cell;
      const auto [at, added] = near_at.try_emplace(cell, near.size());
      if (added) near.emplace_back(cell, d);
      else near[at->second].second = std::min(near[at->second].second, d);
    }
    std::stable_sort(near.begin(), near.end(), [](const auto& a, const auto& b) { return a.second < b.second; });
  };
  if (e.cell != kOutside) {
    e.how = How::snapped;
    measure(snap_meters);
    for (const auto& [cell, d] : near) {
      if (cell == e.cell) e.meters = d;
      else e.others.emplace_back(cell, d);
    }
    return e;
  }
  // Outside: [lat, lon] instead of [lon, lat]?
  if (std::fabs(p.x) <= 90 && p.x != p.y) e.swapped = locate(Pt{p.y, p.x}, snap_meters);
  // The nearest boundary within kExplainReachMeters: the parts in order of their boxes' distance in
  // degrees (the R-tree's incremental nearest query), each measured on the plane tangent at p, until a
  // box is farther than the best so far could be. On that plane a distance is at least min(kx, ky) times
  // the distance in degrees, so no part after that box can be nearer. (Measuring every part within a
  // reach, as the snapped answer's `others` needs, costs a point beside a dense layer all its cells.)
  const double ky = kEarthRadius * kRadPerDeg, kx = ky * std::cos(p.y * kRadPerDeg);
  const double k_min = std::min(kx, ky);
  // The tree's boxes are floats: it is asked from p rounded to floats, `off` degrees from p, so a box
  // is at least its distance from that point less `off` from p.
  using FP = boost::geometry::model::point<float, 2, boost::geometry::cs::cartesian>;
  const FP pf(static_cast<float>(p.x), static_cast<float>(p.y));
  const double fx = static_cast<double>(pf.get<0>()), fy = static_cast<double>(pf.get<1>());
  const double off = std::hypot(p.x - fx, p.y - fy);
  double best = HUGE_VAL;
  std::uint32_t best_part = 0;
  for (auto it = rtree.qbegin(bgi::nearest(pf, static_cast<unsigned>(part_count()))); it != rtree.qend(); ++it) {
    const auto& lo = it->first.min_corner();
    const auto& hi = it->first.max_corner();
    const double dx = std::max({static_cast<double>(lo.get<0>()) - fx, 0.0, fx - static_cast<double>(hi.get<0>())});
    const double dy = std::max({static_cast<double>(lo.get<1>()) - fy, 0.0, fy - static_cast<double>(hi.get<1>())});
    const double bound = k_min * (std::hypot(dx, dy) - off) * (1 - 1e-9);
    if (bound > std::min(best, Locator::kExplainReachMeters)) break;
    const std::uint32_t part = it->second;
    const double d = std::sqrt(part_distance2(part, p, kx, ky, Locator::kExplainReachMeters));
    // An equal distance goes to the part first in the file.
    if (d <= Locator::kExplainReachMeters && (d < best || (d == best && part < best_part))) {
      best = d;
      best_part = part;
    }
  }
  if (best <= Locator::kExplainReachMeters) {
    e.nearest = parts[best_part].cell;
    e.meters = best;
  }
  return e;
}

std::int32_t Locator::Impl::locate(Pt p, double snap_meters) const {
  Candidates cand;
  candidates(p, cand);
  return decide(p, cand, snap_meters);
}

void Locator::Impl::locate_many(const Pt* p, std::size_t n, double snap_meters, std::int32_t* cells) const {
  Candidates cand[kLocateGroup];
  for (std::size_t base = 0; base < n; base += kLocateGroup) {
    const std::size_t m = std::min(kLocateGroup, n - base);
    // Each stage's loads go out for the whole group before the next stage reads them: the R-tree (the
    // candidates' polygon records prefetched), the records (their ring tables), the ring tables (the
    // exterior rings' positions, or the strip of a long ring), then the exact tests.
    candidates_group(p + base, m, cand);
    for (std::size_t k = 0; k < m; ++k)
      for (std::uint32_t part : cand[k]) __builtin_prefetch(&parts[part]);
    for (std::size_t k = 0; k < m; ++k)
      for (std::uint32_t part : cand[k]) __builtin_prefetch(&rings[parts[part].first_ring]);
    for (std::size_t k = 0; k < m; ++k)
      for (std::uint32_t part : cand[k]) {
        const std::uint32_t r = parts[part].first_ring;
        if (rings[r].strips != detail::kNoStrips) {
          __builtin_prefetch(&strips[rings[r].strips]);
          continue;
        }
        // A short ring is scanned whole: its positions, up to 16 cache lines.
        const char* from = reinterpret_cast<const char*>(pts.data() + rings[r].begin);
        const char* to = reinterpret_cast<const char*>(pts.data() + rings[r + 1].begin);
        to = std::min(to, from + 16 * 64);
        for (const char* a = from; a < to; a += 64) __builtin_prefetch(a);
      }
    for (std::size_t k = 0; k < m; ++k) cells[base + k] = decide(p[base + k], cand[k], snap_meters);
  }
}

// ---- Locator

Locator::Locator(std::shared_ptr<const Impl> impl) : impl_(std::move(impl)) {}
Locator::~Locator() = default;

std::int32_t Locator::locate(Point p, double snap_meters) const {
  return impl_->locate(Pt{p.lon, p.lat}, snap_meters);
}

void Locator::locate_many(std::span<const Point> points, double snap_meters, std::span<std::int32_t> cells) const {
  const std::size_t n = std::min(points.size(), cells.size());
  Pt buf[Impl::kLocateGroup];
  for (std::size_t base = 0; base < n; base += Impl::kLocateGroup) {
    const std::size_t m = std::min(Impl::kLocateGroup, n - base);
    for (std::size_t k = 0; k < m; ++k) buf[k] = Pt{points[base + k].lon, points[base + k].lat};
    impl_->locate_many(buf, m, snap_meters, cells.data() + base);
  }
}

Locator::Explained Locator::explain(Point p, double snap_meters) const {
  return impl_->explain(Pt{p.lon, p.lat}, snap_meters);
}

bool Locator::has_polygon(std::int32_t cell) const {
  return std::binary_search(impl_->cells_with_polygon.begin(), impl_->cells_with_polygon.end(), cell);
}

std::size_t Locator::feature_count() const { return impl_->features.size(); }
std::size_t Locator::polygon_count() const { return impl_->part_count(); }
std::size_t Locator::position_count() const { return impl_->pts.size(); }

std::size_t Locator::bytes() const {
  const Impl& m = *impl_;
  auto vb = [](const auto& v) { return v.capacity() * sizeof(v[0]); };
  return sizeof(Impl) + m.label.capacity() + m.pts.bytes() + vb(m.rings) + vb(m.parts) + vb(m.part_feature) +
         vb(m.features) + vb(m.cells_with_polygon) + vb(m.strips) + vb(m.strip_offsets) + vb(m.strip_edges) +
         m.rtree_nodes.bytes() + m.hole_tree_nodes.bytes() + vb(m.hole_trees) +
         m.hole_tree_of_part.capacity() * sizeof(std::pair<std::uint32_t, std::uint32_t>);
}

}  // namespace gridroute::geo
