// The id and name syntaxes of the contract, in one place.
#include "compile/names.hpp"

namespace gridroute::detail {

bool valid_id(std::string_view id, std::size_t max_bytes) {
  if (id.empty() || id.size() > max_bytes) return false;
  for (char c : id)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
          c == ':' || c == '-'))
      return false;
  return true;
}

bool valid_label(std::string_view n) {
  if (n.empty() || n.size() > 64) return false;
  for (char ch : n)
    if (static_cast<unsigned char>(ch) < 0x20 || ch == 0x7F) return false;
  return true;
}

bool valid_name(std::string_view n) {
  if (n.empty() || n.size() > 64 || !(n[0] >= 'a' && n[0] <= 'z')) return false;
  for (char c : n)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
  return true;
}

bool valid_code(std::string_view code) {
  if (code.empty() || code.size() > 256) return false;
  bool seg_empty = true;
  for (char c : code) {
    if (c == '.') {
      if (seg_empty) return false;
      seg_empty = true;
    } else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_') {
      seg_empty = false;
    } else {
      return false;
    }
  }
  return !seg_empty;
}

}  // namespace gridroute::detail
