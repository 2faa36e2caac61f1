// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// The libaio engine's ABI 2 abilities, each checked against what the kernel
// did: per-IO NOWAIT and DSYNC (the page cache), a priority the kernel
// refuses, the eventfd the kernel signals (IOCB_FLAG_RESFD), drop-cache
// (mincore(2)), and the report (asynchronous only with O_DIRECT).

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "iopulse/engine.h"
#include "engine_test_support.h"

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

using iopulse::test::aio_plugin;

class AioFeatures : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_EQ(aio_plugin().error, ""); }

  // An instance and a file of `content`, open read-write.
  void start(const std::vector<char>& content, uint32_t flags = 0, uint32_t qd = 4) {
    ASSERT_EQ(eng_.create(engine_config(qd, flags)), 0) << eng_.err.message;
    tmp_ = std::make_unique<TempFile>(content);
    ASSERT_FALSE(tmp_->path().empty());
    const bool direct = (flags & IOP_CONFIG_DIRECT) != 0;
    h_ = eng_.open(tmp_->path(), O_RDWR | (direct ? O_DIRECT : 0));
    ASSERT_GE(h_, 0) << eng_.err.message;
  }

  iop_io io_for(uint8_t op, uint64_t offset, void* buf, uint32_t len) {
    return make_io(eng_, op, h_, offset, buf, len, priv_);
  }

  EngineUnderTest eng_{aio_plugin().desc};
  std::unique_ptr<TempFile> tmp_;
  int32_t h_ = -1;
  alignas(64) unsigned char priv_[256] = {};
};

TEST_F(AioFeatures, ReportIsAsynchronousOnlyWithDirect) {
  start(std::vector<char>(4096, 'a'));
  iopulse::test::ReportView r = report_of(eng_);
  ASSERT_EQ(r.rc, 0);
  EXPECT_EQ(r.caps & IOP_CAP_ASYNC, 0u);
  EXPECT_EQ(r.settings["io_submit"], "does the IO (buffered)");
  eng_.release();
  start(std::vector<char>(4096, 'a'), IOP_CONFIG_DIRECT);
  r = report_of(eng_);
  EXPECT_EQ(r.caps, eng_.desc->caps);
  EXPECT_EQ(r.settings["io_submit"], "queues (O_DIRECT)");
}

TEST_F(AioFeatures, NowaitAndDsyncReachTheKernel) {
  std::vector<char> content(256 * 1024);
  fill_pattern(content.data(), content.size(), 0);
  start(content);
  std::vector<char> buf(16384);
  iop_io io = io_for(IOP_OP_READ, 128 * 1024, buf.data(), 4096);
  io.flags = IOP_IO_NOWAIT;
  std::vector<char> tail(4096, 'n');
  iop_io past_end = io_for(IOP_OP_WRITE, 256 * 1024, tail.data(), 4096);
  past_end.flags = IOP_IO_NOWAIT;
  EXPECT_TRUE(iopulse::test::nowait_refused(tmp_->path(), [&] { return run_io(eng_, io).res; },
                                            [&] { return run_io(eng_, past_end).res; }));
  io.flags = 0;
  EXPECT_EQ(run_io(eng_, io).res, 4096);
  EXPECT_TRUE(matches_pattern(buf.data(), 4096, 128 * 1024));

  fill_pattern(buf.data(), 16384, 0, 5);
  io = io_for(IOP_OP_WRITE, 0, buf.data(), 16384);
  io.flags = IOP_IO_DSYNC;
  EXPECT_EQ(run_io(eng_, io).res, 16384);
  iopulse::test::drop_clean_pages(tmp_->path());
  EXPECT_EQ(resident_pages(tmp_->path(), 0, 16384), 0) << "a DSYNC write left dirty pages";
}

TEST_F(AioFeatures, PriorityReachesTheKernel) {
  start(std::vector<char>(8192, 'p'));
  std::vector<char> buf(4096);
  iop_io io = io_for(IOP_OP_READ, 0, buf.data(), 4096);
  io.ioprio = IOP_IOPRIO_VALUE(IOP_IOPRIO_CLASS_BE, 2);
  EXPECT_EQ(run_io(eng_, io).res, 4096);
  io.ioprio = IOP_IOPRIO_VALUE(5, 0);  // the kernel knows no class 5
  EXPECT_EQ(run_io(eng_, io).res, -EINVAL);
}

// The kernel signals the eventfd as each IO completes; an IO the engine
// refuses is signalled by the engine.
TEST_F(AioFeatures, CompletionFdBecomesReadableWhenAnIoCompletes) {
  start(std::vector<char>(65536, 'e'), IOP_CONFIG_DIRECT);
  iop_error err{};
  const int32_t fd = eng_.desc->completion_fd(eng_.instance, &err);
  ASSERT_GE(fd, 0) << err.message;
  iopulse::test::EngineIoSet pool(4, 4096, eng_.desc->io_priv_size);
  std::vector<iop_io*> ios = pool.all_slots(IOP_OP_READ, h_, 4096);
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
  iop_io bad = make_io(eng_, IOP_OP_READ, h_ + 5, 0, pool.slots[0].buf, 4096, pool.slots[0].priv);
  iop_io* one[1] = {&bad};
  ASSERT_EQ(eng_.submit(one, 1), 1);
  ASSERT_TRUE(iopulse::test::readable_within(fd, 5000));
  ASSERT_EQ(eng_.reap(cqe, 4, 0, 0), 1);
  EXPECT_EQ(cqe[0].res, -EBADF);
}

TEST_F(AioFeatures, DropCacheEmptiesThePageCacheOfTheFile) {
  start(std::vector<char>(65536, 'm'));
  std::vector<char> buf(65536);
  iop_io io = io_for(IOP_OP_READ, 0, buf.data(), 65536);
  ASSERT_EQ(run_io(eng_, io).res, 65536);
  ASSERT_GT(resident_pages(tmp_->path(), 0, 65536), 0);
  int32_t handle = h_;
  iop_error err{};
  ASSERT_EQ(eng_.desc->control(eng_.instance, IOP_CTL_DROP_CACHE, &handle, &err), 0) << err.message;
  EXPECT_EQ(resident_pages(tmp_->path(), 0, 65536), 0);
  EXPECT_EQ(eng_.desc->control(eng_.instance, 99, &handle, &err), -ENOTSUP);
}

}  // namespace
