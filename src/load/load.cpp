// Loading a bundle: files → JSON/CSV → the described file model → compile.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "util.hpp"
#include "compile/compile.hpp"
#include "gridroute/snapshot.hpp"
#include "load/csv.hpp"
#include "load/json_text.hpp"
#include "load/reader.hpp"

namespace gridroute {

std::string Diagnostic::to_string() const {
  std::string s;
  if (!file.empty()) {
    s = file;
    if (line > 0) detail::append(s, ":", line);
    if (column > 0) detail::append(s, ":", column);
    s += ": ";
  }
  if (!pointer.empty()) detail::append(s, pointer, ": ");
  if (severity == Severity::warning) s += "warning: ";
  s += message;
  return s;
}

namespace {
namespace json = boost::json;
using detail::FileId;

struct Texts {
  std::string names[4];   // display names, per FileId
  std::string bodies[4];
  bool present[4] = {false, false, false, false};
};

bool valid_utf8(std::string_view s, std::size_t& bad_at) {
  std::size_t i = 0;
  while (i < s.size()) {
    auto c = static_cast<unsigned char>(s[i]);
    std::size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
    if (n == 0 || i + n > s.size()) { bad_at = i; return false; }
    for (std::size_t k = 1; k < n; ++k)
      if ((static_cast<unsigned char>(s[i + k]) >> 6) != 0x2) { bad_at = i; return false; }
    i += n;
  }
  return true;
}

class Loader {
 public:
  Loader(const LoadOptions& o) : opt_(o), problems_(o.max_errors) {}

  // Reads a file; adds a diagnostic and returns false when it cannot.
  bool read_file(const std::string& path, const std::string& display, std::string& out) {
    std::error_code ec;
    auto st = std::filesystem::status(path, ec);
    if (ec || !std::filesystem::exists(st)) {
      fatal(display, ec && ec != std::errc::no_such_file_or_directory ? detail::cat("cannot read: ", ec.message())
                                                                       : "no such file");
      return false;
    }
    if (std::filesystem::is_directory(st)) {
      fatal(display, "is a directory, not a file");
      return false;
    }
    auto size = std::filesystem::file_size(path, ec);
    if (!ec && size > opt_.max_file_bytes) {
      fatal(display, detail::cat("file is larger than ", opt_.max_file_bytes, " bytes (LoadOptions::max_file_bytes)"));
      return false;
    }
    std::ifstream in(path, std::ios::binary);
    if (!in) {
      fatal(display, "cannot open for reading (permissions?)");
      return false;
    }
    std::ostringstream ss;
    ss << in.rdbuf();
    out = std::move(ss).str();
    if (out.size() > opt_.max_file_bytes) {
      fatal(display, detail::cat("file is larger than ", opt_.max_file_bytes, " bytes (LoadOptions::max_file_bytes)"));
      return false;
    }
    return true;
  }

  void fatal(const std::string& file, std::string message) {
    Diagnostic d;
    d.file = file;
    d.message = std::move(message);
    out_.push_back(std::move(d));
  }

  std::optional<json::value> parse(const std::string& display, std::string_view text) {
    std::string_view body = text;
    std::size_t bom = body.substr(0, 3) == "\xEF\xBB\xBF" ? 3 : 0;
    body.remove_prefix(bom);
    std::size_t bad = 0;
    if (!valid_utf8(body, bad)) {
      auto pos = detail::position_of(body, bad);
      Diagnostic d{Diagnostic::Severity::error, display, pos.line, pos.column, "", "invalid UTF-8"};
      out_.push_back(std::move(d));
      return std::nullopt;
    }
    if (body.find_first_not_of(" \t\r\n") == std::string_view::npos) {
      fatal(display, "the file is empty (expected a JSON object)");
      return std::nullopt;
    }
    std::string err;
    std::size_t offset = 0;
    auto v = detail::parse_json(body, opt_.max_json_depth, err, offset);
    if (!v) {
      auto pos = detail::position_of(body, offset);
      out_.push_back({Diagnostic::Severity::error, display, pos.line, pos.column, "", err});
      return std::nullopt;
    }
    for (const auto& p : detail::duplicate_keys(body, 20)) {
      auto pos = detail::position_of(body, detail::locate(body, p));
      out_.push_back({Diagnostic::Severity::error, display, pos.line, pos.column, p, "duplicate key"});
    }
    if (!v->is_object()) {
      out_.push_back({Diagnostic::Severity::error, display, 1, 1, "", "must be a JSON object"});
      return std::nullopt;
    }
    return v;
  }

