// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// Tests of the io_uring engine through its C ABI: the built
// iopulse_io_uring.so is dlopen()ed directly, without the host's loader, and
// driven the way the host's worker drives it (queue_depth slots, each with
// its own buffer; every free slot submitted in one call; reap with
// min_wait 1), on real files under /tmp (ext4 here, so O_DIRECT works).

#include <fcntl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "iopulse/engine.h"
#include "engine_test_support.h"
#include "io_uring_test_support.h"

namespace {

using iopulse::test::AlignedBuffer;
using iopulse::test::aligned_buffer;
using iopulse::test::check_file;
using iopulse::test::drive;
using iopulse::test::EngineUnderTest;
using iopulse::test::expect_idle_reap_returns_at_once;
using iopulse::test::expect_queue_depth_3_is_held;
using iopulse::test::expect_short_read_at_eof;
using iopulse::test::engine_config;
using iopulse::test::fill_pattern;
using iopulse::test::kReapTimeoutNs;
using iopulse::test::matches_pattern;
using iopulse::test::monotonic_ns;
using iopulse::test::shuffled_blocks;
using iopulse::test::TempFile;
using iopulse::test::write_x_file;
using iopulse::test::with_syscall_failing;
using Pool = iopulse::test::EngineIoSet;

using iopulse::test::uring_plugin;
using iopulse::test::make_io;

// Option values in the descriptor's order, starting from its defaults.
class Options {
 public:
  explicit Options(const iop_engine_desc* d) : desc_(d), values_(d->num_options) {
    for (uint32_t i = 0; i < d->num_options; i++) {
      const char* def = d->options[i].default_value;
      values_[i].i = def != nullptr ? std::strtoll(def, nullptr, 10) : 0;
    }
  }
  Options& set(const char* name, int64_t value) {
    for (uint32_t i = 0; i < desc_->num_options; i++) {
      if (std::strcmp(desc_->options[i].name, name) == 0) {
        values_[i].i = value;
        return *this;
      }
    }
    ADD_FAILURE() << "no option " << name;
    return *this;
  }
  const iop_option_value* data() const { return values_.data(); }
  uint32_t size() const { return static_cast<uint32_t>(values_.size()); }

 private:
  const iop_engine_desc* desc_;
  std::vector<iop_option_value> values_;
};

// One engine instance and the descriptors the test opened for it, released
// (handles closed, instance destroyed, descriptors closed) at the end.
class UringEngine : public EngineUnderTest {
 public:
  UringEngine() : EngineUnderTest(uring_plugin().desc) {}

  int32_t create(uint32_t qd, uint32_t flags, const Options& opt) {
    return EngineUnderTest::create(engine_config(qd, flags, opt.data(), opt.size()));
  }
};

// Writes `count` blocks with unique data, checks the file, reads them back
// through the engine and compares.
void round_trip(uint32_t qd, uint32_t block, uint32_t count, uint32_t config_flags,
                const Options& opt, bool fixed_buffers = false) {
  TempFile tmp;
  ASSERT_FALSE(tmp.path().empty());
  UringEngine eng;
  ASSERT_EQ(eng.create(qd, config_flags, opt), 0) << eng.err.message;
  const bool direct = (config_flags & IOP_CONFIG_DIRECT) != 0;
  int32_t h = eng.open(tmp.path(), O_RDWR | (direct ? O_DIRECT : 0));
  ASSERT_GE(h, 0) << eng.err.message;
  Pool pool(qd, block);
  ASSERT_EQ(eng.register_buffers(pool.buffers()), 0) << eng.err.message;

  const std::vector<uint64_t> offsets = shuffled_blocks(count, block);
  EXPECT_EQ(drive(eng, pool, h, IOP_OP_WRITE, offsets, fixed_buffers), "");
  EXPECT_EQ(check_file(tmp.path(), count, block), "");
  EXPECT_EQ(drive(eng, pool, h, IOP_OP_READ, offsets, fixed_buffers), "");
}

class UringEngineTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_EQ(uring_plugin().error, ""); }
  const iop_engine_desc* desc() const { return uring_plugin().desc; }
  Options defaults() const { return Options(desc()); }
};

// --- descriptor ------------------------------------------------------------

