// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
#include "run/worker_plan.h"

#include "job/io_priority.h"
#include "job/mix64.h"

namespace iopulse {

WorkerPlan WorkerPlan::of(const JobSpec& spec, const WorkerPlace& place) {
  WorkerPlan p;
  p.job_seed = spec.seed;
  p.rng_seed = place.rng_seed(spec.seed);
  p.data_seed = place.data_seed(spec.seed);

  p.random = spec.random;
  p.file_roundrobin = spec.file_roundrobin;
  p.sequential_skip = spec.sequential_skip;
  p.sequential_per_op = spec.sequential_per_op;
  p.distribution = spec.distribution;
  p.read_percent = spec.read_percent;
  p.trim_percent = spec.trim_percent;
  p.writes = spec.read_percent < 100;
  p.trim_write = spec.trim_write;
  p.read_sizes = spec.read_sizes;
  p.write_sizes = spec.write_sizes;
  p.unit = spec.offset_unit();
  p.io_priority = spec.io_priority;
  p.io_priority_percent = spec.io_priority_percent;
  p.io_priority_others = spec.io_priority_others;
  p.read_flags = spec.io_flags & ~kWriteOnlyIoFlags;
  p.write_flags = spec.io_flags;

  // --fsync-every and --fdatasync-every exclude each other (validate()).
  p.end_fsync = spec.end_fsync;
  if (spec.fsync_every != 0) {
    p.sync_op = IOP_OP_FSYNC;
    p.sync_every = spec.fsync_every;
  } else if (spec.fdatasync_every != 0) {
    p.sync_op = IOP_OP_FDATASYNC;
    p.sync_every = spec.fdatasync_every;
  }

  // --submit-batch auto: with O_DIRECT one IO per call, so each IO reaches
  // the device as soon as its slot is refilled; through the page cache the
  // whole batch in one call.
  p.submit_batch = spec.submit_batch != 0 ? spec.submit_batch : spec.direct ? 1 : UINT32_MAX;
  p.direct = spec.direct;
  p.host_workers = spec.threads;
  p.fadvise = spec.fadvise;
  p.fadvise_name = spec.fadvise_name;
  p.fadvise_each_pass = spec.fadvise_each_pass;

  p.rate_min_bw = spec.rate_min_bw;
  p.rate_min_iops = spec.rate_min_iops;
  p.pacing = PacingPlan::of(spec, uint64_t{spec.threads} * place.job_processes, p.rng_seed);
  // A range: uniform over [min, max] in whole nanoseconds, from the
  // worker's seed (so a seed repeats it).
  p.start_delay_ns = spec.start_delay_ns;
  if (spec.start_delay_max_ns > spec.start_delay_ns) {
    const uint64_t span = spec.start_delay_max_ns - spec.start_delay_ns;
    p.start_delay_ns += mix64(p.rng_seed ^ 0x73746172'7464656cULL) % (span + 1);
  }
  p.duration_ns = spec.duration_ns;
  p.stop_timeout_ns = spec.stop_timeout_ns;

  p.pattern_fill = spec.buffer_fill == BufferFill::kPattern;
  p.pattern = spec.buffer_pattern;
  p.verify = spec.verify;
  p.verify_only = spec.verify_only;
  // Verified blocks carry their own headers and seeded bytes.
  p.fresh_data = !p.pattern_fill && (spec.write_percent() != 0 || spec.trim_write) && !spec.verify && !spec.verify_only;
  p.content = spec.content(place.working_set_bytes);
  p.compress_percent = spec.compress_percent;
  p.continue_on_error = spec.continue_on_error;
  p.lock_mode = spec.lock_mode;

  p.heatmap = spec.heatmap;
  p.heatmap_buckets = spec.heatmap_buckets;

  // Round-robin over the CPUs and nodes asked for, by the worker's index
  // on this process.
  p.cpu = place.cpu(spec.cpu_cores);
  if (!spec.numa_zones.empty()) p.numa_node = static_cast<int>(spec.numa_zones[place.index % spec.numa_zones.size()]);
  return p;
}

}  // namespace iopulse
