// Internal: compiling the file model into the index, checking every cross-reference.
#pragma once

#include <memory>

#include "compile/index.hpp"
#include "gridroute/bundle.hpp"
#include "load/model.hpp"
#include "load/problems.hpp"

namespace gridroute::detail {

// Compiles; returns null when any problem was found (all of them are in `problems`).
std::unique_ptr<Index> compile(spec::Jurisdiction& jurisdiction, spec::Rules& rules, Problems& problems,
                               const LoadOptions& options);

}  // namespace gridroute::detail
