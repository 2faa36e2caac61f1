// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// --file-list end to end, checked from outside: the files on disk, and the
// reads strace sees on each file (a random complete pass reads every block
// of every listed file once, and nothing else); refusals touch nothing.
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "filesystem_support.h"
#include "json_support.h"
#include "run_support.h"

namespace iopulse::test {
namespace {

using ::testing::HasSubstr;

// file name -> offsets of its 4 KiB preads, from strace -ff -y traces.
std::map<std::string, std::multiset<uint64_t>> traced_read_offsets(const std::string& prefix) {
  std::map<std::string, std::multiset<uint64_t>> out;
  const std::filesystem::path p(prefix);
  const std::regex call(R"(^pread64\(\d+<([^>]+)>, .*, 4096, (\d+)\) = 4096)");
  for (const auto& entry : std::filesystem::directory_iterator(p.parent_path())) {
    if (!entry.path().filename().string().starts_with(p.filename().string() + ".")) continue;
    std::ifstream in(entry.path());
    for (std::string line; std::getline(in, line);) {
      std::smatch m;
      if (std::regex_search(line, m, call)) {
        out[std::filesystem::path(m[1].str()).filename().string()].insert(std::stoull(m[2].str()));
      }
    }
  }
  return out;
}

TEST(FileList, ARandomPassReadsEveryBlockOfEveryListedFileOnce) {
  if (access("/usr/bin/strace", X_OK) != 0) GTEST_SKIP() << "strace is not installed";
  ScratchDir dir;
  // An existing file of its own size, and two the run makes at --file-size
  // (one with a ':' in its name).
  std::ofstream(dir.file("old")).close();
  std::filesystem::resize_file(dir.file("old"), 128 << 10);
  const std::string list = dir.file("new") + ":" + dir.file("old") + ":" + dir.file("x\\:y");
  const RunOutcome fill = run_iopulse({"--file-list", list, "--file-size", "64k", "--write-percent", "100",
                                       "--quiet", "--json-output", dir.file("fill.json")});
  ASSERT_EQ(fill.exit_code, 0) << fill.err;
  EXPECT_EQ(std::filesystem::file_size(dir.file("new")), 64u << 10);
  EXPECT_EQ(std::filesystem::file_size(dir.file("x:y")), 64u << 10);
  EXPECT_EQ(std::filesystem::file_size(dir.file("old")), 128u << 10) << "--file-size is for the files made";
  const nlohmann::json echo = read_json(dir.file("fill.json"))["config"];
  EXPECT_EQ(echo["file_list"], nlohmann::json({dir.file("new"), dir.file("old"), dir.file("x:y")}));

  const std::string trace = dir.file("trace");
  const RunOutcome scan = run_command({"/usr/bin/strace", "-E", asan_options_under_strace(), "-f", "-ff", "-qq", "-y",
                                       "-e", "trace=pread64", "-o", trace, IOPULSE_BINARY, "--file-list", list,
                                       "--file-size", "64k", "--random", "--threads", "2", "--quiet"},
                                      {});
  ASSERT_EQ(scan.exit_code, 0) << scan.err;
  const auto reads = traced_read_offsets(trace);
  const auto every_block = [](uint64_t bytes) {
    std::multiset<uint64_t> all;
    for (uint64_t o = 0; o < bytes; o += 4096) all.insert(o);
    return all;
  };
  ASSERT_EQ(reads.size(), 3u) << "reads of other files";
  EXPECT_EQ(reads.at("new"), every_block(64 << 10));
  EXPECT_EQ(reads.at("old"), every_block(64 << 10)) << "--file-size bytes of each file";
  EXPECT_EQ(reads.at("x:y"), every_block(64 << 10));
}

// Phases on one --file-list with file-distribution per-worker may use
// different numbers of threads: each phase splits the list among its own
// workers.  strace -ff (one trace per thread) sees the 2 writing threads
// write 2 of the 4 files each, every block once, and the 4 reading threads
// read one file each, every block once.
TEST(FileList, PerWorkerPhasesSplitTheListAmongTheirOwnWorkers) {
  if (access("/usr/bin/strace", X_OK) != 0) GTEST_SKIP() << "strace is not installed";
  ScratchDir dir;
  const std::string list = dir.file("f0") + ":" + dir.file("f1") + ":" + dir.file("f2") + ":" + dir.file("f3");
  const std::string job = dir.file("job.toml");
  std::ofstream(job) << "file-list = '" << list << "'\nfile-size = '64k'\nfile-distribution = 'per-worker'\n"
                     << "random = true\n[[phase]]\nname = 'write'\nthreads = 2\nwrite-percent = 100\n"
                     << "run-until-complete = true\n[[phase]]\nname = 'read'\nthreads = 4\nread-percent = 100\n"
                     << "run-until-complete = true\n";
  const std::string prefix = dir.file("trace");
  const RunOutcome r = run_command({"/usr/bin/strace", "-E", asan_options_under_strace(), "-ff", "-y", "-qq", "-e",
                                    "trace=pread64,pwrite64", "-o", prefix, IOPULSE_BINARY, "--config", job,
                                    "--quiet"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  // Per thread: file -> offsets of its 4 KiB writes, and of its reads.
  using Offsets = std::map<std::string, std::multiset<uint64_t>>;
  std::vector<Offsets> writers, readers;
  const std::regex call(R"(^p(read|write)64\(\d+<([^>]+)>, .*, 4096, (\d+)\) = 4096)");
  for (const auto& entry : std::filesystem::directory_iterator(dir.path())) {
    if (!entry.path().filename().string().starts_with("trace.")) continue;
    Offsets written, read;
    std::ifstream in(entry.path());
    for (std::string line; std::getline(in, line);) {
      std::smatch m;
      if (!std::regex_search(line, m, call)) continue;
      const std::string file = std::filesystem::path(m[2].str()).filename().string();
      (m[1] == "write" ? written : read)[file].insert(std::stoull(m[3].str()));
    }
    EXPECT_TRUE(written.empty() || read.empty()) << "a thread of both phases";
    if (!written.empty()) writers.push_back(written);
    if (!read.empty()) readers.push_back(read);
  }
  std::multiset<uint64_t> every_block;
  for (uint64_t off = 0; off < (64u << 10); off += 4096) every_block.insert(off);
  const auto check = [&](const std::vector<Offsets>& threads, size_t files_each, const char* what) {
    std::set<std::string> seen;
    for (const Offsets& t : threads) {
      EXPECT_EQ(t.size(), files_each) << what;
      for (const auto& [file, offsets] : t) {
        EXPECT_TRUE(seen.insert(file).second) << what << ": " << file << " by two threads";
        EXPECT_EQ(offsets, every_block) << what << ": " << file;
      }
    }
    EXPECT_EQ(seen, (std::set<std::string>{"f0", "f1", "f2", "f3"})) << what;
  };
  ASSERT_EQ(writers.size(), 2u);
  check(writers, 2, "writes");
  ASSERT_EQ(readers.size(), 4u);
  check(readers, 1, "reads");
}

TEST(FileList, BadListsAreRefusedBeforeAnythingIsTouched) {
  ScratchDir dir;
  const std::string a = dir.file("a"), b = dir.file("b");
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{"--file-list", a + ":" + a}, "'" + a + "' is listed twice"},
      {{"--file-list", a + "::" + b}, "--file-list: '" + a + "::" + b + "' is not accepted"},
      {{dir.file("t"), "--file-list", a + ":" + b}, "--file-list and TARGET: choose one"},
      {{"--file-list", a + ":" + b, "--num-files", "2"}, "choose one"},
      {{"--file-list", a + ":" + b, "--file-distribution", "per-worker", "--threads", "3"},
       "--file-distribution per-worker: the 2 files of --file-list cannot be given to 3 workers alike"},
      {{"--file-list", a + ":" + dir.path()}, "is a directory"},
  };
  for (const auto& [args, message] : cases) {
    SCOPED_TRACE(message);
    std::vector<std::string> all = args;
    all.insert(all.end(), {"--file-size", "64k", "--write-percent", "100", "--json-output", dir.file("r.json")});
    const RunOutcome r = run_iopulse(all);
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_THAT(r.err, HasSubstr(message));
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    EXPECT_TRUE(std::filesystem::is_empty(dir.path())) << "something was made";
  }
}

// Block devices that share blocks in one list are refused, as a file
// listed twice is: a disk and its partition (the kernel's sysfs says which
// disk a partition is of), and one device under two nodes.  The loop
// device's image has an MBR of one partition, which partx adds.
TEST(FileList, ADiskWithItsPartitionOrOneDeviceTwiceIsRefused) {
  ScratchDir dir;
  {
    std::string mbr(512, '\0');
    const unsigned char entry[16] = {0, 0, 0, 0, 0x83, 0, 0, 0, 0x00, 0x08, 0, 0, 0x00, 0x20, 0, 0};  // 2048, 8192
    std::copy(entry, entry + 16, mbr.begin() + 446);
    mbr[510] = '\x55';
    mbr[511] = '\xAA';
    std::ofstream(dir.file("disk.img"), std::ios::binary) << mbr;
  }
  LoopDevice loop(dir.file("disk.img"), "8M");
  if (!loop.ok()) GTEST_SKIP() << loop.why();
  const std::string part = loop.device() + "p1";
  // (A partition left on a reused loop device, then this one's; it goes
  // before the device is detached.)
  run_command({"/usr/bin/partx", "-d", loop.device()});
  if (run_command({"/usr/bin/partx", "-a", loop.device()}).exit_code != 0 || access(part.c_str(), F_OK) != 0) {
    GTEST_SKIP() << "partx could not add the loop device's partition";
  }
  struct Partitions {
    std::string device;
    ~Partitions() { run_command({"/usr/bin/partx", "-d", device}); }
  } partitions{loop.device()};
  struct stat st{};
  ASSERT_EQ(stat(loop.device().c_str(), &st), 0);
  const std::string twin = dir.file("twin");  // another node of the same device
  if (mknod(twin.c_str(), S_IFBLK | 0600, st.st_rdev) != 0) GTEST_SKIP() << "mknod: " << std::strerror(errno);
  const auto stamp = [&] { return read_file(dir.file("disk.img")); };
  const std::string before = stamp();
  const std::vector<std::pair<std::string, std::string>> cases = {
      {loop.device() + ":" + part, "'" + part + "' shares blocks with '" + loop.device() + "' listed before (a disk "
                                   "and its partition)"},
      {part + ":" + loop.device(), "'" + loop.device() + "' shares blocks with '" + part + "' listed before (a disk "
                                   "and its partition)"},
      {loop.device() + ":" + twin, "'" + twin + "' shares blocks with '" + loop.device() + "' listed before (the "
                                   "same device)"},
  };
  for (const auto& [list, message] : cases) {
    SCOPED_TRACE(list);
    const RunOutcome r = run_iopulse({"--file-list", list, "--write-percent", "100", "--allow-device-writes",
                                      "--duration", "1s", "--json-output", dir.file("r.json")});
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_THAT(r.err, HasSubstr(message));
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    EXPECT_FALSE(std::filesystem::exists(dir.file("r.json")));
  }
  EXPECT_EQ(stamp(), before) << "the device was written";
  // A partition beside another disk's blocks is a list like any other.
  const RunOutcome ok = run_iopulse({"--file-list", part + ":" + dir.file("f"), "--file-size", "64k", "--duration",
                                     "200ms", "--json-output", dir.file("r.json"), "-q"});
  EXPECT_EQ(ok.exit_code, 0) << ok.err;
}

}  // namespace
}  // namespace iopulse::test
