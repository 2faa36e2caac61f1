// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
#include "trace/iolog_recorder.h"

#include <algorithm>
#include <cstring>

namespace iopulse {

IoLogRecorder::IoLogRecorder(IoLogWriter& writer, uint32_t capacity) : writer_(writer) {
  for (IoLogBuffer& b : buffers_) {
    b.capacity = std::max(capacity, 1u);
    b.records = std::make_unique<IoLogRecord[]>(b.capacity);
    std::memset(b.records.get(), 0, sizeof(IoLogRecord) * b.capacity);  // mapped before the window
  }
}

IoLogRecorder::~IoLogRecorder() {
  flush();
  for (const IoLogBuffer& b : buffers_) writer_.wait_returned(&b);
}

bool IoLogRecorder::ready() {
  if (buffers_[current_].count < buffers_[current_].capacity) return true;
  const uint32_t next = (current_ + 1) % kBuffers;
  if (next == oldest_) return false;  // every other buffer waits for IOs in flight
  IoLogBuffer& b = buffers_[next];
  if (!b.returned.load(std::memory_order_acquire)) writer_.wait_returned(&b);
  // The full buffer is sealed; it goes to the writer once its IOs are done.
  current_ = next;
  b.count = 0;
  b.pending = 0;
  (void)hand_over_ready();
  return true;
}

void IoLogRecorder::unreserve(uint32_t n) {
  while (n > 0) {
    IoLogBuffer& b = buffers_[current_];
    const uint32_t take = std::min(n, b.count);
    b.count -= take;
    b.pending -= take;
    n -= take;
    // The rest is in the buffer before, sealed and not handed over (its
    // records are still reserved).
    if (n == 0 || current_ == oldest_) break;
    current_ = (current_ + kBuffers - 1) % kBuffers;
  }
}

bool IoLogRecorder::hand_over_ready() {
  bool handed = false;
  while (oldest_ != current_ && buffers_[oldest_].pending == 0) {
    writer_.submit(&buffers_[oldest_]);
    oldest_ = (oldest_ + 1) % kBuffers;
    handed = true;
  }
  return handed;
}

void IoLogRecorder::flush() {
  while (oldest_ != current_) {
    writer_.submit(&buffers_[oldest_]);
    oldest_ = (oldest_ + 1) % kBuffers;
  }
  IoLogBuffer& last = buffers_[current_];
  if (last.count > 0 && last.returned.load(std::memory_order_acquire)) {
    writer_.submit(&last);
    // A later flush() must not write these records again.
    current_ = oldest_ = (current_ + 1) % kBuffers;
    writer_.wait_returned(&buffers_[current_]);
    buffers_[current_].count = buffers_[current_].pending = 0;
  }
}

}  // namespace iopulse
