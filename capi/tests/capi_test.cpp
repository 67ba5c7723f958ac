// Tests of the C ABI (capi/include/gridroute.h), against the test build of the library, which has a
// fault-injection hook (capi_internal.h). Golden outputs are compared byte for byte with the CLI.
#include <cstdio>
#include <cmath>
#include <cstring>
#include <algorithm>
#include <atomic>
#include <filesystem>
#include <functional>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include "capi_internal.h"
#include "gridroute.h"

namespace {

namespace fs = std::filesystem;
namespace json = boost::json;

const std::string kLanxi = std::string(GRIDROUTE_SOURCE_DIR) + "/examples/lanxi";

std::string read_file(const fs::path& p) {
  std::ifstream f(p, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

// Every example bundle: examples/lanxi, and each bundle under the shared examples folder.
std::vector<std::string> example_dirs() {
  std::vector<std::string> out{kLanxi};
  fs::path shared = fs::path(GRIDROUTE_SHARED_DIR) / "examples";
  std::error_code ec;
  if (fs::is_directory(shared, ec))
    for (const auto& e : fs::directory_iterator(shared))
      if (fs::exists(e.path() / "jurisdiction.json")) out.push_back(e.path().string());
  return out;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::stringstream ss(text);
  for (std::string l; std::getline(ss, l);) out.push_back(l);
  return out;
}

std::string str(gridroute_string s) { return s.ptr ? std::string(s.ptr, s.len) : std::string(); }

// An engine loaded for a test, freed at the end.
struct EngineHandle {
  gridroute_engine* e = nullptr;
  explicit EngineHandle(const std::string& dir) {
    gridroute_error* err = nullptr;
    int rc = gridroute_engine_load(&e, dir.c_str(), GRIDROUTE_NTS, nullptr, &err);
    EXPECT_EQ(rc, GRIDROUTE_OK) << (err ? err->message : "");
    gridroute_error_free(err);
  }
  ~EngineHandle() { gridroute_engine_free(e); }
};

// Parses a JSON Lines issue into the fast-path structs (strings point into the parsed value).
struct FastIssue {
  json::value v;
  std::vector<gridroute_attr> attrs;
  gridroute_issue issue = GRIDROUTE_ISSUE_INIT;
  bool usable = false;

  explicit FastIssue(const std::string& line) {
    json::error_code ec;
    v = json::parse(line, ec);
    if (ec || !v.is_object()) return;
    const json::object& o = v.get_object();
    auto s = [&](const char* k, const char*& p, size_t& n) {
      auto x = o.if_contains(k);
      if (!x || !x->is_string()) return false;
      p = x->get_string().data();
      n = x->get_string().size();
      return true;
    };
    const char* at = nullptr;
    size_t at_len = 0;
    if (!s("id", issue.id, issue.id_len) || !s("category", issue.category, issue.category_len) ||
        !s("cell", issue.cell, issue.cell_len) || !s("at", at, at_len))
      return;
    if (gridroute_time_parse(&issue.at, at, at_len, nullptr) != GRIDROUTE_OK) return;
    if (auto a = o.if_contains("attrs"); a && a->is_object()) {
      for (const auto& kv : a->get_object()) {
        gridroute_attr g{};
        g.name = kv.key().data();
        g.name_len = kv.key().size();
        const json::value& x = kv.value();
        if (x.is_bool()) g.type = GRIDROUTE_ATTR_BOOL, g.boolean = x.get_bool();
        else if (x.is_number()) g.type = GRIDROUTE_ATTR_NUMBER, g.number = x.to_number<double>();
        else if (x.is_string()) g.type = GRIDROUTE_ATTR_STRING, g.string = x.get_string().data(), g.string_len = x.get_string().size();
        else if (x.is_null()) g.type = GRIDROUTE_ATTR_NULL;
        else g.type = x.is_object() ? GRIDROUTE_ATTR_OBJECT : GRIDROUTE_ATTR_LIST;
        attrs.push_back(g);
      }
    } else if (a && !a->is_null()) {
      return;
    }
    issue.attrs = attrs.data();
    issue.attr_count = attrs.size();
    usable = true;
  }
};

std::string time_text(int64_t t, gridroute_string tz) {
  if (t == GRIDROUTE_TIME_NONE) return "null";
  gridroute_buf b = GRIDROUTE_BUF_INIT;
  EXPECT_EQ(gridroute_time_format(&b, t, tz.ptr, tz.len, nullptr), GRIDROUTE_OK);
  std::string s = b.ptr;
  gridroute_buf_dispose(&b);
  return s;
}

std::string json_time(const json::object& o, const char* k) {
  auto v = o.if_contains(k);
  return v && v->is_string() ? std::string(v->get_string()) : "null";
}

std::string json_str(const json::object& o, const char* k) {
  auto v = o.if_contains(k);
  return v && v->is_string() ? std::string(v->get_string()) : "";
}

std::vector<std::string> json_list(const json::object& o, const char* k) {
  std::vector<std::string> out;
  if (auto v = o.if_contains(k); v && v->is_array())
    for (const auto& x : v->get_array()) out.emplace_back(x.get_string());
  return out;
}

std::vector<std::string> str_list(const gridroute_string* p, size_t n) {
  std::vector<std::string> out;
  for (size_t i = 0; i < n; ++i) out.push_back(str(p[i]));
  return out;
}

// ---- version

TEST(Version, MatchesHeader) {
  EXPECT_STREQ(gridroute_version(), GRIDROUTE_VERSION_STRING);
  EXPECT_EQ(gridroute_version_number(), static_cast<uint32_t>(GRIDROUTE_VERSION_NUMBER));
  EXPECT_STREQ(gridroute_status_string(GRIDROUTE_E_BUNDLE), "bundle refused");
  EXPECT_STREQ(gridroute_status_string(12345), "unknown status");
}

// ---- loading

TEST(Load, DirectoryAndMissingDirectory) {
  gridroute_engine* e = nullptr;
  gridroute_error* err = nullptr;
  ASSERT_EQ(gridroute_engine_load(&e, kLanxi.data(), kLanxi.size(), nullptr, &err), GRIDROUTE_OK);
  EXPECT_EQ(err, nullptr);
  gridroute_engine_free(e);

  e = reinterpret_cast<gridroute_engine*>(0x1);  // must be overwritten with NULL
  ASSERT_EQ(gridroute_engine_load(&e, "/nonexistent/bundle", GRIDROUTE_NTS, nullptr, &err), GRIDROUTE_E_BUNDLE);
  EXPECT_EQ(e, nullptr);
  ASSERT_NE(err, nullptr);
  EXPECT_EQ(err->code, GRIDROUTE_E_BUNDLE);
  EXPECT_NE(std::string(err->message).find("bundle refused"), std::string::npos);
  ASSERT_GE(err->diagnostic_count, 1u);
  EXPECT_STREQ(err->file, "/nonexistent/bundle");
  EXPECT_NE(std::string(err->diagnostics[0].text).find("no such directory"), std::string::npos);
  gridroute_error_free(err);

  // A path with a NUL byte is no path: the system would cut it at the NUL and read another file.
  const std::string with_nul = kLanxi + std::string("\0/nonexistent", 13);
  err = nullptr;
  EXPECT_EQ(gridroute_engine_load(&e, with_nul.data(), with_nul.size(), nullptr, &err), GRIDROUTE_E_INVALID_ARGUMENT);
  ASSERT_NE(err, nullptr);
  EXPECT_NE(std::string(err->message).find("dir holds a NUL byte"), std::string::npos) << err->message;
  gridroute_error_free(err);
}

// A compiled bundle file (gridroute compile) opens through the same call as a directory and answers the
// same batch byte for byte; a file of another format version is refused with the file named.
TEST(Load, CompiledFileAnswersAsTheDirectory) {
  const std::string file = std::string(GRIDROUTE_SOURCE_DIR) + "/tests/data/compiled/lanxi-format5.grb";
  const std::string issues = read_file(std::string(GRIDROUTE_SOURCE_DIR) + "/tests/data/compiled/lanxi-issues.jsonl");
  gridroute_engine* e = nullptr;
  gridroute_error* err = nullptr;
  ASSERT_EQ(gridroute_engine_load(&e, file.data(), file.size(), nullptr, &err), GRIDROUTE_OK);
  gridroute_buf out = GRIDROUTE_BUF_INIT;
  ASSERT_EQ(gridroute_engine_route_jsonl(&out, e, issues.data(), issues.size(), nullptr, &err), GRIDROUTE_OK);
  EXPECT_EQ(std::string(out.ptr, out.len),
            read_file(std::string(GRIDROUTE_SOURCE_DIR) + "/tests/data/compiled/lanxi-format5-route.jsonl"));
  gridroute_buf_dispose(&out);
  gridroute_engine_free(e);

  std::string bytes = read_file(file);
  bytes[16] = 9;  // the format version's low byte
  const std::string other = ::testing::TempDir() + "/other-version.grb";
  { std::ofstream(other, std::ios::binary) << bytes; }
  ASSERT_EQ(gridroute_engine_load(&e, other.c_str(), GRIDROUTE_NTS, nullptr, &err), GRIDROUTE_E_BUNDLE);
  ASSERT_NE(err, nullptr);
  EXPECT_STREQ(err->file, other.c_str());
  EXPECT_NE(std::string(err->message).find("format version 9"), std::string::npos) << err->message;
  gridroute_error_free(err);
  std::remove(other.c_str());
}

gridroute_file file_of(const std::string& name, const std::string& data) {
  return gridroute_file{name.data(), name.size(), data.data(), data.size()};
}

TEST(Load, SourcesGiveTheSameAnswersAsTheDirectory) {
  std::string jur = read_file(kLanxi + "/jurisdiction.json"), rules = read_file(kLanxi + "/rules.json");
  std::string units = read_file(kLanxi + "/units.csv"), handlers = read_file(kLanxi + "/handlers.csv");
  std::string un = "units.csv", hn = "handlers.csv";
  gridroute_file files[2] = {file_of(un, units), file_of(hn, handlers)};
  gridroute_bundle_sources src = GRIDROUTE_BUNDLE_SOURCES_INIT;
  src.label = "lanxi";
  src.label_len = GRIDROUTE_NTS;
  src.jurisdiction_json = jur.data();
  src.jurisdiction_json_len = jur.size();
  src.rules_json = rules.c_str();
  src.rules_json_len = GRIDROUTE_NTS;
  src.files = files;
  src.file_count = 2;
  gridroute_engine* mem = nullptr;
  gridroute_error* err = nullptr;
  ASSERT_EQ(gridroute_engine_load_sources(&mem, &src, nullptr, &err), GRIDROUTE_OK) << err->message;
  EngineHandle dir(kLanxi);
  std::string issues = read_file(kLanxi + "/issues.jsonl");
  gridroute_buf a = GRIDROUTE_BUF_INIT, b = GRIDROUTE_BUF_INIT;
  ASSERT_EQ(gridroute_engine_route_jsonl(&a, mem, issues.data(), issues.size(), nullptr, nullptr), GRIDROUTE_OK);
  ASSERT_EQ(gridroute_engine_route_jsonl(&b, dir.e, issues.data(), issues.size(), nullptr, nullptr), GRIDROUTE_OK);
  EXPECT_EQ(std::string(a.ptr, a.len), std::string(b.ptr, b.len));
  gridroute_buf_dispose(&a);
  gridroute_buf_dispose(&b);

  // A missing CSV file is a bundle error naming the field.
  src.file_count = 1;
  gridroute_engine* bad = nullptr;
  ASSERT_EQ(gridroute_engine_load_sources(&bad, &src, nullptr, &err), GRIDROUTE_E_BUNDLE);
  EXPECT_EQ(bad, nullptr);
  EXPECT_STREQ(err->pointer, "/handlers_csv");
  EXPECT_STREQ(err->file, "lanxi/jurisdiction.json");
  EXPECT_GT(err->line, 0);
  gridroute_error_free(err);
  gridroute_engine_free(mem);
}

TEST(Load, BundleErrorsCarryFileLinePointerAndAllDiagnostics) {
  std::string jur = read_file(kLanxi + "/jurisdiction.json");
  json::value rules = json::parse(read_file(kLanxi + "/rules.json"));
  rules.as_object()["surprise"] = 1;
  rules.as_object()["rules"].as_array()[0].as_object()["bogus"] = true;
  std::string rules_text = json::serialize(rules);
  std::string units = read_file(kLanxi + "/units.csv"), handlers = read_file(kLanxi + "/handlers.csv");
  std::string un = "units.csv", hn = "handlers.csv";
  gridroute_file files[2] = {file_of(un, units), file_of(hn, handlers)};
  gridroute_bundle_sources src = GRIDROUTE_BUNDLE_SOURCES_INIT;
  src.jurisdiction_json = jur.c_str();
  src.jurisdiction_json_len = GRIDROUTE_NTS;
  src.rules_json = rules_text.c_str();
  src.rules_json_len = GRIDROUTE_NTS;
  src.files = files;
  src.file_count = 2;
  gridroute_engine* e = nullptr;
  gridroute_error* err = nullptr;
  ASSERT_EQ(gridroute_engine_load_sources(&e, &src, nullptr, &err), GRIDROUTE_E_BUNDLE);
  ASSERT_NE(err, nullptr);
  EXPECT_EQ(err->diagnostic_count, 2u);
  std::vector<std::string> pointers;
  for (size_t i = 0; i < err->diagnostic_count; ++i) {
    const gridroute_diagnostic& d = err->diagnostics[i];
    EXPECT_EQ(d.severity, GRIDROUTE_SEVERITY_ERROR);
    EXPECT_STREQ(d.file, "<memory>/rules.json");
    EXPECT_EQ(d.line, 1);
    EXPECT_GT(d.column, 1);
    pointers.emplace_back(d.pointer);
    EXPECT_NE(std::string(d.text).find(d.pointer), std::string::npos);
  }
  std::sort(pointers.begin(), pointers.end());
  EXPECT_EQ(pointers, (std::vector<std::string>{"/rules/0/bogus", "/surprise"}));
  EXPECT_STREQ(err->file, err->diagnostics[0].file);
  EXPECT_STREQ(err->pointer, err->diagnostics[0].pointer);
  EXPECT_EQ(err->line, err->diagnostics[0].line);
  gridroute_error_free(err);

  // The same bundle with a wrong JSON text, truncated.
  rules_text.resize(rules_text.size() / 2);
  src.rules_json = rules_text.c_str();
  ASSERT_EQ(gridroute_engine_load_sources(&e, &src, nullptr, &err), GRIDROUTE_E_BUNDLE);
  EXPECT_GE(err->diagnostic_count, 1u);
  gridroute_error_free(err);
  // Without an error out-parameter, the status alone.
  EXPECT_EQ(gridroute_engine_load_sources(&e, &src, nullptr, nullptr), GRIDROUTE_E_BUNDLE);
}

TEST(Load, Options) {
  gridroute_load_options o;
  ASSERT_EQ(gridroute_load_options_init(&o, sizeof o), GRIDROUTE_OK);
  EXPECT_EQ(o.struct_size, sizeof o);
  EXPECT_EQ(gridroute_load_options_init(&o, 3), GRIDROUTE_E_STRUCT_SIZE);
  EXPECT_EQ(gridroute_load_options_init(nullptr, sizeof o), GRIDROUTE_E_INVALID_ARGUMENT);
  o.max_units = 3;  // lanxi has 25
  gridroute_engine* e = nullptr;
  gridroute_error* err = nullptr;
  EXPECT_EQ(gridroute_engine_load(&e, kLanxi.c_str(), GRIDROUTE_NTS, &o, &err), GRIDROUTE_E_BUNDLE);
  gridroute_error_free(err);
  o.struct_size = sizeof o + 8;
  EXPECT_EQ(gridroute_engine_load(&e, kLanxi.c_str(), GRIDROUTE_NTS, &o, &err), GRIDROUTE_E_STRUCT_SIZE);
  EXPECT_NE(std::string(err->message).find("struct_size"), std::string::npos);
  gridroute_error_free(err);
}

// ---- golden: the JSON path equals the CLI, byte for byte

std::string run_cli(const std::string& args) {
  std::string cmd = std::string(GRIDROUTE_CLI) + " " + args;
  std::FILE* p = popen(cmd.c_str(), "r");
  std::string out;
  char buf[65536];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  pclose(p);
  return out;
}

TEST(Golden, JsonLinesEqualTheCli) {
  for (const std::string& dir : example_dirs()) {
    SCOPED_TRACE(dir);
    EngineHandle e(dir);
    std::string issues = read_file(dir + "/issues.jsonl"), cases = read_file(dir + "/cases.jsonl");
    std::string now_text = lines_of(read_file(dir + "/NOW.txt")).at(0);
    int64_t now = 0;
    ASSERT_EQ(gridroute_time_parse(&now, now_text.c_str(), GRIDROUTE_NTS, nullptr), GRIDROUTE_OK);
    gridroute_buf out = GRIDROUTE_BUF_INIT;
    ASSERT_EQ(gridroute_engine_route_jsonl(&out, e.e, issues.data(), issues.size(), nullptr, nullptr), GRIDROUTE_OK);
    EXPECT_EQ(std::string(out.ptr, out.len), run_cli("route --quiet " + dir + " " + dir + "/issues.jsonl"));
    gridroute_route_options ro = GRIDROUTE_ROUTE_OPTIONS_INIT;
    ro.flags = GRIDROUTE_ROUTE_EXPLAIN;
    ASSERT_EQ(gridroute_engine_route_jsonl(&out, e.e, issues.data(), issues.size(), &ro, nullptr), GRIDROUTE_OK);
    EXPECT_EQ(std::string(out.ptr, out.len),
              run_cli("route --quiet --explain " + dir + " " + dir + "/issues.jsonl"));
    ASSERT_EQ(gridroute_engine_escalate_jsonl(&out, e.e, cases.data(), cases.size(), now, nullptr, nullptr),
              GRIDROUTE_OK);
    EXPECT_EQ(std::string(out.ptr, out.len),
              run_cli("escalate --quiet " + dir + " " + dir + "/cases.jsonl --now " + now_text));

    // Line by line through the single-line functions: the same records; rejected ones say so.
    std::vector<std::string> expected = lines_of(run_cli("route --quiet " + dir + " " + dir + "/issues.jsonl"));
    size_t k = 0;
    for (const std::string& line : lines_of(issues)) {
      if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
      gridroute_error* err = nullptr;
      int rc = gridroute_engine_route_json(&out, e.e, line.data(), line.size(), nullptr, &err);
      ASSERT_LT(k, expected.size());
      EXPECT_EQ(std::string(out.ptr, out.len), expected[k]);
      bool rejected = expected[k].find("\"status\": \"rejected\"") != std::string::npos;
      EXPECT_EQ(rc, rejected ? GRIDROUTE_E_REJECTED : GRIDROUTE_OK) << line;
      if (rejected) {
        ASSERT_NE(err, nullptr);
        EXPECT_NE(expected[k].find(json::serialize(json::value(err->message))), std::string::npos) << err->message;
      }
      gridroute_error_free(err);
      ++k;
    }
    gridroute_buf_dispose(&out);
  }
}

// ---- golden: the fast path gives the JSON path's answers

TEST(Golden, FastPathRouteEqualsJsonPath) {
  for (const std::string& dir : example_dirs()) {
    SCOPED_TRACE(dir);
    EngineHandle e(dir);
    gridroute_decision d = GRIDROUTE_DECISION_INIT;  // reused across calls
    gridroute_buf out = GRIDROUTE_BUF_INIT;
    int fast = 0;
    for (const std::string& line : lines_of(read_file(dir + "/issues.jsonl"))) {
      FastIssue fi(line);
      if (!fi.usable) continue;
      ++fast;
      gridroute_engine_route_json(&out, e.e, line.data(), line.size(), nullptr, nullptr);
      json::object want = json::parse(std::string(out.ptr, out.len)).as_object();
      gridroute_error* err = nullptr;
      int rc = gridroute_engine_route(&d, e.e, &fi.issue, nullptr, &err);
      std::string status = json_str(want, "status");
      SCOPED_TRACE(line);
      if (status == "rejected") {
        EXPECT_EQ(rc, GRIDROUTE_E_REJECTED);
        EXPECT_EQ(d.status, GRIDROUTE_DECISION_REJECTED);
        EXPECT_EQ(str(d.message), json_str(want, "error"));
        ASSERT_NE(err, nullptr);
        EXPECT_EQ(std::string(err->message), json_str(want, "error"));
        gridroute_error_free(err);
        continue;
      }
      ASSERT_EQ(rc, GRIDROUTE_OK);
      EXPECT_EQ(err, nullptr);
      if (status == "unrouted") {
        EXPECT_EQ(d.status, GRIDROUTE_DECISION_UNROUTED);
        EXPECT_EQ(str(d.message), json_str(want, "reason"));
        continue;
      }
      EXPECT_EQ(d.status, GRIDROUTE_DECISION_ROUTED);
      EXPECT_EQ(str(d.rule), json_str(want, "rule"));
      EXPECT_EQ(str(d.role), json_str(want, "role"));
      EXPECT_EQ(str(d.department), json_str(want, "department"));
      EXPECT_EQ(str(d.handler), json_str(want, "handler"));
      EXPECT_EQ(str(d.unit), json_str(want, "unit"));
      EXPECT_EQ(str(d.escalation), json_str(want, "escalation"));
      EXPECT_EQ(str_list(d.alternates, d.alternate_count), json_list(want, "alternates"));
      EXPECT_EQ(str_list(d.assist, d.assist_count), json_list(want, "assist"));
      EXPECT_EQ(d.level, want.at("level").as_int64());
      EXPECT_EQ(time_text(d.respond_by, d.timezone), json_time(want, "respond_by"));
      EXPECT_EQ(time_text(d.resolve_by, d.timezone), json_time(want, "resolve_by"));
      EXPECT_EQ(d.json.ptr, nullptr);
    }
    EXPECT_GT(fast, 40);
    gridroute_decision_release(&d);
    gridroute_decision_release(&d);  // twice is fine
    gridroute_buf_dispose(&out);
  }
}

TEST(Golden, FastPathEscalateEqualsJsonPath) {
  for (const std::string& dir : example_dirs()) {
    SCOPED_TRACE(dir);
    EngineHandle e(dir);
    int64_t now = 0;
    std::string now_text = lines_of(read_file(dir + "/NOW.txt")).at(0);
    ASSERT_EQ(gridroute_time_parse(&now, now_text.c_str(), GRIDROUTE_NTS, nullptr), GRIDROUTE_OK);
    gridroute_action a = GRIDROUTE_ACTION_INIT;
    gridroute_buf out = GRIDROUTE_BUF_INIT;
    int fast = 0;
    for (const std::string& line : lines_of(read_file(dir + "/cases.jsonl"))) {
      FastIssue fi(line);
      if (!fi.usable) continue;
      const json::object& o = fi.v.get_object();
      gridroute_case c = GRIDROUTE_CASE_INIT;
      c.issue = &fi.issue;
      auto lvl = o.if_contains("level");
      auto started = o.if_contains("level_started_at");
      auto responded = o.if_contains("responded");
      auto reports = o.if_contains("reports");
      auto st = o.if_contains("status");
      if (!lvl || !lvl->is_int64() || !started || !started->is_string() || !responded || !responded->is_bool() ||
          !reports || !reports->is_int64() || !st || !st->is_string())
        continue;
      if (auto r = o.if_contains("rating"); r && !r->is_null()) {
        if (!r->is_int64() || r->as_int64() < 1 || r->as_int64() > 5) continue;  // 0 means "none" here
        c.rating = static_cast<int32_t>(r->as_int64());
      }
      if (st->get_string() != "open" && st->get_string() != "resolved") continue;
      if (gridroute_time_parse(&c.level_started_at, started->get_string().data(), started->get_string().size(),
                               nullptr) != GRIDROUTE_OK)
        continue;
      c.level = static_cast<int32_t>(lvl->as_int64());
      c.responded = responded->get_bool();
      c.reports = reports->as_int64();
      c.resolved = st->get_string() == "resolved";
      ++fast;
      gridroute_engine_escalate_json(&out, e.e, line.data(), line.size(), now, nullptr, nullptr);
      json::object want = json::parse(std::string(out.ptr, out.len)).as_object();
      SCOPED_TRACE(line);
      int rc = gridroute_engine_escalate(&a, e.e, &c, now, nullptr, nullptr);
      std::string action = json_str(want, "action");
      if (action == "rejected") {
        EXPECT_EQ(rc, GRIDROUTE_E_REJECTED);
        EXPECT_EQ(a.kind, GRIDROUTE_ACTION_REJECTED);
        EXPECT_FALSE(str(a.message).empty());
        continue;
      }
      ASSERT_EQ(rc, GRIDROUTE_OK);
      static const char* kinds[] = {"", "none", "hold", "escalate", "reopen", "overdue", "rejected"};
      EXPECT_EQ(kinds[a.kind], action);
      EXPECT_EQ(a.level, want.at("level").as_int64());
      EXPECT_EQ(str(a.handler), json_str(want, "handler"));
      EXPECT_EQ(str(a.role), json_str(want, "role"));
      EXPECT_EQ(str(a.department), json_str(want, "department"));
      EXPECT_EQ(str(a.unit), json_str(want, "unit"));
      std::vector<std::string> reasons;
      if (a.reasons & GRIDROUTE_REASON_MISSED_RESPOND) reasons.push_back("missed_respond");
      if (a.reasons & GRIDROUTE_REASON_MISSED_RESOLVE) reasons.push_back("missed_resolve");
      if (a.reasons & GRIDROUTE_REASON_REPEAT_REPORTS) reasons.push_back("repeat_reports");
      if (a.reasons & GRIDROUTE_REASON_LOW_RATING) reasons.push_back("low_rating");
      EXPECT_EQ(reasons, json_list(want, "reasons"));
      EXPECT_EQ(time_text(a.next_check, a.timezone), json_time(want, "next_check"));
      EXPECT_EQ(time_text(a.respond_by, a.timezone), json_time(want, "respond_by"));
      EXPECT_EQ(time_text(a.resolve_by, a.timezone), json_time(want, "resolve_by"));
    }
    EXPECT_GT(fast, 30);
    gridroute_action_release(&a);
    gridroute_buf_dispose(&out);
  }
}

// A case given by its location (SPEC §7) carries the cell found, on the struct path as in its JSON; a case
// given by its cell carries none.
TEST(Golden, AnActionOfALocatedCaseCarriesTheCellFound) {
  const std::string dir = std::string(GRIDROUTE_SHARED_DIR) + "/examples-1.1/lianshi";
  if (!fs::exists(dir + "/jurisdiction.json")) GTEST_SKIP() << "no " << dir;
  EngineHandle e(dir);
  int64_t now = 0, at = 0;
  ASSERT_EQ(gridroute_time_parse(&now, "2026-12-09T10:00:00+08:00", GRIDROUTE_NTS, nullptr), GRIDROUTE_OK);
  ASSERT_EQ(gridroute_time_parse(&at, "2026-12-03T09:30:00+08:00", GRIDROUTE_NTS, nullptr), GRIDROUTE_OK);
  gridroute_attr attr{};
  attr.name = "private_property";
  attr.name_len = GRIDROUTE_NTS;
  attr.type = GRIDROUTE_ATTR_BOOL;
  attr.boolean = 1;
  gridroute_issue issue = GRIDROUTE_ISSUE_INIT;
  issue.id = "G";
  issue.id_len = GRIDROUTE_NTS;
  issue.category = "nuisance.dog.stairwell";
  issue.category_len = GRIDROUTE_NTS;
  issue.at = at;
  issue.attrs = &attr;
  issue.attr_count = 1;
  issue.has_location = 1;
  issue.lon = 120.4326171875;
  issue.lat = 30.7109375;
  gridroute_case c = GRIDROUTE_CASE_INIT;
  c.issue = &issue;
  c.level_started_at = at;
  gridroute_action a = GRIDROUTE_ACTION_INIT;
  ASSERT_EQ(gridroute_engine_escalate(&a, e.e, &c, now, nullptr, nullptr), GRIDROUTE_OK) << str(a.message);
  const std::string line =
      R"({"id": "G", "category": "nuisance.dog.stairwell", "location": [120.4326171875, 30.7109375], )"
      R"("at": "2026-12-03T09:30:00+08:00", "attrs": {"private_property": true}, "level": 0, )"
      R"("level_started_at": "2026-12-03T09:30:00+08:00", "responded": false, "reports": 0, "status": "open"})";
  gridroute_buf out = GRIDROUTE_BUF_INIT;
  ASSERT_EQ(gridroute_engine_escalate_json(&out, e.e, line.data(), line.size(), now, nullptr, nullptr), GRIDROUTE_OK);
  const json::object want = json::parse(std::string(out.ptr, out.len)).as_object();
  EXPECT_EQ(json_str(want, "cell"), "xinhua-a-01");
  EXPECT_EQ(str(a.cell), json_str(want, "cell"));
  EXPECT_EQ(str(a.handler), json_str(want, "handler"));
  // The same case by its cell: no cell found, none written.
  issue.has_location = 0;
  issue.cell = "xinhua-a-01";
  issue.cell_len = GRIDROUTE_NTS;
  ASSERT_EQ(gridroute_engine_escalate(&a, e.e, &c, now, nullptr, nullptr), GRIDROUTE_OK) << str(a.message);
  EXPECT_EQ(a.cell.ptr, nullptr);
  EXPECT_EQ(a.cell.len, 0u);
  EXPECT_EQ(str(a.handler), json_str(want, "handler"));
  gridroute_action_release(&a);
  gridroute_buf_dispose(&out);
}

// ---- explain, check, time

TEST(Explain, TraceInBothShapes) {
  EngineHandle e(kLanxi);
  std::string line = lines_of(read_file(kLanxi + "/issues.jsonl")).at(0);
  gridroute_route_options ro = GRIDROUTE_ROUTE_OPTIONS_INIT;
  ro.flags = GRIDROUTE_ROUTE_EXPLAIN;
  gridroute_buf out = GRIDROUTE_BUF_INIT;
  ASSERT_EQ(gridroute_engine_route_json(&out, e.e, line.data(), line.size(), &ro, nullptr), GRIDROUTE_OK);
  json::object j = json::parse(out.ptr).as_object();
  ASSERT_TRUE(j.contains("trace"));
  EXPECT_FALSE(j.at("trace").as_array().empty());
  FastIssue fi(line);
  ASSERT_TRUE(fi.usable);
  gridroute_decision d = GRIDROUTE_DECISION_INIT;
  ASSERT_EQ(gridroute_engine_route(&d, e.e, &fi.issue, &ro, nullptr), GRIDROUTE_OK);
  ASSERT_NE(d.json.ptr, nullptr);
  EXPECT_EQ(str(d.json), std::string(out.ptr, out.len));
  ro.flags = 0x80;
  EXPECT_EQ(gridroute_engine_route(&d, e.e, &fi.issue, &ro, nullptr), GRIDROUTE_E_INVALID_ARGUMENT);
  EXPECT_EQ(d.hold_, nullptr);  // released on failure
  gridroute_decision_release(&d);
  gridroute_buf_dispose(&out);
}

// A located issue's explanation says how its point gave the cell, on the struct path as in JSON Lines.
TEST(Explain, HowALocationGaveItsCellInBothShapes) {
  const std::string dir = std::string(GRIDROUTE_SOURCE_DIR) + "/examples/xincheng";
  EngineHandle e(dir);
  // X04: 19.4 m east of xincheng-a-02, snapped (snap_meters 30).
  const std::string line =
      R"({"id": "X04", "category": "nuisance.clutter.passage", "location": [119.4842, 29.201], )"
      R"("at": "2026-12-03T09:30:00+08:00"})";
  gridroute_route_options ro = GRIDROUTE_ROUTE_OPTIONS_INIT;
  ro.flags = GRIDROUTE_ROUTE_EXPLAIN;
  gridroute_buf out = GRIDROUTE_BUF_INIT;
  ASSERT_EQ(gridroute_engine_route_json(&out, e.e, line.data(), line.size(), &ro, nullptr), GRIDROUTE_OK);
  const std::string via_json(out.ptr, out.len);
  EXPECT_NE(via_json.find(R"("located": {"how": "snapped", "meters": 19.41, "snap_meters": 30, "others": [])"),
            std::string::npos)
      << via_json;
  gridroute_issue issue = GRIDROUTE_ISSUE_INIT;
  issue.id = "X04";
  issue.id_len = GRIDROUTE_NTS;
  issue.category = "nuisance.clutter.passage";
  issue.category_len = GRIDROUTE_NTS;
  ASSERT_EQ(gridroute_time_parse(&issue.at, "2026-12-03T09:30:00+08:00", GRIDROUTE_NTS, nullptr), GRIDROUTE_OK);
  issue.has_location = 1;
  issue.lon = 119.4842;
  issue.lat = 29.201;
  gridroute_decision d = GRIDROUTE_DECISION_INIT;
  ASSERT_EQ(gridroute_engine_route(&d, e.e, &issue, &ro, nullptr), GRIDROUTE_OK);
  EXPECT_EQ(str(d.json), via_json);
  EXPECT_EQ(str(d.cell), "xincheng-a-02");
  gridroute_decision_release(&d);
  gridroute_buf_dispose(&out);
}

TEST(Check, FindingsEqualTheCli) {
  for (const std::string& dir : example_dirs()) {
    EngineHandle e(dir);
    gridroute_diagnostics* list = nullptr;
    ASSERT_EQ(gridroute_engine_check(&list, e.e, nullptr, nullptr), GRIDROUTE_OK);
    std::vector<std::string> cli = lines_of(run_cli("check " + dir));
    ASSERT_EQ(list->count + 2, cli.size());  // the CLI adds a summary line and the bundle's digest
    for (size_t i = 0; i < list->count; ++i) EXPECT_EQ(cli[i], list->items[i].text);
    gridroute_diagnostics_free(list);
  }
  // A bundle with an unused policy has a warning.
  std::string jur = read_file(kLanxi + "/jurisdiction.json");
  json::value rules = json::parse(read_file(kLanxi + "/rules.json"));
  rules.as_object()["escalation_policies"].as_array().push_back(
      json::parse(R"({"id": "never-used", "levels": [{"name": "grid"}]})"));
  std::string rules_text = json::serialize(rules);
  std::string units = read_file(kLanxi + "/units.csv"), handlers = read_file(kLanxi + "/handlers.csv");
  std::string un = "units.csv", hn = "handlers.csv";
  gridroute_file files[2] = {file_of(un, units), file_of(hn, handlers)};
  gridroute_bundle_sources src = GRIDROUTE_BUNDLE_SOURCES_INIT;
  src.jurisdiction_json = jur.c_str();
  src.jurisdiction_json_len = GRIDROUTE_NTS;
  src.rules_json = rules_text.c_str();
  src.rules_json_len = GRIDROUTE_NTS;
  src.files = files;
  src.file_count = 2;
  gridroute_engine* e = nullptr;
  ASSERT_EQ(gridroute_engine_load_sources(&e, &src, nullptr, nullptr), GRIDROUTE_OK);
  gridroute_diagnostics* list = nullptr;
  gridroute_check_options co = GRIDROUTE_CHECK_OPTIONS_INIT;
  ASSERT_EQ(gridroute_engine_check(&list, e, &co, nullptr), GRIDROUTE_OK);
  ASSERT_GE(list->count, 1u);
  bool found = false;
  for (size_t i = 0; i < list->count; ++i) {
    EXPECT_EQ(list->items[i].severity, GRIDROUTE_SEVERITY_WARNING);
    found |= std::string(list->items[i].message).find("never-used") != std::string::npos;
  }
  EXPECT_TRUE(found);
  gridroute_diagnostics_free(list);
  co.struct_size = 1;
  EXPECT_EQ(gridroute_engine_check(&list, e, &co, nullptr), GRIDROUTE_E_STRUCT_SIZE);
  EXPECT_EQ(list, nullptr);
  gridroute_engine_free(e);
}

TEST(Time, ParseAndFormat) {
  int64_t t = 0;
  ASSERT_EQ(gridroute_time_parse(&t, "2026-11-20T09:15:00+08:00", GRIDROUTE_NTS, nullptr), GRIDROUTE_OK);
  EXPECT_EQ(t, INT64_C(1795137300000000));
  gridroute_buf b = GRIDROUTE_BUF_INIT;
  ASSERT_EQ(gridroute_time_format(&b, t, "Asia/Shanghai", GRIDROUTE_NTS, nullptr), GRIDROUTE_OK);
  EXPECT_STREQ(b.ptr, "2026-11-20T09:15:00+08:00");
  ASSERT_EQ(gridroute_time_format(&b, t, "UTC", 3, nullptr), GRIDROUTE_OK);
  EXPECT_STREQ(b.ptr, "2026-11-20T01:15:00+00:00");
  gridroute_error* err = nullptr;
  EXPECT_EQ(gridroute_time_parse(&t, "2026-11-20T09:15:00", GRIDROUTE_NTS, &err), GRIDROUTE_E_INVALID_ARGUMENT);
  EXPECT_NE(std::string(err->message).find("RFC 3339"), std::string::npos);
  // Said once: the message is the parser's, not the parser's behind a prefix that says it again.
  EXPECT_EQ(std::string(err->message).find("RFC 3339"), std::string(err->message).rfind("RFC 3339")) << err->message;
  gridroute_error_free(err);
  EXPECT_EQ(gridroute_time_format(&b, t, "Nowhere/Atlantis", GRIDROUTE_NTS, nullptr), GRIDROUTE_E_INVALID_ARGUMENT);
  // A failed call leaves the buffer empty, not holding the previous call's text.
  EXPECT_EQ(b.len, 0u);
  EXPECT_STREQ(b.ptr, "");
  EXPECT_EQ(gridroute_time_format(&b, GRIDROUTE_TIME_NONE, "UTC", GRIDROUTE_NTS, nullptr),
            GRIDROUTE_E_INVALID_ARGUMENT);
  gridroute_buf_dispose(&b);
}

// ---- lifetime: results hold their snapshot

TEST(Lifetime, DecisionOutlivesReloadAndEngine) {
  gridroute_engine* e = nullptr;
  ASSERT_EQ(gridroute_engine_load(&e, kLanxi.c_str(), GRIDROUTE_NTS, nullptr, nullptr), GRIDROUTE_OK);
  FastIssue fi(lines_of(read_file(kLanxi + "/issues.jsonl")).at(0));
  ASSERT_TRUE(fi.usable);
  gridroute_decision d = GRIDROUTE_DECISION_INIT;
  ASSERT_EQ(gridroute_engine_route(&d, e, &fi.issue, nullptr, nullptr), GRIDROUTE_OK);
  std::string handler = str(d.handler), unit = str(d.unit);
  ASSERT_EQ(gridroute_engine_reload(e, kLanxi.c_str(), GRIDROUTE_NTS, nullptr, nullptr), GRIDROUTE_OK);
  gridroute_engine_free(e);
  // The old snapshot is still held by the decision (ASan would flag a use after free here).
  EXPECT_EQ(str(d.handler), handler);
  EXPECT_EQ(str(d.unit), unit);
  EXPECT_EQ(str(d.timezone), "Asia/Shanghai");
  gridroute_decision_release(&d);
  EXPECT_EQ(d.hold_, nullptr);
  EXPECT_EQ(d.handler.ptr, nullptr);
  EXPECT_EQ(d.struct_size, sizeof d);
}

TEST(Reload, FailureKeepsTheOldSnapshot) {
  EngineHandle e(kLanxi);
  gridroute_error* err = nullptr;
  EXPECT_EQ(gridroute_engine_reload(e.e, "/nonexistent", GRIDROUTE_NTS, nullptr, &err), GRIDROUTE_E_BUNDLE);
  gridroute_error_free(err);
  std::string line = lines_of(read_file(kLanxi + "/issues.jsonl")).at(0);
  gridroute_buf out = GRIDROUTE_BUF_INIT;
  EXPECT_EQ(gridroute_engine_route_jsonl(&out, e.e, line.data(), line.size(), nullptr, nullptr), GRIDROUTE_OK);
  EXPECT_NE(std::string(out.ptr).find("\"routed\""), std::string::npos);
  gridroute_buf_dispose(&out);
}

// Threads route (JSON and fast path) on one engine while another thread reloads it.
TEST(Threads, RoutingWhileReloading) {
  EngineHandle e(kLanxi);
  std::string issues = read_file(kLanxi + "/issues.jsonl");
  gridroute_buf ref = GRIDROUTE_BUF_INIT;
  ASSERT_EQ(gridroute_engine_route_jsonl(&ref, e.e, issues.data(), issues.size(), nullptr, nullptr), GRIDROUTE_OK);
  const std::string expected(ref.ptr, ref.len);
  gridroute_buf_dispose(&ref);
  std::vector<std::string> lines = lines_of(issues);
  std::atomic<bool> stop{false};
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      gridroute_buf out = GRIDROUTE_BUF_INIT;
      gridroute_decision d = GRIDROUTE_DECISION_INIT;
      for (int round = 0; round < 6; ++round) {
        if (t % 2 == 0) {
          if (gridroute_engine_route_jsonl(&out, e.e, issues.data(), issues.size(), nullptr, nullptr) != GRIDROUTE_OK ||
              std::string(out.ptr, out.len) != expected)
            ++failures;
        } else {
          for (const std::string& l : lines) {
            FastIssue fi(l);
            if (!fi.usable) continue;
            int rc = gridroute_engine_route(&d, e.e, &fi.issue, nullptr, nullptr);
            if (rc != GRIDROUTE_OK && rc != GRIDROUTE_E_REJECTED) ++failures;
          }
        }
      }
      gridroute_decision_release(&d);
      gridroute_buf_dispose(&out);
    });
  }
  std::thread reloader([&] {
    int n = 0;
    while (!stop.load() || n < 3) {
      if (gridroute_engine_reload(e.e, kLanxi.c_str(), GRIDROUTE_NTS, nullptr, nullptr) != GRIDROUTE_OK) ++failures;
      ++n;
    }
  });
  for (auto& th : threads) th.join();
  stop = true;
  reloader.join();
  EXPECT_EQ(failures.load(), 0);
}

