// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// What the engine unit tests (null, sync, mmap, io_uring, libaio) share: the
// built plugin dlopen()ed directly, without the host's loader; one engine
// instance with the files handed to it; temporary files under /tmp; aligned
// buffers and data patterns; the host worker's IO pool and its
// submit/reap loop; a system call made to fail as under seccomp.
//
// Header only, so that tests/unit/*_test.cc stays the whole unit test
// binary.  Everything is in iopulse::test.

#ifndef IOPULSE_TESTS_UNIT_ENGINE_TEST_SUPPORT_H_
#define IOPULSE_TESTS_UNIT_ENGINE_TEST_SUPPORT_H_

#include <dlfcn.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <numeric>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "iopulse/engine.h"

namespace iopulse::test {

// How long a test waits for a completion that should come: a hang fails the
// test instead of blocking it.
inline constexpr uint64_t kReapTimeoutNs = 10'000'000'000;

inline uint64_t monotonic_ns() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1000000000u + static_cast<uint64_t>(ts.tv_nsec);
}

// The host info a test hands to an engine's entry point.
inline iop_host_info host_info(uint16_t abi_major = IOP_ABI_MAJOR,
                               decltype(iop_host_info::log) log = nullptr) {
  iop_host_info host{};
  host.struct_size = sizeof host;
  host.abi_major = abi_major;
  host.abi_minor = IOP_ABI_MINOR;
  host.host_version = "unit-test";
  host.log = log;
  return host;
}

// Where the build puts engine `name`'s plugin (iopulse_<name>.so).
inline std::string build_tree_plugin_path(const std::string& name) {
  return std::string(IOPULSE_BUILD_TREE_PLUGIN_DIR) + "/iopulse_" + name + ".so";
}

// An engine plugin dlopen()ed from `path` and its entry point called, as the
// host does.  On failure `error` says why (and desc is null).  The library
// stays loaded (like the host, which never unloads an engine) unless the
// owner dlclose()s `library`; the host info lives here, since the engine may
// keep a pointer to it.
class LoadedEngine {
 public:
  // `build_target` names the target that builds the plugin, for the message
  // when it is missing; `log` receives what the engine sends to the host's log.
  explicit LoadedEngine(std::string plugin_path, const std::string& build_target = "",
                        decltype(iop_host_info::log) log = nullptr)
      : path(std::move(plugin_path)), host(host_info(IOP_ABI_MAJOR, log)) {
    library = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (library == nullptr) {
      error = std::string("dlopen: ") + dlerror();
      if (!build_target.empty()) error += " (build target " + build_target + ")";
      return;
    }
    entry = reinterpret_cast<iop_engine_entry_fn>(dlsym(library, IOP_ENTRY_SYMBOL));
    if (entry == nullptr) {
      error = "no " IOP_ENTRY_SYMBOL " in " + path;
      return;
    }
    int32_t rc = entry(&host, &desc);
    if (rc != 0) error = "entry returned " + std::to_string(rc);
  }
  LoadedEngine(const LoadedEngine&) = delete;
  LoadedEngine& operator=(const LoadedEngine&) = delete;

  std::string path;
  void* library = nullptr;
  iop_engine_entry_fn entry = nullptr;
  const iop_engine_desc* desc = nullptr;
  std::string error;  // empty when the engine is ready
  iop_host_info host;
};

// The built plugin of engine `name` (e.g. "sync", from target
// iopulse_engine_sync), loaded on first use.  One per engine name for the
// whole test binary; `log` counts only on that first use.
inline const LoadedEngine& built_engine(const std::string& name,
                                        decltype(iop_host_info::log) log = nullptr) {
  static std::vector<std::unique_ptr<LoadedEngine>> loaded;
  for (const auto& engine : loaded) {
    if (engine->path == build_tree_plugin_path(name)) return *engine;
  }
  loaded.push_back(
      std::make_unique<LoadedEngine>(build_tree_plugin_path(name), "iopulse_engine_" + name, log));
  return *loaded.back();
}