TEST_F(UringEngineTest, DescriptorIsComplete) {
  const iop_engine_desc* d = desc();
  iopulse::test::expect_descriptor_basics(d, "io_uring", "2.2.0");
  EXPECT_EQ(d->caps, IOP_CAP_ASYNC | IOP_CAP_BATCH_SUBMIT | IOP_CAP_REGISTERED_BUFFERS |
                         IOP_CAP_FIXED_FILES | IOP_CAP_POLLED | IOP_CAP_FSYNC |
                         IOP_CAP_FDATASYNC | IOP_CAP_TRIM | IOP_CAP_DIRECT | IOP_CAP_IO_DSYNC |
                         IOP_CAP_IO_HIPRI | IOP_CAP_IO_NOWAIT | IOP_CAP_IOPRIO |
                         IOP_CAP_COMPLETION_FD | IOP_CAP_CONTROL | IOP_CAP_ERROR_TEXT |
                         IOP_CAP_REPORT | IOP_CAP_META_ALL | IOP_CAP_META_RENAME_NOREPLACE);
  EXPECT_NE(d->error_text, nullptr);
  EXPECT_EQ(d->required_caps, 0u);
  EXPECT_EQ(d->max_queue_depth, 4096u);
  EXPECT_EQ(d->io_priv_size, 0u);
  EXPECT_NE(d->register_buffers, nullptr);
  ASSERT_EQ(d->num_options, 7u);
  const char* names[] = {"fixed-buffers", "fixed-files", "sqpoll", "sqpoll-cpu",
                         "sqpoll-idle-ms", "iopoll", "completion-fd"};
  const uint32_t types[] = {IOP_OPT_BOOL, IOP_OPT_BOOL, IOP_OPT_BOOL, IOP_OPT_INT, IOP_OPT_INT,
                            IOP_OPT_BOOL, IOP_OPT_BOOL};
  for (uint32_t i = 0; i < 7; i++) {
    EXPECT_STREQ(d->options[i].name, names[i]);
    EXPECT_EQ(d->options[i].type, types[i]) << names[i];
    EXPECT_NE(d->options[i].help, nullptr);
  }
  EXPECT_STREQ(d->options[3].default_value, "-1");
  EXPECT_STREQ(d->options[6].default_value, "1");
}

TEST_F(UringEngineTest, CreateRejectsABadConfig) {
  UringEngine eng;
  Options opt = defaults();
  EXPECT_EQ(eng.create(0, 0, opt), -EINVAL);
  EXPECT_NE(std::string(eng.err.message).find("queue depth"), std::string::npos);
  EXPECT_EQ(eng.create(4097, 0, opt), -EINVAL);
  iop_engine_config config{};
  config.struct_size = sizeof config;
  config.queue_depth = 4;
  iop_error err{};
  iop_engine* e = nullptr;
  EXPECT_EQ(desc()->create(&config, &e, &err), -EINVAL);  // no option values
  EXPECT_EQ(e, nullptr);
}

// --- data ------------------------------------------------------------------

TEST_F(UringEngineTest, RoundTripAtQueueDepth1) { round_trip(1, 4096, 64, 0, defaults()); }

TEST_F(UringEngineTest, RoundTripAtQueueDepth32) { round_trip(32, 4096, 1024, 0, defaults()); }

TEST_F(UringEngineTest, RoundTripWithOddSizesAtQueueDepth7) {
  round_trip(7, 12288, 100, 0, defaults());
}

TEST_F(UringEngineTest, DirectRoundTripAtQueueDepth32) {
  round_trip(32, 4096, 1024, IOP_CONFIG_DIRECT, defaults());
}

TEST_F(UringEngineTest, FixedBuffersRoundTrip) {
  Options opt = defaults();
  opt.set("fixed-buffers", 1);
  round_trip(32, 4096, 512, 0, opt, true);
  round_trip(16, 8192, 256, IOP_CONFIG_DIRECT, opt, true);
}

