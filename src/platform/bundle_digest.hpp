// The bundle digest a worker writes into an event's `bundle` column when the engine's answer line
// carries no `"bundle"` field (SPEC §6.6).
#pragma once

#include <string>

#include "gridroute/snapshot.hpp"

namespace gridroute::platform {

// PLACEHOLDER: returns "" until the engine computes the SPEC §6.6 digest of a snapshot; replace the
// body with the engine's digest of `snapshot`. This is the only place the worker takes it from.
inline std::string bundle_digest(const Snapshot& snapshot) {
  (void)snapshot;
  return {};
}

}  // namespace gridroute::platform
