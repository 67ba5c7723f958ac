// What `route` and `escalate` add around the codec (see batch_extras.hpp).
#include "cli/batch_extras.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <climits>
#include <cstdio>
#include <fstream>
#include <iostream>

#include <boost/json.hpp>

#include "cli/usage.hpp"
#include "io/lines.hpp"

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
    if (word == "rejected" && first_rejected_.size() < kShown) {
      // The error, read from the record: a JSON string after "error":.
      std::string error;
      boost::system::error_code ec;
      auto v = boost::json::parse(boost::json::string_view(rec.data(), rec.size()), ec);
      if (!ec && v.is_object())
        if (const auto* e = v.as_object().if_contains("error"); e && e->is_string()) error = e->get_string();
      first_rejected_.emplace_back(lines_, std::move(error));
    }
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
    else if (i + 1 < args.size() && !is_option_like(args[i + 1])) map_path_ = args[++i];
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

std::vector<std::size_t> line_numbers_of_records(const std::string& path, std::size_t max_line_bytes,
                                                 const std::vector<std::size_t>& records) {
  std::vector<std::size_t> out(records.size(), 0);
  if (records.empty()) return out;
  std::ifstream f(path, std::ios::binary);
  std::string raw;
  std::size_t line = 0, record = 0, k = 0;
  bool first = true;
  while (k < records.size() && std::getline(f, raw)) {
    ++line;
    std::string_view v(raw);
    std::uint64_t length = 0;
    const bool counted = detail::frame_line(v, raw.size(), first, max_line_bytes, length) != detail::Framed::blank;
    first = false;
    if (!counted) continue;
    ++record;
    while (k < records.size() && records[k] == record) out[k++] = line;
  }
  return out;
}

int BatchExtras::finish(const std::string& command, int status, bool quiet, const std::string& input,
                        std::size_t max_line_bytes) {
  if (status == 141) return status;  // a closed pipe: nobody is reading, say nothing
  if (!tally_) return status;
  if (summary_ || (!quiet && isatty(2))) {
    std::cerr << "gridroute " << command << ": " << tally_->summary() << "\n";
    // Where the first rejected lines are, as FILE:LINE (a pipe's lines by their record's number).
    const auto& shown = tally_->first_rejected();
    std::vector<std::size_t> records;
    for (const auto& [r, e] : shown) records.push_back(r);
    struct stat st;
    const bool file = input != "-" && ::stat(input.c_str(), &st) == 0 && S_ISREG(st.st_mode);
    const std::vector<std::size_t> lines =
        file ? line_numbers_of_records(input, max_line_bytes, records) : std::vector<std::size_t>(records.size(), 0);
    for (std::size_t i = 0; i < shown.size(); ++i) {
      Diagnostic d;  // FILE:LINE: message, with control characters written out
      d.file = input == "-" ? "standard input" : input;
      d.line = static_cast<int>(std::min<std::size_t>(lines[i], INT_MAX));
      d.message = lines[i] > 0 ? "rejected: " + shown[i].second
                               : "record " + std::to_string(shown[i].first) + " rejected: " + shown[i].second;
      std::cerr << "gridroute " << command << ": " << d.to_string() << "\n";
    }
    if (tally_->rejected() > shown.size())
      std::cerr << "gridroute " << command << ": ... and " << tally_->rejected() - shown.size() << " more rejected\n";
  }
  if (status == 0 && fail_on_rejected_ && tally_->rejected() > 0) return kExitRejected;
  return status;
}

}  // namespace gridroute::cli
