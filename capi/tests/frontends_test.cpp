// One validation for every front end: the same bad values through the C++ API, the C struct path, the
// C JSON path and the CLI get the same refusal, word for word (the Python and Go suites do the same
// through their bindings). Run under ASan+UBSan by the test command, so an out-of-range value that
// reached arithmetic would show as undefined behaviour here.
#include <cmath>
#include <cstddef>
#include <cstring>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include "gridroute.h"
#include "gridroute/engine.hpp"

namespace {

namespace json = boost::json;
const std::string kLanxi = std::string(GRIDROUTE_SOURCE_DIR) + "/examples/lanxi";
constexpr const char* kCell = "qiaodong-a-01";
constexpr const char* kCategory = "street.vending.gate";
constexpr std::int64_t kAt = 1'763'601'300'000'000;  // 2025-11-20T09:15:00+08:00

// One bad value, as each front end states it.
struct Case {
  std::string name;
  std::optional<std::int64_t> at;       // struct path: the field's value (JSON: absent when nullopt)
  std::string at_json;                  // JSON: the `at` member's text, "" for absent
  std::optional<double> severity;       // an attribute, when set
  std::string severity_json;
  std::string category = kCategory;     // may be invalid UTF-8
  // For cases: the case fields and `now`.
  bool is_case = false;
  int level = 0;
  std::int64_t reports = 0;
  int rating = 0;                       // 0: none
  std::string rating_json;              // "" for absent
  std::int64_t level_started_at = kAt;
  std::string level_started_json = "\"2025-11-20T09:15:00+08:00\"";
  std::int64_t now = kAt + 3'600'000'000;
  std::string now_text = "2025-11-20T10:15:00+08:00";
  std::string expected;                 // the one refusal
};

std::string json_line(const Case& c) {
  std::string l = std::string(R"({"id": "V", "category": )") + json::serialize(json::value(c.category)) + R"(, "cell": ")" +
                  kCell + "\"";
  if (!c.at_json.empty()) l += ", \"at\": " + c.at_json;
  if (!c.severity_json.empty()) l += ", \"attrs\": {\"severity\": " + c.severity_json + "}";
  if (c.is_case) {
    l += ", \"level\": " + std::to_string(c.level) + ", \"level_started_at\": " + c.level_started_json +
         ", \"responded\": false, \"reports\": " + std::to_string(c.reports) + ", \"status\": \"resolved\"";
    if (!c.rating_json.empty()) l += ", \"rating\": " + c.rating_json;
  }
  return l + "}";
}

std::string error_of(const std::string& record) {
  json::value v = json::parse(record);
  const json::object& o = v.as_object();
  return o.contains("error") ? std::string(o.at("error").as_string()) : "(accepted: " + record + ")";
}

std::string via_cpp(const gridroute::Snapshot& s, const Case& c) {
  gridroute::Issue is;
  is.id = "V";
  is.category = c.category;
  is.cell = kCell;
  is.at = c.at ? *c.at : gridroute::kNoInstant;
  if (c.severity) is.attrs.push_back({"severity", gridroute::AttrValue::number(*c.severity)});
  if (!c.is_case) {
    gridroute::Decision d = s.route(is);
    return d.status == gridroute::Decision::Status::rejected ? d.message : "(accepted)";
  }
  gridroute::Case k;
  k.issue = is;
  k.level = c.level;
  k.level_started_at = c.level_started_at;
  k.reports = c.reports;
  k.resolved = true;
  if (c.rating) k.rating = c.rating;
  gridroute::Action a = s.escalate(k, c.now);
  return a.kind == gridroute::Action::Kind::rejected ? a.error : "(accepted)";
}

std::string via_c_struct(gridroute_engine* e, const Case& c) {
  gridroute_issue is = GRIDROUTE_ISSUE_INIT;
  is.id = "V";
  is.id_len = GRIDROUTE_NTS;
  is.category = c.category.data();
  is.category_len = c.category.size();
  is.cell = kCell;
  is.cell_len = GRIDROUTE_NTS;
  is.at = c.at ? *c.at : GRIDROUTE_TIME_NONE;
  gridroute_attr attr{};
  if (c.severity) {
    attr.name = "severity";
    attr.name_len = GRIDROUTE_NTS;
    attr.type = GRIDROUTE_ATTR_NUMBER;
    attr.number = *c.severity;
    is.attrs = &attr;
    is.attr_count = 1;
  }
  std::string message;
  if (!c.is_case) {
    gridroute_decision d = GRIDROUTE_DECISION_INIT;
    int rc = gridroute_engine_route(&d, e, &is, nullptr, nullptr);
    message = rc == GRIDROUTE_E_REJECTED ? std::string(d.message.ptr, d.message.len) : "(accepted)";
    gridroute_decision_release(&d);
    return message;
  }
  gridroute_case k = GRIDROUTE_CASE_INIT;
  k.issue = &is;
  k.level = c.level;
  k.level_started_at = c.level_started_at;
  k.reports = c.reports;
  k.resolved = 1;
  k.rating = c.rating;
  gridroute_action a = GRIDROUTE_ACTION_INIT;
  int rc = gridroute_engine_escalate(&a, e, &k, c.now, nullptr, nullptr);
  message = rc == GRIDROUTE_E_REJECTED ? std::string(a.message.ptr, a.message.len) : "(accepted)";
  gridroute_action_release(&a);
  return message;
}

