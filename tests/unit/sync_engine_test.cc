// Tests of the sync engine through its C ABI: the built iopulse_sync.so is
// dlopen()ed directly, without the host's loader, and driven the way the
// host drives it, on real files under /tmp.  Also tests iopulse/engine.hpp,
// which the sync engine is built with.

#include <dlfcn.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "iopulse/engine.h"
#include "iopulse/engine.hpp"

namespace {

const std::string kPluginPath = std::string(IOPULSE_BUILD_TREE_PLUGIN_DIR) + "/iopulse_sync.so";

iop_host_info test_host(uint16_t abi_major = IOP_ABI_MAJOR) {
  iop_host_info host{};
  host.struct_size = sizeof host;
  host.abi_major = abi_major;
  host.abi_minor = IOP_ABI_MINOR;
  host.host_version = "unit-test";
  return host;
}

// The plugin, loaded once for the whole test binary (like the host, which
// never unloads an engine).
class SyncPlugin {
 public:
  static SyncPlugin& get() {
    static SyncPlugin plugin;
    return plugin;
  }
  iop_engine_entry_fn entry = nullptr;
  const iop_engine_desc* desc = nullptr;
  std::string error;

 private:
  SyncPlugin() {
    void* lib = dlopen(kPluginPath.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (lib == nullptr) {
      error = std::string("dlopen: ") + dlerror() + " (build target iopulse_engine_sync)";
      return;
    }
    entry = reinterpret_cast<iop_engine_entry_fn>(dlsym(lib, IOP_ENTRY_SYMBOL));
    if (entry == nullptr) {
      error = "no " IOP_ENTRY_SYMBOL " in " + kPluginPath;
      return;
    }
    iop_host_info host = test_host();
    int32_t rc = entry(&host, &desc);
    if (rc != 0) error = "entry returned " + std::to_string(rc);
  }
};

// A file under /tmp (ext4 here, so O_DIRECT and hole punching work), removed
// at the end of the test.
class TempFile {
 public:
  TempFile() {
    char name[] = "/tmp/iopulse_sync_test_XXXXXX";
    int fd = mkstemp(name);
    if (fd >= 0) {
      close(fd);
      path_ = name;
    }
  }
  ~TempFile() {
    if (!path_.empty()) unlink(path_.c_str());
  }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

struct AlignedFree {
  void operator()(void* p) const { std::free(p); }
};
using AlignedBuffer = std::unique_ptr<char, AlignedFree>;

AlignedBuffer aligned_buffer(size_t size) {
  return AlignedBuffer(static_cast<char*>(std::aligned_alloc(4096, size)));
}

// A byte pattern unique to (offset, index) so misplaced data is caught.
void fill_pattern(char* buf, size_t len, uint64_t offset) {
  for (size_t i = 0; i < len; i++) {
    uint64_t x = (offset + i) * 0x9E3779B97F4A7C15ull;
    buf[i] = static_cast<char>(x >> 56);
  }
}

// One sync engine instance (queue depth 1); files are opened by the test as
// the host would and handed over by descriptor.
class SyncEngineFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(SyncPlugin::get().error, "");
    desc_ = SyncPlugin::get().desc;
    iop_engine_config config{};
    config.struct_size = sizeof config;
    config.queue_depth = 1;
    config.num_workers = 1;
    config.num_options = 0;
    config.options = nullptr;
    iop_error err{};
    ASSERT_EQ(desc_->create(&config, &engine_, &err), 0) << err.message;
  }

  void TearDown() override {
    iop_error err{};
    for (int32_t h : handles_) EXPECT_EQ(desc_->close_file(engine_, h, &err), 0) << err.message;
    if (engine_ != nullptr) desc_->destroy(engine_);
    for (int fd : fds_) close(fd);
  }

  // Opens `path` with `flags` like the host does and registers it.
  int32_t open(const std::string& path, int flags, uint32_t file_flags) {
    int fd = ::open(path.c_str(), flags | O_CLOEXEC, 0600);
    EXPECT_GE(fd, 0) << path << ": " << std::strerror(errno);
    if (fd < 0) return -1;
    fds_.push_back(fd);
    iop_file_desc file{};
    file.struct_size = sizeof file;
    file.flags = file_flags;
    file.path = path.c_str();
    file.fd = fd;
    iop_error err{};
    int32_t h = desc_->open_file(engine_, &file, &err);
    EXPECT_GE(h, 0) << err.message;
    if (h >= 0) handles_.push_back(h);
    return h;
  }

