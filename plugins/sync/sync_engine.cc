// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// sync -- blocking system calls on the descriptors the host opened.
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
// Per IO (engine.h): IOP_IO_DSYNC and IOP_IO_NOWAIT make a read or write go
// through preadv2/pwritev2 with RWF_DSYNC / RWF_NOWAIT.  A priority is the
// thread's: before an IO whose ioprio differs from the last one applied,
// ioprio_set(2) sets it on the calling thread (ioprio 0 restores what the
// thread had at create()), so a system call is added only when the priority
// changes.  RWF_HIPRI is not offered: the kernel no longer polls synchronous
// IO, so it would do nothing.
//
// Metadata ops (all of engine.h's) run on directory handles
// (IOP_FILE_DIRECTORY) as *at() system calls; see sync_metadata.cc.  A
// failed metadata op, or a failed priority change, leaves a one-line text
// for error_text().
//
// Engine buffers (alloc_buffer) come from anonymous mappings: with
// --sync.hugepages=transparent aligned to and rounded up to 2 MiB and
// advised MADV_HUGEPAGE, with =reserved from the huge page pool
// (MAP_HUGETLB, vm.nr_hugepages).  control() drops a file's page cache
// (IOP_CTL_DROP_CACHE); report() says which huge pages are in use.
//
// Written in C++ against the public SDK only, to show iop::guard at work:
// no exception leaves this file, and nothing is allocated, locked or looked
// up per IO.

#include <fcntl.h>
#include <linux/falloc.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <memory>
#include <new>
#include <vector>

#include "iopulse/engine.h"
#include "iopulse/engine.hpp"
#include "sync_metadata.h"

// ioprio_set(2)'s "which" for one thread (the kernel's IOPRIO_WHO_PROCESS).
// Spelled here because <linux/ioprio.h> is not C++: since Linux 6.x its
// ioprio_value() names a parameter "class", so no C++ file may include it.
constexpr int kIoprioWhoProcess = 1;

namespace {

constexpr uint32_t kMaxQueueDepth = 1;  // synchronous: the host clamps deeper jobs
constexpr size_t kDirentBufSize = 32 * 1024;  // getdents64 buffer for IOP_OP_LIST
constexpr uint64_t kTransparentHugePage = 2u << 20;

// ---------------------------------------------------------------------------
// Options
// ---------------------------------------------------------------------------

enum Option : uint32_t { kOptHugepages = 0, kNumOptions };
enum Hugepages : int64_t { kHugeOff = 0, kHugeTransparent = 1, kHugeReserved = 2 };

const char* const kHugepageChoices[] = {"off", "transparent", "reserved", nullptr};

const iop_option_desc kOptions[kNumOptions] = {
    {
        /* struct_size */ sizeof(iop_option_desc),
        /* type */ IOP_OPT_ENUM,
        /* name */ "hugepages",
        /* help */ "memory of engine-provided IO buffers: off (ordinary pages), transparent "
                   "(2 MiB aligned, MADV_HUGEPAGE) or reserved (MAP_HUGETLB from "
                   "vm.nr_hugepages)",
        /* default_value */ "off",
        /* min_value */ 0,
        /* max_value */ 0,
        /* choices */ kHugepageChoices,
        /* reserved */ {0, 0},
    },
};

// A file the host opened.  `fd` belongs to the host and stays open until
// after close_file(); fd == -1 marks a free handle slot.
struct SyncFile {
  int fd = -1;
  bool block_device = false;  // trim with BLKDISCARD instead of fallocate
  bool directory = false;     // a directory handle for metadata ops
};

// The text error_text() gives for a finished IO (a failed metadata op or
// priority change); only read when its completion has IOP_CQE_ERROR_TEXT.
struct ErrorText {
  char why[IOP_ERROR_MESSAGE_MAX];
};

}  // namespace

