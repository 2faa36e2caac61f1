// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// --list-engines, --engine-help and plugin loading through the real binary.
#include <algorithm>
#include <string>

#include <gtest/gtest.h>

#include "run_support.h"

namespace iopulse::test {
namespace {

TEST(EngineCatalog, ListEnginesShowsEveryInTreeEngine) {
  const RunOutcome r = run_iopulse({"--list-engines"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  for (const char* expected : {"null", "sync", "2.0.0", "ABI 2.1", "requires: diskless", "fsync",
                               "direct", "metadata ops: mkdir", "io-priority", "completion-fd",
                               "iopulse_null.so", "iopulse_sync.so"}) {
    EXPECT_NE(r.out.find(expected), std::string::npos) << expected << " in\n" << r.out;
  }
}

TEST(EngineCatalog, EngineHelpListsTypedOptions) {
  const RunOutcome r = run_iopulse({"--engine-help", "null"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("--null.delay-us"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("0..10000000"), std::string::npos) << r.out;
}

TEST(EngineCatalog, EngineByPathAndFromPluginDirAndEnvironment) {
  ScratchDir dir;
  // A path to the .so.
  RunOutcome r = run_iopulse({dir.file("x"), "--engine", kFixtures + "/good/iopulse_fixture_good.so",
                              "--file-size", "1M", "--total-bytes", "64k", "-q"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  // A name found through --plugin-dir.
  r = run_iopulse({"--plugin-dir", kFixtures + "/good", "--list-engines"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("fixture_good"), std::string::npos) << r.out;
  // A name found through IOPULSE_PLUGIN_PATH.
  r = run_iopulse({"--list-engines"}, {"IOPULSE_PLUGIN_PATH=/nonexistent:" + kFixtures + "/good"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("fixture_good"), std::string::npos) << r.out;
}

struct BadPlugin {
  std::string dir;
  std::string expect;
};

TEST(EngineCatalog, BadPluginsAreListedAsBrokenAndTheListGoesOn) {
  const std::vector<BadPlugin> cases = {
      {"not_elf", "garbage.so"},
      {"no_entry", "iopulse_engine_entry"},
      {"abi_major", "engine ABI 3.0 is newer than this iopulse (ABI 2.1)"},
      {"abi1", "engine ABI 1.0 is older than this iopulse (ABI 2.1): rebuild the engine against "
               "the IOPulse SDK of ABI 2"},
      {"entry_fails", "entry function failed"},
      {"missing_function", "submit"},
  };
  for (const BadPlugin& c : cases) {
    const RunOutcome r = run_iopulse({"--plugin-dir", kFixtures + "/" + c.dir, "--list-engines"});
    EXPECT_EQ(r.exit_code, 0) << c.dir << ": " << r.err;
    EXPECT_NE(r.out.find("broken plugin (not loaded)"), std::string::npos) << c.dir << ": " << r.out;
    EXPECT_NE(r.out.find(kFixtures + "/" + c.dir), std::string::npos) << "path missing: " << r.out;
    EXPECT_NE(r.out.find(c.expect), std::string::npos) << c.dir << ": " << r.out;
    // The engines beside it are still listed.
    EXPECT_NE(r.out.find("iopulse_sync.so"), std::string::npos) << c.dir << ": " << r.out;
  }
}

TEST(EngineCatalog, BadPluginGivenByPathIsOneLineAndExitCode2) {
  ScratchDir dir;
  for (const char* so : {"not_elf/garbage.so", "no_entry/iopulse_no_entry.so", "abi_major/iopulse_abi_major.so"}) {
    const RunOutcome r = run_iopulse({dir.file("x"), "--engine", kFixtures + "/" + so, "--file-size", "1M"});
    EXPECT_EQ(r.exit_code, 2) << so << ": " << r.err;
    EXPECT_NE(r.err.find(kFixtures + "/" + so), std::string::npos) << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  }
}

TEST(EngineCatalog, DuplicateNameWarnsAndFirstWins) {
  const RunOutcome r = run_iopulse({"--plugin-dir", kFixtures + "/dup_a", "--plugin-dir",
                                    kFixtures + "/dup_b", "--list-engines"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find(kFixtures + "/dup_a/iopulse_dupe.so"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find(kFixtures + "/dup_b/iopulse_dupe.so"), std::string::npos) << r.err;
  EXPECT_NE(r.out.find(kFixtures + "/dup_a/iopulse_dupe.so"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find(kFixtures + "/dup_b/iopulse_dupe.so"), std::string::npos) << r.out;
}

TEST(EngineCatalog, CreateFailureShowsTheEngineMessageAndTouchesNothing) {
  ScratchDir dir;
  const RunOutcome r = run_iopulse({dir.file("c"), "--plugin-dir", kFixtures + "/create_fails",
                                    "--engine", "create_fails", "--file-size", "1M"});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("fixture: create refused on purpose"), std::string::npos) << r.err;
}

TEST(EngineCatalog, MissingEngineNamesThePackageAndDirectories) {
  const RunOutcome r = run_iopulse({"x", "--engine", "io_uring_nonexistent", "--file-size", "1M"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("iopulse-engine-io-uring-nonexistent"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("directories searched"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace iopulse::test
