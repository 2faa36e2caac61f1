// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// Agreement: how the processes of a job settle set-up steps that may fail
// on some of them and not others (a bad option in one rank's arguments, a
// target missing on one host).  Every process runs the step, then all learn
// whether any failed; rank 0 prints each distinct error once, naming the
// ranks and hosts it happened on, and every process ends with the same exit
// code.  Alone, a step's exceptions pass through unchanged.
#ifndef IOPULSE_CLUSTER_AGREEMENT_H_
#define IOPULSE_CLUSTER_AGREEMENT_H_

#include <functional>
#include <stdexcept>
#include <string>

#include "cluster/process_group.h"

namespace iopulse {

// Thrown on every process alike once the processes agreed the job cannot go
// on; what() was already printed by rank 0 (or is printed by the single
// process).
class AgreedFailure : public std::runtime_error {
 public:
  AgreedFailure(int exit_code, const std::string& what) : std::runtime_error(what), exit_code_(exit_code) {}
  int exit_code() const { return exit_code_; }

 private:
  int exit_code_;
};

// Runs `step` here and agrees on the outcome (a collective when the group
// has several processes).  A UsageError means exit code 2, anything else 1.
void agree_on(ProcessGroup& group, const std::function<void()>& step);

// Collective: fails every process with `exit_code` when `local_error` is
// non-empty on any; the text names each failing rank and host.
void agree_on_errors(ProcessGroup& group, int exit_code, const std::string& local_error);

}  // namespace iopulse

#endif  // IOPULSE_CLUSTER_AGREEMENT_H_
