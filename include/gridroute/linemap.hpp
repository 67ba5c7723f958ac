// gridroute/linemap.hpp — a platform's own work-order JSON onto issue and case lines
// (docs/platform-input.md): field renames (dotted paths into nested objects), lookup tables by name,
// defaults, a location from two fields, conversions of types and times. `gridroute route --map` and
// `escalate --map` use it.
//
//   std::vector<gridroute::Diagnostic> errors;
//   auto map = gridroute::LineMap::load("platform-map.json", &errors);      // StatusOr<LineMap>
//   std::string line, id, error;
//   if (map->apply(R"({"orderNo": 20261120001, "eventType": "高音喇叭扰民", ...})", line, id, error))
//     codec.route_line(line, out);          // line: {"id": 20261120001, "category": "env.noise...", ...}
//   else
//     ...                                   // error: why (a name not in a table, a missing field); id: the
//                                           // line's id as JSON text, "null" when it cannot be read
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "gridroute/bundle.hpp"

namespace gridroute {

class LineMap {
 public:
  // Reads a map (JSON text); every error is a Diagnostic `LABEL:LINE:COLUMN: /json/pointer: message`.
  static absl::StatusOr<LineMap> parse(std::string_view text, std::string label = "<map>",
                                       std::vector<Diagnostic>* diagnostics = nullptr);
  static absl::StatusOr<LineMap> load(const std::string& path, std::vector<Diagnostic>* diagnostics = nullptr);

  // Maps one platform line (a JSON object) to an issue or case line (JSON text, no newline) in `out`.
  // On failure returns false with `error`; `id` is then the line's id as JSON text (`"A-1"`, `42`, or
  // `null`), for the rejected record. A LineMap is immutable: any number of threads may call apply.
  bool apply(std::string_view line, std::string& out, std::string& id, std::string& error) const;

  // The map's label (its file name), as errors name it.
  const std::string& label() const;

  struct Impl;

 private:
  explicit LineMap(std::shared_ptr<const Impl> impl) : impl_(std::move(impl)) {}
  std::shared_ptr<const Impl> impl_;
};

}  // namespace gridroute
