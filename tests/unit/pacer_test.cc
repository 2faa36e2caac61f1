// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// The pacer driven in-process with a scripted clock: due times on a rate
// schedule and on a replay's trace, think pauses, and what it records
// (latency from the intended start, the host's schedule lag), each checked
// against the arithmetic of the schedule, not against the pacer itself.
#include "run/pacer.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "job/job_options.h"
#include "job_spec_of.h"

namespace iopulse {
namespace {

constexpr uint64_t kStart = 1'000'000'000;  // the window's start on the scripted clock

JobSpec paced_job(const JobOptionTexts& options) { return job_spec_of("/tmp/iopulse-pacer", options); }

TEST(Pacer, RateIopsSpacesTheIosOneStepApartFromTheStart) {
  // 1000 IOPS over 4 workers: each worker's IOs are 4 ms apart.
  Pacer pacer(PacingPlan::of(paced_job({{"rate-iops", "1000"}}), 4, 0));
  ASSERT_TRUE(pacer.scheduled());
  pacer.start(kStart);
  for (uint64_t k = 0; k < 5; ++k) {
    const uint64_t due = kStart + k * 4'000'000;
    EXPECT_FALSE(pacer.due(due - 1)) << k;
    EXPECT_TRUE(pacer.due(due)) << k;
    EXPECT_EQ(pacer.wake_ns(), due) << k;
    EXPECT_EQ(pacer.take(4096).intended_ns, due) << k;
  }
}

TEST(Pacer, RatePerWorkerGivesEachWorkerTheWholeRate) {
  Pacer pacer(PacingPlan::of(paced_job({{"rate-iops", "1000"}, {"rate-per-worker", ""}}), 4, 0));
  pacer.start(kStart);
  (void)pacer.take(4096);
  EXPECT_EQ(pacer.wake_ns(), kStart + 1'000'000);
}

// --rate-process poisson: the gaps are Exp(1) draws times the step, so over
// many IOs their mean is the step, 1 - 1/e of them are shorter than it and
// their standard deviation is their mean; the draws repeat for a seed.
TEST(Pacer, PoissonGapsAreExponentialAtTheSameMeanRate) {
  const JobSpec spec = paced_job({{"rate-iops", "1000"}, {"rate-process", "poisson"}});
  const auto gaps = [&spec](uint64_t seed) {
    Pacer pacer(PacingPlan::of(spec, 1, seed));
    pacer.start(kStart);
    std::vector<double> out;
    uint64_t last = pacer.take(4096).intended_ns;
    for (int i = 0; i < 20000; ++i) {
      const uint64_t due = pacer.take(4096).intended_ns;
      out.push_back(static_cast<double>(due - last));
      last = due;
    }
    return out;
  };
  const std::vector<double> g = gaps(7);
  double sum = 0, squares = 0;
  size_t shorter = 0;
  for (double x : g) {
    sum += x;
    squares += x * x;
    shorter += x < 1e6 ? 1 : 0;
  }
  const double mean = sum / static_cast<double>(g.size());
  const double sd = std::sqrt(squares / static_cast<double>(g.size()) - mean * mean);
  // 20,000 draws: the mean's standard error is 0.7 %, the share's 0.34 points.
  EXPECT_NEAR(mean, 1e6, 0.03e6);
  EXPECT_NEAR(sd / mean, 1.0, 0.05);
  EXPECT_NEAR(static_cast<double>(shorter) / static_cast<double>(g.size()), 1 - std::exp(-1.0), 0.015);
  EXPECT_EQ(gaps(7), g);
  EXPECT_NE(gaps(8), g);
  // Linear, the default: every gap is the step.
  Pacer linear(PacingPlan::of(paced_job({{"rate-iops", "1000"}}), 1, 7));
  linear.start(kStart);
  EXPECT_EQ(linear.take(4096).intended_ns, kStart);
  EXPECT_EQ(linear.take(4096).intended_ns, kStart + 1'000'000);
}

TEST(Pacer, RateBwStepsByEachIosLength) {
  // 1 MiB/s for one worker: 4 KiB takes 1/256 s, 64 KiB 1/16 s.
  Pacer pacer(PacingPlan::of(paced_job({{"rate-bw", "1M"}}), 1, 0));
  pacer.start(kStart);
  EXPECT_EQ(pacer.take(4096).intended_ns, kStart);
  EXPECT_EQ(pacer.take(65536).intended_ns, kStart + 1'000'000'000 / 256);
  EXPECT_EQ(pacer.take(4096).intended_ns, kStart + 1'000'000'000 / 256 + 1'000'000'000 / 16);
}

TEST(Pacer, LagIsTheHostsLatenessAfterTheIoCouldStart) {
  Pacer pacer(PacingPlan::of(paced_job({{"rate-iops", "1000"}}), 1, 0));  // 1 ms steps
  pacer.start(kStart);
  // IO 0 is due at the start with a slot free since the start; the host
  // submits it 30 us late; it completes 20 us after its submission.
  const Pacer::Place first = pacer.take(4096);
  pacer.completed(OpKind::kRead, true, kStart + 50'000, kStart + 30'000, first, 20'000);
  // IO 1 is due at 1 ms but no slot is free until 1.5 ms (the device was
  // slow); submitted at 1.5 ms + 2 us: lag 2 us, latency from the intended
  // start 1.5 ms + 2 us + 10 us - 1 ms.
  const Pacer::Place second = pacer.take(4096);
  Pacer::Place late_slot = second;
  late_slot.free_ns = kStart + 1'500'000;
  pacer.completed(OpKind::kWrite, true, kStart + 1'512'000, kStart + 1'502'000, late_slot, 10'000);
  EXPECT_EQ(pacer.schedule_lag().count(), 2u);
  EXPECT_EQ(pacer.schedule_lag().max(), 30'000u);
  EXPECT_EQ(pacer.schedule_lag().min(), 2'000u);
  EXPECT_EQ(pacer.intended_latency()[static_cast<size_t>(OpKind::kRead)].max(), 50'000u);
  EXPECT_EQ(pacer.intended_latency()[static_cast<size_t>(OpKind::kWrite)].max(), 512'000u);
  // A failed IO counts toward neither (it is not a rate-limited replay).
  pacer.completed(OpKind::kRead, false, kStart + 3'000'000, kStart + 2'000'000, pacer.take(4096), 1'000'000);
  EXPECT_EQ(pacer.schedule_lag().count(), 2u);
  EXPECT_EQ(pacer.replay_lag().count(), 0u);
}

TEST(Pacer, FreeSinceIsWhenTheEmptyPoolGotASlot) {
  Pacer pacer(PacingPlan::of(paced_job({{"rate-iops", "1000"}}), 1, 0));
  pacer.start(kStart);
  EXPECT_EQ(pacer.take(4096).free_ns, kStart);  // every slot free at the start
  pacer.slot_freed_into_empty(kStart + 7'000'000);
  const Pacer::Place p = pacer.take(4096);
  EXPECT_EQ(p.intended_ns, kStart + 1'000'000);
  EXPECT_EQ(p.free_ns, kStart + 7'000'000);
}

TEST(Pacer, ThinkPausesAfterEveryNCompletionsWithTheAdaptiveShare) {
  Pacer pacer(PacingPlan::of(
      paced_job({{"think-time", "100us"}, {"think-every", "3"}, {"think-adaptive-percent", "50"}}), 1, 0));
  ASSERT_TRUE(pacer.thinks());
  ASSERT_FALSE(pacer.scheduled());
  pacer.start(kStart);
  EXPECT_FALSE(pacer.thinking(kStart));
  pacer.completed(OpKind::kRead, true, kStart + 10'000, kStart, {}, 10'000);
  pacer.reaped(2, kStart + 10'000);  // two of three: no pause yet
  EXPECT_FALSE(pacer.thinking(kStart + 10'000));
  pacer.completed(OpKind::kRead, true, kStart + 60'000, kStart + 20'000, {}, 40'000);
  // A failed IO's latency is not the one the adaptive pause adds.
  pacer.completed(OpKind::kRead, false, kStart + 60'000, kStart, {}, 60'000);
  pacer.reaped(1, kStart + 60'000);  // the third: pause 100 us + 50% of 40 us
  const uint64_t until = kStart + 60'000 + 100'000 + 20'000;
  EXPECT_TRUE(pacer.thinking(until - 1));
  EXPECT_FALSE(pacer.thinking(until));
  EXPECT_EQ(pacer.wake_ns(), until);
  EXPECT_EQ(pacer.schedule_lag().count(), 0u);  // no schedule: nothing recorded
}

TEST(Pacer, ATimedReplayIsDueAtItsScaledTraceTimes) {
  // --replay-speed 2: the trace's 10 ms is 5 ms of the run.
  JobSpec spec = paced_job({});
  spec.replay = "trace.iolog";
  spec.replay_speed = 2;
  Pacer pacer(PacingPlan::of(spec, 1, 0));
  ASSERT_TRUE(pacer.scheduled());
  pacer.start(kStart, /*first_trace_ns=*/10'000'000);
  EXPECT_EQ(pacer.wake_ns(), kStart + 5'000'000);
  pacer.next_trace_time(30'000'000);
  const Pacer::Place first = pacer.take(4096);
  EXPECT_EQ(first.intended_ns, kStart + 5'000'000);
  EXPECT_EQ(pacer.wake_ns(), kStart + 15'000'000);
  // The trace goes back in time: that IO is due at once, not earlier than
  // the one before.
  pacer.next_trace_time(1'000'000);
  EXPECT_EQ(pacer.take(4096).intended_ns, kStart + 15'000'000);
  EXPECT_EQ(pacer.wake_ns(), kStart + 15'000'000);
  // Replay lag: submission after the scaled trace time, failed IOs too.
  pacer.completed(OpKind::kWrite, false, kStart + 5'100'000, kStart + 5'040'000, first, 60'000);
  EXPECT_EQ(pacer.replay_lag().count(), 1u);
  EXPECT_EQ(pacer.replay_lag().max(), 40'000u);
}

TEST(Pacer, NoRulesHoldNothing) {
  Pacer pacer(PacingPlan::of(paced_job({}), 1, 0));
  EXPECT_FALSE(pacer.thinks());
  EXPECT_FALSE(pacer.scheduled());
  pacer.start(kStart);
  EXPECT_EQ(pacer.wake_ns(), 0u);
  EXPECT_FALSE(pacer.thinking(kStart));
}

}  // namespace
}  // namespace iopulse