TEST_F(UringEngineTest, FixedBuffersReallyUseTheRegisteredBuffers) {
  TempFile tmp;
  UringEngine eng;
  ASSERT_EQ(eng.create(2, 0, defaults().set("fixed-buffers", 1)), 0) << eng.err.message;
  int32_t h = eng.open(tmp.path(), O_RDWR);
  ASSERT_GE(h, 0);
  Pool pool(2, 4096);
  ASSERT_EQ(eng.register_buffers(pool.buffers()), 0) << eng.err.message;
  fill_pattern(static_cast<char*>(pool.slots[1].buf), 4096, 0);
  EXPECT_EQ(eng.run_one(IOP_OP_WRITE, h, 0, pool.slots[1].buf, 4096, 1), 4096);
  // A buffer outside registered buffer 0 makes READ_FIXED fail in the
  // kernel: proof that the fixed opcodes are in use.
  AlignedBuffer other = aligned_buffer(4096);
  EXPECT_EQ(eng.run_one(IOP_OP_READ, h, 0, other.get(), 4096, 0), -EFAULT);
  // Without an index the IO is a plain read.
  EXPECT_EQ(eng.run_one(IOP_OP_READ, h, 0, other.get(), 4096, -1), 4096);
  EXPECT_TRUE(matches_pattern(other.get(), 4096, 0));
}

TEST_F(UringEngineTest, RegisterBuffersIsANoOpWithoutTheOption) {
  TempFile tmp;
  UringEngine eng;
  ASSERT_EQ(eng.create(2, 0, defaults()), 0) << eng.err.message;
  int32_t h = eng.open(tmp.path(), O_RDWR);
  ASSERT_GE(h, 0);
  Pool pool(2, 4096);
  ASSERT_EQ(eng.register_buffers(pool.buffers()), 0) << eng.err.message;
  AlignedBuffer other = aligned_buffer(4096);
  fill_pattern(other.get(), 4096, 0);
  // buf_index is set, but nothing was registered: a plain write.
  EXPECT_EQ(eng.run_one(IOP_OP_WRITE, h, 0, other.get(), 4096, 0), 4096);
}

TEST_F(UringEngineTest, FixedFilesRoundTrip) {
  Options opt = defaults();
  opt.set("fixed-files", 1);
  round_trip(32, 4096, 512, 0, opt);
  opt.set("fixed-buffers", 1);
  round_trip(8, 4096, 128, IOP_CONFIG_DIRECT, opt, true);
}

TEST_F(UringEngineTest, FixedFilesGrowAndReuseSlots) {
  constexpr int kFiles = 19;  // more than the first table holds
  std::vector<std::unique_ptr<TempFile>> tmps;
  UringEngine eng;
  ASSERT_EQ(eng.create(4, 0, defaults().set("fixed-files", 1)), 0) << eng.err.message;
  std::vector<int32_t> handles;
  for (int i = 0; i < kFiles; i++) {
    tmps.push_back(std::make_unique<TempFile>());
    int32_t h = eng.open(tmps.back()->path(), O_RDWR);
    ASSERT_EQ(h, i) << eng.err.message;
    handles.push_back(h);
  }
  std::vector<char> buf(4096), back(4096);
  for (int i = 0; i < kFiles; i++) {
    fill_pattern(buf.data(), 4096, static_cast<uint64_t>(i) << 20);
    ASSERT_EQ(eng.run_one(IOP_OP_WRITE, handles[i], 0, buf.data(), 4096), 4096) << i;
  }
  for (int i = 0; i < kFiles; i++) {
    ASSERT_EQ(eng.run_one(IOP_OP_READ, handles[i], 0, back.data(), 4096), 4096) << i;
    EXPECT_TRUE(matches_pattern(back.data(), 4096, static_cast<uint64_t>(i) << 20)) << i;
  }
  // A closed handle is refused; its slot is handed out again.
  ASSERT_EQ(eng.close_handle(handles[3]), 0) << eng.err.message;
  EXPECT_EQ(eng.run_one(IOP_OP_READ, handles[3], 0, back.data(), 4096), -EBADF);
  int32_t again = eng.open(tmps[5]->path(), O_RDONLY);
  EXPECT_EQ(again, handles[3]);
  ASSERT_EQ(eng.run_one(IOP_OP_READ, again, 0, back.data(), 4096), 4096);
  EXPECT_TRUE(matches_pattern(back.data(), 4096, uint64_t{5} << 20));
  EXPECT_EQ(eng.close_handle(handles[3]), 0);
  EXPECT_EQ(eng.close_handle(handles[3]), -EBADF);
}

