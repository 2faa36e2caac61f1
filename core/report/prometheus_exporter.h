// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// PrometheusExporter: serves the latest MetricsSnapshot at GET /metrics in
// the Prometheus text format while a job runs (cpp-httplib, one listener
// thread and a pool of two request threads).
//
//   PrometheusExporter exporter("127.0.0.1", 9100);
//   exporter.start();              // binds now: a busy port fails here
//   ...  exporter.publish(snapshot);   // once per stats interval
//   exporter.stop();               // or let the destructor do it
//
// Threads: publish() may be called from any thread, concurrently with
// scrapes; it only moves the snapshot into place under a mutex (rendering
// happens on the scraping thread, outside the lock).  start() and stop()
// belong to the owner's thread.  Never call publish() on the per-IO path.
//
// Before the first publish() the exporter serves an empty snapshot
// (iopulse_running 0, counters 0).  Every path but /metrics is a 404.
// Connections are not kept alive: a scrape is one request, and stop()
// does not wait for idle clients.
#ifndef IOPULSE_REPORT_PROMETHEUS_EXPORTER_H_
#define IOPULSE_REPORT_PROMETHEUS_EXPORTER_H_

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "report/prometheus_text.h"

namespace httplib {
class Server;
}

namespace iopulse {

class PrometheusExporter {
 public:
  // Nothing happens until start().  `bind_address` is an IP address or a
  // host name of this machine ("127.0.0.1", "::1", "0.0.0.0", "localhost");
  // port 0 lets the system pick a free port (see port()).
  PrometheusExporter(std::string bind_address, uint16_t port);
  ~PrometheusExporter();  // stop()
  PrometheusExporter(const PrometheusExporter&) = delete;
  PrometheusExporter& operator=(const PrometheusExporter&) = delete;

  // Binds and listens now, then serves on a background thread.  A bind
  // failure throws before anything is served:
  //   std::system_error (the errno), what() e.g.
  //     "--prometheus-port 9100: cannot listen on 127.0.0.1:9100: Address already in use"
  //     "--prometheus-bind 192.0.2.1: cannot listen on 192.0.2.1:9100: Cannot assign requested address"
  //   std::runtime_error when the address does not resolve, e.g.
  //     "--prometheus-bind nohost: cannot listen on nohost:9100: Name or service not known"
  // std::logic_error when called twice.
  void start();

  // Makes `snapshot` what the following scrapes return.
  void publish(MetricsSnapshot snapshot);

  // Waits until a scrape has returned the snapshot published last, at most
  // `timeout`; true when one did.  So the last interval of a run reaches a
  // scraper before the endpoint closes.
  bool wait_for_scrape(std::chrono::nanoseconds timeout);

  // Stops listening, finishes a request in progress and joins the threads.
  // Idempotent; a no-op before start().
  void stop();

  // The bound port once start() has returned (the picked one for port 0);
  // 0 before.
  uint16_t port() const { return bound_port_; }
  const std::string& bind_address() const { return bind_address_; }

 private:
  std::shared_ptr<const MetricsSnapshot> current() const;

  const std::string bind_address_;
  const uint16_t requested_port_;
  uint16_t bound_port_ = 0;

  mutable std::mutex snapshot_mutex_;
  std::condition_variable scraped_cv_;
  std::shared_ptr<const MetricsSnapshot> snapshot_;  // never null
  uint64_t published_ = 0;  // snapshots published (guarded by snapshot_mutex_)
  uint64_t scraped_ = 0;    // the latest of them a scrape has returned

  std::unique_ptr<httplib::Server> server_;
  std::thread listener_;
  std::mutex listener_mutex_;
  std::condition_variable listener_cv_;
  bool listener_done_ = false;  // listen_after_bind() returned
};

}  // namespace iopulse

#endif  // IOPULSE_REPORT_PROMETHEUS_EXPORTER_H_
