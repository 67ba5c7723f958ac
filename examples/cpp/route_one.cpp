// The README's "Using the library", as a program. The CMake target gridroute_example_cpp builds it
// (cmake --build build --target gridroute_example_cpp); run it from the repository's root:
// build/gridroute_example_cpp. The README quotes everything below this comment as it is.
#include <iostream>
#include <vector>

#include "gridroute/engine.hpp"

int main() {
  std::vector<gridroute::Diagnostic> errors;
  auto engine = gridroute::Engine::load("examples/lanxi", &errors);
  if (!engine.ok()) { for (auto& e : errors) std::cerr << e.to_string() << "\n"; return 1; }

  gridroute::Issue issue;
  issue.id = "I-1";
  issue.category = "street.vending.gate";
  issue.cell = "qiaodong-a-01";
  issue.at = *gridroute::parse_rfc3339("2026-11-20T09:15:00+08:00");
  gridroute::Routed r = engine->route(issue, /*explain=*/true);      // from any thread
  if (r.decision.status == gridroute::Decision::Status::routed) std::cout << r.handler() << "\n";
  else std::cout << r.decision.message << "\n";                      // unrouted: why; rejected: the error

  // Atomic swap; routing goes on; a bad bundle keeps the old one (and says why).
  if (absl::Status s = engine->reload("examples/lanxi"); !s.ok()) std::cerr << s << "\n";
  // r carries the snapshot that made it, so its ids stay readable across the reload.
  std::cout << r.handler() << "\n";

  // A stream: route_batch decides issues in groups whose memory reads overlap (about 2x a loop of
  // route() at a million cells); the decisions' ids belong to the snapshot it returns.
  std::vector<gridroute::Issue> issues(1000, issue);
  std::vector<gridroute::Decision> out(issues.size());
  auto used = engine->route_batch(issues, out);      // out[i] answers issues[i]
  std::cout << out.size() << " decisions, the last by " << used->handler_id(out.back().handler) << "\n";

  // A platform that keeps its cells' numbers (looked up once per snapshot) skips the id lookup; the
  // numbers belong to `used`, as the decisions' ids do.
  std::vector<gridroute::UnitId> cells(issues.size(), used->find_unit(issue.cell));
  used->route_batch_in_cells(issues, cells, out);
  std::cout << "by number: the last by " << used->handler_id(out.back().handler) << "\n";
}
