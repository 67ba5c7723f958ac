// The JSON Lines codec (gridroute/jsonl.hpp): lines read by io/parser, decided by decide/ in
// prefetching groups, written by io/writer; on several threads when asked, records in input order.
#include "gridroute/jsonl.hpp"

#include <algorithm>
#include <optional>
#include <thread>
#include <type_traits>
#include <vector>

#include <boost/json.hpp>

#include "compile/index.hpp"
#include "decide/decide.hpp"
#include "decide/levels.hpp"
#include "io/lines.hpp"
#include "io/parser.hpp"
#include "io/pool.hpp"
#include "io/writer.hpp"

namespace gridroute {
namespace json = boost::json;
using detail::kPrefetchGroup;
using detail::LineId;

namespace {

const Issue& issue_of(const Issue& is) { return is; }
const Issue& issue_of(const Case& c) { return c.issue; }

// One thread's state: its parser and the memory of one group of lines.
struct Worker {
  Worker(std::size_t max_line_bytes, const detail::Zone* local_zone) : parser(max_line_bytes, local_zone) {}

  // A fresh arena per group (Boost.JSON 1.81's monotonic_resource cannot allocate again after
  // release()), starting in a buffer that holds a typical group without touching the heap.
  json::storage_ptr new_arena() {
    arena.emplace(arena_buffer, sizeof arena_buffer);
    return json::storage_ptr(&*arena);
  }

  // Reads one group of lines into `items` — each through the fast reader, else Boost.JSON — and
  // prefetches what deciding the ones that read will need; `hashes[i]` is line i's cell hash.
  template <class T, class Read>
  void read_group(const detail::Index& s, std::span<const std::string_view> group, T* items, Read&& read,
                  std::uint64_t* hashes) {
    json::storage_ptr sp = new_arena();
    std::string_view cells[kPrefetchGroup];
    std::uint64_t found[kPrefetchGroup];
    std::size_t k = 0;
    for (std::size_t i = 0; i < group.size(); ++i) {
      ok[i] = read(group[i], items[i], ids[i], slots[i], sp);
      if (ok[i]) cells[k++] = issue_of(items[i]).cell;
      else errors[i] = std::move(parser.error());
    }
    if constexpr (std::is_same_v<T, Case>) {
      // Pinned handlers (SPEC §6.1): their index slots before the cells' stages, their records after.
      for (std::size_t i = 0; i < group.size(); ++i)
        handlers[i] = ok[i] ? items[i].handler.value_or(std::string_view{}) : std::string_view{};
      detail::prefetch_handler_slots(s, handlers, group.size(), handler_hashes);
      detail::prefetch_cells(s, cells, k, found);
      detail::prefetch_handler_records(s, handlers, group.size(), handler_hashes);
    } else {
      detail::prefetch_cells(s, cells, k, found);
    }
    for (std::size_t i = 0, j = 0; i < group.size(); ++i) hashes[i] = ok[i] ? found[j++] : 0;
    // The lines that give a location instead of a cell (SPEC §7): their cells, the group's lookups
    // overlapping (a line that did not read gets a cell it never uses).
    const Issue* group_issues[kPrefetchGroup];
    for (std::size_t i = 0; i < group.size(); ++i) group_issues[i] = &issue_of(items[i]);
    detail::locate_group(s, group_issues, group.size(), located);
  }
  void end_group(std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) slots[i].value = nullptr;
  }

  detail::LineParser parser;
  std::string_view handlers[kPrefetchGroup];  // a group's pinned handler ids, and their hashes
  std::uint64_t handler_hashes[kPrefetchGroup];
  alignas(16) unsigned char arena_buffer[32 * 1024];
  std::optional<json::monotonic_resource> arena;
  detail::LineSlot slots[kPrefetchGroup];
  LineId ids[kPrefetchGroup];
  std::int32_t located[kPrefetchGroup];  // the cells of the lines' locations (detail::locate_group)
  bool ok[kPrefetchGroup];
  std::string errors[kPrefetchGroup];
  Issue issues[kPrefetchGroup];
  Case cases[kPrefetchGroup];
  Decision decisions[kPrefetchGroup];
  Action actions[kPrefetchGroup];
  std::string share;  // this thread's records of a batch split across threads
};

}  // namespace

