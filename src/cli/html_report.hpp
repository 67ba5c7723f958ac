// Internal to the CLI: the page `gridroute diff --html` writes — one self-contained HTML file (inline
// CSS, SVG and a little JavaScript; nothing fetched from the network) with the summary as tables, bar
// charts of the moves by handler and by the owner's unit tier, and the changed lines as a sortable table
// with each side's trace.
//
// The page checks itself when it opens: its script sorts the table once, re-counts what the page shows
// against the summary it carries, and writes the result (and any script error) into
// <div id="selfcheck">, so a headless browser's --dump-dom shows whether a person would see the right
// numbers. `#sort=COLUMN` or `#sort=COLUMN:desc` in the address sorts the table on opening.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "cli/diff.hpp"

namespace gridroute::cli {

// One changed line of the report's table.
struct ReportRow {
  bool is_case = false;           // a case line (an action), else an issue line (a decision)
  std::string id;                 // the line's id as written: "L01", 20261120001, or "null" when unreadable
  std::vector<std::string> changed;
  std::string old_what, new_what;        // status or action
  std::string old_handler, new_handler;  // or "(unrouted)", ...
  std::string old_rule, new_rule;
  std::string old_tier, new_tier;        // the tier of the owner's unit
  std::string old_due, new_due;          // resolve_by (or next_check for a holding case), RFC 3339
  std::int64_t due_shift = 0;            // seconds, new − old (0 when either has none)
  std::vector<std::string> old_trace, new_trace;
};

// The whole page. `rows_left_out`: changed lines not in the table (it holds the first ones).
std::string render_html(const DiffSummary& summary, const std::vector<ReportRow>& rows, std::size_t rows_left_out);

}  // namespace gridroute::cli
