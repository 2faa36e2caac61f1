// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
#include "run/run_signals.h"

#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <system_error>

namespace iopulse {

RunSignals::RunSignals() : stop_fd_(eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) {
  if (stop_fd_ < 0) throw std::system_error(errno, std::generic_category(), "creating the run's stop event (eventfd)");
}

RunSignals::~RunSignals() { close(stop_fd_); }

void RunSignals::request_stop() {
  stop.store(true, std::memory_order_relaxed);
  // Never blocks (EFD_NONBLOCK); the counter cannot overflow in a run's
  // worth of requests, and a failed write leaves the flag, which the
  // workers also see at their next wake-up.
  const uint64_t one = 1;
  (void)!write(stop_fd_, &one, sizeof one);
}

}  // namespace iopulse
