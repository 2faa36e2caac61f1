// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
#include "run/interrupt.h"

#include <signal.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>

namespace iopulse {
namespace {

std::atomic<int> g_signal{0};
std::atomic<int> g_fd{-1};
static_assert(std::atomic<int>::is_always_lock_free, "used from a signal handler");

void on_signal(int sig) {
  g_signal.store(sig, std::memory_order_relaxed);
  if (const int fd = g_fd.load(std::memory_order_relaxed); fd >= 0) {
    const uint64_t one = 1;
    (void)!write(fd, &one, sizeof one);  // async-signal-safe; never blocks (EFD_NONBLOCK)
  }
  signal(sig, SIG_DFL);  // a second signal ends the process
}

}  // namespace

void install_interrupt_handlers() {
  if (g_fd.load() < 0) g_fd.store(eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC));  // -1 if none is left: sleepers time out
  struct sigaction sa {};
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
  sigaction(SIGHUP, &sa, nullptr);
}

int interrupt_signal() { return g_signal.load(std::memory_order_relaxed); }

int interrupt_fd() { return g_fd.load(std::memory_order_relaxed); }

}  // namespace iopulse
