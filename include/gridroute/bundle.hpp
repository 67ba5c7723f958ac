// gridroute/bundle.hpp — loading a bundle (SPEC §2): where it comes from, the limits it is read under,
// and the problems found in it.
//
//   std::vector<gridroute::Diagnostic> errors;
//   auto snap = gridroute::load_bundle("examples/lanxi", &errors);
//   if (!snap.ok()) for (auto& e : errors) std::cerr << e.to_string() << "\n";
//
// A bundle is refused whole when any error is found: an engine never runs half a bundle.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"

namespace gridroute {

class Snapshot;

// One problem found in a bundle: `FILE:LINE:COLUMN: /json/pointer: message` (CSV: `FILE:LINE: message`).
struct Diagnostic {
  // A note says how the bundle behaves where one might expect a problem (e.g. cells that no rule routes
  // but the fallback owner takes); it never fails a check, not even a strict one.
  enum class Severity { error, warning, note };
  Severity severity = Severity::error;
  std::string file;     // as given, e.g. "examples/lanxi/rules.json"; empty when not about a file
  int line = 0;         // 1-based; 0 when unknown
  int column = 0;       // 1-based byte column; 0 for CSV or unknown
  std::string pointer;  // RFC 6901 JSON pointer; empty for CSV
  std::string message;
  // "FILE:LINE:COLUMN: /pointer: message" on one line: control characters the bundle's text may put in
  // an id or a name (a newline, ESC, NUL) are written as \n, \r, \t or \xNN, so a report can neither
  // forge another line nor reach a terminal's controls.
  std::string to_string() const;
};

// Limits a bundle is read under (docs/security.md lists each with its error).
struct LoadOptions {
  std::size_t max_file_bytes = 1ull << 30;  // 1 GiB per file
  std::size_t max_json_depth = 64;
  std::size_t max_id_bytes = 64;
  std::size_t max_units = 20'000'000;
  std::size_t max_handlers = 10'000'000;
  std::size_t max_rules = 1'000'000;
  std::size_t max_tiers = 32;
  std::size_t max_calendars = 10'000;
  std::size_t max_errors = 1000;  // stop collecting after this many
  // No effect since compiled bundle format 2: a compiled file stores the cell polygons' index, which every
  // snapshot holds, not their GeoJSON text. Kept so that code which sets it still compiles.
  bool keep_cells_text = false;
};

// An in-memory bundle: the two JSON documents plus any files they name, by file name.
struct BundleSources {
  std::string label = "<memory>";  // prefix for file names in diagnostics
  std::string jurisdiction_json;
  std::string rules_json;
  std::vector<std::pair<std::string, std::string>> files;  // e.g. {"units.csv", "..."}
};

// Loads and compiles the bundle in directory `dir` — or opens `dir` when it is a compiled bundle file
// (write_compiled, `gridroute compile`): memory-mapped, its big columns used in place, so that opening
// costs page-table work and processes that open one file share its pages. On failure the status says how
// many errors; `diagnostics` (when given) receives every error, in file order.
absl::StatusOr<std::shared_ptr<const Snapshot>> load_bundle(const std::string& dir,
                                                            std::vector<Diagnostic>* diagnostics = nullptr,
                                                            const LoadOptions& options = {});
absl::StatusOr<std::shared_ptr<const Snapshot>> load_bundle(const BundleSources& sources,
                                                            std::vector<Diagnostic>* diagnostics = nullptr,
                                                            const LoadOptions& options = {});

// Writes the compiled snapshot as one versioned, checksummed file that load_bundle (and Engine::load, the
// C ABI, the bindings, the CLI) opens in place of the bundle directory; it carries the bundle digest, so
// answers are the same from the file as from the directory. Written to a temporary file and renamed, so
// a process that opens `path` meanwhile sees the old file or the new one. docs/performance.md.
absl::Status write_compiled(const Snapshot& snapshot, const std::string& path);

// The warnings of `gridroute check` (SPEC §5): coverage holes, rules that can never win, handlers that
// serve nothing routable, policies never used — at most `max_findings_per_kind` of each kind.
std::vector<Diagnostic> lint(const Snapshot& snapshot, std::size_t max_findings_per_kind = 100);

}  // namespace gridroute
