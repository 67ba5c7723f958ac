// Internal: reads Boost.JSON values into the described structs of gridroute/bundle.hpp.
//
// The field list of each struct is its BOOST_DESCRIBE_STRUCT; a key the struct does not describe is an
// error ("unknown field"), and so is a missing required field. Every error is recorded with the JSON
// pointer of the offending value, and reading goes on so that all errors are reported.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include <boost/describe.hpp>
#include <boost/json.hpp>
#include <boost/mp11.hpp>

#include "base/strings.hpp"
#include "base/suggest.hpp"
#include "gridroute/bundle.hpp"
#include "load/model.hpp"
#include "base/json_text.hpp"

namespace gridroute::detail {
namespace json = boost::json;

struct PointedError {
  std::string pointer;
  std::string message;
  // An unknown field that is no misspelling of a known one: the object was read whole without it, so
  // the checks of the compiler still run on it (SPEC §2: all errors found are reported).
  bool benign = false;
};

class Reader {
 public:
  // Hardening: conditions are read recursively; their nesting is capped (besides the JSON depth cap) so
  // that no setting of LoadOptions::max_json_depth lets a {"not": {"not": ...}} chain overflow the stack
  // here, in the compiler or in evaluation.
  static constexpr std::size_t kMaxConditionDepth = 32;

  explicit Reader(std::vector<PointedError>& errors, std::size_t max_errors) : errors_(errors), max_(max_errors) {}

  void error(std::string message) { error_at(pointer_, std::move(message)); }
  void benign_error(std::string message) {
    if (errors_.size() < max_) errors_.push_back({pointer_, std::move(message), true});
  }
  void error_at(std::string pointer, std::string message) {
    if (errors_.size() < max_) errors_.push_back({std::move(pointer), std::move(message)});
  }
  const std::string& pointer() const { return pointer_; }

  // Scoped descent into a member or element.
  class Step {
   public:
    Step(Reader& r, std::string_view token) : r_(r), size_(r.pointer_.size()) { append_token(r.pointer_, token); }
    Step(Reader& r, std::size_t index) : Step(r, std::string_view(std::to_string(index))) {}
    ~Step() { r_.pointer_.resize(size_); }
    Step(const Step&) = delete;
    Step& operator=(const Step&) = delete;

   private:
    Reader& r_;
    std::size_t size_;
  };

  bool read(const json::value& v, std::string& out) {
    if (!v.is_string()) return type_error(v, "a string");
    out.assign(v.get_string().data(), v.get_string().size());
    return true;
  }
  bool read(const json::value& v, bool& out) {
    if (!v.is_bool()) return type_error(v, "true or false");
    out = v.get_bool();
    return true;
  }
  bool read(const json::value& v, std::int64_t& out) {
    if (v.is_int64()) { out = v.get_int64(); return true; }
    if (v.is_uint64()) return type_error(v, "an integer within 64-bit range");
    if (v.is_double()) {
      double d = v.get_double();
      // Hardening: test the range before converting (converting an out-of-range double is undefined).
      if (std::isfinite(d) && d > -9.2e18 && d < 9.2e18 && d == static_cast<double>(static_cast<std::int64_t>(d))) {
        out = static_cast<std::int64_t>(d);
        return true;
      }
      if (!std::isfinite(d) || std::fabs(d) >= 9.2e18) return type_error(v, "an integer within 64-bit range");
    }
    return type_error(v, "an integer");
  }
  bool read(const json::value& v, int& out) {
    std::int64_t x = 0;
    if (!read(v, x)) return false;
    if (x < -1000000000 || x > 1000000000) return type_error(v, "an integer of reasonable size");
    out = static_cast<int>(x);
    return true;
  }
  bool read(const json::value& v, double& out) {
    if (!v.is_number()) return type_error(v, "a number");
    out = v.to_number<double>();
    // Hardening: 1e400 parses as infinity; refuse it rather than compare against it.
    if (!std::isfinite(out)) return type_error(v, "a finite number (within double range)");
    return true;
  }
  template <class T>
  bool read(const json::value& v, std::optional<T>& out) {
    out.emplace();
    if (!read(v, *out)) { out.reset(); return false; }
    return true;
  }
  template <class T>
  bool read(const json::value& v, std::vector<T>& out) {
    if (!v.is_array()) return type_error(v, "a list");
    const json::array& a = v.get_array();
    out.clear();
    out.reserve(a.size());
    bool ok = true;
    for (std::size_t i = 0; i < a.size(); ++i) {
      Step s(*this, i);
      // An element with an error is kept as far as it was read, so that every element keeps its
      // position (its pointer): the compiler checks the other elements of a list of rules.
      T item{};
      if (!read(a[i], item)) ok = false;
      out.push_back(std::move(item));
    }
    return ok;
  }
  bool read(const json::value& v, std::map<std::string, std::string>& out) {
    if (!v.is_object()) return type_error(v, "an object");
    bool ok = true;
    for (const auto& kv : v.get_object()) {
      Step s(*this, kv.key());
      std::string val;
      if (read(kv.value(), val)) out[std::string(kv.key())] = std::move(val);
      else ok = false;
    }
    return ok;
  }
  bool read(const json::value& v, spec::RoleRef& out) {
    if (v.is_string()) {
      out.role = std::string(v.get_string());
      return true;
    }
    if (!v.is_object()) return type_error(v, "a role name or {\"role\": ..., \"department\": ...}");
    return read_described(v, out);
  }
  bool read(const json::value& v, spec::Unit& out);
  bool read(const json::value& v, spec::CellsGeojson& out);
  bool read(const json::value& v, spec::Condition& out);

