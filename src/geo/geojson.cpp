// cells_geojson (SPEC §7): a GeoJSON FeatureCollection whose Features give cells Polygon or MultiPolygon
// geometries.
//
// The text is read with Boost.JSON's SAX parser (basic_parser) rather than into a DOM: a DOM holds each
// position as a heap-allocated array of values (~70 bytes a position), which at a million cells of a few
// dozen positions is gigabytes; here each position costs its 16 bytes in the final arrays. Members may
// come in any order (a geometry's "coordinates" before its "type"), so a geometry's coordinates are
// recorded as a flat token list and read once the geometry object closes. A coordinate is the binary64
// nearest to its text: Boost.JSON's own value where that is provably so, else read again from the text
// (number.hpp). Errors carry JSON pointers; their line and column are found at the end, in one pass for
// all of them.
#include <algorithm>
#include <cstring>
#include <limits>

#include <boost/json/basic_parser_impl.hpp>

#include "absl/container/flat_hash_map.h"
#include "geo/number.hpp"
#include "geo/polygons.hpp"
#include "base/encoding.hpp"
#include "base/json_text.hpp"
#include "base/strings.hpp"

namespace gridroute::geo {
namespace {

namespace json = boost::json;
using detail::Pt;
using gridroute::detail::cat;

constexpr std::size_t kNoOffset = std::numeric_limits<std::size_t>::max();
constexpr std::size_t kHardMaxDepth = 1000;
constexpr std::size_t kHardMaxPositions = std::numeric_limits<std::uint32_t>::max() - 1;

struct Error {
  std::string pointer;
  std::string message;
  std::size_t offset = kNoOffset;  // exact byte offset when known (else found from the pointer)
};

// What the next value is, from where it sits.
enum class Slot : std::uint8_t {
  ignore, root, coll_type, features, feature, f_type, f_id, f_props, f_geom, p_id, g_type, g_coords, coord
};
// What the open container is.
enum class Ctx : std::uint8_t { root, features, feature, props, geom, coords, skip };

struct Frame {
  Ctx ctx;
  Slot next = Slot::ignore;     // objects: the slot of the value of the last key
  std::uint32_t tok_begin = 0;  // coordinates: where the list's tokens start
};

struct IdValue {
  enum Kind : std::uint8_t { absent, string, integer, bad } kind = absent;
  std::string text;  // the id, or for `bad` a short rendering of the value
};

// A coordinates token. A list of two or three numbers (a position, as far as its shape goes) is one
// `pos` token holding the first two: the tokens then take no more memory than the positions will.
// For `bad`, `what` says what stood there.
struct Tok {
  enum Kind : std::uint8_t { begin, end, num, bad, pos } kind = begin;
  std::uint8_t what = 0;  // bad: 0 a string, 1 true, 2 false, 3 null, 4 an object, 5 a number too large
  double v = 0;
  double w = 0;  // pos: the latitude
};

// A position's third member, the altitude, is ignored (SPEC §7): any JSON number will do, one past the
// range of binary64 too. So are members past it (a measure, as GIS tools write XYZM positions): RFC 7946
// asks writers not to add them, and SPEC §7 does not refuse them.
bool is_altitude(const Tok& t) { return t.kind == Tok::num || (t.kind == Tok::bad && t.what == 5); }

// The tokens of one geometry's coordinates, reused from Feature to Feature (a plain array: this is the
// innermost loop of the load).
class TokList {
 public:
  void clear() { n_ = 0; }
  void truncate(std::size_t n) { n_ = n; }
  void push(Tok t) {
    if (n_ == v_.size()) [[unlikely]]
      v_.resize(v_.empty() ? 256 : 2 * v_.size());
    v_[n_++] = t;
  }
  const Tok& operator[](std::size_t i) const { return v_[i]; }
  std::size_t size() const { return n_; }

 private:
  std::vector<Tok> v_;
  std::size_t n_ = 0;
};

const char* bad_name(std::uint8_t what) {
  static const char* names[] = {"a string", "true", "false", "null", "an object", "a number too large for binary64"};
  return names[what < 6 ? what : 0];
}

struct FeatureState {
  std::uint32_t index = 0;
  std::size_t offset = kNoOffset;
  std::int32_t line = 0, column = 0;  // of `offset`, when known
  std::uint8_t keys = 0;  // members seen: 1 type, 2 id, 4 properties, 8 geometry
  enum class Has : std::uint8_t { absent, ok, bad };
  Has type = Has::absent;
  std::string type_got;
  IdValue id, prop_id;
  enum class Holder : std::uint8_t { absent, null, object, bad };
  Holder props = Holder::absent, geom = Holder::absent;
  std::string props_got, geom_got;
  bool prop_id_seen = false;
  std::uint8_t geom_keys = 0;  // 1 type, 2 coordinates
  enum class GType : std::uint8_t { absent, polygon, multipolygon, other, bad } gtype = GType::absent;
  std::string gtype_got;
  Holder coords = Holder::absent;  // `object` here: the list is there
  std::string coords_got;
  TokList toks;

  void reset(std::uint32_t i) {
    index = i;
    offset = kNoOffset;
    line = column = 0;
    keys = 0;
    type = Has::absent;
    type_got.clear();
    id = {};
    prop_id = {};
    props = geom = Holder::absent;
    props_got.clear();
    geom_got.clear();
    prop_id_seen = false;
    geom_keys = 0;
    gtype = GType::absent;
    gtype_got.clear();
    coords = Holder::absent;
    coords_got.clear();
    toks.clear();
  }
};

std::string json_quoted(std::string_view s) {
  json::value v(json::string_view(s.data(), s.size()));
  return gridroute::detail::brief(v);
}

std::string pointer_token(std::string_view s) {
  std::string p;
  gridroute::detail::append_token(p, s);
  return p;
}

class Reader {
 public:
  Reader(const CellsSource& src, CellOf cell_of, const GeoOptions& opt) : src_(src), cell_of_(cell_of), opt_(opt) {}

