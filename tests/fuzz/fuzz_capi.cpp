// libFuzzer target: the C ABI (capi/include/gridroute.h). The first byte picks an entry point; the rest
// is its text input: an issue or case line, a JSON Lines batch, a time, or a whole bundle in memory
// (files separated by "%%%%" lines, as for fuzz_bundle). Oracles: statuses are known codes, errors
// carry a message, outputs are valid JSON records.
#include <cstring>

#include "fuzz_common.hpp"
#include "gridroute.h"

namespace {

gridroute_engine* engine() {
  static gridroute_engine* e = [] {
    gridroute_engine* out = nullptr;
    gridroute_error* err = nullptr;
    std::string dir = fuzz::bundle_dir();
    if (gridroute_engine_load(&out, dir.data(), dir.size(), nullptr, &err) != GRIDROUTE_OK)
      fuzz::fail("the example bundle does not load through the C ABI", dir);
    return out;
  }();
  return e;
}

void check_status(int status, gridroute_error* err) {
  if (status < GRIDROUTE_OK || status > GRIDROUTE_E_INTERNAL) fuzz::fail("an unknown status code", "");
  if (status == GRIDROUTE_E_INTERNAL) fuzz::fail("GRIDROUTE_E_INTERNAL (a bug caught at the boundary)", "");
  if (status != GRIDROUTE_OK && err == nullptr) fuzz::fail("a failure without an error", "");
  gridroute_error_free(err);
}

void check_lines(const gridroute_buf& buf, const char* key) {
  std::string_view all(buf.ptr ? buf.ptr : "", buf.len);
  while (!all.empty()) {
    auto nl = all.find('\n');
    fuzz::check_record(all.substr(0, nl), key);
    if (nl == std::string_view::npos) break;
    all.remove_prefix(nl + 1);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const int op = data[0] % 6;
  const char* text = reinterpret_cast<const char*>(data + 1);
  const std::size_t len = size - 1;
  const std::int64_t now = 1795399200000000;  // 2026-11-23T10:00:00+08:00
  gridroute_buf out = GRIDROUTE_BUF_INIT;
  gridroute_error* err = nullptr;
  switch (op) {
    case 0: {
      gridroute_route_options o = GRIDROUTE_ROUTE_OPTIONS_INIT;
      o.flags = GRIDROUTE_ROUTE_EXPLAIN;
      int st = gridroute_engine_route_json(&out, engine(), text, len, &o, &err);
      check_status(st, err);
      if (st == GRIDROUTE_OK || st == GRIDROUTE_E_REJECTED) check_lines(out, "status");
      break;
    }
    case 1: {
      int st = gridroute_engine_escalate_json(&out, engine(), text, len, now, nullptr, &err);
      check_status(st, err);
      if (st == GRIDROUTE_OK || st == GRIDROUTE_E_REJECTED) check_lines(out, "action");
      break;
    }
    case 2: {
      int st = gridroute_engine_route_jsonl(&out, engine(), text, len, nullptr, &err);
      check_status(st, err);
      if (st == GRIDROUTE_OK) check_lines(out, "status");
      break;
    }
    case 3: {
      int st = gridroute_engine_escalate_jsonl(&out, engine(), text, len, now, nullptr, &err);
      check_status(st, err);
      if (st == GRIDROUTE_OK) check_lines(out, "action");
      break;
    }
    case 4: {
      std::int64_t t = 0;
      int st = gridroute_time_parse(&t, text, len, &err);
      check_status(st, err);
      if (st == GRIDROUTE_OK) {
        err = nullptr;
        st = gridroute_time_format(&out, t, "Asia/Shanghai", GRIDROUTE_NTS, &err);
        check_status(st, err);
      }
      err = nullptr;
      // The same text as a time zone name.
      check_status(gridroute_time_format(&out, now, text, len, &err), err);
      break;
    }
    case 5: {
      auto parts = fuzz::split(std::string_view(text, len), fuzz::kFileSeparator, 4);
      gridroute_file files[2] = {{"units.csv", GRIDROUTE_NTS, parts[2].data(), parts[2].size()},
                                 {"handlers.csv", GRIDROUTE_NTS, parts[3].data(), parts[3].size()}};
      gridroute_bundle_sources src = GRIDROUTE_BUNDLE_SOURCES_INIT;
      src.label = "fuzz";
      src.label_len = GRIDROUTE_NTS;
      src.jurisdiction_json = parts[0].data();
      src.jurisdiction_json_len = parts[0].size();
      src.rules_json = parts[1].data();
      src.rules_json_len = parts[1].size();
      src.files = files;
      src.file_count = 2;
      gridroute_engine* e = nullptr;
      int st = gridroute_engine_load_sources(&e, &src, nullptr, &err);
      check_status(st, err);
      gridroute_engine_free(e);
      break;
    }
  }
  gridroute_buf_dispose(&out);
  return 0;
}
