// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// WorkerThread: what the JobRunner sees of one worker, whatever it runs: the
// data Worker (reads and writes) or the MetadataWorker (mkdir, create,
// stat, ...).  run() is the thread body; every other member is read by
// other threads only as documented on each (after finished(), or relaxed
// progress counters).
#ifndef IOPULSE_RUN_WORKER_THREAD_H_
#define IOPULSE_RUN_WORKER_THREAD_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <string>
#include <vector>

#include "stats/access_heatmap.h"
#include "stats/latency_histogram.h"
#include "stats/measured_counters.h"
#include "stats/op_stats_set.h"
#include "stats/resource_usage.h"

namespace iopulse {

// The longest a worker waits inside an engine's reap() (or on its
// completion fd) before it looks at the stop request, the deadline and the
// drain limit again: it bounds how late a worker sees a stop.
inline constexpr uint64_t kReapTimeoutNs = 100'000'000;
// The IO errors a worker keeps the text of (error_messages()); it counts
// every error.
inline constexpr size_t kMaxErrorMessages = 8;

class WorkerThread {
 public:
  virtual ~WorkerThread() = default;

  // The thread body.  Never throws: a setup failure aborts the barrier and
  // is kept in setup_error(); a failure while running in run_error().
  virtual void run() = 0;
  // True once run() has returned its results (any thread may ask).
  virtual bool finished() const = 0;
  // True while the worker fsyncs its files after its last IO (--end-fsync;
  // any thread may ask): it waits for the device, not for the engine.
  virtual bool syncing_at_end() const { return false; }
  virtual const OpStatsSet& stats() const = 0;
  // Hands the intervals the worker closed to the time series (any thread,
  // once the start barrier has released).
  virtual void collect_intervals() = 0;
  // The rate limiter's schedule lag: the host's own lateness (empty without
  // a rate limit).
  virtual const LatencyHistogram& schedule_lag() const = 0;
  // --replay: how late each IO was behind its recorded time (empty
  // otherwise).
  virtual const LatencyHistogram& replay_lag() const {
    static const LatencyHistogram kNone;
    return kNone;
  }
  // Latency from each IO's intended start on the rate schedule, by OpKind.
  virtual const std::array<LatencyHistogram, kNumOpKinds>& intended_latency() const = 0;
  virtual uint64_t verify_failures() const = 0;
  virtual uint64_t lock_conflicts() const = 0;
  virtual int cpu() const = 0;
  // The thread's own CPU time and context switches from its release at the
  // start barrier to its end (getrusage(RUSAGE_THREAD)).
  virtual const ResourceUsage& usage() const = 0;
  virtual int numa_node() const = 0;
  virtual const AccessHeatmap* heatmap() const = 0;
  virtual uint64_t finish_ns() const = 0;
  // When the worker, released from the barrier, began issuing IO (0: never),
  // its --start-delay excluded.
  virtual uint64_t first_io_ns() const = 0;
  // When its first IO went out: first_io_ns() plus its --start-delay (0:
  // never, or stopped during the delay).
  virtual uint64_t io_start_ns() const = 0;
  // Operations completed so far and their bytes (with publish_progress).
  virtual uint64_t progress_ops() const = 0;
  virtual uint64_t progress_bytes() const = 0;
  virtual std::exception_ptr setup_error() const = 0;
  virtual std::exception_ptr run_error() const = 0;
  virtual const std::vector<std::string>& error_messages() const = 0;
  // The errno of its first failed operation (EILSEQ: a block failed
  // verification; EIO: a short transfer), 0 when none failed.
  virtual int first_error() const = 0;

  // Everything above that adds up, in the shape each level merges (after
  // finished()).
  MeasuredCounters counters() const {
    MeasuredCounters c;
    c.assign_ops(stats());
    c.read_intended = intended_latency()[static_cast<size_t>(OpKind::kRead)];
    c.write_intended = intended_latency()[static_cast<size_t>(OpKind::kWrite)];
    c.schedule_lag = schedule_lag();
    c.replay_lag = replay_lag();
    c.verify_failures = verify_failures();
    c.lock_conflicts = lock_conflicts();
    c.first_error = first_error();
    return c;
  }
};

}  // namespace iopulse

#endif  // IOPULSE_RUN_WORKER_THREAD_H_
