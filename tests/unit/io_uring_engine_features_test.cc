// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// The io_uring engine's ABI 2 abilities, each checked against what the
// kernel did: the instance report against the ring's own description in
// /proc/self/fdinfo (SQ size, sqpoll thread, registered files and buffers);
// trim against the file's bytes and blocks (and a loop device's backing
// image); per-IO flags and priorities against the page cache and the
// kernel's refusal of a class that does not exist; the completion fd; and
// drop-cache against mincore(2).

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "iopulse/engine.h"
#include "engine_test_support.h"
#include "io_uring_test_support.h"

namespace {

using iopulse::test::EngineUnderTest;
using iopulse::test::engine_config;
using iopulse::test::fill_pattern;
using iopulse::test::make_io;
using iopulse::test::matches_pattern;
using iopulse::test::report_of;
using iopulse::test::resident_pages;
using iopulse::test::run_io;
using iopulse::test::TempFile;

using iopulse::test::fdinfo;
using iopulse::test::fdinfo_number;
using iopulse::test::uring_fds;
using iopulse::test::uring_plugin;
using iopulse::test::UringOptions;

// An io_uring instance created with `opt`, and its ring's descriptor.
class UringFeatures : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_EQ(uring_plugin().error, ""); }

  void start(const UringOptions& opt, uint32_t qd = 4, uint32_t flags = 0) {
    const std::set<int> before = uring_fds();
    ASSERT_EQ(eng_.create(engine_config(qd, flags, opt.v, UringOptions::kCount)), 0) << eng_.err.message;
    for (int fd : uring_fds()) {
      if (before.count(fd) == 0) ring_fd_ = fd;
    }
    ASSERT_GE(ring_fd_, 0) << "no new io_uring descriptor";
  }

  int32_t open_file(const std::string& path, int oflags) {
    const int32_t h = eng_.open(path, oflags);
    EXPECT_GE(h, 0) << eng_.err.message;
    return h;
  }

  EngineUnderTest eng_{uring_plugin().desc};
  int ring_fd_ = -1;
};

// ---------------------------------------------------------------------------
// The instance report
// ---------------------------------------------------------------------------

TEST_F(UringFeatures, ReportMatchesTheRingTheKernelDescribes) {
  UringOptions opt;
  start(opt, 8);
  const iopulse::test::ReportView r = report_of(eng_);
  ASSERT_EQ(r.rc, 0);
  const std::string info = fdinfo(ring_fd_);
  EXPECT_EQ(std::to_string(fdinfo_number(info, "SqMask") + 1), r.settings.at("sq-entries")) << info;
  EXPECT_EQ(fdinfo_number(info, "SqThread"), -1) << info;
  EXPECT_EQ(r.settings.count("sqpoll"), 0u);
  EXPECT_EQ(r.settings.count("fixed-files"), 0u);
  EXPECT_FALSE(r.settings.at("setup-flags").empty());
  // Capabilities this instance does not have with these options.
  EXPECT_EQ(r.caps & (IOP_CAP_POLLED | IOP_CAP_IO_HIPRI | IOP_CAP_REGISTERED_BUFFERS |
                      IOP_CAP_FIXED_FILES),
            0u);
  EXPECT_EQ(r.caps & (IOP_CAP_FSYNC | IOP_CAP_TRIM | IOP_CAP_COMPLETION_FD | IOP_CAP_IOPRIO),
            IOP_CAP_FSYNC | IOP_CAP_TRIM | IOP_CAP_COMPLETION_FD | IOP_CAP_IOPRIO);
}

