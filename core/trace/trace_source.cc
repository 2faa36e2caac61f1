// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
#include "trace/trace_source.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <system_error>

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
    throw std::system_error(err, std::generic_category(), fmt::format("'{}'", path));
  }
  // Read twice (the magic here, the records by the reader): a regular file
  // only; a device or a FIFO would not give the same bytes again, and
  // /dev/zero would never end a line.
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    const int err = errno;
    const bool dir = S_ISDIR(st.st_mode);
    ::close(fd);
    if (dir) throw std::system_error(EISDIR, std::generic_category(), fmt::format("'{}'", path));
    if (st.st_mode == 0) throw std::system_error(err, std::generic_category(), fmt::format("'{}'", path));
    throw TraceError("not a regular file; accepted: a trace file (an IOPulse iolog, a fio iolog, a blktrace capture)");
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
