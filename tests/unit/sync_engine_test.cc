// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// Tests of the sync engine through its C ABI: the built iopulse_sync.so is
// dlopen()ed directly, without the host's loader, and driven the way the
// host drives it, on real files under /tmp.  Also tests iopulse/engine.hpp,
// which the sync engine is built with.

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "iopulse/engine.h"
#include "iopulse/engine.hpp"
#include "engine_test_support.h"

namespace {

using iopulse::test::AlignedBuffer;
using iopulse::test::aligned_buffer;
using iopulse::test::EngineUnderTest;
using iopulse::test::engine_config;
using iopulse::test::fill_pattern;
using iopulse::test::host_info;
using iopulse::test::TempFile;

using iopulse::test::sync_plugin;

// The sync engine's option values with its defaults (hugepages=off).
const iop_option_value kSyncDefaults[1] = {{0, "off"}};

// One sync engine instance (queue depth 1); files are opened by the test as
// the host would and handed over by descriptor.
class SyncEngineFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(sync_plugin().error, "");
    ASSERT_EQ(eng_.create(engine_config(1, 0, kSyncDefaults, 1)), 0) << eng_.err.message;
    eng_.run_one_style = {1001, /*count_up=*/true, IOP_TIMEOUT_INFINITE};
  }

  void TearDown() override { eng_.release(/*expect_clean_close=*/true); }

  // Opens `path` with `flags` like the host does and registers it.
  int32_t open(const std::string& path, int flags, uint32_t file_flags) {
    int32_t h = eng_.open(path, flags, file_flags);
    EXPECT_GE(h, 0) << eng_.err.message;
    return h;
  }

  // Submits one IO, reaps its completion and returns res.
  int64_t run(uint8_t op, int32_t file, uint64_t offset, void* buf, uint32_t len) {
    return eng_.run_one(op, file, offset, buf, len);
  }

  EngineUnderTest eng_{sync_plugin().desc};
  // For the tests that call the engine directly.
  const iop_engine_desc*& desc_ = eng_.desc;
  iop_engine*& engine_ = eng_.instance;
  std::vector<int32_t>& handles_ = eng_.handles;
  std::vector<int>& fds_ = eng_.fds;
};

TEST(SyncEngine, DescriptorIsComplete) {
  ASSERT_EQ(sync_plugin().error, "");
  const iop_engine_desc* d = sync_plugin().desc;
  iopulse::test::expect_descriptor_basics(d, "sync", "2.0.0");
  EXPECT_EQ(d->caps, IOP_CAP_FSYNC | IOP_CAP_FDATASYNC | IOP_CAP_TRIM | IOP_CAP_DIRECT |
                         IOP_CAP_IO_DSYNC | IOP_CAP_IO_NOWAIT | IOP_CAP_IOPRIO |
                         IOP_CAP_ENGINE_BUFFERS | IOP_CAP_CONTROL | IOP_CAP_ERROR_TEXT |
                         IOP_CAP_REPORT | IOP_CAP_META_ALL | IOP_CAP_META_RENAME_NOREPLACE);
  EXPECT_EQ(d->required_caps, 0u);
  EXPECT_EQ(d->max_queue_depth, 1u);
  EXPECT_EQ(d->min_buf_align, 0u);
  EXPECT_EQ(d->io_priv_size, 0u);
  ASSERT_EQ(d->num_options, 1u);
  EXPECT_STREQ(d->options[0].name, "hugepages");
  EXPECT_EQ(d->register_buffers, nullptr);
  EXPECT_EQ(d->completion_fd, nullptr);
}

TEST(SyncEngine, EntryAnswersAHostOfAnotherMajor) {
  ASSERT_EQ(sync_plugin().error, "");
  iop_host_info host = host_info(IOP_ABI_MAJOR + 1);
  const iop_engine_desc* d = nullptr;
  EXPECT_EQ(sync_plugin().entry(&host, &d), 0);
  EXPECT_EQ(d, sync_plugin().desc);
}