struct LineCodec::Impl {
  std::vector<std::unique_ptr<Worker>> workers;  // one per thread
  std::optional<detail::WorkerPool> pool;
  std::vector<std::string_view> lines;           // route_text / escalate_text

  // Runs `fn(worker, lines, out)` over the batch: on the calling thread, or split into consecutive
  // shares over the pool with the shares' records appended in order.
  template <class Fn>
  std::size_t run(std::span<const std::string_view> all, std::string& out, Fn&& fn) {
    const unsigned n = static_cast<unsigned>(workers.size());
    if (n <= 1 || all.size() < 2 * static_cast<std::size_t>(n)) return fn(*workers[0], all, out);
    const std::size_t each = (all.size() + n - 1) / n;
    std::vector<std::size_t> rejected(n, 0);
    pool->run([&](unsigned t) {
      const std::size_t b = std::min(all.size(), t * each), e = std::min(all.size(), b + each);
      Worker& w = *workers[t];
      if (t == 0) {
        rejected[0] = fn(w, all.subspan(b, e - b), out);
        return;
      }
      w.share.clear();
      rejected[t] = fn(w, all.subspan(b, e - b), w.share);
    });
    std::size_t total = rejected[0];
    for (unsigned t = 1; t < n; ++t) {
      out += workers[t]->share;
      total += rejected[t];
    }
    return total;
  }
};

LineCodec::LineCodec(std::shared_ptr<const Snapshot> snapshot, CodecOptions options)
    : snapshot_(std::move(snapshot)), options_(options), impl_(std::make_unique<Impl>()) {
  if (options_.max_line_bytes == 0) options_.max_line_bytes = CodecOptions{}.max_line_bytes;
  if (options_.threads == 0) options_.threads = std::max(1u, std::thread::hardware_concurrency());
  options_.threads = std::min(options_.threads, 256u);
  const detail::Index& s = snapshot_->index();
  const detail::Zone* local = s.local_times ? &s.zone : nullptr;
  for (unsigned t = 0; t < options_.threads; ++t)
    impl_->workers.push_back(std::make_unique<Worker>(options_.max_line_bytes, local));
  if (options_.threads > 1) impl_->pool.emplace(options_.threads);
}

LineCodec::~LineCodec() = default;

LineResult LineCodec::route_line(std::string_view line, std::string& out) {
  Worker& w = *impl_->workers[0];
  const detail::Index& s = snapshot_->index();
  Issue& is = w.issues[0];
  Decision& d = w.decisions[0];
  LineId id;
  const bool read = w.parser.read_issue(line, is, id, w.slots[0], json::storage_ptr());
  if (read) {
    detail::route_into(s, is, options_.explain, detail::UnitIndex::hash(is.cell), d);
  } else {
    d.clear();
    d.status = Decision::Status::rejected;
    d.message = std::move(w.parser.error());
  }
  LocationTrace where;
  if (options_.explain && read) detail::explain_location(s, is, where);
  detail::append_decision(out, s, id, d, options_.explain, nullptr, &where);
  w.slots[0].value = nullptr;
  if (d.status != Decision::Status::rejected) return {};
  return {true, std::move(d.message)};
}

LineResult LineCodec::escalate_line(std::string_view line, Instant now, std::string& out) {
  Worker& w = *impl_->workers[0];
  const detail::Index& s = snapshot_->index();
  Case& c = w.cases[0];
  LineId id;
  Action a;
  const bool read = w.parser.read_case(line, c, id, w.slots[0], json::storage_ptr());
  if (read) {
    a = detail::escalate(s, c, now, detail::UnitIndex::hash(c.issue.cell), options_.explain);
  } else {
    a.kind = Action::Kind::rejected;
    a.error = std::move(w.parser.error());
  }
  LocationTrace where;
  if (options_.explain && read) detail::explain_location(s, c.issue, where);
  detail::append_action(out, s, id, a, options_.explain, nullptr, &where);
  w.slots[0].value = nullptr;
  if (a.kind != Action::Kind::rejected) return {};
  return {true, std::move(a.error)};
}

