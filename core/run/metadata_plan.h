// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// MetadataPlan: everything one metadata worker does in its phase, decided
// once from the job spec and the worker's place in the job, before any
// worker starts.  The MetadataWorker reads its plan, never the JobSpec: what
// one worker of a metadata phase does is in this one struct, each decision
// that depends on the worker's place (whose items it works on, its share of
// the op budget, its seeds, its CPU) is made here once, and a unit test
// checks each without running any IO.
//
// What the plan cannot know is what exists on the target (the records of
// the trees and files earlier phases made): the worker reads that in its
// setup, and turns the plan and the records into its steps.
//
// A plan is a value: the worker keeps its own copy and builds its steps,
// file chooser and pool from it in its setup; per operation it reads only
// what it read there before (docs/design.md, "The worker pipeline").
#ifndef IOPULSE_RUN_METADATA_PLAN_H_
#define IOPULSE_RUN_METADATA_PLAN_H_

#include <cstdint>
#include <string>

#include "job/distribution_spec.h"
#include "job/job_spec.h"
#include "job/metadata_spec.h"
#include "run/worker_plan.h"
#include "workload/offset_generator.h"

namespace iopulse {

struct MetadataPlan {
  // The phase and the namespace's shape, files and mix (the job's metadata
  // spec, with this one phase).
  MetadataSpec metadata;
  MetaPhase phase = MetaPhase::kTreeCreate;
  // The directory the namespaces and the records live in (TARGET).
  std::string target;

  // Whose items.  The job's workers on every process (each process runs
  // `host_workers` of them); the job-wide worker whose items this one works
  // on (itself but with --md-stride); the worker whose record lists the
  // directories (the subject, or worker 0 with --md-shared-dir).
  uint32_t workers = 1;
  uint32_t host_workers = 1;
  uint32_t subject = 0;
  uint32_t record_owner = 0;

  // When the worker stops by itself: after `ops` operations, its share of
  // --total-ops (the budget split over the job's workers: the shares sum to
  // the budget and differ by at most one; UINT64_MAX without one), at
  // `duration_ns` after the window's start (0: none), or when its steps run
  // out.  The mix draws its ops and has no steps: without a budget or a
  // duration (`mix_one_op_per_file`) it runs one op per file there is.
  uint64_t ops = UINT64_MAX;
  uint64_t duration_ns = 0;
  bool mix_one_op_per_file = false;

  // Randomness, keyed as the data worker's (WorkerPlan) by the job's seed
  // and the worker's place, so distinct per worker and reproducible: the
  // worker's own random source (the mix's draws: its ops, its directories,
  // its files) and the seed of the bytes of the files it writes.  The mix
  // walks its files in order, or with --random draws them by
  // `distribution`, whose hot spots the job's shared seed places.
  uint64_t rng_seed = 0;
  uint64_t data_seed = 0;
  uint64_t job_seed = 0;
  OffsetGenerator::Pattern file_pattern = OffsetGenerator::Pattern::kSequential;
  DistributionParams distribution;

  // A failed operation stops the phase unless this is set.
  bool continue_on_error = false;

  // The CPU the worker is pinned to, -1 for none.
  int cpu = -1;

  // A job's metadata worker at `place`.  The job spec must be valid
  // (JobSpec::validate() passed) and its metadata spec hold exactly one
  // phase (the planner splits a job of several into phases of one).
  static MetadataPlan of(const JobSpec& spec, const WorkerPlace& place);
};

}  // namespace iopulse

#endif  // IOPULSE_RUN_METADATA_PLAN_H_
