// Where the things of a compiled bundle came from (see sources.hpp).
#include "compile/sources.hpp"

#include "base/strings.hpp"
#include "base/text.hpp"
#include "compile/index.hpp"
#include "load/load.hpp"

namespace gridroute::detail {
namespace {

// Positions of `pointers` in `text` (a BOM skipped), in one walk over it.
void locate_into(std::string_view text, std::vector<std::string> pointers,
                 absl::flat_hash_map<std::string, TextPos>& out) {
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  if (pointers.empty() || text.size() > kMaxPlacedFileBytes) return;
  const std::vector<std::size_t> offsets = locate_many(text, pointers);
  const std::vector<TextPos> pos = positions_of(text, offsets);
  for (std::size_t i = 0; i < pointers.size(); ++i) out.emplace(std::move(pointers[i]), pos[i]);
}

}  // namespace

const SourceMap::Positions& SourceMap::positions() const {
  if (deferred_) std::call_once(deferred_->once, [this] { deferred_->decode(positions_); });
  return positions_;
}

void SourceMap::defer(std::function<void(Positions&)> decode) {
  positions_ = Positions{};
  deferred_ = std::make_shared<Deferred>();
  deferred_->decode = std::move(decode);
}

Diagnostic SourceMap::json(FileId file, std::string pointer, Diagnostic::Severity severity, std::string message) const {
  Diagnostic d;
  d.severity = severity;
  const auto f = static_cast<std::size_t>(file);
  d.file = files[f].empty() ? (file == FileId::rules ? "rules.json" : "jurisdiction.json") : files[f];
  const auto& at = positions().at;
  if (f < at.size())
    if (auto it = at[f].find(pointer); it != at[f].end()) {
      d.line = it->second.line;
      d.column = it->second.column;
    }
  d.pointer = std::move(pointer);
  d.message = bounded_message(std::move(message));
  return d;
}

Diagnostic SourceMap::handler(std::int32_t h, Diagnostic::Severity severity, std::string message) const {
  const auto k = static_cast<std::size_t>(h);
  const std::vector<std::int64_t>& handler_line = positions().handler_line;
  if (k < handler_line.size() && handler_line[k] > 0) {
    Diagnostic d;
    d.severity = severity;
    d.file = files[static_cast<std::size_t>(FileId::handlers_csv)];
    d.line = static_cast<int>(handler_line[k]);
    d.message = bounded_message(std::move(message));
    return d;
  }
  return json(FileId::jurisdiction, cat("/handlers/", h), severity, std::move(message));
}

void place_sources(Index& s, const BundleReader& reader) {
  for (int f = 0; f < kFileCount; ++f)
    s.sources.files[static_cast<std::size_t>(f)] = reader.file_name(static_cast<FileId>(f));
  SourceMap::Positions& m = s.sources.building();
  // Handlers: JSON ones first (their index is their position in /handlers), then the CSV rows; the
  // compiler filled handler_line (a CSV line, or 0 for a JSON handler).
  std::vector<std::string> jpointers{"/handlers"};
  for (std::size_t h = 0; h < m.handler_line.size() && m.handler_line[h] == 0; ++h) jpointers.push_back(cat("/handlers/", h));
  locate_into(reader.file_text(FileId::jurisdiction), std::move(jpointers),
              m.at[static_cast<std::size_t>(FileId::jurisdiction)]);
  // rules.json: what lint names — the default deadlines, categories, rules and their routes and assists, policies and their
  // levels' routes and assists, conditions.
  std::vector<std::string> rpointers{"/categories",          "/defaults/fallback", "/defaults/sla/respond",
                                     "/defaults/sla/resolve", "/rules",             "/escalation_policies",
                                     "/calendars"};
  for (std::size_t c = 0; c < s.categories.size(); ++c) rpointers.push_back(cat("/categories/", c));
  for (std::size_t r = 0; r < s.rules.size(); ++r) {
    rpointers.push_back(cat("/rules/", r));
    rpointers.push_back(cat("/rules/", r, "/route"));
    if (!s.rules[r].assist.empty()) rpointers.push_back(cat("/rules/", r, "/assist"));
  }
  for (std::size_t p = 0; p < s.policies.size(); ++p) {
    rpointers.push_back(cat("/escalation_policies/", p));
    if (s.policies[p].has_skip) rpointers.push_back(cat("/escalation_policies/", p, "/severity_skip"));
    for (std::size_t l = 1; l < s.policies[p].levels.size(); ++l) {
      rpointers.push_back(cat("/escalation_policies/", p, "/levels/", l, "/route"));
      if (!s.policies[p].levels[l].assist.empty())
        rpointers.push_back(cat("/escalation_policies/", p, "/levels/", l, "/assist"));
    }
  }
  for (std::size_t c = 0; c < s.calendars.size(); ++c) {
    rpointers.push_back(cat("/calendars/", c, "/weekdays"));
    rpointers.push_back(cat("/calendars/", c, "/workdays"));
  }
  for (const std::string& p : m.condition_pointer) rpointers.push_back(p);
  locate_into(reader.file_text(FileId::rules), std::move(rpointers), m.at[static_cast<std::size_t>(FileId::rules)]);
}

}  // namespace gridroute::detail
