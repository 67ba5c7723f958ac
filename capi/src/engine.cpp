// The C ABI's engines: load, reload, free, check, and the JSON Lines path.
#include "boundary.hpp"

using namespace gridroute::capi;

extern "C" {

// ---- engines

int gridroute_load_options_init(gridroute_load_options* opts, uint32_t struct_size) {
  return guard(nullptr, [&] {
    require(opts, "opts");
    // A caller built against an older header passes the older size: only that much is written.
    if (struct_size != sizeof(gridroute_load_options) && struct_size != kSize10<gridroute_load_options>)
      return GRIDROUTE_E_STRUCT_SIZE;
    const gridroute_load_options init GRIDROUTE_LOAD_OPTIONS_INIT;
    std::memcpy(static_cast<void*>(opts), &init, struct_size);
    opts->struct_size = struct_size;
    return GRIDROUTE_OK;
  });
}

int gridroute_engine_load(gridroute_engine** out, const char* dir, size_t dir_len, const gridroute_load_options* opts,
                          gridroute_error** err) {
  return guard(err, [&] {
    require(out, "out");
    *out = nullptr;
    std::string path(in_path(dir, dir_len, "dir"));
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
    std::string path(in_path(dir, dir_len, "dir"));
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

int gridroute_engine_digest(gridroute_buf* out, const gridroute_engine* engine, gridroute_error** err) {
  return guard(err, [&] {
    check_buf(out);
    const EngineImpl& e = check_engine(engine);
    buf_set(out, e.engine.snapshot()->digest());
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
    *out = make_diagnostics(gridroute::lint(*e.engine.snapshot(), per_kind));
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
    const bool explain = escalate_flags(opts) & GRIDROUTE_ESCALATE_EXPLAIN;
    auto snap = e.engine.snapshot();
    auto w = e.acquire(snap, explain);
    w->out.clear();
    gridroute::LineResult r = w->codec.escalate_line(text, in_now(now), w->out);
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
    check_buf(out);  // first: a call that fails leaves it empty, whatever it fails on
    bool explain = route_flags(opts) & GRIDROUTE_ROUTE_EXPLAIN;
    return run_batch(out, engine, text, len, explain,
                     [&](gridroute::LineCodec& c, std::string_view in, std::string& o) { c.route_text(in, o); });
  });
}

int gridroute_engine_escalate_jsonl(gridroute_buf* out, const gridroute_engine* engine, const char* text, size_t len,
                                    int64_t now, const gridroute_escalate_options* opts, gridroute_error** err) {
  return guard(err, [&] {
    check_buf(out);  // first: a call that fails leaves it empty, whatever it fails on
    const bool explain = escalate_flags(opts) & GRIDROUTE_ESCALATE_EXPLAIN;
    const gridroute::Instant at = in_now(now);
    return run_batch(out, engine, text, len, explain,
                     [&](gridroute::LineCodec& c, std::string_view in, std::string& o) { c.escalate_text(in, at, o); });
  });
}
}  // extern "C"
