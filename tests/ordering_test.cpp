// Which rule wins and who owns the issue (SPEC §3.1, §3.3), and the decision lines of SPEC §4:
// tie-breaks, fall-through, nearest-handler resolution, alternates, assist, unrouted, rejected, and the
// --explain trace.
#include <string>
#include <vector>

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include "gridroute/engine.hpp"
#include "gridroute/jsonl.hpp"
#include "fixture.hpp"

namespace {
namespace json = boost::json;

const std::string kJur = fixture::town(R"([
    {"id": "squad-1", "role": "enforcement_squad", "serves": ["c2", "c1"]},
    {"id": "council-c1", "role": "resident_council", "serves": ["c1"]},
    {"id": "council-c1a", "role": "resident_council", "serves": ["c1-a"]},
    {"id": "council-c2", "role": "resident_council", "serves": ["c2"]},
    {"id": "pm-a", "role": "property_manager", "serves": ["c1-a-01"]},
    {"id": "squad-2", "role": "enforcement_squad", "serves": ["c1"]},
    {"id": "pm-a2", "role": "property_manager", "serves": ["c1-a-01"]},
    {"id": "mediator-b", "role": "mediator", "serves": ["c1-b"]},
    {"id": "dept-gas", "role": "partner_department", "department": "gas", "serves": ["town"]}
  ])", R"(,
  "units_csv": "units.csv",
  "handlers_csv": "handlers.csv")", /*with_c2_01=*/false);
const char* kUnitsCsv = "id,parent,tier,name\nc2-01,c2,cell,Cell two-one\n";
const char* kHandlersCsv =
    "id,role,department,serves,name,calendar\n"
    "squad-3,enforcement_squad,,c1,Squad three,\n"
    "dept-gas-2,partner_department,gas,town,,\n"
    "dept-police,partner_department,police,town,,\n";

std::string rules_with(const std::string& rules, const std::string& extra = "") {
  return std::string(R"({
  "format": "gridroute.rules/1",
  "roles": ["mediator"],
  "attributes": {"severity": "number", "private": "bool", "channel": "string"},)") +
         extra + R"(
  "rules": [
)" + rules + R"(
  ]
})";
}

std::shared_ptr<const gridroute::Snapshot> load(const std::string& rules_json) {
  gridroute::BundleSources src;
  src.jurisdiction_json = kJur;
  src.rules_json = rules_json;
  src.files = {{"units.csv", kUnitsCsv}, {"handlers.csv", kHandlersCsv}};
  std::vector<gridroute::Diagnostic> diags;
  auto s = gridroute::load_bundle(src, &diags);
  if (!s.ok()) {
    std::string all;
    for (auto& d : diags) all += d.to_string() + "\n";
    ADD_FAILURE() << "bundle refused:\n" << all << rules_json;
    return nullptr;
  }
  return *s;
}

json::object route_line(const std::shared_ptr<const gridroute::Snapshot>& s, const std::string& line,
                        bool explain = false) {
  if (!s) return {};
  gridroute::LineCodec codec(s, {.explain = explain});
  std::string out;
  codec.route_line(line, out);
  EXPECT_EQ(out.find('\n'), std::string::npos) << "one line per decision";
  json::error_code ec;
  json::value v = json::parse(out, ec);
  EXPECT_FALSE(ec) << out;
  if (ec || !v.is_object()) return {};
  return v.as_object();
}

std::string issue(const std::string& category, const std::string& cell, const std::string& attrs = "{}",
                  const std::string& at = "2026-11-18T10:00:00+08:00") {
  return R"({"id": "I-1", "category": ")" + category + R"(", "cell": ")" + cell + R"(", "at": ")" + at +
         R"(", "attrs": )" + attrs + "}";
}

json::object route(const std::shared_ptr<const gridroute::Snapshot>& s, const std::string& category,
                   const std::string& cell, const std::string& attrs = "{}", bool explain = false) {
  return route_line(s, issue(category, cell, attrs), explain);
}

std::string str(const json::object& o, const char* key) {
  auto* v = o.if_contains(key);
  if (!v) return "(absent)";
  if (v->is_string()) return std::string(v->get_string());
  return json::serialize(*v);
}

