// The C ABI's shared parts (boundary.hpp): errors, options, reading C issues; and the entry points that
// need no engine — version, status strings, buffers, errors, time.
#include "boundary.hpp"

#include <atomic>

#include "base/text.hpp"
#include "base/zone.hpp"

namespace gridroute::capi {
namespace {

// ---- test-only fault injection (compiled in only for the test build of the library)

#ifdef GRIDROUTE_CAPI_TESTING
std::atomic<int> g_fault{0};
#endif

}  // namespace

void maybe_fault() {
#ifdef GRIDROUTE_CAPI_TESTING
  switch (g_fault.exchange(0)) {
    case GRIDROUTE_TESTING_FAULT_EXCEPTION: throw std::runtime_error("injected fault");
    case GRIDROUTE_TESTING_FAULT_BAD_ALLOC: throw std::bad_alloc();
    case GRIDROUTE_TESTING_FAULT_UNKNOWN: throw 42;
    default: break;
  }
#endif
}

const gridroute_error kNoMemoryError = {GRIDROUTE_E_NO_MEMORY, "out of memory", "", 0, 0, "", 0, nullptr};

namespace {
// Lays out diagnostics and strings after a header of `head` bytes in one allocation.
// The text as a C string of UTF-8 shows it: a NUL inside it (a message quoting its input) is written as
// the six characters \u0000, so the C string is the whole text, and a byte that is not UTF-8 (a message
// quoting a caller's path or time that is not) as the four characters \xNN, so every string the error
// holds is valid UTF-8.
std::string c_text(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  while (!s.empty()) {
    std::size_t bad = 0;
    const bool valid = gridroute::detail::valid_utf8(s, bad);
    const std::string_view good = s.substr(0, valid ? s.size() : bad);
    for (char c : good) {
      if (c == '\0') out += "\\u0000";
      else out.push_back(c);
    }
    if (valid) break;
    static constexpr char kHex[] = "0123456789ABCDEF";
    const auto byte = static_cast<unsigned char>(s[bad]);
    out += "\\x";
    out.push_back(kHex[byte >> 4]);
    out.push_back(kHex[byte & 15]);
    s.remove_prefix(bad + 1);
  }
  return out;
}

class Block {
 public:
  explicit Block(std::size_t head) : size_(head) {}
  // Strings are NUL-terminated for C, as c_text writes them.
  void reserve_string(std::string_view s) {
    texts_.push_back(c_text(s));
    size_ += texts_.back().size() + 1;
  }
  bool allocate() {
    base_ = static_cast<char*>(std::calloc(1, size_));
    cursor_ = base_;
    return base_ != nullptr;
  }
  char* base() const { return base_; }
  void* take(std::size_t n) {
    char* p = cursor_;
    cursor_ += n;
    return p;
  }
  // The strings reserved, in the order they were reserved: put writes the next one.
  const char* put() {
    char* p = cursor_;
    const std::string& s = texts_[next_++];
    std::memcpy(cursor_, s.data(), s.size());
    cursor_ += s.size();
    *cursor_++ = '\0';
    return p;
  }

