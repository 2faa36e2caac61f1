// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
#include "stats/interval_mailbox.h"

#include <algorithm>

namespace iopulse {

IntervalMailbox::IntervalMailbox(TimeSeriesAssembler* assembler, uint32_t worker) : assembler_(assembler) {
  for (Buffer& b : buffers_) b.interval.worker = worker;
  buffers_[0].state.store(kFilling, std::memory_order_relaxed);
  current_ = &buffers_[0].interval;
}

void IntervalMailbox::close(uint64_t next_index) {
  buffers_[current_buffer_].state.store(kFull, std::memory_order_release);
  for (;;) {
    for (size_t i = 1; i <= kBuffers; ++i) {
      const size_t b = (current_buffer_ + i) % kBuffers;
      if (buffers_[b].state.load(std::memory_order_acquire) == kFree) {
        buffers_[b].state.store(kFilling, std::memory_order_relaxed);
        current_buffer_ = b;
        current_ = &buffers_[b].interval;
        current_->index = next_index;
        return;
      }
    }
    collect();  // nobody collected in time: do it here rather than lose one
  }
}

void IntervalMailbox::collect() {
  std::lock_guard<std::mutex> lock(collect_mu_);
  std::array<Buffer*, kBuffers> full{};
  size_t n = 0;
  for (Buffer& b : buffers_) {
    if (b.state.load(std::memory_order_acquire) == kFull) full[n++] = &b;
  }
  // In interval order; at most kBuffers of them, so an insertion sort
  // (std::sort here made GCC 12 warn of its 16-element threshold).
  for (size_t i = 1; i < n; ++i) {
    for (size_t j = i; j > 0 && full[j - 1]->interval.index > full[j]->interval.index; --j) {
      std::swap(full[j - 1], full[j]);
    }
  }
  for (size_t i = 0; i < n; ++i) {
    WorkerInterval& interval = full[i]->interval;
    cumulative_.merge(interval.ops);
    WorkerInterval copy = interval;
    assembler_->deliver(std::move(copy));
    interval.ops.clear();
    interval.inflight_sum = interval.reap_calls = 0;
    interval.last = false;
    full[i]->state.store(kFree, std::memory_order_release);
  }
}

}  // namespace iopulse
