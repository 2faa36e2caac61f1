// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// What a job may not do to its target, found before anything is touched
// (exit code 2, one line): per-worker files beside a block device, layout
// manifests that lead out of the target directory (by name or through a
// symbolic link) or list a file twice, targets on the kernel's interfaces
// (/proc, /sys), a
// second target, job-file values of the wrong kind, think options without a
// pause, targets that cannot be created or read; and writes to a block
// device that is mounted or held, unless --allow-mounted-writes is given as
// well as --allow-device-writes.  Observers: the file system (stat of every
// path the job would have created) and the bytes of the device (the ext4
// superblock read back, e2fsck).
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "filesystem_support.h"
#include "run_support.h"

namespace iopulse::test {
namespace {

namespace fs = std::filesystem;

void expect_usage_error(const RunOutcome& r, const std::string& expect) {
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find(expect), std::string::npos) << "expected '" << expect << "' in: " << r.err;
  EXPECT_EQ(lines(r.err), 1u) << r.err;
}

// `length` bytes of `path` from `offset`, read with a descriptor of our own.
std::string bytes_of(const std::string& path, off_t offset, size_t length) {
  std::string data(length, '\0');
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return "";
  const ssize_t n = pread(fd, data.data(), length, offset);
  close(fd);
  data.resize(n > 0 ? static_cast<size_t>(n) : 0);
  return data;
}

TEST(TargetChecks, PerWorkerFilesAreNeverCreatedBesideABlockDevice) {
  ScratchDir dir;
  LoopDevice loop(dir.file("image"), "8M");
  if (!loop.ok()) GTEST_SKIP() << loop.why();
  const RunOutcome r = run_iopulse({loop.device(), "--threads", "2", "--file-distribution", "per-worker",
                                    "--total-ops", "10", "-q"});
  expect_usage_error(r, "--file-distribution per-worker");
  EXPECT_FALSE(exists(loop.device() + ".0"));
  EXPECT_FALSE(exists(loop.device() + ".1"));
}

TEST(TargetChecks, LayoutManifestsStayInsideTheTargetAndListEachFileOnce) {
  ScratchDir dir;
  fs::create_directory(dir.file("set"));
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"64k a\n64k ../outside\n", "leads out of the target directory"},
      {"64k a\n64k sub/../../outside\n", "leads out of the target directory"},
      {"64k " + dir.file("absolute") + "\n", "is outside the target directory"},
      {"64k " + dir.file("setx/a") + "\n", "is outside the target directory"},
      {"64k a\n64k b\n64k ./a\n", "is listed twice"},
      {"64k sub/\n", "names a directory"},
  };
  for (const auto& [text, expect] : cases) {
    std::ofstream(dir.file("m.txt")) << text;
    const RunOutcome r = run_iopulse({dir.file("set"), "--layout-manifest", dir.file("m.txt"), "-q"});
    expect_usage_error(r, expect);
    EXPECT_FALSE(exists(dir.file("outside")));
    EXPECT_FALSE(exists(dir.file("absolute")));
    EXPECT_FALSE(exists(dir.file("set/a")));
  }
}

TEST(TargetChecks, ASecondTargetIsRefused) {
  ScratchDir dir;
  const RunOutcome r = run_iopulse({dir.file("a"), "--target", dir.file("b"), "--file-size", "1M"});
  expect_usage_error(r, "two targets given");
  EXPECT_FALSE(exists(dir.file("a")));
  EXPECT_FALSE(exists(dir.file("b")));
}

TEST(TargetChecks, JobFileValuesOfTheWrongKindAndGroupEngineOptionsAreChecked) {
  ScratchDir dir;
  const std::string target = dir.file("t");
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"file-size = \"1M\"\nthreads = 2.0\n", "threads: '2.0' is not accepted"},
      {"file-size = \"1M\"\nengine = \"null\"\n[[group]]\nthreads = 1\nnull.delay-us = \"soon\"\n", "null.delay-us"},
      {"file-size = \"1M\"\n[[group]]\nthreads = 1\nnull.no-such-option = 1\n", "no-such-option"},
      {"file-size = \"1M\"\n[[phase]]\n[[phase.group]]\nnull.delay-us = -5\n", "null.delay-us"},
  };
  for (const auto& [text, expect] : cases) {
    std::ofstream(dir.file("job.toml")) << text;
    const RunOutcome r = run_iopulse({"--config", dir.file("job.toml"), target, "-q"});
    expect_usage_error(r, expect);
    EXPECT_NE(r.err.find("job.toml:"), std::string::npos) << "the file and line: " << r.err;
    EXPECT_FALSE(exists(target));
  }
}

