// Internal: the syntaxes of ids and names (SPEC §2), used wherever one is checked.
#pragma once

#include <cstddef>
#include <string_view>

namespace gridroute::detail {

bool valid_id(std::string_view id, std::size_t max_bytes);  // 1..max bytes of [A-Za-z0-9._:-]
bool valid_name(std::string_view name);   // [a-z][a-z0-9_]*, at most 64 bytes (tiers)
bool valid_label(std::string_view name);  // 1-64 bytes, no control characters (roles, departments)
bool valid_code(std::string_view code);   // dotted [a-z0-9_]+ segments (categories)

}  // namespace gridroute::detail