std::vector<std::string> list(const json::object& o, const char* key) {
  std::vector<std::string> out;
  auto* v = o.if_contains(key);
  if (!v || !v->is_array()) {
    ADD_FAILURE() << key << " is not a list in " << json::serialize(o);
    return out;
  }
  for (const auto& x : v->get_array()) out.push_back(x.is_string() ? std::string(x.get_string()) : json::serialize(x));
  return out;
}

// The trace as "rule:verdict" strings, in order.
std::vector<std::string> trace(const json::object& o) {
  std::vector<std::string> out;
  auto* v = o.if_contains("trace");
  if (!v || !v->is_array()) {
    ADD_FAILURE() << "no trace in " << json::serialize(o);
    return out;
  }
  for (const auto& e : v->get_array())
    out.push_back(str(e.as_object(), "rule") + ":" + str(e.as_object(), "verdict"));
  return out;
}

using V = std::vector<std::string>;

// ---------------------------------------------------------------- tie-breaks

TEST(Ordering, HigherPriorityWins) {
  auto s = load(rules_with(R"(
    {"id": "exact", "categories": ["a.b.c"], "route": ["resident_council"]},
    {"id": "star-high", "priority": 1, "categories": ["*"], "route": ["enforcement_squad"]},
    {"id": "negative", "priority": -5, "categories": ["a.b.c"], "route": ["property_manager"]})"));
  auto d = route(s, "a.b.c", "c1-a-01", "{}", true);
  EXPECT_EQ(str(d, "rule"), "star-high");
  EXPECT_EQ(str(d, "handler"), "squad-1");
  EXPECT_EQ(trace(d), (V{"star-high:won", "exact:lower_priority", "negative:lower_priority"}));
}

TEST(Ordering, DeeperScopeBeatsAMoreSpecificPattern) {
  auto s = load(rules_with(R"(
    {"id": "root-exact", "categories": ["a.b.c"], "route": ["resident_council"]},
    {"id": "c1-star", "scope": "c1", "categories": ["*"], "route": ["enforcement_squad"]},
    {"id": "area-prefix", "scope": "c1-a", "categories": ["a.*"], "route": ["property_manager"]})"));
  auto d = route(s, "a.b.c", "c1-a-01", "{}", true);
  EXPECT_EQ(str(d, "rule"), "area-prefix");
  EXPECT_EQ(str(d, "handler"), "pm-a");
  EXPECT_EQ(trace(d), (V{"area-prefix:won", "c1-star:shallower_scope", "root-exact:shallower_scope"}));
  // Outside c1-a the area rule does not apply; inside c1 the community rule wins.
  auto b = route(s, "a.b.c", "c1-b-01", "{}", true);
  EXPECT_EQ(str(b, "rule"), "c1-star");
  EXPECT_EQ(trace(b), (V{"area-prefix:not_in_scope", "c1-star:won", "root-exact:shallower_scope"}));
  auto c = route(s, "a.b.c", "c2-01", "{}", true);
  EXPECT_EQ(str(c, "rule"), "root-exact");
  EXPECT_EQ(str(c, "handler"), "council-c2");
}

TEST(Ordering, ScopeOnTheCellItself) {
  auto s = load(rules_with(R"(
    {"id": "area", "scope": "c1-a", "categories": ["*"], "route": ["resident_council"]},
    {"id": "cell", "scope": "c1-a-02", "categories": ["*"], "route": ["enforcement_squad"]})"));
  EXPECT_EQ(str(route(s, "x", "c1-a-02"), "rule"), "cell");
  EXPECT_EQ(str(route(s, "x", "c1-a-01"), "rule"), "area");
}

TEST(Ordering, ExactBeatsPrefixBeatsShorterPrefixBeatsStar) {
  auto s = load(rules_with(R"(
    {"id": "star", "categories": ["*"], "route": ["resident_council"]},
    {"id": "short", "categories": ["a.*"], "route": ["resident_council"]},
    {"id": "long", "categories": ["a.b.*"], "route": ["resident_council"]},
    {"id": "exact", "categories": ["a.b.c"], "route": ["resident_council"]})"));
  auto d = route(s, "a.b.c", "c1-a-01", "{}", true);
  EXPECT_EQ(str(d, "rule"), "exact");
  EXPECT_EQ(trace(d), (V{"exact:won", "long:less_specific", "short:less_specific", "star:less_specific"}));
  EXPECT_EQ(str(route(s, "a.b.d", "c1-a-01"), "rule"), "long");
  // a.b.* matches a.b itself.
  EXPECT_EQ(str(route(s, "a.b", "c1-a-01"), "rule"), "long");
  EXPECT_EQ(str(route(s, "a.x", "c1-a-01"), "rule"), "short");
  EXPECT_EQ(str(route(s, "a", "c1-a-01"), "rule"), "short");
  EXPECT_EQ(str(route(s, "ab.c", "c1-a-01"), "rule"), "star") << "a.* must not match ab.c";
  EXPECT_EQ(str(route(s, "a.bc", "c1-a-01"), "rule"), "short") << "a.b.* must not match a.bc";
  EXPECT_EQ(str(route(s, "zzz", "c1-a-01"), "rule"), "star");
}

TEST(Ordering, ARuleCompetesWithItsMostSpecificMatchingPattern) {
  auto s = load(rules_with(R"(
    {"id": "prefix", "categories": ["a.b.*"], "route": ["resident_council"]},
    {"id": "mixed", "categories": ["*", "a.b.c"], "route": ["enforcement_squad"]})"));
  auto d = route(s, "a.b.c", "c1-a-01", "{}", true);
  EXPECT_EQ(str(d, "rule"), "mixed");
  EXPECT_EQ(trace(d), (V{"mixed:won", "prefix:less_specific"}));
  EXPECT_EQ(str(d.at("trace").as_array()[0].as_object(), "pattern"), "a.b.c");
  EXPECT_EQ(str(route(s, "a.b.x", "c1-a-01"), "rule"), "prefix");
}

TEST(Ordering, FileOrderBreaksTheLastTie) {
  auto s = load(rules_with(R"(
    {"id": "first", "categories": ["a.*"], "route": ["resident_council"]},
    {"id": "second", "categories": ["a.*"], "route": ["enforcement_squad"]},
    {"id": "third", "categories": ["a.*", "b.*"], "route": ["property_manager"]})"));
  auto d = route(s, "a.b", "c1-a-01", "{}", true);
  EXPECT_EQ(str(d, "rule"), "first");
  EXPECT_EQ(trace(d), (V{"first:won", "second:later_in_file", "third:later_in_file"}));
  EXPECT_EQ(str(route(s, "b.x", "c1-a-01"), "rule"), "third");
}

// ---------------------------------------------------------------- fall-through and resolution

TEST(Ordering, FallThroughWithinTheRouteList) {
  auto s = load(rules_with(R"(
    {"id": "disputes", "categories": ["*"], "route": ["mediator", "property_manager", "resident_council"]})"));
  auto b = route(s, "d", "c1-b-01");
  EXPECT_EQ(str(b, "handler"), "mediator-b");
  EXPECT_EQ(str(b, "role"), "mediator");
  EXPECT_EQ(str(b, "unit"), "c1-b");
  auto a = route(s, "d", "c1-a-01");
  EXPECT_EQ(str(a, "handler"), "pm-a");
  EXPECT_EQ(str(a, "role"), "property_manager");
  auto a2 = route(s, "d", "c1-a-02");
  EXPECT_EQ(str(a2, "handler"), "council-c1a");
  EXPECT_EQ(str(a2, "role"), "resident_council");
  EXPECT_EQ(str(a2, "rule"), "disputes");
}

TEST(Ordering, FallThroughToTheNextRule) {
  auto s = load(rules_with(R"(
    {"id": "mediate", "priority": 2, "categories": ["d"], "route": ["mediator"]},
    {"id": "police", "priority": 1, "categories": ["d"], "route": [{"role": "partner_department", "department": "fire"}]},
    {"id": "night", "priority": 1, "categories": ["d"], "route": ["enforcement_squad"],
     "when": {"local_time": ["22:00", "06:00"]}},
    {"id": "council", "categories": ["d"], "route": ["resident_council"]})"));
  auto d = route(s, "d", "c1-a-01", "{}", true);
  EXPECT_EQ(str(d, "rule"), "council");
  EXPECT_EQ(str(d, "handler"), "council-c1a");
  EXPECT_EQ(trace(d), (V{"mediate:no_handler", "police:no_handler", "night:condition_false", "council:won"}));
  auto b = route(s, "d", "c1-b-01", "{}", true);
  EXPECT_EQ(str(b, "rule"), "mediate");
  EXPECT_EQ(trace(b), (V{"mediate:won", "police:lower_priority", "night:condition_false", "council:lower_priority"}));
}

TEST(Ordering, NearestHandlerWalkingUp) {
  auto s = load(rules_with(R"(
    {"id": "council", "categories": ["*"], "route": ["resident_council"]},
    {"id": "gas", "priority": 1, "categories": ["gas"], "route": [{"role": "partner_department", "department": "gas"}]})"));
  auto a = route(s, "x", "c1-a-01");
  EXPECT_EQ(str(a, "handler"), "council-c1a");
  EXPECT_EQ(str(a, "unit"), "c1-a");
  auto b = route(s, "x", "c1-b-01");
  EXPECT_EQ(str(b, "handler"), "council-c1");
  EXPECT_EQ(str(b, "unit"), "c1");
  auto c = route(s, "x", "c2-01");
  EXPECT_EQ(str(c, "handler"), "council-c2");
  EXPECT_EQ(str(c, "unit"), "c2");
  auto g = route(s, "gas", "c2-01");
  EXPECT_EQ(str(g, "handler"), "dept-gas");
  EXPECT_EQ(str(g, "role"), "partner_department");
  EXPECT_EQ(str(g, "department"), "gas");
  EXPECT_EQ(str(g, "unit"), "town");
  EXPECT_EQ(list(g, "alternates"), (V{"dept-gas-2"}));
  // No department key for roles without one.
  EXPECT_FALSE(a.contains("department")) << json::serialize(a);
}

TEST(Ordering, AlternatesInJurisdictionOrder) {
  auto s = load(rules_with(R"(
    {"id": "squad", "categories": ["*"], "route": ["enforcement_squad"]},
    {"id": "pm", "categories": ["pm"], "route": ["property_manager"]})"));
  // squad-1 and squad-2 from the JSON (squad-1 first), then squad-3 from the CSV.
  auto a = route(s, "x", "c1-a-01");
  EXPECT_EQ(str(a, "handler"), "squad-1");
  EXPECT_EQ(str(a, "unit"), "c1");
  EXPECT_EQ(list(a, "alternates"), (V{"squad-2", "squad-3"}));
  auto c = route(s, "x", "c2-01");
  EXPECT_EQ(str(c, "handler"), "squad-1");
  EXPECT_EQ(list(c, "alternates"), V{});
  auto p = route(s, "pm", "c1-a-01");
  EXPECT_EQ(str(p, "handler"), "pm-a");
  EXPECT_EQ(list(p, "alternates"), (V{"pm-a2"}));
}

TEST(Ordering, Assist) {
  auto s = load(rules_with(R"(
    {"id": "joint", "categories": ["*"], "route": ["resident_council"],
     "assist": ["property_manager", "resident_council", "enforcement_squad", "property_manager",
                {"role": "partner_department", "department": "water"}, {"role": "partner_department", "department": "gas"},
                "mediator"]})"));
  // council-c1a owns it, so it is left out; pm once; water resolves nowhere; mediator not above c1-a.
  auto a = route(s, "x", "c1-a-01");
  EXPECT_EQ(str(a, "handler"), "council-c1a");
  EXPECT_EQ(list(a, "assist"), (V{"pm-a", "squad-1", "dept-gas"}));
  auto b = route(s, "x", "c1-b-01");
  EXPECT_EQ(list(b, "assist"), (V{"squad-1", "dept-gas", "mediator-b"}));
  auto c = route(s, "x", "c2-01");
  EXPECT_EQ(list(c, "assist"), (V{"squad-1", "dept-gas"}));
}

TEST(Ordering, AssistKeepsReferenceOrder) {
  auto s = load(rules_with(R"(
    {"id": "r", "categories": ["*"], "route": [{"role": "partner_department", "department": "gas"}],
     "assist": ["enforcement_squad", "property_manager", "resident_council"]})"));
  auto a = route(s, "x", "c1-a-01");
  EXPECT_EQ(list(a, "assist"), (V{"squad-1", "pm-a", "council-c1a"}));
  auto s2 = load(rules_with(R"(
    {"id": "r", "categories": ["*"], "route": [{"role": "partner_department", "department": "gas"}],
     "assist": ["resident_council", "property_manager", "enforcement_squad"]})"));
  EXPECT_EQ(list(route(s2, "x", "c1-a-01"), "assist"), (V{"council-c1a", "pm-a", "squad-1"}));
  // No assist: an empty list.
  auto s3 = load(rules_with(R"({"id": "r", "categories": ["*"], "route": ["resident_council"]})"));
  EXPECT_EQ(list(route(s3, "x", "c1-a-01"), "assist"), V{});
}

TEST(Ordering, RoutedDecisionHasEveryContractField) {
  auto s = load(rules_with(R"({"id": "r", "categories": ["*"], "route": ["resident_council"],
     "sla": {"respond": "1h", "resolve": "2h"}})"));
  auto d = route(s, "x", "c1-a-01");
  EXPECT_EQ(str(d, "id"), "I-1");
  EXPECT_EQ(str(d, "status"), "routed");
  EXPECT_EQ(str(d, "rule"), "r");
  EXPECT_EQ(str(d, "level"), "0");
  EXPECT_EQ(str(d, "escalation"), "null") << "no policy applies";
  EXPECT_EQ(str(d, "respond_by"), "2026-11-18T11:00:00+08:00");
  EXPECT_EQ(str(d, "resolve_by"), "2026-11-18T12:00:00+08:00");
  EXPECT_FALSE(d.contains("trace")) << "trace only with --explain";
}

// ---------------------------------------------------------------- unrouted

TEST(Ordering, UnroutedWithAReason) {
  auto s = load(rules_with(R"(
    {"id": "mediate", "categories": ["d.*"], "route": ["mediator"]},
    {"id": "scoped", "scope": "c2", "categories": ["e"], "route": ["resident_council"]})"));
  auto none = route(s, "zzz", "c1-a-01", "{}", true);
  EXPECT_EQ(str(none, "status"), "unrouted");
  EXPECT_NE(str(none, "reason"), "(absent)");
  EXPECT_FALSE(str(none, "reason").empty());
  EXPECT_FALSE(none.contains("handler"));
  EXPECT_FALSE(none.contains("rule"));
  EXPECT_EQ(trace(none), V{});
  auto no_handler = route(s, "d.x", "c1-a-01", "{}", true);
  EXPECT_EQ(str(no_handler, "status"), "unrouted");
  EXPECT_FALSE(str(no_handler, "reason").empty());
  EXPECT_EQ(trace(no_handler), (V{"mediate:no_handler"}));
  auto out_of_scope = route(s, "e", "c1-a-01", "{}", true);
  EXPECT_EQ(str(out_of_scope, "status"), "unrouted");
  EXPECT_EQ(trace(out_of_scope), (V{"scoped:not_in_scope"}));
  EXPECT_EQ(str(route(s, "d.x", "c1-b-01"), "status"), "routed");
}

// ---------------------------------------------------------------- rejected lines (SPEC §4)

class Rejected : public ::testing::Test {
 protected:
  void SetUp() override {
    snap_ = load(rules_with(R"({"id": "r", "categories": ["a.*"], "route": ["resident_council"]})",
                            R"(
  "categories": [{"code": "a.b"}, {"code": "a.c"}],)"));
  }
  void expect_rejected(const std::string& line, const char* id_json) {
    SCOPED_TRACE(line);
    auto d = route_line(snap_, line);
    EXPECT_EQ(str(d, "status"), "rejected") << json::serialize(d);
    EXPECT_EQ(json::serialize(d.at("id")), id_json);
    ASSERT_TRUE(d.contains("error"));
    EXPECT_TRUE(d.at("error").is_string());
    EXPECT_FALSE(d.at("error").as_string().empty());
    EXPECT_FALSE(d.contains("handler"));
  }
  std::shared_ptr<const gridroute::Snapshot> snap_;
};

TEST_F(Rejected, AValidLineIsRouted) {
  EXPECT_EQ(str(route_line(snap_, issue("a.b", "c1-a-01", R"({"severity": 1, "private": false, "channel": "x"})")),
                "status"),
            "routed");
}

TEST_F(Rejected, MissingOrUnreadableId) {
  expect_rejected(R"({"category": "a.b", "cell": "c1-a-01", "at": "2026-11-18T10:00:00+08:00"})", "null");
  expect_rejected(R"({"id": 17.5, "category": "a.b", "cell": "c1-a-01", "at": "2026-11-18T10:00:00+08:00"})", "null");
  expect_rejected(R"({"id": null, "category": "a.b", "cell": "c1-a-01", "at": "2026-11-18T10:00:00+08:00"})", "null");
  expect_rejected(R"({"id": true, "category": "a.b", "cell": "c1-a-01", "at": "2026-11-18T10:00:00+08:00"})", "null");
}

// Contract 1.1: an integer id (a platform's order number) is accepted and written back as the integer.
TEST_F(Rejected, IntegerIdsAreWrittenBackAsIntegers) {
  auto d = route_line(snap_, R"({"id": 20261120001, "category": "a.b", "cell": "c1-a-01", "at": "2026-11-18T10:00:00+08:00"})");
  EXPECT_EQ(str(d, "status"), "routed") << json::serialize(d);
  EXPECT_EQ(json::serialize(d.at("id")), "20261120001");
  expect_rejected(R"({"id": -7, "category": "no.such", "cell": "c1-a-01", "at": "2026-11-18T10:00:00+08:00"})", "-7");
  // "As it came": the digits of the line, whichever parsing path the line takes (attrs with nesting take
  // the general one), so -0 stays -0.
  for (std::string attrs : {"{}", R"({"x": {"y": [1]}})"}) {
    gridroute::LineCodec codec(snap_, {});
    std::string out;
    codec.route_line(R"({"id": -0, "category": "a.b", "cell": "c1-a-01", "at": "2026-11-18T10:00:00+08:00", "attrs": )" +
                         attrs + "}",
                     out);
    EXPECT_EQ(out.substr(0, 11), R"({"id": -0, )") << out;
  }
  // An integer id has no range (SPEC §4): past 64 bits it is written back with the line's digits, on
  // either path; a number with a fraction or an exponent is refused by a message that quotes it as written.
  // Each id on both paths: attrs read by the fast line reader, and nested ones by the general reader.
  auto answers = [&](const std::string& id) {
    std::vector<std::string> outs;
    for (std::string attrs : {"{}", R"({"x": {"y": [1]}})"}) {
      gridroute::LineCodec codec(snap_, {});
      std::string out;
      codec.route_line(R"({"id": )" + id + R"(, "category": "a.b", "cell": "c1-a-01", "at": "2026-11-18T10:00:00+08:00", "attrs": )" +
                           attrs + "}",
                       out);
      outs.push_back(out);
    }
    return outs;
  };
  for (std::string big : {"123456789012345678901234567890", "-9223372036854775809", "18446744073709551616"})
    for (const std::string& out : answers(big)) {
      EXPECT_EQ(out.substr(0, 8 + big.size()), R"({"id": )" + big + ",") << out;
      EXPECT_NE(out.find(R"("status": "routed")"), std::string::npos) << out;
    }
  for (std::string bad : {"1e3", "-2.50", "12345678901234567890123.0"})
    for (const std::string& out : answers(bad)) {
      EXPECT_NE(out.find("field 'id' must be a string or an integer, got " + bad), std::string::npos) << out;
      EXPECT_EQ(out.substr(0, 12), R"({"id": null,)") << out;
    }
  gridroute::LineCodec codec(snap_, {});
  std::string out;
  codec.route_line(R"({"id": 18446744073709551615, "category": "a.b", "cell": "c1-a-01", "at": "2026-11-18T10:00:00+08:00"})", out);
  EXPECT_EQ(out.substr(0, 28), R"({"id": 18446744073709551615,)") << out;
}

// A line that is not UTF-8 is rejected as a whole, but when its id is readable (its own bytes valid, its
// key written once) the answer carries it, so that a platform can match the rejection to its order.
TEST_F(Rejected, ALineNotUtf8KeepsAReadableId) {
  const std::string rest = R"(, "category": "a.b", "cell": "c1-a-01", "at": "2026-11-18T10:00:00+08:00")";
  expect_rejected(R"({"id": "U1")" + rest + ", \"attrs\": {\"note\": \"caf\xFF\"}}", R"("U1")");
  expect_rejected(R"({"id": 20261120001)" + rest + ", \"x\": \"\xE4\xB8\"}", "20261120001");
  expect_rejected("{\"x\": \"\xC3\", \"id\": \"I\\u00e9\"" + rest + "}", "\"I\xC3\xA9\"");
  auto d = route_line(snap_, R"({"id": "U2")" + rest + ", \"note\": \"\xFF\"}");
  EXPECT_EQ(str(d, "error"), "invalid UTF-8 in field 'note'") << json::serialize(d);
  // Not when the id itself holds the bad bytes, is written twice, or the rest is not JSON.
  expect_rejected("{\"id\": \"D6\xFF\"" + rest + "}", "null");
  expect_rejected("{\"id\": 7, \"x\": \"\xFF\", \"id\": 8" + rest + "}", "null");
  expect_rejected("{\"id\": \"U3\", \"x\": \xFF" + rest + "}", "null");
}

TEST_F(Rejected, InvalidJson) {
  expect_rejected(R"({"id": "X1", "category": "a.b", )", "null");
  expect_rejected(R"(["X2"])", "null");
  expect_rejected(R"("just a string")", "null");
  expect_rejected(R"({"id": "X3"} trailing)", "null");
  expect_rejected("{\"id\": \"X4\xFF\"}", "null");
}

TEST_F(Rejected, MissingRequiredFields) {
  expect_rejected(R"({"id": "M1", "cell": "c1-a-01", "at": "2026-11-18T10:00:00+08:00"})", R"("M1")");
  expect_rejected(R"({"id": "M2", "category": "a.b", "at": "2026-11-18T10:00:00+08:00"})", R"("M2")");
  expect_rejected(R"({"id": "M3", "category": "a.b", "cell": "c1-a-01"})", R"("M3")");
}

TEST_F(Rejected, WrongFieldTypes) {
  expect_rejected(R"({"id": "T1", "category": 5, "cell": "c1-a-01", "at": "2026-11-18T10:00:00+08:00"})", R"("T1")");
  expect_rejected(R"({"id": "T2", "category": "a.b", "cell": ["c1-a-01"], "at": "2026-11-18T10:00:00+08:00"})", R"("T2")");
  expect_rejected(R"({"id": "T3", "category": "a.b", "cell": "c1-a-01", "at": 1763431200})", R"("T3")");
  expect_rejected(R"({"id": "T4", "category": "a.b", "cell": "c1-a-01", "at": "2026-11-18T10:00:00+08:00", "attrs": [1]})",
                  R"("T4")");
}

TEST_F(Rejected, BadTimes) {
  for (const char* at : {"2026-11-18T10:00:00", "2026-11-18 10:00", "2026-02-30T10:00:00+08:00",
                         "2026-11-18T25:00:00+08:00", "yesterday", ""}) {
    expect_rejected(R"({"id": "B", "category": "a.b", "cell": "c1-a-01", "at": ")" + std::string(at) + R"("})", R"("B")");
  }
}

TEST_F(Rejected, UnknownCellOrNotACell) {
  expect_rejected(issue("a.b", "c9-99"), R"("I-1")");
  expect_rejected(issue("a.b", "c1"), R"("I-1")");
  expect_rejected(issue("a.b", "c1-a"), R"("I-1")");
  expect_rejected(issue("a.b", "town"), R"("I-1")");
}

TEST_F(Rejected, UndeclaredCategoryWithATaxonomy) {
  expect_rejected(issue("a.x", "c1-a-01"), R"("I-1")");
  // Only a prefix pattern would match "a": it is still not a declared code.
  expect_rejected(issue("a", "c1-a-01"), R"("I-1")");
}

TEST_F(Rejected, DeclaredAttributeOfTheWrongType) {
  expect_rejected(issue("a.b", "c1-a-01", R"({"severity": "high"})"), R"("I-1")");
  expect_rejected(issue("a.b", "c1-a-01", R"({"private": 1})"), R"("I-1")");
  expect_rejected(issue("a.b", "c1-a-01", R"({"channel": true})"), R"("I-1")");
  expect_rejected(issue("a.b", "c1-a-01", R"({"severity": null})"), R"("I-1")");
  expect_rejected(issue("a.b", "c1-a-01", R"({"channel": {"x": 1}})"), R"("I-1")");
  expect_rejected(issue("a.b", "c1-a-01", R"({"severity": [1]})"), R"("I-1")");
}

TEST_F(Rejected, UndeclaredAttributesAreIgnored) {
  auto d = route_line(snap_, issue("a.b", "c1-a-01", R"({"colour": null, "nested": {"a": [1]}, "severity": 2})"));
  EXPECT_EQ(str(d, "status"), "routed") << json::serialize(d);
}

// ---------------------------------------------------------------- no taxonomy

TEST(Ordering, WithoutACategoryTaxonomyAnyCategoryIsAccepted) {
  auto s = load(rules_with(R"(
    {"id": "star", "priority": -1, "categories": ["*"], "route": ["resident_council"]},
    {"id": "prefix", "categories": ["noise.*"], "route": ["enforcement_squad"]},
    {"id": "exact", "categories": ["noise.night"], "route": [{"role": "partner_department", "department": "police"}]})"));
  auto exact = route(s, "noise.night", "c1-a-01", "{}", true);
  EXPECT_EQ(str(exact, "rule"), "exact");
  EXPECT_EQ(str(exact, "handler"), "dept-police");
  EXPECT_EQ(trace(exact), (V{"exact:won", "prefix:less_specific", "star:lower_priority"}));
  EXPECT_EQ(str(route(s, "noise.day", "c1-a-01"), "rule"), "prefix");
  EXPECT_EQ(str(route(s, "noise", "c1-a-01"), "rule"), "prefix");
  EXPECT_EQ(str(route(s, "noisy", "c1-a-01"), "rule"), "star");
  EXPECT_EQ(str(route(s, "anything.at.all", "c1-a-01"), "rule"), "star");
}

TEST(Ordering, WithoutATaxonomyUnmatchedCategoriesAreUnrouted) {
  auto s = load(rules_with(R"({"id": "noise", "categories": ["noise.*"], "route": ["enforcement_squad"]})"));
  auto d = route(s, "waste", "c1-a-01");
  EXPECT_EQ(str(d, "status"), "unrouted");
  EXPECT_FALSE(str(d, "reason").empty());
}

// ---------------------------------------------------------------- explain

TEST(Ordering, ExplainTraceCoversEveryVerdict) {
  auto s = load(rules_with(R"(
    {"id": "scoped-out", "priority": 9, "scope": "c2", "categories": ["a.b.c"], "route": ["resident_council"]},
    {"id": "cond", "priority": 8, "categories": ["a.b.c"], "route": ["resident_council"],
     "when": {"attr": "severity", "ge": 5}},
    {"id": "nobody", "priority": 7, "categories": ["a.b.c"], "route": ["mediator"]},
    {"id": "winner", "priority": 6, "scope": "c1", "categories": ["a.b.*"], "route": ["enforcement_squad"]},
    {"id": "low", "priority": 1, "categories": ["a.b.c"], "route": ["resident_council"]},
    {"id": "shallow", "priority": 6, "categories": ["a.b.c"], "route": ["resident_council"]},
    {"id": "vague", "priority": 6, "scope": "c1", "categories": ["a.*"], "route": ["resident_council"]},
    {"id": "later", "priority": 6, "scope": "c1", "categories": ["a.b.*"], "route": ["resident_council"]},
    {"id": "cond-after", "priority": 6, "scope": "c1", "categories": ["a.b.*"], "route": ["resident_council"],
     "when": {"attr": "private", "eq": true}})"));
  auto d = route(s, "a.b.c", "c1-a-01", R"({"severity": 1})", true);
  EXPECT_EQ(str(d, "rule"), "winner");
  EXPECT_EQ(trace(d), (V{"scoped-out:not_in_scope", "cond:condition_false", "nobody:no_handler", "winner:won",
                         "later:later_in_file", "cond-after:condition_false", "vague:less_specific",
                         "shallow:shallower_scope", "low:lower_priority"}));
  // Every entry names its rule, verdict and a reason; a no_handler entry says what it tried.
  for (const auto& e : d.at("trace").as_array()) {
    const auto& o = e.as_object();
    EXPECT_TRUE(o.contains("rule") && o.contains("verdict") && o.contains("why")) << json::serialize(o);
  }
  EXPECT_EQ(list(d.at("trace").as_array()[2].as_object(), "tried"), (V{"mediator"}));
}

TEST(Ordering, DecisionsAreTheSameWithAndWithoutExplain) {
  auto s = load(rules_with(R"(
    {"id": "a", "priority": 1, "categories": ["x"], "route": ["mediator"]},
    {"id": "b", "categories": ["*"], "route": ["enforcement_squad"], "assist": ["resident_council"]})"));
  for (const char* cell : {"c1-a-01", "c1-b-01", "c2-01"}) {
    auto plain = route(s, "x", cell);
    auto explained = route(s, "x", cell, "{}", true);
    explained.erase("trace");
    EXPECT_EQ(json::serialize(plain), json::serialize(explained)) << cell;
  }
}

}  // namespace
