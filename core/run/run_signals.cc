// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
#include "run/run_signals.h"

#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <system_error>

#include "run/interrupt.h"

namespace iopulse {

RunSignals::RunSignals() : stop_fd_(eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) {
  if (stop_fd_ < 0) throw std::system_error(errno, std::generic_category(), "creating the run's stop event (eventfd)");
  coordinator_fd_ = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (coordinator_fd_ < 0) {
    const int e = errno;
    close(stop_fd_);
    throw std::system_error(e, std::generic_category(), "creating the run's coordinator event (eventfd)");
  }
}

RunSignals::~RunSignals() {
  close(stop_fd_);
  close(coordinator_fd_);
}

void RunSignals::wake_coordinator() {
  const uint64_t one = 1;
  (void)!write(coordinator_fd_, &one, sizeof one);  // never blocks; a lost wake-up only waits for the timeout
}

void RunSignals::wait_coordinator(uint64_t timeout_ns, bool interrupts) {
  timeout_ns = std::min<uint64_t>(timeout_ns, 3600'000'000'000ULL);  // "forever" stays a valid timespec
  pollfd fds[2] = {{coordinator_fd_, POLLIN, 0}, {interrupts ? interrupt_fd() : -1, POLLIN, 0}};
  const timespec ts{static_cast<time_t>(timeout_ns / 1'000'000'000), static_cast<long>(timeout_ns % 1'000'000'000)};
  if (ppoll(fds, 2, &ts, nullptr) > 0 && (fds[0].revents & POLLIN) != 0) {
    uint64_t count;
    (void)!read(coordinator_fd_, &count, sizeof count);
  }
}

void RunSignals::request_stop() {
  stop.store(true, std::memory_order_relaxed);
  // Never blocks (EFD_NONBLOCK); the counter cannot overflow in a run's
  // worth of requests, and a failed write leaves the flag, which the
  // workers also see at their next wake-up.
  const uint64_t one = 1;
  (void)!write(stop_fd_, &one, sizeof one);
  wake_coordinator();
}

}  // namespace iopulse
