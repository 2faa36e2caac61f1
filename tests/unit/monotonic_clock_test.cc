// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
#include "run/monotonic_clock.h"

#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <string>

#include <gtest/gtest.h>

namespace iopulse {
namespace {

// Whatever the source (TSC or clock_gettime), the clock is on the
// CLOCK_MONOTONIC scale: it agrees with clock_gettime now and after a pause.
TEST(MonotonicClockTest, TracksClockMonotonic) {
  calibrate_monotonic_clock();
  const uint64_t a = monotonic_now_ns();
  const uint64_t ref_a = clock_gettime_ns();
  usleep(50'000);
  const uint64_t b = monotonic_now_ns();
  const uint64_t ref_b = clock_gettime_ns();
  EXPECT_LT(std::llabs(static_cast<long long>(ref_a - a)), 1'000'000) << monotonic_clock_source();
  EXPECT_LT(std::llabs(static_cast<long long>(ref_b - b)), 1'000'000) << monotonic_clock_source();
  // The elapsed time agrees to well under 1% (calibration error is ppm).
  const double elapsed = static_cast<double>(b - a), ref = static_cast<double>(ref_b - ref_a);
  EXPECT_NEAR(elapsed / ref, 1.0, 0.01);
  EXPECT_GE(b, a);
}

TEST(MonotonicClockTest, NeverGoesBackwardsOnOneThread) {
  calibrate_monotonic_clock();
  uint64_t last = monotonic_now_ns();
  for (int i = 0; i < 100000; ++i) {
    const uint64_t now = monotonic_now_ns();
    ASSERT_GE(now, last);
    last = now;
  }
}

// The TSC is used exactly when the CPU says it is invariant, whatever the
// kernel's clocksource; the report says which and why.  The observer is the
// kernel's reading of the same CPUID bit: /proc/cpuinfo's constant_tsc and
// nonstop_tsc flags.
TEST(MonotonicClockTest, UsesTheTscWhenTheCpuSaysItIsInvariant) {
  calibrate_monotonic_clock();
  std::ifstream cpuinfo("/proc/cpuinfo");
  bool constant = false, nonstop = false;
  for (std::string line; std::getline(cpuinfo, line);) {
    if (line.rfind("flags", 0) != 0) continue;
    constant = line.find(" constant_tsc") != std::string::npos;
    nonstop = line.find(" nonstop_tsc") != std::string::npos;
    break;
  }
  const ClockReport r = monotonic_clock_report();
#if defined(__x86_64__)
  EXPECT_EQ(r.invariant_tsc, constant && nonstop);
  if (r.invariant_tsc) {
    EXPECT_EQ(r.source, "tsc");
    EXPECT_TRUE(r.fallback_reason.empty()) << r.fallback_reason;
    EXPECT_GT(r.tsc_ghz, 0.1);
    EXPECT_LT(r.tsc_ghz, 10.0);
  } else {
    EXPECT_EQ(r.source, "clock_gettime");
    EXPECT_NE(r.fallback_reason.find("invariant TSC"), std::string::npos) << r.fallback_reason;
  }
#endif
  std::ifstream source("/sys/devices/system/clocksource/clocksource0/current_clocksource");
  std::string kernel;
  source >> kernel;
  EXPECT_EQ(r.kernel_clocksource, kernel);
}

// A well calibrated TSC passes its checks; the drift they measure is small.
TEST(MonotonicClockTest, CheckFindsNoDriftInAGoodCalibration) {
  if (!recalibrate_monotonic_clock_for_test(1.0)) GTEST_SKIP() << "no invariant TSC here";
  for (int i = 0; i < 3; ++i) {
    usleep(20'000);
    const int64_t drift = check_monotonic_clock();
    EXPECT_LT(std::llabs(drift), kDriftToleranceNs) << "check " << i;
  }
  const ClockReport r = monotonic_clock_report();
  EXPECT_EQ(r.source, "tsc");
  EXPECT_EQ(r.checks, 3u);
  EXPECT_TRUE(r.fallback_reason.empty()) << r.fallback_reason;
}

// A TSC running 2% off its calibration drifts past the tolerance: the check
// falls back to clock_gettime, says why, and the clock neither jumps nor
// goes backwards across the switch; afterwards it runs at CLOCK_MONOTONIC's
// rate.  Every comparison is bracketed by CLOCK_MONOTONIC reads, so a
// preemption between two reads widens the bounds instead of failing.
TEST(MonotonicClockTest, FallsBackContinuouslyWhenTheTscDrifts) {
  if (!recalibrate_monotonic_clock_for_test(1.02)) GTEST_SKIP() << "no invariant TSC here";
  usleep(200'000);  // 2% of 200 ms: 4 ms of drift, against a tolerance of 0.4 ms
  const uint64_t ref0 = clock_gettime_ns();
  const uint64_t before = monotonic_now_ns();
  const int64_t drift = check_monotonic_clock();
  const uint64_t after = monotonic_now_ns();
  const uint64_t ref1 = clock_gettime_ns();
  EXPECT_GT(drift, 2'000'000);
  EXPECT_STREQ(monotonic_clock_source(), "clock_gettime");
  EXPECT_GE(after, before);
  EXPECT_LE(after - before, ref1 - ref0 + 100'000);  // continuous: no jump of the drift's size
  const ClockReport r = monotonic_clock_report();
  EXPECT_EQ(r.source, "clock_gettime");
  EXPECT_NE(r.fallback_reason.find("drifted"), std::string::npos) << r.fallback_reason;
  EXPECT_GE(r.max_drift_ns, 2'000'000);
  // From now on the clock is CLOCK_MONOTONIC shifted by a constant: over
  // 200 ms it gains nothing on it (the miscalibrated TSC would gain 4 ms).
  const uint64_t ra0 = clock_gettime_ns(), a = monotonic_now_ns(), ra1 = clock_gettime_ns();
  usleep(200'000);
  const uint64_t rb0 = clock_gettime_ns(), b = monotonic_now_ns(), rb1 = clock_gettime_ns();
  EXPECT_GE(b - a + 100'000, rb0 - ra1);
  EXPECT_LE(b - a, rb1 - ra0 + 100'000);
  ASSERT_TRUE(recalibrate_monotonic_clock_for_test(1.0));  // leave a good clock for other tests
}

}  // namespace
}  // namespace iopulse
