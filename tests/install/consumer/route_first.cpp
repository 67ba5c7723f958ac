// route_first_cxx BUNDLE ISSUES.jsonl N — routes the first N non-blank lines of ISSUES.jsonl with the C++
// API (gridroute::Engine, gridroute::LineCodec) and prints one decision per line, as `gridroute route` does.
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "gridroute/engine.hpp"
#include "gridroute/jsonl.hpp"

int main(int argc, char** argv) {
  if (argc != 4) {
    std::cerr << "usage: route_first_cxx BUNDLE ISSUES.jsonl N\n";
    return 2;
  }
  std::vector<gridroute::Diagnostic> errors;
  auto engine = gridroute::Engine::load(argv[1], &errors);
  if (!engine.ok()) {
    for (const auto& e : errors) std::cerr << e.to_string() << "\n";
    std::cerr << "route_first_cxx: " << engine.status().message() << "\n";
    return 1;
  }
  gridroute::LineCodec codec(engine->snapshot());
  std::ifstream in(argv[2], std::ios::binary);
  if (!in) {
    std::cerr << "route_first_cxx: cannot read " << argv[2] << "\n";
    return 1;
  }
  long left = std::strtol(argv[3], nullptr, 10);
  std::string line, out;
  while (left > 0 && std::getline(in, line)) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    if (line.back() == '\r') line.pop_back();
    out.clear();
    codec.route_line(line, out);
    std::cout << out << "\n";
    left--;
  }
  return 0;
}
