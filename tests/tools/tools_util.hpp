// What the tests of test, diff, graph and check --coverage share: running the CLI, scratch folders,
// reading issue lines through the library's own reader, and copies of a bundle with one change.
#pragma once

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>
#include <vector>

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include "gridroute/bundle.hpp"
#include "gridroute/snapshot.hpp"
#include "io/lines.hpp"
#include "io/parser.hpp"

#include "../cli_util.hpp"

namespace tools_test {
using namespace cli_test_util;
using Run = CliRun;
namespace fs = std::filesystem;
namespace json = boost::json;

inline const fs::path kLanxi = fs::path(GRIDROUTE_SOURCE_DIR) / "examples" / "lanxi";
inline const fs::path kShuangcheng = fs::path(GRIDROUTE_SHARED_DIR) / "examples" / "shuangcheng";

// A copy of `bundle` in the scratch folder named `name`, with its JSON file `file` changed by `edit`.
inline fs::path copy_with(const fs::path& bundle, const std::string& name, const std::string& file,
                          const std::function<void(json::object&)>& edit) {
  const fs::path dir = scratch() / name;
  fs::remove_all(dir);
  fs::create_directories(dir);
  for (const auto& e : fs::directory_iterator(bundle))
    if (e.is_regular_file()) fs::copy_file(e.path(), dir / e.path().filename());
  json::value v = json::parse(read_text(bundle / file));
  edit(v.as_object());
  write_text(dir / file, json::serialize(v));
  return dir;
}
// The same with rules.json changed.
inline fs::path copy_with_rules(const fs::path& bundle, const std::string& name,
                                const std::function<void(json::object&)>& edit) {
  return copy_with(bundle, name, "rules.json", edit);
}

inline std::shared_ptr<const gridroute::Snapshot> load(const fs::path& dir) {
  std::vector<gridroute::Diagnostic> diags;
  auto s = gridroute::load_bundle(dir.string(), &diags);
  EXPECT_TRUE(s.ok()) << s.status() << (diags.empty() ? "" : diags[0].to_string());
  return s.ok() ? *s : nullptr;
}

// Every issue line of a file, read by the library's reader; `fn(id, issue)` for the ones that read.
// Returns the number of lines that get an answer (the non-blank ones).
inline std::size_t for_each_issue(const fs::path& file,
                                  const std::function<void(const std::string&, const gridroute::Issue&)>& fn) {
  const std::string text = read_text(file);
  gridroute::detail::LineParser parser(1 << 20);
  std::size_t lines = 0;
  gridroute::detail::for_each_line(text, [&](std::string_view line) {
    ++lines;
    gridroute::Issue is;
    gridroute::detail::LineId id;
    gridroute::detail::LineSlot slot;
    if (parser.read_issue(line, is, id, slot, json::storage_ptr())) fn(std::string(id.text), is);
  });
  return lines;
}

}  // namespace tools_test
