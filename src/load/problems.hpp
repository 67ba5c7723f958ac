// Internal: problems found while loading and compiling a bundle, before they are placed in their files
// (a JSON pointer, or a CSV line) and turned into Diagnostics.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "gridroute/bundle.hpp"

namespace gridroute::detail {

// The files of a bundle, in the order their diagnostics are reported.
enum class FileId : std::uint8_t { jurisdiction, rules, units_csv, handlers_csv, cells_geojson };
inline constexpr int kFileCount = 5;

struct Problem {
  FileId file;
  std::string pointer;     // JSON files
  std::int64_t line = 0;   // CSV files
  std::string message;
  bool followup = false;   // may follow from another error: reported after the others
};

class Problems {
 public:
  explicit Problems(std::size_t max) : max_(max) {}
  void json(FileId f, std::string pointer, std::string message, bool followup = false) {
    if (list.size() < max_) list.push_back({f, std::move(pointer), 0, std::move(message), followup});
  }
  void csv(FileId f, std::int64_t line, std::string message, bool followup = false) {
    if (list.size() < max_) list.push_back({f, {}, line, std::move(message), followup});
  }
  // Problems already placed in their file (the GeoJSON reader finds line and column itself).
  void placed(Diagnostic d) {
    if (list.size() + diagnostics.size() < max_) diagnostics.push_back(std::move(d));
  }
  bool empty() const { return list.empty() && diagnostics.empty(); }
  std::vector<Problem> list;
  std::vector<Diagnostic> diagnostics;

 private:
  std::size_t max_;
};

}  // namespace gridroute::detail
