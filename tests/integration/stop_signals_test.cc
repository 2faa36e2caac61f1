// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// Stops that must end a run with its results: SIGINT during a long think
// pause, SIGHUP (the terminal closed), another process truncating the file
// an mmap run copies from (SIGBUS), and a read-only job under a whole-file
// lock (--lock-mode full).
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <csignal>
#include <fstream>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

#include "json_support.h"
#include "run_support.h"

namespace iopulse::test {
namespace {

using Clock = std::chrono::steady_clock;

TEST(StopSignals, SigintEndsAThinkPauseAtOnce) {
  ScratchDir dir;
  const std::string json = dir.file("out.json");
  const std::string file = dir.file("t");
  // The signal comes once the file is prepared and a little later: the
  // first IO is done and the worker is in its pause of an hour.
  Clock::time_point prepared{};
  Clock::time_point signalled{};
  const RunOutcome r = run_iopulse_and_signal_when(
      {file, "--file-size", "1M", "--think-time", "1h", "--duration", "2h", "--json-output", json, "-q"},
      [&] {
        std::error_code ec;
        if (prepared == Clock::time_point{}) {
          if (std::filesystem::file_size(file, ec) == (1u << 20) && !ec) prepared = Clock::now();
          return false;
        }
        signalled = Clock::now();
        return signalled - prepared > std::chrono::milliseconds(500);
      },
      SIGINT);
  const double took = std::chrono::duration<double>(Clock::now() - signalled).count();
  EXPECT_EQ(r.exit_code, 130) << r.err;
  EXPECT_LT(took, 5.0) << "the pause of an hour ended with the stop";
  const auto j = read_json(json);
  EXPECT_EQ(j["stop_reason"], "interrupted");
  EXPECT_EQ(j["read"]["ops"].get<uint64_t>(), 1u) << "one IO, then the pause";
}

TEST(StopSignals, SighupStopsTheRunAndWritesResults) {
  ScratchDir dir;
  const std::string json = dir.file("out.json");
  const RunOutcome r = run_iopulse_and_signal({dir.file("h"), "--file-size", "4M", "--duration", "60s",
                                               "--stats-interval", "100ms", "--json-output", json},
                                              "IOPS", SIGHUP);
  EXPECT_EQ(r.exit_code, 129) << r.err;
  const auto j = read_json(json);
  EXPECT_EQ(j["interrupted"], true);
  EXPECT_EQ(j["stop_reason"], "interrupted");
  EXPECT_GT(j["read"]["ops"].get<uint64_t>(), 0u);
  EXPECT_LT(j["window_ns"].get<double>(), 30e9);
}

TEST(StopSignals, TruncatingTheFileUnderAnMmapRunIsAnIoErrorWithResults) {
  ScratchDir dir;
  const std::string file = dir.file("m");
  const std::string json = dir.file("out.json");
  const std::string series = dir.file("series.jsonl");
  bool truncated = false;
  // Once the run is under way (its first interval is in the series file),
  // another "process" (this one) empties the file: the mapped pages are gone
  // and the next copy faults.
  const RunOutcome r = run_iopulse_and_signal_when(
      {file, "--engine", "mmap", "--file-size", "16M", "--random", "--duration", "60s", "--json-output", json,
       "--stats-interval", "100ms", "--timeseries-output", series, "-q"},
      [&] {
        std::error_code ec;
        if (!truncated && std::filesystem::file_size(series, ec) > 0 && !ec) {
          truncated = truncate(file.c_str(), 0) == 0;
        }
        return truncated;
      },
      0 /* no signal: the truncation is the event */);
  ASSERT_TRUE(truncated);
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find("engine mmap: bus error (SIGBUS)"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("truncated by another process"), std::string::npos) << r.err;
  const auto j = read_json(json);
  EXPECT_EQ(j["stop_reason"], "error");
  EXPECT_NE(j["errors"].dump().find("SIGBUS"), std::string::npos);
  EXPECT_LT(j["window_ns"].get<double>(), 30e9);
}

// The whole-file lock of a read-only job: shared (a read-only descriptor
// cannot hold a write lock), seen by the kernel in /proc/locks while the
// run goes on.
TEST(StopSignals, FullLockOfAReadJobIsASharedWholeFileLock) {
  ScratchDir dir;
  const std::string file = dir.file("r");
  const std::string json = dir.file("out.json");
  // Prepare the file first, so its inode is known while the job runs.
  ASSERT_EQ(run_iopulse({file, "--file-size", "4M", "--total-ops", "1", "-q"}).exit_code, 0);
  struct stat st {};
  ASSERT_EQ(stat(file.c_str(), &st), 0);
  const std::string inode = ":" + std::to_string(st.st_ino) + " 0 EOF";
  std::string lock_line;
  const RunOutcome r = run_iopulse_and_signal_when(
      {file, "--file-size", "4M", "--lock-mode", "full", "--duration", "60s", "--json-output", json, "-q"},
      [&] {
        std::ifstream locks("/proc/locks");
        for (std::string line; std::getline(locks, line);) {
          if (line.find("OFDLCK") != std::string::npos && line.find(inode) != std::string::npos) lock_line = line;
        }
        return !lock_line.empty();
      },
      SIGINT);
  EXPECT_EQ(r.exit_code, 130) << r.err;
  EXPECT_EQ(r.err.find("Bad file descriptor"), std::string::npos) << r.err;
  EXPECT_NE(lock_line.find("READ"), std::string::npos) << lock_line;
  const auto j = read_json(json);
  EXPECT_GT(j["read"]["ops"].get<uint64_t>(), 0u);
  EXPECT_EQ(j["read"]["errors"].get<uint64_t>(), 0u);
}

}  // namespace
}  // namespace iopulse::test
