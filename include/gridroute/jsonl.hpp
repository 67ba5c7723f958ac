// gridroute/jsonl.hpp — the JSON Lines formats of SPEC §4: issue and case lines in, decision and
// action lines out. The CLI and the C ABI answer through it; handy for any host that speaks JSON.
//
//   gridroute::LineCodec codec(snapshot, {.explain = true});   // one per thread; reuses its buffers
//   std::string out;
//   codec.route_line(R"({"id":"I-1","category":"street.vending",...})", out);
//   // out == {"id": "I-1", "status": "routed", "rule": ..., "trace": [...]}
//   codec.route_text(whole_file, out);                           // every line: one record each, in order
#pragma once

#include <cstddef>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "gridroute/snapshot.hpp"

namespace gridroute {

struct CodecOptions {
  // The longest line read, in bytes; a longer one is answered with a `rejected` record and not parsed.
  std::size_t max_line_bytes = std::size_t{1} << 20;
  // Add "trace": for a decision every rule considered in winning order and why each lost; for an action
  // the steps that led to it (a pin that could not be kept, who returned the case and who takes it).
  bool explain = false;
  // Decide a batch (route_lines, route_text, ...) on this many threads; 0 means one per hardware thread.
  // The records keep the input order whatever the count.
  unsigned threads = 1;
};

// What became of one line: its record is written either way; `rejected` says whether it was a
// `rejected` record, and `error` carries that record's error text.
struct LineResult {
  bool rejected = false;
  std::string error;
};

class LineCodec {
 public:
  explicit LineCodec(std::shared_ptr<const Snapshot> snapshot, CodecOptions options = {});
  ~LineCodec();
  LineCodec(const LineCodec&) = delete;
  LineCodec& operator=(const LineCodec&) = delete;

  // Routes one issue line and appends one decision object (no newline) to `out`. Never fails: a bad
  // line gives a `rejected` record.
  LineResult route_line(std::string_view line, std::string& out);
  // Evaluates one case line at `now` and appends one action object (no newline) to `out`.
  LineResult escalate_line(std::string_view line, Instant now, std::string& out);

  // Many lines at once: appends, for each line in order, its record and a newline to `out` — the same
  // records as route_line / escalate_line one by one, faster, since the lines are decided in groups
  // whose memory reads are prefetched together. Returns how many records are `rejected`.
  std::size_t route_lines(std::span<const std::string_view> lines, std::string& out);
  std::size_t escalate_lines(std::span<const std::string_view> lines, Instant now, std::string& out);

  // JSON Lines text: '\n' ends a line, a '\r' before it is dropped, a UTF-8 byte-order mark on the first
  // line is skipped, blank lines (spaces and tabs) get no record; every other line gets one.
  std::size_t route_text(std::string_view text, std::string& out);
  std::size_t escalate_text(std::string_view text, Instant now, std::string& out);

  // The record of a line of `length` bytes over max_line_bytes, which a streaming reader did not keep.
  void route_too_long(std::size_t length, std::string& out);
  void escalate_too_long(std::size_t length, std::string& out);

  const Snapshot& snapshot() const { return *snapshot_; }
  const CodecOptions& options() const { return options_; }

 private:
  struct Impl;
  std::shared_ptr<const Snapshot> snapshot_;
  CodecOptions options_;
  std::unique_ptr<Impl> impl_;
};

}  // namespace gridroute
