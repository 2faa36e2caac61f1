// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// StartBarrier: the start line of the measured window.  Each worker finishes
// its setup (engine created, files opened, buffers registered) and calls
// arrive_and_wait(); the coordinator waits until all have arrived, reads the
// clock and releases them together.  A worker whose setup failed calls
// abort() instead, which releases everyone with "do not run".
// Control plane only: a mutex and a condition variable are fine here.
#ifndef IOPULSE_RUN_START_BARRIER_H_
#define IOPULSE_RUN_START_BARRIER_H_

#include <condition_variable>
#include <cstdint>
#include <mutex>

namespace iopulse {

class StartBarrier {
 public:
  explicit StartBarrier(uint32_t workers) : expected_(workers) {}

  // Worker side.  Returns the start time (monotonic ns) of the window, or 0
  // when the run was aborted and the worker must not issue IO.
  uint64_t arrive_and_wait();

  // Worker side: setup failed; nobody will run.
  void abort();

  // Coordinator side: blocks until every worker arrived (true) or one
  // aborted (false).
  bool wait_until_all_arrived();

  // Coordinator side: starts the window at `start_ns` (non-zero).
  void release(uint64_t start_ns);

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  uint32_t expected_;
  uint32_t arrived_ = 0;
  bool aborted_ = false;
  uint64_t start_ns_ = 0;  // non-zero once released
};

}  // namespace iopulse

#endif  // IOPULSE_RUN_START_BARRIER_H_
