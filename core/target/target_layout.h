// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// TargetLayout: the files a job uses and the part of them each worker
// addresses.  Built from a JobSpec and what the target paths are (probes);
// building it validates everything that depends on the target (block size
// against file size, O_DIRECT alignment, block-device rules) and touches
// nothing on disk.
#ifndef IOPULSE_TARGET_TARGET_LAYOUT_H_
#define IOPULSE_TARGET_TARGET_LAYOUT_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "job/job_spec.h"

namespace iopulse {

struct ReplayPlan;  // trace/replay_plan.h

struct PlannedFile {
  std::string path;
  uint64_t size = 0;           // bytes addressed: [0, size)
  // kBlock: a block device; kMemory: /dev/null or /dev/zero, which keeps no
  // data.  A device is used as it is: never created, truncated or filled.
  enum class Device : uint8_t { kNone, kBlock, kMemory };
  Device device = Device::kNone;
  bool is_device() const { return device != Device::kNone; }
  // This process creates and fills it.  When several processes share the
  // target, each file is prepared by the first of them that addresses it.
  bool prepared_here = true;
};

// The slice of the target one worker addresses.  Offsets are multiples of
// the job's block size (its smallest IO size, the "unit");
// region_offset + region_blocks * unit <= file size.
// One contiguous range of one file that a worker addresses.
struct WorkerRegion {
  uint32_t file_index = 0;      // into TargetLayout::files
  uint64_t offset = 0;          // first byte
  uint64_t blocks = 0;          // units (>= 1)
};

// A worker addresses its regions as one sequence of units laid end to end
// (one region for a single file; one per file for a file set).
struct WorkerAssignment {
  std::vector<WorkerRegion> regions;
  uint64_t region_blocks = 0;   // units in all regions (>= 1)
  uint64_t first_block = 0;     // where a sequential pass starts, in [0, region_blocks)
  uint64_t op_limit = 0;        // reads and writes to issue; 0 = no limit
  uint64_t byte_limit = 0;      // bytes to move; 0 = no limit

  // A complete pass (--run-until-complete, the default stop): the worker
  // addresses ranks [first_rank, first_rank + op_limit) of the region, each
  // once; rank r is block r (sequential) or block P(r) of a seeded
  // permutation of the region's blocks (random).  Workers sharing a file get
  // disjoint rank ranges, so together they address every block exactly once.
  bool complete_pass = false;
  uint64_t first_rank = 0;
  // A complete pass with several IO sizes walks the slots of a PassTiling
  // of its regions (one tiling shared by every worker of a shared file):
  // ranks [first_rank, first_rank + pass_slots) of it, each once, the empty
  // ones skipped; op_limit is then 0 and TargetLayout::total_ops counts the
  // tiling's IOs.
  bool tiled = false;
  uint64_t pass_slots = 0;
};

// The processes (MPI ranks) that address one target path together.  The
// layout is planned for all their workers as one job: the process at
// position i runs the job-wide workers [i * threads, (i + 1) * threads), so
// partitioned and per-worker layouts stay disjoint across processes, and
// keeps only its own workers and the files they address.
struct LayoutScope {
  std::vector<uint32_t> ranks{0};  // ascending MPI ranks; {0} without MPI
  uint32_t position = 0;           // this process's index in ranks
};

struct TargetLayout {
  std::vector<PlannedFile> files;
  std::vector<WorkerAssignment> workers;  // one per worker
  uint32_t logical_block_size = 512;      // O_DIRECT alignment of the target
  uint64_t total_ops = 0;                 // sum of op limits (0 when none)
  // --replay: the trace each worker replays (set by PlannedWorkload::plan
  // once the files are known); null otherwise.
  std::shared_ptr<const ReplayPlan> replay;

  // Plans `spec`.  `diskless` engines do no IO, so the target need not
  // exist and is never created.  `verified_by_run`: another phase of the
  // run writes verified blocks, so the run's preparation fills the files
  // with them and a job that checks them (--verify-only, or --verify reads)
  // needs no dataset on disk yet.  Throws UsageError on an invalid job.
  static TargetLayout plan(const JobSpec& spec, bool diskless, const LayoutScope& scope = {},
                           bool verified_by_run = false);

 private:
  // The layout of every worker in `scope`.
  static TargetLayout plan_all(const JobSpec& spec, bool diskless, const LayoutScope& scope, bool verified_by_run);
};

}  // namespace iopulse

#endif  // IOPULSE_TARGET_TARGET_LAYOUT_H_
