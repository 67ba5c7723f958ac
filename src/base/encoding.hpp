// Internal: telling why a text is not UTF-8 — most often it is GBK, what Excel writes for "CSV" on
// Chinese Windows, and what many older Chinese systems export.
#pragma once

#include <string>
#include <string_view>

namespace gridroute::detail {

// Whether `text`, which is not valid UTF-8, reads as GBK: every byte above 0x7F is the lead (0x81–0xFE)
// of a two-byte GBK character whose trail is 0x40–0xFE (not 0x7F), and at least one of them is a
// common Chinese character of the GB 2312 range (lead 0xB0–0xF7, trail 0xA1–0xFE).
bool looks_gbk(std::string_view text);

// For a text that is not valid UTF-8: what it looks like, for an error message, e.g.
// `; the file looks GBK-encoded (line 2 reads "城南社区" in GBK): save it as UTF-8 ("CSV UTF-8" in Excel), or
// convert it with iconv -f GBK -t UTF-8`; "" when it looks like nothing in particular. `what` is
// "file" or "line"; `bad_at` is the offset of the first bad byte.
std::string encoding_hint(std::string_view text, std::size_t bad_at, std::string_view what);

}  // namespace gridroute::detail
