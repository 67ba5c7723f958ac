// gridroute/engine.hpp — the entry point for C++ users.
//
//   #include "gridroute/engine.hpp"
//
//   std::vector<gridroute::Diagnostic> errors;
//   auto engine = gridroute::Engine::load("examples/lanxi", &errors);
//   if (!engine.ok()) { for (auto& e : errors) std::cerr << e.to_string() << "\n"; return 1; }
//   gridroute::Decision d = engine->route(issue);            // any thread
//   engine->reload("examples/lanxi");                         // swaps atomically; routing goes on
//
// An Engine holds the current Snapshot. `route` and `escalate` take the snapshot that is current when
// they start and use it for the whole call, so every answer comes from exactly one snapshot. A reload
// that fails leaves the old snapshot serving.
//
// The integer ids in a Decision or Action (rule, handler, unit, `alternates`) index the snapshot that
// made it. When reloads can happen, hold that snapshot while reading them:
//
//   auto snap = engine.snapshot();
//   gridroute::Decision d = snap->route(issue);
//   std::cout << snap->handler_id(d.handler);   // valid for as long as `snap` is held
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "gridroute/decision.hpp"
#include "gridroute/snapshot.hpp"

namespace gridroute {

inline constexpr int kVersionMajor = 1;
inline constexpr int kVersionMinor = 0;
inline constexpr int kVersionPatch = 0;
inline constexpr const char* kVersionString = "1.0.0";

class Engine {
 public:
  explicit Engine(std::shared_ptr<const Snapshot> snapshot) : current_(std::move(snapshot)) {}

  static absl::StatusOr<Engine> load(const std::string& dir, std::vector<Diagnostic>* diagnostics = nullptr,
                                     const LoadOptions& options = {}) {
    auto s = load_bundle(dir, diagnostics, options);
    if (!s.ok()) return s.status();
    return Engine(*std::move(s));
  }

  Engine(Engine&& o) noexcept : current_(o.snapshot()) {}
  Engine& operator=(Engine&& o) noexcept {
    swap(o.snapshot());
    return *this;
  }

  // The snapshot now serving; hold it to make several calls against one snapshot. The lock covers one
  // reference-count increment, never a load or a compile, so readers wait at most nanoseconds.
  std::shared_ptr<const Snapshot> snapshot() const {
    std::lock_guard<std::mutex> lock(mu_);
    return current_;
  }

  // Swaps in a new snapshot; calls already running finish on the old one, which is freed (outside the
  // lock) when its last user lets go.
  void swap(std::shared_ptr<const Snapshot> next) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      current_.swap(next);
    }
  }

  // Loads and swaps in a bundle; on failure the current snapshot keeps serving.
  absl::Status reload(const std::string& dir, std::vector<Diagnostic>* diagnostics = nullptr,
                      const LoadOptions& options = {}) {
    auto s = load_bundle(dir, diagnostics, options);
    if (!s.ok()) return s.status();
    swap(*std::move(s));
    return absl::OkStatus();
  }

  Decision route(const Issue& issue, bool explain = false) const { return snapshot()->route(issue, explain); }
  // Routes a batch on one snapshot, in prefetching groups (see Snapshot::route_batch): the fast way to
  // route a stream. Returns that snapshot: the decisions' ids and alternates belong to it.
  std::shared_ptr<const Snapshot> route_batch(std::span<const Issue> issues, std::span<Decision> out,
                                              bool explain = false) const {
    auto s = snapshot();
    s->route_batch(issues, out, explain);
    return s;
  }
  Action escalate(const Case& c, Instant now) const { return snapshot()->escalate(c, now); }
  // Evaluates a batch of cases at `now` on one snapshot; see Snapshot::sweep.
  Snapshot::SweepSummary sweep(std::span<const Case> cases, Instant now, std::vector<Action>& actions,
                               unsigned threads = 1) const {
    return snapshot()->sweep(cases, now, actions, threads);
  }

 private:
  // std::atomic<std::shared_ptr> in libstdc++ 12 is lock-based too, and ThreadSanitizer cannot see
  // its internal ordering; a plain mutex around the pointer is as fast and checkable.
  mutable std::mutex mu_;
  std::shared_ptr<const Snapshot> current_;
};

}  // namespace gridroute
