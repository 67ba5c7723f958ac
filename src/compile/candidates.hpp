// Internal: the candidate rules of a category, in winning order (SPEC §3.1, §3.3), from the pattern
// groups of the index (compile/index.hpp).
#pragma once

#include <span>
#include <string_view>
#include <vector>

#include "absl/container/inlined_vector.h"
#include "compile/index.hpp"

namespace gridroute::detail {

// The groups whose pattern matches a code, least specific first: `*`, the prefixes, the code itself.
using GroupChain = absl::InlinedVector<std::int32_t, 8>;

// The groups of `code` (precomputed for a declared category of a taxonomy, else looked up).
void groups_for(const Index& s, std::string_view code, CategoryId category, GroupChain& out);
// The last group of that chain (the most specific: the exact code, else the longest prefix, else `*`),
// without gathering the others; -1 when the chain is empty.
std::int32_t last_group_for(const Index& s, std::string_view code, CategoryId category);

// Whether rule `r`, a candidate of the group at position `at` of `chain`, is also a candidate of a more
// specific group of the chain: only its most specific pattern counts (SPEC §3.3 specificity).
inline bool dominated(const Index& s, RuleId r, std::span<const std::int32_t> chain, std::size_t at) {
  std::span<const std::int32_t> mine = s.groups_of_rule(r);
  if (mine.empty()) return false;
  for (std::size_t k = at + 1; k < chain.size(); ++k)
    if (std::binary_search(mine.begin(), mine.end(), chain[k])) return true;
  return false;
}

// How many rules are candidates of the chain (each once).
std::size_t candidate_count(const Index& s, std::span<const std::int32_t> chain);

// Builds Index::merged from the pattern groups and their candidates (after compiling, and after opening a
// compiled file): at most `budget` merged candidates in all.
void build_merged_chains(Index& s, std::size_t budget);
// The budget compiling and opening use: four times the candidates, at least 262,144 (about 6 MB).
std::size_t merged_chain_budget(const Index& s);

// The scope index of the candidates [first, first + count) of `candidates`: nodes and positions appended
// (to the index's columns, or to the merged tables' vectors).
template <class Nodes, class Positions>
void build_group_scope_index(std::span<const Candidate> candidates, Index::PatternGroup& g, Nodes& nodes,
                             Positions& positions);

// Every candidate of `code` (of `category` when declared), each rule once, in winning order: in the
// index itself when a single group holds them, else gathered into `scratch` and sorted.
void candidates_for(const Index& s, std::string_view code, CategoryId category, std::vector<Candidate>& scratch,
                    std::span<const Candidate>& out);

}  // namespace gridroute::detail
