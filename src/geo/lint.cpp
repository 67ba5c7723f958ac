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

namespace gridroute::geo {

namespace bg = boost::geometry;
namespace bgi = boost::geometry::index;
using detail::Pt;
using gridroute::detail::cat;

namespace {

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
  d.message = std::move(message);
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
      if ((budget_used += positions(p) + positions(q)) > options.overlap_budget_positions) {
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
