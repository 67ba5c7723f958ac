// Lint of cells_geojson (SPEC §7, `gridroute check`): cells without a polygon, and polygons of different
// cells whose interiors intersect (a location there goes to the first in file order, which is rarely
// what the author meant).
//
// Overlaps: the R-tree gives the pairs whose boxes meet with a positive area (boxes that only touch, as
// neighbours sharing an edge along a parallel or meridian do, cannot hold overlapping interiors). Each
// such pair is decided with a witness the exact predicates of the lookup confirm: a vertex of one polygon
// strictly inside the other, or else, where Boost.Geometry's relate ("T********": the interiors
// intersect, on copies oriented as Boost expects) says they meet, a point of the intersection it
// computes that lies strictly inside both. Relate alone is floating point: two neighbours that share a
// vertex written with latitudes 1e-14 degrees apart (as real layers have) were called overlapping when
// they leave a gap, and not overlapping when they overlap by as little. The check stops after a budget
// (boxes looked at, and positions of the pairs tested), so its cost is bounded whatever the file.
#include <algorithm>
#include <iterator>
#include <limits>
#include <optional>

#include <boost/geometry/algorithms/correct.hpp>
#include <boost/geometry/algorithms/intersection.hpp>
#include <boost/geometry/algorithms/point_on_surface.hpp>
#include <boost/geometry/algorithms/relate.hpp>
#include <boost/geometry/geometries/polygon.hpp>

#include "geo/polygons.hpp"
#include "base/json_text.hpp"
#include "base/strings.hpp"
#include "base/text.hpp"

