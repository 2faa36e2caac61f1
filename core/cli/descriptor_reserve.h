// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// DescriptorReserve: a few file descriptors held back from the run so the
// results can still be written when the run used up the process's limit
// (ulimit -n): a metadata phase that creates files until open() fails with
// EMFILE, a worker whose set-up found no descriptor for its engine's ring.
// Taken before the run's own descriptors; release() hands them back just
// before the result files are written (a result file takes a temporary file
// and the umask's read: two at once).
//
// Ownership: holds `count` descriptors of /dev/null until release() or its
// destruction.  Not thread-safe; the coordinator's only.
#ifndef IOPULSE_CLI_DESCRIPTOR_RESERVE_H_
#define IOPULSE_CLI_DESCRIPTOR_RESERVE_H_

#include <vector>

namespace iopulse {

class DescriptorReserve {
 public:
  // Takes up to `count` descriptors; fewer when the limit is lower (the run
  // then fails on its own first descriptor, as without a reserve).
  explicit DescriptorReserve(int count);
  ~DescriptorReserve();
  DescriptorReserve(const DescriptorReserve&) = delete;
  DescriptorReserve& operator=(const DescriptorReserve&) = delete;

  // The descriptors held now.
  int held() const { return static_cast<int>(fds_.size()); }
  // Closes them (again: nothing).
  void release();

 private:
  std::vector<int> fds_;
};

}  // namespace iopulse

#endif  // IOPULSE_CLI_DESCRIPTOR_RESERVE_H_