TEST(SyncEngine, CreateRejectsABadConfig) {
  ASSERT_EQ(sync_plugin().error, "");
  const iop_engine_desc* d = sync_plugin().desc;
  iop_option_value opt{0, "off"};
  iop_engine_config config{};
  config.queue_depth = 1;
  iop_engine* e = nullptr;

  iop_error err{};
  config.struct_size = 8;
  EXPECT_EQ(d->create(&config, &e, &err), -EINVAL);
  EXPECT_NE(err.message[0], '\0');

  err = iop_error{};
  config.struct_size = sizeof config;
  config.num_options = 0;
  config.options = nullptr;
  EXPECT_EQ(d->create(&config, &e, &err), -EINVAL);
  EXPECT_NE(err.message[0], '\0');

  err = iop_error{};
  config.num_options = 1;
  config.options = &opt;
  config.queue_depth = 2;
  EXPECT_EQ(d->create(&config, &e, &err), -EINVAL);
  EXPECT_NE(std::string(err.message).find("queue depth"), std::string::npos) << err.message;
  EXPECT_EQ(e, nullptr);
}

TEST_F(SyncEngineFixture, OpenFileRejectsAMissingDescriptor) {
  iop_file_desc file{};
  file.struct_size = sizeof file;
  file.path = "/nonexistent";
  file.fd = -1;
  iop_error err{};
  EXPECT_EQ(desc_->open_file(engine_, &file, &err), -EBADF);
  EXPECT_NE(std::string(err.message).find("/nonexistent"), std::string::npos) << err.message;
}

TEST_F(SyncEngineFixture, WritesUniqueBlocksAndReadsThemBack) {
  TempFile tmp;
  ASSERT_FALSE(tmp.path().empty());
  int32_t h = open(tmp.path(), O_RDWR, IOP_FILE_READ | IOP_FILE_WRITE);
  ASSERT_GE(h, 0);

  constexpr uint32_t kBlock = 8192;
  const uint64_t offsets[] = {0, 3 * kBlock, 1 << 20, 12345, 5 * kBlock};
  std::vector<char> data(kBlock), back(kBlock);
  for (uint64_t off : offsets) {
    fill_pattern(data.data(), kBlock, off);
    ASSERT_EQ(run(IOP_OP_WRITE, h, off, data.data(), kBlock), kBlock) << off;
  }
  for (uint64_t off : offsets) {
    fill_pattern(data.data(), kBlock, off);
    std::memset(back.data(), 0, kBlock);
    ASSERT_EQ(run(IOP_OP_READ, h, off, back.data(), kBlock), kBlock) << off;
    EXPECT_EQ(std::memcmp(back.data(), data.data(), kBlock), 0) << "block at " << off;
    // And the data really is in the file, not only in the engine's view.
    std::memset(back.data(), 0, kBlock);
    ASSERT_EQ(pread(fds_.back(), back.data(), kBlock, static_cast<off_t>(off)), kBlock);
    EXPECT_EQ(std::memcmp(back.data(), data.data(), kBlock), 0) << "block at " << off;
  }
}

TEST_F(SyncEngineFixture, ReadsAFileWrittenIndependently) {
  TempFile tmp;
  ASSERT_FALSE(tmp.path().empty());
  constexpr size_t kSize = 256 * 1024;
  std::vector<char> content(kSize);
  fill_pattern(content.data(), kSize, 0);
  {
    int fd = ::open(tmp.path().c_str(), O_WRONLY | O_CLOEXEC);
    ASSERT_GE(fd, 0);
    ASSERT_EQ(write(fd, content.data(), kSize), static_cast<ssize_t>(kSize));
    close(fd);
  }
  int32_t h = open(tmp.path(), O_RDONLY, IOP_FILE_READ);
  ASSERT_GE(h, 0);
  std::vector<char> buf(65536);
  for (uint64_t off : {uint64_t{0}, uint64_t{4096}, uint64_t{100000}, uint64_t{kSize - 65536}}) {
    ASSERT_EQ(run(IOP_OP_READ, h, off, buf.data(), 65536), 65536) << off;
    EXPECT_EQ(std::memcmp(buf.data(), content.data() + off, 65536), 0) << off;
  }
}

