// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// UsageError: the job as given cannot run (a bad option value, an invalid
// combination, an engine that cannot be loaded).  The message is one line
// naming the option, the value and what is accepted.  main() prints it and
// exits with code 2; nothing has been touched on disk when it is thrown.
#ifndef IOPULSE_JOB_USAGE_ERROR_H_
#define IOPULSE_JOB_USAGE_ERROR_H_

#include <stdexcept>
#include <string>

namespace iopulse {

class UsageError : public std::runtime_error {
 public:
  explicit UsageError(const std::string& message) : std::runtime_error(message) {}
};

}  // namespace iopulse

#endif  // IOPULSE_JOB_USAGE_ERROR_H_
