// Tests of the io_uring engine through its C ABI: the built
// iopulse_io_uring.so is dlopen()ed directly, without the host's loader, and
// driven the way the host's worker drives it (queue_depth slots, each with
// its own buffer; every free slot submitted in one call; reap with
// min_wait 1), on real files under /tmp (ext4 here, so O_DIRECT works).

#include <dlfcn.h>
#include <fcntl.h>
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
#include <numeric>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "iopulse/engine.h"

namespace {

const std::string kPluginPath =
    std::string(IOPULSE_BUILD_TREE_PLUGIN_DIR) + "/iopulse_io_uring.so";
constexpr uint64_t kReapTimeoutNs = 10'000'000'000;  // a hang fails, it does not block

uint64_t monotonic_ns() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1000000000u + static_cast<uint64_t>(ts.tv_nsec);
}

// The plugin, loaded once for the whole test binary (like the host, which
// never unloads an engine).  The host info is static: the engine may keep it.
class UringPlugin {
 public:
  static UringPlugin& get() {
    static UringPlugin plugin;
    return plugin;
  }
  iop_engine_entry_fn entry = nullptr;
  const iop_engine_desc* desc = nullptr;
  std::string error;

 private:
  UringPlugin() {
    void* lib = dlopen(kPluginPath.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (lib == nullptr) {
      error = std::string("dlopen: ") + dlerror() + " (build target iopulse_engine_io_uring)";
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
    int32_t rc = entry(&host, &desc);
    if (rc != 0) error = "entry returned " + std::to_string(rc);
  }
};

// A file under /tmp, removed at the end of the test.
class TempFile {
 public:
  TempFile() {
    char name[] = "/tmp/iopulse_uring_test_XXXXXX";
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

// The host's IO pool: queue_depth slots, each with its own aligned buffer
// of `block` bytes; user_data is the slot index.
struct Pool {
  Pool(uint32_t qd, uint32_t block) : block(block), data(aligned_buffer(size_t{qd} * block)) {
    slots.resize(qd);
    for (uint32_t i = 0; i < qd; i++) {
      iop_io& io = slots[i];
      io = iop_io{};
      io.user_data = i;
      io.buf = data.get() + size_t{i} * block;
      io.len = block;
      io.buf_index = -1;
    }
  }
  std::vector<iop_buffer> buffers() const {
    std::vector<iop_buffer> b;
    for (const iop_io& io : slots) b.push_back({io.buf, block});
    return b;
  }
  uint32_t block;
  AlignedBuffer data;
  std::vector<iop_io> slots;
};

// One engine instance and the descriptors the test opened for it, released
// (handles closed, instance destroyed, descriptors closed) at the end.
class Engine {
 public:
  Engine() : d(UringPlugin::get().desc) {}
  ~Engine() {
    iop_error err{};
    for (int32_t h : handles_) d->close_file(e, h, &err);
    if (e != nullptr) d->destroy(e);
    for (int fd : fds_) close(fd);
  }
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  int32_t create(uint32_t qd, uint32_t flags, const Options& opt) {
    iop_engine_config config{};
    config.struct_size = sizeof config;
    config.queue_depth = qd;
    config.flags = flags;
    config.num_workers = 1;
    config.num_options = opt.size();
    config.options = opt.data();
    err = iop_error{};
    return d->create(&config, &e, &err);
  }

  // Hands an already open descriptor to the engine (it stays the test's).
  int32_t adopt(int fd, const std::string& path, uint32_t file_flags) {
    iop_file_desc file{};
    file.struct_size = sizeof file;
    file.flags = file_flags;
    file.path = path.c_str();
    file.fd = fd;
    err = iop_error{};
    int32_t h = d->open_file(e, &file, &err);
    if (h >= 0) handles_.push_back(h);
    return h;
  }

  // Opens `path` like the host does and hands it over.
  int32_t open(const std::string& path, int oflags) {
    int fd = ::open(path.c_str(), oflags | O_CLOEXEC, 0600);
    if (fd < 0) {
      ADD_FAILURE() << path << ": " << std::strerror(errno);
      return -1;
    }
    fds_.push_back(fd);
    const uint32_t flags = ((oflags & O_ACCMODE) != O_WRONLY ? IOP_FILE_READ : 0) |
                           ((oflags & O_ACCMODE) != O_RDONLY ? IOP_FILE_WRITE : 0) |
                           ((oflags & O_DIRECT) ? IOP_FILE_DIRECT : 0);
    return adopt(fd, path, flags);
  }

  int32_t close_handle(int32_t h) {
    err = iop_error{};
    int32_t rc = d->close_file(e, h, &err);
    if (rc == 0) handles_.erase(std::find(handles_.begin(), handles_.end(), h));
    return rc;
  }

  int32_t register_buffers(const std::vector<iop_buffer>& bufs) {
    err = iop_error{};
    return d->register_buffers(e, bufs.data(), static_cast<uint32_t>(bufs.size()), &err);
  }

  int32_t submit(iop_io* const* ios, uint32_t n) { return d->submit(e, ios, n, 0); }
  int32_t reap(iop_cqe* out, uint32_t max, uint32_t min_wait, uint64_t timeout_ns) {
    return d->reap(e, out, max, min_wait, timeout_ns);
  }

  // One IO start to finish; returns its res.
  int64_t run_one(uint8_t op, int32_t file, uint64_t offset, void* buf, uint32_t len,
                  int32_t buf_index = -1) {
    iop_io io{};
    io.user_data = 4242;
    io.offset = offset;
    io.buf = buf;
    io.len = len;
    io.file = file;
    io.op = op;
    io.buf_index = buf_index;
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

 private:
  std::vector<int32_t> handles_;
  std::vector<int> fds_;
};

// Does `op` on every block offset in `offsets` through `pool`, the way the
// host's worker does: refill every free slot, submit them in one call, reap
// at least one completion.  Writes put the offset's pattern in the slot's
// buffer first; reads check it when they complete.  Returns the failures as
// text (empty when all went well).
std::string drive(Engine& eng, Pool& pool, int32_t file, uint8_t op,
                  const std::vector<uint64_t>& offsets, bool fixed_buffers) {
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
      io.buf_index = fixed_buffers ? static_cast<int32_t>(io.user_data) : -1;
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
void round_trip(uint32_t qd, uint32_t block, uint32_t count, uint32_t config_flags,
                const Options& opt, bool fixed_buffers = false) {
  TempFile tmp;
  ASSERT_FALSE(tmp.path().empty());
  Engine eng;
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

class UringEngineTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_EQ(UringPlugin::get().error, ""); }
  const iop_engine_desc* desc() const { return UringPlugin::get().desc; }
  Options defaults() const { return Options(desc()); }
};

// --- descriptor ------------------------------------------------------------

TEST_F(UringEngineTest, DescriptorIsComplete) {
  const iop_engine_desc* d = desc();
  EXPECT_EQ(d->struct_size, sizeof(iop_engine_desc));
  EXPECT_EQ(d->abi_major, IOP_ABI_MAJOR);
  EXPECT_EQ(d->abi_minor, IOP_ABI_MINOR);
  EXPECT_STREQ(d->name, "io_uring");
  EXPECT_EQ(d->caps, IOP_CAP_ASYNC | IOP_CAP_BATCH_SUBMIT | IOP_CAP_REGISTERED_BUFFERS |
                         IOP_CAP_FIXED_FILES | IOP_CAP_POLLED | IOP_CAP_FSYNC |
                         IOP_CAP_FDATASYNC | IOP_CAP_DIRECT);
  EXPECT_EQ(d->max_queue_depth, 4096u);
  EXPECT_EQ(d->io_priv_size, 0u);
  EXPECT_NE(d->register_buffers, nullptr);
  ASSERT_EQ(d->num_options, 6u);
  const char* names[] = {"fixed-buffers", "fixed-files", "sqpoll", "sqpoll-cpu",
                         "sqpoll-idle-ms", "iopoll"};
  const uint32_t types[] = {IOP_OPT_BOOL, IOP_OPT_BOOL, IOP_OPT_BOOL, IOP_OPT_INT, IOP_OPT_INT,
                            IOP_OPT_BOOL};
  for (uint32_t i = 0; i < 6; i++) {
    EXPECT_STREQ(d->options[i].name, names[i]);
    EXPECT_EQ(d->options[i].type, types[i]) << names[i];
    EXPECT_NE(d->options[i].help, nullptr);
  }
  EXPECT_STREQ(d->options[3].default_value, "-1");
}

TEST_F(UringEngineTest, CreateRejectsABadConfig) {
  Engine eng;
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
  Engine eng;
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
  Engine eng;
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
  Engine eng;
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
    Engine probe;
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
  Engine eng;
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
  Engine eng;
  EXPECT_EQ(eng.create(4, 0, defaults().set("iopoll", 1)), -EINVAL);
  EXPECT_NE(std::string(eng.err.message).find("iopoll needs --direct (O_DIRECT)"),
            std::string::npos)
      << eng.err.message;
  EXPECT_EQ(eng.e, nullptr);
}

TEST_F(UringEngineTest, IopollRoundTripWhereTheDeviceCanPoll) {
  TempFile tmp;
  Engine eng;
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
  Engine eng;
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
  {
    std::vector<char> content(10000, 'x');
    int fd = ::open(tmp.path().c_str(), O_WRONLY | O_CLOEXEC);
    ASSERT_GE(fd, 0);
    ASSERT_EQ(write(fd, content.data(), content.size()), 10000);
    close(fd);
  }
  Engine eng;
  ASSERT_EQ(eng.create(4, 0, defaults()), 0) << eng.err.message;
  int32_t h = eng.open(tmp.path(), O_RDONLY);
  ASSERT_GE(h, 0);
  std::vector<char> buf(8192, 0);
  EXPECT_EQ(eng.run_one(IOP_OP_READ, h, 8192, buf.data(), 8192), 10000 - 8192);
  EXPECT_EQ(buf[10000 - 8192 - 1], 'x');
  EXPECT_EQ(buf[10000 - 8192], 0);
  EXPECT_EQ(eng.run_one(IOP_OP_READ, h, 20000, buf.data(), 8192), 0);
}

TEST_F(UringEngineTest, FsyncAndFdatasyncComplete) {
  TempFile tmp;
  Engine eng;
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
  Engine eng;
  ASSERT_EQ(eng.create(3, 0, defaults()), 0) << eng.err.message;  // SQ of 4 entries
  int32_t h = eng.open(tmp.path(), O_RDWR);
  ASSERT_GE(h, 0);
  Pool pool(6, 4096);
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

TEST_F(UringEngineTest, ReapWithNothingInFlightReturnsAtOnce) {
  Engine eng;
  ASSERT_EQ(eng.create(8, 0, defaults()), 0) << eng.err.message;
  iop_cqe cqe[8];
  uint64_t t0 = monotonic_ns();
  EXPECT_EQ(eng.reap(cqe, 8, 0, 0), 0);
  EXPECT_EQ(eng.reap(cqe, 8, 0, 2'000'000'000), 0);
  EXPECT_EQ(eng.reap(cqe, 8, 1, 2'000'000'000), 0);  // min_wait beyond what is in flight
  EXPECT_LT(monotonic_ns() - t0, 500'000'000u);
}

TEST_F(UringEngineTest, ReapWaitsForMinWait) {
  TempFile tmp;
  Engine eng;
  ASSERT_EQ(eng.create(16, IOP_CONFIG_DIRECT, defaults()), 0) << eng.err.message;
  int32_t h = eng.open(tmp.path(), O_RDWR | O_DIRECT);
  ASSERT_GE(h, 0);
  Pool pool(16, 4096);
  std::vector<iop_io*> ios;
  for (iop_io& io : pool.slots) {
    io.op = IOP_OP_WRITE;
    io.file = h;
    io.offset = io.user_data * 4096;
    ios.push_back(&io);
  }
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
  Engine eng;
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
  Engine eng;
  ASSERT_EQ(eng.create(4, 0, defaults()), 0) << eng.err.message;
  int32_t hp = eng.adopt(p[0], "pipe", IOP_FILE_READ);
  int32_t hf = eng.open(tmp.path(), O_RDONLY);
  ASSERT_GE(hp, 0);
  ASSERT_GE(hf, 0);

  char pipe_buf[16];
  iop_io pipe_io{};
  pipe_io.user_data = 100;
  pipe_io.offset = UINT64_MAX;
  pipe_io.buf = pipe_buf;
  pipe_io.len = sizeof pipe_buf;
  pipe_io.file = hp;
  pipe_io.op = IOP_OP_READ;
  pipe_io.buf_index = -1;
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
  Engine eng;
  ASSERT_EQ(eng.create(8, 0, defaults()), 0) << eng.err.message;
  int32_t h = eng.open(tmp.path(), O_RDWR);
  ASSERT_GE(h, 0);
  Pool pool(5, 512);
  const uint8_t ops[5] = {IOP_OP_WRITE, IOP_OP_WRITE, 99, IOP_OP_TRIM, IOP_OP_WRITE};
  const int32_t files[5] = {h, h + 50, h, h, h};
  const int64_t want[5] = {512, -EBADF, -EINVAL, -EOPNOTSUPP, 512};
  std::vector<iop_io*> ios;
  for (uint32_t i = 0; i < 5; i++) {
    pool.slots[i].op = ops[i];
    pool.slots[i].file = files[i];
    pool.slots[i].offset = i * 512;
    ios.push_back(&pool.slots[i]);
  }
  ASSERT_EQ(eng.submit(ios.data(), 5), 5);
  std::vector<int64_t> res(5, 1);
  uint32_t total = 0;
  iop_cqe cqe[8];
  while (total < 5) {
    int32_t got = eng.reap(cqe, 8, 1, kReapTimeoutNs);
    ASSERT_GT(got, 0);
    for (int32_t i = 0; i < got; i++) res[cqe[i].user_data] = cqe[i].res;
    total += static_cast<uint32_t>(got);
  }
  for (uint32_t i = 0; i < 5; i++) EXPECT_EQ(res[i], want[i]) << i;
}

TEST_F(UringEngineTest, ReadOnAWriteOnlyDescriptorCompletesWithEbadf) {
  TempFile tmp;
  Engine eng;
  ASSERT_EQ(eng.create(2, 0, defaults()), 0) << eng.err.message;
  int32_t h = eng.open(tmp.path(), O_WRONLY);
  ASSERT_GE(h, 0);
  std::vector<char> buf(4096);
  EXPECT_EQ(eng.run_one(IOP_OP_READ, h, 0, buf.data(), 4096), -EBADF);
}

TEST_F(UringEngineTest, UnknownSubmitFlagsAreRejected) {
  TempFile tmp;
  Engine eng;
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
  EXPECT_EQ(eng.d->submit(eng.e, ios, 1, 1u), -EINVAL);
  iop_cqe cqe[1];
  EXPECT_EQ(eng.reap(cqe, 1, 0, 0), 0);
}

// --- io_uring unavailable ------------------------------------------------------

TEST_F(UringEngineTest, CreateExplainsWhenIoUringIsBlocked) {
  for (int error : {EPERM, ENOSYS}) {
    std::string msg = with_syscall_failing(__NR_io_uring_setup, error, [&] {
      Engine eng;
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
