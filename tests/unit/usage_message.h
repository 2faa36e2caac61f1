// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// usage_message(f): the message of the UsageError `f` throws, or
// "(no error)" when it returns: what the parser tests compare against the
// one line a user would see.
#ifndef IOPULSE_TESTS_UNIT_USAGE_MESSAGE_H_
#define IOPULSE_TESTS_UNIT_USAGE_MESSAGE_H_

#include <functional>
#include <string>

#include "job/usage_error.h"

namespace iopulse::test {

inline std::string usage_message(const std::function<void()>& f) {
  try {
    f();
  } catch (const UsageError& e) {
    return e.what();
  }
  return "(no error)";
}

}  // namespace iopulse::test

#endif  // IOPULSE_TESTS_UNIT_USAGE_MESSAGE_H_
