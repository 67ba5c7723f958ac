// `gridroute diff OLD NEW ISSUES.jsonl [--cases CASES.jsonl --now T] [--html REPORT.html]` (SPEC §8):
// both bundles are loaded once (at the same time), every line is read once and decided under both in
// prefetching batches, the two answers are compared field by field, and only the changed lines are
// written: {"id", "changed": [FIELD...], "old": RECORD, "new": RECORD}.
#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <future>
#include <thread>

#include <boost/json.hpp>

#include "base/strings.hpp"
#include "base/text.hpp"
#include "base/zone.hpp"
#include "cli/diff.hpp"
#include "cli/explain_text.hpp"
#include "cli/help.hpp"
#include "cli/html_report.hpp"
#include "cli/stream.hpp"
#include "cli/tool_common.hpp"
#include "cli/tools.hpp"
#include "gridroute/jsonl.hpp"
#include "io/parser.hpp"
#include "io/writer.hpp"

namespace gridroute::cli {
namespace json = boost::json;
using detail::append;
using detail::cat;

namespace {

struct DiffOptions {
  std::string old_dir, new_dir, issues, cases, html, summary;
  Instant now = kNoInstant;
  bool explain = false, quiet = false, exit_code = false;
  bool parallel = false;  // decide under both bundles at once (--threads 2)
  std::size_t max_line_bytes = CodecOptions{}.max_line_bytes;
  std::size_t html_rows = 2000;
};

void append_line_id(std::string& out, const detail::LineId& id) {
  if (id.kind == detail::LineId::null) out += "null";
  else if (id.kind == detail::LineId::integer) out.append(id.text);
  else detail::append_json_string(out, id.text);
}

// The id as a person reads it: the text of a string id, the digits of an integer one.
std::string id_text(const detail::LineId& id) {
  return id.kind == detail::LineId::null ? std::string("null") : std::string(id.text);
}

std::string time_text(const Snapshot& s, Instant t) { return t == kNoInstant ? std::string() : s.format_time(t); }

std::int64_t shift_seconds(Instant a, Instant b) {
  return a == kNoInstant || b == kNoInstant ? 0 : (b - a) / kMicrosPerSecond;
}

// A trace for the page: the rules up to the winner and three after it, at most 20 lines; the rest is
// counted (a category with hundreds of candidate rules would make a page of megabytes).
std::vector<std::string> page_trace(std::vector<std::string> lines) {
  std::size_t keep = lines.size();
  for (std::size_t i = 0; i < lines.size(); ++i)
    if (lines[i].starts_with("won ") || lines[i].starts_with("fallback ")) {
      keep = i + 4;
      break;
    }
  keep = std::min<std::size_t>({keep, lines.size(), 20});
  if (keep < lines.size()) {
    const std::size_t rest = lines.size() - keep;
    lines.resize(keep);
    lines.push_back(cat("... and ", rest, rest == 1 ? " more rule" : " more rules",
                        " (gridroute route --explain lists every one)"));
  }
  return lines;
}

// One run of the command: the parser, the batch buffers, the summary and the report's rows.
class DiffRun {
 public:
  DiffRun(std::shared_ptr<const Snapshot> a, std::shared_ptr<const Snapshot> b, const DiffOptions& o)
      : a_(std::move(a)), b_(std::move(b)), o_(o), parser_(o.max_line_bytes, local_zone(*a_)),
        parser_b_(o.max_line_bytes, local_zone(*b_)) {
    // Each bundle reads a line as its `route` would (SPEC §4, local_times): once for both when they read
    // it alike, else once for each.
    const detail::Zone *za = local_zone(*a_), *zb = local_zone(*b_);
    one_reading_ = za == zb || (za && zb && a_->index().tz_name == b_->index().tz_name);
  }

