// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// Tests of the libaio engine (kernel AIO through raw system calls) through
// its C ABI: the built iopulse_libaio.so is dlopen()ed directly, without the
// host's loader, and driven the way the host's worker drives it
// (queue_depth slots, each with its own buffer and per-IO scratch; every
// free slot submitted in one call; reap with min_wait 1), on real files
// under /tmp (ext4 here, so O_DIRECT works).

#include <dlfcn.h>
#include <fcntl.h>
#include <linux/aio_abi.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "iopulse/engine.h"
#include "engine_test_support.h"

namespace {

using iopulse::test::AlignedBuffer;
using iopulse::test::aligned_buffer;
using iopulse::test::build_tree_plugin_path;
using iopulse::test::check_file;
using iopulse::test::drive;
using iopulse::test::EngineUnderTest;
using iopulse::test::expect_idle_reap_returns_at_once;
using iopulse::test::expect_queue_depth_3_is_held;
using iopulse::test::expect_short_read_at_eof;
using iopulse::test::engine_config;
using iopulse::test::fill_pattern;
using iopulse::test::kReapTimeoutNs;
using iopulse::test::LoadedEngine;
using iopulse::test::monotonic_ns;
using iopulse::test::shuffled_blocks;
using iopulse::test::TempFile;
using iopulse::test::write_x_file;
using iopulse::test::with_syscall_failing;
using Pool = iopulse::test::EngineIoSet;

// What the engine sent to the host's log.
struct LogLine {
  int32_t level;
  std::string engine;
  std::string message;
};
std::mutex g_log_mutex;
std::vector<LogLine> g_log;

void capture_log(void*, int32_t level, const char* engine, const char* message) {
  std::lock_guard<std::mutex> lock(g_log_mutex);
  g_log.push_back({level, engine, message});
}

std::vector<LogLine> take_log() {
  std::lock_guard<std::mutex> lock(g_log_mutex);
  std::vector<LogLine> lines;
  lines.swap(g_log);
  return lines;
}

// The plugin, loaded once for the whole test binary, its log captured.
const LoadedEngine& logged_aio_plugin() { return iopulse::test::built_engine("libaio", capture_log); }

// A private copy of the plugin under another path, so its process-wide
// state (the warn-once flag) starts fresh; unloaded and removed at the end.
class FreshPlugin {
 public:
  FreshPlugin() {
    char name[] = "/tmp/iopulse_libaio_copy_XXXXXX.so";
    int out = mkstemps(name, 3);
    if (out < 0) {
      error = "mkstemps failed";
      return;
    }
    path_ = name;
    int in = ::open(build_tree_plugin_path("libaio").c_str(), O_RDONLY | O_CLOEXEC);
    char buf[65536];
    ssize_t r;
    while (in >= 0 && (r = read(in, buf, sizeof buf)) > 0) {
      if (write(out, buf, static_cast<size_t>(r)) != r) break;
    }
    if (in >= 0) close(in);
    close(out);
    loaded_ = std::make_unique<LoadedEngine>(path_, "", capture_log);
    desc = loaded_->desc;
    error = loaded_->error;
  }
  ~FreshPlugin() {
    if (loaded_ && loaded_->library != nullptr) dlclose(loaded_->library);
    if (!path_.empty()) unlink(path_.c_str());
  }
  FreshPlugin(const FreshPlugin&) = delete;
  FreshPlugin& operator=(const FreshPlugin&) = delete;
  const iop_engine_desc* desc = nullptr;
  std::string error;

 private:
  std::unique_ptr<LoadedEngine> loaded_;
  std::string path_;
};

// One engine instance and the descriptors the test opened for it, released
// (handles closed, instance destroyed, descriptors closed) at the end.  Its
// run_one() gives each IO a scratch area of its own for the iocb.
class AioEngine : public EngineUnderTest {
 public:
  explicit AioEngine(const iop_engine_desc* desc = logged_aio_plugin().desc) : EngineUnderTest(desc) {}

