// The C ABI (capi/include/gridroute.h) over the C++ engine. Every extern "C" function runs its body
// inside `guard`, which turns any exception into a status code and an optional gridroute_error: no C++
// exception or type ever crosses this boundary.
#include "gridroute.h"

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <mutex>
#include <new>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "base/text.hpp"
#include "base/zone.hpp"
#include "capi_internal.h"
#include "compile/index.hpp"
#include "gridroute/engine.hpp"
#include "gridroute/jsonl.hpp"
#include "io/writer.hpp"

namespace {

using gridroute::Instant;
using gridroute::Snapshot;

// ---- test-only fault injection (compiled in only for the test build of the library)

#ifdef GRIDROUTE_CAPI_TESTING
std::atomic<int> g_fault{0};
#endif

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

// ---- errors: one malloc'd block [gridroute_error][gridroute_diagnostic...][strings], freed with free()

// A failure that carries a status code, thrown inside `guard` bodies.
struct Failure {
  int code;
  std::string message;
  std::vector<gridroute::Diagnostic> diagnostics;
};

[[noreturn]] void fail(int code, std::string message) { throw Failure{code, std::move(message), {}}; }

// Returned when even the error cannot be allocated; gridroute_error_free ignores it.
const gridroute_error kNoMemoryError = {GRIDROUTE_E_NO_MEMORY, "out of memory", "", 0, 0, "", 0, nullptr};

// Lays out diagnostics and strings after a header of `head` bytes in one allocation.
class Block {
 public:
  explicit Block(std::size_t head) : size_(head) {}
  void reserve_string(std::string_view s) { size_ += s.size() + 1; }
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
  const char* put(std::string_view s) {
    char* p = cursor_;
    std::memcpy(p, s.data(), s.size());
    p[s.size()] = '\0';
    cursor_ += s.size() + 1;
    return p;
  }