 private:
  std::vector<std::string> texts_;
  std::size_t next_ = 0;
  std::size_t size_;
  char* base_ = nullptr;
  char* cursor_ = nullptr;
};

void reserve_diagnostics(Block& b, const std::vector<gridroute::Diagnostic>& ds) {
  for (const auto& d : ds) {
    b.reserve_string(d.file);
    b.reserve_string(d.pointer);
    b.reserve_string(d.message);
    b.reserve_string(d.to_string());
  }
}

gridroute_diagnostic* put_diagnostics(Block& b, const std::vector<gridroute::Diagnostic>& ds) {
  if (ds.empty()) return nullptr;
  auto* items = static_cast<gridroute_diagnostic*>(b.take(sizeof(gridroute_diagnostic) * ds.size()));
  for (std::size_t i = 0; i < ds.size(); ++i) {
    const auto& d = ds[i];
    gridroute_diagnostic& g = items[i];
    g.severity = d.severity == gridroute::Diagnostic::Severity::error ? GRIDROUTE_SEVERITY_ERROR
                                                                       : GRIDROUTE_SEVERITY_WARNING;
    g.line = d.line;
    g.column = d.column;
    g.file = b.put();  // in the order reserve_diagnostics reserved them
    g.pointer = b.put();
    g.message = b.put();
    g.text = b.put();
  }
  return items;
}

}  // namespace

gridroute_error* make_error(int code, std::string_view message, const std::vector<gridroute::Diagnostic>& ds) {
  static_assert(alignof(gridroute_diagnostic) <= alignof(gridroute_error));
  std::size_t head = (sizeof(gridroute_error) + alignof(gridroute_diagnostic) - 1) / alignof(gridroute_diagnostic) *
                     alignof(gridroute_diagnostic);
  Block b(head + sizeof(gridroute_diagnostic) * ds.size());
  reserve_diagnostics(b, ds);
  b.reserve_string(message);
  b.reserve_string("");
  if (!b.allocate()) return const_cast<gridroute_error*>(&kNoMemoryError);
  auto* e = reinterpret_cast<gridroute_error*>(b.take(head));
  e->code = code;
  e->diagnostics = put_diagnostics(b, ds);
  e->diagnostic_count = ds.size();
  e->message = b.put();
  const char* empty = b.put();
  e->file = e->pointer = empty;
  if (!ds.empty()) {
    e->file = e->diagnostics[0].file;
    e->pointer = e->diagnostics[0].pointer;
    e->line = ds[0].line;
    e->column = ds[0].column;
  }
  return e;
}

void set_error(gridroute_error** err, int code, std::string_view message,
               const std::vector<gridroute::Diagnostic>& ds) {
  if (!err) return;
  try {
    *err = make_error(code, message, ds);
  } catch (...) {
    *err = const_cast<gridroute_error*>(&kNoMemoryError);
  }
}


gridroute_diagnostics* make_diagnostics(const std::vector<gridroute::Diagnostic>& findings) {
  std::size_t head = (sizeof(gridroute_diagnostics) + alignof(gridroute_diagnostic) - 1) /
                     alignof(gridroute_diagnostic) * alignof(gridroute_diagnostic);
  Block b(head + sizeof(gridroute_diagnostic) * findings.size());
  reserve_diagnostics(b, findings);
  if (!b.allocate()) throw std::bad_alloc();
  auto* list = static_cast<gridroute_diagnostics*>(b.take(head));
  list->count = findings.size();
  list->items = put_diagnostics(b, findings);
  return list;
}


gridroute::LoadOptions load_options(const gridroute_load_options* o) {
  gridroute::LoadOptions lo;
  if (!o) return lo;
  check_size(o, "gridroute_load_options");
  if (o->max_json_depth) lo.max_json_depth = o->max_json_depth;
  if (o->max_file_bytes) lo.max_file_bytes = static_cast<std::size_t>(o->max_file_bytes);
  if (o->max_units) lo.max_units = static_cast<std::size_t>(o->max_units);
  if (o->max_handlers) lo.max_handlers = static_cast<std::size_t>(o->max_handlers);
  if (o->max_rules) lo.max_rules = static_cast<std::size_t>(o->max_rules);
  if (o->max_errors) lo.max_errors = static_cast<std::size_t>(o->max_errors);
  if (has_11(o) && o->max_calendars) lo.max_calendars = static_cast<std::size_t>(o->max_calendars);
  return lo;
}

gridroute::BundleSources bundle_sources(const gridroute_bundle_sources* s) {
  require(s, "sources");
  check_size(s, "gridroute_bundle_sources");
  gridroute::BundleSources b;
  if (s->label) b.label = std::string(in_str(s->label, s->label_len, "sources->label"));
  b.jurisdiction_json =
      std::string(in_str(s->jurisdiction_json, s->jurisdiction_json_len, "sources->jurisdiction_json", true));
  b.rules_json = std::string(in_str(s->rules_json, s->rules_json_len, "sources->rules_json", true));
  if (s->file_count && !s->files) fail(GRIDROUTE_E_INVALID_ARGUMENT, "sources->files is NULL with a non-zero file_count");
  check_count(s->file_count, sizeof(gridroute_file), "sources->file_count");
  for (std::size_t i = 0; i < s->file_count; ++i) {
    const gridroute_file& f = s->files[i];
    b.files.emplace_back(std::string(in_str(f.name, f.name_len, "sources->files[].name", true)),
                         std::string(in_str(f.data, f.data_len, "sources->files[].data", true)));
  }
  return b;
}


void read_issue_head(const gridroute_issue* in, gridroute::Issue& is) {
  require(in, "issue");
  check_size(in, "gridroute_issue");
  is.id = in_str(in->id, in->id_len, "issue->id");
  is.category = in_str(in->category, in->category_len, "issue->category");
  is.cell = in_str(in->cell, in->cell_len, "issue->cell");
  is.at = in->at == 0 || in->at == GRIDROUTE_TIME_NONE ? gridroute::kNoInstant : in->at;
  is.has_location = false;
  if (has_11(in) && in->has_location) {
    if (in->has_location != 1) fail(GRIDROUTE_E_INVALID_ARGUMENT, "issue->has_location must be 0 or 1");
    is.has_location = true;
    is.lon = in->lon;
    is.lat = in->lat;
  }
  is.attrs.clear();
}

void read_attrs(const gridroute_issue* in, gridroute::Issue& is) {
  if (in->attr_count && !in->attrs) fail(GRIDROUTE_E_INVALID_ARGUMENT, "issue->attrs is NULL with a non-zero attr_count");
  check_count(in->attr_count, sizeof(gridroute_attr), "issue->attr_count");
  is.attrs.clear();
  for (std::size_t i = 0; i < in->attr_count; ++i) {
    const gridroute_attr& a = in->attrs[i];
    std::string_view name = in_str(a.name, a.name_len, "issue->attrs[].name", true);
    gridroute::AttrValue v;
    switch (a.type) {
      case GRIDROUTE_ATTR_BOOL: v = gridroute::AttrValue::boolean(a.boolean != 0); break;
      case GRIDROUTE_ATTR_NUMBER: v = gridroute::AttrValue::number(a.number); break;
      case GRIDROUTE_ATTR_STRING: v = gridroute::AttrValue::string(in_str(a.string, a.string_len, "issue->attrs[].string")); break;
      case GRIDROUTE_ATTR_NULL: v.type = gridroute::AttrValue::Type::null_; break;
      case GRIDROUTE_ATTR_OBJECT: v.type = gridroute::AttrValue::Type::object; break;
      case GRIDROUTE_ATTR_LIST: v.type = gridroute::AttrValue::Type::list; break;
      default:
        fail(GRIDROUTE_E_INVALID_ARGUMENT, "issue->attrs[" + std::to_string(i) + "].type is not a gridroute_attr_type");
    }
    is.attrs.emplace_back(name, v);
  }
}

void read_issue(const gridroute_issue* in, gridroute::Issue& is) {
  read_issue_head(in, is);
  read_attrs(in, is);
}

// The core reads a gridroute_attr where it is, at the offsets of detail::CAttrs.
using gridroute::detail::CAttrs;
static_assert(sizeof(gridroute_attr) == CAttrs::kSize && std::is_standard_layout_v<gridroute_attr>);
static_assert(offsetof(gridroute_attr, name) == CAttrs::kName && offsetof(gridroute_attr, name_len) == CAttrs::kNameLen &&
              offsetof(gridroute_attr, type) == CAttrs::kType && offsetof(gridroute_attr, boolean) == CAttrs::kBoolean &&
              offsetof(gridroute_attr, number) == CAttrs::kNumber && offsetof(gridroute_attr, string) == CAttrs::kString &&
              offsetof(gridroute_attr, string_len) == CAttrs::kStringLen);
static_assert(GRIDROUTE_ATTR_BOOL == static_cast<int>(gridroute::AttrValue::Type::boolean) &&
              GRIDROUTE_ATTR_NUMBER == static_cast<int>(gridroute::AttrValue::Type::number) &&
              GRIDROUTE_ATTR_STRING == static_cast<int>(gridroute::AttrValue::Type::string) &&
              GRIDROUTE_ATTR_NULL == static_cast<int>(gridroute::AttrValue::Type::null_) &&
              GRIDROUTE_ATTR_OBJECT == static_cast<int>(gridroute::AttrValue::Type::object) &&
              GRIDROUTE_ATTR_LIST == static_cast<int>(gridroute::AttrValue::Type::list));

CAttrs attrs_in_place(const gridroute_issue* in) {
  const std::size_t n = in->attr_count;
  if (n == 0 || !in->attrs || n > static_cast<std::size_t>(PTRDIFF_MAX) / sizeof(gridroute_attr)) return {};
  constexpr auto kMaxLen = static_cast<std::size_t>(PTRDIFF_MAX);  // GRIDROUTE_NTS is past it
  for (std::size_t i = 0; i < n; ++i) {
    const gridroute_attr& a = in->attrs[i];
    if (!a.name || a.name_len > kMaxLen || a.type < GRIDROUTE_ATTR_BOOL || a.type > GRIDROUTE_ATTR_LIST) return {};
    if (a.type == GRIDROUTE_ATTR_STRING && (a.string_len > kMaxLen || (!a.string && a.string_len))) return {};
  }
  return {reinterpret_cast<const std::byte*>(in->attrs), n};
}

namespace {
std::string repeated_message(std::string_view name) {
  return "duplicate key at /attrs/" + std::string(name) + " (a key may appear once in an object)";
}
}  // namespace

std::string repeated_attr(const gridroute::Issue& is) {
  const auto& a = is.attrs;
  for (std::size_t i = 1; i < a.size(); ++i)
    for (std::size_t j = 0; j < i; ++j)
      if (a[i].first == a[j].first) return repeated_message(a[i].first);
  return {};
}

std::string repeated_attr(const gridroute_issue* in) {
  const gridroute_attr* a = in->attrs;
  auto name = [&](std::size_t i) { return std::string_view(a[i].name, a[i].name_len); };
  for (std::size_t i = 1; i < in->attr_count; ++i)
    for (std::size_t j = 0; j < i; ++j)
      if (name(i) == name(j)) return repeated_message(name(i));
  return {};
}


}  // namespace gridroute::capi

