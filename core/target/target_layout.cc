// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
#include "target/target_layout.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <string>
#include <unordered_set>

#include <fmt/format.h>

#include "job/usage_error.h"
#include "target/device_use.h"
#include "target/layout_manifest.h"
#include "target/target_probe.h"
#include "workload/pass_tiling.h"

namespace iopulse {
namespace {

// The one size mix of a complete pass whose IOs are not all one size, or
// null when they are.  Reads and writes of such a pass share one mix.
const BlockSizeMix* pass_size_mix(const JobSpec& spec) {
  const bool reads = spec.read_percent > 0;
  const bool writes = spec.read_percent < 100;
  const auto uniform = [&](const BlockSizeMix& m) { return m.single() && m.min_size() == spec.block_size; };
  if ((!reads || uniform(spec.read_sizes)) && (!writes || uniform(spec.write_sizes))) return nullptr;
  if (reads && writes && spec.read_sizes.to_string() != spec.write_sizes.to_string()) {
    throw UsageError(fmt::format(
        "--read-block-size/--write-block-size: a complete pass (the default stop) covers each block once and "
        "needs one size mix for reads and writes, got {} and {}; accepted: the same sizes for both "
        "(--block-size), or a stop condition (--duration, --total-ops, --total-bytes)",
        spec.read_sizes.to_string(), spec.write_sizes.to_string()));
  }
  return reads ? &spec.read_sizes : &spec.write_sizes;
}

}  // namespace
namespace {

// Several files addressed end to end: a file set in a directory, or a
// --file-list.
bool is_file_set(const JobSpec& spec) {
  return spec.num_files != 0 || spec.total_files != 0 || !spec.layout_manifest.empty() || !spec.file_list.empty();
}

// (path relative to the set's directory, size) of every file of a set.
std::vector<std::pair<std::string, uint64_t>> file_set_members(const JobSpec& spec) {
  std::vector<std::pair<std::string, uint64_t>> members;
  if (!spec.layout_manifest.empty()) return read_layout_manifest(spec.layout_manifest, spec.target_path);
  const uint32_t count = spec.num_files != 0 ? spec.num_files : spec.total_files;
  const size_t digits = std::to_string(count - 1).size();
  uint64_t leaves = 1;
  if (spec.total_files != 0) {
    for (uint32_t d = 0; d < spec.dir_depth; ++d) {
      leaves *= spec.dir_width;
      if (leaves > 10'000'000) {
        throw UsageError(fmt::format("--dir-width {} and --dir-depth {} make more than 10 million directories",
                                     spec.dir_width, spec.dir_depth));
      }
    }
  }
  const size_t dir_digits = std::to_string(spec.dir_width - 1).size();
  for (uint32_t i = 0; i < count; ++i) {
    std::string path;
    if (spec.total_files != 0) {
      // File i goes to leaf directory i % leaves; its path spells the leaf
      // in base dir_width, one directory per level.
      uint64_t leaf = i % leaves, scale = leaves;
      for (uint32_t d = 0; d < spec.dir_depth; ++d) {
        scale /= spec.dir_width;
        path += fmt::format("d{:0{}}/", leaf / scale, dir_digits);
        leaf %= scale;
      }
    }
    path += fmt::format("{}.{:0{}}", spec.file_prefix, i, digits);
    members.emplace_back(std::move(path), spec.file_size);
  }
  return members;
}

// A path whose last component is empty, "." or "..": it names a
// directory whether or not one exists.
bool names_a_directory(std::string_view path) {
  const size_t slash = path.rfind('/');
  const std::string_view last = slash == std::string_view::npos ? path : path.substr(slash + 1);
  return last.empty() || last == "." || last == "..";
}

// Whether a path the job uses can be used as the job needs: read (and
// written when the job writes) if it exists, created if it does not.  Only
// looks (stat, access); throws UsageError naming the path and the errno text.
void check_usable(const std::string& path, const TargetProbe& probe, bool writes) {
  if (probe.stat_errno != 0) {
    throw UsageError(fmt::format("target '{}': {}", path, std::strerror(probe.stat_errno)));
  }
  if (probe.kernel_interface != nullptr) {
    throw UsageError(fmt::format("target '{}' is on {}, one of the kernel's interfaces (its files are settings, not "
                                 "storage); accepted: a file or directory on a storage file system, or a block device",
                                 path, probe.kernel_interface));
  }
  if (probe.kind == TargetProbe::Kind::kMissing) {
    // It will be created, and its missing parent directories with it, in
    // the nearest directory that exists.
    std::error_code ec;
    std::filesystem::path dir = std::filesystem::absolute(path, ec).parent_path();
    struct stat st;
    while (stat(dir.c_str(), &st) != 0 && dir != dir.parent_path()) dir = dir.parent_path();
    if (!S_ISDIR(st.st_mode)) {
      throw UsageError(fmt::format("target '{}' cannot be created: '{}' is not a directory", path, dir.string()));
    }
    if (access(dir.c_str(), W_OK | X_OK) != 0) {
      throw UsageError(fmt::format("target '{}' cannot be created in '{}': {}", path, dir.string(),
                                   std::strerror(errno)));
    }
    return;
  }
  if (probe.kind != TargetProbe::Kind::kRegularFile && probe.kind != TargetProbe::Kind::kBlockDevice) return;
  if (access(path.c_str(), R_OK) != 0) {
    throw UsageError(fmt::format("target '{}' cannot be read: {}", path, std::strerror(errno)));
  }
  if (writes && access(path.c_str(), W_OK) != 0) {
    throw UsageError(fmt::format("target '{}' cannot be written ({}) and the job writes; accepted: a job that only "
                                 "reads (--read-percent 100), or a writable target", path, std::strerror(errno)));
  }
}

// A regular file the job writes backs no loop device in use (a mounted file
// system's image), unless --allow-mounted-writes.  (What the preparation
// would write there, a read job's too, DatasetPreparer checks itself:
// check_not_backing_a_loop.)
void check_not_under_a_mount(const PlannedFile& file, const JobSpec& spec, const LoopBackingFiles& loops) {
  if (spec.allow_mounted_writes || spec.read_percent >= 100) return;
  const std::string use = loops.use_of(file.path);
  if (use.empty()) return;
  throw UsageError(fmt::format("target '{}': {}, and writing to it would destroy what is there; add "
                               "--allow-mounted-writes as well as --allow-device-writes to do it anyway",
                               file.path, use));
}

// Every worker's range of `file` from `start` on holds the largest IO.
void check_room(const PlannedFile& file, uint64_t start, uint32_t max_io) {
  if (file.size >= start + max_io) return;
  if (start == 0) {
    throw UsageError(fmt::format("--block-size: {} is larger than the file size {} of '{}'; accepted: at most the "
                                 "file size", max_io, file.size, file.path));
  }
  throw UsageError(fmt::format("--offset: the job addresses '{}' ({} bytes) from byte {}, which leaves less than its "
                               "largest IO of {} bytes; accepted: a smaller --offset or --offset-increment, or a "
                               "larger file", file.path, file.size, start, max_io));
}

// Plans one file of a target (the target itself, a per-worker file or a
// --file-list entry): a block device's rules and size, an existing file's
// size, a missing one's, and the sizes the job's IOs need.  `start` is the
// furthest first byte a worker addresses in it (--offset,
// --offset-increment); file.size comes in as --file-size (0: none) and
// leaves as the end of what the job addresses.  Throws UsageError naming
// the file.
void plan_target_file(const JobSpec& spec, PlannedFile& file, uint64_t start, bool diskless, bool verified_by_run,
                      uint32_t max_io, uint32_t& logical_block_size, const LoopBackingFiles& loops) {
  if (file.size != 0) file.size += start;
  const bool writes = spec.read_percent < 100;
  if (!diskless) {
    const TargetProbe probe = TargetProbe::of(file.path);
    switch (probe.kind) {
      case TargetProbe::Kind::kDirectory:
        throw UsageError(fmt::format(
            "target '{}' is a directory; accepted: a file path or a block device", file.path));
      case TargetProbe::Kind::kOther:
        throw UsageError(fmt::format(
            "target '{}' is neither a regular file nor a block device (nor /dev/null or /dev/zero)", file.path));
      case TargetProbe::Kind::kMemoryDevice:
        // /dev/null and /dev/zero: IO that measures the host and the
        // kernel's system call path, no device (fio's examples use them).
        file.device = PlannedFile::Device::kMemory;
        if (spec.direct) {
          throw UsageError(fmt::format("--direct: '{}' cannot be opened with O_DIRECT; accepted: without --direct",
                                       file.path));
        }
        if (probe.reads_nothing && spec.read_percent > 0) {
          throw UsageError(fmt::format("target '{}': its reads end at once (end of file) and the job reads ({}% "
                                       "reads); accepted: writes only (--write-percent 100), or /dev/zero",
                                       file.path, spec.read_percent));
        }
        if (spec.trim_percent != 0 || spec.verify || spec.verify_only) {
          throw UsageError(fmt::format("target '{}' keeps no data, so it can be neither trimmed nor verified; "
                                       "accepted: reads and writes only", file.path));
        }
        if (spec.fsync_every != 0 || spec.fdatasync_every != 0 || spec.end_fsync) {
          throw UsageError(fmt::format("target '{}' cannot be synced (fsync fails with EINVAL on it); accepted: "
                                       "no --fsync-every, --fdatasync-every or --end-fsync", file.path));
        }
        if (!spec.replay.empty()) {
          throw UsageError(fmt::format("--replay: not on '{}' (a trace's reads and trims need a file or a block "
                                       "device); accepted: a file or a block device", file.path));
        }
        if (file.size == 0) {
          throw UsageError(fmt::format("--file-size: required for '{}', which has no size; accepted: a size such "
                                       "as 256M or 1G", file.path));
        }
        break;
      case TargetProbe::Kind::kBlockDevice:
        file.device = PlannedFile::Device::kBlock;
        if (writes && !spec.allow_device_writes) {
          throw UsageError(fmt::format(
              "target '{}' is a block device and the job {}, which destroys its contents; add "
              "--allow-device-writes to do it anyway", file.path,
              spec.trim_percent == 0 ? fmt::format("writes ({}% writes)", spec.write_percent())
                                     : fmt::format("writes or trims ({}% writes, {}% trims)", spec.write_percent(),
                                                   spec.trim_percent)));
        }
        if (writes && !spec.allow_mounted_writes) {
          const std::string use = block_device_use(file.path);
          if (!use.empty()) {
            throw UsageError(fmt::format(
                "target '{}': {}, and writing to it would destroy what is there; add --allow-mounted-writes as "
                "well as --allow-device-writes to do it anyway", file.path, use));
          }
        }
        if (file.size == 0) file.size = probe.size;
        if (file.size > probe.size) {
          throw UsageError(start == 0 ? fmt::format("--file-size: {} is larger than the block device '{}' ({} bytes)",
                                                    file.size, file.path, probe.size)
                                      : fmt::format("--offset: the job addresses the block device '{}' up to byte {} "
                                                    "(from byte {}), beyond its end ({} bytes)",
                                                    file.path, file.size, start, probe.size));
        }
        break;
      case TargetProbe::Kind::kRegularFile:
        if (file.size == 0) file.size = probe.size;
        check_not_under_a_mount(file, spec, loops);
        break;
      case TargetProbe::Kind::kMissing:
        if (verified_by_run) break;  // the run's preparation makes it
        if (spec.verify && spec.read_percent == 100) {
          throw UsageError(fmt::format(
              "--verify: the job only reads and '{}' does not exist, so there is nothing written to check; "
              "accepted: a job that writes (--write-percent), or --verify-only on a dataset an earlier --verify "
              "run wrote", file.path));
        }
        if (spec.verify_only) {
          throw UsageError(fmt::format(
              "--verify-only: '{}' does not exist; it reads back a dataset written by an earlier "
              "--verify run", file.path));
        }
        break;
    }
    check_usable(file.path, probe, writes);
    if (spec.verify_only && !verified_by_run && probe.kind == TargetProbe::Kind::kRegularFile &&
        probe.size < file.size) {
      throw UsageError(fmt::format("--verify-only: '{}' holds {} bytes, less than --file-size {}",
                                   file.path, probe.size, file.size));
    }
    logical_block_size = std::max(logical_block_size, probe.logical_block_size);
  }
  if (file.size == 0) {
    throw UsageError(fmt::format(
        "--file-size: required because '{}' does not exist or is empty; accepted: a size "
        "such as 256M or 1G", file.path));
  }
  check_room(file, start, max_io);
}

}  // namespace

TargetLayout TargetLayout::plan(const JobSpec& spec, bool diskless, const LayoutScope& scope, bool verified_by_run) {
  TargetLayout layout = plan_all(spec, diskless, scope, verified_by_run);
  const uint32_t n = static_cast<uint32_t>(scope.ranks.size());
  if (n == 1) return layout;
  // Keep this process's workers and the files they address.
  const uint32_t first = scope.position * spec.threads;
  std::vector<uint32_t> owner(layout.files.size(), n);  // first position addressing each file
  for (uint32_t w = 0; w < layout.workers.size(); ++w) {
    for (const WorkerRegion& r : layout.workers[w].regions) {
      owner[r.file_index] = std::min(owner[r.file_index], w / spec.threads);
    }
  }
  TargetLayout mine;
  mine.logical_block_size = layout.logical_block_size;
  std::vector<int64_t> renumbered(layout.files.size(), -1);
  for (uint32_t w = first; w < first + spec.threads; ++w) {
    WorkerAssignment a = layout.workers[w];
    for (WorkerRegion& r : a.regions) {
      if (renumbered[r.file_index] < 0) {
        renumbered[r.file_index] = static_cast<int64_t>(mine.files.size());
        PlannedFile f = layout.files[r.file_index];
        f.prepared_here = owner[r.file_index] == scope.position;
        mine.files.push_back(std::move(f));
      }
      r.file_index = static_cast<uint32_t>(renumbered[r.file_index]);
    }
    mine.total_ops += a.op_limit;
    mine.workers.push_back(std::move(a));
  }
  return mine;
}

TargetLayout TargetLayout::plan_all(const JobSpec& spec, bool diskless, const LayoutScope& scope,
                                    bool verified_by_run) {
  TargetLayout layout;
  // Every worker of every process sharing the target.
  const uint32_t threads = spec.threads * static_cast<uint32_t>(scope.ranks.size());
  // Worker w's own name: w alone, or its rank and local index when
  // several processes share the target.
  const auto worker_name = [&](uint32_t w) {
    return scope.ranks.size() == 1 ? std::to_string(w)
                                   : fmt::format("r{}.w{}", scope.ranks[w / spec.threads], w % spec.threads);
  };
  const bool per_worker_files = spec.file_distribution == FileDistribution::kPerWorker;
  const uint32_t nfiles = per_worker_files ? threads : 1;  // without a file set
  const bool writes = spec.read_percent < 100;
  const uint32_t max_io = std::max(spec.read_percent > 0 ? spec.read_sizes.max_size() : 0u,
                                   writes ? spec.write_sizes.max_size() : 0u);
  // Looked at once for the plan; not needed when nothing is checked.
  const LoopBackingFiles loops =
      diskless || spec.allow_mounted_writes ? LoopBackingFiles{} : LoopBackingFiles::scan();
  // The furthest byte any worker's range may reach, within what a file
  // offset can say (off_t).
  if (spec.offset != 0 || spec.offset_increment != 0) {
    const unsigned __int128 furthest = static_cast<unsigned __int128>(spec.offset) +
                                       static_cast<unsigned __int128>(spec.offset_increment) * (threads - 1) +
                                       std::max<uint64_t>(spec.file_size, max_io);
    if (furthest > static_cast<unsigned __int128>(INT64_MAX)) {
      throw UsageError(fmt::format("--offset: {} (and --offset-increment {} for {} workers) puts a range beyond the "
                                   "largest file offset (2^63 - 1 bytes); accepted: smaller offsets",
                                   spec.offset, spec.offset_increment, threads));
    }
  }

  if (!spec.file_list.empty()) {
    // Each file as a target of its own (a block device's rules, an
    // existing file's size), all of them one set.
    // per-worker: worker w takes the w-th run of consecutive files, as
    // many for each worker.
    if (per_worker_files && spec.file_list.size() % threads != 0) {
      throw UsageError(fmt::format("--file-distribution per-worker: the {} files of --file-list cannot be given "
                                   "to {} workers alike (worker w takes the w-th run of consecutive files); "
                                   "accepted: a multiple of {} files, or shared or partitioned",
                                   spec.file_list.size(), threads, threads));
    }
    std::unordered_set<std::string> seen;  // the listed files as the kernel resolves them
    std::vector<std::pair<std::string, TargetProbe>> devices;  // the listed block devices
    for (const std::string& path : spec.file_list) {
      std::string real = resolved_path(path);
      if (!seen.insert(real).second) {
        throw UsageError(fmt::format("--file-list: '{}' is a file listed before ('{}'); accepted: each file once",
                                     path, real));
      }
      if (const TargetProbe probe = TargetProbe::of(path); probe.kind == TargetProbe::Kind::kBlockDevice) {
        for (const auto& [before, other] : devices) {
          if (!probe.overlaps(other)) continue;
          throw UsageError(fmt::format("--file-list: '{}' shares blocks with '{}' listed before ({}); accepted: "
                                       "block devices that do not overlap", path, before,
                                       probe.device == other.device ? "the same device"
                                                                    : "a disk and its partition"));
        }
        devices.emplace_back(path, probe);
      }
      if (!diskless && names_a_directory(path)) {
        throw UsageError(fmt::format("--file-list: '{}' names a directory; accepted: files and block devices",
                                     path));
      }
      PlannedFile file;
      file.path = path;
      file.size = spec.file_size;
      const uint32_t owner = per_worker_files
                                 ? static_cast<uint32_t>(layout.files.size() / (spec.file_list.size() / threads))
                                 : threads - 1;
      plan_target_file(spec, file, spec.first_byte(owner), diskless, verified_by_run, max_io,
                       layout.logical_block_size, loops);
      layout.files.push_back(std::move(file));
    }
  } else if (is_file_set(spec)) {
    const TargetProbe dir = TargetProbe::of(spec.target_path);
    if (dir.kind != TargetProbe::Kind::kDirectory && dir.kind != TargetProbe::Kind::kMissing) {
      throw UsageError(fmt::format("target '{}' must be a directory (or not exist yet) for a file set",
                                   spec.target_path));
    }
    if (dir.kind == TargetProbe::Kind::kMissing || dir.kernel_interface != nullptr) {
      check_usable(spec.target_path, dir, writes);
    }
    const auto members = file_set_members(spec);
    const uint32_t copies = per_worker_files ? threads : 1;
    // Where the set's files really are: a symbolic link among them (or among
    // their directories) may not lead out of the target directory.
    std::string inside = resolved_path(spec.target_path);  // "dir/", "dir/." and "/" end in '/'
    while (!inside.empty() && inside.back() == '/') inside.pop_back();
    inside += '/';
    for (uint32_t c = 0; c < copies; ++c) {
      for (const auto& [rel, size] : members) {
        PlannedFile file;
        file.path = per_worker_files ? fmt::format("{}/{}/{}", spec.target_path,
                                                     scope.ranks.size() == 1 ? "w" + worker_name(c) : worker_name(c), rel)
                                     : fmt::format("{}/{}", spec.target_path, rel);
        file.size = size;
        const TargetProbe probe = TargetProbe::of(file.path);
        if (probe.kind != TargetProbe::Kind::kMissing && probe.kind != TargetProbe::Kind::kRegularFile) {
          throw UsageError(fmt::format("file set member '{}' exists and is not a regular file", file.path));
        }
        if (const std::string real = resolved_path(file.path); !real.starts_with(inside)) {
          throw UsageError(fmt::format("file set member '{}' is '{}' (through a symbolic link), outside the target "
                                       "directory '{}'; accepted: files inside the target directory", file.path, real,
                                       spec.target_path));
        }
        if (probe.kind == TargetProbe::Kind::kRegularFile || probe.stat_errno != 0) {
          check_usable(file.path, probe, writes);
        }
        const uint64_t start = spec.first_byte(per_worker_files ? c : threads - 1);
        if (file.size != 0) file.size += start;
        if (file.size == 0 && probe.kind == TargetProbe::Kind::kRegularFile) file.size = probe.size;
        if (file.size == 0) {
          throw UsageError(fmt::format("--file-size: required for the files of the set ('{}' does not exist)",
                                       file.path));
        }
        check_room(file, start, max_io);
        if (probe.kind == TargetProbe::Kind::kRegularFile) check_not_under_a_mount(file, spec, loops);
        if (spec.verify_only && !verified_by_run &&
            (probe.kind != TargetProbe::Kind::kRegularFile || probe.size < file.size)) {
          throw UsageError(fmt::format("--verify-only: '{}' is missing or shorter than {} bytes", file.path, file.size));
        }
        layout.logical_block_size = std::max(layout.logical_block_size, probe.logical_block_size);
        layout.files.push_back(std::move(file));
      }
    }
  } else {
    if (!diskless && names_a_directory(spec.target_path)) {
      throw UsageError(fmt::format("target '{}' names a directory; accepted: a file path or a block device (a "
                                   "directory with --num-files or --total-files)", spec.target_path));
    }
    if (per_worker_files && !diskless) {
      const TargetProbe::Kind kind = TargetProbe::of(spec.target_path).kind;
      if (kind == TargetProbe::Kind::kBlockDevice || kind == TargetProbe::Kind::kMemoryDevice) {
        const bool block = kind == TargetProbe::Kind::kBlockDevice;
        throw UsageError(fmt::format(
            "--file-distribution per-worker: target '{}' is a {}, and per-worker files would be created beside it "
            "('{}.0', ...); accepted: shared or partitioned{}", spec.target_path, block ? "block device" : "device",
            spec.target_path, block ? " on a block device" : ""));
      }
    }
    for (uint32_t i = 0; i < nfiles; ++i) {
      PlannedFile file;
      file.path = per_worker_files ? fmt::format("{}.{}", spec.target_path, worker_name(i)) : spec.target_path;
      file.size = spec.file_size;
      plan_target_file(spec, file, spec.first_byte(per_worker_files ? i : threads - 1), diskless, verified_by_run,
                       max_io, layout.logical_block_size, loops);
      layout.files.push_back(std::move(file));
    }
  }

  if (spec.direct && !diskless) {
    const uint32_t lbs = layout.logical_block_size;
    const auto check = [&](const BlockSizeMix& mix, const char* option) {
      if (const uint32_t size = mix.size_not_multiple_of(lbs); size != 0) {
        throw UsageError(fmt::format(
            "{}: {} is not a multiple of the logical block size {} of the device holding '{}'; "
            "--direct (O_DIRECT) needs aligned IO sizes and offsets", option, size, lbs, spec.target_path));
      }
    };
    if (spec.read_percent > 0) check(spec.read_sizes, "--block-size");
    if (writes) check(spec.write_sizes, "--block-size");
    if (spec.block_align % lbs != 0) {
      throw UsageError(fmt::format(
          "--block-align: {} is not a multiple of the logical block size {} of the device holding '{}'; "
          "--direct (O_DIRECT) needs aligned IO sizes and offsets", spec.block_align, lbs, spec.target_path));
    }
  }

  // Regions.  shared: every worker addresses the whole file, a sequential
  // pass starting at a different place for each; partitioned: worker w the
  // w-th contiguous 1/n of it; per-worker: the worker's own file.  The
  // "whole file" is the part from --offset on (for worker w, from
  // spec.first_byte(w)), --file-size bytes of it or to its end.  With
  // --offset-increment each worker has its own range, so a shared file is
  // addressed like a worker's own: from the range's start, a whole pass each.
  const uint64_t unit = spec.offset_unit();
  const bool own_ranges = spec.offset_increment != 0;
  const auto range_end = [&](uint32_t f, uint64_t begin) {
    return spec.file_size != 0 ? begin + spec.file_size : layout.files[f].size;
  };
  const bool partitioned = spec.file_distribution == FileDistribution::kPartitioned;
  const auto add_region = [&](WorkerAssignment& a, uint32_t file_index, uint64_t offset, uint64_t blocks) {
    a.regions.push_back({file_index, offset, blocks});
    a.region_blocks += blocks;
  };
  const uint32_t nset = static_cast<uint32_t>(layout.files.size()) / (per_worker_files ? threads : 1);
  if (is_file_set(spec) && partitioned && nset < threads) {
    throw UsageError(fmt::format("--file-distribution partitioned: {} files cannot be split among {} workers; "
                                 "accepted: at most {} workers", nset, threads, nset));
  }
  for (uint32_t w = 0; w < threads; ++w) {
    WorkerAssignment a;
    if (is_file_set(spec)) {
      // shared: every file; partitioned: the w-th contiguous share of the
      // files; per-worker: the worker's own copy of the set.
      const uint32_t first = per_worker_files ? w * nset : partitioned ? nset * w / threads : 0;
      const uint32_t last = per_worker_files ? (w + 1) * nset : partitioned ? nset * (w + 1) / threads : nset;
      const uint64_t begin = spec.first_byte(w);
      for (uint32_t f = first; f < last; ++f) add_region(a, f, begin, (range_end(f, begin) - begin) / unit);
      if (!partitioned && !per_worker_files && !own_ranges) a.first_block = a.region_blocks * w / threads;
    } else {
      const uint32_t file_index = per_worker_files ? w : 0;
      const uint64_t start = spec.first_byte(w);
      const uint64_t file_blocks = (range_end(file_index, start) - start) / unit;
      if (partitioned) {
        const uint64_t begin = file_blocks * w / threads;
        const uint64_t end = file_blocks * (w + 1) / threads;
        if (end - begin < std::max<uint64_t>(1, max_io / unit)) {
          throw UsageError(fmt::format(
              "--file-distribution partitioned: {} workers leave fewer than one IO of {} bytes per "
              "worker in {} bytes; accepted: at most {} workers", threads, max_io,
              layout.files[0].size, file_blocks / std::max<uint64_t>(1, max_io / unit)));
        }
        add_region(a, file_index, start + begin * unit, end - begin);
      } else {
        add_region(a, file_index, start, file_blocks);
        a.first_block = per_worker_files || own_ranges ? 0 : (file_blocks * w) / threads;
      }
    }
    layout.workers.push_back(std::move(a));
  }
  if (spec.sequential_skip != 0) {
    // A skip as long as a worker's range would put every IO at one place.
    const uint64_t skip = spec.sequential_skip < 0 ? 0 - static_cast<uint64_t>(spec.sequential_skip)
                                                   : static_cast<uint64_t>(spec.sequential_skip);
    for (const WorkerAssignment& a : layout.workers) {
      if (skip < a.region_blocks * unit) continue;
      throw UsageError(fmt::format("--sequential-skip: {} is not shorter than the {} bytes a worker addresses; "
                                   "accepted: a skip shorter than that", spec.sequential_skip,
                                   a.region_blocks * unit));
    }
  }
  if (spec.file_roundrobin != 0) {
    // Taking each file in turn walks them in step: their ranges are alike.
    for (const WorkerAssignment& a : layout.workers) {
      for (const WorkerRegion& r : a.regions) {
        if (r.blocks == a.regions.front().blocks) continue;
        throw UsageError(fmt::format(
            "--file-order roundrobin: '{}' and '{}' differ in size ({} and {} bytes addressed); accepted: files of "
            "one size, or --file-order sequential", layout.files[a.regions.front().file_index].path,
            layout.files[r.file_index].path, a.regions.front().blocks * unit, r.blocks * unit));
      }
    }
  }
  if (spec.block_align != 0) {
    // Regions are whole multiples of the alignment, which may be more than
    // the files' sizes less their last IO: every region must still hold the
    // largest IO at one of its starts.
    for (const WorkerAssignment& a : layout.workers) {
      for (const WorkerRegion& r : a.regions) {
        if (r.blocks * unit >= max_io) continue;
        throw UsageError(fmt::format(
            "--block-align: {} leaves {} bytes of '{}' at multiples of it{}, less than the largest IO of {} bytes; "
            "accepted: a smaller alignment, or larger files", unit, r.blocks * unit,
            layout.files[r.file_index].path, partitioned ? " (a worker's share)" : "", max_io));
      }
    }
  }

  // Stop conditions.  Without any, the job makes one complete pass (a
  // replay ends with its trace instead).
  const bool complete_pass = spec.replay.empty() &&
                             (spec.run_until_complete ||
                              (spec.duration_ns == 0 && spec.total_bytes == 0 && spec.total_ops == 0));
  if (spec.verify && writes && threads > 1 && own_ranges && !partitioned && !per_worker_files &&
      (spec.file_size == 0 || spec.offset_increment < spec.file_size)) {
    throw UsageError(fmt::format(
        "--verify: --offset-increment {} is less than the {} each worker addresses, so several workers write the "
        "same blocks and none would know which write of a block is the last; accepted: --offset-increment at least "
        "--file-size", spec.offset_increment,
        spec.file_size == 0 ? std::string("rest of the file") : fmt::format("{} bytes", spec.file_size)));
  }
  if (spec.verify && writes && threads > 1 && !complete_pass && !partitioned && !per_worker_files && !own_ranges) {
    throw UsageError(
        "--verify: several workers writing one shared file could have two IOs on one block at once, and each "
        "worker counts its own generations, so none would know which write of a block is the last; "
        "accepted: --file-distribution partitioned or per-worker (each block has one writer), or a complete pass "
        "(--run-until-complete: each block is written once)");
  }
  if (complete_pass) {
    const bool shared = !partitioned && !per_worker_files && !own_ranges;
    const BlockSizeMix* mix = pass_size_mix(spec);
    if (mix != nullptr) {
      // Several sizes: every worker walks the slots of a tiling of its
      // regions, so no byte is touched twice and no IO crosses an end.
      for (uint32_t w = 0; w < threads; ++w) {
        WorkerAssignment& a = layout.workers[w];
        std::vector<uint64_t> units;
        for (const WorkerRegion& r : a.regions) units.push_back(r.blocks);
        const PassTiling tiling(*mix, units, spec.seed, "--block-size", /*count_ios=*/!shared || w == 0);
        a.complete_pass = true;
        a.tiled = true;
        if (shared) {
          a.first_rank = tiling.slots() * w / threads;
          a.pass_slots = tiling.slots() * (w + 1) / threads - a.first_rank;
          if (w == 0) layout.total_ops = tiling.ios();
        } else {
          a.pass_slots = tiling.slots();
          layout.total_ops += tiling.ios();
        }
        if (a.pass_slots == 0) {
          throw UsageError(fmt::format("--threads: {} workers for {} blocks leave worker {} nothing to do",
                                       threads, a.region_blocks, w));
        }
      }
      return layout;
    }
    for (uint32_t w = 0; w < threads; ++w) {
      WorkerAssignment& a = layout.workers[w];
      a.complete_pass = true;
      if (shared) {
        a.first_rank = a.region_blocks * w / threads;
        a.op_limit = a.region_blocks * (w + 1) / threads - a.first_rank;
      } else {
        a.op_limit = a.region_blocks;
      }
      if (a.op_limit == 0) {
        throw UsageError(fmt::format("--threads: {} workers for {} blocks leave worker {} nothing to do",
                                     threads, a.region_blocks, w));
      }
      layout.total_ops += a.op_limit;
    }
    return layout;
  }
  // A byte or op budget is split exactly: worker w gets budget/threads, plus
  // one unit (or op) for the first (budget % threads) workers.
  if (spec.total_bytes != 0) {
    // (In whole IOs of the smallest size, whatever --block-align says.)
    const uint64_t block = spec.block_size;
    if (spec.total_bytes % block != 0) {
      throw UsageError(fmt::format(
          "--total-bytes: {} is not a multiple of the block size {}; accepted: a whole number "
          "of blocks", spec.total_bytes, block));
    }
    const uint64_t units = spec.total_bytes / block;
    if (units / threads == 0) {
      throw UsageError(fmt::format(
          "--total-bytes: {} gives fewer than one block per worker ({} workers of {} bytes)",
          spec.total_bytes, threads, block));
    }
    for (uint32_t w = 0; w < threads; ++w) {
      layout.workers[w].byte_limit = (units / threads + (w < units % threads ? 1 : 0)) * block;
    }
  }
  if (spec.total_ops != 0) {
    if (spec.total_ops < threads) {
      throw UsageError(fmt::format("--total-ops: {} is fewer than one IO per worker ({} workers)",
                                   spec.total_ops, threads));
    }
    for (uint32_t w = 0; w < threads; ++w) {
      layout.workers[w].op_limit = spec.total_ops / threads + (w < spec.total_ops % threads ? 1 : 0);
    }
    layout.total_ops = spec.total_ops;
  }
  return layout;
}

}  // namespace iopulse