  int32_t create(uint32_t qd, uint32_t flags, uint32_t worker_index = 0) {
    iop_engine_config config = engine_config(qd, flags);
    config.worker_index = worker_index;
    config.num_workers = worker_index + 1;
    return EngineUnderTest::create(config);
  }
};

// Writes `count` blocks with unique data, checks the file, reads them back
// through the engine and compares.
void round_trip(uint32_t qd, uint32_t block, uint32_t count, uint32_t config_flags) {
  TempFile tmp;
  ASSERT_FALSE(tmp.path().empty());
  AioEngine eng;
  ASSERT_EQ(eng.create(qd, config_flags), 0) << eng.err.message;
  const bool direct = (config_flags & IOP_CONFIG_DIRECT) != 0;
  int32_t h = eng.open(tmp.path(), O_RDWR | (direct ? O_DIRECT : 0));
  ASSERT_GE(h, 0) << eng.err.message;
  Pool pool(qd, block, eng.desc->io_priv_size);
  const std::vector<uint64_t> offsets = shuffled_blocks(count, block);
  EXPECT_EQ(drive(eng, pool, h, IOP_OP_WRITE, offsets), "");
  EXPECT_EQ(check_file(tmp.path(), count, block), "");
  EXPECT_EQ(drive(eng, pool, h, IOP_OP_READ, offsets), "");
}

class AioEngineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(logged_aio_plugin().error, "");
    take_log();
  }
};

// --- descriptor and create ----------------------------------------------------

TEST_F(AioEngineTest, DescriptorIsComplete) {
  const iop_engine_desc* d = logged_aio_plugin().desc;
  iopulse::test::expect_descriptor_basics(d, "libaio", "2.0.0");
  EXPECT_EQ(d->caps, IOP_CAP_ASYNC | IOP_CAP_BATCH_SUBMIT | IOP_CAP_FSYNC | IOP_CAP_FDATASYNC | IOP_CAP_TRIM |
                         IOP_CAP_DIRECT | IOP_CAP_IO_DSYNC | IOP_CAP_IO_NOWAIT | IOP_CAP_IOPRIO |
                         IOP_CAP_COMPLETION_FD | IOP_CAP_CONTROL | IOP_CAP_REPORT);
  EXPECT_EQ(d->required_caps, 0u);
  EXPECT_EQ(d->max_queue_depth, 4096u);
  EXPECT_EQ(d->io_priv_size, sizeof(struct iocb));
  EXPECT_EQ(d->num_options, 0u);
  EXPECT_EQ(d->register_buffers, nullptr);
}

TEST_F(AioEngineTest, CreateRejectsABadConfig) {
  AioEngine eng;
  EXPECT_EQ(eng.create(0, IOP_CONFIG_DIRECT), -EINVAL);
  EXPECT_NE(std::string(eng.err.message).find("queue depth"), std::string::npos);
  EXPECT_EQ(eng.create(4097, IOP_CONFIG_DIRECT), -EINVAL);
  EXPECT_EQ(eng.instance, nullptr);
}

TEST_F(AioEngineTest, BufferedUseIsWarnedAboutOncePerProcess) {
  FreshPlugin fresh;
  ASSERT_EQ(fresh.error, "");
  {
    AioEngine direct(fresh.desc);
    ASSERT_EQ(direct.create(4, IOP_CONFIG_DIRECT), 0) << direct.err.message;
  }
  EXPECT_TRUE(take_log().empty()) << "no warning with O_DIRECT";
  {
    // The host's probe instance and its first worker both have index 0.
    AioEngine probe(fresh.desc), worker(fresh.desc), second_worker(fresh.desc);
    ASSERT_EQ(probe.create(4, 0), 0) << probe.err.message;
    ASSERT_EQ(worker.create(4, 0), 0) << worker.err.message;
    ASSERT_EQ(second_worker.create(4, 0, 1), 0) << second_worker.err.message;
  }
  std::vector<LogLine> log = take_log();
  ASSERT_EQ(log.size(), 1u);
  EXPECT_EQ(log[0].level, IOP_LOG_WARN);
  EXPECT_EQ(log[0].engine, "libaio");
  EXPECT_NE(log[0].message.find("synchronously"), std::string::npos) << log[0].message;
  EXPECT_NE(log[0].message.find("queue depth is not really held"), std::string::npos);
}

