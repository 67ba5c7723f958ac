// Helpers of the location tests: files (plain or gzip), loading cells from GeoJSON text.
#pragma once

#include <zlib.h>

#include <cstdint>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "geo/locator.hpp"

namespace geotest {

inline std::string shared_path(const std::string& rel) { return std::string(GRIDROUTE_SHARED_DIR) + "/" + rel; }

inline std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// The whole content of a .gz file (zlib's gzread; a plain file is read as is).
inline std::string read_gz(const std::string& path) {
  gzFile f = gzopen(path.c_str(), "rb");
  if (!f) throw std::runtime_error("cannot open " + path);
  std::string out;
  char buf[1 << 16];
  int n;
  while ((n = gzread(f, buf, sizeof buf)) > 0) out.append(buf, static_cast<std::size_t>(n));
  int err = 0;
  const char* msg = gzerror(f, &err);
  gzclose(f);
  if (n < 0 || (err != Z_OK && err != Z_STREAM_END)) throw std::runtime_error(path + ": " + msg);
  return out;
}

// Cells named by id; ids are numbered in the order given.
struct Cells {
  std::vector<std::string> ids;
  std::map<std::string, std::int32_t, std::less<>> number;
  explicit Cells(std::vector<std::string> list = {}) {
    for (auto& id : list) add(id);
  }
  std::int32_t add(const std::string& id) {
    auto [it, fresh] = number.emplace(id, static_cast<std::int32_t>(ids.size()));
    if (fresh) ids.push_back(id);
    return it->second;
  }
  std::int32_t of(std::string_view id) const {
    auto it = number.find(id);
    return it == number.end() ? -1 : it->second;
  }
  std::string name(std::int32_t c) const {
    return c >= 0 && static_cast<std::size_t>(c) < ids.size() ? ids[static_cast<std::size_t>(c)] : "(outside)";
  }
  std::vector<std::int32_t> all() const {
    std::vector<std::int32_t> v;
    for (std::size_t i = 0; i < ids.size(); ++i) v.push_back(static_cast<std::int32_t>(i));
    return v;
  }
};

struct Loaded {
  absl::StatusOr<gridroute::geo::Locator> loc;
  std::vector<gridroute::Diagnostic> diags;
  std::string all() const {
    std::string s;
    for (auto& d : diags) s += d.to_string() + "\n";
    return s;
  }
};

inline Loaded load(std::string_view text, const Cells& cells, std::optional<std::string> id_property = std::nullopt,
                   const gridroute::geo::GeoOptions& options = {}, std::string label = "cells.geojson") {
  gridroute::geo::CellsSource src{text, std::move(label), std::move(id_property)};
  std::vector<gridroute::Diagnostic> diags;
  auto loc = gridroute::geo::Locator::load(src, [&](std::string_view id) { return cells.of(id); }, &diags, options);
  return Loaded{std::move(loc), std::move(diags)};
}

}  // namespace geotest
