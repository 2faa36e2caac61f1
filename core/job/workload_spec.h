// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// WorkloadSpec: what the workers do, the settings of the options of scope
// kPhase (job/job_options.h): the IO sizes and mix, the access pattern,
// pacing, data content and verification, the stop condition, the file set
// addressed inside the target, the engine's options.  This is everything a
// phase (and a group of workers within one) may change, and all a phase
// carries (job/phased_job.h); the run's other settings are RunSettings
// and TargetSpec, given once.
#ifndef IOPULSE_JOB_WORKLOAD_SPEC_H_
#define IOPULSE_JOB_WORKLOAD_SPEC_H_

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "job/block_size_mix.h"
#include "job/content_spec.h"
#include "job/distribution_spec.h"
#include "job/metadata_spec.h"
#include "job/option_origins.h"
#include "job/steady_state_spec.h"
#include "job/target_spec.h"

namespace iopulse {

// Range locks held while an IO is in flight (--lock-mode), as open file
// description (OFD) locks so the threads of one process really contend.
enum class LockMode { kNone, kRange, kFull };

// How a worker pauses between IOs (--think-mode).
enum class ThinkMode { kSleep, kSpin };

// What the write buffers contain.
enum class BufferFill {
  kRandom,   // incompressible pseudo-random bytes (the default)
  kPattern,  // one repeated byte, --buffer-pattern
};

struct WorkloadSpec {
  bool direct = false;                     // O_DIRECT

  // File sets: TARGET is a directory holding many files.  One of:
  uint32_t num_files = 0;                  // --num-files N: <target>/<prefix>.<i>
  uint32_t total_files = 0;                // --total-files N in a tree of
  uint32_t dir_depth = 1;                  //   --dir-depth levels of
  uint32_t dir_width = 1;                  //   --dir-width directories each
  std::string layout_manifest;             // --layout-manifest: "SIZE PATH" lines
  std::string file_prefix = "file";        // file names: <prefix>.<index>
  std::string export_layout_manifest;      // write the planned files as a manifest

  // Workload.
  uint32_t block_size = 4096;              // the smallest IO size of the job
  // --block-align: random offsets are multiples of it (fio's blockalign);
  // 0: of block_size.  offset_unit() is the one the workers use.
  uint32_t block_align = 0;
  BlockSizeMix read_sizes{4096};           // --block-size / --read-block-size
  BlockSizeMix write_sizes{4096};          // --block-size / --write-block-size
  uint32_t threads = 1;                    // workers
  uint32_t queue_depth = 1;                // IOs in flight per worker
  // At most this many IOs per submit() call; 0 = auto: 1 with direct (each
  // IO reaches the device as soon as it is ready), else every ready IO.
  uint32_t submit_batch = 0;
  uint32_t read_percent = 100;             // share of reads
  // Share of trims (--trim-percent): read_percent + trim_percent <= 100 and
  // writes are the rest.  A trim discards a range drawn as a write's would
  // be (offset and --write-block-size).
  uint32_t trim_percent = 0;
  // --trim-write: every trim is followed by a write of the range it
  // discarded, issued once the trim completed (fio's rw=trimwrite).  Those
  // writes are not drawn from the op mix and the budgets (--total-ops,
  // --total-bytes) count the trims, not them.  Needs trim_percent > 0.
  bool trim_write = false;
  uint32_t write_percent() const { return 100 - read_percent - trim_percent; }
  // What every offset is a multiple of (and the unit the workers count
  // blocks in): --block-align, else the smallest IO size.
  uint32_t offset_unit() const { return block_align != 0 ? block_align : block_size; }
  bool random = false;                     // random offsets (see distribution); sequential otherwise
  // --file-order roundrobin[:N]: a sequential job over several files takes
  // N IOs of each in turn (fio's file_service_type=roundrobin:N, its
  // default); 0: one file after another (sequential).
  uint32_t file_roundrobin = 0;
  // --sequential-skip: a sequential job's next IO starts this many bytes
  // after the end of its last (fio's rw=read:8k); negative goes backwards
  // (rw=read:-8k).  A multiple of offset_unit(); 0: IO after IO.
  int64_t sequential_skip = 0;
  // --sequential-cursor per-op: reads, writes and trims of a sequential job
  // each go on where the last IO of their own kind ended (fio's rw=rw);
  // false: one position for all of them.
  bool sequential_per_op = false;
  DistributionParams distribution;         // --distribution and its parameters
  uint64_t seed = 0x10b5e5ed;              // --seed: every generator derives from it
  // --seed random: `seed` is drawn when the run starts, once per run and
  // workload (the application's resolve_random_seeds()).
  bool seed_random = false;
  uint32_t fsync_every = 0;                // an fsync after every N writes (0 = never)
  bool end_fsync = false;                  // --end-fsync: each written file fsynced when the IO ends
  uint32_t fdatasync_every = 0;            // an fdatasync after every N writes
  // IO priority (--io-priority): IOP_IOPRIO_VALUE(class, level), 0 = none;
  // carried by io_priority_percent % of the reads and writes (a per-IO draw);
  // the others carry io_priority_others (--io-priority-others; 0 = none).
  uint16_t io_priority = 0;
  uint32_t io_priority_percent = 100;
  uint16_t io_priority_others = 0;
  uint32_t io_flags = 0;                   // --io-flags: IOP_IO_* (FUA and DSYNC on writes only)

  // Think time: after every `think_every` IOs the worker pauses for
  // think_time_ns plus think_adaptive_percent % of the last IO's latency.
  uint64_t think_time_ns = 0;
  uint32_t think_every = 1;
  uint32_t think_adaptive_percent = 0;
  ThinkMode think_mode = ThinkMode::kSleep;

