// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// WorkerPlan: everything one data worker does, decided once from the job
// spec and the worker's place in the job, before any worker starts.  The
// Worker reads its plan (and the target layout it was assigned), never the
// JobSpec: what one worker does is in this one struct, each decision that
// depends on the worker's place (its seeds, its share of the rate, its CPU
// and NUMA node) or combines options (the submit batch, the sync op) is made
// here once, and a unit test checks each without running any IO.
//
// A plan is a value: the worker keeps its own copy.  Nothing here is read
// on the per-IO path; the worker copies what its loop needs into its own
// members (docs/design.md, "The worker pipeline").
#ifndef IOPULSE_RUN_WORKER_PLAN_H_
#define IOPULSE_RUN_WORKER_PLAN_H_

#include <cstdint>
#include <string>
#include <vector>

#include "iopulse/engine.h"
#include "job/block_size_mix.h"
#include "job/content_spec.h"
#include "job/distribution_spec.h"
#include "job/job_spec.h"
#include "run/pacer.h"

namespace iopulse {

// Where one worker stands in its job.
struct WorkerPlace {
  uint32_t index = 0;          // among the workers of the run on this process (pinning, NUMA)
  uint32_t global_index = 0;   // among the job's workers on every process (seeds)
  uint32_t job_processes = 1;  // processes running the job, each with the job's --threads workers
  uint64_t working_set_bytes = 0;  // all target files laid end to end (content ratios)

  // The worker's own seeds from the job's (--seed), keyed by global_index:
  // distinct per worker, reproducible, the same on every process.  Data and
  // metadata workers at one place draw alike.
  uint64_t rng_seed(uint64_t job_seed) const { return job_seed + 0x9e3779b97f4a7c15ULL * key(); }
  uint64_t data_seed(uint64_t job_seed) const { return job_seed ^ (0xd1b54a32d192ed03ULL * key()); }
  // The CPU this worker is pinned to: --cpus round-robin by its index on
  // this process; -1 without --cpus.
  int cpu(const std::vector<uint32_t>& cores) const {
    return cores.empty() ? -1 : static_cast<int>(cores[index % cores.size()]);
  }

 private:
  uint64_t key() const { return global_index + uint64_t{1}; }
};

struct WorkerPlan {
  // Randomness.  The job's seed is shared by every worker of the job (the
  // hot-spot permutation, the complete pass's order, verified blocks'
  // bytes); the worker's own are distinct per worker and reproducible.
  uint64_t job_seed = 0;
  uint64_t rng_seed = 0;   // the worker's random source: ops, sizes, offsets
  uint64_t data_seed = 0;  // the worker's fresh write data

  // What each IO is.
  bool random = false;  // random offsets (by `distribution`), else sequential
  uint32_t file_roundrobin = 0;  // a sequential pass takes this many IOs of each region in turn; 0: one after another
  int64_t sequential_skip = 0;    // bytes from an IO's end to the next sequential IO's start (< 0: backwards)
  bool sequential_per_op = false; // each op kind has its own sequential position
  DistributionParams distribution;
  uint32_t read_percent = 100;
  uint32_t trim_percent = 0;
  bool writes = false;      // the job writes (anything but 100 % reads)
  bool trim_write = false;  // --trim-write: each trim's range written back
  BlockSizeMix read_sizes{4096};
  BlockSizeMix write_sizes{4096};
  uint32_t unit = 4096;     // offsets are multiples of it
  uint16_t io_priority = 0;
  uint32_t io_priority_percent = 100;
  uint16_t io_priority_others = 0;  // what the other reads and writes carry
  uint32_t read_flags = 0;   // IOP_IO_* on each read (write-only flags removed)
  uint32_t write_flags = 0;  // IOP_IO_* on each write

  // A sync after every `sync_every` writes (0: none), of kind `sync_op`.
  uint8_t sync_op = IOP_OP_FSYNC;
  uint32_t sync_every = 0;
  // --end-fsync: an fsync of each file the worker wrote after its last IO.
  bool end_fsync = false;

  // How IOs reach the engine and the files.
  uint32_t submit_batch = UINT32_MAX;  // IOs per submit() call at most
  bool direct = false;
  uint32_t host_workers = 1;   // the job's workers on this process (the engine's config)
  std::vector<int> fadvise;    // POSIX_FADV_* for each region, in order
  std::string fadvise_name;
  bool fadvise_each_pass = false;  // the hints again after each pass's worth of IO (the source gives them)

  // Think time and the worker's share of the rate.
  PacingPlan pacing;
  // The least rate its reads and its writes must each keep up (WorkloadSpec
  // rate_min_bw, rate_min_iops; 0: none).
  uint64_t rate_min_bw = 0;
  uint64_t rate_min_iops = 0;

  // When the worker starts and stops by itself: its first IO
  // `start_delay_ns` after the window's start (--start-delay, drawn for this
  // worker when a range), its last `duration_ns` after that first one (0: on
  // its budget only), and how long a drain may take.
  uint64_t start_delay_ns = 0;
  uint64_t duration_ns = 0;
  uint64_t stop_timeout_ns = 0;

  // The data of writes.
  bool pattern_fill = false;   // --buffer-pattern: one byte in every write
  uint8_t pattern = 0;
  bool fresh_data = false;     // fresh seeded bytes in every unverified write
  ContentSpec content;         // compression and deduplication of the data
  uint32_t compress_percent = 0;

  // Verification, error handling and locks.
  bool verify = false;
  bool verify_only = false;
  bool continue_on_error = false;
  LockMode lock_mode = LockMode::kNone;

  // Observers.
  bool heatmap = false;
  uint32_t heatmap_buckets = 100;

  // Placement: the CPU the worker is pinned to and the NUMA node its
  // memory is bound to, -1 for none.
  int cpu = -1;
  int numa_node = -1;

  // A job's data worker at `place`.  The job spec must be valid
  // (JobSpec::validate() passed).
  static WorkerPlan of(const JobSpec& spec, const WorkerPlace& place);
};

}  // namespace iopulse

#endif  // IOPULSE_RUN_WORKER_PLAN_H_
