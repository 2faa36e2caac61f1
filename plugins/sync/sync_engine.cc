// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// sync -- blocking pread/pwrite on the descriptor the host opened.
//
// The IO happens inside submit(), one IO at a time, on the worker's thread;
// each result waits in a small completion ring until the next reap() hands it
// back, so the host drives this engine exactly like an asynchronous one.
// Reads and writes loop over short transfers and retry EINTR; a read that
// reaches end of file returns the bytes it got.  fsync and fdatasync are the
// system calls of the same name; trim punches a hole in a regular file
// (fallocate PUNCH_HOLE|KEEP_SIZE) or discards the range of a block device
// (ioctl BLKDISCARD).  A failed IO completes with res = -errno.
//
// Written in C++ against the public SDK only, to show iop::guard at work:
// no exception leaves this file, and nothing is allocated, locked or looked
// up per IO.

#include <fcntl.h>
#include <linux/falloc.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <memory>
#include <new>
#include <vector>

#include "iopulse/engine.h"
#include "iopulse/engine.hpp"

namespace {

constexpr uint32_t kMaxQueueDepth = 1;  // synchronous: the host clamps deeper jobs

// The engine has no options.  The table is kept (empty) so there is one
// obvious place to add them.
constexpr uint32_t kNumOptions = 0;
constexpr const iop_option_desc* kOptions = nullptr;

// A file the host opened.  `fd` belongs to the host and stays open until
// after close_file(); fd == -1 marks a free handle slot.
struct SyncFile {
  int fd = -1;
  bool block_device = false;  // trim with BLKDISCARD instead of fallocate
};

}  // namespace

// One instance per worker thread; nothing here is shared.
//
// Completions wait in `ring` (capacity == queue_depth, allocated in create):
// slots head, head+1, ... head+count-1 (mod capacity) hold finished IOs in
// submission order.  submit() never accepts more IOs than free slots, so
// count <= capacity and no completion is ever dropped.
//
// `files` is indexed by handle; it grows only in open_file() (control plane),
// so submit() reads it without allocating.
struct iop_engine {
  std::vector<iop_cqe> ring;
  uint32_t head = 0;
  uint32_t count = 0;
  std::vector<SyncFile> files;
};

