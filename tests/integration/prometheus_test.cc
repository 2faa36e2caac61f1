// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// Scrapes /metrics while a real run goes on and parses the exposition text.
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <future>
#include <map>
#include <sstream>
#include <string>
#include <thread>

#include <httplib.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "run_support.h"

namespace iopulse::test {
namespace {

// name{labels} -> value, for sample lines.
std::map<std::string, double> parse_samples(const std::string& text) {
  std::map<std::string, double> samples;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line[0] == '#') continue;
    const size_t space = line.rfind(' ');
    samples[line.substr(0, space)] = std::stod(line.substr(space + 1));
  }
  return samples;
}

TEST(Prometheus, MetricsAreServedDuringTheRun) {
  ScratchDir dir;
  const int port = free_ports(1)[0];
  auto run = std::async(std::launch::async, [&] {
    return run_iopulse({dir.file("f"), "--file-size", "8M", "--random", "--read-percent", "50", "--threads",
                        "2", "--duration", "3s", "--stats-interval", "200ms", "--prometheus-port",
                        std::to_string(port), "-q"});
  });
  httplib::Client client("127.0.0.1", port);
  client.set_connection_timeout(1);
  std::map<std::string, double> samples;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (std::chrono::steady_clock::now() < deadline) {
    auto res = client.Get("/metrics");
    if (res && res->status == 200) {
      samples = parse_samples(res->body);
      if (samples["iopulse_running"] == 1 && samples["iopulse_ops_total{op=\"read\"}"] > 0) break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_EQ(samples["iopulse_running"], 1);
  EXPECT_GT(samples["iopulse_ops_total{op=\"read\"}"], 0);
  EXPECT_GT(samples["iopulse_ops_total{op=\"write\"}"], 0);
  EXPECT_GT(samples["iopulse_latency_seconds_count{op=\"read\"}"], 0);
  EXPECT_TRUE(samples.count("iopulse_interval_latency_seconds{op=\"read\",quantile=\"0.99\"}"));
  EXPECT_GT(samples["iopulse_worker_ops_total{op=\"read\",worker=\"0\"}"], 0);
  EXPECT_GT(samples["iopulse_worker_ops_total{op=\"read\",worker=\"1\"}"], 0);
  const RunOutcome r = run.get();
  EXPECT_EQ(r.exit_code, 0) << r.err;
}

// The counters of a run's earlier metadata phases go on through the later
// ones: while a stat mix runs, the tree's mkdir and the file creation's
// creates are still there, at the numbers the results give them.
TEST(Prometheus, EarlierMetadataPhasesKeepTheirCountersInLaterOnes) {
  ScratchDir dir;
  std::filesystem::create_directory(dir.file("t"));
  const int port = free_ports(1)[0];
  const std::string json = dir.file("out.json");
  auto run = std::async(std::launch::async, [&] {
    return run_iopulse({dir.file("t"), "--md-phases", "tree-create,file-create,mix", "--md-items", "200",
                        "--md-mix", "stat:100", "--duration", "1500ms", "--stats-interval", "100ms",
                        "--prometheus-port", std::to_string(port), "--json-output", json, "-q"});
  });
  httplib::Client client("127.0.0.1", port);
  client.set_connection_timeout(1);
  std::map<std::string, double> during;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (std::chrono::steady_clock::now() < deadline) {
    auto res = client.Get("/metrics");
    if (res && res->status == 200) {
      std::map<std::string, double> samples = parse_samples(res->body);
      if (samples["iopulse_running"] == 1 && samples["iopulse_ops_total{op=\"stat\"}"] > 0) {
        during = std::move(samples);
        break;
      }
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  const RunOutcome r = run.get();
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ASSERT_FALSE(during.empty()) << "never scraped the mix phase";
  const auto j = nlohmann::json::parse(read_file(json));
  EXPECT_EQ(j["metadata"]["create"]["ops"].get<double>(), 200);
  EXPECT_EQ(during["iopulse_ops_total{op=\"create\"}"], j["metadata"]["create"]["ops"].get<double>());
  EXPECT_EQ(during["iopulse_ops_total{op=\"mkdir\"}"], j["metadata"]["mkdir"]["ops"].get<double>());
  EXPECT_GT(during["iopulse_ops_total{op=\"mkdir\"}"], 0);
}

// A scraper polling once every 700 ms sees the final numbers (every IO of
// the run, the last interval's included) before the endpoint closes.
TEST(Prometheus, LastIntervalIsScrapedBeforeTheEndpointCloses) {
  ScratchDir dir;
  const int port = free_ports(1)[0];
  const std::string json = dir.file("out.json");
  auto run = std::async(std::launch::async, [&] {
    return run_iopulse({dir.file("f"), "--file-size", "8M", "--random", "--duration", "1500ms", "--stats-interval",
                        "500ms", "--prometheus-port", std::to_string(port), "--json-output", json, "-q"});
  });
  httplib::Client client("127.0.0.1", port);
  client.set_connection_timeout(1);
  std::map<std::string, double> last;
  bool served = false;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (std::chrono::steady_clock::now() < deadline) {
    auto res = client.Get("/metrics");
    if (res && res->status == 200) {
      served = true;
      last = parse_samples(res->body);
    } else if (served) {
      break;  // the endpoint has closed
    }
    if (run.wait_for(std::chrono::milliseconds(700)) == std::future_status::ready && served) {
      // The process is gone; one more try finds nothing.
      if (!client.Get("/metrics")) break;
    }
  }
  const RunOutcome r = run.get();
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ASSERT_TRUE(served);
  const auto j = nlohmann::json::parse(read_file(json));
  EXPECT_EQ(last["iopulse_running"], 0);
  EXPECT_EQ(last["iopulse_ops_total{op=\"read\"}"], j["read"]["ops"].get<double>());
}

TEST(Prometheus, BusyPortIsAUsageErrorBeforeAnythingIsTouched) {
  ScratchDir dir;
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  ASSERT_EQ(listen(fd, 1), 0);
  socklen_t len = sizeof addr;
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  const RunOutcome r = run_iopulse({dir.file("f"), "--file-size", "1M", "--prometheus-port",
                                    std::to_string(ntohs(addr.sin_port))});
  close(fd);
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("Address already in use"), std::string::npos) << r.err;
  EXPECT_EQ(access(dir.file("f").c_str(), F_OK), -1) << "the target was created";
}

}  // namespace
}  // namespace iopulse::test
