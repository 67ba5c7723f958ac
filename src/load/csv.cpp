#include "load/csv.hpp"

#include <deque>

namespace gridroute::detail {
namespace {
std::string detail_cat_fields(std::size_t max) {
  return "a record has more than " + std::to_string(max) + " fields (the CSV files have at most 6 columns)";
}
}  // namespace

bool for_each_csv_record(std::string_view t, std::string& error, std::int64_t& error_line, const CsvLimits& limits,
                         absl::FunctionRef<void(std::int64_t line, std::span<const std::string_view> fields)> on_record) {
  std::size_t i = 0;
  if (t.substr(0, 3) == "\xEF\xBB\xBF") i = 3;
  std::int64_t line = 1;
  std::size_t records = 0;
  std::vector<std::string_view> fields;
  // Unescaped copies of fields with doubled quotes; a deque, so that views of a record's earlier fields
  // stay valid while later ones are added.
  std::deque<std::string> unescaped;
  std::size_t unescaped_used = 0;
  // The header's names, to say in which column of a later record a quoting error is.
  std::vector<std::string> header;
  auto in_column = [&] {
    const std::size_t k = fields.size();
    return records == 0 || k >= header.size() ? std::string() : " (column '" + header[k].substr(0, 80) + "')";
  };
  const std::size_t n = t.size();
  while (i < n) {
    const std::int64_t record_line = line;
    fields.clear();
    unescaped_used = 0;
    bool end_of_record = false;
    while (!end_of_record) {
      std::string_view field;
      if (i < n && t[i] == '"') {
        const std::int64_t quote_line = line;  // where the quoted field opened
        const std::size_t begin = ++i;
        std::string* copy = nullptr;  // set once a doubled quote is met
        std::size_t run = begin;      // start of the bytes not yet copied
        while (true) {
          if (i >= n) {
            error = "unterminated quoted field" + in_column();
            if (quote_line != record_line)
              error += " (it opened on line " + std::to_string(quote_line) + ")";
            error_line = record_line;
            return false;
          }
          const char c = t[i];
          if (c == '"') {
            if (i + 1 < n && t[i + 1] == '"') {
              if (!copy) {
                if (unescaped_used == unescaped.size()) unescaped.emplace_back();
                copy = &unescaped[unescaped_used++];
                copy->clear();
              }
              copy->append(t.data() + run, i + 1 - run);  // up to and including one quote
              i += 2;
              run = i;
              continue;
            }
            if (copy) {
              copy->append(t.data() + run, i - run);
              field = *copy;
            } else {
              field = t.substr(begin, i - begin);
            }
            ++i;
            break;
          }
          if (c == '\n') ++line;
          ++i;
        }
        if (i < n && t[i] != ',' && t[i] != '\n' && t[i] != '\r') {
          error = "unexpected character after a closing quote" + in_column();
          error_line = line;
          // A quoted field that ran over lines most likely misses its closing quote where it opened:
          // reported there.
          if (quote_line != line) {
            error = "the quoted field" + in_column() + " that opens on this line runs to line " + std::to_string(line) +
                    ", where its closing quote is followed by more text: is a closing quote missing on this line?";
            error_line = quote_line;
          }
          return false;
        }
      } else {
        const std::size_t begin = i;
        while (i < n) {
          const char c = t[i];
          if (c == ',' || c == '\n' || c == '\r') break;
          if (c == '"') {
            error = "a quote inside an unquoted field" + in_column() + " (quote the whole field and double the quote)";
            error_line = line;
            return false;
          }
          ++i;
        }
        field = t.substr(begin, i - begin);
      }
      fields.push_back(field);
      if (fields.size() > limits.max_fields) {  // hardening
        error = detail_cat_fields(limits.max_fields);
        error_line = record_line;
        return false;
      }
      if (i >= n) {
        end_of_record = true;
      } else if (t[i] == ',') {
        ++i;
      } else {
        if (t[i] == '\r') ++i;
        if (i < n && t[i] == '\n') ++i;
        ++line;
        end_of_record = true;
      }
    }
    // A blank line (one empty field) is skipped.
    if (fields.size() == 1 && fields[0].empty()) continue;
    if (records >= limits.max_records) {  // hardening
      error = std::string("more than ") + std::to_string(limits.max_records - 1) + " rows (" + limits.records_option + ")";
      error_line = record_line;
      return false;
    }
    if (records == 0) header.assign(fields.begin(), fields.end());
    ++records;
    on_record(record_line, fields);
  }
  return true;
}

std::vector<CsvRecord> parse_csv(std::string_view t, std::string& error, std::int64_t& error_line,
                                 const CsvLimits& limits) {
  std::vector<CsvRecord> out;
  for_each_csv_record(t, error, error_line, limits, [&](std::int64_t line, std::span<const std::string_view> fields) {
    out.push_back({line, std::vector<std::string>(fields.begin(), fields.end())});
  });
  return out;
}

}  // namespace gridroute::detail
