// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
#include "run/completion_ledger.h"

#include <fmt/format.h>

namespace iopulse {

CompletionLedger::CompletionLedger(std::string engine, uint32_t slots)
    : engine_(std::move(engine)), slots_(slots), marks_(slots, 0) {}

void CompletionLedger::fail(const std::string& what) const {
  throw EngineContractError(fmt::format("engine {} broke the engine contract: {}; the run stops "
                                        "(a fault of the engine, not of the storage)",
                                        engine_, what));
}

void CompletionLedger::too_many_accepted(uint32_t offered, int32_t rc) const {
  fail(fmt::format("submit() of {} IOs returned {}, more than it was given", offered, rc));
}

void CompletionLedger::submitted_in_flight(uint64_t slot) const {
  fail(fmt::format("submit() was given IO {} while it was in flight (host error)", slot));
}

void CompletionLedger::too_many_reaped(uint32_t max, int32_t rc) const {
  fail(fmt::format("reap(max={}) returned {} completions, more than asked", max, rc));
}

void CompletionLedger::reaped_unknown(uint64_t slot) const {
  if (slot >= slots_) {
    fail(fmt::format("reap() returned a completion with user_data {:#x}, which names no IO the "
                     "host submitted (user_data 0 to {})",
                     slot, slots_ - 1));
  }
  fail(fmt::format("reap() returned a completion for IO {}, which is not in flight (completed "
                   "twice, or never submitted)",
                   slot));
}

}  // namespace iopulse