TEST_F(AioEngineTest, SetupFailuresAreExplained) {
  std::string msg = with_syscall_failing(__NR_io_setup, EAGAIN, [] {
    AioEngine eng;
    int32_t rc = eng.create(64, IOP_CONFIG_DIRECT);
    return std::to_string(rc) + ":" + eng.err.message;
  });
  EXPECT_EQ(msg.rfind(std::to_string(-EAGAIN) + ":", 0), 0u) << msg;
  EXPECT_NE(msg.find("fs.aio-max-nr"), std::string::npos) << msg;

  msg = with_syscall_failing(__NR_io_setup, ENOSYS, [] {
    AioEngine eng;
    int32_t rc = eng.create(64, IOP_CONFIG_DIRECT);
    return std::to_string(rc) + ":" + eng.err.message;
  });
  EXPECT_EQ(msg.rfind(std::to_string(-ENOSYS) + ":", 0), 0u) << msg;
  EXPECT_NE(msg.find("kernel AIO is not available"), std::string::npos) << msg;
}

// --- data ------------------------------------------------------------------

TEST_F(AioEngineTest, RoundTripAtQueueDepth1) { round_trip(1, 4096, 64, 0); }

TEST_F(AioEngineTest, RoundTripAtQueueDepth32) { round_trip(32, 4096, 1024, 0); }

TEST_F(AioEngineTest, DirectRoundTripAtQueueDepth1) {
  round_trip(1, 4096, 64, IOP_CONFIG_DIRECT);
}

TEST_F(AioEngineTest, DirectRoundTripAtQueueDepth32) {
  round_trip(32, 4096, 1024, IOP_CONFIG_DIRECT);
}

TEST_F(AioEngineTest, DirectRoundTripWithOddSizesAtQueueDepth7) {
  round_trip(7, 12288, 100, IOP_CONFIG_DIRECT);
}

TEST_F(AioEngineTest, ShortReadAtEndOfFile) {
  TempFile tmp;
  write_x_file(tmp.path(), 10000);
  AioEngine eng;
  ASSERT_EQ(eng.create(4, 0), 0) << eng.err.message;
  int32_t h = eng.open(tmp.path(), O_RDONLY);
  ASSERT_GE(h, 0);
  expect_short_read_at_eof(eng, h);
}

// Creates `eng` at queue depth 4 (for O_DIRECT when `direct`) and opens
// `tmp` read-write the same way: the file's handle, or -1 after a failure.
int32_t create_and_open(AioEngine& eng, const TempFile& tmp, bool direct) {
  const int32_t rc = eng.create(4, direct ? IOP_CONFIG_DIRECT : 0);
  EXPECT_EQ(rc, 0) << eng.err.message;
  return rc == 0 ? eng.open(tmp.path(), O_RDWR | (direct ? O_DIRECT : 0)) : -1;
}

TEST_F(AioEngineTest, FsyncAndFdatasyncComplete) {
  for (int direct : {0, 1}) {
    TempFile tmp;
    AioEngine eng;
    const int32_t h = create_and_open(eng, tmp, direct);
    ASSERT_GE(h, 0);
    AlignedBuffer buf = aligned_buffer(4096);
    std::memset(buf.get(), 'a', 4096);
    ASSERT_EQ(eng.run_one(IOP_OP_WRITE, h, 0, buf.get(), 4096), 4096);
    EXPECT_EQ(eng.run_one(IOP_OP_FSYNC, h, 0, nullptr, 0), 0) << direct;
    ASSERT_EQ(eng.run_one(IOP_OP_WRITE, h, 4096, buf.get(), 4096), 4096);
    EXPECT_EQ(eng.run_one(IOP_OP_FDATASYNC, h, 0, nullptr, 0), 0) << direct;
  }
}

