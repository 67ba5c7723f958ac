// gridroute_peers_bench: the peers' decision workload (../shared/peers/gen_workload.py, converted with
// to_spec.py) through the C++ API, timed and verified the way the peers' harnesses are (lib.js `bench`):
// only the decide loop is timed; the answers are checked against expected.jsonl (rule rN <-> `rule: N`,
// role <-> `handler_role`); one JSON line with median_dps, runs, checksum and mismatches is printed.
//
//   gridroute_peers_bench SPEC_DIR PEER_DIR [--runs 5] [--limit N] [--threads 1]
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <thread>

#include <boost/json.hpp>

#include "common.hpp"

namespace json = boost::json;
using namespace grbench;

int main(int argc, char** argv) {
  if (argc < 3) {
    std::cerr << "usage: gridroute_peers_bench SPEC_DIR PEER_DIR [--runs R] [--limit N] [--threads T]\n";
    return 2;
  }
  std::string spec = argv[1], peer = argv[2];
  int runs = 5;
  unsigned threads = 1;
  std::size_t limit = ~std::size_t{0};
  for (int i = 3; i + 1 < argc; i += 2) {
    std::string a = argv[i];
    if (a == "--runs") runs = std::atoi(argv[i + 1]);
    else if (a == "--limit") limit = std::strtoull(argv[i + 1], nullptr, 10);
    else if (a == "--threads") threads = static_cast<unsigned>(std::atoi(argv[i + 1]));
  }
  auto t0 = std::chrono::steady_clock::now();
  std::shared_ptr<const Snapshot> snap = load_or_die(spec);
  double setup = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

  // The issues, as the CLI would read them (string ids).
  Workload w;
  w.dir = spec;
  w.snap = snap;
  setenv("GRIDROUTE_BENCH_ISSUES", std::to_string(limit).c_str(), 1);
  need_issues(w);
  const std::size_t n = w.issues.size();

  // The decide loop: Snapshot::route per issue (prepare, scan, resolve, deadlines); answers = rule index.
  std::vector<std::int32_t> rule(n, -1);
  std::vector<double> dps;
  for (int r = 0; r < runs; ++r) {
    auto a = std::chrono::steady_clock::now();
    auto work = [&](std::size_t b, std::size_t e) {
      for (std::size_t i = b; i < e; ++i) {
        Decision d = snap->route(w.issues[i]);
        rule[i] = d.status == Decision::Status::routed ? d.rule : -1;
      }
    };
    if (threads <= 1) {
      work(0, n);
    } else {
      std::vector<std::thread> pool;
      for (unsigned t = 0; t < threads; ++t) pool.emplace_back(work, n * t / threads, n * (t + 1) / threads);
      for (auto& th : pool) th.join();
    }
    double dt = std::chrono::duration<double>(std::chrono::steady_clock::now() - a).count();
    dps.push_back(static_cast<double>(n) / dt);
    std::fprintf(stderr, "  gridroute-cpp run %d/%d: %.0f decisions/s (%.3f s)\n", r + 1, runs, dps.back(), dt);
  }

  // Verify against expected.jsonl and compute the peers' checksum.
  const std::int64_t MOD = 1000000007;
  std::int64_t checksum = 0;
  std::size_t mismatches = 0;
  std::ifstream exp(peer + "/expected.jsonl");
  std::string line;
  std::vector<std::string> role_of(snap->rule_count());
  for (std::size_t i = 0; i < n; ++i) {
    if (!std::getline(exp, line)) {
      std::cerr << "expected.jsonl is shorter than the issues\n";
      return 1;
    }
    json::object e = json::parse(line).as_object();
    std::int64_t id = e.at("id").to_number<std::int64_t>();
    std::int64_t want = e.at("rule").is_null() ? 0 : e.at("rule").to_number<std::int64_t>();
    std::string want_role = e.at("handler_role").is_null() ? "" : std::string(e.at("handler_role").as_string());
    std::int64_t got = 0;
    std::string got_role;
    if (rule[i] >= 0) {
      const std::string rid(snap->rule_id(rule[i]));  // "rN"
      got = std::strtoll(rid.c_str() + 1, nullptr, 10);
      Decision d = snap->route(w.issues[i]);
      got_role = std::string(snap->role_name(d.role));
      if (auto dep = snap->department(d.role); !dep.empty()) got_role += ":" + std::string(dep);
    }
    std::string issue_id(w.issues[i].id);
    if (issue_id != "i" + std::to_string(id) || got != want || got_role != want_role) {
      if (mismatches < 10)
        std::fprintf(stderr, "MISMATCH line %zu issue %s: expected rule %lld (%s), got %lld (%s)\n", i + 1,
                     issue_id.c_str(), static_cast<long long>(want), want_role.c_str(), static_cast<long long>(got),
                     got_role.c_str());
      ++mismatches;
    }
    checksum = (checksum + (id * got) % MOD) % MOD;
  }
  std::int64_t expected_checksum = -1;
  std::size_t meta_issues = 0;
  {
    std::ifstream m(peer + "/meta.json");
    std::string text((std::istreambuf_iterator<char>(m)), std::istreambuf_iterator<char>());
    if (!text.empty()) {
      json::object meta = json::parse(text).as_object();
      expected_checksum = meta.at("checksum").to_number<std::int64_t>();
      meta_issues = meta.at("issues").to_number<std::size_t>();
    }
  }
  double med = median(dps);
  std::printf("gridroute-cpp: median %.0f decisions/s over %d runs of %zu issues; checksum %lld; mismatches vs "
              "expected: %zu\n",
              med, runs, n, static_cast<long long>(checksum), mismatches);
  json::object res;
  res["engine"] = threads > 1 ? "gridroute-cpp-" + std::to_string(threads) + "threads" : "gridroute-cpp";
  res["data"] = spec;
  res["rules"] = snap->rule_count();
  res["issues"] = n;
  res["threads"] = threads;
  res["setup_s"] = setup;
  json::array rs;
  for (double x : dps) rs.push_back(static_cast<std::int64_t>(x));
  res["runs"] = rs;
  res["median_dps"] = static_cast<std::int64_t>(med);
  res["checksum"] = checksum;
  if (n == meta_issues) res["expected_checksum"] = expected_checksum;
  else res["expected_checksum"] = "n/a (subset; see mismatches)";
  res["mismatches"] = mismatches;
  std::printf("%s\n", json::serialize(res).c_str());
  return mismatches ? 1 : 0;
}
