// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// JobRunner: runs one planned job.  Starts one Worker thread per worker (or
// hands them to a PhaseCrew's threads, stage()),
// waits for all of them at the start barrier, opens the measured window,
// forwards stop requests (SIGINT/SIGTERM), turns the workers' closed
// intervals into the time series, hands each interval to the sinks it is
// given (stats/interval_sink.h: the application's live view, streamed files,
// metrics) and merges the workers' statistics into a RunResult once all have
// finished.
#ifndef IOPULSE_RUN_JOB_RUNNER_H_
#define IOPULSE_RUN_JOB_RUNNER_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "iopulse/engine.h"
#include "job/job_spec.h"
#include "stats/interval_sink.h"
#include "stats/run_result.h"
#include "stats/time_series_assembler.h"
#include "target/target_layout.h"

namespace iopulse {

class VerifyJournal;
class RunPeers;
class PhaseCrew;

struct EngineBinding {
  const iop_engine_desc* desc = nullptr;
  const iop_option_value* options = nullptr;  // typed option values, one per descriptor option
  uint32_t num_options = 0;
  uint32_t queue_depth = 1;                   // the job's, clamped to the engine's maximum
};

// Workers that run one workload; a run has one group, or several running
// side by side (composite patterns).  Every group's JobSpec carries the
// job's one RunSettings (PhasedJob::job()), so the runner reads the run-wide
// settings (stats interval, per-worker series) from the first group's; what
// is the phase's as a whole (its stop condition, the stop timeout, what the
// results say about locking, pacing, priority) is the first group's
// workload.
struct WorkerGroup {
  std::string name;
  const JobSpec* spec = nullptr;
  const TargetLayout* layout = nullptr;
  EngineBinding engine;
  // Verification: the epoch of this run's generations and the journal
  // (--verify-journal), or null.  The journal outlives the run.
  uint32_t generation_epoch = 0;
  VerifyJournal* journal = nullptr;
  // A check (--verify-only) after a phase of this run that wrote every
  // block: the oldest generation a block may hold (that phase's first), so
  // a write the device lost is found; 0: any.
  uint64_t min_generation = 0;
};

// Where a run records every IO (trace/iolog_writer.h), if anywhere: the
// --write-iolog file, created (or truncated) when the run starts, or an
// open, empty file (the per-IO capture the per-IO fio-format logs are made
// from), which the run's writer takes over.  `label` names it in messages.
struct IoCaptureTarget {
  std::string path;
  int fd = -1;
  std::string label;
  bool wanted() const { return !path.empty() || fd >= 0; }
};

// Where this process's workers sit in a job that several processes run
// together (multi-host runs); the default is a job of one process.
struct JobPlacement {
  RunPeers* peers = nullptr;     // the other processes; null when alone
  uint32_t first_worker_id = 0;  // job-wide id of this process's first worker
  uint32_t processes = 1;        // processes running the job (job-wide rate limits are shared by all)
};

class JobRunner {
 public:
  JobRunner(const JobSpec& spec, const TargetLayout& layout, const EngineBinding& engine);
  explicit JobRunner(std::vector<WorkerGroup> groups, const JobPlacement& placement = {});
  ~JobRunner();
  JobRunner(const JobRunner&) = delete;
  JobRunner& operator=(const JobRunner&) = delete;

  // A phase of a job of one process whose metadata phases run back to back
  // on `crew` (run/phase_crew.h): builds the phase's workers now and queues
  // them on the crew's threads, behind the phases staged before, with a
  // start barrier that releases itself once every worker arrived.  Stage
  // every phase before running the first; then run() each in order, which
  // opens the phase (if the previous one has not), watches and reports it.
  // The time series keep every worker's intervals (the sinks are not known
  // yet).  Not with peers or an IO capture.
  void stage(PhaseCrew& crew);

  // Runs the job.  Fills the statistics, window, resources, time series,
  // stop reason and error messages of `result` (the caller fills engine and
  // config).  A failed set-up (a worker's, or the run's own events) ends
  // the run before its window: nothing ran, `result` holds the error and
  // stop reason "error"; with peers, run() throws instead when any process
  // failed to set up.  With peers, the
  // reporting process's result is the whole job's when run() returns.
  // An engine that does not return within --stop-timeout after the stop
  // leaves result.stop_reason "incomplete" (see workers_abandoned()).
  // Each closed interval goes to `sinks` (in order; none may be null), and
  // so does the final result; `placement` says where the run sits in the job.
  // Every IO is recorded into `capture` when it is wanted() (a write error
  // of it fails the run, named in result.error_messages).
  void run(RunResult& result, const std::vector<IntervalSink*>& sinks = {},
           const IntervalPlacement& placement = {}, IoCaptureTarget capture = {});

 private:
  // The workers and what they point to, from stage() or the start of run().
  struct Staged;
  void build(bool keep_per_worker, IoCaptureTarget capture);
  // Fills `result` for a run whose set-up failed (nothing measured;
  // `workers` ran no IO) and tells the sinks it ended.  `error` is this
  // process's failure; with peers it may be empty (another process's set-up
  // failed: this one stopped), and the processes' results are merged as
  // after a window, so the reporting one writes the job's with every
  // rank's stop reason and error.
  void end_before_window(RunResult& result, const std::string& error, const std::vector<IntervalSink*>& sinks,
                         uint32_t workers, bool interrupted);
  // Every group's workers.
  uint32_t worker_count() const;
  // The shortest --start-delay of the groups that start with the phase
  // (not after another group, --wait-for): no IO comes before it, so the
  // window opens then; the delay is not measured.
  uint64_t window_offset_ns() const;

  std::vector<WorkerGroup> groups_;
  const RunSettings& run_;  // the run's, the same in every group
  const JobSpec& spec_;     // the first group's
  const TargetLayout& layout_;
  RunPeers* peers_;
  JobPlacement placement_;
  std::unique_ptr<Staged> staged_;
  PhaseCrew* crew_ = nullptr;  // with stage(): the crew and the phase's number on it
  uint32_t crew_phase_ = 0;
};

// True once a run left a worker thread inside an engine that never
// returned.  The process must then end without unloading engines or
// running destructors that thread may still use: write the results, then
// std::_Exit().
bool workers_abandoned();

}  // namespace iopulse

#endif  // IOPULSE_RUN_JOB_RUNNER_H_
