// Conditions (SPEC §3.2), observed as a user sees them: a rule whose `when` holds wins over a fallback
// rule, so the decision's `rule` tells whether the condition held.
#include <string>
#include <vector>

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include "gridroute/engine.hpp"
#include "gridroute/jsonl.hpp"
#include "fixture.hpp"

namespace {
namespace json = boost::json;

const char* kCouncil = R"([
    {"id": "council", "role": "resident_council", "serves": ["c1"], "calendar": "weekend"}
  ])";

constexpr const char* kAt = "2026-11-18T10:00:00+08:00";  // a Wednesday

// A bundle with one rule per condition (category "k<i>", priority 1) and a fallback rule (`*`).
class Conditions {
 public:
  explicit Conditions(std::string tz = "Asia/Shanghai", std::string default_calendar = "gov")
      : tz_(std::move(tz)), default_calendar_(std::move(default_calendar)) {}

  // Adds a rule testing `cond` (with an optional rule calendar); returns its index.
  int add(const std::string& cond, const std::string& calendar = "") {
    conds_.push_back({cond, calendar});
    snap_.reset();
    return static_cast<int>(conds_.size()) - 1;
  }

  // Declares `n` more number attributes, a0 … a<n-1>, after the four every bundle here has.
  void declare_more(int n) {
    more_attrs_ = n;
    snap_.reset();
  }

  // Whether condition `i` holds for an issue with `attrs` at `at`.
  bool holds(int i, const std::string& attrs = "{}", const std::string& at = kAt) {
    if (!snap_) build();
    if (!snap_) return false;
    gridroute::LineCodec codec(snap_);
    std::string line = R"({"id": "I", "category": "k)" + std::to_string(i) + R"(", "cell": "c1-01", "at": ")" + at +
                       R"(", "attrs": )" + attrs + "}";
    std::string out;
    codec.route_line(line, out);
    json::value v = json::parse(out);
    const auto& o = v.as_object();
    EXPECT_EQ(o.at("status"), "routed") << line << "\n" << out;
    if (!o.contains("rule")) return false;
    std::string rule(o.at("rule").as_string());
    EXPECT_TRUE(rule == "t" + std::to_string(i) || rule == "fallback") << out;
    return rule == "t" + std::to_string(i);
  }

 private:
  void build() {
    std::string rules = R"({
  "format": "gridroute.rules/1",
  "attributes": {"severity": "number", "private": "bool", "channel": "string", "score": "number")";
    for (int a = 0; a < more_attrs_; ++a) rules += ", \"a" + std::to_string(a) + "\": \"number\"";
    rules += R"(},
  "calendars": [
    {"id": "gov", "timezone": "Asia/Shanghai", "weekdays": [1, 2, 3, 4, 5], "hours": [["09:00", "17:00"]],
     "holidays": ["2026-10-01", "2026-10-02", "2026-10-05", "2026-10-06", "2026-10-07"],
     "workdays": ["2026-09-27", "2026-10-10"]},
    {"id": "weekend", "timezone": "Asia/Shanghai", "weekdays": [6, 7], "hours": [["09:00", "17:00"]]},
    {"id": "gov-utc", "timezone": "UTC", "weekdays": [1, 2, 3, 4, 5], "hours": [["09:00", "17:00"]]}
  ],)";
    if (!default_calendar_.empty()) rules += R"(
  "defaults": {"calendar": ")" + default_calendar_ + R"("},)";
    rules += R"(
  "rules": [
    {"id": "fallback", "categories": ["*"], "route": ["resident_council"]})";
    for (std::size_t i = 0; i < conds_.size(); ++i) {
      rules += ",\n    {\"id\": \"t" + std::to_string(i) + "\", \"priority\": 1, \"categories\": [\"k" + std::to_string(i) +
               "\"], \"route\": [\"resident_council\"], \"when\": " + conds_[i].first;
      if (!conds_[i].second.empty()) rules += ", \"calendar\": \"" + conds_[i].second + "\"";
      rules += "}";
    }
    rules += "\n  ]\n}\n";
    gridroute::BundleSources src;
    src.jurisdiction_json = fixture::small_town(kCouncil, tz_);
    src.rules_json = rules;
    std::vector<gridroute::Diagnostic> diags;
    auto s = gridroute::load_bundle(src, &diags);
    if (!s.ok()) {
      std::string all;
      for (auto& d : diags) all += d.to_string() + "\n";
      ADD_FAILURE() << "bundle refused:\n" << all << rules;
      return;
    }
    snap_ = *s;
  }

  std::string tz_, default_calendar_;
  int more_attrs_ = 0;
  std::vector<std::pair<std::string, std::string>> conds_;
  std::shared_ptr<const gridroute::Snapshot> snap_;
};

