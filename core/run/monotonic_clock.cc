// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
#include "run/monotonic_clock.h"

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif

#include <fstream>
#include <mutex>

#include <fmt/format.h>

namespace iopulse {

MonotonicClockState g_clock;

namespace {

// What the checks found; written by calibrate and the checking thread,
// read by the report (the same thread, after the run).
struct ClockHistory {
  bool calibrated = false;
  bool invariant_tsc = false;
  std::string kernel_clocksource;
  double tsc_ghz = 0;
  uint64_t checks = 0;
  int64_t max_drift_ns = 0;
  int64_t last_drift_ns = 0;
  std::string fallback_reason;
};
ClockHistory g_history;
// Serialises the checks and their history: the coordinator and worker 0
// both check (at their interval boundaries).
std::mutex g_check_mutex;

// CPUID 0x80000007 EDX bit 8: the TSC runs at a constant rate in every
// P-, C- and T-state (Intel and AMD both define it so).
bool cpu_has_invariant_tsc() {
#ifdef IOPULSE_HAVE_TSC
  unsigned a = 0, b = 0, c = 0, d = 0;
  if (__get_cpuid(0x80000007, &a, &b, &c, &d) == 0) return false;  // leaf not available
  return (d & (1u << 8)) != 0;
#else
  return false;
#endif
}

std::string kernel_clocksource() {
  std::ifstream in("/sys/devices/system/clocksource/clocksource0/current_clocksource");
  std::string name;
  in >> name;
  return name;
}

#ifdef IOPULSE_HAVE_TSC
// A (TSC, CLOCK_MONOTONIC) pair taken as close together as possible: the
// tightest of a few tries, the TSC at the middle of its window.
void close_pair(uint64_t* ticks, uint64_t* ns) {
  uint64_t best = UINT64_MAX;
  for (int i = 0; i < 7; ++i) {
    const uint64_t t0 = __rdtsc();
    const uint64_t n = clock_gettime_ns();
    const uint64_t t1 = __rdtsc();
    if (t1 - t0 < best) {
      best = t1 - t0;
      *ticks = t0 + (t1 - t0) / 2;
      *ns = n;
    }
  }
}

// Two pairs `gap_ns` apart give ns per tick.  False if the TSC did not move
// forward with the clock.
bool calibrate(uint64_t gap_ns, double rate_scale, TscCalibration* out) {
  uint64_t ticks0 = 0, ns0 = 0, ticks1 = 0, ns1 = 0;
  close_pair(&ticks0, &ns0);
  const timespec pause{0, static_cast<long>(gap_ns)};
  nanosleep(&pause, nullptr);
  close_pair(&ticks1, &ns1);
  if (ticks1 <= ticks0 || ns1 <= ns0) return false;
  TscCalibration c;
  c.base_ticks = ticks1;
  c.base_ns = ns1;
  const double mult = static_cast<double>(ns1 - ns0) * rate_scale * static_cast<double>(1ULL << TscCalibration::kShift) /
                      static_cast<double>(ticks1 - ticks0);
  c.mult = rate_scale == 1.0 ? static_cast<uint64_t>((static_cast<unsigned __int128>(ns1 - ns0) << TscCalibration::kShift) /
                                                     (ticks1 - ticks0))
                             : static_cast<uint64_t>(mult);
  if (c.mult == 0) return false;
  *out = c;
  return true;
}
#endif

// 10 ms between the two pairs: with pairs good to about 100 ns, the rate is
// good to about 10 ppm, 10 us over a second, far inside the tolerance.
constexpr uint64_t kCalibrationGapNs = 10'000'000;

uint64_t g_process_start_ns = 0;

// Priority 101 is the first the toolchain leaves to programs: this runs
// before every other static initialiser of the executable.
[[gnu::constructor(101)]] void note_process_start() { g_process_start_ns = clock_gettime_ns(); }

int64_t check_clock_locked();  // with g_check_mutex held

}  // namespace

uint64_t process_start_ns() { return g_process_start_ns; }

void calibrate_monotonic_clock() {
  if (g_history.calibrated) return;
  g_history.calibrated = true;
  g_history.kernel_clocksource = kernel_clocksource();
#ifndef IOPULSE_HAVE_TSC
  g_history.fallback_reason = "no TSC on this architecture";
#else
  g_history.invariant_tsc = cpu_has_invariant_tsc();
  if (!g_history.invariant_tsc) {
    g_history.fallback_reason = "the CPU does not report an invariant TSC (CPUID 0x80000007 EDX bit 8)";
    return;
  }
  TscCalibration c;
  if (!calibrate(kCalibrationGapNs, 1.0, &c)) {
    g_history.fallback_reason = "the TSC did not advance with CLOCK_MONOTONIC during calibration";
    return;
  }
  g_clock.cal = c;
  g_history.tsc_ghz = static_cast<double>(1ULL << TscCalibration::kShift) / static_cast<double>(c.mult);
  g_clock.tsc.store(true, std::memory_order_release);
#endif
}

int64_t check_monotonic_clock() {
  std::lock_guard lock(g_check_mutex);
  return check_clock_locked();
}

int64_t try_check_monotonic_clock() {
  std::unique_lock lock(g_check_mutex, std::try_to_lock);
  return lock.owns_lock() ? check_clock_locked() : 0;
}

namespace {

int64_t check_clock_locked() {
#ifndef IOPULSE_HAVE_TSC
  return 0;
#else
  if (!g_clock.tsc.load(std::memory_order_acquire)) return 0;
  const TscCalibration& c = g_clock.cal;
  uint64_t best = UINT64_MAX;
  int64_t drift = 0;
  uint64_t mono = 0;
  for (int i = 0; i < 7; ++i) {
    const uint64_t t0 = tsc_clock_ns(c);
    const uint64_t n = clock_gettime_ns();
    const uint64_t t1 = tsc_clock_ns(c);
    if (t1 >= t0 && t1 - t0 < best) {
      best = t1 - t0;
      drift = static_cast<int64_t>(t0 + (t1 - t0) / 2 - n);
      mono = n;
    }
  }
  if (best == UINT64_MAX) drift = INT64_MAX / 2;  // the TSC went backwards between two reads
  ++g_history.checks;
  g_history.last_drift_ns = drift;
  const int64_t magnitude = drift < 0 ? -drift : drift;
  if (magnitude > g_history.max_drift_ns) g_history.max_drift_ns = magnitude;
  const int64_t since = mono > c.base_ns ? static_cast<int64_t>(mono - c.base_ns) : 0;
  const int64_t tolerance = kDriftToleranceNs + since / 1'000'000 * kDriftTolerancePpm;
  if (magnitude > tolerance) {
    // From now on CLOCK_MONOTONIC, shifted to continue where the TSC clock is.
    g_clock.fallback_offset_ns.store(drift, std::memory_order_relaxed);
    g_clock.tsc.store(false, std::memory_order_release);
    g_history.fallback_reason =
        best == UINT64_MAX
            ? "the TSC went backwards between two reads"
            : fmt::format("the TSC clock drifted {} ns from CLOCK_MONOTONIC {:.3f} s after calibration "
                          "(tolerance {} ns)",
                          drift, static_cast<double>(since) / 1e9, tolerance);
  }
  return drift;
#endif
}

}  // namespace

const char* monotonic_clock_source() {
  return g_clock.tsc.load(std::memory_order_acquire) ? "tsc" : "clock_gettime";
}

ClockReport monotonic_clock_report() {
  std::lock_guard lock(g_check_mutex);
  ClockReport r;
  r.source = monotonic_clock_source();
  r.invariant_tsc = g_history.invariant_tsc;
  r.kernel_clocksource = g_history.kernel_clocksource;
  r.tsc_ghz = g_history.tsc_ghz;
  r.checks = g_history.checks;
  r.max_drift_ns = g_history.max_drift_ns;
  r.last_drift_ns = g_history.last_drift_ns;
  r.fallback_reason = g_history.fallback_reason;
  return r;
}

bool recalibrate_monotonic_clock_for_test(double rate_scale) {
#ifndef IOPULSE_HAVE_TSC
  (void)rate_scale;
  return false;
#else
  if (!cpu_has_invariant_tsc()) return false;
  TscCalibration c;
  if (!calibrate(kCalibrationGapNs, rate_scale, &c)) return false;
  g_history = ClockHistory{};
  g_history.calibrated = true;
  g_history.invariant_tsc = true;
  g_clock.fallback_offset_ns.store(0, std::memory_order_relaxed);
  g_clock.cal = c;
  g_history.tsc_ghz = static_cast<double>(1ULL << TscCalibration::kShift) / static_cast<double>(c.mult);
  g_clock.tsc.store(true, std::memory_order_release);
  return true;
#endif
}

}  // namespace iopulse
