// Tests of the libaio engine (kernel AIO through raw system calls) through
// its C ABI: the built iopulse_libaio.so is dlopen()ed directly, without the
// host's loader, and driven the way the host's worker drives it
// (queue_depth slots, each with its own buffer and per-IO scratch; every
// free slot submitted in one call; reap with min_wait 1), on real files
// under /tmp (ext4 here, so O_DIRECT works).

#include <dlfcn.h>
#include <fcntl.h>
#include <linux/aio_abi.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <mutex>
#include <numeric>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "iopulse/engine.h"

namespace {

const std::string kPluginPath = std::string(IOPULSE_BUILD_TREE_PLUGIN_DIR) + "/iopulse_libaio.so";
constexpr uint64_t kReapTimeoutNs = 10'000'000'000;  // a hang fails, it does not block

uint64_t monotonic_ns() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1000000000u + static_cast<uint64_t>(ts.tv_nsec);
}

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

// The plugin, loaded once for the whole test binary (like the host, which
// never unloads an engine).  The host info is static: the engine may keep it.
class AioPlugin {
 public:
  static AioPlugin& get() {
    static AioPlugin plugin;
    return plugin;
  }
  iop_engine_entry_fn entry = nullptr;
  const iop_engine_desc* desc = nullptr;
  std::string error;

 private:
  AioPlugin() {
    void* lib = dlopen(kPluginPath.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (lib == nullptr) {
      error = std::string("dlopen: ") + dlerror() + " (build target iopulse_engine_libaio)";
      return;
    }
    entry = reinterpret_cast<iop_engine_entry_fn>(dlsym(lib, IOP_ENTRY_SYMBOL));
    if (entry == nullptr) {
      error = "no " IOP_ENTRY_SYMBOL " in " + kPluginPath;
      return;
    }
    static iop_host_info host{};
    host.struct_size = sizeof host;
    host.abi_major = IOP_ABI_MAJOR;
    host.abi_minor = IOP_ABI_MINOR;
    host.host_version = "unit-test";
    host.log = capture_log;
    int32_t rc = entry(&host, &desc);
    if (rc != 0) error = "entry returned " + std::to_string(rc);
  }
};

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
    int in = ::open(kPluginPath.c_str(), O_RDONLY | O_CLOEXEC);
    char buf[65536];
    ssize_t r;
    while (in >= 0 && (r = read(in, buf, sizeof buf)) > 0) {
      if (write(out, buf, static_cast<size_t>(r)) != r) break;
    }
    if (in >= 0) close(in);
    close(out);
    lib_ = dlopen(name, RTLD_NOW | RTLD_LOCAL);
    if (lib_ == nullptr) {
      error = std::string("dlopen: ") + dlerror();
      return;
    }
    auto entry = reinterpret_cast<iop_engine_entry_fn>(dlsym(lib_, IOP_ENTRY_SYMBOL));
    static iop_host_info host{};
    host.struct_size = sizeof host;
    host.abi_major = IOP_ABI_MAJOR;
    host.abi_minor = IOP_ABI_MINOR;
    host.host_version = "unit-test";
    host.log = capture_log;
    if (entry == nullptr || entry(&host, &desc) != 0) error = "entry failed";
  }
  ~FreshPlugin() {
    if (lib_ != nullptr) dlclose(lib_);
    if (!path_.empty()) unlink(path_.c_str());
  }
  FreshPlugin(const FreshPlugin&) = delete;
  FreshPlugin& operator=(const FreshPlugin&) = delete;
  const iop_engine_desc* desc = nullptr;
  std::string error;

 private:
  void* lib_ = nullptr;
  std::string path_;
};

