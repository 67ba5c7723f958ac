// Shared helpers of the libFuzzer targets (tests/fuzz/README.md).
//
// The example bundle (shuangcheng from shared/examples, else examples/lanxi) is found through
// GRIDROUTE_FUZZ_BUNDLE, a path baked in at build time; GRIDROUTE_FUZZ_BUNDLE in the environment
// overrides it. Oracles used by several targets live here: every output line must be one valid JSON
// object in valid UTF-8, and every diagnostic must name a file and carry a valid UTF-8 message.
#pragma once

#include <algorithm>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json.hpp>

#include "gridroute/engine.hpp"
#include "compile/index.hpp"
#include "geo/polygons.hpp"
#include "gridroute/jsonl.hpp"

namespace fuzz {

[[noreturn]] inline void fail(const char* what, std::string_view detail) {
  std::fprintf(stderr, "FUZZ ORACLE FAILED: %s\n%.*s\n", what, static_cast<int>(detail.size()), detail.data());
  std::abort();
}

inline std::string bundle_dir() {
  if (const char* env = std::getenv("GRIDROUTE_FUZZ_BUNDLE")) return env;
  return GRIDROUTE_FUZZ_BUNDLE;
}

inline std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// The example bundle as in-memory sources, read once.
inline const gridroute::BundleSources& example_sources() {
  static const gridroute::BundleSources s = [] {
    gridroute::BundleSources b;
    std::string dir = bundle_dir();
    b.label = "example";
    b.jurisdiction_json = read_text(dir + "/jurisdiction.json");
    b.rules_json = read_text(dir + "/rules.json");
    for (const char* f : {"units.csv", "handlers.csv"}) b.files.emplace_back(f, read_text(dir + "/" + f));
    return b;
  }();
  return s;
}

// The example bundle's snapshot, loaded once.
inline std::shared_ptr<const gridroute::Snapshot> example_snapshot() {
  static const std::shared_ptr<const gridroute::Snapshot> s = [] {
    std::vector<gridroute::Diagnostic> diags;
    auto r = gridroute::load_bundle(bundle_dir(), &diags);
    if (!r.ok()) {
      std::string all;
      for (auto& d : diags) all += d.to_string() + "\n";
      fail("the example bundle does not load", all);
    }
    return *r;
  }();
  return s;
}

inline bool valid_utf8(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    auto c = static_cast<unsigned char>(s[i]);
    std::size_t n;
    unsigned lo = 0x80, hi = 0xBF;
    if (c < 0x80) { ++i; continue; }
    if (c >= 0xC2 && c <= 0xDF) n = 2;
    else if (c == 0xE0) { n = 3; lo = 0xA0; }
    else if (c >= 0xE1 && c <= 0xEC) n = 3;
    else if (c == 0xED) { n = 3; hi = 0x9F; }
    else if (c >= 0xEE && c <= 0xEF) n = 3;
    else if (c == 0xF0) { n = 4; lo = 0x90; }
    else if (c >= 0xF1 && c <= 0xF3) n = 4;
    else if (c == 0xF4) { n = 4; hi = 0x8F; }
    else return false;
    if (i + n > s.size()) return false;
    auto c1 = static_cast<unsigned char>(s[i + 1]);
    if (c1 < lo || c1 > hi) return false;
    for (std::size_t k = 2; k < n; ++k)
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
    i += n;
  }
  return true;
}

// One output record: a single-line JSON object in valid UTF-8 with an "id" and the given key.
inline void check_record(std::string_view out, const char* status_key) {
  if (out.find('\n') != std::string_view::npos) fail("an output record spans lines", out);
  if (!valid_utf8(out)) fail("an output record is not valid UTF-8", out);
  boost::json::error_code ec;
  boost::json::value v = boost::json::parse(out, ec);
  if (ec || !v.is_object()) fail("an output record is not a JSON object", out);
  const auto& o = v.get_object();
  if (!o.contains("id")) fail("an output record has no id", out);
  if (!o.contains(status_key)) fail("an output record has no status/action", out);
}

