// gridroute/version.hpp — the version of the headers, from the one version CMake's project() sets.
#pragma once

#include "gridroute_version.h"

namespace gridroute {

inline constexpr int kVersionMajor = GRIDROUTE_VERSION_MAJOR;
inline constexpr int kVersionMinor = GRIDROUTE_VERSION_MINOR;
inline constexpr int kVersionPatch = GRIDROUTE_VERSION_PATCH;
inline constexpr const char* kVersionString = GRIDROUTE_VERSION_STRING;

}  // namespace gridroute
