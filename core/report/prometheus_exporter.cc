// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
#include "report/prometheus_exporter.h"

#include <netdb.h>
#include <sys/socket.h>

#include <cerrno>
#include <chrono>
#include <stdexcept>
#include <system_error>
#include <utility>

#include <httplib.h>

namespace iopulse {
namespace {

constexpr size_t kRequestThreads = 64;

// "127.0.0.1:9100", "[::1]:9100".
std::string host_port(const std::string& host, uint16_t port) {
  const bool ipv6 = host.find(':') != std::string::npos;
  return (ipv6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

// The exception for a failed bind; `saved_errno` is errno right after it.
// cpp-httplib reports only failure, so the cause is recovered here: a name
// that does not resolve (checked again with the same getaddrinfo() call),
// else the errno of the failed bind() or listen().
[[noreturn]] void throw_bind_error(const std::string& host, uint16_t port, int saved_errno) {
  const std::string where = host_port(host, port);
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  const int rc = ::getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &found);
  if (found) ::freeaddrinfo(found);
  if (rc != 0) {
    throw std::runtime_error("--prometheus-bind " + host + ": cannot listen on " + where + ": " +
                             ::gai_strerror(rc));
  }
  if (saved_errno == 0) {
    throw std::runtime_error("--prometheus-port " + std::to_string(port) +
                             ": cannot listen on " + where);
  }
  // Not a local address (or an unsupported family): the bind address is at
  // fault; anything else (in use, permission) is about the port.
  const bool address_at_fault = saved_errno == EADDRNOTAVAIL || saved_errno == EAFNOSUPPORT;
  const std::string option = address_at_fault ? "--prometheus-bind " + host
                                              : "--prometheus-port " + std::to_string(port);
  throw std::system_error(saved_errno, std::generic_category(),
                          option + ": cannot listen on " + where);
}

// SO_REUSEADDR only.  cpp-httplib's default sets SO_REUSEPORT, which would
// let a second exporter bind the same port silently and share the scrapes.
void listener_socket_options(socket_t sock) {
  int yes = 1;
  ::setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
}

}  // namespace

PrometheusExporter::PrometheusExporter(std::string bind_address, uint16_t port)
    : bind_address_(std::move(bind_address)),
      requested_port_(port),
      snapshot_(std::make_shared<const MetricsSnapshot>()) {}

PrometheusExporter::~PrometheusExporter() { stop(); }

std::shared_ptr<const MetricsSnapshot> PrometheusExporter::current() const {
  std::lock_guard<std::mutex> lock(snapshot_mutex_);
  return snapshot_;
}

void PrometheusExporter::publish(MetricsSnapshot snapshot) {
  auto next = std::make_shared<const MetricsSnapshot>(std::move(snapshot));
  std::lock_guard<std::mutex> lock(snapshot_mutex_);
  snapshot_.swap(next);
  ++published_;
  // The previous snapshot is freed here, or by the last scrape still using it.
}

bool PrometheusExporter::wait_for_scrape(std::chrono::nanoseconds timeout) {
  std::unique_lock<std::mutex> lock(snapshot_mutex_);
  return scraped_cv_.wait_for(lock, timeout, [this] { return scraped_ >= published_; });
}

void PrometheusExporter::start() {
  if (server_) throw std::logic_error("PrometheusExporter::start() called twice");

  auto server = std::make_unique<httplib::Server>();
  // Each connection holds one pool thread until its request is answered or
  // times out, so the pool is sized for many stalled or slow clients at once
  // (up to kRequestThreads - 1 of them never delay a scrape); idle threads
  // only wait on a condition variable.
  server->new_task_queue = [] { return new httplib::ThreadPool(kRequestThreads); };
  // cpp-httplib listens with a backlog of 5: connections past it wait for
  // a SYN retransmission (a second or more).  The listening socket is
  // remembered here and given a full backlog once bound (listen() on a
  // listening socket only changes its backlog).
  socket_t listening = INVALID_SOCKET;
  server->set_socket_options([&listening](socket_t sock) {
    listening = sock;
    listener_socket_options(sock);
  });
  // One request per connection, and short timeouts, so neither a scrape nor
  // stop() waits long for a silent or slow client.
  server->set_keep_alive_max_count(1);
  server->set_keep_alive_timeout(1);
  server->set_read_timeout(1, 0);
  server->set_write_timeout(2, 0);

  server->Get("/metrics", [this](const httplib::Request&, httplib::Response& res) {
    std::shared_ptr<const MetricsSnapshot> snapshot;
    uint64_t generation = 0;
    {
      std::lock_guard<std::mutex> lock(snapshot_mutex_);
      snapshot = snapshot_;
      generation = published_;
    }
    res.set_content(render_prometheus_text(*snapshot), std::string(kPrometheusTextContentType));
    {
      // Counted as read once the answer is ready (cpp-httplib sends it next).
      std::lock_guard<std::mutex> lock(snapshot_mutex_);
      scraped_ = std::max(scraped_, generation);
    }
    scraped_cv_.notify_all();
  });
  server->set_error_handler([](const httplib::Request&, httplib::Response& res) {
    if (res.status == 404) {
      res.set_content("not found: metrics are served at /metrics\n", "text/plain; charset=utf-8");
    }
  });
  server->set_exception_handler(
      [](const httplib::Request&, httplib::Response& res, std::exception_ptr error) {
        std::string what = "unknown error";
        try {
          std::rethrow_exception(error);
        } catch (const std::exception& e) {
          what = e.what();
        } catch (...) {
        }
        res.status = 500;
        res.set_content("cannot render metrics: " + what + "\n", "text/plain; charset=utf-8");
      });

  // Bind synchronously, so a busy port fails the run before it starts.
  errno = 0;
  int port = -1;
  if (requested_port_ == 0) {
    port = server->bind_to_any_port(bind_address_);
  } else if (server->bind_to_port(bind_address_, requested_port_)) {
    port = requested_port_;
  }
  if (port <= 0) throw_bind_error(bind_address_, requested_port_, errno);
  if (listening != INVALID_SOCKET) ::listen(listening, SOMAXCONN);

  server_ = std::move(server);
  bound_port_ = static_cast<uint16_t>(port);
  listener_ = std::thread([this] {
    server_->listen_after_bind();
    {
      std::lock_guard<std::mutex> lock(listener_mutex_);
      listener_done_ = true;
    }
    listener_cv_.notify_all();
  });

  // Wait until the accept loop runs: httplib's stop() does nothing before,
  // so an early stop() would otherwise leave the listener running forever.
  std::unique_lock<std::mutex> lock(listener_mutex_);
  while (!server_->is_running() && !listener_done_) {
    listener_cv_.wait_for(lock, std::chrono::milliseconds(1));
  }
  if (listener_done_) {
    lock.unlock();
    listener_.join();
    throw std::runtime_error("--prometheus-port " + std::to_string(requested_port_) +
                             ": cannot serve on " + host_port(bind_address_, bound_port_));
  }
}

void PrometheusExporter::stop() {
  if (!listener_.joinable()) return;
  // Closes the listening socket, which ends the accept loop; the listener
  // then waits for the request threads, each bounded by the timeouts above.
  server_->stop();
  listener_.join();
}

}  // namespace iopulse
