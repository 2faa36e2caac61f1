// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// IoLogRecorder: one worker's side of --write-iolog.  It owns a ring of
// preallocated buffers; each IO reserves the next record when it is
// prepared (so records are in the order the worker issued them), the
// worker fills the issue fields when the engine accepts it and the
// completion fields when it comes back.  A full buffer is handed to the
// IoLogWriter once all its IOs completed, oldest first.
//
// Per IO: a few stores and counter updates; no system call, allocation or
// lock.  Per buffer (thousands of IOs): one hand-over (a lock and a
// notify) and, only when the writer fell behind, a wait for it, both
// taken while the worker prepares IOs, before it reads their clock: no
// IO's latency.
//
// Not thread-safe: the worker's thread only.
#ifndef IOPULSE_TRACE_IOLOG_RECORDER_H_
#define IOPULSE_TRACE_IOLOG_RECORDER_H_

#include <cstdint>
#include <memory>

#include "trace/iolog_writer.h"

namespace iopulse {

class IoLogRecorder {
 public:
  static constexpr uint32_t kBuffers = 4;

  // `capacity`: records per buffer (at least 1).
  IoLogRecorder(IoLogWriter& writer, uint32_t capacity);
  // Hands over what is left (flush()) and waits until the writer returned
  // every buffer.
  ~IoLogRecorder();
  IoLogRecorder(const IoLogRecorder&) = delete;
  IoLogRecorder& operator=(const IoLogRecorder&) = delete;

  // Whether reserve() may be called now.  Waits for the writer when the
  // next buffer is still being written; false when
  // every buffer waits for IOs in flight (the caller reaps first).
  bool ready();
  // The next record in issue order, and the buffer holding it (for
  // completed()).  ready() returned true.
  IoLogRecord* reserve(uint32_t* buffer) {
    IoLogBuffer& b = buffers_[current_];
    IoLogRecord* r = &b.records[b.count++];
    ++b.pending;
    r->latency_ns = kIoLogNoCompletion;
    r->result = 0;
    r->reserved = 0;
    r->ioprio = 0;
    *buffer = current_;
    return r;
  }
  // Takes back the `n` latest reservations: IOs prepared and never
  // submitted (the run stopped).
  void unreserve(uint32_t n);
  // The IO of a record in `buffer` completed (its fields are filled).
  // True when that handed a buffer to the writer.
  bool completed(uint32_t buffer) {
    --buffers_[buffer].pending;
    return buffer == oldest_ && buffer != current_ && buffers_[buffer].pending == 0 && hand_over_ready();
  }
  // Hands every reserved record to the writer, complete or not (after the
  // worker's last IO).
  void flush();

 private:
  // Hands over the sealed buffers, oldest first, while they are complete.
  bool hand_over_ready();

  IoLogWriter& writer_;
  IoLogBuffer buffers_[kBuffers];
  uint32_t current_ = 0;  // the buffer being filled
  uint32_t oldest_ = 0;   // the oldest sealed buffer not handed over; == current_ when none
};

}  // namespace iopulse

#endif  // IOPULSE_TRACE_IOLOG_RECORDER_H_
