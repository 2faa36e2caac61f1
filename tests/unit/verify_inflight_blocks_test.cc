// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
#include "verify/inflight_blocks.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <set>
#include <vector>

#include "workload/random_source.h"

namespace iopulse {
namespace {

// The first `n` keys from `start` whose home slot is `slot`.
std::vector<uint64_t> keys_homed_at(const InflightBlocks& set, size_t slot, size_t n,
                                    uint64_t start = 0) {
  std::vector<uint64_t> keys;
  for (uint64_t k = start; keys.size() < n; ++k) {
    if (set.home_slot(k) == slot) keys.push_back(k);
  }
  return keys;
}

TEST(VerifyInflightBlocksTest, TableIsTwiceTheCapacityRoundedUpToAPowerOfTwo) {
  EXPECT_EQ(InflightBlocks(1).table_size(), 2u);
  EXPECT_EQ(InflightBlocks(2).table_size(), 4u);
  EXPECT_EQ(InflightBlocks(3).table_size(), 8u);
  EXPECT_EQ(InflightBlocks(4).table_size(), 8u);
  EXPECT_EQ(InflightBlocks(5).table_size(), 16u);
  EXPECT_EQ(InflightBlocks(32).table_size(), 64u);
  EXPECT_EQ(InflightBlocks(1000).table_size(), 2048u);
  EXPECT_EQ(InflightBlocks(0).capacity(), 1u);
}

TEST(VerifyInflightBlocksTest, InsertContainsErase) {
  InflightBlocks set(4);
  EXPECT_FALSE(set.contains(7));
  EXPECT_TRUE(set.insert(7));
  EXPECT_FALSE(set.insert(7));  // already in flight
  EXPECT_TRUE(set.contains(7));
  EXPECT_TRUE(set.insert(0));
  EXPECT_TRUE(set.insert(UINT64_MAX - 1));
  EXPECT_EQ(set.size(), 3u);
  EXPECT_TRUE(set.erase(7));
  EXPECT_FALSE(set.erase(7));
  EXPECT_FALSE(set.contains(7));
  EXPECT_TRUE(set.contains(0));
  EXPECT_TRUE(set.contains(UINT64_MAX - 1));
  EXPECT_EQ(set.size(), 2u);
  set.clear();
  EXPECT_EQ(set.size(), 0u);
  EXPECT_FALSE(set.contains(0));
}

TEST(VerifyInflightBlocksTest, FullAtCapacityOne) {
  InflightBlocks set(1);
  for (uint64_t k = 0; k < 100; ++k) {
    ASSERT_TRUE(set.insert(k * 4096));
    ASSERT_TRUE(set.contains(k * 4096));
    ASSERT_FALSE(set.contains(k * 4096 + 4096));
    ASSERT_TRUE(set.erase(k * 4096));
  }
}

TEST(VerifyInflightBlocksTest, CollidingKeysSurviveErasesInAnyOrder) {
  const int orders[][4] = {{0, 1, 2, 3}, {1, 0, 3, 2}, {2, 3, 1, 0}, {3, 2, 1, 0}, {1, 2, 0, 3}};
  for (const auto& order : orders) {
    InflightBlocks set(8);
    const std::vector<uint64_t> keys = keys_homed_at(set, 3, 4);
    // Another key whose run is displaced by the collisions.
    const uint64_t neighbour = keys_homed_at(set, 4, 1)[0];
    for (uint64_t k : keys) ASSERT_TRUE(set.insert(k));
    ASSERT_TRUE(set.insert(neighbour));
    std::set<uint64_t> present(keys.begin(), keys.end());
    present.insert(neighbour);
    for (int idx : order) {
      ASSERT_TRUE(set.erase(keys[idx]));
      present.erase(keys[idx]);
      for (uint64_t k : keys) EXPECT_EQ(set.contains(k), present.count(k) == 1) << k;
      EXPECT_TRUE(set.contains(neighbour));
    }
    EXPECT_EQ(set.size(), 1u);
  }
}

TEST(VerifyInflightBlocksTest, ProbeRunsWrapAroundTheEndOfTheTable) {
  InflightBlocks set(4);  // 8 slots
  const size_t last = set.table_size() - 1;
  const std::vector<uint64_t> at_end = keys_homed_at(set, last, 3);   // slots 7, 0, 1
  const std::vector<uint64_t> at_zero = keys_homed_at(set, 0, 1);     // pushed to slot 2
  for (uint64_t k : at_end) ASSERT_TRUE(set.insert(k));
  ASSERT_TRUE(set.insert(at_zero[0]));
  EXPECT_EQ(set.size(), 4u);
  for (uint64_t k : at_end) EXPECT_TRUE(set.contains(k));
  EXPECT_TRUE(set.contains(at_zero[0]));

  // Erasing the key in the last slot must pull the wrapped ones back.
  ASSERT_TRUE(set.erase(at_end[0]));
  EXPECT_FALSE(set.contains(at_end[0]));
  EXPECT_TRUE(set.contains(at_end[1]));
  EXPECT_TRUE(set.contains(at_end[2]));
  EXPECT_TRUE(set.contains(at_zero[0]));
  ASSERT_TRUE(set.erase(at_end[2]));
  EXPECT_TRUE(set.contains(at_end[1]));
  EXPECT_TRUE(set.contains(at_zero[0]));
  EXPECT_TRUE(set.insert(at_end[0]));
  EXPECT_TRUE(set.contains(at_end[0]));
  ASSERT_TRUE(set.erase(at_zero[0]));
  EXPECT_TRUE(set.contains(at_end[0]));
  EXPECT_TRUE(set.contains(at_end[1]));
  EXPECT_EQ(set.size(), 2u);
}

TEST(VerifyInflightBlocksTest, AgreesWithAReferenceSetUnderRandomUse) {
  for (uint32_t qd : {1u, 2u, 3u, 16u, 128u}) {
    SCOPED_TRACE(qd);
    InflightBlocks set(qd);
    std::set<uint64_t> ref;
    RandomSource rng(qd);
    // Few distinct blocks, so inserts of present keys and long collision runs
    // are common; the worker's pattern: keep the set near full.
    const uint64_t universe = 3 * uint64_t{qd} + 2;
    for (int step = 0; step < 200000; ++step) {
      const uint64_t block = rng.below(universe) * 4096;
      if (ref.size() < qd && rng.below(2) == 0) {
        ASSERT_EQ(set.insert(block), ref.insert(block).second);
      } else {
        ASSERT_EQ(set.erase(block), ref.erase(block) == 1);
      }
      ASSERT_EQ(set.size(), ref.size());
      const uint64_t probe = rng.below(universe) * 4096;
      ASSERT_EQ(set.contains(probe), ref.count(probe) == 1);
    }
  }
}

}  // namespace
}  // namespace iopulse
