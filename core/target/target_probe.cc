// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
#include "target/target_probe.h"

#include <fcntl.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <fstream>

#include "output/kernel_interface.h"

namespace iopulse {
namespace {

// Reads /sys/dev/block/MAJ:MIN/queue/logical_block_size for the device that
// holds a filesystem (falling back to the parent device for a partition).
uint32_t sysfs_logical_block_size(dev_t dev) {
  const std::string base =
      "/sys/dev/block/" + std::to_string(major(dev)) + ":" + std::to_string(minor(dev));
  for (const char* rel : {"/queue/logical_block_size", "/../queue/logical_block_size"}) {
    std::ifstream in(base + rel);
    uint32_t value = 0;
    if (in >> value && value >= 512 && (value & (value - 1)) == 0) return value;
  }
  return 512;
}

// The whole disk that holds partition `dev` (its sysfs parent's number), or
// `dev` when it is not a partition.
dev_t whole_disk_of(dev_t dev) {
  const std::string base = "/sys/dev/block/" + std::to_string(major(dev)) + ":" + std::to_string(minor(dev));
  if (access((base + "/partition").c_str(), F_OK) != 0) return dev;
  std::ifstream in(base + "/../dev");
  unsigned maj = 0;
  unsigned min = 0;
  char colon = 0;
  if (in >> maj >> colon >> min && colon == ':') return makedev(maj, min);
  return dev;
}

}  // namespace

TargetProbe TargetProbe::of(const std::string& path) {
  TargetProbe probe;
  struct stat st;
  if (stat(path.c_str(), &st) != 0) {
    probe.kind = Kind::kMissing;
    if (errno != ENOENT) probe.stat_errno = errno;
    // The file will be created in the nearest existing ancestor directory.
    std::filesystem::path dir = std::filesystem::absolute(path).parent_path();
    while (!dir.empty() && stat(dir.c_str(), &st) != 0) {
      if (dir == dir.parent_path()) break;
      dir = dir.parent_path();
    }
    if (stat(dir.c_str(), &st) == 0) probe.logical_block_size = sysfs_logical_block_size(st.st_dev);
    probe.kernel_interface = kernel_interface_of(dir.string());
    return probe;
  }
  probe.kernel_interface = kernel_interface_of(path);
  if (S_ISREG(st.st_mode)) {
    probe.kind = Kind::kRegularFile;
    probe.size = static_cast<uint64_t>(st.st_size);
    probe.logical_block_size = sysfs_logical_block_size(st.st_dev);
  } else if (S_ISBLK(st.st_mode)) {
    probe.kind = Kind::kBlockDevice;
    probe.device = st.st_rdev;
    probe.whole_disk = whole_disk_of(st.st_rdev);
    const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd >= 0) {
      uint64_t bytes = 0;
      int lbs = 0;
      if (ioctl(fd, BLKGETSIZE64, &bytes) == 0) probe.size = bytes;
      if (ioctl(fd, BLKSSZGET, &lbs) == 0 && lbs > 0) probe.logical_block_size = static_cast<uint32_t>(lbs);
      close(fd);
    }
  } else if (S_ISCHR(st.st_mode) && major(st.st_rdev) == 1 && (minor(st.st_rdev) == 3 || minor(st.st_rdev) == 5)) {
    probe.kind = Kind::kMemoryDevice;
    probe.reads_nothing = minor(st.st_rdev) == 3;
  } else if (S_ISDIR(st.st_mode)) {
    probe.kind = Kind::kDirectory;
  } else {
    probe.kind = Kind::kOther;
  }
  return probe;
}

std::string resolved_path(const std::string& path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::path p = fs::absolute(path, ec).lexically_normal();
  for (int hops = 0; hops < 40; ++hops) {
    fs::path parent = fs::weakly_canonical(p.parent_path(), ec);
    if (ec) parent = p.parent_path();
    p = parent / p.filename();
    if (!fs::is_symlink(p, ec)) break;
    const fs::path to = fs::read_symlink(p, ec);
    if (ec) break;
    p = (to.is_absolute() ? to : parent / to).lexically_normal();
  }
  return p.string();
}

}  // namespace iopulse