  // Decides a block of issue lines under both bundles; appends a record per changed line.
  void issues(std::span<const std::string_view> lines, std::string& out) {
    if (!one_reading_) return issues_read_twice(lines, out);
    const std::size_t n = lines.size();
    if (slots_.size() < n) slots_.resize(n);
    if (issues_.size() < n) {
      issues_.resize(n);
      ids_.resize(n);
      da_.resize(n);
      db_.resize(n);
    }
    json::monotonic_resource arena;
    json::storage_ptr sp(&arena);
    std::size_t k = 0;
    for (std::size_t i = 0; i < n; ++i)
      if (parser_.read_issue(lines[i], issues_[k], ids_[k], slots_[i], sp)) ++k;
    // A line that cannot be read is rejected alike by both bundles: never a change.
    summary.lines += n;
    const std::span<const Issue> batch(issues_.data(), k);
    both([&] { a_->route_batch(batch, std::span<Decision>(da_.data(), k)); },
         [&] { b_->route_batch(batch, std::span<Decision>(db_.data(), k)); });
    for (std::size_t j = 0; j < k; ++j) {
      const FieldSet f = compare(*a_, *b_, da_[j], db_[j]);
      if (f) changed_issue(&issues_[j], &issues_[j], ids_[j], da_[j], db_[j], f, out);
    }
    for (std::size_t i = 0; i < n; ++i) slots_[i].value = nullptr;
  }

  void cases(std::span<const std::string_view> lines, std::string& out) {
    if (!one_reading_) return cases_read_twice(lines, out);
    const std::size_t n = lines.size();
    if (slots_.size() < n) slots_.resize(n);
    if (cases_.size() < n) {
      cases_.resize(n);
      ids_.resize(n);
    }
    json::monotonic_resource arena;
    json::storage_ptr sp(&arena);
    std::size_t k = 0;
    for (std::size_t i = 0; i < n; ++i)
      if (parser_.read_case(lines[i], cases_[k], ids_[k], slots_[i], sp)) ++k;
    summary.cases += n;
    const std::span<const Case> batch(cases_.data(), k);
    both([&] { a_->sweep(batch, o_.now, aa_); }, [&] { b_->sweep(batch, o_.now, ab_); });
    for (std::size_t j = 0; j < k; ++j) {
      const FieldSet f = compare(*a_, *b_, aa_[j], ab_[j]);
      if (f) changed_case(&cases_[j], &cases_[j], ids_[j], aa_[j], ab_[j], f, out);
    }
    for (std::size_t i = 0; i < n; ++i) slots_[i].value = nullptr;
  }

  DiffSummary summary;
  std::vector<ReportRow> rows;
  std::size_t rows_left_out = 0;

 private:
  static const detail::Zone* local_zone(const Snapshot& s) {
    return s.index().local_times ? &s.index().zone : nullptr;
  }

  // The lines read by each bundle in its own way (one reads times without an offset and the other not,
  // or in another zone), one at a time. A line neither reads is rejected alike: never a change; a line
  // one of them reads is decided there and rejected, with its reader's error, by the other.
  void issues_read_twice(std::span<const std::string_view> lines, std::string& out) {
    for (std::string_view line : lines) {
      ++summary.lines;
      json::monotonic_resource arena;
      json::storage_ptr sp(&arena);
      Issue ia, ib;
      detail::LineId ida, idb;
      detail::LineSlot sa, sb;
      const bool oka = parser_.read_issue(line, ia, ida, sa, sp), okb = parser_b_.read_issue(line, ib, idb, sb, sp);
      if (!oka && !okb) continue;
      Decision da, db;
      if (oka) a_->route_into(ia, da, false);
      else da.status = Decision::Status::rejected, da.message = parser_.error();
      if (okb) b_->route_into(ib, db, false);
      else db.status = Decision::Status::rejected, db.message = parser_b_.error();
      if (const FieldSet f = compare(*a_, *b_, da, db))
        changed_issue(oka ? &ia : nullptr, okb ? &ib : nullptr, oka ? ida : idb, da, db, f, out);
    }
  }
  void cases_read_twice(std::span<const std::string_view> lines, std::string& out) {
    for (std::string_view line : lines) {
      ++summary.cases;
      json::monotonic_resource arena;
      json::storage_ptr sp(&arena);
      Case ca, cb;
      detail::LineId ida, idb;
      detail::LineSlot sa, sb;
      const bool oka = parser_.read_case(line, ca, ida, sa, sp), okb = parser_b_.read_case(line, cb, idb, sb, sp);
      if (!oka && !okb) continue;
      Action xa, xb;
      if (oka) xa = a_->escalate(ca, o_.now);
      else xa.kind = Action::Kind::rejected, xa.error = parser_.error();
      if (okb) xb = b_->escalate(cb, o_.now);
      else xb.kind = Action::Kind::rejected, xb.error = parser_b_.error();
      if (const FieldSet f = compare(*a_, *b_, xa, xb))
        changed_case(oka ? &ca : nullptr, okb ? &cb : nullptr, oka ? ida : idb, xa, xb, f, out);
    }
  }

