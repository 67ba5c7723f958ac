// The two maps fuzz_map reads lines through when its input carries no map of its own; the regression
// test replays the reproducers through them too (tests/hardening_fuzz_regressions_test.cpp).
#pragma once

namespace fuzz {

constexpr const char* kFixedMap = R"({"format": "gridroute.map/1", "fields": {
  "id": "no",
  "category": {"path": "kind", "table": "kinds"},
  "cell": {"path": "grid.code", "as": "string"},
  "location": "geom",
  "at": {"path": "time", "format": "%m/%d/%Y %I:%M:%S %p", "offset": "+08:00"},
  "attrs.severity": {"path": "lvl", "as": "integer", "default": 1},
  "attrs.private_property": {"path": "estate", "as": "bool"},
  "attrs.channel": {"path": "/src/ch", "default": "hotline"},
  "level_started_at": {"path": "since", "as": "epoch_ms"}},
  "tables": {"kinds": {"噪音": "env.noise.loudspeaker", "*": "nuisance.dog.stairwell"}}})";

constexpr const char* kPairMap = R"({"format": "gridroute.map/1", "fields": {
  "id": "no", "category": {"value": "env.noise.loudspeaker"}, "location": {"lon": "x", "lat": "y"},
  "at": {"path": "t", "format": "%Y%m%d%H%M%S%z"}}})";

}  // namespace fuzz
