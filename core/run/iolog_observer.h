// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// IoLogObserver: --write-iolog as an IoObserver.  Each IO reserves the
// capture's next record when it is admitted (records are in issue order),
// gets its issue fields when the engine accepts it and its completion
// fields when it comes back (trace/iolog_recorder.h).  An IO is held back
// (parked) while every buffer waits for IOs in flight; a wait for the
// writer, or a buffer's hand-over, is the host's own time, never an IO's
// latency (the loop reads a batch's clock after admitting its IOs).
#ifndef IOPULSE_RUN_IOLOG_OBSERVER_H_
#define IOPULSE_RUN_IOLOG_OBSERVER_H_

#include <cstdint>
#include <vector>

#include "run/io_observer.h"
#include "run/io_source.h"  // OpenRegion
#include "target/target_layout.h"
#include "trace/iolog_recorder.h"

namespace iopulse {

class IoLogObserver final : public IoObserver {
 public:
  // Records into `writer` (outlives the observer) with buffers of
  // `capacity` records; the IO's file is `file_base` plus its region's file
  // index in `assignment`, its worker `worker` (the run's index).
  IoLogObserver(IoLogWriter& writer, uint32_t capacity, const WorkerAssignment& assignment, uint32_t file_base,
                uint32_t worker)
      : recorder_(writer, capacity), assignment_(assignment), file_base_(file_base), worker_(worker) {}

  void window_started(uint64_t start_ns) override { start_ns_ = start_ns; }
  bool admits() const override { return true; }
  bool watches_issue() const override { return true; }
  bool admit(IoSlot& slot, bool wait) override {
    (void)wait;  // with nothing in flight a buffer is always free
    if (!recorder_.ready()) return false;
    slot.log = recorder_.reserve(&slot.log_buffer);
    return true;
  }
  void issued(const IoSlot& slot) override {
    IoLogRecord& r = *slot.log;
    r.issue_ns = slot.submit_ns - start_ns_;
    r.offset = slot.io.offset;
    r.len = slot.io.len;
    r.op = slot.io.op;
    r.ioprio = slot.io.ioprio;
    r.file = file_base_ + assignment_.regions[slot.region].file_index;
    r.worker = worker_;
  }
  bool completed(IoSlot& slot, const IoCompletion& c) override {
    slot.log->latency_ns = c.latency;
    slot.log->result = c.res;
    return recorder_.completed(slot.log_buffer);
  }
  void abandoned(const IoSlot& slot) override {
    (void)slot;
    recorder_.unreserve(1);  // the abandoned IOs are the latest reservations
  }

 private:
  IoLogRecorder recorder_;  // its destructor hands the last records over
  const WorkerAssignment& assignment_;
  const uint32_t file_base_;
  const uint32_t worker_;
  uint64_t start_ns_ = 0;
};

}  // namespace iopulse

#endif  // IOPULSE_RUN_IOLOG_OBSERVER_H_