// A file under /tmp, removed at the end of the test.
class TempFile {
 public:
  TempFile() {
    char name[] = "/tmp/iopulse_aio_test_XXXXXX";
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
  return AlignedBuffer(static_cast<char*>(std::aligned_alloc(4096, (size + 4095) / 4096 * 4096)));
}

// A byte pattern unique to the file offset, so misplaced data is caught.
void fill_pattern(char* buf, size_t len, uint64_t offset) {
  for (size_t i = 0; i < len; i++) {
    uint64_t x = (offset + i) * 0x9E3779B97F4A7C15ull;
    buf[i] = static_cast<char>(x >> 56);
  }
}

bool matches_pattern(const char* buf, size_t len, uint64_t offset) {
  std::vector<char> want(len);
  fill_pattern(want.data(), len, offset);
  return std::memcmp(buf, want.data(), len) == 0;
}

// The host's IO pool: queue_depth slots, each with its own aligned buffer
// of `block` bytes and io_priv_size bytes of 64-byte aligned scratch;
// user_data is the slot index.
struct Pool {
  Pool(uint32_t qd, uint32_t block, uint32_t priv_size)
      : block(block),
        priv_stride((priv_size + 63) / 64 * 64),
        data(aligned_buffer(size_t{qd} * block)),
        priv(aligned_buffer(size_t{qd} * priv_stride)) {
    std::memset(priv.get(), 0, size_t{qd} * priv_stride);
    slots.resize(qd);
    for (uint32_t i = 0; i < qd; i++) {
      iop_io& io = slots[i];
      io = iop_io{};
      io.user_data = i;
      io.buf = data.get() + size_t{i} * block;
      io.len = block;
      io.buf_index = -1;
      io.priv = priv.get() + size_t{i} * priv_stride;
    }
  }
  uint32_t block;
  size_t priv_stride;
  AlignedBuffer data;
  AlignedBuffer priv;
  std::vector<iop_io> slots;
};

// One engine instance and the descriptors the test opened for it, released
// (handles closed, instance destroyed, descriptors closed) at the end.
class Engine {
 public:
  explicit Engine(const iop_engine_desc* desc = AioPlugin::get().desc) : d(desc) {}
  ~Engine() {
    iop_error err{};
    for (int32_t h : handles_) d->close_file(e, h, &err);
    if (e != nullptr) d->destroy(e);
    for (int fd : fds) close(fd);
  }
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  int32_t create(uint32_t qd, uint32_t flags, uint32_t worker_index = 0) {
    iop_engine_config config{};
    config.struct_size = sizeof config;
    config.queue_depth = qd;
    config.flags = flags;
    config.worker_index = worker_index;
    config.num_workers = worker_index + 1;
    err = iop_error{};
    return d->create(&config, &e, &err);
  }

  // Opens `path` like the host does and hands the descriptor over.
  int32_t open(const std::string& path, int oflags) {
    int fd = ::open(path.c_str(), oflags | O_CLOEXEC, 0600);
    if (fd < 0) {
      ADD_FAILURE() << path << ": " << std::strerror(errno);
      return -1;
    }
    fds.push_back(fd);
    iop_file_desc file{};
    file.struct_size = sizeof file;
    file.flags = ((oflags & O_ACCMODE) != O_WRONLY ? IOP_FILE_READ : 0) |
                 ((oflags & O_ACCMODE) != O_RDONLY ? IOP_FILE_WRITE : 0) |
                 ((oflags & O_DIRECT) ? IOP_FILE_DIRECT : 0);
    file.path = path.c_str();
    file.fd = fd;
    err = iop_error{};
    int32_t h = d->open_file(e, &file, &err);
    if (h >= 0) handles_.push_back(h);
    return h;
  }

  int32_t submit(iop_io* const* ios, uint32_t n) { return d->submit(e, ios, n, 0); }
  int32_t reap(iop_cqe* out, uint32_t max, uint32_t min_wait, uint64_t timeout_ns) {
    return d->reap(e, out, max, min_wait, timeout_ns);
  }