  // The bytes the parser reads now: `n` bytes at `p`, the first at offset `base` of the text (the text
  // after a byte order mark). A file read by chunks gives each in turn, with the end of the one before
  // (see Locator::load); `retire(to)` first, which counts the lines of the bytes before `to`.
  void set_chunk(const char* p, std::size_t n, std::size_t base) {
    chunk_ = p;
    chunk_len_ = n;
    base_ = base;
  }
  void retire(std::size_t to) {
    if (to > line_pos_) count_lines(to);
  }
  // True when a Feature's position needed bytes no longer held (whitespace or a key longer than what a
  // chunk keeps of the one before): the caller then reads the whole text again.
  bool need_whole() const { return need_whole_; }
  // The offset in the text of a byte of the current chunk, else kNoOffset.
  std::size_t offset_of(const char* p) const {
    const auto at = reinterpret_cast<std::uintptr_t>(p), b = reinterpret_cast<std::uintptr_t>(chunk_);
    return at >= b && at <= b + chunk_len_ ? base_ + static_cast<std::size_t>(at - b) : kNoOffset;
  }

  // ---- SAX events (see Handler below)
  bool object_begin(json::error_code& ec) {
    Slot s = take();
    switch (s) {
      case Slot::root: push(Ctx::root); break;
      case Slot::feature:
        if (!begin_feature(ec)) return false;
        push(Ctx::feature);
        break;
      case Slot::f_props:
        f_.props = FeatureState::Holder::object;
        push(src_.id_property ? Ctx::props : Ctx::skip);
        break;
      case Slot::f_geom:
        f_.geom = FeatureState::Holder::object;
        push(Ctx::geom);
        break;
      case Slot::coord:
        f_.toks.push({Tok::bad, 4});
        push(Ctx::skip);
        break;
      default:
        bad_value(s, "an object");
        push(Ctx::skip);
    }
    return true;
  }
  bool object_end() {
    Ctx c = stack_.back().ctx;
    stack_.pop_back();
    if (c == Ctx::feature) end_feature();
    return true;
  }
  bool array_begin() {
    Slot s = take();
    switch (s) {
      case Slot::features:
        push(Ctx::features);
        break;
      case Slot::g_coords:
        f_.coords = FeatureState::Holder::object;
        f_.toks.clear();
        [[fallthrough]];
      case Slot::coord:
        push(Ctx::coords);
        stack_.back().tok_begin = static_cast<std::uint32_t>(f_.toks.size());
        f_.toks.push({Tok::begin});
        break;
      default:
        bad_value(s, "a list");
        push(Ctx::skip);
    }
    return true;
  }
  bool array_end() {
    const Frame fr = stack_.back();
    stack_.pop_back();
    if (fr.ctx != Ctx::coords) return true;
    const std::size_t b = fr.tok_begin, n = f_.toks.size() - b - 1;  // tokens inside the list
    bool extra_numbers = true;
    for (std::size_t e = 3; e <= n && extra_numbers; ++e) extra_numbers = is_altitude(f_.toks[b + e]);
    if (n >= 2 && f_.toks[b + 1].kind == Tok::num && f_.toks[b + 2].kind == Tok::num && extra_numbers) {
      const double lon = f_.toks[b + 1].v, lat = f_.toks[b + 2].v;
      f_.toks.truncate(b);
      f_.toks.push({Tok::pos, 0, lon, lat});
    } else {
      f_.toks.push({Tok::end});
    }
    return true;
  }
  // `at`: the key's offset in the text, when it was read in one piece from the input (else kNoOffset).
  bool key(std::string_view k, std::size_t at_key) {
    Frame& fr = stack_.back();
    fr.next = Slot::ignore;
    // A repeated member of interest is an error; its pointer is built only then.
    // `in`: where the object is: nullptr for the root, else below the Feature ("", "/properties", "/geometry").
    auto dup = [&](std::uint8_t& seen, std::uint8_t bit, const char* in, std::string_view member) {
      if (seen & bit) {
        std::size_t at = at_key;
        std::string prefix = in ? cat(feature_pointer(), in) : std::string();
        error(cat(prefix, pointer_token(member)), "duplicate key", at == kNoOffset ? kNoOffset : at - 1);
        return true;
      }
      seen |= bit;
      return false;
    };
    switch (fr.ctx) {
      case Ctx::root:
        if (k == "type") {
          if (!dup(root_keys_, 1, nullptr, k)) fr.next = Slot::coll_type;
        } else if (k == "features") {
          if (!dup(root_keys_, 2, nullptr, k)) fr.next = Slot::features;
        }
        break;
      case Ctx::feature: {
        if (f_.keys == 0 && f_.offset == kNoOffset) {
          f_.offset = brace_before(at_key);
          if (f_.offset != kNoOffset) place_feature();
        }
        f_.keys |= 16;  // some member seen (for the offset)
        if (k == "type") {
          if (!dup(f_.keys, 1, "", k)) fr.next = Slot::f_type;
        } else if (k == "id" && !src_.id_property) {
          if (!dup(f_.keys, 2, "", k)) fr.next = Slot::f_id;
        } else if (k == "properties") {
          if (!dup(f_.keys, 4, "", k)) fr.next = Slot::f_props;
        } else if (k == "geometry") {
          if (!dup(f_.keys, 8, "", k)) fr.next = Slot::f_geom;
        }
        break;
      }
      case Ctx::props:
        if (stack_.size() == props_depth() && k == *src_.id_property) {
          std::uint8_t seen = f_.prop_id_seen ? 1 : 0;
          if (!dup(seen, 1, "/properties", k)) fr.next = Slot::p_id;
          f_.prop_id_seen = true;
        }
        break;
      case Ctx::geom:
        if (k == "type") {
          if (!dup(f_.geom_keys, 1, "/geometry", k)) fr.next = Slot::g_type;
        } else if (k == "coordinates") {
          if (!dup(f_.geom_keys, 2, "/geometry", k)) fr.next = Slot::g_coords;
        }
        break;
      default: break;
    }
    return true;
  }
  bool string(std::string_view s) {
    Slot slot = take();
    switch (slot) {
      case Slot::ignore: break;
      case Slot::coll_type:
        root_type_ = s == "FeatureCollection" ? 1 : 2;
        if (root_type_ == 2) root_type_got_ = json_quoted(s);
        break;
      case Slot::f_type:
        f_.type = s == "Feature" ? FeatureState::Has::ok : FeatureState::Has::bad;
        if (f_.type == FeatureState::Has::bad) f_.type_got = json_quoted(s);
        break;
      case Slot::f_id: f_.id = {IdValue::string, std::string(s)}; break;
      case Slot::p_id: f_.prop_id = {IdValue::string, std::string(s)}; break;
      case Slot::g_type:
        if (s == "Polygon") f_.gtype = FeatureState::GType::polygon;
        else if (s == "MultiPolygon") f_.gtype = FeatureState::GType::multipolygon;
        else {
          f_.gtype = FeatureState::GType::other;
          f_.gtype_got = json_quoted(s);
        }
        break;
      case Slot::coord: f_.toks.push({Tok::bad, 0}); break;
      default: bad_value(slot, json_quoted(s));
    }
    return true;
  }
  // A number; `text` is its JSON text; `integer` renders it in decimal when it is an integer.
  // `exact`, when given, is the number's binary64 value, already known to be correctly rounded.
  using Integer = absl::FunctionRef<std::string()>;
  bool number(std::string_view text, const Integer* integer, const double* exact = nullptr) {
    if (!stack_.empty() && stack_.back().ctx == Ctx::coords) [[likely]] {  // a coordinate: most of the numbers of a layer
      double v = 0;
      if (exact) f_.toks.push({Tok::num, 0, *exact});
      else if (detail::json_number_value(text, v)) f_.toks.push({Tok::num, 0, v});
      else f_.toks.push({Tok::bad, 5});
      return true;
    }
    Slot slot = take();
    switch (slot) {
      case Slot::ignore: break;
      case Slot::coord: {
        double v = 0;
        if (detail::json_number_value(text, v)) f_.toks.push({Tok::num, 0, v});
        else f_.toks.push({Tok::bad, 5, 0});
        break;
      }
      case Slot::f_id:
      case Slot::p_id: {
        IdValue& id = slot == Slot::f_id ? f_.id : f_.prop_id;
        if (integer) id = {IdValue::integer, (*integer)()};
        else if (gridroute::detail::integer_text(text)) id = {IdValue::integer, std::string(text)};  // past 64 bits: its digits are its decimal form
        else id = {IdValue::bad, cat(std::string_view(text), " (an integer is written without a fraction or exponent)")};
        break;
      }
      default: bad_value(slot, std::string(text));
    }
    return true;
  }
  bool literal(int what) {  // 1 true, 2 false, 3 null
    Slot slot = take();
    if (slot == Slot::ignore) return true;
    if (what == 3 && slot == Slot::f_props) f_.props = FeatureState::Holder::null;
    else if (what == 3 && slot == Slot::f_geom) f_.geom = FeatureState::Holder::null;
    else if (slot == Slot::coord) f_.toks.push({Tok::bad, static_cast<std::uint8_t>(what)});
    else bad_value(slot, what == 1 ? "true" : what == 2 ? "false" : "null");
    return true;
  }

