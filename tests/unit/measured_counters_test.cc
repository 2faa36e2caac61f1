// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// MeasuredCounters is the one shape every level adds up: these tests fill
// every member, merge at each level (two counters, two phases of a run,
// two ranks' counters through the wire codec) and check each member is the
// sum of its parts (first_error: the first part's that has one).
#include "stats/measured_counters.h"

#include <gtest/gtest.h>

#include "cluster/result_wire.h"
#include "stats/run_result.h"

namespace iopulse {
namespace {

LatencyHistogram histogram_of(uint64_t first_ns, int n) {
  LatencyHistogram h;
  for (int i = 0; i < n; ++i) h.record(first_ns + static_cast<uint64_t>(i) * 1000);
  return h;
}

OpStats stats_of(uint64_t ops, uint64_t latency_ns) {
  OpStats s;
  s.ops = ops;
  s.bytes = ops * 4096;
  s.errors = ops / 2;
  s.latency = histogram_of(latency_ns, static_cast<int>(ops));
  return s;
}

// Every member different from every other and from `k`'s other values.
MeasuredCounters counters_of(uint64_t k) {
  MeasuredCounters c;
  c.read = stats_of(k + 1, 1000);
  c.write = stats_of(k + 2, 2000);
  c.sync = stats_of(k + 3, 3000);
  c.trim = stats_of(k + 4, 4000);
  c.meta[OpKind::kStat] = stats_of(k + 5, 5000);
  c.meta[OpKind::kMkdir] = stats_of(k + 6, 6000);
  c.priority.prioritized.read = stats_of(k + 7, 7000);
  c.priority.others.write = stats_of(k + 8, 8000);
  c.read_intended = histogram_of(9000, static_cast<int>(k + 9));
  c.write_intended = histogram_of(10000, static_cast<int>(k + 10));
  c.schedule_lag = histogram_of(11000, static_cast<int>(k + 11));
  c.replay_lag = histogram_of(12000, static_cast<int>(k + 12));
  c.verify_failures = k + 13;
  c.lock_conflicts = k + 14;
  c.first_error = static_cast<int>(k + 15);
  return c;
}

// What merging a and b must give, member by member, computed without merge().
void expect_sum(const MeasuredCounters& sum, uint64_t a, uint64_t b) {
  auto ops = [&](const OpStats& s, uint64_t n, uint64_t latency_ns, const char* what) {
    SCOPED_TRACE(what);
    EXPECT_EQ(s.ops, a + n + b + n);
    EXPECT_EQ(s.bytes, (a + n + b + n) * 4096);
    EXPECT_EQ(s.errors, (a + n) / 2 + (b + n) / 2);
    EXPECT_EQ(s.latency.count(), a + n + b + n);
    EXPECT_EQ(s.latency.min(), latency_ns);
  };
  ops(sum.read, 1, 1000, "read");
  ops(sum.write, 2, 2000, "write");
  ops(sum.sync, 3, 3000, "sync");
  ops(sum.trim, 4, 4000, "trim");
  ops(sum.meta[OpKind::kStat], 5, 5000, "stat");
  ops(sum.meta[OpKind::kMkdir], 6, 6000, "mkdir");
  ops(sum.priority.prioritized.read, 7, 7000, "prioritized reads");
  ops(sum.priority.others.write, 8, 8000, "other writes");
  EXPECT_EQ(sum.read_intended.count(), a + 9 + b + 9);
  EXPECT_EQ(sum.write_intended.count(), a + 10 + b + 10);
  EXPECT_EQ(sum.schedule_lag.count(), a + 11 + b + 11);
  EXPECT_EQ(sum.replay_lag.count(), a + 12 + b + 12);
  EXPECT_EQ(sum.replay_lag.min(), 12000u);
  EXPECT_EQ(sum.verify_failures, a + 13 + b + 13);
  EXPECT_EQ(sum.lock_conflicts, a + 14 + b + 14);
  EXPECT_EQ(sum.first_error, static_cast<int>(a + 15));
}

TEST(MeasuredCounters, MergeAddsEveryMember) {
  MeasuredCounters sum = counters_of(10);
  sum.merge(counters_of(100));
  expect_sum(sum, 10, 100);
}

// The first error is the first part's that had one, whichever side.
TEST(MeasuredCounters, MergeKeepsTheFirstErrorThatHappened) {
  MeasuredCounters none, eio, eilseq;
  eio.first_error = 5;
  eilseq.first_error = 84;
  none.merge(eio);
  EXPECT_EQ(none.first_error, 5);
  none.merge(eilseq);
  EXPECT_EQ(none.first_error, 5);
  eilseq.merge(MeasuredCounters{});
  EXPECT_EQ(eilseq.first_error, 84);
}

TEST(MeasuredCounters, PhasesOfARunAddUp) {
  RunResult phase1, phase2;
  static_cast<MeasuredCounters&>(phase1) = counters_of(10);
  static_cast<MeasuredCounters&>(phase2) = counters_of(100);
  phase1.io_priority = phase2.io_priority = 3;
  RunResult run;
  run.add_phase(phase1);
  run.add_phase(phase2);
  expect_sum(run, 10, 100);
  ASSERT_EQ(run.phases.size(), 2u);
  EXPECT_EQ(run.phases[1].verify_failures, 100u + 13);
}

TEST(MeasuredCounters, PhasesOfDifferentPrioritiesKeepNoSplit) {
  RunResult phase1, phase2;
  static_cast<MeasuredCounters&>(phase1) = counters_of(10);
  static_cast<MeasuredCounters&>(phase2) = counters_of(100);
  phase1.io_priority = 3;
  phase2.io_priority = 4;
  RunResult run;
  run.add_phase(phase1);
  run.add_phase(phase2);
  EXPECT_TRUE(run.mixed_priorities);
  EXPECT_TRUE(run.priority.empty());
  EXPECT_EQ(run.read.ops, 10u + 1 + 100 + 1);  // the rest still adds up
}

TEST(MeasuredCounters, RanksAddUpThroughTheWire) {
  const MeasuredCounters a = counters_of(10), b = counters_of(100);
  MeasuredCounters sum, b_back;
  counters_from_wire(from_bytes(to_bytes(counters_to_wire(a))), sum);
  counters_from_wire(from_bytes(to_bytes(counters_to_wire(b))), b_back);
  sum.merge(b_back);
  expect_sum(sum, 10, 100);
}

}  // namespace
}  // namespace iopulse
