// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// Outputs (--json-output, --csv-output, --timeseries-output,
// --export-layout-manifest, iopulse report -o): checked before anything is
// prepared, never on the target or on each other, '-' for standard output,
// and never replacing what is not a regular file (device nodes and links to
// standard output are the tests' own, never the machine's).  The observers are the
// file system (stat/lstat of the target and the outputs, the bytes of the
// target) and independent readers of the output (a Python JSON parser
// reading a pipe, a FIFO reader).
#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <future>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "filesystem_support.h"
#include "json_support.h"
#include "run_support.h"

namespace iopulse::test {
namespace {

namespace fs = std::filesystem;

// Files in `dir` whose names start with '.', left behind by a writer.
std::vector<std::string> hidden_files(const std::string& dir) {
  std::vector<std::string> found;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.path().filename().string().starts_with(".")) found.push_back(e.path().string());
  }
  return found;
}

TEST(OutputPaths, AnUnusableOutputIsRefusedBeforeTheTargetIsTouched) {
  for (const char* option : {"--json-output", "--csv-output", "--timeseries-output", "--export-layout-manifest"}) {
    ScratchDir dir;
    std::ofstream(dir.file("plain")) << "x";
    const std::vector<std::pair<std::string, std::string>> bad = {
        {dir.file("no/such/dir/out"), "does not exist"},
        {dir.file("plain/out"), "Not a directory"},
        {dir.path(), "is a directory"},
        // The kernel's interfaces: a file there is a setting, not storage.
        {"/proc/version", "is on proc"},
        {"/proc/iopulse-no-such-output", "is on proc"},
    };
    for (const auto& [path, expect] : bad) {
      const std::string target = dir.file("data/target");
      const RunOutcome r = run_iopulse({target, "--file-size", "1M", option, path, "-q"});
      EXPECT_EQ(r.exit_code, 2) << option << " " << path << ": " << r.err;
      EXPECT_NE(r.err.find(option), std::string::npos) << r.err;
      EXPECT_NE(r.err.find(expect), std::string::npos) << r.err;
      EXPECT_EQ(lines(r.err), 1u) << r.err;
      EXPECT_FALSE(exists(dir.file("data"))) << option << " " << path << ": the target was created";
    }
  }
}

TEST(OutputPaths, AReadOnlyOutputDirectoryIsRefusedBeforeTheTargetIsTouched) {
  ScratchDir dir;
  TmpfsMount ro(dir.file("ro"), "1M");
  if (!ro.ok()) GTEST_SKIP() << ro.why();
  ASSERT_TRUE(ro.remount_read_only());
  const RunOutcome r = run_iopulse({dir.file("target"), "--file-size", "1M", "--json-output", dir.file("ro/r.json")});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("Read-only file system"), std::string::npos) << r.err;
  EXPECT_FALSE(exists(dir.file("target")));
}

TEST(OutputPaths, NoOutputMayNameTheTargetOrAFileOfTheJob) {
  ScratchDir dir;
  const std::string target = dir.file("target");
  ASSERT_EQ(run_iopulse({target, "--file-size", "1M", "-q"}).exit_code, 0);
  const std::string before = read_file(target);
  ASSERT_EQ(before.size(), 1u << 20);
  fs::create_symlink(target, dir.file("link-to-target"));
  const std::vector<std::vector<std::string>> cases = {
      {target, "--json-output", target},
      {target, "--csv-output", dir.path() + "/./target"},
      {target, "--timeseries-output", dir.file("link-to-target")},
      {target, "--export-layout-manifest", target},
      // A file the job plans besides the target itself: per-worker files.
      {dir.file("pw"), "--threads", "2", "--file-distribution", "per-worker", "--json-output", dir.file("pw.1")},
  };
  for (std::vector<std::string> args : cases) {
    args.insert(args.end(), {"--file-size", "1M", "-q"});
    const RunOutcome r = run_iopulse(args);
    EXPECT_EQ(r.exit_code, 2) << args[2] << ": " << r.err;
    EXPECT_NE(r.err.find("would destroy it"), std::string::npos) << r.err;
  }
  EXPECT_EQ(read_file(target), before) << "the target's data changed";
  EXPECT_FALSE(exists(dir.file("pw.0")));
}

TEST(OutputPaths, TwoOutputsMayNotNameOneFile) {
  ScratchDir dir;
  fs::create_symlink(dir.file("r.json"), dir.file("alias.csv"));
  const std::vector<std::vector<std::string>> cases = {
      {"--json-output", dir.file("r.json"), "--csv-output", dir.path() + "/./r.json"},
      {"--json-output", dir.file("r.json"), "--timeseries-output", dir.file("alias.csv")},
      {"--json-output", "-", "--timeseries-output", "-"},
  };
  for (std::vector<std::string> args : cases) {
    args.insert(args.begin(), {dir.file("t"), "--file-size", "1M", "-q"});
    const RunOutcome r = run_iopulse(args);
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_NE(r.err.find("a different file for each output"), std::string::npos) << r.err;
    EXPECT_FALSE(exists(dir.file("t")));
  }
}

