// Internal to the CLI: answering a stream of JSON Lines (a file or standard input) on standard output,
// in blocks, with a progress bar on a terminal.
#pragma once

#include <cstddef>
#include <functional>
#include <span>
#include <string>
#include <string_view>

namespace gridroute::cli {

struct StreamOptions {
  std::string input = "-";        // a path, or "-" for standard input
  std::size_t max_line_bytes = 0;  // the codec's limit
  bool quiet = false;              // no progress bar
};

// The exit status when standard output is a closed pipe: 128 + SIGPIPE, what a shell shows for a
// command that SIGPIPE ended.
inline constexpr int kClosedPipe = 141;

// Answers every non-blank line: `block(lines, out)` appends one record and newline per line, in order;
// `too_long(length, out)` appends the record of a line over the limit (which is never kept). A pipe
// that pauses gets the answers so far. Returns the exit status: 0, 3 when the input cannot be read or
// the output cannot be written (with a message on stderr), or kClosedPipe (without one).
int answer_stream(const StreamOptions& options,
                  const std::function<void(std::span<const std::string_view>, std::string&)>& block,
                  const std::function<void(std::size_t, std::string&)>& too_long);

}  // namespace gridroute::cli
