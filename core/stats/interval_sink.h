// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// IntervalSink: a consumer of the time series while a run goes on (the live
// line, the streamed time-series files, the fio-format logs, the metrics
// server) and of the run's final result.  The run layer hands each closed
// interval to the sinks it was given, in the order given, on the
// coordinating thread; it knows no concrete sink.  The application builds
// the sinks and owns them; they outlive every run they are given to (a job
// of several phases gives the same sinks to each phase's run).
//
// A sink may throw (a full disk under a file): the run then stops like an
// IO error, its result says why, and no later interval reaches any sink.
#ifndef IOPULSE_STATS_INTERVAL_SINK_H_
#define IOPULSE_STATS_INTERVAL_SINK_H_

#include <cstdint>
#include <span>
#include <string>

#include "stats/interval_stats.h"
#include "stats/op_stats_set.h"
#include "stats/run_result.h"
#include "stats/time_series_assembler.h"

namespace iopulse {

// Where one run sits in the job: a job of several phases runs them one after
// the other, and the job-wide outputs number and time its intervals on one
// clock.  A job of one phase has the default.
struct IntervalPlacement {
  std::string phase;            // the phase's name (empty: the job has no phases)
  uint64_t time_offset_ns = 0;  // the time the earlier phases took
  uint64_t index_offset = 0;    // the intervals they had
  uint32_t first_worker = 0;    // the job-wide number of the run's first worker

  // `s` (on the run's own clock) on the job's clock, with the phase named.
  IntervalSummary on_job_clock(IntervalSummary s) const {
    s.phase = phase;
    s.index += index_offset;
    s.start_ns += time_offset_ns;
    s.end_ns += time_offset_ns;
    return s;
  }
};

// One closed interval, as every sink receives it.  Valid only during the
// call it is given to.
struct IntervalSnapshot {
  const MergedInterval& merged;            // all workers, histograms included; per_worker
                                           // is filled when a sink needs_workers()
  const IntervalSummary& summary;          // of all workers, on the run's own clock
  std::span<const IntervalSummary> workers;  // per worker, on the run's clock: only
                                             // with --timeseries-per-worker
  const OpStatsSet& cumulative;            // the run's statistics so far, this interval included
  uint32_t run_workers;                    // workers in the run
  const IntervalPlacement& placement;
  uint64_t window_start_unix_ns = 0;       // the wall clock when the run's clock read 0
};

class IntervalSink {
 public:
  virtual ~IntervalSink() = default;

  // Each interval of the run, in index order, once every worker has closed it
  // (or finished).
  virtual void on_interval(const IntervalSnapshot& interval) = 0;
  // The run is over and `result` is final (statistics, window, stop reason).
  virtual void on_run_end(const RunResult& /*result*/) {}
  // The sink reads MergedInterval::per_worker (the run keeps per-worker
  // intervals only when someone reads them).
  virtual bool needs_workers() const { return false; }
};

}  // namespace iopulse

#endif  // IOPULSE_STATS_INTERVAL_SINK_H_
