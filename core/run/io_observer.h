// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// IoObserver: a part of a data worker that follows each IO of its loop
// besides the statistics every loop keeps (counts, bytes, latency, errors):
// verification, range locks, the access heatmap, the priority split, the
// capture log.  The worker lists its observers once, in setup, from its
// WorkerPlan (Worker::observers_); a worker whose list is empty, whose
// pacer neither thinks nor keeps a schedule and whose source is plain runs
// the plain loop, compiled without any of them (docs/design.md, "The worker
// pipeline").  A feature that must see IOs is one more observer: it leaves
// the plain loop by being listed, with nothing else to keep in step.
//
// Every call is made on the worker's thread, in the order the observers
// were listed.  The calls on the per-IO path (admit, issued, completed) make
// no allocation and no system call of their own except what the feature is
// (a lock's fcntl, a capture buffer's hand-over); they are cold paths of
// the loop: a plain job never reaches them.
#ifndef IOPULSE_RUN_IO_OBSERVER_H_
#define IOPULSE_RUN_IO_OBSERVER_H_

#include <cstdint>

#include "run/io_pool.h"

namespace iopulse {

// One completed IO, as observers see it.
struct IoCompletion {
  uint64_t now;      // the reap's clock read, the end of its latency
  uint64_t latency;  // now minus its submission's clock
  int64_t res;       // the engine's result
  bool ok;           // it moved all its bytes (a trim or a sync: returned 0)
};

class IoObserver {
 public:
  virtual ~IoObserver() = default;

  // Which of the per-IO calls below the observer uses beyond completed()
  // (the loop calls admit() and issued() only on those that say so).
  virtual bool admits() const { return false; }
  virtual bool watches_issue() const { return false; }

  // The measured window starts at `start_ns` (before the first IO).
  virtual void window_started(uint64_t start_ns) { (void)start_ns; }

  // (admits()) May the IO the source prepared in `slot` be submitted now?  False
  // holds it back: the loop parks the slot and, before preparing anything
  // else, asks again from this observer on (the earlier ones admitted it
  // already).  `wait`: nothing is in flight, so block until it may (the
  // wait is no IO's latency: the batch's clock is read after its IOs were
  // admitted).
  // A parked IO keeps its slot and its place on a rate schedule.
  virtual bool admit(IoSlot& slot, bool wait) {
    (void)slot;
    (void)wait;
    return true;
  }
  // (watches_issue()) The engine accepted the IO in `slot`; slot.submit_ns
  // is its clock.
  virtual void issued(const IoSlot& slot) { (void)slot; }
  // The IO in `slot` completed.  True when the observer spent host time on
  // it (checked a block, handed a buffer over): the loop's pacing then
  // reads the clock again rather than use the reap's.  (No IO is charged
  // for that time either way: a submission's clock is read after its batch
  // was prepared.)
  virtual bool completed(IoSlot& slot, const IoCompletion& c) = 0;
  // The IO in `slot` is never submitted: the run stopped.  Told to every
  // observer listed before the one that held it back (all of them for an
  // IO that was admitted), so each undoes what it did for the IO.
  virtual void abandoned(const IoSlot& slot) { (void)slot; }
  // The loop ended without an error: every IO it submitted completed.
  // May do slow work (sync files) and throw.
  virtual void loop_ended() {}
};

}  // namespace iopulse

#endif  // IOPULSE_RUN_IO_OBSERVER_H_