std::size_t LineCodec::route_lines(std::span<const std::string_view> lines, std::string& out) {
  const detail::Index& s = snapshot_->index();
  const bool explain = options_.explain;
  return impl_->run(lines, out, [&](Worker& w, std::span<const std::string_view> part, std::string& o) {
    std::uint64_t hashes[kPrefetchGroup];
    std::size_t rejected = 0;
    detail::Rfc3339Memo times;
    auto read = [&w](std::string_view line, Issue& is, LineId& id, detail::LineSlot& slot,
                     const json::storage_ptr& sp) { return w.parser.read_issue(line, is, id, slot, sp); };
    for (std::size_t base = 0; base < part.size(); base += kPrefetchGroup) {
      const std::size_t n = std::min(kPrefetchGroup, part.size() - base);
      w.read_group(s, part.subspan(base, n), w.issues, read, hashes);
      // The lines that read, decided together (detail::route_group); the others rejected as read.
      const Issue* group[kPrefetchGroup];
      Decision* ds[kPrefetchGroup];
      std::uint64_t group_hashes[kPrefetchGroup];
      std::int32_t group_located[kPrefetchGroup];
      std::size_t k = 0;
      for (std::size_t i = 0; i < n; ++i) {
        Decision& d = w.decisions[i];
        if (w.ok[i]) {
          group[k] = &w.issues[i];
          ds[k] = &d;
          group_hashes[k] = hashes[i];
          group_located[k++] = w.located[i];
        } else {
          d.clear();
          d.status = Decision::Status::rejected;
          d.message = std::move(w.errors[i]);
        }
      }
      detail::route_group(s, group, k, explain, group_hashes, group_located, nullptr, ds);
      for (std::size_t i = 0; i < n; ++i) rejected += w.decisions[i].status == Decision::Status::rejected;
      // The records name the owner, its unit and rule: fetch those ids for the group before writing.
      for (std::size_t i = 0; i < n; ++i) {
        const Decision& d = w.decisions[i];
        if (d.status != Decision::Status::routed) continue;
        __builtin_prefetch(&s.handler_ids.offsets[static_cast<std::size_t>(d.handler)]);
        __builtin_prefetch(s.unit_id_record(d.unit));  // the unit's and the cell's ids are written from their records
        if (d.located) __builtin_prefetch(s.unit_id_record(d.cell));
        for (HandlerId h : d.alternates) __builtin_prefetch(&s.handler_ids.offsets[static_cast<std::size_t>(h)]);
        for (HandlerId h : d.assist) __builtin_prefetch(&s.handler_ids.offsets[static_cast<std::size_t>(h)]);
      }
      for (std::size_t i = 0; i < n; ++i) {
        const Decision& d = w.decisions[i];
        if (d.status != Decision::Status::routed) continue;
        __builtin_prefetch(s.handler_ids[static_cast<std::size_t>(d.handler)].data());
        for (HandlerId h : d.alternates) __builtin_prefetch(s.handler_ids[static_cast<std::size_t>(h)].data());
        for (HandlerId h : d.assist) __builtin_prefetch(s.handler_ids[static_cast<std::size_t>(h)].data());
      }
      LocationTrace where;
      for (std::size_t i = 0; i < n; ++i) {
        where.how = LocationTrace::How::none;
        if (explain && w.ok[i]) detail::explain_location(s, w.issues[i], where);
        detail::append_decision(o, s, w.ids[i], w.decisions[i], explain, &times, &where);
        o.push_back('\n');
      }
      w.end_group(n);
    }
    return rejected;
  });
}