// With sqpoll the report says so and the kernel has a polling thread for the
// ring; registered files and buffers are the ring's (fdinfo UserFiles,
// UserBufs).
TEST_F(UringFeatures, SqpollAndRegistrationsAreInEffect) {
  UringOptions opt;
  opt.v[0].i = 1;  // fixed-buffers
  opt.v[1].i = 1;  // fixed-files
  opt.v[2].i = 1;  // sqpoll
  start(opt, 4);
  const iopulse::test::ReportView r = report_of(eng_);
  ASSERT_EQ(r.rc, 0);
  EXPECT_EQ(r.settings.at("sqpoll"), "on");
  EXPECT_EQ(r.settings.at("fixed-files"), "on");
  EXPECT_EQ(r.settings.at("fixed-buffers"), "on");
  EXPECT_NE(r.settings.at("setup-flags").find("SQPOLL"), std::string::npos);
  EXPECT_NE(r.caps & IOP_CAP_FIXED_FILES, 0u);
  EXPECT_NE(r.caps & IOP_CAP_REGISTERED_BUFFERS, 0u);
  EXPECT_GT(fdinfo_number(fdinfo(ring_fd_), "SqThread"), 0) << fdinfo(ring_fd_);

  TempFile tmp(std::vector<char>(8192, 'q'));
  const int32_t h = open_file(tmp.path(), O_RDWR);
  iopulse::test::EngineIoSet pool(4, 4096);
  ASSERT_EQ(eng_.register_buffers(pool.buffers()), 0) << eng_.err.message;
  const std::string info = fdinfo(ring_fd_);
  EXPECT_NE(info.find(tmp.path()), std::string::npos) << "the file is not registered:\n" << info;
  EXPECT_EQ(fdinfo_number(info, "UserBufs"), 4) << info;
  iop_io io = pool.slots[0];
  io.op = IOP_OP_READ;
  io.file = h;
  io.buf_index = 0;
  EXPECT_EQ(run_io(eng_, io).res, 4096);
}

// On an iopoll ring every IO is polled (POLLED, HIPRI), and the ops an
// iopoll ring refuses are not offered (fsync, fdatasync, trim), nor is the
// completion fd: completions appear only when this thread polls.
TEST_F(UringFeatures, IopollInstanceReportsWhatAnIopollRingDoes) {
  UringOptions opt;
  opt.v[5].i = 1;  // iopoll
  start(opt, 4, IOP_CONFIG_DIRECT);
  const iopulse::test::ReportView r = report_of(eng_);
  ASSERT_EQ(r.rc, 0);
  EXPECT_NE(r.settings.at("setup-flags").find("IOPOLL"), std::string::npos);
  EXPECT_EQ(r.caps & (IOP_CAP_POLLED | IOP_CAP_IO_HIPRI), IOP_CAP_POLLED | IOP_CAP_IO_HIPRI);
  EXPECT_EQ(r.caps & (IOP_CAP_FSYNC | IOP_CAP_FDATASYNC | IOP_CAP_TRIM | IOP_CAP_COMPLETION_FD), 0u);
  iop_error err{};
  EXPECT_EQ(eng_.desc->completion_fd(eng_.instance, &err), -ENOTSUP);
  EXPECT_NE(std::string(err.message).find("iopoll"), std::string::npos) << err.message;
}

// ---------------------------------------------------------------------------
// Trim
// ---------------------------------------------------------------------------

TEST_F(UringFeatures, TrimPunchesAHoleAndKeepsTheSize) {
  start(UringOptions{});
  TempFile tmp(std::vector<char>(65536, 'z'));
  const int32_t h = open_file(tmp.path(), O_RDWR);
  ASSERT_EQ(fsync(eng_.fds.back()), 0);
  struct stat before;
  ASSERT_EQ(fstat(eng_.fds.back(), &before), 0);
  iop_io io = make_io(eng_, IOP_OP_TRIM, h, 16384, nullptr, 16384);
  const int64_t res = run_io(eng_, io).res;
  if (res == -EOPNOTSUPP) GTEST_SKIP() << "/tmp does not support hole punching";
  ASSERT_EQ(res, 0);
  struct stat after;
  ASSERT_EQ(fstat(eng_.fds.back(), &after), 0);
  EXPECT_EQ(after.st_size, 65536);
  EXPECT_LT(after.st_blocks, before.st_blocks);
  std::vector<char> back(65536);
  ASSERT_EQ(pread(eng_.fds.back(), back.data(), back.size(), 0), 65536);
  EXPECT_EQ(back[16383], 'z');
  EXPECT_EQ(back[16384], 0);
  EXPECT_EQ(back[32767], 0);
  EXPECT_EQ(back[32768], 'z');
}

