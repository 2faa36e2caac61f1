// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// The metrics server under slow clients: forty connections that send a
// request a byte at a time (never finishing it) must not hold up a scrape.
// The client's read timeout is far beyond any answer and only catches a
// server that queues the scrape behind the slow ones (with two request
// threads that took tens of seconds).
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <httplib.h>

#include "report/prometheus_exporter.h"

namespace iopulse {
namespace {

int connect_to(uint16_t port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

TEST(PrometheusSlowClients, FortySlowConnectionsDoNotHoldUpAScrape) {
  PrometheusExporter exporter("127.0.0.1", 0);
  exporter.start();
  MetricsSnapshot snap;
  snap.running = true;
  snap.job[OpKind::kRead]->ops = 7;
  exporter.publish(snap);

  std::vector<int> slow;
  for (int i = 0; i < 40; ++i) {
    const int fd = connect_to(exporter.port());
    ASSERT_GE(fd, 0) << errno;
    const std::string start = "GET /metrics HTTP/1.1\r\nHost: x\r\nX-Slow: ";
    ASSERT_EQ(::send(fd, start.data(), start.size(), MSG_NOSIGNAL), static_cast<ssize_t>(start.size()));
    slow.push_back(fd);
  }
  // A byte per connection every 200 ms: each keeps a request going that
  // never ends, well inside any per-read timeout.
  std::atomic<bool> done{false};
  std::thread trickle([&] {
    while (!done.load()) {
      for (int fd : slow) ::send(fd, "a", 1, MSG_NOSIGNAL | MSG_DONTWAIT);
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // the server has taken them all

  httplib::Client client("127.0.0.1", exporter.port());
  client.set_connection_timeout(5, 0);
  client.set_read_timeout(10, 0);  // far beyond an answer; only a stuck server gets here
  const auto res = client.Get("/metrics");
  done.store(true);
  trickle.join();
  for (int fd : slow) ::close(fd);

  ASSERT_TRUE(res) << httplib::to_string(res.error());
  EXPECT_EQ(res->status, 200);
  EXPECT_NE(res->body.find("iopulse_ops_total{op=\"read\"} 7"), std::string::npos) << res->body;
}

}  // namespace
}  // namespace iopulse