  bool aborted() const { return aborted_; }
  std::size_t errors_total() const { return errors_total_; }

  // After the parse: the checks of the collection as a whole.
  void finish() {
    if (root_type_ == 0 && !root_not_object_)
      error("", "a GeoJSON FeatureCollection needs \"type\": \"FeatureCollection\"");
    else if (root_type_ == 2)
      error("/type", cat("must be \"FeatureCollection\", got ", root_type_got_));
    if (!(root_keys_ & 2) && !root_not_object_) error("", "a FeatureCollection needs \"features\": a list of Features");
  }

  std::vector<Error>& errors() { return errors_; }

  // The output, moved out once the parse succeeded.
  detail::PointArray pts;
  detail::HugeVector<detail::RingInfo> rings;
  detail::HugeVector<detail::PartInfo> parts;
  std::vector<std::uint32_t> part_feature;
  std::vector<detail::FeatureInfo> features_;

  void error(std::string pointer, std::string message, std::size_t offset = kNoOffset) {
    ++errors_total_;
    if (errors_.size() < opt_.max_errors) errors_.push_back({std::move(pointer), std::move(message), offset});
  }

 private:
  void push(Ctx c) { stack_.push_back({c, Slot::ignore}); }

  std::size_t props_depth() const { return feature_depth_ + 1; }

  Slot take() {
    if (stack_.empty()) {
      if (root_seen_) return Slot::ignore;
      root_seen_ = true;
      return Slot::root;
    }
    Frame& f = stack_.back();
    switch (f.ctx) {
      case Ctx::root:
      case Ctx::feature:
      case Ctx::geom: {
        Slot s = f.next;
        f.next = Slot::ignore;
        return s;
      }
      case Ctx::props: {
        Slot s = stack_.size() == props_depth() ? f.next : Slot::ignore;
        f.next = Slot::ignore;
        return s;
      }
      case Ctx::features: next_index_ = feature_count_++; return Slot::feature;
      case Ctx::coords: return Slot::coord;
      case Ctx::skip: return Slot::ignore;
    }
    return Slot::ignore;
  }

  std::string feature_pointer() const { return cat("/features/", f_.index); }

  // The offset of the '{' before a Feature's first key, when the key's offset is known.
  std::size_t brace_before(std::size_t at) {
    if (at == kNoOffset || at == 0) return kNoOffset;
    std::size_t i = at - 1;  // the opening quote
    auto byte = [&](std::size_t o) { return chunk_[o - base_]; };
    while (i > 0) {
      if (i - 1 < base_) {  // before the bytes held
        need_whole_ = true;
        return kNoOffset;
      }
      char c = byte(i - 1);
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r') --i;
      else break;
    }
    return i > 0 && byte(i - 1) == '{' ? i - 1 : i;
  }

