// Internal: an RFC 4180 CSV reader that keeps the line number where each record starts.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace gridroute::detail {

struct CsvRecord {
  std::int64_t line = 0;  // 1-based line where the record starts
  std::vector<std::string> fields;
};

// Parses the whole text (a UTF-8 BOM is skipped; LF or CRLF line ends). On a malformed record
// (an unterminated quote, a stray quote inside an unquoted field), sets `error`/`error_line` and stops.
std::vector<CsvRecord> parse_csv(std::string_view text, std::string& error, std::int64_t& error_line);

}  // namespace gridroute::detail
