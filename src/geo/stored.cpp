// The cell polygons as a compiled bundle file stores them: the Locator's arrays, written as they are and
// checked on open before the index is built again from them, so that opening a file parses no GeoJSON.
//
// A file whose checksum is right was written by a build of this format, but the reader trusts no offset
// it has not checked (the fuzz target fuzz_compiled mutates files with the checksum fixed up): every walk
// of a lookup, the lint and --explain stays inside the arrays, whatever the bytes.
#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>

#include "base/strings.hpp"
#include "geo/polygons.hpp"

namespace gridroute::geo {

StoredPolygons Locator::stored() const {
  const Impl& m = *impl_;
  return StoredPolygons{std::span<const detail::Pt>(m.pts.data(), m.pts.size()),
                        std::span<const detail::RingInfo>(m.rings.data(), m.rings.size()),
                        std::span<const detail::PartInfo>(m.parts.data(), m.parts.size()),
                        std::span<const std::uint32_t>(m.part_feature),
                        std::span<const detail::FeatureInfo>(m.features)};
}

namespace {

using gridroute::detail::cat;

absl::Status refuse(std::string what) { return absl::InvalidArgumentError(cat("the cell polygons: ", what)); }

}  // namespace

absl::StatusOr<Locator> Locator::from_stored(std::string label, const StoredPolygons& s, IsCell is_cell,
                                             std::shared_ptr<const void> owner) {
  // The closing entries: a ring table and a part table of one entry are an empty layer.
  if (s.rings.empty() || s.parts.empty()) return refuse("no closing ring or part entry");
  const std::size_t ring_count = s.rings.size() - 1, part_count = s.parts.size() - 1;
  if (s.points.size() >= std::numeric_limits<std::uint32_t>::max() ||
      s.rings.size() >= std::numeric_limits<std::uint32_t>::max() ||
      s.parts.size() >= std::numeric_limits<std::uint32_t>::max())
    return refuse("more positions, rings or parts than an index holds");
  // Rings: from position 0, never shrinking, ending at the last position, of four positions at least
  // (the point-in-ring test walks edge i from position i to i + 1).
  if (s.rings[0].begin != 0 || s.rings[ring_count].begin != s.points.size())
    return refuse("the rings do not span the positions");
  for (std::size_t r = 0; r < ring_count; ++r) {
    const std::uint32_t b = s.rings[r].begin, e = s.rings[r + 1].begin;
    if (e < b || e > s.points.size()) return refuse(cat("ring ", r, " does not lie within the positions"));
    if (e - b < 4) return refuse(cat("ring ", r, " has fewer than four positions"));
  }
  // Parts: from ring 0, one ring at least each, ending at the last ring; each of a cell and of a Feature
  // of the same cell.
  if (s.parts[0].first_ring != 0 || s.parts[part_count].first_ring != ring_count)
    return refuse("the parts do not span the rings");
  if (s.part_feature.size() != part_count) return refuse("not one Feature a part");
  for (std::size_t f = 0; f < s.features.size(); ++f)
    if (!is_cell(s.features[f].cell)) return refuse(cat("Feature ", f, " is not of a cell"));
  for (std::size_t p = 0; p < part_count; ++p) {
    if (s.parts[p + 1].first_ring <= s.parts[p].first_ring) return refuse(cat("part ", p, " has no ring"));
    if (s.part_feature[p] >= s.features.size() || s.features[s.part_feature[p]].cell != s.parts[p].cell)
      return refuse(cat("part ", p, " is of no Feature of its cell"));
  }

  auto impl = std::make_shared<Impl>();
  impl->label = std::move(label);
  impl->owner = std::move(owner);
  for (std::size_t i = 0; i < s.points.size(); ++i) {
    const detail::Pt p = s.points[i];
    if (!(std::fabs(p.x) <= 180) || !(std::fabs(p.y) <= 90))
      return refuse(cat("position ", i, " is not a longitude and latitude in range"));
  }
  impl->pts.borrow(s.points.data(), s.points.size());
  for (std::size_t r = 0; r < ring_count; ++r) {
    const detail::Pt a = impl->pts[s.rings[r].begin], b = impl->pts[s.rings[r + 1].begin - 1];
    if (a.x != b.x || a.y != b.y) return refuse(cat("ring ", r, " is not closed"));
  }
  impl->rings.assign(s.rings.begin(), s.rings.end());
  for (detail::RingInfo& r : impl->rings) r.strips = detail::kNoStrips;
  impl->parts.assign(s.parts.begin(), s.parts.end());
  impl->parts.back().cell = kOutside;
  impl->part_feature.assign(s.part_feature.begin(), s.part_feature.end());
  impl->features.assign(s.features.begin(), s.features.end());
  impl->build_index();
  return Locator(std::move(impl));
}

}  // namespace gridroute::geo
