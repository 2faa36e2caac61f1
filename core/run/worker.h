// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// Worker: one thread of a job.  It runs its WorkerPlan (run/worker_plan.h,
// decided before it started; it never reads the JobSpec) against the
// regions of the target layout it was assigned.  It owns one engine
// instance, the files it opened, its IoPool (queue_depth IO slots with
// aligned buffers), its IoSource (what each IO is: run/io_source.h), its
// Pacer, its IoObservers (run/io_observer.h: verification, locks, the
// heatmap, the priority split, the capture log, each present only when the
// plan asks for it) and plain (non-atomic) statistics.
//
// Life cycle, all on the worker's own thread (run()):
//   private descriptor table (unshare(CLONE_FILES)): descriptors the worker
//             opens exist on its thread only, and it closes all of them
//   setup     create the engine, open files, allocate (from the engine when
//             it provides IO memory) and register buffers, take the
//             engine's completion fd when it has one and queue_depth > 1
//   barrier   wait at the StartBarrier; the window starts when the first
//             worker sees its release
//   loop      keep queue_depth IOs in flight: refill slots as completions
//             arrive; one reap() per batch and one submit() per batch (or
//             per submit_batch IOs of it), the clock read once per call;
//             with a completion fd (queue depth > 1), a reap that finds
//             nothing is followed by one wait on the fd, the stop event and
//             the next timer, else reap() waits itself;
//             stop at the deadline, the op limit or a stop request, then
//             drain what is in flight
//   teardown  close files, destroy the engine
//
// Statistics are kept per stats interval: when the worker's clock crosses an
// interval boundary it closes the interval in its IntervalMailbox (a few
// stores, nothing copied or merged on the worker); the coordinator's
// collect_intervals() hands it to the TimeSeriesAssembler and adds it to the
// cumulative statistics, so the time series always sums to the totals and
// no IO's latency carries the hand-over.  Other threads read the cumulative
// statistics after run() returned.
//
// Data: every write carries fresh seeded bytes from WriteData (unless
// --buffer-pattern asks for a constant byte).
#ifndef IOPULSE_RUN_WORKER_H_
#define IOPULSE_RUN_WORKER_H_

#include <array>
#include <atomic>
#include <cstdint>
#include <exception>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

#include "iopulse/engine.h"
#include "job/job_spec.h"
#include "run/completion_ledger.h"
#include "run/completion_wait.h"
#include "run/engine_instance.h"
#include "run/heatmap_observer.h"
#include "run/io_error_log.h"
#include "run/io_observer.h"
#include "run/io_pool.h"
#include "run/io_source.h"
#include "run/iolog_observer.h"
#include "run/pacer.h"
#include "run/priority_split_observer.h"
#include "run/range_lock_observer.h"
#include "run/run_signals.h"
#include "run/start_barrier.h"
#include "run/verify_observer.h"
#include "run/worker_plan.h"
#include "run/worker_thread.h"
#include "stats/access_heatmap.h"
#include "stats/interval_mailbox.h"
#include "stats/op_stats_set.h"
#include "stats/time_series_assembler.h"
#include "target/target_layout.h"
#include "trace/iolog_writer.h"
#include "trace/trace_cursor.h"
#include "verify/verify_journal.h"

