// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// RunGoal: what stops a run, as the live view measures progress towards it.
// Every non-zero limit is a stop condition and the first one reached ends
// the run, so the progress of a run is that of its furthest condition and
// its ETA that of the nearest.  Plain data, filled by whoever plans the run.
#ifndef IOPULSE_REPORT_RUN_GOAL_H_
#define IOPULSE_REPORT_RUN_GOAL_H_

#include <cstdint>
#include <optional>

namespace iopulse {

struct RunGoal {
  uint64_t duration_ns = 0;     // --duration
  uint64_t ops = 0;             // IOs that move data, done or failed: --total-ops or a complete pass
  bool complete_pass = false;   // `ops` is the blocks of a complete pass
  uint64_t bytes = 0;           // --total-bytes
  uint64_t stats_interval_ns = 1'000'000'000;

  // Share done in [0, 1] after `elapsed_ns` with `ops` and `bytes` done;
  // nothing when the run has no limit.
  std::optional<double> share(uint64_t elapsed_ns, uint64_t ops_done, uint64_t bytes_done) const;
  // Time left at the rates so far (the nearest condition); nothing when it
  // cannot be told yet (nothing done, or no limit).
  std::optional<uint64_t> eta_ns(uint64_t elapsed_ns, uint64_t ops_done, uint64_t bytes_done) const;
};

}  // namespace iopulse

#endif  // IOPULSE_REPORT_RUN_GOAL_H_