// Kernel AIO has no discard: the engine punches the hole itself, inside
// submit(), and the trim completes with 0 from the next reap().  The file
// keeps its size; the punched range reads back as zeros (from a descriptor
// of the test's own), the rest as written.
TEST_F(AioEngineTest, TrimPunchesAHoleAndKeepsTheSize) {
  for (int direct : {0, 1}) {
    TempFile tmp;
    AioEngine eng;
    const int32_t h = create_and_open(eng, tmp, direct);
    ASSERT_GE(h, 0);
    AlignedBuffer buf = aligned_buffer(65536);
    std::memset(buf.get(), 'z', 65536);
    ASSERT_EQ(eng.run_one(IOP_OP_WRITE, h, 0, buf.get(), 65536), 65536);
    const int64_t res = eng.run_one(IOP_OP_TRIM, h, 16384, nullptr, 16384);
    if (res == -EOPNOTSUPP) GTEST_SKIP() << "/tmp does not support hole punching";
    ASSERT_EQ(res, 0) << direct;
    const int fd = ::open(tmp.path().c_str(), O_RDONLY);
    ASSERT_GE(fd, 0);
    struct stat st {};
    ASSERT_EQ(fstat(fd, &st), 0);
    EXPECT_EQ(st.st_size, 65536);
    EXPECT_EQ(::lseek(fd, 0, SEEK_HOLE), 16384) << direct;
    EXPECT_EQ(::lseek(fd, 16384, SEEK_DATA), 32768) << direct;
    std::vector<char> back(65536);
    ASSERT_EQ(::pread(fd, back.data(), back.size(), 0), 65536);
    ::close(fd);
    EXPECT_EQ(back[16384 - 1], 'z');
    EXPECT_EQ(back[16384], 0);
    EXPECT_EQ(back[32768 - 1], 0);
    EXPECT_EQ(back[32768], 'z');
  }
}

TEST_F(AioEngineTest, TheIocbLivesInTheIosScratch) {
  TempFile tmp;
  AioEngine eng;
  ASSERT_EQ(eng.create(4, IOP_CONFIG_DIRECT), 0) << eng.err.message;
  int32_t h = eng.open(tmp.path(), O_RDWR | O_DIRECT);
  ASSERT_GE(h, 0);
  Pool pool(2, 8192, eng.desc->io_priv_size);
  iop_io& w = pool.slots[1];
  w.op = IOP_OP_WRITE;
  w.file = h;
  w.offset = 65536;
  std::memset(pool.slots[1].priv, 0xAB, eng.desc->io_priv_size);  // stale scratch
  iop_io& s = pool.slots[0];
  s.op = IOP_OP_FDATASYNC;
  s.file = h;
  s.buf = nullptr;
  s.len = 0;
  fill_pattern(static_cast<char*>(w.buf), 8192, 65536);
  iop_io* ios[1] = {&w};
  ASSERT_EQ(eng.submit(ios, 1), 1);

  const auto* cb = static_cast<const struct iocb*>(w.priv);
  EXPECT_EQ(cb->aio_data, w.user_data);
  EXPECT_EQ(cb->aio_lio_opcode, IOCB_CMD_PWRITE);
  EXPECT_EQ(cb->aio_fildes, static_cast<uint32_t>(eng.fds.back()));
  EXPECT_EQ(cb->aio_buf, reinterpret_cast<uint64_t>(w.buf));
  EXPECT_EQ(cb->aio_nbytes, 8192u);
  EXPECT_EQ(cb->aio_offset, 65536);
  EXPECT_EQ(cb->aio_flags, 0u);
  EXPECT_EQ(cb->aio_reqprio, 0);
  EXPECT_EQ(cb->aio_rw_flags, 0);

  iop_cqe cqe[2];
  ASSERT_EQ(eng.reap(cqe, 2, 1, kReapTimeoutNs), 1);
  EXPECT_EQ(cqe[0].user_data, 1u);
  EXPECT_EQ(cqe[0].res, 8192);

  ios[0] = &s;
  ASSERT_EQ(eng.submit(ios, 1), 1);
  const auto* sb = static_cast<const struct iocb*>(s.priv);
  EXPECT_EQ(sb->aio_lio_opcode, IOCB_CMD_FDSYNC);
  EXPECT_EQ(sb->aio_buf, 0u);
  EXPECT_EQ(sb->aio_nbytes, 0u);
  ASSERT_EQ(eng.reap(cqe, 2, 1, kReapTimeoutNs), 1);
  EXPECT_EQ(cqe[0].user_data, 0u);
  EXPECT_EQ(cqe[0].res, 0);
}