  // Appends CSV rows to the model. `kind` is units_csv or handlers_csv.
  void csv(FileId kind, const std::string& display, std::string_view text, spec::Jurisdiction& jur) {
    std::size_t bad = 0;
    if (!valid_utf8(text, bad)) {
      auto pos = detail::position_of(text, bad);
      out_.push_back({Diagnostic::Severity::error, display, pos.line, 0, "", "invalid UTF-8"});
      return;
    }
    std::string err;
    std::int64_t err_line = 0;
    auto records = detail::parse_csv(text, err, err_line);
    if (!err.empty()) problems_.csv(kind, err_line, err);
    if (records.empty()) {
      if (err.empty()) problems_.csv(kind, 1, "the file is empty (expected a header line)");
      return;
    }
    const bool units = kind == FileId::units_csv;
    std::vector<std::string_view> expected = units ? std::vector<std::string_view>{"id", "parent", "tier", "name"}
                                                   : std::vector<std::string_view>{"id", "role", "department", "serves",
                                                                                   "name", "calendar"};
    // Columns by name; the header must name each expected column once and nothing else.
    const auto& header = records[0].fields;
    std::vector<int> col(expected.size(), -1);
    bool header_ok = true;
    for (std::size_t i = 0; i < header.size(); ++i) {
      auto it = std::find(expected.begin(), expected.end(), header[i]);
      if (it == expected.end()) {
        problems_.csv(kind, records[0].line, detail::cat("unknown column '", header[i], "' (expected header ",
                                                          units ? "id,parent,tier,name" : "id,role,department,serves,name,calendar", ")"));
        header_ok = false;
      } else if (col[static_cast<std::size_t>(it - expected.begin())] >= 0) {
        problems_.csv(kind, records[0].line, detail::cat("column '", header[i], "' appears twice"));
        header_ok = false;
      } else {
        col[static_cast<std::size_t>(it - expected.begin())] = static_cast<int>(i);
      }
    }
    for (std::size_t k = 0; k < expected.size(); ++k)
      if (col[k] < 0 && (expected[k] == "id" || (units ? expected[k] == "tier" : (expected[k] == "role" || expected[k] == "serves")))) {
        problems_.csv(kind, records[0].line, detail::cat("missing column '", expected[k], "'"));
        header_ok = false;
      }
    if (!header_ok) return;
    auto field = [&](const detail::CsvRecord& r, std::size_t k) -> std::optional<std::string> {
      if (col[k] < 0 || static_cast<std::size_t>(col[k]) >= r.fields.size()) return std::nullopt;
      const std::string& f = r.fields[static_cast<std::size_t>(col[k])];
      if (f.empty()) return std::nullopt;
      return f;
    };
    for (std::size_t i = 1; i < records.size(); ++i) {
      const auto& r = records[i];
      if (r.fields.size() != header.size()) {
        problems_.csv(kind, r.line, detail::cat("has ", r.fields.size(), " fields; the header has ", header.size()));
        continue;
      }
      if (units) {
        spec::Unit u;
        u.id = field(r, 0).value_or("");
        u.parent = field(r, 1);
        u.tier = field(r, 2).value_or("");
        u.name = field(r, 3);
        u.from_csv = true;
        u.origin = r.line;
        if (u.id.empty()) { problems_.csv(kind, r.line, "id: missing unit id"); continue; }
        if (u.tier.empty()) { problems_.csv(kind, r.line, "tier: missing tier"); continue; }
        jur.units.push_back(std::move(u));
      } else {
        spec::Handler h;
        h.id = field(r, 0).value_or("");
        h.role = field(r, 1).value_or("");
        h.department = field(r, 2);
        if (auto s = field(r, 3)) {
          std::string_view sv = *s;
          while (!sv.empty()) {
            auto semi = sv.find(';');
            std::string_view part = sv.substr(0, semi);
            if (!part.empty()) h.serves.emplace_back(part);
            if (semi == std::string_view::npos) break;
            sv.remove_prefix(semi + 1);
          }
        }
        h.name = field(r, 4);
        h.calendar = field(r, 5);
        h.from_csv = true;
        h.origin = r.line;
        if (h.id.empty()) { problems_.csv(kind, r.line, "id: missing handler id"); continue; }
        if (h.role.empty()) { problems_.csv(kind, r.line, "role: missing role"); continue; }
        jur.handlers.push_back(std::move(h));
      }
    }
  }

