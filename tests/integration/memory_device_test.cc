// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// /dev/null and /dev/zero as targets (fio's steadystate.fio uses them):
// IO that measures the host and the kernel's system calls.  strace is the
// observer of the calls made on them; what they cannot do (reads of
// /dev/null, O_DIRECT, keeping data to verify, a size of their own) is
// refused before anything is touched.
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "json_support.h"
#include "run_support.h"

namespace iopulse::test {
namespace {

using ::testing::HasSubstr;

// Calls of `call` on `path` of `bytes` in the strace -ff -y logs of
// `prefix` (one per thread: no call split across lines).
int calls_on(const std::string& prefix, const std::string& call, const std::string& path, int bytes) {
  const std::regex pattern("^" + call + "\\(\\d+<" + path + ">, .*, " + std::to_string(bytes) + ", \\d+\\) = " +
                           std::to_string(bytes));
  const std::filesystem::path p(prefix);
  int n = 0;
  for (const auto& entry : std::filesystem::directory_iterator(p.parent_path())) {
    if (!entry.path().filename().string().starts_with(p.filename().string() + ".")) continue;
    std::istringstream lines(read_file(entry.path().string()));
    for (std::string line; std::getline(lines, line);) n += std::regex_search(line, pattern) ? 1 : 0;
  }
  return n;
}

TEST(MemoryDevices, WritesGoToDevNullAndReadsComeFromDevZero) {
  if (access("/usr/bin/strace", X_OK) != 0) GTEST_SKIP() << "strace is not installed";
  ScratchDir dir;
  const std::vector<std::pair<std::string, std::string>> jobs = {{"/dev/null", "pwrite64"},
                                                                 {"/dev/zero", "pread64"}};
  for (const auto& [device, call] : jobs) {
    SCOPED_TRACE(device);
    const std::string trace = dir.file(call == "pread64" ? "read-trace" : "write-trace");
    const RunOutcome r = run_command(
        {"/usr/bin/strace", "-E", asan_options_under_strace(), "-f", "-ff", "-qq", "-y", "-e", "trace=" + call, "-o", trace,
         IOPULSE_BINARY, device, "--file-size", "1M", "--threads", "2", "--random",
         "--read-percent", call == "pread64" ? "100" : "0", "--json-output", dir.file("r.json"), "-q"},
        {});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const nlohmann::json j = read_json(dir.file("r.json"));
    const char* kind = call == "pread64" ? "read" : "write";
    EXPECT_EQ(j[kind]["ops"].get<int>(), 256) << "a complete pass of 1 MiB in 4 KiB";
    EXPECT_EQ(calls_on(trace, call, device, 4096), 256);
    EXPECT_EQ(j["stop_reason"], "complete");
  }
  for (const auto& entry : std::filesystem::directory_iterator(dir.path())) {
    const std::string name = entry.path().filename().string();
    EXPECT_TRUE(name == "r.json" || name.find("-trace.") != std::string::npos) << name << " was made";
  }
}

TEST(MemoryDevices, WhatTheyCannotDoIsRefusedFirst) {
  ScratchDir dir;
  // (Per-worker names beside a link to /dev/zero would be made here, not in /dev.)
  std::filesystem::create_symlink("/dev/zero", dir.file("zero"));
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{"/dev/null", "--file-size", "1M"}, "target '/dev/null': its reads end at once"},
      {{"/dev/zero", "--file-size", "1M", "--direct"}, "--direct: '/dev/zero' cannot be opened with O_DIRECT"},
      {{"/dev/zero", "--file-size", "1M", "--write-percent", "100", "--verify"}, "keeps no data"},
      {{"/dev/zero", "--file-size", "1M", "--trim-percent", "10"}, "keeps no data"},
      {{"/dev/zero"}, "--file-size: required for '/dev/zero', which has no size"},
      {{dir.file("zero"), "--file-size", "1M", "--threads", "2", "--file-distribution", "per-worker"},
       "per-worker files would be created beside it"},
      {{"/dev/null", "--file-size", "1M", "--write-percent", "100", "--fsync-every", "4"}, "cannot be synced"},
      {{"/dev/null", "--file-size", "1M", "--write-percent", "100", "--end-fsync"}, "cannot be synced"},
      // (before the list's other file is made)
      {{"--file-list", dir.file("a") + ":/dev/zero", "--file-size", "1M", "--engine", "mmap"},
       "target '/dev/zero': engine mmap maps its files into memory"},
      {{"/dev/full", "--file-size", "1M"}, "neither a regular file nor a block device (nor /dev/null or /dev/zero)"},
  };
  for (const auto& [args, message] : cases) {
    SCOPED_TRACE(message);
    std::vector<std::string> all = args;
    all.insert(all.end(), {"--json-output", dir.file("r.json")});
    const RunOutcome r = run_iopulse(all);
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_THAT(r.err, HasSubstr(message));
    EXPECT_EQ(lines(r.err), 1u) << r.err;
    EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir.path()), {}), 1) << "only the link";
  }
  // Results may go to /dev/null when it is the target too (it keeps nothing).
  const RunOutcome quiet = run_iopulse({"/dev/null", "--file-size", "64k", "--write-percent", "100",
                                        "--json-output", "/dev/null", "-q"});
  EXPECT_EQ(quiet.exit_code, 0) << quiet.err;
}

// fio's steadystate.fio in small: clones writing /dev/null, then clones
// reading /dev/zero, each for its runtime; every job's entry has its IOs.
TEST(MemoryDevices, AFioFileOnDevNullAndDevZeroRuns) {
  ScratchDir dir;
  const std::string job = dir.file("ss.fio");
  // (The two jobs of /dev/zero at two sizes: nothing is prepared, so
  // both are accepted, as in fio.)
  std::ofstream(job) << "[global]\nthreads=1\ngroup_reporting\ntime_based\nsize=8m\n"
                        "[ss-write]\nfilename=/dev/null\nrw=write\nbs=128k\nnumjobs=2\nruntime=300ms\n"
                        "[ss-read]\nnew_group\nstonewall\nfilename=/dev/zero\nrw=randread\nbs=4k\nnumjobs=2\n"
                        "runtime=300ms\n[small]\nnew_group\nfilename=/dev/zero\nrw=read\nsize=1m\ntime_based=0\n";
  const RunOutcome r = run_iopulse({job, "--output-format", "fio-json", "--quiet"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const nlohmann::json j = nlohmann::json::parse(r.out);
  ASSERT_EQ(j["jobs"].size(), 3u);
  EXPECT_EQ(j["jobs"][0]["jobname"], "ss-write");
  EXPECT_GT(j["jobs"][0]["write"]["total_ios"].get<uint64_t>(), 0u);
  EXPECT_EQ(j["jobs"][0]["read"]["total_ios"].get<uint64_t>(), 0u);
  EXPECT_EQ(j["jobs"][1]["jobname"], "ss-read");
  EXPECT_GT(j["jobs"][1]["read"]["total_ios"].get<uint64_t>(), 0u);
  EXPECT_EQ(j["jobs"][2]["jobname"], "small");
  EXPECT_EQ(j["jobs"][2]["read"]["total_ios"].get<uint64_t>(), 256u);
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir.path()), {}), 1) << "only the job file";
}

}  // namespace
}  // namespace iopulse::test
