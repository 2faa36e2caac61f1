// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// RunPeers: the other processes that run the same job at the same time (a
// multi-host run, one process per MPI rank).  JobRunner talks to them from
// its coordinating thread only, at the few points where a run needs them:
// agreeing that everyone is ready, crossing the start line together,
// forwarding closed intervals, spreading a stop, merging the results.  The
// workers never see it, so the per-IO path never waits on the network.
// Without peers JobRunner runs alone (a null RunPeers*).
#ifndef IOPULSE_RUN_RUN_PEERS_H_
#define IOPULSE_RUN_RUN_PEERS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "stats/run_result.h"
#include "stats/time_series_assembler.h"

namespace iopulse {

class RunPeers {
 public:
  virtual ~RunPeers() = default;

  // Collective, once this process's workers are set up (`local_error`
  // empty) or one of them failed.  Returns when every process is ready:
  // empty when all are; otherwise the failures of every process that is
  // not (this one included), each naming its rank and host, so every
  // process ends the phase with the same verdict (merge() still follows).
  virtual std::string agree_ready(const std::string& local_error) = 0;

  // Collective: returns when every process reached the start line, as
  // close together as the transport allows.  The caller opens its window
  // right after.
  virtual void cross_start_line() = 0;
  // Instead of agree_ready() and cross_start_line(): the workers met the
  // other processes' at the ranks' gate themselves (run/rank_gate.h) and
  // left it at `realtime_ns` (CLOCK_REALTIME).
  virtual void start_line_crossed(uint64_t realtime_ns) = 0;

  // An interval this process completed (all its workers), in index order.
  virtual void local_interval(const MergedInterval& interval) = 0;
  // Intervals that every process completed, merged, in index order; only
  // the process that reports (rank 0) gets any.  `all`: everything held.
  virtual std::vector<MergedInterval> take_complete(bool all) = 0;

  // This process stopped early ("error: ..." or "interrupted"); every other
  // process is asked to stop too.
  virtual void local_stop(const std::string& reason) = 0;
  // Why another process asked this one to stop, once it did.
  virtual std::optional<std::string> stop_request() = 0;

  // Progress of this process's reads and writes at `elapsed_ns` into its
  // window, sampled by the caller every few milliseconds (first-done view).
  virtual void progress(uint64_t elapsed_ns, uint64_t ops, uint64_t bytes) = 0;
  // Every local worker finished; its last interval was given.
  virtual void local_finished() = 0;
  // True when this process may stop waiting: every process finished.
  virtual bool done() = 0;

  // Collective, after the window: the reporting process's `result` becomes
  // the whole job's (counters summed, histograms merged by buckets, the
  // cluster summary filled); every process learns the job's stop reason,
  // interruption and verification failures, so all end the same way.
  virtual void merge(RunResult& result) = 0;
};

}  // namespace iopulse

#endif  // IOPULSE_RUN_RUN_PEERS_H_