  // Counts the lines up to `to` (offsets only grow): `line_` is then the line of `to`.
  void count_lines(std::size_t to) {
    const char* p = chunk_ + (line_pos_ - base_);
    const char* e = chunk_ + (to - base_);
    while (p < e && (p = static_cast<const char*>(std::memchr(p, '\n', static_cast<std::size_t>(e - p))))) {
      ++line_;
      line_start_ = base_ + static_cast<std::size_t>(++p - chunk_);
    }
    line_pos_ = to;
  }
  // The line and column of the Feature's offset.
  void place_feature() {
    if (f_.offset < line_pos_ || f_.offset < base_) {  // lines already counted past it
      need_whole_ = true;
      return;
    }
    count_lines(f_.offset);
    f_.line = line_;
    f_.column = static_cast<std::int32_t>(f_.offset - line_start_ + 1);
  }

  void bad_value(Slot s, const std::string& got) {
    switch (s) {
      case Slot::root:
        root_not_object_ = true;
        error("", cat("must be a GeoJSON FeatureCollection (an object with \"type\": \"FeatureCollection\"), got ", got));
        break;
      case Slot::coll_type: root_type_ = 2; root_type_got_ = got; break;
      case Slot::features: error("/features", cat("must be a list of Features, got ", got)); break;
      case Slot::feature: error(cat("/features/", next_index_), cat("a Feature must be an object, got ", got)); break;
      case Slot::f_type: f_.type = FeatureState::Has::bad; f_.type_got = got; break;
      case Slot::f_id: f_.id = {IdValue::bad, got}; break;
      case Slot::p_id: f_.prop_id = {IdValue::bad, got}; break;
      case Slot::f_props: f_.props = FeatureState::Holder::bad; f_.props_got = got; break;
      case Slot::f_geom: f_.geom = FeatureState::Holder::bad; f_.geom_got = got; break;
      case Slot::g_type: f_.gtype = FeatureState::GType::bad; f_.gtype_got = got; break;
      case Slot::g_coords: f_.coords = FeatureState::Holder::bad; f_.coords_got = got; break;
      default: break;
    }
  }

  bool begin_feature(json::error_code& ec) {
    if (next_index_ >= opt_.max_features) {
      error(cat("/features/", next_index_), cat("more than ", opt_.max_features, " Features (GeoOptions::max_features)"));
      aborted_ = true;
      ec = json::error::exception;
      return false;
    }
    f_.reset(static_cast<std::uint32_t>(next_index_));
    feature_depth_ = stack_.size() + 1;
    return true;
  }

  void end_feature();
  bool read_coordinates(std::vector<Pt>& out, std::vector<std::uint32_t>& ring_sizes,
                        std::vector<std::uint32_t>& part_rings, std::vector<std::uint32_t>& part_index);