TEST_F(UringEngineTest, SqpollRoundTrip) {
  Options opt = defaults();
  opt.set("sqpoll", 1).set("sqpoll-idle-ms", 50);
  {
    UringEngine probe;
    int32_t rc = probe.create(4, 0, opt);
    if (rc == -EPERM || rc == -ENOSYS)
      GTEST_SKIP() << "the kernel refuses sqpoll here: " << probe.err.message;
    ASSERT_EQ(rc, 0) << probe.err.message;
  }
  round_trip(32, 4096, 1024, 0, opt);
  opt.set("sqpoll-cpu", 0).set("fixed-files", 1).set("fixed-buffers", 1);
  round_trip(16, 4096, 256, IOP_CONFIG_DIRECT, opt, true);
}

// The sqpoll thread releases SQEs only after issuing its whole batch, so
// the completions of a batch can be reaped before its SQEs are free again.
// Driven like the host drives it (refill every free slot at once), submit
// must never refuse everything while nothing is in flight.
TEST_F(UringEngineTest, SqpollKeepsAcceptingWhileTheThreadHoldsSqes) {
  constexpr uint32_t kQd = 32;
  constexpr uint32_t kBlocks = 256;
  TempFile tmp;
  {
    std::vector<char> content(kBlocks * 4096);
    for (uint32_t i = 0; i < kBlocks; i++) fill_pattern(&content[i * 4096], 4096, i * 4096);
    int fd = ::open(tmp.path().c_str(), O_WRONLY | O_CLOEXEC);
    ASSERT_GE(fd, 0);
    ASSERT_EQ(write(fd, content.data(), content.size()), static_cast<ssize_t>(content.size()));
    close(fd);
  }
  UringEngine eng;
  int32_t rc = eng.create(kQd, 0, defaults().set("sqpoll", 1));
  if (rc == -EPERM || rc == -ENOSYS) GTEST_SKIP() << eng.err.message;
  ASSERT_EQ(rc, 0) << eng.err.message;
  int32_t h = eng.open(tmp.path(), O_RDONLY);
  ASSERT_GE(h, 0);
  Pool pool(kQd, 4096);
  std::vector<uint64_t> offsets;
  std::mt19937_64 rng(7);
  for (int i = 0; i < 100000; i++) offsets.push_back((rng() % kBlocks) * 4096);
  EXPECT_EQ(drive(eng, pool, h, IOP_OP_READ, offsets, false), "");
}

TEST_F(UringEngineTest, IopollNeedsDirect) {
  UringEngine eng;
  EXPECT_EQ(eng.create(4, 0, defaults().set("iopoll", 1)), -EINVAL);
  EXPECT_NE(std::string(eng.err.message).find("iopoll needs --direct (O_DIRECT)"),
            std::string::npos)
      << eng.err.message;
  EXPECT_EQ(eng.instance, nullptr);
}

// The polling thread's settings without the thread would change nothing:
// refused, not ignored.
TEST_F(UringEngineTest, SqpollSettingsNeedSqpoll) {
  for (const char* name : {"sqpoll-cpu", "sqpoll-idle-ms"}) {
    UringEngine eng;
    EXPECT_EQ(eng.create(4, 0, defaults().set(name, 0)), -EINVAL) << name;
    EXPECT_NE(std::string(eng.err.message).find(std::string(name) + " needs sqpoll=true"), std::string::npos)
        << eng.err.message;
    EXPECT_EQ(eng.instance, nullptr);
  }
}

TEST_F(UringEngineTest, IopollRoundTripWhereTheDeviceCanPoll) {
  TempFile tmp;
  UringEngine eng;
  ASSERT_EQ(eng.create(4, IOP_CONFIG_DIRECT, defaults().set("iopoll", 1)), 0) << eng.err.message;
  int32_t h = eng.open(tmp.path(), O_RDWR | O_DIRECT);
  if (h == -EOPNOTSUPP) GTEST_SKIP() << eng.err.message;
  ASSERT_GE(h, 0) << eng.err.message;
  AlignedBuffer buf = aligned_buffer(4096);
  fill_pattern(buf.get(), 4096, 0);
  ASSERT_EQ(eng.run_one(IOP_OP_WRITE, h, 0, buf.get(), 4096), 4096);
  std::memset(buf.get(), 0, 4096);
  ASSERT_EQ(eng.run_one(IOP_OP_READ, h, 0, buf.get(), 4096), 4096);
  EXPECT_TRUE(matches_pattern(buf.get(), 4096, 0));
}