  // One IO start to finish (its iocb in a scratch area of our own); returns
  // its res.
  int64_t run_one(uint8_t op, int32_t file, uint64_t offset, void* buf, uint32_t len) {
    alignas(64) unsigned char priv[128] = {};
    iop_io io{};
    io.user_data = 4242;
    io.offset = offset;
    io.buf = buf;
    io.len = len;
    io.file = file;
    io.op = op;
    io.buf_index = -1;
    io.priv = priv;
    iop_io* ios[1] = {&io};
    EXPECT_EQ(submit(ios, 1), 1);
    iop_cqe cqe[2] = {};
    EXPECT_EQ(reap(cqe, 2, 1, kReapTimeoutNs), 1);
    EXPECT_EQ(cqe[0].user_data, 4242u);
    return cqe[0].res;
  }

  const iop_engine_desc* d;
  iop_engine* e = nullptr;
  iop_error err{};
  std::vector<int> fds;

 private:
  std::vector<int32_t> handles_;
};

// Does `op` on every block offset in `offsets` through `pool`, the way the
// host's worker does: refill every free slot, submit them in one call, reap
// at least one completion.  Writes put the offset's pattern in the slot's
// buffer first; reads check it when they complete.  Returns the failures as
// text (empty when all went well).
std::string drive(Engine& eng, Pool& pool, int32_t file, uint8_t op,
                  const std::vector<uint64_t>& offsets) {
  const uint32_t qd = static_cast<uint32_t>(pool.slots.size());
  std::vector<uint32_t> free_slots(qd);
  std::iota(free_slots.rbegin(), free_slots.rend(), 0u);
  std::vector<iop_io*> pending;
  std::vector<iop_cqe> cqes(qd);
  std::string failures;
  size_t next = 0;
  uint32_t in_flight = 0;
  for (;;) {
    while (!free_slots.empty() && next < offsets.size()) {
      iop_io& io = pool.slots[free_slots.back()];
      free_slots.pop_back();
      io.op = op;
      io.offset = offsets[next++];
      io.file = file;
      if (op == IOP_OP_WRITE) fill_pattern(static_cast<char*>(io.buf), io.len, io.offset);
      else std::memset(io.buf, 0, io.len);
      pending.push_back(&io);
    }
    if (!pending.empty()) {
      int32_t accepted = eng.submit(pending.data(), static_cast<uint32_t>(pending.size()));
      if (accepted < 0) return "submit failed: " + std::string(std::strerror(-accepted));
      if (accepted == 0 && in_flight == 0) return "submit accepted nothing with nothing in flight";
      pending.erase(pending.begin(), pending.begin() + accepted);
      in_flight += static_cast<uint32_t>(accepted);
    }
    if (in_flight == 0 && pending.empty()) break;
    int32_t got = eng.reap(cqes.data(), qd, in_flight > 0 ? 1 : 0, kReapTimeoutNs);
    if (got < 0) return "reap failed: " + std::string(std::strerror(-got));
    if (got == 0) return "reap timed out";
    for (int32_t i = 0; i < got; i++) {
      const uint64_t slot = cqes[i].user_data;
      if (slot >= qd) return "completion with unknown user_data " + std::to_string(slot);
      const iop_io& io = pool.slots[slot];
      if (cqes[i].res != io.len) {
        failures += " res " + std::to_string(cqes[i].res) + " at " + std::to_string(io.offset);
      } else if (op == IOP_OP_READ &&
                 !matches_pattern(static_cast<const char*>(io.buf), io.len, io.offset)) {
        failures += " wrong data at " + std::to_string(io.offset);
      }
      free_slots.push_back(static_cast<uint32_t>(slot));
    }
    in_flight -= static_cast<uint32_t>(got);
  }
  return failures;
}

// `count` distinct block offsets in a shuffled (but reproducible) order.
std::vector<uint64_t> shuffled_blocks(uint32_t count, uint32_t block) {
  std::vector<uint64_t> offsets(count);
  for (uint32_t i = 0; i < count; i++) offsets[i] = uint64_t{i} * block;
  std::shuffle(offsets.begin(), offsets.end(), std::mt19937_64(count * 31u + block));
  return offsets;
}

// Checks the whole file with plain pread: the data is really there, not only
// in the engine's view.
std::string check_file(const std::string& path, uint32_t count, uint32_t block) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return "cannot open " + path;
  std::vector<char> buf(block);
  std::string failures;
  for (uint32_t i = 0; i < count; i++) {
    const uint64_t off = uint64_t{i} * block;
    if (pread(fd, buf.data(), block, static_cast<off_t>(off)) != static_cast<ssize_t>(block) ||
        !matches_pattern(buf.data(), block, off))
      failures += " block at " + std::to_string(off);
  }
  close(fd);
  return failures;
}