using namespace gridroute::capi;

extern "C" {

// ---- version, status, buffers, errors

const char* gridroute_version(void) { return GRIDROUTE_VERSION_STRING; }

uint32_t gridroute_version_number(void) { return GRIDROUTE_VERSION_NUMBER; }

const char* gridroute_status_string(int status) {
  switch (status) {
    case GRIDROUTE_OK: return "ok";
    case GRIDROUTE_E_INVALID_ARGUMENT: return "invalid argument";
    case GRIDROUTE_E_STRUCT_SIZE: return "unknown struct_size";
    case GRIDROUTE_E_BUNDLE: return "bundle refused";
    case GRIDROUTE_E_REJECTED: return "input rejected";
    case GRIDROUTE_E_NO_MEMORY: return "out of memory";
    case GRIDROUTE_E_INTERNAL: return "internal error";
    default: return "unknown status";
  }
}

void gridroute_buf_dispose(gridroute_buf* buf) {
  if (!buf) return;
  std::free(buf->ptr);
  buf->ptr = nullptr;
  buf->len = 0;
  buf->reserved = 0;
}

void gridroute_error_free(gridroute_error* err) {
  if (!err || err == &kNoMemoryError) return;
  std::free(err);
}

void gridroute_diagnostics_free(gridroute_diagnostics* list) { std::free(list); }

// ---- time

int gridroute_time_parse(int64_t* out, const char* text, size_t len, gridroute_error** err) {
  return guard(err, [&] {
    require(out, "out");
    std::string_view t = in_str(text, len, "text", true);
    auto r = gridroute::parse_rfc3339(t);
    if (!r.ok()) fail(GRIDROUTE_E_INVALID_ARGUMENT, std::string(r.status().message()));
    // Only instants every other call accepts: "0000-01-01T00:00:00+23:59" parses, but to a time before
    // the calendar range.
    if (*r < gridroute::kMinInstant || *r >= gridroute::kMaxInstant)
      fail(GRIDROUTE_E_INVALID_ARGUMENT, "\"" + std::string(t) +
                                             "\" is outside the calendar range: from 0000-01-01T00:00:00Z to "
                                             "before 9000-01-01T00:00:00Z");
    *out = *r;
    return GRIDROUTE_OK;
  });
}

int gridroute_time_format(gridroute_buf* out, int64_t t, const char* tz, size_t tz_len, gridroute_error** err) {
  return guard(err, [&] {
    check_buf(out);
    std::string_view name = in_str(tz, tz_len, "tz", true);
    if (t == GRIDROUTE_TIME_NONE) fail(GRIDROUTE_E_INVALID_ARGUMENT, "t is GRIDROUTE_TIME_NONE");
    auto text = gridroute::format_rfc3339(t, name);
    if (!text.ok()) fail(GRIDROUTE_E_INVALID_ARGUMENT, std::string(text.status().message()));
    buf_set(out, *text);
    return GRIDROUTE_OK;
  });
}


#ifdef GRIDROUTE_CAPI_TESTING
void gridroute_testing_inject_fault(int fault) { g_fault.store(fault); }
#endif

}  // extern "C"
