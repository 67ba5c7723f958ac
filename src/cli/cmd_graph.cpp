// `gridroute graph BUNDLE [--root UNIT] [--depth N]` (SPEC §8): the unit tree and the handlers that serve
// each unit, as Graphviz DOT written by Boost.Graph's write_graphviz. Render with `dot -Tsvg`.
#include <map>
#include <sstream>

#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/graphviz.hpp>

#include "base/strings.hpp"
#include "base/text.hpp"
#include "cli/help.hpp"
#include "base/suggest.hpp"
#include "cli/tool_common.hpp"
#include "cli/tools.hpp"
#include "compile/index.hpp"

namespace gridroute::cli {
using detail::append;
using detail::append_hex;
using detail::cat;

namespace {

struct Node {
  std::string id;     // the DOT node id: "unit:ID" or "handler:ID" (units and handlers may share an id)
  std::string attrs;  // [label=..., shape=...]
};
struct Edge {
  std::string attrs;
};
// Unit names are often Chinese: a CJK font first (Debian's fonts-wqy-microhei or fonts-noto-cjk).
constexpr const char* kFonts = "WenQuanYi Micro Hei,Noto Sans CJK SC,sans-serif";

using Graph = boost::adjacency_list<boost::vecS, boost::vecS, boost::directedS, Node, Edge>;

// A DOT quoted string; "\n" in `text` becomes a line break of the label, other control characters
// (which a unit's name may hold, and a NUL that ends the file for Graphviz) are shown as \xNN.
std::string dot_quoted(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '"') out += "\\\"";
    else if (c == '\\') out += "\\\\";
    else if (c == '\n') out += "\\n";
    else if (u < 0x20 || u == 0x7F) {
      out += "\\\\x";
      append_hex(out, u);
    } else out.push_back(c);
  }
  return out + "\"";
}

std::string_view fill_for_role(std::string_view role) {
  if (role == "resident_council") return "#e3f2e6";
  if (role == "property_manager") return "#fdf0d8";
  if (role == "enforcement_squad") return "#fbe1de";
  if (role == "partner_department") return "#e1ecfa";
  return "#eee6f6";  // a role the bundle declares
}

}  // namespace

