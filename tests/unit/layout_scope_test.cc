// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// TargetLayout with a LayoutScope: the processes sharing one target plan it
// as one job; each keeps its own workers.  Checked by laying every
// process's regions side by side.
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>
#include <vector>

#include "job/usage_error.h"
#include "target/target_layout.h"

namespace iopulse {
namespace {

JobSpec spec_for(FileDistribution d, uint32_t threads) {
  JobSpec spec;
  spec.target_path = "/nonexistent-iopulse-test/data";  // planning never touches it
  spec.file_size = 1 << 20;                              // 256 blocks of 4 KiB
  spec.threads = threads;
  spec.file_distribution = d;
  spec.read_percent = 0;
  return spec;
}

LayoutScope scope(std::vector<uint32_t> ranks, uint32_t position) {
  LayoutScope s;
  s.ranks = std::move(ranks);
  s.position = position;
  return s;
}

TEST(LayoutScope, PartitionedRegionsOfAllProcessesTileTheFileOnce) {
  const JobSpec spec = spec_for(FileDistribution::kPartitioned, 3);
  std::vector<int> owner(256, -1);
  for (uint32_t p = 0; p < 4; ++p) {
    const TargetLayout layout = TargetLayout::plan(spec, false, scope({0, 1, 2, 3}, p));
    ASSERT_EQ(layout.workers.size(), 3u);
    ASSERT_EQ(layout.files.size(), 1u);
    EXPECT_EQ(layout.files[0].prepared_here, p == 0) << p;
    for (const WorkerAssignment& a : layout.workers) {
      ASSERT_EQ(a.regions.size(), 1u);
      const WorkerRegion& r = a.regions[0];
      for (uint64_t b = r.offset / 4096; b < r.offset / 4096 + r.blocks; ++b) {
        EXPECT_EQ(owner[b], -1) << "block " << b << " given twice";
        owner[b] = static_cast<int>(p);
      }
    }
  }
  for (size_t b = 0; b < owner.size(); ++b) EXPECT_NE(owner[b], -1) << "block " << b << " given to nobody";
  // In order: process p holds the p-th share of the 12 workers.
  EXPECT_EQ(owner.front(), 0);
  EXPECT_EQ(owner.back(), 3);
}

TEST(LayoutScope, SharedCompletePassSplitsRanksOverEveryWorker) {
  const JobSpec spec = spec_for(FileDistribution::kShared, 2);
  std::set<uint64_t> ranks;
  uint64_t ops = 0;
  for (uint32_t p = 0; p < 3; ++p) {
    const TargetLayout layout = TargetLayout::plan(spec, false, scope({0, 1, 2}, p));
    for (const WorkerAssignment& a : layout.workers) {
      EXPECT_TRUE(a.complete_pass);
      for (uint64_t r = a.first_rank; r < a.first_rank + a.op_limit; ++r) EXPECT_TRUE(ranks.insert(r).second);
      ops += a.op_limit;
    }
    EXPECT_EQ(layout.total_ops, layout.workers[0].op_limit + layout.workers[1].op_limit);
  }
  EXPECT_EQ(ops, 256u);
  EXPECT_EQ(ranks.size(), 256u);
}

TEST(LayoutScope, PerWorkerFilesAreNamedByRankAndLocalWorker) {
  const JobSpec spec = spec_for(FileDistribution::kPerWorker, 2);
  const TargetLayout layout = TargetLayout::plan(spec, false, scope({3, 5}, 1));
  ASSERT_EQ(layout.files.size(), 2u);
  EXPECT_EQ(layout.files[0].path, "/nonexistent-iopulse-test/data.r5.w0");
  EXPECT_EQ(layout.files[1].path, "/nonexistent-iopulse-test/data.r5.w1");
  EXPECT_TRUE(layout.files[0].prepared_here);
  EXPECT_EQ(layout.workers[1].regions[0].file_index, 1u);
  // Alone, the names stay as they were.
  const TargetLayout alone = TargetLayout::plan(spec, false);
  EXPECT_EQ(alone.files[1].path, "/nonexistent-iopulse-test/data.1");
}

TEST(LayoutScope, ByteBudgetIsSplitOverTheWholeJob) {
  JobSpec spec = spec_for(FileDistribution::kShared, 2);
  spec.total_bytes = 10 * 4096;
  spec.duration_ns = 0;
  uint64_t bytes = 0;
  for (uint32_t p = 0; p < 2; ++p) {
    for (const WorkerAssignment& a : TargetLayout::plan(spec, false, scope({0, 1}, p)).workers) bytes += a.byte_limit;
  }
  EXPECT_EQ(bytes, 10u * 4096);
}

TEST(LayoutScope, FileSetPartitionsFilesAcrossProcesses) {
  JobSpec spec = spec_for(FileDistribution::kPartitioned, 1);
  spec.num_files = 4;
  std::map<std::string, int> seen;
  for (uint32_t p = 0; p < 2; ++p) {
    const TargetLayout layout = TargetLayout::plan(spec, false, scope({0, 1}, p));
    ASSERT_EQ(layout.files.size(), 2u);
    for (const PlannedFile& f : layout.files) {
      EXPECT_TRUE(f.prepared_here);
      ++seen[f.path];
    }
  }
  EXPECT_EQ(seen.size(), 4u);
  for (const auto& [path, n] : seen) EXPECT_EQ(n, 1) << path;
}

// --offset and --offset-increment: worker w of the job (its index on every
// process) addresses --file-size bytes from offset + w * increment, a whole
// pass of its own range; the file is planned as long as the furthest range
// reaches.
TEST(LayoutScope, OffsetIncrementGivesEachWorkerOfEveryProcessItsOwnRange) {
  JobSpec spec = spec_for(FileDistribution::kShared, 2);
  spec.file_size = 64 << 10;
  spec.offset = 1 << 20;
  spec.offset_increment = 128 << 10;
  std::vector<std::pair<uint64_t, uint64_t>> ranges;  // (first byte, blocks) of every worker, in order
  for (uint32_t p = 0; p < 2; ++p) {
    const TargetLayout layout = TargetLayout::plan(spec, false, scope({0, 1}, p));
    ASSERT_EQ(layout.files.size(), 1u);
    EXPECT_EQ(layout.files[0].size, (1u << 20) + 3 * (128u << 10) + (64u << 10)) << p;
    for (const WorkerAssignment& a : layout.workers) {
      ASSERT_EQ(a.regions.size(), 1u);
      EXPECT_TRUE(a.complete_pass);
      EXPECT_EQ(a.first_rank, 0u);
      EXPECT_EQ(a.first_block, 0u);
      EXPECT_EQ(a.op_limit, 16u);
      ranges.emplace_back(a.regions[0].offset, a.regions[0].blocks);
    }
  }
  const std::vector<std::pair<uint64_t, uint64_t>> expected = {
      {1 << 20, 16}, {(1 << 20) + (128 << 10), 16}, {(1 << 20) + (256 << 10), 16}, {(1 << 20) + (384 << 10), 16}};
  EXPECT_EQ(ranges, expected);
}

// A worker's own file is made as long as its own range reaches; partitioned
// workers split the range after --offset.
TEST(LayoutScope, OffsetRangesOfPerWorkerFilesAndPartitions) {
  JobSpec spec = spec_for(FileDistribution::kPerWorker, 2);
  spec.offset = 8192;
  spec.offset_increment = 4096;
  const TargetLayout layout = TargetLayout::plan(spec, false);
  ASSERT_EQ(layout.files.size(), 2u);
  EXPECT_EQ(layout.files[0].size, 8192u + (1 << 20));
  EXPECT_EQ(layout.files[1].size, 12288u + (1 << 20));
  EXPECT_EQ(layout.workers[1].regions[0].offset, 12288u);
  EXPECT_EQ(layout.workers[1].regions[0].blocks, 256u);
  spec.file_distribution = FileDistribution::kPartitioned;
  spec.offset_increment = 0;
  spec.offset = 4096;
  const TargetLayout halves = TargetLayout::plan(spec, false);
  EXPECT_EQ(halves.workers[0].regions[0].offset, 4096u);
  EXPECT_EQ(halves.workers[1].regions[0].offset, 4096u + 128 * 4096);
  EXPECT_EQ(halves.workers[1].regions[0].blocks, 128u);
  // A range past the largest file offset is refused, not wrapped around.
  spec.file_distribution = FileDistribution::kShared;
  spec.offset = uint64_t{1} << 62;
  spec.offset_increment = uint64_t{1} << 62;
  EXPECT_THROW(TargetLayout::plan(spec, false), UsageError);
}

}  // namespace
}  // namespace iopulse