// One instance per worker thread; nothing here is shared.
//
// The queue depth is 1 (kMaxQueueDepth), so at most one finished IO waits
// for reap(): `done` is its completion and `why` the text of its failure,
// written only with IOP_CQE_ERROR_TEXT.  `state` says what `done` holds:
// kEmpty nothing, kReady a completion not yet reaped (submit() accepts no
// IO then, so no completion is ever dropped), kReaped the completion the
// latest reap() handed out, kept with its text for error_text() until the
// next submit() or reap().
//
// `files` is indexed by handle; it grows only in open_file() (control plane),
// so submit() reads it without allocating.
enum CompletionState : uint8_t { kEmpty = 0, kReady, kReaped };

struct iop_engine {
  iop_cqe done = {};
  CompletionState state = kEmpty;
  std::vector<SyncFile> files;
  ErrorText why = {};
  std::unique_ptr<char[]> dirent_buf;  // for IOP_OP_LIST
  uint16_t applied_prio = 0;  // iop_io.ioprio last applied to the thread; 0: its own
  int original_prio = 0;      // the thread's ioprio at create()
  int64_t hugepages = kHugeOff;
  uint64_t huge_page_size = 0;  // reserved: the pool's page size
  uint32_t buffers_out = 0;     // engine buffers not yet freed
  char hugepage_text[48] = {};
  iop_setting settings[2] = {};
  uint32_t num_settings = 0;
};

