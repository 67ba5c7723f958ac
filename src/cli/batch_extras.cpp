// What `route` and `escalate` add around the codec (see batch_extras.hpp).
#include "cli/batch_extras.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <iostream>

#include <boost/json.hpp>

namespace gridroute::cli {
namespace {

constexpr std::string_view kStatuses[] = {"routed", "unrouted", "rejected"};
constexpr std::string_view kActions[] = {"none",     "hold",    "escalate",  "reopen",  "overdue",
                                         "redispatch", "dispute", "suspended", "rejected"};

}  // namespace

void Tally::count(std::string_view records) {
  // A record's status (action) is the first `"status": "` (`"action": "`) in it: the id before it is a
  // JSON string or number, in which that text cannot occur unescaped.
  const std::string_view key = route_ ? "\"status\": \"" : "\"action\": \"";
  while (!records.empty()) {
    const std::size_t end = records.find('\n');
    std::string_view rec = records.substr(0, end);
    records.remove_prefix(end == std::string_view::npos ? records.size() : end + 1);
    ++lines_;
    const std::size_t at = rec.find(key);
    if (at == std::string_view::npos) continue;
    std::string_view word = rec.substr(at + key.size());
    word = word.substr(0, word.find('"'));
    auto it = std::find_if(counts_.begin(), counts_.end(), [&](const auto& c) { return c.first == word; });
    if (it == counts_.end()) counts_.emplace_back(std::string(word), 1);
    else ++it->second;
  }
}

std::size_t Tally::rejected() const {
  for (const auto& [w, n] : counts_)
    if (w == "rejected") return n;
  return 0;
}

std::string Tally::summary() const {
  std::string s = std::to_string(lines_) + (lines_ == 1 ? " line" : " lines");
  bool first = true;
  auto add = [&](std::string_view word, std::size_t n) {
    s += first ? ": " : ", ";
    first = false;
    s += std::to_string(n) + " " + std::string(word);
  };
  auto count_of = [&](std::string_view w) -> std::size_t {
    for (const auto& [k, n] : counts_)
      if (k == w) return n;
    return 0;
  };
  if (route_) {
    for (auto w : kStatuses) add(w, count_of(w));
  } else {
    for (auto w : kActions)
      if (count_of(w) > 0) add(w, count_of(w));
  }
  return s;
}

void MappedBlocks::answer(std::span<const std::string_view> block, std::string& out, const BlockFn& inner) {
  mapped_.resize(block.size());
  refused_.assign(block.size(), std::string());
  views_.clear();
  std::string id, error;
  for (std::size_t i = 0; i < block.size(); ++i) {
    if (map_.apply(block[i], mapped_[i], id, error)) {
      views_.emplace_back(mapped_[i]);
      continue;
    }
    // The same record the codec writes for a bad line: id, status (action), error, bundle.
    std::string& r = refused_[i];
    r = "{\"id\": " + id + (route_ ? ", \"status\": \"rejected\"" : ", \"action\": \"rejected\"") + ", \"error\": " +
        boost::json::serialize(boost::json::value(boost::json::string_view(error.data(), error.size()))) +
        ", \"bundle\": \"" + digest_ + "\"}\n";
  }
  answers_.clear();
  if (!views_.empty()) inner(views_, answers_);
  // Interleave: the inner answers, one line each, in order, with the refused lines in their places.
  std::size_t pos = 0;
  for (std::size_t i = 0; i < block.size(); ++i) {
    if (!refused_[i].empty()) {
      out += refused_[i];
      continue;
    }
    const std::size_t end = answers_.find('\n', pos);
    out.append(answers_, pos, end - pos + 1);
    pos = end + 1;
  }
}

int BatchExtras::option(const std::string& command, const std::vector<std::string>& args, std::size_t& i) {
  const std::string& a = args[i];
  if (a == "--summary") {
    summary_ = true;
    return 0;
  }
  if (a == "--fail-on-rejected") {
    fail_on_rejected_ = true;
    return 0;
  }
  if (a == "--map" || a.starts_with("--map=")) {
    if (a.size() > 5) map_path_ = a.substr(6);
    else if (i + 1 < args.size()) map_path_ = args[++i];
    if (map_path_.empty()) {
      usage = command + ": --map needs a map file (docs/platform-input.md)";
      return 1;
    }
    return 0;
  }
  return -1;
}

bool BatchExtras::load_map() {
  if (map_path_.empty()) return true;
  std::vector<Diagnostic> errors;
  auto m = LineMap::load(map_path_, &errors);
  if (!m.ok()) {
    for (const auto& d : errors) std::cerr << d.to_string() << "\n";
    std::cerr << "gridroute: " << m.status().message() << "\n";
    return false;
  }
  map_.emplace(std::move(*m));
  return true;
}

void BatchExtras::begin(bool route, std::string_view digest, bool quiet) {
  // The records are counted only when the count is printed or decides the exit status.
  if (summary_ || fail_on_rejected_ || (!quiet && isatty(2))) tally_ = std::make_unique<Tally>(route);
  if (map_) mapped_ = std::make_unique<MappedBlocks>(*map_, route, digest);
}

BlockFn BatchExtras::block(BlockFn decide) {
  return [this, decide = std::move(decide)](std::span<const std::string_view> lines, std::string& out) {
    const std::size_t before = out.size();
    if (mapped_) mapped_->answer(lines, out, decide);
    else decide(lines, out);
    if (tally_) tally_->count(std::string_view(out).substr(before));
  };
}

std::function<void(std::size_t, std::string&)> BatchExtras::too_long(std::function<void(std::size_t, std::string&)> inner) {
  return [this, inner = std::move(inner)](std::size_t length, std::string& out) {
    const std::size_t before = out.size();
    inner(length, out);
    if (tally_) tally_->count(std::string(out.substr(before)) + "\n");
  };
}

int BatchExtras::finish(const std::string& command, int status, bool quiet) {
  if (status == 141) return status;  // a closed pipe: nobody is reading, say nothing
  if (!tally_) return status;
  if (summary_ || (!quiet && isatty(2))) std::cerr << "gridroute " << command << ": " << tally_->summary() << "\n";
  if (status == 0 && fail_on_rejected_ && tally_->rejected() > 0) return kExitRejected;
  return status;
}

}  // namespace gridroute::cli
