// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
#include "engine_session.h"

#include <fcntl.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <exception>

#include "work_files.h"

namespace iopcheck {
namespace {

constexpr uint64_t kRunTimeoutNs = 30'000'000'000;  // for run() to finish every IO
constexpr uint64_t kReapWaitNs = 100'000'000;       // per reap() in run(), as the host
constexpr uint32_t kGuardCqes = 8;                  // past `max`, to catch overruns
constexpr uint64_t kGuardUserData = 0x6a09e667f3bcc908ull;

std::string engine_message(iop_error& err) {
  err.message[sizeof err.message - 1] = '\0';
  return err.message;
}

}  // namespace

uint64_t monotonic_ns() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1'000'000'000u + static_cast<uint64_t>(ts.tv_nsec);
}

EngineSession::EngineSession(const Target& t, uint32_t queue_depth, uint32_t pool_size)
    : t_(t), queue_depth_(queue_depth) {
  if (pool_size < queue_depth) pool_size = queue_depth;
  iop_engine_config config{};
  config.struct_size = sizeof config;
  config.queue_depth = queue_depth;
  config.flags = t.direct ? IOP_CONFIG_DIRECT : 0;
  config.worker_index = 0;
  config.num_workers = 1;
  config.num_options = static_cast<uint32_t>(t.options.size());
  config.options = t.options.empty() ? nullptr : t.options.data();
  iop_error err{};
  iop_engine* e = nullptr;
  const int32_t rc = desc().create(&config, &e, &err);
  if (rc != 0) {
    fail(strf("create(queue_depth=%u%s) failed: %s: %s", queue_depth,
              t.direct ? ", IOP_CONFIG_DIRECT" : "", errno_text(rc).c_str(),
              engine_message(err).c_str()));
  }
  if (e == nullptr) fail(strf("create(queue_depth=%u) returned 0 but no instance", queue_depth));
  engine_ = e;

  const size_t priv_stride = (desc().io_priv_size + 63u) / 64u * 64u;
  if (priv_stride > 0) {
    priv_ = std::aligned_alloc(64, priv_stride * pool_size);
    if (priv_ == nullptr) fail("checker: out of memory for per-IO scratch");
    std::memset(priv_, 0, priv_stride * pool_size);
  }
  slots_.resize(pool_size);
  for (uint32_t i = 0; i < pool_size; ++i) {
    slots_[i].state = SlotState::kFree;
    std::memset(&slots_[i].io, 0, sizeof slots_[i].io);
    slots_[i].io.priv = priv_stride > 0 ? static_cast<char*>(priv_) + i * priv_stride : nullptr;
  }
}

EngineSession::~EngineSession() {
  // No exception may leave here (this often runs while a failure unwinds),
  // so the contract is not checked any more: just try to end cleanly.
  // Completions are counted, not matched: the engine may be the one that
  // gets user_data wrong.
  size_t left = in_flight_.size() - std::min<size_t>(unmatched_, in_flight_.size());
  // A check that failed with IOs in flight unwinds through here after its
  // buffers (declared after the session) are gone: reaping could make the
  // engine copy into freed memory.  The child process ends right after, so
  // the instance is left as it is.
  if (left > 0 && std::uncaught_exceptions() > 0) return;
  if (left > 0) {
    std::vector<iop_cqe> out(queue_depth_);
    const uint64_t until = monotonic_ns() + 2'000'000'000u;
    while (left > 0 && monotonic_ns() < until) {
      const int32_t n = desc().reap(engine_, out.data(), queue_depth_, 0, 10'000'000);
      if (n < 0 && n != -EINTR) break;
      left -= std::min(left, static_cast<size_t>(std::max(n, 0)));
    }
  }
  if (left > 0) return;  // destroying it now would break the contract
  for (const OpenFile& f : files_) {
    iop_error err{};
    desc().close_file(engine_, f.handle, &err);
    if (f.fd >= 0) ::close(f.fd);
  }
  desc().destroy(engine_);
  std::free(priv_);
}

int32_t EngineSession::try_open(const std::string& path, int oflags, uint32_t file_flags,
                                uint64_t size, std::string* message) {
  int fd = -1;
  if (t_.host_opens_files()) {
    fd = ::open(path.c_str(), oflags | O_CLOEXEC | (t_.direct ? O_DIRECT : 0));
    if (fd < 0) {
      fail(strf("checker: opening %s%s: %s", path.c_str(), t_.direct ? " with O_DIRECT" : "",
                std::strerror(errno)));
    }
  }
  iop_file_desc file{};
  file.struct_size = sizeof file;
  file.flags = file_flags | (t_.direct ? IOP_FILE_DIRECT : 0);
  file.path = path.c_str();
  file.fd = fd;
  file.size = size;
  iop_error err{};
  const int32_t h = desc().open_file(engine_, &file, &err);
  if (h < 0) {
    if (fd >= 0) ::close(fd);
    *message = engine_message(err);
    if (message->empty()) {
      fail(strf("open_file(%s) failed with %s but wrote no message into iop_error", path.c_str(),
                errno_text(h).c_str()));
    }
    return h;
  }
  files_.push_back({h, fd});
  return h;
}

