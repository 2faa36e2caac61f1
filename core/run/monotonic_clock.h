// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// The clock of the measurement, in nanoseconds on the CLOCK_MONOTONIC scale.
// Workers read it once per submit batch and once per reap batch, never per
// IO within a batch.
//
// When the CPU says its TSC is invariant (CPUID 0x80000007 EDX bit 8: it
// ticks at one rate in every power state and does not stop), the clock reads
// the TSC and converts ticks with a multiplier calibrated against
// CLOCK_MONOTONIC at start-up: about 8 ns per read instead of 20-40 for
// clock_gettime, whose vDSO path in a virtual machine (kvm-clock) adds the
// pvclock page to the TSC read.  This holds in virtual machines too, where
// the kernel's own clocksource is kvm-clock rather than tsc: like fio, the
// clock trusts the CPU's word, and then checks it (below).  The read is not
// serialising (like fio's default clock source): a timestamp may be taken a
// few dozen cycles before the instructions ahead of it finish, which is far
// below the latencies measured.  Without an invariant TSC (or on other
// architectures) the clock is clock_gettime(CLOCK_MONOTONIC) through the vDSO.
//
// The check: at every stats-interval boundary the run compares the clock
// with CLOCK_MONOTONIC (check_monotonic_clock()).  If they have drifted
// apart by more than kDriftToleranceNs plus kDriftTolerancePpm of the time
// since calibration (a TSC that stopped, jumped after a migration, or runs
// at another rate than calibrated), the clock falls back to clock_gettime
// for the rest of the process, continuing from the value it had (so no
// reading ever goes backwards or jumps), and the results say so.
//
// Threads: calibrate_monotonic_clock() runs once, before any worker starts.
// check_monotonic_clock() runs on the run's coordinator and worker 0 (each
// at its interval boundaries; a mutex serialises the checks) while workers
// read the clock; the fall-back is published with release/acquire so a
// reader that sees it also sees its offset.
#ifndef IOPULSE_RUN_MONOTONIC_CLOCK_H_
#define IOPULSE_RUN_MONOTONIC_CLOCK_H_

#include <time.h>
#if defined(__x86_64__) || defined(__i386__)
#include <x86intrin.h>
#define IOPULSE_HAVE_TSC 1
#endif

#include <atomic>
#include <cstdint>
#include <string>

#include "stats/clock_report.h"

namespace iopulse {

struct TscCalibration {
  uint64_t base_ticks = 0;   // TSC at calibration
  uint64_t base_ns = 0;      // CLOCK_MONOTONIC at the same moment
  uint64_t mult = 0;         // ns = base_ns + ((ticks - base_ticks) * mult) >> kShift
  static constexpr unsigned kShift = 32;
};

// What every clock read looks at.  `tsc` true: the TSC through `cal`.
// False: clock_gettime(CLOCK_MONOTONIC) + fallback_offset_ns (0 unless the
// TSC was dropped mid-run; then the offset keeps the clock continuous).
struct MonotonicClockState {
  std::atomic<bool> tsc{false};
  TscCalibration cal;                        // written before `tsc` is first set
  std::atomic<int64_t> fallback_offset_ns{0};
};
extern MonotonicClockState g_clock;

// Tolerated disagreement between the TSC clock and CLOCK_MONOTONIC: a fixed
// part for the calibration's own error and the pair of reads, plus a rate
// part (NTP may slew CLOCK_MONOTONIC by up to 500 ppm).
inline constexpr int64_t kDriftToleranceNs = 200'000;
inline constexpr int64_t kDriftTolerancePpm = 1000;

// Decides between the TSC and clock_gettime and calibrates the TSC
// (about 10 ms).  Call once, early, from one thread.  Idempotent.
void calibrate_monotonic_clock();

// Compares the clock with CLOCK_MONOTONIC now; falls back to clock_gettime
// if they drifted apart beyond the tolerance.  Returns the signed drift
// (clock minus CLOCK_MONOTONIC, ns); 0 when the clock is clock_gettime.
int64_t check_monotonic_clock();
// The same, unless another thread is checking right now (then 0, at once):
// for a worker, which must not wait.
int64_t try_check_monotonic_clock();

// The clock source in use now: "tsc" or "clock_gettime".
const char* monotonic_clock_source();

// Everything known about the clock so far: source, why, checks, drift.
ClockReport monotonic_clock_report();

// CLOCK_MONOTONIC when the process started: taken by a constructor of the
// host that runs before main() and before the host's other static
// initialisers (after the dynamic loader and the shared libraries' own).
uint64_t process_start_ns();

// For tests: recalibrates with the TSC rate scaled by `rate_scale` (a wrong
// calibration the checks must catch) and clears the check history.  Only
// when the TSC is usable; returns false otherwise.
bool recalibrate_monotonic_clock_for_test(double rate_scale);

inline uint64_t clock_gettime_ns() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1000000000ULL + static_cast<uint64_t>(ts.tv_nsec);
}

#ifdef IOPULSE_HAVE_TSC
inline uint64_t tsc_clock_ns(const TscCalibration& c) {
  const uint64_t ticks = __rdtsc() - c.base_ticks;
  return c.base_ns + static_cast<uint64_t>((static_cast<unsigned __int128>(ticks) * c.mult) >> TscCalibration::kShift);
}
#endif

inline uint64_t monotonic_now_ns() {
#ifdef IOPULSE_HAVE_TSC
  if (g_clock.tsc.load(std::memory_order_acquire)) [[likely]] return tsc_clock_ns(g_clock.cal);
#endif
  return clock_gettime_ns() + static_cast<uint64_t>(g_clock.fallback_offset_ns.load(std::memory_order_relaxed));
}

}  // namespace iopulse

#endif  // IOPULSE_RUN_MONOTONIC_CLOCK_H_
