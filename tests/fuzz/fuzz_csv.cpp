// libFuzzer target: the CSV files. The first byte picks the file (even: units.csv, odd: handlers.csv);
// the rest is its text. The example's JSON files name both CSV files.
#include "fuzz_common.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  gridroute::BundleSources src = fuzz::example_sources();
  std::size_t which = data[0] & 1;
  src.files[which].second.assign(reinterpret_cast<const char*>(data + 1), size - 1);
  std::vector<gridroute::Diagnostic> diags;
  auto snap = gridroute::load_bundle(src, &diags);
  fuzz::check_diagnostics(diags, snap.ok());
  if (snap.ok()) fuzz::exercise(*snap);
  return 0;
}
