// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// File preparation: a fill that cannot fit is refused before anything is
// written; SIGINT/SIGTERM stop it promptly with its progress reported;
// ENOSPC and EIO end it with the errno text and valid result files; no
// half-prepared file is marked as prepared; the marker is checked against
// the file; and a file that needs nothing written is only read, so read
// jobs work on read-only mounts, immutable files and files the user may only
// read, with every file engine.  Observers: the file system (stat, st_blocks,
// the dataset marker read with getxattr), faultfs (tests/fixtures/faultfs,
// a FUSE file system that fails writes), tiny tmpfs mounts, and the result
// files read back.
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "filesystem_support.h"
#include "json_support.h"
#include "run_support.h"

namespace iopulse::test {
namespace {

namespace fs = std::filesystem;

// The dataset marker, or "" when the file has none.
std::string marker_of(const std::string& path) {
  char buf[256];
  const ssize_t n = getxattr(path.c_str(), "user.iopulse.dataset", buf, sizeof buf);
  return n > 0 ? std::string(buf, static_cast<size_t>(n)) : std::string();
}

uint64_t allocated_bytes(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0 ? static_cast<uint64_t>(st.st_blocks) * 512 : 0;
}

TEST(Preparation, AFillThatCannotFitIsRefusedBeforeAnythingIsWritten) {
  ScratchDir dir;
  // Far beyond any disk, on /tmp: the fill of the issue that ran until the
  // disk was full.
  RunOutcome r = run_iopulse({dir.file("huge"), "--file-size", "18446744073709551615", "--block-size", "1M"});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("bytes free"), std::string::npos) << r.err;
  EXPECT_FALSE(exists(dir.file("huge")));

