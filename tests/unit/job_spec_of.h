// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// The job spec a command line `TARGET --name text ...` gives, built from the
// option table as the command line's parser builds it (JobSpecBuilder, then
// validation).  Nothing is touched: the target is only a name.
#ifndef IOPULSE_TESTS_UNIT_JOB_SPEC_OF_H_
#define IOPULSE_TESTS_UNIT_JOB_SPEC_OF_H_

#include <string>
#include <utility>
#include <vector>

#include "job/job_options.h"

namespace iopulse {

// Options by long name without the dashes, with their text ("" for a flag).
using JobOptionTexts = std::vector<std::pair<std::string, std::string>>;

inline JobSpec job_spec_of(const std::string& target, const JobOptionTexts& options) {
  JobSpecBuilder b;
  b.apply("target", target, "target");
  for (const auto& [name, text] : options) b.apply(name, text, "--" + name);
  return b.build();
}

}  // namespace iopulse

#endif  // IOPULSE_TESTS_UNIT_JOB_SPEC_OF_H_
