// Readers for the parts of the format that are not plain described structs.
#include "load/reader.hpp"

#include "base/time.hpp"

namespace gridroute::detail {

bool Reader::read(const json::value& v, spec::Unit& out) {
  if (!v.is_object()) return type_error(v, "an object");
  static constexpr std::string_view kFields[] = {"id", "tier", "parent", "name"};
  const json::object& o = v.get_object();
  // A field that is not the unit's but reads as one of its fields misspelt: the unit's field it may be
  // (one the unit lacks, for a string: "parnt", "nmae"), else "".
  std::string misspelt_of;
  const auto misspelt = [&](std::string_view key, bool string) -> const std::string& {
    Suggest near(key);
    for (std::string_view known : kFields)
      if (!string || !o.contains(known)) near.consider(known);
    misspelt_of = near.best();
    return misspelt_of;
  };
  bool ok = true;
  std::string_view meant_for_required;
  for (const auto& kv : o) {
    std::string_view key = kv.key();
    Step s(*this, key);
    if (key == "id") ok = read(kv.value(), out.id) && ok;
    else if (key == "tier") ok = read(kv.value(), out.tier) && ok;
    else if (key == "parent") ok = read(kv.value(), out.parent) && ok;
    else if (key == "name") ok = read(kv.value(), out.name) && ok;
    else if (kv.value().is_string()) {
      // An extra field is kept as a string (SPEC §2.1), unless it reads as a field of the unit that the
      // unit lacks: then it is one error (cli.md), not a unit without a parent or a name besides.
      if (const std::string& meant = misspelt(key, true); !meant.empty()) {
        error(detail::cat("unknown field '", key, "' (did you mean '", meant, "'?)"));
        if (meant == "id" || meant == "tier") meant_for_required = meant == "id" ? "id" : "tier";
        ok = false;
      } else {
        out.extra.emplace_back(std::string(key), std::string(kv.value().get_string()));
      }
    } else {
      std::string message = detail::cat("unknown field '", key,
                                        "' must be a string (extra unit fields are kept as strings), got ", brief(kv.value()));
      // Nothing reads an extra field: without it the unit is read whole, and is still checked with the
      // others (SPEC §2: every error found). One that may be a misspelt field of the unit (a "parnet"
      // missing from it) leaves the unit broken.
      if (const std::string& meant = misspelt(key, false); !meant.empty()) {
        // One the unit lacks is that field misspelt, said as for a string; else the type is the error.
        if (!o.contains(meant)) {
          error(detail::cat("unknown field '", key, "' (did you mean '", meant, "'?)"));
          if (meant == "id" || meant == "tier") meant_for_required = meant == "id" ? "id" : "tier";
        } else {
          error(std::move(message));
        }
        ok = false;
      } else {
        benign_error(std::move(message));
      }
    }
  }
  for (std::string_view req : {std::string_view("id"), std::string_view("tier")}) {
    if (!o.contains(req) && meant_for_required != req) {
      error(detail::cat("missing field '", req, "'"));
      ok = false;
    }
  }
  return ok;
}

bool Reader::read(const json::value& v, spec::CellsGeojson& out) {
  if (v.is_string()) return read(v, out.file);
  if (!v.is_object()) return type_error(v, "a file name or {\"file\": ..., \"id_property\": ...}");
  bool ok = true;
  for (const auto& kv : v.get_object()) {
    std::string_view key = kv.key();
    Step s(*this, key);
    if (key == "file") ok = read(kv.value(), out.file) && ok;
    else if (key == "id_property") {
      ok = read(kv.value(), out.id_property) && ok;
      if (out.id_property && out.id_property->empty()) {
        error("must name a property of the features, got \"\"");
        ok = false;
      }
    }
    else {
      error(detail::cat("unknown field '", key, "' (cells_geojson has file and id_property)"));
      ok = false;
    }
  }
  if (!v.get_object().contains("file")) {
    error("missing field 'file'");
    ok = false;
  }
  return ok;
}

namespace {

using Op = spec::Condition::Op;
struct OpName {
  std::string_view name;
  Op op;
};
constexpr OpName kCompareOps[] = {{"eq", Op::eq}, {"ne", Op::ne}, {"lt", Op::lt}, {"le", Op::le},
                                  {"gt", Op::gt}, {"ge", Op::ge}, {"in", Op::in}, {"exists", Op::exists}};
// Operators as other query languages spell them: their suggestion is certain ("gte" is ge, not gt).
constexpr std::pair<std::string_view, std::string_view> kOpAliases[] = {
    {"gte", "ge"}, {"lte", "le"}, {"neq", "ne"}, {"equals", "eq"}, {"==", "eq"}, {"!=", "ne"},
    {"<", "lt"},   {"<=", "le"},  {">", "gt"},   {">=", "ge"},       {"not_eq", "ne"}};

}  // namespace

bool Reader::read(const json::value& v, spec::Condition& out) {
  if (!v.is_object()) return type_error(v, "a condition object");
  out.pointer = pointer_;
  // Hardening: cap the nesting of conditions (see kMaxConditionDepth).
  if (condition_depth_ >= kMaxConditionDepth) {
    error(detail::cat("condition nested deeper than ", kMaxConditionDepth, " levels (the condition depth limit)"));
    return false;
  }
  struct DepthGuard {
    std::size_t& d;
    explicit DepthGuard(std::size_t& x) : d(x) { ++d; }
    ~DepthGuard() { --d; }
  } guard(condition_depth_);
  const json::object& o = v.get_object();
  if (o.contains("attr")) {
    bool ok = true;
    {
      Step s(*this, "attr");
      ok = read(o.at("attr"), out.attr);
    }
    int ops = 0, unknown = 0;
    for (const auto& kv : o) {
      std::string_view key = kv.key();
      if (key == "attr") continue;
      Step s(*this, key);
      const OpName* found = nullptr;
      for (const auto& on : kCompareOps)
        if (on.name == key) found = &on;
      if (!found) {
        Suggest near(key);
        for (const auto& on : kCompareOps) near.consider(on.name);
        std::string best = near.found() ? near.best() : "";
        for (const auto& [alias, op] : kOpAliases)
          if (alias == key) best = op;
        error(detail::cat("unknown field '", key, "' in a condition",
                          !best.empty() ? detail::cat(" (did you mean '", best, "'?)")
                                        : std::string(" (operators: eq ne lt le gt ge in exists)")));
        ok = false;
        ++unknown;
        continue;
      }
      ++ops;
      out.op = found->op;
      const json::value& val = kv.value();
      if (found->op == Op::exists) {
        bool b = false;
        if (read(val, b)) out.value = b;
        else ok = false;
      } else if (found->op == Op::in) {
        if (!val.is_array()) {
          type_error(val, "a list");
          ok = false;
          continue;
        }
        std::size_t i = 0;
        for (const auto& item : val.get_array()) {
          Step si(*this, i++);
          if (item.is_bool()) out.list.emplace_back(item.get_bool());
          else if (item.is_number() && !std::isfinite(item.to_number<double>())) {
            type_error(item, "a finite number (within double range)");  // hardening: 1e400
            ok = false;
          } else if (item.is_number()) out.list.emplace_back(item.to_number<double>());
          else if (item.is_string()) out.list.emplace_back(std::string(item.get_string()));
          else {
            type_error(item, "a bool, number or string");
            ok = false;
          }
        }
      } else if (val.is_bool()) {
        out.value = val.get_bool();
      } else if (val.is_number() && !std::isfinite(val.to_number<double>())) {
        type_error(val, "a finite number (within double range)");  // hardening: 1e400
        ok = false;
      } else if (val.is_number()) {
        out.value = val.to_number<double>();
      } else if (val.is_string()) {
        out.value = std::string(val.get_string());
      } else {
        type_error(val, "a bool, number or string");
        ok = false;
      }
    }
    // A misspelt operator is the cause: the missing operator it leaves is not a second error.
    if (ops != 1 && !(ops == 0 && unknown > 0)) {
      error(ops == 0 ? "a condition on 'attr' needs one operator: eq ne lt le gt ge in exists"
                     : "a condition on 'attr' takes exactly one operator");
      ok = false;
    }
    return ok;
  }
  if (o.size() != 1) {
    // Name the keys that do not belong beside the first condition keyword, when there is one.
    static constexpr std::string_view kKinds[] = {"all", "any", "not", "local_time", "workday"};
    const json::key_value_pair* first = nullptr;
    for (const auto& kv : o)
      for (auto k : kKinds)
        if (!first && kv.key() == k) first = &kv;
    if (!first) {
      error("a condition is one of {\"attr\": A, OP: V}, {\"all\": [...]}, {\"any\": [...]}, {\"not\": C}, "
            "{\"local_time\": [FROM, TO]}, {\"workday\": true|false}");
      return false;
    }
    for (const auto& kv : o) {
      if (&kv == first) continue;
      Step s(*this, kv.key());
      error(detail::cat("unknown field '", std::string_view(kv.key()), "' beside '", std::string_view(first->key()),
                        "' (a condition has exactly one of all, any, not, local_time, workday, or attr with one operator)"));
    }
    return false;
  }
  const auto& kv = *o.begin();
  std::string_view key = kv.key();
  Step s(*this, key);
  if (key == "all" || key == "any") {
    out.op = key == "all" ? Op::all : Op::any;
    return read(kv.value(), out.children);
  }
  if (key == "not") {
    out.op = Op::not_;
    out.children.emplace_back();
    return read(kv.value(), out.children.back());
  }
  if (key == "workday") {
    out.op = Op::workday;
    return read(kv.value(), out.workday);
  }
  if (key == "local_time") {
    out.op = Op::local_time;
    const json::value& w = kv.value();
    if (!w.is_array() || w.get_array().size() != 2)
      return type_error(w, "a list of two times [\"HH:MM\", \"HH:MM\"]");
    // An element that is not a time is named at its own position.
    for (std::size_t i = 0; i < 2; ++i)
      if (!w.get_array()[i].is_string()) {
        Step si(*this, i);
        return type_error(w.get_array()[i], "a time \"HH:MM\"");
      }
    bool ok = true;
    for (int i = 0; i < 2; ++i) {
      Step si(*this, static_cast<std::size_t>(i));
      auto c = parse_clock(std::string(w.get_array()[i].get_string()), true);
      if (!c.ok()) {
        error(std::string(c.status().message()));
        ok = false;
      } else {
        (i == 0 ? out.window_begin : out.window_end) = *c;
      }
    }
    return ok;
  }
  Suggest near(key);
  for (std::string_view k : {"all", "any", "not", "local_time", "workday", "attr"}) near.consider(k);
  error(detail::cat("unknown field '", key, "' in a condition",
                    near.found() ? detail::cat(" (did you mean '", near.best(), "'?)") : std::string()));
  return false;
}

}  // namespace gridroute::detail
