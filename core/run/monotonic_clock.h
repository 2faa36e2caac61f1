// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// The clock of the measurement, in nanoseconds on the CLOCK_MONOTONIC scale.
// Workers read it once per submit batch and once per reap batch, never per
// IO within a batch.
//
// When the kernel itself keeps time with an invariant TSC (clocksource "tsc",
// CPU flags constant_tsc and nonstop_tsc), the clock reads the TSC directly
// and converts ticks with a multiplier calibrated against CLOCK_MONOTONIC
// at start-up: about 8 ns per read instead of about 20 for clock_gettime on
// a virtual machine.  The read is not serialising (like fio's default clock
// source): a timestamp may be taken a few dozen cycles before the
// instructions ahead of it finish, which is far below the latencies
// measured.  Otherwise the clock is clock_gettime(CLOCK_MONOTONIC) through
// the vDSO.  calibrate() runs once, before any worker starts; afterwards the
// clock is read-only and safe from every thread.
#ifndef IOPULSE_RUN_MONOTONIC_CLOCK_H_
#define IOPULSE_RUN_MONOTONIC_CLOCK_H_

#include <time.h>
#if defined(__x86_64__) || defined(__i386__)
#include <x86intrin.h>
#define IOPULSE_HAVE_TSC 1
#endif

#include <cstdint>

namespace iopulse {

struct TscCalibration {
  bool enabled = false;
  uint64_t base_ticks = 0;   // TSC at calibration
  uint64_t base_ns = 0;      // CLOCK_MONOTONIC at the same moment
  uint64_t mult = 0;         // ns = base_ns + ((ticks - base_ticks) * mult) >> kShift
  static constexpr unsigned kShift = 32;
};

// Written once by calibrate_monotonic_clock(), read by every clock read.
extern TscCalibration g_tsc;

// Decides between the TSC and clock_gettime and calibrates the TSC
// (about 20 ms).  Call once, early, from one thread.
void calibrate_monotonic_clock();

// The clock source in use: "tsc" or "clock_gettime".
const char* monotonic_clock_source();

inline uint64_t clock_gettime_ns() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1000000000ULL + static_cast<uint64_t>(ts.tv_nsec);
}

inline uint64_t monotonic_now_ns() {
#ifdef IOPULSE_HAVE_TSC
  if (g_tsc.enabled) [[likely]] {
    const uint64_t ticks = __rdtsc() - g_tsc.base_ticks;
    return g_tsc.base_ns + static_cast<uint64_t>((static_cast<unsigned __int128>(ticks) * g_tsc.mult) >>
                                                 TscCalibration::kShift);
  }
#endif
  return clock_gettime_ns();
}

}  // namespace iopulse

#endif  // IOPULSE_RUN_MONOTONIC_CLOCK_H_
