// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// Whole runs under Valgrind's leak checker, for the paths whose leaks were
// found before (the --numa-zones check allocated a node mask per call and
// lost it): nothing definitely or indirectly lost.  Skipped without
// valgrind (scripts/test.sh installs it).
#include <filesystem>
#include <string>

#include <gtest/gtest.h>

#include "run_support.h"

namespace iopulse::test {
namespace {

constexpr const char* kValgrind = "/usr/bin/valgrind";

TEST(LeakCheck, RunWithNumaZonesLosesNoMemory) {
  if (!std::filesystem::exists(kValgrind)) GTEST_SKIP() << "valgrind is not installed";
  ScratchDir dir;
  const RunOutcome r = run_command({kValgrind, "--leak-check=full", "--errors-for-leak-kinds=definite,indirect",
                                    "--show-leak-kinds=definite,indirect", "--error-exitcode=9", IOPULSE_BINARY,
                                    dir.file("n"), "--engine", "null", "--file-size", "1M", "--threads", "2",
                                    "--numa-zones", "0", "--duration", "200ms", "-q"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  // A definite or indirect loss is an error (exit code 9).
  EXPECT_NE(r.err.find("ERROR SUMMARY: 0 errors"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace iopulse::test
