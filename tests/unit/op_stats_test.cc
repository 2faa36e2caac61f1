// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
#include "stats/op_stats.h"

#include <gtest/gtest.h>

#include "stats/run_result.h"

namespace iopulse {
namespace {

TEST(OpStatsTest, MergeAddsCountersAndHistograms) {
  OpStats a;
  a.ops = 3;
  a.bytes = 3 * 4096;
  a.errors = 1;
  a.latency.record(100);
  a.latency.record(200);
  a.latency.record(300);

  OpStats b;
  b.ops = 1;
  b.bytes = 65536;
  b.latency.record(50);

  a.merge(b);
  EXPECT_EQ(a.ops, 4u);
  EXPECT_EQ(a.bytes, 3u * 4096 + 65536);
  EXPECT_EQ(a.errors, 1u);
  EXPECT_EQ(a.latency.count(), 4u);
  EXPECT_EQ(a.latency.min(), 50u);
  EXPECT_EQ(a.latency.max(), 300u);
  EXPECT_EQ(a.latency.sum(), 650u);

  a.merge(OpStats{});
  EXPECT_EQ(a.ops, 4u);
  EXPECT_EQ(a.latency.count(), 4u);
}

TEST(OpStatsTest, RatesOverTheWindow) {
  OpStats s;
  s.ops = 1000;
  s.bytes = 1000 * 4096;
  EXPECT_DOUBLE_EQ(iops(s, 2'000'000'000), 500.0);
  EXPECT_DOUBLE_EQ(bandwidth_bytes_per_sec(s, 2'000'000'000), 500.0 * 4096);
  EXPECT_DOUBLE_EQ(iops(s, 500'000'000), 2000.0);
  EXPECT_EQ(iops(s, 0), 0.0);
  EXPECT_EQ(bandwidth_bytes_per_sec(s, 0), 0.0);
  EXPECT_EQ(iops(OpStats{}, 1'000'000'000), 0.0);
}

TEST(RunResultTest, TotalMergesReadAndWrite) {
  RunResult r;
  r.read.ops = 10;
  r.read.bytes = 40960;
  r.read.latency.record(1000);
  r.write.ops = 5;
  r.write.bytes = 5 * 8192;
  r.write.errors = 2;
  r.write.latency.record(9000);
  const OpStats total = r.total();
  EXPECT_EQ(total.ops, 15u);
  EXPECT_EQ(total.bytes, 40960u + 5 * 8192);
  EXPECT_EQ(total.errors, 2u);
  EXPECT_EQ(total.latency.count(), 2u);
  EXPECT_EQ(total.latency.min(), 1000u);
  EXPECT_EQ(total.latency.max(), 9000u);
  // The parts are untouched.
  EXPECT_EQ(r.read.ops, 10u);
  EXPECT_EQ(r.write.latency.count(), 1u);
}

}  // namespace
}  // namespace iopulse