// ---- negative tests: never a crash, always a status and a message

TEST(Negative, NullArguments) {
  EngineHandle e(kLanxi);
  gridroute_buf out = GRIDROUTE_BUF_INIT;
  gridroute_error* err = nullptr;
  int at_line = 0;
#define expect_invalid(call) (at_line = __LINE__, expect_invalid_at(call))
  auto expect_invalid_at = [&](int rc) {
    SCOPED_TRACE(at_line);
    EXPECT_EQ(rc, GRIDROUTE_E_INVALID_ARGUMENT);
    ASSERT_NE(err, nullptr);
    EXPECT_EQ(err->code, GRIDROUTE_E_INVALID_ARGUMENT);
    EXPECT_GT(std::strlen(err->message), 0u);
    gridroute_error_free(err);
    err = nullptr;
  };
  gridroute_engine* eng = nullptr;
  expect_invalid(gridroute_engine_load(nullptr, kLanxi.c_str(), GRIDROUTE_NTS, nullptr, &err));
  expect_invalid(gridroute_engine_load(&eng, nullptr, 0, nullptr, &err));
  expect_invalid(gridroute_engine_load_sources(&eng, nullptr, nullptr, &err));
  expect_invalid(gridroute_engine_reload(nullptr, kLanxi.c_str(), GRIDROUTE_NTS, nullptr, &err));
  expect_invalid(gridroute_engine_reload_sources(nullptr, nullptr, nullptr, &err));
  expect_invalid(gridroute_engine_route_json(nullptr, e.e, "{}", 2, nullptr, &err));
  expect_invalid(gridroute_engine_route_json(&out, nullptr, "{}", 2, nullptr, &err));
  expect_invalid(gridroute_engine_route_json(&out, e.e, nullptr, 0, nullptr, &err));
  expect_invalid(gridroute_engine_route_json(&out, e.e, nullptr, 5, nullptr, &err));
  expect_invalid(gridroute_engine_route_jsonl(&out, nullptr, "", 0, nullptr, &err));
  expect_invalid(gridroute_engine_escalate_json(&out, nullptr, "{}", 2, 0, nullptr, &err));
  expect_invalid(gridroute_engine_escalate_jsonl(nullptr, e.e, "", 0, 0, nullptr, &err));
  gridroute_decision d = GRIDROUTE_DECISION_INIT;
  gridroute_issue issue = GRIDROUTE_ISSUE_INIT;
  expect_invalid(gridroute_engine_route(nullptr, e.e, &issue, nullptr, &err));
  expect_invalid(gridroute_engine_route(&d, nullptr, &issue, nullptr, &err));
  expect_invalid(gridroute_engine_route(&d, e.e, nullptr, nullptr, &err));
  issue.attr_count = 2;  // with attrs NULL
  expect_invalid(gridroute_engine_route(&d, e.e, &issue, nullptr, &err));
  gridroute_action a = GRIDROUTE_ACTION_INIT;
  gridroute_case c = GRIDROUTE_CASE_INIT;
  expect_invalid(gridroute_engine_escalate(&a, e.e, nullptr, 0, nullptr, &err));
  expect_invalid(gridroute_engine_escalate(&a, e.e, &c, 0, nullptr, &err));  // c.issue NULL
  expect_invalid(gridroute_engine_check(nullptr, e.e, nullptr, &err));
  gridroute_diagnostics* list = nullptr;
  expect_invalid(gridroute_engine_check(&list, nullptr, nullptr, &err));
  expect_invalid(gridroute_time_parse(nullptr, "x", 1, &err));
  expect_invalid(gridroute_time_format(nullptr, 0, "UTC", 3, &err));
  // A buffer that was never initialised properly.
  gridroute_buf junk = {nullptr, 5, 0};
  expect_invalid(gridroute_engine_route_json(&junk, e.e, "{}", 2, nullptr, &err));
  // Frees and releases accept NULL.
  gridroute_engine_free(nullptr);
  gridroute_error_free(nullptr);
  gridroute_diagnostics_free(nullptr);
  gridroute_buf_dispose(nullptr);
  gridroute_decision_release(nullptr);
  gridroute_action_release(nullptr);
  gridroute_decision_release(&d);
  gridroute_action_release(&a);
#undef expect_invalid
}

