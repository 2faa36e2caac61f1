// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
#include "target/created_file.h"

#include <fcntl.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <optional>

#include <fmt/format.h>

namespace iopulse {
namespace {

constexpr unsigned kWanted = STATX_TYPE | STATX_INO | STATX_BTIME;


// The identity of the file open on `fd` (`path`), nullopt when statx fails.
std::optional<CreatedFile> identity(int fd, const std::string& path) {
  struct statx stx {};
  if (statx(fd, "", AT_EMPTY_PATH, kWanted, &stx) != 0) return std::nullopt;
  CreatedFile f;
  f.path = path;
  f.device = makedev(stx.stx_dev_major, stx.stx_dev_minor);
  f.inode = stx.stx_ino;
  f.birth_known = (stx.stx_mask & STATX_BTIME) != 0;
  if (f.birth_known) {
    f.birth_sec = stx.stx_btime.tv_sec;
    f.birth_nsec = stx.stx_btime.tv_nsec;
  }
  int generation = 0;
  f.generation_known = ioctl(fd, FS_IOC_GETVERSION, &generation) == 0;
  if (f.generation_known) f.generation = static_cast<uint32_t>(generation);
  if (!S_ISREG(stx.stx_mode)) f.inode = 0;  // never a created file's
  return f;
}

}  // namespace

std::optional<CreatedFile> CreatedFile::of(int fd, const std::string& path) { return identity(fd, path); }

std::vector<std::string> remove_created_files(const std::vector<CreatedFile>& files) {
  std::vector<std::string> problems;
  for (const CreatedFile& f : files) {
    // What the path names now: only a regular file of the same device and
    // inode is opened (without following a link, without blocking), to
    // read its generation and birth time; anything else is never opened.
    struct statx first {};
    if (statx(AT_FDCWD, f.path.c_str(), AT_SYMLINK_NOFOLLOW, STATX_TYPE | STATX_INO, &first) != 0) {
      if (errno == ENOENT) continue;
      problems.push_back(fmt::format("--remove-files: left '{}': {}", f.path, std::strerror(errno)));
      continue;
    }
    if (!S_ISREG(first.stx_mode) || makedev(first.stx_dev_major, first.stx_dev_minor) != f.device ||
        first.stx_ino != f.inode) {
      problems.push_back(
          fmt::format("--remove-files: left '{}': it is no longer the file this run created", f.path));
      continue;
    }
    const int fd = open(f.path.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    if (fd < 0) {
      if (errno == ENOENT) continue;
      problems.push_back(errno == ELOOP
                             ? fmt::format("--remove-files: left '{}': it is no longer the file this run created", f.path)
                             : fmt::format("--remove-files: left '{}': {}", f.path, std::strerror(errno)));
      continue;
    }
    const std::optional<CreatedFile> now = identity(fd, f.path);
    close(fd);
    if (!now) {
      problems.push_back(fmt::format("--remove-files: left '{}': {}", f.path, std::strerror(errno)));
      continue;
    }
    const bool generation = f.generation_known && now->generation_known;
    const bool birth = f.birth_known && now->birth_known;
    if (!generation && !birth) {
      problems.push_back(fmt::format("--remove-files: left '{}': its file system gives neither inode generations nor "
                                     "creation times, by which IOPulse tells the file it created from a later one",
                                     f.path));
      continue;
    }
    if (now->inode == 0 || now->device != f.device || now->inode != f.inode ||
        (generation && now->generation != f.generation) ||
        (birth && (now->birth_sec != f.birth_sec || now->birth_nsec != f.birth_nsec))) {
      problems.push_back(
          fmt::format("--remove-files: left '{}': it is no longer the file this run created", f.path));
      continue;
    }
    if (unlink(f.path.c_str()) != 0 && errno != ENOENT) {
      problems.push_back(fmt::format("--remove-files: could not remove '{}': {}", f.path, std::strerror(errno)));
    }
  }
  return problems;
}

}  // namespace iopulse
