// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
#include "stats/access_heatmap.h"

#include <gtest/gtest.h>

namespace iopulse {
namespace {

TEST(AccessHeatmapTest, OffsetsLandInTheirRegion) {
  AccessHeatmap h(100 * 4096, 4096, 10);  // 10 regions of 40 KiB
  h.record(0, 4096, false);
  h.record(39 * 1024, 1024, false);       // still region 0
  h.record(40 * 1024, 4096, true);        // region 1
  h.record(99 * 4096, 4096, true);        // last region
  EXPECT_EQ(h.reads()[0], 2u);
  EXPECT_EQ(h.writes()[1], 1u);
  EXPECT_EQ(h.writes()[9], 1u);
  EXPECT_EQ(h.bytes_per_bucket(), 40960u);
}

TEST(AccessHeatmapTest, CoverageRewriteAndTopShare) {
  AccessHeatmap h(100 * 4096, 4096, 10);
  for (int i = 0; i < 50; ++i) h.record(static_cast<uint64_t>(i) * 4096, 4096, false);
  EXPECT_DOUBLE_EQ(h.coverage(), 0.5);
  h.record(0, 4096, true);
  h.record(0, 4096, true);
  h.record(4096, 4096, true);
  h.record(4096, 4096, true);
  EXPECT_DOUBLE_EQ(h.rewrite_share(), 0.5);  // 4 written units, 2 unique
  EXPECT_DOUBLE_EQ(h.coverage(), 0.5);
  // 54 accesses: region 0 has 14, regions 1-4 have 10 each.  Busiest 2 of 10
  // regions (20%) hold 24.
  EXPECT_NEAR(h.top20_share(), 24.0 / 54.0, 1e-12);
}

TEST(AccessHeatmapTest, MergeAddsCountsAndUnitesCoverage) {
  AccessHeatmap a(64 * 4096, 4096, 4), b(64 * 4096, 4096, 4);
  a.record(0, 4096, true);
  b.record(0, 4096, true);
  b.record(63 * 4096, 4096, false);
  a.merge(b);
  EXPECT_EQ(a.writes()[0], 2u);
  EXPECT_EQ(a.reads()[3], 1u);
  EXPECT_DOUBLE_EQ(a.coverage(), 2.0 / 64);
  EXPECT_DOUBLE_EQ(a.rewrite_share(), 0.5) << "written twice across workers, one unique unit";
}

TEST(AccessHeatmapTest, HugeWorkingSetsUseACoarserUnit) {
  const uint64_t ten_tib = uint64_t{10} << 40;
  AccessHeatmap h(ten_tib, 4096, 100);
  EXPECT_GT(h.unit_bytes(), 4096u);
  EXPECT_LE(ten_tib / h.unit_bytes(), AccessHeatmap::kMaxUnits);
  h.record(ten_tib - 4096, 4096, false);
  EXPECT_EQ(h.reads()[99], 1u);
  EXPECT_GT(h.coverage(), 0.0);
}

}  // namespace
}  // namespace iopulse
