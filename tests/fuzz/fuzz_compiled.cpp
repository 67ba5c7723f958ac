// libFuzzer target: a compiled bundle file (`gridroute compile`) through store::open_index_bytes. The
// checksum and size in the header are fixed up after mutation, so the fuzzer reaches the checks of the
// sections themselves rather than stopping at the checksum. Oracles: no crash, no hang; a file that opens
// lints, routes and escalates to one JSON object per line (so every index they follow was checked).
#include <cstring>

#include "base/hash.hpp"
#include "fuzz_common.hpp"
#include "gridroute/snapshot.hpp"
#include "store/file.hpp"
#include "store/index_file.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace store = gridroute::detail::store;
  std::string bytes(reinterpret_cast<const char*>(data), size);
  if (bytes.size() >= sizeof(store::FileHeader)) {
    store::FileHeader h;
    std::memcpy(&h, bytes.data(), sizeof(h));
    h.file_size = bytes.size();
    h.checksum = XXH3_64bits(bytes.data() + sizeof(h), bytes.size() - sizeof(h));
    std::memcpy(bytes.data(), &h, sizeof(h));
  }
  auto index = store::open_index_bytes(std::move(bytes), "fuzz.grb");
  if (!index.ok()) {
    if (index.status().message().find("fuzz.grb") == std::string_view::npos)
      fuzz::fail("a refusal does not name the file", std::string(index.status().message()));
    return 0;
  }
  // Lint, then route and escalate issues on its cells and categories through the codec.
  fuzz::exercise(std::make_shared<const gridroute::Snapshot>(*std::move(index)));
  return 0;
}
