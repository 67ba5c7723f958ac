// Internal: exact geometric predicates on binary64 coordinates (SPEC §7: "containment is decided
// exactly").
//
// The orientation of three points is Boost.Geometry's adaptive-precision orient2d (Shewchuk's
// algorithm, `strategy::side::side_robust` with Robustness 3 and the exact zero test
// `fp_equals_policy`). That algorithm is exact as long as no intermediate product underflows; with
// every coordinate either 0 or at least 2^-400 in magnitude (and at most 2^9: longitudes and latitudes),
// every difference, product and expansion term is a multiple of 2^-904, so nothing underflows. Points
// with a smaller nonzero coordinate (1e-300 is a valid JSON number) take an exact big-integer path:
// each double times 2^1074 is an integer, and the determinant is evaluated in
// `boost::multiprecision::cpp_int`.
#pragma once

#include <cmath>
#include <cstdint>

#include <boost/geometry/strategy/cartesian/side_robust.hpp>
#include <boost/multiprecision/cpp_int.hpp>

namespace gridroute::geo::detail {

struct Pt {
  double x = 0;  // longitude, degrees
  double y = 0;  // latitude, degrees
};

// True when v is nonzero and so small that the adaptive predicate could underflow on it.
inline bool tiny(double v) { return v != 0 && std::fabs(v) < 0x1p-400; }

// v * 2^1074 as an exact integer (every finite double is an integer multiple of 2^-1074).
inline boost::multiprecision::cpp_int scaled(double v) {
  using boost::multiprecision::cpp_int;
  if (v == 0) return 0;
  int e = 0;
  double m = std::frexp(v, &e);  // v = m * 2^e, 0.5 <= |m| < 1
  auto mant = static_cast<std::int64_t>(std::ldexp(m, 53));  // exact: 53 significant bits
  cpp_int r = mant;
  int shift = e - 53 + 1074;  // >= 0 for every finite double
  return shift >= 0 ? cpp_int(r << shift) : cpp_int(r >> -shift);
}

// Sign of the exact determinant | a-c, b-c | (+1: c is left of a->b, -1: right, 0: on the line).
inline int orient_bigint(Pt a, Pt b, Pt c) {
  using boost::multiprecision::cpp_int;
  cpp_int ax = scaled(a.x), ay = scaled(a.y), bx = scaled(b.x), by = scaled(b.y), cx = scaled(c.x),
          cy = scaled(c.y);
  cpp_int det = (ax - cx) * (by - cy) - (ay - cy) * (bx - cx);
  return det > 0 ? 1 : det < 0 ? -1 : 0;
}

// Adaptive orient2d; exact when no coordinate is tiny (see above).
inline int orient_adaptive(Pt a, Pt b, Pt c) {
  namespace pm = boost::geometry::detail::precise_math;
  pm::vec2d<double> pa{a.x, a.y}, pb{b.x, b.y}, pc{c.x, c.y};
  struct NoEps {
    NoEps() = default;
    NoEps(double, double, double, double) {}
  } eps;
  double d = pm::orient2d<double, 3>(pa, pb, pc, eps);
  return d > 0 ? 1 : d < 0 ? -1 : 0;
}

// Exact orientation of c with respect to the directed line a->b.
inline int orient(Pt a, Pt b, Pt c) {
  if (tiny(a.x) || tiny(a.y) || tiny(b.x) || tiny(b.y) || tiny(c.x) || tiny(c.y)) [[unlikely]]
    return orient_bigint(a, b, c);
  return orient_adaptive(a, b, c);
}

// True when the closed segments p1p2 and q1q2 cross at one point interior to both (a "proper"
// crossing). Touching at an end point, or overlapping along a line, is not a proper crossing.
inline bool properly_cross(Pt p1, Pt p2, Pt q1, Pt q2) {
  int a = orient(p1, p2, q1), b = orient(p1, p2, q2);
  if (a == 0 || b == 0 || a == b) return false;
  int c = orient(q1, q2, p1), d = orient(q1, q2, p2);
  return c != 0 && d != 0 && c != d;
}

}  // namespace gridroute::geo::detail
