// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
#include "run/start_barrier.h"

#include "run/monotonic_clock.h"

namespace iopulse {

uint64_t StartBarrier::arrive_and_wait() {
  {
    std::unique_lock<std::mutex> lock(mu_);
    ++arrived_;
    ++settled_;
    if (self_release_ && settled_ == expected_) settle(lock);
    cv_.notify_all();
    cv_.wait(lock, [&] { return released_ || aborted_; });
    if (aborted_) return 0;
  }
  // Outside the lock: the first worker here opens the window.  A worker
  // that read its clock earlier but loses the race takes the winner's later
  // time, still before anything it does next.
  uint64_t start = 0;
  const uint64_t now = monotonic_now_ns();
  if (start_ns_.compare_exchange_strong(start, now, std::memory_order_acq_rel)) return now;
  return start;
}

void StartBarrier::settle(std::unique_lock<std::mutex>& lock) {
  bool ready = !aborted_;
  if (agree_) {
    // Every worker of this process is here; the gate waits for the others.
    lock.unlock();
    ready = agree_(ready);
    lock.lock();
  }
  if (ready && !aborted_ && !released_) {
    if (on_release_) on_release_();
    released_ = true;
  } else if (!released_) {
    aborted_ = true;
  }
}

void StartBarrier::abort() {
  std::unique_lock<std::mutex> lock(mu_);
  aborted_ = true;
  ++settled_;
  if (self_release_ && settled_ == expected_) settle(lock);
  cv_.notify_all();
}

bool StartBarrier::wait_until_all_arrived() {
  std::unique_lock<std::mutex> lock(mu_);
  if (self_release_) {
    // (A worker that aborted ends the wait at once; the others are let go
    // once the last one settled.)
    cv_.wait(lock, [&] { return released_ || aborted_; });
  } else {
    cv_.wait(lock, [&] { return arrived_ == expected_ || aborted_; });
  }
  return !aborted_;
}

void StartBarrier::release() {
  std::lock_guard<std::mutex> lock(mu_);
  released_ = true;
  cv_.notify_all();
}

}  // namespace iopulse
