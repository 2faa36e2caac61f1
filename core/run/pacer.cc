// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
#include "run/pacer.h"

namespace iopulse {

PacingPlan PacingPlan::of(const JobSpec& spec, uint64_t job_workers, uint64_t worker_seed) {
  PacingPlan p;
  p.think_time_ns = spec.think_time_ns;
  p.think_every = spec.think_every;
  p.think_adaptive_percent = spec.think_adaptive_percent;
  p.think_spin = spec.think_mode == ThinkMode::kSpin;
  // The trace's times on the open-loop schedule: the rate limiter's
  // machinery (intended start, schedule lag) with the trace's due times.
  if (!spec.replay.empty() && spec.replay_speed > 0) p.replay_ns_per_ns = 1.0 / spec.replay_speed;
  const double share = spec.rate_per_worker ? 1.0 : 1.0 / static_cast<double>(job_workers);
  if (spec.rate_iops != 0) p.ns_per_io = 1e9 / (static_cast<double>(spec.rate_iops) * share);
  if (spec.rate_bw != 0) p.ns_per_byte = 1e9 / (static_cast<double>(spec.rate_bw) * share);
  p.poisson = spec.rate_poisson && (p.ns_per_io > 0 || p.ns_per_byte > 0);
  p.arrival_seed = worker_seed ^ 0xa0761d6478bd642fULL;  // a stream apart from the offsets' draws
  return p;
}

void Pacer::start(uint64_t start_ns, uint64_t first_trace_ns) {
  start_ns_ = start_ns;
  free_since_ns_ = start_ns;  // every slot is free
  next_due_ns_ = static_cast<double>(start_ns);
  if (plan_.replays()) {
    next_trace_time(first_trace_ns);
    next_due_ns_ = trace_due_ns_;
  }
}

}  // namespace iopulse