  const char* chunk_ = nullptr;
  std::size_t chunk_len_ = 0, base_ = 0;
  bool need_whole_ = false;
  const CellsSource& src_;
  CellOf cell_of_;
  const GeoOptions& opt_;
  std::vector<Frame> stack_;
  bool root_seen_ = false, root_not_object_ = false, aborted_ = false;
  std::uint8_t root_keys_ = 0;
  int root_type_ = 0;  // 0 absent, 1 FeatureCollection, 2 something else
  std::string root_type_got_;
  std::size_t feature_count_ = 0, next_index_ = 0, feature_depth_ = 0;
  FeatureState f_;
  std::vector<Error> errors_;
  std::size_t errors_total_ = 0;
  absl::flat_hash_map<std::int32_t, std::uint32_t> cell_feature_;  // cell -> the Feature that gave it
  // Scratch of the current Feature's geometry.
  std::vector<Pt> tmp_pts_;
  std::vector<std::uint32_t> tmp_rings_, tmp_parts_, tmp_part_index_, path_;
  // The id of the Feature whose geometry is being read, when it is a cell (else null): an error in its
  // outline names the cell as well as the pointer (outline_error).
  const std::string* outline_of_ = nullptr;
  std::string outline_error(std::string message) const {
    return outline_of_ ? cat(message, " (cell ", json_quoted(*outline_of_), ")") : message;
  }
  // Line counting for Feature positions: the last offset counted, its line, and where that line starts
  // (offsets in the text).
  std::size_t line_pos_ = 0, line_start_ = 0;
  std::int32_t line_ = 1;
};

// Reads the token list of a geometry's "coordinates" as a Polygon or a MultiPolygon. Each error names
// its pointer below `base`. Returns false on any error.
bool Reader::read_coordinates(std::vector<Pt>& out, std::vector<std::uint32_t>& ring_sizes,
                              std::vector<std::uint32_t>& part_rings, std::vector<std::uint32_t>& part_index) {
  const TokList& t = f_.toks;
  std::size_t k = 0;
  std::vector<std::uint32_t>& path = path_;
  path.clear();
  bool ok = true;
  auto ptr = [&] {
    std::string p = cat(feature_pointer(), "/geometry/coordinates");
    for (auto i : path) gridroute::detail::append(p, "/", i);
    return p;
  };
  auto got = [&](const Tok& x) -> std::string {
    if (x.kind == Tok::begin) return "a list";
    if (x.kind == Tok::pos) return cat("a position [", x.v, ", ", x.w, "]");
    if (x.kind == Tok::num) return cat(x.v);
    return bad_name(x.what);
  };
  auto skip = [&] {
    if (t[k].kind != Tok::begin) {
      ++k;
      return;
    }
    int depth = 0;
    do {
      if (t[k].kind == Tok::begin) ++depth;
      else if (t[k].kind == Tok::end) --depth;
      ++k;
    } while (depth > 0);
  };
  auto fail = [&](std::string message) {
    error(ptr(), outline_error(std::move(message)));
    ok = false;
  };
  auto position = [&]() -> bool {
    if (t[k].kind == Tok::pos) {
      const double lon = t[k].v, lat = t[k].w;
      ++k;
      bool good = true;
      if (!(lon >= -180 && lon <= 180)) {
        path.push_back(0);
        fail(cat("longitude must be in [-180, 180], got ", lon));
        path.pop_back();
        good = false;
      }
      if (!(lat >= -90 && lat <= 90)) {
        path.push_back(1);
        fail(cat("latitude must be in [-90, 90], got ", lat));
        path.pop_back();
        good = false;
      }
      if (good) out.push_back({lon, lat});
      return good;
    }
    if (t[k].kind != Tok::begin) {
      fail(cat("a position must be a list [longitude, latitude], got ", got(t[k])));
      skip();
      return false;
    }
    ++k;
    std::uint32_t m = 0;
    double c[2] = {0, 0};
    bool good = true;
    while (t[k].kind != Tok::end) {
      path.push_back(m);
      static const char* names[] = {"longitude", "latitude", "altitude"};
      if (m >= 2 && is_altitude(t[k])) {
        ++k;  // ignored, whatever its size
      } else if (t[k].kind != Tok::num) {
        fail(m < 3 ? cat(names[m], " must be a number, got ", got(t[k]))
                   : cat("number ", m + 1, " of a position must be a number, got ", got(t[k])));
        good = false;
        skip();
      } else {
        double v = t[k].v;
        if (m == 0 && !(v >= -180 && v <= 180)) {
          fail(cat("longitude must be in [-180, 180], got ", v));
          good = false;
        } else if (m == 1 && !(v >= -90 && v <= 90)) {
          fail(cat("latitude must be in [-90, 90], got ", v));
          good = false;
        }
        if (m < 2) c[m] = v;
        ++k;
      }
      path.pop_back();
      ++m;
    }
    ++k;
    if (m < 2) {
      fail(cat("a position needs a longitude and a latitude, this one has ", m, m == 1 ? " number" : " numbers"));
      return false;
    }
    if (good) out.push_back({c[0], c[1]});
    return good;
  };
  auto ring = [&]() -> bool {
    if (t[k].kind != Tok::begin) {
      fail(cat("a ring must be a list of positions, got ", got(t[k])));
      skip();
      return false;
    }
    ++k;
    std::size_t start = out.size();
    std::uint32_t n = 0;
    bool good = true;
    while (t[k].kind != Tok::end) {
      // The common case first: a position in range (no pointer to build).
      if (t[k].kind == Tok::pos && t[k].v >= -180 && t[k].v <= 180 && t[k].w >= -90 && t[k].w <= 90) {
        out.push_back({t[k].v, t[k].w});
        ++k;
        ++n;
        continue;
      }
      path.push_back(n++);
      good &= position();
      path.pop_back();
    }
    ++k;
    if (!good) return false;
    if (n < 4) {
      fail(cat("a ring needs at least 4 positions (the last one repeating the first), this one has ", n));
      return false;
    }
    if (out[start].x != out.back().x || out[start].y != out.back().y) {
      fail(cat("the ring is not closed: its last position [", out.back().x, ", ", out.back().y,
               "] differs from its first [", out[start].x, ", ", out[start].y, "]"));
      return false;
    }
    ring_sizes.push_back(n);
    return true;
  };
  auto polygon = [&]() {
    if (t[k].kind != Tok::begin) {
      fail(cat("a polygon must be a list of rings, got ", got(t[k])));
      skip();
      return;
    }
    ++k;
    std::uint32_t n = 0;
    while (t[k].kind != Tok::end) {
      path.push_back(n++);
      ring();
      path.pop_back();
    }
    ++k;
    if (n > 0) {  // an empty polygon is no polygon (RFC 7946 §3.1)
      part_rings.push_back(n);
      part_index.push_back(path.empty() ? 0 : path.back());
    }
  };
  // t[0] is the "coordinates" list itself (a pos token when it is a list of two or three numbers).
  if (f_.gtype == FeatureState::GType::polygon) {
    polygon();
  } else if (t[k].kind != Tok::begin) {
    fail(cat("a MultiPolygon's coordinates must be a list of polygons, got ", got(t[k])));
  } else {
    ++k;
    std::uint32_t n = 0;
    while (t[k].kind != Tok::end) {
      path.push_back(n++);
      polygon();
      path.pop_back();
    }
  }
  return ok;
}

void Reader::end_feature() {
  using Holder = FeatureState::Holder;
  using GType = FeatureState::GType;
  const std::size_t before = errors_total_;
  // Pointers are built only for messages.
  auto fp = [&] { return feature_pointer(); };
  if (f_.type == FeatureState::Has::absent) error(fp(), "a Feature needs \"type\": \"Feature\"");
  else if (f_.type == FeatureState::Has::bad) error(fp() + "/type", cat("must be \"Feature\", got ", f_.type_got));

  // The cell.
  std::int32_t cell = kOutside;
  const IdValue& id = src_.id_property ? f_.prop_id : f_.id;
  auto id_ptr = [&] { return src_.id_property ? cat(fp(), "/properties", pointer_token(*src_.id_property)) : fp() + "/id"; };
  if (src_.id_property && f_.props == Holder::bad) {
    error(fp() + "/properties", cat("must be an object holding the cell id \"", *src_.id_property, "\", got ", f_.props_got));
  } else if (id.kind == IdValue::absent) {
    if (src_.id_property)
      error(f_.props == Holder::object ? fp() + "/properties" : fp(),
            cat("the Feature has no \"", *src_.id_property, "\" in its properties (the cell id, cells_geojson id_property)"));
    else
      error(fp(), "a Feature needs an \"id\": the cell it outlines (a string, or an integer)");
  } else if (id.kind == IdValue::bad) {
    error(id_ptr(), cat("the cell id must be a string or an integer, got ", id.text));
  } else {
    cell = cell_of_(id.text);
    if (cell < 0) {
      error(id_ptr(), cat(json_quoted(id.text), " is not a cell of the jurisdiction"));
      cell = kOutside;
    } else {
      auto [it, fresh] = cell_feature_.try_emplace(cell, f_.index);
      if (!fresh) {
        error(id_ptr(), cat("cell ", json_quoted(id.text), " is given twice (first by /features/", it->second, ")"));
        cell = kOutside;
      }
    }
  }

  // The geometry.
  outline_of_ = cell != kOutside ? &id.text : nullptr;
  tmp_pts_.clear();
  tmp_rings_.clear();
  tmp_parts_.clear();
  tmp_part_index_.clear();
  auto gp = [&] { return fp() + "/geometry"; };
  bool geometry_ok = false;
  switch (f_.geom) {
    case Holder::absent: error(fp(), "a Feature needs a \"geometry\" (null for a cell without a polygon)"); break;
    case Holder::bad: error(gp(), cat("must be a Polygon or MultiPolygon object, or null; got ", f_.geom_got)); break;
    case Holder::null: geometry_ok = true; break;
    case Holder::object:
      if (f_.gtype == GType::absent) error(gp(), "a geometry needs a \"type\": \"Polygon\" or \"MultiPolygon\"");
      else if (f_.gtype == GType::other || f_.gtype == GType::bad)
        error(gp() + "/type", cat("the geometry must be a \"Polygon\" or a \"MultiPolygon\", got ", f_.gtype_got));
      if (f_.coords == Holder::absent) error(gp(), "a geometry needs \"coordinates\"");
      else if (f_.coords == Holder::bad) error(gp() + "/coordinates", cat("must be a list, got ", f_.coords_got));
      if ((f_.gtype == GType::polygon || f_.gtype == GType::multipolygon) && f_.coords == Holder::object)
        geometry_ok = read_coordinates(tmp_pts_, tmp_rings_, tmp_parts_, tmp_part_index_);
      break;
  }
  if (errors_total_ != before || !geometry_ok || cell == kOutside) return;

  if (pts.size() + tmp_pts_.size() > std::min(opt_.max_positions, kHardMaxPositions)) {
    error(gp(), cat("more than ", std::min(opt_.max_positions, kHardMaxPositions),
                  " positions in the file (GeoOptions::max_positions)"));
    aborted_ = true;
    return;
  }
  const auto feature = static_cast<std::uint32_t>(features_.size());
  detail::FeatureInfo info;
  info.cell = cell;
  info.index = f_.index;
  if (f_.offset != kNoOffset) {  // counted when the offset was found (place_feature)
    info.line = f_.line;
    info.column = f_.column;
  }
  features_.push_back(info);
  std::size_t ring = 0;
  auto at = static_cast<std::uint32_t>(pts.size());
  for (std::uint32_t nr : tmp_parts_) {
    parts.push_back({static_cast<std::uint32_t>(rings.size()), cell});
    part_feature.push_back(feature);
    for (std::uint32_t r = 0; r < nr; ++r, ++ring) {
      rings.push_back({at, detail::kNoStrips});
      at += tmp_rings_[ring];
    }
  }
  pts.append(tmp_pts_.data(), tmp_pts_.size());
}

// Boost.JSON's SAX handler: forwards to the Reader, gathering split strings and numbers.
struct Handler {
  static constexpr std::size_t max_object_size = std::size_t(-1);
  static constexpr std::size_t max_array_size = std::size_t(-1);
  static constexpr std::size_t max_key_size = std::size_t(-1);
  static constexpr std::size_t max_string_size = std::size_t(-1);

