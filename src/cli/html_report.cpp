// The page of `gridroute diff --html` (see html_report.hpp): written in one pass, every value escaped.
#include "cli/html_report.hpp"

#include <algorithm>
#include <cstdio>
#include <map>

#include "base/strings.hpp"

namespace gridroute::cli {
namespace json = boost::json;
using detail::append;
using detail::cat;

namespace {

std::string esc(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default:
        // A control character other than tab, newline and carriage return is an HTML parse error (NUL
        // most of all, which a browser drops): shown as its JSON escape, as the JSON Lines write it.
        if ((static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned char>(c));
          out += buf;
        } else {
          out.push_back(c);
        }
    }
  }
  return out;
}

// "+1d 2h", "-30m", "0".
std::string shift_text(std::int64_t seconds) { return seconds > 0 ? "+" + duration_text(seconds) : duration_text(seconds); }

constexpr const char* kStyle = R"(
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI","Noto Sans CJK SC",sans-serif;margin:24px 32px;color:#1d2733;background:#fff}
h1{font-size:22px;margin:0 0 4px}h2{font-size:16px;margin:28px 0 8px;border-bottom:1px solid #dde3ea;padding-bottom:4px}
code{font:12px ui-monospace,Menlo,Consolas,monospace;background:#f2f5f8;padding:1px 4px;border-radius:3px}
.bundles{color:#4b5866;margin:0 0 16px}
table{border-collapse:collapse}th,td{padding:4px 10px;text-align:left;vertical-align:top}
table.counts td{text-align:right;font-variant-numeric:tabular-nums}
table.grid{font-size:13px}table.grid th{background:#f2f5f8;border-bottom:2px solid #dde3ea}
table.grid td{border-bottom:1px solid #eef1f4}td.n{text-align:right;font-variant-numeric:tabular-nums}
#changes th{cursor:pointer;user-select:none;white-space:nowrap}
#changes th[aria-sort=ascending]::after{content:" \25B2"}#changes th[aria-sort=descending]::after{content:" \25BC"}
.old{color:#9b2c2c}.new{color:#22663f}.muted{color:#7a8795}
.cols{display:flex;flex-wrap:wrap;gap:32px}
details pre{margin:4px 0;font:12px/1.4 ui-monospace,Menlo,Consolas,monospace;white-space:pre-wrap;max-width:560px}
.traces{display:flex;gap:18px}
svg text{font:12px system-ui,sans-serif;fill:#1d2733}svg .lost{fill:#d05a4e}svg .gained{fill:#3f8f5f}svg .bar{fill:#4a6fa5}
#selfcheck{margin-top:24px;font-size:12px;color:#7a8795}#selfcheck[data-status=fail]{color:#b00020;font-weight:bold}
#errors:empty{display:none}#errors{color:#b00020}
)";

// Sorts the table on a header click or on `#sort=COLUMN[:desc]`; then checks what the page shows against
// the summary it carries and writes the verdict into #selfcheck (headless tests read it with --dump-dom).
constexpr const char* kScript = R"(
(function () {
  var errors = [];
  var box = document.getElementById('selfcheck');
  function report(problems) {
    var all = errors.concat(problems || []);
    document.getElementById('errors').textContent = errors.join('\n');
    box.setAttribute('data-status', all.length ? 'fail' : 'ok');
    box.setAttribute('data-problems', String(all.length));
    return all;
  }
  window.addEventListener('error', function (e) { errors.push('script error: ' + e.message); report(); });
  var data = JSON.parse(document.getElementById('summary-data').textContent);
  var table = document.getElementById('changes');
  var heads = table.tHead.rows[0].cells;
  function column(name) {
    for (var i = 0; i < heads.length; i++) if (heads[i].getAttribute('data-col') === name) return i;
    return -1;
  }
  function key(row, i, numeric) {
    var td = row.cells[i], v = td.getAttribute('data-sort');
    if (v === null) v = td.textContent;
    return numeric ? Number(v) : v;
  }
  function compare(i, numeric, desc) {
    return function (a, b) {
      var x = key(a, i, numeric), y = key(b, i, numeric);
      var c = numeric ? x - y : (x < y ? -1 : x > y ? 1 : 0);
      if (c === 0) c = key(a, 0, true) - key(b, 0, true);
      return desc ? -c : c;
    };
  }
  function sortBy(name, desc) {
    var i = column(name);
    if (i < 0) return false;
    var numeric = heads[i].getAttribute('data-type') === 'number';
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(compare(i, numeric, desc));
    for (var r = 0; r < rows.length; r++) body.appendChild(rows[r]);
    for (var h = 0; h < heads.length; h++) heads[h].removeAttribute('aria-sort');
    heads[i].setAttribute('aria-sort', desc ? 'descending' : 'ascending');
    table.setAttribute('data-sorted', name + (desc ? ':desc' : ''));
    return true;
  }
  function isSorted(name, desc) {
    var i = column(name), numeric = heads[i].getAttribute('data-type') === 'number';
    var rows = table.tBodies[0].rows, cmp = compare(i, numeric, desc);
    for (var r = 1; r < rows.length; r++) if (cmp(rows[r - 1], rows[r]) > 0) return false;
    return true;
  }
  for (var h = 0; h < heads.length; h++) {
    heads[h].addEventListener('click', function (e) {
      var th = e.currentTarget, name = th.getAttribute('data-col');
      sortBy(name, th.getAttribute('aria-sort') === 'ascending');
    });
  }
  function shown(id) {
    var e = document.getElementById(id);
    return e ? Number(e.textContent.replace(/[^0-9-]/g, '')) : NaN;
  }
  function sum(selector, attr) {
    var s = 0, els = document.querySelectorAll(selector);
    for (var i = 0; i < els.length; i++) s += Number(els[i].getAttribute(attr));
    return s;
  }
  var problems = [];
  function expect(what, got, want) { if (got !== want) problems.push(what + ': page shows ' + got + ', summary says ' + want); }
  expect('lines compared', shown('n-lines'), data.lines);
  expect('lines changed', shown('n-changed'), data.changed);
  var changed = data.changed;
  if (data.cases) {
    expect('cases compared', shown('n-cases'), data.cases.compared);
    expect('cases changed', shown('n-cases-changed'), data.cases.changed);
    changed += data.cases.changed;
  }
  var rows = table.tBodies[0].rows.length, left = Number(table.getAttribute('data-left-out'));
  expect('table rows + rows left out', rows + left, changed);
  var moved = 0;
  for (var m = 0; m < data.handler_moves.length; m++) moved += data.handler_moves[m].count;
  var chart = document.getElementById('chart-handlers');
  if (chart && chart.getAttribute('data-truncated') === '0' && data.handler_moves_left_out === 0) {
    expect('handler chart, lines moved away', sum('#chart-handlers rect.lost', 'data-count'), moved);
    expect('handler chart, lines moved in', sum('#chart-handlers rect.gained', 'data-count'), moved);
  }
  var tiers = 0;
  for (var t = 0; t < data.tier_moves.length; t++) tiers += data.tier_moves[t].count;
  var tchart = document.getElementById('chart-tiers');
  if (tchart && tchart.getAttribute('data-truncated') === '0' && data.tier_moves_left_out === 0) expect('tier chart', sum('#chart-tiers rect.bar', 'data-count'), tiers);
  sortBy('shift', true);
  if (!isSorted('shift', true)) problems.push('the table does not sort by due shift');
  var want = /[#&]sort=([a-z_]+)(:desc)?/.exec(location.hash);
  if (want) {
    if (!sortBy(want[1], !!want[2])) problems.push('no column ' + want[1]);
    else if (!isSorted(want[1], !!want[2])) problems.push('the table does not sort by ' + want[1]);
  } else {
    sortBy('line', false);
  }
  var all = report(problems);
  box.textContent = 'self-check: ' + (all.length ? all.join('; ') : 'ok') + ' \u2014 ' + rows + (rows === 1 ? ' row shown, ' : ' rows shown, ') +
      data.lines + ' lines compared, ' + data.changed + ' changed, sorted by ' + table.getAttribute('data-sorted');
})();
)";

struct Bar {
  std::string label;
  std::size_t lost = 0, gained = 0;
};

// Lines moved away from and to each handler (a diverging bar per handler), the largest first.
std::string handler_chart(const DiffSummary& s, std::size_t max_bars) {
  std::map<std::string, Bar> by;
  for (const auto& m : s.handler.largest_first()) {
    by[m.from].label = m.from;
    by[m.from].lost += m.count;
    by[m.to].label = m.to;
    by[m.to].gained += m.count;
  }
  std::vector<Bar> bars;
  for (auto& [k, b] : by) bars.push_back(b);
  std::stable_sort(bars.begin(), bars.end(),
                   [](const Bar& a, const Bar& b) { return a.lost + a.gained > b.lost + b.gained; });
  const bool truncated = bars.size() > max_bars;
  if (truncated) bars.resize(max_bars);
  std::size_t top = 1;
  for (const auto& b : bars) top = std::max({top, b.lost, b.gained});
  const int row = 24, label_w = 180, half = 160, axis = label_w + 50 + half, width = axis + half + 50;
  const int height = static_cast<int>(bars.size()) * row + 30;
  std::string out;
  append(out, "<svg id=\"chart-handlers\" data-truncated=\"", truncated ? 1 : 0, "\" width=\"", width, "\" height=\"",
         height, "\" viewBox=\"0 0 ", width, " ", height, "\" role=\"img\" aria-label=\"lines moved by handler\">");
  append(out, "<text x=\"", axis - 8, "\" y=\"14\" text-anchor=\"end\" class=\"muted\">moved away</text>");
  append(out, "<text x=\"", axis + 8, "\" y=\"14\">moved in</text>");
  append(out, "<line x1=\"", axis, "\" y1=\"20\" x2=\"", axis, "\" y2=\"", height, "\" stroke=\"#9aa6b2\"/>");
  int y = 24;
  for (const auto& b : bars) {
    const int wl = static_cast<int>(static_cast<double>(b.lost) / static_cast<double>(top) * half);
    const int wg = static_cast<int>(static_cast<double>(b.gained) / static_cast<double>(top) * half);
    append(out, "<text x=\"", label_w, "\" y=\"", y + 15, "\" text-anchor=\"end\">", esc(b.label), "</text>");
    append(out, "<rect class=\"lost\" data-count=\"", b.lost, "\" x=\"", axis - wl, "\" y=\"", y + 3, "\" width=\"", wl,
           "\" height=\"", row - 8, "\"><title>", esc(b.label), ": ", b.lost, " lines moved away</title></rect>");
    append(out, "<rect class=\"gained\" data-count=\"", b.gained, "\" x=\"", axis, "\" y=\"", y + 3, "\" width=\"", wg,
           "\" height=\"", row - 8, "\"><title>", esc(b.label), ": ", b.gained, " lines moved in</title></rect>");
    if (b.lost) append(out, "<text x=\"", axis - wl - 4, "\" y=\"", y + 15, "\" text-anchor=\"end\">", b.lost, "</text>");
    if (b.gained) append(out, "<text x=\"", axis + wg + 4, "\" y=\"", y + 15, "\">", b.gained, "</text>");
    y += row;
  }
  out += "</svg>";
  return out;
}

// One bar per move of the owner's unit tier ("community → street").
std::string tier_chart(const DiffSummary& s, std::size_t max_bars) {
  auto moves = s.tier.largest_first();
  const bool truncated = moves.size() > max_bars;
  if (truncated) moves.resize(max_bars);
  std::size_t top = 1;
  for (const auto& m : moves) top = std::max(top, m.count);
  const int row = 24, label_w = 200, span = 240, width = label_w + 20 + span + 50;
  const int height = static_cast<int>(moves.size()) * row + 8;
  std::string out;
  append(out, "<svg id=\"chart-tiers\" data-truncated=\"", truncated ? 1 : 0, "\" width=\"", width, "\" height=\"",
         height, "\" viewBox=\"0 0 ", width, " ", height, "\" role=\"img\" aria-label=\"owner moves by unit tier\">");
  int y = 4;
  for (const auto& m : moves) {
    const int w = std::max(1, static_cast<int>(static_cast<double>(m.count) / static_cast<double>(top) * span));
    const std::string label = m.from + " \u2192 " + m.to;
    append(out, "<text x=\"", label_w, "\" y=\"", y + 15, "\" text-anchor=\"end\">", esc(label), "</text>");
    append(out, "<rect class=\"bar\" data-count=\"", m.count, "\" x=\"", label_w + 10, "\" y=\"", y + 3, "\" width=\"", w,
           "\" height=\"", row - 8, "\"><title>", esc(label), ": ", m.count, " lines</title></rect>");
    append(out, "<text x=\"", label_w + 14 + w, "\" y=\"", y + 15, "\">", m.count, "</text>");
    y += row;
  }
  out += "</svg>";
  return out;
}

std::string moves_table(const char* id, const Moves& moves, std::size_t max_rows) {
  auto all = moves.largest_first();
  std::string out;
  append(out, "<table class=\"grid\" id=\"", id, "\"><thead><tr><th>old</th><th>new</th><th>lines</th></tr></thead><tbody>");
  std::size_t shown = 0, rest = 0;
  for (const auto& m : all) {
    if (shown == max_rows) {
      rest += m.count;
      continue;
    }
    ++shown;
    append(out, "<tr><td class=\"old\">", esc(m.from), "</td><td class=\"new\">", esc(m.to), "</td><td class=\"n\">",
           m.count, "</td></tr>");
  }
  out += "</tbody></table>";
  if (shown < all.size()) append(out, "<p class=\"muted\">and ", all.size() - shown, " more moves (", rest, " lines)</p>");
  return out;
}

std::string fields_table(const char* prefix, const std::size_t* counts, const std::string_view* names, std::size_t n) {
  std::string out = "<table class=\"grid\"><thead><tr><th>field</th><th>lines</th></tr></thead><tbody>";
  for (std::size_t i = 0; i < n; ++i)
    if (counts[i]) append(out, "<tr><td>", names[i], "</td><td class=\"n\" id=\"", prefix, names[i], "\">", counts[i], "</td></tr>");
  return out + "</tbody></table>";
}

std::string pre(const std::vector<std::string>& lines) {
  std::string out = "<pre>";
  for (const auto& l : lines) append(out, esc(l), "\n");
  return out + "</pre>";
}

}  // namespace

std::string render_html(const DiffSummary& s, const std::vector<ReportRow>& rows, std::size_t rows_left_out) {
  std::string out;
  out.reserve(64 * 1024 + rows.size() * 2048);
  const std::string title = cat("gridroute diff: ", s.old_dir, " \u2192 ", s.new_dir);
  append(out, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">",
         "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>", esc(title), "</title><style>",
         kStyle, "</style></head><body>\n");
  append(out, "<h1>", esc(title), "</h1><p class=\"bundles\">old bundle <code>", esc(s.old_bundle), "</code>, new bundle <code>",
         esc(s.new_bundle), "</code>. A line is changed when a contract field of its answer differs; the bundle digest "
         "is not one.</p>\n");

  out += "<section id=\"summary\"><div class=\"cols\"><div><h2>Summary</h2><table class=\"counts\">";
  append(out, "<tr><th>issue lines compared</th><td id=\"n-lines\">", s.lines, "</td></tr>");
  append(out, "<tr><th>issue lines changed</th><td id=\"n-changed\">", s.changed, "</td></tr>");
  append(out, "<tr><th>owners moved (handler changed)</th><td id=\"n-handler-moves\">", s.handler.total(), "</td></tr>");
  append(out, "<tr><th>winning rule changed</th><td id=\"n-rule-moves\">", s.rule.total(), "</td></tr>");
  append(out, "<tr><th>respond_by earlier / later</th><td><span id=\"n-respond-earlier\">", s.respond_by.earlier,
         "</span> / <span id=\"n-respond-later\">", s.respond_by.later, "</span></td></tr>");
  append(out, "<tr><th>resolve_by earlier / later</th><td><span id=\"n-resolve-earlier\">", s.resolve_by.earlier,
         "</span> / <span id=\"n-resolve-later\">", s.resolve_by.later, "</span></td></tr>");
  // A deadline on one side only: the line is routed on that side alone (or one side has no SLA).
  append(out, "<tr><th>respond_by gone / new</th><td><span id=\"n-respond-gone\">", s.respond_by.vanished,
         "</span> / <span id=\"n-respond-new\">", s.respond_by.appeared, "</span></td></tr>");
  append(out, "<tr><th>resolve_by gone / new</th><td><span id=\"n-resolve-gone\">", s.resolve_by.vanished,
         "</span> / <span id=\"n-resolve-new\">", s.resolve_by.appeared, "</span></td></tr>");
  if (s.cases_given) {
    append(out, "<tr><th>cases compared at ", esc(s.now), "</th><td id=\"n-cases\">", s.cases, "</td></tr>");
    append(out, "<tr><th>cases changed</th><td id=\"n-cases-changed\">", s.cases_changed, "</td></tr>");
  }
  out += "</table></div>\n<div><h2>Fields changed (issue lines)</h2>";
  out += fields_table("f-", s.field_counts, kDecisionFields, kDecisionFieldCount);
  out += "</div>";
  if (s.cases_given) {
    out += "<div><h2>Fields changed (cases)</h2>";
    out += fields_table("fa-", s.action_field_counts, kActionFields, kActionFieldCount);
    out += "</div>";
  }
  out += "</div>\n<div class=\"cols\"><div><h2>Moves by handler (issue lines)</h2>";
  out += s.handler.total() ? handler_chart(s, 20) : std::string("<p class=\"muted\">No owner changed.</p>");
  out += "</div><div><h2>Moves by unit tier (the owner's unit)</h2>";
  out += s.tier.total() ? tier_chart(s, 20) : std::string("<p class=\"muted\">No owner moved to another tier.</p>");
  out += "</div></div>\n<div class=\"cols\"><div><h2>Handler moves</h2>";
  out += moves_table("handler-moves", s.handler, 50);
  out += "</div><div><h2>Rule moves</h2>";
  out += moves_table("rule-moves", s.rule, 50);
  out += "</div>";
  if (s.cases_given) {
    out += "<div><h2>Action moves (cases)</h2>";
    out += moves_table("action-moves", s.action, 50);
    out += "</div><div><h2>Handler moves (cases)</h2>";
    out += moves_table("case-handler-moves", s.action_handler, 50);
    out += "</div>";
  }
  out += "</div></section>\n";

  const std::size_t total_changed = s.changed + s.cases_changed;
  append(out, "<section id=\"lines\"><h2>Changed lines</h2><p>", rows.size() == total_changed
                                                                     ? cat("All ", rows.size(), " changed lines.")
                                                                     : cat("The first ", rows.size(), " of ", total_changed,
                                                                           " changed lines (the JSON Lines output has every one)."),
         " Click a column to sort; open a trace to see why each side decided as it did.</p>\n");
  append(out, "<table class=\"grid\" id=\"changes\" data-left-out=\"", rows_left_out, "\"><thead><tr>",
         "<th data-col=\"line\" data-type=\"number\">#</th><th data-col=\"id\">id</th><th data-col=\"kind\">kind</th>",
         "<th data-col=\"changed\">changed</th><th data-col=\"old_handler\">old handler</th>",
         "<th data-col=\"new_handler\">new handler</th><th data-col=\"old_rule\">old rule</th>",
         "<th data-col=\"new_rule\">new rule</th><th data-col=\"tier\">owner tier</th>",
         "<th data-col=\"shift\" data-type=\"number\">due shift</th><th data-col=\"trace\">trace</th></tr></thead><tbody>\n");
  std::size_t n = 0;
  for (const auto& r : rows) {
    ++n;
    std::string changed;
    for (const auto& f : r.changed) append(changed, changed.empty() ? "" : " ", f);
    const std::string kind = r.is_case ? "case" : "issue";
    const std::string what = r.old_what == r.new_what ? r.old_what : r.old_what + " \u2192 " + r.new_what;
    const std::string tier = r.old_tier == r.new_tier ? r.old_tier : r.old_tier + " \u2192 " + r.new_tier;
    append(out, "<tr><td class=\"n\">", n, "</td><td>", esc(r.id), "</td><td>", kind, "<br><span class=\"muted\">",
           esc(what), "</span></td><td>", esc(changed), "</td><td class=\"old\">", esc(r.old_handler),
           "</td><td class=\"new\">", esc(r.new_handler), "</td><td class=\"old\">", esc(r.old_rule),
           "</td><td class=\"new\">", esc(r.new_rule), "</td><td>", esc(tier), "</td><td class=\"n\" data-sort=\"",
           r.due_shift, "\" title=\"", esc(r.old_due), " \u2192 ", esc(r.new_due), "\">", shift_text(r.due_shift),
           "</td><td><details><summary>trace</summary><div class=\"traces\"><div><b class=\"old\">old</b>",
           pre(r.old_trace), "</div><div><b class=\"new\">new</b>", pre(r.new_trace), "</div></div></details></td></tr>\n");
  }
  out += "</tbody></table></section>\n";

  std::string data = json::serialize(s.to_json(1000));
  std::string safe;  // inside <script> a JSON text must not open or close a tag: every '<' as \u003c
  for (char c : data) {
    if (c == '<') safe += "\\u003c";
    else safe.push_back(c);
  }
  append(out, "<div id=\"errors\"></div><div id=\"selfcheck\" data-status=\"not run\">self-check: the page's script did not run</div>\n",
         "<script type=\"application/json\" id=\"summary-data\">", safe, "</script>\n<script>", kScript,
         "</script>\n</body></html>\n");
  return out;
}

}  // namespace gridroute::cli
