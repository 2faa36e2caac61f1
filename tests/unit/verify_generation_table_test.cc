// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
#include "verify/generation_table.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <optional>

namespace iopulse {
namespace {

TEST(VerifyGenerationTableTest, CountsCommittedWrites) {
  GenerationTable t(100);
  ASSERT_TRUE(t.tracking());
  EXPECT_EQ(t.expected(5), std::nullopt);  // not written by this run: unknown
  EXPECT_EQ(t.next_generation(5), 1u);
  EXPECT_EQ(t.expected(5), std::nullopt);  // not committed yet
  t.commit(5, 1);
  EXPECT_EQ(t.expected(5), 1u);
  EXPECT_EQ(t.next_generation(5), 2u);
  EXPECT_EQ(t.expected(4), std::nullopt);
  EXPECT_EQ(t.expected(99), std::nullopt);
}

TEST(VerifyGenerationTableTest, ForgetAcceptsAnyGenerationUntilTheNextCommit) {
  GenerationTable t(10);
  t.commit(3, 7);
  t.forget(3);
  EXPECT_EQ(t.expected(3), std::nullopt);
  EXPECT_EQ(t.next_generation(3), 8u);  // numbering goes on, no repeat
  t.commit(3, 8);
  EXPECT_EQ(t.expected(3), 8u);
}

TEST(VerifyGenerationTableTest, WrapsToOneAfterTheLargestCount) {
  GenerationTable t(1);
  t.commit(0, 0x7fffffffu - 1);
  EXPECT_EQ(t.next_generation(0), 0x7fffffffu);
  t.commit(0, 0x7fffffffu);
  EXPECT_EQ(t.expected(0), 0x7fffffffu);
  EXPECT_EQ(t.next_generation(0), 1u);
}

TEST(VerifyGenerationTableTest, RegionsAboveTheCapAreNotTracked) {
  GenerationTable t(1001, 0, 1000);
  EXPECT_FALSE(t.tracking());
  EXPECT_EQ(t.next_generation(1000), 0u);
  t.commit(1000, 0);
  EXPECT_EQ(t.expected(1000), std::nullopt);
  EXPECT_TRUE(GenerationTable(1000, 0, 1000).tracking());
  EXPECT_EQ(GenerationTable::kDefaultMaxBlocks, uint64_t{64} << 20);
}

TEST(VerifyGenerationTableTest, EpochMakesEveryWriteNewerThanEarlierRuns) {
  GenerationTable t(4, 3);
  const uint64_t first = t.next_generation(2);
  EXPECT_EQ(first, (uint64_t{3} << 32) | 1);
  t.commit(2, first);
  EXPECT_EQ(t.expected(2), first);
  EXPECT_EQ(t.next_generation(2), (uint64_t{3} << 32) | 2);
  // Any write of epoch 2, however many there were, is older.
  EXPECT_LT((uint64_t{2} << 32) | 0x7fffffffu, first);
  EXPECT_EQ(GenerationTable(8, 5, 4).next_generation(1), uint64_t{5} << 32);  // untracked
}

}  // namespace
}  // namespace iopulse
