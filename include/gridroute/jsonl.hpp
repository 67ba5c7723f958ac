// gridroute/jsonl.hpp — the JSON Lines formats of SPEC §4: issue and case lines in, decision and
// action lines out. Used by the CLI and the C ABI; handy for any host that speaks JSON.
//
//   gridroute::LineCodec codec(snapshot);          // one per thread; reuses its buffers
//   std::string out;
//   codec.route_line(R"({"id":"I-1","category":"street.vending",...})", /*explain=*/false, out);
//   // out == {"id": "I-1", "status": "routed", "rule": ..., ...}
#pragma once

#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "gridroute/snapshot.hpp"

namespace gridroute {

// What became of one line: its record is written either way; `rejected` says whether it was a
// `rejected` record, and `error` carries that record's error text.
struct LineResult {
  bool rejected = false;
  std::string error;
};

class LineCodec {
 public:
  explicit LineCodec(std::shared_ptr<const Snapshot> snapshot);
  ~LineCodec();
  LineCodec(const LineCodec&) = delete;
  LineCodec& operator=(const LineCodec&) = delete;

  // Routes one issue line and appends one decision object (no newline) to `out`. Never fails: a bad
  // line gives a `rejected` record.
  LineResult route_line(std::string_view line, bool explain, std::string& out);
  // Evaluates one case line at `now` and appends one action object (no newline) to `out`.
  LineResult escalate_line(std::string_view line, Instant now, std::string& out);

  // Many lines at once: appends, for each line in order, its record and a newline to `out` — the same
  // records as route_line / escalate_line one by one, faster, since the lines are decided in groups
  // whose memory reads are prefetched together. Returns how many records are `rejected`.
  std::size_t route_lines(std::span<const std::string_view> lines, bool explain, std::string& out);
  std::size_t escalate_lines(std::span<const std::string_view> lines, Instant now, std::string& out);

  const Snapshot& snapshot() const { return *snapshot_; }

 private:
  struct Impl;
  std::shared_ptr<const Snapshot> snapshot_;
  std::unique_ptr<Impl> impl_;
};

// Strict UTF-8 (RFC 3629: no overlong forms, no surrogates, nothing above U+10FFFF), the check every
// input line and string passes.
bool valid_utf8(std::string_view s);

// Appends a JSON string literal with escapes.
void append_json_string(std::string& out, std::string_view s);
// Appends a decision / an action as a JSON object. `id` is written as a string, or null when `id_null`.
void append_decision(std::string& out, const Snapshot& s, std::string_view id, bool id_null, const Decision& d,
                     bool explain);
void append_action(std::string& out, const Snapshot& s, std::string_view id, bool id_null, const Action& a);

}  // namespace gridroute
