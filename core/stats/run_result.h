// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// RunResult: everything one run measured, as the run layer hands it to the
// reports (text summary, JSON, ...).  Plain data: the run layer fills it
// once the measured window has closed; reports only read it.
#ifndef IOPULSE_STATS_RUN_RESULT_H_
#define IOPULSE_STATS_RUN_RESULT_H_

#include <cstdint>
#include <deque>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include <optional>

#include "stats/access_heatmap.h"
#include "stats/clock_report.h"
#include "stats/cluster_summary.h"
#include "stats/interval_stats.h"
#include "stats/measured_counters.h"
#include "stats/op_stats.h"
#include "stats/op_stats_set.h"
#include "stats/priority_split.h"
#include "stats/resource_usage.h"
#include "stats/stop_reason.h"

namespace iopulse {

// Which engine plugin did the IO, as it described itself when loaded.
struct EngineIdentity {
  std::string name;     // e.g. "io_uring"
  std::string version;  // the engine's own version string
  std::string abi;      // engine ABI major.minor it was built against, e.g. "1.0"
  std::string path;     // the shared object it was loaded from
  // The settings that took effect, as the engine's report() said for an
  // instance created with the job's configuration (name, value), e.g.
  // io_uring's ring setup flags; empty when the engine reports none.
  std::vector<std::pair<std::string, std::string>> settings;
};

// The counters (merged over all workers, phases and ranks) are the
// MeasuredCounters it extends.
struct RunResult : MeasuredCounters {
  std::string phase;            // the phase's name in a job file with phases, else empty
  nlohmann::json config;        // the effective job, as given by the caller
  nlohmann::json steady_state;  // --steady-state: SteadyStateDetector::to_json(), else null
  EngineIdentity engine;
  std::string iopulse_version;  // IOPULSE_VERSION of the host
  std::string started_at;       // wall-clock start of the window, ISO 8601 UTC
  uint64_t window_ns = 0;       // measured window: first worker past the start barrier to stop condition
  // The start delay before the window (not measured): the shortest
  // --start-delay (a range's lower bound) of the groups that start with the
  // phase, after the start barrier; 0 without one.
  uint64_t window_offset_ns = 0;
  uint64_t window_start_unix_ns = 0;  // the wall clock (ns since the epoch) when the window opened
  // With --io-priority: the job's priority (IOP_IOPRIO_VALUE) and the share
  // of reads and writes that carried it (`priority` holds the split).
  // io_priority 0: none; for a run of phases, also when its phases asked
  // for different priorities (each phase then reports its own, and the
  // run's split is empty).
  uint16_t io_priority = 0;
  uint32_t io_priority_percent = 0;
  uint16_t io_priority_others = 0;  // what the others carried (0: none)
  bool mixed_priorities = false;
  // Operations (data or metadata) each worker completed, in job-wide worker
  // order: how far each got when a time limit stopped them all (stonewall).
  std::vector<uint64_t> worker_ops;
  ResourceUsage resources;      // CPU time, context switches, peak RSS over the window
  uint32_t cores_used = 0;      // CPUs the workers could run on: pinned ones, else min(threads, online)
  bool interrupted = false;     // stopped early by SIGINT/SIGTERM
  StopReason stop_reason = StopReason::kNone;
  std::vector<std::string> error_messages;  // the first few IO error texts

  // Time series: one summary per stats interval (all workers), and per
  // worker when asked for.  Bounded, so memory does not grow with the
  // length of a run: past kMaxStoredIntervals summaries (about 2 MB; an
  // hour of 1 s intervals) each series is only streamed to files and
  // `timeseries_truncated` is set.
  static constexpr size_t kMaxStoredIntervals = 3600;
  uint64_t stats_interval_ns = 0;
  uint64_t intervals = 0;  // intervals of the time series, stored or not
  std::deque<IntervalSummary> timeseries;  // a deque: grows without copying what it holds
  std::deque<IntervalSummary> worker_timeseries;
  bool timeseries_truncated = false;