  absl::StatusOr<std::shared_ptr<const Snapshot>> run(Texts& t, std::vector<Diagnostic>* diagnostics) {
    spec::Jurisdiction jur;
    spec::Rules rules;
    std::vector<detail::PointedError> jerrs, rerrs;
    bool parsed = true;
    if (t.present[0]) {
      if (auto v = parse(t.names[0], t.bodies[0])) {
        detail::Reader r(jerrs, opt_.max_errors);
        r.read(*v, jur);
      } else {
        parsed = false;
      }
    }
    if (t.present[1]) {
      if (auto v = parse(t.names[1], t.bodies[1])) {
        detail::Reader r(rerrs, opt_.max_errors);
        r.read(*v, rules);
      } else {
        parsed = false;
      }
    }
    for (std::size_t i = 0; i < jur.units.size(); ++i) jur.units[i].origin = static_cast<std::int64_t>(i);
    for (std::size_t i = 0; i < jur.handlers.size(); ++i) jur.handlers[i].origin = static_cast<std::int64_t>(i);
    for (auto& e : jerrs) problems_.json(FileId::jurisdiction, e.pointer, e.message);
    for (auto& e : rerrs) problems_.json(FileId::rules, e.pointer, e.message);
    std::shared_ptr<Snapshot> snap;
    if (parsed && out_.empty() && problems_.empty()) {
      // CSV files named by jurisdiction.json.
      if (jur.units_csv) {
        if (load_side(*jur.units_csv, FileId::units_csv, t)) csv(FileId::units_csv, t.names[2], t.bodies[2], jur);
      }
      if (jur.handlers_csv) {
        if (load_side(*jur.handlers_csv, FileId::handlers_csv, t)) csv(FileId::handlers_csv, t.names[3], t.bodies[3], jur);
      }
      if (out_.empty() && problems_.empty()) snap = detail::compile(jur, rules, problems_, opt_);
    }
    // Turn problems into diagnostics with positions.
    for (const auto& p : problems_.list) {
      auto f = static_cast<std::size_t>(p.file);
      Diagnostic d;
      d.file = t.names[f];
      if (p.file == FileId::jurisdiction || p.file == FileId::rules) {
        std::string_view body = t.bodies[f];
        if (body.substr(0, 3) == "\xEF\xBB\xBF") body.remove_prefix(3);
        auto pos = detail::position_of(body, detail::locate(body, p.pointer));
        d.line = pos.line;
        d.column = pos.column;
        d.pointer = p.pointer;
      } else {
        d.line = static_cast<int>(p.line);
      }
      d.message = p.message;
      out_.push_back(std::move(d));
    }
    std::stable_sort(out_.begin(), out_.end(), [](const Diagnostic& a, const Diagnostic& b) {
      if (a.file != b.file) return false;
      return a.line < b.line || (a.line == b.line && a.column < b.column);
    });
    if (diagnostics) *diagnostics = out_;
    if (!out_.empty() || !snap) {
      std::string first = out_.empty() ? "the bundle could not be compiled" : out_.front().to_string();
      return absl::InvalidArgumentError(detail::cat("bundle refused: ", out_.size(), " error",
                                                     out_.size() == 1 ? "" : "s", "; first: ", first));
    }
    return std::shared_ptr<const Snapshot>(std::move(snap));
  }

  // Finds a CSV file named in jurisdiction.json: from the directory, or from in-memory sources.
  bool load_side(const std::string& name, FileId kind, Texts& t) {
    auto k = static_cast<std::size_t>(kind);
    const char* field = kind == FileId::units_csv ? "/units_csv" : "/handlers_csv";
    if (name.empty() || name.find('\0') != std::string::npos) {
      problems_.json(FileId::jurisdiction, field, "must name a file");
      return false;
    }
    if (!dir_.empty()) {
      std::filesystem::path p = std::filesystem::path(dir_) / name;
      t.names[k] = p.string();
      t.present[k] = read_file(t.names[k], t.names[k], t.bodies[k]);
      return t.present[k];
    }
    for (auto& [fname, body] : *files_) {
      if (fname == name) {
        t.names[k] = detail::cat(label_, "/", name);
        t.bodies[k] = body;
        t.present[k] = true;
        return true;
      }
    }
    problems_.json(FileId::jurisdiction, field, detail::cat("file \"", name, "\" was not provided"));
    return false;
  }

  std::string dir_;
  std::string label_;
  const std::vector<std::pair<std::string, std::string>>* files_ = nullptr;

 private:
  const LoadOptions& opt_;
  detail::Problems problems_;
  std::vector<Diagnostic> out_;
};

}  // namespace

absl::StatusOr<std::shared_ptr<const Snapshot>> load_bundle(const std::string& dir, std::vector<Diagnostic>* diagnostics,
                                                            const LoadOptions& options) {
  Loader l(options);
  l.dir_ = dir;
  Texts t;
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) {
    l.fatal(dir, std::filesystem::exists(dir, ec) ? "is not a directory (a bundle is a directory)" : "no such directory");
    return l.run(t, diagnostics);
  }
  t.names[0] = (std::filesystem::path(dir) / "jurisdiction.json").string();
  t.names[1] = (std::filesystem::path(dir) / "rules.json").string();
  t.present[0] = l.read_file(t.names[0], t.names[0], t.bodies[0]);
  t.present[1] = l.read_file(t.names[1], t.names[1], t.bodies[1]);
  return l.run(t, diagnostics);
}

absl::StatusOr<std::shared_ptr<const Snapshot>> load_bundle(const BundleSources& sources,
                                                            std::vector<Diagnostic>* diagnostics,
                                                            const LoadOptions& options) {
  Loader l(options);
  l.label_ = sources.label;
  l.files_ = &sources.files;
  Texts t;
  t.names[0] = detail::cat(sources.label, "/jurisdiction.json");
  t.names[1] = detail::cat(sources.label, "/rules.json");
  t.bodies[0] = sources.jurisdiction_json;
  t.bodies[1] = sources.rules_json;
  t.present[0] = t.present[1] = true;
  return l.run(t, diagnostics);
}

}  // namespace gridroute