// On a block device (a loop device over an image) trim discards: the loop
// driver punches the range out of the image.
TEST_F(UringFeatures, TrimDiscardsOnABlockDevice) {
  start(UringOptions{});
  char image[] = "/tmp/iopulse_uring_trim_XXXXXX";
  const int ifd = mkstemp(image);
  ASSERT_GE(ifd, 0);
  std::vector<char> data(4 << 20, 'd');
  ASSERT_EQ(write(ifd, data.data(), data.size()), static_cast<ssize_t>(data.size()));
  close(ifd);
  const std::string attach = std::string("/usr/sbin/losetup --find --show ") + image + " 2>/dev/null";
  FILE* p = popen(attach.c_str(), "r");
  char dev[64] = {};
  const bool attached = p != nullptr && std::fgets(dev, sizeof dev, p) != nullptr;
  if (p != nullptr) pclose(p);
  if (!attached) {
    unlink(image);
    GTEST_SKIP() << "loop devices are not available here";
  }
  dev[std::strcspn(dev, "\n")] = '\0';
  const int32_t h = open_file(dev, O_RDWR | O_DIRECT);
  iop_io io = make_io(eng_, IOP_OP_TRIM, h, 1 << 20, nullptr, 1 << 20);
  const int64_t res = run_io(eng_, io).res;
  eng_.release();
  std::system((std::string("/usr/sbin/losetup -d ") + dev).c_str());
  std::vector<char> back(4 << 20);
  const int rfd = open(image, O_RDONLY | O_CLOEXEC);
  ASSERT_EQ(pread(rfd, back.data(), back.size(), 0), static_cast<ssize_t>(back.size()));
  close(rfd);
  unlink(image);
  if (res == -EOPNOTSUPP || res == -EINVAL) {
    GTEST_SKIP() << "this kernel has no io_uring block discard (Linux 6.12): " << std::strerror(static_cast<int>(-res));
  }
  ASSERT_EQ(res, 0);
  EXPECT_EQ(back[(1 << 20) - 1], 'd');
  EXPECT_EQ(back[1 << 20], 0);
  EXPECT_EQ(back[(2 << 20) - 1], 0);
  EXPECT_EQ(back[2 << 20], 'd');
}

// ---------------------------------------------------------------------------
// Per-IO flags and priorities
// ---------------------------------------------------------------------------

TEST_F(UringFeatures, NowaitAndDsyncReachTheKernel) {
  start(UringOptions{});
  std::vector<char> content(256 * 1024);
  fill_pattern(content.data(), content.size(), 0);
  TempFile tmp(content);
  const int32_t h = open_file(tmp.path(), O_RDWR);
  std::vector<char> buf(16384);
  iop_io io = make_io(eng_, IOP_OP_READ, h, 128 * 1024, buf.data(), 4096);
  io.flags = IOP_IO_NOWAIT;
  std::vector<char> tail(4096, 'n');
  iop_io past_end = make_io(eng_, IOP_OP_WRITE, h, 256 * 1024, tail.data(), 4096);
  past_end.flags = IOP_IO_NOWAIT;
  EXPECT_TRUE(iopulse::test::nowait_refused(tmp.path(), [&] { return run_io(eng_, io).res; },
                                            [&] { return run_io(eng_, past_end).res; }));
  io.flags = 0;
  EXPECT_EQ(run_io(eng_, io).res, 4096);
  EXPECT_TRUE(matches_pattern(buf.data(), 4096, 128 * 1024));

  fill_pattern(buf.data(), 16384, 0, 3);
  io = make_io(eng_, IOP_OP_WRITE, h, 0, buf.data(), 16384);
  io.flags = IOP_IO_DSYNC;
  EXPECT_EQ(run_io(eng_, io).res, 16384);
  iopulse::test::drop_clean_pages(tmp.path());
  EXPECT_EQ(resident_pages(tmp.path(), 0, 16384), 0) << "a DSYNC write left dirty pages";
}

TEST_F(UringFeatures, PriorityReachesTheKernel) {
  start(UringOptions{});
  TempFile tmp(std::vector<char>(8192, 'r'));
  const int32_t h = open_file(tmp.path(), O_RDWR);
  std::vector<char> buf(4096);
  iop_io io = make_io(eng_, IOP_OP_READ, h, 0, buf.data(), 4096);
  io.ioprio = IOP_IOPRIO_VALUE(IOP_IOPRIO_CLASS_BE, 7);
  EXPECT_EQ(run_io(eng_, io).res, 4096);
  io.ioprio = IOP_IOPRIO_VALUE(IOP_IOPRIO_CLASS_IDLE, 0);
  EXPECT_EQ(run_io(eng_, io).res, 4096);
  io.ioprio = IOP_IOPRIO_VALUE(5, 0);  // the kernel knows no class 5
  EXPECT_EQ(run_io(eng_, io).res, -EINVAL);
}

// ---------------------------------------------------------------------------
// Completion fd and control
// ---------------------------------------------------------------------------

