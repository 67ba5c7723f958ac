// An issue's "location" (SPEC §7): exactly two numbers, longitude in [-180, 180], latitude in [-90, 90].
#include <cmath>

#include "geo/locator.hpp"
#include "geo/number.hpp"
#include "base/strings.hpp"

namespace gridroute::geo {
namespace json = boost::json;

namespace {

// The wording of the decision lines (`field 'X' must be ...`).
constexpr const char* kShape = "field 'location' must be [longitude, latitude], two numbers";

std::string number_text(double v) { return gridroute::detail::cat(v); }

}  // namespace

absl::Status check_point(double lon, double lat) {
  if (!std::isfinite(lon) || !std::isfinite(lat))
    return absl::InvalidArgumentError(kShape);
  if (!(lon >= -180 && lon <= 180))
    return absl::InvalidArgumentError(
        gridroute::detail::cat("location longitude ", number_text(lon), " is out of range [-180, 180]"));
  if (!(lat >= -90 && lat <= 90))
    return absl::InvalidArgumentError(
        gridroute::detail::cat("location latitude ", number_text(lat), " is out of range [-90, 90]"));
  return absl::OkStatus();
}

absl::StatusOr<Point> read_location(const json::value& v) {
  if (!v.is_array()) return absl::InvalidArgumentError(kShape);
  const json::array& a = v.get_array();
  if (a.size() != 2) return absl::InvalidArgumentError(kShape);
  double c[2];
  for (int k = 0; k < 2; ++k) {
    const json::value& e = a[static_cast<std::size_t>(k)];
    if (e.is_int64()) c[k] = static_cast<double>(e.get_int64());
    else if (e.is_uint64()) c[k] = static_cast<double>(e.get_uint64());
    else if (e.is_double()) c[k] = e.get_double();
    else return absl::InvalidArgumentError(kShape);
  }
  if (auto st = check_point(c[0], c[1]); !st.ok()) return st;
  return Point{c[0], c[1]};
}

absl::StatusOr<Point> read_location_text(std::string_view t) {
  // The common shape, read by hand so that each number is read from its own text.
  auto ws = [&](std::size_t i) {
    while (i < t.size() && (t[i] == ' ' || t[i] == '\t' || t[i] == '\n' || t[i] == '\r')) ++i;
    return i;
  };
  std::size_t i = ws(0);
  if (i < t.size() && t[i] == '[') {
    double c[2];
    bool ok = true;
    i = ws(i + 1);
    for (int k = 0; k < 2 && ok; ++k) {
      std::size_t n = detail::json_number_length(t.substr(i));
      if (n == 0 || !detail::json_number_value(t.substr(i, n), c[k])) {
        ok = false;
        break;
      }
      i = ws(i + n);
      if (k == 0) {
        if (i < t.size() && t[i] == ',') i = ws(i + 1);
        else ok = false;
      }
    }
    if (ok && i < t.size() && t[i] == ']' && ws(i + 1) == t.size()) {
      if (auto st = check_point(c[0], c[1]); !st.ok()) return st;
      return Point{c[0], c[1]};
    }
  }
  // Anything else (another shape, a number too large for binary64, text that is not JSON) is refused.
  return absl::InvalidArgumentError(kShape);
}

}  // namespace gridroute::geo