std::size_t LineCodec::escalate_lines(std::span<const std::string_view> lines, Instant now, std::string& out) {
  const detail::Index& s = snapshot_->index();
  return impl_->run(lines, out, [&](Worker& w, std::span<const std::string_view> part, std::string& o) {
    std::uint64_t hashes[kPrefetchGroup];
    std::size_t rejected = 0;
    detail::NowDeadlines memo(now);
    detail::Rfc3339Memo times;
    auto read = [&w](std::string_view line, Case& c, LineId& id, detail::LineSlot& slot,
                     const json::storage_ptr& sp) { return w.parser.read_case(line, c, id, slot, sp); };
    for (std::size_t base = 0; base < part.size(); base += kPrefetchGroup) {
      const std::size_t n = std::min(kPrefetchGroup, part.size() - base);
      w.read_group(s, part.subspan(base, n), w.cases, read, hashes);
      // The scope searches of the cases that read and whose rule is selected again, side by side.
      const Issue* issues[kPrefetchGroup];
      bool skip[kPrefetchGroup];
      for (std::size_t i = 0; i < n; ++i) {
        issues[i] = &w.cases[i].issue;
        skip[i] = options_.explain || !w.ok[i] || w.cases[i].rule.has_value();
      }
      detail::ScopeStart starts[kPrefetchGroup];
      detail::find_scope_starts(s, issues, hashes, w.located, skip, n, starts);
      for (std::size_t i = 0; i < n; ++i) {
        Action& a = w.actions[i];
        a.clear();  // a fresh action, keeping its buffers
        if (w.ok[i]) {
          detail::escalate_into(s, w.cases[i], now, hashes[i], a, options_.explain, &w.handler_hashes[i], &memo,
                                w.located[i], &starts[i]);
        } else {
          a.kind = Action::Kind::rejected;
          a.error = std::move(w.errors[i]);
        }
        rejected += a.kind == Action::Kind::rejected;
      }
      // As for decisions: the owners' and units' ids of the group fetched before writing (an escalation's
      // new owner was not read while deciding).
      auto named = [](const Action& a) {
        return a.kind != Action::Kind::rejected && a.kind != Action::Kind::dispute && a.handler >= 0 && a.unit >= 0;
      };
      for (std::size_t i = 0; i < n; ++i) {
        const Action& a = w.actions[i];
        if (!named(a)) continue;
        __builtin_prefetch(&s.handler_ids.offsets[static_cast<std::size_t>(a.handler)]);
        __builtin_prefetch(s.unit_id_record(a.unit));
        if (a.located) __builtin_prefetch(s.unit_id_record(a.cell));
        for (HandlerId h : a.assist) __builtin_prefetch(&s.handler_ids.offsets[static_cast<std::size_t>(h)]);
      }
      for (std::size_t i = 0; i < n; ++i) {
        const Action& a = w.actions[i];
        if (!named(a)) continue;
        __builtin_prefetch(s.handler_ids[static_cast<std::size_t>(a.handler)].data());
        for (HandlerId h : a.assist) __builtin_prefetch(s.handler_ids[static_cast<std::size_t>(h)].data());
      }
      LocationTrace where;
      for (std::size_t i = 0; i < n; ++i) {
        where.how = LocationTrace::How::none;
        if (options_.explain && w.ok[i]) detail::explain_location(s, w.cases[i].issue, where);
        detail::append_action(o, s, w.ids[i], w.actions[i], options_.explain, &times, &where);
        o.push_back('\n');
      }
      w.end_group(n);
    }
    return rejected;
  });
}

std::size_t LineCodec::route_text(std::string_view text, std::string& out) {
  impl_->lines.clear();
  detail::for_each_line(text, [&](std::string_view line) { impl_->lines.push_back(line); });
  return route_lines(impl_->lines, out);
}

std::size_t LineCodec::escalate_text(std::string_view text, Instant now, std::string& out) {
  impl_->lines.clear();
  detail::for_each_line(text, [&](std::string_view line) { impl_->lines.push_back(line); });
  return escalate_lines(impl_->lines, now, out);
}

void LineCodec::route_too_long(std::size_t length, std::string& out) {
  Decision d;
  d.status = Decision::Status::rejected;
  d.message = impl_->workers[0]->parser.too_long(length);
  detail::append_decision(out, snapshot_->index(), LineId{}, d, options_.explain);
}

void LineCodec::escalate_too_long(std::size_t length, std::string& out) {
  Action a;
  a.kind = Action::Kind::rejected;
  a.error = impl_->workers[0]->parser.too_long(length);
  detail::append_action(out, snapshot_->index(), LineId{}, a);
}

}  // namespace gridroute
