// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
#include "trace/trace_source.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

#include "trace/blktrace_format.h"
#include "trace/blktrace_reader.h"
#include "trace/fio_iolog_reader.h"
#include "trace/iolog_format.h"
#include "trace/iolog_reader.h"

namespace iopulse {

std::unique_ptr<TraceSource> open_trace(const std::string& path, bool by_pid) {
  char magic[sizeof kIoLogMagic] = {};
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);  // a FIFO: no wait for a writer
  if (fd < 0) {
    const int err = errno;
    // A blktrace capture by its base name: NAME.blktrace.0, .1, ...
    if (err == ENOENT) {
      const std::vector<std::string> cpus = blktrace_capture_files(path);
      if (!cpus.empty()) return std::make_unique<BlktraceReader>(cpus, by_pid);
    }
    // The caller's label names the path ("--replay 'PATH': ..."): the
    // reason alone.
    throw TraceError(fmt::format("cannot be opened: {}", std::strerror(err)));
  }
  // Read twice (the magic here, the records by the reader): a regular file
  // only; a device or a FIFO would not give the same bytes again, and
  // /dev/zero would never end a line.
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    const int err = errno;
    const bool dir = S_ISDIR(st.st_mode);
    ::close(fd);
    if (st.st_mode == 0) throw TraceError(fmt::format("cannot be read: {}", std::strerror(err)));
    throw TraceError(fmt::format("{}; accepted: a trace file (an IOPulse iolog, a fio iolog, a blktrace capture)",
                                 dir ? "a directory" : "not a regular file"));
  }
  const ssize_t n = ::read(fd, magic, sizeof magic);
  ::close(fd);
  if (n == static_cast<ssize_t>(sizeof magic) && std::memcmp(magic, kIoLogMagic, sizeof magic) == 0) {
    return std::make_unique<IoLogReader>(path);
  }
  uint32_t blk_magic = 0;
  bool swapped = false;
  std::memcpy(&blk_magic, magic, sizeof blk_magic);
  if (n >= static_cast<ssize_t>(sizeof blk_magic) && is_blk_magic(blk_magic, &swapped)) {
    return std::make_unique<BlktraceReader>(std::vector<std::string>{path}, by_pid);
  }
  return std::make_unique<FioIologReader>(path);
}

}  // namespace iopulse
