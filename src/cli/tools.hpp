// Internal to the CLI: the commands for the people who write a responsibility list (SPEC §8, docs/tools.md).
// Each takes the arguments after its name and returns the exit status.
#pragma once

#include <string>
#include <vector>

#include "gridroute/snapshot.hpp"

namespace gridroute::cli {

int cmd_test(const std::vector<std::string>& args);   // gridroute test BUNDLE TESTS.jsonl
int cmd_diff(const std::vector<std::string>& args);   // gridroute diff OLD NEW ISSUES.jsonl ...
int cmd_graph(const std::vector<std::string>& args);  // gridroute graph BUNDLE [--root UNIT] [--depth N]

// The report of `gridroute check --coverage`.
std::string coverage_report(const Snapshot& snapshot);

}  // namespace gridroute::cli
