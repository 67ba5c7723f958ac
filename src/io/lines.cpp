// Reading JSON Lines from a file descriptor (see io/lines.hpp).
#include "io/lines.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace gridroute::detail {

StreamReader::Got StreamReader::next(std::string& line, std::uint64_t& length) {
  line.clear();
  length = 0;
  bool over = false, any = false;
  // One more byte than the limit is kept: room for the '\r' of a CRLF line end, which is not counted.
  const std::size_t keep = max_ + 1;
  auto finish = [&]() {
    if (over) return Got::too_long;
    std::string_view v(line);
    const bool first = first_;
    first_ = false;
    if (!clean_line(v, first)) return Got::blank;
    if (v.size() > max_) {
      length = v.size();
      return Got::too_long;
    }
    line.assign(v);
    return Got::line;
  };
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
        return finish();  // a last line without a newline
      }
      pos_ = 0;
      end_ = static_cast<std::size_t>(n);
    }
    any = true;
    const char* start = buf_.data() + pos_;
    const char* nl = static_cast<const char*>(std::memchr(start, '\n', end_ - pos_));
    std::size_t take = nl ? static_cast<std::size_t>(nl - start) : end_ - pos_;
    length += take;
    if (!over) {
      if (line.size() + take > keep) {
        over = true;
        std::string().swap(line);
        first_ = false;
      } else {
        line.append(start, take);
      }
    }
    pos_ += take;
    if (nl) {
      ++pos_;
      return finish();
    }
  }
}

}  // namespace gridroute::detail