// The in-tree engines, each loaded once for the whole test binary.
inline const LoadedEngine& sync_plugin() { return built_engine("sync"); }
inline const LoadedEngine& null_plugin() { return built_engine("null"); }
inline const LoadedEngine& mmap_plugin() { return built_engine("mmap"); }
inline const LoadedEngine& aio_plugin() { return built_engine("libaio"); }

// A config for one worker at `queue_depth`, with `flags` (IOP_CONFIG_*) and
// the option values `options` (`num_options` of them, in the descriptor's
// order), which must outlive the create() call.
inline iop_engine_config engine_config(uint32_t queue_depth, uint32_t flags = 0,
                                       const iop_option_value* options = nullptr,
                                       uint32_t num_options = 0) {
  iop_engine_config config{};
  config.struct_size = sizeof config;
  config.queue_depth = queue_depth;
  config.flags = flags;
  config.num_workers = 1;
  config.num_options = num_options;
  config.options = options;
  return config;
}

// The IOP_FILE_* flags that go with open(2) flags `oflags`.
inline uint32_t file_flags_for(int oflags) {
  return ((oflags & O_ACCMODE) != O_WRONLY ? IOP_FILE_READ : 0) |
         ((oflags & O_ACCMODE) != O_RDONLY ? IOP_FILE_WRITE : 0) |
         ((oflags & O_DIRECT) ? IOP_FILE_DIRECT : 0);
}

// One engine instance and the files the test handed it, released at the end
// (or by release()): handles closed, instance destroyed, then the
// descriptors the test opened closed.  Calls through `desc` leave their
// message in `err`.
class EngineUnderTest {
 public:
  explicit EngineUnderTest(const iop_engine_desc* engine_desc) : desc(engine_desc) {}
  ~EngineUnderTest() { release(); }
  EngineUnderTest(const EngineUnderTest&) = delete;
  EngineUnderTest& operator=(const EngineUnderTest&) = delete;

  // create() with `config`; returns its result (0, or -errno with err set).
  int32_t create(const iop_engine_config& config) {
    err = iop_error{};
    return desc->create(&config, &instance, &err);
  }

  // Closes the handles still open (each close EXPECTed to succeed when
  // `expect_clean_close`), destroys the instance and closes the descriptors;
  // create() may be called again afterwards.
  void release(bool expect_clean_close = false) {
    iop_error close_err{};
    for (int32_t h : handles) {
      int32_t rc = desc->close_file(instance, h, &close_err);
      if (expect_clean_close) {
        EXPECT_EQ(rc, 0) << close_err.message;
      }
    }
    handles.clear();
    if (instance != nullptr) desc->destroy(instance);
    instance = nullptr;
    for (int fd : fds) close(fd);
    fds.clear();
  }

  // Hands `fd` (already open, and staying the test's) to the engine as
  // `path` with `file_flags` (IOP_FILE_*) and `size`; returns open_file()'s
  // result (the handle, or -errno with err set).
  int32_t adopt(int fd, const std::string& path, uint32_t file_flags, uint64_t size = 0) {
    iop_file_desc file{};
    file.struct_size = sizeof file;
    file.flags = file_flags;
    file.path = path.c_str();
    file.fd = fd;
    file.size = size;
    err = iop_error{};
    int32_t h = desc->open_file(instance, &file, &err);
    if (h >= 0) handles.push_back(h);
    return h;
  }

  // Opens `path` with `oflags` like the host does and hands it over with
  // `file_flags`; -1 (and a test failure) when the open itself fails.
  int32_t open(const std::string& path, int oflags, uint32_t file_flags, uint64_t size = 0) {
    err = iop_error{};
    int fd = ::open(path.c_str(), oflags | O_CLOEXEC, 0600);
    if (fd < 0) {
      ADD_FAILURE() << path << ": " << std::strerror(errno);
      return -1;
    }
    fds.push_back(fd);
    return adopt(fd, path, file_flags, size);
  }