TEST(Conditions, NoConditionMeansTheRuleApplies) {
  Conditions c;
  int t = c.add(R"({"all": []})");
  EXPECT_TRUE(c.holds(t));
}

TEST(Conditions, Eq) {
  Conditions c;
  int num = c.add(R"({"attr": "severity", "eq": 2})");
  int str = c.add(R"({"attr": "channel", "eq": "hotline"})");
  int yes = c.add(R"({"attr": "private", "eq": true})");
  int no = c.add(R"({"attr": "private", "eq": false})");
  EXPECT_TRUE(c.holds(num, R"({"severity": 2})"));
  EXPECT_TRUE(c.holds(num, R"({"severity": 2.0})"));
  EXPECT_FALSE(c.holds(num, R"({"severity": 2.5})"));
  EXPECT_FALSE(c.holds(num, R"({})"));
  EXPECT_TRUE(c.holds(str, R"({"channel": "hotline"})"));
  EXPECT_FALSE(c.holds(str, R"({"channel": "Hotline"})"));
  EXPECT_FALSE(c.holds(str, R"({"channel": ""})"));
  EXPECT_FALSE(c.holds(str, R"({})"));
  EXPECT_TRUE(c.holds(yes, R"({"private": true})"));
  EXPECT_FALSE(c.holds(yes, R"({"private": false})"));
  EXPECT_FALSE(c.holds(yes, R"({})"));
  EXPECT_TRUE(c.holds(no, R"({"private": false})"));
  EXPECT_FALSE(c.holds(no, R"({"private": true})"));
  EXPECT_FALSE(c.holds(no, R"({})")) << "a comparison on a missing attribute is false";
}

TEST(Conditions, NeIsFalseOnAMissingAttribute) {
  Conditions c;
  int num = c.add(R"({"attr": "severity", "ne": 2})");
  int str = c.add(R"({"attr": "channel", "ne": "app"})");
  int b = c.add(R"({"attr": "private", "ne": true})");
  EXPECT_TRUE(c.holds(num, R"({"severity": 3})"));
  EXPECT_FALSE(c.holds(num, R"({"severity": 2})"));
  EXPECT_FALSE(c.holds(num, R"({})"));
  EXPECT_TRUE(c.holds(str, R"({"channel": "hotline"})"));
  EXPECT_FALSE(c.holds(str, R"({"channel": "app"})"));
  EXPECT_FALSE(c.holds(str, R"({"severity": 1})"));
  EXPECT_TRUE(c.holds(b, R"({"private": false})"));
  EXPECT_FALSE(c.holds(b, R"({"private": true})"));
  EXPECT_FALSE(c.holds(b, R"({})"));
}