TEST(TargetChecks, ThinkOptionsWithoutAPauseAreRefused) {
  ScratchDir dir;
  expect_usage_error(run_iopulse({dir.file("t"), "--file-size", "1M", "--think-every", "10"}),
                     "--think-every: shapes the pauses of --think-time");
  expect_usage_error(run_iopulse({dir.file("t"), "--file-size", "1M", "--think-mode", "spin"}),
                     "--think-mode: shapes the pauses of --think-time");
  expect_usage_error(run_iopulse({dir.file("t"), "--file-size", "1M", "--rate-process", "poisson"}),
                     "--rate-process: shapes the arrivals of a rate limit; give --rate-iops or --rate-bw too");
  // Options that shape what this job does not have are refused, not ignored.
  expect_usage_error(run_iopulse({dir.file("t"), "--file-size", "1M", "--file-prefix", "x"}),
                     "--file-prefix: names the files of --num-files or --total-files");
  expect_usage_error(run_iopulse({dir.file("t"), "--file-size", "1M", "--dedupe-unit", "8k"}),
                     "--dedupe-unit: the chunk of --compress-percent and --dedupe-percent");
  expect_usage_error(run_iopulse({dir.file("t"), "--file-size", "1M", "--compress-percent", "50",
                                  "--dedupe-working-set", "5"}),
                     "--dedupe-working-set: what the duplicates of --dedupe-percent repeat");
  expect_usage_error(run_iopulse({dir.file("t"), "--file-size", "1M", "--rate-iops", "10", "--rate-process", "bursty"}),
                     "--rate-process: 'bursty' is not a rate process; accepted: linear, poisson");
  expect_usage_error(run_iopulse({dir.file("t"), "--file-size", "1M", "--duration", "1s", "--start-delay", "2s-1s"}),
                     "--start-delay: '2s-1s' is not accepted; accepted: a time, or MIN-MAX with MIN <= MAX");
  expect_usage_error(run_iopulse({dir.file("t"), "--file-size", "1M", "--start-delay", "soon"}), "--start-delay");
  expect_usage_error(run_iopulse({dir.file("t"), "--file-size", "1M", "--write-percent", "100", "--verify", "--seed",
                                  "random"}),
                     "--seed: a seed drawn for each run cannot be combined with --verify (the checked blocks carry "
                     "the seed of their writes, which a later check must be given); accepted: a fixed seed");
  expect_usage_error(run_iopulse({dir.file("t"), "--file-size", "1M", "--wait-for", "a"}),
                     "--wait-for: 'a': the job has no groups to wait for; accepted: in a job file's group, the name "
                     "of an earlier group of the same phase");
  std::ofstream(dir.file("wait.toml")) << "target = '" << dir.file("t") << "'\nfile-size = '1M'\n[[phase]]\n"
                                       << "name = 'p'\n[[phase.group]]\nname = 'a'\nwait-for = 'b'\n"
                                       << "[[phase.group]]\nname = 'b'\n";
  expect_usage_error(run_iopulse({"--config", dir.file("wait.toml")}),
                     "--wait-for: 'b' is not a group before 'a' in phase 'p'; accepted: the name of an earlier group "
                     "of the same phase");
  EXPECT_FALSE(exists(dir.file("t")));
  // With a pause they run.
  EXPECT_EQ(run_iopulse({dir.file("t"), "--file-size", "64k", "--think-every", "4", "--think-adaptive-percent", "10",
                         "-q"})
                .exit_code,
            0);
}

TEST(TargetChecks, TargetsThatCannotBeUsedAreUsageErrors) {
  ScratchDir dir;
  std::ofstream(dir.file("plain")) << "x";
  fs::create_symlink(dir.file("loop-b"), dir.file("loop-a"));
  fs::create_symlink(dir.file("loop-a"), dir.file("loop-b"));
  expect_usage_error(run_iopulse({dir.file("plain/t"), "--file-size", "1M"}), "Not a directory");
  expect_usage_error(run_iopulse({dir.file("plain/sub/t"), "--file-size", "1M"}), "Not a directory");
  expect_usage_error(run_iopulse({dir.file("loop-a"), "--file-size", "1M"}), "Too many levels of symbolic links");
  // The kernel's interfaces: a read job's preparation would have filled
  // the empty file (its own name here), a write job set whatever it names.
  expect_usage_error(run_iopulse({"/proc/self/comm", "--file-size", "4k", "--total-ops", "1"}), "is on proc");
  expect_usage_error(run_iopulse({"/sys/iopulse-no-such-file", "--file-size", "1M"}), "is on sysfs");
  expect_usage_error(run_iopulse({"/proc/self", "--num-files", "2", "--file-size", "4k"}), "is on proc");
  TmpfsMount ro(dir.file("ro"), "1M");
  if (!ro.ok()) GTEST_SKIP() << ro.why();
  ASSERT_TRUE(ro.remount_read_only());
  expect_usage_error(run_iopulse({dir.file("ro/sub/t"), "--file-size", "1M"}), "Read-only file system");
}