// Writes `count` blocks with unique data, checks the file, reads them back
// through the engine and compares.
void round_trip(uint32_t qd, uint32_t block, uint32_t count, uint32_t config_flags) {
  TempFile tmp;
  ASSERT_FALSE(tmp.path().empty());
  Engine eng;
  ASSERT_EQ(eng.create(qd, config_flags), 0) << eng.err.message;
  const bool direct = (config_flags & IOP_CONFIG_DIRECT) != 0;
  int32_t h = eng.open(tmp.path(), O_RDWR | (direct ? O_DIRECT : 0));
  ASSERT_GE(h, 0) << eng.err.message;
  Pool pool(qd, block, eng.d->io_priv_size);
  const std::vector<uint64_t> offsets = shuffled_blocks(count, block);
  EXPECT_EQ(drive(eng, pool, h, IOP_OP_WRITE, offsets), "");
  EXPECT_EQ(check_file(tmp.path(), count, block), "");
  EXPECT_EQ(drive(eng, pool, h, IOP_OP_READ, offsets), "");
}

// Runs `fn` in a child process whose system call `nr` fails with `error`,
// as under a container's seccomp profile.  Returns what fn returned there.
template <class Fn>
std::string with_syscall_failing(long nr, int error, Fn fn) {
  int p[2];
  if (pipe(p) != 0) return "pipe failed";
  pid_t pid = fork();
  if (pid == 0) {
    close(p[0]);
    sock_filter filter[] = {
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, nr)),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, static_cast<uint32_t>(nr), 0, 1),
        BPF_STMT(BPF_RET | BPF_K,
                 SECCOMP_RET_ERRNO | (static_cast<uint32_t>(error) & SECCOMP_RET_DATA)),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
    };
    sock_fprog prog{static_cast<unsigned short>(sizeof filter / sizeof filter[0]), filter};
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 ||
        prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) != 0)
      _exit(3);
    std::string out = fn();
    ssize_t w = write(p[1], out.data(), out.size());
    _exit(w == static_cast<ssize_t>(out.size()) ? 0 : 4);
  }
  close(p[1]);
  std::string out;
  char buf[512];
  ssize_t r;
  while ((r = read(p[0], buf, sizeof buf)) > 0) out.append(buf, static_cast<size_t>(r));
  close(p[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
    return "child failed with status " + std::to_string(status);
  return out;
}

class AioEngineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(AioPlugin::get().error, "");
    take_log();
  }
};

// --- descriptor and create ----------------------------------------------------

TEST_F(AioEngineTest, DescriptorIsComplete) {
  const iop_engine_desc* d = AioPlugin::get().desc;
  EXPECT_EQ(d->struct_size, sizeof(iop_engine_desc));
  EXPECT_EQ(d->abi_major, IOP_ABI_MAJOR);
  EXPECT_EQ(d->abi_minor, IOP_ABI_MINOR);
  EXPECT_STREQ(d->name, "libaio");
  EXPECT_EQ(d->caps, IOP_CAP_ASYNC | IOP_CAP_BATCH_SUBMIT | IOP_CAP_FSYNC | IOP_CAP_FDATASYNC |
                         IOP_CAP_DIRECT);
  EXPECT_EQ(d->max_queue_depth, 4096u);
  EXPECT_EQ(d->io_priv_size, sizeof(struct iocb));
  EXPECT_EQ(d->num_options, 0u);
  EXPECT_EQ(d->register_buffers, nullptr);
}

