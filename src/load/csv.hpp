// Internal: an RFC 4180 CSV reader that keeps the line number where each record starts.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <absl/functional/function_ref.h>

namespace gridroute::detail {

struct CsvRecord {
  std::int64_t line = 0;  // 1-based line where the record starts
  std::vector<std::string> fields;
};

// Hardening: caps on what one file may make the parser allocate.
struct CsvLimits {
  std::size_t max_records = static_cast<std::size_t>(-1);  // records kept, the header included
  std::size_t max_fields = static_cast<std::size_t>(-1);   // fields in one record
  const char* records_option = "";                          // named in the error, e.g. "LoadOptions::max_units"
};

// Streams the text's records to `on_record(line, fields)`, in order, without keeping them: a field is a
// view into `text` (quoted or not) unless it held a doubled quote, when it is a view into a buffer that
// lives until the next record. A UTF-8 BOM is skipped; LF or CRLF line ends; a blank line is no record.
// On a malformed record (an unterminated quote, a stray quote inside an unquoted field), or a record or
// field count over `limits`, sets `error`/`error_line`, stops and returns false.
bool for_each_csv_record(std::string_view text, std::string& error, std::int64_t& error_line, const CsvLimits& limits,
                         absl::FunctionRef<void(std::int64_t line, std::span<const std::string_view> fields)> on_record);

// The records of the whole text, kept (for small files and tests); errors as for_each_csv_record.
std::vector<CsvRecord> parse_csv(std::string_view text, std::string& error, std::int64_t& error_line,
                                 const CsvLimits& limits = {});

}  // namespace gridroute::detail
