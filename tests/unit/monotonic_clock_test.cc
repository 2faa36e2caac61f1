// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
#include "run/monotonic_clock.h"

#include <unistd.h>

#include <cstdlib>

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

}  // namespace
}  // namespace iopulse
