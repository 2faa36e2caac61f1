// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
#include "stats/stop_reason.h"

#include <utility>

namespace iopulse {
namespace {

// Every reason with its name, in the enum's order.
constexpr std::array<std::pair<StopReason, std::string_view>, 12> kNames{{
    {StopReason::kNone, ""},
    {StopReason::kComplete, "complete"},
    {StopReason::kDuration, "duration"},
    {StopReason::kTotalOps, "total-ops"},
    {StopReason::kTotalBytes, "total-bytes"},
    {StopReason::kSteadyState, "steady-state"},
    {StopReason::kStopped, "stopped"},
    {StopReason::kInterrupted, "interrupted"},
    {StopReason::kPreparationError, "preparation-error"},
    {StopReason::kError, "error"},
    {StopReason::kIncomplete, "incomplete"},
    {StopReason::kEndsPhase, "ends-phase"},
}};

}  // namespace

std::string_view stop_reason_name(StopReason reason) {
  for (const auto& [r, name] : kNames) {
    if (r == reason) return name;
  }
  return "";
}

std::optional<StopReason> parse_stop_reason(std::string_view name) {
  for (const auto& [r, n] : kNames) {
    if (n == name) return r;
  }
  return std::nullopt;
}

int stop_reason_severity(StopReason reason) {
  switch (reason) {
    case StopReason::kError:
      return 3;
    case StopReason::kInterrupted:
      return 2;
    case StopReason::kStopped:
      return 0;
    default:
      return 1;
  }
}

}  // namespace iopulse
