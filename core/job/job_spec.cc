#include "job/job_spec.h"

namespace iopulse {

const char* to_string(FileDistribution d) {
  switch (d) {
    case FileDistribution::kShared:
      return "shared";
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
  j["block_size"] = block_size;
  j["threads"] = threads;
  j["queue_depth"] = queue_depth;
  j["read_percent"] = read_percent;
  j["write_percent"] = 100 - read_percent;
  j["random"] = random;
  j["buffer_fill"] = buffer_fill == BufferFill::kRandom ? "random" : "pattern";
  if (buffer_fill == BufferFill::kPattern) j["buffer_pattern"] = buffer_pattern;
  if (duration_ns != 0) j["duration_ns"] = duration_ns;
  if (total_bytes != 0) j["total_bytes"] = total_bytes;
  j["engine"] = engine;
  nlohmann::json opts = nlohmann::json::object();
  for (const auto& [name, value] : engine_options) opts[name] = value;
  j["engine_options"] = opts;
  j["continue_on_error"] = continue_on_error;
  j["stats_interval_ns"] = stats_interval_ns;
  if (heatmap) j["heatmap_buckets"] = heatmap_buckets;
  return j;
}

}  // namespace iopulse
