// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
#include "output/result_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <system_error>
#include <vector>

#include <fmt/format.h>

#include "output/output_destination.h"

namespace iopulse {
namespace {

namespace fs = std::filesystem;

[[noreturn]] void fail(int err, const std::string& what) { throw std::system_error(err, std::generic_category(), what); }

// 0 or the errno of the failed write.
int write_all(int fd, std::string_view data) {
  while (!data.empty()) {
    const ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return errno;
    }
    data.remove_prefix(static_cast<size_t>(n));
  }
  return 0;
}

// The process's umask, read without changing it (umask() would, for a moment,
// for every thread).
mode_t current_umask() {
  std::ifstream status("/proc/self/status");
  std::string key;
  while (status >> key) {
    if (key == "Umask:") {
      std::string value;
      status >> value;
      return static_cast<mode_t>(std::strtoul(value.c_str(), nullptr, 8));
    }
    status.ignore(4096, '\n');
  }
  return 022;
}

void replace_file(const OutputDestination& d, std::string_view text, const std::string& what) {
  const fs::path target(d.write_path);
  const fs::path dir = target.has_parent_path() ? target.parent_path() : fs::path(".");
  std::string tmpl = (dir / ("." + target.filename().string() + ".iopulse-XXXXXX")).string();
  std::vector<char> name(tmpl.begin(), tmpl.end());
  name.push_back('\0');
  const int fd = mkostemp(name.data(), O_CLOEXEC);
  if (fd < 0) fail(errno, fmt::format("cannot write {} to '{}' (creating a file in '{}')", what, d.path, dir.string()));
  const std::string tmp(name.data());
  struct stat old;
  const bool existed = stat(d.write_path.c_str(), &old) == 0;
  int err = 0;
  if (existed) {
    if (fchmod(fd, old.st_mode & 07777) != 0) err = errno;
    if (err == 0 && getuid() == 0 && fchown(fd, old.st_uid, old.st_gid) != 0) err = errno;
  } else if (fchmod(fd, 0666 & ~current_umask()) != 0) {
    err = errno;
  }
  if (err == 0) err = write_all(fd, text);
  if (err == 0 && ::fsync(fd) != 0) err = errno;
  if (::close(fd) != 0 && err == 0) err = errno;
  if (err == 0 && ::rename(tmp.c_str(), d.write_path.c_str()) != 0) err = errno;
  if (err != 0) {
    ::unlink(tmp.c_str());
    fail(err, fmt::format("cannot write {} to '{}'", what, d.path));
  }
}

void write_in_place(const OutputDestination& d, std::string_view text, const std::string& what) {
  struct stat st;
  const bool regular = stat(d.write_path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
  const int fd = ::open(d.write_path.c_str(), O_WRONLY | O_CLOEXEC | (regular ? O_TRUNC : 0));
  if (fd < 0) fail(errno, fmt::format("cannot write {} to '{}'", what, d.path));
  int err = write_all(fd, text);
  if (err == 0 && regular && ::fsync(fd) != 0) err = errno;
  if (::close(fd) != 0 && err == 0) err = errno;
  if (err != 0) fail(err, fmt::format("cannot write {} to '{}'", what, d.path));
}

// The destination as the path is now; a path that became unusable since the
// job was checked is an IO error here, not a usage error.
OutputDestination resolve_now(const std::string& option, const std::string& path) {
  try {
    return OutputDestination::resolve(option, path);
  } catch (const OutputPathError& e) {
    throw std::system_error(e.code(), std::generic_category(), e.what());
  }
}

}  // namespace

void write_result_file(const std::string& option, const std::string& path, std::string_view text,
                       const std::string& what) {
  const OutputDestination d = resolve_now(option, path);
  switch (d.kind) {
    case OutputDestination::Kind::kStdout: {
      std::cout.flush();
      std::fflush(stdout);
      if (const int err = write_all(STDOUT_FILENO, text); err != 0) {
        fail(err, fmt::format("cannot write {} to standard output", what));
      }
      return;
    }
    case OutputDestination::Kind::kReplace:
      replace_file(d, text, what);
      return;
    case OutputDestination::Kind::kInPlace:
      write_in_place(d, text, what);
      return;
  }
}

std::FILE* open_output_stream(const std::string& option, const std::string& path, const std::string& what) {
  const OutputDestination d = resolve_now(option, path);
  int fd = -1;
  if (d.kind == OutputDestination::Kind::kStdout) {
    std::cout.flush();
    std::fflush(stdout);
    fd = ::fcntl(STDOUT_FILENO, F_DUPFD_CLOEXEC, 0);
  } else {
    struct stat st;
    const bool regular_or_new = stat(d.write_path.c_str(), &st) != 0 || S_ISREG(st.st_mode);
    fd = ::open(d.write_path.c_str(), O_WRONLY | O_CLOEXEC | (regular_or_new ? O_CREAT | O_TRUNC : 0), 0666);
  }
  if (fd < 0) fail(errno, fmt::format("cannot write the {} to '{}'", what, path));
  std::FILE* f = ::fdopen(fd, "w");
  if (f == nullptr) {
    const int err = errno;
    ::close(fd);
    fail(err, fmt::format("cannot write the {} to '{}'", what, path));
  }
  return f;
}

}  // namespace iopulse