std::string via_c_json(gridroute_engine* e, const Case& c) {
  gridroute_buf out = GRIDROUTE_BUF_INIT;
  std::string line = json_line(c);
  if (c.is_case) gridroute_engine_escalate_json(&out, e, line.data(), line.size(), c.now, nullptr, nullptr);
  else gridroute_engine_route_json(&out, e, line.data(), line.size(), nullptr, nullptr);
  std::string record(out.ptr, out.len);
  gridroute_buf_dispose(&out);
  return error_of(record);
}

std::string via_cli(const Case& c) {
  const std::string file = ::testing::TempDir() + "frontends_" + std::to_string(::getpid()) + ".jsonl";
  std::ofstream(file, std::ios::binary) << json_line(c) << "\n";
  std::string cmd = std::string(GRIDROUTE_CLI) + (c.is_case ? " escalate " : " route ") + kLanxi + " " + file;
  if (c.is_case) cmd += " --now " + c.now_text;
  std::FILE* p = popen((cmd + " 2>/dev/null").c_str(), "r");
  std::string out;
  char buf[4096];
  for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, p)) > 0;) out.append(buf, n);
  pclose(p);
  std::filesystem::remove(file);
  if (!out.empty() && out.back() == '\n') out.pop_back();
  return error_of(out);
}

