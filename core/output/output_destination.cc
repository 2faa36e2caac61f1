// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
#include "output/output_destination.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include <fmt/format.h>

#include "output/kernel_interface.h"

namespace iopulse {
namespace {

namespace fs = std::filesystem;

[[noreturn]] void refuse(const std::string& option, const std::string& path, int code, const std::string& why) {
  throw OutputPathError(code, fmt::format("{}: cannot write '{}': {}", option, path, why));
}

// The directory a new file named `path` would be created in.
std::string parent_of(const std::string& path) {
  const fs::path parent = fs::path(path).parent_path();
  return parent.empty() ? std::string(".") : parent.string();
}

// A new file can be created in `dir`: it exists, is a directory, and this
// process may add entries to it (access() also says EROFS for a read-only
// mount and EPERM for an immutable directory).
void check_directory(const std::string& option, const std::string& path, const std::string& dir) {
  struct stat st;
  if (stat(dir.c_str(), &st) != 0) {
    const int err = errno;
    refuse(option, path, err,
           err == ENOENT ? fmt::format("directory '{}' does not exist", dir)
                         : fmt::format("directory '{}': {}", dir, std::strerror(err)));
  }
  if (!S_ISDIR(st.st_mode)) refuse(option, path, ENOTDIR, fmt::format("'{}' is not a directory", dir));
  if (access(dir.c_str(), W_OK | X_OK) != 0) {
    const int err = errno;
    refuse(option, path, err, fmt::format("directory '{}' is not writable: {}", dir, std::strerror(err)));
  }
}

// Nothing is written on the kernel's interfaces (/proc/version,
// /sys/.../read_ahead_kb): `at` is the file or the directory it goes in.
void refuse_kernel_interface(const std::string& option, const std::string& path, const std::string& at) {
  if (const char* fs = kernel_interface_of(at)) {
    refuse(option, path, EINVAL, fmt::format("it is on {}, one of the kernel's interfaces; accepted: a file on a "
                                             "storage file system, a FIFO, a character device or -", fs));
  }
}

bool same_file(const struct stat& a, const struct stat& b) { return a.st_dev == b.st_dev && a.st_ino == b.st_ino; }

}  // namespace

OutputDestination OutputDestination::resolve(const std::string& option, const std::string& path) {
  OutputDestination d;
  d.option = option;
  d.path = path;
  if (path.empty()) {
    throw OutputPathError(EINVAL, fmt::format("{}: '' is not a file name; accepted: a file name or -", option));
  }
  if (path == "-") return d;

  struct stat st;
  if (stat(path.c_str(), &st) != 0) {
    const int err = errno;
    if (err != ENOENT) refuse(option, path, err, std::strerror(err));
    // Nothing there yet, or a symbolic link to a file that does not exist
    // yet: the file is created where the link points.
    std::string where = path;
    struct stat link;
    for (int hops = 0; lstat(where.c_str(), &link) == 0 && S_ISLNK(link.st_mode); ++hops) {
      std::error_code ec;
      const fs::path to = fs::read_symlink(where, ec);
      if (ec || hops == 40) refuse(option, path, ELOOP, "its symbolic links cannot be followed");
      where = to.is_absolute() ? to.string() : (fs::path(parent_of(where)) / to).lexically_normal().string();
    }
    refuse_kernel_interface(option, path, parent_of(where));
    check_directory(option, path, parent_of(where));
    d.kind = Kind::kReplace;
    d.write_path = where;
    return d;
  }

  struct stat out;
  if (fstat(STDOUT_FILENO, &out) == 0 && same_file(st, out) && !S_ISDIR(st.st_mode) && !S_ISBLK(st.st_mode)) {
    return d;  // /dev/stdout and friends: this process's standard output
  }
  if (S_ISDIR(st.st_mode)) refuse(option, path, EISDIR, "it is a directory; accepted: a file name");
  if (S_ISBLK(st.st_mode)) {
    refuse(option, path, EINVAL, "it is a block device; results are never written to a device");
  }
  if (S_ISSOCK(st.st_mode)) refuse(option, path, EINVAL, "it is a socket");
  if (S_ISFIFO(st.st_mode) || S_ISCHR(st.st_mode)) {
    if (access(path.c_str(), W_OK) != 0) refuse(option, path, errno, std::strerror(errno));
    d.kind = Kind::kInPlace;
    d.write_path = path;
    return d;
  }
  if (!S_ISREG(st.st_mode)) {
    refuse(option, path, EINVAL, "it is neither a regular file, a FIFO nor a character device");
  }
  refuse_kernel_interface(option, path, path);

  // A regular file: replaced, unless replacing it would cut it off from
  // another name (hard links) or from a descriptor (a /proc magic link).
  std::error_code ec;
  const fs::path real = fs::canonical(path, ec);
  struct stat real_st;
  const bool reachable = !ec && stat(real.c_str(), &real_st) == 0 && same_file(st, real_st) &&
                         !real.string().starts_with("/proc/");
  if (st.st_nlink > 1 || !reachable) {
    if (access(path.c_str(), W_OK) != 0) refuse(option, path, errno, std::strerror(errno));
    d.kind = Kind::kInPlace;
    d.write_path = path;
    return d;
  }
  check_directory(option, path, parent_of(real.string()));
  d.kind = Kind::kReplace;
  d.write_path = real.string();
  return d;
}

}  // namespace iopulse