  Reader* r;
  std::string buf;  // a key, string or number split across parser buffers
  // A key split across input chunks: where its first part starts and its last part ends in the text, while
  // the parts follow each other in the input (an escape sequence is not in the input as read).
  std::size_t key_at = kNoOffset, key_end = kNoOffset;

  explicit Handler(Reader* reader) : r(reader) {}

  std::string_view whole(json::string_view s) {
    if (buf.empty()) return {s.data(), s.size()};
    buf.append(s.data(), s.size());
    return buf;
  }

  bool on_document_begin(json::error_code&) { return true; }
  bool on_document_end(json::error_code&) { return true; }
  bool on_object_begin(json::error_code& ec) { return r->object_begin(ec); }
  bool on_object_end(std::size_t, json::error_code&) { return r->object_end(); }
  bool on_array_begin(json::error_code&) { return r->array_begin(); }
  bool on_array_end(std::size_t, json::error_code&) { return r->array_end(); }
  bool on_key_part(json::string_view s, std::size_t, json::error_code&) {
    const std::size_t at = r->offset_of(s.data());
    if (buf.empty()) key_at = at;
    else if (key_end == kNoOffset || at != key_end) key_at = kNoOffset;
    key_end = key_at == kNoOffset || at == kNoOffset ? kNoOffset : at + s.size();
    buf.append(s.data(), s.size());
    return true;
  }
  bool on_key(json::string_view s, std::size_t, json::error_code&) {
    const std::size_t at = r->offset_of(s.data());
    const std::size_t start = buf.empty() ? at : key_end != kNoOffset && at == key_end ? key_at : kNoOffset;
    bool ok = r->key(whole(s), start);
    buf.clear();
    key_at = key_end = kNoOffset;
    return ok;
  }
  bool on_string_part(json::string_view s, std::size_t, json::error_code&) {
    buf.append(s.data(), s.size());
    return true;
  }
  bool on_string(json::string_view s, std::size_t, json::error_code&) {
    bool ok = r->string(whole(s));
    buf.clear();
    return ok;
  }
  bool on_number_part(json::string_view s, json::error_code&) {
    buf.append(s.data(), s.size());
    return true;
  }
  bool on_int64(std::int64_t i, json::string_view s, json::error_code&) {
    auto render = [i] { return std::to_string(i); };
    Reader::Integer integer(render);
    bool ok = r->number(whole(s), &integer);
    buf.clear();
    return ok;
  }
  bool on_uint64(std::uint64_t u, json::string_view s, json::error_code&) {
    auto render = [u] { return std::to_string(u); };
    Reader::Integer integer(render);
    bool ok = r->number(whole(s), &integer);
    buf.clear();
    return ok;
  }
  bool on_double(double d, json::string_view s, json::error_code&) {
    // Boost.JSON 1.81 converts a number as (double)m / 10^k or (double)m * 10^k, m the integer of its
    // digits (detail::dec_to_float). With at most 15 digits and no exponent part (16 characters or
    // fewer, a sign and a point included), m and 10^k are exact doubles and that one operation is
    // correctly rounded (Clinger's fast path): its value can be used as is. Any other number is read
    // again from its text (number.hpp). geo_rules_test checks this against std::from_chars.
    std::string_view text = whole(s);
    bool plain = text.size() <= 16;
    for (std::size_t i = 0; plain && i < text.size(); ++i)
      plain = (text[i] | 0x20) != 'e';  // digits, '-' and '.' never become 'e'; 'E' does
    bool ok = r->number(text, nullptr, plain ? &d : nullptr);
    buf.clear();
    return ok;
  }
  bool on_bool(bool b, json::error_code&) { return r->literal(b ? 1 : 2); }
  bool on_null(json::error_code&) { return r->literal(3); }
  bool on_comment_part(json::string_view, json::error_code&) { return true; }
  bool on_comment(json::string_view, json::error_code&) { return true; }
};

// The index of the Features read.
std::shared_ptr<Locator::Impl> build_impl(Reader& reader, const std::string& label) {
  auto impl = std::make_shared<Locator::Impl>();
  impl->label = label;
  impl->pts = std::move(reader.pts);
  impl->pts.shrink_to_fit();
  // The closing entries: the end of the last ring, the end of the last part.
  reader.rings.push_back({static_cast<std::uint32_t>(impl->pts.size()), detail::kNoStrips});
  reader.parts.push_back({static_cast<std::uint32_t>(reader.rings.size() - 1), kOutside});
  impl->rings = std::move(reader.rings);
  impl->parts = std::move(reader.parts);
  impl->part_feature = std::move(reader.part_feature);
  impl->features = std::move(reader.features_);
  impl->rings.shrink_to_fit();
  impl->parts.shrink_to_fit();
  impl->part_feature.shrink_to_fit();
  impl->features.shrink_to_fit();
  impl->build_index();
  return impl;
}

// ---- A file given by chunks (CellsSource::read): the text is never held whole.
enum class Streamed { ok, read_error, again };  // again: read the whole text (errors are placed there)
constexpr std::size_t kKeepBytes = std::size_t{64} << 10;  // of the chunk before, for a Feature's '{'

// Bytes at the end of [p, p + n) that begin a UTF-8 sequence the next chunk completes. They are held back
// so that a key is never split inside a character (the parser would hand its parts over from a copy).
std::size_t incomplete_utf8_tail(const char* p, std::size_t n) {
  for (std::size_t k = 1; k <= 3 && k <= n; ++k) {
    const auto c = static_cast<unsigned char>(p[n - k]);
    if ((c & 0xC0) == 0x80) continue;  // a continuation byte
    const std::size_t len = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
    return len > k ? k : 0;
  }
  return 0;
}

bool blank(const char* p, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i)
    if (p[i] != ' ' && p[i] != '\t' && p[i] != '\n' && p[i] != '\r') return false;
  return true;
}

// Parses the file chunk by chunk; each chunk is kept with the last kKeepBytes of the one before (at most
// half a chunk), which is all a Feature's position looks back at (whitespace then its '{'); a Feature
// that needs more sends the load to the whole text.
Streamed stream_into(Reader& reader, const CellsChunks& source, const GeoOptions& opt) {
  json::parse_options po;
  po.max_depth = opt.max_json_depth;
  json::basic_parser<Handler> parser(po, &reader);
  const std::size_t chunk = std::max<std::size_t>(opt.read_chunk_bytes, 16);
  const std::size_t keep = std::min(kKeepBytes, chunk / 2);
  const std::size_t cap = keep + chunk;
  std::unique_ptr<char[]> buf(new char[cap]);
  // buf[0, kept): bytes of the chunk before: parsed ones [0, parsed), then held ones.
  std::size_t kept = 0, parsed = 0, base = 0;
  bool first = true, eof = false, done = false;
  json::error_code ec;
  while (!eof) {
    std::size_t n = kept;
    while (n < cap) {
      const std::ptrdiff_t got = source.read(buf.get() + n, cap - n);
      if (got < 0) return Streamed::read_error;
      if (got == 0) {
        eof = true;
        break;
      }
      n += static_cast<std::size_t>(got);
    }
    if (first) {
      first = false;
      if (n >= 3 && std::memcmp(buf.get(), "\xEF\xBB\xBF", 3) == 0) {  // offsets count from after the mark
        std::memmove(buf.get(), buf.get() + 3, n - 3);
        n -= 3;
      }
    }
    const std::size_t end = eof ? n : n - incomplete_utf8_tail(buf.get() + parsed, n - parsed);
    reader.set_chunk(buf.get(), end, base);
    std::size_t from = parsed;
    if (!done) {
      const std::size_t used = parser.write_some(!eof, buf.get() + from, end - from, ec);
      if (ec || reader.errors_total() != 0 || reader.aborted() || reader.need_whole()) return Streamed::again;
      done = parser.done();
      from += used;
    }
    if (done && !blank(buf.get() + from, end - from)) return Streamed::again;  // extra data
    if (eof) break;
    // Keep the end of this chunk (and the held bytes) for the next.
    const std::size_t keep_from = end > keep ? end - keep : 0;
    reader.retire(base + keep_from);
    std::memmove(buf.get(), buf.get() + keep_from, n - keep_from);
    base += keep_from;
    parsed = end - keep_from;
    kept = n - keep_from;
  }
  if (!done) return Streamed::again;
  reader.finish();
  return reader.errors().empty() && !reader.need_whole() ? Streamed::ok : Streamed::again;
}

}  // namespace

