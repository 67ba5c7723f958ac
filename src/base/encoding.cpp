// Telling why a text is not UTF-8 (see encoding.hpp).
#include "base/encoding.hpp"

#include <iconv.h>

#include <algorithm>

#include "base/strings.hpp"
#include "base/text.hpp"

namespace gridroute::detail {
namespace {

// The text converted from GBK to UTF-8 with glibc's iconv, or "" when it does not convert.
std::string from_gbk(std::string_view text) {
  iconv_t cd = iconv_open("UTF-8", "GBK");
  if (cd == reinterpret_cast<iconv_t>(-1)) return "";
  std::string out(text.size() * 2 + 16, '\0');
  char* in = const_cast<char*>(text.data());
  std::size_t in_left = text.size();
  char* o = out.data();
  std::size_t out_left = out.size();
  const std::size_t r = iconv(cd, &in, &in_left, &o, &out_left);
  iconv_close(cd);
  if (r == static_cast<std::size_t>(-1) || in_left != 0) return "";
  out.resize(out.size() - out_left);
  return out;
}

}  // namespace

bool looks_gbk(std::string_view text) {
  bool common = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto lead = static_cast<unsigned char>(text[i]);
    if (lead < 0x80) continue;
    if (lead == 0x80 || lead == 0xFF || i + 1 >= text.size()) return false;
    const auto trail = static_cast<unsigned char>(text[++i]);
    if (trail < 0x40 || trail == 0x7F || trail == 0xFF) return false;
    common = common || (lead >= 0xB0 && lead <= 0xF7 && trail >= 0xA1);
  }
  return common;
}

std::string encoding_hint(std::string_view text, std::size_t bad_at, TextKind kind) {
  // Compressed files, the commonest non-text given by mistake (public data often comes as .gz).
  if (text.substr(0, 2) == "\x1f\x8b")
    return kind == TextKind::line ? "; the input is gzip-compressed: decompress it first (zcat FILE | gridroute ... -)"
                                  : "; the file is gzip-compressed: decompress it first (gunzip -k FILE) and name the "
                                    "file that writes";
  if (text.substr(0, 4) == std::string_view("PK\x03\x04", 4))
    return kind == TextKind::csv ? "; the file is a ZIP archive, as an Excel workbook (.xlsx) is: save it from Excel "
                                   "as \"CSV UTF-8\""
                                 : "; the file is a ZIP archive: extract it first";
  // UTF-16, as Windows tools save "Unicode" text: its byte-order mark is never UTF-8.
  if (text.substr(0, 2) == "\xFF\xFE" || text.substr(0, 2) == "\xFE\xFF") {
    const char* from = text[0] == '\xFF' ? "UTF-16LE" : "UTF-16BE";
    return cat("; the ", kind == TextKind::line ? "input" : "file", " is ", from,
               " (it starts with that byte-order mark): save it as UTF-8 or convert it: iconv -f ", from, " -t UTF-8");
  }
  if (text.substr(0, 3) == "\xEF\xBB\xBF") {
    text.remove_prefix(3);
    bad_at = bad_at >= 3 ? bad_at - 3 : 0;
  }
  if (!looks_gbk(text)) return "";
  // The line holding the first bad byte, as GBK reads it (a short sample).
  bad_at = std::min(bad_at, text.size());
  std::size_t begin = text.rfind('\n', bad_at == 0 ? 0 : bad_at - 1);
  begin = begin == std::string_view::npos || bad_at == 0 ? 0 : begin + 1;
  std::size_t end = text.find('\n', bad_at);
  if (end == std::string_view::npos) end = text.size();
  std::string_view line = text.substr(begin, std::min<std::size_t>(end - begin, 120));
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  std::string sample = from_gbk(line);
  if (sample.empty() && line.size() > 1) sample = from_gbk(line.substr(0, line.size() - 1));  // cut in a character
  std::string out = cat("; the ", kind == TextKind::line ? "line" : "file", " looks GBK-encoded",
                         kind == TextKind::csv ? " (what Excel saves as \"CSV\" on Chinese Windows)" : "");
  if (!sample.empty() && valid_utf8(sample)) {
    out += ": in GBK it reads ";
    append_json_string(out, utf8_prefix(sample, 80));
  }
  switch (kind) {
    case TextKind::csv: out += "; save it as UTF-8 (\"CSV UTF-8\" in Excel) or convert it: iconv -f GBK -t UTF-8"; break;
    case TextKind::json: out += "; save it as UTF-8 or convert it: iconv -f GBK -t UTF-8"; break;
    case TextKind::line: out += "; convert the input: iconv -f GBK -t UTF-8"; break;
  }
  return out;
}

}  // namespace gridroute::detail
