// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
#include "job/job_spec.h"

#include <algorithm>

#include "job/io_priority.h"

namespace iopulse {

const char* to_string(FileDistribution d) {
  switch (d) {
    case FileDistribution::kShared:
      return "shared";
    case FileDistribution::kPartitioned:
      return "partitioned";
    case FileDistribution::kPerWorker:
      return "per-worker";
  }
  return "?";
}

nlohmann::json JobSpec::to_json() const {
  nlohmann::json j;
  j["target"] = target_path;
  j["file_size"] = file_size;
  j["file_distribution"] = to_string(file_distribution);
  j["direct"] = direct;
  if (num_files != 0) j["num_files"] = num_files;
  if (total_files != 0) {
    j["total_files"] = total_files;
    j["dir_depth"] = dir_depth;
    j["dir_width"] = dir_width;
  }
  if (!layout_manifest.empty()) j["layout_manifest"] = layout_manifest;
  j["block_size"] = block_size;
  j["read_block_size"] = read_sizes.to_string();
  j["write_block_size"] = write_sizes.to_string();
  j["threads"] = threads;
  j["queue_depth"] = queue_depth;
  if (submit_batch == 0) {
    j["submit_batch"] = "auto";
  } else {
    j["submit_batch"] = submit_batch;
  }
  j["read_percent"] = read_percent;
  j["write_percent"] = write_percent();
  if (trim_percent != 0) j["trim_percent"] = trim_percent;
  if (trim_write) j["trim_write"] = true;
  j["random"] = random;
  if (random) j["distribution"] = distribution.to_string();
  j["seed"] = seed;
  if (fsync_every != 0) j["fsync_every"] = fsync_every;
  if (fdatasync_every != 0) j["fdatasync_every"] = fdatasync_every;
  if (io_priority != 0) {
    j["io_priority"] = io_priority_text(io_priority);
    j["io_priority_percent"] = io_priority_percent;
  }
  if (io_flags != 0) j["io_flags"] = io_flags_text(io_flags);
  if (think_time_ns != 0 || think_adaptive_percent != 0) {
    j["think_time_ns"] = think_time_ns;
    j["think_every"] = think_every;
    j["think_adaptive_percent"] = think_adaptive_percent;
    j["think_mode"] = think_mode == ThinkMode::kSleep ? "sleep" : "spin";
  }
  if (rate_iops != 0) j["rate_iops"] = rate_iops;
  if (rate_bw != 0) j["rate_bw"] = rate_bw;
  if (rate_iops != 0 || rate_bw != 0) j["rate_per_worker"] = rate_per_worker;
  if (!fadvise_name.empty()) j["fadvise"] = fadvise_name;
  if (lock_mode != LockMode::kNone) j["lock_mode"] = lock_mode == LockMode::kRange ? "range" : "full";
  if (!cpu_cores.empty()) j["cpu_cores"] = cpu_cores;
  if (!numa_zones.empty()) j["numa_zones"] = numa_zones;
  if (verify) j["verify"] = true;
  if (verify_only) j["verify_only"] = true;
  if (!verify_journal.empty()) j["verify_journal"] = verify_journal;
  // The requested data content, always stated (the default is unique and
  // incompressible).
  j["compress_percent"] = compress_percent;
  j["dedupe_percent"] = dedupe_percent;
  if (dedupe_percent != 0) {
    j["dedupe_unit"] = dedupe_unit != 0 ? dedupe_unit : block_size;
    j["dedupe_working_set_percent"] = dedupe_working_set_percent;
  } else if (compress_percent != 0 && dedupe_unit != 0) {
    j["dedupe_unit"] = dedupe_unit;
  }
  j["buffer_fill"] = buffer_fill == BufferFill::kRandom ? "random" : "pattern";
  if (buffer_fill == BufferFill::kPattern) j["buffer_pattern"] = buffer_pattern;
  if (duration_ns != 0) j["duration_ns"] = duration_ns;
  if (total_bytes != 0) j["total_bytes"] = total_bytes;
  if (total_ops != 0) j["total_ops"] = total_ops;
  if (run_until_complete) j["run_until_complete"] = true;
  if (!write_iolog.empty()) j["write_iolog"] = write_iolog;
  if (!replay.empty()) {
    j["replay"] = replay;
    j["replay_speed"] = replay_speed;
    j["replay_workers"] = replay_spread ? "threads" : replay_by_pid ? "pid" : "recorded";
    if (!replay_redirect.empty()) j["replay_redirect"] = replay_redirect;
    if (replay_scale == 0) j["replay_scale"] = "fit";
    else j["replay_scale"] = replay_scale;
    if (replay_align != 0) j["replay_align"] = replay_align;
  }
  if (metadata.active()) j["metadata"] = metadata.to_json();
  j["engine"] = engine;
  nlohmann::json opts = nlohmann::json::object();
  for (const auto& [name, value] : engine_options) opts[name] = value;
  j["engine_options"] = opts;
  if (!job_name.empty()) j["job_name"] = job_name;
  j["continue_on_error"] = continue_on_error;
  j["stats_interval_ns"] = stats_interval_ns;
  if (heatmap) j["heatmap_buckets"] = heatmap_buckets;
  return j;
}

}  // namespace iopulse

namespace iopulse {

ContentSpec JobSpec::content(uint64_t working_set_bytes) const {
  ContentSpec c;
  c.compress_percent = compress_percent;
  c.dedupe_percent = dedupe_percent;
  c.unit = dedupe_unit != 0 ? dedupe_unit : block_size;
  c.working_set = std::max<uint64_t>(1, working_set_bytes / 100 * dedupe_working_set_percent / c.unit);
  c.seed = seed;
  return c;
}

}  // namespace iopulse
