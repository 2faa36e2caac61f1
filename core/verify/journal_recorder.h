// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// JournalRecorder: one worker's side of the verify journal.  It knows which
// of the worker's completed writes a completed sync made durable, and hands
// exactly those to the VerifyJournal at the sync points.
//
// Protocol for the worker (one recorder per worker, its own thread only):
//   write completed (ok):  completed(unit, generation)   -- per IO: one store
//   sync submitted:        position = sync_position()    -- kept with the sync
//   sync completed (ok):   synced(position)              -- journal pages
//                                                           written + fdatasync
//   end of run, after the worker's files were synced: synced(sync_position())
// A sync makes durable every write that completed before it was submitted:
// the writes logged before `position`.  Syncs may complete in any order;
// a later position covers the earlier ones.
//
// Memory: the log of completed writes not yet covered by a completed sync
// is reserved up front for `reserve` entries (sync interval plus queue
// depth, doubled); it grows only when syncs fall further behind than that.
#ifndef IOPULSE_VERIFY_JOURNAL_RECORDER_H_
#define IOPULSE_VERIFY_JOURNAL_RECORDER_H_

#include <algorithm>
#include <cstdint>
#include <memory>
#include <vector>

#include "verify/verify_journal.h"

namespace iopulse {

class JournalRecorder {
 public:
  JournalRecorder(VerifyJournal& journal, size_t reserve)
      : journal_(journal), dirty_((journal.pages() + 63) / 64, 0), page_(new unsigned char[VerifyJournal::kPageSize]) {
    log_.reserve(reserve);
  }

  void completed(uint64_t unit, uint64_t generation) { log_.push_back({unit, generation}); }

  // Log positions are absolute (they survive the log being trimmed).
  uint64_t sync_position() const { return base_ + log_.size(); }

  // The writes logged before `position` are durable.  Throws
  // std::system_error when the journal cannot be written.
  void synced(uint64_t position) {
    if (position <= base_ + applied_) return;
    const size_t end = static_cast<size_t>(position - base_);
    journal_.record(log_.data() + applied_, end - applied_, dirty_);
    journal_.write_dirty(dirty_, page_.get());
    applied_ = end;
    // Drop what is applied (at a sync point, not per IO).
    log_.erase(log_.begin(), log_.begin() + static_cast<std::ptrdiff_t>(applied_));
    base_ += applied_;
    applied_ = 0;
  }

 private:
  VerifyJournal& journal_;
  std::vector<JournalEntry> log_;  // completed writes from position base_ on
  uint64_t base_ = 0;              // absolute position of log_[0]
  size_t applied_ = 0;             // log_[0, applied_) is in the journal
  std::vector<uint64_t> dirty_;    // pages to write at the next sync point
  std::unique_ptr<unsigned char[]> page_;
};

}  // namespace iopulse

#endif  // IOPULSE_VERIFY_JOURNAL_RECORDER_H_
