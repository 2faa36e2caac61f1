// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// PhasedJob: a run of one or more phases, each of one or more concurrent
// groups of workers.  The run's settings exist once; a phase carries only
// workloads, so what holds for the whole run (the outputs, the intervals,
// the engine) cannot differ between phases and is read from here, never
// from "the first phase".  The files are the run's `target` unless a
// workload names its own (WorkloadSpec::own_files): job() gives each
// workload's.
#ifndef IOPULSE_JOB_PHASED_JOB_H_
#define IOPULSE_JOB_PHASED_JOB_H_

#include <string>
#include <utility>
#include <vector>

#include "job/job_spec.h"

namespace iopulse {

// A phase ready to run.
struct PhaseSpec {
  std::string name;                    // empty for a job without phases
  WorkloadSpec workload;               // the phase's workload (its first group's when it has groups)
  // Concurrent groups (name, workload), each with its own threads; empty
  // when the phase is one group.
  std::vector<std::pair<std::string, WorkloadSpec>> groups;
};

struct PhasedJob {
  RunSettings run;
  TargetSpec target;
  std::vector<PhaseSpec> phases;       // in run order; never empty once built

  // The job of one of this job's workloads: the run's settings, its target
  // (or the workload's own files) and `workload`.  A workload with a replay
  // redirect has that as its target path (as JobSpecBuilder::build() gives
  // it).
  JobSpec job(const WorkloadSpec& workload) const;

  // The job of one unnamed phase of one group: `spec` split into its parts.
  static PhasedJob of(const JobSpec& spec);
};

}  // namespace iopulse

#endif  // IOPULSE_JOB_PHASED_JOB_H_