TEST_F(AioEngineTest, CreateRejectsABadConfig) {
  Engine eng;
  EXPECT_EQ(eng.create(0, IOP_CONFIG_DIRECT), -EINVAL);
  EXPECT_NE(std::string(eng.err.message).find("queue depth"), std::string::npos);
  EXPECT_EQ(eng.create(4097, IOP_CONFIG_DIRECT), -EINVAL);
  EXPECT_EQ(eng.e, nullptr);
}

TEST_F(AioEngineTest, BufferedUseIsWarnedAboutOncePerProcess) {
  FreshPlugin fresh;
  ASSERT_EQ(fresh.error, "");
  {
    Engine direct(fresh.desc);
    ASSERT_EQ(direct.create(4, IOP_CONFIG_DIRECT), 0) << direct.err.message;
  }
  EXPECT_TRUE(take_log().empty()) << "no warning with O_DIRECT";
  {
    // The host's probe instance and its first worker both have index 0.
    Engine probe(fresh.desc), worker(fresh.desc), second_worker(fresh.desc);
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
    Engine eng;
    int32_t rc = eng.create(64, IOP_CONFIG_DIRECT);
    return std::to_string(rc) + ":" + eng.err.message;
  });
  EXPECT_EQ(msg.rfind(std::to_string(-EAGAIN) + ":", 0), 0u) << msg;
  EXPECT_NE(msg.find("fs.aio-max-nr"), std::string::npos) << msg;

  msg = with_syscall_failing(__NR_io_setup, ENOSYS, [] {
    Engine eng;
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
  {
    std::vector<char> content(10000, 'x');
    int fd = ::open(tmp.path().c_str(), O_WRONLY | O_CLOEXEC);
    ASSERT_GE(fd, 0);
    ASSERT_EQ(write(fd, content.data(), content.size()), 10000);
    close(fd);
  }
  Engine eng;
  ASSERT_EQ(eng.create(4, 0), 0) << eng.err.message;
  int32_t h = eng.open(tmp.path(), O_RDONLY);
  ASSERT_GE(h, 0);
  std::vector<char> buf(8192, 0);
  EXPECT_EQ(eng.run_one(IOP_OP_READ, h, 8192, buf.data(), 8192), 10000 - 8192);
  EXPECT_EQ(buf[10000 - 8192 - 1], 'x');
  EXPECT_EQ(buf[10000 - 8192], 0);
  EXPECT_EQ(eng.run_one(IOP_OP_READ, h, 20000, buf.data(), 8192), 0);
}

TEST_F(AioEngineTest, FsyncAndFdatasyncComplete) {
  for (int direct : {0, 1}) {
    TempFile tmp;
    Engine eng;
    ASSERT_EQ(eng.create(4, direct ? IOP_CONFIG_DIRECT : 0), 0) << eng.err.message;
    int32_t h = eng.open(tmp.path(), O_RDWR | (direct ? O_DIRECT : 0));
    ASSERT_GE(h, 0);
    AlignedBuffer buf = aligned_buffer(4096);
    std::memset(buf.get(), 'a', 4096);
    ASSERT_EQ(eng.run_one(IOP_OP_WRITE, h, 0, buf.get(), 4096), 4096);
    EXPECT_EQ(eng.run_one(IOP_OP_FSYNC, h, 0, nullptr, 0), 0) << direct;
    ASSERT_EQ(eng.run_one(IOP_OP_WRITE, h, 4096, buf.get(), 4096), 4096);
    EXPECT_EQ(eng.run_one(IOP_OP_FDATASYNC, h, 0, nullptr, 0), 0) << direct;
  }
}

TEST_F(AioEngineTest, TheIocbLivesInTheIosScratch) {
  TempFile tmp;
  Engine eng;
  ASSERT_EQ(eng.create(4, IOP_CONFIG_DIRECT), 0) << eng.err.message;
  int32_t h = eng.open(tmp.path(), O_RDWR | O_DIRECT);
  ASSERT_GE(h, 0);
  Pool pool(2, 8192, eng.d->io_priv_size);
  iop_io& w = pool.slots[1];
  w.op = IOP_OP_WRITE;
  w.file = h;
  w.offset = 65536;
  std::memset(pool.slots[1].priv, 0xAB, eng.d->io_priv_size);  // stale scratch
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
  Engine eng;
  ASSERT_EQ(eng.create(3, IOP_CONFIG_DIRECT), 0) << eng.err.message;
  int32_t h = eng.open(tmp.path(), O_RDWR | O_DIRECT);
  ASSERT_GE(h, 0);
  Pool pool(6, 4096, eng.d->io_priv_size);
  std::vector<iop_io*> ios;
  for (iop_io& io : pool.slots) {
    io.op = IOP_OP_WRITE;
    io.file = h;
    io.offset = io.user_data * 4096;
    ios.push_back(&io);
  }
  ASSERT_EQ(eng.submit(ios.data(), 6), 3);
  EXPECT_EQ(eng.submit(ios.data() + 3, 3), 0);
  iop_cqe cqe[6];
  ASSERT_EQ(eng.reap(cqe, 6, 3, kReapTimeoutNs), 3);
  ASSERT_EQ(eng.submit(ios.data() + 3, 3), 3);
  ASSERT_EQ(eng.reap(cqe + 3, 3, 3, kReapTimeoutNs), 3);
  std::vector<bool> seen(6);
  for (const iop_cqe& c : cqe) {
    EXPECT_EQ(c.res, 4096);
    ASSERT_LT(c.user_data, 6u);
    seen[c.user_data] = true;
  }
  EXPECT_EQ(std::count(seen.begin(), seen.end(), true), 6);
  EXPECT_EQ(eng.reap(cqe, 6, 0, 0), 0);
}

TEST_F(AioEngineTest, ReapWithNothingInFlightReturnsAtOnce) {
  Engine eng;
  ASSERT_EQ(eng.create(8, IOP_CONFIG_DIRECT), 0) << eng.err.message;
  iop_cqe cqe[8];
  uint64_t t0 = monotonic_ns();
  EXPECT_EQ(eng.reap(cqe, 8, 0, 0), 0);
  // min_wait beyond what is in flight cannot be met: no waiting for it.
  EXPECT_EQ(eng.reap(cqe, 8, 1, 2'000'000'000), 0);
  EXPECT_LT(monotonic_ns() - t0, 500'000'000u);
}

TEST_F(AioEngineTest, ReapWaitsForMinWaitAndReturnsAtMostMax) {
  TempFile tmp;
  Engine eng;
  ASSERT_EQ(eng.create(16, IOP_CONFIG_DIRECT), 0) << eng.err.message;
  int32_t h = eng.open(tmp.path(), O_RDWR | O_DIRECT);
  ASSERT_GE(h, 0);
  Pool pool(16, 4096, eng.d->io_priv_size);
  std::vector<iop_io*> ios;
  for (iop_io& io : pool.slots) {
    io.op = IOP_OP_WRITE;
    io.file = h;
    io.offset = io.user_data * 4096;
    ios.push_back(&io);
  }
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

// IOs the engine (bad handle, unknown or unsupported op) or the kernel (a
// read on a write-only descriptor) refuses are still accepted in order and
// complete with the error; the IOs around them are done normally.
TEST_F(AioEngineTest, RefusedIosCompleteWithAnErrorInOrder) {
  TempFile tmp, wo;
  Engine eng;
  ASSERT_EQ(eng.create(8, IOP_CONFIG_DIRECT), 0) << eng.err.message;
  int32_t h = eng.open(tmp.path(), O_RDWR | O_DIRECT);
  int32_t w = eng.open(wo.path(), O_WRONLY | O_DIRECT);
  ASSERT_GE(h, 0);
  ASSERT_GE(w, 0);
  Pool pool(7, 4096, eng.d->io_priv_size);
  const uint8_t ops[7] = {IOP_OP_WRITE, IOP_OP_READ, IOP_OP_WRITE, IOP_OP_WRITE,
                          99,           IOP_OP_TRIM, IOP_OP_WRITE};
  const int32_t files[7] = {h, w, h, h + 50, h, h, h};
  const int64_t want[7] = {4096, -EBADF, 4096, -EBADF, -EINVAL, -EOPNOTSUPP, 4096};
  std::vector<iop_io*> ios;
  for (uint32_t i = 0; i < 7; i++) {
    pool.slots[i].op = ops[i];
    pool.slots[i].file = files[i];
    pool.slots[i].offset = i * 4096;
    ios.push_back(&pool.slots[i]);
  }
  ASSERT_EQ(eng.submit(ios.data(), 7), 7);
  std::vector<int64_t> res(7, 1);
  uint32_t total = 0;
  iop_cqe cqe[8];
  while (total < 7) {
    int32_t got = eng.reap(cqe, 8, 1, kReapTimeoutNs);
    ASSERT_GT(got, 0);
    for (int32_t i = 0; i < got; i++) res[cqe[i].user_data] = cqe[i].res;
    total += static_cast<uint32_t>(got);
  }
  for (uint32_t i = 0; i < 7; i++) EXPECT_EQ(res[i], want[i]) << i;
  EXPECT_EQ(eng.reap(cqe, 8, 0, 0), 0);
}

TEST_F(AioEngineTest, ReapReturnsRefusedIosAcrossCallsWhenMaxIsSmall) {
  Engine eng;
  ASSERT_EQ(eng.create(4, IOP_CONFIG_DIRECT), 0) << eng.err.message;
  Pool pool(4, 512, eng.d->io_priv_size);
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
  Engine eng;
  ASSERT_EQ(eng.create(2, 0), 0) << eng.err.message;
  int32_t h = eng.open(tmp.path(), O_RDWR);
  ASSERT_GE(h, 0);
  Pool pool(1, 512, eng.d->io_priv_size);
  pool.slots[0].op = IOP_OP_WRITE;
  pool.slots[0].file = h;
  iop_io* ios[1] = {&pool.slots[0]};
  EXPECT_EQ(eng.d->submit(eng.e, ios, 1, 1u), -EINVAL);
  iop_cqe cqe[1];
  EXPECT_EQ(eng.reap(cqe, 1, 0, 0), 0);
}

TEST_F(AioEngineTest, CloseFileLeavesTheHostsDescriptorOpen) {
  TempFile tmp;
  Engine eng;
  ASSERT_EQ(eng.create(2, 0), 0) << eng.err.message;
  iop_file_desc file{};
  file.struct_size = sizeof file;
  file.path = tmp.path().c_str();
  file.fd = ::open(tmp.path().c_str(), O_RDWR | O_CLOEXEC);
  ASSERT_GE(file.fd, 0);
  eng.fds.push_back(file.fd);
  iop_error err{};
  int32_t h = eng.d->open_file(eng.e, &file, &err);
  ASSERT_EQ(h, 0) << err.message;
  ASSERT_EQ(eng.d->close_file(eng.e, h, &err), 0) << err.message;
  EXPECT_NE(fcntl(file.fd, F_GETFD), -1) << "the engine closed the host's descriptor";
  EXPECT_EQ(eng.d->close_file(eng.e, h, &err), -EBADF);
  file.fd = -1;
  EXPECT_EQ(eng.d->open_file(eng.e, &file, &err), -EBADF);
}

}  // namespace
