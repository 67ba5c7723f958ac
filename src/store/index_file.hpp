// Internal: the compiled index as a file (`gridroute compile`), and back.
//
//   auto st = store::write_index(index, "national.grb");     // one versioned, checksummed file
//   auto ix = store::open_index("national.grb");             // memory-mapped; big columns used in place
//
// The big columns (unit ids and names, the unit records, who serves what, handler ids and their indexes)
// are sections of the file that the opened index borrows from the read-only mapping: opening costs the
// checksum's read and page-table work, and processes that open one file share its pages. The small
// structures (rules, conditions, policies, calendars, names) are decoded into the heap. Every index that
// routing, escalation or lint follows is checked on open: a file that passes its checksum but was not
// written by `write_index` is refused, never followed out of bounds.
#pragma once

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "compile/index.hpp"

namespace gridroute::detail::store {

// Writes the index to `path` (through a temporary file and a rename).
absl::Status write_index(const Index& index, const std::string& path);
// The file's bytes (tests, fuzz seeds).
std::string index_bytes(const Index& index);

// Opens a compiled bundle file; the error names the file and what is wrong with it.
// A file of `checksum_thread_bytes` or more has its checksum verified on a thread beside the reading.
inline constexpr std::size_t kChecksumThreadBytes = std::size_t{16} << 20;
absl::StatusOr<std::unique_ptr<Index>> open_index(const std::string& path,
                                                  std::size_t checksum_thread_bytes = kChecksumThreadBytes);
// The same from bytes in memory (tests, fuzzing); `label` names them in errors.
absl::StatusOr<std::unique_ptr<Index>> open_index_bytes(std::string bytes, std::string label);

// Whether `path` is to be opened as a compiled bundle file: a regular file (a bundle is a directory).
bool is_compiled_file(const std::string& path);

}  // namespace gridroute::detail::store
