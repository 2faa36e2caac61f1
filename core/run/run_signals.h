// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// RunSignals: the flags every worker of a run shares, and a descriptor that
// becomes readable when a stop is requested, so a worker blocked in a wait
// on an engine's completion fd (CompletionWait) wakes at once instead of at
// its next timeout.
//
// Anyone may call request_stop() from any thread (the coordinator on
// SIGINT, a peer's stop, a failing sink; a worker on an IO error, or on
// SIGINT: a metadata worker watches the interrupt itself, so a phase that
// runs while the coordinator still reports the one before, run/phase_crew.h,
// stops at once).  The
// flags are read with relaxed loads on the per-IO path; stop_fd() is only
// waited on, never read: once readable it stays readable for the rest of
// the run.
//
// The coordinator sleeps between the moments it has work (wait_coordinator)
// and is woken by a worker that finished, a stop request or an interrupt:
// a thread of the process that wakes on a CPU no worker runs on is not
// free while workers run (docs/performance.md, "A sibling thread's wake-up"),
// so it wakes only when something needs it.
#ifndef IOPULSE_RUN_RUN_SIGNALS_H_
#define IOPULSE_RUN_RUN_SIGNALS_H_

#include <atomic>

namespace iopulse {

class RunSignals {
 public:
  // Creates the stop descriptor (an eventfd); throws std::system_error
  // when the process has no descriptor left.
  RunSignals();
  ~RunSignals();
  RunSignals(const RunSignals&) = delete;
  RunSignals& operator=(const RunSignals&) = delete;

  // Workers stop submitting, drain what is in flight and finish.
  void request_stop();
  // Readable (POLLIN) once request_stop() was called.
  int stop_fd() const { return stop_fd_; }

  // Wakes the coordinator from wait_coordinator() (any thread; a worker
  // calls it once, when it has finished).
  void wake_coordinator();
  // The coordinator's sleep: returns after `timeout_ns`, or sooner when
  // woken (wake_coordinator(), request_stop()) or, with `interrupts`, when
  // an interrupt arrives (interrupt_fd()); at most an hour.  Consumes the
  // wake-ups.
  void wait_coordinator(uint64_t timeout_ns, bool interrupts);

  std::atomic<bool> stop{false};       // stop submitting, drain, finish
  std::atomic<bool> io_failed{false};  // an IO error stopped the run
  // An interrupt (SIGINT, SIGTERM, SIGHUP) stopped the run: set by whoever
  // turned the signal into the stop, a worker or the coordinator.
  std::atomic<bool> interrupted{false};

  // An interrupt was seen: marks the run interrupted and stops it.
  void request_interrupt_stop() {
    interrupted.store(true, std::memory_order_relaxed);
    request_stop();
  }

 private:
  int stop_fd_ = -1;
  int coordinator_fd_ = -1;  // eventfd: counts wake-ups, read by wait_coordinator()
};

}  // namespace iopulse

#endif  // IOPULSE_RUN_RUN_SIGNALS_H_
