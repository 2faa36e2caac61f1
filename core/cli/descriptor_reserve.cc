// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
#include "cli/descriptor_reserve.h"

#include <fcntl.h>
#include <unistd.h>

namespace iopulse {

DescriptorReserve::DescriptorReserve(int count) {
  fds_.reserve(static_cast<size_t>(count));
  for (int i = 0; i < count; ++i) {
    const int fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (fd < 0) break;
    fds_.push_back(fd);
  }
}

DescriptorReserve::~DescriptorReserve() { release(); }

void DescriptorReserve::release() {
  for (const int fd : fds_) ::close(fd);
  fds_.clear();
}

}  // namespace iopulse
