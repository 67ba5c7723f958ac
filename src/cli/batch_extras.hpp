// Internal to the CLI: what `route` and `escalate` add around the codec — a platform map in front of it
// (--map), and a count of the records behind it for the summary line and --fail-on-rejected.
#pragma once

#include <array>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "gridroute/linemap.hpp"

namespace gridroute::cli {

using BlockFn = std::function<void(std::span<const std::string_view>, std::string&)>;

// Counts records by status (route) or action (escalate), reading the field each record names first.
class Tally {
 public:
  explicit Tally(bool route) : route_(route) {}
  // Counts `records`: whole records, each ending with '\n'.
  void count(std::string_view records);
  std::size_t lines() const { return lines_; }
  std::size_t rejected() const;
  // e.g. "24 lines: 20 routed, 1 unrouted, 3 rejected"; for escalate the actions that occurred, in the
  // order of the contract.
  std::string summary() const;
  // The first rejected records (at most kShown): their number among the records (1-based) and error.
  static constexpr std::size_t kShown = 5;
  const std::vector<std::pair<std::size_t, std::string>>& first_rejected() const { return first_rejected_; }

 private:
  bool route_;
  std::size_t lines_ = 0;
  std::vector<std::pair<std::string, std::size_t>> counts_;
  std::vector<std::pair<std::size_t, std::string>> first_rejected_;
};

// The line numbers of records (1-based, ascending) in the JSON Lines file `path`, framed as the stream
// frames it (blank lines get no record); 0 for a record the file does not hold (it was cut meanwhile).
std::vector<std::size_t> line_numbers_of_records(const std::string& path, std::size_t max_line_bytes,
                                                 const std::vector<std::size_t>& records);

// Answers a block of platform lines: each is mapped through `map`; the mapped ones are answered by
// `inner`, in one block; a line the map refuses gets a rejected record in its place.
class MappedBlocks {
 public:
  MappedBlocks(const LineMap& map, bool route, std::string_view digest) : map_(map), route_(route), digest_(digest) {}
  void answer(std::span<const std::string_view> block, std::string& out, const BlockFn& inner);

 private:
  const LineMap& map_;
  bool route_;
  std::string digest_;
  std::vector<std::string> mapped_;
  std::vector<std::string_view> views_;
  std::vector<std::string> refused_;  // per line: the rejected record, or "" when mapped
  std::string answers_;
};

// --map FILE, --summary and --fail-on-rejected for `route` and `escalate`: their options, and the work
// they add around the codec's blocks.
class BatchExtras {
 public:
  // Reads args[i] when it is one of these options: -1 when it is not, 0 when read (`i` moved past its
  // value), 1 on a usage error (then `usage` says what).
  int option(const std::string& command, const std::vector<std::string>& args, std::size_t& i);
  std::string usage;

  // Loads the map, if any; false after printing its errors on standard error.
  bool load_map();
  // `quiet`: --quiet was given (no summary on a terminal then, unless --summary).
  void begin(bool route, std::string_view digest, bool quiet);
  // The block and over-long-line answerers to give answer_stream: `decide` (or `inner`) wrapped with the
  // map and the tally.
  BlockFn block(BlockFn decide);
  std::function<void(std::size_t, std::string&)> too_long(std::function<void(std::size_t, std::string&)> inner);
  // Prints the summary line (on a terminal unless `quiet`, or always with --summary) and gives the exit
  // status: `status` from the stream, else 4 when --fail-on-rejected and any line was rejected.
  // Under it, the first rejected lines, each as FILE:LINE: error (`input`: the path, or "-").
  int finish(const std::string& command, int status, bool quiet, const std::string& input = "-",
             std::size_t max_line_bytes = 0);

 private:
  std::string map_path_;
  bool summary_ = false;
  bool fail_on_rejected_ = false;
  std::optional<LineMap> map_;
  std::unique_ptr<Tally> tally_;
  std::unique_ptr<MappedBlocks> mapped_;
};

// The exit status when some line was rejected and --fail-on-rejected was given.
inline constexpr int kExitRejected = 4;

}  // namespace gridroute::cli
