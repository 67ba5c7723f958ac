// load_bundle and lint: the pipeline of the public C++ API — read (load/), compile (compile/), and a
// Snapshot over the index; or a refusal with every diagnostic.
#include <memory>

#include "base/strings.hpp"
#include "compile/compile.hpp"
#include "gridroute/snapshot.hpp"
#include "lint/lint.hpp"
#include "load/load.hpp"
#include "store/index_file.hpp"

namespace gridroute {
namespace {

absl::StatusOr<std::shared_ptr<const Snapshot>> build(detail::BundleReader& reader, bool read,
                                                      std::vector<Diagnostic>* diagnostics) {
  spec::Jurisdiction jurisdiction;
  spec::Rules rules;
  std::unique_ptr<detail::Index> index;
  if (read && reader.parse(jurisdiction, rules))
    index = detail::compile(jurisdiction, rules, reader.problems(), reader.options());
  std::vector<Diagnostic> found = reader.finish();
  if (diagnostics) *diagnostics = found;
  if (!found.empty() || !index) {
    std::string first = found.empty() ? "the bundle could not be compiled" : found.front().to_string();
    // At the limit the list stops: say so, rather than let the count read as the whole.
    const bool capped = found.size() >= reader.options().max_errors;
    return absl::InvalidArgumentError(detail::cat(
        "bundle refused: ", capped ? "at least " : "", found.size(), found.size() == 1 ? " error" : " errors",
        capped ? detail::cat(" (the list stops at LoadOptions::max_errors = ", reader.options().max_errors, ")") : "",
        "; first: ", first));
  }
  // Answers carry the first 16 hex digits (64 bits) of the files' SHA-256; `gridroute check` prints it.
  index->digest = reader.sha256().substr(0, 16);
  detail::place_sources(*index, reader);  // lint's warnings then name FILE:LINE
  return std::make_shared<const Snapshot>(std::move(index));
}

absl::StatusOr<std::shared_ptr<const Snapshot>> open_compiled(const std::string& path, std::vector<Diagnostic>* diagnostics,
                                                              const LoadOptions& options) {
  auto index = detail::store::open_index(path);
  std::string refusal;
  if (!index.ok()) {
    refusal = std::string(index.status().message());
  } else if ((*index)->unit_count() > options.max_units || (*index)->handler_ids.size() > options.max_handlers ||
             (*index)->rules.size() > options.max_rules) {
    refusal = detail::cat(path, ": ", (*index)->unit_count(), " units, ", (*index)->handler_ids.size(), " handlers, ",
                          (*index)->rules.size(), " rules: over LoadOptions::max_units, max_handlers or max_rules");
  }
  if (refusal.empty()) {
    if (diagnostics) diagnostics->clear();
    return std::make_shared<const Snapshot>(*std::move(index));
  }
  // The diagnostic names the file once (its message without the leading "PATH: ").
  std::string message = refusal.starts_with(path + ": ") ? refusal.substr(path.size() + 2) : refusal;
  if (diagnostics) *diagnostics = {Diagnostic{Diagnostic::Severity::error, path, 0, 0, "", message}};
  return absl::InvalidArgumentError(detail::cat("bundle refused: 1 error; first: ", refusal));
}

}  // namespace

absl::StatusOr<std::shared_ptr<const Snapshot>> load_bundle(const std::string& dir, std::vector<Diagnostic>* diagnostics,
                                                            const LoadOptions& options) {
  // A file written by `gridroute compile`: opened in place, its columns borrowed from the mapping.
  if (detail::store::is_compiled_file(dir)) return open_compiled(dir, diagnostics, options);
  detail::BundleReader reader(options);
  const bool read = reader.read_directory(dir);
  return build(reader, read, diagnostics);
}

absl::StatusOr<std::shared_ptr<const Snapshot>> load_bundle(const BundleSources& sources,
                                                            std::vector<Diagnostic>* diagnostics,
                                                            const LoadOptions& options) {
  detail::BundleReader reader(options);
  const bool read = reader.read_sources(sources);
  return build(reader, read, diagnostics);
}

absl::Status write_compiled(const Snapshot& snapshot, const std::string& path) {
  return detail::store::write_index(snapshot.index(), path);
}

std::vector<Diagnostic> lint(const Snapshot& snapshot, std::size_t max_findings_per_kind) {
  return detail::lint(snapshot.index(), max_findings_per_kind);
}

}  // namespace gridroute
