// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// The phases of a PhasedJob with each workload joined to the run's settings
// and target (PhasedJob::job()): the JobSpec every workload runs with, for
// tests that check a setting whichever part of the job holds it.
#ifndef IOPULSE_TESTS_UNIT_PHASE_JOBS_H_
#define IOPULSE_TESTS_UNIT_PHASE_JOBS_H_

#include <string>
#include <utility>
#include <vector>

#include "job/phased_job.h"

namespace iopulse {

struct PhaseJob {
  std::string name;
  JobSpec spec;                                          // the phase's (its first group's) job
  std::vector<std::pair<std::string, JobSpec>> groups;  // (name, job) of each group
};

inline std::vector<PhaseJob> phase_jobs(const PhasedJob& job) {
  std::vector<PhaseJob> out;
  for (const PhaseSpec& p : job.phases) {
    PhaseJob one{p.name, job.job(p.workload), {}};
    for (const auto& [name, workload] : p.groups) one.groups.emplace_back(name, job.job(workload));
    out.push_back(std::move(one));
  }
  return out;
}

}  // namespace iopulse

#endif  // IOPULSE_TESTS_UNIT_PHASE_JOBS_H_