// --- submit and reap semantics ----------------------------------------------

TEST_F(AioEngineTest, SubmitAcceptsOnlyWhatFitsTheQueueDepth) {
  TempFile tmp;
  AioEngine eng;
  ASSERT_EQ(eng.create(3, IOP_CONFIG_DIRECT), 0) << eng.err.message;
  int32_t h = eng.open(tmp.path(), O_RDWR | O_DIRECT);
  ASSERT_GE(h, 0);
  expect_queue_depth_3_is_held(eng, h);
}

TEST_F(AioEngineTest, ReapWithNothingInFlightReturnsAtOnce) {
  AioEngine eng;
  ASSERT_EQ(eng.create(8, IOP_CONFIG_DIRECT), 0) << eng.err.message;
  expect_idle_reap_returns_at_once(eng);
}

TEST_F(AioEngineTest, ReapWaitsForMinWaitAndReturnsAtMostMax) {
  TempFile tmp;
  AioEngine eng;
  ASSERT_EQ(eng.create(16, IOP_CONFIG_DIRECT), 0) << eng.err.message;
  int32_t h = eng.open(tmp.path(), O_RDWR | O_DIRECT);
  ASSERT_GE(h, 0);
  Pool pool(16, 4096, eng.desc->io_priv_size);
  std::vector<iop_io*> ios = pool.all_slots(IOP_OP_WRITE, h, 4096);
  ASSERT_EQ(eng.submit(ios.data(), 16), 16);
  iop_cqe cqe[16];
  ASSERT_EQ(eng.reap(cqe, 10, 10, kReapTimeoutNs), 10);
  ASSERT_EQ(eng.reap(cqe + 10, 6, 6, kReapTimeoutNs), 6);
  std::vector<bool> seen(16);
  for (const iop_cqe& c : cqe) {
    EXPECT_EQ(c.res, 4096);
    ASSERT_LT(c.user_data, 16u);
    seen[c.user_data] = true;
  }
  EXPECT_EQ(std::count(seen.begin(), seen.end(), true), 16);
  uint64_t t0 = monotonic_ns();
  EXPECT_EQ(eng.reap(cqe, 16, 0, 2'000'000'000), 0);
  EXPECT_LT(monotonic_ns() - t0, 500'000'000u) << "min_wait 0 must not wait";
}

// IOs the engine (bad handle, unknown op) or the kernel (a read on a
// write-only descriptor) refuses are still accepted in order and complete
// with the error; the IOs around them, a trim among them, are done normally.
TEST_F(AioEngineTest, RefusedIosCompleteWithAnErrorInOrder) {
  TempFile tmp, wo;
  AioEngine eng;
  ASSERT_EQ(eng.create(8, IOP_CONFIG_DIRECT), 0) << eng.err.message;
  int32_t h = eng.open(tmp.path(), O_RDWR | O_DIRECT);
  int32_t w = eng.open(wo.path(), O_WRONLY | O_DIRECT);
  ASSERT_GE(h, 0);
  ASSERT_GE(w, 0);
  Pool pool(7, 4096, eng.desc->io_priv_size);
  const uint8_t ops[7] = {IOP_OP_WRITE, IOP_OP_READ, IOP_OP_WRITE, IOP_OP_WRITE,
                          99,           IOP_OP_TRIM, IOP_OP_WRITE};
  const int32_t files[7] = {h, w, h, h + 50, h, h, h};
  const int64_t want[7] = {4096, -EBADF, 4096, -EBADF, -EINVAL, 0, 4096};
  std::vector<iop_io*> ios;
  for (uint32_t i = 0; i < 7; i++) {
    pool.slots[i].op = ops[i];
    pool.slots[i].file = files[i];
    pool.slots[i].offset = i * 4096;
    ios.push_back(&pool.slots[i]);
  }
  ASSERT_EQ(eng.submit(ios.data(), 7), 7);
  const std::vector<int64_t> res = iopulse::test::reap_results(eng, 7);
  for (uint32_t i = 0; i < 7; i++) EXPECT_EQ(res[i], want[i]) << i;
  iop_cqe cqe[8];
  EXPECT_EQ(eng.reap(cqe, 8, 0, 0), 0);
}

TEST_F(AioEngineTest, ReapReturnsRefusedIosAcrossCallsWhenMaxIsSmall) {
  AioEngine eng;
  ASSERT_EQ(eng.create(4, IOP_CONFIG_DIRECT), 0) << eng.err.message;
  Pool pool(4, 512, eng.desc->io_priv_size);
  std::vector<iop_io*> ios;
  for (iop_io& io : pool.slots) {
    io.op = IOP_OP_READ;
    io.file = 7;  // never opened
    ios.push_back(&io);
  }
  ASSERT_EQ(eng.submit(ios.data(), 4), 4);
  iop_cqe cqe[4];
  ASSERT_EQ(eng.reap(cqe, 3, 1, kReapTimeoutNs), 3);
  ASSERT_EQ(eng.reap(cqe + 3, 3, 1, kReapTimeoutNs), 1);
  for (uint32_t i = 0; i < 4; i++) {
    EXPECT_EQ(cqe[i].user_data, i);  // in submission order
    EXPECT_EQ(cqe[i].res, -EBADF);
  }
  ASSERT_EQ(eng.submit(ios.data(), 4), 4);  // all four slots are free again
  ASSERT_EQ(eng.reap(cqe, 4, 4, kReapTimeoutNs), 4);
}

TEST_F(AioEngineTest, UnknownSubmitFlagsAreRejected) {
  TempFile tmp;
  AioEngine eng;
  ASSERT_EQ(eng.create(2, 0), 0) << eng.err.message;
  int32_t h = eng.open(tmp.path(), O_RDWR);
  ASSERT_GE(h, 0);
  Pool pool(1, 512, eng.desc->io_priv_size);
  pool.slots[0].op = IOP_OP_WRITE;
  pool.slots[0].file = h;
  iop_io* ios[1] = {&pool.slots[0]};
  EXPECT_EQ(eng.desc->submit(eng.instance, ios, 1, 1u), -EINVAL);
  iop_cqe cqe[1];
  EXPECT_EQ(eng.reap(cqe, 1, 0, 0), 0);
}

TEST_F(AioEngineTest, CloseFileLeavesTheHostsDescriptorOpen) {
  TempFile tmp;
  AioEngine eng;
  ASSERT_EQ(eng.create(2, 0), 0) << eng.err.message;
  iop_file_desc file{};
  file.struct_size = sizeof file;
  file.path = tmp.path().c_str();
  file.fd = ::open(tmp.path().c_str(), O_RDWR | O_CLOEXEC);
  ASSERT_GE(file.fd, 0);
  eng.fds.push_back(file.fd);
  iop_error err{};
  int32_t h = eng.desc->open_file(eng.instance, &file, &err);
  ASSERT_EQ(h, 0) << err.message;
  ASSERT_EQ(eng.desc->close_file(eng.instance, h, &err), 0) << err.message;
  EXPECT_NE(fcntl(file.fd, F_GETFD), -1) << "the engine closed the host's descriptor";
  EXPECT_EQ(eng.desc->close_file(eng.instance, h, &err), -EBADF);
  file.fd = -1;
  EXPECT_EQ(eng.desc->open_file(eng.instance, &file, &err), -EBADF);
}

}  // namespace