TEST(Negative, FreedThenNulledHandle) {
  gridroute_engine* e = nullptr;
  ASSERT_EQ(gridroute_engine_load(&e, kLanxi.c_str(), GRIDROUTE_NTS, nullptr, nullptr), GRIDROUTE_OK);
  gridroute_engine_free(e);
  e = nullptr;
  gridroute_buf out = GRIDROUTE_BUF_INIT;
  gridroute_error* err = nullptr;
  EXPECT_EQ(gridroute_engine_route_json(&out, e, "{}", 2, nullptr, &err), GRIDROUTE_E_INVALID_ARGUMENT);
  EXPECT_STREQ(err->message, "engine must not be NULL");
  gridroute_error_free(err);
  EXPECT_EQ(gridroute_engine_reload(e, kLanxi.c_str(), GRIDROUTE_NTS, nullptr, nullptr), GRIDROUTE_E_INVALID_ARGUMENT);
  gridroute_engine_free(e);
}

TEST(Negative, WrongStructSize) {
  EngineHandle e(kLanxi);
  gridroute_buf out = GRIDROUTE_BUF_INIT;
  gridroute_error* err = nullptr;
  auto expect_size = [&](int rc) {
    EXPECT_EQ(rc, GRIDROUTE_E_STRUCT_SIZE);
    ASSERT_NE(err, nullptr);
    EXPECT_NE(std::string(err->message).find("struct_size"), std::string::npos);
    gridroute_error_free(err);
    err = nullptr;
  };
  gridroute_route_options ro = GRIDROUTE_ROUTE_OPTIONS_INIT;
  ro.struct_size = 4;
  expect_size(gridroute_engine_route_json(&out, e.e, "{}", 2, &ro, &err));
  expect_size(gridroute_engine_route_jsonl(&out, e.e, "{}", 2, &ro, &err));
  gridroute_escalate_options eo = GRIDROUTE_ESCALATE_OPTIONS_INIT;
  eo.struct_size = 0;
  expect_size(gridroute_engine_escalate_json(&out, e.e, "{}", 2, 0, &eo, &err));
  gridroute_bundle_sources src = GRIDROUTE_BUNDLE_SOURCES_INIT;
  src.struct_size = 1000;
  gridroute_engine* eng = nullptr;
  expect_size(gridroute_engine_load_sources(&eng, &src, nullptr, &err));
  gridroute_issue issue = GRIDROUTE_ISSUE_INIT;
  issue.struct_size = sizeof issue - 8;
  gridroute_decision d = GRIDROUTE_DECISION_INIT;
  expect_size(gridroute_engine_route(&d, e.e, &issue, nullptr, &err));
  gridroute_decision d_bad = GRIDROUTE_DECISION_INIT;
  d_bad.struct_size = 7;
  issue.struct_size = sizeof issue;
  expect_size(gridroute_engine_route(&d_bad, e.e, &issue, nullptr, &err));
  gridroute_case c = GRIDROUTE_CASE_INIT;
  c.issue = &issue;
  c.struct_size = 2;
  gridroute_action a = GRIDROUTE_ACTION_INIT;
  expect_size(gridroute_engine_escalate(&a, e.e, &c, 0, nullptr, &err));
  gridroute_decision_release(&d);
  gridroute_buf_dispose(&out);
}

