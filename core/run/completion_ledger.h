// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// CompletionLedger: what a worker holds an engine's data-plane answers
// against.  The host never trusts a count or a user_data an engine returns:
// submit() may accept at most the IOs it was offered, reap() may return at
// most `max` completions, and every completion must name an IO of the pool
// (user_data is the slot index) that is in flight, once.  The first answer
// that breaks one of these ends the run with EngineContractError, which
// names the engine and what it did; nothing of the answer is used before it
// is checked, so a wrong answer cannot index past the pool.
//
// Two forms of the same checks.  The batch form (accepted(), reaped())
// walks an answer in a pass of its own and keeps the in-flight marks
// itself; the per-IO form (check_accepted(), check_reaped(), check_slot(),
// check_in_flight()) is for a loop that walks every IO anyway, the data
// worker's: the caller keeps each IO's in-flight mark in a word it writes as
// it hands the IO over and reads as it takes the IO's completion anyway, and
// the ledger checks each completion as the loop takes it, so the checks cost
// no pass, and the marks no store or load, of their own.  A worker uses one
// form, not both.
//
// Cost: one comparison per call, and per IO one comparison (the slot) and
// one test (the mark); the batch form also a byte per IO (its marks); no
// allocation after construction.  The checks are inline (a call into
// another translation unit cost about 50 instructions per IO at queue
// depth 1) and only the failures, which end the run, are out of line.
// Owned by one worker, used on its thread only.
#ifndef IOPULSE_RUN_COMPLETION_LEDGER_H_
#define IOPULSE_RUN_COMPLETION_LEDGER_H_

#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "iopulse/engine.h"

namespace iopulse {

// An engine broke the data-plane contract (engine.h).  The message names
// the engine and the answer.
class EngineContractError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class CompletionLedger {
 public:
  // Entries past `max` in the host's completion array: an engine that
  // writes a few completions too many writes here, not past the array.
  static constexpr uint32_t kGuardCompletions = 16;

  // A pool of `slots` IOs whose user_data are 0 .. slots-1; `engine` names
  // the engine in messages.
  CompletionLedger(std::string engine, uint32_t slots);

  // submit() was offered `offered` IOs at `ios` and returned `rc` (>= 0):
  // marks the accepted prefix in flight.  Throws when rc > offered or when
  // an accepted IO is already in flight (the host's own bug).
  void accepted(iop_io* const* ios, uint32_t offered, int32_t rc) {
    const uint32_t n = static_cast<uint32_t>(rc);
    if (rc < 0 || n > offered) [[unlikely]] too_many_accepted(offered, rc);
    bool* const marks = marks_.get();
    for (uint32_t i = 0; i < n; ++i) {
      const uint64_t slot = ios[i]->user_data;
      if (slot >= slots_ || marks[slot]) [[unlikely]] submitted_in_flight(slot);
      marks[slot] = true;
    }
    in_flight_ += n;
  }

  // reap(max) returned `rc` (>= 0) completions in `cqes`: clears their
  // in-flight marks.  Throws when rc > max (before reading any), or at the
  // first completion whose user_data is no slot of the pool or a slot not in
  // flight (a duplicate or invented completion); the marks are then left
  // part-cleared, which does not matter: the run stops.
  void reaped(const iop_cqe* cqes, uint32_t max, int32_t rc) {
    const uint32_t n = static_cast<uint32_t>(rc);
    if (rc < 0 || n > max) [[unlikely]] too_many_reaped(max, rc);
    // Clear as we go, so a second completion of the same IO in this batch
    // is seen; on failure the marks no longer matter (the run stops).
    bool* const marks = marks_.get();
    for (uint32_t i = 0; i < n; ++i) {
      const uint64_t slot = cqes[i].user_data;
      if (slot >= slots_ || !marks[slot]) [[unlikely]] reaped_unknown(slot);
      marks[slot] = false;
    }
    in_flight_ -= n;
  }

  // IOs marked in flight by accepted() and not yet cleared by reaped()
  // (the batch form; the per-IO form keeps no count).
  uint32_t in_flight() const { return in_flight_; }

  // Per-IO form.  The caller keeps one mark per IO of the pool, nonzero
  // while the engine holds the IO and 0 while the host does (the data
  // worker: the IO's submit time, which is never 0).  It sets the mark of
  // every IO it puts in the array it hands to submit(), before the call;
  // after the call it checks the count with check_accepted() and clears the
  // marks of the IOs the engine did not accept (it keeps them, to offer
  // again).  So between submit() calls exactly the IOs the engine holds are
  // marked.  For each completion it calls check_slot() before it indexes
  // anything by the user_data, then check_in_flight() with the mark it
  // read, then clears the mark, so a second completion of the same IO, in
  // this batch or a later one, is refused.  Marking needs no check of its
  // own: the host marks only IOs it holds, and it holds an IO only before
  // its first submission, after a submit() that did not accept it, or after
  // a completion that passed these checks cleared its mark.

  // submit() was offered `offered` IOs and returned `rc`: throws unless
  // 0 <= rc <= offered.
  void check_accepted(uint32_t offered, int32_t rc) const {
    if (rc < 0 || static_cast<uint32_t>(rc) > offered) [[unlikely]] too_many_accepted(offered, rc);
  }
  // reap(max) returned `rc`: throws unless 0 <= rc <= max, before any
  // completion is read.
  void check_reaped(uint32_t max, int32_t rc) const {
    if (rc < 0 || static_cast<uint32_t>(rc) > max) [[unlikely]] too_many_reaped(max, rc);
  }
  // A completion names `slot` (its user_data): throws unless it names an
  // IO of the pool, before anything is indexed by it.  `slots` is the
  // pool's size (slots()), which a caller in a loop keeps in a local: read
  // from the ledger it would be read again after every store the loop
  // makes.
  void check_slot(uint64_t slot, uint64_t slots) const {
    if (slot >= slots) [[unlikely]] reaped_unknown(slot);
  }
  uint64_t slots() const { return slots_; }
  // The completion of `slot` (an IO of the pool: check_slot() passed),
  // whose mark the caller read as `mark`: throws unless the IO is in
  // flight (the mark is not 0).  Called before the completion is used.
  void check_in_flight(uint64_t slot, uint64_t mark) const {
    if (mark == 0) [[unlikely]] reaped_unknown(slot);
  }

 private:
  [[noreturn]] void fail(const std::string& what) const;
  // The failures, each ending in fail().
  [[noreturn, gnu::cold, gnu::noinline]] void too_many_accepted(uint32_t offered, int32_t rc) const;
  [[noreturn, gnu::cold, gnu::noinline]] void submitted_in_flight(uint64_t slot) const;
  [[noreturn, gnu::cold, gnu::noinline]] void too_many_reaped(uint32_t max, int32_t rc) const;
  [[noreturn, gnu::cold, gnu::noinline]] void reaped_unknown(uint64_t slot) const;

  std::string engine_;
  uint64_t slots_;                // the pool's size
  // The batch form's marks, per slot: true while the engine holds the IO.
  std::unique_ptr<bool[]> marks_;
  uint32_t in_flight_ = 0;
};

}  // namespace iopulse

#endif  // IOPULSE_RUN_COMPLETION_LEDGER_H_
