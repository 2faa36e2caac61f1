// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
#include "run/interrupt.h"

#include <signal.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>

namespace iopulse {
namespace {

std::atomic<int> g_signal{0};
std::atomic<int> g_fd{-1};
std::atomic<int64_t> g_first_ns{0};  // CLOCK_MONOTONIC of the first signal; 0 before it
static_assert(std::atomic<int>::is_always_lock_free, "used from a signal handler");
static_assert(std::atomic<int64_t>::is_always_lock_free, "used from a signal handler");

// A repeat within this of the first signal is the same interrupt delivered
// again: coreutils' timeout signals its child and then its process group,
// which holds the child; a terminal's Ctrl-C goes to the whole foreground
// group, a launcher may forward what the terminal already sent.
constexpr int64_t kRepeatNs = 1'000'000'000;

void on_signal(int sig) {
  timespec now{};
  clock_gettime(CLOCK_MONOTONIC, &now);  // async-signal-safe
  const int64_t t = static_cast<int64_t>(now.tv_sec) * 1'000'000'000 + now.tv_nsec;
  int64_t first = 0;
  if (g_first_ns.compare_exchange_strong(first, t)) {
    g_signal.store(sig, std::memory_order_relaxed);
    if (const int fd = g_fd.load(std::memory_order_relaxed); fd >= 0) {
      const uint64_t one = 1;
      (void)!write(fd, &one, sizeof one);  // async-signal-safe; never blocks (EFD_NONBLOCK)
    }
    static constexpr char kStopping[] =
        "iopulse: interrupted: stopping and writing the results (another interrupt a second or more from now ends "
        "the process at once, without them)\n";
    (void)!write(STDERR_FILENO, kStopping, sizeof kStopping - 1);
    return;
  }
  if (t - first < kRepeatNs) return;
  signal(sig, SIG_DFL);  // a later one ends the process
  raise(sig);
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