// docs/c-api.md: a call that fails leaves its buffer empty, whatever it fails on (the options or the
// arguments; a rejected line's call holds its `rejected` record), so a caller that reuses one buffer never reads an earlier call's answer.
TEST(Negative, ACallThatFailsLeavesItsBufferEmpty) {
  EngineHandle e(kLanxi);
  gridroute_buf out = GRIDROUTE_BUF_INIT;
  gridroute_error* err = nullptr;
  auto fails_empty = [&](const char* what, auto&& call) {
    ASSERT_EQ(gridroute_engine_digest(&out, e.e, &err), GRIDROUTE_OK);
    ASSERT_GT(out.len, 0u);
    EXPECT_NE(call(), GRIDROUTE_OK) << what;
    EXPECT_EQ(out.len, 0u) << what;
    EXPECT_STREQ(out.ptr, "") << what;
    gridroute_error_free(err);
    err = nullptr;
  };
  gridroute_route_options ro = GRIDROUTE_ROUTE_OPTIONS_INIT;
  ro.flags = 0x80;
  gridroute_escalate_options eo = GRIDROUTE_ESCALATE_OPTIONS_INIT;
  eo.struct_size = 1;
  fails_empty("route_json flags", [&] { return gridroute_engine_route_json(&out, e.e, "{}", 2, &ro, &err); });
  fails_empty("route_jsonl flags", [&] { return gridroute_engine_route_jsonl(&out, e.e, "{}", 2, &ro, &err); });
  fails_empty("escalate_json size", [&] { return gridroute_engine_escalate_json(&out, e.e, "{}", 2, 0, &eo, &err); });
  fails_empty("escalate_jsonl size", [&] { return gridroute_engine_escalate_jsonl(&out, e.e, "{}", 2, 0, &eo, &err); });
  fails_empty("route_jsonl engine", [&] { return gridroute_engine_route_jsonl(&out, nullptr, "{}", 2, nullptr, &err); });
  fails_empty("sweep_jsonl book", [&] { return gridroute_case_book_sweep_jsonl(&out, nullptr, 0, &err); });
  fails_empty("time_format zone", [&] { return gridroute_time_format(&out, 0, "Nowhere/Else", 12, &err); });
  gridroute_buf_dispose(&out);
}

