// Internal: where the things of a compiled bundle came from — the file names and the positions of the
// rules, policies, categories, conditions and handlers — so that lint warnings read like load errors:
// `FILE:LINE:COLUMN: /json/pointer: warning: message`, or `FILE:LINE: warning: message` for a CSV row.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "base/json_text.hpp"
#include "gridroute/bundle.hpp"
#include "load/model.hpp"
#include "load/problems.hpp"

namespace gridroute::detail {

class BundleReader;
struct Index;

struct SourceMap {
  SourceMap() = default;
  // Not copied: a copy would share the deferred decoding and not its result.
  SourceMap(const SourceMap&) = delete;
  SourceMap& operator=(const SourceMap&) = delete;
  SourceMap(SourceMap&&) = default;
  SourceMap& operator=(SourceMap&&) = default;

  std::array<std::string, kFileCount> files;       // display names, as in load errors; empty when absent

  // Where each thing was read. The compiler fills them; a compiled file's are decoded on first use (lint
  // reads them, routing never does), so that opening a file for routing does not build them.
  struct Positions {
    std::vector<std::string> condition_pointer;  // per CondNode of the index, where it was read
    std::vector<std::int64_t> handler_line;      // per handler: its CSV line, or 0 for a JSON handler
    // Positions of the pointers lint names, per JSON file (FileId::jurisdiction, FileId::rules).
    std::array<absl::flat_hash_map<std::string, TextPos>, 2> at;
  };
  // The positions, decoded first if they were deferred (safe from several threads at once).
  const Positions& positions() const;
  // The positions, to fill while compiling.
  Positions& building() { return positions_; }
  // Leaves the positions to `decode`, run once, on first use.
  void defer(std::function<void(Positions&)> decode);

  // A finding about `pointer` of a JSON file, placed when its position is known.
  Diagnostic json(FileId file, std::string pointer, Diagnostic::Severity severity, std::string message) const;
  // A finding about handler `h`: its CSV line, or its pointer in jurisdiction.json.
  Diagnostic handler(std::int32_t h, Diagnostic::Severity severity, std::string message) const;

 private:
  struct Deferred {
    std::once_flag once;
    std::function<void(Positions&)> decode;
  };
  mutable Positions positions_;
  std::shared_ptr<Deferred> deferred_;
};

// Files above this size are not walked for positions: their findings carry the pointer only.
inline constexpr std::size_t kMaxPlacedFileBytes = std::size_t{16} << 20;

// Fills `index.sources` (the compiler has filled condition_pointer) from the reader's texts.
void place_sources(Index& index, const BundleReader& reader);

}  // namespace gridroute::detail
