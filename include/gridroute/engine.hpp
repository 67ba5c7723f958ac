// gridroute/engine.hpp — the entry point for C++ users.
//
//   #include "gridroute/engine.hpp"
//
//   std::vector<gridroute::Diagnostic> errors;
//   auto engine = gridroute::Engine::load("examples/lanxi", &errors);
//   if (!engine.ok()) { for (auto& e : errors) std::cerr << e.to_string() << "\n"; return 1; }
//   gridroute::Routed r = engine->route(issue);               // any thread
//   if (r.decision.status == gridroute::Decision::Status::routed) std::cout << r.handler() << "\n";
//   engine->reload("examples/lanxi");                          // swaps atomically; routing goes on
//
// An Engine holds the current Snapshot. Every call takes the snapshot that is current when it starts and
// uses it for the whole call, so every answer comes from exactly one snapshot; the answer carries that
// snapshot, so its ids can be read safely whatever reloads happen meanwhile. A reload that fails leaves
// the old snapshot serving.
#pragma once

#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "gridroute/bundle.hpp"
#include "gridroute/decision.hpp"
#include "gridroute/snapshot.hpp"
#include "gridroute/version.hpp"

namespace gridroute {

// A decision with the snapshot that made it: its ids are read through `snapshot`.
struct Routed {
  std::shared_ptr<const Snapshot> snapshot;
  Decision decision;
  std::string_view handler() const { return decision.handler == kNone ? std::string_view() : snapshot->handler_id(decision.handler); }
  std::string_view rule() const { return decision.rule == kNone ? std::string_view() : snapshot->rule_id(decision.rule); }
  std::string_view unit() const { return decision.unit == kNone ? std::string_view() : snapshot->unit_id(decision.unit); }
};

// An action with the snapshot that made it.
struct Escalated {
  std::shared_ptr<const Snapshot> snapshot;
  Action action;
  std::string_view handler() const { return action.handler == kNone ? std::string_view() : snapshot->handler_id(action.handler); }
};

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

  Routed route(const Issue& issue, bool explain = false) const {
    auto s = snapshot();
    Decision d = s->route(issue, explain);
    return Routed{std::move(s), std::move(d)};
  }
  // Routes a batch on one snapshot, in prefetching groups (Snapshot::route_batch): the fast way to route
  // a stream. Returns that snapshot: the decisions' ids belong to it.
  std::shared_ptr<const Snapshot> route_batch(std::span<const Issue> issues, std::span<Decision> out,
                                              bool explain = false) const {
    auto s = snapshot();
    s->route_batch(issues, out, explain);
    return s;
  }
  Escalated escalate(const Case& c, Instant now, bool explain = false) const {
    auto s = snapshot();
    Action a = s->escalate(c, now, explain);
    return Escalated{std::move(s), std::move(a)};
  }
  // Evaluates a batch of cases at `now` on one snapshot (Snapshot::sweep); `used` receives that snapshot.
  Snapshot::SweepSummary sweep(std::span<const Case> cases, Instant now, std::vector<Action>& actions,
                               unsigned threads = 1, std::shared_ptr<const Snapshot>* used = nullptr) const {
    auto s = snapshot();
    auto summary = s->sweep(cases, now, actions, threads);
    if (used) *used = std::move(s);
    return summary;
  }

 private:
  // std::atomic<std::shared_ptr> in libstdc++ 12 is lock-based too, and ThreadSanitizer cannot see
  // its internal ordering; a plain mutex around the pointer is as fast and checkable.
  mutable std::mutex mu_;
  std::shared_ptr<const Snapshot> current_;
};

}  // namespace gridroute