namespace iopulse {



// What a worker needs to know; every pointer outlives the worker.
struct WorkerSetup {
  uint32_t index = 0;          // among all workers of the run (time series, pinning)
  uint32_t global_index = 0;   // among all workers of the job on every process (seeds)
  uint32_t job_processes = 1;  // processes running the job, each with the job's --threads workers (rate shares)
  uint32_t layout_index = 0;   // among the workers of its group (layout->workers)
  const TargetLayout* layout = nullptr;
  const iop_engine_desc* engine = nullptr;
  const iop_option_value* engine_options = nullptr;
  uint32_t num_engine_options = 0;
  uint32_t queue_depth = 1;  // already clamped to the engine's maximum
  StartBarrier* barrier = nullptr;
  RunSignals* signals = nullptr;
  TimeSeriesAssembler* time_series = nullptr;
  uint64_t stats_interval_ns = 1'000'000'000;
  // The window (and its intervals) opens this long after the start barrier:
  // the shortest --start-delay of the phase's groups, none of whose workers
  // does IO before it (JobRunner).
  uint64_t window_offset_ns = 0;
  const std::vector<uint64_t>* file_offsets = nullptr;  // where each file starts in the working set (heatmap)
  uint64_t working_set_bytes = 0;   // all target files laid end to end (heatmap)
  bool publish_progress = false;    // keep progress_ops()/progress_bytes() current
  // Verification: the epoch of this run's generations (GenerationTable) and
  // the journal (--verify-journal), shared by the workers, or null.
  uint32_t generation_epoch = 0;
  VerifyJournal* journal = nullptr;
  uint64_t min_generation = 0;  // WorkerGroup::min_generation
  // --write-iolog: the run's writer (null without), and the index of the
  // worker's layout's first file among the iolog's files.
  IoLogWriter* iolog = nullptr;
  uint32_t iolog_file_base = 0;
  // --wait-for: the workers whose end this one's first IO waits for (they
  // outlive it; empty: none).
  std::vector<const WorkerThread*> waits_for;
};

class Worker final : public WorkerThread {
 public:
  // Runs `plan` (WorkerPlan::of() of the job at this worker's place).
  Worker(const WorkerSetup& setup, WorkerPlan plan);
  ~Worker() override;
  Worker(const Worker&) = delete;
  Worker& operator=(const Worker&) = delete;

  // The thread body.  Never throws: a setup failure aborts the barrier and
  // is kept in setup_error(); a failure while running in run_error().
  void run() override;

  // True once run() has returned its results (any thread may ask).
  bool finished() const override { return finished_.load(std::memory_order_acquire); }
  bool syncing_at_end() const override { return syncing_at_end_.load(std::memory_order_relaxed); }
  const OpStatsSet& stats() const override;
  // Hands the intervals the worker closed to the time series (any thread,
  // once the start barrier has released; see IntervalMailbox).
  void collect_intervals() override {
    if (mailbox_) mailbox_->collect();
  }
  // Latency from each IO's intended start on the rate schedule, by OpKind
  // (empty without a rate limit).
  const std::array<LatencyHistogram, kNumOpKinds>& intended_latency() const override {
    return pacer_.intended_latency();
  }
  // The rate limiter's schedule lag (empty without a rate limit): per IO,
  // how long after it could have started (due on the schedule and a slot
  // free) the host submitted it.  The host's own lateness, never the
  // device's.
  const LatencyHistogram& schedule_lag() const override { return pacer_.schedule_lag(); }
  // --replay on a timed schedule: per IO, how long after its recorded time
  // (scaled by --replay-speed) it was submitted.
  const LatencyHistogram& replay_lag() const override { return pacer_.replay_lag(); }
  uint64_t verify_failures() const override { return verify_ ? verify_->failures() : 0; }
  uint64_t lock_conflicts() const override { return locks_ ? locks_->conflicts() : 0; }
  int cpu() const override { return cpu_; }  // the CPU the worker last ran on
  const ResourceUsage& usage() const override { return usage_; }
  int numa_node() const override { return numa_node_; }  // the node holding its buffers (--numa-zones), else -1
  const AccessHeatmap* heatmap() const override { return heatmap_ ? &heatmap_->heatmap() : nullptr; }
  uint64_t finish_ns() const override { return finish_ns_; }
  uint64_t first_io_ns() const override { return first_io_ns_; }
  uint64_t io_start_ns() const override { return io_start_ns_; }
  // Reads and writes completed so far and their bytes, updated once per
  // reap when setup.publish_progress; any thread may read them.
  uint64_t progress_ops() const override { return progress_ops_.load(std::memory_order_relaxed); }
  uint64_t progress_bytes() const override { return progress_bytes_.load(std::memory_order_relaxed); }
  std::exception_ptr setup_error() const override { return setup_error_; }
  std::exception_ptr run_error() const override { return run_error_; }
  const std::vector<std::string>& error_messages() const override { return errors_.messages(); }
  int first_error() const override { return errors_.first_error(); }

