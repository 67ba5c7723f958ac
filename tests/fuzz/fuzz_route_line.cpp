// libFuzzer target: one issue line through LineCodec::route_line against the example snapshot (with
// and without --explain). Oracles: exactly one JSON object, valid UTF-8, with "id" and "status"; and
// route_lines (the batched path with its fast line reader) writes the same record plus a newline.
#include "fuzz_common.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static gridroute::LineCodec plain(fuzz::example_snapshot());
  static gridroute::LineCodec explained(fuzz::example_snapshot(), {.explain = true});
  std::string_view line(reinterpret_cast<const char*>(data), size);
  std::string out;
  for (gridroute::LineCodec* codec : {&plain, &explained}) {
    out.clear();
    codec->route_line(line, out);
    fuzz::check_record(out, "status");
    std::string batched;
    std::string_view lines[] = {line, line};
    codec->route_lines(lines, batched);
    if (batched != out + "\n" + out + "\n") fuzz::fail("route_lines differs from route_line", out + "\n" + batched);
  }
  return 0;
}
