#include "load/json_text.hpp"

#include <cstring>

#include "absl/container/flat_hash_set.h"
#include "util.hpp"

namespace gridroute::detail {
namespace json = boost::json;

TextPos position_of(std::string_view text, std::size_t offset) {
  TextPos p;
  offset = std::min(offset, text.size());
  for (std::size_t i = 0; i < offset; ++i) {
    if (text[i] == '\n') {
      ++p.line;
      p.column = 1;
    } else {
      ++p.column;
    }
  }
  return p;
}

std::optional<json::value> parse_json(std::string_view text, std::size_t max_depth, std::string& error,
                                      std::size_t& offset) {
  json::parse_options opt;
  opt.max_depth = max_depth;
  json::parser p(json::storage_ptr(), opt);
  json::error_code ec;
  std::size_t n = p.write_some(text.data(), text.size(), ec);
  if (!ec && text.substr(n).find_first_not_of(" \t\r\n") != std::string_view::npos) ec = json::error::extra_data;
  if (ec) {
    offset = n;
    if (ec == json::error::too_deep)
      error = detail::cat("JSON nested deeper than ", max_depth, " levels");
    else if (ec == json::error::syntax || ec == json::error::extra_data)
      error = detail::cat("invalid JSON: ", ec.message());
    else
      error = detail::cat("invalid JSON: ", ec.message());
    return std::nullopt;
  }
  return p.release();
}

void append_token(std::string& pointer, std::string_view token) {
  pointer.push_back('/');
  for (char c : token) {
    if (c == '~') pointer += "~0";
    else if (c == '/') pointer += "~1";
    else pointer.push_back(c);
  }
}

std::string brief(const json::value& v) {
  switch (v.kind()) {
    case json::kind::object: return "an object";
    case json::kind::array: return "a list";
    case json::kind::null: return "null";
    case json::kind::string: {
      std::string s = json::serialize(v);
      if (s.size() > 60) s = s.substr(0, 57) + "...";
      return s;
    }
    default: return json::serialize(v);
  }
}

namespace {

// A minimal scanner over text that is already known to be valid JSON.
struct Scanner {
  std::string_view t;
  std::size_t i = 0;