namespace gridroute::geo {

namespace bg = boost::geometry;
namespace bgi = boost::geometry::index;
using detail::Pt;
using gridroute::detail::cat;

namespace {

// Finds a proper self-crossing of a closed ring of n positions (edge i: v[i] -> v[i + 1]); returns
// {i, j} or {-1, -1}. Edges are swept by their lowest latitude; a pair is tested exactly when the
// latitude and longitude ranges meet. `budget` caps the pairs looked at (a comb of long edges would
// otherwise cost the square of its size); `checked` is false when it ran out.
struct SweepEdge {
  double y0, y1, x0, x1;
};
struct SweepScratch {
  std::vector<SweepEdge> edges;
  std::vector<std::pair<double, std::uint32_t>> order;  // (lowest latitude, edge)
  std::vector<std::uint32_t> active;
};
std::pair<long, long> find_self_crossing(const detail::Pt* v, std::size_t n, std::size_t budget, bool& checked,
                                         SweepScratch& w) {
  checked = true;
  const std::size_t edges = n - 1;
  w.edges.resize(edges);
  w.order.resize(edges);
  for (std::size_t i = 0; i < edges; ++i) {
    w.edges[i] = {std::min(v[i].y, v[i + 1].y), std::max(v[i].y, v[i + 1].y), std::min(v[i].x, v[i + 1].x),
                  std::max(v[i].x, v[i + 1].x)};
    w.order[i] = {w.edges[i].y0, static_cast<std::uint32_t>(i)};
  }
  std::sort(w.order.begin(), w.order.end());
  w.active.clear();
  std::size_t tests = 0;
  for (const auto& [y0, ei] : w.order) {
    const SweepEdge& e = w.edges[ei];
    std::size_t kept = 0;
    if ((tests += w.active.size()) > budget) {
      checked = false;
      return {-1, -1};
    }
    for (std::uint32_t fi : w.active) {
      const SweepEdge& f = w.edges[fi];
      if (f.y1 < y0) continue;  // ended below: drop it
      w.active[kept++] = fi;
      if (f.x1 < e.x0 || e.x1 < f.x0) continue;
      // Neighbouring edges share a vertex, so they cannot cross properly.
      const std::uint32_t lo = std::min(ei, fi), hi = std::max(ei, fi);
      if (hi - lo == 1 || (lo == 0 && hi + 1 == edges)) continue;
      if (detail::properly_cross(v[ei], v[ei + 1], v[fi], v[fi + 1])) return {lo, hi};
    }
    w.active.resize(kept);
    w.active.push_back(ei);
  }
  return {-1, -1};
}


using Polygon = bg::model::polygon<Pt, false, true>;  // counter-clockwise exterior, closed rings
constexpr std::uint32_t kNoPart = std::numeric_limits<std::uint32_t>::max();

Polygon to_polygon(const Locator::Impl& m, std::uint32_t part) {
  Polygon poly;
  for (std::uint32_t r = m.parts[part].first_ring; r < m.parts[part + 1].first_ring; ++r) {
    auto first = m.pts.begin() + m.rings[r].begin, last = m.pts.begin() + m.rings[r + 1].begin;
    if (r == m.parts[part].first_ring) {
      poly.outer().assign(first, last);
    } else {
      poly.inners().emplace_back(first, last);
    }
  }
  bg::correct(poly);
  return poly;
}

using Where = Locator::Impl::Where;

// Exactly: p is in the part's interior (inside its exterior ring, outside its holes, on none of its rings).
bool strictly_inside(const Locator::Impl& m, std::uint32_t part, Pt p) {
  const std::uint32_t r0 = m.parts[part].first_ring, r1 = m.parts[part + 1].first_ring;
  if (m.ring_where(r0, p) != Where::inside) return false;
  for (std::uint32_t r = r0 + 1; r < r1; ++r)
    if (m.ring_where(r, p) != Where::outside) return false;
  return true;
}

// A vertex of part `a` (any ring) strictly inside part `b`: their interiors meet.
bool vertex_inside(const Locator::Impl& m, std::uint32_t a, std::uint32_t b) {
  const detail::Box box = m.part_box(b);
  for (std::uint32_t i = m.rings[m.parts[a].first_ring].begin; i < m.rings[m.parts[a + 1].first_ring].begin; ++i) {
    const Pt v = m.pts[i];
    if (v.x < box.min_corner().x || v.x > box.max_corner().x || v.y < box.min_corner().y || v.y > box.max_corner().y)
      continue;
    if (strictly_inside(m, b, v)) return true;
  }
  return false;
}

// Whether the interiors of parts p and q (of different cells) intersect, with a witness the exact
// predicates confirm (see the top of this file). `a` is p's polygon, made once for all its pairs.
bool interiors_meet(const Locator::Impl& m, std::uint32_t p, std::uint32_t q, std::optional<Polygon>& a) {
  if (vertex_inside(m, p, q) || vertex_inside(m, q, p)) return true;
  if (!a) a = to_polygon(m, p);
  const Polygon b = to_polygon(m, q);
  if (!bg::relate(*a, b, bg::de9im::mask("T********"))) return false;
  // Identical polygons, or crossings without a vertex inside: a point of each piece of the intersection.
  std::vector<Polygon> pieces;
  bg::intersection(*a, b, pieces);
  for (const Polygon& piece : pieces) {
    Pt w;
    bg::point_on_surface(piece, w);
    if (strictly_inside(m, p, w) && strictly_inside(m, q, w)) return true;
  }
  return false;
}

std::string json_quoted(const std::string& s) {
  boost::json::value v(boost::json::string_view(s.data(), s.size()));
  return gridroute::detail::brief(v);
}

Diagnostic warning(const std::string& file, const detail::FeatureInfo* f, std::string pointer, std::string message) {
  Diagnostic d;
  d.severity = Diagnostic::Severity::warning;
  d.file = file;
  if (f) {
    d.line = f->line;
    d.column = f->column;
  }
  d.pointer = std::move(pointer);
  d.message = gridroute::detail::bounded_message(std::move(message));
  return d;
}

}  // namespace

std::vector<Diagnostic> Locator::lint(std::span<const std::int32_t> cells, CellName name,
                                      const GeoLintOptions& options) const {
  const Impl& m = *impl_;
  std::vector<Diagnostic> out;

  // ---- cells without a polygon
  // A cell whose Feature has no rings ("geometry": null, or empty coordinates) is placed at that Feature;
  // one with no Feature, at the file.
  std::vector<std::pair<std::int32_t, const detail::FeatureInfo*>> null_geometry;
  for (const detail::FeatureInfo& f : m.features)
    if (f.cell != kOutside && !has_polygon(f.cell)) null_geometry.emplace_back(f.cell, &f);
  std::sort(null_geometry.begin(), null_geometry.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  std::size_t missing = 0;
  for (std::int32_t c : cells) {
    if (has_polygon(c)) continue;
    if (missing++ >= options.max_findings_per_kind) continue;
    auto it = std::lower_bound(null_geometry.begin(), null_geometry.end(), c,
                               [](const auto& e, std::int32_t cell) { return e.first < cell; });
    if (it != null_geometry.end() && it->first == c)
      out.push_back(warning(m.label, it->second, cat("/features/", it->second->index),
                            cat("cell ", json_quoted(name(c)), " has no polygon: no location can find it")));
    else
      out.push_back(warning(m.label, nullptr, "",
                            cat("cell ", json_quoted(name(c)), " has no polygon: no location can find it")));
  }
  if (missing > options.max_findings_per_kind)
    out.push_back(warning(m.label, nullptr, "",
                          cat(missing - options.max_findings_per_kind, " more cells without a polygon not listed")));

  // ---- rings that cross themselves
  // Accepted (SPEC §7 does not refuse them): a location is inside where a ray from it crosses the ring
  // an odd number of times, so both lobes of a bow tie are inside. Warned about, since a layer's author
  // rarely means one. Checked within a budget of edge pairs per ring, as the overlaps below.
  {
    SweepScratch scratch;
    std::size_t crossing = 0, unchecked = 0;
    const detail::FeatureInfo* first_unchecked = nullptr;
    std::uint32_t first_unchecked_ring = 0, first_unchecked_part = 0;
    // The part's place in its Feature's geometry (the parts of a Feature are side by side): a Polygon's
    // rings, or the part's polygon of a MultiPolygon; counted as the parts go, not by walking back over
    // the Feature's earlier parts at each (a MultiPolygon of many parts cost their square).
    std::uint32_t polygon = 0;
    for (std::uint32_t p = 0; p < m.part_count(); ++p) {
      const detail::FeatureInfo& f = m.features[m.part_feature[p]];
      polygon = p > 0 && m.part_feature[p - 1] == m.part_feature[p] ? polygon + 1 : 0;
      for (std::uint32_t r = m.parts[p].first_ring; r < m.parts[p + 1].first_ring; ++r) {
        const std::uint32_t n = m.rings[r + 1].begin - m.rings[r].begin;
        if (n < 4) continue;
        bool checked = true;
        const auto [i, j] = find_self_crossing(m.pts.data() + m.rings[r].begin, n, 64 * static_cast<std::size_t>(n) + 4096,
                                               checked, scratch);
        if (!checked && unchecked++ == 0) {
          first_unchecked = &f;
          first_unchecked_ring = r - m.parts[p].first_ring;
          first_unchecked_part = p;
        }
        if (i < 0 || crossing++ >= options.max_findings_per_kind) continue;
        const std::uint32_t ring = r - m.parts[p].first_ring;
        out.push_back(warning(m.label, &f, cat("/features/", f.index, "/geometry"),
                              cat("ring ", ring, polygon > 0 || (p + 1 < m.part_count() && m.part_feature[p + 1] == m.part_feature[p])
                                                     ? cat(" of polygon ", polygon) : std::string(),
                                  " of cell ", json_quoted(name(m.parts[p].cell)), " crosses itself: its edge from position ", i,
                                  " to ", i + 1, " crosses the edge from position ", j, " to ", j + 1,
                                  "; a location is inside where a ray from it crosses the ring an odd number of times")));
      }
    }
    if (crossing > options.max_findings_per_kind)
      out.push_back(warning(m.label, nullptr, "",
                            cat(crossing - options.max_findings_per_kind, " more rings that cross themselves not listed")));
    // A ring whose edges overlap in latitude too much to be compared within the budget (64 pairs a
    // position) is said to be unchecked, at the first of them, rather than passed over in silence.
    if (unchecked > 0) {
      Diagnostic d = warning(m.label, first_unchecked, cat("/features/", first_unchecked->index, "/geometry"),
                             cat(unchecked == 1 ? "1 ring" : cat(unchecked, " rings"),
                                 " not checked for crossing itself (its edges overlap in latitude past the lint budget "
                                 "of 64 edge pairs a position); the first: ring ", first_unchecked_ring, " of cell ",
                                 json_quoted(name(m.parts[first_unchecked_part].cell))));
      d.severity = Diagnostic::Severity::note;
      out.push_back(std::move(d));
    }
  }

  // ---- polygons of different cells that overlap
  // The budget counts the boxes looked at and the positions of the pairs tested exactly; when it runs out
  // the check stops (boxes that all overlap, as nested rings do, would otherwise cost the square).
  std::size_t found = 0, budget_used = 0;
  std::uint32_t stopped_at = kNoPart;
  auto positions = [&](std::uint32_t part) {
    return static_cast<std::size_t>(m.rings[m.parts[part + 1].first_ring].begin - m.rings[m.parts[part].first_ring].begin);
  };
  std::vector<std::uint32_t> hits;
  for (std::uint32_t p = 0; p < m.part_count() && stopped_at == kNoPart; ++p) {
    const detail::Box box = m.part_box(p);
    hits.clear();
    for (auto it = m.rtree.qbegin(bgi::intersects(box)); it != m.rtree.qend(); ++it) {
      if (++budget_used > options.overlap_budget_positions) {
        stopped_at = p;
        break;
      }
      if (it->second > p) hits.push_back(it->second);
    }
    if (stopped_at != kNoPart) break;
    std::sort(hits.begin(), hits.end());
    std::optional<Polygon> a;
    for (std::uint32_t q : hits) {
      if (m.parts[q].cell == m.parts[p].cell) continue;
      const detail::Box other = m.part_box(q);
      // The boxes must share an area, not only an edge.
      if (!(std::min(box.max_corner().x, other.max_corner().x) > std::max(box.min_corner().x, other.min_corner().x) &&
            std::min(box.max_corner().y, other.max_corner().y) > std::max(box.min_corner().y, other.min_corner().y)))
        continue;
      // A pair tested exactly costs its positions and, whatever their number, the test's own setting up
      // (Boost.Geometry's relate, some 10 µs on two small squares): counted as kExactPairCost positions, so
      // that thousands of small polygons stacked over each other stop within seconds, not a minute.
      constexpr std::size_t kExactPairCost = 256;
      if ((budget_used += positions(p) + positions(q) + kExactPairCost) > options.overlap_budget_positions) {
        stopped_at = p;
        break;
      }
      bool overlap = false;
      try {
        overlap = interiors_meet(m, p, q, a);
      } catch (const std::exception&) {
        continue;  // Boost.Geometry refused the input (a degenerate ring): no finding
      }
      if (!overlap || found++ >= options.max_findings_per_kind) continue;
      const detail::FeatureInfo& fp = m.features[m.part_feature[p]];
      const detail::FeatureInfo& fq = m.features[m.part_feature[q]];
      const std::string first = name(m.parts[p].cell);
      out.push_back(warning(m.label, &fq, cat("/features/", fq.index),
                            cat("the polygon of cell ", json_quoted(name(m.parts[q].cell)), " overlaps that of cell ",
                                json_quoted(first), " (/features/", fp.index, "); a location in both goes to ",
                                json_quoted(first), ", the first in the file")));
    }
  }
  if (found > options.max_findings_per_kind)
    out.push_back(warning(m.label, nullptr, "",
                          cat(found - options.max_findings_per_kind, " more overlapping polygons not listed")));
  if (stopped_at != kNoPart) {
    const detail::FeatureInfo& f = m.features[m.part_feature[stopped_at]];
    out.push_back(warning(m.label, &f, cat("/features/", f.index),
                          cat("overlaps checked only up to this Feature: the check's budget of ",
                              options.overlap_budget_positions, " (GeoLintOptions::overlap_budget_positions) ran out")));
  }
  return out;
}

}  // namespace gridroute::geo
