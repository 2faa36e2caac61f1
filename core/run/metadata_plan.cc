// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
#include "run/metadata_plan.h"

namespace iopulse {

MetadataPlan MetadataPlan::of(const JobSpec& spec, const WorkerPlace& place) {
  MetadataPlan p;
  p.metadata = spec.metadata;
  p.phase = spec.metadata.phases.front();
  p.target = spec.target_path;

  p.workers = spec.threads * place.job_processes;
  p.host_workers = spec.threads;
  p.subject = spec.metadata.subject(p.phase, place.global_index, p.workers);
  p.record_owner = spec.metadata.shared_dir ? 0 : p.subject;

  // The op budget (--total-ops) is shared by every worker of the job: the
  // first `total_ops % workers` workers one op more.
  if (spec.total_ops != 0) {
    p.ops = spec.total_ops / p.workers + (place.global_index < spec.total_ops % p.workers ? 1 : 0);
  }
  p.duration_ns = spec.duration_ns;
  p.mix_one_op_per_file = p.phase == MetaPhase::kMix && spec.duration_ns == 0 && spec.total_ops == 0;

  p.rng_seed = place.rng_seed(spec.seed);
  p.data_seed = place.data_seed(spec.seed);
  p.job_seed = spec.seed;
  p.file_pattern = spec.random ? OffsetGenerator::Pattern::kRandom : OffsetGenerator::Pattern::kSequential;
  p.distribution = spec.distribution;

  p.continue_on_error = spec.continue_on_error;

  p.cpu = place.cpu(spec.cpu_cores);
  return p;
}

}  // namespace iopulse
