// Internal: the binary form of the index's small structures (rules, conditions, policies, names) in a
// compiled bundle file. Structures describe their members with Boost.Describe; the encoder walks them, so
// a member added to a described struct is stored without further code (and changes the format version).
//
//   Encoder e;  e.put(index.rules);            // every member of every CompiledRule, in declared order
//   Decoder d(bytes, "rules");  d.get(rules);  // bounds-checked: a short or corrupt blob sets d.error()
//
// Encoding: integers, floats and enums as their bytes (little-endian machines; the file header records the
// byte order), strings and vectors as a 64-bit count and the elements, optionals as a byte then the value.
#pragma once

#include <array>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include <boost/describe/class.hpp>
#include <boost/describe/members.hpp>
#include <boost/mp11/algorithm.hpp>

namespace gridroute::detail::store {

template <class T>
struct is_vector : std::false_type {};
template <class T, class A>
struct is_vector<std::vector<T, A>> : std::true_type {};
template <class T>
struct is_optional : std::false_type {};
template <class T>
struct is_optional<std::optional<T>> : std::true_type {};
template <class T>
struct is_pair : std::false_type {};
template <class A, class B>
struct is_pair<std::pair<A, B>> : std::true_type {};
template <class T>
struct is_array : std::false_type {};
template <class T, std::size_t N>
struct is_array<std::array<T, N>> : std::true_type {};

template <class T>
constexpr bool is_described = boost::describe::has_describe_members<T>::value;

class Encoder {
 public:
  template <class T>
  void put(const T& v) {
    if constexpr (std::is_arithmetic_v<T> || std::is_enum_v<T>) {
      raw(&v, sizeof(T));
    } else if constexpr (std::is_same_v<T, std::string>) {
      count(v.size());
      raw(v.data(), v.size());
    } else if constexpr (std::is_same_v<T, std::vector<bool>>) {
      count(v.size());
      for (bool b : v) put(static_cast<std::uint8_t>(b));
    } else if constexpr (is_vector<T>::value) {
      count(v.size());
      if constexpr (std::is_arithmetic_v<typename T::value_type>)
        raw(v.data(), v.size() * sizeof(typename T::value_type));
      else
        for (const auto& x : v) put(x);
    } else if constexpr (is_optional<T>::value) {
      put(static_cast<std::uint8_t>(v.has_value()));
      if (v) put(*v);
    } else if constexpr (is_pair<T>::value) {
      put(v.first);
      put(v.second);
    } else if constexpr (is_array<T>::value) {
      for (const auto& x : v) put(x);
    } else {
      static_assert(is_described<T>, "describe the struct's members (store/describe.hpp)");
      boost::mp11::mp_for_each<boost::describe::describe_members<T, boost::describe::mod_public>>(
          [&](auto m) { put(v.*m.pointer); });
    }
  }
  void count(std::size_t n) { put(static_cast<std::uint64_t>(n)); }
  void raw(const void* p, std::size_t n) { out_.append(static_cast<const char*>(p), n); }
  const std::string& bytes() const { return out_; }

 private:
  std::string out_;
};

class Decoder {
 public:
  Decoder(std::string_view bytes, std::string what) : p_(bytes), what_(std::move(what)) {}

  template <class T>
  void get(T& v) {
    if (failed_) return;
    if constexpr (std::is_same_v<T, bool>) {
      std::uint8_t b = 0;
      raw(&b, 1);
      if (b > 1) fail();
      v = b != 0;
    } else if constexpr (std::is_arithmetic_v<T> || std::is_enum_v<T>) {
      raw(&v, sizeof(T));
    } else if constexpr (std::is_same_v<T, std::string>) {
      const std::size_t n = count(1);
      if (failed_) return;
      v.assign(p_.data(), n);
      p_.remove_prefix(n);
    } else if constexpr (std::is_same_v<T, std::vector<bool>>) {
      const std::size_t n = count(1);
      v.assign(n, false);
      for (std::size_t i = 0; i < n && !failed_; ++i) {
        bool b = false;
        get(b);
        v[i] = b;
      }
    } else if constexpr (is_vector<T>::value) {
      using E = typename T::value_type;
      const std::size_t n = count(std::is_arithmetic_v<E> ? sizeof(E) : 1);
      if (failed_) return;
      v.clear();
      if constexpr (std::is_arithmetic_v<E>) {
        v.resize(n);
        raw(v.data(), n * sizeof(E));
      } else {
        v.reserve(n);
        for (std::size_t i = 0; i < n && !failed_; ++i) get(v.emplace_back());
      }
    } else if constexpr (is_optional<T>::value) {
      bool has = false;
      get(has);
      if (!has) {
        v.reset();
        return;
      }
      get(v.emplace());
    } else if constexpr (is_pair<T>::value) {
      get(v.first);
      get(v.second);
    } else if constexpr (is_array<T>::value) {
      for (auto& x : v) get(x);
    } else {
      static_assert(is_described<T>, "describe the struct's members (store/describe.hpp)");
      boost::mp11::mp_for_each<boost::describe::describe_members<T, boost::describe::mod_public>>(
          [&](auto m) { get(v.*m.pointer); });
    }
  }
  // A count of elements of at least `min_bytes` each: refused when more than the bytes left could hold,
  // so a corrupt count never allocates more than the blob's size.
  std::size_t count(std::size_t min_bytes) {
    std::uint64_t n = 0;
    raw(&n, sizeof(n));
    if (failed_ || n > p_.size() / (min_bytes == 0 ? 1 : min_bytes)) {
      fail();
      return 0;
    }
    return static_cast<std::size_t>(n);
  }
  void raw(void* dst, std::size_t n) {
    if (failed_ || n > p_.size()) {
      fail();
      return;
    }
    if (n > 0) std::memcpy(dst, p_.data(), n);
    p_.remove_prefix(n);
  }
  // The bytes not read yet, taken whole (to be decoded later by a Decoder of their own).
  std::string_view take_rest() {
    const std::string_view r = failed_ ? std::string_view() : p_;
    p_ = {};
    return r;
  }
  void fail() { failed_ = true; }
  bool failed() const { return failed_; }
  bool at_end() const { return p_.empty(); }
  const std::string& what() const { return what_; }

 private:
  std::string_view p_;
  std::string what_;
  bool failed_ = false;
};

}  // namespace gridroute::detail::store
