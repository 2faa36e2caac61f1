// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// CreatedFile: a file this run created (DatasetPreparer made it with
// O_CREAT|O_EXCL), named by its path and identified by the device and inode
// it had then; and the removal --remove-files makes of such files after the
// run (fio's unlink).  Removal unlinks a path only while it still names that
// very regular file: a file another process put there meanwhile, or one that
// existed before the run, is never removed.
#ifndef IOPULSE_TARGET_CREATED_FILE_H_
#define IOPULSE_TARGET_CREATED_FILE_H_

#include <sys/types.h>

#include <string>
#include <vector>

namespace iopulse {

struct CreatedFile {
  std::string path;
  dev_t device = 0;
  ino_t inode = 0;
};

// Removes each of `files` that is still the file created (a path that no
// longer exists is already gone).  Returns one line per file left in place
// or that could not be removed, with the reason (the errno text); empty
// when every file is gone.
std::vector<std::string> remove_created_files(const std::vector<CreatedFile>& files);

}  // namespace iopulse

#endif  // IOPULSE_TARGET_CREATED_FILE_H_
