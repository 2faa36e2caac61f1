// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// Job identity: before any rank touches a file, the ranks of a multi-host
// job check that they run the same software (iopulse version, engine name,
// version and ABI) and were given the same job.  A mismatch (an old binary
// on one host, a different engine build in one plugin directory) is refused
// with a message naming the ranks on each side.
#ifndef IOPULSE_CLUSTER_JOB_IDENTITY_H_
#define IOPULSE_CLUSTER_JOB_IDENTITY_H_

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cluster/process_group.h"

namespace iopulse {

struct JobIdentity {
  std::string software;  // "iopulse 0.1.0, engine io_uring 0.1.0 (ABI 1.0)"
  nlohmann::json job;    // the effective job, target path as given (before placeholders)
};

// Collective.  Returns every rank's host name, by rank.  Throws
// AgreedFailure (exit code 2) on every rank when the software or the job
// differ between ranks.
std::vector<std::string> check_same_job(ProcessGroup& group, const JobIdentity& mine);

}  // namespace iopulse

#endif  // IOPULSE_CLUSTER_JOB_IDENTITY_H_
