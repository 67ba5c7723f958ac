// libFuzzer target: one case line through LineCodec::escalate_line against the example snapshot, at
// the example's NOW and at a time decades later. Oracles: one JSON object with "id" and "action";
// escalate_lines (the batched path with its fast line reader) writes the same record plus a newline; and
// a CaseBook holding the line (settled once, swept at each time) writes it too.
#include "fuzz_common.hpp"
#include "gridroute/case_book.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static gridroute::LineCodec codec(fuzz::example_snapshot());
  static const gridroute::Instant now = *gridroute::parse_rfc3339("2026-11-23T10:00:00+08:00");
  std::string_view line(reinterpret_cast<const char*>(data), size);
  std::string out;
  gridroute::CaseBook book(fuzz::example_snapshot());
  book.add_line(line);
  for (gridroute::Instant t : {now, now + std::int64_t{40} * 365 * 86400 * 1000000}) {
    out.clear();
    codec.escalate_line(line, t, out);
    fuzz::check_record(out, "action");
    std::string batched;
    std::string_view lines[] = {line, line};
    codec.escalate_lines(lines, t, batched);
    if (batched != out + "\n" + out + "\n") fuzz::fail("escalate_lines differs from escalate_line", out + "\n" + batched);
    std::string swept;
    book.sweep_lines(t, swept);
    if (swept != out + "\n") fuzz::fail("a CaseBook's sweep differs from escalate_line", out + "\n" + swept);
  }
  return 0;
}
