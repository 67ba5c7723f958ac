// Internal: problems found while loading and compiling a bundle, before they are placed in their files
// (a JSON pointer, or a CSV line) and turned into Diagnostics.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/text.hpp"
#include "gridroute/bundle.hpp"

namespace gridroute::detail {

// The files of a bundle, in the order their diagnostics are reported.
enum class FileId : std::uint8_t { jurisdiction, rules, units_csv, handlers_csv, cells_geojson };
inline constexpr int kFileCount = 5;

struct Problem {
  FileId file;
  std::string pointer;     // JSON files
  std::int64_t line = 0;   // CSV files
  std::string message;
  bool followup = false;   // may follow from another error: reported after the others
};

// The two sides of a bundle: jurisdiction.json with its CSV files, and rules.json. When one side has shape
// errors (an unknown field, a wrong type) the other is still compiled, against an empty stand-in for the
// broken one, so that its own errors are reported too (SPEC §2: every error found); problems of checks
// that read the broken side are not recorded, since they may only echo its shape errors.
inline constexpr std::uint8_t kJurisdictionSide = 1;
inline constexpr std::uint8_t kRulesSide = 2;
// The units of jurisdiction.json alone: a unit whose own shape is broken (a wrong type in its id, tier
// or parent) holds back the checks that read the unit table (the tree, the units a handler serves, a
// rule's scope), not those of the handlers' other fields or of rules.json.
inline constexpr std::uint8_t kUnitsSide = 4;

class Problems {
 public:
  explicit Problems(std::size_t max) : max_(max) {}
  void json(FileId f, std::string pointer, std::string message, bool followup = false) {
    if (list.size() < max_ && !(sides_ & broken_) && !muted_)
      list.push_back({f, std::move(pointer), 0, bounded_message(std::move(message)), followup});
  }
  void csv(FileId f, std::int64_t line, std::string message, bool followup = false) {
    if (list.size() < max_ && !(sides_ & broken_) && !muted_) list.push_back({f, {}, line, bounded_message(std::move(message)), followup});
  }
  // While a Reading is alive, problems come from checks that read `sides` of the bundle (0, as outside
  // any Reading: a file's own shape, always recorded).
  class Reading {
   public:
    Reading(Problems& p, std::uint8_t sides) : p_(p), saved_(p.sides_) { p.sides_ = sides; }
    ~Reading() { p_.sides_ = saved_; }
    Reading(const Reading&) = delete;
    Reading& operator=(const Reading&) = delete;

   private:
    Problems& p_;
    std::uint8_t saved_;
  };
  // While a Muted made with `on` is alive, nothing is recorded: the checks of one element whose own shape
  // is broken (a rule with a field of the wrong type) may only echo its shape errors, while the other
  // elements of its file are still checked.
  class Muted {
   public:
    Muted(Problems& p, bool on) : p_(p), saved_(p.muted_) { p.muted_ = p.muted_ || on; }
    ~Muted() { p_.muted_ = saved_; }
    Muted(const Muted&) = delete;
    Muted& operator=(const Muted&) = delete;

   private:
    Problems& p_;
    bool saved_;
  };
  // From now on, problems of checks that read any of the `broken` sides are not recorded.
  void ignore_reading(std::uint8_t broken) { broken_ |= broken; }
  std::uint8_t broken() const { return broken_; }
  // Problems already placed in their file (the GeoJSON reader finds line and column itself).
  void placed(Diagnostic d) {
    if (list.size() + diagnostics.size() < max_) {
      d.message = bounded_message(std::move(d.message));
      diagnostics.push_back(std::move(d));
    }
  }
  // No problem recorded, and no side broken (a side is broken by errors recorded elsewhere, such as a
  // file that is not JSON: what is compiled against its stand-in must not be taken for a whole bundle).
  bool empty() const { return list.empty() && diagnostics.empty() && broken_ == 0; }
  std::vector<Problem> list;
  std::vector<Diagnostic> diagnostics;

 private:
  std::size_t max_;
  std::uint8_t sides_ = 0;
  std::uint8_t broken_ = 0;
  bool muted_ = false;
};

}  // namespace gridroute::detail
