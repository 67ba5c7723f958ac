// What the diagnostics tests share: running the CLI as a user does (arguments, standard input, exit
// status, both outputs), scratch bundles written from text, and JSON Lines read back.
#pragma once

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include "../cli_util.hpp"

namespace diag_test {
using namespace cli_test_util;
namespace fs = std::filesystem;
namespace json = boost::json;

inline const fs::path kSource = fs::path(GRIDROUTE_SOURCE_DIR);
inline const fs::path kLanxi = kSource / "examples" / "lanxi";

inline std::vector<json::object> records(const std::string& out) {
  std::vector<json::object> v;
  for (const auto& line : lines_of(out)) {
    json::error_code ec;
    json::value x = json::parse(line, ec);
    EXPECT_FALSE(ec) << "not JSON: " << line;
    if (!ec && x.is_object()) v.push_back(x.as_object());
  }
  return v;
}

inline std::string str(const json::value& v) { return v.is_string() ? std::string(v.get_string()) : json::serialize(v); }

// A small valid bundle: town > c1 > c1-a > c1-a-01, c1-a-02, and town > c2 > c2-01. Tests copy it with
// one change (Bundle::edit) and write it to a scratch folder.
inline const std::string kJurisdiction = R"({
  "format": "gridroute.jurisdiction/1",
  "timezone": "Asia/Shanghai",
  "tiers": ["town", "community", "area", "cell"],
  "units": [
    {"id": "town", "tier": "town"},
    {"id": "c1", "tier": "community", "parent": "town"},
    {"id": "c1-a", "tier": "area", "parent": "c1"},
    {"id": "c1-a-01", "tier": "cell", "parent": "c1-a"},
    {"id": "c1-a-02", "tier": "cell", "parent": "c1-a"},
    {"id": "c2", "tier": "community", "parent": "town"},
    {"id": "c2-01", "tier": "cell", "parent": "c2"}
  ],
  "handlers": [
    {"id": "council-c1", "role": "resident_council", "serves": ["c1"]},
    {"id": "council-c2", "role": "resident_council", "serves": ["c2"]},
    {"id": "squad", "role": "enforcement_squad", "serves": ["town"]}
  ]
}
)";

inline const std::string kRules = R"({
  "format": "gridroute.rules/1",
  "attributes": {"severity": "number", "channel": "string", "private": "bool"},
  "categories": [{"code": "noise.loud"}, {"code": "waste.dump"}],
  "calendars": [{"id": "gov", "weekdays": [1, 2, 3, 4, 5], "hours": [["09:00", "17:00"]]}],
  "defaults": {"calendar": "gov", "sla": {"respond": "2wh", "resolve": "3wd"}, "escalation": "std"},
  "rules": [
    {"id": "loud", "categories": ["noise.*"], "route": ["enforcement_squad"]},
    {"id": "waste", "categories": ["waste.dump"], "route": ["resident_council"]}
  ],
  "escalation_policies": [
    {"id": "std", "levels": [{"name": "grid"}, {"name": "town", "tier": "town", "route": ["enforcement_squad"]}]}
  ]
}
)";

// The lines of `out` that hold `text`.
inline std::vector<std::string> lines_with(const std::string& out, const std::string& text) {
  std::vector<std::string> found;
  for (const std::string& line : lines_of(out))
    if (line.find(text) != std::string::npos) found.push_back(line);
  return found;
}

struct Bundle {
  std::map<std::string, std::string> files{{"jurisdiction.json", kJurisdiction}, {"rules.json", kRules}};

  // Replaces the only occurrence of `from` in file `name`.
  Bundle& edit(const std::string& name, const std::string& from, const std::string& to) {
    std::string& text = files[name];
    const auto at = text.find(from);
    EXPECT_NE(at, std::string::npos) << name << " has no '" << from << "'";
    if (at == std::string::npos) return *this;
    EXPECT_EQ(text.find(from, at + 1), std::string::npos) << name << " has '" << from << "' twice";
    text.replace(at, from.size(), to);
    return *this;
  }
  Bundle& file(const std::string& name, const std::string& text) {
    files[name] = text;
    return *this;
  }
  // Writes the bundle to scratch()/name (emptied first) and returns the folder.
  fs::path write(const std::string& name) const {
    const fs::path dir = scratch() / name;
    fs::remove_all(dir);
    fs::create_directories(dir);
    for (const auto& [f, text] : files) write_text(dir / f, text);
    return dir;
  }
};

// An issue line of the fixture: category noise.loud in c1-a-01 on a Wednesday morning, with `attrs`
// (a JSON object's text) when given.
inline std::string issue(const std::string& id, const std::string& attrs = "",
                         const std::string& category = "noise.loud", const std::string& cell = "c1-a-01") {
  std::string s = R"({"id": ")" + id + R"(", "category": ")" + category + R"(", "cell": ")" + cell +
                  R"(", "at": "2026-11-18T10:00:00+08:00")";
  if (!attrs.empty()) s += R"(, "attrs": )" + attrs;
  return s + "}";
}

}  // namespace diag_test