  // Runs the old side and the new side: one after the other, or at once with --threads 2.
  template <class A, class B>
  void both(A&& old_side, B&& new_side) {
    if (!o_.parallel) {
      old_side();
      new_side();
      return;
    }
    std::thread t(old_side);
    new_side();
    t.join();
  }

  // `ia`, `ib`: the line as each bundle read it (null where it could not: its record is the rejection).
  void changed_issue(const Issue* ia, const Issue* ib, const detail::LineId& id, const Decision& a, const Decision& b,
                     FieldSet f, std::string& out) {
    summary.add_decision(*a_, *b_, a, b, f);
    const bool want_row = !o_.html.empty() && rows.size() < o_.html_rows;
    if (!want_row && !o_.html.empty()) ++rows_left_out;
    // The traces: the changed line decided again with explain on both sides (a few lines, not the batch).
    Decision ea, eb;
    if (o_.explain || want_row) {
      if (ia) a_->route_into(*ia, ea, true);
      else ea = a;
      if (ib) b_->route_into(*ib, eb, true);
      else eb = b;
    }
    const Decision& ra = o_.explain ? ea : a;
    const Decision& rb = o_.explain ? eb : b;
    out += "{\"id\": ";
    append_line_id(out, id);
    out += ", ";
    append_changed(out, f, kDecisionFields, kDecisionFieldCount);
    out += ", \"old\": ";
    detail::append_decision(out, a_->index(), id, ra, o_.explain);
    out += ", \"new\": ";
    detail::append_decision(out, b_->index(), id, rb, o_.explain);
    out += "}\n";
    if (!want_row) return;
    ReportRow r;
    r.id = id_text(id);
    for (std::size_t i = 0; i < kDecisionFieldCount; ++i)
      if (f & (FieldSet{1} << i)) r.changed.emplace_back(kDecisionFields[i]);
    auto status = [](const Decision& d) {
      return std::string(d.status == Decision::Status::routed ? "routed"
                         : d.status == Decision::Status::unrouted ? "unrouted" : "rejected");
    };
    r.old_what = status(a);
    r.new_what = status(b);
    r.old_handler = handler_label(*a_, a);
    r.new_handler = handler_label(*b_, b);
    r.old_rule = rule_label(*a_, a);
    r.new_rule = rule_label(*b_, b);
    r.old_tier = tier_label(*a_, a);
    r.new_tier = tier_label(*b_, b);
    const bool ra_ok = a.status == Decision::Status::routed, rb_ok = b.status == Decision::Status::routed;
    r.old_due = ra_ok ? time_text(*a_, a.resolve_by) : "";
    r.new_due = rb_ok ? time_text(*b_, b.resolve_by) : "";
    r.due_shift = ra_ok && rb_ok ? shift_seconds(a.resolve_by, b.resolve_by) : 0;
    r.old_trace = page_trace(explain_lines(*a_, ea));
    r.new_trace = page_trace(explain_lines(*b_, eb));
    rows.push_back(std::move(r));
  }

