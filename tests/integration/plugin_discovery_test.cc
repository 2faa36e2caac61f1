// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// Plugin discovery with broken shared objects in the searched directories:
// one broken plugin no longer disables every engine, a truncated ELF
// crashes nothing, --list-engines shows broken plugins and goes on, and only
// the plugins a job needs are loaded (the dynamic loader's own trace,
// LD_DEBUG=files, is the observer).
#include <filesystem>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "run_support.h"

namespace iopulse::test {
namespace {

namespace fs = std::filesystem;

const std::string kBuiltPlugins = std::string(IOPULSE_FIXTURE_PLUGIN_DIR) + "/../../plugins";

// A directory of plugins gone wrong: not ELF, a wrong ABI, no entry point,
// and copies of the sync engine cut short at several sizes.
void fill_with_broken_plugins(const ScratchDir& dir) {
  fs::copy_file(kFixtures + "/not_elf/garbage.so", dir.file("garbage.so"));
  fs::copy_file(kFixtures + "/abi_major/iopulse_abi_major.so", dir.file("iopulse_abi_major.so"));
  fs::copy_file(kFixtures + "/no_entry/iopulse_no_entry.so", dir.file("noentry.so"));
  for (const uintmax_t size : {64u, 1000u, 4096u, 12288u}) {
    const std::string name = dir.file("cut" + std::to_string(size) + ".so");
    fs::copy_file(kBuiltPlugins + "/iopulse_sync.so", name);
    fs::resize_file(name, size);
  }
}

TEST(PluginDiscovery, BrokenPluginsInSearchedDirectoriesDisableNoEngine) {
  ScratchDir broken;
  fill_with_broken_plugins(broken);
  ScratchDir dir;
  const std::vector<std::vector<std::string>> ways = {
      {"--plugin-dir", broken.path(), "--engine", "sync"},
      {"--plugin-dir", broken.path(), "--engine", "null"},
      {"--plugin-dir", broken.path(), "--engine", fs::canonical(kBuiltPlugins + "/iopulse_sync.so").string()},
  };
  for (std::vector<std::string> args : ways) {
    args.insert(args.begin(), {dir.file("t"), "--file-size", "1M", "-q"});
    const RunOutcome r = run_iopulse(args);
    EXPECT_EQ(r.exit_code, 0) << args.back() << ": " << r.err;
    EXPECT_NE(r.out.find("(256 ops)"), std::string::npos) << r.out;
  }
  // Through the environment too.
  const RunOutcome r = run_iopulse({dir.file("t"), "--file-size", "1M", "-q"}, {"IOPULSE_PLUGIN_PATH=" + broken.path()});
  EXPECT_EQ(r.exit_code, 0) << r.err;
}

TEST(PluginDiscovery, ListEnginesShowsBrokenPluginsAndGoesOn) {
  ScratchDir broken;
  fill_with_broken_plugins(broken);
  const RunOutcome r = run_iopulse({"--plugin-dir", broken.path(), "--list-engines"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  for (const char* name : {"garbage.so", "iopulse_abi_major.so", "noentry.so", "cut64.so", "cut1000.so", "cut4096.so",
                           "cut12288.so"}) {
    EXPECT_NE(r.out.find(broken.file(name)), std::string::npos) << name << " in\n" << r.out;
  }
  EXPECT_NE(r.out.find("truncated: 4096 bytes"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("invalid ELF header"), std::string::npos) << r.out;
  // The good engines are all there.
  for (const char* engine : {"iopulse_sync.so", "iopulse_null.so", "iopulse_mmap.so"}) {
    EXPECT_NE(r.out.find(engine), std::string::npos) << engine << " in\n" << r.out;
  }
}

TEST(PluginDiscovery, ATruncatedPluginGivenByPathIsRefusedNotACrash) {
  ScratchDir broken;
  fill_with_broken_plugins(broken);
  ScratchDir dir;
  const RunOutcome r = run_iopulse({dir.file("t"), "--file-size", "1M", "--engine", broken.file("cut4096.so")});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("truncated"), std::string::npos) << r.err;
}

TEST(PluginDiscovery, OnlyThePluginTheJobNeedsIsLoaded) {
  ScratchDir dir;
  const RunOutcome r = run_iopulse({dir.file("t"), "--file-size", "64k", "--plugin-dir", kFixtures + "/good",
                                    "--plugin-dir", kFixtures + "/create_fails", "--engine", "sync", "-q"},
                                   {"LD_DEBUG=files"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("iopulse_sync.so"), std::string::npos) << "the trace shows the engine used";
  EXPECT_EQ(r.err.find("iopulse_fixture_good.so"), std::string::npos) << "loaded an engine the job does not use";
  EXPECT_EQ(r.err.find("iopulse_create_fails.so"), std::string::npos) << "loaded an engine the job does not use";
  EXPECT_EQ(r.err.find("iopulse_io_uring.so"), std::string::npos) << "loaded an engine the job does not use";
}

TEST(PluginDiscovery, APluginWhoseFileIsNamedOtherwiseIsStillFound) {
  ScratchDir plugins;
  fs::copy_file(kFixtures + "/good/iopulse_fixture_good.so", plugins.file("my-engine.so"));
  fs::copy_file(kFixtures + "/good/iopulse_fixture_good.so", plugins.file("iopulse_misnamed.so"));
  ScratchDir dir;
  RunOutcome r = run_iopulse({dir.file("t"), "--file-size", "64k", "--plugin-dir", plugins.path(), "--engine",
                              "fixture_good", "-q"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  // And an unknown name lists what there is.
  r = run_iopulse({dir.file("t"), "--file-size", "64k", "--plugin-dir", plugins.path(), "--engine", "nosuch"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("engines found: "), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("fixture_good"), std::string::npos) << r.err;
}

// A --plugin-dir that names no directory (empty, missing) is one line
// naming the option and the value, exit 2, before any file is touched; for
// convert too, whose job may need no plugin.
TEST(PluginDiscovery, APluginDirThatIsNoDirectoryIsOneLine) {
  ScratchDir dir;
  const std::string job = dir.file("job.fio");
  std::ofstream(job) << "[a]\nfilename=" << dir.file("f") << "\nsize=64k\nrw=read\n";
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"", "--plugin-dir: '' is not a directory; accepted: a directory of engine plugins"},
      {dir.file("nosuch"), "--plugin-dir: '" + dir.file("nosuch") +
                               "' does not exist; accepted: a directory of engine plugins"},
  };
  for (const auto& [plugin_dir, message] : cases) {
    for (const std::vector<std::string>& args :
         {std::vector<std::string>{dir.file("t"), "--file-size", "64k", "--plugin-dir", plugin_dir, "-q"},
          {"convert", job, "--plugin-dir", plugin_dir}}) {
      const RunOutcome r = run_iopulse(args);
      EXPECT_EQ(r.exit_code, 2) << args[0] << " " << plugin_dir;
      EXPECT_EQ(r.err, "iopulse: error: " + message + "\n");
      EXPECT_EQ(r.out, "");
    }
  }
  EXPECT_FALSE(fs::exists(dir.file("t")));
  EXPECT_FALSE(fs::exists(dir.file("f")));
}

}  // namespace
}  // namespace iopulse::test