  // A tiny tmpfs: 8 MiB free, 16 MiB asked, and per-worker files that only
  // fit one at a time.
  TmpfsMount tiny(dir.file("tiny"), "8M");
  if (!tiny.ok()) GTEST_SKIP() << tiny.why();
  r = run_iopulse({dir.file("tiny/t"), "--file-size", "16M"});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("--file-size"), std::string::npos) << r.err;
  EXPECT_FALSE(exists(dir.file("tiny/t")));
  r = run_iopulse({dir.file("tiny/p"), "--file-size", "5M", "--threads", "2", "--file-distribution", "per-worker"});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_FALSE(exists(dir.file("tiny/p.0")));
  // What fits is prepared.
  r = run_iopulse({dir.file("tiny/ok"), "--file-size", "4M", "-q"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
}

void expect_stopped_preparation(int signal) {
  ScratchDir dir;
  const std::string target = dir.file("big");
  const std::string json = dir.file("r.json");
  const RunOutcome r = run_iopulse_and_signal_when(
      {target, "--file-size", "2G", "--json-output", json, "--csv-output", dir.file("ts.csv"), "-q"},
      [&] { return allocated_bytes(target) >= (64u << 20); }, signal);
  EXPECT_EQ(r.exit_code, 128 + signal) << r.err;
  EXPECT_NE(r.err.find("preparing the files was interrupted after"), std::string::npos) << r.err;
  // The results say what happened, and how far the preparation came.
  const nlohmann::json j = read_json(json);
  EXPECT_EQ(j["stop_reason"], "interrupted");
  EXPECT_EQ(j["interrupted"], true);
  EXPECT_EQ(j["read"]["ops"], 0);
  const uint64_t reported = j["preparation"]["bytes_written"].get<uint64_t>();
  EXPECT_GE(reported, 64u << 20);
  // It stopped then: the file holds what was reported, give or take the
  // chunk in flight, not the 2 GiB asked for.
  EXPECT_LE(allocated_bytes(target), reported + (4u << 20));
  EXPECT_LT(reported, 2ull << 30);
  EXPECT_EQ(marker_of(target), "") << "a half-prepared file is marked as prepared";
  EXPECT_NE(read_file(dir.file("ts.csv")).find("worker,index"), std::string::npos);
}

TEST(Preparation, SigintStopsItPromptlyWithProgressReported) { expect_stopped_preparation(SIGINT); }

TEST(Preparation, SigtermStopsItPromptlyWithProgressReported) { expect_stopped_preparation(SIGTERM); }

void expect_failed_preparation(const std::string& error, const std::string& errno_text) {
  ScratchDir dir;
  FaultFs faulty(dir.file("mnt"), 3u << 20, error);
  if (!faulty.ok()) GTEST_SKIP() << faulty.why();
  const std::string target = dir.file("mnt/t");
  const RunOutcome r = run_iopulse({target, "--file-size", "8M", "--json-output", dir.file("r.json"),
                                    "--timeseries-output", dir.file("ts.jsonl"), "--csv-output", dir.file("ts.csv"),
                                    "-q"});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find(errno_text), std::string::npos) << r.err;
  EXPECT_NE(r.err.find(target), std::string::npos) << r.err;
  const nlohmann::json j = read_json(dir.file("r.json"));
  EXPECT_EQ(j["stop_reason"], "preparation-error");
  ASSERT_EQ(j["errors"].size(), 1u);
  EXPECT_NE(j["errors"][0].get<std::string>().find(errno_text), std::string::npos) << j["errors"];
  EXPECT_EQ(j["preparation"]["bytes_written"], 3u << 20);
  EXPECT_EQ(read_file(dir.file("ts.jsonl")), "");
  EXPECT_NE(read_file(dir.file("ts.csv")).find("worker,index"), std::string::npos);
  EXPECT_EQ(marker_of(target), "") << "a half-prepared file is marked as prepared";
  // The result file is one `iopulse report` accepts.
  EXPECT_EQ(run_iopulse({"report", dir.file("r.json"), "-o", dir.file("r.html")}).exit_code, 0);
}

TEST(Preparation, EioEndsItWithTheErrnoTextAndValidResults) { expect_failed_preparation("EIO", "Input/output error"); }

TEST(Preparation, EnospcEndsItWithTheErrnoTextAndValidResults) {
  expect_failed_preparation("ENOSPC", "No space left on device");
}

TEST(Preparation, AMarkerCountsOnlyWhileTheFileIsWhatItDescribes) {
  ScratchDir dir;
  const std::string f = dir.file("f");
  ASSERT_EQ(run_iopulse({f, "--file-size", "4M", "-q"}).exit_code, 0);
  ASSERT_NE(marker_of(f), "");
  // Emptied (": > f"): refilled, and the read job reads every block.
  { std::ofstream truncate(f, std::ios::trunc); }
  RunOutcome r = run_iopulse({f, "--file-size", "4M", "--json-output", dir.file("r.json"), "-q"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  nlohmann::json j = read_json(dir.file("r.json"));
  EXPECT_EQ(j["preparation"]["bytes_written"], 4u << 20);
  EXPECT_EQ(j["read"]["ops"], 1024);
  EXPECT_GE(allocated_bytes(f), 4u << 20);
  // Emptied and extended again (a file of holes): refilled too.
  fs::resize_file(f, 0);
  fs::resize_file(f, 4u << 20);
  r = run_iopulse({f, "--file-size", "4M", "--json-output", dir.file("r.json"), "-q"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  j = read_json(dir.file("r.json"));
  EXPECT_EQ(j["preparation"]["bytes_written"], 4u << 20);
  // Intact: reused as it is.
  r = run_iopulse({f, "--file-size", "4M", "--json-output", dir.file("r.json"), "-q"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(read_json(dir.file("r.json"))["preparation"]["bytes_written"], 0);
}

const char* const kFileEngines[] = {"sync", "io_uring", "libaio", "mmap"};

void expect_reads_work(const std::string& target, const std::vector<std::string>& extra = {}) {
  for (const char* engine : kFileEngines) {
    std::vector<std::string> args{target, "--engine", engine, "--file-size", "1M", "--random", "-q"};
    args.insert(args.end(), extra.begin(), extra.end());
    const RunOutcome r = run_iopulse(args);
    EXPECT_EQ(r.exit_code, 0) << engine << ": " << r.err;
    EXPECT_NE(r.out.find("(256 ops)"), std::string::npos) << engine << ": " << r.out;
  }
}

TEST(ReadOnlyAccess, ReadJobsWorkOnAReadOnlyMount) {
  ScratchDir dir;
  TmpfsMount fs(dir.file("ro"), "4M");
  if (!fs.ok()) GTEST_SKIP() << fs.why();
  // Prepared while writable, then read with the mount read-only: once with
  // the dataset marker and once without one (a file IOPulse did not write).
  ASSERT_EQ(run_iopulse({dir.file("ro/marked"), "--file-size", "1M", "-q"}).exit_code, 0);
  {
    std::ofstream out(dir.file("ro/plain"), std::ios::binary);
    out << std::string(1u << 20, 'x');
  }
  ASSERT_TRUE(fs.remount_read_only());
  expect_reads_work(dir.file("ro/marked"));
  expect_reads_work(dir.file("ro/plain"));
  // Writing is refused up front, with the reason.
  const RunOutcome w = run_iopulse({dir.file("ro/plain"), "--file-size", "1M", "--write-percent", "100"});
  EXPECT_EQ(w.exit_code, 2) << w.err;
  EXPECT_NE(w.err.find("Read-only file system"), std::string::npos) << w.err;
}

TEST(ReadOnlyAccess, ReadJobsWorkOnAnImmutableFile) {
  if (!running_as_root()) GTEST_SKIP() << "chattr +i needs root";
  ScratchDir dir;
  const std::string f = dir.file("immutable");
  ASSERT_EQ(run_iopulse({f, "--file-size", "1M", "-q"}).exit_code, 0);
  if (run_command({"/usr/bin/chattr", "+i", f}).exit_code != 0) GTEST_SKIP() << "chattr +i is not supported here";
  expect_reads_work(f);
  run_command({"/usr/bin/chattr", "-i", f});
}

TEST(ReadOnlyAccess, ReadJobsWorkOnAFileTheUserMayOnlyRead) {
  if (!running_as_root()) GTEST_SKIP() << "switching to another user needs root";
  ScratchDir dir;
  ASSERT_EQ(chmod(dir.path().c_str(), 0755), 0);
  const std::string f = dir.file("readable");
  ASSERT_EQ(run_iopulse({f, "--file-size", "1M", "-q"}).exit_code, 0);
  ASSERT_EQ(chmod(f.c_str(), 0444), 0);
  // As nobody: the file and its directory are root's.
  for (const char* engine : kFileEngines) {
    const RunOutcome r = run_command({"/usr/bin/setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups",
                                      IOPULSE_BINARY, f, "--engine", engine, "--file-size", "1M", "--random", "-q"});
    if (r.exit_code == 127 || r.err.find("Permission denied") != std::string::npos) {
      if (r.err.find(f) == std::string::npos) GTEST_SKIP() << "nobody cannot run the build tree's binary: " << r.err;
    }
    EXPECT_EQ(r.exit_code, 0) << engine << ": " << r.err;
    EXPECT_NE(r.out.find("(256 ops)"), std::string::npos) << engine << ": " << r.out;
  }
}

}  // namespace
}  // namespace iopulse::test
