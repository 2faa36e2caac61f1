// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// DeviceUse: whether a block device is in use by something else, so writing
// to it would destroy a mounted file system or data another layer owns.  A
// device is in use when it or one of its partitions
//   - is mounted (a line of /proc/self/mountinfo names its major:minor),
//   - is held by another block device (an entry in sysfs holders/: device
//     mapper, md RAID, bcache, ...), or
//   - cannot be opened with O_EXCL (EBUSY: a mount, swap or any exclusive
//     opener the two checks above cannot see).
// Only looks; opens the device read-only for the O_EXCL probe.
#ifndef IOPULSE_TARGET_DEVICE_USE_H_
#define IOPULSE_TARGET_DEVICE_USE_H_

#include <cstdint>
#include <string>
#include <vector>

namespace iopulse {

// "" when the block device at `path` is not in use, else one phrase saying
// by what, e.g. "partition /dev/sdb1 is mounted at /mnt/data".
// A loop device is also in use when another loop device on the same
// backing file is.
std::string block_device_use(const std::string& path);

// The loop devices and the files behind them, read once (one look at
// /sys/block) for a whole plan, however many files it checks.
class LoopBackingFiles {
 public:
  static LoopBackingFiles scan();

  // "" when the regular file at `path` backs no loop device in use, else
  // one phrase, e.g. "'/srv/disk.img' is the backing file of /dev/loop0
  // ('/dev/loop0' is mounted at /mnt)": writing the file writes under that
  // mount.
  std::string use_of(const std::string& path) const;

 private:
  struct Backing {
    std::string name;  // "loop0"
    uint64_t dev = 0;  // the backing file's st_dev and st_ino
    uint64_t ino = 0;
  };
  std::vector<Backing> devices_;
};

}  // namespace iopulse

#endif  // IOPULSE_TARGET_DEVICE_USE_H_