 private:
  std::size_t size_;
  char* base_ = nullptr;
  char* cursor_ = nullptr;
};

void reserve_diagnostics(Block& b, const std::vector<gridroute::Diagnostic>& ds, std::vector<std::string>& texts) {
  texts.reserve(ds.size());
  for (const auto& d : ds) {
    texts.push_back(d.to_string());
    b.reserve_string(d.file);
    b.reserve_string(d.pointer);
    b.reserve_string(d.message);
    b.reserve_string(texts.back());
  }
}

gridroute_diagnostic* put_diagnostics(Block& b, const std::vector<gridroute::Diagnostic>& ds,
                                      const std::vector<std::string>& texts) {
  if (ds.empty()) return nullptr;
  auto* items = static_cast<gridroute_diagnostic*>(b.take(sizeof(gridroute_diagnostic) * ds.size()));
  for (std::size_t i = 0; i < ds.size(); ++i) {
    const auto& d = ds[i];
    gridroute_diagnostic& g = items[i];
    g.severity = d.severity == gridroute::Diagnostic::Severity::warning ? GRIDROUTE_SEVERITY_WARNING
                                                                         : GRIDROUTE_SEVERITY_ERROR;
    g.line = d.line;
    g.column = d.column;
    g.file = b.put(d.file);
    g.pointer = b.put(d.pointer);
    g.message = b.put(d.message);
    g.text = b.put(texts[i]);
  }
  return items;
}

gridroute_error* make_error(int code, std::string_view message, const std::vector<gridroute::Diagnostic>& ds) {
  static_assert(alignof(gridroute_diagnostic) <= alignof(gridroute_error));
  std::size_t head = (sizeof(gridroute_error) + alignof(gridroute_diagnostic) - 1) / alignof(gridroute_diagnostic) *
                     alignof(gridroute_diagnostic);
  Block b(head + sizeof(gridroute_diagnostic) * ds.size());
  std::vector<std::string> texts;
  reserve_diagnostics(b, ds, texts);
  b.reserve_string(message);
  b.reserve_string("");
  if (!b.allocate()) return const_cast<gridroute_error*>(&kNoMemoryError);
  auto* e = reinterpret_cast<gridroute_error*>(b.take(head));
  e->code = code;
  e->diagnostics = put_diagnostics(b, ds, texts);
  e->diagnostic_count = ds.size();
  e->message = b.put(message);
  const char* empty = b.put("");
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
               const std::vector<gridroute::Diagnostic>& ds = {}) {
  if (!err) return;
  try {
    *err = make_error(code, message, ds);
  } catch (...) {
    *err = const_cast<gridroute_error*>(&kNoMemoryError);
  }
}

// Runs `body` (returning a status) with every exception mapped to a status and an error.
template <class Body>
int guard(gridroute_error** err, Body&& body) noexcept {
  if (err) *err = nullptr;
  try {
    maybe_fault();
    return body();
  } catch (const Failure& f) {
    set_error(err, f.code, f.message, f.diagnostics);
    return f.code;
  } catch (const std::bad_alloc&) {
    set_error(err, GRIDROUTE_E_NO_MEMORY, "out of memory");
    return GRIDROUTE_E_NO_MEMORY;
  } catch (const std::exception& e) {
    try {
      set_error(err, GRIDROUTE_E_INTERNAL, std::string("internal error: ") + e.what());
    } catch (...) {
      set_error(err, GRIDROUTE_E_INTERNAL, "internal error");
    }
    return GRIDROUTE_E_INTERNAL;
  } catch (...) {
    set_error(err, GRIDROUTE_E_INTERNAL, "internal error: an unknown exception");
    return GRIDROUTE_E_INTERNAL;
  }
}

// For functions without a status (free/release): swallow everything.
template <class Body>
void guard_void(Body&& body) noexcept {
  try {
    maybe_fault();
    body();
  } catch (...) {
  }
}

// ---- arguments

template <class T>
void require(const T* p, const char* what) {
  if (!p) fail(GRIDROUTE_E_INVALID_ARGUMENT, std::string(what) + " must not be NULL");
}

// Checks a caller's struct_size: it must be the size of a version of the struct this library knows.
// (Only one version of each exists so far.)
template <class T>
void check_size(const T* s, const char* what) {
  if (s->struct_size != sizeof(T))
    fail(GRIDROUTE_E_STRUCT_SIZE, std::string(what) + ": struct_size is " + std::to_string(s->struct_size) +
                                      ", this library knows " + std::to_string(sizeof(T)) +
                                      " (initialise it with its _INIT macro)");
}

// An input string: pointer + length, GRIDROUTE_NTS for NUL-terminated; NULL only with length 0 (or NTS).
std::string_view in_str(const char* p, std::size_t n, const char* what, bool required = false) {
  if (!p) {
    if (required) fail(GRIDROUTE_E_INVALID_ARGUMENT, std::string(what) + " must not be NULL");
    if (n != 0 && n != GRIDROUTE_NTS)
      fail(GRIDROUTE_E_INVALID_ARGUMENT, std::string(what) + " is NULL with a non-zero length");
    return {};
  }
  if (n == GRIDROUTE_NTS) n = std::strlen(p);
  return {p, n};
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
  for (std::size_t i = 0; i < s->file_count; ++i) {
    const gridroute_file& f = s->files[i];
    b.files.emplace_back(std::string(in_str(f.name, f.name_len, "sources->files[].name", true)),
                         std::string(in_str(f.data, f.data_len, "sources->files[].data", true)));
  }
  return b;
}

[[noreturn]] void fail_bundle(const absl::Status& st, std::vector<gridroute::Diagnostic> diags) {
  throw Failure{GRIDROUTE_E_BUNDLE, std::string(st.message()), std::move(diags)};
}

std::uint32_t route_flags(const gridroute_route_options* o) {
  if (!o) return 0;
  check_size(o, "gridroute_route_options");
  if (o->flags & ~GRIDROUTE_ROUTE_EXPLAIN)
    fail(GRIDROUTE_E_INVALID_ARGUMENT, "gridroute_route_options: unknown flags");
  return o->flags;
}

void escalate_flags(const gridroute_escalate_options* o) {
  if (!o) return;
  check_size(o, "gridroute_escalate_options");
  if (o->flags) fail(GRIDROUTE_E_INVALID_ARGUMENT, "gridroute_escalate_options: unknown flags");
}

// ---- output buffers (malloc/realloc inside the library; freed by gridroute_buf_dispose)

void buf_set(gridroute_buf* b, std::string_view s) {
  if (s.size() + 1 > b->reserved) {
    std::size_t cap = std::max(s.size() + 1, b->reserved * 2);
    void* p = std::realloc(b->ptr, cap);
    if (!p) throw std::bad_alloc();
    b->ptr = static_cast<char*>(p);
    b->reserved = cap;
  }
  if (!s.empty()) std::memcpy(b->ptr, s.data(), s.size());
  b->ptr[s.size()] = '\0';
  b->len = s.size();
}

void check_buf(const gridroute_buf* b) {
  require(b, "out");
  if ((b->ptr == nullptr) != (b->reserved == 0) || (b->ptr ? b->len >= b->reserved : b->len != 0))
    fail(GRIDROUTE_E_INVALID_ARGUMENT, "out: not a gridroute_buf (initialise it with GRIDROUTE_BUF_INIT)");
}

}  // namespace