  // The same, with the IOP_FILE_* flags that go with `oflags`.
  int32_t open(const std::string& path, int oflags) {
    return open(path, oflags, file_flags_for(oflags));
  }

  // close_file() on handle `h`; returns its result.
  int32_t close_handle(int32_t h) {
    err = iop_error{};
    int32_t rc = desc->close_file(instance, h, &err);
    auto it = std::find(handles.begin(), handles.end(), h);
    if (rc == 0 && it != handles.end()) handles.erase(it);
    return rc;
  }

  int32_t register_buffers(const std::vector<iop_buffer>& buffers) {
    err = iop_error{};
    return desc->register_buffers(instance, buffers.data(), static_cast<uint32_t>(buffers.size()),
                                  &err);
  }

  int32_t submit(iop_io* const* ios, uint32_t n, uint32_t flags = 0) {
    return desc->submit(instance, ios, n, flags);
  }

  // Submits every IO in `ios` in one call; returns submit()'s result.
  int32_t submit_all(std::vector<iop_io>& ios, uint32_t flags = 0) {
    std::vector<iop_io*> ptrs;
    for (auto& io : ios) ptrs.push_back(&io);
    return submit(ptrs.data(), static_cast<uint32_t>(ptrs.size()), flags);
  }

  int32_t reap(iop_cqe* out, uint32_t max, uint32_t min_wait, uint64_t timeout_ns) {
    return desc->reap(instance, out, max, min_wait, timeout_ns);
  }

  // How run_one() tags its IOs and how long it waits for each.
  struct RunOneStyle {
    uint64_t user_data = 4242;  // of the next IO
    bool count_up = false;      // and the one after gets user_data + 1
    uint64_t timeout_ns = kReapTimeoutNs;
  };
  RunOneStyle run_one_style;

  // One IO start to finish: submitted alone (with scratch of our own when the
  // engine wants io_priv_size bytes), its completion reaped; returns its res.
  // The submit, the reap and the completion's user_data are EXPECTed right.
  int64_t run_one(uint8_t op, int32_t file, uint64_t offset, void* buf, uint32_t len,
                  int32_t buf_index = -1) {
    alignas(64) unsigned char priv[256] = {};
    if (desc->io_priv_size > sizeof priv) {
      ADD_FAILURE() << "io_priv_size " << desc->io_priv_size << " is more than run_one has";
      return -ENOMEM;
    }
    iop_io io{};
    io.user_data = run_one_style.user_data;
    if (run_one_style.count_up) run_one_style.user_data++;
    io.offset = offset;
    io.buf = buf;
    io.len = len;
    io.file = file;
    io.op = op;
    io.buf_index = buf_index;
    io.priv = desc->io_priv_size > 0 ? priv : nullptr;
    iop_io* ios[1] = {&io};
    EXPECT_EQ(submit(ios, 1), 1);
    iop_cqe cqe[2] = {};
    EXPECT_EQ(reap(cqe, 2, 1, run_one_style.timeout_ns), 1);
    EXPECT_EQ(cqe[0].user_data, io.user_data);
    return cqe[0].res;
  }

  const iop_engine_desc* desc;
  iop_engine* instance = nullptr;
  iop_error err{};
  std::vector<int32_t> handles;  // open handles, closed at release()
  std::vector<int> fds;          // descriptors the test opened, closed at release()
};

