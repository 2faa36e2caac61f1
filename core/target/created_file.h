// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// CreatedFile: a file this run created (DatasetPreparer made it with
// O_CREAT|O_EXCL), named by its path and identified by the device, inode,
// inode generation (FS_IOC_GETVERSION) and birth time (statx's btime) it
// had then; and the removal --remove-files makes of such files after the
// run (fio's unlink).
//
// Removal unlinks a path only while it still names that very regular file:
// device and inode equal, and the generation and the birth time equal where
// the file system gives them (at least one must be given).  They tell a
// file that took a freed inode number over from the one created (file
// systems hand freed numbers out again at once; ext4, XFS and btrfs give
// each use of a number a new generation); a file system that gives
// neither keeps its files.  Where only the birth time is given (overlayfs,
// tmpfs), it has the kernel's clock tick: a file that took the number over
// within the tick of the creation would pass.  A file that existed before the run,
// or any other file put in a created one's place, is never removed, except
// for a swap within the instant between the check and the unlink (Linux
// has no unlink-if-same).
#ifndef IOPULSE_TARGET_CREATED_FILE_H_
#define IOPULSE_TARGET_CREATED_FILE_H_

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace iopulse {

struct CreatedFile {
  std::string path;
  dev_t device = 0;
  ino_t inode = 0;
  bool birth_known = false;  // the file system reported a birth time
  int64_t birth_sec = 0;
  uint32_t birth_nsec = 0;
  bool generation_known = false;  // ... and an inode generation
  uint32_t generation = 0;

  // The identity of the file open on `fd`, just created at `path`;
  // nullopt when statx fails.
  static std::optional<CreatedFile> of(int fd, const std::string& path);
};

// Removes each of `files` that is still the file created (a path that no
// longer exists is already gone).  Returns one line per file left in place
// or that could not be removed, with the reason (the errno text); empty
// when every file is gone.
std::vector<std::string> remove_created_files(const std::vector<CreatedFile>& files);

}  // namespace iopulse

#endif  // IOPULSE_TARGET_CREATED_FILE_H_