  std::optional<AccessHeatmap> heatmap;  // with --heatmap

  // With a rate limit the intended-start latencies and the schedule lag
  // are measured; with --replay on a timed schedule, the replay lag.
  bool rate_limited = false;
  bool replay_timed = false;

  std::vector<int> worker_cpus;  // the CPU each worker last ran on
  std::vector<int> worker_numa_nodes;  // the node holding each worker's buffers (-1: no --numa-zones)

  bool locking = false;          // --lock-mode: lock_conflicts is reported
  bool verifying = false;        // --verify or --verify-only
  // --verify-journal: the journal, the newest epoch taken, and the blocks it
  // holds a durable generation for at the end of the job.
  std::string verify_journal;
  uint32_t journal_epoch = 0;
  uint64_t journal_durable_blocks = 0;

  // File preparation before the window (never part of the measurement).
  uint64_t preparation_ns = 0;
  uint64_t preparation_bytes = 0;

  // The clock that timed the run and its checks against CLOCK_MONOTONIC.
  ClockReport clock;

  // Start-up, on the clock's (CLOCK_MONOTONIC) scale: when the process
  // started (the host's first constructor) and when the first worker began
  // issuing IO; 0 when unknown.  The start-up time reported is the span
  // between them minus preparation_ns.
  uint64_t process_started_ns = 0;
  uint64_t first_io_ns = 0;

  // Composite workloads: each concurrent group of workers' own counters.
  // The longest of the workers' own spans, each from the worker's first IO
  // (after its --start-delay or --wait-for) to its end: the runtime fio
  // reports for a job (its longest clone's).
  uint64_t worker_span_ns = 0;
  // The sum of the workers' own spans: the runtime fio reports for a job of
  // clones merged by group_reporting (its clones' runtimes added).
  uint64_t worker_span_sum_ns = 0;

  struct GroupResult {
    std::string name;
    OpStats read, write, sync, trim;
    // The longest of its workers' own spans (as worker_span_ns).
    uint64_t window_ns = 0;
    // The sum of its workers' own spans (as worker_span_sum_ns).
    uint64_t span_sum_ns = 0;
    int first_error = 0;  // its first worker's with one (as first_error)
  };
  std::vector<GroupResult> groups;

  // Each worker's own counters, in job-wide worker order (a multi-rank
  // run's: rank 0's workers, then each other rank's), kept only when
  // RunSettings::worker_results asks (a histogram per direction is 20 KB):
  // a fio job file without group_reporting lists every clone apart.  A run
  // of phases keeps them per phase only.
  struct WorkerResult {
    uint32_t group = 0;  // its index in `groups` (0 when there are none)
    OpStats read, write, sync, trim;
    uint64_t span_ns = 0;  // from its first IO to its end (as worker_span_ns); 0: it did no IO
    ResourceUsage usage;   // the thread's own CPU time and switches
    // With --io-priority, its reads and writes by priority (one entry);
    // none otherwise (the split's histograms are 80 KB).
    std::vector<PrioritySplit> priority;
    int first_error = 0;  // as first_error
    // With `priority`: its group's --io-priority and what the others
    // carried (0: none).
    uint16_t io_priority = 0, io_priority_others = 0;
  };
  std::vector<WorkerResult> worker_results;

  // A multi-host (MPI) run: every rank's own numbers, the start skew and
  // the first-done/last-done views.  The members above then hold the whole
  // job, merged over ranks (histograms by adding buckets).
  std::optional<ClusterSummary> cluster;

  // With a job file of several phases: each phase's own results; the
  // members above then hold the whole run (see add_phase()).
  std::vector<RunResult> phases;

  // Adds a finished phase to the whole run: counters and histograms merged,
  // windows and CPU time added, the phase's time series (per worker too)
  // appended after the earlier phases', each interval carrying the phase's
  // name and numbered on from theirs, as in the streamed files.
  void add_phase(const RunResult& phase);
};

}  // namespace iopulse

#endif  // IOPULSE_STATS_RUN_RESULT_H_
