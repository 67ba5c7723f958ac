// Reading JSON Lines from a file descriptor (see io/lines.hpp).
#include "io/lines.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace gridroute::detail {

// `length` holds the line's length as read; `v` its text, unless that is over the limit.
StreamReader::Got StreamReader::finish(std::string_view v, std::string_view& out, std::uint64_t& length) {
  const bool first = first_;
  first_ = false;
  const int last_byte = last_byte_;
  last_byte_ = -1;
  switch (frame_line(v, length, first, max_, length, last_byte)) {
    case Framed::blank: return Got::blank;
    case Framed::too_long: return Got::too_long;
    case Framed::line: break;
  }
  out = v;
  return Got::line;
}

StreamReader::Got StreamReader::next(std::string_view& out, std::uint64_t& length) {
  out = {};
  length = 0;
  // One more byte than the limit is kept: room for the '\r' of a CRLF line end, which is not counted.
  const std::size_t keep = max_ + 1;
  // The usual case: the whole line is in the buffer, and is answered where it lies.
  if (pos_ < end_) {
    const char* start = buf_.data() + pos_;
    if (const char* nl = static_cast<const char*>(std::memchr(start, '\n', end_ - pos_))) {
      const std::size_t take = static_cast<std::size_t>(nl - start);
      pos_ += take + 1;
      length = take;
      return finish(std::string_view(start, take), out, length);
    }
  }
  // A line that goes on past the buffer: gathered in carry_ across reads.
  carry_.clear();
  bool over = false, any = false;
  while (true) {
    if (pos_ == end_) {
      // read(2), not fread: it returns what a pipe has now instead of waiting for a full buffer.
      ssize_t n = ::read(fd_, buf_.data(), buf_.size());
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) {
        errno_ = errno;
        return Got::error;
      }
      if (n == 0) {
        if (!any) return Got::eof;
        return finish(carry_, out, length);  // a last line without a newline
      }
      pos_ = 0;
      end_ = static_cast<std::size_t>(n);
      if (!any && carry_.empty()) {
        // A fresh buffer that holds the whole next line: no copy either.
        const char* start = buf_.data();
        if (const char* nl = static_cast<const char*>(std::memchr(start, '\n', end_))) {
          const std::size_t take = static_cast<std::size_t>(nl - start);
          pos_ = take + 1;
          length = take;
          return finish(std::string_view(start, take), out, length);
        }
      }
    }
    any = true;
    const char* start = buf_.data() + pos_;
    const char* nl = static_cast<const char*>(std::memchr(start, '\n', end_ - pos_));
    std::size_t take = nl ? static_cast<std::size_t>(nl - start) : end_ - pos_;
    length += take;
    if (take > 0) last_byte_ = over || carry_.size() + take > keep ? static_cast<unsigned char>(start[take - 1]) : -1;
    if (!over) {
      if (carry_.size() + take > keep) {
        over = true;
        std::string().swap(carry_);
        first_ = false;
      } else {
        carry_.append(start, take);
      }
    }
    pos_ += take;
    if (nl) {
      ++pos_;
      return finish(carry_, out, length);
    }
  }
}

}  // namespace gridroute::detail
