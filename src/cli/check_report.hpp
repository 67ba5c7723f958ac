// Internal to the CLI: what `gridroute check` prints — load errors and lint findings as text
// (FILE:LINE:COLUMN: /pointer: message) or as one JSON document (--format json), and its exit status
// (--strict: warnings fail the check too).
#pragma once

#include <string>

namespace gridroute::cli {

struct CheckOptions {
  bool json = false;    // --format json
  bool strict = false;  // --strict: any warning gives exit status 1 (notes never do)
  bool coverage = false;  // --coverage: shares per tier and category group, and the holes (docs/tools.md)
};

// Loads and lints the bundle in `dir` and reports; returns the exit status (0, 1, or 3 when the output
// cannot be written).
int run_check(const std::string& dir, const CheckOptions& options);

}  // namespace gridroute::cli