// A loop device holding a mounted ext4: the superblock (bytes 1024-2047)
// must survive a write job unless both opt-ins are given.
TEST(MountedDevices, WritesToAMountedDeviceAreRefusedWithoutTheSecondOptIn) {
  ScratchDir dir;
  LoopDevice loop(dir.file("image"), "16M");
  if (!loop.ok()) GTEST_SKIP() << loop.why();
  if (!loop.mount_ext4(dir.file("mnt"))) GTEST_SKIP() << loop.why();
  const std::string dev = loop.device();
  const std::string superblock = bytes_of(dev, 1024, 1024);
  ASSERT_EQ(superblock.size(), 1024u);
  ASSERT_EQ(superblock.substr(56, 2), std::string("\x53\xef", 2)) << "not an ext4 superblock";

  const RunOutcome r = run_iopulse({dev, "--allow-device-writes", "--write-percent", "100", "--direct",
                                    "--total-bytes", "1M", "--block-size", "64k", "-q"});
  expect_usage_error(r, "is mounted at " + fs::canonical(dir.file("mnt")).string());
  EXPECT_NE(r.err.find("--allow-mounted-writes"), std::string::npos) << r.err;
  EXPECT_EQ(bytes_of(dev, 1024, 1024), superblock) << "the superblock was overwritten";

  // The second opt-in alone is not enough either.
  expect_usage_error(run_iopulse({dev, "--allow-mounted-writes", "--write-percent", "100", "--total-ops", "1"}),
                     "--allow-device-writes");
  // Reading a mounted device is fine.
  EXPECT_EQ(run_iopulse({dev, "--total-ops", "16", "-q"}).exit_code, 0);
}

