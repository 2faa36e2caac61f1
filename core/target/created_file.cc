// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
#include "target/created_file.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

namespace iopulse {

std::vector<std::string> remove_created_files(const std::vector<CreatedFile>& files) {
  std::vector<std::string> problems;
  for (const CreatedFile& f : files) {
    struct stat st {};
    if (lstat(f.path.c_str(), &st) != 0) {
      if (errno == ENOENT) continue;
      problems.push_back(fmt::format("--remove-files: left '{}': {}", f.path, std::strerror(errno)));
      continue;
    }
    if (!S_ISREG(st.st_mode) || st.st_dev != f.device || st.st_ino != f.inode) {
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