namespace {

// ---------------------------------------------------------------------------
// The IO itself: each returns the completion's res.
// ---------------------------------------------------------------------------

// Reads or writes all of io.len bytes unless end of file (a transfer of 0)
// comes first; then the result is the bytes done.  An error ends the IO with
// -errno even when part of it was transferred: the IO did not do what was
// asked, and the host must count it as failed.
//
// The calls go straight to the kernel through syscall(2) rather than glibc's
// pread/pwrite wrappers: in a multi-threaded process those are cancellation
// points that flip the thread's cancel state with atomic operations around
// every call (10-20 ns per IO at page-cache speed).  IOPulse never cancels
// threads, so the system call alone does the same work.
// (On 32-bit targets the offset takes two registers in an order that
// differs between architectures, so there the glibc wrappers are used.)
int64_t transfer(int fd, const iop_io& io, bool write) {
  auto* buf = static_cast<char*>(io.buf);
  uint64_t done = 0;
  while (done < io.len) {
    size_t left = io.len - done;
    auto at = static_cast<off_t>(io.offset + done);
#if defined(__LP64__)
    long r = ::syscall(write ? SYS_pwrite64 : SYS_pread64, fd, buf + done, left, at);
#else
    ssize_t r = write ? ::pwrite(fd, buf + done, left, at) : ::pread(fd, buf + done, left, at);
#endif
    if (r > 0) {
      done += static_cast<uint64_t>(r);
    } else if (r == 0) {
      break;
    } else if (errno != EINTR) {
      return -errno;
    }
  }
  return static_cast<int64_t>(done);
}

int64_t sync_file(int fd, bool data_only) {
  for (;;) {
    if ((data_only ? ::fdatasync(fd) : ::fsync(fd)) == 0) return 0;
    if (errno != EINTR) return -errno;
  }
}

int64_t trim(const SyncFile& f, const iop_io& io) {
  if (f.block_device) {
    uint64_t range[2] = {io.offset, io.len};
    return ::ioctl(f.fd, BLKDISCARD, range) == 0 ? 0 : -errno;
  }
  for (;;) {
    if (::fallocate(f.fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
                    static_cast<off_t>(io.offset), static_cast<off_t>(io.len)) == 0)
      return 0;
    if (errno != EINTR) return -errno;
  }
}

int64_t execute(const iop_engine& e, const iop_io& io) {
  if (io.file < 0 || static_cast<size_t>(io.file) >= e.files.size()) return -EBADF;
  const SyncFile& f = e.files[static_cast<size_t>(io.file)];
  if (f.fd < 0) return -EBADF;
  switch (io.op) {
    case IOP_OP_READ: return transfer(f.fd, io, false);
    case IOP_OP_WRITE: return transfer(f.fd, io, true);
    case IOP_OP_FSYNC: return sync_file(f.fd, false);
    case IOP_OP_FDATASYNC: return sync_file(f.fd, true);
    case IOP_OP_TRIM: return trim(f, io);
    default: return -EINVAL;
  }
}

// ---------------------------------------------------------------------------
// Control plane
// ---------------------------------------------------------------------------

int32_t sync_create(const iop_engine_config* config, iop_engine** out, iop_error* err) {
  return iop::guard(err, [&]() -> int32_t {
    if (config == nullptr || out == nullptr) {
      iop::set_error(err, "create() needs a config and an output pointer");
      return -EINVAL;
    }
    if (config->struct_size < sizeof(iop_engine_config)) {
      iop::set_error(err, "iop_engine_config.struct_size %u is smaller than ABI 1.0's %zu",
                     config->struct_size, sizeof(iop_engine_config));
      return -EINVAL;
    }
    if (config->num_options != kNumOptions) {
      iop::set_error(err, "expected %u option values, got %u", kNumOptions,
                     config->num_options);
      return -EINVAL;
    }
    if (config->queue_depth < 1 || config->queue_depth > kMaxQueueDepth) {
      iop::set_error(err, "queue depth %u is outside 1..%u (a synchronous engine)",
                     config->queue_depth, kMaxQueueDepth);
      return -EINVAL;
    }
    try {
      auto e = std::make_unique<iop_engine>();
      e->ring.resize(config->queue_depth);
      *out = e.release();
    } catch (const std::bad_alloc&) {
      iop::set_error(err, "out of memory for an engine instance");
      return -ENOMEM;
    }
    return 0;
  });
}

void sync_destroy(iop_engine* e) { delete e; }

// Takes the host's descriptor; never opens or closes one itself.
int32_t sync_open_file(iop_engine* e, const iop_file_desc* file, iop_error* err) {
  return iop::guard(err, [&]() -> int32_t {
    if (file == nullptr || file->struct_size < sizeof(iop_file_desc)) {
      iop::set_error(err, "open_file: missing iop_file_desc or struct_size too small");
      return -EINVAL;
    }
    const char* path = file->path != nullptr ? file->path : "(no path)";
    if (file->fd < 0) {
      iop::set_error(err, "%s: the sync engine needs a descriptor opened by the host", path);
      return -EBADF;
    }
    struct stat st;
    if (::fstat(file->fd, &st) != 0) {
      int saved = errno;
      iop::set_error(err, "%s: fstat of fd %d failed (errno %d)", path, file->fd, saved);
      return -saved;
    }
    SyncFile f;
    f.fd = file->fd;
    f.block_device = S_ISBLK(st.st_mode);

    size_t h = 0;
    while (h < e->files.size() && e->files[h].fd >= 0) h++;
    try {
      if (h == e->files.size()) e->files.push_back(f);
      else e->files[h] = f;
    } catch (const std::bad_alloc&) {
      iop::set_error(err, "%s: out of memory for a file handle", path);
      return -ENOMEM;
    }
    return static_cast<int32_t>(h);
  });
}

// Frees the handle; the descriptor stays open, it is the host's to close.
int32_t sync_close_file(iop_engine* e, int32_t handle, iop_error* err) {
  if (handle < 0 || static_cast<size_t>(handle) >= e->files.size() ||
      e->files[static_cast<size_t>(handle)].fd < 0) {
    iop::set_error(err, "close_file: %d is not an open handle", handle);
    return -EBADF;
  }
  e->files[static_cast<size_t>(handle)] = SyncFile{};
  return 0;
}

// ---------------------------------------------------------------------------
// Data plane
// ---------------------------------------------------------------------------

// Does each accepted IO now; returns how many fitted in the completion ring.
int32_t sync_submit(iop_engine* e, iop_io* const* ios, uint32_t n, uint32_t flags) {
  if ((flags & ~IOP_SUBMIT_KNOWN_FLAGS) != 0) return -EINVAL;
  return iop::guard_noerr([&]() -> int32_t {
    const auto capacity = static_cast<uint32_t>(e->ring.size());
    uint32_t accepted = 0;
    while (accepted < n && e->count < capacity) {
      const iop_io& io = *ios[accepted];
      iop_cqe& cqe = e->ring[(e->head + e->count) % capacity];
      cqe.user_data = io.user_data;
      cqe.res = execute(*e, io);
      e->count++;
      accepted++;
    }
    return static_cast<int32_t>(accepted);
  });
}

// Every submitted IO is already complete, so reap never waits: min_wait and
// timeout_ns are always satisfied by what the ring holds.
int32_t sync_reap(iop_engine* e, iop_cqe* out, uint32_t max, uint32_t min_wait,
                  uint64_t timeout_ns) {
  (void)min_wait;
  (void)timeout_ns;
  const auto capacity = static_cast<uint32_t>(e->ring.size());
  uint32_t n = 0;
  while (n < max && e->count > 0) {
    out[n++] = e->ring[e->head];
    e->head = (e->head + 1) % capacity;
    e->count--;
  }
  return static_cast<int32_t>(n);
}

// ---------------------------------------------------------------------------
// Descriptor and entry
// ---------------------------------------------------------------------------

const iop_engine_desc kSyncDesc = {
    /* struct_size */ sizeof(iop_engine_desc),
    /* abi_major */ IOP_ABI_MAJOR,
    /* abi_minor */ IOP_ABI_MINOR,
    /* min_host_abi_minor */ 0,
    /* reserved0 */ 0,
    /* reserved1 */ 0,
    /* name */ "sync",
    /* version */ "1.0.0",
    /* description */ "blocking pread/pwrite, one IO at a time, on the host's descriptor",
    /* caps */ IOP_CAP_FSYNC | IOP_CAP_FDATASYNC | IOP_CAP_TRIM | IOP_CAP_DIRECT,
    /* max_queue_depth */ kMaxQueueDepth,
    /* min_buf_align */ 0,
    /* io_priv_size */ 0,
    /* num_options */ kNumOptions,
    /* options */ kOptions,
    /* create */ sync_create,
    /* destroy */ sync_destroy,
    /* open_file */ sync_open_file,
    /* close_file */ sync_close_file,
    /* register_buffers */ nullptr,
    /* submit */ sync_submit,
    /* reap */ sync_reap,
};

}  // namespace

extern "C" IOP_EXPORT int32_t iopulse_engine_entry(const iop_host_info* host,
                                                   const iop_engine_desc** out) {
  if (out == nullptr) return -EINVAL;
  if (host == nullptr || host->abi_major != IOP_ABI_MAJOR) return -EPROTO;
  *out = &kSyncDesc;
  return 0;
}
