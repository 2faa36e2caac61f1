// JobSpec: the validated description of one job, produced by the command
// line (and later by job files) and consumed by the planner.  Every field has
// already been checked when a JobSpec exists: sizes are non-zero, the read
// and write shares sum to 100, the block size fits the file, and so on.
// Nothing downstream parses user text again.
#ifndef IOPULSE_JOB_JOB_SPEC_H_
#define IOPULSE_JOB_JOB_SPEC_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace iopulse {

// How the workers of a job share the target.
enum class FileDistribution {
  kShared,     // every worker does IO on the one target file
  kPerWorker,  // worker i has its own file, "<target>.<i>"
};

const char* to_string(FileDistribution d);

// What the write buffers contain.
enum class BufferFill {
  kRandom,   // incompressible pseudo-random bytes (the default)
  kPattern,  // one repeated byte, --buffer-pattern
};

struct JobSpec {
  // Target.
  std::string target_path;                 // as given (positional argument)
  uint64_t file_size = 0;                  // bytes addressed in each file; 0 = use the existing size
  FileDistribution file_distribution = FileDistribution::kShared;
  bool direct = false;                     // O_DIRECT

  // Workload.
  uint32_t block_size = 4096;              // bytes per IO
  uint32_t threads = 1;                    // workers
  uint32_t queue_depth = 1;                // IOs in flight per worker
  uint32_t read_percent = 100;             // share of reads; writes are the rest
  bool random = false;                     // uniform random offsets; sequential otherwise
  BufferFill buffer_fill = BufferFill::kRandom;
  uint8_t buffer_pattern = 0;              // the byte, when buffer_fill == kPattern

  // Stop condition: a duration, or a byte count (total over all workers).
  // When neither is given the job makes one pass over the working set.
  uint64_t duration_ns = 0;                // 0 = not set
  uint64_t total_bytes = 0;                // 0 = not set

  // Engine.
  std::string engine = "sync";             // a name, or a path to a .so
  std::vector<std::pair<std::string, std::string>> engine_options;  // (option, text) for `engine`
  std::vector<std::string> plugin_dirs;    // --plugin-dir, in order

  // Behaviour and output.
  bool continue_on_error = false;
  bool quiet = false;
  std::string json_output;                 // empty = none

  // Measurement over time.
  uint64_t stats_interval_ns = 1'000'000'000;
  std::string timeseries_output;           // JSON Lines file, empty = none
  std::string csv_output;                  // CSV file, empty = none
  bool timeseries_per_worker = false;      // also one series per worker
  bool heatmap = false;
  uint32_t heatmap_buckets = 100;
  uint16_t prometheus_port = 0;            // 0 = no exporter
  std::string prometheus_bind = "127.0.0.1";

  // The job as JSON (the `config` member of the results).
  nlohmann::json to_json() const;
};

}  // namespace iopulse

#endif  // IOPULSE_JOB_JOB_SPEC_H_
