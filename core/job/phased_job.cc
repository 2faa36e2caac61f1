// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
#include "job/phased_job.h"

namespace iopulse {

JobSpec PhasedJob::job(const WorkloadSpec& workload) const {
  JobSpec spec{run, workload.own_files ? *workload.own_files : target, workload};
  if (!workload.replay_redirect.empty()) spec.target_path = workload.replay_redirect;
  return spec;
}

PhasedJob PhasedJob::of(const JobSpec& spec) {
  return {spec.run(), spec.target(), {{"", spec.workload(), {}}}};
}

}  // namespace iopulse