// A file under /tmp with the given content (ext4 here, so O_DIRECT and hole
// punching work), removed at the end of the test.  path() is empty when it
// could not be made.
class TempFile {
 public:
  explicit TempFile(const std::vector<char>& content = {}) {
    char name[] = "/tmp/iopulse_engine_test_XXXXXX";
    int fd = mkstemp(name);
    if (fd < 0) return;
    size_t done = 0;
    while (done < content.size()) {
      ssize_t n = write(fd, content.data() + done, content.size() - done);
      if (n <= 0) break;
      done += static_cast<size_t>(n);
    }
    close(fd);
    if (done == content.size()) {
      path_ = name;
    } else {
      unlink(name);
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

// Memory from aligned_buffer(): 4096-byte aligned, as O_DIRECT wants.
struct AlignedFree {
  void operator()(void* p) const { std::free(p); }
};
using AlignedBuffer = std::unique_ptr<char, AlignedFree>;

// `size` bytes (rounded up to whole 4096-byte pages), 4096-byte aligned.
inline AlignedBuffer aligned_buffer(size_t size) {
  return AlignedBuffer(static_cast<char*>(std::aligned_alloc(4096, (size + 4095) / 4096 * 4096)));
}

// A byte pattern unique to the file offset (and `seed`), so misplaced data
// is caught.
inline void fill_pattern(char* buf, size_t len, uint64_t offset, uint64_t seed = 0) {
  for (size_t i = 0; i < len; i++) {
    uint64_t x = (offset + i + seed * 7919) * 0x9E3779B97F4A7C15ull;
    buf[i] = static_cast<char>(x >> 56);
  }
}

inline bool matches_pattern(const char* buf, size_t len, uint64_t offset) {
  std::vector<char> want(len);
  fill_pattern(want.data(), len, offset);
  return std::memcmp(buf, want.data(), len) == 0;
}

// IOs for driving an engine as the host does: queue_depth slots, each with its own aligned buffer of
// `block` bytes and, when `priv_size` is not 0, that many bytes of 64-byte
// aligned zeroed scratch (else priv is null); user_data is the slot index.
struct EngineIoSet {
  EngineIoSet(uint32_t qd, uint32_t block, uint32_t priv_size = 0)
      : block(block),
        priv_stride((priv_size + 63) / 64 * 64),
        data(aligned_buffer(size_t{qd} * block)),
        priv(priv_size > 0 ? aligned_buffer(size_t{qd} * priv_stride) : nullptr) {
    if (priv) std::memset(priv.get(), 0, size_t{qd} * priv_stride);
    slots.resize(qd);
    for (uint32_t i = 0; i < qd; i++) {
      iop_io& io = slots[i];
      io = iop_io{};
      io.user_data = i;
      io.buf = data.get() + size_t{i} * block;
      io.len = block;
      io.buf_index = -1;
      if (priv) io.priv = priv.get() + size_t{i} * priv_stride;
    }
  }

  // Every slot's buffer, for register_buffers().
  std::vector<iop_buffer> buffers() const {
    std::vector<iop_buffer> b;
    for (const iop_io& io : slots) b.push_back({io.buf, block});
    return b;
  }

  // Points every slot at `op` on `file`, slot i at offset i * `stride`, and
  // returns them in slot order, ready for submit().
  std::vector<iop_io*> all_slots(uint8_t op, int32_t file, uint64_t stride) {
    std::vector<iop_io*> ios;
    for (iop_io& io : slots) {
      io.op = op;
      io.file = file;
      io.offset = io.user_data * stride;
      ios.push_back(&io);
    }
    return ios;
  }

  uint32_t block;
  size_t priv_stride;
  AlignedBuffer data;
  AlignedBuffer priv;
  std::vector<iop_io> slots;
};

// Does `op` on every block offset in `offsets` through `pool`, the way the
// host's worker does: refill every free slot, submit them in one call, reap
// at least one completion.  Writes put the offset's pattern in the slot's
// buffer first; reads check it when they complete.  With `fixed_buffers`
// each IO names its slot's registered buffer.  Returns the failures as text
// (empty when all went well).
inline std::string drive(EngineUnderTest& eng, EngineIoSet& pool, int32_t file, uint8_t op,
                         const std::vector<uint64_t>& offsets, bool fixed_buffers = false) {
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
inline std::vector<uint64_t> shuffled_blocks(uint32_t count, uint32_t block) {
  std::vector<uint64_t> offsets(count);
  for (uint32_t i = 0; i < count; i++) offsets[i] = uint64_t{i} * block;
  std::shuffle(offsets.begin(), offsets.end(), std::mt19937_64(count * 31u + block));
  return offsets;
}

// Checks the whole file with plain pread: the data is really there, not only
// in the engine's view.
inline std::string check_file(const std::string& path, uint32_t count, uint32_t block) {
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

// ---------------------------------------------------------------------------
// Behaviour every engine shares, checked on an instance (and files) the test
// set up its own way.
// ---------------------------------------------------------------------------

// Every function the ABI requires is there; register_buffers only when the
// engine says it takes buffers.
inline void expect_required_functions(const iop_engine_desc* d) {
  EXPECT_NE(d->create, nullptr);
  EXPECT_NE(d->destroy, nullptr);
  EXPECT_NE(d->open_file, nullptr);
  EXPECT_NE(d->close_file, nullptr);
  EXPECT_EQ(d->register_buffers != nullptr, (d->caps & IOP_CAP_REGISTERED_BUFFERS) != 0);
  EXPECT_NE(d->submit, nullptr);
  EXPECT_NE(d->reap, nullptr);
}

// The parts of a descriptor every in-tree engine fills the same way: sizes
// and versions of this header, reserved fields zero, the name, the version,
// a description, and every function the ABI requires (register_buffers only
// when the engine says it takes buffers).
inline void expect_descriptor_basics(const iop_engine_desc* d, const char* name, const char* version) {
  EXPECT_EQ(d->struct_size, sizeof(iop_engine_desc));
  EXPECT_EQ(d->abi_major, IOP_ABI_MAJOR);
  EXPECT_EQ(d->abi_minor, IOP_ABI_MINOR);
  EXPECT_EQ(d->min_host_abi_minor, 0);
  EXPECT_EQ(d->reserved0, 0);
  EXPECT_EQ(d->reserved1, 0u);
  EXPECT_STREQ(d->name, name);
  EXPECT_STREQ(d->version, version);
  ASSERT_NE(d->description, nullptr);
  EXPECT_GT(std::strlen(d->description), 0u);
  expect_required_functions(d);
}

// Writes `bytes` bytes of 'x' to `path` (for expect_short_read_at_eof).
inline void write_x_file(const std::string& path, size_t bytes) {
  const std::vector<char> content(bytes, 'x');
  int fd = ::open(path.c_str(), O_WRONLY | O_TRUNC | O_CLOEXEC);
  ASSERT_GE(fd, 0) << path;
  ASSERT_EQ(write(fd, content.data(), content.size()), static_cast<ssize_t>(bytes));
  close(fd);
}

// `h` reads a file of 10000 bytes of 'x' (write_x_file): an 8 KiB read at
// 8192 moves the 1808 bytes there are and nothing past them; one at 20000
// moves nothing.
inline void expect_short_read_at_eof(EngineUnderTest& eng, int32_t h) {
  std::vector<char> buf(8192, 0);
  EXPECT_EQ(eng.run_one(IOP_OP_READ, h, 8192, buf.data(), 8192), 10000 - 8192);
  EXPECT_EQ(buf[10000 - 8192 - 1], 'x');
  EXPECT_EQ(buf[10000 - 8192], 0);
  EXPECT_EQ(eng.run_one(IOP_OP_READ, h, 20000, buf.data(), 8192), 0);
}

// On an instance of queue depth 3 with `h` open for writing: submit() of six
// 4 KiB writes accepts 3, then 0 while the queue is full; after the 3 are
// reaped the other 3 go; every IO completes exactly once with 4096 bytes.
inline void expect_queue_depth_3_is_held(EngineUnderTest& eng, int32_t h) {
  EngineIoSet pool(6, 4096, eng.desc->io_priv_size);
  std::vector<iop_io*> ios = pool.all_slots(IOP_OP_WRITE, h, 4096);
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

// Reaps until `n` completions came back (each reap waits for at least one)
// and returns their results indexed by user_data (which must be below n).
inline std::vector<int64_t> reap_results(EngineUnderTest& eng, uint32_t n) {
  std::vector<int64_t> res(n, 1);
  uint32_t total = 0;
  iop_cqe cqe[8];
  while (total < n) {
    const int32_t got = eng.reap(cqe, 8, 1, kReapTimeoutNs);
    if (got <= 0) {
      ADD_FAILURE() << "reap returned " << got << " with " << n - total << " IOs outstanding";
      break;
    }
    for (int32_t i = 0; i < got; i++) {
      if (cqe[i].user_data < n) {
        res[cqe[i].user_data] = cqe[i].res;
      } else {
        ADD_FAILURE() << "unknown user_data " << cqe[i].user_data;
      }
    }
    total += static_cast<uint32_t>(got);
  }
  return res;
}

// Nothing in flight: reap() returns 0 at once, without a wait and with a
// min_wait that nothing in flight can meet.
inline void expect_idle_reap_returns_at_once(EngineUnderTest& eng) {
  iop_cqe cqe[8];
  const uint64_t t0 = monotonic_ns();
  EXPECT_EQ(eng.reap(cqe, 8, 0, 0), 0);
  EXPECT_EQ(eng.reap(cqe, 8, 0, 2'000'000'000), 0);
  EXPECT_EQ(eng.reap(cqe, 8, 1, 2'000'000'000), 0);
  EXPECT_LT(monotonic_ns() - t0, 500'000'000u);
}

// ---------------------------------------------------------------------------
// ABI 2: one IO with all of its completion, the instance report, and the
// observers of what the kernel did (the page cache, a descriptor's
// readiness).
// ---------------------------------------------------------------------------

// Submits `io` alone and returns its whole completion (EXPECTs one).
inline iop_cqe run_io(EngineUnderTest& eng, iop_io& io) {
  iop_io* ios[1] = {&io};
  EXPECT_EQ(eng.submit(ios, 1), 1);
  iop_cqe cqe[2] = {};
  EXPECT_EQ(eng.reap(cqe, 2, 1, kReapTimeoutNs), 1);
  EXPECT_EQ(cqe[0].user_data, io.user_data);
  return cqe[0];
}

// An iop_io for `op` on `file` (with scratch from `priv` when the engine
// wants io_priv_size bytes; priv must be 64-byte aligned and large enough).
inline iop_io make_io(const EngineUnderTest& eng, uint8_t op, int32_t file, uint64_t offset,
                      void* buf, uint32_t len, void* priv = nullptr) {
  iop_io io{};
  io.user_data = 0x1234;
  io.op = op;
  io.file = file;
  io.offset = offset;
  io.buf = buf;
  io.len = len;
  io.buf_index = -1;
  io.priv = eng.desc->io_priv_size > 0 ? priv : nullptr;
  return io;
}

// What an instance's report() said: its capabilities and settings.
struct ReportView {
  int32_t rc = -1;
  uint64_t caps = 0;
  std::map<std::string, std::string> settings;
};

inline ReportView report_of(const EngineUnderTest& eng) {
  ReportView v;
  iop_instance_report r{};
  r.struct_size = sizeof r;
  iop_error err{};
  v.rc = eng.desc->report(eng.instance, &r, &err);
  if (v.rc != 0) return v;
  v.caps = r.caps;
  for (uint32_t k = 0; k < r.num_settings; k++) v.settings[r.settings[k].name] = r.settings[k].value;
  return v;
}

// Pages of [offset, offset+len) of `path` in the page cache (mincore on a
// mapping of the test's own), or -1 when the file cannot be mapped.
inline int64_t resident_pages(const std::string& path, uint64_t offset, uint64_t len) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return -1;
  void* p = mmap(nullptr, offset + len, PROT_READ, MAP_SHARED, fd, 0);
  close(fd);
  if (p == MAP_FAILED) return -1;
  std::vector<unsigned char> vec((offset + len + 4095) / 4096);
  const int rc = mincore(p, offset + len, vec.data());
  munmap(p, offset + len);
  if (rc != 0) return -1;
  int64_t n = 0;
  for (size_t k = offset / 4096; k < vec.size(); k++) n += vec[k] & 1;
  return n;
}

// Writes `path`'s dirty pages back and drops its page cache, through a
// descriptor of the test's own.  A page the kernel still holds a reference
// to (another CPU's LRU batch, a write-back just finishing) survives one
// POSIX_FADV_DONTNEED, so this repeats until mincore sees none of the file's
// pages, for up to two seconds, and fails the test if some stay.
inline void drop_page_cache(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  ASSERT_GE(fd, 0) << path;
  struct stat st{};
  ASSERT_EQ(fstat(fd, &st), 0) << path;
  int64_t left = 0;
  for (int attempt = 0; attempt < 200; attempt++) {
    fdatasync(fd);
    ASSERT_EQ(posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED), 0);
    left = st.st_size > 0 ? resident_pages(path, 0, static_cast<uint64_t>(st.st_size)) : 0;
    if (left == 0) break;
    usleep(10000);
  }
  close(fd);
  ASSERT_EQ(left, 0) << path << ": pages still cached after dropping its page cache";
}

// The result of `read()`, a NOWAIT read of `path`, run right after the
// file's page cache was dropped: -EAGAIN when the flag reached the kernel.
// On a busy machine a page can come back between the drop and the read,
// and the readahead the kernel starts for a refused read can finish before
// it looks again (the reading thread preempted in between): a set-up that
// did not hold, so the drop and the read are made again, up to 8 times,
// until the read fails with -EAGAIN.  An engine that loses the flag reads
// the data every time, and the last result says so.
template <class Read>
int64_t nowait_read_of_dropped(const std::string& path, Read&& read) {
  int64_t res = 0;
  for (int attempt = 0; attempt < 8; attempt++) {
    drop_page_cache(path);
    if (::testing::Test::HasFatalFailure()) break;
    res = read();
    if (res == -EAGAIN) break;
  }
  return res;
}


// Whether the kernel refused an IOP_IO_NOWAIT IO, which only the flag makes
// it do.  First `read` (a NOWAIT read of `path`) as nowait_read_of_dropped()
// runs it: -EAGAIN.  On a virtual disk that completes a request within the
// submitting exit, the readahead a refused read starts can be done before
// the kernel looks again, every time; so, if no read was refused, `write`:
// a NOWAIT write of a block past the end of `path`, which would have to
// wait for block allocation (-EAGAIN) and which ext4 refuses for buffered
// IO outright (-EOPNOTSUPP).  A write that was refused changes nothing.
template <class Read, class Write>
::testing::AssertionResult nowait_refused(const std::string& path, Read&& read, Write&& write) {
  const int64_t read_res = nowait_read_of_dropped(path, read);
  if (read_res == -EAGAIN) return ::testing::AssertionSuccess();
  const int64_t write_res = write();
  if (write_res == -EAGAIN || write_res == -EOPNOTSUPP) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "neither a NOWAIT read of uncached data (res " << read_res
                                       << ") nor a NOWAIT write past the end of the file (res " << write_res
                                       << ") was refused: the flag did not reach the kernel";
}

// Drops the clean pages of `path` only (no write-back first): a page left
// dirty stays in the cache.
inline void drop_clean_pages(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  ASSERT_GE(fd, 0) << path;
  // POSIX_FADV_DONTNEED starts write-back of dirty pages without waiting,
  // then drops what is clean: a dirty page is still there right after.
  ASSERT_EQ(posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED), 0);
  close(fd);
}

// True when `fd` becomes readable within `ms` milliseconds.
inline bool readable_within(int fd, int ms) {
  pollfd p{fd, POLLIN, 0};
  return poll(&p, 1, ms) == 1 && (p.revents & POLLIN) != 0;
}

// Reads (drains) an eventfd; true when it held a count.
inline bool drain_eventfd(int fd) {
  uint64_t v = 0;
  bool any = false;
  while (read(fd, &v, sizeof v) == static_cast<ssize_t>(sizeof v)) any = true;
  return any;
}

}  // namespace iopulse::test

#endif  // IOPULSE_TESTS_UNIT_ENGINE_TEST_SUPPORT_H_