TEST(Conditions, OrderingOperatorsAtTheirEdges) {
  Conditions c;
  int lt = c.add(R"({"attr": "severity", "lt": 3})");
  int le = c.add(R"({"attr": "severity", "le": 3})");
  int gt = c.add(R"({"attr": "severity", "gt": 3})");
  int ge = c.add(R"({"attr": "severity", "ge": 3})");
  int neg = c.add(R"({"attr": "score", "lt": -1.5})");
  struct Row {
    const char* attrs;
    bool lt, le, gt, ge;
  };
  for (const Row& r : std::vector<Row>{{R"({"severity": 2})", true, true, false, false},
                                       {R"({"severity": 2.999})", true, true, false, false},
                                       {R"({"severity": 3})", false, true, false, true},
                                       {R"({"severity": 3.0})", false, true, false, true},
                                       {R"({"severity": 3.001})", false, false, true, true},
                                       {R"({"severity": 4})", false, false, true, true},
                                       {R"({"severity": -10})", true, true, false, false},
                                       {R"({})", false, false, false, false},
                                       {R"({"channel": "x"})", false, false, false, false}}) {
    SCOPED_TRACE(r.attrs);
    EXPECT_EQ(c.holds(lt, r.attrs), r.lt);
    EXPECT_EQ(c.holds(le, r.attrs), r.le);
    EXPECT_EQ(c.holds(gt, r.attrs), r.gt);
    EXPECT_EQ(c.holds(ge, r.attrs), r.ge);
  }
  EXPECT_TRUE(c.holds(neg, R"({"score": -2})"));
  EXPECT_FALSE(c.holds(neg, R"({"score": -1.5})"));
  EXPECT_FALSE(c.holds(neg, R"({"score": 0})"));
}

TEST(Conditions, In) {
  Conditions c;
  int nums = c.add(R"({"attr": "severity", "in": [1, 2.5, 4]})");
  int strs = c.add(R"({"attr": "channel", "in": ["app", "hotline"]})");
  int bools = c.add(R"({"attr": "private", "in": [true]})");
  int none = c.add(R"({"attr": "channel", "in": []})");
  EXPECT_TRUE(c.holds(nums, R"({"severity": 1})"));
  EXPECT_TRUE(c.holds(nums, R"({"severity": 2.5})"));
  EXPECT_TRUE(c.holds(nums, R"({"severity": 4.0})"));
  EXPECT_FALSE(c.holds(nums, R"({"severity": 2})"));
  EXPECT_FALSE(c.holds(nums, R"({})"));
  EXPECT_TRUE(c.holds(strs, R"({"channel": "hotline"})"));
  EXPECT_FALSE(c.holds(strs, R"({"channel": "hot"})"));
  EXPECT_FALSE(c.holds(strs, R"({})"));
  EXPECT_TRUE(c.holds(bools, R"({"private": true})"));
  EXPECT_FALSE(c.holds(bools, R"({"private": false})"));
  EXPECT_FALSE(c.holds(bools, R"({})"));
  EXPECT_FALSE(c.holds(none, R"({"channel": "app"})"));
}

TEST(Conditions, Exists) {
  Conditions c;
  int yes = c.add(R"({"attr": "channel", "exists": true})");
  int no = c.add(R"({"attr": "channel", "exists": false})");
  EXPECT_TRUE(c.holds(yes, R"({"channel": "app"})"));
  EXPECT_TRUE(c.holds(yes, R"({"channel": ""})"));
  EXPECT_FALSE(c.holds(yes, R"({})"));
  EXPECT_FALSE(c.holds(yes, R"({"severity": 1})"));
  EXPECT_FALSE(c.holds(no, R"({"channel": "app"})"));
  EXPECT_TRUE(c.holds(no, R"({})")) << "exists:false is true for a missing attribute";
  EXPECT_TRUE(c.holds(no, R"({"chanel": "typo is not declared"})"));
}

// A bundle may declare many attributes: a condition on the last of 44 reads that one, and no other.
TEST(Conditions, ManyDeclaredAttributes) {
  Conditions c;
  c.declare_more(40);
  int t = c.add(R"({"attr": "a39", "ge": 5})");
  int u = c.add(R"({"attr": "severity", "eq": 2})");
  EXPECT_TRUE(c.holds(t, R"({"a39": 7})"));
  EXPECT_TRUE(c.holds(t, R"({"a0": 1, "severity": 2, "a39": 5, "a38": 1})"));
  EXPECT_FALSE(c.holds(t, R"({"a39": 3})"));
  EXPECT_FALSE(c.holds(t, R"({"a38": 7})"));
  EXPECT_TRUE(c.holds(u, R"({"a39": 7, "severity": 2})"));
  EXPECT_FALSE(c.holds(u, R"({"a39": 2})"));
}

