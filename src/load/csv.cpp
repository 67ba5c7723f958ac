#include "load/csv.hpp"

namespace gridroute::detail {
namespace {
std::string detail_cat_fields(std::size_t max) {
  return "a record has more than " + std::to_string(max) + " fields (the CSV files have at most 6 columns)";
}
}  // namespace

std::vector<CsvRecord> parse_csv(std::string_view t, std::string& error, std::int64_t& error_line,
                                 const CsvLimits& limits) {
  std::vector<CsvRecord> out;
  std::size_t i = 0;
  if (t.substr(0, 3) == "\xEF\xBB\xBF") i = 3;
  std::int64_t line = 1;
  while (i < t.size()) {
    CsvRecord rec;
    rec.line = line;
    std::string field;
    bool end_of_record = false;
    while (!end_of_record) {
      field.clear();
      if (i < t.size() && t[i] == '"') {
        ++i;
        while (true) {
          if (i >= t.size()) {
            error = "unterminated quoted field";
            error_line = rec.line;
            return out;
          }
          char c = t[i];
          if (c == '"') {
            if (i + 1 < t.size() && t[i + 1] == '"') {
              field.push_back('"');
              i += 2;
              continue;
            }
            ++i;
            break;
          }
          if (c == '\n') ++line;
          field.push_back(c);
          ++i;
        }
        if (i < t.size() && t[i] != ',' && t[i] != '\n' && t[i] != '\r') {
          error = "unexpected character after a closing quote";
          error_line = line;
          return out;
        }
      } else {
        while (i < t.size() && t[i] != ',' && t[i] != '\n' && t[i] != '\r') {
          if (t[i] == '"') {
            error = "a quote inside an unquoted field (quote the whole field and double the quote)";
            error_line = line;
            return out;
          }
          field.push_back(t[i++]);
        }
      }
      rec.fields.push_back(field);
      if (rec.fields.size() > limits.max_fields) {  // hardening
        error = detail_cat_fields(limits.max_fields);
        error_line = rec.line;
        return out;
      }
      if (i >= t.size()) {
        end_of_record = true;
      } else if (t[i] == ',') {
        ++i;
      } else {
        if (t[i] == '\r') ++i;
        if (i < t.size() && t[i] == '\n') ++i;
        ++line;
        end_of_record = true;
      }
    }
    // A blank line (one empty field) is skipped.
    if (rec.fields.size() == 1 && rec.fields[0].empty()) continue;
    if (out.size() >= limits.max_records) {  // hardening
      error = std::string("more than ") + std::to_string(limits.max_records - 1) + " rows (" + limits.records_option + ")";
      error_line = rec.line;
      return out;
    }
    out.push_back(std::move(rec));
  }
  return out;
}

}  // namespace gridroute::detail
