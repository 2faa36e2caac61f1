// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
#include "run/range_lock_observer.h"

#include <fcntl.h>

#include <cerrno>
#include <system_error>

#include <fmt/format.h>

namespace iopulse {

bool RangeLockObserver::admit(IoSlot& slot, bool wait) {
  if (slot.block == IoSlot::kNoBlock) return true;  // a sync
  const bool full = mode_ == LockMode::kFull;
  if (full && locked_ios_ > 0) {
    ++locked_ios_;
    return true;
  }
  // A job that only reads opens its files read-only (least access), and a
  // read-only descriptor cannot hold a write lock: its full lock is shared,
  // which still keeps every writer out.
  struct flock lock {};
  lock.l_type = (full && job_writes_) || slot.io.op == IOP_OP_WRITE || slot.io.op == IOP_OP_TRIM ? F_WRLCK : F_RDLCK;
  lock.l_whence = SEEK_SET;
  if (mode_ == LockMode::kRange) {
    lock.l_start = static_cast<off_t>(slot.io.offset);
    lock.l_len = static_cast<off_t>(slot.io.len);
  }  // kFull: l_start = l_len = 0, the whole file
  const int fd = regions_[slot.region].fd;
  if (fcntl(fd, wait ? F_OFD_SETLKW : F_OFD_SETLK, &lock) == 0) {
    ++locked_ios_;
    return true;
  }
  if (errno != EAGAIN && errno != EACCES && errno != EINTR) {
    throw std::system_error(errno, std::generic_category(),
                            fmt::format("locking '{}'", regions_[slot.region].file->path));
  }
  ++conflicts_;
  return false;
}

void RangeLockObserver::unlock(const IoSlot& slot) {
  --locked_ios_;
  if (mode_ == LockMode::kFull && locked_ios_ > 0) return;
  struct flock lock {};
  lock.l_type = F_UNLCK;
  lock.l_whence = SEEK_SET;
  if (mode_ == LockMode::kRange) {
    lock.l_start = static_cast<off_t>(slot.io.offset);
    lock.l_len = static_cast<off_t>(slot.io.len);
  }
  fcntl(regions_[slot.region].fd, F_OFD_SETLK, &lock);
}

}  // namespace iopulse
