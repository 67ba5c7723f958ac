// load_bundle and lint: the pipeline of the public C++ API — read (load/), compile (compile/), and a
// Snapshot over the index; or a refusal with every diagnostic.
#include <memory>

#include "base/strings.hpp"
#include "compile/compile.hpp"
#include "gridroute/snapshot.hpp"
#include "lint/lint.hpp"
#include "load/load.hpp"

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
    return absl::InvalidArgumentError(
        detail::cat("bundle refused: ", found.size(), found.size() == 1 ? " error" : " errors", "; first: ", first));
  }
  // Answers carry the first 16 hex digits (64 bits) of the files' SHA-256; `gridroute check` prints it.
  index->digest = reader.sha256().substr(0, 16);
  detail::place_sources(*index, jurisdiction, reader);  // lint's warnings then name FILE:LINE
  return std::make_shared<const Snapshot>(std::move(index));
}

}  // namespace

absl::StatusOr<std::shared_ptr<const Snapshot>> load_bundle(const std::string& dir, std::vector<Diagnostic>* diagnostics,
                                                            const LoadOptions& options) {
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

std::vector<Diagnostic> lint(const Snapshot& snapshot, std::size_t max_findings_per_kind) {
  return detail::lint(snapshot.index(), max_findings_per_kind);
}

}  // namespace gridroute
