#include "target/target_layout.h"

#include <fmt/format.h>

#include "job/usage_error.h"
#include "target/target_probe.h"

namespace iopulse {
namespace {

std::string per_worker_path(const std::string& base, uint32_t worker) {
  return fmt::format("{}.{}", base, worker);
}

}  // namespace

TargetLayout TargetLayout::plan(const JobSpec& spec, bool diskless) {
  TargetLayout layout;
  const uint32_t nfiles =
      spec.file_distribution == FileDistribution::kPerWorker ? spec.threads : 1;

  for (uint32_t i = 0; i < nfiles; ++i) {
    PlannedFile file;
    file.path = nfiles == 1 && spec.file_distribution == FileDistribution::kShared
                    ? spec.target_path
                    : per_worker_path(spec.target_path, i);
    file.size = spec.file_size;
    if (!diskless) {
      const TargetProbe probe = TargetProbe::of(file.path);
      switch (probe.kind) {
        case TargetProbe::Kind::kDirectory:
          throw UsageError(fmt::format(
              "target '{}' is a directory; accepted: a file path or a block device", file.path));
        case TargetProbe::Kind::kOther:
          throw UsageError(fmt::format(
              "target '{}' is neither a regular file nor a block device", file.path));
        case TargetProbe::Kind::kBlockDevice:
          file.block_device = true;
          if (spec.read_percent < 100) {
            throw UsageError(fmt::format(
                "target '{}' is a block device and the job writes ({}% writes); writing to "
                "block devices is not enabled in this version", file.path, 100 - spec.read_percent));
          }
          if (file.size == 0) file.size = probe.size;
          if (file.size > probe.size) {
            throw UsageError(fmt::format(
                "--file-size: {} is larger than the block device '{}' ({} bytes)", file.size,
                file.path, probe.size));
          }
          break;
        case TargetProbe::Kind::kRegularFile:
          if (file.size == 0) file.size = probe.size;
          break;
        case TargetProbe::Kind::kMissing:
          break;
      }
      layout.logical_block_size = std::max(layout.logical_block_size, probe.logical_block_size);
    }
    if (file.size == 0) {
      throw UsageError(fmt::format(
          "--file-size: required because '{}' does not exist or is empty; accepted: a size "
          "such as 256M or 1G", file.path));
    }
    if (file.size < spec.block_size) {
      throw UsageError(fmt::format(
          "--block-size: {} is larger than the file size {} of '{}'; accepted: at most the "
          "file size", spec.block_size, file.size, file.path));
    }
    layout.files.push_back(std::move(file));
  }

  if (spec.direct && !diskless && spec.block_size % layout.logical_block_size != 0) {
    throw UsageError(fmt::format(
        "--block-size: {} is not a multiple of the logical block size {} of the device "
        "holding '{}'; --direct (O_DIRECT) needs aligned IO sizes and offsets",
        spec.block_size, layout.logical_block_size, spec.target_path));
  }

  // Regions: a shared file is addressed whole by every worker; a sequential
  // pass starts at a different place for each so they do not read the same
  // blocks in lock step.  Per-worker files are addressed whole by their owner.
  for (uint32_t w = 0; w < spec.threads; ++w) {
    WorkerAssignment a;
    a.file_index = nfiles == 1 ? 0 : w;
    const PlannedFile& file = layout.files[a.file_index];
    a.region_offset = 0;
    a.region_blocks = file.size / spec.block_size;
    a.first_block = nfiles == 1 ? (a.region_blocks * w) / spec.threads : 0;
    layout.workers.push_back(a);
  }

  // A byte budget is split exactly: worker w issues ops/threads IOs, plus one
  // for the first (ops % threads) workers, so the job moves exactly that many
  // bytes.  Without a duration or a budget the job makes one pass over the
  // working set.
  uint64_t total_bytes = spec.total_bytes;
  if (spec.duration_ns == 0 && total_bytes == 0) {
    for (const PlannedFile& f : layout.files) total_bytes += f.size / spec.block_size * spec.block_size;
  }
  if (total_bytes != 0) {
    if (total_bytes % spec.block_size != 0) {
      throw UsageError(fmt::format(
          "--total-bytes: {} is not a multiple of the block size {}; accepted: a whole number "
          "of blocks", total_bytes, spec.block_size));
    }
    layout.total_ops = total_bytes / spec.block_size;
    const uint64_t per = layout.total_ops / spec.threads;
    const uint64_t extra = layout.total_ops % spec.threads;
    for (uint32_t w = 0; w < spec.threads; ++w) {
      layout.workers[w].op_limit = per + (w < extra ? 1 : 0);
    }
    if (per == 0) {
      throw UsageError(fmt::format(
          "--total-bytes: {} gives fewer than one block per worker ({} workers of {} bytes)",
          total_bytes, spec.threads, spec.block_size));
    }
  }
  return layout;
}

}  // namespace iopulse