// Every diagnostic of a refused bundle names a file and says something, in valid UTF-8.
inline void check_diagnostics(const std::vector<gridroute::Diagnostic>& diags, bool ok) {
  if (!ok && diags.empty()) fail("a bundle was refused without a diagnostic", "");
  for (const auto& d : diags) {
    std::string text = d.to_string();
    if (d.file.empty()) fail("a diagnostic names no file", text);
    if (d.message.empty()) fail("a diagnostic has no message", text);
    if (!valid_utf8(text)) fail("a diagnostic is not valid UTF-8", text);
  }
}

// Exercises a snapshot that loaded: lint, then route and escalate a few issues through the codec.
inline void exercise(const std::shared_ptr<const gridroute::Snapshot>& snap) {
  (void)gridroute::lint(*snap, 5);
  gridroute::LineCodec codec(snap, {.explain = true});
  std::vector<std::string> cells;
  for (std::size_t u = 0; u < snap->unit_count() && cells.size() < 4; ++u)
    if (snap->index().hot[u].tier == snap->index().cell_tier) cells.emplace_back(snap->unit_id(static_cast<gridroute::UnitId>(u)));
  std::vector<std::string> cats;
  for (std::size_t c = 0; c < snap->index().categories.size() && cats.size() < 4; ++c) cats.push_back(snap->index().categories[c]);
  if (cats.empty()) cats = {"a", "a.b"};
  std::string out;
  for (const auto& cell : cells) {
    for (const auto& cat : cats) {
      std::string issue = R"({"id": "F", "category": ")" + cat + R"(", "cell": ")" + cell +
                          R"(", "at": "2026-11-20T21:15:00+08:00", "attrs": {"severity": 5}})";
      out.clear();
      codec.route_line(issue, out);
      check_record(out, "status");
      std::string kase = issue.substr(0, issue.size() - 1) +
                         R"(, "level": 0, "level_started_at": "2026-11-20T21:15:00+08:00", "responded": false, "reports": 9, "status": "open"})";
      out.clear();
      codec.escalate_line(kase, 1795000000000000, out);
      check_record(out, "action");
    }
  }
  // With cell polygons: points at the first positions of the layer and beside them, explained, so that
  // the lookup, the snap and --explain walk whatever arrays the snapshot holds.
  if (const auto& locator = snap->index().locator; locator && !cats.empty()) {
    const gridroute::geo::StoredPolygons stored = locator->stored();
    for (std::size_t i = 0; i < stored.points.size() && i < 8; ++i) {
      for (double d : {0.0, 1e-4, -3e-3}) {
        const double lon = std::clamp(stored.points[i].x + d, -180.0, 180.0), lat = std::clamp(stored.points[i].y - d, -90.0, 90.0);
        std::string issue = R"({"id": "G", "category": ")" + cats[0] + R"(", "location": [)" + std::to_string(lon) +
                            ", " + std::to_string(lat) + R"(], "at": "2026-11-20T21:15:00+08:00"})";
        out.clear();
        codec.route_line(issue, out);
        check_record(out, "status");
      }
    }
  }
}

// Splits `data` on a separator line into at most `n` parts.
inline std::vector<std::string> split(std::string_view data, std::string_view sep, std::size_t n) {
  std::vector<std::string> parts;
  while (parts.size() + 1 < n) {
    auto at = data.find(sep);
    if (at == std::string_view::npos) break;
    parts.emplace_back(data.substr(0, at));
    data.remove_prefix(at + sep.size());
  }
  parts.emplace_back(data);
  while (parts.size() < n) parts.emplace_back();
  return parts;
}

// The separator between the files of a bundle in fuzz_bundle's inputs.
inline constexpr std::string_view kFileSeparator = "\n%%%%\n";

}  // namespace fuzz
