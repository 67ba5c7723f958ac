// libFuzzer target: a platform's lines read through a map (gridroute::LineMap, `--map`). An input with a
// NUL byte is a map, the NUL, then lines; without one, the input's lines go through a fixed map that uses
// every kind of field (a table with "*", conversions, an offset, a strptime format, a location from one
// path and from two). Oracles: a map that does not load says why in a diagnostic; a refused line has an
// error in valid UTF-8 and its id as JSON; a mapped line is one JSON object, and LineCodec answers it with
// one record.
#include <optional>

#include "fuzz_common.hpp"
#include "fuzz_map_maps.hpp"
#include "gridroute/linemap.hpp"

namespace {

gridroute::LineMap must_parse(const char* text) {
  std::vector<gridroute::Diagnostic> diags;
  auto m = gridroute::LineMap::parse(text, "fixed-map.json", &diags);
  if (!m.ok()) fuzz::fail("the fixed map does not load", diags.empty() ? std::string(m.status().message()) : diags[0].to_string());
  return std::move(*m);
}

void check_line(const gridroute::LineMap& m, std::string_view line, gridroute::LineCodec& codec) {
  std::string out, id, error;
  if (!m.apply(line, out, id, error)) {
    if (error.empty()) fuzz::fail("a refused line has no error", line);
    if (!fuzz::valid_utf8(error)) fuzz::fail("an error is not valid UTF-8", error);
    boost::json::error_code ec;
    boost::json::value v = boost::json::parse(id, ec);
    // An integer id of any length (past 64 bits Boost.JSON reads it as a double): its digits as written.
    const bool long_integer = v.is_double() && !id.empty() &&
                              id.find_first_not_of("0123456789", id[0] == '-' ? 1 : 0) == std::string::npos;
    if (ec || !(v.is_null() || v.is_string() || v.is_int64() || v.is_uint64() || long_integer))
      fuzz::fail("a refused line's id is not JSON", id);
    return;
  }
  if (out.find('\n') != std::string::npos) fuzz::fail("a mapped line spans lines", out);
  boost::json::error_code ec;
  boost::json::value v = boost::json::parse(out, ec);
  if (ec || !v.is_object()) fuzz::fail("a mapped line is not a JSON object", out);
  std::string record;
  codec.route_line(out, record);
  fuzz::check_record(record, "status");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static gridroute::LineCodec codec(fuzz::example_snapshot());
  static const gridroute::LineMap fixed = must_parse(fuzz::kFixedMap);
  static const gridroute::LineMap pair = must_parse(fuzz::kPairMap);
  std::string_view in(reinterpret_cast<const char*>(data), size);
  std::optional<gridroute::LineMap> own;
  std::vector<const gridroute::LineMap*> maps = {&fixed, &pair};
  if (const std::size_t nul = in.find('\0'); nul != std::string_view::npos) {
    std::vector<gridroute::Diagnostic> diags;
    auto parsed = gridroute::LineMap::parse(in.substr(0, nul), "map.json", &diags);
    in = in.substr(nul + 1);
    if (!parsed.ok()) {
      if (diags.empty()) fuzz::fail("a map was refused without a diagnostic", std::string(parsed.status().message()));
      for (const auto& d : diags)
        if (!fuzz::valid_utf8(d.to_string())) fuzz::fail("a diagnostic is not valid UTF-8", d.to_string());
      return 0;
    }
    own.emplace(std::move(*parsed));
    maps = {&*own};
  }
  int lines = 0;
  while (!in.empty() && lines++ < 16) {
    const std::size_t nl = in.find('\n');
    const std::string_view line = in.substr(0, nl);
    in = nl == std::string_view::npos ? std::string_view() : in.substr(nl + 1);
    for (const gridroute::LineMap* m : maps) check_line(*m, line, codec);
  }
  return 0;
}
