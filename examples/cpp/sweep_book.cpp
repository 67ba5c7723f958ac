// A scheduler's open cases kept in a CaseBook between sweeps (docs/lifecycle.md quotes this file). The
// CMake target gridroute_example_book builds it; run it from the repository's root:
// build/gridroute_example_book examples/lanxi examples/lanxi/cases.jsonl 2026-11-23T10:00:00+08:00
#include <fstream>
#include <iostream>
#include <string>

#include "gridroute/case_book.hpp"
#include "gridroute/engine.hpp"

int main(int argc, char** argv) {
  if (argc != 4) { std::cerr << "usage: gridroute_example_book BUNDLE CASES.jsonl NOW\n"; return 2; }
  auto engine = gridroute::Engine::load(argv[1]);
  if (!engine.ok()) { std::cerr << engine.status() << "\n"; return 1; }

  // Each open case once, as the platform stores it; a line that cannot be read is kept and answered
  // `rejected` at every sweep.
  gridroute::CaseBook book(engine->snapshot());
  std::ifstream in(argv[2]);
  for (std::string line; std::getline(in, line);)
    if (line.find_first_not_of(" \t\r") != std::string::npos) book.add_line(line);

  // Every few minutes: the actions at `now`, one line per case, as `gridroute escalate` writes them.
  const gridroute::Instant now = *gridroute::parse_rfc3339(argv[3]);
  std::string out;
  auto summary = book.sweep_lines(now, out);
  std::cout << out.substr(0, out.find('\n') + 1);
  std::cout << book.size() << " cases: " << summary.counts[int(gridroute::Action::Kind::escalate)] << " escalate, "
            << summary.counts[int(gridroute::Action::Kind::hold)] << " hold; sweep again at "
            << engine->snapshot()->format_time(summary.next_sweep) << "\n";

  // An event (here, case 0 responded): replace its line, sweep again.
  book.replace_line(0, R"({"id": "C01", "category": "env.noise.loudspeaker", "cell": "qiaodong-a-01",
      "at": "2026-11-23T09:20:00+08:00", "level": 0, "level_started_at": "2026-11-23T09:20:00+08:00",
      "responded": true, "reports": 0, "status": "open"})");
  out.clear();
  book.sweep_lines(now, out);
  std::cout << out.substr(0, out.find('\n') + 1);
  // After a reload the book's ids belong to the old snapshot: make a new book from the new one.
  if (engine->snapshot() != book.snapshot()) std::cout << "reloaded: build a new book\n";
}