TEST(Conditions, UndeclaredAttributesAreIgnored) {
  Conditions c;
  int no = c.add(R"({"attr": "channel", "exists": false})");
  // "colour" is not declared: any value, even an object, is ignored.
  EXPECT_TRUE(c.holds(no, R"({"colour": {"r": 1}, "tags": [1, 2], "nothing": null})"));
}

TEST(Conditions, AllAnyNot) {
  Conditions c;
  int all = c.add(R"({"all": [{"attr": "severity", "ge": 3}, {"attr": "private", "eq": true}]})");
  int any = c.add(R"({"any": [{"attr": "severity", "ge": 3}, {"attr": "private", "eq": true}]})");
  int not_ = c.add(R"({"not": {"attr": "severity", "ge": 3}})");
  int empty_all = c.add(R"({"all": []})");
  int empty_any = c.add(R"({"any": []})");
  int nested = c.add(
      R"({"all": [{"any": [{"attr": "channel", "eq": "app"}, {"not": {"attr": "channel", "exists": true}}]},
                  {"not": {"all": [{"attr": "severity", "gt": 1}, {"attr": "severity", "lt": 4}]}}]})");
  EXPECT_TRUE(c.holds(all, R"({"severity": 3, "private": true})"));
  EXPECT_FALSE(c.holds(all, R"({"severity": 3, "private": false})"));
  EXPECT_FALSE(c.holds(all, R"({"severity": 3})"));
  EXPECT_TRUE(c.holds(any, R"({"severity": 3})"));
  EXPECT_TRUE(c.holds(any, R"({"private": true})"));
  EXPECT_FALSE(c.holds(any, R"({"severity": 1, "private": false})"));
  EXPECT_FALSE(c.holds(any, R"({})"));
  EXPECT_FALSE(c.holds(not_, R"({"severity": 3})"));
  EXPECT_TRUE(c.holds(not_, R"({"severity": 2})"));
  EXPECT_TRUE(c.holds(not_, R"({})")) << "not of a false comparison on a missing attribute is true";
  EXPECT_TRUE(c.holds(empty_all));
  EXPECT_FALSE(c.holds(empty_any));
  EXPECT_TRUE(c.holds(nested, R"({"channel": "app", "severity": 5})"));
  EXPECT_TRUE(c.holds(nested, R"({})"));
  EXPECT_FALSE(c.holds(nested, R"({"severity": 2})"));
  EXPECT_FALSE(c.holds(nested, R"({"channel": "hotline"})"));
}

TEST(Conditions, LocalTimeWindowAtItsEdges) {
  Conditions c;
  int day = c.add(R"({"local_time": ["09:00", "17:00"]})");
  struct Row {
    const char* at;
    bool in;
  };
  for (const Row& r : std::vector<Row>{{"2026-11-18T08:59:59+08:00", false},
                                       {"2026-11-18T09:00:00+08:00", true},
                                       {"2026-11-18T12:00:00+08:00", true},
                                       {"2026-11-18T16:59:59+08:00", true},
                                       {"2026-11-18T16:59:59.999999+08:00", true},
                                       {"2026-11-18T17:00:00+08:00", false},
                                       {"2026-11-18T23:00:00+08:00", false},
                                       // Other offsets are converted to the jurisdiction's zone.
                                       {"2026-11-18T01:00:00Z", true},
                                       {"2026-11-18T00:59:59Z", false},
                                       {"2026-11-18T10:00:00+09:00", true},
                                       {"2026-11-18T18:00:00+09:00", false}}) {
    SCOPED_TRACE(r.at);
    EXPECT_EQ(c.holds(day, "{}", r.at), r.in);
  }
}