int32_t EngineSession::open_dir(const std::string& path) {
  int fd = -1;
  if (t_.host_opens_files()) {
    fd = ::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) fail(strf("checker: opening directory %s: %s", path.c_str(), std::strerror(errno)));
  }
  iop_file_desc file{};
  file.struct_size = sizeof file;
  file.flags = IOP_FILE_READ | IOP_FILE_WRITE | IOP_FILE_DIRECTORY;
  file.path = path.c_str();
  file.fd = fd;
  file.size = 0;
  iop_error err{};
  const int32_t h = desc().open_file(engine_, &file, &err);
  if (h < 0) {
    if (fd >= 0) ::close(fd);
    fail(strf("open_file(%s, IOP_FILE_DIRECTORY) failed: %s: %s", path.c_str(),
              errno_text(h).c_str(), engine_message(err).c_str()));
  }
  files_.push_back({h, fd});
  return h;
}

int32_t EngineSession::open(const std::string& path, int oflags, uint32_t file_flags,
                            uint64_t size) {
  std::string message;
  const int32_t h = try_open(path, oflags, file_flags, size, &message);
  if (h < 0) {
    fail(strf("open_file(%s) failed: %s: %s", path.c_str(), errno_text(h).c_str(),
              message.c_str()));
  }
  return h;
}

void EngineSession::close(int32_t handle) {
  auto it = std::find_if(files_.begin(), files_.end(),
                         [&](const OpenFile& f) { return f.handle == handle; });
  if (it == files_.end()) fail(strf("checker: closing handle %d it never opened", handle));
  iop_error err{};
  const int32_t rc = desc().close_file(engine_, handle, &err);
  const int fd = it->fd;
  files_.erase(it);
  if (fd >= 0) ::close(fd);
  if (rc != 0) {
    fail(strf("close_file(%d) failed: %s: %s", handle, errno_text(rc).c_str(),
              engine_message(err).c_str()));
  }
}

EngineSession::Slot* EngineSession::slot_of(iop_io* io) {
  auto* slot = reinterpret_cast<Slot*>(reinterpret_cast<char*>(io) - offsetof(Slot, io));
  if (slot < slots_.data() || slot >= slots_.data() + slots_.size()) {
    fail("checker: an IO that is not from the session's pool");
  }
  return slot;
}

iop_io* EngineSession::prepare(uint8_t op, int32_t handle, uint64_t offset, void* buf,
                               uint32_t len, int32_t buf_index) {
  auto it = std::find_if(slots_.begin(), slots_.end(),
                         [](const Slot& s) { return s.state == SlotState::kFree; });
  if (it == slots_.end()) fail("checker: no free IO slot (the pool is too small)");
  iop_io& io = it->io;
  void* priv = io.priv;
  std::memset(&io, 0, sizeof io);
  // Fresh, unique and using all 64 bits (an odd multiplier is a bijection).
  io.user_data = ++next_user_data_ * 0x9e3779b97f4a7c15ull;
  io.offset = offset;
  io.buf = buf;
  io.len = len;
  io.file = handle;
  io.op = op;
  io.buf_index = buf_index;
  io.priv = priv;
  it->state = SlotState::kPrepared;
  return &io;
}

iop_io* EngineSession::prepare_meta(uint8_t op, int32_t dir, const std::string& path,
                                    const std::string& path2, int32_t dir2, uint32_t mode,
                                    uint32_t meta_flags, void* buf, uint32_t len) {
  iop_io* io = prepare(op, dir, 0, buf, len);
  Slot* slot = slot_of(io);
  slot->path = path;
  slot->path2 = path2;
  std::memset(&slot->meta, 0, sizeof slot->meta);
  slot->meta.struct_size = sizeof slot->meta;
  slot->meta.flags = meta_flags;
  slot->meta.path = slot->path.c_str();
  slot->meta.path2 = op == IOP_OP_RENAME ? slot->path2.c_str() : nullptr;
  slot->meta.dir2 = dir2;
  slot->meta.mode = mode;
  io->meta = &slot->meta;
  return io;
}

void EngineSession::release(iop_io* io) {
  Slot* s = slot_of(io);
  if (s->state != SlotState::kPrepared) fail("checker: releasing an IO that is not prepared");
  s->state = SlotState::kFree;
}

