// Comparing two bundles' decisions (cli/diff.hpp): a bundle against itself changes nothing; a renamed
// handler changes exactly the fields that name it; the summary counts moves and deadline shifts.
#include "cli/diff.hpp"
#include "cli/html_report.hpp"

#include <algorithm>
#include <map>
#include <numeric>

#include "tools_util.hpp"

namespace {
using namespace tools_test;
using gridroute::Decision;
using gridroute::cli::FieldSet;

// The names of the fields set in `f`, from a field table of diff.hpp.
template <std::size_t N>
std::vector<std::string> names_in(FieldSet f, const std::string_view (&fields)[N]) {
  std::vector<std::string> v;
  for (std::size_t i = 0; i < N; ++i)
    if (f & (FieldSet{1} << i)) v.emplace_back(fields[i]);
  return v;
}
std::vector<std::string> names(FieldSet f) { return names_in(f, gridroute::cli::kDecisionFields); }
std::vector<std::string> action_names(FieldSet f) { return names_in(f, gridroute::cli::kActionFields); }

TEST(Diff, ABundleAgainstItselfChangesNothing) {
  auto a = load(kLanxi), b = load(kLanxi);
  ASSERT_TRUE(a && b);
  std::size_t n = 0;
  for_each_issue(kLanxi / "issues.jsonl", [&](const std::string& id, const gridroute::Issue& is) {
    ++n;
    EXPECT_EQ(gridroute::cli::compare(*a, *b, a->route(is), b->route(is)), 0u) << id;
  });
  EXPECT_GT(n, 60u);
}

TEST(Diff, ARenamedHandlerChangesTheFieldsThatNameItAndNothingElse) {
  // squad-1-night (an alternate of squad-1 at qiaodong and binjiang) becomes squad-1-evening.
  const fs::path dir = scratch() / "lanxi-renamed";
  fs::remove_all(dir);
  fs::create_directories(dir);
  for (const auto& e : fs::directory_iterator(kLanxi))
    if (e.is_regular_file()) fs::copy_file(e.path(), dir / e.path().filename());
  std::string csv = read_text(kLanxi / "handlers.csv");
  const auto at = csv.find("squad-1-night,");
  ASSERT_NE(at, std::string::npos);
  csv.replace(at, std::string("squad-1-night").size(), "squad-1-evening");
  write_text(dir / "handlers.csv", csv);
  auto a = load(kLanxi), b = load(dir);
  ASSERT_TRUE(a && b);
  std::size_t named = 0;
  for_each_issue(kLanxi / "issues.jsonl", [&](const std::string& id, const gridroute::Issue& is) {
    const Decision da = a->route(is), db = b->route(is);
    bool in_alternates = false, in_assist = false, owner = false;
    if (da.status == Decision::Status::routed) {
      for (auto h : da.alternates) in_alternates |= a->handler_id(h) == "squad-1-night";
      for (auto h : da.assist) in_assist |= a->handler_id(h) == "squad-1-night";
      owner = a->handler_id(da.handler) == "squad-1-night";
    }
    std::vector<std::string> want;
    if (owner) want.push_back("handler");
    if (in_alternates) want.push_back("alternates");
    if (in_assist) want.push_back("assist");
    named += !want.empty();
    EXPECT_EQ(names(gridroute::cli::compare(*a, *b, da, db)), want) << id;
  });
  EXPECT_GT(named, 3u);  // L01, L03, L08, L16 at least
}

// A case that holds under one bundle and escalates under the other: the action, its owner, reasons and
// deadlines change; its rule does not (a hold does not write it, and it is the same rule), and `assist`
// counts as changed only when the moving side has co-handlers (an absent list is an empty one).
TEST(Diff, AHoldThatBecomesAnEscalationChangesWhatItWrites) {
  const fs::path dir = copy_with_rules(kLanxi, "lanxi-quick", [](json::object& r) {
    for (auto& rule : r.at("rules").as_array())
      if (auto* sla = rule.as_object().if_contains("sla")) sla->as_object()["respond"] = "1m";
    r.at("defaults").as_object().at("sla").as_object()["respond"] = "1m";
  });
  auto a = load(kLanxi), b = load(dir);
  ASSERT_TRUE(a && b);
  const gridroute::Instant now = *gridroute::parse_rfc3339("2026-11-23T10:00:00+08:00");
  const std::string text = read_text(kLanxi / "cases.jsonl");
  gridroute::detail::LineParser parser(1 << 20);
  std::size_t moved = 0;
  gridroute::detail::for_each_line(text, [&](std::string_view line) {
    gridroute::Case c;
    gridroute::detail::LineId id;
    gridroute::detail::LineSlot slot;
    if (!parser.read_case(line, c, id, slot, json::storage_ptr())) return;
    const gridroute::Action x = a->escalate(c, now), y = b->escalate(c, now);
    if (x.kind != gridroute::Action::Kind::hold || y.kind != gridroute::Action::Kind::escalate) return;
    ++moved;
    const std::vector<std::string> got = action_names(gridroute::cli::compare(*a, *b, x, y));
    SCOPED_TRACE(std::string(id.text));
    EXPECT_EQ(std::count(got.begin(), got.end(), "rule"), 0);
    EXPECT_EQ(std::count(got.begin(), got.end(), "assist"), y.assist.empty() ? 0 : 1);
    for (const char* f : {"action", "level", "reasons", "next_check", "respond_by", "resolve_by"})
      EXPECT_EQ(std::count(got.begin(), got.end(), f), 1) << f;
  });
  EXPECT_GT(moved, 2u);
}

// `cell` is what a record writes: the cell found from a location. A line given by its cell never
// changes it, not even when one bundle rejects the line; a location that falls in another cell does,
// for a decision and for an action.
TEST(Diff, TheCellChangesOnlyWhereARecordWritesIt) {
  const fs::path lianshi = fs::path(GRIDROUTE_SHARED_DIR) / "examples-1.1" / "lianshi";
  if (!fs::exists(lianshi)) GTEST_SKIP() << lianshi << " is not there";
  // Bundle b: the outlines of xinhua-a-01 and xinhua-a-02 swapped; and the category of dogs in stairwells
  // gone, so that its lines by cell are rejected.
  const fs::path dir = copy_with_rules(lianshi, "lianshi-swapped", [](json::object& r) {
    auto& cats = r.at("categories").as_array();
    cats.erase(std::remove_if(cats.begin(), cats.end(),
                              [](const json::value& c) { return c.at("code") == "nuisance.dog.stairwell"; }),
               cats.end());
  });
  std::string cells = read_text(lianshi / "cells.geojson");
  const auto a1 = cells.find("\"id\": \"xinhua-a-01\""), a2 = cells.find("\"id\": \"xinhua-a-02\"");
  ASSERT_TRUE(a1 != std::string::npos && a2 != std::string::npos);
  cells.replace(a1, 19, "\"id\": \"xinhua-a-0X\"");
  cells.replace(a2, 19, "\"id\": \"xinhua-a-01\"");
  cells.replace(cells.find("\"id\": \"xinhua-a-0X\""), 19, "\"id\": \"xinhua-a-02\"");
  write_text(dir / "cells.geojson", cells);
  auto a = load(lianshi), b = load(dir);
  ASSERT_TRUE(a && b);

  std::size_t rejected_by_b = 0;
  for_each_issue(lianshi / "issues.jsonl", [&](const std::string& id, const gridroute::Issue& is) {
    const Decision da = a->route(is), db = b->route(is);
    const auto got = names(gridroute::cli::compare(*a, *b, da, db));
    EXPECT_EQ(std::count(got.begin(), got.end(), "cell"), 0) << id;
    if (db.status == Decision::Status::rejected && da.status != Decision::Status::rejected) {
      ++rejected_by_b;
      EXPECT_EQ(std::count(got.begin(), got.end(), "status"), 1) << id;
    }
  });
  EXPECT_GT(rejected_by_b, 0u);

  const gridroute::Instant now = *gridroute::parse_rfc3339("2026-12-07T10:00:00+08:00");
  std::size_t moved = 0;
  for_each_issue(lianshi / "located.jsonl", [&](const std::string& id, const gridroute::Issue& is) {
    const Decision da = a->route(is), db = b->route(is);
    if (da.status != Decision::Status::routed || db.status != Decision::Status::routed) return;
    const bool other_cell = a->unit_id(da.cell) != b->unit_id(db.cell);
    const auto got = names(gridroute::cli::compare(*a, *b, da, db));
    EXPECT_EQ(std::count(got.begin(), got.end(), "cell"), other_cell ? 1 : 0) << id;
    // The same issue as an open case at level 0.
    gridroute::Case c;
    c.issue = is;
    c.level_started_at = is.at;
    const gridroute::Action xa = a->escalate(c, now), xb = b->escalate(c, now);
    const auto got_action = action_names(gridroute::cli::compare(*a, *b, xa, xb));
    EXPECT_EQ(std::count(got_action.begin(), got_action.end(), "cell"), other_cell ? 1 : 0) << id;
    moved += other_cell;
  });
  EXPECT_GT(moved, 0u);
}

TEST(Diff, TheSummaryCountsMovesAndShifts) {
  // night-noise (priority 10) drops below the rules it used to beat.
  const fs::path dir = copy_with_rules(kLanxi, "lanxi-night", [](json::object& r) {
    for (auto& rule : r.at("rules").as_array())
      if (rule.at("id") == "night-noise") rule.as_object()["priority"] = -1;
  });
  auto a = load(kLanxi), b = load(dir);
  ASSERT_TRUE(a && b);
  gridroute::cli::DiffSummary sum;
  std::map<std::pair<std::string, std::string>, std::size_t> rule_moves, handler_moves;
  std::size_t earlier = 0, later = 0, changed = 0;
  for_each_issue(kLanxi / "issues.jsonl", [&](const std::string&, const gridroute::Issue& is) {
    const Decision da = a->route(is), db = b->route(is);
    ++sum.lines;
    if (FieldSet f = gridroute::cli::compare(*a, *b, da, db)) sum.add_decision(*a, *b, da, db, f);
    if (da.status != Decision::Status::routed) return;
    const std::string ra(a->rule_id(da.rule)), rb(b->rule_id(db.rule));
    const std::string ha(a->handler_id(da.handler)), hb(b->handler_id(db.handler));
    changed += ra != rb;
    if (ra != rb) ++rule_moves[{ra, rb}];
    if (ha != hb) ++handler_moves[{ha, hb}];
    if (db.resolve_by < da.resolve_by) ++earlier;
    if (db.resolve_by > da.resolve_by) ++later;
  });
  ASSERT_GT(changed, 0u);
  EXPECT_EQ(sum.changed, changed);
  auto moves = sum.rule.largest_first();
  ASSERT_EQ(moves.size(), rule_moves.size());
  for (std::size_t i = 0; i < moves.size(); ++i) {
    EXPECT_EQ(moves[i].from, "night-noise");
    EXPECT_EQ(moves[i].count, (rule_moves[{moves[i].from, moves[i].to}]));
    if (i) EXPECT_GE(moves[i - 1].count, moves[i].count);
  }
  EXPECT_EQ(sum.handler.total(), std::accumulate(handler_moves.begin(), handler_moves.end(), std::size_t{0},
                                                 [](std::size_t s, const auto& kv) { return s + kv.second; }));
  EXPECT_EQ(sum.resolve_by.earlier, earlier);
  EXPECT_EQ(sum.resolve_by.later, later);
  const std::string text = sum.text();
  EXPECT_NE(text.find(std::to_string(sum.lines) + " lines compared, " + std::to_string(changed) + " changed"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("night-noise -> " + moves[0].to), std::string::npos) << text;
  const json::object j = sum.to_json();
  EXPECT_EQ(j.at("changed").to_number<std::size_t>(), changed);
  EXPECT_EQ(j.at("rule_moves").as_array().size(), moves.size());
}

}  // namespace

namespace {

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

// Ids come from a platform's lines and folder names from the command line: the page shows them as text
// and never lets them open a tag or end its script.
TEST(DiffReport, WhatTheLinesCarryIsTextOnThePage) {
  gridroute::cli::DiffSummary sum;
  sum.old_dir = "old</script><script>alert(1)</script>";
  sum.new_dir = "new<b>";
  sum.lines = 1;
  sum.changed = 1;
  sum.handler.add("h<1>", "h&2");
  gridroute::cli::ReportRow row;
  row.id = "<img src=x onerror=alert(2)>";
  row.changed = {"handler"};
  row.old_handler = "h<1>";
  row.new_handler = "h&2";
  row.old_trace = {"won <i>rule</i>"};
  const std::string page = gridroute::cli::render_html(sum, {row}, 0);
  EXPECT_EQ(count(page, "<script"), 2u);  // the summary's data and the page's own script
  EXPECT_EQ(count(page, "</script>"), 2u);
  EXPECT_EQ(page.find("<img"), std::string::npos);
  EXPECT_EQ(page.find("<b>"), std::string::npos);
  EXPECT_EQ(page.find("<i>"), std::string::npos);
  EXPECT_NE(page.find("&lt;img src=x onerror=alert(2)&gt;"), std::string::npos);
  EXPECT_NE(page.find("won &lt;i&gt;rule&lt;/i&gt;"), std::string::npos);
  EXPECT_NE(page.find("old\\u003c/script>\\u003cscript>alert(1)\\u003c/script>"), std::string::npos);  // the JSON data
}

}  // namespace
