// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// CompletionWait against two eventfds standing in for an engine's
// completion fd and the run's stop descriptor.
#include "run/completion_wait.h"

#include <sys/eventfd.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "run/run_signals.h"

namespace iopulse {
namespace {

struct Fds {
  int completion = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  RunSignals signals;
  ~Fds() { close(completion); }
  uint64_t pending() const {
    uint64_t v = 0;
    return read(completion, &v, sizeof v) == sizeof v ? v : 0;
  }
};

TEST(CompletionWait, ReadableCompletionFdIsDrained) {
  Fds f;
  CompletionWait wait(f.completion, f.signals.stop_fd());
  ASSERT_EQ(eventfd_write(f.completion, 3), 0);
  EXPECT_EQ(wait.wait(1'000'000'000, true), CompletionWait::Woken::kCompletion);
  EXPECT_EQ(f.pending(), 0u) << "drained before the reap that follows";
  EXPECT_EQ(wait.wait(0, true), CompletionWait::Woken::kTimeout);
}

TEST(CompletionWait, StopWakesOnlyWhenAsked) {
  Fds f;
  CompletionWait wait(f.completion, f.signals.stop_fd());
  EXPECT_EQ(wait.wait(1'000'000, true), CompletionWait::Woken::kTimeout);
  f.signals.request_stop();
  EXPECT_TRUE(f.signals.stop.load());
  EXPECT_EQ(wait.wait(10'000'000'000, true), CompletionWait::Woken::kStop);
  // Stays readable for every worker; a draining worker does not wait on it.
  EXPECT_EQ(wait.wait(10'000'000'000, true), CompletionWait::Woken::kStop);
  EXPECT_EQ(wait.wait(1'000'000, false), CompletionWait::Woken::kTimeout);
  ASSERT_EQ(eventfd_write(f.completion, 1), 0);
  EXPECT_EQ(wait.wait(1'000'000, true), CompletionWait::Woken::kCompletion);
}

TEST(CompletionWait, ClosedCompletionFdIsAnError) {
  Fds f;
  const int fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  close(fd);
  CompletionWait wait(fd, f.signals.stop_fd());
  EXPECT_THROW(wait.wait(1'000'000, true), std::system_error);
}

}  // namespace
}  // namespace iopulse