  void changed_case(const Case* ca, const Case* cb, const detail::LineId& id, const Action& a, const Action& b,
                    FieldSet f, std::string& out) {
    summary.add_action(*a_, *b_, a, b, f);
    const bool want_row = !o_.html.empty() && rows.size() < o_.html_rows;
    if (!want_row && !o_.html.empty()) ++rows_left_out;
    Action ea, eb;
    if (o_.explain || want_row) {
      ea = ca ? a_->escalate(*ca, o_.now, true) : a;
      eb = cb ? b_->escalate(*cb, o_.now, true) : b;
    }
    out += "{\"id\": ";
    append_line_id(out, id);
    out += ", ";
    append_changed(out, f, kActionFields, kActionFieldCount);
    out += ", \"old\": ";
    detail::append_action(out, a_->index(), id, o_.explain ? ea : a, o_.explain);
    out += ", \"new\": ";
    detail::append_action(out, b_->index(), id, o_.explain ? eb : b, o_.explain);
    out += "}\n";
    if (!want_row) return;
    ReportRow r;
    r.is_case = true;
    r.id = id_text(id);
    for (std::size_t i = 0; i < kActionFieldCount; ++i)
      if (f & (FieldSet{1} << i)) r.changed.emplace_back(kActionFields[i]);
    r.old_what = std::string(to_string(a.kind));
    r.new_what = std::string(to_string(b.kind));
    r.old_handler = handler_label(*a_, a);
    r.new_handler = handler_label(*b_, b);
    r.old_rule = a.rule == kNone ? "" : std::string(a_->rule_id(a.rule));
    r.new_rule = b.rule == kNone ? "" : std::string(b_->rule_id(b.rule));
    r.old_tier = a.unit == kNone ? "" : std::string(a_->unit_tier(a.unit));
    r.new_tier = b.unit == kNone ? "" : std::string(b_->unit_tier(b.unit));
    auto due = [](const Action& x) { return x.kind == Action::Kind::hold ? x.next_check : x.resolve_by; };
    r.old_due = time_text(*a_, due(a));
    r.new_due = time_text(*b_, due(b));
    r.due_shift = shift_seconds(due(a), due(b));
    r.old_trace = ea.trace;
    r.new_trace = eb.trace;
    rows.push_back(std::move(r));
  }

