// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// PrometheusExporter over real sockets, on 127.0.0.1 only.  Every exporter
// is stopped by the end of its test (explicitly or by its destructor).
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <stdexcept>
#include <string>
#include <system_error>
#include <thread>

#include <httplib.h>

#include "report/prometheus_exporter.h"
#include "report/prometheus_text.h"

namespace iopulse {
namespace {

using Clock = std::chrono::steady_clock;

httplib::Result scrape(uint16_t port, const std::string& path = "/metrics") {
  httplib::Client client("127.0.0.1", port);
  client.set_connection_timeout(2, 0);
  client.set_read_timeout(5, 0);
  client.set_write_timeout(5, 0);
  return client.Get(path.c_str());
}

MetricsSnapshot snapshot_with_reads(uint64_t reads) {
  MetricsSnapshot s;
  s.running = true;
  s.elapsed_ns = reads * 1'000'000;
  s.job[OpKind::kRead]->ops = reads;
  s.job[OpKind::kRead]->bytes = reads * 4096;
  s.job[OpKind::kRead]->latency_count = reads;
  s.workers.push_back({"0", {}});
  s.workers[0].ops[OpKind::kRead] = s.job[OpKind::kRead];
  return s;
}

TEST(PrometheusExporterTest, ServesMetricsOnAPickedLocalPort) {
  PrometheusExporter exporter("127.0.0.1", 0);
  EXPECT_EQ(exporter.port(), 0);
  exporter.start();
  ASSERT_NE(exporter.port(), 0);

  const auto res = scrape(exporter.port());
  ASSERT_TRUE(res) << httplib::to_string(res.error());
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(res->get_header_value("Content-Type"), "text/plain; version=0.0.4; charset=utf-8");
  // Before the first publish(): the empty snapshot.
  EXPECT_EQ(res->body, render_prometheus_text(MetricsSnapshot{}));
  EXPECT_NE(res->body.find("\niopulse_running 0\n"), std::string::npos);
  exporter.stop();
}

TEST(PrometheusExporterTest, PublishChangesWhatTheNextScrapeReturns) {
  PrometheusExporter exporter("127.0.0.1", 0);
  exporter.start();

  exporter.publish(snapshot_with_reads(1000));
  auto res = scrape(exporter.port());
  ASSERT_TRUE(res) << httplib::to_string(res.error());
  EXPECT_EQ(res->body, render_prometheus_text(snapshot_with_reads(1000)));
  EXPECT_NE(res->body.find("\niopulse_ops_total{op=\"read\"} 1000\n"), std::string::npos);
  EXPECT_NE(res->body.find("\niopulse_worker_ops_total{op=\"read\",worker=\"0\"} 1000\n"),
            std::string::npos);

  MetricsSnapshot done = snapshot_with_reads(2500);
  done.running = false;
  exporter.publish(done);
  res = scrape(exporter.port());
  ASSERT_TRUE(res) << httplib::to_string(res.error());
  EXPECT_EQ(res->body, render_prometheus_text(done));
  EXPECT_NE(res->body.find("\niopulse_ops_total{op=\"read\"} 2500\n"), std::string::npos);
  EXPECT_NE(res->body.find("\niopulse_running 0\n"), std::string::npos);
}

TEST(PrometheusExporterTest, ServesGzipWhenAskedLikePrometheusDoes) {
  PrometheusExporter exporter("127.0.0.1", 0);
  exporter.start();
  exporter.publish(snapshot_with_reads(42));
  httplib::Client client("127.0.0.1", exporter.port());
  client.set_connection_timeout(2, 0);
  client.set_read_timeout(5, 0);
  const auto res = client.Get("/metrics", {{"Accept-Encoding", "gzip"}});
  ASSERT_TRUE(res) << httplib::to_string(res.error());
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(res->get_header_value("Content-Encoding"), "gzip");
  EXPECT_EQ(res->body, render_prometheus_text(snapshot_with_reads(42)));  // decompressed
}

TEST(PrometheusExporterTest, OtherPathsAreNotFound) {
  PrometheusExporter exporter("127.0.0.1", 0);
  exporter.start();
  for (const char* path : {"/", "/metric", "/metrics/x", "/favicon.ico"}) {
    const auto res = scrape(exporter.port(), path);
    ASSERT_TRUE(res) << path << ": " << httplib::to_string(res.error());
    EXPECT_EQ(res->status, 404) << path;
  }
}

TEST(PrometheusExporterTest, ScrapesDuringPublishingSeeWholeSnapshots) {
  PrometheusExporter exporter("127.0.0.1", 0);
  exporter.start();
  std::atomic<bool> stop{false};
  std::thread publisher([&] {
    // Bounded: at most 5000 snapshots, about one per 100 us.
    for (uint64_t i = 1; i <= 5000 && !stop.load(); ++i) {
      exporter.publish(snapshot_with_reads(i));
      std::this_thread::sleep_for(std::chrono::microseconds(100));
    }
  });
  uint64_t last = 0;
  for (int i = 0; i < 20; ++i) {
    const auto res = scrape(exporter.port());
    ASSERT_TRUE(res) << httplib::to_string(res.error());
    ASSERT_EQ(res->status, 200);
    // Whichever snapshot it was, it was served whole, and never an older one.
    const std::string key = "\niopulse_ops_total{op=\"read\"} ";
    const size_t at = res->body.find(key);
    ASSERT_NE(at, std::string::npos);
    const uint64_t reads = std::stoull(res->body.substr(at + key.size()));
    EXPECT_GE(reads, last);
    last = reads;
    if (reads > 0) {
      EXPECT_EQ(res->body, render_prometheus_text(snapshot_with_reads(reads)));
    }
  }
  stop = true;
  publisher.join();
}

TEST(PrometheusExporterTest, BusyPortFailsStartWithTheCause) {
  PrometheusExporter first("127.0.0.1", 0);
  first.start();
  const uint16_t port = first.port();

  PrometheusExporter second("127.0.0.1", port);
  try {
    second.start();
    FAIL() << "a second exporter could listen on the same port";
  } catch (const std::system_error& e) {
    EXPECT_EQ(e.code().value(), EADDRINUSE);
    const std::string p = std::to_string(port);
    EXPECT_EQ(std::string(e.what()), "--prometheus-port " + p + ": cannot listen on 127.0.0.1:" +
                                         p + ": Address already in use");
  }
  EXPECT_EQ(second.port(), 0);
  second.stop();  // a no-op: it never started

  // The first one still serves.
  const auto res = scrape(port);
  ASSERT_TRUE(res) << httplib::to_string(res.error());
  EXPECT_EQ(res->status, 200);
}

TEST(PrometheusExporterTest, StartTwiceIsALogicError) {
  PrometheusExporter exporter("127.0.0.1", 0);
  exporter.start();
  EXPECT_THROW(exporter.start(), std::logic_error);
}

TEST(PrometheusExporterTest, StopIsPromptAndClosesThePort) {
  PrometheusExporter exporter("127.0.0.1", 0);
  exporter.start();
  const uint16_t port = exporter.port();
  ASSERT_TRUE(scrape(port));

  const auto t0 = Clock::now();
  exporter.stop();
  EXPECT_LT(Clock::now() - t0, std::chrono::milliseconds(500));
  exporter.stop();  // idempotent

  const auto res = scrape(port);
  EXPECT_FALSE(res) << "still served after stop()";
}

TEST(PrometheusExporterTest, StopRightAfterStartDoesNotHang) {
  for (int i = 0; i < 20; ++i) {
    PrometheusExporter exporter("127.0.0.1", 0);
    exporter.start();
    const auto t0 = Clock::now();
    exporter.stop();
    EXPECT_LT(Clock::now() - t0, std::chrono::milliseconds(500));
  }
}

TEST(PrometheusExporterTest, AnIdleClientDelaysStopOnlyBriefly) {
  PrometheusExporter exporter("127.0.0.1", 0);
  exporter.start();

  // Connects and never sends a request.
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  ASSERT_GE(fd, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(exporter.port());
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0) << errno;
  std::this_thread::sleep_for(std::chrono::milliseconds(50));  // let a request thread take it

  const auto t0 = Clock::now();
  exporter.stop();
  EXPECT_LT(Clock::now() - t0, std::chrono::milliseconds(2500));
  ::close(fd);
}

TEST(PrometheusExporterTest, DestructorStops) {
  uint16_t port = 0;
  {
    PrometheusExporter exporter("127.0.0.1", 0);
    exporter.start();
    port = exporter.port();
    ASSERT_TRUE(scrape(port));
  }
  EXPECT_FALSE(scrape(port));
}

TEST(PrometheusExporterTest, ServesOnLocalhostByName) {
  PrometheusExporter exporter("localhost", 0);
  exporter.start();
  httplib::Client client("localhost", exporter.port());
  client.set_connection_timeout(2, 0);
  client.set_read_timeout(5, 0);
  const auto res = client.Get("/metrics");
  ASSERT_TRUE(res) << httplib::to_string(res.error());
  EXPECT_EQ(res->status, 200);
}

}  // namespace
}  // namespace iopulse
