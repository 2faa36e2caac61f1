// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// ClockReport: which clock timed a run and how well it agreed with
// CLOCK_MONOTONIC, as the results report it.  Plain data, filled by the run
// layer's clock (run/monotonic_clock.h).
#ifndef IOPULSE_STATS_CLOCK_REPORT_H_
#define IOPULSE_STATS_CLOCK_REPORT_H_

#include <cstdint>
#include <string>

namespace iopulse {

struct ClockReport {
  std::string source;             // "tsc" or "clock_gettime": the one in use at the end
  bool invariant_tsc = false;     // the CPU says so (CPUID 0x80000007 EDX bit 8)
  std::string kernel_clocksource; // the kernel's, e.g. "kvm-clock" or "tsc"; empty if unknown
  double tsc_ghz = 0;             // calibrated TSC rate (0 without the TSC)
  uint64_t checks = 0;            // comparisons with CLOCK_MONOTONIC so far
  int64_t max_drift_ns = 0;       // the largest |clock - CLOCK_MONOTONIC| seen by a check
  int64_t last_drift_ns = 0;      // the last check's (signed)
  std::string fallback_reason;    // why clock_gettime was used instead of the TSC; empty when it was not
};

}  // namespace iopulse

#endif  // IOPULSE_STATS_CLOCK_REPORT_H_