TEST(Negative, InvalidUtf8AndTruncatedJson) {
  EngineHandle e(kLanxi);
  gridroute_buf out = GRIDROUTE_BUF_INIT;
  gridroute_error* err = nullptr;
  const char bad_utf8[] = "{\"id\": \"I-\xff\", \"category\": \"x\", \"cell\": \"y\", \"at\": \"2026-11-20T09:15:00+08:00\"}";
  EXPECT_EQ(gridroute_engine_route_json(&out, e.e, bad_utf8, GRIDROUTE_NTS, nullptr, &err), GRIDROUTE_E_REJECTED);
  EXPECT_NE(std::string(err->message).find("UTF-8"), std::string::npos);
  EXPECT_NE(std::string(out.ptr).find("\"rejected\""), std::string::npos);
  gridroute_error_free(err);
  const char truncated[] = "{\"id\": \"I-1\", \"category\": \"env.noi";
  EXPECT_EQ(gridroute_engine_route_json(&out, e.e, truncated, GRIDROUTE_NTS, nullptr, &err), GRIDROUTE_E_REJECTED);
  EXPECT_NE(std::string(err->message).find("invalid JSON"), std::string::npos);
  gridroute_error_free(err);
  EXPECT_EQ(gridroute_engine_escalate_json(&out, e.e, truncated, GRIDROUTE_NTS, 0, nullptr, &err),
            GRIDROUTE_E_REJECTED);
  EXPECT_NE(std::string(out.ptr).find("\"action\": \"rejected\""), std::string::npos);
  gridroute_error_free(err);
  // Interior NULs and a length cutting a line short are just more bad JSON.
  EXPECT_EQ(gridroute_engine_route_json(&out, e.e, "{\"id\"\0}", 7, nullptr, nullptr), GRIDROUTE_E_REJECTED);
  EXPECT_EQ(gridroute_engine_route_json(&out, e.e, "", 0, nullptr, nullptr), GRIDROUTE_E_REJECTED);
  // In a batch, bad lines are records and the batch goes on.
  std::string batch = std::string(bad_utf8) + "\n\n" + truncated + "\n   \n";
  ASSERT_EQ(gridroute_engine_route_jsonl(&out, e.e, batch.data(), batch.size(), nullptr, &err), GRIDROUTE_OK);
  EXPECT_EQ(err, nullptr);
  EXPECT_EQ(lines_of(std::string(out.ptr, out.len)).size(), 2u);
  // Fast path: invalid UTF-8 in a string.
  gridroute_issue issue = GRIDROUTE_ISSUE_INIT;
  issue.id = "I-1";
  issue.id_len = GRIDROUTE_NTS;
  issue.category = "env.noise.loudspeaker";
  issue.category_len = GRIDROUTE_NTS;
  issue.cell = "cell-\xc3";
  issue.cell_len = GRIDROUTE_NTS;
  issue.at = 1'700'000'000'000'000;
  gridroute_decision d = GRIDROUTE_DECISION_INIT;
  EXPECT_EQ(gridroute_engine_route(&d, e.e, &issue, nullptr, &err), GRIDROUTE_E_REJECTED);
  EXPECT_EQ(d.status, GRIDROUTE_DECISION_REJECTED);
  EXPECT_NE(str(d.message).find("UTF-8"), std::string::npos);
  EXPECT_STREQ(err->message, "invalid UTF-8 in field 'cell'");
  gridroute_error_free(err);
  // Strict UTF-8: an overlong '/', a surrogate, a code point above U+10FFFF; valid 4-byte text passes.
  for (const char* bad : {"\xc0\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80"}) {
    issue.category = bad;
    EXPECT_EQ(gridroute_engine_route(&d, e.e, &issue, nullptr, nullptr), GRIDROUTE_E_REJECTED) << bad;
    EXPECT_EQ(str(d.message), "invalid UTF-8 in field 'category'");
  }
  issue.category = "env.noise.loudspeaker";
  issue.cell = "\xf0\x9f\x8f\xa0";  // valid, but no such cell
  EXPECT_EQ(gridroute_engine_route(&d, e.e, &issue, nullptr, nullptr), GRIDROUTE_E_REJECTED);
  EXPECT_NE(str(d.message).find("cell"), std::string::npos);
  gridroute_attr attr{};
  attr.name = "severity";
  attr.name_len = GRIDROUTE_NTS;
  attr.type = 99;
  issue.cell = "x";
  issue.attrs = &attr;
  issue.attr_count = 1;
  EXPECT_EQ(gridroute_engine_route(&d, e.e, &issue, nullptr, &err), GRIDROUTE_E_INVALID_ARGUMENT);
  gridroute_error_free(err);
  // Unknown cell: rejected, with the engine's reason.
  attr.type = GRIDROUTE_ATTR_NUMBER;
  attr.number = 2;
  EXPECT_EQ(gridroute_engine_route(&d, e.e, &issue, nullptr, &err), GRIDROUTE_E_REJECTED);
  EXPECT_FALSE(str(d.message).empty());
  gridroute_error_free(err);
  // Fast-path case fields out of range.
  gridroute_case c = GRIDROUTE_CASE_INIT;
  c.issue = &issue;
  c.rating = 9;
  gridroute_action a = GRIDROUTE_ACTION_INIT;
  EXPECT_EQ(gridroute_engine_escalate(&a, e.e, &c, 0, nullptr, &err), GRIDROUTE_E_REJECTED);
  EXPECT_EQ(a.kind, GRIDROUTE_ACTION_REJECTED);
  gridroute_error_free(err);
  // An id is required (SPEC §4): a NULL one is "missing field 'id'" on the struct path, as a line without
  // one is on the JSON path, for an issue and for a case; an empty string is an id, as "" is in JSON.
  issue.attrs = nullptr;
  issue.attr_count = 0;
  issue.cell = "qiaodong-a-01";
  issue.id = nullptr;
  issue.id_len = 0;
  EXPECT_EQ(gridroute_engine_route(&d, e.e, &issue, nullptr, &err), GRIDROUTE_E_REJECTED);
  EXPECT_EQ(d.status, GRIDROUTE_DECISION_REJECTED);
  EXPECT_EQ(str(d.message), "missing field 'id'");
  gridroute_error_free(err);
  c.rating = 0;
  c.level_started_at = issue.at;
  EXPECT_EQ(gridroute_engine_escalate(&a, e.e, &c, issue.at, nullptr, &err), GRIDROUTE_E_REJECTED);
  EXPECT_EQ(a.kind, GRIDROUTE_ACTION_REJECTED);
  EXPECT_STREQ(err->message, "missing field 'id'");
  gridroute_error_free(err);
  issue.id = "";
  EXPECT_EQ(gridroute_engine_route(&d, e.e, &issue, nullptr, nullptr), GRIDROUTE_OK) << str(d.message);
  EXPECT_EQ(gridroute_engine_escalate(&a, e.e, &c, issue.at, nullptr, nullptr), GRIDROUTE_OK);
  // An attribute given twice is refused as the JSON path refuses a duplicate key, never decided on one
  // of the two values.
  gridroute_attr twice[2] = {};
  for (int k = 0; k < 2; ++k) {
    twice[k].name = "severity";
    twice[k].name_len = GRIDROUTE_NTS;
    twice[k].type = GRIDROUTE_ATTR_NUMBER;
    twice[k].number = k == 0 ? 1 : 9;
  }
  issue.attrs = twice;
  issue.attr_count = 2;
  EXPECT_EQ(gridroute_engine_route(&d, e.e, &issue, nullptr, nullptr), GRIDROUTE_E_REJECTED);
  EXPECT_EQ(str(d.message), "duplicate key at /attrs/severity (a key may appear once in an object)");
  EXPECT_EQ(gridroute_engine_escalate(&a, e.e, &c, issue.at, nullptr, &err), GRIDROUTE_E_REJECTED);
  EXPECT_EQ(a.kind, GRIDROUTE_ACTION_REJECTED);
  EXPECT_STREQ(err->message, "duplicate key at /attrs/severity (a key may appear once in an object)");
  gridroute_error_free(err);
  const std::string line = R"({"id": "t", "category": "env.noise.loudspeaker", "cell": "qiaodong-a-01", "at": "2026-11-18T10:00:00+08:00", "attrs": {"severity": 1, "severity": 9}})";
  EXPECT_EQ(gridroute_engine_route_jsonl(&out, e.e, line.data(), line.size(), nullptr, nullptr), GRIDROUTE_OK);
  EXPECT_NE(std::string(out.ptr).find("duplicate key at /attrs/severity"), std::string::npos) << out.ptr;
  issue.attrs = nullptr;
  issue.attr_count = 0;
  gridroute_action_release(&a);
  gridroute_decision_release(&d);
  gridroute_buf_dispose(&out);
}