TEST(OutputPaths, DashIsStandardOutputAndNothingElseGoesThere) {
  ScratchDir dir;
  // An independent reader on the other end of a pipe, as `| jq` would be.
  const std::string command = std::string(IOPULSE_BINARY) + " " + dir.file("t") +
                              " --file-size 1M --json-output - | python3 -c 'import json, sys; "
                              "d = json.load(sys.stdin); print(d[\"read\"][\"ops\"], d[\"stop_reason\"])'";
  const RunOutcome r = run_command({"/bin/sh", "-c", command});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "256 complete\n");
  EXPECT_NE(r.err.find("IOPulse 0.1.0 results"), std::string::npos) << "the summary belongs on stderr: " << r.err;

  // The time series on standard output: every line is one JSON object.
  const RunOutcome ts = run_iopulse({dir.file("t"), "--file-size", "1M", "--duration", "300ms", "--stats-interval",
                                     "100ms", "--timeseries-output", "-", "-q"});
  ASSERT_EQ(ts.exit_code, 0) << ts.err;
  std::istringstream lines(ts.out);
  size_t n = 0;
  for (std::string line; std::getline(lines, line); ++n) EXPECT_NO_THROW(nlohmann::json::parse(line)) << line;
  EXPECT_GE(n, 2u) << ts.out;
}

