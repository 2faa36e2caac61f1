// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// IntervalMailbox: carries one worker's closed stats intervals to the time
// series without the worker doing the hand-over work (docs/design.md, "The
// measured window").
//
// Closing an interval on the worker costs a few stores: the interval being
// filled is marked full and the worker switches to a free buffer (no copy,
// no merge, no lock, no allocation), so nothing of the hand-over lands
// between an IO's submission and its completion timestamp.  collect() does
// the work: it moves every full interval, in index order, into the
// TimeSeriesAssembler and into the worker's cumulative statistics, clears
// it and frees its buffer.  The run's coordinator calls collect() once per
// interval while someone reads the intervals live; the worker calls it
// itself at the end, and when it finds no free buffer (no live reader, so
// the coordinator sleeps; or a coordinator too slow for a very short stats
// interval), so no interval is ever lost or merged into the next.
//
// Threads: current() and close() belong to the worker's thread; collect()
// may run on any thread (a mutex serializes it); cumulative() is read after
// the worker's final collect().
#ifndef IOPULSE_STATS_INTERVAL_MAILBOX_H_
#define IOPULSE_STATS_INTERVAL_MAILBOX_H_

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <mutex>

#include "stats/interval_stats.h"
#include "stats/op_stats_set.h"
#include "stats/time_series_assembler.h"

namespace iopulse {

class IntervalMailbox {
 public:
  static constexpr size_t kBuffers = 4;

  // `assembler` outlives the mailbox.  Every buffer is allocated and zeroed
  // here, so the first interval closes as cheaply as the later ones.
  IntervalMailbox(TimeSeriesAssembler* assembler, uint32_t worker);
  IntervalMailbox(const IntervalMailbox&) = delete;
  IntervalMailbox& operator=(const IntervalMailbox&) = delete;

  // The interval the worker is filling (worker thread only).
  WorkerInterval& current() { return *current_; }

  // Marks the current interval full and switches to a free buffer, which
  // starts empty with `next_index` (worker thread only).
  void close(uint64_t next_index);

  // Hands every full interval to the assembler (any thread).
  void collect();

  // Everything collected so far, merged.
  const OpStatsSet& cumulative() const { return cumulative_; }

 private:
  enum State : uint8_t { kFree, kFilling, kFull };
  struct Buffer {
    WorkerInterval interval;
    std::atomic<uint8_t> state{kFree};
  };

  TimeSeriesAssembler* const assembler_;
  std::array<Buffer, kBuffers> buffers_;
  size_t current_buffer_ = 0;
  WorkerInterval* current_;
  std::mutex collect_mu_;
  OpStatsSet cumulative_;  // guarded by collect_mu_
};

}  // namespace iopulse

#endif  // IOPULSE_STATS_INTERVAL_MAILBOX_H_
