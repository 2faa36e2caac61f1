// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// RankGate: how the processes that run one job together (one per MPI rank)
// meet between two metadata phases without their coordinators, as mdtest's
// ranks meet in an MPI_Barrier.  On each process a crew of threads runs the
// phases back to back (run/phase_crew.h); its last worker to finish a phase,
// and its last worker to arrive at a phase's start line
// (run/start_barrier.h), call all() with what it knows, and every process
// goes on with the same answer: the next phase starts on all of them or on
// none, and its window opens on all of them together.
//
// Calls come from a worker thread while the coordinator thread uses the
// job's ProcessGroup, so the gate has a channel of its own (an MPI
// communicator of its own, with MPI_THREAD_MULTIPLE).  Each process calls
// all() the same number of times in the same order, one call at a time.
#ifndef IOPULSE_RUN_RANK_GATE_H_
#define IOPULSE_RUN_RANK_GATE_H_

namespace iopulse {

class RankGate {
 public:
  virtual ~RankGate() = default;
  // Collective: returns once every process called it, true when `mine` was
  // true on every one.  Spins in the transport while it waits (as mdtest's
  // barrier does), so the calling thread stays on its CPU.
  virtual bool all(bool mine) = 0;
};

}  // namespace iopulse

#endif  // IOPULSE_RUN_RANK_GATE_H_
