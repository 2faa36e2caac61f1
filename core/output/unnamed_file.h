// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// UnnamedFile: an empty file with no name in a directory, for data a
// command keeps on disk only while it runs (the per-IO capture the per-IO
// fio-format logs are made from).  It is created with O_TMPFILE, or, on a
// file system without it, under a fresh name (mkstemp) that is removed at
// once; either way nothing is left behind, not even after a crash, and no
// existing file is touched.  The space it takes is freed when the last
// descriptor of it closes.
#ifndef IOPULSE_OUTPUT_UNNAMED_FILE_H_
#define IOPULSE_OUTPUT_UNNAMED_FILE_H_

#include <string>

namespace iopulse {

class UnnamedFile {
 public:
  // Creates it in `dir`.  Throws std::system_error naming `dir`.
  explicit UnnamedFile(const std::string& dir);
  ~UnnamedFile();
  UnnamedFile(const UnnamedFile&) = delete;
  UnnamedFile& operator=(const UnnamedFile&) = delete;

  // A duplicate descriptor of the file, read and write (the caller owns
  // it).  All descriptors share one file offset, at the start until
  // something is written.  Throws std::system_error.
  int duplicate() const;
  const std::string& dir() const { return dir_; }

 private:
  std::string dir_;
  int fd_ = -1;
};

}  // namespace iopulse

#endif  // IOPULSE_OUTPUT_UNNAMED_FILE_H_