TEST_F(SyncEngineFixture, ReadAtEndOfFileReturnsTheShortCount) {
  TempFile tmp;
  ASSERT_FALSE(tmp.path().empty());
  std::vector<char> content(10000, 'x');
  {
    int fd = ::open(tmp.path().c_str(), O_WRONLY | O_CLOEXEC);
    ASSERT_GE(fd, 0);
    ASSERT_EQ(write(fd, content.data(), content.size()), 10000);
    close(fd);
  }
  int32_t h = open(tmp.path(), O_RDONLY, IOP_FILE_READ);
  ASSERT_GE(h, 0);
  std::vector<char> buf(8192, 0);
  EXPECT_EQ(run(IOP_OP_READ, h, 8192, buf.data(), 8192), 10000 - 8192);
  EXPECT_EQ(buf[10000 - 8192 - 1], 'x');
  EXPECT_EQ(buf[10000 - 8192], 0);
  EXPECT_EQ(run(IOP_OP_READ, h, 20000, buf.data(), 8192), 0);
}

TEST_F(SyncEngineFixture, ReadOnAWriteOnlyDescriptorCompletesWithEbadf) {
  TempFile tmp;
  ASSERT_FALSE(tmp.path().empty());
  int32_t h = open(tmp.path(), O_WRONLY, IOP_FILE_WRITE);
  ASSERT_GE(h, 0);
  std::vector<char> buf(4096);
  EXPECT_EQ(run(IOP_OP_READ, h, 0, buf.data(), 4096), -EBADF);
}

TEST_F(SyncEngineFixture, FsyncAndFdatasyncComplete) {
  TempFile tmp;
  ASSERT_FALSE(tmp.path().empty());
  int32_t h = open(tmp.path(), O_RDWR, IOP_FILE_READ | IOP_FILE_WRITE);
  ASSERT_GE(h, 0);
  std::vector<char> buf(4096, 'a');
  ASSERT_EQ(run(IOP_OP_WRITE, h, 0, buf.data(), 4096), 4096);
  EXPECT_EQ(run(IOP_OP_FSYNC, h, 0, nullptr, 0), 0);
  ASSERT_EQ(run(IOP_OP_WRITE, h, 4096, buf.data(), 4096), 4096);
  EXPECT_EQ(run(IOP_OP_FDATASYNC, h, 0, nullptr, 0), 0);
}

TEST_F(SyncEngineFixture, TrimPunchesAHoleAndKeepsTheSize) {
  TempFile tmp;
  ASSERT_FALSE(tmp.path().empty());
  int32_t h = open(tmp.path(), O_RDWR, IOP_FILE_READ | IOP_FILE_WRITE);
  ASSERT_GE(h, 0);
  std::vector<char> buf(65536, 'z');
  ASSERT_EQ(run(IOP_OP_WRITE, h, 0, buf.data(), 65536), 65536);
  int64_t res = run(IOP_OP_TRIM, h, 16384, nullptr, 16384);
  if (res == -EOPNOTSUPP) GTEST_SKIP() << "/tmp does not support hole punching";
  ASSERT_EQ(res, 0);
  struct stat st;
  ASSERT_EQ(fstat(fds_.back(), &st), 0);
  EXPECT_EQ(st.st_size, 65536);
  ASSERT_EQ(run(IOP_OP_READ, h, 0, buf.data(), 65536), 65536);
  EXPECT_EQ(buf[16384 - 1], 'z');
  EXPECT_EQ(buf[16384], 0);
  EXPECT_EQ(buf[32768 - 1], 0);
  EXPECT_EQ(buf[32768], 'z');
}

