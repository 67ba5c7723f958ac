// Cell polygons read by chunks (geo::CellsChunks, as those of a bundle directory are) load exactly as the
// whole text does: the same polygons and lookups, the same Feature positions in lint warnings, the same
// errors with the same lines, columns and pointers, whatever the chunk size.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

#include "geo_test_util.hpp"

namespace {

using geotest::Cells;
using gridroute::geo::CellsChunks;
using gridroute::geo::CellsSource;
using gridroute::geo::GeoOptions;
using gridroute::geo::Locator;
using gridroute::geo::Point;

struct Result {
  bool ok = false;
  std::string diags, lint;
  std::size_t features = 0, positions = 0;
  std::vector<std::int32_t> found;
  bool operator==(const Result&) const = default;
};

std::string describe(const Result& r) {
  return (r.ok ? "ok\n" : "refused\n") + r.diags + "lint:\n" + r.lint + "features " + std::to_string(r.features) +
         ", positions " + std::to_string(r.positions);
}

// Loads `text` whole (chunk 0) or by chunks of `chunk` bytes, fed by reads of at most `piece` bytes;
// `wholes` counts the times the whole text was asked for.
Result run(const std::string& text, const Cells& cells, std::size_t chunk, std::size_t piece, int& wholes) {
  CellsSource src{chunk ? std::string_view() : std::string_view(text), "cells.geojson", std::nullopt};
  GeoOptions options;
  options.read_chunk_bytes = chunk;
  std::size_t at = 0;
  CellsChunks chunks;
  chunks.read = [&](char* buf, std::size_t size) -> std::ptrdiff_t {
    size = std::min({size, text.size() - at, piece});
    std::memcpy(buf, text.data() + at, size);
    at += size;
    return static_cast<std::ptrdiff_t>(size);
  };
  chunks.whole = [&] {
    ++wholes;
    return std::optional<std::string_view>(text);
  };
  std::vector<gridroute::Diagnostic> diags;
  auto of = [&](std::string_view id) { return cells.of(id); };
  auto loc = chunk ? Locator::load(src, chunks, of, &diags, options) : Locator::load(src, of, &diags, options);
  Result r;
  r.ok = loc.ok();
  for (auto& d : diags) r.diags += d.to_string() + "\n";
  if (!loc.ok()) return r;
  for (auto& d : loc->lint(cells.all(), [&](std::int32_t c) { return cells.name(c); })) r.lint += d.to_string() + "\n";
  r.features = loc->feature_count();
  r.positions = loc->position_count();
  for (double x = -0.5; x < 40; x += 0.75) r.found.push_back(loc->locate(Point{x, 0.5}));
  return r;
}

// A layer of `n` unit squares along the equator, cells c0..c{n-1}, squares 7 and 8 overlapping (a lint
// warning that names both Features' positions) and Feature 11 without a geometry. `nl` ends lines; `gap`
// stands between each Feature's '{' and its first key; `first` is that key and its value.
std::string layer(int n, const std::string& nl, const std::string& gap, const std::string& first) {
  std::string s = "{\"type\": \"FeatureCollection\", \"features\": [" + nl;
  for (int i = 0; i < n; ++i) {
    double x0 = i, x1 = i + 1;
    if (i == 8) x0 -= 0.5;
    std::string ring = "[[" + std::to_string(x0) + ", 0], [" + std::to_string(x1) + ", 0], [" + std::to_string(x1) +
                       ", 1], [" + std::to_string(x0) + ", 1], [" + std::to_string(x0) + ", 0]]";
    std::string geometry = i == 11 ? "null" : "{\"type\": \"Polygon\", \"coordinates\": [" + ring + "]}";
    s += "  {" + gap + first + ", \"type\": \"Feature\", \"id\": \"c" + std::to_string(i) +
         "\", \"properties\": {\"name\": \"网格 " + std::to_string(i) + "\"}, \"geometry\": " + geometry + "}" +
         (i + 1 < n ? "," : "") + nl;
  }
  return s + "]}" + nl;
}

Cells cells_of(int n) {
  Cells c;
  for (int i = 0; i < n; ++i) c.add("c" + std::to_string(i));
  c.add("no-polygon");
  return c;
}

// Every chunk size agrees with the whole text; returns how many loads asked for the whole text.
int expect_same(const std::string& text, const Cells& cells) {
  int wholes = 0;
  const Result whole = run(text, cells, 0, text.size() + 1, wholes);
  for (std::size_t chunk : {16, 17, 23, 64, 101, 1000, 16 << 20})
    for (std::size_t piece : {std::size_t{7}, std::size_t{1} << 20}) {
      const Result r = run(text, cells, chunk, piece, wholes);
      EXPECT_EQ(describe(r), describe(whole)) << "chunk " << chunk << ", reads of " << piece;
      EXPECT_TRUE(r == whole) << "chunk " << chunk << ", reads of " << piece;
    }
  return wholes;
}

TEST(GeoChunks, AValidLayerIsReadWithoutItsWholeText) {
  const Cells cells = cells_of(40);
  const std::string text = layer(40, "\n", "", "\"k\": 1");
  int wholes = 0;
  const Result r = run(text, cells, 0, text.size(), wholes);
  ASSERT_TRUE(r.ok) << r.diags;
  EXPECT_EQ(r.features, 40u);
  // The overlap and the cell without a polygon are warned about, at their Features' positions.
  EXPECT_TRUE(r.lint.find("cells.geojson:9:3: /features/7") != std::string::npos ||
              r.lint.find("cells.geojson:10:3: /features/8") != std::string::npos)
      << r.lint;
  EXPECT_NE(r.lint.find("no-polygon"), std::string::npos) << r.lint;
  EXPECT_EQ(expect_same(text, cells), 0);
}

TEST(GeoChunks, LineEndingsByteOrderMarkKeysAndWhitespace) {
  const Cells cells = cells_of(40);
  EXPECT_EQ(expect_same(layer(40, "\r\n", "", "\"k\": 1"), cells), 0);
  EXPECT_EQ(expect_same("\xEF\xBB\xBF" + layer(40, "\n", " ", "\"k\": 1"), cells), 0);
  // A first key with an escape, or with characters of several bytes, split anywhere.
  EXPECT_EQ(expect_same(layer(40, "\n", "", "\"\\u006b\": 1"), cells), 0);
  // (Chunks of 16 bytes keep 8 of the one before, fewer than this key and the whitespace before it: there
  // the whole text is read.)
  EXPECT_LE(expect_same(layer(40, "\n", "\n ", "\"名称\": \"锦绣苑\""), cells), 2);
  // Whitespace before a Feature's first key longer than what a small chunk keeps: the whole text is read
  // again, with the same result.
  EXPECT_GT(expect_same(layer(40, "\n", std::string(40, ' ') + "\n\n" + std::string(40, ' '), "\"k\": 1"), cells), 0);
}

TEST(GeoChunks, ErrorsArePlacedAsInTheWholeText) {
  const Cells cells = cells_of(40);
  std::string open_ring = layer(40, "\n", "", "\"k\": 1");
  open_ring.replace(open_ring.rfind("[0.000000, 1], [0.000000, 0]]"), 29, "[0.000000, 1], [0.000000, 2]]");
  EXPECT_EQ(expect_same(open_ring, cells), 7 * 2);
  std::string cut = layer(40, "\n", "", "\"k\": 1");
  EXPECT_EQ(expect_same(cut.substr(0, cut.size() / 2), cells), 7 * 2);
  EXPECT_EQ(expect_same(cut + " x", cells), 7 * 2);
  EXPECT_EQ(expect_same("", cells), 7 * 2);
  EXPECT_EQ(expect_same("\xEF\xBB\xBF \n", cells), 7 * 2);
  std::string bad_utf8 = layer(40, "\n", "", "\"k\": \"\xC3\"");
  EXPECT_EQ(expect_same(bad_utf8, cells), 7 * 2);
}

TEST(GeoChunks, TheLianshiCells) {
  const std::string text = geotest::read_file(geotest::shared_path("examples-1.1/lianshi/cells.geojson"));
  Cells cells;
  for (std::size_t at = text.find("\"id\": \""); at != std::string::npos; at = text.find("\"id\": \"", at + 1))
    cells.add(text.substr(at + 7, text.find('"', at + 7) - at - 7));
  ASSERT_GT(cells.ids.size(), 3u);
  EXPECT_EQ(expect_same(text, cells), 0);
}

}  // namespace
