// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
#include "run/start_barrier.h"

namespace iopulse {

uint64_t StartBarrier::arrive_and_wait() {
  std::unique_lock<std::mutex> lock(mu_);
  ++arrived_;
  cv_.notify_all();
  cv_.wait(lock, [&] { return start_ns_ != 0 || aborted_; });
  return aborted_ ? 0 : start_ns_;
}

void StartBarrier::abort() {
  std::lock_guard<std::mutex> lock(mu_);
  aborted_ = true;
  cv_.notify_all();
}

bool StartBarrier::wait_until_all_arrived() {
  std::unique_lock<std::mutex> lock(mu_);
  cv_.wait(lock, [&] { return arrived_ == expected_ || aborted_; });
  return !aborted_;
}

void StartBarrier::release(uint64_t start_ns) {
  std::lock_guard<std::mutex> lock(mu_);
  start_ns_ = start_ns;
  cv_.notify_all();
}

}  // namespace iopulse
