// libFuzzer target: one issue line through LineCodec::route_line against the example snapshot (with
// and without --explain). Oracle: exactly one JSON object, valid UTF-8, with "id" and "status".
#include "fuzz_common.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static gridroute::LineCodec codec(fuzz::example_snapshot());
  std::string_view line(reinterpret_cast<const char*>(data), size);
  std::string out;
  for (bool explain : {false, true}) {
    out.clear();
    codec.route_line(line, explain, out);
    fuzz::check_record(out, "status");
  }
  return 0;
}