  // Submits one IO, reaps its completion and returns res.
  int64_t run(uint8_t op, int32_t file, uint64_t offset, void* buf, uint32_t len) {
    iop_io io{};
    io.user_data = ++next_user_data_;
    io.offset = offset;
    io.buf = buf;
    io.len = len;
    io.file = file;
    io.op = op;
    io.buf_index = -1;
    iop_io* ios[1] = {&io};
    EXPECT_EQ(desc_->submit(engine_, ios, 1, 0), 1);
    iop_cqe cqe[2] = {};
    EXPECT_EQ(desc_->reap(engine_, cqe, 2, 1, IOP_TIMEOUT_INFINITE), 1);
    EXPECT_EQ(cqe[0].user_data, io.user_data);
    return cqe[0].res;
  }

  const iop_engine_desc* desc_ = nullptr;
  iop_engine* engine_ = nullptr;
  std::vector<int32_t> handles_;
  std::vector<int> fds_;
  uint64_t next_user_data_ = 1000;
};

TEST(SyncEngine, DescriptorIsComplete) {
  ASSERT_EQ(SyncPlugin::get().error, "");
  const iop_engine_desc* d = SyncPlugin::get().desc;
  EXPECT_EQ(d->struct_size, sizeof(iop_engine_desc));
  EXPECT_EQ(d->abi_major, IOP_ABI_MAJOR);
  EXPECT_EQ(d->abi_minor, IOP_ABI_MINOR);
  EXPECT_EQ(d->min_host_abi_minor, 0);
  EXPECT_EQ(d->reserved0, 0);
  EXPECT_EQ(d->reserved1, 0u);
  EXPECT_STREQ(d->name, "sync");
  EXPECT_STREQ(d->version, "1.0.0");
  ASSERT_NE(d->description, nullptr);
  EXPECT_GT(std::strlen(d->description), 0u);
  EXPECT_EQ(d->caps, IOP_CAP_FSYNC | IOP_CAP_FDATASYNC | IOP_CAP_TRIM | IOP_CAP_DIRECT);
  EXPECT_EQ(d->max_queue_depth, 1u);
  EXPECT_EQ(d->min_buf_align, 0u);
  EXPECT_EQ(d->io_priv_size, 0u);
  EXPECT_EQ(d->num_options, 0u);
  EXPECT_NE(d->create, nullptr);
  EXPECT_NE(d->destroy, nullptr);
  EXPECT_NE(d->open_file, nullptr);
  EXPECT_NE(d->close_file, nullptr);
  EXPECT_EQ(d->register_buffers, nullptr);
  EXPECT_NE(d->submit, nullptr);
  EXPECT_NE(d->reap, nullptr);
}

TEST(SyncEngine, EntryRejectsAnotherAbiMajor) {
  ASSERT_EQ(SyncPlugin::get().error, "");
  iop_host_info host = test_host(IOP_ABI_MAJOR + 1);
  const iop_engine_desc* d = nullptr;
  EXPECT_EQ(SyncPlugin::get().entry(&host, &d), -EPROTO);
}

TEST(SyncEngine, CreateRejectsABadConfig) {
  ASSERT_EQ(SyncPlugin::get().error, "");
  const iop_engine_desc* d = SyncPlugin::get().desc;
  iop_option_value opt{0, nullptr};
  iop_engine_config config{};
  config.queue_depth = 1;
  iop_engine* e = nullptr;

  iop_error err{};
  config.struct_size = 8;
  EXPECT_EQ(d->create(&config, &e, &err), -EINVAL);
  EXPECT_NE(err.message[0], '\0');

  err = iop_error{};
  config.struct_size = sizeof config;
  config.num_options = 1;
  config.options = &opt;
  EXPECT_EQ(d->create(&config, &e, &err), -EINVAL);
  EXPECT_NE(err.message[0], '\0');

  err = iop_error{};
  config.num_options = 0;
  config.options = nullptr;
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
