// RunResult: everything one run measured, as the run layer hands it to the
// reports (text summary, JSON, ...).  Plain data: the run layer fills it
// once the measured window has closed; reports only read it.
#ifndef IOPULSE_STATS_RUN_RESULT_H_
#define IOPULSE_STATS_RUN_RESULT_H_

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "stats/op_stats.h"

namespace iopulse {

// Which engine plugin did the IO, as it described itself when loaded.
struct EngineIdentity {
  std::string name;     // e.g. "io_uring"
  std::string version;  // the engine's own version string
  std::string abi;      // engine ABI major.minor it was built against, e.g. "1.0"
  std::string path;     // the shared object it was loaded from
};

// CPU time the iopulse process used during the measured window, seconds.
struct CpuUsage {
  double user_s = 0;
  double system_s = 0;
};

struct RunResult {
  nlohmann::json config;        // the effective job, as given by the caller
  EngineIdentity engine;
  std::string iopulse_version;  // IOPULSE_VERSION of the host
  uint64_t window_ns = 0;       // measured window: barrier release to stop condition
  OpStats read;                 // merged over all workers
  OpStats write;
  CpuUsage cpu;
  bool interrupted = false;     // stopped early by SIGINT/SIGTERM
  std::string stop_reason;      // "duration", "total-bytes", "interrupted" or "error"
  std::vector<std::string> error_messages;  // the first few IO error texts

  // Reads and writes merged.
  OpStats total() const {
    OpStats sum = read;
    sum.merge(write);
    return sum;
  }
};

}  // namespace iopulse

#endif  // IOPULSE_STATS_RUN_RESULT_H_