int32_t EngineSession::submit(iop_io* const* ios, uint32_t n, uint32_t flags) {
  for (uint32_t i = 0; i < n; ++i) {
    if (slot_of(ios[i])->state != SlotState::kPrepared) {
      fail("checker: submitting an IO that is not prepared");
    }
  }
  const uint32_t before = in_flight();
  const int32_t rc = desc().submit(engine_, ios, n, flags);
  if (rc < 0) return rc;
  const uint32_t room = queue_depth_ - std::min(before, queue_depth_);
  if (static_cast<uint32_t>(rc) > n) {
    fail(strf("submit() of %u IOs returned %d: more than it was given", n, rc));
  }
  if (static_cast<uint32_t>(rc) > room) {
    fail(strf("submit() accepted %d IOs with %u already in flight at queue depth %u: more than "
              "queue_depth in flight",
              rc, before, queue_depth_));
  }
  for (int32_t i = 0; i < rc; ++i) {
    Slot* s = slot_of(ios[i]);
    s->state = SlotState::kInFlight;
    in_flight_.emplace(s->io.user_data, s);
  }
  return rc;
}

std::string EngineSession::check_completion(const iop_io& io, const iop_cqe& c, std::string* text) {
  const auto ud = static_cast<unsigned long long>(c.user_data);
  if (c.reserved != 0) return strf("completion 0x%016llx: reserved member is %u, not 0", ud, c.reserved);
  if ((c.flags & ~IOP_CQE_KNOWN_2_0) != 0) {
    return strf("completion 0x%016llx: flags 0x%x has bits ABI %u.%u does not define", ud, c.flags,
                IOP_ABI_MAJOR, IOP_ABI_MINOR);
  }
  const uint32_t kind = c.flags & IOP_CQE_AUX_MASK;
  if (kind == IOP_CQE_AUX_NONE && c.aux != 0) {
    return strf("completion 0x%016llx (op %u): aux is %llu but flags declare no aux value", ud,
                io.op, static_cast<unsigned long long>(c.aux));
  }
  const bool aux_ok = kind == IOP_CQE_AUX_NONE ||
                      (kind == IOP_CQE_AUX_SIZE && io.op == IOP_OP_STAT && c.res == 0) ||
                      (kind == IOP_CQE_AUX_COUNT && io.op == IOP_OP_LIST && c.res == 0);
  if (!aux_ok) {
    return strf("completion 0x%016llx (op %u, res %s): aux kind %u is not defined for it", ud,
                io.op, errno_text(c.res).c_str(), kind);
  }
  if ((c.flags & IOP_CQE_ERROR_TEXT) == 0) return "";
  if ((desc().caps & IOP_CAP_ERROR_TEXT) == 0 || desc().error_text == nullptr) {
    return strf("completion 0x%016llx has IOP_CQE_ERROR_TEXT but the engine has no error_text()", ud);
  }
  if (c.res >= 0) {
    return strf("completion 0x%016llx has IOP_CQE_ERROR_TEXT but res %lld is not a failure", ud,
                static_cast<long long>(c.res));
  }
  iop_error err{};
  const int32_t rc = desc().error_text(engine_, c.user_data, &err);
  err.message[sizeof err.message - 1] = '\0';
  if (rc != 0) {
    return strf("completion 0x%016llx has IOP_CQE_ERROR_TEXT but error_text() returned %s", ud,
                errno_text(rc).c_str());
  }
  if (err.message[0] == '\0' || std::strchr(err.message, '\n') != nullptr) {
    return strf("error_text() for completion 0x%016llx gave %s, not one line of text", ud,
                err.message[0] == '\0' ? "nothing" : "several lines");
  }
  *text = err.message;
  return "";
}