  template <class T, class = std::enable_if_t<boost::describe::has_describe_members<T>::value>>
  bool read(const json::value& v, T& out) {
    return read_described(v, out);
  }

  template <class T>
  bool read_described(const json::value& v, T& out) {
    if (!v.is_object()) return type_error(v, "an object");
    const json::object& o = v.get_object();
    using Members = boost::describe::describe_members<T, boost::describe::mod_public>;
    bool ok = true;
    std::vector<std::string> suggested;  // fields a misspelt key stands for: not also reported missing
    for (const auto& kv : o) {
      bool known = false;
      boost::mp11::mp_for_each<Members>([&](auto D) { known = known || kv.key() == D.name; });
      if (!known) {
        Step s(*this, kv.key());
        Suggest near(std::string_view(kv.key()));
        boost::mp11::mp_for_each<Members>([&](auto D) { near.consider(D.name); });
        if (near.found()) {
          error(detail::cat("unknown field '", std::string_view(kv.key()), "' (did you mean '", near.best(), "'?)"));
          suggested.push_back(near.best());
          ok = false;
        } else {
          benign_error(detail::cat("unknown field '", std::string_view(kv.key()), "'"));
        }
      }
    }
    boost::mp11::mp_for_each<Members>([&](auto D) {
      using F = std::remove_cvref_t<decltype(out.*D.pointer)>;
      const json::value* f = o.if_contains(D.name);
      if (!f) {
        const bool misspelt = std::find(suggested.begin(), suggested.end(), D.name) != suggested.end();
        if (required<F>(D.name) && misspelt) {
          ok = false;
        } else if (required<F>(D.name)) {
          error(detail::cat("missing field '", D.name, "'"));
          ok = false;
        }
        return;
      }
      Step s(*this, D.name);
      if constexpr (std::is_same_v<F, std::optional<std::string>>) {
        // An informative name (of a category, a level, a handler) that is not a string is left unset: the
        // error is reported, and the part is read whole and checked with the others (SPEC §2).
        if (std::string_view(D.name) == "name" && !f->is_string()) {
          benign_error(detail::cat("must be a string, got ", brief(*f)));
          return;
        }
      }
      if (!read(*f, out.*D.pointer)) ok = false;
    });
    return ok;
  }

 private:
  template <class F>
  static bool required(std::string_view name) {
    if constexpr (std::is_same_v<F, std::string>) return true;
    else if constexpr (std::is_arithmetic_v<F>) return name != "priority";
    else return false;
  }
  bool type_error(const json::value& v, std::string_view expected) {
    error(detail::cat("must be ", expected, ", got ", brief(v)));
    return false;
  }

  std::vector<PointedError>& errors_;
  std::size_t max_;
  std::string pointer_;
  std::size_t condition_depth_ = 0;  // nesting of the condition being read
};

}  // namespace gridroute::detail
