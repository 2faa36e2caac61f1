// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// JobSpec: the validated description of one job, produced by the command
// line (and by job files, one per workload) and consumed by the planner.
// Every field has already been checked when a JobSpec exists: sizes are
// non-zero, the read and write shares sum to 100, the block size fits the
// file, and so on.  Nothing downstream parses user text again.
//
// A JobSpec is three parts, each the settings of the options of some scopes
// of the option table (job/job_options.h, job_part()):
//   RunSettings   the engine, error policy, outputs, intervals, metrics,
//                 journal: they hold for the whole run
//   TargetSpec    the target and how its files are prepared: the run's,
//                 or a phase's or group's own (WorkloadSpec::own_files)
//   WorkloadSpec  what the workers do: what a phase may change
// A job of phases (job/phased_job.h) keeps the first two once and a
// WorkloadSpec per phase and group; PhasedJob::job() joins them into the
// JobSpec of one workload.  The parts are bases so that a field is named
// the same whichever part holds it (spec.block_size, spec.json_output).
// See docs/design.md, "The job model".
#ifndef IOPULSE_JOB_JOB_SPEC_H_
#define IOPULSE_JOB_JOB_SPEC_H_

#include "job/run_settings.h"
#include "job/target_spec.h"
#include "job/workload_spec.h"

namespace iopulse {

struct JobSpec : RunSettings, TargetSpec, WorkloadSpec {
  const RunSettings& run() const { return *this; }
  RunSettings& run() { return *this; }
  const TargetSpec& target() const { return *this; }
  TargetSpec& target() { return *this; }
  const WorkloadSpec& workload() const { return *this; }
  WorkloadSpec& workload() { return *this; }

  // Part by part, field by field; the option table's unit test compares
  // jobs with it.
  bool operator==(const JobSpec&) const = default;
};

}  // namespace iopulse

#endif  // IOPULSE_JOB_JOB_SPEC_H_
