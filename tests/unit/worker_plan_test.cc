// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// The worker plan decided from job options and a worker's place, with no
// IO: each decision checked against the option's documented meaning
// (docs/options.md, docs/design.md "The worker pipeline"), not against the
// plan's own code.
#include "run/worker_plan.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "job/job_options.h"
#include "job_spec_of.h"

namespace iopulse {
namespace {

JobSpec planned_job(const JobOptionTexts& options) { return job_spec_of("/tmp/iopulse-worker-plan", options); }

WorkerPlace place(uint32_t index, uint32_t global_index, uint32_t job_processes = 1) {
  WorkerPlace p;
  p.index = index;
  p.global_index = global_index;
  p.job_processes = job_processes;
  p.working_set_bytes = uint64_t{1} << 30;
  return p;
}

TEST(WorkerPlan, SeedsAreTheJobsSharedSeedAndTheWorkersOwnDistinctOnes) {
  const JobSpec spec = planned_job({{"seed", "42"}, {"threads", "4"}});
  std::set<uint64_t> rng_seeds;
  std::set<uint64_t> data_seeds;
  for (uint32_t g = 0; g < 64; ++g) {
    const WorkerPlan p = WorkerPlan::of(spec, place(g % 4, g));
    EXPECT_EQ(p.job_seed, 42u);
    rng_seeds.insert(p.rng_seed);
    data_seeds.insert(p.data_seed);
    EXPECT_NE(p.rng_seed, p.data_seed) << g;
  }
  EXPECT_EQ(rng_seeds.size(), 64u);   // every worker of the job its own offsets and ops
  EXPECT_EQ(data_seeds.size(), 64u);  // and its own write data
  // Reproducible: the same seed and place give the same plan's seeds; a
  // different job seed changes them.
  EXPECT_EQ(WorkerPlan::of(spec, place(1, 5)).rng_seed, WorkerPlan::of(spec, place(1, 5)).rng_seed);
  EXPECT_EQ(WorkerPlan::of(spec, place(1, 5)).data_seed, WorkerPlan::of(spec, place(1, 5)).data_seed);
  const JobSpec other = planned_job({{"seed", "43"}, {"threads", "4"}});
  EXPECT_NE(WorkerPlan::of(other, place(1, 5)).rng_seed, WorkerPlan::of(spec, place(1, 5)).rng_seed);
  EXPECT_NE(WorkerPlan::of(other, place(1, 5)).data_seed, WorkerPlan::of(spec, place(1, 5)).data_seed);
}

// --start-delay MIN-MAX: each worker's delay lies in the range, spread over
// it (uniform: a quarter of 400 workers in each quarter, within a wide
// margin), the same for the same seed and place, another for another seed.
TEST(WorkerPlan, StartDelayRangeIsDrawnPerWorkerFromTheSeed) {
  const JobSpec spec = planned_job({{"seed", "7"}, {"start-delay", "1s-2s"}, {"duration", "1s"}});
  const JobSpec other = planned_job({{"seed", "8"}, {"start-delay", "1s-2s"}, {"duration", "1s"}});
  int quarters[4] = {0, 0, 0, 0};
  int same_in_other = 0;
  for (uint32_t g = 0; g < 400; ++g) {
    const uint64_t d = WorkerPlan::of(spec, place(0, g)).start_delay_ns;
    ASSERT_GE(d, 1'000'000'000u);
    ASSERT_LE(d, 2'000'000'000u);
    ++quarters[std::min<uint64_t>((d - 1'000'000'000) / 250'000'000, 3)];
    EXPECT_EQ(WorkerPlan::of(spec, place(0, g)).start_delay_ns, d);
    same_in_other += WorkerPlan::of(other, place(0, g)).start_delay_ns == d ? 1 : 0;
  }
  for (int q : quarters) EXPECT_NEAR(q, 100, 35);
  EXPECT_LT(same_in_other, 3);
  // One time: every worker waits exactly that long.
  const JobSpec fixed = planned_job({{"start-delay", "250ms"}, {"duration", "1s"}});
  for (uint32_t g = 0; g < 8; ++g) EXPECT_EQ(WorkerPlan::of(fixed, place(0, g)).start_delay_ns, 250'000'000u);
}

TEST(WorkerPlan, SeedsDependOnThePlaceInTheJobNotOnThisProcess) {
  // Worker 2 of rank 1 (global 6 with 4 threads a rank) draws what the
  // same global worker draws anywhere else, so a run on one host and on two
  // issue the same IOs.
  const JobSpec spec = planned_job({{"seed", "7"}, {"threads", "4"}});
  const WorkerPlan on_rank1 = WorkerPlan::of(spec, place(2, 6, 2));
  const WorkerPlan elsewhere = WorkerPlan::of(spec, place(0, 6, 2));
  EXPECT_EQ(on_rank1.rng_seed, elsewhere.rng_seed);
  EXPECT_EQ(on_rank1.data_seed, elsewhere.data_seed);
}

TEST(WorkerPlan, RateIsSharedByEveryWorkerOnEveryProcessUnlessPerWorker) {
  // 1000 IOPS over 2 threads on 3 processes: each worker 1000/6 IOPS, one
  // IO every 6 ms.
  const WorkerPlan shared = WorkerPlan::of(planned_job({{"rate-iops", "1000"}, {"threads", "2"}}), place(0, 0, 3));
  EXPECT_DOUBLE_EQ(shared.pacing.ns_per_io, 6e6);
  const WorkerPlan whole =
      WorkerPlan::of(planned_job({{"rate-iops", "1000"}, {"threads", "2"}, {"rate-per-worker", ""}}), place(0, 0, 3));
  EXPECT_DOUBLE_EQ(whole.pacing.ns_per_io, 1e6);
  // 8 MiB/s over 4 workers: 2 MiB/s each.
  const WorkerPlan bw = WorkerPlan::of(planned_job({{"rate-bw", "8M"}, {"threads", "4"}}), place(3, 3));
  EXPECT_DOUBLE_EQ(bw.pacing.ns_per_byte, 1e9 / (2.0 * 1024 * 1024));
  EXPECT_FALSE(WorkerPlan::of(planned_job({}), place(0, 0)).pacing.scheduled());
}

TEST(WorkerPlan, SubmitBatchAutoIsOneWithDirectAndTheWholeBatchThroughTheCache) {
  EXPECT_EQ(WorkerPlan::of(planned_job({{"queue-depth", "32"}}), place(0, 0)).submit_batch, UINT32_MAX);
  EXPECT_EQ(WorkerPlan::of(planned_job({{"queue-depth", "32"}, {"direct", ""}}), place(0, 0)).submit_batch, 1u);
  EXPECT_EQ(WorkerPlan::of(planned_job({{"queue-depth", "32"}, {"direct", ""}, {"submit-batch", "8"}}), place(0, 0)).submit_batch,
            8u);
  EXPECT_EQ(WorkerPlan::of(planned_job({{"queue-depth", "32"}, {"submit-batch", "auto"}}), place(0, 0)).submit_batch,
            UINT32_MAX);
  EXPECT_TRUE(WorkerPlan::of(planned_job({{"direct", ""}}), place(0, 0)).direct);
}

TEST(WorkerPlan, SyncOpAndPeriodComeFromFsyncEveryOrFdatasyncEvery) {
  const WorkerPlan none = WorkerPlan::of(planned_job({{"read-percent", "0"}}), place(0, 0));
  EXPECT_EQ(none.sync_every, 0u);
  const WorkerPlan fsync = WorkerPlan::of(planned_job({{"read-percent", "0"}, {"fsync-every", "16"}}), place(0, 0));
  EXPECT_EQ(fsync.sync_op, IOP_OP_FSYNC);
  EXPECT_EQ(fsync.sync_every, 16u);
  const WorkerPlan fdatasync = WorkerPlan::of(planned_job({{"read-percent", "0"}, {"fdatasync-every", "3"}}), place(0, 0));
  EXPECT_EQ(fdatasync.sync_op, IOP_OP_FDATASYNC);
  EXPECT_EQ(fdatasync.sync_every, 3u);
}

TEST(WorkerPlan, CpusAndNodesAreDealtRoundRobinByTheWorkersIndexOnThisProcess) {
  // The lists as --cpu-cores 2,5-6 --numa-zones 0,1 parse them (the
  // options check them against this machine's CPUs and nodes).
  JobSpec spec = planned_job({{"threads", "5"}});
  spec.cpu_cores = {2, 5, 6};
  spec.numa_zones = {0, 1};
  const int cpus[] = {2, 5, 6, 2, 5};
  const int nodes[] = {0, 1, 0, 1, 0};
  for (uint32_t i = 0; i < 5; ++i) {
    // The global index (here on a second process) does not move the pinning.
    const WorkerPlan p = WorkerPlan::of(spec, place(i, 5 + i, 2));
    EXPECT_EQ(p.cpu, cpus[i]) << i;
    EXPECT_EQ(p.numa_node, nodes[i]) << i;
  }
  const WorkerPlan unpinned = WorkerPlan::of(planned_job({}), place(3, 3));
  EXPECT_EQ(unpinned.cpu, -1);
  EXPECT_EQ(unpinned.numa_node, -1);
}

TEST(WorkerPlan, FreshDataInEveryUnverifiedUnpatternedWrite) {
  EXPECT_FALSE(WorkerPlan::of(planned_job({}), place(0, 0)).fresh_data);  // reads only
  EXPECT_TRUE(WorkerPlan::of(planned_job({{"read-percent", "70"}}), place(0, 0)).fresh_data);
  EXPECT_TRUE(WorkerPlan::of(planned_job({{"read-percent", "0"}}), place(0, 0)).fresh_data);
  // Verified blocks carry their own header and seeded bytes; a pattern is
  // one byte everywhere.
  EXPECT_FALSE(WorkerPlan::of(planned_job({{"read-percent", "0"}, {"verify", ""}}), place(0, 0)).fresh_data);
  const WorkerPlan pattern = WorkerPlan::of(planned_job({{"read-percent", "0"}, {"buffer-pattern", "0xab"}}), place(0, 0));
  EXPECT_FALSE(pattern.fresh_data);
  EXPECT_TRUE(pattern.pattern_fill);
  EXPECT_EQ(pattern.pattern, 0xab);
}

TEST(WorkerPlan, ReadsCarryNoWriteOnlyFlags) {
  const WorkerPlan p = WorkerPlan::of(planned_job({{"read-percent", "50"}, {"io-flags", "fua,hipri"}}), place(0, 0));
  EXPECT_EQ(p.write_flags, uint32_t{IOP_IO_FUA | IOP_IO_HIPRI});
  EXPECT_EQ(p.read_flags, uint32_t{IOP_IO_HIPRI});  // FUA is a write's
  EXPECT_TRUE(p.writes);
  EXPECT_FALSE(WorkerPlan::of(planned_job({}), place(0, 0)).writes);
}

}  // namespace
}  // namespace iopulse
