// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// Bad input: one line on stderr naming the option and the value, exit code
// 2, and nothing created on disk.
#include <sys/stat.h>

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "run_support.h"

namespace iopulse::test {
namespace {

struct BadInput {
  std::vector<std::string> args;  // after the target path
  std::string expect;             // a piece of the message
};

TEST(CliErrors, EveryBadValueIsOneLineWithExitCode2AndTouchesNothing) {
  const std::vector<BadInput> cases = {
      {{"--file-size", "10x"}, "--file-size: '10x' is not a size"},
      {{"--file-size", "0"}, "--file-size: '0'"},
      {{"--file-size", "1M", "--threads", "0"}, "--threads: '0'"},
      {{"--file-size", "1M", "--threads", "many"}, "--threads: 'many'"},
      {{"--file-size", "1M", "--queue-depth", "0"}, "--queue-depth: '0'"},
      {{"--file-size", "1M", "--block-size", "0"}, "--block-size: '0'"},
      {{"--file-size", "1M", "--block-size", "2M"}, "--block-size: 2097152 is larger than the file size"},
      {{"--file-size", "1M", "--read-percent", "101"}, "--read-percent: '101'"},
      {{"--file-size", "1M", "--write-percent", "-5"}, "--write-percent"},
      {{"--file-size", "1M", "--read-percent", "70", "--write-percent", "20"}, "add up to 90"},
      {{"--file-size", "1M", "--duration", "5 parsecs"}, "--duration: '5 parsecs' is not a duration"},
      {{"--file-size", "1M", "--duration", "0s"}, "--duration: '0s'"},
      {{"--file-size", "1M", "--total-bytes", "1000"}, "--total-bytes: 1000 is not a multiple of the block size 4096"},
      {{"--file-size", "1M", "--engine", "nosuch"}, "unknown engine 'nosuch'"},
      {{"--file-size", "1M", "--file-distribution", "scattered"}, "--file-distribution: 'scattered'"},
      {{"--file-size", "1M", "--direct", "--block-size", "1000"}, "not a multiple of the logical block size"},
      {{"--file-size", "1M", "--buffer-pattern", "300"}, "--buffer-pattern: '300'"},
      {{"--file-size", "1M", "--no-such-option"}, "unknown option '--no-such-option'"},
      {{"--file-size", "1M", "--null.delay-us=5"}, "belongs to engine null, but the job uses engine sync"},
      {{"--file-size", "1M", "--engine", "null", "--null.delay-us=-1"}, "--null.delay-us"},
      {{"--file-size", "1M", "--engine", "null", "--null.delay-us=abc"}, "--null.delay-us: 'abc'"},
      {{"--file-size", "1M", "--engine", "null", "--null.nosuch=1"}, "--null.nosuch: unknown option for engine null"},
      {{"--file-size", "1M", "--nosuchengine.opt=1"}, "no engine named 'nosuchengine'"},
      {{"extra-target", "--file-size", "1M"}, "too many targets"},
  };
  for (const BadInput& c : cases) {
    ScratchDir dir;
    const std::string target = dir.file("sub/target.dat");
    std::vector<std::string> args{target};
    args.insert(args.end(), c.args.begin(), c.args.end());
    const RunOutcome r = run_iopulse(args);
    const std::string shown = c.args.empty() ? "" : c.args.back();
    EXPECT_EQ(r.exit_code, 2) << shown << "\n" << r.err;
    EXPECT_NE(r.err.find(c.expect), std::string::npos) << "expected '" << c.expect << "' in: " << r.err;
    EXPECT_EQ(lines(r.err), 1u) << r.err;
    EXPECT_TRUE(r.out.empty()) << r.out;
    EXPECT_FALSE(exists(dir.file("sub"))) << "touched the disk for " << shown;
  }
}

TEST(CliErrors, MissingTargetIsAUsageError) {
  const RunOutcome r = run_iopulse({"--file-size", "1M"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("missing TARGET"), std::string::npos) << r.err;
}

TEST(CliErrors, MissingFileSizeForANewFile) {
  ScratchDir dir;
  const RunOutcome r = run_iopulse({dir.file("new.dat")});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--file-size: required"), std::string::npos) << r.err;
  EXPECT_FALSE(exists(dir.file("new.dat")));
}

TEST(CliErrors, DirectoryTargetIsRefused) {
  ScratchDir dir;
  const RunOutcome r = run_iopulse({dir.path(), "--file-size", "1M"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("is a directory"), std::string::npos) << r.err;
}

// A path ending in '/' (or in '.' or '..') names a directory even when
// none exists yet: refused as the directory it names would be, before any
// directory on the way to it is created.
TEST(CliErrors, ATargetNamingADirectoryThatDoesNotExistIsRefusedBeforeAnythingIsCreated) {
  for (const char* name : {"sub/", "sub/.", "sub/..", "sub/new/"}) {
    ScratchDir dir;
    for (const char* distribution : {"shared", "per-worker"}) {
      const RunOutcome r = run_iopulse({dir.file(name), "--file-size", "1M", "--write-percent", "100",
                                        "--file-distribution", distribution});
      EXPECT_EQ(r.exit_code, 2) << name << " " << distribution << "\n" << r.err;
      EXPECT_NE(r.err.find("names a directory"), std::string::npos) << r.err;
      EXPECT_EQ(lines(r.err), 1u) << r.err;
      EXPECT_FALSE(exists(dir.file("sub"))) << "created a directory for " << name;
    }
  }
}

TEST(CliErrors, HelpAndVersionExitZero) {
  RunOutcome r = run_iopulse({"--help"});
  EXPECT_EQ(r.exit_code, 0);
  for (const char* opt : {"--file-size", "--block-size", "--threads", "--queue-depth", "--read-percent",
                          "--write-percent", "--random", "--duration", "--total-bytes", "--engine",
                          "--direct", "--file-distribution", "--json-output", "--plugin-dir",
                          "--list-engines", "--engine-help", "--quiet", "--version"}) {
    EXPECT_NE(r.out.find(opt), std::string::npos) << opt;
  }
  r = run_iopulse({"--version"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find("iopulse 0."), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("ABI 2.1"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace iopulse::test
