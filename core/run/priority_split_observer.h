// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// PrioritySplitObserver: a job that gives only some of its IOs a priority
// (--io-priority with a share) as an IoObserver.  Every read and write that
// succeeded is counted again in the open stats interval's PrioritySplit,
// under "with priority" or "without", so the two populations' latencies
// can be compared.
#ifndef IOPULSE_RUN_PRIORITY_SPLIT_OBSERVER_H_
#define IOPULSE_RUN_PRIORITY_SPLIT_OBSERVER_H_

#include "run/io_observer.h"
#include "stats/op_stats_set.h"

namespace iopulse {

class PrioritySplitObserver final : public IoObserver {
 public:
  // `interval` is the worker's pointer to its open interval's statistics,
  // which it moves when it closes an interval; the pointer itself outlives
  // the observer.
  // `prioritized`: the job's --io-priority; an IO that carried another
  // (none, or --io-priority-others) counts among the others.
  PrioritySplitObserver(OpStatsSet* const& interval, uint16_t prioritized)
      : interval_(interval), prioritized_(prioritized) {}

  bool completed(IoSlot& slot, const IoCompletion& c) override {
    if (c.ok && slot.block != IoSlot::kNoBlock) {
      interval_->priority.record(slot.io.op, slot.io.ioprio == prioritized_, slot.io.len, c.latency);
    }
    return false;
  }

 private:
  OpStatsSet* const& interval_;
  uint16_t prioritized_;
};

}  // namespace iopulse

#endif  // IOPULSE_RUN_PRIORITY_SPLIT_OBSERVER_H_