std::vector<Case> cases() {
  const std::string range = "must be before 9000-01-01T00:00:00Z (the calendar range) and not before 0000-01-01T00:00:00Z";
  std::vector<Case> v;
  {
    Case c{.name = "at after 9000", .at = 253'370'764'800'000'000, .at_json = "\"9999-01-01T00:00:00Z\""};
    c.expected = "field 'at' " + range;
    v.push_back(c);
  }
  {
    // The instant of year -1 that 0000-01-01T00:00:00+23:59 is.
    Case c{.name = "at before 0000", .at = -62'167'219'200'000'000 - 86'340'000'000,
           .at_json = "\"0000-01-01T00:00:00+23:59\""};
    c.expected = "field 'at' " + range;
    v.push_back(c);
  }
  v.push_back(Case{.name = "at missing", .at = std::nullopt, .at_json = "", .expected = "missing field 'at'"});
  v.push_back(Case{.name = "severity not finite", .at = kAt, .at_json = "\"2025-11-20T09:15:00+08:00\"",
                   .severity = std::numeric_limits<double>::infinity(), .severity_json = "1e400",
                   .expected = "attribute 'severity' must be a finite number (within double range), got Infinity"});
  v.push_back(Case{.name = "category not UTF-8", .at = kAt, .at_json = "\"2025-11-20T09:15:00+08:00\"",
                   .category = "street.\xC3", .expected = "invalid UTF-8 in field 'category'"});
  Case kase{.name = "", .at = kAt, .at_json = "\"2025-11-20T09:15:00+08:00\"", .is_case = true};
  {
    Case c = kase;
    c.name = "level negative";
    c.level = -1;
    c.expected = "field 'level' must be a non-negative integer (at most 1000000), got -1";
    v.push_back(c);
  }
  {
    Case c = kase;
    c.name = "reports negative";
    c.reports = -4;
    c.expected = "field 'reports' must be a non-negative integer (at most 1125899906842624), got -4";
    v.push_back(c);
  }
  {
    Case c = kase;
    c.name = "rating 7";
    c.rating = 7;
    c.rating_json = "7";
    c.expected = "field 'rating' must be an integer 1..5, got 7";
    v.push_back(c);
  }
  {
    Case c = kase;
    c.name = "level_started_at after 9000";
    c.level_started_at = 253'370'764'800'000'000;
    c.level_started_json = "\"9999-01-01T00:00:00Z\"";
    c.expected = "field 'level_started_at' " + range;
    v.push_back(c);
  }
  return v;
}

TEST(FrontEnds, TheSameBadValueGetsTheSameRefusalEverywhere) {
  auto snap = gridroute::load_bundle(kLanxi);
  ASSERT_TRUE(snap.ok()) << snap.status();
  gridroute_engine* e = nullptr;
  ASSERT_EQ(gridroute_engine_load(&e, kLanxi.c_str(), GRIDROUTE_NTS, nullptr, nullptr), GRIDROUTE_OK);
  for (const Case& c : cases()) {
    SCOPED_TRACE(c.name);
    EXPECT_EQ(via_cpp(**snap, c), c.expected);
    EXPECT_EQ(via_c_struct(e, c), c.expected);
    EXPECT_EQ(via_c_json(e, c), c.expected);
    EXPECT_EQ(via_cli(c), c.expected);
  }
  gridroute_engine_free(e);
}

// `now` is checked by the core too: the C calls refuse an evaluation time out of range (the CLI's --now
// is a usage error before any case is read).
TEST(FrontEnds, NowOutOfRangeIsRefusedByEveryEscalateCall) {
  gridroute_engine* e = nullptr;
  ASSERT_EQ(gridroute_engine_load(&e, kLanxi.c_str(), GRIDROUTE_NTS, nullptr, nullptr), GRIDROUTE_OK);
  Case c{.name = "now", .at = kAt, .at_json = "\"2025-11-20T09:15:00+08:00\"", .is_case = true};
  const std::string range =
      "field 'now' must be before 9000-01-01T00:00:00Z (the calendar range) and not before 0000-01-01T00:00:00Z";
  for (std::int64_t now : {std::numeric_limits<std::int64_t>::max(), std::int64_t{300'000'000'000'000'000}}) {
    c.now = now;
    EXPECT_EQ(via_c_struct(e, c), range);
    EXPECT_EQ(via_c_json(e, c), range);
    gridroute_buf out = GRIDROUTE_BUF_INIT;
    std::string lines = json_line(c) + "\n" + json_line(c) + "\n";
    ASSERT_EQ(gridroute_engine_escalate_jsonl(&out, e, lines.data(), lines.size(), now, nullptr, nullptr), GRIDROUTE_OK);
    EXPECT_NE(std::string(out.ptr, out.len).find(range), std::string::npos);
    gridroute_buf_dispose(&out);
  }
  c.now = GRIDROUTE_TIME_NONE;
  EXPECT_EQ(via_c_struct(e, c), "no time to evaluate at: 'now' is not set");
  gridroute_engine_free(e);
}

}  // namespace

namespace {

// A program built against the 1.0 header passes the 1.0 struct sizes: the library reads and writes only
// that far (the bytes after them belong to the caller), and the answer is the same.
TEST(AbiCompatibility, StructsOfVersion10StillWork) {
  gridroute_engine* e = nullptr;
  ASSERT_EQ(gridroute_engine_load(&e, kLanxi.c_str(), GRIDROUTE_NTS, nullptr, nullptr), GRIDROUTE_OK);
  struct alignas(8) Padded {
    gridroute_decision d;
    unsigned char canary[64];
  };
  auto* p = new Padded;
  std::memset(p, 0xAB, sizeof *p);
  p->d = gridroute_decision GRIDROUTE_DECISION_INIT;
  const std::size_t old_size = offsetof(gridroute_decision, fallback);
  p->d.struct_size = static_cast<uint32_t>(old_size);
  std::memset(reinterpret_cast<unsigned char*>(&p->d) + old_size, 0xAB, sizeof(gridroute_decision) - old_size);
  gridroute_issue is = GRIDROUTE_ISSUE_INIT;
  is.struct_size = static_cast<uint32_t>(offsetof(gridroute_issue, has_location));
  is.id = "V";
  is.id_len = GRIDROUTE_NTS;
  is.category = kCategory;
  is.category_len = GRIDROUTE_NTS;
  is.cell = kCell;
  is.cell_len = GRIDROUTE_NTS;
  is.at = kAt;
  ASSERT_EQ(gridroute_engine_route(&p->d, e, &is, nullptr, nullptr), GRIDROUTE_OK);
  EXPECT_EQ(p->d.status, GRIDROUTE_DECISION_ROUTED);
  EXPECT_GT(p->d.handler.len, 0u);
  const unsigned char* tail = reinterpret_cast<const unsigned char*>(&p->d) + old_size;
  for (std::size_t i = 0; i < sizeof(gridroute_decision) - old_size; ++i) ASSERT_EQ(tail[i], 0xAB) << i;
  gridroute_decision_release(&p->d);
  for (std::size_t i = 0; i < sizeof(gridroute_decision) - old_size; ++i) ASSERT_EQ(tail[i], 0xAB) << i;
  delete p;

  // A 1.0 case (no lifecycle fields) and a 1.0 action.
  gridroute_case k = GRIDROUTE_CASE_INIT;
  k.struct_size = static_cast<uint32_t>(offsetof(gridroute_case, rule));
  is.struct_size = sizeof(gridroute_issue);
  k.issue = &is;
  k.level_started_at = kAt;
  gridroute_action a = GRIDROUTE_ACTION_INIT;
  a.struct_size = static_cast<uint32_t>(offsetof(gridroute_action, assist));
  a.bundle = {"untouched", 9};
  ASSERT_EQ(gridroute_engine_escalate(&a, e, &k, kAt + 60'000'000, nullptr, nullptr), GRIDROUTE_OK);
  EXPECT_EQ(a.kind, GRIDROUTE_ACTION_HOLD);
  EXPECT_EQ(std::string(a.bundle.ptr, a.bundle.len), "untouched");
  gridroute_action_release(&a);
  // A size the library does not know is refused.
  a.struct_size = 100;
  EXPECT_EQ(gridroute_engine_escalate(&a, e, &k, kAt, nullptr, nullptr), GRIDROUTE_E_STRUCT_SIZE);
  gridroute_engine_free(e);
}

}  // namespace