TEST_F(UringFeatures, CompletionFdBecomesReadableWhenAnIoCompletes) {
  start(UringOptions{});
  TempFile tmp(std::vector<char>(16384, 'c'));
  const int32_t h = open_file(tmp.path(), O_RDWR);
  iop_error err{};
  const int32_t fd = eng_.desc->completion_fd(eng_.instance, &err);
  ASSERT_GE(fd, 0) << err.message;
  iopulse::test::EngineIoSet pool(4, 4096);
  std::vector<iop_io*> ios = pool.all_slots(IOP_OP_READ, h, 4096);
  ASSERT_EQ(eng_.submit(ios.data(), 4), 4);
  uint32_t done = 0;
  iop_cqe cqe[4];
  while (done < 4) {
    ASSERT_TRUE(iopulse::test::readable_within(fd, 5000)) << done << " of 4 reaped";
    iopulse::test::drain_eventfd(fd);
    const int32_t got = eng_.reap(cqe, 4, 0, 0);
    ASSERT_GE(got, 0);
    for (int32_t k = 0; k < got; k++) EXPECT_EQ(cqe[k].res, 4096);
    done += static_cast<uint32_t>(got);
  }
  // A refused IO is ready at once: the engine signals it itself.
  iop_io bad = make_io(eng_, IOP_OP_READ, h + 9, 0, pool.slots[0].buf, 4096);
  iop_io* one[1] = {&bad};
  ASSERT_EQ(eng_.submit(one, 1), 1);
  ASSERT_TRUE(iopulse::test::readable_within(fd, 5000));
  ASSERT_EQ(eng_.reap(cqe, 4, 0, 0), 1);
  EXPECT_EQ(cqe[0].res, -EBADF);
}

// completion-fd=0: no completion fd is offered (the report and the call
// agree, the settings say where the host waits), and reaps told to wait
// for one completion return every IO with its data.  (Where the worker then
// sleeps is checked with strace in engine_functions_test.cc.)
TEST_F(UringFeatures, WithoutTheCompletionFdNoneIsOfferedAndWaitingReapsReturnTheIos) {
  UringOptions opt;
  opt.v[6].i = 0;  // completion-fd
  start(opt);
  const iopulse::test::ReportView r = report_of(eng_);
  ASSERT_EQ(r.rc, 0);
  EXPECT_EQ(r.caps & IOP_CAP_COMPLETION_FD, 0u);
  EXPECT_NE(r.settings.at("completion-wait").find("io_uring_enter"), std::string::npos);
  EXPECT_EQ(r.settings.at("completion-wait").find("eventfd"), std::string::npos) << "no eventfd is waited on";
  iop_error err{};
  EXPECT_EQ(eng_.desc->completion_fd(eng_.instance, &err), -ENOTSUP);
  EXPECT_NE(std::string(err.message).find("completion-fd"), std::string::npos) << err.message;
  TempFile tmp(std::vector<char>(16384, 'w'));
  const int32_t h = open_file(tmp.path(), O_RDWR);
  iopulse::test::EngineIoSet pool(2, 4096);
  std::vector<iop_io*> ios = pool.all_slots(IOP_OP_READ, h, 4096);
  ASSERT_EQ(eng_.submit(ios.data(), 2), 2);
  uint32_t done = 0;
  iop_cqe cqe[2];
  while (done < 2) {
    const int32_t got = eng_.reap(cqe, 2, 1, 5'000'000'000ull);
    ASSERT_GE(got, 1) << "a reap that waits for one returned " << got;
    for (int32_t k = 0; k < got; k++) EXPECT_EQ(cqe[k].res, 4096);
    done += static_cast<uint32_t>(got);
  }
  for (const iop_io* io : ios) {
    EXPECT_EQ(std::string(static_cast<const char*>(io->buf), 4096), std::string(4096, 'w'));
  }
}

TEST_F(UringFeatures, DropCacheEmptiesThePageCacheOfTheFile) {
  start(UringOptions{});
  TempFile tmp(std::vector<char>(65536, 'm'));
  const int32_t h = open_file(tmp.path(), O_RDWR);
  std::vector<char> buf(65536);
  iop_io io = make_io(eng_, IOP_OP_READ, h, 0, buf.data(), 65536);
  ASSERT_EQ(run_io(eng_, io).res, 65536);
  ASSERT_GT(resident_pages(tmp.path(), 0, 65536), 0);
  int32_t handle = h;
  iop_error err{};
  ASSERT_EQ(eng_.desc->control(eng_.instance, IOP_CTL_DROP_CACHE, &handle, &err), 0) << err.message;
  EXPECT_EQ(resident_pages(tmp.path(), 0, 65536), 0);
  EXPECT_EQ(eng_.desc->control(eng_.instance, IOP_CTL_ENGINE_BASE + 1, &handle, &err), -ENOTSUP);
}

}  // namespace
