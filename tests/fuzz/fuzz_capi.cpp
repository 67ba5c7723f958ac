// libFuzzer target: the C ABI (capi/include/gridroute.h). The first byte picks an entry point; the rest
// is its text input: an issue or case line, a JSON Lines batch, a time, or a whole bundle in memory
// (files separated by "%%%%" lines, as for fuzz_bundle); or (first byte 6) the bytes that build a batch of
// issue structs, whose attributes the batch may read where they are. Oracles: statuses are known codes,
// errors carry a message, outputs are valid JSON records, and a struct batch answers every issue as one
// call at a time answers it.
#include <cmath>
#include <cstring>
#include <deque>
#include <limits>
#include <vector>

#include <boost/json.hpp>

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

// The fuzzer's bytes, read in turn; zeros once they run out.
struct Bytes {
  const std::uint8_t* p;
  std::size_t n;
  std::uint8_t u8() {
    if (n == 0) return 0;
    --n;
    return *p++;
  }
  std::string text() {  // a length byte (0-15), then that many bytes
    std::string s;
    for (std::size_t k = u8() % 16; k > 0 && n > 0; --k) s.push_back(static_cast<char>(u8()));
    return s;
  }
};

// The id, category, cell and time of the example's issues: the heads the struct batch starts from.
struct Head {
  std::string id, category, cell;
  std::int64_t at = 0;
};
const std::vector<Head>& heads() {
  static const std::vector<Head> h = [] {
    std::vector<Head> out;
    std::istringstream in(fuzz::read_text(fuzz::bundle_dir() + "/issues.jsonl"));
    for (std::string line; std::getline(in, line) && out.size() < 32;) {
      boost::json::error_code ec;
      boost::json::value v = boost::json::parse(line, ec);
      if (ec || !v.is_object()) continue;
      const boost::json::object& o = v.get_object();
      auto str = [&](const char* k) {
        const boost::json::value* x = o.if_contains(k);
        return x && x->is_string() ? std::string(x->get_string()) : std::string();
      };
      Head head{str("id"), str("category"), str("cell")};
      const std::string at = str("at");
      if (head.cell.empty() || gridroute_time_parse(&head.at, at.data(), at.size(), nullptr) != GRIDROUTE_OK) continue;
      out.push_back(std::move(head));
    }
    if (out.empty()) fuzz::fail("the example bundle has no issues with a cell", fuzz::bundle_dir());
    return out;
  }();
  return h;
}

std::string text_of(gridroute_string s) { return std::string(s.ptr ? s.ptr : "", s.len); }

// Everything a caller reads from a decision, as one text.
std::string decision_text(const gridroute_decision& d) {
  std::string s = std::to_string(d.status) + "|" + text_of(d.message) + "|" + text_of(d.rule) + "|" +
                  text_of(d.role) + "|" + text_of(d.department) + "|" + text_of(d.handler) + "|" +
                  text_of(d.unit) + "|" + text_of(d.escalation) + "|" + std::to_string(d.level) + "|" +
                  std::to_string(d.respond_by) + "|" + std::to_string(d.resolve_by) + "|" +
                  std::to_string(d.fallback) + "|" + text_of(d.cell) + "|" + text_of(d.json);
  for (std::size_t i = 0; i < d.alternate_count; ++i) s += "|alt " + text_of(d.alternates[i]);
  for (std::size_t i = 0; i < d.assist_count; ++i) s += "|assist " + text_of(d.assist[i]);
  return s;
}