// ---- the engine: the C++ Engine plus a pool of line codecs for the JSON path.
// The C types gridroute_engine and gridroute_result_hold stay incomplete in this file: handles are
// EngineImpl / HoldImpl pointers cast at the boundary, so the debug information of the exported
// functions (which abidw records as the ABI) never reaches the C++ types behind them.

namespace {

struct EngineImpl {
  explicit EngineImpl(std::shared_ptr<const Snapshot> s) : engine(std::move(s)) {}

  struct Worker {
    Worker(std::shared_ptr<const Snapshot> s, bool explain) : codec(std::move(s), {.explain = explain}) {}
    gridroute::LineCodec codec;
    std::string out;
  };

  // A codec for `snap` (and `explain`), from the pool when one is there. LineCodec is single-threaded;
  // the pool lets each call have its own without building a parser every time.
  std::unique_ptr<Worker> acquire(const std::shared_ptr<const Snapshot>& snap, bool explain = false) const {
    {
      std::lock_guard<std::mutex> lock(mu);
      for (std::size_t i = pool.size(); i-- > 0;) {
        if (&pool[i]->codec.snapshot() == snap.get() && pool[i]->codec.options().explain == explain) {
          std::unique_ptr<Worker> w = std::move(pool[i]);
          pool.erase(pool.begin() + static_cast<std::ptrdiff_t>(i));
          return w;
        }
      }
    }
    return std::make_unique<Worker>(snap, explain);
  }

  void give_back(std::unique_ptr<Worker> w) const {
    static constexpr std::size_t kMaxPooled = 64;
    if (w->out.capacity() > (std::size_t{4} << 20)) w->out = std::string();  // do not hoard big batches
    std::shared_ptr<const Snapshot> now = engine.snapshot();
    std::lock_guard<std::mutex> lock(mu);
    if (&w->codec.snapshot() == now.get() && pool.size() < kMaxPooled) pool.push_back(std::move(w));
  }

  void drop_pool() {
    std::vector<std::unique_ptr<Worker>> old;
    std::lock_guard<std::mutex> lock(mu);
    old.swap(pool);
  }

