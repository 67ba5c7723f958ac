// The C ABI at the edges of what it accepts: lengths no object can have, instants outside the calendar
// range or missing on every entry point, years RFC 3339 cannot write, time zones that would make an
// answer depend on the host, and the load options appended in 1.1. Run under ASan+UBSan by the test
// command: a length that reached memory would show there.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <future>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include "gridroute.h"

namespace {

namespace fs = std::filesystem;
namespace json = boost::json;

const std::string kLanxi = std::string(GRIDROUTE_SOURCE_DIR) + "/examples/lanxi";
constexpr const char* kCell = "qiaodong-a-01";
constexpr const char* kCategory = "street.vending.gate";
constexpr std::int64_t kAt = 1'763'601'300'000'000;  // 2025-11-20T09:15:00+08:00
constexpr std::int64_t kMin = INT64_C(-62167219200) * 1'000'000;  // 0000-01-01T00:00:00Z
constexpr std::int64_t kMax = INT64_C(221845392000) * 1'000'000;  // 9000-01-01T00:00:00Z (excluded)
constexpr std::int64_t kYear10000 = INT64_C(253402300800) * 1'000'000;  // 10000-01-01T00:00:00Z
const std::string kRange =
    "must be before 9000-01-01T00:00:00Z (the calendar range) and not before 0000-01-01T00:00:00Z";

std::string read_file(const fs::path& p) {
  std::ifstream f(p, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

std::string str(gridroute_string s) { return s.ptr ? std::string(s.ptr, s.len) : std::string(); }

struct Engine {
  gridroute_engine* e = nullptr;
  explicit Engine(const std::string& dir) {
    gridroute_error* err = nullptr;
    EXPECT_EQ(gridroute_engine_load(&e, dir.c_str(), GRIDROUTE_NTS, nullptr, &err), GRIDROUTE_OK)
        << (err ? err->message : "");
    gridroute_error_free(err);
  }
  Engine(const Engine&) = delete;
  ~Engine() { gridroute_engine_free(e); }
};

// The status of a call and its error's message.
struct Result {
  int rc;
  std::string message;
};
Result call(const std::function<int(gridroute_error**)>& f) {
  gridroute_error* err = nullptr;
  Result r{f(&err), err ? err->message : ""};
  gridroute_error_free(err);
  return r;
}

// ---- lengths above PTRDIFF_MAX: refused before a byte is read

TEST(Bounds, LengthsAbovePtrdiffMaxAreInvalidArguments) {
  Engine e(kLanxi);
  ASSERT_NE(e.e, nullptr);
  const char text[] = "x";
  for (std::size_t huge : {static_cast<std::size_t>(PTRDIFF_MAX) + 1, SIZE_MAX - 1}) {
    SCOPED_TRACE(huge);
    std::vector<std::pair<std::string, std::function<int(gridroute_error**)>>> calls;
    gridroute_buf out = GRIDROUTE_BUF_INIT;
    calls.emplace_back("load", [&](gridroute_error** err) {
      gridroute_engine* x = nullptr;
      return gridroute_engine_load(&x, text, huge, nullptr, err);
    });
    calls.emplace_back("reload", [&](gridroute_error** err) { return gridroute_engine_reload(e.e, text, huge, nullptr, err); });
    auto sources = [&](int which) {
      return [&, which](gridroute_error** err) {
        gridroute_file f = {"units.csv", GRIDROUTE_NTS, "id", GRIDROUTE_NTS};
        gridroute_bundle_sources s = GRIDROUTE_BUNDLE_SOURCES_INIT;
        s.jurisdiction_json = "{}";
        s.jurisdiction_json_len = which == 0 ? huge : GRIDROUTE_NTS;
        s.rules_json = "{}";
        s.rules_json_len = which == 1 ? huge : GRIDROUTE_NTS;
        s.label = "mem";
        s.label_len = which == 2 ? huge : GRIDROUTE_NTS;
        if (which == 3) f.name_len = huge;
        if (which == 4) f.data_len = huge;
        s.files = &f;
        s.file_count = which == 5 ? SIZE_MAX / 2 : 1;
        gridroute_engine* x = nullptr;
        return which % 2 ? gridroute_engine_reload_sources(e.e, &s, nullptr, err)
                         : gridroute_engine_load_sources(&x, &s, nullptr, err);
      };
    };
    for (int w = 0; w < 6; ++w) calls.emplace_back("sources " + std::to_string(w), sources(w));
    calls.emplace_back("time_parse", [&](gridroute_error** err) {
      int64_t t = 0;
      return gridroute_time_parse(&t, text, huge, err);
    });
    calls.emplace_back("time_format", [&](gridroute_error** err) { return gridroute_time_format(&out, kAt, text, huge, err); });
    calls.emplace_back("route_json", [&](gridroute_error** err) { return gridroute_engine_route_json(&out, e.e, text, huge, nullptr, err); });
    calls.emplace_back("route_jsonl", [&](gridroute_error** err) { return gridroute_engine_route_jsonl(&out, e.e, text, huge, nullptr, err); });
    calls.emplace_back("escalate_json",
                       [&](gridroute_error** err) { return gridroute_engine_escalate_json(&out, e.e, text, huge, kAt, nullptr, err); });
    calls.emplace_back("escalate_jsonl",
                       [&](gridroute_error** err) { return gridroute_engine_escalate_jsonl(&out, e.e, text, huge, kAt, nullptr, err); });
    // The struct path: every string of an issue and a case, and the array counts.
    auto issue_with = [&](int which, gridroute_issue& is, gridroute_attr& a) {
      is = gridroute_issue GRIDROUTE_ISSUE_INIT;
      is.id = "I";
      is.id_len = which == 0 ? huge : GRIDROUTE_NTS;
      is.category = kCategory;
      is.category_len = which == 1 ? huge : GRIDROUTE_NTS;
      is.cell = kCell;
      is.cell_len = which == 2 ? huge : GRIDROUTE_NTS;
      is.at = kAt;
      a = {"channel", which == 3 ? huge : GRIDROUTE_NTS, GRIDROUTE_ATTR_STRING, 0, 0, "hotline",
           which == 4 ? huge : GRIDROUTE_NTS};
      is.attrs = &a;
      is.attr_count = which == 5 ? SIZE_MAX / 4 : 1;
    };
    for (int w = 0; w < 6; ++w) {
      calls.emplace_back("route issue " + std::to_string(w), [&, w](gridroute_error** err) {
        gridroute_issue is;
        gridroute_attr a;
        issue_with(w, is, a);
        gridroute_decision d = GRIDROUTE_DECISION_INIT;
        int rc = gridroute_engine_route(&d, e.e, &is, nullptr, err);
        gridroute_decision_release(&d);
        return rc;
      });
    }
    for (int w = 0; w < 8; ++w) {
      calls.emplace_back("escalate case " + std::to_string(w), [&, w](gridroute_error** err) {
        gridroute_issue is;
        gridroute_attr a;
        issue_with(w < 6 ? w : -1, is, a);
        gridroute_return ret = {"h", w == 6 ? huge : GRIDROUTE_NTS, kAt, "why", w == 7 ? huge : GRIDROUTE_NTS};
        gridroute_case c = GRIDROUTE_CASE_INIT;
        c.issue = &is;
        c.level_started_at = kAt;
        c.returned = &ret;
        c.returned_count = 1;
        gridroute_action act = GRIDROUTE_ACTION_INIT;
        int rc = gridroute_engine_escalate(&act, e.e, &c, kAt, nullptr, err);
        gridroute_action_release(&act);
        return rc;
      });
    }
    for (const char* field : {"rule", "handler", "returned_count", "suspended_count"}) {
      calls.emplace_back(std::string("escalate case ") + field, [&, field](gridroute_error** err) {
        gridroute_issue is;
        gridroute_attr a;
        issue_with(-1, is, a);
        gridroute_suspension sus = {kAt, GRIDROUTE_TIME_NONE};
        gridroute_return ret = {"h", GRIDROUTE_NTS, kAt, "", 0};
        gridroute_case c = GRIDROUTE_CASE_INIT;
        c.issue = &is;
        c.level_started_at = kAt;
        c.rule = "r";
        c.rule_len = std::strcmp(field, "rule") == 0 ? huge : GRIDROUTE_NTS;
        c.handler = "h";
        c.handler_len = std::strcmp(field, "handler") == 0 ? huge : GRIDROUTE_NTS;
        c.returned = &ret;
        c.returned_count = std::strcmp(field, "returned_count") == 0 ? SIZE_MAX / 8 : 1;
        c.suspended = &sus;
        c.suspended_count = std::strcmp(field, "suspended_count") == 0 ? SIZE_MAX / 8 : 1;
        gridroute_action act = GRIDROUTE_ACTION_INIT;
        int rc = gridroute_engine_escalate(&act, e.e, &c, kAt, nullptr, err);
        gridroute_action_release(&act);
        return rc;
      });
    }
    for (auto& [name, f] : calls) {
      Result r = call(f);
      EXPECT_EQ(r.rc, GRIDROUTE_E_INVALID_ARGUMENT) << name << ": " << r.message;
      EXPECT_NE(r.message.find("PTRDIFF_MAX"), std::string::npos) << name << ": " << r.message;
    }
    gridroute_buf_dispose(&out);
  }
  // The engine still answers after all of that.
  gridroute_buf out = GRIDROUTE_BUF_INIT;
  const std::string line = std::string(R"({"id": "ok", "category": ")") + kCategory + R"(", "cell": ")" + kCell +
                           R"(", "at": "2025-11-20T09:15:00+08:00"})";
  EXPECT_EQ(gridroute_engine_route_json(&out, e.e, line.data(), line.size(), nullptr, nullptr), GRIDROUTE_OK);
  gridroute_buf_dispose(&out);
}

// ---- instants: out of range and missing, on every entry point

// The struct-path issue "T" of kCategory at kCell, reported at `at`.
gridroute_issue struct_issue(std::int64_t at) {
  gridroute_issue is = GRIDROUTE_ISSUE_INIT;
  is.id = "T";
  is.id_len = GRIDROUTE_NTS;
  is.category = kCategory;
  is.category_len = GRIDROUTE_NTS;
  is.cell = kCell;
  is.cell_len = GRIDROUTE_NTS;
  is.at = at;
  return is;
}

// An issue on the struct path at `at`; the message of the decision.
std::string route_struct(gridroute_engine* e, std::int64_t at) {
  gridroute_issue is = struct_issue(at);
  gridroute_decision d = GRIDROUTE_DECISION_INIT;
  int rc = gridroute_engine_route(&d, e, &is, nullptr, nullptr);
  std::string m = rc == GRIDROUTE_OK ? "(routed)" : str(d.message);
  gridroute_decision_release(&d);
  return m;
}

struct CaseTimes {
  std::int64_t at = kAt, level_started_at = kAt, now = kAt + 3'600'000'000;
  std::int64_t returned_at = GRIDROUTE_TIME_NONE;  // NONE: no return
  std::int64_t from = GRIDROUTE_TIME_NONE, to = GRIDROUTE_TIME_NONE;  // from NONE: no suspension
  std::int64_t extended_to = GRIDROUTE_TIME_NONE;
  bool with_return = false, with_suspension = false;
};

std::string escalate_struct(gridroute_engine* e, const CaseTimes& t) {
  gridroute_issue is = struct_issue(t.at);
  gridroute_return ret = {"h-nobody", GRIDROUTE_NTS, t.returned_at, "", 0};
  gridroute_suspension sus = {t.from, t.to};
  gridroute_case c = GRIDROUTE_CASE_INIT;
  c.issue = &is;
  c.level_started_at = t.level_started_at;
  if (t.with_return) {
    c.returned = &ret;
    c.returned_count = 1;
  }
  if (t.with_suspension) {
    c.suspended = &sus;
    c.suspended_count = 1;
  }
  c.extended_to = t.extended_to;
  gridroute_action a = GRIDROUTE_ACTION_INIT;
  int rc = gridroute_engine_escalate(&a, e, &c, t.now, nullptr, nullptr);
  std::string m = rc == GRIDROUTE_OK ? "(accepted)" : str(a.message);
  gridroute_action_release(&a);
  return m;
}

std::string error_of(const std::string& record) {
  json::value v = json::parse(record);
  const json::object& o = v.as_object();
  return o.contains("error") ? std::string(o.at("error").as_string()) : "(accepted)";
}

TEST(Bounds, StructPathInstantsOutOfRangeAndMissing) {
  Engine e(kLanxi);
  ASSERT_NE(e.e, nullptr);
  EXPECT_EQ(route_struct(e.e, kMin), "(routed)");
  EXPECT_EQ(route_struct(e.e, kMax - 1), "(routed)");
  for (std::int64_t bad : {kMin - 1, kMax, INT64_MAX, INT64_MIN + 1, kMin - INT64_C(86'340'000'000)})
    EXPECT_EQ(route_struct(e.e, bad), "field 'at' " + kRange) << bad;
  for (std::int64_t missing : {INT64_C(0), GRIDROUTE_TIME_NONE}) EXPECT_EQ(route_struct(e.e, missing), "missing field 'at'");

  EXPECT_EQ(escalate_struct(e.e, {}), "(accepted)");
  for (std::int64_t bad : {kMin - 1, kMax, INT64_MAX}) {
    CaseTimes t;
    t.now = bad;
    EXPECT_EQ(escalate_struct(e.e, t), "field 'now' " + kRange);
    t = {};
    t.level_started_at = bad;
    EXPECT_EQ(escalate_struct(e.e, t), "field 'level_started_at' " + kRange);
    t = {};
    t.at = bad;
    EXPECT_EQ(escalate_struct(e.e, t), "field 'at' " + kRange);
    t = {};
    t.with_return = true;
    t.returned_at = bad;
    EXPECT_EQ(escalate_struct(e.e, t), "field 'returned/0/at' " + kRange);
    t = {};
    t.with_suspension = true;
    t.from = bad;
    EXPECT_EQ(escalate_struct(e.e, t), "field 'suspended/0/from' " + kRange);
    t.from = kAt;
    t.to = bad;
    EXPECT_EQ(escalate_struct(e.e, t), "field 'suspended/0/to' " + kRange);
    t = {};
    t.extended_to = bad;
    EXPECT_EQ(escalate_struct(e.e, t), "field 'extended_to' " + kRange);
  }
  CaseTimes t;
  t.now = GRIDROUTE_TIME_NONE;
  EXPECT_EQ(escalate_struct(e.e, t), "no time to evaluate at: 'now' is not set");
  // A `now` left at 0 is not set either, as 0 is in every time field: not 1970, where every case holds.
  t.now = 0;
  EXPECT_EQ(escalate_struct(e.e, t), "no time to evaluate at: 'now' is not set");
  t = {};
  t.level_started_at = GRIDROUTE_TIME_NONE;
  EXPECT_EQ(escalate_struct(e.e, t), "missing field 'level_started_at'");
  t = {};
  t.with_return = true;
  EXPECT_EQ(escalate_struct(e.e, t), "missing field 'returned/0/at'");
  t = {};
  t.with_suspension = true;
  EXPECT_EQ(escalate_struct(e.e, t), "missing field 'suspended/0/from'");
  // 0, what a zeroed struct or GRIDROUTE_CASE_INIT leaves, is "not set" as for issue.at: refused as the
  // JSON path refuses a missing field, not read as 1970-01-01 (which escalated the case for missed dues).
  t = {};
  t.level_started_at = 0;
  EXPECT_EQ(escalate_struct(e.e, t), "missing field 'level_started_at'");
  t = {};
  t.with_return = true;
  t.returned_at = 0;
  EXPECT_EQ(escalate_struct(e.e, t), "missing field 'returned/0/at'");
  t = {};
  t.with_suspension = true;
  t.from = 0;
  t.to = kAt;
  EXPECT_EQ(escalate_struct(e.e, t), "missing field 'suspended/0/from'");
  t = {};
  t.extended_to = 0;  // none
  EXPECT_EQ(escalate_struct(e.e, t), "(accepted)");
}

// A pinned rule or handler: NULL is "not pinned"; NULL with a length is a caller's bug, refused as every
// other string of the C ABI is (it was ignored).
TEST(Bounds, APinNullWithALengthIsAnInvalidArgument) {
  Engine e(kLanxi);
  ASSERT_NE(e.e, nullptr);
  for (const char* field : {"rule", "handler"}) {
    gridroute_issue is = struct_issue(kAt);
    gridroute_case c = GRIDROUTE_CASE_INIT;
    c.issue = &is;
    c.level_started_at = kAt;
    if (std::strcmp(field, "rule") == 0) c.rule_len = 9;
    else c.handler_len = 9;
    gridroute_action a = GRIDROUTE_ACTION_INIT;
    gridroute_error* err = nullptr;
    EXPECT_EQ(gridroute_engine_escalate(&a, e.e, &c, kAt + 3'600'000'000, nullptr, &err), GRIDROUTE_E_INVALID_ARGUMENT) << field;
    ASSERT_NE(err, nullptr);
    EXPECT_NE(std::string(err->message).find(std::string("case->") + field + " is NULL with a non-zero length"),
              std::string::npos)
        << err->message;
    gridroute_error_free(err);
    gridroute_action_release(&a);
  }
}

TEST(Bounds, JsonPathsInstantsOutOfRangeAndMissing) {
  Engine e(kLanxi);
  ASSERT_NE(e.e, nullptr);
  auto issue = [](const std::string& at_member) {
    return std::string(R"({"id": "T", "category": ")") + kCategory + R"(", "cell": ")" + kCell + "\"" + at_member;
  };
  auto kase = [&](const std::string& at_member, const std::string& extra = "") {
    return issue(at_member) + R"(, "level": 0, "level_started_at": "2025-11-20T09:15:00+08:00", "responded": false, )"
                              R"("reports": 0, "status": "open")" + extra + "}";
  };
  struct Line {
    std::string text;
    std::string error;
  };
  const std::vector<Line> routes = {
      {issue(R"(, "at": "0000-01-01T00:00:00+23:59"})"), "field 'at' " + kRange},
      {issue(R"(, "at": "9000-01-01T00:00:00Z"})"), "field 'at' " + kRange},
      {issue(R"(, "at": "8999-12-31T23:59:59-23:59"})"), "field 'at' " + kRange},
      {issue("}"), "missing field 'at'"},
      {issue(R"(, "at": null})"), "field 'at' must be an RFC 3339 time with an offset, got null"},
      {issue(R"(, "at": "0000-01-01T00:00:00Z"})"), "(accepted)"},
      {issue(R"(, "at": "8999-12-31T23:59:59.999999Z"})"), "(accepted)"},
  };
  std::string batch;
  for (const Line& l : routes) {
    gridroute_buf out = GRIDROUTE_BUF_INIT;
    int rc = gridroute_engine_route_json(&out, e.e, l.text.data(), l.text.size(), nullptr, nullptr);
    EXPECT_EQ(error_of(std::string(out.ptr, out.len)), l.error) << l.text;
    EXPECT_EQ(rc, l.error == "(accepted)" ? GRIDROUTE_OK : GRIDROUTE_E_REJECTED) << l.text;
    gridroute_buf_dispose(&out);
    batch += l.text + "\n";
  }
  gridroute_buf out = GRIDROUTE_BUF_INIT;
  ASSERT_EQ(gridroute_engine_route_jsonl(&out, e.e, batch.data(), batch.size(), nullptr, nullptr), GRIDROUTE_OK);
  std::stringstream records(std::string(out.ptr, out.len));
  std::size_t i = 0;
  for (std::string rec; std::getline(records, rec); ++i) {
    ASSERT_LT(i, routes.size());
    EXPECT_EQ(error_of(rec), routes[i].error) << routes[i].text;
  }
  EXPECT_EQ(i, routes.size());

  const std::vector<Line> cases = {
      {kase(R"(, "at": "0000-01-01T00:00:00+23:59")"), "field 'at' " + kRange},
      {kase(R"(, "at": "2025-11-20T09:15:00+08:00")", R"(, "extended_to": "9000-01-01T00:00:00Z")"),
       "field 'extended_to' " + kRange},
      {kase(R"(, "at": "2025-11-20T09:15:00+08:00")", R"(, "suspended": [{"from": "0000-01-01T00:00:00+00:01"}])"),
       "field 'suspended/0/from' " + kRange},
      {kase(R"(, "at": "2025-11-20T09:15:00+08:00")",
            R"(, "returned": [{"handler": "x", "at": "-0001-01-01T00:00:00Z"}])"),
       ""},  // not RFC 3339 at all: a shape error, checked below for a refusal only
      {kase(R"(, "at": "2025-11-20T09:15:00+08:00")"), "(accepted)"},
  };
  for (std::int64_t now : {kAt + 3'600'000'000, kMin - 1, kMax, GRIDROUTE_TIME_NONE, std::int64_t{0}}) {
    std::string all;
    for (const Line& l : cases) {
      all += l.text + "\n";
      gridroute_buf o = GRIDROUTE_BUF_INIT;
      int rc = gridroute_engine_escalate_json(&o, e.e, l.text.data(), l.text.size(), now, nullptr, nullptr);
      const std::string err = error_of(std::string(o.ptr, o.len));
      // The line's own values are checked first, then `now`.
      std::string want = l.error;
      if (want == "(accepted)" && (now == GRIDROUTE_TIME_NONE || now == 0)) want = "no time to evaluate at: 'now' is not set";
      else if (want == "(accepted)" && now != kAt + 3'600'000'000) want = "field 'now' " + kRange;
      EXPECT_EQ(rc, want == "(accepted)" ? GRIDROUTE_OK : GRIDROUTE_E_REJECTED) << l.text;
      if (!want.empty()) EXPECT_EQ(err, want) << l.text << " at " << now;
      else EXPECT_NE(err, "(accepted)");
      gridroute_buf_dispose(&o);
    }
    gridroute_buf o = GRIDROUTE_BUF_INIT;
    ASSERT_EQ(gridroute_engine_escalate_jsonl(&o, e.e, all.data(), all.size(), now, nullptr, nullptr), GRIDROUTE_OK);
    std::stringstream recs(std::string(o.ptr, o.len));
    std::size_t n = 0;
    for (std::string rec; std::getline(recs, rec); ++n)
      if (n + 1 < cases.size()) EXPECT_NE(error_of(rec), "(accepted)") << rec;
    EXPECT_EQ(n, cases.size());
    gridroute_buf_dispose(&o);
  }
  gridroute_buf_dispose(&out);
}

TEST(Bounds, TimeParseRefusesInstantsOutsideTheCalendarRange) {
  auto parse = [](const char* text, int64_t* t) { return call([&](gridroute_error** err) { return gridroute_time_parse(t, text, GRIDROUTE_NTS, err); }); };
  int64_t t = 42;
  for (const char* bad : {"0000-01-01T00:00:00+23:59", "0000-01-01T00:00:00+00:01", "9000-01-01T00:00:00Z",
                          "8999-12-31T23:59:59-00:01", "9999-12-31T23:59:59Z"}) {
    Result r = parse(bad, &t);
    EXPECT_EQ(r.rc, GRIDROUTE_E_INVALID_ARGUMENT) << bad;
    EXPECT_NE(r.message.find("outside the calendar range"), std::string::npos) << r.message;
    EXPECT_NE(r.message.find(bad), std::string::npos) << r.message;
    EXPECT_EQ(t, 42) << "out is left alone on failure";
  }
  EXPECT_EQ(parse("0000-01-01T00:00:00Z", &t).rc, GRIDROUTE_OK);
  EXPECT_EQ(t, kMin);
  EXPECT_EQ(parse("0000-01-01T00:00:00-23:59", &t).rc, GRIDROUTE_OK);
  EXPECT_EQ(parse("8999-12-31T23:59:59.999999Z", &t).rc, GRIDROUTE_OK);
  EXPECT_EQ(t, kMax - 1);
  EXPECT_EQ(parse("8999-12-31T23:59:59+14:00", &t).rc, GRIDROUTE_OK);
  // Missing: an empty text, or one without an offset.
  EXPECT_EQ(parse("", &t).rc, GRIDROUTE_E_INVALID_ARGUMENT);
  EXPECT_EQ(parse("2026-11-20T09:15:00", &t).rc, GRIDROUTE_E_INVALID_ARGUMENT);
  // A refusal quotes a bounded, valid UTF-8 prefix of what it was given.
  std::string junk = "\xff" + std::string(100'000, 'x');
  Result r = call([&](gridroute_error** err) { return gridroute_time_parse(&t, junk.data(), junk.size(), err); });
  EXPECT_EQ(r.rc, GRIDROUTE_E_INVALID_ARGUMENT);
  EXPECT_LT(r.message.size(), 400u);
}

TEST(Bounds, TimeFormatWritesEveryFourDigitYear) {
  auto format = [](std::int64_t t, const char* tz, std::string* text) {
    gridroute_buf b = GRIDROUTE_BUF_INIT;
    Result r = call([&](gridroute_error** err) { return gridroute_time_format(&b, t, tz, GRIDROUTE_NTS, err); });
    if (r.rc == GRIDROUTE_OK) *text = std::string(b.ptr, b.len);
    gridroute_buf_dispose(&b);
    return r;
  };
  struct Edge {
    std::int64_t t;
    const char* tz;
    const char* text;  // nullptr: refused
  };
  const std::vector<Edge> edges = {
      {kMin, "UTC", "0000-01-01T00:00:00+00:00"},
      {kMin, "Asia/Shanghai", "0000-01-01T08:05:43+08:05"},
      {kMin, "America/New_York", nullptr},  // still year -1 there
      {kMin, "Etc/GMT+12", nullptr},
      {kMin + INT64_C(12) * 3600 * 1'000'000, "Etc/GMT+12", "0000-01-01T00:00:00-12:00"},
      {kMax - 1, "UTC", "8999-12-31T23:59:59.999999+00:00"},
      {kMax - 1, "Pacific/Kiritimati", "9000-01-01T13:59:59.999999+14:00"},
      {kMin - 1, "UTC", nullptr},
      // Past the issues' range: a deadline counted from 8999-12-31 is written as the engine writes it.
      {kMax, "UTC", "9000-01-01T00:00:00+00:00"},
      {kYear10000 - 1, "UTC", "9999-12-31T23:59:59.999999+00:00"},
      {kYear10000 - 1, "Pacific/Kiritimati", nullptr},  // year 10000 there
      {kYear10000, "UTC", nullptr},
      {kYear10000 - INT64_C(12) * 3600 * 1'000'000, "Etc/GMT+12", "9999-12-31T00:00:00-12:00"},
      {kYear10000 + INT64_C(12) * 3600 * 1'000'000, "Etc/GMT+12", nullptr},
      {GRIDROUTE_TIME_NONE, "UTC", nullptr},
      {INT64_MAX, "UTC", nullptr},
  };
  for (const Edge& x : edges) {
    std::string text;
    Result r = format(x.t, x.tz, &text);
    if (!x.text) {
      EXPECT_EQ(r.rc, GRIDROUTE_E_INVALID_ARGUMENT) << x.t << " " << x.tz << ": wrote " << text;
      continue;
    }
    ASSERT_EQ(r.rc, GRIDROUTE_OK) << x.t << " " << x.tz << ": " << r.message;
    if (std::string(x.tz) != "Asia/Shanghai") EXPECT_EQ(text, x.text);
    int64_t back = 0;
    if (x.t >= kMax) {
      // Written, and refused as an issue's time: past the calendar range that parsing keeps to.
      EXPECT_EQ(gridroute_time_parse(&back, text.data(), text.size(), nullptr), GRIDROUTE_E_INVALID_ARGUMENT) << text;
      continue;
    }
    EXPECT_EQ(gridroute_time_parse(&back, text.data(), text.size(), nullptr), GRIDROUTE_OK) << text;
    if (std::string(x.tz) != "Asia/Shanghai") EXPECT_EQ(back, x.t) << text;  // local mean time: whole minutes only
  }
  std::string text;
  Result r = format(kMin, "America/New_York", &text);
  EXPECT_NE(r.message.find("year -1"), std::string::npos) << r.message;
}

// Answers near the lower bound in a zone west of UTC are still RFC 3339 that parses back.
TEST(Bounds, AnswersNearTheLowerBoundKeepFourDigitYears) {
  gridroute_bundle_sources s = GRIDROUTE_BUNDLE_SOURCES_INIT;
  std::string jur = read_file(kLanxi + "/jurisdiction.json");
  const std::string from = "\"Asia/Shanghai\"";
  jur.replace(jur.find(from), from.size(), "\"America/New_York\"");
  std::string rules = read_file(kLanxi + "/rules.json");
  std::string units = read_file(kLanxi + "/units.csv"), handlers = read_file(kLanxi + "/handlers.csv");
  gridroute_file files[] = {{"units.csv", GRIDROUTE_NTS, units.data(), units.size()},
                            {"handlers.csv", GRIDROUTE_NTS, handlers.data(), handlers.size()}};
  s.jurisdiction_json = jur.data();
  s.jurisdiction_json_len = jur.size();
  s.rules_json = rules.data();
  s.rules_json_len = rules.size();
  s.files = files;
  s.file_count = 2;
  gridroute_engine* e = nullptr;
  gridroute_error* err = nullptr;
  ASSERT_EQ(gridroute_engine_load_sources(&e, &s, nullptr, &err), GRIDROUTE_OK) << (err ? err->message : "");
  const std::string line = std::string(R"({"id": "T", "category": ")") + kCategory + R"(", "cell": ")" + kCell +
                           R"(", "at": "0000-01-01T00:00:00Z"})";
  gridroute_buf out = GRIDROUTE_BUF_INIT;
  ASSERT_EQ(gridroute_engine_route_json(&out, e, line.data(), line.size(), nullptr, nullptr), GRIDROUTE_OK);
  json::object o = json::parse(std::string(out.ptr, out.len)).as_object();
  int times = 0;
  for (const char* k : {"respond_by", "resolve_by"}) {
    if (!o.contains(k) || !o.at(k).is_string()) continue;
    ++times;
    const std::string t(o.at(k).as_string());
    int64_t v = 0;
    EXPECT_EQ(gridroute_time_parse(&v, t.data(), t.size(), nullptr), GRIDROUTE_OK) << k << ": " << t;
    EXPECT_GT(v, kMin) << t;
  }
  EXPECT_GT(times, 0) << std::string(out.ptr, out.len);
  gridroute_buf_dispose(&out);
  gridroute_engine_free(e);
}

// ---- time zones: IANA names only, nothing that follows the host, nothing that blocks

TEST(Bounds, TimeFormatRefusesHostZonesAndPathsWithoutBlocking) {
  const fs::path dir = fs::temp_directory_path() / ("gridroute-bounds-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const fs::path fifo = dir / "fifo";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  std::vector<std::string> names = {"localtime", "LocalTime", "libc:localtime", "libc:UTC", "/etc/localtime",
                                    "../../etc/localtime", "./UTC", fifo.string(),
                                    "../../../../../../../.." + fifo.string(), "", std::string("UT\0C", 4)};
  for (const std::string& name : names) {
    // In a thread, so that a lookup that opened the FIFO would fail the test rather than hang it.
    auto done = std::async(std::launch::async, [&] {
      gridroute_buf b = GRIDROUTE_BUF_INIT;
      Result r = call([&](gridroute_error** err) { return gridroute_time_format(&b, kAt, name.data(), name.size(), err); });
      gridroute_buf_dispose(&b);
      return r;
    });
    if (done.wait_for(std::chrono::seconds(10)) != std::future_status::ready) {
      ADD_FAILURE() << "gridroute_time_format blocked on \"" << name << "\"";
      int fd = ::open(fifo.c_str(), O_WRONLY | O_NONBLOCK);  // release the reader
      if (fd >= 0) ::close(fd);
    }
    Result r = done.get();
    EXPECT_EQ(r.rc, GRIDROUTE_E_INVALID_ARGUMENT) << name;
    // The whole message reaches C, a NUL in the name included (written as \u0000).
    EXPECT_NE(r.message.find("IANA"), std::string::npos) << name << ": " << r.message;
    if (name.size() == 4 && name[2] == '\0') EXPECT_NE(r.message.find("UT\\u0000C"), std::string::npos) << r.message;
  }
  std::error_code ec;
  fs::remove_all(dir, ec);
}

// Every string of an error is valid UTF-8, whatever the caller gave: a byte that is not UTF-8 in a path,
// a zone or a time the message quotes is written as \xNN (a NUL as \u0000), in the message, the file
// and the text of each diagnostic alike.
TEST(Bounds, ErrorsAreValidUtf8WhateverTheCallerGave) {
  // Well-formed UTF-8 (RFC 3629): no stray continuation bytes, no overlong forms, no surrogates.
  auto valid = [](const char* text) {
    if (!text) return false;
    const auto* p = reinterpret_cast<const unsigned char*>(text);
    while (*p) {
      const unsigned c = *p;
      const int n = c < 0x80 ? 0 : (c >= 0xC2 && c <= 0xDF) ? 1 : (c >= 0xE0 && c <= 0xEF) ? 2 : (c >= 0xF0 && c <= 0xF4) ? 3 : -1;
      if (n < 0) return false;
      unsigned cp = n == 0 ? c : c & (0x3F >> n);
      for (int k = 1; k <= n; ++k) {
        if ((p[k] & 0xC0) != 0x80) return false;
        cp = (cp << 6) | (p[k] & 0x3F);
      }
      if ((n == 2 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) || (n == 3 && (cp < 0x10000 || cp > 0x10FFFF)))
        return false;
      p += n + 1;
    }
    return true;
  };
  gridroute_buf b = GRIDROUTE_BUF_INIT;
  Result zone = call([&](gridroute_error** err) { return gridroute_time_format(&b, kAt, "\xff\xfe", 2, err); });
  gridroute_buf_dispose(&b);
  EXPECT_EQ(zone.rc, GRIDROUTE_E_INVALID_ARGUMENT);
  EXPECT_TRUE(valid(zone.message.c_str())) << zone.message;
  EXPECT_NE(zone.message.find("\\xFF\\xFE"), std::string::npos) << zone.message;
  std::int64_t t = 0;
  Result time = call([&](gridroute_error** err) {
    return gridroute_time_parse(&t, "20\xff" "6-11-20T09:40:00Z", GRIDROUTE_NTS, err);
  });
  EXPECT_EQ(time.rc, GRIDROUTE_E_INVALID_ARGUMENT);
  EXPECT_TRUE(valid(time.message.c_str())) << time.message;
  gridroute_engine* e = nullptr;
  gridroute_error* err = nullptr;
  const std::string path = (fs::temp_directory_path() / "no-such-\xff\xfe-bundle").string();
  EXPECT_NE(gridroute_engine_load(&e, path.data(), path.size(), nullptr, &err), GRIDROUTE_OK);
  ASSERT_NE(err, nullptr);
  EXPECT_TRUE(valid(err->message)) << err->message;
  EXPECT_NE(std::string(err->message).find("no-such-\\xFF\\xFE-bundle"), std::string::npos) << err->message;
  EXPECT_TRUE(valid(err->file)) << err->file;
  for (std::size_t i = 0; i < err->diagnostic_count; ++i) {
    EXPECT_TRUE(valid(err->diagnostics[i].file)) << err->diagnostics[i].file;
    EXPECT_TRUE(valid(err->diagnostics[i].message)) << err->diagnostics[i].message;
    EXPECT_TRUE(valid(err->diagnostics[i].text)) << err->diagnostics[i].text;
  }
  gridroute_error_free(err);
  gridroute_engine_free(e);
}

// ---- gridroute_load_options: max_calendars, appended in 1.1

std::string rules_with_calendars(int n) {
  std::string r = R"({"format": "gridroute.rules/1", "calendars": [)";
  for (int i = 0; i < n; ++i)
    r += (i ? ", " : "") + std::string(R"({"id": "cal)") + std::to_string(i) +
         R"(", "weekdays": [1, 2, 3, 4, 5], "hours": [["09:00", "17:00"]]})";
  return r + R"(], "rules": [{"id": "r", "categories": ["*"], "route": ["resident_council"]}]})";
}

constexpr const char* kTinyJurisdiction = R"({"format": "gridroute.jurisdiction/1", "timezone": "Asia/Shanghai",
  "tiers": ["community", "area", "cell"], "units": [{"id": "c", "tier": "community"}, {"id": "a", "tier": "area", "parent": "c"},
  {"id": "x", "tier": "cell", "parent": "a"}],
  "handlers": [{"id": "h", "role": "resident_council", "serves": ["c"]}]})";

TEST(Bounds, MaxCalendarsLoadOption) {
  const std::string rules = rules_with_calendars(3);
  gridroute_bundle_sources s = GRIDROUTE_BUNDLE_SOURCES_INIT;
  s.label = "mem";
  s.label_len = GRIDROUTE_NTS;
  s.jurisdiction_json = kTinyJurisdiction;
  s.jurisdiction_json_len = GRIDROUTE_NTS;
  s.rules_json = rules.c_str();
  s.rules_json_len = rules.size();
  gridroute_load_options o;
  ASSERT_EQ(gridroute_load_options_init(&o, sizeof o), GRIDROUTE_OK);
  EXPECT_EQ(o.max_calendars, 0u);  // the default
  o.max_calendars = 2;
  gridroute_engine* e = nullptr;
  gridroute_error* err = nullptr;
  ASSERT_EQ(gridroute_engine_load_sources(&e, &s, &o, &err), GRIDROUTE_E_BUNDLE);
  ASSERT_GE(err->diagnostic_count, 1u);
  EXPECT_STREQ(err->diagnostics[0].file, "mem/rules.json");
  EXPECT_STREQ(err->diagnostics[0].pointer, "/calendars");
  EXPECT_NE(std::string(err->diagnostics[0].message).find("more than 2 calendars (LoadOptions::max_calendars)"),
            std::string::npos)
      << err->diagnostics[0].text;
  gridroute_error_free(err);
  o.max_calendars = 3;
  ASSERT_EQ(gridroute_engine_load_sources(&e, &s, &o, &err), GRIDROUTE_OK) << err->message;
  gridroute_engine_free(e);

  // A caller built against the 1.0 header passes the older size: accepted, max_calendars not read,
  // and gridroute_load_options_init writes no further than that size.
  const std::uint32_t size10 = offsetof(gridroute_load_options, max_calendars);
  unsigned char raw[sizeof(gridroute_load_options) + 8];
  std::memset(raw, 0xAB, sizeof raw);
  auto* old = reinterpret_cast<gridroute_load_options*>(raw);
  ASSERT_EQ(gridroute_load_options_init(old, size10), GRIDROUTE_OK);
  EXPECT_EQ(old->struct_size, size10);
  EXPECT_EQ(old->max_errors, 0u);
  for (std::size_t i = size10; i < sizeof raw; ++i) ASSERT_EQ(raw[i], 0xAB) << "byte " << i << " written";
  // Past the 1.0 size the caller's memory holds junk (0xAB…): it must not be read as max_calendars.
  ASSERT_EQ(gridroute_engine_load_sources(&e, &s, old, &err), GRIDROUTE_OK) << err->message;
  gridroute_engine_free(e);
  EXPECT_EQ(gridroute_load_options_init(&o, size10 + 4), GRIDROUTE_E_STRUCT_SIZE);
  o.struct_size = size10 + 4;
  EXPECT_EQ(gridroute_engine_load_sources(&e, &s, &o, nullptr), GRIDROUTE_E_STRUCT_SIZE);
}

}  // namespace
