// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// Reads the JSON results an integration test asked iopulse to write.
#ifndef IOPULSE_TESTS_INTEGRATION_JSON_SUPPORT_H_
#define IOPULSE_TESTS_INTEGRATION_JSON_SUPPORT_H_

#include <string>

#include <nlohmann/json.hpp>

#include "run_support.h"

namespace iopulse::test {

inline nlohmann::json read_json(const std::string& path) {
  return nlohmann::json::parse(read_file(path));
}

}  // namespace iopulse::test

#endif  // IOPULSE_TESTS_INTEGRATION_JSON_SUPPORT_H_