  gridroute::Engine engine;  // the current snapshot, swapped atomically on reload
  mutable std::mutex mu;
  mutable std::vector<std::unique_ptr<Worker>> pool;
};

// What a decision or action holds: its snapshot, and memory for lists and texts (reused across calls).
struct HoldImpl {
  std::shared_ptr<const Snapshot> snap;
  std::vector<gridroute_string> lists;
  std::string message;
  std::string json;
  std::vector<std::pair<std::string_view, gridroute::AttrValue>> attrs;
};

EngineImpl* impl(gridroute_engine* e) { return reinterpret_cast<EngineImpl*>(e); }
const EngineImpl* impl(const gridroute_engine* e) { return reinterpret_cast<const EngineImpl*>(e); }
gridroute_engine* handle(EngineImpl* e) { return reinterpret_cast<gridroute_engine*>(e); }

gridroute_string out_str(std::string_view s) {
  if (s.empty()) return {nullptr, 0};
  return {s.data(), s.size()};
}

const EngineImpl& check_engine(const gridroute_engine* e) {
  require(e, "engine");
  return *impl(e);
}
EngineImpl& check_engine(gridroute_engine* e) {
  require(e, "engine");
  return *impl(e);
}

// Reads a C issue into a C++ one (views into the caller's memory). Only the C shapes are checked here
// (NULL pointers, impossible lengths, unknown enum values); the values are checked by the core, as for
// every front end. An `at` of 0 or GRIDROUTE_TIME_NONE is an unset field.
void read_issue(const gridroute_issue* in, gridroute::Issue& is) {
  require(in, "issue");
  check_size(in, "gridroute_issue");
  is.id = in_str(in->id, in->id_len, "issue->id");
  is.category = in_str(in->category, in->category_len, "issue->category");
  is.cell = in_str(in->cell, in->cell_len, "issue->cell");
  is.at = in->at == 0 || in->at == GRIDROUTE_TIME_NONE ? gridroute::kNoInstant : in->at;
  if (in->attr_count && !in->attrs) fail(GRIDROUTE_E_INVALID_ARGUMENT, "issue->attrs is NULL with a non-zero attr_count");
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

void clear_decision(gridroute_decision* d) {
  gridroute_result_hold* hold = d->hold_;
  std::uint32_t size = d->struct_size;
  std::memset(static_cast<void*>(d), 0, sizeof *d);
  d->struct_size = size;
  d->hold_ = hold;
  d->respond_by = d->resolve_by = GRIDROUTE_TIME_NONE;
}

void clear_action(gridroute_action* a) {
  gridroute_result_hold* hold = a->hold_;
  std::uint32_t size = a->struct_size;
  std::memset(static_cast<void*>(a), 0, sizeof *a);
  a->struct_size = size;
  a->hold_ = hold;
  a->next_check = a->respond_by = a->resolve_by = GRIDROUTE_TIME_NONE;
}

void release_hold(gridroute_result_hold*& h) {
  delete reinterpret_cast<HoldImpl*>(h);
  h = nullptr;
}

HoldImpl& hold_of(gridroute_result_hold*& h) {
  if (!h) h = reinterpret_cast<gridroute_result_hold*>(new HoldImpl());
  return *reinterpret_cast<HoldImpl*>(h);
}

}  // namespace

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
    if (!r.ok())
      fail(GRIDROUTE_E_INVALID_ARGUMENT, "not an RFC 3339 time with an offset: " + std::string(r.status().message()));
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

// ---- engines

int gridroute_load_options_init(gridroute_load_options* opts, uint32_t struct_size) {
  return guard(nullptr, [&] {
    require(opts, "opts");
    if (struct_size != sizeof(gridroute_load_options)) return GRIDROUTE_E_STRUCT_SIZE;
    *opts = gridroute_load_options GRIDROUTE_LOAD_OPTIONS_INIT;
    return GRIDROUTE_OK;
  });
}

int gridroute_engine_load(gridroute_engine** out, const char* dir, size_t dir_len, const gridroute_load_options* opts,
                          gridroute_error** err) {
  return guard(err, [&] {
    require(out, "out");
    *out = nullptr;
    std::string path(in_str(dir, dir_len, "dir", true));
    gridroute::LoadOptions lo = load_options(opts);
    std::vector<gridroute::Diagnostic> diags;
    auto snap = gridroute::load_bundle(path, &diags, lo);
    if (!snap.ok()) fail_bundle(snap.status(), std::move(diags));
    *out = handle(new EngineImpl(*std::move(snap)));
    return GRIDROUTE_OK;
  });
}

int gridroute_engine_load_sources(gridroute_engine** out, const gridroute_bundle_sources* sources,
                                  const gridroute_load_options* opts, gridroute_error** err) {
  return guard(err, [&] {
    require(out, "out");
    *out = nullptr;
    gridroute::BundleSources src = bundle_sources(sources);
    gridroute::LoadOptions lo = load_options(opts);
    std::vector<gridroute::Diagnostic> diags;
    auto snap = gridroute::load_bundle(src, &diags, lo);
    if (!snap.ok()) fail_bundle(snap.status(), std::move(diags));
    *out = handle(new EngineImpl(*std::move(snap)));
    return GRIDROUTE_OK;
  });
}

int gridroute_engine_reload(gridroute_engine* engine, const char* dir, size_t dir_len,
                            const gridroute_load_options* opts, gridroute_error** err) {
  return guard(err, [&] {
    EngineImpl& e = check_engine(engine);
    std::string path(in_str(dir, dir_len, "dir", true));
    gridroute::LoadOptions lo = load_options(opts);
    std::vector<gridroute::Diagnostic> diags;
    auto snap = gridroute::load_bundle(path, &diags, lo);
    if (!snap.ok()) fail_bundle(snap.status(), std::move(diags));
    e.engine.swap(*std::move(snap));
    e.drop_pool();
    return GRIDROUTE_OK;
  });
}

int gridroute_engine_reload_sources(gridroute_engine* engine, const gridroute_bundle_sources* sources,
                                    const gridroute_load_options* opts, gridroute_error** err) {
  return guard(err, [&] {
    EngineImpl& e = check_engine(engine);
    gridroute::BundleSources src = bundle_sources(sources);
    gridroute::LoadOptions lo = load_options(opts);
    std::vector<gridroute::Diagnostic> diags;
    auto snap = gridroute::load_bundle(src, &diags, lo);
    if (!snap.ok()) fail_bundle(snap.status(), std::move(diags));
    e.engine.swap(*std::move(snap));
    e.drop_pool();
    return GRIDROUTE_OK;
  });
}

void gridroute_engine_free(gridroute_engine* engine) {
  guard_void([&] { delete impl(engine); });
}

// ---- check

int gridroute_engine_check(gridroute_diagnostics** out, const gridroute_engine* engine,
                           const gridroute_check_options* opts, gridroute_error** err) {
  return guard(err, [&] {
    require(out, "out");
    *out = nullptr;
    const EngineImpl& e = check_engine(engine);
    std::size_t per_kind = 100;
    if (opts) {
      check_size(opts, "gridroute_check_options");
      if (opts->max_findings_per_kind) per_kind = opts->max_findings_per_kind;
    }
    std::vector<gridroute::Diagnostic> findings = gridroute::lint(*e.engine.snapshot(), per_kind);
    std::size_t head = (sizeof(gridroute_diagnostics) + alignof(gridroute_diagnostic) - 1) /
                       alignof(gridroute_diagnostic) * alignof(gridroute_diagnostic);
    Block b(head + sizeof(gridroute_diagnostic) * findings.size());
    std::vector<std::string> texts;
    reserve_diagnostics(b, findings, texts);
    if (!b.allocate()) throw std::bad_alloc();
    auto* list = static_cast<gridroute_diagnostics*>(b.take(head));
    list->count = findings.size();
    list->items = put_diagnostics(b, findings, texts);
    *out = list;
    return GRIDROUTE_OK;
  });
}

// ---- JSON path

int gridroute_engine_route_json(gridroute_buf* out, const gridroute_engine* engine, const char* line, size_t len,
                                const gridroute_route_options* opts, gridroute_error** err) {
  return guard(err, [&] {
    check_buf(out);
    const EngineImpl& e = check_engine(engine);
    std::string_view text = in_str(line, len, "line", true);
    bool explain = route_flags(opts) & GRIDROUTE_ROUTE_EXPLAIN;
    auto snap = e.engine.snapshot();
    auto w = e.acquire(snap, explain);
    w->out.clear();
    gridroute::LineResult r = w->codec.route_line(text, w->out);
    buf_set(out, w->out);
    e.give_back(std::move(w));
    if (r.rejected) fail(GRIDROUTE_E_REJECTED, r.error);
    return GRIDROUTE_OK;
  });
}

int gridroute_engine_escalate_json(gridroute_buf* out, const gridroute_engine* engine, const char* line, size_t len,
                                   int64_t now, const gridroute_escalate_options* opts, gridroute_error** err) {
  return guard(err, [&] {
    check_buf(out);
    const EngineImpl& e = check_engine(engine);
    std::string_view text = in_str(line, len, "line", true);
    escalate_flags(opts);
    auto snap = e.engine.snapshot();
    auto w = e.acquire(snap);
    w->out.clear();
    gridroute::LineResult r = w->codec.escalate_line(text, now == GRIDROUTE_TIME_NONE ? gridroute::kNoInstant : now, w->out);
    buf_set(out, w->out);
    e.give_back(std::move(w));
    if (r.rejected) fail(GRIDROUTE_E_REJECTED, r.error);
    return GRIDROUTE_OK;
  });
}

}  // extern "C"

