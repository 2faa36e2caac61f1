// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// Shaping settings: options that only shape something a job may not do.
// --think-every shapes the pauses of --think-time, --zipf-theta a zipf
// distribution, --fsync-every the job's writes.  Given where the thing they
// shape is not, they would be silently ignored, so each has one row here
// saying when the job does without what it shapes and what is said then.
//
// JobSpecBuilder::build() is the one consumer of the rows: a setting the
// job gives itself is refused with the row's words; one it inherits (a job
// file's global setting in a phase, a phase's in its groups) is noted idle
// instead, and build_phased_job() (config/job_file.h) leaves it out of that
// phase, refusing it only when no phase or group that inherits it uses it.
// A new option of this kind is one row, and both follow.
#ifndef IOPULSE_JOB_SHAPING_SETTINGS_H_
#define IOPULSE_JOB_SHAPING_SETTINGS_H_

#include <string>
#include <vector>

#include "job/job_spec.h"

namespace iopulse {

class JobSpecBuilder;

struct ShapingSetting {
  const char* option;  // its name, as job_options() spells it
  // True when the option is in effect and the job does without what it
  // shapes (`spec` is the combination build() checks; `job` says what was
  // given).
  bool (*unused)(const JobSpec& spec, const JobSpecBuilder& job);
  // What the refusal says after "<label>: ", when unused() is true.
  std::string (*why)(const JobSpec& spec);
};

// Every row, in the order build() checks them.
const std::vector<ShapingSetting>& shaping_settings();

}  // namespace iopulse

#endif  // IOPULSE_JOB_SHAPING_SETTINGS_H_
