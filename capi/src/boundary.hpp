// Internal to the C ABI: what every entry point shares — the guard that turns exceptions into status
// codes, argument checks, output buffers, and the C++ objects behind the opaque handles. The C types
// gridroute_engine and gridroute_result_hold stay incomplete in the exported functions: handles are
// EngineImpl / HoldImpl pointers cast at the boundary, so the debug information of the exported
// functions (which abidw records as the ABI) never reaches the C++ types behind them.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <mutex>
#include <new>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "capi_internal.h"
#include "gridroute.h"
#include "gridroute/engine.hpp"
#include "gridroute/jsonl.hpp"
#include "decide/decide.hpp"

namespace gridroute::capi {

using gridroute::Instant;
using gridroute::Snapshot;

// Test builds raise the fault injected by gridroute_testing_inject_fault here (boundary.cpp).
void maybe_fault();

// ---- errors: one malloc'd block [gridroute_error][gridroute_diagnostic...][strings], freed with free()

// A failure that carries a status code, thrown inside `guard` bodies.
struct Failure {
  int code;
  std::string message;
  std::vector<gridroute::Diagnostic> diagnostics;
};

[[noreturn]] inline void fail(int code, std::string message) { throw Failure{code, std::move(message), {}}; }

// The time to evaluate cases at: 0 and GRIDROUTE_TIME_NONE are "not set", as in the structs' time fields
// (a `now` left at 0 would otherwise evaluate every case in 1970). The core rejects each case then,
// saying that `now` is not set.
inline gridroute::Instant in_now(int64_t now) {
  return now == 0 || now == GRIDROUTE_TIME_NONE ? gridroute::kNoInstant : now;
}


// Returned when even the error cannot be allocated; gridroute_error_free ignores it.
extern const gridroute_error kNoMemoryError;

// Sets *err (when err is not NULL) to a new error; never throws.
void set_error(gridroute_error** err, int code, std::string_view message,
               const std::vector<gridroute::Diagnostic>& ds = {});
// A new list of diagnostics in one malloc'd block (gridroute_engine_check).
gridroute_diagnostics* make_diagnostics(const std::vector<gridroute::Diagnostic>& ds);

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
inline void require(const T* p, const char* what) {
  if (!p) fail(GRIDROUTE_E_INVALID_ARGUMENT, std::string(what) + " must not be NULL");
}

// The sizes of the versions of a struct that grew by appended fields (docs/abi-policy.md): version 1.0
// ended where the first field of 1.1 starts.
template <class T> constexpr std::size_t kSize10 = sizeof(T);
template <> inline constexpr std::size_t kSize10<gridroute_issue> = offsetof(gridroute_issue, has_location);
template <> inline constexpr std::size_t kSize10<gridroute_decision> = offsetof(gridroute_decision, fallback);
template <> inline constexpr std::size_t kSize10<gridroute_case> = offsetof(gridroute_case, rule);
template <> inline constexpr std::size_t kSize10<gridroute_action> = offsetof(gridroute_action, assist);
template <> inline constexpr std::size_t kSize10<gridroute_load_options> = offsetof(gridroute_load_options, max_calendars);

// Version 1.1 ended where the first field of 1.3 starts (only the issue grew again).
template <class T> constexpr std::size_t kSize11 = sizeof(T);
template <> inline constexpr std::size_t kSize11<gridroute_issue> = offsetof(gridroute_issue, cell_generation);

// Whether a struct of a size check_size accepted has the fields of 1.1, and of 1.3.
template <class T>
inline bool has_11(const T* s) { return s->struct_size >= kSize11<T>; }
template <class T>
inline bool has_13(const T* s) { return s->struct_size == sizeof(T); }

// A size that check_size accepts (for the release functions, which cannot fail).
template <class T>
inline bool known_size(const T* s) {
  return s->struct_size == sizeof(T) || s->struct_size == kSize11<T> || s->struct_size == kSize10<T>;
}

// Checks a caller's struct_size: it must be the size of a version of the struct this library knows.
template <class T>
inline void check_size(const T* s, const char* what) {
  if (!known_size(s))
    fail(GRIDROUTE_E_STRUCT_SIZE, std::string(what) + ": struct_size is " + std::to_string(s->struct_size) +
                                      ", this library knows " + std::to_string(sizeof(T)) +
                                      (kSize11<T> != sizeof(T) ? ", " + std::to_string(kSize11<T>) : std::string()) +
                                      (kSize10<T> != sizeof(T) ? " and " + std::to_string(kSize10<T>) : std::string()) +
                                      " (initialise it with its _INIT macro)");
}

// An input string: pointer + length, GRIDROUTE_NTS for NUL-terminated; NULL only with length 0 (or NTS).
inline std::string_view in_str(const char* p, std::size_t n, const char* what, bool required = false) {
  if (!p) {
    if (required) fail(GRIDROUTE_E_INVALID_ARGUMENT, std::string(what) + " must not be NULL");
    if (n != 0 && n != GRIDROUTE_NTS)
      fail(GRIDROUTE_E_INVALID_ARGUMENT, std::string(what) + " is NULL with a non-zero length");
    return {};
  }
  if (n == GRIDROUTE_NTS) n = std::strlen(p);
  // No object is larger than PTRDIFF_MAX bytes: a longer length is a caller's bug, refused before any
  // byte is read (a string_view of it would run past the caller's memory).
  else if (n > static_cast<std::size_t>(PTRDIFF_MAX))
    fail(GRIDROUTE_E_INVALID_ARGUMENT, std::string(what) + ": length " + std::to_string(n) +
                                           " is larger than any object (PTRDIFF_MAX)");
  return {p, n};
}

// A file system path: a string without NUL bytes (the system would cut the path at the first).
inline std::string_view in_path(const char* p, std::size_t n, const char* what) {
  const std::string_view path = in_str(p, n, what, true);
  if (path.find('\0') != std::string_view::npos)
    fail(GRIDROUTE_E_INVALID_ARGUMENT, std::string(what) + " holds a NUL byte: no path can");
  return path;
}

// An array count: `n` elements of `size` bytes must fit in one object (PTRDIFF_MAX bytes).
inline void check_count(std::size_t n, std::size_t size, const char* what) {
  if (n > static_cast<std::size_t>(PTRDIFF_MAX) / size)
    fail(GRIDROUTE_E_INVALID_ARGUMENT, std::string(what) + " is " + std::to_string(n) +
                                           ", larger than any array (PTRDIFF_MAX bytes)");
}

gridroute::LoadOptions load_options(const gridroute_load_options* o);
gridroute::BundleSources bundle_sources(const gridroute_bundle_sources* s);
[[noreturn]] inline void fail_bundle(const absl::Status& st, std::vector<gridroute::Diagnostic> diags) {
  throw Failure{GRIDROUTE_E_BUNDLE, std::string(st.message()), std::move(diags)};
}

inline std::uint32_t route_flags(const gridroute_route_options* o) {
  if (!o) return 0;
  check_size(o, "gridroute_route_options");
  if (o->flags & ~GRIDROUTE_ROUTE_EXPLAIN)
    fail(GRIDROUTE_E_INVALID_ARGUMENT, "gridroute_route_options: unknown flags");
  return o->flags;
}

inline std::uint32_t escalate_flags(const gridroute_escalate_options* o) {
  if (!o) return 0;
  check_size(o, "gridroute_escalate_options");
  if (o->flags & ~GRIDROUTE_ESCALATE_EXPLAIN)
    fail(GRIDROUTE_E_INVALID_ARGUMENT, "gridroute_escalate_options: unknown flags");
  return o->flags;
}


// ---- output buffers (malloc/realloc inside the library; freed by gridroute_buf_dispose)

inline void buf_set(gridroute_buf* b, std::string_view s) {
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

// Checks an output buffer and empties it (its memory kept), so that a call that fails leaves it empty,
// as every output is on failure, not holding the text of an earlier call.
inline void check_buf(gridroute_buf* b) {
  require(b, "out");
  if ((b->ptr == nullptr) != (b->reserved == 0) || (b->ptr ? b->len >= b->reserved : b->len != 0))
    fail(GRIDROUTE_E_INVALID_ARGUMENT, "out: not a gridroute_buf (initialise it with GRIDROUTE_BUF_INIT)");
  b->len = 0;
  if (b->ptr) b->ptr[0] = '\0';
}



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
    // The current snapshot is read under the lock: read before it, a reload (swap, then drop_pool) could
    // run in between, and a worker of the old snapshot would stay pooled, holding it, until the next call.
    std::lock_guard<std::mutex> lock(mu);
    std::shared_ptr<const Snapshot> now = engine.snapshot();
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
  std::vector<gridroute::Return> returns;
  std::vector<gridroute::Suspension> suspensions;
};

inline EngineImpl* impl(gridroute_engine* e) { return reinterpret_cast<EngineImpl*>(e); }
inline const EngineImpl* impl(const gridroute_engine* e) { return reinterpret_cast<const EngineImpl*>(e); }
inline gridroute_engine* handle(EngineImpl* e) { return reinterpret_cast<gridroute_engine*>(e); }

inline gridroute_string out_str(std::string_view s) {
  if (s.empty()) return {nullptr, 0};
  return {s.data(), s.size()};
}

inline const EngineImpl& check_engine(const gridroute_engine* e) {
  require(e, "engine");
  return *impl(e);
}
inline EngineImpl& check_engine(gridroute_engine* e) {
  require(e, "engine");
  return *impl(e);
}

// Reads a C issue into a C++ one (views into the caller's memory). Only the C shapes are checked here
// (NULL pointers, impossible lengths, unknown enum values); the values are checked by the core, as for
// every front end. An `at` of 0 or GRIDROUTE_TIME_NONE is an unset field.
void read_issue(const gridroute_issue* in, gridroute::Issue& is);
// read_issue in two parts: all but the attributes (which it leaves empty), then the attributes.
void read_issue_head(const gridroute_issue* in, gridroute::Issue& is);
void read_attrs(const gridroute_issue* in, gridroute::Issue& is);
// The issue's attributes for the core to read where they are (detail::CAttrs), when every name and string
// has its length (not GRIDROUTE_NTS), no name is NULL and every type is known; else none (`data` null),
// and read_attrs copies them, with its messages for what is wrong.
gridroute::detail::CAttrs attrs_in_place(const gridroute_issue* in);
// The JSON path refuses an attribute given twice (a duplicate key); the struct path refuses it the same
// way, instead of routing on one of the two values: the message, or empty. Of a copied issue, or of the
// caller's attributes as attrs_in_place hands them over.
std::string repeated_attr(const gridroute::Issue& is);
std::string repeated_attr(const gridroute_issue* in);

// Zeroes the N bytes at p in 16-byte stores. The compiler's generic tuning emits a memset of a struct's
// size (or of at most that size) as `rep stosq`, whose start-up costs more than the stores themselves
// where a batch clears every caller's struct (docs/performance.md, "A struct cleared in stores, not in a
// string instruction").
template <std::size_t N>
inline void zero_fixed(void* p) noexcept {
  static_assert(N >= 16);
  char* c = static_cast<char*>(p);
#pragma GCC unroll 64
  for (std::size_t i = 0; i + 16 <= N; i += 16) __builtin_memset(c + i, 0, 16);
  if constexpr (N % 16 != 0) __builtin_memset(c + N - 16, 0, 16);
}

// Zeroes what the caller has of *x (its struct_size, at most ours).
template <class T>
inline void zero_struct(T* x, std::uint32_t size) noexcept {
  if (size >= sizeof(T))
    zero_fixed<sizeof(T)>(x);
  else
    std::memset(static_cast<void*>(x), 0, size);
}

inline void clear_decision(gridroute_decision* d) {
  gridroute_result_hold* hold = d->hold_;
  std::uint32_t size = d->struct_size;
  zero_struct(d, size);  // only what the caller has
  d->struct_size = size;
  d->hold_ = hold;
  d->respond_by = d->resolve_by = GRIDROUTE_TIME_NONE;
}

inline void clear_action(gridroute_action* a) {
  gridroute_result_hold* hold = a->hold_;
  std::uint32_t size = a->struct_size;
  zero_struct(a, size);
  a->struct_size = size;
  a->hold_ = hold;
  a->next_check = a->respond_by = a->resolve_by = GRIDROUTE_TIME_NONE;
}

inline void release_hold(gridroute_result_hold*& h) {
  delete reinterpret_cast<HoldImpl*>(h);
  h = nullptr;
}

// gridroute_decision_release of a decision of a known size: back to GRIDROUTE_DECISION_INIT.
inline void release_decision(gridroute_decision* d) {
  release_hold(d->hold_);
  clear_decision(d);
  d->respond_by = d->resolve_by = 0;
}

inline HoldImpl& hold_of(gridroute_result_hold*& h) {
  if (!h) h = reinterpret_cast<gridroute_result_hold*>(new HoldImpl());
  return *reinterpret_cast<HoldImpl*>(h);
}

}  // namespace gridroute::capi
