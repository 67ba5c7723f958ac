// Internal: the candidate rules of a category, in winning order (SPEC §3.1, §3.3).
#pragma once

#include <span>
#include <string_view>
#include <vector>

#include "compile/index.hpp"

namespace gridroute::detail {

// The candidates of `category` (precomputed when the bundle declares a taxonomy), or of the code
// `code` gathered from the pattern indexes into `scratch` and sorted.
void candidates_for(const Index& s, std::string_view code, CategoryId category, std::vector<Candidate>& scratch,
                    std::span<const Candidate>& out);

}  // namespace gridroute::detail