// Every entry point catches every exception: inject one and check the status.
TEST(Negative, InjectedFaultsAreCaughtAtEveryEntryPoint) {
  EngineHandle e(kLanxi);
  std::string line = lines_of(read_file(kLanxi + "/issues.jsonl")).at(0);
  FastIssue fi(line);
  gridroute_case c = GRIDROUTE_CASE_INIT;
  c.issue = &fi.issue;
  gridroute_case_book* book = nullptr;
  ASSERT_EQ(gridroute_case_book_new(&book, e.e, nullptr), GRIDROUTE_OK);
  ASSERT_EQ(gridroute_case_book_add_jsonl(book, line.data(), line.size(), nullptr, nullptr), GRIDROUTE_OK);
  std::vector<std::pair<const char*, std::function<int(gridroute_error**)>>> calls = {
      {"load", [&](gridroute_error** err) { gridroute_engine* x = nullptr; int rc = gridroute_engine_load(&x, kLanxi.c_str(), GRIDROUTE_NTS, nullptr, err); gridroute_engine_free(x); return rc; }},
      {"load_sources", [&](gridroute_error** err) { gridroute_engine* x = nullptr; gridroute_bundle_sources s = GRIDROUTE_BUNDLE_SOURCES_INIT; return gridroute_engine_load_sources(&x, &s, nullptr, err); }},
      {"reload", [&](gridroute_error** err) { return gridroute_engine_reload(e.e, kLanxi.c_str(), GRIDROUTE_NTS, nullptr, err); }},
      {"reload_sources", [&](gridroute_error** err) { gridroute_bundle_sources s = GRIDROUTE_BUNDLE_SOURCES_INIT; return gridroute_engine_reload_sources(e.e, &s, nullptr, err); }},
      {"check", [&](gridroute_error** err) { gridroute_diagnostics* l = nullptr; int rc = gridroute_engine_check(&l, e.e, nullptr, err); gridroute_diagnostics_free(l); return rc; }},
      {"route_json", [&](gridroute_error** err) { gridroute_buf b = GRIDROUTE_BUF_INIT; int rc = gridroute_engine_route_json(&b, e.e, line.data(), line.size(), nullptr, err); gridroute_buf_dispose(&b); return rc; }},
      {"route_jsonl", [&](gridroute_error** err) { gridroute_buf b = GRIDROUTE_BUF_INIT; int rc = gridroute_engine_route_jsonl(&b, e.e, line.data(), line.size(), nullptr, err); gridroute_buf_dispose(&b); return rc; }},
      {"escalate_json", [&](gridroute_error** err) { gridroute_buf b = GRIDROUTE_BUF_INIT; int rc = gridroute_engine_escalate_json(&b, e.e, line.data(), line.size(), 0, nullptr, err); gridroute_buf_dispose(&b); return rc; }},
      {"escalate_jsonl", [&](gridroute_error** err) { gridroute_buf b = GRIDROUTE_BUF_INIT; int rc = gridroute_engine_escalate_jsonl(&b, e.e, line.data(), line.size(), 0, nullptr, err); gridroute_buf_dispose(&b); return rc; }},
      {"route", [&](gridroute_error** err) { gridroute_decision d = GRIDROUTE_DECISION_INIT; int rc = gridroute_engine_route(&d, e.e, &fi.issue, nullptr, err); EXPECT_EQ(d.hold_, nullptr); gridroute_decision_release(&d); return rc; }},
      {"escalate", [&](gridroute_error** err) { gridroute_action a = GRIDROUTE_ACTION_INIT; int rc = gridroute_engine_escalate(&a, e.e, &c, 0, nullptr, err); EXPECT_EQ(a.hold_, nullptr); gridroute_action_release(&a); return rc; }},
      {"time_parse", [&](gridroute_error** err) { int64_t t; return gridroute_time_parse(&t, "2026-11-20T09:15:00Z", GRIDROUTE_NTS, err); }},
      {"time_format", [&](gridroute_error** err) { gridroute_buf b = GRIDROUTE_BUF_INIT; int rc = gridroute_time_format(&b, 0, "UTC", GRIDROUTE_NTS, err); gridroute_buf_dispose(&b); return rc; }},
      {"load_options_init", [&](gridroute_error**) { gridroute_load_options o; return gridroute_load_options_init(&o, sizeof o); }},
      {"case_book_new", [&](gridroute_error** err) { gridroute_case_book* b = nullptr; int rc = gridroute_case_book_new(&b, e.e, err); gridroute_case_book_free(b); return rc; }},
      {"case_book_add_jsonl", [&](gridroute_error** err) { return gridroute_case_book_add_jsonl(book, line.data(), line.size(), nullptr, err); }},
      {"case_book_replace_json", [&](gridroute_error** err) { return gridroute_case_book_replace_json(book, 0, line.data(), line.size(), err); }},
      {"case_book_remove", [&](gridroute_error** err) { return gridroute_case_book_remove(book, 0, err); }},
      {"route_batch", [&](gridroute_error** err) { gridroute_decision d = GRIDROUTE_DECISION_INIT; int rc = gridroute_engine_route_batch(&d, e.e, &fi.issue, 1, nullptr, err); EXPECT_EQ(d.hold_, nullptr); gridroute_decision_release(&d); return rc; }},
      {"find_units", [&](gridroute_error** err) { int32_t n; uint64_t g; gridroute_string id{fi.issue.cell, fi.issue.cell_len}; return gridroute_engine_find_units(&n, &g, e.e, &id, 1, err); }},
      {"case_book_sweep_jsonl", [&](gridroute_error** err) { gridroute_buf b = GRIDROUTE_BUF_INIT; int rc = gridroute_case_book_sweep_jsonl(&b, book, 0, err); gridroute_buf_dispose(&b); return rc; }},
  };
  struct Fault { int kind; int status; const char* text; };
  for (Fault f : {Fault{GRIDROUTE_TESTING_FAULT_EXCEPTION, GRIDROUTE_E_INTERNAL, "injected fault"},
                  Fault{GRIDROUTE_TESTING_FAULT_BAD_ALLOC, GRIDROUTE_E_NO_MEMORY, "out of memory"},
                  Fault{GRIDROUTE_TESTING_FAULT_UNKNOWN, GRIDROUTE_E_INTERNAL, "unknown exception"}}) {
    for (auto& [name, call] : calls) {
      SCOPED_TRACE(name);
      gridroute_testing_inject_fault(f.kind);
      gridroute_error* err = nullptr;
      EXPECT_EQ(call(&err), f.status);
      if (std::string(name) != "load_options_init") {
        ASSERT_NE(err, nullptr);
        EXPECT_EQ(err->code, f.status);
        EXPECT_NE(std::string(err->message).find(f.text), std::string::npos) << err->message;
      }
      gridroute_error_free(err);
      // Without an error out-parameter too.
      gridroute_testing_inject_fault(f.kind);
      EXPECT_EQ(call(nullptr), f.status);
    }
    // Functions without a status swallow the fault.
    gridroute_testing_inject_fault(f.kind);
    gridroute_engine_free(nullptr);
    gridroute_testing_inject_fault(f.kind);
    gridroute_decision d = GRIDROUTE_DECISION_INIT;
    gridroute_decision_release(&d);
    gridroute_testing_inject_fault(0);
  }
  // The engine still works after all that.
  gridroute_buf out = GRIDROUTE_BUF_INIT;
  EXPECT_EQ(gridroute_engine_route_jsonl(&out, e.e, line.data(), line.size(), nullptr, nullptr), GRIDROUTE_OK);
  gridroute_buf_dispose(&out);
  gridroute_case_book_free(book);
}

// ---- case books (since 1.2)

// A book of each example's case lines sweeps to the bytes gridroute_engine_escalate_jsonl writes; a
// replaced case answers as its new line; a removed one is gone, the last case in its slot.
TEST(CaseBook, SweepsEqualEscalateJsonl) {
  for (const std::string& dir : example_dirs()) {
    SCOPED_TRACE(dir);
    EngineHandle e(dir);
    const std::string cases = read_file(dir + "/cases.jsonl");
    int64_t now = 0;
    ASSERT_EQ(gridroute_time_parse(&now, lines_of(read_file(dir + "/NOW.txt")).at(0).c_str(), GRIDROUTE_NTS, nullptr),
              GRIDROUTE_OK);
    gridroute_case_book* book = nullptr;
    ASSERT_EQ(gridroute_case_book_new(&book, e.e, nullptr), GRIDROUTE_OK);
    size_t first = 99;
    ASSERT_EQ(gridroute_case_book_add_jsonl(book, cases.data(), cases.size(), &first, nullptr), GRIDROUTE_OK);
    EXPECT_EQ(first, 0u);
    gridroute_buf want = GRIDROUTE_BUF_INIT, got = GRIDROUTE_BUF_INIT;
    ASSERT_EQ(gridroute_engine_escalate_jsonl(&want, e.e, cases.data(), cases.size(), now, nullptr, nullptr), GRIDROUTE_OK);
    ASSERT_EQ(gridroute_case_book_sweep_jsonl(&got, book, now, nullptr), GRIDROUTE_OK);
    EXPECT_EQ(std::string(got.ptr, got.len), std::string(want.ptr, want.len));
    const std::vector<std::string> lines = lines_of(std::string(want.ptr, want.len));
    ASSERT_EQ(gridroute_case_book_size(book), lines.size());
    // *first is where the first case would go, also when nothing is added or the call fails.
    first = 99;
    ASSERT_EQ(gridroute_case_book_add_jsonl(book, nullptr, 0, &first, nullptr), GRIDROUTE_OK);
    EXPECT_EQ(first, lines.size());
    first = 99;
    EXPECT_EQ(gridroute_case_book_add_jsonl(book, nullptr, 5, &first, nullptr), GRIDROUTE_E_INVALID_ARGUMENT);
    EXPECT_EQ(first, lines.size());
    ASSERT_EQ(gridroute_case_book_size(book), lines.size());

    // Slot 0 replaced by the last case's line; then slot 0 removed: the last case moves into it.
    std::vector<std::string> in;
    for (const std::string& l : lines_of(cases))
      if (l.find_first_not_of(" \t\r") != std::string::npos) in.push_back(l);
    ASSERT_EQ(gridroute_case_book_replace_json(book, 0, in.back().data(), in.back().size(), nullptr), GRIDROUTE_OK);
    ASSERT_EQ(gridroute_case_book_sweep_jsonl(&got, book, now, nullptr), GRIDROUTE_OK);
    EXPECT_EQ(lines_of(std::string(got.ptr, got.len)).at(0), lines.back());
    ASSERT_EQ(gridroute_case_book_remove(book, 1, nullptr), GRIDROUTE_OK);
    ASSERT_EQ(gridroute_case_book_sweep_jsonl(&got, book, now, nullptr), GRIDROUTE_OK);
    const std::vector<std::string> after = lines_of(std::string(got.ptr, got.len));
    ASSERT_EQ(after.size(), lines.size() - 1);
    EXPECT_EQ(after.at(1), lines.back());

    // A slot past the end is refused, naming it; the book is unchanged.
    gridroute_error* err = nullptr;
    EXPECT_EQ(gridroute_case_book_remove(book, after.size(), &err), GRIDROUTE_E_INVALID_ARGUMENT);
    ASSERT_NE(err, nullptr);
    EXPECT_NE(std::string(err->message).find("slot " + std::to_string(after.size())), std::string::npos) << err->message;
    gridroute_error_free(err);
    EXPECT_EQ(gridroute_case_book_size(book), after.size());
    gridroute_buf_dispose(&want);
    gridroute_buf_dispose(&got);
    gridroute_case_book_free(book);
  }
  // NULLs: a status, not a crash.
  gridroute_buf out = GRIDROUTE_BUF_INIT;
  EXPECT_EQ(gridroute_case_book_sweep_jsonl(&out, nullptr, 0, nullptr), GRIDROUTE_E_INVALID_ARGUMENT);
  EXPECT_EQ(gridroute_case_book_new(nullptr, nullptr, nullptr), GRIDROUTE_E_INVALID_ARGUMENT);
  EXPECT_EQ(gridroute_case_book_size(nullptr), 0u);
  gridroute_case_book_free(nullptr);
  gridroute_buf_dispose(&out);
}

}  // namespace