std::vector<Completion> EngineSession::reap(uint32_t max, uint32_t min_wait, uint64_t timeout_ns,
                                            uint64_t* elapsed_ns) {
  cqes_.assign(max + kGuardCqes, iop_cqe{kGuardUserData, INT64_MIN, kGuardUserData, 0, 0});
  const uint64_t start = monotonic_ns();
  const int32_t rc = desc().reap(engine_, cqes_.data(), max, min_wait, timeout_ns);
  if (elapsed_ns != nullptr) *elapsed_ns = monotonic_ns() - start;
  for (uint32_t k = max; k < max + kGuardCqes; ++k) {
    if (cqes_[k].user_data != kGuardUserData || cqes_[k].res != INT64_MIN ||
        cqes_[k].aux != kGuardUserData) {
      fail(strf("reap(max=%u) wrote past the end of the host's array (entry %u)", max, k));
    }
  }
  if (rc == -EINTR) return {};
  if (rc < 0) {
    fail(strf("reap(max=%u, min_wait=%u) failed: %s", max, min_wait, errno_text(rc).c_str()));
  }
  if (static_cast<uint32_t>(rc) > max) fail(strf("reap(max=%u) returned %d", max, rc));
  std::vector<Completion> out;
  out.reserve(static_cast<size_t>(rc));
  std::string bad;  // the first broken completion, reported after all are accounted
  for (int32_t i = 0; i < rc; ++i) {
    const iop_cqe& c = cqes_[static_cast<size_t>(i)];
    auto it = in_flight_.find(c.user_data);
    if (it == in_flight_.end()) {
      ++unmatched_;
      if (!bad.empty()) continue;
      if (completed_.count(c.user_data) != 0) {
        bad = strf("user_data 0x%016llx completed twice (each accepted IO completes exactly once)",
                   static_cast<unsigned long long>(c.user_data));
      } else {
        bad = strf("a completion carries user_data 0x%016llx, which is not the user_data of any "
                   "IO in flight (%u in flight)",
                   static_cast<unsigned long long>(c.user_data), in_flight());
      }
      continue;
    }
    Slot* s = it->second;
    in_flight_.erase(it);
    completed_.insert(c.user_data);
    s->state = SlotState::kFree;
    std::string text;
    if (bad.empty()) bad = check_completion(s->io, c, &text);
    out.push_back({&s->io, c.res, c.aux, c.flags, std::move(text)});
  }
  if (!bad.empty()) fail(bad);
  return out;
}

std::vector<int64_t> EngineSession::run(const std::vector<iop_io*>& ios,
                                        const std::function<void(const Completion&)>& done) {
  std::unordered_map<const iop_io*, size_t> index;
  for (size_t i = 0; i < ios.size(); ++i) index[ios[i]] = i;
  std::vector<int64_t> res(ios.size(), INT64_MIN);
  size_t next = 0;
  size_t finished = 0;
  const uint64_t deadline = monotonic_ns() + kRunTimeoutNs;
  while (finished < ios.size()) {
    const uint32_t room = queue_depth_ - in_flight();
    if (next < ios.size() && room > 0) {
      const auto n = static_cast<uint32_t>(std::min<size_t>(room, ios.size() - next));
      const bool idle = in_flight() == 0;
      const int32_t rc = submit(ios.data() + next, n, 0);
      if (rc < 0) {
        fail(strf("submit() of %u IOs (%u in flight, queue depth %u) failed: %s", n, in_flight(),
                  queue_depth_, errno_text(rc).c_str()));
      }
      if (rc == 0 && idle) fail("submit() accepted no IO while none was in flight");
      next += static_cast<size_t>(rc);
    }
    for (const Completion& c : reap(queue_depth_, in_flight() > 0 ? 1 : 0, kReapWaitNs)) {
      const size_t i = index.at(c.io);
      res[i] = c.res;
      ++finished;
      if (done) done(c);
    }
    if (monotonic_ns() > deadline) {
      fail(strf("%zu of %zu IOs did not complete within %llu s", ios.size() - finished,
                ios.size(), static_cast<unsigned long long>(kRunTimeoutNs / 1'000'000'000u)));
    }
  }
  return res;
}

int64_t EngineSession::run_one(uint8_t op, int32_t handle, uint64_t offset, void* buf,
                               uint32_t len, int32_t buf_index) {
  return run_io(prepare(op, handle, offset, buf, len, buf_index)).res;
}

Completion EngineSession::run_io(iop_io* io) {
  const uint64_t ud = io->user_data;
  Completion out{io, INT64_MIN, 0, 0, ""};
  run({io}, [&](const Completion& c) {
    if (c.io->user_data != ud) fail("checker: unexpected completion");
    out = c;
  });
  return out;
}

void EngineSession::drain(uint64_t timeout_ns) {
  const uint64_t deadline = monotonic_ns() + timeout_ns;
  while (in_flight() > 0) {
    reap(queue_depth_, 1, kReapWaitNs);
    if (in_flight() > 0 && monotonic_ns() > deadline) {
      fail(strf("%u IOs did not complete within %llu ms", in_flight(),
                static_cast<unsigned long long>(timeout_ns / 1'000'000u)));
    }
  }
}

DataFile open_pattern_file(EngineSession& s, const char* stem, uint64_t blocks, uint64_t seed) {
  const Target& t = s.target();
  DataFile f;
  f.size = blocks * t.block_size;
  f.path = t.does_file_io() ? create_pattern_file(t, stem, f.size, seed) : unique_path(t, stem);
  f.handle = s.open(f.path, O_RDWR, IOP_FILE_READ | IOP_FILE_WRITE, f.size);
  return f;
}

}  // namespace iopcheck
