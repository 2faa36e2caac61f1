// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
#include "verify/dedupe_layout.h"

#include <gtest/gtest.h>

#include <set>

namespace iopulse {
namespace {

ContentSpec dedupe(uint32_t percent, uint64_t working_set, uint64_t seed) {
  ContentSpec c;
  c.dedupe_percent = percent;
  c.working_set = working_set;
  c.seed = seed;
  return c;
}

TEST(DedupeLayoutTest, InactiveWithoutDedupe) {
  const DedupeLayout layout(dedupe(0, 10, 1), 4096);
  EXPECT_FALSE(layout.active());
  for (uint64_t i = 0; i < 1000; ++i) EXPECT_FALSE(layout.working_set_block(i * 4096));
}

TEST(DedupeLayoutTest, ExactlyThePercentOfEveryHundredBlocks) {
  for (uint32_t p : {1u, 20u, 50u, 99u, 100u}) {
    const DedupeLayout layout(dedupe(p, 37, 5), 4096);
    for (uint64_t first = 0; first < 1000; first += 100) {
      uint32_t working_set = 0;
      for (uint64_t i = first; i < first + 100; ++i) working_set += layout.working_set_block(i * 4096).has_value();
      EXPECT_EQ(working_set, p) << first;
    }
  }
}

TEST(DedupeLayoutTest, IndexesCoverTheWorkingSetAndFollowTheSeed) {
  const DedupeLayout a(dedupe(50, 37, 5), 4096), b(dedupe(50, 37, 6), 4096);
  std::set<uint64_t> seen;
  uint64_t differ = 0;
  for (uint64_t i = 0; i < 20000; ++i) {
    const auto k = a.working_set_block(i * 4096);
    if (!k) continue;
    EXPECT_LT(*k, 37u);
    EXPECT_EQ(k, a.working_set_block(i * 4096)) << "a block's place fixes its index";
    seen.insert(*k);
    differ += *k != *b.working_set_block(i * 4096);
  }
  EXPECT_EQ(seen.size(), 37u);
  EXPECT_GT(differ, 9000u) << "another seed, other indexes";
}

}  // namespace
}  // namespace iopulse
