// JobRunner: runs one planned job.  Starts one Worker thread per worker,
// waits for all of them at the start barrier, opens the measured window,
// shows live progress, propagates stop requests (duration, op limits, IO
// errors, SIGINT/SIGTERM) and merges the workers' statistics into a
// RunResult once every worker has finished.
#ifndef IOPULSE_RUN_JOB_RUNNER_H_
#define IOPULSE_RUN_JOB_RUNNER_H_

#include <cstdint>

#include "iopulse/engine.h"
#include "job/job_spec.h"
#include "stats/run_result.h"
#include "target/target_layout.h"

namespace iopulse {

class LiveLine;

struct EngineBinding {
  const iop_engine_desc* desc = nullptr;
  const iop_option_value* options = nullptr;  // typed option values, one per descriptor option
  uint32_t num_options = 0;
  uint32_t queue_depth = 1;                   // the job's, clamped to the engine's maximum
};

class JobRunner {
 public:
  JobRunner(const JobSpec& spec, const TargetLayout& layout, const EngineBinding& engine)
      : spec_(spec), layout_(layout), engine_(engine) {}

  // Runs the job.  Fills the statistics, window, CPU time, stop reason and
  // error messages of `result` (the caller fills engine and config).
  // `live` may be null.  Rethrows a worker's setup failure (nothing ran).
  void run(RunResult& result, LiveLine* live);

 private:
  const JobSpec& spec_;
  const TargetLayout& layout_;
  EngineBinding engine_;
};

}  // namespace iopulse

#endif  // IOPULSE_RUN_JOB_RUNNER_H_
