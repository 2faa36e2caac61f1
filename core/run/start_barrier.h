// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// StartBarrier: the start line of the measured window.  Each worker finishes
// its setup (engine created, files opened, buffers registered) and calls
// arrive_and_wait(); the coordinator waits until all have arrived and
// releases them together.  A worker whose setup failed calls abort()
// instead, which releases everyone with "do not run".
//
// The window opens when the first worker sees the release, on that worker's
// clock, not when the coordinator gives it: a woken thread waiting for a CPU
// (an interprocessor wake-up costs tens of microseconds in a virtual machine,
// milliseconds on a busy host) is the host's time, not the storage's, and
// it would dominate the window of a phase of a few operations.  Every worker
// gets the same start time, so intervals, deadlines and schedules share one
// clock origin; a worker that wakes later starts later inside the window.
//
// A barrier made to release itself (a job of one process whose metadata
// phases run back to back, run/phase_crew.h) is released by the last worker
// to arrive, so a phase starts straight after the previous one without
// waiting for the coordinator; it runs `on_release` first, on that thread.
//
// Control plane only: a mutex and a condition variable are fine here.
#ifndef IOPULSE_RUN_START_BARRIER_H_
#define IOPULSE_RUN_START_BARRIER_H_

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>

namespace iopulse {

class StartBarrier {
 public:
  explicit StartBarrier(uint32_t workers) : expected_(workers) {}

  // Before any worker arrives: the last worker to arrive releases the
  // barrier, calling `on_release` (under the barrier's lock) first.  With
  // `agree` (a job of several processes: run/rank_gate.h), the last worker
  // to arrive or abort first asks it, without the lock, whether every
  // process is ready (its argument: whether this one is, no worker having
  // aborted); on false every worker is let go with "do not run", as after
  // abort().  Every process's barrier thus settles the same way.
  void release_itself(std::function<void()> on_release, std::function<bool(bool)> agree = {}) {
    on_release_ = std::move(on_release);
    agree_ = std::move(agree);
    self_release_ = true;
  }

  // Worker side.  Returns the start time (monotonic ns) of the window, or 0
  // when the run was aborted and the worker must not issue IO.  The first
  // worker to return after the release reads the clock and fixes the start;
  // the others return that same time (which is never after their own
  // return).
  uint64_t arrive_and_wait();

  // Worker side: setup failed; nobody will run.
  void abort();

  // Coordinator side: blocks until every worker arrived (true) or one
  // aborted (false).  A barrier that releases itself: until it released
  // (true) or let its workers go without running (false).
  bool wait_until_all_arrived();

  // Coordinator side: lets the workers go.
  void release();

  // The window's start once a worker has seen the release; 0 before.
  uint64_t start_ns() const { return start_ns_.load(std::memory_order_acquire); }

 private:
  // The last worker to arrive or abort at a self-releasing barrier: releases
  // it or lets everyone go (`lock` holds mu_; released around agree_).
  void settle(std::unique_lock<std::mutex>& lock);

  std::mutex mu_;
  std::condition_variable cv_;
  uint32_t expected_;
  uint32_t arrived_ = 0;
  uint32_t settled_ = 0;  // workers that arrived or aborted
  bool aborted_ = false;
  bool released_ = false;
  bool self_release_ = false;
  std::function<void()> on_release_;
  std::function<bool(bool)> agree_;
  std::atomic<uint64_t> start_ns_{0};  // non-zero once a worker saw the release
};

}  // namespace iopulse

#endif  // IOPULSE_RUN_START_BARRIER_H_
