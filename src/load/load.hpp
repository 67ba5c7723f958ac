// Internal: reading a bundle — its files (a directory, or texts in memory) into the described file
// model (load/model.hpp), every problem recorded with where it is. compile/ then turns the model into
// the index; `finish` places every problem in its file as a Diagnostic.
//
//   BundleReader r(options);
//   spec::Jurisdiction j; spec::Rules rules;
//   if (r.read_directory(dir) && r.parse(j, rules)) index = compile(j, rules, r.problems(), r.options());
//   std::vector<Diagnostic> diags = r.finish();   // empty when the bundle is clean
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "gridroute/bundle.hpp"
#include "load/model.hpp"
#include "load/problems.hpp"

namespace gridroute::detail {

class BundleReader {
 public:
  explicit BundleReader(const LoadOptions& options);
  ~BundleReader();
  BundleReader(const BundleReader&) = delete;
  BundleReader& operator=(const BundleReader&) = delete;

  // Reads jurisdiction.json and rules.json; false (with a diagnostic) when they cannot be read.
  bool read_directory(const std::string& dir);
  bool read_sources(const BundleSources& sources);
  // Parses the JSON texts, then the CSV files jurisdiction.json names, into the model; false when any
  // problem was found (the model must then not be compiled).
  bool parse(spec::Jurisdiction& jurisdiction, spec::Rules& rules);

  Problems& problems();
  // A file's name as diagnostics give it, and its text (BOM included); empty when the bundle has no such file.
  const std::string& file_name(FileId f) const;
  std::string_view file_text(FileId f) const;
  const LoadOptions& options() const;

  // Checks that every file read is still the file that was read, then returns every problem as a
  // Diagnostic in file order (empty when the bundle is clean).
  std::vector<Diagnostic> finish();

  // The SHA-256 (OpenSSL) of every file read, in the order of FileId, each framed by its kind and
  // length, as 64 lowercase hex digits (SPEC §6.6).
  std::string sha256() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace gridroute::detail
