// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// TargetProbe: what a target path is, found without creating or changing
// anything: missing, a regular file, a block device or something else; its
// size; and the logical block size that O_DIRECT IO on it must respect.
#ifndef IOPULSE_TARGET_TARGET_PROBE_H_
#define IOPULSE_TARGET_TARGET_PROBE_H_

#include <cstdint>
#include <optional>
#include <string>

namespace iopulse {

struct TargetProbe {
  // kMemoryDevice: /dev/null or /dev/zero (character devices 1:3 and 1:5),
  // which take any write and keep nothing; any other character device,
  // FIFO or socket is kOther.
  enum class Kind { kMissing, kRegularFile, kBlockDevice, kMemoryDevice, kDirectory, kOther };

  Kind kind = Kind::kMissing;
  uint64_t size = 0;                  // regular file: st_size; block device: BLKGETSIZE64
  uint32_t logical_block_size = 512;  // alignment O_DIRECT needs for offsets and lengths
  // kMissing: 0 when the path does not exist (ENOENT), else the errno that
  // stat() gave (EACCES, ENOTDIR, ELOOP, ...): the path cannot be used.
  int stat_errno = 0;
  // kMemoryDevice: /dev/null, whose reads end at once (end of file).
  bool reads_nothing = false;
  // kBlockDevice: its device number, and the whole disk's when it is a
  // partition (/sys/dev/block/MAJ:MIN/partition); else the same number.
  uint64_t device = 0;
  uint64_t whole_disk = 0;
  // The file system's name when the path (or, when it is missing, its
  // nearest existing parent) is on one of the kernel's interfaces rather
  // than storage (proc, sysfs, debugfs, tracefs, cgroup, configfs, ...):
  // writing there changes the kernel's settings; else nullptr.
  const char* kernel_interface = nullptr;

  // Whether two block devices share bytes: one device under two names, or
  // a disk and one of its partitions.  False unless both are block devices.
  bool overlaps(const TargetProbe& other) const {
    if (kind != Kind::kBlockDevice || other.kind != Kind::kBlockDevice) return false;
    return device == other.device || whole_disk == other.device || device == other.whole_disk;
  }

  // Looks at `path` (or, when it does not exist, at its nearest existing
  // parent directory for the block size).  Never creates or opens for write.
  static TargetProbe of(const std::string& path);

  // The size of a regular file or block device; nullopt for anything else.
  std::optional<uint64_t> existing_size() const {
    if (kind == Kind::kRegularFile || kind == Kind::kBlockDevice) return size;
    return std::nullopt;
  }
};

// `path` as the kernel resolves it: absolute, symbolic links followed (one
// to a file not made yet too), so two spellings of one file are one.
std::string resolved_path(const std::string& path);

}  // namespace iopulse

#endif  // IOPULSE_TARGET_TARGET_PROBE_H_