TEST(Conditions, LocalTimeWindowWrappingMidnight) {
  Conditions c;
  int night = c.add(R"({"local_time": ["22:00", "06:00"]})");
  struct Row {
    const char* at;
    bool in;
  };
  for (const Row& r : std::vector<Row>{{"2026-11-18T21:59:59+08:00", false},
                                       {"2026-11-18T22:00:00+08:00", true},
                                       {"2026-11-18T23:59:59+08:00", true},
                                       {"2026-11-19T00:00:00+08:00", true},
                                       {"2026-11-19T03:00:00+08:00", true},
                                       {"2026-11-19T05:59:59+08:00", true},
                                       {"2026-11-19T06:00:00+08:00", false},
                                       {"2026-11-19T12:00:00+08:00", false},
                                       {"2026-11-18T14:00:00Z", true},       // 22:00 local
                                       {"2026-11-18T13:59:59Z", false},
                                       {"2026-11-18T22:00:00+00:00", false},  // 06:00 local: the end is excluded
                                       {"2026-11-18T21:59:59+00:00", true},   // 05:59:59 local
                                       {"2026-11-18T23:00:00+09:00", true},  // 22:00 local
                                       {"2026-11-19T07:00:00+09:00", false}}) {  // 06:00 local
    SCOPED_TRACE(r.at);
    EXPECT_EQ(c.holds(night, "{}", r.at), r.in);
  }
}

TEST(Conditions, LocalTimeWindowEndingAt24) {
  Conditions c;
  int evening = c.add(R"({"local_time": ["20:00", "24:00"]})");
  EXPECT_FALSE(c.holds(evening, "{}", "2026-11-18T19:59:59+08:00"));
  EXPECT_TRUE(c.holds(evening, "{}", "2026-11-18T20:00:00+08:00"));
  EXPECT_TRUE(c.holds(evening, "{}", "2026-11-18T23:59:59+08:00"));
  EXPECT_FALSE(c.holds(evening, "{}", "2026-11-19T00:00:00+08:00"));
}

TEST(Conditions, LocalTimeUsesTheJurisdictionsZoneAcrossDst) {
  // Berlin: 22:00 local is 21:00Z in winter and 20:00Z in summer.
  Conditions c("Europe/Berlin", "");
  int night = c.add(R"({"local_time": ["22:00", "06:00"]})");
  EXPECT_TRUE(c.holds(night, "{}", "2026-01-15T21:00:00Z"));
  EXPECT_FALSE(c.holds(night, "{}", "2026-01-15T20:59:59Z"));
  EXPECT_TRUE(c.holds(night, "{}", "2026-07-15T20:00:00Z"));
  EXPECT_FALSE(c.holds(night, "{}", "2026-07-15T19:59:59Z"));
  EXPECT_TRUE(c.holds(night, "{}", "2026-07-16T03:59:59Z"));   // 05:59:59 CEST
  EXPECT_FALSE(c.holds(night, "{}", "2026-07-16T04:00:00Z"));  // 06:00 CEST
}

TEST(Conditions, WorkdayOnTheDefaultCalendar) {
  Conditions c;
  int work = c.add(R"({"workday": true})");
  int off = c.add(R"({"workday": false})");
  struct Row {
    const char* at;
    bool working;
    const char* what;
  };
  for (const Row& r : std::vector<Row>{{"2026-11-18T10:00:00+08:00", true, "Wednesday"},
                                       {"2026-11-16T00:00:00+08:00", true, "Monday at midnight"},
                                       {"2026-11-21T10:00:00+08:00", false, "Saturday"},
                                       {"2026-11-22T23:59:59+08:00", false, "Sunday"},
                                       {"2026-10-01T10:00:00+08:00", false, "National Day holiday (Thursday)"},
                                       {"2026-10-06T10:00:00+08:00", false, "holiday Tuesday"},
                                       {"2026-10-04T10:00:00+08:00", false, "Sunday inside the holidays"},
                                       {"2026-10-08T10:00:00+08:00", true, "Thursday after the holidays"},
                                       {"2026-09-27T10:00:00+08:00", true, "make-up Sunday"},
                                       {"2026-10-10T10:00:00+08:00", true, "make-up Saturday"},
                                       {"2026-10-11T10:00:00+08:00", false, "Sunday after the make-up Saturday"}}) {
    SCOPED_TRACE(r.what);
    EXPECT_EQ(c.holds(work, "{}", r.at), r.working);
    EXPECT_EQ(c.holds(off, "{}", r.at), !r.working);
  }
}