namespace {

template <class Fn>
int run_batch(gridroute_buf* out, const gridroute_engine* engine, const char* text, size_t len, bool explain,
              Fn&& fn) {
  check_buf(out);
  const EngineImpl& e = check_engine(engine);
  std::string_view in = in_str(text, len, "text", true);
  auto snap = e.engine.snapshot();
  auto w = e.acquire(snap, explain);
  w->out.clear();
  // All lines at once: the codec decides them in prefetching groups.
  fn(w->codec, in, w->out);
  buf_set(out, w->out);
  e.give_back(std::move(w));
  return GRIDROUTE_OK;
}

}  // namespace

extern "C" {

int gridroute_engine_route_jsonl(gridroute_buf* out, const gridroute_engine* engine, const char* text, size_t len,
                                 const gridroute_route_options* opts, gridroute_error** err) {
  return guard(err, [&] {
    bool explain = route_flags(opts) & GRIDROUTE_ROUTE_EXPLAIN;
    return run_batch(out, engine, text, len, explain,
                     [&](gridroute::LineCodec& c, std::string_view in, std::string& o) { c.route_text(in, o); });
  });
}

int gridroute_engine_escalate_jsonl(gridroute_buf* out, const gridroute_engine* engine, const char* text, size_t len,
                                    int64_t now, const gridroute_escalate_options* opts, gridroute_error** err) {
  return guard(err, [&] {
    escalate_flags(opts);
    const gridroute::Instant at = now == GRIDROUTE_TIME_NONE ? gridroute::kNoInstant : now;
    return run_batch(out, engine, text, len, false,
                     [&](gridroute::LineCodec& c, std::string_view in, std::string& o) { c.escalate_text(in, at, o); });
  });
}

// ---- fast path

int gridroute_engine_route(gridroute_decision* out, const gridroute_engine* engine, const gridroute_issue* issue,
                           const gridroute_route_options* opts, gridroute_error** err) {
  if (out && out->struct_size == sizeof(gridroute_decision)) clear_decision(out);
  int rc = guard(err, [&] {
    require(out, "out");
    check_size(out, "gridroute_decision");
    const EngineImpl& e = check_engine(engine);
    bool explain = route_flags(opts) & GRIDROUTE_ROUTE_EXPLAIN;
    HoldImpl& h = hold_of(out->hold_);
    h.snap = e.engine.snapshot();
    const Snapshot& s = *h.snap;
    out->timezone = out_str(s.time_zone());

    gridroute::Issue is;
    is.attrs.swap(h.attrs);  // reuse the attribute vector's memory
    read_issue(issue, is);
    gridroute::Decision d = s.route(is, explain);
    is.attrs.clear();
    is.attrs.swap(h.attrs);

    h.message = std::move(d.message);
    out->message = out_str(h.message);
    h.json.clear();
    if (explain && d.status != gridroute::Decision::Status::rejected) {
      gridroute::detail::append_decision(h.json, s.index(), {is.id, gridroute::detail::LineId::string}, d, true);
      out->json = out_str(h.json);
    }
    switch (d.status) {
      case gridroute::Decision::Status::rejected:
        out->status = GRIDROUTE_DECISION_REJECTED;
        fail(GRIDROUTE_E_REJECTED, h.message);
      case gridroute::Decision::Status::unrouted:
        out->status = GRIDROUTE_DECISION_UNROUTED;
        return GRIDROUTE_OK;
      case gridroute::Decision::Status::routed: break;
    }
    out->status = GRIDROUTE_DECISION_ROUTED;
    out->rule = out_str(s.rule_id(d.rule));
    out->role = out_str(s.role_name(d.role));
    out->department = out_str(s.department(d.role));
    out->handler = out_str(s.handler_id(d.handler));
    out->unit = out_str(s.unit_id(d.unit));
    if (d.policy != gridroute::kNone) out->escalation = out_str(s.policy_id(d.policy));
    h.lists.clear();
    for (gridroute::HandlerId a : d.alternates) h.lists.push_back(out_str(s.handler_id(a)));
    for (gridroute::HandlerId a : d.assist) h.lists.push_back(out_str(s.handler_id(a)));
    out->alternate_count = d.alternates.size();
    out->assist_count = d.assist.size();
    if (out->alternate_count) out->alternates = h.lists.data();
    if (out->assist_count) out->assist = h.lists.data() + out->alternate_count;
    out->level = d.level;
    out->respond_by = d.respond_by == gridroute::kNoInstant ? GRIDROUTE_TIME_NONE : d.respond_by;
    out->resolve_by = d.resolve_by == gridroute::kNoInstant ? GRIDROUTE_TIME_NONE : d.resolve_by;
    return GRIDROUTE_OK;
  });
  // On a failure other than a rejection, the decision holds nothing.
  if (rc != GRIDROUTE_OK && rc != GRIDROUTE_E_REJECTED && out && out->struct_size == sizeof(gridroute_decision))
    gridroute_decision_release(out);
  return rc;
}

void gridroute_decision_release(gridroute_decision* decision) {
  guard_void([&] {
    if (!decision || decision->struct_size != sizeof(gridroute_decision)) return;
    release_hold(decision->hold_);
    clear_decision(decision);
    decision->respond_by = decision->resolve_by = 0;
  });
}

int gridroute_engine_escalate(gridroute_action* out, const gridroute_engine* engine, const gridroute_case* c,
                              int64_t now, const gridroute_escalate_options* opts, gridroute_error** err) {
  if (out && out->struct_size == sizeof(gridroute_action)) clear_action(out);
  int rc = guard(err, [&] {
    require(out, "out");
    check_size(out, "gridroute_action");
    const EngineImpl& e = check_engine(engine);
    escalate_flags(opts);
    require(c, "case");
    check_size(c, "gridroute_case");
    HoldImpl& h = hold_of(out->hold_);
    h.snap = e.engine.snapshot();
    const Snapshot& s = *h.snap;
    out->timezone = out_str(s.time_zone());

    gridroute::Case cs;
    cs.issue.attrs.swap(h.attrs);
    std::string error;
    gridroute::Action a;
    read_issue(c->issue, cs.issue);
    bool ok = true;
    if (ok && (c->responded != 0 && c->responded != 1))
      ok = false, error = "field 'responded' must be 0 or 1, got " + std::to_string(c->responded);
    if (ok && (c->resolved != 0 && c->resolved != 1))
      ok = false, error = "field 'resolved' must be 0 or 1, got " + std::to_string(c->resolved);
    if (ok) {
      cs.level = c->level;
      cs.level_started_at = c->level_started_at == GRIDROUTE_TIME_NONE ? gridroute::kNoInstant : c->level_started_at;
      cs.responded = c->responded != 0;
      cs.reports = c->reports;
      cs.resolved = c->resolved != 0;
      if (c->rating != 0) cs.rating = c->rating;  // 0: no rating
      a = s.escalate(cs, now == GRIDROUTE_TIME_NONE ? gridroute::kNoInstant : now);
    } else {
      a.kind = gridroute::Action::Kind::rejected;
      a.error = std::move(error);
    }
    cs.issue.attrs.clear();
    cs.issue.attrs.swap(h.attrs);

    h.message = std::move(a.error);
    out->message = out_str(h.message);
    if (a.kind == gridroute::Action::Kind::rejected) {
      out->kind = GRIDROUTE_ACTION_REJECTED;
      fail(GRIDROUTE_E_REJECTED, h.message);
    }
    switch (a.kind) {
      case gridroute::Action::Kind::none: out->kind = GRIDROUTE_ACTION_NONE; break;
      case gridroute::Action::Kind::hold: out->kind = GRIDROUTE_ACTION_HOLD; break;
      case gridroute::Action::Kind::escalate: out->kind = GRIDROUTE_ACTION_ESCALATE; break;
      case gridroute::Action::Kind::reopen: out->kind = GRIDROUTE_ACTION_REOPEN; break;
      case gridroute::Action::Kind::overdue: out->kind = GRIDROUTE_ACTION_OVERDUE; break;
      case gridroute::Action::Kind::rejected: break;
    }
    out->level = a.level;
    out->reasons = a.reasons;
    out->handler = out_str(s.handler_id(a.handler));
    out->role = out_str(s.role_name(a.role));
    out->department = out_str(s.department(a.role));
    out->unit = out_str(s.unit_id(a.unit));
    if (a.rule != gridroute::kNone) out->rule = out_str(s.rule_id(a.rule));
    if (a.policy != gridroute::kNone) out->escalation = out_str(s.policy_id(a.policy));
    auto t = [](Instant v) { return v == gridroute::kNoInstant ? GRIDROUTE_TIME_NONE : v; };
    out->next_check = t(a.next_check);
    out->respond_by = t(a.respond_by);
    out->resolve_by = t(a.resolve_by);
    return GRIDROUTE_OK;
  });
  if (rc != GRIDROUTE_OK && rc != GRIDROUTE_E_REJECTED && out && out->struct_size == sizeof(gridroute_action))
    gridroute_action_release(out);
  return rc;
}

void gridroute_action_release(gridroute_action* action) {
  guard_void([&] {
    if (!action || action->struct_size != sizeof(gridroute_action)) return;
    release_hold(action->hold_);
    clear_action(action);
    action->next_check = action->respond_by = action->resolve_by = 0;
  });
}

#ifdef GRIDROUTE_CAPI_TESTING
void gridroute_testing_inject_fault(int fault) { g_fault.store(fault); }
#endif

}  // extern "C"