namespace {

// ---- batches and cells by number (since 1.3)

// Everything a caller reads from a decision, as one text.
std::string decision_text(const gridroute_decision& d) {
  std::string s = std::to_string(d.status) + "|" + str(d.message) + "|" + str(d.rule) + "|" + str(d.role) + "|" +
                  str(d.department) + "|" + str(d.handler) + "|" + str(d.unit) + "|" + str(d.escalation) + "|" +
                  std::to_string(d.level) + "|" + std::to_string(d.respond_by) + "|" +
                  std::to_string(d.resolve_by) + "|" + std::to_string(d.fallback) + "|" + str(d.bundle) + "|" +
                  str(d.cell) + "|" + str(d.timezone) + "|" + str(d.json);
  for (const std::string& a : str_list(d.alternates, d.alternate_count)) s += "|alt " + a;
  for (const std::string& a : str_list(d.assist, d.assist_count)) s += "|assist " + a;
  return s;
}

// Decisions made and released together.
struct Decisions {
  std::vector<gridroute_decision> d;
  explicit Decisions(std::size_t n) : d(n, gridroute_decision(GRIDROUTE_DECISION_INIT)) {}
  ~Decisions() {
    for (gridroute_decision& x : d) gridroute_decision_release(&x);
  }
};

// The cells of issues by number: looked up with find_units, written into the issues.
uint64_t number_cells(gridroute_engine* e, std::vector<gridroute_issue>& issues) {
  std::vector<gridroute_string> ids;
  for (const gridroute_issue& i : issues) ids.push_back({i.cell, i.cell_len});
  std::vector<int32_t> numbers(ids.size());
  uint64_t generation = 0;
  EXPECT_EQ(gridroute_engine_find_units(numbers.data(), &generation, e, ids.data(), ids.size(), nullptr), GRIDROUTE_OK);
  EXPECT_NE(generation, 0u);
  for (std::size_t i = 0; i < issues.size(); ++i) {
    issues[i].cell_number = numbers[i];
    issues[i].cell_generation = generation;
  }
  return generation;
}

// Every example's issues routed in one batch, by cell id, by cell number, and half and half, explained
// or not, answer field by field as gridroute_engine_route one at a time by id.
TEST(Batch, EveryExampleInABatchAnswersAsOneAtATime) {
  for (const std::string& dir : example_dirs()) {
    SCOPED_TRACE(dir);
    EngineHandle e(dir);
    std::vector<std::unique_ptr<FastIssue>> parsed;
    std::vector<gridroute_issue> issues;
    for (const std::string& line : lines_of(read_file(dir + "/issues.jsonl"))) {
      auto fi = std::make_unique<FastIssue>(line);
      if (!fi->usable) continue;
      issues.push_back(fi->issue);
      parsed.push_back(std::move(fi));
    }
    ASSERT_GT(issues.size(), 20u);
    for (uint32_t flags : {0u, static_cast<uint32_t>(GRIDROUTE_ROUTE_EXPLAIN)}) {
      SCOPED_TRACE(flags);
      gridroute_route_options opts = GRIDROUTE_ROUTE_OPTIONS_INIT;
      opts.flags = flags;
      std::vector<std::string> want;
      gridroute_decision one = GRIDROUTE_DECISION_INIT;
      for (const gridroute_issue& i : issues) {
        gridroute_engine_route(&one, e.e, &i, &opts, nullptr);
        want.push_back(decision_text(one));
      }
      gridroute_decision_release(&one);
      auto expect_all = [&](std::vector<gridroute_issue>& batch, const char* how) {
        SCOPED_TRACE(how);
        Decisions got(batch.size());
        ASSERT_EQ(gridroute_engine_route_batch(got.d.data(), e.e, batch.data(), batch.size(), &opts, nullptr),
                  GRIDROUTE_OK);
        // A rejection names what was wrong in the issue as given: an unknown cell id by id, a number
        // that is no cell by number; the other rejections are the same.
        auto same = [&](const gridroute_decision& d, std::size_t i) {
          if (batch[i].cell_generation && want[i].starts_with("3|unknown cell"))
            EXPECT_EQ(d.status, GRIDROUTE_DECISION_REJECTED) << i;
          else
            EXPECT_EQ(decision_text(d), want[i]) << i;
        };
        for (std::size_t i = 0; i < batch.size(); ++i) same(got.d[i], i);
        // One at a time with the same issues (numbers included) answers the same too.
        gridroute_decision d = GRIDROUTE_DECISION_INIT;
        for (std::size_t i = 0; i < batch.size(); ++i) {
          gridroute_engine_route(&d, e.e, &batch[i], &opts, nullptr);
          same(d, i);
        }
        gridroute_decision_release(&d);
      };
      std::vector<gridroute_issue> by_id = issues;
      expect_all(by_id, "by id");
      std::vector<gridroute_issue> by_number = issues;
      number_cells(e.e, by_number);
      // The cell's text is not read when its number is current.
      for (gridroute_issue& i : by_number) i.cell = "not read", i.cell_len = GRIDROUTE_NTS;
      expect_all(by_number, "by number");
      std::vector<gridroute_issue> mixed = by_number;
      for (std::size_t i = 0; i < mixed.size(); i += 2) mixed[i] = issues[i];
      expect_all(mixed, "half by number");
    }
  }
}

// The first issue of examples/lanxi, and its decision one at a time.
struct FirstIssue {
  EngineHandle e{kLanxi};
  FastIssue fi{lines_of(read_file(kLanxi + "/issues.jsonl")).at(0)};
  gridroute_decision want = GRIDROUTE_DECISION_INIT;
  FirstIssue() {
    EXPECT_TRUE(fi.usable);
    EXPECT_EQ(gridroute_engine_route(&want, e.e, &fi.issue, nullptr, nullptr), GRIDROUTE_OK);
  }
  ~FirstIssue() { gridroute_decision_release(&want); }
};

// A bad issue in a batch gets its own rejection; the others are routed.
TEST(Batch, ABadIssueGetsItsOwnRejectionAndTheRestGoOn) {
  FirstIssue first;
  EngineHandle& e = first.e;
  FastIssue& fi = first.fi;
  const gridroute_decision& want = first.want;
  std::vector<gridroute_issue> batch(6, fi.issue);
  batch[1].id = nullptr;                    // missing id
  batch[1].id_len = 0;
  batch[2].category = nullptr;              // NULL with a length
  batch[3].struct_size = sizeof(gridroute_issue) - 16;  // a known size, but not the array's
  batch[4].cell = "no-such-cell";
  batch[4].cell_len = GRIDROUTE_NTS;
  Decisions got(batch.size());
  ASSERT_EQ(gridroute_engine_route_batch(got.d.data(), e.e, batch.data(), batch.size(), nullptr, nullptr), GRIDROUTE_OK);
  EXPECT_EQ(decision_text(got.d[0]), decision_text(want));
  EXPECT_EQ(decision_text(got.d[5]), decision_text(want));
  EXPECT_EQ(got.d[1].status, GRIDROUTE_DECISION_REJECTED);
  EXPECT_EQ(str(got.d[1].message), "missing field 'id'");
  EXPECT_EQ(got.d[2].status, GRIDROUTE_DECISION_REJECTED);
  EXPECT_EQ(str(got.d[2].message), "issue->category is NULL with a non-zero length");
  EXPECT_EQ(got.d[3].status, GRIDROUTE_DECISION_REJECTED);
  EXPECT_NE(str(got.d[3].message).find("issues[3]: struct_size is"), std::string::npos) << str(got.d[3].message);
  EXPECT_EQ(got.d[4].status, GRIDROUTE_DECISION_REJECTED);
  EXPECT_NE(str(got.d[4].message).find("no-such-cell"), std::string::npos) << str(got.d[4].message);
  EXPECT_EQ(str(got.d[4].handler), "");
}

TEST(Batch, ArgumentsThatCannotBeRead) {
  EngineHandle e(kLanxi);
  FastIssue fi(lines_of(read_file(kLanxi + "/issues.jsonl")).at(0));
  gridroute_error* err = nullptr;
  EXPECT_EQ(gridroute_engine_route_batch(nullptr, e.e, nullptr, 0, nullptr, nullptr), GRIDROUTE_OK);
  EXPECT_EQ(gridroute_engine_route_batch(nullptr, nullptr, nullptr, 0, nullptr, &err), GRIDROUTE_E_INVALID_ARGUMENT);
  gridroute_error_free(err);
  Decisions d(2);
  EXPECT_EQ(gridroute_engine_route_batch(d.d.data(), e.e, nullptr, 2, nullptr, &err), GRIDROUTE_E_INVALID_ARGUMENT);
  EXPECT_EQ(std::string(err->message), "issues must not be NULL");
  gridroute_error_free(err);
  gridroute_issue two[2] = {fi.issue, fi.issue};
  // Decisions of two sizes: the array cannot be walked; nothing is written, nothing is held.
  ASSERT_EQ(gridroute_engine_route_batch(d.d.data(), e.e, two, 2, nullptr, nullptr), GRIDROUTE_OK);
  EXPECT_EQ(d.d[1].status, GRIDROUTE_DECISION_ROUTED);
  d.d[1].struct_size = 12;
  EXPECT_EQ(gridroute_engine_route_batch(d.d.data(), e.e, two, 2, nullptr, &err), GRIDROUTE_E_STRUCT_SIZE);
  EXPECT_NE(std::string(err->message).find("out[1]: struct_size is 12"), std::string::npos) << err->message;
  gridroute_error_free(err);
  EXPECT_EQ(d.d[0].status, 0);
  EXPECT_EQ(d.d[0].hold_, nullptr);
  d.d[1].struct_size = sizeof(gridroute_decision);
  // Far into a long batch the same: the call fails, and no decision holds anything, not even those of
  // the parts before the odd one, nor those filled by an earlier call.
  {
    std::vector<gridroute_issue> many(300, fi.issue);
    Decisions long_batch(many.size());
    ASSERT_EQ(gridroute_engine_route_batch(long_batch.d.data(), e.e, many.data(), many.size(), nullptr, nullptr),
              GRIDROUTE_OK);
    long_batch.d[200].struct_size = 12;
    EXPECT_EQ(gridroute_engine_route_batch(long_batch.d.data(), e.e, many.data(), many.size(), nullptr, &err),
              GRIDROUTE_E_STRUCT_SIZE);
    EXPECT_NE(std::string(err->message).find("out[200]: struct_size is 12"), std::string::npos) << err->message;
    gridroute_error_free(err);
    for (std::size_t i = 0; i < many.size(); ++i) {
      if (i == 200) continue;
      EXPECT_EQ(long_batch.d[i].status, 0) << i;
      EXPECT_EQ(long_batch.d[i].hold_, nullptr) << i;
      EXPECT_EQ(long_batch.d[i].handler.ptr, nullptr) << i;
    }
    EXPECT_EQ(long_batch.d[200].status, GRIDROUTE_DECISION_ROUTED);  // left as it is
    long_batch.d[200].struct_size = sizeof(gridroute_decision);
  }
  two[0].struct_size = 3;
  EXPECT_EQ(gridroute_engine_route_batch(d.d.data(), e.e, two, 2, nullptr, &err), GRIDROUTE_E_STRUCT_SIZE);
  EXPECT_NE(std::string(err->message).find("issues[0] (gridroute_issue): struct_size is 3"), std::string::npos)
      << err->message;
  gridroute_error_free(err);
}

// A number looked up before a reload is never read in the new snapshot: the issue's own cell id routes
// it, and without one it is rejected with what to do.
TEST(CellsByNumber, ANumberFromBeforeAReloadIsNeverReadInTheNewSnapshot) {
  FirstIssue first;
  EngineHandle& e = first.e;
  FastIssue& fi = first.fi;
  const gridroute_decision& want = first.want;
  std::vector<gridroute_issue> issues{fi.issue};
  const uint64_t before = number_cells(e.e, issues);
  uint64_t now = 0;
  ASSERT_EQ(gridroute_engine_find_units(nullptr, &now, e.e, nullptr, 0, nullptr), GRIDROUTE_OK);
  EXPECT_EQ(now, before);
  ASSERT_EQ(gridroute_engine_reload(e.e, kLanxi.c_str(), GRIDROUTE_NTS, nullptr, nullptr), GRIDROUTE_OK);
  ASSERT_EQ(gridroute_engine_find_units(nullptr, &now, e.e, nullptr, 0, nullptr), GRIDROUTE_OK);
  EXPECT_NE(now, before);
  gridroute_issue stale = issues[0];
  stale.cell_number = 0;  // a number that would be another unit: never read, the id routes
  gridroute_decision d = GRIDROUTE_DECISION_INIT;
  ASSERT_EQ(gridroute_engine_route(&d, e.e, &stale, nullptr, nullptr), GRIDROUTE_OK);
  EXPECT_EQ(str(d.handler), str(want.handler));
  EXPECT_EQ(str(d.unit), str(want.unit));
  stale.cell = nullptr;
  stale.cell_len = 0;
  gridroute_error* err = nullptr;
  ASSERT_EQ(gridroute_engine_route(&d, e.e, &stale, nullptr, &err), GRIDROUTE_E_REJECTED);
  EXPECT_EQ(d.status, GRIDROUTE_DECISION_REJECTED);
  EXPECT_EQ(str(d.message), "cell number 0 belongs to generation " + std::to_string(before) +
                                ", but the engine serves generation " + std::to_string(now) +
                                " (reloaded since, or another engine's number): look the cells' numbers up "
                                "again, or give the cell's id with its number");
  gridroute_error_free(err);
  Decisions batch(1);
  ASSERT_EQ(gridroute_engine_route_batch(batch.d.data(), e.e, &stale, 1, nullptr, nullptr), GRIDROUTE_OK);
  EXPECT_EQ(str(batch.d[0].message), str(d.message));
  // Looked up again, the number routes.
  number_cells(e.e, issues);
  issues[0].cell = nullptr;
  issues[0].cell_len = 0;
  ASSERT_EQ(gridroute_engine_route(&d, e.e, &issues[0], nullptr, nullptr), GRIDROUTE_OK);
  EXPECT_EQ(str(d.handler), str(want.handler));
  // Not a cell: an unknown id's number, and a unit above the cells.
  gridroute_string ids[2] = {{"no-such-unit", 12}, {nullptr, 0}};
  const char* above = "qiaodong-b";
  ids[1] = {above, std::strlen(above)};
  int32_t numbers[2] = {7, 7};
  ASSERT_EQ(gridroute_engine_find_units(numbers, &now, e.e, ids, 2, nullptr), GRIDROUTE_OK);
  EXPECT_EQ(numbers[0], GRIDROUTE_UNIT_NONE);
  for (int32_t n : numbers) {
    issues[0].cell_number = n;
    EXPECT_EQ(gridroute_engine_route(&d, e.e, &issues[0], nullptr, nullptr), GRIDROUTE_E_REJECTED) << n;
    EXPECT_EQ(d.status, GRIDROUTE_DECISION_REJECTED);
    EXPECT_NE(str(d.message).find("cell"), std::string::npos) << str(d.message);
  }
  // A 1.1 issue has no number: its cell id routes it.
  gridroute_issue old = fi.issue;
  old.struct_size = offsetof(gridroute_issue, cell_generation);
  ASSERT_EQ(gridroute_engine_route(&d, e.e, &old, nullptr, nullptr), GRIDROUTE_OK);
  EXPECT_EQ(str(d.handler), str(want.handler));
  EXPECT_EQ(gridroute_engine_find_units(numbers, nullptr, e.e, ids, 2, &err), GRIDROUTE_E_INVALID_ARGUMENT);
  EXPECT_EQ(std::string(err->message), "out_generation must not be NULL");
  gridroute_error_free(err);
  gridroute_decision_release(&d);
}

}  // namespace

