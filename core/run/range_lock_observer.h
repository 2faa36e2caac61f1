// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// RangeLockObserver: --lock-mode as an IoObserver.  An IO holds an open file
// description (OFD) lock while it is in flight, so the threads of one
// process (and other processes) really contend: admit() takes the lock (an
// IO whose range another holder has is parked and retried), completion and
// abandonment release it.
//
// Locks belong to the worker's open file description, so the worker's own
// IOs never conflict with each other.  Full mode holds one lock on the whole
// file while any of the worker's IOs is in flight (exclusive when the job
// writes or trims, shared when it only reads); range mode locks each IO's
// range (shared for reads, exclusive for writes and trims).  Syncs take no
// lock.  Needs the host's descriptors (OpenRegion::fd).
#ifndef IOPULSE_RUN_RANGE_LOCK_OBSERVER_H_
#define IOPULSE_RUN_RANGE_LOCK_OBSERVER_H_

#include <cstdint>
#include <vector>

#include "job/job_spec.h"  // LockMode
#include "run/io_observer.h"
#include "run/io_source.h"  // OpenRegion

namespace iopulse {

class RangeLockObserver final : public IoObserver {
 public:
  // `regions` (the worker's, with their descriptors) outlives the observer;
  // `mode` is kRange or kFull; `job_writes`: the job writes or trims (its
  // files are open for writing).
  RangeLockObserver(const std::vector<OpenRegion>& regions, LockMode mode, bool job_writes)
      : regions_(regions), mode_(mode), job_writes_(job_writes) {}

  // Takes the IO's lock (waiting for it when `wait`); false when another
  // holder has it.  Throws std::system_error for an error other than a
  // conflict.
  bool admits() const override { return true; }
  bool admit(IoSlot& slot, bool wait) override;
  bool completed(IoSlot& slot, const IoCompletion& c) override {
    (void)c;
    if (slot.block != IoSlot::kNoBlock) unlock(slot);
    return false;
  }
  void abandoned(const IoSlot& slot) override {
    if (slot.block != IoSlot::kNoBlock) unlock(slot);
  }

  // Locks refused because another holder had them.
  uint64_t conflicts() const { return conflicts_; }

 private:
  void unlock(const IoSlot& slot);

  const std::vector<OpenRegion>& regions_;
  const LockMode mode_;
  const bool job_writes_;
  uint32_t locked_ios_ = 0;  // IOs holding their lock
  uint64_t conflicts_ = 0;
};

}  // namespace iopulse

#endif  // IOPULSE_RUN_RANGE_LOCK_OBSERVER_H_