// Without poll queues every polled IO would fail with EOPNOTSUPP: the
// engine says why when the file is opened.
TEST_F(UringEngineTest, IopollRefusesAFileOnADeviceWithoutPollQueues) {
  TempFile tmp;
  UringEngine eng;
  ASSERT_EQ(eng.create(4, IOP_CONFIG_DIRECT, defaults().set("iopoll", 1)), 0) << eng.err.message;
  int32_t h = eng.open(tmp.path(), O_RDWR | O_DIRECT);
  if (h >= 0) GTEST_SKIP() << "the device under /tmp has poll queues";
  EXPECT_EQ(h, -EOPNOTSUPP);
  const std::string msg = eng.err.message;
  EXPECT_NE(msg.find(tmp.path()), std::string::npos) << msg;
  EXPECT_NE(msg.find("poll queues"), std::string::npos) << msg;
  EXPECT_NE(msg.find("/queue/io_poll is 0"), std::string::npos) << msg;
}

TEST_F(UringEngineTest, ShortReadAtEndOfFile) {
  TempFile tmp;
  write_x_file(tmp.path(), 10000);
  UringEngine eng;
  ASSERT_EQ(eng.create(4, 0, defaults()), 0) << eng.err.message;
  int32_t h = eng.open(tmp.path(), O_RDONLY);
  ASSERT_GE(h, 0);
  expect_short_read_at_eof(eng, h);
}

TEST_F(UringEngineTest, FsyncAndFdatasyncComplete) {
  TempFile tmp;
  UringEngine eng;
  ASSERT_EQ(eng.create(4, 0, defaults()), 0) << eng.err.message;
  int32_t h = eng.open(tmp.path(), O_RDWR);
  ASSERT_GE(h, 0);
  std::vector<char> buf(4096, 'a');
  ASSERT_EQ(eng.run_one(IOP_OP_WRITE, h, 0, buf.data(), 4096), 4096);
  EXPECT_EQ(eng.run_one(IOP_OP_FSYNC, h, 0, nullptr, 0), 0);
  ASSERT_EQ(eng.run_one(IOP_OP_WRITE, h, 4096, buf.data(), 4096), 4096);
  EXPECT_EQ(eng.run_one(IOP_OP_FDATASYNC, h, 0, nullptr, 0), 0);
}

// --- submit and reap semantics ----------------------------------------------

TEST_F(UringEngineTest, SubmitAcceptsOnlyWhatFitsTheQueueDepth) {
  TempFile tmp;
  UringEngine eng;
  ASSERT_EQ(eng.create(3, 0, defaults()), 0) << eng.err.message;  // SQ of 4 entries
  int32_t h = eng.open(tmp.path(), O_RDWR);
  ASSERT_GE(h, 0);
  expect_queue_depth_3_is_held(eng, h);
}

TEST_F(UringEngineTest, ReapWithNothingInFlightReturnsAtOnce) {
  UringEngine eng;
  ASSERT_EQ(eng.create(8, 0, defaults()), 0) << eng.err.message;
  expect_idle_reap_returns_at_once(eng);
}

TEST_F(UringEngineTest, ReapWaitsForMinWait) {
  TempFile tmp;
  UringEngine eng;
  ASSERT_EQ(eng.create(16, IOP_CONFIG_DIRECT, defaults()), 0) << eng.err.message;
  int32_t h = eng.open(tmp.path(), O_RDWR | O_DIRECT);
  ASSERT_GE(h, 0);
  Pool pool(16, 4096);
  std::vector<iop_io*> ios = pool.all_slots(IOP_OP_WRITE, h, 4096);
  ASSERT_EQ(eng.submit(ios.data(), 16), 16);
  iop_cqe cqe[16];
  int32_t got = eng.reap(cqe, 16, 16, kReapTimeoutNs);
  ASSERT_EQ(got, 16);
  std::vector<bool> seen(16);
  for (int32_t i = 0; i < got; i++) {
    EXPECT_EQ(cqe[i].res, 4096);
    ASSERT_LT(cqe[i].user_data, 16u);
    seen[cqe[i].user_data] = true;
  }
  EXPECT_EQ(std::count(seen.begin(), seen.end(), true), 16);
}