TEST(Conditions, WorkdayUsesTheRulesCalendarFirst) {
  Conditions c;
  int rule_cal = c.add(R"({"workday": true})", "weekend");
  int default_cal = c.add(R"({"workday": true})");
  EXPECT_TRUE(c.holds(rule_cal, "{}", "2026-11-21T10:00:00+08:00"));   // Saturday: weekend works
  EXPECT_FALSE(c.holds(rule_cal, "{}", "2026-11-18T10:00:00+08:00"));  // Wednesday: weekend is off
  // The owner (council) has the `weekend` calendar; a rule without one still tests defaults.calendar.
  EXPECT_FALSE(c.holds(default_cal, "{}", "2026-11-21T10:00:00+08:00"));
  EXPECT_TRUE(c.holds(default_cal, "{}", "2026-11-18T10:00:00+08:00"));
}

TEST(Conditions, WorkdayTakesTheLocalDateInTheCalendarsZone) {
  Conditions c;
  int utc = c.add(R"({"workday": true})", "gov-utc");
  int shanghai = c.add(R"({"workday": true})", "gov");
  // Saturday 07:00 in Shanghai is still Friday 23:00 in UTC.
  EXPECT_TRUE(c.holds(utc, "{}", "2026-11-21T07:00:00+08:00"));
  EXPECT_FALSE(c.holds(shanghai, "{}", "2026-11-21T07:00:00+08:00"));
  // Monday 07:00 in Shanghai is Sunday 23:00 in UTC.
  EXPECT_FALSE(c.holds(utc, "{}", "2026-11-23T07:00:00+08:00"));
  EXPECT_TRUE(c.holds(shanghai, "{}", "2026-11-23T07:00:00+08:00"));
}

TEST(Conditions, WorkdayInsideCombinators) {
  Conditions c;
  int not_work = c.add(R"({"not": {"workday": true}})");
  int both = c.add(R"({"all": [{"workday": true}, {"attr": "severity", "ge": 2}]})");
  int either = c.add(R"({"any": [{"workday": false}, {"local_time": ["22:00", "06:00"]}]})");
  EXPECT_TRUE(c.holds(not_work, "{}", "2026-11-21T10:00:00+08:00"));
  EXPECT_FALSE(c.holds(not_work, "{}", "2026-11-20T10:00:00+08:00"));
  EXPECT_TRUE(c.holds(both, R"({"severity": 2})", "2026-11-20T10:00:00+08:00"));
  EXPECT_FALSE(c.holds(both, R"({"severity": 2})", "2026-11-21T10:00:00+08:00"));
  EXPECT_FALSE(c.holds(both, R"({"severity": 1})", "2026-11-20T10:00:00+08:00"));
  EXPECT_TRUE(c.holds(either, "{}", "2026-11-21T10:00:00+08:00"));
  EXPECT_TRUE(c.holds(either, "{}", "2026-11-20T23:00:00+08:00"));
  EXPECT_FALSE(c.holds(either, "{}", "2026-11-20T10:00:00+08:00"));
}

TEST(Conditions, ConditionsCombineWithTimeAndAttributes) {
  Conditions c;
  int t = c.add(R"({"all": [{"local_time": ["22:00", "06:00"]}, {"attr": "channel", "in": ["app"]},
                            {"not": {"attr": "private", "eq": true}}]})");
  EXPECT_TRUE(c.holds(t, R"({"channel": "app"})", "2026-11-18T23:00:00+08:00"));
  EXPECT_FALSE(c.holds(t, R"({"channel": "app", "private": true})", "2026-11-18T23:00:00+08:00"));
  EXPECT_FALSE(c.holds(t, R"({"channel": "app"})", "2026-11-18T21:00:00+08:00"));
}

}  // namespace
