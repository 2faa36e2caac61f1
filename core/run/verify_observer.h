// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// VerifyObserver: the verification of a data worker (--verify,
// --verify-only, --verify-journal) as an IoObserver.  It owns what the
// worker's IoSource consults while preparing IOs (source_state()): the
// blocks in flight (a block is never in two IOs at once), the generation
// each write of a block carries and, with a journal, the recorder of the
// writes and syncs that completed.  On completion it checks every read
// against what the block must hold, commits or forgets a write's
// generation, records the journal's part, and releases the block.
//
// It must be the first observer listed: the source marks a block in flight
// while preparing the IO, before any observer admits it, so this observer
// is the one that releases it however far the admission got.
#ifndef IOPULSE_RUN_VERIFY_OBSERVER_H_
#define IOPULSE_RUN_VERIFY_OBSERVER_H_

#include <cstdint>
#include <memory>
#include <vector>

#include "run/io_error_log.h"
#include "run/io_observer.h"
#include "run/io_source.h"
#include "verify/dedupe_layout.h"
#include "verify/generation_table.h"
#include "verify/inflight_blocks.h"
#include "verify/journal_recorder.h"
#include "verify/verify_journal.h"

namespace iopulse {

// What the observer is given; every reference outlives it.
struct VerifyContext {
  const std::vector<OpenRegion>& regions;  // the worker's regions (their blocks, paths and fds)
  const DedupeLayout& dedupe;              // the source's layout of deduplicated blocks
  uint64_t job_seed;                       // the seed the written bytes derive from
  VerifyJournal* journal;                  // --verify-journal, else null
  IoErrorLog& errors;                      // where a failed check is reported
  uint64_t min_generation = 0;             // the oldest generation a block may hold (WorkerGroup's)
};

class VerifyObserver final : public IoObserver {
 public:
  // `writes`: the job writes (it then tracks generations, and journals
  // them when there is a journal); `verify`: --verify (not --verify-only);
  // `queue_depth` IOs at most in flight; `region_blocks` blocks in the
  // worker's regions; `epoch`: this run's generations; `sync_every`: IOs
  // between syncs (the journal's buffer).
  VerifyObserver(const VerifyContext& context, uint32_t queue_depth, bool verify, bool writes,
                 uint64_t region_blocks, uint32_t epoch, uint32_t sync_every);

  // The state the IoSource marks and reads while preparing IOs.
  SourceVerification source_state() {
    return {inflight_.get(), generations_.get(), recorder_.get()};
  }

  // True after checking a read's block (host time: the next submission
  // reads the clock again).
  bool completed(IoSlot& slot, const IoCompletion& c) override;
  void abandoned(const IoSlot& slot) override;
  // With a journal: syncs the worker's files and records every completed
  // write as durable.  Throws std::system_error.
  void loop_ended() override;

  // Reads whose bytes were not what the block must hold.
  uint64_t failures() const { return failures_; }

 private:
  static constexpr uint64_t kNoBlock = IoSlot::kNoBlock;

  // Cold path: a read that came back.
  void check_read(const IoSlot& slot);
  // Cold path: a write or sync that completed, in the journal.
  void journal_completion(const IoSlot& slot);

  VerifyContext context_;
  std::unique_ptr<InflightBlocks> inflight_;
  std::unique_ptr<GenerationTable> generations_;  // --verify on a job that writes
  std::unique_ptr<JournalRecorder> recorder_;     // ... with --verify-journal
  uint64_t failures_ = 0;
};

}  // namespace iopulse

#endif  // IOPULSE_RUN_VERIFY_OBSERVER_H_
