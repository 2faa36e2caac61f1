// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// A real Prometheus server (Debian's `prometheus`) scrapes two runs at once,
// as it would two hosts of a fleet, and its HTTP API answers queries over
// what it stored: the info metric names both runs, histogram_quantile()
// finds each run's known latency (the null engine completes every IO after
// a set delay) and the p99 of both together, which only buckets that add
// across hosts can give.  `promtool check metrics` passes on the text.
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <future>
#include <string>
#include <thread>
#include <vector>

#include <httplib.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "json_support.h"
#include "run_support.h"

namespace iopulse::test {
namespace {

constexpr const char* kPrometheus = "/usr/bin/prometheus";
constexpr const char* kPromtool = "/usr/bin/promtool";

// The value of an instant query's single sample; NaN when there is none.
double single_value(httplib::Client& api, const std::string& query) {
  auto res = api.Get("/api/v1/query", httplib::Params{{"query", query}}, httplib::Headers{});
  if (!res || res->status != 200) return std::nan("");
  const auto j = nlohmann::json::parse(res->body);
  const auto& result = j["data"]["result"];
  if (result.size() != 1) return std::nan("");
  return std::stod(result[0]["value"][1].get<std::string>());
}

nlohmann::json query(httplib::Client& api, const std::string& q) {
  auto res = api.Get("/api/v1/query", httplib::Params{{"query", q}}, httplib::Headers{});
  if (!res || res->status != 200) return nlohmann::json();
  return nlohmann::json::parse(res->body)["data"]["result"];
}

TEST(PrometheusServer, ScrapesTwoRunsAndAggregatesTheirHistograms) {
  if (access(kPrometheus, X_OK) != 0 || access(kPromtool, X_OK) != 0) {
    GTEST_SKIP() << "prometheus is not installed (scripts/test.sh installs it)";
  }
  ScratchDir dir;
  const std::vector<int> ports = free_ports(3);  // fast run, slow run, server
  const int server_port = ports[2];
  {
    std::ofstream config(dir.file("prometheus.yml"));
    config << "global:\n  scrape_interval: 250ms\n  scrape_timeout: 200ms\n"
           << "scrape_configs:\n  - job_name: iopulse\n    static_configs:\n"
           << "      - targets: ['127.0.0.1:" << ports[0] << "', '127.0.0.1:" << ports[1] << "']\n";
  }
  auto server = std::async(std::launch::async, [&] {
    return run_command({"/usr/bin/timeout", "120", kPrometheus, "--config.file=" + dir.file("prometheus.yml"),
                        "--storage.tsdb.path=" + dir.file("tsdb"),
                        "--web.listen-address=127.0.0.1:" + std::to_string(server_port), "--web.enable-lifecycle"});
  });
  httplib::Client api("127.0.0.1", server_port);
  api.set_connection_timeout(1);
  bool ready = false;
  for (int i = 0; i < 100 && !ready; ++i) {
    auto res = api.Get("/-/ready");
    ready = res && res->status == 200;
    if (!ready) std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  ASSERT_TRUE(ready) << "prometheus did not start";

  // Two "hosts": IOs of 5 ms and of 40 ms; the fast one does several times
  // as many, so together their p50 is the fast one's and their p99 the slow
  // one's.  The fast one also syncs (every 8th write).  The runs last until
  // Prometheus has stored enough scrapes of both (a loaded machine starts the
  // server's scrapes late), then both are interrupted, as Ctrl-C would.
  auto scraped_both = [server_port] {
    httplib::Client own("127.0.0.1", server_port);  // called from both runs' threads
    own.set_connection_timeout(1);
    const auto enough = query(own, "count_over_time(iopulse_ops_total{op=\"read\"}[5m]) >= 8");
    return enough.size() == 2;
  };
  auto run = [&](int port, const std::string& delay_us, const std::string& name, const std::string& json,
                 std::vector<std::string> extra) {
    std::vector<std::string> args{dir.file(name), "--engine", "null", "--null.delay-us", delay_us,
                                  "--file-size", "1G", "--read-percent", "50", "--duration", "60s",
                                  "--stats-interval", "250ms", "--prometheus-port", std::to_string(port),
                                  "--job-name", name, "--json-output", json, "-q"};
    args.insert(args.end(), extra.begin(), extra.end());
    return std::async(std::launch::async,
                      [args, &scraped_both] { return run_iopulse_and_signal_when(args, scraped_both, SIGINT); });
  };
  auto fast = run(ports[0], "5000", "fast", dir.file("fast.json"), {"--fsync-every", "8"});
  auto slow = run(ports[1], "40000", "slow", dir.file("slow.json"), {});

  // promtool on what the endpoint serves mid-run.
  httplib::Client target("127.0.0.1", ports[0]);
  target.set_connection_timeout(1);
  std::string body;
  for (int i = 0; i < 200 && body.find("iopulse_ops_total{op=\"read\"}") == std::string::npos; ++i) {
    auto res = target.Get("/metrics");
    if (res && res->status == 200) body = res->body;
    else std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_NE(body.find("iopulse_ops_total{op=\"read\"}"), std::string::npos) << body;
  {
    std::ofstream f(dir.file("metrics.txt"));
    f << body;
  }
  const RunOutcome lint =
      run_command({"/bin/sh", "-c", std::string(kPromtool) + " check metrics < '" + dir.file("metrics.txt") + "'"});
  EXPECT_EQ(lint.exit_code, 0) << lint.out << lint.err << "\n" << body;
  EXPECT_NE(body.find("\n# TYPE iopulse_latency_seconds histogram\n"), std::string::npos);

  const RunOutcome fast_run = fast.get(), slow_run = slow.get();
  ASSERT_EQ(fast_run.exit_code, 130) << fast_run.err;
  ASSERT_EQ(slow_run.exit_code, 130) << slow_run.err;

  // The info metric of each run: versions and the job's name.
  const auto info = query(api, "max_over_time(iopulse_run_info[5m])");
  ASSERT_EQ(info.size(), 2u) << info.dump();
  const auto fast_json = read_json(dir.file("fast.json"));
  for (const auto& series : info) {
    const auto& m = series["metric"];
    EXPECT_EQ(m["engine"], "null");
    EXPECT_EQ(m["version"], fast_json["iopulse_version"]);
    EXPECT_EQ(m["engine_version"], fast_json["engine"]["version"]);
    EXPECT_EQ(m["engine_abi"], fast_json["engine"]["abi"]);
    EXPECT_TRUE(m["job_name"] == "fast" || m["job_name"] == "slow") << m.dump();
  }

  // Latency quantiles from the buckets Prometheus stored (the last value of
  // each cumulative bucket).  Bounds are powers of two times 125 ns; a busy
  // machine may wake the engine late, so a latency of 5 ms is taken to lie
  // in [5 ms, 16.384 ms], one of 40 ms in [40 ms, 131.072 ms].
  auto quantile = [&](double q, const std::string& instance_port) {
    std::string selector = "iopulse_latency_seconds_bucket{op=\"read\"";
    if (!instance_port.empty()) selector += ",instance=\"127.0.0.1:" + instance_port + "\"";
    selector += "}";
    return single_value(api, "histogram_quantile(" + std::to_string(q) + ", sum by (le) (max_over_time(" +
                                 selector + "[5m])))");
  };
  const double p50_fast = quantile(0.5, std::to_string(ports[0]));
  const double p50_slow = quantile(0.5, std::to_string(ports[1]));
  EXPECT_GE(p50_fast, 0.005);
  EXPECT_LE(p50_fast, 0.016384);
  EXPECT_GE(p50_slow, 0.040);
  EXPECT_LE(p50_slow, 0.131072);
  // Both hosts together: most IOs are fast ones, the slowest 1% slow ones.
  const double p50_all = quantile(0.5, "");
  const double p99_all = quantile(0.99, "");
  EXPECT_GE(p50_all, 0.005);
  EXPECT_LE(p50_all, 0.016384);
  EXPECT_GE(p99_all, 0.032768);
  EXPECT_LE(p99_all, 0.131072);

  // Counters: each kind its own series; syncs are not counted as writes.
  const double writes = single_value(
      api, "max_over_time(iopulse_ops_total{op=\"write\",instance=\"127.0.0.1:" + std::to_string(ports[0]) + "\"}[5m])");
  const double syncs = single_value(
      api, "max_over_time(iopulse_ops_total{op=\"sync\",instance=\"127.0.0.1:" + std::to_string(ports[0]) + "\"}[5m])");
  EXPECT_GT(writes, 0);
  EXPECT_LE(writes, fast_json["write"]["ops"].get<double>());
  EXPECT_NEAR(syncs, writes / 8, 2) << "syncs " << syncs << ", writes " << writes;
  EXPECT_TRUE(query(api, "max_over_time(iopulse_ops_total{op=\"sync\",instance=\"127.0.0.1:" +
                             std::to_string(ports[1]) + "\"}[5m])")
                  .empty());

  api.Post("/-/quit");
  server.get();
}

}  // namespace
}  // namespace iopulse::test
