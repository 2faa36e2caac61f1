// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// MetadataWorker: one thread of a metadata phase (--md-phases).  It owns one
// engine instance with a directory handle on TARGET, a pool of queue_depth
// slots (an iop_io, its iop_meta_args and a data buffer each), its part of
// the namespace (MetadataNamespace) and plain statistics per op kind.
//
// A phase is a list of steps fixed before the window (mkdir directory i,
// create file j, ...) or, for the mix, steps drawn as it goes.  A step may
// wait for earlier ones (a directory's mkdir for its parent's, an rmdir for
// its children's, a rename back for the rename away); the worker keeps up
// to queue_depth steps in flight and issues the next one as soon as what it
// waits for has completed.  The window ends when the steps run out, at
// --duration (stonewall: every worker and rank stops at the same time, and
// each reports how far it got), at the op budget, or at a stop request.
//
// What the worker does is its MetadataPlan (run/metadata_plan.h), decided
// before any worker starts; it never reads the JobSpec.  Outside the
// window: setup reads the worker's MetadataRecord and turns it and the plan
// into the phase's steps, and a phase that creates writes its claim before
// the window opens; a phase that creates or removes writes the exact record
// after it.
//
// Life cycle, statistics and intervals as for the data Worker (worker.h).
#ifndef IOPULSE_RUN_METADATA_WORKER_H_
#define IOPULSE_RUN_METADATA_WORKER_H_

#include <algorithm>
#include <atomic>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "iopulse/engine.h"
#include "job/metadata_spec.h"
#include "run/completion_ledger.h"
#include "run/completion_wait.h"
#include "run/engine_instance.h"
#include "run/metadata_plan.h"
#include "run/worker.h"
#include "run/worker_thread.h"
#include "target/metadata_record.h"
#include "workload/metadata_namespace.h"
#include "workload/write_data.h"
#include "workload/offset_generator.h"
#include "workload/random_source.h"

namespace iopulse {

class MetadataWorker final : public WorkerThread {
 public:
  // Runs `plan` (MetadataPlan::of() of the job at this worker's place).
  MetadataWorker(const WorkerSetup& setup, MetadataPlan plan);
  ~MetadataWorker() override;
  MetadataWorker(const MetadataWorker&) = delete;
  MetadataWorker& operator=(const MetadataWorker&) = delete;

  void run() override;
  bool finished() const override { return finished_.load(std::memory_order_acquire); }
  const OpStatsSet& stats() const override { return cumulative_; }
  // Closes its intervals on its own thread (roll_interval), all but the
  // last: that one is handed to the time series here, by the thread that
  // reports the phase, once the worker has finished (a no-op before).  The
  // hand-over copies an OpStatsSet twice into fresh memory (~700 KB, ~170
  // page faults); on the worker's thread that fell between a phase's last
  // operation and the next phase's first, which then took longer
  // (docs/performance.md, "the phase boundary's page faults").
  void collect_intervals() override;
  // No rate limit for metadata phases: never any schedule lag.
  const LatencyHistogram& schedule_lag() const override { return schedule_lag_; }
  // None: a metadata phase has no rate schedule.
  const std::array<LatencyHistogram, kNumOpKinds>& intended_latency() const override;
  uint64_t verify_failures() const override { return 0; }
  uint64_t lock_conflicts() const override { return 0; }
  int cpu() const override { return cpu_; }
  const ResourceUsage& usage() const override { return usage_; }
  int numa_node() const override { return -1; }
  const AccessHeatmap* heatmap() const override { return nullptr; }
  uint64_t finish_ns() const override { return finish_ns_; }
  uint64_t first_io_ns() const override { return start_ns_; }
  uint64_t io_start_ns() const override { return start_ns_; }
  uint64_t progress_ops() const override { return progress_ops_.load(std::memory_order_relaxed); }
  uint64_t progress_bytes() const override { return progress_bytes_.load(std::memory_order_relaxed); }
  std::exception_ptr setup_error() const override { return setup_error_; }
  std::exception_ptr run_error() const override { return run_error_; }
  const std::vector<std::string>& error_messages() const override { return error_messages_; }
  int first_error() const override { return first_error_; }

 private:
  // One fixed step of a phase.
  struct Step {
    uint8_t op;         // enum iop_op
    bool rename_back;   // the second half of a rename pair (path2 -> path)
    uint64_t item;      // directory or file index in the namespace
    uint64_t pair;      // rename_back: the step of the rename away
  };
  // One IO in the pool.  io.user_data is the slot's index; io.meta points
  // at meta.
  struct Slot {
    iop_io io;
    iop_meta_args meta;
    uint64_t submit_ns;
    uint64_t step;      // index into steps_, or kDrawn for a mix op
  };
  static constexpr uint64_t kDrawn = UINT64_MAX;

