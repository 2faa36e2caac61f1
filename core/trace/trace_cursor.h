// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// TraceCursor: one replay worker's view of the trace: its own reader, the
// records that are its own (the recorded worker it replays, or every
// plan.workers-th record when the trace is spread), already remapped onto
// the target (ReplayMapping), read ahead kChunk records at a time.
//
// front() and pop() are on the worker's per-IO path: an index check and an
// increment; a refill (a read of the trace, every kChunk of the worker's
// records at most) happens while the worker prepares IOs, before it reads
// their clock, so it is no IO's latency.  A trace that changed since the plan scanned it (an IO past its
// file, an error) throws TraceError naming the trace position.
//
// Not thread-safe: the worker's thread only.
#ifndef IOPULSE_TRACE_TRACE_CURSOR_H_
#define IOPULSE_TRACE_TRACE_CURSOR_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "trace/replay_plan.h"
#include "trace/trace_source.h"

namespace iopulse {

class TraceCursor {
 public:
  static constexpr size_t kChunk = 4096;

  // `file_sizes`: the target files' sizes (the mapped IOs are checked
  // against them).  Opens the trace; throws TraceError or std::system_error.
  TraceCursor(const ReplayPlan& plan, uint32_t worker, std::vector<uint64_t> file_sizes);

  // The next record, or nullptr at the end of the worker's share.
  const TraceRecord* front() {
    if (pos_ < count_) [[likely]] return &records_[pos_];
    return refill();
  }
  void pop() { ++pos_; }
  // "--replay 'FILE' record 12" for messages.
  std::string position() const;

 private:
  const TraceRecord* refill();

  const ReplayPlan& plan_;
  uint32_t worker_;
  std::vector<uint64_t> file_sizes_;
  std::unique_ptr<TraceSource> source_;
  std::vector<TraceRecord> raw_;
  std::vector<TraceRecord> records_;
  size_t pos_ = 0, count_ = 0;
  uint64_t seen_ = 0;  // trace records read (for the spread)
  bool done_ = false;
};

}  // namespace iopulse

#endif  // IOPULSE_TRACE_TRACE_CURSOR_H_
