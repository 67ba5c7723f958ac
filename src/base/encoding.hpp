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

// What a file that is not valid UTF-8 looks like, for an error message, e.g. `; the file looks
// GBK-encoded (what Excel saves as "CSV" on Chinese Windows): in GBK it reads "c2-01,c2,cell,城南";
// save it as UTF-8 ("CSV UTF-8" in Excel) or convert it: iconv -f GBK -t UTF-8`, with the line of the
// first bad byte (`bad_at`); for a gzip-compressed file or a ZIP archive (an .xlsx workbook), what to do
// with it; "" when it looks like nothing in particular. `kind` is what the file is:
// a spreadsheet's CSV gets Excel's words, other files (JSON, JSON Lines) do not.
enum class TextKind { csv, json, line };
std::string encoding_hint(std::string_view text, std::size_t bad_at, TextKind kind);

}  // namespace gridroute::detail