namespace {

// The issues of `dir`/issues.jsonl that read as C structs.
std::vector<std::unique_ptr<FastIssue>> usable_issues(const std::string& dir) {
  std::vector<std::unique_ptr<FastIssue>> parsed;
  for (const std::string& line : lines_of(read_file(dir + "/issues.jsonl"))) {
    auto fi = std::make_unique<FastIssue>(line);
    if (fi->usable) parsed.push_back(std::move(fi));
  }
  return parsed;
}

// A batch reads each issue's attributes where the caller laid them out when it can (their names and
// strings with lengths, their types known, no explanation asked for) and copies them otherwise; one call
// at a time always copies. Every way an attribute can be odd, in every example's issues, by cell id, by
// number and half and half, explained or not, answers field by field as one call at a time.
TEST(Batch, AttributesReadWhereTheyAreAnswerAsACopy) {
  static const char kBadUtf8[] = "\xc3\x28";
  for (const std::string& dir : example_dirs()) {
    SCOPED_TRACE(dir);
    EngineHandle e(dir);
    const std::vector<std::unique_ptr<FastIssue>> parsed = usable_issues(dir);
    std::vector<gridroute_issue> issues;
    std::vector<std::vector<gridroute_attr>> lists;  // each issue's odd list
    lists.reserve(parsed.size() * 2);
    constexpr int kKinds = 15;
    for (std::size_t i = 0; i < parsed.size() * 2; ++i) {
      const FastIssue& fi = *parsed[i % parsed.size()];
      gridroute_issue is = fi.issue;
      std::vector<gridroute_attr> a = fi.attrs;
      gridroute_attr extra{};
      extra.name = "note";
      extra.name_len = 4;
      extra.type = GRIDROUTE_ATTR_STRING;
      extra.string = "x";
      extra.string_len = 1;
      const int kind = static_cast<int>(i % kKinds);
      if (a.empty() && kind >= 1 && kind <= 9) a.push_back(extra);
      switch (kind) {
        case 1: a[0].type = GRIDROUTE_ATTR_STRING, a[0].string = "网格巡查", a[0].string_len = std::strlen("网格巡查"); break;
        case 2: a[0].type = GRIDROUTE_ATTR_STRING, a[0].string = kBadUtf8, a[0].string_len = 2; break;
        case 3: a[0].type = GRIDROUTE_ATTR_STRING, a[0].string = "7", a[0].string_len = 1; break;
        case 4: a[0].type = GRIDROUTE_ATTR_NUMBER, a[0].number = std::nan(""); break;
        case 5: a[0].type = GRIDROUTE_ATTR_NUMBER, a[0].number = HUGE_VAL; break;
        case 6: a.push_back(a[0]); break;  // a name given twice
        case 7: a[0].name_len = GRIDROUTE_NTS, a[0].name = "severity"; break;  // NUL-terminated: copied
        case 8: a[0].type = 9; break;  // no such type
        case 9: a[0].type = GRIDROUTE_ATTR_BOOL, a[0].boolean = 7; break;
        case 10: is.attrs = nullptr; break;  // NULL with a count (or none)
        case 11: extra.name = "", extra.name_len = 0, a.push_back(extra); break;
        case 12: extra.name = "等级", extra.name_len = std::strlen("等级"), a.push_back(extra); break;
        case 13: extra.name = kBadUtf8, extra.name_len = 2, a.push_back(extra); break;
        case 14: extra.string = nullptr, extra.string_len = GRIDROUTE_NTS, a.push_back(extra); break;
        default: break;
      }
      lists.push_back(std::move(a));
      if (kind != 10) is.attrs = lists.back().data();
      is.attr_count = lists.back().size();
      issues.push_back(is);
    }
    for (uint32_t flags : {0u, static_cast<uint32_t>(GRIDROUTE_ROUTE_EXPLAIN)}) {
      SCOPED_TRACE(flags);
      gridroute_route_options opts = GRIDROUTE_ROUTE_OPTIONS_INIT;
      opts.flags = flags;
      std::vector<gridroute_issue> by_number = issues;
      number_cells(e.e, by_number);
      std::vector<gridroute_issue> mixed = by_number;
      for (std::size_t i = 0; i < mixed.size(); i += 2) mixed[i] = issues[i];
      std::size_t routed = 0, bad_text = 0, wrong_type = 0;
      for (auto* batch : {&issues, &by_number, &mixed}) {
        Decisions got(batch->size());
        ASSERT_EQ(gridroute_engine_route_batch(got.d.data(), e.e, batch->data(), batch->size(), &opts, nullptr),
                  GRIDROUTE_OK);
        gridroute_decision one = GRIDROUTE_DECISION_INIT;
        for (std::size_t i = 0; i < batch->size(); ++i) {
          gridroute_error* err = nullptr;
          const int rc = gridroute_engine_route(&one, e.e, &(*batch)[i], &opts, &err);
          const std::string message = str(got.d[i].message);
          if (rc != GRIDROUTE_OK && rc != GRIDROUTE_E_REJECTED) {
            // What one call refuses as an argument (a type that is none), a batch rejects in its place.
            ASSERT_NE(err, nullptr);
            EXPECT_EQ(got.d[i].status, GRIDROUTE_DECISION_REJECTED) << i;
            EXPECT_EQ(message, err->message) << i;
            gridroute_error_free(err);
            continue;
          }
          gridroute_error_free(err);
          ASSERT_EQ(decision_text(got.d[i]), decision_text(one)) << i << " (kind " << i % kKinds << ")";
          routed += got.d[i].status == GRIDROUTE_DECISION_ROUTED;
          bad_text += message.starts_with("invalid UTF-8 in");
          wrong_type += message.find("' must be ") != std::string::npos;
        }
        gridroute_decision_release(&one);
      }
      // The odd lists were read: some rejected for their text, some for a type, most routed.
      EXPECT_GT(bad_text, 0u);
      EXPECT_GT(routed, issues.size());
      if (dir == kLanxi) EXPECT_GT(wrong_type, 0u);
    }
  }
}

// A batch of many parts (the library routes 64 issues at a time and writes a part out after the next is
// routed) answers, in order, as one call at a time.
TEST(Batch, ALongBatchAnswersInOrderAcrossItsParts) {
  EngineHandle e(kLanxi);
  const std::vector<std::unique_ptr<FastIssue>> parsed = usable_issues(kLanxi);
  ASSERT_FALSE(parsed.empty());
  std::vector<gridroute_issue> issues;
  for (std::size_t i = 0; issues.size() < 2600; ++i) issues.push_back(parsed[(i * 7) % parsed.size()]->issue);
  number_cells(e.e, issues);
  for (std::size_t i = 0; i < issues.size(); i += 3) issues[i].cell_generation = 0;  // a third by id
  Decisions got(issues.size());
  ASSERT_EQ(gridroute_engine_route_batch(got.d.data(), e.e, issues.data(), issues.size(), nullptr, nullptr),
            GRIDROUTE_OK);
  gridroute_decision one = GRIDROUTE_DECISION_INIT;
  for (std::size_t i = 0; i < issues.size(); ++i) {
    gridroute_engine_route(&one, e.e, &issues[i], nullptr, nullptr);
    ASSERT_EQ(decision_text(got.d[i]), decision_text(one)) << i;
  }
  gridroute_decision_release(&one);
}

// A batch is routed in parts of 64 and written out a part behind: refused issues in every part, at the
// parts' edges and far into the batch, each get their own rejection in their own place.
TEST(Batch, RefusedIssuesInEveryPartAnswerInTheirPlace) {
  EngineHandle e(kLanxi);
  const std::vector<std::unique_ptr<FastIssue>> parsed = usable_issues(kLanxi);
  ASSERT_GT(parsed.size(), 2u);
  for (bool numbered : {false, true}) {
    SCOPED_TRACE(numbered ? "by number" : "by id");
    std::vector<gridroute_issue> issues;
    for (std::size_t i = 0; issues.size() < 1100; ++i) issues.push_back(parsed[(i * 3) % parsed.size()]->issue);
    if (numbered) number_cells(e.e, issues);
    auto missing_id = [](std::size_t i) { return i % 97 == 5 || i == 63 || i == 64 || i == 1023 || i == 1024; };
    auto null_category = [](std::size_t i) { return i % 131 == 7 || i == 127 || i == 1099; };
    for (std::size_t i = 0; i < issues.size(); ++i) {
      if (missing_id(i)) issues[i].id = nullptr, issues[i].id_len = 0;
      else if (null_category(i)) issues[i].category = nullptr, issues[i].category_len = 3;
    }
    Decisions got(issues.size());
    ASSERT_EQ(gridroute_engine_route_batch(got.d.data(), e.e, issues.data(), issues.size(), nullptr, nullptr),
              GRIDROUTE_OK);
    gridroute_decision one = GRIDROUTE_DECISION_INIT;
    std::size_t refused = 0, routed = 0;
    for (std::size_t i = 0; i < issues.size(); ++i) {
      if (missing_id(i) || null_category(i)) {
        ++refused;
        ASSERT_EQ(got.d[i].status, GRIDROUTE_DECISION_REJECTED) << i;
        EXPECT_EQ(str(got.d[i].message), missing_id(i) ? "missing field 'id'"
                                                       : "issue->category is NULL with a non-zero length") << i;
        EXPECT_EQ(str(got.d[i].handler), "") << i;
        continue;
      }
      gridroute_engine_route(&one, e.e, &issues[i], nullptr, nullptr);
      ASSERT_EQ(decision_text(got.d[i]), decision_text(one)) << i;
      routed += got.d[i].status == GRIDROUTE_DECISION_ROUTED;
    }
    gridroute_decision_release(&one);
    EXPECT_GT(refused, 20u);
    EXPECT_GT(routed, 800u);
  }
}

// Since 1.4: one array routed chunk after chunk without a release in between (each decision drops its old
// answer), then released in one call, which outlives the engine; an element of another struct_size is left
// as it is.
TEST(Batch, OneArrayReusedChunkAfterChunkThenReleasedInOneCall) {
  auto e = std::make_unique<EngineHandle>(kLanxi);
  const std::vector<std::unique_ptr<FastIssue>> parsed = usable_issues(kLanxi);
  ASSERT_GT(parsed.size(), 2u);
  const std::size_t n = 300;
  Decisions got(n);
  gridroute_decision one = GRIDROUTE_DECISION_INIT;
  for (std::size_t round = 0; round < 3; ++round) {
    std::vector<gridroute_issue> issues;
    for (std::size_t i = 0; i < n; ++i) issues.push_back(parsed[(i * 5 + round * 11) % parsed.size()]->issue);
    if (round == 1) number_cells(e->e, issues);
    ASSERT_EQ(gridroute_engine_route_batch(got.d.data(), e->e, issues.data(), n, nullptr, nullptr), GRIDROUTE_OK);
    for (std::size_t i = 0; i < n; ++i) {
      gridroute_engine_route(&one, e->e, &issues[i], nullptr, nullptr);
      ASSERT_EQ(decision_text(got.d[i]), decision_text(one)) << "round " << round << ", issue " << i;
    }
  }
  gridroute_decision_release(&one);
  e.reset();  // the decisions hold their snapshot
  const std::string first = decision_text(got.d[0]);
  EXPECT_FALSE(str(got.d[0].bundle).empty()) << first;
  gridroute_decision_release_batch(got.d.data(), n);
  const gridroute_decision init = GRIDROUTE_DECISION_INIT;
  for (std::size_t i = 0; i < n; ++i) {
    EXPECT_EQ(got.d[i].hold_, nullptr) << i;
    EXPECT_EQ(decision_text(got.d[i]), decision_text(init)) << i;
  }
  // Another struct_size inside the array: left as it is. NULL, and a count of 0: nothing.
  got.d[1].struct_size = 7;
  got.d[1].status = 42;
  gridroute_decision_release_batch(got.d.data(), n);
  EXPECT_EQ(got.d[1].status, 42);
  got.d[1] = init;
  gridroute_decision_release_batch(nullptr, n);
  gridroute_decision_release_batch(got.d.data(), 0);
  gridroute_decision_release_batch(nullptr, 0);
  EXPECT_EQ(got.d[0].struct_size, sizeof(gridroute_decision));
}

}  // namespace
