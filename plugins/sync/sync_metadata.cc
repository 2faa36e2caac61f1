// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
#include "sync_metadata.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstdarg>
#include <cstdio>
#include <cstring>

namespace sync_engine {
namespace {

// Writes "<op> '<path>': <step>: <strerror>" into why and returns -err.
#if defined(__GNUC__)
__attribute__((format(printf, 6, 7)))
#endif
int64_t failed(char* why, size_t why_size, const char* op, const char* path, int err,
               const char* step, ...) {
  char what[128];
  va_list ap;
  va_start(ap, step);
  std::vsnprintf(what, sizeof what, step, ap);
  va_end(ap);
  std::snprintf(why, why_size, "%s '%s': %s: %s", op, path, what, std::strerror(err));
  return -err;
}

// Opens path relative to dirfd, retrying EINTR.  Returns the fd or -errno.
int open_at(int dirfd, const char* path, int flags, mode_t mode) {
  for (;;) {
    const int fd = ::openat(dirfd, path, flags | O_CLOEXEC, mode);
    if (fd >= 0) return fd;
    if (errno != EINTR) return -errno;
  }
}

// Reads or writes up to len bytes at offset, looping over short transfers
// until end of file; returns the bytes moved or -errno.
int64_t transfer(int fd, void* buf, uint32_t len, uint64_t offset, bool write) {
  auto* p = static_cast<char*>(buf);
  uint64_t done = 0;
  while (done < len) {
    const ssize_t r = write ? ::pwrite(fd, p + done, len - done, static_cast<off_t>(offset + done))
                            : ::pread(fd, p + done, len - done, static_cast<off_t>(offset + done));
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

// open, then (write or read) len bytes, then (fsync), then close: CREATE,
// READ_FILE and WRITE_FILE.  The file is closed whatever failed.
MetaOutcome file_data_op(const iop_io& io, const MetaContext& ctx, const char* op, int oflags,
                         bool write, char* why, size_t why_size) {
  const iop_meta_args& m = *io.meta;
  MetaOutcome out;
  const int fd = open_at(ctx.dirfd, m.path, oflags, static_cast<mode_t>(m.mode));
  if (fd < 0) {
    out.res = failed(why, why_size, op, m.path, -fd, "open");
    return out;
  }
  int64_t res = 0;
  if (io.len > 0) {
    res = transfer(fd, io.buf, io.len, io.offset, write);
    if (res < 0) {
      failed(why, why_size, op, m.path, static_cast<int>(-res), "%s of %u bytes at offset %llu",
             write ? "write" : "read", io.len, static_cast<unsigned long long>(io.offset));
    }
  }
  if (res >= 0 && write && (m.flags & IOP_META_FSYNC) != 0 && ::fsync(fd) != 0) {
    res = failed(why, why_size, op, m.path, errno, "fsync");
  }
  if (::close(fd) != 0 && res >= 0 && errno != EINTR) {
    res = failed(why, why_size, op, m.path, errno, "close");
  }
  out.res = res;
  return out;
}

// The entries of the directory `path` (relative to dirfd), without "." and
// "..": getdents64 into the instance's buffer, so nothing is allocated.
MetaOutcome list_op(const iop_io& io, const MetaContext& ctx, char* why, size_t why_size) {
  const char* path = io.meta->path;
  MetaOutcome out;
  const int fd = open_at(ctx.dirfd, path, O_RDONLY | O_DIRECTORY, 0);
  if (fd < 0) {
    out.res = failed(why, why_size, "list", path, -fd, "open");
    return out;
  }
  uint64_t count = 0;
  for (;;) {
    const long n = ::syscall(SYS_getdents64, fd, ctx.dirent_buf, ctx.dirent_buf_size);
    if (n == 0) break;
    if (n < 0) {
      if (errno == EINTR) continue;
      out.res = failed(why, why_size, "list", path, errno, "getdents64");
      ::close(fd);
      return out;
    }
    for (long at = 0; at < n;) {
      // struct linux_dirent64: ino (8), off (8), reclen (2), type (1), name.
      unsigned short reclen;
      std::memcpy(&reclen, ctx.dirent_buf + at + 16, sizeof reclen);
      const char* name = ctx.dirent_buf + at + 19;
      const bool dots = name[0] == '.' && (name[1] == '\0' || (name[1] == '.' && name[2] == '\0'));
      if (!dots) ++count;
      at += reclen;
    }
  }
  ::close(fd);
  out.aux = count;
  out.flags = IOP_CQE_AUX_COUNT;
  return out;
}

}  // namespace

MetaOutcome run_metadata_op(const iop_io& io, const MetaContext& ctx, char* why, size_t why_size) {
  MetaOutcome out;
  const iop_meta_args* m = io.meta;
  if (m == nullptr || m->path == nullptr) {
    std::snprintf(why, why_size, "metadata op %u without meta->path", static_cast<unsigned>(io.op));
    out.res = -EINVAL;
    return out;
  }
  const char* path = m->path;
  switch (io.op) {
    case IOP_OP_MKDIR:
      if (::mkdirat(ctx.dirfd, path, static_cast<mode_t>(m->mode)) != 0) {
        out.res = failed(why, why_size, "mkdir", path, errno, "mkdirat");
      }
      return out;
    case IOP_OP_RMDIR:
      if (::unlinkat(ctx.dirfd, path, AT_REMOVEDIR) != 0) {
        out.res = failed(why, why_size, "rmdir", path, errno, "unlinkat(AT_REMOVEDIR)");
      }
      return out;
    case IOP_OP_UNLINK:
      if (::unlinkat(ctx.dirfd, path, 0) != 0) {
        out.res = failed(why, why_size, "unlink", path, errno, "unlinkat");
      }
      return out;
    case IOP_OP_RENAME:
      if (m->path2 == nullptr) {
        std::snprintf(why, why_size, "rename '%s': meta->path2 is NULL", path);
        out.res = -EINVAL;
      } else if (::renameat2(ctx.dirfd, path, ctx.dir2fd, m->path2,
                             (m->flags & IOP_META_NOREPLACE) != 0 ? RENAME_NOREPLACE : 0) != 0) {
        out.res = failed(why, why_size, "rename", path, errno, "renameat2 to '%s'", m->path2);
      }
      return out;
    case IOP_OP_STAT: {
      struct stat st;
      if (::fstatat(ctx.dirfd, path, &st, 0) != 0) {
        out.res = failed(why, why_size, "stat", path, errno, "fstatat");
      } else {
        out.aux = static_cast<uint64_t>(st.st_size);
        out.flags = IOP_CQE_AUX_SIZE;
      }
      return out;
    }
    case IOP_OP_OPEN_CLOSE: {
      const int fd = open_at(ctx.dirfd, path, O_RDONLY, 0);
      if (fd < 0) {
        out.res = failed(why, why_size, "open-close", path, -fd, "open");
      } else if (::close(fd) != 0 && errno != EINTR) {
        out.res = failed(why, why_size, "open-close", path, errno, "close");
      }
      return out;
    }
    case IOP_OP_CREATE:
      return file_data_op(io, ctx, "create",
                          O_CREAT | O_WRONLY | ((m->flags & IOP_META_EXCL) != 0 ? O_EXCL : 0),
                          /*write=*/true, why, why_size);
    case IOP_OP_READ_FILE:
      return file_data_op(io, ctx, "read-file", O_RDONLY, /*write=*/false, why, why_size);
    case IOP_OP_WRITE_FILE:
      return file_data_op(io, ctx, "write-file",
                          O_WRONLY | ((m->flags & IOP_META_TRUNC) != 0 ? O_TRUNC : 0),
                          /*write=*/true, why, why_size);
    case IOP_OP_LIST:
      return list_op(io, ctx, why, why_size);
    default:
      std::snprintf(why, why_size, "op %u is not a metadata op", static_cast<unsigned>(io.op));
      out.res = -EINVAL;
      return out;
  }
}

}  // namespace sync_engine
