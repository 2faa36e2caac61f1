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
// Cost: one comparison per call and one byte per IO (the in-flight mark),
// in the loop over the batch the worker makes anyway; no allocation after
// construction.  The checks are inline (the worker's loop calls them for
// every batch; a call into another translation unit cost about 50
// instructions per IO at queue depth 1) and only the failures, which end the
// run, are out of line.  Owned by one worker, used on its thread only.
#ifndef IOPULSE_RUN_COMPLETION_LEDGER_H_
#define IOPULSE_RUN_COMPLETION_LEDGER_H_

#include <cstdint>
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
    uint8_t* const marks = marks_.data();
    for (uint32_t i = 0; i < n; ++i) {
      const uint64_t slot = ios[i]->user_data;
      if (slot >= slots_ || marks[slot] != 0) [[unlikely]] submitted_in_flight(slot);
      marks[slot] = 1;
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
    uint8_t* const marks = marks_.data();
    for (uint32_t i = 0; i < n; ++i) {
      const uint64_t slot = cqes[i].user_data;
      if (slot >= slots_ || marks[slot] == 0) [[unlikely]] reaped_unknown(slot);
      marks[slot] = 0;
    }
    in_flight_ -= n;
  }

  // IOs marked in flight.
  uint32_t in_flight() const { return in_flight_; }

 private:
  [[noreturn]] void fail(const std::string& what) const;
  // The failures of accepted() and reaped(), each ending in fail().
  [[noreturn, gnu::cold, gnu::noinline]] void too_many_accepted(uint32_t offered, int32_t rc) const;
  [[noreturn, gnu::cold, gnu::noinline]] void submitted_in_flight(uint64_t slot) const;
  [[noreturn, gnu::cold, gnu::noinline]] void too_many_reaped(uint32_t max, int32_t rc) const;
  [[noreturn, gnu::cold, gnu::noinline]] void reaped_unknown(uint64_t slot) const;

  std::string engine_;
  uint64_t slots_;              // marks_.size(), the pool's size
  std::vector<uint8_t> marks_;  // per slot: 1 while the engine holds the IO
  uint32_t in_flight_ = 0;
};

}  // namespace iopulse

#endif  // IOPULSE_RUN_COMPLETION_LEDGER_H_
