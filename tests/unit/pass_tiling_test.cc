// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
#include "workload/pass_tiling.h"

#include <map>
#include <vector>

#include <gtest/gtest.h>

#include "job/usage_error.h"
#include "workload/block_permutation.h"

namespace iopulse {
namespace {

// Walks every slot (through a permutation when `random`) and checks that
// the pieces cover every unit of every region exactly once without
// crossing a region's end; returns the IO count per size.
std::map<uint32_t, uint64_t> walk(const PassTiling& t, const std::vector<uint64_t>& regions, bool random) {
  uint64_t total = 0;
  std::vector<uint64_t> region_end;
  for (uint64_t r : regions) region_end.push_back(total += r);
  std::vector<uint8_t> covered(total, 0);
  std::map<uint32_t, uint64_t> sizes;
  const BlockPermutation p(t.slots(), 42);
  uint64_t ios = 0;
  for (uint64_t rank = 0; rank < t.slots(); ++rank) {
    uint64_t first = 0;
    uint32_t units = 0;
    if (!t.piece(random ? p(rank) : rank, &first, &units)) continue;
    ++ios;
    ++sizes[units];
    EXPECT_LE(first + units, total);
    // Inside one region.
    for (uint64_t end : region_end) {
      if (first < end) {
        EXPECT_LE(first + units, end) << "piece at " << first << " crosses a region end";
        break;
      }
    }
    for (uint64_t u = first; u < first + units && u < total; ++u) ++covered[u];
  }
  for (uint64_t u = 0; u < total; ++u) EXPECT_EQ(covered[u], 1) << "unit " << u;
  if (t.ios() != 0) {
    EXPECT_EQ(t.ios(), ios);
  }
  return sizes;
}

TEST(PassTilingTest, CoversEveryUnitOnceInAnyOrder) {
  const BlockSizeMix mix = BlockSizeMix::parse("--block-size", "4k:70,64k:30");
  for (const std::vector<uint64_t>& regions :
       {std::vector<uint64_t>{256}, std::vector<uint64_t>{1000}, std::vector<uint64_t>{7, 300, 16, 45}}) {
    const PassTiling t(mix, regions, 9, "--block-size");
    walk(t, regions, false);
    walk(t, regions, true);
  }
}

TEST(PassTilingTest, CountsFollowTheWeights) {
  const BlockSizeMix mix = BlockSizeMix::parse("--block-size", "4k:70,16k:20,64k:10");
  const std::vector<uint64_t> regions{1 << 18};
  const PassTiling t(mix, regions, 3, "--block-size");
  const auto sizes = walk(t, regions, true);
  const double ios = static_cast<double>(t.ios());
  EXPECT_NEAR(sizes.at(1) / ios, 0.70, 0.02);
  EXPECT_NEAR(sizes.at(4) / ios, 0.20, 0.02);
  EXPECT_NEAR(sizes.at(16) / ios, 0.10, 0.02);
}

TEST(PassTilingTest, SizesThatDoNotDivideTheLargestUseTheirCommonMultiple) {
  const BlockSizeMix mix = BlockSizeMix::parse("--block-size", "4k:50,12k:25,16k:25");
  const std::vector<uint64_t> regions{500};
  walk(PassTiling(mix, regions, 1, "--block-size"), regions, true);
}

TEST(PassTilingTest, RefusesWhatItCannotTile) {
  EXPECT_THROW(PassTiling(BlockSizeMix::parse("--block-size", "4k:50,6k:50"), {100}, 1, "--block-size"), UsageError);
  // Mean size 3000 times the smallest: too many empty slots per IO.
  EXPECT_THROW(PassTiling(BlockSizeMix::parse("--block-size", "512:1,1g:99"), {1 << 22}, 1, "--block-size"),
               UsageError);
}

// A range draws its sizes at random: no complete pass.
TEST(PassTilingTest, ARangeIsRefused) {
  try {
    PassTiling(BlockSizeMix::parse("--block-size", "4k-16k"), {64}, 1, "--block-size");
    ADD_FAILURE() << "accepted";
  } catch (const UsageError& e) {
    EXPECT_STREQ(e.what(),
                 "--block-size: the range 4k-16k draws its sizes at random, so a complete pass cannot cover the file "
                 "exactly once; accepted: a weighted mix such as 4k:50,16k:50, or a stop condition (--duration, "
                 "--total-ops, --total-bytes)");
  }
}

}  // namespace
}  // namespace iopulse
