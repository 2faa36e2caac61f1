// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// StopReason: why a run (or one phase of it) ended.  The names are those the
// results carry ("stop_reason" in the JSON results and the rank wire format,
// docs/json-output.md); code compares the enum, never the text.
#ifndef IOPULSE_STATS_STOP_REASON_H_
#define IOPULSE_STATS_STOP_REASON_H_

#include <array>
#include <optional>
#include <string_view>

namespace iopulse {

enum class StopReason {
  kNone,              // not decided (no run yet)
  kComplete,          // every block of the pass, every metadata step, the whole trace
  kDuration,          // --duration reached
  kTotalOps,          // --total-ops reached
  kTotalBytes,        // --total-bytes reached
  kSteadyState,       // --steady-state found the window steady
  kStopped,           // another rank stopped the job (it reports why)
  kInterrupted,       // SIGINT / SIGTERM
  kPreparationError,  // preparing the target failed; nothing was measured
  kError,             // an IO, engine or output error ended it
  kIncomplete,        // a worker never returned from its engine; its last IOs are not counted
  kEndsPhase,         // a worker of an --ends-phase group finished, which stopped the phase
};

// The result files' name of `reason` ("" for kNone).
std::string_view stop_reason_name(StopReason reason);

// The reason named `name`; nullopt for a name no IOPulse writes.
std::optional<StopReason> parse_stop_reason(std::string_view name);

// Which reason a job of several ranks reports when theirs differ: the
// highest.  An error beats an interruption beats the rank's own stop
// condition, and a rank stopped by another ranks lowest (the other says why).
int stop_reason_severity(StopReason reason);

// Whether the run failed (exit 1): an error, a failed preparation or an
// incomplete run.
inline bool stop_reason_is_failure(StopReason reason) {
  return reason == StopReason::kError || reason == StopReason::kPreparationError ||
         reason == StopReason::kIncomplete;
}

}  // namespace iopulse

#endif  // IOPULSE_STATS_STOP_REASON_H_