namespace {

const iop_engine_desc& sync_desc();

// ---------------------------------------------------------------------------
// The IO itself: each returns the completion's res.
// ---------------------------------------------------------------------------

// Reads or writes all of io.len bytes unless end of file (a transfer of 0)
// comes first; then the result is the bytes done.  An error ends the IO with
// -errno even when part of it was transferred: the IO did not do what was
// asked, and the host must count it as failed.
//
// The calls go straight to the kernel rather than through glibc's
// pread/pwrite wrappers: in a multi-threaded process those are cancellation
// points that flip the thread's cancel state with atomic operations around
// every call (10-20 ns per IO at page-cache speed).  IOPulse never cancels
// threads, so the system call alone does the same work.  On x86-64 the
// `syscall` instruction is issued inline (the kernel's return value is the
// result or -errno, no errno round trip, no call into libc); elsewhere on
// 64-bit targets through syscall(2).  (On 32-bit targets the offset takes
// two registers in an order that differs between architectures, so there
// the glibc wrappers are used.)
#if defined(__x86_64__)
inline long pread_pwrite(bool write, int fd, char* buf, size_t len, off_t at) {
  long r = write ? SYS_pwrite64 : SYS_pread64;
  register long r10 __asm__("r10") = at;
  __asm__ volatile("syscall"
                   : "+a"(r)
                   : "D"(static_cast<long>(fd)), "S"(buf), "d"(len), "r"(r10)
                   : "rcx", "r11", "memory");
  return r;  // bytes, or -errno (-4095 .. -1)
}
#else
inline long pread_pwrite(bool write, int fd, char* buf, size_t len, off_t at) {
#if defined(__LP64__)
  const long r = ::syscall(write ? SYS_pwrite64 : SYS_pread64, fd, buf, len, at);
#else
  const long r = write ? ::pwrite(fd, buf, len, at) : ::pread(fd, buf, len, at);
#endif
  return r < 0 ? -errno : r;
}
#endif

inline int64_t transfer(int fd, const iop_io& io, bool write) {
  auto* buf = static_cast<char*>(io.buf);
  uint64_t done = 0;
  while (done < io.len) {
    const long r = pread_pwrite(write, fd, buf + done, io.len - done, static_cast<off_t>(io.offset + done));
    if (r > 0) {
      done += static_cast<uint64_t>(r);
    } else if (r == 0) {
      break;
    } else if (r != -EINTR) {
      return r;
    }
  }
  return static_cast<int64_t>(done);
}

// The rest of a read or write whose first system call (by submit()) returned
// `first` rather than all of io.len bytes: continues as transfer() does.
[[gnu::noinline]] int64_t finish_transfer(int fd, const iop_io& io, bool write, long first) {
  auto* buf = static_cast<char*>(io.buf);
  uint64_t done = 0;
  long r = first;
  for (;;) {
    if (r > 0) {
      done += static_cast<uint64_t>(r);
    } else if (r == 0) {
      break;
    } else if (r != -EINTR) {
      return r;
    }
    if (done >= io.len) break;
    r = pread_pwrite(write, fd, buf + done, io.len - done, static_cast<off_t>(io.offset + done));
  }
  return static_cast<int64_t>(done);
}

// transfer() with per-IO flags: preadv2/pwritev2 with RWF_* (only reached
// when io.flags is not 0).
int64_t transfer_with_flags(int fd, const iop_io& io, bool write) {
  const int rwf = ((io.flags & IOP_IO_DSYNC) != 0 ? RWF_DSYNC : 0) |
                  ((io.flags & IOP_IO_NOWAIT) != 0 ? RWF_NOWAIT : 0);
  auto* buf = static_cast<char*>(io.buf);
  uint64_t done = 0;
  while (done < io.len) {
    iovec iov{buf + done, io.len - done};
    auto at = static_cast<off_t>(io.offset + done);
    ssize_t r = write ? ::pwritev2(fd, &iov, 1, at, rwf) : ::preadv2(fd, &iov, 1, at, rwf);
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

// Sets the calling thread's IO priority to io.ioprio (0: back to what it had
// at create()).  Returns 0, or -errno with the reason in `why`.
int64_t apply_priority(iop_engine& e, uint16_t prio, char* why) {
  const int value = prio != 0 ? prio : e.original_prio;
  if (::syscall(SYS_ioprio_set, kIoprioWhoProcess, 0, value) != 0) {
    const int err = errno;
    std::snprintf(why, IOP_ERROR_MESSAGE_MAX,
                  "ioprio_set(class %u, level %u) on the worker thread failed: %s",
                  IOP_IOPRIO_CLASS(value), IOP_IOPRIO_LEVEL(value), std::strerror(err));
    return -err;
  }
  e.applied_prio = prio;
  return 0;
}

// Does one IO; fills `cqe` and, on the failures that have one, the text in
// `text` (with IOP_CQE_ERROR_TEXT).  Out of line: submit() does the common
// IO (a read or write without flags, at the priority already applied, on an
// open handle) itself and calls this for everything else.
[[gnu::noinline]] void execute(iop_engine& e, const iop_io& io, iop_cqe& cqe, ErrorText& text) {
  char* const why = text.why;
  cqe.user_data = io.user_data;
  cqe.aux = 0;
  cqe.flags = 0;
  // One unsigned comparison covers a negative handle too.
  if (static_cast<uint32_t>(io.file) >= e.files.size() || e.files[static_cast<uint32_t>(io.file)].fd < 0)
      [[unlikely]] {
    cqe.res = -EBADF;
    return;
  }
  const SyncFile& f = e.files[static_cast<uint32_t>(io.file)];
  if (io.ioprio != e.applied_prio) [[unlikely]] {
    cqe.res = apply_priority(e, io.ioprio, why);
    if (cqe.res != 0) {
      cqe.flags = IOP_CQE_ERROR_TEXT;
      return;
    }
  }
  switch (io.op) {
    case IOP_OP_READ:
      cqe.res = io.flags == 0 ? transfer(f.fd, io, false) : transfer_with_flags(f.fd, io, false);
      return;
    case IOP_OP_WRITE:
      cqe.res = io.flags == 0 ? transfer(f.fd, io, true) : transfer_with_flags(f.fd, io, true);
      return;
    case IOP_OP_FSYNC: cqe.res = sync_file(f.fd, false); return;
    case IOP_OP_FDATASYNC: cqe.res = sync_file(f.fd, true); return;
    case IOP_OP_TRIM: cqe.res = trim(f, io); return;
    default: break;
  }
  if (io.op < IOP_OP_MKDIR || io.op > IOP_OP_LIST) {
    cqe.res = -EINVAL;
    return;
  }
  // A metadata op: the handle is a directory, and so is dir2 for a rename.
  int dir2fd = f.fd;
  if (io.op == IOP_OP_RENAME && io.meta != nullptr && io.meta->dir2 >= 0) {
    const auto d2 = static_cast<size_t>(io.meta->dir2);
    if (d2 >= e.files.size() || e.files[d2].fd < 0) {
      std::snprintf(why, sizeof text.why, "rename: dir2 %d is not an open handle",
                    static_cast<int>(io.meta->dir2));
      cqe.res = -EBADF;
      cqe.flags = IOP_CQE_ERROR_TEXT;
      return;
    }
    dir2fd = e.files[d2].fd;
  }
  why[0] = '\0';
  const sync_engine::MetaContext ctx{f.fd, dir2fd, e.dirent_buf.get(), kDirentBufSize};
  const sync_engine::MetaOutcome out =
      sync_engine::run_metadata_op(io, ctx, why, sizeof text.why);
  cqe.res = out.res;
  cqe.aux = out.aux;
  cqe.flags = out.flags | (out.res < 0 && why[0] != '\0' ? IOP_CQE_ERROR_TEXT : 0u);
}

// ---------------------------------------------------------------------------
// Control plane
// ---------------------------------------------------------------------------

// The size of the reserved huge pages and how many are free, from
// /proc/meminfo; false when it cannot be read.
bool huge_page_pool(uint64_t* page_size, uint64_t* free_pages) {
  FILE* f = std::fopen("/proc/meminfo", "re");
  if (f == nullptr) return false;
  char line[128];
  unsigned long long kb = 0, n = 0;
  bool have_size = false, have_free = false;
  while (std::fgets(line, sizeof line, f) != nullptr) {
    if (std::sscanf(line, "Hugepagesize: %llu kB", &kb) == 1) have_size = true;
    if (std::sscanf(line, "HugePages_Free: %llu", &n) == 1) have_free = true;
  }
  std::fclose(f);
  *page_size = kb * 1024;
  *free_pages = n;
  return have_size && have_free && kb > 0;
}

void describe_instance(iop_engine& e) {
  switch (e.hugepages) {
    case kHugeTransparent:
      std::snprintf(e.hugepage_text, sizeof e.hugepage_text, "transparent (2M, madvise)");
      break;
    case kHugeReserved:
      std::snprintf(e.hugepage_text, sizeof e.hugepage_text, "reserved (%llu kB pages)",
                    static_cast<unsigned long long>(e.huge_page_size / 1024));
      break;
    default: std::snprintf(e.hugepage_text, sizeof e.hugepage_text, "off"); break;
  }
  e.settings[0] = {"hugepages", e.hugepage_text};
  e.settings[1] = {"io-priority", "per thread (ioprio_set)"};
  e.num_settings = 2;
}

int32_t sync_create(const iop_engine_config* config, iop_engine** out, iop_error* err) {
  return iop::guard(err, [&]() -> int32_t {
    if (config == nullptr || out == nullptr) {
      iop::set_error(err, "create() needs a config and an output pointer");
      return -EINVAL;
    }
    if (config->struct_size < sizeof(iop_engine_config)) {
      iop::set_error(err, "iop_engine_config.struct_size %u is smaller than ABI 2.0's %zu",
                     config->struct_size, sizeof(iop_engine_config));
      return -EINVAL;
    }
    if (config->num_options != kNumOptions || config->options == nullptr) {
      iop::set_error(err, "expected %u option values, got %u", static_cast<unsigned>(kNumOptions),
                     config->num_options);
      return -EINVAL;
    }
    if (config->queue_depth < 1 || config->queue_depth > kMaxQueueDepth) {
      iop::set_error(err, "queue depth %u is outside 1..%u (a synchronous engine)",
                     config->queue_depth, kMaxQueueDepth);
      return -EINVAL;
    }
    const int64_t hugepages = config->options[kOptHugepages].i;
    if (hugepages < kHugeOff || hugepages > kHugeReserved) {
      iop::set_error(err, "hugepages choice %lld is out of range", static_cast<long long>(hugepages));
      return -EINVAL;
    }
    uint64_t page_size = 0, free_pages = 0;
    if (hugepages == kHugeReserved) {
      if (!huge_page_pool(&page_size, &free_pages)) {
        iop::set_error(err, "hugepages=reserved: cannot read the huge page pool from /proc/meminfo");
        return -ENOTSUP;
      }
      if (free_pages == 0) {
        iop::set_error(err,
                       "hugepages=reserved: no free huge pages (HugePages_Free is 0); reserve "
                       "some with `sysctl vm.nr_hugepages=<n>` or use hugepages=transparent");
        return -ENOMEM;
      }
    }
    const long prio = ::syscall(SYS_ioprio_get, kIoprioWhoProcess, 0);
    if (prio < 0) {
      const int saved = errno;
      iop::set_error(err, "ioprio_get of the worker thread failed: %s", std::strerror(saved));
      return -saved;
    }
    try {
      auto e = std::make_unique<iop_engine>();
      e->dirent_buf = std::make_unique<char[]>(kDirentBufSize);
      e->original_prio = static_cast<int>(prio);
      e->hugepages = hugepages;
      e->huge_page_size = page_size;
      describe_instance(*e);
      *out = e.release();
    } catch (const std::bad_alloc&) {
      iop::set_error(err, "out of memory for an engine instance");
      return -ENOMEM;
    }
    return 0;
  });
}

// Puts the thread's priority back as it was, so a worker thread reused for
// something else is not left at an IO's priority.
void sync_destroy(iop_engine* e) {
  if (e == nullptr) return;
  if (e->applied_prio != 0) (void)::syscall(SYS_ioprio_set, kIoprioWhoProcess, 0, e->original_prio);
  delete e;
}

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
      iop::set_error(err, "%s: fstat of fd %d failed: %s", path, file->fd, std::strerror(saved));
      return -saved;
    }
    const bool directory = (file->flags & IOP_FILE_DIRECTORY) != 0;
    if (directory != S_ISDIR(st.st_mode)) {
      iop::set_error(err, directory ? "%s: IOP_FILE_DIRECTORY but not a directory"
                                    : "%s: a directory, opened without IOP_FILE_DIRECTORY",
                     path);
      return directory ? -ENOTDIR : -EISDIR;
    }
    SyncFile f;
    f.fd = file->fd;
    f.block_device = S_ISBLK(st.st_mode);
    f.directory = directory;

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

// Anonymous memory for IO buffers (see the top of the file).
int32_t sync_alloc_buffer(iop_engine* e, uint64_t len, iop_buffer* out, iop_error* err) {
  if (out == nullptr || len == 0) {
    iop::set_error(err, "alloc_buffer needs a length and an output buffer");
    return -EINVAL;
  }
  int flags = MAP_PRIVATE | MAP_ANONYMOUS;
  uint64_t unit = 4096;
  if (e->hugepages == kHugeTransparent) unit = kTransparentHugePage;
  if (e->hugepages == kHugeReserved) {
    unit = e->huge_page_size;
    flags |= MAP_HUGETLB | MAP_POPULATE;
  }
  if (len > UINT64_MAX - unit) {
    iop::set_error(err, "alloc_buffer of %llu bytes: too large", static_cast<unsigned long long>(len));
    return -ENOMEM;
  }
  const uint64_t size = (len + unit - 1) / unit * unit;
  // Transparent huge pages need a 2 MiB aligned range: map one unit more
  // and trim the ends.
  const uint64_t mapped = e->hugepages == kHugeTransparent ? size + unit : size;
  void* p = ::mmap(nullptr, mapped, PROT_READ | PROT_WRITE, flags, -1, 0);
  if (p == MAP_FAILED) {
    const int saved = errno;
    iop::set_error(err, "alloc_buffer: mmap of %llu bytes%s failed: %s%s",
                   static_cast<unsigned long long>(mapped),
                   e->hugepages == kHugeReserved ? " of reserved huge pages" : "",
                   std::strerror(saved),
                   e->hugepages == kHugeReserved && saved == ENOMEM
                       ? " (not enough free huge pages: raise vm.nr_hugepages)"
                       : "");
    return -saved;
  }
  auto* base = static_cast<char*>(p);
  if (e->hugepages == kHugeTransparent) {
    const uintptr_t at = reinterpret_cast<uintptr_t>(base);
    const uint64_t lead = (unit - at % unit) % unit;
    if (lead > 0) ::munmap(base, lead);
    const uint64_t tail = mapped - lead - size;
    if (tail > 0) ::munmap(base + lead + size, tail);
    base += lead;
    if (::madvise(base, size, MADV_HUGEPAGE) != 0) {
      const int saved = errno;
      ::munmap(base, size);
      iop::set_error(err, "alloc_buffer: madvise(MADV_HUGEPAGE) failed: %s (is "
                          "/sys/kernel/mm/transparent_hugepage/enabled 'never'?)",
                     std::strerror(saved));
      return -saved;
    }
  }
  out->base = base;
  out->len = size;
  e->buffers_out++;
  return 0;
}

void sync_free_buffer(iop_engine* e, const iop_buffer* buf) {
  if (buf == nullptr || buf->base == nullptr) return;
  ::munmap(buf->base, buf->len);
  if (e->buffers_out > 0) e->buffers_out--;
}

// IOP_CTL_DROP_CACHE: writes the file's dirty pages back, then drops its
// page cache, so the next reads go to the device.
int32_t sync_control(iop_engine* e, uint32_t op, void* arg, iop_error* err) {
  if (op != IOP_CTL_DROP_CACHE) return -ENOTSUP;
  const auto* handle = static_cast<const int32_t*>(arg);
  if (handle == nullptr || *handle < 0 || static_cast<size_t>(*handle) >= e->files.size() ||
      e->files[static_cast<size_t>(*handle)].fd < 0) {
    iop::set_error(err, "drop-cache: not an open file handle");
    return -EBADF;
  }
  const int fd = e->files[static_cast<size_t>(*handle)].fd;
  if (::fdatasync(fd) != 0 && errno != EINVAL) {
    const int saved = errno;
    iop::set_error(err, "drop-cache: fdatasync failed: %s", std::strerror(saved));
    return -saved;
  }
  const int rc = ::posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
  if (rc != 0) {
    iop::set_error(err, "drop-cache: posix_fadvise(DONTNEED) failed: %s", std::strerror(rc));
    return -rc;
  }
  return 0;
}

// Engine buffers only mean something with huge pages.
int32_t sync_report(iop_engine* e, iop_instance_report* out, iop_error* err) {
  (void)err;
  out->caps = sync_desc().caps;
  if (e->hugepages == kHugeOff) out->caps &= ~IOP_CAP_ENGINE_BUFFERS;
  out->settings = e->settings;
  out->num_settings = e->num_settings;
  return 0;
}

// ---------------------------------------------------------------------------
// Data plane
// ---------------------------------------------------------------------------

// Does the IO now, when no completion waits for reap(); returns 1, or 0
// when one waits (the queue depth is 1).  The common IO (a read or write
// without flags, at the priority already applied, on an open handle, whose
// first system call moves all its bytes) is done here with nothing but the
// system call; a short transfer or EINTR continues out of line, and every
// other IO goes to execute().
int32_t sync_submit(iop_engine* e, iop_io* const* ios, uint32_t n, uint32_t flags) {
  if ((flags & ~IOP_SUBMIT_KNOWN_FLAGS) != 0) [[unlikely]] return -EINVAL;
  if (e->state == kReady) [[unlikely]] return 0;
  if (n == 0) [[unlikely]] {
    e->state = kEmpty;
    return 0;
  }
  const iop_io& io = *ios[0];
  iop_cqe& cqe = e->done;
  const auto h = static_cast<uint32_t>(io.file);  // a negative handle is past the end
  if ((io.op == IOP_OP_READ || io.op == IOP_OP_WRITE) && io.flags == 0 && io.ioprio == e->applied_prio &&
      io.len != 0 && h < e->files.size() && e->files[h].fd >= 0) [[likely]] {
    const int fd = e->files[h].fd;
    const bool write = io.op == IOP_OP_WRITE;
    long r = pread_pwrite(write, fd, static_cast<char*>(io.buf), io.len, static_cast<off_t>(io.offset));
    if (static_cast<unsigned long>(r) != io.len) [[unlikely]] r = finish_transfer(fd, io, write, r);
    cqe.user_data = io.user_data;
    cqe.res = r;
    cqe.aux = 0;
    cqe.flags = 0;
  } else if (iop::guard_noerr([&]() -> int32_t {
               execute(*e, io, cqe, e->why);
               return 0;
             }) != 0) {
    e->state = kEmpty;
    return -EIO;
  }
  e->state = kReady;
  return 1;
}

// Every submitted IO is already complete, so reap never waits: min_wait and
// timeout_ns are always satisfied by what the engine holds.
int32_t sync_reap(iop_engine* e, iop_cqe* out, uint32_t max, uint32_t min_wait,
                  uint64_t timeout_ns) {
  (void)min_wait;
  (void)timeout_ns;
  if (e->state != kReady || max == 0) [[unlikely]] {
    if (e->state == kReaped) e->state = kEmpty;
    return 0;
  }
  out[0] = e->done;
  e->state = kReaped;
  return 1;
}

// The text of the completion the latest reap() handed out.
int32_t sync_error_text(iop_engine* e, uint64_t user_data, iop_error* out) {
  if (e->state != kReaped || e->done.user_data != user_data || (e->done.flags & IOP_CQE_ERROR_TEXT) == 0)
    return -ENOENT;
  iop::set_error(out, "%s", e->why.why);
  return 0;
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
    /* version */ "2.0.0",
    /* description */ "blocking system calls, one IO at a time, on the host's descriptor; "
                      "metadata ops",
    /* caps */ IOP_CAP_FSYNC | IOP_CAP_FDATASYNC | IOP_CAP_TRIM | IOP_CAP_DIRECT |
        IOP_CAP_IO_DSYNC | IOP_CAP_IO_NOWAIT | IOP_CAP_IOPRIO | IOP_CAP_ENGINE_BUFFERS |
        IOP_CAP_CONTROL | IOP_CAP_ERROR_TEXT | IOP_CAP_REPORT | IOP_CAP_META_ALL | IOP_CAP_META_RENAME_NOREPLACE,
    /* required_caps */ 0,
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
    /* completion_fd */ nullptr,
    /* alloc_buffer */ sync_alloc_buffer,
    /* free_buffer */ sync_free_buffer,
    /* control */ sync_control,
    /* error_text */ sync_error_text,
    /* report */ sync_report,
};

const iop_engine_desc& sync_desc() { return kSyncDesc; }

}  // namespace

extern "C" IOP_EXPORT int32_t iopulse_engine_entry(const iop_host_info* host,
                                                   const iop_engine_desc** out) {
  if (out == nullptr || host == nullptr) return -EINVAL;
  *out = &kSyncDesc;
  return 0;
}
