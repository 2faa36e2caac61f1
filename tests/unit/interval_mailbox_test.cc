// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
#include "stats/interval_mailbox.h"

#include <gtest/gtest.h>

namespace iopulse {
namespace {

// The worker closes intervals; collect() hands them over in order, the
// cumulative statistics add up, and nothing is lost when nobody collects
// for longer than the mailbox has buffers.
TEST(IntervalMailboxTest, HandsOverEveryIntervalInOrder) {
  TimeSeriesAssembler assembler(1, true);
  IntervalMailbox mailbox(&assembler, 0);
  uint64_t index = 0;
  for (int round = 0; round < 3; ++round) {
    // More closes than buffers before anyone collects.
    for (size_t i = 0; i < 2 * IntervalMailbox::kBuffers; ++i) {
      OpStats& r = mailbox.current().ops[OpKind::kRead];
      r.ops += index + 1;
      r.latency.record(1000 + index);
      mailbox.close(++index);
    }
    mailbox.collect();
  }
  assembler.finish(0);
  const auto merged = assembler.take_complete(true);
  ASSERT_EQ(merged.size(), index);
  uint64_t total = 0;
  for (uint64_t i = 0; i < merged.size(); ++i) {
    EXPECT_EQ(merged[i].index, i);
    EXPECT_EQ(merged[i].ops[OpKind::kRead].ops, i + 1);
    EXPECT_EQ(merged[i].ops[OpKind::kRead].latency.count(), 1u);
    total += i + 1;
  }
  EXPECT_EQ(mailbox.cumulative()[OpKind::kRead].ops, total);
  EXPECT_EQ(mailbox.cumulative()[OpKind::kRead].latency.count(), index);
  // The interval being filled starts empty.
  EXPECT_EQ(mailbox.current().ops[OpKind::kRead].ops, 0u);
}

}  // namespace
}  // namespace iopulse
