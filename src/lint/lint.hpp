// Internal: the lint findings of `gridroute check` (SPEC §5), over the compiled index.
#pragma once

#include <vector>

#include "compile/index.hpp"
#include "gridroute/bundle.hpp"

namespace gridroute::detail {

std::vector<Diagnostic> lint(const Index& s, std::size_t max_per_kind);

}  // namespace gridroute::detail