TEST_F(SyncEngineFixture, DirectIoRoundTrip) {
  TempFile tmp;
  ASSERT_FALSE(tmp.path().empty());
  int32_t h = open(tmp.path(), O_RDWR | O_DIRECT,
                   IOP_FILE_READ | IOP_FILE_WRITE | IOP_FILE_DIRECT);
  ASSERT_GE(h, 0);
  constexpr uint32_t kLen = 64 * 1024;
  AlignedBuffer out = aligned_buffer(kLen), in = aligned_buffer(kLen);
  ASSERT_TRUE(out && in);
  for (uint64_t off : {uint64_t{0}, uint64_t{1} << 20, uint64_t{4096 * 7}}) {
    fill_pattern(out.get(), kLen, off);
    std::memset(in.get(), 0, kLen);
    ASSERT_EQ(run(IOP_OP_WRITE, h, off, out.get(), kLen), kLen) << off;
    ASSERT_EQ(run(IOP_OP_READ, h, off, in.get(), kLen), kLen) << off;
    EXPECT_EQ(std::memcmp(in.get(), out.get(), kLen), 0) << off;
  }
  // A misaligned offset is the kernel's to refuse, and arrives as -EINVAL.
  EXPECT_EQ(run(IOP_OP_READ, h, 512 + 1, in.get(), 4096), -EINVAL);
}

TEST_F(SyncEngineFixture, UnknownSubmitFlagsAreRejected) {
  TempFile tmp;
  ASSERT_FALSE(tmp.path().empty());
  int32_t h = open(tmp.path(), O_RDWR, IOP_FILE_READ | IOP_FILE_WRITE);
  ASSERT_GE(h, 0);
  std::vector<char> buf(512, 'q');
  iop_io io{};
  io.user_data = 1;
  io.buf = buf.data();
  io.len = 512;
  io.file = h;
  io.op = IOP_OP_WRITE;
  io.buf_index = -1;
  iop_io* ios[1] = {&io};
  EXPECT_EQ(desc_->submit(engine_, ios, 1, 1u << 0), -EINVAL);
  EXPECT_EQ(desc_->submit(engine_, ios, 1, 1u << 31), -EINVAL);
  iop_cqe cqe[1];
  EXPECT_EQ(desc_->reap(engine_, cqe, 1, 0, 0), 0);
  struct stat st;
  ASSERT_EQ(fstat(fds_.back(), &st), 0);
  EXPECT_EQ(st.st_size, 0) << "a rejected submit must not do the IO";
}

TEST_F(SyncEngineFixture, UnknownOpAndHandleCompleteWithAnError) {
  TempFile tmp;
  ASSERT_FALSE(tmp.path().empty());
  int32_t h = open(tmp.path(), O_RDWR, IOP_FILE_READ | IOP_FILE_WRITE);
  ASSERT_GE(h, 0);
  std::vector<char> buf(512);
  EXPECT_EQ(run(99, h, 0, buf.data(), 512), -EINVAL);
  EXPECT_EQ(run(IOP_OP_READ, h + 100, 0, buf.data(), 512), -EBADF);
  EXPECT_EQ(run(IOP_OP_READ, -1, 0, buf.data(), 512), -EBADF);
}