  std::shared_ptr<const Snapshot> a_, b_;
  const DiffOptions& o_;
  detail::LineParser parser_;    // the old bundle's reading, and the only one when one_reading_
  detail::LineParser parser_b_;  // the new bundle's
  bool one_reading_ = true;
  std::vector<detail::LineSlot> slots_;
  std::vector<detail::LineId> ids_;
  std::vector<Issue> issues_;
  std::vector<Decision> da_, db_;
  std::vector<Case> cases_;
  std::vector<Action> aa_, ab_;
};

bool write_file(const std::string& path, std::string_view text) {
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  f.write(text.data(), static_cast<std::streamsize>(text.size()));
  f.close();
  if (!f) {
    std::cerr << "gridroute: cannot write " << path << ": " << std::strerror(errno) << "\n";
    return false;
  }
  return true;
}

}  // namespace

int cmd_diff(const std::vector<std::string>& args) {
  DiffOptions o;
  std::vector<std::string> pos;
  std::string now_text;
  bool html_rows_given = false;
  SeenOptions seen{{"-q", "--quiet"}};
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--help" || a == "-h") return print_out(kDiffHelp);
    if (const std::string twice = seen.repeated(a); !twice.empty()) return usage_error("diff: " + twice + " is given twice");
    if (a == "--explain") {
      o.explain = true;
    } else if (a == "--quiet" || a == "-q") {
      o.quiet = true;
    } else if (a == "--exit-code") {
      o.exit_code = true;
    } else if (is_option(a, "--cases") || is_option(a, "--now") || is_option(a, "--html") ||
               is_option(a, "--summary") || is_option(a, "--html-rows") || is_option(a, "--max-line-bytes") ||
               is_option(a, "--threads")) {
      const std::string opt = a.substr(0, a.find('='));
      auto v = option_value(args, i, opt);
      if (!v || v->empty()) return usage_error("diff: " + opt + " needs a value");
      if (opt == "--cases") o.cases = *v;
      else if (opt == "--now") now_text = *v;
      else if (opt == "--html") o.html = *v;
      else if (opt == "--summary") o.summary = *v;
      else if (opt == "--html-rows" && !(html_rows_given = parse_count(*v, 0, 1'000'000, o.html_rows)))
        return usage_error("diff: --html-rows needs a count from 0 to 1000000");
      else if (opt == "--max-line-bytes" && !parse_count(*v, 1, std::size_t{1} << 30, o.max_line_bytes))
        return usage_error("diff: --max-line-bytes needs a byte count from 1 to 1073741824");
      else if (opt == "--threads") {
        std::size_t n = 0;
        if (!parse_count(*v, 1, 2, n)) return usage_error("diff: --threads needs 1 or 2");
        o.parallel = n == 2;
      }
    } else if (is_option_like(a)) {
      return usage_error("diff: unknown option " + a);
    } else {
      pos.push_back(a);
    }
  }
  if (pos.size() < 3) return usage_error("diff: needs OLD NEW ISSUES.jsonl");
  if (pos.size() > 3) return usage_error("diff: too many arguments");
  if (!o.cases.empty() && now_text.empty()) return usage_error("diff: --cases needs --now TIME (RFC 3339 with an offset)");
  if (o.cases.empty() && !now_text.empty()) return usage_error("diff: --now is the time --cases are evaluated at");
  const char* const kNowRange = "diff: --now must be before 9000-01-01T00:00:00Z and not before 0000-01-01T00:00:00Z";
  // A time without an offset is read in the jurisdiction's time zone when both bundles set "local_times"
  // in the same zone, as escalate reads it (SPEC §4): decided once the bundles are loaded.
  std::string now_error;
  if (!now_text.empty()) {
    auto t = parse_rfc3339(now_text);
    if (!t.ok()) {
      now_error = "diff: --now: " + std::string(t.status().message());
      if (!detail::parse_time_local(now_text, detail::Zone()).ok()) return usage_error(now_error);
    } else {
      if (*t < kMinInstant || *t >= kMaxInstant) return usage_error(kNowRange);
      o.now = *t;
    }
  }
  o.old_dir = pos[0];
  o.new_dir = pos[1];
  o.issues = pos[2];
  if (o.issues == "-" && o.cases == "-") return usage_error("diff: ISSUES and --cases cannot both be standard input");
  if (html_rows_given && o.html.empty()) return usage_error("diff: --html-rows is the number of rows of --html REPORT.html");
  for (const std::string* report : {&o.html, &o.summary})
    if (*report == "-")
      return usage_error(std::string("diff: ") + (report == &o.html ? "--html" : "--summary") +
                         " takes a FILE (standard output carries the records; a file named '-' is written ./-)");
  // Both inputs are found readable before any line is written: a run that fails on its second input
  // would leave the first one's records on standard output as if they were the whole answer.
  for (const std::string* input : {&o.issues, &o.cases}) {
    if (input->empty() || *input == "-") continue;
    // An input that is also standard output is refused before a line is written to it (the --cases
    // file was found out only when its turn came, after the issues' records had been written into it).
    if (is_standard_output(*input)) {
      std::cerr << "gridroute: " << *input << " is also the output: write the records to another file\n";
      return 3;
    }
    std::error_code ec;
    std::ifstream probe(*input, std::ios::binary);
    if (std::filesystem::is_directory(*input, ec) || !probe) {
      std::cerr << "gridroute: cannot read " << *input << ": "
                << (std::filesystem::is_directory(*input, ec) ? "is a directory" : std::strerror(errno)) << "\n";
      return 3;
    }
  }

