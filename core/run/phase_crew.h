// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// PhaseCrew: the threads that run a job's consecutive metadata phases back
// to back, as mdtest's ranks do.  Thread i runs worker i of every phase in
// turn: the next phase's setup (its records read, its engine opened) comes
// straight after the thread's part of the previous phase, on the same
// thread, with no new thread and no wait for the coordinator in between.
// Each phase is still its own JobRunner with its own barrier, window,
// statistics and results; the coordinator reports each after the fact.
//
// Between two phases the threads meet at the phase's gate: a phase's
// workers start (set up) only once every worker of the phase before has
// returned from run(), so every record the previous phase wrote is on disk
// before the next one reads it.  The last worker to finish a phase opens
// the next phase's gate itself when the phase ended on its own (no stop
// requested, no error, no interrupt, no failed setup); otherwise the gate
// stays shut until the coordinator opens it (open()) or gives up the
// phases (cancel_from()).  The first phase's gate is opened by the
// coordinator.
//
// A job of several processes (MPI ranks) has a crew on each, and the crews
// meet at a RankGate (run/rank_gate.h) as mdtest's ranks meet at their
// barriers: the last worker of a phase tells the gate whether the phase
// ended on its own here, and the next phase starts on every process when it
// did on all of them, else on none (the coordinators, which agree on every
// phase's verdict, then decide alike).  Every process's crew thus opens the
// same phases, and each opened phase's last worker calls the gate, so no
// process waits there for one that never comes.
//
// Ownership: the crew runs the workers it is given but does not own them;
// each stays with its JobRunner, which must outlive the crew.  Control
// plane only: one mutex and one condition variable, used between phases.
#ifndef IOPULSE_RUN_PHASE_CREW_H_
#define IOPULSE_RUN_PHASE_CREW_H_

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "run/rank_gate.h"
#include "run/run_signals.h"
#include "run/worker_thread.h"

namespace iopulse {

class PhaseCrew {
 public:
  // `gate`: the other processes' crews (null when alone); it outlives the
  // crew.
  explicit PhaseCrew(uint32_t threads, RankGate* gate = nullptr);
  // Gives up the phases not started, stops a running one and waits for the
  // threads.  After a worker was abandoned inside an engine
  // (workers_abandoned()) the threads are detached instead and what they
  // use is not freed.
  ~PhaseCrew();
  PhaseCrew(const PhaseCrew&) = delete;
  PhaseCrew& operator=(const PhaseCrew&) = delete;

  uint32_t threads() const { return threads_; }
  RankGate* gate() const { return state_->gate; }

  // Queues the next phase: workers[i] runs on thread i after the thread's
  // part of the phase queued before.  `signals` is the phase's: a stop or
  // error there keeps the next gate shut.  Returns the phase's number.
  // `on_finished` (may be empty) runs on the last worker's thread once every
  // worker of the phase returned, before the next phase may start.
  uint32_t add_phase(std::vector<WorkerThread*> workers, RunSignals* signals, std::function<void()> on_finished);

  // Coordinator: lets phase p start (nothing when it is open already).
  void open(uint32_t p);
  // Coordinator: true once phase p may start (open() was called, or the
  // last worker of the phase before opened it).  Once wait_done(p - 1)
  // returned, the answer for p no longer changes by itself.
  bool started(uint32_t p) const;
  // Coordinator: blocks until every worker of phase p returned from run()
  // (or was skipped) and whether the next phase starts is settled (with a
  // gate: every process's crew has met there), but for the thread `skip`
  // marks (an abandoned worker, which may never return).
  void wait_done(uint32_t p, const std::vector<bool>& skip = {});
  // Coordinator: phase p and those after it never start; the one running
  // among them is asked to stop (it finishes as after any stop: its ops
  // drained, its records written).
  void cancel_from(uint32_t p);

 private:
  struct Phase {
    std::vector<WorkerThread*> workers;
    RunSignals* signals = nullptr;
    std::function<void()> on_finished;
    bool open = false;
    bool cancelled = false;
    uint32_t done = 0;  // workers returned from run() or skipped
    bool settled = false;  // done, and whether the next phase opens decided
  };
  // What the threads share; on the heap so abandoned threads keep it.
  struct State {
    std::mutex mu;
    std::condition_variable cv;
    std::vector<Phase> phases;
    bool closing = false;  // no phase will be added
    RankGate* gate = nullptr;
  };

  static void thread_body(State* state, uint32_t index);

  const uint32_t threads_;
  State* state_;
  std::vector<std::thread> pool_;
};

}  // namespace iopulse

#endif  // IOPULSE_RUN_PHASE_CREW_H_