 private:
  // The slot holding `io`, an IO of the pool (run/io_pool.h).
  static IoSlot& slot_of(iop_io* io) { return IoSlot::of(io); }


  static constexpr uint64_t kNoBlock = IoSlot::kNoBlock;
  using Next = IoSource::Next;

  void setup();
  // Lists the observers the plan asks for (observers_), in their order.
  void add_observers();
  // Waits for the workers of setup_.waits_for to end, then out the plan's
  // start delay (from the window's start `start_ns`, or from their end);
  // returns the clock then (`start_ns` without either), or 0 when a stop
  // came first.
  uint64_t wait_start_delay(uint64_t start_ns);
  // Runs the IO loop: run_plain_qd1 or run_loop<true> for a plain job,
  // else run_loop<false>.  `start_ns`: the window's start (the intervals');
  // `io_start_ns`: the worker's first IO (the duration's and the pacer's).
  void loop(uint64_t start_ns, uint64_t io_start_ns);
  // A plain job: no observer, a pacer that neither thinks nor keeps a
  // schedule, and a plain source (one region of whole units, one IO size
  // for reads and writes, no syncs, trims, priorities or complete pass).
  // Its loop is compiled without the tests for any of them (fewer
  // instructions per IO); it issues the same IOs.
  bool plain() const;
  template <bool kPlain>
  void run_loop(uint64_t start_ns);
  // run_loop<true> at queue depth 1, without what more slots need.
  void run_plain_qd1(uint64_t start_ns);
  // --end-fsync, after the loop's last IO at `now`: one fsync per file of
  // the worker's regions (end_sync_handles_), through the engine one at a
  // time, each measured as a sync; the window ends after the last.  Nothing
  // after an IO error or an interrupt.  Not seen by the observers (an
  // iolog records the workload's IOs).  Returns the clock after the last.
  uint64_t sync_files_at_end(uint64_t now);
  // Cold path: submit() of one IO returned `accepted` (not 1).  Throws.
  [[noreturn, gnu::cold]] void submit_refused(int32_t accepted) const;
  // The IO taken into `slot` takes its place on the schedule (rate limit or
  // timed replay).
  void advance_schedule(IoSlot& slot) {
    const Pacer::Place place = pacer_.take(slot.io.len);
    slot.intended_ns = place.intended_ns;
    slot.free_ns = place.free_ns;
  }
  // Asks the observers that admit IOs (admitters_), from admitters_[from]
  // on, to admit the IO in `slot`; false when one refused: the slot is
  // parked (parked_, parked_stage_ = that observer's place in admitters_).
  bool admit(IoSlot& slot, size_t from, bool wait);
  // The IO in `slot` is never submitted: tells observers_[0, before).
  void abandon(const IoSlot& slot, size_t before);
  // Sleeps or spins until `until` (monotonic ns); a stop ends it early.
  void wait_until(uint64_t until, bool spin) const;
  void teardown();
  // Closes the current interval at `now` and opens the one `now` falls in.
  // `last`: the worker stops; the interval ends at `now`, not at a boundary.
  void roll_interval(uint64_t now, bool last = false);
  // --rate-min-bw/--rate-min-iops: fails the run when the interval being
  // closed at `now` fell below the least rate (once per interval, cold).
  void check_min_rate(uint64_t now);
  // Stores the progress counters (with setup.publish_progress).
  void publish_progress();
  // Cold path: a completion that failed, or moved another number of bytes
  // than asked (more is the engine's fault and ends the run).
  void record_failure(const IoSlot& slot, const iop_cqe& cqe);

  WorkerSetup setup_;
  const WorkerAssignment& assignment_;

  std::unique_ptr<EngineInstance> engine_;
  uint64_t engine_caps_ = 0;         // the instance's capabilities (its report)
  // With IOP_CAP_COMPLETION_FD and queue depth > 1: the worker waits on the
  // engine's fd together with the stop descriptor and its timers (else
  // null: reap() waits, bounded by a timeout).
  std::unique_ptr<CompletionWait> completion_wait_;
  std::vector<OpenRegion> regions_;

