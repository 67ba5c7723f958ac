// Internal: reading issue and case lines (SPEC §4) into the engine's Issue and Case. The usual line goes
// through FastLine; anything else through Boost.JSON, with a worded error for each shape problem.
// Values (instants in range, levels, counts, UTF-8 of fields) are not checked here: the core checks
// them for every front end (decide/validate.hpp).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include <boost/json.hpp>

#include "base/time.hpp"
#include "base/zone.hpp"
#include "gridroute/decision.hpp"
#include "io/fast_line.hpp"
#include "io/writer.hpp"

namespace gridroute::detail {

// Where one line's values live while it is decided: the parsed JSON (strings of the Issue view into
// it, or into the line) and the digits of an integer id (or the id of a line that is not UTF-8).
struct LineSlot {
  boost::json::value value;
  std::string id_digits;
};

class LineParser {
 public:
  // `local_zone`: where instants without an offset are read (jurisdiction.json local_times), or null
  // when such an instant is an error.
  explicit LineParser(std::size_t max_line_bytes, const Zone* local_zone = nullptr);

  // Reads an issue line into `is`. On failure returns false with error() set; `id` is how the record
  // writes the id either way (null when it could not be read). `sp` is the memory for the parsed JSON.
  bool read_issue(std::string_view line, Issue& is, LineId& id, LineSlot& slot, boost::json::storage_ptr sp);
  bool read_case(std::string_view line, Case& c, LineId& id, LineSlot& slot, boost::json::storage_ptr sp);

  // The error of the last failed read.
  std::string& error() { return error_; }
  // The error for a line of `length` bytes over the limit (such a line is never parsed).
  std::string too_long(std::size_t length) const;
  std::size_t max_line_bytes() const { return max_line_bytes_; }

 private:
  bool parse(std::string_view line, boost::json::value& value, boost::json::storage_ptr sp);
  // The id of a line rejected as not UTF-8, when the id itself is readable: the line is rejected all the
  // same, but the platform can match the answer to its order. Leaves `id` null otherwise.
  void id_of_line_not_utf8(std::string_view line, LineId& id, LineSlot& slot) const;
  bool issue_fields(std::string_view line, const boost::json::object& o, Issue& is, LineId& id, LineSlot& slot);
  bool case_fields(const boost::json::object& o, Case& c);
  bool lifecycle_fields(const boost::json::object& o, Case& c);
  bool optional_string(const boost::json::object& o, std::string_view name, std::optional<std::string_view>& out);
  bool optional_time(const boost::json::value& v, std::string_view name, Instant& out);
  // Fails with why `v` is no time: a local time in a daylight-saving gap, or what is not RFC 3339.
  bool time_fault(const boost::json::value& v, std::string_view name);
  bool fast_issue(std::string_view line, Issue& is, LineId& id);
  bool fast_case(Case& c);
  bool fail(std::string msg);
  // "missing field 'name'" and `more`, naming a key of the line that reads as the field misspelt.
  bool missing(const boost::json::object& o, std::string_view name, std::string_view more = "");
  bool str_field(const boost::json::object& o, std::string_view name, std::string_view& out);
  bool time_field(const boost::json::object& o, std::string_view name, Instant& out);
  bool int_field(const boost::json::object& o, std::string_view name, std::int64_t& out, std::int64_t lo,
                 std::int64_t hi, std::string_view what);

  bool read_time(const boost::json::value& v, Instant& out) const;
  std::size_t max_line_bytes_;
  const Zone* local_zone_;
  boost::json::parser parser_;
  FastLine fast_;
  Rfc3339Reader times_;  // the fast path's times, the last date remembered
  std::string error_;
  std::string duplicate_;  // pointer of a repeated key in the line, if any
  bool not_utf8_ = false;  // the last parse failed on the line's UTF-8
};

}  // namespace gridroute::detail
