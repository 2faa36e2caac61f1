// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// The metadata worker's plan decided from job options and a worker's place,
// with no IO: each decision checked against the option's documented meaning
// (docs/options.md, docs/design.md "The worker pipeline"), not against the
// plan's own code.
#include "run/metadata_plan.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <vector>

#include "job/job_options.h"
#include "job_spec_of.h"

namespace iopulse {
namespace {

// A metadata job of one phase, as the planner hands each phase to its workers.
JobSpec md_job(const std::string& phase, const JobOptionTexts& options = {}) {
  JobOptionTexts all = {{"md-phases", phase}, {"md-items", "4"}};
  if (phase == "mix") all.emplace_back("md-mix", "stat:70,create:30");
  all.insert(all.end(), options.begin(), options.end());
  return job_spec_of("/tmp/iopulse-metadata-plan", all);
}

WorkerPlace md_place(uint32_t index, uint32_t global_index, uint32_t job_processes = 1) {
  WorkerPlace p;
  p.index = index;
  p.global_index = global_index;
  p.job_processes = job_processes;
  return p;
}

TEST(MetadataPlan, TheOpBudgetIsSplitOverEveryWorkerOfTheJob) {
  // --total-ops 10 over 3 workers: 4, 3, 3 in some order; the shares sum to
  // the budget and differ by at most one.
  const JobSpec spec = md_job("stat", {{"threads", "3"}, {"total-ops", "10"}});
  std::vector<uint64_t> shares;
  for (uint32_t g = 0; g < 3; ++g) shares.push_back(MetadataPlan::of(spec, md_place(g, g)).ops);
  EXPECT_EQ(shares[0] + shares[1] + shares[2], 10u);
  EXPECT_LE(*std::max_element(shares.begin(), shares.end()) - *std::min_element(shares.begin(), shares.end()), 1u);

  // Over 2 threads on 3 processes, 6 workers in all: 1000 ops are 166 or
  // 167 each, by the worker's place in the job, not on its process.
  const JobSpec wide = md_job("stat", {{"threads", "2"}, {"total-ops", "1000"}});
  uint64_t sum = 0;
  for (uint32_t g = 0; g < 6; ++g) {
    const uint64_t ops = MetadataPlan::of(wide, md_place(g % 2, g, 3)).ops;
    EXPECT_TRUE(ops == 166 || ops == 167) << g << ": " << ops;
    sum += ops;
  }
  EXPECT_EQ(sum, 1000u);

  // Fewer ops than workers: some workers do none.
  const JobSpec few = md_job("stat", {{"threads", "3"}, {"total-ops", "2"}});
  uint64_t few_sum = 0;
  uint32_t idle = 0;
  for (uint32_t g = 0; g < 3; ++g) {
    const uint64_t ops = MetadataPlan::of(few, md_place(g, g)).ops;
    EXPECT_LE(ops, 1u);
    few_sum += ops;
    idle += ops == 0 ? 1 : 0;
  }
  EXPECT_EQ(few_sum, 2u);
  EXPECT_EQ(idle, 1u);

  // Without --total-ops, no budget.
  EXPECT_EQ(MetadataPlan::of(md_job("stat", {{"threads", "3"}}), md_place(1, 1)).ops, UINT64_MAX);
}

TEST(MetadataPlan, TheMixRunsOneOpPerFileOnlyWithoutAnotherStop) {
  EXPECT_TRUE(MetadataPlan::of(md_job("mix"), md_place(0, 0)).mix_one_op_per_file);
  EXPECT_FALSE(MetadataPlan::of(md_job("mix", {{"duration", "2s"}}), md_place(0, 0)).mix_one_op_per_file);
  EXPECT_FALSE(MetadataPlan::of(md_job("mix", {{"total-ops", "50"}}), md_place(0, 0)).mix_one_op_per_file);
  // The other phases have their steps: one (or two, renames) per item.
  EXPECT_FALSE(MetadataPlan::of(md_job("stat"), md_place(0, 0)).mix_one_op_per_file);
}

TEST(MetadataPlan, TheDurationStopsEveryWorkerAlike) {
  const JobSpec spec = md_job("file-create", {{"threads", "3"}, {"duration", "1500ms"}});
  for (uint32_t g = 0; g < 3; ++g) EXPECT_EQ(MetadataPlan::of(spec, md_place(g, g)).duration_ns, 1'500'000'000u);
  EXPECT_EQ(MetadataPlan::of(md_job("file-create"), md_place(0, 0)).duration_ns, 0u);
}

TEST(MetadataPlan, ThePinFollowsTheCpusRoundRobinByTheWorkersIndexOnThisProcess) {
  // The list as --cpu-cores 2,5-6 parses it (the option checks it against
  // this machine's CPUs).
  JobSpec spec = md_job("stat", {{"threads", "5"}});
  spec.cpu_cores = {2, 5, 6};
  const int cpus[] = {2, 5, 6, 2, 5};
  for (uint32_t i = 0; i < 5; ++i) {
    // The global index (here on a second process) does not move the pin.
    EXPECT_EQ(MetadataPlan::of(spec, md_place(i, 5 + i, 2)).cpu, cpus[i]) << i;
  }
  EXPECT_EQ(MetadataPlan::of(md_job("stat", {{"threads", "5"}}), md_place(3, 3)).cpu, -1);
}

TEST(MetadataPlan, SeedsAreDistinctPerWorkerReproducibleAndKeyedAsTheDataWorkers) {
  const JobSpec spec = md_job("mix", {{"seed", "42"}, {"threads", "4"}, {"md-file-size", "4k"}});
  std::set<uint64_t> rng_seeds;
  std::set<uint64_t> data_seeds;
  for (uint32_t g = 0; g < 64; ++g) {
    const MetadataPlan p = MetadataPlan::of(spec, md_place(g % 4, g, 16));
    EXPECT_EQ(p.job_seed, 42u);  // the files' hot spots: the same for every worker
    rng_seeds.insert(p.rng_seed);
    data_seeds.insert(p.data_seed);
    EXPECT_NE(p.rng_seed, p.data_seed) << g;
  }
  EXPECT_EQ(rng_seeds.size(), 64u);
  EXPECT_EQ(data_seeds.size(), 64u);
  // Reproducible: the same job and place give the same seeds, on any
  // process; another job seed changes them.
  EXPECT_EQ(MetadataPlan::of(spec, md_place(1, 5, 2)).rng_seed, MetadataPlan::of(spec, md_place(3, 5, 2)).rng_seed);
  EXPECT_EQ(MetadataPlan::of(spec, md_place(1, 5, 2)).data_seed, MetadataPlan::of(spec, md_place(3, 5, 2)).data_seed);
  const JobSpec other = md_job("mix", {{"seed", "43"}, {"threads", "4"}, {"md-file-size", "4k"}});
  EXPECT_NE(MetadataPlan::of(other, md_place(1, 5, 2)).rng_seed, MetadataPlan::of(spec, md_place(1, 5, 2)).rng_seed);
  EXPECT_NE(MetadataPlan::of(other, md_place(1, 5, 2)).data_seed, MetadataPlan::of(spec, md_place(1, 5, 2)).data_seed);
  // A metadata worker draws from the source a data worker at its place
  // would, and writes the bytes it would.
  const WorkerPlan data = WorkerPlan::of(spec, md_place(1, 5, 2));
  EXPECT_EQ(MetadataPlan::of(spec, md_place(1, 5, 2)).rng_seed, data.rng_seed);
  EXPECT_EQ(MetadataPlan::of(spec, md_place(1, 5, 2)).data_seed, data.data_seed);
}

TEST(MetadataPlan, FilePicksAreInOrderOrDrawnByTheDistributionWithRandom) {
  const MetadataPlan in_order = MetadataPlan::of(md_job("mix"), md_place(0, 0));
  EXPECT_EQ(in_order.file_pattern, OffsetGenerator::Pattern::kSequential);
  const MetadataPlan drawn =
      MetadataPlan::of(md_job("mix", {{"random", ""}, {"distribution", "zipf"}, {"zipf-theta", "2"}}), md_place(0, 0));
  EXPECT_EQ(drawn.file_pattern, OffsetGenerator::Pattern::kRandom);
  EXPECT_EQ(drawn.distribution.kind, DistributionKind::kZipf);
  ASSERT_TRUE(drawn.distribution.zipf_theta.has_value());
  EXPECT_DOUBLE_EQ(*drawn.distribution.zipf_theta, 2.0);
}

TEST(MetadataPlan, StrideShiftsWhoseItemsAPhaseWorksOnAcrossProcesses) {
  // mdtest -N 1 with 2 threads on 2 processes (4 workers): stat works on
  // the next worker's items, read on the one after, file removal three on;
  // creating works on its own.  Worker 3 (the second of the second process)
  // wraps to worker 0.
  const JobOptionTexts stride = {{"threads", "2"}, {"md-stride", "1"}};
  EXPECT_EQ(MetadataPlan::of(md_job("file-create", stride), md_place(1, 3, 2)).subject, 3u);
  EXPECT_EQ(MetadataPlan::of(md_job("stat", stride), md_place(1, 3, 2)).subject, 0u);
  EXPECT_EQ(MetadataPlan::of(md_job("read", stride), md_place(1, 3, 2)).subject, 1u);
  EXPECT_EQ(MetadataPlan::of(md_job("file-remove", stride), md_place(1, 3, 2)).subject, 2u);
  EXPECT_EQ(MetadataPlan::of(md_job("stat", stride), md_place(0, 1, 2)).subject, 2u);
  // Without --md-stride every phase works on the worker's own items.
  EXPECT_EQ(MetadataPlan::of(md_job("file-remove", {{"threads", "2"}}), md_place(1, 3, 2)).subject, 3u);
}

TEST(MetadataPlan, TheDirectoriesAreInTheSubjectsRecordOrWorkerZerosWhenShared) {
  const JobOptionTexts stride = {{"threads", "4"}, {"md-stride", "1"}};
  EXPECT_EQ(MetadataPlan::of(md_job("stat", stride), md_place(2, 2)).record_owner, 3u);
  JobOptionTexts shared = stride;
  shared.emplace_back("md-shared-dir", "");
  for (uint32_t g = 0; g < 4; ++g) EXPECT_EQ(MetadataPlan::of(md_job("stat", shared), md_place(g, g)).record_owner, 0u);
}

TEST(MetadataPlan, TheWorkerCountsTheTargetAndThePhaseAreTheJobs) {
  const JobSpec spec = md_job("dir-rename", {{"threads", "3"}, {"md-depth", "2"}, {"md-branching", "3"}});
  const MetadataPlan p = MetadataPlan::of(spec, md_place(2, 8, 4));
  EXPECT_EQ(p.workers, 12u);      // 3 threads on each of 4 processes
  EXPECT_EQ(p.host_workers, 3u);  // the engine's workers on this process
  EXPECT_EQ(p.target, "/tmp/iopulse-metadata-plan");
  EXPECT_EQ(p.phase, MetaPhase::kDirRename);
  EXPECT_EQ(p.metadata.items, 4u);
  EXPECT_EQ(p.metadata.depth, 2u);
  EXPECT_EQ(p.metadata.branching, 3u);
}

TEST(MetadataPlan, AFailureStopsThePhaseUnlessContinueOnError) {
  EXPECT_FALSE(MetadataPlan::of(md_job("stat"), md_place(0, 0)).continue_on_error);
  EXPECT_TRUE(MetadataPlan::of(md_job("stat", {{"continue-on-error", ""}}), md_place(0, 0)).continue_on_error);
}

}  // namespace
}  // namespace iopulse
