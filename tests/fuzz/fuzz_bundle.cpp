// libFuzzer target: a whole bundle in memory — jurisdiction.json, rules.json, units.csv, handlers.csv,
// separated by lines "%%%%" — through gridroute::BundleSources and load_bundle. A bundle that loads is
// linted and routed; a refused one must say why, naming a file.
#include "fuzz_common.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  auto parts = fuzz::split(in, fuzz::kFileSeparator, 4);
  gridroute::BundleSources src;
  src.label = "fuzz";
  src.jurisdiction_json = parts[0];
  src.rules_json = parts[1];
  src.files = {{"units.csv", parts[2]}, {"handlers.csv", parts[3]}};
  std::vector<gridroute::Diagnostic> diags;
  auto snap = gridroute::load_bundle(src, &diags);
  fuzz::check_diagnostics(diags, snap.ok());
  if (snap.ok()) fuzz::exercise(*snap);
  return 0;
}