TEST(OutputPaths, ASymbolicLinkStaysAndTheFileItNamesIsReplaced) {
  ScratchDir dir;
  fs::create_directory(dir.file("real"));
  std::ofstream(dir.file("real/r.json")) << "old";
  fs::create_symlink(dir.file("real/r.json"), dir.file("r.json"));
  const RunOutcome r = run_iopulse({dir.file("t"), "--file-size", "1M", "--json-output", dir.file("r.json"), "-q"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(fs::is_symlink(dir.file("r.json"))) << "the link was replaced";
  EXPECT_EQ(read_json(dir.file("real/r.json"))["read"]["ops"], 256);
  EXPECT_TRUE(hidden_files(dir.path()).empty());
  EXPECT_TRUE(hidden_files(dir.file("real")).empty());
}

TEST(OutputPaths, AFifoIsWrittenInPlace) {
  ScratchDir dir;
  const std::string fifo = dir.file("results.fifo");
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  // The reading end is open before iopulse starts (non-blocking, so a FIFO
  // that is never written cannot hang the test), and read until the writer
  // is gone.
  const int rfd = open(fifo.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  ASSERT_GE(rfd, 0);
  std::atomic<bool> finished{false};
  auto reader = std::async(std::launch::async, [&] {
    std::string text;
    bool writer_seen = false;
    for (;;) {
      pollfd p{rfd, POLLIN, 0};
      poll(&p, 1, 100);
      char buf[4096];
      const ssize_t n = read(rfd, buf, sizeof buf);
      if (n > 0) {
        text.append(buf, static_cast<size_t>(n));
        writer_seen = true;
        continue;
      }
      if ((n == 0 && writer_seen) || (n <= 0 && finished.load())) break;
    }
    return text;
  });
  const RunOutcome r = run_iopulse({dir.file("t"), "--file-size", "1M", "--json-output", fifo, "-q"});
  finished.store(true);
  const std::string text = reader.get();
  close(rfd);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  struct stat st;
  ASSERT_EQ(lstat(fifo.c_str(), &st), 0);
  EXPECT_TRUE(S_ISFIFO(st.st_mode)) << "the FIFO was replaced";
  ASSERT_FALSE(text.empty()) << "nothing came through the FIFO";
  EXPECT_EQ(nlohmann::json::parse(text)["read"]["ops"], 256);
}

TEST(OutputPaths, ALinkToStandardOutputIsStandardOutput) {
  // What /dev/stdout is; a link of the test's own, so nothing of the
  // machine's is at stake if it were replaced.
  ScratchDir dir;
  fs::create_symlink("/proc/self/fd/1", dir.file("stdout"));
  const RunOutcome r = run_iopulse({dir.file("t"), "--file-size", "1M", "--json-output", dir.file("stdout"), "-q"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(nlohmann::json::parse(r.out)["read"]["ops"], 256) << r.out;
  EXPECT_TRUE(fs::is_symlink(dir.file("stdout"))) << "the link was replaced";
}

TEST(OutputPaths, HardLinksAndCharacterDevicesAreWrittenInPlaceABlockDeviceIsRefused) {
  ScratchDir dir;
  // A file with a second name: both names still see one file, with the results.
  std::ofstream(dir.file("r.json")) << "old";
  ASSERT_EQ(link(dir.file("r.json").c_str(), dir.file("other-name.json").c_str()), 0);
  RunOutcome r = run_iopulse({dir.file("t"), "--file-size", "1M", "--json-output", dir.file("r.json"), "-q"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(read_json(dir.file("other-name.json"))["read"]["ops"], 256);

  if (!running_as_root()) return;
  // Device nodes of the test's own, never the machine's /dev/null: a host
  // that replaced them would otherwise break the machine.  A null device
  // (1:3) for two outputs at once:
  struct stat st;
  ASSERT_EQ(mknod(dir.file("null").c_str(), S_IFCHR | 0666, makedev(1, 3)), 0);
  r = run_iopulse({dir.file("t"), "--file-size", "1M", "--json-output", dir.file("null"), "--csv-output",
                   dir.file("null"), "-q"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ASSERT_EQ(lstat(dir.file("null").c_str(), &st), 0);
  EXPECT_TRUE(S_ISCHR(st.st_mode)) << "the device node was replaced";
  // A block device node (no device behind it):
  ASSERT_EQ(mknod(dir.file("blk").c_str(), S_IFBLK | 0600, makedev(7, 250)), 0);
  r = run_iopulse({dir.file("t"), "--file-size", "1M", "--json-output", dir.file("blk"), "-q"});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("block device"), std::string::npos) << r.err;
  ASSERT_EQ(lstat(dir.file("blk").c_str(), &st), 0);
  EXPECT_TRUE(S_ISBLK(st.st_mode)) << "the device node was replaced";
}

TEST(OutputPaths, ResultsReplaceARegularFileAtomicallyAndKeepItsMode) {
  ScratchDir dir;
  std::ofstream(dir.file("r.json")) << "old";
  ASSERT_EQ(chmod(dir.file("r.json").c_str(), 0640), 0);
  std::ofstream(dir.file("r.json.tmp")) << "a file of the user's";
  const RunOutcome r = run_iopulse({dir.file("t"), "--file-size", "1M", "--json-output", dir.file("r.json"), "-q"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(read_json(dir.file("r.json"))["read"]["ops"], 256);
  struct stat st;
  ASSERT_EQ(stat(dir.file("r.json").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0640u);
  EXPECT_EQ(read_file(dir.file("r.json.tmp")), "a file of the user's");
  EXPECT_TRUE(hidden_files(dir.path()).empty());
}

TEST(OutputPaths, DryRunWritesNoLayoutManifest) {
  ScratchDir dir;
  const RunOutcome r = run_iopulse({dir.file("set"), "--num-files", "3", "--file-size", "64k", "--dry-run",
                                    "--export-layout-manifest", dir.file("m.txt")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("not written"), std::string::npos) << r.out;
  EXPECT_FALSE(exists(dir.file("m.txt")));
  EXPECT_FALSE(exists(dir.file("set")));
}

TEST(OutputPaths, ReportOutputIsCheckedBeforeAnyResultIsRead) {
  ScratchDir dir;
  std::ofstream(dir.file("bad.json")) << "{ not json";
  RunOutcome r = run_iopulse({"report", dir.file("bad.json"), "-o", dir.file("no/dir/r.html")});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("does not exist"), std::string::npos) << "the output comes first: " << r.err;
  EXPECT_EQ(lines(r.err), 1u) << r.err;

  // -o - writes the page to standard output, and only the page.
  ASSERT_EQ(run_iopulse({dir.file("t"), "--file-size", "1M", "--json-output", dir.file("r.json"), "-q"}).exit_code, 0);
  r = run_iopulse({"report", dir.file("r.json"), "-o", "-"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(r.out.starts_with("<!DOCTYPE html>")) << r.out.substr(0, 100);
}

TEST(OutputPaths, ReportRefusesMalformedResultFilesWithOneLine) {
  ScratchDir dir;
  ASSERT_EQ(run_iopulse({dir.file("t"), "--file-size", "1M", "--json-output", dir.file("good.json"), "-q"}).exit_code,
            0);
  nlohmann::json doc = read_json(dir.file("good.json"));
  doc["read"]["ops"] = "many";
  std::ofstream(dir.file("bad.json")) << doc.dump();
  doc = read_json(dir.file("good.json"));
  doc.erase("total");
  std::ofstream(dir.file("no-total.json")) << doc.dump();
  for (const char* bad : {"bad.json", "no-total.json"}) {
    const RunOutcome r = run_iopulse({"report", dir.file("good.json"), dir.file(bad), "-o", dir.file("r.html")});
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_NE(r.err.find("is not a valid IOPulse result file"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find(dir.file(bad)), std::string::npos) << r.err;
    EXPECT_EQ(lines(r.err), 1u) << r.err;
    EXPECT_FALSE(exists(dir.file("r.html")));
  }
}

}  // namespace
}  // namespace iopulse::test
