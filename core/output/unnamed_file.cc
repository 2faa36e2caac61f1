// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
#include "output/unnamed_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <string>
#include <system_error>
#include <vector>

#include <fmt/format.h>

namespace iopulse {

UnnamedFile::UnnamedFile(const std::string& dir) : dir_(dir.empty() ? "." : dir) {
  fd_ = ::open(dir_.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
  if (fd_ >= 0) return;
  // File systems without O_TMPFILE (EOPNOTSUPP, or EISDIR from kernels that
  // do not know the flag): a fresh name, removed before anything is written.
  if (errno != EOPNOTSUPP && errno != EISDIR && errno != EINVAL) {
    throw std::system_error(errno, std::generic_category(), fmt::format("a scratch file in '{}'", dir_));
  }
  std::string name = dir_ + "/.iopulse-scratch-XXXXXX";
  std::vector<char> buf(name.begin(), name.end());
  buf.push_back('\0');
  fd_ = ::mkostemp(buf.data(), O_CLOEXEC);
  if (fd_ < 0) throw std::system_error(errno, std::generic_category(), fmt::format("a scratch file in '{}'", dir_));
  if (::unlink(buf.data()) != 0) {
    const int err = errno;
    ::close(fd_);
    throw std::system_error(err, std::generic_category(), fmt::format("removing the name of '{}'", buf.data()));
  }
}

UnnamedFile::~UnnamedFile() {
  if (fd_ >= 0) ::close(fd_);
}

int UnnamedFile::duplicate() const {
  const int fd = ::fcntl(fd_, F_DUPFD_CLOEXEC, 0);
  if (fd < 0) throw std::system_error(errno, std::generic_category(), fmt::format("a scratch file in '{}'", dir_));
  return fd;
}

}  // namespace iopulse