  // Reads the records, plans the steps, writes a creating phase's claim,
  // then opens the engine, the target and the pool (open_engine_and_pool();
  // if that fails, the claim is taken back).  Throws.
  void setup();
  void open_engine_and_pool();
  void plan_steps();
  // Depends: `later` may start once `earlier` has completed.
  void add_dependency(uint64_t earlier, uint64_t later);
  void loop(uint64_t start_ns);
  // Fills `slot` with the next op; false when none may start now.
  bool next(Slot& slot, bool stopping);
  void fill(Slot& slot, uint8_t op, uint64_t item, bool rename_back);
  void complete(Slot& slot, const iop_cqe& cqe, uint64_t now);
  void record_failure(const Slot& slot, const iop_cqe& cqe);
  void roll_interval(uint64_t now, bool last = false);
  // Delivers interval_ (numbered `index`) to the time series and starts a
  // new one; the counts go into cumulative_.
  void hand_over_interval(uint64_t index, bool last);
  void publish_progress();
  // The record after the phase (phases that create or remove).
  void store_record();
  // Set-up: own_ is the claim of a creation that never finished (a killed
  // run's) and the job adopts it: takes the claimed names that exist as
  // IOPulse's and stores the record so.
  void adopt_claim();
  // Set-up: gives the entries an earlier rename phase left under their
  // other name (own_'s renaming range) their name back, then clears the
  // range (it stays when a name is taken).
  void restore_renamed();
  // After a creating phase that found a name taken (EEXIST): removes what
  // it made after that step (in flight at queue depth above 1), which the
  // record (a range up to the taken name) cannot cover.
  void remove_past_taken();
  void teardown();

  WorkerSetup setup_;
  const MetadataPlan plan_;
  const MetadataSpec& md_;     // plan_.metadata
  MetaPhase phase_;
  bool dir_items_;             // the phase works on the item directories (dir-create, ...)
  uint32_t subject_;           // the job-wide worker whose items this phase works on (--md-stride)
  MetadataNamespace ns_;       // subject_'s namespace
  uint32_t owner_;             // the worker whose record lists the directories
  MetadataRecord own_;         // subject_'s record (files; directories when owner_ is subject_)
  uint32_t dirs_ = 0;          // directories that exist: [0, dirs_)

  std::unique_ptr<EngineInstance> engine_;
  // Every count and user_data the engine returns is checked against it.
  std::unique_ptr<CompletionLedger> ledger_;
  // With IOP_CAP_COMPLETION_FD: waits on the engine's fd, the stop
  // descriptor and the deadline at once (else null: reap() waits, bounded
  // by a timeout).
  std::unique_ptr<CompletionWait> completion_wait_;
  int dir_fd_ = -1;
  int32_t dir_handle_ = -1;

  // The fixed steps, and what each waits for: blockers_[s] steps still to
  // complete; the steps that wait for s are deps_[dep_begin_[s] ..
  // dep_begin_[s + 1]).  Built before the window; nothing allocates after.
  std::vector<Step> steps_;
  std::vector<uint32_t> blockers_;
  // 1 once the step was accepted by the engine (or is in the batch); 2
  // once it completed successfully (the records of removals count on it);
  // 3 for a rename away that failed (its rename back is skipped).
  std::vector<uint8_t> issued_;
  std::vector<uint64_t> dep_begin_;
  std::vector<uint64_t> deps_;
  uint64_t cursor_ = 0;         // next step to issue
  uint64_t max_done_ = 0;       // 1 + the highest step that succeeded (0: none)
  // The steps from the first that succeeded, each of them (what a removal
  // phase's record may drop: a step after a failed one may have gone too,
  // but the record keeps ranges).
  uint64_t leading_done() const;
  // 1 + the highest step that succeeded, but never a step at or past one
  // that found its name taken (EEXIST): what a creating phase records.
  uint64_t created() const { return std::min(max_done_, first_taken_); }
  uint64_t first_taken_ = UINT64_MAX;  // the first step that failed with EEXIST
  bool removes() const;                // tree-remove, file-remove, dir-remove
  bool creates() const;                // tree-create, file-create, dir-create
  bool renames() const;                // rename, dir-rename
  bool claimed_ = false;               // setup() wrote a creating phase's claim

  // The mix: op thresholds over a draw in [0, mix_total_), and the file chooser.
  std::vector<std::pair<uint32_t, uint8_t>> mix_;  // (cumulative weight, op)
  uint32_t mix_total_ = 0;
  std::optional<OffsetGenerator> files_;
  uint64_t files_base_ = 0;
  uint64_t remaining_ops_ = UINT64_MAX;

  Slot* slots_ = nullptr;
  unsigned char* buffers_ = nullptr;
  size_t buf_stride_ = 0;
  void* priv_ = nullptr;
  std::vector<uint32_t> free_;
  std::vector<iop_io*> batch_;
  std::vector<iop_cqe> cqes_;
  RandomSource rng_;
  // The bytes of every file written (WriteData: a seeded base XORed with a
  // key per write, fresh for every file), or empty without --md-file-size.
  std::optional<WriteData> file_data_;

  OpStatsSet interval_, cumulative_;
  LatencyHistogram schedule_lag_;  // stays empty
  uint64_t interval_index_ = 0, next_interval_ns_ = 0, start_ns_ = 0;
  uint64_t inflight_sum_ = 0, reap_calls_ = 0;
  // The last interval (interval_ itself, kept as it was), closed by the
  // worker before finished_ and handed over by collect_intervals().
  bool last_closed_ = false;
  std::atomic<bool> last_handed_over_{false};
  uint64_t last_index_ = 0;
  int cpu_ = -1;
  ResourceUsage usage_;

  alignas(64) std::atomic<uint64_t> progress_ops_{0};
  std::atomic<uint64_t> progress_bytes_{0};
  std::atomic<bool> finished_{false};
  uint64_t finish_ns_ = 0;
  std::exception_ptr setup_error_, run_error_;
  std::vector<std::string> error_messages_;
  int first_error_ = 0;  // the errno of the first operation that failed
};

}  // namespace iopulse

#endif  // IOPULSE_RUN_METADATA_WORKER_H_
