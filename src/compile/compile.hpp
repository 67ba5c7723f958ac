// Internal: turns the file model into a Snapshot, checking every cross-reference.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "gridroute/bundle.hpp"
#include "gridroute/snapshot.hpp"

namespace gridroute::detail {

enum class FileId : std::uint8_t { jurisdiction, rules, units_csv, handlers_csv };

struct Problem {
  FileId file;
  std::string pointer;     // JSON files
  std::int64_t line = 0;   // CSV files
  std::string message;
};

class Problems {
 public:
  explicit Problems(std::size_t max) : max_(max) {}
  void json(FileId f, std::string pointer, std::string message) {
    if (list.size() < max_) list.push_back({f, std::move(pointer), 0, std::move(message)});
  }
  void csv(FileId f, std::int64_t line, std::string message) {
    if (list.size() < max_) list.push_back({f, {}, line, std::move(message)});
  }
  bool empty() const { return list.empty(); }
  std::vector<Problem> list;

 private:
  std::size_t max_;
};

// Compiles; returns null when any problem was found (all of them are in `problems`).
std::shared_ptr<Snapshot> compile(spec::Jurisdiction& jur, spec::Rules& rules, Problems& problems,
                                  const LoadOptions& options);

bool valid_id(std::string_view id, std::size_t max_bytes);
bool valid_name(std::string_view name);      // [a-z][a-z0-9_]*
bool valid_label(std::string_view name);     // 1-64 bytes, no control characters (roles, departments)
bool valid_code(std::string_view code);      // dotted [a-z0-9_]+ segments

}  // namespace gridroute::detail
