// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// PlannedWorkload: one workload of a job (a phase, or one concurrent group
// of workers within a phase), validated and ready to run: its JobSpec, the
// engine's typed option values, the target layout and the engine binding.  Planning checks everything that can be checked without touching
// a file, including that the engine accepts the job (an instance is created
// and destroyed on the calling thread).
#ifndef IOPULSE_RUN_PLANNED_WORKLOAD_H_
#define IOPULSE_RUN_PLANNED_WORKLOAD_H_

#include <memory>
#include <string>

#include "job/job_spec.h"
#include "plugin/engine_library.h"
#include "plugin/engine_options.h"
#include "plugin/instance_report.h"
#include "run/job_runner.h"
#include "target/target_layout.h"

namespace iopulse {

struct PlannedWorkload {
  std::string name;             // the group's name; empty when the phase is one group
  JobSpec spec;
  EngineOptionValues options;
  TargetLayout layout;
  EngineBinding binding;        // points into `options`: a PlannedWorkload never moves
  InstanceReport engine_report; // what an instance created for this workload reported

  // Throws UsageError (exit code 2) when the workload cannot run.
  // `scope`: the processes sharing the target (multi-host runs);
  // `verified_by_run`: as TargetLayout::plan's.
  static std::unique_ptr<PlannedWorkload> plan(std::string name, JobSpec spec, const EngineLibrary& engine,
                                               const LayoutScope& scope = {}, bool verified_by_run = false);
};

}  // namespace iopulse

#endif  // IOPULSE_RUN_PLANNED_WORKLOAD_H_