absl::StatusOr<Locator> Locator::load(const CellsSource& source, CellOf cell_of, std::vector<Diagnostic>* diagnostics,
                                      const GeoOptions& options) {
  return load(source, CellsChunks{}, cell_of, diagnostics, options);
}

absl::StatusOr<Locator> Locator::load(const CellsSource& source, const CellsChunks& chunks, CellOf cell_of,
                                      std::vector<Diagnostic>* diagnostics, const GeoOptions& options) {
  GeoOptions opt = options;
  if (opt.max_errors == 0) opt.max_errors = 1;
  opt.max_json_depth = std::min(opt.max_json_depth, kHardMaxDepth);
  std::string_view text = source.text;
  if (chunks.read) {
    {
      Reader reader(source, cell_of, opt);
      switch (stream_into(reader, chunks, opt)) {
        case Streamed::ok: return Locator(build_impl(reader, source.label));
        case Streamed::read_error: return absl::AbortedError(cat(source.label, ": the file could not be read"));
        case Streamed::again: break;
      }
    }
    // An error: it is placed (line, column, JSON pointer) in the whole text.
    std::optional<std::string_view> whole = chunks.whole ? chunks.whole() : std::nullopt;
    if (!whole) return absl::AbortedError(cat(source.label, ": the file could not be read"));
    text = *whole;
  }
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);

  std::vector<Diagnostic> out;
  auto refuse = [&](std::size_t total) -> absl::Status {
    std::string first = out.empty() ? std::string("no detail") : out.front().to_string();
    if (diagnostics) diagnostics->insert(diagnostics->end(), out.begin(), out.end());
    return absl::InvalidArgumentError(
        cat(source.label, " refused: ", total, total == 1 ? " error" : " errors", "; first: ", first));
  };
  auto fatal_at = [&](std::size_t offset, std::string message) {
    auto pos = gridroute::detail::position_of(text, offset);
    out.push_back({Diagnostic::Severity::error, source.label, pos.line, pos.column,
                   gridroute::detail::pointer_at(text.substr(0, offset + 1), offset), std::move(message)});
  };

  if (text.find_first_not_of(" \t\r\n") == std::string_view::npos) {
    out.push_back({Diagnostic::Severity::error, source.label, 0, 0, "", "the file is empty (expected a GeoJSON FeatureCollection)"});
    return refuse(1);
  }

  Reader reader(source, cell_of, opt);
  reader.set_chunk(text.data(), text.size(), 0);
  json::parse_options po;
  po.max_depth = opt.max_json_depth;
  json::basic_parser<Handler> parser(po, &reader);
  json::error_code ec;
  std::size_t used = parser.write_some(false, text.data(), text.size(), ec);
  if (ec == json::error::exponent_overflow && !reader.aborted()) {
    // Any exponent is JSON (an altitude of 1e99999999999 among them); Boost.JSON reads up to 2^31. The
    // text again with the larger ones cut to one that gives the same value, at the same positions.
    if (std::string capped = gridroute::detail::cap_exponents(text); !capped.empty()) {
      CellsSource again = source;
      again.text = capped;
      return load(again, CellsChunks{}, std::move(cell_of), diagnostics, options);
    }
  }
  if (ec && !reader.aborted()) {
    // Boost.JSON checks UTF-8 inside strings; say so plainly when that is why it stopped.
    std::size_t bad = 0;
    if (!gridroute::detail::valid_utf8(text, bad) && bad <= used + 4) {
      fatal_at(bad, cat("invalid UTF-8", gridroute::detail::encoding_hint(text, bad, gridroute::detail::TextKind::json)));
      return refuse(1);
    }
    std::string msg = ec == json::error::too_deep
                          ? cat("JSON nested deeper than ", opt.max_json_depth, " levels (GeoOptions::max_json_depth)")
                          : cat("invalid JSON: ", ec.message());
    // The errors found before the parser stopped are reported too.
    for (auto& e : reader.errors()) e.offset = e.offset == kNoOffset ? gridroute::detail::locate(text.substr(0, used), e.pointer) : e.offset;
    for (auto& e : reader.errors()) {
      auto pos = gridroute::detail::position_of(text, e.offset);
      out.push_back({Diagnostic::Severity::error, source.label, pos.line, pos.column, e.pointer, e.message});
    }
    fatal_at(used, std::move(msg));
    return refuse(reader.errors_total() + 1);
  }
  if (!ec && text.substr(used).find_first_not_of(" \t\r\n") != std::string_view::npos) {
    auto pos = gridroute::detail::position_of(text, used);
    out.push_back({Diagnostic::Severity::error, source.label, pos.line, pos.column, "",
                   "invalid JSON: extra data after the FeatureCollection"});
    return refuse(reader.errors_total() + 1);
  }
  if (!reader.aborted()) reader.finish();

  std::vector<Error>& errs = reader.errors();
  if (!errs.empty()) {
    // Positions of the pointers: one walk over the text for many, a skipping walk each for a few.
    std::vector<std::size_t> which;
    std::vector<std::string> pointers;
    for (std::size_t i = 0; i < errs.size(); ++i)
      if (errs[i].offset == kNoOffset) {
        which.push_back(i);
        pointers.push_back(errs[i].pointer);
      }
    std::vector<std::size_t> at;
    if (pointers.size() <= 8) {
      for (const auto& p : pointers) at.push_back(gridroute::detail::locate(text, p));
    } else {
      at = gridroute::detail::locate_many(text, pointers);
    }
    for (std::size_t k = 0; k < which.size(); ++k) errs[which[k]].offset = at[k];
    std::vector<std::size_t> offsets;
    for (const auto& e : errs) offsets.push_back(e.offset);
    auto pos = gridroute::detail::positions_of(text, offsets);
    for (std::size_t i = 0; i < errs.size(); ++i)
      out.push_back({Diagnostic::Severity::error, source.label, pos[i].line, pos[i].column, errs[i].pointer, errs[i].message});
    std::stable_sort(out.begin(), out.end(), [](const Diagnostic& a, const Diagnostic& b) {
      return a.line < b.line || (a.line == b.line && a.column < b.column);
    });
    if (reader.errors_total() > errs.size())
      out.push_back({Diagnostic::Severity::error, source.label, 0, 0, "",
                     cat(reader.errors_total() - errs.size(), " more errors not listed (GeoOptions::max_errors)")});
    return refuse(reader.errors_total());
  }
  return Locator(build_impl(reader, source.label));
}


}  // namespace gridroute::geo