// A batch of up to 8 issue structs built from the bytes: each from one of the example's issues, its
// category or cell sometimes replaced, given by cell id or by number, with up to 6 attributes whose
// names, types, values and lengths (NUL-terminated or not, NULL or not) come from the bytes. The batch
// must answer each issue as gridroute_engine_route does alone (which always copies the attributes), or
// reject it with the message that call fails with.
void struct_batch(Bytes b) {
  static const char* const kNames[] = {"severity", "private_property", "channel", "households",
                                       "floor",    "elderly",          "repeat",  "area_m2"};
  std::deque<std::string> texts;  // every string the structs point to
  std::vector<std::vector<gridroute_attr>> lists;
  const std::size_t count = 1 + b.u8() % 8;
  lists.reserve(count);
  std::vector<gridroute_issue> issues(count, gridroute_issue(GRIDROUTE_ISSUE_INIT));
  gridroute_route_options opts = GRIDROUTE_ROUTE_OPTIONS_INIT;
  if (b.u8() & 1) opts.flags = GRIDROUTE_ROUTE_EXPLAIN;
  std::vector<char> by_number(count);
  for (std::size_t i = 0; i < count; ++i) {
    const Head& h = heads()[b.u8() % heads().size()];
    const std::uint8_t flags = b.u8();
    const std::string& category = texts.emplace_back(flags & 1 ? b.text() : h.category);
    const std::string& cell = texts.emplace_back(flags & 2 ? b.text() : h.cell);
    gridroute_issue& is = issues[i];
    is.id = h.id.c_str();
    is.id_len = h.id.size();
    is.category = category.c_str();
    is.category_len = flags & 4 ? GRIDROUTE_NTS : category.size();
    is.cell = cell.c_str();
    is.cell_len = cell.size();
    is.at = h.at;
    by_number[i] = (flags & 8) != 0;
    std::vector<gridroute_attr>& a = lists.emplace_back(b.u8() % 7);
    for (gridroute_attr& x : a) {
      const std::uint8_t how = b.u8();
      const std::string& name = texts.emplace_back(how & 1 ? b.text() : std::string(kNames[(how >> 1) % 8]));
      x.name = how & 16 && how & 32 ? nullptr : name.c_str();
      x.name_len = how & 64 ? GRIDROUTE_NTS : name.size();
      x.type = b.u8() % 10;  // 0, 7, 8 and 9 are no type
      x.boolean = static_cast<std::int8_t>(b.u8());
      static const double kNumbers[] = {0,  1,  3, 5, -2.5, 1e308, std::numeric_limits<double>::infinity(),
                                        -std::numeric_limits<double>::infinity(), std::nan("")};
      x.number = kNumbers[b.u8() % 9];
      const std::uint8_t value = b.u8();
      const std::string& str = texts.emplace_back(value & 1 ? b.text() : std::string(value & 2 ? "walk_in" : "网格"));
      x.string = value & 4 && value & 8 ? nullptr : str.c_str();
      x.string_len = value & 16 ? GRIDROUTE_NTS : value & 4 && value & 8 && value & 32 ? 3 : str.size();
    }
    is.attrs = a.empty() && flags & 16 ? nullptr : a.data();
    is.attr_count = a.empty() && flags & 16 ? 2 : a.size();
  }
  // Cells by number, for the issues that ask: looked up from their cell ids.
  for (std::size_t i = 0; i < count; ++i) {
    if (!by_number[i]) continue;
    gridroute_string id{issues[i].cell, issues[i].cell_len};
    std::int32_t number = 0;
    std::uint64_t generation = 0;
    if (gridroute_engine_find_units(&number, &generation, engine(), &id, 1, nullptr) != GRIDROUTE_OK)
      fuzz::fail("gridroute_engine_find_units failed on one id", text_of(id));
    issues[i].cell_number = number;
    issues[i].cell_generation = generation;
  }
  std::vector<gridroute_decision> got(count, gridroute_decision(GRIDROUTE_DECISION_INIT));
  gridroute_error* err = nullptr;
  const int st = gridroute_engine_route_batch(got.data(), engine(), issues.data(), count, &opts, &err);
  check_status(st, err);
  if (st != GRIDROUTE_OK) fuzz::fail("a batch of well-formed arrays failed as a whole", "");
  gridroute_decision one = GRIDROUTE_DECISION_INIT;
  for (std::size_t i = 0; i < count; ++i) {
    err = nullptr;
    const int rc = gridroute_engine_route(&one, engine(), &issues[i], &opts, &err);
    if (rc != GRIDROUTE_OK && rc != GRIDROUTE_E_REJECTED) {
      // What one call refuses as an argument, the batch rejects in its place, with the same message.
      const std::string message = err ? err->message : "";
      check_status(rc, err);
      if (got[i].status != GRIDROUTE_DECISION_REJECTED || text_of(got[i].message) != message)
        fuzz::fail("a batch rejects an issue unlike one call's failure", message + "\n" + decision_text(got[i]));
      continue;
    }
    gridroute_error_free(err);
    if (decision_text(got[i]) != decision_text(one))
      fuzz::fail("a batch answers an issue unlike one call at a time", decision_text(got[i]) + "\n" + decision_text(one));
  }
  gridroute_decision_release(&one);
  for (gridroute_decision& d : got) gridroute_decision_release(&d);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  // 0-5 as the seeds were written; 6 the struct batch (7 of every 256 first bytes pick it).
  const int op = data[0] % 7;
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
    case 6:
      struct_batch(Bytes{data + 1, size - 1});
      break;
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