  // Rate limits on an open-loop schedule; for the whole job unless
  // rate_per_worker.  0 = none.
  uint64_t rate_iops = 0;
  uint64_t rate_bw = 0;                    // bytes per second
  bool rate_per_worker = false;
  // --rate-min-bw, --rate-min-iops: the least each worker's reads and its
  // writes must keep up over every stats interval after its first two
  // seconds (fio's ratemin, rate_iops_min); 0 = none.
  uint64_t rate_min_bw = 0;                // bytes per second
  uint64_t rate_min_iops = 0;
  // --rate-process poisson: the gaps between the schedule's IOs are
  // exponentially distributed (a Poisson arrival process at the same mean
  // rate) instead of even.
  bool rate_poisson = false;
  // --start-delay: each worker waits this long after the window opens before
  // its first IO, a time drawn per worker from [start_delay_ns,
  // start_delay_max_ns] (equal: that time); its duration counts from then.
  uint64_t start_delay_ns = 0;
  uint64_t start_delay_max_ns = 0;
  // --wait-for GROUP (a job file's group): the workers start their IO (and
  // then their start delay) once every worker of GROUP, an earlier group of
  // the same phase, has ended (fio's wait_for).  Empty: at the phase's start.
  std::string wait_for;
  // --ends-phase: once any worker of this group has done its work, every
  // worker of the phase stops (fio's exitall, which ends the others when the
  // first job or clone ends).
  bool ends_phase = false;

  // Hints and placement.
  std::vector<int> fadvise;                // POSIX_FADV_* given to each worker's region, in order
  std::string fadvise_name;                // as given ("dontneed,random"); empty = none
  bool fadvise_each_pass = false;          // --fadvise-each-pass: the hints again after each pass's worth of IO
  LockMode lock_mode = LockMode::kNone;
  std::vector<uint32_t> cpu_cores;         // workers are pinned round-robin to these; empty = no pinning
  std::vector<uint32_t> numa_zones;        // workers' memory is bound round-robin to these nodes

  // Verification (verify/block_format.h).
  bool verify = false;                     // written blocks carry headers; reads are checked
  bool verify_only = false;                // read back and check an earlier --verify dataset
  BufferFill buffer_fill = BufferFill::kRandom;
  uint8_t buffer_pattern = 0;              // the byte, when buffer_fill == kPattern

  // Data content (workload/block_content.h): default unique and incompressible.
  uint32_t compress_percent = 0;           // --compress-percent
  uint32_t dedupe_percent = 0;             // --dedupe-percent
  uint32_t dedupe_unit = 0;                // --dedupe-unit; 0 = the block size
  uint32_t dedupe_working_set_percent = 1; // --dedupe-working-set
  // The content settings for a job whose files hold `working_set_bytes`.
  ContentSpec content(uint64_t working_set_bytes) const;

  // Stop conditions; the first one met ends the job.  When none is given
  // the job makes one pass over the working set (run_until_complete).
  uint64_t duration_ns = 0;                // 0 = not set
  SteadyStateSpec steady_state;            // --steady-state*: stop once steady
  uint64_t total_bytes = 0;                // total over all workers; 0 = not set
  uint64_t total_ops = 0;                  // total over all workers; 0 = not set
  bool run_until_complete = false;         // every block of the working set exactly once
  // How long after a stop (the end of the duration, a signal, an error)
  // the host waits for the engine to hand back what is in flight before it
  // gives up on it and reports the run as incomplete.
  uint64_t stop_timeout_ns = 10'000'000'000;

  // Capture and replay (docs/replay.md).
  std::string write_iolog;                 // --write-iolog FILE: record every IO of the run; empty = none
  std::string replay;                      // --replay FILE: IOs come from this trace; empty = none
  double replay_speed = 1.0;               // --replay-speed: 1 as recorded, 2 twice as fast; 0 = as fast as possible
  bool replay_spread = false;              // --replay-workers threads: the trace's IOs round-robin over --threads workers
  bool replay_by_pid = false;              // --replay-workers pid: a blktrace capture's workers are its pids, not CPUs
  // --replay-redirect TARGET: every IO goes to this one target; a job with
  // this workload has it as its TargetSpec::target_path (JobSpecBuilder::
  // build(), PhasedJob::job()).
  std::string replay_redirect;
  // fio-format logs (report/fio_log_files.h) of this workload's workers:
  // the prefix of each, empty = none (as fio's write_*_log per job).  Their
  // shape is the run's (RunSettings::fio_log_per_io ...).
  std::string fio_bw_log, fio_iops_log, fio_lat_log;
  // A job file's phase or group that names its own files (target,
  // file-size, ... inside it, or a fio job's own filename): those, in place
  // of the run's TargetSpec (PhasedJob::job()).  Unset: the run's files.
  std::optional<TargetSpec> own_files;
  uint64_t replay_scale = 1;               // --replay-scale N: offsets divided by N; 0 = fit to the target
  uint64_t replay_align = 0;               // --replay-align SIZE: remapped offsets rounded down to it; 0 = none

  // Metadata workloads (--md-phases): empty phases for a data job.
  MetadataSpec metadata;

  // The engine's options, (option, text) for RunSettings::engine: checked
  // against the engine when the workload is planned.
  std::vector<std::pair<std::string, std::string>> engine_options;

  // Where each option was given, for the messages of later checks (always
  // equal: not part of what the workload is).
  OptionOrigins origins;

  bool operator==(const WorkloadSpec&) const = default;
};

}  // namespace iopulse

#endif  // IOPULSE_JOB_WORKLOAD_SPEC_H_
