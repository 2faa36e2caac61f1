// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// File systems of the tests' own, each removed when the object goes out of
// scope: a tiny tmpfs (ENOSPC, read-only mounts), faultfs (a FUSE file
// system that fails writes with EIO or ENOSPC, tests/fixtures/faultfs) and
// loop devices (optionally with a mounted ext4).  All need root; each says
// why it is not usable through ok() / why(), and tests skip then.
#ifndef IOPULSE_TESTS_INTEGRATION_FILESYSTEM_SUPPORT_H_
#define IOPULSE_TESTS_INTEGRATION_FILESYSTEM_SUPPORT_H_

#include <sys/types.h>

#include <string>
#include <vector>

namespace iopulse::test {

bool running_as_root();

// A tmpfs of `size` (e.g. "8M") mounted on `dir` (created if missing).
class TmpfsMount {
 public:
  TmpfsMount(const std::string& dir, const std::string& size);
  ~TmpfsMount();
  TmpfsMount(const TmpfsMount&) = delete;
  TmpfsMount& operator=(const TmpfsMount&) = delete;
  bool ok() const { return mounted_; }
  const std::string& why() const { return why_; }
  // mount -o remount,ro (true on success).
  bool remount_read_only();

 private:
  std::string dir_;
  bool mounted_ = false;
  std::string why_;
};

// faultfs mounted on `dir`, failing writes that reach byte `fail_writes_from`
// with `error` ("EIO" or "ENOSPC"); `extra` are more faultfs options, e.g.
// a storage cut ("--cut-after=N", "--cut-mode=drop", "--cut-log=FILE").
class FaultFs {
 public:
  FaultFs(const std::string& dir, unsigned long long fail_writes_from, const std::string& error,
          const std::vector<std::string>& extra = {});
  ~FaultFs();
  FaultFs(const FaultFs&) = delete;
  FaultFs& operator=(const FaultFs&) = delete;
  bool ok() const { return mounted_; }
  const std::string& why() const { return why_; }

 private:
  std::string dir_;
  pid_t pid_ = -1;
  bool mounted_ = false;
  std::string why_;
};

// A loop device over the image file `image`, made `size` long (e.g. "16M"):
// a new image is zeroed, an existing one keeps its bytes up to `size`.
class LoopDevice {
 public:
  LoopDevice(const std::string& image, const std::string& size);
  ~LoopDevice();
  LoopDevice(const LoopDevice&) = delete;
  LoopDevice& operator=(const LoopDevice&) = delete;
  bool ok() const { return !device_.empty(); }
  const std::string& device() const { return device_; }
  const std::string& why() const { return why_; }
  // mkfs.ext4 on the device and mount it on `dir` (true on success); it is
  // unmounted before the device is detached.
  bool mount_ext4(const std::string& dir);

 private:
  std::string device_;
  std::string mounted_on_;
  std::string why_;
};

// Whether `dir` is a mount point (a line of /proc/self/mountinfo).
bool is_mount_point(const std::string& dir);

}  // namespace iopulse::test

#endif  // IOPULSE_TESTS_INTEGRATION_FILESYSTEM_SUPPORT_H_
