// Internal to the CLI: a decision's `--explain` trace as lines a person reads, for `gridroute test`'s
// failures and `gridroute diff --html`'s table:
//   "won             vending-gate (priority 0, scope lanxi, pattern street.vending.gate): the first ..."
#pragma once

#include <string>
#include <vector>

#include "gridroute/decision.hpp"
#include "gridroute/snapshot.hpp"

namespace gridroute::cli {

// The lines of `d`'s trace (route it with explain first); a rejected or unrouted decision starts with
// its error or reason. `where` (Snapshot::explain_location), when given, adds how the location
// gave its cell:
//   "located         snapped to xinhua-a-03, 23.34 m from its boundary (snap_meters 30.00)"
std::vector<std::string> explain_lines(const Snapshot& s, const Decision& d, const LocationTrace* where = nullptr);

}  // namespace gridroute::cli
