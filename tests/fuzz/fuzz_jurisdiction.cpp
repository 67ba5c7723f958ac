// libFuzzer target: jurisdiction.json, with the example's rules.json and CSV files.
#include "fuzz_common.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  gridroute::BundleSources src = fuzz::example_sources();
  src.jurisdiction_json.assign(reinterpret_cast<const char*>(data), size);
  std::vector<gridroute::Diagnostic> diags;
  auto snap = gridroute::load_bundle(src, &diags);
  fuzz::check_diagnostics(diags, snap.ok());
  if (snap.ok()) fuzz::exercise(*snap);
  return 0;
}
