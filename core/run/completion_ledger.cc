// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
#include "run/completion_ledger.h"

#include <fmt/format.h>

namespace iopulse {

CompletionLedger::CompletionLedger(std::string engine, uint32_t slots)
    : engine_(std::move(engine)), marks_(slots, 0) {}

void CompletionLedger::fail(const std::string& what) const {
  throw EngineContractError(fmt::format("engine {} broke the engine contract: {}; the run stops "
                                        "(a fault of the engine, not of the storage)",
                                        engine_, what));
}

void CompletionLedger::accepted(iop_io* const* ios, uint32_t offered, int32_t rc) {
  const uint32_t n = static_cast<uint32_t>(rc);
  if (rc < 0 || n > offered) {
    fail(fmt::format("submit() of {} IOs returned {}, more than it was given", offered, rc));
  }
  for (uint32_t i = 0; i < n; ++i) {
    const uint64_t slot = ios[i]->user_data;
    if (slot >= marks_.size() || marks_[slot] != 0) {
      fail(fmt::format("submit() was given IO {} while it was in flight (host error)", slot));
    }
    marks_[slot] = 1;
  }
  in_flight_ += n;
}

void CompletionLedger::reaped(const iop_cqe* cqes, uint32_t max, int32_t rc) {
  const uint32_t n = static_cast<uint32_t>(rc);
  if (rc < 0 || n > max) fail(fmt::format("reap(max={}) returned {} completions, more than asked", max, rc));
  // Clear as we go, so a second completion of the same IO in this batch is
  // seen; on failure the marks no longer matter (the run stops).
  for (uint32_t i = 0; i < n; ++i) {
    const uint64_t slot = cqes[i].user_data;
    if (slot >= marks_.size()) {
      fail(fmt::format("reap() returned a completion with user_data {:#x}, which names no IO the "
                       "host submitted (user_data 0 to {})",
                       slot, marks_.size() - 1));
    }
    if (marks_[slot] == 0) {
      fail(fmt::format("reap() returned a completion for IO {}, which is not in flight (completed "
                       "twice, or never submitted)",
                       slot));
    }
    marks_[slot] = 0;
  }
  in_flight_ -= n;
}

}  // namespace iopulse