int cmd_graph(const std::vector<std::string>& args) {
  std::vector<std::string> pos;
  std::string root_id;
  std::size_t depth = std::size_t(-1);
  SeenOptions seen;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--help" || a == "-h") return print_out(kGraphHelp);
    if (const std::string twice = seen.repeated(a); !twice.empty())
      return usage_error("graph: " + twice + " is given twice" +
                         (twice == "--root" ? std::string(" (one unit roots the drawing)") : std::string()));
    if (is_option(a, "--root")) {
      auto v = option_value(args, i, "--root");
      if (!v || v->empty()) return usage_error("graph: --root needs a unit id");
      root_id = *v;
    } else if (is_option(a, "--depth")) {
      auto v = option_value(args, i, "--depth");
      if (!v || !parse_count(*v, 0, 1000, depth)) return usage_error("graph: --depth needs a count from 0 to 1000");
    } else if (is_option_like(a)) {
      return usage_error("graph: unknown option " + a);
    } else {
      pos.push_back(a);
    }
  }
  if (pos.empty()) return usage_error("graph: missing BUNDLE");
  if (pos.size() > 1) return usage_error("graph: takes one BUNDLE");
  auto snap = load_reporting(pos[0]);
  if (!snap) return 1;
  const detail::Index& s = snap->index();
  UnitId root = s.root;
  if (!root_id.empty()) {
    root = s.find_unit(root_id);
    if (root == kNone) {
      detail::Suggest near(root_id);
      for (std::size_t u = 0; u < s.unit_count(); ++u) near.consider(s.unit_id(static_cast<UnitId>(u)));
      return usage_error("graph: --root: no unit '" + root_id + "' in " + pos[0] + near.hint());
    }
  }

  // The units below `root` to `depth` levels, in tree order (the Euler tour).
  const std::size_t n = s.unit_count();
  std::vector<UnitId> by_tin(n);
  for (std::size_t u = 0; u < n; ++u) by_tin[static_cast<std::size_t>(s.hot[u].tin)] = static_cast<UnitId>(u);
  std::vector<std::size_t> level(n, 0);
  Graph g;
  std::vector<Graph::vertex_descriptor> vertex(n, Graph::null_vertex());
  for (auto p = s.hot[root].tin; p < s.hot[root].tout; ++p) {
    const UnitId u = by_tin[static_cast<std::size_t>(p)];
    if (u != root) level[u] = level[s.hot[u].parent] + 1;
    if (level[u] > depth) continue;
    std::string label = cat(s.unit_id(u), "\n");
    if (auto name = s.unit_name(u); !name.empty()) append(label, name, "\n");
    append(label, "(", s.tiers[s.hot[u].tier], ")");
    const std::int32_t below = s.hot[u].tout - s.hot[u].tin - 1;
    if (level[u] == depth && below > 0) append(label, "\n+", below, below == 1 ? " unit below" : " units below");
    const bool cell = s.hot[u].tier == s.cell_tier;
    vertex[u] = boost::add_vertex(
        Node{cat("unit:", s.unit_id(u)),
             cat("[label=", dot_quoted(label), ", shape=box, style=\"rounded,filled\", fillcolor=\"",
                 cell ? "#ffffff" : "#f1f4f8", "\"]")},
        g);
    if (u != root) boost::add_edge(vertex[s.hot[u].parent], vertex[u], Edge{"[color=\"#5b6b7b\"]"}, g);
  }
  // Handlers: one node each, a dashed edge to every shown unit it serves; a handler that serves an
  // ancestor of the root serves the root's units too, and is drawn to the root ("via" that ancestor).
  std::vector<std::uint8_t> above(n, 0);
  for (UnitId u = s.hot[root].parent; u != kNone; u = s.hot[u].parent) above[u] = 1;
  for (std::size_t h = 0; h < s.handler_ids.size(); ++h) {
    Graph::vertex_descriptor hv = Graph::null_vertex();
    auto node = [&] {
      if (hv != Graph::null_vertex()) return hv;
      const RoleKeyId k = s.handler_role[h];
      std::string label = cat(s.handler_ids[h], "\n", s.role_name(k));
      if (auto d = s.department(k); !d.empty()) append(label, " / ", d);
      hv = boost::add_vertex(Node{cat("handler:", s.handler_ids[h]),
                                  cat("[label=", dot_quoted(label), ", shape=ellipse, style=filled, fillcolor=\"",
                                      fill_for_role(s.role_name(k)), "\"]")},
                             g);
      return hv;
    };
    for (UnitId u : s.serves_of(static_cast<HandlerId>(h))) {
      if (vertex[u] != Graph::null_vertex())
        boost::add_edge(node(), vertex[u], Edge{"[style=dashed, color=\"#8a97a6\", arrowhead=open]"}, g);
      else if (above[u])
        boost::add_edge(node(), vertex[root],
                        Edge{cat("[style=dotted, color=\"#8a97a6\", arrowhead=open, label=", dot_quoted(cat("via ", s.unit_id(u))),
                                 ", fontsize=9]")},
                        g);
    }
  }
  std::ostringstream dot;
  boost::write_graphviz(
      dot, g, [&](std::ostream& o, Graph::vertex_descriptor v) { o << g[v].attrs; },
      [&](std::ostream& o, Graph::edge_descriptor e) { o << g[e].attrs; },
      [&](std::ostream& o) {
        o << "label=" << dot_quoted(cat(s.name.empty() ? pos[0] : s.name, ": units and who serves them")) << ";\n"
          << "labelloc=t;\nrankdir=LR;\nranksep=0.5;\nnodesep=0.15;\n"
          << "fontname=\"" << kFonts << "\";\nnode [fontname=\"" << kFonts << "\", fontsize=10];\n"
          << "edge [fontname=\"" << kFonts << "\", arrowsize=0.6];\n";
      },
      boost::get(&Node::id, g));
  return print_out(dot.str());
}

}  // namespace gridroute::cli