  // Slots, buffers, engine scratch, the free stack, the batch and the
  // completion array, allocated once in setup.
  std::optional<IoPool> pool_;
  // Checks the engine's answers (its per-IO form; the in-flight marks are
  // the slots' submit_ns).  Held in place (not behind a pointer): the loop
  // reaches its fields at fixed offsets from the worker, one load fewer per
  // check.
  std::optional<CompletionLedger> ledger_;

  // What each IO is: op, size, offset, data, within the budgets.
  IoSource source_;
  uint32_t submit_batch_ = 0;        // IOs per submit() call at most (--submit-batch)

  // Think time and the schedule (a rate limit or a timed replay), and the
  // schedule's record of each IO: latency from its intended start, the
  // host's lag.
  Pacer pacer_;

  // The observers the plan asks for, each null without; observers_ lists
  // the present ones in the order they are called (verification first:
  // VerifyObserver).  Reset in teardown (the capture's last records are
  // handed over before the engine goes).
  std::unique_ptr<VerifyObserver> verify_;
  std::unique_ptr<RangeLockObserver> locks_;
  std::unique_ptr<HeatmapObserver> heatmap_;
  std::unique_ptr<PrioritySplitObserver> priority_split_;
  std::unique_ptr<IoLogObserver> iolog_;
  std::vector<IoObserver*> observers_;
  // Of those, the ones that admit IOs (their index in observers_) and the
  // ones told of each IO the engine accepted: the loop calls only these.
  std::vector<size_t> admitters_;
  std::vector<IoObserver*> issue_watchers_;
  // A slot prepared but held back by observers_[admitters_[parked_stage_]]
  // (a lock another holder has, a capture buffer still in flight), or -1.
  int64_t parked_ = -1;
  size_t parked_stage_ = 0;

  // Placement.
  int cpu_ = -1;
  ResourceUsage usage_;
  int numa_node_ = -1;

  // Statistics: the open interval lives in the mailbox; the closed ones
  // are collected from there.
  std::unique_ptr<IntervalMailbox> mailbox_;
  OpStatsSet* interval_ = nullptr;    // mailbox_->current().ops
  uint64_t closed_ops_ = 0;           // reads and writes of the closed intervals (progress)
  uint64_t closed_bytes_ = 0;
  uint64_t interval_index_ = 0;
  uint64_t next_interval_ns_ = 0;     // clock value that closes the open interval
  uint64_t start_ns_ = 0;             // window start
  uint64_t inflight_sum_ = 0;         // for the interval's mean queue depth
  uint64_t reap_calls_ = 0;


  // What the worker does, decided before it started (read in setup and on
  // cold paths; the loop reads its own copies above).
  const WorkerPlan plan_;

  // Written by the worker only; a line of their own, away from the
  // fields the loop reads.
  alignas(64) std::atomic<uint64_t> progress_ops_{0};
  std::atomic<uint64_t> progress_bytes_{0};
  std::atomic<bool> finished_{false};
  std::atomic<bool> syncing_at_end_{false};  // inside sync_files_at_end()
  std::vector<int32_t> end_sync_handles_;    // --end-fsync: the handles, each once
  uint64_t finish_ns_ = 0;
  uint64_t first_io_ns_ = 0;
  uint64_t io_start_ns_ = 0;          // after the start delay; 0 before, or when stopped during it
  // check_min_rate() (once per interval, away from the loop's fields), for
  // reads [0], writes [1] and trims [2]: the bytes (or IOs) of the closed
  // intervals, and the baseline: that count and the time it was taken (0:
  // none yet).  rate_min_missed_: the run was failed.
  struct RateCheck {
    uint64_t done = 0;
    uint64_t done_since = 0;
    uint64_t since_ns = 0;
  };
  RateCheck rate_checks_[3];
  bool rate_min_missed_ = false;
  std::exception_ptr setup_error_;
  std::exception_ptr run_error_;
  IoErrorLog errors_;  // the first few IO errors' text
};

}  // namespace iopulse

#endif  // IOPULSE_RUN_WORKER_H_