// A file set's files are where their paths lead: a symbolic link among
// them may not take the job's writes out of the target directory.
TEST(TargetChecks, SymbolicLinksOutOfAFileSetAreRefused) {
  ScratchDir dir;
  const std::string outside = dir.file("outside.bin");
  { std::ofstream(outside) << "user data"; }
  fs::create_directories(dir.file("set/sub"));
  fs::create_symlink(outside, dir.file("set/link"));
  { std::ofstream(dir.file("manifest")) << "65536 link\n"; }
  expect_usage_error(run_iopulse({dir.file("set"), "--layout-manifest", dir.file("manifest"), "--write-percent",
                                  "100", "--total-ops", "16"}),
                     "outside the target directory");
  fs::create_directories(dir.file("numbered"));
  fs::create_symlink(outside, dir.file("numbered/file.0"));
  expect_usage_error(run_iopulse({dir.file("numbered"), "--num-files", "2", "--file-size", "64k", "--write-percent",
                                  "100", "--total-ops", "16"}),
                     "outside the target directory");
  EXPECT_EQ(read_file(outside), "user data");
  // The target directory named with a trailing '/' (as a shell completes
  // it) is the same directory.
  fs::create_directories(dir.file("plain-set"));
  RunOutcome slash = run_iopulse({dir.file("plain-set") + "/", "--num-files", "2", "--file-size", "64k",
                                  "--write-percent", "100", "--total-ops", "4", "-q"});
  EXPECT_EQ(slash.exit_code, 0) << slash.err;
  EXPECT_EQ(fs::file_size(dir.file("plain-set/file.0")), 65536u);
  // A link that stays inside is a path like any other.
  fs::create_symlink(dir.file("set/sub"), dir.file("set/inner"));
  { std::ofstream(dir.file("manifest")) << "65536 inner/a\n"; }
  const RunOutcome r = run_iopulse({dir.file("set"), "--layout-manifest", dir.file("manifest"), "--write-percent",
                                    "100", "--total-ops", "16", "-q"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(fs::file_size(dir.file("set/sub/a")), 65536u);
}

// The image file of a mounted loop device is the mounted file system, and
// so is every other loop device on that image.  Observer: no 4 KiB block
// of the image holds the pattern the refused writes would have written.
TEST(MountedDevices, TheImageOfAMountedLoopDeviceIsRefused) {
  ScratchDir dir;
  const std::string image = dir.file("image");
  LoopDevice mounted(image, "16M");
  if (!mounted.ok()) GTEST_SKIP() << mounted.why();
  if (!mounted.mount_ext4(dir.file("mnt"))) GTEST_SKIP() << mounted.why();
  LoopDevice second(image, "16M");
  if (!second.ok()) GTEST_SKIP() << second.why();
  const std::vector<std::string> writes{"--write-percent", "100", "--total-ops", "64", "--buffer-pattern", "0x5a"};
  std::vector<std::string> args{image};
  args.insert(args.end(), writes.begin(), writes.end());
  expect_usage_error(run_iopulse(args), "is the backing file of " + mounted.device());
  // A read job too: its preparation would fill the image's holes.
  expect_usage_error(run_iopulse({image, "--total-ops", "16"}), "is the backing file of");
  args = {second.device(), "--allow-device-writes"};
  args.insert(args.end(), writes.begin(), writes.end());
  expect_usage_error(run_iopulse(args), "reads and writes the same file as " + mounted.device());
  run_command({"/usr/bin/sync"});
  const std::string bytes = read_file(image);
  for (size_t at = 0; at + 4096 <= bytes.size(); at += 4096) {
    ASSERT_NE(bytes.compare(at, 4096, std::string(4096, '\x5a')), 0) << "a block at " << at << " was written";
  }
}

TEST(MountedDevices, ADeviceHeldOpenExclusivelyIsRefusedAndBothOptInsWrite) {
  ScratchDir dir;
  LoopDevice loop(dir.file("image"), "8M");
  if (!loop.ok()) GTEST_SKIP() << loop.why();
  const std::string dev = loop.device();
  {
    // Another program holds the device exclusively (as mkfs, a RAID or a
    // file system being mounted would).
    const int holder = open(dev.c_str(), O_RDONLY | O_EXCL | O_CLOEXEC);
    ASSERT_GE(holder, 0);
    const RunOutcome r = run_iopulse({dev, "--allow-device-writes", "--write-percent", "100", "--total-ops", "16",
                                      "--buffer-pattern", "0x5a", "-q"});
    close(holder);
    expect_usage_error(r, "is in use");
    EXPECT_EQ(read_file(dir.file("image")).find_first_not_of('\0'), std::string::npos) << "the device was written";
  }
  // Both opt-ins: the writes happen (what fio's allow_mounted_write does).
  const int holder = open(dev.c_str(), O_RDONLY | O_EXCL | O_CLOEXEC);
  ASSERT_GE(holder, 0);
  const RunOutcome r = run_iopulse({dev, "--allow-device-writes", "--allow-mounted-writes", "--write-percent", "100",
                                    "--total-ops", "16", "--buffer-pattern", "0x5a", "-q"});
  close(holder);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  run_command({"/usr/bin/sync"});
  EXPECT_EQ(bytes_of(dev, 0, 4096), std::string(4096, '\x5a'));
}

// A job that only reads the image of a loop device in use: refused exactly
// when its preparation would write data there (the preparer's own
// decision), run when the image is complete.  Observer: the image's bytes.
TEST(MountedDevices, AReadJobOnAnImageInUseRunsOnlyWhenItsPreparationWritesNothing) {
  ScratchDir dir;
  const std::string image = dir.file("image");
  const std::string data(1 << 20, '\x11');
  std::ofstream(image, std::ios::binary) << data;
  LoopDevice loop(image, "1M");
  if (!loop.ok()) GTEST_SKIP() << loop.why();
  // Another program holds the device exclusively, as a mounted file system.
  const int holder = open(loop.device().c_str(), O_RDONLY | O_EXCL | O_CLOEXEC);
  ASSERT_GE(holder, 0);
  const RunOutcome complete = run_iopulse({image, "--total-ops", "64", "-q"});
  // Data of another content would be written whole; so would verified blocks.
  const RunOutcome refill = run_iopulse({image, "--total-ops", "64", "--compress-percent", "50", "-q"});
  const RunOutcome verified = run_iopulse({image, "--total-ops", "64", "--verify", "-q"});
  // A hole (made here, before the job) would be filled.
  const int fd = open(image.c_str(), O_RDWR | O_CLOEXEC);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 65536, 65536), 0) << std::strerror(errno);
  close(fd);
  const RunOutcome hole = run_iopulse({image, "--total-ops", "64", "-q"});
  close(holder);
  EXPECT_EQ(complete.exit_code, 0) << complete.err;
  expect_usage_error(refill, "writing it whole with the job's data");
  expect_usage_error(verified, "writing it whole with the job's data");
  expect_usage_error(hole, "filling its holes or short end");
  std::string expected = data;
  expected.replace(65536, 65536, std::string(65536, '\0'));
  EXPECT_TRUE(read_file(image) == expected) << "the image was written";
}

}  // namespace
}  // namespace iopulse::test
