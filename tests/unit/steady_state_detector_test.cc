// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// SteadyStateDetector against series whose answer is worked out by hand,
// and SteadyStateSpec's parsing.
#include "stats/steady_state_detector.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "job/usage_error.h"

namespace iopulse {
namespace {

constexpr uint64_t kSecond = 1'000'000'000;

SteadyStateSpec spec(const char* text, uint64_t duration_ns, uint64_t ramp_ns = 0) {
  SteadyStateSpec s = SteadyStateSpec::parse(text, "--steady-state");
  s.duration_ns = duration_ns;
  s.ramp_ns = ramp_ns;
  return s;
}

TEST(SteadyStateDetector, DeviationFromTheMeanOverTheRollingWindow) {
  SteadyStateDetector d(spec("iops:10%", 3 * kSecond), kSecond);
  // 100, 200, 100: mean 133.3, deviation 66.7 > 13.3.
  EXPECT_FALSE(d.add(0, kSecond, 100, 0));
  EXPECT_FALSE(d.add(kSecond, 2 * kSecond, 200, 0));
  EXPECT_FALSE(d.add(2 * kSecond, 3 * kSecond, 100, 0));
  // 200, 100, 105 -> 100, 105, 104: mean 103, deviation 3 <= 10.3.
  EXPECT_FALSE(d.add(3 * kSecond, 4 * kSecond, 105, 0));
  EXPECT_TRUE(d.add(4 * kSecond, 5 * kSecond, 104, 0));
  const nlohmann::json j = d.to_json();
  EXPECT_EQ(j["attained"], true);
  EXPECT_EQ(j["attained_at_ns"], 5 * kSecond);
  EXPECT_EQ(j["samples"], 3);
  EXPECT_DOUBLE_EQ(j["mean"].get<double>(), 103.0);
  EXPECT_DOUBLE_EQ(j["max_deviation"].get<double>(), 3.0);
  EXPECT_EQ(j["criterion"], "iops:10%");
}

TEST(SteadyStateDetector, SlopePerSecondAndAbsoluteLimits) {
  // Half-second intervals rising by 10 each: slope 20 per second.
  SteadyStateDetector rising(spec("bw_slope:19", 2 * kSecond), kSecond / 2);
  for (int i = 0; i < 8; ++i) EXPECT_FALSE(rising.add(i * kSecond / 2, (i + 1) * kSecond / 2, 0, 1000 + 10.0 * i));
  EXPECT_NEAR(rising.to_json()["slope_per_s"].get<double>(), 20.0, 1e-9);
  SteadyStateDetector loose(spec("bw_slope:21", 2 * kSecond), kSecond / 2);
  bool attained = false;
  for (int i = 0; i < 4; ++i) attained = loose.add(i * kSecond / 2, (i + 1) * kSecond / 2, 0, 1000 + 10.0 * i);
  EXPECT_TRUE(attained);  // the fourth sample fills the window
}

TEST(SteadyStateDetector, NothingIsSampledDuringTheRamp) {
  SteadyStateDetector d(spec("iops:0", 2 * kSecond, 2 * kSecond), kSecond);
  EXPECT_FALSE(d.add(0, kSecond, 50, 0));
  EXPECT_FALSE(d.add(kSecond, 2 * kSecond, 50, 0));
  EXPECT_FALSE(d.add(2 * kSecond, 3 * kSecond, 70, 0));
  EXPECT_TRUE(d.add(3 * kSecond, 4 * kSecond, 70, 0));
  EXPECT_EQ(d.to_json()["mean"], 70.0);
}

TEST(SteadyStateSpec, ParsesFiosSyntaxAndRefusesTheRest) {
  const SteadyStateSpec s = SteadyStateSpec::parse("iops_slope:0.5%", "--steady-state");
  EXPECT_EQ(s.metric, SteadyStateSpec::Metric::kIopsSlope);
  EXPECT_DOUBLE_EQ(s.limit, 0.5);
  EXPECT_TRUE(s.percent);
  EXPECT_EQ(SteadyStateSpec::parse("bw:1048576", "x").text(), "bw:1048576");
  for (const char* bad : {"iops", "lat:5%", "iops:", "iops:-1", "iops:150%", "iops:x%", "iops:5%%"}) {
    try {
      SteadyStateSpec::parse(bad, "--steady-state");
      ADD_FAILURE() << bad;
    } catch (const UsageError& e) {
      EXPECT_THAT(e.what(), ::testing::HasSubstr("accepted: METRIC:LIMIT")) << bad;
    }
  }
}

}  // namespace
}  // namespace iopulse