  void ws() {
    while (i < t.size() && (t[i] == ' ' || t[i] == '\t' || t[i] == '\n' || t[i] == '\r')) ++i;
  }
  // Reads a string at t[i] == '"'; returns its decoded-enough content (escapes kept verbatim except \" \\ \/).
  std::string str() {
    std::string out;
    ++i;
    while (i < t.size() && t[i] != '"') {
      if (t[i] == '\\' && i + 1 < t.size()) {
        char e = t[i + 1];
        if (e == '"' || e == '\\' || e == '/') out.push_back(e);
        else if (e == 'n') out.push_back('\n');
        else if (e == 't') out.push_back('\t');
        else if (e == 'r') out.push_back('\r');
        else if (e == 'b') out.push_back('\b');
        else if (e == 'f') out.push_back('\f');
        else if (e == 'u' && i + 5 < t.size()) {
          unsigned cp = static_cast<unsigned>(std::strtoul(std::string(t.substr(i + 2, 4)).c_str(), nullptr, 16));
          i += 4;
          if (cp < 0x80) out.push_back(static_cast<char>(cp));
          else if (cp < 0x800) {
            out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
            out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
          } else {
            out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
            out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
            out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
          }
        }
        i += 2;
      } else {
        out.push_back(t[i++]);
      }
    }
    ++i;
    return out;
  }
  void skip() {
    ws();
    if (i >= t.size()) return;
    char c = t[i];
    if (c == '"') { str(); return; }
    if (c == '{' || c == '[') {
      // Skip a container by counting brackets outside strings.
      int level = 0;
      while (i < t.size()) {
        char d = t[i];
        if (d == '"') { str(); continue; }
        if (d == '{' || d == '[') ++level;
        else if (d == '}' || d == ']') {
          if (--level == 0) { ++i; return; }
        }
        ++i;
      }
      return;
    }
    while (i < t.size() && t[i] != ',' && t[i] != '}' && t[i] != ']' && t[i] != ' ' && t[i] != '\n' &&
           t[i] != '\r' && t[i] != '\t')
      ++i;
  }
};

std::vector<std::string> split_pointer(std::string_view p) {
  std::vector<std::string> out;
  std::size_t i = 0;
  while (i < p.size() && p[i] == '/') {
    ++i;
    std::string tok;
    while (i < p.size() && p[i] != '/') {
      if (p[i] == '~' && i + 1 < p.size()) {
        tok.push_back(p[i + 1] == '1' ? '/' : '~');
        i += 2;
      } else {
        tok.push_back(p[i++]);
      }
    }
    out.push_back(std::move(tok));
  }
  return out;
}

}  // namespace

std::size_t locate(std::string_view text, std::string_view pointer) {
  Scanner s{text};
  auto tokens = split_pointer(pointer);
  s.ws();
  for (const std::string& tok : tokens) {
    s.ws();
    if (s.i >= text.size()) return text.size();
    std::size_t container = s.i;
    if (text[s.i] == '{') {
      ++s.i;
      bool found = false;
      while (true) {
        s.ws();
        if (s.i >= text.size() || text[s.i] == '}') break;
        std::size_t key_at = s.i;
        std::string key = s.str();
        s.ws();
        ++s.i;  // ':'
        if (key == tok) {
          s.ws();
          found = true;
          (void)key_at;
          break;
        }
        s.skip();
        s.ws();
        if (s.i < text.size() && text[s.i] == ',') ++s.i;
      }
      if (!found) return container;
    } else if (text[s.i] == '[') {
      ++s.i;
      std::size_t want = static_cast<std::size_t>(std::strtoull(tok.c_str(), nullptr, 10));
      bool found = false;
      for (std::size_t k = 0;; ++k) {
        s.ws();
        if (s.i >= text.size() || text[s.i] == ']') break;
        if (k == want) { found = true; break; }
        s.skip();
        s.ws();
        if (s.i < text.size() && text[s.i] == ',') ++s.i;
      }
      if (!found) return container;
    } else {
      return s.i;
    }
  }
  s.ws();
  return s.i;
}

std::vector<std::string> duplicate_keys(std::string_view text, std::size_t limit) {
  std::vector<std::string> out;
  // Iterative walk with an explicit stack of (pointer, keys seen, array index).
  struct Frame {
    std::string pointer;
    bool object;
    absl::flat_hash_set<std::string> keys;
    std::size_t index = 0;
  };
  Scanner s{text};
  std::vector<Frame> stack;
  std::string pending;  // pointer of the value about to be read
  auto open = [&](bool object) {
    Frame f;
    f.pointer = pending;
    f.object = object;
    stack.push_back(std::move(f));
    ++s.i;
  };
  while (out.size() < limit) {
    s.ws();
    if (s.i >= text.size()) break;
    char c = text[s.i];
    if (c == ',') { ++s.i; continue; }
    if (c == '}' || c == ']') {
      ++s.i;
      if (!stack.empty()) stack.pop_back();
      continue;
    }
    if (!stack.empty() && stack.back().object) {
      if (c != '"') break;  // not valid JSON; nothing more to say
      std::string key = s.str();
      s.ws();
      ++s.i;  // ':'
      pending = stack.back().pointer;
      append_token(pending, key);
      if (!stack.back().keys.insert(key).second) out.push_back(pending);
      s.ws();
      if (s.i >= text.size()) break;
      c = text[s.i];
    } else if (!stack.empty()) {
      pending = stack.back().pointer;
      append_token(pending, std::to_string(stack.back().index++));
    } else {
      pending.clear();
    }
    if (c == '{') open(true);
    else if (c == '[') open(false);
    else s.skip();
  }
  return out;
}

}  // namespace gridroute::detail
