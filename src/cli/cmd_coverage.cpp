// `gridroute check --coverage`: the coverage report after check's usual output (lint/coverage.hpp).
#include "cli/tools.hpp"
#include "lint/coverage.hpp"

namespace gridroute::cli {

std::string coverage_report(const Snapshot& snapshot) {
  const detail::Index& s = snapshot.index();
  return detail::format_coverage(s, detail::coverage(s));
}

}  // namespace gridroute::cli
