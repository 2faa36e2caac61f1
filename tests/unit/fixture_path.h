// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// fixture(relative): where the build put a test fixture (a misbehaving
// engine, a broken shared object) under tests/fixtures/ of the build tree.
#ifndef IOPULSE_TESTS_UNIT_FIXTURE_PATH_H_
#define IOPULSE_TESTS_UNIT_FIXTURE_PATH_H_

#include <string>

namespace iopulse::test {

inline std::string fixture(const std::string& relative) {
  return std::string(IOPULSE_BUILD_TREE_DIR "/tests/fixtures/") + relative;
}

}  // namespace iopulse::test

#endif  // IOPULSE_TESTS_UNIT_FIXTURE_PATH_H_
