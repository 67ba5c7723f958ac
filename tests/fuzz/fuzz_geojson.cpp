// libFuzzer target: cells_geojson (SPEC §7). The first byte sets the options (bit 0: cell ids from
// properties.cd; bit 1: no self-crossing check; bit 2: a depth limit of 12); the rest is the file.
// Cells are "a", "b", "c", "52" and every "c<n>" with n < 1000.
// Oracles: a refusal has diagnostics, each naming the file, with a valid UTF-8 message and pointer; a
// layer that loads locates points to a known cell or to none, finds with snapping whatever it finds
// without, lints without a crash, and counts what it holds; the text as a location is read or refused.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "geo/locator.hpp"
#include "base/json_text.hpp"

namespace {

[[noreturn]] void fail(const char* what, const std::string& detail) {
  std::fprintf(stderr, "FUZZ ORACLE FAILED: %s\n%s\n", what, detail.c_str());
  std::abort();
}

std::int32_t cell_of(std::string_view id) {
  if (id == "a") return 0;
  if (id == "b") return 1;
  if (id == "c") return 2;
  if (id == "52") return 3;
  if (id.size() >= 2 && id.size() <= 4 && id[0] == 'c' && id.find_first_not_of("0123456789", 1) == std::string_view::npos)
    return 4 + std::atoi(std::string(id.substr(1)).c_str());
  return -1;
}
constexpr std::int32_t kCells = 4 + 1000;

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::uint8_t flags = data[0];
  std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
  gridroute::geo::GeoOptions opt;
  if (flags & 4) opt.max_json_depth = 12;
  opt.max_errors = 50;
  gridroute::geo::CellsSource src{text, "cells.geojson", (flags & 1) ? std::optional<std::string>("cd") : std::nullopt};
  std::vector<gridroute::Diagnostic> diags;
  auto loc = gridroute::geo::Locator::load(src, cell_of, &diags, opt);
  std::size_t bad = 0;
  for (const auto& d : diags) {
    if (d.file != "cells.geojson") fail("a diagnostic does not name the file", d.to_string());
    if (!gridroute::detail::valid_utf8(d.message, bad) || !gridroute::detail::valid_utf8(d.pointer, bad))
      fail("a diagnostic is not valid UTF-8", d.to_string());
    if (d.line < 0 || d.column < 0) fail("a diagnostic has a negative position", d.to_string());
  }
  if (!loc.ok()) {
    if (diags.empty()) fail("refused without a diagnostic", std::string(loc.status().message()));
    return 0;
  }
  if (!diags.empty()) fail("loaded with diagnostics", diags[0].to_string());

  // Points: a coarse grid over the world, and points made of the input's bytes.
  std::vector<gridroute::geo::Point> pts;
  for (int x = -180; x <= 180; x += 45)
    for (int y = -90; y <= 90; y += 30) pts.push_back({static_cast<double>(x), static_cast<double>(y)});
  for (std::size_t i = 1; i + 4 <= size && pts.size() < 200; i += 4) {
    double lon = (static_cast<int>(data[i]) * 256 + data[i + 1]) / 65535.0 * 360.0 - 180.0;
    double lat = (static_cast<int>(data[i + 2]) * 256 + data[i + 3]) / 65535.0 * 180.0 - 90.0;
    pts.push_back({lon, lat});
  }
  for (const auto& p : pts) {
    std::int32_t c = loc->locate(p, 0);
    if (c < gridroute::geo::kOutside || c >= kCells) fail("locate returned no cell of the jurisdiction", std::to_string(c));
    if (c != gridroute::geo::kOutside && !loc->has_polygon(c)) fail("located in a cell without a polygon", std::to_string(c));
    std::int32_t s = loc->locate(p, 30);
    if (c != gridroute::geo::kOutside && s != c) fail("snapping changed a point that a polygon holds", std::to_string(s));
    if (s < gridroute::geo::kOutside || s >= kCells) fail("snapping returned no cell of the jurisdiction", std::to_string(s));
    // --explain says how: the same cell, inside exactly when a polygon holds the point, a snapped distance
    // within snap_meters, and an outside point's nearest cell farther than that.
    using How = gridroute::geo::Locator::Explained::How;
    auto e = loc->explain(p, 30);
    if (e.cell != s) fail("explain gives another cell than locate", std::to_string(e.cell) + " vs " + std::to_string(s));
    if ((e.how == How::inside) != (c != gridroute::geo::kOutside)) fail("explain says inside where locate does not", "");
    if (e.how == How::snapped && !(e.meters <= 30)) fail("a snapped distance past snap_meters", std::to_string(e.meters));
    if (e.how == How::outside && e.nearest != gridroute::geo::kOutside && !(e.meters > 30))
      fail("an outside point whose nearest boundary is within snap_meters", std::to_string(e.meters));
  }
  std::vector<std::int32_t> all = {0, 1, 2, 3, 4, 5};
  gridroute::geo::GeoLintOptions lo;
  lo.overlap_budget_positions = 100000;
  auto warnings = loc->lint(all, [](std::int32_t c) { return std::to_string(c); }, lo);
  for (const auto& w : warnings)
    if (w.severity != gridroute::Diagnostic::Severity::warning) fail("lint gave an error", w.to_string());
  if (loc->bytes() == 0 || loc->polygon_count() > loc->position_count()) fail("inconsistent counts", "");

  auto p = gridroute::geo::read_location_text(text);
  if (p.ok() && !gridroute::geo::check_point(p->lon, p->lat).ok()) fail("a location read that check_point refuses", std::string(text));
  return 0;
}
