// Internal: JSON Lines framing, in one place for every reader — a '\n' ends a line, a '\r' before it is
// dropped, a UTF-8 byte-order mark on the first line is skipped, blank lines (spaces and tabs only) are
// skipped. `for_each_line` frames text in memory (the C ABI's batches); `StreamReader` frames a file
// descriptor without ever holding more than the line limit of one line (the CLI).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace gridroute::detail {

// Trims a raw line (without its '\n') as above; false when the line is blank and gets no record.
inline bool clean_line(std::string_view& line, bool first) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  if (first && line.substr(0, 3) == "\xEF\xBB\xBF") line.remove_prefix(3);
  return line.find_first_not_of(" \t") != std::string_view::npos;
}

// How one line of a stream is answered: a record, nothing (blank), or a `rejected` record (too long).
enum class Framed { line, blank, too_long };

// Frames one line read from a stream: `raw` is its length as read (without the '\n'); `line` holds its
// text when `raw` is within the limit. A line is too long when it is over `max` bytes before cleaning
// (one byte more is allowed for the '\r' of a CRLF end) or after; `length` then receives the length the
// `rejected` record reports, without the '\r' of a CRLF end as the limit counts it: `last_byte` is the
// line's last byte when `line` does not hold the whole line (-1: it does). Every stream reader (a file
// descriptor, a mapped file) frames through here.
inline Framed frame_line(std::string_view& line, std::uint64_t raw, bool first, std::size_t max,
                         std::uint64_t& length, int last_byte = -1) {
  if (raw > std::uint64_t{max} + 1) {
    const bool crlf = last_byte >= 0 ? last_byte == '\r' : !line.empty() && line.size() == raw && line.back() == '\r';
    length = raw - (crlf ? 1 : 0);
    return Framed::too_long;
  }
  if (!clean_line(line, first)) return Framed::blank;
  if (line.size() > max) {
    length = line.size();
    return Framed::too_long;
  }
  return Framed::line;
}

template <class Fn>
void for_each_line(std::string_view text, Fn&& fn) {
  bool first = true;
  while (!text.empty()) {
    std::size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
    if (clean_line(line, first)) fn(line);
    first = false;
  }
}

// Hardening: reads lines from a file descriptor without ever keeping more than `max` bytes of one line.
// A longer line is read to its end but not kept; the caller answers it with a `rejected` record.
// (getline would grow its buffer to the size of the longest line, so one endless line could exhaust
// memory.)
class StreamReader {
 public:
  enum class Got { line, blank, too_long, eof, error };
  // `first`: whether the next line is the file's first (whose byte-order mark is skipped).
  StreamReader(int fd, std::size_t max, bool first = true) : fd_(fd), max_(max), buf_(1 << 16), first_(first) {}

  // The next line, cleaned, valid until the next call (a view into the buffer, or into the reader's own
  // string for a line that a read cut); `length` receives its length in bytes as read (also when it is
  // too long).
  Got next(std::string_view& line, std::uint64_t& length);
  // Whether the next line (or part of it) is already read, so next() returns without waiting.
  bool buffered() const { return pos_ < end_; }
  // The error of a failed read (errno).
  int error() const { return errno_; }

 private:
  int fd_;
  std::size_t max_;
  std::vector<char> buf_;
  std::size_t pos_ = 0, end_ = 0;
  bool first_;
  int errno_ = 0;
  std::string carry_;  // a line read in parts
  int last_byte_ = -1;  // the last byte of a line read in parts, once it is over the limit

  Got finish(std::string_view v, std::string_view& out, std::uint64_t& length);
};

}  // namespace gridroute::detail
