// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// The host enforces engine capabilities when it plans a job: an option that
// needs a capability the engine lacks (in its descriptor, or in what an
// instance with the job's engine options reports) is exit code 2 with one
// line naming the option, the engine and the capability, before any file is
// touched.  Before ABI 2 such a job ran and its syncs failed mid-run.
#include <sys/stat.h>

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "json_support.h"
#include "run_support.h"

namespace iopulse::test {
namespace {

TEST(EngineCapabilities, SyncEveryOnAnEngineWithoutSyncIsRefusedBeforeAnyFileIsTouched) {
  ScratchDir dir;
  const std::string target = dir.file("t");
  const std::string json = dir.file("out.json");
  const std::vector<std::string> base = {target, "--plugin-dir", kFixtures + "/no_sync", "--engine",
                                         "no_sync", "--file-size", "1M", "--write-percent", "100",
                                         "--total-ops", "64", "--json-output", json, "-q"};
  std::vector<std::string> args = base;
  args.insert(args.end(), {"--fsync-every", "4"});
  expect_refused_untouched(args, {target, json},
                           "--fsync-every: engine no_sync does not support fsync (it lacks the "
                           "capability fsync)");
  args = base;
  args.insert(args.end(), {"--fdatasync-every", "4"});
  expect_refused_untouched(args, {target, json},
                           "--fdatasync-every: engine no_sync does not support fdatasync (it lacks "
                           "the capability fdatasync)");

  // The same job without syncs runs: the engine works, and the refusal was
  // the capability's.
  const RunOutcome r = run_iopulse(base);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(read_json(json)["write"]["ops"], 64);
  EXPECT_TRUE(exists(target));
}

TEST(EngineCapabilities, DirectOnAnEngineWithoutDirectIsRefused) {
  ScratchDir dir;
  const std::string target = dir.file("t");
  const std::string json = dir.file("out.json");
  expect_refused_untouched({target, "--engine", "mmap", "--file-size", "1M", "--direct",
                            "--total-ops", "8", "--json-output", json, "-q"},
                           {target, json},
                           "--direct: engine mmap does not support O_DIRECT (it lacks the "
                           "capability direct)");
}

// mmap cannot trim; io_uring can, but not on an iopoll ring (it takes only
// polled reads and writes).
TEST(EngineCapabilities, TrimOnAnEngineWithoutTrimIsRefusedBeforeAnyFileIsTouched) {
  ScratchDir dir;
  const std::string target = dir.file("t");
  const std::string json = dir.file("out.json");
  expect_refused_untouched({target, "--engine", "mmap", "--file-size", "1M", "--trim-percent", "10",
                            "--total-ops", "8", "--json-output", json, "-q"},
                           {target, json},
                           "--trim-percent: engine mmap does not support trim (it lacks the capability trim)");
  expect_refused_untouched({target, "--engine", "io_uring", "--io_uring.iopoll", "--direct", "--file-size", "1M",
                            "--trim-percent", "10", "--total-ops", "8", "--json-output", json, "-q"},
                           {target, json},
                           "--trim-percent: engine io_uring does not support trim with the engine options given "
                           "(its instance reports no capability trim)");
  // Shares that cannot add up, and trims with verification, are refused the
  // same way.
  expect_refused_untouched({target, "--file-size", "1M", "--trim-percent", "101", "--json-output", json, "-q"},
                           {target, json}, "--trim-percent: '101'");
  expect_refused_untouched({target, "--file-size", "1M", "--read-percent", "90", "--trim-percent", "20",
                            "--json-output", json, "-q"},
                           {target, json}, "--read-percent 90 and --trim-percent 20 add up to 110");
  expect_refused_untouched({target, "--file-size", "1M", "--trim-percent", "20", "--verify", "--json-output", json,
                            "-q"},
                           {target, json}, "--trim-percent 20: cannot be combined with --verify");
}

// Range locks are OFD locks on the host's descriptors: an engine that does
// no file IO (null) leaves none, and the job is refused rather than run
// without the locks it asked for.
TEST(EngineCapabilities, LockModeOnAnEngineWithoutHostDescriptorsIsRefused) {
  ScratchDir dir;
  const std::string target = dir.file("t");
  const std::string json = dir.file("out.json");
  expect_refused_untouched({target, "--engine", "null", "--file-size", "1M", "--lock-mode", "range",
                            "--total-ops", "8", "--json-output", json, "-q"},
                           {target, json},
                           "--lock-mode range: engine null does no file IO, so the host holds no descriptor to "
                           "lock; accepted with this engine: --lock-mode none");
  const RunOutcome r = run_iopulse({target, "--engine", "null", "--file-size", "1M", "--lock-mode", "none",
                                    "--total-ops", "8", "--json-output", json, "-q"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
}

// io_uring can fsync, but not on an iopoll ring: what its instance reports
// for the job's options decides.
TEST(EngineCapabilities, WhatTheInstanceReportsDecides) {
  ScratchDir dir;
  const std::string target = dir.file("t");
  const std::string json = dir.file("out.json");
  expect_refused_untouched({target, "--engine", "io_uring", "--io_uring.iopoll", "--direct",
                            "--file-size", "1M", "--write-percent", "100", "--fsync-every", "2",
                            "--total-ops", "8", "--json-output", json, "-q"},
                           {target, json},
                           "--fsync-every: engine io_uring does not support fsync with the engine "
                           "options given (its instance reports no capability fsync)");
}

// The settings the engine reports as in effect go into the results: the JSON
// engine object, and the text summary's engine line when they are short
// (sync's are; io_uring's, with its metadata ops, are not).
TEST(EngineCapabilities, EngineSettingsReachTheResults) {
  ScratchDir dir;
  const std::string json = dir.file("out.json");
  const RunOutcome r = run_iopulse({dir.file("t"), "--engine", "io_uring", "--file-size", "1M",
                                    "--total-ops", "100", "--json-output", json});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = read_json(json);
  const auto& settings = j["engine"]["settings"];
  ASSERT_TRUE(settings.is_object()) << j["engine"].dump();
  const std::string flags = settings["setup-flags"].get<std::string>();
  EXPECT_FALSE(flags.empty());
  EXPECT_EQ(settings["sq-entries"], "4");  // the longest metadata chain fits
  EXPECT_EQ(settings["meta-sync"], "list");
  EXPECT_FALSE(settings.contains("sqpoll"));  // only what is in effect
  EXPECT_EQ(r.out.find("setup-flags="), std::string::npos) << "over 100 characters: " << r.out;

  const RunOutcome s = run_iopulse({dir.file("t"), "--engine", "sync", "--file-size", "1M",
                                    "--total-ops", "100"});
  ASSERT_EQ(s.exit_code, 0) << s.err;
  EXPECT_NE(s.out.find("(hugepages=off, io-priority=per thread (ioprio_set))"), std::string::npos)
      << s.out;
}

}  // namespace
}  // namespace iopulse::test