// A read on an empty pipe stays in flight until data arrives: the reap must
// give up after its timeout, and a later one must find the completion.
TEST_F(UringEngineTest, ReapHonorsTheTimeout) {
  int p[2];
  ASSERT_EQ(pipe2(p, O_CLOEXEC), 0);
  UringEngine eng;
  ASSERT_EQ(eng.create(2, 0, defaults()), 0) << eng.err.message;
  int32_t h = eng.adopt(p[0], "pipe", IOP_FILE_READ);
  ASSERT_GE(h, 0) << eng.err.message;
  char buf[64];
  iop_io io{};
  io.user_data = 7;
  io.offset = UINT64_MAX;  // -1: the pipe has no offsets
  io.buf = buf;
  io.len = sizeof buf;
  io.file = h;
  io.op = IOP_OP_READ;
  io.buf_index = -1;
  iop_io* ios[1] = {&io};
  ASSERT_EQ(eng.submit(ios, 1), 1);
  iop_cqe cqe[2];
  EXPECT_EQ(eng.reap(cqe, 2, 0, 0), 0);
  EXPECT_EQ(eng.reap(cqe, 2, 1, 0), 0);
  uint64_t t0 = monotonic_ns();
  EXPECT_EQ(eng.reap(cqe, 2, 1, 100'000'000), 0);
  uint64_t waited = monotonic_ns() - t0;
  EXPECT_GE(waited, 90'000'000u);
  EXPECT_LT(waited, 2'000'000'000u);
  ASSERT_EQ(write(p[1], "hello", 5), 5);
  ASSERT_EQ(eng.reap(cqe, 2, 1, kReapTimeoutNs), 1);
  EXPECT_EQ(cqe[0].user_data, 7u);
  EXPECT_EQ(cqe[0].res, 5);
  EXPECT_EQ(std::memcmp(buf, "hello", 5), 0);
  // The pipe is the test's: release the handle, then close both ends.
  ASSERT_EQ(eng.close_handle(h), 0);
  close(p[0]);
  close(p[1]);
}

// An IO that goes asynchronous (here a pipe read, woken when data comes)
// must complete while the host keeps the queue busy with IOs that complete
// inline (page-cache reads), so that every reap finds one without waiting.
// With DEFER_TASKRUN its completion is deferred work that only an enter
// with GETEVENTS posts: the engine must ask for events when it submits.
TEST_F(UringEngineTest, AsynchronousCompletionsAreNotStarvedByInlineOnes) {
  TempFile tmp;
  {
    std::vector<char> content(4096, 'c');
    int fd = ::open(tmp.path().c_str(), O_WRONLY | O_CLOEXEC);
    ASSERT_GE(fd, 0);
    ASSERT_EQ(write(fd, content.data(), content.size()), 4096);
    close(fd);
  }
  int p[2];
  ASSERT_EQ(pipe2(p, O_CLOEXEC), 0);
  UringEngine eng;
  ASSERT_EQ(eng.create(4, 0, defaults()), 0) << eng.err.message;
  int32_t hp = eng.adopt(p[0], "pipe", IOP_FILE_READ);
  int32_t hf = eng.open(tmp.path(), O_RDONLY);
  ASSERT_GE(hp, 0);
  ASSERT_GE(hf, 0);

  char pipe_buf[16];
  iop_io pipe_io = make_io(eng, IOP_OP_READ, hp, UINT64_MAX, pipe_buf, sizeof pipe_buf);
  pipe_io.user_data = 100;
  iop_io* ios[1] = {&pipe_io};
  ASSERT_EQ(eng.submit(ios, 1), 1);
  iop_cqe cqe[4];
  ASSERT_EQ(eng.reap(cqe, 4, 0, 0), 0);
  ASSERT_EQ(write(p[1], "x", 1), 1);

  std::vector<char> file_buf(4096);
  iop_io file_io{};
  file_io.buf = file_buf.data();
  file_io.len = 4096;
  file_io.file = hf;
  file_io.op = IOP_OP_READ;
  file_io.buf_index = -1;
  bool pipe_done = false;
  uint32_t file_reads = 0;
  for (uint64_t round = 0; round < 20 && !pipe_done; round++) {
    file_io.user_data = round;
    ios[0] = &file_io;
    ASSERT_EQ(eng.submit(ios, 1), 1);
    file_reads++;
    int32_t got = eng.reap(cqe, 4, 1, kReapTimeoutNs);
    ASSERT_GE(got, 1);
    for (int32_t i = 0; i < got; i++) {
      if (cqe[i].user_data == 100) {
        EXPECT_EQ(cqe[i].res, 1);
        pipe_done = true;
      } else {
        EXPECT_EQ(cqe[i].res, 4096);
        file_reads--;
      }
    }
  }
  EXPECT_TRUE(pipe_done) << "the pipe read's completion never came while file reads kept "
                            "completing inline";
  while (file_reads > 0 || !pipe_done) {
    int32_t got = eng.reap(cqe, 4, 1, kReapTimeoutNs);
    ASSERT_GE(got, 1);
    for (int32_t i = 0; i < got; i++) {
      if (cqe[i].user_data == 100) pipe_done = true;
      else file_reads--;
    }
  }
  ASSERT_EQ(eng.close_handle(hp), 0);
  close(p[0]);
  close(p[1]);
}

TEST_F(UringEngineTest, RefusedIosCompleteWithAnErrorInOrder) {
  TempFile tmp;
  UringEngine eng;
  ASSERT_EQ(eng.create(8, 0, defaults()), 0) << eng.err.message;
  int32_t h = eng.open(tmp.path(), O_RDWR);
  ASSERT_GE(h, 0);
  Pool pool(5, 512);
  const uint8_t ops[5] = {IOP_OP_WRITE, IOP_OP_WRITE, 99, IOP_OP_MKDIR, IOP_OP_WRITE};
  const int32_t files[5] = {h, h + 50, h, h, h};
  // A metadata op on a file handle fails as the *at() call would (ENOTDIR).
  const int64_t want[5] = {512, -EBADF, -EINVAL, -ENOTDIR, 512};
  std::vector<iop_io*> ios;
  for (uint32_t i = 0; i < 5; i++) {
    pool.slots[i].op = ops[i];
    pool.slots[i].file = files[i];
    pool.slots[i].offset = i * 512;
    ios.push_back(&pool.slots[i]);
  }
  ASSERT_EQ(eng.submit(ios.data(), 5), 5);
  const std::vector<int64_t> res = iopulse::test::reap_results(eng, 5);
  for (uint32_t i = 0; i < 5; i++) EXPECT_EQ(res[i], want[i]) << i;
}

TEST_F(UringEngineTest, ReadOnAWriteOnlyDescriptorCompletesWithEbadf) {
  TempFile tmp;
  UringEngine eng;
  ASSERT_EQ(eng.create(2, 0, defaults()), 0) << eng.err.message;
  int32_t h = eng.open(tmp.path(), O_WRONLY);
  ASSERT_GE(h, 0);
  std::vector<char> buf(4096);
  EXPECT_EQ(eng.run_one(IOP_OP_READ, h, 0, buf.data(), 4096), -EBADF);
}

TEST_F(UringEngineTest, UnknownSubmitFlagsAreRejected) {
  TempFile tmp;
  UringEngine eng;
  ASSERT_EQ(eng.create(2, 0, defaults()), 0) << eng.err.message;
  int32_t h = eng.open(tmp.path(), O_RDWR);
  ASSERT_GE(h, 0);
  std::vector<char> buf(512, 'q');
  iop_io io{};
  io.buf = buf.data();
  io.len = 512;
  io.file = h;
  io.op = IOP_OP_WRITE;
  io.buf_index = -1;
  iop_io* ios[1] = {&io};
  EXPECT_EQ(eng.desc->submit(eng.instance, ios, 1, 1u), -EINVAL);
  iop_cqe cqe[1];
  EXPECT_EQ(eng.reap(cqe, 1, 0, 0), 0);
}

// --- io_uring unavailable ------------------------------------------------------

TEST_F(UringEngineTest, CreateExplainsWhenIoUringIsBlocked) {
  for (int error : {EPERM, ENOSYS}) {
    std::string msg = with_syscall_failing(__NR_io_uring_setup, error, [&] {
      UringEngine eng;
      int32_t rc = eng.create(4, 0, defaults());
      return std::to_string(rc) + ":" + eng.err.message;
    });
    EXPECT_EQ(msg.rfind(std::to_string(-error) + ":", 0), 0u) << msg;
    EXPECT_NE(msg.find("io_uring is not available"), std::string::npos) << msg;
    EXPECT_NE(msg.find("sysctl kernel.io_uring_disabled"), std::string::npos) << msg;
    EXPECT_NE(msg.find("seccomp"), std::string::npos) << msg;
  }
}

}  // namespace
