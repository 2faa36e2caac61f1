// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
#include "stats/time_series_assembler.h"

#include <gtest/gtest.h>

#include "stats/interval_stats.h"

namespace iopulse {
namespace {

WorkerInterval interval(uint32_t worker, uint64_t index, uint64_t reads, uint64_t latency_ns,
                        bool last = false) {
  WorkerInterval w;
  w.worker = worker;
  w.index = index;
  w.last = last;
  OpStats& r = w.ops[OpKind::kRead];
  for (uint64_t i = 0; i < reads; ++i) {
    ++r.ops;
    r.bytes += 4096;
    r.latency.record(latency_ns + i);
  }
  w.inflight_sum = 4 * reads;
  w.reap_calls = reads;
  return w;
}

TEST(TimeSeriesAssemblerTest, IntervalsAreHandedOutInOrderOnceEveryWorkerMovedPast) {
  TimeSeriesAssembler a(2, false);
  a.deliver(interval(0, 0, 10, 100));
  EXPECT_TRUE(a.take_complete().empty()) << "worker 1 has not closed interval 0 yet";
  a.deliver(interval(1, 0, 5, 200));
  auto out = a.take_complete();
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].index, 0u);
  EXPECT_EQ(out[0].ops[OpKind::kRead].ops, 15u);
  EXPECT_EQ(out[0].ops[OpKind::kRead].latency.count(), 15u);
  EXPECT_EQ(out[0].reap_calls, 15u);
}

TEST(TimeSeriesAssemblerTest, SkippedIntervalsAreEmptyAndTheLastWaitsForTheEnd) {
  TimeSeriesAssembler a(2, false);
  a.deliver(interval(0, 0, 1, 100));
  a.deliver(interval(0, 3, 1, 100));  // worker 0 reaped nothing in 1 and 2
  a.deliver(interval(1, 2, 1, 100));
  auto out = a.take_complete();
  ASSERT_EQ(out.size(), 3u);  // 0, 1, 2; 3 is not known full for worker 1 yet
  EXPECT_EQ(out[1].index, 1u);
  EXPECT_EQ(out[1].ops[OpKind::kRead].ops, 0u);
  EXPECT_EQ(out[2].ops[OpKind::kRead].ops, 1u);
  a.deliver(interval(1, 3, 2, 100, /*last=*/true));
  a.finish(1);
  a.deliver(interval(0, 4, 1, 100, /*last=*/true));
  a.finish(0);
  out = a.take_complete();
  ASSERT_EQ(out.size(), 1u) << "interval 3 is full (worker 0 moved past it); 4 is the partial last";
  EXPECT_EQ(out[0].index, 3u);
  EXPECT_EQ(out[0].ops[OpKind::kRead].ops, 3u);
  out = a.take_complete(/*all=*/true);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].index, 4u);
}

TEST(TimeSeriesAssemblerTest, PerWorkerIntervalsAreKeptSortedWhenAsked) {
  TimeSeriesAssembler a(2, true);
  a.deliver(interval(1, 0, 2, 100));
  a.deliver(interval(0, 0, 3, 100));
  a.deliver(interval(0, 1, 1, 100));
  a.deliver(interval(1, 1, 1, 100));
  auto out = a.take_complete();
  ASSERT_EQ(out.size(), 2u);
  ASSERT_EQ(out[0].per_worker.size(), 2u);
  EXPECT_EQ(out[0].per_worker[0].worker, 0u);
  EXPECT_EQ(out[0].per_worker[0].ops[OpKind::kRead].ops, 3u);
  EXPECT_EQ(out[0].per_worker[1].ops[OpKind::kRead].ops, 2u);
}

TEST(IntervalSummaryTest, PercentilesAreThoseOfTheIntervalsOwnIos) {
  OpStatsSet ops;
  LatencyHistogram expected;
  for (uint64_t i = 1; i <= 1000; ++i) {
    ops[OpKind::kRead].latency.record(i * 1000);
    expected.record(i * 1000);
    ++ops[OpKind::kRead].ops;
  }
  ops[OpKind::kRead].bytes = 1000 * 4096;
  const IntervalSummary s = IntervalSummary::of(ops, 7, 7'000'000'000, 8'000'000'000, 4000, 1000, -1);
  EXPECT_EQ(s.read().lat_p50, expected.percentile(50));
  EXPECT_EQ(s.read().lat_p99, expected.percentile(99));
  EXPECT_EQ(s.read().lat_p999, expected.percentile(99.9));
  EXPECT_NEAR(static_cast<double>(s.read().lat_p50), 500'000, 5000);
  EXPECT_DOUBLE_EQ(s.read().iops, 1000.0);
  EXPECT_DOUBLE_EQ(s.read().bw_bytes_per_sec, 1000.0 * 4096);
  EXPECT_DOUBLE_EQ(s.qd_mean, 4.0);
  EXPECT_EQ(s.total.ops, 1000u);
  const auto j = s.to_json();
  EXPECT_EQ(j["index"], 7);
  EXPECT_EQ(j["read"]["latency_ns"]["p99"], expected.percentile(99));
  EXPECT_FALSE(j.contains("worker"));
  EXPECT_FALSE(j.contains("sync"));
  EXPECT_FALSE(j.contains("priority"));
  EXPECT_EQ(s.priority, nullptr);
}

// With --io-priority the interval's reads and writes are summarised again per
// group, each from its own histogram.
TEST(IntervalSummaryTest, PriorityGroupsHaveTheirOwnNumbers) {
  OpStatsSet ops;
  for (uint64_t i = 0; i < 30; ++i) {
    ops[OpKind::kRead].latency.record(2'000'000);
    ++ops[OpKind::kRead].ops;
    ops.priority.record(IOP_OP_READ, true, 4096, 2'000'000);
  }
  for (uint64_t i = 0; i < 70; ++i) {
    ops[OpKind::kRead].latency.record(20'000);
    ++ops[OpKind::kRead].ops;
    ops.priority.record(IOP_OP_READ, false, 4096, 20'000);
  }
  const IntervalSummary s = IntervalSummary::of(ops, 0, 0, 1'000'000'000, 0, 0, -1);
  ASSERT_NE(s.priority, nullptr);
  EXPECT_EQ(s.priority->prioritized_read.ops, 30u);
  EXPECT_EQ(s.priority->others_read.ops, 70u);
  EXPECT_EQ(s.priority->prioritized_write.ops, 0u);
  EXPECT_NEAR(static_cast<double>(s.priority->prioritized_read.lat_min), 2'000'000, 2'000'000 / 100);
  EXPECT_NEAR(static_cast<double>(s.priority->others_read.lat_max), 20'000, 20'000 / 100);
  const auto j = s.to_json();
  EXPECT_EQ(j["priority"]["prioritized"]["read"]["ops"], 30);
  EXPECT_EQ(j["priority"]["others"]["read"]["ops"], 70);
  EXPECT_EQ(j["priority"]["others"]["write"]["ops"], 0);
  EXPECT_DOUBLE_EQ(j["priority"]["prioritized"]["read"]["iops"].get<double>(), 30.0);
}

}  // namespace
}  // namespace iopulse