  // Both bundles at once: loading is most of the fixed cost at a national scale.
  auto later = std::async(std::launch::async, [&] {
    std::vector<Diagnostic> diags;
    auto s = load_bundle(o.new_dir, &diags);
    return std::make_pair(std::move(s), std::move(diags));
  });
  auto old_snap = load_reporting(o.old_dir);
  auto [new_loaded, new_diags] = later.get();
  if (!new_loaded.ok()) {
    for (const auto& d : new_diags) std::cerr << d.to_string() << "\n";
    std::cerr << "gridroute: " << new_loaded.status().message() << "\n";
    return 1;
  }
  if (!old_snap) return 1;
  std::shared_ptr<const Snapshot> new_snap = *new_loaded;
  if (!now_error.empty()) {
    const detail::Index& a = old_snap->index();
    const detail::Index& b = new_snap->index();
    if (!a.local_times || !b.local_times)
      return usage_error(now_error + " (a time without an offset is read in the jurisdiction's time zone when both "
                                     "bundles' jurisdiction.json set \"local_times\": true)");
    if (a.zone.tz().name() != b.zone.tz().name())
      return usage_error(now_error + " (the bundles' time zones differ, " + a.zone.tz().name() + " and " +
                         b.zone.tz().name() + ": give the offset)");
    auto t = detail::parse_time_local(now_text, a.zone);
    if (!t.ok()) return usage_error("diff: --now: " + std::string(t.status().message()));
    if (*t < kMinInstant || *t >= kMaxInstant) return usage_error(kNowRange);
    o.now = *t;
  }

  // Hardening: the reports never overwrite an input, nor each other.
  {
    std::vector<std::string> inputs = bundle_inputs(o.old_dir, *old_snap);
    for (std::string& f : bundle_inputs(o.new_dir, *new_snap)) inputs.push_back(std::move(f));
    inputs.push_back(o.issues);
    if (!o.cases.empty()) inputs.push_back(o.cases);
    for (const std::string* report : {&o.summary, &o.html}) {
      if (report->empty()) continue;
      std::string why = output_refusal(*report, inputs, false);
      if (why.empty() && report == &o.html && (o.html == o.summary || same_file(o.html, o.summary)))
        why = o.html + ": it is also the --summary file: name another file";
      if (!why.empty()) {
        std::cerr << "gridroute: cannot write " << why << "\n";
        return 3;
      }
    }
  }
  DiffRun run(old_snap, new_snap, o);
  run.summary.old_dir = o.old_dir;
  run.summary.new_dir = o.new_dir;
  run.summary.old_bundle = std::string(old_snap->digest());
  run.summary.new_bundle = std::string(new_snap->digest());
  StreamOptions stream;
  stream.input = o.issues;
  stream.max_line_bytes = o.max_line_bytes;
  stream.quiet = o.quiet;
  int rc = answer_stream(
      stream, [&](std::span<const std::string_view> block, std::string& out) { run.issues(block, out); },
      [&](std::size_t, std::string&) { ++run.summary.lines; });
  if (rc == 0 && !o.cases.empty()) {
    run.summary.cases_given = true;
    run.summary.now = new_snap->format_time(o.now);
    stream.input = o.cases;
    rc = answer_stream(
        stream, [&](std::span<const std::string_view> block, std::string& out) { run.cases(block, out); },
        [&](std::size_t, std::string&) { ++run.summary.cases; });
  }
  if (rc != 0) return rc;
  std::cerr << run.summary.text();
  if (!o.summary.empty() && !write_file(o.summary, json::serialize(run.summary.to_json()) + "\n")) return 3;
  if (!o.html.empty() && !write_file(o.html, render_html(run.summary, run.rows, run.rows_left_out))) return 3;
  const bool changed = run.summary.changed + run.summary.cases_changed > 0;
  return o.exit_code && changed ? 1 : 0;
}

}  // namespace gridroute::cli
