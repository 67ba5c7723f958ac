// The test towns that the unit tests share: one unit tree each, with the handlers a test needs.
//
//   gridroute::BundleSources src = fixture::sources(fixture::town(R"([{"id": "squad-1", ...}])"), rules_json);
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "gridroute/bundle.hpp"

namespace fixture {

// town ─ c1 ─ c1-a ─ c1-a-01, c1-a-02
//      │    └ c1-b ─ c1-b-01
//      └ c2 ─ c2-01            (no area tier)
// `handlers` is the JSON list of handlers; `extra` more members of jurisdiction.json (", \"units_csv\": ...");
// without `with_c2_01` the cell c2-01 is left for a units.csv to add.
inline std::string town(std::string_view handlers, std::string_view extra = "", bool with_c2_01 = true) {
  std::string j = R"({
  "format": "gridroute.jurisdiction/1",
  "timezone": "Asia/Shanghai",
  "tiers": ["town", "community", "area", "cell"],
  "units": [
    {"id": "town", "tier": "town"},
    {"id": "c1", "tier": "community", "parent": "town"},
    {"id": "c1-a", "tier": "area", "parent": "c1"},
    {"id": "c1-a-01", "tier": "cell", "parent": "c1-a"},
    {"id": "c1-a-02", "tier": "cell", "parent": "c1-a"},
    {"id": "c1-b", "tier": "area", "parent": "c1"},
    {"id": "c1-b-01", "tier": "cell", "parent": "c1-b"},
    {"id": "c2", "tier": "community", "parent": "town"})";
  if (with_c2_01) j += R"(,
    {"id": "c2-01", "tier": "cell", "parent": "c2"})";
  j += "\n  ]";
  j += extra;
  j += ",\n  \"handlers\": ";
  j += handlers;
  j += "\n}";
  return j;
}

// town ─ c1 ─ c1-01, in `timezone`.
inline std::string small_town(std::string_view handlers, std::string_view timezone = "Asia/Shanghai") {
  std::string j = R"({
  "format": "gridroute.jurisdiction/1",
  "timezone": ")";
  j += timezone;
  j += R"(",
  "tiers": ["town", "community", "area", "cell"],
  "units": [
    {"id": "town", "tier": "town"},
    {"id": "c1", "tier": "community", "parent": "town"},
    {"id": "c1-01", "tier": "cell", "parent": "c1"}
  ],
  "handlers": )";
  j += handlers;
  j += "\n}";
  return j;
}

inline gridroute::BundleSources sources(std::string jurisdiction, std::string rules,
                                        std::vector<std::pair<std::string, std::string>> files = {}) {
  gridroute::BundleSources src;
  src.jurisdiction_json = std::move(jurisdiction);
  src.rules_json = std::move(rules);
  src.files = std::move(files);
  return src;
}

}  // namespace fixture