TEST_F(SyncEngineFixture, SubmitStopsWhenTheCompletionRingIsFull) {
  TempFile tmp;
  ASSERT_FALSE(tmp.path().empty());
  int32_t h = open(tmp.path(), O_RDWR, IOP_FILE_READ | IOP_FILE_WRITE);
  ASSERT_GE(h, 0);
  std::vector<char> buf(4096, 'w');
  iop_io io[2] = {};
  for (int i = 0; i < 2; i++) {
    io[i].user_data = 10 + static_cast<uint64_t>(i);
    io[i].offset = static_cast<uint64_t>(i) * 4096;
    io[i].buf = buf.data();
    io[i].len = 4096;
    io[i].file = h;
    io[i].op = IOP_OP_WRITE;
    io[i].buf_index = -1;
  }
  iop_io* ios[2] = {&io[0], &io[1]};
  ASSERT_EQ(desc_->submit(engine_, ios, 2, 0), 1);
  ASSERT_EQ(desc_->submit(engine_, ios + 1, 1, 0), 0);
  iop_cqe cqe[2];
  ASSERT_EQ(desc_->reap(engine_, cqe, 2, 1, IOP_TIMEOUT_INFINITE), 1);
  EXPECT_EQ(cqe[0].user_data, 10u);
  EXPECT_EQ(cqe[0].res, 4096);
  ASSERT_EQ(desc_->submit(engine_, ios + 1, 1, 0), 1);
  ASSERT_EQ(desc_->reap(engine_, cqe, 2, 1, IOP_TIMEOUT_INFINITE), 1);
  EXPECT_EQ(cqe[0].user_data, 11u);
  EXPECT_EQ(cqe[0].res, 4096);
}

TEST_F(SyncEngineFixture, CloseFileLeavesTheHostsDescriptorOpen) {
  TempFile tmp;
  ASSERT_FALSE(tmp.path().empty());
  int32_t h = open(tmp.path(), O_RDWR, IOP_FILE_READ | IOP_FILE_WRITE);
  ASSERT_GE(h, 0);
  iop_error err{};
  ASSERT_EQ(desc_->close_file(engine_, h, &err), 0) << err.message;
  handles_.clear();
  EXPECT_NE(fcntl(fds_.back(), F_GETFD), -1) << "the engine closed the host's descriptor";
  EXPECT_EQ(desc_->close_file(engine_, h, &err), -EBADF);
  EXPECT_NE(err.message[0], '\0');
}

// --- iopulse/engine.hpp ----------------------------------------------------

TEST(SyncEngineHpp, SetErrorFormatsAndAlwaysTerminates) {
  iop_error err;
  std::memset(err.message, 'x', sizeof err.message);
  iop::set_error(&err, "open %s failed: %d", "/dev/sdz", -2);
  EXPECT_STREQ(err.message, "open /dev/sdz failed: -2");

  std::string long_text(1000, 'y');
  std::memset(err.message, 'x', sizeof err.message);
  iop::set_error(&err, "%s", long_text.c_str());
  EXPECT_EQ(std::strlen(err.message), IOP_ERROR_MESSAGE_MAX - 1u);
  EXPECT_EQ(err.message[IOP_ERROR_MESSAGE_MAX - 1], '\0');

  iop::set_error(nullptr, "ignored %d", 1);  // must not crash
}

TEST(SyncEngineHpp, GuardPassesResultsAndTurnsExceptionsIntoEio) {
  iop_error err{};
  EXPECT_EQ(iop::guard(&err, [] { return 7; }), 7);
  EXPECT_EQ(iop::guard(&err, [] {}), 0);
  EXPECT_EQ(err.message[0], '\0');

  EXPECT_EQ(iop::guard(&err, []() -> int32_t { throw std::runtime_error("disk on fire"); }), -EIO);
  EXPECT_STREQ(err.message, "disk on fire");

  err = iop_error{};
  EXPECT_EQ(iop::guard(&err, []() -> int32_t { throw 42; }), -EIO);
  EXPECT_NE(err.message[0], '\0');
}

TEST(SyncEngineHpp, GuardNoerrReturnsEioOrNothing) {
  EXPECT_EQ(iop::guard_noerr([] { return int32_t{3}; }), 3);
  EXPECT_EQ(iop::guard_noerr([]() -> int32_t { throw std::logic_error("x"); }), -EIO);
  EXPECT_EQ(iop::guard_noerr([]() -> int64_t { throw std::bad_alloc(); }), int64_t{-EIO});
  bool ran = false;
  iop::guard_noerr([&] {
    ran = true;
    throw std::runtime_error("swallowed");
  });
  EXPECT_TRUE(ran);
}

}  // namespace
