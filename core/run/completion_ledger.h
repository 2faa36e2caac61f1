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
// walks an answer in a pass of its own; the per-IO form (offer(),
// withdraw(), complete() with the count checks) is for a loop that walks
// every IO anyway, the data worker's: it marks an IO as the loop hands it
// over and checks each completion as the loop takes it, so the check costs
// no pass of its own.  A worker uses one form, not both.
//
// Cost: one comparison per call and one byte per IO (the in-flight mark);
// no allocation after construction.  The checks are inline (a call into
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

  // Per-IO form.  The caller marks an IO with offer() as it puts it in the
  // array it will hand to submit(), before the call; after the call it
  // checks the count with check_accepted() and withdraws every offered IO
  // the engine did not accept (which it keeps, to offer again).  So between
  // submit() calls exactly the IOs the engine holds are marked.

  // `slot` (an IO of the pool: the host's own index) goes to the engine
  // next.  Throws when it is already marked (the host's own bug).
  void offer(uint64_t slot) {
    if (marks_[slot]) [[unlikely]] submitted_in_flight(slot);
    marks_[slot] = true;
  }
  // `slot` was offered and not accepted: the host holds it again.
  void withdraw(uint64_t slot) { marks_[slot] = false; }
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
  // IO of the pool the engine holds, then clears the mark, so a second
  // completion of the same IO, in this batch or a later one, is refused.
  // Called before the completion is used.
  void complete(uint64_t slot) {
    if (slot >= slots_ || !marks_[slot]) [[unlikely]] reaped_unknown(slot);
    marks_[slot] = false;
  }

 private:
  [[noreturn]] void fail(const std::string& what) const;
  // The failures of accepted() and reaped(), each ending in fail().
  [[noreturn, gnu::cold, gnu::noinline]] void too_many_accepted(uint32_t offered, int32_t rc) const;
  [[noreturn, gnu::cold, gnu::noinline]] void submitted_in_flight(uint64_t slot) const;
  [[noreturn, gnu::cold, gnu::noinline]] void too_many_reaped(uint32_t max, int32_t rc) const;
  [[noreturn, gnu::cold, gnu::noinline]] void reaped_unknown(uint64_t slot) const;

  std::string engine_;
  uint64_t slots_;                // the pool's size
  // Per slot: true while the engine holds the IO.  bool, not uint8_t: a
  // store through a character type may alias anything, and would make the
  // worker's loop reload what it holds in registers after every mark.
  std::unique_ptr<bool[]> marks_;
  uint32_t in_flight_ = 0;
};

}  // namespace iopulse

#endif  // IOPULSE_RUN_COMPLETION_LEDGER_H_
